//! The history window's numbers: today at a glance, the last 14 days, a 12-week calendar, the
//! stretches done most and the balance of sides, and the CSV export, all from parsed records.
//!
//! Pure like the rest of the core: the time and the local UTC offset come in as parameters (the
//! window reads the clock and the time zone). One pass over the records, so five years of history
//! (about 55,000 lines) cost milliseconds.

use std::collections::{BTreeMap, HashMap};

use crate::history::{HistoryEvent, HistoryRecord};
use crate::routine::Side;
use crate::time::{MILLIS_PER_DAY, Timestamp, civil_from_days};

/// How many days the bar chart shows, today included.
pub const BAR_CHART_DAYS: usize = 14;
/// How many weeks (Monday to Sunday) the calendar shows, this week included.
pub const HEAT_MAP_WEEKS: usize = 12;

/// Everything the history window draws.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HistoryStats {
    pub today: Today,
    /// The last [`BAR_CHART_DAYS`] days, oldest first, today last; days without breaks included.
    pub last_days: Vec<DayBars>,
    /// [`HEAT_MAP_WEEKS`] weeks of seven days, Monday first, oldest week first; the days after
    /// today are in the last week with `future` set.
    pub heat_map: Vec<HeatDay>,
    /// Every stretch ever completed, most often first (ties by id).
    pub top_stretches: Vec<StretchCount>,
    /// How often each side was stretched: the sides each history line says were done (a stretch
    /// skipped after its left side counts left only), or, for lines from before Unhunch wrote
    /// them, each side of a completed routine once.
    pub sides: SideBalance,
    /// How many records the numbers come from.
    pub records: usize,
}

/// Today at a glance.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Today {
    /// The local date, `YYYY-MM-DD`.
    pub date: String,
    /// Breaks with a completed stretch.
    pub taken: u32,
    pub snoozed: u32,
    pub skipped: u32,
    pub natural_breaks: u32,
    /// Whole minutes stretched (the completed breaks' durations, summed, rounded down).
    pub minutes_stretched: u64,
    /// Days in a row with at least one completed stretch, up to today. A today without one yet
    /// does not break the streak (the day is not over): it then counts up to yesterday.
    pub streak_days: u32,
}

/// One bar group of the 14-day chart.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DayBars {
    pub date: String,
    /// 0 is Monday, 6 is Sunday.
    pub weekday: u8,
    pub taken: u32,
    pub snoozed: u32,
    pub skipped: u32,
}

