//! One X11 cell of the matrix: a session on Xvfb with the cell's notification server, tray and
//! window manager, each with its stock settings, and three breaks a user works through what is
//! drawn: the first snoozed, the second skipped, the third started and walked to its end.

use std::time::{Duration, SystemTime};

use serde_json::Value;
use unhunch_tests::daemon::{self, Daemon, PROMPTLY, daemon_tray_item, menu, wait_for_record};
use unhunch_tests::desktop::{
    AccessibleNotification, BusMonitor, DrawnItem, ExtraParts, NotificationServer, Session, Tray,
    WindowManager, accessible_name, parent_of, wait_until,
};

use crate::steps::{
    BREAK_SUMMARY, CONFIG, NOTIFICATION_RULES, WINDOW_PAINTS, break_notify_call, daemon_children,
    due_break, painted_enough, record, walk_to_the_end,
};
use crate::table::{Row, Step};

/// How long a tray may take to draw a new item on a loaded machine.
const TRAY_DRAWS: Duration = Duration::from_secs(30);

/// One cell: its name and its parts.
#[derive(Debug, Clone, Copy)]
pub struct X11Cell {
    pub name: &'static str,
    pub order: usize,
    /// The notification server, `None` for none.
    pub server: Option<NotificationServer>,
    pub tray: Tray,
    pub window_manager: WindowManager,
}

/// Runs `cell`, records its row whatever happens, and fails when a step failed.
pub fn run(cell: X11Cell) {
    let row = Row::new(
        cell.name,
        cell.order,
        [
            cell.server
                .map_or("none", NotificationServer::label)
                .to_owned(),
            cell.tray.label().to_owned(),
            cell.window_manager.label().to_owned(),
        ],
    );
    record(row, |row| breaks_in(cell, row));
}

/// What the user has to act with in one cell.
struct Desk {
    cell: X11Cell,
    tray_item: Option<(String, DrawnItem)>,
    notify_calls: BusMonitor,
    work: String,
    // Field order is drop order: the daemon and the added parts end before the session.
    daemon: Daemon,
    _parts: ExtraParts,
    session: Session,
}

fn breaks_in(cell: X11Cell, row: &mut Row) {
    let desk = Desk::start(cell);

    // The first break: shown, then snoozed.
    let first = due_break(&desk.session, None);
    let drawn = desk.shown(row, first, true);
    desk.act(row, Step::Snooze, drawn.as_ref(), "Snooze", "Snooze");
    wait_for_record(&desk.session, "snoozed", Some(first));
    row.passed();

    // The second: skipped.
    let second = due_break(&desk.session, Some(first));
    let drawn = desk.shown(row, second, false);
    desk.act(row, Step::Skip, drawn.as_ref(), "Skip", "Skip this break");
    wait_for_record(&desk.session, "skipped", Some(second));
    row.passed();

    // The third: started while the user works in another window, painted, walked to its end.
    let third = due_break(&desk.session, Some(second));
    let drawn = desk.shown(row, third, false);
    desk.session.focus_client(&desk.work);
    desk.act(row, Step::Start, drawn.as_ref(), "Start", "Start");
    wait_for_record(&desk.session, "started", Some(third));
    row.passed();
    let window = desk.stretch_window();
    let was_painted = desk.painted(row, &window);
    desk.placed(row, &window);
    if !was_painted {
        // A blank window cannot be walked through; the cell has failed already.
        row.fail_on_failed_checks();
    }
    walk_to_the_end(&desk.session, || {
        desk.session.press_keys_in_window(&window, &["Return"]);
    });
    wait_for_record(&desk.session, "completed", Some(third));

    // A fourth, dismissed with the server's stock click (stock dunst: a left click closes). The
    // engine reminds of a due break every snooze length, so a long snooze makes sure what comes
    // after the dismissal is its answer and not that reminder.
    if cell.server == Some(NotificationServer::DunstStock) {
        daemon::write_config(&desk.session, &CONFIG.replace("\"3s\"", "\"2m\""));
        let fourth = due_break(&desk.session, Some(third));
        let drawn = desk.shown(row, fourth, false).expect("dunst draws it");
        desk.dismissed(row, &drawn);
    } else {
        // Checked where the server's stock click dismisses (dunst); the others draw buttons.
        row.not_applicable(Step::Dismissed, "");
    }
    row.fail_on_failed_checks();
}

