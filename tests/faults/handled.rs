//! The classes of bad input the first hostile trial found already handled, kept handled: broken,
//! huge, non-UTF-8 and looping config files, bad command-line and D-Bus arguments, two daemons
//! started at once; and no process of a break (the daemon, the window, WebKit's processes) opens
//! anything but Unix sockets.
//!
//! Routine files with mistakes are covered by `tests/core/broken_files.rs` and the desktop test of
//! `routines check`; HTML and script in every routine field by the window tests
//! (`routine_text_is_shown_literally`); a suspend (a clock jump) by the engine's timelines.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use unhunch_tests::daemon::{
    BUS_NAME, Daemon, PROMPTLY, config_file, status, stderr, stdout, unhunch, wait_for_record,
    write_config,
};
use unhunch_tests::desktop::{Session, bin_path, wait_until};

const OBJECT_PATH: &str = "/dev/unhunch/Unhunch";
const INTERFACE: &str = "dev.unhunch.Unhunch1";

/// Settings that make a change visible in `unhunch status` (`snooze_secs`).
const GOOD_CONFIG: &str = "[breaks]\nsnooze = \"7m\"\n";

/// The config mistakes a user or a crash can leave behind, with a word the message must contain.
fn bad_configs() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let mut huge = b"[breaks]\ninterval = \"10m\"\n".to_vec();
    // 8 MiB of comment lines: a file no editor would save by hand, and no reason to hang.
    huge.extend(
        std::iter::repeat_n(b"# padding padding padding padding\n".as_slice(), 240_000).flatten(),
    );
    huge.extend_from_slice(b"[breaks]\n");
    vec![
        (
            "a syntax error",
            b"[breaks\ninterval = \"10m\"\n".to_vec(),
            ":1",
        ),
        (
            "an unknown key",
            b"[breaks]\nintreval = \"10m\"\n".to_vec(),
            "intreval",
        ),
        ("a huge file", huge, ":240003:"),
        (
            "bytes that are not UTF-8",
            b"[breaks]\ninterval = \"\xff\xfe\"\n".to_vec(),
            "UTF-8",
        ),
    ]
}

fn snooze_secs(session: &Session) -> u64 {
    status(session)["snooze_secs"]
        .as_u64()
        .expect("status has snooze_secs")
}

/// Puts `bytes` in place as config.toml the way editors save: written beside it, then renamed
/// over it, so the daemon never sees the file missing or half written.
fn save_config(path: &Path, bytes: &[u8]) {
    let partial = path.with_extension("toml.partial");
    fs::write(&partial, bytes).expect("write the new config beside config.toml");
    fs::rename(&partial, path).expect("rename it over config.toml");
}

#[test]
fn broken_huge_non_utf8_and_looping_config_files_are_refused_and_the_settings_kept() {
    let session = Session::builder().without_tray().start();
    let _daemon = Daemon::start(&session, Some(GOOD_CONFIG));
    let path = config_file(&session);
    assert_eq!(snooze_secs(&session), 7 * 60);

    let mut cases = bad_configs();
    cases.push(("a link that loops", Vec::new(), "symbolic links"));
    for (what, bytes, named) in cases {
        if what == "a link that loops" {
            let link = path.with_extension("toml.link");
            symlink("config.toml", &link).expect("make a link to config.toml");
            fs::rename(&link, &path).expect("rename it over config.toml: a link to itself");
        } else {
            save_config(&path, &bytes);
        }

        // `config check` says what is wrong and where, and exits 1.
        let checked = unhunch(&session, &["config", "check"]);
        assert_eq!(
            checked.status.code(),
            Some(1),
            "{what}: {}",
            stdout(&checked)
        );
        let told = stderr(&checked);
        assert!(told.contains(named), "{what}: `config check` said {told}");

        // The daemon tells the user once, keeps its settings and keeps answering.
        let notification = wait_until(&format!("a notification about {what}"), PROMPTLY, || {
            // Unhunch replaces its previous problem notification, so look at them all.
            session.notifications().into_iter().find(|seen| {
                seen.summary.contains("kept your previous settings") && seen.body.contains(named)
            })
        });
        assert!(
            notification.body.contains("config.toml"),
            "{what}: {}",
            notification.body
        );
        assert_eq!(snooze_secs(&session), 7 * 60, "{what} changed the settings");
    }

    save_config(&path, b"[breaks]\nsnooze = \"9m\"\n");
    wait_until("a fixed config applies", PROMPTLY, || {
        snooze_secs(&session) == 9 * 60
    });
}

#[test]
fn bad_command_lines_are_refused_with_exit_2_and_a_sentence() {
    let session = Session::builder()
        .without_tray()
        .without_notifications()
        .start();
    let _daemon = Daemon::start(&session, None);
    let cases: [(&[&str], &str); 8] = [
        (&["snooze", "banana"], "banana"),
        (&["snooze", "5m", "10m"], "one argument"),
        (&["pause", "lunch"], "until-tomorrow"),
        (&["history", "--days", "0"], "--days"),
        (&["history", "--days", "99999999999999999999"], "--days"),
        (&["stauts"], "status"),
        (&["status", "--yaml"], "--yaml"),
        (&["autostart", "maybe"], "on"),
    ];
    for (arguments, named) in cases {
        let output = unhunch(&session, arguments);
        let told = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{arguments:?}: {told}");
        assert!(told.contains(named), "{arguments:?}: {told}");
        assert!(told.contains("unhunch --help"), "{arguments:?}: {told}");
        assert!(!told.contains("panicked"), "{arguments:?}: {told}");
    }
    assert_eq!(
        status(&session)["state"],
        "working",
        "the daemon is unharmed"
    );
}

