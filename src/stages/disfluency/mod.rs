//! Disfluency removal: hesitations, backchannels, discourse markers, stutters and recognition
//! loops, in the seven languages Paraformer recognizes (zh, en, ja, ko, de, fr, ru).
//!
//! [`DisfluencyRemover`] finds, per sentence:
//!
//! * **hesitations** (tier A: `嗯`, `呃`, `um`, `えー`, `음`, `äh`, `euh`, `э`…), removed as whole
//!   tokens in every level;
//! * **backchannels** (tier B: `对`, `好的`, `yeah`, `はい`, `네`, `ja`, `oui`, `да`…), on their own
//!   switch ([`DisfluencyBuilder::backchannels`]), only where they stand alone in a clause and
//!   never when they are the whole reply;
//! * **discourse markers** (tier C: `那个`, `就是说`, `you know`, `あの`, `also`, `du coup`, `ну`…),
//!   in [`Level::Full`] only, and only in filler position (at a clause start and followed by
//!   punctuation, the sentence end or another filler), so `那个订单` and `just like that` stay;
//! * **repetitions**: stutters and repeated words collapse to the last copy (`I I think` → `I
//!   think`, `我我我觉得` → `我觉得`, `我们我们` → `我们`, `w- went` → `went`), but not
//!   reduplication (`看看`, `谢谢`, `妈妈`, `研究研究`), digit strings (`八八八`, `two two five`)
//!   or `uh-uh` ("no"). Copies compare by their normalized spelling (`gooo GOOOO` repeat; `sooo`
//!   is `so`, whose repeat is kept) and may stand on either side of a comma, whether it is the
//!   word's punctuation or a word of its own (`我，我觉得` → `我觉得`: the pause of a stutter),
//!   but not of terminal punctuation;
//! * **recognition loops**: runs of four or more identical tokens, collapsed and reported (or
//!   only reported where the token may really repeat: digits, `哈`, `对`).
//!
//! Lists apply by the script of the word and the language hints ([`DisfluencyBuilder::languages`],
//! by default zh and en as in the service), never across languages: with German hinted, the
//! English `um` and `er` are German words and stay. Matching takes whole tokens only, so `额`
//! never touches `额度` or `金额`, even when the recognizer writes one character per word.
//! A sentence-final particle (`好啊`, `是吧`) is not a filler, and in [`Level::Light`] a sentence
//! made only of fillers (`嗯。`, an answer) is kept.
//!
//! After removal the stage repairs the text: the clause's terminal punctuation moves to the word
//! before, no punctuation is left leading or doubled (`，，`, `, ,`), spaces are trimmed, and a
//! Latin or Cyrillic sentence keeps its capital. Sentence text and bounds follow the remaining
//! words; kept words keep their timestamps; a sentence left empty is dropped. Sentences without
//! words are tokenized from their text and keep their bounds.
//!
//! In [`Mode::Tag`] nothing is removed: each found word gets a `disfluency` enrichment field
//! (`{"kind":"hesitation","entry":"嗯","language":"zh"}`), and sentences without words get a
//! list of them. [`Mode::Off`] leaves the document byte-identical.
//!
//! The report (stage `disfluency`) has one event per finding (`removed`, `tagged` or
//! `flagged`), time-stamped, with the speaker; one `sentence-dropped` event per dropped
//! sentence; one `speaker-summary` event per speaker with counts by kind and by word and the
//! rate per minute of talk; and counters per kind.
//!
//! # Speed
//!
//! On the synthetic 1-hour result (`benches/disfluency.rs`: 302 sentences, 10.5k words, mostly
//! one Han character each), `Stage::process` runs about 3.18 M instructions in [`Level::Light`]
//! (3.44 M full, 3.68 M tag) against 23.9 M for parsing the result (callgrind, one thread: the
//! `profile` command of `examples/disfluency_check.rs`), down from 5.3 M (5.8 M, 6.4 M). It
//! allocates about 540 times a run (560 full, 2,580 tag, where each marked word gets its own
//! enrichment value), down from 1,800 (1,850, 4,340): little more than what it writes, a
//! finding's event fields (and its text when that is not the list entry), a changed
//! sentence's text and the per-speaker summaries.
//! In wall time, criterion on an otherwise idle machine puts light at 0.18× to 0.24× the
//! parse time with the default pool of two threads (median of eleven runs 0.19×: seven under
//! 0.2×, three within 0.005× above it, one at 0.24×; full 0.21× to 0.22×, tag 0.23× to 0.29×)
//! and at 0.23× on one thread (full 0.26×, tag 0.30×), against 0.39× and 0.445× before this
//! work. The spread is the second core's: a sleeping pool thread takes about 35 µs to start, a
//! tenth of the run, and sometimes far longer.
//! Simulated on the stage alone (callgrind with cache and branch simulation, `--toggle-collect`
//! on `process`), a run has about 33k D1 read misses (reading each word's entry and the bytes
//! of its text: about three a word, in order, which the simulation does not prefetch), 31k
//! mispredicted branches (a quarter of them in the scan's data-dependent tests) and about 19k
//! instruction-cache misses: the code a changed sentence runs through (scan, planner, repair,
//! events) does not fit the 32 KiB cache. Cold paths (tag mode, quotations, sentences without
//! words, dropped sentences) are out of line to keep that down (from 27k). Two threads help
//! less than twice: the pool thread starts late, the calling thread works meanwhile (see
//! [`for_each_sentence`]), and the summary and the transcript's text are done after the
//! parallel part.
//!
//! Where light's instructions go: the scan, about 1.6 M (some 137 instructions per
//! one-character word: two records, a hash, a bit test, the repeat window); planning and
//! repairing the 196 sentences the scan cannot rule out, about 0.7 M (in vectors reused from
//! sentence to sentence, the plan's included); writing back the 143 changed sentences and
//! reporting their findings, about 0.55 M (their new text, and each finding's event: its
//! fields, one allocation, and its text, which most often is the list entry and then shares
//! it; the kind, language and a built-in entry are static strings, see
//! [`DetailValue`](crate::DetailValue)); the per-speaker summaries and counters, 0.2 M.
//!
//! Two ideas did not pay. Keeping up to five detail fields inside the event instead of in a
//! vector saved the vector's allocation but cost more instructions than it saved (about
//! 0.12 M a run, moving events three times as large). A first pass that only decides whether
//! a sentence of Han words needs planning, before any record is built, rules out a sixth of
//! the sentences and cost more (about 0.37 M a run) than it saved (0.18 M).
//!
//! The hot path is one scan per sentence: each token is classified, keyed and hashed once (a
//! token that is one Han character, how Paraformer writes Chinese, by a few lookups, with its
//! own text as key; a Latin word of lower-case letters likewise), and the scan notes where the
//! planner has to look: token starts whose first character starts a list entry (a bit set over
//! the Basic Multilingual Plane, then the trie for a Latin word), repeats that the planner's
//! stutter rules may take, and quotation marks. A sentence with nothing is done. The others
//! are planned with those shortcuts: fillers are tried only at the starts that matter (a start
//! of an entry of a tier not in use only where its candidate could hide one that is, and
//! compounds only from units that may start one), the repetition search runs only where the
//! scan saw a repeat or a removed filler joins two tokens (looked for next to the filler), and
//! the quotation check only with quotation marks. Tests run the stage without the shortcuts
//! and compare. Working vectors are kept per thread; a plan's repairs are a short list of
//! changed tokens; counters and the per-speaker summary are tallied before they are looked up
//! by name.
//!
//! # Example
//!
//! ```
//! use asrpost::stages::disfluency::{DisfluencyRemover, Level};
//! use asrpost::{Pipeline, Transcription};
//!
//! let json = r#"{"transcripts":[{"text":"嗯，我我我觉得额度不够。","sentences":[
//!   {"begin_time":0,"end_time":1000,"text":"嗯，我我我觉得额度不够。","words":[
//!   {"begin_time":0,"end_time":100,"text":"嗯","punctuation":"，"},
//!   {"begin_time":100,"end_time":200,"text":"我","punctuation":""},
//!   {"begin_time":200,"end_time":300,"text":"我","punctuation":""},
//!   {"begin_time":300,"end_time":400,"text":"我","punctuation":""},
//!   {"begin_time":400,"end_time":500,"text":"觉","punctuation":""},
//!   {"begin_time":500,"end_time":600,"text":"得","punctuation":""},
//!   {"begin_time":600,"end_time":700,"text":"额","punctuation":""},
//!   {"begin_time":700,"end_time":800,"text":"度","punctuation":""},
//!   {"begin_time":800,"end_time":900,"text":"不","punctuation":""},
//!   {"begin_time":900,"end_time":1000,"text":"够","punctuation":"。"}]}]}]}"#;
//! let mut doc = Transcription::from_str(json)?;
//! let stage = DisfluencyRemover::builder().level(Level::Light).build()?;
//! let report = Pipeline::builder().stage(stage).build().run(&mut doc)?;
//! let s = &doc.transcripts[0].sentences[0];
//! assert_eq!(s.text, "我觉得额度不够。");
//! assert_eq!(s.begin_time.0, 300); // the kept 我
//! assert_eq!(report.counter("disfluency", "hesitation"), 1);
//! assert_eq!(report.counter("disfluency", "repetition"), 1);
//! # Ok::<(), asrpost::Error>(())
//! ```

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use serde_json::json;

