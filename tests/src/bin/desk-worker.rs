//! One process on a profile, for the cross-process rotation test: it opens
//! a desk on the real OS keychain and a shared data folder, as the app and
//! the command line do.
//!
//! `desk-worker DIR URL sign-in TOKEN`: signs in with a pasted token.
//! `desk-worker DIR URL renew N`: restores, then renews N times.
//! `desk-worker DIR URL check`: restores and makes one API call.
//!
//! Prints one line on success; on failure the error's code and message on
//! stderr, and exits 1.

#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::process::ExitCode;

use engage::{Desk, DeskConfig, Error, Keychain, SecretString, SignInForm, SignInWith};

pub const SERVICE: &str = "com.engagedesk.e2e.rotation";

async fn run(args: &[String]) -> Result<String, Error> {
    let [dir, url, what, rest @ ..] = args else {
        return Err(Error::NotSignedIn);
    };
    let dir = PathBuf::from(dir);
    let desk = Desk::open(DeskConfig {
        service: SERVICE.into(),
        config_dir: Some(dir.join("config")),
        data_dir: Some(dir.join("data")),
        keychain: Keychain::Platform,
    });
    match (what.as_str(), rest) {
        ("sign-in", [token]) => {
            let form = SignInForm {
                rc_server: url.clone(),
                ringcx_server: url.clone(),
                client_id: String::new(),
                client_secret: None,
            };
            let with = SignInWith::Token(SecretString::from(token.clone()));
            let status = desk.sign_in(form, with).await?;
            Ok(format!("signed in, stored {}", status.stored))
        }
        ("renew", [n]) => {
            let n: u32 = n.parse().map_err(|_| Error::NotSignedIn)?;
            let status = desk.restore().await?;
            if !status.signed_in {
                return Err(Error::NotSignedIn);
            }
            let session = desk.session().await?;
            for _ in 0..n {
                session.renew().await?;
            }
            Ok(format!("renewed {n} times"))
        }
        ("check", []) => {
            desk.restore().await?;
            let reply = desk
                .session()
                .await?
                .call(
                    "GET",
                    &engage::ApiPath::parse("/voice/api/v1/admin/accounts")?,
                    &[],
                    None,
                )
                .await?;
            Ok(format!("api {}", reply.status))
        }
        _ => Err(Error::NotSignedIn),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args).await {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", e.code());
            ExitCode::FAILURE
        }
    }
}
