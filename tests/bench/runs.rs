//! The measured runs: Unhunch's daemon idle, starting, and taking breaks back to back; a peer idle.
//! Each run gets its own fresh desktop session, set up the same way.

use std::fs;
use std::path::Path;
use std::process::{Child, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use unhunch_core::time::Timestamp;
use unhunch_tests::desktop::{
    BusMessage, BusMonitor, ExtraParts, Probe, Session, bin_path, command_line, wait_until,
};
use unhunch_tests::stand_ins::{Logind, start_portal_settings};

use crate::measure::{self, CpuUse, Memory, TreePeak, TreeSampler};

/// How long each part of a run lasts.
#[derive(Debug, Clone, Copy)]
pub struct Durations {
    /// From launch to the idle memory reading.
    pub settle: Duration,
    /// The idle CPU and wakeup measurement.
    pub idle: Duration,
    /// How many breaks to take back to back.
    pub breaks: usize,
}

/// A program's idle footprint.
#[derive(Debug, Clone, Copy)]
pub struct Idle {
    pub memory: Memory,
    pub cpu: CpuUse,
}

/// Everything measured on Unhunch. A figure is `None` when the run stopped before reaching it.
#[derive(Debug, Default)]
pub struct UnhunchFigures {
    pub start_to_tray: Option<Duration>,
    pub idle: Option<Idle>,
    pub click_to_paint: Vec<Duration>,
    /// The daemon's share of `click_to_paint`: from the action to starting the window process.
    pub click_to_window_start: Vec<Duration>,
    /// The window's process tree at its peak while the first break was walked through, every
    /// screen from the intro to the finish screen.
    pub walk_peak: Option<TreePeak>,
    /// How many screens that walk-through showed (intro, each step, finish).
    pub walked_screens: usize,
    pub daemon_after_first_break: Option<Memory>,
    pub daemon_after_all_breaks: Option<Memory>,
    pub breaks_taken: usize,
    /// Processes still there after the breaks and after quitting, with their command lines.
    pub leftovers: Vec<String>,
    /// Real errors: the daemon crashed, a process was left behind, a step never happened.
    pub problems: Vec<String>,
}

/// The D-Bus name the daemon owns while it runs.
const DAEMON_BUS_NAME: &str = "dev.unhunch.Unhunch";
/// The daemon's own news plus the window's reports (its `painted` line carries the paint time).
pub const DAEMON_LOG_FILTER: &str =
    "info,unhunch::window=debug,zbus=warn,ksni=warn,notify_rust=warn";
/// Breaks come one second apart, with no heads-up, so the breaks run back to back. They come by
/// the clock: the session has had no input through the idle measurement, which by the default
/// rules makes the user away (a break would wait for their return), and the clicks on the
/// notifications are typing a break would wait a pause for. A two-hour `natural_break` puts
/// "away" 40 minutes off, and `wait_for_pause = "0s"` turns the wait for a pause off; the idle
/// figures above are taken with every check on (`EVERY_CHECK_ON_SETTINGS`).
const BACK_TO_BACK_SETTINGS: &str = "[breaks]\ninterval = \"1s\"\nheads_up = \"0s\"\n\
                                     natural_break = \"2h\"\nwait_for_pause = \"0s\"\n";
const STEP_TIMEOUT: Duration = Duration::from_secs(30);
/// The idle figures are taken with every check on: the default settings (the X server's idle
/// source, the notification server's do-not-disturb, full-screen windows, the camera) plus
/// working hours that span the whole week, in a GNOME session (GNOME's banners followed through
/// the portal) with logind on the system bus (both stand-ins, as in the desktop tests).
const EVERY_CHECK_ON_SETTINGS: &str = "[schedule]\n\
                                       days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]\n\
                                       hours = [\"00:00-24:00\"]\n";

/// How long each screen of the walk-through stays up: long enough for its picture to load and be
/// drawn and for the pacer to run a while, as when a user reads the step.
const WALK_DWELL: Duration = Duration::from_millis(700);
/// How often the window's tree is read during the walk-through.
const SAMPLE_EVERY: Duration = Duration::from_millis(50);
/// More screens than any routine has: a walk-through that long is stuck.
const MOST_SCREENS: usize = 80;

/// What each process of the window's tree is, for the benchmark's table.
pub fn window_process_kind(command_line: &str) -> &'static str {
    let program = command_line.split_whitespace().next().unwrap_or("");
    if program.ends_with("WebKitWebProcess") {
        "WebKit web process"
    } else if program.ends_with("WebKitNetworkProcess") {
        "WebKit network process"
    } else if program.ends_with("unhunch-window") {
        "window (unhunch-window)"
    } else {
        "other"
    }
}

