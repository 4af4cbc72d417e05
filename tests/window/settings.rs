//! The settings window (`unhunch-window --page settings`) over WebDriver, beside a running daemon
//! in the same desktop session: every setting changed through the form lands in config.toml with
//! the user's comments kept and reaches the daemon; an invalid value is refused in the words of
//! `unhunch config check` and nothing is written; a file edited meanwhile is not overwritten.

use std::time::Duration;

use unhunch_core::settings::{Focus, PlaceChoice, Settings};
use unhunch_tests::daemon::{self, Daemon, PROMPTLY};
use unhunch_tests::desktop::{self, Session as Desktop};
use unhunch_tests::webdriver::{Session, TauriDriver, keys};

use crate::harness::{drive, write_script};

const WAIT: Duration = Duration::from_secs(20);

/// A config.toml as a user keeps it: their own comments, an order of their own, a comment at the
/// end of a line.
const USER_CONFIG: &str = "\
# My Unhunch settings (comments of my own).

[stretch]
# I stretch at my desk.
place = \"any\"

[breaks]
interval = \"25m\"   # the usual
snooze = \"5m\"
";

/// One settings window on a desktop with a daemon. Field order is drop order.
struct SettingsWindow {
    page: Session,
    _driver: TauriDriver,
    _daemon: Daemon,
    desktop: Desktop,
}

impl SettingsWindow {
    fn open(extra_env: &[(&str, &str)]) -> SettingsWindow {
        SettingsWindow::open_after(extra_env, |_| {})
    }

    /// Opens the window once `prepare` has put the user's files in place.
    fn open_after(extra_env: &[(&str, &str)], prepare: impl FnOnce(&Desktop)) -> SettingsWindow {
        SettingsWindow::open_on(extra_env, USER_CONFIG, prepare)
    }

    /// Opens the window on a config.toml that says `config`.
    fn open_on(
        extra_env: &[(&str, &str)],
        config: &str,
        prepare: impl FnOnce(&Desktop),
    ) -> SettingsWindow {
        let desktop = Desktop::builder().without_notifications().start();
        prepare(&desktop);
        let daemon = Daemon::start(&desktop, Some(config));
        let config = daemon::config_file(&desktop);
        let wrapper = desktop.home().join("unhunch-settings-window");
        let pipe = desktop.home().join("settings-pipe");
        // As the daemon starts it (effects/settings_window.rs): with the user's routines folder,
        // the autostart entry and the daemon program, and stdin a pipe kept open while the window
        // runs (its end would mean the daemon is gone).
        let script = format!(
            "#!/bin/sh\nrm -f '{pipe}'\nmkfifo '{pipe}'\n\
             '{window}' --page settings --config '{config}' --routines '{routines}' \
             --autostart '{entry}' --daemon '{daemon}' \"$@\" < '{pipe}' &\n\
             exec 3> '{pipe}'\nwait $!\n",
            pipe = pipe.display(),
            window = desktop::bin_path("unhunch-window").display(),
            config = config.display(),
            routines = routines_dir(&desktop).display(),
            entry = autostart_entry(&desktop).display(),
            daemon = desktop::bin_path("unhunch").display(),
        );
        write_script(&wrapper, &script);
        let (driver, page) = drive(&desktop, extra_env, &wrapper, &[]);
        let window = SettingsWindow {
            page,
            _driver: driver,
            _daemon: daemon,
            desktop,
        };
        window
            .page
            .wait_for("the form", WAIT, |page| {
                Ok((page.find_all("#form [data-kind]")?.len() >= 15).then_some(()))
            })
            .unwrap_or_else(|error| panic!("{error}"));
        window
    }

    /// Submits the form anyway (as Enter or Ctrl+S would) and waits for the refusal, which puts
    /// the focus back on the first wrong value, `field`.
    fn submit_and_see_it_refused_at(&self, field: &str) {
        self.page
            .execute("document.getElementById('form').requestSubmit()", vec![])
            .unwrap();
        self.page
            .wait_for("the save to be refused", WAIT, |page| {
                let first = page.execute("return document.activeElement.id", vec![])?;
                Ok((first == field).then_some(()))
            })
            .unwrap_or_else(|error| panic!("{error}"));
    }

