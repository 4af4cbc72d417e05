//! A Wayland session: sway or weston headless in place of the X server, run as an unprivileged
//! user with their stock configuration, and the windows, input and screenshots a test needs there.
//!
//! Both compositors run with no GPU (`WLR_BACKENDS=headless WLR_RENDERER=pixman` for sway,
//! weston's headless backend with its pixman renderer), as on a CI machine. sway 1.7 refuses to
//! run as root, so each compositor runs as the user `nobody`, with a runtime folder of its own;
//! the programs under test run as the test's user and reach the compositor through the absolute
//! path of its socket in `WAYLAND_DISPLAY`. sway's stock config starts swaybar, whose tray is
//! then the session's StatusNotifierWatcher: the session bus admits `nobody` for it.
//!
//! sway is worked through its IPC (`swaymsg`): the window tree says which windows are floating,
//! focused and how big; the seat's cursor commands click as a pointer would. `wtype` types on the
//! virtual keyboard, and `grim` takes screenshots. Weston offers no such IPC and no screenshot
//! its headless backend answers: it serves to show that a window paints there (the window's own
//! report says so).

use std::ffi::OsString;
use std::fs;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::processes::{Background, PartOutput};
use super::{Session, wait_until};

/// Which Wayland compositor a session runs in place of the X server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compositor {
    /// sway 1.7 headless with Debian's `/etc/sway/config` (swaybar and its tray included).
    Sway,
    /// weston headless with its default shell and no `weston.ini`.
    Weston,
}

/// The compositor of a Wayland session.
pub(super) struct Wayland {
    pub(super) compositor: Compositor,
    pub(super) process: Option<Background>,
    /// The compositor's Wayland socket, an absolute path (what `WAYLAND_DISPLAY` holds).
    socket: PathBuf,
    /// sway's IPC socket (`SWAYSOCK`); `None` for weston.
    ipc_socket: Option<PathBuf>,
}

/// One application window in sway's tree (`swaymsg -t get_tree`).
#[derive(Debug, Clone, PartialEq)]
pub struct SwayWindow {
    pub app_id: Option<String>,
    pub title: String,
    pub pid: Option<u32>,
    /// Whether sway floats it (rather than tiling it).
    pub floating: bool,
    /// Whether it has the keyboard focus.
    pub focused: bool,
    /// The window's position and size on the output, its decorations left out.
    pub x: i64,
    pub y: i64,
    pub width: i64,
    pub height: i64,
}

/// The user the compositor runs as, which owns its runtime folder and HOME.
const COMPOSITOR_USER: &str = "nobody";

/// The name of the compositor's socket in its runtime folder.
const WAYLAND_SOCKET_NAME: &str = "wayland-1";

impl Wayland {
    /// The compositor a session in `root` is to run, before it is started.
    pub(super) fn planned(compositor: Compositor, root: &Path) -> Wayland {
        Wayland {
            compositor,
            process: None,
            socket: root.join("compositor-runtime").join(WAYLAND_SOCKET_NAME),
            ipc_socket: None,
        }
    }
}

impl Session {
    /// Whether this session runs a Wayland compositor instead of an X server.
    pub fn is_wayland(&self) -> bool {
        self.wayland.is_some()
    }

    /// The compositor of a Wayland session.
    pub fn compositor(&self) -> Option<Compositor> {
        self.wayland.as_ref().map(|wayland| wayland.compositor)
    }

    /// The absolute path of the compositor's Wayland socket (`WAYLAND_DISPLAY`).
    pub fn wayland_display(&self) -> Option<&Path> {
        self.wayland
            .as_ref()
            .map(|wayland| wayland.socket.as_path())
    }

    /// sway's IPC socket (`SWAYSOCK`), in a sway session.
    pub fn sway_socket(&self) -> Option<&Path> {
        self.wayland.as_ref()?.ipc_socket.as_deref()
    }

    /// The variables that point a program at the compositor: an absolute `WAYLAND_DISPLAY`,
    /// GTK told to use Wayland, no `DISPLAY` (there is no Xwayland), and `SWAYSOCK` for sway.
    pub(super) fn wayland_variables(&self, wayland: &Wayland) -> Vec<(&'static str, OsString)> {
        let mut variables = vec![
            ("WAYLAND_DISPLAY", wayland.socket.clone().into_os_string()),
            ("XDG_SESSION_TYPE", "wayland".into()),
            ("GDK_BACKEND", "wayland".into()),
        ];
        match wayland.compositor {
            Compositor::Sway => {
                variables.push(("XDG_CURRENT_DESKTOP", "sway".into()));
                if let Some(ipc_socket) = &wayland.ipc_socket {
                    variables.push(("SWAYSOCK", ipc_socket.clone().into_os_string()));
                }
            }
            Compositor::Weston => variables.push(("XDG_CURRENT_DESKTOP", "weston".into())),
        }
        variables
    }

