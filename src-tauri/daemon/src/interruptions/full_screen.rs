//! Whether the active window is full screen, on X11: the window manager names the active window
//! in the root's `_NET_ACTIVE_WINDOW` and marks a full-screen one with `_NET_WM_STATE_FULLSCREEN`
//! in its `_NET_WM_STATE` (EWMH). Both are followed through PropertyNotify events on the root and
//! on the active window, so nothing is polled: the thread sleeps in the X connection until one of
//! those properties changes.
//!
//! The connection lives on a thread of its own, as the idle source's does: x11rb's calls block.

use tracing::{debug, info};
use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::xproto::{
    Atom, AtomEnum, ChangeWindowAttributesAux, ConnectionExt as _, EventMask, Window,
};
use x11rb::rust_connection::RustConnection;

use crate::inbox::{Inbox, Message, Sign};

/// Starts the thread, unless the session is a Wayland one (Xwayland knows only X clients' windows)
/// or has no X display.
pub fn start(inbox: Inbox) -> Result<(), String> {
    if std::env::var_os("WAYLAND_DISPLAY").is_some() {
        return Err("a Wayland session: Xwayland knows only some of the windows".to_owned());
    }
    if std::env::var_os("DISPLAY").is_none_or(|display| display.is_empty()) {
        return Err("no X display (DISPLAY is not set)".to_owned());
    }
    std::thread::Builder::new()
        .name("x11-full-screen".to_owned())
        .spawn(move || {
            if let Err(why) = follow(&inbox) {
                info!("full-screen windows are no longer watched: {why}");
            }
        })
        .map_err(|error| format!("cannot start the thread: {error}"))?;
    Ok(())
}

struct Atoms {
    active_window: Atom,
    state: Atom,
    full_screen: Atom,
}

fn follow(inbox: &Inbox) -> Result<(), String> {
    let (connection, screen) = x11rb::connect(None)
        .map_err(|error| format!("cannot connect to the X display: {error}"))?;
    let lost = |error: &dyn std::fmt::Display| format!("the X display went away: {error}");
    let root = connection.setup().roots[screen].root;
    let atom = |name: &[u8]| -> Result<Atom, String> {
        Ok(connection
            .intern_atom(false, name)
            .map_err(|error| lost(&error))?
            .reply()
            .map_err(|error| lost(&error))?
            .atom)
    };
    let atoms = Atoms {
        active_window: atom(b"_NET_ACTIVE_WINDOW")?,
        state: atom(b"_NET_WM_STATE")?,
        full_screen: atom(b"_NET_WM_STATE_FULLSCREEN")?,
    };
    listen(&connection, root).map_err(|error| lost(&error))?;
    let mut active = active_window(&connection, root, &atoms);
    if let Some(window) = active {
        // A window that is already gone sends an error event, which is passed over below.
        let _ = listen(&connection, window);
    }
    let mut told = is_full_screen(&connection, active, &atoms);
    if !tell(inbox, told) {
        return Ok(());
    }
    loop {
        let event = connection.wait_for_event().map_err(|error| lost(&error))?;
        let Event::PropertyNotify(change) = event else {
            continue;
        };
        if change.window == root && change.atom == atoms.active_window {
            active = active_window(&connection, root, &atoms);
            if let Some(window) = active {
                let _ = listen(&connection, window);
            }
        } else if Some(change.window) != active || change.atom != atoms.state {
            continue;
        }
        let now = is_full_screen(&connection, active, &atoms);
        if now != told {
            debug!(
                "the active window is {}full screen",
                if now { "" } else { "not " }
            );
            told = now;
            if !tell(inbox, now) {
                return Ok(());
            }
        }
    }
}

/// Asks for the window's PropertyNotify events.
fn listen(
    connection: &RustConnection,
    window: Window,
) -> Result<(), x11rb::errors::ConnectionError> {
    let events = ChangeWindowAttributesAux::new().event_mask(EventMask::PROPERTY_CHANGE);
    connection.change_window_attributes(window, &events)?;
    connection.flush()
}

/// The window the window manager calls active; `None` when it names none (or no window manager
/// follows EWMH).
fn active_window(connection: &RustConnection, root: Window, atoms: &Atoms) -> Option<Window> {
    let reply = connection
        .get_property(false, root, atoms.active_window, AtomEnum::WINDOW, 0, 1)
        .ok()?
        .reply()
        .ok()?;
    reply
        .value32()
        .and_then(|mut values| values.next())
        .filter(|window| *window != x11rb::NONE)
}

fn is_full_screen(connection: &RustConnection, window: Option<Window>, atoms: &Atoms) -> bool {
    let Some(window) = window else {
        return false;
    };
    let Some(reply) = connection
        .get_property(false, window, atoms.state, AtomEnum::ATOM, 0, 64)
        .ok()
        .and_then(|cookie| cookie.reply().ok())
    else {
        return false;
    };
    reply
        .value32()
        .is_some_and(|mut states| states.any(|state| state == atoms.full_screen))
}

/// Tells the owner; false once it is gone.
fn tell(inbox: &Inbox, on: bool) -> bool {
    inbox
        .send(Message::InterruptionChanged {
            sign: Sign::FullScreen,
            on,
        })
        .is_ok()
}
