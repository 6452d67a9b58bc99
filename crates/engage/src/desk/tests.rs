//! The desk's lifecycle rules against the fake server over loopback, with
//! keyring-core's mock store standing in for the OS keychain (the real
//! gnome-keyring runs the same rules in the e2e suite).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use fake_ringcx::{Config, FakeServer, Fault, FaultKind};
use keyring_core::mock;
use secrecy::{ExposeSecret, SecretString};

use super::*;
use crate::error::ErrorCode;
use crate::vault::Vault;
use crate::{SignInForm, SignInWith};

const SERVICE: &str = "com.engagedesk.test";

fn desk(dir: &Path, store: &Arc<keyring_core::CredentialStore>) -> Desk {
    Desk::open(DeskConfig {
        service: SERVICE.into(),
        config_dir: Some(dir.join("config")),
        data_dir: Some(dir.join("data")),
        keychain: Keychain::Store(store.clone()),
    })
}

fn form(fake: &FakeServer) -> SignInForm {
    SignInForm {
        rc_server: fake.url(),
        ringcx_server: fake.url(),
        client_id: "fake-client-id".into(),
        client_secret: None,
    }
}

fn token(fake: &FakeServer) -> SignInWith<'static> {
    SignInWith::Token(SecretString::from(fake.mint_rc_access_token()))
}

fn stored(store: &Arc<keyring_core::CredentialStore>, profile: &str) -> bool {
    Vault::with_store(store.clone(), SERVICE)
        .load(profile)
        .unwrap()
        .is_some()
}

struct World {
    fake: FakeServer,
    dir: tempfile::TempDir,
    store: Arc<keyring_core::CredentialStore>,
}

async fn world_with(config: Config) -> World {
    World {
        fake: FakeServer::start_with(config, 0).await.unwrap(),
        dir: tempfile::tempdir().unwrap(),
        store: mock::Store::new().unwrap(),
    }
}

async fn world() -> World {
    world_with(Config::default()).await
}

impl World {
    fn desk(&self) -> Desk {
        desk(self.dir.path(), &self.store)
    }

    /// A desk signed in on the default profile, with its session stored.
    async fn signed_in(&self) -> Desk {
        let d = self.desk();
        let status = d
            .sign_in(form(&self.fake), token(&self.fake))
            .await
            .unwrap();
        assert!(status.signed_in && status.stored, "{status:?}");
        d
    }

    /// Every secret the fake issued that reached it again in a request.
    fn secrets_sent(&self, to: &FakeServer) -> Vec<String> {
        let issued = self.fake.issued_tokens();
        to.requests()
            .iter()
            .flat_map(|r| {
                let mut seen: Vec<&str> = r.form.iter().map(|(_, v)| v.as_str()).collect();
                seen.extend(r.headers.iter().map(|(_, v)| v.as_str()));
                seen.push(&r.path);
                seen.into_iter().map(str::to_string).collect::<Vec<_>>()
            })
            .filter(|v| issued.iter().any(|t| v.contains(t.as_str())))
            .collect()
    }
}

#[tokio::test]
async fn a_stored_session_comes_back_in_a_new_desk() {
    let w = world().await;
    let first = w.signed_in().await;
    drop(first);
    let d = w.desk();
    let status = d.restore().await.unwrap();
    assert!(status.signed_in, "{status:?}");
    assert_eq!(w.fake.count("POST", "/api/auth/token/refresh"), 1);
    // The form the sign-in used is remembered for the profile.
    assert_eq!(d.profile_settings().rc_server, w.fake.url());
}

#[tokio::test]
async fn edited_settings_get_no_secret_sent_anywhere() {
    let w = world().await;
    let elsewhere = FakeServer::start(0).await.unwrap();
    drop(w.signed_in().await);
    // The file is edited to point both servers at another address.
    let d = w.desk();
    d.update_settings(|s| {
        let p = s.profiles.get_mut("default").unwrap();
        p.rc_server = elsewhere.url();
        p.ringcx_server = elsewhere.url();
    });
    drop(d);
    w.fake.clear_requests();
    let d = w.desk();
    let status = d.restore().await.unwrap();
    assert!(!status.signed_in);
    assert_eq!(status.reason.unwrap().code, ErrorCode::SettingsChanged);
    assert!(
        elsewhere.requests().is_empty(),
        "{:?}",
        elsewhere.requests()
    );
    assert!(w.fake.requests().is_empty(), "{:?}", w.fake.requests());
    assert!(w.secrets_sent(&elsewhere).is_empty());
    // Nothing is lost: the saved session waits for the settings to come back.
    assert!(stored(&w.store, "default"));

    // Another client id, and addresses that do not parse, are refused too.
    for (rc, client) in [
        (w.fake.url(), "other-app"),
        ("not a url".into(), "fake-client-id"),
    ] {
        d.update_settings(|s| {
            let p = s.profiles.get_mut("default").unwrap();
            p.rc_server = rc.clone();
            p.ringcx_server = w.fake.url();
            p.client_id = client.into();
        });
        let status = d.restore().await.unwrap();
        assert_eq!(status.reason.unwrap().code, ErrorCode::SettingsChanged);
    }
    assert!(w.fake.requests().is_empty(), "{:?}", w.fake.requests());

    // Put back, the same saved session signs in.
    d.update_settings(|s| {
        let p = s.profiles.get_mut("default").unwrap();
        p.rc_server = w.fake.url();
        p.client_id = "fake-client-id".into();
    });
    assert!(d.restore().await.unwrap().signed_in);
}

#[tokio::test]
async fn a_bundle_without_hosts_asks_for_one_sign_in() {
    let w = world().await;
    let d = w.desk();
    d.update_settings(|s| {
        s.profiles.insert(
            "default".into(),
            ProfileSettings {
                rc_server: w.fake.url(),
                ringcx_server: w.fake.url(),
                ..Default::default()
            },
        );
    });
    let old = r#"{"method":"token","rc_access":"a","rc_access_expires":1,"rc_refresh":null,"rc_refresh_expires":null,"rc_owner":null,"jwt":null,"client_secret":null,"ringcx_refresh":"x"}"#;
    Vault::with_store(w.store.clone(), SERVICE)
        .save("default", &SecretString::from(old.to_string()))
        .unwrap();
    let status = d.restore().await.unwrap();
    assert_eq!(status.reason.unwrap().code, ErrorCode::SavedSessionOutdated);
    assert!(w.fake.requests().is_empty());
}

