//! Footprint benchmark: measures the daemon and window against the peers and prints a table.
//!
//! A user keeps Unhunch running all day, so what it costs while nothing happens matters most. Each
//! program runs alone in a fresh desktop session (Xvfb, private session bus, dunst, SNI tray, fresh
//! HOME) and is measured from /proc the same way: PSS and private memory of its whole process tree,
//! CPU time and voluntary context switches (wakeups) of all its threads. Then Unhunch takes breaks
//! back to back on the cold path (a new window process each): action → first paint for each, the
//! window tree's peak memory over a walk-through of the first, and the daemon before and after.
//! The settings and history windows' trees are read while each is open and paged through
//! (`windows.rs`).
//!
//! `footprint` runs everything (about ten minutes) and writes `tests/out/footprint.md`;
//! `footprint --smoke` is the short run CI does (no peers, 3 breaks), writing
//! `tests/out/footprint-smoke.md`. Timings are printed, never asserted; the run fails only on real
//! errors: the daemon crashed, a step never happened, or a process was left behind.

mod history_window;
mod measure;
mod runs;
mod warm;
mod windows;

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use measure::Memory;
use runs::{Durations, Idle, UnhunchFigures};
use unhunch_tests::desktop::find_bin;

fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("footprint: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if options.help {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("out");
    if let Err(error) = fs::create_dir_all(&out_dir) {
        eprintln!("footprint: cannot create {}: {error}", out_dir.display());
        return ExitCode::FAILURE;
    }

    eprintln!(
        "footprint: measuring Unhunch ({} s idle, {} breaks)…",
        options.durations.settle.as_secs() + options.durations.idle.as_secs(),
        options.durations.breaks
    );
    let mut unhunch = UnhunchFigures::default();
    if options.history_window_only {
        eprintln!("footprint: --history-window-only: the history window alone");
    } else if let Err(problem) = run_catching_panics("the Unhunch run", || {
        runs::run_unhunch(options.durations, &out_dir, &mut unhunch)
    }) {
        unhunch.problems.push(problem);
    }
    let mut warm_start = warm::WarmFigures::default();
    if !options.history_window_only {
        eprintln!(
            "footprint: measuring the warm start ({} breaks with a heads-up)…",
            options.durations.breaks
        );
        if let Err(problem) = run_catching_panics("the warm-start run", || {
            warm::run_warm(options.durations.breaks, &out_dir, &mut warm_start)
        }) {
            warm_start.problems.push(problem);
        }
    }
    if !warm_start.leftovers.is_empty() {
        warm_start.problems.push(format!(
            "processes left behind by the warm run: {}",
            warm_start.leftovers.join("; ")
        ));
    }
    unhunch.problems.append(&mut warm_start.problems);
    let mut peers = Vec::new();
    if options.with_peers && !options.history_window_only {
        for peer in &PEERS {
            eprintln!("footprint: measuring {}…", peer.name);
            let figures = if is_installed(peer.program) {
                run_catching_panics(peer.name, || {
                    runs::run_peer(peer.program, options.durations, &out_dir)
                })
                .and_then(|result| result)
            } else {
                Err(format!(
                    "not installed: `make bench-deps` installs Debian's `{}`",
                    peer.package
                ))
            };
            peers.push((peer, figures));
        }
    }

    eprintln!("footprint: measuring the history window on 5 years of history…");
    let history_window = run_catching_panics("the history window run", || {
        history_window::run_history_window(&out_dir)
    })
    .and_then(|result| result);
    eprintln!("footprint: measuring the settings and history windows while open…");
    let open_windows = windows::run_windows(&out_dir);
    unhunch.problems.extend(windows::problems(&open_windows));
    let mut report = render(&options, &unhunch, &peers);
    report.push_str(&history_window::report_line(&history_window));
    report.push_str(&windows::render(&open_windows));
    report.push_str(&warm::render(&warm_start));
    println!("{report}");
    let report_path = out_dir.join(if options.smoke {
        "footprint-smoke.md"
    } else {
        "footprint.md"
    });
    if let Err(error) = fs::write(&report_path, &report) {
        eprintln!("footprint: cannot write {}: {error}", report_path.display());
        return ExitCode::FAILURE;
    }
    eprintln!("footprint: wrote {}", report_path.display());
    if let Err(problem) = history_window {
        unhunch.problems.push(problem);
    }
    if unhunch.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        for problem in &unhunch.problems {
            eprintln!("footprint: error: {problem}");
        }
        ExitCode::FAILURE
    }
}

