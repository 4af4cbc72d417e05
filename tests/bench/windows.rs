//! The settings and history windows' memory while each is open: each window starts in a fresh
//! desktop session as the daemon starts it, and its process tree (the window, WebKit's web and
//! network processes) is read once its page has painted, then every 50 ms while a user pages
//! through it with the keyboard (down to the Stretches list in the settings window, through every
//! chart in the history window). Printed as a table of the footprint report; never asserted.

use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, SystemTime};

use unhunch_core::settings::EXAMPLE_CONFIG;
use unhunch_core::time::Timestamp;
use unhunch_tests::desktop::{Session, bin_path, try_wait_until};

use crate::measure::{TreePeak, TreeSampler};
use crate::runs::window_process_kind;

/// How long each screen stays up while the window is paged through (the benchmark's timeline,
/// not synchronisation), as long as a screen of the stretch window's walk-through.
const DWELL: Duration = Duration::from_millis(700);
/// Page Down presses: enough to reach the end of either page at its opening size.
const PAGES: usize = 8;
const SAMPLE_EVERY: Duration = Duration::from_millis(50);
const OPENS_WITHIN: Duration = Duration::from_secs(30);
/// A month of history for the history window: what a user has after a few weeks of breaks (the
/// five-year file is measured on its own, in `history_window.rs`).
const HISTORY_LINES: usize = 30 * 30;

/// One window's memory while it is open.
#[derive(Debug, Clone)]
pub struct OpenWindow {
    /// One reading of the tree just after the page painted.
    pub painted: TreePeak,
    /// The peaks while it was paged through.
    pub paged: TreePeak,
}

#[derive(Debug)]
pub struct WindowsFigures {
    pub settings: Result<OpenWindow, String>,
    pub history: Result<OpenWindow, String>,
}

/// Measures both windows, each in a session of its own.
pub fn run_windows(out_dir: &Path) -> WindowsFigures {
    WindowsFigures {
        settings: catching_panics(|| run_settings(out_dir)),
        history: catching_panics(|| run_history(out_dir)),
    }
}

/// The problems of a run, for the report's errors.
pub fn problems(figures: &WindowsFigures) -> Vec<String> {
    [
        ("settings", &figures.settings),
        ("history", &figures.history),
    ]
    .into_iter()
    .filter_map(|(name, result)| {
        result
            .as_ref()
            .err()
            .map(|problem| format!("the {name} window run: {problem}"))
    })
    .collect()
}

/// The report's section on both windows.
pub fn render(figures: &WindowsFigures) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "\n## The settings and history windows' memory while open\n\nEach window started alone in \
         a fresh session as the daemon starts it (the settings window on the example config and \
         the built-in routines, the history window on a month of history, {HISTORY_LINES} lines), \
         its process tree read from `smaps_rollup` once its page painted, then every {} ms while \
         Page Down went through it {PAGES} times, {:.1} s a screen (to the Stretches list in the \
         settings window, through every chart in the history window). Each process's row is its \
         own peak; the total is the largest sum at one reading.\n",
        SAMPLE_EVERY.as_millis(),
        DWELL.as_secs_f64()
    );
    let _ = writeln!(
        text,
        "| window | process | PSS when painted | peak PSS while paged through | private at that peak |\n|---|---|---|---|---|"
    );
    for (name, result) in [
        ("settings", &figures.settings),
        ("history", &figures.history),
    ] {
        match result {
            Ok(open) => render_window(&mut text, name, open),
            Err(problem) => {
                let _ = writeln!(text, "| {name} | not measured: {problem} | — | — | — |");
            }
        }
    }
    text
}

