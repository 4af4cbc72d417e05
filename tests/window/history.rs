//! The history window (`unhunch-window --page history`) driven over WebDriver under Xvfb, on a
//! seeded history file: the exact numbers, the bars and calendar days as a screen reader reads
//! them, the keys that move through a chart, the CSV export, and Clear history with its backup.
//! Screenshots light and dark for the README.
//!
//! The window reads the real clock, so the file is seeded around today (in UTC: the window runs
//! with `TZ=UTC`). Its records are at the first minute of today and at 10:00 on earlier days.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use unhunch_core::Timestamp;
use unhunch_core::routine::RoutineSet;
use unhunch_tests::desktop::{self, Session as Desktop};
use unhunch_tests::stretch_page::StretchPage;
use unhunch_tests::webdriver::{TauriDriver, keys};

use crate::harness::{background_colour, drive};

const WAIT: Duration = Duration::from_secs(20);
/// WebDriver's Tab key.
const TAB: &str = "\u{E004}";
const DAY_SECS: i64 = 86_400;

/// The history window open on a seeded file. Field order is drop order.
struct HistoryWindow {
    page: StretchPage,
    _driver: TauriDriver,
    history_file: PathBuf,
    export_file: PathBuf,
    desktop: Desktop,
}

impl HistoryWindow {
    fn open(history: &str, extra_env: &[(&str, &str)]) -> HistoryWindow {
        let desktop = Desktop::builder()
            .without_notifications()
            .without_tray()
            .start();
        let data = desktop.home().join(".local/share/unhunch");
        std::fs::create_dir_all(&data).unwrap();
        let history_file = data.join("history.jsonl");
        std::fs::write(&history_file, history).unwrap();
        let export_file = desktop.home().join("Documents/unhunch-history.csv");
        let window = desktop::bin_path("unhunch-window");
        let history_arg = history_file.display().to_string();
        let export_arg = export_file.display().to_string();
        let args = [
            "--page",
            "history",
            "--history-file",
            &history_arg,
            "--export-to",
            &export_arg,
        ];
        let env = [&[("TZ", "UTC")], extra_env].concat();
        let (driver, session) = drive(&desktop, &env, &window, &args);
        let page = StretchPage::new(session);
        let opened = HistoryWindow {
            page,
            _driver: driver,
            history_file,
            export_file,
            desktop,
        };
        opened.wait_for_text("#today-taken", |text| text != "–");
        opened
    }

    fn wait_for_text(&self, css: &str, done: impl Fn(&str) -> bool) -> String {
        desktop::wait_until(&format!("{css} to be shown"), WAIT, || {
            let text = self.page.text(css);
            done(&text).then_some(text)
        })
    }

    fn labels(&self, css: &str) -> Vec<(String, String)> {
        let script = format!(
            "return [...document.querySelectorAll({css:?})].map((e) => [e.dataset.date, e.getAttribute('aria-label')]);"
        );
        let value = self.page.execute(&script, vec![]).unwrap();
        serde_json::from_value(value).unwrap()
    }

    fn focused_date(&self) -> Option<String> {
        let value = self
            .page
            .execute(
                "return document.activeElement.dataset.date || null;",
                vec![],
            )
            .unwrap();
        value.as_str().map(str::to_owned)
    }

    fn screenshot(&self, name: &str) {
        self.page.wait_until_drawn();
        self.desktop.screenshot(desktop::screenshot_path(name));
    }
}

/// The local (UTC) day number of today.
fn today() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    secs.div_euclid(DAY_SECS)
}

/// `YYYY-MM-DD` of a day number, by the core's own RFC 3339 writer.
fn date(day: i64) -> String {
    Timestamp::from_unix_secs(day * DAY_SECS).to_rfc3339()[..10].to_owned()
}

fn line(day: i64, secs_into_day: i64, event: &str) -> String {
    let at = Timestamp::from_unix_secs(day * DAY_SECS + secs_into_day).to_rfc3339();
    format!("{{\"at\":\"{at}\",{event}}}\n")
}

fn completed(day: i64, secs_into_day: i64, routine: &str, duration_secs: u64) -> String {
    let event = format!(
        "\"event\":\"completed\",\"break_id\":1,\"routine\":\"{routine}\",\"duration_secs\":{duration_secs}"
    );
    line(day, secs_into_day, &event)
}

