//! The API console on the desk: the catalogue, the form with the session's
//! ids in it, and sending through the session under the rate limits.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::catalogue::Catalogue;
use crate::console::answer::Timing;
use crate::console::Wait;
use crate::console::{
    self, Answer, Choice, FoldAsk, Form, History, HistoryEntry, JsonPage, LinesAsk, OpSummary,
    Request, SessionIds,
};
use crate::{Error, ExposeSecret, SecretString};

use super::{guard, Desk};

/// The last answer as kept for "Save to file…".
#[derive(Debug, Clone)]
pub(crate) enum Kept {
    Bytes(Arc<Vec<u8>>),
    /// Longer than memory holds: on disk until replaced.
    File(crate::http::Spilled),
}

/// The most operations one search lists.
pub const SEARCH_LIMIT: usize = 400;

/// How many times a 429 is waited out before its answer is shown.
const RETRIES_AFTER_429: usize = 3;

impl Desk {
    /// Operations matching `query`, best first.
    pub fn console_search(&self, query: &str) -> Vec<OpSummary> {
        Catalogue::get()
            .search(query)
            .into_iter()
            .take(SEARCH_LIMIT)
            .map(OpSummary::from)
            .collect()
    }

    /// The ids the signed-in session can fill in a path.
    pub async fn console_ids(&self) -> SessionIds {
        self.ids(true).await
    }

    /// The ids for `template`: RingCentral's account is asked for only
    /// when the path has a place for it the form left empty.
    async fn ids_for(
        &self,
        template: &str,
        values: &std::collections::BTreeMap<String, String>,
    ) -> SessionIds {
        let empty = values
            .get("rcAccountId")
            .is_none_or(|v| v.trim().is_empty());
        self.ids(template.contains("{rcAccountId}") && empty).await
    }

    async fn ids(&self, with_rc_account: bool) -> SessionIds {
        let Ok(session) = self.session().await else {
            return SessionIds::default();
        };
        let Some(identity) = session.status().identity else {
            return SessionIds::default();
        };
        SessionIds {
            account_id: identity.current_agent().and_then(|a| a.account_id.clone()),
            main_account_id: identity.details.main_account_id.clone(),
            rc_account_id: match with_rc_account {
                true => session.rc_account_id().await,
                false => None,
            },
        }
    }

    /// The form for one operation of the catalogue.
    pub async fn console_form(&self, method: &str, path: &str) -> Result<Form, Error> {
        let op = Catalogue::get()
            .find(method, path)
            .ok_or_else(|| Error::InvalidApiPath {
                path: path.chars().take(200).collect(),
                reason: "it is not an operation of the catalogue",
            })?;
        Ok(Form::new(
            op,
            &self.ids_for(&op.path, &Default::default()).await,
        ))
    }

    /// The choices for a path parameter that has a picker, from its list
    /// call (filled from `values` and the session like any path).
    pub async fn console_choices(
        &self,
        param: &str,
        values: &std::collections::BTreeMap<String, String>,
    ) -> Result<Vec<Choice>, Error> {
        let picker = console::pickers::picker(param).ok_or_else(|| Error::InvalidApiPath {
            path: param.chars().take(100).collect(),
            reason: "it has no list to pick from",
        })?;
        let session = self.session().await?;
        let ids = self.ids_for(picker.list, values).await;
        let path = console::fill(picker.list, values, &ids)?;
        let listed = session.call("GET", &path, &[], None).await?;
        Ok(console::pickers::choices(picker, &listed.body))
    }

    /// The longest rate-limit wait under way (none when no call waits),
    /// for the window's countdown.
    pub fn subscribe_console_waits(&self) -> tokio::sync::watch::Receiver<Option<Wait>> {
        self.waits.subscribe()
    }

    /// Marks call `id` as waiting (or done with `None`) and publishes the
    /// longest wait left.
    fn set_wait(&self, id: u64, wait: Option<Wait>) {
        let mut waiting = guard(&self.waiting);
        match wait {
            Some(w) => waiting.insert(id, w),
            None => waiting.remove(&id),
        };
        let longest = waiting.values().max_by_key(|w| w.until).cloned();
        self.waits.send_replace(longest);
    }

