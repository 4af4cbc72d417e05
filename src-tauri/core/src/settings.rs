//! Settings: TOML text in, validated [`Settings`] out (parse, then validate; see STYLE.md §2).
//!
//! Every mistake becomes a [`Problem`] naming file, line, key and what is accepted. Unknown keys
//! suggest the nearest known one. The defaults are embedded, so no file is ever needed.

use std::time::Duration;

use toml::Spanned;
use toml::de::{DeString, DeValue};

use crate::duration::HumanDuration;
use crate::problem::Problem;
use crate::routine::RoutineSet;
use crate::schedule::{DAY_NAMES, Schedule, parse_span};
use crate::toml_check::{Check, nearest, parse_document};

/// The commented example config, also the source of truth for the defaults: parsing it must give
/// `Settings::default()` (a test checks this).
pub const EXAMPLE_CONFIG: &str = include_str!("example-config.toml");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub breaks: BreakSettings,
    pub stretch: StretchSettings,
    /// Working hours (`[schedule]`); `None` when the file has none: breaks come at any hour.
    pub schedule: Option<Schedule>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakSettings {
    /// Working time between breaks. `[breaks] interval`, default 25m, at least 1s (so tests can
    /// run fast), at most 24h.
    pub interval: Duration,
    /// How far a snooze pushes the break. `[breaks] snooze`, default 5m, 1s..=2h.
    pub snooze: Duration,
    /// `None` = unlimited (`max_snoozes = 0` in the file). Default 3, at most 100.
    pub max_snoozes: Option<u32>,
    /// Lead time of the heads-up notification; `None` when off (`heads_up = "0s"`).
    /// Default 30s; must be shorter than `interval`.
    pub heads_up: Option<Duration>,
    /// Time away from the keyboard (idle, suspend) that counts as a break taken.
    /// `[breaks] natural_break`, default 3m, 10s..=2h.
    pub natural_break: Duration,
    /// A break that comes due while the user is typing waits for a pause this long (no input);
    /// `None` when off (`wait_for_pause = "0s"`). Default 10s, at most 2m.
    pub wait_for_pause: Option<Duration>,
    /// The longest a due break waits for the right moment, then it comes anyway.
    /// `[breaks] max_wait`, default 30m, 10s..=4h.
    pub max_wait: Duration,
    /// A break waits while the active window is full screen. `[breaks] defer_for_fullscreen`,
    /// default true.
    pub defer_for_fullscreen: bool,
    /// A break waits while the notification server is in do-not-disturb.
    /// `[breaks] defer_for_do_not_disturb`, default true.
    pub defer_for_do_not_disturb: bool,
    /// A break waits while another program has a camera open. `[breaks] defer_for_camera`,
    /// default true.
    pub defer_for_camera: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StretchSettings {
    /// Which side of the mid back hurts. `[stretch] focus`, default both.
    pub focus: Focus,
    /// Where the user can stretch. `[stretch] place`, default any.
    pub place: PlaceChoice,
    /// Move to the next step by itself when a hold ends. `[stretch] auto_advance`, default true.
    pub auto_advance: bool,
    /// A soft tone at the end of each hold and of the stretch, played by the stretch window
    /// (never the daemon). `[stretch] sound`, default false.
    pub sound: bool,
    /// Routine ids the random pick never offers. `[stretch] leave_out`, default none. Whether
    /// each names a routine is checked against the routines in use by
    /// [`Settings::parse_with_routines`].
    pub leave_out: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Focus {
    Both,
    Left,
    Right,
}

/// Where the user is able to stretch. `Chair` allows chair and standing routines; `Floor` allows
/// floor routines only; `Any` allows all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlaceChoice {
    Any,
    Chair,
    Floor,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            breaks: BreakSettings {
                interval: Duration::from_secs(25 * 60),
                snooze: Duration::from_secs(5 * 60),
                max_snoozes: Some(3),
                heads_up: Some(Duration::from_secs(30)),
                natural_break: Duration::from_secs(3 * 60),
                wait_for_pause: Some(Duration::from_secs(10)),
                max_wait: Duration::from_secs(30 * 60),
                defer_for_fullscreen: true,
                defer_for_do_not_disturb: true,
                defer_for_camera: true,
            },
            stretch: StretchSettings {
                focus: Focus::Both,
                place: PlaceChoice::Any,
                auto_advance: true,
                sound: false,
                leave_out: Vec::new(),
            },
            schedule: None,
        }
    }
}

