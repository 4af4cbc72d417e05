//! Watches the config folder and the user's routines folder with inotify, so an edit applies as
//! soon as it is saved, at no cost while nothing changes (no polling).

use std::fs;

use futures_util::StreamExt;
use inotify::{Inotify, WatchMask};
use tracing::{debug, warn};

use crate::files::Paths;
use crate::inbox::{Inbox, Message};

/// The events that mean a file's new content is complete: written and closed, moved in (how
/// editors save atomically), moved away or deleted.
fn mask() -> WatchMask {
    WatchMask::CLOSE_WRITE | WatchMask::MOVED_TO | WatchMask::MOVED_FROM | WatchMask::DELETE
}

pub fn spawn(paths: &Paths, inbox: Inbox) {
    for dir in [&paths.config_dir, &paths.routines_dir] {
        if let Err(why) = fs::create_dir_all(dir) {
            warn!("cannot create {}: {why}", dir.display());
        }
    }
    let inotify = match Inotify::init() {
        Ok(inotify) => inotify,
        Err(why) => {
            warn!(
                "cannot watch for file changes ({why}); restart Unhunch to apply changed settings"
            );
            return;
        }
    };
    let config_watch = inotify.watches().add(&paths.config_dir, mask());
    let routines_watch = inotify.watches().add(&paths.routines_dir, mask());
    if let Err(why) = &config_watch {
        warn!(
            "cannot watch {} ({why}); restart Unhunch to apply changed settings",
            paths.config_dir.display()
        );
    }
    if let Err(why) = &routines_watch {
        warn!(
            "cannot watch {} ({why}); restart Unhunch to apply changed routines",
            paths.routines_dir.display()
        );
    }
    let config_name = paths.config_file.file_name().map(ToOwned::to_owned);
    let mut events = match inotify.into_event_stream(vec![0; 4096]) {
        Ok(events) => events,
        Err(why) => {
            warn!("cannot watch for file changes ({why})");
            return;
        }
    };
    let (config_watch, routines_watch) = (config_watch.ok(), routines_watch.ok());
    tokio::spawn(async move {
        while let Some(event) = events.next().await {
            let event = match event {
                Ok(event) => event,
                Err(why) => {
                    warn!("file watching stopped: {why}");
                    return;
                }
            };
            let Some(name) = event.name else { continue };
            let message = if Some(&event.wd) == config_watch.as_ref()
                && Some(&name) == config_name.as_ref()
            {
                Message::ConfigFileChanged
            } else if Some(&event.wd) == routines_watch.as_ref()
                && name.to_string_lossy().ends_with(".toml")
            {
                Message::RoutineFilesChanged
            } else {
                continue;
            };
            debug!("{name:?} changed ({:?})", event.mask);
            if inbox.send(message).is_err() {
                return;
            }
        }
    });
}
