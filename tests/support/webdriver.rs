//! A small synchronous WebDriver client for driving the stretch window through tauri-driver.
//!
//! [`TauriDriver`] starts `tauri-driver` (which starts WebKitWebDriver) on free local ports with the
//! environment the test gives it; the app it launches inherits that environment (the window's
//! plan goes in on stdin, through a wrapper script: see `tests/window/harness.rs`). [`Session`] speaks the W3C WebDriver protocol over
//! plain HTTP/1.1 on a `TcpStream`, one request per connection. Every wait is a poll for a
//! condition with a deadline ([`Session::wait_for`]), never a bare sleep.

use std::ffi::OsStr;
use std::fmt;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// W3C's key for an element reference in JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The keys WebDriver spells as private-use characters.
pub mod keys {
    pub const ENTER: &str = "\u{E007}";
    pub const ESCAPE: &str = "\u{E00C}";
    pub const BACKSPACE: &str = "\u{E003}";
    pub const TAB: &str = "\u{E004}";
    pub const ARROW_LEFT: &str = "\u{E012}";
    pub const ARROW_RIGHT: &str = "\u{E014}";
    pub const SPACE: &str = " ";
}

/// What went wrong talking to the driver; the message is meant for a failing test's output.
#[derive(Debug, Clone)]
pub struct WebDriverError {
    pub message: String,
}

impl fmt::Display for WebDriverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for WebDriverError {}

pub type Result<T> = std::result::Result<T, WebDriverError>;

fn error(message: impl Into<String>) -> WebDriverError {
    WebDriverError {
        message: message.into(),
    }
}

/// A running tauri-driver, killed (with its WebKitWebDriver) on drop.
pub struct TauriDriver {
    child: Child,
    port: u16,
}