/// Walks the break on screen the way a user does with the keyboard: Enter on the intro starts it,
/// Enter on each step goes on, Enter on the finish screen is Done and closes the window. Each
/// screen stays up for [`WALK_DWELL`] (the benchmark's timeline, not synchronisation). Returns how
/// many screens were shown (each one is left with one Enter).
fn walk_through(session: &Session, daemon: &mut Child, window_pid: u32, window: &str) -> usize {
    let mut screens = 0;
    loop {
        thread::sleep(WALK_DWELL);
        if let Some(problem) = exited(daemon, "during the walk-through") {
            panic!("{problem}");
        }
        if !measure::is_alive(window_pid) {
            return screens;
        }
        assert!(
            screens <= MOST_SCREENS,
            "the walk-through was still going after {MOST_SCREENS} screens"
        );
        session.press_keys_in_window(window, &["Return"]);
        screens += 1;
    }
}

/// Runs the daemon in a fresh session: start-up, idle, then the breaks, then quit. Fills `figures`
/// as it goes, so what was measured before a failure is kept.
pub fn run_unhunch(durations: Durations, out_dir: &Path, figures: &mut UnhunchFigures) {
    let session = Session::start();
    let registrations = session.monitor_bus(&[
        "type='signal',interface='org.kde.StatusNotifierWatcher',member='StatusNotifierItemRegistered'",
    ]);
    let actions = session.monitor_bus(&[
        "type='signal',interface='org.freedesktop.Notifications',member='ActionInvoked'",
    ]);
    let stderr = fs::File::create(out_dir.join("footprint-daemon.stderr.log"))
        .expect("create the daemon's stderr log");
    let logind = Logind::start(&session);
    let mut parts = ExtraParts::new();
    start_portal_settings(&session, &mut parts);
    let config = session.config_dir().join("unhunch/config.toml");
    fs::create_dir_all(config.parent().expect("a folder")).expect("create the config folder");
    fs::write(&config, EVERY_CHECK_ON_SETTINGS).expect("write the every-check-on settings");
    let launched_at = SystemTime::now();
    let launched = Instant::now();
    let mut daemon = session
        .command(bin_path("unhunch"))
        .env("RUST_LOG", DAEMON_LOG_FILTER)
        .env("XDG_CURRENT_DESKTOP", "GNOME")
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("start the daemon");
    let daemon_pid = daemon.id();

    let registered = while_running(
        &mut daemon,
        "the daemon's tray item is registered with the watcher",
        || registrations.messages().into_iter().next(),
    );
    figures.start_to_tray = registered.at.duration_since(launched_at).ok();

    sleep_until(launched + durations.settle);
    if let Some(problem) = exited(&mut daemon, "while idle") {
        figures.problems.push(problem);
        return;
    }
    let idle_memory = measure::memory_of(&measure::process_tree(daemon_pid));
    let before = measure::cpu_snapshot(&measure::process_tree(daemon_pid));
    thread::sleep(durations.idle);
    let after = measure::cpu_snapshot(&measure::process_tree(daemon_pid));
    if let Some(problem) = exited(&mut daemon, "while idle") {
        figures.problems.push(problem);
        return;
    }
    figures.idle = Some(Idle {
        memory: idle_memory,
        cpu: measure::cpu_between(&before, &after),
    });

    session.wait_for_name(DAEMON_BUS_NAME, STEP_TIMEOUT);
    fs::write(&config, BACK_TO_BACK_SETTINGS).expect("write the back-to-back settings");
    let log_path = session.state_dir().join("unhunch/unhunch.log");
    let mut acted_on = Vec::new();
    for break_number in 1..=durations.breaks {
        if let Some(problem) = exited(&mut daemon, &format!("before break {break_number}")) {
            figures.problems.push(problem);
            break;
        }
        let notification =
            wait_for_start_notification(&session, &mut daemon, break_number, &acted_on);
        acted_on.push(notification.id);
        let invoked = start_from_dunst(
            &session,
            &mut daemon,
            break_number,
            notification.id,
            &actions,
        );
        let painted_at = while_running(
            &mut daemon,
            &format!("break {break_number}'s window reports its first paint"),
            || {
                painted_times(&log_path)
                    .into_iter()
                    .find(|painted| *painted >= invoked.at)
            },
        );
        if let Ok(delay) = painted_at.duration_since(invoked.at) {
            figures.click_to_paint.push(delay);
        }
        let window_started = log_times(&log_path, "stretch window for break", |line| {
            line.split_whitespace().next()
        })
        .into_iter()
        .find(|started| *started >= invoked.at && *started <= painted_at);
        if let Some(delay) = window_started.and_then(|at| at.duration_since(invoked.at).ok()) {
            figures.click_to_window_start.push(delay);
        }
        let window_pid = while_running(
            &mut daemon,
            &format!("break {break_number}'s window process runs"),
            || {
                measure::process_tree(daemon_pid)
                    .into_iter()
                    .find(|pid| command_line(*pid).contains("unhunch-window"))
            },
        );
        let window = while_running(
            &mut daemon,
            &format!("break {break_number}'s window is on screen"),
            || session.visible_windows_of(window_pid).into_iter().next(),
        );
        if break_number == 1 {
            session.screenshot(out_dir.join("footprint-window.png"));
            let sampler = TreeSampler::start(window_pid, SAMPLE_EVERY, window_process_kind);
            figures.walked_screens = walk_through(&session, &mut daemon, window_pid, &window);
            figures.walk_peak = Some(sampler.stop());
        } else {
            // Escape skips the break; the window reports that and closes itself.
            session.press_keys_in_window(&window, &["Escape"]);
        }
        while_running(
            &mut daemon,
            &format!("break {break_number}'s window and its helpers exit"),
            || {
                let tree = measure::process_tree(daemon_pid);
                (tree.len() <= 1).then_some(()).ok_or(tree)
            },
        );
        figures.breaks_taken = break_number;
        if break_number == 1 {
            thread::sleep(Duration::from_secs(1));
            figures.daemon_after_first_break = Some(measure::memory_of(&[daemon_pid]));
        }
    }
    if figures.breaks_taken == durations.breaks {
        thread::sleep(Duration::from_secs(2));
        figures.daemon_after_all_breaks = Some(measure::memory_of(&[daemon_pid]));
    }
    figures.leftovers.extend(
        measure::process_tree(daemon_pid)
            .into_iter()
            .skip(1)
            .map(|pid| format!("after the breaks: {pid} {}", command_line(pid))),
    );

    // The stand-in logind is the run's, not the daemon's: it goes first, so that what is left
    // after the quit is only what the daemon left.
    drop(logind);
    quit(&session, &mut daemon, figures);
}

