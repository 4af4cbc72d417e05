//! The stretch window driven over WebDriver (tauri-driver + WebKitWebDriver) under Xvfb.
//!
//! Each test opens the real `unhunch-window` binary on its own desktop session, like the daemon
//! does: the plan goes in on stdin (or `--routine` picks one), and the `WindowReport` lines
//! the window prints are read back from its stdout. `harness` holds the one place that does this;
//! `security` checks the CSP, the capability and the page's files without starting anything.

mod harness;
mod history;
mod security;
mod settings;

use std::time::Duration;

use harness::{StretchWindow, background_colour, plan_for};
use unhunch_core::plan::{FirstScreen, WindowOutcome, WindowReport};
use unhunch_core::routine::{Hold, RoutineSet, Side};
use unhunch_tests::webdriver::keys;

/// Walks `routine_id` from the intro to Done, checking every step's text, counter, side and
/// picture against the core's walk-through.
fn walk_routine(routine_id: &str) {
    let plan = plan_for(routine_id, |plan| plan.auto_advance = false);
    let routine = plan.routine.clone();
    let window = StretchWindow::open(Some(&plan), &[]);

    assert_eq!(window.text("#routine-name"), routine.name);
    assert_eq!(window.text("#routine-helps"), routine.helps_with);
    assert_eq!(window.text("#routine-safety"), routine.safety);
    assert!(
        window.text("#routine-duration").starts_with("About "),
        "{routine_id}"
    );
    assert_eq!(
        window.page.title().unwrap(),
        format!("Unhunch — {}", routine.name)
    );
    window.click("#start");

    let total = routine.steps.len();
    for (index, step) in routine.steps.iter().enumerate() {
        let counter = format!("Step {} of {total}", index + 1);
        window.wait_for_text("#step-counter", &counter);
        assert_eq!(
            window.text("#step-text"),
            step.text,
            "{routine_id}, {counter}"
        );
        let side_words = match step.side {
            Some(Side::Right) => "Right side",
            Some(Side::Left) => "Left side",
            None => "",
        };
        assert_eq!(
            window.text("#step-side"),
            side_words,
            "{routine_id}, {counter}"
        );
        assert_eq!(
            window.is_mirrored(),
            step.mirrored,
            "{routine_id}, {counter}"
        );
        assert_eq!(
            window.illustration().as_deref(),
            Some(format!("illustrations/{}.svg", step.illustration).as_str()),
            "{routine_id}, {counter}"
        );
        let repeat_words = if step.repeat > 1 {
            format!("{} times", step.repeat)
        } else {
            String::new()
        };
        assert_eq!(
            window.text("#step-repeat"),
            repeat_words,
            "{routine_id}, {counter}"
        );
        let hold_words = match step.hold {
            Some(Hold::Breaths { count: 1 }) => "Hold — 1 slow breath".to_owned(),
            Some(Hold::Breaths { count }) => format!("Hold — {count} slow breaths"),
            Some(Hold::Seconds { secs }) => format!("Hold — {secs} seconds"),
            None => String::new(),
        };
        assert_eq!(
            window.text("#hold-label"),
            hold_words,
            "{routine_id}, {counter}"
        );
        window.click("#next");
    }

    window.wait_for_screen("finish");
    assert!(
        window
            .text("#finish-took")
            .starts_with(&format!("{} took ", routine.name))
    );
    assert!(
        window
            .text("#finish-next")
            .starts_with("Your next break is at ")
    );
    let outcome = window.wait_for_outcome();
    match outcome {
        WindowOutcome::Completed {
            routine: done,
            duration_secs,
        } => {
            assert_eq!(done, routine.id);
            assert!(duration_secs >= 1, "{duration_secs}");
        }
        other => panic!("{routine_id}: expected completed, got {other:?}"),
    }
    window.click_closing("#done");
    window.wait_until_exited();
    assert_eq!(window.outcomes().len(), 1, "exactly one outcome line");
}

#[test]
fn every_shipped_routine_walks_from_intro_to_done() {
    let routines = RoutineSet::builtin();
    assert!(!routines.all().is_empty(), "no routines are shipped");
    for routine in routines.all() {
        walk_routine(&routine.id);
    }
}