const USAGE: &str = "\
Usage: footprint [--smoke] [--no-peers] [--history-window-only] [--breaks N] [--settle SECONDS] [--idle SECONDS]

Measures Unhunch's footprint on a real desktop session and compares it with Workrave and Safe Eyes.
Build the binaries first (`cargo build --workspace --release`, or `make bench`, which does it all).

  --smoke       the short run CI does: 2 s settle, 5 s idle, 3 breaks, no peers
  --no-peers    skip Workrave and Safe Eyes
  --history-window-only  only the history window on five years of history (its one line)
  --breaks N    how many breaks to take back to back (default 100)
  --settle S    seconds from start to the idle memory reading (default 20)
  --idle S      seconds of idle CPU and wakeup measurement (default 60)

Writes tests/out/footprint.md (tests/out/footprint-smoke.md with --smoke). Exits 1 when the daemon
crashed, a step never happened or a process was left behind; timings never fail the run.";

/// A program Unhunch is compared with.
struct Peer {
    name: &'static str,
    program: &'static str,
    package: &'static str,
}

const PEERS: [Peer; 2] = [
    Peer {
        name: "Workrave",
        program: "workrave",
        package: "workrave",
    },
    Peer {
        name: "Safe Eyes",
        program: "safeeyes",
        package: "safeeyes",
    },
];

#[derive(Debug)]
struct Options {
    smoke: bool,
    with_peers: bool,
    /// Measure only the history window on five years of history.
    history_window_only: bool,
    help: bool,
    durations: Durations,
}

