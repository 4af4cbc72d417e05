//! How long the user has been away from keyboard and pointer, from the best source the session
//! offers: GNOME's Mutter idle monitor (signals: no polling), the freedesktop screen saver that
//! KDE and others serve, the Wayland idle protocols (notifications: no polling) that sway and
//! other wlroots compositors offer, or the X11 MIT-SCREEN-SAVER extension that every X server
//! has. One file per source; this one chooses among them and runs the task that measures.
//!
//! The engine decides when it wants a measurement ([`unhunch_core::Engine::next_idle_check`]);
//! the owner asks through [`IdleWatch::measure`], and besides that once a minute when the source
//! can only be asked. Mutter's watches and the Wayland notifications also say, unasked, when the
//! user goes away and comes back.
//! Every answer reaches the owner as [`Message::IdleMeasured`]. A session that offers none is
//! told once: then time away counts as a break only while the computer sleeps.

mod mutter;
mod screensaver;
mod wayland;
mod x11;

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio::time::timeout;
use tracing::{debug, info};
use zbus::proxy::SignalStream;

use crate::inbox::{Inbox, Message};

use mutter::{Fired, Mutter};
use wayland::{Protocol, Wayland};
use x11::X11;

/// How long one source has to say how long the user has been idle. A silent source costs at most
/// this, once, when the daemon starts or when it stops answering.
pub const ANSWER_LIMIT: Duration = Duration::from_millis(1000);

/// Mutter and the Wayland compositor tell when the user has been idle this long (the shortest
/// `natural_break`): the engine then follows the spell, and asks again when it would be a natural
/// break.
const AWAY_WATCH: Duration = Duration::from_secs(10);

/// The sources, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceName {
    Mutter,
    ScreenSaver,
    WaylandExtIdleNotify,
    WaylandKdeIdle,
    X11,
}

impl SourceName {
    const ALL: [SourceName; 5] = [
        SourceName::Mutter,
        SourceName::ScreenSaver,
        SourceName::WaylandExtIdleNotify,
        SourceName::WaylandKdeIdle,
        SourceName::X11,
    ];

    /// The name `unhunch status --json` gives in `idle_source`.
    pub fn id(self) -> &'static str {
        match self {
            SourceName::Mutter => "gnome-mutter",
            SourceName::ScreenSaver => "freedesktop-screensaver",
            SourceName::WaylandExtIdleNotify => "wayland-ext-idle-notify",
            SourceName::WaylandKdeIdle => "wayland-kde-idle",
            SourceName::X11 => "x11-screensaver",
        }
    }

    /// Whether it can only be asked (no signal says the user came back).
    pub fn is_polled(self) -> bool {
        matches!(self, SourceName::ScreenSaver | SourceName::X11)
    }
}

/// Which source the task uses, as far as the owner can know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleSource {
    /// Still trying the sources, when the daemon has just started.
    Looking,
    Using(SourceName),
    /// The session offers none.
    Unavailable,
}

impl IdleSource {
    fn code(self) -> u8 {
        match self {
            IdleSource::Looking => 0,
            IdleSource::Unavailable => 1,
            IdleSource::Using(name) => 2 + name as u8,
        }
    }

    fn from_code(code: u8) -> IdleSource {
        match code {
            0 => IdleSource::Looking,
            1 => IdleSource::Unavailable,
            code => IdleSource::Using(
                SourceName::ALL[usize::from(code - 2).min(SourceName::ALL.len() - 1)],
            ),
        }
    }
}

/// The owner's side of the idle task: every call returns at once.
pub struct IdleWatch {
    requests: mpsc::UnboundedSender<()>,
    source: Arc<AtomicU8>,
}

impl IdleWatch {
    /// Starts the task that chooses a source and measures.
    pub fn start(bus: zbus::Connection, inbox: Inbox) -> IdleWatch {
        IdleWatch::start_with(bus, inbox, &SourceName::ALL)
    }

    fn start_with(bus: zbus::Connection, inbox: Inbox, candidates: &[SourceName]) -> IdleWatch {
        let (requests, asked) = mpsc::unbounded_channel();
        let source = Arc::new(AtomicU8::new(IdleSource::Looking.code()));
        let task = Task {
            bus,
            inbox,
            asked,
            candidates: candidates.to_vec(),
            state: source.clone(),
        };
        tokio::spawn(task.run());
        IdleWatch { requests, source }
    }

    /// The source in use.
    pub fn source(&self) -> IdleSource {
        IdleSource::from_code(self.source.load(Ordering::Relaxed))
    }

    /// Asks for a measurement; it comes back as [`Message::IdleMeasured`].
    pub fn measure(&self) {
        let _ = self.requests.send(());
    }
}

/// An open source.
enum Source {
    Mutter(Mutter),
    ScreenSaver(zbus::Connection),
    Wayland(Wayland),
    X11(X11),
}

