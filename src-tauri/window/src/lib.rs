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
//! - [`settings_page`] is the settings window (`--page settings`), a separate app in the same
//!   program with its own window, page and commands (`capabilities/settings.json`).
//! - [`history_page`] is the history window (`--page history`), with its own commands and
//!   capability (`capabilities/history.json`).
//! - [`webkit`] sets WebKitGTK up for a small local page; [`trace`] marks the start-up's stages.
//!
//! The window is built invisible and comes on screen only once its page has laid out its first
//! screen: the first frame anyone sees is the stretch, never an empty window, and GTK never draws
//! the page while WebKit's web process is still starting (it then waited up to 500 ms for that
//! process, in 4 to 9 of 20 cold starts on Xvfb). Started `--hidden` (the daemon's warm start, on the
//! heads-up), it also waits for the daemon to write `show` on stdin. Then it is placed under the
//! pointer, shown, and reports its first frame painted after that; a report from the page while
//! hidden is not a frame the user saw.
//!
//! The process exits when its window closes: after Snooze or Skip, after Done on the finish screen,
//! when the window manager closes it, or when the daemon that started it is gone (its stdin ends).
//! Closed before an outcome was printed, the break counts as abandoned.

pub mod commands;
pub mod focus;
pub mod history_page;
pub mod placement;
pub mod plan_source;
pub mod renderer;
pub mod report;
pub mod settings_page;
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
    if let [option, page, rest @ ..] = arguments.as_slice()
        && option == "--page"
    {
        run_page(page, rest);
        return;
    }
    let (plan, from_daemon, hidden) =
        match plan_source::request_from(&arguments).and_then(read_request) {
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
    let visibility = if hidden {
        Visibility::HiddenUntilShown
    } else {
        Visibility::WhenLaidOut
    };
    trace::mark("plan read");
    let app = builder_with(
        tauri::Builder::default(),
        plan,
        Reporter::stdout(),
        visibility,
    )
    .build(context())
    .unwrap_or_else(|error| {
        say(&format!("could not start the window: {error}"));
        std::process::exit(1);
    });
    if from_daemon {
        listen_to_the_daemon(app.handle().clone(), hidden);
    }
    trace::mark("app built");
    app.run(|_, _| {});
}

/// The app's configuration and embedded pages, shared by every page (embedded once).
pub(crate) fn context() -> tauri::Context {
    tauri::generate_context!()
}

/// Runs one of the windows other than the stretch window (`--page NAME ...`).
fn run_page(page: &str, arguments: &[String]) {
    match page {
        "settings" => match settings_page::options_from(arguments) {
            Ok(options) => settings_page::run(options),
            Err(problem) => {
                say(&problem);
                std::process::exit(2);
            }
        },
        "history" => history_page::run(arguments),
        other => {
            say(&format!(
                "there is no page {other:?}; the pages are: settings, history"
            ));
            std::process::exit(2);
        }
    }
}

/// The plan to show, whether it came from a daemon (on stdin) and whether it waits hidden for
/// `show`; `None` for `--help`.
fn read_request(
    request: plan_source::Request,
) -> Result<Option<(StretchPlan, bool, bool)>, plan_source::PlanProblem> {
    match request {
        plan_source::Request::Help => Ok(None),
        plan_source::Request::Builtin { routine_id } => {
            let routines = unhunch_core::routine::RoutineSet::builtin();
            let plan = plan_source::builtin_plan(&routines, routine_id.as_deref())?;
            Ok(Some((plan, false, false)))
        }
        plan_source::Request::PlanOnStdin { contract, hidden } => {
            plan_source::check_contract(contract)?;
            let plan = plan_source::read_plan(&mut std::io::stdin().lock())?;
            Ok(Some((plan, true, hidden)))
        }
    }
}

