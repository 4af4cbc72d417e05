//! The freedesktop screen saver's idle time (`org.freedesktop.ScreenSaver.GetSessionIdleTime`),
//! which KDE and others serve. It has no signals for input, so it is asked: when the engine wants
//! to know, and at most once a minute besides.

use std::time::Duration;

/// How long the user has been idle, as the screen saver counts it (whole seconds).
pub async fn idle_for(bus: &zbus::Connection) -> zbus::Result<Duration> {
    let reply = bus
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