#[test]
fn the_twist_shows_both_sides_and_mirrors_the_left() {
    // Started like `unhunch stretch-now` would be without a daemon: by routine id, built-in plan.
    let window = StretchWindow::open(None, &["--routine", "seated-twist"]);
    window.wait_for_text("#routine-name", "Seated Twist");
    window.screenshot("window-intro.png");
    assert_eq!(window.unnamed_controls(), Vec::<String>::new(), "intro");
    window.press(keys::ENTER);

    let steps = plan_for("seated-twist", |_| {}).routine.steps;
    let first_left = steps
        .iter()
        .position(|step| step.side == Some(Side::Left))
        .expect("a left side");
    assert!(first_left > 0 && steps[0].side == Some(Side::Right));

    // The turn itself (step 2) on the right side: the picture as drawn.
    window.press(keys::SPACE);
    window.wait_for_text("#step-counter", &format!("Step 2 of {}", steps.len()));
    assert_eq!(window.text("#step-side"), "Right side");
    assert!(!window.is_mirrored());
    assert_eq!(
        window.attribute("#step-figure", "data-side").as_deref(),
        Some("right")
    );
    window.screenshot("window-twist-right.png");

    // The same step on the left side: the same picture, mirrored on screen.
    let left_turn = first_left + 1;
    for _ in 2..=left_turn {
        window.press(keys::ENTER);
    }
    window.wait_for_text(
        "#step-counter",
        &format!("Step {} of {}", left_turn + 1, steps.len()),
    );
    assert_eq!(window.text("#step-side"), "Left side");
    assert!(window.is_mirrored());
    assert_eq!(
        window.attribute("#step-figure", "data-side").as_deref(),
        Some("left")
    );
    assert_eq!(
        window.illustration(),
        Some(format!("illustrations/{}.svg", steps[1].illustration)),
        "the left side shows the right side's picture"
    );
    // What is on screen, not just the class: the picture is drawn flipped left to right.
    let flipped = window.page.wait_for(
        "the picture to be drawn mirrored",
        Duration::from_secs(5),
        |page| {
            let script =
                "return getComputedStyle(document.getElementById('step-illustration')).transform;";
            let transform = page.execute(script, vec![])?;
            Ok((transform.as_str() == Some("matrix(-1, 0, 0, 1, 0, 0)")).then_some(()))
        },
    );
    flipped.unwrap_or_else(|error| panic!("{error}"));
    window.screenshot("window-twist-left.png");
    assert_eq!(window.unnamed_controls(), Vec::<String>::new(), "step");

    // Back goes back a step, with the keyboard as well.
    window.press(keys::BACKSPACE);
    window.wait_for_text(
        "#step-counter",
        &format!("Step {} of {}", left_turn, steps.len()),
    );
    window.press(keys::ARROW_RIGHT);
    window.wait_for_text(
        "#step-counter",
        &format!("Step {} of {}", left_turn + 1, steps.len()),
    );
    while window.screen() == "step" {
        window.press(keys::ENTER);
    }
    window.wait_for_screen("finish");
    window.screenshot("window-finish.png");
    assert_eq!(window.unnamed_controls(), Vec::<String>::new(), "finish");
    window.press_closing(keys::ENTER);
    window.wait_until_exited();
    assert!(matches!(
        window.outcomes()[..],
        [WindowOutcome::Completed { .. }]
    ));
}

#[test]
fn snooze_from_the_intro_reports_snoozed_and_closes() {
    let plan = plan_for("cat-cow", |plan| plan.snoozes_left = Some(2));
    let window = StretchWindow::open(Some(&plan), &[]);
    assert_eq!(window.text("#snooze"), "Snooze 5 min");
    window.click_closing("#snooze");
    assert_eq!(window.wait_for_outcome(), WindowOutcome::Snoozed);
    window.wait_until_exited();
    assert_eq!(window.outcomes(), vec![WindowOutcome::Snoozed]);
}

#[test]
fn skip_from_the_intro_reports_skipped_and_closes() {
    let window = StretchWindow::open(Some(&plan_for("cat-cow", |_| {})), &[]);
    window.click_closing("#skip");
    assert_eq!(
        window.wait_for_outcome(),
        WindowOutcome::Skipped { sides_done: vec![] }
    );
    window.wait_until_exited();
}

