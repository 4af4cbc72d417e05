//! The break engine under random use: thousands of inputs with random gaps, more than a simulated
//! year per case, random valid settings. Checks the invariants the shells rely on: one future
//! deadline (unless paused indefinitely), at most one notification effect per input, snoozes
//! within the limit, exactly one outcome for every break, every history record written and read
//! back unchanged (times within the horizon, ids JSON-safe), and no stale heads-up left on screen
//! by a settings change.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use proptest::prelude::*;
use unhunch_core::engine::{ClosedBy, Effect, Input, Interruptions, PauseLength, Phase, Waiting};
use unhunch_core::history::{HistoryEvent, HistoryRecord, MAX_BREAK_ID};
use unhunch_core::plan::WindowOutcome;
use unhunch_core::routine::RoutineSet;
use unhunch_core::schedule::Hours;
use unhunch_core::settings::{Focus, PlaceChoice};
use unhunch_core::{Engine, Settings, Timestamp};

use crate::timeline::{START, describe};

/// The longest `max_wait` the settings accept.
const MAX_MAX_WAIT: Duration = Duration::from_secs(4 * 3600);

/// Inputs per case. With the gaps below that is well over a year of simulated time.
const INPUTS_PER_CASE: usize = 2000;
/// Between two inputs the simulated shell wakes the engine at up to this many deadlines, then
/// sleeps through the rest (as a stopped or suspended shell would), so catching up is exercised.
const TICKS_BEFORE_SLEEPING_THROUGH: usize = 64;

/// What the user or the system does; resolved against the engine's state when it happens.
#[derive(Debug, Clone)]
enum Action {
    Tick,
    StretchNow,
    Start,
    Snooze(Option<Duration>),
    Skip,
    PauseFor(Duration),
    /// Until now plus this many seconds (may be in the past).
    PauseUntil(i64),
    PauseIndefinitely,
    Resume,
    /// The current window closes with this outcome (`None`: closed early).
    WindowClosed(Option<WindowOutcome>),
    /// A window of an earlier break closes.
    StaleWindowClosed,
    /// The current break's notification goes away without an action.
    NotificationClosed(ClosedBy),
    UserIdle(Duration),
    /// Full screen, do-not-disturb and the camera come and go.
    Interruptions(Interruptions),
    ClockJumped(i64),
    /// logind's lock, unlock, sleep and wake, in any order (a lost signal included).
    Quiet(Input),
    /// The shell tells the working hours: off for this long (`Some`), or working (`None`).
    Hours(Option<Duration>),
    SettingsChanged(Settings),
    /// The user's routine files change: all built-in routines, or only every other one.
    RoutinesChanged {
        all: bool,
    },
}

fn secs(range: std::ops::RangeInclusive<u64>) -> impl Strategy<Value = Duration> {
    range.prop_map(Duration::from_secs)
}

fn settings() -> impl Strategy<Value = Settings> {
    (
        prop_oneof![secs(1..=120), secs(300..=4 * 3600)],
        prop_oneof![secs(1..=60), secs(60..=2 * 3600)],
        prop_oneof![Just(None), (1u32..=5).prop_map(Some)],
        prop_oneof![Just(None), secs(1..=300).prop_map(Some)],
        secs(10..=2 * 3600),
        (
            prop_oneof![Just(None), secs(1..=120).prop_map(Some)],
            secs(10..=4 * 3600),
        ),
        prop_oneof![Just(Focus::Both), Just(Focus::Left), Just(Focus::Right)],
        prop_oneof![
            Just(PlaceChoice::Any),
            Just(PlaceChoice::Chair),
            Just(PlaceChoice::Floor)
        ],
        (any::<bool>(), any::<[bool; 3]>()),
    )
        .prop_map(
            |(
                interval,
                snooze,
                max_snoozes,
                heads_up,
                natural_break,
                (wait_for_pause, max_wait),
                focus,
                place,
                (
                    auto_advance,
                    [
                        defer_for_fullscreen,
                        defer_for_do_not_disturb,
                        defer_for_camera,
                    ],
                ),
            )| {
                let mut settings = Settings::default();
                settings.breaks.interval = interval;
                settings.breaks.snooze = snooze;
                settings.breaks.max_snoozes = max_snoozes;
                // Valid settings have the heads-up shorter than the interval.
                settings.breaks.heads_up = heads_up.filter(|lead| *lead < interval);
                settings.breaks.natural_break = natural_break;
                settings.breaks.wait_for_pause = wait_for_pause;
                settings.breaks.max_wait = max_wait;
                settings.stretch.focus = focus;
                settings.stretch.place = place;
                settings.stretch.auto_advance = auto_advance;
                settings.breaks.defer_for_fullscreen = defer_for_fullscreen;
                settings.breaks.defer_for_do_not_disturb = defer_for_do_not_disturb;
                settings.breaks.defer_for_camera = defer_for_camera;
                settings
            },
        )
}

