//! Where the window's plan comes from: the daemon writes it as one JSON line on the window's stdin
//! (`--plan-contract 2 --plan-on-stdin`) and then keeps stdin open for as long as it lives, or, when
//! the window is started by hand or by a test, a plan built from the built-in routines (`--routine
//! ID` picks one). Either way the plan is checked before anything is shown, and every problem is a
//! sentence saying what was wrong and what to do.
//!
//! The contract number ([`PLAN_CONTRACT`]) is checked first, on the command line and then in the
//! plan: a daemon of another contract gets [`PlanProblem::OtherContract`], never a blank window.
//!
//! The plan travels on stdin rather than in the environment because an environment variable is
//! capped (128 KiB on Linux): a long user routine, or many of them, made every launch fail. Its
//! newline is what ends the plan, so the end of stdin can only ever mean one thing after it: the
//! daemon is gone ([`wait_for_the_daemon_to_go`]).

use std::fmt;
use std::io::{BufRead, Read};

use unhunch_core::plan::{PLAN_CONTRACT, PLAN_CONTRACT_OPTION, RoutineView, StretchPlan};
use unhunch_core::routine::RoutineSet;
use unhunch_core::settings::Settings;

/// The command line help, printed for `--help`.
pub const USAGE: &str = "\
Usage: unhunch-window [--routine ID | --plan-contract N --plan-on-stdin [--hidden]]

Shows Unhunch's guided stretch window. Started by hand, it shows a built-in routine:
  --routine ID      the routine to show (for example seated-twist); otherwise the first one
  --plan-on-stdin   how the unhunch daemon starts it: the plan is the first line of stdin, and
                    the window closes when stdin ends (the daemon is gone)
  --plan-contract N the daemon's plan contract; a window of another one shows nothing and
                    exits with status 3 (without it, the daemon is one from before contract 2)
  --hidden          with --plan-on-stdin: load the plan and lay out the first screen, but show
                    nothing until a line `show` arrives on stdin (the daemon starts the window
                    this way when the heads-up appears, so Start only has to show it)
  --help            this text
  --page history    the history window instead (`--page history --help` says more)
It prints one JSON line when its first frame is painted (after it was shown) and one with the
outcome of the break.";

/// The largest plan the window reads. The biggest real plans (every routine a user could have,
/// each thousands of steps long) are a few MiB; anything past this is not a plan from our daemon.
pub const MAX_PLAN_BYTES: u64 = 64 * 1024 * 1024;

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum Request {
    /// Show a built-in routine (`--routine ID`, or the first one).
    Builtin {
        routine_id: Option<String>,
    },
    /// Read the plan from stdin and close when stdin ends. `contract` is the daemon's, from
    /// `--plan-contract`; 1 when it is not given (a daemon from before the numbers).
    PlanOnStdin {
        contract: u32,
        /// `--hidden`: show nothing until a `show` line follows the plan.
        hidden: bool,
    },
    Help,
}

/// Why no window can be shown. The `Display` text is the whole message for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanProblem {
    UnknownArgument(String),
    MissingRoutineId,
    MissingContractNumber,
    /// The daemon speaks another plan contract (said on the command line or in the plan).
    OtherContract {
        daemon_contract: u32,
    },
    RoutineAndPlanBothGiven,
    /// `--hidden` without `--plan-on-stdin`: nothing could ever show the window.
    HiddenWithoutPlanOnStdin,
    UnknownRoutine {
        id: String,
        known: Vec<String>,
    },
    NoRoutines,
    /// Stdin ended before the plan's newline: the daemon stopped while sending it.
    PlanCutShort {
        bytes: usize,
    },
    PlanTooLarge,
    PlanUnreadable(String),
    PlanNotJson(String),
    PlanInvalid(String),
}

