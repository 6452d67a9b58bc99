//! The real `engage` binary where no keychain or server is needed: usage
//! errors, a machine with no session, `--version`, completions. (Cargo
//! builds the binary for these tests; the e2e suite runs it against the
//! fake with a real keychain.)

use std::process::{Command, Output};

fn engage(args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_engage"))
        .args(args)
        .env_clear()
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .unwrap();
    drop(home);
    out
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["api"][..],
        &["api", "/x", "-f", "novalue"][..],
        &["bogus"][..],
        &["users", "--format", "xml"][..],
    ] {
        let out = engage(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn without_a_session_commands_exit_3_and_say_what_to_do() {
    for args in [
        &["auth", "token"][..],
        &["users"][..],
        &["api", "/voice/api/v1/admin/accounts"][..],
        &["auth", "status"][..],
    ] {
        let out = engage(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {err}");
        assert!(err.contains("engage auth login"), "{args:?}: {err}");
    }
}

#[test]
fn version_ops_and_completions_need_no_session() {
    let out = engage(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("engage {}", env!("CARGO_PKG_VERSION"))
    );
    let out = engage(&["ops", "leadSearch"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("POST   /voice/api/v1/admin/accounts/{accountId}/campaignLeads/leadSearch"));
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = engage(&["completion", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("engage"),
            "{shell}"
        );
    }
}