#[test]
fn keys_s_snoozes_and_escape_skips_even_mid_stretch() {
    let plan = plan_for("chair-twist", |plan| plan.auto_advance = false);
    let window = StretchWindow::open(Some(&plan), &[]);
    assert!(window.text("#key-hint").contains("Esc skip"));
    window.press(keys::ENTER);
    window.wait_for_screen("step");
    window.press_closing(keys::ESCAPE);
    assert_eq!(
        window.wait_for_outcome(),
        WindowOutcome::Skipped { sides_done: vec![] }
    );
    window.wait_until_exited();

    let window = StretchWindow::open(Some(&plan), &[]);
    window.press_closing("s");
    assert_eq!(window.wait_for_outcome(), WindowOutcome::Snoozed);
    window.wait_until_exited();
}

#[test]
fn a_skip_after_the_first_side_reports_that_side_only() {
    let plan = plan_for("chair-twist", |plan| plan.auto_advance = false);
    let steps = plan.routine.steps.clone();
    let first_side = steps
        .iter()
        .find_map(|step| step.side)
        .expect("chair-twist has sides");
    let last_of_first_side = steps
        .iter()
        .rposition(|step| step.side == Some(first_side))
        .unwrap();
    assert!(last_of_first_side + 1 < steps.len(), "another side follows");
    let window = StretchWindow::open(Some(&plan), &[]);
    window.press(keys::ENTER);
    window.wait_for_screen("step");
    // Next through every step of the first side, as the user would, then Esc on the next one.
    for passed in 0..=last_of_first_side {
        window.press(keys::ENTER);
        window.wait_for_text(
            "#step-counter",
            &format!("Step {} of {}", passed + 2, steps.len()),
        );
    }
    window.press_closing(keys::ESCAPE);
    assert_eq!(
        window.wait_for_outcome(),
        WindowOutcome::Skipped {
            sides_done: vec![first_side]
        }
    );
    window.wait_until_exited();
}

#[test]
fn no_snoozes_left_hides_snooze_and_its_key() {
    let plan = plan_for("cat-cow", |plan| plan.snoozes_left = Some(0));
    let window = StretchWindow::open(Some(&plan), &[]);
    assert!(!window.displayed("#snooze"));
    assert!(!window.text("#key-hint").contains("snooze"));
    window.press("s");
    window.press_closing(keys::ESCAPE);
    assert_eq!(
        window.wait_for_outcome(),
        WindowOutcome::Skipped { sides_done: vec![] },
        "S did nothing, Esc skipped"
    );
}

#[test]
fn another_stretch_offers_the_next_routine_and_completes_it() {
    let plan = plan_for("cat-cow", |plan| plan.auto_advance = false);
    let second = plan.alternatives.first().expect("an alternative").clone();
    let window = StretchWindow::open(Some(&plan), &[]);
    window.click("#another");
    window.wait_for_text("#routine-name", &second.name);
    let title = window
        .page
        .wait_for(
            "the window title to follow",
            Duration::from_secs(5),
            |page| {
                let title = page.title()?;
                Ok(title.contains(&second.name).then_some(title))
            },
        )
        .unwrap();
    assert_eq!(title, format!("Unhunch — {}", second.name));
    window.click("#start");
    for _ in &second.steps {
        window.click("#next");
    }
    match window.wait_for_outcome() {
        WindowOutcome::Completed { routine, .. } => assert_eq!(routine, second.id),
        other => panic!("expected completed, got {other:?}"),
    }
}

