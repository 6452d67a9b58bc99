//! What to run, from the environment: `make bench` points the runner at the
//! builds it made, and a hand run can point it at others or at fewer figures.

use std::path::PathBuf;

use anyhow::{Context, Result};

/// What to run, from the environment.
pub(crate) struct Setup {
    pub(crate) app: PathBuf,
    pub(crate) bare: PathBuf,
    pub(crate) bundle: PathBuf,
    pub(crate) runs: usize,
    pub(crate) figures: Vec<String>,
    pub(crate) out: Option<PathBuf>,
    pub(crate) build_note: Option<String>,
}

pub(crate) fn workspace() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::canonicalize(&root).unwrap_or(root)
}

impl Setup {
    pub(crate) fn from_env() -> Result<Setup> {
        let release = |name: &str| {
            std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| workspace().join("target"))
                .join("release")
                .join(name)
        };
        let binary = |var: &str, name: &str| -> Result<PathBuf> {
            let path = std::env::var_os(var)
                .map(PathBuf::from)
                .unwrap_or_else(|| release(name));
            std::fs::canonicalize(&path).with_context(|| {
                format!(
                    "{} not found ({var}): build it first with `make bench`",
                    path.display()
                )
            })
        };
        let runs = match std::env::var("BENCH_RUNS") {
            Ok(v) => v
                .parse::<usize>()
                .ok()
                .filter(|&n| n > 0)
                .with_context(|| format!("BENCH_RUNS={v:?} is not a positive number"))?,
            Err(_) => 5,
        };
        let figures = std::env::var("BENCH_FIGURES")
            .unwrap_or_else(|_| "P1,P2,P3,P4,P5,P6,P7,P8".into())
            .split(',')
            .map(|f| f.trim().to_uppercase())
            .filter(|f| !f.is_empty())
            .collect();
        let out = match std::env::var_os("BENCH_OUT") {
            Some(v) if v == "-" => None,
            Some(v) => Some(PathBuf::from(v)),
            None => Some(workspace().join("docs/BENCHMARKS.md")),
        };
        let app = binary("ENGAGE_APP_BIN", "engage-desk")?;
        let bundle = std::env::var_os("BENCH_BUNDLE_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| app.with_file_name("bundle"));
        Ok(Setup {
            bare: binary("BENCH_BARE_BIN", "bare-tauri")?,
            app,
            bundle,
            runs,
            figures,
            out,
            build_note: std::env::var("BENCH_BUILD_NOTE")
                .ok()
                .filter(|s| !s.trim().is_empty()),
        })
    }
}
