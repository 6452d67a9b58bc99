//! Where a session's rotating secrets are written before they are used, and
//! the cross-process lock held while they rotate.

use std::sync::Arc;

use crate::error::ErrorCode;
use crate::lock::{LockGuard, ProfileLock};
use crate::vault::Vault;
use crate::Error;

use super::saved::Saved;

/// A profile's secret store as the session sees it. Every call may block
/// (D-Bus, Keychain); the session calls them off the async workers.
pub trait Persist: Send + Sync {
    /// What is stored now (another process may have written it).
    fn load(&self) -> Result<Option<Saved>, Error>;
    fn save(&self, saved: &Saved) -> Result<(), Error>;
    fn clear(&self) -> Result<(), Error>;
    /// False for a session that lives in memory only.
    fn is_durable(&self) -> bool;
    /// Waits until this process alone may renew the profile; `None` when the
    /// store is not shared with other processes.
    fn lock(&self) -> Option<LockGuard>;
}

/// Keeps nothing: a session that lives in memory only.
pub struct NoPersist;

impl Persist for NoPersist {
    fn load(&self) -> Result<Option<Saved>, Error> {
        Ok(None)
    }
    fn save(&self, _: &Saved) -> Result<(), Error> {
        Ok(())
    }
    fn clear(&self) -> Result<(), Error> {
        Ok(())
    }
    fn is_durable(&self) -> bool {
        false
    }
    fn lock(&self) -> Option<LockGuard> {
        None
    }
}

/// No usable keychain: every save fails with the reason, so the status says
/// "memory only" and why.
pub struct NoKeychain(pub ErrorCode);

impl NoKeychain {
    fn error(&self) -> Error {
        match self.0 {
            ErrorCode::KeychainLocked => Error::KeychainLocked,
            _ => Error::KeychainUnavailable,
        }
    }
}

impl Persist for NoKeychain {
    fn load(&self) -> Result<Option<Saved>, Error> {
        Err(self.error())
    }
    fn save(&self, _: &Saved) -> Result<(), Error> {
        Err(self.error())
    }
    fn clear(&self) -> Result<(), Error> {
        Ok(())
    }
    fn is_durable(&self) -> bool {
        false
    }
    fn lock(&self) -> Option<LockGuard> {
        None
    }
}

/// One profile's secrets in a keychain vault, renewed under its lock.
pub struct VaultPersist {
    vault: Arc<Vault>,
    profile: String,
    lock: Option<ProfileLock>,
}

impl VaultPersist {
    /// `lock` is `None` only where no data folder exists to hold lock files.
    pub fn new(vault: Arc<Vault>, profile: &str, lock: Option<ProfileLock>) -> Self {
        VaultPersist {
            vault,
            profile: profile.to_string(),
            lock,
        }
    }
}

impl Persist for VaultPersist {
    fn load(&self) -> Result<Option<Saved>, Error> {
        match self.vault.load(&self.profile)? {
            Some(secret) => Saved::from_secret(&secret).map(Some),
            None => Ok(None),
        }
    }
    fn save(&self, saved: &Saved) -> Result<(), Error> {
        self.vault.save(&self.profile, &saved.to_secret())
    }
    fn clear(&self) -> Result<(), Error> {
        self.vault.delete(&self.profile)
    }
    fn is_durable(&self) -> bool {
        true
    }
    fn lock(&self) -> Option<LockGuard> {
        let lock = self.lock.as_ref()?;
        match lock.acquire() {
            Ok(guard) => Some(guard),
            Err(e) => {
                // Renewing without the lock risks a race with another
                // process; not renewing at all would end the session.
                tracing::warn!(
                    kind = ?e.kind(),
                    "could not take the profile's renewal lock; renewing without it"
                );
                None
            }
        }
    }
}

/// Runs a blocking store call: on a multi-threaded runtime it must not
/// stall the worker; elsewhere (tests, the command line) it just runs.
pub(crate) fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(f),
        _ => f(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::saved::SignInMethod;
    use keyring_core::mock;
    use secrecy::{ExposeSecret, SecretString};

    fn saved(cx: &str) -> Saved {
        Saved {
            method: SignInMethod::Token,
            origin: String::new(),
            binding: None,
            rc: None,
            jwt: None,
            client_secret: None,
            ringcx_refresh: Some(SecretString::from(cx.to_string())),
            ringcx_access: None,
        }
    }

    #[test]
    fn the_vault_persist_round_trips_and_locks() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Arc::new(Vault::with_store(mock::Store::new().unwrap(), "t"));
        let p = VaultPersist::new(vault, "p", Some(ProfileLock::new(dir.path(), "p")));
        assert!(p.load().unwrap().is_none() && p.is_durable());
        p.save(&saved("one")).unwrap();
        let back = p.load().unwrap().unwrap();
        assert_eq!(back.ringcx_refresh.unwrap().expose_secret(), "one");
        let guard = p.lock().unwrap();
        assert!(ProfileLock::new(dir.path(), "p")
            .try_acquire()
            .unwrap()
            .is_none());
        drop(guard);
        p.clear().unwrap();
        assert!(p.load().unwrap().is_none());
    }

    #[test]
    fn memory_only_stores_say_why() {
        assert!(NoPersist.save(&saved("x")).is_ok() && !NoPersist.is_durable());
        assert!(NoPersist.load().unwrap().is_none() && NoPersist.lock().is_none());
        let locked = NoKeychain(ErrorCode::KeychainLocked);
        assert_eq!(
            locked.save(&saved("x")).unwrap_err().code(),
            "keychain_locked"
        );
        assert_eq!(
            NoKeychain(ErrorCode::KeychainUnavailable)
                .load()
                .unwrap_err()
                .code(),
            "keychain_unavailable"
        );
        assert!(locked.clear().is_ok() && !locked.is_durable() && locked.lock().is_none());
        assert_eq!(blocking(|| 7), 7);
    }
}
