//! config.toml as the user wrote it (toml_edit keeps comments, key order and layout), the form's
//! values read from it, and the form's values written back into it. Whether the result is valid
//! is decided by the core's own check ([`Settings::parse`]), the same one `unhunch config check`
//! runs, so the window holds no second copy of the rules.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml_edit::{DocumentMut, Item, Table, Value};
use unhunch_core::Problem;
use unhunch_core::routine::RoutineSet;
use unhunch_core::settings::Settings;

use super::schema::Group;

/// The form's values by `table.key`, as JSON: texts, whole numbers, switches, lists of texts.
pub type Values = BTreeMap<String, serde_json::Value>;

/// What the page sends to check or save: every field's value, and whether the optional tables
/// (working hours) are on.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct FormInput {
    pub values: Values,
    /// The optional tables that are on, by name (`schedule`).
    #[serde(default)]
    pub tables_on: Vec<String>,
}

/// A problem as the page shows it: under its field when `key` names one, above the form otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProblemView {
    pub key: String,
    /// The wording of `unhunch config check`: what is wrong, then what would be accepted.
    pub message: String,
    /// The whole line as `unhunch config check` prints it (file, line, key).
    pub full: String,
}

impl From<&Problem> for ProblemView {
    fn from(problem: &Problem) -> ProblemView {
        let message = match &problem.help {
            Some(help) => format!("{}; {help}", problem.message),
            None => problem.message.clone(),
        };
        ProblemView {
            key: problem.key.clone(),
            message,
            full: problem.to_string(),
        }
    }
}

/// The form's values for `text`: what the file says, the default for what it leaves out.
/// Also which optional tables the file has.
pub fn values_of(groups: &[Group], document: &DocumentMut) -> (Values, Vec<String>) {
    let mut values = Values::new();
    let mut tables_on = Vec::new();
    for group in groups {
        let table = document.get(&group.table).and_then(Item::as_table_like);
        if group.optional && table.is_some() {
            tables_on.push(group.table.clone());
        }
        for field in &group.fields {
            let written = table
                .and_then(|table| table.get(&field.key))
                .and_then(Item::as_value)
                .map(json_of);
            values.insert(
                format!("{}.{}", group.table, field.key),
                written.unwrap_or_else(|| field.default.clone()),
            );
        }
    }
    (values, tables_on)
}

/// `document` with the form's values written in: a value the file already has is left exactly as
/// written, a default the file leaves out stays out, a changed value keeps its line's comment, and
/// an optional table that is off is taken out.
pub fn apply(groups: &[Group], document: &mut DocumentMut, input: &FormInput) {
    for group in groups {
        let on = !group.optional || input.tables_on.contains(&group.table);
        if !on {
            document.remove(&group.table);
            continue;
        }
        if document.get(&group.table).is_none() {
            document.insert(&group.table, Item::Table(Table::new()));
        }
        let Some(table) = document
            .get_mut(&group.table)
            .and_then(Item::as_table_like_mut)
        else {
            // Not a table (a mistake in the file): the check says so, and nothing is written.
            continue;
        };
        for field in &group.fields {
            let Some(wanted) = input.values.get(&format!("{}.{}", group.table, field.key)) else {
                continue;
            };
            match table.get_mut(&field.key) {
                Some(Item::Value(written)) => {
                    if json_of(written) != *wanted
                        && let Some(mut replacement) = value_of(wanted)
                    {
                        *replacement.decor_mut() = written.decor().clone();
                        *written = replacement;
                    }
                }
                Some(_) => {}
                None => {
                    // An optional table the user just turned on gets every setting written, so
                    // the file shows what it means; elsewhere a default is left to be a default.
                    if (group.optional || *wanted != field.default)
                        && let Some(value) = value_of(wanted)
                    {
                        table.insert(&field.key, Item::Value(value));
                    }
                }
            }
        }
    }
}

/// The core's verdict on the text the form would write: its problems, none when it is valid.
/// `[stretch] leave_out` is checked against `routines`, the routines in use.
pub fn problems_of(file: &str, text: &str, routines: &RoutineSet) -> Vec<ProblemView> {
    match Settings::parse_with_routines(file, text, routines) {
        Ok(_) => Vec::new(),
        Err(problems) => problems.iter().map(ProblemView::from).collect(),
    }
}

