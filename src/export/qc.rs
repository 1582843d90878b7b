//! A subtitle checker: line length, lines per cue, reading speed, duration, gap and overlap
//! violations against a [`Preset`], on our output or any SRT, WebVTT or ASS file.
//!
//! ```
//! use asrpost::export::cues::Preset;
//! use asrpost::export::qc::{self, ViolationKind};
//!
//! let srt = "1\n00:00:01,000 --> 00:00:01,300\nThis line is far too long for the BBC's thirty-seven\n\n";
//! let subs = qc::parse_srt(srt)?;
//! let found = qc::check(&subs, &Preset::bbc());
//! assert!(found.iter().any(|v| matches!(v.kind, ViolationKind::LineTooLong { .. })));
//! assert!(found.iter().any(|v| matches!(v.kind, ViolationKind::TooShort { .. })));
//! # Ok::<(), asrpost::Error>(())
//! ```

use std::fmt;

use super::cues::{Cue, Preset};
use crate::Millis;
use crate::error::{Error, Result};

/// One subtitle as a reader sees it: times and plain-text lines (markup removed).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Subtitle {
    /// When it appears.
    pub begin: Millis,
    /// When it disappears.
    pub end: Millis,
    /// The lines as displayed.
    pub lines: Vec<String>,
}

impl Subtitle {
    /// A subtitle from its parts.
    pub fn new(begin: Millis, end: Millis, lines: Vec<String>) -> Subtitle {
        Subtitle { begin, end, lines }
    }

    /// The subtitles a cue list shows (labels included, as SRT writes them).
    pub fn from_cues(cues: &[Cue]) -> Vec<Subtitle> {
        cues.iter()
            .map(|c| {
                let mut lines: Vec<String> = c.lines.iter().map(|l| l.text.clone()).collect();
                if let (Some(label), Some(first)) = (c.label_text(), lines.first_mut()) {
                    first.insert_str(0, &label);
                }
                Subtitle::new(c.begin, c.end, lines)
            })
            .collect()
    }
}

/// A rule a subtitle breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Violation {
    /// The subtitle's position, from 1.
    pub cue: usize,
    /// When it appears.
    pub begin: Millis,
    /// What is wrong.
    pub kind: ViolationKind,
}

/// What is wrong with a subtitle. Widths are in half characters (see [`Preset::width`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ViolationKind {
    /// More lines than the preset allows.
    TooManyLines {
        /// Lines in the cue.
        lines: usize,
        /// The limit.
        max: u32,
    },
    /// A line wider than the preset allows.
    LineTooLong {
        /// The line, from 1.
        line: usize,
        /// Its width in half characters.
        width: u32,
        /// The limit in half characters.
        max: u32,
    },
    /// Faster than the preset's reading speed.
    ReadingSpeed {
        /// Characters read, in half characters ([`Preset::reading_length`]: half-width
        /// characters count 1 and full-width ones 2 in CJK presets, every character 2 in the
        /// others), so 25 is 12.5 characters.
        chars: u32,
        /// Display time.
        duration: Millis,
        /// The limit in characters per second.
        max_cps: u32,
    },
    /// Shown for less than the minimum duration.
    TooShort {
        /// Display time.
        duration: Millis,
        /// The minimum.
        min: Millis,
    },
    /// Shown for longer than the maximum duration.
    TooLong {
        /// Display time.
        duration: Millis,
        /// The maximum.
        max: Millis,
    },
    /// Ends at or before it begins.
    NotPositive,
    /// Begins before the previous subtitle begins.
    OutOfOrder,
    /// Begins before the previous subtitle ends.
    Overlap {
        /// How long the two overlap.
        by: Millis,
    },
    /// Begins less than the minimum gap after the previous one ends.
    GapTooSmall {
        /// The gap.
        gap: Millis,
        /// The minimum.
        min: Millis,
    },
    /// Has no text.
    Empty,
}

fn chars(half: u32) -> String {
    if half % 2 == 0 {
        (half / 2).to_string()
    } else {
        format!("{}.5", half / 2)
    }
}

