//! The settings form's shape, read from the commented example config: its tables are the groups,
//! each key's comment line is its explanation and its value the default, so the form can never
//! drift from the file users read. Each setting's name in words comes from the core's
//! [`unhunch_core::settings::SETTING_LABELS`], next to the settings themselves.

use serde::Serialize;
use unhunch_core::schedule::DAY_NAMES;
use unhunch_core::settings::{EXAMPLE_CONFIG, FOCUS_CHOICES, PLACE_CHOICES, setting_label};

/// One table of config.toml, as the example file writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// The table's name: `breaks`, `stretch`, `schedule`.
    pub table: String,
    /// The comment just above the table, if any (the first line of it).
    pub about: Option<String>,
    /// Whether the example leaves the table out (commented): an optional table, off by default.
    pub optional: bool,
    pub fields: Vec<Field>,
}

/// One setting in a group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub key: String,
    /// The setting's name in words ("Time between breaks"); the key when the core has none
    /// (which a test here forbids).
    pub label: String,
    /// The example's one-line explanation.
    pub explanation: String,
    /// The default, as the example writes it.
    pub default: serde_json::Value,
    pub kind: Kind,
}

/// How a value is entered, from the type of its default.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Kind {
    /// A duration such as "25m", typed as text.
    Duration,
    /// One of a few words.
    Choice {
        options: Vec<String>,
    },
    Whole,
    Switch,
    /// Some of the days of the week, written as a list of their short names (`"mon"`), in the
    /// week's order.
    Days {
        days: Vec<String>,
    },
    /// A list of texts, typed separated by commas.
    List,
}

/// The groups of the example config, in its order.
pub fn groups() -> Vec<Group> {
    groups_of(EXAMPLE_CONFIG)
}

/// The groups of a commented config written like the example: `[table]` lines (or `# [table]`
/// for an optional one), each setting preceded by its comment line (or commented out itself).
/// A blank line ends a comment, so the file's opening words belong to no group.
pub fn groups_of(example: &str) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut comments: Vec<String> = Vec::new();
    for line in example.lines().map(str::trim) {
        let (commented, body) = match line.strip_prefix('#') {
            Some(rest) => (true, rest.trim()),
            None => (false, line),
        };
        if line.is_empty() {
            comments.clear();
        } else if let Some(table) = body
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
        {
            groups.push(Group {
                table: table.to_owned(),
                about: comments.first().cloned(),
                optional: commented,
                fields: Vec::new(),
            });
            comments.clear();
        } else if let Some((key, value)) = setting_line(body) {
            if let Some(group) = groups.last_mut() {
                let default = default_value(value);
                let kind = kind_of(&group.table, key, &default);
                group.fields.push(Field {
                    key: key.to_owned(),
                    label: setting_label(&group.table, key).unwrap_or(key).to_owned(),
                    explanation: comments.last().cloned().unwrap_or_default(),
                    default,
                    kind,
                });
            }
            comments.clear();
        } else if commented {
            comments.push(body.to_owned());
        }
    }
    groups
}

/// `key = value` when `body` is a setting (a lower-case name, then `=`), not a sentence.
fn setting_line(body: &str) -> Option<(&str, &str)> {
    let (key, value) = body.split_once(" = ")?;
    let is_name = !key.is_empty()
        && key
            .chars()
            .all(|character| character.is_ascii_lowercase() || character == '_');
    is_name.then(|| (key, value.trim()))
}

fn default_value(value: &str) -> serde_json::Value {
    match format!("value = {value}").parse::<toml_edit::DocumentMut>() {
        Ok(document) => document
            .get("value")
            .and_then(toml_edit::Item::as_value)
            .map(super::document::json_of)
            .unwrap_or_default(),
        Err(_) => serde_json::Value::Null,
    }
}

fn kind_of(table: &str, key: &str, default: &serde_json::Value) -> Kind {
    let choices = match (table, key) {
        ("stretch", "focus") => Some(FOCUS_CHOICES),
        ("stretch", "place") => Some(PLACE_CHOICES),
        _ => None,
    };
    if (table, key) == ("schedule", "days") {
        return Kind::Days {
            days: DAY_NAMES.iter().map(|day| (*day).to_owned()).collect(),
        };
    }
    match (choices, default) {
        (Some(options), _) => Kind::Choice {
            options: options.iter().map(|option| (*option).to_owned()).collect(),
        },
        (None, serde_json::Value::Bool(_)) => Kind::Switch,
        (None, serde_json::Value::Number(_)) => Kind::Whole,
        (None, serde_json::Value::Array(_)) => Kind::List,
        (None, _) => Kind::Duration,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unhunch_core::settings::SETTING_LABELS;

    #[test]
    fn every_setting_of_the_example_is_in_its_group_with_explanation_and_default() {
        let groups = groups();
        let tables: Vec<&str> = groups.iter().map(|group| group.table.as_str()).collect();
        assert_eq!(tables, ["breaks", "stretch", "schedule"]);
        let breaks = &groups[0];
        assert!(!breaks.optional);
        assert_eq!(breaks.fields.len(), 10);
        assert_eq!(breaks.fields[0].key, "interval");
        assert_eq!(
            breaks.fields[0].explanation,
            "Working time between two stretch breaks."
        );
        assert_eq!(breaks.fields[0].default, serde_json::json!("25m"));
        assert_eq!(breaks.fields[0].kind, Kind::Duration);
        assert_eq!(breaks.fields[2].kind, Kind::Whole);
        assert_eq!(breaks.fields[7].kind, Kind::Switch);
        let stretch = &groups[1];
        assert_eq!(
            stretch.fields[0].kind,
            Kind::Choice {
                options: vec!["both".into(), "left".into(), "right".into()]
            }
        );
        let schedule = &groups[2];
        assert!(schedule.optional);
        assert_eq!(
            schedule.about.as_deref(),
            Some(
                "Working hours: outside them no break comes, and the countdown starts fresh when they begin."
            )
        );
        assert_eq!(schedule.fields.len(), 2);
        assert_eq!(schedule.fields[1].kind, Kind::List);
        assert_eq!(
            schedule.fields[0].kind,
            Kind::Days {
                days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                    .map(String::from)
                    .to_vec()
            }
        );
        assert_eq!(
            schedule.fields[0].default,
            serde_json::json!(["mon", "tue", "wed", "thu", "fri"])
        );
        // The file's opening words are no group's.
        assert_eq!(breaks.about, None);
    }

    #[test]
    fn every_setting_has_a_name_in_words_and_every_name_a_setting() {
        let mut named = Vec::new();
        for group in groups() {
            for field in &group.fields {
                let label = setting_label(&group.table, &field.key).unwrap_or_else(|| {
                    panic!(
                        "[{}] {} has no name in SETTING_LABELS (unhunch-core's settings.rs)",
                        group.table, field.key
                    )
                });
                assert_eq!(field.label, label);
                assert_ne!(label, field.key, "a name in words, not the key");
                assert!(
                    label.chars().next().is_some_and(char::is_uppercase),
                    "{label}"
                );
                assert!(!named.contains(&label), "{label:?} names two settings");
                named.push(label);
            }
        }
        // No name is left over from a setting that is gone.
        assert_eq!(named.len(), SETTING_LABELS.len());
        assert_eq!(
            groups()[0].fields[0].label,
            "Time between breaks",
            "interval"
        );
    }
}
