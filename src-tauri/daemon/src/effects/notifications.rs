//! Desktop notifications (notify-rust over zbus): the heads-up, the break with its actions, and
//! messages to the user. The only module that sends notifications.
//!
//! The heads-up and the break share one notification that is replaced, never stacked: its id is
//! reused. The actions of the break notification come back as [`Message::Request`]s. Besides them:
//! messages to the user (one at a time, replaced), a stretch as text when its window could not
//! open, and the once-only question about starting at login, whose answer comes back as
//! [`Message::LoginQuestionAnswered`].
//!
//! A notification server is another process, and it can stop answering (stopped, swapping,
//! hung). So nothing here is awaited by the owner: the owner hands each notification to a task of
//! its own through a channel and goes on at once. That task gives the server [`ANSWER_LIMIT`] to
//! answer; a break it could not show comes back to the owner as [`Message::BreakNotShown`], so the
//! stretch window opens instead, as it does with no server at all. A server that answers late
//! still shows what it was sent, so a late answer is watched for: a heads-up or break notification
//! that is no longer wanted when it finally appears is closed at once, rather than left over a
//! running stretch.
//!
//! Servers differ (see `tests/support/desktop/servers.rs` for how each draws), so the break
//! notification is fitted to the one that answers: its name (`GetServerInformation`) says whether
//! it draws the `default` action as a button of its own (then no separate Start is offered, and
//! lxqt gets three actions, which it draws as buttons rather than a combo box), and its
//! capabilities say whether it has actions at all. The words say what the desktop has: buttons,
//! or the tray menu; with neither, the break is not shown here and the stretch window opens.
//! A closing the user did not get through an action comes back as [`Message::NotificationClosed`]
//! for the engine to decide on. A server that vanishes (crashed, replaced) while the break is up
//! is watched for on the bus: the break is shown again by the next server, or, when none comes
//! within [`ANSWER_LIMIT`], it comes back as [`Message::BreakNotShown`].

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use notify_rust::{
    CloseReason, Hint, Notification, NotificationHandle, NotificationResponse, Timeout, Urgency,
};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep_until, timeout, timeout_at};
use tracing::{debug, info, warn};
use unhunch_core::duration::{friendly, written};
use unhunch_core::engine::{ClosedBy, Offer};
use unhunch_core::login_question::Answer;
use unhunch_core::plan::RoutineView;

use crate::inbox::{Inbox, Message, Origin, Request};

/// How long a notification server has to answer one notification (its capabilities and the
/// notification itself, together). A break it does not show within this long opens the stretch
/// window instead, so this is also the longest a break can come late with a hung server.
pub const ANSWER_LIMIT: Duration = Duration::from_secs(3);

/// How long a late answer is still watched for. Past this the call is given up; a heads-up has
/// expired on its own by then (its server-side timeout is at most two minutes).
const LATE_ANSWER_WATCH: Duration = Duration::from_secs(3600);

const APP_NAME: &str = "Unhunch";

/// How long a message to the user stays up, unless it says less.
const MESSAGE_EXPIRY: Duration = Duration::from_secs(20);

/// The bus name every notification server owns.
const SERVER_NAME: &str = "org.freedesktop.Notifications";

/// The owner's side: every method returns at once.
pub struct Notifications {
    jobs: mpsc::UnboundedSender<Job>,
}

impl Notifications {
    /// Starts the task that talks to the notification server.
    pub fn new(inbox: Inbox, bus: zbus::Connection) -> Notifications {
        let (jobs, receiver) = mpsc::unbounded_channel();
        let (late_answers, late_receiver) = mpsc::unbounded_channel();
        tokio::spawn(watch_the_server(bus.clone(), jobs.clone()));
        let worker = Worker {
            inbox,
            bus,
            jobs: receiver,
            waiting: VecDeque::new(),
            late_answers,
            late_receiver,
            shown: None,
            generation: 0,
            wanted: Wanted::Nothing,
            capabilities: None,
            message_id: None,
            last_break: None,
            lost_break_until: None,
            stretch_text_id: None,
            question: None,
        };
        tokio::spawn(worker.run());
        Notifications { jobs }
    }

    /// "Stretch break in 30 s": no actions, and gone by itself when the break is due. It is
    /// never shown after `lead` has passed.
    /// `when_you_pause`: the break's time has come and it waits for a pause in the user's typing,
    /// so the heads-up says "when you pause" instead of a countdown (and `lead` is how long that
    /// wait may last).
    pub fn show_heads_up(&self, lead: Duration, offer: Option<&Offer>, when_you_pause: bool) {
        self.send(Job::HeadsUp {
            expires_at: Instant::now() + lead,
            offer: offer.cloned(),
            when_you_pause,
        });
    }

