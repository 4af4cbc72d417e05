//! A locked screen and a sleeping computer, as timelines: nothing fires while either lasts, one of
//! at least `natural_break` is a natural break counted once, a shorter one pauses the countdown,
//! and nothing fires in the first minute after the unlock or the wake (told by logind, or seen
//! only by the wall clock jumping forward). A sleep whose wake never came ends at the first input
//! after it.

use unhunch_core::Input;
use unhunch_core::engine::{Phase, SETTLE_AFTER_RETURN};

use crate::timeline::{START, h, m, ms, s, timeline, timeline_with};

#[test]
fn a_long_lock_is_a_natural_break_and_no_break_fires_while_locked() {
    let mut t = timeline();
    t.at(m(5)).send(Input::ScreenLocked).expect_nothing();
    assert!(t.engine.status(t.now).screen_locked);
    assert_eq!(
        t.engine.next_deadline(),
        None,
        "nothing to wake for while locked"
    );
    assert_eq!(t.engine.next_idle_check(), None);
    // The break's old time and its heads-up pass while the screen is locked: nothing is shown.
    t.at(m(30)).expect_nothing().expect_phase(Phase::Working);
    t.at(m(40))
        .send(Input::ScreenUnlocked)
        .expect("record natural break 35m")
        .expect_next_break_at(m(65));
    assert!(!t.engine.status(t.now).screen_locked);
}

#[test]
fn a_short_lock_pauses_the_countdown_for_its_length() {
    let mut t = timeline();
    t.at(m(10)).send(Input::ScreenLocked);
    t.at(m(12))
        .send(Input::ScreenUnlocked)
        .expect_nothing()
        .expect_next_break_at(m(27));
}

#[test]
fn a_break_due_while_locked_comes_no_sooner_than_a_minute_after_the_unlock() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(24) + s(30)).send(Input::ScreenLocked);
    // Locked two minutes across the break's time: shorter than natural_break, so the break is
    // still owed, two minutes later (27m), and then held until the settling minute is over.
    t.at(m(26) + s(30))
        .send(Input::ScreenUnlocked)
        .expect_nothing()
        .expect_next_deadline_at(m(26) + s(30) + SETTLE_AFTER_RETURN)
        .expect_next_break_at(m(26) + s(30) + SETTLE_AFTER_RETURN);
    t.at(m(27) + s(29)).expect_nothing();
    // The warm-up of the window's files waited too, and comes with the break.
    t.at(m(27) + s(30))
        .expect("warm up window, show due #1, record due #1")
        .expect_phase(Phase::BreakDue);
}

#[test]
fn nothing_fires_in_the_first_minute_after_an_unlock_not_even_a_waiting_break() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    // Away for a minute when the break's time comes: it waits for the user's return.
    t.at(m(25) - s(2)).idle_for(m(1));
    t.at(m(25)).expect_nothing();
    t.at(m(25) + s(10)).send(Input::ScreenLocked);
    t.at(m(25) + s(40))
        .send(Input::ScreenUnlocked)
        .expect_nothing();
    // The user types at once after unlocking: that is their return, but the break waits out the
    // minute.
    t.at(m(25) + s(45)).input_now().expect_nothing();
    t.at(m(26) + s(40) - s(1)).expect_nothing();
    t.at(m(26) + s(40)).expect("show due #1, record due #1");
}

#[test]
fn a_due_break_on_screen_when_the_screen_locks_goes_if_the_lock_is_long() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25)).expect("show due #1, record due #1");
    t.at(m(26)).send(Input::ScreenLocked).expect_nothing();
    // No reminder while locked.
    t.at(m(50)).expect_nothing();
    t.at(m(60))
        .send(Input::ScreenUnlocked)
        .expect("withdraw, record abandoned #1, record natural break 34m")
        .expect_next_break_at(m(85));
}

#[test]
fn idle_measurements_while_locked_decide_nothing_and_the_lock_counts_once() {
    let mut t = timeline();
    t.at(m(5)).send(Input::ScreenLocked);
    t.at(m(20)).idle_for(m(15)).expect_nothing();
    t.at(m(30))
        .send(Input::ScreenUnlocked)
        .expect("record natural break 25m");
    // The same spell measured after the unlock is not counted again.
    t.at(m(30) + s(5)).idle_for(m(25) + s(5)).expect_nothing();
    t.at(m(31))
        .input_now()
        .expect_nothing()
        .expect_next_break_at(m(55));
}

#[test]
fn a_long_sleep_is_a_natural_break_counted_once_whatever_the_clock_says() {
    let mut t = timeline();
    t.at(m(10)).send(Input::GoingToSleep).expect_nothing();
    // The wall clock ran on while the computer slept: the daemon's jump check sees it first.
    t.clock_jumps(ms(h(1))).expect_nothing();
    t.send(Input::WokeUp)
        .expect("record natural break 1h")
        .expect_next_break_at(h(1) + m(35));
    // Nothing in the first minute after the wake.
    assert!(t.engine.next_deadline().unwrap() >= t.now.plus(SETTLE_AFTER_RETURN));
}

