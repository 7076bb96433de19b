//! Reconnect delays: doubling from 1 s to 30 s, with ±20 % jitter so that many clients do not
//! come back in lockstep after a relay restart.

use std::time::Duration;

pub(crate) struct Backoff {
    attempt: u32,
}

impl Backoff {
    pub fn new() -> Self {
        Backoff { attempt: 0 }
    }

    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    pub fn next_delay(&mut self) -> Duration {
        let base_ms = 1000u64.saturating_mul(1 << self.attempt.min(5)).min(30_000);
        self.attempt = self.attempt.saturating_add(1);
        let mut r = [0u8; 2];
        let _ = getrandom::fill(&mut r);
        let jitter = u64::from(u16::from_le_bytes(r)) % (base_ms * 2 / 5 + 1);
        Duration::from_millis(base_ms - base_ms / 5 + jitter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_are_capped_with_jitter() {
        let mut b = Backoff::new();
        let first = b.next_delay();
        assert!((800..=1200).contains(&(first.as_millis() as u64)));
        for _ in 0..10 {
            b.next_delay();
        }
        let capped = b.next_delay().as_millis() as u64;
        assert!((24_000..=36_000).contains(&capped));
        b.reset();
        assert!(b.next_delay() <= Duration::from_millis(1200));
    }
}
