//! A small synchronous WebDriver client for driving the stretch window through tauri-driver.
