//! Routines: stretches as data. A routine file's TOML is parsed into a raw form, then validated
//! into a [`Routine`] that cannot hold nonsense (non-empty steps, known place, sane holds).
//!
//! File format (see `routines/*.toml` and the README's "Writing a routine"):
//! ```toml
//! id = "seated-twist"                 # lowercase letters, digits and '-'; unique
//! name = "Seated Twist"
//! area = "mid back"
//! helps_with = "One line: what it eases."
//! place = "floor"                     # floor | chair | standing
//! sides = ["right", "left"]           # optional: run all steps once per side, in this order
//! illustration = "seated-twist"       # default picture for steps: ui/illustrations/<name>.svg
//! safety = "One line: when to stop."
//!
//! [[steps]]
//! text = "Turn towards your {side} ..."  # {side} and {other} are filled in per side
//! illustration = "seated-twist-turn"     # optional, overrides the routine's picture
//! hold = "5 breaths"                     # optional: "<n> breaths" or a duration like "20s"
//! repeat = 3                             # optional, 1..=20
//! ```

use std::time::Duration;

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::duration::HumanDuration;
use crate::problem::Problem;
use crate::settings::{Focus, PlaceChoice};
use crate::toml_check::{Check, nearest, parse_document};

/// The routines shipped with Unhunch, embedded at build time: `(file name, text)`.
/// `tests/core/tidy.rs` checks that every `routines/*.toml` is listed here.
pub const BUILTIN_ROUTINES: &[(&str, &str)] = &[
    (
        "cat-cow.toml",
        include_str!("../../../routines/cat-cow.toml"),
    ),
    (
        "chair-back-extension.toml",
        include_str!("../../../routines/chair-back-extension.toml"),
    ),
    (
        "chair-twist.toml",
        include_str!("../../../routines/chair-twist.toml"),
    ),
    ("cobra.toml", include_str!("../../../routines/cobra.toml")),
    (
        "doorway-chest-opener.toml",
        include_str!("../../../routines/doorway-chest-opener.toml"),
    ),
    (
        "seated-cat-cow.toml",
        include_str!("../../../routines/seated-cat-cow.toml"),
    ),
    (
        "seated-side-bend.toml",
        include_str!("../../../routines/seated-side-bend.toml"),
    ),
    (
        "seated-twist.toml",
        include_str!("../../../routines/seated-twist.toml"),
    ),
    (
        "shoulder-blade-squeeze.toml",
        include_str!("../../../routines/shoulder-blade-squeeze.toml"),
    ),
    (
        "standing-backbend.toml",
        include_str!("../../../routines/standing-backbend.toml"),
    ),
    (
        "thread-the-needle.toml",
        include_str!("../../../routines/thread-the-needle.toml"),
    ),
    (
        "wall-angels.toml",
        include_str!("../../../routines/wall-angels.toml"),
    ),
];

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Routine {
    pub id: String,
    pub name: String,
    pub area: String,
    pub helps_with: String,
    pub place: Place,
    /// Empty when the routine has no sides; otherwise the order the sides are done in.
    pub sides: Vec<Side>,
    pub illustration: String,
    pub safety: String,
    /// Never empty.
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Place {
    Floor,
    Chair,
    Standing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Right,
    Left,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Step {
    /// May contain `{side}` / `{other}` when the routine has sides.
    pub text: String,
    /// Overrides the routine's illustration for this step.
    pub illustration: Option<String>,
    pub hold: Option<Hold>,
    /// How many times the step is done; 1 when the file says nothing.
    pub repeat: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Hold {
    Breaths { count: u32 },
    Seconds { secs: u32 },
}

/// One screen of the guided walk-through: a step with its side filled in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PlannedStep {
    /// The step text with `{side}`/`{other}` replaced.
    pub text: String,
    pub side: Option<Side>,
    /// True for the left side: the UI mirrors the illustration.
    pub mirrored: bool,
    pub illustration: String,
    pub hold: Option<Hold>,
    pub repeat: u32,
}

impl Routine {
    /// Parses and validates one routine file. `file` is only used in messages.
    pub fn parse(file: &str, text: &str) -> Result<Routine, Vec<Problem>> {
        let document = parse_document(file, text, "name = \"Seated Twist\"")?;
        let mut check = Check::new(file, text);
        let mut fields = RoutineFields::default();
        let mut step_tables = None;

        for (key, value) in document.iter() {
            let name = key.get_ref().as_ref();
            match name {
                "id" => fields.id = name_like(&mut check, value, "id", "an id"),
                "name" => fields.name = required_text(&mut check, value, "name"),
                "area" => fields.area = required_text(&mut check, value, "area"),
                "helps_with" => fields.helps_with = required_text(&mut check, value, "helps_with"),
                "safety" => fields.safety = required_text(&mut check, value, "safety"),
                "illustration" => {
                    fields.illustration =
                        name_like(&mut check, value, "illustration", "an illustration name")
                }
                "place" => {
                    fields.place = check
                        .choice(value, "place", "a place", &["floor", "chair", "standing"])
                        .map(|index| [Place::Floor, Place::Chair, Place::Standing][index]);
                }
                "sides" => fields.sides = sides(&mut check, value),
                "steps" => step_tables = Some(value),
                _ => check.unknown_key(key.span(), name, name, ROUTINE_KEYS, "of a routine"),
            }
            fields.seen.push(name.to_string());
        }

        for required in [
            "id",
            "name",
            "area",
            "helps_with",
            "place",
            "illustration",
            "safety",
            "steps",
        ] {
            if !fields.seen.iter().any(|seen| seen == required) {
                let help = if required == "steps" {
                    "add at least one step: a line [[steps]] followed by text = \"...\"".to_string()
                } else {
                    format!("add a line like {}", example_line(required))
                };
                check.problem(
                    0..0,
                    required,
                    format!("`{required}` is missing"),
                    Some(help),
                );
            }
        }

        // A `sides` line that is itself wrong was reported already; the placeholders that rely on
        // it are not reported again.
        let has_sides = fields.seen.iter().any(|seen| seen == "sides");
        let steps = step_tables
            .and_then(|value| steps(&mut check, value, has_sides))
            .unwrap_or_default();

        if check.has_problems() {
            return Err(check.finish());
        }
        // Every field was checked above; a missing one was reported, so these are all present.
        match fields {
            RoutineFields {
                id: Some(id),
                name: Some(name),
                area: Some(area),
                helps_with: Some(helps_with),
                place: Some(place),
                illustration: Some(illustration),
                safety: Some(safety),
                sides,
                ..
            } => Ok(Routine {
                id,
                name,
                area,
                helps_with,
                place,
                sides: sides.unwrap_or_default(),
                illustration,
                safety,
                steps,
            }),
            _ => Err(vec![Problem {
                file: file.to_string(),
                line: 1,
                column: 0,
                key: String::new(),
                message: "the routine is incomplete".to_string(),
                help: Some(
                    "see routines/*.toml in Unhunch's source for complete examples".to_string(),
                ),
            }]),
        }
    }

    /// The screens in order: every step once, or every step once per side.
    pub fn walkthrough(&self) -> Vec<PlannedStep> {
        let plan_step = |step: &Step, side: Option<Side>| PlannedStep {
            text: match side {
                Some(side) => step
                    .text
                    .replace("{side}", side.word())
                    .replace("{other}", side.opposite().word()),
                None => step.text.clone(),
            },
            side,
            mirrored: side == Some(Side::Left),
            illustration: step
                .illustration
                .clone()
                .unwrap_or_else(|| self.illustration.clone()),
            hold: step.hold,
            repeat: step.repeat,
        };
        if self.sides.is_empty() {
            self.steps
                .iter()
                .map(|step| plan_step(step, None))
                .collect()
        } else {
            self.sides
                .iter()
                .flat_map(|side| self.steps.iter().map(move |step| (step, *side)))
                .map(|(step, side)| plan_step(step, Some(side)))
                .collect()
        }
    }

    /// Estimated time to do the whole routine at a calm pace (a breath counts as 5 s, reading a
    /// step as 8 s). Shown as "about 2 min".
    pub fn estimated_duration(&self) -> Duration {
        let one_round: u64 = self
            .steps
            .iter()
            .map(|step| {
                let hold_secs = match step.hold {
                    Some(Hold::Breaths { count }) => u64::from(count) * SECS_PER_BREATH,
                    Some(Hold::Seconds { secs }) => u64::from(secs),
                    None => 0,
                };
                SECS_TO_READ_A_STEP + hold_secs * u64::from(step.repeat)
            })
            .sum();
        // The steps are done once per side (or once when the routine has no sides).
        let rounds = self.sides.len().max(1) as u64;
        Duration::from_secs(one_round * rounds)
    }

    /// Can this routine be done where the user said they can stretch?
    pub fn fits(&self, place: PlaceChoice) -> bool {
        match place {
            PlaceChoice::Any => true,
            PlaceChoice::Chair => matches!(self.place, Place::Chair | Place::Standing),
            PlaceChoice::Floor => self.place == Place::Floor,
        }
    }

    /// Does this routine work one side at a time (so it is favoured when `focus` names a side)?
    pub fn works_one_side_at_a_time(&self) -> bool {
        !self.sides.is_empty()
    }
}

/// A set of routines with unique ids, built from the embedded ones plus the user's own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoutineSet {
    routines: Vec<Routine>,
}

impl RoutineSet {
    /// The built-in routines. Panics only if a shipped file is invalid, which the test suite
    /// rules out.
    pub fn builtin() -> RoutineSet {
        let mut routines: Vec<Routine> = BUILTIN_ROUTINES
            .iter()
            .map(|(file_name, text)| {
                Routine::parse(&format!("<built-in>/{file_name}"), text).unwrap_or_else(
                    |problems| {
                        let listed: Vec<String> =
                            problems.iter().map(ToString::to_string).collect();
                        panic!("a built-in routine is invalid:\n{}", listed.join("\n"))
                    },
                )
            })
            .collect();
        routines.sort_by(|a, b| a.id.cmp(&b.id));
        RoutineSet { routines }
    }

    /// Adds or replaces (same id) routines from the user's files. Each broken file becomes its
    /// problems and is left out; the others still load. Files are `(display path, text)`.
    pub fn with_user_files(self, files: &[(String, String)]) -> (RoutineSet, Vec<Problem>) {
        let mut routines = self.routines;
        let mut problems = Vec::new();
        let mut in_path_order: Vec<&(String, String)> = files.iter().collect();
        in_path_order.sort_by(|a, b| a.0.cmp(&b.0));
        // Which user file last claimed each id, so a clash can name both files.
        let mut claimed_by: Vec<(String, &str)> = Vec::new();
        for (path, text) in in_path_order {
            let routine = match Routine::parse(path, text) {
                Ok(routine) => routine,
                Err(file_problems) => {
                    problems.extend(file_problems);
                    continue;
                }
            };
            if let Some((_, earlier_path)) = claimed_by.iter().find(|(id, _)| *id == routine.id) {
                problems.push(Problem {
                    file: path.clone(),
                    line: line_of_key(text, "id"),
                    column: 1,
                    key: "id".to_string(),
                    message: format!(
                        "the id `{}` is also used by {earlier_path}; this file wins",
                        routine.id
                    ),
                    help: Some(
                        "give each routine file its own id, or delete the one you no longer want"
                            .to_string(),
                    ),
                });
            }
            claimed_by.retain(|(id, _)| *id != routine.id);
            claimed_by.push((routine.id.clone(), path));
            routines.retain(|existing| existing.id != routine.id);
            routines.push(routine);
        }
        routines.sort_by(|a, b| a.id.cmp(&b.id));
        (RoutineSet { routines }, problems)
    }

    pub fn get(&self, id: &str) -> Option<&Routine> {
        self.routines.iter().find(|routine| routine.id == id)
    }

    pub fn all(&self) -> &[Routine] {
        &self.routines
    }

    /// Routines that fit `place`, in id order.
    pub fn eligible(&self, place: PlaceChoice) -> Vec<&Routine> {
        self.routines
            .iter()
            .filter(|routine| routine.fits(place))
            .collect()
    }

    /// Is there a routine that favours `focus`? Used by the picker.
    pub fn has_one_sided(&self, focus: Focus) -> bool {
        focus != Focus::Both && self.routines.iter().any(Routine::works_one_side_at_a_time)
    }

    /// A set of exactly these routines (sorted by id; a later duplicate id replaces an earlier
    /// one). For tests and for shells that build routines themselves.
    pub fn from_routines(routines: Vec<Routine>) -> RoutineSet {
        let mut unique: Vec<Routine> = Vec::new();
        for routine in routines {
            unique.retain(|existing| existing.id != routine.id);
            unique.push(routine);
        }
        unique.sort_by(|a, b| a.id.cmp(&b.id));
        RoutineSet { routines: unique }
    }
}

impl Side {
    /// The word used in step text: "right" or "left".
    pub fn word(self) -> &'static str {
        match self {
            Side::Right => "right",
            Side::Left => "left",
        }
    }

    pub fn opposite(self) -> Side {
        match self {
            Side::Right => Side::Left,
            Side::Left => Side::Right,
        }
    }
}

