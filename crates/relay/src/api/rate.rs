//! Request rates, per client address, account, device or claiming pair (governor's GCRA, one
//! keyed limiter per kind of request). A refusal is `429 rate_limited` with `Retry-After`.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tandem_proto::ids::{AccountId, DeviceId};

use super::ApiFailure;
use crate::limits::{Limits, Rate};

/// The kinds of request that are counted, each against its own [`Rate`] in [`Limits`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Class {
    Accounts,
    Challenges,
    Auths,
    Links,
    LinkRequests,
    KeyClaimsPerIp,
    KeyClaimsPerPair,
    SendsPerIp,
    SendsPerAccount,
    LookupsPerIp,
    LookupsPerAccount,
    /// Not a request: `keys_low` pushes, at most one per device per period.
    KeysLow,
}

/// What a request is counted against.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// A client address; IPv6 by its /64 (one subscriber's block).
    Ip(IpAddr),
    Account(AccountId),
    Device(AccountId, DeviceId),
    /// A claiming account and the device whose keys it claims.
    Pair(AccountId, AccountId, DeviceId),
}

impl Key {
    pub fn ip(ip: IpAddr) -> Key {
        match ip {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Key::Ip(IpAddr::V4(v4)),
                None => Key::Ip(IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1)))),
            },
            v4 => Key::Ip(v4),
        }
    }
}

pub struct RateLimits {
    clock: DefaultClock,
    limiters: HashMap<Class, DefaultKeyedRateLimiter<Key>>,
}

fn quota(rate: Rate) -> Quota {
    let per_cell = rate.period / rate.burst.get();
    Quota::with_period(per_cell.max(Duration::from_nanos(1)))
        .unwrap_or_else(|| Quota::per_second(rate.burst))
        .allow_burst(rate.burst)
}

impl RateLimits {
    pub fn new(limits: &Limits) -> Self {
        let clock = DefaultClock::default();
        let keys_low =
            Rate { burst: std::num::NonZeroU32::MIN, period: Duration::from_secs(limits.keys_low_every_secs.max(1)) };
        let limiters = [
            (Class::Accounts, limits.accounts_per_ip),
            (Class::Challenges, limits.challenges_per_ip),
            (Class::Auths, limits.auths_per_device),
            (Class::Links, limits.links_per_ip),
            (Class::LinkRequests, limits.link_requests_per_ip),
            (Class::KeyClaimsPerIp, limits.key_claims_per_ip),
            (Class::KeyClaimsPerPair, limits.key_claims_per_pair),
            (Class::SendsPerIp, limits.sends_per_ip),
            (Class::SendsPerAccount, limits.sends_per_account),
            (Class::LookupsPerIp, limits.lookups_per_ip),
            (Class::LookupsPerAccount, limits.lookups_per_account),
            (Class::KeysLow, keys_low),
        ]
        .into_iter()
        .map(|(class, rate)| (class, RateLimiter::new(quota(rate), DefaultKeyedStateStore::default(), clock.clone())))
        .collect();
        RateLimits { clock, limiters }
    }

    /// Counts one request; refuses it with `rate_limited` and how long to wait when over.
    pub fn check(&self, class: Class, key: Key) -> Result<(), ApiFailure> {
        let Some(limiter) = self.limiters.get(&class) else { return Ok(()) };
        limiter.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            tracing::debug!(?class, "rate limited");
            ApiFailure::rate_limited(wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
        })
    }

    /// Whether one more is allowed now (for pushes that are dropped, not refused).
    pub fn allow(&self, class: Class, key: Key) -> bool {
        self.check(class, key).is_ok()
    }

    /// Forgets keys whose state is back to fresh (the janitor calls this), so memory stays
    /// bounded by the recent senders.
    pub fn sweep(&self) {
        for limiter in self.limiters.values() {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// The client's address: the peer, or, when the peer is a trusted proxy, the last address of
/// its `X-Forwarded-For` (the one that proxy saw).
pub fn client_ip(peer: Option<SocketAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    let peer = peer.map_or(IpAddr::from([0, 0, 0, 0]), |p| p.ip());
    if !trusted.contains(&peer) {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.trim().parse::<IpAddr>().ok())
        .next_back()
        .unwrap_or(peer)
}

/// The client address of a request (see [`client_ip`]).
pub fn request_ip(relay: &crate::Relay, request: &axum::http::request::Parts) -> IpAddr {
    let peer = request.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    client_ip(peer, &request.headers, &relay.limits.trusted_proxies)
}

/// Middleware: counts the request against `class` for its client address.
pub async fn per_ip(State((relay, class)): State<(crate::Relay, Class)>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let ip = request_ip(&relay, &parts);
    if let Err(refused) = relay.rates.check(class, Key::ip(ip)) {
        return refused.into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_counted_by_their_64_block_and_mapped_v4_as_v4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        assert_eq!(Key::ip(a), Key::ip(b));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(Key::ip(mapped), Key::Ip("192.0.2.7".parse().unwrap()));
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "203.0.113.9, 198.51.100.4".parse().unwrap());
        let proxy: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let trusted = [proxy.ip()];
        assert_eq!(client_ip(Some(proxy), &headers, &trusted), "198.51.100.4".parse::<IpAddr>().unwrap());
        assert_eq!(client_ip(Some(proxy), &headers, &[]), proxy.ip(), "an untrusted peer is itself");
    }

    #[test]
    fn a_burst_is_allowed_then_refused_with_a_wait() {
        let limits = Limits { accounts_per_ip: "2/hour".parse().unwrap(), ..Limits::default() };
        let rates = RateLimits::new(&limits);
        let stranger = Key::ip("192.0.2.1".parse().unwrap());
        assert!(rates.check(Class::Accounts, stranger.clone()).is_ok());
        assert!(rates.check(Class::Accounts, stranger.clone()).is_ok());
        let refused = rates.check(Class::Accounts, stranger).unwrap_err();
        let wait = refused.0.retry_after_secs.unwrap();
        assert!((1..=1800).contains(&wait), "{wait}");
        assert!(rates.check(Class::Accounts, Key::ip("192.0.2.2".parse().unwrap())).is_ok(), "others are not");
    }
}
