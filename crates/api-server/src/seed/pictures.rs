//! The demo pictures: simple 640×400 scenes, one palette per time of day, drawn once per
//! category and variant and uploaded as often as needed.

use std::collections::HashMap;

const WIDTH: i32 = 640;
const HEIGHT: i32 = 400;
const HORIZON: i32 = 240;
pub(super) const VARIANTS: usize = 3;

type Rgb = [u8; 3];

#[derive(Default)]
pub(super) struct Pictures {
    encoded: HashMap<(&'static str, usize), Vec<u8>>,
}

impl Pictures {
    pub(super) fn get(
        &mut self,
        category: &'static str,
        variant: usize,
    ) -> Result<Vec<u8>, String> {
        if let Some(bytes) = self.encoded.get(&(category, variant)) {
            return Ok(bytes.clone());
        }
        let bytes = render(category, variant).encode_png()?;
        self.encoded.insert((category, variant), bytes.clone());
        Ok(bytes)
    }
}

struct Canvas {
    pixels: Vec<u8>,
}

fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    let channel = |x: u8, y: u8| (f32::from(x) + (f32::from(y) - f32::from(x)) * t).round() as u8;
    [
        channel(a[0], b[0]),
        channel(a[1], b[1]),
        channel(a[2], b[2]),
    ]
}

impl Canvas {
    fn new() -> Self {
        Self {
            pixels: vec![0; (WIDTH * HEIGHT * 3) as usize],
        }
    }

    /// Fills the pixels `x0..x1` of row `y`, clipped to the canvas.
    fn span(&mut self, y: i32, x0: i32, x1: i32, colour: Rgb) {
        if !(0..HEIGHT).contains(&y) {
            return;
        }
        let (x0, x1) = (x0.clamp(0, WIDTH), x1.clamp(0, WIDTH));
        for x in x0..x1 {
            let at = ((y * WIDTH + x) * 3) as usize;
            self.pixels[at..at + 3].copy_from_slice(&colour);
        }
    }

    fn gradient(&mut self, y0: i32, y1: i32, top: Rgb, bottom: Rgb) {
        let rows = (y1 - y0 - 1).max(1) as f32;
        for y in y0..y1 {
            self.span(y, 0, WIDTH, mix(top, bottom, (y - y0) as f32 / rows));
        }
    }

    fn rect(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, colour: Rgb) {
        for y in y0..y1 {
            self.span(y, x0, x1, colour);
        }
    }

    /// An ellipse, or with `inner` > 0 a ring of that inner scale (0..1).
    fn ellipse(&mut self, cx: f32, cy: f32, rx: f32, ry: f32, inner: f32, colour: Rgb) {
        for y in (cy - ry).floor() as i32..=(cy + ry).ceil() as i32 {
            let dy = (y as f32 + 0.5 - cy) / ry;
            if dy.abs() >= 1.0 {
                continue;
            }
            let outer = rx * (1.0 - dy * dy).sqrt();
            let hole = if dy.abs() < inner {
                rx * inner * (1.0 - (dy / inner).powi(2)).sqrt()
            } else {
                0.0
            };
            if hole > 0.0 {
                self.span(
                    y,
                    (cx - outer).round() as i32,
                    (cx - hole).round() as i32,
                    colour,
                );
                self.span(
                    y,
                    (cx + hole).round() as i32,
                    (cx + outer).round() as i32,
                    colour,
                );
            } else {
                self.span(
                    y,
                    (cx - outer).round() as i32,
                    (cx + outer).round() as i32,
                    colour,
                );
            }
        }
    }

    fn circle(&mut self, cx: f32, cy: f32, r: f32, colour: Rgb) {
        self.ellipse(cx, cy, r, r, 0.0, colour);
    }

    /// A filled polygon (even-odd rule), sampled at pixel centres.
    fn polygon(&mut self, points: &[(f32, f32)], colour: Rgb) {
        let top = points.iter().map(|p| p.1).fold(f32::MAX, f32::min);
        let bottom = points.iter().map(|p| p.1).fold(f32::MIN, f32::max);
        let mut crossings = Vec::with_capacity(points.len());
        for y in top.floor() as i32..=bottom.ceil() as i32 {
            let sy = y as f32 + 0.5;
            crossings.clear();
            for (i, &(x0, y0)) in points.iter().enumerate() {
                let (x1, y1) = points[(i + 1) % points.len()];
                if (y0 <= sy) != (y1 <= sy) {
                    crossings.push(x0 + (sy - y0) / (y1 - y0) * (x1 - x0));
                }
            }
            crossings.sort_by(f32::total_cmp);
            for pair in crossings.chunks_exact(2) {
                self.span(y, pair[0].round() as i32, pair[1].round() as i32, colour);
            }
        }
    }

