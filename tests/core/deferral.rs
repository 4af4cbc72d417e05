//! Deferrals as timelines: a break whose time comes while the active window is full screen, the
//! notification server is in do-not-disturb or a camera is in use waits, at most `max_wait`, and
//! then comes as a notification only; each check can be turned off.

use unhunch_core::Input;
use unhunch_core::engine::{ClosedBy, Interruptions, Phase, Waiting};

use crate::timeline::{Timeline, m, s, timeline_with};

const NONE: Interruptions = Interruptions {
    full_screen: false,
    do_not_disturb: false,
    camera: false,
};
const FULL_SCREEN: Interruptions = Interruptions {
    full_screen: true,
    ..NONE
};
const DO_NOT_DISTURB: Interruptions = Interruptions {
    do_not_disturb: true,
    ..NONE
};
const CAMERA: Interruptions = Interruptions {
    camera: true,
    ..NONE
};

/// Default settings without the heads-up, and with a 5-minute `max_wait`.
fn deferring() -> Timeline {
    timeline_with(|settings| {
        settings.breaks.heads_up = None;
        settings.breaks.max_wait = m(5);
    })
}

trait Interrupt {
    fn interruptions(&mut self, now: Interruptions) -> &mut Self;
}

impl Interrupt for Timeline {
    fn interruptions(&mut self, now: Interruptions) -> &mut Self {
        self.send(Input::Interruptions(now))
    }
}

#[test]
fn a_break_due_during_a_full_screen_window_waits_and_comes_when_it_ends() {
    let mut t = deferring();
    t.at(m(10)).interruptions(FULL_SCREEN).expect_nothing();
    t.at(m(25))
        .expect("record deferred FullScreen")
        .expect_phase(Phase::Working)
        .expect_waiting(Some(Waiting::FullScreen))
        .expect_next_deadline_at(m(30));
    t.at(m(27))
        .interruptions(NONE)
        .expect("show due #1, record due #1")
        .expect_phase(Phase::BreakDue)
        .expect_waiting(None);
}

#[test]
fn a_deferred_break_comes_after_max_wait_as_a_notification_only() {
    let mut t = deferring();
    t.at(m(1)).interruptions(DO_NOT_DISTURB);
    t.at(m(25))
        .expect("record deferred DoNotDisturb")
        .expect_waiting(Some(Waiting::DoNotDisturb));
    t.at(m(30) - s(1)).expect_nothing();
    t.at(m(30))
        .expect("show due #1, record due #1")
        .expect_phase(Phase::BreakDue);
    // The notification expires (or no server shows it): the window does not open by itself, as
    // it would for a break that was never deferred; the break stays due until its reminder.
    t.at(m(31))
        .notification_closed(1, ClosedBy::Expiry)
        .expect_nothing()
        .expect_phase(Phase::BreakDue);
    t.at(m(32))
        .send(Input::BreakNotShown { break_id: 1 })
        .expect_nothing();
    // The user may still ask for the window.
    t.at(m(33))
        .start()
        .expect("withdraw, open window #1, record started #1");
}

#[test]
fn an_undeferred_break_whose_notification_expires_opens_the_window() {
    // The contrast to the test above: the same expiry without a deferral opens the window.
    let mut t = deferring();
    t.at(m(25)).expect("show due #1, record due #1");
    t.at(m(26))
        .notification_closed(1, ClosedBy::Expiry)
        .expect("withdraw, open window #1, record started #1");
}

#[test]
fn a_camera_in_use_is_looked_for_a_moment_before_the_break_and_defers_it() {
    let mut t = deferring();
    t.expect_camera_check_at(Some(m(25) - s(2)));
    t.at(m(25) - s(2)).interruptions(CAMERA).expect_nothing();
    t.at(m(25))
        .expect("record deferred Camera")
        .expect_waiting(Some(Waiting::Camera))
        .expect_camera_check_at(None);
    t.at(m(28))
        .interruptions(NONE)
        .expect("show due #1, record due #1");
}

