//! `unhunch --help`, the manual page unhunch(1) and the shell completions say the same: every
//! command and option of one is in the others, and so are the files, exit codes and environment.

use std::collections::BTreeSet;
use std::fs;
use std::process::Command;

use super::{packaging, run, staged_root, stdout_of, top};

/// `unhunch --help` from the packaged binary.
fn help() -> String {
    stdout_of(Command::new(staged_root().join("usr/bin/unhunch")).arg("--help"))
}

/// The usage forms of `--help`, such as `unhunch status [--json]`: each line's text before the
/// column of explanations.
fn help_usages(help: &str) -> BTreeSet<String> {
    help.lines()
        .map(str::trim_start)
        .filter(|line| line.starts_with("unhunch"))
        .map(|line| line.split("  ").next().unwrap_or(line).trim().to_owned())
        .collect()
}

/// The command names of the usage forms (`status`, `routines`…).
fn commands_of(usages: &BTreeSet<String>) -> BTreeSet<String> {
    usages
        .iter()
        .filter_map(|usage| usage.split_whitespace().nth(1))
        .filter(|word| !word.starts_with('-'))
        .map(str::to_owned)
        .collect()
}

/// Every `--option` written in `text`.
fn options_in(text: &str) -> BTreeSet<String> {
    text.split(|character: char| !(character.is_ascii_alphanumeric() || character == '-'))
        .filter(|word| word.starts_with("--") && word.len() > 2)
        .map(str::to_owned)
        .collect()
}

/// The manual page as lines of plain text: escapes and fonts removed, the text of `.B`, `.I`,
/// `.BR` and `.IR` kept, other requests (`.SH`, `.TP`…) kept as they are, comments dropped.
fn man_lines() -> Vec<String> {
    let roff = fs::read_to_string(packaging().join("unhunch.1")).expect("read unhunch.1");
    roff.lines()
        .filter(|line| !line.starts_with(".\\\""))
        .map(|line| {
            let text = line
                .replace("\\-", "-")
                .replace("\\(->", "→")
                .replace("\\fB", "")
                .replace("\\fI", "")
                .replace("\\fR", "")
                .replace("\\fP", "");
            match text.split_once(' ') {
                Some((".B" | ".I", rest)) => arguments(rest).join(" "),
                // The alternating-font requests join their arguments with no space between.
                Some((".BR" | ".IR" | ".RB" | ".RI", rest)) => arguments(rest).concat(),
                _ => text,
            }
        })
        .collect()
}