    /// "Time to unhunch — Cobra, 2 min" with Start, Snooze (while snoozes are left) and Skip.
    /// `tray` says whether the Unhunch icon is in a tray, for the words of a server without
    /// actions. `window_failed`: the break's stretch window never painted, so the notification
    /// offers no Start and says so. When no server shows it, the owner hears
    /// [`Message::BreakNotShown`].
    pub fn show_break_due(
        &self,
        break_id: u64,
        offer: Option<&Offer>,
        snoozes_left: Option<u32>,
        snooze: Duration,
        tray: bool,
        window_failed: bool,
    ) {
        self.send(Job::BreakDue(BreakDue {
            break_id,
            offer: offer.cloned(),
            snoozes_left,
            snooze,
            tray,
            window_failed,
        }));
    }

    /// Takes the heads-up or break notification down.
    pub fn withdraw(&self) {
        self.send(Job::Withdraw);
    }

    /// The server closed a notification (dismissed, expired): its id cannot be replaced any more.
    pub fn closed(&self, id: u32) {
        self.send(Job::Closed(id));
    }

    /// A message that is not a break, such as a mistake in the config file.
    pub fn tell(&self, summary: &str, body: &str) {
        self.tell_for(summary, body, MESSAGE_EXPIRY);
    }

    /// A message that stops being true after `expires` (at most [`MESSAGE_EXPIRY`]), such as
    /// "Break put off for 5 min", which must not still be up when the break is back.
    pub fn tell_for(&self, summary: &str, body: &str, expires: Duration) {
        self.send(Job::Tell {
            summary: summary.to_owned(),
            body: body.to_owned(),
            expires: expires.clamp(Duration::from_secs(1), MESSAGE_EXPIRY),
        });
    }

    /// A stretch whose window could not open, as text: the break still reaches the user.
    pub fn show_stretch_as_text(&self, routine: &RoutineView) {
        self.send(Job::StretchAsText {
            routine: routine.clone(),
        });
    }

    /// "Start Unhunch when you log in?" with Start at login and Not now. Where the desktop cannot
    /// ask (no server, or one without actions), the user is told the command instead, and that
    /// counts as the answer.
    pub fn ask_about_login(&self) {
        self.send(Job::AskAboutLogin);
    }

    /// Takes the shared notification down and ends the task; waits a bounded time for it.
    pub async fn shut_down(&self) {
        let (done, finished) = oneshot::channel();
        self.send(Job::ShutDown(done));
        if timeout(ANSWER_LIMIT * 2, finished).await.is_err() {
            debug!("the notification server did not answer while shutting down");
        }
    }

    fn send(&self, job: Job) {
        if self.jobs.send(job).is_err() {
            warn!("the notifications task has ended; a notification is lost");
        }
    }
}

enum Job {
    HeadsUp {
        expires_at: Instant,
        offer: Option<Offer>,
        when_you_pause: bool,
    },
    BreakDue(BreakDue),
    Withdraw,
    Closed(u32),
    /// `org.freedesktop.Notifications` has an owner again (`true`) or none (`false`).
    ServerPresent(bool),
    Tell {
        summary: String,
        body: String,
        expires: Duration,
    },
    StretchAsText {
        routine: RoutineView,
    },
    AskAboutLogin,
    ShutDown(oneshot::Sender<()>),
}

/// What the break notification shows, kept to show it again on a server that comes back.
#[derive(Debug, Clone)]
struct BreakDue {
    break_id: u64,
    offer: Option<Offer>,
    snoozes_left: Option<u32>,
    snooze: Duration,
    tray: bool,
    window_failed: bool,
}

impl Job {
    /// Jobs about the one notification the heads-up and the break share: a later one makes an
    /// earlier one that has not been sent yet pointless.
    fn is_about_the_shared_notification(&self) -> bool {
        matches!(self, Job::HeadsUp { .. } | Job::BreakDue(_) | Job::Withdraw)
    }
}

/// What the owner last asked the shared notification to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wanted {
    Nothing,
    HeadsUp { expires_at: Instant },
    BreakDue,
}

/// A `Notify` that the server answered after its time limit.
struct LateAnswer {
    generation: u64,
    handle: NotificationHandle,
    break_id: Option<u64>,
}