impl Settings {
    /// Parses and validates a config file's text. `file` is only used in messages.
    /// Returns every problem found, not just the first, in line order.
    pub fn parse(file: &str, text: &str) -> Result<Settings, Vec<Problem>> {
        let document = parse_document(file, text, "interval = \"25m\"")?;
        let mut check = Check::new(file, text);
        let mut settings = Settings::default();
        // Where heads_up and interval were written, for the "shorter than" check across the two.
        let mut heads_up_span = None;
        let mut interval_span = None;

        for (table_key, table_value) in document.iter() {
            let table_name = table_key.get_ref().as_ref();
            let known_keys = match table_name {
                "breaks" => BREAKS_KEYS,
                "stretch" => STRETCH_KEYS,
                "schedule" => SCHEDULE_KEYS,
                _ => {
                    report_unknown_top_level(&mut check, table_key, table_value);
                    continue;
                }
            };
            let DeValue::Table(table) = table_value.get_ref() else {
                check.wrong_type(
                    table_value,
                    table_name,
                    "a table",
                    Some(format!(
                        "write [{table_name}] on a line of its own and the settings below it"
                    )),
                );
                continue;
            };
            for (key, value) in table.iter() {
                let name = key.get_ref().as_ref();
                let path = format!("{table_name}.{name}");
                match (table_name, name) {
                    ("breaks", "interval") => {
                        interval_span = Some(value.span());
                        if let Some(interval) =
                            duration(&mut check, value, &path, MIN_INTERVAL, MAX_INTERVAL)
                        {
                            settings.breaks.interval = interval;
                        }
                    }
                    ("breaks", "snooze") => {
                        if let Some(snooze) =
                            duration(&mut check, value, &path, MIN_SNOOZE, MAX_SNOOZE)
                        {
                            settings.breaks.snooze = snooze;
                        }
                    }
                    ("breaks", "max_snoozes") => {
                        let help = Some(format!(
                            "write a whole number from 0 (no limit) to {MAX_SNOOZES_LIMIT}"
                        ));
                        if let Some(count) = check.integer(value, &path, help.clone()) {
                            match u32::try_from(count) {
                                Ok(0) => settings.breaks.max_snoozes = None,
                                Ok(count) if count <= MAX_SNOOZES_LIMIT => {
                                    settings.breaks.max_snoozes = Some(count)
                                }
                                _ => check.problem(
                                    value.span(),
                                    &path,
                                    format!("{count} is out of range"),
                                    help,
                                ),
                            }
                        }
                    }
                    ("breaks", "heads_up") => {
                        heads_up_span = Some(value.span());
                        if let Some(lead) =
                            duration(&mut check, value, &path, Duration::ZERO, MAX_INTERVAL)
                        {
                            settings.breaks.heads_up = (!lead.is_zero()).then_some(lead);
                        }
                    }
                    ("breaks", "natural_break") => {
                        if let Some(away) = duration(
                            &mut check,
                            value,
                            &path,
                            MIN_NATURAL_BREAK,
                            MAX_NATURAL_BREAK,
                        ) {
                            settings.breaks.natural_break = away;
                        }
                    }
                    ("breaks", "wait_for_pause") => {
                        if let Some(pause) =
                            duration(&mut check, value, &path, Duration::ZERO, MAX_WAIT_FOR_PAUSE)
                        {
                            settings.breaks.wait_for_pause = (!pause.is_zero()).then_some(pause);
                        }
                    }
                    ("breaks", "max_wait") => {
                        if let Some(wait) =
                            duration(&mut check, value, &path, MIN_MAX_WAIT, MAX_MAX_WAIT)
                        {
                            settings.breaks.max_wait = wait;
                        }
                    }
                    ("breaks", "defer_for_fullscreen") => {
                        if let Some(flag) = check.boolean(value, &path) {
                            settings.breaks.defer_for_fullscreen = flag;
                        }
                    }
                    ("breaks", "defer_for_do_not_disturb") => {
                        if let Some(flag) = check.boolean(value, &path) {
                            settings.breaks.defer_for_do_not_disturb = flag;
                        }
                    }
                    ("breaks", "defer_for_camera") => {
                        if let Some(flag) = check.boolean(value, &path) {
                            settings.breaks.defer_for_camera = flag;
                        }
                    }
                    ("stretch", "focus") => {
                        if let Some(index) = check.choice(value, &path, "a focus", FOCUS_CHOICES) {
                            settings.stretch.focus =
                                [Focus::Both, Focus::Left, Focus::Right][index];
                        }
                    }
                    ("stretch", "place") => {
                        if let Some(index) = check.choice(value, &path, "a place", PLACE_CHOICES) {
                            settings.stretch.place =
                                [PlaceChoice::Any, PlaceChoice::Chair, PlaceChoice::Floor][index];
                        }
                    }
                    ("stretch", "auto_advance") => {
                        if let Some(flag) = check.boolean(value, &path) {
                            settings.stretch.auto_advance = flag;
                        }
                    }
                    ("stretch", "sound") => {
                        if let Some(flag) = check.boolean(value, &path) {
                            settings.stretch.sound = flag;
                        }
                    }
                    ("stretch", "leave_out") => {
                        settings.stretch.leave_out =
                            strings(&mut check, value, &path, LEAVE_OUT_HELP)
                                .into_iter()
                                .map(|(_, id)| id.to_owned())
                                .collect();
                    }
                    ("schedule", "days") => {
                        let schedule = settings.schedule.get_or_insert_with(weekdays);
                        let mut days = [false; 7];
                        for (item, text) in strings(&mut check, value, &path, DAYS_HELP) {
                            match DAY_NAMES
                                .iter()
                                .position(|name| text.eq_ignore_ascii_case(name))
                            {
                                Some(day) => days[day] = true,
                                None => check.problem(
                                    item,
                                    &path,
                                    format!("\"{text}\" is not a day"),
                                    Some(DAYS_HELP.to_string()),
                                ),
                            }
                        }
                        if !days.contains(&true) {
                            check.problem(
                                value.span(),
                                &path,
                                "working hours need at least one working day".to_string(),
                                Some(DAYS_HELP.to_string()),
                            );
                        }
                        schedule.days = days;
                    }
                    ("schedule", "hours") => {
                        let schedule = settings.schedule.get_or_insert_with(weekdays);
                        let mut spans = Vec::new();
                        let written = strings(&mut check, value, &path, HOURS_HELP);
                        let none_written = written.is_empty();
                        for (item, text) in written {
                            match parse_span(text) {
                                Ok(span) => spans.push(span),
                                Err(why) => {
                                    check.problem(item, &path, why, Some(HOURS_HELP.to_string()))
                                }
                            }
                        }
                        spans.sort_unstable();
                        if spans.windows(2).any(|pair| pair[0].1 > pair[1].0) {
                            check.problem(
                                value.span(),
                                &path,
                                "two spans of hours overlap".to_string(),
                                Some(HOURS_HELP.to_string()),
                            );
                        }
                        if none_written && matches!(value.get_ref(), DeValue::Array(_)) {
                            check.problem(
                                value.span(),
                                &path,
                                "working hours need at least one span".to_string(),
                                Some(HOURS_HELP.to_string()),
                            );
                        }
                        schedule.spans = spans;
                    }
                    _ => report_unknown_key(&mut check, key, &path, table_name, known_keys),
                }
            }
        }

        if let Some(lead) = settings.breaks.heads_up
            && lead >= settings.breaks.interval
        {
            // Point at the line the user most likely just changed: heads_up if it is written down.
            let span = heads_up_span.clone().or(interval_span).unwrap_or(0..0);
            let key = if heads_up_span.is_some() {
                "breaks.heads_up"
            } else {
                "breaks.interval"
            };
            check.problem(
                span,
                key,
                format!(
                    "the heads-up ({}) must be shorter than the interval ({})",
                    HumanDuration(lead),
                    HumanDuration(settings.breaks.interval)
                ),
                Some("make heads_up shorter than interval, or write heads_up = \"0s\" to turn it off".to_string()),
            );
        }

        if check.has_problems() {
            Err(check.finish())
        } else {
            Ok(settings)
        }
    }
}

