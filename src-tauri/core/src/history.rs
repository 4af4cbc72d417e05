//! The history model: what happened to each break, as serde types, and pure daily summaries.
//! Storage (append-only JSON Lines) lives in the daemon.

use crate::time::Timestamp;

/// One line of the history file: `{"at":"2026-11-23T10:25:00Z","event":"completed",...}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HistoryRecord {
    pub at: Timestamp,
    #[serde(flatten)]
    pub event: HistoryEvent,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum HistoryEvent {
    /// A break became due and the user was told; `routine` is the one offered.
    Due {
        break_id: u64,
        routine: Option<String>,
    },
    /// The stretch window opened.
    Started {
        break_id: u64,
        routine: Option<String>,
    },
    Completed {
        break_id: u64,
        routine: String,
        duration_secs: u64,
    },
    Snoozed {
        break_id: u64,
        snoozes_used: u32,
    },
    Skipped {
        break_id: u64,
    },
    /// The window was closed early, or the break was cut short (pause, quit, time-out).
    Abandoned {
        break_id: u64,
    },
    /// Idle or a suspend at least `natural_break` long counted as a break.
    NaturalBreak {
        away_secs: u64,
    },
    /// `until` is `None` for "until I resume".
    Paused {
        until: Option<Timestamp>,
    },
    Resumed,
}

/// One day's tally, for `unhunch history` and the history window.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DaySummary {
    /// The local date, `YYYY-MM-DD`.
    pub date: String,
    pub completed: u32,
    pub snoozed: u32,
    pub skipped: u32,
    pub abandoned: u32,
    pub natural_breaks: u32,
    /// Total seconds spent stretching (completed breaks).
    pub stretch_secs: u64,
    /// Routine ids completed that day, in order.
    pub routines: Vec<String>,
}

/// Tallies records per local day, newest day first, for at most `days` days counting back from
/// the day of `now`. `utc_offset_secs` is the local offset (the shell knows the time zone; the
/// core does not), applied to every record.
pub fn daily_summaries(
    records: &[HistoryRecord],
    now: Timestamp,
    utc_offset_secs: i32,
    days: u32,
) -> Vec<DaySummary> {
    let _ = (records, now, utc_offset_secs, days);
    todo!()
}
