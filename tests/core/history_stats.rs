//! The history window's numbers (`unhunch_core::history_stats`) from a seeded history: today at a
//! glance, the streak, the 14 bars, the 12-week calendar, the stretches done most, the sides,
//! and the CSV, all by local day (Berlin in winter, one hour ahead of UTC).

use unhunch_core::Timestamp;
use unhunch_core::history::{HistoryEvent, HistoryRecord};
use unhunch_core::history_stats::{
    DayBars, HistoryStats, SideBalance, StretchCount, Today, history_csv, history_stats,
};
use unhunch_core::routine::{RoutineSet, Side};

const BERLIN_WINTER: i32 = 3600;

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap_or_else(|| panic!("{text} is not a time"))
}

fn record(time: &str, event: HistoryEvent) -> HistoryRecord {
    HistoryRecord {
        at: at(time),
        event,
    }
}

fn completed(time: &str, routine: &str, duration_secs: u64) -> HistoryRecord {
    let event = HistoryEvent::Completed {
        break_id: 1,
        routine: routine.into(),
        duration_secs,
        sides: None,
    };
    record(time, event)
}

fn snoozed(time: &str) -> HistoryRecord {
    let event = HistoryEvent::Snoozed {
        break_id: 1,
        snoozes_used: 1,
    };
    record(time, event)
}

fn skipped(time: &str) -> HistoryRecord {
    record(
        time,
        HistoryEvent::Skipped {
            break_id: 1,
            sides: vec![],
        },
    )
}

/// Today is Wednesday 2026-12-02 in Berlin; the calendar runs from Monday 2026-09-14 to Sunday
/// 2026-12-06.
fn seeded() -> Vec<HistoryRecord> {
    vec![
        completed("2026-09-13T10:00:00Z", "chair-twist", 60),
        completed("2026-09-14T10:00:00Z", "seated-twist", 60),
        skipped("2026-11-18T10:00:00Z"),
        skipped("2026-11-20T10:00:00Z"),
        completed("2026-11-28T10:00:00Z", "seated-twist", 90),
        completed("2026-11-30T10:00:00Z", "cobra", 120),
        snoozed("2026-12-01T09:00:00Z"),
        snoozed("2026-12-01T09:05:00Z"),
        completed("2026-12-01T10:00:00Z", "cobra", 100),
        // 00:30 on 2 December in Berlin: today, not yesterday.
        completed("2026-12-01T23:30:00Z", "chair-twist", 60),
        completed("2026-12-02T09:00:00Z", "cobra", 95),
        snoozed("2026-12-02T10:00:00Z"),
        record(
            "2026-12-02T10:30:00Z",
            HistoryEvent::Due {
                break_id: 2,
                routine: None,
            },
        ),
        completed("2026-12-02T11:00:00Z", "seated-twist", 150),
        record(
            "2026-12-02T12:00:00Z",
            HistoryEvent::NaturalBreak { away_secs: 300 },
        ),
        skipped("2026-12-02T13:00:00Z"),
        record(
            "2026-12-02T13:30:00Z",
            HistoryEvent::Abandoned { break_id: 3 },
        ),
    ]
}

fn builtin_sides(routine: &str) -> Vec<Side> {
    RoutineSet::builtin()
        .get(routine)
        .map(|routine| routine.sides.clone())
        .unwrap_or_default()
}

fn stats_at(now: &str, records: &[HistoryRecord]) -> HistoryStats {
    history_stats(records, at(now), BERLIN_WINTER, &builtin_sides)
}

#[test]
fn today_at_a_glance_counts_the_local_day() {
    let stats = stats_at("2026-12-02T15:00:00Z", &seeded());
    assert_eq!(
        stats.today,
        Today {
            date: "2026-12-02".into(),
            taken: 3,
            snoozed: 1,
            skipped: 1,
            natural_breaks: 1,
            // 95 + 150 + 60 seconds.
            minutes_stretched: 5,
            // 2 December, 1 December and 30 November; 29 November has none.
            streak_days: 3,
        }
    );
    assert_eq!(stats.records, 17);
}

#[test]
fn a_streak_goes_on_while_today_has_no_stretch_yet_and_ends_after_an_empty_day() {
    let before_today = seeded()
        .into_iter()
        .filter(|record| record.at < at("2026-12-01T23:00:00Z"))
        .collect::<Vec<_>>();
    let stats = stats_at("2026-12-02T08:00:00Z", &before_today);
    assert_eq!((stats.today.taken, stats.today.streak_days), (0, 2));
    // A whole day without a stretch (3 December) ends it.
    let stats = stats_at("2026-12-04T08:00:00Z", &seeded());
    assert_eq!(stats.today.streak_days, 0);
    assert_eq!(stats_at("2026-12-02T15:00:00Z", &[]).today.streak_days, 0);
}

#[test]
fn the_bar_chart_has_fourteen_days_oldest_first() {
    let stats = stats_at("2026-12-02T15:00:00Z", &seeded());
    let bars = &stats.last_days;
    assert_eq!(bars.len(), 14);
    assert_eq!(
        bars.first(),
        Some(&DayBars {
            date: "2026-11-19".into(),
            weekday: 3,
            ..DayBars::default()
        })
    );
    let with_breaks: Vec<(&str, u8, u32, u32, u32)> = bars
        .iter()
        .filter(|day| day.taken + day.snoozed + day.skipped > 0)
        .map(|day| {
            let date = day.date.as_str();
            (date, day.weekday, day.taken, day.snoozed, day.skipped)
        })
        .collect();
    assert_eq!(
        with_breaks,
        [
            ("2026-11-20", 4, 0, 0, 1),
            ("2026-11-28", 5, 1, 0, 0),
            ("2026-11-30", 0, 1, 0, 0),
            ("2026-12-01", 1, 1, 2, 0),
            ("2026-12-02", 2, 3, 1, 1),
        ]
    );
}

