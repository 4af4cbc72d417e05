//! WebKitGTK settings for a small page that only ever shows its own files: what each saves was
//! measured with the footprint benchmark (`tests/bench/`), peak PSS of the window's process tree
//! over a walk-through of a break.
//!
//! `UNHUNCH_WEBKIT_UNTUNED=name,name` leaves the named settings at WebKit's defaults, so the
//! benchmark can measure what each one changes (names: `gpu`, `cache-model`, `page-cache`,
//! `ephemeral`, `features`); unset, every setting is made.

use tauri::{Runtime, WebviewWindow, WebviewWindowBuilder};

/// The variable naming settings to leave at WebKit's defaults, for measuring them.
pub const UNTUNED_VARIABLE: &str = "UNHUNCH_WEBKIT_UNTUNED";

/// Whether the setting `name` is made (it is unless the variable names it).
fn tuned(name: &str) -> bool {
    std::env::var(UNTUNED_VARIABLE)
        .map(|untuned| !untuned.split(',').any(|each| each.trim() == name))
        .unwrap_or(true)
}

/// What is chosen on the builder, before the webview exists.
pub fn before_build<'a, R: Runtime, M: tauri::Manager<R>>(
    window: WebviewWindowBuilder<'a, R, M>,
) -> WebviewWindowBuilder<'a, R, M> {
    // An ephemeral website data manager: the page keeps nothing (no cookies, storage or cache),
    // so nothing is written under the user's data folder and the network process opens no
    // disk cache.
    window.incognito(tuned("ephemeral"))
}

/// Sets WebKit up for the stretch page once its webview exists.
#[cfg(target_os = "linux")]
pub fn tune<R: Runtime>(window: &WebviewWindow<R>) -> tauri::Result<()> {
    use webkit2gtk::{
        CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt,
    };
    window.with_webview(|webview| {
        let webview = webview.inner();
        crate::trace::mark("webview created");
        if tuned("cache-model")
            && let Some(context) = webview.context()
        {
            // One page and its own files, no browsing: WebKit keeps no memory cache of
            // resources and no pages to go back to.
            context.set_cache_model(CacheModel::DocumentViewer);
        }
        let Some(settings) = webview.settings() else {
            return;
        };
        if tuned("gpu") {
            // The page is a few boxes and one picture: software drawing is plenty, starts sooner
            // and keeps the GL stack (and its memory) out of the web process.
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
        if tuned("page-cache") {
            // There is no navigation, so no page is ever kept for Back.
            settings.set_enable_page_cache(false);
        }
        if tuned("features") {
            // Nothing on the page plays sound or video, draws with WebGL or stores data.
            settings.set_enable_webaudio(false);
            settings.set_enable_webgl(false);
            settings.set_enable_media(false);
            settings.set_enable_mediasource(false);
            settings.set_enable_media_stream(false);
            settings.set_enable_html5_database(false);
            settings.set_enable_html5_local_storage(false);
            settings.set_enable_offline_web_application_cache(false);
            settings.set_enable_dns_prefetching(false);
        }
    })
}

#[cfg(not(target_os = "linux"))]
pub fn tune<R: Runtime>(_window: &WebviewWindow<R>) -> tauri::Result<()> {
    Ok(())
}
