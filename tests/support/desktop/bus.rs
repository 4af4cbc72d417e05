//! The session's D-Bus: its session and system bus daemons, calls and property reads through
//! `busctl --json=short`, and monitors that record the messages matching some rules.

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::processes::{Background, PartOutput, first_line};
use super::{START_TIMEOUT, Session, wait_until};

/// A D-Bus call or property read that failed, with the command that was run and what it said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusError {
    pub command: String,
    pub message: String,
}

/// Records the bus messages matching some rules while it lives (see [`Session::monitor_bus`]).
pub struct BusMonitor {
    process: Option<Background>,
    messages: Arc<Mutex<Vec<BusMessage>>>,
    monitor_groups: Arc<Mutex<BTreeSet<i32>>>,
}

/// One message seen on the bus, as `busctl monitor` reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct BusMessage {
    /// `"method_call"`, `"method_return"`, `"error"` or `"signal"`.
    pub kind: String,
    pub sender: String,
    pub destination: String,
    pub path: String,
    pub interface: String,
    pub member: String,
    /// The body's values as `busctl --json` prints them.
    pub payload: Vec<Value>,
    /// When the monitor received it from the bus.
    pub at: SystemTime,
}

impl Session {
    /// Whether `name` has an owner on the session bus.
    pub fn name_has_owner(&self, name: &str) -> bool {
        self.name_owner(name).is_some()
    }

    /// The unique name owning `name` on the session bus, if any.
    pub fn name_owner(&self, name: &str) -> Option<String> {
        let reply = self
            .bus_call(
                "org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus",
                "NameHasOwner",
                "s",
                &[name],
            )
            .unwrap_or_else(|error| panic!("the session bus does not answer: {error}"));
        if reply.first() != Some(&Value::Bool(true)) {
            return None;
        }
        // The owner can leave between the two calls; that reads as no owner.
        self.bus_call(
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus",
            "GetNameOwner",
            "s",
            &[name],
        )
        .ok()
        .and_then(|reply| reply.first().and_then(Value::as_str).map(str::to_owned))
    }

    /// Waits until `name` has an owner on the session bus and returns that owner's unique name.
    pub fn wait_for_name(&self, name: &str, timeout: Duration) -> String {
        wait_until(
            &format!("{name} is owned on the session bus"),
            timeout,
            || self.name_owner(name),
        )
    }

    /// Calls a D-Bus method and returns its reply's values as JSON (as `busctl --json` prints them).
    /// `signature` and `arguments` follow `busctl call`'s syntax, such as `"isvu"` with
    /// `["3", "clicked", "s", "", "0"]`.
    pub fn bus_call(
        &self,
        destination: &str,
        path: &str,
        interface: &str,
        method: &str,
        signature: &str,
        arguments: &[&str],
    ) -> Result<Vec<Value>, BusError> {
        let mut busctl_arguments = vec!["call", destination, path, interface, method];
        if !signature.is_empty() {
            busctl_arguments.push(signature);
            busctl_arguments.extend_from_slice(arguments);
        }
        match self.busctl(&busctl_arguments)? {
            Value::Null => Ok(Vec::new()),
            reply => match reply.get("data") {
                Some(Value::Array(values)) => Ok(values.clone()),
                _ => Err(BusError {
                    command: busctl_arguments.join(" "),
                    message: format!("unexpected reply {reply}"),
                }),
            },
        }
    }

    /// Reads a D-Bus property and returns its value as JSON (as `busctl --json` prints it).
    pub fn bus_property(
        &self,
        destination: &str,
        path: &str,
        interface: &str,
        property: &str,
    ) -> Result<Value, BusError> {
        let busctl_arguments = ["get-property", destination, path, interface, property];
        let reply = self.busctl(&busctl_arguments)?;
        reply.get("data").cloned().ok_or_else(|| BusError {
            command: busctl_arguments.join(" "),
            message: format!("unexpected reply {reply}"),
        })
    }

    /// Starts recording the bus messages that match any of `match_rules` (D-Bus match rules such
    /// as `"type='signal',interface='org.kde.StatusNotifierWatcher'"`), with the bus's timestamps.
    /// Recording has begun when this returns and stops when the monitor is dropped.
    pub fn monitor_bus(&self, match_rules: &[&str]) -> BusMonitor {
        static MONITORS_STARTED: AtomicU64 = AtomicU64::new(0);
        let number = MONITORS_STARTED.fetch_add(1, Ordering::Relaxed);
        let messages: Arc<Mutex<Vec<BusMessage>>> = Arc::default();
        let recorder = Arc::clone(&messages);
        let process = self.spawn_monitor(
            format!("bus-monitor-{number}"),
            match_rules,
            move |message| {
                recorder
                    .lock()
                    .expect("bus monitor messages")
                    .push(BusMessage::from_busctl(message));
            },
        );
        if let Some(group) = process.pid() {
            self.monitor_groups
                .lock()
                .expect("monitor groups")
                .insert(group);
        }
        BusMonitor {
            process: Some(process),
            messages,
            monitor_groups: Arc::clone(&self.monitor_groups),
        }
    }

