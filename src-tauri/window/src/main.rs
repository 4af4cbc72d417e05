//! `unhunch-window`: the short-lived window process the daemon starts for a break.

fn main() {
    unhunch_window::run()
}
