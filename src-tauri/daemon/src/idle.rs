//! How long the user has been away from keyboard and pointer, asked of the desktop over D-Bus:
//! GNOME's Mutter idle monitor, or the freedesktop screen saver that KDE and others serve.
//!
//! Asked only just before a break would be due, never on a timer of its own. A desktop that
//! offers neither is remembered, and then breaks taken away from the keyboard count only when
//! the computer sleeps (the clock-jump path).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{Instant, timeout_at};
use tracing::{debug, info};
use unhunch_core::Timestamp;

use crate::inbox::{Inbox, Message};

/// How long the desktop has to say how long the user has been idle, over every source asked
/// together. The owner asks two seconds before a break is due, so a silent desktop must never
/// take longer than this: the answer, when there is one, still comes before the break.
pub const ANSWER_LIMIT: Duration = Duration::from_millis(1000);

/// The owner's side of the idle monitor. Questions go to a task of their own, so the owner never
/// waits for the desktop; each answer comes back as [`Message::IdleMeasured`].
pub struct IdleQuestions {
    questions: mpsc::UnboundedSender<Timestamp>,
    available: Arc<AtomicBool>,
}

impl IdleQuestions {
    /// Starts the task that asks `monitor`.
    pub fn start(mut monitor: IdleMonitor, inbox: Inbox) -> IdleQuestions {
        let (questions, mut asked) = mpsc::unbounded_channel::<Timestamp>();
        let available = Arc::new(AtomicBool::new(monitor.available()));
        let still_available = available.clone();
        tokio::spawn(async move {
            while let Some(deadline) = asked.recv().await {
                let idle_for = monitor.idle_for().await;
                still_available.store(monitor.available(), Ordering::Relaxed);
                if let Some(idle_for) = idle_for {
                    let measured = Message::IdleMeasured { deadline, idle_for };
                    if inbox.send(measured).is_err() {
                        return;
                    }
                }
            }
        });
        IdleQuestions {
            questions,
            available,
        }
    }

    /// False once the desktop turned out to have no idle monitor.
    pub fn available(&self) -> bool {
        self.available.load(Ordering::Relaxed)
    }

    /// Asks how long the user has been idle, ahead of the break due at `deadline`.
    pub fn ask(&self, deadline: Timestamp) {
        let _ = self.questions.send(deadline);
    }
}

pub struct IdleMonitor {
    bus: zbus::Connection,
    source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// Not asked yet.
    Unknown,
    Mutter,
    ScreenSaver,
    /// Neither answered: stop asking.
    Unavailable,
}

impl IdleMonitor {
    pub fn new(bus: zbus::Connection) -> IdleMonitor {
        IdleMonitor {
            bus,
            source: Source::Unknown,
        }
    }

    /// False once the desktop turned out to have no idle monitor.
    pub fn available(&self) -> bool {
        self.source != Source::Unavailable
    }

    /// How long the user has been idle, when the desktop can tell.
    pub async fn idle_for(&mut self) -> Option<Duration> {
        let candidates: &[Source] = match self.source {
            Source::Unknown => &[Source::Mutter, Source::ScreenSaver],
            Source::Unavailable => return None,
            Source::Mutter => &[Source::Mutter],
            Source::ScreenSaver => &[Source::ScreenSaver],
        };
        let deadline = Instant::now() + ANSWER_LIMIT;
        for source in candidates {
            match self.ask(*source, deadline).await {
                Ok(idle) => {
                    self.source = *source;
                    debug!("idle for {idle:?} ({source:?})");
                    return Some(idle);
                }
                Err(why) => debug!("no idle time from {source:?}: {why}"),
            }
        }
        if self.source == Source::Unknown {
            info!(
                "this desktop does not say how long you have been away from the keyboard; time away counts as a break only while the computer sleeps"
            );
            self.source = Source::Unavailable;
        }
        None
    }

    async fn ask(&self, source: Source, deadline: Instant) -> zbus::Result<Duration> {
        let call = async {
            match source {
                Source::Mutter => {
                    let reply = self
                        .bus
                        .call_method(
                            Some("org.gnome.Mutter.IdleMonitor"),
                            "/org/gnome/Mutter/IdleMonitor/Core",
                            Some("org.gnome.Mutter.IdleMonitor"),
                            "GetIdletime",
                            &(),
                        )
                        .await?;
                    let millis: u64 = reply.body().deserialize()?;
                    Ok(Duration::from_millis(millis))
                }
                _ => {
                    let reply = self
                        .bus
                        .call_method(
                            Some("org.freedesktop.ScreenSaver"),
                            "/org/freedesktop/ScreenSaver",
                            Some("org.freedesktop.ScreenSaver"),
                            "GetSessionIdleTime",
                            &(),
                        )
                        .await?;
                    let secs: u32 = reply.body().deserialize()?;
                    Ok(Duration::from_secs(secs.into()))
                }
            }
        };
        timeout_at(deadline, call).await.unwrap_or_else(|_| {
            Err(zbus::Error::Failure(format!(
                "no answer within {} ms",
                ANSWER_LIMIT.as_millis()
            )))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader};
    use std::process::{Child, Command, Stdio};

    use super::*;

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

    /// Stands in for GNOME Shell's idle monitor: the user has been away four minutes.
    struct AwayFourMinutes;

    #[zbus::interface(name = "org.gnome.Mutter.IdleMonitor")]
    impl AwayFourMinutes {
        fn get_idletime(&self) -> u64 {
            240_000
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

    #[test]
    fn asks_gnomes_idle_monitor_over_the_bus() {
        let bus = PrivateBus::start();
        run(async {
            let _desktop = serve_mutter(&bus, AwayFourMinutes).await;
            let mut monitor = IdleMonitor::new(bus.connect().await);
            assert_eq!(monitor.idle_for().await, Some(Duration::from_secs(240)));
            assert!(monitor.available());
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

    #[test]
    fn an_idle_monitor_that_never_answers_costs_at_most_the_time_limit() {
        let bus = PrivateBus::start();
        run(async {
            let _desktop = serve_mutter(&bus, NeverAnswers).await;
            let mut monitor = IdleMonitor::new(bus.connect().await);
            let asked_at = std::time::Instant::now();
            assert_eq!(monitor.idle_for().await, None);
            let took = asked_at.elapsed();
            assert!(
                took >= ANSWER_LIMIT && took < ANSWER_LIMIT + Duration::from_millis(500),
                "asking took {took:?}"
            );
        });
    }

    #[test]
    fn a_desktop_without_an_idle_monitor_is_asked_once() {
        let bus = PrivateBus::start();
        run(async {
            let mut monitor = IdleMonitor::new(bus.connect().await);
            assert_eq!(monitor.idle_for().await, None);
            assert!(!monitor.available());
        });
    }
}
