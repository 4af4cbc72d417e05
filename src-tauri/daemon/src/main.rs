//! `unhunch`: with no arguments, the background daemon; with a subcommand, its command-line client.
//!
//! The modules form layers that only ever depend downwards (`tests/core/tidy.rs` checks it):
//! - top: `main` and `cli`, the argument parser;
//! - commands: `daemon` (start-up of the daemon) and `commands/`, what each command does;
//! - the owner: `owner`, the one task that holds the engine;
//! - effects: `effects/mod.rs`, the one place where the engine's effects become IO;
//! - adapters, each one outside party: `bus/`, `tray`, `idle/`, `logind`, `watch`, and the
//!   notifications, windows, history file and desktop openers in `effects/`;
//! - leaves, which know nothing above them: `exit`, `command`, `inbox`, `clock`, `files`,
//!   `status`, `history_summary`, `icon`, `logging`, `output`, `programs`, `autostart_entry`, and
//!   `bus`'s names.

mod autostart_entry;
mod bus;
mod cli;
mod clock;
mod command;
mod commands;
mod daemon;
mod effects;
mod exit;
mod files;
mod history_summary;
mod icon;
mod idle;
mod inbox;
mod interruptions;
mod logging;
mod logind;
mod output;
mod owner;
mod programs;
mod status;
mod tray;
mod watch;

fn main() -> std::process::ExitCode {
    cli::run(std::env::args_os().skip(1).collect())
}
