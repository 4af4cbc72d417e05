//! The daemon's side of the daemon↔window contract, with a stand-in window script so that each
//! case (an outcome, no outcome, a window closed from elsewhere) is exact: the plan arrives as the
//! first line of stdin (`--plan-contract 2 --plan-on-stdin`), `painted` lines reach the debug log,
//! the outcome reaches the history. The real window is used by every other test that opens one.
//!
//! The contract's number: the real window refuses a daemon of another contract before it shows
//! anything, and the daemon tells the user about a window of another contract (a newer one, and
//! one from before the numbers, Unhunch 0.1.0, as stand-ins) and still offers the break as text.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use unhunch_core::engine::PAINT_TIMEOUT;
use unhunch_core::plan::StretchPlan;
use unhunch_tests::desktop::{SeenNotification, Session, SessionBuilder, wait_until};

use crate::daemon::{
    BUS_NAME, Daemon, PROMPTLY, action_keys, daemon_stderr, status, unhunch, wait_for_notification,
    wait_for_record, wait_for_state, window_processes,
};

const STAND_IN: &str = r#"#!/bin/sh
# A stand-in stretch window: saves the plan, reports a paint, then does what `mode` says.
dir=$(dirname "$0")
[ "$*" = "--plan-contract 2 --plan-on-stdin" ] || { echo "expected --plan-contract 2 --plan-on-stdin, got: $*" >&2; exit 64; }
IFS= read -r plan
printf '%s' "$plan" > "$dir/plan.json.new"
mv "$dir/plan.json.new" "$dir/plan.json"
break_id=$(sed -n 's/^{"break_id":\([0-9]*\),.*/\1/p' "$dir/plan.json")
routine=$(sed -n 's/^{"break_id":[0-9]*,"routine":{"id":"\([^"]*\)".*/\1/p' "$dir/plan.json")
echo "a line that is not a report"
# A blank window: open, silent, and never painted.
[ "$(cat "$dir/mode")" = blank ] && exec sleep 600
echo "{\"event\":\"painted\",\"break_id\":$break_id,\"at\":\"2026-11-23T10:00:00.250Z\"}"
case "$(cat "$dir/mode")" in
  completed) echo "{\"event\":\"outcome\",\"break_id\":$break_id,\"outcome\":{\"kind\":\"completed\",\"routine\":\"$routine\",\"duration_secs\":42}}" ;;
  skipped-after-right) echo "{\"event\":\"outcome\",\"break_id\":$break_id,\"outcome\":{\"kind\":\"skipped\",\"sides_done\":[\"right\"]}}" ;;
  silent) ;;
  stay-open) exec sleep 600 ;;
esac
"#;

struct StandIn {
    dir: PathBuf,
}

impl StandIn {
    fn new(session: &Session) -> StandIn {
        let dir = session.home().join("stand-in-window");
        fs::create_dir_all(&dir).unwrap();
        let script = dir.join("unhunch-window");
        fs::write(&script, STAND_IN).unwrap();
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
        StandIn { dir }
    }

    fn program(&self) -> PathBuf {
        self.dir.join("unhunch-window")
    }

    fn set_mode(&self, mode: &str) {
        fs::write(self.dir.join("mode"), mode).unwrap();
    }

    fn plan(&self) -> StretchPlan {
        let text =
            fs::read_to_string(self.dir.join("plan.json")).expect("the stand-in saved the plan");
        serde_json::from_str(&text).unwrap_or_else(|error| {
            panic!("the plan on stdin is not a StretchPlan ({error}): {text}")
        })
    }
}

/// A session, and a daemon in it whose stretch window is the stand-in. The fields drop in this
/// order: the daemon stops before its session goes.
struct StandInDesktop {
    daemon: Daemon,
    stand_in: StandIn,
    session: Session,
}

impl StandInDesktop {
    fn start(session: SessionBuilder) -> StandInDesktop {
        let session = session.start();
        let stand_in = StandIn::new(&session);
        let program = stand_in.program();
        let daemon = Daemon::spawn(&session, &[("UNHUNCH_WINDOW", program.to_str().unwrap())]);
        session.wait_for_name(BUS_NAME, PROMPTLY);
        StandInDesktop {
            daemon,
            stand_in,
            session,
        }
    }
}

