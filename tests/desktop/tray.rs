//! The tray icon: it registers with the watcher, its dbusmenu holds the whole menu, and clicking
//! Snooze, Pause and Resume through dbusmenu changes what `unhunch status` reports; History…
//! opens the history window once and raises it when asked again.

use std::path::PathBuf;

use unhunch_tests::desktop::{MenuItem, Session, parent_of, wait_until};

use crate::daemon::{
    BUS_NAME, Daemon, PROMPTLY, click, daemon_stderr, daemon_tray_item, entries, menu,
    seconds_from_now, status, stderr, unhunch, wait_for_record, wait_for_state, window_processes,
};

/// A WebKit window of a debug build can take several seconds to map on a busy machine.
const WINDOW_OPENS: std::time::Duration = std::time::Duration::from_secs(60);

fn owned(pairs: &[(&str, bool)]) -> Vec<(String, bool)> {
    pairs
        .iter()
        .map(|(text, visible)| ((*text).to_owned(), *visible))
        .collect()
}

#[test]
fn the_tray_item_registers_and_its_menu_holds_every_entry() {
    let session = Session::builder().without_notifications().start();
    let daemon = Daemon::start(&session, Some("[breaks]\ninterval = \"25m\"\n"));
    let item = daemon_tray_item(&session, &daemon);

    let menu = menu(&session, &item);
    assert_eq!(
        entries(&menu),
        owned(&[
            // The state in words, worded by the core.
            ("Next break in 25 min", true),
            // Start shows only while a break is due, in Stretch now's place.
            ("Start", false),
            ("Stretch now", true),
            ("Snooze 5 min", false),
            ("Skip next break", true),
            ("Pause", true),
            ("Resume", false),
            ("---", true),
            ("Settings…", true),
            ("History…", true),
            ("---", true),
            ("Quit", true),
        ])
    );
    let pause = menu.find("Pause").expect("a Pause submenu");
    let pause_entries: Vec<String> = pause.children.iter().map(MenuItem::text).collect();
    assert_eq!(
        pause_entries,
        [
            "30 minutes",
            "1 hour",
            "2 hours",
            "Until tomorrow",
            "Until I resume"
        ]
    );

    let tooltip = session
        .tray_item_property(&item, "ToolTip")
        .expect("a tooltip");
    assert!(
        tooltip.to_string().contains("Next break in 25 min"),
        "{tooltip}"
    );
    let icon = session
        .tray_item_property(&item, "IconPixmap")
        .expect("an icon pixmap");
    assert!(
        icon.as_array().is_some_and(|sizes| sizes.len() >= 3),
        "our own icon in several sizes: {icon}"
    );
    assert_eq!(
        session
            .tray_item_property(&item, "Status")
            .expect("a status"),
        "Active"
    );

    // What a user sees: the panel's icon, clicked, opens the menu.
    let (width, _) = session.screen_size();
    let before = screenshot(&session, "tray-before-click.png");
    let clicked = session.run(
        "xdotool",
        &["mousemove", &(width - 15).to_string(), "15", "click", "1"],
    );
    assert!(
        clicked.status.success(),
        "xdotool: {}",
        String::from_utf8_lossy(&clicked.stderr)
    );
    let shot = wait_until("the tray menu is drawn", PROMPTLY, || {
        let shot = screenshot(&session, "tray-menu.png");
        let changed = session.pixels_differing(&before, &shot);
        // The menu is about 160×180 pixels; the icon alone would change far fewer.
        if changed > 10_000 {
            Ok(shot)
        } else {
            Err(format!("{changed} pixels changed"))
        }
    });
    eprintln!("tray menu screenshot: {}", shot.display());
}

