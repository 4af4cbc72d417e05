//! A problem found in a user's file, pointing at the file, line and key, with what would be accepted.

use std::fmt;

/// One mistake in a config or routine file. Displayed as
/// `path:line:column: key: message` followed by an indented `help:` line when there is one,
/// so editors and terminals can jump straight to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file as the user knows it (a path, or `<built-in>/name.toml` for embedded files).
    pub file: String,
    /// 1-based line; 0 when the problem is about the file as a whole.
    pub line: usize,
    /// 1-based column; 0 when unknown.
    pub column: usize,
    /// Dotted key path such as `breaks.interval`, empty when the problem is not about one key.
    pub key: String,
    /// What is wrong, as a sentence fragment: "\"25 minutes\" is not a duration".
    pub message: String,
    /// What would be accepted or what to do: "write it like \"25m\", \"90s\" or \"1h30m\"".
    pub help: Option<String>,
}

impl Problem {
    /// A problem with a whole file or folder (it cannot be read, it is not text), with no line.
    pub fn whole_file(file: String, message: String) -> Problem {
        Problem {
            file,
            line: 0,
            column: 0,
            key: String::new(),
            message,
            help: None,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        write!(f, ": ")?;
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        write!(f, "{}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problem {}
