//! P5, package size: what a user downloads, against an empty Tauri app's
//! packages: how much of it is symbols, and how much the command line.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};

use crate::figure::Figure;
use crate::setup::Setup;
use crate::stats::MB;

/// The app's .deb and .rpm against the floor's, as `tauri build` made them.
pub(crate) fn p5_packages(setup: &Setup) -> Result<Vec<Figure>> {
    let mut figures = Vec::new();
    for (kind, app_prefix, bare_prefix) in [
        ("deb", "engage-desk_", "Bare Tauri_"),
        ("rpm", "engage-desk-", "Bare Tauri-"),
    ] {
        let dir = setup.bundle.join(kind);
        let app = newest(&dir, app_prefix, kind)?;
        let bare = newest(&dir, bare_prefix, kind)?;
        let mut f = Figure::new(
            &format!("P5-{kind}"),
            &format!(".{kind} size: app vs floor (MB)"),
            "MB",
            1,
        )
        .decimals(2);
        f.app.push(size(&app)? / MB);
        f.floor.push(size(&bare)? / MB);
        for (side, path, binary) in [("app", &app, &setup.app), ("floor", &bare, &setup.bare)] {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let mut note = format!("{side}: {name}");
            if modified(path)? + Duration::from_secs(600) < modified(binary)? {
                note.push_str(" (older than the binary: stale? run `make bench`)");
            }
            f.notes.push(note);
        }
        figures.push(f);
    }
    // What the binaries are made of, measured on copies.
    let app = binary_facts(&setup.app)?;
    let bare = binary_facts(&setup.bare)?;
    let note = format!(
        "binaries: app {:.1} MB ({:.1} MB stripped of symbols), floor {:.1} MB ({:.1} MB \
         stripped); gzip -6 of the app's binary: {:.2} MB, of its stripped copy {:.2} MB",
        app.size / MB,
        app.stripped / MB,
        bare.size / MB,
        bare.stripped / MB,
        app.gzipped / MB,
        app.stripped_gzipped / MB,
    );
    let cli = crate::p8_cli::cli_binary();
    let cli_gzipped = gzipped(&cli)?;
    let note = format!(
        "{note}; engage, the command line the packages carry: {:.1} MB, gzip -6 {:.2} MB",
        size(&cli)? / MB,
        cli_gzipped / MB
    );
    let symbols = app.size - app.stripped;
    let removable = if symbols > 0.01 * app.size {
        format!(
            "the symbol table: the app's binary carries {:.1} MB of symbols ({:.0}% of it) \
             and the package about {:.1} MB of them compressed; scripts/symbols.mjs (the \
             release config's beforeBundleCommand) strips them before packaging. The rest \
             of the gap to the floor is code.",
            symbols / MB,
            100.0 * symbols / app.size,
            (app.gzipped - app.stripped_gzipped) / MB,
        )
    } else {
        format!(
            "none left that a user would not miss: both binaries ship stripped (the app's \
             symbols kept apart for crash reports). Of the app's package, {:.2} MB \
             (compressed) is engage, the command line, which the floor has no counterpart \
             of; the rest of the gap to the floor is the app's own code: the updater, the \
             keyring's D-Bus stack, reqwest with rustls and aws-lc-rs, the console's \
             catalogue and engage's core.",
            cli_gzipped / MB,
        )
    };
    for f in &mut figures {
        f.notes.push(note.clone());
        f.removable = Some(removable.clone());
    }
    Ok(figures)
}

/// The newest `<dir>/<prefix>*.<ext>`.
fn newest(dir: &Path, prefix: &str, ext: &str) -> Result<PathBuf> {
    std::fs::read_dir(dir)
        .with_context(|| {
            format!(
                "no {} (run `make bench`, it builds the packages)",
                dir.display()
            )
        })?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with(prefix) && name.ends_with(&format!(".{ext}"))
        })
        .max_by_key(|p| modified(p).unwrap_or(UNIX_EPOCH))
        .with_context(|| format!("no {prefix}*.{ext} in {}", dir.display()))
}

fn size(path: &Path) -> Result<f64> {
    Ok(std::fs::metadata(path)
        .with_context(|| path.display().to_string())?
        .len() as f64)
}

fn modified(path: &Path) -> Result<SystemTime> {
    Ok(std::fs::metadata(path)?.modified()?)
}

struct BinaryFacts {
    size: f64,
    stripped: f64,
    gzipped: f64,
    stripped_gzipped: f64,
}

fn binary_facts(binary: &Path) -> Result<BinaryFacts> {
    let dir = tempfile::tempdir()?;
    let stripped = dir.path().join("stripped");
    let status = Command::new("strip")
        .arg("--strip-all")
        .arg("-o")
        .arg(&stripped)
        .arg(binary)
        .status()
        .context("could not run strip (binutils)")?;
    if !status.success() {
        bail!("strip failed on {}", binary.display());
    }
    Ok(BinaryFacts {
        size: size(binary)?,
        stripped: size(&stripped)?,
        gzipped: gzipped(binary)?,
        stripped_gzipped: gzipped(&stripped)?,
    })
}

/// Bytes of `gzip -6` of a file: the compression tauri's .deb uses.
fn gzipped(path: &Path) -> Result<f64> {
    let out = Command::new("gzip")
        .args(["-6", "-c"])
        .arg(path)
        .output()
        .context("could not run gzip")?;
    if !out.status.success() {
        bail!("gzip failed on {}", path.display());
    }
    Ok(out.stdout.len() as f64)
}
