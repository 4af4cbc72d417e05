//! The timeline helper: the one place in the tests that drives the break engine. A test reads
//! like the spec: `at(m(25)).expect("show due #1, record due #1").snooze()`.
//!
//! `at(t)` plays a faithful shell: it wakes the engine with `Tick` at every deadline before `t`
//! (anything those produce is a test failure: the timeline must mention every notification; only
//! a warm-up of the window's files, which shows nothing, is passed over and counted), then sends
//! `Tick` at `t`. Actions send one input at the current time. `expect` compares the
//! effects of the latest step, rendered as short words, with what the test says.

use std::time::Duration;

use unhunch_core::engine::{ClosedBy, Effect, Input, PauseLength, Phase, Refusal, Waiting};
use unhunch_core::history::HistoryEvent;
use unhunch_core::plan::WindowOutcome;
use unhunch_core::routine::RoutineSet;
use unhunch_core::{Engine, Settings, Timestamp};

/// 2026-11-23T08:00:00Z, the start of every timeline.
pub const START: Timestamp = Timestamp::from_unix_secs(1_795_420_800);

pub fn s(secs: u64) -> Duration {
    Duration::from_secs(secs)
}

pub fn m(minutes: u64) -> Duration {
    Duration::from_secs(minutes * 60)
}

pub fn h(hours: u64) -> Duration {
    Duration::from_secs(hours * 3600)
}

/// A timeline with the default settings and the built-in routines.
pub fn timeline() -> Timeline {
    timeline_with(|_| {})
}

/// A timeline whose settings are the defaults changed by `edit`.
pub fn timeline_with(edit: impl FnOnce(&mut Settings)) -> Timeline {
    let mut settings = Settings::default();
    edit(&mut settings);
    Timeline {
        engine: Engine::new(settings, RoutineSet::builtin(), 7, START),
        now: START,
        effects: Vec::new(),
        warm_ups_passed: Vec::new(),
    }
}

pub struct Timeline {
    pub engine: Engine,
    pub now: Timestamp,
    pub effects: Vec<Effect>,
    /// When `at` passed over a warm-up of the window's files on its way (they show nothing).
    pub warm_ups_passed: Vec<Timestamp>,
}

impl Timeline {
    /// Moves the clock to `offset` after the start, ticking at every deadline on the way.
    pub fn at(&mut self, offset: Duration) -> &mut Self {
        let target = START.plus(offset);
        assert!(
            target >= self.now,
            "the timeline goes back from {} to {}",
            shown(self.now),
            shown(target)
        );
        while let Some(deadline) = self.engine.next_deadline()
            && deadline < target
        {
            self.now = deadline;
            let mut effects = self.engine.handle(Input::Tick, deadline);
            // A warm-up shows nothing: the timeline passes over it and counts it.
            let before = effects.len();
            effects.retain(|effect| *effect != Effect::WarmUpWindow);
            self.warm_ups_passed
                .extend(std::iter::repeat_n(self.now, before - effects.len()));
            assert!(
                effects.is_empty(),
                "unexpected at {}: {} (the timeline next looks at {})",
                shown(deadline),
                describe(&effects),
                shown(target)
            );
            self.check_deadline_is_ahead();
        }
        self.now = target;
        self.send(Input::Tick)
    }

    /// Moves the clock to `offset` without ticking on the way, like a shell that slept through
    /// its deadlines (a stopped process, a missed timer). The next action catches up.
    pub fn sleep_through_to(&mut self, offset: Duration) -> &mut Self {
        let target = START.plus(offset);
        assert!(
            target >= self.now,
            "the timeline goes back from {} to {}",
            shown(self.now),
            shown(target)
        );
        self.now = target;
        self
    }

    pub fn tick(&mut self) -> &mut Self {
        self.send(Input::Tick)
    }

