//! Notifications: the session's notification server started, stopped and crashed, what dunst
//! shows, its history and its context menu (`dunstctl`), and every `Notify` call and
//! notification signal as the bus carried them, whichever server runs.

use std::collections::HashMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

use super::bus::BusMessage;
use super::processes::PartOutput;
use super::{NOTIFICATIONS_NAME, START_TIMEOUT, Session, wait_until};

/// One notification as an application sent it over D-Bus, and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct SeenNotification {
    /// The id the notification server gave it.
    pub id: u32,
    pub app_name: String,
    pub summary: String,
    pub body: String,
    pub icon: String,
    /// The actions as (key, label) pairs, in the order the application listed them.
    pub actions: Vec<(String, String)>,
    /// The hints as `busctl` prints variants: `{"type": "y", "data": 2}`.
    pub hints: Map<String, Value>,
    /// The expiry the application asked for, in milliseconds (-1: the server decides, 0: never).
    pub expire_timeout_ms: i32,
    /// The unique bus name of the sender.
    pub sender: String,
    /// When the bus carried the `Notify` call.
    pub sent_at: SystemTime,
    /// How many times a later `Notify` replaced this notification in place.
    pub replaced: u32,
    /// The action keys the server reported as invoked, in order.
    pub invoked_actions: Vec<String>,
    /// Why and when the server closed it, if it did.
    pub closed: Option<(CloseReason, SystemTime)>,
}

/// Why a notification server closed a notification (the `NotificationClosed` signal's reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    Expired,
    DismissedByUser,
    ClosedByApplication,
    Undefined,
}

/// One notification in dunst's history (`dunstctl history`): closed notifications, newest first.
/// Dunst's history does not keep the actions; see [`Session::notifications`] for those.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryNotification {
    pub id: i64,
    pub app_name: String,
    pub summary: String,
    pub body: String,
    /// The key of the default action, when the notification had one.
    pub default_action: Option<String>,
    pub urgency: Option<String>,
}

/// One line of dunst's context menu, as dunst offered it to the `dmenu` program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextMenuEntry {
    pub label: String,
    pub summary: String,
    pub notification_id: u32,
    pub action_key: String,
}

impl Session {
    /// Starts the session's notification server (see [`super::SessionBuilder::notification_server`]),
    /// and the bus monitor that records notifications, if they are not running. Returns once the
    /// server owns `org.freedesktop.Notifications`.
    pub fn start_notifications(&mut self) {
        if self.notification_server.is_some() {
            return;
        }
        let kind = self.notification_server_kind;
        kind.check_installed();
        let command = kind.command(self);
        let name = kind.label().split(' ').next().unwrap_or("notifications");
        let mut server = self.spawn_part(name, command, PartOutput::Log);
        let ready = self.wait_for_part(
            &mut server,
            &format!("{} owns org.freedesktop.Notifications", kind.label()),
            |session| session.name_owner(NOTIFICATIONS_NAME).ok_or("no owner"),
        );
        self.notification_server = Some(server);
        if let Err(log) = ready {
            panic!("{} exited while starting; its log:\n{log}", kind.label());
        }
        // A monitor left running after a server crashed goes on recording for the next one, so
        // nothing sent the moment the new server owns the name is missed.
        if self.notification_monitor.is_none() {
            self.start_notification_monitor();
        }
    }

    /// Stops the notification server (and its bus monitor), as when a user's notification server
    /// goes away.
    pub fn stop_notifications(&mut self) {
        if let Some(monitor) = self.notification_monitor.take() {
            monitor.stop();
        }
        if let Some(server) = self.notification_server.take() {
            server.stop();
        }
        self.wait_until_no_notification_server();
    }

    /// Kills the notification server with SIGKILL, as when it crashes: it closes nothing and
    /// says nothing. The bus monitor keeps recording until the next server starts.
    pub fn kill_notifications(&mut self) {
        let server = self
            .notification_server
            .take()
            .expect("a notification server is running in this session");
        if let Some(group) = server.pid().and_then(rustix::process::Pid::from_raw) {
            let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
        }
        server.stop();
        self.wait_until_no_notification_server();
    }