    fn config(&self) -> String {
        std::fs::read_to_string(daemon::config_file(&self.desktop)).expect("config.toml is there")
    }

    fn field(&self, key: &str) -> unhunch_tests::webdriver::Element {
        self.page
            .find(&format!("[name='{key}']"))
            .unwrap_or_else(|error| panic!("{error}"))
    }

    /// Types `text` into the field of `key` as a user does: empties it, types, and moves on
    /// with Tab (which is when the page checks it).
    fn type_into(&self, key: &str, text: &str) {
        let field = self.field(key);
        self.page.clear(&field).unwrap();
        self.page
            .send_keys(&field, &format!("{text}{}", keys::TAB))
            .unwrap();
    }

    /// Picks `option` in the list of `key` from the keyboard: typing its first letters selects
    /// it, as in any list box.
    fn choose(&self, key: &str, option: &str) {
        let list = self.field(key);
        self.page
            .send_keys(&list, &format!("{option}{}", keys::TAB))
            .unwrap();
        self.page
            .wait_for(&format!("{key} to be {option}"), WAIT, |page| {
                let value = page.execute(
                    &format!("return document.getElementById('{key}').value"),
                    vec![],
                )?;
                Ok((value == option).then_some(()))
            })
            .unwrap_or_else(|error| panic!("{error}"));
    }

    /// Whether the switch with this id is on.
    fn checked(&self, id: &str) -> serde_json::Value {
        self.page
            .execute(
                &format!("return document.getElementById('{id}').checked"),
                vec![],
            )
            .unwrap()
    }

    fn click(&self, css: &str) {
        let element = self
            .page
            .find(css)
            .unwrap_or_else(|error| panic!("{error}"));
        self.page.click(&element).unwrap();
    }

    /// Ticks or clears a checkbox from the keyboard (Space), as the fixed footer may cover the
    /// lowest ones from the mouse.
    fn tick(&self, css: &str) {
        let element = self
            .page
            .find(css)
            .unwrap_or_else(|error| panic!("{error}"));
        self.page.send_keys(&element, " ").unwrap();
    }

    fn text(&self, css: &str) -> String {
        let element = self
            .page
            .find(css)
            .unwrap_or_else(|error| panic!("{error}"));
        self.page.text(&element).unwrap()
    }

    fn wait_for_text(&self, css: &str, wanted: &str) {
        self.page
            .wait_for(&format!("{css} to read {wanted:?}"), WAIT, |page| {
                let element = page.find(css)?;
                Ok((page.text(&element)? == wanted).then_some(()))
            })
            .unwrap_or_else(|error| panic!("{error}"));
    }

    fn screenshot(&self, name: &str) {
        let two_frames = "const done = arguments[arguments.length - 1]; \
                          requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
        self.page.execute_async(two_frames, vec![]).unwrap();
        self.desktop.screenshot(desktop::screenshot_path(name));
    }
}

/// The user's routines folder, where the daemon reads their own routines.
fn routines_dir(session: &Desktop) -> std::path::PathBuf {
    session.data_dir().join("unhunch").join("routines")
}

/// The XDG autostart entry `unhunch autostart on` writes.
fn autostart_entry(session: &Desktop) -> std::path::PathBuf {
    session
        .config_dir()
        .join("autostart")
        .join("unhunch.desktop")
}

