//! `unhunch`: with no arguments, the background daemon; with a subcommand, its command-line client.

mod autostart;
mod bus;
mod checks;
mod cli;
mod client;
mod clock;
mod daemon;
mod effects;
mod files;
mod history_report;
mod icon;
mod idle;
mod logging;
mod open;
mod status;
mod tray;
mod watch;

fn main() -> std::process::ExitCode {
    cli::run(std::env::args_os().skip(1).collect())
}
