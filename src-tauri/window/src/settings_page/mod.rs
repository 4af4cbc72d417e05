//! The settings window (`unhunch-window --page settings --config PATH`): every setting of
//! config.toml as a form, checked by the core as the user types, saved back into the user's own
//! file with their comments and layout kept. The daemon sees the saved file and applies it.
//!
//! - [`schema`] reads the groups, explanations and defaults from the example config.
//! - [`document`] reads the form's values from the file and writes them back (toml_edit), and
//!   asks the core whether the result is valid.
//! - [`file`] reads config.toml and replaces it atomically, refusing when it changed meanwhile.
//!
//! The daemon keeps this process's stdin open: a `raise` line brings the window to the front (a
//! second "Settings…" opens no second window), and the end of stdin means the daemon is gone, so
//! the window closes.

pub mod document;
pub mod file;
pub mod schema;

use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Mutex;

use serde::Serialize;
use tauri::{Builder, Manager, Runtime, State, WebviewUrl, WebviewWindowBuilder};
use toml_edit::DocumentMut;
use unhunch_core::settings::EXAMPLE_CONFIG;

use document::{FormInput, ProblemView, Values};
use schema::Group;

/// The label of the settings window; `capabilities/settings.json` grants its commands to it.
pub const WINDOW_LABEL: &str = "settings";
pub const WINDOW_TITLE: &str = "Unhunch — Settings";

/// The command line of the settings page, after `--page settings`.
pub const USAGE: &str = "Usage: unhunch-window --page settings --config PATH";

/// What the settings commands share: the file, and its text when the window last read it.
pub struct SettingsState {
    pub config: PathBuf,
    /// `None` when there was no file; a save goes ahead only while the file still holds this.
    pub read_at_open: Mutex<Option<String>>,
    pub groups: Vec<Group>,
}

/// Everything the page shows when it opens (or reloads).
#[derive(Debug, Serialize)]
pub struct Form {
    pub path: String,
    pub groups: Vec<Group>,
    pub values: Values,
    pub tables_on: Vec<String>,
    /// What is wrong with the file as it is (shown until the user fixes it here or by hand).
    pub problems: Vec<ProblemView>,
}

/// What became of a save.
#[derive(Debug, Serialize)]
pub struct SaveAnswer {
    pub saved: bool,
    /// Set when the file changed on disk since the window read it; nothing was written.
    pub changed_on_disk: bool,
    pub problems: Vec<ProblemView>,
}

/// The config file from the arguments after `--page settings`.
pub fn config_from(arguments: &[String]) -> Result<PathBuf, String> {
    match arguments {
        [option, path] if option == "--config" && !path.is_empty() => Ok(PathBuf::from(path)),
        _ => Err(format!(
            "the settings page needs the settings file. {USAGE}"
        )),
    }
}

/// Runs the settings window for `config` until it closes or the daemon goes.
pub fn run(config: PathBuf) {
    let app = builder(tauri::Builder::default(), config)
        .build(crate::context())
        .unwrap_or_else(|error| {
            crate::say(&format!("could not start the settings window: {error}"));
            std::process::exit(1);
        });
    listen_to_the_daemon(app.handle().clone());
    app.run(|_, _| {});
}

/// The settings app, generic over the runtime so tests can build it with a mock runtime.
pub fn builder<R: Runtime>(builder: Builder<R>, config: PathBuf) -> Builder<R> {
    builder
        .manage(SettingsState {
            config,
            read_at_open: Mutex::new(None),
            groups: schema::groups(),
        })
        .invoke_handler(tauri::generate_handler![
            settings_form,
            settings_check,
            settings_save,
            settings_open_file,
        ])
        .setup(|app| {
            WebviewWindowBuilder::new(app, WINDOW_LABEL, WebviewUrl::App("settings.html".into()))
                .title(WINDOW_TITLE)
                .inner_size(640.0, 720.0)
                .min_inner_size(420.0, 360.0)
                .build()?;
            Ok(())
        })
}

/// Reads the daemon's lines on stdin: `raise` brings the window to the front; the end of stdin
/// means the daemon is gone, and the window goes too.
fn listen_to_the_daemon<R: Runtime>(app: tauri::AppHandle<R>) {
    let spawned = std::thread::Builder::new()
        .name("daemon-watch".into())
        .spawn(move || {
            for line in std::io::stdin().lock().lines() {
                match line.as_deref().map(str::trim) {
                    Ok("raise") => raise(&app),
                    Ok(other) => crate::say(&format!("ignored a line from the daemon: {other:?}")),
                    Err(_) => break,
                }
            }
            crate::say("the daemon that started this window is gone; closing.");
            app.exit(0);
        });
    if let Err(error) = spawned {
        crate::say(&format!("cannot listen to the daemon: {error}"));
    }
}