const ROUTINE_KEYS: &[&str] = &[
    "id",
    "name",
    "area",
    "helps_with",
    "place",
    "sides",
    "illustration",
    "safety",
    "steps",
];
const STEP_KEYS: &[&str] = &["text", "illustration", "hold", "repeat"];
const SECS_PER_BREATH: u64 = 5;
const SECS_TO_READ_A_STEP: u64 = 8;
const MAX_BREATHS: u32 = 30;
const MIN_HOLD: Duration = Duration::from_secs(1);
const MAX_HOLD: Duration = Duration::from_secs(120);
const MAX_REPEAT: i64 = 20;
const HOLD_FORMS: &str =
    "write a number of breaths like \"5 breaths\" (1 to 30) or a time like \"20s\" (1s to 2m)";

/// The routine's fields as they are checked; `None` when missing or invalid (already reported).
#[derive(Default)]
struct RoutineFields {
    id: Option<String>,
    name: Option<String>,
    area: Option<String>,
    helps_with: Option<String>,
    place: Option<Place>,
    sides: Option<Vec<Side>>,
    illustration: Option<String>,
    safety: Option<String>,
    seen: Vec<String>,
}

fn example_line(key: &str) -> &'static str {
    match key {
        "id" => "id = \"seated-twist\"",
        "name" => "name = \"Seated Twist\"",
        "area" => "area = \"mid back\"",
        "helps_with" => "helps_with = \"Eases a stiff mid back.\"",
        "place" => "place = \"chair\" (floor, chair or standing)",
        "illustration" => "illustration = \"seated-twist\"",
        "safety" => "safety = \"Stop if pain sharpens or spreads.\"",
        _ => "text = \"...\"",
    }
}

