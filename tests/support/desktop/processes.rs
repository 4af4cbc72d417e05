//! The processes of a session: its own parts, each in its own process group, and the processes
//! that carry its marker; started, found through /proc, waited for and ended.

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use super::wait::scaled_timeout;
use super::{SESSION_MARKER_VARIABLE, START_TIMEOUT, Session, wait_until};

/// A process that carries a session's marker and does not belong to the session's own parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionProcess {
    pub pid: i32,
    pub command_line: String,
}

/// Waits up to `timeout` for process `pid` to be gone, or a zombie its parent has not reaped yet.
pub fn wait_for_exit(pid: u32, what: &str, timeout: Duration) {
    wait_until(&format!("{what} (pid {pid}) to exit"), timeout, || {
        process_state(pid).is_none_or(|state| state == 'Z')
    });
}

/// The command line of process `pid` (`/proc/PID/cmdline`), arguments joined by spaces; empty when
/// the process is gone.
pub fn command_line(pid: u32) -> String {
    fs::read(format!("/proc/{pid}/cmdline"))
        .map(|bytes| {
            String::from_utf8_lossy(&bytes)
                .split('\0')
                .filter(|argument| !argument.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

/// The parent of process `pid`, or `None` when it is gone.
pub fn parent_of(pid: i32) -> Option<u32> {
    stat_fields(pid)?.get(1)?.parse().ok()
}

impl Session {
    /// The processes that carry this session's marker, apart from the session's own parts: the
    /// programs under test and whatever they started. Empty once they have all exited.
    pub fn leftover_processes(&self) -> Vec<SessionProcess> {
        let own_groups = self.own_process_groups();
        marked_processes(&self.marker)
            .into_iter()
            .filter(|process| !own_groups.contains(&process.process_group))
            .map(|process| SessionProcess {
                pid: process.pid,
                command_line: process.command_line,
            })
            .collect()
    }

    /// Starts one of the session's own parts in its own process group, its stderr (and its stdout,
    /// unless the caller reads it) going to a log.
    pub(super) fn spawn_part(
        &self,
        name: impl Into<String>,
        mut command: Command,
        stdout: PartOutput,
    ) -> Background {
        let name = name.into();
        let log_path = self.log_dir().join(format!("{name}.log"));
        let log = fs::File::create(&log_path)
            .unwrap_or_else(|error| panic!("could not create {}: {error}", log_path.display()));
        match stdout {
            PartOutput::Log => {
                command.stdout(log.try_clone().expect("duplicate a log file handle"));
            }
            PartOutput::Piped => {
                command.stdout(Stdio::piped());
            }
        }
        command.stderr(log).process_group(0);
        spawn_background(name, log_path, command)
    }

    /// Waits until `ready` holds while `part` runs. `Err` holds the part's log when it exited first;
    /// panics when the part is still starting at the deadline.
    pub(super) fn wait_for_part<T, E: fmt::Debug>(
        &self,
        part: &mut Background,
        description: &str,
        mut ready: impl FnMut(&Session) -> Result<T, E>,
    ) -> Result<T, String> {
        wait_until(description, START_TIMEOUT, || {
            if let Ok(Some(status)) = part.child.try_wait() {
                let log = fs::read_to_string(&part.log_path).unwrap_or_default();
                return Ok(Err(format!("(exited with {status})\n{log}")));
            }
            ready(self).map(Ok)
        })
    }

    /// Ends the programs under test, then the session's own parts, then anything they left.
    pub(super) fn stop_everything(&mut self) {
        // The programs under test first, while the display and bus they use are still there, so
        // they can exit cleanly on SIGTERM.
        terminate_processes(&self.leftover_processes_pids());
        for part in [
            self.tray.take(),
            self.notification_monitor.take(),
            self.notification_server.take(),
            self.system_bus.take(),
            self.bus.take(),
            self.x_server.take(),
            self.wayland
                .as_mut()
                .and_then(|wayland| wayland.process.take()),
        ]
        .into_iter()
        .flatten()
        {
            part.stop();
        }
        // Anything a part started that outlived it, such as a dmenu script.
        let stragglers: Vec<i32> = marked_processes(&self.marker)
            .into_iter()
            .map(|p| p.pid)
            .collect();
        terminate_processes(&stragglers);
    }

    fn own_process_groups(&self) -> BTreeSet<i32> {
        let compositor = self
            .wayland
            .as_ref()
            .and_then(|wayland| wayland.process.as_ref());
        [
            &self.x_server,
            &self.bus,
            &self.system_bus,
            &self.notification_server,
            &self.notification_monitor,
            &self.tray,
        ]
        .into_iter()
        .flatten()
        .chain(compositor)
        .filter_map(Background::pid)
        .chain(
            self.monitor_groups
                .lock()
                .expect("monitor groups")
                .iter()
                .copied(),
        )
        .collect()
    }

    fn leftover_processes_pids(&self) -> Vec<i32> {
        self.leftover_processes()
            .into_iter()
            .map(|p| p.pid)
            .collect()
    }
}

/// How long a process gets to exit after SIGTERM before it is killed.
const TERMINATE_GRACE: Duration = Duration::from_secs(3);

/// Where a part's standard output goes.
pub(super) enum PartOutput {
    Log,
    Piped,
}

/// One of the session's own processes, in its own process group.
pub(super) struct Background {
    pub(super) name: String,
    pub(super) child: Child,
    /// Where its stderr (and its stdout, unless piped) goes.
    pub(super) log_path: PathBuf,
}

impl Background {
    pub(super) fn pid(&self) -> Option<i32> {
        i32::try_from(self.child.id()).ok()
    }

    /// SIGTERM to the whole process group, SIGKILL after the grace period, then reaps the child.
    pub(super) fn stop(mut self) {
        let Some(group) = self.pid().and_then(rustix::process::Pid::from_raw) else {
            return;
        };
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            // The leader is gone; its group may still hold children.
            let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
            return;
        }
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::TERM);
        // A part a test stopped (SIGSTOP) acts on SIGTERM only once it runs again.
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::CONT);
        let deadline = Instant::now() + TERMINATE_GRACE;
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
                return;
            }
            thread::sleep(Duration::from_millis(5));
        }
        eprintln!(
            "{} did not exit within {TERMINATE_GRACE:?} of SIGTERM; killing it",
            self.name
        );
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
        let _ = self.child.wait();
    }
}

