//! The real stretch window under X11 window managers with their stock configuration (openbox,
//! xfwm4): it is decorated, kept above other windows, opens at its own fixed size (which is what
//! makes tiling managers float it), and leaves the keyboard with the window the user was typing in.

use std::fs;

use unhunch_core::engine::PAINT_TIMEOUT;
use unhunch_tests::desktop::{Session, wait_until};

use crate::daemon::{BUS_NAME, Daemon, PROMPTLY, unhunch};
use crate::wayland::renderer_setting;

/// Runs a program in the session and returns its standard output, trimmed.
fn output_of(session: &Session, program: &str, arguments: &[&str]) -> String {
    let output = session.run(program, arguments);
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// One X window's property as `xprop` prints it.
fn property(session: &Session, window: &str, name: &str) -> String {
    output_of(session, "xprop", &["-id", window, name])
}

fn check_under(window_manager: &str) {
    let session = Session::builder().without_tray().start();
    let mut manager = session
        .command(window_manager)
        .spawn()
        .unwrap_or_else(|error| panic!("could not start {window_manager}: {error}"));
    wait_until(
        &format!("{window_manager} manages the screen"),
        PROMPTLY,
        || {
            output_of(&session, "xprop", &["-root", "_NET_SUPPORTING_WM_CHECK"])
                .contains("window id")
        },
    );
    // The user is typing in another window when the break comes.
    let mut typing = session
        .command("xmessage")
        .args(["-name", "typing", "the user is typing here"])
        .spawn()
        .expect("run xmessage");
    // xmessage does not say its pid on its window, so it is found by its resource name.
    let typing_window = wait_until("the typing window is mapped", PROMPTLY, || {
        let found = output_of(
            &session,
            "xdotool",
            &["search", "--onlyvisible", "--classname", "typing"],
        );
        found.lines().next().map(str::to_owned)
    });
    // As a click into it would, the window manager gives it the keyboard.
    session.run("xdotool", &["windowactivate", "--sync", &typing_window]);
    wait_until("the typing window has the keyboard", PROMPTLY, || {
        output_of(&session, "xdotool", &["getactivewindow"]) == typing_window
    });

    let _daemon = Daemon::spawn(&session, &[]);
    session.wait_for_name(BUS_NAME, PROMPTLY);
    assert!(unhunch(&session, &["stretch-now"]).status.success());
    let log = session.state_dir().join("unhunch").join("unhunch.log");
    wait_until("the window's painted report", PAINT_TIMEOUT, || {
        fs::read_to_string(&log).is_ok_and(|log| log.contains("window painted"))
    });
    let (window_pid, window) = wait_until("the stretch window is mapped", PROMPTLY, || {
        session
            .leftover_processes()
            .into_iter()
            .find(|process| process.command_line.contains("unhunch-window"))
            .and_then(|process| {
                let pid = process.pid as u32;
                let window = session.visible_windows_of(pid).into_iter().next()?;
                Some((pid, window))
            })
    });
    // The daemon starts every window with frames in plain memory (its page is painted in
    // software), on X11 too, where WebKit would otherwise set up GL for DMA-BUF frames first.
    assert_eq!(renderer_setting(window_pid).as_deref(), Some("1"));

    let state = wait_until("the window is kept above", PROMPTLY, || {
        let state = property(&session, &window, "_NET_WM_STATE");
        if state.contains("_NET_WM_STATE_ABOVE") {
            Ok(state)
        } else {
            Err(state)
        }
    });
    assert!(!state.contains("FULLSCREEN"), "{state}");
    let frame = property(&session, &window, "_NET_FRAME_EXTENTS");
    let extents: Vec<u32> = frame
        .split('=')
        .nth(1)
        .unwrap_or_default()
        .split(',')
        .filter_map(|number| number.trim().parse().ok())
        .collect();
    assert!(
        extents.len() == 4 && extents.iter().any(|extent| *extent > 0),
        "{window_manager} did not decorate the window: {frame}"
    );
    let hints = property(&session, &window, "WM_NORMAL_HINTS");
    assert!(
        hints.contains("minimum size: 420 by 560") && hints.contains("maximum size: 420 by 560"),
        "the window's size is not fixed: {hints}"
    );
    assert_eq!(
        output_of(&session, "xdotool", &["getactivewindow"]),
        typing_window,
        "the stretch window took the keyboard under {window_manager}"
    );
    drop(session);
    let _ = typing.wait();
    let _ = manager.wait();
}

#[test]
fn under_openbox_the_window_is_decorated_above_fixed_and_leaves_the_keyboard() {
    check_under("openbox");
}

#[test]
fn under_xfwm4_the_window_is_decorated_above_fixed_and_leaves_the_keyboard() {
    check_under("xfwm4");
}
