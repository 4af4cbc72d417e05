//! Tests of the functional core (`unhunch-core`): the break engine as timelines, settings and
//! routine files, the shuffle bag, the history model, and the tidy checks that keep the core pure
//! and the daemon's layers in order.

mod broken_files;
mod daemon_layers;
mod deferral;
mod engine;
mod engine_properties;
mod fuzz;
mod history;
mod history_stats;
mod lock_and_sleep;
mod login_question;
mod picker;
mod plan;
mod routines;
mod schedule;
mod settings;
mod tidy;
mod time_and_duration;
mod time_away;
mod timeline;
mod warm_start;
mod words;
