//! Time away from keyboard and pointer, as timelines: spells anywhere in the interval that count as
//! natural breaks, a break whose time comes while the user is away or typing, and when the engine
//! wants the next idle measurement.

use unhunch_core::engine::{Phase, Waiting};

use crate::timeline::{h, m, ms, s, timeline, timeline_with};

#[test]
fn a_spell_away_in_the_middle_of_the_interval_is_a_natural_break_and_the_next_interval_starts_on_return()
 {
    let mut t = timeline();
    t.at(m(5)).input_now().expect_nothing();
    // A minute without input: the engine wants to look again when the spell would be 3 min long.
    t.at(m(6))
        .idle_for(m(1))
        .expect_nothing()
        .expect_idle_check_at(Some(m(8)));
    t.at(m(8))
        .idle_for(m(3))
        .expect("record natural break 3m")
        .expect_no_next_break()
        .expect_waiting(Some(Waiting::Return))
        .expect_idle_check_at(None);
    // The break's old time passes while the user is away: nothing is shown.
    t.at(m(30)).expect_nothing().expect_phase(Phase::Working);
    // Back at 39m55s, seen by a measurement five seconds later.
    t.at(m(40))
        .idle_for(s(5))
        .expect_nothing()
        .expect_waiting(None)
        .expect_next_break_at(m(64) + s(55));
}

#[test]
fn a_spell_shorter_than_natural_break_changes_nothing() {
    let mut t = timeline();
    t.at(m(10)).idle_for(m(2)).expect_nothing();
    t.at(m(12))
        .input_now()
        .expect_nothing()
        .expect_next_break_at(m(25));
    // The old spell is over: no check for it any more, only the one before the break.
    t.expect_idle_check_at(Some(m(25) - s(2)));
}

#[test]
fn a_break_whose_time_comes_while_the_user_is_away_waits_for_them() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(23)).idle_for(s(30)).expect_nothing();
    // The measurement a moment before the break: away for two minutes.
    t.expect_idle_check_at(Some(m(25) - s(2)));
    t.at(m(25) - s(2)).idle_for(m(2) - s(2)).expect_nothing();
    t.at(m(25))
        .expect_nothing()
        .expect_waiting(Some(Waiting::Return))
        .expect_next_break_at(m(25));
    // Back after two and a half minutes away in all: not a natural break, so the break comes now.
    t.at(m(25) + s(30))
        .input_now()
        .expect("show due #1, record due #1")
        .expect_phase(Phase::BreakDue);
}

#[test]
fn away_across_the_deadline_until_natural_break_the_waiting_break_is_not_needed() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25) - s(2)).idle_for(m(2)).expect_nothing();
    t.at(m(25)).expect_waiting(Some(Waiting::Return));
    t.expect_idle_check_at(Some(m(26) - s(2)));
    t.at(m(26) - s(2))
        .idle_for(m(3))
        .expect("record natural break 3m")
        .expect_no_next_break();
    t.at(h(1)).input_now().expect_next_break_at(h(1) + m(25));
}

#[test]
fn a_heads_up_on_screen_goes_when_time_away_counts_as_a_break() {
    let mut t = timeline();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    t.at(m(25) - s(2)).idle_for(m(1)).expect_nothing();
    t.at(m(25)).expect("end prepared window #1");
    t.at(m(26) - s(2))
        .idle_for(m(2))
        .expect_nothing()
        .expect_idle_check_at(Some(m(27) - s(2)));
    t.at(m(27) - s(2))
        .idle_for(m(3))
        .expect("withdraw, record natural break 3m");
}

#[test]
fn a_break_whose_time_comes_while_the_user_types_waits_for_their_first_pause() {
    let mut t = timeline();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    t.at(m(25) - s(2)).idle_for(s(1)).expect_nothing();
    t.at(m(25))
        .expect("heads-up when you pause (due 25m)")
        .expect_waiting(Some(Waiting::Pause))
        .expect_phase(Phase::Working)
        .expect_idle_check_at(Some(m(25) + s(7)));
    // Still typing at 25m7s (last key 2 s ago): look again when that would be a 10 s pause.
    t.at(m(25) + s(7))
        .idle_for(s(2))
        .expect_nothing()
        .expect_idle_check_at(Some(m(25) + s(15)));
    t.at(m(25) + s(15))
        .idle_for(s(10))
        .expect("show due #1, record due #1")
        .expect_waiting(None);
}

