//! The history model: records as JSON lines, and daily summaries by local day, around midnight.

use unhunch_core::Timestamp;
use unhunch_core::engine::{PauseLength, Waiting};
use unhunch_core::history::{
    DaySummary, HistoryEvent, HistoryRecord, MAX_BREAK_ID, daily_summaries, last_break_id,
    pause_in_force, unfinished_break,
};

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap_or_else(|| panic!("{text} is not a time"))
}

fn record(time: &str, event: HistoryEvent) -> HistoryRecord {
    HistoryRecord {
        at: at(time),
        event,
    }
}

fn completed(time: &str, break_id: u64, routine: &str, duration_secs: u64) -> HistoryRecord {
    record(
        time,
        HistoryEvent::Completed {
            break_id,
            routine: routine.into(),
            duration_secs,
            sides: None,
        },
    )
}

#[test]
fn records_are_one_json_object_a_line() {
    let line = serde_json::to_string(&completed("2026-11-23T10:25:00Z", 4, "cobra", 95)).unwrap();
    assert_eq!(
        line,
        r#"{"at":"2026-11-23T10:25:00Z","event":"completed","break_id":4,"routine":"cobra","duration_secs":95}"#
    );
    for record in [
        completed("2026-11-23T10:25:00Z", 4, "cobra", 95),
        record(
            "2026-11-23T10:25:00Z",
            HistoryEvent::Due {
                break_id: 5,
                routine: None,
            },
        ),
        record(
            "2026-11-23T10:25:00Z",
            HistoryEvent::Paused {
                until: Some(at("2026-11-23T12:00:00Z")),
            },
        ),
        record("2026-11-23T10:25:00Z", HistoryEvent::Paused { until: None }),
        record("2026-11-23T10:25:00Z", HistoryEvent::Resumed),
        record(
            "2026-11-23T10:25:00Z",
            HistoryEvent::NaturalBreak { away_secs: 600 },
        ),
    ] {
        let line = serde_json::to_string(&record).unwrap();
        assert_eq!(
            serde_json::from_str::<HistoryRecord>(&line).unwrap(),
            record,
            "{line}"
        );
    }
}

#[test]
fn summaries_tally_each_local_day_newest_first() {
    let records = [
        completed("2026-11-22T09:00:00Z", 1, "cobra", 90),
        record(
            "2026-11-22T09:30:00Z",
            HistoryEvent::Snoozed {
                break_id: 2,
                snoozes_used: 1,
            },
        ),
        record(
            "2026-11-22T09:35:00Z",
            HistoryEvent::Skipped {
                break_id: 3,
                sides: vec![],
            },
        ),
        record(
            "2026-11-23T08:00:00Z",
            HistoryEvent::Due {
                break_id: 4,
                routine: Some("cat-cow".into()),
            },
        ),
        completed("2026-11-23T08:02:00Z", 4, "cat-cow", 120),
        record(
            "2026-11-23T09:00:00Z",
            HistoryEvent::Abandoned { break_id: 5 },
        ),
        record(
            "2026-11-23T09:10:00Z",
            HistoryEvent::NaturalBreak { away_secs: 400 },
        ),
        completed("2026-11-23T10:00:00Z", 6, "wall-angels", 60),
    ];
    let summaries = daily_summaries(&records, at("2026-11-23T12:00:00Z"), 0, 7);
    assert_eq!(
        summaries,
        [
            DaySummary {
                date: "2026-11-23".into(),
                completed: 2,
                abandoned: 1,
                natural_breaks: 1,
                stretch_secs: 180,
                routines: vec!["cat-cow".into(), "wall-angels".into()],
                ..DaySummary::default()
            },
            DaySummary {
                date: "2026-11-22".into(),
                completed: 1,
                snoozed: 1,
                skipped: 1,
                stretch_secs: 90,
                routines: vec!["cobra".into()],
                ..DaySummary::default()
            },
        ]
    );
}