    /// With sway, the tray is swaybar's (sway's stock config starts it): waits until its
    /// StatusNotifierWatcher is on the session bus with a host registered.
    pub(super) fn wait_for_swaybar_tray(&self) {
        wait_until(
            "swaybar's StatusNotifierWatcher is owned and has a host",
            super::START_TIMEOUT,
            || {
                self.bus_property(
                    super::WATCHER_NAME,
                    "/StatusNotifierWatcher",
                    "org.kde.StatusNotifierWatcher",
                    "IsStatusNotifierHostRegistered",
                )
                .map(|registered| registered == Value::Bool(true))
                .unwrap_or(false)
            },
        );
    }

    /// Where the compositor keeps its sockets: a runtime folder owned by the compositor's user.
    fn compositor_runtime_dir(&self) -> PathBuf {
        self.wayland
            .as_ref()
            .and_then(|wayland| wayland.socket.parent())
            .map_or_else(|| self.root.join("compositor-runtime"), Path::to_path_buf)
    }

    /// The compositor's HOME, owned by its user (`nobody`'s own HOME does not exist).
    fn compositor_home(&self) -> PathBuf {
        self.root.join("compositor-home")
    }

    /// Starts the session's compositor as the unprivileged user, headless, with its stock
    /// configuration, and waits until it answers on its socket (for sway: until its IPC reports
    /// an output, which is then given the session's screen size).
    pub(super) fn start_compositor(&mut self) {
        let Some(compositor) = self.compositor() else {
            return;
        };
        let (uid, gid) = compositor_user();
        let mut private = fs::DirBuilder::new();
        private.recursive(true).mode(0o700);
        for folder in [self.compositor_runtime_dir(), self.compositor_home()] {
            private
                .create(&folder)
                .unwrap_or_else(|error| panic!("could not create {}: {error}", folder.display()));
            std::os::unix::fs::chown(&folder, Some(uid), Some(gid)).unwrap_or_else(|error| {
                panic!(
                    "could not give {} to {COMPOSITOR_USER}: {error}",
                    folder.display()
                )
            });
        }
        // The compositor's user must be able to reach its folders (and swaybar the session bus)
        // inside the session's root; listing it stays private.
        fs::set_permissions(&self.root, fs::Permissions::from_mode(0o711))
            .expect("let the compositor's user through the session folder");
        let socket_name = WAYLAND_SOCKET_NAME;
        let socket = self.compositor_runtime_dir().join(socket_name);
        let mut command = Command::new(match compositor {
            Compositor::Sway => "sway",
            Compositor::Weston => "weston",
        });
        command
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("HOME", self.compositor_home())
            .env("XDG_RUNTIME_DIR", self.compositor_runtime_dir())
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus_address)
            .env("LANG", "C.UTF-8")
            .env(super::SESSION_MARKER_VARIABLE, &self.marker)
            .stdin(std::process::Stdio::null())
            .uid(uid)
            .gid(gid);
        let (width, height) = self.screen;
        match compositor {
            Compositor::Sway => {
                command
                    .env("WLR_BACKENDS", "headless")
                    .env("WLR_RENDERER", "pixman")
                    .env("WLR_LIBINPUT_NO_DEVICES", "1")
                    .env("WAYLAND_DISPLAY", socket_name)
                    .args(["--config", "/etc/sway/config"]);
            }
            Compositor::Weston => {
                command.args([
                    "--backend=headless-backend.so",
                    &format!("--socket={socket_name}"),
                    &format!("--width={width}"),
                    &format!("--height={height}"),
                    "--idle-time=0",
                ]);
            }
        }
        let name = match compositor {
            Compositor::Sway => "sway",
            Compositor::Weston => "weston",
        };
        let mut process = self.spawn_part(name, command, PartOutput::Log);
        let runtime_dir = self.compositor_runtime_dir();
        let ipc_socket = self
            .wait_for_part(
                &mut process,
                &format!("{name} listens on {}", socket.display()),
                |_| {
                    if !socket.exists() {
                        return Err("no socket yet".to_owned());
                    }
                    match compositor {
                        Compositor::Weston => Ok(None),
                        Compositor::Sway => sway_ipc_socket(&runtime_dir)
                            .map(Some)
                            .ok_or_else(|| "no sway IPC socket yet".to_owned()),
                    }
                },
            )
            .unwrap_or_else(|log| panic!("{name} exited while starting; its log:\n{log}"));
        if let Some(wayland) = self.wayland.as_mut() {
            wayland.process = Some(process);
            wayland.ipc_socket = ipc_socket;
        }
        if compositor == Compositor::Sway {
            wait_until(
                "sway reports its headless output",
                super::START_TIMEOUT,
                || {
                    self.sway_message("get_outputs", &[])
                        .ok()
                        .filter(|outputs| outputs.as_array().is_some_and(|list| !list.is_empty()))
                },
            );
            // The headless output starts at 1280x720; the session's screen size is set through
            // sway's IPC, which leaves the stock config as it is.
            let mode = format!("{width}x{height}");
            self.sway_command(&format!("output * mode {mode}"));
        }
    }

    /// Runs `swaymsg -t TYPE ARGUMENTS...` and returns its JSON answer, or what went wrong.
    pub fn sway_message(&self, message_type: &str, arguments: &[&str]) -> Result<Value, String> {
        let socket = self
            .sway_socket()
            .ok_or_else(|| "this session does not run sway".to_owned())?;
        let output = self
            .command("swaymsg")
            .arg("--socket")
            .arg(socket)
            .args(["--raw", "--type", message_type])
            .args(arguments)
            .output()
            .map_err(|error| format!("could not run swaymsg: {error}"))?;
        let text = String::from_utf8_lossy(&output.stdout);
        let answer: Value = serde_json::from_str(&text).map_err(|error| {
            format!(
                "swaymsg -t {message_type} printed {text:?} ({error}); stderr: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        })?;
        if output.status.success() {
            Ok(answer)
        } else {
            Err(format!("swaymsg -t {message_type} failed: {answer}"))
        }
    }

    /// Runs a sway command (`swaymsg COMMAND`), such as `"seat - cursor press button1"`. Panics
    /// when sway refuses it.
    pub fn sway_command(&self, command: &str) {
        let answer = self
            .sway_message("command", &[command])
            .unwrap_or_else(|error| panic!("sway command `{command}`: {error}"));
        let all_succeeded = answer.as_array().is_some_and(|results| {
            results
                .iter()
                .all(|result| result["success"].as_bool() == Some(true))
        });
        assert!(all_succeeded, "sway refused `{command}`: {answer}");
    }

    /// The application windows in sway's tree, tiled and floating.
    pub fn sway_windows(&self) -> Vec<SwayWindow> {
        let tree = self
            .sway_message("get_tree", &[])
            .unwrap_or_else(|error| panic!("could not read sway's tree: {error}"));
        let mut windows = Vec::new();
        collect_windows(&tree, false, &mut windows);
        windows
    }

    /// sway's window of process `pid`, if it has one.
    pub fn sway_window_of(&self, pid: u32) -> Option<SwayWindow> {
        self.sway_windows()
            .into_iter()
            .find(|window| window.pid == Some(pid))
    }

    /// Clicks with the left button at (`x`, `y`) on the output, moving sway's cursor there first:
    /// the click reaches whatever surface is drawn there (a window, a layer-shell notification).
    pub fn sway_click_at(&self, x: i64, y: i64) {
        self.sway_command(&format!("seat - cursor set {x} {y}"));
        self.sway_command("seat - cursor press button1");
        self.sway_command("seat - cursor release button1");
    }

    /// Types `keys` (XKB key names, such as `"Escape"` or `"Return"`) on a virtual keyboard with
    /// `wtype`; they go to the window that has the keyboard focus.
    pub fn wayland_press_keys(&self, keys: &[&str]) {
        let mut command = self.command("wtype");
        for key in keys {
            command.args(["-k", key]);
        }
        let output = command
            .output()
            .unwrap_or_else(|error| panic!("could not run wtype: {error}"));
        assert!(
            output.status.success(),
            "wtype {keys:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Saves a PNG of the whole output with `grim`. Only sway can: weston's own screenshooter
    /// hangs on its headless backend, so a weston session panics here, saying so.
    pub(super) fn wayland_screenshot(&self, path: &Path) {
        let compositor = self.compositor().expect("a Wayland session");
        assert_eq!(
            compositor,
            Compositor::Sway,
            "screenshots are taken with grim, which needs sway's screencopy protocol"
        );
        let output = self
            .command("grim")
            .arg(path)
            .output()
            .unwrap_or_else(|error| panic!("could not run grim: {error}"));
        assert!(
            output.status.success(),
            "grim could not take a screenshot into {}: {}",
            path.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// The uid and gid of the compositor's user.
fn compositor_user() -> (u32, u32) {
    let passwd = fs::read_to_string("/etc/passwd").expect("read /etc/passwd");
    passwd
        .lines()
        .map(|line| line.split(':').collect::<Vec<_>>())
        .find(|fields| fields.first() == Some(&COMPOSITOR_USER))
        .and_then(|fields| Some((fields.get(2)?.parse().ok()?, fields.get(3)?.parse().ok()?)))
        .unwrap_or_else(|| panic!("/etc/passwd has no user {COMPOSITOR_USER} to run sway as"))
}

/// sway's IPC socket in its runtime folder (`sway-ipc.<uid>.<pid>.sock`).
fn sway_ipc_socket(runtime_dir: &Path) -> Option<PathBuf> {
    fs::read_dir(runtime_dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("sway-ipc.") && name.ends_with(".sock"))
        })
}

/// Walks sway's tree and collects the nodes that are application windows.
fn collect_windows(node: &Value, floating: bool, windows: &mut Vec<SwayWindow>) {
    let is_window = node["pid"].is_u64() && (node["app_id"].is_string() || node["window"].is_u64());
    if is_window {
        let rect = &node["rect"];
        windows.push(SwayWindow {
            app_id: node["app_id"].as_str().map(str::to_owned),
            title: node["name"].as_str().unwrap_or_default().to_owned(),
            pid: node["pid"].as_u64().and_then(|pid| u32::try_from(pid).ok()),
            floating,
            focused: node["focused"].as_bool() == Some(true),
            x: rect["x"].as_i64().unwrap_or_default(),
            y: rect["y"].as_i64().unwrap_or_default(),
            width: rect["width"].as_i64().unwrap_or_default(),
            height: rect["height"].as_i64().unwrap_or_default(),
        });
    }
    for child in node["nodes"].as_array().into_iter().flatten() {
        collect_windows(child, floating, windows);
    }
    for child in node["floating_nodes"].as_array().into_iter().flatten() {
        collect_windows(child, true, windows);
    }
}

#[cfg(test)]
mod tests {
    //! The Wayland sessions' own checks: sway and weston start headless as another user, dunst
    //! draws on sway, swaybar is the tray, windows are seen in sway's tree, screenshots work, and
    //! nothing outlives the session.

    use super::*;
    use crate::desktop::processes::is_running;
    use crate::desktop::self_test::{SHORT, screenshots_dir};
    use crate::desktop::{NOTIFICATIONS_NAME, WATCHER_NAME};

    #[test]
    fn a_sway_session_draws_notifications_tracks_windows_and_ends_everything() {
        let session = Session::builder().wayland(Compositor::Sway).start();
        assert!(session.name_has_owner(NOTIFICATIONS_NAME));
        assert!(session.name_has_owner(WATCHER_NAME), "swaybar's tray");
        let outputs = session.sway_message("get_outputs", &[]).unwrap();
        assert_eq!(outputs[0]["rect"]["width"], 1280, "{outputs}");
        assert_eq!(outputs[0]["rect"]["height"], 800, "{outputs}");

        let folder = screenshots_dir();
        fs::create_dir_all(&folder).unwrap();
        let before = folder.join("sway-before.png");
        session.screenshot(&before);
        let sent = session.run("notify-send", &["Time to stretch", "on layer-shell"]);
        assert!(sent.status.success(), "{sent:?}");
        wait_until("dunst shows the notification", SHORT, || {
            session.dunst_displayed_count() == 1
        });
        let after = folder.join("sway-notification.png");
        wait_until("the notification is drawn", SHORT, || {
            session.screenshot(&after);
            session.pixels_differing(&before, &after) > 1000
        });

        // A terminal is a tiled window with the keyboard, as sway treats any ordinary window.
        let mut terminal = session.command("foot").spawn().expect("run foot");
        let window = wait_until("foot's window is in sway's tree", SHORT, || {
            session.sway_window_of(terminal.id())
        });
        assert!(!window.floating && window.focused, "{window:?}");
        assert_eq!(window.app_id.as_deref(), Some("foot"));

        let compositor_pid = session
            .wayland
            .as_ref()
            .and_then(|wayland| wayland.process.as_ref())
            .and_then(Background::pid)
            .expect("sway runs");
        let root = session.root.clone();
        drop(session);
        let _ = terminal.wait();
        assert!(!is_running(compositor_pid), "sway outlived the session");
        assert!(!root.exists(), "{} is left behind", root.display());
    }

    #[test]
    fn a_weston_session_takes_wayland_clients() {
        let session = Session::builder()
            .wayland(Compositor::Weston)
            .without_notifications()
            .without_tray()
            .start();
        let info = session.run("weston-info", &[]);
        let globals = String::from_utf8_lossy(&info.stdout);
        assert!(info.status.success(), "{info:?}");
        assert!(globals.contains("xdg_wm_base"), "{globals}");
        assert!(session.display().is_empty(), "no X display");
    }
}
