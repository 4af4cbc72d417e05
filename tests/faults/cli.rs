//! See `main.rs`: the cli part of the fault and bad-input suite: output into a closed pipe,
//! routine files that name a picture Unhunch does not have or share an id, and a pause until a
//! time that does not exist, sent over D-Bus.

use std::fs;
use std::process::{Output, Stdio};

use unhunch_tests::daemon::{BUS_NAME, Daemon, stderr, stdout, unhunch, wait_for_notification};
use unhunch_tests::desktop::{Session, bin_path};

/// Runs `unhunch ARGS…` with stdout (and stderr) a pipe whose reading end is already closed, as
/// in `unhunch status | head -0`.
fn into_a_closed_pipe(session: &Session, arguments: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let (_, error_writer) = std::io::pipe().expect("a pipe");
    let child = session
        .command(bin_path("unhunch"))
        .args(arguments)
        .stdout(Stdio::from(writer))
        .stderr(Stdio::from(error_writer))
        .spawn()
        .expect("run unhunch");
    child.wait_with_output().expect("unhunch ends")
}

#[test]
fn every_command_ends_quietly_with_its_exit_code_when_its_reader_is_gone() {
    let session = Session::builder().without_tray().start();
    let _daemon = Daemon::start(&session, Some("[breaks]\ninterval = \"25m\"\n"));
    let cases: &[(&[&str], i32)] = &[
        (&["--help"], 0),
        (&["--version"], 0),
        (&["status"], 0),
        (&["status", "--json"], 0),
        (&["history"], 0),
        (&["history", "--json"], 0),
        (&["routines", "check"], 0),
        (&["config", "check"], 0),
        (&["skip"], 0),
        (&["snoze"], 2),
        (&["config", "check", "/no/such/file.toml"], 1),
    ];
    let mut wrong = Vec::new();
    for (arguments, expected) in cases {
        let output = into_a_closed_pipe(&session, arguments);
        if output.status.code() != Some(*expected) {
            wrong.push(format!(
                "`unhunch {}` ended with {:?}, not {expected}",
                arguments.join(" "),
                output.status
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The daemon did what `skip` asked, even though nobody read the answer.
    assert!(
        stdout(&unhunch(&session, &["status"])).contains("Next break"),
        "{}",
        stdout(&unhunch(&session, &["status"]))
    );
}

const ROUTINE: &str = "id = \"my-stretch\"\nname = \"My Stretch\"\narea = \"mid back\"\n\
    helps_with = \"Eases it.\"\nplace = \"chair\"\nillustration = \"chair-twist\"\n\
    safety = \"Stop if it hurts.\"\n\n[[steps]]\ntext = \"Reach forward.\"\nillustration = \"chair-twisst\"\n";

#[test]
fn a_routine_naming_a_picture_unhunch_lacks_is_refused_with_its_line_and_the_pictures_there_are() {
    let session = Session::builder()
        .without_notifications()
        .without_tray()
        .start();
    let file = session.home().join("my-stretch.toml");
    fs::write(&file, ROUTINE).unwrap();

    let output = unhunch(&session, &["routines", "check", file.to_str().unwrap()]);

    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let told = stderr(&output);
    assert!(
        told.contains(&format!(
            "{}:11:16: steps[1].illustration: there is no illustration \"chair-twisst\"",
            file.display()
        )),
        "{told}"
    );
    assert!(
        told.contains("did you mean \"chair-twist\"?")
            && told.contains("the illustrations are: cat-cow, ")
            && told.contains("wall-angels-up"),
        "{told}"
    );
}

#[test]
fn two_files_with_one_id_are_told_which_is_used_not_as_a_mistake() {
    let mut session = Session::builder()
        .without_notifications()
        .without_tray()
        .start();
    let routines = session.data_dir().join("unhunch").join("routines");
    fs::create_dir_all(&routines).unwrap();
    let fixed = ROUTINE.replace("chair-twisst", "chair-sit-tall");
    fs::write(routines.join("a.toml"), &fixed).unwrap();
    fs::write(routines.join("b.toml"), &fixed).unwrap();

    let output = unhunch(&session, &["routines", "check"]);
    let told = stderr(&output);
    assert!(
        told.contains(&format!(
            "{}:1:1: id: the same id `my-stretch` as {}: Unhunch uses this file and leaves {} unused",
            routines.join("b.toml").display(),
            routines.join("a.toml").display(),
            routines.join("a.toml").display()
        )),
        "{told}"
    );
    assert!(
        !told.contains("left out") && !told.contains("wins"),
        "{told}"
    );
    assert!(told.contains("share"), "{told}");

    session.start_notifications();
    let _daemon = Daemon::start(&session, None);
    let notification = wait_for_notification(&session, "the same id is told", |seen| {
        seen.body.contains("the same id")
    });
    assert_eq!(
        notification.summary,
        "Two of your routine files have the same id"
    );
}

#[test]
fn a_pause_until_a_day_that_does_not_exist_is_refused_over_dbus_about_times() {
    let session = Session::builder().without_tray().start();
    let _daemon = Daemon::start(&session, Some("[breaks]\ninterval = \"25m\"\n"));

    let refused = session
        .bus_call(
            BUS_NAME,
            "/dev/unhunch/Unhunch",
            "dev.unhunch.Unhunch1",
            "Pause",
            "s",
            &["2026-02-30T10:00:00Z"],
        )
        .expect_err("an impossible date is refused");

    assert!(
        refused.message.contains("2026-02 has no day 30")
            && refused.message.contains("Write a time like"),
        "{refused:?}"
    );
    assert!(!refused.message.contains("duration"), "{refused:?}");
    assert_eq!(
        unhunch_tests::daemon::status(&session)["state"],
        "working",
        "nothing was paused"
    );
}
