//! The commands the history page may call; `capabilities/history.json` grants exactly these to
//! the history window and no other window.

use std::collections::BTreeMap;
use std::time::SystemTime;

use tauri::State;
use unhunch_core::Timestamp;
use unhunch_core::history_stats::{HistoryStats, history_csv, history_stats as stats_of};
use unhunch_core::routine::RoutineSet;

use super::HistoryFiles;
use super::file;

/// What the page draws, with the names it shows.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HistoryView {
    pub stats: HistoryStats,
    /// Routine names by id, for the built-in routines (a user's own routine shows its id).
    pub names: BTreeMap<String, String>,
    /// Lines of the file that could not be read (left in the file, not counted).
    pub damaged_lines: usize,
    pub history_file: String,
    pub export_file: String,
}

/// The local time now and the time zone's offset from UTC, in seconds.
fn now_and_offset() -> (Timestamp, i32) {
    let now = Timestamp::from_system_time(SystemTime::now());
    let offset = jiff::Timestamp::from_millisecond(now.unix_millis())
        .map(|instant| jiff::tz::TimeZone::system().to_offset(instant).seconds())
        .unwrap_or(0);
    (now, offset)
}

/// The history's numbers now. Read afresh on every call, so the page shows the file as it is
/// when it opens and each time it is raised. Async, like the other file commands, so years of
/// history are read off the main thread and the window keeps drawing meanwhile.
#[tauri::command]
pub async fn history_stats(files: State<'_, HistoryFiles>) -> Result<HistoryView, String> {
    let (records, damaged_lines) = file::read_records(&files.history_file)
        .map_err(|error| format!("Cannot read {}: {error}", files.history_file.display()))?;
    let (now, offset) = now_and_offset();
    let routines = RoutineSet::builtin();
    let sides_of = |id: &str| {
        routines
            .get(id)
            .map(|routine| routine.sides.clone())
            .unwrap_or_default()
    };
    let stats = stats_of(&records, now, offset, &sides_of);
    let names = stats
        .top_stretches
        .iter()
        .filter_map(|count| {
            let routine = routines.get(&count.routine)?;
            Some((count.routine.clone(), routine.name.clone()))
        })
        .collect();
    Ok(HistoryView {
        stats,
        names,
        damaged_lines,
        history_file: files.history_file.display().to_string(),
        export_file: files.export_file.display().to_string(),
    })
}

/// Writes the history, a line per day, to the export file; returns its path.
#[tauri::command]
pub async fn export_history_csv(files: State<'_, HistoryFiles>) -> Result<String, String> {
    let (records, _) = file::read_records(&files.history_file)
        .map_err(|error| format!("Cannot read {}: {error}", files.history_file.display()))?;
    let (_, offset) = now_and_offset();
    file::write_whole(&files.export_file, &history_csv(&records, offset))
        .map_err(|error| format!("Cannot write {}: {error}", files.export_file.display()))?;
    Ok(files.export_file.display().to_string())
}

/// Clears the history after keeping it whole in a dated backup; returns the backup's path
/// (`None`: there was nothing to clear). The page asks the user first.
#[tauri::command]
pub async fn clear_history(files: State<'_, HistoryFiles>) -> Result<Option<String>, String> {
    let stamp = jiff::Zoned::now().strftime("%Y-%m-%dT%H-%M-%S").to_string();
    let backup = file::clear(&files.history_file, &stamp).map_err(|error| {
        format!(
            "Cannot clear {} (nothing was removed): {error}",
            files.history_file.display()
        )
    })?;
    Ok(backup.map(|path| path.display().to_string()))
}

/// The page has drawn its numbers: one line on stdout, which the footprint benchmark waits for.
#[tauri::command]
pub fn history_drawn(records: usize) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{{\"history_drawn\":{records}}}");
    let _ = stdout.flush();
}