const SNOOZED: &str = "\"event\":\"snoozed\",\"break_id\":1,\"snoozes_used\":1";
const SKIPPED_AFTER_THE_RIGHT_SIDE: &str =
    "\"event\":\"skipped\",\"break_id\":1,\"sides\":[\"right\"]";

/// Four days back a twist; a day without; two days of cobras (with two snoozes); today three
/// stretches, a snooze, a skip after the right side of a stretch and a natural break, all in its
/// first minute; and a damaged line. Today's seated twist names its sides, as lines do now; the
/// older lines do not, and count each side of their routine once.
fn seeded_history(today: i64) -> String {
    let ten = 10 * 3600;
    [
        completed(today - 4, ten, "seated-twist", 90),
        completed(today - 2, ten, "cobra", 120),
        line(today - 1, ten - 3600, SNOOZED),
        line(today - 1, ten - 3000, SNOOZED),
        completed(today - 1, ten, "cobra", 100),
        completed(today, 5, "chair-twist", 60),
        completed(today, 10, "cobra", 95),
        line(today, 15, SNOOZED),
        line(
            today,
            20,
            "\"event\":\"completed\",\"break_id\":1,\"routine\":\"seated-twist\",\
             \"duration_secs\":150,\"sides\":[\"right\",\"left\"]",
        ),
        line(today, 25, "\"event\":\"natural_break\",\"away_secs\":300"),
        line(today, 30, SKIPPED_AFTER_THE_RIGHT_SIDE),
        "{\"at\": damaged\n".to_owned(),
    ]
    .concat()
}

fn name_of(routine: &str) -> String {
    RoutineSet::builtin().get(routine).unwrap().name.clone()
}