/// Runs a peer in a fresh session and measures it idle like the daemon. `Err` says why it could not.
pub fn run_peer(program: &str, durations: Durations, out_dir: &Path) -> Result<Idle, String> {
    let session = Session::start();
    let log = fs::File::create(out_dir.join(format!("footprint-{program}.log")))
        .map_err(|error| format!("cannot create its log: {error}"))?;
    let launched = Instant::now();
    let mut peer = session
        .command(program)
        .stdout(log.try_clone().map_err(|error| error.to_string())?)
        .stderr(log)
        .spawn()
        .map_err(|error| format!("cannot start {program}: {error}"))?;
    let pid = peer.id();
    sleep_until(launched + durations.settle);
    if let Some(problem) = exited(&mut peer, "while settling") {
        return Err(problem);
    }
    let memory = measure::memory_of(&measure::process_tree(pid));
    let before = measure::cpu_snapshot(&measure::process_tree(pid));
    thread::sleep(durations.idle);
    let after = measure::cpu_snapshot(&measure::process_tree(pid));
    if let Some(problem) = exited(&mut peer, "while idle") {
        return Err(problem);
    }
    session.screenshot(out_dir.join(format!("footprint-{program}.png")));
    // Dropping the session ends the peer and everything it started.
    Ok(Idle {
        memory,
        cpu: measure::cpu_between(&before, &after),
    })
}