    /// The name to offer for saving the last answer, if there is one.
    pub fn console_save_name(&self) -> Option<String> {
        let kept = guard(&self.last_answer).as_ref().map(|(n, _)| n.clone());
        kept.or_else(|| guard(&self.last_secret).as_ref().map(|(n, _)| n.clone()))
    }

    /// Writes the last answer's bytes to `path` (chosen by the user in the
    /// native save dialog); returns how many. A credential is written too:
    /// the user chose that file for it.
    pub async fn console_save(&self, path: &std::path::Path) -> Result<usize, Error> {
        let kept = guard(&self.last_answer).as_ref().map(|(_, k)| k.clone());
        let bytes = match kept {
            Some(Kept::Bytes(bytes)) => bytes,
            Some(Kept::File(spilled)) => {
                // The file stays while this copy is made, even if another
                // answer replaces it meanwhile: `spilled` holds it.
                let n = console::save::copy(path, spilled.file.path()).await?;
                return Ok(n as usize);
            }
            None => guard(&self.last_secret)
                .as_ref()
                .map(|(_, s)| Arc::new(s.expose_secret().as_bytes().to_vec()))
                .ok_or(Error::NothingToSave)?,
        };
        console::save::write(path, &bytes).await?;
        Ok(bytes.len())
    }

    /// Writes the last answer's bytes, whole, to `out` (the command line's
    /// stdout); never a credential's. Returns how many.
    pub fn console_write(&self, out: &mut dyn std::io::Write) -> Result<u64, Error> {
        let kept = guard(&self.last_answer).as_ref().map(|(_, k)| k.clone());
        let broken = |e: std::io::Error| Error::FileUnwritable {
            path: "standard output".into(),
            reason: e.kind().to_string(),
        };
        match kept {
            Some(Kept::Bytes(bytes)) => {
                out.write_all(&bytes).map_err(broken)?;
                Ok(bytes.len() as u64)
            }
            Some(Kept::File(spilled)) => {
                let mut file = std::fs::File::open(spilled.file.path()).map_err(|e| {
                    Error::FileUnreadable {
                        path: spilled.file.path().display().to_string(),
                        reason: e.kind().to_string(),
                    }
                })?;
                std::io::copy(&mut file, out).map_err(broken)
            }
            None => Ok(0),
        }
    }

    /// Lowers the size past which answers go to a file, for tests.
    #[cfg(test)]
    pub(crate) fn set_console_memory(&self, bytes: usize) {
        self.console_memory
            .store(bytes, std::sync::atomic::Ordering::Relaxed);
    }

    /// Where answers too long for memory wait to be saved: the app's data
    /// folder, or the system's temporary one.
    pub(crate) fn spill_dir(&self) -> std::path::PathBuf {
        self.history_dir.as_deref().map_or_else(
            || std::env::temp_dir().join("engage-desk-answers"),
            |d| d.with_file_name("answers"),
        )
    }

    /// Drops the last answer (and a credential's): it belongs to the
    /// session that ended.
    pub(super) fn forget_answers(&self) {
        *guard(&self.last_answer) = None;
        *guard(&self.json_view) = None;
        *guard(&self.last_secret) = None;
    }

    /// The last answer, when it was a credential, for the clipboard once
    /// the user has confirmed it.
    pub fn console_secret(&self) -> Result<SecretString, Error> {
        guard(&self.last_secret)
            .as_ref()
            .map(|(_, s)| s.clone())
            .ok_or(Error::NothingToCopy)
    }

    /// Lets uploads read `path`: the user picked it in the native open
    /// dialog, or confirmed it there.
    pub fn console_allow_file(&self, path: &std::path::Path) {
        if let Ok(real) = std::fs::canonicalize(path) {
            guard(&self.allowed_files).insert(real);
        }
    }

    /// The file `request` would upload when the user has not yet picked or
    /// confirmed it (the window may name any path; only the user decides
    /// which files leave the machine).
    pub fn console_unconfirmed_file(&self, request: &Request) -> Option<std::path::PathBuf> {
        let file = request.file.trim();
        if file.is_empty() {
            return None;
        }
        let real = std::fs::canonicalize(file).ok()?;
        (!guard(&self.allowed_files).contains(&real)).then_some(real)
    }

