//! The main window, opened by the app's setup rather than from the config,
//! so that its first script carries what the page starts from
//! (`StartUp`). Asked for over IPC instead, the answer reached the page
//! only after WebKit's first layout and paint, which kept the sign-in form
//! about 20 ms from ready (docs/BENCHMARKS.md, P1).

use tauri::{AppHandle, Runtime, WebviewWindowBuilder};

use crate::commands::session::StartUp;

/// The window's label in tauri.conf.json (where `create` is false).
pub const LABEL: &str = "main";

/// Opens the main window as tauri.conf.json describes it.
pub fn open<R: Runtime>(app: &AppHandle<R>, start: &StartUp) -> tauri::Result<()> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == LABEL)
        .cloned()
        .unwrap_or_default();
    WebviewWindowBuilder::from_config(app, &config)?
        .initialization_script(first_script(start))
        .build()?;
    Ok(())
}

/// The script that hands `start` to the page: JSON is a JavaScript
/// expression. It holds no secret: the same answer `start_up` gives.
fn first_script(start: &StartUp) -> String {
    let json = serde_json::to_string(start).unwrap_or_else(|_| "null".into());
    format!("window.__ENGAGE_START__ = {json};")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_script_sets_the_start_up_answer_as_json() {
        let start = crate::commands::session::tests::begun(0, None);
        let script = first_script(&start);
        let json = script
            .strip_prefix("window.__ENGAGE_START__ = ")
            .and_then(|s| s.strip_suffix(';'))
            .expect("one assignment");
        let parsed: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(parsed, serde_json::to_value(&start).unwrap());
        assert_eq!(parsed["info"]["name"], "Engage Desk");
    }

    #[test]
    fn the_config_describes_the_window_and_leaves_its_opening_to_setup() {
        let config: serde_json::Value =
            serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
        let windows = config["app"]["windows"].as_array().unwrap();
        let main: Vec<_> = windows.iter().filter(|w| w["label"] == LABEL).collect();
        assert_eq!(main.len(), 1, "{windows:?}");
        // Created from the config, it would open without the first script.
        assert_eq!(main[0]["create"], false);
    }
}
