//! Unhunch's functional core: the break engine, settings, routines and the history model.
//!
//! Architecture invariant: this crate never does IO. It reads no clock, sleeps never, touches no
//! file, socket or environment variable, and depends on no GUI, D-Bus or async runtime crate. Time
//! comes in as a [`Timestamp`] parameter and effects go out as plain data ([`engine::Effect`]); the
//! shells (daemon, window, CLI) are the only places that turn them into IO. `tests/core/tidy.rs`
//! keeps it that way.

pub mod autostart;
pub mod duration;
pub mod engine;
pub mod history;
pub mod history_stats;
pub mod login_question;
pub mod picker;
pub mod plan;
pub mod problem;
pub mod routine;
pub mod schedule;
pub mod settings;
pub mod text;
pub mod time;
mod toml_check;
pub mod words;

pub use duration::HumanDuration;
pub use engine::{Effect, Engine, Input, Status};
pub use problem::Problem;
pub use routine::Routine;
pub use settings::Settings;
pub use time::Timestamp;
