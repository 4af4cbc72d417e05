//! The .deb itself: the files `install-files` lists with the right owners and modes, control fields
//! with dependencies computed from what the binaries link, no lintian error, a desktop entry and an
//! AppStream file their validators accept; and `install-files` under a home prefix, as `make
//! install PREFIX=~/.local` runs it.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Command;

use super::{deb_path, packaging, run, staged_root, stdout_of, top};

/// The files `install-files` installs under `prefix`.
fn listed_files(prefix: &str) -> BTreeSet<String> {
    stdout_of(Command::new(packaging().join("install-files")).args(["list", prefix]))
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_deb_holds_exactly_the_listed_files_owned_by_root() {
    let listing = stdout_of(Command::new("dpkg-deb").arg("--contents").arg(deb_path()));
    let mut files = BTreeSet::new();
    for line in listing.lines() {
        // -rwxr-xr-x root/root   2800000 2026-12-01 12:00 ./usr/bin/unhunch
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (mode, owner, path) = (fields[0], fields[1], fields[fields.len() - 1]);
        assert_eq!(owner, "root/root", "{line}");
        let path = path.trim_start_matches('.').to_owned();
        match &mode[..1] {
            "d" => assert_eq!(mode, "drwxr-xr-x", "{line}"),
            "-" => {
                let expected = if path.starts_with("/usr/bin/") {
                    "-rwxr-xr-x"
                } else {
                    "-rw-r--r--"
                };
                assert_eq!(mode, expected, "{line}");
                files.insert(path);
            }
            _ => panic!("the package holds something other than files and folders: {line}"),
        }
    }
    let listed = listed_files("/usr");
    assert_eq!(files, listed, "the .deb and install-files disagree");
    for needed in [
        "/usr/bin/unhunch",
        "/usr/bin/unhunch-window",
        "/usr/share/applications/unhunch.desktop",
        "/usr/share/metainfo/dev.unhunch.Unhunch.metainfo.xml",
        "/usr/share/icons/hicolor/scalable/apps/unhunch.svg",
        "/usr/share/icons/hicolor/48x48/apps/unhunch.png",
        "/usr/share/icons/hicolor/256x256/apps/unhunch.png",
        "/usr/share/man/man1/unhunch.1.gz",
        "/usr/share/bash-completion/completions/unhunch",
        "/usr/share/zsh/vendor-completions/_unhunch",
        "/usr/share/fish/vendor_completions.d/unhunch.fish",
        "/usr/share/doc/unhunch/copyright",
    ] {
        assert!(files.contains(needed), "the .deb lacks {needed}");
    }
    // Each PNG is the size its folder says.
    for size in [16, 48, 512] {
        let png = staged_root().join(format!(
            "usr/share/icons/hicolor/{size}x{size}/apps/unhunch.png"
        ));
        let bytes = fs::read(&png).unwrap_or_else(|error| panic!("{}: {error}", png.display()));
        let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
        assert_eq!((width, height), (size, size), "{}", png.display());
    }
}

/// The shared libraries an ELF file asks for (`NEEDED` entries).
fn needed_libraries(binary: &Path) -> BTreeSet<String> {
    stdout_of(Command::new("objdump").arg("-p").arg(binary))
        .lines()
        .filter_map(|line| line.trim().strip_prefix("NEEDED"))
        .map(|name| name.trim().to_owned())
        .collect()
}

/// The Debian package that ships library `soname` for this machine's architecture.
fn package_of_library(soname: &str, multiarch: &str) -> String {
    let owners = stdout_of(Command::new("dpkg-query").args(["--search", &format!("*/{soname}")]));
    owners
        .lines()
        .filter(|line| line.ends_with(&format!("/{multiarch}/{soname}")))
        .filter_map(|line| line.split(':').next())
        .find(|package| !package.contains(','))
        .unwrap_or_else(|| panic!("no package owns {soname}: {owners}"))
        .to_owned()
}

#[test]
fn the_control_fields_name_the_version_and_the_libraries_the_binaries_link() {
    let deb = deb_path();
    let field = |name: &str| {
        stdout_of(Command::new("dpkg-deb").arg("--field").arg(&deb).arg(name))
            .trim()
            .to_owned()
    };
    assert_eq!(field("Package"), "unhunch");
    assert_eq!(field("Version"), env!("CARGO_PKG_VERSION"));
    assert_eq!(
        field("Architecture"),
        stdout_of(Command::new("dpkg").arg("--print-architecture")).trim()
    );
    assert!(field("Description").starts_with("gentle stretch breaks"));
    let depends = field("Depends");
    eprintln!("Depends: {depends}");
    let depended: BTreeSet<String> = depends
        .split(',')
        .flat_map(|alternatives| alternatives.split('|'))
        .filter_map(|dependency| dependency.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    for runtime in ["libwebkit2gtk-4.1-0", "libgtk-3-0", "libc6"] {
        assert!(
            depended.contains(runtime),
            "Depends lacks {runtime}: {depends}"
        );
    }
    let development: Vec<_> = depended
        .iter()
        .filter(|name| name.ends_with("-dev"))
        .collect();
    assert!(
        development.is_empty(),
        "Depends names development packages: {development:?}"
    );

    // Computed, not guessed: the dependencies are exactly the packages of the linked libraries.
    let daemon = needed_libraries(&staged_root().join("usr/bin/unhunch"));
    let window = needed_libraries(&staged_root().join("usr/bin/unhunch-window"));
    assert!(
        !daemon
            .iter()
            .any(|library| library.contains("webkit") || library.contains("gtk")),
        "the daemon links GTK or WebKit: {daemon:?}"
    );
    let multiarch = stdout_of(Command::new("dpkg-architecture").arg("-qDEB_HOST_MULTIARCH"));
    let linked: BTreeSet<String> = daemon
        .union(&window)
        .map(|soname| package_of_library(soname, multiarch.trim()))
        .collect();
    assert_eq!(depended, linked, "Depends is not what the binaries link");
}

#[test]
fn lintian_finds_no_errors() {
    let output = run(Command::new("lintian")
        .args(["--tag-display-limit", "0", "--display-info"])
        .arg(deb_path()));
    let report = String::from_utf8_lossy(&output.stdout).into_owned();
    let problems = String::from_utf8_lossy(&output.stderr).into_owned();
    // Shown with --nocapture: the warnings are accepted, but worth reading.
    eprintln!("lintian:\n{report}{problems}");
    let errors: Vec<&str> = report
        .lines()
        .filter(|line| line.starts_with("E:"))
        .collect();
    assert!(errors.is_empty(), "lintian errors:\n{}", errors.join("\n"));
    // Lintian exits with 0 when it found no error, and with 2 when it could not check at all.
    assert_eq!(output.status.code(), Some(0), "lintian failed: {problems}");
}

#[test]
fn the_desktop_entry_and_the_appstream_file_validate_and_agree() {
    let share = staged_root().join("usr/share");
    let desktop = share.join("applications/unhunch.desktop");
    let validated = run(Command::new("desktop-file-validate").arg(&desktop));
    assert!(
        validated.status.success() && validated.stdout.is_empty(),
        "desktop-file-validate: {}{}",
        String::from_utf8_lossy(&validated.stdout),
        String::from_utf8_lossy(&validated.stderr)
    );
    // --no-net: the screenshots' web addresses cannot be fetched on an offline build machine.
    let metainfo = share.join("metainfo/dev.unhunch.Unhunch.metainfo.xml");
    let validated = run(Command::new("appstreamcli")
        .args(["validate", "--no-net", "--explain"])
        .arg(&metainfo));
    assert!(
        validated.status.success(),
        "appstreamcli validate: {}{}",
        String::from_utf8_lossy(&validated.stdout),
        String::from_utf8_lossy(&validated.stderr)
    );

    let entry = fs::read_to_string(&desktop).expect("read the desktop entry");
    let key = |name: &str| {
        entry
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("the desktop entry has no {name}="))
            .to_owned()
    };
    assert_eq!(
        key("Exec"),
        "unhunch --from-menu",
        "the menu starts the daemon on the PATH, saying it was the menu (which asks about login once)"
    );
    let icon = key("Icon");
    assert!(
        share
            .join(format!("icons/hicolor/scalable/apps/{icon}.svg"))
            .is_file()
    );

    let xml = fs::read_to_string(&metainfo).expect("read the metainfo");
    assert!(xml.contains("<launchable type=\"desktop-id\">unhunch.desktop</launchable>"));
    assert!(xml.contains(&format!("<icon type=\"stock\">{icon}</icon>")));
    assert!(
        xml.contains(&format!(
            "<release version=\"{}\"",
            env!("CARGO_PKG_VERSION")
        )),
        "the metainfo has no release entry for this version"
    );
    // The screenshots are the README's pictures.
    let readme = fs::read_to_string(top().join("README.md")).expect("read the README");
    let shots: Vec<&str> = xml
        .split("<image>")
        .skip(1)
        .filter_map(|rest| rest.split("</image>").next())
        .collect();
    assert!(shots.len() >= 4, "{shots:?}");
    for shot in shots {
        let name = shot.rsplit('/').next().unwrap_or(shot);
        assert!(shot.starts_with("https://"), "{shot}");
        assert!(
            top().join("tests/screenshots").join(name).is_file()
                && readme.contains(&format!("tests/screenshots/{name}")),
            "the screenshot {shot} is not one of the README's"
        );
    }
}

#[test]
fn install_files_under_a_home_prefix_puts_everything_in_place_and_takes_it_away() {
    let prefix = std::env::temp_dir().join(format!("unhunch-prefix-{}", std::process::id()));
    let _ = fs::remove_dir_all(&prefix);
    // Someone else's program in the same bin folder stays.
    fs::create_dir_all(prefix.join("bin")).expect("create the prefix's bin folder");
    fs::write(prefix.join("bin/someone-else"), "#!/bin/sh\n").expect("write another program");
    let prefix_text = prefix.to_str().expect("the temporary folder is UTF-8");
    let install_files = |action: &str| {
        stdout_of(
            Command::new(packaging().join("install-files"))
                .args([action, prefix_text])
                .env("UNHUNCH_BINARIES", staged_root().join("usr/bin")),
        )
    };

    install_files("install");
    let listed = listed_files(prefix_text);
    for path in &listed {
        assert!(Path::new(path).is_file(), "install put no {path}");
    }
    assert!(listed.contains(&format!("{prefix_text}/share/zsh/site-functions/_unhunch")));
    let entry = fs::read_to_string(prefix.join("share/applications/unhunch.desktop"))
        .expect("read the installed desktop entry");
    assert!(
        entry.contains(&format!("\nExec={prefix_text}/bin/unhunch --from-menu\n")),
        "under a home prefix the menu names the program in full: {entry}"
    );
    assert_eq!(
        stdout_of(Command::new(prefix.join("bin/unhunch")).arg("--version")),
        format!("unhunch {}\n", env!("CARGO_PKG_VERSION"))
    );

    install_files("uninstall");
    let left: Vec<_> = listed
        .iter()
        .filter(|path| Path::new(path).exists())
        .collect();
    assert!(left.is_empty(), "uninstall left {left:?}");
    assert!(!prefix.join("share/doc/unhunch").exists());
    assert!(
        prefix.join("bin/someone-else").is_file(),
        "uninstall removed another program"
    );
    fs::remove_dir_all(&prefix).expect("remove the temporary prefix");
}
