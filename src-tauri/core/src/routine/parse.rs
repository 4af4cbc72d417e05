//! How a routine file becomes a [`Routine`]: the TOML is walked key by key and every field is
//! validated, so a broken file yields its problems with line, column and help instead.

use std::ops::Range;
use std::time::Duration;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::duration::HumanDuration;
use crate::problem::Problem;
use crate::toml_check::{Check, nearest, parse_document};

use super::illustrations::ILLUSTRATIONS;
use super::model::{Hold, Place, Routine, Side, Step};

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
                    fields.illustration = illustration(&mut check, value, "illustration")
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

/// An illustration name that is one of the pictures Unhunch has: a name with no picture would
/// show an empty box in the stretch window.
fn illustration(check: &mut Check<'_>, value: &Spanned<DeValue<'_>>, path: &str) -> Option<String> {
    let name = name_like(check, value, path, "an illustration name")?;
    if ILLUSTRATIONS.contains(&name.as_str()) {
        return Some(name);
    }
    let suggestion = nearest(&name, ILLUSTRATIONS)
        .map(|near| format!("did you mean \"{near}\"? "))
        .unwrap_or_default();
    check.problem(
        value.span(),
        path,
        format!("there is no illustration \"{name}\""),
        Some(format!(
            "{suggestion}the illustrations are: {}",
            ILLUSTRATIONS.join(", ")
        )),
    );
    None
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
                illustration = self::illustration(check, value, &key_path);
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
pub(super) fn line_of_key(text: &str, key: &str) -> usize {
    text.lines()
        .position(|line| {
            line.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(1, |index| index + 1)
}

impl Routine {
    /// The routine as a routine file that [`Routine::parse`] reads back to the same routine.
    pub fn to_toml(&self) -> String {
        let mut text = String::new();
        let mut line = |key: &str, value: String| text.push_str(&format!("{key} = {value}\n"));
        line("id", toml_text(&self.id));
        line("name", toml_text(&self.name));
        line("area", toml_text(&self.area));
        line("helps_with", toml_text(&self.helps_with));
        line("place", toml_text(place_word(self.place)));
        if !self.sides.is_empty() {
            let sides: Vec<String> = self
                .sides
                .iter()
                .map(|side| toml_text(side.word()))
                .collect();
            line("sides", format!("[{}]", sides.join(", ")));
        }
        line("illustration", toml_text(&self.illustration));
        line("safety", toml_text(&self.safety));
        for step in &self.steps {
            text.push_str("\n[[steps]]\n");
            text.push_str(&format!("text = {}\n", toml_text(&step.text)));
            if let Some(illustration) = &step.illustration {
                text.push_str(&format!("illustration = {}\n", toml_text(illustration)));
            }
            match step.hold {
                Some(Hold::Breaths { count }) => {
                    text.push_str(&format!("hold = \"{count} breaths\"\n"))
                }
                Some(Hold::Seconds { secs }) => text.push_str(&format!(
                    "hold = \"{}\"\n",
                    HumanDuration(Duration::from_secs(secs.into()))
                )),
                None => {}
            }
            text.push_str(&format!("repeat = {}\n", step.repeat));
        }
        text
    }
}

/// Text as a TOML string, escaped by the TOML library itself so any text survives.
fn toml_text(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

fn place_word(place: Place) -> &'static str {
    match place {
        Place::Floor => "floor",
        Place::Chair => "chair",
        Place::Standing => "standing",
    }
}
