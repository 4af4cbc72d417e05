//! The one place the journeys set up a day with Unhunch: a desktop session with every real part
//! (Xvfb, D-Bus, dunst, the SNI tray), the daemon as a user starts it, and WebDriver attached to
//! the stretch windows the daemon opens.
//!
//! Attaching works like this. WebKitWebDriver starts an "application" with
//! `WEBKIT_INSPECTOR_SERVER` set and keeps trying to connect to that address until a webview
//! listens there. Our application is `attach-to-next-window`, a script that leaves the address in
//! a file and waits. The daemon runs the stretch window through `UNHUNCH_WINDOW`, a launcher
//! script that hands a waiting address (and Tauri's automation switch) to the next window it
//! starts. So the window the daemon opens, when the user clicks, is the one WebDriver drives; a
//! window opened with no test waiting runs without automation.

use std::fs;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;
use unhunch_core::Timestamp;
use unhunch_tests::daemon::{self, BUS_NAME, Daemon, PROMPTLY};
use unhunch_tests::desktop::{Session, bin_path, screenshot_path, wait_for_exit, wait_until};
use unhunch_tests::stretch_page::StretchPage;
use unhunch_tests::webdriver::TauriDriver;

/// How long a journey waits for the daemon to open a window and WebKit to draw it.
const WINDOW_OPENS: Duration = Duration::from_secs(60);

/// One day: field order is drop order, so the driver stops before the daemon and the session.
pub struct Day {
    driver: OnceLock<TauriDriver>,
    pub daemon: Daemon,
    pub session: Session,
    inspector_address: PathBuf,
    attach_script: PathBuf,
    launcher: PathBuf,
    window_pids: PathBuf,
}

impl Day {
    /// A fresh HOME with `config` as config.toml (none when `None`), and the daemon started in it.
    pub fn start(config: Option<&str>) -> Day {
        let session = Session::start();
        let home = session.home().to_owned();
        let inspector_address = home.join("webdriver-address");
        let window_pids = home.join("window-pids");
        let attach_script = home.join("attach-to-next-window");
        write_script(
            &attach_script,
            &format!(
                "#!/bin/sh\nprintf %s \"$WEBKIT_INSPECTOR_SERVER\" > '{address}.new'\n\
                 mv '{address}.new' '{address}'\nexec sleep 3600\n",
                address = inspector_address.display()
            ),
        );
        let launcher = home.join("unhunch-window-launcher");
        write_script(
            &launcher,
            &format!(
                "#!/bin/sh\necho $$ >> '{pids}'\nif [ -s '{address}' ]; then\n  \
                 WEBKIT_INSPECTOR_SERVER=$(cat '{address}')\n  \
                 export WEBKIT_INSPECTOR_SERVER TAURI_WEBVIEW_AUTOMATION=true\n  \
                 rm -f '{address}'\nfi\nexec '{window}' \"$@\"\n",
                pids = window_pids.display(),
                address = inspector_address.display(),
                window = bin_path("unhunch-window").display()
            ),
        );
        if let Some(config) = config {
            daemon::write_config(&session, config);
        }
        let daemon = start_daemon(&session, &launcher);
        Day {
            driver: OnceLock::new(),
            daemon,
            session,
            inspector_address,
            attach_script,
            launcher,
            window_pids,
        }
    }

    /// Starts the daemon again in this session (after a quit), and waits for its bus name.
    pub fn restart_daemon(&mut self) {
        self.daemon = start_daemon(&self.session, &self.launcher);
    }

    /// `unhunch status --json`.
    pub fn status(&self) -> Value {
        daemon::status(&self.session)
    }

    /// The daemon's tray item, once it is registered.
    pub fn tray_item(&self) -> String {
        daemon::daemon_tray_item(&self.session, &self.daemon)
    }

    /// Clicks `label` in the tray menu.
    pub fn tray_click(&self, label: &str) {
        daemon::click(&self.session, &self.tray_item(), label);
    }

