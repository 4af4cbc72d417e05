//! The Wayland cells of the matrix: sway headless with its stock config (swaybar its tray) and
//! stock dunst on layer-shell, worked through sway's seat (its IPC moves the pointer and presses
//! its buttons on whatever is drawn there); and weston headless, where the window must paint.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::Value;
use unhunch_tests::daemon::{
    self, Daemon, PROMPTLY, daemon_tray_item, stderr, stdout, unhunch, wait_for_record,
};
use unhunch_tests::desktop::{
    Compositor, ExtraParts, NotificationServer, Session, SwayWindow, wait_until,
};

use crate::steps::{
    CONFIG, NOTIFICATION_RULES, WINDOW_PAINTS, break_notify_call, daemon_children, due_break,
    painted_enough, record, walk_to_the_end,
};
use crate::table::{Row, Step};

/// How tall swaybar is at most: the drawn notification is looked for below it.
const BAR_HEIGHT: u32 = 30;

/// sway headless, stock dunst on layer-shell, swaybar as the tray.
pub fn sway(order: usize) {
    let row = Row::new(
        "sway",
        order,
        [
            "dunst (stock, layer-shell)".into(),
            "swaybar".into(),
            "sway (headless)".into(),
        ],
    );
    record(row, breaks_on_sway);
}

