//! The user's files: where they live, loading config and routines, and reading the history.
//!
//! Rules kept here: the config file is never rewritten (the example is only ever created where
//! no file exists, atomically); a damaged history line is skipped with a warning and left in
//! place; only regular files are ever read, and never in a way that can block (a named pipe or a
//! device where a file should be is refused with a message instead). Appending to the history is
//! an effect of a break, so it lives in `effects::history`.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use directories::ProjectDirs;
use unhunch_core::history::HistoryRecord;
use unhunch_core::routine::RoutineSet;
use unhunch_core::settings::EXAMPLE_CONFIG;
use unhunch_core::{Problem, Settings};

/// Where Unhunch keeps its files, following the XDG base directories.
#[derive(Debug, Clone)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub config_file: PathBuf,
    pub routines_dir: PathBuf,
    pub history_file: PathBuf,
    pub state_dir: PathBuf,
}

impl Paths {
    pub fn from_environment() -> Result<Paths, String> {
        let dirs = ProjectDirs::from("dev", "unhunch", "unhunch").ok_or(
            "cannot tell where your home folder is: set HOME (or the XDG_*_HOME variables).",
        )?;
        let config_dir = dirs.config_dir().to_path_buf();
        let data_dir = dirs.data_dir().to_path_buf();
        let state_dir = dirs
            .state_dir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| data_dir.join("state"));
        Ok(Paths {
            config_file: config_dir.join("config.toml"),
            config_dir,
            routines_dir: data_dir.join("routines"),
            history_file: data_dir.join("history.jsonl"),
            state_dir,
        })
    }

    pub fn log_file(&self) -> PathBuf {
        self.state_dir.join("unhunch.log")
    }

    /// Remembers that the question about starting at login was asked, and the answer.
    pub fn login_question_file(&self) -> PathBuf {
        self.state_dir.join("login-question")
    }
}

/// What loading the config found: the settings to use, and what was wrong with the file.
#[derive(Debug)]
pub enum ConfigLoad {
    /// No file: the defaults apply.
    Missing,
    Valid(Settings),
    /// The file is there but cannot be used; every problem found.
    Invalid(Vec<Problem>),
}

/// The settings in `path`, with `[stretch] leave_out` checked against `routines`.
pub fn load_config(path: &Path, routines: &RoutineSet) -> ConfigLoad {
    match read_regular_file(path) {
        Err(ReadFailure::Io(error)) if error.kind() == io::ErrorKind::NotFound => {
            ConfigLoad::Missing
        }
        Err(ReadFailure::Io(error)) => {
            ConfigLoad::Invalid(vec![file_problem(path, format!("cannot be read: {error}"))])
        }
        Err(ReadFailure::NotRegular(what)) => ConfigLoad::Invalid(vec![file_problem(
            path,
            format!(
                "is {what}, not a regular file, so Unhunch does not read it. Replace it with a \
                 regular file, or remove it to use the default settings."
            ),
        )]),
        Ok(bytes) => match String::from_utf8(bytes) {
            Err(_) => ConfigLoad::Invalid(vec![file_problem(path, "is not UTF-8 text".into())]),
            Ok(text) => {
                match Settings::parse_with_routines(&path.display().to_string(), &text, routines) {
                    Ok(settings) => ConfigLoad::Valid(settings),
                    Err(problems) => ConfigLoad::Invalid(problems),
                }
            }
        },
    }
}

/// Writes the commented example config where there is no file yet. Atomic and never clobbering:
/// the text goes to a temporary file that is then hard-linked into place, which fails if a file
/// appeared meanwhile. Returns whether it wrote the file.
pub fn write_example_config_if_missing(path: &Path) -> io::Result<bool> {
    if path.exists() {
        return Ok(false);
    }
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::other("config path has no folder"))?;
    fs::create_dir_all(dir)?;
    let temporary = dir.join(format!(".config.toml.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)?;
        file.write_all(EXAMPLE_CONFIG.as_bytes())?;
        file.sync_all()?;
        match fs::hard_link(&temporary, path) {
            Ok(()) => Ok(true),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            Err(error) => Err(error),
        }
    })();
    let _ = fs::remove_file(&temporary);
    result
}

/// Writes the state file that remembers `text` (the answer to the question about starting at
/// login), atomically: a temporary file renamed into place, so it is never half written.
pub fn write_state_file(path: &Path, text: &str) -> io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::other("the state file has no folder"))?;
    fs::create_dir_all(dir)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = fs::write(&temporary, text).and_then(|()| fs::rename(&temporary, path));
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    written
}

/// The user's routine files, `*.toml` in `dir` sorted by name, as `(display path, text)`, plus a
/// problem for each file that could not be read. A missing folder simply has no routines.
pub fn read_routine_files(dir: &Path) -> (Vec<(String, String)>, Vec<Problem>) {
    let paths = match toml_files_in(dir) {
        Ok(paths) => paths,
        Err(error) if error.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(error) => {
            return (
                Vec::new(),
                vec![file_problem(dir, format!("cannot be read: {error}"))],
            );
        }
    };
    read_files(&paths)
}

/// The `*.toml` files in `dir`, sorted by name.
pub fn toml_files_in(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "toml")
        })
        .collect();
    paths.sort();
    Ok(paths)
}

