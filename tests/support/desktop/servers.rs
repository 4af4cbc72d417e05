//! The notification servers a session can run, each as Debian 12 ships it (its stock
//! configuration), plus dunst with the harness's test config and a stand-in for servers without
//! actions; what each is called on the bus and how each draws a notification.
//!
//! What the servers draw, found by running each on Xvfb (Debian 12, no theme settings):
//!
//! | server | window (WM_CLASS) | the `default` action | other actions | closing |
//! |---|---|---|---|---|
//! | dunst, stock dunstrc | `Dunst`, one window for all | middle click | context menu only (dmenu) | left click: close (reason 2), right click: close all |
//! | dunst, test config | `Dunst` | left click | right click: context menu (the dmenu script) | middle click |
//! | xfce4-notifyd | `xfce4-notifyd`, one per notification | a button of its own, like the others | buttons in a row at the bottom | a click on the body (reason 2) |
//! | mate-notification-daemon | `mate-notification-daemon`, one per notification | a click on the body | buttons at the bottom right, a countdown pie right of them | the × at the top right |
//! | notification-daemon | `notification-daemon`, one per notification | a click on the body | flat buttons (text only) at the bottom | the × at the top right |
//! | lxqt-notificationd | `lxqt-notificationd`, one window for all, newest at the bottom | a button of its own, and a click on the body | up to three buttons; four or more become a combo box and an OK button | the × at the top right |
//! | without actions (stand-in) | draws nothing | — | — | expires every notification after a few seconds, whatever it asked for, as notify-osd does |

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::Session;

/// Which notification server a session runs (see the module comment for how each draws).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NotificationServer {
    /// dunst with the harness's test config: nothing expires, a left click is the default action,
    /// a right click the context menu (answered by a script), a middle click closes.
    #[default]
    DunstTest,
    /// dunst with Debian's `/etc/xdg/dunst/dunstrc`: a left click closes the notification, a
    /// middle click does its default action, a right click closes them all.
    DunstStock,
    /// xfce4-notifyd, as XFCE starts it (its settings come from xfconfd, started on demand).
    XfceNotifyd,
    /// MATE's notification daemon with its default (standard) theme.
    MateNotificationDaemon,
    /// GNOME's fallback notification-daemon (GNOME Flashback and many lightweight sessions).
    NotificationDaemon,
    /// LXQt's lxqt-notificationd.
    LxqtNotificationd,
    /// A stand-in for notify-osd-like servers, of which Debian 12 packages none: capabilities
    /// `["body"]` only, draws nothing, and expires every notification after
    /// [`WITHOUT_ACTIONS_EXPIRY`] whatever it asked for.
    WithoutActions,
}

/// How long the stand-in without actions shows a notification before it expires it (notify-osd
/// keeps a bubble about ten seconds; shorter here, so tests stay quick).
pub const WITHOUT_ACTIONS_EXPIRY: Duration = Duration::from_secs(8);

impl NotificationServer {
    /// Every server, in the order the desktop matrix lists them.
    pub const ALL: [NotificationServer; 7] = [
        NotificationServer::DunstStock,
        NotificationServer::DunstTest,
        NotificationServer::XfceNotifyd,
        NotificationServer::MateNotificationDaemon,
        NotificationServer::NotificationDaemon,
        NotificationServer::LxqtNotificationd,
        NotificationServer::WithoutActions,
    ];