/// A TOML value as the page holds it.
pub fn json_of(value: &Value) -> serde_json::Value {
    match value {
        Value::String(text) => serde_json::Value::from(text.value().as_str()),
        Value::Integer(number) => serde_json::Value::from(*number.value()),
        Value::Boolean(flag) => serde_json::Value::from(*flag.value()),
        Value::Float(number) => serde_json::Value::from(*number.value()),
        Value::Array(items) => items.iter().map(json_of).collect(),
        // Nothing in config.toml is written this way; the check explains what is.
        Value::Datetime(_) | Value::InlineTable(_) => serde_json::Value::Null,
    }
}

/// The page's value as TOML; `None` for what config.toml never holds (the check then finds the
/// setting unchanged rather than mangled).
fn value_of(json: &serde_json::Value) -> Option<Value> {
    match json {
        serde_json::Value::String(text) => Some(Value::from(text.as_str())),
        serde_json::Value::Bool(flag) => Some(Value::from(*flag)),
        serde_json::Value::Number(number) => number
            .as_i64()
            .map(Value::from)
            .or_else(|| number.as_f64().map(Value::from)),
        serde_json::Value::Array(items) => {
            let mut array = toml_edit::Array::new();
            for item in items {
                array.push(value_of(item)?);
            }
            Some(Value::Array(array))
        }
        serde_json::Value::Null | serde_json::Value::Object(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::schema;
    use super::*;

    const USER_FILE: &str = "\
# my settings
[breaks]
interval = \"40m\"   # long ones
# how long a snooze is
snooze = \"5m\"

[stretch]
place = \"chair\"
";

    fn edited(text: &str, change: impl FnOnce(&mut FormInput)) -> String {
        let groups = schema::groups();
        let mut document: DocumentMut = text.parse().unwrap();
        let (values, tables_on) = values_of(&groups, &document);
        let mut input = FormInput { values, tables_on };
        change(&mut input);
        apply(&groups, &mut document, &input);
        document.to_string()
    }

    #[test]
    fn the_file_says_what_it_says_and_the_defaults_fill_the_rest() {
        let groups = schema::groups();
        let (values, tables_on) = values_of(&groups, &USER_FILE.parse().unwrap());
        assert_eq!(values["breaks.interval"], "40m");
        assert_eq!(values["breaks.max_snoozes"], 3);
        assert_eq!(values["stretch.place"], "chair");
        assert_eq!(values["stretch.auto_advance"], true);
        assert!(tables_on.is_empty());
    }

    #[test]
    fn saving_unchanged_values_writes_the_file_as_it_was() {
        assert_eq!(edited(USER_FILE, |_| {}), USER_FILE);
    }

    #[test]
    fn a_changed_value_keeps_its_comments_and_place_and_a_new_one_goes_in_its_table() {
        let text = edited(USER_FILE, |input| {
            input.values.insert("breaks.interval".into(), "50m".into());
            input.values.insert("breaks.max_snoozes".into(), 0.into());
        });
        assert_eq!(
            text,
            "\
# my settings
[breaks]
interval = \"50m\"   # long ones
# how long a snooze is
snooze = \"5m\"
max_snoozes = 0

[stretch]
place = \"chair\"
"
        );
        assert!(problems_of("config.toml", &text, &RoutineSet::builtin()).is_empty());
    }

    #[test]
    fn working_hours_go_in_when_turned_on_and_out_when_turned_off() {
        let on = edited(USER_FILE, |input| input.tables_on.push("schedule".into()));
        assert!(on.ends_with(
            "[schedule]\ndays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]\nhours = [\"09:00-12:30\", \"13:30-17:30\"]\n"
        ), "{on}");
        assert_eq!(edited(&on, |input| input.tables_on.clear()), USER_FILE);
    }

    #[test]
    fn an_invalid_value_gets_the_wording_of_config_check() {
        let text = edited(USER_FILE, |input| {
            input.values.insert("breaks.interval".into(), "soon".into());
        });
        let problems = problems_of("config.toml", &text, &RoutineSet::builtin());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].key, "breaks.interval");
        assert_eq!(
            problems[0].message,
            "\"soon\" is not a duration (expected a number at \"soon\"); write it like \"25m\", \"90s\" or \"1h30m\""
        );
        assert!(problems[0].full.starts_with("config.toml:3:"));
    }
}