/// Asks the daemon to quit the way a user does, and checks nothing of it stays behind.
pub fn quit(session: &Session, daemon: &mut Child, figures: &mut UnhunchFigures) {
    let quit = session.run(&bin_path("unhunch").to_string_lossy(), &["quit"]);
    if !quit.status.success() {
        figures.problems.push(format!(
            "`unhunch quit` failed: {}",
            String::from_utf8_lossy(&quit.stderr).trim()
        ));
    }
    match wait_until(
        "the daemon exits after `unhunch quit`",
        STEP_TIMEOUT,
        || daemon.try_wait().ok().flatten(),
    ) {
        status if status.success() => {}
        status => figures.problems.push(format!(
            "the daemon exited with {status} after `unhunch quit`"
        )),
    }
    let left = unhunch_tests::desktop::try_wait_until(
        "every process of the run exits after the daemon quit",
        Duration::from_secs(5),
        || {
            let left = session.leftover_processes();
            if left.is_empty() { Ok(()) } else { Err(left) }
        },
    );
    if left.is_err() {
        figures.leftovers.extend(
            session
                .leftover_processes()
                .into_iter()
                .map(|process| format!("after quit: {} {}", process.pid, process.command_line)),
        );
    }
    if !figures.leftovers.is_empty() {
        figures.problems.push(format!(
            "processes left behind: {}",
            figures.leftovers.join("; ")
        ));
    }
}

/// Waits for break `break_number`'s notification with a Start action, one not acted on yet.
pub fn wait_for_start_notification(
    session: &Session,
    daemon: &mut Child,
    break_number: usize,
    acted_on: &[u32],
) -> unhunch_tests::desktop::SeenNotification {
    while_running(
        daemon,
        &format!("break {break_number}'s notification with a Start action is shown"),
        || {
            session.dunst_displayed().into_iter().find(|shown| {
                shown.app_name == "Unhunch"
                    && shown.actions.iter().any(|(key, _)| key == "default")
                    && !acted_on.contains(&shown.id)
            })
        },
    )
}

/// Chooses Start in dunst's action menu for notification `id` and returns the `ActionInvoked`
/// signal `actions` saw for it (its time is where the action → paint figures start).
pub fn start_from_dunst(
    session: &Session,
    daemon: &mut Child,
    break_number: usize,
    id: u32,
    actions: &BusMonitor,
) -> BusMessage {
    session.dunst_context_with_choice("Start");
    while_running(
        daemon,
        &format!("break {break_number}'s Start is invoked"),
        || {
            actions
                .messages()
                .into_iter()
                .find(|message| message.payload.first() == Some(&id.into()))
        },
    )
}

/// Waits until `probe` holds, failing at once, rather than at the deadline, if the daemon exits.
pub fn while_running<P: Probe>(
    daemon: &mut Child,
    description: &str,
    mut probe: impl FnMut() -> P,
) -> P::Ready {
    wait_until(description, STEP_TIMEOUT, || {
        if let Ok(Some(status)) = daemon.try_wait() {
            panic!("the daemon exited ({status}) while waiting until {description}");
        }
        probe()
    })
}

/// `Some(problem)` when the process has exited (it should still be running).
fn exited(process: &mut Child, when: &str) -> Option<String> {
    match process.try_wait() {
        Ok(Some(status)) => Some(format!("{} exited {when}: {status}", process.id())),
        Ok(None) => None,
        Err(error) => Some(format!("cannot check on {} {when}: {error}", process.id())),
    }
}

/// The paint times the daemon logged (`window painted ... painted_at=...`), oldest first.
pub fn painted_times(log_path: &Path) -> Vec<SystemTime> {
    log_times(log_path, "window painted", |line| {
        line.split_whitespace()
            .find_map(|field| field.strip_prefix("painted_at="))
    })
}

/// The times that `time_of` finds on the daemon's log lines containing `needle`, oldest first,
/// from the log and the one it rotated out.
fn log_times(
    log_path: &Path,
    needle: &str,
    time_of: impl Fn(&str) -> Option<&str>,
) -> Vec<SystemTime> {
    let rotated = log_path.with_extension("log.1");
    let mut times = Vec::new();
    for path in [rotated.as_path(), log_path] {
        let text = fs::read_to_string(path).unwrap_or_default();
        times.extend(
            text.lines()
                .filter(|line| line.contains(needle))
                .filter_map(|line| {
                    let millis = Timestamp::parse_rfc3339(time_of(line)?)?.unix_millis();
                    Some(
                        SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(millis).ok()?),
                    )
                }),
        );
    }
    times
}

/// Waits for a measurement point in time; these are the benchmark's timeline, not synchronisation.
fn sleep_until(moment: Instant) {
    if let Some(left) = moment.checked_duration_since(Instant::now()) {
        thread::sleep(left);
    }
}
