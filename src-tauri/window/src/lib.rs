//! The guided stretch window: a short-lived Tauri app that walks the user through one break and
//! tells the daemon how it ended.
//!
//! Codemap:
//! - [`plan_source`] turns the daemon's plan on stdin (or `--routine ID` and the built-in
//!   routines) into a validated [`StretchPlan`], and tells when the daemon is gone.
//! - [`commands`] are the only things the page can ask of Rust: `plan`, `switch_routine`,
//!   `painted`, `finish` and `close`. `capabilities/stretch.json` grants exactly these to this window.
//! - [`report`] is the only module that writes the window's results (`WindowReport` lines) to stdout.
//! - [`placement`] centres the window on the monitor under the pointer.
//! - [`focus`] gives the keyboard back on sway, which focuses every new window.
//! - [`renderer`] picks the WebKit renderer that paints on this desktop, before GTK starts.
//! - [`webkit`] sets WebKitGTK up for a small local page; [`trace`] marks the start-up's stages.
//!
//! The process exits when its window closes: after Snooze or Skip, after Done on the finish screen,
//! when the window manager closes it, or when the daemon that started it is gone (its stdin ends).
//! Closed before an outcome was printed, the break counts as abandoned.

pub mod commands;
pub mod focus;
pub mod placement;
pub mod plan_source;
pub mod renderer;
pub mod report;
pub mod trace;
pub mod webkit;

use std::sync::Mutex;

use tauri::{Builder, Manager, Runtime, WebviewUrl, WebviewWindowBuilder};
use unhunch_core::plan::StretchPlan;

use crate::report::Reporter;

/// The label of the one window this process shows; the capability file grants commands to it.
pub const WINDOW_LABEL: &str = "stretch";

/// The size of the window, in logical pixels: fixed, so tiling window managers float it.
pub const WINDOW_WIDTH: f64 = 420.0;
pub const WINDOW_HEIGHT: f64 = 560.0;

/// Runs the window process: reads the plan, shows the window, returns when it has closed.
/// A plan that cannot be read ends the process with a message on stderr and exit code 2; a plan of
/// another contract with exit code 3 ([`unhunch_core::plan::EXIT_OTHER_CONTRACT`]), before any
/// window exists.
pub fn run() {
    trace::mark("process started");
    renderer::restart_with_a_renderer_that_paints_if_needed();
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let (plan, from_daemon) = match plan_source::request_from(&arguments).and_then(read_request) {
        Ok(Some(plan_and_source)) => plan_and_source,
        Ok(None) => {
            println!("{}", plan_source::USAGE);
            return;
        }
        Err(problem) => {
            say(&problem.to_string());
            if let plan_source::PlanProblem::OtherContract { daemon_contract } = problem {
                // Said on stdout too, for a daemon that reads the reason rather than the sentence.
                let _ = Reporter::stdout().other_contract(daemon_contract);
                std::process::exit(unhunch_core::plan::EXIT_OTHER_CONTRACT);
            }
            std::process::exit(2);
        }
    };
    trace::mark("plan read");
    let app = builder(tauri::Builder::default(), plan, Reporter::stdout())
        .build(tauri::generate_context!())
        .unwrap_or_else(|error| {
            say(&format!("could not start the window: {error}"));
            std::process::exit(1);
        });
    if from_daemon {
        close_when_the_daemon_is_gone(app.handle().clone());
    }
    trace::mark("app built");
    app.run(|_, _| {});
}

/// The plan to show and whether it came from a daemon (on stdin); `None` for `--help`.
fn read_request(
    request: plan_source::Request,
) -> Result<Option<(StretchPlan, bool)>, plan_source::PlanProblem> {
    match request {
        plan_source::Request::Help => Ok(None),
        plan_source::Request::Builtin { routine_id } => {
            let routines = unhunch_core::routine::RoutineSet::builtin();
            let plan = plan_source::builtin_plan(&routines, routine_id.as_deref())?;
            Ok(Some((plan, false)))
        }
        plan_source::Request::PlanOnStdin { contract } => {
            plan_source::check_contract(contract)?;
            let plan = plan_source::read_plan(&mut std::io::stdin().lock())?;
            Ok(Some((plan, true)))
        }
    }
}

/// Closes the app when the rest of stdin ends: the daemon that started this window died (or
/// closed its end), so nobody would hear how the break ends, and a restarted daemon must not find
/// an orphaned window beside its own. The break counts as abandoned, which the next daemon records.
fn close_when_the_daemon_is_gone<R: Runtime>(app: tauri::AppHandle<R>) {
    let spawned = std::thread::Builder::new()
        .name("daemon-watch".into())
        .spawn(move || {
            plan_source::wait_for_the_daemon_to_go(std::io::stdin().lock());
            say("the daemon that started this window is gone; closing.");
            app.exit(0);
        });
    if let Err(error) = spawned {
        say(&format!("cannot watch for the daemon going away: {error}"));
    }
}

/// Writes a line for whoever reads the window's stderr (the daemon's log). Unlike `eprintln!`, a
/// stderr that is gone (the daemon died) is not a panic: it is exactly when the window must go on
/// to close.
pub(crate) fn say(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "unhunch-window: {message}");
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
            trace::mark("setup (GTK started)");
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
    // sway focuses every new window: the focus it gives this one as it opens goes back to where
    // the user was typing.
    if let Some(owner) = focus::KeyboardOwner::note() {
        owner.give_back_when_the_window_opens();
    }
    let window = window.build()?;
    webkit::tune(&window)?;
    Ok(())
}

/// The stretch window as it opens, before it is placed: its label (which the capability grants
/// the commands to), page, title and size.
fn stretch_window<'a, R: Runtime, M: Manager<R>>(
    manager: &'a M,
    title: &str,
) -> WebviewWindowBuilder<'a, R, M> {
    // Small, above other windows, never full-screen and never taking the keyboard from whatever
    // the user is typing in: a break is an invitation, not an interruption. One fixed size (its
    // smallest is its largest) is what makes tiling window managers float it instead of tiling it
    // full-screen: sway floats a window whose minimum and maximum size are equal, and i3 one whose
    // size hints say the same.
    WebviewWindowBuilder::new(manager, WINDOW_LABEL, WebviewUrl::App("index.html".into()))
        .title(title)
        .inner_size(WINDOW_WIDTH, WINDOW_HEIGHT)
        .min_inner_size(WINDOW_WIDTH, WINDOW_HEIGHT)
        .max_inner_size(WINDOW_WIDTH, WINDOW_HEIGHT)
        .resizable(false)
        .maximizable(false)
        .fullscreen(false)
        .decorations(true)
        .always_on_top(true)
        .focused(false)
        .on_page_load(|_, payload| trace::mark(&format!("page load {:?}", payload.event())))
}
