//! The commands that do not run the daemon: the client that calls it over D-Bus, the file
//! checks, the history report and the autostart switch. Each returns its exit code, and writes
//! to the terminal through `crate::output`, which a closed pipe does not upset.

pub mod autostart;
pub mod checks;
pub mod client;
pub mod history;
