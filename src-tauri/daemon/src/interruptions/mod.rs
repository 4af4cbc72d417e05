//! What says the user must not be interrupted now: the notification server's do-not-disturb
//! (signals on the session bus), a full-screen active window on X11 (PropertyNotify events, never
//! polled), and a camera held open by another program (a look through `/proc`, taken only when
//! the owner asks: a moment before a break's time, and once a minute while a break waits for it).
//! One file per sign; each change reaches the owner as [`Message::InterruptionChanged`].

mod camera;
mod do_not_disturb;
mod full_screen;

use tracing::info;

use crate::inbox::{Inbox, Message, Sign};

/// Starts watching do-not-disturb and full screen. Neither watch costs a wake-up while nothing
/// changes; a session without the parts a watch needs simply has none (said once in the log).
pub fn start(bus: zbus::Connection, inbox: Inbox) {
    tokio::spawn(do_not_disturb::watch(bus, inbox.clone()));
    if let Err(why) = full_screen::start(inbox) {
        info!("full-screen windows are not watched: {why}");
    }
}

/// Looks, off the owner's runtime thread, whether another program has a camera open; the answer
/// comes back as [`Message::InterruptionChanged`].
pub fn check_camera(inbox: Inbox) {
    tokio::task::spawn_blocking(move || {
        let on = camera::in_use(std::path::Path::new("/proc"), std::process::id());
        let _ = inbox.send(Message::InterruptionChanged {
            sign: Sign::Camera,
            on,
        });
    });
}
