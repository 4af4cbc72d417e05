//! The break engine, one timeline per behaviour (the numbered rules of the engine's contract).
//! Times are offsets from the start; effects are written as short words (see `timeline.rs`).

use unhunch_core::Timestamp;
use unhunch_core::engine::{
    ClosedBy, Effect, Input, PAINT_TIMEOUT, PauseLength, Phase, STRETCH_TIMEOUT, Waiting,
};
use unhunch_core::history::{HistoryEvent, MAX_BREAK_ID};
use unhunch_core::plan::{FirstScreen, WindowOutcome};
use unhunch_core::routine::{RoutineSet, Side};
use unhunch_core::settings::{MAX_SNOOZE, PlaceChoice};

use crate::timeline::{START, h, m, ms, s, timeline, timeline_with};

// 1. A new engine is working, with the break one interval away.
#[test]
fn a_new_engine_is_working_with_the_break_one_interval_away() {
    timeline()
        .at(s(0))
        .expect_nothing()
        .expect_phase(Phase::Working)
        .expect_next_break_at(m(25));
    timeline_with(|settings| settings.breaks.interval = m(50))
        .at(s(0))
        .expect_next_break_at(m(50));
}

// 2. The heads-up comes `heads_up` before the break, with the routine the break will offer.
#[test]
fn the_heads_up_comes_before_the_break_with_its_routine() {
    let mut t = timeline();
    t.at(m(25) - s(31)).expect_nothing();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    let offered_at_heads_up = t.engine.status(t.now).routine.clone();
    assert!(offered_at_heads_up.is_some());
    t.at(m(25)).expect("show due #1, record due #1");
    assert_eq!(t.engine.status(t.now).routine, offered_at_heads_up);
    let Effect::ShowBreakDue { offer, .. } = &t.effects[0] else {
        panic!()
    };
    assert_eq!(
        offer.as_ref().map(|offer| offer.routine_id.clone()),
        offered_at_heads_up
    );
}

#[test]
fn no_heads_up_when_it_is_off() {
    timeline_with(|settings| settings.breaks.heads_up = None)
        .at(m(25))
        .expect("show due #1, record due #1");
}

#[test]
fn no_heads_up_when_its_moment_passed_as_the_countdown_was_set() {
    // A 10 s snooze returns before a 30 s heads-up could have been shown.
    let mut t = timeline();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    t.at(m(25))
        .expect("show due #1, record due #1")
        .snooze_for(s(10))
        .expect("record snoozed #1 (1 used), withdraw, end prepared window #1");
    // Nor was there time to warm up the window's files ten seconds ahead: that came at once.
    t.at(m(25) + s(10)).expect("show due #2, record due #2");
    assert_eq!(t.warm_ups_passed.len(), 1);
    // After a natural break the countdown is full length again, so the heads-up is back.
    t.at(m(26))
        .idle_for(m(3))
        .expect("withdraw, record abandoned #2, record natural break 3m");
    t.at(m(27)).input_now().expect_nothing();
    t.at(m(52) - s(30))
        .expect("heads-up for 52m, prepare window #3");
}

// 3. The break becomes due with a new id and is recorded; reminders repeat every snooze length.
#[test]
fn the_break_becomes_due_and_is_repeated_every_snooze_length_while_ignored() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25))
        .expect("show due #1, record due #1")
        .expect_phase(Phase::BreakDue)
        .expect_next_break_at(m(25));
    t.at(m(30)).expect("show due #1");
    t.at(m(35)).expect("show due #1");
    assert_eq!(
        t.engine.status(t.now).snoozes_used,
        0,
        "a reminder is not a snooze"
    );
    t.at(m(37)).skip().expect("withdraw, record skipped #1");
    t.at(m(37) + m(25)).expect("show due #2, record due #2");
}

// 4. Start or Stretch now opens the window.
#[test]
fn start_opens_the_window_for_the_due_break() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25)).expect("show due #1, record due #1");
    t.at(m(25) + s(5))
        .start()
        .expect("withdraw, open window #1, record started #1")
        .painted(1)
        .expect_phase(Phase::Stretching);
    t.start().expect("refused: already stretching");
    t.stretch_now().expect("refused: already stretching");
    t.at(m(27))
        .complete(1)
        .expect("record completed #1")
        .expect_next_break_at(m(52));
}

// A left click on the icon of a tray that draws no menu (swaybar) always answers: the due break's
// window (its intro offers Start, Snooze and Skip), or else the status.
#[test]
fn activating_the_tray_icon_opens_the_due_break_or_shows_the_status() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(3))
        .send(Input::Activate)
        .expect("show status")
        .expect_phase(Phase::Working);
    t.at(m(25)).expect("show due #1, record due #1");
    t.at(m(25) + s(5))
        .send(Input::Activate)
        .expect("withdraw, open window #1, record started #1")
        .expect_phase(Phase::Stretching);
    t.send(Input::Activate)
        .expect("show status")
        .expect_phase(Phase::Stretching);
    t.pause_indefinitely();
    t.send(Input::Activate)
        .expect("show status")
        .expect_phase(Phase::Paused);
}

#[test]
fn start_is_refused_when_no_break_is_due() {
    timeline()
        .at(m(3))
        .start()
        .expect("refused: no break due")
        .expect_phase(Phase::Working);
}

#[test]
fn stretch_now_from_working_starts_a_new_break_with_its_own_routine() {
    let mut t = timeline();
    t.at(m(10))
        .stretch_now()
        .expect("withdraw, open window #1, record started #1");
    let Effect::OpenWindow(plan) = &t.effects[1] else {
        panic!("{:?}", t.effects)
    };
    assert_eq!(plan.break_id, 1);
    assert!(
        !plan
            .alternatives
            .iter()
            .any(|alternative| alternative.id == plan.routine.id)
    );
    assert_eq!(plan.alternatives.len(), 11);
    assert_eq!(
        (plan.snoozes_left, plan.snooze_secs, plan.interval_secs),
        (Some(3), 300, 1500)
    );
    t.painted(1).expect_nothing();
    t.at(m(12))
        .complete(1)
        .expect("record completed #1")
        .expect_next_break_at(m(37));
}

