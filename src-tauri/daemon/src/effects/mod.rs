//! The one place where the engine's [`Effect`]s become IO: notifications, the stretch window and
//! its files read ahead, history lines, the tray and the `StateChanged` signal, the settings
//! window, and the files the tray opens.
//!
//! Everything else in the daemon decides nothing about breaks and touches none of these; if a
//! notification is sent, a history line appended or a process started anywhere but under
//! `effects/`, the boundary has leaked (`tests/core/tidy.rs` checks it).

mod history;
mod history_window;
mod kept_window;
mod notifications;
mod open;
mod settings_window;
mod warm_up;
mod window;

use std::path::PathBuf;

use tracing::{error, info, warn};
use unhunch_core::duration::written;
use unhunch_core::engine::Refusal;
use unhunch_core::history::{HistoryEvent, HistoryRecord};
use unhunch_core::{Effect, Input, Timestamp};

use crate::bus::service::emit_state_changed;
use crate::files::Paths;
use crate::inbox::{Inbox, WindowFailure};
use crate::status::StatusReport;
use crate::tray::Tray;

use history::History;
use history_window::HistoryWindow;
use notifications::Notifications;
use settings_window::SettingsWindow;
use warm_up::WarmUp;
use window::Windows;

/// How long a "when you pause" heads-up may stay wanted: the longest `max_wait` the settings take.
const LONGEST_WAIT_FOR_A_PAUSE: std::time::Duration = std::time::Duration::from_secs(4 * 3600);

/// What carrying out a batch of effects led to.
#[derive(Debug, Default)]
pub struct Carried {
    /// Requests the engine refused, for the owner to explain.
    pub refusals: Vec<Refusal>,
    /// Inputs the IO itself produced, e.g. `Start` when no notification server could show the
    /// break, or an abandoned window that could not be started.
    pub follow_ups: Vec<Input>,
    /// What could not be done, as sentences, for the owner to answer whoever asked (a
    /// `stretch-now` whose window could not start must not be told it worked). The user has
    /// already been told with a notification.
    pub failures: Vec<String>,
}

pub struct Effects {
    notifications: Notifications,
    windows: Windows,
    settings_window: SettingsWindow,
    warm_up: WarmUp,
    history: History,
    history_window: HistoryWindow,
    tray: Tray,
    bus: zbus::Connection,
}

impl Effects {
    pub fn new(inbox: Inbox, bus: zbus::Connection, tray: Tray, history_file: PathBuf) -> Effects {
        Effects {
            notifications: Notifications::new(inbox.clone(), bus.clone()),
            history: History::new(history_file, inbox.clone()),
            history_window: HistoryWindow::default(),
            windows: Windows::new(inbox),
            settings_window: SettingsWindow::default(),
            warm_up: WarmUp::default(),
            tray,
            bus,
        }
    }

    pub async fn carry_out(&mut self, effects: Vec<Effect>, now: Timestamp) -> Carried {
        let mut carried = Carried::default();
        for effect in effects {
            match effect {
                Effect::ShowHeadsUp {
                    break_due_at,
                    offer,
                    when_you_pause,
                } => {
                    // A break waiting for a pause waits at most `max_wait`; the heads-up saying
                    // so lives as long as the longest wait there is.
                    let lead = if when_you_pause {
                        LONGEST_WAIT_FOR_A_PAUSE
                    } else {
                        break_due_at.since(now)
                    };
                    self.notifications
                        .show_heads_up(lead, offer.as_ref(), when_you_pause);
                }
                // Sent off to the notifications task: a server that does not show it is reported
                // back as `Message::BreakNotShown`, and the owner opens the stretch window then.
                Effect::ShowBreakDue {
                    break_id,
                    offer,
                    snoozes_left,
                    snooze,
                    window_failed,
                } => self.notifications.show_break_due(
                    break_id,
                    offer.as_ref(),
                    snoozes_left,
                    snooze,
                    self.tray.is_registered(),
                    window_failed,
                ),
                Effect::WithdrawNotification => self.notifications.withdraw(),
                Effect::ShowStatus => {
                    let status = self.tray.latest().sentence(now);
                    self.notifications.tell("Unhunch", &status);
                }
                // Gone by the time the break is back, so it never stands beside it.
                Effect::ExplainClosingSnoozed { snooze } => {
                    let length = written(snooze);
                    self.notifications.tell_for(
                        &format!("Break put off for {length}"),
                        &format!(
                            "Closing the reminder snoozes the break; it comes back in {length}."
                        ),
                        snooze,
                    );
                }
                Effect::OpenWindow(plan) => {
                    let break_id = plan.break_id;
                    if let Err(why) = self.windows.open(&plan) {
                        self.window_not_opened(break_id, &why, Some(&plan.routine), &mut carried);
                    }
                }
                Effect::PrepareWindow(plan) => self.windows.prepare(&plan),
                Effect::ShowPreparedWindow { break_id } => {
                    if let Err((why, routine)) = self.windows.show_prepared(break_id) {
                        self.window_not_opened(break_id, &why, routine.as_deref(), &mut carried);
                    }
                }
                Effect::EndPreparedWindow { break_id } => {
                    info!("the window prepared for break {break_id} is not needed");
                    self.windows.end_prepared();
                }
                Effect::WarmUpWindow => self.warm_up.start(window::window_program()),
                Effect::CloseWindow { break_id } => self.windows.close(break_id),
                Effect::Record(record) => {
                    if let Some(notice) = self.history.record(record) {
                        self.notifications.tell(&notice.summary, &notice.body);
                    }
                }
                Effect::Refused(refusal) => carried.refusals.push(refusal),
            }
        }
        carried
    }