/// What to do about a plan on stdin that cannot be used.
const PLAN_HINT: &str = "It is written by the unhunch daemon; start unhunch-window without \
                         --plan-on-stdin to show a built-in routine instead.";

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
            PlanProblem::MissingContractNumber => write!(
                f,
                "{PLAN_CONTRACT_OPTION} needs the contract number, for example \
                 {PLAN_CONTRACT_OPTION} {PLAN_CONTRACT}."
            ),
            PlanProblem::OtherContract { daemon_contract } => {
                let version = env!("CARGO_PKG_VERSION");
                write!(
                    f,
                    "this unhunch-window (Unhunch {version}) speaks plan contract {PLAN_CONTRACT}, \
                     but the unhunch that started it speaks contract {daemon_contract}, so it shows \
                     nothing. "
                )?;
                if *daemon_contract < PLAN_CONTRACT {
                    write!(
                        f,
                        "That unhunch is an older version, still running since Unhunch was \
                         upgraded: restart Unhunch (Quit in its menu, then start it again)."
                    )
                } else {
                    write!(
                        f,
                        "This window program is older than that unhunch: install both from the \
                         same version of Unhunch, then restart Unhunch."
                    )
                }
            }
            PlanProblem::HiddenWithoutPlanOnStdin => write!(
                f,
                "--hidden needs --plan-on-stdin: a hidden window is shown by a `show` line on \
                 stdin after the plan. Leave --hidden out to see the window."
            ),
            PlanProblem::RoutineAndPlanBothGiven => write!(
                f,
                "--routine and --plan-on-stdin were both given; the plan already names the \
                 routine. Leave out --plan-on-stdin to pick a built-in routine."
            ),
            PlanProblem::UnknownRoutine { id, known } => write!(
                f,
                "there is no built-in routine {id:?}. Known routines: {}.",
                known.join(", ")
            ),
            PlanProblem::NoRoutines => write!(f, "there are no built-in routines to show."),
            PlanProblem::PlanCutShort { bytes: 0 } => write!(
                f,
                "stdin ended before a plan arrived: the daemon that started this window stopped \
                 (or nothing was written). {PLAN_HINT}"
            ),
            PlanProblem::PlanCutShort { bytes } => write!(
                f,
                "stdin ended {bytes} bytes into the plan, before the newline that ends it: the \
                 daemon that started this window stopped while sending it. {PLAN_HINT}"
            ),
            PlanProblem::PlanTooLarge => write!(
                f,
                "the plan on stdin is larger than {} MiB, which no plan from the daemon is. \
                 {PLAN_HINT}",
                MAX_PLAN_BYTES / (1024 * 1024)
            ),
            PlanProblem::PlanUnreadable(message) => {
                write!(f, "cannot read the plan from stdin: {message}. {PLAN_HINT}")
            }
            PlanProblem::PlanNotJson(message) => write!(
                f,
                "the plan on stdin is not a stretch plan: {message}. {PLAN_HINT}"
            ),
            PlanProblem::PlanInvalid(message) => {
                write!(
                    f,
                    "the plan on stdin cannot be shown: {message}. {PLAN_HINT}"
                )
            }
        }
    }
}

impl std::error::Error for PlanProblem {}

/// Reads the request from the arguments after the program name.
pub fn request_from(arguments: &[String]) -> Result<Request, PlanProblem> {
    let mut routine_id = None;
    let mut plan_on_stdin = false;
    let mut hidden = false;
    // A daemon from before the numbers gives none: it speaks contract 1.
    let mut contract = 1;
    let mut arguments = arguments.iter();
    while let Some(argument) = arguments.next() {
        match argument.as_str() {
            "--help" | "-h" => return Ok(Request::Help),
            "--plan-on-stdin" => plan_on_stdin = true,
            "--hidden" => hidden = true,
            PLAN_CONTRACT_OPTION => {
                contract = contract_number(arguments.next().map(String::as_str))?;
            }
            "--routine" => match arguments.next() {
                Some(id) if !id.starts_with('-') => routine_id = Some(id.clone()),
                _ => return Err(PlanProblem::MissingRoutineId),
            },
            other => {
                if let Some(number) = other.strip_prefix("--plan-contract=") {
                    contract = contract_number(Some(number))?;
                    continue;
                }
                match other.strip_prefix("--routine=") {
                    Some("") => return Err(PlanProblem::MissingRoutineId),
                    Some(id) => routine_id = Some(id.to_owned()),
                    None => return Err(PlanProblem::UnknownArgument(other.to_owned())),
                }
            }
        }
    }
    match (plan_on_stdin, routine_id) {
        (true, Some(_)) => Err(PlanProblem::RoutineAndPlanBothGiven),
        (true, None) => Ok(Request::PlanOnStdin { contract, hidden }),
        (false, _) if hidden => Err(PlanProblem::HiddenWithoutPlanOnStdin),
        (false, routine_id) => Ok(Request::Builtin { routine_id }),
    }
}

fn contract_number(text: Option<&str>) -> Result<u32, PlanProblem> {
    text.and_then(|text| text.parse().ok())
        .ok_or(PlanProblem::MissingContractNumber)
}

/// Refuses a daemon of another contract before stdin is read: with another number, even the
/// plan's first line may mean something else.
pub fn check_contract(daemon_contract: u32) -> Result<(), PlanProblem> {
    if daemon_contract == PLAN_CONTRACT {
        Ok(())
    } else {
        Err(PlanProblem::OtherContract { daemon_contract })
    }
}