#[test]
fn the_local_offset_decides_which_day_a_break_belongs_to() {
    // 23:30 UTC is the next morning in Berlin (+1) and still the same evening in New York (-5).
    let records = [
        completed("2026-11-23T23:30:00Z", 1, "cobra", 60),
        completed("2026-11-24T00:30:00Z", 2, "cobra", 60),
    ];
    let now = at("2026-11-24T12:00:00Z");
    let dates = |offset_secs: i32| -> Vec<(String, u32)> {
        daily_summaries(&records, now, offset_secs, 7)
            .into_iter()
            .map(|day| (day.date, day.completed))
            .collect()
    };
    assert_eq!(
        dates(0),
        [("2026-11-24".to_string(), 1), ("2026-11-23".to_string(), 1)]
    );
    assert_eq!(dates(3600), [("2026-11-24".to_string(), 2)]);
    assert_eq!(dates(-5 * 3600), [("2026-11-23".to_string(), 2)]);
}

#[test]
fn only_the_asked_days_up_to_today_are_summarised() {
    let records = [
        completed("2026-11-20T23:59:59Z", 1, "cobra", 60),
        completed("2026-11-21T00:00:00Z", 2, "cobra", 60),
        completed("2026-11-23T23:59:59Z", 3, "cobra", 60),
        completed("2026-11-24T00:00:00Z", 4, "cobra", 60),
    ];
    let now = at("2026-11-23T10:00:00Z");
    let dates: Vec<String> = daily_summaries(&records, now, 0, 3)
        .into_iter()
        .map(|day| day.date)
        .collect();
    assert_eq!(dates, ["2026-11-23", "2026-11-21"]);
    assert!(daily_summaries(&records, now, 0, 0).is_empty());
    let one_day: Vec<String> = daily_summaries(&records, now, 0, 1)
        .into_iter()
        .map(|day| day.date)
        .collect();
    assert_eq!(one_day, ["2026-11-23"]);
}

#[test]
fn routines_of_a_day_are_in_time_order_even_if_lines_are_not() {
    let records = [
        completed("2026-11-23T11:00:00Z", 2, "wall-angels", 60),
        completed("2026-11-23T09:00:00Z", 1, "cobra", 60),
    ];
    let summaries = daily_summaries(&records, at("2026-11-23T12:00:00Z"), 0, 1);
    assert_eq!(summaries[0].routines, ["cobra", "wall-angels"]);
}

#[test]
fn the_last_break_id_is_the_highest_any_break_event_names() {
    assert_eq!(last_break_id(&[]), 0);
    let records = [
        completed("2026-11-23T10:25:00Z", 7, "cobra", 95),
        record(
            "2026-11-23T10:30:00Z",
            HistoryEvent::Skipped {
                break_id: 9,
                sides: vec![],
            },
        ),
        // Out of order after a clock change, and events that name no break.
        record(
            "2026-11-23T10:20:00Z",
            HistoryEvent::Snoozed {
                break_id: 8,
                snoozes_used: 1,
            },
        ),
        record("2026-11-23T10:40:00Z", HistoryEvent::Resumed),
        record(
            "2026-11-23T10:45:00Z",
            HistoryEvent::NaturalBreak { away_secs: 600 },
        ),
    ];
    assert_eq!(last_break_id(&records), 9);
}

