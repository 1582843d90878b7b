//! A timeline picture of a conversation as SVG: a lane per party, turns as bars, overlaps,
//! interruptions and long silences marked, and a time axis.

use std::fmt::Write as _;

use super::{Bar, Timeline};

/// Options of [`Timeline::to_svg`].
#[derive(Clone, Debug)]
pub struct SvgOptions {
    width: u32,
    title: Option<String>,
}

impl Default for SvgOptions {
    fn default() -> Self {
        SvgOptions::new()
    }
}

impl SvgOptions {
    /// The defaults.
    pub fn new() -> Self {
        SvgOptions {
            width: 1200,
            title: None,
        }
    }

    /// The picture's width in pixels (at least 300).
    ///
    /// By default, 1200.
    pub fn width(&mut self, px: u32) -> &mut Self {
        self.width = px.clamp(300, 100_000);
        self
    }

    /// A title over the picture (the file name, say).
    ///
    /// By default, none.
    pub fn title(&mut self, title: impl Into<String>) -> &mut Self {
        self.title = Some(title.into());
        self
    }
}

/// Party colours, repeated past eight parties.
const COLORS: &[&str] = &[
    "#2563eb", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#be185d", "#4d7c0f", "#a16207",
];
const LEFT: f64 = 96.0;
const RIGHT: f64 = 36.0;
const LANE: f64 = 40.0;
const LANE_GAP: f64 = 14.0;
const AXIS: f64 = 40.0;

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// `m:ss` or `h:mm:ss`.
fn clock(ms: u64) -> String {
    let s = ms / 1000;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// A short duration: `850 ms`, `4.2 s`, `3 min 5 s`.
fn duration(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

/// A tick step giving at most about `max` ticks over `span` ms.
fn tick_step(span: u64, max: u64) -> u64 {
    const STEPS: &[u64] = &[
        100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000,
        600_000, 900_000, 1_800_000, 3_600_000,
    ];
    STEPS
        .iter()
        .copied()
        .find(|s| span / s <= max)
        .unwrap_or_else(|| {
            3_600_000u64.saturating_mul(span / 3_600_000u64.saturating_mul(max.max(1)) + 1)
        })
}

struct Scale {
    begin: u64,
    span: f64,
    width: f64,
}

impl Scale {
    fn x(&self, t: u64) -> f64 {
        LEFT + (t.saturating_sub(self.begin) as f64 / self.span).min(1.0) * self.width
    }
}

/// Bars of one lane as pixel ranges, with bars closer than half a pixel merged (an hour-long
/// call has thousands of spurts; the picture cannot show gaps smaller than a pixel anyway).
fn lane_ranges<'a>(bars: impl Iterator<Item = &'a Bar>, scale: &Scale) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for b in bars {
        let (x0, x1) = (scale.x(b.begin_ms), scale.x(b.end_ms));
        match out.last_mut() {
            Some(last) if x0 <= last.1 + 0.5 => last.1 = last.1.max(x1),
            _ => out.push((x0, x1)),
        }
    }
    out
}

