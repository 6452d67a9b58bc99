//! Named profiles: each keeps its own servers, client id, port, agent and
//! keychain entries, so a production and a sandbox login live side by side.

use tauri::State;

use crate::error::CommandError;
use crate::settings::ProfileSettings;
use crate::state::AppState;

pub const MAX_NAME: usize = 40;

/// A profile name as typed: trimmed, 1 to 40 letters, digits, spaces, `-`,
/// `_` or `.`. Names key keychain entries, so nothing else is let in.
pub fn validate_name(raw: &str) -> Result<String, CommandError> {
    let name = raw.trim();
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_NAME
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'));
    if ok {
        Ok(name.to_string())
    } else {
        Err(CommandError {
            code: "invalid_profile_name",
            message: format!(
                "Name the profile with 1 to {MAX_NAME} letters, digits, spaces, dots, dashes or underscores."
            ),
        })
    }
}

/// The profile names, sorted, and which one is current.
#[derive(Debug, serde::Serialize)]
pub struct Profiles {
    pub names: Vec<String>,
    pub current: String,
}

pub fn list(state: &AppState) -> Profiles {
    let file = state.settings.lock().unwrap_or_else(|p| p.into_inner());
    let mut names: Vec<String> = file.settings.profiles.keys().cloned().collect();
    if !names.contains(&file.settings.current) {
        names.push(file.settings.current.clone());
        names.sort();
    }
    Profiles {
        names,
        current: file.settings.current.clone(),
    }
}

/// Makes another profile current, creating it if it is new, and returns its
/// settings for the form. Only while signed out and no browser sign-in is
/// waiting: a session belongs to the profile it was started in.
#[tauri::command]
pub async fn switch_profile(
    state: State<'_, AppState>,
    name: String,
) -> Result<ProfileSettings, CommandError> {
    let name = validate_name(&name)?;
    let signed_in = state
        .session
        .read()
        .await
        .as_ref()
        .is_some_and(|s| s.status().signed_in);
    if signed_in {
        return Err(CommandError {
            code: "signed_in",
            message: "Sign out before you switch profiles.".into(),
        });
    }
    if state
        .pending
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .is_some()
    {
        return Err(CommandError {
            code: "sign_in_in_progress",
            message: "Finish or cancel the sign-in in your browser before you switch profiles."
                .into(),
        });
    }
    let mut chosen = ProfileSettings::default();
    state.update_settings(|s| {
        chosen = s.profiles.entry(name.clone()).or_default().clone();
        s.current = name;
    });
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert_eq!(validate_name("  Sandbox EU ").unwrap(), "Sandbox EU");
        assert_eq!(validate_name("prod_2.x-b").unwrap(), "prod_2.x-b");
        assert_eq!(validate_name("Zoë").unwrap(), "Zoë");
        for bad in ["", "   ", "a/b", "x:y", &"n".repeat(41), "tab\there"] {
            let e = validate_name(bad).unwrap_err();
            assert_eq!(e.code, "invalid_profile_name", "{bad:?}");
        }
    }
}
