//! See `main.rs`: the files part of the fault and bad-input suite. The history, config and routine
//! files are damaged, made unwritable, replaced by named pipes, and their folders replaced, while
//! a real daemon runs in a private session; every test also checks `unhunch status` still answers.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use unhunch_tests::daemon::{
    Daemon, PROMPTLY, config_file, daemon_stderr, history_file, status, stderr, stdout,
    unhunch_notifications, wait_for_notification, write_config,
};
use unhunch_tests::desktop::{SeenNotification, Session, bin_path, wait_until};

const TEN_MINUTES: &str = "[breaks]\ninterval = \"10m\"\nheads_up = \"0s\"\n";

#[test]
fn a_torn_last_history_line_is_ended_before_the_next_record_so_only_the_fragment_is_damaged() {
    let session = Session::builder()
        .without_tray()
        .without_notifications()
        .start();
    let whole = r#"{"at":"2026-01-05T09:00:00Z","event":"skipped","break_id":4}"#;
    // What a crash or a full disk mid-append leaves: a whole line, then half of the next one.
    let torn = r#"{"at":"2026-01-05T09:25:00Z","event":"star"#;
    let before = format!("{whole}\n{torn}");
    fs::create_dir_all(history_file(&session).parent().unwrap()).unwrap();
    fs::write(history_file(&session), &before).unwrap();
    let _daemon = Daemon::start(&session, Some(TEN_MINUTES));

    run_promptly(&session, &["skip"]);
    let text = wait_until("the skip is in the history", PROMPTLY, || {
        let text = fs::read_to_string(history_file(&session)).unwrap();
        text.contains("\"skipped\",\"break_id\":5").then_some(text)
    });

    assert!(
        text.starts_with(&format!("{before}\n")),
        "the file is kept as it was and the torn line is ended: {text:?}"
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text:?}");
    let added: Value = serde_json::from_str(lines[2])
        .unwrap_or_else(|error| panic!("the new record is not a whole line ({error}): {text:?}"));
    assert_eq!(added["event"], "skipped");
    assert_eq!(added["break_id"], 5, "ids go on from the whole line's");
    assert!(text.ends_with('\n'));
    // Only the fragment is reported as damaged, by `unhunch history` as by the daemon.
    let history = run_promptly(&session, &["history", "--json"]);
    assert!(history.status.success(), "{}", stderr(&history));
    assert!(
        stderr(&history).contains("history.jsonl:2: skipped a damaged history line"),
        "{}",
        stderr(&history)
    );
    assert!(!stderr(&history).contains("history.jsonl:3"));
    assert_eq!(status(&session)["state"], "working");
}

#[test]
fn a_full_disk_loses_no_break_and_the_user_is_told_once_and_again_when_it_works() {
    let session = Session::builder().without_tray().start();
    let data = history_file(&session).parent().unwrap().to_path_buf();
    // A 16 KiB disk of its own for the data folder, filled up before the first record.
    let disk = Tmpfs::mount(&data, "size=16k");
    let _daemon = Daemon::start(&session, Some(TEN_MINUTES));
    let filler = fill_up(&data);

    run_promptly(&session, &["pause", "30m"]);
    let told = wait_for_notification(
        &session,
        "the user is told the history cannot be written",
        |n| n.summary == "Unhunch cannot save your breaks",
    );
    assert!(
        told.body
            .contains(&history_file(&session).display().to_string())
            && told.body.contains("The disk is full: free some space."),
        "names the file and what to do: {}",
        told.body
    );
    run_promptly(&session, &["resume"]);
    run_promptly(&session, &["skip"]);
    assert_eq!(status(&session)["state"], "working", "status answers");
    assert_eq!(
        told_about_history(&session),
        1,
        "told once per outage, not per break"
    );
    assert!(
        fs::read(history_file(&session))
            .unwrap_or_default()
            .is_empty(),
        "nothing half-written is left on the full disk"
    );

    fs::remove_file(&filler).unwrap();
    let again = wait_for_notification(&session, "the user is told it works again", |n| {
        n.summary == "Unhunch saves your breaks again"
    });
    assert!(
        again
            .body
            .contains("the 3 break records kept in memory are now written"),
        "{}",
        again.body
    );
    assert_eq!(
        events(&session),
        ["paused", "resumed", "skipped"],
        "in order, none lost"
    );
    assert_eq!(
        told_about_history(&session),
        2,
        "one notice when it failed, one when it worked"
    );
    drop(disk);
}