#[tokio::test]
async fn restores_are_single_flight() {
    let w = world().await;
    drop(w.signed_in().await);
    let d = w.desk();
    let (a, b) = tokio::join!(d.restore(), d.restore());
    assert!(a.unwrap().signed_in && b.unwrap().signed_in);
    assert_eq!(w.fake.count("POST", "/api/auth/token/refresh"), 1);
}

#[tokio::test]
async fn a_restore_that_ends_after_a_profile_switch_installs_nothing() {
    let w = world().await;
    drop(w.signed_in().await);
    w.fake.fault(
        Fault::new(
            "/api/auth/token/refresh",
            FaultKind::Delay(Duration::from_millis(300)),
        )
        .with_method("POST"),
    );
    let d = Arc::new(w.desk());
    let restoring = tokio::spawn({
        let d = d.clone();
        async move { d.restore().await }
    });
    // Switch once the restore's renewal is on the wire.
    w.fake.wait_for("POST", "/api/auth/token/refresh", 1).await;
    d.switch_profile("Sandbox").await.unwrap();
    let status = restoring.await.unwrap().unwrap();
    assert!(!status.signed_in, "{status:?}");
    assert!(d.session().await.is_err());
    assert!(!d.status().await.signed_in);
    // What it renewed is saved: the first profile comes back later.
    d.switch_profile("default").await.unwrap();
    assert!(d.restore().await.unwrap().signed_in);
}

#[tokio::test]
async fn a_sign_in_in_progress_holds_the_profile_and_the_desk() {
    let w = world().await;
    let d = Arc::new(w.desk());
    let (opened_tx, opened_rx) = tokio::sync::oneshot::channel::<()>();
    let opened = std::sync::Mutex::new(Some(opened_tx));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let browser = tokio::spawn({
        let d = d.clone();
        let f = form(&w.fake);
        async move {
            // A browser that never comes back.
            let open = move |_: &url::Url| {
                if let Some(tx) = opened.lock().unwrap().take() {
                    let _ = tx.send(());
                }
                Ok(())
            };
            d.sign_in(
                f,
                SignInWith::Browser {
                    port: i64::from(port),
                    open: &open,
                },
            )
            .await
        }
    });
    opened_rx.await.unwrap();
    assert!(d.signing_in());
    assert_eq!(
        d.switch_profile("Other").await.unwrap_err().code(),
        ErrorCode::SignInInProgress
    );
    assert_eq!(
        d.sign_in(form(&w.fake), token(&w.fake))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::SignInInProgress
    );
    assert_eq!(
        d.restore().await.unwrap_err().code(),
        ErrorCode::SignInInProgress
    );
    assert!(d.cancel_sign_in());
    assert_eq!(
        browser.await.unwrap().unwrap_err().code(),
        ErrorCode::SignInCancelled
    );
    assert!(!d.signing_in() && !d.cancel_sign_in());
    // A cancelled sign-in changes nothing that was saved.
    assert_eq!(d.profile_settings(), ProfileSettings::default());
    d.switch_profile("Other").await.unwrap();
}

#[tokio::test]
async fn the_profile_is_fixed_while_signed_in() {
    let w = world().await;
    let d = w.signed_in().await;
    assert_eq!(
        d.switch_profile("Other").await.unwrap_err().code(),
        ErrorCode::SignedIn
    );
    assert_eq!(
        d.switch_profile("a/b").await.unwrap_err().code(),
        ErrorCode::InvalidProfileName
    );
    d.sign_out().await;
    let other = d.switch_profile(" Other ").await.unwrap();
    assert_eq!(other, ProfileSettings::default());
    assert_eq!(d.profiles().names, ["Other", "default"]);
    assert_eq!(d.current_profile(), "Other");
    // Names that differ only in case are one profile (Windows' credential
    // targets would share keychain entries).
    d.switch_profile("DEFAULT").await.unwrap();
    d.switch_profile("other").await.unwrap();
    assert_eq!(d.profiles().names, ["Other", "default"]);
    assert_eq!(d.current_profile(), "Other");
}

#[tokio::test]
async fn a_new_sign_in_replaces_the_old_session_and_ends_it_remotely() {
    let w = world().await;
    let d = w.signed_in().await;
    let first = d.session().await.unwrap();
    let status = d.sign_in(form(&w.fake), token(&w.fake)).await.unwrap();
    assert!(status.signed_in);
    assert_eq!(w.fake.count("DELETE", "/api/auth/logout/"), 1);
    assert!(!Arc::ptr_eq(&first, &d.session().await.unwrap()));
    // The store holds the new session: a new desk restores it.
    drop(d);
    assert!(w.desk().restore().await.unwrap().signed_in);
}

#[tokio::test]
async fn sign_out_and_forget_leave_nothing_behind() {
    let w = world().await;
    let d = w.signed_in().await;
    let status = d.sign_out().await;
    assert!(!status.signed_in && status.reason.is_none());
    assert!(!stored(&w.store, "default"));
    assert_eq!(w.fake.count("DELETE", "/api/auth/logout/"), 1);

    // With no live session (a restore that failed offline), the saved
    // entries still go.
    drop(w.signed_in().await);
    let d = w.desk();
    w.fake
        .fault(Fault::new("/api/auth/token/refresh", FaultKind::Reset));
    assert_eq!(d.restore().await.unwrap_err().code(), ErrorCode::Network);
    assert!(stored(&w.store, "default"), "a transient failure keeps it");
    d.sign_out().await;
    assert!(!stored(&w.store, "default"));

    let d = w.signed_in().await;
    d.forget_profile().await;
    assert!(!stored(&w.store, "default"));
    assert!(d.settings().profiles.is_empty());
}

