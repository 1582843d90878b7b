//! Subtitle cues: segmentation, line breaking and timing, separate from the format writers.
//!
//! A [`CueBuilder`] turns a [`Transcription`] into [`Cue`]s that follow a [`Preset`] from the
//! professional guides (Netflix English 42 characters per line, Chinese 16, Korean 16,
//! Japanese 13; BBC 37; at most two lines), and the SRT, WebVTT and ASS writers only format them.
//!
//! * **Width.** In CJK presets full-width characters count 1 and half-width ones 0.5, as
//!   Netflix counts; in the others every character counts 1. Speaker labels written into the
//!   text count too. Reading speed counts characters the same way
//!   ([`Preset::reading_length`]), in the builder, the re-balancer and [`qc`](super::qc).
//! * **Breaks are scored, not greedy.** Cue and line breaks are chosen by dynamic programming
//!   over break opportunities, preferring a sentence end, then clause punctuation (`，、；：`,
//!   `,;:`), then a break before a conjunction, then a word boundary, with a bonus for pauses.
//!   A break never falls inside a Latin word or number, never before a character that may not
//!   start a line (`，。」`…) nor after one that may not end it (`「（`…), and two-line cues
//!   are balanced.
//! * **Timing.** Cues last at least 5/6 s and at most 7 s, keep a gap of two frames at the
//!   preset's frame rate, close gaps under 12 frames, and are extended into free time until
//!   they meet the preset's reading speed (characters per second). Cues never overlap and
//!   never have zero length. Long pauses and speaker changes start a new cue, or, with
//!   [`SpeakerLabels::Dashes`], quick exchanges become two-speaker cues.
//! * **Reading speed in dense speech.** A cue still too fast (no free time around it) is
//!   re-balanced with a neighbour of the same speaker: the break between them moves, or the
//!   two merge, when that makes them read without breaking another rule; it may also start
//!   up to two frames before its speech. Where the speaker is faster than the limit over a
//!   whole stretch, no cut helps: those cues stay too fast and [`qc`](super::qc) reports them
//!   ([`CueBuilder::rebalance`]).
//! * **Performance.** Laying out and writing the synthetic one-hour meeting as SRT (10.5k
//!   words, `benches/export.rs`) takes 0.46–0.50× the time of parsing its JSON with the
//!   default pool of two threads on an otherwise idle machine (median 0.49× in eight criterion
//!   runs, one at 0.502; 0.47–0.55× in six runs before the last change), and about 0.72× on
//!   one thread (0.79× before the parallel layout, 0.89× before the short paths below).
//!   That is about 10.1 million instructions per export, 960 per word (callgrind, the
//!   `subtitle_profile` example on one thread), down from 12.9 million. The cue search takes
//!   about a fifth of it, making and grouping tokens and scoring breaks about two fifths, the
//!   cues' text (line breaking, line text, allocation of each cue's lines and texts) about a
//!   sixth, timing, re-balancing and writing the rest.
//!
//!   The layout runs in one parallel pass (see `Layout::run`). The sentences are cut into
//!   parts that no block crosses, the same number for each thread: at speaker changes, and
//!   at long pauses where a line may break, found from the sentences' times before any token
//!   exists. Each part makes and measures its own tokens and works out its atoms, cue search
//!   and cue text, the largest parts first; the parts' tokens and atoms stay where they were
//!   made (`InParts`). A word running past its sentence's end can close a pause the sentence
//!   times show: the tokens' times check every cut, and the parts around a cut that does not
//!   hold are joined and laid out again. The pool's other threads are kept awake while the
//!   parts are planned (`par::warm`); a sleeping one took 40–60 µs to start. Timing,
//!   re-balancing and writing stay on the calling thread (about 0.2 ms).
//!
//!   Measured on the way, on two threads (medians of the profile loop): the one pass instead
//!   of a token pass and a layout pass (with a token list to fill first) went from 0.56× to
//!   0.52×; six parts of about 1,700 tokens instead of nine or ten of about 1,100, from 0.52×
//!   to 0.50×; keeping the pool awake, a little more. Writing SRT in parallel tasks was slower: by the time the
//!   text is written the pool thread sleeps, and the calling thread waits for it to start.
//!   Helper threads of our own (`std::thread::scope`) took up to milliseconds to start here.
//!
//!   Allocation matters on a fresh process: the parts allocate blocks under glibc's 128 KiB
//!   threshold, so until the process has freed one large block glibc trims the pool
//!   thread's heap after each export and the next one faults the pages back in (about 50
//!   page faults, 0.03× of the parse). Criterion runs, like a long-lived service, are past
//!   that point (2 faults per export).
//!
//!   The wall time follows the instruction count, not the memory traffic: building tokens,
//!   atoms and cues block by block in one pass cut level-1 cache misses by 40% and was no
//!   faster on one thread. Packing what the search reads of each block's atoms into a compact
//!   array, or walking its states with an iterator instead of indices, measured 3–6% more
//!   instructions (the packing costs more than the loop saves). The common cases have short
//!   paths: a one-character Han token is measured on its bytes, conjunctions are looked up as
//!   numbers in tables built when compiling, two-line breaks are scored only where both lines
//!   fit, greedy fill finds line ends by binary search, and a line is trimmed only at an end
//!   whose token may end in white space. The layout keeps each line's reading length from its
//!   tokens' widths, so timing and the re-balancer do not count characters again.
//!
//! ```
//! use asrpost::Transcription;
//! use asrpost::export::cues::{CueBuilder, Preset};
//!
//! let doc = Transcription::from_str(r#"{"transcripts":[{"sentences":[{"begin_time":0,
//!   "end_time":1800,"text":"你好，世界。","words":[
//!   {"begin_time":0,"end_time":300,"text":"你","punctuation":""},
//!   {"begin_time":300,"end_time":600,"text":"好","punctuation":"，"},
//!   {"begin_time":900,"end_time":1200,"text":"世","punctuation":""},
//!   {"begin_time":1200,"end_time":1800,"text":"界","punctuation":"。"}]}]}]}"#)?;
//! let cues = CueBuilder::new(Preset::from_name("netflix-zh").unwrap()).build(&doc);
//! assert_eq!(cues.len(), 1);
//! assert_eq!(cues[0].lines[0].text, "你好，世界。");
//! # Ok::<(), asrpost::Error>(())
//! ```

use std::sync::Arc;

use crate::text::{Script, is_wide, leading_main_han};
use crate::{FrameRate, Millis, Sentence, Transcription, Word};

use super::text::sentences_by_time;
use crate::par;

mod speed;

/// Times past this are clamped, so that no arithmetic on them can overflow.
const TIME_LIMIT: u64 = 1 << 50;

/// What follows the speaker's name in a label (`Speaker 1: `).
pub(crate) const LABEL_END: &str = ": ";

/// The least a parallel task of the layout gets, in tokens: about 150 µs of work. On the
/// synthetic hour (two threads), parts of about 1,700 tokens, three to each thread, took less
/// time than ten parts of about 1,050 (0.495 against 0.52 of the parse, medians of eight runs).
const TOKENS_PER_TASK: usize = 1536;

/// A subtitle language, for presets, conjunctions and the dual-speaker dash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Language {
    /// English (and other languages written with spaces).
    English,
    /// Chinese.
    Chinese,
    /// Japanese.
    Japanese,
    /// Korean.
    Korean,
}

impl Language {
    /// The ISO 639-1 code: `en`, `zh`, `ja`, `ko`.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Chinese => "zh",
            Language::Japanese => "ja",
            Language::Korean => "ko",
        }
    }

    /// The language with ISO 639-1 code `code`, case-insensitively.
    pub fn from_code(code: &str) -> Option<Language> {
        [
            Language::English,
            Language::Chinese,
            Language::Japanese,
            Language::Korean,
        ]
        .into_iter()
        .find(|l| l.code().eq_ignore_ascii_case(code))
    }

    /// The dominant language of a document's text, judged by its scripts: kana means
    /// Japanese, mostly Hangul Korean, enough Han characters Chinese, else English.
    pub fn detect(doc: &Transcription<'_>) -> Language {
        let mut counts = ScriptCounts::default();
        for t in &doc.transcripts {
            for s in &t.sentences {
                counts.add(&s.text);
                if counts.total >= 4_000 {
                    return counts.language();
                }
            }
        }
        counts.language()
    }

    /// The dominant language of `text`, as [`Language::detect`] judges it.
    pub fn detect_text(text: &str) -> Language {
        let mut counts = ScriptCounts::default();
        counts.add(text);
        counts.language()
    }

    /// How a line of a two-speaker cue starts: `-` (English, Chinese), `- ` (Korean), `－`
    /// (Japanese).
    pub fn dash(self) -> &'static str {
        match self {
            Language::Korean => "- ",
            Language::Japanese => "－",
            _ => "-",
        }
    }
}

#[derive(Default)]
struct ScriptCounts {
    han: usize,
    kana: usize,
    hangul: usize,
    latin: usize,
    total: usize,
}

impl ScriptCounts {
    /// Counts the characters of `text` by script. Most are ASCII or in the main Han block:
    /// those are told by their bytes, and only the others are decoded.
    fn add(&mut self, text: &str) {
        let bytes = text.as_bytes();
        // Counters in locals: stored through `self`, they would be written back each step.
        let (mut total, mut han, mut latin) = (0, 0, 0);
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            total += 1;
            if b.is_ascii() {
                // Of ASCII, only letters count (as Latin); digits, spaces and punctuation not.
                latin += usize::from(b.is_ascii_alphabetic());
                i += 1;
            } else if leading_main_han(&bytes[i..]).is_some() {
                han += 1;
                i += 3;
            } else if let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) {
                i += c.len_utf8();
                self.add_char(c);
            } else {
                // Not reached: `i` is always at the start of a character.
                break;
            }
        }
        self.total += total;
        self.han += han;
        self.latin += latin;
    }

    /// Counts one character by script.
    fn add_char(&mut self, c: char) {
        // CJK and full-width punctuation, the other usual characters of Chinese text, count
        // for no script: settled before classifying (`U+3005` and `U+3007` are Han).
        if matches!(c as u32, 0x3000..=0x3004 | 0x3006 | 0x3008..=0x303F | 0xFF01..=0xFF0F) {
            return;
        }
        self.count(Script::of(c));
    }

    /// Counts one character of `script`.
    fn count(&mut self, script: Script) {
        match script {
            Script::Han => self.han += 1,
            Script::Kana => self.kana += 1,
            Script::Hangul => self.hangul += 1,
            Script::Latin | Script::Cyrillic => self.latin += 1,
            _ => {}
        }
    }

    fn language(&self) -> Language {
        let cjk = self.han + self.kana + self.hangul;
        // A CJK character carries about as much as a short word, three Latin letters.
        if cjk == 0 || cjk * 3 < self.latin {
            Language::English
        } else if self.hangul * 2 > cjk {
            Language::Korean
        } else if self.kana > 0 && self.kana * 10 >= self.han + self.kana {
            Language::Japanese
        } else {
            Language::Chinese
        }
    }
}

/// Layout and timing rules: line length, lines per cue, durations, gaps and reading speed.
///
/// Fields are public, so every value can be overridden:
///
/// ```
/// use asrpost::export::cues::Preset;
///
/// let mut p = Preset::from_name("bbc").unwrap();
/// p.max_chars = 40;
/// assert_eq!(p.max_lines, 2);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Preset {
    /// The preset's name, as [`Preset::from_name`] takes it.
    pub name: &'static str,
    /// The language the rules are for.
    pub language: Language,
    /// Characters per line (full-width characters; see [`Preset::half_width`]).
    pub max_chars: u32,
    /// Lines per cue.
    pub max_lines: u32,
    /// Whether half-width characters (Latin, digits, spaces, ASCII punctuation) count 0.5,
    /// as in Netflix's CJK guides.
    pub half_width: bool,
    /// Reading speed: at most this many characters per second of display.
    pub max_cps: u32,
    /// Shortest display time.
    pub min_duration: Millis,
    /// Longest display time.
    pub max_duration: Millis,
    /// The video frame rate the frame-based rules use.
    pub frame_rate: FrameRate,
    /// Smallest gap between two cues, in frames.
    pub min_gap_frames: u32,
    /// Gaps shorter than this many frames are closed up to the minimum gap.
    pub close_gap_frames: u32,
}

impl Preset {
    /// Every preset name [`Preset::from_name`] knows.
    pub const NAMES: &'static [&'static str] = &[
        "netflix-en",
        "netflix-zh",
        "netflix-ja",
        "netflix-ko",
        "bbc",
    ];

    /// Netflix's timed-text rules for `language`: 42 characters per line for English, 16 for
    /// Chinese and Korean, 13 for Japanese (horizontal); reading speed 20, 9, 12 and 4
    /// characters per second; 2 lines; 5/6 s to 7 s; a 2-frame gap at 23.976 fps.
    pub fn netflix(language: Language) -> Preset {
        let (name, max_chars, max_cps) = match language {
            Language::English => ("netflix-en", 42, 20),
            Language::Chinese => ("netflix-zh", 16, 9),
            Language::Japanese => ("netflix-ja", 13, 4),
            Language::Korean => ("netflix-ko", 16, 12),
        };
        Preset {
            name,
            language,
            max_chars,
            max_lines: 2,
            half_width: language != Language::English,
            max_cps,
            min_duration: Millis(833),
            max_duration: Millis(7000),
            frame_rate: FrameRate::FPS_23_976,
            min_gap_frames: 2,
            close_gap_frames: 12,
        }
    }

    /// The BBC subtitle guidelines: 37 characters per line, 2 lines, about 170 words per
    /// minute (17 characters per second), at 25 fps; timing as Netflix.
    pub fn bbc() -> Preset {
        Preset {
            name: "bbc",
            max_chars: 37,
            max_cps: 17,
            frame_rate: FrameRate::FPS_25,
            ..Preset::netflix(Language::English)
        }
    }

    /// The preset named `name` (one of [`Preset::NAMES`], or a bare language code `en`, `zh`,
    /// `ja`, `ko` for Netflix's), case-insensitively.
    pub fn from_name(name: &str) -> Option<Preset> {
        let name = name.trim().to_ascii_lowercase();
        if name == "bbc" {
            return Some(Preset::bbc());
        }
        let code = name.strip_prefix("netflix-").unwrap_or(&name);
        Language::from_code(code).map(Preset::netflix)
    }

    /// Netflix's preset for the language [`Language::detect`] finds in `doc`.
    pub fn detect(doc: &Transcription<'_>) -> Preset {
        Preset::netflix(Language::detect(doc))
    }

    /// The width of `text` in half-character units (so 16 full-width characters are 32).
    pub fn width(&self, text: &str) -> u32 {
        text.chars().map(|c| self.char_units(c)).sum()
    }

    /// The width of a line, in half-character units.
    pub fn max_width(&self) -> u32 {
        self.max_chars.max(1).saturating_mul(2)
    }

    /// The smallest gap between cues.
    pub fn min_gap(&self) -> Millis {
        self.frame_rate.frames(u64::from(self.min_gap_frames))
    }

    /// Gaps shorter than this are closed up.
    pub fn close_gap(&self) -> Millis {
        self.frame_rate.frames(u64::from(self.close_gap_frames))
    }

    /// How long a text of reading length `half` ([`Preset::reading_length`], in half
    /// characters) needs on screen at the preset's reading speed.
    ///
    /// ```
    /// use asrpost::export::cues::{Language, Preset};
    ///
    /// let zh = Preset::netflix(Language::Chinese);
    /// // Nine full-width characters at 9 per second.
    /// assert_eq!(zh.reading_time(zh.reading_length(["你好你好你好你好你"])), asrpost::Millis(1000));
    /// ```
    pub fn reading_time(&self, half: u32) -> Millis {
        let per_second = u64::from(self.max_cps.max(1)) * 2;
        Millis(u64::from(half).saturating_mul(1000).div_ceil(per_second))
    }

    /// The reading length of `lines` in half characters, as reading speed counts it: every
    /// visible character, spaces inside a line included, line breaks and the white space at
    /// the ends of a line not, zero-width characters not. Characters count as wide as
    /// [`Preset::width`] counts them: in CJK presets ([`Preset::half_width`]) full-width
    /// characters count 1 (2 half characters) and half-width ones (Latin, digits, spaces,
    /// ASCII punctuation) 0.5, as Netflix counts; in the others every character counts 1.
    ///
    /// ```
    /// use asrpost::export::cues::{Language, Preset};
    ///
    /// let zh = Preset::netflix(Language::Chinese);
    /// let en = Preset::netflix(Language::English);
    /// // 3 full-width characters and 5 half-width ones (the space too): 5.5 characters.
    /// assert_eq!(zh.reading_length(["我们用 Rust"]), 11);
    /// // Every character counts 1: 8 characters.
    /// assert_eq!(en.reading_length(["我们用 Rust"]), 16);
    /// ```
    pub fn reading_length<'a>(&self, lines: impl IntoIterator<Item = &'a str>) -> u32 {
        let lines = lines.into_iter().map(str::trim);
        if self.half_width {
            lines.map(|l| self.width(l)).fold(0, u32::saturating_add)
        } else {
            // Every visible character counts 2: count them on the bytes.
            let n: usize = lines.map(visible_chars).sum();
            u32::try_from(n).unwrap_or(u32::MAX / 2).saturating_mul(2)
        }
    }

    /// How long a cue of reading length `half` should show: its reading time, at least the
    /// minimum duration, at most the maximum.
    pub(crate) fn display_time(&self, half: u32) -> Millis {
        self.min_duration
            .max(self.reading_time(half))
            .min(self.max_duration)
    }

    fn char_units(&self, c: char) -> u32 {
        // Fast paths for the common cases: ASCII and the main Han block.
        let u = c as u32;
        if (0x20..0x7F).contains(&u) {
            if self.half_width { 1 } else { 2 }
        } else if (0x4E00..=0x9FFF).contains(&u) {
            2
        } else if is_zero_width(c) {
            0
        } else if !self.half_width || is_wide(c) {
            2
        } else {
            1
        }
    }
}