#[test]
fn snooze_pause_and_resume_through_the_tray_menu() {
    let session = Session::start();
    let daemon = Daemon::start(
        &session,
        Some("[breaks]\ninterval = \"2s\"\nheads_up = \"0s\"\nsnooze = \"10m\"\n"),
    );
    let item = daemon_tray_item(&session, &daemon);

    wait_for_state(&session, "break_due", PROMPTLY);
    let due_menu = menu(&session, &item);
    assert!(
        due_menu
            .find("Snooze 10 min")
            .is_some_and(|snooze| snooze.visible),
        "{:?}",
        entries(&due_menu)
    );
    assert!(
        due_menu
            .find("Skip this break")
            .is_some_and(|skip| skip.visible),
        "{:?}",
        entries(&due_menu)
    );
    wait_until("the icon asks for attention", PROMPTLY, || {
        session
            .tray_item_property(&item, "Status")
            .is_ok_and(|status| status == "NeedsAttention")
    });

    click(&session, &item, "Snooze 10 min");
    let snoozed = wait_for_state(&session, "working", PROMPTLY);
    assert_eq!(snoozed["snoozes_used"], 1);
    assert!(
        (590..=600).contains(&snoozed["next_break_in_secs"].as_i64().unwrap_or_default()),
        "{snoozed}"
    );

    click(&session, &item, "1 hour");
    let paused = wait_for_state(&session, "paused", PROMPTLY);
    assert!(
        (3590..=3600).contains(&seconds_from_now(&paused["paused_until"])),
        "{paused}"
    );
    wait_until("Resume shows while paused", PROMPTLY, || {
        let menu = menu(&session, &item);
        menu.find("Resume").is_some_and(|resume| resume.visible)
    });

    click(&session, &item, "Until I resume");
    wait_until("paused until resumed", PROMPTLY, || {
        status(&session)["paused_indefinitely"] == true
    });

    click(&session, &item, "Resume");
    let resumed = wait_for_state(&session, "working", PROMPTLY);
    assert!(resumed["paused_until"].is_null(), "{resumed}");
}

/// While a break is due the tray offers what its notification offers, Start, Snooze and Skip, under
/// a first line that says so; each does what the notification's button does.
#[test]
fn a_due_break_offers_start_snooze_and_skip_in_the_tray() {
    let session = Session::start();
    let daemon = Daemon::start(
        &session,
        Some("[breaks]\ninterval = \"2s\"\nheads_up = \"0s\"\nsnooze = \"90s\"\n"),
    );
    let item = daemon_tray_item(&session, &daemon);

    let due = wait_for_state(&session, "break_due", PROMPTLY);
    let routine_name = due["routine_name"].as_str().expect("a routine name");
    let due_menu = wait_until("the menu shows the due break", PROMPTLY, || {
        let menu = menu(&session, &item);
        if menu.find("Start").is_some_and(|start| start.visible) {
            Ok(menu)
        } else {
            Err(entries(&menu))
        }
    });
    assert_eq!(
        entries(&due_menu)[..5],
        owned(&[
            (&format!("Break due: {routine_name}"), true),
            ("Start", true),
            ("Stretch now", false),
            // Written as the notification's button and the window's write it.
            ("Snooze 1 min 30 s", true),
            ("Skip this break", true),
        ])
    );
    let first_line = &due_menu.children[0];
    assert!(!first_line.enabled, "the state line is not a button");

    click(&session, &item, "Skip this break");
    wait_for_record(&session, "skipped", Some(1));

    // The next break, two seconds later, is started from the tray: the stretch window opens.
    wait_for_state(&session, "break_due", PROMPTLY);
    wait_until("Start is offered again", PROMPTLY, || {
        menu(&session, &item)
            .find("Start")
            .is_some_and(|start| start.visible)
    });
    click(&session, &item, "Start");
    wait_for_state(&session, "stretching", PROMPTLY);
    wait_for_record(&session, "started", Some(2));
}

fn screenshot(session: &Session, name: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("desktop")
        .join(name);
    session.screenshot(&path);
    path
}

