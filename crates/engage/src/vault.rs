//! The keychain vault: a profile's secrets in the operating system's
//! credential store (macOS Keychain, Windows Credential Manager, the Secret
//! Service on Linux), through keyring-core. Never anywhere else.
//!
//! The vault knows nothing of what it keeps: a profile's secrets arrive as
//! one opaque text (the session serializes its bundle itself).
//!
//! Layout: the text is base64url-encoded and cut into chunks of at most `CHUNK` characters, so Windows' limit of
//! about 2.5 KB per credential can never be hit. Chunks are written under a
//! new generation, then one small "meta" entry is switched to it, then the
//! old generation is deleted. The meta write is the commit: a crash or a
//! failed write at any point leaves either the old or the new bundle whole,
//! never a mix and never nothing.
//!
//! Nothing is left behind either. The meta also names the generation before
//! it, whose chunks a crash may have kept; a save that never committed left
//! chunks only under the generation after the meta's. Deleting a profile
//! sweeps all three, so sign-out leaves no JWT, client secret or refresh
//! token in the keychain, whenever the app died before.
//!
//! Every call blocks (D-Bus, Keychain): call it from a blocking context.

use std::sync::Arc;

use base64::Engine;
use keyring_core::{CredentialStore, Entry};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::Error;

/// Characters per credential: 1000 ASCII characters are 2000 bytes even
/// where the store keeps UTF-16, under Windows' 2560-byte limit.
pub const CHUNK: usize = 1000;

#[derive(Serialize, Deserialize)]
struct Meta {
    v: u32,
    generation: u64,
    chunks: usize,
    /// The generation this one replaced, with its chunk count: its chunks
    /// remain if the app died before deleting them.
    #[serde(default)]
    previous: Option<(u64, usize)>,
}

/// Chunks swept under a generation whose count is unknown (an uncommitted
/// save): far more than a bundle needs (a few KB is under 10 chunks).
const SWEEP: usize = 32;

/// One app's entries in one credential store.
pub struct Vault {
    /// `None` only while dropping.
    store: Option<Arc<CredentialStore>>,
    service: String,
}

impl Drop for Vault {
    /// The Secret Service store ends its D-Bus proxy with a blocking call,
    /// which panics on an async worker: the last handle goes on a thread.
    fn drop(&mut self) {
        let Some(store) = self.store.take() else {
            return;
        };
        if tokio::runtime::Handle::try_current().is_ok() {
            let _ = std::thread::spawn(move || drop(store)).join();
        }
    }
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

impl Vault {
    /// The platform's own store. `service` is the app identifier, so the
    /// development build never touches a user's real entries.
    pub fn platform(service: &str) -> Result<Vault, Error> {
        let store = platform_store().map_err(map_err)?;
        Ok(Vault::with_store(store, service))
    }

    /// A vault over any keyring-core store (tests use the mock store).
    pub fn with_store(store: Arc<CredentialStore>, service: &str) -> Vault {
        Vault {
            store: Some(store),
            service: service.to_string(),
        }
    }

    fn entry(&self, user: &str) -> Result<Entry, Error> {
        let store = self.store.as_ref().ok_or(Error::KeychainUnavailable)?;
        Entry::new_in_store(store, &self.service, user).map_err(map_err)
    }

    fn chunk_user(profile: &str, generation: u64, i: usize) -> String {
        format!("{profile}/{generation}/{i}")
    }

    fn meta(&self, profile: &str) -> Result<Option<Meta>, Error> {
        match self.entry(profile)?.get_password() {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|_| Error::KeychainCorrupt),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }

    /// Stores a profile's secrets, replacing what was there only once the
    /// new secrets are written whole.
    pub fn save(&self, profile: &str, secret: &SecretString) -> Result<(), Error> {
        let encoded = SecretString::from(
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret.expose_secret()),
        );
        let text = encoded.expose_secret();
        // An unreadable meta must stop the save: guessing a generation could
        // overwrite the chunks the current meta points at.
        let old = match self.meta(profile) {
            Ok(m) => m,
            Err(Error::KeychainCorrupt) => None,
            Err(e) => return Err(e),
        };
        // Left over from a crash before the last save could delete them;
        // the meta about to be written no longer names them.
        if let Some((generation, chunks)) = old.as_ref().and_then(|m| m.previous) {
            self.delete_chunks(profile, generation, chunks);
        }
        let generation = old.as_ref().map_or(1, |m| m.generation + 1);
        let pieces: Vec<&str> = text
            .as_bytes()
            .chunks(CHUNK)
            .map(|c| std::str::from_utf8(c).expect("base64 is ASCII"))
            .collect();
        for (i, piece) in pieces.iter().enumerate() {
            let written = self
                .entry(&Self::chunk_user(profile, generation, i))
                .and_then(|e| e.set_password(piece).map_err(map_err));
            if let Err(e) = written {
                self.delete_chunks(profile, generation, i);
                return Err(e);
            }
        }
        let meta = Meta {
            v: 1,
            generation,
            chunks: pieces.len(),
            previous: old.as_ref().map(|m| (m.generation, m.chunks)),
        };
        let committed = self.entry(profile).and_then(|e| {
            e.set_password(&serde_json::to_string(&meta).expect("plain data"))
                .map_err(map_err)
        });
        if let Err(e) = committed {
            // The write may have landed all the same (a store that failed
            // after writing): then the new chunks are the bundle. Otherwise
            // they stay as an uncommitted generation, which the next save
            // overwrites and `delete` sweeps; deleting them could destroy
            // the only copy of a just-rotated refresh token.
            match self.meta(profile) {
                Ok(Some(m)) if m.generation == generation => {}
                _ => return Err(e),
            }
        }
        if let Some(old) = old {
            self.delete_chunks(profile, old.generation, old.chunks);
        }
        Ok(())
    }

