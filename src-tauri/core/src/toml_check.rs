//! Shared helpers for checking a user's TOML file: positions from spans, typed reads that report
//! the wrong type, and the nearest known key for "did you mean" suggestions.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::problem::Problem;
use crate::text::edit_distance;

/// The parsed document, or every syntax error as a problem (the parser recovers to find more).
/// `example` is a correct line from this kind of file, shown in the help.
pub(crate) fn parse_document<'text>(
    file: &str,
    text: &'text str,
    example: &str,
) -> Result<DeTable<'text>, Vec<Problem>> {
    let (document, errors) = DeTable::parse_recoverable(text);
    if errors.is_empty() {
        return Ok(document.into_inner());
    }
    let mut check = Check::new(file, text);
    let mut duplicate_tables = DuplicateTables::default();
    for error in errors {
        let message = error
            .message()
            .lines()
            .next()
            .unwrap_or("invalid TOML")
            .trim()
            .to_string();
        let span = error.span().unwrap_or(0..0);
        if message == "duplicate key" {
            match duplicate_tables.classify(text, span.start) {
                Duplicate::Table(name) => {
                    check.problem(
                        span,
                        &name,
                        format!("the table `[{name}]` is written twice"),
                        Some(format!(
                            "write each table once: move the lines below the second [{name}] \
                             into the first one, and delete the second [{name}] line"
                        )),
                    );
                    continue;
                }
                // The keys of a repeated table clash with the first one's; the table's own
                // problem already says so, once.
                Duplicate::KeyOfARepeatedTable | Duplicate::TableAgain => continue,
                Duplicate::Key => {}
            }
        }
        check.problem(
            error.span().unwrap_or(0..0),
            "",
            format!("this is not valid TOML: {message}"),
            Some(format!(
                "text values need double quotes ({example}), tables are written [name], \
                 and each key appears once"
            )),
        );
    }
    Err(check.finish())
}

/// Tells what a "duplicate key" error is about, so a table written twice is one problem rather
/// than one for its header and one more for every key below it.
#[derive(Default)]
struct DuplicateTables {
    /// The names of the tables already reported as written twice.
    names: Vec<String>,
    /// The byte offsets of the header lines of repeated tables.
    header_lines: Vec<usize>,
}

enum Duplicate {
    /// The first repeat of the table with this name.
    Table(String),
    /// A further repeat of a table already reported.
    TableAgain,
    /// A key below a repeated table's header.
    KeyOfARepeatedTable,
    /// A key written twice in one table.
    Key,
}

impl DuplicateTables {
    fn classify(&mut self, text: &str, offset: usize) -> Duplicate {
        let offset = offset.min(text.len());
        let line_start = text[..offset].rfind('\n').map_or(0, |newline| newline + 1);
        let line = text[line_start..].lines().next().unwrap_or("").trim();
        if let Some(header) = line.strip_prefix('[') {
            let name = header
                .split(']')
                .next()
                .unwrap_or("")
                .trim_matches(|character: char| character == '[' || character.is_whitespace())
                .to_string();
            self.header_lines.push(line_start);
            if self.names.contains(&name) {
                return Duplicate::TableAgain;
            }
            self.names.push(name.clone());
            return Duplicate::Table(name);
        }
        // The header this key is written under: the last line before it that starts with `[`.
        let header_start = text[..line_start]
            .split_inclusive('\n')
            .scan(0, |start, line| {
                let this_start = *start;
                *start += line.len();
                Some((this_start, line))
            })
            .filter(|(_, line)| line.trim_start().starts_with('['))
            .map(|(start, _)| start)
            .last();
        match header_start {
            Some(start) if self.header_lines.contains(&start) => Duplicate::KeyOfARepeatedTable,
            _ => Duplicate::Key,
        }
    }
}

/// Collects problems for one file, turning byte spans into line and column.
pub(crate) struct Check<'a> {
    file: &'a str,
    text: &'a str,
    problems: Vec<Problem>,
}

impl<'a> Check<'a> {
    pub(crate) fn new(file: &'a str, text: &'a str) -> Self {
        Check {
            file,
            text,
            problems: Vec::new(),
        }
    }

