//! The owner task: the one place that holds the [`Engine`], and the scheduler loop around it.
//!
//! One task owns the engine. D-Bus calls, tray clicks, notification actions, window exits, file
//! changes and timers all reach it as [`Message`]s on one channel, so there is never a lock
//! around the engine and inputs are handled strictly one after another. The loop sleeps until
//! the engine's next deadline; besides that it wakes at most once a minute, to refresh the tray
//! countdown and to notice a clock jump (suspend, clock change).

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::mpsc;
use tracing::{debug, info, warn};
use unhunch_core::engine::{PauseLength, Phase, Refusal};
use unhunch_core::routine::{RoutineSet, is_same_id};
use unhunch_core::{Engine, Input, Problem, Settings, Timestamp};

use crate::clock::{self, ClockWatch};
use crate::effects::Effects;
use crate::files::{self, ConfigLoad, Paths};
use crate::idle::{IdleMonitor, IdleQuestions};
use crate::inbox::{Inbox, Message, Origin, PauseRequest, Request};
use crate::status::{StatusReport, refusal_message};

/// Loads the user's files, builds the engine, and runs the owner loop until the user quits.
pub async fn run(
    paths: Paths,
    inbox: Inbox,
    messages: mpsc::UnboundedReceiver<Message>,
    connection: zbus::Connection,
) {
    // The example config is written on the very first run only: a user who deletes the file later
    // has chosen the defaults and does not get it back behind their back.
    if !paths.config_dir.exists() {
        match files::write_example_config_if_missing(&paths.config_file) {
            Ok(true) => info!(
                "wrote the commented example settings to {}",
                paths.config_file.display()
            ),
            Ok(false) => {}
            Err(error) => warn!(
                "cannot write the example settings to {}: {error}",
                paths.config_file.display()
            ),
        }
    }
    let (settings, config_problems) = match files::load_config(&paths.config_file) {
        ConfigLoad::Missing => (Settings::default(), Vec::new()),
        ConfigLoad::Valid(settings) => (settings, Vec::new()),
        ConfigLoad::Invalid(problems) => (Settings::default(), problems),
    };
    let (routines, routine_problems) = files::load_routines(&paths.routines_dir);
    let now = clock::now();
    let mut engine = Engine::new(settings, routines, seed(now), now);
    // Break ids go on from the history file's, so each id there names one break across runs.
    let mut unfinished_break = None;
    match files::read_history(&paths.history_file) {
        Ok((records, warnings)) => {
            for warning in warnings {
                warn!("{warning}");
            }
            engine.number_breaks_after(unhunch_core::history::last_break_id(&records));
            // A pause the user asked for outlives the daemon: the history says it is still on.
            if let Some(pause) = unhunch_core::history::pause_in_force(&records, now) {
                info!("the history ends in a pause ({pause:?}): still paused");
                engine.restore_pause(pause, now);
            }
            unfinished_break = unhunch_core::history::unfinished_break(&records);
        }
        Err(error) => warn!(
            "cannot read the history in {} ({error}); break numbers start again at 1",
            paths.history_file.display()
        ),
    }

    let tray = crate::tray::start(
        inbox.clone(),
        connection.clone(),
        StatusReport::of(&engine, now),
    );
    let mut effects = Effects::new(
        inbox.clone(),
        connection.clone(),
        tray,
        paths.history_file.clone(),
    );
    crate::watch::spawn(&paths, inbox.clone());
    // A break the last run began and never ended (it was killed mid-break) gets its outcome now.
    if let Some(break_id) = unfinished_break {
        info!("break {break_id} was never ended (Unhunch stopped during it): abandoned");
        effects.record_abandoned(break_id, now).await;
    }

    let mut owner = Owner {
        engine,
        effects,
        clock: ClockWatch::new(),
        idle: IdleQuestions::start(IdleMonitor::new(connection.clone()), inbox.clone()),
        idle_checked_for: None,
        paths,
        published: None,
        told_config_problems: None,
        told_routine_problems: None,
    };
    owner
        .report_config_problems(&config_problems, "Unhunch is using its default settings")
        .await;
    owner.report_routine_problems(&routine_problems).await;
    owner.run(messages).await;
}

struct Owner {
    engine: Engine,
    effects: Effects,
    clock: ClockWatch,
    idle: IdleQuestions,
    /// The deadline the idle monitor was last asked about.
    idle_checked_for: Option<Timestamp>,
    paths: Paths,
    /// The last status published to the tray and D-Bus, countdown left out.
    published: Option<StatusReport>,
    /// What the user was last told about their files, so a problem is told once, not per save.
    told_config_problems: Option<String>,
    told_routine_problems: Option<String>,
}

