//! `unhunch-window`: the short-lived window process the daemon starts for a break.

fn main() {}
