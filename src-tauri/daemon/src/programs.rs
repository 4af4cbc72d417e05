//! Where Unhunch's own programs are: this one, even after an upgrade replaced its file, and the
//! others installed next to it (`unhunch-window`).

use std::path::{Path, PathBuf};

/// What Linux appends to `/proc/self/exe` once the running program's file has been replaced or
/// removed, as `dpkg` does when it installs a newer version over a running Unhunch.
const REPLACED_SUFFIX: &str = " (deleted)";

/// The path this program was started from. After an upgrade the kernel reads it as
/// `/usr/bin/unhunch (deleted)`; the path without the suffix is where the new version now is,
/// which is what an autostart entry must name and where the programs beside it are found.
pub fn this_program() -> std::io::Result<PathBuf> {
    std::env::current_exe().map(|path| without_replaced_suffix(&path))
}

/// The program `name` in the folder this program was started from, if it is there.
pub fn beside_this_program(name: &str) -> Option<PathBuf> {
    this_program()
        .ok()
        .map(|program| program.with_file_name(name))
        .filter(|beside| beside.is_file())
}

fn without_replaced_suffix(path: &Path) -> PathBuf {
    match path
        .to_str()
        .and_then(|text| text.strip_suffix(REPLACED_SUFFIX))
    {
        Some(original) => PathBuf::from(original),
        None => path.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_replaced_by_an_upgrade_is_found_where_the_new_one_is() {
        assert_eq!(
            without_replaced_suffix(Path::new("/usr/bin/unhunch (deleted)")),
            Path::new("/usr/bin/unhunch")
        );
        assert_eq!(
            without_replaced_suffix(Path::new("/home/a (deleted) b/unhunch")),
            Path::new("/home/a (deleted) b/unhunch")
        );
        assert_eq!(
            without_replaced_suffix(Path::new("/usr/bin/unhunch (deleted)"))
                .with_file_name("unhunch-window"),
            Path::new("/usr/bin/unhunch-window")
        );
    }
}
