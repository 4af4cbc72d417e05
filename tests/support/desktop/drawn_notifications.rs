//! Notification servers as Debian ships them, each with its stock settings, and their notifications
//! as drawn on screen: found (the server's window, or its widgets on the accessibility bus) and
//! clicked with the pointer.

use std::time::Duration;

use super::accessibility::Widget;
use super::parts::ExtraParts;
use super::{NOTIFICATIONS_NAME, Session, wait_until};

/// A notification server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationServer {
    /// dunst with Debian's `/etc/xdg/dunst/dunstrc` (no config of the user's).
    DunstStock,
    Xfce4Notifyd,
    MateNotificationDaemon,
    NotificationDaemon,
    LxqtNotificationd,
    None,
}

/// Where a server drew one notification, and its buttons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawnNotification {
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

impl NotificationServer {
    /// The name the matrix prints.
    pub fn label(self) -> &'static str {
        match self {
            NotificationServer::DunstStock => "dunst (stock)",
            NotificationServer::Xfce4Notifyd => "xfce4-notifyd",
            NotificationServer::MateNotificationDaemon => "mate-notification-daemon",
            NotificationServer::NotificationDaemon => "notification-daemon",
            NotificationServer::LxqtNotificationd => "lxqt-notificationd",
            NotificationServer::None => "none",
        }
    }

    /// The program, and its name on the accessibility bus.
    fn program(self) -> Option<(&'static str, &'static str)> {
        match self {
            NotificationServer::DunstStock => Some(("dunst", "dunst")),
            NotificationServer::Xfce4Notifyd => Some((
                "/usr/lib/x86_64-linux-gnu/xfce4/notifyd/xfce4-notifyd",
                "xfce4-notifyd",
            )),
            NotificationServer::MateNotificationDaemon => Some((
                "/usr/lib/mate-notification-daemon/mate-notification-daemon",
                "mate-notification-daemon",
            )),
            NotificationServer::NotificationDaemon => Some((
                "/usr/lib/notification-daemon/notification-daemon",
                "notification-daemon",
            )),
            NotificationServer::LxqtNotificationd => {
                Some(("lxqt-notificationd", "lxqt-notificationd"))
            }
            NotificationServer::None => None,
        }
    }

    /// Whether the server's widgets are found on the accessibility bus (all but dunst, which
    /// draws with cairo and has none).
    pub fn accessible(self) -> bool {
        !matches!(
            self,
            NotificationServer::DunstStock | NotificationServer::None
        )
    }
}

impl Session {
    /// Starts `server` with its stock settings; returns its pid once it owns
    /// `org.freedesktop.Notifications`. Start the accessibility bus first for a server whose
    /// buttons a test clicks.
    pub fn start_notification_server(
        &self,
        parts: &mut ExtraParts,
        server: NotificationServer,
    ) -> Option<u32> {
        let (program, _) = server.program()?;
        if server == NotificationServer::Xfce4Notifyd {
            self.start_xfconf(parts);
        }
        let command = self.accessible_command(program);
        Some(self.start_extra_part(
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
        ))
    }

    /// Waits until `server` draws a notification whose summary starts with
    /// `summary`, and returns where.
    pub fn wait_for_drawn_notification(
        &self,
        server: NotificationServer,
        summary: &str,
        timeout: Duration,
    ) -> DrawnNotification {
        wait_until(
            &format!("{} draws a notification {summary:?}", server.label()),
            timeout,
            || {
                if server.accessible() {
                    self.drawn_by_accessible_server(server, summary)
                } else {
                    self.drawn_by_dunst()
                }
            },
        )
    }

    /// Whether `server` still draws a notification whose summary starts with `summary`.
    pub fn notification_drawn(&self, server: NotificationServer, summary: &str) -> bool {
        if server.accessible() {
            self.drawn_by_accessible_server(server, summary).is_ok()
        } else {
            self.drawn_by_dunst().is_ok()
        }
    }

    fn drawn_by_dunst(&self) -> Result<DrawnNotification, String> {
        // dunst does not name its pid on its window (_NET_WM_PID), but its class.
        let windows = self.visible_windows_of_class("^Dunst$");
        let window = windows.first().ok_or("dunst shows no window")?;
        let facts = self.window_facts(window);
        Ok(DrawnNotification {
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
    ) -> Result<DrawnNotification, String> {
        let (_, app) = server.program().expect("a server");
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
        Ok(DrawnNotification {
            x: label.x,
            y: label.y,
            width: label.width,
            height: label.height,
            buttons,
            other_controls,
        })
    }
}

impl DrawnNotification {
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