impl fmt::Display for ViolationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ViolationKind::TooManyLines { lines, max } => {
                write!(f, "{lines} lines (max {max})")
            }
            ViolationKind::LineTooLong { line, width, max } => write!(
                f,
                "line {line} is {} characters wide (max {})",
                chars(*width),
                chars(*max)
            ),
            ViolationKind::ReadingSpeed {
                chars,
                duration,
                max_cps,
            } => write!(
                f,
                "reading speed {:.1} characters per second (max {max_cps}): {} characters in {} ms",
                f64::from(*chars) * 500.0 / duration.0.max(1) as f64,
                self::chars(*chars),
                duration.0
            ),
            ViolationKind::TooShort { duration, min } => {
                write!(f, "shown {} ms (min {} ms)", duration.0, min.0)
            }
            ViolationKind::TooLong { duration, max } => {
                write!(f, "shown {} ms (max {} ms)", duration.0, max.0)
            }
            ViolationKind::NotPositive => f.write_str("ends at or before it begins"),
            ViolationKind::OutOfOrder => f.write_str("begins before the previous subtitle"),
            ViolationKind::Overlap { by } => {
                write!(f, "overlaps the previous subtitle by {} ms", by.0)
            }
            ViolationKind::GapTooSmall { gap, min } => {
                write!(
                    f,
                    "gap to the previous subtitle {} ms (min {} ms)",
                    gap.0, min.0
                )
            }
            ViolationKind::Empty => f.write_str("no text"),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cue {} at {}: {}",
            self.cue,
            self.begin.to_srt(),
            self.kind
        )
    }
}

/// Every rule of `preset` that `subs` break, in order.
pub fn check(subs: &[Subtitle], preset: &Preset) -> Vec<Violation> {
    check_within(subs, preset, Millis(0))
}

/// As [`check`], but a time that misses a duration, gap or reading-speed limit by no more than
/// `tolerance` passes: for files whose clock is coarser than a millisecond (see
/// [`SubtitleFormat::tolerance`]), where a writer had to round each time.
///
/// ```
/// use asrpost::export::cues::{Language, Preset};
/// use asrpost::export::qc::{self, SubtitleFormat};
///
/// // 2 frames at 23.976 fps are over 83 ms; in centiseconds a gap is 80 or 90 ms.
/// let ass = "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n\
///     Dialogue: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,One\n\
///     Dialogue: 0,0:00:01.08,0:00:02.08,Default,,0,0,0,,Two\n";
/// let format = SubtitleFormat::detect(ass);
/// let subs = format.parse(ass)?;
/// let netflix = Preset::netflix(Language::English);
/// assert_eq!(qc::check(&subs, &netflix).len(), 1);
/// assert!(qc::check_within(&subs, &netflix, format.tolerance()).is_empty());
/// # Ok::<(), asrpost::Error>(())
/// ```
pub fn check_within(subs: &[Subtitle], preset: &Preset, tolerance: Millis) -> Vec<Violation> {
    let mut out = Vec::new();
    let maxw = preset.max_width();
    let gap = preset.min_gap();
    for (i, s) in subs.iter().enumerate() {
        let mut push = |kind| {
            out.push(Violation {
                cue: i + 1,
                begin: s.begin,
                kind,
            })
        };
        let duration = s.end - s.begin;
        if s.lines.iter().all(|l| l.trim().is_empty()) {
            push(ViolationKind::Empty);
        }
        if s.lines.len() > preset.max_lines as usize {
            push(ViolationKind::TooManyLines {
                lines: s.lines.len(),
                max: preset.max_lines,
            });
        }
        for (k, line) in s.lines.iter().enumerate() {
            let width = preset.width(line.trim());
            if width > maxw {
                push(ViolationKind::LineTooLong {
                    line: k + 1,
                    width,
                    max: maxw,
                });
            }
        }
        if s.end <= s.begin {
            push(ViolationKind::NotPositive);
        } else {
            let n = preset.reading_length(s.lines.iter().map(String::as_str));
            if preset.reading_time(n) > duration + tolerance {
                push(ViolationKind::ReadingSpeed {
                    chars: n,
                    duration,
                    max_cps: preset.max_cps,
                });
            }
            if duration + tolerance < preset.min_duration {
                push(ViolationKind::TooShort {
                    duration,
                    min: preset.min_duration,
                });
            }
            if duration > preset.max_duration + tolerance {
                push(ViolationKind::TooLong {
                    duration,
                    max: preset.max_duration,
                });
            }
        }
        if let Some(prev) = i.checked_sub(1).map(|j| &subs[j]) {
            if s.begin < prev.begin {
                push(ViolationKind::OutOfOrder);
            } else if s.begin < prev.end {
                push(ViolationKind::Overlap {
                    by: prev.end.min(s.end) - s.begin,
                });
            } else if s.begin - prev.end + tolerance < gap {
                push(ViolationKind::GapTooSmall {
                    gap: s.begin - prev.end,
                    min: gap,
                });
            }
        }
    }
    out
}