    /// A straight stroke of `width` pixels.
    fn line(&mut self, a: (f32, f32), b: (f32, f32), width: f32, colour: Rgb) {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let length = (dx * dx + dy * dy).sqrt().max(0.001);
        let (nx, ny) = (-dy / length * width / 2.0, dx / length * width / 2.0);
        self.polygon(
            &[
                (a.0 + nx, a.1 + ny),
                (b.0 + nx, b.1 + ny),
                (b.0 - nx, b.1 - ny),
                (a.0 - nx, a.1 - ny),
            ],
            colour,
        );
    }

    fn encode_png(&self) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, WIDTH as u32, HEIGHT as u32);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        // Flat areas and horizontal runs: the Sub filter does nearly as well as the adaptive
        // one, several times faster (which matters in a debug build).
        encoder.set_compression(png::Compression::Fast);
        encoder.set_filter(png::Filter::Sub);
        let mut writer = encoder
            .write_header()
            .map_err(|error| format!("cannot encode a picture: {error}"))?;
        writer
            .write_image_data(&self.pixels)
            .map_err(|error| format!("cannot encode a picture: {error}"))?;
        writer
            .finish()
            .map_err(|error| format!("cannot encode a picture: {error}"))?;
        Ok(out)
    }
}

/// Sky top, sky at the horizon, sun, and the sun's place: day, golden hour, dusk.
const SKIES: [(Rgb, Rgb, Rgb, (f32, f32)); VARIANTS] = [
    (
        [66, 133, 204],
        [182, 216, 242],
        [255, 244, 190],
        (530.0, 70.0),
    ),
    (
        [244, 162, 97],
        [255, 226, 170],
        [255, 210, 110],
        (130.0, 150.0),
    ),
    (
        [38, 48, 105],
        [232, 124, 112],
        [255, 160, 120],
        (470.0, 215.0),
    ),
];
const SEA: [(Rgb, Rgb); VARIANTS] = [
    ([24, 120, 170], [6, 56, 96]),
    ([60, 130, 160], [18, 70, 100]),
    ([70, 70, 120], [14, 24, 60]),
];
const ACCENT: [Rgb; VARIANTS] = [[206, 40, 46], [28, 92, 176], [240, 190, 40]];
const DARK: Rgb = [34, 34, 38];
const WHITE: Rgb = [246, 246, 240];