#[test]
fn the_stretches_page_lists_the_routines_and_broken_files_and_a_switch_leaves_one_out() {
    let window = SettingsWindow::open_after(&[], |session| {
        let dir = routines_dir(session);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("broken.toml"), "id = \"mine\"\nname = 3\n").unwrap();
    });
    let builtin = unhunch_core::routine::RoutineSet::builtin();
    let rows = window
        .page
        .wait_for("the routines", WAIT, |page| {
            let rows = page.find_all("#routine-list li")?.len();
            Ok((rows > 0).then_some(rows))
        })
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(rows, builtin.all().len());
    // Each row: the name on the switch, and where, which sides and about how long, in the words
    // of the stretch window's intro (the core's estimate).
    let cobra = builtin.get("cobra").unwrap();
    assert_eq!(window.text("label[for='pick-cobra']"), cobra.name);
    assert_eq!(
        window.text("[id='pick-cobra-about']"),
        format!(
            "on the floor, both sides at once, about {}.",
            unhunch_core::duration::about(cobra.estimated_duration())
        )
    );
    // The broken file is named with its line, as `unhunch routines check` names it.
    let checked = daemon::unhunch(&window.desktop, &["routines", "check"]);
    let problems = window.text("#routine-problem-list");
    let wrong_name = format!(
        "{}/broken.toml:2:8: name: expected text in double quotes, found a whole number",
        routines_dir(&window.desktop).display()
    );
    assert!(problems.contains(&wrong_name), "{problems}");
    let said = daemon::stdout(&checked) + &daemon::stderr(&checked);
    assert!(
        said.contains(&wrong_name),
        "`unhunch routines check` said {said}"
    );
    // Once the page is done loading (it puts the focus on the first field then), the first
    // switch is focused, as Tab would, which brings the list into view for the screenshot.
    window
        .page
        .wait_for("the page to be loaded", WAIT, |page| {
            let main = page.find("#settings")?;
            Ok((page.attribute(&main, "aria-busy")?.as_deref() == Some("false")).then_some(()))
        })
        .unwrap_or_else(|error| panic!("{error}"));
    window
        .page
        .execute("document.getElementById('pick-cat-cow').focus()", vec![])
        .unwrap();
    window.screenshot("settings-stretches.png");
    // Every switch is on; turning cat-cow off leaves it out, and Save writes it into the file.
    assert_eq!(window.checked("pick-cat-cow"), true);
    window.click("#pick-cat-cow");
    window.click("#save");
    window.wait_for_text("#saved", "Saved. Unhunch uses the new settings now.");
    let text = window.config();
    assert!(
        text.contains("# I stretch at my desk.\nplace = \"any\"\nleave_out = [\"cat-cow\"]\n"),
        "{text}"
    );
    assert!(
        text.contains("interval = \"25m\"   # the usual\n"),
        "{text}"
    );
    let check = daemon::unhunch(&window.desktop, &["config", "check"]);
    assert!(check.status.success(), "{}", daemon::stderr(&check));
    // The daemon read it (it logs the settings it changed to).
    let session = &window.desktop;
    desktop::wait_until("the daemon to leave cat-cow out", PROMPTLY, || {
        daemon::daemon_stderr(session)
            .contains("leave_out: [\"cat-cow\"]")
            .then_some(())
    });

    // Turning every one off is refused where the choice is written, and nothing is saved: a
    // break never comes with nothing to show.
    let saved = window.config();
    for routine in unhunch_core::routine::RoutineSet::builtin().all() {
        // From the keyboard (Space on each switch), as the footer may cover the lowest ones.
        if routine.id != "cat-cow" {
            let switch = window.page.find(&format!("#pick-{}", routine.id)).unwrap();
            window.page.send_keys(&switch, " ").unwrap();
        }
    }
    let refused = window
        .page
        .wait_for("leaving out everything to be refused", WAIT, |page| {
            let element = page.find("[id='stretch.leave_out-problem']")?;
            let text = page.text(&element)?;
            Ok((!text.is_empty()).then_some(text))
        })
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(
        refused,
        "every routine that fits [stretch] place is left out, so a break would have nothing to \
         show; keep at least one routine in the random pick"
    );
    window.submit_and_see_it_refused_at("stretch.leave_out");
    assert_eq!(window.config(), saved);
}

