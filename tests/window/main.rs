//! The stretch window driven over WebDriver (tauri-driver + WebKitWebDriver) under Xvfb.