/// Splits `text` into blocks of non-blank lines, each with its first line's number (from 1).
fn blocks(text: &str) -> Vec<(usize, Vec<&str>)> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    let mut start = 0;
    for (n, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            if !cur.is_empty() {
                out.push((start, std::mem::take(&mut cur)));
            }
        } else {
            if cur.is_empty() {
                start = n + 1;
            }
            cur.push(line);
        }
    }
    if !cur.is_empty() {
        out.push((start, cur));
    }
    out
}

/// Parses `[H…:]MM:SS(,|.)mmm`; hours may have any number of digits; fractions shorter than
/// three digits are read as milliseconds, as most players do.
fn parse_time(s: &str) -> Option<Millis> {
    parse_clock(s, 3, 1)
}

/// Parses `[H…:]MM:SS[(,|.)F]` where the fraction `F` has at most `digits` digits, each unit of
/// it worth `unit` milliseconds.
fn parse_clock(s: &str, digits: usize, unit: u64) -> Option<Millis> {
    let s = s.trim();
    let (clock, frac) = match s.rfind([',', '.']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, "0"),
    };
    let num = |p: &str, max_len: usize| -> Option<u64> {
        (!p.is_empty() && p.len() <= max_len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let frac = num(frac, digits)?;
    let parts: Vec<&str> = clock.split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [h, m, s] => (num(h, 12)?, num(m, 12)?, num(s, 12)?),
        [m, s] => (0, num(m, 12)?, num(s, 12)?),
        _ => return None,
    };
    if m > 59 || sec > 59 {
        return None;
    }
    Some(Millis(((h * 60 + m) * 60 + sec) * 1000 + frac * unit))
}

/// The two times of a `start --> end[ settings]` line.
fn parse_timing(line: &str) -> Option<(Millis, Millis)> {
    let (a, b) = line.split_once("-->")?;
    let b = b.split_whitespace().next()?;
    Some((parse_time(a)?, parse_time(b)?))
}

/// Reads an SRT file: blocks of an optional index line, a timing line and text lines.
///
/// # Errors
///
/// An [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) naming the line of a block
/// without a valid timing line.
pub fn parse_srt(text: &str) -> Result<Vec<Subtitle>> {
    let mut out = Vec::new();
    for (line_no, block) in blocks(text) {
        let mut lines = block.iter();
        let mut first = lines.next().copied().unwrap_or_default();
        let mut at = line_no;
        if !first.contains("-->") {
            first = lines.next().copied().unwrap_or_default();
            at += 1;
        }
        let (begin, end) = parse_timing(first)
            .ok_or_else(|| Error::invalid("srt", format!("line {at}: no valid timing line")))?;
        out.push(Subtitle::new(
            begin,
            end,
            lines.map(|l| l.to_string()).collect(),
        ));
    }
    Ok(out)
}

/// Reads a WebVTT file: the `WEBVTT` header, then cues (an optional identifier, the timing
/// line, the payload), skipping NOTE, STYLE and REGION blocks. Tags are removed and the
/// character references `&amp; &lt; &gt; &nbsp; &lrm; &rlm;` decoded.
///
/// # Errors
///
/// An [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) for a missing header or a
/// cue without a valid timing line.
pub fn parse_vtt(text: &str) -> Result<Vec<Subtitle>> {
    let blocks = blocks(text);
    let Some((_, header)) = blocks.first() else {
        return Err(Error::invalid("webvtt", "empty file"));
    };
    let sig = header.first().copied().unwrap_or_default();
    if !(sig == "WEBVTT" || sig.starts_with("WEBVTT ") || sig.starts_with("WEBVTT\t")) {
        return Err(Error::invalid("webvtt", "line 1: no WEBVTT header"));
    }
    let mut out = Vec::new();
    for (line_no, block) in blocks.iter().skip(1) {
        let first = block.first().copied().unwrap_or_default();
        if ["NOTE", "STYLE", "REGION"].iter().any(|k| {
            first == *k
                || first.starts_with(&format!("{k} "))
                || first.starts_with(&format!("{k}\t"))
        }) {
            continue;
        }
        let (skip, timing) = if first.contains("-->") {
            (1, first)
        } else {
            (2, block.get(1).copied().unwrap_or_default())
        };
        let (begin, end) = parse_timing(timing).ok_or_else(|| {
            Error::invalid(
                "webvtt",
                format!("line {}: no valid timing line", line_no + skip - 1),
            )
        })?;
        let lines = block.iter().skip(skip).map(|l| strip_vtt(l)).collect();
        out.push(Subtitle::new(begin, end, lines));
    }
    Ok(out)
}