#[tokio::test]
async fn the_user_list_is_only_for_the_session_that_loaded_it() {
    let w = world().await;
    let d = w.signed_in().await;
    assert_eq!(
        d.users_page(crate::users::Query::default())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::UsersNotLoaded
    );
    let loaded = d.load_users(false).await.unwrap();
    assert_eq!(loaded.total, 20);
    let page = d
        .users_page(crate::users::Query {
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((page.total, page.rows.len()), (20, 5));
    let id = page.rows[0].user_id;
    assert_eq!(d.user_details(id).await.unwrap()["userId"], id);
    assert_eq!(
        d.user_details(-5).await.unwrap_err().code(),
        ErrorCode::UserNotFound
    );
    // A new session does not see the old one's list.
    d.sign_in(form(&w.fake), token(&w.fake)).await.unwrap();
    assert_eq!(
        d.user_details(id).await.unwrap_err().code(),
        ErrorCode::UsersNotLoaded
    );
    d.load_users(false).await.unwrap();
    d.sign_out().await;
    assert_eq!(
        d.user_details(id).await.unwrap_err().code(),
        ErrorCode::NotSignedIn
    );
    assert_eq!(
        d.load_users(false).await.unwrap_err().code(),
        ErrorCode::NotSignedIn
    );
}

/// What a load of a long list answers with.
const FIRST_ROWS_ONLY: UsersLoaded = UsersLoaded {
    total: super::users::FIRST_ROWS,
    complete: false,
};

#[tokio::test]
async fn a_long_list_answers_with_its_first_rows_and_every_question_waits_for_the_rest() {
    use crate::users::{Query, SortKey};
    let n = super::users::FIRST_ROWS * 4;
    let w = world_with(Config {
        users: n,
        ..Config::default()
    })
    .await;
    let d = w.signed_in().await;
    assert_eq!(d.load_users(false).await.unwrap(), FIRST_ROWS_ONLY);
    // Another order, a search, or a row past the first ones: the whole list.
    let sorted = d
        .users_page(Query {
            sort: SortKey::Name,
            limit: 10,
            ..Query::default()
        })
        .await
        .unwrap();
    assert!(sorted.complete);
    assert_eq!((sorted.total, sorted.matched), (n, n));
    let last = d
        .users_page(Query {
            sort: SortKey::Tree,
            descending: true,
            limit: 1,
            ..Query::default()
        })
        .await
        .unwrap();
    assert_eq!(last.total, n);
    assert_eq!(
        d.users_settled().await.unwrap(),
        UsersLoaded {
            total: n,
            complete: true
        }
    );
    let first = d
        .users_page(Query {
            limit: 20,
            ..Query::default()
        })
        .await
        .unwrap();
    assert!(first.complete && first.total == n);
    assert_eq!(
        d.user_details(last.rows[0].user_id).await.unwrap()["userId"],
        last.rows[0].user_id
    );
}

#[tokio::test]
async fn a_list_that_breaks_after_its_first_rows_fails_when_the_rest_is_read() {
    let mut body = String::from("[");
    for id in 1..=super::users::FIRST_ROWS * 2 {
        body.push_str(&format!(
            r#"{{"userId": {id}, "userName": "u{id}@x.com"}},"#
        ));
    }
    body.push_str(r#"{"userName": "no id"}]"#);
    let w = world().await;
    let d = w.signed_in().await;
    w.fake.fault(Fault::new(
        "/voice/api/v1/admin/users",
        FaultKind::Status {
            status: 200,
            content_type: "application/json".into(),
            body,
        },
    ));
    // The first rows come first; the fault is named once the rest is read.
    assert_eq!(d.load_users(false).await.unwrap(), FIRST_ROWS_ONLY);
    assert_eq!(
        d.users_settled().await.unwrap_err().code(),
        ErrorCode::BadResponse
    );
    assert_eq!(
        d.users_page(crate::users::Query::default())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::BadResponse
    );
    // A load that works replaces the broken one.
    assert!(d.load_users(false).await.unwrap().total > 0);
    assert_eq!(d.users_settled().await.unwrap().total, 20);
}

#[tokio::test]
async fn events_follow_the_current_session_and_the_agent_is_remembered() {
    let w = world_with(Config {
        agents: 2,
        ..Config::default()
    })
    .await;
    let d = w.desk();
    let mut events = d.subscribe();
    d.sign_in(form(&w.fake), token(&w.fake)).await.unwrap();
    events.changed().await.unwrap();
    assert!(events.borrow_and_update().signed_in);
    let session = d.session().await.unwrap();
    let agents: Vec<i64> = session
        .status()
        .identity
        .unwrap()
        .details
        .agent_details
        .iter()
        .map(|a| a.agent_id)
        .collect();
    let identity = d.select_agent(agents[1]).await.unwrap();
    assert_eq!(identity.agent_id, Some(agents[1]));
    events.changed().await.unwrap();
    assert_eq!(
        events
            .borrow_and_update()
            .identity
            .as_ref()
            .unwrap()
            .agent_id,
        Some(agents[1])
    );
    assert_eq!(d.profile_settings().agent_id, Some(agents[1]));
    assert_eq!(
        d.select_agent(-1).await.unwrap_err().code(),
        ErrorCode::UnknownAgent
    );
    // A renewal of the current session reaches subscribers.
    session.renew().await.unwrap();
    events.changed().await.unwrap();
    assert_eq!(events.borrow_and_update().renewals, 1);
    d.sign_out().await;
    events.changed().await.unwrap();
    assert!(!events.borrow_and_update().signed_in);
    // A restored session comes back with the remembered agent.
    drop(d);
    drop(w.signed_in().await);
    let status = w.desk().restore().await.unwrap();
    assert_eq!(status.identity.unwrap().agent_id, Some(agents[1]));
}

#[tokio::test]
async fn a_failed_sign_in_changes_no_saved_form() {
    let w = world().await;
    let d = w.desk();
    let mut f = form(&w.fake);
    f.client_id = "  ".into();
    let e = d
        .sign_in(
            f,
            SignInWith::Jwt(SecretString::from("fake-jwt-credential".to_string())),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::MissingClientId);
    let e = d
        .sign_in(
            form(&w.fake),
            SignInWith::Token(SecretString::from("dead".to_string())),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PastedTokenExpired);
    assert!(d.settings().profiles.is_empty());
    assert!(!d.signing_in());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_desks_on_one_store_never_spend_a_refresh_token_twice() {
    let w = world_with(Config {
        ringcx_access_ttl: Duration::from_secs(2),
        ..Config::default()
    })
    .await;
    drop(w.signed_in().await);
    let (a, b) = (w.desk(), w.desk());
    assert!(a.restore().await.unwrap().signed_in);
    assert!(b.restore().await.unwrap().signed_in);
    let (sa, sb) = (a.session().await.unwrap(), b.session().await.unwrap());
    for _ in 0..5 {
        let (ra, rb) = tokio::join!(sa.renew(), sb.renew());
        ra.unwrap();
        rb.unwrap();
    }
    let spent: Vec<String> = w
        .fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/api/auth/token/refresh")
        .map(|r| {
            assert_eq!(r.status, 200, "a refresh was refused");
            r.form
                .iter()
                .find(|(k, _)| k == "refresh_token")
                .map(|(_, v)| v.clone())
                .unwrap()
        })
        .collect();
    let unique: std::collections::BTreeSet<_> = spent.iter().collect();
    assert_eq!(unique.len(), spent.len(), "a refresh token was spent twice");
    assert!(sa.status().signed_in && sb.status().signed_in);
}

#[tokio::test]
async fn a_new_sign_in_elsewhere_is_never_adopted() {
    let w = world().await;
    let a = w.signed_in().await;
    let old = a.session().await.unwrap();
    // Another process signs the same profile in anew (perhaps as another
    // user): its tokens are not the old session's to use.
    let b = w.desk();
    b.sign_in(form(&w.fake), token(&w.fake)).await.unwrap();
    let e = old.renew().await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignedOutElsewhere);
    let status = a.status().await;
    assert!(!status.signed_in);
    assert_eq!(status.reason.unwrap().code, ErrorCode::SignedOutElsewhere);
    // The new sign-in is untouched: a third desk restores it.
    assert!(stored(&w.store, "default"));
    drop(b);
    assert!(w.desk().restore().await.unwrap().signed_in);
}

#[tokio::test]
async fn an_ended_session_does_not_speak_for_the_next_profile() {
    let w = world().await;
    let d = w.signed_in().await;
    w.fake.revoke_all();
    let e = d.session().await.unwrap().renew().await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::PastedTokenExpired);
    assert!(d.status().await.reason.is_some());
    d.switch_profile("Other").await.unwrap();
    let status = d.status().await;
    assert!(!status.signed_in && status.reason.is_none(), "{status:?}");
    assert!(d.restore().await.unwrap().reason.is_none());
}

#[tokio::test]
async fn sign_out_clears_the_keychain_without_waiting_for_a_renewal_in_flight() {
    let w = world().await;
    let d = w.signed_in().await;
    let session = d.session().await.unwrap();
    // A renewal whose server never answers (until the test lets it go).
    w.fake
        .fault(Fault::new("/api/auth/token/refresh", FaultKind::Hang));
    let renewal = tokio::spawn(async move { session.renew().await });
    w.fake.wait_for("POST", "/api/auth/token/refresh", 1).await;
    // Sign-out finishes while that request still hangs: the upper bound
    // only turns a wait for the renewal into a failure instead of a hang.
    let status = tokio::time::timeout(Duration::from_secs(10), d.sign_out())
        .await
        .expect("sign-out waited for the renewal");
    assert!(!status.signed_in);
    assert!(!stored(&w.store, "default"), "the keychain was cleared");
    assert_eq!(w.fake.count("DELETE", "/api/auth/logout/"), 1);
    // The cancelled renewal saves nothing afterwards.
    w.fake.release_hung();
    assert!(renewal.await.unwrap().is_err());
    assert!(!stored(&w.store, "default"), "nothing came back");
}

#[tokio::test]
async fn a_jwt_session_restores_by_granting_again() {
    let w = world_with(Config {
        client_secret: Some("s3cret".into()),
        ..Config::default()
    })
    .await;
    let d = w.desk();
    let mut f = form(&w.fake);
    f.client_secret = Some(SecretString::from("s3cret".to_string()));
    let status = d
        .sign_in(
            f,
            SignInWith::Jwt(SecretString::from("fake-jwt-credential".to_string())),
        )
        .await
        .unwrap();
    assert!(status.signed_in && status.stored, "{status:?}");
    drop(d);
    let grants = |fake: &FakeServer| {
        fake.requests()
            .iter()
            .filter(|r| r.path == "/restapi/oauth/token")
            .filter(|r| r.form.iter().any(|(_, v)| v.contains("jwt-bearer")))
            .count()
    };
    assert_eq!(grants(&w.fake), 1);
    // On restart the RingCX refresh is refused and the saved RingCentral
    // token too: the stored JWT and client secret grant again, no browser.
    w.fake.fault(Fault::new(
        "/api/auth/token/refresh",
        FaultKind::Status {
            status: 400,
            content_type: "application/json".into(),
            body: "{}".into(),
        },
    ));
    w.fake.revoke_all();
    let d = w.desk();
    let status = d.restore().await.unwrap();
    assert!(status.signed_in, "{status:?}");
    assert_eq!(grants(&w.fake), 2);
    assert_eq!(w.fake.count("GET", "/restapi/oauth/authorize"), 0);
}

#[tokio::test]
async fn a_locked_keychain_at_restore_asks_for_a_retry_and_loses_nothing() {
    let w = world().await;
    drop(w.signed_in().await);
    let d = w.desk();
    let refreshes = w.fake.count("POST", "/api/auth/token/refresh");
    // The next read of the profile's entry finds the keychain locked (the
    // unlock prompt was dismissed).
    let meta = keyring_core::Entry::new_in_store(&w.store, SERVICE, "default").unwrap();
    let cred: &mock::Cred = meta.as_any().downcast_ref().unwrap();
    cred.set_error(keyring_core::Error::NoStorageAccess("locked".into()));
    let e = d.restore().await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::SavedSessionLocked);
    assert!(e.to_string().contains("Retry"), "{e}");
    assert_eq!(w.fake.count("POST", "/api/auth/token/refresh"), refreshes);
    assert!(stored(&w.store, "default"), "the saved session was dropped");
    // Unlocked, the retry restores without a browser.
    assert!(d.restore().await.unwrap().signed_in);
}

/// A keychain whose read waits on an unlock prompt nobody answers.
struct Prompting(std::sync::Mutex<std::sync::mpsc::Receiver<()>>);

impl Persist for Prompting {
    fn load(&self) -> Result<Option<crate::session::Saved>, Error> {
        let _ = self.0.lock().unwrap().recv();
        Ok(None)
    }
    fn save(&self, _: &crate::session::Saved) -> Result<(), Error> {
        Ok(())
    }
    fn clear(&self) -> Result<(), Error> {
        Ok(())
    }
    fn is_durable(&self) -> bool {
        true
    }
    fn lock(&self) -> Option<crate::lock::LockGuard> {
        None
    }
}

#[tokio::test]
async fn an_unanswered_unlock_prompt_ends_the_wait_with_a_retry() {
    let (answer, waiting) = std::sync::mpsc::channel();
    let persist = Arc::new(Prompting(std::sync::Mutex::new(waiting)));
    // The read cannot end before the answer, which comes only afterwards:
    // the wait's length does not decide the outcome.
    let e = read_within(persist, Duration::from_millis(20))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::SavedSessionLocked);
    // The prompt is answered later; the blocked read then ends by itself.
    answer.send(()).unwrap();
}