    /// Starts the session bus and the stand-in for the system bus, each from its own config.
    pub(super) fn start_bus(&mut self) {
        let (bus, address) = self.start_bus_daemon("dbus", "dbus-session.conf");
        self.bus = Some(bus);
        self.bus_address = address;
        let (system_bus, system_address) = self.start_bus_daemon("dbus-system", "dbus-system.conf");
        self.system_bus = Some(system_bus);
        self.system_bus_address = system_address;
    }

    fn start_bus_daemon(&self, name: &'static str, config: &str) -> (Background, String) {
        let mut command = self.command("dbus-daemon");
        command
            .arg(format!(
                "--config-file={}",
                self.root.join(config).display()
            ))
            .args(["--nofork", "--nopidfile", "--print-address=1"]);
        let mut bus = self.spawn_part(name, command, PartOutput::Piped);
        let address = first_line(&mut bus, START_TIMEOUT);
        (bus, address.trim().to_owned())
    }

    /// Where the session bus puts its socket: the runtime folder, except in a Wayland session,
    /// where the compositor's user (for swaybar's tray) must reach it too.
    pub(super) fn bus_socket_dir(&self) -> PathBuf {
        if self.is_wayland() {
            self.root.join("session-bus")
        } else {
            self.runtime_dir()
        }
    }

    pub(super) fn write_bus_config(&self) {
        // The system's session.conf would let the bus start dunst (and the accessibility bus) on
        // demand from /usr/share/dbus-1/services; tests of "no notification server" need a bus that
        // starts nothing by itself. Only dconf, which every GNOME-like desktop has and GTK programs
        // write their settings through, may be started on demand. Otherwise this is session.conf's
        // policy.
        let services = self.root.join("dbus-services");
        // XFCE's settings daemon, xfconfd, is started the same way when xfce4-notifyd asks for
        // its settings, as on an XFCE desktop.
        for service in ["ca.desrt.dconf.service", "org.xfce.Xfconf.service"] {
            let file = Path::new("/usr/share/dbus-1/services").join(service);
            if file.is_file() {
                std::os::unix::fs::symlink(&file, services.join(service))
                    .unwrap_or_else(|error| panic!("could not offer {service}: {error}"));
            }
        }
        // In a Wayland session the compositor runs as another user, whose bar (swaybar) is the
        // tray: the session bus lets that user connect as well.
        let other_user = if self.is_wayland() {
            "\n    <allow user=\"*\"/>"
        } else {
            ""
        };
        for (file, kind, socket_dir, services) in [
            (
                "dbus-session.conf",
                "session",
                self.bus_socket_dir(),
                services,
            ),
            (
                "dbus-system.conf",
                "system",
                self.root.join("system-bus"),
                self.root.join("system-bus-services"),
            ),
        ] {
            let config = format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>{kind}</type>
  <keep_umask/>
  <listen>unix:dir={socket_dir}</listen>
  <auth>EXTERNAL</auth>
  <servicedir>{services}</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>{other_user}
  </policy>
  <limit name="reply_timeout">60000</limit>
</busconfig>
"#,
                socket_dir = socket_dir.display(),
                services = services.display(),
            );
            fs::write(self.root.join(file), config).expect("write a bus config");
        }
    }

    fn busctl(&self, arguments: &[&str]) -> Result<Value, BusError> {
        let output = self
            .busctl_on_session_bus()
            .args([
                "--json=short",
                "--timeout=10",
                "--auto-start=no",
                // Arguments such as -1 are values, not options.
                "--",
            ])
            .args(arguments)
            .output()
            .unwrap_or_else(|error| panic!("could not run `busctl` (systemd): {error}"));
        let command = format!("busctl {}", arguments.join(" "));
        if !output.status.success() {
            return Err(BusError {
                command,
                message: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            });
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        if stdout.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&stdout).map_err(|error| BusError {
            command,
            message: format!("unreadable reply {stdout:?}: {error}"),
        })
    }

    /// Starts `busctl monitor` with `match_rules`, handing each message to `on_message` on a reader
    /// thread. Returns once the bus has made it a monitor, so no later message is missed.
    pub(super) fn spawn_monitor(
        &self,
        name: String,
        match_rules: &[&str],
        mut on_message: impl FnMut(&Value) + Send + 'static,
    ) -> Background {
        let mut command = self.busctl_on_session_bus();
        command.args(["monitor", "--json=short"]);
        for rule in match_rules {
            command.args(["--match", rule]);
        }
        let mut monitor = self.spawn_part(name, command, PartOutput::Piped);
        let stdout = monitor
            .child
            .stdout
            .take()
            .expect("the monitor's stdout is piped");
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Ok(message) = serde_json::from_str::<Value>(&line) {
                    on_message(&message);
                }
            }
        });
        // busctl says so on stderr once the bus has made it a monitor; messages before that are lost.
        wait_until(
            "a bus monitor is attached to the bus",
            START_TIMEOUT,
            || {
                let text = fs::read_to_string(&monitor.log_path).unwrap_or_default();
                if let Ok(Some(status)) = monitor.child.try_wait() {
                    panic!("the bus monitor (busctl monitor) exited with {status}: {text}");
                }
                text.contains("Monitoring bus message stream")
                    .then_some(())
                    .ok_or(text)
            },
        );
        monitor
    }

    /// `busctl` talking to this session's bus, whatever it is asked next.
    fn busctl_on_session_bus(&self) -> Command {
        let mut command = self.command("busctl");
        command.arg(format!("--address={}", self.bus_address));
        command
    }
}

