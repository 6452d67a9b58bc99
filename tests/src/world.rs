//! A private desktop session for one test: Xvfb, D-Bus, gnome-keyring.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// What a world has in it.
#[derive(Debug, Clone)]
pub struct WorldOptions {
    /// Start gnome-keyring's Secret Service. Off to test a machine without one.
    pub keyring: bool,
}

impl Default for WorldOptions {
    fn default() -> Self {
        Self { keyring: true }
    }
}

/// One test's display, bus, keyring and home folder.
pub struct World {
    dir: tempfile::TempDir,
    display: String,
    bus_address: String,
    // Dropped in reverse start order by `Drop`: keyring, bus, display.
    children: Vec<(&'static str, Child)>,
}

impl World {
    pub fn start() -> Result<Self> {
        Self::with_options(WorldOptions::default())
    }

    pub fn with_options(opts: WorldOptions) -> Result<Self> {
        let dir = tempfile::Builder::new().prefix("engage-e2e-").tempdir()?;
        for sub in ["home", "runtime", "config", "data", "cache"] {
            std::fs::create_dir_all(dir.path().join(sub))?;
        }
        // The runtime dir must be private or D-Bus and the keyring refuse it.
        set_mode(&dir.path().join("runtime"), 0o700)?;

        let mut world = World {
            dir,
            display: String::new(),
            bus_address: String::new(),
            children: Vec::new(),
        };
        world.start_xvfb()?;
        world.start_dbus()?;
        if opts.keyring {
            world.start_keyring()?;
        }
        Ok(world)
    }

    /// The environment every process of this world runs with.
    pub fn env(&self) -> Vec<(String, String)> {
        let p = |s: &str| self.dir.path().join(s).display().to_string();
        let mut env = vec![
            ("HOME".into(), p("home")),
            ("XDG_RUNTIME_DIR".into(), p("runtime")),
            ("XDG_CONFIG_HOME".into(), p("config")),
            ("XDG_DATA_HOME".into(), p("data")),
            ("XDG_CACHE_HOME".into(), p("cache")),
            // No accessibility bus: it would outlive the test.
            ("NO_AT_BRIDGE".into(), "1".into()),
            ("GTK_A11Y".into(), "none".into()),
            ("WEBKIT_DISABLE_DMABUF_RENDERER".into(), "1".into()),
            ("LIBGL_ALWAYS_SOFTWARE".into(), "1".into()),
            ("TAURI_WEBVIEW_AUTOMATION".into(), "true".into()),
        ];
        if !self.display.is_empty() {
            env.push(("DISPLAY".into(), self.display.clone()));
        }
        if !self.bus_address.is_empty() {
            env.push(("DBUS_SESSION_BUS_ADDRESS".into(), self.bus_address.clone()));
        }
        env
    }

    /// This world's D-Bus session bus address.
    pub fn bus_address(&self) -> &str {
        &self.bus_address
    }

    /// How many keychain items `service` has, as `secret-tool` lists them.
    /// A `secret-tool` that fails (no bus, no keyring) is an error, never a
    /// count of zero.
    pub fn keychain_entries(&self, service: &str) -> anyhow::Result<usize> {
        let out = self
            .command("secret-tool")
            .args(["search", "--all", "service", service])
            .output()?;
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        anyhow::ensure!(
            out.status.success(),
            "secret-tool search failed ({}): {text}",
            out.status
        );
        Ok(text.lines().filter(|l| l.starts_with("[/")).count())
    }

