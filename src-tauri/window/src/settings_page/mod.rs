//! The settings window (`unhunch-window --page settings --config PATH ...`, see [`USAGE`]): every
//! setting of config.toml as a form, checked by the core as the user types, saved back into the user's own
//! file with their comments and layout kept. The daemon sees the saved file and applies it.
//!
//! - [`schema`] reads the groups, explanations and defaults from the example config.
//! - [`document`] reads the form's values from the file and writes them back (toml_edit), and
//!   asks the core whether the result is valid.
//! - [`file`] reads config.toml and replaces it atomically, refusing when it changed meanwhile.
//! - [`stretches`] lists the routines in use and the user's broken routine files (the Stretches
//!   page, whose switches edit `[stretch] leave_out` in the form).
//!
//! "Try now" on the Stretches page runs the daemon program's `stretch-now ROUTINE-ID`, so the
//! running daemon decides (and records) the break as for any other request, and its answer, or
//! that it is not running, is shown beside the button.
//!
//! "Start at login" writes or removes the XDG autostart entry the daemon names, with the core's
//! text for it (the same as `unhunch autostart on`).
//!
//! The daemon keeps this process's stdin open: a `raise` line brings the window to the front (a
//! second "Settings…" opens no second window), and the end of stdin means the daemon is gone, so
//! the window closes.

pub mod document;
pub mod file;
pub mod schema;
pub mod stretches;

use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Mutex;

use serde::Serialize;
use tauri::{Builder, Manager, Runtime, State, WebviewUrl, WebviewWindowBuilder};
use toml_edit::DocumentMut;
use unhunch_core::routine::RoutineSet;
use unhunch_core::settings::EXAMPLE_CONFIG;

use document::{FormInput, ProblemView, Values};
use schema::Group;

/// The label of the settings window; `capabilities/settings.json` grants its commands to it.
pub const WINDOW_LABEL: &str = "settings";
pub const WINDOW_TITLE: &str = "Unhunch — Settings";

/// The command line of the settings page, after `--page settings`.
pub const USAGE: &str = "Usage: unhunch-window --page settings --config PATH [--routines DIR] \
                         [--daemon PATH [--autostart PATH]]";

/// Where the settings window finds the user's files; the daemon passes them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub config: PathBuf,
    /// The user's routines folder, for the Stretches page and to check `[stretch] leave_out`.
    pub routines: Option<PathBuf>,
    /// The XDG autostart entry and the daemon it starts, for "Start at login".
    pub autostart: Option<(PathBuf, PathBuf)>,
    /// The daemon program, whose `stretch-now ROUTINE-ID` is "Try now".
    pub daemon: Option<PathBuf>,
}

/// What the settings commands share: the file, and its text when the window last read it.
pub struct SettingsState {
    pub config: PathBuf,
    pub routines_dir: Option<PathBuf>,
    pub autostart: Option<(PathBuf, PathBuf)>,
    pub daemon: Option<PathBuf>,
    /// The routines in use when the window last read the folder; `leave_out` is checked on them.
    pub routines: Mutex<RoutineSet>,
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
    /// Whether Unhunch starts at login (the entry is there); `None` hides the switch (the
    /// daemon named no entry).
    pub starts_at_login: Option<bool>,
}

/// What became of a save.
#[derive(Debug, Serialize)]
pub struct SaveAnswer {
    pub saved: bool,
    /// Set when the file changed on disk since the window read it; nothing was written.
    pub changed_on_disk: bool,
    pub problems: Vec<ProblemView>,
}

/// The options after `--page settings`.
pub fn options_from(arguments: &[String]) -> Result<Options, String> {
    let mut config = None;
    let mut routines = None;
    let mut autostart = None;
    let mut daemon = None;
    let mut words = arguments.iter();
    while let Some(option) = words.next() {
        let slot = match option.as_str() {
            "--config" => &mut config,
            "--routines" => &mut routines,
            "--autostart" => &mut autostart,
            "--daemon" => &mut daemon,
            _ => return Err(format!("unknown option {option:?}. {USAGE}")),
        };
        match words.next() {
            Some(path) if !path.is_empty() => *slot = Some(PathBuf::from(path)),
            _ => return Err(format!("{option} needs a path. {USAGE}")),
        }
    }
    let config =
        config.ok_or_else(|| format!("the settings page needs the settings file. {USAGE}"))?;
    let autostart = match (autostart, &daemon) {
        (Some(entry), Some(daemon)) => Some((entry, daemon.clone())),
        (None, _) => None,
        (Some(_), None) => return Err(format!("--autostart needs --daemon. {USAGE}")),
    };
    Ok(Options {
        config,
        routines,
        autostart,
        daemon,
    })
}

/// Runs the settings window for `options` until it closes or the daemon goes.
pub fn run(options: Options) {
    let app = builder(tauri::Builder::default(), options)
        .build(crate::context())
        .unwrap_or_else(|error| {
            crate::say(&format!("could not start the settings window: {error}"));
            std::process::exit(1);
        });
    listen_to_the_daemon(app.handle().clone());
    app.run(|_, _| {});
}

