//! Where the window opens: centred on the monitor under the pointer, so it appears where the
//! user is looking on a multi-monitor desk.

use tauri::{AppHandle, LogicalPosition, PhysicalPosition, PhysicalSize, Runtime};

/// The logical top-left position that centres a `width`×`height` (logical) window on the monitor
/// under the pointer, or `None` when the pointer or its monitor cannot be found (the caller then
/// centres on the primary monitor).
pub fn position_under_pointer<R: Runtime>(
    app: &AppHandle<R>,
    width: f64,
    height: f64,
) -> Option<LogicalPosition<f64>> {
    let pointer = app.cursor_position().ok()?;
    let monitor = app.monitor_from_point(pointer.x, pointer.y).ok()??;
    Some(centred_on(
        *monitor.position(),
        *monitor.size(),
        monitor.scale_factor(),
        width,
        height,
    ))
}

/// The logical top-left of a `width`×`height` window centred on a monitor given in physical
/// pixels. Never left of or above the monitor, even when the window is bigger than it.
pub fn centred_on(
    monitor_position: PhysicalPosition<i32>,
    monitor_size: PhysicalSize<u32>,
    scale_factor: f64,
    width: f64,
    height: f64,
) -> LogicalPosition<f64> {
    let scale_factor = if scale_factor > 0.0 {
        scale_factor
    } else {
        1.0
    };
    let spare_width = (f64::from(monitor_size.width) - width * scale_factor).max(0.0);
    let spare_height = (f64::from(monitor_size.height) - height * scale_factor).max(0.0);
    let x = f64::from(monitor_position.x) + spare_width / 2.0;
    let y = f64::from(monitor_position.y) + spare_height / 2.0;
    LogicalPosition::new((x / scale_factor).round(), (y / scale_factor).round())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centres_on_a_monitor_right_of_the_primary() {
        let position = centred_on(
            PhysicalPosition::new(1920, 0),
            PhysicalSize::new(1280, 1024),
            1.0,
            420.0,
            560.0,
        );
        assert_eq!(position, LogicalPosition::new(1920.0 + 430.0, 232.0));
    }

    #[test]
    fn centres_on_a_scaled_monitor_in_logical_pixels() {
        let position = centred_on(
            PhysicalPosition::new(0, 0),
            PhysicalSize::new(3840, 2160),
            2.0,
            420.0,
            560.0,
        );
        assert_eq!(position, LogicalPosition::new(750.0, 260.0));
    }

    #[test]
    fn a_monitor_smaller_than_the_window_gets_its_top_left_corner() {
        let position = centred_on(
            PhysicalPosition::new(100, 50),
            PhysicalSize::new(400, 500),
            1.0,
            420.0,
            560.0,
        );
        assert_eq!(position, LogicalPosition::new(100.0, 50.0));
    }
}