struct Worker {
    inbox: Inbox,
    bus: zbus::Connection,
    jobs: mpsc::UnboundedReceiver<Job>,
    /// Jobs taken off the channel early to see whether a later one makes them pointless.
    waiting: VecDeque<Job>,
    late_answers: mpsc::UnboundedSender<LateAnswer>,
    late_receiver: mpsc::UnboundedReceiver<LateAnswer>,
    /// The heads-up or break notification on screen, if any.
    shown: Option<Shown>,
    /// Counts the owner's wishes for the shared notification, so a late answer can tell whether
    /// it is still what is wanted.
    generation: u64,
    wanted: Wanted,
    /// The server's capabilities as last heard, for when it does not answer.
    capabilities: Option<Vec<String>>,
    /// The id of the last message to the user, so the next one replaces it.
    message_id: Option<u32>,
    /// The break notification last asked for, to show again when its server went away.
    last_break: Option<BreakDue>,
    /// Set while the break notification's server is gone: until when another may come back.
    lost_break_until: Option<Instant>,
    /// The id of the last stretch shown as text, so the next one replaces it.
    stretch_text_id: Option<u32>,
    /// The question about starting at login, while it waits for an answer.
    question: Option<Shown>,
}

struct Shown {
    id: u32,
    /// Keeps the connection the server sends this notification's actions to.
    handle: Arc<NotificationHandle>,
    /// Waits for an action on it and forwards it to the owner.
    listener: JoinHandle<()>,
}

impl Worker {
    async fn run(mut self) {
        loop {
            let job = match self.waiting.pop_front() {
                Some(job) => job,
                None => tokio::select! {
                    job = self.jobs.recv() => match job {
                        Some(job) => job,
                        None => break,
                    },
                    Some(late) = self.late_receiver.recv() => {
                        self.late_answer(late).await;
                        continue;
                    }
                    () = sleep_until(self.lost_break_until.unwrap_or_else(Instant::now)),
                        if self.lost_break_until.is_some() =>
                    {
                        self.no_server_came_back();
                        continue;
                    }
                },
            };
            while let Ok(later) = self.jobs.try_recv() {
                self.waiting.push_back(later);
            }
            if job.is_about_the_shared_notification()
                && self
                    .waiting
                    .iter()
                    .any(Job::is_about_the_shared_notification)
            {
                debug!("a notification was overtaken by a newer one before it was sent");
                continue;
            }
            match job {
                Job::HeadsUp {
                    expires_at,
                    offer,
                    when_you_pause,
                } => {
                    self.wish(Wanted::HeadsUp { expires_at });
                    self.show_heads_up(expires_at, offer.as_ref(), when_you_pause)
                        .await;
                }
                Job::BreakDue(due) => {
                    self.wish(Wanted::BreakDue);
                    self.last_break = Some(due.clone());
                    self.show_break_or_report(&due).await;
                }
                Job::Withdraw => {
                    self.wish(Wanted::Nothing);
                    self.withdraw().await;
                }
                Job::Closed(id) => {
                    if self.shown.as_ref().is_some_and(|shown| shown.id == id) {
                        self.shown = None;
                    }
                }
                Job::ServerPresent(present) => self.server_present(present).await,
                Job::Tell {
                    summary,
                    body,
                    expires,
                } => self.tell(&summary, &body, expires).await,
                Job::StretchAsText { routine } => self.show_stretch_as_text(&routine).await,
                Job::AskAboutLogin => self.ask_about_login().await,
                Job::ShutDown(done) => {
                    self.wish(Wanted::Nothing);
                    self.withdraw().await;
                    // Its actions would reach nobody once Unhunch is gone; unanswered, it is asked
                    // again on the next start from the menu.
                    if let Some(question) = self.question.take() {
                        question.listener.abort();
                        close(question.id, &question.handle).await;
                    }
                    let _ = done.send(());
                    break;
                }
            }
        }
    }

    fn wish(&mut self, wanted: Wanted) {
        self.generation += 1;
        self.wanted = wanted;
        self.lost_break_until = None;
    }

    /// Shows the break notification; one that cannot be shown is reported to the owner, which
    /// opens the stretch window instead.
    async fn show_break_or_report(&mut self, due: &BreakDue) {
        if let Err(why) = self.show_break_due(due).await {
            // The stretch window takes its place; a late answer must not add it.
            self.wish(Wanted::Nothing);
            let break_id = due.break_id;
            let _ = self.inbox.send(Message::BreakNotShown { break_id, why });
        }
    }

    /// The notification server went away or came back. What it showed went with it: the break
    /// notification is shown again by the server that comes back within [`ANSWER_LIMIT`].
    async fn server_present(&mut self, present: bool) {
        // Another server may read markup, or draw buttons, differently, and knows nothing of
        // the ids the last one gave out.
        self.capabilities = None;
        self.message_id = None;
        if !present {
            let Some(shown) = self.shown.take() else {
                return;
            };
            shown.listener.abort();
            if self.wanted == Wanted::BreakDue {
                warn!(
                    "the notification server went away with the break notification ({}) on screen; waiting {} s for one to come back",
                    shown.id,
                    ANSWER_LIMIT.as_secs()
                );
                self.lost_break_until = Some(Instant::now() + ANSWER_LIMIT);
            }
            return;
        }
        if self.lost_break_until.take().is_some()
            && let Some(due) = self.last_break.clone()
        {
            info!(
                "a notification server is back: showing break {} again",
                due.break_id
            );
            self.show_break_or_report(&due).await;
        }
    }

