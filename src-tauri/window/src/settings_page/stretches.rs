//! The settings window's "Stretches" page: the routines in use (the built-in ones and the files
//! in the user's routines folder), each as the page shows it, and the user's broken files with
//! their file:line messages, as `unhunch routines check` tells them.

use std::fs;
use std::io;
use std::path::Path;

use serde::Serialize;
use unhunch_core::Problem;
use unhunch_core::duration::about;
use unhunch_core::routine::{Place, RoutineSet};

/// One routine as the page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoutineView {
    pub id: String,
    pub name: String,
    /// The picture's name in `illustrations/` (without `.svg`).
    pub illustration: String,
    /// "on the floor", "in a chair", "standing".
    pub place: String,
    /// "left then right" for a one-sided routine, "both at once" otherwise.
    pub sides: String,
    /// The core's estimate, as the stretch window's intro writes it ("2 min").
    pub about: String,
    /// Whether it is one of the user's files rather than a built-in one.
    pub own: bool,
}

/// The page: the routines, and the problems of the user's files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StretchesView {
    /// The user's routines folder, for "Open my routines folder" and for the words around it.
    pub folder: String,
    pub routines: Vec<RoutineView>,
    /// Each problem as `unhunch routines check` prints it (file:line:column: key: message).
    pub problems: Vec<String>,
}

/// The routines in use with the user's folder `dir`, and what is wrong with its files.
pub fn load(dir: &Path) -> (RoutineSet, Vec<Problem>) {
    let (files, mut problems) = read_folder(dir);
    let (routines, routine_problems) = RoutineSet::builtin().with_user_files(&files);
    problems.extend(routine_problems);
    (routines, problems)
}

/// The page for `routines` and `problems` from [`load`].
pub fn view(dir: &Path, routines: &RoutineSet, problems: &[Problem]) -> StretchesView {
    let builtin = RoutineSet::builtin();
    StretchesView {
        folder: dir.display().to_string(),
        routines: routines
            .all()
            .iter()
            .map(|routine| RoutineView {
                id: routine.id.clone(),
                name: routine.name.clone(),
                illustration: routine.illustration.clone(),
                place: match routine.place {
                    Place::Floor => "on the floor",
                    Place::Chair => "in a chair",
                    Place::Standing => "standing",
                }
                .to_owned(),
                sides: match routine.sides.as_slice() {
                    [] => "both sides at once".to_owned(),
                    sides => sides
                        .iter()
                        .map(|side| side.word())
                        .collect::<Vec<_>>()
                        .join(" then "),
                },
                about: about(routine.estimated_duration()),
                own: builtin.get(&routine.id) != Some(routine),
            })
            .collect(),
        problems: problems.iter().map(ToString::to_string).collect(),
    }
}

/// The `*.toml` files in `dir` by name, as `(path, text)`; a missing folder has none. What cannot
/// be read is a problem naming the file, as the daemon reports it.
fn read_folder(dir: &Path) -> (Vec<(String, String)>, Vec<Problem>) {
    let mut paths = match fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| {
                path.extension()
                    .is_some_and(|extension| extension == "toml")
            })
            .collect::<Vec<_>>(),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(error) => {
            return (
                Vec::new(),
                vec![whole_file(dir, format!("cannot be read: {error}"))],
            );
        }
    };
    paths.sort();
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match fs::read(&path).map(String::from_utf8) {
            Ok(Ok(text)) => files.push((path.display().to_string(), text)),
            Ok(Err(_)) => problems.push(whole_file(&path, "is not UTF-8 text".into())),
            Err(error) => problems.push(whole_file(&path, format!("cannot be read: {error}"))),
        }
    }
    (files, problems)
}

fn whole_file(path: &Path, message: String) -> Problem {
    Problem::whole_file(path.display().to_string(), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_lists_every_routine_and_each_broken_file_with_its_line() {
        let dir = std::env::temp_dir().join(format!("unhunch-stretches-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("broken.toml"), "id = \"mine\"\nname = 3\n").unwrap();
        let (routines, problems) = load(&dir);
        let page = view(&dir, &routines, &problems);
        assert_eq!(page.routines.len(), RoutineSet::builtin().all().len());
        let twist = page
            .routines
            .iter()
            .find(|routine| routine.id == "chair-twist")
            .unwrap();
        assert_eq!((twist.place.as_str(), twist.own), ("in a chair", false));
        assert!(twist.sides.contains(" then "), "{twist:?}");
        assert!(twist.about.ends_with("min"), "{twist:?}");
        assert!(!page.problems.is_empty());
        assert!(
            page.problems
                .iter()
                .all(|problem| problem.starts_with(&format!("{}/broken.toml", dir.display()))),
            "{:?}",
            page.problems
        );
        fs::remove_dir_all(dir).unwrap();
    }
}