fn breaks_on_sway(row: &mut Row) {
    let session = Session::builder()
        .wayland(Compositor::Sway)
        .without_notifications()
        .start();
    let mut parts = ExtraParts::new();
    session.add_virtual_pointer(&mut parts);
    session.start_accessible_notification_server(&mut parts, NotificationServer::DunstStock);
    let calls = session.monitor_bus(&NOTIFICATION_RULES);
    // The user's work: a terminal, which sway tiles and focuses like any window.
    let work = session.command("foot");
    let work_pid = session.start_extra_part(
        &mut parts,
        "foot",
        work,
        "the terminal has the keyboard",
        |session, pid| {
            session
                .sway_window_of(pid)
                .filter(|window| window.focused)
                .map(|_| pid)
                .ok_or_else(|| format!("{:?}", session.sway_windows()))
        },
    );
    let before = session.screenshot_here("before-daemon.png");
    let daemon = Daemon::start(&session, Some(CONFIG));
    daemon_tray_item(&session, &daemon);
    let item = session.wait_for_drawn_item(&before, PROMPTLY);
    row.note(&format!(
        "swaybar drew the item (at {},{}) but no menu: its left click (Activate) started the \
         second break and showed the status after the snooze.",
        item.x, item.y
    ));
    let icon = (item.x + item.width / 2, item.y + item.height / 2);
    let desk = session.screenshot_here("desk.png");

    // The first break: shown, started with dunst's stock action click (the middle button) on
    // the drawn notification while the terminal has the keyboard, then skipped in the window.
    let first = due_break(&session, None);
    row.begin(Step::Shown, "drawn (screenshot)");
    let notify = break_notify_call(&calls, first);
    let drawn = drawn_notification(&session, &desk).expect("dunst draws the break notification");
    row.check(|| {
        let actions = notify[5].as_array().cloned().unwrap_or_default();
        assert!(
            actions.contains(&Value::from("default")),
            "dunst runs the default action on its stock click: {actions:?}"
        );
    });
    row.passed();
    row.begin(Step::Start, "middle click on it (virtual pointer)");
    click(&session, drawn.centre(), "button2");
    wait_for_record(&session, "started", Some(first));
    row.passed();
    let window = stretch_window(&session, &daemon);
    row.begin(Step::Painted, "screenshot (grim)");
    let was_painted = row.check(|| painted(&session, &window));
    row.passed();
    let window = session
        .sway_window_of(window.pid.expect("a pid"))
        .unwrap_or(window);
    row.begin(Step::Floated, "sway tree");
    row.check(|| {
        let (width, height) = session.screen_size();
        assert!(
            window.floating
                && window.width * 10 < i64::from(width) * 9
                && window.height * 10 < i64::from(height) * 9,
            "the stretch window must float at its own size: {window:?}"
        );
    });
    row.passed();
    row.begin(Step::FocusKept, "sway tree");
    row.check(|| {
        let focused: Vec<SwayWindow> = session
            .sway_windows()
            .into_iter()
            .filter(|window| window.focused)
            .collect();
        assert!(
            focused.iter().any(|window| window.pid == Some(work_pid)),
            "the keyboard must stay in the terminal, not go to {focused:?}"
        );
    });
    row.passed();
    if !was_painted {
        // A blank window cannot be walked through; the cell has failed already.
        row.fail_on_failed_checks();
    }
    row.begin(
        Step::Skip,
        "click into the window, Escape (virtual pointer, wtype)",
    );
    click_into(&session, window.pid.expect("a pid"));
    // On a loaded machine the page may still be taking the focus when the first key comes, as
    // with Enter in the walk: Escape is pressed again until the history has the skip.
    press_until_recorded(&session, "Escape", "skipped", first);
    row.passed();
    // The window closes and the keyboard goes back to the terminal, which draws its cursor
    // anew: the desk is taken again once it has, so only the next notification differs from it.
    wait_until("the terminal has the keyboard again", PROMPTLY, || {
        session
            .sway_window_of(work_pid)
            .filter(|window| window.focused)
            .ok_or_else(|| format!("{:?}", session.sway_windows()))
    });
    let desk = session.screenshot_here("desk-after-the-skip.png");

    // The second: started with a left click on the icon swaybar drew (which asks the item to
    // Activate: the due break's window opens), and walked to its end with Enter, as a user does
    // after clicking into the window.
    let second = due_break(&session, Some(first));
    drawn_notification(&session, &desk);
    click(&session, icon, "button1");
    wait_for_record(&session, "started", Some(second));
    let window = stretch_window(&session, &daemon);
    // A user clicks into what they see, so the click waits for the page.
    painted(&session, &window);
    click_into(&session, window.pid.expect("a pid"));
    walk_to_the_end(&session, || session.wayland_press_keys(&["Return"]));
    wait_for_record(&session, "completed", Some(second));
    // The walk's last Enter may have reached the terminal once the window closed, so the desk
    // is taken again, once the window is gone and the terminal has the keyboard, before the next
    // notification comes.
    // The finish screen stays until the user closes it: Escape there closes the window.
    let mut closed = false;
    for _ in 0..10 {
        if session.sway_window_of(window.pid.expect("a pid")).is_none() {
            closed = true;
            break;
        }
        session.wayland_press_keys(&["Escape"]);
        let _ = unhunch_tests::desktop::try_wait_until(
            "the stretch window closes",
            std::time::Duration::from_secs(1),
            || {
                session
                    .sway_window_of(window.pid.expect("a pid"))
                    .map_or(Ok(()), |window| Err(format!("{window:?}")))
            },
        );
    }
    assert!(
        closed,
        "Escape on the finish screen did not close the window"
    );
    wait_until("the terminal has the keyboard again", PROMPTLY, || {
        session
            .sway_window_of(work_pid)
            .filter(|window| window.focused)
            .ok_or_else(|| format!("{:?}", session.sway_windows()))
    });
    let desk = session.screenshot_here("desk-after-the-walk.png");

    // A third, closed with stock dunst's left click: the dismissal snoozes it and says so. The
    // snooze is long, so no break comes again while the cell ends.
    daemon::write_config(&session, &CONFIG.replace("\"3s\"", "\"2m\""));
    let third = due_break(&session, Some(second));
    let drawn = drawn_notification(&session, &desk).unwrap_or(drawn);
    row.begin(Step::Snooze, "left click on it (virtual pointer)");
    let clicked_at = SystemTime::now();
    click(&session, drawn.centre(), "button1");
    let closed = calls.wait_for(
        "dunst closes the notification the user dismissed",
        PROMPTLY,
        |message| message.member == "NotificationClosed" && message.at >= clicked_at,
    );
    wait_for_record(&session, "snoozed", Some(third));
    row.passed();
    row.begin(Step::Dismissed, "left click on it: snoozed, and said so");
    calls.wait_for(
        "Unhunch says the closed break was snoozed",
        PROMPTLY,
        |message| {
            message.member == "Notify"
                && message.at > closed.at
                && message.payload.first() == Some(&Value::from("Unhunch"))
        },
    );
    row.check(|| {
        let status = daemon::status(&session);
        assert_eq!(status["state"], "working", "after the snooze: {status}");
    });
    row.passed();
    // No break is due now: a click on the icon shows the status.
    let clicked_at = SystemTime::now();
    click(&session, icon, "button1");
    calls.wait_for(
        "a click on the icon while working shows the status",
        PROMPTLY,
        |message| {
            message.member == "Notify"
                && message.at >= clicked_at
                && message.payload.get(3) == Some(&Value::from("Unhunch"))
                && message
                    .payload
                    .get(4)
                    .and_then(Value::as_str)
                    .is_some_and(|body| body.starts_with("Next break"))
        },
    );
    row.fail_on_failed_checks();
    drop(parts);
}

