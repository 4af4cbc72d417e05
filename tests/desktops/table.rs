//! The matrix's table: each cell records, step by step, whether the step worked and how it was
//! done, in `tests/out/desktops/<cell>.json`; after every cell the table of all recorded cells is
//! printed and written to `tests/out/desktops.md`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::{Value, json};

/// The columns of the table, in order.
pub const STEPS: [Step; 8] = [
    Step::Shown,
    Step::Start,
    Step::Snooze,
    Step::Skip,
    Step::Painted,
    Step::Floated,
    Step::FocusKept,
    Step::Dismissed,
];

/// One step of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// The break notification is drawn, with the words and buttons that fit the desktop.
    Shown,
    Start,
    Snooze,
    Skip,
    /// The stretch window painted (a screenshot of it is not blank).
    Painted,
    /// It opened at its own size, not tiled or full screen; decorated and above where a manager
    /// decorates and stacks windows.
    Floated,
    /// The keyboard focus stayed on the window the user was working in.
    FocusKept,
    /// A dismissal by the server's stock click leaves something on screen (stock dunst).
    Dismissed,
}

impl Step {
    fn key(self) -> &'static str {
        match self {
            Step::Shown => "shown",
            Step::Start => "start",
            Step::Snooze => "snooze",
            Step::Skip => "skip",
            Step::Painted => "painted",
            Step::Floated => "floated",
            Step::FocusKept => "focus kept",
            Step::Dismissed => "dismissed",
        }
    }
}

/// What one cell did; written out when the cell ends, whether it passed or not.
pub struct Row {
    cell: &'static str,
    parts: [String; 3],
    order: usize,
    started: Instant,
    steps: BTreeMap<Step, String>,
    current: Option<(Step, String)>,
    notes: Vec<String>,
    failures: Vec<String>,
}

impl Row {
    /// A row for `cell` (its place in the table is `order`) with its server, tray and window manager.
    pub fn new(cell: &'static str, order: usize, parts: [String; 3]) -> Row {
        Row {
            cell,
            parts,
            order,
            started: Instant::now(),
            steps: BTreeMap::new(),
            current: None,
            notes: Vec::new(),
            failures: Vec::new(),
        }
    }

    /// Marks `step` as under way, done `how` ("click on the drawn button", "D-Bus"); it counts as
    /// failed unless [`Row::passed`] follows.
    pub fn begin(&mut self, step: Step, how: impl Into<String>) {
        self.current = Some((step, how.into()));
    }

    /// The step under way worked.
    pub fn passed(&mut self) {
        if let Some((step, how)) = self.current.take() {
            self.steps.insert(step, format!("✓ {how}"));
        }
    }

    /// Runs the check `check` of the step under way: a failed check marks the step failed and is
    /// reported when the cell ends, so the cell's later steps still run and show in the table.
    /// Returns whether the check passed.
    pub fn check(&mut self, check: impl FnOnce()) -> bool {
        if let Err(panic) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(check)) {
            let message = panic_message(&*panic);
            if let Some((step, how)) = self.current.take() {
                self.steps.insert(step, format!("✗ {how}"));
                self.failures.push(format!("{}: {message}", step.key()));
            } else {
                self.failures.push(message);
            }
            return false;
        }
        true
    }

    /// Panics with every failed check, if there was one.
    pub fn fail_on_failed_checks(&self) {
        assert!(
            self.failures.is_empty(),
            "failed checks:\n{}",
            self.failures.join("\n")
        );
    }

    /// `step` does not apply to this cell, for `why` (a note; none when empty).
    pub fn not_applicable(&mut self, step: Step, why: &str) {
        self.steps.insert(step, "—".into());
        if !why.is_empty() {
            self.note(why);
        }
    }

    /// A sentence for the notes column.
    pub fn note(&mut self, note: &str) {
        if !self.notes.iter().any(|known| known == note) {
            self.notes.push(note.to_owned());
        }
    }

    /// Records how the cell ended (`failure` is the panic message when it failed), writes the row
    /// and the table, and prints the table.
    pub fn finish(mut self, failure: Option<String>) {
        if let Some((step, how)) = self.current.take() {
            self.steps.insert(step, format!("✗ {how}"));
        }
        let mut failures = std::mem::take(&mut self.failures);
        if let Some(failure) = failure
            && !failure.starts_with("failed checks:")
        {
            failures.push(failure);
        }
        for failure in failures {
            let first_line = failure.lines().next().unwrap_or_default();
            let short: String = first_line.chars().take(160).collect();
            self.notes.push(format!("failed: {short}"));
        }
        let steps: serde_json::Map<String, Value> = STEPS
            .iter()
            .map(|step| {
                let text = self
                    .steps
                    .get(step)
                    .cloned()
                    .unwrap_or_else(|| "not reached".into());
                (step.key().to_owned(), Value::from(text))
            })
            .collect();
        let row = json!({
            "cell": self.cell,
            "order": self.order,
            "server": self.parts[0],
            "tray": self.parts[1],
            "window manager": self.parts[2],
            "steps": steps,
            "seconds": self.started.elapsed().as_secs(),
            "notes": self.notes,
        });
        let folder = out_dir().join("desktops");
        fs::create_dir_all(&folder).expect("create tests/out/desktops");
        fs::write(
            folder.join(format!("{}.json", self.cell)),
            serde_json::to_string_pretty(&row).expect("a row is JSON"),
        )
        .expect("write the row");
        let table = table(&folder);
        fs::write(out_dir().join("desktops.md"), &table).expect("write tests/out/desktops.md");
        eprintln!("{table}");
    }
}

/// The text a panic carried.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|text| (*text).to_owned()))
        .unwrap_or_default()
}

fn out_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("out")
}

/// The Markdown table of every cell recorded in `folder`, in the matrix's order.
fn table(folder: &Path) -> String {
    let mut rows: Vec<Value> = fs::read_dir(folder)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| fs::read_to_string(entry.path()).ok())
                .filter_map(|text| serde_json::from_str(&text).ok())
                .collect()
        })
        .unwrap_or_default();
    rows.sort_by_key(|row| row["order"].as_u64().unwrap_or(u64::MAX));
    let mut text = String::from("| cell | notifications | tray | window manager |");
    for step in STEPS {
        text.push_str(&format!(" {} |", step.key()));
    }
    text.push_str(" s | notes |\n|---|---|---|---|");
    text.push_str(&"---|".repeat(STEPS.len() + 2));
    text.push('\n');
    for row in rows {
        let cell = |name: &str| row[name].as_str().unwrap_or_default().to_owned();
        text.push_str(&format!(
            "| {} | {} | {} | {} |",
            cell("cell"),
            cell("server"),
            cell("tray"),
            cell("window manager")
        ));
        for step in STEPS {
            let value = row["steps"][step.key()].as_str().unwrap_or("not run");
            text.push_str(&format!(" {} |", value.replace('|', "/")));
        }
        let notes: Vec<&str> = row["notes"]
            .as_array()
            .map(|notes| notes.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        text.push_str(&format!(
            " {} | {} |\n",
            row["seconds"],
            notes.join(" ").replace('|', "/").replace('\n', " ")
        ));
    }
    text
}