#[test]
fn routine_text_is_shown_literally_never_as_markup() {
    let attack = "<img src=x onerror=\"window.unhunchOwned=true\"><b>bold</b>";
    let plan = plan_for("cat-cow", |plan| {
        plan.auto_advance = false;
        plan.routine.name = format!("Cat {attack}");
        plan.routine.helps_with = attack.to_owned();
        plan.routine.steps[0].text = format!("Round your back. {attack}");
    });
    let window = StretchWindow::open(Some(&plan), &[]);
    assert_eq!(window.text("#routine-name"), format!("Cat {attack}"));
    assert_eq!(window.text("#routine-helps"), attack);
    window.click("#start");
    window.wait_for_screen("step");
    assert_eq!(
        window.text("#step-text"),
        format!("Round your back. {attack}")
    );
    // Only the illustration is an image, and nothing the text carried became an element.
    assert_eq!(window.page.find_all("img").unwrap().len(), 1);
    assert!(window.page.find_all("b").unwrap().is_empty());
    let ran = window
        .page
        .execute("return window.unhunchOwned === true;", vec![])
        .unwrap();
    assert_eq!(ran, serde_json::Value::Bool(false), "the text's script ran");
    // And the CSP is in force: a script element added at run time does not run either.
    let inline = "const script = document.createElement('script'); \
                  script.textContent = 'window.unhunchInline = true;'; \
                  document.body.appendChild(script); return window.unhunchInline === true;";
    assert_eq!(
        window.page.execute(inline, vec![]).unwrap(),
        serde_json::Value::Bool(false)
    );
}

#[test]
fn a_hold_counts_down_and_moves_on_by_itself() {
    let plan = plan_for("cat-cow", |plan| {
        plan.auto_advance = true;
        plan.routine.steps[0].hold = Some(Hold::Seconds { secs: 2 });
        plan.routine.steps[0].repeat = 1;
    });
    let window = StretchWindow::open(Some(&plan), &[]);
    window.click("#start");
    window.wait_for_text("#hold-label", "Hold — 2 seconds");
    let total = plan.routine.steps.len();
    window.wait_for_text("#step-counter", &format!("Step 2 of {total}"));
    // The second step's hold is breaths: the pacer is breathing in or out.
    let phase = window.attribute("#pacer", "data-phase");
    assert!(matches!(phase.as_deref(), Some("in" | "out")), "{phase:?}");
}

#[test]
fn the_window_reports_painted_once_for_its_break() {
    let plan = plan_for("cat-cow", |plan| plan.break_id = 41);
    let window = StretchWindow::open(Some(&plan), &[]);
    window.wait_for_painted();
    window.click_closing("#skip");
    window.wait_until_exited();
    let reports = window.reports();
    let painted: Vec<_> = reports
        .iter()
        .filter(|report| matches!(report, WindowReport::Painted { .. }))
        .collect();
    assert_eq!(painted.len(), 1, "{reports:?}");
    assert!(matches!(
        painted[0],
        WindowReport::Painted { break_id: 41, .. }
    ));
    assert!(matches!(
        reports.last(),
        Some(WindowReport::Outcome { break_id: 41, .. })
    ));
}

#[test]
fn closing_from_the_window_manager_prints_no_outcome_and_exits_cleanly() {
    let desktop = unhunch_tests::desktop::Session::builder()
        .without_notifications()
        .without_tray()
        .start();
    let plan = plan_for("cat-cow", |_| {});
    let mut window = desktop
        .command(unhunch_tests::desktop::bin_path("unhunch-window"))
        .args([
            "--plan-contract",
            &unhunch_core::plan::PLAN_CONTRACT.to_string(),
        ])
        .arg("--plan-on-stdin")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the window starts");
    // Held open, as the daemon does: the end of stdin would close the window.
    let mut plan_pipe = window.stdin.take().unwrap();
    std::io::Write::write_all(
        &mut plan_pipe,
        format!("{}\n", serde_json::to_string(&plan).unwrap()).as_bytes(),
    )
    .unwrap();
    let mut stdout = std::io::BufReader::new(window.stdout.take().unwrap());
    let mut first_line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut first_line).unwrap();
    assert!(
        matches!(
            serde_json::from_str(&first_line),
            Ok(WindowReport::Painted { break_id: 1, .. })
        ),
        "{first_line:?}"
    );

    // What a window manager's close button does: send WM_DELETE_WINDOW to the window.
    let window_id = unhunch_tests::desktop::wait_until(
        "the stretch window on the X display",
        Duration::from_secs(10),
        || {
            let found = desktop.run("xdotool", &["search", "--name", "^Unhunch — Cat"]);
            String::from_utf8_lossy(&found.stdout)
                .lines()
                .next()
                .map(str::to_owned)
        },
    );
    desktop.close_window_as_window_manager(&window_id);

    let status = unhunch_tests::desktop::wait_until(
        "the window process to exit",
        Duration::from_secs(10),
        || window.try_wait().ok().flatten(),
    );
    assert!(status.success(), "{status}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    assert_eq!(
        rest, "",
        "no outcome when the window manager closes the window (abandoned)"
    );
}