    /// No server came back in time for the break notification it lost.
    fn no_server_came_back(&mut self) {
        self.lost_break_until = None;
        let Some(due) = &self.last_break else {
            return;
        };
        let break_id = due.break_id;
        let why = format!(
            "the notification server went away and none came back within {} s",
            ANSWER_LIMIT.as_secs()
        );
        self.wish(Wanted::Nothing);
        let _ = self.inbox.send(Message::BreakNotShown { break_id, why });
    }

    async fn show_heads_up(
        &mut self,
        expires_at: Instant,
        offer: Option<&Offer>,
        when_you_pause: bool,
    ) {
        let now = Instant::now();
        if expires_at <= now {
            debug!("the heads-up came too late to be worth showing");
            return;
        }
        let lead = expires_at - now;
        // Past the break's time a heads-up is pointless, and the break's own notification must
        // not wait behind it.
        let deadline = (now + ANSWER_LIMIT).min(expires_at);
        let capabilities = match self.server_capabilities(deadline).await {
            Ok(capabilities) => capabilities,
            Err(why) => {
                info!("the heads-up could not be shown ({why})");
                return;
            }
        };
        let mut notification = base_notification();
        notification
            .summary(&if when_you_pause {
                "Stretch break when you pause".to_owned()
            } else {
                format!("Stretch break in {}", friendly(lead))
            })
            .body(&body_text(
                &match offer {
                    Some(offer) => format!(
                        "Next: {} (about {}). Find a good place to pause.",
                        offer.routine_name,
                        friendly(offer.estimated)
                    ),
                    None => "Find a good place to pause.".to_owned(),
                },
                Some(&capabilities),
            ))
            .urgency(Urgency::Low)
            .timeout(Timeout::Milliseconds(
                lead.as_millis().clamp(1_000, 120_000) as u32,
            ));
        if let Err(why) = self.show(notification, None, deadline).await {
            info!("the heads-up could not be shown ({why})");
        }
    }

    async fn show_break_due(&mut self, due: &BreakDue) -> Result<(), String> {
        let deadline = Instant::now() + ANSWER_LIMIT;
        let capabilities = self.server_capabilities(deadline).await?;
        let has_actions = capabilities
            .iter()
            .any(|capability| capability == "actions");
        let server_name = self.server_name(deadline).await;
        let Some(mut body) = break_body(has_actions, due.tray, due.snoozes_left, due.snooze) else {
            return Err(
                "the notification server offers no buttons and no tray is running".to_owned(),
            );
        };
        if due.window_failed {
            // Start would open the same blank window again: the break is offered without it.
            body = "The stretch window could not be shown on this desktop. Stand up, roll your \
                    shoulders and stretch your back your own way, then snooze or skip this reminder."
                .to_owned();
        }
        let summary = match &due.offer {
            Some(offer) => format!(
                "Time to unhunch — {}, {}",
                offer.routine_name,
                friendly(offer.estimated)
            ),
            None => "Time to unhunch — a stretch break".to_owned(),
        };
        let mut notification = base_notification();
        notification
            .summary(&summary)
            .body(&body_text(&body, Some(&capabilities)))
            .urgency(Urgency::Normal)
            .timeout(Timeout::Never);
        notification.hint(Hint::Resident(false));
        if has_actions {
            let can_snooze = due.snoozes_left != Some(0);
            for (key, label) in break_actions(&server_name, can_snooze, due.snooze) {
                if due.window_failed && (key == "default" || key == "start") {
                    continue;
                }
                notification.action(key, &label);
            }
        }
        self.show(notification, Some(due.break_id), deadline).await
    }

    async fn withdraw(&mut self) {
        if let Some(shown) = self.shown.take() {
            close(shown.id, &shown.handle).await;
            shown.listener.abort();
        }
    }

    async fn tell(&mut self, summary: &str, body: &str, expires: Duration) {
        let deadline = Instant::now() + ANSWER_LIMIT;
        if self.capabilities.is_none() {
            // Only to know whether the body is read as markup; no answer leaves it escaped.
            let _ = self.server_capabilities(deadline).await;
        }
        let mut notification = base_notification();
        notification
            .summary(summary)
            .body(&body_text(body, self.capabilities.as_deref()))
            .urgency(Urgency::Normal)
            .timeout(Timeout::Milliseconds(expires.as_millis() as u32));
        if let Some(id) = self.message_id {
            notification.id(id);
        }
        // A message that comes late is still worth reading, so a late answer is not watched for.
        match timeout_at(deadline, notification.show_async()).await {
            Ok(Ok(handle)) => self.message_id = Some(handle.id()),
            Ok(Err(why)) => warn!("cannot show a notification ({why}): {summary}: {body}"),
            Err(_) => warn!(
                "the notification server did not answer within {} s: {summary}: {body}",
                ANSWER_LIMIT.as_secs()
            ),
        }
    }