#[test]
fn the_history_window_shows_the_seeded_numbers_exports_them_and_clears_with_a_backup() {
    let today = today();
    let seeded = seeded_history(today);
    let window = HistoryWindow::open(&seeded, &[]);
    let page = &window.page;
    assert_eq!(page.title().unwrap(), "Unhunch — History");

    let glance: Vec<String> = [
        "#today-taken",
        "#today-snoozed",
        "#today-skipped",
        "#today-natural",
        "#today-minutes",
        "#today-streak",
    ]
    .iter()
    .map(|css| page.text(css))
    .collect();
    // 60 + 95 + 150 seconds are 5 whole minutes; the streak is today, yesterday and the day
    // before (the day before that has nothing).
    assert_eq!(glance, ["3", "1", "1", "1", "5", "3 days"]);

    let bars = window.labels("#bars .day");
    assert_eq!(bars.len(), 14);
    assert_eq!(bars[0].0, date(today - 13));
    assert_eq!(bars[13].0, date(today));
    let with_breaks: Vec<(String, String)> = bars
        .iter()
        .filter(|(_, label)| !label.ends_with(": 0 taken, 0 snoozed, 0 skipped"))
        .map(|(day, label)| (day.clone(), label.split(": ").nth(1).unwrap().to_owned()))
        .collect();
    assert_eq!(
        with_breaks,
        [
            (date(today - 4), "1 taken, 0 snoozed, 0 skipped".to_owned()),
            (date(today - 2), "1 taken, 0 snoozed, 0 skipped".to_owned()),
            (date(today - 1), "1 taken, 2 snoozed, 0 skipped".to_owned()),
            (date(today), "3 taken, 1 snoozed, 1 skipped".to_owned()),
        ]
    );

    let calendar = window.labels("#calendar .calendar-day");
    assert!(
        (78..=84).contains(&calendar.len()),
        "12 weeks up to today: {}",
        calendar.len()
    );
    assert_eq!(calendar.last().unwrap().0, date(today));
    assert!(calendar.last().unwrap().1.ends_with(": 3 stretches"));
    let level = page
        .execute(
            "return document.querySelector('#calendar .calendar-day:last-of-type').dataset.level;",
            vec![],
        )
        .unwrap();
    assert_eq!(level.as_str(), Some("4"), "the busiest day is the darkest");

    let top = page
        .execute(
            "return [...document.querySelectorAll('#top-stretches li')].map((e) => e.textContent);",
            vec![],
        )
        .unwrap();
    assert_eq!(
        top,
        serde_json::json!([
            format!("{} — 3 times", name_of("cobra")),
            format!("{} — 2 times", name_of("seated-twist")),
            format!("{} — 1 time", name_of("chair-twist")),
        ])
    );
    assert_eq!(
        page.text("#sides-text"),
        "Right side 4 times, left side 3 times."
    );
    assert_eq!(page.text("#damaged").trim(), "(1 damaged line left out)");
    assert_eq!(
        page.text("#export-path"),
        window.export_file.display().to_string()
    );

    // Keyboard: the chart is the page's first Tab stop, on today; the arrow keys move a day at a
    // time.
    page.press(TAB);
    assert_eq!(window.focused_date(), Some(date(today)));
    page.press(keys::ARROW_LEFT);
    assert_eq!(window.focused_date(), Some(date(today - 1)));
    page.press(keys::ARROW_RIGHT);
    assert_eq!(window.focused_date(), Some(date(today)));
    window.screenshot("window-history-light.png");

    page.click("#export");
    window.wait_for_text("#message", |text| text.starts_with("Exported to "));
    let csv = std::fs::read_to_string(&window.export_file).unwrap();
    assert_eq!(
        csv,
        format!(
            "date,taken,snoozed,skipped,cut_short,natural_breaks,minutes_stretched\n\
             {},1,0,0,0,0,1.5\n\
             {},1,0,0,0,0,2.0\n\
             {},1,2,0,0,0,1.7\n\
             {},3,1,1,0,1,5.1\n",
            date(today - 4),
            date(today - 2),
            date(today - 1),
            date(today)
        )
    );

    // Clear asks first; Cancel keeps everything.
    page.click("#clear");
    assert!(page.displayed("#confirm-yes"));
    page.click("#confirm-cancel");
    assert!(!page.displayed("#confirm-yes"));
    assert_eq!(
        std::fs::read_to_string(&window.history_file).unwrap(),
        seeded
    );

    page.click("#clear");
    page.click("#confirm-yes");
    let message = window.wait_for_text("#message", |text| text.starts_with("History cleared."));
    let backup = message
        .strip_prefix("History cleared. The old one is kept in ")
        .and_then(|rest| rest.strip_suffix('.'))
        .unwrap_or_else(|| panic!("the message names the backup: {message}"));
    assert_eq!(
        std::path::Path::new(backup).parent(),
        window.history_file.parent()
    );
    assert!(
        std::path::Path::new(backup)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(&format!("history-{}T", date(today))),
        "a dated backup: {backup}"
    );
    assert_eq!(
        std::fs::read_to_string(backup).unwrap(),
        seeded,
        "the backup has every line"
    );
    assert!(!window.history_file.exists());
    window.wait_for_text("#today-streak", |text| text == "0 days");
    let glance: Vec<String> = [
        "#today-taken",
        "#today-snoozed",
        "#today-skipped",
        "#today-minutes",
    ]
    .iter()
    .map(|css| page.text(css))
    .collect();
    assert_eq!(glance, ["0", "0", "0", "0"]);
    assert!(
        window
            .labels("#bars .day")
            .iter()
            .all(|(_, label)| label.ends_with(": 0 taken, 0 snoozed, 0 skipped"))
    );
    assert_eq!(page.find_all("#top-stretches li").unwrap().len(), 0);
}

#[test]
fn the_history_window_is_dark_on_a_dark_desktop() {
    let window = HistoryWindow::open(&seeded_history(today()), &[("GTK_THEME", "Adwaita:dark")]);
    assert_eq!(
        background_colour(&window.page),
        "rgb(27, 29, 28)",
        "the dark paper colour"
    );
    let taken_fill = window
        .page
        .execute(
            "return getComputedStyle(document.querySelector('#bars rect.taken')).fill;",
            vec![],
        )
        .unwrap();
    assert_eq!(
        taken_fill.as_str(),
        Some("rgb(124, 198, 177)"),
        "the dark accent"
    );
    window.screenshot("window-history-dark.png");
}
