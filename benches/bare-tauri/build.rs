// The floor's own commands, under the ACL like the app's: each one gets an
// `allow-<name>` permission, and capabilities/ grants them to the window.
const COMMANDS: &[&str] = &["bench_config", "first_rows"];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