/// A WebVTT payload line as displayed: tags removed, character references decoded.
fn strip_vtt(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            match rest.find('>') {
                Some(end) => rest = &rest[end + 1..],
                None => rest = "",
            }
            continue;
        }
        if c == '&' {
            let refs = [
                ("&amp;", "&"),
                ("&lt;", "<"),
                ("&gt;", ">"),
                ("&nbsp;", "\u{A0}"),
                ("&lrm;", "\u{200E}"),
                ("&rlm;", "\u{200F}"),
            ];
            if let Some((r, v)) = refs.iter().find(|(r, _)| rest.starts_with(r)) {
                out.push_str(v);
                rest = &rest[r.len()..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Reads an Advanced SubStation Alpha (`.ass`, `.ssa`) file: the `Dialogue` lines of its
/// `[Events]` section, fields in the order of the section's `Format` line. Override blocks
/// (`{\\i1}`) are removed, `\\N` and `\\n` break lines, `\\h` is a no-break space; `Comment` lines
/// are skipped. Times are `H:MM:SS.cc` (centiseconds).
///
/// # Errors
///
/// An [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) for a file without an
/// `[Events]` section, or naming the line of a `Format` without `Start`, `End` and a final
/// `Text`, or of a `Dialogue` before any `Format`, with too few fields, or with a bad time.
pub fn parse_ass(text: &str) -> Result<Vec<Subtitle>> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut in_events = false;
    let mut seen_events = false;
    // Indices of Start, End and the field count (Text is last) from the Format line.
    let mut format: Option<(usize, usize, usize)> = None;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_start();
        let at = n + 1;
        if line.starts_with('[') {
            in_events = line.trim_end().eq_ignore_ascii_case("[events]");
            seen_events |= in_events;
            continue;
        }
        if !in_events {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        match key.trim() {
            "Format" => {
                let names: Vec<&str> = value.split(',').map(str::trim).collect();
                let find = |name: &str| names.iter().position(|f| f.eq_ignore_ascii_case(name));
                format = match (find("Start"), find("End"), find("Text")) {
                    (Some(start), Some(end), Some(text)) if text + 1 == names.len() => {
                        Some((start, end, names.len()))
                    }
                    _ => {
                        return Err(Error::invalid(
                            "ass",
                            format!("line {at}: Format needs Start, End and a final Text field"),
                        ));
                    }
                };
            }
            "Dialogue" => {
                let Some((start, end, count)) = format else {
                    return Err(Error::invalid(
                        "ass",
                        format!("line {at}: Dialogue before the Format line"),
                    ));
                };
                let fields: Vec<&str> = value.trim_start().splitn(count, ',').collect();
                if fields.len() < count {
                    return Err(Error::invalid(
                        "ass",
                        format!("line {at}: {} fields, the Format has {count}", fields.len()),
                    ));
                }
                let time = |field: &str| {
                    parse_clock(field, 2, 10).ok_or_else(|| {
                        Error::invalid("ass", format!("line {at}: bad time `{}`", field.trim()))
                    })
                };
                let (begin, end) = (time(fields[start])?, time(fields[end])?);
                out.push(Subtitle::new(begin, end, strip_ass(fields[count - 1])));
            }
            _ => {}
        }
    }
    if !seen_events {
        return Err(Error::invalid("ass", "no [Events] section"));
    }
    Ok(out)
}

/// The lines an ASS `Text` field displays.
fn strip_ass(text: &str) -> Vec<String> {
    let mut lines = vec![String::new()];
    let mut rest = text.trim_end_matches('\r');
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        match c {
            // An override block; an unclosed `{` is shown as is, as libass does.
            '{' if rest.contains('}') => {
                rest = rest.split_once('}').map_or("", |(_, after)| after);
            }
            '\\' if rest.starts_with(['N', 'n']) => {
                lines.push(String::new());
                rest = &rest[1..];
            }
            '\\' if rest.starts_with('h') => {
                lines.last_mut().expect("never empty").push('\u{A0}');
                rest = &rest[1..];
            }
            c => lines.last_mut().expect("never empty").push(c),
        }
    }
    lines
}

/// A subtitle file format the checker reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SubtitleFormat {
    /// SubRip (`.srt`).
    Srt,
    /// WebVTT (`.vtt`).
    WebVtt,
    /// Advanced SubStation Alpha (`.ass`, `.ssa`).
    Ass,
}

