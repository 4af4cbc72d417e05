//! Deferrals on a real X11 session: a window that openbox (stock config) makes full screen through
//! EWMH holds the break, the tray tooltip and menu and `unhunch status` say why, and the history
//! records it; taking the window out of full screen lets the break through. dunst's paused state
//! (`dunstctl set-paused`, stock dunstrc) holds the break the same way, and so does GNOME's
//! "show banners" switched off with `gsettings`, in a GNOME session (through a stand-in portal).
//! The camera has no desktop test: no video device can be made here (no v4l2loopback); its
//! detection is tested on a `/proc`-like fixture in the daemon's unit tests.

use unhunch_tests::desktop::{ExtraParts, NotificationServer, Session, WindowManager, wait_until};
use unhunch_tests::stand_ins::start_portal_settings;

use crate::daemon::{
    Daemon, PROMPTLY, count_records, daemon_tray_item, entries, history, menu, stdout, unhunch,
    wait_for_record, wait_for_state, wait_for_status, write_config,
};

/// Breaks every 10 s; no heads-up; typing and time away play no part (a fresh Xvfb's idle time
/// grows from its start: a `natural_break` of two hours keeps that from counting as time away,
/// and `wait_for_pause = "0s"` lets a break come whatever the input).
const CONFIG: &str = "[breaks]\ninterval = \"10s\"\nheads_up = \"0s\"\nnatural_break = \"2h\"\n\
                      wait_for_pause = \"0s\"\nmax_wait = \"30m\"\n";

/// How long a 10 s interval and a slow machine take to bring the break's time.
const BREAK_TIME: std::time::Duration = std::time::Duration::from_secs(45);

/// Waits until `unhunch status --json` says the break waits for `reason`.
fn wait_for_waiting(session: &Session, reason: &str) -> serde_json::Value {
    wait_for_status(
        session,
        &format!("status waiting = {reason}"),
        BREAK_TIME,
        |report| report["waiting"] == reason,
    )
}

#[test]
fn a_full_screen_window_holds_the_break_and_the_tray_says_why_until_it_leaves_full_screen() {
    let session = Session::start();
    let mut parts = ExtraParts::new();
    session.start_window_manager(&mut parts, WindowManager::Openbox);
    let window = session.start_focused_client(&mut parts);
    let wmctrl = |action: &str| {
        let output = session.run("wmctrl", &["-i", "-r", &window, "-b", action]);
        assert!(output.status.success(), "wmctrl -b {action}: {output:?}");
    };
    wmctrl("add,fullscreen");
    wait_until(
        "the window manager marks the window full screen",
        PROMPTLY,
        || {
            let output = session.run("xprop", &["-id", &window, "_NET_WM_STATE"]);
            let text = String::from_utf8_lossy(&output.stdout).into_owned();
            text.contains("_NET_WM_STATE_FULLSCREEN")
                .then_some(())
                .ok_or(text)
        },
    );

    let daemon = Daemon::start(&session, Some(CONFIG));
    let report = wait_for_waiting(&session, "full_screen");
    assert_eq!(report["state"], "working", "{report}");
    let record = wait_for_record(&session, "deferred", None);
    assert_eq!(record["reason"], "full_screen", "{record}");
    let text = stdout(&unhunch(&session, &["status"]));
    assert!(text.contains("Waiting: full-screen window"), "{text}");

    let item = daemon_tray_item(&session, &daemon);
    let tooltip = wait_until("the tooltip says why the break waits", PROMPTLY, || {
        let tooltip = session
            .tray_item_property(&item, "ToolTip")
            .map(|tooltip| tooltip.to_string())
            .unwrap_or_default();
        if tooltip.contains("Waiting: full-screen window") {
            Ok(tooltip)
        } else {
            Err(tooltip)
        }
    });
    assert!(tooltip.contains("Waiting: full-screen window"), "{tooltip}");
    let first = entries(&menu(&session, &item)).into_iter().next();
    assert_eq!(
        first,
        Some(("Waiting: full-screen window".to_owned(), true)),
        "the menu's first line"
    );

    wmctrl("remove,fullscreen");
    let report = wait_for_state(&session, "break_due", PROMPTLY);
    assert_eq!(report["waiting"], serde_json::Value::Null, "{report}");
    wait_for_record(&session, "due", Some(1));
}