/// What feeding an input led to that whoever asked for it must hear.
#[derive(Debug, Default)]
struct Fed {
    /// What the engine refused.
    refusals: Vec<Refusal>,
    /// What the IO could not do (a window that could not start), as sentences.
    failures: Vec<String>,
}

/// Why the loop woke up.
enum Wake {
    Message(Message),
    Deadline,
    /// Just before a deadline: time to ask whether the user is away.
    IdleCheck(Timestamp),
    Refresh,
    InboxClosed,
}

/// How long before a break (or a reminder) is due the desktop is asked whether the user is
/// away, so a break taken away from the keyboard never shows a notification first.
const IDLE_CHECK_LEAD: Duration = Duration::from_secs(2);

impl Owner {
    async fn run(&mut self, mut messages: mpsc::UnboundedReceiver<Message>) {
        self.publish(clock::now(), true).await;
        loop {
            let now = clock::now();
            let deadline = self
                .engine
                .next_deadline()
                .map(|deadline| deadline.since(now));
            let refresh = self.refresh_delay(now);
            let idle_check = self.idle_check(now);
            let wake = tokio::select! {
                message = messages.recv() => message.map_or(Wake::InboxClosed, Wake::Message),
                () = sleep_for(deadline) => Wake::Deadline,
                () = sleep_for(idle_check.map(|(_, delay)| delay)) => {
                    Wake::IdleCheck(idle_check.map(|(deadline, _)| deadline).unwrap_or(now))
                }
                () = tokio::time::sleep(refresh) => Wake::Refresh,
            };
            let keep_running = match wake {
                Wake::Message(message) => self.handle_message(message).await,
                Wake::Deadline => {
                    self.feed(Input::Tick).await;
                    true
                }
                Wake::IdleCheck(deadline) => {
                    self.check_idle(deadline);
                    true
                }
                Wake::Refresh => {
                    self.refresh().await;
                    true
                }
                Wake::InboxClosed => false,
            };
            if !keep_running {
                break;
            }
        }
        self.effects.shut_down().await;
    }

    /// The deadline to ask about, and how long until asking: only while working or with a break
    /// due, once per deadline, and never on a desktop that cannot tell.
    fn idle_check(&self, now: Timestamp) -> Option<(Timestamp, Duration)> {
        let deadline = self.engine.next_deadline()?;
        let phase = self.engine.status(now).phase;
        let worth_asking = self.idle.available()
            && matches!(phase, Phase::Working | Phase::BreakDue)
            && self.idle_checked_for != Some(deadline);
        worth_asking.then(|| (deadline, deadline.minus(IDLE_CHECK_LEAD).since(now)))
    }

    fn check_idle(&mut self, deadline: Timestamp) {
        self.idle_checked_for = Some(deadline);
        self.idle.ask(deadline);
    }

    /// The answer to [`Owner::check_idle`]: a spell away long enough counts as a break.
    async fn idle_measured(&mut self, deadline: Timestamp, idle_for: Duration) {
        debug!("idle for {idle_for:?}, asked ahead of the break due at {deadline}");
        if idle_for >= self.engine.settings().breaks.natural_break {
            info!("away from the keyboard for {idle_for:?}: that counts as a break");
            self.feed(Input::UserIdle { idle_for }).await;
        }
    }

