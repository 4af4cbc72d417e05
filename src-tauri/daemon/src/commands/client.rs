//! The command-line client: each command is one D-Bus call to the running daemon, then a line
//! saying what changed.

use std::time::Duration;

use futures_util::StreamExt;

use crate::bus::BUS_NAME;
use crate::bus::proxy::UnhunchProxy;
use crate::command::Command;
use crate::exit;
use crate::output::{complain, say};
use crate::status::StatusReport;

const NOT_RUNNING: &str =
    "Unhunch is not running. Start it with `unhunch` (it then stays in your tray).";

/// Runs a command that talks to the daemon; returns the exit code.
pub fn run(command: Command) -> u8 {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            complain(format_args!("unhunch: cannot start: {error}"));
            return exit::FAILED;
        }
    };
    runtime.block_on(call(command))
}

async fn call(command: Command) -> u8 {
    let connection = match zbus::Connection::session().await {
        Ok(connection) => connection,
        Err(error) => {
            complain(format_args!(
                "unhunch: cannot reach your desktop session's D-Bus ({error})."
            ));
            complain(NOT_RUNNING);
            return exit::NOT_RUNNING;
        }
    };
    let proxy = match UnhunchProxy::new(&connection).await {
        Ok(proxy) => proxy,
        Err(error) => return report_error(error),
    };
    let result = match &command {
        Command::Status { json } => return status(&proxy, *json).await,
        Command::StretchNow { routine: None } => proxy.stretch_now().await,
        Command::StretchNow {
            routine: Some(routine),
        } => proxy.stretch_routine(routine).await,
        Command::Snooze { length } => {
            let seconds = length
                .map(|length| length.as_secs().min(u32::MAX as u64) as u32)
                .unwrap_or(0);
            proxy.snooze(seconds).await
        }
        Command::Skip => proxy.skip().await,
        Command::Pause { until } => proxy.pause(until).await,
        Command::Resume => proxy.resume().await,
        Command::Settings => proxy.open_settings().await,
        Command::Quit => return quit(&connection, &proxy).await,
        Command::OpenHistory => {
            return match proxy.open_history().await {
                Ok(()) => exit::OK,
                Err(error) => report_error(error),
            };
        }
        other => unreachable!("{other:?} is not a daemon command"),
    };
    if let Err(error) = result {
        return report_error(error);
    }
    // Say where things stand now, so the user sees the effect of what they asked.
    match proxy
        .status()
        .await
        .map(|json| serde_json::from_str::<StatusReport>(&json))
    {
        Ok(Ok(report)) => {
            let now = crate::clock::now();
            let done = match command {
                Command::StretchNow { .. } => "Starting a stretch break.",
                Command::Snooze { .. } => "Snoozed.",
                Command::Skip => "Skipped.",
                Command::Pause { .. } => "Paused.",
                Command::Resume => "Resumed.",
                Command::Settings => "Opening the settings.",
                _ => "Done.",
            };
            say(format_args!("{done} {}", report.sentence(now)));
            exit::OK
        }
        _ => exit::OK,
    }
}

async fn status(proxy: &UnhunchProxy<'_>, json: bool) -> u8 {
    let text = match proxy.status().await {
        Ok(text) => text,
        Err(error) => return report_error(error),
    };
    if json {
        say(text);
        return exit::OK;
    }
    match serde_json::from_str::<StatusReport>(&text) {
        Ok(report) => {
            say(format_args!("{}", report.sentence(crate::clock::now())));
            say(report.snooze_sentence());
            say(report.idle_source_sentence());
            exit::OK
        }
        Err(error) => {
            complain(format_args!(
                "unhunch: the daemon sent a status this version cannot read ({error}); is an older Unhunch running?"
            ));
            exit::FAILED
        }
    }
}

/// Asks the daemon to quit and waits until it has let go of its name, so `unhunch quit && unhunch`
/// starts a fresh one. The name-owner signal is subscribed to before the call, so it cannot be
/// missed.
async fn quit(connection: &zbus::Connection, proxy: &UnhunchProxy<'_>) -> u8 {
    let gone = async {
        let bus = zbus::fdo::DBusProxy::new(connection).await?;
        let mut changes = bus
            .receive_name_owner_changed_with_args(&[(0, BUS_NAME)])
            .await?;
        proxy.quit().await?;
        while let Some(change) = changes.next().await {
            if change.args().is_ok_and(|args| args.new_owner().is_none()) {
                break;
            }
        }
        Ok::<(), zbus::Error>(())
    };
    match tokio::time::timeout(Duration::from_secs(5), gone).await {
        Ok(Ok(())) => {
            say("Unhunch has stopped.");
            exit::OK
        }
        Ok(Err(error)) => report_error(error),
        Err(_) => {
            complain(format_args!(
                "unhunch: Unhunch was asked to stop but is still running after 5 seconds."
            ));
            exit::FAILED
        }
    }
}

fn report_error(error: zbus::Error) -> u8 {
    if let zbus::Error::MethodError(name, message, _) = &error {
        let name = name.as_str();
        if name == "org.freedesktop.DBus.Error.ServiceUnknown"
            || name == "org.freedesktop.DBus.Error.NameHasNoOwner"
        {
            complain(NOT_RUNNING);
            return exit::NOT_RUNNING;
        }
        if name.starts_with("dev.unhunch.Unhunch1.Error.") {
            complain(format_args!(
                "{}",
                message.as_deref().unwrap_or("Unhunch refused.")
            ));
            return exit::FAILED;
        }
    }
    if let zbus::Error::FDO(fdo) = &error
        && matches!(
            **fdo,
            zbus::fdo::Error::ServiceUnknown(_) | zbus::fdo::Error::NameHasNoOwner(_)
        )
    {
        complain(NOT_RUNNING);
        return exit::NOT_RUNNING;
    }
    complain(format_args!("unhunch: the call to Unhunch failed: {error}"));
    exit::FAILED
}
