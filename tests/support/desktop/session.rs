//! Sets a session up and tears it down: the builder, the temporary HOME with its XDG folders, and
//! the environment and commands that run programs inside the session.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::processes::end_abandoned_sessions;
use super::servers::NotificationServer;
use super::wayland::Wayland;
use super::{Compositor, SESSION_MARKER_VARIABLE, Session};

/// Chooses which parts of the desktop a [`Session`] starts with.
#[derive(Debug, Clone)]
pub struct SessionBuilder {
    with_notifications: bool,
    notification_server: NotificationServer,
    with_tray: bool,
    screen: (u32, u32),
    compositor: Option<Compositor>,
}

impl Session {
    /// Starts a full session: X display, session bus, dunst and the tray, each ready for use.
    pub fn start() -> Session {
        Session::builder().start()
    }

    /// A builder for a session without some parts (no notification server, no tray watcher).
    pub fn builder() -> SessionBuilder {
        SessionBuilder {
            with_notifications: true,
            notification_server: NotificationServer::default(),
            with_tray: true,
            screen: (1280, 800),
            compositor: None,
        }
    }

    /// The notification server this session runs (or starts, when it was left out).
    pub fn notification_server_kind(&self) -> NotificationServer {
        self.notification_server_kind
    }

    /// The X display, such as `":3"`; empty in a Wayland session.
    pub fn display(&self) -> &str {
        &self.display
    }

    /// The address of the session's private D-Bus session bus.
    pub fn bus_address(&self) -> &str {
        &self.bus_address
    }

    /// The address of the session's private stand-in for the system bus, with no services on it
    /// (programs that insist on a system bus can connect; tests can own names such as logind's).
    pub fn system_bus_address(&self) -> &str {
        &self.system_bus_address
    }

    /// The screen size in pixels.
    pub fn screen_size(&self) -> (u32, u32) {
        self.screen
    }

    /// The session's temporary HOME.
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// `XDG_CONFIG_HOME`, where the daemon keeps its settings.
    pub fn config_dir(&self) -> PathBuf {
        self.home.join(".config")
    }

    /// `XDG_DATA_HOME`, where the daemon keeps its history.
    pub fn data_dir(&self) -> PathBuf {
        self.home.join(".local/share")
    }

    /// `XDG_STATE_HOME`, where the daemon keeps its logs.
    pub fn state_dir(&self) -> PathBuf {
        self.home.join(".local/state")
    }

    /// `XDG_CACHE_HOME`.
    pub fn cache_dir(&self) -> PathBuf {
        self.home.join(".cache")
    }

    /// `XDG_RUNTIME_DIR` (mode 0700).
    pub fn runtime_dir(&self) -> PathBuf {
        self.root.join("runtime")
    }

    /// Where the session's own parts write their output (`xvfb.log`, `dunst.log`, `tray.log`, ...).
    pub fn log_dir(&self) -> PathBuf {
        self.root.join("logs")
    }

    /// The environment a program needs to run in this session.
    pub fn env(&self) -> Vec<(OsString, OsString)> {
        let display_variables: Vec<(&str, OsString)> = match &self.wayland {
            None => vec![
                ("DISPLAY", self.display.clone().into()),
                ("XDG_SESSION_TYPE", "x11".into()),
                ("GDK_BACKEND", "x11".into()),
            ],
            Some(wayland) => self.wayland_variables(wayland),
        };
        let mut variables: Vec<(OsString, OsString)> = [
            ("DBUS_SESSION_BUS_ADDRESS", self.bus_address.clone().into()),
            (
                "DBUS_SYSTEM_BUS_ADDRESS",
                self.system_bus_address.clone().into(),
            ),
            ("HOME", self.home.clone().into_os_string()),
            ("XDG_CONFIG_HOME", self.config_dir().into_os_string()),
            ("XDG_DATA_HOME", self.data_dir().into_os_string()),
            ("XDG_STATE_HOME", self.state_dir().into_os_string()),
            ("XDG_CACHE_HOME", self.cache_dir().into_os_string()),
            ("XDG_RUNTIME_DIR", self.runtime_dir().into_os_string()),
            ("TMPDIR", self.root.join("tmp").into_os_string()),
            // Without this, every GTK program looks for an accessibility bus that is not there.
            ("NO_AT_BRIDGE", "1".into()),
            (SESSION_MARKER_VARIABLE, self.marker.clone().into()),
        ]
        .into_iter()
        .chain(display_variables)
        .map(|(name, value)| (OsString::from(name), value))
        .collect();
        if let Some(rust_log) = std::env::var_os("RUST_LOG") {
            variables.push(("RUST_LOG".into(), rust_log));
        }
        variables
    }

