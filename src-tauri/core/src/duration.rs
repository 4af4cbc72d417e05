//! Durations the way people write them: "25m", "90s", "1h30m", "2 min".

use std::fmt;
use std::time::Duration;

/// A duration parsed from, and shown as, human text. Whole seconds only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct HumanDuration(pub Duration);

impl HumanDuration {
    /// Accepts one or more `<number><unit>` parts, optionally separated by spaces:
    /// units `s`/`sec`/`secs`/`second(s)`, `m`/`min`/`mins`/`minute(s)`, `h`/`hr`/`hour(s)`.
    /// "0s" (or "0") is zero. Errors say what was wrong in a sentence fragment.
    pub fn parse(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err("it is empty".to_string());
        }
        if trimmed == "0" {
            return Ok(HumanDuration(Duration::ZERO));
        }
        let mut total_secs: u64 = 0;
        let mut rest = trimmed;
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(format!("expected a number at \"{rest}\""));
            }
            let number: u64 = rest[..digits]
                .parse()
                .map_err(|_| format!("{} is too large", &rest[..digits]))?;
            rest = rest[digits..].trim_start();
            let unit_length = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
            if unit_length == 0 {
                return Err(match rest.chars().next() {
                    Some(other) => format!("unexpected \"{other}\" after {number}"),
                    None => format!("{number} has no unit"),
                });
            }
            let unit = &rest[..unit_length];
            let secs_per_unit = match unit.to_ascii_lowercase().as_str() {
                "s" | "sec" | "secs" | "second" | "seconds" => 1,
                "m" | "min" | "mins" | "minute" | "minutes" => 60,
                "h" | "hr" | "hour" | "hours" => 3600,
                _ => return Err(format!("\"{unit}\" is not a unit")),
            };
            let part = number
                .checked_mul(secs_per_unit)
                .ok_or_else(|| format!("{number}{unit} is too large"))?;
            total_secs = total_secs
                .checked_add(part)
                .ok_or_else(|| "it is too large".to_string())?;
            rest = rest[unit_length..].trim_start();
        }
        Ok(HumanDuration(Duration::from_secs(total_secs)))
    }
    pub fn as_secs(self) -> u64 {
        self.0.as_secs()
    }
}

/// Shortest exact form: "25m", "90s" is shown as "1m30s", "1h", "0s".
impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total_secs = self.0.as_secs();
        if total_secs == 0 {
            return f.write_str("0s");
        }
        let (hours, minutes, secs) = (total_secs / 3600, total_secs / 60 % 60, total_secs % 60);
        if hours > 0 {
            write!(f, "{hours}h")?;
        }
        if minutes > 0 {
            write!(f, "{minutes}m")?;
        }
        if secs > 0 {
            write!(f, "{secs}s")?;
        }
        Ok(())
    }
}

/// Friendly rounded form for people: "12 min", "45 s", "1 h 5 min".
pub fn friendly(duration: Duration) -> String {
    // Round to the nearest second, then (from a minute on) to the nearest minute: people read
    // "2 min" faster than "1 min 48 s", and the exact value lives in the config anyway.
    let secs = (duration.as_millis() + 500) / 1000;
    if secs < 60 {
        return format!("{secs} s");
    }
    let minutes = (secs + 30) / 60;
    if minutes < 60 {
        return format!("{minutes} min");
    }
    match (minutes / 60, minutes % 60) {
        (hours, 0) => format!("{hours} h"),
        (hours, minutes) => format!("{hours} h {minutes} min"),
    }
}

/// A length the user set, written the one way the tray, the notifications and the stretch window
/// all show it: "45 s", "1 min 30 s" (seconds are kept below five minutes, where they matter),
/// "25 min", "1 h 5 min". The window gets these words in its plan rather than writing its own.
pub fn written(duration: Duration) -> String {
    let secs = (duration.as_millis() + 500) / 1000;
    if secs < 60 {
        return format!("{secs} s");
    }
    let (hours, minutes, seconds) = (secs / 3600, secs % 3600 / 60, secs % 60);
    if hours > 0 {
        return match minutes {
            0 => format!("{hours} h"),
            minutes => format!("{hours} h {minutes} min"),
        };
    }
    if minutes < 5 && seconds > 0 {
        return format!("{minutes} min {seconds} s");
    }
    format!("{} min", (secs + 30) / 60)
}

/// [`written`] as a screen reader should say it, with whole words and their plurals: "1 minute",
/// "1 minute 30 seconds", "2 hours 5 minutes".
pub fn spoken(duration: Duration) -> String {
    let words: Vec<String> = written(duration)
        .split(' ')
        .collect::<Vec<_>>()
        .chunks(2)
        .map(|pair| match pair {
            [count, unit] => {
                let word = match *unit {
                    "s" => "second",
                    "min" => "minute",
                    _ => "hour",
                };
                let plural = if *count == "1" { "" } else { "s" };
                format!("{count} {word}{plural}")
            }
            other => other.join(" "),
        })
        .collect();
    words.join(" ")
}

/// A routine's length as an estimate, in whole minutes: "about 2 min" reads kinder than
/// "2 min 18 s", and nothing is shorter than "1 min".
pub fn about(duration: Duration) -> String {
    if duration < Duration::from_secs(60) {
        "1 min".to_owned()
    } else {
        friendly(duration)
    }
}
