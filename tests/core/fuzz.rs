//! Fuzzing the parsers of everything a user or a crash can hand Unhunch: the config file, routine
//! files, history lines, RFC 3339 times and human durations. Each gets arbitrary bytes and
//! structure-aware input (text built from the pieces the format is made of, so the parser gets
//! deep), for a fixed budget that runs with the core tests in CI. Two promises: no input makes a
//! parser panic, and every value a parser accepts round-trips (written, read back, equal).

use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm};
use unhunch_core::history::HistoryRecord;
use unhunch_core::routine::{Hold, ILLUSTRATIONS, Place, Routine, Side, Step};
use unhunch_core::settings::{Focus, PlaceChoice};
use unhunch_core::{HumanDuration, Settings, Timestamp};

/// Cases per property. Eight properties; the whole module takes about 25 s in a
/// debug build on a two-core machine, and the seed changes every run, so CI keeps exploring.
const CASES: u32 = 2000;

fn budget() -> Config {
    Config {
        cases: CASES,
        rng_algorithm: RngAlgorithm::XorShift,
        // Shrinking a failure is worth more than any budget: let it run.
        ..Config::default()
    }
}

/// Arbitrary bytes, as a reader that decodes UTF-8 leniently would see them.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..400)
            .prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
        any::<String>(),
    ]
}

/// Joins pieces picked from `pieces` (with arbitrary text now and then) into one input.
fn made_of(pieces: &'static [&'static str], count: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            8 => prop::sample::select(pieces).prop_map(str::to_string),
            1 => "[ -~]{0,12}",
            1 => any::<u32>().prop_map(|number| number.to_string()),
        ],
        0..count,
    )
    .prop_map(|parts| parts.concat())
}

// The config file.

const CONFIG_PIECES: &[&str] = &[
    "[breaks]\n",
    "[stretch]\n",
    "[[breaks]]\n",
    "[breaks.extra]\n",
    "interval = ",
    "snooze = ",
    "max_snoozes = ",
    "heads_up = ",
    "natural_break = ",
    "focus = ",
    "place = ",
    "auto_advance = ",
    "breaks.interval = ",
    "\"25m\"",
    "\"1h30m\"",
    "\"0s\"",
    "\"90 s\"",
    "\"2h\"",
    "\"24h\"",
    "\"10s\"",
    "\"1s\"",
    "\"25\"",
    "0",
    "3",
    "100",
    "101",
    "-1",
    "99999999999999999999",
    "true",
    "false",
    "\"both\"",
    "\"left\"",
    "\"right\"",
    "\"any\"",
    "\"chair\"",
    "\"floor\"",
    "[1, 2]",
    "{ a = 1 }",
    "\n",
    "\n",
    "\n",
    " ",
    "# a comment\n",
    "\"",
    "'",
    "=",
    "\"\"\"",
    "é",
    "\u{0}",
];

fn config_settings() -> impl Strategy<Value = Settings> {
    let secs = |range: std::ops::RangeInclusive<u64>| range.prop_map(Duration::from_secs);
    (
        secs(2..=24 * 3600),
        secs(1..=2 * 3600),
        prop_oneof![Just(None), (1u32..=100).prop_map(Some)],
        prop_oneof![Just(None), secs(1..=24 * 3600).prop_map(Some)],
        secs(10..=2 * 3600),
        prop::sample::select(vec![Focus::Both, Focus::Left, Focus::Right]),
        prop::sample::select(vec![
            PlaceChoice::Any,
            PlaceChoice::Chair,
            PlaceChoice::Floor,
        ]),
        any::<bool>(),
    )
        .prop_map(
            |(interval, snooze, max_snoozes, heads_up, natural_break, focus, place, auto)| {
                let mut settings = Settings::default();
                settings.breaks.interval = interval;
                settings.breaks.snooze = snooze;
                settings.breaks.max_snoozes = max_snoozes;
                settings.breaks.heads_up = heads_up.filter(|lead| *lead < interval);
                settings.breaks.natural_break = natural_break;
                settings.stretch.focus = focus;
                settings.stretch.place = place;
                settings.stretch.auto_advance = auto;
                settings
            },
        )
}

