//! The tray: gtk-sni-tray-standalone started and stopped, the items registered with its
//! StatusNotifierWatcher, and their menus (`com.canonical.dbusmenu`) read and clicked.

use serde_json::{Map, Value};

use super::processes::PartOutput;
use super::{BusError, START_TIMEOUT, Session, WATCHER_NAME, wait_until};

/// One item of a tray item's menu (`com.canonical.dbusmenu`), with its children.
#[derive(Debug, Clone, PartialEq)]
pub struct MenuItem {
    pub id: i32,
    /// The label as sent, mnemonic underscores included.
    pub label: String,
    pub enabled: bool,
    pub visible: bool,
    /// `"standard"` or `"separator"`.
    pub kind: String,
    /// `"checkmark"` or `"radio"` for toggles.
    pub toggle_type: Option<String>,
    /// 1 on, 0 off, -1 indeterminate.
    pub toggle_state: Option<i64>,
    /// Every property as `busctl` prints variants.
    pub properties: Map<String, Value>,
    pub children: Vec<MenuItem>,
}

impl Session {
    /// Starts the tray (watcher, host and panel) if it is not running. Returns once the watcher is
    /// owned and reports a registered host, so tray items can register right away. In a sway
    /// session the tray is swaybar's, which sway started; this then only waits for it.
    pub fn start_tray(&mut self) {
        if self.tray.is_some() {
            return;
        }
        if self.compositor() == Some(super::Compositor::Sway) {
            self.wait_for_swaybar_tray();
            return;
        }
        // gtk-sni-tray-standalone sometimes dies at start-up when its host asks its own watcher
        // too early ("Pattern match failure ... Main.hs:177"); a second start goes through.
        const ATTEMPTS: u32 = 3;
        for attempt in 1..=ATTEMPTS {
            let mut command = self.command("gtk-sni-tray-standalone");
            // A dark bar like a desktop panel, so screenshots show where the tray is.
            command.args([
                "--watcher",
                "--top",
                "--end",
                "--size",
                "28",
                "--color",
                "#2e3436",
            ]);
            let log_name = if attempt == 1 {
                "tray".to_owned()
            } else {
                format!("tray-{attempt}")
            };
            let mut tray = self.spawn_part(log_name, command, PartOutput::Log);
            let ready = self.wait_for_part(
                &mut tray,
                "the tray's StatusNotifierWatcher is owned and has a host",
                Session::tray_host_registered,
            );
            match ready {
                Ok(()) => {
                    self.tray = Some(tray);
                    return;
                }
                Err(log) if attempt < ATTEMPTS => {
                    eprintln!("the tray exited while starting; starting it again. Its log:\n{log}");
                    tray.stop();
                }
                Err(log) => {
                    panic!("the tray exited while starting, {ATTEMPTS} times; its last log:\n{log}")
                }
            }
        }
    }

    /// Stops the tray, as when a user's panel restarts or has no tray.
    pub fn stop_tray(&mut self) {
        if let Some(tray) = self.tray.take() {
            tray.stop();
        }
        wait_until(
            "org.kde.StatusNotifierWatcher has no owner after the tray stopped",
            START_TIMEOUT,
            || !self.name_has_owner(WATCHER_NAME),
        );
    }

    /// `Ok` once the session's StatusNotifierWatcher says a host (a tray that draws items) has
    /// registered with it.
    pub fn tray_host_registered(&self) -> Result<(), BusError> {
        self.bus_property(
            WATCHER_NAME,
            "/StatusNotifierWatcher",
            "org.kde.StatusNotifierWatcher",
            "IsStatusNotifierHostRegistered",
        )
        .and_then(|value| match value {
            Value::Bool(true) => Ok(()),
            other => Err(BusError {
                command: "IsStatusNotifierHostRegistered".into(),
                message: format!("is {other}"),
            }),
        })
    }

    /// The tray items registered with the watcher, as the watcher lists them (a bus name, or a bus
    /// name followed by an object path).
    pub fn tray_items(&self) -> Result<Vec<String>, BusError> {
        let value = self.bus_property(
            WATCHER_NAME,
            "/StatusNotifierWatcher",
            "org.kde.StatusNotifierWatcher",
            "RegisteredStatusNotifierItems",
        )?;
        Ok(value
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Reads a property of a tray item (`org.kde.StatusNotifierItem`), such as `"ToolTip"`,
    /// `"IconName"` or `"Status"`.
    pub fn tray_item_property(&self, item: &str, property: &str) -> Result<Value, BusError> {
        let (destination, path) = split_tray_item(item);
        self.bus_property(destination, path, "org.kde.StatusNotifierItem", property)
    }

    /// The whole menu of a tray item (`com.canonical.dbusmenu` `GetLayout` on the item's `Menu`).
    pub fn tray_menu(&self, item: &str) -> Result<MenuItem, BusError> {
        let (destination, menu_path) = self.tray_menu_address(item)?;
        let reply = self.bus_call(
            destination,
            &menu_path,
            "com.canonical.dbusmenu",
            "GetLayout",
            "iias",
            &["0", "-1", "0"],
        )?;
        let layout = reply.get(1).ok_or_else(|| BusError {
            command: format!("GetLayout on {destination} {menu_path}"),
            message: format!("the reply has no layout: {reply:?}"),
        })?;
        MenuItem::from_busctl_layout(layout).map_err(|message| BusError {
            command: format!("GetLayout on {destination} {menu_path}"),
            message,
        })
    }

    /// Clicks the menu item `id` of a tray item, as a tray host does when the user picks it
    /// (`com.canonical.dbusmenu` `Event(id, "clicked", "", 0)`).
    pub fn tray_menu_click(&self, item: &str, id: i32) -> Result<(), BusError> {
        let (destination, menu_path) = self.tray_menu_address(item)?;
        let id = id.to_string();
        self.bus_call(
            destination,
            &menu_path,
            "com.canonical.dbusmenu",
            "Event",
            "isvu",
            &[&id, "clicked", "s", "", "0"],
        )
        .map(drop)
    }

    fn tray_menu_address<'a>(&self, item: &'a str) -> Result<(&'a str, String), BusError> {
        let menu = self.tray_item_property(item, "Menu")?;
        let menu_path = menu.as_str().ok_or_else(|| BusError {
            command: format!("the Menu property of {item}"),
            message: format!("is {menu}, not an object path"),
        })?;
        Ok((split_tray_item(item).0, menu_path.to_owned()))
    }
}

impl MenuItem {
    /// The label as a user reads it: mnemonic underscores removed (`"_Pause"` reads `"Pause"`).
    pub fn text(&self) -> String {
        let mut text = String::with_capacity(self.label.len());
        let mut characters = self.label.chars().peekable();
        while let Some(character) = characters.next() {
            if character == '_' {
                // A doubled underscore is a literal one.
                if characters.peek() == Some(&'_') {
                    characters.next();
                    text.push('_');
                }
            } else {
                text.push(character);
            }
        }
        text
    }