#[test]
fn a_read_only_folder_or_a_folder_in_the_way_keeps_breaks_in_memory_until_the_history_can_be_written()
 {
    let session = Session::builder().without_tray().start();
    let data = history_file(&session).parent().unwrap().to_path_buf();
    let disk = Tmpfs::mount(&data, "size=1m");
    let _daemon = Daemon::start(&session, Some(TEN_MINUTES));
    run_promptly(&session, &["skip"]);
    wait_until("the first record is written", PROMPTLY, || {
        events(&session).len() == 1
    });

    // A read-only folder, for real: the file system itself is read-only, which root cannot write
    // to either.
    disk.remount("ro");
    run_promptly(&session, &["pause", "30m"]);
    let told = wait_for_notification(&session, "told the history cannot be written", |n| {
        n.summary == "Unhunch cannot save your breaks"
    });
    assert!(
        told.body
            .contains(&history_file(&session).display().to_string())
            && told
                .body
                .contains("The folder is read-only: make it writable again."),
        "{}",
        told.body
    );
    run_promptly(&session, &["resume"]);
    assert_eq!(status(&session)["state"], "working", "status answers");
    assert_eq!(events(&session), ["skipped"]);
    disk.remount("rw");
    wait_for_notification(&session, "told it works again", |n| {
        n.summary == "Unhunch saves your breaks again"
            && n.body
                .contains("the 2 break records kept in memory are now written")
    });
    assert_eq!(events(&session), ["skipped", "paused", "resumed"]);

    // A folder where the history file should be.
    let kept_aside = data.join("history.jsonl.kept");
    fs::rename(history_file(&session), &kept_aside).unwrap();
    fs::create_dir(history_file(&session)).unwrap();
    run_promptly(&session, &["skip"]);
    let told = wait_for_notification(&session, "told again: a new outage", |n| {
        n.summary == "Unhunch cannot save your breaks"
    });
    assert!(
        told.body.contains("it is a folder, not a regular file")
            && told.body.contains("Move it away"),
        "{}",
        told.body
    );
    run_promptly(&session, &["pause", "1h"]);
    assert_eq!(status(&session)["state"], "paused", "status answers");
    fs::remove_dir(history_file(&session)).unwrap();
    fs::rename(&kept_aside, history_file(&session)).unwrap();
    wait_for_notification(&session, "told it works again", |n| {
        n.summary == "Unhunch saves your breaks again"
            && n.body
                .contains("the 2 break records kept in memory are now written")
    });
    assert_eq!(
        events(&session),
        ["skipped", "paused", "resumed", "skipped", "paused"],
        "every break, in order"
    );
    drop(disk);
}