/// Reads the rest of stdin: a hidden window is shown at the daemon's `show`, and the app closes
/// when stdin ends: the daemon that started this window died (or closed its end, or ended a
/// prepared window), so nobody would hear how the break ends, and a restarted daemon must not
/// find an orphaned window beside its own. The break counts as abandoned, which the next daemon
/// records.
fn listen_to_the_daemon<R: Runtime>(app: tauri::AppHandle<R>, hidden: bool) {
    let spawned = std::thread::Builder::new()
        .name("daemon-watch".into())
        .spawn(move || {
            let mut stdin = std::io::stdin().lock();
            if hidden
                && plan_source::next_from_the_daemon(&mut stdin) == plan_source::DaemonSays::Show
            {
                app.state::<WindowState>().opening().asked_to_show();
                show_when_ready(&app);
            }
            plan_source::wait_for_the_daemon_to_go(stdin);
            say("the daemon that started this window is gone; closing.");
            app.exit(0);
        });
    if let Err(error) = spawned {
        say(&format!("cannot watch for the daemon going away: {error}"));
    }
}

/// Shows the hidden window once its page has laid out its first screen and, for a window started
/// `--hidden`, the daemon has said `show`; called when either happens, it shows the window once.
pub(crate) fn show_when_ready<R: Runtime>(app: &tauri::AppHandle<R>) {
    if !app.state::<WindowState>().opening().take_show() {
        return;
    }
    let handle = app.clone();
    if let Err(error) = app.run_on_main_thread(move || show_stretch_window(&handle)) {
        say(&format!("cannot show the window: {error}"));
    }
}

/// Shows the hidden window: placed on the monitor under the pointer now (the user may have moved
/// since it was started), shown, and asked for its first painted frame from here on.
fn show_stretch_window<R: Runtime>(app: &tauri::AppHandle<R>) {
    let Some(window) = app.get_webview_window(WINDOW_LABEL) else {
        say("the hidden window is gone; nothing to show.");
        return;
    };
    if let Some(position) = placement::position_under_pointer(app, WINDOW_WIDTH, WINDOW_HEIGHT)
        && let Err(error) = window.set_position(position)
    {
        say(&format!("cannot place the window: {error}"));
    }
    if let Some(owner) = focus::KeyboardOwner::note() {
        owner.give_back_when_the_window_opens();
    }
    app.state::<WindowState>()
        .shown
        .store(true, std::sync::atomic::Ordering::SeqCst);
    if let Err(error) = window.show() {
        say(&format!("cannot show the window: {error}"));
        return;
    }
    // The page reports its painted frame two animation frames after this: the first frame painted
    // since the window became visible.
    if let Err(error) = window.eval("window.unhunchShown && window.unhunchShown()") {
        say(&format!("cannot tell the page it is shown: {error}"));
    }
}

/// Writes a line for whoever reads the window's stderr (the daemon's log). Unlike `eprintln!`, a
/// stderr that is gone (the daemon died) is not a panic: it is exactly when the window must go on
/// to close.
pub(crate) fn say(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "unhunch-window: {message}");
}

/// What the commands share: the plan, which routine the page shows, the stdout reporter, and how
/// far the hidden window is from being shown.
pub struct WindowState {
    pub plan: StretchPlan,
    /// The id of the routine on screen; "Another stretch" changes it.
    pub shown_routine: Mutex<String>,
    pub reporter: Reporter,
    /// The window is on screen: false while it waits hidden ([`Opening`]), when the page's
    /// painted report is not a frame anyone saw.
    pub shown: std::sync::atomic::AtomicBool,
    opening: Mutex<Opening>,
}

impl WindowState {
    /// What the hidden window still waits for before it is shown.
    pub(crate) fn opening(&self) -> std::sync::MutexGuard<'_, Opening> {
        self.opening
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The two things a hidden window waits for before it is shown, and whether showing it was
/// decided already.
#[derive(Debug, Default)]
pub(crate) struct Opening {
    laid_out: bool,
    asked: bool,
    decided: bool,
}

impl Opening {
    /// The page has laid out its first screen.
    pub(crate) fn laid_out(&mut self) {
        self.laid_out = true;
    }

    /// The window is to be shown: at once for a break that starts now, at the daemon's `show`
    /// for a window started `--hidden`.
    pub(crate) fn asked_to_show(&mut self) {
        self.asked = true;
    }

    /// Whether to show the window now: true once, when both have happened.
    pub(crate) fn take_show(&mut self) -> bool {
        let show = self.laid_out && self.asked && !self.decided;
        self.decided |= show;
        show
    }
}

/// When the window comes on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// On screen from the start as far as the page's reports go: the tests on Tauri's mock
    /// runtime, which never runs the setup hook nor lays out a page.
    Shown,
    /// As soon as its page has laid out the first screen: a break that starts now.
    WhenLaidOut,
    /// When its page has laid out the first screen and the daemon has written `show`.
    HiddenUntilShown,
}

