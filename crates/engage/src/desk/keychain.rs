//! Which credential store a desk uses, opened once (on Linux that is a
//! D-Bus connection) and only when first needed.

use std::sync::Arc;

use keyring_core::CredentialStore;

use crate::error::ErrorCode;
use crate::vault::Vault;
use crate::Error;

/// The credential store to keep sessions in.
pub enum Keychain {
    /// The operating system's own.
    Platform,
    /// Any keyring-core store (tests use its mock).
    Store(Arc<CredentialStore>),
    /// None: sessions live in memory only.
    Unavailable,
}

pub(super) struct Opened {
    choice: Keychain,
    service: String,
    vault: tokio::sync::OnceCell<Result<Arc<Vault>, ErrorCode>>,
}

impl Opened {
    pub(super) fn new(choice: Keychain, service: String) -> Self {
        Opened {
            choice,
            service,
            vault: tokio::sync::OnceCell::new(),
        }
    }

    pub(super) async fn vault(&self) -> Result<Arc<Vault>, Error> {
        let opened = self
            .vault
            .get_or_init(|| async {
                let service = self.service.clone();
                match &self.choice {
                    Keychain::Store(store) => {
                        Ok(Arc::new(Vault::with_store(store.clone(), &service)))
                    }
                    Keychain::Unavailable => Err(ErrorCode::KeychainUnavailable),
                    Keychain::Platform => tokio::task::spawn_blocking(move || {
                        Vault::platform(&service)
                            .map(Arc::new)
                            .map_err(|e| e.code())
                    })
                    .await
                    .unwrap_or(Err(ErrorCode::KeychainUnavailable)),
                }
            })
            .await;
        opened.clone().map_err(|code| match code {
            ErrorCode::KeychainLocked => Error::KeychainLocked,
            _ => Error::KeychainUnavailable,
        })
    }

    /// Runs a blocking keychain call off the async workers.
    pub(super) async fn with_vault<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Vault) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        let vault = self.vault().await?;
        tokio::task::spawn_blocking(move || f(&vault))
            .await
            .unwrap_or(Err(Error::KeychainUnavailable))
    }
}
