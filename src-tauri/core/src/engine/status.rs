//! What the engine tells about itself when asked: the [`Status`] a tray menu or `unhunch status`
//! shows.

use crate::time::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Working,
    BreakDue,
    Stretching,
    Paused,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Status {
    pub phase: Phase,
    /// When the next break is (or became) due; `None` while paused.
    pub next_break_at: Option<Timestamp>,
    /// `None` while paused indefinitely.
    pub paused_until: Option<Timestamp>,
    pub paused_indefinitely: bool,
    pub snoozes_used: u32,
    /// `None` = unlimited.
    pub max_snoozes: Option<u32>,
    /// The break in progress (due or stretching).
    pub break_id: Option<u64>,
    /// The routine offered for the coming or current break, when already picked.
    pub routine: Option<String>,
    /// What a break (or, after a natural break, the next interval) is waiting for.
    pub waiting: Option<Waiting>,
    /// The screen is locked: no break comes until it is unlocked (and a minute more).
    #[serde(default)]
    pub screen_locked: bool,
    /// The computer said it goes to sleep and has not said it woke.
    #[serde(default)]
    pub asleep: bool,
    /// Outside working hours (`[schedule]`): no break until they begin at this time.
    #[serde(default)]
    pub off_until: Option<Timestamp>,
}

/// Why a break whose time has come is not shown yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Waiting {
    /// The user is typing or moving the pointer: the break comes at their first pause.
    Pause,
    /// The user is away from keyboard and pointer: the break (or the next interval) starts when
    /// they come back.
    Return,
    /// The active window is full screen (a presentation, a video).
    FullScreen,
    /// The notification server is in do-not-disturb.
    DoNotDisturb,
    /// Another program has a camera open (a video call).
    Camera,
}

impl Waiting {
    /// Whether this is a deferral: the user is there but must not be interrupted, so the break
    /// waits at most `max_wait` and then comes as a notification only, never the window.
    pub fn is_deferral(self) -> bool {
        matches!(
            self,
            Waiting::FullScreen | Waiting::DoNotDisturb | Waiting::Camera
        )
    }
}