/// The weston cell: no notification server and no tray there, so the break is started through
/// D-Bus; what is checked is that the window paints (its own report, weston has no screenshot
/// for its headless backend) and the outcome reaches the history.
pub fn weston(order: usize) {
    let row = Row::new(
        "weston",
        order,
        ["none".into(), "none".into(), "weston (headless)".into()],
    );
    record(row, |row| {
        let session = Session::builder()
            .wayland(Compositor::Weston)
            .without_notifications()
            .without_tray()
            .start();
        // Held until the cell ends, when the session ends it.
        let _daemon = Daemon::start(&session, Some(CONFIG));
        for step in [Step::Shown, Step::Snooze, Step::Skip, Step::Dismissed] {
            row.not_applicable(step, "");
        }
        row.note(
            "weston: no server, tray or screenshot there; started through D-Bus, painting read \
             from the window's own report.",
        );
        row.begin(Step::Start, "D-Bus");
        command(&session, "stretch-now");
        wait_for_record(&session, "started", None);
        row.passed();
        row.begin(Step::Painted, "paint report");
        row.check(|| {
            wait_until("the window reports it painted", WINDOW_PAINTS, || {
                let log = daemon::daemon_stderr(&session);
                log.contains("window painted").then_some(()).ok_or(())
            });
        });
        row.passed();
        row.not_applicable(Step::Floated, "");
        row.not_applicable(Step::FocusKept, "");
        row.fail_on_failed_checks();
    });
}

/// Runs `unhunch NAME` (a D-Bus call to the daemon) and checks it worked.
fn command(session: &Session, name: &str) {
    let output = unhunch(session, &[name]);
    assert!(
        output.status.success(),
        "`unhunch {name}` failed: {}{}",
        stdout(&output),
        stderr(&output)
    );
}

/// Presses `key` in the focused window, again each second, until the history has `event` for
/// `break_id`.
fn press_until_recorded(session: &Session, key: &str, event: &str, break_id: u64) {
    for _ in 0..10 {
        session.wayland_press_keys(&[key]);
        let recorded = unhunch_tests::desktop::try_wait_until(
            &format!("the history has {event}"),
            std::time::Duration::from_secs(1),
            || {
                daemon::history(session)
                    .iter()
                    .any(|record| record["event"] == event && record["break_id"] == break_id)
                    .then_some(())
                    .ok_or(())
            },
        );
        if recorded.is_ok() {
            return;
        }
    }
    panic!("ten presses of {key} did not bring a `{event}` record for break {break_id}");
}