/// Text that must say something: not empty, not only spaces.
fn required_text(
    check: &mut Check<'_>,
    value: &Spanned<DeValue<'_>>,
    path: &str,
) -> Option<String> {
    let text = check.string(value, path, None)?;
    if text.trim().is_empty() {
        check.problem(
            value.span(),
            path,
            format!("`{path}` is empty"),
            Some("write a short sentence here".to_string()),
        );
        return None;
    }
    Some(text.trim().to_string())
}

/// Ids and illustration names: lowercase letters, digits and '-', so they are safe as file names.
fn name_like(
    check: &mut Check<'_>,
    value: &Spanned<DeValue<'_>>,
    path: &str,
    what: &str,
) -> Option<String> {
    let text = check.string(value, path, None)?;
    let fits = !text.is_empty()
        && text
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-');
    if !fits {
        check.problem(
            value.span(),
            path,
            format!("\"{text}\" is not {what}"),
            Some(
                "use only lowercase letters a-z, digits and '-', like \"seated-twist\"".to_string(),
            ),
        );
        return None;
    }
    Some(text.to_string())
}

fn sides(check: &mut Check<'_>, value: &Spanned<DeValue<'_>>) -> Option<Vec<Side>> {
    let help = "write sides = [\"right\", \"left\"], [\"left\", \"right\"] or just one side, or leave it out";
    let DeValue::Array(items) = value.get_ref() else {
        check.wrong_type(value, "sides", "a list", Some(help.to_string()));
        return None;
    };
    if items.is_empty() || items.len() > 2 {
        check.problem(
            value.span(),
            "sides",
            "`sides` must name one or two sides".to_string(),
            Some(help.to_string()),
        );
        return None;
    }
    let mut sides = Vec::new();
    for item in items.iter() {
        let side = check.choice(item, "sides", "a side", &["right", "left"])?;
        sides.push([Side::Right, Side::Left][side]);
    }
    if sides.len() == 2 && sides[0] == sides[1] {
        check.problem(
            value.span(),
            "sides",
            "the same side is named twice".to_string(),
            Some(help.to_string()),
        );
        return None;
    }
    Some(sides)
}