    /// A command that runs inside this world, with nothing of the caller's
    /// desktop session in its environment.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        for var in [
            "DISPLAY",
            "WAYLAND_DISPLAY",
            "DBUS_SESSION_BUS_ADDRESS",
            "XAUTHORITY",
            "SSH_AUTH_SOCK",
            "GNOME_KEYRING_CONTROL",
            "XDG_CURRENT_DESKTOP",
            "XDG_SESSION_DESKTOP",
            "DESKTOP_SESSION",
            "GNOME_DESKTOP_SESSION_ID",
            "KDE_FULL_SESSION",
            "BROWSER",
        ] {
            cmd.env_remove(var);
        }
        cmd.envs(self.env());
        cmd
    }

    /// The text on this session's clipboard (empty when there is none).
    pub fn clipboard(&self) -> anyhow::Result<String> {
        let out = self
            .command("xclip")
            .args(["-o", "-selection", "clipboard"])
            .output()?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The app's config, data and cache folders for an identifier.
    pub fn app_dirs(&self, identifier: &str) -> Vec<PathBuf> {
        ["config", "data", "cache"]
            .iter()
            .map(|d| self.dir.path().join(d).join(identifier))
            .collect()
    }

    fn start_xvfb(&mut self) -> Result<()> {
        // -displayfd 1: Xvfb picks a free display and prints its number on
        // stdout once it accepts connections, so there is no race to poll.
        let mut child = self
            .command("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
                "-noreset",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("could not start Xvfb (is the xvfb package installed? `make deps`)")?;
        let line = read_line(
            child.stdout.take().context("Xvfb stdout")?,
            Duration::from_secs(20),
        )
        .context("Xvfb did not report a display")?;
        self.display = format!(":{}", line.trim());
        self.children.push(("Xvfb", child));
        Ok(())
    }

    fn start_dbus(&mut self) -> Result<()> {
        let socket = self.dir.path().join("runtime").join("bus");
        // A session bus with no service activation: nothing the app asks for
        // (a keyring, the accessibility bus) starts behind the test's back,
        // so "no Secret Service" really means none, and nothing outlives us.
        let config = self.dir.path().join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                socket.display()
            ),
        )?;
        let mut child = self
            .command("dbus-daemon")
            .args(["--nofork", "--nosyslog", "--print-address=1"])
            .arg(format!("--config-file={}", config.display()))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("could not start dbus-daemon (is the dbus package installed?)")?;
        let line = read_line(
            child.stdout.take().context("dbus stdout")?,
            Duration::from_secs(20),
        )
        .context("dbus-daemon did not print its address")?;
        self.bus_address = line.trim().to_string();
        self.children.push(("dbus-daemon", child));
        Ok(())
    }

    fn start_keyring(&mut self) -> Result<()> {
        let mut child = self
            .command("gnome-keyring-daemon")
            .args(["--foreground", "--components=secrets", "--unlock"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("could not start gnome-keyring-daemon")?;
        {
            // The password of the login keyring it creates, unlocked at once.
            let mut stdin = child.stdin.take().context("keyring stdin")?;
            stdin.write_all(b"engage-e2e")?;
        }
        self.children.push(("gnome-keyring-daemon", child));
        self.wait_for_bus_name("org.freedesktop.secrets", Duration::from_secs(20))
    }

    fn wait_for_bus_name(&self, name: &str, timeout: Duration) -> Result<()> {
        let start = Instant::now();
        loop {
            let out = self
                .command("dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                ])
                .arg(format!("string:{name}"))
                .output()?;
            if String::from_utf8_lossy(&out.stdout).contains("boolean true") {
                return Ok(());
            }
            if start.elapsed() > timeout {
                bail!("{name} did not appear on the test bus within {timeout:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl World {
    /// Stops the keyring, bus and display. Returns the processes of this
    /// world that were still alive afterwards (and kills them): a test can
    /// assert that list is empty.
    pub fn shutdown(mut self) -> Vec<String> {
        self.stop()
    }

    fn stop(&mut self) -> Vec<String> {
        while let Some((_, mut child)) = self.children.pop() {
            let _ = child.kill();
            let _ = child.wait();
        }
        // Give processes that exit on their own when the bus goes a moment.
        let deadline = Instant::now() + Duration::from_secs(3);
        let mut left = processes_under(self.dir.path());
        while !left.is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
            left = processes_under(self.dir.path());
        }
        for (pid, _) in &left {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
        left.into_iter()
            .map(|(pid, cmd)| format!("{pid} {cmd}"))
            .collect()
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let left = self.stop();
        if !left.is_empty() {
            eprintln!("e2e: killed processes left behind: {left:?}");
        }
    }
}

/// Processes whose environment points into `root` (every process a world
/// starts has its XDG folders there), as (pid, command line).
pub fn processes_under(root: &Path) -> Vec<(u32, String)> {
    let needle = root.as_os_str().as_encoded_bytes();
    let me = std::process::id();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| pid != me)
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .map(|env| env.windows(needle.len()).any(|w| w == needle))
                .unwrap_or(false)
        })
        .map(|pid| {
            let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
            (pid, cmd.trim().to_string())
        })
        .collect()
}

fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    Ok(())
}

/// Reads one line from a child's pipe, giving up after `timeout`.
fn read_line(pipe: impl std::io::Read + Send + 'static, timeout: Duration) -> Result<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let res = BufReader::new(pipe).read_line(&mut line).map(|_| line);
        let _ = tx.send(res);
    });
    let line = rx.recv_timeout(timeout).context("timed out")??;
    if line.trim().is_empty() {
        bail!("the process exited without output");
    }
    Ok(line)
}