impl BusMonitor {
    /// Every message recorded so far, oldest first.
    pub fn messages(&self) -> Vec<BusMessage> {
        self.messages.lock().expect("bus monitor messages").clone()
    }

    /// Waits for the first recorded message (earlier ones included) that `matches` accepts.
    pub fn wait_for(
        &self,
        description: &str,
        timeout: Duration,
        mut matches: impl FnMut(&BusMessage) -> bool,
    ) -> BusMessage {
        wait_until(description, timeout, || {
            let messages = self.messages.lock().expect("bus monitor messages");
            match messages.iter().find(|message| matches(message)) {
                Some(message) => Ok(message.clone()),
                None => Err(format!("{} other messages", messages.len())),
            }
        })
    }
}

impl Drop for BusMonitor {
    fn drop(&mut self) {
        if let Some(process) = self.process.take() {
            let group = process.pid();
            process.stop();
            if let Some(group) = group {
                self.monitor_groups
                    .lock()
                    .expect("monitor groups")
                    .remove(&group);
            }
        }
    }
}

impl BusMessage {
    /// Reads one message as `busctl monitor --json=short` prints it.
    pub(super) fn from_busctl(message: &Value) -> BusMessage {
        let text = |name: &str| {
            message
                .get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let micros = message
            .get("timestamp-realtime")
            .and_then(Value::as_u64)
            .unwrap_or_default();
        BusMessage {
            kind: text("type"),
            sender: text("sender"),
            destination: text("destination"),
            path: text("path"),
            interface: text("interface"),
            member: text("member"),
            payload: message
                .get("payload")
                .and_then(|payload| payload.get("data"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            at: SystemTime::UNIX_EPOCH + Duration::from_micros(micros),
        }
    }
}

impl fmt::Display for BusError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "`{}` failed: {}", self.command, self.message)
    }
}

impl std::error::Error for BusError {}

#[cfg(test)]
mod tests {
    //! The session's buses answer, and a service the bus starts on demand belongs to the session.

    use super::*;
    use crate::desktop::processes::is_running;

    #[test]
    fn the_system_bus_answers_and_dconf_started_on_demand_belongs_to_the_session() {
        let session = Session::builder()
            .without_notifications()
            .without_tray()
            .start();
        let system = session.run(
            "dbus-send",
            &[
                "--system",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/",
                "org.freedesktop.DBus.GetId",
            ],
        );
        assert!(
            system.status.success(),
            "the private system bus does not answer: {}",
            String::from_utf8_lossy(&system.stderr)
        );
        if !Path::new("/usr/share/dbus-1/services/ca.desrt.dconf.service").is_file() {
            return;
        }
        let ping = session.run(
            "dbus-send",
            &[
                "--session",
                "--print-reply",
                "--dest=ca.desrt.dconf",
                "/ca/desrt/dconf/Writer/user",
                "org.freedesktop.DBus.Peer.Ping",
            ],
        );
        assert!(
            ping.status.success(),
            "dconf was not started on demand: {}",
            String::from_utf8_lossy(&ping.stderr)
        );
        let dconf_pid = session
            .name_owner("ca.desrt.dconf")
            .and_then(|owner| {
                session
                    .bus_call(
                        "org.freedesktop.DBus",
                        "/org/freedesktop/DBus",
                        "org.freedesktop.DBus",
                        "GetConnectionUnixProcessID",
                        "s",
                        &[&owner],
                    )
                    .ok()
            })
            .and_then(|reply| reply.first().and_then(Value::as_i64))
            .expect("dconf owns its name and has a pid");
        assert_eq!(
            session.leftover_processes(),
            [],
            "dconf is part of the desktop"
        );
        drop(session);
        assert!(
            !is_running(i32::try_from(dconf_pid).expect("a pid")),
            "dconf outlived the session"
        );
    }
}
