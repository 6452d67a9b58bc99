//! Commands driven through Tauri's IPC on the mock runtime: no window, no
//! display, but the same handler, argument parsing, serialization, and the
//! app's real config and capabilities (so the ACL is exercised too).

use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindowBuilder;

type Window = tauri::WebviewWindow<tauri::test::MockRuntime>;

fn window() -> (tauri::App<tauri::test::MockRuntime>, Window) {
    // No keychain and no files: these commands need neither.
    let desk = engage::Desk::open(engage::DeskConfig {
        service: "com.engagedesk.test".into(),
        config_dir: None,
        data_dir: None,
        keychain: engage::Keychain::Unavailable,
    });
    let app = engage_desk::app_builder(mock_builder(), desk)
        .build(tauri::generate_context!())
        .expect("mock app builds");
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("mock window builds");
    (app, webview)
}

fn invoke(cmd: &str, body: serde_json::Value) -> Result<serde_json::Value, serde_json::Value> {
    let (_app, webview) = window();
    invoke_on(&webview, cmd, body)
}

fn invoke_on(
    webview: &Window,
    cmd: &str,
    body: serde_json::Value,
) -> Result<serde_json::Value, serde_json::Value> {
    get_ipc_response(
        webview,
        InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: tauri::ipc::InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|r| r.deserialize::<serde_json::Value>().unwrap())
}

#[test]
fn start_up_answers_all_the_window_starts_from_at_once() {
    let begun = invoke("start_up", serde_json::json!({})).unwrap();
    let info = &begun["info"];
    assert_eq!(info["name"], "Engage Desk");
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(begun["session"]["version"], 0);
    assert_eq!(begun["session"]["value"]["signedIn"], false);
    assert_eq!(begun["update"]["version"], 0);
    assert!(begun["update"]["value"].is_null());
    assert_eq!(begun["updatePrefs"]["checkOnStart"], false);
    assert_eq!(
        begun["redirectUri"],
        format!("http://localhost:{}/callback", info["defaultPort"])
    );
    // The launch restore (no keychain here) comes with the answer when it
    // has finished, else the window asks `restore_session`: either way it
    // is no error, and no second restore is under way after it.
    assert!(begun["restoreError"].is_null(), "{begun}");
    if !begun["restored"].is_null() {
        assert_eq!(
            begun["restored"]["storageError"]["code"],
            "keychain_unavailable"
        );
    }
}

#[test]
fn redirect_uri_round_trips_through_ipc() {
    let uri = invoke("redirect_uri", serde_json::json!({ "port": 53682 })).unwrap();
    assert_eq!(uri, "http://localhost:53682/callback");
}

#[test]
fn redirect_uri_error_is_code_and_message_only() {
    let err = invoke("redirect_uri", serde_json::json!({ "port": 80 })).unwrap_err();
    assert_eq!(err["code"], "invalid_port");
    assert!(err["message"].as_str().unwrap().contains("1024 to 65535"));
    assert_eq!(err.as_object().unwrap().len(), 2, "{err}");
}

#[test]
fn a_new_profile_becomes_current_and_is_listed() {
    let (_app, w) = window();
    let info = invoke_on(&w, "start_up", serde_json::json!({})).unwrap()["info"].clone();
    assert_eq!(info["profiles"]["current"], "default");
    let p = invoke_on(
        &w,
        "switch_profile",
        serde_json::json!({ "name": " Sandbox " }),
    )
    .unwrap();
    assert_eq!(p["rcServer"], "https://platform.ringcentral.com");
    let info = invoke_on(&w, "start_up", serde_json::json!({})).unwrap()["info"].clone();
    assert_eq!(info["profiles"]["current"], "Sandbox");
    assert!(info["profiles"]["names"]
        .as_array()
        .unwrap()
        .contains(&"Sandbox".into()));
    let err = invoke_on(&w, "switch_profile", serde_json::json!({ "name": "a/b" })).unwrap_err();
    assert_eq!(err["code"], "invalid_profile_name");
}

#[test]
fn the_user_list_needs_a_signed_in_session() {
    let (_app, w) = window();
    let err = invoke_on(
        &w,
        "users_page",
        serde_json::json!({ "query": { "text": "x" } }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "not_signed_in");
    let err = invoke_on(&w, "user_details", serde_json::json!({ "userId": 1 })).unwrap_err();
    assert_eq!(err["code"], "not_signed_in");
    let err = invoke_on(&w, "users_load", serde_json::json!({ "activeOnly": true })).unwrap_err();
    assert_eq!(err["code"], "not_signed_in");
    let err = invoke_on(&w, "users_settled", serde_json::json!({})).unwrap_err();
    assert_eq!(err["code"], "not_signed_in");
}

#[test]
fn the_raw_api_command_is_not_there_for_the_page() {
    let err = invoke(
        "call_api",
        serde_json::json!({ "method": "GET", "path": "/voice/api/%2e%2e/%2e%2e/api/auth/login" }),
    )
    .unwrap_err();
    assert!(!err.to_string().contains("accessToken"), "{err}");
}

#[test]
fn a_status_with_no_session_is_signed_out_in_camel_case() {
    let status = invoke("session", serde_json::json!({})).unwrap();
    assert_eq!(status["signedIn"], false);
    assert!(status.get("signed_in").is_none());
    let err = invoke("restore_session", serde_json::json!({}));
    // No keychain: a storage note, not an error and not a sign-in reason.
    let status = err.unwrap();
    assert_eq!(status["storageError"]["code"], "keychain_unavailable");
    assert!(status["reason"].is_null());
}

#[test]
fn the_window_follows_changes_with_long_polls() {
    let (_app, w) = window();
    let start = invoke_on(&w, "session_changes", serde_json::json!({})).unwrap();
    assert_eq!(start["version"], 0);
    assert_eq!(start["value"]["signedIn"], false);
    for cmd in ["console_wait_changes", "update_changes"] {
        let now = invoke_on(&w, cmd, serde_json::json!({})).unwrap();
        assert_eq!(
            now,
            serde_json::json!({ "version": 0, "value": null }),
            "{cmd}"
        );
    }
    // A change made after the window's version is its next answer: it
    // waits for the desk's change to be forwarded, if it has not been yet.
    invoke_on(&w, "switch_profile", serde_json::json!({ "name": "Other" })).unwrap();
    // On a thread, so a poll never answered fails the test instead of hanging it.
    let (tx, rx) = std::sync::mpsc::channel();
    let poller = w.clone();
    std::thread::spawn(move || {
        let _ = tx.send(invoke_on(
            &poller,
            "session_changes",
            serde_json::json!({ "seen": 0 }),
        ));
    });
    let next = rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the poll is answered once the change is forwarded")
        .unwrap();
    assert_eq!(next["version"], 1);
    assert_eq!(next["value"]["signedIn"], false);
    let err = invoke_on(&w, "session_changes", serde_json::json!({ "seen": "x" })).unwrap_err();
    assert!(err.to_string().contains("seen"), "{err}");
}