#[test]
fn a_dark_desktop_gets_the_dark_theme_and_dark_pictures() {
    let plan = plan_for("seated-twist", |plan| plan.auto_advance = false);
    let window = StretchWindow::open_with_env(Some(&plan), &[], &[("GTK_THEME", "Adwaita:dark")]);
    assert_eq!(
        background_colour(&window.page),
        "rgb(27, 29, 28)",
        "the dark paper colour"
    );
    window.click("#start");
    window.wait_for_screen("step");
    let source = window
        .page
        .execute(
            "return document.getElementById('step-illustration').getAttribute('src');",
            vec![],
        )
        .unwrap();
    assert_eq!(
        source.as_str(),
        Some(
            format!(
                "illustrations/{}.svg#dark",
                plan.routine.steps[0].illustration
            )
            .as_str()
        )
    );
}

/// Start on the notification opens the window at the first step: the stretch's name and its
/// safety line are on it, since no intro was shown, and the break walks on from there. Taken in
/// light and dark for the README.
#[test]
fn a_plan_opening_at_the_first_step_shows_the_name_and_safety_line_there() {
    for (theme, picture) in [
        ("Adwaita", "window-first-step.png"),
        ("Adwaita:dark", "window-first-step-dark.png"),
    ] {
        let plan = plan_for("seated-twist", |plan| {
            plan.auto_advance = false;
            plan.first_screen = FirstScreen::FirstStep;
        });
        let routine = plan.routine.clone();
        let window = StretchWindow::open_with_env(Some(&plan), &[], &[("GTK_THEME", theme)]);
        assert_eq!(window.screen(), "step");
        assert_eq!(
            window.text("#step-counter"),
            format!("Step 1 of {}", routine.steps.len())
        );
        assert_eq!(window.text("#step-text"), routine.steps[0].text);
        assert_eq!(window.text("#step-routine-name"), routine.name);
        assert_eq!(window.text("#step-safety"), routine.safety);
        assert!(window.displayed("#step-routine-name"), "{theme}");
        assert!(window.displayed("#step-safety"), "{theme}");
        assert_eq!(
            window.page.title().unwrap(),
            format!("Unhunch — {}", routine.name)
        );
        window.screenshot(picture);

        // The walk goes on as from the intro, and the finish reports a completed break.
        for index in 1..routine.steps.len() {
            window.click("#next");
            window.wait_for_text(
                "#step-counter",
                &format!("Step {} of {}", index + 1, routine.steps.len()),
            );
            // Later steps give the safety line's room back to the picture.
            assert!(!window.displayed("#step-safety"), "step {}", index + 1);
            assert!(window.displayed("#step-routine-name"), "step {}", index + 1);
        }
        window.click("#next");
        window.wait_for_screen("finish");
        assert!(matches!(
            window.wait_for_outcome(),
            WindowOutcome::Completed { routine: id, .. } if id == routine.id
        ));
    }
}

