//! Working hours in a named zone (Europe/Berlin, from the system's zoneinfo): the hours in force at
//! an instant and when they end, across midnight, weekends and both daylight-saving changes; and
//! what the engine does outside them.

use std::time::Duration;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use unhunch_core::engine::Phase;
use unhunch_core::routine::RoutineSet;
use unhunch_core::schedule::{Hours, LocalCalendar, Schedule, parse_span};
use unhunch_core::{Effect, Engine, Input, Settings, Timestamp};

use crate::timeline::{START, h, m, timeline, timeline_with};

/// Local time in a zone, as the daemon gives it with the system's zone.
pub(crate) struct Zone(TimeZone);

const EPOCH: Date = Date::constant(1970, 1, 1);

impl LocalCalendar for Zone {
    fn day_of(&self, at: Timestamp) -> (i64, u8) {
        let zoned = jiff::Timestamp::from_millisecond(at.unix_millis())
            .expect("in range")
            .to_zoned(self.0.clone());
        let day = EPOCH.until(zoned.date()).expect("days").get_days();
        let weekday = zoned.weekday().to_monday_zero_offset() as u8;
        (i64::from(day), weekday)
    }

    fn instant(&self, day: i64, minute: u16) -> Timestamp {
        // 24:00 is the next day's midnight.
        let (day, minute) = (day + i64::from(minute / 1440), minute % 1440);
        let date = EPOCH
            .checked_add(jiff::Span::new().days(day))
            .expect("a date");
        let local = date.at((minute / 60) as i8, (minute % 60) as i8, 0, 0);
        let zoned = local.to_zoned(self.0.clone()).expect("a local time");
        Timestamp::from_unix_millis(zoned.timestamp().as_millisecond())
    }
}

pub(crate) fn berlin() -> Zone {
    Zone(TimeZone::get("Europe/Berlin").expect("Europe/Berlin in the system's zoneinfo"))
}

pub(crate) fn utc(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap_or_else(|| panic!("{text}"))
}

fn weekdays(spans: &[&str]) -> Schedule {
    Schedule {
        days: [true, true, true, true, true, false, false],
        spans: spans.iter().map(|span| parse_span(span).unwrap()).collect(),
    }
}

fn every_day(spans: &[&str]) -> Schedule {
    Schedule {
        days: [true; 7],
        ..weekdays(spans)
    }
}

#[test]
fn within_the_hours_they_end_at_the_spans_end() {
    // Monday 2026-01-05, 12:00 in Berlin (UTC+1).
    let hours = weekdays(&["09:00-17:30"]).hours_at(utc("2026-01-05T11:00:00Z"), &berlin());
    assert_eq!(
        hours,
        Some(Hours::Working {
            until: utc("2026-01-05T16:30:00Z")
        })
    );
}

#[test]
fn a_lunch_break_between_two_spans_is_off_until_the_second() {
    let hours =
        weekdays(&["09:00-12:30", "13:30-17:30"]).hours_at(utc("2026-01-05T11:45:00Z"), &berlin());
    assert_eq!(
        hours,
        Some(Hours::Off {
            until: utc("2026-01-05T12:30:00Z")
        })
    );
}

#[test]
fn friday_evening_is_off_until_monday_morning_across_the_change_to_summer_time() {
    // Friday 2026-03-27 18:00 CET; summer time begins on Sunday the 29th; Monday 09:00 is CEST.
    let hours = weekdays(&["09:00-17:30"]).hours_at(utc("2026-03-27T17:00:00Z"), &berlin());
    assert_eq!(
        hours,
        Some(Hours::Off {
            until: utc("2026-03-30T07:00:00Z")
        })
    );
}

#[test]
fn a_span_across_the_skipped_hour_lasts_an_hour_less() {
    // Sunday 2026-03-29: 02:00 CET is 03:00 CEST. 01:00-04:00 local is 00:00Z-02:00Z.
    let hours = every_day(&["01:00-04:00"]).hours_at(utc("2026-03-29T00:30:00Z"), &berlin());
    assert_eq!(
        hours,
        Some(Hours::Working {
            until: utc("2026-03-29T02:00:00Z")
        })
    );
    // A span that begins in the skipped hour begins when the clock comes out of it.
    let hours = every_day(&["02:30-05:00"]).hours_at(utc("2026-03-29T00:30:00Z"), &berlin());
    assert_eq!(
        hours,
        Some(Hours::Off {
            until: utc("2026-03-29T01:30:00Z")
        })
    );
}

#[test]
fn a_span_across_the_repeated_hour_lasts_an_hour_more() {
    // Sunday 2026-10-25: 03:00 CEST is 02:00 CET. 00:00-04:00 local is 22:00Z (the 24th)-03:00Z.
    let hours = every_day(&["00:00-04:00"]).hours_at(utc("2026-10-25T01:30:00Z"), &berlin());
    assert_eq!(
        hours,
        Some(Hours::Working {
            until: utc("2026-10-25T03:00:00Z")
        })
    );
}