#[test]
fn stretch_now_from_the_due_break_keeps_its_id() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25))
        .expect("show due #1, record due #1")
        .stretch_now()
        .expect("withdraw, open window #1, record started #1")
        .painted(1);
}

#[test]
fn stretch_now_while_paused_resumes_first() {
    let mut t = timeline();
    t.at(m(1)).pause_indefinitely().expect("record paused");
    t.at(h(2))
        .stretch_now()
        .expect("record resumed, withdraw, open window #1, record started #1")
        .painted(1);
    t.at(h(2) + m(2))
        .complete(1)
        .expect("record completed #1")
        .expect_next_break_at(h(2) + m(27));
}

/// The routine the plan of the window just opened offers first.
fn opened_routine(t: &crate::timeline::Timeline) -> String {
    t.effects
        .iter()
        .find_map(|effect| match effect {
            Effect::OpenWindow(plan) => Some(plan.routine.id.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no window opened: {:?}", t.effects))
}

/// The routine the latest `started` record names.
fn started_routine(t: &crate::timeline::Timeline) -> Option<String> {
    t.effects.iter().find_map(|effect| match effect {
        Effect::Record(record) => match &record.event {
            HistoryEvent::Started { routine, .. } => routine.clone(),
            _ => None,
        },
        _ => None,
    })
}

// "Try now" in the settings window and `unhunch stretch-now ID`: stretch now with a named routine.
#[test]
fn try_now_opens_the_named_routine_even_when_left_out_or_in_another_place() {
    let mut t = timeline_with(|settings| {
        settings.stretch.place = PlaceChoice::Chair;
        settings.stretch.leave_out = vec!["cobra".to_string()];
    });
    t.at(m(10))
        .try_routine("cobra")
        .expect("withdraw, open window #1, record started #1");
    assert_eq!(opened_routine(&t), "cobra");
    assert_eq!(started_routine(&t).as_deref(), Some("cobra"));
    assert_eq!(t.engine.status(t.now).routine.as_deref(), Some("cobra"));
    t.painted(1);
    t.at(m(12))
        .complete(1)
        .expect("record completed #1")
        .expect_next_break_at(m(37));
    // The next break is picked at random again, from the routines that fit and are not left out.
    t.at(m(37) - s(30))
        .expect("heads-up for 37m, prepare window #2");
    let next = t
        .engine
        .status(t.now)
        .routine
        .expect("the next break offers a routine");
    assert_ne!(next, "cobra");
}

#[test]
fn try_now_with_an_unknown_routine_is_refused_and_changes_nothing() {
    let mut t = timeline();
    t.at(m(10))
        .try_routine("no-such-stretch")
        .expect("refused: unknown routine")
        .expect_phase(Phase::Working)
        .expect_next_break_at(m(25));
}

#[test]
fn try_now_while_a_break_is_on_screen_is_refused() {
    let mut t = timeline();
    t.at(m(10))
        .try_routine("cobra")
        .expect("withdraw, open window #1, record started #1")
        .painted(1);
    t.at(m(11))
        .try_routine("wall-angels")
        .expect("refused: already stretching")
        .expect_phase(Phase::Stretching);
    assert_eq!(t.engine.status(t.now).routine.as_deref(), Some("cobra"));
}

#[test]
fn try_now_on_a_due_break_takes_it_with_the_named_routine() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25)).expect("show due #1, record due #1");
    let offered = t.engine.status(t.now).routine.expect("an offer");
    let chosen = if offered == "cobra" {
        "wall-angels"
    } else {
        "cobra"
    };
    t.try_routine(chosen)
        .expect("withdraw, open window #1, record started #1");
    assert_eq!(opened_routine(&t), chosen);
    assert_eq!(started_routine(&t).as_deref(), Some(chosen));
}

#[test]
fn try_now_while_paused_resumes_first() {
    let mut t = timeline();
    t.at(m(1)).pause_indefinitely().expect("record paused");
    t.at(h(1))
        .try_routine("seated-twist")
        .expect("record resumed, withdraw, open window #1, record started #1");
    assert_eq!(opened_routine(&t), "seated-twist");
}

/// The sides the latest `completed` record names.
fn completed_sides(t: &crate::timeline::Timeline) -> Option<Vec<Side>> {
    t.effects.iter().find_map(|effect| match effect {
        Effect::Record(record) => match &record.event {
            HistoryEvent::Completed { sides, .. } => sides.clone(),
            _ => None,
        },
        _ => None,
    })
}

// The balance of sides: the history says which sides were done.
#[test]
fn a_stretch_skipped_after_its_right_side_records_the_right_side_only() {
    let mut t = timeline();
    t.at(m(10)).try_routine("chair-twist").painted(1);
    t.at(m(11))
        .window_closed(
            1,
            Some(WindowOutcome::Skipped {
                sides_done: vec![Side::Right, Side::Right],
            }),
        )
        .expect("record skipped #1 after right")
        .expect_next_break_at(m(36));
}

#[test]
fn a_completed_stretch_records_each_of_its_sides_and_one_without_sides_none() {
    let mut t = timeline();
    t.at(m(10)).try_routine("chair-twist").painted(1);
    t.at(m(12)).complete(1).expect("record completed #1");
    assert_eq!(completed_sides(&t), Some(vec![Side::Right, Side::Left]));
    t.at(m(13)).try_routine("cobra").painted(2);
    t.at(m(15)).complete(2).expect("record completed #2");
    assert_eq!(completed_sides(&t), None);
}

