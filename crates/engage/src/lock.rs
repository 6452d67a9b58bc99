//! A per-profile lock shared by every process on this machine (the app, a
//! second instance racing at start-up, the command line): refresh tokens
//! are single-use, so only one process may renew a profile at a time.
//!
//! It is an OS file lock (`flock` on Unix, `LockFileEx` on Windows, through
//! the standard library) on a file in the app's data folder. The OS drops
//! it when the process dies, so a crash never leaves a profile locked.

use std::fs::File;
use std::path::{Path, PathBuf};

/// The lock file of one profile.
#[derive(Debug, Clone)]
pub struct ProfileLock {
    path: PathBuf,
}

/// Held while renewing; dropping it lets the next process in.
#[derive(Debug)]
pub struct LockGuard {
    _file: File,
}

impl ProfileLock {
    /// The lock for `profile` under `dir`. Profile names may hold spaces and
    /// any letter, so the file is named by the name's bytes in hex.
    pub fn new(dir: &Path, profile: &str) -> Self {
        let hex: String = profile.bytes().map(|b| format!("{b:02x}")).collect();
        ProfileLock {
            path: dir.join(format!("{hex}.lock")),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Waits until no other process holds the lock, then takes it. Blocks:
    /// call it off the async workers.
    pub fn acquire(&self) -> std::io::Result<LockGuard> {
        let file = self.open()?;
        file.lock()?;
        Ok(LockGuard { _file: file })
    }

    /// Takes the lock only if it is free now.
    pub fn try_acquire(&self) -> std::io::Result<Option<LockGuard>> {
        let file = self.open()?;
        match file.try_lock() {
            Ok(()) => Ok(Some(LockGuard { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(e),
        }
    }

    fn open(&self) -> std::io::Result<File> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let lock = ProfileLock::new(dir.path(), "Sandbox EU/ü");
        assert!(lock
            .path()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .is_ascii());
        let first = lock.acquire().unwrap();
        assert!(lock.try_acquire().unwrap().is_none(), "taken twice");
        let second = lock.clone();
        let waiter = std::thread::spawn(move || second.acquire().map(|_| ()));
        drop(first);
        waiter.join().unwrap().unwrap();
        assert!(lock.try_acquire().unwrap().is_some());
        // Other profiles never wait on this one.
        let _a = ProfileLock::new(dir.path(), "a").acquire().unwrap();
        assert!(ProfileLock::new(dir.path(), "b")
            .try_acquire()
            .unwrap()
            .is_some());
    }
}
