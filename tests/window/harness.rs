//! The one place the window tests start and drive the stretch window: a desktop session, a
//! tauri-driver, a WebDriver session on the real `unhunch-window`, and its stdout read back.
//!
//! WebKitWebDriver starts the app with its stdout thrown away, so the app is started through a
//! tiny wrapper script that records its pid, sends its stdout to a file the test reads and, given
//! a plan, writes it on the window's stdin the way the daemon does.

use std::path::{Path, PathBuf};
use std::time::Duration;

use unhunch_core::plan::{FirstScreen, StretchPlan, WindowOutcome, WindowReport};
use unhunch_core::routine::RoutineSet;
use unhunch_core::settings::Settings;
use unhunch_tests::desktop::{self, Session as Desktop};
use unhunch_tests::stretch_page::StretchPage;
use unhunch_tests::webdriver::{Session, TauriDriver};

const WAIT: Duration = Duration::from_secs(20);

/// The plan the daemon would send for `routine_id` with default settings, changed by `adjust`.
pub fn plan_for(routine_id: &str, adjust: impl FnOnce(&mut StretchPlan)) -> StretchPlan {
    let routines = RoutineSet::builtin();
    let settings = Settings::default();
    let first = routines
        .get(routine_id)
        .unwrap_or_else(|| panic!("no routine {routine_id:?}"));
    let alternatives: Vec<_> = routines
        .eligible(settings.stretch.place)
        .into_iter()
        .filter(|routine| routine.id != routine_id)
        .collect();
    let mut plan = StretchPlan::new(
        1,
        first,
        &alternatives,
        settings.breaks.max_snoozes,
        &settings,
    );
    adjust(&mut plan);
    plan
}

/// One open stretch window. Field order is drop order: the page closes before the driver stops,
/// and the desktop goes last.
pub struct StretchWindow {
    pub page: StretchPage,
    _driver: TauriDriver,
    stdout: PathBuf,
    pid_file: PathBuf,
    desktop: Desktop,
}

impl StretchWindow {
    /// Opens the window with `plan` on its stdin (or none) and `args`, and waits for the screen the
    /// plan opens at (the intro, or the first step) to be on screen.
    pub fn open(plan: Option<&StretchPlan>, args: &[&str]) -> StretchWindow {
        StretchWindow::open_with_env(plan, args, &[])
    }

    /// Like [`StretchWindow::open`], with more environment for the window (a GTK theme, say).
    pub fn open_with_env(
        plan: Option<&StretchPlan>,
        args: &[&str],
        extra_env: &[(&str, &str)],
    ) -> StretchWindow {
        let desktop = Desktop::builder()
            .without_notifications()
            .without_tray()
            .start();
        let stdout = desktop.home().join("window-stdout.jsonl");
        let pid_file = desktop.home().join("window.pid");
        let wrapper = desktop.home().join("unhunch-window-recorded");
        let window = desktop::bin_path("unhunch-window");
        let script = match plan {
            // The plan goes in on stdin as the daemon sends it, through a pipe this script holds
            // open while the window runs: when the script ends, the window's stdin ends and it
            // closes, as it does when its daemon dies.
            Some(plan) => {
                let plan_file = desktop.home().join("plan.jsonl");
                let pipe = desktop.home().join("plan-pipe");
                std::fs::write(&plan_file, serde_json::to_string(plan).unwrap() + "\n")
                    .expect("the plan file should be writable");
                format!(
                    "#!/bin/sh\nrm -f '{pipe}'\nmkfifo '{pipe}'\n\
                     '{window}' --plan-contract {contract} --plan-on-stdin \"$@\" < '{pipe}' > '{stdout}' &\n\
                     echo $! > '{pid}'\nexec 3> '{pipe}'\ncat '{plan}' >&3\nwait $!\n",
                    pipe = pipe.display(),
                    window = window.display(),
                    stdout = stdout.display(),
                    pid = pid_file.display(),
                    plan = plan_file.display(),
                    contract = unhunch_core::plan::PLAN_CONTRACT,
                )
            }
            None => format!(
                "#!/bin/sh\necho $$ > '{}'\nexec '{}' \"$@\" > '{}'\n",
                pid_file.display(),
                window.display(),
                stdout.display()
            ),
        };
        write_script(&wrapper, &script);
        let (driver, page) = drive(&desktop, extra_env, &wrapper, args);
        let window = StretchWindow {
            page: StretchPage::new(page),
            _driver: driver,
            stdout,
            pid_file,
            desktop,
        };
        // The plan says where the window begins; a window of no plan begins at the intro.
        window.wait_for_screen(match plan.map(|plan| plan.first_screen) {
            Some(FirstScreen::FirstStep) => "step",
            Some(FirstScreen::Intro) | None => "intro",
        });
        window
    }

