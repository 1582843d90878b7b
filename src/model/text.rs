//! Text helpers: scripts of characters, and rebuilding sentence and transcript text.

use std::borrow::Cow;

use super::{Sentence, Transcript, Word};

/// The writing system of a character, as the stages need to tell them apart.
///
/// # Example
///
/// ```
/// use asrpost::text::Script;
///
/// assert_eq!(Script::of('你'), Script::Han);
/// assert_eq!(Script::of('の'), Script::Kana);
/// assert_eq!(Script::of('한'), Script::Hangul);
/// assert_eq!(Script::of('é'), Script::Latin);
/// assert_eq!(Script::of('ж'), Script::Cyrillic);
/// assert_eq!(Script::of('７'), Script::Digit);
/// assert_eq!(Script::of('，'), Script::Punctuation);
/// assert!(Script::of('你').is_cjk());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Script {
    /// Chinese characters (also in Japanese and Korean text).
    Han,
    /// Japanese hiragana and katakana (including half-width katakana and the prolonged sound
    /// mark).
    Kana,
    /// Korean Hangul.
    Hangul,
    /// Latin letters, including accented ones and full-width forms.
    Latin,
    /// Cyrillic letters.
    Cyrillic,
    /// Decimal digits, ASCII or full-width.
    Digit,
    /// Punctuation and symbols, ASCII or CJK.
    Punctuation,
    /// White space.
    Space,
    /// Anything else (other scripts, emoji).
    Other,
}

impl Script {
    /// The script of one character.
    pub fn of(c: char) -> Script {
        let u = c as u32;
        match u {
            0x30..=0x39 | 0xFF10..=0xFF19 => Script::Digit,
            0x41..=0x5A | 0x61..=0x7A | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A => Script::Latin,
            0xC0..=0x24F if u != 0xD7 && u != 0xF7 => Script::Latin,
            0x1E00..=0x1EFF => Script::Latin,
            0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
            0x3040..=0x309F | 0x30A0..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => Script::Kana,
            0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7AF => Script::Hangul,
            0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xF900..=0xFAFF
            | 0x20000..=0x2FA1F
            | 0x30000..=0x3134F
            | 0x3005
            | 0x3007 => Script::Han,
            _ if c.is_whitespace() => Script::Space,
            _ if c.is_ascii_punctuation() => Script::Punctuation,
            0xA1..=0xBF | 0xD7 | 0xF7 => Script::Punctuation,
            0x2000..=0x2BFF | 0x3000..=0x303F | 0xFE10..=0xFE1F | 0xFE30..=0xFE6F => {
                Script::Punctuation
            }
            0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65 => {
                Script::Punctuation
            }
            _ if c.is_alphabetic() => Script::Other,
            _ => Script::Other,
        }
    }

    /// Han, kana or Hangul: scripts written without spaces between words (Korean uses spaces,
    /// but its syllables are full-width like the others).
    pub fn is_cjk(self) -> bool {
        matches!(self, Script::Han | Script::Kana | Script::Hangul)
    }

    /// Latin or Cyrillic: scripts whose words are separated by spaces.
    pub fn is_alphabetic(self) -> bool {
        matches!(self, Script::Latin | Script::Cyrillic)
    }
}

/// Whether a character is shown full-width (counts 1 in CJK subtitle presets, where half-width
/// counts 0.5).
pub fn is_wide(c: char) -> bool {
    let u = c as u32;
    // The range test first: it is cheap and settles CJK punctuation, the common case.
    matches!(u, 0x4E00..=0x9FFF | 0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF)
        // Half-width katakana, Hangul jamo and forms (U+FF61–FFDC, FFE8–FFEE) are CJK but
        // drawn half-width.
        || (Script::of(c).is_cjk() && !matches!(u, 0xFF61..=0xFFDC | 0xFFE8..=0xFFEE))
}