#[test]
fn a_window_left_open_times_out_as_abandoned() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(5))
        .stretch_now()
        .expect("withdraw, open window #1, record started #1")
        .painted(1);
    t.expect_next_deadline_at(m(5) + STRETCH_TIMEOUT);
    t.at(m(20))
        .expect("close window #1, record abandoned #1")
        .expect_next_break_at(m(45));
    // The window process then exits without an outcome: the break already has one.
    t.window_closed(1, None).expect_nothing();
}

// 5. The window reports how the break ended.
#[test]
fn a_completed_break_resets_snoozes_and_starts_a_fresh_interval() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25))
        .expect("show due #1, record due #1")
        .snooze()
        .expect("record snoozed #1 (1 used), withdraw");
    t.at(m(30))
        .expect("show due #2, record due #2")
        .start()
        .expect("withdraw, open window #2, record started #2")
        .painted(2);
    t.at(m(32))
        .complete(2)
        .expect("record completed #2")
        .expect_next_break_at(m(57));
    assert_eq!(t.engine.status(t.now).snoozes_used, 0);
}

#[test]
fn snooze_from_the_window_is_a_snooze() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25))
        .expect("show due #1, record due #1")
        .start()
        .expect("withdraw, open window #1, record started #1")
        .painted(1);
    t.at(m(26))
        .window_closed(1, Some(WindowOutcome::Snoozed))
        .expect("record snoozed #1 (1 used)");
    t.at(m(31)).expect("show due #2, record due #2");
}

#[test]
fn snooze_from_the_window_with_none_left_ends_the_break_as_skipped() {
    let mut t = timeline_with(|settings| {
        settings.breaks.heads_up = None;
        settings.breaks.max_snoozes = Some(1);
    });
    t.at(m(25))
        .expect("show due #1, record due #1")
        .snooze()
        .expect("record snoozed #1 (1 used), withdraw");
    t.at(m(30))
        .expect("show due #2 (no snooze left), record due #2")
        .start()
        .painted(2);
    t.at(m(31))
        .window_closed(2, Some(WindowOutcome::Snoozed))
        .expect("refused: no snoozes left, record skipped #2")
        .expect_next_break_at(m(56));
}

#[test]
fn skipped_and_closed_windows_end_the_break() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25)).start().painted(1);
    t.at(m(26))
        .window_closed(1, Some(WindowOutcome::Skipped { sides_done: vec![] }))
        .expect("record skipped #1")
        .expect_next_break_at(m(51));
    t.at(m(51)).start().painted(2);
    t.at(m(52))
        .window_closed(2, None)
        .expect("record abandoned #2")
        .expect_next_break_at(m(77));
}

#[test]
fn a_stale_window_changes_nothing() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25))
        .expect("show due #1, record due #1")
        .start()
        .expect("withdraw, open window #1, record started #1")
        .painted(1);
    t.at(m(26))
        .snooze()
        .expect("record snoozed #1 (1 used), close window #1");
    t.window_closed(
        1,
        Some(WindowOutcome::Completed {
            routine: "cobra".into(),
            duration_secs: 60,
        }),
    )
    .expect_nothing();
    t.at(m(31)).expect("show due #2, record due #2").start();
    t.window_closed(1, None)
        .expect_nothing()
        .expect_phase(Phase::Stretching);
}

// 6. Snooze, up to the limit.
#[test]
fn snooze_puts_the_break_off_and_keeps_its_routine() {
    let mut t = timeline();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    t.at(m(25)).expect("show due #1, record due #1");
    let offered = t.engine.status(t.now).routine.clone();
    t.at(m(25) + s(3))
        .snooze()
        .expect("record snoozed #1 (1 used), withdraw, end prepared window #1")
        .expect_next_break_at(m(30) + s(3));
    // No heads-up before a snoozed break comes back.
    t.at(m(30) + s(3)).expect("show due #2, record due #2");
    assert_eq!(t.engine.status(t.now).routine, offered);
    t.snooze_for(m(15))
        .expect("record snoozed #2 (2 used), withdraw")
        .expect_next_break_at(m(45) + s(3));
}

#[test]
fn snooze_closes_an_open_window() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25)).start().painted(1);
    t.at(m(25) + s(20))
        .snooze()
        .expect("record snoozed #1 (1 used), close window #1")
        .expect_phase(Phase::Working);
    t.at(m(30) + s(20)).expect("show due #2, record due #2");
}

#[test]
fn snoozes_run_out() {
    let mut t = timeline_with(|settings| {
        settings.breaks.heads_up = None;
        settings.breaks.max_snoozes = Some(2);
    });
    t.at(m(25))
        .expect("show due #1, record due #1")
        .snooze()
        .expect("record snoozed #1 (1 used), withdraw");
    t.at(m(30))
        .expect("show due #2, record due #2")
        .snooze()
        .expect("record snoozed #2 (2 used), withdraw");
    t.at(m(35))
        .expect("show due #3 (no snooze left), record due #3");
    t.snooze()
        .expect("refused: no snoozes left")
        .expect_phase(Phase::BreakDue);
    t.at(m(36))
        .start()
        .expect("withdraw, open window #3, record started #3");
    let Effect::OpenWindow(plan) = &t.effects[1] else {
        panic!()
    };
    assert_eq!(plan.snoozes_left, Some(0));
}

#[test]
fn unlimited_snoozes() {
    let mut t = timeline_with(|settings| {
        settings.breaks.heads_up = None;
        settings.breaks.max_snoozes = None;
    });
    t.at(m(25)).expect("show due #1, record due #1");
    for round in 1..=10u64 {
        t.snooze()
            .expect(&format!("record snoozed #{round} ({round} used), withdraw"));
        t.at(m(25 + 5 * round))
            .expect(&format!("show due #{0}, record due #{0}", round + 1));
    }
}

