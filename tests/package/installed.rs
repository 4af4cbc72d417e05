//! The package installed for real (`dpkg -i`, as root, as CI runs): a whole break with
//! `/usr/bin/unhunch` in a test desktop session, then `dpkg -r`, after which nothing of the package
//! is left and the user's files are as they were.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::MutexGuard;
use std::time::Duration;

use unhunch_tests::desktop::{Session, bin_path, use_binaries_in, wait_until};

use super::{deb_path, dpkg_turn, run, stdout_of, top};
use crate::daemon::{
    Daemon, PROMPTLY, daemon_tray_item, history, unhunch, wait_for_notification, wait_for_record,
    window_processes, write_config,
};

/// The .deb and this test's turn with dpkg, or `None` (said on stderr) when the test cannot
/// install packages because it does not run as root. Panics when Unhunch is already installed: the
/// tests install and remove the package, and must not take away one the machine's owner installed.
pub(super) fn turn_to_install() -> Option<(PathBuf, MutexGuard<'static, ()>)> {
    if !rustix::process::geteuid().is_root() {
        eprintln!(
            "skipped: installing the .deb with dpkg needs root (CI runs as root); \
             the package's contents are checked by the other package tests"
        );
        return None;
    }
    let deb = deb_path();
    let turn = dpkg_turn();
    assert!(
        !installed(),
        "unhunch is already installed on this machine; this test installs and removes the package, \
         so remove it first (`dpkg -r unhunch`)"
    );
    Some((deb, turn))
}

/// `dpkg -i DEB`, which must succeed.
pub(super) fn dpkg_install(deb: &Path) {
    let installing = run(Command::new("dpkg").arg("--install").arg(deb));
    assert!(
        installing.status.success() && installed(),
        "dpkg --install {} failed: {}{}",
        deb.display(),
        String::from_utf8_lossy(&installing.stdout),
        String::from_utf8_lossy(&installing.stderr)
    );
}

/// Whether dpkg counts the package as installed.
pub(super) fn installed() -> bool {
    let output =
        run(Command::new("dpkg-query").args(["--show", "--showformat=${Status}", "unhunch"]));
    String::from_utf8_lossy(&output.stdout).contains("install ok installed")
}

/// Removes the package when the test ends, even when it fails half-way, so no run leaves it installed.
pub(super) struct Removal;

impl Drop for Removal {
    fn drop(&mut self) {
        if installed() {
            let _ = Command::new("dpkg").args(["--remove", "unhunch"]).output();
        }
    }
}

/// Every file under the user's Unhunch folders (config, data, state), with its bytes.
fn user_files(session: &Session) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut folders: Vec<PathBuf> = [
        session.config_dir(),
        session.data_dir(),
        session.state_dir(),
    ]
    .iter()
    .map(|folder| folder.join("unhunch"))
    .collect();
    while let Some(folder) = folders.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("read a folder entry").path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let bytes = fs::read(&path).expect("read a user file");
                files.insert(path, bytes);
            }
        }
    }
    files
}

#[test]
fn the_installed_package_runs_a_whole_break_and_removing_it_keeps_the_users_files() {
    let Some((deb, _turn)) = turn_to_install() else {
        return;
    };
    let package_files: Vec<PathBuf> =
        stdout_of(Command::new("dpkg-deb").arg("--contents").arg(&deb))
            .lines()
            .filter(|line| line.starts_with('-'))
            .filter_map(|line| line.split_whitespace().last())
            .map(|path| PathBuf::from(path.trim_start_matches('.')))
            .collect();
    assert!(package_files.contains(&PathBuf::from("/usr/bin/unhunch")));

    // The user already has settings and a routine of their own.
    let session = Session::builder().start();
    write_config(
        &session,
        "[breaks]\ninterval = \"5s\"\nheads_up = \"3s\"\nsnooze = \"2m\"\n",
    );
    let routines = session.data_dir().join("unhunch/routines");
    fs::create_dir_all(&routines).expect("create the user's routines folder");
    fs::copy(
        top().join("routines/seated-twist.toml"),
        routines.join("seated-twist.toml"),
    )
    .expect("copy a routine into the user's folder");

    let _removal = Removal;
    dpkg_install(&deb);
    assert_eq!(
        stdout_of(Command::new("/usr/bin/unhunch").arg("--version")),
        format!("unhunch {}\n", env!("CARGO_PKG_VERSION"))
    );
    assert!(Path::new("/usr/share/applications/unhunch.desktop").is_file());
    assert!(Path::new("/usr/share/man/man1/unhunch.1.gz").is_file());

    // From here on every helper runs the installed binaries, not the build tree's.
    use_binaries_in("/usr/bin");
    assert_eq!(bin_path("unhunch"), Path::new("/usr/bin/unhunch"));
    let mut daemon = Daemon::start(&session, None);
    daemon_tray_item(&session, &daemon);
    wait_for_notification(&session, "the break notification", |notification| {
        notification.summary.starts_with("Time to unhunch — ")
    });
    // A click on the notification starts the break: the installed daemon starts the installed window.
    session.dunst_action(0);
    let started = wait_for_record(&session, "started", None);
    let window = wait_until("the stretch window process runs", PROMPTLY, || {
        session
            .leftover_processes()
            .into_iter()
            .find(|process| process.command_line.contains("unhunch-window"))
            .ok_or_else(|| window_processes(&session, &daemon))
    });
    assert!(
        window.command_line.starts_with("/usr/bin/unhunch-window"),
        "the daemon started another window program: {}",
        window.command_line
    );
    let log = session.state_dir().join("unhunch/unhunch.log");
    wait_until(
        "the stretch window painted",
        Duration::from_secs(60),
        || fs::read_to_string(&log).is_ok_and(|text| text.contains("window painted")),
    );
    let on_screen = wait_until("the stretch window is on screen", PROMPTLY, || {
        session
            .visible_windows_of(window.pid as u32)
            .into_iter()
            .next()
    });
    // Escape in the window skips the break: the window itself reports the outcome.
    session.press_keys_in_window(&on_screen, &["Escape"]);
    wait_for_record(&session, "skipped", started["break_id"].as_u64());
    assert!(unhunch(&session, &["quit"]).status.success());
    daemon.child.wait().expect("the daemon exits after quit");
    assert!(history(&session).len() >= 2);

    let before = user_files(&session);
    assert!(
        before.keys().any(|path| path.ends_with("config.toml"))
            && before.keys().any(|path| path.ends_with("history.jsonl"))
            && before
                .keys()
                .any(|path| path.ends_with("seated-twist.toml")),
        "{:?}",
        before.keys()
    );
    let removing = run(Command::new("dpkg").args(["--remove", "unhunch"]));
    assert!(
        removing.status.success() && !installed(),
        "dpkg --remove failed: {}{}",
        String::from_utf8_lossy(&removing.stdout),
        String::from_utf8_lossy(&removing.stderr)
    );
    let left: Vec<&PathBuf> = package_files.iter().filter(|path| path.exists()).collect();
    assert!(left.is_empty(), "dpkg --remove left {left:?}");
    assert!(!Path::new("/usr/share/doc/unhunch").exists());
    assert_eq!(
        user_files(&session),
        before,
        "removing the package changed the user's files"
    );
}
