//! The core's modules form a one-way graph: no module imports another that
//! imports it back (directly or round a longer loop), and the vault stays a
//! leaf that knows nothing of sessions. Read from the sources, so the check
//! runs whatever the module does at run time.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module (a file or a folder under src/) and the other
/// top-level modules its code names as `crate::<module>`.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules: BTreeMap<String, Vec<std::path::PathBuf>> = BTreeMap::new();
    for entry in std::fs::read_dir(&src).unwrap().flatten() {
        let path = entry.path();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        if name == "lib" {
            continue;
        }
        if path.is_dir() {
            let files = std::fs::read_dir(&path)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "rs"))
                .collect();
            modules.insert(name, files);
        } else if path.extension().is_some_and(|x| x == "rs") {
            modules.insert(name, vec![path]);
        }
    }
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    modules
        .into_iter()
        .map(|(name, files)| {
            let mut uses = BTreeSet::new();
            for file in files {
                let text = std::fs::read_to_string(&file).unwrap();
                for (i, _) in text.match_indices("crate::") {
                    let rest = &text[i + "crate::".len()..];
                    let word: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if word != name && names.contains(&word) {
                        uses.insert(word);
                    }
                }
                // `use crate::{a, b::c}` names several at once.
                for (i, _) in text.match_indices("crate::{") {
                    let group = &text[i + "crate::{".len()..];
                    let group = &group[..group.find('}').unwrap_or(0)];
                    for part in group.split(',') {
                        let word = part.trim().split("::").next().unwrap_or("").to_string();
                        if word != name && names.contains(&word) {
                            uses.insert(word);
                        }
                    }
                }
            }
            (name, uses)
        })
        .collect()
}

fn cycle_from(
    graph: &BTreeMap<String, BTreeSet<String>>,
    node: &str,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    if let Some(at) = path.iter().position(|n| n == node) {
        let mut cycle = path[at..].to_vec();
        cycle.push(node.to_string());
        return Some(cycle);
    }
    if done.contains(node) {
        return None;
    }
    path.push(node.to_string());
    for next in graph.get(node).into_iter().flatten() {
        if let Some(c) = cycle_from(graph, next, path, done) {
            return Some(c);
        }
    }
    path.pop();
    done.insert(node.to_string());
    None
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let g = graph();
    assert!(
        g.len() > 15 && g.contains_key("desk") && g.contains_key("session"),
        "{g:?}"
    );
    assert!(g["desk"].contains("session"), "the reader is broken: {g:?}");
    let mut done = BTreeSet::new();
    for node in g.keys() {
        if let Some(cycle) = cycle_from(&g, node, &mut Vec::new(), &mut done) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn the_vault_and_the_lock_are_leaves() {
    let g = graph();
    let leaf_deps = |m: &str| {
        g[m].iter()
            .filter(|d| *d != "error")
            .cloned()
            .collect::<Vec<_>>()
    };
    assert!(
        leaf_deps("vault").is_empty(),
        "vault imports {:?}",
        g["vault"]
    );
    assert!(leaf_deps("lock").is_empty(), "lock imports {:?}", g["lock"]);
    assert!(g["error"].is_empty(), "error imports {:?}", g["error"]);
}
