//! Faults and bad input, made to happen for real: real files and folders, real processes and
//! signals, a real notification server stopped and started. Each test is one fault or one bad input
//! and checks the three promises: no user data is lost, nothing hangs, and the user is told what
//! happened and what to do.

/// The command line and the D-Bus interface: arguments out of range, closed pipes, messages.
mod cli;
/// The history, config and routine files: torn lines, an unwritable history, FIFOs, folders that
/// are replaced, editors that save by renaming.
mod files;
/// The classes of bad input the first hostile trial found already handled, kept handled; and no
/// process of a break opens anything but Unix sockets.
mod handled;
/// A notification server that stops answering, and text shown in notifications.
mod notifications;
/// Restarting the daemon: a pause and an unfinished break survive it, ids never wrap, times far
/// ahead are refused rather than written.
mod restart;
/// The stretch window's process: a plan of any size, a daemon that dies mid-break, an outcome
/// reported before the window closes.
mod window;
