//! The tray icon: it registers with the watcher, its dbusmenu holds the whole menu, and clicking
//! Snooze, Pause and Resume through dbusmenu changes what `unhunch status` reports.

use std::fs;
use std::path::PathBuf;

use unhunch_tests::desktop::{MenuItem, Session, parent_of, wait_until};

use crate::daemon::{
    BUS_NAME, Daemon, PROMPTLY, click, daemon_stderr, daemon_tray_item, entries, menu,
    seconds_from_now, status, stderr, unhunch, wait_for_state, window_processes,
};

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
            // The line that says why a break waits, hidden while none does.
            ("", false),
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

fn screenshot(session: &Session, name: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("desktop")
        .join(name);
    session.screenshot(&path);
    path
}

#[test]
fn settings_opens_one_settings_window_and_history_a_summary() {
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

    click(&session, &item, "History…");
    let summary = session.state_dir().join("unhunch").join("history.txt");
    let text = wait_until("History… writes a summary", PROMPTLY, || {
        fs::read_to_string(&summary).ok()
    });
    assert!(
        text.starts_with("Your stretch breaks, the last 14 days:"),
        "{text}"
    );
}