#[test]
fn bad_d_bus_arguments_are_refused_with_a_sentence_and_leave_the_daemon_running() {
    let session = Session::builder()
        .without_tray()
        .without_notifications()
        .start();
    let _daemon = Daemon::start(&session, None);
    let cases: [(&str, &str, &[&str], &str); 4] = [
        ("Pause", "s", &["lunch"], "until-tomorrow"),
        ("Pause", "s", &[""], "until-tomorrow"),
        // The wrong type for the argument: the bus library refuses it before Unhunch sees it.
        ("Pause", "u", &["30"], "Signature mismatch"),
        ("NoSuchMethod", "", &[], "Unknown method"),
    ];
    for (method, signature, arguments, error) in cases {
        let refused = session
            .bus_call(
                BUS_NAME,
                OBJECT_PATH,
                INTERFACE,
                method,
                signature,
                arguments,
            )
            .expect_err("a bad call is refused");
        assert!(
            refused.to_string().contains(error),
            "{method}({arguments:?}): {refused}"
        );
    }
    assert_eq!(
        status(&session)["state"],
        "working",
        "the daemon is unharmed"
    );
}

#[test]
fn two_daemons_started_at_once_leave_exactly_one() {
    let session = Session::builder()
        .without_tray()
        .without_notifications()
        .start();
    let mut first = Daemon::spawn(&session, &[]);
    let mut second = Daemon::spawn(&session, &[]);
    let owner = session.wait_for_name(BUS_NAME, PROMPTLY);
    wait_until("one of the two daemons to step aside", PROMPTLY, || {
        first.has_exited() || second.has_exited()
    });
    let (mut stepped_aside, mut running) = if first.has_exited() {
        (first, second)
    } else {
        (second, first)
    };
    assert!(!running.has_exited(), "both daemons exited");
    let exit = stepped_aside
        .child
        .wait()
        .expect("wait for the second daemon");
    assert_eq!(exit.code(), Some(0), "a second start is not an error");
    assert_eq!(
        session.name_owner(BUS_NAME).as_deref(),
        Some(owner.as_str()),
        "the name stayed with the running daemon"
    );
    assert_eq!(status(&session)["state"], "working");
}

/// The address families of every `socket()` and `socketpair()` call in an strace log.
fn socket_families(trace: &str) -> BTreeSet<String> {
    trace
        .lines()
        .filter_map(|line| {
            let call = line
                .split_once(' ')
                .map_or(line, |(_, rest)| rest)
                .trim_start();
            let arguments = call
                .strip_prefix("socket(")
                .or_else(|| call.strip_prefix("socketpair("))?;
            Some(
                arguments
                    .split(',')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_owned(),
            )
        })
        .collect()
}

/// Which program each process of an strace log ran, by pid, from its `execve` lines.
fn traced_programs(trace: &str) -> BTreeMap<String, String> {
    trace
        .lines()
        .filter_map(|line| {
            let (pid, call) = line.split_once(' ')?;
            Some((pid.to_owned(), executed(call)?.to_owned()))
        })
        .collect()
}

/// The program an strace call line runs, if it is an `execve`.
fn executed(call: &str) -> Option<&str> {
    call.trim_start()
        .strip_prefix("execve(\"")?
        .split('"')
        .next()
}

/// Each connection to the Unix socket at `socket_path` in an strace log (with `clone`, `clone3`
/// and `execve` traced too), with the program of the thread that made it: a thread or a child
/// runs its parent's program until it runs one of its own.
fn connections_to(trace: &str, socket_path: &str) -> Vec<(String, String)> {
    let socket = format!("sun_path=\"{socket_path}\"");
    let mut programs: BTreeMap<&str, &str> = BTreeMap::new();
    let mut connections = Vec::new();
    for line in trace.lines() {
        let Some((pid, call)) = line.split_once(' ') else {
            continue;
        };
        let call = call.trim_start();
        if let Some(program) = executed(call) {
            programs.insert(pid, program);
        } else if (call.starts_with("clone") || call.starts_with("<... clone"))
            && let Some((_, child)) = call.rsplit_once("= ")
            && let Some(&program) = programs.get(pid)
        {
            programs.insert(child.trim(), program);
        } else if call.starts_with("connect(") && call.contains(&socket) {
            let program = programs.get(pid).copied().unwrap_or("?");
            connections.push((program.to_owned(), line.to_owned()));
        }
    }
    connections
}

