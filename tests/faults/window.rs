//! See `main.rs`: the window part of the fault and bad-input suite. The stretch window is the real
//! `unhunch-window` under Xvfb, except where a test needs a window that reports at an exact moment:
//! then a stand-in script prints its report through the same stdout pipe the real one uses.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use unhunch_core::Timestamp;
use unhunch_tests::daemon::{
    BUS_NAME, Daemon, PROMPTLY, history, status, stderr, stdout, unhunch, wait_for_record,
    window_processes,
};
use unhunch_tests::desktop::{Session, parent_of, wait_for_exit, wait_until};

/// How long a real window may take to start WebKit and paint its first frame on a busy machine.
const WINDOW_PAINTS: Duration = Duration::from_secs(90);

/// The largest single environment variable Linux accepts (`MAX_ARG_STRLEN`): the plan used to
/// travel in one, so every plan below is larger.
const ENVIRONMENT_VARIABLE_CAP: usize = 128 * 1024;

#[test]
fn plans_far_larger_than_an_environment_variable_still_open_the_window() {
    let sentence = "Let your shoulders drop and breathe out slowly through the whole back. ";
    let long_text = sentence.repeat(200 * 1024 / sentence.len() + 1);
    let ten_thousand_steps: Vec<String> = (1..=10_000)
        .map(|step| format!("Step {step}: breathe in, and let the back widen."))
        .collect();
    let ordinary_steps: Vec<String> = (1..=6)
        .map(|step| format!("{step}. {}", sentence.repeat(2)))
        .collect();
    let ninety_routines: Vec<(String, String)> = (1..=90)
        .map(|number| {
            let id = format!("desk-stretch-{number}");
            let text = routine_toml(&id, &sentence.repeat(2), &ordinary_steps);
            (id, text)
        })
        .collect();
    let cases: [(&str, Vec<(String, String)>); 3] = [
        (
            "one routine with 200 KB of text",
            vec![(
                "long-text".into(),
                routine_toml("long-text", "A long one.", &[long_text]),
            )],
        ),
        (
            "one routine with 10,000 steps",
            vec![(
                "many-steps".into(),
                routine_toml("many-steps", "A slow one.", &ten_thousand_steps),
            )],
        ),
        ("90 ordinary routines", ninety_routines),
    ];

    for (case, routines) in cases {
        let session = Session::builder().without_tray().start();
        let routines_dir = session.data_dir().join("unhunch").join("routines");
        fs::create_dir_all(&routines_dir).unwrap();
        for (id, text) in &routines {
            fs::write(routines_dir.join(format!("{id}.toml")), text).unwrap();
        }
        let daemon = Daemon::start(&session, None);

        let asked = unhunch(&session, &["stretch-now"]);
        assert!(
            asked.status.success(),
            "{case}: stretch-now failed: {}{}",
            stdout(&asked),
            stderr(&asked)
        );
        let log = daemon_log(&session);
        let plan_bytes = wait_until(&format!("{case}: the window starts"), PROMPTLY, || {
            plan_bytes_started(&log)
        });
        assert!(
            plan_bytes > ENVIRONMENT_VARIABLE_CAP,
            "{case}: a plan of {plan_bytes} bytes would have fitted in the environment"
        );
        wait_until(&format!("{case}: the window paints"), WINDOW_PAINTS, || {
            fs::read_to_string(&log).is_ok_and(|text| text.contains("window painted"))
        });
        let text = fs::read_to_string(&log).unwrap();
        assert!(!text.contains("Argument list too long"), "{case}: {text}");
        assert!(
            !window_processes(&session, &daemon).is_empty(),
            "{case}: the window is open"
        );
    }
}

#[test]
fn a_window_that_cannot_start_says_why_and_stretch_now_fails() {
    let session = Session::builder().without_tray().start();
    // There, but not a program: the message must not send the user looking for a missing file.
    let not_executable = session.home().join("unhunch-window");
    fs::write(&not_executable, "#!/bin/sh\n").unwrap();
    fs::set_permissions(&not_executable, fs::Permissions::from_mode(0o644)).unwrap();
    let _daemon = Daemon::spawn(
        &session,
        &[("UNHUNCH_WINDOW", not_executable.to_str().unwrap())],
    );
    session.wait_for_name(BUS_NAME, PROMPTLY);

    let asked = unhunch(&session, &["stretch-now"]);
    assert!(!asked.status.success(), "{}", stdout(&asked));
    assert!(
        !stdout(&asked).contains("Starting a stretch break"),
        "{}",
        stdout(&asked)
    );
    let said = stderr(&asked);
    assert!(said.contains("permission denied"), "{said}");
    assert!(!said.contains("installed"), "{said}");

    let notice = wait_until("a notification saying why", PROMPTLY, || {
        let seen = session.notifications();
        seen.iter()
            .find(|notification| notification.summary.contains("could not open"))
            .cloned()
            .ok_or(seen)
    });
    assert!(notice.body.contains("permission denied"), "{}", notice.body);
    assert!(!notice.body.contains("installed"), "{}", notice.body);
    let started = wait_for_record(&session, "started", None);
    wait_for_record(&session, "abandoned", started["break_id"].as_u64());
}

