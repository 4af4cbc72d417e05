//! Start-up marks for finding where the cold start's time goes: with `UNHUNCH_WINDOW_TRACE=1` the
//! window writes `unhunch-window: trace <unix time in µs> <what>` on stderr at each stage, in wall
//! clock time so they line up with `strace -tt` and the daemon's log. Off, a mark costs one check.

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// The variable that turns the marks on.
pub const TRACE_VARIABLE: &str = "UNHUNCH_WINDOW_TRACE";

/// Writes a mark for `stage` when tracing is on.
pub fn mark(stage: &str) {
    static ON: OnceLock<bool> = OnceLock::new();
    if !*ON.get_or_init(|| std::env::var_os(TRACE_VARIABLE).is_some_and(|value| value == "1")) {
        return;
    }
    let micros = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_micros());
    crate::say(&format!("trace {micros} {stage}"));
}