fn steps(
    check: &mut Check<'_>,
    value: &Spanned<DeValue<'_>>,
    has_sides: bool,
) -> Option<Vec<Step>> {
    let help = "write each step as a line [[steps]] followed by text = \"...\"";
    let DeValue::Array(items) = value.get_ref() else {
        check.wrong_type(
            value,
            "steps",
            "a list of [[steps]]",
            Some(help.to_string()),
        );
        return None;
    };
    if items.is_empty() {
        check.problem(
            value.span(),
            "steps",
            "there are no steps".to_string(),
            Some(help.to_string()),
        );
        return None;
    }
    let mut steps = Vec::new();
    let mut all_valid = true;
    for (index, item) in items.iter().enumerate() {
        let path = format!("steps[{}]", index + 1);
        let DeValue::Table(table) = item.get_ref() else {
            check.wrong_type(item, &path, "a step table", Some(help.to_string()));
            all_valid = false;
            continue;
        };
        match step(check, item.span(), table, &path, has_sides) {
            Some(step) => steps.push(step),
            None => all_valid = false,
        }
    }
    all_valid.then_some(steps)
}

fn step(
    check: &mut Check<'_>,
    span: Range<usize>,
    table: &DeTable<'_>,
    path: &str,
    has_sides: bool,
) -> Option<Step> {
    let mut text = None;
    let mut illustration = None;
    let mut hold = None;
    let mut repeat = 1;
    let mut valid = true;
    for (key, value) in table.iter() {
        let name = key.get_ref().as_ref();
        let key_path = format!("{path}.{name}");
        match name {
            "text" => {
                text = required_text(check, value, &key_path);
                if let Some(step_text) = &text
                    && !placeholders_fit(check, value, &key_path, step_text, has_sides)
                {
                    valid = false;
                }
                valid &= text.is_some();
            }
            "illustration" => {
                illustration = name_like(check, value, &key_path, "an illustration name");
                valid &= illustration.is_some();
            }
            "hold" => {
                hold = hold_of(check, value, &key_path);
                valid &= hold.is_some();
            }
            "repeat" => {
                let help = Some(format!("write a whole number from 1 to {MAX_REPEAT}"));
                match check.integer(value, &key_path, help.clone()) {
                    Some(count) if (1..=MAX_REPEAT).contains(&count) => repeat = count as u32,
                    Some(count) => {
                        check.problem(
                            value.span(),
                            &key_path,
                            format!("{count} is out of range"),
                            help,
                        );
                        valid = false;
                    }
                    None => valid = false,
                }
            }
            _ => {
                check.unknown_key(key.span(), &key_path, name, STEP_KEYS, "of a step");
                valid = false;
            }
        }
    }
    if !table
        .iter()
        .any(|(key, _)| key.get_ref().as_ref() == "text")
    {
        check.problem(
            span,
            path,
            "the step has no `text`".to_string(),
            Some("add text = \"...\" saying what to do".to_string()),
        );
        valid = false;
    }
    if !valid {
        return None;
    }
    Some(Step {
        text: text?,
        illustration,
        hold,
        repeat,
    })
}

