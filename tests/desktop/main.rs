//! The daemon and CLI on a real desktop session (Xvfb or sway/weston headless, D-Bus session, dunst, SNI tray).
//!
//! Every test starts its own [`unhunch_tests::desktop::Session`] and its own daemon with a fresh
//! HOME, usually with a break interval of a few seconds, and then acts as a user would: through
//! dunst, the tray's dbusmenu, the `unhunch` command and the config file. Nothing is mocked but
//! the stretch window in `window_contract`, whose protocol is tested there on its own.
//!
//! Every session has an idle source but weston's: Xvfb's MIT-SCREEN-SAVER extension, which counts
//! the time since the last input, or since the server started when there was none; on sway its
//! `org_kde_kwin_idle` notifications, which count from the daemon's start. The daemon's rules
//! apply in every test as they do for users: a spell of `natural_break` (3 min) is a natural
//! break, a break whose time comes after a third of that without input waits for the user, and
//! one whose time comes within `wait_for_pause` (10 s) of an input waits for a pause. The tests
//! about other things keep within that: their breaks come seconds after the session starts or
//! after the click that began the interval, so at most a few seconds' wait for a pause (which
//! their timeouts allow, and which leaves `next_break_at` unchanged); a test that awaits a break
//! coming a minute or more after the last input must give input first, or set `natural_break`
//! long. `idle.rs` tests the rules themselves, with `natural_break` set short and input given
//! through XTEST (`idle_wayland.rs`: through wtype and sway's seat cursor).

use unhunch_tests::daemon;

mod cli;
mod config;
mod deferral;
mod degraded;
mod first_start;
mod idle;
mod idle_wayland;
mod logind;
mod notifications;
mod schedule;
mod servers;
mod tray;
mod warm_start;
mod wayland;
mod window_contract;
mod window_managers;
