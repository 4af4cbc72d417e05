//! The names of the pictures in `ui/illustrations/`, embedded at build time so that routine
//! files can be checked against them by the daemon and `unhunch routines check`, which do not
//! ship `ui/`. `tests/core/tidy.rs` checks that this list is exactly the `*.svg` files there.

/// Every illustration a routine may name, sorted: `ui/illustrations/<name>.svg`.
pub const ILLUSTRATIONS: &[&str] = &[
    "cat-cow",
    "cat-cow-cat",
    "cat-cow-cow",
    "chair-back-extension",
    "chair-back-extension-setup",
    "chair-sit-front",
    "chair-sit-tall",
    "chair-twist",
    "cobra-down",
    "cobra-hover",
    "cobra-up",
    "doorway-chest-opener",
    "doorway-chest-opener-setup",
    "hands-and-knees",
    "seated-cat-cow",
    "seated-cat-cow-arch",
    "seated-cat-cow-round",
    "seated-side-bend",
    "seated-side-bend-reach",
    "seated-twist-setup",
    "seated-twist-turn",
    "shoulder-blade-squeeze",
    "shoulder-blade-squeeze-setup",
    "stand-tall",
    "standing-backbend",
    "standing-backbend-setup",
    "thread-the-needle",
    "thread-the-needle-open",
    "wall-angels-down",
    "wall-angels-setup",
    "wall-angels-up",
];
