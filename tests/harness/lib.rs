//! Harness for Tandem's system tests: the real binaries (tandem-relay, tandem-cli,
//! tandem-desktop) on loopback, driven as named actors. Waits are on process output (events),
//! never on sleeps.

pub mod actors;
pub mod evil;
pub mod notifications;
pub mod process;
pub mod raw;
pub mod talk;
pub mod tray;
pub mod ui;

use std::path::PathBuf;

/// The folder holding the workspace's built binaries (`target/debug`), found from this test's own
/// executable (`target/debug/deps/<test>`).
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let deps = exe.parent().expect("deps folder");
    deps.parent().expect("target profile folder").to_path_buf()
}

/// Path to a workspace binary; fails with a hint if it was not built.
pub fn bin(name: &str) -> PathBuf {
    let path = bin_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is missing: build the workspace first (`cargo build --workspace`, as scripts/test does)",
        path.display()
    );
    path
}

/// Where tests leave screenshots and logs (`artifacts/` at the workspace root).
pub fn artifacts_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("artifacts");
    std::fs::create_dir_all(&dir).expect("artifacts folder");
    dir
}