/// Clicks the top-left corner of the window of `pid` (its margin, not a control), as a user does
/// to type into it, and waits until sway gives it the keyboard for that click.
fn click_into(session: &Session, pid: u32) {
    let window = wait_until("sway has the window", PROMPTLY, || {
        session.sway_window_of(pid).ok_or("not in the tree")
    });
    click(
        session,
        (window.x as i32 + 4, window.y as i32 + 4),
        "button1",
    );
    wait_until("the click gave the window the keyboard", PROMPTLY, || {
        session
            .sway_window_of(pid)
            .filter(|window| window.focused)
            .ok_or_else(|| format!("{:?}", session.sway_windows()))
    });
}

/// Moves sway's pointer to `at` and clicks `button` there, on whatever surface is drawn: the
/// seat's cursor is the virtual pointer, so the click reaches the client as a user's would.
fn click(session: &Session, at: (i32, i32), button: &str) {
    session.sway_command(&format!("seat - cursor set {} {}", at.0, at.1));
    session.sway_command(&format!("seat - cursor press {button}"));
    session.sway_command(&format!("seat - cursor release {button}"));
}

/// A rectangle on the output.
#[derive(Debug, Clone, Copy)]
struct Drawn {
    x: i32,
    y: i32,
    width: i32,
    height: i32,
}

impl Drawn {
    fn centre(self) -> (i32, i32) {
        (self.x + self.width / 2, self.y + self.height / 2)
    }
}

/// Where dunst drew a notification: what differs from `desk` below the bar, waited for.
fn drawn_notification(session: &Session, desk: &Path) -> Option<Drawn> {
    let mut shots = 0;
    let found =
        unhunch_tests::desktop::try_wait_until("dunst draws the notification", PROMPTLY, || {
            shots += 1;
            let shot = session.screenshot_here(&format!("notification-{shots}.png"));
            let changed = changed_below_bar(session, desk, &shot)?;
            // A notification is a box a few hundred pixels wide.
            if changed.width >= 100 && changed.height >= 20 {
                Ok(changed)
            } else {
                Err(format!("{changed:?}"))
            }
        });
    found.ok()
}

fn changed_below_bar(session: &Session, before: &Path, after: &Path) -> Result<Drawn, String> {
    let (width, height) = session.screen_size();
    let crop = format!("{width}x{}+0+{BAR_HEIGHT}", height - BAR_HEIGHT);
    let output = session
        .command("convert")
        .arg(before)
        .arg(after)
        .args(["-compose", "difference", "-composite", "-crop", &crop])
        .args(["+repage", "-threshold", "0", "-format", "%@", "info:"])
        .output()
        .map_err(|error| format!("convert: {error}"))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let numbers: Vec<i32> = text
        .split(['x', '+'])
        .filter_map(|number| number.trim().parse().ok())
        .collect();
    match numbers[..] {
        [width, height, x, y] if width > 0 => Ok(Drawn {
            x,
            y: y + BAR_HEIGHT as i32,
            width,
            height,
        }),
        _ => Err(format!("nothing changed ({text:?})")),
    }
}

/// The stretch window in sway's tree.
fn stretch_window(session: &Session, daemon: &Daemon) -> SwayWindow {
    wait_until(
        "the stretch window is in sway's tree",
        WINDOW_PAINTS,
        || {
            daemon_children(session, daemon)
                .into_iter()
                .filter_map(|pid| u32::try_from(pid).ok())
                .find_map(|pid| session.sway_window_of(pid))
                .ok_or_else(|| format!("{:?}", session.sway_windows()))
        },
    )
}

/// Waits until the window's rectangle in a screenshot is not blank.
fn painted(session: &Session, window: &SwayWindow) {
    let mut shots = 0;
    wait_until("the stretch window paints", WINDOW_PAINTS, || {
        shots += 1;
        let shot: PathBuf = session.screenshot_here(&format!("window-{shots}.png"));
        let window = session
            .sway_window_of(window.pid.unwrap_or_default())
            .unwrap_or_else(|| window.clone());
        let share = session.commonest_colour_share(
            &shot,
            window.x as i32,
            window.y as i32,
            window.width as u32,
            window.height as u32,
        );
        painted_enough(share).map_err(|blank| format!("{blank} in {window:?}"))
    });
}