    pub(crate) fn problem(
        &mut self,
        span: Range<usize>,
        key: &str,
        message: String,
        help: Option<String>,
    ) {
        let (line, column) = line_and_column(self.text, span.start);
        self.problems.push(Problem {
            file: self.file.to_string(),
            line,
            column,
            key: key.to_string(),
            message,
            help,
        });
    }

    pub(crate) fn has_problems(&self) -> bool {
        !self.problems.is_empty()
    }

    /// All problems in line order; whole-file problems (line 0) come first.
    pub(crate) fn finish(mut self) -> Vec<Problem> {
        self.problems
            .sort_by_key(|problem| (problem.line, problem.column));
        self.problems
    }

    /// Reports an unknown key, suggesting the nearest of `known`.
    pub(crate) fn unknown_key(
        &mut self,
        key_span: Range<usize>,
        path: &str,
        name: &str,
        known: &[&str],
        table: &str,
    ) {
        let message = match nearest(name, known) {
            Some(suggestion) => format!("unknown key `{name}`; did you mean `{suggestion}`?"),
            None => format!("unknown key `{name}`"),
        };
        let help = format!("the keys {table} are: {}", known.join(", "));
        self.problem(key_span, path, message, Some(help));
    }

    pub(crate) fn wrong_type(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        path: &str,
        expected: &str,
        help: Option<String>,
    ) {
        let found = a_type(value.get_ref());
        self.problem(
            value.span(),
            path,
            format!("expected {expected}, found {found}"),
            help,
        );
    }

    pub(crate) fn string<'v>(
        &mut self,
        value: &'v Spanned<DeValue<'_>>,
        path: &str,
        help: Option<String>,
    ) -> Option<&'v str> {
        match value.get_ref() {
            DeValue::String(text) => Some(text.as_ref()),
            _ => {
                self.wrong_type(value, path, "text in double quotes", help);
                None
            }
        }
    }

    pub(crate) fn integer(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        path: &str,
        help: Option<String>,
    ) -> Option<i64> {
        match value.get_ref() {
            // Numbers too large for i64 are out of any range we accept; saturate so the range
            // check reports them.
            DeValue::Integer(integer) => Some(
                i64::from_str_radix(integer.as_str(), integer.radix()).unwrap_or(
                    if integer.as_str().starts_with('-') {
                        i64::MIN
                    } else {
                        i64::MAX
                    },
                ),
            ),
            _ => {
                self.wrong_type(value, path, "a whole number", help);
                None
            }
        }
    }

    pub(crate) fn boolean(&mut self, value: &Spanned<DeValue<'_>>, path: &str) -> Option<bool> {
        match value.get_ref() {
            DeValue::Boolean(flag) => Some(*flag),
            _ => {
                self.wrong_type(
                    value,
                    path,
                    "true or false",
                    Some("write it without quotes: true or false".to_string()),
                );
                None
            }
        }
    }

    /// Checks `text` against `accepted` (lowercase words), suggesting the nearest one.
    pub(crate) fn choice(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        path: &str,
        what: &str,
        accepted: &[&str],
    ) -> Option<usize> {
        let listed = accepted
            .iter()
            .map(|word| format!("\"{word}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let text = self.string(value, path, Some(format!("choose one of {listed}")))?;
        if let Some(index) = accepted.iter().position(|word| *word == text) {
            return Some(index);
        }
        let message = match nearest(text, accepted) {
            Some(suggestion) => format!("\"{text}\" is not {what}; did you mean \"{suggestion}\"?"),
            None => format!("\"{text}\" is not {what}"),
        };
        self.problem(
            value.span(),
            path,
            message,
            Some(format!("choose one of {listed}")),
        );
        None
    }
}

/// "a string", "an integer", ... for "expected X, found Y" messages.
pub(crate) fn a_type(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "text",
        DeValue::Integer(_) => "a whole number",
        DeValue::Float(_) => "a decimal number",
        DeValue::Boolean(_) => "true/false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The known word closest to `word`, if it is close enough to be a likely typo: one edit for
/// short words, two from four letters on, three from nine (so "os" does not suggest "id").
pub(crate) fn nearest<'k>(word: &str, known: &[&'k str]) -> Option<&'k str> {
    let word = word.to_lowercase();
    let allowed = |candidate: &str| match candidate.chars().count() {
        0..=3 => 1,
        4..=8 => 2,
        _ => 3,
    };
    known
        .iter()
        .map(|candidate| (edit_distance(&word, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= allowed(candidate))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}
