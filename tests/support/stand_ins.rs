//! Stand-ins for desktop services Debian 12 cannot run in a test session, each a short
//! python3-dbus program on the session's own buses: logind (the host's must never be touched) and
//! the desktop portal's settings (Debian 12's portal backend does not serve GNOME's notification
//! settings), each driven by words on its standard input.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};

use crate::desktop::{ExtraParts, Session};

/// logind's part, as the daemon sees it: the manager with `GetSessionByPID`, `GetSession` and
/// `PrepareForSleep`, and one session with `Lock`, `Unlock` and `LockedHint`. It reads `lock`,
/// `unlock`, `sleep` and `wake` on its standard input, and answers `done` once the signals are
/// out; the lock and the unlock also change `LockedHint`, as a screen locker does.
const STAND_IN: &str = r#"
import os, sys
import dbus, dbus.service, dbus.mainloop.glib
from gi.repository import GLib

dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
bus = dbus.bus.BusConnection(os.environ["DBUS_SYSTEM_BUS_ADDRESS"])
MANAGER = "org.freedesktop.login1.Manager"
SESSION = "org.freedesktop.login1.Session"
PROPERTIES = "org.freedesktop.DBus.Properties"
SESSION_PATH = "/org/freedesktop/login1/session/_31"

class Manager(dbus.service.Object):
    @dbus.service.method(MANAGER, in_signature="u", out_signature="o")
    def GetSessionByPID(self, pid):
        return dbus.ObjectPath(SESSION_PATH)

    @dbus.service.method(MANAGER, in_signature="s", out_signature="o")
    def GetSession(self, session_id):
        return dbus.ObjectPath(SESSION_PATH)

    @dbus.service.signal(MANAGER, signature="b")
    def PrepareForSleep(self, start):
        pass

class Session(dbus.service.Object):
    locked = False

    @dbus.service.signal(SESSION, signature="")
    def Lock(self):
        pass

    @dbus.service.signal(SESSION, signature="")
    def Unlock(self):
        pass

    @dbus.service.method(PROPERTIES, in_signature="ss", out_signature="v")
    def Get(self, interface, name):
        if interface == SESSION and name == "LockedHint":
            return dbus.Boolean(self.locked)
        raise dbus.exceptions.DBusException(
            "no such property", name="org.freedesktop.DBus.Error.UnknownProperty")

    @dbus.service.method(PROPERTIES, in_signature="s", out_signature="a{sv}")
    def GetAll(self, interface):
        return {"LockedHint": dbus.Boolean(self.locked)}

    @dbus.service.signal(PROPERTIES, signature="sa{sv}as")
    def PropertiesChanged(self, interface, changed, invalidated):
        pass

    def set_locked(self, locked):
        self.locked = locked
        if locked:
            self.Lock()
        else:
            self.Unlock()
        self.PropertiesChanged(SESSION, {"LockedHint": dbus.Boolean(locked)}, [])

manager = Manager(bus, "/org/freedesktop/login1")
session = Session(bus, SESSION_PATH)
name = dbus.service.BusName("org.freedesktop.login1", bus)

def command(source, condition):
    line = sys.stdin.readline()
    if not line:
        loop.quit()
        return False
    word = line.strip()
    if word == "lock":
        session.set_locked(True)
    elif word == "unlock":
        session.set_locked(False)
    elif word == "sleep":
        manager.PrepareForSleep(True)
    elif word == "wake":
        manager.PrepareForSleep(False)
    print("done", flush=True)
    return True

loop = GLib.MainLoop()
GLib.io_add_watch(sys.stdin, GLib.IO_IN | GLib.IO_HUP, command)
print("ready", flush=True)
loop.run()
"#;

/// The stand-in logind, running until dropped.
pub struct Logind {
    process: Child,
    commands: ChildStdin,
    answers: BufReader<ChildStdout>,
}

impl Logind {
    pub fn start(session: &Session) -> Logind {
        let mut process = session
            .command("/usr/bin/python3")
            .args(["-c", STAND_IN])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the stand-in logind (needs Debian's python3-dbus and python3-gi)");
        let commands = process.stdin.take().expect("its standard input");
        let answers = BufReader::new(process.stdout.take().expect("its standard output"));
        let mut logind = Logind {
            process,
            commands,
            answers,
        };
        logind.expect_line("ready");
        logind
    }

    /// Has the stand-in emit the signals of `word` (`lock`, `unlock`, `sleep`, `wake`).
    pub fn tell(&mut self, word: &str) {
        writeln!(self.commands, "{word}").expect("write to the stand-in logind");
        self.expect_line("done");
    }

    fn expect_line(&mut self, expected: &str) {
        let mut line = String::new();
        self.answers
            .read_line(&mut line)
            .expect("read from the stand-in logind");
        assert_eq!(line.trim(), expected, "the stand-in logind said {line:?}");
    }
}

impl Drop for Logind {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// The desktop portal's `org.freedesktop.portal.Settings` (version 1, as Debian 12's
/// xdg-desktop-portal 1.16 has it: `Read` answers the value wrapped in one more variant), serving
/// GNOME's `org.gnome.desktop.notifications` from the session's real GSettings (dconf, started on
/// demand on the session bus), and emitting `SettingChanged` when `gsettings set` changes a key.
const PORTAL_STAND_IN: &str = r#"
import dbus, dbus.service, dbus.mainloop.glib
from gi.repository import GLib, Gio

SETTINGS = "org.freedesktop.portal.Settings"
SCHEMA = "org.gnome.desktop.notifications"

dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
bus = dbus.SessionBus()
gsettings = Gio.Settings.new(SCHEMA)

def as_dbus(value, variant_level=0):
    if value.get_type_string() == "b":
        return dbus.Boolean(value.get_boolean(), variant_level=variant_level)
    return dbus.String(str(value.unpack()), variant_level=variant_level)

class Portal(dbus.service.Object):
    @dbus.service.method(SETTINGS, in_signature="ss", out_signature="v")
    def Read(self, namespace, key):
        if namespace != SCHEMA or not gsettings.props.settings_schema.has_key(key):
            raise dbus.exceptions.DBusException(
                "Requested setting not found", name="org.freedesktop.portal.Error.NotFound")
        # Version 1 of the portal wraps the value in one more variant.
        return as_dbus(gsettings.get_value(key), variant_level=2)

    @dbus.service.signal(SETTINGS, signature="ssv")
    def SettingChanged(self, namespace, key, value):
        pass

portal = Portal(bus, "/org/freedesktop/portal/desktop")
gsettings.connect("changed", lambda settings, key: portal.SettingChanged(
    SCHEMA, key, as_dbus(settings.get_value(key))))
gsettings.get_value("show-banners")
name = dbus.service.BusName("org.freedesktop.portal.Desktop", bus)
GLib.MainLoop().run()
"#;

/// Starts the stand-in portal in `session`, as one of `parts`, and waits until it owns
/// `org.freedesktop.portal.Desktop`.
pub fn start_portal_settings(session: &Session, parts: &mut ExtraParts) {
    let mut command = session.command("/usr/bin/python3");
    command.args(["-c", PORTAL_STAND_IN]);
    session.start_extra_part(
        parts,
        "portal-settings",
        command,
        "the stand-in portal owns org.freedesktop.portal.Desktop",
        |session, _| {
            session
                .name_has_owner("org.freedesktop.portal.Desktop")
                .then_some(())
                .ok_or_else(|| "no owner".to_owned())
        },
    );
}
