//! Which of WebKit's renderers can paint on this desktop, chosen before GTK and WebKit start.
//!
//! WebKitGTK (2.50 here) draws the page through its DMA-BUF renderer, which shares buffers
//! allocated on a GPU's render node (`/dev/dri/renderD*`). On a Wayland desktop without one (sway
//! or weston on pixman, a virtual machine or container without a GPU) its web process fails and
//! the window stays blank; `WEBKIT_DISABLE_DMABUF_RENDERER=1` makes WebKit share plain memory
//! instead, and the page paints. On X11 WebKit copes on its own (every X11 test runs on Xvfb
//! without a GPU), and with a render node the DMA-BUF renderer is the faster one, so the setting
//! is made only for Wayland without a usable render node. WebKit reads it from the environment
//! only, and this crate forbids `unsafe` (which `std::env::set_var` is), so the process starts
//! itself again with the setting in place: one `exec` before anything else happens.

use std::os::unix::process::CommandExt;
use std::path::Path;

/// The variable that makes WebKit share plain memory instead of DMA-BUF buffers.
pub const DMABUF_RENDERER_OFF: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";

/// What decides whether WebKit's DMA-BUF renderer can paint here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Desktop {
    /// GTK will open its window on Wayland.
    pub wayland: bool,
    /// A GPU render node can be opened for reading and writing.
    pub render_node: bool,
    /// `WEBKIT_DISABLE_DMABUF_RENDERER` is set already (by the user, or by an earlier start).
    pub renderer_chosen: bool,
}

impl Desktop {
    /// This process's desktop: its environment and `/dev/dri`.
    pub fn observe() -> Desktop {
        let variable = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        let runtime_dir = variable("XDG_RUNTIME_DIR");
        Desktop {
            wayland: gtk_uses_wayland(
                variable("GDK_BACKEND").as_deref(),
                variable("WAYLAND_DISPLAY").as_deref(),
                runtime_dir.as_deref().map(Path::new),
            ),
            render_node: has_usable_render_node(Path::new("/dev/dri")),
            renderer_chosen: std::env::var_os(DMABUF_RENDERER_OFF).is_some(),
        }
    }

    /// Whether WebKit must be told to leave its DMA-BUF renderer off to paint at all.
    pub fn needs_dmabuf_renderer_off(self) -> bool {
        self.wayland && !self.render_node && !self.renderer_chosen
    }
}

/// Starts this program again with WebKit's DMA-BUF renderer off when this desktop needs that
/// (see the module's comment); returns only when it does not, or when the new start failed (the
/// window then opens as it is, and the daemon's paint deadline still catches a blank one).
pub fn restart_with_a_renderer_that_paints_if_needed() {
    let desktop = Desktop::observe();
    if !desktop.needs_dmabuf_renderer_off() {
        return;
    }
    let Ok(program) = std::env::current_exe() else {
        return;
    };
    let failure = std::process::Command::new(program)
        .args(std::env::args_os().skip(1))
        .env(DMABUF_RENDERER_OFF, "1")
        .exec();
    crate::say(&format!(
        "could not start again with {DMABUF_RENDERER_OFF}=1 ({failure}); the window may stay blank"
    ));
}

/// Whether GTK opens its windows on Wayland: GDK_BACKEND's first choice, else Wayland when a
/// compositor's socket is named (`WAYLAND_DISPLAY`) or sits where GTK looks by default
/// (`$XDG_RUNTIME_DIR/wayland-0`).
pub fn gtk_uses_wayland(
    gdk_backend: Option<&str>,
    wayland_display: Option<&str>,
    runtime_dir: Option<&Path>,
) -> bool {
    let first_choice = gdk_backend
        .and_then(|backends| backends.split(',').next())
        .map(str::trim)
        .unwrap_or("*");
    if first_choice != "wayland" && first_choice != "*" {
        return false;
    }
    match wayland_display {
        Some(display) => !display.is_empty(),
        None => runtime_dir.is_some_and(|folder| folder.join("wayland-0").exists()),
    }
}

/// Whether `dri` holds a render node (`renderD*`) this process may open for reading and writing,
/// as WebKit would to allocate its buffers.
pub fn has_usable_render_node(dri: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dri) else {
        return false;
    };
    entries.filter_map(Result::ok).any(|entry| {
        entry.file_name().to_string_lossy().starts_with("renderD")
            && std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(entry.path())
                .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_wayland_without_a_render_node_needs_the_renderer_off() {
        let desktop = |wayland, render_node, renderer_chosen| Desktop {
            wayland,
            render_node,
            renderer_chosen,
        };
        assert!(desktop(true, false, false).needs_dmabuf_renderer_off());
        assert!(!desktop(true, true, false).needs_dmabuf_renderer_off());
        assert!(!desktop(false, false, false).needs_dmabuf_renderer_off());
        // The user's own setting, or the one this process restarted with, is left alone.
        assert!(!desktop(true, false, true).needs_dmabuf_renderer_off());
    }

    #[test]
    fn gtk_picks_wayland_as_gdk_backend_and_the_sockets_say() {
        let none = None;
        assert!(gtk_uses_wayland(None, Some("wayland-1"), none));
        assert!(gtk_uses_wayland(
            Some("wayland,x11"),
            Some("/run/user/1000/wayland-1"),
            none
        ));
        assert!(gtk_uses_wayland(Some("*"), Some("wayland-0"), none));
        assert!(!gtk_uses_wayland(Some("x11"), Some("wayland-0"), none));
        assert!(!gtk_uses_wayland(
            Some("x11,wayland"),
            Some("wayland-0"),
            none
        ));
        assert!(!gtk_uses_wayland(None, None, none));
        assert!(!gtk_uses_wayland(None, Some(""), none));

        let runtime = std::env::temp_dir().join(format!("unhunch-renderer-{}", std::process::id()));
        std::fs::create_dir_all(&runtime).unwrap();
        assert!(!gtk_uses_wayland(None, None, Some(&runtime)));
        std::fs::write(runtime.join("wayland-0"), "").unwrap();
        assert!(gtk_uses_wayland(None, None, Some(&runtime)));
        std::fs::remove_dir_all(&runtime).unwrap();
    }

    #[test]
    fn a_render_node_counts_only_when_it_can_be_opened() {
        let dri = std::env::temp_dir().join(format!("unhunch-dri-{}", std::process::id()));
        std::fs::create_dir_all(&dri).unwrap();
        assert!(!has_usable_render_node(&dri), "an empty /dev/dri");
        std::fs::write(dri.join("card0"), "").unwrap();
        assert!(!has_usable_render_node(&dri), "a card is not a render node");
        std::fs::write(dri.join("renderD128"), "").unwrap();
        assert!(has_usable_render_node(&dri));
        assert!(!has_usable_render_node(&dri.join("missing")));
        std::fs::remove_dir_all(&dri).unwrap();
    }
}