    /// The window of `break_id` could not be opened (`why`): the user is told, and gets the
    /// stretch as text; the break counts as abandoned, and whoever asked is told it failed.
    fn window_not_opened(
        &mut self,
        break_id: u64,
        why: &str,
        routine: Option<&unhunch_core::plan::RoutineView>,
        carried: &mut Carried,
    ) {
        error!("cannot open the stretch window for break {break_id}: {why}");
        self.notifications
            .tell("Unhunch could not open the stretch window", why);
        if let Some(routine) = routine {
            self.notifications.show_stretch_as_text(routine);
        }
        carried.follow_ups.push(Input::WindowClosed {
            break_id,
            outcome: None,
        });
        carried
            .failures
            .push(format!("The stretch window could not be opened: {why}"));
    }

    /// Records break `break_id` as abandoned, as the engine would have: for a break the last run
    /// began and never ended (it was killed during it).
    pub async fn record_abandoned(&mut self, break_id: u64, now: Timestamp) {
        let event = HistoryEvent::Abandoned { break_id };
        let record = HistoryRecord { at: now, event };
        self.carry_out(vec![Effect::Record(record)], now).await;
    }

    /// Shows the new status in the tray and, when it `changed`, signals it on D-Bus.
    pub async fn publish(&mut self, report: &StatusReport, changed: bool) {
        self.tray.show(report).await;
        if changed {
            match serde_json::to_string(report) {
                Ok(json) => {
                    if let Err(why) = emit_state_changed(&self.bus, &json).await {
                        warn!("cannot signal StateChanged: {why}");
                    }
                }
                Err(why) => error!("cannot write the status as JSON: {why}"),
            }
        }
    }

    /// Writes the history records that could not be written before (the retry timer went off),
    /// and tells the user when that works again.
    pub async fn retry_history(&mut self) {
        if let Some(notice) = self.history.retry() {
            self.notifications.tell(&notice.summary, &notice.body);
        }
    }

    /// Tells the user something that is not a break: a mistake in their files, a refusal.
    pub async fn tell_user(&mut self, summary: &str, body: &str) {
        self.notifications.tell(summary, body);
    }

    /// Opens the settings window, or raises the open one (the tray's Settings… item,
    /// `unhunch settings`, `OpenSettings()`). When the window cannot start, config.toml opens in
    /// the user's editor instead, so the settings are always one click away.
    pub fn open_settings(&mut self, paths: &Paths) {
        if let Err(why) = self.settings_window.open_or_raise(paths) {
            error!("cannot open the settings window: {why}");
            self.notifications.tell(
                "Unhunch could not open its settings window",
                &format!("{why} Opening config.toml in your editor instead."),
            );
            open::settings(paths);
        }
    }

    /// Opens the history window, or raises the open one (the tray's History…, `unhunch history
    /// --open`, D-Bus `OpenHistory`). Without a window program that starts, the user still gets
    /// their history: a plain-text summary of the last two weeks in their text viewer.
    pub fn open_history(&mut self, paths: &Paths) {
        if let Err(why) = self.history_window.open_or_raise(&paths.history_file) {
            warn!("{why}; opening the history as text instead");
            open::history(paths);
        }
    }

    /// The stretch window of `break_id` is gone. One that showed nothing (`failure`) is explained,
    /// and its stretch still reaches the user, as text in a notification: a break is never lost
    /// to a window that cannot open, whatever the reason.
    pub fn window_exited(&mut self, break_id: u64, failure: Option<WindowFailure>) {
        let routine = self.windows.exited(break_id);
        if let Some(failure) = failure {
            self.notifications.tell(&failure.summary, &failure.why);
            if let Some(routine) = routine {
                self.notifications.show_stretch_as_text(&routine);
            }
        }
    }

    /// Asks once whether Unhunch should start at login; the answer comes back as
    /// `Message::LoginQuestionAnswered`.
    pub fn ask_about_login(&self) {
        self.notifications.ask_about_login();
    }

    pub fn notification_closed(&mut self, id: u32) {
        self.notifications.closed(id);
    }

    /// Takes the tray icon down and closes what is still open.
    pub async fn shut_down(&mut self) {
        self.history.shut_down();
        self.notifications.shut_down().await;
        self.windows.close_all();
        self.tray.shut_down().await;
    }
}
