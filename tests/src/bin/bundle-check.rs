//! `make bundle`'s checks on the packages it just built:
//! - the .deb's metadata (name, version, WebKitGTK dependency, desktop file,
//!   icons) and the sizes of both packages;
//! - an updater signature made with a throwaway key verifies with its public
//!   key, and fails on a tampered copy;
//! - the rpm carries a GPG signature `rpmkeys -K` accepts with the throwaway
//!   public key, and rejects on a tampered copy;
//! - the .deb installs with dpkg, the installed binary shows the login form
//!   under WebDriver, and it uninstalls leaving nothing behind.
//!
//! Usage: bundle-check <bundle dir> <keys dir> (as root, for dpkg).

// A command-line report: its output is the point.
#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, ensure, Context, Result};
use base64::Engine;
use e2e::{App, World};

const PACKAGE: &str = "engage-desk";

fn one_file(dir: &Path, ext: &str) -> Result<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("no {}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        // `make bench` puts the floor app's packages in the same folder.
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("engage-desk"))
        })
        .collect();
    found.sort();
    found
        .pop()
        .with_context(|| format!("no .{ext} in {}", dir.display()))
}

fn run(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .output()
        .with_context(|| format!("could not run {cmd:?}"))?;
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    ensure!(out.status.success(), "{cmd:?} failed: {text}");
    Ok(text)
}

fn mib(path: &Path) -> Result<f64> {
    Ok(std::fs::metadata(path)?.len() as f64 / (1024.0 * 1024.0))
}

/// A budget, not a benchmark: a package that suddenly doubles is a mistake
/// (debug info, a bundled asset) worth stopping for.
const MAX_PACKAGE_MIB: f64 = 20.0;

fn check_deb_metadata(deb: &Path, scratch: &Path) -> Result<()> {
    let size = mib(deb)?;
    ensure!(size < MAX_PACKAGE_MIB, "the .deb is {size:.1} MiB");
    let field = |name: &str| run(Command::new("dpkg-deb").arg("-f").arg(deb).arg(name));
    ensure!(field("Package")?.trim() == PACKAGE, "package name");
    // The name the README's install table gives: no space, no quoting.
    let named = format!(
        "{PACKAGE}_{}_{}.deb",
        env!("CARGO_PKG_VERSION"),
        field("Architecture")?.trim()
    );
    ensure!(
        deb.file_name()
            .is_some_and(|n| n.to_string_lossy() == named),
        "the .deb is {}, not {named}",
        deb.display()
    );
    let version = field("Version")?;
    ensure!(
        version.trim() == env!("CARGO_PKG_VERSION"),
        "version {version:?} is not the workspace's {}",
        env!("CARGO_PKG_VERSION")
    );
    let depends = field("Depends")?;
    ensure!(
        depends.contains("libwebkit2gtk-4.1-0") && depends.contains("libgtk-3-0"),
        "Depends: {depends}"
    );
    let contents = run(Command::new("dpkg-deb").arg("-c").arg(deb))?;
    for path in [
        "usr/bin/engage-desk",
        "usr/bin/engage",
        "usr/share/applications/engage-desk.desktop",
        "usr/share/icons/hicolor/128x128/apps/engage-desk.png",
        "usr/share/icons/hicolor/32x32/apps/engage-desk.png",
    ] {
        ensure!(
            contents.contains(path),
            "{path} missing from the .deb:\n{contents}"
        );
    }
    let unpacked = scratch.join("deb");
    run(Command::new("dpkg-deb").arg("-x").arg(deb).arg(&unpacked))?;
    let desktop =
        std::fs::read_to_string(unpacked.join("usr/share/applications/engage-desk.desktop"))?;
    for line in [
        "Name=Engage Desk",
        "Exec=engage-desk",
        "Icon=engage-desk",
        "Type=Application",
    ] {
        ensure!(
            desktop.lines().any(|l| l == line),
            "{line} missing:\n{desktop}"
        );
    }
    println!(
        "deb metadata: {PACKAGE} {}, depends on WebKitGTK 4.1, desktop file and icons present",
        version.trim()
    );
    Ok(())
}

/// What `tauri signer` writes is base64 of minisign's text formats.
fn decode(text: &str) -> Result<String> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(text.trim())?;
    Ok(String::from_utf8(bytes)?)
}

fn verify_updater_signature(file: &Path, sig: &Path, pubkey: &str) -> Result<()> {
    let key = minisign_verify::PublicKey::decode(&decode(pubkey)?)
        .map_err(|e| anyhow::anyhow!("public key: {e}"))?;
    let signature = minisign_verify::Signature::decode(&decode(&std::fs::read_to_string(sig)?)?)
        .map_err(|e| anyhow::anyhow!("signature: {e}"))?;
    let data = std::fs::read(file)?;
    key.verify(&data, &signature, true)
        .map_err(|e| anyhow::anyhow!("verification failed: {e}"))
}