/// Reads the plan from the daemon: everything up to the first newline, which must be there. What
/// follows the newline is left unread in `input`.
pub fn read_plan(input: &mut impl BufRead) -> Result<StretchPlan, PlanProblem> {
    let mut line = Vec::new();
    input
        .by_ref()
        .take(MAX_PLAN_BYTES + 1)
        .read_until(b'\n', &mut line)
        .map_err(|error| PlanProblem::PlanUnreadable(error.to_string()))?;
    if line.last() != Some(&b'\n') {
        return Err(if line.len() as u64 > MAX_PLAN_BYTES {
            PlanProblem::PlanTooLarge
        } else {
            PlanProblem::PlanCutShort { bytes: line.len() }
        });
    }
    line.pop();
    let json = String::from_utf8(line).map_err(|error| {
        PlanProblem::PlanNotJson(format!(
            "it is not UTF-8 (byte {})",
            error.utf8_error().valid_up_to()
        ))
    })?;
    parse_plan(&json)
}

/// What the daemon said on stdin after the plan.
#[derive(Debug, PartialEq, Eq)]
pub enum DaemonSays {
    /// `show`: the hidden window is to be shown now.
    Show,
    /// Stdin ended or broke: the daemon that started the window is gone, so nobody would hear how
    /// the break ended.
    Gone,
}

/// The line that shows a window started with `--hidden`.
pub const SHOW_LINE: &str = "show";

/// Waits for the next thing the daemon says on `input` (the rest of stdin, after the plan): a
/// `show` line, or its end. Other lines are read and ignored.
pub fn next_from_the_daemon(input: &mut impl BufRead) -> DaemonSays {
    let mut line = Vec::new();
    loop {
        line.clear();
        // A line is never longer than `show`; a longer one is read in pieces and ignored.
        match input.by_ref().take(64).read_until(b'\n', &mut line) {
            Ok(0) => return DaemonSays::Gone,
            Ok(_) if line.trim_ascii() == SHOW_LINE.as_bytes() => return DaemonSays::Show,
            Ok(_) => continue,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return DaemonSays::Gone,
        }
    }
}

/// Returns when `input` (the rest of stdin, after the plan) ends or breaks: the daemon that
/// started the window is gone. Anything it says before that (a `show` for a window already
/// shown) is read and ignored.
pub fn wait_for_the_daemon_to_go(mut input: impl BufRead) {
    while next_from_the_daemon(&mut input) != DaemonSays::Gone {}
}