fn config_round_trips(text: &str) -> Result<(), TestCaseError> {
    if let Ok(settings) = Settings::parse("config.toml", text) {
        let written = settings.to_toml();
        let read_back = Settings::parse("config.toml", &written);
        prop_assert_eq!(
            read_back.as_ref().ok(),
            Some(&settings),
            "written as {}",
            written
        );
    }
    Ok(())
}

// Routine files.

const ROUTINE_PIECES: &[&str] = &[
    "id = ",
    "name = ",
    "area = ",
    "helps_with = ",
    "place = ",
    "sides = ",
    "illustration = ",
    "safety = ",
    "[[steps]]\n",
    "[steps]\n",
    "text = ",
    "hold = ",
    "repeat = ",
    "\"cobra\"",
    "\"seated-twist\"",
    "\"Cobra\"",
    "\"mid back\"",
    "\"floor\"",
    "\"chair\"",
    "\"standing\"",
    "[\"right\", \"left\"]",
    "[\"left\"]",
    "[\"right\", \"right\"]",
    "[]",
    "\"5 breaths\"",
    "\"31 breaths\"",
    "\"20s\"",
    "\"2m\"",
    "\"3m\"",
    "1",
    "20",
    "21",
    "\"Turn to your {side}.\"",
    "\"Look {other} way {nope}\"",
    "\"{\"",
    "\"  \"",
    "\"a&b<c>\"",
    "\n",
    "\n",
    "\n",
    " ",
    "\"",
    "=",
    "# note\n",
    "'''x'''",
    "\"\"\"\nmulti\nline\"\"\"",
];

/// A complete, valid-looking routine file with random text in its fields, so most cases reach
/// validation (the pieces above mostly stop at the syntax).
fn routine_text() -> impl Strategy<Value = String> {
    let field = prop_oneof![
        "[a-z0-9-]{1,12}",
        "[ -~]{0,20}",
        any::<String>().prop_map(|text| text.chars().take(20).collect()),
    ];
    (
        prop::collection::vec(field, 6),
        prop::sample::select(vec!["floor", "chair", "standing", "sofa"]),
        prop::collection::vec(
            (
                "[ -~]{0,30}",
                prop::sample::select(vec!["", "5 breaths", "20s", "0s", "1 breath", "90s"]),
                0i64..=22,
            ),
            0..4,
        ),
    )
        .prop_map(|(fields, place, steps)| {
            // A JSON string is a TOML basic string too (the same escapes), but for DEL.
            let quoted = |text: &str| serde_json::to_string(text).expect("text serializes");
            let mut text = format!(
                "id = {}\nname = {}\narea = {}\nhelps_with = {}\nplace = \"{place}\"\nillustration = {}\nsafety = {}\n",
                quoted(&fields[0]),
                quoted(&fields[1]),
                quoted(&fields[2]),
                quoted(&fields[3]),
                quoted(&fields[4]),
                quoted(&fields[5]),
            );
            for (step_text, hold, repeat) in steps {
                text.push_str(&format!("[[steps]]\ntext = {}\nrepeat = {repeat}\n", quoted(&step_text)));
                if !hold.is_empty() {
                    text.push_str(&format!("hold = \"{hold}\"\n"));
                }
            }
            text
        })
}