/// Checks `{...}` placeholders: only `{side}` and `{other}`, and only in routines with sides.
fn placeholders_fit(
    check: &mut Check<'_>,
    value: &Spanned<DeValue<'_>>,
    path: &str,
    text: &str,
    has_sides: bool,
) -> bool {
    let mut fits = true;
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after_open = &rest[open + 1..];
        let Some(close) = after_open.find('}') else {
            break;
        };
        let placeholder = &after_open[..close];
        match placeholder {
            "side" | "other" if has_sides => {}
            "side" | "other" => {
                check.problem(
                    value.span(),
                    path,
                    format!("`{{{placeholder}}}` is only filled in when the routine has `sides`"),
                    Some(
                        "add sides = [\"right\", \"left\"] to the routine, or write the side out"
                            .to_string(),
                    ),
                );
                fits = false;
            }
            _ => {
                let message = match nearest(placeholder, &["side", "other"]) {
                    Some(suggestion) => format!(
                        "unknown placeholder `{{{placeholder}}}`; did you mean `{{{suggestion}}}`?"
                    ),
                    None => format!("unknown placeholder `{{{placeholder}}}`"),
                };
                check.problem(
                    value.span(),
                    path,
                    message,
                    Some("only {side} and {other} are filled in".to_string()),
                );
                fits = false;
            }
        }
        rest = &after_open[close + 1..];
    }
    fits
}

