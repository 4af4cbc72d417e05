//! A locked screen and a sleeping computer, told by logind: a stand-in for
//! `org.freedesktop.login1` (python3-dbus, on the session's private system bus, so the host's
//! logind is never touched) emits `PrepareForSleep` and the session's `Lock`/`Unlock` with its
//! `LockedHint`, as logind and a screen locker do. No break comes while the screen is locked, a lock
//! or sleep of at least `natural_break` is recorded as a natural break after it ends, and nothing
//! comes in the first minute after an unlock.

use std::time::Duration;

use unhunch_core::Timestamp;
use unhunch_tests::desktop::{Session, wait_until};
use unhunch_tests::stand_ins::Logind;

use crate::daemon::{
    Daemon, PROMPTLY, count_records, history, let_pass, now, seconds_between, status, stdout,
    time_of, unhunch, wait_for_record, wait_for_status,
};

/// Says that no break has come yet (no `due` record): while the screen is locked, none may.
fn assert_no_break_yet(session: &Session) {
    let records = history(session);
    assert!(
        records.iter().all(|record| record["event"] != "due"),
        "no break while the screen is locked: {records:?}"
    );
}

/// Locks the screen and waits until the daemon says so: from then on it hears logind's signals.
fn lock(session: &Session, logind: &mut Logind) -> Timestamp {
    session.nudge_pointer();
    logind.tell("lock");
    let locked_at = now();
    wait_for_status(
        session,
        "status says the screen is locked",
        PROMPTLY,
        |report| report["screen_locked"] == true,
    );
    locked_at
}

#[test]
fn a_long_lock_is_a_natural_break_no_break_comes_while_locked_and_a_long_sleep_counts_too() {
    let session = Session::start();
    let mut logind = Logind::start(&session);
    let _daemon = Daemon::start(
        &session,
        Some("[breaks]\ninterval = \"20s\"\nheads_up = \"0s\"\nnatural_break = \"10s\"\n"),
    );
    let started = now();
    let locked_at = lock(&session, &mut logind);
    let text = stdout(&unhunch(&session, &["status"]));
    assert!(
        text.contains("The screen is locked: breaks wait until a minute after it is unlocked."),
        "{text}"
    );

    // The break's time passes while the screen is locked: nothing is due, nothing is shown.
    let_pass(started.plus(Duration::from_secs(25)));
    let report = status(&session);
    assert_eq!(report["state"], "working", "{report}");
    assert_no_break_yet(&session);

    session.nudge_pointer();
    logind.tell("unlock");
    let unlocked_at = now();
    let natural = wait_for_record(&session, "natural_break", None);
    let locked_for = seconds_between(locked_at, unlocked_at);
    assert!(
        time_of(&natural["at"]) >= locked_at
            && natural["away_secs"]
                .as_f64()
                .is_some_and(|secs| secs >= locked_for - 2.0),
        "the lock of {locked_for} s is the natural break: {natural}"
    );
    let report = status(&session);
    assert_eq!(report["screen_locked"], false, "{report}");
    let after_the_unlock = seconds_between(unlocked_at, time_of(&report["next_break_at"]));
    assert!(
        after_the_unlock >= 58.0,
        "the next break is a full interval after the unlock, and never in the first minute: \
         {after_the_unlock} s: {report}"
    );

    // A sleep of at least natural_break (the stand-in cannot stop the clock, so the sleep is
    // only told) is a natural break too, counted when the computer wakes.
    session.nudge_pointer();
    logind.tell("sleep");
    let asleep_at = now();
    let_pass(asleep_at.plus(Duration::from_secs(11)));
    session.nudge_pointer();
    logind.tell("wake");
    let slept = wait_until("a second natural break, for the sleep", PROMPTLY, || {
        let records: Vec<_> = history(&session)
            .into_iter()
            .filter(|record| record["event"] == "natural_break")
            .collect();
        match records.as_slice() {
            [_, slept] => Ok(slept.clone()),
            _ => Err(records),
        }
    });
    assert!(
        time_of(&slept["at"]) > asleep_at
            && slept["away_secs"].as_u64().is_some_and(|secs| secs >= 10),
        "{slept}"
    );
}

#[test]
fn a_break_due_during_a_short_lock_comes_no_sooner_than_a_minute_after_the_unlock() {
    let session = Session::start();
    let mut logind = Logind::start(&session);
    // natural_break long: the lock is short next to it, and the X server's idle time (which grows
    // while nobody types) never makes the user look away.
    let _daemon = Daemon::start(
        &session,
        Some(
            "[breaks]\ninterval = \"20s\"\nheads_up = \"0s\"\nnatural_break = \"2h\"\n\
             wait_for_pause = \"0s\"\n",
        ),
    );
    let started = now();
    lock(&session, &mut logind);
    let_pass(started.plus(Duration::from_secs(25)));
    assert_no_break_yet(&session);
    session.nudge_pointer();
    logind.tell("unlock");
    let unlocked_at = now();
    let report = status(&session);
    assert_eq!(report["screen_locked"], false, "{report}");
    let due = wait_until(
        "the break comes after the settling minute",
        Duration::from_secs(90),
        || {
            history(&session)
                .into_iter()
                .find(|record| record["event"] == "due")
                .ok_or(())
        },
    );
    let after_the_unlock = seconds_between(unlocked_at, time_of(&due["at"]));
    assert!(
        (59.0..80.0).contains(&after_the_unlock),
        "the break owed since before the unlock comes a minute after it, not {after_the_unlock} s: {due}"
    );
    assert_eq!(
        count_records(&session, "natural_break"),
        0,
        "a short lock is not a natural break: {:?}",
        history(&session)
    );
}
