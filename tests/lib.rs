//! Shared helpers for the integration, end-to-end and benchmark code: a real desktop session
//! (Xvfb, D-Bus session bus, dunst, SNI tray), a WebDriver client for the stretch window, and paths
//! to the built binaries.

#[path = "support/desktop.rs"]
pub mod desktop;
#[path = "support/webdriver.rs"]
pub mod webdriver;
