//! The warm start, measured: breaks with a heads-up, whose stretch window the daemon starts hidden
//! when the heads-up appears, so Start only shows it. For each break: the time from the Start
//! action (dunst's `ActionInvoked` signal) to the first frame the window painted after it was shown
//! (its `painted` report, stamped by the window), and the memory the hidden window's process tree
//! holds while it waits, read just before Start. Timings are printed, never asserted; the run fails
//! only when a step never happened or a process was left behind.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use unhunch_tests::desktop::{Session, bin_path, command_line};

use crate::measure::{self, Memory};
use crate::runs::{self, UnhunchFigures};

/// A heads-up five seconds before each break, which comes a second after it: the hidden window has
/// five seconds to load (the default heads-up gives it thirty). The rest as in the back-to-back
/// run: a two-hour `natural_break` and no wait for a pause, so breaks come by the clock.
const WARM_SETTINGS: &str = "[breaks]\ninterval = \"6s\"\nheads_up = \"5s\"\n\
                             natural_break = \"2h\"\nwait_for_pause = \"0s\"\n";

/// What the warm run measured.
#[derive(Debug, Default)]
pub struct WarmFigures {
    /// Start → first frame painted after show, per break shown warm.
    pub start_to_paint: Vec<Duration>,
    /// The hidden window's process tree just before each Start.
    pub hidden_memory: Vec<Memory>,
    /// Breaks whose window was opened cold although a heads-up came (the prepared one was gone).
    pub cold_fallbacks: usize,
    pub breaks_taken: usize,
    /// Processes still there after the breaks and after quitting.
    pub leftovers: Vec<String>,
    pub problems: Vec<String>,
}

/// Runs the daemon in a fresh session with a heads-up before every break and takes `breaks` of
/// them, started from the notification as a user would, skipped with Escape in the window.
pub fn run_warm(breaks: usize, out_dir: &Path, figures: &mut WarmFigures) {
    let session = Session::start();
    let actions = session.monitor_bus(&[
        "type='signal',interface='org.freedesktop.Notifications',member='ActionInvoked'",
    ]);
    let config = session.config_dir().join("unhunch/config.toml");
    fs::create_dir_all(config.parent().expect("a folder")).expect("create the config folder");
    fs::write(&config, WARM_SETTINGS).expect("write the warm-start settings");
    let stderr = fs::File::create(out_dir.join("footprint-warm-daemon.stderr.log"))
        .expect("create the daemon's stderr log");
    let mut daemon = session
        .command(bin_path("unhunch"))
        .env("RUST_LOG", runs::DAEMON_LOG_FILTER)
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("start the daemon");
    let daemon_pid = daemon.id();
    let log_path = session.state_dir().join("unhunch/unhunch.log");
    let mut acted_on = Vec::new();
    let mut hidden_seen = Vec::new();
    for break_number in 1..=breaks {
        let hidden = runs::while_running(
            &mut daemon,
            &format!("break {break_number}'s heads-up starts the hidden window"),
            || {
                measure::process_tree(daemon_pid).into_iter().find(|pid| {
                    !hidden_seen.contains(pid) && command_line(*pid).contains("--hidden")
                })
            },
        );
        hidden_seen.push(hidden);
        let notification =
            runs::wait_for_start_notification(&session, &mut daemon, break_number, &acted_on);
        acted_on.push(notification.id);
        figures
            .hidden_memory
            .push(measure::memory_of(&measure::process_tree(hidden)));
        if !session.visible_windows_of(hidden).is_empty() {
            figures.problems.push(format!(
                "break {break_number}'s prepared window was on screen before Start"
            ));
        }
        let invoked = runs::start_from_dunst(
            &session,
            &mut daemon,
            break_number,
            notification.id,
            &actions,
        );
        let painted_at = runs::while_running(
            &mut daemon,
            &format!("break {break_number}'s window reports its first paint"),
            || {
                runs::painted_times(&log_path)
                    .into_iter()
                    .find(|painted| *painted >= invoked.at)
            },
        );
        let window_pid = runs::while_running(
            &mut daemon,
            &format!("break {break_number}'s window process runs"),
            || {
                measure::process_tree(daemon_pid)
                    .into_iter()
                    .find(|pid| command_line(*pid).contains("unhunch-window"))
            },
        );
        if window_pid == hidden {
            if let Ok(delay) = painted_at.duration_since(invoked.at) {
                figures.start_to_paint.push(delay);
            }
        } else {
            figures.cold_fallbacks += 1;
        }
        let window = runs::while_running(
            &mut daemon,
            &format!("break {break_number}'s window is on screen"),
            || session.visible_windows_of(window_pid).into_iter().next(),
        );
        let window_tree = measure::process_tree(window_pid);
        session.press_keys_in_window(&window, &["Escape"]);
        // Only this window's tree: the next heads-up may already have started the next one.
        runs::while_running(
            &mut daemon,
            &format!("break {break_number}'s window and its helpers exit"),
            || {
                let alive: Vec<u32> = window_tree
                    .iter()
                    .copied()
                    .filter(|pid| measure::is_alive(*pid))
                    .collect();
                alive.is_empty().then_some(()).ok_or(alive)
            },
        );
        figures.breaks_taken = break_number;
    }
    // Between breaks, only the next break's hidden window may run beside the daemon.
    let unexpected: Vec<String> = measure::process_tree(daemon_pid)
        .into_iter()
        .skip(1)
        .filter(|pid| !hidden_seen.contains(pid) && !is_helper_of_a_hidden_window(*pid, daemon_pid))
        .map(|pid| format!("after the warm breaks: {pid} {}", command_line(pid)))
        .collect();
    figures.leftovers.extend(unexpected);
    let mut quitting = UnhunchFigures::default();
    runs::quit(&session, &mut daemon, &mut quitting);
    figures.leftovers.extend(quitting.leftovers);
    figures.problems.extend(quitting.problems);
}

