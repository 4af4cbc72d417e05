//! Build script: embeds the Tauri context and makes each of the window's commands a permission,
//! so each window's capability file (`capabilities/stretch.json`, `capabilities/history.json`)
//! can grant that window exactly the commands it uses.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&[
        "plan",
        "switch_routine",
        "laid_out",
        "painted",
        "finish",
        "close",
        "history_stats",
        "export_history_csv",
        "clear_history",
        "history_drawn",
        "settings_form",
        "settings_check",
        "settings_save",
        "settings_open_file",
        "settings_stretches",
        "settings_open_routines",
        "settings_set_autostart",
        "settings_try_now",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("the window's Tauri configuration should be valid");
}
