//! The non-secret settings file: profiles (server pair, client id, port,
//! chosen agent), which one is current, and the update preference. Secrets
//! never go here. The app and the command line share it.
//!
//! A file that does not parse, or has a version this build does not know, is
//! moved aside (never silently dropped) and reported.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Error;

pub const FILE_NAME: &str = "settings.json";
const VERSION: u32 = 1;

/// One profile's saved form: where it signs in, with which app, on which
/// redirect port, and the agent last chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ProfileSettings {
    pub rc_server: String,
    pub ringcx_server: String,
    pub client_id: String,
    pub port: u16,
    #[serde(default)]
    #[ts(type = "number | null")]
    pub agent_id: Option<i64>,
}

impl Default for ProfileSettings {
    fn default() -> Self {
        let p = crate::hosts::PRESETS[0];
        ProfileSettings {
            rc_server: p.rc.into(),
            ringcx_server: p.ringcx.into(),
            client_id: String::new(),
            port: crate::redirect::DEFAULT_PORT,
            agent_id: None,
        }
    }
}

/// Update checks: off until the user turns them on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UpdateSettings {
    pub check_on_start: bool,
    /// An update endpoint of the user's own (a mirror), instead of the
    /// release config's.
    pub endpoint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub version: u32,
    pub current: String,
    pub profiles: BTreeMap<String, ProfileSettings>,
    #[serde(default)]
    pub updates: UpdateSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            version: VERSION,
            current: "default".into(),
            profiles: BTreeMap::new(),
            updates: UpdateSettings::default(),
        }
    }
}

impl Settings {
    pub fn current_profile(&self) -> ProfileSettings {
        self.profiles
            .get(&self.current)
            .cloned()
            .unwrap_or_default()
    }

    /// Reads a settings file: the settings and the names of profiles
    /// dropped as case twins, or why the file cannot be used.
    pub fn from_json(bytes: &[u8]) -> Result<(Settings, Vec<String>), Unusable> {
        match serde_json::from_slice::<Settings>(bytes) {
            Ok(mut s) if s.version == VERSION => {
                let dropped = s.drop_case_twins();
                Ok((s, dropped))
            }
            Ok(s) => Err(Unusable::OtherVersion(s.version)),
            Err(_) => Err(Unusable::Unreadable),
        }
    }

    /// The name a profile already has when `name` differs from it only in
    /// case, else `name`: names key keychain entries, and Windows compares
    /// credential targets without regard to case, so "Work" and "work" must
    /// be one profile.
    pub fn existing_name(&self, name: &str) -> String {
        let folded = name.to_lowercase();
        std::iter::once(&self.current)
            .chain(self.profiles.keys())
            .find(|n| n.to_lowercase() == folded)
            .cloned()
            .unwrap_or_else(|| name.to_string())
    }

    /// Drops profiles whose names differ from another's only in case (a
    /// hand-edited file), keeping the current one or else the first; returns
    /// the names dropped.
    fn drop_case_twins(&mut self) -> Vec<String> {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        seen.insert(self.current.to_lowercase(), self.current.clone());
        let mut dropped = Vec::new();
        for name in self.profiles.keys() {
            let kept = seen
                .entry(name.to_lowercase())
                .or_insert_with(|| name.clone());
            if kept != name {
                dropped.push(name.clone());
            }
        }
        for name in &dropped {
            self.profiles.remove(name);
        }
        dropped
    }

    /// The profile names, sorted, with the current one even if unsaved.
    pub fn profile_list(&self) -> ProfileList {
        let mut names: Vec<String> = self.profiles.keys().cloned().collect();
        if !names.contains(&self.current) {
            names.push(self.current.clone());
            names.sort();
        }
        ProfileList {
            names,
            current: self.current.clone(),
        }
    }
}

/// Why a settings file was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unusable {
    #[error("it is from another version of Engage Desk ({0})")]
    OtherVersion(u32),
    #[error("it could not be read")]
    Unreadable,
}

/// The profile names and which one is current.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ProfileList {
    pub names: Vec<String>,
    pub current: String,
}

/// The longest profile name.
pub const MAX_PROFILE_NAME: usize = 40;

/// A profile name as typed: trimmed, 1 to 40 letters, digits, spaces, `-`,
/// `_` or `.`. Names key keychain entries and lock files, so nothing else
/// is let in.
pub fn validate_profile_name(raw: &str) -> Result<String, Error> {
    let name = raw.trim();
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_PROFILE_NAME
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'));
    if ok {
        Ok(name.to_string())
    } else {
        Err(Error::InvalidProfileName {
            max: MAX_PROFILE_NAME,
        })
    }
}

/// The settings and the file they live in.
#[derive(Debug)]
pub struct SettingsFile {
    path: Option<PathBuf>,
    pub settings: Settings,
    /// What went wrong reading the file, for the UI to show once.
    pub warning: Option<String>,
    /// The file's own current profile while another is pinned for this run
    /// (`engage --profile`, `make demo`): what `save` writes as current.
    pub pinned_over: Option<String>,
}

impl SettingsFile {
    /// Settings that are never written (no config folder could be found).
    pub fn in_memory() -> Self {
        SettingsFile {
            path: None,
            settings: Settings::default(),
            warning: None,
            pinned_over: None,
        }
    }

