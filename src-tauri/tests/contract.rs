//! The contract between the window and Rust, checked from the sources a
//! reader edits: the five places a command is named agree, every command
//! stays a few lines, and `ui/wire.d.ts` matches the Rust types.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text between `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("no {start:?}")) + start.len();
    let len = text[from..]
        .find(end)
        .unwrap_or_else(|| panic!("no {end:?}"));
    &text[from..from + len]
}

/// Every string literal in `text` (the command names are plain ASCII).
fn quoted(text: &str) -> Vec<String> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn command_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("src/commands"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    files
}

/// `(name, body lines)` of every `#[tauri::command]` function.
fn defined_commands() -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for file in command_files() {
        let text = read(&file);
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.trim() != "#[tauri::command]" {
                continue;
            }
            let sig = lines[i + 1];
            let name = sig
                .split("fn ")
                .nth(1)
                .and_then(|rest| rest.split(['<', '(']).next())
                .unwrap_or_else(|| panic!("{}: no fn after the attribute", file.display()));
            // The body: from the line that opens it to the closing brace at
            // the start of a line.
            let open = (i + 1..lines.len())
                .find(|&j| lines[j].trim_end().ends_with('{'))
                .unwrap();
            let close = (open + 1..lines.len()).find(|&j| lines[j] == "}").unwrap();
            out.push((name.to_string(), close - open - 1));
        }
    }
    out
}

fn set(items: impl IntoIterator<Item = String>) -> BTreeSet<String> {
    items.into_iter().collect()
}

#[test]
fn every_command_is_named_in_all_five_places() {
    let defined = set(defined_commands().into_iter().map(|(n, _)| n));
    let lib = read(&root().join("src/lib.rs"));
    let handler = set(between(&lib, "generate_handler![", "]")
        .split(',')
        .map(|p| p.trim().rsplit("::").next().unwrap_or("").to_string())
        .filter(|n| !n.is_empty()));
    let build = set(quoted(between(
        &read(&root().join("build.rs")),
        "const COMMANDS: &[&str] = &[",
        "];",
    )));
    let capabilities: serde_json::Value =
        serde_json::from_str(&read(&root().join("capabilities/main.json"))).unwrap();
    let granted = set(capabilities["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_")));
    let ipc = read(&root().join("../ui/ipc.js"));
    let called = set(ipc
        .split("call(\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string));
    assert!(defined.len() >= 20, "{defined:?}");
    for (place, names) in [
        ("generate_handler! in src/lib.rs", &handler),
        ("COMMANDS in build.rs", &build),
        ("capabilities/main.json", &granted),
        ("ui/ipc.js", &called),
    ] {
        assert_eq!(
            &defined, names,
            "the commands in src/commands/ and in {place} differ"
        );
    }
}

#[test]
fn every_command_body_is_a_few_lines() {
    for (name, lines) in defined_commands() {
        assert!(
            lines <= 12,
            "{name} has {lines} lines: move its rules into the core"
        );
    }
}

#[test]
fn the_wire_declarations_are_current() {
    let path = root().join("../ui/wire.d.ts");
    let generated = engage_desk::wire::declarations();
    if std::env::var_os("UPDATE_WIRE").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "ui/wire.d.ts is stale: run `make wire` and commit it"
    );
    // The wire is camelCase: no snake_case field names cross it.
    for line in generated.lines().filter(|l| !l.starts_with("//")) {
        for word in line.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            let quoted_code = line.contains(&format!("\"{word}\""));
            assert!(
                !word.contains('_') || quoted_code,
                "snake_case on the wire: {word} in {line}"
            );
        }
    }
}