#[test]
fn a_night_shift_goes_on_across_midnight_without_an_end_between() {
    let night = every_day(&["00:00-02:00", "22:00-24:00"]);
    // 23:00 on 2026-01-05 in Berlin: working until 02:00 on the 6th.
    assert_eq!(
        night.hours_at(utc("2026-01-05T22:00:00Z"), &berlin()),
        Some(Hours::Working {
            until: utc("2026-01-06T01:00:00Z")
        })
    );
    // 03:00: off until 22:00.
    assert_eq!(
        night.hours_at(utc("2026-01-06T02:00:00Z"), &berlin()),
        Some(Hours::Off {
            until: utc("2026-01-06T21:00:00Z")
        })
    );
}

#[test]
fn no_working_day_means_no_hours() {
    let never = Schedule {
        days: [false; 7],
        ..weekdays(&["09:00-17:00"])
    };
    assert_eq!(never.hours_at(utc("2026-01-05T11:00:00Z"), &berlin()), None);
}

#[test]
fn spans_are_read_strictly() {
    assert_eq!(parse_span("09:00-17:30"), Ok((540, 1050)));
    assert_eq!(parse_span("22:00-24:00"), Ok((1320, 1440)));
    for bad in [
        "9-17",
        "17:30-09:00",
        "09:00",
        "09:60-10:00",
        "24:30-25:00",
        "9:00-17:00",
    ] {
        assert!(parse_span(bad).is_err(), "{bad} was accepted");
    }
}

fn off_until(offset: Duration) -> Input {
    Input::WorkingHours(Some(Hours::Off {
        until: START.plus(offset),
    }))
}

fn working_until(offset: Duration) -> Input {
    Input::WorkingHours(Some(Hours::Working {
        until: START.plus(offset),
    }))
}

#[test]
fn outside_working_hours_no_break_comes_and_the_countdown_starts_fresh_when_they_begin() {
    let mut t = timeline();
    t.at(m(5))
        .send(off_until(h(2)))
        .expect_nothing()
        .expect_no_next_break();
    assert_eq!(t.engine.status(t.now).off_until, Some(START.plus(h(2))));
    // The break's old time passes: nothing.
    t.at(h(1)).expect_nothing();
    // The hours begin (the engine's own deadline, even before the shell says so).
    t.at(h(2))
        .expect_nothing()
        .expect_next_break_at(h(2) + m(25));
    t.send(working_until(h(10)))
        .expect_nothing()
        .expect_next_break_at(h(2) + m(25));
    assert_eq!(t.engine.status(t.now).off_until, None);
}

#[test]
fn a_due_break_goes_when_the_hours_end() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25)).expect("show due #1, record due #1");
    t.at(m(26))
        .send(off_until(h(16)))
        .expect("withdraw, record abandoned #1")
        .expect_no_next_break();
}

#[test]
fn a_pause_outlasts_the_hours_and_ends_into_them() {
    let mut t = timeline();
    t.at(m(5)).pause_for(h(3));
    t.at(h(1))
        .send(off_until(h(2)))
        .expect_nothing()
        .expect_phase(Phase::Paused);
    // The pause ends after the hours began: a fresh interval.
    t.at(h(3) + m(5))
        .expect("record resumed")
        .expect_next_break_at(h(3) + m(30));
}

#[test]
fn a_break_taken_outside_the_hours_leaves_them_off() {
    let mut t = timeline();
    t.at(m(5)).send(off_until(h(2)));
    t.stretch_now().painted(1);
    t.at(m(6)).complete(1).expect_no_next_break();
    assert_eq!(t.engine.status(t.now).off_until, Some(START.plus(h(2))));
    t.skip().expect("record skipped #2").expect_no_next_break();
}

/// A shell for one schedule in Berlin: it tells the engine the hours at `at` and returns when they
/// end, as the daemon does at each end.
fn tell_hours(engine: &mut Engine, schedule: &Schedule, at: Timestamp) -> (Vec<Effect>, Timestamp) {
    let hours = schedule.hours_at(at, &berlin());
    let effects = engine.handle(Input::WorkingHours(hours), at);
    let until = match hours.expect("hours") {
        Hours::Working { until } | Hours::Off { until } => until,
    };
    (effects, until)
}

#[test]
fn friday_evening_to_monday_morning_across_the_change_to_summer_time() {
    let schedule = weekdays(&["09:00-17:30"]);
    // Friday 2026-03-27 17:10 in Berlin (CET): the first break would be at 17:35.
    let friday = utc("2026-03-27T16:10:00Z");
    let mut engine = Engine::new(Settings::default(), RoutineSet::builtin(), 7, friday);
    let (effects, end) = tell_hours(&mut engine, &schedule, friday);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(end, utc("2026-03-27T16:30:00Z"));
    let (effects, monday) = tell_hours(&mut engine, &schedule, end);
    assert!(effects.is_empty(), "{effects:?}");
    // Monday 09:00 is summer time: 07:00 UTC.
    assert_eq!(monday, utc("2026-03-30T07:00:00Z"));
    assert_eq!(engine.status(end).off_until, Some(monday));
    assert_eq!(engine.next_deadline(), Some(monday));
    // Over the weekend nothing comes; on Monday the countdown starts fresh.
    assert!(engine.handle(Input::Tick, monday).is_empty());
    assert_eq!(
        engine.status(monday).next_break_at,
        Some(monday.plus(Duration::from_secs(25 * 60)))
    );
}