fn check_updater_signature(deb: &Path, keys: &Path, scratch: &Path) -> Result<()> {
    // Signed here, with the throwaway key, the way the release workflow signs.
    let copy = scratch.join("signed.deb");
    std::fs::copy(deb, &copy)?;
    run(Command::new("npx")
        .args(["--no-install", "tauri", "signer", "sign", "-p", "", "-f"])
        .arg(keys.join("updater.key"))
        .arg(&copy)
        .env_remove("TAURI_SIGNING_PRIVATE_KEY"))?;
    let sig = scratch.join("signed.deb.sig");
    let pubkey = std::fs::read_to_string(keys.join("updater.key.pub"))?;
    verify_updater_signature(&copy, &sig, &pubkey).context("a good signature")?;
    let mut bytes = std::fs::read(&copy)?;
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    let tampered = scratch.join("tampered.deb");
    std::fs::write(&tampered, bytes)?;
    if verify_updater_signature(&tampered, &sig, &pubkey).is_ok() {
        bail!("a tampered bundle passed the updater signature check");
    }
    println!("updater signature: verifies with the public key, a tampered copy fails");
    // The bundler's own updater signature (createUpdaterArtifacts), made
    // with the key the build was given: what the updater will check.
    let made = deb.with_extension("deb.sig");
    ensure!(made.exists(), "the bundler made no {}", made.display());
    verify_updater_signature(deb, &made, &pubkey).context("the bundler's .sig")?;
    if verify_updater_signature(&tampered, &made, &pubkey).is_ok() {
        bail!("a tampered .deb passed the bundler's signature");
    }
    println!(
        "updater signature from the bundler verifies: {}",
        made.display()
    );
    Ok(())
}

fn check_rpm_signature(rpm: &Path, keys: &Path, scratch: &Path) -> Result<()> {
    let db = scratch.join("rpmdb");
    std::fs::create_dir_all(&db)?;
    run(Command::new("rpmkeys")
        .arg("--dbpath")
        .arg(&db)
        .arg("--import")
        .arg(keys.join("rpm.pub")))?;
    let checked = run(Command::new("rpmkeys")
        .arg("--dbpath")
        .arg(&db)
        .arg("-K")
        .arg(rpm))?;
    ensure!(
        checked.contains("signatures OK"),
        "rpm signature not accepted: {checked}"
    );
    let mut bytes = std::fs::read(rpm)?;
    let near_end = bytes.len() - 100;
    bytes[near_end] ^= 0x01;
    let tampered = scratch.join("tampered.rpm");
    std::fs::write(&tampered, bytes)?;
    let out = Command::new("rpmkeys")
        .arg("--dbpath")
        .arg(&db)
        .arg("-K")
        .arg(&tampered)
        .output()?;
    ensure!(!out.status.success(), "a tampered rpm passed rpmkeys -K");
    println!("rpm signature: {} a tampered copy fails", checked.trim());
    let files = run(Command::new("rpm").arg("-qlp").arg(rpm))?;
    for path in ["/usr/bin/engage-desk", "/usr/bin/engage"] {
        ensure!(
            files.lines().any(|l| l == path),
            "{path} missing from the .rpm:\n{files}"
        );
    }
    println!("rpm contents: the app and engage in /usr/bin");
    Ok(())
}

async fn install_run_uninstall(deb: &Path) -> Result<()> {
    run(Command::new("dpkg").arg("-i").arg(deb))?;
    let installed = PathBuf::from("/usr/bin/engage-desk");
    let result = async {
        ensure!(installed.exists(), "dpkg -i left no /usr/bin/engage-desk");
        // The command line came with it, on PATH, and runs.
        let version = run(Command::new("/usr/bin/engage").arg("--version"))?;
        ensure!(
            version.trim() == format!("engage {}", env!("CARGO_PKG_VERSION")),
            "engage --version said {version:?}"
        );
        println!("installed .deb: {} on PATH", version.trim());
        let world = World::start()?;
        let app = App::launch_binary(&world, &installed, &[]).await?;
        let shown = async {
            app.ready().await?;
            app.visible("signin-view").await?;
            app.visible("signin-browser").await?;
            Ok::<_, anyhow::Error>(())
        }
        .await;
        let quit = app.quit().await;
        let leftovers = world.shutdown();
        shown.and(quit)?;
        ensure!(leftovers.is_empty(), "processes left: {leftovers:?}");
        println!("installed .deb: the login form shows under WebDriver");
        Ok(())
    }
    .await;
    let removed = run(Command::new("dpkg").args(["--purge", PACKAGE]));
    result?;
    removed?;
    ensure!(
        !installed.exists(),
        "the binary is still there after dpkg --purge"
    );
    ensure!(
        !Path::new("/usr/bin/engage").exists(),
        "engage is still there after dpkg --purge"
    );
    ensure!(
        !Path::new("/usr/share/applications/engage-desk.desktop").exists(),
        "the desktop file is still there after dpkg --purge"
    );
    let status = Command::new("dpkg").args(["-s", PACKAGE]).output()?;
    ensure!(!status.status.success(), "dpkg still lists {PACKAGE}");
    println!("uninstalled cleanly");
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (bundle, keys) = match args.as_slice() {
        [_, b, k] => (PathBuf::from(b), PathBuf::from(k)),
        _ => bail!("usage: bundle-check <bundle dir> <keys dir>"),
    };
    let deb = one_file(&bundle.join("deb"), "deb")?;
    let rpm = one_file(&bundle.join("rpm"), "rpm")?;
    println!(
        "packages: {} {:.2} MiB, {} {:.2} MiB",
        deb.file_name().unwrap_or_default().to_string_lossy(),
        mib(&deb)?,
        rpm.file_name().unwrap_or_default().to_string_lossy(),
        mib(&rpm)?
    );
    let scratch = tempfile::tempdir()?;
    check_deb_metadata(&deb, scratch.path())?;
    check_updater_signature(&deb, &keys, scratch.path())?;
    check_rpm_signature(&rpm, &keys, scratch.path())?;
    install_run_uninstall(&deb).await?;
    println!("bundle-check: all checks passed");
    Ok(())
}
