//! The one place the window tests start and drive the stretch window: a desktop session, a
//! tauri-driver, a WebDriver session on the real `unhunch-window`, and its stdout read back.
//!
//! WebKitWebDriver starts the app with its stdout thrown away, so the app is started through a
//! tiny wrapper script that records its pid and sends its stdout to a file the test reads.

use std::path::PathBuf;
use std::time::Duration;

use unhunch_core::plan::{StretchPlan, WindowOutcome, WindowReport};
use unhunch_core::routine::RoutineSet;
use unhunch_core::settings::Settings;
use unhunch_tests::desktop::{self, Session as Desktop};
use unhunch_tests::webdriver::{Session, TauriDriver};

const WAIT: Duration = Duration::from_secs(20);

/// A Python (python3-xlib) program that asks the window whose id is its argument to close, the
/// way a window manager's close button does (a `WM_DELETE_WINDOW` client message).
pub const SEND_WM_DELETE_WINDOW: &str = "\
import sys
from Xlib import X, display
from Xlib.protocol import event
screen = display.Display()
window = screen.create_resource_object('window', int(sys.argv[1]))
protocols = screen.intern_atom('WM_PROTOCOLS')
delete = screen.intern_atom('WM_DELETE_WINDOW')
message = event.ClientMessage(window=window, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0]))
window.send_event(message, event_mask=X.NoEventMask)
screen.flush()
";

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

/// Where a screenshot goes: `tests/out/screenshots/<name>` (ignored by git) on every run, so a
/// test run never changes tracked files; with `UNHUNCH_UPDATE_SCREENSHOTS=1`, the README's
/// `tests/screenshots/<name>` instead.
pub fn screenshot_path(name: &str) -> PathBuf {
    let tests = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UNHUNCH_UPDATE_SCREENSHOTS").is_some_and(|value| value == "1") {
        tests.join("screenshots").join(name)
    } else {
        tests.join("out").join("screenshots").join(name)
    }
}

/// One open stretch window. Field order is drop order: the page closes before the driver stops,
/// and the desktop goes last.
pub struct StretchWindow {
    pub page: Session,
    _driver: TauriDriver,
    stdout: PathBuf,
    pid_file: PathBuf,
    desktop: Desktop,
}

impl StretchWindow {
    /// Opens the window with `plan` in `UNHUNCH_PLAN` (or none) and `args`, and waits for its
    /// intro to be on screen.
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
        std::fs::write(
            &wrapper,
            format!(
                "#!/bin/sh\necho $$ > '{}'\nexec '{}' \"$@\" > '{}'\n",
                pid_file.display(),
                desktop::bin_path("unhunch-window").display(),
                stdout.display()
            ),
        )
        .expect("the wrapper script should be writable");
        make_executable(&wrapper);

