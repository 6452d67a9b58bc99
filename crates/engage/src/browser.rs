//! The browser sign-in (authorization code + PKCE, RFC 8252), from binding
//! the loopback port to RingCentral tokens.

use std::time::Duration;

use secrecy::SecretString;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::loopback::{self, Listener};
use crate::pkce::{new_state, Pkce};
use crate::rc::{RcClient, RcTokens};
use crate::redirect::redirect_uri;
use crate::Error;

/// A sign-in waiting for the browser.
pub struct BrowserSignIn {
    listener: Listener,
    verifier: SecretString,
    challenge: String,
    state: String,
    redirect_uri: String,
}

impl BrowserSignIn {
    /// Binds the loopback port first, so a busy port is reported before
    /// the browser opens.
    pub async fn start(port: u16) -> Result<Self, Error> {
        let listener = loopback::bind(port).await?;
        let pkce = Pkce::new();
        Ok(BrowserSignIn {
            listener,
            verifier: pkce.verifier,
            challenge: pkce.challenge,
            state: new_state(),
            redirect_uri: redirect_uri(port),
        })
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The page to open in the system browser.
    pub fn authorize_url(&self, rc: &RcClient) -> Url {
        rc.authorize_url(&self.redirect_uri, &self.state, &self.challenge)
    }

    /// Waits for the browser (until `timeout` or `cancel`), then trades the
    /// code for tokens.
    pub async fn finish(
        self,
        rc: &RcClient,
        cancel: &CancellationToken,
        timeout: Duration,
    ) -> Result<RcTokens, Error> {
        let code = self.listener.wait(&self.state, cancel, timeout).await?;
        // Cancelling still counts once the code has arrived.
        tokio::select! {
            () = cancel.cancelled() => Err(Error::SignInCancelled),
            tokens = rc.exchange_code(&code, &self.verifier, &self.redirect_uri) => tokens,
        }
    }
}
