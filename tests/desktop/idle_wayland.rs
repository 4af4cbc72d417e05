//! Time away on sway (headless, stock config), where no idle service is on the bus and X11 is no
//! help: the daemon hears sway's `org_kde_kwin_idle` notifications (sway 1.7 offers that protocol,
//! not `ext-idle-notify-v1`), `unhunch status` names that source, a spell of `natural_break`
//! mid-interval is recorded as a natural break, and a key typed on a virtual keyboard (`wtype`)
//! ends the spell at once, heard from the compositor without asking; so does the pointer, moved
//! by sway's seat cursor on a virtual pointer device.

use std::time::Duration;

use unhunch_tests::desktop::{Compositor, ExtraParts, Session, wait_until};

use crate::daemon::{
    Daemon, PROMPTLY, chosen_idle_source, count_records, now, seconds_between, status, stdout,
    time_of, unhunch, wait_for_record, wait_for_status,
};

/// Long enough for a 15 s spell to be noticed and recorded on a slow machine.
const A_SPELL_AND_MORE: Duration = Duration::from_secs(45);

#[test]
fn on_sway_status_names_the_wayland_idle_protocol_as_the_idle_source() {
    let session = Session::builder().wayland(Compositor::Sway).start();
    let _daemon = Daemon::start(&session, Some("[breaks]\ninterval = \"25m\"\n"));
    let report = chosen_idle_source(&session);
    assert_eq!(report["idle_source"], "wayland-kde-idle", "{report}");
    let text = stdout(&unhunch(&session, &["status"]));
    assert!(
        text.contains(
            "Time away is measured by the Wayland compositor's KDE idle protocol (wayland-kde-idle)"
        ),
        "{text}"
    );
}

#[test]
fn on_sway_time_away_is_a_natural_break_and_a_key_or_the_pointer_ends_the_spell_at_once() {
    let session = Session::builder().wayland(Compositor::Sway).start();
    let mut parts = ExtraParts::new();
    session.add_virtual_pointer(&mut parts);
    let _daemon = Daemon::start(
        &session,
        Some("[breaks]\ninterval = \"5m\"\nheads_up = \"0s\"\nnatural_break = \"15s\"\n"),
    );
    assert_eq!(
        chosen_idle_source(&session)["idle_source"],
        "wayland-kde-idle"
    );
    let started = now();

    // No input from the start: sway says "idle" after 10 s, and the daemon records a natural
    // break once the spell is 15 s long, long before the break's time.
    let natural = wait_for_record(&session, "natural_break", None);
    let after = seconds_between(started, time_of(&natural["at"]));
    assert!(
        (13.0..60.0).contains(&after),
        "the natural break is recorded once the spell is 15 s long, not {after} s after the start: {natural}"
    );
    assert!(
        natural["away_secs"].as_u64().is_some_and(|secs| secs >= 15),
        "{natural}"
    );
    let away = status(&session);
    assert_eq!(away["waiting"], "return", "{away}");
    assert!(away["next_break_at"].is_null(), "{away}");

    // One key on a virtual keyboard: sway says "resumed", and the daemon knows at once (no
    // minute's look, as a polled source would need); the next break is a full interval on.
    let typed_at = now();
    session.wayland_press_keys(&["Shift_L"]);
    let back = wait_for_return(&session);
    let heard_after = seconds_between(typed_at, now());
    let next_break_at = time_of(&back["next_break_at"]);
    let after_the_key = seconds_between(typed_at, next_break_at);
    assert!(
        (295.0..=305.0).contains(&after_the_key),
        "the next break is 5 min after the key, not {after_the_key} s: {back}"
    );
    eprintln!("sway: the typed key was heard within {heard_after:.1} s");
    assert_eq!(
        count_records(&session, "natural_break"),
        1,
        "one spell, one natural break"
    );

    // Away again, and back with the pointer.
    wait_until("a second natural break", A_SPELL_AND_MORE, || {
        (count_records(&session, "natural_break") == 2).then_some(())
    });
    assert_eq!(status(&session)["waiting"], "return");
    let moved_at = now();
    session.sway_command("seat - cursor move 10 10");
    let back = wait_for_return(&session);
    let after_the_move = seconds_between(moved_at, time_of(&back["next_break_at"]));
    assert!(
        (295.0..=305.0).contains(&after_the_move),
        "the next break is 5 min after the pointer moved, not {after_the_move} s: {back}"
    );
}

/// The status once the daemon knows the user is back (no longer waiting for their return).
fn wait_for_return(session: &Session) -> serde_json::Value {
    wait_for_status(
        session,
        "the daemon hears the user come back",
        PROMPTLY,
        |report| report["waiting"].is_null(),
    )
}