/// A request's arguments: words, or text in double quotes.
fn arguments(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for character in text.chars() {
        match character {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            other => word.push(other),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The lines of section `name` (after `.SH name`, up to the next `.SH`).
fn section(lines: &[String], name: &str) -> Vec<String> {
    lines
        .iter()
        .skip_while(|line| **line != format!(".SH {name}"))
        .skip(1)
        .take_while(|line| !line.starts_with(".SH "))
        .cloned()
        .collect()
}

/// The heads of a section's `.TP` paragraphs: the line after each `.TP`.
fn tagged_heads(lines: &[String]) -> Vec<String> {
    lines
        .windows(2)
        .filter(|pair| pair[0] == ".TP")
        .map(|pair| pair[1].clone())
        .collect()
}

fn assert_same(what: &str, from_help: &BTreeSet<String>, from_other: &BTreeSet<String>) {
    let missing: Vec<_> = from_help.difference(from_other).collect();
    let extra: Vec<_> = from_other.difference(from_help).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: in --help only: {missing:?}; there only: {extra:?}"
    );
}

#[test]
fn help_and_the_man_page_list_the_same_commands_and_options() {
    let help = help();
    let usages = help_usages(&help);
    assert!(
        usages.len() > 10,
        "--help lists too few commands: {usages:?}"
    );
    let lines = man_lines();

    let synopsis: BTreeSet<String> = section(&lines, "SYNOPSIS")
        .into_iter()
        .filter(|line| !line.starts_with('.'))
        .map(|line| line.trim().to_owned())
        .collect();
    assert_same("the usage forms of SYNOPSIS", &usages, &synopsis);

    let described = tagged_heads(&section(&lines, "COMMANDS"));
    for head in &described {
        let usage = format!("unhunch {head}");
        assert!(
            usages.contains(&usage),
            "COMMANDS describes `{usage}`, which --help does not list"
        );
    }
    let described_commands: BTreeSet<String> = described
        .iter()
        .filter_map(|head| head.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    assert_same(
        "the commands described under COMMANDS",
        &commands_of(&usages),
        &described_commands,
    );

    let help_options = options_in(&usages.iter().cloned().collect::<Vec<_>>().join(" "));
    assert!(help_options.contains("--version"), "{help_options:?}");
    let described_options: BTreeSet<String> = tagged_heads(&section(&lines, "OPTIONS"))
        .iter()
        .flat_map(|head| options_in(head))
        .collect();
    assert_same(
        "the options described under OPTIONS",
        &help_options,
        &described_options,
    );
    assert_same(
        "the options named anywhere in the man page",
        &options_in(&help),
        &options_in(&lines.join("\n")),
    );
}

#[test]
fn the_man_page_names_every_file_exit_code_and_environment_variable() {
    let help = help();
    let lines = man_lines();

    let help_files: BTreeSet<String> = help
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with("~/"))
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    assert!(help_files.len() >= 4, "{help_files:?}");
    let man_files: BTreeSet<String> = tagged_heads(&section(&lines, "FILES"))
        .into_iter()
        .collect();
    let unlisted: Vec<_> = help_files.difference(&man_files).collect();
    assert!(unlisted.is_empty(), "FILES lacks {unlisted:?}");

    // "Exit status: 0 done, 1 refused…, 2 …, 3 …." names each code before its meaning.
    let exit_line = help
        .lines()
        .find(|line| line.starts_with("Exit status:"))
        .expect("--help has an exit status line");
    let help_codes: BTreeSet<String> = exit_line["Exit status:".len()..]
        .split(',')
        .filter_map(|part| part.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    let man_codes: BTreeSet<String> = tagged_heads(&section(&lines, "EXIT STATUS"))
        .into_iter()
        .collect();
    assert_same("the exit codes", &help_codes, &man_codes);
    let exit_source = fs::read_to_string(top().join("src-tauri/daemon/src/exit.rs"))
        .expect("read the daemon's exit codes");
    let source_codes: BTreeSet<String> = exit_source
        .lines()
        .filter_map(|line| line.strip_prefix("pub const "))
        .filter_map(|line| line.split('=').nth(1))
        .map(|value| value.trim().trim_end_matches(';').to_owned())
        .collect();
    assert_same("the exit codes of exit.rs", &source_codes, &man_codes);

    // Every variable the daemon's (non-test) code reads is documented.
    let man_environment: BTreeSet<String> = tagged_heads(&section(&lines, "ENVIRONMENT"))
        .iter()
        .flat_map(|head| head.split(", ").map(str::to_owned).collect::<Vec<_>>())
        .collect();
    let read = variables_read_by_the_daemon();
    assert!(read.contains("RUST_LOG"), "{read:?}");
    let undocumented: Vec<_> = read.difference(&man_environment).collect();
    assert!(
        undocumented.is_empty(),
        "ENVIRONMENT lacks {undocumented:?}"
    );

    let title = lines
        .iter()
        .find(|line| line.starts_with(".TH "))
        .expect("the man page has a title line");
    assert!(
        title.contains(&format!("\"Unhunch {}\"", env!("CARGO_PKG_VERSION"))),
        "the man page names another version: {title}"
    );
}

/// The environment variables the daemon's code reads, as string literals next to `var`/`var_os`
/// or in a `…_VARIABLE` constant; test modules are left out.
fn variables_read_by_the_daemon() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut folders = vec![top().join("src-tauri/daemon/src")];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).expect("read a daemon source folder") {
            let path = entry.expect("read a folder entry").path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let source = fs::read_to_string(&path).expect("read a daemon source file");
            let code = source.split("#[cfg(test)]").next().unwrap_or_default();
            for line in code.lines() {
                let reads = line.contains("env::var") || line.contains("_VARIABLE: &str");
                if let (true, Some(start)) = (reads, line.find('"')) {
                    let name: String = line[start + 1..]
                        .chars()
                        .take_while(|character| *character != '"')
                        .collect();
                    if !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '_')
                    {
                        found.insert(name);
                    }
                }
            }
            // Variables passed to a helper by name, as `missing_desktop` does with DISPLAY.
            for name in ["DISPLAY", "WAYLAND_DISPLAY"] {
                if code.contains(&format!("set(\"{name}\")")) {
                    found.insert(name.to_owned());
                }
            }
        }
    }
    found
}