fn render(category: &str, variant: usize) -> Canvas {
    let variant = variant % VARIANTS;
    let (top, horizon, sun, (sun_x, sun_y)) = SKIES[variant];
    let mut canvas = Canvas::new();
    canvas.gradient(0, HORIZON, top, horizon);
    canvas.circle(sun_x, sun_y, 34.0, sun);
    // Where the subject stands: left, centre or right.
    let shift = (variant as f32 - 1.0) * -110.0;
    match category {
        "boat" => {
            sea(&mut canvas, variant);
            sailing_boat(&mut canvas, 320.0 + shift, 320.0, 1.0, variant);
        }
        "car" => {
            road_scene(&mut canvas, variant, [120, 160, 90]);
            palm(&mut canvas, 90.0 - shift * 0.5, 300.0);
            palm(&mut canvas, 560.0 - shift * 0.5, 296.0);
            car(&mut canvas, 200.0 + shift, 330.0, ACCENT[variant]);
        }
        "motorcycle" => {
            road_scene(&mut canvas, variant, [200, 170, 120]);
            motorcycle(&mut canvas, 230.0 + shift, 322.0, ACCENT[variant]);
        }
        "bike" => {
            mountains(&mut canvas, variant, 0.6);
            canvas.gradient(HORIZON, HEIGHT, [112, 170, 80], [62, 120, 50]);
            canvas.polygon(
                &[
                    (290.0, 240.0),
                    (350.0, 240.0),
                    (560.0, 400.0),
                    (80.0, 400.0),
                ],
                [214, 190, 146],
            );
            bicycle(&mut canvas, 240.0 + shift, 340.0, ACCENT[variant]);
        }
        "wine-tour" => vineyard(&mut canvas, variant, shift),
        "hiking" => {
            mountains(&mut canvas, variant, 1.0);
            canvas.gradient(HORIZON + 30, HEIGHT, [76, 128, 64], [40, 84, 40]);
            let trail = [214, 190, 146];
            canvas.line((330.0, 400.0), (250.0, 340.0), 14.0, trail);
            canvas.line((250.0, 340.0), (390.0, 300.0), 10.0, trail);
            canvas.line((390.0, 300.0), (330.0, 272.0), 6.0, trail);
            for (i, x) in [40.0, 110.0, 470.0, 540.0, 600.0].iter().enumerate() {
                let size = 0.8 + (i % 3) as f32 * 0.2;
                pine(&mut canvas, x + shift * 0.3, 360.0 - i as f32 * 6.0, size);
            }
        }
        _ => {
            // An excursion on the coast: a flat-topped mountain with its tablecloth cloud.
            let rock = mix([92, 104, 120], top, 0.2);
            canvas.polygon(
                &[
                    (40.0, 241.0),
                    (150.0, 150.0),
                    (420.0, 144.0),
                    (510.0, 241.0),
                ],
                rock,
            );
            canvas.polygon(&[(470.0, 241.0), (545.0, 168.0), (610.0, 241.0)], rock);
            canvas.ellipse(285.0, 146.0, 150.0, 9.0, 0.0, WHITE);
            sea(&mut canvas, variant);
            sailing_boat(
                &mut canvas,
                330.0 + shift,
                330.0,
                0.6,
                (variant + 1) % VARIANTS,
            );
        }
    }
    canvas
}

fn sea(canvas: &mut Canvas, variant: usize) {
    let (near, far) = SEA[variant];
    canvas.gradient(HORIZON, HEIGHT, near, far);
    let crest = mix(near, WHITE, 0.45);
    for row in 0..6 {
        let y = (HORIZON + 18 + row * 26) as f32;
        for k in 0..6 {
            let x = ((k * 137 + row * 61) % WIDTH) as f32;
            canvas.line((x, y), (x + 26.0 + row as f32 * 6.0, y), 2.0, crest);
        }
    }
}

fn sailing_boat(canvas: &mut Canvas, x: f32, y: f32, scale: f32, variant: usize) {
    let p = |dx: f32, dy: f32| (x + dx * scale, y + dy * scale);
    canvas.polygon(
        &[
            p(-120.0, -22.0),
            p(120.0, -22.0),
            p(92.0, 18.0),
            p(-96.0, 18.0),
        ],
        ACCENT[variant],
    );
    canvas.polygon(
        &[
            p(-116.0, -22.0),
            p(116.0, -22.0),
            p(112.0, -14.0),
            p(-112.0, -14.0),
        ],
        WHITE,
    );
    canvas.line(p(0.0, -24.0), p(0.0, -190.0), 5.0 * scale, DARK);
    canvas.polygon(&[p(6.0, -184.0), p(6.0, -30.0), p(104.0, -30.0)], WHITE);
    canvas.polygon(
        &[p(-6.0, -170.0), p(-6.0, -30.0), p(-84.0, -30.0)],
        mix(WHITE, ACCENT[variant], 0.25),
    );
}

fn road_scene(canvas: &mut Canvas, variant: usize, ground: Rgb) {
    canvas.gradient(HORIZON, 300, mix(ground, SKIES[variant].1, 0.3), ground);
    canvas.rect(0, 300, WIDTH, 380, [64, 64, 70]);
    canvas.rect(0, 380, WIDTH, HEIGHT, mix(ground, DARK, 0.3));
    for k in 0..8 {
        canvas.rect(k * 90 + 10, 338, k * 90 + 60, 344, [236, 214, 90]);
    }
}

fn palm(canvas: &mut Canvas, x: f32, y: f32) {
    let trunk = [120, 90, 60];
    let top = (x + 18.0, y - 150.0);
    canvas.line((x, y), (x + 10.0, y - 80.0), 9.0, trunk);
    canvas.line((x + 10.0, y - 80.0), top, 7.0, trunk);
    for (dx, dy) in [
        (-60.0, 10.0),
        (-45.0, -25.0),
        (0.0, -40.0),
        (45.0, -25.0),
        (62.0, 12.0),
    ] {
        canvas.line(top, (top.0 + dx, top.1 + dy + 20.0), 8.0, [40, 120, 60]);
    }
}

