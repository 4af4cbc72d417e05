//! The stretch window's page, read and worked as a user would: its screens, texts and buttons,
//! through a WebDriver session. The window tests open the window themselves; the journey tests
//! attach to the one the daemon opens. Both read the page through this one place.

use std::ops::Deref;
use std::time::Duration;

use crate::webdriver::{Element, Session};

/// How long a page waits for something it does promptly (a screen change, a text).
const WAIT: Duration = Duration::from_secs(20);

/// A WebDriver session on the stretch window; everything the session does is at hand too.
pub struct StretchPage {
    session: Session,
}

impl Deref for StretchPage {
    type Target = Session;

    fn deref(&self) -> &Session {
        &self.session
    }
}

impl StretchPage {
    pub fn new(session: Session) -> StretchPage {
        StretchPage { session }
    }

    /// The element's text; panics when it is not on the page.
    pub fn text(&self, css: &str) -> String {
        let element = self.element(css);
        // Hidden elements have no rendered text; read the DOM's so hidden labels compare as empty.
        if !self.session.is_displayed(&element).unwrap_or(false) {
            return String::new();
        }
        self.session
            .text(&element)
            .unwrap_or_else(|error| panic!("{error}"))
    }

    pub fn attribute(&self, css: &str, name: &str) -> Option<String> {
        let element = self.element(css);
        self.session
            .attribute(&element, name)
            .unwrap_or_else(|error| panic!("{error}"))
    }

    pub fn displayed(&self, css: &str) -> bool {
        let element = self.element(css);
        self.session
            .is_displayed(&element)
            .unwrap_or_else(|error| panic!("{error}"))
    }

    pub fn click(&self, css: &str) {
        let element = self.element(css);
        self.session
            .click(&element)
            .unwrap_or_else(|error| panic!("click {css}: {error}"));
    }

    /// Presses a key as a person would, with nothing in particular focused.
    pub fn press(&self, key: &str) {
        self.session
            .press_key(key)
            .unwrap_or_else(|error| panic!("key {key:?}: {error}"));
    }

    /// Clicks a button that closes the window; like [`StretchWindow::press_closing`].
    pub fn click_closing(&self, css: &str) {
        let element = self.element(css);
        let _ = self.session.click(&element);
    }

    /// The first element matching `css`; panics when there is none.
    fn element(&self, css: &str) -> Element {
        self.session
            .find(css)
            .unwrap_or_else(|error| panic!("{error}"))
    }

    /// Presses a key that closes the window: the driver may answer with an error because the
    /// app is gone before the key-up, so the answer is ignored and the caller checks the outcome.
    pub fn press_closing(&self, key: &str) {
        let _ = self.session.press_key(key);
    }

    /// The ids of shown controls that have no accessible name (neither text nor aria-label).
    pub fn unnamed_controls(&self) -> Vec<String> {
        let script = "const shown = [...document.querySelectorAll('button, [role=button], input, img')]\
                      .filter(control => control.getClientRects().length > 0); \
                      if (shown.length === 0) return null; \
                      return shown.filter(control => !(control.getAttribute('aria-label') \
                                                       || control.alt || control.textContent).trim())\
                                  .map(control => control.id || control.outerHTML);";
        let unnamed = self
            .session
            .execute(script, vec![])
            .unwrap_or_else(|error| panic!("{error}"));
        let unnamed = unnamed
            .as_array()
            .expect("the screen shows at least one control");
        unnamed
            .iter()
            .filter_map(|id| id.as_str().map(str::to_owned))
            .collect()
    }

    /// Which screen is showing: intro, step or finish.
    pub fn screen(&self) -> String {
        self.attribute("#app", "data-screen").unwrap_or_default()
    }

    /// Is the step's picture mirrored (the left side)?
    pub fn is_mirrored(&self) -> bool {
        self.attribute("#step-illustration", "class")
            .is_some_and(|classes| classes.split_whitespace().any(|class| class == "mirrored"))
    }

    /// The picture's path relative to the page, as the page set it (`illustrations/<name>.svg`),
    /// without the `#dark` target a dark desktop adds.
    pub fn illustration(&self) -> Option<String> {
        let script = "return document.getElementById('step-illustration').getAttribute('src');";
        let source = self.session.execute(script, vec![]).ok()?;
        source
            .as_str()
            .map(|source| source.trim_end_matches("#dark").to_owned())
    }

    pub fn wait_for_screen(&self, screen: &str) {
        self.session
            .wait_for(&format!("the {screen} screen"), WAIT, |page| {
                let app = page.find("#app")?;
                Ok((page.attribute(&app, "data-screen")?.as_deref() == Some(screen)).then_some(()))
            })
            .unwrap_or_else(|error| panic!("{error}"));
    }

    pub fn wait_for_text(&self, css: &str, expected: &str) {
        self.session
            .wait_for(&format!("{css} to read {expected:?}"), WAIT, |page| {
                let element = page.find(css)?;
                let text = page.text(&element)?;
                Ok((text == expected).then_some(()))
            })
            .unwrap_or_else(|error| panic!("{error}"));
    }

    /// Waits until the page has drawn what it shows now (two animation frames), so a screenshot
    /// is not of a frame still being drawn.
    pub fn wait_until_drawn(&self) {
        let two_frames = "const done = arguments[arguments.length - 1]; \
                          requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
        self.session
            .execute_async(two_frames, vec![])
            .unwrap_or_else(|error| panic!("{error}"));
    }
}
