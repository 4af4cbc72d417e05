//! The warm start (issue 16): the heads-up starts the coming break's window hidden, Start only shows
//! it, and whatever takes the break off its course ends the hidden window in the same step.

use std::time::Duration;

use unhunch_core::engine::{ClosedBy, Input};

use crate::timeline::{START, m, s, timeline, timeline_with};

#[test]
fn the_heads_up_prepares_the_window_and_start_shows_it() {
    let mut t = timeline();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    assert_eq!(t.engine.prepared_window(), Some(1));
    t.at(m(25)).expect("show due #1, record due #1");
    t.at(m(25) + s(4))
        .start()
        .expect("withdraw, show prepared window #1, record started #1");
    assert_eq!(t.engine.prepared_window(), None);
    // The paint timeout counts from the Start that showed it.
    t.painted(1).expect_nothing();
}

#[test]
fn a_prepared_window_that_never_paints_after_start_times_out_from_the_start() {
    let mut t = timeline();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    t.at(m(25)).expect("show due #1, record due #1");
    t.at(m(26))
        .start()
        .expect("withdraw, show prepared window #1, record started #1")
        .expect_next_deadline_at(m(26) + s(15));
}

#[test]
fn skip_from_the_notification_ends_the_prepared_window() {
    let mut t = timeline();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    t.at(m(25)).expect("show due #1, record due #1");
    t.skip()
        .expect("withdraw, record skipped #1, end prepared window #1");
    assert_eq!(t.engine.prepared_window(), None);
}

#[test]
fn after_a_snooze_the_break_comes_back_cold() {
    let mut t = timeline();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    t.at(m(25)).expect("show due #1, record due #1");
    t.snooze()
        .expect("record snoozed #1 (1 used), withdraw, end prepared window #1");
    // A snoozed break has no heads-up, so nothing is prepared for its return.
    t.at(m(30)).expect("show due #2, record due #2");
    t.start()
        .expect("withdraw, open window #2, record started #2");
}

#[test]
fn closing_the_notification_snoozes_and_ends_the_prepared_window() {
    let mut t = timeline();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    t.at(m(25)).expect("show due #1, record due #1");
    t.notification_closed(1, ClosedBy::User).expect(
        "record snoozed #1 (1 used), withdraw, say closing snoozed 5m, end prepared window #1",
    );
}

#[test]
fn a_notification_that_expires_opens_a_window_at_the_intro_instead_of_the_prepared_one() {
    // The prepared window is laid out at the first step, for Start; a window that comes by itself
    // opens at the intro (nobody has said yes to this stretch yet), so it is opened cold.
    let mut t = timeline();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    t.at(m(25)).expect("show due #1, record due #1");
    t.notification_closed(1, ClosedBy::Expiry)
        .expect("withdraw, end prepared window #1, open window #1, record started #1");
}

#[test]
fn no_heads_up_means_no_prepared_window() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25)).expect("show due #1, record due #1");
    assert_eq!(t.engine.prepared_window(), None);
    t.start()
        .expect("withdraw, open window #1, record started #1");
}

// The cold path's files are read into the disk cache ten seconds before its break (WARM_UP_LEAD),
// so a kernel that put them out since the last break does not make Start wait for the disk.

#[test]
fn without_a_heads_up_the_windows_files_are_warmed_up_ten_seconds_before_the_break() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25) - s(11)).expect_nothing();
    t.at(m(25) - s(10))
        .expect("warm up window")
        .expect_next_deadline_at(m(25));
    t.at(m(25)).expect("show due #1, record due #1");
    t.start()
        .expect("withdraw, open window #1, record started #1");
}

#[test]
fn a_heads_up_prepares_the_window_and_needs_no_warm_up() {
    let mut t = timeline();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    t.at(m(25)).expect("show due #1, record due #1");
    assert_eq!(t.warm_ups_passed, []);
}

#[test]
fn a_snoozed_break_is_warmed_up_before_it_comes_back() {
    let mut t = timeline();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    t.at(m(25))
        .expect("show due #1, record due #1")
        .snooze()
        .expect("record snoozed #1 (1 used), withdraw, end prepared window #1");
    t.at(m(30) - s(10)).expect("warm up window");
    t.at(m(30)).expect("show due #2, record due #2");
}

#[test]
fn a_break_nearer_than_the_lead_is_warmed_up_at_once() {
    let mut t = timeline_with(|settings| {
        settings.breaks.heads_up = None;
        settings.breaks.interval = s(5);
    });
    let at_once = Duration::from_millis(1);
    t.expect_next_deadline_at(at_once);
    t.at(s(5)).expect("show due #1, record due #1");
    assert_eq!(t.warm_ups_passed, [START.plus(at_once)]);
}

#[test]
fn a_warm_up_follows_the_break_when_the_interval_changes() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(5));
    let mut settings = t.engine.settings().clone();
    settings.breaks.interval = m(40);
    t.send(Input::SettingsChanged(settings)).expect_nothing();
    t.at(m(40) - s(10)).expect("warm up window");
    assert_eq!(t.warm_ups_passed, [], "none at the old interval's time");
}

#[test]
fn stretch_now_opens_the_window_cold() {
    let mut t = timeline();
    t.at(m(10))
        .stretch_now()
        .expect("withdraw, open window #1, record started #1");
    assert_eq!(t.engine.prepared_window(), None);
}

#[test]
fn pausing_during_the_heads_up_ends_the_prepared_window() {
    let mut t = timeline();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    t.at(m(25) - s(20))
        .pause_for(m(30))
        .expect("withdraw, record paused until 54m40s, end prepared window #1");
    t.at(m(25)).expect_nothing();
}

#[test]
fn locking_the_screen_during_the_heads_up_ends_the_prepared_window() {
    let mut t = timeline();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    t.at(m(25) - s(20))
        .send(Input::ScreenLocked)
        .expect("end prepared window #1");
    assert_eq!(t.engine.prepared_window(), None);
}

#[test]
fn a_settings_change_that_changes_the_plan_ends_the_prepared_window_and_prepares_the_new_one() {
    let mut t = timeline();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    t.at(m(25) - s(20))
        .settings_change(|settings| settings.stretch.auto_advance = false)
        .expect("end prepared window #1, prepare window #1");
    // A change that leaves the plan as it was keeps the window.
    t.at(m(25) - s(10))
        .settings_change(|settings| settings.breaks.natural_break = m(6))
        .expect_nothing();
    t.at(m(25)).expect("show due #1, record due #1");
    // Once the break is due, a changed plan is opened cold on Start.
    t.settings_change(|settings| settings.stretch.auto_advance = true)
        .expect("end prepared window #1");
    t.start()
        .expect("withdraw, open window #1, record started #1");
}

#[test]
fn a_full_screen_that_puts_the_break_off_ends_the_prepared_window() {
    let mut t = timeline();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    t.at(m(25) - s(20))
        .send(Input::Interruptions(unhunch_core::engine::Interruptions {
            full_screen: true,
            ..Default::default()
        }))
        .expect("end prepared window #1");
}