/// Characters a reader does not see: combining marks, zero-width spaces and joiners,
/// variation selectors, the BOM.
pub(crate) fn is_zero_width(c: char) -> bool {
    matches!(c as u32, 0x300..=0x36F | 0x200B..=0x200F | 0x2060..=0x2064 | 0xFE00..=0xFE0F | 0xFEFF)
        || c.is_control()
}

/// The characters of `text` that are not zero-width ([`is_zero_width`]), counted on the bytes:
/// every character starts with a byte that does not continue one, and only a control byte or
/// the lead bytes 0xC2, 0xCC, 0xCD, 0xE2 and 0xEF can start a zero-width character, so only
/// those are decoded.
fn visible_chars(text: &str) -> usize {
    /// Bytes that may start a zero-width character.
    const MAYBE_HIDDEN: [bool; 256] = with_control_bytes(&[0xCC, 0xCD, 0xE2, 0xEF]);
    if !super::has_byte_in(text, &MAYBE_HIDDEN) {
        // Branch-free: the bytes that do not continue a character.
        return text.bytes().filter(|&b| (b as i8) >= -0x40).count();
    }
    let mut n = 0;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        let hidden = match b {
            // A continuation byte.
            0x80..=0xBF => true,
            0x00..=0x1F | 0x7F => true,
            0xC2 | 0xCC | 0xCD | 0xE2 | 0xEF => text
                .get(i..)
                .and_then(|rest| rest.chars().next())
                .is_some_and(is_zero_width),
            _ => false,
        };
        n += usize::from(!hidden);
    }
    n
}

/// A [`super::byte_set`] of the bytes in `set` and the bytes a control character may start
/// with: ASCII controls, and 0xC2, the lead byte of C1 controls (U+0080..U+009F).
const fn with_control_bytes(set: &[u8]) -> [bool; 256] {
    let mut table = super::byte_set(set);
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[0x7F] = true;
    table[0xC2] = true;
    table
}

/// How speakers show in subtitles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SpeakerLabels {
    /// No labels; a speaker change still starts a new cue.
    #[default]
    None,
    /// Name the speaker: `Speaker 1: ` before the text when the speaker changes (SRT),
    /// `<v Speaker 1>` (WebVTT), the `Name` field (ASS). The label counts in the line width.
    Names,
    /// Quick exchanges between two speakers become one cue with a line per speaker, each
    /// starting with the language's dash; speakers are also named as with `Names` in WebVTT
    /// voices and the ASS `Name` field, but not in the text.
    Dashes,
}

impl SpeakerLabels {
    /// The mode named `none`, `names` or `dashes`.
    pub fn from_name(name: &str) -> Option<SpeakerLabels> {
        match name.trim().to_ascii_lowercase().as_str() {
            "none" | "off" => Some(SpeakerLabels::None),
            "names" | "name" | "on" => Some(SpeakerLabels::Names),
            "dashes" | "dash" => Some(SpeakerLabels::Dashes),
            _ => None,
        }
    }
}

/// One subtitle: a time span and up to [`Preset::max_lines`] lines of text.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Cue {
    /// When the cue appears.
    pub begin: Millis,
    /// When it disappears; always after `begin`.
    pub end: Millis,
    /// The lines, trimmed, never empty, free of line breaks and control characters.
    pub lines: Vec<CueLine>,
    /// The speaker, when known (`Speaker 1`, `Channel 0`, `Channel 0 Speaker 1`). Shared by
    /// all the cues of that speaker: the layout makes each name once, not once per cue.
    pub speaker: Option<Arc<str>>,
    /// Whether the speaker's name is written before the text ([`SpeakerLabels::Names`] on a
    /// speaker change); the layout counted it in the first line's width.
    pub label: bool,
}

impl Cue {
    /// The label written before the text (`Speaker 1: `), if any.
    pub fn label_text(&self) -> Option<String> {
        self.label_name().map(|name| format!("{name}{LABEL_END}"))
    }

    /// The speaker's name the label is made of ([`Cue::label_text`]), if there is a label.
    pub fn label_name(&self) -> Option<&str> {
        match (&self.speaker, self.label) {
            (Some(name), true) => Some(name),
            _ => None,
        }
    }

    /// How long the cue shows.
    pub fn duration(&self) -> Millis {
        self.end - self.begin
    }

    /// The reading length of the cue under `preset`, label included, in half characters
    /// ([`Preset::reading_length`]).
    pub fn reading_length(&self, preset: &Preset) -> u32 {
        self.label_length(preset)
            .saturating_add(preset.reading_length(self.lines.iter().map(|l| l.text.as_str())))
    }

    /// The reading length of the label: the name, the colon and the space before the text.
    fn label_length(&self, preset: &Preset) -> u32 {
        self.label_name().map_or(0, |name| {
            preset.reading_length([name]) + preset.width(LABEL_END)
        })
    }

    /// [`Cue::reading_length`], from the lengths the layout found for its lines where it has
    /// them.
    pub(crate) fn laid_out_reading_length(&self, preset: &Preset) -> u32 {
        self.lines.iter().fold(self.label_length(preset), |n, l| {
            let line = l
                .reading
                .unwrap_or_else(|| preset.reading_length([l.text.as_str()]));
            n.saturating_add(line)
        })
    }
}

/// One line of a cue.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CueLine {
    /// The text, as the words and punctuation were, trimmed.
    pub text: String,
    /// The line's speaker in a two-speaker cue (the line then starts with a dash); shared like
    /// [`Cue::speaker`].
    pub speaker: Option<Arc<str>>,
    /// Where each word starts in `text` (byte offset) and when it is spoken, for karaoke.
    pub words: Vec<CueWord>,
    /// The reading length of `text` ([`Preset::reading_length`]) as the layout found it from
    /// its tokens' widths, so that timing and the re-balancer need not count the characters
    /// again; `None` for a line the layout did not make.
    reading: Option<u32>,
}

/// A word's place in a cue line, for per-word timing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CueWord {
    /// Byte offset of the word in the line's text.
    pub offset: usize,
    /// When the word starts.
    pub begin: Millis,
    /// When it ends.
    pub end: Millis,
}

/// Builds [`Cue`]s from a document.
///
/// ```
/// use asrpost::{FrameRate, Transcription};
/// use asrpost::export::cues::{CueBuilder, Preset, SpeakerLabels};
///
/// let doc = Transcription::from_str(r#"{"transcripts":[{"sentences":[
///   {"begin_time":0,"end_time":1500,"text":"Hello there. ","speaker_id":0},
///   {"begin_time":1600,"end_time":3000,"text":"Hi! ","speaker_id":1}]}]}"#)?;
/// let cues = CueBuilder::new(Preset::bbc())
///     .frame_rate(FrameRate::FPS_25)
///     .speaker_labels(SpeakerLabels::Names)
///     .build(&doc);
/// assert_eq!(cues.len(), 2);
/// assert_eq!(cues[1].label_text().as_deref(), Some("Speaker 1: "));
/// assert_eq!(cues[1].lines[0].text, "Hi!");
/// assert!(cues[0].end + Millis(80) <= cues[1].begin);
/// # use asrpost::Millis;
/// # Ok::<(), asrpost::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct CueBuilder {
    preset: Option<Preset>,
    max_chars: Option<u32>,
    max_lines: Option<u32>,
    frame_rate: Option<FrameRate>,
    speakers: SpeakerLabels,
    split_pause: Option<Millis>,
    /// Whether too-fast cues are left as timing made them (`rebalance(false)`).
    no_rebalance: bool,
    /// The least tokens a parallel task gets, when not [`TOKENS_PER_TASK`]: tests make
    /// small documents run in parts.
    task_tokens: Option<usize>,
}

/// Penalties of breaking a cue or line at a boundary (lower is better).
mod penalty {
    pub(super) const SENTENCE: i32 = 0;
    pub(super) const CLAUSE: i32 = 20;
    pub(super) const CONJUNCTION: i32 = 35;
    pub(super) const WORD: i32 = 50;
    pub(super) const CJK: i32 = 90;
    /// Inside a Latin word, number or kinsoku pair: only when a line cannot hold it whole.
    pub(super) const FORCED: i32 = 400;
    /// Each cue costs this much, so the layout prefers fewer, fuller cues.
    pub(super) const CUE: i32 = 40;
}

// The character sets below are `matches!` lists rather than strings to search: a match
// compiles to a few range comparisons, and they are asked about every token's edges.

/// Characters that may not start a line: the union of the Simplified and Traditional Chinese,
/// Japanese and Korean kinsoku lists (ISO/IEC 29500 §17.3.1.16), plus small kana and `ー`.
fn no_line_start(c: char) -> bool {
    matches!(
        c,
        '!' | '%'
            | ')'
            | ','
            | '.'
            | ':'
            | ';'
            | '>'
            | '?'
            | ']'
            | '}'
            | '¢'
            | '¨'
            | '°'
            | '·'
            | 'ˇ'
            | 'ˉ'
            | '–'
            | '—'
            | '―'
            | '‖'
            | '’'
            | '”'
            | '•'
            | '‥'
            | '…'
            | '‧'
            | '‰'
            | '′'
            | '″'
            | '›'
            | '℃'
            | '∶'
            | '╴'
            | '、'
            | '。'
            | '〃'
            | '々'
            | '〉'
            | '》'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '〗'
            | '〞'
            | 'ぁ'
            | 'ぃ'
            | 'ぅ'
            | 'ぇ'
            | 'ぉ'
            | 'っ'
            | 'ゃ'
            | 'ゅ'
            | 'ょ'
            | 'ゎ'
            | '゛'
            | '゜'
            | 'ゝ'
            | 'ゞ'
            | 'ァ'
            | 'ィ'
            | 'ゥ'
            | 'ェ'
            | 'ォ'
            | 'ッ'
            | 'ャ'
            | 'ュ'
            | 'ョ'
            | 'ヮ'
            | 'ヵ'
            | 'ヶ'
            | '・'
            | 'ー'
            | 'ヽ'
            | 'ヾ'
            | '︰'
            | '︱'
            | '︳'
            | '︴'
            | '︶'
            | '︸'
            | '︺'
            | '︼'
            | '︾'
            | '﹀'
            | '﹂'
            | '﹄'
            | '﹏'
            | '﹐'
            | '﹑'
            | '﹒'
            | '﹔'
            | '﹕'
            | '﹖'
            | '﹗'
            | '﹚'
            | '﹜'
            | '﹞'
            | '！'
            | '＂'
            | '％'
            | '＇'
            | '）'
            | '，'
            | '．'
            | '：'
            | '；'
            | '？'
            | '］'
            | '｀'
            | '｜'
            | '｝'
            | '～'
            | '｡'
            | '｣'
            | '､'
            | '･'
            | 'ﾞ'
            | 'ﾟ'
            | '￠'
    )
}

/// Characters that may not end a line.
fn no_line_end(c: char) -> bool {
    matches!(
        c,
        '$' | '('
            | '['
            | '\\'
            | '{'
            | '£'
            | '¥'
            | '·'
            | '‘'
            | '“'
            | '‵'
            | '〈'
            | '《'
            | '「'
            | '『'
            | '【'
            | '〔'
            | '〖'
            | '〝'
            | '︵'
            | '︷'
            | '︹'
            | '︻'
            | '︽'
            | '︿'
            | '﹁'
            | '﹃'
            | '﹙'
            | '﹛'
            | '﹝'
            | '＄'
            | '（'
            | '．'
            | '［'
            | '｛'
            | '｢'
            | '￡'
            | '￥'
    )
}

/// Sentence-ending punctuation.
fn is_sentence_end(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '。' | '！' | '？' | '…')
}

/// Clause punctuation.
fn is_clause_end(c: char) -> bool {
    matches!(c, ',' | ';' | ':' | '，' | '、' | '；' | '：' | '—')
}
/// Words a break may come before (whisperX's lists, extended): Chinese, Japanese, Korean
/// (see [`ENGLISH_CONJUNCTIONS`] for English).
const CONJUNCTIONS: &[&str] = &[
    "因为",
    "所以",
    "但是",
    "如果",
    "虽然",
    "然后",
    "而且",
    "或者",
    "可是",
    "不过",
    "因此",
    "于是",
    "并且",
    "然而",
    "还是",
    "就是",
    "そして",
    "しかし",
    "だから",
    "それで",
    "でも",
    "けれども",
    "ところが",
    "それから",
    "그리고",
    "하지만",
    "그래서",
    "그러나",
    "그런데",
    "그러면",
    "또는",
];
/// How many tokens after a token a conjunction check may look at: the three a conjunction may
/// span after it.
const LOOKAHEAD: usize = 4;

/// Two characters as one number, for [`HAN_CONJUNCTIONS`].
const fn han_pair(a: u32, b: u32) -> u64 {
    ((a as u64) << 32) | b as u64
}

/// The conjunctions of [`CONJUNCTIONS`] whose first byte may start a character of the main
/// Han block (0xE4 to 0xE9): each must be two such characters (checked when compiling), as
/// [`han_pair`]s, the rest of the table zero (no pair of Han characters is zero).
const HAN_CONJUNCTIONS: [u64; CONJUNCTIONS.len()] = {
    const fn han(b: &[u8], k: usize) -> u32 {
        match leading_main_han(b.split_at(k).1) {
            Some(c) => c,
            None => panic!("a Chinese conjunction is two Han characters"),
        }
    }
    let mut table = [0u64; CONJUNCTIONS.len()];
    let mut i = 0;
    while i < CONJUNCTIONS.len() {
        let b = CONJUNCTIONS[i].as_bytes();
        if b[0] >= 0xE4 && b[0] <= 0xE9 {
            assert!(b.len() == 6, "a Chinese conjunction is two Han characters");
            table[i] = han_pair(han(b, 0), han(b, 3));
        }
        i += 1;
    }
    table
};

