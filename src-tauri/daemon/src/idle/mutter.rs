//! GNOME's Mutter idle monitor (`org.gnome.Mutter.IdleMonitor` on the session bus). Its idle and
//! user-active watches are signals (`WatchFired`), so going away and coming back are heard
//! without polling; the idle time itself (`GetIdletime`) is asked only when the engine wants it.

use std::time::Duration;

use zbus::proxy::{CacheProperties, SignalStream};

const DESTINATION: &str = "org.gnome.Mutter.IdleMonitor";
const PATH: &str = "/org/gnome/Mutter/IdleMonitor/Core";

/// What a fired watch says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fired {
    /// The user has been idle for the away watch's time.
    Away,
    /// The user touched keyboard or pointer again.
    Back,
}

pub struct Mutter {
    proxy: zbus::Proxy<'static>,
    away_watch: Option<u32>,
    back_watch: Option<u32>,
}

impl Mutter {
    pub async fn new(bus: &zbus::Connection) -> zbus::Result<Mutter> {
        let proxy = zbus::proxy::Builder::new(bus)
            .destination(DESTINATION)?
            .path(PATH)?
            .interface(DESTINATION)?
            .cache_properties(CacheProperties::No)
            .build()
            .await?;
        Ok(Mutter {
            proxy,
            away_watch: None,
            back_watch: None,
        })
    }

    /// How long the user has been idle.
    pub async fn idle_for(&self) -> zbus::Result<Duration> {
        let millis: u64 = self.proxy.call("GetIdletime", &()).await?;
        Ok(Duration::from_millis(millis))
    }

    /// Subscribes to the watches' signal, then asks to hear when the user has been idle for
    /// `away_after` (every time) and when they next come back (once; asked again after each).
    pub async fn watch(&mut self, away_after: Duration) -> zbus::Result<SignalStream<'static>> {
        let signals = self.proxy.receive_signal("WatchFired").await?;
        let millis = u64::try_from(away_after.as_millis()).unwrap_or(u64::MAX);
        self.away_watch = Some(self.proxy.call("AddIdleWatch", &(millis,)).await?);
        self.watch_for_return().await?;
        Ok(signals)
    }

    /// Asks to hear when the user next touches keyboard or pointer.
    pub async fn watch_for_return(&mut self) -> zbus::Result<()> {
        self.back_watch = Some(self.proxy.call("AddUserActiveWatch", &()).await?);
        Ok(())
    }

    /// Which of our watches a `WatchFired` signal is about; `None` for another program's.
    pub fn fired(&mut self, signal: &zbus::Message) -> Option<Fired> {
        let id: u32 = signal.body().deserialize().ok()?;
        if Some(id) == self.away_watch {
            Some(Fired::Away)
        } else if Some(id) == self.back_watch {
            // A user-active watch fires once and is gone.
            self.back_watch = None;
            Some(Fired::Back)
        } else {
            None
        }
    }
}