fn has_line(path: &Path, text: &str) -> bool {
    fs::read_to_string(path).is_ok_and(|log| log.contains(text))
}

#[test]
fn the_plan_goes_in_and_the_outcome_and_paint_come_back() {
    let desktop = StandInDesktop::start(Session::builder().without_tray().without_notifications());
    let (session, stand_in) = (&desktop.session, &desktop.stand_in);

    stand_in.set_mode("completed");
    assert!(unhunch(session, &["stretch-now"]).status.success());
    let completed = wait_for_record(session, "completed", None);
    let plan = stand_in.plan();
    assert_eq!(completed["break_id"], plan.break_id);
    assert_eq!(completed["routine"], plan.routine.id);
    assert_eq!(completed["duration_secs"], 42);
    assert!(
        !plan.routine.steps.is_empty() && !plan.alternatives.is_empty(),
        "{plan:?}"
    );
    let log = session.state_dir().join("unhunch").join("unhunch.log");
    wait_until("the paint report reaches the debug log", PROMPTLY, || {
        has_line(&log, "window painted")
    });
    assert!(
        has_line(&log, "painted_at=2026-11-23T10:00:00.250Z"),
        "{}",
        fs::read_to_string(&log).unwrap()
    );

    stand_in.set_mode("silent");
    assert!(unhunch(session, &["stretch-now"]).status.success());
    let second = wait_until("a second plan", PROMPTLY, || {
        let plan = stand_in.plan();
        if plan.break_id != completed["break_id"] {
            Ok(plan)
        } else {
            Err(plan.break_id)
        }
    });
    wait_for_record(session, "abandoned", Some(second.break_id));
    assert!(!daemon_stderr(session).contains("reported an outcome for break"));
}

#[test]
fn a_named_routine_reaches_the_window_and_the_sides_it_reports_reach_the_history() {
    let desktop = StandInDesktop::start(Session::builder().without_tray().without_notifications());
    let (session, stand_in) = (&desktop.session, &desktop.stand_in);

    // `unhunch stretch-now ID` opens the window with that routine's plan.
    stand_in.set_mode("skipped-after-right");
    let asked = unhunch(session, &["stretch-now", "chair-twist"]);
    assert!(asked.status.success(), "{asked:?}");
    let skipped = wait_for_record(session, "skipped", None);
    let plan = stand_in.plan();
    assert_eq!(plan.routine.id, "chair-twist");
    assert_eq!(skipped["break_id"], plan.break_id);
    assert_eq!(skipped["sides"], serde_json::json!(["right"]));

    // A completed two-sided routine names both of its sides.
    stand_in.set_mode("completed");
    assert!(
        unhunch(session, &["stretch-now", "chair-twist"])
            .status
            .success()
    );
    let completed = wait_for_record(session, "completed", None);
    assert_eq!(completed["routine"], "chair-twist");
    assert_eq!(completed["sides"], serde_json::json!(["right", "left"]));
}

#[test]
fn a_break_ended_elsewhere_closes_its_window() {
    let desktop = StandInDesktop::start(Session::builder().without_tray().without_notifications());
    let (session, stand_in, daemon) = (&desktop.session, &desktop.stand_in, &desktop.daemon);

    stand_in.set_mode("stay-open");
    assert!(unhunch(session, &["stretch-now"]).status.success());
    // The plan is saved once the window has read it: pausing before that would end a window
    // that never had its break.
    wait_until("the window has the plan", PROMPTLY, || {
        stand_in.dir.join("plan.json").is_file()
    });
    assert!(!window_processes(session, daemon).is_empty());
    assert!(unhunch(session, &["pause", "1h"]).status.success());
    wait_until("pausing closes the window", PROMPTLY, || {
        window_processes(session, daemon).is_empty()
    });
    let plan = stand_in.plan();
    wait_for_record(session, "abandoned", Some(plan.break_id));
}