#[test]
fn the_calendar_has_twelve_whole_weeks_from_monday_with_levels_by_the_busiest_day() {
    let stats = stats_at("2026-12-02T15:00:00Z", &seeded());
    let calendar = &stats.heat_map;
    assert_eq!(calendar.len(), 84);
    assert_eq!(calendar[0].date, "2026-09-14");
    assert_eq!(calendar[83].date, "2026-12-06");
    let marked: Vec<(&str, u32, u8)> = calendar
        .iter()
        .filter(|day| day.taken > 0)
        .map(|day| (day.date.as_str(), day.taken, day.level))
        .collect();
    // The busiest day has 3: one stretch is level 2 (a third reaches the second quarter).
    assert_eq!(
        marked,
        [
            ("2026-09-14", 1, 2),
            ("2026-11-28", 1, 2),
            ("2026-11-30", 1, 2),
            ("2026-12-01", 1, 2),
            ("2026-12-02", 3, 4),
        ]
    );
    let future: Vec<&str> = calendar
        .iter()
        .filter(|day| day.future)
        .map(|day| day.date.as_str())
        .collect();
    assert_eq!(
        future,
        ["2026-12-03", "2026-12-04", "2026-12-05", "2026-12-06"]
    );
    let quiet = stats_at("2026-12-02T15:00:00Z", &[]);
    assert!(quiet.heat_map.iter().all(|day| day.level == 0));
}

#[test]
fn stretches_done_most_come_first_and_sides_count_each_side_once_per_stretch() {
    let stats = stats_at("2026-12-02T15:00:00Z", &seeded());
    let count = |routine: &str, times| StretchCount {
        routine: routine.into(),
        times,
    };
    assert_eq!(
        stats.top_stretches,
        [
            count("cobra", 3),
            count("seated-twist", 3),
            count("chair-twist", 2)
        ]
    );
    // The twists have sides (right, then left); the cobra has none.
    assert_eq!(stats.sides, SideBalance { right: 5, left: 5 });
    let only_the_left = |routine: &str| {
        if routine == "cobra" {
            vec![Side::Left]
        } else {
            Vec::new()
        }
    };
    let stats = history_stats(&seeded(), at("2026-12-02T15:00:00Z"), 0, &only_the_left);
    assert_eq!(stats.sides, SideBalance { right: 0, left: 3 });
}

#[test]
fn the_balance_of_sides_counts_the_sides_each_line_says_were_done() {
    let with_sides = |time: &str, routine: &str, sides: Vec<Side>| {
        record(
            time,
            HistoryEvent::Completed {
                break_id: 1,
                routine: routine.into(),
                duration_secs: 60,
                sides: Some(sides),
            },
        )
    };
    let skipped_after =
        |time: &str, sides: Vec<Side>| record(time, HistoryEvent::Skipped { break_id: 2, sides });
    let mut records = seeded();
    records.extend([
        // Written by this version: both sides of a completed twist.
        with_sides(
            "2026-12-02T14:00:00Z",
            "chair-twist",
            vec![Side::Right, Side::Left],
        ),
        // A twist skipped after its right side counts the right side only, and is no stretch
        // done (nor a break taken).
        skipped_after("2026-12-02T14:10:00Z", vec![Side::Right]),
        skipped_after("2026-12-02T14:20:00Z", vec![Side::Right]),
        // A line that names the sides is believed over the routine's file.
        with_sides("2026-12-02T14:30:00Z", "seated-twist", vec![Side::Left]),
    ]);
    let stats = stats_at("2026-12-02T15:00:00Z", &records);
    // The seeded (older) lines: five twists, each side once; then 1 + 2 right and 1 + 1 left.
    assert_eq!(stats.sides, SideBalance { right: 8, left: 7 });
    assert_eq!(
        stats.top_stretches[..2],
        [
            StretchCount {
                routine: "seated-twist".into(),
                times: 4
            },
            StretchCount {
                routine: "chair-twist".into(),
                times: 3
            },
        ]
    );
    assert_eq!((stats.today.taken, stats.today.skipped), (5, 3));
    // The CSV's day counts the skips as skips, whatever sides they had done.
    assert!(
        history_csv(&records, BERLIN_WINTER).ends_with("\n2026-12-02,5,1,3,1,1,7.1\n"),
        "{}",
        history_csv(&records, BERLIN_WINTER)
    );
}

#[test]
fn the_csv_has_a_line_per_local_day_with_breaks() {
    assert_eq!(
        history_csv(&seeded(), BERLIN_WINTER),
        "date,taken,snoozed,skipped,cut_short,natural_breaks,minutes_stretched\n\
         2026-09-13,1,0,0,0,0,1.0\n\
         2026-09-14,1,0,0,0,0,1.0\n\
         2026-11-18,0,0,1,0,0,0.0\n\
         2026-11-20,0,0,1,0,0,0.0\n\
         2026-11-28,1,0,0,0,0,1.5\n\
         2026-11-30,1,0,0,0,0,2.0\n\
         2026-12-01,1,2,0,0,0,1.7\n\
         2026-12-02,3,1,1,1,1,5.1\n"
    );
    assert_eq!(
        history_csv(&[], 0),
        "date,taken,snoozed,skipped,cut_short,natural_breaks,minutes_stretched\n"
    );
}