impl Source {
    fn name(&self) -> SourceName {
        match self {
            Source::Mutter(_) => SourceName::Mutter,
            Source::ScreenSaver(_) => SourceName::ScreenSaver,
            Source::Wayland(wayland) => match wayland.protocol {
                Protocol::ExtIdleNotify => SourceName::WaylandExtIdleNotify,
                Protocol::KdeIdle => SourceName::WaylandKdeIdle,
            },
            Source::X11(_) => SourceName::X11,
        }
    }

    /// How long the user has been idle, or why the source could not say within the limit.
    async fn idle_for(&self) -> Result<Duration, String> {
        let asked = async {
            match self {
                Source::Mutter(mutter) => {
                    mutter.idle_for().await.map_err(|error| error.to_string())
                }
                Source::ScreenSaver(bus) => screensaver::idle_for(bus)
                    .await
                    .map_err(|error| error.to_string()),
                Source::Wayland(wayland) => wayland.idle_for(),
                Source::X11(x11) => x11.idle_for().await,
            }
        };
        timeout(ANSWER_LIMIT, asked)
            .await
            .unwrap_or_else(|_| Err(format!("no answer within {} ms", ANSWER_LIMIT.as_millis())))
    }
}

struct Task {
    bus: zbus::Connection,
    inbox: Inbox,
    asked: mpsc::UnboundedReceiver<()>,
    candidates: Vec<SourceName>,
    state: Arc<AtomicU8>,
}

impl Task {
    async fn run(mut self) {
        let Some((mut source, idle_for)) = self.choose().await else {
            return;
        };
        // The first measurement: the engine knows where the user stands from the start.
        if !self.tell(idle_for) {
            return;
        }
        let mut signals = self.watch(&mut source).await;
        loop {
            tokio::select! {
                asked = self.asked.recv() => {
                    if asked.is_none() {
                        return;
                    }
                    // Questions that queued up meanwhile are answered by this one measurement.
                    while self.asked.try_recv().is_ok() {}
                    match source.idle_for().await {
                        Ok(idle_for) => {
                            if !self.tell(idle_for) {
                                return;
                            }
                        }
                        Err(why) => {
                            info!("{} stopped saying the idle time ({why}); looking again", source.name().id());
                            let Some((chosen, idle_for)) = self.choose().await else {
                                return;
                            };
                            source = chosen;
                            signals = self.watch(&mut source).await;
                            if !self.tell(idle_for) {
                                return;
                            }
                        }
                    }
                }
                Some(idle_for) = next_heard(&mut source) => {
                    if !self.tell(idle_for) {
                        return;
                    }
                }
                Some(signal) = next_signal(&mut signals) => {
                    let Source::Mutter(mutter) = &mut source else {
                        continue;
                    };
                    let idle_for = match mutter.fired(&signal) {
                        Some(Fired::Away) => {
                            if let Err(error) = mutter.watch_for_return().await {
                                debug!("cannot watch for the user's return: {error}");
                            }
                            AWAY_WATCH
                        }
                        Some(Fired::Back) => Duration::ZERO,
                        None => continue,
                    };
                    if !self.tell(idle_for) {
                        return;
                    }
                }
            }
        }
    }

    /// The best source that answers, with its first answer; `None` (and said once) when none does.
    async fn choose(&mut self) -> Option<(Source, Duration)> {
        self.state
            .store(IdleSource::Looking.code(), Ordering::Relaxed);
        for name in self.candidates.clone() {
            let opened = match name {
                SourceName::Mutter => timeout(ANSWER_LIMIT, Mutter::new(&self.bus))
                    .await
                    .map_err(|_| "no answer".to_owned())
                    .and_then(|mutter| mutter.map_err(|error| error.to_string()))
                    .map(Source::Mutter),
                SourceName::ScreenSaver => Ok(Source::ScreenSaver(self.bus.clone())),
                // One connection offers whichever of the two protocols the compositor has.
                SourceName::WaylandExtIdleNotify => {
                    timeout(ANSWER_LIMIT, Wayland::start(AWAY_WATCH))
                        .await
                        .map_err(|_| "no answer".to_owned())
                        .and_then(|wayland| wayland)
                        .map(Source::Wayland)
                }
                SourceName::WaylandKdeIdle => continue,
                SourceName::X11 => X11::start().map(Source::X11),
            };
            let measured = match opened {
                Ok(source) => source.idle_for().await.map(|idle_for| (source, idle_for)),
                Err(why) => Err(why),
            };
            match measured {
                Ok((source, idle_for)) => {
                    let name = source.name();
                    info!("time away from the keyboard is measured by {}", name.id());
                    self.state
                        .store(IdleSource::Using(name).code(), Ordering::Relaxed);
                    return Some((source, idle_for));
                }
                Err(why) => debug!("no idle time from {}: {why}", name.id()),
            }
        }
        info!(
            "this desktop does not say how long you have been away from the keyboard; time away counts as a break only while the computer sleeps"
        );
        self.state
            .store(IdleSource::Unavailable.code(), Ordering::Relaxed);
        None
    }

