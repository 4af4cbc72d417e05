//! Wall-clock instants as plain numbers. The core never asks what time it is: the shells do and
//! pass a [`Timestamp`] in with every input.

use std::fmt;
use std::time::Duration;

/// Milliseconds since the Unix epoch, UTC. Serialized as an RFC 3339 string
/// (`2026-11-23T08:00:00Z`, or with `.123` milliseconds when they are not zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub const fn from_unix_millis(millis: i64) -> Self {
        Timestamp(millis)
    }
    pub const fn from_unix_secs(secs: i64) -> Self {
        Timestamp(secs * 1000)
    }
    pub const fn unix_millis(self) -> i64 {
        self.0
    }
    /// `self + duration`, saturating instead of overflowing.
    pub fn plus(self, duration: Duration) -> Self {
        Timestamp(self.0.saturating_add(duration.as_millis().min(i64::MAX as u128) as i64))
    }
    /// `self - duration`, saturating instead of overflowing.
    pub fn minus(self, duration: Duration) -> Self {
        Timestamp(self.0.saturating_sub(duration.as_millis().min(i64::MAX as u128) as i64))
    }
    /// How long from `earlier` to `self`; zero when `earlier` is later.
    pub fn since(self, earlier: Timestamp) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0).max(0) as u64)
    }
    /// RFC 3339 in UTC, e.g. `2026-11-23T08:00:00Z`.
    pub fn to_rfc3339(self) -> String {
        todo!()
    }
    /// Parses RFC 3339 with `Z` or a numeric offset; `None` when it is not a valid instant.
    pub fn parse_rfc3339(text: &str) -> Option<Self> {
        let _ = text;
        todo!()
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
