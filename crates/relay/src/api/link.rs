//! Link sessions: the companion opens one per QR code; the phone claims, replies or declines;
//! the companion registers itself with the countersigned identity.

use std::time::Duration;

use axum::Json;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use serde::Deserialize;
use tandem_proto::b64_encode;
use tandem_proto::ids::{AccountId, PRIMARY_DEVICE_ID};
use tandem_proto::link::SealedLinkReply;
use tandem_proto::wire::{
    ErrorCode, LINK_APPROVAL_SECS, LINK_TOKEN_HEADER, LINK_TTL_SECS, LinkState, LinkStatus, MAX_POLL_SECS,
    OpenLinkRequest, OpenLinkResponse, RegisterDeviceRequest,
};

use super::ApiFailure;
use super::accounts::current_list;
use super::error::ApiResult;
use super::extract::{Authed, Body, random_bytes, token_hash};
use super::keys::verified_prekeys;
use crate::Relay;
use crate::db::{LinkRow, NewDevice};

/// After the phone replies, the companion has this long to register.
const REGISTER_SECS: u64 = 60;

fn not_found() -> ApiFailure {
    ApiFailure::new(
        ErrorCode::LinkNotFound,
        "this link code is unknown to the relay: make sure both devices use the same relay, or show a new code",
    )
}

fn expired() -> ApiFailure {
    ApiFailure::new(
        ErrorCode::LinkExpired,
        "this link code has expired: show a new code on the desktop and scan it again",
    )
}

fn used() -> ApiFailure {
    ApiFailure::new(
        ErrorCode::LinkUsed,
        "this link code was already used: show a new code on the desktop and scan it again",
    )
}

fn state(row: &LinkRow) -> LinkState {
    LinkState {
        seq: row.seq,
        status: row.status,
        expires_ms: row.expires_ms,
        reply: row.reply.clone(),
        device_id: row.device_id,
    }
}

/// The longest link ref accepted; the relay makes them 22 characters (16 random bytes).
const MAX_REF_CHARS: usize = 64;

/// Loads a session, marking it expired (and waking its pollers) once its time is up. A ref that
/// is not one the relay could have made is unknown without a look.
fn load(relay: &Relay, link_ref: &str) -> Result<LinkRow, ApiFailure> {
    let plausible = !link_ref.is_empty()
        && link_ref.len() <= MAX_REF_CHARS
        && link_ref.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'/' | b'='));
    if !plausible {
        return Err(not_found());
    }
    let mut row = relay.db.link(link_ref)?.ok_or_else(not_found)?;
    let live = matches!(row.status, LinkStatus::Open | LinkStatus::Claimed | LinkStatus::Replied);
    if live && relay.now_ms() > row.expires_ms {
        let from = row.status;
        row.status = LinkStatus::Expired;
        if relay.db.update_link(link_ref, from, &row)? {
            relay.links.notify(link_ref);
        }
        row = relay.db.link(link_ref)?.ok_or_else(not_found)?;
    }
    Ok(row)
}

fn transition(relay: &Relay, link_ref: &str, from: LinkStatus, next: &LinkRow) -> Result<LinkState, ApiFailure> {
    if !relay.db.update_link(link_ref, from, next)? {
        return Err(used());
    }
    relay.links.notify(link_ref);
    Ok(state(&load(relay, link_ref)?))
}

pub async fn open(State(relay): State<Relay>, Body(req): Body<OpenLinkRequest>) -> ApiResult<OpenLinkResponse> {
    let ttl = req.ttl_secs.clamp(*LINK_TTL_SECS.start(), *LINK_TTL_SECS.end());
    let link_ref = b64_encode(&random_bytes()?[..16]);
    let link_token = b64_encode(&random_bytes()?);
    let now = relay.now_ms();
    let expires_ms = now + u64::from(ttl) * 1000;
    relay.db.open_link(&link_ref, &token_hash(&link_token), expires_ms, now)?;
    Ok(Json(OpenLinkResponse { link_ref, link_token, expires_ms }))
}

/// Who may watch a session: the companion (link token) or the phone that claimed it.
pub struct LinkParty {
    link_token: Option<String>,
    device: Option<Authed>,
}

