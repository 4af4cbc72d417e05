//! What a shell sends the engine: one [`Input`] per thing that happened, with the time it happened.

use std::time::Duration;

use crate::plan::WindowOutcome;
use crate::routine::RoutineSet;
use crate::schedule::Hours;
use crate::settings::Settings;
use crate::time::Timestamp;

#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A deadline may have passed. Idempotent: sending it early or twice is harmless.
    Tick,
    /// Start a break right now, whatever the phase (ends a pause), with `routine` when the user
    /// named one ("Try now" in the settings window, `unhunch stretch-now ID`): any routine the
    /// engine knows, whatever the `place` and `leave_out` settings, as the user chose it. A due
    /// break is begun with it; an unknown id is refused, and so is a break already on screen.
    StretchNow {
        routine: Option<String>,
    },
    /// The user accepted the due break (Start on the notification, or a click on its body).
    Start,
    /// The user clicked Unhunch's tray icon in a tray that draws no menu (swaybar): a due break
    /// opens its stretch window, whose intro offers Start, Snooze and Skip; otherwise the user is
    /// shown the status, so the click always answers.
    Activate,
    /// Put the due (or running) break off by `length`, or by the configured snooze when `None`
    /// (at least a second). Refused when no break is due or the snooze limit is spent.
    Snooze {
        length: Option<Duration>,
    },
    /// Skip the due or running break, or, while working, the next one. The next break is a full
    /// interval away.
    Skip,
    Pause(PauseLength),
    Resume,
    /// The stretch window reported `outcome` (a completed break's window may still show its finish
    /// screen), or its process ended without one (`None`: abandoned). Stale `break_id`s, and
    /// anything after the break has ended, are ignored. A `Snoozed` outcome is a snooze, without a
    /// `CloseWindow` (the window closes itself).
    WindowClosed {
        break_id: u64,
        outcome: Option<WindowOutcome>,
    },
    /// No notification server showed this break's notification. The stretch window opens in its
    /// place, unless this break's window already failed to paint: then nothing more can be shown,
    /// and the break stays due (the tray and `unhunch status` say so) until its reminder.
    BreakNotShown {
        break_id: u64,
    },
    /// The stretch window of this break painted its first frame, so the user sees it. Until it
    /// does (at most [`super::PAINT_TIMEOUT`]), the break is not taken to be on screen.
    WindowPainted {
        break_id: u64,
    },
    /// The notification of due break `break_id` went away without any of its actions: the user
    /// closed it (stock dunst's left click, a close button), it expired, or its server closed it.
    /// A break is never left due with nothing showing: closed by the user it is snoozed, and the
    /// user is told so ([`crate::engine::Effect::ExplainClosingSnoozed`]); with no snooze left, or
    /// when it expired or vanished, the stretch window opens (it has its own Start, Snooze and
    /// Skip). A stale `break_id`, or a break no longer due, is ignored.
    BreakNotificationClosed {
        break_id: u64,
        closed_by: ClosedBy,
    },
    /// An idle measurement: the user's last keyboard or pointer input was `idle_for` ago (zero:
    /// just now). Send one whenever the desktop tells (a signal, a poll) and at
    /// [`crate::Engine::next_idle_check`]. One spell reported again and again counts as one
    /// natural break; a later last input means the user came back.
    UserIdle {
        idle_for: Duration,
    },
    /// What currently says the user must not be interrupted, sent whenever it changes (and the
    /// camera's state when a break's time comes near). A break whose time comes while one of them
    /// holds (and its `defer_for_*` setting is on) waits, at most `max_wait`.
    Interruptions(Interruptions),
    /// Wall-clock time moved by `by_millis` more than the time that passed (suspend, clock change).
    /// Positive: forward. Never causes a burst of notifications.
    ClockJumped {
        by_millis: i64,
    },
    /// The screen was locked (logind's `Lock` signal or `LockedHint`). No break fires while it
    /// is; a lock of at least `natural_break` is a natural break, counted when it ends.
    ScreenLocked,
    /// The screen was unlocked. Nothing fires in the first minute after.
    ScreenUnlocked,
    /// The computer is about to sleep (logind's `PrepareForSleep(true)`). Clock jumps while
    /// asleep are the sleep itself and are not counted again.
    GoingToSleep,
    /// The computer woke (`PrepareForSleep(false)`): a sleep of at least `natural_break` is a
    /// natural break. Nothing fires in the first minute after.
    WokeUp,
    /// The working hours in force now (`None`: no `[schedule]`), from
    /// [`crate::schedule::Schedule::hours_at`] with the shell's local calendar. Send it at start,
    /// after a settings change or a clock jump, and when the hours in force end. Outside working
    /// hours no break comes; the countdown starts fresh when they begin.
    WorkingHours(Option<Hours>),
    /// New settings. Only a changed interval moves a working countdown (never to less than a
    /// minute away, unless the new interval is shorter); a snoozed break keeps its return time.
    SettingsChanged(Settings),
    RoutinesChanged(RoutineSet),
    /// The daemon is about to exit: a break in progress is abandoned. The engine then rests
    /// (no deadline) without recording a pause.
    Quit,
}

/// Why a notification went away, from the server's `NotificationClosed` reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosedBy {
    /// Reason 2: dismissed by the user.
    User,
    /// Reason 1: it expired.
    Expiry,
    /// Reason 3 or anything else: the server closed it, and Unhunch had not asked.
    Server,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PauseLength {
    For(Duration),
    /// An absolute time the shell computed, e.g. tomorrow 08:00 local.
    Until(Timestamp),
    Indefinitely,
}

/// The desktop's signs that the user must not be interrupted now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Interruptions {
    /// The active window is full screen.
    pub full_screen: bool,
    /// The notification server is in do-not-disturb (paused).
    pub do_not_disturb: bool,
    /// Another program has a camera open.
    pub camera: bool,
}
