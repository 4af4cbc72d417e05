//! A real desktop session for tests: Xvfb, a D-Bus session bus, dunst and an SNI tray, torn down on drop.