/// English words a break may come before.
const ENGLISH_CONJUNCTIONS: &[&str] = &[
    "and", "but", "or", "so", "because", "however", "although", "though", "while", "if", "when",
    "then", "yet", "which", "that", "who", "where", "since", "unless",
];

/// A word of at most eight ASCII bytes, lowercased, as one number (zero bytes after it).
const fn english_key(word: &[u8]) -> u64 {
    let mut key = 0u64;
    let mut i = 0;
    while i < word.len() && i < 8 {
        key |= (word[i].to_ascii_lowercase() as u64) << (8 * i);
        i += 1;
    }
    key
}

/// [`ENGLISH_CONJUNCTIONS`] as [`english_key`]s: each is at most eight lowercase letters
/// (checked when compiling), so a word matches one, ignoring case, when their keys are equal.
const ENGLISH_KEYS: [u64; ENGLISH_CONJUNCTIONS.len()] = {
    let mut keys = [0u64; ENGLISH_CONJUNCTIONS.len()];
    let mut i = 0;
    while i < keys.len() {
        let word = ENGLISH_CONJUNCTIONS[i].as_bytes();
        assert!(
            !word.is_empty() && word.len() <= 8,
            "an English conjunction has 1 to 8 letters"
        );
        let mut k = 0;
        while k < word.len() {
            assert!(
                word[k].is_ascii_lowercase(),
                "English conjunctions are lowercase"
            );
            k += 1;
        }
        keys[i] = english_key(word);
        i += 1;
    }
    keys
};

impl CueBuilder {
    /// A builder with `preset`'s rules.
    pub fn new(preset: Preset) -> CueBuilder {
        CueBuilder {
            preset: Some(preset),
            ..CueBuilder::default()
        }
    }

    /// A builder that picks Netflix's preset for each document's language
    /// ([`Preset::detect`]). The same as `CueBuilder::default()`.
    pub fn auto() -> CueBuilder {
        CueBuilder::default()
    }

    /// Characters per line, overriding the preset's (at least 1). By default, the preset's.
    pub fn max_chars(mut self, n: u32) -> Self {
        self.max_chars = Some(n.max(1));
        self
    }

    /// Lines per cue, overriding the preset's (1 to 10). By default, the preset's.
    pub fn max_lines(mut self, n: u32) -> Self {
        self.max_lines = Some(n.clamp(1, 10));
        self
    }

    /// The video frame rate for frame-based gaps. By default, the preset's.
    pub fn frame_rate(mut self, fps: FrameRate) -> Self {
        self.frame_rate = Some(fps);
        self
    }

    /// How speakers show. By default, [`SpeakerLabels::None`].
    pub fn speaker_labels(mut self, labels: SpeakerLabels) -> Self {
        self.speakers = labels;
        self
    }

    /// A pause at least this long always starts a new cue. By default, 1.5 s.
    pub fn split_pause(mut self, pause: Millis) -> Self {
        self.split_pause = Some(pause);
        self
    }

    /// Whether cues that read too fast after timing are re-balanced with their neighbours:
    /// the break between two cues of one speaker moved, or the two merged, when that makes
    /// them read, and a cue allowed to lead its speech by up to two frames (Netflix's
    /// in-time tolerance). Cues a fast speaker leaves too fast over a whole stretch stay too
    /// fast, and [`qc::check`](super::qc::check) reports them. Turned off, every cue keeps
    /// the cut the layout chose and its speech timing. By default, `true`.
    pub fn rebalance(mut self, yes: bool) -> Self {
        self.no_rebalance = !yes;
        self
    }

    /// The speaker-label mode.
    pub fn labels(&self) -> SpeakerLabels {
        self.speakers
    }

    /// Sets the least tokens a parallel task of the layout gets (tests and fuzzing: small
    /// documents laid out in parts).
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn task_tokens(mut self, n: usize) -> Self {
        self.task_tokens = Some(n);
        self
    }

    /// The rules used for `doc`: the preset (or the detected one) with the overrides applied.
    pub fn preset_for(&self, doc: &Transcription<'_>) -> Preset {
        let mut p = match &self.preset {
            Some(p) => p.clone(),
            None => Preset::detect(doc),
        };
        if let Some(n) = self.max_chars {
            p.max_chars = n;
        }
        if let Some(n) = self.max_lines {
            p.max_lines = n;
        }
        if let Some(fps) = self.frame_rate {
            p.frame_rate = fps;
        }
        p.max_chars = p.max_chars.max(1);
        p.max_lines = p.max_lines.clamp(1, 10);
        p.max_duration = p.max_duration.max(Millis(1));
        p
    }

    /// The cues for `doc`, ordered, never overlapping, each with a positive duration.
    pub fn build(&self, doc: &Transcription<'_>) -> Vec<Cue> {
        self.build_with_preset(doc).1
    }

    /// The rules used for `doc` ([`CueBuilder::preset_for`]) and the cues built with them.
    pub fn build_with_preset(&self, doc: &Transcription<'_>) -> (Preset, Vec<Cue>) {
        self.build_for_writer(doc, true)
    }

    /// As [`CueBuilder::build_with_preset`], but with [`CueLine::words`] left empty unless
    /// `words`: the writers that show no per-word times skip building them.
    pub(crate) fn build_for_writer(
        &self,
        doc: &Transcription<'_>,
        words: bool,
    ) -> (Preset, Vec<Cue>) {
        let preset = self.preset_for(doc);
        let mut layout = Layout::new(self, &preset);
        layout.words = words;
        let cues = layout.run(doc);
        (preset, cues)
    }
}

/// A piece of text the layout places whole: a word with its punctuation.
#[derive(Clone, Copy)]
struct Token<'d> {
    text: &'d str,
    punct: &'d str,
    begin: Millis,
    end: Millis,
    speaker: usize,
    sentence_end: bool,
    /// Width with all spaces, and the widths of leading and trailing white space.
    width: u32,
    lead: u32,
    trail: u32,
    /// What the break rules need to know about the edge characters, as [`edge`] bits:
    /// worked out once per token, since every boundary asks about both of its sides.
    edges: u16,
}

/// Bits of [`Token::edges`]: facts about a token's first and last characters, and its first
/// and last visible (not white space) ones.
mod edge {
    /// The token has no characters at all.
    pub(super) const EMPTY: u16 = 1;
    /// The first character is white space.
    pub(super) const FIRST_SPACE: u16 = 1 << 1;
    /// The last character is white space.
    pub(super) const LAST_SPACE: u16 = 1 << 2;
    /// The first character belongs to a word written with spaces ([`super::is_word_char`]).
    pub(super) const FIRST_WORD: u16 = 1 << 3;
    /// The last character does.
    pub(super) const LAST_WORD: u16 = 1 << 4;
    /// The first visible character may not start a line.
    pub(super) const NO_START: u16 = 1 << 5;
    /// The last visible character may not end a line.
    pub(super) const NO_END: u16 = 1 << 6;
    /// The last visible character ends a sentence.
    pub(super) const SENTENCE: u16 = 1 << 7;
    /// The last visible character ends a clause.
    pub(super) const CLAUSE: u16 = 1 << 8;
    /// The last visible character is half-width.
    pub(super) const NARROW_END: u16 = 1 << 9;
    /// The first visible character is ASCII.
    pub(super) const ASCII_START: u16 = 1 << 10;
    /// The first visible character may start a conjunction.
    pub(super) const CONJUNCTION: u16 = 1 << 11;
    /// No character is visible: the token is empty, or white space and control characters.
    pub(super) const BLANK: u16 = 1 << 12;
    /// Some character is a control character (the line's text replaces it with a space).
    pub(super) const CONTROL: u16 = 1 << 13;
}

impl<'d> Token<'d> {
    fn new(text: &'d str, punct: &'d str, begin: Millis, end: Millis, speaker: usize) -> Self {
        Token {
            text,
            punct,
            begin,
            end,
            speaker,
            sentence_end: false,
            width: 0,
            lead: 0,
            trail: 0,
            edges: edge::EMPTY,
        }
    }

    /// Whether all of the [`edge`] bits `bits` are set.
    fn is(&self, bits: u16) -> bool {
        self.edges & bits == bits
    }

    /// Fills in the widths and edge facts, in one pass over the text. Inlined into the token
    /// loop: called from two places, it was not, at 3% more instructions per export.
    #[inline(always)]
    fn measure(&mut self, preset: &Preset) {
        // The usual token of Chinese text is one character of the main Han block, found on
        // its bytes: two half characters wide and visible. With no punctuation, none of the
        // edge facts but the conjunction start applies (see `edges`); with one visible
        // punctuation mark, that mark is the last character.
        if let (3, Some(u)) = (self.text.len(), leading_main_han(self.text.as_bytes())) {
            if self.punct.is_empty() {
                self.width = 2;
                self.lead = 0;
                self.trail = 0;
                self.edges = if han_may_start_conjunction(u) {
                    edge::CONJUNCTION
                } else {
                    0
                };
                return;
            }
            let mut punct = self.punct.chars();
            if let (Some(c), Some(p), None) = (char::from_u32(u), punct.next(), punct.next()) {
                if !(p.is_whitespace() || p.is_control()) {
                    self.width = 2 + preset.char_units(p);
                    self.lead = 0;
                    self.trail = 0;
                    self.edges = edges(Some(c), Some(p), Some(c), Some(p));
                    return;
                }
            }
        }
        let (mut width, mut lead, mut trail) = (0, 0, 0);
        let mut visible = false;
        let (mut first, mut last) = (None, None);
        let (mut first_visible, mut last_visible) = (None, None);
        let mut control = false;
        for part in [self.text, self.punct] {
            for c in part.chars() {
                // The main Han block, most characters of Chinese text, is settled first.
                let (u, blank) = if is_main_han(c) {
                    (2, false)
                } else if c.is_ascii() {
                    (
                        preset.char_units(c),
                        c.is_ascii_whitespace() || c.is_ascii_control(),
                    )
                } else {
                    (preset.char_units(c), c.is_whitespace() || c.is_control())
                };
                width += u;
                if blank {
                    // White space is more common than control characters: ask only here.
                    control |= c.is_control();
                    if visible {
                        trail += u;
                    } else {
                        lead += u;
                    }
                } else {
                    trail = 0;
                    if !visible {
                        first_visible = Some(c);
                        visible = true;
                    }
                    last_visible = Some(c);
                }
                if first.is_none() {
                    first = Some(c);
                }
                last = Some(c);
            }
        }
        if !visible {
            trail = width;
            lead = width;
        }
        self.width = width;
        self.lead = lead;
        self.trail = trail;
        self.edges = edges(first, last, first_visible, last_visible);
        if !visible {
            self.edges |= edge::BLANK;
        }
        if control {
            self.edges |= edge::CONTROL;
        }
    }
}

/// The [`edge`] bits of a token with these edge characters.
fn edges(
    first: Option<char>,
    last: Option<char>,
    first_visible: Option<char>,
    last_visible: Option<char>,
) -> u16 {
    let (Some(first), Some(last)) = (first, last) else {
        return edge::EMPTY;
    };
    let bit = |yes: bool, bit: u16| if yes { bit } else { 0 };
    let mut e = 0;
    // A character of the main Han block is none of the things asked about but wide, and it
    // is the usual edge of a Chinese word: only a conjunction may start with it.
    if !is_main_han(first) {
        e |= bit(first.is_whitespace(), edge::FIRST_SPACE)
            | bit(is_word_char(first), edge::FIRST_WORD);
    }
    if !is_main_han(last) {
        e |= bit(last.is_whitespace(), edge::LAST_SPACE) | bit(is_word_char(last), edge::LAST_WORD);
    }
    match first_visible {
        Some(c) if is_main_han(c) => e |= bit(may_start_conjunction(c), edge::CONJUNCTION),
        Some(c) => {
            e |= bit(no_line_start(c), edge::NO_START)
                | bit(c.is_ascii(), edge::ASCII_START)
                | bit(may_start_conjunction(c), edge::CONJUNCTION);
        }
        None => {}
    }
    match last_visible {
        Some(c) if is_main_han(c) => {}
        Some(c) => {
            e |= bit(no_line_end(c), edge::NO_END)
                | bit(is_sentence_end(c), edge::SENTENCE)
                | bit(is_clause_end(c), edge::CLAUSE)
                | bit(c.is_ascii() || !is_wide(c), edge::NARROW_END);
        }
        None => {}
    }
    e
}

/// Whether `c` is in the main CJK Unified Ideographs block, where most Chinese text is.
fn is_main_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// A run of tokens with no allowed break inside.
#[derive(Clone, Copy, Debug)]
struct Atom {
    first: usize,
    end: usize,
    begin: Millis,
    finish: Millis,
    /// Width with all spaces, and the widths of leading and trailing white space.
    width: u32,
    lead: u32,
    trail: u32,
    /// Penalty of a break after this atom, and its kind (the penalty before the pause bonus).
    pen: i32,
    class: i32,
}

impl Atom {
    /// The atom of token `t` alone (at index `i`), the usual atom, with the break after it.
    #[inline]
    fn of_token(i: usize, t: &Token<'_>, pen: (i32, i32)) -> Atom {
        Atom {
            first: i,
            end: i + 1,
            begin: t.begin,
            finish: t.end,
            width: t.width,
            lead: t.lead,
            trail: t.trail,
            pen: pen.0,
            class: pen.1,
        }
    }
}

/// Buffers [`Layout::segment`] reuses from block to block.
#[derive(Default)]
struct Scratch {
    /// The best cost of cues covering the first `i` atoms, and where the last of them starts.
    best: Vec<i32>,
    back: Vec<usize>,
    /// Boundaries with a good break (clause or better) since the cue start, as (width before
    /// the break, penalty), for a cheap estimate of the best line break.
    good: Vec<(u32, i32)>,
    /// The ends of the chosen cues, last first.
    cuts: Vec<usize>,
}

/// Buffers the line breaking reuses from cue to cue.
#[derive(Default)]
struct LineScratch {
    /// Widths of the atoms before each one.
    prefix: Vec<u32>,
    /// The lines, as ranges of atoms.
    ranges: Vec<std::ops::Range<usize>>,
}

/// A cue before its text is assembled: a range of atoms of one block.
struct Draft {
    atoms: std::ops::Range<usize>,
    speaker: usize,
    label: bool,
    /// For a two-speaker cue, the second part.
    second: Option<(std::ops::Range<usize>, usize)>,
}

struct Layout<'b> {
    preset: &'b Preset,
    labels: SpeakerLabels,
    split_pause: Millis,
    maxw: u32,
    max_lines: usize,
    /// Whether to fill in [`CueLine::words`].
    words: bool,
    rebalance: bool,
    task_tokens: usize,
}

