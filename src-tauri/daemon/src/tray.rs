//! The tray icon and its menu (StatusNotifierItem + dbusmenu, via ksni).
//!
//! The tray shows the last published [`StatusReport`] and turns menu clicks into requests for
//! the owner task; it decides nothing itself. Without a tray (no StatusNotifierWatcher) Unhunch
//! says so once in the log and keeps working; the icon registers as soon as a tray appears.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use ksni::menu::{StandardItem, SubMenu};
use ksni::{Icon, MenuItem, OfflineReason, Status, ToolTip, TrayMethods};
use tokio::sync::watch;
use tracing::{debug, info, warn};
use unhunch_core::duration::written;
use unhunch_core::engine::Phase;

use crate::icon::{IconLook, icon_pixmaps};
use crate::inbox::{Inbox, Message, Origin, PauseRequest, Request};
use crate::status::StatusReport;

/// The running tray service. Its item answers a left click with the menu, except in a tray that
/// draws no menu (swaybar 1.7, which asks the item to `Activate` whatever it says): there the
/// click is [`Request::Activate`], so it still does something useful.
enum TrayHandle {
    Menu(ksni::Handle<UnhunchTray<true>>),
    Activate(ksni::Handle<UnhunchTray<false>>),
}

impl TrayHandle {
    async fn show(&self, view: StatusReport) -> Option<()> {
        match self {
            TrayHandle::Menu(handle) => handle.update(move |tray| tray.show(view)).await,
            TrayHandle::Activate(handle) => handle.update(move |tray| tray.show(view)).await,
        }
    }

    async fn shut_down(&self) {
        match self {
            TrayHandle::Menu(handle) => {
                handle.shutdown().await;
            }
            TrayHandle::Activate(handle) => {
                handle.shutdown().await;
            }
        }
    }
}

/// The owner's side of the tray: shows each new status on the icon once the tray service runs.
///
/// The service starts in the background (a tray may appear late, or refuse the icon at first);
/// until then the latest status waits in `latest`, and the starting task shows it as soon as the
/// icon is up, so no status is ever lost between the two.
pub struct Tray {
    latest: watch::Sender<StatusReport>,
    handle: Arc<OnceLock<TrayHandle>>,
    /// Set when the tray service stopped; Unhunch goes on without it.
    gone: bool,
    /// Whether the icon is registered with a running tray (a StatusNotifierWatcher).
    registered: Arc<AtomicBool>,
}

impl Tray {
    /// Shows a new status (or the same one again, for the countdown in the tooltip).
    pub async fn show(&mut self, report: &StatusReport) {
        self.latest.send_replace(report.clone());
        if self.gone {
            return;
        }
        if let Some(handle) = self.handle.get()
            && handle.show(report.clone()).await.is_none()
        {
            warn!("the tray icon service stopped; Unhunch goes on without it");
            self.gone = true;
        }
    }

    /// The status the icon shows now.
    pub fn latest(&self) -> StatusReport {
        self.latest.borrow().clone()
    }

    /// Whether the Unhunch icon is in a tray now, so its menu is there for the user.
    pub fn is_registered(&self) -> bool {
        !self.gone && self.registered.load(Ordering::Relaxed)
    }

    /// Takes the icon down.
    pub async fn shut_down(&mut self) {
        if let Some(handle) = self.handle.get() {
            handle.shut_down().await;
        }
    }
}

/// Waits between attempts to register with a tray that refused: a tray that is itself starting
/// up may own its bus name a moment before it serves the watcher object.
const RETRY_DELAYS: [Duration; 6] = [
    Duration::from_millis(50),
    Duration::from_millis(200),
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(3),
    Duration::from_secs(10),
];

/// Registers our running tray item with the watcher again, after it refused the icon while
/// starting up. ksni only registers when the watcher's name changes hands, so this asks on the
/// daemon's own connection, naming the item's bus name.
fn register_again(bus: zbus::Connection) {
    tokio::spawn(async move {
        let prefix = format!("org.kde.StatusNotifierItem-{}-", std::process::id());
        for delay in RETRY_DELAYS {
            tokio::time::sleep(delay).await;
            let names = match zbus::fdo::DBusProxy::new(&bus).await {
                Ok(proxy) => proxy.list_names().await.unwrap_or_default(),
                Err(_) => return,
            };
            let Some(item) = names.iter().find(|name| name.starts_with(prefix.as_str())) else {
                continue;
            };
            let registered = bus
                .call_method(
                    Some("org.kde.StatusNotifierWatcher"),
                    "/StatusNotifierWatcher",
                    Some("org.kde.StatusNotifierWatcher"),
                    "RegisterStatusNotifierItem",
                    &(item.as_str(),),
                )
                .await;
            match registered {
                Ok(_) => {
                    info!("the Unhunch icon is registered with the tray");
                    return;
                }
                Err(why) => debug!("the tray did not take the icon yet ({why}); asking again"),
            }
        }
        warn!(
            "the tray keeps refusing the icon; Unhunch keeps working with notifications and the `unhunch` command"
        );
    });
}