// ---- the API console ----

const GROUPS: &str = "/voice/api/v1/admin/accounts/{accountId}/agentGroups";

fn request(method: &str, path: &str) -> crate::console::Request {
    crate::console::Request {
        method: method.into(),
        path: path.into(),
        values: Default::default(),
        query: Vec::new(),
        body: String::new(),
        confirmed: false,
        file: String::new(),
    }
}

#[tokio::test]
async fn the_console_form_has_the_sessions_account_and_sends_through_the_session() {
    let w = world().await;
    let d = w.signed_in().await;
    let ids = d.console_ids().await;
    let account = ids.account_id.clone().expect("the agent's account");
    // RingCentral's account, asked once with the RingCentral token.
    assert_eq!(ids.rc_account_id.as_deref(), Some("37439510"));
    assert_eq!(ids.main_account_id.as_deref(), Some("333333"));
    d.console_ids().await;
    assert_eq!(w.fake.count("GET", "/restapi/v1.0/account/~"), 1);
    let metadata = d
        .console_form(
            "POST",
            "/voice/api/cx/integration/v1/accounts/{rcAccountId}/sub-accounts/{subAccountId}/interaction-metadata",
        )
        .await
        .unwrap();
    let value = |name: &str| {
        metadata
            .params
            .iter()
            .find(|p| p.name == name)
            .unwrap()
            .value
            .clone()
    };
    assert_eq!(
        (value("rcAccountId"), value("subAccountId")),
        ("37439510".into(), account.clone())
    );
    assert_eq!(metadata.limits, "3 in 60 s, 9 in 900 s");
    let form = d.console_form("GET", GROUPS).await.unwrap();
    let field = form.params.iter().find(|p| p.name == "accountId").unwrap();
    assert_eq!(
        (field.value.as_str(), field.from_session),
        (account.as_str(), true)
    );
    assert_eq!(d.console_search("agent groups")[0].path, GROUPS);

    let answer = d.console_send(request("get", GROUPS)).await.unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.kind, crate::console::AnswerKind::Json);
    assert_eq!(
        answer.path,
        format!("/voice/api/v1/admin/accounts/{account}/agentGroups")
    );
    assert_eq!(w.fake.count("GET", &answer.path), 1);
    // Error statuses come back as answers, to be shown.
    let answer = d
        .console_send(request(
            "GET",
            "/voice/api/v1/admin/accounts/{accountId}/nothingHere",
        ))
        .await
        .unwrap();
    assert_eq!(answer.status, 404);
}