impl Timeline {
    /// The timeline as a standalone SVG document.
    ///
    /// ```
    /// use asrpost::{Transcription, analytics::{AnalyticsOptions, SvgOptions}};
    ///
    /// let doc = Transcription::from_str(r#"{"transcripts":[
    ///   {"channel_id":0,"sentences":[{"begin_time":0,"end_time":4000,"text":"How can I help?"}]},
    ///   {"channel_id":1,"sentences":[{"begin_time":8000,"end_time":9000,"text":"My card is blocked."}]}]}"#)?;
    /// let analysis = AnalyticsOptions::new().analyze(&doc, None);
    /// let svg = analysis.timeline.to_svg(SvgOptions::new().title("call.json"));
    /// assert!(svg.starts_with("<svg "));
    /// assert!(svg.contains(">ch1</text>"));
    /// assert!(svg.contains("silence 4.0 s"));
    /// # Ok::<(), asrpost::Error>(())
    /// ```
    pub fn to_svg(&self, options: &SvgOptions) -> String {
        let width = f64::from(options.width);
        let lanes = self.parties.len().max(1) as f64;
        let top = if options.title.is_some() { 64.0 } else { 40.0 };
        let lanes_h = lanes * LANE + (lanes - 1.0) * LANE_GAP;
        let height = top + lanes_h + AXIS + 8.0;
        let scale = Scale {
            begin: self.begin_ms,
            span: self.end_ms.saturating_sub(self.begin_ms).max(1) as f64,
            width: width - LEFT - RIGHT,
        };
        let lane_y = |p: usize| top + p as f64 * (LANE + LANE_GAP);
        let color = |p: usize| COLORS[p % COLORS.len()];
        let mut s = String::with_capacity(16 * 1024);
        let _ = write!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="Helvetica, Arial, sans-serif" font-size="12">"#,
            w = width,
            h = height.ceil()
        );
        s.push('\n');
        let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
        let mut y = 0.0;
        if let Some(title) = &options.title {
            let _ = writeln!(
                s,
                r#"<text x="{LEFT}" y="22" font-size="15" font-weight="bold">{}</text>"#,
                escape(title)
            );
            y = 24.0;
        }
        // Legend.
        let legend: [(&str, String); 6] = [
            ("talk", format!(r##"<rect width="14" height="10" fill="{}"/>"##, color(0))),
            (
                "turn",
                format!(
                    r##"<rect width="14" height="10" fill="{}" fill-opacity="0.18" stroke="{}" stroke-opacity="0.5"/>"##,
                    color(0),
                    color(0)
                ),
            ),
            (
                "backchannel",
                format!(r##"<rect x="4" y="2" width="6" height="8" fill="{}" fill-opacity="0.75"/>"##, color(0)),
            ),
            (
                "overlap",
                r##"<rect width="14" height="10" fill="#f59e0b" fill-opacity="0.55" stroke="#d97706"/>"##.to_string(),
            ),
            (
                "interruption (arrow to the interrupted)",
                r##"<rect y="7" width="14" height="3" fill="#dc2626"/><path d="M7 0 L3 5 L11 5 Z" fill="#dc2626"/>"##.to_string(),
            ),
            (
                "silence",
                r##"<rect width="14" height="10" fill="#e5e7eb" stroke="#6b7280" stroke-dasharray="2 2"/>"##.to_string(),
            ),
        ];
        let mut lx = LEFT;
        for (name, swatch) in &legend {
            let _ = writeln!(
                s,
                r##"<g transform="translate({lx},{})">{swatch}<text x="19" y="10" fill="#374151">{name}</text></g>"##,
                y + 16.0
            );
            lx += 19.0 + 6.4 * name.chars().count() as f64 + 22.0;
        }

        // Lane backgrounds and labels.
        for (p, name) in self.parties.iter().enumerate() {
            let ly = lane_y(p);
            let _ = writeln!(
                s,
                r##"<rect x="{LEFT}" y="{ly}" width="{}" height="{LANE}" fill="#f3f4f6"/>"##,
                scale.width
            );
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{}" text-anchor="end" font-weight="bold" fill="{}">{}</text>"#,
                LEFT - 8.0,
                ly + LANE / 2.0 + 4.0,
                color(p),
                escape(name)
            );
        }

        // Overlaps first, as an amber background behind the bars (outlined on top below).
        let overlap_bars: Vec<Bar> = self
            .overlaps
            .iter()
            .map(|o| Bar {
                party: 0,
                begin_ms: o.begin_ms,
                end_ms: o.end_ms,
            })
            .collect();
        let overlap_px = lane_ranges(overlap_bars.iter(), &scale);
        for &(x0, x1) in &overlap_px {
            let _ = writeln!(
                s,
                r##"<rect x="{x0:.1}" y="{}" width="{:.1}" height="{}" fill="#f59e0b" fill-opacity="0.55"/>"##,
                top - 3.0,
                (x1 - x0).max(1.0),
                lanes_h + 6.0
            );
        }

        // Turns (light), talk spurts (solid), backchannels (short ticks at the lane's foot).
        for p in 0..self.parties.len() {
            let ly = lane_y(p);
            for (x0, x1) in lane_ranges(self.turns.iter().filter(|b| b.party == p), &scale) {
                let _ = writeln!(
                    s,
                    r#"<rect x="{x0:.1}" y="{ly}" width="{:.1}" height="{LANE}" fill="{c}" fill-opacity="0.18" stroke="{c}" stroke-opacity="0.5" stroke-width="0.8"/>"#,
                    (x1 - x0).max(0.5),
                    c = color(p)
                );
            }
            for (x0, x1) in lane_ranges(self.spurts.iter().filter(|b| b.party == p), &scale) {
                let _ = writeln!(
                    s,
                    r#"<rect x="{x0:.1}" y="{}" width="{:.1}" height="{}" fill="{}"/>"#,
                    ly + 8.0,
                    (x1 - x0).max(0.8),
                    LANE - 16.0,
                    color(p)
                );
            }
            for (x0, x1) in lane_ranges(self.backchannels.iter().filter(|b| b.party == p), &scale) {
                let _ = writeln!(
                    s,
                    r#"<rect x="{x0:.1}" y="{}" width="{:.1}" height="12" fill="{}" fill-opacity="0.75" stroke="{}" stroke-width="0.8"/>"#,
                    ly + LANE - 14.0,
                    (x1 - x0).max(2.0),
                    color(p),
                    color(p)
                );
            }
        }

        // Silences over the bars (a turn can hold the floor across a silence), labelled with
        // their length where it fits.
        for si in &self.silences {
            let (x0, x1) = (scale.x(si.begin_ms), scale.x(si.end_ms));
            let _ = writeln!(
                s,
                r##"<rect x="{x0:.1}" y="{}" width="{:.1}" height="{}" fill="#e5e7eb" fill-opacity="0.8" stroke="#6b7280" stroke-dasharray="3 3"><title>silence {}</title></rect>"##,
                top - 4.0,
                (x1 - x0).max(0.5),
                lanes_h + 8.0,
                duration(si.duration_ms)
            );
            let long = format!("silence {}", duration(si.duration_ms));
            let short = duration(si.duration_ms);
            let label = [long, short]
                .into_iter()
                .find(|l| x1 - x0 >= 6.5 * l.chars().count() as f64 + 6.0);
            if let Some(label) = label {
                let _ = writeln!(
                    s,
                    r##"<text x="{:.1}" y="{}" text-anchor="middle" font-size="11" fill="#374151">{label}</text>"##,
                    (x0 + x1) / 2.0,
                    top + lanes_h / 2.0 + 4.0,
                );
            }
        }

        // Overlap outlines on top, so they show over the bars.
        for &(x0, x1) in &overlap_px {
            let _ = writeln!(
                s,
                r##"<rect x="{x0:.1}" y="{}" width="{:.1}" height="{}" fill="none" stroke="#d97706" stroke-width="1.2"/>"##,
                top - 3.0,
                (x1 - x0).max(1.0),
                lanes_h + 6.0
            );
        }

        // Interruptions: the overlap underlined in red on the interrupter's lane and an arrow
        // from the interrupter into the interrupted party's lane.
        for i in &self.interruptions {
            let x = scale.x(i.begin_ms);
            let (yi, yo) = (lane_y(i.interrupter), lane_y(i.interrupted));
            let (from, tip, head) = if yo < yi {
                (yi + 4.0, yo + LANE - 2.0, 7.0)
            } else {
                (yi + LANE - 4.0, yo + 2.0, -7.0)
            };
            let _ = writeln!(
                s,
                r##"<g><title>{} interrupts {} at {} for {}</title><rect x="{x:.1}" y="{}" width="{:.1}" height="4" fill="#dc2626"/><line x1="{x:.1}" y1="{from}" x2="{x:.1}" y2="{}" stroke="#dc2626" stroke-width="2"/><path d="M{x:.1} {tip} L{:.1} {} L{:.1} {} Z" fill="#dc2626"/></g>"##,
                escape(self.parties.get(i.interrupter).map_or("?", |p| p.as_str())),
                escape(self.parties.get(i.interrupted).map_or("?", |p| p.as_str())),
                clock(i.begin_ms),
                duration(i.end_ms.saturating_sub(i.begin_ms)),
                if yo < yi { yi } else { yi + LANE - 4.0 },
                (scale.x(i.end_ms) - x).max(2.0),
                tip + head,
                x - 5.0,
                tip + head,
                x + 5.0,
                tip + head,
            );
        }
        // Time axis.
        let ay = top + lanes_h + 10.0;
        let _ = writeln!(
            s,
            r##"<line x1="{LEFT}" y1="{ay}" x2="{}" y2="{ay}" stroke="#374151"/>"##,
            LEFT + scale.width
        );
        let span = self.end_ms.saturating_sub(self.begin_ms);
        let max_ticks = (scale.width / 80.0).max(2.0) as u64;
        let step = tick_step(span, max_ticks);
        let mut t = self.begin_ms.div_ceil(step).saturating_mul(step);
        while t <= self.end_ms {
            let x = scale.x(t);
            let _ = writeln!(
                s,
                r##"<line x1="{x:.1}" y1="{ay}" x2="{x:.1}" y2="{}" stroke="#374151"/><text x="{x:.1}" y="{}" text-anchor="middle" fill="#374151">{}</text>"##,
                ay + 5.0,
                ay + 18.0,
                clock(t)
            );
            match t.checked_add(step) {
                Some(next) => t = next,
                None => break,
            }
        }
        s.push_str("</svg>\n");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks() {
        assert_eq!(tick_step(10_000, 10), 1_000);
        assert_eq!(tick_step(3_600_000, 12), 300_000);
        assert_eq!(tick_step(0, 10), 100);
        assert!(tick_step(u64::MAX, 10) > 0);
    }

    #[test]
    fn formats() {
        assert_eq!(clock(3_723_000), "1:02:03");
        assert_eq!(clock(65_000), "1:05");
        assert_eq!(duration(850), "850 ms");
        assert_eq!(duration(4_200), "4.2 s");
        assert_eq!(duration(185_000), "3 min 5 s");
        assert_eq!(escape("a<b&\"c\""), "a&lt;b&amp;&quot;c&quot;");
    }

    #[test]
    fn empty_timeline_is_valid() {
        let svg = Timeline::default().to_svg(&SvgOptions::new());
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>\n"));
    }
}