/// Starts the tray service in the background. A missing tray is not an error (see the module
/// comment); a tray that refuses the icon is asked again a few times. `bus` is the daemon's own
/// connection, used to register the icon again.
pub fn start(inbox: Inbox, bus: zbus::Connection, report: StatusReport) -> Tray {
    let (latest, reports) = watch::channel(report);
    let handle = Arc::new(OnceLock::new());
    let started = handle.clone();
    let registered = Arc::new(AtomicBool::new(false));
    let registered_in_task = registered.clone();
    tokio::spawn(async move {
        let registered = registered_in_task;
        let mut delays = RETRY_DELAYS.iter();
        loop {
            let report = reports.borrow().clone();
            let spawned = if tray_draws_menus(&bus).await {
                UnhunchTray::<true>::new(&inbox, &bus, report, &registered)
                    .assume_sni_available(true)
                    .spawn()
                    .await
                    .map(TrayHandle::Menu)
            } else {
                UnhunchTray::<false>::new(&inbox, &bus, report, &registered)
                    .assume_sni_available(true)
                    .spawn()
                    .await
                    .map(TrayHandle::Activate)
            };
            match spawned {
                Ok(handle) => {
                    // The service runs; whether a tray took the icon, the watcher tells.
                    if watcher_is_running(&bus).await {
                        registered.store(true, Ordering::Relaxed);
                    }
                    let handle = started.get_or_init(|| handle);
                    // A status published while the service was starting went only to `latest`.
                    let view = reports.borrow().clone();
                    handle.show(view).await;
                    return;
                }
                Err(why) => match delays.next() {
                    Some(delay) => {
                        debug!(
                            "the tray did not take the icon yet ({why}); asking again in {delay:?}"
                        );
                        tokio::time::sleep(*delay).await;
                    }
                    None => {
                        warn!(
                            "the tray icon cannot be shown ({why}); Unhunch keeps working with notifications and the `unhunch` command"
                        );
                        return;
                    }
                },
            }
        }
    });
    Tray {
        latest,
        handle,
        gone: false,
        registered,
    }
}

/// Whether the running tray draws the item's menu, so a left click may open it. swaybar draws none
/// and asks the item to `Activate` instead; it is told by the name of the process that owns the
/// watcher (swaybar is its own watcher). Without a tray yet, the menu is assumed.
async fn tray_draws_menus(bus: &zbus::Connection) -> bool {
    let Ok(proxy) = zbus::fdo::DBusProxy::new(bus).await else {
        return true;
    };
    let Ok(watcher) = "org.kde.StatusNotifierWatcher".try_into() else {
        return true;
    };
    let Ok(pid) = proxy.get_connection_unix_process_id(watcher).await else {
        return true;
    };
    let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    name.trim() != "swaybar"
}

/// Whether a StatusNotifierWatcher (a tray) owns its name on the bus.
async fn watcher_is_running(bus: &zbus::Connection) -> bool {
    match zbus::fdo::DBusProxy::new(bus).await {
        Ok(proxy) => match "org.kde.StatusNotifierWatcher".try_into() {
            Ok(name) => proxy.name_has_owner(name).await.unwrap_or(false),
            Err(_) => false,
        },
        Err(_) => false,
    }
}

/// The tray item; `MENU_ON_LEFT_CLICK` is false in a tray that draws no menu.
pub struct UnhunchTray<const MENU_ON_LEFT_CLICK: bool> {
    inbox: Inbox,
    bus: zbus::Connection,
    report: StatusReport,
    /// Set while no tray is running, so the log says so once per outage.
    watcher_missing: AtomicBool,
    /// Shared with [`Tray::is_registered`]: whether a tray has the icon.
    registered: Arc<AtomicBool>,
}

impl<const M: bool> UnhunchTray<M> {
    fn new(
        inbox: &Inbox,
        bus: &zbus::Connection,
        report: StatusReport,
        registered: &Arc<AtomicBool>,
    ) -> UnhunchTray<M> {
        UnhunchTray {
            inbox: inbox.clone(),
            bus: bus.clone(),
            report,
            watcher_missing: AtomicBool::new(false),
            registered: registered.clone(),
        }
    }

    /// Shows a new status.
    pub fn show(&mut self, report: StatusReport) {
        self.report = report;
    }

    fn send(&self, request: Request) {
        let _ = self.inbox.send(Message::Request {
            request,
            origin: Origin::Tray,
            reply: None,
        });
    }

    fn look(&self) -> IconLook {
        match self.report.state {
            Phase::Working => IconLook::Working,
            Phase::BreakDue | Phase::Stretching => IconLook::BreakDue,
            Phase::Paused => IconLook::Paused,
        }
    }
}

fn item<const M: bool>(
    label: impl Into<String>,
    activate: impl Fn(&mut UnhunchTray<M>) + Send + 'static,
) -> StandardItem<UnhunchTray<M>> {
    StandardItem {
        label: label.into(),
        activate: Box::new(activate),
        ..Default::default()
    }
}

fn pause_item<const M: bool>(label: &str, pause: PauseRequest) -> MenuItem<UnhunchTray<M>> {
    item(label, move |tray| tray.send(Request::Pause(pause))).into()
}

