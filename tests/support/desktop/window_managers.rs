//! X11 window managers with their stock configurations (openbox, xfwm4, or none), a client that
//! holds the keyboard focus the way the user's work does, and what the manager did with a window:
//! its frame, its stacking state, where the focus is, and whether it painted.

use std::path::Path;

use super::parts::ExtraParts;
use super::{START_TIMEOUT, Session, wait_until};

/// Which window manager runs on the X display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowManager {
    None,
    /// `openbox` with Debian's `/etc/xdg/openbox/rc.xml`.
    Openbox,
    /// `xfwm4` with Xfce's default settings (through `xfconfd`, as in an Xfce session).
    Xfwm4,
}

/// What a window manager did with one client window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowFacts {
    /// Position and size of the client area on screen.
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    /// `_NET_FRAME_EXTENTS` (left, right, top, bottom), when a manager framed it.
    pub frame: Option<[u32; 4]>,
    /// `_NET_WM_STATE` atoms, such as `_NET_WM_STATE_ABOVE`.
    pub states: Vec<String>,
}

impl WindowFacts {
    /// Whether a frame with a title bar surrounds the window.
    pub fn decorated(&self) -> bool {
        self.frame.is_some_and(|[_, _, top, _]| top > 0)
    }

    /// Whether the manager keeps it above other windows.
    pub fn above(&self) -> bool {
        self.states
            .iter()
            .any(|state| state == "_NET_WM_STATE_ABOVE")
    }

    /// Whether it floats at its own size: neither full screen nor maximised nor covering the screen.
    pub fn floats_on(&self, screen: (u32, u32)) -> bool {
        let covering = self.width * 10 >= screen.0 * 9 || self.height * 10 >= screen.1 * 9;
        let filling = self.states.iter().any(|state| {
            state == "_NET_WM_STATE_FULLSCREEN" || state.starts_with("_NET_WM_STATE_MAXIMIZED")
        });
        !covering && !filling
    }
}

impl WindowManager {
    /// The name the matrix prints.
    pub fn label(self) -> &'static str {
        match self {
            WindowManager::None => "none",
            WindowManager::Openbox => "openbox",
            WindowManager::Xfwm4 => "xfwm4",
        }
    }
}

impl Session {
    /// Starts `manager` with its stock configuration and waits until it manages the screen.
    pub fn start_window_manager(&self, parts: &mut ExtraParts, manager: WindowManager) {
        let command = match manager {
            WindowManager::None => return,
            WindowManager::Openbox => self.command("openbox"),
            WindowManager::Xfwm4 => {
                self.start_xfconf(parts);
                self.command("xfwm4")
            }
        };
        let name = manager.label();
        self.start_extra_part(
            parts,
            name,
            command,
            &format!("{name} manages the screen"),
            |session, _| {
                let output = session.run("xprop", &["-root", "_NET_SUPPORTING_WM_CHECK"]);
                let text = String::from_utf8_lossy(&output.stdout).into_owned();
                text.contains("window id #").then_some(()).ok_or(text)
            },
        );
    }

    /// Starts Xfce's settings store (`xfconfd`), which Xfce's parts ask for their settings; with no
    /// settings written, each part uses its stock defaults. Started once per session.
    pub fn start_xfconf(&self, parts: &mut ExtraParts) {
        if parts.pid("xfconfd").is_some() {
            return;
        }
        let command = self.command("/usr/lib/x86_64-linux-gnu/xfce4/xfconf/xfconfd");
        self.start_extra_part(
            parts,
            "xfconfd",
            command,
            "xfconfd owns org.xfce.Xfconf",
            |session, _| {
                session
                    .name_has_owner("org.xfce.Xfconf")
                    .then_some(())
                    .ok_or_else(|| "no owner".to_owned())
            },
        );
    }

    /// Opens a small xmessage window standing for the user's work and gives it the keyboard
    /// focus (through the window manager when there is one); returns its X window id.
    pub fn start_focused_client(&self, parts: &mut ExtraParts) -> String {
        let mut command = self.command("xmessage");
        command.args(["-geometry", "+40+300", "The work the user is typing into."]);
        let window = self.start_extra_part(
            parts,
            "xmessage",
            command,
            "the xmessage window is on screen",
            |session, _| {
                // xmessage does not name its pid on its window (_NET_WM_PID), but its class.
                session
                    .visible_windows_of_class("^Xmessage$")
                    .into_iter()
                    .next()
                    .ok_or_else(|| "no xmessage window yet".to_owned())
            },
        );
        self.focus_client(&window);
        window
    }

