//! The routines in use: the built-in ones plus the user's own files, with unique ids.

use crate::problem::Problem;
use crate::settings::{Focus, PlaceChoice};

use super::builtin::BUILTIN_ROUTINES;
use super::model::Routine;
use super::parse::line_of_key;

/// How the notice about two files with one id begins: not a mistake in either file, so it is
/// told apart from the mistakes that leave a file out (see [`is_same_id`]).
const SAME_ID: &str = "the same id";

/// Whether `problem` is the notice that two of the user's files share an id (one of them is
/// used), rather than a mistake that leaves a file out.
pub fn is_same_id(problem: &Problem) -> bool {
    problem.key == "id" && problem.message.starts_with(SAME_ID)
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
                        "{SAME_ID} `{}` as {earlier_path}: Unhunch uses this file and leaves {earlier_path} unused",
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

    /// The routines the random pick may offer: those that fit `place`, less the ones the user
    /// left out (`[stretch] leave_out`). Empty when every one that fits is left out; the config
    /// check refuses that, and the picker then falls back to [`RoutineSet::eligible`].
    pub fn pickable(&self, place: PlaceChoice, leave_out: &[String]) -> Vec<&Routine> {
        self.routines
            .iter()
            .filter(|routine| routine.fits(place) && !leave_out.contains(&routine.id))
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