    /// What the running server says it is (`GetServerInformation`): name, vendor, version, spec
    /// version.
    pub fn notification_server_information(&self) -> [String; 4] {
        let reply = self
            .bus_call(
                NOTIFICATIONS_NAME,
                "/org/freedesktop/Notifications",
                NOTIFICATIONS_NAME,
                "GetServerInformation",
                "",
                &[],
            )
            .unwrap_or_else(|error| panic!("the notification server does not answer: {error}"));
        let text = |index: usize| {
            reply
                .get(index)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        [text(0), text(1), text(2), text(3)]
    }

    fn wait_until_no_notification_server(&self) {
        wait_until(
            "org.freedesktop.Notifications has no owner after its server stopped",
            START_TIMEOUT,
            || !self.name_has_owner(NOTIFICATIONS_NAME),
        );
    }

    /// Makes dunst read body markup (`markup = full`, as Debian's own dunstrc has it), so it
    /// advertises `body-markup`. Takes effect when dunst next starts.
    pub fn use_dunst_markup(&self) {
        let path = self.dunst_dir().join("dunstrc");
        let config = fs::read_to_string(&path).expect("read the dunst config");
        let config = config.replacen("[global]\n", "[global]\n    markup = full\n", 1);
        fs::write(&path, config).expect("write the dunst config");
    }

    /// Stops the notification server with SIGSTOP, as when it hangs: it keeps its bus name, and
    /// calls to it wait unanswered until [`Session::continue_notifications`].
    pub fn freeze_notifications(&self) {
        self.signal_notification_server(rustix::process::Signal::STOP);
    }

    /// Lets a frozen notification server run again (SIGCONT); it then answers the calls that waited, in order.
    pub fn continue_notifications(&self) {
        self.signal_notification_server(rustix::process::Signal::CONT);
    }

    fn signal_notification_server(&self, signal: rustix::process::Signal) {
        let pid = self
            .notification_server
            .as_ref()
            .and_then(|server| server.pid())
            .and_then(rustix::process::Pid::from_raw)
            .expect("a notification server is running in this session");
        rustix::process::kill_process(pid, signal).unwrap_or_else(|error| {
            panic!("could not send {signal:?} to the notification server: {error}")
        });
    }

    /// Every notification sent to the server in this session, oldest first, with its actions,
    /// hints, invoked actions and closing.
    pub fn notifications(&self) -> Vec<SeenNotification> {
        self.notifications
            .lock()
            .expect("notification log")
            .seen
            .clone()
    }

    /// The notifications on screen now: sent and not yet closed.
    pub fn dunst_displayed(&self) -> Vec<SeenNotification> {
        self.notifications()
            .into_iter()
            .filter(|notification| notification.closed.is_none())
            .collect()
    }

    /// How many notifications dunst says it is displaying (`dunstctl count displayed`).
    pub fn dunst_displayed_count(&self) -> usize {
        let output = self.dunstctl(&["count", "displayed"]);
        output.trim().parse().unwrap_or_else(|error| {
            panic!("`dunstctl count displayed` printed {output:?}, not a count: {error}")
        })
    }

    /// Dunst's history of closed notifications, newest first (`dunstctl history`).
    pub fn dunst_history(&self) -> Vec<HistoryNotification> {
        let output = self.dunstctl(&["history"]);
        parse_dunst_history(&output)
            .unwrap_or_else(|error| panic!("could not read `dunstctl history`: {error}\n{output}"))
    }

    /// Does what a click on the notification at `position` (0: the newest) does: invokes its default
    /// action, or opens its context menu when it has none (`dunstctl action`).
    pub fn dunst_action(&self, position: usize) {
        self.dunstctl(&["action", &position.to_string()]);
    }

    /// Opens dunst's context menu (`dunstctl context`) and picks the first action whose label is
    /// `choice`, as a user picking "Snooze" from the list would. Returns every entry dunst offered.
    /// Panics, listing what was offered, when no entry has that label.
    pub fn dunst_context_with_choice(&self, choice: &str) -> Vec<ContextMenuEntry> {
        let dunst_dir = self.dunst_dir();
        let offered_path = dunst_dir.join("offered");
        fs::write(dunst_dir.join("choice"), choice).expect("write the context menu choice");
        match fs::remove_file(&offered_path) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => panic!("could not remove {}: {error}", offered_path.display()),
        }
        self.dunstctl(&["context"]);
        let offered = wait_until(
            "dunst passes its context menu to the dmenu script",
            Duration::from_secs(5),
            || fs::read_to_string(&offered_path).ok(),
        );
        let entries = parse_context_menu(&offered);
        assert!(
            entries.iter().any(|entry| entry.label == choice),
            "dunst's context menu has no action labelled {choice:?}; it offered:\n{offered}"
        );
        entries
    }

    /// Closes every notification on screen (`dunstctl close-all`).
    pub fn dunst_close_all(&self) {
        self.dunstctl(&["close-all"]);
    }

