//! Routine files: every shipped routine parses, walk-throughs per side, places, user files that
//! replace or clash, and every kind of mistake with its file and line.

use std::time::Duration;

use unhunch_core::Routine;
use unhunch_core::routine::{Hold, Place, RoutineSet, Side};
use unhunch_core::settings::{Focus, PlaceChoice};

/// The single place that parses a routine expected to be broken: its problems, one a line.
fn problems_of(text: &str) -> String {
    match Routine::parse("my-routine.toml", text) {
        Ok(routine) => panic!("expected problems, but it parsed to {routine:?}"),
        Err(problems) => problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn routine_of(text: &str) -> Routine {
    Routine::parse("my-routine.toml", text).unwrap_or_else(|problems| {
        panic!(
            "{}",
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

const HEADER: &str = "id = \"test-twist\"\nname = \"Test Twist\"\narea = \"mid back\"\n\
    helps_with = \"Eases it.\"\nplace = \"chair\"\nillustration = \"chair-twist\"\nsafety = \"Stop if it hurts.\"\n";

fn with_header(rest: &str) -> String {
    format!("{HEADER}{rest}")
}

const SHIPPED_IDS: [&str; 12] = [
    "cat-cow",
    "chair-back-extension",
    "chair-twist",
    "cobra",
    "doorway-chest-opener",
    "seated-cat-cow",
    "seated-side-bend",
    "seated-twist",
    "shoulder-blade-squeeze",
    "standing-backbend",
    "thread-the-needle",
    "wall-angels",
];

#[test]
fn every_shipped_routine_is_built_in() {
    let builtin = RoutineSet::builtin();
    let ids: Vec<&str> = builtin
        .all()
        .iter()
        .map(|routine| routine.id.as_str())
        .collect();
    assert_eq!(ids, SHIPPED_IDS);
    for routine in builtin.all() {
        assert!(
            !routine.walkthrough().is_empty(),
            "{} has no steps",
            routine.id
        );
        let minutes = routine.estimated_duration().as_secs_f64() / 60.0;
        assert!(
            (0.3..=6.0).contains(&minutes),
            "{} takes about {minutes:.1} min",
            routine.id
        );
    }
}

#[test]
fn every_place_setting_offers_at_least_three_routines() {
    let builtin = RoutineSet::builtin();
    for place in [PlaceChoice::Any, PlaceChoice::Chair, PlaceChoice::Floor] {
        let eligible = builtin.eligible(place);
        assert!(
            eligible.len() >= 3,
            "{place:?} offers only {}",
            eligible.len()
        );
    }
    assert!(builtin.has_one_sided(Focus::Left));
    assert!(!builtin.has_one_sided(Focus::Both));
}

#[test]
fn places_fit_as_the_user_said() {
    let at = |place: &str| {
        routine_of(
            &with_header("[[steps]]\ntext = \"Sit.\"\n")
                .replace("\"chair\"", &format!("\"{place}\"")),
        )
    };
    let (floor, chair, standing) = (at("floor"), at("chair"), at("standing"));
    assert_eq!(
        (floor.place, chair.place, standing.place),
        (Place::Floor, Place::Chair, Place::Standing)
    );
    for routine in [&floor, &chair, &standing] {
        assert!(routine.fits(PlaceChoice::Any));
    }
    assert!(
        !floor.fits(PlaceChoice::Chair)
            && chair.fits(PlaceChoice::Chair)
            && standing.fits(PlaceChoice::Chair)
    );
    assert!(
        floor.fits(PlaceChoice::Floor)
            && !chair.fits(PlaceChoice::Floor)
            && !standing.fits(PlaceChoice::Floor)
    );
}

#[test]
fn a_routine_without_sides_walks_through_its_steps_once() {
    let routine = routine_of(&with_header(
        "[[steps]]\ntext = \"Sit tall.\"\nhold = \"2 breaths\"\n\
         [[steps]]\ntext = \"Squeeze.\"\nillustration = \"shoulder-blade-squeeze\"\nhold = \"5s\"\nrepeat = 3\n",
    ));
    let steps = routine.walkthrough();
    assert_eq!(steps.len(), 2);
    assert_eq!(
        (steps[0].text.as_str(), steps[0].side, steps[0].mirrored),
        ("Sit tall.", None, false)
    );
    assert_eq!(steps[0].illustration, "chair-twist");
    assert_eq!(steps[0].hold, Some(Hold::Breaths { count: 2 }));
    assert_eq!(steps[1].illustration, "shoulder-blade-squeeze");
    assert_eq!(
        (steps[1].hold, steps[1].repeat),
        (Some(Hold::Seconds { secs: 5 }), 3)
    );
    // Reading takes 8 s a step, a breath as long as the pacer's (4 s in, 4 s out), a hold counts
    // once per repeat: 8+2*8 + 8+3*5.
    assert_eq!(routine.estimated_duration(), Duration::from_secs(47));
}

#[test]
fn a_routine_with_sides_walks_through_each_side_in_order() {
    let routine = routine_of(&with_header(
        "sides = [\"left\", \"right\"]\n[[steps]]\ntext = \"Turn to your {side}, hand on your {other} knee.\"\n\
         [[steps]]\ntext = \"Come back.\"\n",
    ));
    let screens: Vec<(String, Option<Side>, bool)> = routine
        .walkthrough()
        .into_iter()
        .map(|step| (step.text, step.side, step.mirrored))
        .collect();
    assert_eq!(
        screens,
        [
            (
                "Turn to your left, hand on your right knee.".to_string(),
                Some(Side::Left),
                true
            ),
            ("Come back.".to_string(), Some(Side::Left), true),
            (
                "Turn to your right, hand on your left knee.".to_string(),
                Some(Side::Right),
                false
            ),
            ("Come back.".to_string(), Some(Side::Right), false),
        ]
    );
    assert!(routine.works_one_side_at_a_time());
}

#[test]
fn a_missing_field_or_step_is_reported() {
    assert_eq!(
        problems_of("id = \"x\"\nname = \"X\"\n"),
        "my-routine.toml:1:1: area: `area` is missing\n  help: add a line like area = \"mid back\"\n\
         my-routine.toml:1:1: helps_with: `helps_with` is missing\n  help: add a line like helps_with = \"Eases a stiff mid back.\"\n\
         my-routine.toml:1:1: place: `place` is missing\n  help: add a line like place = \"chair\" (floor, chair or standing)\n\
         my-routine.toml:1:1: illustration: `illustration` is missing\n  help: add a line like illustration = \"seated-twist\"\n\
         my-routine.toml:1:1: safety: `safety` is missing\n  help: add a line like safety = \"Stop if pain sharpens or spreads.\"\n\
         my-routine.toml:1:1: steps: `steps` is missing\n  help: add at least one step: a line [[steps]] followed by text = \"...\""
    );
    assert_eq!(
        problems_of(&with_header("steps = []\n")),
        "my-routine.toml:8:9: steps: there are no steps\n  \
         help: write each step as a line [[steps]] followed by text = \"...\""
    );
    assert_eq!(
        problems_of(&with_header("[[steps]]\nhold = \"2 breaths\"\n")),
        "my-routine.toml:8:1: steps[1]: the step has no `text`\n  help: add text = \"...\" saying what to do"
    );
}

#[test]
fn ids_names_and_text_are_checked() {
    assert_eq!(
        problems_of(
            &with_header("[[steps]]\ntext = \"  \"\n")
                .replace("id = \"test-twist\"", "id = \"Test Twist\"")
        ),
        "my-routine.toml:1:6: id: \"Test Twist\" is not an id\n  \
         help: use only lowercase letters a-z, digits and '-', like \"seated-twist\"\n\
         my-routine.toml:9:8: steps[1].text: `steps[1].text` is empty\n  help: write a short sentence here"
    );
    assert_eq!(
        problems_of(&with_header(
            "[[steps]]\ntext = \"Sit.\"\nillustration = \"../../etc/passwd\"\n"
        )),
        "my-routine.toml:10:16: steps[1].illustration: \"../../etc/passwd\" is not an illustration name\n  \
         help: use only lowercase letters a-z, digits and '-', like \"seated-twist\""
    );
}

#[test]
fn placeholders_need_sides_and_must_be_known() {
    assert_eq!(
        problems_of(&with_header("[[steps]]\ntext = \"Turn to your {side}.\"\n")),
        "my-routine.toml:9:8: steps[1].text: `{side}` is only filled in when the routine has `sides`\n  \
         help: add sides = [\"right\", \"left\"] to the routine, or write the side out"
    );
    assert_eq!(
        problems_of(&with_header(
            "sides = [\"right\"]\n[[steps]]\ntext = \"Turn to your {sied}.\"\n"
        )),
        "my-routine.toml:10:8: steps[1].text: unknown placeholder `{sied}`; did you mean `{side}`?\n  \
         help: only {side} and {other} are filled in"
    );
}

#[test]
fn sides_are_one_or_two_distinct_sides() {
    let help = "help: write sides = [\"right\", \"left\"], [\"left\", \"right\"] or just one side, or leave it out";
    let steps = "[[steps]]\ntext = \"Turn.\"\n";
    assert_eq!(
        problems_of(&with_header(&format!(
            "sides = [\"left\", \"left\"]\n{steps}"
        ))),
        format!("my-routine.toml:8:9: sides: the same side is named twice\n  {help}")
    );
    assert_eq!(
        problems_of(&with_header(&format!("sides = []\n{steps}"))),
        format!("my-routine.toml:8:9: sides: `sides` must name one or two sides\n  {help}")
    );
    assert_eq!(
        problems_of(&with_header(&format!("sides = \"left\"\n{steps}"))),
        format!("my-routine.toml:8:9: sides: expected a list, found text\n  {help}")
    );
    assert_eq!(
        problems_of(&with_header(&format!("sides = [\"up\"]\n{steps}"))),
        "my-routine.toml:8:10: sides: \"up\" is not a side\n  help: choose one of \"right\", \"left\""
    );
}

#[test]
fn holds_and_repeats_are_checked() {
    let hold_help = "help: write a number of breaths like \"5 breaths\" (1 to 30) or a time like \"20s\" (1s to 2m)";
    let with_step = |step: &str| with_header(&format!("[[steps]]\ntext = \"Hold.\"\n{step}\n"));
    assert_eq!(
        problems_of(&with_step("hold = \"5 brethes\"")),
        format!("my-routine.toml:10:8: steps[1].hold: \"5 brethes\" is not a hold\n  {hold_help}")
    );
    assert_eq!(
        problems_of(&with_step("hold = \"31 breaths\"")),
        format!(
            "my-routine.toml:10:8: steps[1].hold: \"31 breaths\" is out of range\n  {hold_help}"
        )
    );
    assert_eq!(
        problems_of(&with_step("hold = \"3m\"")),
        format!("my-routine.toml:10:8: steps[1].hold: \"3m\" is out of range\n  {hold_help}")
    );
    assert_eq!(
        problems_of(&with_step("repeat = 21")),
        "my-routine.toml:10:10: steps[1].repeat: 21 is out of range\n  help: write a whole number from 1 to 20"
    );
    assert_eq!(
        routine_of(&with_step("hold = \"1 breath\"")).steps[0].hold,
        Some(Hold::Breaths { count: 1 })
    );
    assert_eq!(
        routine_of(&with_step("hold = \"2m\"")).steps[0].hold,
        Some(Hold::Seconds { secs: 120 })
    );
}

#[test]
fn unknown_keys_suggest_the_nearest_known_one() {
    assert_eq!(
        problems_of(&with_header("[[steps]]\ntext = \"Hold.\"\nhodl = \"5s\"\n")),
        "my-routine.toml:10:1: steps[1].hodl: unknown key `hodl`; did you mean `hold`?\n  \
         help: the keys of a step are: text, illustration, hold, repeat"
    );
    assert_eq!(
        problems_of(&with_header("helps = \"x\"\n[[steps]]\ntext = \"Hold.\"\n")),
        "my-routine.toml:8:1: helps: unknown key `helps`\n  \
         help: the keys of a routine are: id, name, area, helps_with, place, sides, illustration, safety, steps"
    );
    // A short unknown key is not close to `id` just because both have two letters.
    assert_eq!(
        problems_of(&with_header(
            "os = \"linux\"\n[[steps]]\ntext = \"Hold.\"\n"
        )),
        "my-routine.toml:8:1: os: unknown key `os`\n  \
         help: the keys of a routine are: id, name, area, helps_with, place, sides, illustration, safety, steps"
    );
}

fn user_routine(id: &str, name: &str) -> String {
    format!(
        "id = \"{id}\"\nname = \"{name}\"\narea = \"mid back\"\nhelps_with = \"Eases it.\"\nplace = \"floor\"\n\
         illustration = \"stand-tall\"\nsafety = \"Gently.\"\n[[steps]]\ntext = \"Breathe.\"\n"
    )
}

#[test]
fn a_user_file_replaces_the_built_in_with_its_id() {
    let (set, problems) = RoutineSet::builtin().with_user_files(&[(
        "/home/me/.config/unhunch/routines/cobra.toml".into(),
        user_routine("cobra", "My Cobra"),
    )]);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(set.all().len(), 12);
    assert_eq!(
        set.get("cobra").map(|routine| routine.name.as_str()),
        Some("My Cobra")
    );
}

#[test]
fn two_user_files_with_one_id_the_later_wins_and_both_are_named() {
    let (set, problems) = RoutineSet::builtin().with_user_files(&[
        ("b.toml".into(), user_routine("mine", "Second")),
        ("a.toml".into(), user_routine("mine", "First")),
    ]);
    assert_eq!(set.all().len(), 13);
    assert_eq!(
        set.get("mine").map(|routine| routine.name.as_str()),
        Some("Second")
    );
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "b.toml:1:1: id: the same id `mine` as a.toml: Unhunch uses this file and leaves a.toml unused\n  \
          help: give each routine file its own id, or delete the one you no longer want"
        ]
    );
}

#[test]
fn a_broken_user_file_is_reported_and_left_out() {
    let (set, problems) = RoutineSet::builtin().with_user_files(&[
        ("broken.toml".into(), "id = \"broken\"\n".into()),
        ("fine.toml".into(), user_routine("fine", "Fine")),
    ]);
    assert!(set.get("broken").is_none());
    assert!(set.get("fine").is_some());
    assert_eq!(problems.len(), 7, "{problems:?}");
    assert!(problems.iter().all(|problem| problem.file == "broken.toml"));
}
