//! Normalization of text and patterns with a position map.
//!
//! Text and patterns go through the same chain (traditional to simplified Chinese, width
//! folding, Unicode lowercase, optional skipping of separators between CJK characters), so a
//! pattern matches every spelling that normalizes like it. For text, each normalized character records the source byte range it
//! came from ([`NormChar`]), which maps a match in normalized text back to the characters it
//! covers.

use super::variants::simplify;
use crate::text::Script;

/// Which folds the normalizer applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Folds {
    /// Unicode lowercase (`Ä` → `ä`, `Ж` → `ж`, final sigma → sigma).
    pub(crate) case: bool,
    /// Full-width ASCII and ideographic space → ASCII, half-width katakana → full-width.
    pub(crate) width: bool,
    /// Drop spaces and punctuation between two CJK characters (`赌，博` → `赌博`).
    pub(crate) skip_in_cjk: bool,
    /// Traditional Chinese characters → simplified (`紅` → `红`), one for one.
    pub(crate) chinese: bool,
}

/// Source byte range `[start, end)` of one normalized character.
pub(crate) type Span = (u32, u32);

/// One normalized character and the source range it came from: a list of them is the
/// normalized text and its position map at once, indexed by character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NormChar {
    pub(crate) c: char,
    pub(crate) src: Span,
}

/// Where normalized characters go.
pub(crate) trait Sink {
    /// Takes one normalized character and the source range it came from.
    fn put(&mut self, c: char, span: Span);
}

/// Collects normalized text (for patterns, which need no position map).
pub(crate) struct Collect<'s> {
    out: &'s mut String,
}

impl Sink for Collect<'_> {
    #[inline]
    fn put(&mut self, c: char, _span: Span) {
        self.out.push(c);
    }
}

/// Normalizes a stream of source pieces into a [`Sink`].
pub(crate) struct Normalizer<S> {
    folds: Folds,
    sink: S,
    /// Skippable characters held back until the next non-skippable one decides their fate.
    pending: Vec<(char, Span)>,
    /// Whether the last emitted non-skippable character was CJK.
    prev_cjk: bool,
    /// A katakana that may compose with a following voicing mark.
    held: Option<(char, Span)>,
}

impl<S: Sink> Normalizer<S> {
    pub(crate) fn new(folds: Folds, sink: S) -> Self {
        Normalizer {
            folds,
            sink,
            pending: Vec::new(),
            prev_cjk: false,
            held: None,
        }
    }

    /// Appends `piece`, whose first byte is at source offset `base`.
    pub(crate) fn push(&mut self, piece: &str, base: usize) {
        for (i, raw) in piece.char_indices() {
            let span = ((base + i) as u32, (base + i + raw.len_utf8()) as u32);
            // Fast path for the bulk of Chinese text: unified ideographs have no case or width
            // variant and are never skipped.
            if matches!(raw as u32, 0x4E00..=0x9FFF)
                && self.held.is_none()
                && self.pending.is_empty()
            {
                self.prev_cjk = true;
                let c = self.simplified(raw);
                self.sink.put(c, span);
                continue;
            }
            // Same for ASCII, which has no width variant and lowercases in place; only
            // separators need the slow path when they may be skipped.
            if raw.is_ascii()
                && self.held.is_none()
                && self.pending.is_empty()
                && (!self.folds.skip_in_cjk || raw.is_ascii_alphanumeric())
            {
                self.prev_cjk = false;
                let c = if self.folds.case {
                    raw.to_ascii_lowercase()
                } else {
                    raw
                };
                self.sink.put(c, span);
                continue;
            }
            let raw = self.simplified(raw);
            if !self.folds.width {
                self.emit(raw, span);
                continue;
            }
            // A katakana waits for a voicing mark, which may come in the next piece (word).
            if let Some((held, held_span)) = self.held.take() {
                if let Some(voiced) = compose_voiced(held, raw) {
                    self.emit(voiced, (held_span.0, span.1));
                    continue;
                }
                self.emit(held, held_span);
            }
            let c = fold_width(raw);
            if matches!(c as u32, 0x30A6..=0x30DB) {
                self.held = Some((c, span));
            } else {
                self.emit(c, span);
            }
        }
    }

    /// `c`, or its simplified form when traditional characters are folded.
    #[inline]
    fn simplified(&self, c: char) -> char {
        match self.folds.chinese {
            true => simplify(c),
            false => c,
        }
    }

    fn emit(&mut self, c: char, span: Span) {
        if !self.folds.skip_in_cjk {
            self.put(c, span);
            return;
        }
        let script = Script::of(c);
        if matches!(script, Script::Space | Script::Punctuation) {
            if self.prev_cjk {
                self.pending.push((c, span));
            } else {
                self.put(c, span);
            }
            return;
        }
        let cjk = script.is_cjk();
        if !self.pending.is_empty() {
            // Separators between two CJK characters vanish; any others stay.
            let mut pending = std::mem::take(&mut self.pending);
            if !cjk {
                for &(p, s) in &pending {
                    self.put(p, s);
                }
            }
            pending.clear();
            self.pending = pending;
        }
        self.prev_cjk = cjk;
        self.put(c, span);
    }

    fn put(&mut self, c: char, span: Span) {
        if self.folds.case {
            if c.is_ascii() {
                self.put_one(c.to_ascii_lowercase(), span);
            } else if is_caseless(c) {
                self.put_one(c, span);
            } else if c == 'ς' {
                self.put_one('σ', span);
            } else {
                for l in c.to_lowercase() {
                    self.put_one(l, span);
                }
            }
        } else {
            self.put_one(c, span);
        }
    }

