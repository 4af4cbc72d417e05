//! logind on the system bus: when the computer goes to sleep and wakes
//! (`org.freedesktop.login1.Manager.PrepareForSleep`), and when this session's screen is locked and
//! unlocked (its `Lock`/`Unlock` signals and its `LockedHint` property). Each change reaches the
//! owner as [`Message::ScreenLocked`] or [`Message::Sleeping`]; the engine decides what it means.
//! Without logind (a container, a system without systemd) nothing is told, and the owner's
//! wall-clock jump check is what notices a sleep.

use futures_util::StreamExt;
use tracing::{debug, info};
use zbus::proxy::CacheProperties;
use zbus::zvariant::{OwnedObjectPath, OwnedValue};

use crate::inbox::{Inbox, Message};

const DESTINATION: &str = "org.freedesktop.login1";
const MANAGER_PATH: &str = "/org/freedesktop/login1";
const MANAGER: &str = "org.freedesktop.login1.Manager";
const SESSION: &str = "org.freedesktop.login1.Session";
/// logind's name for "the caller's own session".
const AUTO_SESSION: &str = "/org/freedesktop/login1/session/auto";

/// Starts listening to logind, if the system bus has it; returns at once.
pub fn start(inbox: Inbox) {
    tokio::spawn(async move {
        if let Err(error) = listen(inbox).await {
            info!(
                "logind is not available ({error}): a sleep is noticed by the clock, and a \
                 locked screen is not"
            );
        }
    });
}

async fn listen(inbox: Inbox) -> zbus::Result<()> {
    let bus = zbus::Connection::system().await?;
    let manager = proxy(&bus, MANAGER_PATH, MANAGER).await?;
    let mut sleeps = manager.receive_signal("PrepareForSleep").await?;
    // Asking something proves logind is there before the watch is announced.
    let session_path = session_path(&manager).await;
    let session = proxy(&bus, session_path.as_str(), SESSION).await?;
    let mut locks = session.receive_signal("Lock").await?;
    let mut unlocks = session.receive_signal("Unlock").await?;
    let properties = proxy(
        &bus,
        session_path.as_str(),
        "org.freedesktop.DBus.Properties",
    )
    .await?;
    let mut changes = properties.receive_signal("PropertiesChanged").await?;
    info!("listening to logind for sleep and for the lock of session {session_path}");
    if let Ok(locked) = session.get_property::<bool>("LockedHint").await
        && locked
        && inbox.send(Message::ScreenLocked { locked }).is_err()
    {
        return Ok(());
    }
    loop {
        let message = tokio::select! {
            Some(signal) = sleeps.next() => match signal.body().deserialize::<bool>() {
                Ok(asleep) => Message::Sleeping { asleep },
                Err(error) => {
                    debug!("a PrepareForSleep signal without its flag: {error}");
                    continue;
                }
            },
            Some(_) = locks.next() => Message::ScreenLocked { locked: true },
            Some(_) = unlocks.next() => Message::ScreenLocked { locked: false },
            Some(signal) = changes.next() => match locked_hint(&signal) {
                Some(locked) => Message::ScreenLocked { locked },
                None => continue,
            },
            else => return Ok(()),
        };
        debug!("logind: {message:?}");
        if inbox.send(message).is_err() {
            return Ok(());
        }
    }
}

async fn proxy(
    bus: &zbus::Connection,
    path: &str,
    interface: &'static str,
) -> zbus::Result<zbus::Proxy<'static>> {
    zbus::proxy::Builder::new(bus)
        .destination(DESTINATION)?
        .path(path.to_owned())?
        .interface(interface)?
        .cache_properties(CacheProperties::No)
        .build()
        .await
}

/// This process's session: asked by process id, then by `XDG_SESSION_ID`, else logind's `auto`
/// path (the caller's session, as logind sees it).
async fn session_path(manager: &zbus::Proxy<'static>) -> OwnedObjectPath {
    let by_pid: zbus::Result<OwnedObjectPath> = manager
        .call("GetSessionByPID", &(std::process::id(),))
        .await;
    if let Ok(path) = by_pid {
        return path;
    }
    if let Ok(id) = std::env::var("XDG_SESSION_ID")
        && let Ok(path) = manager
            .call::<_, _, OwnedObjectPath>("GetSession", &(id.as_str(),))
            .await
    {
        return path;
    }
    OwnedObjectPath::try_from(AUTO_SESSION).expect("a valid object path")
}

/// The new `LockedHint` a session's `PropertiesChanged` signal carries, if it carries one.
fn locked_hint(signal: &zbus::Message) -> Option<bool> {
    let (interface, changed, _invalidated): (
        String,
        std::collections::HashMap<String, OwnedValue>,
        Vec<String>,
    ) = signal.body().deserialize().ok()?;
    if interface != SESSION {
        return None;
    }
    bool::try_from(changed.get("LockedHint")?).ok()
}
