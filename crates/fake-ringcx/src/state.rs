//! Everything the running server remembers, behind short-lived locks (no
//! lock is held across an await).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::body::Bytes;

use crate::config::Config;
use crate::faults::{self, Fault, FaultKind};
use crate::log::Request;
use crate::tokens::Vault;
use crate::users;

pub(crate) type AppState = Arc<Shared>;

const MINUTE: Duration = Duration::from_secs(60);

/// A panic in one handler must not take the whole fake down with poisoned locks.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[derive(Default)]
struct UsersCache {
    generation: u64,
    rendered: HashMap<(bool, bool), Bytes>,
}

#[derive(Default)]
struct Log {
    next_id: u64,
    entries: Vec<(u64, Request)>,
}

pub(crate) struct Shared {
    config: Mutex<Config>,
    vault: Mutex<Vault>,
    log: Mutex<Log>,
    faults: Mutex<Vec<Fault>>,
    users: Mutex<UsersCache>,
    exchanges: Mutex<HashMap<String, VecDeque<Instant>>>,
    oauth_calls: Mutex<VecDeque<Instant>>,
    /// Lead searches per sub-account, for their stated limit.
    lead_searches: Mutex<HashMap<String, VecDeque<Instant>>>,
    /// Told of every request as it is logged, for tests that wait on one.
    logged: tokio::sync::watch::Sender<u64>,
    /// Bumped to let every request held by a `Hang` fault go.
    released: tokio::sync::watch::Sender<u64>,
}

impl Shared {
    pub fn new(config: Config) -> Self {
        Self {
            config: Mutex::new(config),
            vault: Mutex::default(),
            log: Mutex::default(),
            faults: Mutex::default(),
            users: Mutex::default(),
            exchanges: Mutex::default(),
            oauth_calls: Mutex::default(),
            lead_searches: Mutex::default(),
            logged: tokio::sync::watch::channel(0).0,
            released: tokio::sync::watch::channel(0).0,
        }
    }

    pub fn config(&self) -> Config {
        lock(&self.config).clone()
    }

    pub fn update_config(&self, f: impl FnOnce(&mut Config)) {
        f(&mut lock(&self.config));
        let mut cache = lock(&self.users);
        cache.generation += 1;
        cache.rendered.clear();
    }