#[test]
fn a_break_id_beyond_the_json_safe_integers_makes_the_line_damaged() {
    let beyond = format!(
        r#"{{"at":"2026-11-23T10:00:00Z","event":"skipped","break_id":{}}}"#,
        u64::MAX
    );
    let error = serde_json::from_str::<HistoryRecord>(&beyond)
        .expect_err("an id above 2^53 - 1 is refused");
    assert!(
        error.to_string().contains("above the highest break id"),
        "{error}"
    );
    for event in ["due", "started", "snoozed", "abandoned"] {
        let line = format!(
            r#"{{"at":"2026-11-23T10:00:00Z","event":"{event}","break_id":{},"snoozes_used":1}}"#,
            MAX_BREAK_ID + 1
        );
        assert!(
            serde_json::from_str::<HistoryRecord>(&line).is_err(),
            "{line}"
        );
    }
    let completed = format!(
        r#"{{"at":"2026-11-23T10:00:00Z","event":"completed","break_id":{},"routine":"cobra","duration_secs":9}}"#,
        MAX_BREAK_ID + 1
    );
    assert!(serde_json::from_str::<HistoryRecord>(&completed).is_err());
    // The highest id itself is a good line.
    let highest =
        format!(r#"{{"at":"2026-11-23T10:00:00Z","event":"skipped","break_id":{MAX_BREAK_ID}}}"#);
    let record: HistoryRecord = serde_json::from_str(&highest).expect("the highest id reads");
    assert_eq!(last_break_id(&[record]), MAX_BREAK_ID);
}

fn paused(time: &str, until: Option<&str>) -> HistoryRecord {
    record(
        time,
        HistoryEvent::Paused {
            until: until.map(at),
        },
    )
}

#[test]
fn the_pause_in_force_is_the_last_record_when_it_is_a_pause_still_running() {
    let now = at("2026-11-23T12:00:00Z");
    let skipped = record(
        "2026-11-23T09:00:00Z",
        HistoryEvent::Skipped {
            break_id: 1,
            sides: vec![],
        },
    );
    assert_eq!(pause_in_force(&[], now), None);
    assert_eq!(pause_in_force(std::slice::from_ref(&skipped), now), None);
    assert_eq!(
        pause_in_force(
            &[skipped.clone(), paused("2026-11-23T10:00:00Z", None)],
            now
        ),
        Some(PauseLength::Indefinitely)
    );
    assert_eq!(
        pause_in_force(
            &[paused("2026-11-23T10:00:00Z", Some("2026-11-24T08:00:00Z"))],
            now
        ),
        Some(PauseLength::Until(at("2026-11-24T08:00:00Z")))
    );
    // Ended while the daemon was away.
    assert_eq!(
        pause_in_force(
            &[paused("2026-11-23T10:00:00Z", Some("2026-11-23T12:00:00Z"))],
            now
        ),
        None
    );
    // Resumed, or followed by a break's event: over.
    let resumed = record("2026-11-23T11:00:00Z", HistoryEvent::Resumed);
    assert_eq!(
        pause_in_force(&[paused("2026-11-23T10:00:00Z", None), resumed], now),
        None
    );
    let due = record(
        "2026-11-23T11:00:00Z",
        HistoryEvent::Due {
            break_id: 2,
            routine: None,
        },
    );
    assert_eq!(
        pause_in_force(&[paused("2026-11-23T10:00:00Z", None), due], now),
        None
    );
    // A later pause replaces an earlier one.
    assert_eq!(
        pause_in_force(
            &[
                paused("2026-11-23T10:00:00Z", None),
                paused("2026-11-23T11:00:00Z", Some("2026-11-23T13:00:00Z")),
            ],
            now
        ),
        Some(PauseLength::Until(at("2026-11-23T13:00:00Z")))
    );
}

#[test]
fn a_break_begun_with_no_outcome_is_unfinished() {
    let started = |time: &str, break_id| {
        record(
            time,
            HistoryEvent::Started {
                break_id,
                routine: Some("cobra".into()),
            },
        )
    };
    let due = |time: &str, break_id| {
        record(
            time,
            HistoryEvent::Due {
                break_id,
                routine: None,
            },
        )
    };
    assert_eq!(unfinished_break(&[]), None);
    let mut records = vec![
        due("2026-11-23T10:00:00Z", 1),
        started("2026-11-23T10:00:05Z", 1),
        completed("2026-11-23T10:02:00Z", 1, "cobra", 95),
        due("2026-11-23T10:30:00Z", 2),
    ];
    assert_eq!(unfinished_break(&records), Some(2), "due, then nothing");
    records.push(started("2026-11-23T10:30:05Z", 2));
    records.push(record("2026-11-23T10:31:00Z", HistoryEvent::Resumed));
    assert_eq!(unfinished_break(&records), Some(2), "started, then nothing");
    records.push(record(
        "2026-11-23T10:40:00Z",
        HistoryEvent::Abandoned { break_id: 2 },
    ));
    assert_eq!(unfinished_break(&records), None, "abandoned is an outcome");
    records.push(due("2026-11-23T11:00:00Z", 3));
    records.push(record(
        "2026-11-23T11:00:10Z",
        HistoryEvent::Snoozed {
            break_id: 3,
            snoozes_used: 1,
        },
    ));
    assert_eq!(unfinished_break(&records), None, "snoozed is an outcome");
    // An outcome of another break does not finish the open one.
    records.push(started("2026-11-23T11:05:00Z", 4));
    records.push(record(
        "2026-11-23T11:05:01Z",
        HistoryEvent::Skipped {
            break_id: 3,
            sides: vec![],
        },
    ));
    assert_eq!(unfinished_break(&records), Some(4));
}

#[test]
fn a_deferral_is_a_line_with_its_reason_and_older_files_stay_readable() {
    let line = serde_json::to_string(&record(
        "2026-11-23T10:25:00Z",
        HistoryEvent::Deferred {
            reason: Waiting::FullScreen,
        },
    ))
    .unwrap();
    assert_eq!(
        line,
        r#"{"at":"2026-11-23T10:25:00Z","event":"deferred","reason":"full_screen"}"#
    );
    for (reason, waiting) in [
        ("do_not_disturb", Waiting::DoNotDisturb),
        ("camera", Waiting::Camera),
    ] {
        let line =
            format!(r#"{{"at":"2026-11-23T10:25:00Z","event":"deferred","reason":"{reason}"}}"#);
        assert_eq!(
            serde_json::from_str::<HistoryRecord>(&line).unwrap().event,
            HistoryEvent::Deferred { reason: waiting }
        );
    }
    // A file written before deferrals existed has only the older events, read as before; a
    // deferral is not a break outcome, so it neither opens nor closes a break.
    let records = vec![
        record(
            "2026-11-23T10:25:00Z",
            HistoryEvent::Due {
                break_id: 3,
                routine: None,
            },
        ),
        record(
            "2026-11-23T10:26:00Z",
            HistoryEvent::Deferred {
                reason: Waiting::Camera,
            },
        ),
    ];
    assert_eq!(unfinished_break(&records), Some(3));
    assert_eq!(last_break_id(&records), 3);
}

#[test]
fn the_sides_done_are_written_and_older_lines_without_them_still_read() {
    use unhunch_core::routine::Side;
    let completed = record(
        "2026-11-23T10:25:00Z",
        HistoryEvent::Completed {
            break_id: 4,
            routine: "chair-twist".into(),
            duration_secs: 80,
            sides: Some(vec![Side::Right, Side::Left]),
        },
    );
    let skipped = record(
        "2026-11-23T11:00:00Z",
        HistoryEvent::Skipped {
            break_id: 5,
            sides: vec![Side::Right],
        },
    );
    let lines = [
        serde_json::to_string(&completed).unwrap(),
        serde_json::to_string(&skipped).unwrap(),
    ];
    assert_eq!(
        lines,
        [
            r#"{"at":"2026-11-23T10:25:00Z","event":"completed","break_id":4,"routine":"chair-twist","duration_secs":80,"sides":["right","left"]}"#,
            r#"{"at":"2026-11-23T11:00:00Z","event":"skipped","break_id":5,"sides":["right"]}"#,
        ]
    );
    for (line, record) in lines.iter().zip([&completed, &skipped]) {
        assert_eq!(
            &serde_json::from_str::<HistoryRecord>(line).unwrap(),
            record
        );
    }
    // Lines of older versions name no sides: they read as before.
    let old_completed = r#"{"at":"2026-11-23T10:25:00Z","event":"completed","break_id":4,"routine":"chair-twist","duration_secs":80}"#;
    let old_skipped = r#"{"at":"2026-11-23T11:00:00Z","event":"skipped","break_id":5}"#;
    assert_eq!(
        serde_json::from_str::<HistoryRecord>(old_completed)
            .unwrap()
            .event,
        HistoryEvent::Completed {
            break_id: 4,
            routine: "chair-twist".into(),
            duration_secs: 80,
            sides: None,
        }
    );
    assert_eq!(
        serde_json::from_str::<HistoryRecord>(old_skipped)
            .unwrap()
            .event,
        HistoryEvent::Skipped {
            break_id: 5,
            sides: vec![],
        }
    );
    // A break skipped with nothing done writes the line it always did.
    let nothing_done = record(
        "2026-11-23T11:00:00Z",
        HistoryEvent::Skipped {
            break_id: 5,
            sides: vec![],
        },
    );
    assert_eq!(serde_json::to_string(&nothing_done).unwrap(), old_skipped);
}