fn car(canvas: &mut Canvas, x: f32, y: f32, body: Rgb) {
    let glass = [170, 210, 235];
    canvas.polygon(
        &[
            (x, y),
            (x, y - 32.0),
            (x + 22.0, y - 42.0),
            (x + 220.0, y - 42.0),
            (x + 242.0, y - 26.0),
            (x + 242.0, y),
        ],
        body,
    );
    canvas.polygon(
        &[
            (x + 52.0, y - 41.0),
            (x + 84.0, y - 82.0),
            (x + 172.0, y - 82.0),
            (x + 204.0, y - 41.0),
        ],
        body,
    );
    canvas.polygon(
        &[
            (x + 64.0, y - 44.0),
            (x + 89.0, y - 76.0),
            (x + 124.0, y - 76.0),
            (x + 124.0, y - 44.0),
        ],
        glass,
    );
    canvas.polygon(
        &[
            (x + 132.0, y - 44.0),
            (x + 132.0, y - 76.0),
            (x + 167.0, y - 76.0),
            (x + 192.0, y - 44.0),
        ],
        glass,
    );
    canvas.ellipse(x + 234.0, y - 24.0, 7.0, 5.0, 0.0, [255, 236, 150]);
    for wheel in [x + 56.0, x + 190.0] {
        canvas.circle(wheel, y, 25.0, DARK);
        canvas.circle(wheel, y, 11.0, [170, 170, 176]);
    }
}

fn motorcycle(canvas: &mut Canvas, x: f32, y: f32, tank: Rgb) {
    let chrome = [190, 190, 198];
    let (rear, front) = ((x, y), (x + 180.0, y));
    for axle in [rear, front] {
        canvas.ellipse(axle.0, axle.1, 38.0, 38.0, 0.7, DARK);
        canvas.circle(axle.0, axle.1, 8.0, chrome);
    }
    let seat = (x + 60.0, y - 62.0);
    let head = (x + 140.0, y - 78.0);
    canvas.line(rear, seat, 8.0, DARK);
    canvas.line(rear, (x + 80.0, y - 10.0), 7.0, chrome);
    canvas.rect(
        (x + 70.0) as i32,
        (y - 48.0) as i32,
        (x + 120.0) as i32,
        (y - 8.0) as i32,
        [80, 80, 88],
    );
    canvas.line(head, front, 7.0, chrome);
    canvas.line((x + 90.0, y - 6.0), (x - 20.0, y - 14.0), 6.0, chrome);
    canvas.ellipse(x + 108.0, y - 66.0, 36.0, 16.0, 0.0, tank);
    canvas.polygon(
        &[
            (seat.0 - 30.0, seat.1 - 2.0),
            (seat.0 + 22.0, seat.1 - 10.0),
            (seat.0 + 26.0, seat.1 + 4.0),
            (seat.0 - 30.0, seat.1 + 8.0),
        ],
        DARK,
    );
    canvas.line(head, (head.0 - 14.0, head.1 - 30.0), 5.0, DARK);
    canvas.ellipse(head.0 + 8.0, head.1 + 6.0, 8.0, 8.0, 0.0, [255, 236, 150]);
}

fn bicycle(canvas: &mut Canvas, x: f32, y: f32, frame: Rgb) {
    let (rear, front) = ((x, y), (x + 160.0, y));
    for axle in [rear, front] {
        canvas.ellipse(axle.0, axle.1, 50.0, 50.0, 0.88, DARK);
        canvas.circle(axle.0, axle.1, 5.0, DARK);
    }
    let bracket = (x + 72.0, y);
    let seat = (x + 56.0, y - 78.0);
    let head = (x + 140.0, y - 72.0);
    for (a, b) in [
        (rear, bracket),
        (rear, seat),
        (seat, bracket),
        (seat, head),
        (head, bracket),
    ] {
        canvas.line(a, b, 6.0, frame);
    }
    canvas.line(head, front, 5.0, DARK);
    canvas.line(
        (seat.0 - 18.0, seat.1 - 8.0),
        (seat.0 + 12.0, seat.1 - 8.0),
        7.0,
        DARK,
    );
    canvas.line(seat, (seat.0 - 3.0, seat.1 - 8.0), 4.0, DARK);
    canvas.line(head, (head.0 - 6.0, head.1 - 22.0), 4.0, DARK);
    canvas.line(
        (head.0 - 18.0, head.1 - 22.0),
        (head.0 + 8.0, head.1 - 22.0),
        5.0,
        DARK,
    );
}

