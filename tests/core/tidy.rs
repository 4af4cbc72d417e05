//! Tidy checks that keep the architecture honest: the core stays pure (no IO words in its
//! sources, no GUI/D-Bus/async crates in its dependency tree), every Rust file says its job in a
//! `//!` line, and every shipped routine is embedded and has its pictures.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use unhunch_core::routine::{BUILTIN_ROUTINES, RoutineSet};

pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

/// Every file under `folder` whose name ends with `extension`, skipping build output, VCS data
/// and hidden folders.
pub(crate) fn files_under(folder: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("readable folder").path();
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            if path.is_dir() {
                let skipped = name.starts_with('.')
                    || name.starts_with("target")
                    || name == "node_modules"
                    || name == "gen";
                if !skipped {
                    folders.push(path);
                }
            } else if name.ends_with(extension) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn relative(path: &Path) -> String {
    path.strip_prefix(workspace_root())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn the_core_sources_never_mention_io() {
    let forbidden = [
        "tauri",
        "std::fs",
        "std::net",
        "std::env",
        "std::process",
        "Instant::now",
        "SystemTime::now",
        "thread::sleep",
        "tokio",
    ];
    let core = workspace_root().join("src-tauri/core");
    let mut sources = files_under(&core.join("src"), ".rs");
    sources.push(core.join("Cargo.toml"));
    assert!(
        sources.len() > 5,
        "the core's sources were not found under {}",
        core.display()
    );
    let mut mentions = Vec::new();
    for path in &sources {
        let text = fs::read_to_string(path).unwrap();
        for (index, line) in text.lines().enumerate() {
            let lowercase = line.to_lowercase();
            for word in forbidden {
                if lowercase.contains(&word.to_lowercase()) {
                    mentions.push(format!(
                        "{}:{}: `{word}` in: {}",
                        relative(path),
                        index + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        mentions.is_empty(),
        "the core must not do IO or name the shells' crates:\n{}",
        mentions.join("\n")
    );
}

#[test]
fn every_rust_file_starts_by_saying_its_job() {
    let sources = files_under(&workspace_root(), ".rs");
    assert!(
        sources.len() > 20,
        "only {} Rust files found",
        sources.len()
    );
    let without: Vec<String> = sources
        .iter()
        .filter(|path| {
            !fs::read_to_string(path)
                .unwrap_or_default()
                .starts_with("//!")
        })
        .map(|path| relative(path))
        .collect();
    assert!(
        without.is_empty(),
        "these files do not start with a `//!` line saying their job:\n{}",
        without.join("\n")
    );
}

#[test]
fn the_core_depends_on_no_gui_dbus_or_async_crate() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args([
            "tree",
            "-p",
            "unhunch-core",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .current_dir(workspace_root())
        .output()
        .expect("cargo runs");
    let tree = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "cargo tree failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        tree.contains("unhunch-core") && tree.contains("toml"),
        "unexpected cargo tree output:\n{tree}"
    );
    let forbidden = ["tauri", "gtk", "webkit", "zbus", "tokio", "notify-rust"];
    let offending: Vec<&str> = tree
        .lines()
        .filter(|line| {
            let crate_name = line.split_whitespace().next().unwrap_or_default();
            forbidden.iter().any(|word| crate_name.contains(word))
        })
        .collect();
    assert!(
        offending.is_empty(),
        "the core's dependency tree must stay free of shells' crates:\n{}",
        offending.join("\n")
    );
}

#[test]
fn every_routine_file_is_built_in() {
    let on_disk: BTreeSet<String> = files_under(&workspace_root().join("routines"), ".toml")
        .iter()
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let built_in: BTreeSet<String> = BUILTIN_ROUTINES
        .iter()
        .map(|(file_name, _)| file_name.to_string())
        .collect();
    assert_eq!(
        on_disk, built_in,
        "routines/*.toml and BUILTIN_ROUTINES (src-tauri/core/src/routine/builtin.rs) differ"
    );
    for (file_name, text) in BUILTIN_ROUTINES {
        let on_disk =
            fs::read_to_string(workspace_root().join("routines").join(file_name)).unwrap();
        assert_eq!(
            &on_disk, text,
            "{file_name}: the embedded text is stale; rebuild"
        );
    }
}

#[test]
fn the_embedded_illustration_names_are_the_pictures_in_ui_illustrations() {
    let on_disk: Vec<String> = files_under(&workspace_root().join("ui/illustrations"), ".svg")
        .iter()
        .filter_map(|path| path.file_stem()?.to_str().map(str::to_owned))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let embedded: Vec<String> = unhunch_core::routine::ILLUSTRATIONS
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
    assert_eq!(
        embedded, on_disk,
        "src-tauri/core/src/routine/illustrations.rs must list exactly ui/illustrations/*.svg, sorted"
    );
}

#[test]
fn every_illustration_a_routine_names_exists() {
    let folder = workspace_root().join("ui/illustrations");
    let mut missing = BTreeSet::new();
    for routine in RoutineSet::builtin().all() {
        let names = std::iter::once(&routine.illustration).chain(
            routine
                .steps
                .iter()
                .filter_map(|step| step.illustration.as_ref()),
        );
        for name in names {
            if !folder.join(format!("{name}.svg")).is_file() {
                missing.insert(format!(
                    "ui/illustrations/{name}.svg (named by routines/{}.toml)",
                    routine.id
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "missing pictures:\n{}",
        missing.into_iter().collect::<Vec<_>>().join("\n")
    );
}