    /// A short name for logs and tables, such as `"dunst (stock)"`.
    pub fn label(self) -> &'static str {
        match self {
            NotificationServer::DunstTest => "dunst (test config)",
            NotificationServer::DunstStock => "dunst (stock)",
            NotificationServer::XfceNotifyd => "xfce4-notifyd",
            NotificationServer::MateNotificationDaemon => "mate-notification-daemon",
            NotificationServer::NotificationDaemon => "notification-daemon",
            NotificationServer::LxqtNotificationd => "lxqt-notificationd",
            NotificationServer::WithoutActions => "without actions (stand-in)",
        }
    }

    /// The name `GetServerInformation` returns.
    pub fn server_name(self) -> &'static str {
        match self {
            NotificationServer::DunstTest | NotificationServer::DunstStock => "dunst",
            NotificationServer::XfceNotifyd => "Xfce Notify Daemon",
            NotificationServer::MateNotificationDaemon | NotificationServer::NotificationDaemon => {
                "Notification Daemon"
            }
            NotificationServer::LxqtNotificationd => "lxqt-notificationd",
            NotificationServer::WithoutActions => "unhunch-test-without-actions",
        }
    }

    /// Whether it is a dunst, which `dunstctl` can drive.
    pub fn is_dunst(self) -> bool {
        matches!(
            self,
            NotificationServer::DunstTest | NotificationServer::DunstStock
        )
    }

    /// Whether it offers actions at all (the `actions` capability).
    pub fn has_actions(self) -> bool {
        self != NotificationServer::WithoutActions
    }

    /// The WM_CLASS instance name of the X windows it draws notifications in; `None` when it
    /// draws nothing.
    pub fn window_class(self) -> Option<&'static str> {
        match self {
            NotificationServer::DunstTest | NotificationServer::DunstStock => Some("Dunst"),
            NotificationServer::XfceNotifyd => Some("xfce4-notifyd"),
            NotificationServer::MateNotificationDaemon => Some("mate-notification-daemon"),
            NotificationServer::NotificationDaemon => Some("notification-daemon"),
            NotificationServer::LxqtNotificationd => Some("lxqt-notificationd"),
            NotificationServer::WithoutActions => None,
        }
    }

    /// Whether it draws the `default` action as a button of its own (rather than as a click on
    /// the body).
    pub fn draws_default_as_button(self) -> bool {
        matches!(
            self,
            NotificationServer::XfceNotifyd | NotificationServer::LxqtNotificationd
        )
    }

    /// The labels of the buttons it draws for `actions` ((key, label) pairs, as sent), left to
    /// right; empty when it draws none (dunst, which offers them in a menu, and lxqt with four
    /// or more, which it puts in a combo box).
    pub fn drawn_buttons(self, actions: &[(String, String)]) -> Vec<String> {
        let drawn = actions
            .iter()
            .filter(|(key, _)| key != "default" || self.draws_default_as_button())
            .map(|(_, label)| label.clone());
        match self {
            NotificationServer::DunstTest
            | NotificationServer::DunstStock
            | NotificationServer::WithoutActions => Vec::new(),
            NotificationServer::LxqtNotificationd if actions.len() > 3 => Vec::new(),
            _ => drawn.collect(),
        }
    }

    /// The command that starts it in `session` with its stock configuration.
    pub(super) fn command(self, session: &Session) -> Command {
        match self {
            NotificationServer::DunstTest => {
                let mut command = session.command("dunst");
                command
                    .arg("-config")
                    .arg(session.dunst_dir().join("dunstrc"));
                command
            }
            NotificationServer::DunstStock => {
                let mut command = session.command("dunst");
                command.args(["-config", STOCK_DUNSTRC]);
                command
            }
            NotificationServer::XfceNotifyd => session.command(XFCE4_NOTIFYD),
            NotificationServer::MateNotificationDaemon => session.command(MATE_NOTIFICATION_DAEMON),
            NotificationServer::NotificationDaemon => session.command(NOTIFICATION_DAEMON),
            NotificationServer::LxqtNotificationd => session.command("lxqt-notificationd"),
            NotificationServer::WithoutActions => {
                let script = session.root.join("without-actions.py");
                fs::write(&script, WITHOUT_ACTIONS_SERVER).expect("write the stand-in server");
                fs::set_permissions(&script, fs::Permissions::from_mode(0o755))
                    .expect("make the stand-in server executable");
                let mut command = session.command("/usr/bin/python3");
                command
                    .arg(&script)
                    .arg(WITHOUT_ACTIONS_EXPIRY.as_millis().to_string());
                command
            }
        }
    }

    /// The Debian package that holds it, for the message when it is missing.
    pub(super) fn package(self) -> &'static str {
        match self {
            NotificationServer::DunstTest | NotificationServer::DunstStock => "dunst",
            NotificationServer::XfceNotifyd => "xfce4-notifyd",
            NotificationServer::MateNotificationDaemon => "mate-notification-daemon",
            NotificationServer::NotificationDaemon => "notification-daemon",
            NotificationServer::LxqtNotificationd => "lxqt-notificationd",
            NotificationServer::WithoutActions => "python3-dbus and python3-gi",
        }
    }

    /// The program it runs, to check that it is installed.
    pub(super) fn program(self) -> &'static str {
        match self {
            NotificationServer::DunstTest | NotificationServer::DunstStock => "/usr/bin/dunst",
            NotificationServer::XfceNotifyd => XFCE4_NOTIFYD,
            NotificationServer::MateNotificationDaemon => MATE_NOTIFICATION_DAEMON,
            NotificationServer::NotificationDaemon => NOTIFICATION_DAEMON,
            NotificationServer::LxqtNotificationd => "/usr/bin/lxqt-notificationd",
            NotificationServer::WithoutActions => "/usr/bin/python3",
        }
    }

    /// Panics, naming the package, when the server is not installed.
    pub(super) fn check_installed(self) {
        assert!(
            Path::new(self.program()).is_file(),
            "{} is not installed ({} is missing); install the Debian package {}",
            self.label(),
            self.program(),
            self.package()
        );
    }
}

