//! What the commands write to the terminal, written so that a closed pipe ends the output
//! quietly: `unhunch status | head -1` must not panic when `head` has read its line.
//!
//! Rust's `println!` panics when stdout is a pipe nobody reads any more (EPIPE). A command has
//! done its work by the time it reports it, so a reader that went away changes nothing: the rest
//! of the text is dropped and the command ends with its usual exit code.

use std::fmt::Display;
use std::io::Write;

/// A line on stdout.
pub fn say(text: impl Display) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// Text on stdout as it is, without adding a line end.
pub fn say_as_is(text: impl Display) {
    let _ = write!(std::io::stdout().lock(), "{text}");
}

/// A line on stderr: mistakes and refusals.
pub fn complain(text: impl Display) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}
