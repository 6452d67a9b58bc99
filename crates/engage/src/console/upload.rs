//! Uploads: the file is read here, never by the window, and sent as a real
//! `multipart/form-data` body with its boundary (the official Python SDK
//! sends a JSON content type with files, which the server refuses).

use std::path::Path;

use crate::ringcx::{FilePart, Payload};
use crate::Error;

/// The largest file the console uploads.
pub const MAX_FILE: u64 = 100 * 1024 * 1024;

/// A content type from the file's extension, for the part's header.
pub fn mime_for(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("csv") => "text/csv",
        Some("txt") => "text/plain",
        Some("json") => "application/json",
        Some("xls") => "application/vnd.ms-excel",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// Reads `path` into the upload's one file part, named `field`.
pub async fn read(field: &str, path: &str) -> Result<Payload, Error> {
    let path = path.trim();
    if path.is_empty() {
        return Err(Error::NoFileChosen);
    }
    let unreadable = |reason: String| Error::FileUnreadable {
        path: path.chars().take(300).collect(),
        reason,
    };
    let file = Path::new(path);
    let meta = tokio::fs::metadata(file)
        .await
        .map_err(|e| unreadable(e.kind().to_string()))?;
    if !meta.is_file() {
        return Err(unreadable("it is not a file".into()));
    }
    if meta.len() > MAX_FILE {
        return Err(unreadable(format!(
            "it is larger than {} MB",
            MAX_FILE / 1024 / 1024
        )));
    }
    let bytes = tokio::fs::read(file)
        .await
        .map_err(|e| unreadable(e.kind().to_string()))?;
    Ok(Payload::File(FilePart {
        field: field.to_string(),
        file_name: file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "upload".into()),
        mime: mime_for(file).to_string(),
        bytes,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_file_becomes_one_part_with_its_bytes_name_and_type() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Leads.CSV");
        std::fs::write(&path, b"phone\n+16505550100\n").unwrap();
        let Payload::File(part) = read("file", path.to_str().unwrap()).await.unwrap() else {
            panic!("not a file part");
        };
        assert_eq!(
            (
                part.field.as_str(),
                part.file_name.as_str(),
                part.mime.as_str()
            ),
            ("file", "Leads.CSV", "text/csv")
        );
        assert_eq!(part.bytes, b"phone\n+16505550100\n");
    }

    #[tokio::test]
    async fn no_file_or_an_unreadable_one_is_named() {
        assert_eq!(
            read("file", "  ").await.unwrap_err().code().as_str(),
            "no_file_chosen"
        );
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gone.csv");
        let e = read("file", missing.to_str().unwrap()).await.unwrap_err();
        assert_eq!(e.code().as_str(), "file_unreadable");
        assert!(e.to_string().contains("gone.csv"), "{e}");
        let e = read("file", dir.path().to_str().unwrap())
            .await
            .unwrap_err();
        assert!(e.to_string().contains("not a file"), "{e}");
    }
}