#[test]
fn snooze_is_refused_without_a_due_break() {
    let mut t = timeline();
    t.at(m(1)).snooze().expect("refused: no break due");
    t.pause_for(h(1))
        .expect("record paused until 1h1m")
        .snooze()
        .expect("refused: no break due");
}

// 7. Skip.
#[test]
fn skip_ends_a_due_break_and_an_open_window() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25)).snooze();
    t.at(m(30))
        .expect("show due #2, record due #2")
        .skip()
        .expect("withdraw, record skipped #2")
        .expect_next_break_at(m(55));
    assert_eq!(t.engine.status(t.now).snoozes_used, 0);
    t.at(m(55)).start().painted(3);
    t.at(m(56))
        .skip()
        .expect("close window #3, record skipped #3")
        .expect_next_break_at(m(81));
}

#[test]
fn skip_while_working_skips_the_next_break() {
    let mut t = timeline();
    t.at(m(10))
        .skip()
        .expect("record skipped #1")
        .expect_next_break_at(m(35));
    t.at(m(35) - s(30))
        .expect("heads-up for 35m, prepare window #2");
    t.skip()
        .expect("withdraw, record skipped #2, end prepared window #2")
        .expect_next_break_at(m(60) - s(30));
}

#[test]
fn skip_while_paused_is_refused() {
    let mut t = timeline();
    t.at(m(1)).pause_indefinitely();
    t.skip()
        .expect("refused: nothing to skip while paused")
        .expect_phase(Phase::Paused);
}

// 8. Pause.
#[test]
fn pause_from_each_phase() {
    let mut t = timeline();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1")
        .pause_for(m(10))
        .expect("withdraw, record paused until 34m30s, end prepared window #1");
    t.at(m(34) + s(30))
        .expect("record resumed")
        .expect_next_break_at(m(59) + s(30));
    t.at(m(59)).expect("heads-up for 59m30s, prepare window #1");
    t.at(m(59) + s(30))
        .expect("show due #1, record due #1")
        .pause_for(h(1))
        .expect(
            "withdraw, record skipped #1, record paused until 1h59m30s, end prepared window #1",
        );
    t.at(h(1) + m(59) + s(30)).expect("record resumed");
    t.at(h(2))
        .stretch_now()
        .expect("withdraw, open window #2, record started #2")
        .painted(2);
    t.pause_indefinitely()
        .expect("close window #2, record abandoned #2, record paused");
    assert_eq!(t.engine.next_deadline(), None);
    assert!(t.engine.status(t.now).paused_indefinitely);
}

#[test]
fn pausing_while_paused_replaces_the_pause() {
    let mut t = timeline();
    t.at(m(1))
        .pause_for(h(1))
        .expect("record paused until 1h1m");
    t.at(m(2))
        .pause_until(m(30))
        .expect("record paused until 30m")
        .expect_next_deadline_at(m(30));
    t.at(m(30)).expect("record resumed");
}

#[test]
fn a_pause_ending_in_the_past_is_refused() {
    let mut t = timeline();
    t.at(m(10))
        .pause_until(m(5))
        .expect("refused: pause ends in the past")
        .expect_phase(Phase::Working);
    t.pause_until(m(10))
        .expect("refused: pause ends in the past");
    t.pause_for(s(0))
        .expect("refused: pause ends in the past")
        .expect_next_break_at(m(25));
}

// 9. Resume.
#[test]
fn resume_starts_a_fresh_interval() {
    let mut t = timeline();
    t.at(m(1)).resume().expect("refused: not paused");
    t.pause_indefinitely().expect("record paused");
    t.at(h(5))
        .resume()
        .expect("record resumed")
        .expect_phase(Phase::Working)
        .expect_next_break_at(h(5) + m(25));
}

// 10. Idle long enough is a natural break; the next interval starts when the user is back.
#[test]
fn idle_while_working_is_a_natural_break() {
    let mut t = timeline();
    t.at(m(10))
        .idle_for(m(3) - s(1))
        .expect_nothing()
        .expect_next_break_at(m(25));
    t.at(m(12))
        .idle_for(m(4))
        .expect("record natural break 4m")
        .expect_no_next_break()
        .expect_waiting(Some(Waiting::Return));
    // Back at 13m (the latest input, measured a little later): a full interval from there.
    t.at(m(13) + s(20))
        .idle_for(s(20))
        .expect_nothing()
        .expect_waiting(None)
        .expect_next_break_at(m(38));
    t.at(m(38) - s(30))
        .expect("heads-up for 38m, prepare window #1")
        .idle_for(m(5))
        .expect("withdraw, record natural break 5m, end prepared window #1");
}

#[test]
fn idle_while_the_break_is_due_abandons_it_as_a_natural_break() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25)).expect("show due #1, record due #1");
    t.at(m(28))
        .idle_for(m(3))
        .expect("withdraw, record abandoned #1, record natural break 3m")
        .expect_no_next_break();
    t.at(m(40)).input_now().expect_next_break_at(m(65));
}

#[test]
fn idle_while_stretching_or_paused_changes_nothing() {
    let mut t = timeline();
    t.at(m(1)).stretch_now().painted(1);
    t.at(m(10))
        .idle_for(m(9))
        .expect_nothing()
        .expect_phase(Phase::Stretching);
    t.complete(1);
    t.pause_indefinitely();
    t.at(h(1))
        .idle_for(m(50))
        .expect_nothing()
        .expect_phase(Phase::Paused);
}

#[test]
fn one_idle_spell_reported_again_counts_once() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(10))
        .idle_for(m(3))
        .expect("record natural break 3m")
        .expect_no_next_break();
    // Still away: the spell is not counted twice, and no break comes while the user is away.
    t.at(m(20))
        .idle_for(m(13))
        .expect_nothing()
        .expect_no_next_break();
    t.at(h(3)).idle_for(h(3) - m(7)).expect_nothing();
    // Back: one full interval from the return.
    t.at(h(3) + m(1))
        .input_now()
        .expect_nothing()
        .expect_next_break_at(h(3) + m(26));
}

