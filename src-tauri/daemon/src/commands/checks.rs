//! `unhunch routines check` and `unhunch config check`: a one-line summary when the files are
//! fine, every problem with file:line when not.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use unhunch_core::routine::{RoutineSet, is_same_id};
use unhunch_core::{HumanDuration, Problem, Settings};

use crate::exit;
use crate::files::{self, ConfigLoad, Paths, file_problem};
use crate::output::{complain, say};

pub fn routines(paths: &[PathBuf]) -> u8 {
    let (files_to_check, mut problems) = if paths.is_empty() {
        let user_paths = match Paths::from_environment() {
            Ok(user_paths) => user_paths,
            Err(why) => {
                complain(format_args!("unhunch: {why}"));
                return exit::FAILED;
            }
        };
        let dir = user_paths.routines_dir;
        let (files, problems) = files::read_routine_files(&dir);
        if files.is_empty() && problems.is_empty() {
            let builtin = RoutineSet::builtin().all().len();
            say(format_args!(
                "No routines of your own in {} yet; the {builtin} built-in routines are fine.",
                dir.display()
            ));
            return exit::OK;
        }
        (files, problems)
    } else {
        let (expanded, mut problems) = expand(paths);
        let (files, read_problems) = files::read_files(&expanded);
        problems.extend(read_problems);
        (files, problems)
    };
    let (routines, routine_problems) = RoutineSet::builtin().with_user_files(&files_to_check);
    problems.extend(routine_problems);
    let checked = files_to_check.len();
    if problems.is_empty() {
        say(format_args!(
            "{checked} routine file{} checked: all fine ({} routines in all, with the built-in ones).",
            plural(checked),
            routines.all().len()
        ));
        return exit::OK;
    }
    print_problems(&problems);
    let (same_id, mistakes): (Vec<&Problem>, Vec<&Problem>) =
        problems.iter().partition(|problem| is_same_id(problem));
    if !mistakes.is_empty() {
        let broken: BTreeSet<&str> = mistakes
            .iter()
            .map(|problem| problem.file.as_str())
            .collect();
        complain(format_args!(
            "{} problem{} in {} file{}; a broken routine is left out, the others still load.",
            mistakes.len(),
            plural(mistakes.len()),
            broken.len(),
            plural(broken.len())
        ));
    }
    if !same_id.is_empty() {
        complain(format_args!(
            "{} file{} share{} an id with another: of two files with one id, the later by name is used and the other is not.",
            same_id.len(),
            plural(same_id.len()),
            if same_id.len() == 1 { "s" } else { "" }
        ));
    }
    exit::FAILED
}

pub fn config(path: Option<&Path>) -> u8 {
    let (path, explicit) = match path {
        Some(path) => (path.to_path_buf(), true),
        None => match Paths::from_environment() {
            Ok(paths) => (paths.config_file, false),
            Err(why) => {
                complain(format_args!("unhunch: {why}"));
                return exit::FAILED;
            }
        },
    };
    // `[stretch] leave_out` names routines: the ones in use are the built-in ones and the
    // user's folder (its own problems are `unhunch routines check`'s to tell).
    let routines = match Paths::from_environment() {
        Ok(paths) => files::load_routines(&paths.routines_dir).0,
        Err(_) => RoutineSet::builtin(),
    };
    match files::load_config(&path, &routines) {
        ConfigLoad::Missing if !explicit => {
            say(format_args!(
                "No config file at {}: Unhunch uses its defaults.",
                path.display()
            ));
            exit::OK
        }
        ConfigLoad::Missing => {
            complain(format_args!("{}: no such file.", path.display()));
            exit::FAILED
        }
        ConfigLoad::Valid(settings) => {
            say(format_args!(
                "{} is fine: {}.",
                path.display(),
                describe(&settings)
            ));
            exit::OK
        }
        ConfigLoad::Invalid(problems) => {
            print_problems(&problems);
            complain(format_args!(
                "{} problem{} in {}; a running Unhunch keeps its previous settings until they are fixed.",
                problems.len(),
                plural(problems.len()),
                path.display()
            ));
            exit::FAILED
        }
    }
}

fn describe(settings: &Settings) -> String {
    let breaks = &settings.breaks;
    let snoozes = match breaks.max_snoozes {
        Some(max) => format!("at most {max} in a row"),
        None => "no limit".to_owned(),
    };
    let heads_up = match breaks.heads_up {
        Some(lead) => format!("a heads-up {} before", HumanDuration(lead)),
        None => "no heads-up".to_owned(),
    };
    format!(
        "a break every {}, snooze {} ({snoozes}), {heads_up}",
        HumanDuration(breaks.interval),
        HumanDuration(breaks.snooze)
    )
}

/// Files stay as given; folders become their `*.toml` files, sorted.
fn expand(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Problem>) {
    let mut expanded = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        if path.is_dir() {
            match files::toml_files_in(path) {
                Ok(found) => expanded.extend(found),
                Err(why) => problems.push(file_problem(path, format!("cannot be read: {why}"))),
            }
        } else if path.exists() {
            expanded.push(path.clone());
        } else {
            problems.push(file_problem(path, "no such file or folder".to_owned()));
        }
    }
    (expanded, problems)
}

fn print_problems(problems: &[Problem]) {
    for problem in problems {
        complain(problem);
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
