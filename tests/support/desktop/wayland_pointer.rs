//! A pointer for a headless wlroots compositor: with no input device, sway's seat has no pointer
//! and no client is sent a click, so a small client adds a virtual one (the
//! `zwlr_virtual_pointer_manager_v1` protocol, spoken by a python3 program with no bindings)
//! and keeps it while the session lasts; sway's `seat - cursor` commands then move and click it.

use super::parts::ExtraParts;
use super::{Session, wait_until};

impl Session {
    /// Adds a virtual pointer to sway's seat and waits until sway lists it as an input. Start it
    /// before the clients that are to be clicked, so they see a seat with a pointer.
    pub fn add_virtual_pointer(&self, parts: &mut ExtraParts) {
        let mut command = self.command("/usr/bin/python3");
        command.args(["-c", VIRTUAL_POINTER]);
        self.start_extra_part(
            parts,
            "virtual-pointer",
            command,
            "sway lists the virtual pointer among its inputs",
            |session, _| {
                let inputs = session.sway_message("get_inputs", &[])?;
                let pointer = inputs
                    .as_array()
                    .is_some_and(|inputs| inputs.iter().any(|input| input["type"] == "pointer"));
                pointer.then_some(()).ok_or_else(|| format!("{inputs}"))
            },
        );
        wait_until("sway's seat has a pointer", super::START_TIMEOUT, || {
            self.sway_message("get_seats", &[])
                .ok()
                .filter(|seats| seats[0]["capabilities"].as_u64().unwrap_or(0) & 1 == 1)
        });
    }
}

/// Connects to `$WAYLAND_DISPLAY`, creates a virtual pointer on the first seat, and waits
/// (reading the compositor's events) until the session ends it.
const VIRTUAL_POINTER: &str = r#"
import os, socket, struct, sys
conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
conn.connect(os.environ['WAYLAND_DISPLAY'])
def string(text):
    data = text.encode() + b'\0'
    return struct.pack('<I', len(data)) + data + b'\0' * (-len(data) % 4)
def send(obj, opcode, body=b''):
    conn.sendall(struct.pack('<II', obj, ((8 + len(body)) << 16) | opcode) + body)
buffer = b''
def events():
    global buffer
    while True:
        while len(buffer) >= 8:
            obj, word = struct.unpack('<II', buffer[:8])
            size = word >> 16
            if len(buffer) < size:
                break
            body, buffer = buffer[8:size], buffer[size:]
            yield obj, word & 0xffff, body
        chunk = conn.recv(65536)
        if not chunk:
            sys.exit(0)
        buffer += chunk
send(1, 1, struct.pack('<I', 2))  # wl_display.get_registry -> 2
send(1, 0, struct.pack('<I', 3))  # wl_display.sync -> 3
globals_ = {}
for obj, opcode, body in events():
    if obj == 2 and opcode == 0:
        name, length = struct.unpack('<II', body[:8])
        interface = body[8:8 + length - 1].decode()
        globals_[interface] = name
    elif obj == 3 and opcode == 0:
        break
missing = [i for i in ('wl_seat', 'zwlr_virtual_pointer_manager_v1') if i not in globals_]
if missing:
    sys.exit('the compositor lacks ' + ', '.join(missing))
send(2, 0, struct.pack('<I', globals_['wl_seat']) + string('wl_seat') + struct.pack('<II', 1, 4))
manager = 'zwlr_virtual_pointer_manager_v1'
send(2, 0, struct.pack('<I', globals_[manager]) + string(manager) + struct.pack('<II', 1, 5))
send(5, 0, struct.pack('<II', 4, 6))  # create_virtual_pointer(seat 4) -> 6
send(1, 0, struct.pack('<I', 7))
print('virtual pointer added', flush=True)
for _ in events():
    pass
"#;