// 11. Clock jumps (suspend, clock changes).
#[test]
fn a_long_suspend_is_a_natural_break() {
    let mut t = timeline();
    t.at(m(10))
        .clock_jumps(ms(h(8)))
        .expect("record natural break 8h")
        .expect_next_break_at(h(8) + m(35));
}

#[test]
fn a_long_suspend_while_due_abandons_the_break_with_one_notification_effect() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25)).expect("show due #1, record due #1");
    t.at(m(26))
        .clock_jumps(ms(h(1)))
        .expect("withdraw, record abandoned #1, record natural break 1h");
}

#[test]
fn a_short_suspend_does_not_count_as_work() {
    let mut t = timeline();
    t.at(m(20))
        .clock_jumps(ms(m(2)))
        .expect_nothing()
        .expect_next_break_at(m(27));
    t.at(m(27) - s(30))
        .expect("heads-up for 27m, prepare window #1");
    t.at(m(27)).expect("show due #1, record due #1");
    t.at(m(31))
        .clock_jumps(ms(m(1)))
        .expect_nothing()
        .expect_next_deadline_at(m(33));
    t.at(m(33)).expect("show due #1");
}

#[test]
fn a_suspend_while_stretching_moves_the_time_out() {
    let mut t = timeline();
    t.at(m(1)).stretch_now().painted(1);
    t.at(m(2))
        .clock_jumps(ms(h(1)))
        .expect_nothing()
        .expect_next_deadline_at(m(1) + h(1) + STRETCH_TIMEOUT);
}

#[test]
fn a_suspend_while_paused_keeps_the_pause_end() {
    let mut t = timeline();
    t.at(m(1))
        .pause_until(h(1))
        .expect("record paused until 1h");
    t.at(m(10))
        .clock_jumps(ms(m(20)))
        .expect_nothing()
        .expect_next_deadline_at(h(1));
    // A jump past the end of the pause resumes once.
    t.clock_jumps(ms(h(2)))
        .expect("record resumed")
        .expect_next_break_at(h(2) + m(30) + m(25));
}

#[test]
fn setting_the_clock_back_keeps_the_time_remaining() {
    let mut t = timeline();
    t.at(m(20))
        .clock_jumps(-ms(m(10)))
        .expect_nothing()
        .expect_next_break_at(m(15));
    t.at(m(15) - s(30))
        .expect("heads-up for 15m, prepare window #1");
    t.at(m(15)).expect("show due #1, record due #1");
}

#[test]
fn a_suspend_past_the_heads_up_and_the_due_time_shows_only_the_break() {
    // The shell slept through both deadlines without noticing a jump: catching up collapses them.
    let mut t = timeline();
    t.at(m(1)).expect_nothing();
    t.sleep_through_to(m(40))
        .tick()
        .expect("show due #1, record due #1");
    // Several missed reminders make one.
    t.sleep_through_to(m(80))
        .tick()
        .expect("show due #1")
        .expect_next_deadline_at(m(85));
}

// 12. Settings changes.
#[test]
fn a_longer_interval_moves_the_break_and_its_heads_up() {
    let mut t = timeline();
    t.at(m(10))
        .settings_change(|settings| settings.breaks.interval = m(50))
        .expect_nothing()
        .expect_next_break_at(m(50));
    t.at(m(50) - s(30))
        .expect("heads-up for 50m, prepare window #1");
}

#[test]
fn a_shorter_interval_never_makes_the_break_due_within_a_minute() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(20))
        .settings_change(|settings| settings.breaks.interval = m(10))
        .expect_nothing()
        .expect_next_break_at(m(21));
    t.at(m(21)).expect("show due #1, record due #1");
    // A very short interval is reached from now, not later than it.
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(20))
        .settings_change(|settings| settings.breaks.interval = s(20))
        .expect_next_break_at(m(20) + s(20));
}

#[test]
fn a_due_break_keeps_going_with_the_new_settings() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25)).expect("show due #1, record due #1").snooze();
    t.at(m(30)).expect("show due #2, record due #2");
    t.settings_change(|settings| settings.breaks.max_snoozes = Some(1))
        .expect_nothing()
        .expect_phase(Phase::BreakDue);
    t.snooze().expect("refused: no snoozes left");
    t.skip()
        .expect("withdraw, record skipped #2")
        .expect_next_break_at(m(55));
}

#[test]
fn a_place_change_picks_a_routine_that_fits() {
    let mut t = timeline_with(|settings| settings.stretch.place = PlaceChoice::Floor);
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    t.settings_change(|settings| settings.stretch.place = PlaceChoice::Chair)
        .expect("end prepared window #1");
    t.at(m(25)).expect("show due #1, record due #1");
    let routine = t.engine.status(t.now).routine.unwrap();
    assert!(
        t.engine
            .routines()
            .get(&routine)
            .unwrap()
            .fits(PlaceChoice::Chair),
        "{routine} does not fit a chair"
    );
}

// 13. Routine changes.
#[test]
fn changed_routines_keep_the_offer_unless_it_is_gone() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25)).expect("show due #1, record due #1");
    let offered = t.engine.status(t.now).routine.unwrap();
    t.send(Input::RoutinesChanged(RoutineSet::builtin()))
        .expect_nothing();
    assert_eq!(t.engine.status(t.now).routine.as_ref(), Some(&offered));
    let without_offered = RoutineSet::from_routines(
        RoutineSet::builtin()
            .all()
            .iter()
            .filter(|routine| routine.id != offered)
            .cloned()
            .collect(),
    );
    t.send(Input::RoutinesChanged(without_offered))
        .expect_nothing();
    let now_offered = t.engine.status(t.now).routine.unwrap();
    assert_ne!(now_offered, offered);
    t.start()
        .expect("withdraw, open window #1, record started #1");
    let Effect::OpenWindow(plan) = &t.effects[1] else {
        panic!()
    };
    assert_eq!(plan.routine.id, now_offered);
}