use crate::error::{Error, Result};
use crate::model::{Location, Sentence, Transcription, Word};
use crate::stages::{Detail, ReportEvent, Stage, StageReport, for_each_sentence};
use crate::text::Script;
use crate::{Millis, Report};

mod dict;
mod lists;
mod plan;

use dict::{Dict, Edits};
use plan::{Plan, Settings, Tok};

/// What the stage does with what it finds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mode {
    /// Nothing: the document stays byte-identical and the report empty.
    Off,
    /// Keep the words, mark them in the enriched output and the report.
    Tag,
    /// Remove them and repair the text.
    #[default]
    Remove,
}

impl Mode {
    /// The mode's name: `off`, `tag`, `remove`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Off => "off",
            Mode::Tag => "tag",
            Mode::Remove => "remove",
        }
    }
}

/// How much counts as a disfluency.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Level {
    /// Hesitations, repetitions and recognition loops.
    #[default]
    Light,
    /// Plus discourse markers in filler position.
    Full,
}

/// A tier of the word lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Tier {
    /// Tier A: hesitation sounds (`嗯`, `um`, `äh`).
    Hesitation,
    /// Tier B: backchannels and acknowledgements (`对`, `yeah`, `ja`).
    Backchannel,
    /// Tier C: discourse markers (`那个`, `you know`, `also`).
    Marker,
}