impl FromRequestParts<Relay> for LinkParty {
    type Rejection = ApiFailure;
    async fn from_request_parts(parts: &mut Parts, relay: &Relay) -> Result<Self, Self::Rejection> {
        let link_token = parts.headers.get(LINK_TOKEN_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let device = if link_token.is_none() { Some(Authed::from_request_parts(parts, relay).await?) } else { None };
        Ok(LinkParty { link_token, device })
    }
}

impl LinkParty {
    fn check(&self, row: &LinkRow) -> Result<(), ApiFailure> {
        let allowed = match (&self.link_token, &self.device) {
            (Some(token), _) => token_hash(token) == row.token_hash,
            (None, Some(device)) => {
                row.claimed_by.as_deref() == Some(device.account_id.as_str()) && device.device_id == PRIMARY_DEVICE_ID
            }
            (None, None) => false,
        };
        if allowed { Ok(()) } else { Err(ApiFailure::forbidden("this link session belongs to other devices")) }
    }
}

#[derive(Deserialize)]
pub struct PollQuery {
    #[serde(default)]
    after: u64,
}

pub async fn poll(
    State(relay): State<Relay>,
    party: LinkParty,
    Path(link_ref): Path<String>,
    Query(q): Query<PollQuery>,
) -> ApiResult<LinkState> {
    // Only a party of a live session may wait on it: the watcher is made after the check.
    party.check(&load(&relay, &link_ref)?)?;
    let mut wake = relay.links.subscribe(&link_ref);
    let row = load(&relay, &link_ref)?; // again, now subscribed: no change slips between
    if row.seq > q.after {
        return Ok(Json(state(&row)));
    }
    let until_expiry = Duration::from_millis(row.expires_ms.saturating_sub(relay.now_ms()) + 50);
    let wait = Duration::from_secs(MAX_POLL_SECS).min(until_expiry);
    let _ = tokio::time::timeout(wait, wake.changed()).await;
    Ok(Json(state(&load(&relay, &link_ref)?)))
}

pub async fn claim(State(relay): State<Relay>, who: Authed, Path(link_ref): Path<String>) -> ApiResult<LinkState> {
    who.require_primary()?;
    let row = load(&relay, &link_ref)?;
    match row.status {
        LinkStatus::Open => {}
        LinkStatus::Expired => return Err(expired()),
        _ => return Err(used()),
    }
    let next = LinkRow {
        status: LinkStatus::Claimed,
        claimed_by: Some(who.account_id.to_string()),
        expires_ms: relay.now_ms() + u64::from(LINK_APPROVAL_SECS) * 1000,
        ..row
    };
    Ok(Json(transition(&relay, &link_ref, LinkStatus::Open, &next)?))
}

fn claimed_by(row: &LinkRow, who: &Authed) -> Result<(), ApiFailure> {
    if who.device_id == PRIMARY_DEVICE_ID && row.claimed_by.as_deref() == Some(who.account_id.as_str()) {
        return match row.status {
            LinkStatus::Claimed => Ok(()),
            LinkStatus::Expired => Err(expired()),
            _ => Err(used()),
        };
    }
    Err(ApiFailure::forbidden("claim this link code first"))
}

pub async fn reply(
    State(relay): State<Relay>,
    who: Authed,
    Path(link_ref): Path<String>,
    Body(sealed): Body<SealedLinkReply>,
) -> ApiResult<LinkState> {
    let row = load(&relay, &link_ref)?;
    claimed_by(&row, &who)?;
    let (_, list) = current_list(&relay, &who.account_id)?;
    let max = relay.limits.max_companions;
    if list.companions().count() >= max {
        return Err(ApiFailure::new(
            ErrorCode::CompanionLimit,
            format!("this account already has {max} linked devices, as many as this relay allows: log one out first"),
        ));
    }
    let next = LinkRow {
        status: LinkStatus::Replied,
        reply: Some(sealed),
        expires_ms: relay.now_ms() + REGISTER_SECS * 1000,
        ..row
    };
    Ok(Json(transition(&relay, &link_ref, LinkStatus::Claimed, &next)?))
}

pub async fn decline(State(relay): State<Relay>, who: Authed, Path(link_ref): Path<String>) -> ApiResult<LinkState> {
    let row = load(&relay, &link_ref)?;
    claimed_by(&row, &who)?;
    let next = LinkRow { status: LinkStatus::Declined, ..row };
    Ok(Json(transition(&relay, &link_ref, LinkStatus::Claimed, &next)?))
}

pub async fn register(
    State(relay): State<Relay>,
    party: LinkParty,
    Path(link_ref): Path<String>,
    Body(req): Body<RegisterDeviceRequest>,
) -> ApiResult<LinkState> {
    let row = load(&relay, &link_ref)?;
    if party.link_token.is_none() {
        return Err(ApiFailure::forbidden("only the companion that opened this link session may register"));
    }
    party.check(&row)?;
    match row.status {
        LinkStatus::Replied => {}
        LinkStatus::Expired => return Err(expired()),
        _ => return Err(ApiFailure::bad_request("the phone has not approved this link")),
    }
    let account_id = row.claimed_by.as_deref().and_then(|a| AccountId::parse(a).ok()).ok_or_else(not_found)?;
    let account = relay.db.account(&account_id)?.ok_or_else(not_found)?;
    let details = req.identity.verify(&account.account_key)?;
    if details.account_id != account_id || details.device_id == PRIMARY_DEVICE_ID {
        return Err(ApiFailure::new(
            ErrorCode::BadSignature,
            "the identity does not belong to the account that approved this link",
        ));
    }
    if let Some(existing) = relay.db.device(&account_id, details.device_id)?
        && existing.key_index >= details.key_index
    {
        return Err(ApiFailure::bad_request("that device id is already taken by a device with a newer key index"));
    }
    let prekeys = verified_prekeys(&req.prekeys, &details.keys.ed25519, &account_id, details.device_id)?;
    let now = relay.now_ms();
    let device = NewDevice {
        account_id: &account_id,
        device_id: details.device_id,
        key_index: details.key_index,
        ed25519: &details.keys.ed25519,
        identity: &req.identity,
    };
    relay.db.register_device(device, now)?;
    relay.db.add_prekeys(&account_id, details.device_id, &prekeys, now)?;
    let next = LinkRow { status: LinkStatus::Completed, device_id: Some(details.device_id), ..row };
    tracing::info!(account = %account_id, device = details.device_id, "companion registered");
    Ok(Json(transition(&relay, &link_ref, LinkStatus::Replied, &next)?))
}
