//! Where the window's plan comes from: the daemon's `UNHUNCH_PLAN` JSON, or, when the window is
//! started by hand or by a test, a plan built from the built-in routines (`--routine ID` picks one).
//! Either way the plan is checked before anything is shown, and every problem is a sentence saying
//! what was wrong and what to do.

use std::fmt;

use unhunch_core::plan::{RoutineView, StretchPlan};
use unhunch_core::routine::RoutineSet;
use unhunch_core::settings::Settings;

/// The command line help, printed for `--help`.
pub const USAGE: &str = "\
Usage: unhunch-window [--routine ID]

Shows Unhunch's guided stretch window. The unhunch daemon starts it for each break with the plan
in the UNHUNCH_PLAN environment variable. Started by hand, it shows a built-in routine:
  --routine ID   the routine to show (for example seated-twist); otherwise the first one
  --help         this text
It prints one JSON line when its first frame is painted and one with the outcome of the break.";

/// What the command line and environment asked for.
#[derive(Debug)]
pub enum Request {
    Show(Box<StretchPlan>),
    Help,
}

/// Why no window can be shown. The `Display` text is the whole message for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanProblem {
    UnknownArgument(String),
    MissingRoutineId,
    RoutineAndPlanBothGiven,
    UnknownRoutine { id: String, known: Vec<String> },
    NoRoutines,
    PlanNotJson(String),
    PlanInvalid(String),
}

impl fmt::Display for PlanProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanProblem::UnknownArgument(argument) => {
                write!(f, "unknown argument {argument:?}.\n\n{USAGE}")
            }
            PlanProblem::MissingRoutineId => {
                write!(
                    f,
                    "--routine needs a routine id, for example --routine seated-twist."
                )
            }
            PlanProblem::RoutineAndPlanBothGiven => write!(
                f,
                "--routine was given while UNHUNCH_PLAN is set; the plan already names the routine. \
                 Unset UNHUNCH_PLAN to pick a built-in routine."
            ),
            PlanProblem::UnknownRoutine { id, known } => write!(
                f,
                "there is no built-in routine {id:?}. Known routines: {}.",
                known.join(", ")
            ),
            PlanProblem::NoRoutines => write!(f, "there are no built-in routines to show."),
            PlanProblem::PlanNotJson(message) => write!(
                f,
                "UNHUNCH_PLAN is not a stretch plan: {message}. It is written by the unhunch daemon; \
                 unset it to show a built-in routine instead."
            ),
            PlanProblem::PlanInvalid(message) => write!(
                f,
                "UNHUNCH_PLAN cannot be shown: {message}. It is written by the unhunch daemon; \
                 unset it to show a built-in routine instead."
            ),
        }
    }
}

impl std::error::Error for PlanProblem {}

/// Reads the request from the `UNHUNCH_PLAN` value (if set) and the arguments after the program
/// name.
pub fn plan_from(plan_json: Option<String>, arguments: &[String]) -> Result<Request, PlanProblem> {
    let mut routine_id = None;
    let mut arguments = arguments.iter();
    while let Some(argument) = arguments.next() {
        match argument.as_str() {
            "--help" | "-h" => return Ok(Request::Help),
            "--routine" => match arguments.next() {
                Some(id) if !id.starts_with('-') => routine_id = Some(id.clone()),
                _ => return Err(PlanProblem::MissingRoutineId),
            },
            other => match other.strip_prefix("--routine=") {
                Some("") => return Err(PlanProblem::MissingRoutineId),
                Some(id) => routine_id = Some(id.to_owned()),
                None => return Err(PlanProblem::UnknownArgument(other.to_owned())),
            },
        }
    }
    let plan = match (plan_json, routine_id) {
        (Some(_), Some(_)) => return Err(PlanProblem::RoutineAndPlanBothGiven),
        (Some(json), None) => parse_plan(&json)?,
        (None, routine_id) => builtin_plan(&RoutineSet::builtin(), routine_id.as_deref())?,
    };
    Ok(Request::Show(Box::new(plan)))
}

/// Parses and checks the daemon's plan.
pub fn parse_plan(json: &str) -> Result<StretchPlan, PlanProblem> {
    let plan: StretchPlan =
        serde_json::from_str(json).map_err(|error| PlanProblem::PlanNotJson(error.to_string()))?;
    validate(&plan)?;
    Ok(plan)
}

/// A plan for a window started without the daemon: `routine_id`, or else the first routine that
/// fits the default settings, offering the other fitting routines as "Another stretch".
pub fn builtin_plan(
    routines: &RoutineSet,
    routine_id: Option<&str>,
) -> Result<StretchPlan, PlanProblem> {
    let settings = Settings::default();
    let eligible = routines.eligible(settings.stretch.place);
    let first = match routine_id {
        Some(id) => routines
            .get(id)
            .ok_or_else(|| PlanProblem::UnknownRoutine {
                id: id.to_owned(),
                known: routines
                    .all()
                    .iter()
                    .map(|routine| routine.id.clone())
                    .collect(),
            })?,
        None => eligible.first().copied().ok_or(PlanProblem::NoRoutines)?,
    };
    let alternatives: Vec<_> = eligible
        .into_iter()
        .filter(|routine| routine.id != first.id)
        .collect();
    let plan = StretchPlan::new(
        0,
        first,
        &alternatives,
        settings.breaks.max_snoozes,
        &settings,
    );
    validate(&plan)?;
    Ok(plan)
}