    /// The routine's steps as text, in a notification of its own that stays until dismissed, so
    /// that a message about the window does not replace it.
    async fn show_stretch_as_text(&mut self, routine: &RoutineView) {
        let deadline = Instant::now() + ANSWER_LIMIT;
        if self.capabilities.is_none() {
            let _ = self.server_capabilities(deadline).await;
        }
        let mut notification = base_notification();
        notification
            .summary(&format!(
                "Time to unhunch — {}, {}",
                routine.name,
                friendly(Duration::from_secs(routine.estimated_secs))
            ))
            .body(&body_text(
                &stretch_text(routine),
                self.capabilities.as_deref(),
            ))
            .urgency(Urgency::Normal)
            .timeout(Timeout::Never);
        if let Some(id) = self.stretch_text_id {
            notification.id(id);
        }
        match timeout_at(deadline, notification.show_async()).await {
            Ok(Ok(handle)) => self.stretch_text_id = Some(handle.id()),
            Ok(Err(why)) => warn!("cannot show the stretch {} as text ({why})", routine.id),
            Err(_) => warn!(
                "the notification server did not answer within {} s; the stretch {} was not shown",
                ANSWER_LIMIT.as_secs(),
                routine.id
            ),
        }
    }

    async fn ask_about_login(&mut self) {
        let deadline = Instant::now() + ANSWER_LIMIT;
        let told = match self.server_capabilities(deadline).await {
            Err(why) => {
                info!(
                    "no notification server to ask whether to start at login ({why}); \
                     `unhunch autostart on` does it"
                );
                true
            }
            Ok(capabilities)
                if !capabilities
                    .iter()
                    .any(|capability| capability == "actions") =>
            {
                self.tell(
                    "Start Unhunch when you log in?",
                    "Run `unhunch autostart on` in a terminal, and Unhunch starts with every \
                     login; `unhunch autostart off` stops that again.",
                    MESSAGE_EXPIRY,
                )
                .await;
                true
            }
            Ok(capabilities) => {
                let mut notification = base_notification();
                notification
                    .summary("Start Unhunch when you log in?")
                    .body(&body_text(
                        "Then your breaks come without starting Unhunch from the menu each \
                         day. `unhunch autostart on` or `off` changes it later.",
                        Some(&capabilities),
                    ))
                    .urgency(Urgency::Normal)
                    .timeout(Timeout::Never)
                    .action("start-at-login", "Start at login")
                    .action("not-now", "Not now");
                match timeout_at(deadline, notification.show_async()).await {
                    Ok(Ok(handle)) => {
                        let handle = Arc::new(handle);
                        let id = handle.id();
                        let listener =
                            tokio::spawn(listen_for_answer(handle.clone(), self.inbox.clone()));
                        self.question = Some(Shown {
                            id,
                            handle,
                            listener,
                        });
                        false
                    }
                    Ok(Err(why)) => {
                        info!("cannot ask whether to start at login ({why})");
                        true
                    }
                    Err(_) => {
                        info!("the notification server did not answer the question about login");
                        true
                    }
                }
            }
        };
        if told {
            let answer = Some(Answer::ToldTheCommand);
            let _ = self.inbox.send(Message::LoginQuestionAnswered { answer });
        }
    }

    /// Sends the shared notification, replacing the one on screen. A call the server has not
    /// answered by `deadline` is left running, and its late answer handled by [`Self::late_answer`].
    async fn show(
        &mut self,
        mut notification: Notification,
        break_id: Option<u64>,
        deadline: Instant,
    ) -> Result<(), String> {
        if let Some(shown) = &self.shown {
            notification.id(shown.id);
        }
        let mut call = tokio::spawn(async move { notification.show_async().await });
        let handle = match timeout_at(deadline, &mut call).await {
            Ok(Ok(Ok(handle))) => handle,
            Ok(Ok(Err(why))) => return Err(why.to_string()),
            Ok(Err(why)) => return Err(why.to_string()),
            Err(_) => {
                self.watch_for_late_answer(call, break_id);
                return Err(format!("no answer within {} s", ANSWER_LIMIT.as_secs_f32()));
            }
        };
        self.adopt(handle, break_id);
        Ok(())
    }

