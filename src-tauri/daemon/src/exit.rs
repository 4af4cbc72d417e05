//! The exit codes of every `unhunch` command, as `--help` and the README document them.

pub const OK: u8 = 0;
/// The daemon refused, or a check found problems.
pub const FAILED: u8 = 1;
/// The command line itself was wrong.
pub const USAGE: u8 = 2;
/// No daemon is running.
pub const NOT_RUNNING: u8 = 3;
