//! Integer milliseconds and their formatting.
//!
//! Every time in asrpost is a whole number of milliseconds ([`Millis`]); shifts use a signed
//! [`MillisDelta`]. Formatting is integer-only, so 59.9996 s can never print as `60`, and hours
//! keep counting past 24.

use std::fmt;
use std::ops::{Add, Sub};

/// A point in time or a duration, in whole milliseconds from the start of the audio.
///
/// # Example
///
/// ```
/// use asrpost::Millis;
///
/// let t = Millis(3_723_004);
/// assert_eq!(t.to_srt(), "01:02:03,004");
/// assert_eq!(t.to_vtt(), "01:02:03.004");
/// assert_eq!(t.to_ass(), "1:02:03.00");
/// assert_eq!(Millis(90_000_000).to_srt(), "25:00:00,000");
/// ```
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Millis(pub u64);

/// A signed shift in milliseconds, for offsets that may move times earlier.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MillisDelta(pub i64);

impl Millis {
    /// Zero.
    pub const ZERO: Millis = Millis(0);

    /// The value in milliseconds.
    pub const fn get(self) -> u64 {
        self.0
    }

    /// `self - other`, or zero when `other` is later.
    pub const fn saturating_sub(self, other: Millis) -> Millis {
        Millis(self.0.saturating_sub(other.0))
    }

    /// `self + other`, saturating at `u64::MAX`.
    pub const fn saturating_add(self, other: Millis) -> Millis {
        Millis(self.0.saturating_add(other.0))
    }

    /// Moves the time by `delta`, clamped at zero (and at `u64::MAX`).
    pub fn shift(self, delta: MillisDelta) -> Millis {
        if delta.0 >= 0 {
            Millis(self.0.saturating_add(delta.0 as u64))
        } else {
            Millis(self.0.saturating_sub(delta.0.unsigned_abs()))
        }
    }

    /// The value in seconds, for display and rates (not for arithmetic on times).
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// Hours, minutes, seconds and milliseconds.
    fn parts(self) -> (u64, u64, u64, u64) {
        let ms = self.0 % 1000;
        let s = self.0 / 1000;
        (s / 3600, (s / 60) % 60, s % 60, ms)
    }

    /// `HH:MM:SS,mmm`, the SRT form (hours widen past 99).
    pub fn to_srt(self) -> String {
        let mut out = String::with_capacity(12);
        self.push_clock(',', &mut out);
        out
    }

    /// `HH:MM:SS.mmm`, the WebVTT form (hours widen past 99).
    pub fn to_vtt(self) -> String {
        let mut out = String::with_capacity(12);
        self.push_clock('.', &mut out);
        out
    }

    /// Appends `HH:MM:SS<sep>mmm` (hours widen past 99) without allocating: the SRT (`,`) and
    /// WebVTT (`.`) forms, for writers that format many times.
    pub(crate) fn push_clock(self, sep: char, out: &mut String) {
        let (h, m, s, ms) = self.parts();
        if h < 100 && sep.is_ascii() {
            let sep = sep as u8;
            // The common case, pushed as ASCII characters into room reserved once: cheaper
            // than validating a byte buffer as UTF-8 to push it as a `str`. Every field is
            // below 1000 here: its digits are worked out in 32-bit arithmetic, cheaper than
            // 64-bit division.
            let d = |n: u32| b'0' + (n % 10) as u8;
            let (h, m, s, ms) = (h as u32, m as u32, s as u32, ms as u32);
            let buf = [
                d(h / 10),
                d(h),
                b':',
                d(m / 10),
                d(m),
                b':',
                d(s / 10),
                d(s),
                sep,
                d(ms / 100),
                d(ms / 10),
                d(ms),
            ];
            out.reserve(buf.len());
            for b in buf {
                // Every byte is ASCII; masking tells the compiler so (it changes nothing), so
                // that each push is the one-byte one.
                out.push(char::from(b & 0x7F));
            }
            return;
        }
        if h < 10 {
            out.push('0');
        }
        push_decimal(h, out);
        for v in [m, s] {
            out.push(':');
            push_two(v, out);
        }
        out.push(sep);
        out.push(char::from(b'0' + (ms / 100) as u8));
        push_two(ms % 100, out);
    }

    /// `H:MM:SS.cc`, the ASS form, in centiseconds rounded down (so a cue never starts early
    /// or ends late by rounding into the next one).
    pub fn to_ass(self) -> String {
        let (h, m, s, ms) = self.parts();
        format!("{h}:{m:02}:{s:02}.{:02}", ms / 10)
    }

    /// `[HH:MM:SS.mmm]`-style clock without brackets, as in transcripts.
    pub fn to_clock(self) -> String {
        self.to_vtt()
    }
}

/// Appends `n` (below 100) as two digits.
fn push_two(n: u64, out: &mut String) {
    out.push(char::from(b'0' + (n / 10 % 10) as u8));
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// Appends `n` in decimal without allocating (the JSON and subtitle writers' hot path).
pub(crate) fn push_decimal(n: u64, out: &mut String) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        out.push(char::from(b));
    }
}

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ms", self.0)
    }
}

impl Add for Millis {
    type Output = Millis;
    /// Saturating addition: times never wrap.
    fn add(self, rhs: Millis) -> Millis {
        self.saturating_add(rhs)
    }
}

impl Sub for Millis {
    type Output = Millis;
    /// Saturating subtraction: a negative duration is zero.
    fn sub(self, rhs: Millis) -> Millis {
        self.saturating_sub(rhs)
    }
}

