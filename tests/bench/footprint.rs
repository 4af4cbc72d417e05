//! Footprint benchmark: measures the daemon and window against the peers and prints a table.

fn main() {}