    /// A command for `program` with this session's environment in place of the host's desktop
    /// variables, and standard input closed.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new(program);
        for variable in HOST_DESKTOP_VARIABLES {
            command.env_remove(variable);
        }
        command.envs(self.env());
        command.stdin(Stdio::null());
        command
    }

    /// Runs `program` with `arguments` in this session to completion and returns its output.
    /// Panics when it cannot be started.
    pub fn run(&self, program: &str, arguments: &[&str]) -> Output {
        self.command(program)
            .args(arguments)
            .output()
            .unwrap_or_else(|error| panic!("could not run `{program}`: {error}"))
    }

    fn create_folders(&self) {
        let mut private = fs::DirBuilder::new();
        private.recursive(true).mode(0o700);
        for folder in [
            self.root.clone(),
            self.home.clone(),
            self.config_dir(),
            self.data_dir(),
            self.state_dir(),
            self.cache_dir(),
            self.runtime_dir(),
            self.log_dir(),
            self.root.join("tmp"),
            self.bus_socket_dir(),
            self.dunst_dir(),
            self.root.join("dbus-services"),
            self.root.join("system-bus"),
            self.root.join("system-bus-services"),
        ] {
            private
                .create(&folder)
                .unwrap_or_else(|error| panic!("could not create {}: {error}", folder.display()));
        }
        // The runtime folder must be private to the user; `mode` is subject to the umask.
        fs::set_permissions(self.runtime_dir(), fs::Permissions::from_mode(0o700))
            .expect("make XDG_RUNTIME_DIR mode 0700");
        if self.is_wayland() {
            // swaybar, run by the compositor's user, connects to the session bus through here.
            fs::set_permissions(self.bus_socket_dir(), fs::Permissions::from_mode(0o711))
                .expect("let the compositor's user reach the session bus");
        }
        self.write_dunst_files();
        self.write_bus_config();
    }
}

impl SessionBuilder {
    /// Starts without a notification server, so nothing owns `org.freedesktop.Notifications` until
    /// [`Session::start_notifications`].
    pub fn without_notifications(mut self) -> SessionBuilder {
        self.with_notifications = false;
        self
    }

    /// Runs `server` as the notification server, in its stock configuration (dunst with the
    /// harness's test config unless this is called).
    pub fn notification_server(mut self, server: NotificationServer) -> SessionBuilder {
        self.notification_server = server;
        self
    }

    /// Starts without the tray, so no StatusNotifierWatcher exists until [`Session::start_tray`].
    pub fn without_tray(mut self) -> SessionBuilder {
        self.with_tray = false;
        self
    }

    /// Runs `compositor` headless (as the user `nobody`) in place of the X server: a Wayland
    /// session with no `DISPLAY`. With sway, the tray is swaybar's, from sway's stock config.
    pub fn wayland(mut self, compositor: Compositor) -> SessionBuilder {
        self.compositor = Some(compositor);
        self
    }

    /// The screen size in pixels (1280x800 unless set).
    pub fn screen(mut self, width: u32, height: u32) -> SessionBuilder {
        self.screen = (width, height);
        self
    }

    /// Starts the session; every part is ready when this returns.
    pub fn start(self) -> Session {
        static ABANDONED_SWEPT: std::sync::Once = std::sync::Once::new();
        ABANDONED_SWEPT.call_once(end_abandoned_sessions);
        static SESSIONS_STARTED: AtomicU64 = AtomicU64::new(0);
        let number = SESSIONS_STARTED.fetch_add(1, Ordering::Relaxed);
        let marker = format!("{}-{number}", std::process::id());
        let root = std::env::temp_dir().join(format!("unhunch-test-{marker}"));
        // A folder by this name can only be left from an earlier run whose pid was reused.
        let _ = fs::remove_dir_all(&root);
        let wayland = self
            .compositor
            .map(|compositor| Wayland::planned(compositor, &root));
        let mut session = Session {
            marker,
            home: root.join("home"),
            root,
            display: String::new(),
            bus_address: String::new(),
            system_bus_address: String::new(),
            screen: self.screen,
            x_server: None,
            wayland,
            notification_server_kind: self.notification_server,
            bus: None,
            system_bus: None,
            notification_server: None,
            notification_monitor: None,
            tray: None,
            notifications: Arc::default(),
            monitor_groups: Arc::default(),
        };
        // From here on, a panic drops `session`, which ends whatever was started.
        session.create_folders();
        if session.is_wayland() {
            // The compositor's bar (swaybar) connects to the session bus for its tray.
            session.start_bus();
            session.start_compositor();
        } else {
            session.start_x_server();
            session.start_bus();
        }
        if self.with_notifications {
            session.start_notifications();
        }
        if self.with_tray {
            session.start_tray();
        }
        session
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.stop_everything();
        if std::env::var_os("UNHUNCH_TEST_KEEP").is_some_and(|value| value == "1") {
            eprintln!("UNHUNCH_TEST_KEEP=1: keeping {}", self.root.display());
        } else if let Err(error) = fs::remove_dir_all(&self.root) {
            eprintln!(
                "could not remove the session folder {}: {error}",
                self.root.display()
            );
        }
    }
}