/// The id of the element that has the keyboard focus.
fn focused(window: &StretchWindow) -> String {
    window
        .page
        .execute(
            "return document.activeElement ? document.activeElement.id : '';",
            vec![],
        )
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// When the user gives the window the keyboard its main control has the focus, and Back from
/// the first step to the intro keeps it on a control (Start) instead of dropping it to the page.
#[test]
fn the_keyboard_focus_starts_on_the_main_control_and_survives_back() {
    let plan = plan_for("cat-cow", |plan| plan.auto_advance = false);
    let window = StretchWindow::open(Some(&plan), &[]);
    // The window was opened without the keyboard (it never takes it); the focus event is the
    // moment a user clicks into it or the window manager gives it the keyboard.
    window
        .page
        .execute("window.dispatchEvent(new FocusEvent('focus'));", vec![])
        .unwrap();
    assert_eq!(focused(&window), "start");

    // A keyboard user presses Start (Enter on the focused button), then tabs to Back on the
    // first step and presses it.
    window.press(keys::ENTER);
    window.wait_for_screen("step");
    assert_eq!(focused(&window), "next", "the focus moved with the screen");
    window
        .page
        .execute("document.getElementById('back').focus();", vec![])
        .unwrap();
    window.press(keys::ENTER);
    window.wait_for_screen("intro");
    assert_eq!(
        focused(&window),
        "start",
        "Back to the intro keeps the focus"
    );
}

/// The problem screen has a Close button that closes the window (and Escape does too).
#[test]
fn the_problem_screen_has_a_close_button() {
    let plan = plan_for("cat-cow", |_| {});
    let window = StretchWindow::open(Some(&plan), &[]);
    // The page's own way to a problem, as when a command fails.
    window
        .page
        .execute(
            "showProblem('The break could not be ended: a test said so');",
            vec![],
        )
        .unwrap();
    window.wait_for_screen("problem");
    assert!(window.displayed("#problem-close"));
    assert_eq!(window.text("#problem-close"), "Close");
    window.click_closing("#problem-close");
    window.wait_until_exited();
    assert_eq!(
        window.outcomes(),
        vec![],
        "closing a problem reports no outcome"
    );
}

/// Durations are written as the tray and the notification write them, and spoken in whole,
/// grammatical words; a plan from a daemon that sent no words gets them from the window.
#[test]
fn durations_are_written_as_the_tray_writes_them_and_spoken_grammatically() {
    for (snooze_secs, shown, spoken) in [
        (60, "Snooze 1 min", "Snooze for 1 minute, 3 snoozes left"),
        (
            90,
            "Snooze 1 min 30 s",
            "Snooze for 1 minute 30 seconds, 3 snoozes left",
        ),
        (120, "Snooze 2 min", "Snooze for 2 minutes, 3 snoozes left"),
    ] {
        let plan = plan_for("cat-cow", |plan| {
            plan.snooze_secs = snooze_secs;
            plan.words = None;
        });
        let window = StretchWindow::open(Some(&plan), &[]);
        assert_eq!(window.text("#snooze"), shown);
        assert_eq!(
            window.attribute("#snooze", "aria-label").as_deref(),
            Some(spoken)
        );
        let tray_label = format!(
            "Snooze {}",
            unhunch_core::duration::written(Duration::from_secs(snooze_secs))
        );
        assert_eq!(window.text("#snooze"), tray_label, "as the tray writes it");
    }
}

/// The safety line can be selected (and so copied), though the rest of the window is not text to
/// select.
#[test]
fn the_safety_text_can_be_selected() {
    let plan = plan_for("cat-cow", |_| {});
    let window = StretchWindow::open(Some(&plan), &[]);
    let selected = window
        .page
        .execute(
            "const safety = document.getElementById('routine-safety');\
             const range = document.createRange(); range.selectNodeContents(safety);\
             const selection = window.getSelection(); selection.removeAllRanges();\
             selection.addRange(range);\
             return [getComputedStyle(safety).webkitUserSelect || getComputedStyle(safety).userSelect,\
                     getComputedStyle(document.body).webkitUserSelect || getComputedStyle(document.body).userSelect,\
                     selection.toString()];",
            vec![],
        )
        .unwrap();
    assert_eq!(selected[0], "text", "{selected}");
    assert_eq!(selected[1], "none", "{selected}");
    assert_eq!(selected[2], plan.routine.safety.as_str(), "{selected}");
}

/// With `[stretch] sound` off the page starts no tone; with it on it starts one as a hold ends
/// (seen through the page's `unhunchSounds` hook, not by listening).
#[test]
fn a_tone_ends_a_hold_only_when_the_sound_setting_is_on() {
    for sound in [false, true] {
        let plan = plan_for("cat-cow", |plan| {
            plan.auto_advance = false;
            plan.first_screen = FirstScreen::FirstStep;
            plan.sound = sound;
            plan.routine.steps[0].hold = Some(Hold::Seconds { secs: 1 });
            plan.routine.steps[0].repeat = 1;
        });
        let window = StretchWindow::open(Some(&plan), &[]);
        window.wait_for_text("#hold-count", "Well held.");
        let sounds = window
            .page
            .execute(
                "return window.unhunchSounds.map((sound) => sound.moment);",
                vec![],
            )
            .unwrap();
        let expected: Vec<&str> = if sound { vec!["hold"] } else { vec![] };
        assert_eq!(sounds, serde_json::json!(expected), "sound = {sound}");
    }
}
