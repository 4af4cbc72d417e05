//! The .deb and the files that go with it (`src-tauri/packaging/`): the manual page says what
//! `--help` says, the package holds what `install-files` lists with computed dependencies, lintian
//! and the desktop validators accept it, and, as root, it installs, runs a whole break from
//! `/usr/bin` and removes cleanly, and a newer package installed over a running Unhunch serves
//! its next break with the new window.
//!
//! `make package` builds the .deb first (`make test` does); these tests read it from `target/debian/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, MutexGuard};

use unhunch_tests::daemon;

mod deb;
mod installed;
mod man_page;
mod upgrade;

/// Held by each test that installs the package with dpkg: there is one dpkg database, and each of
/// them installs and removes the one package `unhunch`.
fn dpkg_turn() -> MutexGuard<'static, ()> {
    static DPKG: Mutex<()> = Mutex::new(());
    DPKG.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The workspace's top folder.
fn top() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent folder")
        .to_path_buf()
}

fn packaging() -> PathBuf {
    top().join("src-tauri/packaging")
}

/// The target folder `make package` wrote into.
fn target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| top().join("target"), PathBuf::from)
}

/// The tree the .deb was built from: its files as installed under `/`.
fn staged_root() -> PathBuf {
    target().join("debian/build/debian/unhunch")
}

/// The .deb of this version for this machine; panics, saying to run `make package`, when missing.
fn deb_path() -> PathBuf {
    let arch = stdout_of(Command::new("dpkg").arg("--print-architecture"));
    let path = target().join(format!(
        "debian/unhunch_{}_{}.deb",
        env!("CARGO_PKG_VERSION"),
        arch.trim()
    ));
    assert!(
        path.is_file(),
        "{} is missing: build it with `make package` (`make test` does) before these tests",
        path.display()
    );
    path
}

/// Runs a command, panicking with its output when it cannot start.
fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|error| panic!("cannot run {command:?}: {error}"))
}

/// Runs a command that must succeed and returns its stdout.
fn stdout_of(command: &mut Command) -> String {
    let output = run(command);
    assert!(
        output.status.success(),
        "{command:?} failed ({}): {}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}