    fn watch_for_late_answer(
        &self,
        call: JoinHandle<notify_rust::error::Result<NotificationHandle>>,
        break_id: Option<u64>,
    ) {
        let generation = self.generation;
        let late_answers = self.late_answers.clone();
        let abort = call.abort_handle();
        tokio::spawn(async move {
            match timeout(LATE_ANSWER_WATCH, call).await {
                Ok(Ok(Ok(handle))) => {
                    let _ = late_answers.send(LateAnswer {
                        generation,
                        handle,
                        break_id,
                    });
                }
                Ok(_) => {}
                Err(_) => abort.abort(),
            }
        });
    }

    /// The server showed a notification after its time limit: it stays only if it is still the
    /// heads-up that is wanted; anything else would be stale (a heads-up over a running stretch, a
    /// break the stretch window already took over) and is closed at once.
    async fn late_answer(&mut self, late: LateAnswer) {
        let id = late.handle.id();
        let still_wanted = late.generation == self.generation
            && matches!(self.wanted, Wanted::HeadsUp { expires_at } if Instant::now() < expires_at);
        if still_wanted {
            info!("the notification server answered late; the heads-up ({id}) stays");
            self.adopt(late.handle, late.break_id);
            return;
        }
        info!("the notification server answered late; closing notification {id}, no longer wanted");
        if self.shown.as_ref().is_some_and(|shown| shown.id == id)
            && let Some(shown) = self.shown.take()
        {
            shown.listener.abort();
        }
        close(id, &late.handle).await;
    }

    fn adopt(&mut self, handle: NotificationHandle, break_id: Option<u64>) {
        let handle = Arc::new(handle);
        if let Some(previous) = self.shown.take() {
            previous.listener.abort();
        }
        let id = handle.id();
        let listener = tokio::spawn(listen_for_action(
            handle.clone(),
            id,
            break_id,
            self.inbox.clone(),
        ));
        self.shown = Some(Shown {
            id,
            handle,
            listener,
        });
    }

    /// The server's name (`GetServerInformation`), such as "dunst" or "Xfce Notify Daemon";
    /// empty when it does not say by `deadline`.
    async fn server_name(&mut self, deadline: Instant) -> String {
        let call = self.bus.call_method(
            Some(SERVER_NAME),
            "/org/freedesktop/Notifications",
            Some(SERVER_NAME),
            "GetServerInformation",
            &(),
        );
        match timeout_at(deadline, call).await {
            Ok(Ok(reply)) => reply
                .body()
                .deserialize::<(String, String, String, String)>()
                .map(|(name, ..)| name)
                .unwrap_or_default(),
            _ => String::new(),
        }
    }

    /// What the server can do ("actions", "body-markup"…). An error means no server answered
    /// by `deadline`; the answer is remembered for messages sent while the server is silent.
    async fn server_capabilities(&mut self, deadline: Instant) -> Result<Vec<String>, String> {
        let call = self.bus.call_method(
            Some("org.freedesktop.Notifications"),
            "/org/freedesktop/Notifications",
            Some("org.freedesktop.Notifications"),
            "GetCapabilities",
            &(),
        );
        let reply = match timeout_at(deadline, call).await {
            Ok(Ok(reply)) => reply,
            Ok(Err(why)) => return Err(why.to_string()),
            Err(_) => {
                return Err(format!("no answer within {} s", ANSWER_LIMIT.as_secs_f32()));
            }
        };
        let capabilities: Vec<String> =
            reply.body().deserialize().map_err(|why| why.to_string())?;
        self.capabilities = Some(capabilities.clone());
        Ok(capabilities)
    }
}

/// Asks the server to close notification `id`, within the time limit. A silent server still
/// gets the request and carries it out when it wakes.
async fn close(id: u32, handle: &NotificationHandle) {
    if timeout(ANSWER_LIMIT, handle.close_async()).await.is_err() {
        debug!("closing notification {id}: no answer within the time limit");
    }
}

/// The body as the server will read it: servers with "body-markup" parse it as markup, so a
/// routine name or a file path with `<` or `&` in it must be escaped to show as written. When
/// the server's capabilities are not known, it is escaped too: most servers read markup.
pub fn body_text(text: &str, capabilities: Option<&[String]>) -> String {
    let reads_markup = capabilities.is_none_or(|capabilities| {
        capabilities
            .iter()
            .any(|capability| capability == "body-markup")
    });
    if reads_markup {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    } else {
        text.to_owned()
    }
}

/// Whether the server called `server_name` draws the `default` action as a button of its own,
/// beside the others (xfce4-notifyd and lxqt-notificationd do; dunst, MATE and GNOME's
/// notification-daemon take a click on the notification for it).
fn draws_default_as_button(server_name: &str) -> bool {
    matches!(server_name, "Xfce Notify Daemon" | "lxqt-notificationd")
}

