//! Leaving the keyboard where it was on sway.
//!
//! On X11 the window asks not to be focused and window managers honour it. Wayland has no such
//! request, and sway gives every new window on the current workspace the keyboard. So on sway
//! (when `SWAYSOCK` names its IPC socket) the window notes which window had the keyboard just
//! before it opens and listens to sway's window events; when sway focuses the new window, it asks
//! sway over the same IPC to focus the earlier one again, within milliseconds. A click into the
//! stretch window still focuses it as usual, even in its first moments: only the focus sway gives
//! in the same step as it maps the window (its `new` event, then `focus`, within milliseconds) is
//! handed back, and the listening ends with the first focus, and after a few seconds in any case.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long sway's IPC may take to answer; the window never waits longer on it.
const IPC_TIMEOUT: Duration = Duration::from_millis(500);

/// How long the window listens for sway's focus as it maps; the window may take this long to be
/// shown on a loaded machine.
const FOCUS_ON_OPENING: Duration = Duration::from_secs(5);

/// sway focuses a window in the same step that maps it (its `new` event, then `focus`); a focus
/// this long after the window appeared is a click of the user's, however early it comes.
const FOCUS_AS_IT_MAPS: Duration = Duration::from_millis(300);

/// i3's IPC message types, which sway speaks.
const RUN_COMMAND: u32 = 0;
const SUBSCRIBE: u32 = 2;
const GET_TREE: u32 = 4;

/// The window that had the keyboard on sway before the stretch window opened.
#[derive(Debug)]
pub struct KeyboardOwner {
    socket: PathBuf,
    container_id: i64,
    noted_at: Instant,
}

impl KeyboardOwner {
    /// Notes the window that has the keyboard now, on sway; `None` elsewhere, or when no window
    /// has it (an empty workspace), or when sway does not answer.
    pub fn note() -> Option<KeyboardOwner> {
        let socket = PathBuf::from(std::env::var_os("SWAYSOCK").filter(|s| !s.is_empty())?);
        let tree = ipc(&socket, GET_TREE, "").ok()?;
        let tree: Value = serde_json::from_slice(&tree).ok()?;
        Some(KeyboardOwner {
            socket,
            container_id: focused_window(&tree)?,
            noted_at: Instant::now(),
        })
    }

    /// Listens, on a thread of its own, for sway to focus this process's window as it opens, and
    /// then gives the keyboard back to the noted window. Call it before the window is shown.
    pub fn give_back_when_the_window_opens(self) {
        let listening = std::thread::Builder::new()
            .name("sway-focus".into())
            .spawn(move || {
                if let Err(error) = self.wait_and_give_back() {
                    crate::say(&format!(
                        "could not give the keyboard back through sway's IPC: {error}"
                    ));
                }
            });
        if let Err(error) = listening {
            crate::say(&format!("cannot listen to sway's window events: {error}"));
        }
    }