#[tokio::test]
async fn the_console_sends_a_change_only_once_confirmed() {
    let w = world().await;
    let d = w.signed_in().await;
    let path = "/voice/api/v1/admin/accounts/{accountId}/agentGroups/{agentGroupId}";
    let mut r = request("PUT", path);
    r.values.insert("agentGroupId".into(), "7".into());
    r.body = r#"{"groupName":"x"}"#.into();
    let e = d.console_send(r.clone()).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::NeedsConfirmation);
    assert_eq!(w.fake.count("PUT", "/voice/api/"), 0);
    let mut bad = r.clone();
    bad.confirmed = true;
    bad.body = "{not json".into();
    assert_eq!(
        d.console_send(bad).await.unwrap_err().code(),
        ErrorCode::InvalidBody
    );
    r.confirmed = true;
    d.console_send(r).await.unwrap();
    assert_eq!(w.fake.count("PUT", "/voice/api/"), 1);
}

#[tokio::test]
async fn the_console_refuses_paths_outside_the_api_and_missing_ids() {
    let w = world().await;
    let d = w.signed_in().await;
    w.fake.clear_requests();
    for path in ["/api/auth/login", "/voice/api/%2e%2e/%2e%2e/api/auth/login"] {
        let e = d.console_send(request("GET", path)).await.unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidApiPath, "{path}");
    }
    let e = d
        .console_send(request(
            "GET",
            "/voice/api/v1/admin/accounts/{accountId}/agentGroups/{agentGroupId}",
        ))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::MissingPathParam);
    assert!(w.fake.requests().is_empty(), "{:?}", w.fake.requests());
}

#[tokio::test]
async fn the_console_waits_out_a_429_and_then_shows_the_answer() {
    let w = world().await;
    let d = w.signed_in().await;
    w.fake.fault(
        Fault::new(
            "/voice/api/v1/admin/accounts/",
            FaultKind::RateLimited {
                retry_after: Some(1),
            },
        )
        .with_times(1),
    );
    let mut waits = d.subscribe_console_waits();
    let sending = d.console_send(request("GET", GROUPS));
    let watching = async {
        // The wait is published while it lasts, then cleared.
        waits.wait_for(|w| w.is_some()).await.unwrap();
        let wait = waits.borrow().clone().unwrap();
        waits.wait_for(|w| w.is_none()).await.unwrap();
        wait
    };
    let (answer, wait) = tokio::time::timeout(Duration::from_secs(60), async {
        tokio::join!(sending, watching)
    })
    .await
    .unwrap();
    let answer = answer.unwrap();
    assert_eq!(answer.status, 200);
    assert!(answer.waited_secs >= 1, "{answer:?}");
    assert_eq!(wait.operation, format!("GET {GROUPS}"));
    assert!(wait.reason.contains("429"), "{wait:?}");
}

#[tokio::test]
async fn copy_as_curl_names_the_host_and_path_and_no_token() {
    let w = world().await;
    let d = w.signed_in().await;
    let mut r = request("GET", GROUPS);
    r.query.push(("maxRows".into(), "5".into()));
    let curl = d.console_curl(&r).await.unwrap();
    let account = d.console_ids().await.account_id.unwrap();
    assert!(
        curl.contains(&format!(
            "{}/voice/api/v1/admin/accounts/{account}/agentGroups?maxRows=5",
            w.fake.url()
        )),
        "{curl}"
    );
    assert!(curl.contains("$RINGCX_TOKEN"));
    for token in w.fake.issued_tokens() {
        assert!(!curl.contains(&token), "a token in {curl}");
    }
}