    /// Mutter's watches, where the source has them.
    async fn watch(&self, source: &mut Source) -> Option<SignalStream<'static>> {
        let Source::Mutter(mutter) = source else {
            return None;
        };
        match mutter.watch(AWAY_WATCH).await {
            Ok(signals) => Some(signals),
            Err(error) => {
                info!("GNOME's idle monitor cannot watch (it is asked instead): {error}");
                None
            }
        }
    }

    /// Hands a measurement to the owner; false once the owner is gone.
    fn tell(&self, idle_for: Duration) -> bool {
        debug!("idle for {idle_for:?}");
        self.inbox.send(Message::IdleMeasured { idle_for }).is_ok()
    }
}

/// What the Wayland compositor says unasked, where the source is one.
async fn next_heard(source: &mut Source) -> Option<Duration> {
    match source {
        Source::Wayland(wayland) => wayland.next_heard().await,
        _ => std::future::pending().await,
    }
}

async fn next_signal(signals: &mut Option<SignalStream<'static>>) -> Option<zbus::Message> {
    match signals {
        Some(signals) => signals.next().await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader};
    use std::process::{Child, Command, Stdio};

    use super::*;
    use zbus::object_server::SignalEmitter;

    /// A private session bus for one test, ended on drop.
    struct PrivateBus {
        daemon: Child,
        address: String,
    }

    impl PrivateBus {
        fn start() -> PrivateBus {
            let mut daemon = Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--nopidfile", "--print-address=1"])
                .stdout(Stdio::piped())
                .spawn()
                .expect("dbus-daemon is installed");
            let mut address = String::new();
            BufReader::new(daemon.stdout.take().expect("piped stdout"))
                .read_line(&mut address)
                .expect("dbus-daemon prints its address");
            PrivateBus {
                daemon,
                address: address.trim().to_owned(),
            }
        }

        async fn connect(&self) -> zbus::Connection {
            zbus::connection::Builder::address(self.address.as_str())
                .expect("a valid bus address")
                .build()
                .await
                .expect("connect to the private bus")
        }
    }

    impl Drop for PrivateBus {
        fn drop(&mut self) {
            let _ = self.daemon.kill();
            let _ = self.daemon.wait();
        }
    }

    /// Stands in for GNOME Shell's idle monitor: the user has been away four minutes. It hands out
    /// watch ids from 1 and says on `added` which kind each was.
    struct AwayFourMinutes {
        next_id: u32,
        added: mpsc::UnboundedSender<(u32, &'static str)>,
    }

    #[zbus::interface(name = "org.gnome.Mutter.IdleMonitor")]
    impl AwayFourMinutes {
        fn get_idletime(&self) -> u64 {
            240_000
        }

        fn add_idle_watch(&mut self, interval: u64) -> u32 {
            assert_eq!(interval, 10_000, "the away watch is ten seconds");
            self.add("idle")
        }

        fn add_user_active_watch(&mut self) -> u32 {
            self.add("user-active")
        }

        #[zbus(signal)]
        async fn watch_fired(emitter: &SignalEmitter<'_>, id: u32) -> zbus::Result<()>;
    }

    impl AwayFourMinutes {
        fn add(&mut self, kind: &'static str) -> u32 {
            self.next_id += 1;
            let _ = self.added.send((self.next_id, kind));
            self.next_id
        }
    }

    fn run<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(future)
    }

    /// Serves `monitor` as GNOME's idle monitor on `bus`, for as long as the connection lives.
    async fn serve_mutter(
        bus: &PrivateBus,
        monitor: impl zbus::object_server::Interface,
    ) -> zbus::Connection {
        let desktop = bus.connect().await;
        desktop
            .object_server()
            .at("/org/gnome/Mutter/IdleMonitor/Core", monitor)
            .await
            .unwrap();
        desktop
            .request_name("org.gnome.Mutter.IdleMonitor")
            .await
            .unwrap();
        desktop
    }

    /// The next idle measurement the owner would hear.
    async fn next_measurement(messages: &mut mpsc::UnboundedReceiver<Message>) -> Duration {
        let limit = Duration::from_secs(10);
        match timeout(limit, messages.recv()).await {
            Ok(Some(Message::IdleMeasured { idle_for })) => idle_for,
            Ok(other) => panic!("not a measurement: {other:?}"),
            Err(_) => panic!("no measurement within {limit:?}"),
        }
    }

    const D_BUS_SOURCES: [SourceName; 2] = [SourceName::Mutter, SourceName::ScreenSaver];

    #[test]
    fn gnomes_idle_monitor_is_asked_and_its_watches_say_when_the_user_goes_and_comes_back() {
        let bus = PrivateBus::start();
        run(async {
            let (added, mut watches) = mpsc::unbounded_channel();
            let monitor = AwayFourMinutes { next_id: 0, added };
            let desktop = serve_mutter(&bus, monitor).await;
            let (inbox, mut messages) = mpsc::unbounded_channel();
            let idle = IdleWatch::start_with(bus.connect().await, inbox, &D_BUS_SOURCES);
            assert_eq!(
                next_measurement(&mut messages).await,
                Duration::from_secs(240)
            );
            assert_eq!(idle.source(), IdleSource::Using(SourceName::Mutter));
            assert_eq!(watches.recv().await, Some((1, "idle")));
            assert_eq!(watches.recv().await, Some((2, "user-active")));

            let emitter = desktop
                .object_server()
                .interface::<_, AwayFourMinutes>("/org/gnome/Mutter/IdleMonitor/Core")
                .await
                .unwrap();
            // The user comes back: heard without asking.
            AwayFourMinutes::watch_fired(emitter.signal_emitter(), 2)
                .await
                .unwrap();
            assert_eq!(next_measurement(&mut messages).await, Duration::ZERO);
            // Another program's watch says nothing to Unhunch.
            AwayFourMinutes::watch_fired(emitter.signal_emitter(), 99)
                .await
                .unwrap();
            // A minute without input; then the return is watched for again.
            AwayFourMinutes::watch_fired(emitter.signal_emitter(), 1)
                .await
                .unwrap();
            assert_eq!(next_measurement(&mut messages).await, AWAY_WATCH);
            assert_eq!(watches.recv().await, Some((3, "user-active")));
            // Asked, it asks the monitor again.
            idle.measure();
            assert_eq!(
                next_measurement(&mut messages).await,
                Duration::from_secs(240)
            );
        });
    }

    /// Stands in for an idle monitor that has hung: it never answers.
    struct NeverAnswers;

    #[zbus::interface(name = "org.gnome.Mutter.IdleMonitor")]
    impl NeverAnswers {
        async fn get_idletime(&self) -> u64 {
            std::future::pending().await
        }
    }

    /// Stands in for the freedesktop screen saver: idle for half a minute.
    struct IdleHalfAMinute;

    #[zbus::interface(name = "org.freedesktop.ScreenSaver")]
    impl IdleHalfAMinute {
        fn get_session_idle_time(&self) -> u32 {
            30
        }
    }

    #[test]
    fn a_hung_idle_monitor_costs_at_most_the_time_limit_and_the_next_source_is_used() {
        let bus = PrivateBus::start();
        run(async {
            let _gnome = serve_mutter(&bus, NeverAnswers).await;
            let screensaver = bus.connect().await;
            screensaver
                .object_server()
                .at("/org/freedesktop/ScreenSaver", IdleHalfAMinute)
                .await
                .unwrap();
            screensaver
                .request_name("org.freedesktop.ScreenSaver")
                .await
                .unwrap();
            let (inbox, mut messages) = mpsc::unbounded_channel();
            let asked_at = std::time::Instant::now();
            let idle = IdleWatch::start_with(bus.connect().await, inbox, &D_BUS_SOURCES);
            assert_eq!(
                next_measurement(&mut messages).await,
                Duration::from_secs(30)
            );
            let took = asked_at.elapsed();
            assert!(
                took >= ANSWER_LIMIT && took < ANSWER_LIMIT + Duration::from_millis(500),
                "choosing took {took:?}"
            );
            assert_eq!(idle.source(), IdleSource::Using(SourceName::ScreenSaver));
        });
    }

    #[test]
    fn every_source_survives_the_owners_atomic_and_only_the_asked_ones_are_polled() {
        for name in SourceName::ALL {
            let using = IdleSource::Using(name);
            assert_eq!(IdleSource::from_code(using.code()), using);
        }
        let polled: Vec<_> = SourceName::ALL
            .into_iter()
            .filter(|name| name.is_polled())
            .map(SourceName::id)
            .collect();
        assert_eq!(polled, ["freedesktop-screensaver", "x11-screensaver"]);
    }

    #[test]
    fn a_desktop_without_an_idle_source_says_so() {
        let bus = PrivateBus::start();
        run(async {
            let (inbox, mut messages) = mpsc::unbounded_channel();
            let idle = IdleWatch::start_with(bus.connect().await, inbox, &D_BUS_SOURCES);
            // The task ends without a measurement once it has tried every source.
            assert!(messages.recv().await.is_none());
            assert_eq!(idle.source(), IdleSource::Unavailable);
        });
    }
}