    pub fn send(&mut self, input: Input) -> &mut Self {
        self.effects = self.engine.handle(input, self.now);
        for effect in &self.effects {
            if let Effect::Record(record) = effect {
                assert_eq!(
                    shown(record.at),
                    shown(self.now),
                    "a record is stamped with the input's time"
                );
            }
        }
        self.check_deadline_is_ahead();
        self
    }

    /// The effects of the latest step, as words: "show due #1, record due #1".
    #[track_caller]
    pub fn expect(&mut self, expected: &str) -> &mut Self {
        assert_eq!(
            describe(&self.effects),
            expected,
            "effects at {}",
            shown(self.now)
        );
        self
    }

    #[track_caller]
    pub fn expect_nothing(&mut self) -> &mut Self {
        self.expect("")
    }

    pub fn expect_phase(&mut self, phase: Phase) -> &mut Self {
        assert_eq!(
            self.engine.status(self.now).phase,
            phase,
            "phase at {}",
            shown(self.now)
        );
        self
    }

    /// The next break (or the one that is due) as an offset from the start.
    pub fn expect_next_break_at(&mut self, offset: Duration) -> &mut Self {
        let next = self.engine.status(self.now).next_break_at.map(shown);
        assert_eq!(
            next,
            Some(shown(START.plus(offset))),
            "next break as seen at {}",
            shown(self.now)
        );
        self
    }

    /// What the break (or the next interval) waits for, if anything.
    pub fn expect_waiting(&mut self, waiting: Option<Waiting>) -> &mut Self {
        assert_eq!(
            self.engine.status(self.now).waiting,
            waiting,
            "waiting at {}",
            shown(self.now)
        );
        self
    }

    /// No break is scheduled: the next interval begins when the user comes back.
    pub fn expect_no_next_break(&mut self) -> &mut Self {
        let next = self.engine.status(self.now).next_break_at.map(shown);
        assert_eq!(next, None, "next break as seen at {}", shown(self.now));
        self
    }

    /// When the engine wants the next idle measurement, as an offset from the start.
    pub fn expect_idle_check_at(&mut self, offset: Option<Duration>) -> &mut Self {
        assert_eq!(
            self.engine.next_idle_check().map(shown),
            offset.map(|offset| shown(START.plus(offset))),
            "idle check as seen at {}",
            shown(self.now)
        );
        self
    }

    /// When the engine wants the shell to look for a camera in use, as an offset from the start.
    pub fn expect_camera_check_at(&mut self, offset: Option<Duration>) -> &mut Self {
        assert_eq!(
            self.engine.next_camera_check().map(shown),
            offset.map(|offset| shown(START.plus(offset))),
            "camera check as seen at {}",
            shown(self.now)
        );
        self
    }

    pub fn expect_next_deadline_at(&mut self, offset: Duration) -> &mut Self {
        let next = self.engine.next_deadline().map(shown);
        assert_eq!(
            next,
            Some(shown(START.plus(offset))),
            "next deadline as seen at {}",
            shown(self.now)
        );
        self
    }

