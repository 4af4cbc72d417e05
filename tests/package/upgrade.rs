//! A newer package installed over a running Unhunch (`dpkg -i`, as root, as CI runs): the daemon
//! started from `/usr/bin/unhunch` keeps running on its replaced file, and its next break starts
//! the new `/usr/bin/unhunch-window` (the very file dpkg put there, not the old one), which speaks
//! the same plan contract, paints, and reports the outcome into the history.
//!
//! The newer package is this one's binaries under a higher version (`build-deb` with
//! `UNHUNCH_DEB_VERSION`), built into the test's own folder so the other tests' package is
//! untouched.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use unhunch_tests::desktop::{Session, parent_of, use_binaries_in, wait_until};

use super::installed::{Removal, dpkg_install, installed, turn_to_install};
use super::{packaging, run, staged_root, stdout_of};
use crate::daemon::{Daemon, PROMPTLY, unhunch, wait_for_record, write_config};

fn installed_version() -> String {
    stdout_of(Command::new("dpkg-query").args(["--show", "--showformat=${Version}", "unhunch"]))
}

/// Where `/proc/PID/exe` points: the program's path, with " (deleted)" once its file was replaced.
fn executable_of(pid: u32) -> String {
    fs::read_link(format!("/proc/{pid}/exe"))
        .unwrap_or_else(|error| panic!("cannot read /proc/{pid}/exe: {error}"))
        .display()
        .to_string()
}

/// The device and inode of the file process `pid` runs (`/proc/PID/exe` followed, which reaches a
/// replaced file too).
fn file_run_by(pid: u32) -> (u64, u64) {
    let metadata = fs::metadata(format!("/proc/{pid}/exe"))
        .unwrap_or_else(|error| panic!("cannot stat /proc/{pid}/exe: {error}"));
    (metadata.dev(), metadata.ino())
}

fn file_at(path: &str) -> (u64, u64) {
    let metadata = fs::metadata(path).unwrap_or_else(|error| panic!("cannot stat {path}: {error}"));
    (metadata.dev(), metadata.ino())
}

/// Builds the newer package: the same binaries as this one, version `version`, in `folder`.
fn build_newer_deb(version: &str, folder: &Path) -> PathBuf {
    let output = run(Command::new(packaging().join("build-deb"))
        .env("UNHUNCH_BINARIES", staged_root().join("usr/bin"))
        .env("UNHUNCH_DEB_VERSION", version)
        .env("UNHUNCH_DEB_OUT", folder));
    assert!(
        output.status.success(),
        "build-deb for version {version} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let deb = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    assert!(
        deb.starts_with(folder) && deb.is_file(),
        "build-deb printed {}",
        deb.display()
    );
    deb
}

#[test]
fn a_newer_package_installed_over_a_running_unhunch_serves_the_next_break_with_the_new_window() {
    let Some((deb, _turn)) = turn_to_install() else {
        return;
    };
    let session = Session::builder().without_tray().start();
    // No break comes by itself: the one break of this test is asked for after the upgrade.
    write_config(&session, "[breaks]\ninterval = \"1h\"\n");
    let newer_version = format!("{}+upgrade.test", env!("CARGO_PKG_VERSION"));
    let newer_deb = build_newer_deb(&newer_version, &session.home().join("newer-package"));

    let _removal = Removal;
    dpkg_install(&deb);
    assert_eq!(installed_version(), env!("CARGO_PKG_VERSION"));
    use_binaries_in("/usr/bin");
    let mut daemon = Daemon::start(&session, None);
    assert_eq!(executable_of(daemon.pid()), "/usr/bin/unhunch");
    let old_window = file_at("/usr/bin/unhunch-window");

    dpkg_install(&newer_deb);
    assert_eq!(installed_version(), newer_version);
    // The daemon runs on: its file is the one dpkg replaced.
    assert!(!daemon.has_exited(), "the upgrade stopped the daemon");
    assert_eq!(executable_of(daemon.pid()), "/usr/bin/unhunch (deleted)");
    let new_window = file_at("/usr/bin/unhunch-window");
    assert_ne!(
        new_window, old_window,
        "dpkg put a new unhunch-window in place"
    );

    assert!(unhunch(&session, &["stretch-now"]).status.success());
    let started = wait_for_record(&session, "started", None);
    let window = wait_until("the stretch window process runs", PROMPTLY, || {
        session
            .leftover_processes()
            .into_iter()
            .find(|process| {
                parent_of(process.pid) == Some(daemon.pid())
                    && process.command_line.contains("unhunch-window")
            })
            .ok_or_else(|| session.leftover_processes())
    });
    let window_pid = window.pid as u32;
    assert_eq!(
        executable_of(window_pid),
        "/usr/bin/unhunch-window",
        "the window runs a program that is still installed, not a replaced one"
    );
    assert_eq!(
        file_run_by(window_pid),
        new_window,
        "the window is the new /usr/bin/unhunch-window"
    );

    let log = session.state_dir().join("unhunch/unhunch.log");
    wait_until(
        "the new stretch window painted",
        Duration::from_secs(60),
        || fs::read_to_string(&log).is_ok_and(|text| text.contains("window painted")),
    );
    let on_screen = wait_until("the stretch window is on screen", PROMPTLY, || {
        session.visible_windows_of(window_pid).into_iter().next()
    });
    // Escape in the window skips the break: the new window reports to the old daemon.
    session.press_keys_in_window(&on_screen, &["Escape"]);
    wait_for_record(&session, "skipped", started["break_id"].as_u64());
    let log_text = fs::read_to_string(&log).unwrap_or_default();
    assert!(!log_text.contains("speaks plan contract"), "{log_text}");

    assert!(unhunch(&session, &["quit"]).status.success());
    daemon.child.wait().expect("the daemon exits after quit");
    let removing = run(Command::new("dpkg").args(["--remove", "unhunch"]));
    assert!(
        removing.status.success() && !installed(),
        "dpkg --remove failed: {}{}",
        String::from_utf8_lossy(&removing.stdout),
        String::from_utf8_lossy(&removing.stderr)
    );
    assert!(!Path::new("/usr/bin/unhunch-window").exists());
}
