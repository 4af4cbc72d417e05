//! The history window on five years of history: how long `unhunch-window --page history` takes
//! from its start to the charts drawn (its `history_drawn` line), and its process tree's memory
//! while it is open. Also the core's share: reading and counting the file, in this process.
//! Printed as one line of the footprint report; never asserted.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use unhunch_core::history::HistoryRecord;
use unhunch_core::history_stats::history_stats;
use unhunch_core::time::Timestamp;
use unhunch_tests::desktop::Session;

use crate::measure::{self, Memory};

/// About 55,000 lines: five years of every day with 30 lines (a working day's breaks).
const YEARS: i64 = 5;
const LINES_A_DAY: usize = 30;
const DAY_SECS: i64 = 86_400;

#[derive(Debug, Clone, Copy)]
pub struct HistoryWindowFigures {
    pub lines: usize,
    /// Reading, parsing and counting the file in-process (the median of five).
    pub core: Duration,
    /// From starting the window process to its charts drawn.
    pub start_to_drawn: Duration,
    /// The window's process tree (the app and WebKit's processes) while it is open.
    pub open: Memory,
}

/// One report line for `figures`.
pub fn report_line(figures: &Result<HistoryWindowFigures, String>) -> String {
    match figures {
        Ok(figures) => format!(
            "- History window on 5 years ({} lines): drawn {:.0} ms after its start (reading and \
             counting in the core: {:.0} ms); while open {:.1} MiB PSS, {} process(es)\n",
            figures.lines,
            figures.start_to_drawn.as_secs_f64() * 1000.0,
            figures.core.as_secs_f64() * 1000.0,
            figures.open.pss_kib as f64 / 1024.0,
            figures.open.processes
        ),
        Err(problem) => format!("- History window on 5 years: not measured ({problem})\n"),
    }
}

/// Five years up to now, every day like a working day: breaks due, started and completed,
/// snoozed and skipped, natural breaks, a pause.
pub fn five_years_of_history(now: Timestamp) -> String {
    let today = now.unix_millis().div_euclid(DAY_SECS * 1000);
    let routines = [
        "cobra",
        "seated-twist",
        "chair-twist",
        "wall-angels",
        "cat-cow",
    ];
    let mut text = String::with_capacity(80 * LINES_A_DAY * (YEARS * 365) as usize);
    let mut break_id = 0u64;
    for day in today - YEARS * 365 + 1..=today {
        let mut at = day * DAY_SECS + 8 * 3600;
        let mut line = |text: &mut String, event: String| {
            at += 600;
            let time = Timestamp::from_unix_secs(at).to_rfc3339();
            text.push_str(&format!("{{\"at\":\"{time}\",{event}}}\n"));
        };
        for slot in 0..(LINES_A_DAY / 6) as u64 {
            break_id += 1;
            let routine = routines[((day as u64 + slot) % 5) as usize];
            line(
                &mut text,
                format!("\"event\":\"due\",\"break_id\":{break_id},\"routine\":\"{routine}\""),
            );
            match (day as u64 + slot) % 4 {
                0 => {
                    line(
                        &mut text,
                        format!("\"event\":\"snoozed\",\"break_id\":{break_id},\"snoozes_used\":1"),
                    );
                    line(
                        &mut text,
                        format!("\"event\":\"skipped\",\"break_id\":{break_id}"),
                    );
                    line(
                        &mut text,
                        "\"event\":\"natural_break\",\"away_secs\":400".to_owned(),
                    );
                }
                _ => {
                    line(
                        &mut text,
                        format!(
                            "\"event\":\"started\",\"break_id\":{break_id},\"routine\":\"{routine}\""
                        ),
                    );
                    line(
                        &mut text,
                        format!(
                            "\"event\":\"completed\",\"break_id\":{break_id},\"routine\":\"{routine}\",\"duration_secs\":95"
                        ),
                    );
                    line(
                        &mut text,
                        "\"event\":\"natural_break\",\"away_secs\":400".to_owned(),
                    );
                }
            }
            line(&mut text, "\"event\":\"resumed\"".to_owned());
            line(&mut text, "\"event\":\"paused\",\"until\":null".to_owned());
        }
    }
    text
}

/// Measures the history window in a fresh desktop session.
pub fn run_history_window(out_dir: &Path) -> Result<HistoryWindowFigures, String> {
    let now = Timestamp::from_system_time(SystemTime::now());
    let history = five_years_of_history(now);
    let lines = history.lines().count();
    let session = Session::start();
    let history_file = session.home().join("history.jsonl");
    fs::write(&history_file, &history).map_err(|error| error.to_string())?;

    let mut core_times: Vec<Duration> = (0..5)
        .map(|_| {
            let started = Instant::now();
            let bytes = fs::read(&history_file).unwrap_or_default();
            let records: Vec<HistoryRecord> = bytes
                .split(|byte| *byte == b'\n')
                .filter_map(|line| serde_json::from_slice(line).ok())
                .collect();
            let stats = history_stats(&records, now, 0, &|_| Vec::new());
            assert_eq!(stats.records, lines, "every generated line is a record");
            started.elapsed()
        })
        .collect();
    core_times.sort();

    let started = Instant::now();
    let mut window = crate::windows::start_history(&session, &history_file)?;
    let stdout = window.stdout.take().expect("a piped stdout");
    let mut drawn = None;
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        if line.starts_with("{\"history_drawn\":") {
            drawn = Some(started.elapsed());
            break;
        }
    }
    let result = match drawn {
        Some(start_to_drawn) => {
            // WebKit's helper processes finish starting just after the first paint.
            std::thread::sleep(Duration::from_secs(2));
            let open = measure::memory_of(&measure::process_tree(window.id()));
            session.screenshot(out_dir.join("footprint-history-window.png"));
            Ok(HistoryWindowFigures {
                lines,
                core: core_times[core_times.len() / 2],
                start_to_drawn,
                open,
            })
        }
        None => Err("the window ended before it drew its charts".to_owned()),
    };
    // The end of stdin is the daemon going away: the window closes itself.
    drop(window.stdin.take());
    let _ = window.wait();
    result
}
