//! The daemon's side of D-Bus: the `dev.unhunch.Unhunch1` interface it serves, owning the
//! well-known name that makes Unhunch single-instance, and its `StateChanged` signal.
//!
//! Methods only turn calls into [`Message`]s for the owner task and wait for its answer; they
//! decide nothing themselves.

use std::time::Duration;

use tokio::sync::oneshot;
use zbus::fdo::{RequestNameFlags, RequestNameReply};
use zbus::object_server::SignalEmitter;

use super::{BUS_NAME, OBJECT_PATH};
use crate::inbox::{Inbox, Message, Origin, PauseRequest, Request};

/// Errors callers see, named `dev.unhunch.Unhunch1.Error.*`, each with a sentence for people.
#[derive(Debug, zbus::DBusError)]
#[zbus(prefix = "dev.unhunch.Unhunch1.Error")]
pub enum ServiceError {
    #[zbus(error)]
    ZBus(zbus::Error),
    /// The request was understood but not carried out (no break due, no snoozes left…).
    Refused(String),
    /// An argument could not be understood.
    InvalidArgument(String),
    /// The daemon is shutting down.
    ShuttingDown(String),
}

pub struct UnhunchService {
    inbox: Inbox,
}

#[zbus::interface(name = "dev.unhunch.Unhunch1")]
impl UnhunchService {
    /// The status report as JSON (see `status::StatusReport`).
    async fn status(&self) -> Result<String, ServiceError> {
        let (reply, answer) = oneshot::channel();
        self.send(Message::Status { reply })?;
        let report = answer.await.map_err(|_| shutting_down())?;
        serde_json::to_string(&report)
            .map_err(|error| ServiceError::ZBus(zbus::Error::Failure(error.to_string())))
    }

    async fn stretch_now(&self) -> Result<(), ServiceError> {
        self.request(Request::StretchNow { routine: None }).await
    }

    /// Stretch now with the routine `routine_id` (the settings window's "Try now"), whether or
    /// not it is left out of the random pick. Refused for an id that names no routine in use.
    async fn stretch_routine(&self, routine_id: &str) -> Result<(), ServiceError> {
        self.request(Request::StretchNow {
            routine: Some(routine_id.to_owned()),
        })
        .await
    }

    /// Puts the due break off by `seconds`, or by the configured snooze when 0.
    async fn snooze(&self, seconds: u32) -> Result<(), ServiceError> {
        let length = (seconds > 0).then(|| Duration::from_secs(seconds.into()));
        self.request(Request::Snooze(length)).await
    }

    async fn skip(&self) -> Result<(), ServiceError> {
        self.request(Request::Skip).await
    }

    /// `until`: a duration ("30m"), "until-tomorrow", "indefinitely" or an RFC 3339 time.
    async fn pause(&self, until: &str) -> Result<(), ServiceError> {
        let pause = PauseRequest::parse(until).map_err(ServiceError::InvalidArgument)?;
        self.request(Request::Pause(pause)).await
    }

    async fn resume(&self) -> Result<(), ServiceError> {
        self.request(Request::Resume).await
    }

    async fn quit(&self) -> Result<(), ServiceError> {
        self.request(Request::Quit).await
    }

    /// Opens the history window, or brings the open one to the front.
    async fn open_history(&self) -> Result<(), ServiceError> {
        self.send(Message::OpenHistory)
    }

    /// Opens the settings window, or brings the open one to the front.
    async fn open_settings(&self) -> Result<(), ServiceError> {
        self.send(Message::OpenSettings)
    }

    /// Sent whenever the status changes, with the new status report as JSON.
    #[zbus(signal)]
    pub async fn state_changed(emitter: &SignalEmitter<'_>, status: &str) -> zbus::Result<()>;
}

impl UnhunchService {
    fn send(&self, message: Message) -> Result<(), ServiceError> {
        self.inbox.send(message).map_err(|_| shutting_down())
    }

    async fn request(&self, request: Request) -> Result<(), ServiceError> {
        let (reply, answer) = oneshot::channel();
        self.send(Message::Request {
            request,
            origin: Origin::Bus,
            reply: Some(reply),
        })?;
        answer
            .await
            .map_err(|_| shutting_down())?
            .map_err(ServiceError::Refused)
    }
}

fn shutting_down() -> ServiceError {
    ServiceError::ShuttingDown("Unhunch is shutting down.".into())
}

#[derive(Debug)]
pub enum StartError {
    /// Another daemon owns the name.
    AlreadyRunning,
    Bus(zbus::Error),
}

/// Connects to the session bus, serves the interface, then takes the well-known name without
/// queueing: if another daemon has it, this one is the second instance.
pub async fn serve(inbox: Inbox) -> Result<zbus::Connection, StartError> {
    let connection = zbus::connection::Builder::session()
        .and_then(|builder| builder.serve_at(OBJECT_PATH, UnhunchService { inbox }))
        .map_err(StartError::Bus)?
        .build()
        .await
        .map_err(StartError::Bus)?;
    match connection
        .request_name_with_flags(BUS_NAME, RequestNameFlags::DoNotQueue.into())
        .await
    {
        Ok(RequestNameReply::PrimaryOwner | RequestNameReply::AlreadyOwner) => Ok(connection),
        Ok(RequestNameReply::Exists | RequestNameReply::InQueue) | Err(zbus::Error::NameTaken) => {
            Err(StartError::AlreadyRunning)
        }
        Err(error) => Err(StartError::Bus(error)),
    }
}

/// Emits `StateChanged` with the status JSON.
pub async fn emit_state_changed(
    connection: &zbus::Connection,
    status_json: &str,
) -> zbus::Result<()> {
    let emitter = SignalEmitter::new(connection, OBJECT_PATH)?;
    UnhunchService::state_changed(&emitter, status_json).await
}