#[tokio::test]
async fn the_console_history_keeps_requests_per_profile_across_desks() {
    let w = world().await;
    let d = w.signed_in().await;
    let mut r = request("GET", GROUPS);
    r.query.push(("maxRows".into(), "5".into()));
    d.console_send(r).await.unwrap();
    // A refused request is not history.
    let _ = d.console_send(request("GET", "/api/auth/login")).await;
    let list = d.console_history("");
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].path.as_str(), list[0].status), (GROUPS, 200));
    d.console_name(list[0].id, Some("groups".into())).unwrap();
    drop(d);
    let again = w.desk();
    let list = again.console_history("groups");
    assert_eq!(list[0].query, [("maxRows".to_string(), "5".to_string())]);
    assert_eq!(list[0].name.as_deref(), Some("groups"));
    again.switch_profile("Sandbox").await.unwrap();
    assert!(again.console_history("").is_empty());
}

#[tokio::test]
async fn pickers_list_the_ids_a_form_needs() {
    let w = world().await;
    let d = w.signed_in().await;
    let form = d
        .console_form(
            "GET",
            "/voice/api/v1/admin/accounts/{accountId}/dialGroups/{dialGroupId}/campaigns",
        )
        .await
        .unwrap();
    assert!(
        form.params
            .iter()
            .find(|p| p.name == "dialGroupId")
            .unwrap()
            .picker
    );
    assert!(
        !form
            .params
            .iter()
            .find(|p| p.name == "accountId")
            .unwrap()
            .picker
    );
    let groups = d
        .console_choices("agentGroupId", &Default::default())
        .await
        .unwrap();
    assert_eq!(groups[0].label, "Platform Team");
    let dial = d
        .console_choices("dialGroupId", &Default::default())
        .await
        .unwrap();
    assert_eq!(dial.len(), 2);
    // A picker that depends on another id takes it from the form.
    let values = [("dialGroupId".to_string(), dial[1].value.clone())].into();
    let campaigns = d.console_choices("campaignId", &values).await.unwrap();
    assert!(
        campaigns.iter().all(|c| c.label.starts_with("Renewals")),
        "{campaigns:?}"
    );
    let e = d
        .console_choices("campaignId", &Default::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::MissingPathParam);
    let gates = d
        .console_choices("gateGroupId", &Default::default())
        .await
        .unwrap();
    assert_eq!(gates.len(), 3);
}

#[tokio::test]
async fn a_credential_answer_never_leaves_rust() {
    let w = world().await;
    let d = w.signed_in().await;
    let mut create = request("POST", "/voice/api/v1/admin/token");
    create.confirmed = true;
    let made = d.console_send(create).await.unwrap();
    let listed = d
        .console_send(request("GET", "/voice/api/v1/admin/token"))
        .await
        .unwrap();
    for answer in [&made, &listed] {
        assert_eq!(
            (answer.status, answer.kind),
            (200, crate::console::AnswerKind::Withheld)
        );
        for token in w.fake.issued_tokens() {
            assert!(!answer.text.contains(&token), "{answer:?}");
            assert!(!format!("{answer:?}").contains(&token));
        }
    }
    assert!(made.size > 0);
    // Nothing of it is written out by the command line's path either.
    let mut out = Vec::new();
    assert_eq!(d.console_write(&mut out).unwrap(), 0);
    assert!(out.is_empty());
    // Nothing of it is paged to the window either.
    let page = d.console_lines(&crate::console::LinesAsk {
        filter: String::new(),
        start: 0,
        count: 100,
    });
    assert_eq!(page.total, 0);
    // It leaves Rust only when the user asks: the clipboard (after the
    // shell's native confirmation) or a file they chose.
    let listed_body = d.console_secret().unwrap();
    assert!(w
        .fake
        .issued_tokens()
        .iter()
        .any(|t| listed_body.expose_secret().contains(t.as_str())));
    assert!(!format!("{listed_body:?}").contains("token"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token.json");
    assert_eq!(d.console_save(&file).await.unwrap(), listed.size);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        listed_body.expose_secret()
    );
    // An answer that is no credential replaces it.
    d.console_send(request("GET", "/voice/api/v1/admin/accounts"))
        .await
        .unwrap();
    assert_eq!(
        d.console_secret().unwrap_err().code(),
        ErrorCode::NothingToCopy
    );
    assert!(d.console_save_name().is_some());
    // Signing out drops whatever the session answered, a credential too.
    let mut create = request("POST", "/voice/api/v1/admin/token");
    create.confirmed = true;
    d.console_send(create).await.unwrap();
    assert!(d.console_secret().is_ok());
    d.sign_out().await;
    assert_eq!(
        d.console_secret().unwrap_err().code(),
        ErrorCode::NothingToCopy
    );
    assert_eq!(d.console_save_name(), None);
    assert_eq!(
        d.console_lines(&crate::console::LinesAsk {
            filter: String::new(),
            start: 0,
            count: 10
        })
        .total,
        0
    );
}

/// The last JSON answer as the window pages it, as one text.
fn shown(d: &Desk) -> String {
    let page = d.console_lines(&crate::console::LinesAsk {
        filter: String::new(),
        start: 0,
        count: crate::console::json_view::PAGE_LIMIT,
    });
    page.rows
        .iter()
        .map(|r| r.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn an_upload_is_a_real_multipart_body_with_the_files_bytes() {
    let w = world().await;
    let d = w.signed_in().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("leads.csv");
    let bytes = b"leadPhone,firstName\n+16505550100,Ana\n".to_vec();
    std::fs::write(&file, &bytes).unwrap();
    let path = "/voice/api/v1/admin/accounts/{accountId}/campaigns/{campaignId}/leadLoader/preview";
    let mut r = request("POST", path);
    r.values.insert("campaignId".into(), "102000".into());
    r.confirmed = true;
    assert_eq!(
        d.console_send(r.clone()).await.unwrap_err().code(),
        ErrorCode::NoFileChosen
    );
    r.file = file.display().to_string();
    // A path the window names is read only once the user picked or
    // confirmed that file: nothing is sent before.
    assert_eq!(
        d.console_unconfirmed_file(&r),
        Some(file.canonicalize().unwrap())
    );
    let e = d.console_send(r.clone()).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::FileNotConfirmed);
    assert!(w
        .fake
        .requests()
        .iter()
        .all(|q| !q.path.ends_with("/preview")));
    let missing = format!("{}/nothing-here.csv", dir.path().display());
    r.file = missing;
    assert_eq!(d.console_unconfirmed_file(&r), None);
    let e = d.console_send(r.clone()).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::FileUnreadable);
    d.console_allow_file(&file);
    // The same file by another spelling is the same file.
    r.file = format!("{}/./sub/../leads.csv", dir.path().display());
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    assert_eq!(d.console_unconfirmed_file(&r), None);
    let answer = d.console_send(r).await.unwrap();
    assert_eq!(answer.status, 200, "{}", answer.text);
    let sent: serde_json::Value = serde_json::from_str(&shown(&d)).unwrap();
    let mut out = Vec::new();
    d.console_write(&mut out).unwrap();
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&out).unwrap(),
        sent
    );
    assert_eq!(sent["fileName"], "leads.csv");
    assert_eq!(sent["size"], bytes.len());
    assert_eq!(sent["sha256"], fake_ringcx::sha256_hex(&bytes));
    assert!(sent["transactionId"].is_string());
    let logged = w
        .fake
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.path.ends_with("/leadLoader/preview"))
        .unwrap();
    assert!(logged
        .header("content-type")
        .unwrap()
        .starts_with("multipart/form-data; boundary="));
}

