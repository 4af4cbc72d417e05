//! Warming up the stretch window's files before a break that will start it cold, when no heads-up
//! started it ahead (the engine's `WarmUpWindow`).
//!
//! A kernel short of memory, or one that pages out whatever sat unused for a minute, has put the
//! window's libraries out of memory by the time the next break comes, 20 minutes or more after the
//! last. Start would then wait for the disk: on the development VM a cold window 100 s after the
//! last one painted after 656 and 1,001 ms, and after 420 and 480 ms with these files read ahead.
//!
//! The files are the window program and the libraries the dynamic loader maps for it, as `ldd`
//! lists them; the list is made the first time it is needed and kept (a few kilobytes). WebKit's
//! own processes map the same libraries. The reading is `posix_fadvise(WILLNEED)`: the kernel
//! reads ahead in the background, nothing is copied into the daemon, and a file already in memory
//! costs nothing. It runs on a short-lived thread, so the daemon never waits for the disk either.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::thread;
use std::time::Instant;

use rustix::fs::{Advice, fadvise};
use tracing::{debug, info, warn};

#[derive(Default)]
pub struct WarmUp {
    files: Arc<OnceLock<Vec<PathBuf>>>,
}

impl WarmUp {
    /// Reads `program`'s files into the disk cache, in the background.
    pub fn start(&self, program: PathBuf) {
        let files = Arc::clone(&self.files);
        let spawned = thread::Builder::new()
            .name("warm-up".into())
            .spawn(move || {
                let began = Instant::now();
                let files = files.get_or_init(|| files_of(&program));
                let asked = files.iter().filter(|file| read_ahead(file)).count();
                info!(
                    "warmed up the stretch window: {asked} of its {} files read ahead in {} ms",
                    files.len(),
                    began.elapsed().as_millis()
                );
            });
        if let Err(why) = spawned {
            warn!("cannot warm up the stretch window's files: {why}");
        }
    }
}

/// `program` and the libraries `ldd` lists for it; only `program` when `ldd` cannot list them
/// (not installed, or a stand-in script rather than a program).
fn files_of(program: &Path) -> Vec<PathBuf> {
    let mut files = vec![program.to_path_buf()];
    match Command::new("ldd")
        .arg(program)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
    {
        Ok(listed) if listed.status.success() => {
            files.extend(libraries_in(&String::from_utf8_lossy(&listed.stdout)));
        }
        Ok(listed) => debug!("ldd {} exited {}", program.display(), listed.status),
        Err(why) => debug!("cannot run ldd {}: {why}", program.display()),
    }
    files
}

/// The library files in `ldd`'s output: `libgtk-3.so.0 => /lib/…/libgtk-3.so.0 (0x…)` and the
/// loader's own `/lib64/ld-linux-x86-64.so.2 (0x…)`. The vDSO has no file, and a library that is
/// `not found` has none either.
fn libraries_in(listing: &str) -> Vec<PathBuf> {
    listing
        .lines()
        .filter_map(|line| {
            let file = line.split_once(" => ").map_or(line, |(_, file)| file);
            let file = file.rsplit_once(" (").map_or(file, |(file, _)| file).trim();
            file.starts_with('/').then(|| PathBuf::from(file))
        })
        .collect()
}

/// Asks the kernel to read the whole of `file` into the disk cache; `false` if it cannot be
/// opened or the kernel refused.
fn read_ahead(file: &Path) -> bool {
    File::open(file).is_ok_and(|opened| fadvise(&opened, 0, None, Advice::WillNeed).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_library_files_are_read_from_ldds_listing() {
        let listing = "\tlinux-vdso.so.1 (0x00007ffd0b5f2000)\n\
                       \tlibgtk-3.so.0 => /lib/x86_64-linux-gnu/libgtk-3.so.0 (0x00007f2a1c000000)\n\
                       \tlibmissing.so.2 => not found\n\
                       \tlib with space.so => /opt/odd dir/lib with space.so (0x00007f2a1b000000)\n\
                       \t/lib64/ld-linux-x86-64.so.2 (0x00007f2a1d8a1000)\n";
        assert_eq!(
            libraries_in(listing),
            [
                "/lib/x86_64-linux-gnu/libgtk-3.so.0",
                "/opt/odd dir/lib with space.so",
                "/lib64/ld-linux-x86-64.so.2",
            ]
            .map(PathBuf::from)
        );
    }

    #[test]
    fn a_program_lists_itself_and_its_libraries() {
        // This test's own executable is a dynamically linked program, like the window.
        let program = std::env::current_exe().expect("the test's executable");
        let files = files_of(&program);
        assert_eq!(files.first(), Some(&program));
        assert!(
            files.iter().any(|file| file
                .file_name()
                .is_some_and(|name| { name.to_string_lossy().starts_with("libc.so") })),
            "libc is among {files:?}"
        );
        assert!(
            files.iter().all(|file| read_ahead(file)),
            "every one of {files:?} is read ahead"
        );
    }

    #[test]
    fn a_stand_in_that_ldd_cannot_list_is_still_warmed_up() {
        let script = std::env::temp_dir().join(format!("warm-up-stand-in-{}", std::process::id()));
        std::fs::write(&script, "#!/bin/sh\nexit 0\n").expect("write the stand-in");
        assert_eq!(files_of(&script), std::slice::from_ref(&script));
        assert!(!read_ahead(&script.with_extension("gone")));
        std::fs::remove_file(&script).expect("remove the stand-in");
    }
}