#[test]
fn when_one_reason_ends_while_another_holds_the_break_waits_on_and_says_why() {
    let mut t = deferring();
    t.at(m(20)).interruptions(Interruptions {
        full_screen: true,
        do_not_disturb: true,
        camera: false,
    });
    t.at(m(25))
        .expect("record deferred FullScreen")
        .expect_waiting(Some(Waiting::FullScreen));
    t.at(m(26))
        .interruptions(DO_NOT_DISTURB)
        .expect_nothing()
        .expect_waiting(Some(Waiting::DoNotDisturb))
        // The maximum counts from the break's time, not from the change of reason.
        .expect_next_deadline_at(m(30));
    t.at(m(27))
        .interruptions(NONE)
        .expect("show due #1, record due #1");
}

#[test]
fn each_check_can_be_turned_off() {
    for (off, sign) in [
        (
            (|settings: &mut unhunch_core::Settings| settings.breaks.defer_for_fullscreen = false)
                as fn(&mut unhunch_core::Settings),
            FULL_SCREEN,
        ),
        (
            |settings| settings.breaks.defer_for_do_not_disturb = false,
            DO_NOT_DISTURB,
        ),
        (|settings| settings.breaks.defer_for_camera = false, CAMERA),
    ] {
        let mut t = timeline_with(|settings| {
            settings.breaks.heads_up = None;
            off(settings);
        });
        t.at(m(24)).interruptions(sign);
        t.at(m(25))
            .expect("show due #1, record due #1")
            .expect_phase(Phase::BreakDue);
    }
    // With the camera check off, the camera is not even looked for.
    let t = timeline_with(|settings| settings.breaks.defer_for_camera = false);
    let mut t = t;
    t.expect_camera_check_at(None);
}

#[test]
fn turning_a_check_off_while_a_break_waits_on_it_lets_the_break_through() {
    let mut t = deferring();
    t.at(m(24)).interruptions(FULL_SCREEN);
    t.at(m(25)).expect("record deferred FullScreen");
    t.at(m(26))
        .settings_change(|settings| settings.breaks.defer_for_fullscreen = false)
        .expect("show due #1, record due #1");
}

#[test]
fn full_screen_that_begins_after_the_break_is_due_changes_nothing() {
    let mut t = deferring();
    t.at(m(25)).expect("show due #1, record due #1");
    t.at(m(26))
        .interruptions(FULL_SCREEN)
        .expect_nothing()
        .expect_phase(Phase::BreakDue);
}

#[test]
fn a_deferred_break_that_gives_up_opens_the_window_again_for_the_next_break() {
    // Notification-only belongs to the one deferred break, not to the breaks after it.
    let mut t = deferring();
    t.at(m(24)).interruptions(FULL_SCREEN);
    t.at(m(25)).expect("record deferred FullScreen");
    t.at(m(30)).expect("show due #1, record due #1");
    t.at(m(31)).skip().expect("withdraw, record skipped #1");
    t.at(m(32)).interruptions(NONE);
    t.at(m(56)).expect("show due #2, record due #2");
    t.at(m(57))
        .notification_closed(2, ClosedBy::Expiry)
        .expect("withdraw, open window #2, record started #2");
}

#[test]
fn no_heads_up_is_shown_during_a_full_screen_window() {
    let mut t = timeline_with(|settings| settings.breaks.max_wait = m(5));
    t.at(m(20)).interruptions(FULL_SCREEN);
    t.at(m(25) - s(30)).expect_nothing();
    t.at(m(25)).expect("record deferred FullScreen");
    t.at(m(26))
        .interruptions(NONE)
        .expect("show due #1, record due #1");
}

#[test]
fn a_heads_up_on_screen_goes_when_the_break_is_deferred() {
    let mut t = timeline_with(|settings| settings.breaks.max_wait = m(5));
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    t.at(m(25) - s(10))
        .interruptions(FULL_SCREEN)
        .expect("end prepared window #1");
    t.at(m(25)).expect("withdraw, record deferred FullScreen");
    // Nothing is left to withdraw when the break is skipped meanwhile.
    t.at(m(26)).skip().expect("record skipped #1");
}
