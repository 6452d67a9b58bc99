//! The console's history: the last 500 requests of a profile and the ones
//! saved with a name, in the app's data folder. What was asked (method,
//! path, parameters, body) and how it went (status, time, size); never a
//! token (the session's never enters a request) and never an answer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::wire::Request;

/// How many unnamed requests are kept.
pub const KEEP: usize = 500;

/// One request as the history keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    /// Unique in its file; newer entries have larger ids.
    #[ts(type = "number")]
    pub id: u64,
    /// Milliseconds since 1970.
    #[ts(type = "number")]
    pub at: u64,
    pub method: String,
    pub path: String,
    pub values: BTreeMap<String, String>,
    pub query: Vec<(String, String)>,
    pub body: String,
    pub status: u16,
    #[ts(type = "number")]
    pub millis: u64,
    pub size: usize,
    /// Set when the user saved it; saved entries are never dropped.
    pub name: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    entries: Vec<HistoryEntry>,
}

/// A profile's history file.
#[derive(Debug)]
pub struct History {
    path: Option<PathBuf>,
    file: Mutex<File>,
}

/// A file name for any profile name: its bytes in hex.
fn file_name(profile: &str) -> String {
    let hex: String = profile.bytes().map(|b| format!("{b:02x}")).collect();
    format!("{hex}.json")
}

impl History {
    /// The history of `profile` under `dir` (none kept on disk without one).
    /// An unreadable file starts an empty history; it is replaced on the
    /// next write.
    pub fn open(dir: Option<&Path>, profile: &str) -> History {
        let path = dir.map(|d| d.join(file_name(&profile.to_lowercase())));
        let file = path
            .as_ref()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        History {
            path,
            file: Mutex::new(file),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, File> {
        self.file.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self, file: &File) {
        let Some(path) = &self.path else { return };
        let written = (|| {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let tmp = path.with_extension("json.tmp");
            std::fs::write(&tmp, serde_json::to_vec(file)?)?;
            std::fs::rename(&tmp, path)
        })();
        if let Err(e) = written {
            tracing::warn!("the console history could not be written: {e}");
        }
    }

    /// Records a request and how it went; returns its entry.
    pub fn record(
        &self,
        request: &Request,
        status: u16,
        millis: u64,
        size: usize,
        at: u64,
    ) -> HistoryEntry {
        let mut file = self.lock();
        let id = file.entries.iter().map(|e| e.id).max().unwrap_or(0) + 1;
        let entry = HistoryEntry {
            id,
            at,
            method: request.method.trim().to_ascii_uppercase(),
            path: request.path.trim().to_string(),
            values: request.values.clone(),
            query: request.query.clone(),
            body: request.body.clone(),
            status,
            millis,
            size,
            name: None,
        };
        file.entries.push(entry.clone());
        let unnamed = file.entries.iter().filter(|e| e.name.is_none()).count();
        if unnamed > KEEP {
            let mut drop = unnamed - KEEP;
            file.entries.retain(|e| {
                if drop > 0 && e.name.is_none() {
                    drop -= 1;
                    return false;
                }
                true
            });
        }
        self.write(&file);
        entry
    }

    /// Names an entry (saves it), or unnames it with `None`.
    pub fn name(&self, id: u64, name: Option<String>) -> Option<HistoryEntry> {
        let mut file = self.lock();
        let entry = file.entries.iter_mut().find(|e| e.id == id)?;
        entry.name = name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
        let entry = entry.clone();
        self.write(&file);
        Some(entry)
    }

    /// Entries whose name, method or path hold every word of `query`,
    /// saved ones first, then newest first.
    pub fn list(&self, query: &str) -> Vec<HistoryEntry> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        let file = self.lock();
        let mut out: Vec<HistoryEntry> = file
            .entries
            .iter()
            .filter(|e| {
                let text = format!(
                    "{} {} {}",
                    e.name.as_deref().unwrap_or(""),
                    e.method,
                    e.path
                )
                .to_lowercase();
                words.iter().all(|w| text.contains(w.as_str()))
            })
            .cloned()
            .collect();
        out.sort_by(|a, b| {
            b.name
                .is_some()
                .cmp(&a.name.is_some())
                .then(b.id.cmp(&a.id))
        });
        out
    }

    /// One entry.
    pub fn get(&self, id: u64) -> Option<HistoryEntry> {
        self.lock().entries.iter().find(|e| e.id == id).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(path: &str) -> Request {
        Request {
            method: "get".into(),
            path: path.into(),
            values: [("agentGroupId".to_string(), "7".to_string())].into(),
            query: vec![("maxRows".into(), "5".into())],
            body: String::new(),
            confirmed: false,
            file: String::new(),
        }
    }

    #[test]
    fn requests_survive_a_reopen_newest_first_and_saved_on_top() {
        let dir = tempfile::tempdir().unwrap();
        let h = History::open(Some(dir.path()), "Sandbox");
        let a = h.record(&request("/voice/api/a"), 200, 12, 300, 1000);
        let b = h.record(&request("/voice/api/b"), 404, 3, 20, 2000);
        assert_eq!((a.id, b.id, a.method.as_str()), (1, 2, "GET"));
        h.name(a.id, Some(" mine ".into())).unwrap();
        let again = History::open(Some(dir.path()), "sandbox");
        let list = again.list("");
        assert_eq!(list.iter().map(|e| e.id).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(list[0].name.as_deref(), Some("mine"));
        assert_eq!(list[0].values["agentGroupId"], "7");
        assert_eq!(again.list("voice b").len(), 1);
        assert_eq!(again.list("MINE")[0].id, 1);
        assert_eq!(again.get(2).unwrap().status, 404);
        // Another profile has its own.
        assert!(History::open(Some(dir.path()), "Other").list("").is_empty());
    }

    #[test]
    fn only_the_last_500_unnamed_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let h = History::open(Some(dir.path()), "p");
        let first = h.record(&request("/voice/api/first"), 200, 1, 1, 1);
        h.name(first.id, Some("keep".into()));
        for i in 0..KEEP + 10 {
            h.record(&request(&format!("/voice/api/{i}")), 200, 1, 1, 2);
        }
        let list = h.list("");
        assert_eq!(list.len(), KEEP + 1);
        assert_eq!(list[0].name.as_deref(), Some("keep"));
        assert!(h
            .list("/voice/api/9 ")
            .iter()
            .all(|e| e.path != "/voice/api/9"));
        assert_eq!(h.list("").last().unwrap().path, "/voice/api/10");
    }

    #[test]
    fn a_damaged_file_starts_empty_and_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(file_name("p")), b"{not json").unwrap();
        let h = History::open(Some(dir.path()), "p");
        assert!(h.list("").is_empty());
        h.record(&request("/voice/api/a"), 200, 1, 1, 1);
        assert_eq!(History::open(Some(dir.path()), "p").list("").len(), 1);
    }
}