#[test]
fn with_no_routine_that_fits_stretching_is_refused() {
    let mut t = timeline();
    t.send(Input::RoutinesChanged(RoutineSet::default()));
    t.at(m(25) - s(30)).expect("heads-up for 25m (no routine)");
    t.at(m(25))
        .expect("show due #1, record due #1")
        .start()
        .expect("refused: no routine fits")
        .expect_phase(Phase::BreakDue);
    t.skip().expect("withdraw, record skipped #1");
    t.stretch_now()
        .expect("refused: no routine fits")
        .expect_phase(Phase::Working);
}

// 14. Quit.
#[test]
fn quit_abandons_the_break_in_progress() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25))
        .expect("show due #1, record due #1")
        .quit()
        .expect("withdraw, record abandoned #1");
    let mut t = timeline();
    t.at(m(3)).stretch_now();
    t.quit().expect("close window #1, record abandoned #1");
    let mut t = timeline();
    t.at(m(3)).quit().expect_nothing();
}

// 15. Catching up.
#[test]
fn a_late_input_catches_up_first() {
    let mut t = timeline();
    t.at(m(1)).expect_nothing();
    // The shell slept through the heads-up and the due time; a Snooze arrives at 26m.
    t.sleep_through_to(m(26))
        .snooze()
        .expect("record due #1, record snoozed #1 (1 used), withdraw")
        .expect_next_break_at(m(31));
}

// A new run numbers its breaks after the last id in the history file, so an id names one break.
#[test]
fn a_new_run_numbers_its_breaks_after_the_history_it_finds() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.engine.number_breaks_after(41);
    t.at(m(25)).expect("show due #42, record due #42");
    // Never back: a smaller last id (an older history) leaves the numbering alone.
    t.engine.number_breaks_after(3);
    t.skip().at(m(50)).expect("show due #43, record due #43");
}

// Issue 11: the horizon of times, the snooze cap, ids that never wrap, a pause restored after a
// restart, and a stale heads-up taken down.

#[test]
fn a_pause_ending_beyond_the_year_9999_is_refused_and_nothing_is_recorded() {
    let mut t = timeline();
    t.at(m(1))
        .pause_for(h(100_000_000))
        .expect("refused: pause ends beyond the horizon")
        .expect_phase(Phase::Working)
        .expect_next_break_at(m(25));
    t.send(Input::Pause(PauseLength::Until(
        Timestamp::from_unix_millis(Timestamp::LATEST.unix_millis() + 1),
    )))
    .expect("refused: pause ends beyond the horizon");
    // The last time the history can write is still accepted, and written as it is.
    t.send(Input::Pause(PauseLength::Until(Timestamp::LATEST)));
    let [Effect::Record(record)] = t.effects.as_slice() else {
        panic!("expected one record: {:?}", t.effects);
    };
    let line = serde_json::to_string(record).expect("the record serializes");
    assert!(line.contains("9999-12-31T23:59:59.999Z"), "{line}");
    assert_eq!(
        serde_json::from_str::<unhunch_core::history::HistoryRecord>(&line).ok(),
        Some(record.clone())
    );
}

#[test]
fn a_snooze_longer_than_the_settings_allow_is_refused_whatever_the_phase() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(1))
        .snooze_for(s(u64::from(u32::MAX)))
        .expect("refused: snooze too long");
    t.at(m(25)).expect("show due #1, record due #1");
    t.snooze_for(MAX_SNOOZE + s(1))
        .expect("refused: snooze too long")
        .expect_phase(Phase::BreakDue);
    // The cap itself is a snooze like any other.
    t.snooze_for(MAX_SNOOZE)
        .expect("record snoozed #1 (1 used), withdraw")
        .expect_next_break_at(m(25) + MAX_SNOOZE);
}

#[test]
fn break_ids_stop_at_the_largest_json_safe_integer_instead_of_wrapping() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.engine.number_breaks_after(u64::MAX);
    t.at(m(25))
        .expect(&format!(
            "show due #{MAX_BREAK_ID}, record due #{MAX_BREAK_ID}"
        ))
        .skip();
    t.at(m(50)).expect(&format!(
        "show due #{MAX_BREAK_ID}, record due #{MAX_BREAK_ID}"
    ));
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.engine.number_breaks_after(MAX_BREAK_ID - 1);
    t.at(m(25)).expect(&format!(
        "show due #{MAX_BREAK_ID}, record due #{MAX_BREAK_ID}"
    ));
}

#[test]
fn a_restored_pause_holds_without_effects_and_ends_on_time() {
    let mut t = timeline();
    t.engine
        .restore_pause(PauseLength::Until(START.plus(h(2))), t.now);
    t.expect_phase(Phase::Paused).expect_next_deadline_at(h(2));
    // No heads-up, no break during the pause; it ends like any pause, with a `resumed` record.
    t.at(h(2))
        .expect("record resumed")
        .expect_next_break_at(h(2) + m(25));

    let mut t = timeline();
    t.engine.restore_pause(PauseLength::Indefinitely, t.now);
    assert_eq!(t.engine.next_deadline(), None);
    t.resume()
        .expect("record resumed")
        .expect_next_break_at(m(25));
}

#[test]
fn a_restored_pause_that_has_ended_or_is_beyond_the_horizon_is_not_restored() {
    let mut t = timeline();
    t.at(m(5));
    t.engine
        .restore_pause(PauseLength::Until(START.plus(m(1))), t.now);
    t.expect_phase(Phase::Working).expect_next_break_at(m(25));
    t.engine.restore_pause(
        PauseLength::Until(Timestamp::from_unix_millis(i64::MAX)),
        t.now,
    );
    t.expect_phase(Phase::Working);
}