/// The name the settings window gives each setting, by table and key: the user's words ("Time
/// between breaks"), where the file has its key (`interval`). Every key of the example config has
/// one (a test in the settings window's schema holds them together); the window shows the key
/// too, quietly, so someone who edits the file can match them.
pub const SETTING_LABELS: &[(&str, &str, &str)] = &[
    ("breaks", "interval", "Time between breaks"),
    ("breaks", "snooze", "Snooze length"),
    ("breaks", "max_snoozes", "Snoozes in a row"),
    ("breaks", "heads_up", "Heads-up before a break"),
    (
        "breaks",
        "natural_break",
        "Time away that counts as a break",
    ),
    ("breaks", "wait_for_pause", "Wait for a pause in typing"),
    ("breaks", "max_wait", "Longest wait for the right moment"),
    (
        "breaks",
        "defer_for_fullscreen",
        "Hold breaks during full screen",
    ),
    (
        "breaks",
        "defer_for_do_not_disturb",
        "Hold breaks during do not disturb",
    ),
    (
        "breaks",
        "defer_for_camera",
        "Hold breaks while a camera is on",
    ),
    ("stretch", "focus", "Side that needs the most care"),
    ("stretch", "place", "Where you can stretch"),
    ("stretch", "auto_advance", "Move on when a hold ends"),
    ("stretch", "sound", "Soft tone at the end of a hold"),
    ("stretch", "leave_out", "Stretches left out"),
    ("schedule", "days", "Working days"),
    ("schedule", "hours", "Working hours"),
];