fn spawn_background(name: String, log_path: PathBuf, mut command: Command) -> Background {
    let program = command.get_program().to_string_lossy().into_owned();
    let child = command.spawn().unwrap_or_else(|error| {
        panic!(
            "could not start {name} (`{program}`): {error}; the desktop tests need the Debian \
             packages xvfb, dbus-daemon, dunst, libnotify-bin, systemd (busctl), \
             haskell-gtk-sni-tray-utils and imagemagick"
        )
    });
    Background {
        name,
        child,
        log_path,
    }
}

/// Reads the first line a part prints on its piped stdout, within `timeout`.
pub(super) fn first_line(part: &mut Background, timeout: Duration) -> String {
    let mut stdout = part.child.stdout.take().expect("stdout is piped");
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let mut reader = BufReader::new(&mut stdout);
        let mut line = String::new();
        let _ = reader.read_line(&mut line);
        let _ = sender.send(line);
        // Keep draining, so the part never blocks on, or dies of, a closed pipe.
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    });
    let log = || fs::read_to_string(&part.log_path).unwrap_or_default();
    match receiver.recv_timeout(scaled_timeout(timeout)) {
        Ok(line) if !line.trim().is_empty() => line,
        Ok(_) => panic!(
            "{} exited before it was ready; its log:\n{}",
            part.name,
            log()
        ),
        Err(_) => panic!(
            "{} printed nothing within {timeout:?}; its log:\n{}",
            part.name,
            log()
        ),
    }
}

struct MarkedProcess {
    pid: i32,
    process_group: i32,
    command_line: String,
}

/// Every live process whose environment holds `UNHUNCH_TEST_SESSION=<marker>`.
fn marked_processes(marker: &str) -> Vec<MarkedProcess> {
    let wanted = format!("{SESSION_MARKER_VARIABLE}={marker}");
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(|pid| {
            // Zombies have an empty environment, so only live processes match.
            let environment = fs::read(format!("/proc/{pid}/environ")).ok()?;
            if !environment
                .split(|byte| *byte == 0)
                .any(|variable| variable == wanted.as_bytes())
            {
                return None;
            }
            let process_group = stat_fields(pid)?.get(2)?.parse().ok()?;
            let command_line = u32::try_from(pid).map(command_line).unwrap_or_default();
            Some(MarkedProcess {
                pid,
                process_group,
                command_line,
            })
        })
        .collect()
}

/// Ends what sessions of killed test runs left behind: a test binary stopped by SIGKILL (a CI
/// timeout) never runs its drops, so its processes and folders are found by name and marker here,
/// when a later run starts its first session. A session counts as abandoned when its test process
/// is gone.
pub(super) fn end_abandoned_sessions() {
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Some(marker) = name
            .to_str()
            .and_then(|name| name.strip_prefix("unhunch-test-"))
        else {
            continue;
        };
        let Some(test_pid) = marker
            .split('-')
            .next()
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let alive = i32::try_from(test_pid).is_ok_and(is_running);
        if test_pid == std::process::id() || alive {
            continue;
        }
        let pids: Vec<i32> = marked_processes(marker)
            .into_iter()
            .map(|process| process.pid)
            .collect();
        terminate_processes(&pids);
        let _ = fs::remove_dir_all(entry.path());
    }
}

/// SIGTERM to each process, then SIGKILL to those still alive after the grace period.
fn terminate_processes(pids: &[i32]) {
    let pids: Vec<rustix::process::Pid> = pids
        .iter()
        .filter_map(|pid| rustix::process::Pid::from_raw(*pid))
        .collect();
    if pids.is_empty() {
        return;
    }
    for pid in &pids {
        let _ = rustix::process::kill_process(*pid, rustix::process::Signal::TERM);
    }
    let still_running = |pid: &rustix::process::Pid| is_running(pid.as_raw_nonzero().get());
    let deadline = Instant::now() + TERMINATE_GRACE;
    while Instant::now() < deadline && pids.iter().any(still_running) {
        thread::sleep(Duration::from_millis(5));
    }
    for pid in pids.iter().filter(|pid| still_running(pid)) {
        let _ = rustix::process::kill_process(*pid, rustix::process::Signal::KILL);
    }
}

/// Whether `pid` is a live process (not gone, not a zombie waiting to be reaped).
pub(super) fn is_running(pid: i32) -> bool {
    process_state(pid).is_some_and(|state| state != 'Z' && state != 'X')
}

/// The state of process `pid` (`R`, `S`, `Z` for a zombie, ...), or `None` when it is gone.
fn process_state(pid: impl fmt::Display) -> Option<char> {
    stat_fields(pid)?.first()?.chars().next()
}

/// The fields of `/proc/PID/stat` that follow the command name, from the state on (the parent is
/// the second, the process group the third). The name is in parentheses and may hold spaces and
/// parentheses, so the fields start after its last `)`.
fn stat_fields(pid: impl fmt::Display) -> Option<Vec<String>> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = stat.get(stat.rfind(')')? + 2..)?;
    Some(after_name.split(' ').map(str::to_owned).collect())
}