    /// Refuses to read a file the user has not picked or confirmed.
    fn check_file(&self, file: &str) -> Result<(), Error> {
        let real = std::fs::canonicalize(file.trim()).map_err(|e| Error::FileUnreadable {
            path: file.chars().take(300).collect(),
            reason: e.kind().to_string(),
        })?;
        if guard(&self.allowed_files).contains(&real) {
            Ok(())
        } else {
            Err(Error::FileNotConfirmed {
                path: real.display().to_string(),
            })
        }
    }

    /// The current profile's console history.
    fn history(&self) -> Arc<History> {
        let profile = guard(&self.settings).settings.current.clone();
        let mut open = guard(&self.history);
        match open.as_ref() {
            Some((p, h)) if *p == profile => h.clone(),
            _ => {
                let h = Arc::new(History::open(self.history_dir.as_deref(), &profile));
                *open = Some((profile, h.clone()));
                h
            }
        }
    }

    /// The history's entries matching `query`: saved ones, then newest.
    pub fn console_history(&self, query: &str) -> Vec<HistoryEntry> {
        self.history().list(query)
    }

    /// Saves a history entry under a name (or unsaves it with none).
    pub fn console_name(&self, id: u64, name: Option<String>) -> Option<HistoryEntry> {
        self.history().name(id, name)
    }

    /// The request as a curl command for a shell, the token left to
    /// `$RINGCX_TOKEN`. The path is filled and checked as for sending.
    pub async fn console_curl(&self, request: &Request) -> Result<String, Error> {
        let session = self.session().await?;
        let ids = self.ids_for(&request.path, &request.values).await;
        let path = console::fill(&request.path, &request.values, &ids)?;
        let mut url = session.binding().hosts.api_url(&path);
        let query = request.query_pairs();
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(console::curl::command(&request.method, &url, &request.body))
    }