impl Tier {
    /// Parses `hesitation`, `backchannel`, `marker` (or `a`, `b`, `c`).
    ///
    /// # Errors
    ///
    /// An unknown name.
    pub fn from_name(name: &str) -> Result<Tier> {
        match name.to_ascii_lowercase().as_str() {
            "hesitation" | "a" => Ok(Tier::Hesitation),
            "backchannel" | "b" => Ok(Tier::Backchannel),
            "marker" | "c" => Ok(Tier::Marker),
            _ => Err(Error::invalid(
                "filler tier",
                format!("`{name}` is not one of hesitation, backchannel, marker"),
            )),
        }
    }
}

/// What a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Kind {
    /// A hesitation sound.
    Hesitation,
    /// A backchannel.
    Backchannel,
    /// A discourse marker.
    Marker,
    /// A stutter, repeated word or phrase, or word fragment.
    Repetition,
    /// A run of four or more identical tokens: likely a recognition loop.
    Loop,
}

impl Kind {
    /// Every kind, in the order of their declaration (`kind as usize` is the index).
    const ALL: [Kind; 5] = [
        Kind::Hesitation,
        Kind::Backchannel,
        Kind::Marker,
        Kind::Repetition,
        Kind::Loop,
    ];

    /// The name used in reports and enrichment: `hesitation`, `backchannel`, `marker`,
    /// `repetition`, `loop`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Hesitation => "hesitation",
            Kind::Backchannel => "backchannel",
            Kind::Marker => "marker",
            Kind::Repetition => "repetition",
            Kind::Loop => "loop",
        }
    }
}

impl From<Tier> for Kind {
    fn from(t: Tier) -> Kind {
        match t {
            Tier::Hesitation => Kind::Hesitation,
            Tier::Backchannel => Kind::Backchannel,
            Tier::Marker => Kind::Marker,
        }
    }
}

/// A language with built-in lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Language {
    /// Chinese (Mandarin).
    Zh,
    /// English.
    En,
    /// Japanese.
    Ja,
    /// Korean.
    Ko,
    /// German.
    De,
    /// French.
    Fr,
    /// Russian.
    Ru,
}

impl Language {
    /// Every language with lists.
    pub const ALL: [Language; 7] = [
        Language::Zh,
        Language::En,
        Language::Ja,
        Language::Ko,
        Language::De,
        Language::Fr,
        Language::Ru,
    ];

    /// The ISO 639-1 code (`zh`, `en`…), as in the service's `language_hints`.
    pub fn code(self) -> &'static str {
        match self {
            Language::Zh => "zh",
            Language::En => "en",
            Language::Ja => "ja",
            Language::Ko => "ko",
            Language::De => "de",
            Language::Fr => "fr",
            Language::Ru => "ru",
        }
    }

    /// Parses a code (`zh`, `EN`, `ja-JP`).
    ///
    /// # Errors
    ///
    /// A language without lists.
    pub fn from_code(code: &str) -> Result<Language> {
        let base = code.trim().split(['-', '_']).next().unwrap_or("");
        Language::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(base))
            .ok_or_else(|| {
                Error::invalid(
                    "language",
                    format!("`{code}` is not one of zh, en, ja, ko, de, fr, ru"),
                )
            })
    }

    /// Parses a comma-separated list (`zh,en`).
    ///
    /// # Errors
    ///
    /// An unknown code, or an empty list.
    pub fn parse_list(list: &str) -> Result<Vec<Language>> {
        let mut out = Vec::new();
        for code in list.split(',').filter(|c| !c.trim().is_empty()) {
            let l = Language::from_code(code)?;
            if !out.contains(&l) {
                out.push(l);
            }
        }
        if out.is_empty() {
            return Err(Error::invalid("language list", "no language given"));
        }
        Ok(out)
    }

    /// The script the language's lists are matched in (Japanese kana, Chinese Han…).
    fn script(self) -> Script {
        match self {
            Language::Zh => Script::Han,
            Language::Ja => Script::Kana,
            Language::Ko => Script::Hangul,
            Language::Ru => Script::Cyrillic,
            Language::En | Language::De | Language::Fr => Script::Latin,
        }
    }
}