/// The host's desktop variables that must not leak into a session (a test must never reach the
/// developer's real display, bus or config).
const HOST_DESKTOP_VARIABLES: &[&str] = &[
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "XAUTHORITY",
    "DBUS_SESSION_BUS_ADDRESS",
    "DBUS_SYSTEM_BUS_ADDRESS",
    "XDG_RUNTIME_DIR",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "XDG_STATE_HOME",
    "XDG_CACHE_HOME",
    "XDG_SESSION_TYPE",
    "XDG_SESSION_DESKTOP",
    "XDG_CURRENT_DESKTOP",
    "DESKTOP_SESSION",
    "SESSION_MANAGER",
    "GNOME_DESKTOP_SESSION_ID",
    "KDE_FULL_SESSION",
    "UNHUNCH_PLAN",
];

#[cfg(test)]
mod tests {
    //! The session's own checks: parts can be left out and started later, programs run inside it,
    //! and nothing outlives it.

    use std::time::SystemTime;

    use serde_json::Value;

    use super::*;
    use crate::desktop::processes::{Background, is_running};
    use crate::desktop::self_test::SHORT;
    use crate::desktop::{NOTIFICATIONS_NAME, WATCHER_NAME, wait_until};

    #[test]
    fn parts_can_be_missing_and_started_later() {
        let mut session = Session::builder()
            .without_notifications()
            .without_tray()
            .start();
        assert!(!session.name_has_owner(NOTIFICATIONS_NAME));
        assert!(!session.name_has_owner(WATCHER_NAME));
        // A bus that started services on demand would start the system's dunst here.
        let call = session.bus_call(
            NOTIFICATIONS_NAME,
            "/org/freedesktop/Notifications",
            "org.freedesktop.Notifications",
            "GetServerInformation",
            "",
            &[],
        );
        assert!(call.is_err(), "nothing should answer, got {call:?}");
        assert!(session.tray_items().is_err());

        let names = session.monitor_bus(&["type='signal',member='NameOwnerChanged'"]);
        assert_eq!(
            session.leftover_processes(),
            [],
            "a monitor is the harness's own"
        );
        session.start_notifications();
        session.start_tray();
        let watcher_appeared = names.wait_for("the watcher's name is taken", SHORT, |message| {
            message.payload.first() == Some(&Value::from(WATCHER_NAME))
        });
        assert!(watcher_appeared.at <= SystemTime::now());
        assert!(session.name_has_owner(NOTIFICATIONS_NAME));
        assert!(session.name_has_owner(WATCHER_NAME));
        session.stop_notifications();
        assert!(!session.name_has_owner(NOTIFICATIONS_NAME));
    }

    #[test]
    fn the_environment_points_into_the_session_and_nothing_outlives_it() {
        let session = Session::builder()
            .without_notifications()
            .without_tray()
            .start();
        let root = session.root.clone();
        let output = session.run("sh", &["-c", "echo $HOME $DISPLAY $XDG_RUNTIME_DIR"]);
        let printed = String::from_utf8_lossy(&output.stdout);
        let runtime = session.runtime_dir();
        assert_eq!(
            printed.trim(),
            format!(
                "{} {} {}",
                session.home().display(),
                session.display(),
                runtime.display()
            )
        );
        let mode = fs::metadata(&runtime)
            .expect("runtime dir")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);

        // A program under test that starts a child and forgets both.
        let mut forgotten = session
            .command("sh")
            .args(["-c", "sleep 300 & sleep 300"])
            .spawn()
            .expect("run sh");
        let leftovers = wait_until("both sleeps are running", SHORT, || {
            let leftovers = session.leftover_processes();
            if leftovers.len() == 3 {
                Ok(leftovers)
            } else {
                Err(leftovers)
            }
        });
        let pids: Vec<i32> = leftovers.iter().map(|process| process.pid).collect();
        let x_server_pid = session.x_server.as_ref().and_then(Background::pid);

        drop(session);

        let status = forgotten.wait().expect("reap the shell");
        assert!(
            !status.success(),
            "the shell should have been ended, not exit"
        );
        assert!(!root.exists(), "{} is left behind", root.display());
        for pid in pids.into_iter().chain(x_server_pid) {
            assert!(!is_running(pid), "process {pid} outlived the session");
        }
    }
}
