//! The daemon's side of the daemon↔window contract, with a stand-in window script so that each
//! case (an outcome, no outcome, a window closed from elsewhere) is exact: the plan arrives as the
//! first line of stdin (`--plan-on-stdin`), `painted` lines reach the debug log, the outcome reaches the history. The real
//! window is used by every other test that opens one.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use unhunch_core::engine::PAINT_TIMEOUT;
use unhunch_core::plan::StretchPlan;
use unhunch_tests::desktop::{Session, wait_until};

use crate::daemon::{
    BUS_NAME, Daemon, PROMPTLY, action_keys, daemon_stderr, status, unhunch, wait_for_notification,
    wait_for_record, wait_for_state, window_processes,
};

const STAND_IN: &str = r#"#!/bin/sh
# A stand-in stretch window: saves the plan, reports a paint, then does what `mode` says.
dir=$(dirname "$0")
[ "$1" = --plan-on-stdin ] || { echo "expected --plan-on-stdin, got: $*" >&2; exit 64; }
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

fn start_with(session: &Session, stand_in: &StandIn) -> Daemon {
    let program = stand_in.program();
    let daemon = Daemon::spawn(session, &[("UNHUNCH_WINDOW", program.to_str().unwrap())]);
    session.wait_for_name(BUS_NAME, PROMPTLY);
    daemon
}

fn has_line(path: &Path, text: &str) -> bool {
    fs::read_to_string(path).is_ok_and(|log| log.contains(text))
}

#[test]
fn the_plan_goes_in_and_the_outcome_and_paint_come_back() {
    let session = Session::builder()
        .without_tray()
        .without_notifications()
        .start();
    let stand_in = StandIn::new(&session);
    let _daemon = start_with(&session, &stand_in);

    stand_in.set_mode("completed");
    assert!(unhunch(&session, &["stretch-now"]).status.success());
    let completed = wait_for_record(&session, "completed", None);
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
    assert!(unhunch(&session, &["stretch-now"]).status.success());
    let second = wait_until("a second plan", PROMPTLY, || {
        let plan = stand_in.plan();
        if plan.break_id != completed["break_id"] {
            Ok(plan)
        } else {
            Err(plan.break_id)
        }
    });
    wait_for_record(&session, "abandoned", Some(second.break_id));
    assert!(!daemon_stderr(&session).contains("reported an outcome for break"));
}

#[test]
fn a_break_ended_elsewhere_closes_its_window() {
    let session = Session::builder()
        .without_tray()
        .without_notifications()
        .start();
    let stand_in = StandIn::new(&session);
    let daemon = start_with(&session, &stand_in);

    stand_in.set_mode("stay-open");
    assert!(unhunch(&session, &["stretch-now"]).status.success());
    wait_until("the window process runs", PROMPTLY, || {
        !window_processes(&session, &daemon).is_empty()
    });
    assert!(unhunch(&session, &["pause", "1h"]).status.success());
    wait_until("pausing closes the window", PROMPTLY, || {
        window_processes(&session, &daemon).is_empty()
    });
    let plan = stand_in.plan();
    wait_for_record(&session, "abandoned", Some(plan.break_id));
}

#[test]
fn a_routine_file_added_while_running_is_offered_and_a_broken_one_is_reported() {
    let session = Session::builder().without_tray().start();
    let stand_in = StandIn::new(&session);
    let _daemon = start_with(&session, &stand_in);
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
    assert!(unhunch(&session, &["stretch-now"]).status.success());
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

#[test]
fn a_window_that_never_paints_is_ended_and_the_break_offered_as_a_notification() {
    let session = Session::builder().without_tray().start();
    let stand_in = StandIn::new(&session);
    let daemon = start_with(&session, &stand_in);
    stand_in.set_mode("blank");
    assert!(unhunch(&session, &["stretch-now"]).status.success());
    let stretching = wait_for_state(&session, "stretching", PROMPTLY);
    wait_until("the blank window runs", PROMPTLY, || {
        !window_processes(&session, &daemon).is_empty()
    });

    // The daemon's deadline, not the window, ends it: the stand-in would sleep for ten minutes.
    let due = wait_for_state(&session, "break_due", PAINT_TIMEOUT + PROMPTLY);
    assert_eq!(due["break_id"], stretching["break_id"], "the same break");
    wait_until("the blank window is ended", PROMPTLY, || {
        window_processes(&session, &daemon).is_empty()
    });
    let offered = wait_for_notification(&session, "the break offered as a notification", |n| {
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
    let snoozed = wait_for_record(&session, "snoozed", due["break_id"].as_u64());
    assert_eq!(snoozed["snoozes_used"], 1);
    assert_eq!(status(&session)["state"], "working", "{}", status(&session));
}
