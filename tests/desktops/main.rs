//! The desktop matrix: Unhunch in real sessions built from the parts Debian ships, each with its
//! stock settings, worked the way a user works them.
//!
//! Each cell is a fresh session with one notification server, one tray and one window manager (or
//! a Wayland compositor). In it, three breaks come: the first is snoozed, the second skipped, the
//! third started while the user types in another window; the stretch window must paint, float at
//! its own size and leave the keyboard where it was, and each outcome must reach the history. Every
//! step is done through what is drawn: a pointer click on the notification's button or body, or a
//! click on the tray's icon and keys in its menu (xdotool on X11, the compositor's input on Wayland);
//! the table says, per cell and step, how it was done.
//!
//! Cells are chosen so that every part is covered at least once, with defaults for the rest: the
//! default notification server is mate-notification-daemon (it draws every action as a button), the
//! default tray gtk-sni-tray-standalone, the default window manager none. The Xfce cell runs Xfce's
//! three parts together, as an Xfce session does. The cells CI runs are plain tests; the others are
//! `#[ignore]`d and run by `make test-desktops` (`--include-ignored`).
//!
//! The table is printed after each cell and written to `tests/out/desktops.md`.

mod steps;
mod table;
mod wayland;
mod x11;

use unhunch_tests::desktop::{NotificationServer, Tray, WindowManager};
use x11::X11Cell;

#[test]
fn cell_dunst_stock() {
    x11::run(X11Cell {
        name: "dunst-stock",
        order: 1,
        server: Some(NotificationServer::DunstStock),
        tray: Tray::GtkSniTray,
        window_manager: WindowManager::None,
    });
}

#[test]
fn cell_xfce() {
    x11::run(X11Cell {
        name: "xfce",
        order: 2,
        server: Some(NotificationServer::XfceNotifyd),
        tray: Tray::Xfce4Panel,
        window_manager: WindowManager::Xfwm4,
    });
}

#[test]
fn cell_no_tray() {
    x11::run(X11Cell {
        name: "no-tray",
        order: 3,
        server: Some(NotificationServer::MateNotificationDaemon),
        tray: Tray::None,
        window_manager: WindowManager::None,
    });
}

#[test]
fn cell_openbox() {
    x11::run(X11Cell {
        name: "openbox",
        order: 4,
        server: Some(NotificationServer::MateNotificationDaemon),
        tray: Tray::GtkSniTray,
        window_manager: WindowManager::Openbox,
    });
}

#[test]
fn cell_sway() {
    wayland::sway(5);
}

#[test]
#[ignore = "slow: run by make test-desktops"]
fn cell_notification_daemon() {
    x11::run(X11Cell {
        name: "notification-daemon",
        order: 6,
        server: Some(NotificationServer::NotificationDaemon),
        tray: Tray::GtkSniTray,
        window_manager: WindowManager::None,
    });
}

#[test]
#[ignore = "slow: run by make test-desktops"]
fn cell_lxqt_notificationd() {
    x11::run(X11Cell {
        name: "lxqt-notificationd",
        order: 7,
        server: Some(NotificationServer::LxqtNotificationd),
        tray: Tray::GtkSniTray,
        window_manager: WindowManager::None,
    });
}

#[test]
#[ignore = "slow: run by make test-desktops"]
fn cell_without_actions() {
    x11::run(X11Cell {
        name: "without-actions",
        order: 8,
        server: Some(NotificationServer::WithoutActions),
        tray: Tray::GtkSniTray,
        window_manager: WindowManager::None,
    });
}

#[test]
#[ignore = "slow: run by make test-desktops"]
fn cell_weston() {
    wayland::weston(9);
}