/// The actions of the break notification, as (key, label), for the server called `server_name`.
/// Start is the `default` action, so a click on the notification starts the break; where the
/// server draws `default` as a button, it is the Start button, and no second one is offered.
/// That also keeps lxqt-notificationd at three actions, which it draws as buttons (four or more
/// become a combo box, which it has crashed on); its buttons are narrow, so Snooze goes without
/// its length there (the body says it).
fn break_actions(
    server_name: &str,
    can_snooze: bool,
    snooze: Duration,
) -> Vec<(&'static str, String)> {
    let mut actions = vec![("default", "Start".to_owned())];
    if !draws_default_as_button(server_name) {
        actions.push(("start", "Start".to_owned()));
    }
    if can_snooze {
        let label = if server_name == "lxqt-notificationd" {
            "Snooze".to_owned()
        } else {
            format!("Snooze {}", written(snooze))
        };
        actions.push(("snooze", label));
    }
    actions.push(("skip", "Skip".to_owned()));
    actions
}

/// The body of the break notification, saying what the desktop has: the notification's own
/// buttons (`has_actions`), or else the tray menu (`tray`). `None` when it has neither: the
/// notification could offer no way to act, so the stretch window opens instead.
fn break_body(
    has_actions: bool,
    tray: bool,
    snoozes_left: Option<u32>,
    snooze: Duration,
) -> Option<String> {
    let mut body = if has_actions {
        let mut body =
            "Hands off the keyboard, breathe out, and let Unhunch walk you through it.".to_owned();
        match snoozes_left {
            Some(0) => body.push_str(
                " No snoozes left for this break: closing this reminder opens the stretch.",
            ),
            _ => body.push_str(&format!(
                " Closing this reminder puts the break off {}.",
                written(snooze)
            )),
        }
        body
    } else if tray {
        let mut body =
            "Start, snooze or skip it from the Unhunch tray menu; when this reminder goes, the stretch window opens."
                .to_owned();
        if snoozes_left == Some(0) {
            body.push_str(" No snoozes left for this break.");
        }
        body
    } else {
        return None;
    };
    if snoozes_left == Some(1) {
        body.push_str(" One snooze left.");
    }
    Some(body)
}

/// Watches `org.freedesktop.Notifications` change hands and tells the worker, so a break
/// notification lost with a crashed server is shown again. Without the watch (the bus refused
/// it), a vanished server is noticed only at the next notification.
async fn watch_the_server(bus: zbus::Connection, jobs: mpsc::UnboundedSender<Job>) {
    let changes = match zbus::fdo::DBusProxy::new(&bus).await {
        Ok(proxy) => proxy
            .receive_name_owner_changed_with_args(&[(0, SERVER_NAME)])
            .await
            .map_err(|why| why.to_string()),
        Err(why) => Err(why.to_string()),
    };
    let mut changes = match changes {
        Ok(changes) => changes,
        Err(why) => {
            warn!("cannot watch the notification server come and go ({why})");
            return;
        }
    };
    while let Some(change) = changes.next().await {
        let Ok(arguments) = change.args() else {
            continue;
        };
        let had_owner = arguments.old_owner().is_some();
        let present = arguments.new_owner().is_some();
        debug!("org.freedesktop.Notifications changed hands (owner now: {present})");
        // A server replaced by another in one step took its notifications with it, as one that
        // went away would have.
        let went = had_owner.then_some(Job::ServerPresent(false));
        let came = present.then_some(Job::ServerPresent(true));
        for job in went.into_iter().chain(came) {
            if jobs.send(job).is_err() {
                return;
            }
        }
    }
}

fn base_notification() -> Notification {
    let mut notification = Notification::new();
    notification.appname(APP_NAME).icon("");
    notification
}

/// The steps of `routine` as numbered lines (each side's steps written out, as the window would show
/// them one by one), then its safety line. Long routines are cut short with a count of the rest.
fn stretch_text(routine: &RoutineView) -> String {
    const STEPS_SHOWN: usize = 12;
    let mut lines = vec![format!(
        "The stretch window could not open, so here is the stretch as text ({}):",
        routine.area
    )];
    for (number, step) in routine.steps.iter().take(STEPS_SHOWN).enumerate() {
        lines.push(format!("{}. {}", number + 1, step.text));
    }
    if routine.steps.len() > STEPS_SHOWN {
        lines.push(format!(
            "…and {} more steps.",
            routine.steps.len() - STEPS_SHOWN
        ));
    }
    lines.push(routine.safety.clone());
    lines.join("\n")
}