    /// Returns false when the daemon should stop.
    async fn handle_message(&mut self, message: Message) -> bool {
        match message {
            Message::Request {
                request,
                origin,
                reply,
            } => {
                let quitting = request == Request::Quit;
                let input = self.input_for(request);
                let fed = self.feed(input).await;
                let answer = match (fed.refusals.first(), fed.failures.first()) {
                    (Some(refusal), _) => Err(refusal_message(*refusal)),
                    (None, Some(failure)) => Err(failure.clone()),
                    (None, None) => Ok(()),
                };
                if let Err(why) = &answer {
                    info!("refused {request:?} from {origin:?}: {why}");
                    // A failure was told already, where it happened.
                    if origin != Origin::Bus && !fed.refusals.is_empty() {
                        self.effects.tell_user("Unhunch", why).await;
                    }
                }
                if let Some(reply) = reply {
                    let _ = reply.send(answer);
                }
                return !quitting;
            }
            Message::Status { reply } => {
                let (now, jump) = self.clock.look();
                if let Some(by_millis) = jump {
                    self.feed_at(Input::ClockJumped { by_millis }, now).await;
                }
                let _ = reply.send(StatusReport::of(&self.engine, now));
            }
            // The outcome counts when it is reported, not when the window goes: a completed break
            // stays on its finish screen, and whatever ends the break meanwhile (a pause, a skip,
            // quit, the stretch time-out) must not turn it into another outcome.
            Message::WindowReported { break_id, outcome } => {
                info!("stretch window of break {break_id} reported: {outcome:?}");
                let outcome = Some(outcome);
                self.feed(Input::WindowClosed { break_id, outcome }).await;
            }
            Message::WindowExited {
                break_id,
                reported,
                failure,
            } => {
                self.effects.window_exited(break_id);
                info!("stretch window of break {break_id} closed (outcome reported: {reported})");
                if let Some(why) = failure {
                    let summary = "Unhunch could not open the stretch window";
                    self.effects.tell_user(summary, &why).await;
                }
                if !reported {
                    let outcome = None;
                    self.feed(Input::WindowClosed { break_id, outcome }).await;
                }
            }
            Message::NotificationClosed {
                id,
                break_id,
                closed_by,
            } => {
                self.effects.notification_closed(id);
                // The engine decides what a break notification gone without an action means.
                if let Some(break_id) = break_id {
                    info!("the notification of break {break_id} was closed ({closed_by:?})");
                    self.feed(Input::BreakNotificationClosed {
                        break_id,
                        closed_by,
                    })
                    .await;
                }
            }
            Message::BreakNotShown { break_id, why } => {
                let status = self.engine.status(clock::now());
                if status.phase == Phase::BreakDue && status.break_id == Some(break_id) {
                    warn!(
                        "no notification server could show break {break_id} ({why}): opening the stretch window directly"
                    );
                    self.feed(Input::Start).await;
                }
            }
            Message::ConfigFileChanged => self.reload_config().await,
            Message::RoutineFilesChanged => self.reload_routines().await,
            Message::HistoryRetry => self.effects.retry_history().await,
            Message::IdleMeasured { deadline, idle_for } => {
                self.idle_measured(deadline, idle_for).await
            }
            Message::OpenSettings => self.effects.open_settings(&self.paths),
            Message::OpenHistory => self.effects.open_history(&self.paths),
        }
        true
    }

    fn input_for(&self, request: Request) -> Input {
        match request {
            Request::StretchNow => Input::StretchNow,
            Request::Start => Input::Start,
            Request::Snooze(length) => Input::Snooze { length },
            Request::Skip => Input::Skip,
            Request::Pause(pause) => Input::Pause(match pause {
                PauseRequest::For(length) => PauseLength::For(length),
                PauseRequest::Until(at) => PauseLength::Until(at),
                PauseRequest::UntilTomorrow => {
                    PauseLength::Until(clock::tomorrow_morning(clock::now()))
                }
                PauseRequest::Indefinitely => PauseLength::Indefinitely,
            }),
            Request::Resume => Input::Resume,
            Request::Quit => Input::Quit,
        }
    }

    /// Hands one input to the engine at the current time (after telling it about any clock jump
    /// first), carries out the effects, and publishes the new state. Returns the refusals and
    /// failures.
    async fn feed(&mut self, input: Input) -> Fed {
        let (now, jump) = self.clock.look();
        if let Some(by_millis) = jump {
            self.feed_at(Input::ClockJumped { by_millis }, now).await;
        }
        self.feed_at(input, now).await
    }

    async fn feed_at(&mut self, input: Input, now: Timestamp) -> Fed {
        if let Input::ClockJumped { by_millis } = input {
            info!("the clock jumped by {by_millis} ms (suspend or clock change)");
        }
        let mut fed = Fed::default();
        let mut pending = VecDeque::from([input]);
        while let Some(input) = pending.pop_front() {
            debug!("input {input:?}");
            let effects = self.engine.handle(input, now);
            let carried = self.effects.carry_out(effects, now).await;
            fed.refusals.extend(carried.refusals);
            fed.failures.extend(carried.failures);
            pending.extend(carried.follow_ups);
        }
        self.publish(now, false).await;
        fed
    }

    /// The minute tick: notices clock jumps and refreshes the tray's countdown.
    async fn refresh(&mut self) {
        let (now, jump) = self.clock.look();
        if let Some(by_millis) = jump {
            self.feed_at(Input::ClockJumped { by_millis }, now).await;
        }
        self.publish(now, true).await;
    }

