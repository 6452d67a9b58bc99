// The app's own commands go under the ACL: each one gets an `allow-<name>`
// permission, and capabilities/ grants only those the UI calls. Keep in step
// with `generate_handler!` in src/lib.rs (tests/contract.rs checks).
const COMMANDS: &[&str] = &[
    "start_up",
    "redirect_uri",
    "sign_in_browser",
    "cancel_sign_in",
    "sign_in_jwt",
    "sign_in_token",
    "session",
    "select_agent",
    "sign_out",
    "restore_session",
    "forget_profile",
    "copy_token",
    "switch_profile",
    "users_load",
    "users_page",
    "users_settled",
    "user_details",
    "copy_user_json",
    "copy_redirect_uri",
    "set_update_check",
    "check_update",
    "install_update",
    "console_search",
    "console_form",
    "console_send",
    "console_copy_curl",
    "console_history",
    "console_name",
    "console_choices",
    "console_choose_file",
    "console_save",
    "console_lines",
    "console_fold",
    "console_copy_secret",
    "session_changes",
    "console_wait_changes",
    "update_changes",
];

fn main() {
    bundle_ui();
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}

/// The window's files, made from ui/ by scripts/bundle-ui.mjs (which says
/// why one module): before tauri-build, which embeds them. Again when what
/// the page is made of changes (not the UI's tests or wire.d.ts), when
/// esbuild does, or when the made files are gone (a clean of gen/).
fn bundle_ui() {
    for path in [
        "../scripts/bundle-ui.mjs",
        "../package-lock.json",
        "../ui/views",
        "gen/ui/index.html",
    ] {
        println!("cargo:rerun-if-changed={path}");
    }
    let ui = std::fs::read_dir("../ui").expect("ui/ is there");
    for entry in ui.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_file() && name != "wire.d.ts" {
            println!("cargo:rerun-if-changed=../ui/{name}");
        }
    }
    let ran = std::process::Command::new("node")
        .arg("../scripts/bundle-ui.mjs")
        .status();
    match ran {
        Ok(status) if status.success() => {}
        Ok(status) => panic!("scripts/bundle-ui.mjs failed ({status}): its message is above"),
        Err(e) => panic!(
            "the window's files are made with Node.js and esbuild, which `make deps` installs ({e})"
        ),
    }
}
