//! Helpers shared by the cross-crate tests: run the real `stf` binary and Python checks in a
//! scratch directory.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch directory, removed on drop.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temp dir"),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
}

/// Runs `stf ARGS`, panicking with its output when it fails.
pub fn stf(args: &[&str]) -> Output {
    run_stf(args, Some("warn"))
}

/// Runs a Python check script from `tests/python/`, panicking with its output on failure.
pub fn python(script: &str, args: &[&Path]) -> String {
    let path = PathBuf::from(manifest_dir())
        .join("tests/python")
        .join(script);
    let out = Command::new("python3")
        .arg(&path)
        .args(args)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{script} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

pub mod broker;
pub mod ingest;
pub mod server;

/// Polls `check` every 200 ms until it holds, panicking after `secs` seconds.
pub fn wait_until(secs: u64, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while !check() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out after {secs} s waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// Runs `stf ARGS` with the log filter the arguments give (no `STF_LOG` override), panicking
/// with its output when it fails.
pub fn stf_logged(args: &[&str]) -> Output {
    run_stf(args, None)
}

/// Runs `stf ARGS` with `STF_LOG` set to `log` (removed when `None`).
fn run_stf(args: &[&str], log: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stf"));
    cmd.args(args);
    match log {
        Some(filter) => cmd.env("STF_LOG", filter),
        None => cmd.env_remove("STF_LOG"),
    };
    let out = cmd.output().expect("stf runs");
    assert!(
        out.status.success(),
        "stf {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The package's folder: from the environment the test runner sets, so that a test binary
/// built for a checkout elsewhere (a shared build cache) still reads this one's files.
pub fn manifest_dir() -> String {
    std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_owned())
}
