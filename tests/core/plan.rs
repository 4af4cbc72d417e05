//! The daemon ↔ window contract: a stretch plan built from a routine, and the JSON both sides
//! read and write.

use unhunch_core::plan::{
    FirstScreen, PLAN_CONTRACT, RoutineView, StretchPlan, WindowOutcome, WindowReport,
};
use unhunch_core::routine::RoutineSet;
use unhunch_core::{Settings, Timestamp};

#[test]
fn a_plan_offers_one_routine_and_the_others_as_alternatives() {
    let routines = RoutineSet::builtin();
    let first = routines.get("seated-twist").unwrap();
    let all: Vec<_> = routines.all().iter().collect();
    let plan = StretchPlan::new(7, first, &all, Some(2), &Settings::default());
    assert_eq!(plan.break_id, 7);
    assert_eq!(plan.routine, RoutineView::of(first));
    assert_eq!(
        plan.alternatives.len(),
        11,
        "the offered routine is not its own alternative"
    );
    assert_eq!(
        (
            plan.snoozes_left,
            plan.snooze_secs,
            plan.interval_secs,
            plan.auto_advance
        ),
        (Some(2), 300, 1500, true)
    );
    // The view carries the walk-through expanded per side, so the window reads no file.
    assert_eq!(plan.routine.steps, first.walkthrough());
    assert_eq!(
        plan.routine.estimated_secs,
        first.estimated_duration().as_secs()
    );
    assert!(plan.routine.steps.iter().any(|step| step.mirrored));
}

#[test]
fn a_plan_survives_the_trip_through_json() {
    let routines = RoutineSet::builtin();
    let first = routines.get("cat-cow").unwrap();
    let plan = StretchPlan::new(
        1,
        first,
        &routines.all().iter().collect::<Vec<_>>(),
        None,
        &Settings::default(),
    );
    let json = serde_json::to_string(&plan).unwrap();
    assert_eq!(serde_json::from_str::<StretchPlan>(&json).unwrap(), plan);
    assert!(
        json.contains(r#""snoozes_left":null"#),
        "unlimited snoozes are null: {json}"
    );
}

// `first_screen` came within contract 2, so both sides of one contract still read each other: a
// plan from a daemon that never wrote it opens at the intro, as every window did, and a plan that
// has it says it in snake case.
#[test]
fn a_plan_without_a_first_screen_opens_at_the_intro() {
    let routines = RoutineSet::builtin();
    let plan = StretchPlan::new(
        1,
        routines.get("cat-cow").unwrap(),
        &[],
        None,
        &Settings::default(),
    )
    .opening_at(FirstScreen::FirstStep);
    let json = serde_json::to_string(&plan).unwrap();
    assert!(json.contains(r#""first_screen":"first_step""#), "{json}");
    let mut older: serde_json::Value = serde_json::from_str(&json).unwrap();
    older.as_object_mut().unwrap().remove("first_screen");
    let read: StretchPlan = serde_json::from_value(older).unwrap();
    assert_eq!(read.first_screen, FirstScreen::Intro);
    assert_eq!(read.contract, PLAN_CONTRACT);
}

#[test]
fn window_reports_are_the_documented_json_lines() {
    let painted = WindowReport::Painted {
        break_id: 3,
        at: Timestamp::from_unix_millis(1_795_420_800_250),
    };
    assert_eq!(
        serde_json::to_string(&painted).unwrap(),
        r#"{"event":"painted","break_id":3,"at":"2026-11-23T08:00:00.250Z"}"#
    );
    let completed = WindowReport::Outcome {
        break_id: 3,
        outcome: WindowOutcome::Completed {
            routine: "cobra".into(),
            duration_secs: 80,
        },
    };
    assert_eq!(
        serde_json::to_string(&completed).unwrap(),
        r#"{"event":"outcome","break_id":3,"outcome":{"kind":"completed","routine":"cobra","duration_secs":80}}"#
    );
    for line in [
        r#"{"event":"outcome","break_id":3,"outcome":{"kind":"snoozed"}}"#,
        r#"{"event":"outcome","break_id":3,"outcome":{"kind":"skipped"}}"#,
    ] {
        let report: WindowReport = serde_json::from_str(line).unwrap();
        assert_eq!(serde_json::to_string(&report).unwrap(), line);
    }
}

// The plan carries the words the page shows, made by the core: the snooze as the tray writes it,
// the estimate, and the pacer's breath, the same the estimate counts.
#[test]
fn a_plan_carries_the_words_the_tray_writes() {
    let routines = RoutineSet::builtin();
    let first = routines.get("cat-cow").unwrap();
    let mut settings = Settings::default();
    settings.breaks.snooze = std::time::Duration::from_secs(90);
    let plan = StretchPlan::new(1, first, &[], None, &settings);
    let words = plan.words.clone().expect("words");
    assert_eq!(words.snooze, "1 min 30 s");
    assert_eq!(words.snooze_spoken, "1 minute 30 seconds");
    assert_eq!(words.interval, "25 min");
    assert_eq!(
        words.breath_in_ms + words.breath_out_ms,
        (unhunch_core::routine::BREATH_IN + unhunch_core::routine::BREATH_OUT).as_millis() as u64
    );
    assert_eq!(
        words.estimates[&first.id],
        unhunch_core::duration::about(first.estimated_duration())
    );
    // A plan from a daemon that sent no words gets the same ones from the window's core.
    let mut older = plan.clone();
    older.words = None;
    assert_eq!(older.with_words(), plan);
}