    /// How long until the tray countdown would show another minute; at most a minute, so clock
    /// jumps are noticed within one.
    fn refresh_delay(&self, now: Timestamp) -> Duration {
        const MINUTE: Duration = Duration::from_secs(60);
        let until_next_minute_shown = self
            .published
            .as_ref()
            .and_then(|report| report.next_break_at)
            .map(|at| at.since(now).as_millis() % MINUTE.as_millis())
            .filter(|millis| *millis > 0)
            .map(|millis| Duration::from_millis(millis as u64 + 1))
            .unwrap_or(MINUTE);
        until_next_minute_shown.clamp(Duration::from_secs(1), MINUTE)
    }

    /// Sends the status to the tray, and to D-Bus listeners when it changed. `refresh_tray` also
    /// refreshes an unchanged tray (the countdown text moves on).
    async fn publish(&mut self, now: Timestamp, refresh_tray: bool) {
        let report = StatusReport::of(&self.engine, now);
        let comparable = StatusReport {
            next_break_in_secs: None,
            ..report.clone()
        };
        let changed = self.published.as_ref() != Some(&comparable);
        if changed || refresh_tray {
            self.effects.publish(&report, changed).await;
        }
        self.published = Some(comparable);
    }

    async fn reload_config(&mut self) {
        let settings = match files::load_config(&self.paths.config_file) {
            ConfigLoad::Missing => {
                info!(
                    "{} is gone: using the default settings",
                    self.paths.config_file.display()
                );
                Settings::default()
            }
            ConfigLoad::Valid(settings) => settings,
            ConfigLoad::Invalid(problems) => {
                self.report_config_problems(&problems, "Unhunch kept your previous settings")
                    .await;
                return;
            }
        };
        if self.told_config_problems.take().is_some() {
            info!("{} is fine again", self.paths.config_file.display());
        }
        if &settings != self.engine.settings() {
            info!("settings changed: {settings:?}");
            self.feed(Input::SettingsChanged(settings)).await;
        }
    }

    async fn reload_routines(&mut self) {
        let (routines, problems): (RoutineSet, Vec<Problem>) =
            files::load_routines(&self.paths.routines_dir);
        self.report_routine_problems(&problems).await;
        if &routines != self.engine.routines() {
            info!(
                "routines changed: {} routines available",
                routines.all().len()
            );
            self.feed(Input::RoutinesChanged(routines)).await;
        }
    }

    async fn report_config_problems(&mut self, problems: &[Problem], consequence: &str) {
        if problems.is_empty() {
            return;
        }
        let text = problems_text(problems);
        for problem in problems {
            warn!("{problem}");
        }
        if self.told_config_problems.as_deref() != Some(text.as_str()) {
            let summary = format!("{consequence}: config.toml has a mistake");
            self.effects.tell_user(&summary, &text).await;
            self.told_config_problems = Some(text);
        }
    }

    async fn report_routine_problems(&mut self, problems: &[Problem]) {
        if problems.is_empty() {
            self.told_routine_problems = None;
            return;
        }
        let text = problems_text(problems);
        for problem in problems {
            warn!("{problem}");
        }
        if self.told_routine_problems.as_deref() != Some(text.as_str()) {
            // Two files with one id are no mistake that leaves a file out: one of them is used.
            let same_id = problems
                .iter()
                .filter(|problem| is_same_id(problem))
                .count();
            let headline = if same_id == problems.len() {
                "Two of your routine files have the same id"
            } else if same_id > 0 {
                "Unhunch left out a routine file with a mistake, and two files share an id"
            } else {
                "Unhunch left out a routine file with a mistake"
            };
            self.effects.tell_user(headline, &text).await;
            self.told_routine_problems = Some(text);
        }
    }
}

fn problems_text(problems: &[Problem]) -> String {
    let mut text: Vec<String> = problems.iter().take(5).map(ToString::to_string).collect();
    if problems.len() > 5 {
        text.push(format!(
            "…and {} more: run `unhunch config check` or `unhunch routines check`.",
            problems.len() - 5
        ));
    }
    text.join("\n")
}

async fn sleep_for(duration: Option<Duration>) {
    match duration {
        Some(duration) => tokio::time::sleep(duration).await,
        None => std::future::pending().await,
    }
}

/// A different routine order each run, without a random-number crate.
fn seed(now: Timestamp) -> u64 {
    (now.unix_millis() as u64).rotate_left(17)
        ^ u64::from(std::process::id()).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}