    pub fn vault(&self) -> MutexGuard<'_, Vault> {
        lock(&self.vault)
    }

    /// Returns an id for `set_status`.
    pub fn log_request(&self, r: Request) -> u64 {
        let mut log = lock(&self.log);
        log.next_id += 1;
        let id = log.next_id;
        log.entries.push((id, r));
        self.logged.send_replace(id);
        id
    }

    pub fn watch_log(&self) -> tokio::sync::watch::Receiver<u64> {
        self.logged.subscribe()
    }

    /// Taken before a request is logged, so a release that follows the log
    /// entry is never missed.
    pub fn watch_release(&self) -> tokio::sync::watch::Receiver<u64> {
        let mut rx = self.released.subscribe();
        rx.borrow_and_update();
        rx
    }

    pub fn release_hung(&self) {
        self.released.send_modify(|n| *n += 1);
    }

    pub fn set_status(&self, id: u64, status: u16) {
        let mut log = lock(&self.log);
        if let Some((_, r)) = log.entries.iter_mut().rev().find(|(i, _)| *i == id) {
            r.status = status;
        }
    }

    pub fn requests(&self) -> Vec<Request> {
        lock(&self.log)
            .entries
            .iter()
            .map(|(_, r)| r.clone())
            .collect()
    }

    pub fn clear_requests(&self) {
        lock(&self.log).entries.clear();
    }

    pub fn push_fault(&self, f: Fault) {
        lock(&self.faults).push(f);
    }

    pub fn pending_faults(&self) -> usize {
        lock(&self.faults).iter().map(|f| f.times).sum()
    }

    pub fn clear_faults(&self) {
        lock(&self.faults).clear();
    }

    pub fn take_fault(&self, method: &str, path: &str) -> Option<FaultKind> {
        faults::take(&mut lock(&self.faults), method, path)
    }

    /// The admin/users body, rendered once per config and query combination
    /// so that 100 000 users answer fast after the first call.
    pub fn users_json(&self, active_only: bool, flatten: bool) -> Bytes {
        let key = (active_only, flatten);
        let generation = {
            let cache = lock(&self.users);
            if let Some(b) = cache.rendered.get(&key) {
                return b.clone();
            }
            cache.generation
        };
        let cfg = self.config();
        let body = Bytes::from(users::render(
            cfg.users,
            cfg.non_ascii_names,
            active_only,
            flatten,
        ));
        let mut cache = lock(&self.users);
        if cache.generation == generation {
            cache.rendered.insert(key, body.clone());
        }
        body
    }

    /// Takes an exchange slot for a RingCentral user, or says how many
    /// seconds until the oldest one in the rolling minute frees up.
    pub fn take_exchange_slot(&self, owner: &str, limit: u32) -> Result<(), u64> {
        let mut all = lock(&self.exchanges);
        let slots = all.entry(owner.to_string()).or_default();
        take_slot(slots, limit, Instant::now())
    }

    /// Takes a lead-search slot for a sub-account under its stated limits
    /// (15 in 10 s and 60 in 30 s), or says how many seconds to wait.
    pub fn take_lead_search(&self, account: &str) -> Result<(), u64> {
        let mut all = lock(&self.lead_searches);
        let calls = all.entry(account.to_string()).or_default();
        let now = Instant::now();
        while calls
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(30))
        {
            calls.pop_front();
        }
        let mut wait = Duration::ZERO;
        for (limit, window) in [(15usize, 10u64), (60, 30)] {
            let window = Duration::from_secs(window);
            let inside: Vec<&Instant> = calls
                .iter()
                .filter(|t| now.duration_since(**t) < window)
                .collect();
            if inside.len() >= limit {
                wait = wait.max(window - now.duration_since(*inside[inside.len() - limit]));
            }
        }
        if !wait.is_zero() {
            return Err(wait.as_secs() + u64::from(wait.subsec_nanos() > 0));
        }
        calls.push_back(now);
        Ok(())
    }

    /// Counts a call to the OAuth endpoints and returns how many of the
    /// documented 5 a minute are left, for the `X-Rate-Limit-*` headers. The
    /// fake reports but does not enforce it (tests sign in more often).
    pub fn count_oauth_call(&self) -> u32 {
        let mut calls = lock(&self.oauth_calls);
        let now = Instant::now();
        while calls
            .front()
            .is_some_and(|t| now.duration_since(*t) >= MINUTE)
        {
            calls.pop_front();
        }
        calls.push_back(now);
        5u32.saturating_sub(calls.len() as u32)
    }
}

fn take_slot(slots: &mut VecDeque<Instant>, limit: u32, now: Instant) -> Result<(), u64> {
    while slots
        .front()
        .is_some_and(|t| now.duration_since(*t) >= MINUTE)
    {
        slots.pop_front();
    }
    if slots.len() >= limit as usize {
        let wait = slots
            .front()
            .map(|t| MINUTE.saturating_sub(now.duration_since(*t)))
            .unwrap_or(MINUTE);
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        return Err(secs.max(1));
    }
    slots.push_back(now);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolling_minute_limit() {
        let mut slots = VecDeque::new();
        let t0 = Instant::now();
        for _ in 0..5 {
            take_slot(&mut slots, 5, t0).unwrap();
        }
        assert_eq!(
            take_slot(&mut slots, 5, t0 + Duration::from_secs(10)),
            Err(50)
        );
        assert_eq!(
            take_slot(&mut slots, 5, t0 + Duration::from_millis(59_500)),
            Err(1)
        );
        assert!(take_slot(&mut slots, 5, t0 + MINUTE).is_ok());
        assert_eq!(take_slot(&mut VecDeque::new(), 0, t0), Err(60));
    }

    #[test]
    fn users_cache_is_dropped_on_config_change() {
        let s = Shared::new(Config::default());
        let a = s.users_json(false, true);
        assert!(std::ptr::eq(a.as_ptr(), s.users_json(false, true).as_ptr()));
        s.update_config(|c| c.users = 3);
        let b: serde_json::Value = serde_json::from_slice(&s.users_json(false, true)).unwrap();
        assert_eq!(b.as_array().unwrap().len(), 3);
    }

    #[test]
    fn log_survives_clear_while_in_flight() {
        let s = Shared::new(Config::default());
        let r = Request {
            method: "GET".into(),
            path: "/".into(),
            query: vec![],
            form: vec![],
            headers: vec![],
            status: 0,
        };
        let id = s.log_request(r.clone());
        s.clear_requests();
        let id2 = s.log_request(r);
        s.set_status(id, 500);
        s.set_status(id2, 200);
        assert_eq!(s.requests().len(), 1);
        assert_eq!(s.requests()[0].status, 200);
        assert_eq!(s.count_oauth_call(), 4);
    }
}
