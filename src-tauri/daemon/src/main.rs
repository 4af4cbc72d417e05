//! `unhunch`: with no arguments, the background daemon; with a subcommand, its command-line client.

fn main() {}