#[test]
fn a_routine_file_added_while_running_is_offered_and_a_broken_one_is_reported() {
    let desktop = StandInDesktop::start(Session::builder().without_tray());
    let (session, stand_in) = (&desktop.session, &desktop.stand_in);
    let routines_dir = session.data_dir().join("unhunch").join("routines");
    wait_until("the daemon watches the routines folder", PROMPTLY, || {
        routines_dir.is_dir()
    });

    let good = "id = \"desk-reach\"\nname = \"Desk Reach\"\narea = \"mid back\"\n\
                helps_with = \"Opens the upper back.\"\nplace = \"chair\"\nillustration = \"chair-twist\"\n\
                safety = \"Stop if it hurts.\"\n\n[[steps]]\ntext = \"Reach forward and round your back.\"\n";
    fs::write(routines_dir.join("desk-reach.toml"), good).unwrap();
    let log = session.state_dir().join("unhunch").join("unhunch.log");
    let builtin = unhunch_core::routine::RoutineSet::builtin().all().len();
    wait_until("the new routine is loaded", PROMPTLY, || {
        has_line(
            &log,
            &format!("routines changed: {} routines available", builtin + 1),
        )
    });
    fs::write(
        routines_dir.join("broken.toml"),
        good.replace("desk-reach", "broken")
            .replace("place = \"chair\"", "place = \"bed\""),
    )
    .unwrap();
    let notice = wait_until("a notification about the broken routine", PROMPTLY, || {
        let seen = session.notifications();
        seen.iter()
            .find(|notification| notification.summary.contains("routine file with a mistake"))
            .cloned()
            .ok_or(seen)
    });
    assert!(notice.body.contains("broken.toml:5:"), "{}", notice.body);

    stand_in.set_mode("silent");
    assert!(unhunch(session, &["stretch-now"]).status.success());
    let plan = wait_until("a plan reaches the window", PROMPTLY, || {
        fs::read_to_string(stand_in.dir.join("plan.json")).ok()
    });
    let plan: StretchPlan = serde_json::from_str(&plan).unwrap();
    let offered: Vec<&str> = std::iter::once(&plan.routine)
        .chain(&plan.alternatives)
        .map(|routine| routine.id.as_str())
        .collect();
    assert!(offered.contains(&"desk-reach"), "{offered:?}");
    assert!(!offered.contains(&"broken"), "{offered:?}");
}

/// A plan for break 7 offering a built-in routine, in this build's contract.
fn plan_of_this_contract() -> StretchPlan {
    let routines = unhunch_core::routine::RoutineSet::builtin();
    let first = routines.all().first().expect("there are built-in routines");
    StretchPlan::new(7, first, &[], None, &unhunch_core::Settings::default())
}

/// Runs the real window with `arguments`, writes `plan_line` on its stdin and holds stdin open as
/// the daemon does; returns its exit code, stdout lines and stderr once it has exited by itself.
fn run_real_window(
    session: &Session,
    arguments: &[&str],
    plan_line: &str,
) -> (Option<i32>, Vec<String>, String) {
    use std::io::{Read, Write};
    use std::process::Stdio;
    let mut window = session
        .command(unhunch_tests::desktop::bin_path("unhunch-window"))
        .args(arguments)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the window starts");
    let mut stdin = window.stdin.take().expect("the window's stdin");
    // The window may have refused before reading it; a closed pipe is part of that.
    let _ = stdin.write_all(plan_line.as_bytes());
    // With stdin still open, a window that showed the plan would stay until the daemon went; one
    // that refused it exits by itself.
    let status = wait_until("the window exits by itself", PROMPTLY, || {
        window.try_wait().expect("ask whether the window exited")
    });
    drop(stdin);
    let mut stdout = String::new();
    let mut stderr = String::new();
    window
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    window
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (
        status.code(),
        stdout.lines().map(str::to_owned).collect(),
        stderr,
    )
}