/// The concatenation of `text + punctuation` of each word: the sentence text identity.
pub fn concat_words(words: &[Word<'_>]) -> String {
    let len = words
        .iter()
        .map(|w| w.text.len() + w.punctuation.len())
        .sum();
    let mut out = String::with_capacity(len);
    for w in words {
        push_piece(&mut out, &w.text);
        // Most words have no punctuation.
        if !w.punctuation.is_empty() {
            push_piece(&mut out, &w.punctuation);
        }
    }
    out
}

/// Appends `piece` to `out`. Most pieces are one Chinese character or punctuation mark (three
/// bytes): a copy of a known length is inlined, where a copy of any length calls `memcpy`.
#[inline]
fn push_piece(out: &mut String, piece: &str) {
    if piece.len() == 3 {
        out.push_str(&piece[..3]);
    } else {
        out.push_str(piece);
    }
}

/// The code point of the character of the main Han block (U+4E00 to U+9FFF: E4 B8 80 to E9 BF
/// BF in UTF-8, where most Chinese text is) that `bytes`, the bytes of a `str`, start with,
/// decoded straight from its three bytes: the hot paths' test for a Paraformer word, mostly
/// one such character. (The bytes being UTF-8, those after such a lead byte are continuation
/// bytes.)
#[inline]
pub(crate) const fn leading_main_han(bytes: &[u8]) -> Option<u32> {
    match *bytes {
        [a @ 0xE4..=0xE9, b, c, ..] if a > 0xE4 || b >= 0xB8 => {
            Some(((a as u32 & 0x0F) << 12) | ((b as u32 & 0x3F) << 6) | (c as u32 & 0x3F))
        }
        _ => None,
    }
}

/// The character of a text that is exactly one character of the main Han block
/// ([`leading_main_han`]).
#[inline]
pub(crate) fn main_han_char(text: &str) -> Option<char> {
    match text.len() {
        3 => leading_main_han(text.as_bytes()).and_then(char::from_u32),
        _ => None,
    }
}

/// The concatenation of the sentences' texts: the transcript text identity.
pub fn concat_sentences(sentences: &[Sentence<'_>]) -> String {
    let mut out = String::with_capacity(sentences.iter().map(|s| s.text.len()).sum());
    for s in sentences {
        out.push_str(&s.text);
    }
    out
}

/// Whether the sentence's text equals its words' text, without allocating.
pub fn sentence_matches_words(s: &Sentence<'_>) -> bool {
    let mut rest = s.text.as_ref();
    for w in &s.words {
        for part in [w.text.as_ref(), w.punctuation.as_ref()] {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        }
    }
    rest.is_empty()
}

/// Whether the transcript's text equals its sentences' text, without allocating.
pub fn transcript_matches_sentences(t: &Transcript<'_>) -> bool {
    let mut rest = t.text.as_ref();
    for s in &t.sentences {
        match rest.strip_prefix(s.text.as_ref()) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    rest.is_empty()
}

pub(crate) fn rebuild_sentence_text(s: &mut Sentence<'_>) -> bool {
    if s.words.is_empty() || sentence_matches_words(s) {
        return false;
    }
    s.text = Cow::Owned(concat_words(&s.words));
    true
}

pub(crate) fn rebuild_transcript_text(t: &mut Transcript<'_>) -> bool {
    if transcript_matches_sentences(t) {
        return false;
    }
    t.text = Cow::Owned(concat_sentences(&t.sentences));
    true
}

/// Number of Unicode scalar values in `s`.
pub fn char_count(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Millis;

    fn w(t: &'static str, p: &'static str) -> Word<'static> {
        Word::new(Millis(0), Millis(1), t, p)
    }

    #[test]
    fn rebuild_only_on_change() {
        let mut s = Sentence::new(vec![w("Hello ", ""), w("world", ".")]);
        s.text = Cow::Borrowed("Hello world.");
        assert!(!s.rebuild_text());
        assert!(matches!(s.text, Cow::Borrowed(_)));
        s.words.remove(0);
        assert!(s.rebuild_text());
        assert_eq!(s.text, "world.");
    }

    #[test]
    fn transcript_rebuild() {
        let mut t = Transcript::new(0, vec![Sentence::new(vec![w("好", "。")])]);
        assert_eq!(t.text, "好。");
        t.text = Cow::Borrowed("好。");
        assert!(!t.rebuild_text());
        t.sentences[0].text = Cow::Borrowed("坏。");
        assert!(t.rebuild_text());
        assert_eq!(t.text, "坏。");
    }

    #[test]
    fn scripts() {
        for (c, s) in [
            ('a', Script::Latin),
            ('Ａ', Script::Latin),
            ('ー', Script::Kana),
            ('ｶ', Script::Kana),
            ('。', Script::Punctuation),
            ('“', Script::Punctuation),
            (' ', Script::Space),
            ('\u{3000}', Script::Space),
            ('1', Script::Digit),
            ('α', Script::Other),
        ] {
            assert_eq!(Script::of(c), s, "{c}");
        }
        assert!(is_wide('你') && is_wide('，') && !is_wide('a'));
        // Katakana and Hangul, full and half-width.
        assert!(is_wide('ア') && is_wide('한') && !is_wide('ｱ'));
        assert!(!is_wide('ﾞ') && !is_wide('ﾡ') && !is_wide('｡'));
    }
}
