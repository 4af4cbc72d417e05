//! config.toml on disk: read as it is when the window opens, and written back whole and
//! atomically (a temporary file renamed into place, as the daemon writes its files), so the
//! daemon's watch never reads half a file. A save checks first that the file is still what the
//! window read: an edit made meanwhile by hand is never overwritten.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The file's text, `None` when there is none (the defaults apply).
pub fn read(path: &Path) -> io::Result<Option<String>> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error),
    }
}

/// Why a save wrote nothing.
#[derive(Debug)]
pub enum SaveFailure {
    /// The file is no longer what the window read (it was edited, replaced or removed).
    ChangedOnDisk,
    Io(io::Error),
}

/// Writes `text` over `path` if the file still holds `read_at_open` (`None`: there was no file).
pub fn save(path: &Path, read_at_open: Option<&str>, text: &str) -> Result<(), SaveFailure> {
    let now = read(path).map_err(SaveFailure::Io)?;
    if now.as_deref() != read_at_open {
        return Err(SaveFailure::ChangedOnDisk);
    }
    write_atomically(path, text).map_err(SaveFailure::Io)
}

fn write_atomically(path: &Path, text: &str) -> io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::other("the settings file has no folder"))?;
    fs::create_dir_all(dir)?;
    let temporary = temporary_beside(path);
    let written = (|| {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        // The user's own permissions on the file stay as they set them.
        if let Ok(metadata) = fs::metadata(path) {
            fs::set_permissions(&temporary, metadata.permissions())?;
        }
        fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    written
}

/// A hidden name in the same folder (a rename only replaces atomically within one file system),
/// which the daemon's watch ignores: it reads only config.toml.
fn temporary_beside(path: &Path) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("unhunch-settings-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_save_replaces_the_file_it_read_and_leaves_nothing_else() {
        let dir = folder("save");
        let path = dir.join("config.toml");
        fs::write(&path, "[breaks]\n").unwrap();
        save(&path, Some("[breaks]\n"), "[breaks]\ninterval = \"9m\"\n").unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "[breaks]\ninterval = \"9m\"\n"
        );
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_not_overwritten() {
        let dir = folder("conflict");
        let path = dir.join("config.toml");
        fs::write(&path, "# edited by hand\n").unwrap();
        assert!(matches!(
            save(&path, Some("[breaks]\n"), "[breaks]\ninterval = \"9m\"\n"),
            Err(SaveFailure::ChangedOnDisk)
        ));
        assert!(matches!(
            save(&path, None, "x"),
            Err(SaveFailure::ChangedOnDisk)
        ));
        assert_eq!(fs::read_to_string(&path).unwrap(), "# edited by hand\n");
        fs::remove_dir_all(dir).unwrap();
    }
}
