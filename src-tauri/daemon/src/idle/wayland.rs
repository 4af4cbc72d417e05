//! The Wayland idle protocols: the standard `ext-idle-notify-v1` and KDE's older
//! `org_kde_kwin_idle` (what sway 1.7 and wlroots 0.15 offer). Both are notifications, not
//! questions: the compositor says "idle" once the seat has had no input for the timeout we gave,
//! and "resumed" at the next input. So the time away is counted from the "idle" event on, and
//! reads as zero in between (a pause shorter than the timeout is not seen).
//!
//! The connection lives on a thread of its own that blocks reading the socket: no timer, no
//! polling, and a hung compositor costs the owner's runtime nothing. The pure-Rust backend of
//! `wayland-client` speaks the protocol, so no libwayland is linked.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};
use wayland_client::globals::{GlobalList, GlobalListContents, registry_queue_init};
use wayland_client::protocol::{wl_registry, wl_seat};
use wayland_client::{Connection, Dispatch, EventQueue, QueueHandle, delegate_noop};
use wayland_protocols::ext::idle_notify::v1::client::{
    ext_idle_notification_v1, ext_idle_notifier_v1,
};
use wayland_protocols_plasma::idle::client::{org_kde_kwin_idle, org_kde_kwin_idle_timeout};

/// Which of the two protocols the compositor offers (the standard one is preferred).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    ExtIdleNotify,
    KdeIdle,
}

/// Where the user stands, as the thread last heard it.
#[derive(Debug, Clone)]
enum Spell {
    /// Input within the timeout (or nothing heard yet since the start).
    Present,
    /// The compositor said "idle" at this instant: the last input was a timeout before it.
    AwaySince(Instant),
    /// The connection is gone, for this reason.
    Lost(String),
}

/// The owner's side of the Wayland thread.
pub struct Wayland {
    pub protocol: Protocol,
    away_after: Duration,
    spell: Arc<Mutex<Spell>>,
    /// What the compositor said unasked: the time away at "idle", zero at "resumed".
    heard: mpsc::UnboundedReceiver<Duration>,
}

impl Wayland {
    /// Connects to the compositor in `WAYLAND_DISPLAY` on a thread of its own and asks to hear
    /// when the seat has had no input for `away_after`. Fails when there is no Wayland session,
    /// or the compositor offers neither protocol. The caller puts a time limit on the wait.
    pub async fn start(away_after: Duration) -> Result<Wayland, String> {
        if std::env::var_os("WAYLAND_DISPLAY").is_none_or(|display| display.is_empty()) {
            return Err("not a Wayland session (WAYLAND_DISPLAY is not set)".to_owned());
        }
        let spell = Arc::new(Mutex::new(Spell::Present));
        let (tell, heard) = mpsc::unbounded_channel();
        let (ready, started) = oneshot::channel();
        let thread_spell = spell.clone();
        std::thread::Builder::new()
            .name("wayland-idle".to_owned())
            .spawn(move || listen(away_after, thread_spell, tell, ready))
            .map_err(|error| format!("cannot start the Wayland thread: {error}"))?;
        let protocol = started
            .await
            .map_err(|_| "the Wayland thread ended".to_owned())??;
        Ok(Wayland {
            protocol,
            away_after,
            spell,
            heard,
        })
    }

    /// How long the user has been away: zero until the compositor says "idle", then the
    /// timeout plus the time since.
    pub fn idle_for(&self) -> Result<Duration, String> {
        match &*self.spell.lock().unwrap_or_else(PoisonError::into_inner) {
            Spell::Present => Ok(Duration::ZERO),
            Spell::AwaySince(since) => Ok(self.away_after + since.elapsed()),
            Spell::Lost(why) => Err(why.clone()),
        }
    }

    /// The next thing the compositor says unasked; `None` once the connection is gone.
    pub async fn next_heard(&mut self) -> Option<Duration> {
        self.heard.recv().await
    }
}

/// The thread's state, which the event handlers update.
struct Listener {
    away_after: Duration,
    spell: Arc<Mutex<Spell>>,
    tell: mpsc::UnboundedSender<Duration>,
}

impl Listener {
    fn set(&self, spell: Spell) {
        *self.spell.lock().unwrap_or_else(PoisonError::into_inner) = spell;
    }

    fn away(&self) {
        self.set(Spell::AwaySince(Instant::now()));
        let _ = self.tell.send(self.away_after);
    }

    fn back(&self) {
        self.set(Spell::Present);
        let _ = self.tell.send(Duration::ZERO);
    }
}

type Ready = oneshot::Sender<Result<Protocol, String>>;

