//! The history model: what happened to each break, as serde types, and pure daily summaries.
//! Storage (append-only JSON Lines) lives in the daemon.

use crate::engine::{PauseLength, Waiting};
use crate::routine::Side;
use crate::time::{MILLIS_PER_DAY, Timestamp, civil_from_days};

/// The highest break id: 2^53 - 1, the largest integer every JSON reader (JavaScript's numbers
/// included) holds exactly. A history line with a higher id is damaged, and the engine's numbering
/// stops here rather than wrapping round to ids already used.
pub const MAX_BREAK_ID: u64 = (1 << 53) - 1;

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
        #[serde(deserialize_with = "break_id_within_limit")]
        break_id: u64,
        routine: Option<String>,
    },
    /// The stretch window opened.
    Started {
        #[serde(deserialize_with = "break_id_within_limit")]
        break_id: u64,
        routine: Option<String>,
    },
    Completed {
        #[serde(deserialize_with = "break_id_within_limit")]
        break_id: u64,
        routine: String,
        duration_secs: u64,
        /// The sides stretched, for a routine with sides. Lines written before this field existed
        /// have none: their routine is taken to have done each of its sides once.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sides: Option<Vec<Side>>,
    },
    Snoozed {
        #[serde(deserialize_with = "break_id_within_limit")]
        break_id: u64,
        snoozes_used: u32,
    },
    Skipped {
        #[serde(deserialize_with = "break_id_within_limit")]
        break_id: u64,
        /// The sides already stretched when the user skipped (a stretch stopped after its left
        /// side); absent when none were.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        sides: Vec<Side>,
    },
    /// The window was closed early, or the break was cut short (pause, quit, time-out).
    Abandoned {
        #[serde(deserialize_with = "break_id_within_limit")]
        break_id: u64,
    },
    /// Idle or a suspend at least `natural_break` long counted as a break.
    NaturalBreak {
        away_secs: u64,
    },
    /// A break's time came while the user must not be interrupted (`full_screen`,
    /// `do_not_disturb`, `camera`): it waits, at most `max_wait`. Files written before this
    /// event existed simply have none.
    Deferred {
        reason: Waiting,
    },
    /// `until` is `None` for "until I resume".
    Paused {
        until: Option<Timestamp>,
    },
    Resumed,
}

impl HistoryEvent {
    /// The break this event belongs to; `None` for events about the schedule as a whole.
    pub fn break_id(&self) -> Option<u64> {
        match self {
            HistoryEvent::Due { break_id, .. }
            | HistoryEvent::Started { break_id, .. }
            | HistoryEvent::Completed { break_id, .. }
            | HistoryEvent::Snoozed { break_id, .. }
            | HistoryEvent::Skipped { break_id, .. }
            | HistoryEvent::Abandoned { break_id } => Some(*break_id),
            HistoryEvent::NaturalBreak { .. }
            | HistoryEvent::Deferred { .. }
            | HistoryEvent::Paused { .. }
            | HistoryEvent::Resumed => None,
        }
    }
}

/// The highest break id in `records` (0 when there is none), so a new run can number its breaks
/// after it and every id in the history file names one break.
pub fn last_break_id(records: &[HistoryRecord]) -> u64 {
    records
        .iter()
        .filter_map(|record| record.event.break_id())
        .max()
        .unwrap_or(0)
}