/// Debian's own dunst configuration, as a fresh install has it.
pub const STOCK_DUNSTRC: &str = "/etc/xdg/dunst/dunstrc";
const XFCE4_NOTIFYD: &str = "/usr/lib/x86_64-linux-gnu/xfce4/notifyd/xfce4-notifyd";
const MATE_NOTIFICATION_DAEMON: &str = "/usr/lib/mate-notification-daemon/mate-notification-daemon";
const NOTIFICATION_DAEMON: &str = "/usr/lib/notification-daemon/notification-daemon";

/// A notification server without actions (python3-dbus): it answers every call of
/// org.freedesktop.Notifications, advertises only `body`, draws nothing, and, as notify-osd
/// does, expires each notification after a fixed time (its argument, in milliseconds) whatever
/// the sender asked for. Replacing a notification starts its time again.
const WITHOUT_ACTIONS_SERVER: &str = r#"#!/usr/bin/python3
import sys
import dbus
import dbus.service
import dbus.mainloop.glib
from gi.repository import GLib

INTERFACE = "org.freedesktop.Notifications"
EXPIRE_MS = int(sys.argv[1])


class Server(dbus.service.Object):
    def __init__(self, bus):
        super().__init__(bus, "/org/freedesktop/Notifications")
        self.last_id = 0
        self.timers = {}

    @dbus.service.method(INTERFACE, in_signature="", out_signature="as")
    def GetCapabilities(self):
        return ["body"]

    @dbus.service.method(INTERFACE, in_signature="", out_signature="ssss")
    def GetServerInformation(self):
        return ("unhunch-test-without-actions", "Unhunch tests", "1.0", "1.2")

    @dbus.service.method(INTERFACE, in_signature="susssasa{sv}i", out_signature="u")
    def Notify(self, app_name, replaces_id, icon, summary, body, actions, hints, timeout):
        if replaces_id and replaces_id in self.timers:
            notification_id = int(replaces_id)
            GLib.source_remove(self.timers.pop(notification_id))
        else:
            self.last_id += 1
            notification_id = self.last_id
        self.timers[notification_id] = GLib.timeout_add(EXPIRE_MS, self.expire, notification_id)
        print("shown", notification_id, summary, flush=True)
        return notification_id

    @dbus.service.method(INTERFACE, in_signature="u", out_signature="")
    def CloseNotification(self, notification_id):
        timer = self.timers.pop(int(notification_id), None)
        if timer is not None:
            GLib.source_remove(timer)
            self.NotificationClosed(notification_id, 3)

    def expire(self, notification_id):
        self.timers.pop(notification_id, None)
        self.NotificationClosed(notification_id, 1)
        return False

    @dbus.service.signal(INTERFACE, signature="uu")
    def NotificationClosed(self, notification_id, reason):
        pass

    @dbus.service.signal(INTERFACE, signature="us")
    def ActionInvoked(self, notification_id, action_key):
        pass


dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
bus = dbus.SessionBus()
server = Server(bus)
name = dbus.service.BusName(INTERFACE, bus, do_not_queue=True)
GLib.MainLoop().run()
"#;