    /// Everything the window printed so far, one report a line.
    pub fn reports(&self) -> Vec<WindowReport> {
        let text = std::fs::read_to_string(&self.stdout).unwrap_or_default();
        text.lines()
            .filter(|line| line.ends_with('}'))
            .map(|line| {
                serde_json::from_str(line).unwrap_or_else(|error| {
                    panic!("the window printed {line:?}, not a report: {error}")
                })
            })
            .collect()
    }

    pub fn outcomes(&self) -> Vec<WindowOutcome> {
        self.reports()
            .into_iter()
            .filter_map(|report| match report {
                WindowReport::Outcome { outcome, .. } => Some(outcome),
                WindowReport::Painted { .. } | WindowReport::OtherContract { .. } => None,
            })
            .collect()
    }

    pub fn wait_for_outcome(&self) -> WindowOutcome {
        desktop::wait_until("the window to print its outcome", WAIT, || {
            self.outcomes().into_iter().next()
        })
    }

    /// Waits for the window's process to end (it exits when its window closes).
    pub fn wait_until_exited(&self) {
        let pid = std::fs::read_to_string(&self.pid_file)
            .expect("the wrapper wrote the window's pid")
            .trim()
            .parse()
            .expect("the wrapper wrote a pid");
        desktop::wait_for_exit(pid, "the window process", WAIT);
    }

    /// A screenshot of the whole X screen (so the window as a user sees it) for the README.
    /// Waits for the window's `painted` line.
    pub fn wait_for_painted(&self) {
        desktop::wait_until("the window's first paint", WAIT, || {
            self.reports()
                .iter()
                .any(|report| matches!(report, WindowReport::Painted { .. }))
        });
    }

    /// Waits for the page to paint what it shows now (two animation frames), so the picture is
    /// not of a frame still being drawn.
    pub fn screenshot(&self, name: &str) {
        desktop::wait_until("the window's first paint", WAIT, || {
            self.reports()
                .iter()
                .any(|report| matches!(report, WindowReport::Painted { .. }))
        });
        self.page.wait_until_drawn();
        self.desktop.screenshot(desktop::screenshot_path(name));
    }
}

impl std::ops::Deref for StretchWindow {
    type Target = StretchPage;

    fn deref(&self) -> &StretchPage {
        &self.page
    }
}

/// Writes an executable shell script (the wrappers the windows are started through).
pub fn write_script(path: &Path, script: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, script).expect("the wrapper script should be writable");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .expect("the wrapper can be made executable");
}

/// Starts tauri-driver on `desktop`, with `extra_env` added (a GTK theme, a time zone), and
/// opens `program` with `args` through it: the one way every window test opens its window.
pub fn drive(
    desktop: &Desktop,
    extra_env: &[(&str, &str)],
    program: &Path,
    args: &[&str],
) -> (TauriDriver, Session) {
    let mut env = desktop.env();
    env.extend(
        extra_env
            .iter()
            .map(|(name, value)| ((*name).into(), (*value).into())),
    );
    let driver = TauriDriver::start(env).unwrap_or_else(|error| panic!("{error}"));
    let page = driver
        .session(program, args)
        .unwrap_or_else(|error| panic!("{} did not open: {error}", program.display()));
    (driver, page)
}

/// The page's background colour as the browser computed it (`rgb(…)`), to tell the themes apart.
pub fn background_colour(page: &Session) -> String {
    page.execute(
        "return getComputedStyle(document.body).backgroundColor;",
        vec![],
    )
    .unwrap()
    .as_str()
    .expect("a colour")
    .to_owned()
}