fn raise<R: Runtime>(app: &tauri::AppHandle<R>) {
    let handle = app.clone();
    // Done on the event loop's own thread, so this thread never waits on it and every `raise`
    // line is read as it comes.
    let queued = app.run_on_main_thread(move || {
        if let Some(window) = handle.get_webview_window(WINDOW_LABEL) {
            let _ = window.unminimize();
            let _ = window.show();
            let _ = window.set_focus();
        }
    });
    match queued {
        // Said for the daemon's log: a second "Settings…" reached the open window.
        Ok(()) => crate::say("brought the settings window to the front"),
        Err(error) => crate::say(&format!(
            "cannot bring the settings window to the front: {error}"
        )),
    }
}

/// The form as the file is now; also what "Reload" does after the file changed on disk.
#[tauri::command]
fn settings_form(state: State<'_, SettingsState>) -> Result<Form, String> {
    let text = file::read(&state.config)
        .map_err(|why| format!("cannot read {}: {why}", state.config.display()))?;
    let base = text.as_deref().unwrap_or(EXAMPLE_CONFIG);
    let display = state.config.display().to_string();
    let problems = document::problems_of(&display, base);
    let (values, tables_on) = match base.parse::<DocumentMut>() {
        Ok(parsed) => document::values_of(&state.groups, &parsed),
        Err(_) => document::values_of(&state.groups, &DocumentMut::new()),
    };
    *lock(&state.read_at_open) = text;
    Ok(Form {
        path: display,
        groups: state.groups.clone(),
        values,
        tables_on,
        problems,
    })
}

/// What is wrong with the form's values, in `unhunch config check`'s words; nothing is written.
#[tauri::command]
fn settings_check(state: State<'_, SettingsState>, input: FormInput) -> Vec<ProblemView> {
    let (_, problems) = candidate(&state, &input);
    problems
}

/// Writes the form's values into config.toml, if they are valid and the file is still what the
/// window read.
#[tauri::command]
fn settings_save(state: State<'_, SettingsState>, input: FormInput) -> Result<SaveAnswer, String> {
    let (text, problems) = candidate(&state, &input);
    if !problems.is_empty() {
        return Ok(SaveAnswer {
            saved: false,
            changed_on_disk: false,
            problems,
        });
    }
    let mut read_at_open = lock(&state.read_at_open);
    match file::save(&state.config, read_at_open.as_deref(), &text) {
        Ok(()) => {
            *read_at_open = Some(text);
            Ok(SaveAnswer {
                saved: true,
                changed_on_disk: false,
                problems: Vec::new(),
            })
        }
        Err(file::SaveFailure::ChangedOnDisk) => Ok(SaveAnswer {
            saved: false,
            changed_on_disk: true,
            problems: Vec::new(),
        }),
        Err(file::SaveFailure::Io(why)) => {
            Err(format!("cannot write {}: {why}", state.config.display()))
        }
    }
}

/// Opens config.toml in the user's editor, for what the form does not show (its comments).
#[tauri::command]
fn settings_open_file(state: State<'_, SettingsState>) -> Result<(), String> {
    let mut child = std::process::Command::new("xdg-open")
        .arg(&state.config)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .map_err(|why| {
            format!(
                "cannot run xdg-open ({why}); the file is {}",
                state.config.display()
            )
        })?;
    // xdg-open may wait for the editor; it is reaped on a thread so the window never waits.
    std::thread::spawn(move || child.wait());
    Ok(())
}

/// The text the form would write, and the core's problems with it.
fn candidate(state: &SettingsState, input: &FormInput) -> (String, Vec<ProblemView>) {
    let read_at_open = lock(&state.read_at_open).clone();
    let base = read_at_open.as_deref().unwrap_or(EXAMPLE_CONFIG);
    let display = state.config.display().to_string();
    let text = match base.parse::<DocumentMut>() {
        Ok(mut edited) => {
            document::apply(&state.groups, &mut edited, input);
            edited.to_string()
        }
        // A file that is not TOML at all cannot be edited in place: its problem is shown, and
        // nothing is written until it is fixed by hand.
        Err(_) => base.to_owned(),
    };
    let problems = document::problems_of(&display, &text);
    (text, problems)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