/// Waits for the answer to the question about starting at login and passes it to the owner; a
/// question closed without one is passed on as `None`.
async fn listen_for_answer(handle: Arc<NotificationHandle>, inbox: Inbox) {
    handle
        .wait_for_action_async(|response| {
            let answer = match response {
                NotificationResponse::Action(action) if action == "start-at-login" => {
                    Some(Answer::StartAtLogin)
                }
                NotificationResponse::Action(action) if action == "not-now" => Some(Answer::NotNow),
                NotificationResponse::Closed(reason) => {
                    debug!("the question about starting at login was closed: {reason:?}");
                    None
                }
                other => {
                    debug!("ignoring {other:?} on the question about starting at login");
                    return;
                }
            };
            let _ = inbox.send(Message::LoginQuestionAnswered { answer });
        })
        .await;
}

/// Waits for the user to act on notification `id` and turns the action into a request.
async fn listen_for_action(
    handle: Arc<NotificationHandle>,
    id: u32,
    break_id: Option<u64>,
    inbox: Inbox,
) {
    handle
        .wait_for_action_async(|response| {
            let request = match response {
                NotificationResponse::Default => Some(Request::Start),
                NotificationResponse::Action(action) => match action.as_str() {
                    "start" => Some(Request::Start),
                    "snooze" => Some(Request::Snooze(None)),
                    "skip" => Some(Request::Skip),
                    other => {
                        debug!("ignoring unknown notification action {other:?}");
                        None
                    }
                },
                NotificationResponse::Closed(reason) => {
                    debug!("notification {id} closed: {reason:?}");
                    let closed_by = match reason {
                        CloseReason::Dismissed => ClosedBy::User,
                        CloseReason::Expired => ClosedBy::Expiry,
                        CloseReason::CloseAction | CloseReason::Other(_) => ClosedBy::Server,
                    };
                    let _ = inbox.send(Message::NotificationClosed {
                        id,
                        break_id,
                        closed_by,
                    });
                    None
                }
                _ => None,
            };
            if let Some(request) = request {
                info!("notification action {request:?} for break {break_id:?}");
                let _ = inbox.send(Message::Request {
                    request,
                    origin: Origin::Notification,
                    reply: None,
                });
            }
        })
        .await;
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{body_text, break_actions, break_body};

    const FIVE_MIN: Duration = Duration::from_secs(300);

    fn keys(actions: &[(&str, String)]) -> Vec<String> {
        actions
            .iter()
            .map(|(key, label)| format!("{key}={label}"))
            .collect()
    }

    #[test]
    fn servers_that_draw_the_default_action_as_a_button_get_one_start() {
        assert_eq!(
            keys(&break_actions("Xfce Notify Daemon", true, FIVE_MIN)),
            ["default=Start", "snooze=Snooze 5 min", "skip=Skip"]
        );
        assert_eq!(
            keys(&break_actions("lxqt-notificationd", true, FIVE_MIN)),
            ["default=Start", "snooze=Snooze", "skip=Skip"]
        );
        for server in ["dunst", "Notification Daemon", ""] {
            assert_eq!(
                keys(&break_actions(server, true, FIVE_MIN)),
                [
                    "default=Start",
                    "start=Start",
                    "snooze=Snooze 5 min",
                    "skip=Skip"
                ],
                "{server}"
            );
        }
        assert_eq!(
            keys(&break_actions("dunst", false, FIVE_MIN)),
            ["default=Start", "start=Start", "skip=Skip"]
        );
    }

    #[test]
    fn the_words_say_what_the_desktop_has() {
        let with_buttons = break_body(true, false, None, FIVE_MIN).expect("a body");
        assert!(
            with_buttons.contains("puts the break off 5 min"),
            "{with_buttons}"
        );
        assert!(!with_buttons.contains("tray"), "{with_buttons}");
        let last = break_body(true, true, Some(0), FIVE_MIN).expect("a body");
        assert!(
            last.contains("closing this reminder opens the stretch"),
            "{last}"
        );
        let tray_only = break_body(false, true, Some(1), FIVE_MIN).expect("a body");
        assert!(tray_only.contains("tray menu"), "{tray_only}");
        assert!(tray_only.contains("One snooze left"), "{tray_only}");
        assert_eq!(break_body(false, false, None, FIVE_MIN), None);
    }

    #[test]
    fn bodies_are_escaped_for_servers_that_read_markup_or_might() {
        let markup = vec!["body-markup".to_owned()];
        let plain = vec!["actions".to_owned()];
        assert_eq!(
            body_text("a&b<c>.toml", Some(&markup)),
            "a&amp;b&lt;c&gt;.toml"
        );
        assert_eq!(body_text("a&b<c>.toml", None), "a&amp;b&lt;c&gt;.toml");
        assert_eq!(body_text("a&b<c>.toml", Some(&plain)), "a&b<c>.toml");
    }
}