impl Options {
    fn parse(arguments: impl Iterator<Item = String>) -> Result<Options, String> {
        let mut options = Options {
            smoke: false,
            with_peers: true,
            history_window_only: false,
            help: false,
            durations: Durations {
                settle: Duration::from_secs(20),
                idle: Duration::from_secs(60),
                breaks: 100,
            },
        };
        let (mut breaks, mut settle, mut idle) = (None, None, None);
        let mut arguments = arguments;
        while let Some(argument) = arguments.next() {
            match argument.as_str() {
                "--smoke" => options.smoke = true,
                "--no-peers" => options.with_peers = false,
                "--history-window-only" => options.history_window_only = true,
                "-h" | "--help" => options.help = true,
                "--breaks" => breaks = Some(number_after(&argument, arguments.next())?),
                "--settle" => settle = Some(number_after(&argument, arguments.next())?),
                "--idle" => idle = Some(number_after(&argument, arguments.next())?),
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        if options.smoke {
            options.with_peers = false;
            options.durations = Durations {
                settle: Duration::from_secs(2),
                idle: Duration::from_secs(5),
                breaks: 3,
            };
        }
        if let Some(breaks) = breaks {
            options.durations.breaks = breaks;
        }
        if let Some(seconds) = settle {
            options.durations.settle = Duration::from_secs(seconds as u64);
        }
        if let Some(seconds) = idle {
            options.durations.idle = Duration::from_secs(seconds as u64);
        }
        Ok(options)
    }
}

fn number_after(option: &str, value: Option<String>) -> Result<usize, String> {
    let value = value.ok_or_else(|| format!("{option} needs a number, such as {option} 10"))?;
    value
        .parse()
        .map_err(|_| format!("{option} needs a whole number, such as {option} 10, not {value:?}"))
}

fn render(
    options: &Options,
    unhunch: &UnhunchFigures,
    peers: &[(&Peer, Result<Idle, String>)],
) -> String {
    let mut text = String::new();
    let profile = build_profile();
    let _ = writeln!(text, "# Unhunch footprint\n");
    let _ = writeln!(
        text,
        "{} run, {profile} binaries, on {}. Each program ran alone in a fresh session (Xvfb 1280x800, \
         private session bus, dunst, gtk-sni-tray, fresh HOME, default settings). Memory is summed \
         over the process tree from `smaps_rollup` {} s after start; CPU and wakeups (voluntary \
         context switches) over the next {} s with no input. Targets are goals, never asserted.\n",
        if options.smoke { "Smoke" } else { "Full" },
        machine_description(),
        options.durations.settle.as_secs(),
        options.durations.idle.as_secs(),
    );

    let _ = writeln!(text, "## Idle, all day\n");
    let mut header = String::from("| figure | Unhunch |");
    let mut rule = String::from("|---|---|");
    for (peer, _) in peers {
        let _ = write!(header, " {} |", peer.name);
        rule.push_str("---|");
    }
    for (peer, _) in peers {
        let _ = write!(header, " Unhunch / {} |", peer.name);
        rule.push_str("---|");
    }
    header.push_str(" target |");
    rule.push_str("---|");
    let _ = writeln!(text, "{header}\n{rule}");
    let rows = [
        IdleRow {
            name: "idle PSS",
            figure: |idle| mib(idle.memory.pss_kib),
            unit: "MiB",
            decimals: 1,
            target: "≤ 8 MiB and ≤ 1/8 of Workrave",
        },
        IdleRow {
            name: "idle private (USS)",
            figure: |idle| mib(idle.memory.private_kib),
            unit: "MiB",
            decimals: 1,
            target: "",
        },
        IdleRow {
            name: "idle CPU",
            figure: |idle| idle.cpu.cpu_seconds_per_minute,
            unit: "s/min",
            decimals: 4,
            target: "≤ 0.005 s/min",
        },
        IdleRow {
            name: "wakeups",
            figure: |idle| idle.cpu.wakeups_per_second,
            unit: "/s",
            decimals: 2,
            target: "≤ 0.5 /s",
        },
    ];
    for IdleRow {
        name,
        figure,
        unit,
        decimals,
        target,
    } in rows
    {
        let show = |value: f64| format!("{value:.decimals$} {unit}");
        let ours = unhunch.idle.as_ref().map(figure);
        let _ = write!(text, "| {name} | {} |", shown(ours, show));
        for (_, result) in peers {
            let cell = match result {
                Ok(idle) => show(figure(idle)),
                Err(_) => "—".into(),
            };
            let _ = write!(text, " {cell} |");
        }
        for (_, result) in peers {
            let ratio = match (ours, result) {
                (Some(ours), Ok(idle)) if figure(idle) > 0.0 => {
                    format!("{:.3}", ours / figure(idle))
                }
                _ => "—".into(),
            };
            let _ = write!(text, " {ratio} |");
        }
        let _ = writeln!(text, " {target} |");
    }
    if let Some(idle) = &unhunch.idle {
        let _ = writeln!(
            text,
            "\nUnhunch's idle tree: {} process(es).",
            idle.memory.processes
        );
    }
    for (peer, result) in peers {
        match result {
            Ok(idle) => {
                let _ = writeln!(
                    text,
                    "{}'s idle tree: {} process(es).",
                    peer.name, idle.memory.processes
                );
            }
            Err(why) => {
                let _ = writeln!(text, "{} was not measured: {why}.", peer.name);
            }
        }
    }

    let _ = writeln!(text, "\n## Start-up\n");
    let _ = writeln!(text, "| figure | Unhunch | target |\n|---|---|---|");
    let row = |text: &mut String, name: &str, value: String, target: &str| {
        let _ = writeln!(text, "| {name} | {value} | {target} |");
    };
    row(
        &mut text,
        "daemon start → tray item registered with the watcher",
        shown(unhunch.start_to_tray, milliseconds),
        "≤ 150 ms",
    );

    render_break_timings(&mut text, unhunch);
    render_window_memory(&mut text, unhunch);

    let _ = writeln!(
        text,
        "\n## The daemon around the breaks\n\nThe daemon's own PSS (`smaps_rollup`), read idle before \
         any break, 1 s after the first break's window closed, and 2 s after the last one's; \
         leftovers are processes of the daemon's tree still alive after the breaks, or of the \
         session after `unhunch quit`.\n"
    );
    let _ = writeln!(text, "| figure | Unhunch | target |\n|---|---|---|");
    row(
        &mut text,
        "daemon PSS idle (before any break)",
        shown(unhunch.idle.map(|idle| idle.memory), memory),
        "",
    );
    row(
        &mut text,
        "daemon PSS after the first window closed",
        shown(unhunch.daemon_after_first_break, memory),
        "",
    );
    let after_all = format!(
        "daemon PSS after {} breaks back to back",
        unhunch.breaks_taken
    );
    row(
        &mut text,
        &after_all,
        shown(unhunch.daemon_after_all_breaks, memory),
        "",
    );
    let growth = match (
        unhunch.daemon_after_first_break,
        unhunch.daemon_after_all_breaks,
    ) {
        (Some(first), Some(all)) => {
            Some(format!("{:+.2} MiB", mib(all.pss_kib) - mib(first.pss_kib)))
        }
        _ => None,
    };
    row(
        &mut text,
        "daemon PSS growth over the breaks (after all − after the first)",
        growth.unwrap_or_else(|| "—".into()),
        "≤ +1 MiB",
    );
    row(
        &mut text,
        "leftover processes",
        unhunch.leftovers.len().to_string(),
        "0",
    );
    for binary in ["unhunch", "unhunch-window"] {
        let size = binary_size(binary).map(|bytes| format!("{:.1} MiB", bytes as f64 / 1048576.0));
        row(
            &mut text,
            &format!("binary size: {binary} ({profile})"),
            size.unwrap_or_else(|| "not built".into()),
            "",
        );
    }

    if !unhunch.problems.is_empty() {
        let _ = writeln!(text, "\n## Errors\n");
        for problem in &unhunch.problems {
            let _ = writeln!(text, "- {problem}");
        }
    }
    text
}

/// The cold path: every break of the run opens a new window process.
fn render_break_timings(text: &mut String, unhunch: &UnhunchFigures) {
    let _ = writeln!(
        text,
        "\n## Opening a break\n\nFrom the notification's Start action (the `ActionInvoked` signal \
         dunst sends on the session bus, read by `dbus-monitor`) to the window's first painted \
         frame (the page's `painted` call, made two animation frames after the intro was laid out, \
         as the daemon logs it). Breaks come back to back, one second apart, each skipped with \
         Escape except the first, which is walked through. The first break is the first WebKit \
         process of a fresh session; it is counted in the spread too.\n"
    );
    let _ = writeln!(
        text,
        "| figure | breaks | median | p95 | max | first break | target |\n|---|---|---|---|---|---|---|"
    );
    timing_row(
        text,
        "cold: action → first painted frame",
        &unhunch.click_to_paint,
        "p95 ≤ 600 ms, max ≤ 700 ms",
    );
    timing_row(
        text,
        "cold, the daemon's share: action → window process started",
        &unhunch.click_to_window_start,
        "",
    );
}

/// One row of the break timings: the spread of `times` (in the order measured) and the first.
fn timing_row(text: &mut String, name: &str, times: &[Duration], target: &str) {
    let mut sorted = times.to_vec();
    sorted.sort();
    let Some(&max) = sorted.last() else {
        let _ = writeln!(text, "| {name} | 0 | — | — | — | — | {target} |");
        return;
    };
    let _ = writeln!(
        text,
        "| {name} | {} | {} | {} | {} | {} | {target} |",
        sorted.len(),
        milliseconds(median(&sorted)),
        milliseconds(percentile(&sorted, 95)),
        milliseconds(max),
        milliseconds(times[0]),
    );
}

/// The window's process tree over the first break's walk-through.
fn render_window_memory(text: &mut String, unhunch: &UnhunchFigures) {
    let _ = writeln!(
        text,
        "\n## The window's memory while a break is on screen\n\nThe first break's window, walked \
         through with Enter from the intro over every step and picture to the finish screen and \
         Done ({} screens, 0.7 s each), its process tree read every 50 ms from `smaps_rollup`. \
         Each process's row is its own peak; the total is the largest sum at one reading.\n",
        unhunch.walked_screens
    );
    let _ = writeln!(
        text,
        "| process | peak PSS | private at that peak | target |\n|---|---|---|---|"
    );
    let Some(peak) = &unhunch.walk_peak else {
        let _ = writeln!(text, "| (not measured) | — | — | |");
        return;
    };
    for (kind, memory) in &peak.by_kind {
        let _ = writeln!(
            text,
            "| {kind} | {:.1} MiB | {:.1} MiB | |",
            mib(memory.pss_kib),
            mib(memory.private_kib)
        );
    }
    if let Some(total) = peak.total {
        let _ = writeln!(
            text,
            "| whole tree ({} processes) | {:.1} MiB | {:.1} MiB | ≤ 120 MiB |",
            total.processes,
            mib(total.pss_kib),
            mib(total.private_kib)
        );
    }
    let _ = writeln!(text, "\n{} readings.", peak.samples);
}

/// One row of the idle table: a figure read the same way from Unhunch and each peer.
struct IdleRow {
    name: &'static str,
    figure: fn(&Idle) -> f64,
    unit: &'static str,
    decimals: usize,
    target: &'static str,
}

fn shown<T>(value: Option<T>, show: impl Fn(T) -> String) -> String {
    value.map(show).unwrap_or_else(|| "—".into())
}

/// The middle of sorted `values` (the mean of the two middle ones for an even count).
fn median(sorted: &[Duration]) -> Duration {
    let middle = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[middle - 1] + sorted[middle]) / 2
    } else {
        sorted[middle]
    }
}