#[test]
fn a_longer_interval_takes_down_the_heads_up_on_screen_and_it_comes_again_in_time() {
    let mut t = timeline();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    t.at(m(25) - s(20)).expect_nothing();
    t.settings_change(|settings| settings.breaks.interval = m(50))
        .expect("withdraw, end prepared window #1")
        .expect_next_break_at(m(50));
    t.at(m(50) - s(30))
        .expect("heads-up for 50m, prepare window #1");
    t.at(m(50)).expect("show due #1, record due #1");
}

#[test]
fn a_shorter_interval_also_takes_down_the_heads_up_on_screen() {
    let mut t = timeline();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    t.at(m(25) - s(20)).expect_nothing();
    t.settings_change(|settings| settings.breaks.interval = m(10))
        .expect("withdraw, end prepared window #1")
        .expect_next_break_at(m(25) + s(40));
    t.at(m(25) + s(10))
        .expect("heads-up for 25m40s, prepare window #1");
}

#[test]
fn a_heads_up_change_alone_keeps_the_heads_up_on_screen_and_shows_it_once() {
    let mut t = timeline();
    t.at(m(25) - s(30))
        .expect("heads-up for 25m, prepare window #1");
    t.at(m(25) - s(20)).expect_nothing();
    t.settings_change(|settings| settings.breaks.heads_up = Some(s(10)))
        .expect_nothing();
    // The heads-up is not shown a second time at the new lead.
    t.at(m(25)).expect("show due #1, record due #1");
}

// A stretch window must paint within PAINT_TIMEOUT, or the break is offered as a notification.
#[test]
fn a_window_that_never_paints_is_closed_and_the_break_offered_as_a_notification() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25)).expect("show due #1, record due #1");
    t.start()
        .expect("withdraw, open window #1, record started #1")
        .expect_next_deadline_at(m(25) + PAINT_TIMEOUT);
    t.at(m(25) + PAINT_TIMEOUT)
        .expect("close window #1, show due #1 (window failed)")
        .expect_phase(Phase::BreakDue)
        .expect_next_break_at(m(25));
    // The reminder says the same until the user decides; the break is still break #1.
    t.at(m(25) + PAINT_TIMEOUT + m(5))
        .expect("show due #1 (window failed)")
        .snooze()
        .expect("record snoozed #1 (1 used), withdraw");
    // The next time the break comes round, the window is tried again.
    t.at(m(30) + PAINT_TIMEOUT + m(5))
        .expect("show due #2, record due #2")
        .start()
        .expect("withdraw, open window #2, record started #2")
        .painted(2)
        .expect_next_deadline_at(m(30) + PAINT_TIMEOUT + m(5) + STRETCH_TIMEOUT);
}

#[test]
fn a_painted_report_of_another_break_does_not_count() {
    let mut t = timeline();
    t.at(m(1)).stretch_now().painted(7).expect_nothing();
    t.at(m(1) + PAINT_TIMEOUT)
        .expect("close window #1, show due #1 (window failed)");
    // A window closed after it was given up on changes nothing more.
    t.window_closed(1, None).expect_nothing();
    t.skip()
        .expect("withdraw, record skipped #1")
        .expect_next_break_at(m(1) + PAINT_TIMEOUT + m(25));
}

#[test]
fn starting_again_after_a_blank_window_tries_the_window_again() {
    let mut t = timeline();
    t.at(m(1)).stretch_now();
    t.at(m(1) + PAINT_TIMEOUT)
        .expect("close window #1, show due #1 (window failed)");
    t.at(m(2))
        .start()
        .expect("withdraw, open window #1, record started #1")
        .expect_phase(Phase::Stretching)
        .painted(1);
    t.at(m(4)).complete(1).expect("record completed #1");
}

#[test]
fn a_suspend_before_the_window_painted_moves_the_paint_deadline() {
    let mut t = timeline();
    t.at(m(1)).stretch_now();
    t.at(m(1) + s(2))
        .clock_jumps(ms(h(1)))
        .expect_nothing()
        .expect_next_deadline_at(m(1) + h(1) + PAINT_TIMEOUT);
    t.painted(1)
        .expect_nothing()
        .expect_next_deadline_at(m(1) + h(1) + STRETCH_TIMEOUT);
}

// With no notification server the window opens in the notification's place, but a window that
// already failed to paint is not opened again and again.
#[test]
fn a_break_no_server_showed_opens_the_window_unless_its_window_failed() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25)).expect("show due #1, record due #1");
    t.send(Input::BreakNotShown { break_id: 7 })
        .expect_nothing();
    t.send(Input::BreakNotShown { break_id: 1 })
        .expect("withdraw, open window #1, record started #1");
    t.at(m(25) + PAINT_TIMEOUT)
        .expect("close window #1, show due #1 (window failed)");
    t.send(Input::BreakNotShown { break_id: 1 })
        .expect_nothing()
        .expect_phase(Phase::BreakDue);
    t.at(m(25) + PAINT_TIMEOUT + m(5))
        .expect("show due #1 (window failed)");
}

// A notification that goes without an action does not reopen a window that failed to paint.
#[test]
fn a_closed_notification_after_a_blank_window_opens_no_window() {
    let mut t = timeline_with(|settings| {
        settings.breaks.heads_up = None;
        settings.breaks.max_snoozes = Some(0);
    });
    t.at(m(25))
        .expect("show due #1 (no snooze left), record due #1");
    t.start()
        .expect("withdraw, open window #1, record started #1");
    t.at(m(25) + PAINT_TIMEOUT)
        .expect("close window #1, show due #1 (no snooze left) (window failed)");
    for closed_by in [ClosedBy::User, ClosedBy::Expiry, ClosedBy::Server] {
        t.notification_closed(1, closed_by)
            .expect_nothing()
            .expect_phase(Phase::BreakDue);
    }
}