    #[inline]
    fn put_one(&mut self, c: char, span: Span) {
        self.sink.put(c, span);
    }

    /// Flushes held-back separators (they end the text, so no CJK follows them).
    pub(crate) fn finish(mut self) -> S {
        if let Some((held, span)) = self.held.take() {
            self.emit(held, span);
        }
        let pending = std::mem::take(&mut self.pending);
        for (p, s) in pending {
            self.put(p, s);
        }
        self.sink
    }
}

/// Normalizes a pattern on its own into `out`.
pub(crate) fn normalize_into(folds: Folds, text: &str, out: &mut String) {
    out.clear();
    let mut n = Normalizer::new(folds, Collect { out });
    n.push(text, 0);
    n.finish();
}

#[cfg(test)]
fn normalize(folds: Folds, text: &str) -> String {
    let mut out = String::new();
    normalize_into(folds, text, &mut out);
    out
}

/// Characters with no case, for which `to_lowercase`'s table lookup can be skipped: CJK and
/// the common symbol blocks.
fn is_caseless(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0xA63F | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// Full-width ASCII → ASCII, ideographic space → space, half-width katakana and CJK
/// punctuation → full-width.
fn fold_width(c: char) -> char {
    let u = c as u32;
    match u {
        0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        0xFF61..=0xFF9F => {
            let full = HALF_KANA[(u - 0xFF61) as usize];
            char::from_u32(full as u32).unwrap_or(c)
        }
        _ => c,
    }
}

/// Full-width forms of U+FF61..=U+FF9F.
const HALF_KANA: [u16; 63] = [
    0x3002, 0x300C, 0x300D, 0x3001, 0x30FB, 0x30F2, 0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30E3,
    0x30E5, 0x30E7, 0x30C3, 0x30FC, 0x30A2, 0x30A4, 0x30A6, 0x30A8, 0x30AA, 0x30AB, 0x30AD, 0x30AF,
    0x30B1, 0x30B3, 0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD, 0x30BF, 0x30C1, 0x30C4, 0x30C6, 0x30C8,
    0x30CA, 0x30CB, 0x30CC, 0x30CD, 0x30CE, 0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB, 0x30DE, 0x30DF,
    0x30E0, 0x30E1, 0x30E2, 0x30E4, 0x30E6, 0x30E8, 0x30E9, 0x30EA, 0x30EB, 0x30EC, 0x30ED, 0x30EF,
    0x30F3, 0x309B, 0x309C,
];

/// A full-width katakana followed by a voicing mark (`ﾞ`/`゛`, `ﾟ`/`゜`) composes into the voiced letter: `ｶﾞ` → `ガ`, `ﾊﾟ` → `パ`, `ｳﾞ` → `ヴ`.
fn compose_voiced(base: char, mark: char) -> Option<char> {
    let b = base as u32;
    let voiced = match mark as u32 {
        0xFF9E | 0x309B => match b {
            0x30A6 => 0x30F4,
            0x30AB..=0x30C2 if b % 2 == 1 => b + 1,
            0x30C4..=0x30C8 if b % 2 == 0 => b + 1,
            0x30CF..=0x30DB if (b - 0x30CF) % 3 == 0 => b + 1,
            _ => return None,
        },
        0xFF9F | 0x309C => match b {
            0x30CF..=0x30DB if (b - 0x30CF) % 3 == 0 => b + 2,
            _ => return None,
        },
        _ => return None,
    };
    char::from_u32(voiced)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: Folds = Folds {
        case: true,
        width: true,
        skip_in_cjk: true,
        chinese: true,
    };

    #[test]
    fn folds() {
        for (input, want) in [
            ("FuCK", "fuck"),
            ("ＦＵＣＫ", "fuck"),
            ("ДУРАК", "дурак"),
            ("STRAẞE", "straße"),
            ("ΣΟΦΟΣ ς", "σοφοσ σ"),
            ("ｶﾞｷﾞﾊﾟｳﾞ", "ガギパヴ"),
            ("ｱｲｳ", "アイウ"),
            ("赌 博", "赌博"),
            ("赌，博", "赌博"),
            ("赌， 博!", "赌博!"),
            ("赌，b", "赌,b"),
            ("a, 博", "a, 博"),
            ("测试\u{3000}一下", "测试一下"),
            ("１２３", "123"),
            ("五星紅旗", "五星红旗"),
            ("賭，博", "赌博"),
            ("㑮", "𫝈"),
        ] {
            assert_eq!(normalize(ALL, input), want, "{input}");
        }
        let none = Folds {
            case: false,
            width: false,
            skip_in_cjk: false,
            chinese: false,
        };
        assert_eq!(normalize(none, "ＡB 赌 博 紅"), "ＡB 赌 博 紅");
    }

    impl Sink for Vec<NormChar> {
        fn put(&mut self, c: char, src: Span) {
            self.push(NormChar { c, src });
        }
    }

    #[test]
    fn map_points_back_to_source() {
        let mut n = Normalizer::new(ALL, Vec::new());
        n.push("İa", 0);
        n.push("ｶﾞ，", 3);
        n.push("博", 12);
        let chars = n.finish();
        let text: String = chars.iter().map(|n| n.c).collect();
        assert_eq!(text, "i\u{307}aガ博");
        let spans: Vec<Span> = chars.iter().map(|n| n.src).collect();
        // `İ` became `i` + U+0307, both mapped to source 0..2; `ｶﾞ` composed into one
        // character covering both source characters; the skipped `，` left no trace.
        assert_eq!(spans, [(0, 2), (0, 2), (2, 3), (3, 9), (12, 15)]);
    }
}
