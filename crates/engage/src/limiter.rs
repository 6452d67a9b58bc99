//! Keeps RingCX exchanges under the documented 5 a minute, and honours the
//! server's `Retry-After` when it says no anyway.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A rolling-window limiter with a server-imposed pause.
#[derive(Debug)]
pub struct ExchangeLimiter {
    per_window: usize,
    window: Duration,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    sent: VecDeque<Instant>,
    blocked_until: Option<Instant>,
}

impl ExchangeLimiter {
    /// The RingCX limit: 5 exchanges in any 60 seconds.
    pub fn ringcx() -> Self {
        Self::new(5, Duration::from_secs(60))
    }

    pub fn new(per_window: usize, window: Duration) -> Self {
        ExchangeLimiter {
            per_window,
            window,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// Takes a slot now, or says how long until one frees.
    pub fn acquire(&self, now: Instant) -> Result<(), Duration> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(until) = inner.blocked_until {
            if now < until {
                return Err(until - now);
            }
            inner.blocked_until = None;
        }
        while inner
            .sent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            inner.sent.pop_front();
        }
        if inner.sent.len() >= self.per_window {
            let oldest = *inner.sent.front().expect("non-empty");
            return Err(self.window - now.duration_since(oldest));
        }
        inner.sent.push_back(now);
        Ok(())
    }

    /// The server answered 429: send nothing before `retry_after` has passed.
    pub fn pause(&self, now: Instant, retry_after: Duration) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let until = now + retry_after;
        inner.blocked_until = Some(inner.blocked_until.map_or(until, |u| u.max(until)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_five_then_waits_for_the_oldest() {
        let l = ExchangeLimiter::ringcx();
        let t0 = Instant::now();
        for i in 0..5 {
            l.acquire(t0 + Duration::from_secs(i)).unwrap();
        }
        let wait = l.acquire(t0 + Duration::from_secs(10)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(50));
        l.acquire(t0 + Duration::from_secs(60)).unwrap();
    }

    #[test]
    fn pause_blocks_until_retry_after() {
        let l = ExchangeLimiter::ringcx();
        let t0 = Instant::now();
        l.pause(t0, Duration::from_secs(30));
        assert_eq!(
            l.acquire(t0 + Duration::from_secs(10)).unwrap_err(),
            Duration::from_secs(20)
        );
        l.acquire(t0 + Duration::from_secs(30)).unwrap();
    }
}