/// Builds a [`DisfluencyRemover`]; reusable.
#[derive(Clone, Debug)]
pub struct DisfluencyBuilder {
    mode: Mode,
    level: Level,
    backchannels: bool,
    parallel: bool,
    languages: Vec<Language>,
    edits: Edits,
}

impl Default for DisfluencyBuilder {
    fn default() -> Self {
        DisfluencyBuilder {
            mode: Mode::Remove,
            level: Level::Light,
            backchannels: false,
            parallel: true,
            languages: vec![Language::Zh, Language::En],
            edits: Edits::default(),
        }
    }
}

impl DisfluencyBuilder {
    /// What to do with findings. By default, [`Mode::Remove`].
    pub fn mode(&mut self, mode: Mode) -> &mut Self {
        self.mode = mode;
        self
    }

    /// Which tiers count. By default, [`Level::Light`].
    pub fn level(&mut self, level: Level) -> &mut Self {
        self.level = level;
        self
    }

    /// Whether backchannels (tier B) count, in either level. By default, false: they carry
    /// the listener's side of a conversation.
    pub fn backchannels(&mut self, yes: bool) -> &mut Self {
        self.backchannels = yes;
        self
    }

    /// Whether large transcripts are processed in parallel over sentences (the result is the
    /// same). By default, true.
    pub fn parallel(&mut self, yes: bool) -> &mut Self {
        self.parallel = yes;
        self
    }

    /// The languages whose lists apply (the audio's language hints). By default, zh and en,
    /// the service's default hints.
    pub fn languages<I: IntoIterator<Item = Language>>(&mut self, languages: I) -> &mut Self {
        self.languages.clear();
        for l in languages {
            if !self.languages.contains(&l) {
                self.languages.push(l);
            }
        }
        self
    }

    /// Adds an entry to a language's list (words separated by spaces; Chinese and Japanese
    /// without). It applies only when the language is hinted. By default, only the built-in
    /// lists.
    pub fn add(&mut self, language: Language, tier: Tier, entry: &str) -> &mut Self {
        self.edits
            .added
            .push((language, tier, entry.trim().to_string()));
        self
    }

    /// Removes an entry from a language's lists, built-in or added. By default, nothing is
    /// removed.
    pub fn remove(&mut self, language: Language, entry: &str) -> &mut Self {
        self.edits
            .removed
            .push((language, entry.trim().to_string()));
        self
    }

    /// Applies a fillers file: one change per line, `#` starts a comment.
    ///
    /// ```text
    /// # language tier entry: adds
    /// zh hesitation 呃呃
    /// en marker you see
    /// # -language entry: removes
    /// -en hmm
    /// ```
    ///
    /// Tiers are `hesitation`, `backchannel` and `marker` (or `a`, `b`, `c`). By default, no
    /// file.
    ///
    /// # Errors
    ///
    /// A malformed line, with its number.
    pub fn fillers(&mut self, file: &str) -> Result<&mut Self> {
        for (n, line) in file.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |m: String| Error::invalid("fillers file", format!("line {}: {m}", n + 1));
            let mut parts = line.splitn(2, char::is_whitespace);
            let head = parts.next().unwrap_or("");
            let rest = parts.next().unwrap_or("").trim();
            if let Some(code) = head.strip_prefix('-') {
                let lang = Language::from_code(code).map_err(|e| bad(e.message()))?;
                if rest.is_empty() {
                    return Err(bad("missing entry".into()));
                }
                self.remove(lang, rest);
            } else {
                let lang = Language::from_code(head).map_err(|e| bad(e.message()))?;
                let mut parts = rest.splitn(2, char::is_whitespace);
                let tier =
                    Tier::from_name(parts.next().unwrap_or("")).map_err(|e| bad(e.message()))?;
                let entry = parts.next().unwrap_or("").trim();
                if entry.is_empty() {
                    return Err(bad("missing entry".into()));
                }
                self.add(lang, tier, entry);
            }
        }
        Ok(self)
    }

    /// The stage.
    ///
    /// # Errors
    ///
    /// No language given.
    pub fn build(&self) -> Result<DisfluencyRemover> {
        if self.languages.is_empty() {
            return Err(Error::invalid("languages", "no language given"));
        }
        let settings = Settings {
            level: self.level,
            backchannels: self.backchannels,
        };
        let mut dict = Dict::build(&self.languages, &self.edits);
        dict.use_tiers(|t| plan::enabled(t, settings));
        Ok(DisfluencyRemover {
            mode: self.mode,
            settings,
            parallel: self.parallel,
            languages: self.languages.clone(),
            dict,
            #[cfg(test)]
            prefilter: true,
        })
    }
}

