//! Desktop notifications (notify-rust over zbus): the heads-up, the break with its actions, and
//! messages to the user. The only module that sends notifications.
//!
//! The heads-up and the break share one notification that is replaced, never stacked: its id is
//! reused. The actions of the break notification come back as [`Message::Request`]s.

use std::sync::Arc;
use std::time::Duration;

use notify_rust::{Hint, Notification, NotificationHandle, NotificationResponse, Timeout, Urgency};
use tokio::task::JoinHandle;
use tracing::{debug, info, warn};
use unhunch_core::duration::friendly;
use unhunch_core::engine::Offer;

use crate::inbox::{Inbox, Message, Origin, Request};

/// A notification server that does not answer within this long is treated as absent.
const SERVER_TIMEOUT: Duration = Duration::from_secs(5);

const APP_NAME: &str = "Unhunch";

pub struct Notifications {
    inbox: Inbox,
    bus: zbus::Connection,
    /// The heads-up or break notification on screen, if any.
    shown: Option<Shown>,
    /// The id of the last message to the user, so the next one replaces it.
    message_id: Option<u32>,
}

struct Shown {
    id: u32,
    /// Keeps the connection the server sends this notification's actions to.
    handle: Arc<NotificationHandle>,
    /// Waits for an action on it and forwards it to the owner.
    listener: JoinHandle<()>,
}

impl Notifications {
    pub fn new(inbox: Inbox, bus: zbus::Connection) -> Notifications {
        Notifications {
            inbox,
            bus,
            shown: None,
            message_id: None,
        }
    }

    /// "Stretch break in 30 s": no actions, and gone by itself when the break is due.
    pub async fn show_heads_up(&mut self, lead: Duration, offer: Option<&Offer>) {
        let capabilities = self.server_capabilities().await.unwrap_or_default();
        let mut notification = base_notification();
        notification
            .summary(&format!("Stretch break in {}", friendly(lead)))
            .body(&body_text(
                &match offer {
                    Some(offer) => format!(
                        "Next: {} (about {}). Find a good place to pause.",
                        offer.routine_name,
                        friendly(offer.estimated)
                    ),
                    None => "Find a good place to pause.".to_owned(),
                },
                &capabilities,
            ))
            .urgency(Urgency::Low)
            .timeout(Timeout::Milliseconds(
                lead.as_millis().clamp(1_000, 120_000) as u32,
            ));
        if let Err(why) = self.show(notification, None).await {
            info!("the heads-up could not be shown ({why})");
        }
    }

    /// "Time to unhunch — Cobra, 2 min" with Start, Snooze (while snoozes are left) and Skip.
    /// Fails when no notification server answers.
    pub async fn show_break_due(
        &mut self,
        break_id: u64,
        offer: Option<&Offer>,
        snoozes_left: Option<u32>,
        snooze: Duration,
    ) -> Result<(), String> {
        let capabilities = self.server_capabilities().await?;
        let has_actions = capabilities
            .iter()
            .any(|capability| capability == "actions");
        let can_snooze = snoozes_left != Some(0);
        let summary = match offer {
            Some(offer) => format!(
                "Time to unhunch — {}, {}",
                offer.routine_name,
                friendly(offer.estimated)
            ),
            None => "Time to unhunch — a stretch break".to_owned(),
        };
        let mut body = if has_actions {
            "Hands off the keyboard, breathe out, and let Unhunch walk you through it.".to_owned()
        } else {
            "Open the Unhunch tray menu to start, snooze or skip it.".to_owned()
        };
        match snoozes_left {
            Some(0) => body.push_str(" No snoozes left for this break."),
            Some(1) => body.push_str(" One snooze left."),
            _ => {}
        }
        let mut notification = base_notification();
        notification
            .summary(&summary)
            .body(&body)
            .urgency(Urgency::Normal)
            .timeout(Timeout::Never);
        notification.hint(Hint::Resident(false));
        if has_actions {
            notification
                .action("default", "Start")
                .action("start", "Start");
            if can_snooze {
                notification.action("snooze", &format!("Snooze {}", friendly(snooze)));
            }
            notification.action("skip", "Skip");
        }
        self.show(notification, Some(break_id)).await
    }

    /// Takes the heads-up or break notification down.
    pub async fn withdraw(&mut self) {
        if let Some(shown) = self.shown.take() {
            shown.listener.abort();
            if let Err(why) = tokio::time::timeout(SERVER_TIMEOUT, shown.handle.close_async()).await
            {
                debug!("closing notification {} timed out: {why}", shown.id);
            }
        }
    }