impl From<u64> for Millis {
    fn from(ms: u64) -> Millis {
        Millis(ms)
    }
}

/// A half-open time span `[begin, end)` in milliseconds.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct TimeRange {
    /// Start.
    pub begin: Millis,
    /// End; `end >= begin` for a well-formed range.
    pub end: Millis,
}

impl TimeRange {
    /// A range from `begin` to `end`.
    pub const fn new(begin: Millis, end: Millis) -> TimeRange {
        TimeRange { begin, end }
    }

    /// `end - begin`, or zero for an inverted range.
    pub fn duration(self) -> Millis {
        self.end.saturating_sub(self.begin)
    }

    /// How long the two ranges overlap.
    pub fn overlap(self, other: TimeRange) -> Millis {
        self.end
            .min(other.end)
            .saturating_sub(self.begin.max(other.begin))
    }

    /// Whether `t` is inside `[begin, end)`.
    pub fn contains(self, t: Millis) -> bool {
        self.begin <= t && t < self.end
    }
}

/// A video frame rate, for frame-based timing rules (minimum gaps) in subtitles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FrameRate {
    /// Frames per `den` seconds.
    pub num: u32,
    /// Denominator (1001 for NTSC rates).
    pub den: u32,
}

impl FrameRate {
    /// 23.976 (24000/1001).
    pub const FPS_23_976: FrameRate = FrameRate {
        num: 24000,
        den: 1001,
    };
    /// 24.
    pub const FPS_24: FrameRate = FrameRate { num: 24, den: 1 };
    /// 25 (PAL).
    pub const FPS_25: FrameRate = FrameRate { num: 25, den: 1 };
    /// 29.97 (30000/1001).
    pub const FPS_29_97: FrameRate = FrameRate {
        num: 30000,
        den: 1001,
    };
    /// 30.
    pub const FPS_30: FrameRate = FrameRate { num: 30, den: 1 };

    /// The duration of `n` frames, rounded up to a whole millisecond.
    pub fn frames(self, n: u64) -> Millis {
        let num = n as u128 * 1000 * self.den as u128;
        let den = self.num.max(1) as u128;
        Millis(num.div_ceil(den) as u64)
    }

    /// Parses `23.976`, `24`, `25`, `29.97`, `30` (and other whole numbers).
    pub fn parse(s: &str) -> Option<FrameRate> {
        match s.trim() {
            "23.976" | "23.98" => Some(Self::FPS_23_976),
            "29.97" => Some(Self::FPS_29_97),
            "59.94" => Some(FrameRate {
                num: 60000,
                den: 1001,
            }),
            other => match other.parse::<u32>() {
                Ok(n) if (1..=1000).contains(&n) => Some(FrameRate { num: n, den: 1 }),
                _ => None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_never_show_sixty() {
        assert_eq!(Millis(59_999).to_srt(), "00:00:59,999");
        assert_eq!(Millis(59_999).to_ass(), "0:00:59.99");
        assert_eq!(Millis(60_000).to_vtt(), "00:01:00.000");
        assert_eq!(Millis(0).to_srt(), "00:00:00,000");
    }

    #[test]
    fn exact_clock_strings() {
        for (ms, srt) in [
            (0, "00:00:00,000"),
            (59999, "00:00:59,999"),
            (60000, "00:01:00,000"),
            (3723004, "01:02:03,004"),
            (90000000, "25:00:00,000"),
            (359999999, "99:59:59,999"),
            (360000001, "100:00:00,001"),
            (18446744073709551615, "5124095576030:25:51,615"),
        ] {
            assert_eq!(Millis(ms).to_srt(), srt);
            assert_eq!(Millis(ms).to_vtt(), srt.replace(',', "."));
        }
    }

    #[test]
    fn clock_appends_with_any_separator() {
        let mut out = String::from("at ");
        Millis(3_723_004).push_clock('é', &mut out);
        Millis(360_000_001).push_clock(';', &mut out);
        assert_eq!(out, "at 01:02:03é004100:00:00;001");
    }

    #[test]
    fn hours_past_a_day() {
        assert_eq!(Millis(100 * 3_600_000).to_srt(), "100:00:00,000");
        assert_eq!(Millis(25 * 3_600_000 + 1).to_ass(), "25:00:00.00");
    }

    #[test]
    fn shift_clamps() {
        assert_eq!(Millis(100).shift(MillisDelta(-300)), Millis(0));
        assert_eq!(Millis(100).shift(MillisDelta(50)), Millis(150));
        assert_eq!(Millis(u64::MAX).shift(MillisDelta(5)), Millis(u64::MAX));
    }

    #[test]
    fn frame_durations() {
        assert_eq!(FrameRate::FPS_25.frames(2), Millis(80));
        assert_eq!(FrameRate::FPS_24.frames(2), Millis(84));
        assert_eq!(FrameRate::FPS_23_976.frames(2), Millis(84));
        assert_eq!(FrameRate::FPS_29_97.frames(2), Millis(67));
        assert_eq!(FrameRate::parse("29.97"), Some(FrameRate::FPS_29_97));
        assert_eq!(FrameRate::parse("0"), None);
    }

    #[test]
    fn range_overlap() {
        let a = TimeRange::new(Millis(0), Millis(100));
        let b = TimeRange::new(Millis(50), Millis(200));
        assert_eq!(a.overlap(b), Millis(50));
        assert_eq!(
            a.overlap(TimeRange::new(Millis(300), Millis(400))),
            Millis(0)
        );
    }
}