impl SubtitleFormat {
    /// The format of `text`: WebVTT by its `WEBVTT` header, ASS by a `[Script Info]` or
    /// `[Events]` section header on the first non-blank line, otherwise SRT.
    pub fn detect(text: &str) -> SubtitleFormat {
        let text = text.trim_start_matches('\u{FEFF}').trim_start();
        if text.starts_with("WEBVTT") {
            SubtitleFormat::WebVtt
        } else if ["[script info]", "[events]"].iter().any(|h| {
            text.get(..h.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(h))
        }) {
            SubtitleFormat::Ass
        } else {
            SubtitleFormat::Srt
        }
    }

    /// Reads `text` in this format.
    ///
    /// # Errors
    ///
    /// As [`parse_srt`], [`parse_vtt`] and [`parse_ass`].
    pub fn parse(self, text: &str) -> Result<Vec<Subtitle>> {
        match self {
            SubtitleFormat::Srt => parse_srt(text),
            SubtitleFormat::WebVtt => parse_vtt(text),
            SubtitleFormat::Ass => parse_ass(text),
        }
    }

    /// How far a difference of two times read from the format may be from the true one: none
    /// for SRT and WebVTT (milliseconds), 9 ms for ASS (centiseconds, each time rounded). Give
    /// it to [`check_within`].
    pub fn tolerance(self) -> Millis {
        match self {
            SubtitleFormat::Ass => Millis(9),
            SubtitleFormat::Srt | SubtitleFormat::WebVtt => Millis(0),
        }
    }
}