#[test]
fn no_process_of_a_break_opens_anything_but_unix_sockets_nor_the_system_bus() {
    let session = Session::builder().without_tray().start();
    write_config(&session, GOOD_CONFIG);
    let trace = session.log_dir().join("sockets.strace");
    // strace follows the daemon into every process it starts: the window and WebKit's web and
    // network processes. Every socket any of them opens, even for a moment, is in the trace.
    let mut traced = session.command("strace");
    traced
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=socket,socketpair,connect,execve,clone,clone3",
            "-o",
        ])
        .arg(&trace)
        .arg(bin_path("unhunch"))
        .env("RUST_LOG", "info,unhunch=debug,zbus=warn,ksni=warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut daemon = traced.spawn().expect("start the daemon under strace");
    session.wait_for_name(BUS_NAME, PROMPTLY);

    assert!(unhunch(&session, &["stretch-now"]).status.success());
    let log = session.state_dir().join("unhunch").join("unhunch.log");
    wait_until(
        "the stretch window painted",
        Duration::from_secs(60),
        || fs::read_to_string(&log).is_ok_and(|text| text.contains("window painted")),
    );
    assert!(unhunch(&session, &["skip"]).status.success());
    wait_for_record(&session, "skipped", None);
    assert!(unhunch(&session, &["quit"]).status.success());
    daemon.wait().expect("the traced daemon exits");

    let trace = fs::read_to_string(&trace).expect("read the strace log");
    let families = socket_families(&trace);
    let programs = traced_programs(&trace);
    assert!(
        families.contains("AF_UNIX"),
        "the trace saw no socket at all, so it proves nothing: {trace}"
    );
    let other: Vec<&String> = families
        .iter()
        .filter(|family| *family != "AF_UNIX")
        .collect();
    assert!(
        other.is_empty(),
        "a process of the break opened a socket that is not a Unix socket: {other:?}\n{}",
        trace
            .lines()
            .filter(|line| line.contains("socket") && !line.contains("AF_UNIX"))
            .map(|line| {
                let pid = line.split(' ').next().unwrap_or_default();
                let program = programs.get(pid).map_or("?", String::as_str);
                format!("{program}: {line}")
            })
            .collect::<Vec<_>>()
            .join("\n")
    );
    // Only the daemon speaks to the system bus (logind); a window's WebKit that connects to it
    // can hang its start for 6 s (see `keep_off_the_system_bus` in the daemon).
    let system_bus = session
        .system_bus_address()
        .strip_prefix("unix:path=")
        .and_then(|rest| rest.split(',').next())
        .expect("the session's system bus listens on a Unix socket path");
    let daemon = bin_path("unhunch");
    let by_the_window: Vec<(String, String)> = connections_to(&trace, system_bus)
        .into_iter()
        .filter(|(program, _)| Path::new(program) != daemon)
        .collect();
    assert!(
        by_the_window.is_empty(),
        "a process of the window connected to the system bus: {by_the_window:#?}"
    );
}

#[test]
fn the_socket_check_reads_strace_lines() {
    let trace = "101 socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 3\n\
                 102 socketpair(AF_UNIX, SOCK_SEQPACKET, 0, [4, 5]) = 0\n\
                 103 socket(AF_INET6, SOCK_DGRAM, IPPROTO_IP) = 7\n\
                 103 write(1, \"socket(AF_INET\", 14) = 14\n\
                 103 execve(\"/usr/bin/web\", [\"web\"], 0x1 /* 2 vars */) = 0\n";
    assert_eq!(
        socket_families(trace),
        BTreeSet::from(["AF_UNIX".to_owned(), "AF_INET6".to_owned()])
    );
    assert_eq!(
        traced_programs(trace),
        BTreeMap::from([("103".to_owned(), "/usr/bin/web".to_owned())])
    );
}

#[test]
fn the_connection_check_follows_threads_and_children_to_their_program() {
    let trace = "100 execve(\"/usr/bin/unhunch\", [\"unhunch\"], 0x1 /* 2 vars */) = 0\n\
                 100 connect(5, {sa_family=AF_UNIX, sun_path=\"/var/run/dbus/system_bus_socket\"}, 110) = 0\n\
                 100 clone3({flags=CLONE_VM}, 88) = 101\n\
                 101 execve(\"/usr/bin/web\", [\"web\"], 0x1 /* 2 vars */) = 0\n\
                 101 clone3({flags=CLONE_VM|CLONE_THREAD} <unfinished ...>\n\
                 100 connect(7, {sa_family=AF_UNIX, sun_path=\"/tmp/x\"}, 110) = 0\n\
                 101 <... clone3 resumed> => {parent_tid=[102]}, 88) = 102\n\
                 102 connect(15, {sa_family=AF_UNIX, sun_path=\"/var/run/dbus/system_bus_socket\"}, 110) = -1 ENOENT (No such file or directory)\n\
                 101 connect(6, {sa_family=AF_UNIX, sun_path=@\"/tmp/.X11-unix/X7\"}, 21) = 0\n";
    let connections = connections_to(trace, "/var/run/dbus/system_bus_socket");
    let programs: Vec<&str> = connections
        .iter()
        .map(|(program, _)| program.as_str())
        .collect();
    assert_eq!(programs, ["/usr/bin/unhunch", "/usr/bin/web"]);
}