    /// A profile's secrets, or `None` when nothing is stored.
    pub fn load(&self, profile: &str) -> Result<Option<SecretString>, Error> {
        let Some(meta) = self.meta(profile)? else {
            return Ok(None);
        };
        let mut text = String::new();
        for i in 0..meta.chunks {
            match self
                .entry(&Self::chunk_user(profile, meta.generation, i))?
                .get_password()
            {
                Ok(piece) => text.push_str(&piece),
                Err(keyring_core::Error::NoEntry) => return Err(Error::KeychainCorrupt),
                Err(e) => return Err(map_err(e)),
            }
        }
        let text = SecretString::from(text);
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text.expose_secret())
            .map_err(|_| Error::KeychainCorrupt)?;
        let decoded = String::from_utf8(bytes).map_err(|_| Error::KeychainCorrupt)?;
        Ok(Some(SecretString::from(decoded)))
    }

    /// Deletes every entry of a profile, whatever generation a crash left
    /// it in. Missing entries are not an error.
    pub fn delete(&self, profile: &str) -> Result<(), Error> {
        let meta = match self.meta(profile) {
            Ok(m) => m,
            Err(Error::KeychainCorrupt) => None,
            Err(e) => return Err(e),
        };
        match meta {
            Some(meta) => {
                self.delete_chunks(profile, meta.generation, meta.chunks.max(SWEEP));
                self.delete_chunks(profile, meta.generation + 1, SWEEP);
                if let Some((generation, chunks)) = meta.previous {
                    self.delete_chunks(profile, generation, chunks.max(SWEEP));
                }
            }
            // A first save that never committed wrote generation 1.
            None => self.delete_chunks(profile, 1, SWEEP),
        }
        match self.entry(profile)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e)),
        }
    }

    fn delete_chunks(&self, profile: &str, generation: u64, count: usize) {
        for i in 0..count {
            if let Ok(e) = self.entry(&Self::chunk_user(profile, generation, i)) {
                let _ = e.delete_credential();
            }
        }
    }

    /// Every chunk entry of a profile under generations `0..=max_generation`,
    /// for tests that check nothing is left.
    #[cfg(test)]
    fn chunks_left(&self, profile: &str, max_generation: u64) -> Vec<String> {
        let mut left = Vec::new();
        for generation in 0..=max_generation {
            for i in 0..SWEEP {
                let user = Self::chunk_user(profile, generation, i);
                if self.entry(&user).unwrap().get_password().is_ok() {
                    left.push(user);
                }
            }
        }
        left
    }
}

#[cfg(target_os = "linux")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(zbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(target_os = "macos")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(target_os = "windows")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(keyring_core::Error::NotSupportedByStore(
        "this operating system".into(),
    ))
}

