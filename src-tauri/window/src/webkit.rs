//! WebKitGTK settings for a small page that only ever shows its own files. Each is kept only for
//! what it was measured to save (standalone window on Xvfb, private dirty memory once the intro
//! has painted, and the footprint benchmark's peak over a walk-through).
//!
//! Measured and left out (no change beyond run-to-run noise in the web process's private
//! memory, about ±10 MiB at the walk-through's peak): the `DocumentViewer` cache model, no page
//! cache, an ephemeral website data manager, and WebAudio, WebGL, media and HTML5 storage off.

use tauri::{Runtime, WebviewWindow};

/// Sets WebKit up for the stretch page once its webview exists.
#[cfg(target_os = "linux")]
pub fn tune<R: Runtime>(window: &WebviewWindow<R>) -> tauri::Result<()> {
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
    window.with_webview(|webview| {
        crate::trace::mark("webview created");
        // The page is a few boxes and one picture: software drawing is plenty, starts sooner and
        // keeps the GL stack out of the web process: 32 MiB of private memory there instead of
        // 68 MiB once the intro has painted (Mesa's llvmpipe on a machine without a GPU).
        if let Some(settings) = webview.inner().settings() {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    })
}

#[cfg(not(target_os = "linux"))]
pub fn tune<R: Runtime>(_window: &WebviewWindow<R>) -> tauri::Result<()> {
    Ok(())
}