#[test]
fn named_pipes_where_files_should_be_are_refused_with_a_message_and_nothing_hangs() {
    let session = Session::builder().without_tray().start();
    // The history is a named pipe from the start: reading it must not block the daemon's start.
    fs::create_dir_all(history_file(&session).parent().unwrap()).unwrap();
    make_fifo(&history_file(&session));
    let _daemon = Daemon::start(&session, Some(TEN_MINUTES));
    let next_break_at = status(&session)["next_break_at"].clone();
    let routines = routines_dir(&session);
    fs::create_dir_all(&routines).unwrap();

    // A named pipe among the routines, then a routine change that makes the daemon read them.
    make_fifo(&routines.join("pipe.toml"));
    fs::write(routines.join("mine.toml"), my_routine("mine")).unwrap();
    let told = wait_for_notification(&session, "told about the pipe among the routines", |n| {
        n.summary.contains("routine") && n.body.contains("pipe.toml")
    });
    assert!(
        told.body
            .contains("is a named pipe (FIFO), not a regular file")
            && told.body.contains("Remove it, or rename it"),
        "{}",
        told.body
    );
    wait_until("the good routine still loads", PROMPTLY, || {
        daemon_stderr(&session).contains(&format!(
            "routines changed: {} routines available",
            builtin_routines() + 1
        ))
    });
    let checked = run_promptly(&session, &["routines", "check"]);
    assert_eq!(checked.status.code(), Some(1));
    assert!(
        stderr(&checked).contains("pipe.toml: is a named pipe (FIFO), not a regular file"),
        "{}",
        stderr(&checked)
    );

    // config.toml replaced by a named pipe: the settings are kept and the user is told.
    // Made aside and moved in, so the daemon never sees a moment without config.toml.
    let staged = config_file(&session).with_file_name("config.fifo");
    make_fifo(&staged);
    fs::rename(&staged, config_file(&session)).unwrap();
    let told = wait_for_notification(&session, "told about the pipe as config.toml", |n| {
        n.summary.contains("kept your previous settings")
    });
    assert!(
        told.body.contains("config.toml")
            && told
                .body
                .contains("is a named pipe (FIFO), not a regular file")
            && told.body.contains("Replace it with a regular file"),
        "{}",
        told.body
    );
    assert_eq!(
        status(&session)["next_break_at"],
        next_break_at,
        "settings kept"
    );
    let checked = run_promptly(&session, &["config", "check"]);
    assert_eq!(checked.status.code(), Some(1));
    assert!(
        stderr(&checked).contains("named pipe"),
        "{}",
        stderr(&checked)
    );

    // The history as a pipe: the skip waits in memory, the user is told, nothing blocks.
    run_promptly(&session, &["skip"]);
    let told = wait_for_notification(&session, "told the history cannot be written", |n| {
        n.summary == "Unhunch cannot save your breaks"
    });
    assert!(
        told.body
            .contains("it is a named pipe (FIFO), not a regular file"),
        "{}",
        told.body
    );
    let history = run_promptly(&session, &["history"]);
    assert_eq!(history.status.code(), Some(1), "{}", stdout(&history));
    assert!(
        stderr(&history).contains("named pipe"),
        "{}",
        stderr(&history)
    );
    assert_eq!(status(&session)["state"], "working", "status answers");
    fs::remove_file(history_file(&session)).unwrap();
    wait_until("the skip reaches the history", PROMPTLY, || {
        events(&session) == ["skipped"]
    });
}

#[test]
fn replacing_the_config_and_routines_folders_keeps_every_later_save_applying() {
    let session = Session::builder()
        .without_tray()
        .without_notifications()
        .start();
    let _daemon = Daemon::start(&session, Some(TEN_MINUTES));
    let config_dir = config_file(&session).parent().unwrap().to_path_buf();

    // As a sync tool does: the whole folder goes, and a new one with the file comes.
    fs::remove_dir_all(&config_dir).unwrap();
    fs::create_dir(&config_dir).unwrap();
    write_config(&session, "[breaks]\ninterval = \"20m\"\n");
    wait_for_break_in(&session, 1140..=1200);
    write_config(&session, "[breaks]\ninterval = \"30m\"\n");
    wait_for_break_in(&session, 1740..=1800);
    // Replaced by moving a new folder over it, the old one kept aside.
    let staged = config_dir.with_file_name("unhunch.new");
    fs::create_dir(&staged).unwrap();
    fs::write(staged.join("config.toml"), "[breaks]\ninterval = \"40m\"\n").unwrap();
    fs::rename(&config_dir, config_dir.with_file_name("unhunch.old")).unwrap();
    fs::rename(&staged, &config_dir).unwrap();
    wait_for_break_in(&session, 2340..=2400);
    write_config(&session, "[breaks]\ninterval = \"15m\"\n");
    wait_for_break_in(&session, 840..=900);
    // The old folder is not listened to any more.
    fs::write(
        config_dir.with_file_name("unhunch.old").join("config.toml"),
        "[breaks]\ninterval = \"50m\"\n",
    )
    .unwrap();

    let routines = routines_dir(&session);
    let loaded = |count: usize| format!("routines changed: {count} routines available");
    fs::remove_dir_all(&routines).unwrap();
    fs::create_dir(&routines).unwrap();
    fs::write(routines.join("one.toml"), my_routine("one")).unwrap();
    wait_until("the routine in the new folder loads", PROMPTLY, || {
        daemon_stderr(&session).contains(&loaded(builtin_routines() + 1))
    });
    fs::write(routines.join("two.toml"), my_routine("two")).unwrap();
    wait_until("a later save in the new folder loads too", PROMPTLY, || {
        daemon_stderr(&session).contains(&loaded(builtin_routines() + 2))
    });
    let secs = status(&session)["next_break_in_secs"].as_u64().unwrap();
    assert!(
        (800..=900).contains(&secs),
        "the moved-away folder changed nothing: {secs}"
    );
}