fn hold_of(check: &mut Check<'_>, value: &Spanned<DeValue<'_>>, path: &str) -> Option<Hold> {
    let text = check.string(value, path, Some(HOLD_FORMS.to_string()))?;
    let words: Vec<&str> = text.split_whitespace().collect();
    if let [count, "breath" | "breaths"] = words.as_slice() {
        return match count.parse::<u32>() {
            Ok(count) if (1..=MAX_BREATHS).contains(&count) => Some(Hold::Breaths { count }),
            _ => {
                check.problem(
                    value.span(),
                    path,
                    format!("\"{text}\" is out of range"),
                    Some(HOLD_FORMS.to_string()),
                );
                None
            }
        };
    }
    match HumanDuration::parse(text) {
        Ok(HumanDuration(hold)) if (MIN_HOLD..=MAX_HOLD).contains(&hold) => Some(Hold::Seconds {
            secs: hold.as_secs() as u32,
        }),
        Ok(_) => {
            check.problem(
                value.span(),
                path,
                format!("\"{text}\" is out of range"),
                Some(HOLD_FORMS.to_string()),
            );
            None
        }
        Err(_) => {
            check.problem(
                value.span(),
                path,
                format!("\"{text}\" is not a hold"),
                Some(HOLD_FORMS.to_string()),
            );
            None
        }
    }
}

/// The 1-based line where `key = ...` is written at the top of a file, or 1.
fn line_of_key(text: &str, key: &str) -> usize {
    text.lines()
        .position(|line| {
            line.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(1, |index| index + 1)
}