fn mountains(canvas: &mut Canvas, variant: usize, height: f32) {
    let (top, horizon, ..) = SKIES[variant];
    let base = (HORIZON + 30) as f32;
    let peaks = [
        (120.0, 250.0, 160.0),
        (330.0, 300.0, 200.0),
        (540.0, 230.0, 150.0),
    ];
    for (i, &(x, half, rise)) in peaks.iter().enumerate() {
        let rock = mix(mix([88, 96, 118], top, 0.25), horizon, i as f32 * 0.12);
        let peak = (x, base - rise * height - 40.0);
        canvas.polygon(&[(x - half, base), peak, (x + half, base)], rock);
        // The snow cap: the top quarter of the peak.
        let cap = 0.25;
        canvas.polygon(
            &[
                (peak.0 - half * cap, peak.1 + (base - peak.1) * cap),
                peak,
                (peak.0 + half * cap, peak.1 + (base - peak.1) * cap),
            ],
            WHITE,
        );
    }
}

fn pine(canvas: &mut Canvas, x: f32, y: f32, size: f32) {
    canvas.rect(
        (x - 4.0) as i32,
        (y - 10.0) as i32,
        (x + 4.0) as i32,
        (y + 14.0) as i32,
        [90, 60, 40],
    );
    for level in 0..3 {
        let level = level as f32;
        let base = y - level * 28.0 * size;
        let half = (34.0 - level * 8.0) * size;
        canvas.polygon(
            &[(x - half, base), (x, base - 48.0 * size), (x + half, base)],
            [28, 92 + (level as u8) * 10, 52],
        );
    }
}

fn vineyard(canvas: &mut Canvas, variant: usize, shift: f32) {
    let (top, ..) = SKIES[variant];
    canvas.polygon(
        &[
            (0.0, 241.0),
            (160.0, 150.0),
            (260.0, 180.0),
            (420.0, 120.0),
            (640.0, 241.0),
        ],
        mix([104, 92, 120], top, 0.3),
    );
    canvas.ellipse(150.0, 262.0, 260.0, 60.0, 0.0, [118, 150, 70]);
    canvas.ellipse(500.0, 266.0, 280.0, 56.0, 0.0, [98, 138, 60]);
    canvas.gradient(262, HEIGHT, [150, 168, 80], [110, 132, 52]);
    for k in -7..=7 {
        let k = k as f32;
        canvas.line(
            (320.0 + k * 12.0, 264.0),
            (320.0 + k * 120.0, 400.0),
            7.0,
            [52, 96, 40],
        );
    }
    // A Cape Dutch farmhouse with a white gable and a thatched roof.
    let x = 380.0 + shift;
    canvas.rect(x as i32, 214, (x + 130.0) as i32, 252, WHITE);
    canvas.polygon(
        &[(x - 6.0, 216.0), (x + 65.0, 184.0), (x + 136.0, 216.0)],
        [96, 74, 50],
    );
    canvas.polygon(
        &[
            (x + 48.0, 216.0),
            (x + 48.0, 196.0),
            (x + 65.0, 178.0),
            (x + 82.0, 196.0),
            (x + 82.0, 216.0),
        ],
        WHITE,
    );
    canvas.rect((x + 58.0) as i32, 226, (x + 72.0) as i32, 252, [60, 90, 70]);
    for window in [x + 18.0, x + 100.0] {
        canvas.rect(
            window as i32,
            224,
            (window + 14.0) as i32,
            238,
            [60, 90, 70],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_picture_is_a_valid_png() {
        for category in [
            "boat",
            "car",
            "bike",
            "motorcycle",
            "wine-tour",
            "hiking",
            "excursion",
        ] {
            for variant in 0..VARIANTS {
                let bytes = render(category, variant).encode_png().unwrap_or_default();
                let image = domain_catalog::images::inspect_image(&bytes);
                assert!(
                    matches!(&image, Ok(i) if (i.width, i.height) == (640, 400)),
                    "{category} {variant}: {image:?}"
                );
            }
        }
    }
}
