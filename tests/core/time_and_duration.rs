//! Timestamps (RFC 3339 both ways) and human durations ("25m", "1h30m", "12 min").

use std::time::Duration;

use unhunch_core::duration::friendly;
use unhunch_core::{HumanDuration, Timestamp};

#[test]
fn timestamps_print_as_rfc3339_in_utc() {
    assert_eq!(
        Timestamp::from_unix_secs(0).to_rfc3339(),
        "1970-01-01T00:00:00Z"
    );
    assert_eq!(
        Timestamp::from_unix_secs(1_795_420_800).to_rfc3339(),
        "2026-11-23T08:00:00Z"
    );
    assert_eq!(
        Timestamp::from_unix_millis(1_795_420_800_123).to_rfc3339(),
        "2026-11-23T08:00:00.123Z"
    );
    assert_eq!(
        Timestamp::from_unix_secs(951_782_400).to_rfc3339(),
        "2000-02-29T00:00:00Z"
    );
    assert_eq!(
        Timestamp::from_unix_millis(-1).to_rfc3339(),
        "1969-12-31T23:59:59.999Z"
    );
}

#[test]
fn timestamps_parse_with_z_or_a_numeric_offset() {
    let eight_utc = Timestamp::from_unix_secs(1_795_420_800);
    assert_eq!(
        Timestamp::parse_rfc3339("2026-11-23T08:00:00Z"),
        Some(eight_utc)
    );
    assert_eq!(
        Timestamp::parse_rfc3339("2026-11-23T09:00:00+01:00"),
        Some(eight_utc)
    );
    assert_eq!(
        Timestamp::parse_rfc3339("2026-11-23T03:30:00-04:30"),
        Some(eight_utc)
    );
    assert_eq!(
        Timestamp::parse_rfc3339("2026-11-23t08:00:00z"),
        Some(eight_utc)
    );
    assert_eq!(
        Timestamp::parse_rfc3339("2026-11-23T08:00:00.5Z"),
        Some(Timestamp::from_unix_millis(1_795_420_800_500))
    );
    assert_eq!(
        Timestamp::parse_rfc3339("2026-11-23T08:00:00.123456Z"),
        Some(Timestamp::from_unix_millis(1_795_420_800_123))
    );
}

#[test]
fn invalid_timestamps_are_rejected() {
    for text in [
        "",
        "2026-11-23",
        "2026-11-23T08:00:00",
        "2026-13-01T00:00:00Z",
        "2026-02-29T00:00:00Z",
        "2026-11-31T00:00:00Z",
        "2026-11-23T24:00:00Z",
        "2026-11-23T08:60:00Z",
        "2026-11-23T08:00:00.Z",
        "2026-11-23T08:00:00+1:00",
        "2026-11-23T08:00:00+01:00junk",
        "2026-11-23T08:00:00é",
        "２０26-11-23T08:00:00Z",
    ] {
        assert_eq!(
            Timestamp::parse_rfc3339(text),
            None,
            "{text:?} should be rejected"
        );
    }
}

#[test]
fn timestamps_round_trip_through_text_and_json() {
    for millis in [
        0,
        1,
        999,
        1_795_420_800_000,
        1_795_420_800_042,
        -86_400_001,
        4_102_444_799_999,
    ] {
        let timestamp = Timestamp::from_unix_millis(millis);
        assert_eq!(
            Timestamp::parse_rfc3339(&timestamp.to_rfc3339()),
            Some(timestamp)
        );
        let json = serde_json::to_string(&timestamp).unwrap();
        assert_eq!(serde_json::from_str::<Timestamp>(&json).unwrap(), timestamp);
    }
    let error = serde_json::from_str::<Timestamp>("\"yesterday\"").unwrap_err();
    assert!(
        error
            .to_string()
            .contains("\"yesterday\" is not an RFC 3339 time"),
        "{error}"
    );
}

#[test]
fn durations_parse_the_way_people_write_them() {
    let secs = |text: &str| HumanDuration::parse(text).map(HumanDuration::as_secs);
    assert_eq!(secs("25m"), Ok(1500));
    assert_eq!(secs("90s"), Ok(90));
    assert_eq!(secs("1h30m"), Ok(5400));
    assert_eq!(secs("1h 30m"), Ok(5400));
    assert_eq!(secs("2 min"), Ok(120));
    assert_eq!(secs("25 minutes"), Ok(1500));
    assert_eq!(secs("1 hour 5 mins 3 secs"), Ok(3903));
    assert_eq!(secs("2hr"), Ok(7200));
    assert_eq!(secs("0s"), Ok(0));
    assert_eq!(secs("0"), Ok(0));
    assert_eq!(secs(" 5M "), Ok(300));
}