fn outcome() -> impl Strategy<Value = Option<WindowOutcome>> {
    prop_oneof![
        3 => (0u64..=900).prop_map(|duration_secs| Some(WindowOutcome::Completed { routine: "cobra".into(), duration_secs })),
        1 => Just(Some(WindowOutcome::Snoozed)),
        1 => Just(Some(WindowOutcome::Skipped { sides_done: vec![] })),
        1 => Just(None),
    ]
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        6 => Just(Action::Tick),
        2 => Just(Action::StretchNow),
        4 => Just(Action::Start),
        3 => prop_oneof![Just(None), secs(0..=3600).prop_map(Some), secs(0..=u64::from(u32::MAX)).prop_map(Some)].prop_map(Action::Snooze),
        2 => Just(Action::Skip),
        1 => prop_oneof![secs(0..=6 * 3600), secs(0..=100_000_000 * 3600)].prop_map(Action::PauseFor),
        1 => prop_oneof![-3600i64..=86_400, 0i64..=400_000_000_000].prop_map(Action::PauseUntil),
        1 => Just(Action::PauseIndefinitely),
        2 => Just(Action::Resume),
        5 => outcome().prop_map(Action::WindowClosed),
        1 => Just(Action::StaleWindowClosed),
        2 => prop_oneof![Just(ClosedBy::User), Just(ClosedBy::Expiry), Just(ClosedBy::Server)].prop_map(Action::NotificationClosed),
        3 => secs(0..=3600).prop_map(Action::UserIdle),
        // Typing, and short pauses, so breaks wait for a pause often.
        3 => secs(0..=15).prop_map(Action::UserIdle),
        2 => any::<[bool; 3]>().prop_map(|[full_screen, do_not_disturb, camera]| Action::Interruptions(Interruptions { full_screen, do_not_disturb, camera })),
        2 => prop_oneof![-3_600_000i64..=-1, 1i64..=36_000_000].prop_map(Action::ClockJumped),
        2 => prop_oneof![
            Just(Input::ScreenLocked),
            Just(Input::ScreenUnlocked),
            Just(Input::GoingToSleep),
            Just(Input::WokeUp),
        ]
        .prop_map(Action::Quiet),
        1 => proptest::option::of(secs(1..=3 * 24 * 3600)).prop_map(Action::Hours),
        1 => settings().prop_map(Action::SettingsChanged),
        1 => any::<bool>().prop_map(|all| Action::RoutinesChanged { all }),
    ]
}

/// Time until the next input: seconds, minutes, hours or most of a day, equally often.
fn gap() -> impl Strategy<Value = Duration> {
    prop_oneof![
        secs(0..=120),
        secs(0..=2 * 3600),
        secs(0..=24 * 3600),
        secs(12 * 3600..=24 * 3600)
    ]
}

/// Everything the checks need to remember across one case.
struct Run {
    engine: Engine,
    now: Timestamp,
    /// Outcomes recorded per break id; every id the engine mentioned is a key.
    outcomes: BTreeMap<u64, u32>,
    /// Break ids recorded as due: each only once.
    became_due: BTreeSet<u64>,
    simulated: Duration,
    /// Parsed once per case: parsing TOML for every change would dominate the run time.
    all_routines: RoutineSet,
    half_of_the_routines: RoutineSet,
    /// The break time the heads-up on screen names, while one is showing.
    heads_up_on_screen: Option<Timestamp>,
    /// The break whose hidden window the effects prepared and have not yet shown or ended.
    prepared: Option<u64>,
}

