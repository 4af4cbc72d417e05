//! Working hours in a named zone (Europe/Berlin, from the system's zoneinfo): the hours in force at
//! an instant and when they end, across midnight, weekends and both daylight-saving changes.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use unhunch_core::Timestamp;
use unhunch_core::schedule::{Hours, LocalCalendar, Schedule, parse_span};

/// Local time in a zone, as the daemon gives it with the system's zone.
struct Zone(TimeZone);

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

fn berlin() -> Zone {
    Zone(TimeZone::get("Europe/Berlin").expect("Europe/Berlin in the system's zoneinfo"))
}

fn utc(text: &str) -> Timestamp {
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
