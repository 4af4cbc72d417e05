//! Working hours (`[schedule]`): the days and the spans of local time in which breaks come, and
//! when the hours in force at an instant end. The core has no clock and no time-zone database: the
//! shell passes a [`LocalCalendar`] that turns instants into local days and back (with the
//! system's zone in the daemon, a named zone in the tests), so midnight and daylight-saving changes
//! are the calendar's business and this file only counts days and minutes.

use crate::time::Timestamp;

/// Minutes in a day: a span may end at 24:00.
pub const MINUTES_A_DAY: u16 = 24 * 60;

/// The day names the config file takes, Monday first (the weekday numbers used here).
pub const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Days of the week and spans of local time (minutes from midnight, start before end).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Indexed by weekday, Monday = 0.
    pub days: [bool; 7],
    /// Sorted, not overlapping.
    pub spans: Vec<(u16, u16)>,
}

/// What a [`Schedule`] needs to know about local time.
pub trait LocalCalendar {
    /// The local day `at` falls on, as a day number (consecutive days, consecutive numbers), and
    /// its weekday (Monday = 0).
    fn day_of(&self, at: Timestamp) -> (i64, u8);
    /// When `minute` (from local midnight, up to [`MINUTES_A_DAY`]) of local day `day` is. A time
    /// that a change to summer time skips is taken forward, as the clock on the wall is.
    fn instant(&self, day: i64, minute: u16) -> Timestamp;
}

/// The hours in force at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hours {
    /// Within working hours, until `until`.
    Working { until: Timestamp },
    /// Outside them, until they begin at `until`.
    Off { until: Timestamp },
}

/// How many days ahead the next working span is looked for: a week, and one day for the change.
const DAYS_AHEAD: i64 = 8;

impl Schedule {
    /// The hours in force at `now`; `None` when the schedule has no working day (never working
    /// would mean never a break, which the settings check refuses).
    pub fn hours_at(&self, now: Timestamp, calendar: &impl LocalCalendar) -> Option<Hours> {
        let (today, weekday) = calendar.day_of(now);
        // Yesterday too: a span in a day a change to winter time made longer can still be on.
        for offset in -1..DAYS_AHEAD {
            let day = today + offset;
            let weekday = (i64::from(weekday) + offset).rem_euclid(7) as usize;
            if !self.days[weekday] {
                continue;
            }
            for &(start, end) in &self.spans {
                let (from, to) = (calendar.instant(day, start), calendar.instant(day, end));
                if now < from {
                    return Some(Hours::Off { until: from });
                }
                if now < to {
                    return Some(Hours::Working {
                        until: self.end_of_working(day, weekday, end, to, calendar),
                    });
                }
            }
        }
        None
    }

    /// The end of the working time a span ending at `end` of `day` belongs to: a span ending at
    /// midnight goes on into a working day's span starting at midnight, with no end in between.
    fn end_of_working(
        &self,
        day: i64,
        weekday: usize,
        end: u16,
        to: Timestamp,
        calendar: &impl LocalCalendar,
    ) -> Timestamp {
        let next = (weekday + 1) % 7;
        let goes_on = end == MINUTES_A_DAY && self.days[next];
        match self.spans.first() {
            Some(&(0, next_end)) if goes_on && next_end < MINUTES_A_DAY => {
                calendar.instant(day + 1, next_end)
            }
            _ => to,
        }
    }
}

/// Reads "09:00-17:30" (24-hour local times, the end after the start; "24:00" ends at midnight).
pub fn parse_span(text: &str) -> Result<(u16, u16), String> {
    let (start, end) = text
        .split_once('-')
        .ok_or_else(|| format!("\"{text}\" is not a span of hours"))?;
    let (start, end) = (parse_time(start.trim())?, parse_time(end.trim())?);
    if start >= end {
        return Err(format!(
            "\"{text}\" ends before it starts (a span cannot cross midnight: write two)"
        ));
    }
    Ok((start, end))
}

fn parse_time(text: &str) -> Result<u16, String> {
    let (hours, minutes) = text
        .split_once(':')
        .ok_or_else(|| format!("\"{text}\" is not a time like 09:00"))?;
    let hours: u16 = hours
        .parse()
        .map_err(|_| format!("\"{text}\" is not a time like 09:00"))?;
    let minutes: u16 = minutes
        .parse()
        .ok()
        .filter(|minutes| *minutes < 60 && text.len() == 5)
        .ok_or_else(|| format!("\"{text}\" is not a time like 09:00"))?;
    let minute = hours * 60 + minutes;
    if minute > MINUTES_A_DAY {
        return Err(format!("\"{text}\" is past 24:00"));
    }
    Ok(minute)
}
