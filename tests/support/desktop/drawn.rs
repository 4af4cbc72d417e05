//! What a notification server drew on the X display: the window it draws notifications in, found
//! by its class, the buttons found in a capture of that window, and clicks on the notification's
//! body or on one of its buttons with xdotool, as a user's clicks.
//!
//! The servers draw their buttons as GTK or Qt widgets inside one X window, so a button has no
//! window of its own to find. Every server puts them in one row at the bottom of the notification
//! (see the table in `servers`), so the row is found in a capture of the window: the rows near its
//! bottom whose non-background pixels, merged across small gaps, make exactly as many clusters as
//! there are buttons drawn. The clusters are the buttons, left to right.

use std::process::Command;
use std::time::Duration;

use super::notifications::SeenNotification;
use super::servers::NotificationServer;
use super::{Session, wait_until};

/// A notification window on screen: its X id and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawnNotification {
    pub window: String,
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
}

/// A mouse button, as xdotool numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseButton {
    Left = 1,
    Middle = 2,
    Right = 3,
}

/// The centre of one drawn button, from the notification window's top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ButtonSpot {
    pub x: u32,
    pub y: u32,
    pub width: u32,
}

impl Session {
    /// The notification window the session's server has on screen now (the largest, when it has
    /// several), or `None`.
    pub fn drawn_notification_now(&self) -> Option<DrawnNotification> {
        let class = self.notification_server_kind().window_class()?;
        let output = self.run(
            "xdotool",
            &[
                "search",
                "--onlyvisible",
                "--classname",
                &format!("^{class}$"),
            ],
        );
        String::from_utf8_lossy(&output.stdout)
            .split_whitespace()
            .filter_map(|window| self.window_geometry(window))
            .filter(|drawn| drawn.width > 40 && drawn.height > 20)
            .max_by_key(|drawn| drawn.width * drawn.height)
    }

    /// Waits until the session's server draws a notification window, and returns it.
    pub fn drawn_notification(&self, timeout: Duration) -> DrawnNotification {
        wait_until(
            &format!(
                "{} draws a notification window",
                self.notification_server_kind().label()
            ),
            timeout,
            || self.drawn_notification_now(),
        )
    }

    /// Waits until no notification window of the session's server is on screen.
    pub fn wait_until_nothing_drawn(&self, timeout: Duration) {
        wait_until(
            "no notification window is on screen",
            timeout,
            || match self.drawn_notification_now() {
                None => Ok(()),
                Some(drawn) => Err(drawn),
            },
        );
    }

    /// Clicks the notification's body (its title line) with `button`, as a user would: on dunst
    /// the top notification of its window, elsewhere the newest notification window. What the
    /// click does is the server's business (see the table in `servers`).
    pub fn click_notification_body(&self, button: MouseButton, timeout: Duration) {
        let drawn = self.drawn_notification(timeout);
        let (x, y) = match self.notification_server_kind() {
            NotificationServer::DunstTest | NotificationServer::DunstStock => (drawn.width / 2, 14),
            // lxqt stacks its notifications in one window, the newest at the bottom, whose
            // title line is about 80 px above the window's bottom edge with one line of body.
            NotificationServer::LxqtNotificationd => {
                (drawn.width / 2, drawn.height.saturating_sub(90))
            }
            _ => (drawn.width / 2, drawn.height / 3),
        };
        self.click_at(&drawn.window, x, y, button);
    }

    /// Clicks the button labelled `label` that the server drew for `notification` (as sent, see
    /// [`Session::notifications`]), with the left mouse button. Panics when the server draws no
    /// such button, or when the capture of its window does not show the buttons it should draw.
    pub fn click_notification_button(
        &self,
        notification: &SeenNotification,
        label: &str,
        timeout: Duration,
    ) {
        let server = self.notification_server_kind();
        let labels = server.drawn_buttons(&notification.actions);
        let index = labels
            .iter()
            .position(|drawn| drawn == label)
            .unwrap_or_else(|| {
                panic!(
                    "{} draws no button {label:?} for the actions {:?}; it draws {labels:?}",
                    server.label(),
                    notification.actions
                )
            });
        let (drawn, spots) = self.drawn_buttons(labels.len(), timeout);
        let spot = spots[index];
        self.click_at(&drawn.window, spot.x, spot.y, MouseButton::Left);
    }

