//! The X11 MIT-SCREEN-SAVER extension: `XScreenSaverQueryInfo` says how long ago the X server saw
//! the last keyboard or pointer input. Every X server offers it (Xvfb included), so it serves the
//! window managers that have no idle service of their own. It is asked, never watched (its events
//! need a screen-saver timeout the user's session owns), so it is polled like the screen saver.
//!
//! The connection lives on a thread of its own: x11rb talks to the server with blocking calls,
//! and a hung X server must cost the owner's runtime nothing but an unanswered question.

use std::sync::mpsc as blocking;
use std::time::Duration;

use tokio::sync::oneshot;
use x11rb::connection::{Connection, RequestConnection};
use x11rb::protocol::screensaver::{self, ConnectionExt as _};

type Answer = oneshot::Sender<Result<Duration, String>>;

/// The owner's side of the X11 thread.
pub struct X11 {
    questions: blocking::Sender<Answer>,
}

impl X11 {
    /// Starts the thread that connects to the X display in `DISPLAY`, unless the session is a
    /// Wayland one: there, Xwayland sees only the input that goes to X clients, which is not the
    /// user's idle time. The thread ends with the owner's side.
    pub fn start() -> Result<X11, String> {
        if std::env::var_os("WAYLAND_DISPLAY").is_some() {
            return Err("a Wayland session: Xwayland does not see all input".to_owned());
        }
        if std::env::var_os("DISPLAY").is_none_or(|display| display.is_empty()) {
            return Err("no X display (DISPLAY is not set)".to_owned());
        }
        let (questions, asked) = blocking::channel::<Answer>();
        std::thread::Builder::new()
            .name("x11-idle".to_owned())
            .spawn(move || answer_questions(asked))
            .map_err(|error| format!("cannot start the X11 thread: {error}"))?;
        Ok(X11 { questions })
    }

    /// How long the X server has seen no input. The caller puts a time limit on the wait.
    pub async fn idle_for(&self) -> Result<Duration, String> {
        let (answer, answered) = oneshot::channel();
        self.questions
            .send(answer)
            .map_err(|_| "the X11 connection is closed".to_owned())?;
        answered
            .await
            .map_err(|_| "the X11 connection is closed".to_owned())?
    }
}

fn answer_questions(asked: blocking::Receiver<Answer>) {
    let connected = connect();
    while let Ok(answer) = asked.recv() {
        let idle = match &connected {
            Ok((connection, root)) => query(connection, *root),
            Err(why) => Err(why.clone()),
        };
        let lost = idle.is_err() && connected.is_ok();
        let _ = answer.send(idle);
        if connected.is_err() || lost {
            // Nothing more will be learnt here: later questions find the thread gone.
            return;
        }
    }
}

fn connect() -> Result<(x11rb::rust_connection::RustConnection, u32), String> {
    let (connection, screen) = x11rb::connect(None)
        .map_err(|error| format!("cannot connect to the X display: {error}"))?;
    let has_extension = connection
        .extension_information(screensaver::X11_EXTENSION_NAME)
        .map_err(|error| format!("the X display does not answer: {error}"))?
        .is_some();
    if !has_extension {
        return Err("the X server has no MIT-SCREEN-SAVER extension".to_owned());
    }
    let root = connection.setup().roots[screen].root;
    Ok((connection, root))
}

fn query(
    connection: &x11rb::rust_connection::RustConnection,
    root: u32,
) -> Result<Duration, String> {
    let unanswered =
        |error: &dyn std::fmt::Display| format!("the X server did not say the idle time: {error}");
    let reply = connection
        .screensaver_query_info(root)
        .map_err(|error| unanswered(&error))?
        .reply()
        .map_err(|error| unanswered(&error))?;
    Ok(Duration::from_millis(reply.ms_since_user_input.into()))
}