impl<'b> Layout<'b> {
    fn new(builder: &CueBuilder, preset: &'b Preset) -> Layout<'b> {
        Layout {
            preset,
            labels: builder.speakers,
            split_pause: builder.split_pause.unwrap_or(Millis(1500)),
            maxw: preset.max_width(),
            max_lines: preset.max_lines as usize,
            words: true,
            rebalance: !builder.no_rebalance,
            task_tokens: builder.task_tokens.unwrap_or(TOKENS_PER_TASK).max(1),
        }
    }

    fn run(&self, doc: &Transcription<'_>) -> Vec<Cue> {
        // An hour of speech takes about a millisecond to lay out. The token list is cut into
        // parts that no block crosses, the same number for each thread, each of at least
        // `task_tokens` tokens; each part makes its own tokens and lays them out on its own,
        // on the calling thread or the pool's others (`par::share`). Those are kept awake
        // while the parts are planned (words are counted to tell whether there will be
        // parts), so that they start at once.
        let threads = rayon::current_num_threads();
        let parts_each = |tokens: usize| tokens / threads.saturating_mul(self.task_tokens);
        let warm = (threads > 1 && parts_each(doc.word_count()) > 0).then(par::warm);
        let (plans, names, count) = plan_tokens(doc);
        if count == 0 {
            return Vec::new();
        }
        let plans = &plans[..];
        let tasks = match (threads, parts_each(count)) {
            (1, _) | (_, 0) => 1,
            (t, n) => t * n,
        };
        let parts = self.parts(plans, count, tasks);
        drop(warm);
        let mut laid_out = self.lay_out_parts(plans, &names, parts.clone());
        let holds = Part::cuts_holding(&laid_out, self.split_pause);
        if holds.contains(&false) {
            // A word outside its sentence's time made a pause look longer than it is.
            laid_out = self.rejoin(plans, &names, parts, laid_out, &holds);
        }
        let Joined {
            tokens,
            time: (span_begin, mut span_end),
            atoms,
            mut drafts,
            mut cues,
            mut owners,
        } = Part::join(laid_out);
        if self.dashes() {
            self.pair_speakers(&tokens, &atoms, &names, &mut drafts);
            // As many tasks as parts.
            let per_task = drafts.len().div_ceil(tasks).max(1);
            let mut parts: Vec<(Vec<Cue>, Vec<usize>)> = Vec::new();
            parts.resize_with(drafts.len().div_ceil(per_task), Default::default);
            let jobs: Vec<_> = drafts
                .chunks(per_task)
                .zip(&mut parts)
                .enumerate()
                .collect();
            par::share(jobs, |(k, (drafts, out))| {
                *out = self.assemble_all(&tokens, &atoms, &names, drafts, k * per_task);
            });
            (cues, owners) = (
                Vec::with_capacity(drafts.len()),
                Vec::with_capacity(drafts.len()),
            );
            for part in parts {
                cues.extend(part.0);
                owners.extend(part.1);
            }
        }
        if let Some(d) = doc.duration() {
            span_end = span_end.max(clamp(d));
        }
        let span = (span_begin, span_end.max(span_begin + Millis(1)));
        let speech = match self.rebalance {
            true => speed::Speech::record(&cues, owners),
            false => None,
        };
        timing(&mut cues, self.preset, span.0, span.1);
        // Cues still too fast: move boundaries, merge, lead the audio (see `speed`).
        if let Some(speech) = speech {
            let fix = speed::Rebalance {
                layout: self,
                tokens: &tokens,
                atoms: &atoms,
                names: &names,
                span,
            };
            fix.run(&mut drafts, &mut cues, speech, &mut LineScratch::default());
        }
        cues
    }

    /// Whether cues of two speakers are paired into dash cues: their text then waits for the
    /// pairing, which looks at drafts of two blocks.
    fn dashes(&self) -> bool {
        self.labels == SpeakerLabels::Dashes && self.max_lines >= 2
    }

    /// The `parts` made and laid out, on the calling thread and the pool's others. Each has its
    /// cues unless they wait for dash pairing.
    fn lay_out_parts<'d>(
        &self,
        plans: &[Planned<'d, '_>],
        names: &[Option<Arc<str>>],
        parts: Vec<PartPlan>,
    ) -> Vec<Part<'d>> {
        let mut laid_out: Vec<Part> = Vec::new();
        laid_out.resize_with(parts.len(), Part::default);
        // The largest parts first, so that the last to finish are small ones.
        let mut tasks: Vec<_> = parts.into_iter().zip(&mut laid_out).collect();
        tasks.sort_by_key(|(p, _)| std::cmp::Reverse(p.tokens(plans).len()));
        par::share(tasks, |(plan, out)| {
            *out = self.lay_out(plans, names, plan);
            if !self.dashes() {
                (out.cues, out.owners) =
                    self.assemble_all(&out.tokens[..], &out.atoms[..], names, &out.drafts, 0);
            }
            // From here on the atoms are read with all parts' tokens ([`Part::join`]).
            for atom in &mut out.atoms {
                (atom.first, atom.end) = (atom.first + out.first, atom.end + out.first);
            }
        });
        laid_out
    }

    /// The parts `laid_out` (from `parts`), each whose cut does not hold (`holds`, from
    /// [`Part::cuts_holding`]) joined to the one before and those laid out again.
    fn rejoin<'d>(
        &self,
        plans: &[Planned<'d, '_>],
        names: &[Option<Arc<str>>],
        parts: Vec<PartPlan>,
        laid_out: Vec<Part<'d>>,
        holds: &[bool],
    ) -> Vec<Part<'d>> {
        // Runs of parts between cuts that hold, with the part laid out if the run is one.
        let mut runs: Vec<(PartPlan, Option<Part<'d>>)> = Vec::with_capacity(parts.len());
        for ((plan, part), &holds) in parts.into_iter().zip(laid_out).zip(holds) {
            match runs.last_mut() {
                Some((run, done)) if !holds => {
                    run.sentences.end = plan.sentences.end;
                    *done = None;
                }
                _ => runs.push((plan, Some(part))),
            }
        }
        let again = runs.iter().filter(|r| r.1.is_none()).map(|r| r.0.clone());
        let mut again = self
            .lay_out_parts(plans, names, again.collect())
            .into_iter();
        runs.into_iter()
            .filter_map(|(_, done)| done.or_else(|| again.next()))
            .collect()
    }

    /// Makes the tokens of `part` and lays them out: its tokens, its atoms (token indices
    /// counted from its first token) and its cues as drafts (atom ranges counted from its
    /// first atom).
    fn lay_out<'d>(
        &self,
        plans: &[Planned<'d, '_>],
        names: &[Option<Arc<str>>],
        part: PartPlan,
    ) -> Part<'d> {
        let sentences = &plans[part.sentences.clone()];
        let range = part.tokens(plans);
        let (first, len) = (range.start, range.len());
        // The part's tokens, then the few after it that scoring the break at its end looks at.
        let mut tokens = Vec::with_capacity(len + LOOKAHEAD);
        for plan in sentences {
            plan.push_tokens(self.preset, usize::MAX, &mut tokens);
        }
        for plan in &plans[part.sentences.end..] {
            let more = len + LOOKAHEAD - tokens.len();
            if more == 0 {
                break;
            }
            plan.push_tokens(self.preset, more, &mut tokens);
        }
        let (atoms, blocks) = self.atoms(&tokens, len);
        let mut drafts = Vec::new();
        let mut scratch = Scratch::default();
        // The speaker before the part, for whether its first cue is labelled.
        let mut prev_speaker = part.speaker_before;
        for block in blocks {
            let speaker = tokens[atoms[block.start].first].speaker;
            let label = self.labels == SpeakerLabels::Names
                && names[speaker].is_some()
                && prev_speaker != Some(speaker);
            prev_speaker = Some(speaker);
            let label_w = match (&names[speaker], label) {
                (Some(name), true) => self.label_width(name),
                _ => 0,
            };
            self.segment(&atoms, block, speaker, label_w, &mut scratch, &mut drafts);
        }
        tokens.truncate(len);
        let time = time_span(tokens.iter().map(|t| (t.begin, t.end)));
        Part {
            first,
            time,
            after_pause: part.after_pause,
            tokens,
            atoms,
            drafts,
            ..Part::default()
        }
    }

    /// Cuts the sentences into about `n` parts of about as many tokens, where a block must end
    /// whatever the atoms turn out to be: at a change of speaker, or where a line may break and
    /// there is a pause of [`CueBuilder::split_pause`] between every sentence before and every
    /// sentence after. Each cut is the first such place after one `n`th more of the tokens.
    ///
    /// The pauses are the sentences' (no word is looked at yet): [`Part::cuts_holding`]
    /// checks them with the tokens' times.
    fn parts(&self, plans: &[Planned<'_, '_>], count: usize, n: usize) -> Vec<PartPlan> {
        let mut first = PartPlan {
            sentences: 0..plans.len(),
            speaker_before: None,
            after_pause: false,
        };
        if n < 2 {
            return vec![first];
        }
        // The earliest begin from each sentence on.
        let mut later = vec![Millis(u64::MAX); plans.len() + 1];
        for k in (0..plans.len()).rev() {
            later[k] = later[k + 1].min(clamp(plans[k].sentence.begin_time));
        }
        let mut parts = Vec::with_capacity(n);
        let mut ends = Millis::ZERO;
        // Where the next cut is wanted: after the `cut`th `n`th of the tokens.
        let mut cut = 1;
        let wanted = |cut: usize| count.saturating_mul(cut) / n;
        // The sentence with the last token so far.
        let mut before: Option<&Planned<'_, '_>> = None;
        for (k, plan) in plans.iter().enumerate() {
            let at = plan.tokens.start;
            let candidate = !plan.tokens.is_empty() && cut < n && at >= wanted(cut);
            if let Some(prev) = before.filter(|_| candidate) {
                // An atom ends between `a` and `b`, and a block too if the speaker changes
                // there or the pause is long enough for `splits`.
                let (a, b) = (
                    prev.token(prev.tokens.len() - 1, self.preset),
                    plan.token(0, self.preset),
                );
                let pause = can_break(&a, &b) && later[k].saturating_sub(ends) >= self.split_pause;
                if a.speaker != b.speaker || pause {
                    let next = PartPlan {
                        sentences: k..plans.len(),
                        speaker_before: Some(prev.speaker),
                        after_pause: a.speaker == b.speaker,
                    };
                    first.sentences.end = k;
                    parts.push(std::mem::replace(&mut first, next));
                    while cut < n && wanted(cut) <= at {
                        cut += 1;
                    }
                }
            }
            ends = ends.max(clamp(plan.sentence.end_time));
            if !plan.tokens.is_empty() {
                before = Some(plan);
            }
        }
        parts.push(first);
        parts
    }

    /// The cues of `drafts` that have text, and the index of each one's draft (counted from
    /// `first`).
    fn assemble_all<'d>(
        &self,
        tokens: &(impl Slices<Token<'d>> + ?Sized),
        atoms: &(impl Slices<Atom> + ?Sized),
        names: &[Option<Arc<str>>],
        drafts: &[Draft],
        first: usize,
    ) -> (Vec<Cue>, Vec<usize>) {
        // The speakers' names as this call's own: clones of one `Arc` on two threads would
        // contend for its count.
        let names: Names = names.iter().map(|n| n.as_deref().map(Arc::from)).collect();
        let mut scratch = LineScratch::default();
        let mut cues = Vec::with_capacity(drafts.len());
        let mut owners = Vec::with_capacity(drafts.len());
        for (k, d) in drafts.iter().enumerate() {
            if let Some(cue) = self.assemble(tokens, atoms, &names, d, &mut scratch) {
                cues.push(cue);
                owners.push(first + k);
            }
        }
        (cues, owners)
    }

    /// Groups tokens into atoms and scores the break after each, and finds the blocks: the
    /// ranges of atoms that no cue may cross, ended by a speaker change, a long pause or a
    /// step back in time. One pass over the tokens does both.
    ///
    /// Only the first `len` tokens are grouped (they end where an atom must), but the break
    /// after them is scored with the tokens that follow.
    fn atoms(&self, tokens: &[Token<'_>], len: usize) -> (Vec<Atom>, Vec<std::ops::Range<usize>>) {
        // At most an atom per token.
        let mut atoms: Vec<Atom> = Vec::with_capacity(len);
        let mut blocks = Vec::new();
        // The first token of the atom being grown, the first atom of the present block, and
        // whether the next atom starts another speaker's words.
        let (mut start, mut block, mut new_speaker) = (0, 0, false);
        for (i, t) in tokens[..len].iter().enumerate() {
            let next = tokens.get(i + 1);
            let speaker_change = next.is_some_and(|n| n.speaker != t.speaker);
            if i + 1 < len && next.is_some_and(|n| !speaker_change && !can_break(t, n)) {
                continue;
            }
            if start == i {
                // The usual atom: one token.
                let pen = match next {
                    Some(_) => self.break_penalty(tokens, i + 1),
                    None => (0, 0),
                };
                let atom = Atom::of_token(i, t, pen);
                if atoms
                    .last()
                    .is_some_and(|prev| new_speaker || self.splits(prev, &atom))
                {
                    blocks.push(block..atoms.len());
                    block = atoms.len();
                }
                atoms.push(atom);
            } else {
                let from = atoms.len();
                self.push_atoms(tokens, start, i + 1, &mut atoms);
                for k in from.max(1)..atoms.len() {
                    if (k == from && new_speaker) || self.splits(&atoms[k - 1], &atoms[k]) {
                        blocks.push(block..k);
                        block = k;
                    }
                }
            }
            start = i + 1;
            new_speaker = speaker_change;
        }
        if block < atoms.len() {
            blocks.push(block..atoms.len());
        }
        (atoms, blocks)
    }

    /// Whether a long pause or a step back in time between atoms `a` and `b` ends a block.
    fn splits(&self, a: &Atom, b: &Atom) -> bool {
        b.begin.saturating_sub(a.finish) >= self.split_pause || b.begin < a.begin
    }

    /// Pushes the atom of tokens `a..b`, split at token boundaries (a forced break) where it
    /// is wider than a line.
    fn push_atoms(&self, tokens: &[Token<'_>], a: usize, b: usize, atoms: &mut Vec<Atom>) {
        let mut first = a;
        let mut width = 0;
        for i in a..b {
            let w = tokens[i].width;
            if i > first && width + w > self.maxw {
                atoms.push(self.atom(tokens, first, i, (penalty::FORCED, penalty::FORCED)));
                first = i;
                width = 0;
            }
            width += w;
        }
        let pen = match tokens.get(b) {
            Some(_) => self.break_penalty(tokens, b),
            None => (0, 0),
        };
        atoms.push(self.atom(tokens, first, b, pen));
    }

    fn atom(&self, tokens: &[Token<'_>], first: usize, end: usize, pen: (i32, i32)) -> Atom {
        let toks = &tokens[first..end];
        if let [t] = toks {
            return Atom::of_token(first, t, pen);
        }
        let width = toks.iter().map(|t| t.width).sum();
        // White space at the edges may span several tokens that are only white space.
        let mut lead = 0;
        for t in toks {
            lead += t.lead;
            if t.lead < t.width {
                break;
            }
        }
        let mut trail = 0;
        for t in toks.iter().rev() {
            trail += t.trail;
            if t.trail < t.width {
                break;
            }
        }
        Atom {
            first,
            end,
            begin: toks.iter().map(|t| t.begin).min().unwrap_or_default(),
            finish: toks.iter().map(|t| t.end).max().unwrap_or_default(),
            width,
            lead,
            trail,
            pen: pen.0,
            class: pen.1,
        }
    }

    /// How good a break between `a` and `b` is: the penalty, and the penalty before the
    /// pause bonus.
    #[inline]
    fn break_penalty(&self, tokens: &[Token<'_>], next: usize) -> (i32, i32) {
        let (a, b) = (&tokens[next - 1], &tokens[next]);
        let base = if a.sentence_end || a.is(edge::SENTENCE) {
            penalty::SENTENCE
        } else if a.is(edge::CLAUSE) {
            penalty::CLAUSE
        } else if starts_with_conjunction(tokens, next) {
            penalty::CONJUNCTION
        } else if a.is(edge::LAST_SPACE) || b.is(edge::FIRST_SPACE) || a.is(edge::NARROW_END) {
            penalty::WORD
        } else {
            penalty::CJK
        };
        let pause = b.begin.saturating_sub(a.end).0.min(600) as i32;
        ((base - pause / 20).max(0), base)
    }

    /// Splits one block of atoms into cues by dynamic programming.
    fn segment(
        &self,
        atoms: &[Atom],
        block: std::ops::Range<usize>,
        speaker: usize,
        label_w: u32,
        scratch: &mut Scratch,
        drafts: &mut Vec<Draft>,
    ) {
        let label = label_w > 0;
        let a = &atoms[block.clone()];
        let n = a.len();
        let cap = self.maxw * self.max_lines as u32;
        let Scratch {
            best,
            back,
            good,
            cuts,
        } = scratch;
        best.clear();
        best.resize(n + 1, i32::MAX);
        back.clear();
        back.resize(n + 1, 0);
        best[0] = 0;
        // Fixed-point factors, so the inner loop does not divide.
        let third = (cap / 3).max(1);
        let fill_mul = (40u32 << 16) / third;
        let bal_mul = (20u32 << 16) / self.maxw.max(1);
        // The preset's numbers in locals: the loop below writes to `best`, and the compiler
        // cannot tell that this leaves `self` alone.
        let (maxw, max_lines) = (self.maxw, self.max_lines);
        let (min_duration, max_duration) = (self.preset.min_duration, self.preset.max_duration);
        for i in 0..n {
            let base = best[i];
            if base == i32::MAX {
                continue;
            }
            good.clear();
            let mut good_lo = 0;
            let begin = a[i].begin;
            // A cue's duration (`finish - begin`, or zero) is compared with the limits as its
            // end with the ends they allow from this start: the same answers, and no
            // subtraction in the loop. Times are clamped far below overflow; a zero minimum
            // allows every end.
            let longest_end = begin.saturating_add(max_duration);
            let shortest_end = match min_duration {
                Millis::ZERO => Millis::ZERO,
                d => begin.saturating_add(d),
            };
            // The cue from atom `i` to atom `j`, updated as `j` grows: greedy fill decides
            // whether it fits in the allowed lines (`lines`, the width of the last one in
            // `line_sum`); `total` is its width without the white space it starts with.
            let first_width = if i == 0 { label_w } else { 0 } + a[i].width - a[i].lead;
            let mut lines = 1usize;
            let mut line_sum = first_width;
            let mut total = first_width;
            // 15 for each sentence end inside the cue.
            let mut inner = 0;
            let mut word_breaks = false;
            // The cheapest plain break so far and where it is (`i32::MAX`: none yet; no cost
            // comes near it).
            let mut fallback = (i32::MAX, 0);
            for (j, at) in (i..).zip(&a[i..]) {
                if j > i {
                    // Atom `j` joins the cue: on the last line if it fits there, else on a
                    // new one, if the cue may have one more.
                    if line_sum + at.width - at.trail > maxw {
                        lines += 1;
                        if lines > max_lines {
                            break;
                        }
                        line_sum = at.width - at.lead;
                    } else {
                        line_sum += at.width;
                    }
                    if at.finish > longest_end {
                        break;
                    }
                    total += at.width;
                }
                // A cue of white space only has no width.
                let width = total.saturating_sub(at.trail);
                let last = j + 1 == n;
                let mut cost = penalty::CUE + if last { 0 } else { at.pen };
                cost += inner;
                if width < third {
                    cost += (((third - width) * fill_mul) >> 16) as i32;
                }
                if at.finish < shortest_end {
                    cost += 60;
                }
                // Only good breaks (and the block end) become states directly; of the plain
                // ones, only the cheapest per start does, which keeps the search small.
                // `|`, not `||`: whether the atom ends in punctuation depends on the text, and a
                // branch on it would often be mispredicted.
                let state = (at.class < penalty::WORD) | last;
                // The line estimate only adds to the cost: when the cost so far already
                // cannot win, it need not be worked out.
                let viable = if state {
                    base.saturating_add(cost) < best[j + 1]
                } else {
                    cost < fallback.0
                };
                if viable {
                    if width > maxw {
                        let plain = if word_breaks {
                            penalty::WORD
                        } else {
                            penalty::CJK
                        };
                        // Widths only grow along `j` and `good` is ordered by width, so
                        // breaks that leave a second line too wide stay so: skip them for
                        // good.
                        while good_lo < good.len() && width.saturating_sub(good[good_lo].0) > maxw {
                            good_lo += 1;
                        }
                        cost += line_estimate(&good[good_lo..], width, maxw, plain, bal_mul);
                    }
                    if state {
                        let c = base.saturating_add(cost);
                        if c < best[j + 1] {
                            best[j + 1] = c;
                            back[j + 1] = i;
                        }
                    } else if cost < fallback.0 {
                        fallback = (cost, j);
                    }
                }
                // Most atoms end in a break inside a Chinese word or a forced one: one test.
                if at.class <= penalty::WORD {
                    if at.class == penalty::WORD {
                        word_breaks = true;
                    } else {
                        good.push((width, at.pen));
                        if at.class == penalty::SENTENCE {
                            inner += 15;
                        }
                    }
                }
            }
            let (cost, j) = fallback;
            if cost < i32::MAX {
                let c = base.saturating_add(cost);
                if c < best[j + 1] {
                    best[j + 1] = c;
                    back[j + 1] = i;
                }
            }
        }
        cuts.clear();
        let mut j = n;
        while j > 0 {
            cuts.push(j);
            j = back[j];
        }
        let mut start = 0;
        let first = drafts.len();
        for &end in cuts.iter().rev() {
            drafts.push(Draft {
                atoms: block.start + start..block.start + end,
                speaker,
                label: label && drafts.len() == first,
                second: None,
            });
            start = end;
        }
    }

    /// The width of the label `Speaker N: ` written before a cue's text.
    fn label_width(&self, name: &str) -> u32 {
        self.preset.width(name) + self.preset.width(LABEL_END)
    }

    /// Joins adjacent one-line cues of two speakers into dash cues.
    fn pair_speakers(
        &self,
        tokens: &InParts<Token<'_>>,
        atoms: &InParts<Atom>,
        names: &[Option<Arc<str>>],
        drafts: &mut Vec<Draft>,
    ) {
        let dash = self.preset.width(self.preset.language.dash());
        let one_line = |r: &std::ops::Range<usize>| {
            let a = &atoms[r.clone()];
            let w: u32 = a
                .iter()
                .map(|x| x.width)
                .sum::<u32>()
                .saturating_sub(a.first().map_or(0, |x| x.lead))
                .saturating_sub(a.last().map_or(0, |x| x.trail));
            w + dash <= self.maxw
        };
        let span = |r: &std::ops::Range<usize>| (atoms[r.start].begin, atoms[r.end - 1].finish);
        // When the first token of a draft's atoms begins.
        let next_begin = |r: &std::ops::Range<usize>| {
            let i = atoms[r.start].first;
            tokens[i].begin
        };
        // A pair is shown from the first draft's start to the later end, as one cue: only
        // when no other draft starts inside that time. Otherwise the cues, ordered by time,
        // would cut the pair short (its second line gone before it is spoken) or show a
        // speaker's words out of order. Drafts are in block order, not quite in time order
        // when speech overlaps, so look at the latest start before and the earliest after.
        let starts: Vec<Millis> = drafts.iter().map(|d| span(&d.atoms).0).collect();
        let mut earliest_after = starts.clone();
        for i in (0..earliest_after.len().saturating_sub(1)).rev() {
            earliest_after[i] = earliest_after[i].min(earliest_after[i + 1]);
        }
        let mut latest_before = Millis::ZERO;
        let mut out: Vec<Draft> = Vec::with_capacity(drafts.len());
        let mut it = std::mem::take(drafts).into_iter().enumerate().peekable();
        while let Some((i, mut d)) = it.next() {
            if let Some((_, next)) = it.peek() {
                let (b0, e0) = span(&d.atoms);
                let (b1, e1) = span(&next.atoms);
                let quick =
                    e0.saturating_sub(b0) < Millis(2000) || e1.saturating_sub(b1) < Millis(2000);
                let alone = latest_before <= b0
                    && earliest_after
                        .get(i + 2)
                        .is_none_or(|&after| after >= e0.max(e1));
                if next.speaker != d.speaker
                    && names[d.speaker].is_some()
                    && names[next.speaker].is_some()
                    && quick
                    && b1.saturating_sub(e0) < Millis(1000)
                    && e1.max(e0).saturating_sub(b0) <= self.preset.max_duration
                    && one_line(&d.atoms)
                    && one_line(&next.atoms)
                    && next_begin(&next.atoms) >= b0
                    && alone
                {
                    if let Some((k, n)) = it.next() {
                        latest_before = latest_before.max(starts[k]);
                        d.second = Some((n.atoms, n.speaker));
                        d.label = false;
                    }
                }
            }
            latest_before = latest_before.max(starts[i]);
            out.push(d);
        }
        *drafts = out;
    }

    /// The cue's text and times from its atoms.
    fn assemble<'d>(
        &self,
        tokens: &(impl Slices<Token<'d>> + ?Sized),
        atoms: &(impl Slices<Atom> + ?Sized),
        names: &[Option<Arc<str>>],
        d: &Draft,
        scratch: &mut LineScratch,
    ) -> Option<Cue> {
        // Most cues have two lines; a dash cue has one per speaker.
        let mut lines = Vec::with_capacity(self.max_lines.max(2));
        let mut begin = Millis(u64::MAX);
        let mut end = Millis::ZERO;
        let mut add = |range: &std::ops::Range<usize>| {
            let a = &atoms[range.clone()];
            for at in a {
                begin = begin.min(at.begin);
                end = end.max(at.finish);
            }
            a
        };
        match &d.second {
            Some((r2, sp2)) => {
                let dash = self.preset.language.dash();
                for (r, sp) in [(&d.atoms, d.speaker), (r2, *sp2)] {
                    let a = add(r);
                    let mut line = line_text(tokens, a, self.words);
                    if line.text.is_empty() {
                        continue;
                    }
                    line.text.insert_str(0, dash);
                    for w in &mut line.words {
                        w.offset += dash.len();
                    }
                    // The dash starts with a visible character: nothing more is trimmed.
                    line.reading = line
                        .reading
                        .map(|n| n.saturating_add(self.preset.width(dash)));
                    line.speaker = names[sp].clone();
                    lines.push(line);
                }
            }
            None => {
                let a = add(&d.atoms);
                let label_w = match (&names[d.speaker], d.label) {
                    (Some(name), true) => self.label_width(name),
                    _ => 0,
                };
                self.break_lines(a, label_w, &mut scratch.prefix, &mut scratch.ranges);
                for r in scratch.ranges.iter() {
                    let line = line_text(tokens, &a[r.clone()], self.words);
                    if !line.text.is_empty() {
                        lines.push(line);
                    }
                }
            }
        }
        if lines.is_empty() || begin > end {
            return None;
        }
        let cue = Cue {
            begin,
            end,
            lines,
            speaker: names[d.speaker].clone(),
            label: d.label,
        };
        // Every test run checks the widths the layout found against counting the characters.
        debug_assert_eq!(
            cue.laid_out_reading_length(self.preset),
            cue.reading_length(self.preset),
            "{cue:?}"
        );
        Some(cue)
    }

    /// The best division of a cue's atoms into lines: as few lines as fit, then the best
    /// breaks, then balance.
    fn break_lines(
        &self,
        a: &[Atom],
        label_w: u32,
        prefix: &mut Vec<u32>,
        out: &mut Vec<std::ops::Range<usize>>,
    ) {
        out.clear();
        let n = a.len();
        prefix.clear();
        prefix.push(0u32);
        prefix.extend(a.iter().scan(0, |w, at| {
            *w += at.width;
            Some(*w)
        }));
        let width = |p: usize, q: usize| -> u32 {
            (prefix[q] - prefix[p]).saturating_sub(a[p].lead + a[q - 1].trail)
                + if p == 0 { label_w } else { 0 }
        };
        if n == 0 || width(0, n) <= self.maxw {
            out.push(0..n);
            return;
        }
        // Greedy fill: the fewest lines possible. It stays the answer when nothing better fits.
        // A line from `start` ends before the first atom `q` that would make it too wide; the
        // width grows with the line, so `q` is found by binary search.
        let mut start = 0;
        loop {
            let (mut lo, mut hi) = (start + 1, n);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if width(start, mid + 1) > self.maxw {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            if lo >= n {
                out.push(start..n);
                break;
            }
            out.push(start..lo);
            start = lo;
        }
        let lines = out.len();
        if lines > self.max_lines || lines < 2 {
            return;
        }
        if lines == 2 {
            // The common case: one break. The first line grows with the break `q` and the
            // second shrinks, so the breaks that leave both short enough are from where
            // greedy fill ended the first line back to where the second gets too wide: only
            // those are scored, from the last. `<=` keeps the earliest of equal costs.
            let mut best = (i32::MAX, 0);
            let mut q = out[0].end;
            while q > 0 {
                let (w1, w2) = (width(0, q), width(q, n));
                if w2 > self.maxw {
                    break;
                }
                let c = a[q - 1].pen
                    + (w1.abs_diff(w2) * 20 / self.maxw.max(1)) as i32
                    + if w1 > w2 { 5 } else { 0 };
                // A label may make even the shortest first line too wide.
                if w1 <= self.maxw && c <= best.0 {
                    best = (c, q);
                }
                q -= 1;
            }
            if best.0 < i32::MAX {
                out.clear();
                out.extend([0..best.1, best.1..n]);
            }
            return;
        }
        // Minimize break penalties plus the deviation of each line from the mean width; a
        // top line longer than the bottom one costs a little (bottom-heavy reads better).
        let mean = width(0, n) / lines as u32;
        let dev = |w: u32| (w.abs_diff(mean) * 40 / self.maxw.max(1)) as i32;
        let inf = i32::MAX / 4;
        // cost[l][q]: best cost of lines 0..l covering atoms 0..q.
        let mut cost = vec![vec![inf; n + 1]; lines + 1];
        let mut back = vec![vec![0usize; n + 1]; lines + 1];
        cost[0][0] = 0;
        for l in 1..=lines {
            for q in l..=n {
                for p in (l - 1)..q {
                    if cost[l - 1][p] >= inf {
                        continue;
                    }
                    let w = width(p, q);
                    if w > self.maxw {
                        continue;
                    }
                    let brk = if q < n { a[q - 1].pen } else { 0 };
                    let c = cost[l - 1][p] + brk + dev(w);
                    if c < cost[l][q] {
                        cost[l][q] = c;
                        back[l][q] = p;
                    }
                }
            }
        }
        if cost[lines][n] >= inf {
            return;
        }
        out.clear();
        let mut q = n;
        for l in (1..=lines).rev() {
            let p = back[l][q];
            out.push(p..q);
            q = p;
        }
        out.reverse();
    }
}

/// Where a part of the layout starts and ends: its sentences, the speaker of the last token
/// before them, and whether a block ends before them only for the pause ([`Layout::parts`]).
#[derive(Clone)]
struct PartPlan {
    sentences: std::ops::Range<usize>,
    speaker_before: Option<usize>,
    after_pause: bool,
}

impl PartPlan {
    /// Where the part's tokens are in the token list of all.
    fn tokens(&self, plans: &[Planned<'_, '_>]) -> std::ops::Range<usize> {
        let sentences = &plans[self.sentences.clone()];
        let first = sentences.first().map_or(0, |p| p.tokens.start);
        first..sentences.last().map_or(first, |p| p.tokens.end)
    }
}

/// The earliest begin and latest end of `spans` (`u64::MAX` and zero for none).
fn time_span(spans: impl Iterator<Item = (Millis, Millis)>) -> (Millis, Millis) {
    spans.fold((Millis(u64::MAX), Millis::ZERO), |t, s| {
        (t.0.min(s.0), t.1.max(s.1))
    })
}

/// A part of the layout laid out on its own: its tokens (the first is token `first` of all),
/// its atoms (whose token indices [`Layout::lay_out_parts`] makes count from the first token
/// of all), its drafts (ranges of those atoms) and, unless they wait for dash pairing, its
/// cues with the index of each one's draft.
#[derive(Default)]
struct Part<'d> {
    first: usize,
    /// The earliest begin and latest end of its tokens.
    time: (Millis, Millis),
    after_pause: bool,
    tokens: Vec<Token<'d>>,
    atoms: Vec<Atom>,
    drafts: Vec<Draft>,
    cues: Vec<Cue>,
    owners: Vec<usize>,
}

impl<'d> Part<'d> {
    /// Whether the cut before each part ends a block whatever the atoms: always at a change of
    /// speaker ([`Layout::parts`] checked that a line may break there); after a pause, when no
    /// token before the cut ends later than `split_pause` before a token after it begins.
    fn cuts_holding(parts: &[Part<'_>], split_pause: Millis) -> Vec<bool> {
        // The earliest begin from each part on.
        let mut later = vec![Millis(u64::MAX); parts.len() + 1];
        for k in (0..parts.len()).rev() {
            later[k] = later[k + 1].min(parts[k].time.0);
        }
        let mut ends = Millis::ZERO;
        let mut holds = Vec::with_capacity(parts.len());
        for (part, later) in parts.iter().zip(later) {
            holds.push(!part.after_pause || later.saturating_sub(ends) >= split_pause);
            ends = ends.max(part.time.1);
        }
        holds
    }

    /// The parts as one: their tokens and atoms side by side, drafts with the atom ranges of
    /// all, cues with the drafts of all. The atoms must hold the token indices of all.
    fn join(parts: Vec<Part<'d>>) -> Joined<'d> {
        let time = time_span(parts.iter().map(|p| p.time));
        let sum = |len: fn(&Part<'_>) -> usize| parts.iter().map(len).sum::<usize>();
        let mut all = Joined {
            tokens: InParts::with_capacity(parts.len()),
            atoms: InParts::with_capacity(parts.len()),
            drafts: Vec::with_capacity(sum(|p| p.drafts.len())),
            cues: Vec::with_capacity(sum(|p| p.cues.len())),
            owners: Vec::with_capacity(sum(|p| p.owners.len())),
            time,
        };
        for part in parts {
            let (atoms, drafts) = (all.atoms.len(), all.drafts.len());
            all.drafts.extend(part.drafts.into_iter().map(|mut d| {
                d.atoms = d.atoms.start + atoms..d.atoms.end + atoms;
                d
            }));
            all.cues.extend(part.cues);
            all.owners
                .extend(part.owners.into_iter().map(|k| k + drafts));
            all.tokens.push(part.tokens);
            all.atoms.push(part.atoms);
        }
        all
    }
}

/// All parts of the layout as one ([`Part::join`]).
struct Joined<'d> {
    tokens: InParts<Token<'d>>,
    atoms: InParts<Atom>,
    drafts: Vec<Draft>,
    cues: Vec<Cue>,
    owners: Vec<usize>,
    /// The earliest begin and latest end of all tokens.
    time: (Millis, Millis),
}

/// A list the parts of the layout made, each its own piece, indexed as one list: joining
/// them would copy most of the layout's memory on one thread. A range indexed must lie in
/// one piece, as the tokens and atoms of a block do.
struct InParts<T> {
    /// The index of each piece's first element, and one past the last.
    starts: Vec<usize>,
    pieces: Vec<Vec<T>>,
}

impl<T> InParts<T> {
    fn with_capacity(pieces: usize) -> InParts<T> {
        let mut starts = Vec::with_capacity(pieces + 1);
        starts.push(0);
        InParts {
            starts,
            pieces: Vec::with_capacity(pieces),
        }
    }

    fn push(&mut self, piece: Vec<T>) {
        self.starts.push(self.len() + piece.len());
        self.pieces.push(piece);
    }

    fn len(&self) -> usize {
        self.starts.last().copied().unwrap_or(0)
    }

    /// The piece that holds element `i`, and its first element's index.
    fn piece(&self, i: usize) -> (&[T], usize) {
        // Pieces may be empty: the last that starts at or before `i`.
        let k = self.starts.partition_point(|&s| s <= i).saturating_sub(1);
        match self.pieces.get(k) {
            Some(piece) => (piece, self.starts[k]),
            None => (&[], self.len()),
        }
    }
}

/// Tokens or atoms taken by range: a part's own list, or all parts' ([`InParts`]).
trait Slices<T>: std::ops::Index<std::ops::Range<usize>, Output = [T]> {}

impl<T, L: std::ops::Index<std::ops::Range<usize>, Output = [T]> + ?Sized> Slices<T> for L {}

impl<T> std::ops::Index<usize> for InParts<T> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        let (piece, start) = self.piece(i);
        &piece[i - start]
    }
}

impl<T> std::ops::Index<std::ops::Range<usize>> for InParts<T> {
    type Output = [T];

    fn index(&self, range: std::ops::Range<usize>) -> &[T] {
        let (piece, start) = self.piece(range.start);
        &piece[range.start - start..range.end - start]
    }
}

/// The cheap estimate the cue search uses for the best two-line break of a cue `width` wide:
/// the best good break that leaves both lines short enough, with balance, else a plain break.
/// Never negative: penalties are not, and both lines being at most `maxw` wide bounds the
/// balance term (the cue search relies on this).
fn line_estimate(good: &[(u32, i32)], width: u32, maxw: u32, plain: i32, bal_mul: u32) -> i32 {
    let mut best = plain;
    for &(w1, pen) in good {
        if w1 > maxw {
            // `good` is ordered by width: no later break fits either.
            break;
        }
        if width.saturating_sub(w1) <= maxw {
            let c = pen + ((u64::from(width.abs_diff(2 * w1)) * u64::from(bal_mul)) >> 16) as i32;
            best = best.min(c);
        }
    }
    best
}

/// Whether a line may break between tokens `a` and `b`.
fn can_break(a: &Token<'_>, b: &Token<'_>) -> bool {
    if a.is(edge::EMPTY) || b.is(edge::EMPTY) {
        return true;
    }
    let spaced = a.is(edge::LAST_SPACE) || b.is(edge::FIRST_SPACE);
    if !spaced && a.is(edge::LAST_WORD) && b.is(edge::FIRST_WORD) {
        return false;
    }
    !(b.is(edge::NO_START) || a.is(edge::NO_END))
}

/// Characters of words written with spaces between them: a break between two of them with no
/// space would cut a word or number.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    // Han and CJK punctuation (ideographic and full-width forms), the common cases, are
    // settled without classifying the script.
    if matches!(c as u32, 0x3000..=0x303F | 0x4E00..=0x9FFF | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20) {
        return false;
    }
    match Script::of(c) {
        Script::Hangul => true,
        Script::Latin | Script::Cyrillic | Script::Digit | Script::Other => !is_wide(c),
        _ => false,
    }
}

/// The characters outside ASCII a conjunction may start with.
const CONJUNCTION_STARTS: [char; 23] = [
    '因', '所', '但', '如', '虽', '然', '而', '或', '可', '不', '于', '并', '还', '就', 'そ', 'し',
    'だ', 'で', 'け', 'と', '그', '하', '또',
];

/// [`CONJUNCTION_STARTS`] in the main Han block ([`is_main_han`]), as a bit per character:
/// most tokens start there, and a table answers without a chain of branches.
const CONJUNCTION_HAN: [u64; 0x5200 / 64] = {
    let mut table = [0u64; 0x5200 / 64];
    let mut i = 0;
    while i < CONJUNCTION_STARTS.len() {
        let c = CONJUNCTION_STARTS[i] as usize;
        if c >= 0x4E00 && c <= 0x9FFF {
            table[(c - 0x4E00) / 64] |= 1 << ((c - 0x4E00) % 64);
        }
        i += 1;
    }
    table
};

/// Whether a conjunction may start with `c`.
fn may_start_conjunction(c: char) -> bool {
    if is_main_han(c) {
        return han_may_start_conjunction(c as u32);
    }
    c.is_ascii_alphabetic() || CONJUNCTION_STARTS.contains(&c)
}

/// [`may_start_conjunction`] for a character `u` of the main Han block.
fn han_may_start_conjunction(u: u32) -> bool {
    let k = (u as usize).wrapping_sub(0x4E00);
    CONJUNCTION_HAN
        .get(k / 64)
        .is_some_and(|bits| bits >> (k % 64) & 1 == 1)
}

/// Whether the text from token `at` on starts with a conjunction; a Chinese conjunction may span
/// several one-character tokens.
fn starts_with_conjunction(tokens: &[Token<'_>], at: usize) -> bool {
    // Most words start with a character no conjunction starts with: that is answered inline,
    // the rest out of line, so that scoring a break stays small enough to inline.
    tokens
        .get(at)
        .is_some_and(|t| t.is(edge::CONJUNCTION) && conjunction_starts(tokens, t, at))
}

/// [`starts_with_conjunction`] for a token `t` (at `at`) whose first visible character may
/// start a conjunction.
#[inline(never)]
fn conjunction_starts(tokens: &[Token<'_>], t: &Token<'_>, at: usize) -> bool {
    if let Some(first) = leading_main_han(t.text.as_bytes()) {
        // The text starts with a character of the main Han block: only a Chinese
        // conjunction, two such characters, may match ([`HAN_CONJUNCTIONS`]). The second
        // character is the one after it in the text or, for a one-character word with no
        // punctuation, the start of the next word's text, as the join below finds it.
        let second = match t.text.get(3..) {
            Some(rest) if !rest.is_empty() => rest.chars().next(),
            _ if !t.punct.is_empty() => None,
            _ => {
                let mut found = None;
                for next in tokens[at + 1..].iter().take(LOOKAHEAD - 1) {
                    found = next.text.chars().next();
                    if found.is_some() || !next.punct.is_empty() {
                        break;
                    }
                }
                found
            }
        };
        return second.is_some_and(|c| HAN_CONJUNCTIONS.contains(&han_pair(first, c as u32)));
    }
    let mut text = t.text.trim_start();
    if t.is(edge::ASCII_START) {
        // An English conjunction is a whole word: the leading run of letters and digits.
        let word = text
            .bytes()
            .position(|b| !b.is_ascii_alphanumeric())
            .map_or(text, |end| &text[..end]);
        return word.len() <= 8 && ENGLISH_KEYS.contains(&english_key(word.as_bytes()));
    }
    // No conjunction is longer than this many bytes, so a prefix of the joined text decides.
    const JOIN: usize = 16;
    let mut buf = [0u8; JOIN];
    if t.punct.is_empty() && text.len() < JOIN {
        // Join the next few one-character tokens (no punctuation in between), on the stack:
        // whole characters only, up to `JOIN` bytes.
        let mut len = 0;
        let mut push = |part: &str| {
            for ch in part.chars() {
                let l = ch.len_utf8();
                if len + l > JOIN {
                    break;
                }
                ch.encode_utf8(&mut buf[len..len + l]);
                len += l;
            }
        };
        push(text);
        for next in tokens[at + 1..].iter().take(LOOKAHEAD - 1) {
            push(next.text);
            if !next.punct.is_empty() {
                break;
            }
        }
        text = std::str::from_utf8(&buf[..len]).unwrap_or(text);
    }
    let lead = text.as_bytes().first().map(u8::to_ascii_lowercase);
    CONJUNCTIONS.iter().any(|c| {
        c.as_bytes().first().copied() == lead
            && text.len() >= c.len()
            && text.is_char_boundary(c.len())
            && text[..c.len()].eq_ignore_ascii_case(c)
    })
}

/// A line's text from its atoms: words and punctuation joined, control characters as spaces,
/// trimmed; with each word's place and times when `with_words`.
fn line_text<'d>(
    tokens: &(impl Slices<Token<'d>> + ?Sized),
    atoms: &[Atom],
    with_words: bool,
) -> CueLine {
    let (first, end) = match (atoms.first(), atoms.last()) {
        (Some(a), Some(b)) => (a.first, b.end),
        _ => (0, 0),
    };
    let toks = &tokens[first..end];
    // One pass over the tokens for the text's size, its width and whether any control
    // character is to be replaced.
    let (bytes, width, edges) = toks.iter().fold((0, 0u32, 0), |(n, w, e), t| {
        (
            n + t.text.len() + t.punct.len(),
            w.saturating_add(t.width),
            e | t.edges,
        )
    });
    let clean = edges & edge::CONTROL != 0;
    let mut words = Vec::with_capacity(if with_words { toks.len() } else { 0 });
    // Joined straight into a string of its size (a replaced control character is not longer
    // than its space), then trimmed in place.
    let mut text = String::with_capacity(bytes);
    for t in toks {
        if with_words {
            words.push(CueWord {
                offset: text.len(),
                begin: t.begin,
                end: t.end,
            });
        }
        if clean {
            for part in [t.text, t.punct] {
                text.extend(part.chars().map(|c| if c.is_control() { ' ' } else { c }));
            }
        } else {
            text.push_str(t.text);
            // Most words have no punctuation: skip the empty part.
            if !t.punct.is_empty() {
                text.push_str(t.punct);
            }
        }
    }
    // An end token that has characters, the outer one not white space, leaves nothing to trim
    // there (a control character would become a space: then the text is looked at).
    let (first_tok, last_tok) = (toks.first(), toks.last());
    let keep_start =
        !clean && first_tok.is_some_and(|t| t.edges & (edge::EMPTY | edge::FIRST_SPACE) == 0);
    let keep_end =
        !clean && last_tok.is_some_and(|t| t.edges & (edge::EMPTY | edge::LAST_SPACE) == 0);
    if !keep_end {
        text.truncate(text.trim_end().len());
    }
    let lead = match keep_start {
        true => 0,
        false => text.len() - text.trim_start().len(),
    };
    if lead > 0 {
        text.drain(..lead);
    }
    // Without control characters, the text trimmed is the tokens' characters less the white
    // space at the ends, and every character counts in the reading length as in the width.
    let reading = (!clean).then(|| trimmed_width(toks, width));
    for w in &mut words {
        w.offset = w.offset.saturating_sub(lead).min(text.len());
    }
    // Words that are only white space leave no visible trace; drop their timing.
    words.dedup_by_key(|w| w.offset);
    CueLine {
        text,
        speaker: None,
        words,
        reading,
    }
}

/// The width of `toks` joined (`total`), less the white space at both ends, in half
/// characters: the reading length of the line they make ([`Preset::reading_length`]) when none
/// of them holds a control character.
fn trimmed_width(toks: &[Token<'_>], total: u32) -> u32 {
    // White space at an end may span tokens that are only white space.
    let edge = |toks: &mut dyn Iterator<Item = &Token<'_>>, side: fn(&Token<'_>) -> u32| {
        let mut w = 0u32;
        for t in toks {
            if !t.is(edge::BLANK) {
                return w.saturating_add(side(t));
            }
            w = w.saturating_add(t.width);
        }
        w
    };
    let lead = edge(&mut toks.iter(), |t| t.lead);
    let trail = edge(&mut toks.iter().rev(), |t| t.trail);
    total.saturating_sub(lead.saturating_add(trail))
}

/// The speakers' names by speaker index, shared by their cues ([`Cue::speaker`]); `None` for
/// text with no speaker.
type Names = Vec<Option<Arc<str>>>;

/// A sentence in time order: its speaker and the place of its tokens in the token list.
struct Planned<'d, 'a> {
    sentence: &'d Sentence<'a>,
    speaker: usize,
    tokens: std::ops::Range<usize>,
}

impl<'d> Planned<'d, '_> {
    /// Pushes the sentence's first `limit` tokens to `out`, measured.
    fn push_tokens(&self, preset: &Preset, limit: usize, out: &mut Vec<Token<'d>>) {
        let s = self.sentence;
        let from = out.len();
        if s.words.is_empty() {
            split_text(
                &s.text,
                clamp(s.begin_time),
                clamp(s.end_time),
                self.speaker,
                out,
            );
            out.truncate(from + limit.min(self.tokens.len()));
        } else {
            let words = &s.words[..limit.min(s.words.len())];
            out.extend(words.iter().map(|w| word_token(w, self.speaker)));
        }
        if out.len() - from == self.tokens.len() {
            if let Some(t) = out.last_mut() {
                t.sentence_end = true;
            }
        }
        for t in &mut out[from..] {
            t.measure(preset);
        }
    }

    /// The sentence's `k`th token, measured.
    fn token(&self, k: usize, preset: &Preset) -> Token<'d> {
        let mut t = match self.sentence.words.get(k) {
            Some(w) => word_token(w, self.speaker),
            None => {
                let mut all = Vec::with_capacity(self.tokens.len());
                self.push_tokens(preset, k + 1, &mut all);
                return all[k];
            }
        };
        t.sentence_end = k + 1 == self.tokens.len();
        t.measure(preset);
        t
    }
}

/// A time from the document, clamped far below overflow.
fn clamp(t: Millis) -> Millis {
    Millis(t.0.min(TIME_LIMIT))
}

/// The token of a word, not yet measured.
fn word_token<'d>(w: &'d Word<'_>, speaker: usize) -> Token<'d> {
    let begin = clamp(w.begin_time);
    let end = clamp(w.end_time).max(begin);
    Token::new(&w.text, &w.punctuation, begin, end, speaker)
}

/// The sentences in time order with their speakers and the places of their tokens, the
/// speaker names, and the number of tokens: all that the layout needs to cut the token list
/// into parts before any token is made.
fn plan_tokens<'d, 'a>(doc: &'d Transcription<'a>) -> (Vec<Planned<'d, 'a>>, Names, usize) {
    let channels = doc.transcripts.len() > 1;
    let mut names: Names = Vec::new();
    let mut keys: Vec<(u32, Option<i64>)> = Vec::new();
    let mut count = 0;
    let plans = sentences_by_time(doc)
        .into_iter()
        .map(|(channel, s)| {
            let key = (if channels { channel } else { 0 }, s.speaker_id);
            let speaker = match keys.iter().position(|k| *k == key) {
                Some(i) => i,
                None => {
                    keys.push(key);
                    names.push(match (channels, s.speaker_id) {
                        (true, Some(sp)) => Some(format!("Channel {channel} Speaker {sp}").into()),
                        (true, None) => Some(format!("Channel {channel}").into()),
                        (false, Some(sp)) => Some(format!("Speaker {sp}").into()),
                        (false, None) => None,
                    });
                    keys.len() - 1
                }
            };
            let len = match s.words.is_empty() {
                true => text_pieces(&s.text).len(),
                false => s.words.len(),
            };
            count += len;
            Planned {
                sentence: s,
                speaker,
                tokens: count - len..count,
            }
        })
        .collect();
    (plans, names, count)
}

/// Where the text of a sentence without words splits into tokens, as byte ranges: Latin
/// words and numbers with their spaces, single CJK characters, punctuation attached to what
/// precedes it.
fn text_pieces(text: &str) -> Vec<(usize, usize)> {
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        if let Some(p) = prev {
            let glue = c.is_whitespace()
                || (is_word_char(p) && is_word_char(c))
                || matches!(Script::of(c), Script::Punctuation | Script::Other)
                    && !is_wide(c)
                    && !c.is_alphanumeric()
                || no_line_start(c)
                || no_line_end(p)
                || is_clause_end(c)
                || is_sentence_end(c);
            let after_space = p.is_whitespace() && !c.is_whitespace();
            if !glue || after_space {
                pieces.push((start, i));
                start = i;
            }
        }
        prev = Some(c);
    }
    if start < text.len() {
        pieces.push((start, text.len()));
    }
    pieces
}

/// Pushes the tokens of a sentence without words ([`text_pieces`]) to `out`, with the
/// sentence's time spread evenly over its characters.
fn split_text<'d>(
    text: &'d str,
    begin: Millis,
    end: Millis,
    speaker: usize,
    out: &mut Vec<Token<'d>>,
) {
    let end = end.max(begin);
    let total = text.chars().count().max(1) as u64;
    let span = end.0 - begin.0;
    let mut chars_before = 0u64;
    for (a, b) in text_pieces(text) {
        let piece = &text[a..b];
        let n = piece.chars().count() as u64;
        let t0 = begin.0 + span * chars_before / total;
        chars_before += n;
        let t1 = begin.0 + span * chars_before / total;
        out.push(Token::new(piece, "", Millis(t0), Millis(t1), speaker));
    }
}

