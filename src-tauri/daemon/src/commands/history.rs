//! `unhunch history`: the breaks day by day, read straight from the history file (no daemon
//! needed).

use crate::exit;
use crate::files::Paths;
use crate::history_summary::{render, summaries};

pub fn run(json: bool, days: u32) -> u8 {
    let paths = match Paths::from_environment() {
        Ok(paths) => paths,
        Err(why) => {
            eprintln!("unhunch: {why}");
            return exit::FAILED;
        }
    };
    let summaries = match summaries(&paths.history_file, days) {
        Ok(summaries) => summaries,
        Err(why) => {
            eprintln!(
                "unhunch: cannot read {}: {why}",
                paths.history_file.display()
            );
            return exit::FAILED;
        }
    };
    if json {
        match serde_json::to_string_pretty(&summaries) {
            Ok(text) => println!("{text}"),
            Err(why) => {
                eprintln!("unhunch: cannot write the history as JSON: {why}");
                return exit::FAILED;
            }
        }
    } else {
        print!("{}", render(&summaries, days));
    }
    exit::OK
}
