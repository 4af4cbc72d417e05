//! Wall-clock instants as plain numbers. The core never asks what time it is: the shells do and
//! pass a [`Timestamp`] in with every input.

use std::fmt;
use std::time::{Duration, SystemTime};

/// Milliseconds in a calendar day of UTC (no leap seconds, as in Unix time).
pub const MILLIS_PER_DAY: i64 = 86_400_000;

/// Milliseconds since the Unix epoch, UTC. Serialized as an RFC 3339 string
/// (`2026-11-23T08:00:00Z`, or with `.123` milliseconds when they are not zero).
///
/// RFC 3339 has four-digit years, so the times that can be written and read back are those from
/// [`Timestamp::EARLIEST`] to [`Timestamp::LATEST`] (years 0000 to 9999): the horizon. The reader
/// rejects anything outside it, the writer clamps to it, and the engine refuses to set a deadline
/// beyond it, so every time Unhunch writes is one it can read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// 0000-01-01T00:00:00Z, the earliest time RFC 3339 can write.
    pub const EARLIEST: Timestamp = Timestamp(-719_528 * MILLIS_PER_DAY);
    /// 9999-12-31T23:59:59.999Z, the latest time RFC 3339 can write.
    pub const LATEST: Timestamp = Timestamp(2_932_897 * MILLIS_PER_DAY - 1);

    pub const fn from_unix_millis(millis: i64) -> Self {
        Timestamp(millis)
    }
    pub const fn from_unix_secs(secs: i64) -> Self {
        Timestamp(secs * 1000)
    }
    /// The instant a wall-clock reading stands for. The shell reads its clock and passes the
    /// reading in; the core never reads one. A reading before 1970 counts as the epoch itself
    /// (a clock that wrong has nothing better to offer), and one beyond the year 9999 counts as
    /// [`Timestamp::LATEST`], so every reading can be written down.
    pub fn from_system_time(wall_clock: SystemTime) -> Self {
        let since_epoch = wall_clock
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp(i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)).within_horizon()
    }
    /// The nearest time that RFC 3339 can write: itself when it is within the horizon.
    pub fn within_horizon(self) -> Self {
        self.clamp(Timestamp::EARLIEST, Timestamp::LATEST)
    }
    /// Whether RFC 3339 can write this time (years 0000 to 9999).
    pub fn is_within_horizon(self) -> bool {
        (Timestamp::EARLIEST..=Timestamp::LATEST).contains(&self)
    }
    pub const fn unix_millis(self) -> i64 {
        self.0
    }
    /// `self + duration`, saturating instead of overflowing.
    pub fn plus(self, duration: Duration) -> Self {
        Timestamp(
            self.0
                .saturating_add(duration.as_millis().min(i64::MAX as u128) as i64),
        )
    }
    /// `self - duration`, saturating instead of overflowing.
    pub fn minus(self, duration: Duration) -> Self {
        Timestamp(
            self.0
                .saturating_sub(duration.as_millis().min(i64::MAX as u128) as i64),
        )
    }
    /// How long from `earlier` to `self`; zero when `earlier` is later.
    pub fn since(self, earlier: Timestamp) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0).max(0) as u64)
    }
    /// RFC 3339 in UTC, e.g. `2026-11-23T08:00:00Z`. A time beyond the horizon is written as the
    /// nearest end of it, so the text is always one [`Timestamp::parse_rfc3339`] accepts (the
    /// engine never stores such a time; a wildly wrong clock is the only source of one).
    pub fn to_rfc3339(self) -> String {
        let within = self.within_horizon();
        let days = within.0.div_euclid(MILLIS_PER_DAY);
        let millis_of_day = within.0.rem_euclid(MILLIS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let secs_of_day = millis_of_day / 1000;
        let millis = millis_of_day % 1000;
        let (hour, minute, second) = (secs_of_day / 3600, secs_of_day / 60 % 60, secs_of_day % 60);
        let mut text = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}");
        if millis != 0 {
            text.push_str(&format!(".{millis:03}"));
        }
        text.push('Z');
        text
    }
    /// Parses RFC 3339 with `Z` or a numeric offset; `None` when it is not a valid instant, or
    /// when its offset takes it beyond the horizon (`0000-01-01T00:00:00+01:00` is in year -1).
    pub fn parse_rfc3339(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        // The fixed part is `YYYY-MM-DDTHH:MM:SS`: 19 ASCII bytes, checked before any slicing.
        if bytes.len() < 20 || !bytes[..19].is_ascii() {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<i64> {
            let part = &text[range];
            if part.bytes().all(|byte| byte.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        };
        let separators_fit = bytes[4] == b'-'
            && bytes[7] == b'-'
            && matches!(bytes[10], b'T' | b't' | b' ')
            && bytes[13] == b':'
            && bytes[16] == b':';
        if !separators_fit {
            return None;
        }
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        let mut rest = &text[19..];
        let mut millis = 0;
        if let Some(fraction_and_offset) = rest.strip_prefix('.') {
            let digits = fraction_and_offset
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            if digits == 0 {
                return None;
            }
            // Only milliseconds are kept; further digits are truncated, as the type is millisecond-exact.
            let kept: String = fraction_and_offset[..digits]
                .chars()
                .chain("000".chars())
                .take(3)
                .collect();
            millis = kept.parse::<i64>().ok()?;
            rest = &fraction_and_offset[digits..];
        }
        let offset_secs = match rest {
            "Z" | "z" => 0,
            _ => {
                let offset = rest.as_bytes();
                if offset.len() != 6 || !rest.is_ascii() || offset[3] != b':' {
                    return None;
                }
                let sign = match offset[0] {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                let digits_only = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
                if !digits_only(&rest[1..3]) || !digits_only(&rest[4..6]) {
                    return None;
                }
                let (offset_hours, offset_minutes): (i64, i64) =
                    (rest[1..3].parse().ok()?, rest[4..6].parse().ok()?);
                if offset_hours > 23 || offset_minutes > 59 {
                    return None;
                }
                sign * (offset_hours * 3600 + offset_minutes * 60)
            }
        };
        let days = days_from_civil(year, month, day);
        let local_secs = days * 86_400 + hour * 3600 + minute * 60 + second;
        Some(Timestamp((local_secs - offset_secs) * 1000 + millis))
            .filter(|instant| instant.is_within_horizon())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse_rfc3339(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not an RFC 3339 time")))
    }
}

/// The calendar date of a day counted from 1970-01-01 (proleptic Gregorian), after Howard
/// Hinnant's `civil_from_days`, so no date crate is needed.
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days since 1970-01-01 of a calendar date; the inverse of [`civil_from_days`].
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_index = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}