    /// The first item, depth first, whose [`MenuItem::text`] is `text`.
    pub fn find(&self, text: &str) -> Option<&MenuItem> {
        if self.text() == text {
            return Some(self);
        }
        self.children.iter().find_map(|child| child.find(text))
    }

    /// The texts of the visible items under this one, depth first, separators left out.
    pub fn visible_texts(&self) -> Vec<String> {
        let mut texts = Vec::new();
        for child in self.children.iter().filter(|child| child.visible) {
            if child.kind != "separator" {
                texts.push(child.text());
            }
            texts.extend(child.visible_texts());
        }
        texts
    }

    /// Reads one `(ia{sv}av)` layout node as `busctl --json` prints it.
    pub fn from_busctl_layout(node: &Value) -> Result<MenuItem, String> {
        let fields = node
            .as_array()
            .filter(|fields| fields.len() == 3)
            .ok_or_else(|| {
                format!("a menu layout node is (id, properties, children), not {node}")
            })?;
        let id = fields[0]
            .as_i64()
            .and_then(|id| i32::try_from(id).ok())
            .ok_or_else(|| format!("a menu item id is {}", fields[0]))?;
        let properties = fields[1]
            .as_object()
            .cloned()
            .ok_or_else(|| format!("menu item {id} has properties {}", fields[1]))?;
        let children = fields[2]
            .as_array()
            .ok_or_else(|| format!("menu item {id} has children {}", fields[2]))?
            .iter()
            .map(|child| {
                // Each child is a variant: {"type": "(ia{sv}av)", "data": [id, properties, children]}.
                MenuItem::from_busctl_layout(child.get("data").unwrap_or(child))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let property = |name: &str| properties.get(name).and_then(|variant| variant.get("data"));
        Ok(MenuItem {
            id,
            label: property("label")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            enabled: property("enabled").and_then(Value::as_bool).unwrap_or(true),
            visible: property("visible").and_then(Value::as_bool).unwrap_or(true),
            kind: property("type")
                .and_then(Value::as_str)
                .unwrap_or("standard")
                .to_owned(),
            toggle_type: property("toggle-type")
                .and_then(Value::as_str)
                .filter(|toggle| !toggle.is_empty())
                .map(str::to_owned),
            toggle_state: property("toggle-state").and_then(Value::as_i64),
            properties: properties.clone(),
            children,
        })
    }
}

fn split_tray_item(item: &str) -> (&str, &str) {
    match item.find('/') {
        Some(slash) => (&item[..slash], &item[slash..]),
        None => (item, "/StatusNotifierItem"),
    }
}

#[cfg(test)]
mod tests {
    //! The tray's watcher is up in a full session, and menu layouts read as busctl prints them.

    use std::fs;

    use super::*;
    use crate::desktop::self_test::screenshots_dir;

    #[test]
    fn the_tray_watcher_is_up_and_the_screen_can_be_photographed() {
        let session = Session::start();
        assert!(session.name_has_owner(WATCHER_NAME));
        assert_eq!(session.tray_items(), Ok(Vec::new()));
        let shot = screenshots_dir().join("empty-desktop.png");
        session.screenshot(&shot);
        let png = fs::read(&shot).expect("the screenshot exists");
        assert!(png.len() > 100, "the screenshot is {} bytes", png.len());
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    }

    #[test]
    fn menu_layouts_read_as_busctl_prints_them() {
        let layout: Value = serde_json::from_str(
            r#"[0,{"children-display":{"type":"s","data":"submenu"}},[
                {"type":"(ia{sv}av)","data":[1,{"label":{"type":"s","data":"_Pause for an hour"}},[]]},
                {"type":"(ia{sv}av)","data":[2,{"type":{"type":"s","data":"separator"}},[]]},
                {"type":"(ia{sv}av)","data":[3,{"label":{"type":"s","data":"Skip next break"},
                    "enabled":{"type":"b","data":false}},[]]}]]"#,
        )
        .expect("valid JSON");
        let menu = MenuItem::from_busctl_layout(&layout).expect("a valid layout");
        assert_eq!(
            menu.visible_texts(),
            ["Pause for an hour", "Skip next break"]
        );
        let skip = menu.find("Skip next break").expect("the skip item");
        assert_eq!(skip.id, 3);
        assert!(!skip.enabled);
        assert_eq!(menu.children[1].kind, "separator");
        assert!(MenuItem::from_busctl_layout(&serde_json::json!([1, {}])).is_err());
    }
}
