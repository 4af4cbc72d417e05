//! Trays as desktops ship them: gtk-sni-tray-standalone, the Xfce panel with its stock
//! configuration (its status tray plugin hosts StatusNotifierItems), or none; where a tray drew
//! an item, and its menu opened and picked with the pointer and the keyboard.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::parts::ExtraParts;
use super::{MenuItem, Session, wait_until};

/// Which tray (StatusNotifierHost) the desktop has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tray {
    /// gtk-sni-tray-standalone: a bar across the top with the icons at its right end.
    GtkSniTray,
    /// `xfce4-panel` with Debian's `/etc/xdg/xfce4/panel/default.xml`: a top panel whose status
    /// tray plugin (systray) is the StatusNotifierWatcher and host.
    Xfce4Panel,
    None,
}

/// Where a tray drew an item: the rectangle on screen that changed when it appeared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrawnItem {
    pub x: i32,
    pub y: i32,
    pub width: i32,
    pub height: i32,
}

/// How tall a panel at the top of the screen is, at most: the strip searched for a new icon.
const PANEL_STRIP: u32 = 26;

impl Tray {
    /// The name the matrix prints.
    pub fn label(self) -> &'static str {
        match self {
            Tray::GtkSniTray => "gtk-sni-tray",
            Tray::Xfce4Panel => "xfce4-panel",
            Tray::None => "none",
        }
    }
}

impl Session {
    /// Starts `tray` and returns once its StatusNotifierWatcher has a host, so items can register.
    pub fn start_panel(&mut self, parts: &mut ExtraParts, tray: Tray) {
        match tray {
            Tray::None => {}
            Tray::GtkSniTray => self.start_tray(),
            Tray::Xfce4Panel => {
                self.start_xfconf(parts);
                let command = self.command("xfce4-panel");
                self.start_extra_part(
                    parts,
                    "xfce4-panel",
                    command,
                    "the Xfce panel's status tray is the StatusNotifierWatcher with a host",
                    |session, _| {
                        session
                            .tray_host_registered()
                            .map_err(|error| format!("{error:?}"))
                    },
                );
            }
        }
    }

    /// A screenshot of the whole screen into the session's folder, named `name`.
    pub fn screenshot_here(&self, name: &str) -> PathBuf {
        let path = self.root.join("shots").join(name);
        self.screenshot(&path);
        path
    }

    /// Waits until a new icon is drawn in the panel strip at the top of the screen, compared with
    /// `before` (a screenshot taken before the item registered), and returns where.
    pub fn wait_for_drawn_item(&self, before: &Path, timeout: Duration) -> DrawnItem {
        let mut shots = 0;
        wait_until("the tray draws the new item", timeout, || {
            shots += 1;
            let after = self.screenshot_here(&format!("tray-after-{shots}.png"));
            let changed = changed_box(self, before, &after, PANEL_STRIP)?;
            if changed.width == 0 {
                return Err("the strip is unchanged".to_owned());
            }
            // Both trays keep their icons at the panel's right end and add them to the left, so
            // the new icon is the rightmost square of what changed (the panel's other plugins
            // may have moved left to make room).
            let side = changed.height.min(changed.width);
            let icon = DrawnItem {
                x: changed.x + changed.width - side,
                y: changed.y,
                width: side,
                height: changed.height,
            };
            let colours = self.colours_in(
                &after,
                icon.x,
                icon.y,
                icon.width as u32,
                icon.height as u32,
            );
            if colours > 2 {
                return Ok(icon);
            }
            Err(format!("{icon:?} changed but has {colours} colours"))
        })
    }

    /// Opens the menu of the tray item drawn at `item` with a left click, then picks the top-level
    /// entry whose label starts with `label` with the keyboard (Down to it, Return), as a user does. `menu` is
    /// the menu as the item publishes it, which the tray draws in that order.
    pub fn pick_from_tray_menu(&self, item: DrawnItem, menu: &MenuItem, label: &str) {
        let selectable: Vec<&MenuItem> = menu
            .children
            .iter()
            .filter(|entry| entry.visible && entry.enabled && entry.kind != "separator")
            .collect();
        let position = selectable
            .iter()
            .position(|entry| entry.text().starts_with(label))
            .unwrap_or_else(|| {
                let texts: Vec<String> = selectable.iter().map(|entry| entry.text()).collect();
                panic!("the tray menu has no selectable {label:?}: {texts:?}")
            });
        let before = self.screenshot_here("menu-before.png");
        self.click_screen_at(item.x + item.width / 2, item.y + item.height / 2, 1);
        let mut shots = 0;
        wait_until("the tray menu is drawn", Duration::from_secs(10), || {
            shots += 1;
            let shot = self.screenshot_here(&format!("menu-{shots}.png"));
            // A menu of a few entries is well over 100×100 pixels.
            let changed = self.pixels_differing(&before, &shot);
            (changed > 10_000)
                .then_some(())
                .ok_or(format!("{changed} pixels changed"))
        });
        let mut keys = vec!["Down"; position + 1];
        keys.push("Return");
        self.press_keys(&keys);
    }
}

/// The bounding box of what differs between two screenshots in the top `strip` rows.
fn changed_box(
    session: &Session,
    before: &Path,
    after: &Path,
    strip: u32,
) -> Result<DrawnItem, String> {
    let (width, _) = session.screen_size();
    let output = session
        .command("convert")
        .arg(before)
        .arg(after)
        .args(["-compose", "difference", "-composite"])
        .args(["-crop", &format!("{width}x{strip}+0+0"), "+repage"])
        .args(["-threshold", "0", "-format", "%@", "info:"])
        .output()
        .map_err(|error| format!("convert: {error}"))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    // `WxH+X+Y`; an unchanged strip reads `0x0+W+H`.
    let numbers: Vec<i32> = text
        .split(['x', '+'])
        .filter_map(|number| number.trim().parse().ok())
        .collect();
    match numbers[..] {
        [width, height, x, y] => Ok(DrawnItem {
            x,
            y,
            width,
            height,
        }),
        _ => Err(format!("convert printed {text:?}")),
    }
}
