//! The daemon's only clock reads: wall-clock now, clock-jump detection, and local time for people.
//!
//! The core never asks what time it is; this module is where the shell does. It also knows the
//! local time zone (the core does not), for "until tomorrow" and "at 14:30".

use std::time::{Duration, Instant, SystemTime};

use jiff::tz::TimeZone;
use unhunch_core::Timestamp;
use unhunch_core::schedule::LocalCalendar;

/// The wall clock as a core [`Timestamp`].
pub fn now() -> Timestamp {
    Timestamp::from_system_time(SystemTime::now())
}

/// A gap this large between wall-clock and monotonic time is a suspend or a clock change, not
/// scheduling jitter.
const JUMP_THRESHOLD_MILLIS: i64 = 2_000;

/// Compares wall-clock time with monotonic time between two looks. Linux's monotonic clock stops
/// while the machine sleeps, so a suspend shows up as the wall clock running ahead.
#[derive(Debug)]
pub struct ClockWatch {
    last_wall: Timestamp,
    last_monotonic: Instant,
}

impl ClockWatch {
    pub fn new() -> ClockWatch {
        ClockWatch {
            last_wall: now(),
            last_monotonic: Instant::now(),
        }
    }

    /// The wall clock now, and by how many milliseconds it jumped since the last look (positive:
    /// forward), when it did.
    pub fn look(&mut self) -> (Timestamp, Option<i64>) {
        let wall = now();
        let monotonic = Instant::now();
        let wall_elapsed = wall.unix_millis() - self.last_wall.unix_millis();
        let monotonic_elapsed = monotonic.duration_since(self.last_monotonic).as_millis() as i64;
        self.last_wall = wall;
        self.last_monotonic = monotonic;
        let gap = wall_elapsed - monotonic_elapsed;
        (wall, (gap.abs() >= JUMP_THRESHOLD_MILLIS).then_some(gap))
    }
}

/// Local hour at which "until tomorrow" ends: the start of a working morning.
const TOMORROW_MORNING_HOUR: i8 = 8;
/// Before this local hour, "tomorrow" still means the coming morning (someone working late).
const NIGHT_ENDS_HOUR: i8 = 4;

/// The end of an "until tomorrow" pause asked for at `now`: 08:00 local on the next morning.
pub fn tomorrow_morning(now: Timestamp) -> Timestamp {
    let Ok(instant) = jiff::Timestamp::from_millisecond(now.unix_millis()) else {
        return now.plus(Duration::from_secs(12 * 3600));
    };
    let zoned = instant.to_zoned(local_time_zone());
    let date = if zoned.hour() < NIGHT_ENDS_HOUR {
        zoned.date()
    } else {
        zoned.date().tomorrow().unwrap_or(zoned.date())
    };
    date.at(TOMORROW_MORNING_HOUR, 0, 0, 0)
        .to_zoned(local_time_zone())
        .map(|morning| Timestamp::from_unix_millis(morning.timestamp().as_millisecond()))
        .unwrap_or_else(|_| now.plus(Duration::from_secs(12 * 3600)))
}

/// The local UTC offset in seconds at `at`, for daily history summaries.
pub fn utc_offset_secs(at: Timestamp) -> i32 {
    jiff::Timestamp::from_millisecond(at.unix_millis())
        .map(|instant| local_time_zone().to_offset(instant).seconds())
        .unwrap_or(0)
}

/// "14:30" for today, "Tue 08:00" within a week, "2026-12-24 08:00" beyond.
pub fn local_time_text(at: Timestamp, now: Timestamp) -> String {
    let (Ok(at_instant), Ok(now_instant)) = (
        jiff::Timestamp::from_millisecond(at.unix_millis()),
        jiff::Timestamp::from_millisecond(now.unix_millis()),
    ) else {
        return at.to_rfc3339();
    };
    let zone = local_time_zone();
    let at_zoned = at_instant.to_zoned(zone.clone());
    let now_zoned = now_instant.to_zoned(zone);
    if at_zoned.date() == now_zoned.date() {
        at_zoned.strftime("%H:%M").to_string()
    } else if at.since(now) < Duration::from_secs(6 * 24 * 3600) {
        at_zoned.strftime("%a %H:%M").to_string()
    } else {
        at_zoned.strftime("%Y-%m-%d %H:%M").to_string()
    }
}

/// "Monday 09:00": when working hours begin, for "Off until Monday 09:00".
pub fn local_day_and_time_text(at: Timestamp) -> String {
    jiff::Timestamp::from_millisecond(at.unix_millis())
        .map(|instant| {
            instant
                .to_zoned(local_time_zone())
                .strftime("%A %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_rfc3339())
}

/// Local time in the system's zone, for working hours ([`unhunch_core::schedule`]).
pub struct SystemCalendar(TimeZone);

impl SystemCalendar {
    pub fn new() -> SystemCalendar {
        SystemCalendar(local_time_zone())
    }
}

/// The day numbers count from 1970-01-01.
const EPOCH: jiff::civil::Date = jiff::civil::Date::constant(1970, 1, 1);

impl LocalCalendar for SystemCalendar {
    fn day_of(&self, at: Timestamp) -> (i64, u8) {
        let Ok(instant) = jiff::Timestamp::from_millisecond(at.unix_millis()) else {
            return (0, 3);
        };
        let zoned = instant.to_zoned(self.0.clone());
        let day = EPOCH
            .until(zoned.date())
            .map_or(0, |span| i64::from(span.get_days()));
        (day, zoned.weekday().to_monday_zero_offset() as u8)
    }

    fn instant(&self, day: i64, minute: u16) -> Timestamp {
        // 24:00 is the next day's midnight.
        let (day, minute) = (day + i64::from(minute / 1440), minute % 1440);
        EPOCH
            .checked_add(jiff::Span::new().days(day))
            .ok()
            .map(|date| date.at((minute / 60) as i8, (minute % 60) as i8, 0, 0))
            .and_then(|local| local.to_zoned(self.0.clone()).ok())
            .map_or(Timestamp::LATEST, |zoned| {
                Timestamp::from_unix_millis(zoned.timestamp().as_millisecond())
            })
    }
}

fn local_time_zone() -> TimeZone {
    TimeZone::try_system().unwrap_or(TimeZone::UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tomorrow_morning_is_in_the_future_and_within_a_day_and_a_half() {
        let now = now();
        let morning = tomorrow_morning(now);
        assert!(morning > now);
        assert!(
            morning.since(now) <= Duration::from_secs(32 * 3600 + 3600),
            "{morning} from {now}"
        );
    }

    #[test]
    fn a_steady_clock_has_no_jump() {
        let mut watch = ClockWatch::new();
        let (_, jump) = watch.look();
        assert_eq!(jump, None);
    }
}