/// The settings window's name for `[table] key`, if it has one.
pub fn setting_label(table: &str, key: &str) -> Option<&'static str> {
    SETTING_LABELS
        .iter()
        .find(|(its_table, its_key, _)| *its_table == table && *its_key == key)
        .map(|(_, _, label)| *label)
}

const BREAKS_KEYS: &[&str] = &[
    "interval",
    "snooze",
    "max_snoozes",
    "heads_up",
    "natural_break",
    "wait_for_pause",
    "max_wait",
    "defer_for_fullscreen",
    "defer_for_do_not_disturb",
    "defer_for_camera",
];
const STRETCH_KEYS: &[&str] = &["focus", "place", "auto_advance", "sound", "leave_out"];
const LEAVE_OUT_HELP: &str = "write the ids of the routines to leave out like [\"cat-cow\"] (each routine file's `id`; the settings window lists them)";
/// The words `[stretch] focus` takes, in the order of [`Focus`]'s variants (a settings form offers
/// exactly these).
pub const FOCUS_CHOICES: &[&str] = &["both", "left", "right"];
/// The words `[stretch] place` takes, in the order of [`PlaceChoice`]'s variants.
pub const PLACE_CHOICES: &[&str] = &["any", "chair", "floor"];
const SCHEDULE_KEYS: &[&str] = &["days", "hours"];
const DAYS_HELP: &str = "write the working days like [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]";
const HOURS_HELP: &str =
    "write the working hours like [\"09:00-12:30\", \"13:30-17:30\"] (24-hour local times)";

/// The working days when `[schedule]` names none: Monday to Friday.
fn weekdays() -> Schedule {
    Schedule {
        days: [true, true, true, true, true, false, false],
        spans: vec![(9 * 60, 17 * 60 + 30)],
    }
}