    /// The server closed a notification (dismissed, expired): its id cannot be replaced any more.
    pub fn closed(&mut self, id: u32) {
        if self.shown.as_ref().is_some_and(|shown| shown.id == id) {
            self.shown = None;
        }
    }

    /// A message that is not a break, such as a mistake in the config file.
    pub async fn tell(&mut self, summary: &str, body: &str) {
        let mut notification = base_notification();
        notification
            .summary(summary)
            .body(body)
            .urgency(Urgency::Normal)
            .timeout(Timeout::Milliseconds(20_000));
        if let Some(id) = self.message_id {
            notification.id(id);
        }
        match tokio::time::timeout(SERVER_TIMEOUT, notification.show_async()).await {
            Ok(Ok(handle)) => self.message_id = Some(handle.id()),
            Ok(Err(why)) => warn!("cannot show a notification ({why}): {summary}: {body}"),
            Err(_) => warn!("the notification server did not answer: {summary}: {body}"),
        }
    }

    async fn show(
        &mut self,
        mut notification: Notification,
        break_id: Option<u64>,
    ) -> Result<(), String> {
        if let Some(shown) = &self.shown {
            notification.id(shown.id);
        }
        let handle = match tokio::time::timeout(SERVER_TIMEOUT, notification.show_async()).await {
            Ok(Ok(handle)) => Arc::new(handle),
            Ok(Err(why)) => return Err(why.to_string()),
            Err(_) => return Err(format!("no answer within {} s", SERVER_TIMEOUT.as_secs())),
        };
        if let Some(previous) = self.shown.take() {
            previous.listener.abort();
        }
        let id = handle.id();
        let listener = tokio::spawn(listen_for_action(
            handle.clone(),
            id,
            break_id,
            self.inbox.clone(),
        ));
        self.shown = Some(Shown {
            id,
            handle,
            listener,
        });
        Ok(())
    }

    /// What the server can do ("actions", "body-markup"…). An error means no server answered.
    async fn server_capabilities(&self) -> Result<Vec<String>, String> {
        let call = self.bus.call_method(
            Some("org.freedesktop.Notifications"),
            "/org/freedesktop/Notifications",
            Some("org.freedesktop.Notifications"),
            "GetCapabilities",
            &(),
        );
        let reply = match tokio::time::timeout(SERVER_TIMEOUT, call).await {
            Ok(Ok(reply)) => reply,
            Ok(Err(why)) => return Err(why.to_string()),
            Err(_) => return Err(format!("no answer within {} s", SERVER_TIMEOUT.as_secs())),
        };
        reply.body().deserialize().map_err(|why| why.to_string())
    }
}

/// The body as the server will read it: servers with "body-markup" parse it as markup, so a
/// routine name or a file path with `<` or `&` in it must be escaped to show as written.
fn body_text(text: &str, capabilities: &[String]) -> String {
    if capabilities
        .iter()
        .any(|capability| capability == "body-markup")
    {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    } else {
        text.to_owned()
    }
}

fn base_notification() -> Notification {
    let mut notification = Notification::new();
    notification.appname(APP_NAME).icon("");
    notification
}

/// Waits for the user to act on notification `id` and turns the action into a request.
async fn listen_for_action(
    handle: Arc<NotificationHandle>,
    id: u32,
    break_id: Option<u64>,
    inbox: Inbox,
) {
    handle
        .wait_for_action_async(|response| {
            let request = match response {
                NotificationResponse::Default => Some(Request::Start),
                NotificationResponse::Action(action) => match action.as_str() {
                    "start" => Some(Request::Start),
                    "snooze" => Some(Request::Snooze(None)),
                    "skip" => Some(Request::Skip),
                    other => {
                        debug!("ignoring unknown notification action {other:?}");
                        None
                    }
                },
                NotificationResponse::Closed(reason) => {
                    debug!("notification {id} closed: {reason:?}");
                    let _ = inbox.send(Message::NotificationClosed { id });
                    None
                }
                _ => None,
            };
            if let Some(request) = request {
                info!("notification action {request:?} for break {break_id:?}");
                let _ = inbox.send(Message::Request {
                    request,
                    origin: Origin::Notification,
                    reply: None,
                });
            }
        })
        .await;
}