#[test]
fn bad_durations_say_what_is_wrong() {
    let error = |text: &str| HumanDuration::parse(text).unwrap_err();
    assert_eq!(error(""), "it is empty");
    assert_eq!(error("25"), "25 has no unit");
    assert_eq!(error("25 minuets"), "\"minuets\" is not a unit");
    assert_eq!(
        error("twenty minutes"),
        "expected a number at \"twenty minutes\""
    );
    assert_eq!(error("1.5h"), "unexpected \".\" after 1");
    assert_eq!(error("-5m"), "expected a number at \"-5m\"");
    assert_eq!(
        error("99999999999999999999s"),
        "99999999999999999999 is too large"
    );
}

#[test]
fn durations_display_in_their_shortest_exact_form() {
    let shown = |secs: u64| HumanDuration(Duration::from_secs(secs)).to_string();
    assert_eq!(shown(1500), "25m");
    assert_eq!(shown(90), "1m30s");
    assert_eq!(shown(3600), "1h");
    assert_eq!(shown(3661), "1h1m1s");
    assert_eq!(shown(0), "0s");
    for secs in [0, 1, 59, 60, 61, 3599, 3600, 86_400, 90_061] {
        assert_eq!(
            HumanDuration::parse(&shown(secs)),
            Ok(HumanDuration(Duration::from_secs(secs)))
        );
    }
}

#[test]
fn friendly_durations_are_rounded_for_people() {
    assert_eq!(friendly(Duration::from_secs(45)), "45 s");
    assert_eq!(friendly(Duration::from_millis(400)), "0 s");
    assert_eq!(friendly(Duration::from_secs(12 * 60)), "12 min");
    assert_eq!(friendly(Duration::from_secs(12 * 60 + 29)), "12 min");
    assert_eq!(friendly(Duration::from_secs(12 * 60 + 30)), "13 min");
    assert_eq!(friendly(Duration::from_secs(3600)), "1 h");
    assert_eq!(friendly(Duration::from_secs(3600 + 5 * 60)), "1 h 5 min");
    assert_eq!(friendly(Duration::from_secs(59 * 60 + 45)), "1 h");
}

#[test]
fn the_horizon_is_the_years_rfc3339_can_write_and_both_ends_read_back() {
    assert_eq!(Timestamp::EARLIEST.to_rfc3339(), "0000-01-01T00:00:00Z");
    assert_eq!(Timestamp::LATEST.to_rfc3339(), "9999-12-31T23:59:59.999Z");
    for end in [Timestamp::EARLIEST, Timestamp::LATEST] {
        assert_eq!(Timestamp::parse_rfc3339(&end.to_rfc3339()), Some(end));
    }
}

#[test]
fn times_beyond_the_horizon_are_written_as_its_nearest_end_so_they_always_read_back() {
    let far = Timestamp::from_unix_millis(i64::MAX);
    assert_eq!(far.to_rfc3339(), "9999-12-31T23:59:59.999Z");
    assert_eq!(
        Timestamp::from_unix_millis(i64::MIN).to_rfc3339(),
        "0000-01-01T00:00:00Z"
    );
    // A pause of 100000000h from now, which once wrote a five-digit year.
    let after_a_long_pause =
        Timestamp::from_unix_secs(1_795_420_800).plus(Duration::from_secs(100_000_000 * 3600));
    assert!(!after_a_long_pause.is_within_horizon());
    assert!(Timestamp::parse_rfc3339(&after_a_long_pause.to_rfc3339()).is_some());
    assert_eq!(
        Timestamp::from_system_time(
            std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1 << 60)
        ),
        Timestamp::LATEST
    );
}

#[test]
fn an_offset_that_takes_a_time_beyond_the_horizon_is_not_a_time() {
    assert_eq!(Timestamp::parse_rfc3339("0000-01-01T00:00:00+01:00"), None);
    assert_eq!(Timestamp::parse_rfc3339("9999-12-31T23:30:00-01:00"), None);
    assert!(Timestamp::parse_rfc3339("0000-01-01T00:30:00+00:30").is_some());
    assert!(Timestamp::parse_rfc3339("9999-12-31T22:59:59-01:00").is_some());
}