/// The texts in a list of texts, each with where it is written; a problem for anything else.
fn strings<'v>(
    check: &mut Check<'_>,
    value: &'v Spanned<DeValue<'_>>,
    path: &str,
    help: &str,
) -> Vec<(std::ops::Range<usize>, &'v str)> {
    let DeValue::Array(items) = value.get_ref() else {
        check.wrong_type(
            value,
            path,
            "a list in square brackets",
            Some(help.to_string()),
        );
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            check
                .string(item, path, Some(help.to_string()))
                .map(|text| (item.span(), text))
        })
        .collect()
}
const MIN_INTERVAL: Duration = Duration::from_secs(1);
const MAX_INTERVAL: Duration = Duration::from_secs(24 * 3600);
const MIN_SNOOZE: Duration = Duration::from_secs(1);
/// The longest snooze, in the config file and in a snooze asked for by length (the engine refuses
/// a longer one).
pub const MAX_SNOOZE: Duration = Duration::from_secs(2 * 3600);
const MAX_SNOOZES_LIMIT: u32 = 100;
const MIN_NATURAL_BREAK: Duration = Duration::from_secs(10);
const MAX_NATURAL_BREAK: Duration = Duration::from_secs(2 * 3600);
const MAX_WAIT_FOR_PAUSE: Duration = Duration::from_secs(2 * 60);
const MIN_MAX_WAIT: Duration = Duration::from_secs(10);
const MAX_MAX_WAIT: Duration = Duration::from_secs(4 * 3600);
const DURATION_FORMS: &str = "write it like \"25m\", \"90s\" or \"1h30m\"";

/// Reads a duration written as text and checks it is within `min..=max`.
fn duration(
    check: &mut Check<'_>,
    value: &Spanned<DeValue<'_>>,
    path: &str,
    min: Duration,
    max: Duration,
) -> Option<Duration> {
    let text = check.string(
        value,
        path,
        Some(format!("durations are text with a unit: {DURATION_FORMS}")),
    )?;
    match HumanDuration::parse(text) {
        Err(reason) => {
            check.problem(
                value.span(),
                path,
                format!("\"{text}\" is not a duration ({reason})"),
                Some(DURATION_FORMS.to_string()),
            );
            None
        }
        Ok(HumanDuration(parsed)) if parsed < min || parsed > max => {
            check.problem(
                value.span(),
                path,
                format!("\"{text}\" is out of range"),
                Some(format!(
                    "choose from {} to {}",
                    HumanDuration(min),
                    HumanDuration(max)
                )),
            );
            None
        }
        Ok(HumanDuration(parsed)) => Some(parsed),
    }
}

fn report_unknown_top_level(
    check: &mut Check<'_>,
    key: &Spanned<DeString<'_>>,
    value: &Spanned<DeValue<'_>>,
) {
    let name = key.get_ref().as_ref();
    let tables = ["breaks", "stretch", "schedule"];
    if let DeValue::Table(_) = value.get_ref() {
        let message = match nearest(name, &tables) {
            Some(suggestion) => format!("unknown table `[{name}]`; did you mean `[{suggestion}]`?"),
            None => format!("unknown table `[{name}]`"),
        };
        check.problem(
            key.span(),
            name,
            message,
            Some("the tables are [breaks], [stretch] and [schedule]".to_string()),
        );
    } else if let Some(table) = table_of(name) {
        // A known setting written above any table header: say where it belongs.
        check.problem(
            key.span(),
            name,
            format!("`{name}` must be inside the [{table}] table"),
            Some(format!("move it below the line [{table}]")),
        );
    } else {
        let all_keys: Vec<&str> = BREAKS_KEYS.iter().chain(STRETCH_KEYS).copied().collect();
        let message = match nearest(name, &all_keys) {
            Some(suggestion) => format!(
                "unknown key `{name}`; did you mean `{suggestion}` (in [{}])?",
                table_of(suggestion).unwrap_or("breaks")
            ),
            None => format!("unknown key `{name}`"),
        };
        check.problem(
            key.span(),
            name,
            message,
            Some("settings live in the tables [breaks] and [stretch]".to_string()),
        );
    }
}

fn report_unknown_key(
    check: &mut Check<'_>,
    key: &Spanned<DeString<'_>>,
    path: &str,
    table_name: &str,
    known: &[&str],
) {
    let name = key.get_ref().as_ref();
    let other_table = if table_name == "breaks" {
        "stretch"
    } else {
        "breaks"
    };
    if table_of(name) == Some(other_table) {
        check.problem(
            key.span(),
            path,
            format!("`{name}` belongs in the [{other_table}] table, not [{table_name}]"),
            Some(format!("move it below the line [{other_table}]")),
        );
    } else {
        check.unknown_key(key.span(), path, name, known, &format!("in [{table_name}]"));
    }
}

