//! A cap on open connections, in all and per client address: an axum-server acceptor that
//! closes a connection over the cap at once (before any TLS handshake), and counts the others
//! until their socket closes (a WebSocket included: the upgraded connection keeps the socket).

use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

#[derive(Default)]
struct Counts {
    total: usize,
    per_ip: HashMap<IpAddr, usize>,
}

/// The caps and the current counts, shared by every connection.
#[derive(Clone)]
pub struct ConnLimiter {
    counts: Arc<Mutex<Counts>>,
    max_total: usize,
    max_per_ip: usize,
    /// Proxies' connections carry many clients: they count towards the total only.
    exempt: Arc<Vec<IpAddr>>,
}

impl ConnLimiter {
    pub fn new(max_total: usize, max_per_ip: usize, exempt: Vec<IpAddr>) -> Self {
        ConnLimiter { counts: Default::default(), max_total, max_per_ip, exempt: Arc::new(exempt) }
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A slot for a new connection from `ip`, or `None` when a cap is reached.
    fn admit(&self, ip: IpAddr) -> Option<Slot> {
        let mut counts = self.counts();
        let capped = !self.exempt.contains(&ip);
        let from_ip = counts.per_ip.get(&ip).copied().unwrap_or(0);
        if counts.total >= self.max_total || (capped && from_ip >= self.max_per_ip) {
            return None;
        }
        counts.total += 1;
        if capped {
            counts.per_ip.insert(ip, from_ip + 1);
        }
        Some(Slot { limiter: self.clone(), ip: capped.then_some(ip) })
    }
}

/// One counted connection; dropping it gives the slot back.
struct Slot {
    limiter: ConnLimiter,
    ip: Option<IpAddr>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self.limiter.counts();
        counts.total = counts.total.saturating_sub(1);
        if let Some(ip) = self.ip
            && let Some(n) = counts.per_ip.get_mut(&ip)
        {
            *n -= 1;
            if *n == 0 {
                counts.per_ip.remove(&ip);
            }
        }
    }
}

/// A TCP stream that holds its slot while it is open.
pub struct Counted {
    stream: TcpStream,
    _slot: Slot,
}

impl<S: Send + 'static> axum_server::accept::Accept<TcpStream, S> for ConnLimiter {
    type Stream = Counted;
    type Service = S;
    type Future = std::future::Ready<io::Result<(Counted, S)>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        let admitted = stream.peer_addr().ok().and_then(|peer| self.admit(peer.ip()));
        std::future::ready(match admitted {
            Some(slot) => {
                let _ = stream.set_nodelay(true);
                Ok((Counted { stream, _slot: slot }, service))
            }
            None => {
                tracing::debug!("connection refused: connection cap reached");
                Err(io::Error::other("connection cap reached"))
            }
        })
    }
}

impl AsyncRead for Counted {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_hold_per_address_and_in_all_and_slots_come_back() {
        let limiter = ConnLimiter::new(3, 2, vec![IpAddr::from([127, 0, 0, 9])]);
        let stranger = IpAddr::from([192, 0, 2, 1]);
        let (a, b) = (limiter.admit(stranger), limiter.admit(stranger));
        assert!(a.is_some() && b.is_some());
        assert!(limiter.admit(stranger).is_none(), "a third from one address is refused");
        let proxy = limiter.admit(IpAddr::from([127, 0, 0, 9]));
        assert!(proxy.is_some(), "a trusted proxy is not capped per address");
        assert!(limiter.admit(IpAddr::from([192, 0, 2, 2])).is_none(), "the total is");
        drop(a);
        assert!(limiter.admit(IpAddr::from([192, 0, 2, 2])).is_some());
        drop((b, proxy));
        assert_eq!(limiter.counts().per_ip.len(), 0);
    }
}