/// A valid routine built directly, to check the writer against every shape the model allows.
fn routine() -> impl Strategy<Value = Routine> {
    let name_like = "[a-z0-9-]{1,16}";
    // Validated text is trimmed and not empty; it may hold any other character.
    let words = any::<String>()
        .prop_map(|text| text.trim().to_string())
        .prop_filter("not empty", |text| !text.is_empty() && !text.contains('{'));
    let hold = prop_oneof![
        Just(None),
        (1u32..=30).prop_map(|count| Some(Hold::Breaths { count })),
        (1u32..=120).prop_map(|secs| Some(Hold::Seconds { secs })),
    ];
    // Only the pictures Unhunch has: a routine naming another one is refused.
    let picture = prop::sample::select(ILLUSTRATIONS).prop_map(str::to_owned);
    let step = (
        words.clone(),
        prop::option::of(picture.clone()),
        hold,
        1u32..=20,
    )
        .prop_map(|(text, illustration, hold, repeat)| Step {
            text,
            illustration,
            hold,
            repeat,
        });
    (
        (
            name_like,
            words.clone(),
            words.clone(),
            words.clone(),
            words,
        ),
        prop::sample::select(vec![Place::Floor, Place::Chair, Place::Standing]),
        prop::sample::select(vec![
            vec![],
            vec![Side::Right],
            vec![Side::Left],
            vec![Side::Right, Side::Left],
            vec![Side::Left, Side::Right],
        ]),
        (picture, prop::collection::vec(step, 1..4)),
    )
        .prop_map(
            |((id, name, area, helps_with, safety), place, sides, (illustration, steps))| Routine {
                id,
                name,
                area,
                helps_with,
                place,
                sides,
                illustration,
                safety,
                steps,
            },
        )
}

fn routine_round_trips(text: &str) -> Result<(), TestCaseError> {
    if let Ok(routine) = Routine::parse("mine.toml", text) {
        let written = routine.to_toml();
        let read_back = Routine::parse("mine.toml", &written);
        prop_assert_eq!(
            read_back.as_ref().ok(),
            Some(&routine),
            "written as {}",
            written
        );
    }
    Ok(())
}

// History lines.

const HISTORY_PIECES: &[&str] = &[
    "{",
    "}",
    ",",
    ":",
    "\"at\"",
    "\"event\"",
    "\"break_id\"",
    "\"routine\"",
    "\"duration_secs\"",
    "\"snoozes_used\"",
    "\"away_secs\"",
    "\"until\"",
    "\"due\"",
    "\"started\"",
    "\"completed\"",
    "\"skipped\"",
    "\"snoozed\"",
    "\"abandoned\"",
    "\"natural_break\"",
    "\"paused\"",
    "\"resumed\"",
    "\"2026-11-23T10:00:00Z\"",
    "\"9999-12-31T23:59:59.999Z\"",
    "\"10000-01-01T00:00:00Z\"",
    "\"0000-01-01T00:00:00+01:00\"",
    "null",
    "1",
    "42",
    "9007199254740991",
    "9007199254740992",
    "18446744073709551615",
    "-1",
    "1.5",
    "\"cobra\"",
    "[]",
    "true",
];

/// A history line as the daemon would write one, with each field's value from a small set of
/// good and bad ones.
fn history_line() -> impl Strategy<Value = String> {
    let value = prop::sample::select(HISTORY_PIECES[21..].to_vec());
    (
        prop::sample::select(HISTORY_PIECES[12..21].to_vec()),
        value.clone(),
        prop::collection::vec(
            (prop::sample::select(HISTORY_PIECES[6..12].to_vec()), value),
            0..4,
        ),
    )
        .prop_map(|(event, at, fields)| {
            let mut line = format!("{{\"at\":{at},\"event\":{event}");
            for (key, value) in fields {
                line.push_str(&format!(",{key}:{value}"));
            }
            line.push('}');
            line
        })
}

fn history_round_trips(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(record) = serde_json::from_slice::<HistoryRecord>(bytes) {
        let written = serde_json::to_string(&record).expect("a record serializes");
        let read_back = serde_json::from_str::<HistoryRecord>(&written);
        prop_assert_eq!(
            read_back.as_ref().ok(),
            Some(&record),
            "written as {}",
            written
        );
    }
    Ok(())
}

// Times and durations.

