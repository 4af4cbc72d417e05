//! The routines shipped with Unhunch: the `routines/*.toml` files, embedded at build time.

/// The routines shipped with Unhunch, embedded at build time: `(file name, text)`.
/// `tests/core/tidy.rs` checks that every `routines/*.toml` is listed here.
pub const BUILTIN_ROUTINES: &[(&str, &str)] = &[
    (
        "cat-cow.toml",
        include_str!("../../../../routines/cat-cow.toml"),
    ),
    (
        "chair-back-extension.toml",
        include_str!("../../../../routines/chair-back-extension.toml"),
    ),
    (
        "chair-twist.toml",
        include_str!("../../../../routines/chair-twist.toml"),
    ),
    (
        "cobra.toml",
        include_str!("../../../../routines/cobra.toml"),
    ),
    (
        "doorway-chest-opener.toml",
        include_str!("../../../../routines/doorway-chest-opener.toml"),
    ),
    (
        "seated-cat-cow.toml",
        include_str!("../../../../routines/seated-cat-cow.toml"),
    ),
    (
        "seated-side-bend.toml",
        include_str!("../../../../routines/seated-side-bend.toml"),
    ),
    (
        "seated-twist.toml",
        include_str!("../../../../routines/seated-twist.toml"),
    ),
    (
        "shoulder-blade-squeeze.toml",
        include_str!("../../../../routines/shoulder-blade-squeeze.toml"),
    ),
    (
        "standing-backbend.toml",
        include_str!("../../../../routines/standing-backbend.toml"),
    ),
    (
        "thread-the-needle.toml",
        include_str!("../../../../routines/thread-the-needle.toml"),
    ),
    (
        "wall-angels.toml",
        include_str!("../../../../routines/wall-angels.toml"),
    ),
];
