//! The notification server's do-not-disturb, heard as `PropertiesChanged` signals on
//! `/org/freedesktop/Notifications`: dunst's `paused` (interface `org.dunstproject.cmd0`, what
//! `dunstctl set-paused` sets) and the `Inhibited` property that servers following the newer
//! freedesktop draft have. Both are read at the start and whenever the server changes hands.
//! In a GNOME session, GNOME's "show banners" switched off counts too: GNOME Shell has no
//! `Inhibited`, so its setting is read through the desktop portal's `org.freedesktop.portal.Settings`
//! (no GSettings or GTK in the daemon) and followed by its `SettingChanged` signal. Besides that
//! only signals wake the task.

use futures_util::StreamExt;
use tracing::{debug, info};
use zbus::fdo::PropertiesProxy;
use zbus::names::InterfaceName;
use zbus::proxy::{CacheProperties, SignalStream};
use zbus::zvariant::{OwnedValue, Value};

use crate::inbox::{Inbox, Message, Sign};

const DESTINATION: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";
/// (interface, property) pairs that mean "do not disturb" when true.
const SWITCHES: [(&str, &str); 2] = [
    ("org.dunstproject.cmd0", "paused"),
    ("org.freedesktop.Notifications", "Inhibited"),
];

const PORTAL: &str = "org.freedesktop.portal.Desktop";
const PORTAL_PATH: &str = "/org/freedesktop/portal/desktop";
const PORTAL_SETTINGS: &str = "org.freedesktop.portal.Settings";
/// GNOME's notification settings, and the key that is false when banners are off.
const GNOME_NOTIFICATIONS: &str = "org.gnome.desktop.notifications";
const SHOW_BANNERS: &str = "show-banners";

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
    let mut banners = Banners::follow(bus).await;
    let mut banners_off = match &banners {
        Some(banners) => banners.read_off().await,
        None => false,
    };
    let mut on = read(&proxy).await;
    let mut told = banners_off || on.iter().any(|switch| *switch);
    if !tell(inbox, told) {
        return Ok(());
    }
    loop {
        tokio::select! {
            Some(signal) = next_change(&mut banners) => {
                if let Some(off) = Banners::off_in(&signal) {
                    banners_off = off;
                }
            }
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
        let now_on = banners_off || on.iter().any(|switch| *switch);
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

/// GNOME's "show banners", through the desktop portal.
struct Banners {
    portal: zbus::Proxy<'static>,
    changes: SignalStream<'static>,
}

impl Banners {
    /// Subscribes to the setting's changes, in a GNOME session only: elsewhere GNOME's setting
    /// does not silence the notification server, and the portal is not started for nothing.
    async fn follow(bus: &zbus::Connection) -> Option<Banners> {
        let desktop = std::env::var("XDG_CURRENT_DESKTOP").unwrap_or_default();
        if !in_gnome(&desktop) {
            return None;
        }
        let portal: zbus::Proxy<'static> = zbus::proxy::Builder::new(bus)
            .destination(PORTAL)
            .ok()?
            .path(PORTAL_PATH)
            .ok()?
            .interface(PORTAL_SETTINGS)
            .ok()?
            .cache_properties(CacheProperties::No)
            .build()
            .await
            .ok()?;
        let changes = portal
            .receive_signal_with_args(
                "SettingChanged",
                &[(0, GNOME_NOTIFICATIONS), (1, SHOW_BANNERS)],
            )
            .await
            .ok()?;
        Some(Banners { portal, changes })
    }

    /// Whether banners are off now; false when the portal cannot say (none, or a backend that
    /// does not offer GNOME's notification settings), which is said once in the log.
    async fn read_off(&self) -> bool {
        let key = (GNOME_NOTIFICATIONS, SHOW_BANNERS);
        // `ReadOne` (portal version 2) answers the value; `Read` (version 1, Debian 12's portal)
        // answers it wrapped in one more variant, which `shown` unwraps.
        let answer = match self.portal.call::<_, _, OwnedValue>("ReadOne", &key).await {
            Ok(value) => Ok(value),
            Err(_) => self.portal.call::<_, _, OwnedValue>("Read", &key).await,
        };
        match answer.map(|value| shown(&value)) {
            Ok(Some(shown)) => {
                info!(
                    "GNOME's notification banners are {}",
                    if shown { "on" } else { "off" }
                );
                !shown
            }
            Ok(None) => false,
            Err(error) => {
                info!("GNOME's notification banners are not known ({error})");
                false
            }
        }
    }

    /// The new setting a `SettingChanged` signal carries: `Some(true)` when banners are off.
    fn off_in(signal: &zbus::Message) -> Option<bool> {
        let (_, _, value) = signal
            .body()
            .deserialize::<(String, String, OwnedValue)>()
            .ok()?;
        let off = !shown(&value)?;
        debug!(
            "GNOME's notification banners {}",
            if off { "off" } else { "on" }
        );
        Some(off)
    }
}

/// The next `SettingChanged` for banners; never, when they are not followed.
async fn next_change(banners: &mut Option<Banners>) -> Option<zbus::Message> {
    match banners {
        Some(banners) => banners.changes.next().await,
        None => std::future::pending().await,
    }
}

/// `show-banners` as a boolean, however many variants it is wrapped in.
fn shown(value: &Value<'_>) -> Option<bool> {
    match value {
        Value::Bool(shown) => Some(*shown),
        Value::Value(inner) => shown(inner),
        _ => None,
    }
}

/// Whether `XDG_CURRENT_DESKTOP` (a colon-separated list, e.g. `ubuntu:GNOME`) names GNOME.
fn in_gnome(desktop: &str) -> bool {
    desktop
        .split(':')
        .any(|name| name.eq_ignore_ascii_case("GNOME"))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gnome_is_found_in_the_desktop_list_and_nowhere_else() {
        assert!(in_gnome("GNOME"));
        assert!(in_gnome("ubuntu:GNOME"));
        assert!(!in_gnome("GNOME-Flashback-not"));
        assert!(!in_gnome("XFCE"));
        assert!(!in_gnome(""));
    }

    #[test]
    fn the_setting_is_read_through_any_number_of_variants() {
        assert_eq!(shown(&Value::Bool(false)), Some(false));
        let wrapped = Value::Value(Box::new(Value::Value(Box::new(Value::Bool(true)))));
        assert_eq!(shown(&wrapped), Some(true));
        assert_eq!(shown(&Value::from("no")), None);
    }
}