    /// Invokes the action `key` of `notification` (as sent) the way a user of the session's server
    /// would, by real input on what it drew wherever it can: a click on its button, or on its body
    /// for `default` where no button draws it (a middle click on stock dunst). Returns how it was
    /// done. `Err` says why the server offers no way for it: stock dunst shows other actions only
    /// in its dmenu context menu, and the server without actions has none. With dunst's test
    /// config, other actions are picked from its context menu (`dunstctl context`, not a click).
    pub fn click_action(
        &self,
        notification: &SeenNotification,
        key: &str,
        timeout: Duration,
    ) -> Result<&'static str, String> {
        let server = self.notification_server_kind();
        let label = notification
            .actions
            .iter()
            .find(|(action, _)| action == key)
            .map(|(_, label)| label.clone())
            .ok_or_else(|| format!("the notification has no action {key:?}: {notification:?}"))?;
        let body_is_default = key == "default" && !server.draws_default_as_button();
        match server {
            NotificationServer::WithoutActions => {
                Err(format!("{} offers no actions", server.label()))
            }
            NotificationServer::DunstStock if key == "default" => {
                self.click_notification_body(MouseButton::Middle, timeout);
                Ok("a middle click on the notification")
            }
            NotificationServer::DunstStock => Err(format!(
                "stock dunst offers {label:?} only in its context menu, which needs dmenu"
            )),
            NotificationServer::DunstTest if key == "default" => {
                self.click_notification_body(MouseButton::Left, timeout);
                Ok("a left click on the notification")
            }
            NotificationServer::DunstTest => {
                self.dunst_context_with_choice(&label);
                Ok("dunst's context menu (dunstctl context)")
            }
            _ if body_is_default => {
                self.click_notification_body(MouseButton::Left, timeout);
                Ok("a left click on the notification's body")
            }
            _ => {
                let drawn_keys: Vec<&str> = notification
                    .actions
                    .iter()
                    .map(|(action, _)| action.as_str())
                    .filter(|action| *action != "default" || server.draws_default_as_button())
                    .collect();
                let labels = server.drawn_buttons(&notification.actions);
                if labels.len() != drawn_keys.len() {
                    return Err(format!(
                        "{} draws no buttons for {} actions (a combo box)",
                        server.label(),
                        notification.actions.len()
                    ));
                }
                let index = drawn_keys
                    .iter()
                    .position(|drawn| *drawn == key)
                    .ok_or_else(|| format!("{} draws no button for {key:?}", server.label()))?;
                let (drawn, spots) = self.drawn_buttons(labels.len(), timeout);
                let spot = spots[index];
                self.click_at(&drawn.window, spot.x, spot.y, MouseButton::Left);
                Ok("a left click on its button")
            }
        }
    }

    /// Waits until the newest notification window shows `count` buttons in a row at its bottom,
    /// the same in two captures running (a server may still be laying the window out, or fading
    /// it in, when it first appears), and returns the window and the buttons, left to right.
    pub fn drawn_buttons(
        &self,
        count: usize,
        timeout: Duration,
    ) -> (DrawnNotification, Vec<ButtonSpot>) {
        let server = self.notification_server_kind();
        let mut last_seen: Option<(DrawnNotification, Vec<ButtonSpot>)> = None;
        wait_until(
            &format!("{} draws {count} buttons, settled", server.label()),
            timeout,
            || {
                let Some(drawn) = self.drawn_notification_now() else {
                    return Err("no notification window".to_owned());
                };
                let Some(capture) = self.capture_window(&drawn.window) else {
                    return Err(format!("could not capture {drawn:?}"));
                };
                let Some(spots) = find_button_row(&capture, count, server) else {
                    return Err(format!(
                        "{drawn:?}: the rows near its bottom show {:?} clusters",
                        row_cluster_counts(&capture, server)
                    ));
                };
                let seen = (drawn, spots);
                if last_seen.as_ref() == Some(&seen) {
                    return Ok(seen);
                }
                last_seen = Some(seen.clone());
                Err(format!("{seen:?}, not yet the same twice running"))
            },
        )
    }

    /// Moves the pointer to (`x`, `y`) of X window `window` and clicks `button` there, without
    /// focusing the window first (notification windows take no focus).
    pub fn click_at(&self, window: &str, x: u32, y: u32, button: MouseButton) {
        let output = self.run(
            "xdotool",
            &[
                "mousemove",
                "--window",
                window,
                &x.to_string(),
                &y.to_string(),
                "click",
                &(button as u8).to_string(),
            ],
        );
        assert!(
            output.status.success(),
            "could not click window {window} at {x},{y}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn window_geometry(&self, window: &str) -> Option<DrawnNotification> {
        let output = self.run("xdotool", &["getwindowgeometry", "--shell", window]);
        if !output.status.success() {
            return None;
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let value = |name: &str| -> Option<i64> {
            text.lines()
                .find_map(|line| line.strip_prefix(&format!("{name}=")))?
                .trim()
                .parse()
                .ok()
        };
        Some(DrawnNotification {
            window: window.to_owned(),
            x: i32::try_from(value("X")?).ok()?,
            y: i32::try_from(value("Y")?).ok()?,
            width: u32::try_from(value("WIDTH")?).ok()?,
            height: u32::try_from(value("HEIGHT")?).ok()?,
        })
    }

    /// The pixels of X window `window` (ImageMagick's `import`, as a binary PPM).
    fn capture_window(&self, window: &str) -> Option<Capture> {
        let output = Command::new("import")
            .args(["-display", self.display(), "-window", window])
            .args(["-depth", "8", "ppm:-"])
            .output()
            .ok()?;
        if !output.status.success() {
            return None;
        }
        Capture::from_ppm(&output.stdout)
    }
}

/// A captured window: width, height and RGB pixels, row by row.
struct Capture {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

impl Capture {
    fn from_ppm(bytes: &[u8]) -> Option<Capture> {
        // "P6", width, height and the maximum value, each followed by one whitespace byte.
        let mut fields = Vec::new();
        let mut position = 0;
        while fields.len() < 4 {
            while bytes.get(position)?.is_ascii_whitespace() {
                position += 1;
            }
            let start = position;
            while !bytes.get(position)?.is_ascii_whitespace() {
                position += 1;
            }
            fields.push(std::str::from_utf8(&bytes[start..position]).ok()?);
        }
        position += 1;
        if fields[0] != "P6" || fields[3] != "255" {
            return None;
        }
        let width: usize = fields[1].parse().ok()?;
        let height: usize = fields[2].parse().ok()?;
        let pixels = bytes.get(position..position + width * height * 3)?.to_vec();
        Some(Capture {
            width,
            height,
            pixels,
        })
    }

    fn pixel(&self, x: usize, y: usize) -> [u8; 3] {
        let at = (y * self.width + x) * 3;
        [self.pixels[at], self.pixels[at + 1], self.pixels[at + 2]]
    }

    /// The clusters of one row: spans of pixels unlike the row's most common colour, merged
    /// across gaps of up to `merge_gap` pixels, as (start, end) with `end` exclusive.
    fn clusters(&self, y: usize, settings: SearchSettings) -> Vec<(usize, usize)> {
        let mut counts = std::collections::HashMap::new();
        for x in 0..self.width {
            *counts.entry(self.pixel(x, y)).or_insert(0usize) += 1;
        }
        let Some(background) = counts
            .into_iter()
            .max_by_key(|(_, count)| *count)
            .map(|(colour, _)| colour)
        else {
            return Vec::new();
        };
        let differs = |colour: [u8; 3]| {
            colour
                .iter()
                .zip(background)
                .map(|(a, b)| u32::from(a.abs_diff(b)))
                .sum::<u32>()
                > 60
        };
        let end_x = self.width.saturating_sub(settings.ignore_right);
        let mut clusters: Vec<(usize, usize)> = Vec::new();
        for x in settings.ignore_left..end_x {
            if !differs(self.pixel(x, y)) {
                continue;
            }
            match clusters.last_mut() {
                Some((_, end)) if x <= *end + settings.merge_gap => *end = x + 1,
                _ => clusters.push((x, x + 1)),
            }
        }
        // A window's border and the edge of a rounded corner are a pixel or two wide; a button,
        // or the shortest label of a flat one, is far wider.
        clusters.retain(|(start, end)| end - start >= 6);
        clusters
    }
}

/// How far above a notification window's bottom edge its buttons can be.
const BUTTON_ROW_SEARCH: usize = 70;

/// The per-server settings of the search for buttons in a row of pixels.
#[derive(Debug, Clone, Copy)]
struct SearchSettings {
    /// How far apart the parts of one button can be: the words of a flat text button.
    merge_gap: usize,
    /// How much of the left and right edges holds something else (MATE's coloured strip on the
    /// left and countdown pie on the right, notification-daemon's rounded corners).
    ignore_left: usize,
    ignore_right: usize,
}

fn search_settings(server: NotificationServer) -> SearchSettings {
    let (merge_gap, ignore_left, ignore_right) = match server {
        NotificationServer::NotificationDaemon => (10, 20, 20),
        NotificationServer::MateNotificationDaemon => (3, 36, 36),
        _ => (3, 0, 0),
    };
    SearchSettings {
        merge_gap,
        ignore_left,
        ignore_right,
    }
}

/// The buttons in the lowest band of rows near the capture's bottom that show exactly `count`
/// clusters, each at least 12 px wide: their centres on the band's middle row.
fn find_button_row(
    capture: &Capture,
    count: usize,
    server: NotificationServer,
) -> Option<Vec<ButtonSpot>> {
    let settings = search_settings(server);
    let lowest = capture.height.checked_sub(1)?;
    let highest = capture.height.saturating_sub(BUTTON_ROW_SEARCH);
    let matches = |y: usize| {
        let clusters = capture.clusters(y, settings);
        (clusters.len() == count && clusters.iter().all(|(start, end)| end - start >= 12))
            .then_some(clusters)
    };
    let band_bottom = (highest..=lowest).rev().find(|y| matches(*y).is_some())?;
    let band_top = (highest..=band_bottom)
        .rev()
        .take_while(|y| matches(*y).is_some())
        .last()?;
    let middle = (band_top + band_bottom) / 2;
    let clusters = matches(middle)?;
    clusters
        .into_iter()
        .map(|(start, end)| {
            Some(ButtonSpot {
                x: u32::try_from((start + end) / 2).ok()?,
                y: u32::try_from(middle).ok()?,
                width: u32::try_from(end - start).ok()?,
            })
        })
        .collect()
}

/// How many clusters each row near the bottom shows, bottom first, for a failure message.
fn row_cluster_counts(capture: &Capture, server: NotificationServer) -> Vec<usize> {
    let settings = search_settings(server);
    (capture.height.saturating_sub(BUTTON_ROW_SEARCH)..capture.height)
        .rev()
        .map(|y| capture.clusters(y, settings).len())
        .collect()
}

#[cfg(test)]
mod tests {
    //! Each server draws a notification whose buttons and body can be clicked as a user would,
    //! and the click does what the table in `servers` says.

    use std::process::{Child, Stdio};

    use super::*;
    use crate::desktop::self_test::SHORT;
    use crate::desktop::{CloseReason, SeenNotification};

    /// Sends a notification with three actions through `notify-send --wait`, which prints the
    /// key of the action invoked, and waits until the bus carried it.
    fn notify_with_actions(session: &Session) -> (Child, SeenNotification) {
        let before = session.notifications().len();
        let sender = session
            .command("notify-send")
            .args(["--app-name=Unhunch", "--wait", "--expire-time=0"])
            .args([
                "--action=default=Start",
                "--action=snooze=Snooze",
                "--action=skip=Skip",
            ])
            .args(["Time to stretch", "Sit tall and reach"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("run notify-send (libnotify-bin)");
        let seen = wait_until("the notification is shown", SHORT, || {
            session.notifications().into_iter().nth(before)
        });
        (sender, seen)
    }

    /// The action the server reported invoked for `seen`, once it reported one or closed it.
    fn invoked(session: &Session, mut sender: Child, seen: &SeenNotification) -> String {
        let acted_on = wait_until("the server reports an action or a closing", SHORT, || {
            session.notifications().into_iter().find(|notification| {
                notification.id == seen.id
                    && (!notification.invoked_actions.is_empty() || notification.closed.is_some())
            })
        });
        let _ = sender.kill();
        let _ = sender.wait();
        acted_on.invoked_actions.join(" ")
    }

    #[test]
    fn each_server_with_buttons_draws_them_and_a_click_on_one_invokes_its_action() {
        for server in [
            NotificationServer::XfceNotifyd,
            NotificationServer::MateNotificationDaemon,
            NotificationServer::NotificationDaemon,
            NotificationServer::LxqtNotificationd,
        ] {
            let session = Session::builder()
                .notification_server(server)
                .without_tray()
                .start();
            assert_eq!(
                session.notification_server_information()[0],
                server.server_name()
            );
            let (sender, seen) = notify_with_actions(&session);
            let labels = server.drawn_buttons(&seen.actions);
            let expected: &[&str] = if server.draws_default_as_button() {
                &["Start", "Snooze", "Skip"]
            } else {
                &["Snooze", "Skip"]
            };
            assert_eq!(labels, expected, "{}", server.label());
            let (_, spots) = session.drawn_buttons(labels.len(), SHORT);
            assert!(
                spots.windows(2).all(|pair| pair[0].x < pair[1].x),
                "{}: {spots:?}",
                server.label()
            );
            session.click_notification_button(&seen, "Skip", SHORT);
            assert_eq!(
                invoked(&session, sender, &seen),
                "skip",
                "{}",
                server.label()
            );
        }
    }

    #[test]
    fn a_click_on_the_body_is_the_default_action_where_no_button_draws_it() {
        for server in [
            NotificationServer::MateNotificationDaemon,
            NotificationServer::NotificationDaemon,
            NotificationServer::DunstTest,
        ] {
            let session = Session::builder()
                .notification_server(server)
                .without_tray()
                .start();
            let (sender, seen) = notify_with_actions(&session);
            session.click_notification_body(MouseButton::Left, SHORT);
            assert_eq!(
                invoked(&session, sender, &seen),
                "default",
                "{}",
                server.label()
            );
        }
    }

    #[test]
    fn stock_dunst_closes_on_a_left_click_and_acts_on_a_middle_click() {
        let session = Session::builder()
            .notification_server(NotificationServer::DunstStock)
            .without_tray()
            .start();
        let (sender, seen) = notify_with_actions(&session);
        session.click_notification_body(MouseButton::Left, SHORT);
        assert_eq!(
            invoked(&session, sender, &seen),
            "",
            "a left click invokes nothing"
        );
        let closed = wait_until("the notification is closed", SHORT, || {
            session
                .notifications()
                .into_iter()
                .find(|notification| notification.id == seen.id)
                .and_then(|notification| notification.closed)
        });
        assert_eq!(closed.0, CloseReason::DismissedByUser);
        session.wait_until_nothing_drawn(SHORT);

        let (sender, seen) = notify_with_actions(&session);
        session.click_notification_body(MouseButton::Middle, SHORT);
        assert_eq!(invoked(&session, sender, &seen), "default");
    }

    #[test]
    fn the_server_without_actions_says_so_and_expires_what_it_was_asked_to_keep() {
        let session = Session::builder()
            .notification_server(NotificationServer::WithoutActions)
            .without_tray()
            .start();
        let capabilities = session
            .bus_call(
                crate::desktop::NOTIFICATIONS_NAME,
                "/org/freedesktop/Notifications",
                crate::desktop::NOTIFICATIONS_NAME,
                "GetCapabilities",
                "",
                &[],
            )
            .expect("the stand-in answers");
        assert_eq!(capabilities, [serde_json::json!(["body"])]);
        let (_sender, seen) = notify_with_actions(&session);
        assert!(session.drawn_notification_now().is_none());
        let closed = wait_until(
            "the stand-in expires the notification",
            crate::desktop::WITHOUT_ACTIONS_EXPIRY + SHORT,
            || {
                session
                    .notifications()
                    .into_iter()
                    .find(|notification| notification.id == seen.id)
                    .and_then(|notification| notification.closed)
            },
        );
        assert_eq!(closed.0, CloseReason::Expired);
    }
}