#[test]
fn a_short_sleep_pauses_the_countdown() {
    let mut t = timeline();
    t.at(m(10)).send(Input::GoingToSleep);
    t.clock_jumps(ms(m(1))).expect_nothing();
    t.send(Input::WokeUp)
        .expect_nothing()
        .expect_next_break_at(m(26));
}

#[test]
fn sleeping_while_locked_ends_when_both_are_over() {
    let mut t = timeline();
    t.at(m(5)).send(Input::ScreenLocked);
    t.at(m(6)).send(Input::GoingToSleep);
    t.clock_jumps(ms(h(2)));
    // Awake, but the screen is still locked: nothing counts or fires yet.
    t.send(Input::WokeUp).expect_nothing();
    assert_eq!(t.engine.next_deadline(), None);
    t.at(h(2) + m(10))
        .send(Input::ScreenUnlocked)
        .expect("record natural break 2h5m")
        .expect_next_break_at(h(2) + m(35));
}

#[test]
fn an_unlock_without_a_lock_changes_nothing() {
    let mut t = timeline();
    t.at(m(5))
        .send(Input::ScreenUnlocked)
        .send(Input::WokeUp)
        .expect_nothing()
        .expect_next_break_at(m(25));
}

#[test]
fn a_sleep_logind_did_not_announce_while_locked_counts_once_at_the_unlock() {
    let mut t = timeline();
    t.at(m(5)).send(Input::ScreenLocked);
    // The machine slept without a PrepareForSleep the daemon heard: only the clock tells.
    t.at(m(6)).clock_jumps(ms(h(1))).expect_nothing();
    t.at(h(1) + m(10))
        .send(Input::ScreenUnlocked)
        .expect("record natural break 1h5m")
        .expect_next_break_at(h(1) + m(35));
}

#[test]
fn a_wake_seen_only_by_the_clock_gets_the_settling_minute_too() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    // No logind: a two-minute sleep across the break's time shows only as the clock's jump. The
    // countdown is moved by the sleep (due 27m), and then waits for the settling minute.
    t.at(m(24) + s(30))
        .clock_jumps(ms(m(2)))
        .expect_nothing()
        .expect_next_deadline_at(m(26) + s(30) + SETTLE_AFTER_RETURN)
        .expect_next_break_at(m(26) + s(30) + SETTLE_AFTER_RETURN);
    t.at(m(27) + s(29)).expect_nothing();
    // The warm-up of the window's files waited too, and comes with the break.
    t.at(m(27) + s(30))
        .expect("warm up window, show due #1, record due #1")
        .expect_phase(Phase::BreakDue);
}

#[test]
fn a_long_wake_seen_only_by_the_clock_is_a_natural_break_and_then_settles() {
    let mut t = timeline();
    t.at(m(10))
        .clock_jumps(ms(h(1)))
        .expect("record natural break 1h")
        .expect_next_break_at(h(1) + m(35));
    assert!(t.engine.next_deadline().unwrap() >= t.now.plus(SETTLE_AFTER_RETURN));
}

#[test]
fn a_clock_set_back_is_no_wake_and_brings_no_settling_minute() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    // Set back two minutes at 24m30s (the clock now reads 22m30s): the half minute left is
    // still half a minute, not a minute's wait.
    t.at(m(24) + s(30))
        .clock_jumps(-ms(m(2)))
        .expect_nothing()
        .expect_next_deadline_at(m(22) + s(50));
    // The window's files are warmed up ten seconds before the break, on the clock as it now reads.
    t.at(m(23))
        .expect("show due #1, record due #1")
        .expect_phase(Phase::BreakDue);
    assert_eq!(t.warm_ups_passed, [START.plus(m(22) + s(50))]);
}

#[test]
fn a_sleep_whose_wake_never_came_ends_at_the_first_input_after_it() {
    let mut t = timeline();
    t.at(m(10)).send(Input::GoingToSleep).expect_nothing();
    // While logind says the computer sleeps, the idle time is looked at once a minute: nothing
    // while it really sleeps, and the user found if the wake was missed.
    assert_eq!(t.engine.next_idle_check(), Some(t.now.plus(m(1))));
    // A key in the moments before the suspend is no wake.
    t.at(m(10) + s(5)).idle_for(s(1)).expect_nothing();
    assert_eq!(t.engine.next_deadline(), None, "still asleep");
    // Two minutes on, no `PrepareForSleep(false)` came, but the user typed: the computer is
    // awake. The two minutes asleep pause the countdown, and nothing fires in the minute after.
    t.at(m(12))
        .input_now()
        .expect_nothing()
        .expect_next_break_at(m(27));
    assert!(t.engine.next_deadline().unwrap() >= t.now.plus(SETTLE_AFTER_RETURN));
    // The wake that comes late changes nothing more.
    t.send(Input::WokeUp)
        .expect_nothing()
        .expect_next_break_at(m(27));
}

#[test]
fn a_long_sleep_whose_wake_never_came_is_a_natural_break_at_the_first_input() {
    let mut t = timeline();
    t.at(m(10)).send(Input::GoingToSleep);
    t.at(h(2) + m(10))
        .idle_for(s(3))
        .expect("record natural break 2h")
        .expect_next_break_at(h(2) + m(10) + m(25));
}
