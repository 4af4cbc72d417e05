//! The window's security promises, checked in its files: a strict CSP, a capability that grants
//! exactly the window's own commands, and a page that never turns text into markup.

use std::path::PathBuf;

use serde_json::Value;

fn workspace_file(path: &str) -> String {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|error| panic!("{}: {error}", full.display()))
}

fn json_file(path: &str) -> Value {
    serde_json::from_str(&workspace_file(path)).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// The commands `build.rs` declares, read from its `.commands(&[...])` list.
fn declared_commands() -> Vec<String> {
    let build = workspace_file("src-tauri/window/build.rs");
    let list = build
        .split(".commands(&[")
        .nth(1)
        .and_then(|rest| rest.split("])").next())
        .expect("build.rs declares its commands with AppManifest::commands");
    list.split(',')
        .map(|name| name.trim().trim_matches('"').to_owned())
        .filter(|name| !name.is_empty())
        .collect()
}

#[test]
fn the_csp_allows_only_the_apps_own_files() {
    let config = json_file("src-tauri/window/tauri.conf.json");
    assert_eq!(config["app"]["withGlobalTauri"], Value::Bool(true));
    let csp = config["app"]["security"]["csp"]
        .as_object()
        .expect("the CSP is set, directive by directive (never null)");
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["script-src"], "'self'");
    assert_eq!(csp["style-src"], "'self'");
    for (directive, sources) in csp {
        let sources = sources.as_str().unwrap_or_default();
        for forbidden in [
            "'unsafe-inline'",
            "'unsafe-eval'",
            "*",
            "https:",
            "http:",
            "data:",
        ] {
            assert!(
                !sources.split_whitespace().any(|source| source == forbidden),
                "{directive} allows {forbidden}"
            );
        }
        for source in sources
            .split_whitespace()
            .filter(|source| source.contains("://"))
        {
            assert_eq!(
                source, "http://ipc.localhost",
                "{directive} names a remote source"
            );
        }
    }
}

/// Each window, its capability file, and the commands its page calls.
const WINDOWS: [(&str, &str, &[&str]); 3] = [
    (
        "stretch",
        "src-tauri/window/capabilities/stretch.json",
        &[
            "plan",
            "switch_routine",
            "laid_out",
            "painted",
            "finish",
            "close",
        ],
    ),
    (
        "settings",
        "src-tauri/window/capabilities/settings.json",
        &[
            "settings_form",
            "settings_check",
            "settings_save",
            "settings_open_file",
            "settings_stretches",
            "settings_open_routines",
            "settings_set_autostart",
            "settings_try_now",
        ],
    ),
    (
        "history",
        "src-tauri/window/capabilities/history.json",
        &[
            "history_stats",
            "export_history_csv",
            "clear_history",
            "history_drawn",
        ],
    ),
];

#[test]
fn the_capability_grants_exactly_the_windows_commands() {
    let mut all_granted = Vec::new();
    for (window, file, commands) in WINDOWS {
        let capability = json_file(file);
        assert_eq!(capability["windows"], serde_json::json!([window]), "{file}");
        let mut granted: Vec<String> = capability["permissions"]
            .as_array()
            .expect("a permissions list")
            .iter()
            .map(|permission| {
                permission
                    .as_str()
                    .expect("plain permission names")
                    .to_owned()
            })
            .collect();
        let mut wanted: Vec<String> = commands
            .iter()
            .map(|command| format!("allow-{}", command.replace('_', "-")))
            .collect();
        granted.sort();
        wanted.sort();
        assert_eq!(granted, wanted, "{file}");
        all_granted.extend(granted);
    }
    // Every command the build declares is granted to exactly one window.
    let mut declared: Vec<String> = declared_commands()
        .iter()
        .map(|command| format!("allow-{}", command.replace('_', "-")))
        .collect();
    all_granted.sort();
    declared.sort();
    assert_eq!(all_granted, declared);
}

#[test]
fn the_page_never_parses_text_as_markup_and_has_nothing_inline() {
    for (script, page) in [
        ("ui/app.js", "ui/index.html"),
        ("ui/settings.js", "ui/settings.html"),
        ("ui/history.js", "ui/history.html"),
    ] {
        page_never_parses_text_as_markup(script, page);
    }
}

fn page_never_parses_text_as_markup(script_file: &str, page_file: &str) {
    let script = workspace_file(script_file);
    for sink in [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
    ] {
        assert!(!script.contains(sink), "{script_file} uses {sink}");
    }
    let page = workspace_file(page_file);
    assert!(
        !page.contains("<style"),
        "{page_file} has an inline style sheet"
    );
    assert!(
        !page.contains("style=\""),
        "{page_file} has an inline style attribute"
    );
    assert!(
        !has_event_handler_attribute(&page),
        "{page_file} has an inline event handler"
    );
    for script_tag in page.split("<script").skip(1) {
        let tag_end = script_tag.find('>').expect("a closed script tag");
        assert!(script_tag[..tag_end].contains("src="), "an inline script");
        assert!(
            script_tag[tag_end + 1..].starts_with("</script>"),
            "an inline script body"
        );
    }
}

/// Is there an ` on<letters>=` attribute, such as ` onclick=`?
fn has_event_handler_attribute(page: &str) -> bool {
    page.match_indices(" on").any(|(at, _)| {
        let rest = &page[at + 3..];
        let letters = rest.chars().take_while(char::is_ascii_alphabetic).count();
        letters > 0 && rest[letters..].starts_with('=')
    })
}