fn map_err(e: keyring_core::Error) -> Error {
    match e {
        keyring_core::Error::NoStorageAccess(_) => Error::KeychainLocked,
        keyring_core::Error::BadEncoding(_) | keyring_core::Error::BadDataFormat(..) => {
            Error::KeychainCorrupt
        }
        _ => Error::KeychainUnavailable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyring_core::mock;

    fn vault() -> Vault {
        Vault::with_store(mock::Store::new().unwrap(), "com.example.test")
    }

    fn secret(text: &str) -> SecretString {
        SecretString::from(text.to_string())
    }

    fn saved(len: usize) -> SecretString {
        secret(&format!(
            "{{\"rc\":\"rc-access\",\"jwt\":\"{}\"}}",
            "j".repeat(len)
        ))
    }

    fn text(v: &Vault, profile: &str) -> String {
        v.load(profile)
            .unwrap()
            .unwrap()
            .expose_secret()
            .to_string()
    }

    #[test]
    fn round_trip_overwrite_and_delete() {
        let v = vault();
        assert!(v.load("p").unwrap().is_none());
        v.save("p", &saved(10)).unwrap();
        assert_eq!(text(&v, "p"), saved(10).expose_secret());
        v.save("p", &secret("second ünïcode")).unwrap();
        assert_eq!(text(&v, "p"), "second ünïcode");
        // The old generation is gone.
        assert!(matches!(
            v.entry(&Vault::chunk_user("p", 1, 0))
                .unwrap()
                .get_password(),
            Err(keyring_core::Error::NoEntry)
        ));

        v.delete("p").unwrap();
        assert!(v.load("p").unwrap().is_none());
        v.delete("p").unwrap();
    }

    #[test]
    fn profiles_do_not_mix() {
        let v = vault();
        v.save("a", &saved(1)).unwrap();
        assert!(v.load("b").unwrap().is_none());
        v.delete("b").unwrap();
        assert!(v.load("a").unwrap().is_some());
    }

    #[test]
    fn large_secrets_are_split_under_the_windows_limit() {
        let v = vault();
        v.save("p", &saved(9000)).unwrap();
        let meta = v.meta("p").unwrap().unwrap();
        assert!(meta.chunks >= 10, "{} chunks", meta.chunks);
        for i in 0..meta.chunks {
            let piece = v
                .entry(&Vault::chunk_user("p", meta.generation, i))
                .unwrap()
                .get_password()
                .unwrap();
            assert!(piece.len() <= CHUNK && piece.is_ascii());
            assert!(piece.encode_utf16().count() * 2 <= 2560);
        }
        assert_eq!(text(&v, "p"), saved(9000).expose_secret());
    }

    /// Writes chunk `i` of `generation` directly, as a save that died
    /// halfway (or a deletion that never ran) leaves it.
    fn leftover(v: &Vault, generation: u64, i: usize) {
        v.entry(&Vault::chunk_user("p", generation, i))
            .unwrap()
            .set_password("left-over-refresh-token")
            .unwrap();
    }

    #[test]
    fn delete_leaves_nothing_whatever_a_crash_left() {
        let v = vault();
        v.save("p", &saved(10)).unwrap();
        v.save("p", &saved(1500)).unwrap();
        // Died after committing generation 2 but before deleting generation
        // 1, and a later save died before its commit (generation 3).
        leftover(&v, 1, 0);
        leftover(&v, 3, 0);
        leftover(&v, 3, 1);
        assert_eq!(text(&v, "p"), saved(1500).expose_secret(), "still whole");
        v.delete("p").unwrap();
        assert!(v.load("p").unwrap().is_none());
        assert_eq!(v.chunks_left("p", 6), Vec::<String>::new());

        // A first save that never committed.
        leftover(&v, 1, 0);
        v.delete("p").unwrap();
        assert_eq!(v.chunks_left("p", 6), Vec::<String>::new());
    }

    #[test]
    fn a_save_clears_what_a_crash_left_of_the_generation_before() {
        let v = vault();
        v.save("p", &saved(10)).unwrap();
        v.save("p", &saved(20)).unwrap();
        leftover(&v, 1, 0);
        v.save("p", &saved(30)).unwrap();
        assert_eq!(text(&v, "p"), saved(30).expose_secret());
        assert_eq!(v.chunks_left("p", 6), ["p/3/0"]);
    }

    #[test]
    fn a_failed_write_keeps_the_old_secrets_whole() {
        let v = vault();
        v.save("p", &saved(10)).unwrap();
        // The next generation's first chunk fails to write, as when the
        // keychain locks (or the app dies) halfway through a rotation.
        let chunk = v.entry(&Vault::chunk_user("p", 2, 0)).unwrap();
        let cred: &mock::Cred = chunk.as_any().downcast_ref().unwrap();
        cred.set_error(keyring_core::Error::NoStorageAccess("locked".into()));
        let next = secret("new");
        assert_eq!(v.save("p", &next).unwrap_err().code(), "keychain_locked");
        assert_eq!(text(&v, "p"), saved(10).expose_secret());
        // The next save goes through.
        v.save("p", &next).unwrap();
        assert_eq!(text(&v, "p"), "new");
    }

    #[test]
    fn an_unreadable_meta_stops_the_save() {
        let v = vault();
        v.save("p", &saved(10)).unwrap();
        let meta = v.entry("p").unwrap();
        let cred: &mock::Cred = meta.as_any().downcast_ref().unwrap();
        cred.set_error(keyring_core::Error::NoStorageAccess("locked".into()));
        assert_eq!(
            v.save("p", &saved(20)).unwrap_err().code(),
            "keychain_locked"
        );
        assert_eq!(text(&v, "p"), saved(10).expose_secret());
    }

    #[test]
    fn a_missing_chunk_is_reported_not_guessed() {
        let v = vault();
        v.save("p", &saved(3000)).unwrap();
        let meta = v.meta("p").unwrap().unwrap();
        v.entry(&Vault::chunk_user("p", meta.generation, 1))
            .unwrap()
            .delete_credential()
            .unwrap();
        assert_eq!(v.load("p").unwrap_err().code(), "keychain_corrupt");
        v.delete("p").unwrap();
        assert!(v.load("p").unwrap().is_none());
    }

    #[test]
    fn debug_shows_no_secret() {
        let v = vault();
        v.save("p", &saved(5)).unwrap();
        let shown = format!("{:?} {:?}", v.load("p").unwrap(), v);
        assert!(!shown.contains("rc-access"), "{shown}");
    }
}