/// Parses and checks the daemon's plan: its contract number first, wherever it stands, so a plan of
/// another contract is told as such rather than as a field that does not fit.
pub fn parse_plan(json: &str) -> Result<StretchPlan, PlanProblem> {
    #[derive(serde::Deserialize)]
    struct ContractOnly {
        contract: Option<u32>,
    }
    let written_in: ContractOnly =
        serde_json::from_str(json).map_err(|error| PlanProblem::PlanNotJson(error.to_string()))?;
    check_contract(written_in.contract.unwrap_or(1))?;
    let plan: StretchPlan =
        serde_json::from_str(json).map_err(|error| PlanProblem::PlanNotJson(error.to_string()))?;
    validate(&plan)?;
    // A daemon of the same contract from before the plan carried its words sends none: the
    // window makes them with the same core, so the page always has them.
    Ok(plan.with_words())
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
    // A daemon of the same contract from before the plan carried its words sends none: the
    // window makes them with the same core, so the page always has them.
    Ok(plan.with_words())
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
    use unhunch_core::plan::FirstScreen;
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
            contract: PLAN_CONTRACT,
            first_screen: FirstScreen::Intro,
            words: None,
            sound: false,
        }
        .with_words()
    }

    fn arguments(list: &[&str]) -> Vec<String> {
        list.iter().map(|argument| argument.to_string()).collect()
    }

    #[test]
    fn a_plan_from_the_daemon_round_trips_and_leaves_stdin_after_it_unread() {
        let sent = plan(
            routine("seated-twist", "seated-twist"),
            vec![routine("cat-cow", "cat")],
        );
        let stdin = format!("{}\nafter", serde_json::to_string(&sent).unwrap());
        let mut input = std::io::Cursor::new(stdin.into_bytes());
        assert_eq!(read_plan(&mut input), Ok(sent));
        let mut rest = String::new();
        input.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "after");
    }

    #[test]
    fn a_plan_larger_than_an_environment_variable_may_be_is_read() {
        let mut long = routine("long-one", "cat");
        long.helps_with = "x".repeat(512 * 1024);
        let sent = plan(long, vec![]);
        let line = format!("{}\n", serde_json::to_string(&sent).unwrap());
        assert_eq!(read_plan(&mut line.as_bytes()), Ok(sent));
    }

    #[test]
    fn a_plan_cut_short_says_the_daemon_stopped() {
        assert_eq!(
            read_plan(&mut &b""[..]),
            Err(PlanProblem::PlanCutShort { bytes: 0 })
        );
        let problem = read_plan(&mut &b"{\"break_id\": 3"[..]).unwrap_err();
        assert_eq!(problem, PlanProblem::PlanCutShort { bytes: 14 });
        let message = problem.to_string();
        assert!(message.contains("stopped while sending it"), "{message}");
        assert!(message.contains("without --plan-on-stdin"), "{message}");
    }

    #[test]
    fn broken_json_says_what_is_wrong_and_what_to_do() {
        let message = read_plan(&mut &b"{\"break_id\": }\n"[..])
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with("the plan on stdin is not a stretch plan: "),
            "{message}"
        );
        assert!(message.contains("line 1"), "{message}");
        assert!(message.contains("without --plan-on-stdin"), "{message}");
        let message = read_plan(&mut &b"\xff\n"[..]).unwrap_err().to_string();
        assert!(message.contains("not UTF-8"), "{message}");
    }

    #[test]
    fn the_end_of_stdin_after_the_plan_is_the_daemon_going() {
        // Bytes after the plan are ignored; only the end counts.
        wait_for_the_daemon_to_go(&b"stray bytes"[..]);
        wait_for_the_daemon_to_go(&b"show\nshow\n"[..]);
    }

    #[test]
    fn a_show_line_shows_a_hidden_window_and_anything_else_is_ignored() {
        let mut input = &b"hello\nshow\n"[..];
        assert_eq!(next_from_the_daemon(&mut input), DaemonSays::Show);
        assert_eq!(next_from_the_daemon(&mut input), DaemonSays::Gone);
        let mut long = format!("{}\nshow\n", "x".repeat(1000)).into_bytes();
        assert_eq!(next_from_the_daemon(&mut &long[..]), DaemonSays::Show);
        long.clear();
        assert_eq!(next_from_the_daemon(&mut &long[..]), DaemonSays::Gone);
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
            request_from(&arguments(&["--routine"])).unwrap_err(),
            PlanProblem::MissingRoutineId
        );
        assert_eq!(
            request_from(&arguments(&["--routine="])).unwrap_err(),
            PlanProblem::MissingRoutineId
        );
        assert_eq!(
            request_from(&arguments(&["--colour", "blue"])).unwrap_err(),
            PlanProblem::UnknownArgument("--colour".to_owned())
        );
        assert_eq!(
            request_from(&arguments(&["--plan-on-stdin", "--routine", "cat-cow"])).unwrap_err(),
            PlanProblem::RoutineAndPlanBothGiven
        );
        assert_eq!(
            request_from(&arguments(&["--plan-contract", "2", "--plan-on-stdin"])),
            Ok(Request::PlanOnStdin {
                contract: 2,
                hidden: false
            })
        );
        assert_eq!(
            request_from(&arguments(&[
                "--plan-on-stdin",
                "--plan-contract=7",
                "--hidden"
            ])),
            Ok(Request::PlanOnStdin {
                contract: 7,
                hidden: true
            })
        );
        // The daemon of Unhunch 0.1.0 gives no number.
        assert_eq!(
            request_from(&arguments(&["--plan-on-stdin"])),
            Ok(Request::PlanOnStdin {
                contract: 1,
                hidden: false
            })
        );
        assert_eq!(
            request_from(&arguments(&["--plan-on-stdin", "--plan-contract"])).unwrap_err(),
            PlanProblem::MissingContractNumber
        );
        assert_eq!(
            request_from(&arguments(&["--routine=cat-cow"])),
            Ok(Request::Builtin {
                routine_id: Some("cat-cow".to_owned())
            })
        );
        assert_eq!(request_from(&arguments(&["--help"])), Ok(Request::Help));
        assert_eq!(
            request_from(&arguments(&["--hidden"])).unwrap_err(),
            PlanProblem::HiddenWithoutPlanOnStdin
        );
    }

    #[test]
    fn a_plan_of_another_contract_is_refused_and_says_what_to_do() {
        let mut sent = plan(routine("seated-twist", "seated-twist"), vec![]);
        sent.contract = PLAN_CONTRACT + 1;
        let problem = parse_plan(&serde_json::to_string(&sent).unwrap()).unwrap_err();
        assert_eq!(
            problem,
            PlanProblem::OtherContract {
                daemon_contract: PLAN_CONTRACT + 1
            }
        );
        assert!(
            problem.to_string().contains("older than that unhunch"),
            "{problem}"
        );
        // A plan from before the numbers has no `contract` field: it is contract 1.
        let mut old = serde_json::to_value(plan(routine("cat-cow", "cat"), vec![])).unwrap();
        old.as_object_mut().unwrap().remove("contract");
        let problem = parse_plan(&old.to_string()).unwrap_err();
        assert_eq!(problem, PlanProblem::OtherContract { daemon_contract: 1 });
        let message = problem.to_string();
        assert!(message.contains("restart Unhunch"), "{message}");
        assert!(
            !message.contains('\n'),
            "one line for the daemon's log: {message}"
        );
        assert_eq!(check_contract(PLAN_CONTRACT), Ok(()));
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