impl TauriDriver {
    /// Starts tauri-driver with `env` added to this process's environment (the desktop session's,
    /// plus anything the app should see). Waits until it accepts connections (at most 20 s).
    pub fn start<K: AsRef<OsStr>, V: AsRef<OsStr>>(
        env: impl IntoIterator<Item = (K, V)>,
    ) -> Result<TauriDriver> {
        let port = free_port()?;
        let native_port = free_port()?;
        let mut command = Command::new(tauri_driver_path());
        command
            .arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .envs(env)
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        let child = command.spawn().map_err(|spawn_error| {
            error(format!(
                "could not start tauri-driver ({spawn_error}); install it with \
                 `cargo install tauri-driver --version '^2' --locked` (make test-deps does)"
            ))
        })?;
        let mut driver = TauriDriver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            // Ready once both tauri-driver and the WebKitWebDriver behind it accept connections;
            // before that a new session gets an empty answer.
            let listening = |port| TcpStream::connect(("127.0.0.1", port)).is_ok();
            if listening(port) && listening(native_port) {
                return Ok(driver);
            }
            if let Ok(Some(status)) = driver.child.try_wait() {
                return Err(error(format!("tauri-driver exited early with {status}")));
            }
            if Instant::now() > deadline {
                return Err(error(format!(
                    "tauri-driver did not listen on port {port} within 20 s"
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Starts `application` with `args` and returns a session driving its webview.
    pub fn session(&self, application: &Path, args: &[&str]) -> Result<Session> {
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "wry",
                    "tauri:options": { "application": application, "args": args }
                }
            }
        });
        let value = request(self.port, "POST", "/session", Some(&capabilities))?;
        let session_id = value["sessionId"]
            .as_str()
            .ok_or_else(|| error(format!("new session answered without a sessionId: {value}")))?;
        Ok(Session {
            port: self.port,
            id: session_id.to_owned(),
            deleted: false,
        })
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One WebDriver session, i.e. one running app. Deleted (the app closed) on drop.
pub struct Session {
    port: u16,
    id: String,
    deleted: bool,
}

/// A reference to an element on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    id: String,
}

impl Session {
    /// The first element matching a CSS selector.
    pub fn find(&self, css: &str) -> Result<Element> {
        let value = self.command(
            "POST",
            "element",
            Some(&json!({"using": "css selector", "value": css})),
        )?;
        element_of(&value).ok_or_else(|| error(format!("no element matches {css:?}")))
    }

    /// Every element matching a CSS selector, in document order.
    pub fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        let value = self.command(
            "POST",
            "elements",
            Some(&json!({"using": "css selector", "value": css})),
        )?;
        Ok(value
            .as_array()
            .map(|list| list.iter().filter_map(element_of).collect())
            .unwrap_or_default())
    }

    pub fn click(&self, element: &Element) -> Result<()> {
        self.command(
            "POST",
            &format!("element/{}/click", element.id),
            Some(&json!({})),
        )
        .map(drop)
    }

    /// The rendered text (empty for hidden elements, as WebDriver defines it).
    pub fn text(&self, element: &Element) -> Result<String> {
        let value = self.command("GET", &format!("element/{}/text", element.id), None)?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// An HTML attribute, `None` when the element does not have it.
    pub fn attribute(&self, element: &Element, name: &str) -> Result<Option<String>> {
        let value = self.command(
            "GET",
            &format!("element/{}/attribute/{name}", element.id),
            None,
        )?;
        Ok(value.as_str().map(str::to_owned))
    }

    pub fn is_displayed(&self, element: &Element) -> Result<bool> {
        let value = self.command("GET", &format!("element/{}/displayed", element.id), None)?;
        Ok(value.as_bool().unwrap_or(false))
    }

    /// Empties a text field, as selecting its text and deleting it would.
    pub fn clear(&self, element: &Element) -> Result<()> {
        self.command(
            "POST",
            &format!("element/{}/clear", element.id),
            Some(&json!({})),
        )
        .map(drop)
    }

    /// Types `text` (which may hold [`keys`]) into `element`.
    pub fn send_keys(&self, element: &Element, text: &str) -> Result<()> {
        self.command(
            "POST",
            &format!("element/{}/value", element.id),
            Some(&json!({"text": text})),
        )
        .map(drop)
    }

    /// Presses and releases one key on whatever has focus, like a person at the keyboard.
    pub fn press_key(&self, key: &str) -> Result<()> {
        let actions = json!({"actions": [{
            "type": "key",
            "id": "keyboard",
            "actions": [{"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]
        }]});
        self.command("POST", "actions", Some(&actions)).map(drop)?;
        self.command("DELETE", "actions", None).map(drop)
    }

    /// Runs `script` as a function body with `args`; returns what it returns.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.command(
            "POST",
            "execute/sync",
            Some(&json!({"script": script, "args": args})),
        )
    }

    /// Runs `script` as an async function body: it finishes when it calls its last argument,
    /// whose argument is returned.
    pub fn execute_async(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.command(
            "POST",
            "execute/async",
            Some(&json!({"script": script, "args": args})),
        )
    }

    pub fn title(&self) -> Result<String> {
        Ok(self
            .command("GET", "title", None)?
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }

    /// A PNG of the page.
    pub fn screenshot(&self) -> Result<Vec<u8>> {
        let value = self.command("GET", "screenshot", None)?;
        let encoded = value
            .as_str()
            .ok_or_else(|| error(format!("screenshot answered without data: {value}")))?;
        decode_base64(encoded)
    }

    /// Polls `condition` every 50 ms until it returns `Some`, or fails after `timeout` with what
    /// was awaited and the last error seen.
    pub fn wait_for<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut condition: impl FnMut(&Session) -> Result<Option<T>>,
    ) -> Result<T> {
        let deadline = Instant::now() + timeout;
        let mut last_problem = String::from("the condition never held");
        loop {
            match condition(self) {
                Ok(Some(value)) => return Ok(value),
                Ok(None) => {}
                Err(problem) => last_problem = problem.message,
            }
            if Instant::now() > deadline {
                return Err(error(format!(
                    "waited {timeout:?} for {what}; last: {last_problem}"
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Ends the session, closing the app.
    pub fn delete(mut self) -> Result<()> {
        self.deleted = true;
        request(self.port, "DELETE", &format!("/session/{}", self.id), None).map(drop)
    }

    fn command(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value> {
        request(
            self.port,
            method,
            &format!("/session/{}/{path}", self.id),
            body,
        )
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if !self.deleted {
            let _ = request(self.port, "DELETE", &format!("/session/{}", self.id), None);
        }
    }
}

fn element_of(value: &Value) -> Option<Element> {
    value[ELEMENT_KEY]
        .as_str()
        .map(|id| Element { id: id.to_owned() })
}

/// tauri-driver from `TAURI_DRIVER`, else `~/.cargo/bin`, else the `PATH`.
fn tauri_driver_path() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(path);
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    match cargo_home.map(|home| home.join("bin/tauri-driver")) {
        Some(path) if path.exists() => path,
        _ => PathBuf::from("tauri-driver"),
    }
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .map_err(|bind_error| error(format!("no free port: {bind_error}")))?;
    listener
        .local_addr()
        .map(|address| address.port())
        .map_err(|address_error| error(address_error.to_string()))
}

/// One HTTP/1.1 request to the driver; returns the W3C response's `value`, or its error.
fn request(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value> {
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|connect_error| {
        error(format!(
            "could not reach the driver on port {port}: {connect_error}"
        ))
    })?;
    // Starting the app inside "new session" can take a while on a busy machine.
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .map_err(|timeout_error| error(timeout_error.to_string()))?;
    // No "Connection: close": tauri-driver passes request headers on to WebKitWebDriver, and a
    // closing connection there sometimes comes back as an empty answer. The answer is read by its
    // length instead, and the connection dropped after it.
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json; charset=utf-8\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body.as_bytes()))
        .map_err(|write_error| error(format!("{method} {path}: {write_error}")))?;
    let response = read_response(&mut stream)
        .map_err(|read_error| error(format!("{method} {path}: no answer: {read_error}")))?;
    let (status, body) = split_response(&response).ok_or_else(|| {
        error(format!(
            "{method} {path}: not an HTTP answer: {:?}",
            String::from_utf8_lossy(&response)
        ))
    })?;
    let json: Value = serde_json::from_slice(&body).map_err(|parse_error| {
        error(format!(
            "{method} {path}: HTTP {status} with a body that is not JSON ({parse_error}): {:?}",
            String::from_utf8_lossy(&body)
        ))
    })?;
    let value = json.get("value").cloned().unwrap_or(Value::Null);
    if status >= 400 || value.get("error").is_some_and(Value::is_string) {
        return Err(error(format!(
            "{method} {path}: {} ({})",
            value["error"].as_str().unwrap_or("error"),
            value["message"].as_str().unwrap_or_default()
        )));
    }
    Ok(value)
}

/// Reads one HTTP/1.1 response: the head, then a body of `Content-Length` bytes, or chunks up to
/// the last one, or everything until the peer closes.
fn read_response(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut response = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    loop {
        if let Some(header_end) = response.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&response[..header_end]).to_ascii_lowercase();
            let body_so_far = &response[header_end + 4..];
            let length = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse::<usize>().ok());
            let complete = match length {
                Some(length) => body_so_far.len() >= length,
                None if head.contains("transfer-encoding: chunked") => {
                    body_so_far.ends_with(b"0\r\n\r\n")
                }
                None => false,
            };
            if complete {
                return Ok(response);
            }
        }
        let read = stream.read(&mut buffer)?;
        if read == 0 {
            return Ok(response);
        }
        response.extend_from_slice(&buffer[..read]);
    }
}

/// The status code and the (de-chunked) body of a raw HTTP/1.1 response.
fn split_response(response: &[u8]) -> Option<(u16, Vec<u8>)> {
    let header_end = response
        .windows(4)
        .position(|window| window == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&response[..header_end]).ok()?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let body = &response[header_end + 4..];
    let chunked = head.lines().any(|line| {
        let line = line.to_ascii_lowercase();
        line.starts_with("transfer-encoding:") && line.contains("chunked")
    });
    Some((
        status,
        if chunked {
            dechunk(body)?
        } else {
            body.to_vec()
        },
    ))
}

fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|window| window == b"\r\n")?;
        let size_text = std::str::from_utf8(&body[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size + 2..)?;
    }
}

fn decode_base64(text: &str) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut buffer = 0u32;
    let mut bits = 0;
    for byte in text
        .bytes()
        .filter(|byte| !byte.is_ascii_whitespace() && *byte != b'=')
    {
        let sextet = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            other => return Err(error(format!("screenshot is not base64 (byte {other})"))),
        };
        buffer = (buffer << 6) | u32::from(sextet);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_with_and_without_padding() {
        assert_eq!(decode_base64("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(decode_base64("aGk").unwrap(), b"hi");
        assert!(decode_base64("a*b").is_err());
    }

    #[test]
    fn chunked_bodies_are_joined() {
        let response = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"va\r\n9\r\nlue\":null\r\n1\r\n}\r\n0\r\n\r\n";
        let (status, body) = split_response(response).unwrap();
        assert_eq!(status, 200);
        assert_eq!(body, b"{\"value\":null}");
    }
}
