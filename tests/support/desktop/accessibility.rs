//! Where a program drew its buttons and labels, read from the accessibility bus (AT-SPI) as a screen
//! reader reads it, so a test can click the drawn button with the pointer.

use serde_json::Value;

use super::Session;

/// One widget on screen as the accessibility bus describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Widget {
    /// The program's name on the accessibility bus (`xfce4-notifyd`, `lxqt-notificationd`).
    pub app: String,
    /// The AT-SPI role, such as `"push button"`, `"label"` or `"combo box"`.
    pub role: String,
    pub name: String,
    /// The screen rectangle: x, y, width, height.
    pub x: i32,
    pub y: i32,
    pub width: i32,
    pub height: i32,
}

impl Widget {
    /// The middle of the widget, where a user clicks it.
    pub fn centre(&self) -> (i32, i32) {
        (self.x + self.width / 2, self.y + self.height / 2)
    }
}

impl Session {
    /// Every widget on screen of the programs started with [`Session::accessible_command`], in
    /// the order the accessibility tree lists them (a python3-gi AT-SPI walk).
    pub fn accessible_widgets(&self) -> Vec<Widget> {
        let output = self.run("timeout", &["20", "/usr/bin/python3", "-c", LIST_WIDGETS]);
        assert!(
            output.status.success(),
            "could not read the accessibility tree (needs python3-gi and gir1.2-atspi-2.0): {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .map(|widget| {
                let text = |name: &str| widget[name].as_str().unwrap_or_default().to_owned();
                let number = |name: &str| {
                    widget[name]
                        .as_i64()
                        .and_then(|n| i32::try_from(n).ok())
                        .unwrap_or_default()
                };
                Widget {
                    app: text("app"),
                    role: text("role"),
                    name: text("name"),
                    x: number("x"),
                    y: number("y"),
                    width: number("width"),
                    height: number("height"),
                }
            })
            .collect()
    }

    /// Clicks the screen at (`x`, `y`) with mouse `button` (1 left, 2 middle, 3 right), as a user
    /// does: the pointer moves there and the X server sends the press and release to whatever
    /// is drawn at that point.
    pub fn click_screen_at(&self, x: i32, y: i32, button: u8) {
        let output = self.run(
            "xdotool",
            &[
                "mousemove",
                "--sync",
                &x.to_string(),
                &y.to_string(),
                "click",
                &button.to_string(),
            ],
        );
        assert!(
            output.status.success(),
            "xdotool could not click at {x},{y}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Presses `keys` (xdotool key names) on whatever holds the keyboard, such as an open menu.
    pub fn press_keys(&self, keys: &[&str]) {
        let mut arguments = vec!["key", "--clearmodifiers", "--delay", "60"];
        arguments.extend_from_slice(keys);
        let output = self.run("xdotool", &arguments);
        assert!(
            output.status.success(),
            "xdotool could not press {keys:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Prints one JSON line per showing widget with a name or a clickable role, with its screen
/// rectangle, for every program on the accessibility bus.
const LIST_WIDGETS: &str = r#"
import json, gi
gi.require_version('Atspi', '2.0')
from gi.repository import Atspi
ROLES = {'push button', 'toggle button', 'combo box', 'label', 'menu item', 'check box', 'text'}
def walk(node, app, depth):
    if depth > 40:
        return
    try:
        role = node.get_role_name()
        name = node.get_name() or ''
        showing = node.get_state_set().contains(Atspi.StateType.SHOWING)
    except Exception:
        return
    if role in ROLES and showing:
        try:
            box = node.get_extents(Atspi.CoordType.SCREEN)
            if box.width > 0 and box.height > 0 and box.x > -10000:
                print(json.dumps({'app': app, 'role': role, 'name': name, 'x': box.x, 'y': box.y,
                                  'width': box.width, 'height': box.height}), flush=True)
        except Exception:
            pass
    try:
        count = node.get_child_count()
    except Exception:
        return
    for index in range(count):
        try:
            child = node.get_child_at_index(index)
        except Exception:
            continue
        if child is not None:
            walk(child, app, depth + 1)
desktop = Atspi.get_desktop(0)
for index in range(desktop.get_child_count()):
    app = desktop.get_child_at_index(index)
    if app is not None:
        walk(app, app.get_name() or '', 0)
"#;
