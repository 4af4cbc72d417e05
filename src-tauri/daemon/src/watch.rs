//! Watches the config folder and the user's routines folder with inotify, so an edit applies as
//! soon as it is saved, at no cost while nothing changes (no polling).
//!
//! Each folder's parent is watched too, so a folder that is deleted and re-created or replaced
//! (as sync tools and dotfile managers do) is watched again at once. A burst of events settles
//! before the owner is told, so an editor that saves by moving the old file away first never
//! makes the daemon see a moment without the file.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use futures_util::StreamExt;
use inotify::{EventMask, Inotify, WatchDescriptor, WatchMask, Watches};
use tokio::time::Instant;
use tracing::{debug, info, warn};

use crate::files::Paths;
use crate::inbox::{Inbox, Message};

/// How long a folder must stay quiet after an event before the owner reloads: long enough for a
/// move-away-then-write save, short enough that a real change applies well within a second.
const SETTLE: Duration = Duration::from_millis(150);
/// The longest a reload waits after the first event of a burst, even if events keep coming.
const LONGEST_WAIT: Duration = Duration::from_millis(700);

/// The events in a watched folder that mean a file's new content is complete (written and closed,
/// moved in, created as a link), or that it is gone. Added to what the folder is already watched
/// for (`MASK_ADD`): inotify keeps one watch per folder, and the config folder can also be the
/// routines folder's parent.
fn folder_mask() -> WatchMask {
    WatchMask::CLOSE_WRITE
        | WatchMask::MOVED_TO
        | WatchMask::MOVED_FROM
        | WatchMask::DELETE
        | WatchMask::CREATE
        | WatchMask::MASK_ADD
}

/// The events in a parent folder that can mean the watched folder was replaced. Writes to other
/// files there (`~/.config` is busy) are not asked for, so they never wake the daemon.
fn parent_mask() -> WatchMask {
    WatchMask::CREATE
        | WatchMask::MOVED_TO
        | WatchMask::MOVED_FROM
        | WatchMask::DELETE
        | WatchMask::MASK_ADD
}

/// A watched folder: its own watch, its parent's, and a reload waiting for the folder to settle.
struct Folder {
    /// What the log calls it.
    label: &'static str,
    dir: PathBuf,
    name_in_parent: Option<OsString>,
    watch: Option<WatchDescriptor>,
    parent_watch: Option<WatchDescriptor>,
    /// Whether an event about this file name in the folder matters.
    concerns: Box<dyn Fn(&OsStr) -> bool + Send>,
    message: fn() -> Message,
    /// The first and the latest event of a burst not yet passed on.
    burst: Option<(Instant, Instant)>,
}

impl Folder {
    fn new(
        label: &'static str,
        dir: PathBuf,
        concerns: Box<dyn Fn(&OsStr) -> bool + Send>,
        message: fn() -> Message,
    ) -> Folder {
        Folder {
            label,
            name_in_parent: dir.file_name().map(ToOwned::to_owned),
            dir,
            watch: None,
            parent_watch: None,
            concerns,
            message,
            burst: None,
        }
    }

    fn start_watching(&mut self, watches: &mut Watches) {
        if let Some(parent) = self.dir.parent() {
            match watches.add(parent, parent_mask()) {
                Ok(watch) => self.parent_watch = Some(watch),
                Err(why) => warn!(
                    "cannot watch {} ({why}); if {} is replaced, restart Unhunch to apply changes",
                    parent.display(),
                    self.dir.display()
                ),
            }
        }
        self.watch_folder(watches);
    }

    /// Watches the folder now at `dir`, which after a replacement is another folder than before.
    fn watch_folder(&mut self, watches: &mut Watches) {
        let new_watch = if self.dir.is_dir() {
            match watches.add(&self.dir, folder_mask()) {
                Ok(watch) => Some(watch),
                Err(why) => {
                    warn!(
                        "cannot watch {} ({why}); restart Unhunch to apply changes",
                        self.dir.display()
                    );
                    None
                }
            }
        } else {
            None
        };
        // The old folder, if it was moved away rather than deleted, must not be listened to any
        // more; unless it is the same folder, or also another folder's parent.
        if let Some(old) = self.watch.take()
            && Some(&old) != new_watch.as_ref()
            && Some(&old) != self.parent_watch.as_ref()
        {
            let _ = watches.remove(old);
        }
        self.watch = new_watch;
    }

    /// Takes in one event; returns whether it concerns this folder.
    fn notice(&mut self, watches: &mut Watches, event: &inotify::Event<OsString>) -> bool {
        let Some(name) = event.name.as_deref() else {
            if event.mask.contains(EventMask::IGNORED) && self.watch.as_ref() == Some(&event.wd) {
                self.watch = None;
            }
            return false;
        };
        let mut concerned = false;
        if self.watch.as_ref() == Some(&event.wd) && (self.concerns)(name) {
            concerned = true;
        }
        if self.parent_watch.as_ref() == Some(&event.wd)
            && self.name_in_parent.as_deref() == Some(name)
        {
            debug!("{} was replaced ({:?})", self.dir.display(), event.mask);
            self.watch_folder(watches);
            concerned = true;
        }
        concerned
    }

    fn extend_burst(&mut self, now: Instant) {
        let first = self.burst.map_or(now, |(first, _)| first);
        self.burst = Some((first, now));
    }

    /// When the burst has settled, if there is one.
    fn due(&self) -> Option<Instant> {
        self.burst
            .map(|(first, latest)| (latest + SETTLE).min(first + LONGEST_WAIT))
    }
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
    let mut events = match inotify.into_event_stream(vec![0; 4096]) {
        Ok(events) => events,
        Err(why) => {
            warn!("cannot watch for file changes ({why})");
            return;
        }
    };
    let config_name = paths.config_file.file_name().map(ToOwned::to_owned);
    let mut folders = [
        Folder::new(
            "config.toml",
            paths.config_dir.clone(),
            Box::new(move |name| Some(name) == config_name.as_deref()),
            || Message::ConfigFileChanged,
        ),
        Folder::new(
            "the routines folder",
            paths.routines_dir.clone(),
            Box::new(|name| name.to_string_lossy().ends_with(".toml")),
            || Message::RoutineFilesChanged,
        ),
    ];
    let mut watches = events.watches();
    for folder in &mut folders {
        folder.start_watching(&mut watches);
    }
    tokio::spawn(async move {
        loop {
            let due = folders.iter().filter_map(Folder::due).min();
            tokio::select! {
                event = events.next() => {
                    let event = match event {
                        Some(Ok(event)) => event,
                        Some(Err(why)) => {
                            warn!("file watching stopped: {why}; restart Unhunch to apply changes");
                            return;
                        }
                        None => return,
                    };
                    let now = Instant::now();
                    let overflowed = event.mask.contains(EventMask::Q_OVERFLOW);
                    for folder in &mut folders {
                        if overflowed {
                            // Events were lost: look at both folders afresh.
                            folder.watch_folder(&mut watches);
                            folder.extend_burst(now);
                        } else if folder.notice(&mut watches, &event) {
                            debug!("{:?} changed in {} ({:?})", event.name, folder.dir.display(), event.mask);
                            folder.extend_burst(now);
                        }
                    }
                }
                () = sleep_until(due) => {
                    let now = Instant::now();
                    for folder in &mut folders {
                        if folder.due().is_some_and(|due| due <= now) {
                            folder.burst = None;
                            if inbox.send((folder.message)()).is_err() {
                                return;
                            }
                            info!("{} changed: reloading it", folder.label);
                        }
                    }
                }
            }
        }
    });
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