fn listen(
    away_after: Duration,
    spell: Arc<Mutex<Spell>>,
    tell: mpsc::UnboundedSender<Duration>,
    ready: Ready,
) {
    let (mut queue, protocol) = match subscribe(away_after) {
        Ok(subscribed) => subscribed,
        Err(why) => {
            let _ = ready.send(Err(why));
            return;
        }
    };
    let mut listener = Listener {
        away_after,
        spell,
        tell,
    };
    // The source is chosen once the compositor has taken the request without a protocol error.
    if let Err(error) = queue.roundtrip(&mut listener) {
        let _ = ready.send(Err(format!(
            "the Wayland compositor refused the idle notification: {error}"
        )));
        return;
    }
    let _ = ready.send(Ok(protocol));
    // The thread sleeps in the socket read until the compositor says something.
    let lost = loop {
        if let Err(error) = queue.blocking_dispatch(&mut listener) {
            break error.to_string();
        }
        if listener.tell.is_closed() {
            // The owner's side is gone: nobody listens any more.
            return;
        }
    };
    listener.set(Spell::Lost(format!(
        "the Wayland connection is lost: {lost}"
    )));
}

/// Connects and asks for the notification. Its object needs no keeping: a dropped proxy is only
/// a handle, and the compositor keeps the notification until the connection ends.
fn subscribe(away_after: Duration) -> Result<(EventQueue<Listener>, Protocol), String> {
    let connection = Connection::connect_to_env()
        .map_err(|error| format!("cannot connect to the Wayland compositor: {error}"))?;
    let (globals, queue) = registry_queue_init::<Listener>(&connection)
        .map_err(|error| format!("the Wayland compositor does not list its globals: {error}"))?;
    let handle = queue.handle();
    let seat: wl_seat::WlSeat = globals
        .bind(&handle, 1..=1, ())
        .map_err(|error| format!("the Wayland compositor has no seat: {error}"))?;
    let millis = u32::try_from(away_after.as_millis()).unwrap_or(u32::MAX);
    let protocol = notification(&globals, &handle, &seat, millis)?;
    Ok((queue, protocol))
}

fn notification(
    globals: &GlobalList,
    handle: &QueueHandle<Listener>,
    seat: &wl_seat::WlSeat,
    millis: u32,
) -> Result<Protocol, String> {
    if let Ok(notifier) =
        globals.bind::<ext_idle_notifier_v1::ExtIdleNotifierV1, _, _>(handle, 1..=1, ())
    {
        notifier.get_idle_notification(millis, seat, handle, ());
        return Ok(Protocol::ExtIdleNotify);
    }
    if let Ok(idle) = globals.bind::<org_kde_kwin_idle::OrgKdeKwinIdle, _, _>(handle, 1..=1, ()) {
        idle.get_idle_timeout(seat, millis, handle, ());
        return Ok(Protocol::KdeIdle);
    }
    Err("the Wayland compositor offers neither ext-idle-notify-v1 nor org_kde_kwin_idle".to_owned())
}

impl Dispatch<wl_registry::WlRegistry, GlobalListContents> for Listener {
    fn event(
        _: &mut Listener,
        _: &wl_registry::WlRegistry,
        _: wl_registry::Event,
        _: &GlobalListContents,
        _: &Connection,
        _: &QueueHandle<Listener>,
    ) {
        // Globals that come and go later (outputs, seats) do not change the subscription.
    }
}

delegate_noop!(Listener: ignore wl_seat::WlSeat);
delegate_noop!(Listener: ext_idle_notifier_v1::ExtIdleNotifierV1);
delegate_noop!(Listener: org_kde_kwin_idle::OrgKdeKwinIdle);

impl Dispatch<ext_idle_notification_v1::ExtIdleNotificationV1, ()> for Listener {
    fn event(
        listener: &mut Listener,
        _: &ext_idle_notification_v1::ExtIdleNotificationV1,
        event: ext_idle_notification_v1::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<Listener>,
    ) {
        match event {
            ext_idle_notification_v1::Event::Idled => listener.away(),
            ext_idle_notification_v1::Event::Resumed => listener.back(),
            _ => {}
        }
    }
}

impl Dispatch<org_kde_kwin_idle_timeout::OrgKdeKwinIdleTimeout, ()> for Listener {
    fn event(
        listener: &mut Listener,
        _: &org_kde_kwin_idle_timeout::OrgKdeKwinIdleTimeout,
        event: org_kde_kwin_idle_timeout::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<Listener>,
    ) {
        match event {
            org_kde_kwin_idle_timeout::Event::Idle => listener.away(),
            org_kde_kwin_idle_timeout::Event::Resumed => listener.back(),
            _ => {}
        }
    }
}