#[test]
fn version_prints_the_package_version() {
    let binary = staged_root().join("usr/bin/unhunch");
    for flag in ["--version", "-V"] {
        let output = run(Command::new(&binary).arg(flag));
        assert!(output.status.success(), "{flag}: {output:?}");
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            format!("unhunch {}\n", env!("CARGO_PKG_VERSION")),
            "{flag}"
        );
    }
}

/// What bash's completion offers for the words typed so far (the last one being completed).
fn bash_completes(words: &[&str]) -> BTreeSet<String> {
    let script = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; _unhunch; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        packaging().join("completions/unhunch.bash").display(),
        words
            .iter()
            .map(|word| format!("'{word}'"))
            .collect::<Vec<_>>()
            .join(" "),
        words.len() - 1
    );
    stdout_of(Command::new("bash").args(["--norc", "-c", &script]))
        .lines()
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_shell_completion_knows_every_command_and_option_of_help() {
    let usages = help_usages(&help());
    let commands = commands_of(&usages);

    let mut first_words = commands.clone();
    first_words.extend(["--help".to_owned(), "--version".to_owned()]);
    // Options that stand alone after `unhunch`, as `unhunch --from-menu`.
    for usage in &usages {
        let words: Vec<&str> = usage.split_whitespace().collect();
        if let [_, option] = words.as_slice()
            && option.starts_with("--")
        {
            first_words.insert((*option).to_owned());
        }
    }
    assert_same(
        "bash's completions of the first word",
        &first_words,
        &bash_completes(&["unhunch", ""]),
    );
    for usage in &usages {
        let words: Vec<&str> = usage.split_whitespace().collect();
        let Some(command) = words.get(1).filter(|word| !word.starts_with('-')) else {
            continue;
        };
        let options = options_in(usage);
        if !options.is_empty() {
            let offered = bash_completes(&["unhunch", command, "--"]);
            assert!(
                options.is_subset(&offered),
                "bash offers {offered:?} after `unhunch {command} --`, not all of {options:?}"
            );
        }
        // A fixed word after the command (`check`, `on|off`) is offered.
        if let Some(fixed) = words.get(2).filter(|word| {
            word.chars()
                .all(|character| character.is_ascii_lowercase() || character == '|')
        }) {
            let offered = bash_completes(&["unhunch", command, ""]);
            for word in fixed.split('|') {
                assert!(
                    offered.contains(word),
                    "bash does not offer `{word}` after `unhunch {command}`: {offered:?}"
                );
            }
        }
    }

    for file in ["_unhunch", "unhunch.fish"] {
        let text = fs::read_to_string(packaging().join("completions").join(file))
            .unwrap_or_else(|error| panic!("read completions/{file}: {error}"));
        for command in &commands {
            assert!(
                text.contains(command.as_str()),
                "completions/{file} does not know `{command}`"
            );
        }
        for option in options_in(&help()) {
            let name = option.trim_start_matches('-');
            assert!(
                text.contains(&format!("--{name}")) || text.contains(&format!("-l {name}")),
                "completions/{file} does not know `{option}`"
            );
        }
    }
}