/// RFC 3339-shaped text: every field in or just out of range, any offset, any fraction.
fn time_text() -> impl Strategy<Value = String> {
    (
        (0u32..=10_000, 0u32..=13, 0u32..=32),
        (0u32..=24, 0u32..=60, 0u32..=60),
        prop::sample::select(vec!["", ".5", ".123", ".123456789", ".", ".x"]),
        prop_oneof![
            Just("Z".to_string()),
            Just("z".to_string()),
            (prop::sample::select(vec!['+', '-', '~']), 0u32..=24, 0u32..=60)
                .prop_map(|(sign, hours, minutes)| format!("{sign}{hours:02}:{minutes:02}")),
        ],
        prop::sample::select(vec!["T", "t", " ", "_"]),
    )
        .prop_map(|((year, month, day), (hour, minute, second), fraction, offset, t)| {
            format!("{year:04}-{month:02}-{day:02}{t}{hour:02}:{minute:02}:{second:02}{fraction}{offset}")
        })
}

fn time_round_trips(text: &str) -> Result<(), TestCaseError> {
    if let Some(time) = Timestamp::parse_rfc3339(text) {
        let written = time.to_rfc3339();
        prop_assert_eq!(
            Timestamp::parse_rfc3339(&written),
            Some(time),
            "written as {}",
            written
        );
    }
    Ok(())
}

fn duration_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop_oneof![0u64..=100, any::<u64>(), Just(u64::MAX)],
            prop::sample::select(vec![
                "s", "sec", "secs", "second", "seconds", "m", "min", "MIN", "minute", "h", "hr",
                "hours", "d", "", "µs",
            ]),
            prop::sample::select(vec!["", " ", "  ", "\t"]),
        ),
        0..4,
    )
    .prop_map(|parts| {
        parts
            .into_iter()
            .map(|(number, unit, space)| format!("{number}{space}{unit}"))
            .collect::<Vec<_>>()
            .join(" ")
    })
}

fn duration_round_trips(text: &str) -> Result<(), TestCaseError> {
    if let Ok(duration) = HumanDuration::parse(text) {
        let written = duration.to_string();
        prop_assert_eq!(
            HumanDuration::parse(&written),
            Ok(duration),
            "written as {}",
            written
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(budget())]

    #[test]
    fn the_config_parser_survives_any_text_and_what_it_accepts_round_trips(
        text in prop_oneof![any_text(), made_of(CONFIG_PIECES, 24)],
    ) {
        config_round_trips(&text)?;
    }

    #[test]
    fn every_valid_config_is_written_and_read_back_unchanged(settings in config_settings()) {
        let written = settings.to_toml();
        prop_assert_eq!(Settings::parse("config.toml", &written).ok(), Some(settings), "written as {}", written);
    }

    #[test]
    fn the_routine_parser_survives_any_text_and_what_it_accepts_round_trips(
        text in prop_oneof![any_text(), made_of(ROUTINE_PIECES, 32), routine_text()],
    ) {
        routine_round_trips(&text)?;
    }

    #[test]
    fn every_valid_routine_is_written_and_read_back_unchanged(routine in routine()) {
        let written = routine.to_toml();
        prop_assert_eq!(Routine::parse("mine.toml", &written).ok(), Some(routine), "written as {}", written);
    }

    #[test]
    fn the_history_reader_survives_any_line_and_what_it_accepts_round_trips(
        line in prop_oneof![
            any_text(),
            made_of(HISTORY_PIECES, 16),
            history_line(),
        ],
    ) {
        history_round_trips(line.as_bytes())?;
    }

    #[test]
    fn the_time_parser_survives_any_text_and_what_it_accepts_round_trips(
        text in prop_oneof![any_text(), time_text()],
    ) {
        time_round_trips(&text)?;
    }

    #[test]
    fn every_time_is_written_as_one_that_reads_back(millis in prop_oneof![any::<i64>(), Timestamp::EARLIEST.unix_millis()..=Timestamp::LATEST.unix_millis()]) {
        let time = Timestamp::from_unix_millis(millis);
        prop_assert_eq!(Timestamp::parse_rfc3339(&time.to_rfc3339()), Some(time.within_horizon()));
    }

    #[test]
    fn the_duration_parser_survives_any_text_and_what_it_accepts_round_trips(
        text in prop_oneof![any_text(), duration_text()],
    ) {
        duration_round_trips(&text)?;
    }
}