#[test]
fn a_daemon_killed_mid_break_takes_its_window_along_and_the_next_records_it_abandoned() {
    let session = Session::builder().without_tray().start();
    let mut daemon = Daemon::start(&session, None);
    assert!(unhunch(&session, &["stretch-now"]).status.success());
    let log = daemon_log(&session);
    wait_until("the window paints", WINDOW_PAINTS, || {
        fs::read_to_string(&log).is_ok_and(|text| text.contains("window painted"))
    });
    let window_pid = session
        .leftover_processes()
        .into_iter()
        .find(|process| parent_of(process.pid) == Some(daemon.pid()))
        .expect("the daemon started a window")
        .pid as u32;
    let started = wait_for_record(&session, "started", None);
    let break_id = started["break_id"].as_u64().unwrap();

    daemon.child.kill().expect("kill -9 the daemon");
    daemon.child.wait().unwrap();
    wait_for_exit(window_pid, "the orphaned window", PROMPTLY);
    wait_until("nothing the daemon started is left", PROMPTLY, || {
        let left = session.leftover_processes();
        if left.is_empty() { Ok(()) } else { Err(left) }
    });
    assert_eq!(outcomes_of(&session, break_id), Vec::<String>::new());

    let restarted = Daemon::start(&session, None);
    wait_for_record(&session, "abandoned", Some(break_id));
    assert_eq!(outcomes_of(&session, break_id), ["abandoned"]);
    assert_eq!(status(&session)["state"], "working");
    assert_eq!(
        window_processes(&session, &restarted),
        Vec::<String>::new(),
        "no second window"
    );
}

/// A window that finishes its break at once, through its real stdout, and then stays on its
/// finish screen for as long as its daemon lives (its stdin stays open).
const FINISHES_AND_STAYS_OPEN: &str = r#"#!/bin/sh
IFS= read -r plan
break_id=$(printf '%s' "$plan" | sed -n 's/^{"break_id":\([0-9]*\),.*/\1/p')
routine=$(printf '%s' "$plan" | sed -n 's/^{"break_id":[0-9]*,"routine":{"id":"\([^"]*\)".*/\1/p')
echo "{\"event\":\"outcome\",\"break_id\":$break_id,\"outcome\":{\"kind\":\"completed\",\"routine\":\"$routine\",\"duration_secs\":42}}"
exec cat > /dev/null
"#;

#[test]
fn a_break_completed_on_the_finish_screen_stays_completed_whatever_comes_next() {
    let session = Session::builder().without_tray().start();
    let window = session.home().join("finishes-and-stays-open");
    fs::write(&window, FINISHES_AND_STAYS_OPEN).unwrap();
    fs::set_permissions(&window, fs::Permissions::from_mode(0o755)).unwrap();
    let mut daemon = Daemon::spawn(&session, &[("UNHUNCH_WINDOW", window.to_str().unwrap())]);
    session.wait_for_name(BUS_NAME, PROMPTLY);

    // Pause while "Nicely done" is up.
    let first = completed_break(&session);
    let status_after = status(&session);
    assert_eq!(status_after["state"], "working", "{status_after}");
    let interval = seconds_between(&first["at"], &status_after["next_break_at"]);
    assert!(
        (1495.0..=1505.0).contains(&interval),
        "the finish screen promises the next break an interval after it: {interval} s"
    );
    assert!(unhunch(&session, &["pause", "1h"]).status.success());
    assert!(unhunch(&session, &["resume"]).status.success());

    // Skip while it is up: that skips the next break, not this one.
    let second = completed_break(&session);
    assert!(unhunch(&session, &["skip"]).status.success());

    // Quit while it is up.
    let third = completed_break(&session);
    assert!(unhunch(&session, &["quit"]).status.success());
    wait_until("the daemon quits", PROMPTLY, || daemon.has_exited());

    for completed in [first, second, third] {
        let break_id = completed["break_id"].as_u64().unwrap();
        assert_eq!(
            outcomes_of(&session, break_id),
            ["completed"],
            "break {break_id}: {:#?}",
            history(&session)
        );
    }
}

/// Starts a break and waits for the window's `completed` to reach the history while the window
/// is still open; returns the record.
fn completed_break(session: &Session) -> Value {
    let before = history(session).len();
    assert!(unhunch(session, &["stretch-now"]).status.success());
    wait_until(
        "the window's completed break in the history",
        PROMPTLY,
        || {
            let records = history(session);
            records[before.min(records.len())..]
                .iter()
                .find(|record| record["event"] == "completed")
                .cloned()
                .ok_or(records)
        },
    )
}

/// The outcome events the history holds for `break_id`, in order.
fn outcomes_of(session: &Session, break_id: u64) -> Vec<String> {
    history(session)
        .into_iter()
        .filter(|record| record["break_id"] == break_id)
        .map(|record| record["event"].as_str().unwrap_or_default().to_owned())
        .filter(|event| !["due", "started"].contains(&event.as_str()))
        .collect()
}

fn seconds_between(earlier: &Value, later: &Value) -> f64 {
    let millis = |time: &Value| {
        Timestamp::parse_rfc3339(time.as_str().unwrap_or_default())
            .unwrap_or_else(|| panic!("{time} is not a time"))
            .unix_millis()
    };
    (millis(later) - millis(earlier)) as f64 / 1000.0
}

fn daemon_log(session: &Session) -> PathBuf {
    session.state_dir().join("unhunch").join("unhunch.log")
}

/// The size of the plan the daemon handed to the window it started, from its log.
fn plan_bytes_started(log: &Path) -> Option<usize> {
    let text = fs::read_to_string(log).ok()?;
    let (_, after) = text.split_once(", plan of ")?;
    after.split(' ').next()?.parse().ok()
}

/// A user routine in the routines folder's format, with one step per entry of `steps`.
fn routine_toml(id: &str, helps_with: &str, steps: &[String]) -> String {
    let mut text = format!(
        "id = \"{id}\"\nname = \"{id}\"\narea = \"mid back\"\nhelps_with = \"{helps_with}\"\n\
         place = \"chair\"\nillustration = \"chair-twist\"\nsafety = \"Stop if it hurts.\"\n"
    );
    for step in steps {
        text.push_str(&format!("\n[[steps]]\ntext = \"{step}\"\n"));
    }
    text
}