/// Reads SRT, WebVTT or ASS, told apart by [`SubtitleFormat::detect`].
///
/// # Errors
///
/// As [`parse_srt`], [`parse_vtt`] and [`parse_ass`].
pub fn parse(text: &str) -> Result<Vec<Subtitle>> {
    SubtitleFormat::detect(text).parse(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::cues::Language;

    #[test]
    fn times() {
        for (s, ms) in [
            ("00:00:01,000", Some(1000)),
            ("01:01.500", Some(61_500)),
            ("100:00:00.001", Some(360_000_001)),
            ("00:00:60.000", None),
            ("00:00:01,5", Some(1005)),
            ("aa:00:01,000", None),
        ] {
            assert_eq!(parse_time(s), ms.map(Millis), "{s}");
        }
    }

    /// Reading speed counts characters as the preset counts width: a mixed Chinese/English
    /// cue of 13.5 characters (8 full-width, 11 half-width) under the CJK presets, 19 under
    /// the others.
    #[test]
    fn reading_speed_counts_half_width() {
        let lines = vec!["我们用 Rust 写代码".to_string(), "ASR 很快!".to_string()];
        let zh = Preset::netflix(Language::Chinese);
        let ko = Preset::netflix(Language::Korean);
        let en = Preset::netflix(Language::English);
        let bbc = Preset::bbc();
        for (preset, ms, want, shown) in [
            // 13.5 characters at 9 per second need 1500 ms; counting every character as 1
            // (19), they would need 2112 ms and this cue was flagged.
            (&zh, 1500, None, ""),
            (
                &zh,
                1499,
                Some(27),
                "reading speed 9.0 characters per second (max 9): 13.5 characters in 1499 ms",
            ),
            (&ko, 1125, None, ""),
            (&ko, 1124, Some(27), ""),
            // Every character counts 1: 19 at 20 per second need 950 ms.
            (&en, 950, None, ""),
            (
                &en,
                900,
                Some(38),
                "reading speed 21.1 characters per second (max 20): 19 characters in 900 ms",
            ),
            (&bbc, 1118, None, ""),
            (&bbc, 1117, Some(38), ""),
        ] {
            let subs = [Subtitle::new(Millis(0), Millis(ms), lines.clone())];
            let found: Vec<_> = check(&subs, preset)
                .into_iter()
                .filter(|v| matches!(v.kind, ViolationKind::ReadingSpeed { .. }))
                .collect();
            let got = found.first().map(|v| match v.kind {
                ViolationKind::ReadingSpeed { chars, .. } => chars,
                _ => unreachable!(),
            });
            assert_eq!(got, want, "{} {ms}", preset.name);
            if !shown.is_empty() {
                assert_eq!(found[0].kind.to_string(), shown);
            }
        }
    }

    #[test]
    fn parses_and_checks() {
        let srt = "\u{FEFF}1\r\n00:00:00,000 --> 00:00:02,000\r\nHello\r\n\r\n2\r\n00:00:01,000 --> 00:00:03,000\r\nWorld\r\n";
        let subs = parse_srt(srt).unwrap();
        assert_eq!(subs.len(), 2);
        let found = check(&subs, &Preset::bbc());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, ViolationKind::Overlap { by: Millis(1000) });
        assert_eq!(
            found[0].to_string(),
            "cue 2 at 00:00:01,000: overlaps the previous subtitle by 1000 ms"
        );
        assert!(parse_srt("1\nnot a time\ntext\n").is_err());
    }

    #[test]
    fn vtt_markup() {
        let vtt = "WEBVTT\n\nNOTE hi\n\nid1\n00:01.000 --> 00:02.500 line:90%\n<v Speaker 1>AT&amp;T &lt;x&gt;</v>\n";
        let subs = parse_vtt(vtt).unwrap();
        assert_eq!(
            subs,
            vec![Subtitle::new(
                Millis(1000),
                Millis(2500),
                vec!["AT&T <x>".into()]
            )]
        );
        assert!(parse_vtt("00:01.000 --> 00:02.000\nx\n").is_err());
    }
    #[test]
    fn ass_events() {
        let ass = "\u{FEFF}[Script Info]\nScriptType: v4.00+\n\n[V4+ Styles]\nFormat: Name, Fontname\n\
            Style: Default,Arial\n\n[Events]\n\
            Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n\
            Comment: 0,0:00:00.00,0:00:09.00,Default,,0,0,0,,not shown\n\
            Dialogue: 0,0:00:01.50,0:00:03.05,Default,Agent,0,0,0,,{\\i1}Hi,\\Nthere{\\i0}\\hyou {x\r\n\
            Dialogue: 0,10:00:00.00,10:00:01.00,Default,,0,0,0,,\n";
        assert_eq!(SubtitleFormat::detect(ass), SubtitleFormat::Ass);
        assert_eq!(
            parse(ass).unwrap(),
            vec![
                Subtitle::new(
                    Millis(1500),
                    Millis(3050),
                    vec!["Hi,".into(), "there\u{A0}you {x".into()]
                ),
                Subtitle::new(Millis(36_000_000), Millis(36_001_000), vec![String::new()]),
            ]
        );
        for (bad, message) in [
            ("[Script Info]\n", "no [Events] section"),
            (
                "[Events]\nDialogue: 0,0:00:00.00,0:00:01.00,,,,,,,x\n",
                "line 2: Dialogue before",
            ),
            (
                "[Events]\nFormat: Start, Text, End\n",
                "line 2: Format needs",
            ),
            (
                "[Events]\nFormat: Start, End, Text\nDialogue: 0:00:00.00\n",
                "line 3: 1 fields",
            ),
            (
                "[Events]\nFormat: Start, End, Text\nDialogue: 0:00:00.001,0:00:01.00,x\n",
                "line 3: bad time `0:00:00.001`",
            ),
        ] {
            let err = parse_ass(bad).unwrap_err().to_string();
            assert!(err.contains(message), "{bad:?}: {err}");
        }
    }

    #[test]
    fn detects_formats() {
        for (text, format) in [
            ("WEBVTT\n", SubtitleFormat::WebVtt),
            ("\u{FEFF}\n [script info]\n", SubtitleFormat::Ass),
            ("[Events]\n", SubtitleFormat::Ass),
            (
                "1\n00:00:00,000 --> 00:00:01,000\n[Events]\n",
                SubtitleFormat::Srt,
            ),
            ("", SubtitleFormat::Srt),
        ] {
            assert_eq!(SubtitleFormat::detect(text), format, "{text:?}");
        }
    }
}