impl Desk {
    fn start(cell: X11Cell) -> Desk {
        let mut session = Session::builder()
            .without_notifications()
            .without_tray()
            .start();
        let mut parts = ExtraParts::new();
        if cell.server.and_then(accessible_name).is_some() {
            session.start_accessibility_bus(&mut parts);
        }
        session.start_window_manager(&mut parts, cell.window_manager);
        if let Some(server) = cell.server {
            session.start_accessible_notification_server(&mut parts, server);
        }
        session.start_panel(&mut parts, cell.tray);
        let notify_calls = session.monitor_bus(&NOTIFICATION_RULES);
        let work = session.start_focused_client(&mut parts);
        let before = session.screenshot_here("before-daemon.png");
        let daemon = Daemon::start(&session, Some(CONFIG));
        let tray_item = (cell.tray != Tray::None).then(|| {
            let item = daemon_tray_item(&session, &daemon);
            // Once in nine cells gtk-sni-tray took more than 15 s to draw a new icon on a loaded
            // machine; a tray that never draws it still fails here.
            (item, session.wait_for_drawn_item(&before, TRAY_DRAWS))
        });
        Desk {
            cell,
            tray_item,
            notify_calls,
            work,
            daemon,
            _parts: parts,
            session,
        }
    }

    /// The break notification as the server drew it, with words that fit the desktop. `check_words`
    /// checks the body and the buttons once (they are the same for each break).
    fn shown(
        &self,
        row: &mut Row,
        break_id: u64,
        check_words: bool,
    ) -> Option<AccessibleNotification> {
        let Some(server) = self.cell.server else {
            row.not_applicable(Step::Shown, "No notification server.");
            return None;
        };
        if server == NotificationServer::WithoutActions {
            // The stand-in draws nothing: what it was sent is all there is to see.
            if check_words {
                row.begin(Step::Shown, "sent (draws nothing)");
                let notify = break_notify_call(&self.notify_calls, break_id);
                row.check(|| self.check_body(&notify));
                row.passed();
            }
            return None;
        }
        let how = if accessible_name(server).is_some() {
            "drawn (AT-SPI)"
        } else {
            "drawn (its window)"
        };
        if check_words {
            row.begin(Step::Shown, how);
        }
        let notify = break_notify_call(&self.notify_calls, break_id);
        let drawn = self
            .session
            .wait_for_drawn_notification(server, BREAK_SUMMARY, PROMPTLY);
        if check_words {
            row.check(|| self.check_words(&notify, &drawn));
            row.passed();
        }
        Some(drawn)
    }

    /// The body names only what this desktop has: a tray menu only where there is a tray, and
    /// there, when the server draws no actions, the way to them.
    fn check_body(&self, notify: &Value) {
        let body = notify[4].as_str().unwrap_or_default().to_lowercase();
        if self.cell.tray == Tray::None {
            assert!(
                !body.contains("tray"),
                "with no tray, the body must not send the user to one: {body:?}"
            );
        } else if self.cell.server == Some(NotificationServer::WithoutActions) {
            assert!(
                body.contains("tray"),
                "with no actions on the notification, the body must say where they are: {body:?}"
            );
        }
    }

    /// The words fit the desktop, and each action is drawn once, as a button.
    fn check_words(&self, notify: &Value, drawn: &AccessibleNotification) {
        self.check_body(notify);
        if self.cell.server.and_then(accessible_name).is_some() {
            let labels = drawn.button_labels();
            assert!(
                drawn.other_controls.is_empty(),
                "the actions must be drawn as buttons, not {:?}",
                drawn.other_controls
            );
            for wanted in ["Start", "Snooze", "Skip"] {
                let count = labels
                    .iter()
                    .filter(|label| label.starts_with(wanted))
                    .count();
                assert_eq!(
                    count, 1,
                    "one {wanted:?} button is drawn, not {count}: {labels:?}"
                );
            }
        }
    }

    /// Does `step` as the user does: the drawn button labelled `button`, or, when the server
    /// draws none, what the desktop offers (dunst's middle click is its action, the tray's menu
    /// entry `tray_entry`).
    fn act(
        &self,
        row: &mut Row,
        step: Step,
        drawn: Option<&AccessibleNotification>,
        button: &str,
        tray_entry: &str,
    ) {
        if let Some(widget) = drawn.and_then(|drawn| drawn.button(button)) {
            row.begin(step, "click on the drawn button");
            let (x, y) = widget.centre();
            self.session.click_screen_at(x, y, 1);
            return;
        }
        if step == Step::Start
            && self.cell.server == Some(NotificationServer::DunstStock)
            && let Some(drawn) = drawn
        {
            // Stock dunst runs a notification's default action on a middle click.
            row.begin(step, "middle click on it");
            let (x, y) = drawn.centre();
            self.session.click_screen_at(x, y, 2);
            return;
        }
        let (item, drawn_item) = self.tray_item.as_ref().unwrap_or_else(|| {
            panic!("the user has no way to {button:?} here: no button drawn and no tray")
        });
        row.begin(step, "tray icon click, menu keys");
        let published = menu(&self.session, item);
        self.session
            .pick_from_tray_menu(*drawn_item, &published, tray_entry);
    }

