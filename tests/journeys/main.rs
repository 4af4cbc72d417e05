//! A day with Unhunch, end to end: the whole user journey on real desktop parts.
//!
//! Each journey starts its own [`day::Day`]: a fresh HOME on a real X server (Xvfb) with a D-Bus
//! session, dunst for notifications and a real SNI tray, the daemon started as a user would, and
//! WebDriver attached to the stretch windows the daemon opens. The test then does what a person
//! does, through the notification, the tray menu, the window and the `unhunch` command, and
//! checks what they would see and what lands in the history file. Intervals are a few seconds.
//!
//! The journeys also take the README's "first minute" screenshots (`journey-*.png`).

mod day;

use std::fs;
use std::time::Duration;

use day::{Day, Window, seconds_between};
use serde_json::Value;
use unhunch_core::plan::StretchPlan;
use unhunch_core::routine::RoutineSet;
use unhunch_core::settings::{EXAMPLE_CONFIG, Settings};
use unhunch_tests::daemon::{
    PROMPTLY, action_keys, config_file, entries, history, history_file, menu, stdout, unhunch,
    unhunch_notifications, wait_for_notification, wait_for_record, wait_for_state,
};
use unhunch_tests::desktop::{SeenNotification, bin_path, wait_for_exit, wait_until};

/// What a user sees in the first minute after starting Unhunch for the first time: no files
/// written but the commented example, a tray icon whose menu holds every action, the status.
#[test]
fn journey_1_first_run_starts_on_defaults_with_the_tray_and_writes_only_the_example() {
    let day = Day::start(None);
    let item = day.tray_item();

    let status = day.status();
    assert_eq!(status["state"], "working", "{status}");
    let next_in = status["next_break_in_secs"].as_u64().unwrap_or_default();
    assert!(
        (24 * 60..=25 * 60).contains(&next_in),
        "the default interval is 25 min: {status}"
    );
    let tooltip = day
        .session
        .tray_item_property(&item, "ToolTip")
        .expect("a tooltip");
    assert!(
        tooltip.to_string().contains("Next break in 25 min"),
        "{tooltip}"
    );

    // The config folder holds exactly one file, the commented example, complete: written whole
    // (through a temporary file, none of which is left) and only because there was no folder.
    let written = wait_until("the commented example config", PROMPTLY, || {
        fs::read_to_string(config_file(&day.session)).ok()
    });
    assert_eq!(written, EXAMPLE_CONFIG);
    assert_eq!(
        files_under(&day.session.config_dir().join("unhunch")),
        ["config.toml"]
    );
    assert!(
        !day.session
            .config_dir()
            .join("unhunch")
            .join("routines")
            .exists(),
        "no empty folders made for the user"
    );
    assert!(
        !history_file(&day.session).exists(),
        "no history before the first break"
    );

    // The tray menu as the user opens it: a click on the panel's icon.
    let before_path = day.session.home().join("before-click.png");
    day.session.screenshot(&before_path);
    let (width, _) = day.session.screen_size();
    let clicked = day.session.run(
        "xdotool",
        &["mousemove", &(width - 15).to_string(), "15", "click", "1"],
    );
    assert!(clicked.status.success(), "{clicked:?}");
    wait_until("the tray menu is drawn", PROMPTLY, || {
        let shot = day.screenshot(None, "journey-tray-menu.png");
        // The menu is about 160×180 pixels; the icon alone would change far fewer.
        let changed = day.session.pixels_differing(&before_path, &shot);
        if changed > 10_000 {
            Ok(())
        } else {
            Err(changed)
        }
    });
    let texts: Vec<String> = entries(&menu(&day.session, &item))
        .into_iter()
        .filter(|(_, visible)| *visible)
        .map(|(text, _)| text)
        .collect();
    // The first line is the state in words; its minutes depend on when the menu was read.
    assert!(texts[0].starts_with("Next break in "), "{texts:?}");
    assert_eq!(
        texts[1..],
        [
            "Stretch now",
            "Skip next break",
            "Pause",
            "---",
            "Settings…",
            "History…",
            "---",
            "Quit"
        ]
    );
}