#[test]
fn a_break_waits_for_a_pause_at_most_max_wait() {
    let mut t = timeline_with(|settings| {
        settings.breaks.heads_up = None;
        settings.breaks.max_wait = m(5);
    });
    t.at(m(25) - s(2)).input_now();
    // Without a heads-up setting nothing is shown while the break waits.
    t.at(m(25))
        .expect_nothing()
        .expect_waiting(Some(Waiting::Pause));
    t.at(m(27)).idle_for(s(1)).expect_nothing();
    t.expect_next_deadline_at(m(30));
    t.at(m(29)).idle_for(s(3)).expect_nothing();
    t.at(m(30)).expect("show due #1, record due #1");
}

#[test]
fn with_wait_for_pause_off_a_break_comes_mid_sentence() {
    let mut t = timeline_with(|settings| {
        settings.breaks.heads_up = None;
        settings.breaks.wait_for_pause = None;
    });
    t.at(m(25) - s(2)).input_now();
    t.at(m(25)).expect("show due #1, record due #1");
}

#[test]
fn turning_wait_for_pause_off_lets_the_waiting_break_through() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25) - s(2)).input_now();
    t.at(m(25)).expect_waiting(Some(Waiting::Pause));
    t.at(m(26))
        .settings_change(|settings| settings.breaks.wait_for_pause = None)
        .expect("show due #1, record due #1");
}

#[test]
fn an_old_measurement_says_nothing_about_the_moment_the_break_comes() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    // Typing a minute before the break, and no measurement since (the desktop stopped answering).
    t.at(m(24)).input_now();
    t.at(m(25)).expect("show due #1, record due #1");
}

#[test]
fn without_any_measurement_breaks_come_by_the_clock() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.expect_idle_check_at(Some(m(25) - s(2)));
    t.at(m(25)).expect("show due #1, record due #1");
}

#[test]
fn a_snoozed_break_also_waits_for_a_pause() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25)).expect("show due #1, record due #1").snooze();
    t.at(m(30) - s(2)).idle_for(s(3));
    t.at(m(30))
        .expect_nothing()
        .expect_waiting(Some(Waiting::Pause));
    t.at(m(30) + s(5))
        .idle_for(s(10))
        .expect("show due #2, record due #2");
}

#[test]
fn the_user_can_stretch_skip_or_pause_while_a_break_waits() {
    let mut t = timeline();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    t.at(m(25) - s(2)).input_now();
    t.at(m(25)).expect("heads-up when you pause (due 25m)");
    // stretch-now opens at the intro, so the window prepared for Start is ended, not shown.
    t.stretch_now()
        .expect("withdraw, end prepared window #1, open window #1, record started #1");

    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25) - s(2)).input_now();
    t.at(m(25)).expect_waiting(Some(Waiting::Pause));
    t.skip()
        .expect("record skipped #1")
        .expect_next_break_at(m(50));

    let mut t = timeline();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    t.at(m(25) - s(2)).input_now();
    t.at(m(25)).expect("heads-up when you pause (due 25m)");
    t.pause_indefinitely()
        .expect("withdraw, record paused, end prepared window #1");
}

#[test]
fn a_long_sleep_while_a_break_waits_is_a_natural_break_counted_once() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25) - s(2)).idle_for(m(1));
    t.at(m(25)).expect_waiting(Some(Waiting::Return));
    t.clock_jumps(ms(h(1)))
        .expect("record natural break 1h")
        .expect_next_break_at(h(1) + m(50));
    // The same spell measured after the wake-up is not counted again.
    t.at(h(1) + m(26)).idle_for(h(1) + m(3)).expect_nothing();
}

#[test]
fn no_idle_check_is_asked_for_at_or_before_the_latest_measurement() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25) - s(2)).idle_for(s(15)).expect_nothing();
    // Right at the check time: the next one is when the spell would be a natural break.
    t.expect_idle_check_at(Some(m(28) - s(17)));
    t.at(m(25) - s(1)).idle_for(s(16));
    t.expect_idle_check_at(Some(m(28) - s(17)));
}
