//! The guided stretch window: a short-lived Tauri app that walks the user through one break and
//! tells the daemon how it ended.
//!
//! Codemap:
//! - [`plan_source`] turns `UNHUNCH_PLAN` (or `--routine ID` and the built-in routines) into a
//!   validated [`StretchPlan`].
//! - [`commands`] are the only things the page can ask of Rust: `plan`, `switch_routine`,
//!   `painted`, `finish` and `close`. `capabilities/stretch.json` grants exactly these to this window.
//! - [`report`] is the only module that writes the window's results (`WindowReport` lines) to stdout.
//! - [`placement`] centres the window on the monitor under the pointer.
//!
//! The process exits when its window closes: after Snooze or Skip, after Done on the finish screen,
//! or when the window manager closes it. Closed before an outcome was printed, the break counts as
//! abandoned.

pub mod commands;
pub mod placement;
pub mod plan_source;
pub mod report;

use std::sync::Mutex;

use tauri::{Builder, Manager, Runtime, WebviewUrl, WebviewWindowBuilder};
use unhunch_core::plan::StretchPlan;

use crate::report::Reporter;

/// The label of the one window this process shows; the capability file grants commands to it.
pub const WINDOW_LABEL: &str = "stretch";

/// The smallest (and starting) size of the window, in logical pixels.
pub const WINDOW_WIDTH: f64 = 420.0;
pub const WINDOW_HEIGHT: f64 = 560.0;

/// Runs the window process: reads the plan, shows the window, returns when it has closed.
/// A plan that cannot be read ends the process with a message on stderr and exit code 2.
pub fn run() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let plan = match plan_source::plan_from(std::env::var("UNHUNCH_PLAN").ok(), &arguments) {
        Ok(plan_source::Request::Show(plan)) => *plan,
        Ok(plan_source::Request::Help) => {
            println!("{}", plan_source::USAGE);
            return;
        }
        Err(problem) => {
            eprintln!("unhunch-window: {problem}");
            std::process::exit(2);
        }
    };
    let app = builder(tauri::Builder::default(), plan, Reporter::stdout())
        .build(tauri::generate_context!())
        .unwrap_or_else(|error| {
            eprintln!("unhunch-window: could not start the window: {error}");
            std::process::exit(1);
        });
    app.run(|_, _| {});
}

/// What the commands share: the plan, which routine the page shows, and the stdout reporter.
pub struct WindowState {
    pub plan: StretchPlan,
    /// The id of the routine on screen; "Another stretch" changes it.
    pub shown_routine: Mutex<String>,
    pub reporter: Reporter,
}

/// The app for `plan`, generic over the runtime so tests can build it with a mock runtime.
pub fn builder<R: Runtime>(
    builder: Builder<R>,
    plan: StretchPlan,
    reporter: Reporter,
) -> Builder<R> {
    let title = window_title(&plan.routine.name);
    let state = WindowState {
        shown_routine: Mutex::new(plan.routine.id.clone()),
        plan,
        reporter,
    };
    builder
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::plan,
            commands::switch_routine,
            commands::painted,
            commands::finish,
            commands::close,
        ])
        .setup(move |app| {
            open_stretch_window(app.handle(), &title)?;
            Ok(())
        })
}

/// "Unhunch — Seated Twist": the title the window manager and task switchers show.
pub fn window_title(routine_name: &str) -> String {
    format!("Unhunch — {routine_name}")
}

fn open_stretch_window<R: Runtime, M: Manager<R>>(manager: &M, title: &str) -> tauri::Result<()> {
    let window = stretch_window(manager, title);
    let window = match placement::position_under_pointer(
        manager.app_handle(),
        WINDOW_WIDTH,
        WINDOW_HEIGHT,
    ) {
        Some(position) => window.position(position.x, position.y),
        None => window.center(),
    };
    let window = window.build()?;
    draw_without_gpu(&window)?;
    Ok(())
}

/// The stretch window as it opens, before it is placed: its label (which the capability grants
/// the commands to), page, title and size.
fn stretch_window<'a, R: Runtime, M: Manager<R>>(
    manager: &'a M,
    title: &str,
) -> WebviewWindowBuilder<'a, R, M> {
    // Small, above other windows, never full-screen and never taking the keyboard from whatever
    // the user is typing in: a break is an invitation, not an interruption.
    WebviewWindowBuilder::new(manager, WINDOW_LABEL, WebviewUrl::App("index.html".into()))
        .title(title)
        .inner_size(WINDOW_WIDTH, WINDOW_HEIGHT)
        .min_inner_size(WINDOW_WIDTH, WINDOW_HEIGHT)
        .resizable(true)
        .maximizable(false)
        .fullscreen(false)
        .decorations(true)
        .always_on_top(true)
        .focused(false)
}

/// The page is a few boxes and one picture: software drawing is plenty, starts sooner and keeps
/// the GL stack (and its memory) out of the web process.
#[cfg(target_os = "linux")]
fn draw_without_gpu<R: Runtime>(window: &tauri::WebviewWindow<R>) -> tauri::Result<()> {
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
    window.with_webview(|webview| {
        if let Some(settings) = webview.inner().settings() {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    })
}

#[cfg(not(target_os = "linux"))]
fn draw_without_gpu<R: Runtime>(_window: &tauri::WebviewWindow<R>) -> tauri::Result<()> {
    Ok(())
}