/// The app for `plan`, generic over the runtime so tests can build it with a mock runtime.
pub fn builder<R: Runtime>(
    builder: Builder<R>,
    plan: StretchPlan,
    reporter: Reporter,
) -> Builder<R> {
    builder_with(builder, plan, reporter, Visibility::Shown)
}

/// The app for `plan`, shown as it opens or hidden until the daemon's `show`.
pub fn builder_with<R: Runtime>(
    builder: Builder<R>,
    plan: StretchPlan,
    reporter: Reporter,
    visibility: Visibility,
) -> Builder<R> {
    let title = window_title(&plan.routine.name);
    let state = WindowState {
        shown_routine: Mutex::new(plan.routine.id.clone()),
        plan,
        reporter,
        shown: std::sync::atomic::AtomicBool::new(visibility == Visibility::Shown),
        opening: Mutex::new(Opening {
            asked: visibility != Visibility::HiddenUntilShown,
            ..Opening::default()
        }),
    };
    builder
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::plan,
            commands::switch_routine,
            commands::laid_out,
            commands::painted,
            commands::finish,
            commands::close,
        ])
        .setup(move |app| {
            trace::mark("setup (GTK started)");
            open_hidden_stretch_window(app.handle(), &title)?;
            Ok(())
        })
}

/// "Unhunch — Seated Twist": the title the window manager and task switchers show.
pub fn window_title(routine_name: &str) -> String {
    format!("Unhunch — {routine_name}")
}

/// The stretch window built invisible: its page loads and lays out its first screen; it is
/// placed when it is shown ([`show_when_ready`]).
fn open_hidden_stretch_window<R: Runtime, M: Manager<R>>(
    manager: &M,
    title: &str,
) -> tauri::Result<()> {
    let window = stretch_window(manager, title).visible(false).build()?;
    webkit::tune(&window)?;
    // Shown later, the window must still not take the keyboard: GTK then marks it as shown
    // without user action (`_NET_WM_USER_TIME` 0), which window managers do not focus. tao's own
    // way, refusing focus until the first frame is drawn, races with the window manager when
    // the page is ready the moment the window is mapped.
    #[cfg(target_os = "linux")]
    gtk::prelude::GtkWindowExt::set_focus_on_map(&window.gtk_window()?, false);
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
    // size hints say the same. Those hints are what keeps its size: to GTK it is resizable, since
    // GTK gives a window it thinks fixed the height its webview asks for when first shown, and a
    // page laid out while the window was hidden asks for all of its height (a step with its
    // picture: the whole screen).
    WebviewWindowBuilder::new(manager, WINDOW_LABEL, WebviewUrl::App("index.html".into()))
        .title(title)
        .inner_size(WINDOW_WIDTH, WINDOW_HEIGHT)
        .min_inner_size(WINDOW_WIDTH, WINDOW_HEIGHT)
        .max_inner_size(WINDOW_WIDTH, WINDOW_HEIGHT)
        .resizable(true)
        .maximizable(false)
        .fullscreen(false)
        .decorations(true)
        .always_on_top(true)
        .focused(false)
        .on_page_load(|_, payload| trace::mark(&format!("page load {:?}", payload.event())))
}

#[cfg(test)]
mod tests {
    use super::Opening;

    #[test]
    fn a_hidden_window_is_shown_once_both_have_happened_in_either_order() {
        let mut laid_out_first = Opening::default();
        laid_out_first.laid_out();
        assert!(!laid_out_first.take_show(), "not before it is asked");
        laid_out_first.asked_to_show();
        assert!(laid_out_first.take_show());
        laid_out_first.laid_out();
        assert!(!laid_out_first.take_show(), "shown once");

        let mut asked_first = Opening::default();
        asked_first.asked_to_show();
        assert!(!asked_first.take_show(), "not before the page is laid out");
        asked_first.laid_out();
        assert!(asked_first.take_show());
        assert!(!asked_first.take_show(), "shown once");
    }
}