    fn dunstctl(&self, arguments: &[&str]) -> String {
        let output = self.run("dunstctl", arguments);
        assert!(
            output.status.success(),
            "`dunstctl {}` failed: {}{}",
            arguments.join(" "),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn start_notification_monitor(&mut self) {
        let log = Arc::clone(&self.notifications);
        // Every method return, not only the server's: a server that crashes and starts again has
        // a new unique name, and the log pairs replies with `Notify` calls by their serials.
        let monitor = self.spawn_monitor(
            "notification-monitor".into(),
            &[
                "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
                "type='method_return'",
                "type='signal',interface='org.freedesktop.Notifications'",
            ],
            move |message| log.lock().expect("notification log").record(message),
        );
        self.notification_monitor = Some(monitor);
    }

    /// Where dunst's config, its `dmenu` script and what the script is to choose live.
    pub(super) fn dunst_dir(&self) -> PathBuf {
        self.root.join("dunst")
    }

    /// Writes dunst's config and the `dmenu` script that records and answers its context menu.
    pub(super) fn write_dunst_files(&self) {
        let dunst_dir = self.dunst_dir();
        let dmenu_script = dunst_dir.join("dmenu.sh");
        // Notifications stay until acted on (timeout 0 at every urgency), nothing is held back as
        // idle or over a limit, and a left click does what GNOME does: the default action.
        let config = format!(
            r#"[global]
    width = 360
    origin = top-right
    offset = 12x40
    notification_limit = 0
    idle_threshold = 0
    show_age_threshold = -1
    sticky_history = yes
    history_length = 1000
    show_indicators = no
    mouse_left_click = do_action, close_current
    mouse_middle_click = close_current
    mouse_right_click = context
    dmenu = {dmenu}
    browser = /bin/false
    always_run_script = true
[urgency_low]
    timeout = 0
[urgency_normal]
    timeout = 0
[urgency_critical]
    timeout = 0
"#,
            dmenu = dmenu_script.display()
        );
        fs::write(dunst_dir.join("dunstrc"), config).expect("write the dunst config");
        // Dunst writes one line per action on the script's stdin, like
        // `#Snooze (Time to stretch) [3,snooze]`, and invokes the line the script prints.
        let script = r##"#!/bin/sh
# Records the context menu dunst offers, then picks the entry whose label the test chose.
dir=$(dirname "$0")
cat > "$dir/offered.partial"
choice=$(cat "$dir/choice" 2>/dev/null)
grep -F -m 1 -e "#$choice (" "$dir/offered.partial"
mv "$dir/offered.partial" "$dir/offered"
"##;
        fs::write(&dmenu_script, script).expect("write the dmenu script");
        fs::set_permissions(&dmenu_script, fs::Permissions::from_mode(0o755))
            .expect("make the dmenu script executable");
    }
}

impl SeenNotification {
    /// A string hint, such as `"desktop-entry"` or `"category"`.
    pub fn hint_str(&self, name: &str) -> Option<&str> {
        self.hints.get(name)?.get("data")?.as_str()
    }

    /// The urgency hint: 0 low, 1 normal, 2 critical.
    pub fn urgency(&self) -> Option<u8> {
        let urgency = self.hints.get("urgency")?.get("data")?.as_u64()?;
        u8::try_from(urgency).ok()
    }

    /// The labels of the actions, in order.
    pub fn action_labels(&self) -> Vec<&str> {
        self.actions
            .iter()
            .map(|(_, label)| label.as_str())
            .collect()
    }
}

impl CloseReason {
    fn from_code(code: u64) -> CloseReason {
        match code {
            1 => CloseReason::Expired,
            2 => CloseReason::DismissedByUser,
            3 => CloseReason::ClosedByApplication,
            _ => CloseReason::Undefined,
        }
    }
}

fn parse_dunst_history(output: &str) -> Result<Vec<HistoryNotification>, String> {
    let history: Value = serde_json::from_str(output).map_err(|error| error.to_string())?;
    let entries = history
        .get("data")
        .and_then(|data| data.get(0))
        .and_then(Value::as_array)
        .ok_or("no data[0] list")?;
    entries
        .iter()
        .map(|entry| {
            let field = |name: &str| entry.get(name).and_then(|variant| variant.get("data"));
            let text = |name: &str| {
                field(name)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            Ok(HistoryNotification {
                id: field("id")
                    .and_then(Value::as_i64)
                    .ok_or_else(|| format!("an entry without an id: {entry}"))?,
                app_name: text("appname"),
                summary: text("summary"),
                body: text("body"),
                default_action: field("default_action_name")
                    .and_then(Value::as_str)
                    .filter(|name| !name.is_empty())
                    .map(str::to_owned),
                urgency: field("urgency").and_then(Value::as_str).map(str::to_owned),
            })
        })
        .collect()
}

fn parse_context_menu(offered: &str) -> Vec<ContextMenuEntry> {
    offered
        .lines()
        .filter_map(|line| {
            // `#Label (Summary) [id,key]`; URLs are offered as `[Summary] url` and are skipped.
            let rest = line.strip_prefix('#')?;
            let bracket = rest.rfind(" [")?;
            let (label_and_summary, reference) = (&rest[..bracket], &rest[bracket + 2..]);
            let (id, key) = reference.strip_suffix(']')?.split_once(',')?;
            let parenthesis = label_and_summary.rfind(" (")?;
            Some(ContextMenuEntry {
                label: label_and_summary[..parenthesis].to_owned(),
                summary: label_and_summary[parenthesis + 2..]
                    .strip_suffix(')')?
                    .to_owned(),
                notification_id: id.parse().ok()?,
                action_key: key.to_owned(),
            })
        })
        .collect()
}

/// The notifications seen on the bus, built from the monitor's messages.
#[derive(Default)]
pub(super) struct NotificationLog {
    seen: Vec<SeenNotification>,
    /// `Notify` calls awaiting the server's reply with their id, by (sender, serial).
    awaiting_id: HashMap<(String, u64), (u32, SeenNotification)>,
}

impl NotificationLog {
    fn record(&mut self, message: &Value) {
        // The serials that pair a reply with its call are not in a `BusMessage`.
        let number = |name: &str| {
            message
                .get(name)
                .and_then(Value::as_u64)
                .unwrap_or_default()
        };
        let BusMessage {
            kind,
            sender,
            destination,
            member,
            payload,
            at,
            ..
        } = BusMessage::from_busctl(message);
        match (kind.as_str(), member.as_str()) {
            ("method_call", "Notify") => {
                if let Some((replaces_id, notification)) =
                    notification_from_call(&payload, &sender, at)
                {
                    self.awaiting_id
                        .insert((sender, number("cookie")), (replaces_id, notification));
                }
            }
            ("method_return", _) => {
                let key = (destination, number("reply_cookie"));
                let Some((replaces_id, mut notification)) = self.awaiting_id.remove(&key) else {
                    return;
                };
                let Some(id) = payload.first().and_then(Value::as_u64) else {
                    return;
                };
                notification.id = u32::try_from(id).unwrap_or_default();
                let replaced = self
                    .seen
                    .iter_mut()
                    .find(|seen| replaces_id != 0 && seen.id == replaces_id);
                match replaced {
                    Some(seen) => {
                        notification.replaced = seen.replaced + 1;
                        *seen = notification;
                    }
                    None => self.seen.push(notification),
                }
            }
            ("signal", "NotificationClosed") => {
                let id = payload.first().and_then(Value::as_u64).unwrap_or_default();
                let reason = payload.get(1).and_then(Value::as_u64).unwrap_or_default();
                if let Some(seen) = self.latest_mut(id) {
                    seen.closed = Some((CloseReason::from_code(reason), at));
                }
            }
            ("signal", "ActionInvoked") => {
                let id = payload.first().and_then(Value::as_u64).unwrap_or_default();
                let key = payload.get(1).and_then(Value::as_str).unwrap_or_default();
                if let Some(seen) = self.latest_mut(id) {
                    seen.invoked_actions.push(key.to_owned());
                }
            }
            _ => {}
        }
    }

    fn latest_mut(&mut self, id: u64) -> Option<&mut SeenNotification> {
        self.seen
            .iter_mut()
            .rev()
            .find(|seen| u64::from(seen.id) == id)
    }
}

/// Reads a `Notify(app_name, replaces_id, icon, summary, body, actions, hints, expire_timeout)`
/// payload; returns the id it replaces (0: none) and the notification without its id yet.
fn notification_from_call(
    payload: &[Value],
    sender: &str,
    sent_at: SystemTime,
) -> Option<(u32, SeenNotification)> {
    let text = |index: usize| payload.get(index)?.as_str().map(str::to_owned);
    let flat_actions: Vec<String> = payload
        .get(5)?
        .as_array()?
        .iter()
        .filter_map(|action| action.as_str().map(str::to_owned))
        .collect();
    let actions = flat_actions
        .chunks(2)
        .filter(|pair| pair.len() == 2)
        .map(|pair| (pair[0].clone(), pair[1].clone()))
        .collect();
    let replaces_id = u32::try_from(payload.get(1)?.as_u64()?).ok()?;
    Some((
        replaces_id,
        SeenNotification {
            id: 0,
            app_name: text(0)?,
            icon: text(2)?,
            summary: text(3)?,
            body: text(4)?,
            actions,
            hints: payload.get(6)?.as_object()?.clone(),
            expire_timeout_ms: i32::try_from(payload.get(7)?.as_i64()?).ok()?,
            sender: sender.to_owned(),
            sent_at,
            replaced: 0,
            invoked_actions: Vec::new(),
            closed: None,
        },
    ))
}

#[cfg(test)]
mod tests {
    //! Notifications as a user meets them: shown with their actions, replaced in place, acted on by
    //! a click or from the context menu.

    use std::process::Stdio;

    use super::*;
    use crate::desktop::self_test::{SHORT, screenshots_dir};

    #[test]
    fn a_notification_with_actions_is_seen_displayed_and_its_default_action_can_be_invoked() {
        let session = Session::builder().without_tray().start();
        // notify-send waits for an action when it offers some, and prints the invoked key.
        let sender = session
            .command("notify-send")
            .args(["--app-name=Unhunch", "--urgency=critical", "--wait"])
            .args(["--action=default=Open", "--action=snooze=Snooze 5 minutes"])
            .args(["Time to stretch", "Sit tall and reach"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("run notify-send (libnotify-bin)");

        let shown = wait_until("the notification is displayed", SHORT, || {
            session.dunst_displayed().into_iter().next()
        });
        assert_eq!(shown.summary, "Time to stretch");
        assert_eq!(shown.body, "Sit tall and reach");
        assert_eq!(shown.app_name, "Unhunch");
        assert_eq!(shown.action_labels(), ["Open", "Snooze 5 minutes"]);
        assert_eq!(shown.urgency(), Some(2));
        assert_eq!(session.dunst_displayed_count(), 1);
        let shot = screenshots_dir().join("notification.png");
        session.screenshot(&shot);

        session.dunst_action(0);
        let output = sender.wait_with_output().expect("notify-send exits");
        assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "default");
        let closed = wait_until("the notification is closed", SHORT, || {
            session
                .notifications()
                .into_iter()
                .find(|seen| seen.id == shown.id && seen.closed.is_some())
        });
        assert_eq!(closed.invoked_actions, ["default"]);
        let history = wait_until("dunst's history holds it", SHORT, || {
            session
                .dunst_history()
                .into_iter()
                .find(|entry| entry.id == i64::from(shown.id))
        });
        assert_eq!(history.summary, "Time to stretch");
        assert_eq!(history.body, "Sit tall and reach");
        assert_eq!(history.default_action.as_deref(), Some("default"));
        assert!(session.dunst_displayed().is_empty());
    }

    #[test]
    fn a_replaced_notification_is_one_entry_with_the_new_text() {
        let session = Session::builder().without_tray().start();
        let first = session.run(
            "notify-send",
            &[
                "--print-id",
                "--app-name=Unhunch",
                "Break in 30 s",
                "Finish your sentence",
            ],
        );
        let id = String::from_utf8_lossy(&first.stdout).trim().to_owned();
        assert!(
            first.status.success() && !id.is_empty(),
            "notify-send printed {id:?}"
        );
        let second = session.run(
            "notify-send",
            &[
                &format!("--replace-id={id}"),
                "--app-name=Unhunch",
                "Time to stretch",
                "Cat-Cow",
            ],
        );
        assert!(second.status.success());

        let replaced = wait_until("the notification is replaced", SHORT, || {
            session
                .notifications()
                .into_iter()
                .find(|seen| seen.replaced == 1)
        });
        assert_eq!(replaced.id.to_string(), id);
        assert_eq!(replaced.summary, "Time to stretch");
        assert_eq!(session.notifications().len(), 1);
    }

    #[test]
    fn the_context_menu_choice_invokes_the_chosen_action() {
        let session = Session::builder().without_tray().start();
        let sender = session
            .command("notify-send")
            .args(["--app-name=Unhunch", "--wait"])
            .args(["--action=snooze=Snooze", "--action=skip=Skip this break"])
            .args(["Time to stretch", "Two minutes"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("run notify-send (libnotify-bin)");
        let shown = wait_until("the notification is displayed", SHORT, || {
            session.dunst_displayed().into_iter().next()
        });

        let offered = session.dunst_context_with_choice("Skip this break");

        let labels: Vec<&str> = offered.iter().map(|entry| entry.label.as_str()).collect();
        assert!(labels.contains(&"Snooze"), "offered {labels:?}");
        assert!(
            offered
                .iter()
                .all(|entry| entry.notification_id == shown.id)
        );
        let output = sender.wait_with_output().expect("notify-send exits");
        assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "skip");
    }
}