/// Reads the given files as `(display path, text)`, with a problem for each unreadable one.
pub fn read_files(paths: &[PathBuf]) -> (Vec<(String, String)>, Vec<Problem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match read_regular_file(path).map(String::from_utf8) {
            Ok(Ok(text)) => files.push((path.display().to_string(), text)),
            Ok(Err(_)) => problems.push(file_problem(path, "is not UTF-8 text".into())),
            Err(ReadFailure::NotRegular(what)) => problems.push(file_problem(
                path,
                format!(
                    "is {what}, not a regular file, so Unhunch does not read it. Remove it, or \
                     rename it so its name does not end in .toml."
                ),
            )),
            Err(ReadFailure::Io(error)) => {
                problems.push(file_problem(path, format!("cannot be read: {error}")))
            }
        }
    }
    (files, problems)
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadFailure {
    /// It is something other than a regular file; says what, as "a named pipe (FIFO)".
    NotRegular(&'static str),
    Io(io::Error),
}

impl std::fmt::Display for ReadFailure {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadFailure::NotRegular(what) => write!(formatter, "it is {what}, not a regular file"),
            ReadFailure::Io(error) => error.fmt(formatter),
        }
    }
}

/// `O_NONBLOCK` (the same value on every Linux architecture Unhunch builds for): opening a named
/// pipe with it returns at once instead of waiting for a writer.
const O_NONBLOCK: i32 = 0o4000;
/// `O_NOCTTY`: a terminal device opened by mistake never becomes the daemon's terminal.
const O_NOCTTY: i32 = 0o400;

/// Reads a whole regular file. Anything else (a named pipe, a device, a socket, a folder) is
/// refused, because reading it could block the daemon for good or never end: it is looked at
/// before opening, and opened without blocking and checked again, in case it was swapped between.
pub fn read_regular_file(path: &Path) -> Result<Vec<u8>, ReadFailure> {
    let mut file = open_regular(path, OpenOptions::new().read(true))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(ReadFailure::Io)?;
    Ok(bytes)
}

/// Opens `path` with `options` only if it is a regular file (or does not exist yet, when the
/// options create it), without ever blocking on a named pipe.
pub fn open_regular(path: &Path, options: &mut OpenOptions) -> Result<File, ReadFailure> {
    match fs::metadata(path) {
        Ok(metadata) => {
            if let Some(what) = not_regular(&metadata.file_type()) {
                return Err(ReadFailure::NotRegular(what));
            }
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => return Err(ReadFailure::Io(error)),
    }
    let file = options
        .custom_flags(O_NONBLOCK | O_NOCTTY)
        .open(path)
        .map_err(ReadFailure::Io)?;
    let metadata = file.metadata().map_err(ReadFailure::Io)?;
    if let Some(what) = not_regular(&metadata.file_type()) {
        return Err(ReadFailure::NotRegular(what));
    }
    Ok(file)
}

/// What a file is when it is not a regular file, in the user's words.
fn not_regular(file_type: &fs::FileType) -> Option<&'static str> {
    if file_type.is_file() {
        None
    } else if file_type.is_dir() {
        Some("a folder")
    } else if file_type.is_fifo() {
        Some("a named pipe (FIFO)")
    } else if file_type.is_socket() {
        Some("a socket")
    } else if file_type.is_char_device() || file_type.is_block_device() {
        Some("a device")
    } else {
        Some("something other than a file")
    }
}

/// The built-in routines plus the user's, with every problem in the user's files.
pub fn load_routines(dir: &Path) -> (RoutineSet, Vec<Problem>) {
    let (files, mut problems) = read_routine_files(dir);
    let (routines, routine_problems) = RoutineSet::builtin().with_user_files(&files);
    problems.extend(routine_problems);
    (routines, problems)
}

/// Every readable history record, and a warning (with the line number) for each line that is
/// damaged. Damaged lines are never rewritten: the file stays as it is.
pub fn read_history(path: &Path) -> io::Result<(Vec<HistoryRecord>, Vec<String>)> {
    let bytes = match read_regular_file(path) {
        Err(ReadFailure::Io(error)) if error.kind() == io::ErrorKind::NotFound => {
            return Ok((Vec::new(), Vec::new()));
        }
        Err(ReadFailure::Io(error)) => return Err(error),
        Err(ReadFailure::NotRegular(what)) => {
            return Err(io::Error::other(format!(
                "it is {what}, not a regular file; move it away and Unhunch starts a new history"
            )));
        }
        Ok(bytes) => bytes,
    };
    let mut records = Vec::new();
    let mut warnings = Vec::new();
    for (index, line) in bytes.split(|byte| *byte == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<HistoryRecord>(line) {
            Ok(record) => records.push(record),
            Err(error) => warnings.push(format!(
                "{}:{}: skipped a damaged history line ({error}); it is left as it is.",
                path.display(),
                index + 1
            )),
        }
    }
    Ok((records, warnings))
}

/// A problem with a whole file or folder (it cannot be read, it is not text), with no line.
pub fn file_problem(path: &Path, message: String) -> Problem {
    Problem::whole_file(path.display().to_string(), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temporary_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("unhunch-files-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_example_config_is_written_only_where_no_file_is() {
        let dir = temporary_dir("example");
        let path = dir.join("unhunch").join("config.toml");
        assert!(write_example_config_if_missing(&path).unwrap());
        assert_eq!(fs::read_to_string(&path).unwrap(), EXAMPLE_CONFIG);
        fs::write(&path, "[breaks]\ninterval = \"10m\"\n").unwrap();
        assert!(!write_example_config_if_missing(&path).unwrap());
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "[breaks]\ninterval = \"10m\"\n"
        );
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("config.toml")]);
        fs::remove_dir_all(dir).unwrap();
    }
}