    /// Attaches WebDriver to the next stretch window the daemon opens. `open` is what the user does
    /// to open it (Start on the notification, say; with a heads-up, the daemon starts the window
    /// hidden when the heads-up comes, so `open` waits for the heads-up too); on return the window
    /// shows its first screen (the first step, where Start opens it).
    pub fn open_window(&self, open: impl FnOnce()) -> Window {
        let driver = self.driver.get_or_init(|| {
            TauriDriver::start(self.session.env()).unwrap_or_else(|error| panic!("{error}"))
        });
        let _ = fs::remove_file(&self.inspector_address);
        let page = std::thread::scope(|scope| {
            let attaching = scope.spawn(|| driver.session(&self.attach_script, &[]));
            wait_until("WebKitWebDriver waits for a window", PROMPTLY, || {
                self.inspector_address.exists() || attaching.is_finished()
            });
            open();
            attaching
                .join()
                .expect("the attaching thread does not panic")
                .unwrap_or_else(|error| {
                    panic!("WebDriver could not attach to the stretch window: {error}")
                })
        });
        let window = Window {
            page: StretchPage::new(page),
            pid: self
                .last_window_pid()
                .expect("the launcher wrote the window's pid"),
        };
        window.wait_for_screen("step");
        window
    }

    /// The pid of the newest window process the daemon started.
    pub fn last_window_pid(&self) -> Option<u32> {
        let pids = fs::read_to_string(&self.window_pids).ok()?;
        pids.lines().last()?.trim().parse().ok()
    }

    /// Waits for a window the daemon started, without WebDriver, to be on screen.
    pub fn wait_for_unattached_window(&self) -> u32 {
        wait_until("a stretch window is on screen", WINDOW_OPENS, || {
            let pid = self.last_window_pid()?;
            (!self.session.visible_windows_of(pid).is_empty()).then_some(pid)
        })
    }

    /// A screenshot of the whole screen as the user sees it, after the page drew what it shows.
    pub fn screenshot(&self, window: Option<&Window>, name: &str) -> PathBuf {
        if let Some(window) = window {
            window.wait_until_drawn();
        }
        let path = screenshot_path(name);
        self.session.screenshot(&path);
        path
    }
}

/// A stretch window the daemon opened, driven over WebDriver.
pub struct Window {
    page: StretchPage,
    pub pid: u32,
}

impl Deref for Window {
    type Target = StretchPage;

    fn deref(&self) -> &StretchPage {
        &self.page
    }
}

impl Window {
    /// Waits for the window's process to end (the daemon reaps it), then ends the WebDriver
    /// session, so the next window can have one.
    pub fn wait_until_exited(self) {
        wait_for_exit(self.pid, "the stretch window's process", PROMPTLY);
    }
}

/// Seconds from `earlier` to `later`, both RFC 3339 times as the daemon writes them.
pub fn seconds_between(earlier: &Value, later: &Value) -> f64 {
    let millis = |time: &Value| {
        let text = time
            .as_str()
            .unwrap_or_else(|| panic!("{time} is not a time"));
        Timestamp::parse_rfc3339(text)
            .unwrap_or_else(|| panic!("{text} is not RFC 3339"))
            .unix_millis()
    };
    (millis(later) - millis(earlier)) as f64 / 1000.0
}

/// Starts `unhunch` with the window launcher and waits until it owns its bus name.
fn start_daemon(session: &Session, launcher: &Path) -> Daemon {
    let launcher = launcher.to_string_lossy();
    let daemon = Daemon::spawn(session, &[("UNHUNCH_WINDOW", &launcher)]);
    session.wait_for_name(BUS_NAME, PROMPTLY);
    daemon
}

fn write_script(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    fs::write(path, text).unwrap_or_else(|error| panic!("write {}: {error}", path.display()));
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|error| panic!("make {} executable: {error}", path.display()));
}
