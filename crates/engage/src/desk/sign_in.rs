//! Signing in, by any of the three ways. One sign-in at a time: it is fixed
//! to the profile current when it starts, can be cancelled at any step, and
//! only one that worked changes the profile's saved form.

use std::sync::atomic::Ordering;

use secrecy::{ExposeSecret, SecretString};
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::browser::BrowserSignIn;
use crate::hosts::Hosts;
use crate::loopback::SIGN_IN_TIMEOUT;
use crate::rc::{RcApp, RcClient};
use crate::session::{Credential, Session, Status};
use crate::Error;

use super::{guard, Desk, Pending};

/// The sign-in form: the server pair and the app. The client secret (JWT
/// apps only) is never written to the settings file.
pub struct SignInForm {
    pub rc_server: String,
    pub ringcx_server: String,
    pub client_id: String,
    pub client_secret: Option<SecretString>,
}

impl SignInForm {
    fn parse(&self) -> Result<(Hosts, RcApp), Error> {
        let hosts = Hosts::parse(&self.rc_server, &self.ringcx_server)?;
        let app = RcApp {
            client_id: self.client_id.trim().to_string(),
            client_secret: self
                .client_secret
                .as_ref()
                .filter(|s| !s.expose_secret().trim().is_empty())
                .map(|s| SecretString::from(s.expose_secret().trim().to_string())),
        };
        Ok((hosts, app))
    }
}

/// How to sign in.
pub enum SignInWith<'a> {
    /// The system browser and the loopback redirect on `port`; `open` shows
    /// the authorize page (the app opens a browser, the command line also
    /// prints the address).
    Browser {
        port: i64,
        open: &'a (dyn Fn(&Url) -> Result<(), Error> + Sync),
    },
    /// A JWT credential (the app needs its client secret).
    Jwt(SecretString),
    /// A RingCentral access token pasted by the user.
    Token(SecretString),
}

/// Clears the pending sign-in however the sign-in ends.
struct PendingGuard<'a> {
    desk: &'a Desk,
    id: u64,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        let mut pending = guard(&self.desk.pending);
        if pending.as_ref().is_some_and(|p| p.id == self.id) {
            *pending = None;
        }
    }
}

impl Desk {
    /// Signs in to the current profile and makes the new session current.
    pub async fn sign_in(&self, form: SignInForm, with: SignInWith<'_>) -> Result<Status, Error> {
        let profile = self.current_profile();
        let (hosts, app) = form.parse()?;
        let (port, rc) = match &with {
            SignInWith::Browser { port, .. } => (
                Some(crate::redirect::validate_port(*port)?),
                Some(RcClient::new(
                    self.services.http.clone(),
                    hosts.clone(),
                    app.clone(),
                )?),
            ),
            SignInWith::Jwt(jwt) if jwt.expose_secret().trim().is_empty() => {
                return Err(Error::BadCredentials { server_code: None })
            }
            _ => (None, None),
        };
        let (id, cancel) = self.begin_sign_in()?;
        let _pending = PendingGuard { desk: self, id };
        let persist = self.persist_for(&profile).await;
        let work = async {
            let credential = match with {
                SignInWith::Browser { open, .. } => {
                    let rc = rc.as_ref().ok_or(Error::MissingClientId)?;
                    let flow = BrowserSignIn::start(port.unwrap_or_default()).await?;
                    open(&flow.authorize_url(rc))?;
                    Credential::Browser(flow.finish(rc, &cancel, SIGN_IN_TIMEOUT).await?)
                }
                SignInWith::Jwt(jwt) => {
                    Credential::Jwt(SecretString::from(jwt.expose_secret().trim().to_string()))
                }
                SignInWith::Token(token) => {
                    Credential::Token(SecretString::from(token.expose_secret().trim().to_string()))
                }
            };
            Session::sign_in(&self.services, hosts, app, credential, persist).await
        };
        // Nothing is stored until the exchange answered, so dropping the
        // work at any step loses no saved session.
        let session = tokio::select! {
            result = work => result?,
            () = cancel.cancelled() => return Err(Error::SignInCancelled),
        };
        let _one = self.lifecycle.lock().await;
        let status = self.install(session, profile.clone(), None).await;
        self.remember(&profile, &form, port);
        status.ok_or(Error::NotSignedIn)
    }

    /// Stops the sign-in in progress, at whatever step it is.
    pub fn cancel_sign_in(&self) -> bool {
        match guard(&self.pending).as_ref() {
            Some(p) => {
                p.cancel.cancel();
                true
            }
            None => false,
        }
    }

    /// True while a sign-in is in progress.
    pub fn signing_in(&self) -> bool {
        guard(&self.pending).is_some()
    }

    fn begin_sign_in(&self) -> Result<(u64, CancellationToken), Error> {
        let mut pending = guard(&self.pending);
        if pending.is_some() {
            return Err(Error::SignInInProgress);
        }
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        let cancel = CancellationToken::new();
        *pending = Some(Pending {
            id,
            cancel: cancel.clone(),
        });
        // A restore still running for the old session installs nothing.
        self.epoch.fetch_add(1, Ordering::SeqCst);
        Ok((id, cancel))
    }

    /// Remembers the form for next time (never the secret). A new server
    /// pair or app forgets the agent chosen for the old one.
    fn remember(&self, profile: &str, form: &SignInForm, port: Option<u16>) {
        let (rc, cx, id) = (
            form.rc_server.trim(),
            form.ringcx_server.trim(),
            form.client_id.trim(),
        );
        self.update_settings(|s| {
            let p = s.profiles.entry(profile.to_string()).or_default();
            let same = p.rc_server == rc && p.ringcx_server == cx && p.client_id == id;
            p.rc_server = rc.to_string();
            p.ringcx_server = cx.to_string();
            p.client_id = id.to_string();
            if let Some(port) = port {
                p.port = port;
            }
            if !same {
                p.agent_id = None;
            }
        });
    }
}