thread_local! {
    /// A spare vector for the tokens of a sentence with words (see `plan_sentence`).
    static SPARE_TOKS: std::cell::Cell<Vec<Tok<'static>>> = const { std::cell::Cell::new(Vec::new()) };
}

/// The disfluency stage (name `disfluency`). See the [module docs](self).
pub struct DisfluencyRemover {
    mode: Mode,
    settings: Settings,
    parallel: bool,
    languages: Vec<Language>,
    dict: Dict,
    /// Whether the planner takes the scan's shortcuts (see the module docs), skipping
    /// sentences with nothing among them; tests turn them off to check that they never change
    /// the output.
    #[cfg(test)]
    prefilter: bool,
}

impl fmt::Debug for DisfluencyRemover {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DisfluencyRemover")
            .field("mode", &self.mode)
            .field("level", &self.settings.level)
            .field("backchannels", &self.settings.backchannels)
            .field("languages", &self.languages)
            .field("dict", &self.dict)
            .finish()
    }
}

impl Default for DisfluencyRemover {
    fn default() -> Self {
        DisfluencyRemover::new()
    }
}

/// The detail of a finding's event, its fields pushed in the order of their names (no search
/// per field). Out of line: `sentence` stays small for the instruction cache.
#[inline(never)]
fn finding_detail(
    approximate_time: bool,
    channel: u32,
    entry: Cow<'static, str>,
    kind: Kind,
    language: Option<&'static str>,
    speaker: Option<i64>,
) -> Detail {
    let mut fields = Vec::with_capacity(6);
    if approximate_time {
        // Tokenized from the text: the times are the sentence's.
        fields.push((Cow::Borrowed("approximate_time"), true.into()));
    }
    fields.push((Cow::Borrowed("channel"), channel.into()));
    fields.push((Cow::Borrowed("entry"), entry.into()));
    fields.push((Cow::Borrowed("kind"), kind.name().into()));
    fields.push((Cow::Borrowed("language"), language.into()));
    fields.push((Cow::Borrowed("speaker"), speaker.into()));
    Detail::from_sorted(fields)
}

/// The tag of a hit in [`Mode::Tag`]: on its words, or in `tags` (with its text `text`) for a
/// sentence without words. Out of line, so that the other modes' hot path stays small.
#[inline(never)]
fn tag(
    words: &mut [Word<'_>],
    h: &plan::Hit,
    has_words: bool,
    text: Cow<'static, str>,
    tags: &mut Vec<serde_json::Value>,
) {
    let tag = json!({
        "kind": h.kind.name(),
        "entry": h.entry,
        "language": h.language.map(Language::code),
    });
    if has_words {
        // Word keys never clash with "disfluency"; an error cannot happen. The last word takes
        // the tag itself: most hits are one word.
        if let Some((last, rest)) = words[h.first..=h.last].split_last_mut() {
            for w in rest {
                let _ = w.enrich_static("disfluency", tag.clone());
            }
            let _ = last.enrich_static("disfluency", tag);
        }
    } else {
        let mut t = tag;
        t["text"] = serde_json::Value::String(text.into_owned());
        tags.push(t);
    }
}

/// Per-speaker statistics, the `detail` of a `speaker-summary` event.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SpeakerStats {
    /// The channel.
    pub channel: u32,
    /// The speaker, when diarized.
    pub speaker: Option<i64>,
    /// Talk time: the sum of the speaker's sentence spans in the input.
    pub talk_ms: u64,
    /// Findings in all.
    pub total: u64,
    /// Findings per minute of talk (0 without talk).
    pub per_minute: f64,
    /// Findings by kind (`hesitation`…).
    pub by_kind: BTreeMap<String, u64>,
    /// Findings by word (the list entry, or the repeated word).
    pub by_word: BTreeMap<String, u64>,
}

/// The detail of a `speaker-summary` event: the fields `SpeakerStats` serializes to, built
/// without a `serde_json` map in between (which would copy every name, nested ones included).
impl From<SpeakerStats> for Detail {
    fn from(st: SpeakerStats) -> Detail {
        let counts = |m: BTreeMap<String, u64>| {
            serde_json::Value::Object(m.into_iter().map(|(k, n)| (k, n.into())).collect())
        };
        Detail::from_sorted(vec![
            ("by_kind".into(), counts(st.by_kind).into()),
            ("by_word".into(), counts(st.by_word).into()),
            ("channel".into(), st.channel.into()),
            ("per_minute".into(), st.per_minute.into()),
            ("speaker".into(), st.speaker.into()),
            ("talk_ms".into(), st.talk_ms.into()),
            ("total".into(), st.total.into()),
        ])
    }
}