    /// Reads `dir/settings.json`; a missing file gives the defaults.
    pub fn load(dir: &Path) -> Self {
        let path = dir.join(FILE_NAME);
        let mut file = SettingsFile {
            path: Some(path.clone()),
            settings: Settings::default(),
            warning: None,
            pinned_over: None,
        };
        let Ok(bytes) = std::fs::read(&path) else {
            return file;
        };
        match Settings::from_json(&bytes) {
            Ok((s, dropped)) => {
                if !dropped.is_empty() {
                    file.warning = Some(format!(
                        "Your settings file names profiles that differ only in capital letters, which the keychain cannot tell apart. Engage Desk uses one of each and ignored: {}.",
                        dropped.join(", ")
                    ));
                }
                file.settings = s;
            }
            Err(why) => {
                let stamp = crate::clock::unix_secs(std::time::SystemTime::now());
                let aside = dir.join(format!("{FILE_NAME}.bad-{stamp}"));
                let kept = std::fs::rename(&path, &aside).is_ok();
                file.warning = Some(if kept {
                    format!(
                        "Your settings file was not used because {why}. It was kept as {} and Engage Desk started with default settings.",
                        aside.display()
                    )
                } else {
                    format!(
                        "Your settings file {} was not used because {why}.",
                        path.display()
                    )
                });
            }
        }
        file
    }

    /// Takes in what another process (the app, or `engage`) wrote since:
    /// its profiles, while this process keeps its own current profile.
    /// A file that is missing or cannot be read changes nothing here.
    pub fn reload(&mut self) {
        let Some(path) = &self.path else {
            return;
        };
        let Ok(bytes) = std::fs::read(path) else {
            return;
        };
        let Ok((mut fresh, _)) = Settings::from_json(&bytes) else {
            return;
        };
        if self.pinned_over.is_some() {
            self.pinned_over = Some(fresh.current.clone());
        }
        fresh.current = std::mem::take(&mut self.settings.current);
        self.settings = fresh;
    }

    /// Writes atomically: a crash leaves the old file or the new one.
    pub fn save(&self) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("json.tmp");
        let bytes = match &self.pinned_over {
            Some(current) => {
                let mut s = self.settings.clone();
                s.current = current.clone();
                serde_json::to_vec_pretty(&s)?
            }
            None => serde_json::to_vec_pretty(&self.settings)?,
        };
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_gives_defaults_and_saves_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = SettingsFile::load(dir.path());
        assert!(f.warning.is_none());
        assert_eq!(f.settings.current_profile(), ProfileSettings::default());
        f.settings.profiles.insert(
            "default".into(),
            ProfileSettings {
                client_id: "abc".into(),
                agent_id: Some(7),
                ..Default::default()
            },
        );
        f.save().unwrap();
        let back = SettingsFile::load(dir.path());
        assert_eq!(back.settings, f.settings);
        assert_eq!(back.settings.current_profile().agent_id, Some(7));
    }

    #[test]
    fn names_are_checked_and_listed() {
        assert_eq!(
            validate_profile_name("  Sandbox EU ").unwrap(),
            "Sandbox EU"
        );
        assert_eq!(validate_profile_name("prod_2.x-b").unwrap(), "prod_2.x-b");
        assert_eq!(validate_profile_name("Zoë").unwrap(), "Zoë");
        for bad in ["", "   ", "a/b", "x:y", &"n".repeat(41), "tab\there"] {
            let e = validate_profile_name(bad).unwrap_err();
            assert_eq!(e.code(), "invalid_profile_name", "{bad:?}");
        }
        let mut s = Settings::default();
        s.profiles.insert("b".into(), ProfileSettings::default());
        s.current = "a".into();
        assert_eq!(s.profile_list().names, ["a", "b"]);
        // An old file's window geometry is ignored, not an error.
        let old: Settings = serde_json::from_str(
            r#"{"version":1,"current":"x","profiles":{},"window":{"x":1,"y":2,"width":3,"height":4}}"#,
        )
        .unwrap();
        assert_eq!(old.current, "x");
    }

    #[test]
    fn names_are_unique_without_regard_to_case() {
        let mut s = Settings {
            current: "Work".into(),
            ..Settings::default()
        };
        s.profiles.insert("Zoë".into(), ProfileSettings::default());
        assert_eq!(s.existing_name("work"), "Work");
        assert_eq!(s.existing_name("WORK"), "Work");
        assert_eq!(s.existing_name("ZOË"), "Zoë");
        assert_eq!(s.existing_name("home"), "home");
    }

    #[test]
    fn a_file_with_case_twins_keeps_one_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Settings {
            current: "work".into(),
            ..Settings::default()
        };
        for name in ["Work", "work", "home", "HOME"] {
            s.profiles.insert(name.into(), ProfileSettings::default());
        }
        std::fs::write(dir.path().join(FILE_NAME), serde_json::to_vec(&s).unwrap()).unwrap();
        let f = SettingsFile::load(dir.path());
        let names: Vec<&String> = f.settings.profiles.keys().collect();
        assert_eq!(names, ["HOME", "work"]);
        let warning = f.warning.unwrap();
        assert!(
            warning.contains("Work") && warning.contains("home"),
            "{warning}"
        );
    }

    #[test]
    fn corrupt_and_unknown_versions_are_kept_aside_and_reported() {
        for content in ["{not json", r#"{"version":99,"current":"x","profiles":{}}"#] {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join(FILE_NAME), content).unwrap();
            let f = SettingsFile::load(dir.path());
            let warning = f.warning.unwrap();
            assert!(warning.contains("was not used"), "{warning}");
            let aside: Vec<_> = std::fs::read_dir(dir.path())
                .unwrap()
                .flatten()
                .filter(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with("settings.json.bad-")
                })
                .collect();
            assert_eq!(aside.len(), 1);
            assert_eq!(std::fs::read_to_string(aside[0].path()).unwrap(), content);
            assert_eq!(f.settings, Settings::default());
        }
    }
}