impl<const M: bool> ksni::Tray for UnhunchTray<M> {
    // A left click opens the menu where the tray draws one: starting a stretch by accident would
    // be rude.
    const MENU_ON_ACTIVATE: bool = M;

    // Only called in a tray that draws no menu: the engine decides (the due break's window, or
    // the status).
    fn activate(&mut self, _x: i32, _y: i32) {
        self.send(Request::Activate);
    }

    fn id(&self) -> String {
        "unhunch".into()
    }

    fn title(&self) -> String {
        "Unhunch".into()
    }

    fn status(&self) -> Status {
        match self.report.state {
            Phase::BreakDue => Status::NeedsAttention,
            _ => Status::Active,
        }
    }

    fn icon_pixmap(&self) -> Vec<Icon> {
        icon_pixmaps(self.look())
    }

    fn attention_icon_pixmap(&self) -> Vec<Icon> {
        icon_pixmaps(IconLook::BreakDue)
    }

    fn tool_tip(&self) -> ToolTip {
        ToolTip {
            title: "Unhunch".into(),
            description: self.report.sentence(crate::clock::now()),
            icon_pixmap: Vec::new(),
            icon_name: String::new(),
        }
    }

    fn menu(&self) -> Vec<MenuItem<Self>> {
        let state = self.report.state;
        let break_in_progress = matches!(state, Phase::BreakDue | Phase::Stretching);
        let snooze_label = format!(
            "Snooze {}",
            written(Duration::from_secs(self.report.snooze_secs))
        );
        vec![
            // The state in words first, so a glance at the menu says what comes next and why.
            StandardItem {
                enabled: false,
                ..item(self.report.state_line(crate::clock::now()), |_| {})
            }
            .into(),
            // While a break is due the menu offers what its notification offers: Start, Snooze
            // and Skip, doing the same.
            StandardItem {
                visible: state == Phase::BreakDue,
                ..item::<M>("Start", |tray| tray.send(Request::Start))
            }
            .into(),
            StandardItem {
                visible: state != Phase::BreakDue,
                enabled: state != Phase::Stretching,
                ..item::<M>("Stretch now", |tray| {
                    tray.send(Request::StretchNow { routine: None })
                })
            }
            .into(),
            StandardItem {
                visible: break_in_progress && self.report.can_snooze(),
                ..item::<M>(snooze_label, |tray| tray.send(Request::Snooze(None)))
            }
            .into(),
            StandardItem {
                visible: state != Phase::Paused,
                ..item::<M>(
                    if break_in_progress {
                        "Skip this break"
                    } else {
                        "Skip next break"
                    },
                    |tray| tray.send(Request::Skip),
                )
            }
            .into(),
            SubMenu {
                label: "Pause".into(),
                submenu: vec![
                    pause_item::<M>(
                        "30 minutes",
                        PauseRequest::For(Duration::from_secs(30 * 60)),
                    ),
                    pause_item::<M>("1 hour", PauseRequest::For(Duration::from_secs(60 * 60))),
                    pause_item::<M>(
                        "2 hours",
                        PauseRequest::For(Duration::from_secs(2 * 60 * 60)),
                    ),
                    pause_item::<M>("Until tomorrow", PauseRequest::UntilTomorrow),
                    pause_item::<M>("Until I resume", PauseRequest::Indefinitely),
                ],
                ..Default::default()
            }
            .into(),
            StandardItem {
                visible: state == Phase::Paused,
                ..item::<M>("Resume", |tray| tray.send(Request::Resume))
            }
            .into(),
            MenuItem::Separator,
            item::<M>("Settings…", |tray| {
                let _ = tray.inbox.send(Message::OpenSettings);
            })
            .into(),
            item::<M>("History…", |tray| {
                let _ = tray.inbox.send(Message::OpenHistory);
            })
            .into(),
            MenuItem::Separator,
            item::<M>("Quit", |tray| tray.send(Request::Quit)).into(),
        ]
    }

    fn watcher_online(&self) {
        self.watcher_missing.store(false, Ordering::Relaxed);
        self.registered.store(true, Ordering::Relaxed);
        info!("a system tray appeared: the Unhunch icon is registering with it");
    }

    fn watcher_offline(&self, reason: OfflineReason) -> bool {
        self.registered.store(false, Ordering::Relaxed);
        if let OfflineReason::Error(ksni::Error::Watcher(refusal)) = &reason
            && !matches!(refusal, zbus::fdo::Error::ServiceUnknown(_))
        {
            // A tray is there but refused the icon: it may own its name a moment before it serves
            // the watcher. The item stays up (a host may already be looking at it) and is
            // registered again shortly.
            debug!("the tray refused the icon ({refusal}); asking again shortly");
            register_again(self.bus.clone());
            return true;
        }
        if !self.watcher_missing.swap(true, Ordering::Relaxed) {
            warn!(
                "no system tray is running (no StatusNotifierWatcher: {reason:?}); Unhunch keeps working with notifications and the `unhunch` command, and its icon appears when a tray starts"
            );
        }
        // Keep the service: ksni registers the icon again when a watcher appears.
        true
    }
}
