//! The `unhunch` command: every daemon command round-trips over D-Bus, a second start finds the
//! first, no daemon is explained, and the file commands work without a daemon.

use std::fs;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use unhunch_tests::desktop::{Session, wait_until};

use crate::daemon::{
    BUS_NAME, Daemon, PROMPTLY, history, history_file, seconds_from_now, status, stderr, stdout,
    unhunch, wait_for_record,
};

const TEN_MINUTES: &str = "[breaks]\ninterval = \"10m\"\nheads_up = \"0s\"\n";

#[test]
fn every_daemon_command_round_trips() {
    let session = Session::builder().without_tray().start();
    let mut daemon = Daemon::start(&session, Some(TEN_MINUTES));

    let text = unhunch(&session, &["status"]);
    assert!(text.status.success());
    assert!(
        stdout(&text).starts_with("Next break in 10 min"),
        "{}",
        stdout(&text)
    );
    let json = status(&session);
    assert_eq!(json["state"], "working");
    let in_secs = json["next_break_in_secs"]
        .as_u64()
        .expect("next_break_in_secs");
    assert!((590..=600).contains(&in_secs), "{json}");
    assert_eq!(json["snoozes_used"], 0);
    assert!(json["paused_until"].is_null());

    // Nothing is due: snoozing is refused with a reason and a non-zero exit.
    let refused = unhunch(&session, &["snooze"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("No break is due"),
        "{}",
        stderr(&refused)
    );

    let skipped = unhunch(&session, &["skip"]);
    assert!(skipped.status.success(), "{}", stderr(&skipped));
    assert!(
        stdout(&skipped).starts_with("Skipped. Next break in 10 min"),
        "{}",
        stdout(&skipped)
    );
    wait_for_record(&session, "skipped", None);

    let paused = unhunch(&session, &["pause", "30m"]);
    assert!(paused.status.success(), "{}", stderr(&paused));
    let json = status(&session);
    assert_eq!(json["state"], "paused");
    assert!(
        (1790..=1800).contains(&seconds_from_now(&json["paused_until"])),
        "{json}"
    );
    assert!(json["next_break_at"].is_null());

    let until = unhunch(&session, &["pause", "2099-01-01T08:00:00Z"]);
    assert!(until.status.success(), "{}", stderr(&until));
    assert_eq!(status(&session)["paused_until"], "2099-01-01T08:00:00Z");

    let tomorrow = unhunch(&session, &["pause", "until-tomorrow"]);
    assert!(tomorrow.status.success(), "{}", stderr(&tomorrow));
    let json = status(&session);
    let secs = seconds_from_now(&json["paused_until"]);
    assert!((0..=33 * 3600).contains(&secs), "{json}");

    let past = unhunch(&session, &["pause", "2001-01-01T08:00:00Z"]);
    assert_eq!(past.status.code(), Some(1), "{}", stdout(&past));
    assert!(
        stderr(&past).contains("already passed"),
        "{}",
        stderr(&past)
    );

    let forever = unhunch(&session, &["pause", "indefinitely"]);
    assert!(forever.status.success());
    assert!(
        stdout(&forever).contains("Paused until you resume"),
        "{}",
        stdout(&forever)
    );
    assert_eq!(status(&session)["paused_indefinitely"], true);

    let resumed = unhunch(&session, &["resume"]);
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert_eq!(status(&session)["state"], "working");
    let again = unhunch(&session, &["resume"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("not paused"), "{}", stderr(&again));

    let stretch = unhunch(&session, &["stretch-now"]);
    assert!(stretch.status.success(), "{}", stderr(&stretch));
    wait_for_record(&session, "started", None);

    let events: Vec<String> = history(&session)
        .iter()
        .map(|record| record["event"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        events.starts_with(&["skipped".into(), "paused".into()]),
        "{events:?}"
    );
    assert!(events.contains(&"resumed".to_owned()), "{events:?}");

    let quit = unhunch(&session, &["quit"]);
    assert!(quit.status.success(), "{}", stderr(&quit));
    assert!(stdout(&quit).contains("stopped"), "{}", stdout(&quit));
    assert!(!session.name_has_owner(BUS_NAME));
    wait_until("the daemon process exits after quit", PROMPTLY, || {
        daemon.has_exited()
    });
}

#[test]
fn a_second_start_finds_the_first_and_exits_0() {
    let session = Session::builder()
        .without_tray()
        .without_notifications()
        .start();
    let first = Daemon::start(&session, Some(TEN_MINUTES));
    let owner = session.name_owner(BUS_NAME);

    let second = unhunch(&session, &[]);

    assert_eq!(second.status.code(), Some(0));
    assert_eq!(stdout(&second).trim(), "Unhunch is already running.");
    assert_eq!(
        session.name_owner(BUS_NAME),
        owner,
        "the first daemon keeps its name"
    );
    let processes: Vec<String> = session
        .leftover_processes()
        .into_iter()
        .map(|process| process.command_line)
        .collect();
    assert_eq!(
        processes
            .iter()
            .filter(|line| line.ends_with("unhunch"))
            .count(),
        1,
        "{processes:?} (first is {})",
        first.pid()
    );
}

#[test]
fn without_a_daemon_commands_say_how_to_start_it() {
    let session = Session::builder()
        .without_tray()
        .without_notifications()
        .start();
    for command in [&["status"][..], &["skip"], &["pause", "30m"], &["quit"]] {
        let output = unhunch(&session, command);
        assert_eq!(
            output.status.code(),
            Some(3),
            "unhunch {command:?}: {}",
            stdout(&output)
        );
        assert!(
            stderr(&output).contains("Unhunch is not running. Start it with `unhunch`"),
            "unhunch {command:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn help_version_and_mistakes() {
    let session = Session::builder()
        .without_tray()
        .without_notifications()
        .start();
    let help = unhunch(&session, &["--help"]);
    assert!(help.status.success());
    for command in [
        "status",
        "stretch-now",
        "snooze",
        "skip",
        "pause",
        "resume",
        "quit",
        "history",
        "routines check",
        "config check",
    ] {
        assert!(
            stdout(&help).contains(&format!("unhunch {command}")),
            "--help lacks {command}"
        );
    }
    let version = unhunch(&session, &["--version"]);
    assert_eq!(
        stdout(&version).trim(),
        format!("unhunch {}", env!("CARGO_PKG_VERSION"))
    );

    let typo = unhunch(&session, &["pasue", "1h"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(
        stderr(&typo).contains("unknown command `pasue`. Did you mean `pause`?"),
        "{}",
        stderr(&typo)
    );
    let bad_length = unhunch(&session, &["snooze", "a while"]);
    assert_eq!(bad_length.status.code(), Some(2));
    assert!(
        stderr(&bad_length).contains("Write it like 5m, 90s or 1h"),
        "{}",
        stderr(&bad_length)
    );
}

#[test]
fn history_reads_the_file_without_a_daemon_and_skips_a_damaged_line() {
    let session = Session::builder()
        .without_tray()
        .without_notifications()
        .start();
    let path = history_file(&session);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let now = unhunch_core::Timestamp::from_system_time(std::time::SystemTime::now());
    let earlier = |minutes: u64| now.minus(Duration::from_secs(minutes * 60)).to_rfc3339();
    let text = format!(
        "{{\"at\":\"{}\",\"event\":\"completed\",\"break_id\":1,\"routine\":\"cobra\",\"duration_secs\":95}}\n\
         {{\"at\":\"{}\",\"event\":\"snoozed\",\"break_id\":2,\"snoozes_used\":1}}\n\
         {{\"at\":\"2026-11-2\n\
         {{\"at\":\"{}\",\"event\":\"skipped\",\"break_id\":3}}\n",
        earlier(3),
        earlier(2),
        earlier(1)
    );
    fs::write(&path, &text).unwrap();

    let json = unhunch(&session, &["history", "--json", "--days", "2"]);
    assert!(json.status.success(), "{}", stderr(&json));
    assert!(
        stderr(&json).contains("history.jsonl:3: skipped a damaged history line"),
        "{}",
        stderr(&json)
    );
    let days: serde_json::Value =
        serde_json::from_str(&stdout(&json)).expect("history --json is JSON");
    let today = &days[0];
    assert_eq!(
        (
            today["completed"].as_u64(),
            today["snoozed"].as_u64(),
            today["skipped"].as_u64()
        ),
        (Some(1), Some(1), Some(1)),
        "{days}"
    );
    assert_eq!(today["stretch_secs"], 95);
    assert_eq!(today["routines"], serde_json::json!(["cobra"]));

    let readable = unhunch(&session, &["history"]);
    assert!(readable.status.success());
    assert!(
        stdout(&readable).contains("1 stretched (2 min), 1 snoozed, 1 skipped"),
        "{}",
        stdout(&readable)
    );
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        text,
        "reading the history never rewrites it"
    );
}

/// The files in `routines/` are what ships; each must pass the check a user would run.
#[test]
fn every_shipped_routine_file_passes_routines_check() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../routines");
    let mut files: Vec<_> = fs::read_dir(&folder)
        .expect("the routines folder")
        .map(|entry| entry.expect("a routines entry").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "toml")
        })
        .collect();
    files.sort();
    assert!(files.len() >= 12, "{files:?}");
    let checked = std::process::Command::new(unhunch_tests::desktop::bin_path("unhunch"))
        .args(["routines", "check"])
        .args(&files)
        .output()
        .expect("run unhunch routines check");
    assert!(checked.status.success(), "{}", stderr(&checked));
    assert_eq!(
        stdout(&checked).trim(),
        format!(
            "{} routine files checked: all fine ({} routines in all, with the built-in ones).",
            files.len(),
            files.len()
        )
    );
}

#[test]
fn routines_and_config_checks_list_every_problem_with_file_and_line() {
    let session = Session::builder()
        .without_tray()
        .without_notifications()
        .start();
    let empty = unhunch(&session, &["routines", "check"]);
    assert!(empty.status.success(), "{}", stderr(&empty));
    assert!(
        stdout(&empty).contains("built-in routines are fine"),
        "{}",
        stdout(&empty)
    );
    let no_config = unhunch(&session, &["config", "check"]);
    assert!(no_config.status.success());
    assert!(
        stdout(&no_config).contains("Unhunch uses its defaults"),
        "{}",
        stdout(&no_config)
    );

    let routines_dir = session.data_dir().join("unhunch").join("routines");
    fs::create_dir_all(&routines_dir).unwrap();
    let good = "id = \"desk-reach\"\nname = \"Desk Reach\"\narea = \"mid back\"\nhelps_with = \"Opens the upper back.\"\n\
                place = \"chair\"\nillustration = \"chair-twist\"\nsafety = \"Stop if it hurts.\"\n\n[[steps]]\ntext = \"Reach forward and round your back.\"\nhold = \"5 breaths\"\n";
    fs::write(routines_dir.join("desk-reach.toml"), good).unwrap();
    let fine = unhunch(&session, &["routines", "check"]);
    assert!(fine.status.success(), "{}", stderr(&fine));
    assert!(
        stdout(&fine).starts_with("1 routine file checked: all fine"),
        "{}",
        stdout(&fine)
    );

    let broken = good
        .replace("place = \"chair\"", "place = \"sofa\"")
        .replace("hold = \"5 breaths\"", "hold = \"forever\"");
    fs::write(
        routines_dir.join("sofa.toml"),
        broken.replace("desk-reach", "sofa"),
    )
    .unwrap();
    let problems = unhunch(&session, &["routines", "check"]);
    assert_eq!(problems.status.code(), Some(1));
    let text = stderr(&problems);
    assert!(
        text.contains("sofa.toml:5:"),
        "the place problem names its line: {text}"
    );
    assert!(
        text.contains("sofa.toml:11:"),
        "the hold problem names its line: {text}"
    );
    assert!(text.contains("2 problems in 1 file"), "{text}");

    let config = session.home().join("my-config.toml");
    fs::write(
        &config,
        "[breaks]\ninterval = \"25m\"\nsnooze = \"a bit\"\n",
    )
    .unwrap();
    let config_problem = unhunch(&session, &["config", "check", config.to_str().unwrap()]);
    assert_eq!(config_problem.status.code(), Some(1));
    assert!(
        stderr(&config_problem).contains("my-config.toml:3:"),
        "{}",
        stderr(&config_problem)
    );
    fs::write(&config, "[breaks]\ninterval = \"20m\"\n").unwrap();
    let config_fine = unhunch(&session, &["config", "check", config.to_str().unwrap()]);
    assert!(config_fine.status.success(), "{}", stderr(&config_fine));
    assert!(
        stdout(&config_fine).contains("is fine: a break every 20m"),
        "{}",
        stdout(&config_fine)
    );
}

#[test]
fn state_changes_are_signalled_on_d_bus() {
    let session = Session::builder()
        .without_tray()
        .without_notifications()
        .start();
    let _daemon = Daemon::start(&session, Some(TEN_MINUTES));
    let mut monitor = session
        .command("busctl")
        .arg(format!("--address={}", session.bus_address()))
        .args(["monitor", "--json=short", "--match"])
        .arg("type='signal',interface='dev.unhunch.Unhunch1',member='StateChanged'")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run busctl monitor");
    let lines = BufReader::new(monitor.stdout.take().expect("piped stdout")).lines();
    let (sender, signals) = mpsc::channel();
    thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });

    // The monitor is ready at some unknown moment, so every try pauses (or resumes) once more
    // until a signal carrying the paused status arrives.
    let paused = wait_until(
        "a StateChanged signal carrying the paused status",
        PROMPTLY,
        || {
            while let Ok(line) = signals.try_recv() {
                let message: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
                let Some(text) = message["payload"]["data"][0].as_str() else {
                    continue;
                };
                let status: serde_json::Value =
                    serde_json::from_str(text).expect("StateChanged carries status JSON");
                if status["state"] == "paused" {
                    return Ok(status);
                }
            }
            let toggle = if status(&session)["state"] == "paused" {
                vec!["resume"]
            } else {
                vec!["pause", "30m"]
            };
            let output = unhunch(&session, &toggle);
            Err(stderr(&output))
        },
    );
    assert!(paused["paused_until"].is_string(), "{paused}");
    assert_eq!(paused["snoozes_used"], 0);
    let _ = monitor.kill();
    let _ = monitor.wait();
}

#[test]
fn autostart_on_writes_a_login_entry_and_off_removes_it() {
    let session = Session::builder()
        .without_tray()
        .without_notifications()
        .start();
    let entry = session
        .config_dir()
        .join("autostart")
        .join("unhunch.desktop");

    let on = unhunch(&session, &["autostart", "on"]);
    assert!(on.status.success(), "{}", stderr(&on));
    let text = fs::read_to_string(&entry).expect("the autostart entry is written");
    let program = unhunch_tests::desktop::bin_path("unhunch");
    assert!(
        text.starts_with("[Desktop Entry]\nType=Application\nName=Unhunch\n"),
        "{text}"
    );
    assert!(
        text.contains(&format!("\nExec={}\n", program.display())),
        "{text}"
    );

    let off = unhunch(&session, &["autostart", "off"]);
    assert!(off.status.success(), "{}", stderr(&off));
    assert!(!entry.exists());
    let wrong = unhunch(&session, &["autostart", "maybe"]);
    assert_eq!(wrong.status.code(), Some(2));
}
