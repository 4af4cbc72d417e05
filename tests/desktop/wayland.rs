//! The real stretch window on Wayland without a GPU: sway and weston headless, each with its
//! stock configuration. On sway the window paints (a screenshot of it is not blank, and its
//! painted report reaches the daemon), floats at its own small size instead of being tiled full
//! screen, and leaves the keyboard with the window that had it. On weston it paints.

use std::fs;
use std::path::Path;
use std::time::Instant;

use unhunch_core::engine::PAINT_TIMEOUT;
use unhunch_tests::desktop::{Compositor, Session, SwayWindow, screenshot_path, wait_until};

use crate::daemon::{
    BUS_NAME, Daemon, PROMPTLY, status, unhunch, wait_for_record, wait_for_state, window_processes,
};

/// Whether the daemon's log has the window's painted report in it.
fn painted_report_arrived(session: &Session) -> bool {
    let log = session.state_dir().join("unhunch").join("unhunch.log");
    fs::read_to_string(log).is_ok_and(|log| log.contains("window painted"))
}

/// The value of `WEBKIT_DISABLE_DMABUF_RENDERER` in the environment of process `pid`.
pub(crate) fn renderer_setting(pid: u32) -> Option<String> {
    let environment = fs::read(format!("/proc/{pid}/environ")).ok()?;
    environment
        .split(|byte| *byte == 0)
        .find_map(|variable| variable.strip_prefix(b"WEBKIT_DISABLE_DMABUF_RENDERER="))
        .map(|value| String::from_utf8_lossy(value).into_owned())
}

/// How many colours the screenshot at `path` has inside `window`: a page with text and
/// pictures has hundreds, a blank window one or two.
fn colours_inside(session: &Session, path: &Path, window: &SwayWindow) -> u64 {
    let crop = format!(
        "{}x{}+{}+{}",
        window.width, window.height, window.x, window.y
    );
    let output = session
        .command("convert")
        .arg(path)
        .args(["-crop", &crop, "+repage", "-format", "%k", "info:"])
        .output()
        .expect("run ImageMagick's convert");
    let text = String::from_utf8_lossy(&output.stdout);
    text.trim()
        .parse()
        .unwrap_or_else(|_| panic!("convert printed {text:?}: {output:?}"))
}

#[test]
fn on_sway_the_window_paints_floats_small_and_leaves_the_keyboard_where_it_was() {
    let session = Session::builder().wayland(Compositor::Sway).start();
    // The user is typing in a terminal when the break comes.
    let mut terminal = session.command("foot").spawn().expect("run foot");
    let terminal_window = wait_until("the terminal has the keyboard", PROMPTLY, || {
        session
            .sway_window_of(terminal.id())
            .filter(|window| window.focused)
    });
    let daemon = Daemon::spawn(&session, &[]);
    session.wait_for_name(BUS_NAME, PROMPTLY);

    let asked = Instant::now();
    assert!(unhunch(&session, &["stretch-now"]).status.success());
    wait_until(
        "the window's painted report reaches the daemon",
        PAINT_TIMEOUT,
        || painted_report_arrived(&session),
    );
    eprintln!(
        "sway headless: stretch-now to the painted report in {:?}",
        asked.elapsed()
    );
    assert_eq!(status(&session)["state"], "stretching");
    let window_pid = wait_until("the window process runs", PROMPTLY, || {
        session
            .leftover_processes()
            .into_iter()
            .find(|process| process.command_line.contains("unhunch-window"))
            .map(|process| process.pid as u32)
    });
    let window = wait_until("the stretch window is in sway's tree", PROMPTLY, || {
        session.sway_window_of(window_pid)
    });
    // Wayland and no render node (no /dev/dri here): WebKit shares frames in plain memory (the
    // daemon asks for it for every window; `renderer.rs` does for a window started otherwise).
    assert!(
        renderer_setting(window_pid).as_deref() == Some("1"),
        "the window runs without WEBKIT_DISABLE_DMABUF_RENDERER=1"
    );
    assert!(window.floating, "sway tiled the window: {window:?}");
    let (screen_width, screen_height) = session.screen_size();
    assert!(
        window.width <= 480
            && window.height <= 640
            && window.width < i64::from(screen_width)
            && window.height < i64::from(screen_height),
        "the window is not small: {window:?}"
    );
    assert!(!window.focused, "the window took the keyboard: {window:?}");
    let terminal_now = session
        .sway_window_of(terminal.id())
        .expect("the terminal is still there");
    assert!(
        terminal_now.focused,
        "the terminal lost the keyboard: {terminal_now:?} (before: {terminal_window:?})"
    );

    // What is on screen: the page, drawn, not a blank rectangle.
    let screenshot = screenshot_path("sway-stretch-window.png");
    fs::create_dir_all(screenshot.parent().unwrap()).unwrap();
    let colours = wait_until("the window shows its page", PROMPTLY, || {
        session.screenshot(&screenshot);
        let colours = colours_inside(&session, &screenshot, &window);
        if colours > 50 {
            Ok(colours)
        } else {
            Err(colours)
        }
    });
    eprintln!("sway headless: {colours} colours inside the window");

    // The break ends through the command line: neither sway's seat cursor (a headless sway has
    // no pointer device) nor wtype's virtual keyboard reaches WebKit's page here, although wtype
    // types into a terminal.
    assert!(unhunch(&session, &["skip"]).status.success());
    wait_for_record(&session, "skipped", None);
    wait_until("the window has closed", PROMPTLY, || {
        window_processes(&session, &daemon).is_empty()
    });
    drop(session);
    let _ = terminal.wait();
}

#[test]
fn on_weston_the_window_paints() {
    let session = Session::builder()
        .wayland(Compositor::Weston)
        .without_notifications()
        .without_tray()
        .start();
    let _daemon = Daemon::spawn(&session, &[]);
    session.wait_for_name(BUS_NAME, PROMPTLY);
    let asked = Instant::now();
    assert!(unhunch(&session, &["stretch-now"]).status.success());
    wait_until(
        "the window's painted report reaches the daemon",
        PAINT_TIMEOUT,
        || painted_report_arrived(&session),
    );
    eprintln!(
        "weston headless: stretch-now to the painted report in {:?}",
        asked.elapsed()
    );
    wait_for_state(&session, "stretching", PROMPTLY);
}
