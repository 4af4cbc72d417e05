//! The tray icon, drawn in code as ARGB32 pixmaps: a figure stretching its back on a coloured
//! disc, teal while working, orange when a break is due, grey with pause bars while paused.
//!
//! Drawing it here needs no icon theme, no image files and no image crate; each look is drawn
//! once, in a few sizes, and kept.

use std::sync::OnceLock;

use ksni::Icon;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IconLook {
    Working,
    BreakDue,
    Paused,
}

/// The icon in every size a tray might ask for.
pub fn icon_pixmaps(look: IconLook) -> Vec<Icon> {
    static DRAWN: OnceLock<[Vec<Icon>; 3]> = OnceLock::new();
    let drawn = DRAWN.get_or_init(|| {
        [
            draw_sizes(IconLook::Working),
            draw_sizes(IconLook::BreakDue),
            draw_sizes(IconLook::Paused),
        ]
    });
    let index = match look {
        IconLook::Working => 0,
        IconLook::BreakDue => 1,
        IconLook::Paused => 2,
    };
    drawn[index].clone()
}

const SIZES: [i32; 5] = [16, 22, 24, 32, 48];
/// Samples per pixel side: 4×4 samples give smooth edges at 16 px.
const SUPERSAMPLING: i32 = 4;

fn draw_sizes(look: IconLook) -> Vec<Icon> {
    SIZES.iter().map(|size| draw(look, *size)).collect()
}

fn background(look: IconLook) -> [f32; 3] {
    match look {
        IconLook::Working => [0x2a as f32, 0x9d as f32, 0x8f as f32],
        IconLook::BreakDue => [0xe7 as f32, 0x6f as f32, 0x51 as f32],
        IconLook::Paused => [0x8d as f32, 0x99 as f32, 0xae as f32],
    }
}

fn draw(look: IconLook, size: i32) -> Icon {
    let mut data = Vec::with_capacity((size * size * 4) as usize);
    let background = background(look);
    let samples = (SUPERSAMPLING * SUPERSAMPLING) as f32;
    for y in 0..size {
        for x in 0..size {
            let mut alpha = 0.0;
            let mut color = [0.0f32; 3];
            for sy in 0..SUPERSAMPLING {
                for sx in 0..SUPERSAMPLING {
                    let u = (x as f32 + (sx as f32 + 0.5) / SUPERSAMPLING as f32) / size as f32;
                    let v = (y as f32 + (sy as f32 + 0.5) / SUPERSAMPLING as f32) / size as f32;
                    let sample = if in_foreground(look, u, v) {
                        Some([255.0, 255.0, 255.0])
                    } else if in_disc(u, v) {
                        Some(background)
                    } else {
                        None
                    };
                    if let Some(sample) = sample {
                        alpha += 1.0;
                        for channel in 0..3 {
                            color[channel] += sample[channel];
                        }
                    }
                }
            }
            let coverage = alpha / samples;
            data.push((coverage * 255.0).round() as u8);
            for channel in color {
                data.push(if alpha > 0.0 {
                    (channel / alpha).round() as u8
                } else {
                    0
                });
            }
        }
    }
    Icon {
        width: size,
        height: size,
        data,
    }
}

fn in_disc(u: f32, v: f32) -> bool {
    distance(u, v, 0.5, 0.5) <= 0.47
}

fn in_foreground(look: IconLook, u: f32, v: f32) -> bool {
    if !in_disc(u, v) {
        return false;
    }
    match look {
        IconLook::Paused => {
            let in_bar = |left: f32| (left..=left + 0.1).contains(&u) && (0.3..=0.7).contains(&v);
            in_bar(0.35) || in_bar(0.55)
        }
        IconLook::Working | IconLook::BreakDue => in_figure(u, v),
    }
}

/// A person standing tall with both arms reaching up: the stretch a break asks for.
fn in_figure(u: f32, v: f32) -> bool {
    const STROKE: f32 = 0.05;
    let head = distance(u, v, 0.5, 0.25) <= 0.085;
    let body = near_segment(u, v, (0.5, 0.42), (0.5, 0.63)) <= STROKE;
    let arms = near_segment(u, v, (0.5, 0.45), (0.25, 0.27)) <= STROKE
        || near_segment(u, v, (0.5, 0.45), (0.75, 0.27)) <= STROKE;
    let legs = near_segment(u, v, (0.5, 0.62), (0.39, 0.83)) <= STROKE
        || near_segment(u, v, (0.5, 0.62), (0.61, 0.83)) <= STROKE;
    head || body || arms || legs
}

fn distance(u: f32, v: f32, x: f32, y: f32) -> f32 {
    ((u - x).powi(2) + (v - y).powi(2)).sqrt()
}

fn near_segment(u: f32, v: f32, start: (f32, f32), end: (f32, f32)) -> f32 {
    let (dx, dy) = (end.0 - start.0, end.1 - start.1);
    let length_squared = dx * dx + dy * dy;
    let t = (((u - start.0) * dx + (v - start.1) * dy) / length_squared).clamp(0.0, 1.0);
    distance(u, v, start.0 + t * dx, start.1 + t * dy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_look_is_drawn_in_every_size_and_the_looks_differ() {
        let looks = [IconLook::Working, IconLook::BreakDue, IconLook::Paused];
        let drawn: Vec<Vec<Icon>> = looks.iter().map(|look| icon_pixmaps(*look)).collect();
        for icons in &drawn {
            assert_eq!(
                icons.iter().map(|icon| icon.width).collect::<Vec<_>>(),
                SIZES.to_vec()
            );
            for icon in icons {
                assert_eq!(icon.data.len(), (icon.width * icon.height * 4) as usize);
                // The corners are transparent and the centre is opaque.
                assert_eq!(icon.data[0], 0);
                let centre = ((icon.height / 2 * icon.width + icon.width / 2) * 4) as usize;
                assert_eq!(icon.data[centre], 255);
            }
        }
        assert_ne!(drawn[0][4].data, drawn[1][4].data);
        assert_ne!(drawn[0][4].data, drawn[2][4].data);
        if let Some(dir) = std::env::var_os("UNHUNCH_DUMP_ICONS") {
            for (look, icons) in ["working", "due", "paused"].iter().zip(&drawn) {
                for icon in icons {
                    let rgba: Vec<u8> = icon
                        .data
                        .chunks(4)
                        .flat_map(|p| [p[1], p[2], p[3], p[0]])
                        .collect();
                    std::fs::write(
                        std::path::Path::new(&dir).join(format!("{look}-{}.rgba", icon.width)),
                        rgba,
                    )
                    .unwrap();
                }
            }
        }
    }
}
