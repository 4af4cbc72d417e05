//! `unhunch history`: the breaks day by day, read straight from the history file (no daemon
//! needed).

use crate::exit;
use crate::files::Paths;
use crate::history_summary::{render, summaries};
use crate::output::{complain, say, say_as_is};

pub fn run(json: bool, days: u32) -> u8 {
    let paths = match Paths::from_environment() {
        Ok(paths) => paths,
        Err(why) => {
            complain(format_args!("unhunch: {why}"));
            return exit::FAILED;
        }
    };
    let summaries = match summaries(&paths.history_file, days) {
        Ok(summaries) => summaries,
        Err(why) => {
            complain(format_args!(
                "unhunch: cannot read {}: {why}",
                paths.history_file.display()
            ));
            return exit::FAILED;
        }
    };
    if json {
        match serde_json::to_string_pretty(&summaries) {
            Ok(text) => say(text),
            Err(why) => {
                complain(format_args!(
                    "unhunch: cannot write the history as JSON: {why}"
                ));
                return exit::FAILED;
            }
        }
    } else {
        say_as_is(render(&summaries, days));
    }
    exit::OK
}
