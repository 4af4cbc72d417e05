//! The history day by day, as numbers and as the text `unhunch history` prints (and the tray's
//! History… item opens when the history window cannot start).

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use unhunch_core::duration::friendly;
use unhunch_core::history::{DaySummary, daily_summaries};

use crate::clock;
use crate::files;

/// The summary the tray's History… item opens.
pub fn text_summary(history_file: &Path, days: u32) -> String {
    match summaries(history_file, days) {
        Ok(summaries) => render(&summaries, days),
        Err(why) => format!("Cannot read {}: {why}\n", history_file.display()),
    }
}

/// Day summaries, newest first; damaged lines are reported on stderr and skipped.
pub fn summaries(history_file: &Path, days: u32) -> std::io::Result<Vec<DaySummary>> {
    let (records, warnings) = files::read_history(history_file)?;
    for warning in warnings {
        eprintln!("unhunch: {warning}");
    }
    let now = clock::now();
    Ok(daily_summaries(
        &records,
        now,
        clock::utc_offset_secs(now),
        days,
    ))
}

pub fn render(summaries: &[DaySummary], days: u32) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "Your stretch breaks, the last {days} day{}:",
        if days == 1 { "" } else { "s" }
    );
    let active: Vec<&DaySummary> = summaries
        .iter()
        .filter(|day| day_has_something(day))
        .collect();
    if active.is_empty() {
        let _ = writeln!(
            text,
            "  Nothing yet. Breaks show up here once Unhunch has run for a while."
        );
        return text;
    }
    for day in active {
        let mut parts = vec![format!("{} stretched", day.completed)];
        if day.stretch_secs > 0 {
            parts[0].push_str(&format!(
                " ({})",
                friendly(Duration::from_secs(day.stretch_secs))
            ));
        }
        for (count, word) in [
            (day.snoozed, "snoozed"),
            (day.skipped, "skipped"),
            (day.abandoned, "cut short"),
            (day.natural_breaks, "natural breaks"),
        ] {
            if count > 0 {
                parts.push(format!("{count} {word}"));
            }
        }
        let _ = writeln!(text, "  {}  {}", day.date, parts.join(", "));
        if !day.routines.is_empty() {
            let _ = writeln!(text, "              {}", day.routines.join(", "));
        }
    }
    text
}

fn day_has_something(day: &DaySummary) -> bool {
    day.completed + day.snoozed + day.skipped + day.abandoned + day.natural_breaks > 0
}
