//! Settings files: the example config is the defaults, and every kind of mistake is reported with
//! its file, line, column, key and what would be accepted, all of them at once.

use std::time::Duration;

use unhunch_core::Settings;
use unhunch_core::settings::{EXAMPLE_CONFIG, Focus, PlaceChoice};

/// The single place that parses a config in these tests: the problems, one displayed per line.
fn problems_of(text: &str) -> String {
    match Settings::parse("config.toml", text) {
        Ok(settings) => panic!("expected problems, but it parsed to {settings:?}"),
        Err(problems) => problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn settings_of(text: &str) -> Settings {
    Settings::parse("config.toml", text).unwrap_or_else(|problems| {
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

#[test]
fn the_example_config_is_the_defaults() {
    assert_eq!(settings_of(EXAMPLE_CONFIG), Settings::default());
}

#[test]
fn an_empty_file_is_the_defaults() {
    assert_eq!(settings_of(""), Settings::default());
    assert_eq!(
        settings_of("# nothing here\n[breaks]\n[stretch]\n"),
        Settings::default()
    );
}

#[test]
fn every_setting_is_read() {
    let settings = settings_of(
        "[breaks]\ninterval = \"50m\"\nsnooze = \"10m\"\nmax_snoozes = 0\nheads_up = \"0s\"\nnatural_break = \"5m\"\n\
         wait_for_pause = \"0s\"\nmax_wait = \"1h\"\n[stretch]\nfocus = \"left\"\nplace = \"chair\"\nauto_advance = false\nsound = true\n",
    );
    assert_eq!(settings.breaks.interval, Duration::from_secs(50 * 60));
    assert_eq!(settings.breaks.snooze, Duration::from_secs(10 * 60));
    assert_eq!(settings.breaks.max_snoozes, None);
    assert_eq!(settings.breaks.heads_up, None);
    assert_eq!(settings.breaks.natural_break, Duration::from_secs(5 * 60));
    assert_eq!(settings.breaks.wait_for_pause, None);
    assert_eq!(settings.breaks.max_wait, Duration::from_secs(3600));
    assert_eq!(settings.stretch.focus, Focus::Left);
    assert_eq!(settings.stretch.place, PlaceChoice::Chair);
    assert!(!settings.stretch.auto_advance);
    assert!(settings.stretch.sound);
    let deferrals = settings_of(
        "[breaks]\ndefer_for_fullscreen = false\ndefer_for_do_not_disturb = false\ndefer_for_camera = false\n",
    );
    assert!(!deferrals.breaks.defer_for_fullscreen);
    assert!(!deferrals.breaks.defer_for_do_not_disturb);
    assert!(!deferrals.breaks.defer_for_camera);
    let defaults = unhunch_core::Settings::default();
    assert!(defaults.breaks.defer_for_fullscreen);
    assert!(defaults.breaks.defer_for_do_not_disturb);
    assert!(defaults.breaks.defer_for_camera);
    assert_eq!(
        settings_of("[breaks]\nmax_snoozes = 7\n")
            .breaks
            .max_snoozes,
        Some(7)
    );
}

#[test]
fn an_unknown_key_suggests_the_nearest_known_one() {
    assert_eq!(
        problems_of("[breaks]\nintervall = \"25m\"\n"),
        "config.toml:2:1: breaks.intervall: unknown key `intervall`; did you mean `interval`?\n  \
         help: the keys in [breaks] are: interval, snooze, max_snoozes, heads_up, natural_break, wait_for_pause, max_wait, defer_for_fullscreen, defer_for_do_not_disturb, defer_for_camera"
    );
    assert_eq!(
        problems_of("[stretch]\ncolour = \"blue\"\n"),
        "config.toml:2:1: stretch.colour: unknown key `colour`\n  \
         help: the keys in [stretch] are: focus, place, auto_advance, sound, leave_out"
    );
}

#[test]
fn a_key_in_the_wrong_table_says_where_it_belongs() {
    assert_eq!(
        problems_of("[stretch]\nsnooze = \"5m\"\n"),
        "config.toml:2:1: stretch.snooze: `snooze` belongs in the [breaks] table, not [stretch]\n  \
         help: move it below the line [breaks]"
    );
    assert_eq!(
        problems_of("interval = \"25m\"\n"),
        "config.toml:1:1: interval: `interval` must be inside the [breaks] table\n  \
         help: move it below the line [breaks]"
    );
}

#[test]
fn an_unknown_table_suggests_the_nearest_one() {
    assert_eq!(
        problems_of("[brakes]\ninterval = \"25m\"\n"),
        "config.toml:1:2: brakes: unknown table `[brakes]`; did you mean `[breaks]`?\n  \
         help: the tables are [breaks], [stretch] and [schedule]"
    );
}

#[test]
fn a_bad_duration_shows_the_accepted_forms() {
    assert_eq!(
        problems_of("[breaks]\nsnooze = \"5 minuets\"\n"),
        "config.toml:2:10: breaks.snooze: \"5 minuets\" is not a duration (\"minuets\" is not a unit)\n  \
         help: write it like \"25m\", \"90s\" or \"1h30m\""
    );
}

#[test]
fn out_of_range_values_say_the_range() {
    assert_eq!(
        problems_of("[breaks]\ninterval = \"25h\"\nmax_snoozes = 101\nnatural_break = \"5s\"\n"),
        "config.toml:2:12: breaks.interval: \"25h\" is out of range\n  help: choose from 1s to 24h\n\
         config.toml:3:15: breaks.max_snoozes: 101 is out of range\n  \
         help: write a whole number from 0 (no limit) to 100\n\
         config.toml:4:17: breaks.natural_break: \"5s\" is out of range\n  help: choose from 10s to 2h"
    );
    assert_eq!(
        problems_of("[breaks]\nwait_for_pause = \"5m\"\nmax_wait = \"5s\"\n"),
        "config.toml:2:18: breaks.wait_for_pause: \"5m\" is out of range\n  help: choose from 0s to 2m\n\
         config.toml:3:12: breaks.max_wait: \"5s\" is out of range\n  help: choose from 10s to 4h"
    );
    assert_eq!(
        problems_of("[breaks]\nmax_snoozes = -1\n"),
        "config.toml:2:15: breaks.max_snoozes: -1 is out of range\n  \
         help: write a whole number from 0 (no limit) to 100"
    );
}

#[test]
fn a_wrong_type_says_the_expected_type() {
    assert_eq!(
        problems_of(
            "[breaks]\ninterval = 25\nmax_snoozes = \"3\"\n[stretch]\nauto_advance = \"yes\"\n"
        ),
        "config.toml:2:12: breaks.interval: expected text in double quotes, found a whole number\n  \
         help: durations are text with a unit: write it like \"25m\", \"90s\" or \"1h30m\"\n\
         config.toml:3:15: breaks.max_snoozes: expected a whole number, found text\n  \
         help: write a whole number from 0 (no limit) to 100\n\
         config.toml:5:16: stretch.auto_advance: expected true or false, found text\n  \
         help: write it without quotes: true or false"
    );
    assert_eq!(
        problems_of("[breaks]\ndefer_for_camera = \"no\"\n"),
        "config.toml:2:20: breaks.defer_for_camera: expected true or false, found text\n  \
         help: write it without quotes: true or false"
    );
    assert_eq!(
        problems_of("breaks = 5\n"),
        "config.toml:1:10: breaks: expected a table, found a whole number\n  \
         help: write [breaks] on a line of its own and the settings below it"
    );
}

#[test]
fn the_heads_up_must_be_shorter_than_the_interval() {
    assert_eq!(
        problems_of("[breaks]\ninterval = \"10m\"\nheads_up = \"10m\"\n"),
        "config.toml:3:12: breaks.heads_up: the heads-up (10m) must be shorter than the interval (10m)\n  \
         help: make heads_up shorter than interval, or write heads_up = \"0s\" to turn it off"
    );
    // The default heads-up (30s) is blamed on the interval when only the interval is written.
    assert_eq!(
        problems_of("[breaks]\ninterval = \"20s\"\n"),
        "config.toml:2:12: breaks.interval: the heads-up (30s) must be shorter than the interval (20s)\n  \
         help: make heads_up shorter than interval, or write heads_up = \"0s\" to turn it off"
    );
    assert_eq!(
        settings_of("[breaks]\ninterval = \"20s\"\nheads_up = \"0s\"\n")
            .breaks
            .heads_up,
        None
    );
}

#[test]
fn a_bad_choice_lists_the_accepted_ones() {
    assert_eq!(
        problems_of("[stretch]\nfocus = \"rigth\"\nplace = \"sofa\"\n"),
        "config.toml:2:9: stretch.focus: \"rigth\" is not a focus; did you mean \"right\"?\n  \
         help: choose one of \"both\", \"left\", \"right\"\n\
         config.toml:3:9: stretch.place: \"sofa\" is not a place\n  \
         help: choose one of \"any\", \"chair\", \"floor\""
    );
}

#[test]
fn invalid_toml_gives_the_line_and_column() {
    assert_eq!(
        problems_of("[breaks]\ninterval = 25m\n"),
        "config.toml:2:12: this is not valid TOML: string values must be quoted, expected literal string\n  \
         help: text values need double quotes (interval = \"25m\"), tables are written [name], and each key appears once"
    );
}

#[test]
fn all_problems_are_reported_in_line_order() {
    let problems = Settings::parse(
        "config.toml",
        "[stretch]\nfocus = \"up\"\n[breaks]\nsnooze = \"forever\"\nintervall = \"25m\"\n[extra]\n",
    )
    .unwrap_err();
    let lines: Vec<usize> = problems.iter().map(|problem| problem.line).collect();
    assert_eq!(lines, [2, 4, 5, 6]);
}

#[test]
fn a_table_written_twice_is_one_problem() {
    assert_eq!(
        problems_of(
            "[breaks]\ninterval = \"10m\"\n\n[breaks]\ninterval = \"5m\"\nsnooze = \"1m\"\n"
        ),
        "config.toml:4:2: breaks: the table `[breaks]` is written twice\n  help: write each table once: move the lines below the second [breaks] into the first one, and delete the second [breaks] line"
    );
    // A key written twice inside one table is still its own problem.
    assert!(
        problems_of("[breaks]\ninterval = \"10m\"\ninterval = \"5m\"\n")
            .starts_with("config.toml:3:1: this is not valid TOML: duplicate key"),
    );
}

#[test]
fn working_hours_are_read_with_monday_to_friday_unless_days_are_given() {
    let settings = settings_of("[schedule]\nhours = [\"09:00-12:30\", \"13:30-17:30\"]\n");
    let schedule = settings.schedule.expect("a schedule");
    assert_eq!(schedule.days, [true, true, true, true, true, false, false]);
    assert_eq!(schedule.spans, vec![(540, 750), (810, 1050)]);
    let settings =
        settings_of("[schedule]\ndays = [\"sat\", \"Sun\"]\nhours = [\"10:00-12:00\"]\n");
    assert_eq!(
        settings.schedule.expect("a schedule").days,
        [false, false, false, false, false, true, true]
    );
    assert_eq!(settings_of("").schedule, None);
}

#[test]
fn bad_working_hours_say_what_is_accepted() {
    assert_eq!(
        problems_of("[schedule]\ndays = [\"mon\", \"fryday\"]\nhours = [\"17:30-09:00\"]\n"),
        "config.toml:2:16: schedule.days: \"fryday\" is not a day\n  \
         help: write the working days like [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]\n\
         config.toml:3:10: schedule.hours: \"17:30-09:00\" ends before it starts (a span cannot \
         cross midnight: write two)\n  \
         help: write the working hours like [\"09:00-12:30\", \"13:30-17:30\"] (24-hour local times)"
    );
    assert_eq!(
        problems_of("[schedule]\nhours = []\n"),
        "config.toml:2:9: schedule.hours: working hours need at least one span\n  \
         help: write the working hours like [\"09:00-12:30\", \"13:30-17:30\"] (24-hour local times)"
    );
    assert_eq!(
        problems_of("[schedule]\nhours = [\"09:00-13:00\", \"12:00-17:00\"]\n"),
        "config.toml:2:9: schedule.hours: two spans of hours overlap\n  \
         help: write the working hours like [\"09:00-12:30\", \"13:30-17:30\"] (24-hour local times)"
    );
    assert_eq!(
        problems_of("[schedule]\nhours = \"09:00-17:00\"\n"),
        "config.toml:2:9: schedule.hours: expected a list in square brackets, found text\n  \
         help: write the working hours like [\"09:00-12:30\", \"13:30-17:30\"] (24-hour local times)"
    );
}

#[test]
fn routines_left_out_are_checked_against_the_routines_in_use() {
    use unhunch_core::routine::RoutineSet;
    let routines = RoutineSet::builtin();
    let parsed = Settings::parse_with_routines(
        "config.toml",
        "[stretch]\nleave_out = [\"cat-cow\", \"cobra\"]\n",
        &routines,
    )
    .unwrap();
    assert_eq!(parsed.stretch.leave_out, ["cat-cow", "cobra"]);
    let problems = |text: &str| {
        Settings::parse_with_routines("config.toml", text, &routines)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let unknown = problems("[stretch]\nplace = \"any\"\nleave_out = [\"cat-cow\", \"cobbra\"]\n");
    assert!(
        unknown.starts_with(
            "config.toml:3:25: stretch.leave_out: no routine has the id \"cobbra\"; did you mean \"cobra\"?"
        ),
        "{unknown}"
    );
    assert!(unknown.contains("the routines are: cat-cow,"), "{unknown}");
    let all_floor: Vec<String> = routines
        .eligible(PlaceChoice::Floor)
        .iter()
        .map(|routine| format!("{:?}", routine.id))
        .collect();
    let everything = problems(&format!(
        "[stretch]\nplace = \"floor\"\nleave_out = [{}]\n",
        all_floor.join(", ")
    ));
    assert!(
        everything.starts_with(
            "config.toml:3:13: stretch.leave_out: every routine that fits [stretch] place is left out, so a break would have nothing to show"
        ),
        "{everything}"
    );
    assert!(everything.contains("keep at least one routine in the random pick"));
    assert!(problems_of("[stretch]\nleave_out = \"cat-cow\"\n").contains("expected a list"));
}

#[test]
fn routines_left_out_are_written_back_as_they_were_read() {
    let settings = settings_of("[stretch]\nleave_out = [\"cat-cow\", \"odd \\\"one\\\"\"]\n");
    assert_eq!(settings.stretch.leave_out, ["cat-cow", "odd \"one\""]);
    assert_eq!(settings_of(&settings.to_toml()), settings);
}
