//! Tidy checks of the daemon's layers: its modules depend only downwards (leaves ← adapters ←
//! effects ← owner ← commands ← cli), and the engine's effects become IO in one place only.
//!
//! The picture these tests keep true is the README's codemap and `src-tauri/daemon/src/main.rs`'s
//! opening comment. A new module must be given a layer here, on purpose.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use super::tidy::{files_under, workspace_root};

/// The daemon's layers, lowest first. A module may use modules of lower layers; leaves may also
/// use other leaves, as long as no cycle forms.
const LAYERS: [(&str, &[&str]); 6] = [
    (
        "leaf",
        &[
            "exit",
            "command",
            "inbox",
            "clock",
            "files",
            "status",
            "history_summary",
            "icon",
            "logging",
            "output",
            "programs",
            "autostart_entry",
            "bus",
        ],
    ),
    (
        "adapter",
        &[
            "bus/service",
            "bus/proxy",
            "tray",
            "idle",
            "idle/mutter",
            "idle/screensaver",
            "idle/wayland",
            "idle/x11",
            "interruptions",
            "interruptions/camera",
            "interruptions/do_not_disturb",
            "interruptions/full_screen",
            "logind",
            "watch",
            "effects/notifications",
            "effects/window",
            "effects/history",
            "effects/history_window",
            "effects/kept_window",
            "effects/open",
            "effects/settings_window",
            "effects/warm_up",
        ],
    ),
    ("effects", &["effects"]),
    ("owner", &["owner"]),
    (
        "commands",
        &[
            "daemon",
            "commands",
            "commands/autostart",
            "commands/checks",
            "commands/client",
            "commands/history",
        ],
    ),
    ("cli", &["main", "cli"]),
];

struct Module {
    name: String,
    /// The file's text up to its `#[cfg(test)]` module: what the daemon itself runs.
    shipped: String,
    /// The whole file, tests included.
    text: String,
}

fn daemon_modules() -> Vec<Module> {
    let source = workspace_root().join("src-tauri/daemon/src");
    files_under(&source, ".rs")
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(&source).expect("under src");
            let name = module_name(relative);
            let text = fs::read_to_string(&path).expect("readable source");
            let shipped = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or_default()
                .to_owned();
            Module {
                name,
                shipped,
                text,
            }
        })
        .collect()
}

/// `bus/service.rs` → `bus/service`, `bus/mod.rs` → `bus`.
fn module_name(relative: &Path) -> String {
    let name = relative.with_extension("").display().to_string();
    name.strip_suffix("/mod").unwrap_or(&name).to_owned()
}

fn layer_of(module: &str) -> Option<(usize, &'static str)> {
    LAYERS
        .iter()
        .enumerate()
        .find(|(_, (_, modules))| modules.contains(&module))
        .map(|(rank, (layer, _))| (rank, *layer))
}

/// Every module `text` names through a `crate::` path, resolved to the deepest module that
/// exists (`crate::bus::service::serve` → `bus/service`), with the line it is named on.
fn crate_references(text: &str, known: &BTreeSet<String>) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let path: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':' || *c == '{')
                .collect();
            // `crate::{a, b}` names several modules at once.
            let heads: Vec<String> = if let Some(group) = rest.strip_prefix('{') {
                let group = group.split('}').next().unwrap_or_default();
                group
                    .split(',')
                    .map(|part| part.trim().to_owned())
                    .collect()
            } else {
                vec![path.trim_end_matches(['{', ':']).to_owned()]
            };
            for head in heads {
                let segments: Vec<&str> = head.split("::").filter(|s| !s.is_empty()).collect();
                let module = (1..=segments.len())
                    .rev()
                    .map(|length| segments[..length].join("/"))
                    .find(|candidate| known.contains(candidate));
                if let Some(module) = module {
                    found.push((module, index + 1));
                }
            }
        }
    }
    found
}

#[test]
fn every_daemon_module_has_a_layer() {
    let unplaced: Vec<String> = daemon_modules()
        .into_iter()
        .filter(|module| layer_of(&module.name).is_none())
        .map(|module| module.name)
        .collect();
    assert!(
        unplaced.is_empty(),
        "these daemon modules have no layer in tests/core/daemon_layers.rs (LAYERS): {unplaced:?}"
    );
}