#[test]
fn a_save_that_moves_the_old_file_away_first_restarts_nothing_and_a_real_change_applies_within_a_second()
 {
    let session = Session::builder()
        .without_tray()
        .without_notifications()
        .start();
    let _daemon = Daemon::start(&session, Some(TEN_MINUTES));
    let before = status(&session);
    let reloads = || {
        daemon_stderr(&session)
            .matches("config.toml changed: reloading it")
            .count()
    };

    // As vim and others save: the old file is renamed to a backup, then the new one is written.
    save_by_moving_away(&config_file(&session), TEN_MINUTES);
    wait_until("the daemon reloaded config.toml", PROMPTLY, || {
        reloads() == 1
    });
    let after = status(&session);
    assert_eq!(
        after["next_break_at"], before["next_break_at"],
        "the countdown goes on"
    );
    let log = daemon_stderr(&session);
    assert!(!log.contains("using the default settings"), "{log}");
    assert!(!log.contains("settings changed"), "{log}");

    let saved_at = Instant::now();
    save_by_moving_away(
        &config_file(&session),
        "[breaks]\ninterval = \"20m\"\nheads_up = \"0s\"\n",
    );
    wait_for_break_in_within(&session, 1140..=1200, Duration::from_secs(1));
    let took = saved_at.elapsed();
    assert_eq!(reloads(), 2, "one reload per save");
    assert_eq!(
        daemon_stderr(&session).matches("settings changed").count(),
        1,
        "the change applied once, with no default settings between"
    );
    println!("a real change applied {took:?} after the save");
}

/// Runs `unhunch ARGS…`, failing the test if it does not finish promptly (a hang).
fn run_promptly(session: &Session, arguments: &[&str]) -> Output {
    let mut child = session
        .command(bin_path("unhunch"))
        .args(arguments)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the unhunch command");
    let finished = unhunch_tests::desktop::try_wait_until(
        &format!("`unhunch {}` finishes", arguments.join(" ")),
        PROMPTLY,
        || {
            child
                .try_wait()
                .expect("ask whether unhunch exited")
                .is_some()
        },
    );
    if let Err(timed_out) = finished {
        let _ = child.kill();
        let _ = child.wait();
        panic!("{timed_out}");
    }
    child.wait_with_output().expect("read unhunch's output")
}

/// The `event` of every history record; panics on a line that is not a whole record.
fn events(session: &Session) -> Vec<String> {
    fs::read_to_string(history_file(session))
        .unwrap_or_default()
        .lines()
        .map(|line| {
            let record: Value = serde_json::from_str(line)
                .unwrap_or_else(|error| panic!("history line {line:?} is damaged: {error}"));
            record["event"].as_str().unwrap_or_default().to_owned()
        })
        .collect()
}

