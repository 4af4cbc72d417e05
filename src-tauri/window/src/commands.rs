//! The commands the page may call. Each is a permission (see `build.rs`) and the window's
//! capability (`capabilities/stretch.json`) grants exactly these.

use tauri::{Manager, Runtime, State, WebviewWindow};
use unhunch_core::plan::{StretchPlan, WindowOutcome};

use crate::report::ReportError;
use crate::{WindowState, window_title};

/// What the page asks for once, right after it loads: the plan, and whether the window is on
/// screen yet.
#[derive(Debug, serde::Serialize)]
pub struct PagePlan {
    #[serde(flatten)]
    pub plan: StretchPlan,
    /// False while a window started `--hidden` waits for the daemon's `show`: the page lays out
    /// its first screen but starts no clock (no hold, no auto-advance, no sound) until it is shown.
    pub shown: bool,
}

/// The plan to show, and whether it is seen yet.
#[tauri::command]
pub fn plan(state: State<'_, WindowState>) -> PagePlan {
    crate::trace::mark("page asked for the plan");
    PagePlan {
        plan: state.plan.clone(),
        shown: state.shown.load(std::sync::atomic::Ordering::SeqCst),
    }
}

/// "Another stretch": the page now shows `routine_id`, which must be one the plan offers.
/// Updates the window title to the new stretch's name.
#[tauri::command]
pub fn switch_routine<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, WindowState>,
    routine_id: String,
) -> Result<(), String> {
    let routine = offered_routine(&state.plan, &routine_id)
        .ok_or_else(|| format!("routine {routine_id:?} is not offered in this break"))?;
    *lock(&state.shown_routine) = routine.id.clone();
    window
        .set_title(&window_title(&routine.name))
        .map_err(|error| format!("could not set the window title: {error}"))
}

/// The page has laid out its first screen (or its problem screen) in the hidden window: the window
/// comes on screen now, or at the daemon's `show` if it was started `--hidden`.
#[tauri::command]
pub fn laid_out<R: Runtime>(window: WebviewWindow<R>, state: State<'_, WindowState>) {
    crate::trace::mark("page laid out");
    state.opening().laid_out();
    crate::show_when_ready(window.app_handle());
}

/// The page painted its first frame: print the `painted` line (once). While a window started
/// `--hidden` waits for `show`, nobody saw that frame: the page is asked again once it is shown.
#[tauri::command]
pub fn painted(state: State<'_, WindowState>) -> Result<(), String> {
    if !state.shown.load(std::sync::atomic::Ordering::SeqCst) {
        return Ok(());
    }
    crate::trace::mark("page painted");
    state
        .reporter
        .painted(state.plan.break_id)
        .map_err(|error| error.to_string())
}

/// The user ended the break: print the outcome. Snooze and Skip then close the window, which ends
/// the process; a completed break stays open on its finish screen until Done (`close`), so closing
/// it from the window manager there still counts as completed. When the outcome cannot be written
/// because stdout is gone (the daemon died), the window closes whatever the outcome: a finish
/// screen that only says "something went wrong" with no way out helps nobody.
#[tauri::command]
pub fn finish<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, WindowState>,
    outcome: WindowOutcome,
) -> Result<(), String> {
    let outcome = checked_outcome(&state, outcome)?;
    let keep_open = matches!(outcome, WindowOutcome::Completed { .. });
    let reported = state.reporter.outcome(state.plan.break_id, outcome);
    let nobody_listens = matches!(reported, Err(ReportError::Write(_)));
    if keep_open && !nobody_listens {
        return reported.map_err(|error| error.to_string());
    }
    if let Err(error) = &reported {
        crate::say(&format!("{error}; closing the window."));
    }
    // Close even when stdout is gone: the user asked to end the break, and a window that will not
    // close is worse than a lost report (the daemon then records the break as abandoned).
    let closed = window.close();
    if !nobody_listens {
        reported.map_err(|error| error.to_string())?;
    }
    closed.map_err(|error| format!("could not close the window: {error}"))
}

/// Done on the finish screen: close the window, which ends the process.
#[tauri::command]
pub fn close<R: Runtime>(window: WebviewWindow<R>) -> Result<(), String> {
    window
        .close()
        .map_err(|error| format!("could not close the window: {error}"))
}

