//! The desktop parts a test adds to a session beyond its own (a window manager, a panel, another
//! notification server, the accessibility bus), held by [`ExtraParts`] and ended before the session.

use std::collections::BTreeSet;
use std::process::Command;
use std::sync::{Arc, Mutex};

use super::Session;
use super::processes::{Background, PartOutput};

/// The session's set of its own process groups, which a part leaves when it stops.
type Groups = Arc<Mutex<BTreeSet<i32>>>;

/// The parts a test started in a session with [`Session::start_extra_part`]; dropping this ends
/// them, newest first. Keep it in a field declared before the [`Session`], so that it drops first.
#[derive(Default)]
pub struct ExtraParts {
    running: Vec<(Background, Groups)>,
}

impl ExtraParts {
    /// No parts yet.
    pub fn new() -> ExtraParts {
        ExtraParts::default()
    }

    /// Ends the part started under `name`, as when a user's panel or server goes away.
    pub fn stop(&mut self, name: &str) {
        if let Some(index) = self.running.iter().position(|(part, _)| part.name == name) {
            let (part, groups) = self.running.remove(index);
            stop_part(part, &groups);
        }
    }

    /// The pid of the part started under `name`, while it runs.
    pub fn pid(&self, name: &str) -> Option<i32> {
        self.running
            .iter()
            .find(|(part, _)| part.name == name)
            .and_then(|(part, _)| part.pid())
    }
}

impl Drop for ExtraParts {
    fn drop(&mut self) {
        while let Some((part, groups)) = self.running.pop() {
            stop_part(part, &groups);
        }
    }
}

fn stop_part(part: Background, groups: &Groups) {
    let group = part.pid();
    part.stop();
    if let Some(group) = group {
        groups.lock().expect("monitor groups").remove(&group);
    }
}

impl Session {
    /// Starts `command` as one more of the session's own parts (logged to `<name>.log`, not counted
    /// among [`Session::leftover_processes`]) and waits until `ready` holds. Panics with the part's
    /// log when it exits first. `ready` gets the session and the part's pid.
    pub fn start_extra_part<T>(
        &self,
        parts: &mut ExtraParts,
        name: &str,
        command: Command,
        ready_when: &str,
        mut ready: impl FnMut(&Session, u32) -> Result<T, String>,
    ) -> T {
        let mut part = self.spawn_part(name, command, PartOutput::Log);
        if let Some(group) = part.pid() {
            self.monitor_groups
                .lock()
                .expect("monitor groups")
                .insert(group);
        }
        let pid = part.child.id();
        let outcome = self.wait_for_part(&mut part, ready_when, |session| ready(session, pid));
        parts.running.push((part, Arc::clone(&self.monitor_groups)));
        outcome.unwrap_or_else(|log| panic!("{name} exited while starting: {log}"))
    }

    /// A command for `program` in this session that the accessibility bus can see (GTK's and Qt's
    /// AT-SPI bridges on), so a test can find where it drew a button, as a screen reader would.
    pub fn accessible_command(&self, program: &str) -> Command {
        let mut command = self.command(program);
        command
            .env_remove("NO_AT_BRIDGE")
            .env("QT_LINUX_ACCESSIBILITY_ALWAYS_ON", "1")
            .env("QT_ACCESSIBILITY", "1");
        command
    }

    /// Starts the accessibility bus (`at-spi-bus-launcher`), which desktops run for screen readers;
    /// the parts started with [`Session::accessible_command`] after it show their widgets there.
    pub fn start_accessibility_bus(&self, parts: &mut ExtraParts) {
        let mut command = self.command("/usr/libexec/at-spi-bus-launcher");
        command.arg("--launch-immediately");
        self.start_extra_part(
            parts,
            "at-spi-bus",
            command,
            "the accessibility bus is up",
            |session, _| {
                session
                    .name_has_owner("org.a11y.Bus")
                    .then_some(())
                    .ok_or_else(|| "org.a11y.Bus has no owner".to_owned())
            },
        );
    }
}