impl Run {
    fn handle(&mut self, input: Input) -> Result<(), TestCaseError> {
        let shown_input = input_name(&input);
        let settings_changed = matches!(input, Input::SettingsChanged(_));
        let is_measurement = matches!(input, Input::UserIdle { .. });
        let effects = self.engine.handle(input, self.now);
        let context = || {
            format!(
                "after {shown_input} at {}: {}",
                self.now,
                describe(&effects)
            )
        };

        match self.engine.next_deadline() {
            Some(deadline) => prop_assert!(
                deadline > self.now,
                "deadline {deadline} in the past {}",
                context()
            ),
            None => prop_assert!(
                self.engine.status(self.now).paused_indefinitely
                    || self.engine.status(self.now).waiting == Some(Waiting::Return)
                    || self.engine.status(self.now).screen_locked
                    || self.engine.status(self.now).asleep,
                "no deadline {}",
                context()
            ),
        }
        // A shell that measures when the engine asks can never spin: the check after a
        // measurement is later than it.
        if is_measurement && let Some(check) = self.engine.next_idle_check() {
            prop_assert!(check > self.now, "idle check at {check} {}", context());
        }
        // A break whose time has come waits for a pause at most `max_wait` (the longest there is).
        let status = self.engine.status(self.now);
        if status.waiting == Some(Waiting::Pause)
            && let (Some(due), Some(deadline)) = (status.next_break_at, self.engine.next_deadline())
        {
            prop_assert!(
                deadline.since(due) <= MAX_MAX_WAIT && deadline >= due,
                "waits from {due} until {deadline} {}",
                context()
            );
        }
        // A deferred break (full screen, do-not-disturb, camera) always has its end in sight:
        // at most the longest `max_wait` away, unless the screen is locked or the computer asleep,
        // when nothing fires at all.
        if status.waiting.is_some_and(Waiting::is_deferral)
            && !status.screen_locked
            && !status.asleep
        {
            let deadline = self.engine.next_deadline();
            prop_assert!(
                deadline.is_some_and(|deadline| deadline.since(self.now) <= MAX_MAX_WAIT),
                "deferred until {deadline:?} {}",
                context()
            );
        }
        let notification_effects = effects
            .iter()
            .filter(|effect| {
                matches!(
                    effect,
                    Effect::ShowHeadsUp { .. }
                        | Effect::ShowBreakDue { .. }
                        | Effect::WithdrawNotification
                )
            })
            .count();
        prop_assert!(
            notification_effects <= 1,
            "{notification_effects} notification effects {}",
            context()
        );

        if let Some(deadline) = self.engine.next_deadline() {
            prop_assert!(
                deadline <= Timestamp::LATEST,
                "deadline {deadline} beyond the horizon {}",
                context()
            );
        }
        for effect in &effects {
            match effect {
                Effect::ShowHeadsUp { break_due_at, .. } => {
                    self.heads_up_on_screen = Some(*break_due_at)
                }
                Effect::ShowBreakDue { .. } | Effect::WithdrawNotification => {
                    self.heads_up_on_screen = None
                }
                _ => {}
            }
        }
        let mut prepared = self.prepared;
        self.check_the_prepared_window(&mut prepared, &effects, &context)?;
        self.prepared = prepared;
        if settings_changed && let Some(named) = self.heads_up_on_screen {
            prop_assert_eq!(
                Some(named),
                self.engine.status(self.now).next_break_at,
                "stale heads-up {}",
                context()
            );
        }
        for effect in &effects {
            if let Effect::Record(record) = effect {
                let line = serde_json::to_string(record)
                    .map_err(|error| TestCaseError::fail(error.to_string()))?;
                let read_back = serde_json::from_str::<HistoryRecord>(&line).ok();
                prop_assert_eq!(
                    read_back.as_ref(),
                    Some(record),
                    "{} does not read back {}",
                    line,
                    context()
                );
                if let Some(break_id) = record.event.break_id() {
                    prop_assert!(
                        break_id <= MAX_BREAK_ID,
                        "break id {break_id} {}",
                        context()
                    );
                }
            }
            let break_id = match effect {
                Effect::ShowBreakDue { break_id, .. } | Effect::CloseWindow { break_id } => {
                    Some(*break_id)
                }
                Effect::OpenWindow(plan) => Some(plan.break_id),
                Effect::ShowPreparedWindow { break_id } => Some(*break_id),
                Effect::Record(record) => {
                    prop_assert_eq!(record.at, self.now, "record stamp {}", context());
                    match &record.event {
                        HistoryEvent::Snoozed { snoozes_used, .. } => {
                            if let Some(max) = self.engine.settings().breaks.max_snoozes {
                                prop_assert!(
                                    *snoozes_used <= max,
                                    "snooze {snoozes_used} of {max} {}",
                                    context()
                                );
                            }
                        }
                        HistoryEvent::Due { break_id, .. } => {
                            prop_assert!(
                                self.became_due.insert(*break_id),
                                "due #{break_id} again {}",
                                context()
                            );
                        }
                        _ => {}
                    }
                    match &record.event {
                        HistoryEvent::Completed { break_id, .. }
                        | HistoryEvent::Snoozed { break_id, .. }
                        | HistoryEvent::Skipped { break_id, .. }
                        | HistoryEvent::Abandoned { break_id } => {
                            let count = self.outcomes.entry(*break_id).or_default();
                            *count += 1;
                            prop_assert_eq!(
                                *count,
                                1,
                                "second outcome for #{} {}",
                                break_id,
                                context()
                            );
                            None
                        }
                        HistoryEvent::Due { break_id, .. }
                        | HistoryEvent::Started { break_id, .. } => Some(*break_id),
                        _ => None,
                    }
                }
                _ => None,
            };
            if let Some(break_id) = break_id {
                self.outcomes.entry(break_id).or_default();
            }
        }
        Ok(())
    }

