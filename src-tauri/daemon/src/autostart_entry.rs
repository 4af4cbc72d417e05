//! The XDG autostart entry that starts Unhunch with the desktop session
//! (`$XDG_CONFIG_HOME/autostart/unhunch.desktop`, which GNOME, KDE, Xfce and most others honour):
//! written by `unhunch autostart on` and by "Start at login" on the first start's question. Its
//! text and place come from the core (`unhunch_core::autostart`), which the settings window's
//! switch uses too.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Where the entry is, or `None` when there is no home folder to put it in.
pub fn path() -> Option<PathBuf> {
    let config = directories::BaseDirs::new()?.config_dir().to_path_buf();
    Some(unhunch_core::autostart::entry_path(&config))
}

/// Whether Unhunch starts at login (the entry is there, whoever wrote it).
pub fn exists() -> bool {
    path().is_some_and(|path| path.exists())
}

/// Writes the entry that starts `program`; returns where it is. An error names the file.
pub fn write(program: &Path) -> io::Result<PathBuf> {
    let entry = path().ok_or_else(no_home)?;
    entry
        .parent()
        .map_or(Ok(()), fs::create_dir_all)
        .and_then(|()| fs::write(&entry, unhunch_core::autostart::desktop_entry(program)))
        .map_err(|error| naming(&entry, error))?;
    Ok(entry)
}

/// Removes the entry; returns where it was, or `None` when there was none.
pub fn remove() -> io::Result<Option<PathBuf>> {
    let entry = path().ok_or_else(no_home)?;
    match fs::remove_file(&entry) {
        Ok(()) => Ok(Some(entry)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(naming(&entry, error)),
    }
}

/// The error with the file's path in front, so the message says which file.
fn naming(entry: &Path, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", entry.display()))
}

fn no_home() -> io::Error {
    io::Error::other(
        "the autostart entry: there is no home folder to put it in; set HOME (or XDG_CONFIG_HOME)",
    )
}
