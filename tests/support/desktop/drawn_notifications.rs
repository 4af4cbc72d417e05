//! A notification server (see `servers`) run where the accessibility bus sees it, and its
//! notification as drawn: found by its summary label and its buttons, with their names and screen
//! rectangles as the toolkit reports them (dunst, which has no toolkit, by its window), so a test
//! can check what is drawn and click it with the pointer.

use std::time::Duration;

use super::accessibility::Widget;
use super::parts::ExtraParts;
use super::servers::NotificationServer;
use super::{NOTIFICATIONS_NAME, Session, wait_until};

/// Where a server drew one notification, and its buttons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessibleNotification {
    /// The rectangle of the notification (its window for dunst, its summary label otherwise).
    pub x: i32,
    pub y: i32,
    pub width: i32,
    pub height: i32,
    /// The buttons drawn on it (none for dunst, which draws no buttons).
    pub buttons: Vec<Widget>,
    /// Other controls drawn on it that hold actions (a combo box).
    pub other_controls: Vec<Widget>,
}

/// The name a server goes by on the accessibility bus; `None` for those that draw without a
/// toolkit (dunst draws with cairo) or draw nothing (the stand-in without actions).
pub fn accessible_name(server: NotificationServer) -> Option<&'static str> {
    match server {
        NotificationServer::XfceNotifyd => Some("xfce4-notifyd"),
        NotificationServer::MateNotificationDaemon => Some("mate-notification-daemon"),
        NotificationServer::NotificationDaemon => Some("notification-daemon"),
        NotificationServer::LxqtNotificationd => Some("lxqt-notificationd"),
        NotificationServer::DunstTest
        | NotificationServer::DunstStock
        | NotificationServer::WithoutActions => None,
    }
}

impl Session {
    /// Starts `server` with its stock settings where the accessibility bus sees it (start that
    /// bus first); returns its pid once it owns `org.freedesktop.Notifications`. The server is
    /// one of `parts`, not the session's own (see [`Session::start_notifications`]).
    pub fn start_accessible_notification_server(
        &self,
        parts: &mut ExtraParts,
        server: NotificationServer,
    ) -> u32 {
        server.check_installed();
        if server == NotificationServer::XfceNotifyd {
            self.start_xfconf(parts);
        }
        let mut command = server.command(self);
        command
            .env_remove("NO_AT_BRIDGE")
            .env("QT_LINUX_ACCESSIBILITY_ALWAYS_ON", "1")
            .env("QT_ACCESSIBILITY", "1");
        self.start_extra_part(
            parts,
            server.label(),
            command,
            &format!("{} owns {NOTIFICATIONS_NAME}", server.label()),
            |session, pid| {
                session
                    .name_has_owner(NOTIFICATIONS_NAME)
                    .then_some(pid)
                    .ok_or_else(|| "no owner".to_owned())
            },
        )
    }

    /// Waits until `server` draws a notification whose summary starts with
    /// `summary`, and returns where.
    pub fn wait_for_drawn_notification(
        &self,
        server: NotificationServer,
        summary: &str,
        timeout: Duration,
    ) -> AccessibleNotification {
        wait_until(
            &format!("{} draws a notification {summary:?}", server.label()),
            timeout,
            || {
                if accessible_name(server).is_some() {
                    self.drawn_by_accessible_server(server, summary)
                } else {
                    self.drawn_by_dunst()
                }
            },
        )
    }

    /// Whether `server` still draws a notification whose summary starts with `summary` (for
    /// dunst: any notification).
    pub fn notification_drawn(&self, server: NotificationServer, summary: &str) -> bool {
        if accessible_name(server).is_some() {
            self.drawn_by_accessible_server(server, summary).is_ok()
        } else {
            self.drawn_by_dunst().is_ok()
        }
    }

    fn drawn_by_dunst(&self) -> Result<AccessibleNotification, String> {
        // dunst does not name its pid on its window (_NET_WM_PID), but its class.
        let windows = self.visible_windows_of_class("^Dunst$");
        let window = windows.first().ok_or("dunst shows no window")?;
        let facts = self.window_facts(window);
        Ok(AccessibleNotification {
            x: facts.x,
            y: facts.y,
            width: facts.width as i32,
            height: facts.height as i32,
            buttons: Vec::new(),
            other_controls: Vec::new(),
        })
    }

    fn drawn_by_accessible_server(
        &self,
        server: NotificationServer,
        summary: &str,
    ) -> Result<AccessibleNotification, String> {
        let app = accessible_name(server).expect("a server the accessibility bus sees");
        let widgets: Vec<Widget> = self
            .accessible_widgets()
            .into_iter()
            .filter(|widget| widget.app == app)
            .collect();
        let label = widgets
            .iter()
            .find(|widget| widget.name.starts_with(summary))
            .ok_or_else(|| format!("no label {summary:?} among {widgets:?}"))?;
        // The buttons of this notification are those below its summary, within a popup's height.
        let near = |widget: &&Widget| widget.y >= label.y && widget.y <= label.y + 200;
        let buttons = widgets
            .iter()
            .filter(near)
            .filter(|widget| widget.role == "push button" && !widget.name.is_empty())
            .cloned()
            .collect();
        let other_controls = widgets
            .iter()
            .filter(near)
            .filter(|widget| widget.role == "combo box")
            .cloned()
            .collect();
        Ok(AccessibleNotification {
            x: label.x,
            y: label.y,
            width: label.width,
            height: label.height,
            buttons,
            other_controls,
        })
    }
}

impl AccessibleNotification {
    /// The labels of the drawn buttons, left to right as listed.
    pub fn button_labels(&self) -> Vec<&str> {
        self.buttons
            .iter()
            .map(|button| button.name.as_str())
            .collect()
    }

    /// The first drawn button whose label starts with `prefix`.
    pub fn button(&self, prefix: &str) -> Option<&Widget> {
        self.buttons
            .iter()
            .find(|button| button.name.starts_with(prefix))
    }

    /// The middle of the notification, where a click lands on its body.
    pub fn centre(&self) -> (i32, i32) {
        (self.x + self.width / 2, self.y + self.height / 2)
    }
}