fn table_of(key: &str) -> Option<&'static str> {
    if BREAKS_KEYS.contains(&key) {
        Some("breaks")
    } else if STRETCH_KEYS.contains(&key) {
        Some("stretch")
    } else {
        None
    }
}

impl Settings {
    /// [`Settings::parse`], then `[stretch] leave_out` checked against `routines`: an id no
    /// routine has is named with the nearest one, and leaving out every routine that fits
    /// `[stretch] place` is refused, so a break always has a stretch to show.
    pub fn parse_with_routines(
        file: &str,
        text: &str,
        routines: &RoutineSet,
    ) -> Result<Settings, Vec<Problem>> {
        let settings = Settings::parse(file, text)?;
        let Ok(document) = parse_document(file, text, "") else {
            return Ok(settings);
        };
        let Some(value) = document
            .get("stretch")
            .and_then(|table| match table.get_ref() {
                DeValue::Table(table) => table.get("leave_out"),
                _ => None,
            })
        else {
            return Ok(settings);
        };
        let mut check = Check::new(file, text);
        let path = "stretch.leave_out";
        let known: Vec<&str> = routines
            .all()
            .iter()
            .map(|routine| routine.id.as_str())
            .collect();
        for (span, id) in strings(&mut check, value, path, LEAVE_OUT_HELP) {
            if !known.contains(&id) {
                let message = match nearest(id, &known) {
                    Some(near) => {
                        format!("no routine has the id \"{id}\"; did you mean \"{near}\"?")
                    }
                    None => format!("no routine has the id \"{id}\""),
                };
                check.problem(
                    span,
                    path,
                    message,
                    Some(format!("the routines are: {}", known.join(", "))),
                );
            }
        }
        if !check.has_problems()
            && routines
                .pickable(settings.stretch.place, &settings.stretch.leave_out)
                .is_empty()
        {
            check.problem(
                value.span(),
                path,
                "every routine that fits [stretch] place is left out, so a break would have nothing to show".to_string(),
                Some("keep at least one routine in the random pick".to_string()),
            );
        }
        if check.has_problems() {
            Err(check.finish())
        } else {
            Ok(settings)
        }
    }

    /// The settings as a config file that [`Settings::parse`] reads back to the same settings:
    /// every key written out, durations in their shortest exact form.
    pub fn to_toml(&self) -> String {
        let breaks = &self.breaks;
        let stretch = &self.stretch;
        let focus = match stretch.focus {
            Focus::Both => "both",
            Focus::Left => "left",
            Focus::Right => "right",
        };
        let place = match stretch.place {
            PlaceChoice::Any => "any",
            PlaceChoice::Chair => "chair",
            PlaceChoice::Floor => "floor",
        };
        format!(
            "[breaks]\ninterval = \"{}\"\nsnooze = \"{}\"\nmax_snoozes = {}\nheads_up = \"{}\"\n\
             natural_break = \"{}\"\nwait_for_pause = \"{}\"\nmax_wait = \"{}\"\n\
             defer_for_fullscreen = {}\ndefer_for_do_not_disturb = {}\ndefer_for_camera = {}\n\n[stretch]\nfocus = \"{focus}\"\nplace = \"{place}\"\n\
             auto_advance = {}\nsound = {}\nleave_out = {}\n",
            HumanDuration(breaks.interval),
            HumanDuration(breaks.snooze),
            breaks.max_snoozes.unwrap_or(0),
            HumanDuration(breaks.heads_up.unwrap_or(Duration::ZERO)),
            HumanDuration(breaks.natural_break),
            HumanDuration(breaks.wait_for_pause.unwrap_or(Duration::ZERO)),
            HumanDuration(breaks.max_wait),
            breaks.defer_for_fullscreen,
            breaks.defer_for_do_not_disturb,
            breaks.defer_for_camera,
            stretch.auto_advance,
            stretch.sound,
            // Written by the toml crate, so any text is quoted and escaped as TOML wants.
            toml::Value::Array(
                stretch
                    .leave_out
                    .iter()
                    .map(|id| toml::Value::String(id.clone()))
                    .collect()
            ),
        )
    }
}