/// The settings app, generic over the runtime so tests can build it with a mock runtime.
pub fn builder<R: Runtime>(builder: Builder<R>, options: Options) -> Builder<R> {
    builder
        .manage(SettingsState {
            config: options.config,
            routines_dir: options.routines,
            autostart: options.autostart,
            daemon: options.daemon,
            routines: Mutex::new(RoutineSet::builtin()),
            read_at_open: Mutex::new(None),
            groups: schema::groups(),
        })
        .invoke_handler(tauri::generate_handler![
            settings_form,
            settings_check,
            settings_save,
            settings_open_file,
            settings_stretches,
            settings_open_routines,
            settings_set_autostart,
            settings_try_now,
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
    if let Some(dir) = &state.routines_dir {
        *lock(&state.routines) = stretches::load(dir).0;
    }
    let problems = document::problems_of(&display, base, &lock(&state.routines));
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
        starts_at_login: state.autostart.as_ref().map(|(entry, _)| entry.exists()),
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
    open_with_xdg_open(&state.config)
}

/// The Stretches page: the routines in use and the user's broken routine files. Reading it also
/// refreshes the routines that `[stretch] leave_out` is checked against.
#[tauri::command]
fn settings_stretches(state: State<'_, SettingsState>) -> Result<stretches::StretchesView, String> {
    let dir = state
        .routines_dir
        .as_deref()
        .ok_or("the window was not told where your routines are")?;
    let (routines, problems) = stretches::load(dir);
    let page = stretches::view(dir, &routines, &problems);
    *lock(&state.routines) = routines;
    Ok(page)
}

/// Opens the user's routines folder in their file manager, making it first if there is none yet.
#[tauri::command]
fn settings_open_routines(state: State<'_, SettingsState>) -> Result<(), String> {
    let dir = state
        .routines_dir
        .as_deref()
        .ok_or("the window was not told where your routines are")?;
    std::fs::create_dir_all(dir).map_err(|why| format!("cannot make {}: {why}", dir.display()))?;
    open_with_xdg_open(dir)
}

/// "Start at login": writes the XDG autostart entry (the same text as `unhunch autostart on`) or
/// removes it. Returns whether Unhunch now starts at login.
#[tauri::command]
fn settings_set_autostart(state: State<'_, SettingsState>, on: bool) -> Result<bool, String> {
    let (entry, daemon) = state
        .autostart
        .as_ref()
        .ok_or("the window was not told where the autostart entry goes")?;
    let done = if on {
        entry
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(entry, unhunch_core::autostart::desktop_entry(daemon)))
    } else {
        match std::fs::remove_file(entry) {
            Err(why) if why.kind() == std::io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    };
    done.map_err(|why| format!("cannot change {}: {why}", entry.display()))?;
    Ok(entry.exists())
}

/// "Try now": asks the running daemon to start a stretch break with `routine_id` at once, through
/// `unhunch stretch-now ROUTINE-ID`, so the engine decides and the history records it. Returns the
/// daemon's sentence; a refusal (an unknown id, a break already on screen) or a daemon that is not
/// running comes back as the error, in the command's own words. Async, so the window never waits
/// on the daemon's answer.
#[tauri::command]
async fn settings_try_now(
    state: State<'_, SettingsState>,
    routine_id: String,
) -> Result<String, String> {
    let daemon = state
        .daemon
        .clone()
        .ok_or("the window was not told where the Unhunch program is")?;
    // On a blocking thread: the command waits for the daemon's D-Bus answer.
    let program = daemon.clone();
    let ran = tauri::async_runtime::spawn_blocking(move || {
        std::process::Command::new(&program)
            .arg("stretch-now")
            .arg(&routine_id)
            .stdin(std::process::Stdio::null())
            .output()
    })
    .await
    .map_err(|why| format!("cannot run {} ({why})", daemon.display()))?
    .map_err(|why| format!("cannot run {} ({why})", daemon.display()))?;
    let said = |bytes: &[u8]| String::from_utf8_lossy(bytes).trim().to_owned();
    if ran.status.success() {
        Ok(said(&ran.stdout))
    } else {
        // The command's sentences without its program name: "unhunch: " begins the first only.
        let why = said(&ran.stderr);
        Err(why.strip_prefix("unhunch: ").unwrap_or(&why).to_owned())
    }
}

/// Opens `path` with the desktop's program for it.
fn open_with_xdg_open(path: &std::path::Path) -> Result<(), String> {
    let mut child = std::process::Command::new("xdg-open")
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .map_err(|why| format!("cannot run xdg-open ({why}); it is {}", path.display()))?;
    // xdg-open may wait for the program it starts; it is reaped on a thread so the window never
    // waits.
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
    let problems = document::problems_of(&display, &text, &lock(&state.routines));
    (text, problems)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
