//! The notification server's do-not-disturb, heard as `PropertiesChanged` signals on
//! `/org/freedesktop/Notifications`: dunst's `paused` (interface `org.dunstproject.cmd0`, what
//! `dunstctl set-paused` sets) and the `Inhibited` property that servers following the newer
//! freedesktop draft have. Both are read at the start and whenever the server changes hands;
//! besides that only signals wake the task.

use futures_util::StreamExt;
use tracing::{debug, info};
use zbus::fdo::PropertiesProxy;
use zbus::names::InterfaceName;

use crate::inbox::{Inbox, Message, Sign};

const DESTINATION: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";
/// (interface, property) pairs that mean "do not disturb" when true.
const SWITCHES: [(&str, &str); 2] = [
    ("org.dunstproject.cmd0", "paused"),
    ("org.freedesktop.Notifications", "Inhibited"),
];

/// Follows the server's do-not-disturb until the owner goes away.
pub async fn watch(bus: zbus::Connection, inbox: Inbox) {
    if let Err(error) = follow(&bus, &inbox).await {
        info!("do-not-disturb is not watched: {error}");
    }
}

async fn follow(bus: &zbus::Connection, inbox: &Inbox) -> zbus::Result<()> {
    let proxy = PropertiesProxy::builder(bus)
        .destination(DESTINATION)?
        .path(PATH)?
        .cache_properties(zbus::proxy::CacheProperties::No)
        .build()
        .await?;
    // Subscribed before the first read, so a change in between is not missed. A server that
    // starts, stops or is replaced is read afresh: a paused server that quit leaves no pause.
    let mut changes = proxy.receive_properties_changed().await?;
    let mut owners = zbus::fdo::DBusProxy::new(bus)
        .await?
        .receive_name_owner_changed_with_args(&[(0, DESTINATION)])
        .await?;
    let mut on = read(&proxy).await;
    let mut told = on.iter().any(|switch| *switch);
    if !tell(inbox, told) {
        return Ok(());
    }
    loop {
        tokio::select! {
            signal = changes.next() => {
                let Some(signal) = signal else { return Ok(()) };
                let Ok(args) = signal.args() else {
                    continue;
                };
                for (index, (interface, property)) in SWITCHES.iter().enumerate() {
                    if args.interface_name().as_str() != *interface {
                        continue;
                    }
                    if let Some(value) = args.changed_properties().get(property) {
                        on[index] = bool::try_from(value).unwrap_or(false);
                    }
                }
            }
            owner = owners.next() => {
                if owner.is_none() {
                    return Ok(());
                }
                on = read(&proxy).await;
            }
        }
        let now_on = on.iter().any(|switch| *switch);
        if now_on != told {
            debug!("do-not-disturb {}", if now_on { "on" } else { "off" });
            told = now_on;
            if !tell(inbox, now_on) {
                return Ok(());
            }
        }
    }
}

/// Each switch as the server says now; one it does not have (or no server) is off.
async fn read(proxy: &PropertiesProxy<'_>) -> [bool; SWITCHES.len()] {
    let mut on = [false; SWITCHES.len()];
    for (index, (interface, property)) in SWITCHES.iter().enumerate() {
        let interface = InterfaceName::from_static_str_unchecked(interface);
        if let Ok(value) = proxy.get(interface, property).await {
            on[index] = bool::try_from(value).unwrap_or(false);
        }
    }
    on
}

/// Tells the owner; false once it is gone.
fn tell(inbox: &Inbox, on: bool) -> bool {
    inbox
        .send(Message::InterruptionChanged {
            sign: Sign::DoNotDisturb,
            on,
        })
        .is_ok()
}