#[test]
fn dunst_paused_holds_the_break_and_unpausing_lets_it_through() {
    let session = Session::builder()
        .notification_server(NotificationServer::DunstStock)
        .start();
    let dunstctl = |paused: &str| {
        let output = session.run("dunstctl", &["set-paused", paused]);
        assert!(
            output.status.success(),
            "dunstctl set-paused {paused}: {output:?}"
        );
    };
    dunstctl("true");
    let _daemon = Daemon::start(&session, Some(CONFIG));
    wait_for_waiting(&session, "do_not_disturb");
    let record = wait_for_record(&session, "deferred", None);
    assert_eq!(record["reason"], "do_not_disturb", "{record}");
    let text = stdout(&unhunch(&session, &["status"]));
    assert!(text.contains("Waiting: do not disturb"), "{text}");

    dunstctl("false");
    let report = wait_for_state(&session, "break_due", PROMPTLY);
    assert_eq!(report["waiting"], serde_json::Value::Null, "{report}");
}

#[test]
fn a_paused_dunst_that_quits_holds_the_break_no_longer() {
    let mut session = Session::builder()
        .notification_server(NotificationServer::DunstStock)
        .start();
    let output = session.run("dunstctl", &["set-paused", "true"]);
    assert!(output.status.success(), "{output:?}");
    let _daemon = Daemon::start(&session, Some(CONFIG));
    wait_for_waiting(&session, "do_not_disturb");
    // The server goes away (its pause with it), and a fresh one starts unpaused.
    session.stop_notifications();
    session.start_notifications();
    wait_for_record(&session, "due", Some(1));
}

#[test]
fn with_the_full_screen_check_off_a_full_screen_window_does_not_hold_the_break() {
    let session = Session::start();
    let mut parts = ExtraParts::new();
    session.start_window_manager(&mut parts, WindowManager::Openbox);
    let window = session.start_focused_client(&mut parts);
    let output = session.run("wmctrl", &["-i", "-r", &window, "-b", "add,fullscreen"]);
    assert!(output.status.success(), "{output:?}");
    let config = format!("{CONFIG}defer_for_fullscreen = false\n");
    let _daemon = Daemon::start(&session, Some(&config));
    wait_for_state(&session, "break_due", BREAK_TIME);
    let deferred: Vec<_> = crate::daemon::history(&session)
        .into_iter()
        .filter(|record| record["event"] == "deferred")
        .collect();
    assert!(deferred.is_empty(), "{deferred:?}");
}

/// A notification server that has only the freedesktop draft's `Inhibited` property (no Notify):
/// a stand-in, as no server Debian 12 ships has the property. Its do-not-disturb is switched with
/// a standard `org.freedesktop.DBus.Properties.Set` call, and announced with `PropertiesChanged`.
const INHIBITED_SERVER: &str = r#"
import dbus, dbus.service, dbus.mainloop.glib
from gi.repository import GLib

IFACE = "org.freedesktop.Notifications"

class Server(dbus.service.Object):
    inhibited = False

    @dbus.service.method(dbus.PROPERTIES_IFACE, in_signature="ss", out_signature="v")
    def Get(self, interface, name):
        if interface == IFACE and name == "Inhibited":
            return dbus.Boolean(self.inhibited)
        raise dbus.exceptions.DBusException("no such property", name="org.freedesktop.DBus.Error.UnknownProperty")

    @dbus.service.method(dbus.PROPERTIES_IFACE, in_signature="ssv")
    def Set(self, interface, name, value):
        self.inhibited = bool(value)
        self.PropertiesChanged(IFACE, {"Inhibited": dbus.Boolean(self.inhibited)}, [])

    @dbus.service.signal(dbus.PROPERTIES_IFACE, signature="sa{sv}as")
    def PropertiesChanged(self, interface, changed, invalidated):
        pass

dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
bus = dbus.SessionBus()
name = dbus.service.BusName(IFACE, bus)
Server(bus, "/org/freedesktop/Notifications")
GLib.MainLoop().run()
"#;