/// One square of the calendar.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HeatDay {
    pub date: String,
    pub taken: u32,
    /// 0 for none, then 1 to 4 by quarters of the busiest day in the calendar.
    pub level: u8,
    /// After today: drawn empty.
    pub future: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StretchCount {
    pub routine: String,
    pub times: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SideBalance {
    pub right: u32,
    pub left: u32,
}

impl SideBalance {
    /// Counts each of `done` `times` times.
    fn count(&mut self, done: &[Side], times: u32) {
        for side in done {
            match side {
                Side::Right => self.right += times,
                Side::Left => self.left += times,
            }
        }
    }
}

/// The local day number (days since 1970-01-01) of `at`.
fn local_day(at: Timestamp, utc_offset_secs: i32) -> i64 {
    (at.unix_millis() + i64::from(utc_offset_secs) * 1000).div_euclid(MILLIS_PER_DAY)
}

fn date_text(day: i64) -> String {
    let (year, month, day_of_month) = civil_from_days(day);
    format!("{year:04}-{month:02}-{day_of_month:02}")
}

/// 0 for Monday: 1970-01-01 was a Thursday.
fn weekday(day: i64) -> u8 {
    (day + 3).rem_euclid(7) as u8
}

/// What one local day holds.
#[derive(Debug, Clone, Default)]
struct DayTally {
    taken: u32,
    snoozed: u32,
    skipped: u32,
    cut_short: u32,
    natural_breaks: u32,
    stretch_secs: u64,
}

fn tally_by_day(records: &[HistoryRecord], utc_offset_secs: i32) -> HashMap<i64, DayTally> {
    let mut days: HashMap<i64, DayTally> = HashMap::new();
    for record in records {
        let tally = || DayTally::default();
        let day = local_day(record.at, utc_offset_secs);
        match &record.event {
            HistoryEvent::Completed { duration_secs, .. } => {
                let entry = days.entry(day).or_insert_with(tally);
                entry.taken += 1;
                entry.stretch_secs += duration_secs;
            }
            HistoryEvent::Snoozed { .. } => days.entry(day).or_insert_with(tally).snoozed += 1,
            HistoryEvent::Skipped { .. } => days.entry(day).or_insert_with(tally).skipped += 1,
            HistoryEvent::Abandoned { .. } => days.entry(day).or_insert_with(tally).cut_short += 1,
            HistoryEvent::NaturalBreak { .. } => {
                days.entry(day).or_insert_with(tally).natural_breaks += 1
            }
            HistoryEvent::Due { .. }
            | HistoryEvent::Started { .. }
            | HistoryEvent::Deferred { .. }
            | HistoryEvent::Paused { .. }
            | HistoryEvent::Resumed => {}
        }
    }
    days
}

/// The history window's numbers at `now`. The balance of sides counts the sides each line names;
/// for a completed line that names none (written before lines did), `sides_of` gives the sides of
/// its routine by id (empty or absent: no sides), each counted once.
pub fn history_stats(
    records: &[HistoryRecord],
    now: Timestamp,
    utc_offset_secs: i32,
    sides_of: &dyn Fn(&str) -> Vec<Side>,
) -> HistoryStats {
    let days = tally_by_day(records, utc_offset_secs);
    let today = local_day(now, utc_offset_secs);
    let empty = DayTally::default();
    let on = |day: i64| days.get(&day).unwrap_or(&empty);

    let mut streak_from = today;
    if on(today).taken == 0 {
        streak_from -= 1;
    }
    let mut streak_days = 0;
    while on(streak_from - i64::from(streak_days)).taken > 0 {
        streak_days += 1;
    }
    let today_tally = on(today);
    let today_at_a_glance = Today {
        date: date_text(today),
        taken: today_tally.taken,
        snoozed: today_tally.snoozed,
        skipped: today_tally.skipped,
        natural_breaks: today_tally.natural_breaks,
        minutes_stretched: today_tally.stretch_secs / 60,
        streak_days,
    };

    let last_days = (0..BAR_CHART_DAYS as i64)
        .rev()
        .map(|back| {
            let day = today - back;
            let tally = on(day);
            DayBars {
                date: date_text(day),
                weekday: weekday(day),
                taken: tally.taken,
                snoozed: tally.snoozed,
                skipped: tally.skipped,
            }
        })
        .collect();

    let first_monday = today - i64::from(weekday(today)) - 7 * (HEAT_MAP_WEEKS as i64 - 1);
    let calendar_days = first_monday..first_monday + 7 * HEAT_MAP_WEEKS as i64;
    let busiest = calendar_days
        .clone()
        .filter(|day| *day <= today)
        .map(|day| on(day).taken)
        .max()
        .unwrap_or(0);
    let heat_map = calendar_days
        .map(|day| {
            let taken = if day <= today { on(day).taken } else { 0 };
            HeatDay {
                date: date_text(day),
                taken,
                level: heat_level(taken, busiest),
                future: day > today,
            }
        })
        .collect();

    let mut by_routine: BTreeMap<&str, u32> = BTreeMap::new();
    // Completed lines without sides, by routine: their sides are looked up once per routine.
    let mut sides_unwritten: BTreeMap<&str, u32> = BTreeMap::new();
    let mut sides = SideBalance::default();
    for record in records {
        match &record.event {
            HistoryEvent::Completed {
                routine,
                sides: done,
                ..
            } => {
                *by_routine.entry(routine.as_str()).or_insert(0) += 1;
                match done {
                    Some(done) => sides.count(done, 1),
                    None => *sides_unwritten.entry(routine.as_str()).or_insert(0) += 1,
                }
            }
            HistoryEvent::Skipped { sides: done, .. } => sides.count(done, 1),
            _ => {}
        }
    }
    for (routine, times) in &sides_unwritten {
        sides.count(&sides_of(routine), *times);
    }
    let mut top_stretches: Vec<StretchCount> = by_routine
        .into_iter()
        .map(|(routine, times)| StretchCount {
            routine: routine.to_string(),
            times,
        })
        .collect();
    // Stable, so equal counts stay in id order.
    top_stretches.sort_by_key(|count| std::cmp::Reverse(count.times));

    HistoryStats {
        today: today_at_a_glance,
        last_days,
        heat_map,
        top_stretches,
        sides,
        records: records.len(),
    }
}

/// 0 for a day without stretches; otherwise 1 to 4, the quarter of the busiest day it reaches.
fn heat_level(taken: u32, busiest: u32) -> u8 {
    if taken == 0 || busiest == 0 {
        return 0;
    }
    (taken * 4).div_ceil(busiest).clamp(1, 4) as u8
}

/// The header of [`history_csv`].
pub const CSV_HEADER: &str =
    "date,taken,snoozed,skipped,cut_short,natural_breaks,minutes_stretched";

/// The history as CSV, one line per local day that has a break's outcome or a natural break,
/// oldest first: what a spreadsheet wants. Minutes are the completed stretches' seconds / 60 with
/// one decimal.
pub fn history_csv(records: &[HistoryRecord], utc_offset_secs: i32) -> String {
    let days = tally_by_day(records, utc_offset_secs);
    let mut ordered: Vec<(&i64, &DayTally)> = days.iter().collect();
    ordered.sort_by_key(|(day, _)| **day);
    let mut csv = String::with_capacity(48 * (ordered.len() + 1));
    csv.push_str(CSV_HEADER);
    csv.push('\n');
    for (day, tally) in ordered {
        let tenths = (tally.stretch_secs * 10 + 30) / 60;
        csv.push_str(&format!(
            "{},{},{},{},{},{},{}.{}\n",
            date_text(*day),
            tally.taken,
            tally.snoozed,
            tally.skipped,
            tally.cut_short,
            tally.natural_breaks,
            tenths / 10,
            tenths % 10
        ));
    }
    csv
}
