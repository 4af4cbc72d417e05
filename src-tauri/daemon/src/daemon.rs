//! Start-up of the daemon: checks there is a desktop, takes the D-Bus name (one Unhunch per
//! session), starts logging and the signal handlers, then hands over to the owner task until
//! it is asked to quit.

use tokio::sync::mpsc;
use tracing::{error, info, warn};

use crate::bus::{self, service};
use crate::exit;
use crate::files::Paths;
use crate::inbox::{Inbox, Message, Origin, Request};
use crate::owner;

/// Runs the daemon until it is asked to quit; returns the exit code. `from_menu`: the application
/// menu started it, so on the first such start it asks about starting at login.
pub fn run(from_menu: bool) -> u8 {
    if let Some(missing) = missing_desktop(|name| std::env::var_os(name)) {
        eprintln!("{missing}");
        return exit::FAILED;
    }
    let paths = match Paths::from_environment() {
        Ok(paths) => paths,
        Err(why) => {
            eprintln!("unhunch: {why}");
            return exit::FAILED;
        }
    };
    crate::logging::init(&paths.log_file());
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            error!("cannot start the async runtime: {error}");
            return exit::FAILED;
        }
    };
    runtime.block_on(serve(paths, from_menu))
}

async fn serve(paths: Paths, from_menu: bool) -> u8 {
    let (inbox, messages) = mpsc::unbounded_channel();
    let connection = match service::serve(inbox.clone()).await {
        Ok(connection) => connection,
        Err(service::StartError::AlreadyRunning) => {
            println!("Unhunch is already running.");
            return exit::OK;
        }
        Err(service::StartError::Bus(error)) => {
            error!(
                "cannot use the session D-Bus ({error}); Unhunch needs a desktop session to run in."
            );
            return exit::FAILED;
        }
    };
    info!(
        "Unhunch {} started (pid {})",
        env!("CARGO_PKG_VERSION"),
        std::process::id()
    );

    spawn_signal_handlers(inbox.clone());
    owner::run(paths, from_menu, inbox, messages, connection.clone()).await;
    info!("Unhunch stopped");
    // Let queued replies (the Quit call's among them) go out before the name is released.
    tokio::task::yield_now().await;
    let _ = connection.release_name(bus::BUS_NAME).await;
    exit::OK
}

/// SIGTERM (logout, `kill`) and SIGINT (Ctrl+C) quit cleanly: a break in progress is recorded
/// as abandoned and the stretch window is closed.
fn spawn_signal_handlers(inbox: Inbox) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut terminate), Ok(mut interrupt)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        warn!(
            "cannot listen for SIGTERM/SIGINT; Unhunch will still quit from its menu or `unhunch quit`"
        );
        return;
    };
    tokio::spawn(async move {
        tokio::select! {
            _ = terminate.recv() => info!("SIGTERM: quitting"),
            _ = interrupt.recv() => info!("SIGINT: quitting"),
        }
        let _ = inbox.send(Message::Request {
            request: Request::Quit,
            origin: Origin::Bus,
            reply: None,
        });
    });
}

/// What to tell someone who starts the daemon where there is no graphical desktop (an SSH shell,
/// a container): Unhunch lives in a desktop's tray and opens windows, so it does not start.
fn missing_desktop(variable: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<String> {
    let set = |name: &str| variable(name).is_some_and(|value| !value.is_empty());
    if set("DISPLAY") || set("WAYLAND_DISPLAY") {
        return None;
    }
    Some(
        "Unhunch found no graphical desktop here: neither DISPLAY nor WAYLAND_DISPLAY is set.\n\
         It lives in your desktop's tray, so start it from a terminal inside your desktop session \
         (GNOME, KDE, Xfce, …),\n\
         or have it start with every login: `unhunch autostart on`.\n\
         To see it without a desktop, run `make test` in Unhunch's source folder: it runs Unhunch \
         on a virtual screen and saves what it shows in tests/out/screenshots/."
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::missing_desktop;

    #[test]
    fn a_display_of_either_kind_is_enough_and_none_is_explained() {
        let with = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| value.into())
            }
        };
        assert_eq!(missing_desktop(with(&[("DISPLAY", ":0")])), None);
        assert_eq!(
            missing_desktop(with(&[("WAYLAND_DISPLAY", "wayland-0")])),
            None
        );
        let told = missing_desktop(with(&[("DISPLAY", "")])).expect("an empty DISPLAY is none");
        assert!(told.contains("no graphical desktop"), "{told}");
        assert!(told.contains("unhunch autostart on"), "{told}");
    }
}