/// The nearest-rank `percent`th percentile of sorted, non-empty `values`.
fn percentile(sorted: &[Duration], percent: usize) -> Duration {
    let rank = (sorted.len() * percent).div_ceil(100).max(1);
    sorted[rank - 1]
}

fn milliseconds(duration: Duration) -> String {
    format!("{:.0} ms", duration.as_secs_f64() * 1000.0)
}

fn memory(memory: Memory) -> String {
    format!(
        "{:.1} MiB PSS, {:.1} MiB private, {} process(es)",
        mib(memory.pss_kib),
        mib(memory.private_kib),
        memory.processes
    )
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Whether the measured binaries were built as release or debug.
fn build_profile() -> &'static str {
    let release = find_bin("unhunch")
        .and_then(|path| path.parent().map(Path::to_path_buf))
        .is_some_and(|folder| folder.ends_with("release"));
    if release { "release" } else { "debug" }
}

fn binary_size(name: &str) -> Option<u64> {
    fs::metadata(find_bin(name)?).ok().map(|meta| meta.len())
}

fn machine_description() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |cores| cores.get());
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let memory_kib = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|meminfo| {
            meminfo
                .lines()
                .find_map(|line| line.strip_prefix("MemTotal:"))
                .and_then(|value| {
                    value
                        .trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
        })
        .unwrap_or(0);
    format!(
        "{cores} cores, {:.0} GiB, Linux {}",
        memory_kib as f64 / 1048576.0,
        kernel.trim()
    )
}

fn is_installed(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|folder| folder.join(program).is_file())
    })
}

/// Runs one part of the benchmark, turning a panic (a step that never happened) into an error.
fn run_catching_panics<T>(what: &str, run: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|text| (*text).to_owned()))
            .unwrap_or_else(|| "a panic".into());
        format!("{what} stopped: {message}")
    })
}