    /// A prepared window never outlives its break: at most one at a time, made only while a
    /// heads-up is on screen, shown or ended by the id it was made for, and while it lives its
    /// break is still coming (working, or due with that very id, never paused, locked, asleep,
    /// stretching, or with an outcome recorded).
    fn check_the_prepared_window(
        &self,
        prepared_now: &mut Option<u64>,
        effects: &[Effect],
        context: &dyn Fn() -> String,
    ) -> Result<(), TestCaseError> {
        for effect in effects {
            match effect {
                Effect::PrepareWindow(plan) => {
                    prop_assert_eq!(
                        *prepared_now,
                        None,
                        "a second prepared window {}",
                        context()
                    );
                    prop_assert!(
                        self.heads_up_on_screen.is_some(),
                        "prepared without a heads-up {}",
                        context()
                    );
                    *prepared_now = Some(plan.break_id);
                }
                Effect::ShowPreparedWindow { break_id }
                | Effect::EndPreparedWindow { break_id } => {
                    prop_assert_eq!(
                        *prepared_now,
                        Some(*break_id),
                        "shown or ended unprepared {}",
                        context()
                    );
                    *prepared_now = None;
                }
                _ => {}
            }
        }
        prop_assert_eq!(
            self.engine.prepared_window(),
            *prepared_now,
            "the engine and its effects disagree on the prepared window {}",
            context()
        );
        if let Some(prepared) = *prepared_now {
            let status = self.engine.status(self.now);
            let break_still_coming = match status.phase {
                Phase::Working => status.break_id.is_none(),
                Phase::BreakDue => status.break_id == Some(prepared),
                Phase::Stretching | Phase::Paused => false,
            };
            prop_assert!(
                break_still_coming && !status.screen_locked && !status.asleep,
                "prepared window #{} outlives its break: {:?} {}",
                prepared,
                status,
                context()
            );
            prop_assert!(
                self.outcomes.get(&prepared).is_none_or(|count| *count == 0),
                "prepared window #{} of a break that ended {}",
                prepared,
                context()
            );
        }
        Ok(())
    }

    /// The shell's main loop between inputs: wake at deadlines until `until`.
    fn wait(&mut self, gap: Duration) -> Result<(), TestCaseError> {
        let until = self.now.plus(gap);
        self.simulated += gap;
        for _ in 0..TICKS_BEFORE_SLEEPING_THROUGH {
            match self.engine.next_deadline() {
                Some(deadline) if deadline <= until => {
                    self.now = deadline;
                    self.handle(Input::Tick)?;
                }
                _ => break,
            }
        }
        self.now = until;
        Ok(())
    }