/// How many times the daemon sent a notice about the history (a replaced one counts each time).
fn told_about_history(session: &Session) -> u32 {
    let about_history = |notification: &SeenNotification| {
        notification.summary.contains("save your breaks")
            || notification.summary.contains("saves your breaks")
    };
    unhunch_notifications(session)
        .iter()
        .filter(|notification| about_history(notification))
        .map(|notification| notification.replaced + 1)
        .sum()
}

fn wait_for_break_in(session: &Session, seconds: std::ops::RangeInclusive<u64>) {
    wait_for_break_in_within(session, seconds, PROMPTLY);
}

fn wait_for_break_in_within(
    session: &Session,
    seconds: std::ops::RangeInclusive<u64>,
    timeout: Duration,
) {
    wait_until(
        &format!("the next break is in {seconds:?} s"),
        timeout,
        || {
            let status = status(session);
            let secs = status["next_break_in_secs"].as_u64().unwrap_or_default();
            if seconds.contains(&secs) {
                Ok(())
            } else {
                Err(status)
            }
        },
    );
}

fn save_by_moving_away(path: &Path, text: &str) {
    let mut backup = path.as_os_str().to_owned();
    backup.push("~");
    fs::rename(path, &backup).unwrap();
    let mut file = fs::File::create(path).unwrap();
    file.write_all(text.as_bytes()).unwrap();
}

fn routines_dir(session: &Session) -> PathBuf {
    session.data_dir().join("unhunch").join("routines")
}

fn builtin_routines() -> usize {
    unhunch_core::routine::RoutineSet::builtin().all().len()
}

/// A valid routine of the user's own, a copy of a built-in one under another id and name.
fn my_routine(id: &str) -> String {
    let builtin = Path::new(env!("CARGO_MANIFEST_DIR")).join("../routines/chair-twist.toml");
    fs::read_to_string(builtin)
        .unwrap()
        .replace("id = \"chair-twist\"", &format!("id = \"{id}\""))
        .replace("name = \"Chair Twist\"", &format!("name = \"Twist {id}\""))
}

fn make_fifo(path: &Path) {
    let made = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(made.success(), "mkfifo {}", path.display());
}

/// Fills the disk `dir` is on until writing fails with "no space left"; returns the filler file.
fn fill_up(dir: &Path) -> PathBuf {
    let filler = dir.join("filler");
    let mut file = fs::File::create(&filler).unwrap();
    let chunk = [b'x'; 1024];
    loop {
        match file.write(&chunk) {
            Ok(0) => break,
            Ok(_) => {}
            Err(error) if error.raw_os_error() == Some(28) => break,
            Err(error) => panic!("filling {} failed: {error}", dir.display()),
        }
    }
    filler
}

/// A small tmpfs mounted over a folder of the test's session: a disk of its own that can be full
/// or read-only for real. Mounting needs root, as CI runs the suite.
struct Tmpfs {
    path: PathBuf,
}

impl Tmpfs {
    fn mount(path: &Path, options: &str) -> Tmpfs {
        let uid = String::from_utf8(Command::new("id").arg("-u").output().unwrap().stdout).unwrap();
        assert_eq!(
            uid.trim(),
            "0",
            "this fault needs root to mount a tiny disk (CI runs the suite as root)"
        );
        fs::create_dir_all(path).unwrap();
        mount(&[
            "-t",
            "tmpfs",
            "-o",
            options,
            "unhunch-test",
            &path.display().to_string(),
        ]);
        Tmpfs {
            path: path.to_path_buf(),
        }
    }

    fn remount(&self, mode: &str) {
        mount(&[
            "-o",
            &format!("remount,{mode}"),
            &self.path.display().to_string(),
        ]);
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Passed or failed, the test leaves no mount behind; lazily, as the daemon may still be
        // running in the folder.
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

fn mount(arguments: &[&str]) {
    let output = Command::new("mount").args(arguments).output().unwrap();
    assert!(
        output.status.success(),
        "mount {arguments:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
