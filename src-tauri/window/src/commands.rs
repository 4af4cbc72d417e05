//! The commands the page may call. Each is a permission (see `build.rs`) and the window's
//! capability (`capabilities/stretch.json`) grants exactly these.

use tauri::{Runtime, State, WebviewWindow};
use unhunch_core::plan::{StretchPlan, WindowOutcome};

use crate::{WindowState, window_title};

/// The plan to show. The page asks once, right after it loads.
#[tauri::command]
pub fn plan(state: State<'_, WindowState>) -> StretchPlan {
    state.plan.clone()
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

/// The page painted its first frame: print the `painted` line (once).
#[tauri::command]
pub fn painted(state: State<'_, WindowState>) -> Result<(), String> {
    state
        .reporter
        .painted(state.plan.break_id)
        .map_err(|error| error.to_string())
}

/// The user ended the break: print the outcome. Snooze and Skip then close the window, which ends
/// the process; a completed break stays open on its finish screen until Done (`close`), so closing
/// it from the window manager there still counts as completed.
#[tauri::command]
pub fn finish<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, WindowState>,
    outcome: WindowOutcome,
) -> Result<(), String> {
    let outcome = checked_outcome(&state, outcome)?;
    let keep_open = matches!(outcome, WindowOutcome::Completed { .. });
    let reported = state.reporter.outcome(state.plan.break_id, outcome);
    if keep_open {
        return reported.map_err(|error| error.to_string());
    }
    // Close even when stdout is gone: the user asked to end the break, and a window that will not
    // close is worse than a lost report (the daemon then records the break as abandoned).
    let closed = window.close();
    reported.map_err(|error| error.to_string())?;
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
