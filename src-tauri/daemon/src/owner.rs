//! The owner task: the one place that holds the [`Engine`], and the scheduler loop around it.
//!
//! One task owns the engine. D-Bus calls, tray clicks, notification actions, window exits, file
//! changes and timers all reach it as [`Message`]s on one channel, so there is never a lock
//! around the engine and inputs are handled strictly one after another. The loop sleeps until
//! the engine's next deadline and its next idle check; besides that it wakes at most once a
//! minute, to refresh the tray countdown, to notice a clock jump (suspend, clock change), and to
//! measure idle time where the source can only be asked.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::mpsc;
use tracing::{debug, info, warn};
use unhunch_core::engine::{Interruptions, PauseLength, Refusal, Waiting};
use unhunch_core::login_question::{self, Answer};
use unhunch_core::routine::{RoutineSet, is_same_id};
use unhunch_core::schedule::Hours;
use unhunch_core::{Engine, Input, Problem, Settings, Timestamp};

use crate::autostart_entry;
use crate::clock::{self, ClockWatch};
use crate::effects::Effects;
use crate::files::{self, ConfigLoad, Paths};
use crate::idle::{IdleSource, IdleWatch};
use crate::inbox::{Inbox, Message, Origin, PauseRequest, Request, Sign};
use crate::programs;
use crate::status::{StatusReport, refusal_message};

/// Loads the user's files, builds the engine, and runs the owner loop until the user quits.
/// `from_menu`: started from the application menu, where the first start asks about login.
pub async fn run(
    paths: Paths,
    from_menu: bool,
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
    let (routines, routine_problems) = files::load_routines(&paths.routines_dir);
    let (settings, config_problems) = match files::load_config(&paths.config_file, &routines) {
        ConfigLoad::Missing => (Settings::default(), Vec::new()),
        ConfigLoad::Valid(settings) => (settings, Vec::new()),
        ConfigLoad::Invalid(problems) => (Settings::default(), problems),
    };
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
    crate::interruptions::start(connection.clone(), inbox.clone());
    crate::logind::start(inbox.clone());
    // A break the last run began and never ended (it was killed mid-break) gets its outcome now.
    if let Some(break_id) = unfinished_break {
        info!("break {break_id} was never ended (Unhunch stopped during it): abandoned");
        effects.record_abandoned(break_id, now).await;
    }

    let mut owner = Owner {
        engine,
        effects,
        clock: ClockWatch::new(),
        idle: IdleWatch::start(connection.clone(), inbox.clone()),
        idle_asked_for: None,
        interruptions: Interruptions::default(),
        camera_asked_for: None,
        inbox: inbox.clone(),
        hours_end: None,
        refresh_at: None,
        paths,
        published: None,
        told_config_problems: None,
        told_routine_problems: None,
    };
    owner
        .report_config_problems(&config_problems, "Unhunch is using its default settings")
        .await;
    owner.report_routine_problems(&routine_problems).await;
    owner.ask_about_login(from_menu);
    owner.run(messages).await;
}

struct Owner {
    engine: Engine,
    effects: Effects,
    clock: ClockWatch,
    idle: IdleWatch,
    /// The idle check (from [`Engine::next_idle_check`]) last asked for, so it is asked once.
    idle_asked_for: Option<Timestamp>,
    /// What the desktop last said about full screen, do-not-disturb and the camera.
    interruptions: Interruptions,
    /// The camera check (from [`Engine::next_camera_check`]) last asked for, so it is asked once.
    camera_asked_for: Option<Timestamp>,
    /// The owner's own inbox, for the camera look's answer.
    inbox: Inbox,
    /// When the working hours last told to the engine end; `None` without a schedule.
    hours_end: Option<Timestamp>,
    /// When the minute's wake-up is due; `None` until the loop sets it.
    refresh_at: Option<tokio::time::Instant>,
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
    /// The engine wants to know how long the user has been idle.
    IdleCheck(Timestamp),
    /// A break's time is near: is a camera in use?
    CameraCheck(Timestamp),
    Refresh,
    /// The working hours in force end (or begin).
    HoursEnd,
    InboxClosed,
}

