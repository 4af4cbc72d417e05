//! A real desktop session for tests: Xvfb (or a headless Wayland compositor), a private D-Bus
//! session bus, dunst and an SNI tray, torn down on drop.
//!
//! Every test gets its own [`Session`]: a fresh temporary HOME with its XDG folders, its own X display,
//! its own session bus, a notification server (dunst with a test config unless the builder picks
//! another [`NotificationServer`], each in its stock configuration) and a tray (gtk-sni-tray-standalone, which runs
//! the StatusNotifierWatcher, a host and a panel that draws the icons). Nothing is shared between
//! tests and nothing outlives the session, even when a test panics: every process started with the
//! session's environment carries a marker variable, and dropping the session ends all of them.
//!
//! Waiting is always done with [`wait_until`], which polls a condition against a deadline and says
//! what it was waiting for, and what it last saw, when the deadline passes.
//!
//! The D-Bus helpers drive `busctl --json=short`, so the tests crate needs no D-Bus library of its own.
//! Notifications are observed twice: dunst's own view (`dunstctl`), and a bus monitor that records
//! every `Notify` call with its actions and hints, and every `NotificationClosed` and `ActionInvoked`
//! signal, with the bus's timestamps.
//!
//! One file per job: `session` sets a session up and tears it down, `processes` starts and ends
//! its processes, `wait` polls a condition against a deadline, `bus` talks to the session's D-Bus,
//! `notifications` starts the notification server and watches dunst and the `Notify` calls,
//! `servers` knows each notification server (how to start it, what it is called, how it draws),
//! `drawn` finds what a server drew and clicks it, `tray` reads and clicks tray menus, `x11`
//! works windows and takes screenshots, `wayland` runs sway or weston headless in place of the X
//! server (with its windows, input and screenshots), and `binaries` finds the workspace's built
//! programs. For the desktop matrix: `parts` adds parts to a session, `window_managers` and
//! `panels` start stock window managers and trays and find what they drew,
//! `drawn_notifications` runs a server where the accessibility bus sees it, `accessibility`
//! reads where a program drew its buttons (AT-SPI), and `wayland_pointer` gives a headless sway
//! a pointer to click with.

mod accessibility;
mod binaries;
mod bus;
mod drawn;
mod drawn_notifications;
mod notifications;
mod panels;
mod parts;
mod processes;
mod servers;
mod session;
mod tray;
mod wait;
mod wayland;
mod wayland_pointer;
mod window_managers;
mod x11;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use accessibility::Widget;
pub use binaries::{bin_path, find_bin, use_binaries_in};
pub use bus::{BusError, BusMessage, BusMonitor};
pub use drawn::{ButtonSpot, DrawnNotification, MouseButton};
pub use drawn_notifications::{AccessibleNotification, accessible_name};
pub use notifications::{CloseReason, ContextMenuEntry, HistoryNotification, SeenNotification};
pub use panels::{DrawnItem, Tray};
pub use parts::ExtraParts;
pub use processes::{SessionProcess, command_line, parent_of, wait_for_exit};
pub use servers::{NotificationServer, STOCK_DUNSTRC, WITHOUT_ACTIONS_EXPIRY};
pub use session::SessionBuilder;
pub use tray::MenuItem;
pub use wait::{Probe, TimedOut, try_wait_until, wait_until};
pub use wayland::{Compositor, SwayWindow};
pub use window_managers::{WindowFacts, WindowManager};
pub use x11::screenshot_path;

use notifications::NotificationLog;
use processes::Background;

/// The well-known bus name of a notification server.
pub const NOTIFICATIONS_NAME: &str = "org.freedesktop.Notifications";
/// The well-known bus name of the StatusNotifierWatcher that tray items register with.
pub const WATCHER_NAME: &str = "org.kde.StatusNotifierWatcher";
/// The name of the environment variable that marks every process belonging to one session.
pub const SESSION_MARKER_VARIABLE: &str = "UNHUNCH_TEST_SESSION";

/// How long the session's own parts (X server, bus, dunst, tray) may take to come up.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// A real desktop session for one test. Dropping it ends every process started in it and removes
/// its temporary folder (set `UNHUNCH_TEST_KEEP=1` to keep the folder for a post-mortem).
pub struct Session {
    marker: String,
    root: PathBuf,
    home: PathBuf,
    display: String,
    bus_address: String,
    system_bus_address: String,
    screen: (u32, u32),
    x_server: Option<Background>,
    /// The Wayland compositor that stands in for the X server in a Wayland session.
    wayland: Option<wayland::Wayland>,
    bus: Option<Background>,
    system_bus: Option<Background>,
    /// Which notification server [`Session::start_notifications`] starts.
    notification_server_kind: NotificationServer,
    notification_server: Option<Background>,
    notification_monitor: Option<Background>,
    tray: Option<Background>,
    notifications: Arc<Mutex<NotificationLog>>,
    /// The process groups of the bus monitors that tests started, which are the harness's own too.
    monitor_groups: Arc<Mutex<BTreeSet<i32>>>,
}

/// What the harness's own tests share, in whichever file they check their part.
#[cfg(test)]
mod self_test {
    use std::path::{Path, PathBuf};
    use std::time::Duration;

    /// How long a prompt step of the desktop may take in the harness's own tests.
    pub const SHORT: Duration = Duration::from_secs(10);

    /// Where the harness's own tests put their screenshots (ignored by git).
    pub fn screenshots_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("out/harness")
    }
}