/// Applies the timing rules; afterwards cues are ordered, do not overlap, keep the minimum gap
/// where there is room, and each lasts at least 1 ms inside `span_begin..span_end` (when that
/// span holds them).
fn timing(cues: &mut Vec<Cue>, p: &Preset, span_begin: Millis, span_end: Millis) {
    let gap = p.min_gap();
    for c in cues.iter_mut() {
        // A single word may last longer than a cue may.
        if c.end - c.begin > p.max_duration {
            c.end = c.begin + p.max_duration;
        }
    }
    separate(cues, gap, span_begin, span_end);
    let n = cues.len();
    let chars: Vec<u32> = cues.iter().map(|c| c.laid_out_reading_length(p)).collect();
    // Extend out-times for the minimum duration and the reading speed, into free time.
    for i in 0..n {
        let limit = if i + 1 < n {
            cues[i + 1].begin.saturating_sub(gap)
        } else {
            span_end
        };
        let need = p.display_time(chars[i]);
        let c = &mut cues[i];
        if c.end - c.begin < need {
            c.end = c.end.max((c.begin + need).min(limit));
        }
    }
    // Still too short (another cue follows closely): start earlier into free time.
    for i in 0..n {
        let floor = if i > 0 {
            cues[i - 1].end + gap
        } else {
            span_begin
        };
        let c = &mut cues[i];
        let need = p.display_time(chars[i]);
        if c.end - c.begin < need {
            let want = c.end.saturating_sub(need);
            if want < c.begin {
                c.begin = want.max(floor).min(c.begin);
            }
        }
    }
    // Close small gaps up to the minimum gap.
    for i in 0..n.saturating_sub(1) {
        let next = cues[i + 1].begin;
        close_gap(&mut cues[i], next, p);
    }
    separate(cues, gap, span_begin, span_end);
}