fn render_window(text: &mut String, name: &str, open: &OpenWindow) {
    let painted_of = |kind: &str| {
        open.painted
            .by_kind
            .iter()
            .find(|(seen, _)| *seen == kind)
            .map_or("—".to_owned(), |(_, memory)| mib(memory.pss_kib))
    };
    for (kind, memory) in &open.paged.by_kind {
        let _ = writeln!(
            text,
            "| {name} | {kind} | {} | {} | {} |",
            painted_of(kind),
            mib(memory.pss_kib),
            mib(memory.private_kib)
        );
    }
    if let Some(total) = open.paged.total {
        let painted_total = open
            .painted
            .total
            .map_or("—".to_owned(), |memory| mib(memory.pss_kib));
        let _ = writeln!(
            text,
            "| {name} | whole tree ({} processes) | {painted_total} | {} | {} |",
            total.processes,
            mib(total.pss_kib),
            mib(total.private_kib)
        );
    }
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// The settings window on the example config, paged down to its Stretches list.
fn run_settings(out_dir: &Path) -> Result<OpenWindow, String> {
    let session = Session::start();
    let config = session.config_dir().join("unhunch").join("config.toml");
    fs::create_dir_all(config.parent().expect("a folder")).map_err(|error| error.to_string())?;
    fs::write(&config, EXAMPLE_CONFIG).map_err(|error| error.to_string())?;
    let routines = session.data_dir().join("unhunch").join("routines");
    let mut command = Command::new(bin_path("unhunch-window"));
    command
        .args(["--page", "settings", "--config"])
        .arg(&config)
        .arg("--routines")
        .arg(&routines);
    let window = start(&session, command)?;
    // The settings page says nothing when it has painted: its window's pixels do.
    let measured = measure_open(&session, &window, |window_id| {
        try_wait_until("the settings page to paint", OPENS_WITHIN, || {
            (colours_in(&session, window_id) > 16).then_some(())
        })
        .map_err(|timed_out| timed_out.to_string())
    });
    finish(
        window,
        &session,
        out_dir,
        "footprint-settings-window.png",
        measured,
    )
}

/// The history window on a month of history, paged through its charts.
fn run_history(out_dir: &Path) -> Result<OpenWindow, String> {
    let session = Session::start();
    let now = Timestamp::from_system_time(SystemTime::now());
    let five_years = crate::history_window::five_years_of_history(now);
    let lines: Vec<&str> = five_years.lines().collect();
    let month = lines[lines.len().saturating_sub(HISTORY_LINES)..].join("\n") + "\n";
    let history_file = session.home().join("history.jsonl");
    fs::write(&history_file, month).map_err(|error| error.to_string())?;
    let mut window = start_history(&session, &history_file)?;
    let stdout = window.stdout.take().expect("a piped stdout");
    // The history page prints `history_drawn` once its charts are drawn.
    let drawn = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .any(|line| line.starts_with("{\"history_drawn\":"));
    let measured = if drawn {
        measure_open(&session, &window, |_| Ok(()))
    } else {
        Err("the window ended before it drew its charts".to_owned())
    };
    finish(
        window,
        &session,
        out_dir,
        "footprint-history-window-open.png",
        measured,
    )
}

/// What the daemon sets in every window's environment (`window_command` in the daemon's
/// effects/window.rs): no network monitor, frames in plain memory, no JavaScript JIT, no system
/// bus.
const DAEMON_WINDOW_ENV: [(&str, &str); 4] = [
    ("GIO_USE_NETWORK_MONITOR", "base"),
    ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
    ("JSC_useJIT", "0"),
    ("DBUS_SYSTEM_BUS_ADDRESS", "disabled:"),
];

/// Starts the history window on `history_file` as the daemon does.
pub fn start_history(session: &Session, history_file: &Path) -> Result<Child, String> {
    let mut command = Command::new(bin_path("unhunch-window"));
    command
        .args(["--page", "history", "--from-daemon", "--history-file"])
        .arg(history_file)
        .arg("--export-to")
        .arg(session.home().join("unhunch-history.csv"));
    start(session, command)
}

/// Starts `command` in `session` with its stdin a pipe and the environment the daemon gives a
/// window (stdin's end closes the window).
pub fn start(session: &Session, mut command: Command) -> Result<Child, String> {
    command
        .envs(session.env())
        .envs(DAEMON_WINDOW_ENV)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| format!("cannot start unhunch-window: {error}"))
}

/// Waits for the window on screen and for `painted`, reads the tree once, then samples it while
/// Page Down goes through the page.
fn measure_open(
    session: &Session,
    window: &Child,
    painted: impl FnOnce(&str) -> Result<(), String>,
) -> Result<OpenWindow, String> {
    let pid = window.id();
    let window_id = try_wait_until("the window to be on screen", OPENS_WITHIN, || {
        session.visible_windows_of(pid).into_iter().next()
    })
    .map_err(|timed_out| timed_out.to_string())?;
    painted(&window_id)?;
    let painted = TreeSampler::start(pid, SAMPLE_EVERY, window_process_kind).stop();
    let sampler = TreeSampler::start(pid, SAMPLE_EVERY, window_process_kind);
    for _ in 0..PAGES {
        session.press_keys_in_window(&window_id, &["Next"]);
        thread::sleep(DWELL);
    }
    let paged = sampler.stop();
    Ok(OpenWindow { painted, paged })
}

/// Takes the screenshot, then ends the window as the daemon going away would (the end of its
/// stdin) and waits for it.
fn finish(
    mut window: Child,
    session: &Session,
    out_dir: &Path,
    screenshot: &str,
    measured: Result<OpenWindow, String>,
) -> Result<OpenWindow, String> {
    if measured.is_ok() {
        session.screenshot(out_dir.join(screenshot));
    }
    drop(window.stdin.take());
    let _ = window.wait();
    measured
}

/// How many colours X window `window_id` shows now (ImageMagick's `%k`): a window whose page has
/// not painted is one flat colour.
fn colours_in(session: &Session, window_id: &str) -> usize {
    let output = session
        .command("sh")
        .args([
            "-c",
            "import -window \"$1\" png:- | convert png:- -format %k info:",
            "sh",
            window_id,
        ])
        .stderr(Stdio::null())
        .output();
    output
        .ok()
        .and_then(|output| String::from_utf8_lossy(&output.stdout).trim().parse().ok())
        .unwrap_or(0)
}

fn catching_panics(run: impl FnOnce() -> Result<OpenWindow, String>) -> Result<OpenWindow, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_else(|panic| {
        Err(panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|text| (*text).to_owned()))
            .unwrap_or_else(|| "a panic".into()))
    })
}