    pub fn start(&mut self) -> &mut Self {
        self.send(Input::Start)
    }
    pub fn stretch_now(&mut self) -> &mut Self {
        self.send(Input::StretchNow { routine: None })
    }
    /// Stretch now with the routine the user named ("Try now", `unhunch stretch-now ID`).
    pub fn try_routine(&mut self, routine_id: &str) -> &mut Self {
        self.send(Input::StretchNow {
            routine: Some(routine_id.to_string()),
        })
    }
    pub fn snooze(&mut self) -> &mut Self {
        self.send(Input::Snooze { length: None })
    }
    pub fn snooze_for(&mut self, length: Duration) -> &mut Self {
        self.send(Input::Snooze {
            length: Some(length),
        })
    }
    pub fn skip(&mut self) -> &mut Self {
        self.send(Input::Skip)
    }
    pub fn pause_for(&mut self, length: Duration) -> &mut Self {
        self.send(Input::Pause(PauseLength::For(length)))
    }
    pub fn pause_until(&mut self, offset: Duration) -> &mut Self {
        self.send(Input::Pause(PauseLength::Until(START.plus(offset))))
    }
    pub fn pause_indefinitely(&mut self) -> &mut Self {
        self.send(Input::Pause(PauseLength::Indefinitely))
    }
    pub fn resume(&mut self) -> &mut Self {
        self.send(Input::Resume)
    }
    pub fn window_closed(&mut self, break_id: u64, outcome: Option<WindowOutcome>) -> &mut Self {
        self.send(Input::WindowClosed { break_id, outcome })
    }
    /// The stretch window of `break_id` reports its first painted frame.
    pub fn painted(&mut self, break_id: u64) -> &mut Self {
        self.send(Input::WindowPainted { break_id })
    }
    pub fn complete(&mut self, break_id: u64) -> &mut Self {
        let routine = self
            .engine
            .status(self.now)
            .routine
            .expect("a stretching break has a routine");
        self.window_closed(
            break_id,
            Some(WindowOutcome::Completed {
                routine,
                duration_secs: 95,
            }),
        )
    }
    /// The notification of break `break_id` went away without an action, `closed_by` whom.
    pub fn notification_closed(&mut self, break_id: u64, closed_by: ClosedBy) -> &mut Self {
        self.send(Input::BreakNotificationClosed {
            break_id,
            closed_by,
        })
    }
    /// An idle measurement: the user's last input was `idle_for` ago.
    pub fn idle_for(&mut self, idle_for: Duration) -> &mut Self {
        self.send(Input::UserIdle { idle_for })
    }
    /// An idle measurement that says the user touched keyboard or pointer just now.
    pub fn input_now(&mut self) -> &mut Self {
        self.idle_for(Duration::ZERO)
    }
    /// The wall clock jumps by `by` (negative: back) right now, as after a suspend or a clock
    /// change; no ticks happen during the jump.
    pub fn clock_jumps(&mut self, by: i64) -> &mut Self {
        self.now = Timestamp::from_unix_millis(self.now.unix_millis() + by);
        self.send(Input::ClockJumped { by_millis: by })
    }
    pub fn settings_change(&mut self, edit: impl FnOnce(&mut Settings)) -> &mut Self {
        let mut settings = self.engine.settings().clone();
        edit(&mut settings);
        self.send(Input::SettingsChanged(settings))
    }
    pub fn quit(&mut self) -> &mut Self {
        self.send(Input::Quit)
    }

    fn check_deadline_is_ahead(&self) {
        let status = self.engine.status(self.now);
        match self.engine.next_deadline() {
            Some(deadline) => assert!(
                deadline > self.now,
                "deadline {} is not after {}",
                shown(deadline),
                shown(self.now)
            ),
            None => assert!(
                status.paused_indefinitely
                    || status.waiting == Some(Waiting::Return)
                    || status.screen_locked
                    || status.asleep,
                "no deadline while {:?}",
                status.phase
            ),
        }
    }
}

/// Milliseconds as signed, for clock jumps: `ms(m(5))`.
pub fn ms(duration: Duration) -> i64 {
    duration.as_millis() as i64
}

/// A time as an offset from the start: "25m3s", or "-1m" before it.
pub fn shown(time: Timestamp) -> String {
    let millis = time.unix_millis() - START.unix_millis();
    let sign = if millis < 0 { "-" } else { "" };
    let text =
        unhunch_core::HumanDuration(Duration::from_secs(millis.unsigned_abs() / 1000)).to_string();
    match millis.unsigned_abs() % 1000 {
        0 => format!("{sign}{text}"),
        rest => format!("{sign}{text}+{rest}ms"),
    }
}