impl Owner {
    async fn run(&mut self, mut messages: mpsc::UnboundedReceiver<Message>) {
        self.tell_working_hours(clock::now()).await;
        self.publish(clock::now(), true).await;
        loop {
            let now = clock::now();
            let deadline = self
                .engine
                .next_deadline()
                .map(|deadline| deadline.since(now));
            // The minute's wake-up is kept across other wake-ups: a client asking for the status
            // every second must not put it off for ever.
            let refresh_at = match self.refresh_at {
                Some(at) => at,
                None => tokio::time::Instant::now() + self.refresh_delay(now),
            };
            self.refresh_at = Some(refresh_at);
            let idle_check = self.idle_check(now);
            let camera_check = self
                .engine
                .next_camera_check()
                .filter(|at| self.camera_asked_for != Some(*at))
                .map(|at| (at, at.since(now)));
            let hours_end = self.hours_end.map(|end| end.since(now));
            let wake = tokio::select! {
                message = messages.recv() => message.map_or(Wake::InboxClosed, Wake::Message),
                () = sleep_for(deadline) => Wake::Deadline,
                () = sleep_for(idle_check.map(|(_, delay)| delay)) => {
                    Wake::IdleCheck(idle_check.map(|(deadline, _)| deadline).unwrap_or(now))
                }
                () = sleep_for(camera_check.map(|(_, delay)| delay)) => {
                    Wake::CameraCheck(camera_check.map(|(at, _)| at).unwrap_or(now))
                }
                () = tokio::time::sleep_until(refresh_at) => Wake::Refresh,
                () = sleep_for(hours_end) => Wake::HoursEnd,
            };
            let keep_running = match wake {
                Wake::Message(message) => self.handle_message(message).await,
                Wake::Deadline => {
                    self.feed(Input::Tick).await;
                    true
                }
                Wake::IdleCheck(at) => {
                    self.idle_asked_for = Some(at);
                    self.idle.measure();
                    true
                }
                Wake::CameraCheck(at) => {
                    self.camera_asked_for = Some(at);
                    crate::interruptions::check_camera(self.inbox.clone());
                    true
                }
                Wake::Refresh => {
                    self.refresh_at = None;
                    // A break that waits for the camera looks again once a minute.
                    if self.engine.status(clock::now()).waiting == Some(Waiting::Camera) {
                        crate::interruptions::check_camera(self.inbox.clone());
                    }
                    // The minute's look at a source that cannot tell by itself when the user went
                    // away or came back.
                    if let IdleSource::Using(name) = self.idle.source()
                        && name.is_polled()
                    {
                        self.idle.measure();
                    }
                    self.refresh().await;
                    true
                }
                Wake::HoursEnd => {
                    // Never before the end: a timer that wakes a moment early would find the
                    // same hours and the same end again.
                    let now = clock::now();
                    let at = self.hours_end.map_or(now, |end| end.max(now));
                    self.tell_working_hours(at).await;
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

    /// The engine's next idle check and how long until it, unless it was asked for already or
    /// the session offers no idle time.
    fn idle_check(&self, now: Timestamp) -> Option<(Timestamp, Duration)> {
        let at = self.engine.next_idle_check()?;
        let worth_asking =
            self.idle.source() != IdleSource::Unavailable && self.idle_asked_for != Some(at);
        worth_asking.then(|| (at, at.since(now)))
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
                let input = self.input_for(request.clone());
                let fed = self.feed(input).await;
                let answer = match (fed.refusals.first(), fed.failures.first()) {
                    (Some(refusal), _) => Err(refusal_words(*refusal, &request)),
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
                let _ = reply.send(self.report(now));
            }
            // The outcome counts when it is reported, not when the window goes: a completed break
            // stays on its finish screen, and whatever ends the break meanwhile (a pause, a skip,
            // quit, the stretch time-out) must not turn it into another outcome.
            Message::WindowReported { break_id, outcome } => {
                info!("stretch window of break {break_id} reported: {outcome:?}");
                let outcome = Some(outcome);
                self.feed(Input::WindowClosed { break_id, outcome }).await;
            }
            Message::WindowPainted { break_id } => {
                debug!("stretch window of break {break_id} painted");
                self.feed(Input::WindowPainted { break_id }).await;
            }
            Message::WindowExited {
                break_id,
                reported,
                failure,
            } => {
                info!("stretch window of break {break_id} closed (outcome reported: {reported})");
                self.effects.window_exited(break_id, failure);
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
            Message::LoginQuestionAnswered { answer } => self.login_question_answered(answer).await,
            Message::BreakNotShown { break_id, why } => {
                warn!("no notification server could show break {break_id} ({why})");
                self.feed(Input::BreakNotShown { break_id }).await;
            }
            Message::ConfigFileChanged => self.reload_config().await,
            Message::RoutineFilesChanged => self.reload_routines().await,
            Message::HistoryRetry => self.effects.retry_history().await,
            Message::IdleMeasured { idle_for } => {
                debug!("idle for {idle_for:?}");
                self.feed(Input::UserIdle { idle_for }).await;
            }
            Message::InterruptionChanged { sign, on } => {
                let mut interruptions = self.interruptions;
                match sign {
                    Sign::FullScreen => interruptions.full_screen = on,
                    Sign::DoNotDisturb => interruptions.do_not_disturb = on,
                    Sign::Camera => interruptions.camera = on,
                }
                if interruptions != self.interruptions {
                    debug!("{sign:?} {}", if on { "on" } else { "off" });
                    self.interruptions = interruptions;
                    self.feed(Input::Interruptions(interruptions)).await;
                }
            }
            Message::ScreenLocked { locked } => {
                info!(
                    "the screen was {}",
                    if locked { "locked" } else { "unlocked" }
                );
                self.feed(if locked {
                    Input::ScreenLocked
                } else {
                    Input::ScreenUnlocked
                })
                .await;
            }
            Message::Sleeping { asleep } => {
                info!(
                    "the computer {}",
                    if asleep { "goes to sleep" } else { "woke" }
                );
                self.feed(if asleep {
                    Input::GoingToSleep
                } else {
                    Input::WokeUp
                })
                .await;
            }
            Message::OpenSettings => self.effects.open_settings(&self.paths),
            Message::OpenHistory => self.effects.open_history(&self.paths),
        }
        true
    }

    /// On the first start from the application menu, asks whether to start at login (see
    /// `unhunch_core::login_question` for when).
    fn ask_about_login(&mut self, from_menu: bool) {
        let state_file = self.paths.login_question_file();
        let remembered = files::read_regular_file(&state_file).ok();
        let starts_at_login = autostart_entry::exists();
        if !login_question::should_ask(from_menu, remembered.is_some(), starts_at_login) {
            let asked_before = remembered.as_ref().map(|bytes| {
                Answer::from_state_file(&String::from_utf8_lossy(bytes))
                    .map_or("an answer it cannot read", Answer::word)
            });
            info!(
                "not asking whether to start at login (started from the menu: {from_menu}, \
                 answered before: {asked_before:?}, starts at login already: {starts_at_login})"
            );
            return;
        }
        info!("asking whether to start at login (the first start from the menu)");
        self.effects.ask_about_login();
    }

    /// Carries out the answer to the question about starting at login, and remembers it; a
    /// question closed without an answer is asked again on the next start from the menu.
    async fn login_question_answered(&mut self, answer: Option<Answer>) {
        let Some(mut answer) = answer else {
            info!(
                "the question about starting at login was closed without an answer; it is asked \
                 again on the next start from the menu"
            );
            return;
        };
        info!("the question about starting at login was answered: {answer:?}");
        if answer == Answer::StartAtLogin {
            match programs::this_program().and_then(|program| autostart_entry::write(&program)) {
                Ok(entry) => {
                    info!("wrote the autostart entry {}", entry.display());
                    self.effects
                        .tell_user(
                            "Unhunch now starts when you log in",
                            "`unhunch autostart off` stops that again.",
                        )
                        .await;
                }
                Err(error) => {
                    warn!("cannot write the autostart entry: {error}");
                    self.effects
                        .tell_user(
                            "Unhunch could not set itself to start at login",
                            &format!(
                                "Cannot write {error}. Run `unhunch autostart on` to try again."
                            ),
                        )
                        .await;
                    answer = Answer::ToldTheCommand;
                }
            }
        }
        let state_file = self.paths.login_question_file();
        if let Err(error) = files::write_state_file(&state_file, &answer.state_file_text()) {
            warn!(
                "cannot remember the answer in {} ({error}); the question comes again on the \
                 next start from the menu",
                state_file.display()
            );
        }
    }

    fn input_for(&self, request: Request) -> Input {
        match request {
            Request::StretchNow { routine } => Input::StretchNow { routine },
            Request::Start => Input::Start,
            Request::Activate => Input::Activate,
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

    /// Tells the engine the working hours in force at `now` (from `[schedule]` and the system's
    /// time zone), and remembers when they end, to tell it again then.
    async fn tell_working_hours(&mut self, now: Timestamp) {
        let hours = self
            .engine
            .settings()
            .schedule
            .as_ref()
            .and_then(|schedule| schedule.hours_at(now, &clock::SystemCalendar::new()));
        self.hours_end = hours.map(|hours| match hours {
            Hours::Working { until } | Hours::Off { until } => until,
        });
        if hours.is_some() || self.engine.status(now).off_until.is_some() {
            info!("working hours: {hours:?}");
        }
        self.feed_at(Input::WorkingHours(hours), now).await;
    }

    /// The minute tick: notices clock jumps (after which the working hours are told again: a
    /// changed clock or zone moves them) and refreshes the tray's countdown.
    async fn refresh(&mut self) {
        let (now, jump) = self.clock.look();
        if let Some(by_millis) = jump {
            self.feed_at(Input::ClockJumped { by_millis }, now).await;
            self.tell_working_hours(now).await;
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

    /// The status, with the idle source in use.
    fn report(&self, now: Timestamp) -> StatusReport {
        let mut report = StatusReport::of(&self.engine, now);
        report.idle_source = match self.idle.source() {
            IdleSource::Looking => None,
            IdleSource::Unavailable => Some("none".to_owned()),
            IdleSource::Using(name) => Some(name.id().to_owned()),
        };
        report
    }

    /// Sends the status to the tray, and to D-Bus listeners when it changed. `refresh_tray` also
    /// refreshes an unchanged tray (the countdown text moves on).
    async fn publish(&mut self, now: Timestamp, refresh_tray: bool) {
        let report = self.report(now);
        let comparable = StatusReport {
            next_break_in_secs: None,
            ..report.clone()
        };
        let changed = self.published.as_ref() != Some(&comparable);
        if changed {
            // The countdown moved: the minute's wake-up follows the new one's minutes.
            self.refresh_at = None;
        }
        if changed || refresh_tray {
            self.effects.publish(&report, changed).await;
        }
        self.published = Some(comparable);
    }

    async fn reload_config(&mut self) {
        let settings = match files::load_config(&self.paths.config_file, self.engine.routines()) {
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
            self.tell_working_hours(clock::now()).await;
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

/// A refusal in the user's words, naming the routine they asked for when it is the one unknown.
fn refusal_words(refusal: Refusal, request: &Request) -> String {
    match (refusal, request) {
        (
            Refusal::UnknownRoutine,
            Request::StretchNow {
                routine: Some(routine_id),
            },
        ) => format!(
            "There is no routine \"{routine_id}\" in use: check the id (the settings window's \
             Stretches page lists them), or fix its file (`unhunch routines check` says what is \
             wrong)."
        ),
        _ => refusal_message(refusal),
    }
}