#[test]
fn the_daemon_depends_only_downwards_and_has_no_module_cycle() {
    let modules = daemon_modules();
    let known: BTreeSet<String> = modules.iter().map(|module| module.name.clone()).collect();
    let mut wrong = Vec::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for module in &modules {
        let Some((rank, layer)) = layer_of(&module.name) else {
            continue;
        };
        for (target, line) in crate_references(&module.text, &known) {
            if target == module.name {
                continue;
            }
            let Some((target_rank, target_layer)) = layer_of(&target) else {
                continue;
            };
            let downwards = target_rank < rank || (target_rank == 0 && rank == 0);
            if !downwards {
                wrong.push(format!(
                    "src-tauri/daemon/src/{}.rs:{line}: the {layer} `{}` uses the {target_layer} `{target}`",
                    module.name, module.name
                ));
            }
            edges.entry(module.name.clone()).or_default().insert(target);
        }
    }
    assert!(
        wrong.is_empty(),
        "a daemon module depends on a layer above or beside it:\n{}",
        wrong.join("\n")
    );
    if let Some(cycle) = find_cycle(&edges) {
        panic!(
            "the daemon's modules use each other in a circle: {}",
            cycle.join(" → ")
        );
    }
}

/// A cycle in `edges`, as the modules along it, if there is one.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|seen| seen == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|node| visit(node, edges, &mut Vec::new(), &mut done))
}

/// Words that mean IO only `effects/` may do, and where each is allowed besides.
const EFFECTS_ONLY: [(&str, &str, &[&str]); 5] = [
    ("notify_rust::", "sending a notification", &[]),
    ("history::append", "appending to the history", &[]),
    // The log file is appended to by `logging`; it is not the history.
    (".append(true)", "appending to a file", &["logging"]),
    ("Command::new", "starting a process", &[]),
    ("tokio::process", "starting a process", &[]),
];

#[test]
fn notifications_history_appends_and_processes_happen_only_under_effects() {
    let mut leaks = Vec::new();
    for module in daemon_modules() {
        if module.name.starts_with("effects") {
            continue;
        }
        for (word, what, allowed) in EFFECTS_ONLY {
            if allowed.contains(&module.name.as_str()) {
                continue;
            }
            for (index, line) in module.shipped.lines().enumerate() {
                if line.contains(word) {
                    leaks.push(format!(
                        "src-tauri/daemon/src/{}.rs:{}: {what} (`{word}`) outside effects/: {}",
                        module.name,
                        index + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "the effects boundary has leaked:\n{}",
        leaks.join("\n")
    );
}

#[test]
fn the_engine_effects_are_matched_in_one_module() {
    let matching: Vec<String> = daemon_modules()
        .into_iter()
        .filter(|module| module.shipped.contains("Effect::"))
        .map(|module| module.name)
        .collect();
    assert_eq!(
        matching,
        vec!["effects".to_owned()],
        "exactly one module (effects/mod.rs) turns the engine's effects into IO"
    );
}

#[test]
fn the_layer_check_sees_a_reference_upwards() {
    // The checker itself must be able to fail: an adapter naming the owner is caught.
    let known: BTreeSet<String> = ["owner", "inbox", "bus", "bus/service"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    let text = "use crate::owner::Owner;\nuse crate::{inbox, bus::service::serve};\n";
    assert_eq!(
        crate_references(text, &known),
        vec![
            ("owner".to_owned(), 1),
            ("inbox".to_owned(), 2),
            ("bus/service".to_owned(), 2)
        ]
    );
    let mut edges = BTreeMap::new();
    edges.insert("a".to_owned(), BTreeSet::from(["b".to_owned()]));
    edges.insert("b".to_owned(), BTreeSet::from(["a".to_owned()]));
    assert_eq!(
        find_cycle(&edges),
        Some(vec!["a".to_owned(), "b".to_owned(), "a".to_owned()])
    );
}