/// The heart of the product: the heads-up, the break, Start, a whole routine walked in the
/// window, Done, and the history and schedule that follow.
#[test]
fn journey_2_a_break_from_heads_up_to_done_is_recorded_and_the_next_is_a_full_interval_away() {
    let day = Day::start(Some(
        "[breaks]\ninterval = \"20s\"\nheads_up = \"10s\"\nsnooze = \"1m\"\n\
         [stretch]\nauto_advance = false\n",
    ));
    // The heads-up starts the window hidden, so WebDriver waits for it from before the heads-up
    // comes; Start on the notification then shows that window.
    let mut offered = None;
    let window = day.open_window(|| {
        let heads_up = wait_for_notification(&day.session, "the heads-up", |notification| {
            notification.summary.starts_with("Stretch break in")
        });
        assert!(heads_up.body.starts_with("Next: "), "{heads_up:?}");

        let due = wait_for_break_notification(&day, &heads_up);
        let status = day.status();
        assert_eq!(status["state"], "break_due");
        let break_id = status["break_id"].as_u64().expect("a due break has an id");
        let routine_id = status["routine"].as_str().expect("a routine is offered");
        let routine_name = status["routine_name"].as_str().expect("with its name");
        assert!(
            due.summary
                .starts_with(&format!("Time to unhunch — {routine_name}, ")),
            "{due:?}"
        );
        assert_eq!(action_keys(&due), ["default", "start", "snooze", "skip"]);
        day.screenshot(None, "journey-notification.png");
        offered = Some((break_id, routine_id.to_owned(), routine_name.to_owned()));

        // Start, from the notification.
        day.session.dunst_action(0);
    });
    let (break_id, routine_id, routine_name) = offered.expect("the break was offered");
    let (routine_id, routine_name) = (routine_id.as_str(), routine_name.as_str());
    // The window opens at the first step, with the stretch's name.
    assert_eq!(window.text("#step-routine-name"), routine_name);
    assert_eq!(
        window.title().expect("a title"),
        format!("Unhunch — {routine_name}")
    );
    wait_for_state(&day.session, "stretching", PROMPTLY);

    // Every step, in order, with the text the routine file gives it.
    let expected = plan_for(routine_id);
    let total = expected.routine.steps.len();
    for (index, step) in expected.routine.steps.iter().enumerate() {
        window.wait_for_text("#step-counter", &format!("Step {} of {total}", index + 1));
        assert_eq!(window.text("#step-text"), step.text, "step {}", index + 1);
        if index == 0 {
            day.screenshot(Some(&window), "journey-step.png");
        }
        window.click("#next");
    }
    window.wait_for_screen("finish");
    assert!(
        window
            .text("#finish-next")
            .starts_with("Your next break is at "),
        "{}",
        window.text("#finish-next")
    );
    day.screenshot(Some(&window), "journey-finish.png");
    window.click_closing("#done");
    window.wait_until_exited();

    let completed = wait_for_record(&day.session, "completed", Some(break_id));
    assert_eq!(completed["routine"], routine_id);
    let took = completed["duration_secs"].as_u64().expect("a duration");
    assert!(
        took <= 120,
        "the walk took seconds, recorded {took} s: {completed}"
    );
    let after = wait_for_state(&day.session, "working", PROMPTLY);
    let gap = seconds_between(&completed["at"], &after["next_break_at"]);
    assert!(
        (19.0..=20.5).contains(&gap),
        "the next break is a full interval (20 s) after Done, not {gap} s: {after}"
    );
}

