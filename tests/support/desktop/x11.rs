//! The X display: Xvfb started, windows found, clicked, typed into and closed as a user or a window
//! manager would, and screenshots taken and compared.

use std::fs;
use std::path::{Path, PathBuf};

use super::processes::{PartOutput, first_line};
use super::{MouseButton, START_TIMEOUT, Session};

/// Where a screenshot goes: `tests/out/screenshots/<name>` (ignored by git) on every run, so a
/// test run never changes tracked files; with `UNHUNCH_UPDATE_SCREENSHOTS=1`, the README's
/// `tests/screenshots/<name>` instead.
pub fn screenshot_path(name: &str) -> PathBuf {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UNHUNCH_UPDATE_SCREENSHOTS").is_some_and(|value| value == "1") {
        tests.join("screenshots").join(name)
    } else {
        tests.join("out").join("screenshots").join(name)
    }
}

impl Session {
    pub(super) fn start_x_server(&mut self) {
        let mut command = self.command("Xvfb");
        let screen = format!("{}x{}x24", self.screen.0, self.screen.1);
        // -displayfd 1: the server picks a free display and prints its number once it accepts
        // connections, so there is neither a guess nor a wait.
        command
            .args(["-displayfd", "1", "-screen", "0", &screen])
            .args(["-nolisten", "tcp", "-noreset", "-dpi", "96"]);
        let mut x_server = self.spawn_part("xvfb", command, PartOutput::Piped);
        let number = first_line(&mut x_server, START_TIMEOUT);
        self.x_server = Some(x_server);
        let number: u32 = number
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("Xvfb printed {number:?} instead of its display number"));
        self.display = format!(":{number}");
    }

    /// The X windows of process `pid` that are mapped on screen (`xdotool search --onlyvisible`).
    pub fn visible_windows_of(&self, pid: u32) -> Vec<String> {
        let output = self.run(
            "xdotool",
            &["search", "--onlyvisible", "--pid", &pid.to_string()],
        );
        // xdotool exits with 1 when it finds nothing.
        String::from_utf8_lossy(&output.stdout)
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    }

    /// Clicks X window `window` at (`x`, `y`) from its top-left corner with the left button, as a
    /// user would, after giving it the keyboard focus.
    pub fn click_in_window(&self, window: &str, x: u32, y: u32) {
        // With no window manager, focusing directly is what the click would make a manager do.
        self.xdotool(&["windowfocus", "--sync", window]);
        self.click_at(window, x, y, MouseButton::Left);
    }

    /// Asks X window `window` to close the way a window manager's close button does (a
    /// `WM_DELETE_WINDOW` client message, sent by a small python3-xlib program).
    pub fn close_window_as_window_manager(&self, window: &str) {
        let close = self.run("/usr/bin/python3", &["-c", SEND_WM_DELETE_WINDOW, window]);
        assert!(
            close.status.success(),
            "could not send WM_DELETE_WINDOW (needs Debian's python3-xlib): {}",
            String::from_utf8_lossy(&close.stderr)
        );
    }

    /// Types `keys` (xdotool key names, such as `"Escape"` or `"Return"`) into X window `window` as
    /// real key presses. Clicks the window's top-left corner first: WebKit takes keys only once
    /// a click has focused the page, and the corner is the window's margin, not a control.
    pub fn press_keys_in_window(&self, window: &str, keys: &[&str]) {
        self.click_in_window(window, 2, 2);
        let mut arguments = vec!["key", "--clearmodifiers"];
        arguments.extend_from_slice(keys);
        self.xdotool(&arguments);
    }

    /// Moves the pointer by one pixel through XTEST, as a hand on the mouse does: the X server
    /// counts it as user input, so its idle time starts again.
    pub fn nudge_pointer(&self) {
        self.xdotool(&["mousemove_relative", "--", "1", "0"]);
    }

    /// Presses and releases Shift through XTEST: a keystroke that types nothing anywhere.
    pub fn press_shift(&self) {
        self.xdotool(&["key", "shift"]);
    }

    /// How long the X server has seen no input, as `xprintidle` reads it from the
    /// MIT-SCREEN-SAVER extension.
    pub fn x_idle_time(&self) -> std::time::Duration {
        let output = self.run("xprintidle", &[]);
        let text = String::from_utf8_lossy(&output.stdout);
        let millis: u64 = text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("xprintidle printed {text:?}"));
        std::time::Duration::from_millis(millis)
    }

    /// Saves a PNG of the whole screen to `path` (`import` on X11, `grim` on sway,
    /// `weston-screenshooter` on weston). Panics when the screenshot fails.
    pub fn screenshot(&self, path: impl AsRef<Path>) {
        let path = path.as_ref();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).unwrap_or_else(|error| {
                panic!(
                    "could not create {} for a screenshot: {error}",
                    parent.display()
                )
            });
        }
        if self.is_wayland() {
            self.wayland_screenshot(path);
            return;
        }
        let output = self
            .command("import")
            .args(["-window", "root", "-display", &self.display])
            .arg(path)
            .output()
            .unwrap_or_else(|error| panic!("could not run `import` (imagemagick): {error}"));
        assert!(
            output.status.success(),
            "`import` could not take a screenshot into {}: {}",
            path.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// How many pixels differ between two screenshots (ImageMagick's `compare -metric AE`).
    pub fn pixels_differing(&self, first: &Path, second: &Path) -> u64 {
        let output = self
            .command("compare")
            .args(["-metric", "AE"])
            .arg(first)
            .arg(second)
            .arg("null:")
            .output()
            .expect("run ImageMagick's compare");
        let text = String::from_utf8_lossy(&output.stderr);
        text.split_whitespace()
            .next()
            .and_then(|count| count.parse::<f64>().ok())
            .unwrap_or_else(|| panic!("compare printed {text:?}")) as u64
    }

    fn xdotool(&self, arguments: &[&str]) {
        let output = self.run("xdotool", arguments);
        assert!(
            output.status.success(),
            "`xdotool {}` failed: {}",
            arguments.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// A Python (python3-xlib) program that asks the window whose id is its argument to close, the
/// way a window manager's close button does (a `WM_DELETE_WINDOW` client message).
const SEND_WM_DELETE_WINDOW: &str = "\
import sys
from Xlib import X, display
from Xlib.protocol import event
screen = display.Display()
window = screen.create_resource_object('window', int(sys.argv[1]))
protocols = screen.intern_atom('WM_PROTOCOLS')
delete = screen.intern_atom('WM_DELETE_WINDOW')
message = event.ClientMessage(window=window, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0]))
window.send_event(message, event_mask=X.NoEventMask)
screen.flush()
";