/// Closes a gap between `c` and a cue starting at `next` that is shorter than
/// [`Preset::close_gap`] to the minimum gap, when `c` does not grow past the longest duration.
fn close_gap(c: &mut Cue, next: Millis, p: &Preset) {
    let (gap, g) = (p.min_gap(), next.saturating_sub(c.end));
    if g > gap && g < p.close_gap() && next.saturating_sub(gap) - c.begin <= p.max_duration {
        c.end = next.saturating_sub(gap);
    }
}

/// Makes cues ordered and non-overlapping with `gap` between them, each at least 1 ms long,
/// inside the span where it can; a cue with no room left joins the previous one.
fn separate(cues: &mut Vec<Cue>, gap: Millis, span_begin: Millis, span_end: Millis) {
    cues.sort_by_key(|c| c.begin);
    // Forward: trim the previous cue, or delay this one, to keep the gap.
    for i in 0..cues.len() {
        if cues[i].begin < span_begin {
            cues[i].begin = span_begin;
        }
        if i > 0 {
            let prev_begin = cues[i - 1].begin;
            let lo = cues[i - 1].end + gap;
            if cues[i].begin < lo {
                // Trim the previous cue, keeping it at least half its length (and ≥ 1 ms).
                let keep = ((cues[i - 1].end - prev_begin).0 / 2).max(1);
                let trimmed = cues[i]
                    .begin
                    .saturating_sub(gap)
                    .max(prev_begin + Millis(keep));
                cues[i - 1].end = cues[i - 1].end.min(trimmed);
                let lo = cues[i - 1].end + gap;
                if cues[i].begin < lo {
                    let len = cues[i].end - cues[i].begin;
                    cues[i].begin = lo;
                    cues[i].end = cues[i].end.max(lo + len);
                }
            }
        }
        if cues[i].end <= cues[i].begin {
            cues[i].end = cues[i].begin + Millis(1);
        }
    }
    // Backward: keep the last cues inside the span; a cue squeezed to nothing joins the one
    // before it.
    let mut i = cues.len();
    while i > 0 {
        i -= 1;
        let hi = match cues.get(i + 1) {
            Some(next) => next.begin.saturating_sub(gap),
            None => span_end,
        };
        if cues[i].end > hi {
            cues[i].end = hi;
        }
        if cues[i].end <= cues[i].begin {
            let floor = if i > 0 {
                cues[i - 1].end + gap
            } else {
                span_begin
            };
            if hi > floor {
                cues[i].begin = floor.max(hi.saturating_sub(Millis(1000)));
                cues[i].end = hi;
            } else if i > 0 {
                let c = cues.remove(i);
                // Joining may not reach into the next cue.
                let cap = cues.get(i).map(|next| next.begin.saturating_sub(gap));
                let prev = &mut cues[i - 1];
                prev.lines.extend(c.lines);
                prev.end = prev.end.max(hi.min(c.end)).max(prev.begin + Millis(1));
                if let Some(cap) = cap {
                    if prev.end > cap && cap > prev.begin {
                        prev.end = cap;
                    }
                }
                // Check the cue that grew next.
                continue;
            } else {
                cues[i].begin = span_begin;
                cues[i].end = hi.max(span_begin + Millis(1));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Sentence, Transcript, Word};

    /// A one-sentence document of CJK characters, one word each, `step` ms apart.
    fn chars_doc(text: &str, step: u64, start: u64) -> Transcription<'static> {
        let mut words = Vec::new();
        let mut t = start;
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let mut punct = String::new();
            while i + 1 < chars.len() && "，。！？、".contains(chars[i + 1]) {
                punct.push(chars[i + 1]);
                i += 1;
            }
            words.push(Word::new(Millis(t), Millis(t + step), c.to_string(), punct));
            t += step;
            i += 1;
        }
        Transcription::new("", vec![Transcript::new(0, vec![Sentence::new(words)])])
    }

    fn en_doc(text: &str, step: u64) -> Transcription<'static> {
        let mut words = Vec::new();
        let mut t = 0;
        let parts: Vec<&str> = text.split(' ').collect();
        for (i, w) in parts.iter().enumerate() {
            let (word, punct) = match w.char_indices().last() {
                Some((k, c)) if ",.!?;:".contains(c) => (&w[..k], &w[k..]),
                _ => (*w, ""),
            };
            let sep = if i + 1 < parts.len() { " " } else { "" };
            let (text, punct) = if punct.is_empty() {
                (format!("{word}{sep}"), String::new())
            } else {
                (word.to_string(), format!("{punct}{sep}"))
            };
            words.push(Word::new(Millis(t), Millis(t + step), text, punct));
            t += step;
        }
        Transcription::new("", vec![Transcript::new(0, vec![Sentence::new(words)])])
    }

    /// A long meeting: two channels' worth of speakers taking turns, pauses long and short,
    /// some sentences without words; enough tokens for the layout to run in parts.
    fn long_meeting() -> Transcription<'static> {
        let lines = [
            "我们今天讨论一下预算，",
            "好的。",
            "但是这个方案还要再看看吧？",
            "对。",
        ];
        let mut sentences = Vec::new();
        let mut t = 0;
        for k in 0..1200u64 {
            let text = lines[(k % 4) as usize];
            let mut s = if k % 7 == 3 {
                let end = t + 2_000;
                Sentence::from_text(Millis(t), Millis(end), text)
            } else {
                let doc = chars_doc(text, 180, t);
                doc.transcripts
                    .into_iter()
                    .next()
                    .unwrap()
                    .sentences
                    .remove(0)
            };
            s.speaker_id = [Some(1), Some(1), Some(2), None, Some(3)][(k / 4 % 5) as usize];
            t = s.end_time.0 + [150, 400, 2_500, 90, 9_000][(k % 5) as usize];
            sentences.push(s);
        }
        Transcription::new("", vec![Transcript::new(0, sentences)])
    }

    /// `doc` laid out by `builder` in parts of about `task` tokens on `threads` threads.
    fn in_parts(
        builder: &CueBuilder,
        doc: &Transcription<'_>,
        task: usize,
        threads: usize,
    ) -> Vec<Cue> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| builder.clone().task_tokens(task).build(doc))
    }

    #[test]
    fn parts_lay_out_as_the_whole() {
        let doc = long_meeting();
        let tokens: usize = doc.transcripts[0]
            .sentences
            .iter()
            .map(|s| s.words.len().max(20))
            .sum();
        assert!(
            tokens > 4 * TOKENS_PER_TASK,
            "{tokens} tokens: too few for parts"
        );
        for labels in [
            SpeakerLabels::None,
            SpeakerLabels::Names,
            SpeakerLabels::Dashes,
        ] {
            let builder = CueBuilder::auto().speaker_labels(labels);
            let on = |threads| in_parts(&builder, &doc, TOKENS_PER_TASK, threads);
            let whole = on(1);
            assert!(whole.len() > 100);
            assert_eq!(on(2), whole, "{labels:?}");
            assert_eq!(on(3), whole, "{labels:?}");
        }
    }

    #[test]
    fn parts_join_where_words_close_a_pause() {
        // By their sentences' times, a 1.55 s pause (longer than `split_pause`) follows every
        // sentence; the last word of two in three runs on until 0.1 s before the next
        // sentence, so no block ends there. The parts cut at those pauses must be joined
        // again; the others may stay.
        let sentences = (0..60u64)
            .map(|k| {
                let t = k * 2_500;
                let words: Vec<Word<'static>> = (0..4)
                    .map(|i| Word::new(Millis(t + i * 250), Millis(t + i * 250 + 200), "字", ""))
                    .collect();
                let mut s = Sentence::new(words);
                if k % 3 != 0 {
                    s.words[3].end_time = Millis(t + 2_400);
                }
                s
            })
            .collect();
        let doc = Transcription::new("", vec![Transcript::new(0, sentences)]);
        let builder = CueBuilder::auto();
        let whole = builder.build(&doc);
        // Cues run across the sentences that cuts at their pauses would have separated.
        let chars = |c: &Cue| {
            c.lines
                .iter()
                .map(|l| l.text.chars().count())
                .sum::<usize>()
        };
        assert!(whole.iter().any(|c| chars(c) > 4), "{whole:?}");
        assert_eq!(in_parts(&builder, &doc, 4, 2), whole);
    }

    #[test]
    fn parts_end_only_where_blocks_must() {
        // Words with no break allowed between them stay one atom across a long pause, and a
        // part may not end there.
        let sentences = (0..40u64)
            .map(|k| {
                let t = k * 5_000;
                let words = vec![
                    Word::new(Millis(t), Millis(t + 300), "ab", ""),
                    Word::new(Millis(t + 300), Millis(t + 600), "cd", ""),
                ];
                Sentence::new(words)
            })
            .collect();
        let doc = Transcription::new("", vec![Transcript::new(0, sentences)]);
        let builder = CueBuilder::auto();
        let whole = builder.build(&doc);
        assert!(whole[0].duration() > Millis(5_000), "{:?}", whole[0]);
        assert_eq!(in_parts(&builder, &doc, 2, 2), whole);
    }

    #[cfg(feature = "testing")]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Laid out in parts of a few tokens on three threads, any document (glitches
        /// included) gets the cues it gets in one part.
        #[test]
        fn small_parts_lay_out_as_the_whole(
            doc in crate::testing::strategy::glitchy_transcription(),
            labels in 0usize..3,
            task in 1usize..6,
        ) {
            let labels = [SpeakerLabels::None, SpeakerLabels::Names, SpeakerLabels::Dashes][labels];
            let builder = CueBuilder::auto().speaker_labels(labels);
            let whole = builder.build(&doc);
            proptest::prop_assert_eq!(in_parts(&builder, &doc, task, 3), whole);
        }
    }

    fn texts(cues: &[Cue]) -> Vec<Vec<String>> {
        cues.iter()
            .map(|c| c.lines.iter().map(|l| l.text.clone()).collect())
            .collect()
    }

    #[test]
    fn presets() {
        for (name, chars, cps) in [
            ("netflix-en", 42, 20),
            ("zh", 16, 9),
            ("netflix-ja", 13, 4),
            ("KO", 16, 12),
            ("bbc", 37, 17),
        ] {
            let p = Preset::from_name(name).unwrap();
            assert_eq!(
                (p.max_chars, p.max_cps, p.max_lines),
                (chars, cps, 2),
                "{name}"
            );
        }
        assert!(Preset::from_name("netflix-xx").is_none());
        let zh = Preset::netflix(Language::Chinese);
        assert_eq!(zh.width("你好 ab"), 7);
        assert_eq!(Preset::bbc().width("你好 ab"), 10);
        assert_eq!(zh.min_gap(), Millis(84));
        assert_eq!(zh.reading_time(18), Millis(1000));
        assert_eq!(zh.reading_time(1), Millis(56));
    }

    /// Reading length counts as width does (CJK presets: full-width 2, half-width 1; others:
    /// every character 2), zero-width characters 0, line ends and line breaks not.
    #[test]
    fn reading_length_counts_as_width() {
        let zh = Preset::netflix(Language::Chinese);
        let ja = Preset::netflix(Language::Japanese);
        let en = Preset::netflix(Language::English);
        for (lines, cjk, other) in [
            (&["你好，世界！"][..], 12, 12),
            (&["我们用 Rust 写代码", "ASR 很快!"][..], 27, 38),
            (&["  a b  ", "\tc"][..], 4, 8),
            (&["e\u{301}\u{200B}x\u{FE0F}，"][..], 4, 6),
            (&["カタカナ Go"][..], 11, 14),
            // Half-width katakana counts half (its voicing mark is a character of its own).
            (&["ｶﾀｶﾅ ｺﾞ"][..], 7, 14),
            (&[][..], 0, 0),
        ] {
            assert_eq!(zh.reading_length(lines.iter().copied()), cjk, "{lines:?}");
            assert_eq!(ja.reading_length(lines.iter().copied()), cjk, "{lines:?}");
            assert_eq!(en.reading_length(lines.iter().copied()), other, "{lines:?}");
            for p in [&zh, &en] {
                let width: u32 = lines.iter().map(|l| p.width(l.trim())).sum();
                assert_eq!(p.reading_length(lines.iter().copied()), width, "{lines:?}");
            }
        }
    }

    /// Timing extends a mixed Chinese/English cue for its reading length with half-width
    /// characters counting 0.5 under netflix-zh: 13.5 characters at 9 per second, 1500 ms
    /// (2112 ms if every character counted 1); under netflix-en, 19 at 20 per second, 950 ms.
    #[test]
    fn timing_extends_for_reading_length() {
        let cue = Cue {
            begin: Millis(1000),
            end: Millis(1900),
            lines: ["我们用 Rust 写代码", "ASR 很快!"]
                .iter()
                .map(|t| CueLine {
                    text: t.to_string(),
                    speaker: None,
                    words: Vec::new(),
                    reading: None,
                })
                .collect(),
            speaker: None,
            label: false,
        };
        for (preset, end) in [
            (Preset::netflix(Language::Chinese), 2500),
            (Preset::netflix(Language::Korean), 2125),
            (Preset::netflix(Language::English), 1950),
            (Preset::bbc(), 2118),
        ] {
            let mut cues = vec![cue.clone()];
            timing(&mut cues, &preset, Millis(0), Millis(10_000));
            assert_eq!(
                (cues[0].begin, cues[0].end),
                (Millis(1000), Millis(end)),
                "{}",
                preset.name
            );
            let mut labelled = cue.clone();
            labelled.speaker = Some("Speaker 1".into());
            labelled.label = true;
            // "Speaker 1: " is 11 half-width characters.
            let label = if preset.half_width { 11 } else { 22 };
            assert_eq!(
                labelled.reading_length(&preset),
                cue.reading_length(&preset) + label,
                "{}",
                preset.name
            );
        }
    }

    #[test]
    fn visible_chars_skip_zero_width() {
        for text in [
            "你好，世界！",
            "a\u{200B}b\u{2060}",
            "e\u{301}\u{36F}",
            "\u{FEFF}x\u{FE0F}，",
            "a\u{85}b\tc\u{7F}",
            "—…“”\u{A0}é",
            "",
        ] {
            let want = text.chars().filter(|&c| !is_zero_width(c)).count();
            assert_eq!(visible_chars(text), want, "{text:?}");
        }
    }

    /// Counting on the bytes finds what counting each character by its script finds.
    #[test]
    fn script_counts_match_scripts() {
        let every: String = ('\0'..=char::MAX).collect();
        let mixed = "Hello 世界，这里是 ASR。これは日本語です 안녕하세요 Привет é\u{301} \u{3400}\u{4DC0}\u{9FFF}\u{A000}";
        for text in [every.as_str(), mixed, "", "a", "\u{4E00}", "\u{4DFF}x"] {
            let mut fast = ScriptCounts::default();
            fast.add(text);
            let mut slow = ScriptCounts::default();
            for c in text.chars() {
                slow.total += 1;
                slow.count(Script::of(c));
            }
            assert_eq!(
                (fast.han, fast.kana, fast.hangul, fast.latin, fast.total),
                (slow.han, slow.kana, slow.hangul, slow.latin, slow.total),
                "{}",
                text.chars().take(20).collect::<String>()
            );
        }
    }

    #[test]
    fn detects_language() {
        for (text, lang) in [
            ("Hello world, 这里是阿里巴巴语音实验室。", Language::Chinese),
            ("Hello there, how are you today?", Language::English),
            ("これは日本語のテストです。", Language::Japanese),
            ("안녕하세요 반갑습니다", Language::Korean),
            ("", Language::English),
        ] {
            assert_eq!(Language::detect_text(text), lang, "{text}");
        }
    }

    #[test]
    fn kinsoku_and_words() {
        let p = Preset::netflix(Language::Chinese);
        let t = |text: &'static str, punct: &'static str| {
            let mut t = Token::new(text, punct, Millis(0), Millis(1), 0);
            t.measure(&p);
            t
        };
        for (a, b, ok) in [
            (t("Hello ", ""), t("world", ""), true),
            (t("Hel", ""), t("lo", ""), false),
            (t("20", ""), t("25", ""), false),
            (t("你", ""), t("好", ""), true),
            (t("你", ""), t("」", ""), false),
            (t("「", ""), t("你", ""), false),
            (t("好", "，"), t("我", ""), true),
            (t("す", ""), t("っ", ""), false),
            (t("한국", ""), t("어", ""), false),
            (t("한국 ", ""), t("어", ""), true),
        ] {
            assert_eq!(can_break(&a, &b), ok, "{}{} | {}", a.text, a.punct, b.text);
        }
    }

    #[test]
    fn conjunctions_span_tokens() {
        let p = Preset::netflix(Language::Chinese);
        let toks: Vec<Token<'_>> = [
            ("我", ""),
            ("因", ""),
            ("为", ""),
            ("and ", ""),
            ("sandy ", ""),
        ]
        .iter()
        .map(|(t, q)| {
            let mut t = Token::new(t, q, Millis(0), Millis(1), 0);
            t.measure(&p);
            t
        })
        .collect();
        assert!(!starts_with_conjunction(&toks, 0));
        assert!(starts_with_conjunction(&toks, 1));
        assert!(!starts_with_conjunction(&toks, 2));
        assert!(starts_with_conjunction(&toks, 3));
        assert!(!starts_with_conjunction(&toks, 4));
    }

    #[test]
    fn chinese_breaks_at_clauses() {
        let doc = chars_doc(
            "听好了，从今儿起，别再把自己当软柿子捏，学着用狠角色的路子火。",
            180,
            40,
        );
        let cues = CueBuilder::new(Preset::netflix(Language::Chinese)).build(&doc);
        let got = texts(&cues);
        // Every line ends at punctuation; no line is wider than 16.
        for lines in &got {
            assert!(lines.len() <= 2);
            for l in lines {
                assert!(l.chars().count() <= 16, "{l}");
                assert!(l.ends_with('，') || l.ends_with('。'), "{got:?}");
            }
        }
        let joined: String = got.concat().concat();
        assert_eq!(
            joined,
            "听好了，从今儿起，别再把自己当软柿子捏，学着用狠角色的路子火。"
        );
    }

    #[test]
    fn writers_skip_only_word_times() {
        let doc = chars_doc(
            "听好了，从今儿起，别再把自己当软柿子捏，学着用狠角色的路子火。",
            180,
            40,
        );
        let builder = CueBuilder::new(Preset::netflix(Language::Chinese));
        let with = builder.build(&doc);
        let (_, without) = builder.build_for_writer(&doc, false);
        assert!(
            with.iter()
                .flat_map(|c| &c.lines)
                .all(|l| !l.words.is_empty())
        );
        assert!(
            without
                .iter()
                .flat_map(|c| &c.lines)
                .all(|l| l.words.is_empty())
        );
        let times = |cues: &[Cue]| cues.iter().map(|c| (c.begin, c.end)).collect::<Vec<_>>();
        assert_eq!(times(&with), times(&without));
        assert_eq!(texts(&with), texts(&without));
    }

    #[test]
    fn english_balanced_two_lines() {
        let doc = en_doc(
            "This is a fairly long sentence that will not fit on one line, so it needs two.",
            300,
        );
        let cues = CueBuilder::new(Preset::netflix(Language::English)).build(&doc);
        assert_eq!(cues.len(), 1, "{:?}", texts(&cues));
        let lines = &texts(&cues)[0];
        // Bottom-heavy: the top line is the shorter one.
        assert_eq!(lines[0], "This is a fairly long sentence that");
        assert_eq!(lines[1], "will not fit on one line, so it needs two.");
    }

    #[test]
    fn timing_rules() {
        // Two short words far apart: each cue gets the minimum duration.
        let doc = Transcription::new(
            "",
            vec![Transcript::new(
                0,
                vec![
                    Sentence::new(vec![Word::new(Millis(1000), Millis(1200), "Hi", ".")]),
                    Sentence::new(vec![Word::new(Millis(5000), Millis(5100), "Yes", ".")]),
                ],
            )],
        );
        let p = Preset::netflix(Language::English);
        let cues = CueBuilder::new(p.clone()).build(&doc);
        assert_eq!(cues.len(), 2);
        assert_eq!(cues[0].duration(), Millis(833));
        // The last cue cannot pass the end of the speech.
        assert_eq!(cues[1].end, Millis(5100));
        assert!(cues[1].duration() >= Millis(833));
        // Close cues keep a two-frame gap.
        let doc = Transcription::new(
            "",
            vec![Transcript::new(
                0,
                vec![
                    Sentence::new(vec![Word::new(Millis(0), Millis(2000), "One", ".")])
                        .with_speaker(0),
                    Sentence::new(vec![Word::new(Millis(2000), Millis(4000), "Two", ".")])
                        .with_speaker(1),
                ],
            )],
        );
        let cues = CueBuilder::new(p).build(&doc);
        assert_eq!(cues.len(), 2);
        assert_eq!(cues[1].begin - cues[0].end, Millis(84));
    }

    #[test]
    fn dash_cues() {
        let doc = Transcription::new(
            "",
            vec![Transcript::new(
                0,
                vec![
                    Sentence::new(vec![Word::new(Millis(0), Millis(700), "Ready", "?")])
                        .with_speaker(0),
                    Sentence::new(vec![Word::new(Millis(800), Millis(1500), "Yes", ".")])
                        .with_speaker(1),
                ],
            )],
        );
        let cues = CueBuilder::new(Preset::netflix(Language::English))
            .speaker_labels(SpeakerLabels::Dashes)
            .build(&doc);
        assert_eq!(
            texts(&cues),
            vec![vec!["-Ready?".to_string(), "-Yes.".into()]]
        );
        assert_eq!(cues[0].lines[1].speaker.as_deref(), Some("Speaker 1"));
    }

    #[test]
    fn overlapping_channels_never_overlap() {
        let ch = |c: u32| {
            Transcript::new(
                c,
                vec![Sentence::new(vec![Word::new(
                    Millis(0),
                    Millis(3000),
                    "same",
                    ".",
                )])],
            )
        };
        let doc = Transcription::new("", vec![ch(0), ch(1)]);
        let cues = CueBuilder::auto().build(&doc);
        assert_eq!(cues.len(), 2);
        assert!(cues[0].end < cues[1].begin);
        assert_eq!(cues[0].speaker.as_deref(), Some("Channel 0"));
    }

    #[test]
    fn conjunction_table_matches_list() {
        for c in ('\0'..=char::MAX).filter(|c| !c.is_ascii_alphabetic()) {
            assert_eq!(
                may_start_conjunction(c),
                CONJUNCTION_STARTS.contains(&c),
                "{c}"
            );
        }
        assert!("azAZ".chars().all(may_start_conjunction));
    }

    #[test]
    fn laid_out_reading_lengths_match_counting() {
        // Words with white space, zero-width and control characters at their edges, words
        // that are only white space, empty words; the layout's lengths must be the counted
        // ones (`assemble` checks every cue in debug builds, this makes sure of it here).
        let words = [
            ("  ", ""),
            ("\u{200B}", " "),
            (" Hello", ", "),
            ("", ""),
            ("世界", "。 "),
            ("\u{3000}", ""),
            ("e\u{301}t\u{e9}", "\u{FEFF}"),
            ("tab\t", ""),
            (" ", " "),
            ("\u{85}next", "\u{1}"),
            ("한국어", "? "),
            ("  ", "  "),
        ];
        let mut t = 0;
        let mut ws = Vec::new();
        for _ in 0..4 {
            for (text, punct) in words {
                ws.push(Word::new(Millis(t), Millis(t + 300), text, punct));
                t += 300;
            }
        }
        let doc = Transcription::new(
            "",
            vec![Transcript::new(0, vec![Sentence::new(ws).with_speaker(1)])],
        );
        for name in Preset::NAMES {
            let preset = Preset::from_name(name).unwrap();
            for labels in [SpeakerLabels::None, SpeakerLabels::Names] {
                for max_chars in [3, 8, 42] {
                    let cues = CueBuilder::new(preset.clone())
                        .max_chars(max_chars)
                        .speaker_labels(labels)
                        .build(&doc);
                    assert!(!cues.is_empty());
                    for c in &cues {
                        let counted = c.reading_length(&preset);
                        assert_eq!(c.laid_out_reading_length(&preset), counted, "{name} {c:?}");
                        for l in &c.lines {
                            assert_eq!(l.text, l.text.trim(), "{name} {c:?}");
                            assert!(!l.text.contains(char::is_control), "{name} {c:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn no_words_and_degenerate_times() {
        let doc = Transcription::new(
            "",
            vec![Transcript::new(
                0,
                vec![
                    Sentence::from_text(Millis(0), Millis(0), "零长度的句子，没有词。"),
                    Sentence::from_text(Millis(0), Millis(0), "\n"),
                    Sentence::from_text(Millis(u64::MAX), Millis(3), "late"),
                ],
            )],
        );
        let cues = CueBuilder::auto().max_chars(0).max_lines(0).build(&doc);
        for w in cues.windows(2) {
            assert!(w[0].end <= w[1].begin);
        }
        for c in &cues {
            assert!(c.end > c.begin);
            assert!(c.lines.iter().all(|l| !l.text.is_empty()));
        }
    }
}