impl DisfluencyRemover {
    /// The stage with the defaults: remove, light, zh and en, no backchannels.
    pub fn new() -> DisfluencyRemover {
        DisfluencyBuilder::default()
            .build()
            .expect("OK because the default builder has languages")
    }

    /// A builder.
    pub fn builder() -> DisfluencyBuilder {
        DisfluencyBuilder::default()
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The stage without the scan's shortcuts: every sentence goes through the full planner.
    #[cfg(test)]
    pub(crate) fn without_prefilter(mut self) -> Self {
        self.prefilter = false;
        self
    }

    #[cfg(test)]
    fn prefilter(&self) -> bool {
        self.prefilter
    }

    #[cfg(not(test))]
    fn prefilter(&self) -> bool {
        true
    }

    /// Plans one sentence (words, or its text when it has none).
    fn plan_sentence(&self, s: &Sentence<'_>) -> Option<(Plan, bool)> {
        let fast = self.prefilter();
        if s.words.is_empty() {
            let toks = plan::tokenize(&s.text);
            return plan::plan(&self.dict, &toks, self.settings, fast).map(|p| (p, false));
        }
        SPARE_TOKS.with(|cell| {
            // The thread's spare vector, so that each sentence does not allocate its own: an
            // empty vector of tokens of any lifetime (tokens are covariant).
            let mut toks: Vec<Tok<'_>> = cell.take();
            toks.extend(s.words.iter().map(|w| Tok {
                text: &w.text,
                punct: &w.punctuation,
            }));
            let plan = plan::plan(&self.dict, &toks, self.settings, fast).map(|p| (p, true));
            // Back without the borrowed tokens: collected in place, the empty vector keeps its
            // allocation.
            toks.clear();
            cell.replace(toks.into_iter().map(|_| Tok::EMPTY).collect());
            plan
        })
    }

    /// Finds and handles the disfluencies of one sentence: its events go to `report`, its
    /// counts are returned (none when nothing is found).
    fn sentence(
        &self,
        loc: Location,
        channel: u32,
        s: &mut Sentence<'_>,
        report: &mut StageReport,
        tallies: &Tallies,
    ) -> Option<Counts> {
        let (mut plan, has_words) = self.plan_sentence(s)?;
        let counts = self.apply(&mut plan, has_words, loc, channel, s, report, tallies);
        plan::recycle(plan);
        Some(counts)
    }

    /// Reports the plan's findings and, in [`Mode::Remove`], applies it to the sentence.
    #[allow(clippy::too_many_arguments)]
    fn apply(
        &self,
        plan: &mut Plan,
        has_words: bool,
        loc: Location,
        channel: u32,
        s: &mut Sentence<'_>,
        report: &mut StageReport,
        tallies: &Tallies,
    ) -> Counts {
        let remove = self.mode == Mode::Remove;
        // Text and times of a hit's tokens (before the words move).
        let text_only = if has_words {
            Vec::new()
        } else {
            plan::tokenize(&s.text)
        };
        // Tokens of the text carry the sentence's times.
        let sentence_times = (s.begin_time, s.end_time);
        // The trimmed text of tokens `first..=last`, built once, or the hit's `entry` when it is
        // that (most hits: one word without punctuation; a built-in entry is not copied).
        let span = |words: &[Word<'_>],
                    first: usize,
                    last: usize,
                    entry: &Cow<'static, str>|
         -> (Cow<'static, str>, Millis, Millis) {
            let (mut t, begin, end) = if has_words {
                let ws = &words[first..=last];
                let (begin, end) = (ws[0].begin_time, ws[ws.len() - 1].end_time);
                if let [w] = ws {
                    // Trimming `text + punctuation` with blank punctuation trims the text.
                    if w.punctuation.trim().is_empty() && w.text.trim() == entry.as_ref() {
                        return (entry.clone(), begin, end);
                    }
                }
                let t = crate::text::concat_words(ws);
                (t, begin, end)
            } else {
                let ts = &text_only[first..=last];
                let mut t = String::new();
                for tok in ts {
                    t.push_str(tok.text);
                    t.push_str(tok.punct);
                }
                (t, sentence_times.0, sentence_times.1)
            };
            // Trimmed in place: most spans have nothing to trim.
            t.truncate(t.trim_end().len());
            let lead = t.len() - t.trim_start().len();
            t.drain(..lead);
            (Cow::Owned(t), begin, end)
        };
        let mut tags = Vec::new();
        let mut counts = Counts::default();
        for mut h in plan.hits.drain(..) {
            let (mut text, begin, end) = span(&s.words, h.first, h.last, &h.entry);
            let removed = remove && h.removable;
            let kind = if removed {
                "removed"
            } else if self.mode == Mode::Tag {
                "tagged"
            } else {
                "flagged"
            };
            let language = h.language.map(Language::code);
            tallies.add((channel, s.speaker_id), h.kind, &h.entry);
            let entry = if self.mode == Mode::Tag {
                h.entry.clone()
            } else {
                std::mem::take(&mut h.entry)
            };
            let detail = finding_detail(!has_words, channel, entry, h.kind, language, s.speaker_id);
            let ev_text = if self.mode == Mode::Tag && !has_words {
                text.clone()
            } else {
                std::mem::take(&mut text)
            };
            // Built in place rather than through the builder, whose steps each move the event.
            report.event(ReportEvent {
                kind: Cow::Borrowed(kind),
                location: loc,
                words: has_words.then_some((h.first, h.last + 1)),
                begin: Some(begin),
                end: Some(end),
                text: Some(ev_text),
                detail: Some(detail),
            });
            counts.by_kind[h.kind as usize] += 1;
            if removed {
                counts.removed_words += (h.last - h.first + 1) as u64;
            }
            if self.mode == Mode::Tag {
                counts.tagged_words += (h.last - h.first + 1) as u64;
                tag(&mut s.words, &h, has_words, text, &mut tags);
            }
        }
        if !tags.is_empty() {
            let _ = s.enrich_static("disfluency", serde_json::Value::Array(tags));
        }
        if !remove || plan.keep.iter().all(|&k| k) {
            return counts;
        }
        if plan.emptied {
            dropped(loc, channel, s, report);
            counts.dropped_sentences = 1;
            return counts;
        }
        if has_words {
            for (i, t) in plan.text.drain() {
                s.words[i].text = Cow::Owned(t);
            }
            for (i, p) in plan.punct.drain() {
                s.words[i].punctuation = Cow::Owned(p);
            }
            let mut k = plan.keep.iter();
            s.words.retain(|_| k.next().copied().unwrap_or(true));
            s.fit_bounds_to_words();
            // Words went, so the text changed (or stays equal when they were empty): no need
            // to compare it with the words first.
            s.text = Cow::Owned(crate::text::concat_words(&s.words));
        } else {
            s.text = Cow::Owned(repaired_text(&s.text, plan));
        }
        counts
    }
}

/// The stage's counters for one sentence.
#[derive(Clone, Copy, Default)]
struct Counts {
    /// Findings by kind (`kind as usize`).
    by_kind: [u64; Kind::ALL.len()],
    removed_words: u64,
    tagged_words: u64,
    dropped_sentences: u64,
}

impl Counts {
    /// The counters' names and values, in a fixed order.
    fn named(&self) -> impl Iterator<Item = (&'static str, u64)> {
        Kind::ALL
            .into_iter()
            .map(|k| (k.name(), self.by_kind[k as usize]))
            .chain([
                ("removed-words", self.removed_words),
                ("tagged-words", self.tagged_words),
                ("dropped-sentences", self.dropped_sentences),
            ])
    }
}

/// [`Counts`] summed over the sentences by any thread, and added to the report once per run:
/// counted in the report of each of the parallel tasks, every task would copy the names of
/// its counters, and every sentence look them up by name.
#[derive(Default)]
struct Totals([AtomicU64; Kind::ALL.len() + 3]);

impl Totals {
    fn add(&self, counts: &Counts) {
        for (slot, (_, n)) in self.0.iter().zip(counts.named()) {
            if n > 0 {
                // Only sums: the tasks' end (joined before `write`) orders them.
                slot.fetch_add(n, Ordering::Relaxed);
            }
        }
    }

    /// Adds the counters that are not zero to `report` (as counting in each sentence did).
    fn write(&self, report: &mut StageReport) {
        for (slot, (name, _)) in self.0.iter().zip(Counts::default().named()) {
            let n = slot.load(Ordering::Relaxed);
            if n > 0 {
                report.count(name, n);
            }
        }
    }
}

/// Findings per speaker (channel and speaker id), by kind and by word, tallied as the
/// sentences are done, on whichever thread: the summary need not read the events again
/// after the parallel part of the run.
#[derive(Default)]
struct Tallies(Mutex<BTreeMap<(u32, Option<i64>), Tally>>);

/// One speaker's findings: in all, by kind (`kind as usize`), by list entry.
#[derive(Default)]
struct Tally {
    total: u64,
    by_kind: [u64; Kind::ALL.len()],
    by_word: HashMap<Cow<'static, str>, u64, dict::FxBuild>,
}

impl Tallies {
    /// Counts a finding of `kind` for `entry` by `speaker`. The entry comes as a `Cow`, not a
    /// `&str`: a new word of a built-in list is kept as the borrow it is, not copied.
    #[allow(clippy::ptr_arg)]
    fn add(&self, speaker: (u32, Option<i64>), kind: Kind, entry: &Cow<'static, str>) {
        // Findings are few (a few hundred an hour): the lock is rarely contended.
        let mut all = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let t = all.entry(speaker).or_default();
        t.total += 1;
        t.by_kind[kind as usize] += 1;
        match t.by_word.get_mut(entry.as_ref()) {
            Some(n) => *n += 1,
            None => {
                t.by_word.insert(entry.clone(), 1);
            }
        }
    }
}

/// The event of a sentence the plan empties. Out of line: rare, and the hot path
/// stays small for the instruction cache.
#[cold]
#[inline(never)]
fn dropped(loc: Location, channel: u32, s: &Sentence<'_>, report: &mut StageReport) {
    report.event(
        ReportEvent::new("sentence-dropped", loc)
            .time(s.begin_time, s.end_time)
            .text(s.text.to_string())
            .detail(
                Detail::with_capacity(2)
                    .with("channel", channel)
                    .with("speaker", s.speaker_id),
            ),
    );
}

/// The text of a sentence without words after `plan`, from the tokens of its `text`. Out of
/// line, as [`dropped`]: Paraformer's sentences have words.
#[inline(never)]
fn repaired_text(text: &str, plan: &Plan) -> String {
    let toks = plan::tokenize(text);
    let mut out = String::with_capacity(text.len());
    for (i, t) in toks.iter().enumerate() {
        if plan.keep[i] {
            out.push_str(plan.text.get(i).unwrap_or(t.text));
            out.push_str(plan.punct.get(i).unwrap_or(t.punct));
        }
    }
    out
}

/// Adds `n` to `key`'s count, allocating the key only when it is new.
fn add(map: &mut BTreeMap<String, u64>, key: Cow<'_, str>, n: u64) {
    if let Some(c) = map.get_mut(key.as_ref()) {
        *c += n;
    } else {
        map.insert(key.into_owned(), n);
    }
}

impl Stage for DisfluencyRemover {
    fn name(&self) -> &'static str {
        "disfluency"
    }

    fn process(&self, doc: &mut Transcription<'_>, report: &mut Report) -> Result<()> {
        if self.mode == Mode::Off {
            return Ok(());
        }
        // Talk time per speaker, from the input.
        let mut talk: BTreeMap<(u32, Option<i64>), u64> = BTreeMap::new();
        for t in &doc.transcripts {
            for s in &t.sentences {
                *talk.entry((t.channel_id, s.speaker_id)).or_insert(0) +=
                    s.end_time.0.saturating_sub(s.begin_time.0);
            }
        }
        let channels: Vec<u32> = doc.transcripts.iter().map(|t| t.channel_id).collect();
        let stage = report.stage(self.name());
        let first_event = stage.events.len();
        let totals = Totals::default();
        let tallies = Tallies::default();
        for_each_sentence(doc, stage, self.parallel, |loc, s, r| {
            let channel = channels.get(loc.transcript).copied().unwrap_or(0);
            if let Some(counts) = self.sentence(loc, channel, s, r, &tallies) {
                totals.add(&counts);
            }
        });
        totals.write(stage);
        // Drop the sentences left empty (their events name their input index).
        let dropped: HashSet<(usize, usize)> = stage.events[first_event..]
            .iter()
            .filter(|e| e.kind == "sentence-dropped")
            .filter_map(|e| Some((e.location.transcript, e.location.sentence?)))
            .collect();
        if !dropped.is_empty() {
            for (ti, t) in doc.transcripts.iter_mut().enumerate() {
                let mut si = 0;
                t.sentences.retain(|_| {
                    si += 1;
                    !dropped.contains(&(ti, si - 1))
                });
                t.rebuild_text();
            }
        }
        // Per-speaker summary, from the tallies the sentences kept; words lowered and merged
        // once per distinct word.
        let mut stats: BTreeMap<(u32, Option<i64>), SpeakerStats> = BTreeMap::new();
        for (key, tally) in tallies.0.into_inner().unwrap_or_else(|e| e.into_inner()) {
            let st = stats.entry(key).or_default();
            st.total = tally.total;
            for kind in Kind::ALL {
                let n = tally.by_kind[kind as usize];
                if n > 0 {
                    add(&mut st.by_kind, Cow::Borrowed(kind.name()), n);
                }
            }
            for (w, n) in tally.by_word {
                // Most entries are already lower case: allocate only for the others.
                let lower = if w.chars().all(|c| c.to_lowercase().eq(std::iter::once(c))) {
                    w
                } else {
                    Cow::Owned(w.to_lowercase())
                };
                add(&mut st.by_word, lower, n);
            }
        }
        for ((channel, speaker), mut st) in stats {
            st.channel = channel;
            st.speaker = speaker;
            st.talk_ms = talk.get(&(channel, speaker)).copied().unwrap_or(0);
            st.per_minute = if st.talk_ms == 0 {
                0.0
            } else {
                st.total as f64 * 60_000.0 / st.talk_ms as f64
            };
            let detail = Detail::from(st);
            let ti = channels.iter().position(|&c| c == channel).unwrap_or(0);
            stage.event(
                ReportEvent::new("speaker-summary", Location::transcript(ti)).detail(detail),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