#[test]
fn the_real_window_refuses_a_daemon_of_another_contract_without_painting_and_says_why() {
    use unhunch_core::plan::{EXIT_OTHER_CONTRACT, PLAN_CONTRACT, WindowReport};
    let session = Session::builder()
        .without_tray()
        .without_notifications()
        .start();
    let this = PLAN_CONTRACT.to_string();
    let newer = (PLAN_CONTRACT + 1).to_string();
    let mut plan_of_a_newer_daemon = plan_of_this_contract();
    plan_of_a_newer_daemon.contract = PLAN_CONTRACT + 1;
    let newer_plan_line = serde_json::to_string(&plan_of_a_newer_daemon).unwrap() + "\n";
    let mut without_number = serde_json::to_value(plan_of_this_contract()).unwrap();
    without_number.as_object_mut().unwrap().remove("contract");
    let plan_of_0_1_0 = without_number.to_string() + "\n";
    let good_plan_line = serde_json::to_string(&plan_of_this_contract()).unwrap() + "\n";

    let cases: [(&str, Vec<&str>, &str, u32, &str); 3] = [
        (
            "a plan of a newer contract",
            vec!["--plan-contract", &this, "--plan-on-stdin"],
            &newer_plan_line,
            PLAN_CONTRACT + 1,
            "install both from the same version",
        ),
        (
            "a newer contract on the command line",
            vec!["--plan-contract", &newer, "--plan-on-stdin"],
            &good_plan_line,
            PLAN_CONTRACT + 1,
            "install both from the same version",
        ),
        (
            "the daemon of Unhunch 0.1.0, which gives no number",
            vec!["--plan-on-stdin"],
            &plan_of_0_1_0,
            1,
            "restart Unhunch",
        ),
    ];
    for (case, arguments, plan_line, daemon_contract, what_to_do) in cases {
        let (code, stdout, stderr) = run_real_window(&session, &arguments, plan_line);
        assert_eq!(
            code,
            Some(EXIT_OTHER_CONTRACT),
            "{case}: {stdout:?} {stderr}"
        );
        let reports: Vec<WindowReport> = stdout
            .iter()
            .map(|line| serde_json::from_str(line).expect("every stdout line is a report"))
            .collect();
        assert_eq!(
            reports,
            [WindowReport::OtherContract {
                daemon_contract,
                window_contract: PLAN_CONTRACT,
                window_version: env!("CARGO_PKG_VERSION").to_owned(),
            }],
            "{case}: nothing painted, one report saying why"
        );
        assert!(
            stderr.contains(&format!("speaks plan contract {PLAN_CONTRACT}"))
                && stderr.contains(&format!("speaks contract {daemon_contract}"))
                && stderr.contains(what_to_do),
            "{case}: {stderr}"
        );
    }
}

/// A stand-in for a newer window that speaks contract 3: it reports so and exits with status 3, as
/// the real window does for a contract it does not speak.
const NEWER_WINDOW: &str = r#"#!/bin/sh
echo '{"event":"other_contract","daemon_contract":2,"window_contract":3,"window_version":"9.0.0"}'
echo "unhunch-window: this unhunch-window (Unhunch 9.0.0) speaks plan contract 3, but the unhunch that started it speaks contract 2, so it shows nothing." >&2
exit 3
"#;

/// A stand-in for the window of Unhunch 0.1.0, which knows no contract numbers: what it prints for
/// an argument it does not know, word for word, and its exit status.
const WINDOW_OF_0_1_0: &str = r#"#!/bin/sh
for argument; do
  case $argument in
    --plan-on-stdin|--routine|--routine=*|--help) ;;
    *) cat >&2 <<USAGE
unhunch-window: unknown argument "$argument".

Usage: unhunch-window [--routine ID | --plan-on-stdin]

Shows Unhunch's guided stretch window. Started by hand, it shows a built-in routine:
  --routine ID      the routine to show (for example seated-twist); otherwise the first one
  --plan-on-stdin   how the unhunch daemon starts it: the plan is the first line of stdin, and
                    the window closes when stdin ends (the daemon is gone)
  --help            this text
It prints one JSON line when its first frame is painted and one with the outcome of the break.
USAGE
       exit 2 ;;
  esac
done
echo "the stand-in was started the old way: $*" >&2
exit 70
"#;