    /// Gives X window `window` the keyboard focus as a user's click would: activated through the
    /// window manager when one runs, focused directly when none does.
    pub fn focus_client(&self, window: &str) {
        let managed = self
            .run("xprop", &["-root", "_NET_SUPPORTING_WM_CHECK"])
            .stdout
            .starts_with(b"_NET_SUPPORTING_WM_CHECK(WINDOW)");
        let verb = if managed {
            "windowactivate"
        } else {
            "windowfocus"
        };
        let output = self.run("xdotool", &[verb, "--sync", window]);
        assert!(
            output.status.success(),
            "xdotool {verb} {window}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        wait_until("the client holds the focus", START_TIMEOUT, || {
            let focused = self.focused_window();
            (focused == window).then_some(()).ok_or(focused)
        });
    }

    /// The mapped X windows whose class matches the regular expression `class`.
    pub fn visible_windows_of_class(&self, class: &str) -> Vec<String> {
        let output = self.run("xdotool", &["search", "--onlyvisible", "--class", class]);
        // xdotool exits with 1 when it finds nothing.
        String::from_utf8_lossy(&output.stdout)
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    }

    /// The X window that holds the keyboard focus (`xdotool getwindowfocus`), as a decimal id.
    pub fn focused_window(&self) -> String {
        let output = self.run("xdotool", &["getwindowfocus", "-f"]);
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    /// What the window manager did with client window `window`.
    pub fn window_facts(&self, window: &str) -> WindowFacts {
        let geometry = self.run("xdotool", &["getwindowgeometry", "--shell", window]);
        let geometry = String::from_utf8_lossy(&geometry.stdout).into_owned();
        let field = |name: &str| {
            geometry
                .lines()
                .find_map(|line| line.strip_prefix(&format!("{name}=")))
                .and_then(|value| value.trim().parse::<i64>().ok())
                .unwrap_or_else(|| panic!("xdotool printed no {name} for {window}: {geometry}"))
        };
        let properties = self.run(
            "xprop",
            &["-id", window, "_NET_FRAME_EXTENTS", "_NET_WM_STATE"],
        );
        let properties = String::from_utf8_lossy(&properties.stdout).into_owned();
        let values = |name: &str| -> Vec<String> {
            properties
                .lines()
                .find(|line| line.starts_with(name) && line.contains(" = "))
                .and_then(|line| line.split_once(" = "))
                .map(|(_, values)| values.split(", ").map(|v| v.trim().to_owned()).collect())
                .unwrap_or_default()
        };
        let frame: Vec<u32> = values("_NET_FRAME_EXTENTS")
            .iter()
            .filter_map(|value| value.parse().ok())
            .collect();
        WindowFacts {
            x: field("X") as i32,
            y: field("Y") as i32,
            width: field("WIDTH") as u32,
            height: field("HEIGHT") as u32,
            frame: <[u32; 4]>::try_from(frame).ok(),
            states: values("_NET_WM_STATE"),
        }
    }

    /// How much of the rectangle of screenshot `shot` its commonest colour covers, from 0 to 1,
    /// leaving out a margin of 8 pixels (a window's border). A blank window is one colour (the
    /// pointer over it adds a few pixels); a painted page has text, pictures and buttons.
    pub fn commonest_colour_share(
        &self,
        shot: &Path,
        x: i32,
        y: i32,
        width: u32,
        height: u32,
    ) -> f64 {
        const MARGIN: u32 = 8;
        let (width, height) = (
            width.saturating_sub(2 * MARGIN),
            height.saturating_sub(2 * MARGIN),
        );
        let crop = format!(
            "{width}x{height}+{}+{}",
            x + MARGIN as i32,
            y + MARGIN as i32
        );
        let output = self
            .command("convert")
            .arg(shot)
            .args([
                "-crop",
                &crop,
                "+repage",
                "-format",
                "%c",
                "histogram:info:-",
            ])
            .output()
            .expect("run ImageMagick's convert");
        // Lines like `  459036: (246,245,244) #F6F5F4 srgb(246,245,244)`.
        let commonest = String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| line.trim().split(':').next()?.trim().parse::<u64>().ok())
            .max()
            .unwrap_or_else(|| {
                panic!(
                    "convert printed no histogram for {crop}: {}",
                    String::from_utf8_lossy(&output.stderr)
                )
            });
        commonest as f64 / (f64::from(width) * f64::from(height)).max(1.0)
    }

    /// How many different colours the screenshot `shot` has inside the rectangle; a blank window
    /// has one or two, a painted page hundreds (text is anti-aliased).
    pub fn colours_in(&self, shot: &Path, x: i32, y: i32, width: u32, height: u32) -> u64 {
        let crop = format!("{width}x{height}+{x}+{y}");
        let output = self
            .command("convert")
            .arg(shot)
            .args(["-crop", &crop, "+repage", "-format", "%k", "info:"])
            .output()
            .expect("run ImageMagick's convert");
        let text = String::from_utf8_lossy(&output.stdout);
        text.trim().parse().unwrap_or_else(|_| {
            panic!(
                "convert printed {text:?} for {crop}: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        })
    }
}
