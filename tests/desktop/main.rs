//! The daemon and CLI on a real desktop session (Xvfb, D-Bus session, dunst, SNI tray).
//!
//! Every test starts its own [`unhunch_tests::desktop::Session`] and its own daemon with a fresh
//! HOME, usually with a break interval of a few seconds, and then acts as a user would: through
//! dunst, the tray's dbusmenu, the `unhunch` command and the config file. Nothing is mocked but
//! the stretch window in `window_contract`, whose protocol is tested there on its own.

use unhunch_tests::daemon;

mod cli;
mod config;
mod degraded;
mod notifications;
mod servers;
mod tray;
mod window_contract;