/// Starts a break with `window` as the stretch window and returns the notification explaining
/// why it did not open, after checking that the stretch still reached the user as text and the
/// break is counted as abandoned.
fn break_with_a_window_of_another_contract(script: &str) -> (SeenNotification, PathBuf) {
    let session = Session::builder().without_tray().start();
    let window = session.home().join("unhunch-window");
    fs::write(&window, script).unwrap();
    fs::set_permissions(&window, fs::Permissions::from_mode(0o755)).unwrap();
    let _daemon = Daemon::spawn(&session, &[("UNHUNCH_WINDOW", window.to_str().unwrap())]);
    session.wait_for_name(BUS_NAME, PROMPTLY);

    assert!(unhunch(&session, &["stretch-now"]).status.success());
    let started = wait_for_record(&session, "started", None);
    let routine = unhunch_core::routine::RoutineSet::builtin()
        .get(
            started["routine"]
                .as_str()
                .expect("the break names its routine"),
        )
        .expect("a built-in routine")
        .clone();
    let explained = wait_for_notification(&session, "why the window did not open", |seen| {
        seen.body.contains(&window.display().to_string())
    });
    // The break still reaches the user: its stretch, step by step, as text.
    let as_text = wait_for_notification(&session, "the stretch as text", |seen| {
        seen.summary
            .starts_with(&format!("Time to unhunch — {}, ", routine.name))
    });
    assert!(
        as_text.body.contains("here is the stretch as text")
            && as_text
                .body
                .contains(&format!("1. {}", routine.walkthrough()[0].text))
            && as_text.body.contains(&routine.safety),
        "{as_text:?}"
    );
    assert_ne!(as_text.id, explained.id, "both stay on screen");
    wait_for_record(&session, "abandoned", started["break_id"].as_u64());
    (explained, window)
}

#[test]
fn a_newer_window_after_an_upgrade_asks_for_a_restart_and_the_break_is_still_offered() {
    let (explained, window) = break_with_a_window_of_another_contract(NEWER_WINDOW);
    assert_eq!(
        explained.summary,
        "Restart Unhunch: it was upgraded while it ran"
    );
    for said in [
        format!(
            "The stretch window program {} is from Unhunch 9.0.0 (plan contract 3)",
            window.display()
        ),
        format!(
            "this running Unhunch is {} (plan contract 2)",
            env!("CARGO_PKG_VERSION")
        ),
        "Quit Unhunch from its menu (or `unhunch quit`) and start it again.".to_owned(),
    ] {
        assert!(explained.body.contains(&said), "{said:?} in {explained:?}");
    }
}

#[test]
fn the_window_of_0_1_0_is_named_as_older_and_the_break_is_still_offered() {
    let (explained, window) = break_with_a_window_of_another_contract(WINDOW_OF_0_1_0);
    assert_eq!(
        explained.summary,
        "Unhunch's stretch window is an older version"
    );
    for said in [
        format!(
            "The stretch window program {} is from Unhunch 0.1.0 or older (plan contract 1)",
            window.display()
        ),
        "Install unhunch and unhunch-window from the same version of Unhunch, then restart Unhunch."
            .to_owned(),
    ] {
        assert!(explained.body.contains(&said), "{said:?} in {explained:?}");
    }
}

#[test]
fn a_window_that_never_paints_is_ended_and_the_break_offered_as_a_notification() {
    let desktop = StandInDesktop::start(Session::builder().without_tray());
    let (session, stand_in, daemon) = (&desktop.session, &desktop.stand_in, &desktop.daemon);
    stand_in.set_mode("blank");
    assert!(unhunch(session, &["stretch-now"]).status.success());
    let stretching = wait_for_state(session, "stretching", PROMPTLY);
    wait_until("the blank window runs", PROMPTLY, || {
        !window_processes(session, daemon).is_empty()
    });

    // The daemon's deadline, not the window, ends it: the stand-in would sleep for ten minutes.
    let due = wait_for_state(session, "break_due", PAINT_TIMEOUT + PROMPTLY);
    assert_eq!(due["break_id"], stretching["break_id"], "the same break");
    wait_until("the blank window is ended", PROMPTLY, || {
        window_processes(session, daemon).is_empty()
    });
    let offered = wait_for_notification(session, "the break offered as a notification", |n| {
        n.body.contains("could not be shown")
    });
    assert_eq!(action_keys(&offered), ["snooze", "skip"], "{offered:?}");

    // Snooze works from the notification on screen, through dunst's menu of its actions.
    let (_, snooze_label) = offered
        .actions
        .iter()
        .find(|(key, _)| key == "snooze")
        .expect("a snooze action");
    session.dunst_context_with_choice(snooze_label);
    let snoozed = wait_for_record(session, "snoozed", due["break_id"].as_u64());
    assert_eq!(snoozed["snoozes_used"], 1);
    assert_eq!(status(session)["state"], "working", "{}", status(session));
}