    fn wait_and_give_back(self) -> std::io::Result<()> {
        let mut events = UnixStream::connect(&self.socket)?;
        events.set_write_timeout(Some(IPC_TIMEOUT))?;
        send(&mut events, SUBSCRIBE, r#"["window"]"#)?;
        let own_pid = u64::from(std::process::id());
        let mut mapped_at = None;
        loop {
            let left = FOCUS_ON_OPENING.saturating_sub(self.noted_at.elapsed());
            if left.is_zero() {
                return Ok(());
            }
            events.set_read_timeout(Some(left))?;
            let message = match receive(&mut events) {
                Ok(message) => message,
                // Nothing focused the window in time (another workspace, another output).
                Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => return Ok(()),
                Err(error) if error.kind() == std::io::ErrorKind::TimedOut => return Ok(()),
                Err(error) => return Err(error),
            };
            let Ok(event) = serde_json::from_slice::<Value>(&message) else {
                continue;
            };
            if event["container"]["pid"].as_u64() != Some(own_pid) {
                continue;
            }
            match event["change"].as_str() {
                Some("new") => mapped_at = Some(Instant::now()),
                Some("focus") => {
                    // sway focuses a new window as it maps it; a focus that comes later is the
                    // user's click into the window, which keeps the keyboard there.
                    if mapped_at.is_some_and(|at| at.elapsed() <= FOCUS_AS_IT_MAPS) {
                        let command = format!("[con_id={}] focus", self.container_id);
                        return ipc(&self.socket, RUN_COMMAND, &command).map(drop);
                    }
                    return Ok(());
                }
                _ => {}
            }
        }
    }
}

/// The container id of the application window that has the keyboard in sway's tree.
pub fn focused_window(node: &Value) -> Option<i64> {
    let is_window = node["pid"].is_u64() && (node["app_id"].is_string() || node["window"].is_u64());
    if is_window && node["focused"].as_bool() == Some(true) {
        return node["id"].as_i64();
    }
    ["nodes", "floating_nodes"]
        .iter()
        .flat_map(|children| node[children].as_array().into_iter().flatten())
        .find_map(focused_window)
}

/// Sends one message over sway's IPC socket and returns the answer's payload.
fn ipc(socket: &std::path::Path, message_type: u32, payload: &str) -> std::io::Result<Vec<u8>> {
    let mut stream = UnixStream::connect(socket)?;
    stream.set_read_timeout(Some(IPC_TIMEOUT))?;
    stream.set_write_timeout(Some(IPC_TIMEOUT))?;
    send(&mut stream, message_type, payload)?;
    receive(&mut stream)
}

/// Writes one i3-IPC message: the magic, the payload's length and the type, then the payload.
fn send(stream: &mut UnixStream, message_type: u32, payload: &str) -> std::io::Result<()> {
    let length = u32::try_from(payload.len()).map_err(std::io::Error::other)?;
    let mut message = b"i3-ipc".to_vec();
    message.extend_from_slice(&length.to_ne_bytes());
    message.extend_from_slice(&message_type.to_ne_bytes());
    message.extend_from_slice(payload.as_bytes());
    stream.write_all(&message)
}

/// Reads one i3-IPC message (an answer or an event) and returns its payload.
fn receive(stream: &mut UnixStream) -> std::io::Result<Vec<u8>> {
    let mut header = [0_u8; 14];
    stream.read_exact(&mut header)?;
    if &header[..6] != b"i3-ipc" {
        return Err(std::io::Error::other(
            "sway's message does not start with i3-ipc",
        ));
    }
    let length = u32::from_ne_bytes([header[6], header[7], header[8], header[9]]);
    let mut payload = vec![0_u8; length as usize];
    stream.read_exact(&mut payload)?;
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_focused_application_window_is_found_tiled_or_floating() {
        let window = |id: i64, focused: bool| {
            json!({"id": id, "pid": 40 + id, "app_id": "foot", "focused": focused,
                   "nodes": [], "floating_nodes": []})
        };
        let tree = |tiled: Vec<Value>, floating: Vec<Value>| {
            json!({"id": 1, "focused": false, "nodes": [
                {"id": 2, "type": "output", "focused": false, "nodes": [
                    {"id": 3, "type": "workspace", "focused": false,
                     "nodes": tiled, "floating_nodes": floating}]}]})
        };
        assert_eq!(
            focused_window(&tree(vec![window(4, false), window(5, true)], vec![])),
            Some(5)
        );
        assert_eq!(
            focused_window(&tree(vec![window(4, false)], vec![window(6, true)])),
            Some(6)
        );
        assert_eq!(focused_window(&tree(vec![window(4, false)], vec![])), None);
        // A focused workspace is no window to give the keyboard back to.
        let empty = json!({"id": 3, "type": "workspace", "focused": true, "nodes": []});
        assert_eq!(focused_window(&empty), None);
    }
}
