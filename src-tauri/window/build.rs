//! Build script: embeds the Tauri context and makes each of the window's commands a permission,
//! so each window's capability file (`capabilities/`) grants it exactly the commands it uses.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&[
        "plan",
        "switch_routine",
        "painted",
        "finish",
        "close",
        "settings_form",
        "settings_check",
        "settings_save",
        "settings_open_file",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("the window's Tauri configuration should be valid");
}