#[tokio::test]
async fn a_binary_answer_is_saved_with_the_servers_name_and_exact_bytes() {
    let w = world().await;
    let d = w.signed_in().await;
    assert_eq!(
        d.console_save(std::path::Path::new("/nonexistent/x"))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NothingToSave
    );
    let path = "/voice/api/cx/integration/v1/accounts/{rcAccountId}/sub-accounts/{subAccountId}/recordings/dialogs/{dialogId}/segments/{segmentId}";
    let mut r = request("GET", path);
    r.values.insert("dialogId".into(), "7".into());
    r.values.insert("segmentId".into(), "1".into());
    let answer = d.console_send(r).await.unwrap();
    assert_eq!(
        (answer.status, answer.kind),
        (200, crate::console::AnswerKind::Binary)
    );
    assert_eq!(
        d.console_save_name().as_deref(),
        Some("dialog-7-segment-1.wav")
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("saved.wav");
    let written = d.console_save(&file).await.unwrap();
    let wav = fake_ringcx::recording_wav("7", "1");
    assert_eq!(written, wav.len());
    assert_eq!(std::fs::read(&file).unwrap(), wav);
    // A credential's answer replaces it, kept apart (never paged to the
    // window), saved only to a file the user chooses.
    let mut create = request("POST", "/voice/api/v1/admin/token");
    create.confirmed = true;
    d.console_send(create).await.unwrap();
    assert_eq!(d.console_save_name().as_deref(), Some("token.txt"));
    assert!(d.console_secret().is_ok());
}

#[tokio::test]
async fn a_url_to_another_host_never_gets_the_token() {
    let w = world().await;
    let d = w.signed_in().await;
    let elsewhere = FakeServer::start(0).await.unwrap();
    w.fake.clear_requests();
    // What an old report's recording URL looks like, and the same host
    // spelled as a path: neither is a path on the signed-in RingCX host.
    for path in [
        format!("{}/voice/api/v1/admin/accounts", elsewhere.url()),
        "https://c02-recordings.virtualacd.biz/recordings/1.wav".to_string(),
        format!("//{}/voice/api/v1/admin/accounts", elsewhere.addr()),
    ] {
        let e = d.console_send(request("GET", &path)).await.unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidApiPath, "{path}");
        assert!(
            d.console_curl(&request("GET", &path)).await.is_err(),
            "{path}"
        );
    }
    assert!(elsewhere.requests().is_empty());
    assert!(w.fake.requests().is_empty());
}

#[tokio::test]
async fn a_20_mb_answer_is_paged_filtered_folded_and_saved_whole() {
    use crate::console::{Fold, FoldAsk, LinesAsk};
    let w = world_with(Config {
        users: 40_000,
        ..Config::default()
    })
    .await;
    let d = w.signed_in().await;
    // Nothing to page before any answer.
    let ask = |filter: &str, start, count| LinesAsk {
        filter: filter.into(),
        start,
        count,
    };
    assert_eq!(d.console_lines(&ask("", 0, 10)).total, 0);
    let answer = d
        .console_send(request("GET", "/voice/api/v1/admin/users"))
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    assert!(answer.size > 16_000_000, "{} bytes", answer.size);
    // The window gets no text, only the count of lines it pages through.
    assert_eq!(answer.kind, crate::console::AnswerKind::Json);
    assert!(answer.text.is_empty() && !answer.truncated);
    assert!(answer.lines > 40_000 * 10, "{} lines", answer.lines);
    let page = d.console_lines(&ask("", answer.lines - 2, 50));
    assert_eq!((page.total, page.rows.len()), (answer.lines, 2));
    assert_eq!(page.rows[1].text, "]");
    let page = d.console_lines(&ask("", 0, 2));
    assert_eq!(
        (page.rows[0].text.as_str(), page.rows[1].fold),
        ("[", Fold::Open)
    );
    d.console_fold(&FoldAsk {
        line: 0,
        folded: true,
    });
    let page = d.console_lines(&ask("", 0, 10));
    assert_eq!((page.total, page.rows[0].text.as_str()), (1, "[…]"));
    // A filter finds the last user, and says where it sits.
    let page = d.console_lines(&ask("\"userId\":40000,", 0, 10));
    assert_eq!(page.total, 1, "{page:?}");
    assert_eq!(page.rows[0].text, "\"userId\": 40000,");
    assert!(page.rows[0].path.ends_with("].userId"), "{page:?}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.json");
    assert_eq!(d.console_save(&file).await.unwrap(), answer.size);
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert!(saved.as_array().is_some_and(|a| !a.is_empty()));
}

