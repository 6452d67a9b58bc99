//! Keeps RingCX exchanges under the documented 5 a minute, and honours a
//! token endpoint's `Retry-After` when it says no anyway: a 429 from either
//! service pauses every later token request to that service.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::Service;

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
    /// Per service: RingCentral, RingCX.
    blocked_until: [Option<Instant>; 2],
}

fn slot(service: Service) -> usize {
    match service {
        Service::RingCentral => 0,
        Service::RingCx => 1,
    }
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

    /// Takes an exchange slot now, or says how long until one frees.
    pub fn acquire(&self, now: Instant) -> Result<(), Duration> {
        self.check(Service::RingCx, now)?;
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
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

    /// Whether a token request to `service` may go now, or how long to wait.
    pub fn check(&self, service: Service, now: Instant) -> Result<(), Duration> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let blocked = &mut inner.blocked_until[slot(service)];
        match *blocked {
            Some(until) if now < until => Err(until - now),
            _ => {
                *blocked = None;
                Ok(())
            }
        }
    }

    /// `service` answered 429: send it no token request before
    /// `retry_after` has passed.
    pub fn pause(&self, service: Service, now: Instant, retry_after: Duration) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let until = now + retry_after;
        let blocked = &mut inner.blocked_until[slot(service)];
        *blocked = Some(blocked.map_or(until, |u| u.max(until)));
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
        l.pause(Service::RingCx, t0, Duration::from_secs(30));
        assert_eq!(
            l.acquire(t0 + Duration::from_secs(10)).unwrap_err(),
            Duration::from_secs(20)
        );
        // RingCentral was not the one that said no.
        l.check(Service::RingCentral, t0).unwrap();
        l.acquire(t0 + Duration::from_secs(30)).unwrap();
    }

    #[test]
    fn a_pause_of_either_service_holds_its_token_requests() {
        let l = ExchangeLimiter::ringcx();
        let t0 = Instant::now();
        l.pause(Service::RingCentral, t0, Duration::from_secs(5));
        l.pause(Service::RingCentral, t0, Duration::from_secs(2));
        assert_eq!(
            l.check(Service::RingCentral, t0 + Duration::from_secs(1))
                .unwrap_err(),
            Duration::from_secs(4),
            "a shorter pause does not cut a longer one"
        );
        l.check(Service::RingCx, t0).unwrap();
        l.check(Service::RingCentral, t0 + Duration::from_secs(5))
            .unwrap();
    }
}