#[test]
fn settings_opens_one_settings_window_and_raises_it_when_asked_again() {
    let session = Session::builder().without_notifications().start();
    let daemon = Daemon::start(&session, None);
    let item = daemon_tray_item(&session, &daemon);

    // Settings… starts the settings window, titled as the user looks for it.
    click(&session, &item, "Settings…");
    let settings_window = |session: &Session| -> Vec<String> {
        window_processes(session, &daemon)
            .into_iter()
            .filter(|command| command.contains("--page settings"))
            .collect()
    };
    let window_pid = wait_until("Settings… starts the settings window", PROMPTLY, || {
        session
            .leftover_processes()
            .into_iter()
            .find(|process| {
                parent_of(process.pid) == Some(daemon.pid())
                    && process.command_line.contains("--page settings")
            })
            .map(|process| process.pid)
    });
    let title = wait_until("the settings window is on screen", PROMPTLY, || {
        session
            .visible_windows_of(window_pid as u32)
            .into_iter()
            .map(|window| {
                let output = session
                    .command("xdotool")
                    .args(["getwindowname", &window])
                    .output()
                    .expect("run xdotool");
                String::from_utf8_lossy(&output.stdout).trim().to_owned()
            })
            .find(|name| !name.is_empty())
    });
    assert_eq!(title, "Unhunch — Settings");

    // A second Settings…, `unhunch settings` and OpenSettings() raise that window: still one
    // process, and the window says each request reached it.
    click(&session, &item, "Settings…");
    let output = unhunch(&session, &["settings"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let called = session
        .command("gdbus")
        .args([
            "call",
            "--session",
            "--dest",
            BUS_NAME,
            "--object-path",
            "/dev/unhunch/Unhunch",
            "--method",
            "dev.unhunch.Unhunch1.OpenSettings",
        ])
        .output()
        .expect("run gdbus");
    assert!(called.status.success(), "{}", stderr(&called));
    wait_until("the open window is raised three times", PROMPTLY, || {
        daemon_stderr(&session)
            .matches("brought the settings window to the front")
            .count()
            == 3
    });
    assert_eq!(settings_window(&session).len(), 1);
}

/// The visible X window titled "Unhunch — History", if there is one.
fn history_window(session: &Session) -> Option<String> {
    let output = session
        .command("xdotool")
        .args(["search", "--onlyvisible", "--name", "^Unhunch — History$"])
        .output()
        .expect("run xdotool");
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .next()
        .map(str::to_owned)
}

fn history_processes(session: &Session, daemon: &Daemon) -> usize {
    window_processes(session, daemon)
        .iter()
        .filter(|command_line| command_line.contains("--page history"))
        .count()
}

#[test]
fn history_opens_the_history_window_once_and_raises_it_when_asked_again() {
    let session = Session::builder().without_notifications().start();
    let daemon = Daemon::start(&session, None);
    let item = daemon_tray_item(&session, &daemon);

    click(&session, &item, "History…");
    let window = wait_until("History… opens the history window", WINDOW_OPENS, || {
        history_window(&session)
    });
    assert_eq!(history_processes(&session, &daemon), 1);
    screenshot(&session, "history-window-from-tray.png");

    // Again from the tray, from the command line and over D-Bus: the same window comes to the
    // front, and no second process starts.
    click(&session, &item, "History…");
    let opened = unhunch(&session, &["history", "--open"]);
    assert!(opened.status.success(), "{}", stderr(&opened));
    session
        .bus_call(
            "dev.unhunch.Unhunch",
            "/dev/unhunch/Unhunch",
            "dev.unhunch.Unhunch1",
            "OpenHistory",
            "",
            &[],
        )
        .unwrap_or_else(|error| panic!("{error:?}"));
    wait_until("three raises of the open window", PROMPTLY, || {
        daemon_stderr(&session)
            .matches("raising the open history window")
            .count()
            == 3
    });
    assert_eq!(history_processes(&session, &daemon), 1);
    assert_eq!(history_window(&session), Some(window.clone()));

    // Closed by the user, the window's process ends; the next request starts a new one.
    session.close_window_as_window_manager(&window);
    wait_until("the history window's process ends", PROMPTLY, || {
        history_processes(&session, &daemon) == 0
    });
    let opened = unhunch(&session, &["history", "--open"]);
    assert!(opened.status.success(), "{}", stderr(&opened));
    wait_until("history --open opens a new window", WINDOW_OPENS, || {
        (history_processes(&session, &daemon) == 1)
            .then(|| history_window(&session))
            .flatten()
    });
    let log = daemon_stderr(&session);
    assert_eq!(log.matches("history window started").count(), 2, "{log}");
}