/// Snooze from each place; once `max_snoozes` is spent, no place offers it.
#[test]
fn journey_3_snooze_from_notification_tray_and_window_until_none_are_left() {
    let day = Day::start(Some(
        "[breaks]\ninterval = \"4s\"\nheads_up = \"0s\"\nsnooze = \"3s\"\nmax_snoozes = 3\n\
         [stretch]\nauto_advance = false\n",
    ));
    // A snoozed break comes back as a new break (each break has one outcome), with the snoozes
    // used so far carried over.
    let due_break = || {
        day.status()["break_id"]
            .as_u64()
            .expect("a due break has an id")
    };
    let first = wait_for_break_notification_after(&day, None);
    let snooze_label = first
        .actions
        .iter()
        .find(|(key, _)| key == "snooze")
        .map(|(_, label)| label.clone())
        .expect("Snooze is offered");
    assert_eq!(snooze_label, "Snooze 3 s");

    // From the notification (dunst's action menu).
    let break_id = due_break();
    day.session.dunst_context_with_choice(&snooze_label);
    expect_snoozed(&day, break_id, 1);

    // From the tray.
    let second = wait_for_break_notification_after(&day, Some(&first));
    let break_id = due_break();
    day.tray_click(&snooze_label);
    expect_snoozed(&day, break_id, 2);

    // From the window.
    let third = wait_for_break_notification_after(&day, Some(&second));
    let break_id = due_break();
    let window = day.open_window(|| day.session.dunst_action(0));
    window.press_closing("s");
    window.wait_until_exited();
    expect_snoozed(&day, break_id, 3);

    // All three spent: the break comes back and Snooze is offered nowhere.
    let fourth = wait_for_break_notification_after(&day, Some(&third));
    let break_id = due_break();
    assert_eq!(
        action_keys(&fourth),
        ["default", "start", "skip"],
        "{fourth:?}"
    );
    let tray_menu = menu(&day.session, &day.tray_item());
    assert!(
        tray_menu
            .children
            .iter()
            .all(|entry| !(entry.visible && entry.text().starts_with("Snooze"))),
        "{:?}",
        entries(&tray_menu)
    );
    let refused = unhunch(&day.session, &["snooze"]);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    let window = day.open_window(|| day.session.dunst_action(0));
    assert!(
        window.text("#key-hint").to_lowercase().contains("skip")
            && !window.text("#key-hint").contains("snooze"),
        "the key hint offers no snooze: {}",
        window.text("#key-hint")
    );
    // Back on the intro, nor does a button.
    window.press(unhunch_tests::webdriver::keys::BACKSPACE);
    window.wait_for_screen("intro");
    assert!(!window.displayed("#snooze"), "no Snooze in the window");
    window.press_closing(unhunch_tests::webdriver::keys::ESCAPE);
    window.wait_until_exited();
    wait_for_record(&day.session, "skipped", Some(break_id));
    let snoozes: Vec<u64> = history(&day.session)
        .iter()
        .filter(|record| record["event"] == "snoozed")
        .filter_map(|record| record["snoozes_used"].as_u64())
        .collect();
    assert_eq!(snoozes, [1, 2, 3], "never more than max_snoozes");
    assert_eq!(
        day.status()["snoozes_used"],
        0,
        "a new break, fresh snoozes"
    );
}

