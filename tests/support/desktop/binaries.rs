//! Finds the binaries built from this workspace, for the tests and the benchmark to run.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A folder [`bin_path`] looks in before any other, set by [`use_binaries_in`].
static FIRST_FOLDER: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Makes [`bin_path`] (and so every helper that starts `unhunch`) find binaries in `folder` first,
/// for the rest of this test process: the package test points it at `/usr/bin` to run the
/// installed package instead of the build tree's binaries.
pub fn use_binaries_in(folder: impl Into<PathBuf>) {
    *FIRST_FOLDER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(folder.into());
}

/// The path of a binary built from this workspace, such as `bin_path("unhunch")`.
///
/// Looks in the folder given to [`use_binaries_in`], if any, then next to the running test or benchmark executable (`target/<profile>/`), then in
/// `UNHUNCH_BIN_DIR`, then in `$CARGO_TARGET_DIR/debug` and the workspace's `target/debug`.
/// Panics, saying to run `cargo build --workspace`, when it is in none of them.
pub fn bin_path(name: &str) -> PathBuf {
    if let Some(path) = find_bin(name) {
        return path;
    }
    let searched: Vec<String> = binary_folders()
        .iter()
        .map(|folder| folder.display().to_string())
        .collect();
    panic!(
        "the binary `{name}` was not found in {}; run `cargo build --workspace` (with the same \
         CARGO_TARGET_DIR and profile as the tests) first",
        searched.join(", ")
    );
}

/// Where [`bin_path`] finds `name`, or `None` when it is not built.
pub fn find_bin(name: &str) -> Option<PathBuf> {
    binary_folders()
        .into_iter()
        .map(|folder| folder.join(name))
        .find(|path| path.is_file())
}

fn binary_folders() -> Vec<PathBuf> {
    let mut folders = Vec::new();
    folders.extend(
        FIRST_FOLDER
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone(),
    );
    if let Ok(executable) = std::env::current_exe()
        && let Some(folder) = executable.parent()
    {
        // Test binaries live in target/<profile>/deps, other binaries in target/<profile>.
        if folder.file_name() == Some(OsStr::new("deps")) {
            folders.extend(folder.parent().map(Path::to_path_buf));
        } else {
            folders.push(folder.to_path_buf());
        }
    }
    if let Some(folder) = std::env::var_os("UNHUNCH_BIN_DIR") {
        folders.push(folder.into());
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        folders.push(PathBuf::from(target).join("debug"));
    }
    folders.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/debug"));
    folders
}
