//! Shared helpers for the integration, end-to-end and benchmark code: a real desktop session
//! (Xvfb, D-Bus session bus, dunst, SNI tray), a WebDriver client for the stretch window, and paths
//! to the built binaries, and the daemon with its CLI, files and tray menu.

#[path = "support/daemon.rs"]
pub mod daemon;
#[path = "support/desktop/mod.rs"]
pub mod desktop;
#[path = "support/stand_ins.rs"]
pub mod stand_ins;
#[path = "support/stretch_page.rs"]
pub mod stretch_page;
#[path = "support/webdriver.rs"]
pub mod webdriver;
