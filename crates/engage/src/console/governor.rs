//! Keeps the console's calls inside RingCX's rate limits, which the server
//! counts per sub-account over rolling windows: 120 a minute for most
//! operations, and the windows an operation's description states (two for
//! each of those, e.g. 12 in 30 s and 18 in 60 s). A call that would break
//! one waits (the caller shows the countdown) instead of failing; a 429's
//! `Retry-After` pauses that operation the same way.
//!
//! Hand-written rather than the `governor` crate: its GCRA cells cannot
//! test two windows without spending a cell in the first, and the server
//! counts plain windows, which this mirrors exactly. Times are passed in,
//! so tests run on their own clock.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::catalogue::Limit;

/// The server counts a window from when calls arrive, which can be later
/// for the first call (a new connection) than for the last: each window is
/// kept a tenth longer here, a second at most, so the app stays inside it.
pub fn margin(window: Duration) -> Duration {
    (window / 10).min(Duration::from_secs(1))
}

/// What RingCX allows an operation that states no limit of its own.
pub const DEFAULT_LIMIT: Limit = Limit {
    requests: 120,
    per_secs: 60,
};

/// The limits a call is held to.
pub fn limits_for(stated: &[Limit]) -> Vec<Limit> {
    if stated.is_empty() {
        vec![DEFAULT_LIMIT]
    } else {
        stated.to_vec()
    }
}

#[derive(Debug, Default)]
struct Track {
    /// When each call inside the longest window went out.
    sent: VecDeque<Instant>,
    paused_until: Option<Instant>,
}

/// The calls made, per operation and sub-account.
#[derive(Debug, Default)]
pub struct Governor {
    tracks: Mutex<HashMap<(String, String), Track>>,
}

impl Governor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes a slot for one call of `operation` on `sub_account` at `now`,
    /// or says how long until every window (and any pause) allows it.
    pub fn reserve(
        &self,
        operation: &str,
        sub_account: &str,
        limits: &[Limit],
        now: Instant,
    ) -> Result<(), Duration> {
        let mut tracks = self.tracks.lock().unwrap_or_else(|p| p.into_inner());
        let track = tracks
            .entry((operation.to_string(), sub_account.to_string()))
            .or_default();
        let window_of = |l: &Limit| {
            let w = Duration::from_secs(u64::from(l.per_secs));
            w + margin(w)
        };
        let longest = limits.iter().map(window_of).max().unwrap_or_default();
        while track
            .sent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= longest)
        {
            track.sent.pop_front();
        }
        let mut wait = track
            .paused_until
            .map_or(Duration::ZERO, |until| until.saturating_duration_since(now));
        for limit in limits {
            let window = window_of(limit);
            let inside: Vec<&Instant> = track
                .sent
                .iter()
                .filter(|t| now.duration_since(**t) < window)
                .collect();
            let allowed = limit.requests.max(1) as usize;
            if inside.len() >= allowed {
                // The call that must leave the window before one more fits.
                let leaving = inside[inside.len() - allowed];
                wait = wait.max(window - now.duration_since(*leaving));
            }
        }
        if !wait.is_zero() {
            return Err(wait);
        }
        track.sent.push_back(now);
        Ok(())
    }

    /// The server said 429: no call of `operation` on `sub_account` until
    /// `retry_after` has passed.
    pub fn pause(&self, operation: &str, sub_account: &str, now: Instant, retry_after: Duration) {
        let mut tracks = self.tracks.lock().unwrap_or_else(|p| p.into_inner());
        let track = tracks
            .entry((operation.to_string(), sub_account.to_string()))
            .or_default();
        let until = now + retry_after;
        track.paused_until = Some(track.paused_until.map_or(until, |u| u.max(until)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PREVIEW: [Limit; 2] = [
        Limit {
            requests: 12,
            per_secs: 30,
        },
        Limit {
            requests: 18,
            per_secs: 60,
        },
    ];

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn the_default_is_120_a_minute() {
        assert_eq!(limits_for(&[]), [DEFAULT_LIMIT]);
        assert_eq!(limits_for(&PREVIEW), PREVIEW);
        let g = Governor::new();
        let t0 = Instant::now();
        for i in 0..120 {
            assert_eq!(
                g.reserve("op", "A", &limits_for(&[]), t0 + Duration::from_millis(i)),
                Ok(())
            );
        }
        // The 121st waits until the first leaves the minute (and its margin).
        assert_eq!(margin(secs(60)), secs(1));
        assert_eq!(margin(secs(3)), Duration::from_millis(300));
        let now = t0 + secs(1);
        assert_eq!(g.reserve("op", "A", &limits_for(&[]), now), Err(secs(60)));
        assert_eq!(
            g.reserve("op", "A", &limits_for(&[]), t0 + secs(61)),
            Ok(())
        );
    }

    #[test]
    fn both_stated_windows_hold() {
        let g = Governor::new();
        let t0 = Instant::now();
        for i in 0..12 {
            g.reserve("preview", "A", &PREVIEW, t0 + secs(i)).unwrap();
        }
        // The 30 s window (31 with its margin) is full: the first call
        // leaves it at t0 + 31.
        assert_eq!(
            g.reserve("preview", "A", &PREVIEW, t0 + secs(12)),
            Err(secs(19))
        );
        for i in 31..37 {
            g.reserve("preview", "A", &PREVIEW, t0 + secs(i)).unwrap();
        }
        // 18 in the minute: now the 60 s window decides (the first leaves at 61).
        assert_eq!(
            g.reserve("preview", "A", &PREVIEW, t0 + secs(42)),
            Err(secs(19))
        );
        assert_eq!(g.reserve("preview", "A", &PREVIEW, t0 + secs(61)), Ok(()));
    }

    #[test]
    fn operations_and_sub_accounts_are_counted_apart() {
        let g = Governor::new();
        let t0 = Instant::now();
        let one = [Limit {
            requests: 1,
            per_secs: 10,
        }];
        g.reserve("a", "A", &one, t0).unwrap();
        assert!(g.reserve("a", "A", &one, t0).is_err());
        assert_eq!(g.reserve("b", "A", &one, t0), Ok(()));
        assert_eq!(g.reserve("a", "B", &one, t0), Ok(()));
    }

    #[test]
    fn a_429_pauses_the_operation_for_its_retry_after() {
        let g = Governor::new();
        let t0 = Instant::now();
        g.pause("search", "A", t0, secs(7));
        assert_eq!(g.reserve("search", "A", &[], t0 + secs(2)), Err(secs(5)));
        // A shorter pause later does not cut the longer one.
        g.pause("search", "A", t0 + secs(2), secs(1));
        assert_eq!(g.reserve("search", "A", &[], t0 + secs(4)), Err(secs(3)));
        assert_eq!(g.reserve("search", "A", &[], t0 + secs(7)), Ok(()));
        assert_eq!(g.reserve("other", "A", &[], t0), Ok(()));
    }

    #[test]
    fn a_refused_call_takes_no_slot() {
        let g = Governor::new();
        let t0 = Instant::now();
        let two = [Limit {
            requests: 2,
            per_secs: 10,
        }];
        g.reserve("x", "A", &two, t0).unwrap();
        g.reserve("x", "A", &two, t0 + secs(1)).unwrap();
        for i in 2..11 {
            assert!(g.reserve("x", "A", &two, t0 + secs(i)).is_err());
        }
        // Only the two calls made count: the first leaves at 10 + 1.
        assert_eq!(g.reserve("x", "A", &two, t0 + secs(11)), Ok(()));
    }
}