    /// Sends one request: the path filled and checked, a method other than
    /// GET only once confirmed, the stated rate limits waited for, a 429
    /// waited out (a few times), and the answer as the window shows it.
    pub async fn console_send(&self, request: Request) -> Result<Answer, Error> {
        let session = self.session().await?;
        let recorded = request.clone();
        let method = request.method.trim().to_ascii_uppercase();
        let ids = self.ids_for(&request.path, &request.values).await;
        let path = console::fill(&request.path, &request.values, &ids)?;
        if method != "GET" && !request.confirmed {
            return Err(Error::NeedsConfirmation {
                method,
                path: path.to_string(),
            });
        }
        let query = request.query_pairs();
        let catalogue = Catalogue::get();
        let op = catalogue
            .find(&method, &request.path)
            .or_else(|| catalogue.matching(&method, &path.to_string()));
        let key = op.map_or_else(
            || format!("{method} {path}"),
            |o| format!("{} {}", o.method, o.path),
        );
        let limits = console::limits_for(op.map_or(&[][..], |o| &o.limits));
        let credential = op.is_some_and(|o| o.answers_a_credential());
        let body = match op.and_then(|o| o.body.as_ref()) {
            Some(b) if b.content_type.starts_with("multipart/") => {
                let field = b
                    .fields
                    .iter()
                    .find(|f| f.kind == "file")
                    .map_or("file", |f| f.name.as_str());
                if request.file.trim().is_empty() {
                    return Err(Error::NoFileChosen);
                }
                self.check_file(&request.file)?;
                Some(console::upload::read(field, &request.file).await?)
            }
            _ => match request.body.trim() {
                "" => None,
                text => Some(crate::ringcx::Payload::Json(
                    serde_json::from_str(text).map_err(|e| Error::InvalidBody {
                        reason: e.to_string(),
                    })?,
                )),
            },
        };
        let sub_account = ids.account_id.clone().unwrap_or_default();
        let started = Instant::now();
        let mut tries = 0;
        let call = self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let stated = op.map(|o| o.limits.clone()).unwrap_or_default();
        loop {
            while let Err(wait) = self
                .governor
                .reserve(&key, &sub_account, &limits, Instant::now())
            {
                let reason = if tries > 0 {
                    "RingCX answered 429 Too Many Requests".to_string()
                } else if stated.is_empty() {
                    "120 calls a minute".to_string()
                } else {
                    stated
                        .iter()
                        .map(|l| format!("{} calls in {} s", l.requests, l.per_secs))
                        .collect::<Vec<_>>()
                        .join(" and ")
                };
                let until = std::time::SystemTime::now() + wait;
                self.set_wait(
                    call,
                    Some(Wait {
                        until: crate::clock::unix_millis(until),
                        operation: key.clone(),
                        reason,
                    }),
                );
                tokio::time::sleep(wait).await;
            }
            self.set_wait(call, None);
            let sent = Instant::now();
            let keep = crate::http::Keep::Spill {
                memory: self
                    .console_memory
                    .load(std::sync::atomic::Ordering::Relaxed),
                dir: self.spill_dir(),
                max: crate::http::SPILL_LIMIT,
            };
            let mut reply = session
                .send(&method, &path, &query, body.as_ref(), keep)
                .await?;
            if reply.status == 429 && tries < RETRIES_AFTER_429 {
                tries += 1;
                self.governor
                    .pause(&key, &sub_account, Instant::now(), reply.retry_after());
                continue;
            }
            let millis = sent.elapsed().as_millis() as u64;
            let waited = started
                .elapsed()
                .saturating_sub(Duration::from_millis(millis));
            // The moment the answer arrived, for `make bench` (P7) to start from.
            tracing::info!(
                target: "engage::timing",
                at_ms = crate::clock::unix_millis(reply.received_at),
                bytes = reply.body.len(),
                "console response received"
            );
            let name = {
                let disposition = reply
                    .headers
                    .get(reqwest::header::CONTENT_DISPOSITION)
                    .and_then(|v| v.to_str().ok());
                console::save::suggested_name(
                    disposition,
                    op.map_or(&request.path, |o| &o.path),
                    reply.content_type(),
                )
            };
            let spilled = reply.spilled.take();
            let kept = (!credential && !reply.body.is_empty())
                .then(|| Arc::new(std::mem::take(&mut reply.body)));
            let size = spilled.as_ref().map_or_else(
                || kept.as_ref().map_or(reply.body.len(), |b| b.len()),
                |s| s.len as usize,
            );
            // Text says what it is: a text/plain `true` or an HTML error
            // page is shown as sent, not read as JSON. A spilled answer
            // has only its start in memory: shown as text, saved whole.
            let is_text = reply.content_type().starts_with("text/");
            let view = match kept.clone().filter(|_| !is_text && spilled.is_none()) {
                Some(body) => {
                    tokio::task::spawn_blocking(move || console::JsonView::index(body).ok())
                        .await
                        .ok()
                        .flatten()
                }
                None => None,
            };
            let mut answer = console::answer::answer(
                &reply,
                kept.as_deref().map_or(&reply.body[..], Vec::as_slice),
                credential,
                view.as_ref().map(console::JsonView::line_count),
                Timing {
                    millis,
                    waited_secs: waited.as_secs(),
                },
                path.to_string(),
            );
            if spilled.is_some() {
                answer.size = size;
                answer.truncated = true;
            }
            *guard(&self.json_view) = view;
            *guard(&self.last_secret) =
                (credential && reply.is_success() && !reply.body.is_empty()).then(|| {
                    let text = String::from_utf8_lossy(&reply.body).into_owned();
                    (name.clone(), SecretString::from(text))
                });
            *guard(&self.last_answer) = kept.map(|body| {
                let whole = spilled
                    .filter(|_| !credential)
                    .map_or(Kept::Bytes(body), Kept::File);
                (name, whole)
            });
            self.history().record(
                &recorded,
                reply.status,
                millis,
                size,
                crate::clock::unix_millis(std::time::SystemTime::now()),
            );
            return Ok(answer);
        }
    }

    /// Rows of the last JSON answer (none when it was not JSON).
    pub fn console_lines(&self, ask: &LinesAsk) -> JsonPage {
        match guard(&self.json_view).as_mut() {
            Some(view) => view.page(&ask.filter, ask.start, ask.count),
            None => JsonPage {
                start: ask.start,
                total: 0,
                lines: 0,
                rows: Vec::new(),
            },
        }
    }

    /// Folds or opens a container of the last JSON answer.
    pub fn console_fold(&self, ask: &FoldAsk) {
        if let Some(view) = guard(&self.json_view).as_mut() {
            view.fold(ask.line, ask.folded);
        }
    }
}