/// The answer "Try now" gives beside the button of `routine_id`, once it is more than "Asking".
fn try_now(window: &SettingsWindow, routine_id: &str) -> String {
    let button = format!("#routine-list [data-try-routine='{routine_id}']");
    window.click(&button);
    window
        .page
        .wait_for(
            &format!("the answer to Try now on {routine_id}"),
            WAIT,
            |page| {
                let answer = page.find(&format!("{button} + .try-now-answer"))?;
                let text = page.text(&answer)?;
                Ok((!text.is_empty() && !text.starts_with("Asking")).then_some(text))
            },
        )
        .unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn try_now_starts_that_stretch_through_the_daemon_and_says_why_when_it_cannot() {
    // Seated twist is left out of the random pick: the user can still try it.
    let config = USER_CONFIG.replace(
        "place = \"any\"\n",
        "place = \"any\"\nleave_out = [\"seated-twist\"]\n",
    );
    let window = SettingsWindow::open_on(&[], &config, |_| {});
    let session = &window.desktop;
    window
        .page
        .wait_for("the Try now buttons", WAIT, |page| {
            let buttons = page.find_all("#routine-list [data-try-routine]")?.len();
            Ok((buttons == unhunch_core::routine::RoutineSet::builtin().all().len()).then_some(()))
        })
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(window.checked("pick-seated-twist"), false);

    // An id the daemon does not know (here from the command line, as the page lists only known
    // ones) is refused with the id named.
    let unknown = daemon::unhunch(session, &["stretch-now", "no-such-stretch"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        daemon::stderr(&unknown).contains("There is no routine \"no-such-stretch\" in use"),
        "{}",
        daemon::stderr(&unknown)
    );

    let answer = try_now(&window, "seated-twist");
    assert!(answer.starts_with("Starting a stretch break."), "{answer}");
    // The daemon decided it: its break is that routine, the stretch window shows it, and the
    // history records it.
    let status =
        daemon::wait_for_status(session, "a stretch of seated twist", PROMPTLY, |report| {
            report["state"] == "stretching" && report["routine"] == "seated-twist"
        });
    let twist = unhunch_core::routine::RoutineSet::builtin()
        .get("seated-twist")
        .unwrap()
        .name
        .clone();
    assert_eq!(status["routine_name"], twist.as_str());
    let title = format!("Unhunch — {twist}");
    desktop::wait_until("the stretch window of seated twist", PROMPTLY, || {
        let found = session.run("xdotool", &["search", "--onlyvisible", "--name", &title]);
        (!String::from_utf8_lossy(&found.stdout).trim().is_empty()).then_some(())
    });
    let started = daemon::wait_for_record(session, "started", status["break_id"].as_u64());
    assert_eq!(started["routine"], "seated-twist");

    // A break already on screen: refused, in words beside the button.
    assert_eq!(
        try_now(&window, "cobra"),
        "Not started: A stretch break is already under way."
    );
    assert_eq!(daemon::status(session)["routine"], "seated-twist");

    // No daemon: the window says so instead of failing silently.
    let quit = daemon::unhunch(session, &["quit"]);
    assert!(quit.status.success(), "{}", daemon::stderr(&quit));
    let answer = try_now(&window, "cobra");
    assert!(
        answer.starts_with("Not started: ") && answer.contains("Unhunch is not running."),
        "{answer}"
    );
}

#[test]
fn the_start_at_login_switch_writes_and_removes_the_autostart_entry() {
    let window = SettingsWindow::open(&[]);
    let entry = autostart_entry(&window.desktop);
    assert!(!entry.exists());
    assert_eq!(window.checked("start-at-login"), false);
    window.click("#start-at-login");
    window.wait_for_text("#saved", "Unhunch now starts when you log in.");
    let written = std::fs::read_to_string(&entry).expect("the entry is written");
    // The very entry `unhunch autostart on` writes.
    std::fs::remove_file(&entry).unwrap();
    let on = daemon::unhunch(&window.desktop, &["autostart", "on"]);
    assert!(on.status.success(), "{}", daemon::stderr(&on));
    assert_eq!(std::fs::read_to_string(&entry).unwrap(), written);
    assert!(
        written.contains(&format!(
            "\nExec={}\n",
            desktop::bin_path("unhunch").display()
        )),
        "{written}"
    );
    // Off removes it.
    window.click("#start-at-login");
    window.wait_for_text("#saved", "Unhunch no longer starts when you log in.");
    assert!(!entry.exists());
}

#[test]
fn every_setting_changed_in_the_form_lands_in_the_file_with_its_comments_and_reaches_the_daemon() {
    let window = SettingsWindow::open(&[]);
    assert_eq!(window.page.title().unwrap(), "Unhunch — Settings");
    // Each input is named by its label and explained by its example line and default.
    let interval = window.field("breaks.interval");
    assert_eq!(
        window
            .page
            .attribute(&interval, "aria-describedby")
            .unwrap()
            .as_deref(),
        Some("breaks.interval-about breaks.interval-problem")
    );
    assert_eq!(
        window.text("[id='breaks.interval-about']"),
        "Working time between two stretch breaks. Default: 25m."
    );
    // Named in words, with the key of config.toml beside it in small print and as a tooltip.
    assert_eq!(
        window.text("label[for='breaks.interval']"),
        "Time between breaks"
    );
    assert_eq!(window.text("[id='breaks.interval-key']"), "interval");
    assert_eq!(
        window
            .page
            .attribute(
                &window.page.find("[id='breaks.interval-key']").unwrap(),
                "title"
            )
            .unwrap()
            .as_deref(),
        Some("In config.toml: [breaks] interval")
    );
    // Every setting has its name, none shows a bare key (read as text, as the working hours'
    // fields are hidden while they are off).
    for (table, key, label) in unhunch_core::settings::SETTING_LABELS {
        let shown = window
            .page
            .execute(
                &format!("return document.getElementById('{table}.{key}-label').textContent"),
                vec![],
            )
            .unwrap();
        assert_eq!(shown, *label, "[{table}] {key}");
    }
    // On/off settings are switches.
    assert_eq!(
        window
            .page
            .attribute(&window.field("breaks.defer_for_camera"), "role")
            .unwrap()
            .as_deref(),
        Some("switch")
    );
    // What the file says is shown; what it leaves out shows the default.
    assert_eq!(
        window
            .page
            .execute(
                "return document.getElementById('breaks.interval').value",
                vec![]
            )
            .unwrap(),
        "25m"
    );

    window.type_into("breaks.interval", "20m");
    window.type_into("breaks.snooze", "4m");
    window.type_into("breaks.max_snoozes", "5");
    window.type_into("breaks.heads_up", "45s");
    window.type_into("breaks.natural_break", "4m");
    window.type_into("breaks.wait_for_pause", "15s");
    window.type_into("breaks.max_wait", "20m");
    window.click("[name='breaks.defer_for_fullscreen']");
    window.click("[name='breaks.defer_for_do_not_disturb']");
    window.click("[name='breaks.defer_for_camera']");
    window.choose("stretch.focus", "left");
    window.choose("stretch.place", "chair");
    window.click("[name='stretch.auto_advance']");
    window.click("#table-schedule");
    // The working days are seven checkboxes: from Monday to Friday to Monday, Wednesday and
    // Saturday.
    for day in ["tue", "thu", "fri", "sat"] {
        window.tick(&format!("[id='schedule.days-{day}']"));
    }
    window.type_into("schedule.hours", "00:00-24:00");
    // The lists, the switches and the working days, scrolled to as a user scrolls down.
    window
        .page
        .execute(
            "document.querySelector(\"[data-key='stretch.auto_advance']\").scrollIntoView()",
            vec![],
        )
        .unwrap();
    window.screenshot("settings-light.png");
    window.click("#save");
    window.wait_for_text("#saved", "Saved. Unhunch uses the new settings now.");

    let text = window.config();
    let saved = Settings::parse("config.toml", &text)
        .unwrap_or_else(|problems| panic!("the saved file is invalid: {problems:?}\n{text}"));
    let breaks = &saved.breaks;
    assert_eq!(breaks.interval, Duration::from_secs(20 * 60));
    assert_eq!(breaks.snooze, Duration::from_secs(4 * 60));
    assert_eq!(breaks.max_snoozes, Some(5));
    assert_eq!(breaks.heads_up, Some(Duration::from_secs(45)));
    assert_eq!(breaks.natural_break, Duration::from_secs(4 * 60));
    assert_eq!(breaks.wait_for_pause, Some(Duration::from_secs(15)));
    assert_eq!(breaks.max_wait, Duration::from_secs(20 * 60));
    assert!(!breaks.defer_for_fullscreen);
    assert!(!breaks.defer_for_do_not_disturb);
    assert!(!breaks.defer_for_camera);
    assert_eq!(saved.stretch.focus, Focus::Left);
    assert_eq!(saved.stretch.place, PlaceChoice::Chair);
    assert!(!saved.stretch.auto_advance);
    assert!(
        text.contains("days = [\"mon\", \"wed\", \"sat\"]\n"),
        "the days as config.toml writes them:\n{text}"
    );
    let schedule = saved.schedule.expect("working hours are on");
    assert_eq!(
        schedule.days,
        [true, false, true, false, false, true, false]
    );
    assert_eq!(schedule.spans, vec![(0, 24 * 60)]);
    // The user's comments, their order and the comment at the end of a line are all still there.
    for kept in [
        "# My Unhunch settings (comments of my own).\n\n[stretch]\n# I stretch at my desk.\nplace = \"chair\"\n",
        "interval = \"20m\"   # the usual\nsnooze = \"4m\"\n",
    ] {
        assert!(text.contains(kept), "{kept:?} is gone from:\n{text}");
    }
    assert!(text.find("[stretch]") < text.find("[breaks]"), "{text}");

    // The daemon applied the file at once.
    let session = &window.desktop;
    desktop::wait_until("the daemon to use the new settings", PROMPTLY, || {
        let status = daemon::status(session);
        (status["snooze_secs"] == 240
            && status["max_snoozes"] == 5
            && status["next_break_in_secs"]
                .as_u64()
                .is_some_and(|secs| secs <= 20 * 60))
        .then_some(())
    });
}

#[test]
fn an_invalid_value_is_refused_in_the_words_of_config_check_and_nothing_is_written() {
    let window = SettingsWindow::open(&[]);
    let before = window.config();
    window.type_into("breaks.interval", "soon");
    window.type_into("breaks.heads_up", "1h");

    // The words `unhunch config check` prints for the same values.
    let candidate = daemon::config_file(&window.desktop).with_file_name("candidate.toml");
    std::fs::write(&candidate, "[breaks]\ninterval = \"soon\"\n").unwrap();
    let checked = daemon::unhunch(
        &window.desktop,
        &["config", "check", &candidate.to_string_lossy()],
    );
    assert!(!checked.status.success());
    let check_words = daemon::stdout(&checked) + &daemon::stderr(&checked);
    let problem = window
        .page
        .wait_for("the interval's problem", WAIT, |page| {
            let element = page.find("[id='breaks.interval-problem']")?;
            let text = page.text(&element)?;
            Ok((!text.is_empty()).then_some(text))
        })
        .unwrap();
    let (message, help) = problem
        .split_once("; ")
        .expect("a message and what to write");
    assert!(
        check_words.contains(message),
        "{check_words:?} lacks {message:?}"
    );
    assert!(check_words.contains(help), "{check_words:?} lacks {help:?}");
    assert_eq!(
        window
            .page
            .attribute(&window.field("breaks.interval"), "aria-invalid")
            .unwrap()
            .as_deref(),
        Some("true")
    );
    assert!(
        window
            .page
            .is_displayed(&window.page.find("#save").unwrap())
            .unwrap()
    );
    assert_eq!(
        window
            .page
            .attribute(&window.page.find("#save").unwrap(), "disabled")
            .unwrap()
            .as_deref(),
        Some("true")
    );
    // Submitting the form anyway (as Enter or Ctrl+S would) writes nothing and goes back to the
    // first wrong value.
    window.submit_and_see_it_refused_at("breaks.interval");
    assert_eq!(window.config().as_bytes(), before.as_bytes());
}

#[test]
fn a_file_changed_on_disk_while_the_window_is_open_is_not_overwritten() {
    let window = SettingsWindow::open(&[("GTK_THEME", "Adwaita:dark")]);
    window.screenshot("settings-dark.png");
    // The Stretches page in the dark, brought into view as Tab would bring its first switch.
    window
        .page
        .wait_for("the routines", WAIT, |page| {
            Ok((!page.find_all("#routine-list li")?.is_empty()).then_some(()))
        })
        .unwrap_or_else(|error| panic!("{error}"));
    window
        .page
        .execute("document.getElementById('pick-cat-cow').focus()", vec![])
        .unwrap();
    window.screenshot("settings-stretches-dark.png");
    window.type_into("breaks.interval", "30m");
    let by_hand = "[breaks]\ninterval = \"45m\"  # edited by hand\n";
    std::fs::write(daemon::config_file(&window.desktop), by_hand).unwrap();
    window.click("#save");
    window
        .page
        .wait_for("the conflict to be told", WAIT, |page| {
            let banner = page.find("#conflict")?;
            Ok(page.is_displayed(&banner)?.then_some(()))
        })
        .unwrap();
    assert_eq!(window.config(), by_hand);
    // Reload shows the file as it is now.
    window.click("#reload");
    window
        .page
        .wait_for("the hand-written interval", WAIT, |page| {
            let value = page.execute(
                "return document.getElementById('breaks.interval').value",
                vec![],
            )?;
            Ok((value == "45m").then_some(()))
        })
        .unwrap();
    assert_eq!(window.config(), by_hand);
}

#[test]
fn working_days_written_by_hand_are_kept_until_a_checkbox_changes_them() {
    // Friday before Monday, and a capital: valid, but not how the checkboxes write a list.
    let by_hand = "[schedule]\ndays = [\"fri\", \"Mon\"]  # my days\nhours = [\"09:00-17:00\"]\n";
    let window = SettingsWindow::open_on(&[], by_hand, |_| {});
    window.wait_for_text(
        "[id='schedule.days-as-written']",
        "Your file says [\"fri\",\"Mon\"]; it stays as written until you tick or clear a day here.",
    );
    // The boxes show what they can: Monday and Friday.
    let ticked: Vec<bool> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .map(|day| window.checked(&format!("schedule.days-{day}")) == true)
        .collect();
    assert_eq!(ticked, [true, false, false, false, true, false, false]);
    // Another change saves the days exactly as they were written.
    window.type_into("breaks.interval", "35m");
    window.click("#save");
    window.wait_for_text("#saved", "Saved. Unhunch uses the new settings now.");
    let text = window.config();
    assert!(
        text.contains("days = [\"fri\", \"Mon\"]  # my days\n"),
        "{text}"
    );
    assert!(text.contains("interval = \"35m\""), "{text}");
    // Ticking Wednesday writes the days the checkboxes' way, the line's comment kept.
    window.tick("[id='schedule.days-wed']");
    window.click("#save");
    window.wait_for_text("#saved", "Saved. Unhunch uses the new settings now.");
    let text = window.config();
    assert!(
        text.contains("days = [\"mon\", \"wed\", \"fri\"]  # my days\n"),
        "{text}"
    );
    // Clearing every day is refused in the words of `unhunch config check`, and nothing is written.
    for day in ["mon", "wed", "fri"] {
        window.tick(&format!("[id='schedule.days-{day}']"));
    }
    let refused = window
        .page
        .wait_for("no working day to be refused", WAIT, |page| {
            let element = page.find("[id='schedule.days-problem']")?;
            let text = page.text(&element)?;
            Ok((!text.is_empty()).then_some(text))
        })
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(
        refused,
        "working hours need at least one working day; write the working days like [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]"
    );
    window.submit_and_see_it_refused_at("schedule.days-mon");
    assert_eq!(window.config(), text);
}