    /// The X window of the stretch window the daemon started.
    fn stretch_window(&self) -> String {
        wait_until("the stretch window is on screen", WINDOW_PAINTS, || {
            let window_pid = self
                .session
                .leftover_processes()
                .into_iter()
                .find(|process| parent_of(process.pid) == Some(self.daemon.pid()))
                .and_then(|process| u32::try_from(process.pid).ok())
                .ok_or("no window process")?;
            self.session
                .visible_windows_of(window_pid)
                .into_iter()
                .max_by_key(|window| {
                    let facts = self.session.window_facts(window);
                    facts.width * facts.height
                })
                .ok_or("no window of it is mapped")
        })
    }

    fn painted(&self, row: &mut Row, window: &str) -> bool {
        row.begin(Step::Painted, "screenshot");
        let mut shots = 0;
        let painted = row.check(|| {
            wait_until("the stretch window paints", WINDOW_PAINTS, || {
                shots += 1;
                let facts = self.session.window_facts(window);
                let shot = self.session.screenshot_here(&format!("window-{shots}.png"));
                let share = self.session.commonest_colour_share(
                    &shot,
                    facts.x,
                    facts.y,
                    facts.width,
                    facts.height,
                );
                painted_enough(share).map_err(|blank| format!("{blank} in {facts:?}"))
            });
        });
        row.passed();
        painted
    }

    /// Floating at its own size (decorated and above where a manager runs), and the focus still
    /// where the user works.
    fn placed(&self, row: &mut Row, window: &str) {
        let facts = self.session.window_facts(window);
        let managed = self.cell.window_manager != WindowManager::None;
        row.begin(
            Step::Floated,
            if managed {
                "xprop: size, frame, above"
            } else {
                "xprop: size"
            },
        );
        row.check(|| {
            assert!(
                facts.floats_on(self.session.screen_size()),
                "the stretch window must float at its own size: {facts:?}"
            );
            if managed {
                assert!(
                    facts.decorated(),
                    "the manager must frame the window: {facts:?}"
                );
                assert!(facts.above(), "the window must be above others: {facts:?}");
            }
        });
        row.passed();
        row.begin(Step::FocusKept, "X focus");
        let focused = self.session.focused_window();
        row.check(|| {
            assert_eq!(
                focused, self.work,
                "the keyboard focus must stay in the user's work window ({}), not move to {focused} \
                 (the stretch window is {window})",
                self.work
            );
        });
        row.passed();
    }

    /// A left click, which stock dunst takes as "close": the break must not be left due with
    /// nothing on screen; something is shown again, or the window opens.
    fn dismissed(&self, row: &mut Row, drawn: &AccessibleNotification) {
        row.begin(Step::Dismissed, "left click on it");
        let windows_before = daemon_children(&self.session, &self.daemon);
        let clicked_at = SystemTime::now();
        let (x, y) = drawn.centre();
        self.session.click_screen_at(x, y, 1);
        let closed = self.notify_calls.wait_for(
            "the server closes the notification the user dismissed",
            PROMPTLY,
            |message| message.member == "NotificationClosed" && message.at >= clicked_at,
        );
        wait_until(
            "after the dismissal, something is on screen again (a notification or the window)",
            PROMPTLY,
            || {
                let window_opened = daemon_children(&self.session, &self.daemon)
                    .iter()
                    .any(|pid| !windows_before.contains(pid));
                let shown_again = self.notify_calls.messages().iter().any(|message| {
                    message.member == "Notify"
                        && message.at > closed.at
                        && message.payload.first() == Some(&Value::from("Unhunch"))
                }) && self
                    .session
                    .notification_drawn(NotificationServer::DunstStock, BREAK_SUMMARY);
                if window_opened || shown_again {
                    Ok(())
                } else {
                    Err(format!("state {}", daemon::status(&self.session)["state"]))
                }
            },
        );
        row.passed();
    }
}