/// Skip from each place, and "Skip next break" before a break is due.
#[test]
fn journey_4_skip_from_notification_tray_and_window_and_skip_the_next_from_the_tray() {
    let day = Day::start(Some(
        "[breaks]\ninterval = \"5s\"\nheads_up = \"0s\"\nsnooze = \"1m\"\n",
    ));

    let first = wait_for_break_notification_after(&day, None);
    let first_id = day.status()["break_id"].as_u64().expect("a break id");
    day.session.dunst_context_with_choice("Skip");
    expect_skipped_with_a_full_interval_after(&day, first_id);

    let second = wait_for_break_notification_after(&day, Some(&first));
    let second_id = day.status()["break_id"].as_u64().expect("a break id");
    assert!(second_id > first_id);
    day.tray_click("Skip this break");
    expect_skipped_with_a_full_interval_after(&day, second_id);

    wait_for_break_notification_after(&day, Some(&second));
    let third_id = day.status()["break_id"].as_u64().expect("a break id");
    let window = day.open_window(|| day.session.dunst_action(0));
    window.press_closing(unhunch_tests::webdriver::keys::ESCAPE);
    window.wait_until_exited();
    expect_skipped_with_a_full_interval_after(&day, third_id);

    // Before the next break is due, the tray skips it: it is never shown, and the one after is a
    // full interval away.
    let working = day.status();
    assert_eq!(working["state"], "working", "{working}");
    day.tray_click("Skip next break");
    let skipped = wait_until("the next break is skipped", PROMPTLY, || {
        history(&day.session)
            .into_iter()
            .find(|record| {
                record["event"] == "skipped"
                    && record["break_id"].as_u64().is_some_and(|id| id > third_id)
            })
            .ok_or(())
    });
    assert!(
        seconds_between(&skipped["at"], &working["next_break_at"]) > 0.0,
        "skipped before it was due: {skipped} {working}"
    );
    let skipped_id = skipped["break_id"].as_u64().expect("an id");
    assert!(
        !history(&day.session)
            .iter()
            .any(|record| record["event"] == "due" && record["break_id"] == skipped_id),
        "the skipped break was never due"
    );
    let after = day.status();
    let gap = seconds_between(&skipped["at"], &after["next_break_at"]);
    assert!((4.0..=5.5).contains(&gap), "{gap} s: {after}");
}

/// Pause 30 minutes from the tray: no notification while paused; Resume brings the breaks back.
#[test]
fn journey_5_pause_half_an_hour_from_the_tray_then_resume() {
    let day = Day::start(Some(
        "[breaks]\ninterval = \"4s\"\nheads_up = \"0s\"\nsnooze = \"1m\"\n",
    ));
    day.tray_click("30 minutes");
    let paused = wait_for_state(&day.session, "paused", PROMPTLY);
    let paused_record = wait_for_record(&day.session, "paused", None);
    let length = seconds_between(&paused_record["at"], &paused["paused_until"]);
    assert!((1799.0..=1800.5).contains(&length), "{paused}");
    let said = stdout(&unhunch(&day.session, &["status"]));
    assert!(said.contains("Paused until "), "{said}");
    let resume = menu(&day.session, &day.tray_item());
    assert!(
        resume.find("Resume").is_some_and(|entry| entry.visible),
        "{:?}",
        entries(&resume)
    );

    // Two whole intervals pass while paused. Nothing can signal that a notification did *not*
    // come, so this watches the clock on purpose.
    let sent_before = unhunch_notifications(&day.session).len();
    std::thread::sleep(Duration::from_secs(8));
    let while_paused: Vec<SeenNotification> = unhunch_notifications(&day.session)
        .into_iter()
        .skip(sent_before)
        .collect();
    assert!(while_paused.is_empty(), "{while_paused:?}");
    assert_eq!(day.status()["state"], "paused");

    day.tray_click("Resume");
    let resumed = wait_for_state(&day.session, "working", PROMPTLY);
    assert!(resumed["paused_until"].is_null(), "{resumed}");
    let resumed_record = wait_for_record(&day.session, "resumed", None);
    let gap = seconds_between(&resumed_record["at"], &resumed["next_break_at"]);
    assert!((3.0..=4.5).contains(&gap), "a fresh interval: {gap} s");
    wait_for_break_notification_after(&day, None);
}

