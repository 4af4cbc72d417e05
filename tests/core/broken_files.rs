//! The folder of deliberately broken files (`tests/fixtures/broken/`): each `config-*.toml` or
//! `routine-*.toml` sits next to a `.expected` file holding the exact messages a user sees.
//! Run with `UNHUNCH_BLESS=1` to write the `.expected` files after a deliberate change, then
//! read every changed message before committing it.

use std::fs;
use std::path::{Path, PathBuf};

use unhunch_core::{Routine, Settings};

fn broken_folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/broken")
}

/// What a user sees for one broken file: every problem, displayed, one after the other.
fn messages_for(file_name: &str, text: &str) -> String {
    let problems = if file_name.starts_with("config-") {
        Settings::parse(file_name, text).err()
    } else if file_name.starts_with("routine-") {
        Routine::parse(file_name, text).err()
    } else {
        panic!("{file_name}: broken fixtures are named config-*.toml or routine-*.toml");
    };
    let problems =
        problems.unwrap_or_else(|| panic!("{file_name} is meant to be broken but parses"));
    let mut shown: String = problems
        .iter()
        .map(|problem| format!("{problem}\n"))
        .collect();
    if shown.is_empty() {
        shown.push_str("(no problems)\n");
    }
    shown
}

#[test]
fn every_broken_file_gets_exactly_the_expected_messages() {
    let bless = std::env::var_os("UNHUNCH_BLESS").is_some();
    let mut files: Vec<PathBuf> = fs::read_dir(broken_folder())
        .expect("tests/fixtures/broken exists")
        .map(|entry| entry.expect("readable folder").path())
        .collect();
    files.sort();
    let mut checked = 0;
    let mut mismatches = Vec::new();
    for path in &files {
        let file_name = path.file_name().unwrap().to_string_lossy().into_owned();
        match path.extension().and_then(|extension| extension.to_str()) {
            Some("toml") => {}
            Some("expected") => {
                assert!(
                    path.with_extension("toml").exists(),
                    "{file_name} has no .toml next to it"
                );
                continue;
            }
            _ => panic!("unexpected file in tests/fixtures/broken: {file_name}"),
        }
        let text = fs::read_to_string(path).unwrap();
        let actual = messages_for(&file_name, &text);
        let expected_path = path.with_extension("expected");
        if bless {
            fs::write(&expected_path, &actual).unwrap();
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_else(|_| {
            panic!("{file_name} has no .expected file (UNHUNCH_BLESS=1 writes it)")
        });
        if expected != actual {
            mismatches.push(format!("{file_name}:\n{}", line_diff(&expected, &actual)));
        }
        checked += 1;
    }
    assert!(
        mismatches.is_empty(),
        "messages differ (- expected, + actual):\n\n{}",
        mismatches.join("\n")
    );
    assert!(checked >= 10, "only {checked} broken files found");
}

/// A small line diff, enough to see which message changed: common lines are shown with two
/// spaces, the rest with `-` (expected) or `+` (actual).
fn line_diff(expected: &str, actual: &str) -> String {
    let old: Vec<&str> = expected.lines().collect();
    let new: Vec<&str> = actual.lines().collect();
    // Longest common subsequence table, from the ends.
    let mut longest = vec![vec![0usize; new.len() + 1]; old.len() + 1];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            longest[i][j] = if old[i] == new[j] {
                longest[i + 1][j + 1] + 1
            } else {
                longest[i + 1][j].max(longest[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < old.len() || j < new.len() {
        if i < old.len() && j < new.len() && old[i] == new[j] {
            out.push_str(&format!("  {}\n", old[i]));
            (i, j) = (i + 1, j + 1);
        } else if i < old.len() && (j == new.len() || longest[i + 1][j] >= longest[i][j + 1]) {
            out.push_str(&format!("- {}\n", old[i]));
            i += 1;
        } else {
            out.push_str(&format!("+ {}\n", new[j]));
            j += 1;
        }
    }
    out
}

#[test]
fn the_diff_shows_what_changed() {
    assert_eq!(line_diff("a\nb\nc\n", "a\nx\nc\n"), "  a\n- b\n+ x\n  c\n");
}
