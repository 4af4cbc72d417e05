//! The daemon and CLI on a real desktop session (Xvfb, D-Bus session, dunst, SNI tray).