// A break notification that goes away without an action (stock dunst's left click closes it, a
// server expires it, or closes it on its own) never leaves a break due with nothing showing.
#[test]
fn closing_the_break_notification_snoozes_it_and_says_so() {
    let mut t = timeline_with(|settings| {
        settings.breaks.heads_up = None;
        settings.breaks.max_snoozes = Some(1);
    });
    t.at(m(25)).expect("show due #1, record due #1");
    t.at(m(25) + s(4))
        .notification_closed(1, ClosedBy::User)
        .expect("record snoozed #1 (1 used), withdraw, say closing snoozed 5m")
        .expect_phase(Phase::Working)
        .expect_next_break_at(m(30) + s(4));
    // The snoozed break comes back; with no snooze left, closing it opens the stretch window.
    t.at(m(30) + s(4))
        .expect("show due #2 (no snooze left), record due #2");
    t.at(m(30) + s(9))
        .notification_closed(2, ClosedBy::User)
        .expect("withdraw, open window #2, record started #2")
        .expect_phase(Phase::Stretching);
}

#[test]
fn a_break_notification_that_expires_or_vanishes_opens_the_stretch_window() {
    for closed_by in [ClosedBy::Expiry, ClosedBy::Server] {
        let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
        t.at(m(25)).expect("show due #1, record due #1");
        t.at(m(25) + s(10))
            .notification_closed(1, closed_by)
            .expect("withdraw, open window #1, record started #1")
            .expect_phase(Phase::Stretching);
    }
}

#[test]
fn a_closed_notification_of_another_break_or_moment_changes_nothing() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    // Before any break is due (a heads-up closed, say), nothing happens.
    t.at(m(3))
        .notification_closed(1, ClosedBy::User)
        .expect_nothing()
        .expect_phase(Phase::Working);
    t.at(m(25)).expect("show due #1, record due #1");
    t.notification_closed(7, ClosedBy::User)
        .expect_nothing()
        .expect_phase(Phase::BreakDue);
    // Unhunch's own withdrawal after Start reports the closing late: the break is under way.
    t.at(m(26))
        .start()
        .expect("withdraw, open window #1, record started #1");
    t.notification_closed(1, ClosedBy::Server)
        .expect_nothing()
        .expect_phase(Phase::Stretching);
}

/// The screen the window of the latest step opens at.
fn opened_at(effects: &[Effect]) -> FirstScreen {
    effects
        .iter()
        .find_map(|effect| match effect {
            Effect::OpenWindow(plan) => Some(plan.first_screen),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no window opened: {effects:?}"))
}

// Start (on the notification, or in the tray) is the user's yes to the stretch: the window opens
// at the first step. A window that comes by itself (no notification server, a reminder closed
// with no snooze left) and stretch-now open at the intro, whose Start, Snooze and Skip are the
// first question anyone asked.
#[test]
fn start_opens_at_the_first_step_and_every_other_way_at_the_intro() {
    let mut t = timeline_with(|settings| settings.breaks.heads_up = None);
    t.at(m(25)).expect("show due #1, record due #1");
    t.at(m(25) + s(5))
        .start()
        .expect("withdraw, open window #1, record started #1");
    assert_eq!(opened_at(&t.effects), FirstScreen::FirstStep);
    t.painted(1);
    t.at(m(27)).complete(1);

    // A click on the icon of a tray without a menu, while the break is due, is Start too.
    t.at(m(52)).expect("show due #2, record due #2");
    t.send(Input::Activate)
        .expect("withdraw, open window #2, record started #2");
    assert_eq!(opened_at(&t.effects), FirstScreen::FirstStep);
    t.painted(2);
    t.at(m(53)).complete(2);

    // No notification server showed the break: the window opens by itself, at the intro.
    t.at(m(78)).expect("show due #3, record due #3");
    t.send(Input::BreakNotShown { break_id: 3 })
        .expect("withdraw, open window #3, record started #3");
    assert_eq!(opened_at(&t.effects), FirstScreen::Intro);
    t.painted(3);
    t.at(m(79)).complete(3);

    // The reminder expired: the window comes by itself, at the intro.
    t.at(m(104)).expect("show due #4, record due #4");
    t.notification_closed(4, ClosedBy::Expiry)
        .expect("withdraw, open window #4, record started #4");
    assert_eq!(opened_at(&t.effects), FirstScreen::Intro);
    t.painted(4);
    t.at(m(105)).complete(4);

    // stretch-now, with a break due and without one.
    t.at(m(130)).expect("show due #5, record due #5");
    t.stretch_now()
        .expect("withdraw, open window #5, record started #5");
    assert_eq!(opened_at(&t.effects), FirstScreen::Intro);
    t.painted(5);
    t.at(m(131)).complete(5);
    t.at(m(140))
        .stretch_now()
        .expect("withdraw, open window #6, record started #6");
    assert_eq!(opened_at(&t.effects), FirstScreen::Intro);
    t.painted(6);
}

// `[stretch] leave_out`: the random pick never offers a routine the user left out.
#[test]
fn a_left_out_routine_is_never_offered() {
    let kept = ["cobra", "chair-twist"];
    let leave_out: Vec<String> = RoutineSet::builtin()
        .all()
        .iter()
        .map(|routine| routine.id.clone())
        .filter(|id| !kept.contains(&id.as_str()))
        .collect();
    let mut t = timeline_with(|settings| settings.stretch.leave_out = leave_out);
    let mut offered = std::collections::BTreeSet::new();
    for break_id in 1..=6 {
        t.at(m(10 * break_id)).stretch_now();
        let Some(Effect::OpenWindow(plan)) = t
            .effects
            .iter()
            .find(|effect| matches!(effect, Effect::OpenWindow(_)))
        else {
            panic!("{:?}", t.effects)
        };
        offered.insert(plan.routine.id.clone());
        t.painted(break_id).complete(break_id);
    }
    assert_eq!(offered, kept.map(String::from).into());
}