/// Whether `pid` was started by a hidden window the daemon runs (WebKit's helpers).
fn is_helper_of_a_hidden_window(pid: u32, daemon_pid: u32) -> bool {
    measure::process_tree(daemon_pid)
        .into_iter()
        .filter(|window| command_line(*window).contains("--hidden"))
        .any(|window| measure::process_tree(window).contains(&pid))
}

/// The warm start's section of the report.
pub fn render(figures: &WarmFigures) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "\n## Warm start (a heads-up before each break)\n");
    let _ = writeln!(text, "| figure | Unhunch | target |\n|---|---|---|");
    let mut paints = figures.start_to_paint.clone();
    paints.sort();
    let timing = match paints.last() {
        Some(max) => format!(
            "{} / {} / {}",
            milliseconds(paints[paints.len() / 2]),
            milliseconds(paints[(paints.len() * 95).div_ceil(100) - 1]),
            milliseconds(*max)
        ),
        None => "—".into(),
    };
    let _ = writeln!(
        text,
        "| Start → first paint after show, warm (median / p95 / max of {}; {} opened cold) | {timing} | ≤ 150 ms |",
        paints.len(),
        figures.cold_fallbacks
    );
    let largest = figures
        .hidden_memory
        .iter()
        .max_by_key(|memory| memory.pss_kib);
    let _ = writeln!(
        text,
        "| hidden window tree PSS while it waits (largest of {}) | {} |  |",
        figures.hidden_memory.len(),
        largest.map_or("—".into(), |memory| format!(
            "{:.1} MiB PSS, {:.1} MiB private, {} process(es)",
            memory.pss_kib as f64 / 1024.0,
            memory.private_kib as f64 / 1024.0,
            memory.processes
        ))
    );
    let _ = writeln!(
        text,
        "| leftover processes (warm run) | {} | 0 |",
        figures.leftovers.len()
    );
    text
}

fn milliseconds(duration: Duration) -> String {
    format!("{:.0} ms", duration.as_secs_f64() * 1000.0)
}
