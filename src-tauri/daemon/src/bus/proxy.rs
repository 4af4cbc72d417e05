//! The command-line client's side of D-Bus: a typed proxy for the daemon's interface.

/// Calls the running daemon; each method is the D-Bus method of the same name.
#[zbus::proxy(
    interface = "dev.unhunch.Unhunch1",
    default_service = "dev.unhunch.Unhunch",
    default_path = "/dev/unhunch/Unhunch"
)]
pub trait Unhunch {
    fn status(&self) -> zbus::Result<String>;
    fn stretch_now(&self) -> zbus::Result<()>;
    fn stretch_routine(&self, routine_id: &str) -> zbus::Result<()>;
    fn snooze(&self, seconds: u32) -> zbus::Result<()>;
    fn skip(&self) -> zbus::Result<()>;
    fn pause(&self, until: &str) -> zbus::Result<()>;
    fn resume(&self) -> zbus::Result<()>;
    fn quit(&self) -> zbus::Result<()>;
    fn open_history(&self) -> zbus::Result<()>;
    fn open_settings(&self) -> zbus::Result<()>;
}