/// The window manager's close button mid-stretch: abandoned, and the schedule goes on.
#[test]
fn journey_6_closing_the_window_mid_stretch_is_abandoned_and_the_schedule_continues() {
    let day = Day::start(Some(
        "[breaks]\ninterval = \"4s\"\nheads_up = \"0s\"\nsnooze = \"1m\"\n\
         [stretch]\nauto_advance = false\n",
    ));
    let first = wait_for_break_notification_after(&day, None);
    let break_id = day.status()["break_id"].as_u64().expect("a break id");
    let window = day.open_window(|| day.session.dunst_action(0));
    close_as_window_manager(&day, &window);
    window.wait_until_exited();

    let abandoned = wait_for_record(&day.session, "abandoned", Some(break_id));
    let after = wait_for_state(&day.session, "working", PROMPTLY);
    let gap = seconds_between(&abandoned["at"], &after["next_break_at"]);
    assert!((3.0..=4.5).contains(&gap), "{gap} s: {after}");
    wait_for_break_notification_after(&day, Some(&first));
    assert!(day.status()["break_id"].as_u64() > Some(break_id));
}

/// Quit from the tray while a window is open: nothing is left running and the history file
/// holds whole lines.
#[test]
fn journey_7_quit_from_the_tray_leaves_no_process_and_whole_history_lines() {
    let mut day = Day::start(Some(
        "[breaks]\ninterval = \"3s\"\nheads_up = \"0s\"\nsnooze = \"1m\"\n",
    ));
    wait_for_break_notification_after(&day, None);
    let break_id = day.status()["break_id"].as_u64().expect("a break id");
    day.session.dunst_action(0);
    let window_pid = day.wait_for_unattached_window();

    day.tray_click("Quit");
    wait_until("the daemon exits", PROMPTLY, || day.daemon.has_exited());
    wait_for_exit(window_pid, "the stretch window", PROMPTLY);
    assert!(!day.session.name_has_owner(unhunch_tests::daemon::BUS_NAME));
    wait_until("nothing Unhunch started is running", PROMPTLY, || {
        let left = day.session.leftover_processes();
        if left.is_empty() { Ok(()) } else { Err(left) }
    });

    let text = fs::read_to_string(history_file(&day.session)).expect("a history file");
    assert!(text.ends_with('\n'), "the last line is whole: {text:?}");
    for line in text.lines() {
        serde_json::from_str::<Value>(line)
            .unwrap_or_else(|error| panic!("{line:?} is not a whole record: {error}"));
    }
    let last = history(&day.session).pop().expect("records");
    assert_eq!(last["event"], "abandoned", "quitting cut the break short");
    assert_eq!(last["break_id"], break_id);
}

/// Start again after a quit: a fresh schedule, the history from before intact and continued.
#[test]
fn journey_8_a_restart_after_quit_starts_fresh_and_keeps_the_history() {
    let mut day = Day::start(Some(
        "[breaks]\ninterval = \"3s\"\nheads_up = \"0s\"\nsnooze = \"1m\"\n",
    ));
    wait_for_break_notification_after(&day, None);
    let first_id = day.status()["break_id"].as_u64().expect("a break id");
    assert!(unhunch(&day.session, &["snooze"]).status.success());
    assert_eq!(day.status()["snoozes_used"], 1);
    assert!(unhunch(&day.session, &["quit"]).status.success());
    wait_until("the daemon exits", PROMPTLY, || day.daemon.has_exited());
    let before = fs::read(history_file(&day.session)).expect("a history file");

    day.restart_daemon();
    let fresh = day.status();
    assert_eq!(fresh["state"], "working", "{fresh}");
    assert_eq!(fresh["snoozes_used"], 0, "{fresh}");
    let next_in = fresh["next_break_in_secs"].as_u64().unwrap_or(99);
    assert!(next_in <= 3, "a fresh interval from the start: {fresh}");

    wait_for_break_notification_after(&day, None);
    let second_id = day.status()["break_id"].as_u64().expect("a break id");
    assert!(
        second_id > first_id,
        "break ids go on from the history: {second_id} after {first_id}"
    );
    let after = fs::read(history_file(&day.session)).expect("a history file");
    assert!(
        after.starts_with(&before),
        "the history from before is intact"
    );
    let report = stdout(&unhunch(&day.session, &["history", "--json"]));
    let days: Value = serde_json::from_str(&report).expect("history --json is JSON");
    assert_eq!(days[0]["snoozed"], 1, "{days}");
}

