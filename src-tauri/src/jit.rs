//! The window's scripts run without a JIT on Linux, as Apple's Lockdown Mode
//! runs Safari's: WebKitGTK's web process reads JavaScriptCore's options
//! from the environment it inherits from the app. The page is small and its
//! heavy work is done in Rust, so the interpreter keeps up (`make bench`
//! P3 and P7 are no slower); the web process is about 8 MiB smaller, and a
//! JIT's bugs are WebKit's commonest way in.
//!
//! Programs the app starts for the user (the browser for sign-in) get the
//! environment without it: a WebKit browser started from here must not run
//! without its JIT.

use std::sync::atomic::{AtomicBool, Ordering};

/// JavaScriptCore's switch for every JIT tier.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub const VAR: &str = "JSC_useJIT";

/// Turns the JIT off for the web processes WebKit starts from now on,
/// unless the environment already says. Call it before any thread starts:
/// changing the environment is only sound then.
pub fn turn_off() {
    #[cfg(target_os = "linux")]
    if std::env::var_os(VAR).is_none() {
        std::env::set_var(VAR, "false");
        SET_HERE.store(true, Ordering::Relaxed);
    }
}

/// Whether the switch is the app's own (not the user's, which is theirs to
/// pass on).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
static SET_HERE: AtomicBool = AtomicBool::new(false);

/// `cmd` without the app's JavaScriptCore switch, if the app set it.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub fn for_user_program(cmd: &mut std::process::Command) -> &mut std::process::Command {
    if SET_HERE.load(Ordering::Relaxed) {
        cmd.env_remove(VAR);
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_started_for_the_user_does_not_inherit_the_apps_switch() {
        // A switch the user set is theirs: it is passed on.
        let mut cmd = std::process::Command::new("env");
        for_user_program(&mut cmd);
        assert_eq!(cmd.get_envs().count(), 0);
        // The app's own is not.
        SET_HERE.store(true, Ordering::Relaxed);
        let mut cmd = std::process::Command::new("env");
        for_user_program(&mut cmd);
        let removed: Vec<_> = cmd.get_envs().filter(|(_, v)| v.is_none()).collect();
        assert_eq!(removed, [(std::ffi::OsStr::new(VAR), None)]);
    }
}