#[tokio::test]
async fn active_calls_a_text_answer_and_the_lead_loader_steps() {
    use crate::console::AnswerKind;
    let w = world().await;
    let d = w.signed_in().await;
    let calls = d
        .console_send(request(
            "GET",
            "/voice/api/v1/admin/accounts/{accountId}/activeCalls/list",
        ))
        .await
        .unwrap();
    assert_eq!((calls.status, calls.kind), (200, AnswerKind::Json));
    let listed: Vec<serde_json::Value> = serde_json::from_str(&shown(&d)).unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[1]["uii"], fake_ringcx::active_call_uii(1));
    // text/plain is shown as text, even when it would parse as JSON.
    let mut hangup = request(
        "POST",
        "/voice/api/v1/admin/accounts/{accountId}/activeCalls/{uii}/hangupCall",
    );
    hangup
        .values
        .insert("uii".into(), fake_ringcx::active_call_uii(1));
    hangup.confirmed = true;
    let a = d.console_send(hangup).await.unwrap();
    assert_eq!(
        (a.status, a.kind, a.text.as_str()),
        (200, AnswerKind::Text, "true")
    );
    assert_eq!(shown(&d), "");
    // The process step takes the preview's transactionId; 202, no body.
    let path = "/voice/api/v1/admin/accounts/{accountId}/campaigns/{campaignId}/leadLoader/process";
    let mut process = request("POST", path);
    process.values.insert("campaignId".into(), "102000".into());
    process.confirmed = true;
    process.body = r#"{"transactionId": "tx-0123456789ab", "fileType": "COMMA"}"#.into();
    let a = d.console_send(process.clone()).await.unwrap();
    assert_eq!((a.status, a.kind), (202, AnswerKind::Empty));
    process.body = r#"{"fileType": "COMMA"}"#.into();
    let a = d.console_send(process).await.unwrap();
    assert_eq!(a.status, 400);
}

#[tokio::test]
async fn an_answer_longer_than_memory_goes_to_a_file_and_is_saved_whole() {
    use crate::console::AnswerKind;
    let w = world_with(Config {
        users: 40_000,
        ..Config::default()
    })
    .await;
    let d = w.signed_in().await;
    // 1 MB instead of 64, so 20 MB are enough to go past it.
    d.set_console_memory(1_000_000);
    let answer = d
        .console_send(request("GET", "/voice/api/v1/admin/users"))
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    assert!(answer.size > 16_000_000, "{} bytes", answer.size);
    // Its start is shown as text; it is not indexed from a part.
    assert_eq!((answer.kind, answer.lines), (AnswerKind::Text, 0));
    assert!(answer.truncated && answer.text.len() <= crate::console::answer::SHOWN_LIMIT);
    assert!(answer.text.starts_with("[{"));
    let spilled: Vec<_> = std::fs::read_dir(d.spill_dir()).unwrap().collect();
    assert_eq!(spilled.len(), 1, "one answer waiting on disk");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.json");
    assert_eq!(d.console_save(&file).await.unwrap(), answer.size);
    let saved = std::fs::read(&file).unwrap();
    let users: Vec<serde_json::Value> = serde_json::from_slice(&saved).unwrap();
    assert!(!users.is_empty());
    // The command line writes it to its output the same, whole.
    let mut out = Vec::new();
    assert_eq!(d.console_write(&mut out).unwrap(), saved.len() as u64);
    assert!(out == saved);
    // The next answer replaces it, and its file goes.
    d.console_send(request("GET", "/voice/api/v1/admin/accounts"))
        .await
        .unwrap();
    assert_eq!(std::fs::read_dir(d.spill_dir()).unwrap().count(), 0);
}

#[test]
fn the_app_and_the_command_line_open_the_same_folders() {
    let c = DeskConfig::for_app("com.example.Test");
    assert_eq!(c.service, "com.example.Test");
    for dir in [c.config_dir.unwrap(), c.data_dir.unwrap()] {
        assert!(dir.ends_with("com.example.Test"), "{}", dir.display());
    }
    assert!(matches!(c.keychain, Keychain::Platform));
}

#[tokio::test]
async fn a_token_for_a_script_has_the_life_it_asks_for() {
    let w = world_with(Config {
        ringcx_access_ttl: Duration::from_secs(30),
        ..Config::default()
    })
    .await;
    let d = w.signed_in().await;
    let first = d
        .access_token_lasting(Duration::from_secs(5))
        .await
        .unwrap();
    let again = d
        .access_token_lasting(Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(first.expose_secret(), again.expose_secret());
    // Less than a minute left of a 30 s token: renewed before it is given.
    let renewed = d
        .access_token_lasting(Duration::from_secs(60))
        .await
        .unwrap();
    assert_ne!(first.expose_secret(), renewed.expose_secret());
    assert!(w
        .fake
        .issued_tokens()
        .contains(&renewed.expose_secret().to_string()));
    d.sign_out().await;
    assert_eq!(
        d.access_token_lasting(Duration::from_secs(60))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotSignedIn
    );
}

#[tokio::test]
async fn a_pinned_profile_is_for_this_run_only() {
    let w = world().await;
    let d = w.desk();
    d.update_settings(|s| s.current = "Work".into());
    // `engage --profile Offline auth login --rc-server …`: the profile's
    // servers are saved, the file's current profile stays.
    d.pin_profile("Offline", ProfileSettings::default());
    d.update_settings(|s| {
        s.profiles.entry("Offline".into()).or_default().client_id = "x".into();
    });
    assert_eq!(d.current_profile(), "Offline");
    let again = w.desk();
    assert_eq!(again.current_profile(), "Work");
    assert_eq!(again.settings().profiles["Offline"].client_id, "x");
    // Choosing a profile on purpose ends the pin.
    d.update_settings(|s| s.current = "Home".into());
    assert_eq!(w.desk().current_profile(), "Home");
}

#[tokio::test]
async fn a_profile_made_by_another_process_is_kept_and_listed() {
    let w = world().await;
    let app = w.desk();
    let cli = w.desk();
    // `engage --profile Night auth login --client-id …` while the app runs.
    cli.pin_profile("Night", ProfileSettings::default());
    cli.update_settings(|s| {
        s.profiles.entry("Night".into()).or_default().client_id = "night-id".into();
    });
    // The app lists it, and its own next write keeps it.
    assert!(app.profiles().names.iter().any(|n| n == "Night"));
    app.update_settings(|s| {
        s.profiles.entry("default".into()).or_default().agent_id = Some(7);
    });
    let fresh = w.desk();
    assert_eq!(fresh.settings().profiles["Night"].client_id, "night-id");
    assert_eq!(fresh.settings().profiles["default"].agent_id, Some(7));
    assert_eq!(fresh.current_profile(), app.current_profile());
}