    fn act(&mut self, action: Action) -> Result<(), TestCaseError> {
        let input = match action {
            Action::Tick => Input::Tick,
            Action::StretchNow => Input::StretchNow { routine: None },
            Action::Start => Input::Start,
            Action::Snooze(length) => Input::Snooze { length },
            Action::Skip => Input::Skip,
            Action::PauseFor(length) => Input::Pause(PauseLength::For(length)),
            Action::PauseUntil(offset_secs) => Input::Pause(PauseLength::Until(
                Timestamp::from_unix_millis(self.now.unix_millis() + offset_secs * 1000),
            )),
            Action::PauseIndefinitely => Input::Pause(PauseLength::Indefinitely),
            Action::Resume => Input::Resume,
            Action::WindowClosed(outcome) => match self.engine.status(self.now).break_id {
                Some(break_id) => Input::WindowClosed { break_id, outcome },
                None => Input::Tick,
            },
            Action::NotificationClosed(closed_by) => match self.engine.status(self.now).break_id {
                Some(break_id) => Input::BreakNotificationClosed {
                    break_id,
                    closed_by,
                },
                None => Input::Tick,
            },
            Action::StaleWindowClosed => {
                let stale = self
                    .outcomes
                    .keys()
                    .next_back()
                    .copied()
                    .unwrap_or(0)
                    .saturating_sub(1);
                Input::WindowClosed {
                    break_id: stale,
                    outcome: Some(WindowOutcome::Skipped { sides_done: vec![] }),
                }
            }
            Action::UserIdle(idle_for) => Input::UserIdle { idle_for },
            Action::Interruptions(interruptions) => Input::Interruptions(interruptions),
            Action::ClockJumped(by_millis) => {
                self.now = Timestamp::from_unix_millis(self.now.unix_millis() + by_millis);
                if by_millis > 0 {
                    self.simulated += Duration::from_millis(by_millis as u64);
                }
                Input::ClockJumped { by_millis }
            }
            Action::Quiet(input) => input,
            Action::Hours(off_for) => Input::WorkingHours(Some(match off_for {
                Some(off_for) => Hours::Off {
                    until: self.now.plus(off_for),
                },
                None => Hours::Working {
                    until: self.now.plus(Duration::from_secs(8 * 3600)),
                },
            })),
            Action::SettingsChanged(settings) => Input::SettingsChanged(settings),
            Action::RoutinesChanged { all } => Input::RoutinesChanged(if all {
                self.all_routines.clone()
            } else {
                self.half_of_the_routines.clone()
            }),
        };
        self.handle(input)
    }
}

/// A short name for failure messages; formatting whole routine sets for every input is slow.
fn input_name(input: &Input) -> String {
    match input {
        Input::SettingsChanged(_) => "SettingsChanged".to_string(),
        Input::RoutinesChanged(set) => format!("RoutinesChanged({} routines)", set.all().len()),
        other => format!("{other:?}"),
    }
}

fn every_other(routines: &RoutineSet) -> RoutineSet {
    RoutineSet::from_routines(routines.all().iter().step_by(2).cloned().collect())
}

proptest! {
    // 32 cases of over a year each keep the whole core suite within seconds in a debug build;
    // XorShift because generating 2000 inputs with the default ChaCha costs more than running them.
    #![proptest_config(ProptestConfig {
        cases: 32,
        rng_algorithm: proptest::test_runner::RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_year_of_random_use_keeps_every_promise(
        settings in settings(),
        seed in any::<u64>(),
        steps in prop::collection::vec((gap(), action()), INPUTS_PER_CASE),
    ) {
        let builtin = RoutineSet::builtin();
        let mut run = Run {
            engine: Engine::new(settings, builtin.clone(), seed, START),
            half_of_the_routines: every_other(&builtin),
            all_routines: builtin,
            now: START,
            outcomes: BTreeMap::new(),
            became_due: BTreeSet::new(),
            simulated: Duration::ZERO,
            heads_up_on_screen: None,
            prepared: None,
        };
        for (gap, action) in steps {
            run.wait(gap)?;
            run.act(action)?;
        }
        run.handle(Input::Quit)?;
        prop_assert!(run.simulated >= Duration::from_secs(365 * 86_400), "only {:?} simulated", run.simulated);
        let without_one_outcome: Vec<(&u64, &u32)> = run.outcomes.iter().filter(|(_, count)| **count != 1).collect();
        prop_assert!(without_one_outcome.is_empty(), "breaks without exactly one outcome: {:?}", without_one_outcome);
        prop_assert!(run.outcomes.len() > 10, "only {} breaks in a year", run.outcomes.len());
    }
}