        let mut env = desktop.env();
        env.extend(
            extra_env
                .iter()
                .map(|(name, value)| ((*name).into(), (*value).into())),
        );
        if let Some(plan) = plan {
            env.push((
                "UNHUNCH_PLAN".into(),
                serde_json::to_string(plan).unwrap().into(),
            ));
        }
        let driver = TauriDriver::start(env).unwrap_or_else(|error| panic!("{error}"));
        let page = driver
            .session(&wrapper, args)
            .unwrap_or_else(|error| panic!("the window did not open: {error}"));
        let window = StretchWindow {
            page,
            _driver: driver,
            stdout,
            pid_file,
            desktop,
        };
        window.wait_for_screen("intro");
        window
    }

    /// The element's text; panics when it is not on the page.
    pub fn text(&self, css: &str) -> String {
        let element = self
            .page
            .find(css)
            .unwrap_or_else(|error| panic!("{error}"));
        // Hidden elements have no rendered text; read the DOM's so hidden labels compare as empty.
        if !self.page.is_displayed(&element).unwrap_or(false) {
            return String::new();
        }
        self.page
            .text(&element)
            .unwrap_or_else(|error| panic!("{error}"))
    }

    pub fn attribute(&self, css: &str, name: &str) -> Option<String> {
        let element = self
            .page
            .find(css)
            .unwrap_or_else(|error| panic!("{error}"));
        self.page
            .attribute(&element, name)
            .unwrap_or_else(|error| panic!("{error}"))
    }

    pub fn displayed(&self, css: &str) -> bool {
        let element = self
            .page
            .find(css)
            .unwrap_or_else(|error| panic!("{error}"));
        self.page
            .is_displayed(&element)
            .unwrap_or_else(|error| panic!("{error}"))
    }

    pub fn click(&self, css: &str) {
        let element = self
            .page
            .find(css)
            .unwrap_or_else(|error| panic!("{error}"));
        self.page
            .click(&element)
            .unwrap_or_else(|error| panic!("click {css}: {error}"));
    }

    /// Presses a key as a person would, with nothing in particular focused.
    pub fn press(&self, key: &str) {
        self.page
            .press_key(key)
            .unwrap_or_else(|error| panic!("key {key:?}: {error}"));
    }

    /// Clicks a button that closes the window; like [`StretchWindow::press_closing`].
    pub fn click_closing(&self, css: &str) {
        let element = self
            .page
            .find(css)
            .unwrap_or_else(|error| panic!("{error}"));
        let _ = self.page.click(&element);
    }

    /// Presses a key that closes the window: the driver may answer with an error because the
    /// app is gone before the key-up, so the answer is ignored and the caller checks the outcome.
    pub fn press_closing(&self, key: &str) {
        let _ = self.page.press_key(key);
    }

    /// The ids of shown controls that have no accessible name (neither text nor aria-label).
    pub fn unnamed_controls(&self) -> Vec<String> {
        let script = "const shown = [...document.querySelectorAll('button, [role=button], input, img')]\
                      .filter(control => control.getClientRects().length > 0); \
                      if (shown.length === 0) return null; \
                      return shown.filter(control => !(control.getAttribute('aria-label') \
                                                       || control.alt || control.textContent).trim())\
                                  .map(control => control.id || control.outerHTML);";
        let unnamed = self
            .page
            .execute(script, vec![])
            .unwrap_or_else(|error| panic!("{error}"));
        let unnamed = unnamed
            .as_array()
            .expect("the screen shows at least one control");
        unnamed
            .iter()
            .filter_map(|id| id.as_str().map(str::to_owned))
            .collect()
    }

    /// Which screen is showing: intro, step or finish.
    pub fn screen(&self) -> String {
        self.attribute("#app", "data-screen").unwrap_or_default()
    }

    /// Is the step's picture mirrored (the left side)?
    pub fn is_mirrored(&self) -> bool {
        self.attribute("#step-illustration", "class")
            .is_some_and(|classes| classes.split_whitespace().any(|class| class == "mirrored"))
    }

    /// The picture's path relative to the page, as the page set it (`illustrations/<name>.svg`),
    /// without the `#dark` target a dark desktop adds.
    pub fn illustration(&self) -> Option<String> {
        let script = "return document.getElementById('step-illustration').getAttribute('src');";
        let source = self.page.execute(script, vec![]).ok()?;
        source
            .as_str()
            .map(|source| source.trim_end_matches("#dark").to_owned())
    }

    pub fn wait_for_screen(&self, screen: &str) {
        self.page
            .wait_for(&format!("the {screen} screen"), WAIT, |page| {
                let app = page.find("#app")?;
                Ok((page.attribute(&app, "data-screen")?.as_deref() == Some(screen)).then_some(()))
            })
            .unwrap_or_else(|error| panic!("{error}"));
    }

    pub fn wait_for_text(&self, css: &str, expected: &str) {
        self.page
            .wait_for(&format!("{css} to read {expected:?}"), WAIT, |page| {
                let element = page.find(css)?;
                let text = page.text(&element)?;
                Ok((text == expected).then_some(()))
            })
            .unwrap_or_else(|error| panic!("{error}"));
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
                WindowReport::Painted { .. } => None,
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
        let pid =
            std::fs::read_to_string(&self.pid_file).expect("the wrapper wrote the window's pid");
        let stat = format!("/proc/{}/stat", pid.trim());
        desktop::wait_until("the window process to exit", WAIT, || {
            // Gone, or a zombie its parent (WebKitWebDriver) has not reaped yet.
            match std::fs::read_to_string(&stat) {
                Err(_) => true,
                Ok(text) => text
                    .rsplit(')')
                    .next()
                    .is_some_and(|rest| rest.trim_start().starts_with('Z')),
            }
        });
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
        let two_frames = "const done = arguments[arguments.length - 1]; \
                          requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
        self.page
            .execute_async(two_frames, vec![])
            .unwrap_or_else(|error| panic!("{error}"));
        self.desktop.screenshot(screenshot_path(name));
    }
}

fn make_executable(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut permissions = std::fs::metadata(path)
        .expect("the wrapper exists")
        .permissions();
    permissions.set_mode(0o755);
    std::fs::set_permissions(path, permissions).expect("the wrapper can be made executable");
}