/// A completed outcome must name the routine on screen, and its duration is capped at a day, so a
/// confused page cannot write nonsense into the history; a snooze needs a snooze left.
fn checked_outcome(state: &WindowState, outcome: WindowOutcome) -> Result<WindowOutcome, String> {
    match outcome {
        WindowOutcome::Completed {
            routine,
            duration_secs,
        } => {
            let shown = lock(&state.shown_routine).clone();
            if routine != shown {
                return Err(format!(
                    "completed routine {routine:?} is not the one on screen ({shown:?})"
                ));
            }
            Ok(WindowOutcome::Completed {
                routine,
                duration_secs: duration_secs.min(24 * 60 * 60),
            })
        }
        WindowOutcome::Snoozed if state.plan.snoozes_left == Some(0) => {
            Err("no snoozes are left for this break".to_owned())
        }
        WindowOutcome::Skipped { sides_done } => {
            // Only sides the routine on screen has, each once: the history counts them.
            let shown = lock(&state.shown_routine).clone();
            let routine = offered_routine(&state.plan, &shown)
                .ok_or_else(|| format!("the routine on screen ({shown:?}) is not offered"))?;
            let mut sides = Vec::new();
            for side in sides_done {
                if !routine.steps.iter().any(|step| step.side == Some(side)) {
                    return Err(format!("{shown:?} has no {} side", side.word()));
                }
                if !sides.contains(&side) {
                    sides.push(side);
                }
            }
            Ok(WindowOutcome::Skipped { sides_done: sides })
        }
        other => Ok(other),
    }
}

fn offered_routine<'plan>(
    plan: &'plan StretchPlan,
    routine_id: &str,
) -> Option<&'plan unhunch_core::plan::RoutineView> {
    std::iter::once(&plan.routine)
        .chain(&plan.alternatives)
        .find(|routine| routine.id == routine_id)
}

fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The commands on Tauri's mock runtime, through the real invoke path: the app as
/// [`crate::builder`] makes it, with the window's own configuration and capability, so a command
/// the capability does not grant is refused here as it would be in the page.
#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
    use tauri::webview::InvokeRequest;
    use tauri::{App, Manager};
    use unhunch_core::plan::WindowReport;
    use unhunch_core::routine::RoutineSet;

    use super::*;
    use crate::WINDOW_LABEL;
    use crate::plan_source::builtin_plan;
    use crate::report::Reporter;
    use crate::report::test_support::{SharedBuffer, lines};

    fn twist_plan() -> StretchPlan {
        let mut plan = builtin_plan(&RoutineSet::builtin(), Some("seated-twist"))
            .expect("the built-in routines make a plan");
        plan.break_id = 42;
        plan
    }

    /// The window app for `plan` on the mock runtime, and what its reporter printed.
    fn app(plan: StretchPlan) -> (App<MockRuntime>, SharedBuffer) {
        let printed = SharedBuffer::default();
        let app = crate::builder(
            mock_builder(),
            plan,
            Reporter::to_writer(Box::new(printed.clone())),
        )
        .build(tauri::generate_context!())
        .expect("the window app builds on the mock runtime");
        // The setup hook would also place the window under the pointer, which the mock runtime
        // cannot answer; the window itself is the one the hook opens.
        crate::stretch_window(&app, "Unhunch — test")
            .build()
            .expect("the stretch window opens on the mock runtime");
        (app, printed)
    }

    /// Calls `command` from the stretch window's page, as `invoke(command, arguments)` does.
    fn invoke(app: &App<MockRuntime>, command: &str, arguments: Value) -> Result<Value, Value> {
        let window = app
            .get_webview_window(WINDOW_LABEL)
            .expect("the stretch window is open");
        get_ipc_response(
            &window,
            InvokeRequest {
                cmd: command.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().expect("a URL"),
                body: InvokeBody::Json(arguments),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.into(),
            },
        )
        .map(|body| body.deserialize().expect("a JSON answer"))
    }

    fn outcome_line(outcome: WindowOutcome) -> WindowReport {
        WindowReport::Outcome {
            break_id: 42,
            outcome,
        }
    }

    #[test]
    fn the_page_gets_the_plan_the_daemon_sent() {
        let plan = twist_plan();
        let (app, _) = app(plan.clone());
        let mut expected = serde_json::to_value(&plan).unwrap();
        expected["shown"] = Value::Bool(true);
        assert_eq!(invoke(&app, "plan", json!({})), Ok(expected));
    }

    #[test]
    fn a_window_prepared_hidden_tells_the_page_it_is_not_seen_yet() {
        let printed = SharedBuffer::default();
        let app = crate::builder_with(
            mock_builder(),
            twist_plan(),
            Reporter::to_writer(Box::new(printed.clone())),
            crate::Visibility::HiddenUntilShown,
        )
        .build(tauri::generate_context!())
        .expect("the window app builds on the mock runtime");
        crate::stretch_window(&app, "Unhunch — test")
            .build()
            .expect("the stretch window opens on the mock runtime");
        assert_eq!(
            invoke(&app, "plan", json!({}))
                .ok()
                .and_then(|page_plan| page_plan.get("shown").cloned()),
            Some(Value::Bool(false))
        );
    }

    #[test]
    fn painted_is_reported_once_with_the_break_id() {
        let (app, printed) = app(twist_plan());
        assert_eq!(invoke(&app, "painted", json!({})), Ok(Value::Null));
        assert_eq!(invoke(&app, "painted", json!({})), Ok(Value::Null));
        let lines = lines(&printed);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            matches!(lines[0], WindowReport::Painted { break_id: 42, .. }),
            "{lines:?}"
        );
    }

    #[test]
    fn a_completed_break_must_name_the_routine_on_screen_and_is_capped_at_a_day() {
        let plan = twist_plan();
        let alternative = plan.alternatives[0].id.clone();
        let (app, printed) = app(plan);

        let wrong = invoke(
            &app,
            "finish",
            json!({"outcome": {"kind": "completed", "routine": alternative, "duration_secs": 90}}),
        );
        assert!(
            wrong
                .as_ref()
                .is_err_and(|why| why.to_string().contains("not the one on screen")),
            "{wrong:?}"
        );
        assert_eq!(lines(&printed), vec![], "a refused outcome prints nothing");

        assert_eq!(
            invoke(&app, "switch_routine", json!({"routineId": alternative})),
            Ok(Value::Null)
        );
        assert_eq!(
            invoke(
                &app,
                "finish",
                json!({"outcome": {"kind": "completed", "routine": alternative, "duration_secs": 900_000}}),
            ),
            Ok(Value::Null)
        );
        assert_eq!(
            lines(&printed),
            vec![outcome_line(WindowOutcome::Completed {
                routine: alternative,
                duration_secs: 24 * 60 * 60,
            })]
        );
        assert!(
            app.get_webview_window(WINDOW_LABEL).is_some(),
            "a completed break stays on its finish screen until Done"
        );

        let again = invoke(&app, "finish", json!({"outcome": {"kind": "skipped"}}));
        assert!(
            again
                .as_ref()
                .is_err_and(|why| why.to_string().contains("already reported")),
            "{again:?}"
        );
        assert_eq!(lines(&printed).len(), 1, "a break ends once");
    }

    #[test]
    fn a_routine_the_plan_does_not_offer_cannot_be_switched_to() {
        let (app, printed) = app(twist_plan());
        let refused = invoke(&app, "switch_routine", json!({"routineId": "not-offered"}));
        assert!(
            refused
                .as_ref()
                .is_err_and(|why| why.to_string().contains("not offered")),
            "{refused:?}"
        );
        let finished = invoke(
            &app,
            "finish",
            json!({"outcome": {"kind": "completed", "routine": "seated-twist", "duration_secs": 60}}),
        );
        assert_eq!(
            finished,
            Ok(Value::Null),
            "the shown routine did not change"
        );
        assert_eq!(
            lines(&printed),
            vec![outcome_line(WindowOutcome::Completed {
                routine: "seated-twist".into(),
                duration_secs: 60,
            })]
        );
    }

    #[test]
    fn snooze_is_refused_when_no_snoozes_are_left() {
        let mut plan = twist_plan();
        plan.snoozes_left = Some(0);
        let (app, printed) = app(plan);
        let refused = invoke(&app, "finish", json!({"outcome": {"kind": "snoozed"}}));
        assert!(
            refused
                .as_ref()
                .is_err_and(|why| why.to_string().contains("no snoozes")),
            "{refused:?}"
        );
        assert_eq!(lines(&printed), vec![]);
    }

    #[test]
    fn skip_reports_and_closes_the_window() {
        let (app, printed) = app(twist_plan());
        assert_eq!(
            invoke(&app, "finish", json!({"outcome": {"kind": "skipped"}})),
            Ok(Value::Null)
        );
        assert_eq!(
            lines(&printed),
            vec![outcome_line(WindowOutcome::Skipped { sides_done: vec![] })]
        );
    }

    #[test]
    fn a_skip_reports_the_sides_done_once_each_and_only_sides_the_routine_has() {
        let (app, printed) = app(twist_plan());
        let outcome = json!({"outcome": {"kind": "skipped", "sides_done": ["up"]}});
        assert!(invoke(&app, "finish", outcome).is_err());
        assert_eq!(lines(&printed), vec![]);
        let outcome = json!({"outcome": {"kind": "skipped", "sides_done": ["right", "right"]}});
        assert_eq!(invoke(&app, "finish", outcome), Ok(Value::Null));
        assert_eq!(
            lines(&printed),
            vec![outcome_line(WindowOutcome::Skipped {
                sides_done: vec![unhunch_core::routine::Side::Right]
            })]
        );
    }

    #[test]
    fn a_command_the_window_does_not_have_is_refused() {
        let (app, printed) = app(twist_plan());
        assert!(invoke(&app, "plugin:fs|read_file", json!({"path": "/etc/passwd"})).is_err());
        assert!(invoke(&app, "no_such_command", json!({})).is_err());
        assert_eq!(lines(&printed), vec![]);
    }
}