/// Effects as short words, joined with ", ".
pub fn describe(effects: &[Effect]) -> String {
    let mut words = Vec::new();
    for effect in effects {
        words.push(match effect {
            Effect::ShowHeadsUp {
                break_due_at,
                offer,
                when_you_pause,
            } => {
                let mut text = if *when_you_pause {
                    format!("heads-up when you pause (due {})", shown(*break_due_at))
                } else {
                    format!("heads-up for {}", shown(*break_due_at))
                };
                if offer.is_none() {
                    text.push_str(" (no routine)");
                }
                text
            }
            Effect::ShowBreakDue {
                break_id,
                snoozes_left,
                window_failed,
                ..
            } => {
                let mut text = format!("show due #{break_id}");
                if *snoozes_left == Some(0) {
                    text.push_str(" (no snooze left)");
                }
                if *window_failed {
                    text.push_str(" (window failed)");
                }
                text
            }
            Effect::WithdrawNotification => "withdraw".to_string(),
            Effect::ShowStatus => "show status".to_string(),
            Effect::ExplainClosingSnoozed { snooze } => {
                format!(
                    "say closing snoozed {}",
                    unhunch_core::HumanDuration(*snooze)
                )
            }
            Effect::OpenWindow(plan) => format!("open window #{}", plan.break_id),
            Effect::PrepareWindow(plan) => format!("prepare window #{}", plan.break_id),
            Effect::ShowPreparedWindow { break_id } => format!("show prepared window #{break_id}"),
            Effect::EndPreparedWindow { break_id } => format!("end prepared window #{break_id}"),
            Effect::WarmUpWindow => "warm up window".to_string(),
            Effect::CloseWindow { break_id } => format!("close window #{break_id}"),
            Effect::Record(record) => format!("record {}", describe_event(&record.event)),
            Effect::Refused(refusal) => format!("refused: {}", describe_refusal(*refusal)),
        });
    }
    words.join(", ")
}

fn describe_event(event: &HistoryEvent) -> String {
    match event {
        HistoryEvent::Due { break_id, .. } => format!("due #{break_id}"),
        HistoryEvent::Started { break_id, .. } => format!("started #{break_id}"),
        HistoryEvent::Completed { break_id, .. } => format!("completed #{break_id}"),
        HistoryEvent::Snoozed {
            break_id,
            snoozes_used,
        } => format!("snoozed #{break_id} ({snoozes_used} used)"),
        HistoryEvent::Skipped { break_id, sides } if sides.is_empty() => {
            format!("skipped #{break_id}")
        }
        HistoryEvent::Skipped { break_id, sides } => {
            let words: Vec<&str> = sides.iter().map(|side| side.word()).collect();
            format!("skipped #{break_id} after {}", words.join(" and "))
        }
        HistoryEvent::Abandoned { break_id } => format!("abandoned #{break_id}"),
        HistoryEvent::NaturalBreak { away_secs } => {
            format!(
                "natural break {}",
                unhunch_core::HumanDuration(Duration::from_secs(*away_secs))
            )
        }
        HistoryEvent::Paused { until: Some(until) } => format!("paused until {}", shown(*until)),
        HistoryEvent::Paused { until: None } => "paused".to_string(),
        HistoryEvent::Resumed => "resumed".to_string(),
        HistoryEvent::Deferred { reason } => format!("deferred {reason:?}"),
    }
}

fn describe_refusal(refusal: Refusal) -> &'static str {
    match refusal {
        Refusal::NoSnoozesLeft => "no snoozes left",
        Refusal::NoBreakDue => "no break due",
        Refusal::NotPaused => "not paused",
        Refusal::AlreadyStretching => "already stretching",
        Refusal::NoRoutineFits => "no routine fits",
        Refusal::UnknownRoutine => "unknown routine",
        Refusal::PauseEndsInThePast => "pause ends in the past",
        Refusal::PauseEndsBeyondTheHorizon => "pause ends beyond the horizon",
        Refusal::SnoozeTooLong => "snooze too long",
        Refusal::NothingToSkipWhilePaused => "nothing to skip while paused",
    }
}