/// Someone runs Unhunch where there is no desktop (an SSH shell, a container): a clear sentence
/// on what is missing and what to do, no stack trace, and no files written.
#[test]
fn a_newcomer_without_a_display_is_told_what_is_missing() {
    let home = std::env::temp_dir().join(format!("unhunch-no-display-{}", std::process::id()));
    let _ = fs::remove_dir_all(&home);
    fs::create_dir_all(&home).expect("a HOME");
    let output = std::process::Command::new(bin_path("unhunch"))
        .env_clear()
        .env("HOME", &home)
        .env("PATH", "/usr/bin:/bin")
        .output()
        .expect("run unhunch");
    let said = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(said.contains("no graphical desktop"), "{said}");
    assert!(said.contains("DISPLAY"), "{said}");
    assert!(
        !said.contains("panicked") && !said.contains("RUST_BACKTRACE"),
        "{said}"
    );
    assert!(
        files_under(&home).is_empty(),
        "nothing written: {:?}",
        files_under(&home)
    );
    let _ = fs::remove_dir_all(&home);
}

/// The break notification that follows `after` (or the first one), once it is shown.
fn wait_for_break_notification_after(
    day: &Day,
    after: Option<&SeenNotification>,
) -> SeenNotification {
    wait_for_notification(&day.session, "the break notification", |notification| {
        notification.summary.starts_with("Time to unhunch — ")
            && after.is_none_or(|after| notification.sent_at > after.sent_at)
    })
}

fn wait_for_break_notification(day: &Day, heads_up: &SeenNotification) -> SeenNotification {
    let due = wait_for_break_notification_after(day, None);
    assert_eq!(due.id, heads_up.id, "the break replaces the heads-up");
    due
}

/// The break was snoozed for the `used`th time, and comes back one snooze length (3 s) later.
fn expect_snoozed(day: &Day, break_id: u64, used: u64) {
    let record = wait_until(&format!("snooze {used} is recorded"), PROMPTLY, || {
        history(&day.session)
            .into_iter()
            .find(|record| {
                record["event"] == "snoozed"
                    && record["break_id"] == break_id
                    && record["snoozes_used"] == used
            })
            .ok_or(())
    });
    let status = day.status();
    if status["state"] == "working" {
        let gap = seconds_between(&record["at"], &status["next_break_at"]);
        assert!(
            (2.0..=3.5).contains(&gap),
            "snooze {used}: {gap} s, {status}"
        );
    }
}

/// The break was skipped, and the next is a full interval (5 s) later.
fn expect_skipped_with_a_full_interval_after(day: &Day, break_id: u64) {
    let record = wait_for_record(&day.session, "skipped", Some(break_id));
    let status = day.status();
    if status["state"] == "working" {
        let gap = seconds_between(&record["at"], &status["next_break_at"]);
        assert!((4.0..=5.5).contains(&gap), "{gap} s: {status}");
    }
}

/// The plan the daemon sends for `routine_id`: the routine's steps, sides unfolded.
fn plan_for(routine_id: &str) -> StretchPlan {
    let routines = RoutineSet::builtin();
    let routine = routines
        .get(routine_id)
        .unwrap_or_else(|| panic!("no built-in routine {routine_id:?}"));
    let settings = Settings::default();
    StretchPlan::new(1, routine, &[], settings.breaks.max_snoozes, &settings)
}

fn close_as_window_manager(day: &Day, window: &Window) {
    let window_id = wait_until("the stretch window is mapped", PROMPTLY, || {
        day.session
            .visible_windows_of(window.pid)
            .into_iter()
            .next()
    });
    day.session.close_window_as_window_manager(&window_id);
}

/// The names of the files under `dir`, recursively, relative to it, sorted.
fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        let Ok(listing) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in listing.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                found.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    found.sort();
    found
}
