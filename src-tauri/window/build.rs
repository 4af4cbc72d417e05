//! Build script: embeds the Tauri context and makes each of the window's commands a permission,
//! so `capabilities/stretch.json` can grant the stretch window exactly the commands it uses.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&[
        "plan",
        "switch_routine",
        "painted",
        "finish",
        "close",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("the window's Tauri configuration should be valid");
}