/// The break that `records` show as begun (`due` or `started`) with no outcome after it: the daemon
/// stopped without ending it (killed, crashed, the machine lost power). A new run records it as
/// abandoned, so every break in the history has an outcome. Only the latest break can be open, as
/// the engine ends one break before it begins the next.
pub fn unfinished_break(records: &[HistoryRecord]) -> Option<u64> {
    let mut open = None;
    for record in records {
        match &record.event {
            HistoryEvent::Due { break_id, .. } | HistoryEvent::Started { break_id, .. } => {
                open = Some(*break_id);
            }
            HistoryEvent::Completed { break_id, .. }
            | HistoryEvent::Snoozed { break_id, .. }
            | HistoryEvent::Skipped { break_id, .. }
            | HistoryEvent::Abandoned { break_id } => {
                if open == Some(*break_id) {
                    open = None;
                }
            }
            HistoryEvent::NaturalBreak { .. }
            | HistoryEvent::Deferred { .. }
            | HistoryEvent::Paused { .. }
            | HistoryEvent::Resumed => {}
        }
    }
    open
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
/// the day of `now`; days without any record (and records after today) are left out.
/// `utc_offset_secs` is the local offset (the shell knows the time zone; the core does not),
/// applied to every record.
pub fn daily_summaries(
    records: &[HistoryRecord],
    now: Timestamp,
    utc_offset_secs: i32,
    days: u32,
) -> Vec<DaySummary> {
    let local_day = |at: Timestamp| {
        (at.unix_millis() + i64::from(utc_offset_secs) * 1000).div_euclid(MILLIS_PER_DAY)
    };
    let today = local_day(now);
    let first_day = today - i64::from(days) + 1;
    // Records are appended in time order, but a clock change can break that; a stable sort
    // keeps the routines of a day in the order they were done.
    let mut in_time_order: Vec<&HistoryRecord> = records.iter().collect();
    in_time_order.sort_by_key(|record| record.at);

    let mut summaries: Vec<(i64, DaySummary)> = Vec::new();
    for record in in_time_order {
        let day = local_day(record.at);
        if day < first_day || day > today {
            continue;
        }
        let index = match summaries
            .iter()
            .position(|(summary_day, _)| *summary_day == day)
        {
            Some(index) => index,
            None => {
                let (year, month, day_of_month) = civil_from_days(day);
                let date = format!("{year:04}-{month:02}-{day_of_month:02}");
                summaries.push((
                    day,
                    DaySummary {
                        date,
                        ..DaySummary::default()
                    },
                ));
                summaries.len() - 1
            }
        };
        let summary = &mut summaries[index].1;
        match &record.event {
            HistoryEvent::Completed {
                routine,
                duration_secs,
                ..
            } => {
                summary.completed += 1;
                summary.stretch_secs += duration_secs;
                summary.routines.push(routine.clone());
            }
            HistoryEvent::Snoozed { .. } => summary.snoozed += 1,
            HistoryEvent::Skipped { .. } => summary.skipped += 1,
            HistoryEvent::Abandoned { .. } => summary.abandoned += 1,
            HistoryEvent::NaturalBreak { .. } => summary.natural_breaks += 1,
            HistoryEvent::Due { .. }
            | HistoryEvent::Started { .. }
            | HistoryEvent::Deferred { .. }
            | HistoryEvent::Paused { .. }
            | HistoryEvent::Resumed => {}
        }
    }
    summaries.sort_by_key(|(day, _)| std::cmp::Reverse(*day));
    summaries.into_iter().map(|(_, summary)| summary).collect()
}

/// Reads a `break_id`, refusing one above [`MAX_BREAK_ID`] so the line counts as damaged (skipped
/// with a warning, kept in the file) instead of numbering the next breaks after it.
fn break_id_within_limit<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<u64, D::Error> {
    let break_id = <u64 as serde::Deserialize>::deserialize(deserializer)?;
    if break_id > MAX_BREAK_ID {
        return Err(serde::de::Error::custom(format!(
            "break_id {break_id} is above the highest break id, {MAX_BREAK_ID}"
        )));
    }
    Ok(break_id)
}

/// The pause the history leaves in force at `now`, so a pause survives a restart of the daemon:
/// the history's last record is `paused` (anything after a pause, `resumed` or a break's event,
/// means it ended), and its end, if it has one, is still to come.
pub fn pause_in_force(records: &[HistoryRecord], now: Timestamp) -> Option<PauseLength> {
    match records.last()?.event {
        HistoryEvent::Paused { until: None } => Some(PauseLength::Indefinitely),
        HistoryEvent::Paused { until: Some(until) } if until > now => {
            Some(PauseLength::Until(until))
        }
        _ => None,
    }
}
