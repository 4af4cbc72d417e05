//! The one question Unhunch asks by itself: on its first start from the application menu, whether
//! it should start at every login. When to ask, and what is remembered of the answer.
//!
//! Only a start from the menu asks (the desktop entry runs `unhunch --from-menu`): a start from a
//! terminal, a script, a test or the login itself is no moment to ask. An answer is remembered and
//! never asked for again, and so is having told the user the command because the desktop could not
//! ask (no notification server, or one without actions). A question closed without an answer is
//! not an answer: it is asked again on the next start from the menu, which is rare, since once
//! Unhunch starts at login nobody starts it from the menu.

/// What the user (or the desktop) answered, as remembered in the state file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// "Start at login": the autostart entry was written.
    StartAtLogin,
    /// "Not now".
    NotNow,
    /// The desktop could not ask, so the user was told `unhunch autostart on` instead.
    ToldTheCommand,
}

/// Whether to ask now: started from the menu, never asked before, and not starting at login yet
/// (an autostart entry, written by `unhunch autostart on` or by hand, is an answer already).
pub fn should_ask(started_from_menu: bool, asked_before: bool, starts_at_login: bool) -> bool {
    started_from_menu && !asked_before && !starts_at_login
}

impl Answer {
    /// The word the state file holds.
    pub fn word(self) -> &'static str {
        match self {
            Answer::StartAtLogin => "start-at-login",
            Answer::NotNow => "not-now",
            Answer::ToldTheCommand => "told-the-command",
        }
    }

    /// The state file's text: the answer, with a comment saying what the file is for.
    pub fn state_file_text(self) -> String {
        format!(
            "# Unhunch asked once, on its first start from the application menu, whether to start\n\
             # at login. Delete this file to be asked again; `unhunch autostart on|off` changes it.\n\
             answer = \"{}\"\n",
            self.word()
        )
    }

    /// The answer a state file remembers. Any file counts as asked, even one that cannot be read
    /// this way (edited, damaged): a question is never asked twice because of a file's contents.
    pub fn from_state_file(text: &str) -> Option<Answer> {
        [Answer::StartAtLogin, Answer::NotNow, Answer::ToldTheCommand]
            .into_iter()
            .find(|answer| text.contains(&format!("answer = \"{}\"", answer.word())))
    }
}
