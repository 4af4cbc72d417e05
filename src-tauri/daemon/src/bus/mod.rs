//! Unhunch on the session bus: the names both sides agree on, the daemon's service, and the
//! command-line client's proxy.
//!
//! See the README for the interface; `service` decides nothing, it only turns calls into
//! messages for the owner task.

pub mod proxy;
pub mod service;

pub const BUS_NAME: &str = "dev.unhunch.Unhunch";
pub const OBJECT_PATH: &str = "/dev/unhunch/Unhunch";