#[test]
fn a_servers_inhibited_property_holds_the_break_through_the_protocol() {
    let session = Session::builder().without_notifications().start();
    let mut parts = ExtraParts::new();
    let mut command = session.command("/usr/bin/python3");
    command.args(["-c", INHIBITED_SERVER]);
    session.start_extra_part(
        &mut parts,
        "inhibited-server",
        command,
        "the stand-in owns org.freedesktop.Notifications",
        |session, _| {
            session
                .name_has_owner("org.freedesktop.Notifications")
                .then_some(())
                .ok_or_else(|| "no owner".to_owned())
        },
    );
    let set_inhibited = |value: &str| {
        let output = session.run(
            "gdbus",
            &[
                "call",
                "--session",
                "--dest",
                "org.freedesktop.Notifications",
                "--object-path",
                "/org/freedesktop/Notifications",
                "--method",
                "org.freedesktop.DBus.Properties.Set",
                "org.freedesktop.Notifications",
                "Inhibited",
                value,
            ],
        );
        assert!(output.status.success(), "Set Inhibited {value}: {output:?}");
    };
    let _daemon = Daemon::start(&session, Some(CONFIG));
    // Switched on after the daemon started: heard as a signal, not read at the start.
    set_inhibited("<true>");
    wait_for_waiting(&session, "do_not_disturb");
    let record = wait_for_record(&session, "deferred", None);
    assert_eq!(record["reason"], "do_not_disturb", "{record}");
    set_inhibited("<false>");
    // The stand-in shows no notification, so the stretch window may follow; the break came.
    wait_for_record(&session, "due", Some(1));
}

/// Sets GNOME's "show banners" (`true` or `false`) as a user or GNOME's Settings panel does.
fn show_banners(session: &Session, shown: &str) {
    let output = session.run(
        "gsettings",
        &[
            "set",
            "org.gnome.desktop.notifications",
            "show-banners",
            shown,
        ],
    );
    assert!(output.status.success(), "gsettings set {shown}: {output:?}");
}

/// GNOME's "show banners" switched off (the key the Settings panel's "Do Not Disturb" sets) holds
/// the break in a GNOME session. The daemon reads it through the desktop portal; the portal is a
/// stand-in (Debian 12's xdg-desktop-portal-gtk answers "Requested setting not found" for GNOME's
/// notification settings), serving the session's real GSettings, switched with `gsettings set`
/// as a user or GNOME's panel does.
#[test]
fn gnome_banners_off_holds_the_break_in_a_gnome_session_and_on_lets_it_through() {
    let session = Session::start();
    let mut parts = ExtraParts::new();
    start_portal_settings(&session, &mut parts);
    write_config(&session, CONFIG);
    let _daemon = Daemon::spawn(&session, &[("XDG_CURRENT_DESKTOP", "ubuntu:GNOME")]);
    session.wait_for_name(crate::daemon::BUS_NAME, PROMPTLY);
    // Switched off after the daemon started: heard as the portal's signal, not read at the start.
    show_banners(&session, "false");
    let report = wait_for_waiting(&session, "do_not_disturb");
    assert_eq!(report["state"], "working", "{report}");
    let text = stdout(&unhunch(&session, &["status"]));
    assert!(text.contains("do not disturb"), "{text}");
    let record = wait_for_record(&session, "deferred", None);
    assert_eq!(record["reason"], "do_not_disturb", "{record}");
    show_banners(&session, "true");
    wait_for_record(&session, "due", Some(1));
}

/// Outside a GNOME session GNOME's setting silences nothing, so it holds nothing.
#[test]
fn gnome_banners_off_holds_nothing_outside_a_gnome_session() {
    let session = Session::start();
    let mut parts = ExtraParts::new();
    start_portal_settings(&session, &mut parts);
    show_banners(&session, "false");
    let _daemon = Daemon::start(&session, Some(CONFIG));
    wait_for_state(&session, "break_due", BREAK_TIME);
    assert_eq!(
        count_records(&session, "deferred"),
        0,
        "{:?}",
        history(&session)
    );
}