/// What the page relies on: every routine has steps, ids are unique, and illustration names are
/// plain file names inside `ui/illustrations/`.
pub fn validate(plan: &StretchPlan) -> Result<(), PlanProblem> {
    let mut seen_ids = Vec::new();
    for routine in std::iter::once(&plan.routine).chain(&plan.alternatives) {
        if seen_ids.contains(&&routine.id) {
            return Err(PlanProblem::PlanInvalid(format!(
                "routine {:?} is offered twice",
                routine.id
            )));
        }
        seen_ids.push(&routine.id);
        validate_routine(routine)?;
    }
    Ok(())
}

fn validate_routine(routine: &RoutineView) -> Result<(), PlanProblem> {
    if routine.steps.is_empty() {
        return Err(PlanProblem::PlanInvalid(format!(
            "routine {:?} has no steps",
            routine.id
        )));
    }
    for (index, step) in routine.steps.iter().enumerate() {
        let name = &step.illustration;
        let plain = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !plain {
            return Err(PlanProblem::PlanInvalid(format!(
                "step {} of routine {:?} names the illustration {name:?}; names use only \
                 lowercase letters, digits and '-'",
                index + 1,
                routine.id
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use unhunch_core::routine::{Hold, Place, PlannedStep};

    fn routine(id: &str, illustration: &str) -> RoutineView {
        RoutineView {
            id: id.to_owned(),
            name: "Seated Twist".to_owned(),
            area: "mid back".to_owned(),
            helps_with: "Stiffness between the shoulder blades.".to_owned(),
            place: Place::Chair,
            safety: "Stop if pain sharpens or spreads.".to_owned(),
            estimated_secs: 90,
            steps: vec![PlannedStep {
                text: "Sit tall.".to_owned(),
                side: None,
                mirrored: false,
                illustration: illustration.to_owned(),
                hold: Some(Hold::Breaths { count: 5 }),
                repeat: 1,
            }],
        }
    }

    fn plan(first: RoutineView, alternatives: Vec<RoutineView>) -> StretchPlan {
        StretchPlan {
            break_id: 3,
            routine: first,
            alternatives,
            snoozes_left: Some(2),
            snooze_secs: 300,
            interval_secs: 1500,
            auto_advance: true,
        }
    }

    fn arguments(list: &[&str]) -> Vec<String> {
        list.iter().map(|argument| argument.to_string()).collect()
    }

    #[test]
    fn a_plan_from_the_daemon_round_trips() {
        let sent = plan(
            routine("seated-twist", "seated-twist"),
            vec![routine("cat-cow", "cat")],
        );
        let json = serde_json::to_string(&sent).unwrap();
        match plan_from(Some(json), &[]).unwrap() {
            Request::Show(received) => assert_eq!(*received, sent),
            Request::Help => panic!("expected a plan"),
        }
    }

    #[test]
    fn broken_json_says_what_is_wrong_and_what_to_do() {
        let message = plan_from(Some("{\"break_id\": ".to_owned()), &[])
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with("UNHUNCH_PLAN is not a stretch plan: "),
            "{message}"
        );
        assert!(message.contains("line 1"), "{message}");
        assert!(message.contains("unset it"), "{message}");
    }

    #[test]
    fn an_illustration_name_cannot_leave_the_illustrations_folder() {
        let sent = plan(routine("seated-twist", "../../etc/passwd"), vec![]);
        let message = parse_plan(&serde_json::to_string(&sent).unwrap())
            .unwrap_err()
            .to_string();
        assert!(message.contains("\"../../etc/passwd\""), "{message}");
    }

    #[test]
    fn a_routine_without_steps_is_refused() {
        let mut empty = routine("seated-twist", "seated-twist");
        empty.steps.clear();
        let problem = validate(&plan(empty, vec![])).unwrap_err();
        assert_eq!(
            problem,
            PlanProblem::PlanInvalid("routine \"seated-twist\" has no steps".to_owned())
        );
    }

    #[test]
    fn the_same_routine_cannot_be_offered_twice() {
        let problem = validate(&plan(
            routine("cat-cow", "cat"),
            vec![routine("cat-cow", "cat")],
        ))
        .unwrap_err();
        assert!(problem.to_string().contains("offered twice"), "{problem}");
    }

    #[test]
    fn command_line_mistakes_are_explained() {
        assert_eq!(
            plan_from(None, &arguments(&["--routine"])).unwrap_err(),
            PlanProblem::MissingRoutineId
        );
        assert_eq!(
            plan_from(None, &arguments(&["--routine="])).unwrap_err(),
            PlanProblem::MissingRoutineId
        );
        assert_eq!(
            plan_from(None, &arguments(&["--colour", "blue"])).unwrap_err(),
            PlanProblem::UnknownArgument("--colour".to_owned())
        );
        assert_eq!(
            plan_from(Some("{}".to_owned()), &arguments(&["--routine", "cat-cow"])).unwrap_err(),
            PlanProblem::RoutineAndPlanBothGiven
        );
        assert!(matches!(
            plan_from(None, &arguments(&["--help"])),
            Ok(Request::Help)
        ));
    }

    #[test]
    fn an_unknown_routine_lists_the_known_ones() {
        let problem = builtin_plan(&RoutineSet::default(), Some("handstand")).unwrap_err();
        assert_eq!(
            problem.to_string(),
            "there is no built-in routine \"handstand\". Known routines: ."
        );
    }
}
