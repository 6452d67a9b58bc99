//! "Save to file…": the last answer's bytes, written by Rust where the user
//! chose in the native save dialog, under a name from the server's
//! `Content-Disposition` or from the operation.

use std::path::Path;

use crate::Error;

/// A file name a user's folder can hold: no directories, no control or
/// path characters, not empty, not hidden.
fn clean(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|'))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    (!cleaned.is_empty()).then_some(cleaned)
}

fn extension(content_type: &str) -> &'static str {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => "json",
        "text/plain" => "txt",
        "text/csv" => "csv",
        "audio/wav" | "audio/x-wav" | "audio/wave" => "wav",
        "audio/mpeg" => "mp3",
        _ => "bin",
    }
}

/// The name to offer: the server's `filename` if it gave one, else the
/// path's last fixed segment with an extension for the content type.
pub fn suggested_name(disposition: Option<&str>, path: &str, content_type: &str) -> String {
    let given = disposition.and_then(|d| {
        d.split(';').find_map(|part| {
            let (key, value) = part.split_once('=')?;
            (key.trim().eq_ignore_ascii_case("filename"))
                .then(|| value.trim().trim_matches('"').to_string())
        })
    });
    if let Some(name) = given.as_deref().and_then(clean) {
        return name;
    }
    let stem = path
        .rsplit('/')
        .find(|s| !s.is_empty() && !s.starts_with('{') && s.chars().any(|c| c.is_alphabetic()))
        .and_then(clean)
        .unwrap_or_else(|| "answer".into());
    format!("{stem}.{}", extension(content_type))
}

/// Writes `bytes` to `path` whole or not at all (a temporary file beside
/// it, then renamed).
pub async fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let unwritable = |e: std::io::Error| Error::FileUnwritable {
        path: path.display().to_string().chars().take(300).collect(),
        reason: e.kind().to_string(),
    };
    let tmp = path.with_extension("engage-desk-partial");
    tokio::fs::write(&tmp, bytes).await.map_err(unwritable)?;
    if let Err(e) = tokio::fs::rename(&tmp, path).await {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(unwritable(e));
    }
    Ok(())
}

/// Copies the file at `from` (a spilled answer) to `path` the same way:
/// whole or not at all.
pub async fn copy(path: &Path, from: &Path) -> Result<u64, Error> {
    let unwritable = |e: std::io::Error| Error::FileUnwritable {
        path: path.display().to_string().chars().take(300).collect(),
        reason: e.kind().to_string(),
    };
    let tmp = path.with_extension("engage-desk-partial");
    let n = tokio::fs::copy(from, &tmp).await.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        unwritable(e)
    })?;
    if let Err(e) = tokio::fs::rename(&tmp, path).await {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(unwritable(e));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_copy_is_whole_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("answer");
        std::fs::write(&from, b"all of it").unwrap();
        let to = dir.path().join("saved.json");
        assert_eq!(copy(&to, &from).await.unwrap(), 9);
        assert_eq!(std::fs::read(&to).unwrap(), b"all of it");
        let e = copy(&dir.path().join("no/such/folder/x"), &from)
            .await
            .unwrap_err();
        assert_eq!(e.code(), crate::error::ErrorCode::FileUnwritable);
        assert!(copy(&to, &dir.path().join("gone")).await.is_err());
        assert_eq!(std::fs::read(&to).unwrap(), b"all of it");
    }

    #[test]
    fn the_servers_name_is_used_when_it_is_safe() {
        let path = "/voice/api/cx/integration/v1/accounts/{rcAccountId}/sub-accounts/{subAccountId}/recordings/dialogs/{dialogId}/segments/{segmentId}";
        assert_eq!(
            suggested_name(
                Some(r#"attachment; filename="dialog-1-segment-2.wav""#),
                path,
                "audio/wav"
            ),
            "dialog-1-segment-2.wav"
        );
        // A name that tries to leave the folder keeps only its last part.
        assert_eq!(
            suggested_name(
                Some("attachment; filename=../../.bashrc"),
                path,
                "audio/wav"
            ),
            "bashrc"
        );
        assert_eq!(suggested_name(None, path, "audio/wav"), "segments.wav");
        assert_eq!(
            suggested_name(
                None,
                "/voice/api/v1/admin/accounts/{accountId}/agentGroups",
                "application/json; charset=utf-8"
            ),
            "agentGroups.json"
        );
        assert_eq!(
            suggested_name(Some("inline"), "/voice/api/v1/{x}", "x/y"),
            "v1.bin"
        );
    }

    #[tokio::test]
    async fn a_file_is_written_whole_and_a_bad_folder_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.wav");
        write(&path, b"RIFF").await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"RIFF");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let e = write(&dir.path().join("no/such/dir/a.wav"), b"x")
            .await
            .unwrap_err();
        assert_eq!(e.code().as_str(), "file_unwritable");
    }
}
