//! The history window, "Unhunch — History": today at a glance, the last 14 days and a 12-week
//! calendar drawn as SVG by `ui/history.js`, the stretches done most, the sides, CSV export and
//! Clear history. The numbers come from `unhunch_core::history_stats`; this module only reads the
//! clock, the time zone and the files.
//!
//! The daemon starts it as `unhunch-window --page history --history-file PATH --export-to PATH
//! --from-daemon` and keeps its stdin: a `raise` line brings the open window to the front (a
//! second History… starts no second process), and the end of stdin means the daemon is gone, so
//! the window closes. Started by hand (without `--from-daemon`) it just shows the file.

pub mod commands;
pub mod file;

use std::io::BufRead;
use std::path::PathBuf;

use tauri::{Builder, Manager, Runtime, WebviewUrl, WebviewWindowBuilder};

/// The label of the history window; `capabilities/history.json` grants its commands to it.
pub const WINDOW_LABEL: &str = "history";
pub const WINDOW_TITLE: &str = "Unhunch — History";
/// The line on stdin that brings the open window to the front.
pub const RAISE: &str = "raise";

pub const USAGE: &str = "\
Usage: unhunch-window --page history --history-file PATH --export-to PATH [--from-daemon]

Shows Unhunch's history window for the history file at PATH.
  --export-to PATH  where \"Export to CSV\" writes (the window names it)
  --from-daemon     how the unhunch daemon starts it: a `raise` line on stdin brings the window
                    to the front, and the window closes when stdin ends";

/// What the history window works on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryFiles {
    pub history_file: PathBuf,
    pub export_file: PathBuf,
}

/// Reads the arguments after `--page history`. `Ok(None)` is `--help`.
pub fn arguments(arguments: &[String]) -> Result<Option<(HistoryFiles, bool)>, String> {
    let mut history_file = None;
    let mut export_file = None;
    let mut from_daemon = false;
    let mut words = arguments.iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "--history-file" | "--export-to" => {
                let path = words
                    .next()
                    .map(PathBuf::from)
                    .ok_or_else(|| format!("{word} needs a path after it.\n\n{USAGE}"))?;
                if word == "--history-file" {
                    history_file = Some(path);
                } else {
                    export_file = Some(path);
                }
            }
            "--from-daemon" => from_daemon = true,
            "--help" | "-h" => return Ok(None),
            other => return Err(format!("unknown argument {other:?}.\n\n{USAGE}")),
        }
    }
    let history_file = history_file.ok_or(format!("--history-file is missing.\n\n{USAGE}"))?;
    let export_file = export_file.ok_or(format!("--export-to is missing.\n\n{USAGE}"))?;
    Ok(Some((
        HistoryFiles {
            history_file,
            export_file,
        },
        from_daemon,
    )))
}

/// Runs the history window until it closes.
pub fn run(words: &[String]) {
    let (files, from_daemon) = match arguments(words) {
        Ok(Some(parsed)) => parsed,
        Ok(None) => {
            println!("{USAGE}");
            return;
        }
        Err(problem) => {
            crate::say(&problem);
            std::process::exit(2);
        }
    };
    let app = builder(tauri::Builder::default(), files)
        .build(crate::context())
        .unwrap_or_else(|error| {
            crate::say(&format!("could not start the history window: {error}"));
            std::process::exit(1);
        });
    if from_daemon {
        follow_the_daemon(app.handle().clone());
    }
    app.run(|_, _| {});
}

/// The app showing the history of `files`, generic over the runtime for mock-runtime tests.
pub fn builder<R: Runtime>(builder: Builder<R>, files: HistoryFiles) -> Builder<R> {
    builder
        .manage(files)
        .invoke_handler(tauri::generate_handler![
            commands::history_stats,
            commands::export_history_csv,
            commands::clear_history,
            commands::history_drawn,
        ])
        .setup(|app| {
            let window = history_window(app.handle()).build()?;
            crate::webkit::tune(&window)?;
            Ok(())
        })
}

/// An ordinary window: the user reads it as long as they like, so it takes the focus, may be
/// resized and tiled, and is not kept above others.
fn history_window<R: Runtime, M: Manager<R>>(manager: &M) -> WebviewWindowBuilder<'_, R, M> {
    WebviewWindowBuilder::new(
        manager,
        WINDOW_LABEL,
        WebviewUrl::App("history.html".into()),
    )
    .title(WINDOW_TITLE)
    .inner_size(800.0, 760.0)
    .min_inner_size(480.0, 400.0)
    .resizable(true)
    .decorations(true)
    .focused(true)
    .center()
}

/// Reads the daemon's lines: `raise` brings the window to the front (the page refreshes its
/// numbers when it gets the focus); the end of stdin means the daemon is gone, so the window
/// closes rather than live on as an orphan a new daemon knows nothing about.
fn follow_the_daemon<R: Runtime>(app: tauri::AppHandle<R>) {
    let spawned = std::thread::Builder::new()
        .name("daemon-watch".into())
        .spawn(move || {
            for line in std::io::stdin().lock().lines() {
                let Ok(line) = line else { break };
                if line.trim() == RAISE
                    && let Some(window) = app.get_webview_window(WINDOW_LABEL)
                {
                    let _ = window.unminimize();
                    let _ = window.show();
                    let _ = window.set_focus();
                }
            }
            crate::say("the daemon that started this window is gone; closing.");
            app.exit(0);
        });
    if let Err(error) = spawned {
        crate::say(&format!("cannot watch for the daemon going away: {error}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn the_command_line_names_both_files() {
        let parsed = arguments(&words(
            "--history-file /h.jsonl --export-to /e.csv --from-daemon",
        ));
        let files = HistoryFiles {
            history_file: "/h.jsonl".into(),
            export_file: "/e.csv".into(),
        };
        assert_eq!(parsed, Ok(Some((files, true))));
        assert_eq!(arguments(&words("--help")), Ok(None));
        let missing = arguments(&words("--history-file /h.jsonl")).unwrap_err();
        assert!(missing.starts_with("--export-to is missing."), "{missing}");
        let unknown = arguments(&words("--routine cobra")).unwrap_err();
        assert!(
            unknown.starts_with("unknown argument \"--routine\""),
            "{unknown}"
        );
    }
}
