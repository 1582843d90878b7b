//! Sensitive-word filtering: the service's `special_word_filter`, word-accurate, and free of the
//! usual false positives.
//!
//! [`SensitiveWordFilter`] is a [`Stage`] (named `sensitive`) that finds list entries in each
//! sentence and masks, removes, replaces or tags them:
//!
//! * **Service-compatible.** [`SpecialWordFilter`] reads the service's parameter; masked words
//!   get one `*` per Unicode scalar value (`帮我测试一下这段代码` → `帮我**一下这段代码`), removed
//!   words are deleted (`比赛这就要开始了吗？` → `比赛这就要了吗？`). The service's reserved list
//!   (`system_reserved_filter`) is not bundled; supply your own with
//!   [`SensitiveWordFilterBuilder::reserved_words`].
//! * **Word-accurate.** Matching runs on the sentence's text across word boundaries (paraformer-v2
//!   emits one Chinese character per word, so `测试` spans two words) and each hit is mapped back
//!   to the words it covers: a mask changes exactly the matched characters; a removal deletes
//!   them, drops words left empty (their punctuation moves to the word before, see
//!   [`RemovedPunctuation`]) and keeps sentence and transcript text equal to their parts.
//!   Timestamps of surviving words never move. Sentences without words are filtered on their
//!   text. Sentences without a hit are not touched (their text stays borrowed).
//! * **Reported.** Every hit is a [`ReportEvent`](crate::ReportEvent) of kind `masked`,
//!   `removed`, `replaced` or `tagged` with the sentence's location, the range of the input's
//!   word indices it covers, the covered words' begin/end (the range to bleep in the audio), the
//!   matched text, and a detail object `{channel, entry, action, tag?, replacement?}`. Counters:
//!   `hits`, one per action kind, `allowed` (deny matches an allow match suppressed),
//!   `words-dropped`, `sentences-changed`.
//! * **Normalized.** Text and entries are compared after Unicode lowercasing, full-/half-width
//!   folding, folding traditional Chinese characters to simplified ones (`五星紅旗` hits
//!   `五星红旗`; OpenCC's character table, one character for one) and, optionally, skipping
//!   spaces and punctuation between CJK characters (`赌，博` hits `赌博`), with a position map
//!   back to the source characters.
//! * **Boundaries.** Latin, Cyrillic and other space-separated scripts match whole words by
//!   default (`class` does not hit `ass`); CJK entries match anywhere. Each entry can choose a
//!   [`MatchMode`].
//! * **Allow list.** An allow match wins over every deny match it covers (`三黄片` allowed
//!   protects the `黄片` inside it).
//! * **Leftmost-longest.** Of overlapping hits, the leftmost wins, then the longest (`我的世界`
//!   beats `我的`).
//!
//! # Performance
//!
//! Each sentence is walked once: its text, when it follows its words (checked first), else its
//! words' pieces, is normalized into a reused per-thread list of characters with their source
//! ranges while the automaton runs over them (CJK ideographs and ASCII take a fast path). A
//! sentence without candidates is done there, nothing allocated; one with candidates checks
//! and places them on that same list, reads its words as pieces in place, and rewrites just the
//! pieces a hit overlaps (a fully masked word borrows a static `*…*`); its new text is the old
//! text under the same edits unless a word is dropped.
//!
//! `benches/sensitive.rs` (synthetic 1-hour result, 295 sentences, 14k characters; 28 / 32 /
//! 125 hits in 27 / 31 / 104 changed sentences with 1k / 10k / 100k entries), sequential,
//! release, 2 cores. Callgrind, per run of the stage (a parse is 24.2M instructions): 1.78M /
//! 1.80M / 2.40M for 1k / 10k / 100k, down from 1.84M / 1.87M / 2.71M with a second normalize
//! pass per changed sentence, and 2.36M for 100k once report details stopped being
//! `serde_json` maps ([`Detail`](crate::stages::Detail): one vector, no copied names, where a
//! map was a 640-byte tree node and five strings per event). Criterion on two idle cores, four
//! runs: 0.14–0.17 / 0.16–0.17 / 0.26–0.29× the parse time (1.16–1.27 ms) for 1k / 10k /
//! 100k, against 0.17 / 0.18 / 0.38× before this pass; building 100k entries 60–65 ms. Of the
//! 100k list's extra time over 1k, matching is a small part: most is the other work of its 77
//! more changed sentences (events, rewritten words, new texts) and cache misses in the larger
//! tables.
//!
//! # Example
//!
//! ```
//! use asrpost::stages::sensitive::{SensitiveWordFilter, SpecialWordFilter};
//! use asrpost::{Pipeline, Transcription};
//!
//! let json = r#"{"transcripts":[{"text":"帮我测试一下。","sentences":[{"begin_time":0,
//!   "end_time":600,"text":"帮我测试一下。","words":[
//!   {"begin_time":0,"end_time":100,"text":"帮","punctuation":""},
//!   {"begin_time":100,"end_time":200,"text":"我","punctuation":""},
//!   {"begin_time":200,"end_time":300,"text":"测","punctuation":""},
//!   {"begin_time":300,"end_time":400,"text":"试","punctuation":""},
//!   {"begin_time":400,"end_time":500,"text":"一","punctuation":""},
//!   {"begin_time":500,"end_time":600,"text":"下","punctuation":"。"}]}]}]}"#;
//! let mut doc = Transcription::from_str(json)?;
//! let swf = SpecialWordFilter::from_json(r#"{"filter_with_signed":{"word_list":["测试"]}}"#)?;
//! let filter = SensitiveWordFilter::builder().special_word_filter(&swf).build()?;
//! let report = Pipeline::builder().stage(filter).build().run(&mut doc)?;
//!
//! assert_eq!(doc.transcripts[0].text, "帮我**一下。");
//! assert_eq!(doc.transcripts[0].sentences[0].words[2].text, "*");
//! let hit = report.events().next().unwrap();
//! assert_eq!((hit.kind.as_ref(), hit.words), ("masked", Some((2, 4))));
//! assert_eq!((hit.begin.unwrap().0, hit.end.unwrap().0), (200, 400));
//! assert_eq!(hit.text.as_deref(), Some("测试"));
//! # Ok::<(), asrpost::Error>(())
//! ```

use std::borrow::Cow;
use std::fmt;

use crate::error::{Error, Result};
use crate::model::Transcription;
use crate::stages::{Report, Stage, for_each_sentence};

mod apply;
mod automaton;
mod entry;
mod matcher;
mod normalize;
mod variants;

use automaton::{AutomatonBuilder, CharAutomaton};
pub use entry::{Action, Entry, MatchMode, SpecialWordFilter, WordList};
use matcher::PatInfo;
use normalize::{Folds, normalize_into};

/// What happens to the punctuation of words a removal drops.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RemovedPunctuation {
    /// Move the last mark of a run of dropped words onto the word before the run when that word
    /// has none, or when the run ends the sentence (so the sentence keeps its final mark):
    /// `我们开始。` without `开始` → `我们。`. A mark with no word before it is dropped.
    #[default]
    Keep,
    /// Drop it with the words.
    Drop,
}

/// A hit in plain text (see [`SensitiveWordFilter::find`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Hit {
    /// Byte range of the matched characters in the text.
    pub range: std::ops::Range<usize>,
    /// Index into [`SensitiveWordFilter::entries`].
    pub entry: usize,
}

/// The sensitive-word stage (see the [module docs](self)).
///
/// Build it once (a 100k-entry list takes about 0.1–0.2 s) and share it: it is
/// `Send + Sync`.
pub struct SensitiveWordFilter {
    entries: Vec<Entry>,
    pats: Vec<PatInfo>,
    ac: CharAutomaton,
    folds: Folds,
    mask: char,
    removed_punctuation: RemovedPunctuation,
    parallel: bool,
}

impl fmt::Debug for SensitiveWordFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SensitiveWordFilter")
            .field("entries", &self.entries.len())
            .field("patterns", &self.pats.len())
            .field("states", &self.ac.states())
            .field("folds", &self.folds)
            .field("mask", &self.mask)
            .field("removed_punctuation", &self.removed_punctuation)
            .field("parallel", &self.parallel)
            .finish()
    }
}

/// Builds a [`SensitiveWordFilter`]; reusable.
#[derive(Clone, Debug)]
pub struct SensitiveWordFilterBuilder {
    entries: Vec<Entry>,
    allow: Vec<Entry>,
    reserved: Option<Vec<String>>,
    system_reserved: bool,
    mask: char,
    folds: Folds,
    removed_punctuation: RemovedPunctuation,
    parallel: bool,
}

impl Default for SensitiveWordFilterBuilder {
    fn default() -> Self {
        SensitiveWordFilterBuilder {
            entries: Vec::new(),
            allow: Vec::new(),
            reserved: None,
            system_reserved: false,
            mask: '*',
            folds: Folds {
                case: true,
                width: true,
                skip_in_cjk: false,
                chinese: true,
            },
            removed_punctuation: RemovedPunctuation::Keep,
            parallel: true,
        }
    }
}

impl SensitiveWordFilterBuilder {
    /// Adds one deny entry.
    pub fn entry(&mut self, entry: Entry) -> &mut Self {
        self.entries.push(entry);
        self
    }

    /// Adds deny entries.
    pub fn entries(&mut self, entries: impl IntoIterator<Item = Entry>) -> &mut Self {
        self.entries.extend(entries);
        self
    }

    /// Adds words to mask.
    pub fn mask_words<S: Into<String>>(&mut self, words: impl IntoIterator<Item = S>) -> &mut Self {
        self.entries(words.into_iter().map(|w| Entry::new(w, Action::Mask)))
    }

    /// Adds words to remove.
    pub fn remove_words<S: Into<String>>(
        &mut self,
        words: impl IntoIterator<Item = S>,
    ) -> &mut Self {
        self.entries(words.into_iter().map(|w| Entry::new(w, Action::Remove)))
    }

    /// Adds allow words: a match of one protects every deny match it covers.
    pub fn allow_words<S: Into<String>>(
        &mut self,
        words: impl IntoIterator<Item = S>,
    ) -> &mut Self {
        self.allow
            .extend(words.into_iter().map(|w| Entry::new(w, Action::Tag)));
        self
    }

    /// Adds allow entries (their [`MatchMode`] applies; the action is ignored).
    pub fn allow_entries(&mut self, entries: impl IntoIterator<Item = Entry>) -> &mut Self {
        self.allow.extend(entries);
        self
    }

    /// Adds a [`WordList`]'s deny and allow entries.
    pub fn word_list(&mut self, list: WordList) -> &mut Self {
        self.entries.extend(list.entries);
        self.allow.extend(list.allow);
        self
    }

    /// Adds the service parameter's lists (`filter_with_signed` masked, `filter_with_empty`
    /// removed) and takes its `system_reserved_filter`.
    pub fn special_word_filter(&mut self, filter: &SpecialWordFilter) -> &mut Self {
        self.mask_words(filter.signed.iter().cloned());
        self.remove_words(filter.empty.iter().cloned());
        self.system_reserved = filter.system_reserved;
        self
    }

    /// The reserved list that `system_reserved_filter` masks. The service's own list is not
    /// bundled. Reserved words yield to your own entries for the same text.
    ///
    /// By default, there is none, and `system_reserved_filter: true` is an error at build time.
    pub fn reserved_words<S: Into<String>>(
        &mut self,
        words: impl IntoIterator<Item = S>,
    ) -> &mut Self {
        self.reserved = Some(words.into_iter().map(Into::into).collect());
        self
    }

    /// Whether to mask the [reserved list](Self::reserved_words).
    ///
    /// By default, `false` (also set by [`Self::special_word_filter`]).
    pub fn system_reserved_filter(&mut self, yes: bool) -> &mut Self {
        self.system_reserved = yes;
        self
    }

    /// The character that replaces each masked character (not white space or a control
    /// character).
    ///
    /// By default, `*`.
    pub fn mask_char(&mut self, c: char) -> &mut Self {
        self.mask = c;
        self
    }

    /// Whether matching ignores case, with Unicode lowercasing (`ÄRGER` hits `ärger`, `ДУРАК`
    /// hits `дурак`).
    ///
    /// By default, `true`.
    pub fn case_insensitive(&mut self, yes: bool) -> &mut Self {
        self.folds.case = yes;
        self
    }

    /// Whether matching folds full-width ASCII to ASCII (`ｆｕｃｋ`), the ideographic space to a
    /// space, and half-width katakana to full-width (`ｶﾞ` = `ガ`).
    ///
    /// By default, `true`.
    pub fn fold_width(&mut self, yes: bool) -> &mut Self {
        self.folds.width = yes;
        self
    }

    /// Whether matching folds traditional Chinese characters to simplified ones, in entries and
    /// text alike (`五星紅旗` hits `五星红旗`, and `五星紅旗` as an entry hits both). The fold
    /// is one character for one, from OpenCC's character table; masks and removals change the
    /// characters as written.
    ///
    /// By default, `true`.
    pub fn fold_chinese_variants(&mut self, yes: bool) -> &mut Self {
        self.folds.chinese = yes;
        self
    }

    /// Whether spaces and punctuation between two CJK characters are skipped, in entries and
    /// text alike, so `赌，博` and `赌 博` hit `赌博`. Skipped characters are not masked or
    /// removed. It can also match across a clause break (`路口，交通` hits `口交`).
    ///
    /// By default, `false` (as the service).
    pub fn skip_separators_in_cjk(&mut self, yes: bool) -> &mut Self {
        self.folds.skip_in_cjk = yes;
        self
    }

    /// What happens to the punctuation of removed words.
    ///
    /// By default, [`RemovedPunctuation::Keep`].
    pub fn removed_punctuation(&mut self, policy: RemovedPunctuation) -> &mut Self {
        self.removed_punctuation = policy;
        self
    }

    /// Whether long transcripts are filtered in parallel over sentences (the result is the
    /// same either way).
    ///
    /// By default, `true`.
    pub fn parallel(&mut self, yes: bool) -> &mut Self {
        self.parallel = yes;
        self
    }

    /// The filter.
    ///
    /// # Errors
    ///
    /// An invalid mask character; an entry that is empty, holds a control character, or is
    /// empty after normalization; the same text listed with different actions, tags or modes;
    /// `system_reserved_filter` without a reserved list. Messages name the entry.
    pub fn build(&self) -> Result<SensitiveWordFilter> {
        if self.mask.is_whitespace() || self.mask.is_control() {
            return Err(Error::invalid(
                "mask character",
                format!("{:?} is white space or a control character", self.mask),
            ));
        }
        let mut entries: Vec<Entry> = Vec::with_capacity(self.entries.len());
        let mut pats: Vec<PatInfo> = Vec::with_capacity(self.entries.len());
        let chars = self
            .entries
            .iter()
            .chain(&self.allow)
            .map(|e| e.word.len() / 2)
            .sum();
        let mut ac = AutomatonBuilder::with_capacity(chars);
        let mut key = String::new();
        // Reserved words come last and quietly yield to the user's entries.
        let reserved: Vec<Entry> = match (self.system_reserved, &self.reserved) {
            (false, _) => Vec::new(),
            (true, Some(words)) => words
                .iter()
                .map(|w| w.trim())
                .filter(|w| !w.is_empty())
                .map(|w| Entry::new(w, Action::Mask))
                .collect(),
            (true, None) => {
                return Err(Error::invalid(
                    "special_word_filter",
                    "system_reserved_filter is true but no reserved word list was given \
                     (the service's list is not bundled)",
                ));
            }
        };
        let user = self.entries.len();
        for (i, e) in self.entries.iter().chain(&reserved).enumerate() {
            let slot = self.slot(&mut ac, &mut pats, &mut key, e, "entry", i)?;
            let info = &mut pats[slot];
            match info.deny.and_then(|d| entries.get(d as usize)) {
                None => {
                    info.deny = Some(entries.len() as u32);
                    info.deny_mode = e.mode;
                    entries.push(e.clone());
                }
                Some(old) if old.action == e.action && old.tag == e.tag && old.mode == e.mode => {}
                Some(_) if i >= user => {}
                Some(old) => {
                    return Err(Error::invalid(
                        format!("sensitive word entry {i} (`{}`)", e.word),
                        format!(
                            "the same text as `{}` with a different action, tag or mode ({} vs {})",
                            old.word,
                            e.action.name(),
                            old.action.name()
                        ),
                    ));
                }
            }
        }
        for (i, e) in self.allow.iter().enumerate() {
            let slot = self.slot(&mut ac, &mut pats, &mut key, e, "allow entry", i)?;
            let info = &mut pats[slot];
            match info.allow {
                None => info.allow = Some(e.mode),
                Some(m) if m == e.mode => {}
                Some(m) => {
                    return Err(Error::invalid(
                        format!("sensitive word allow entry {i} (`{}`)", e.word),
                        format!("listed earlier with mode {}", m.name()),
                    ));
                }
            }
        }
        // Every candidate is needed (allow arbitration, boundary checks), so an automaton with
        // overlapping search; leftmost-longest is chosen after the checks.
        let ac = ac.build();
        Ok(SensitiveWordFilter {
            entries,
            pats,
            ac,
            folds: self.folds,
            mask: self.mask,
            removed_punctuation: self.removed_punctuation,
            parallel: self.parallel,
        })
    }

    /// The automaton pattern of an entry (normalized into `key`), added if new, or an error
    /// naming the entry.
    fn slot(
        &self,
        ac: &mut AutomatonBuilder,
        pats: &mut Vec<PatInfo>,
        key: &mut String,
        e: &Entry,
        what: &str,
        i: usize,
    ) -> Result<usize> {
        let name = || format!("sensitive word {what} {i} (`{}`)", e.word);
        if e.word.trim().is_empty() {
            return Err(Error::invalid(name(), "is empty"));
        }
        if e.word.chars().any(char::is_control) {
            return Err(Error::invalid(name(), "contains a control character"));
        }
        normalize_into(self.folds, &e.word, key);
        if key.is_empty() {
            return Err(Error::invalid(name(), "is empty after normalization"));
        }
        let (id, new) = ac.insert(key);
        if new {
            pats.push(PatInfo {
                deny: None,
                deny_mode: MatchMode::Auto,
                allow: None,
                len: key.chars().count() as u32,
            });
        }
        Ok(id as usize)
    }
}

impl SensitiveWordFilter {
    /// A builder with the defaults.
    pub fn builder() -> SensitiveWordFilterBuilder {
        SensitiveWordFilterBuilder::default()
    }

    /// A filter that masks `words` with the defaults.
    ///
    /// # Errors
    ///
    /// As [`SensitiveWordFilterBuilder::build`].
    pub fn mask<S: Into<String>>(words: impl IntoIterator<Item = S>) -> Result<Self> {
        Self::builder().mask_words(words).build()
    }

    /// The deny entries after merging duplicates, in the order given (reserved words last).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The hits in `text`, leftmost-longest, after boundary checks and the allow list.
    ///
    /// ```
    /// use asrpost::stages::sensitive::SensitiveWordFilter;
    ///
    /// let f = SensitiveWordFilter::mask(["ass", "测试"])?;
    /// let hits = f.find("class: ass 测试");
    /// assert_eq!(hits.len(), 2);
    /// assert_eq!(hits[0].range, 7..10);
    /// assert_eq!(f.entries()[hits[1].entry].word, "测试");
    /// # Ok::<(), asrpost::Error>(())
    /// ```
    pub fn find(&self, text: &str) -> Vec<Hit> {
        self.find_in(text)
            .into_iter()
            .map(|(range, entry)| Hit { range, entry })
            .collect()
    }

    /// `text` with the hits masked, removed or replaced; borrowed when nothing changes.
    ///
    /// ```
    /// use asrpost::stages::sensitive::SensitiveWordFilter;
    ///
    /// let f = SensitiveWordFilter::builder().remove_words(["开始"]).build()?;
    /// assert_eq!(f.filter_text("比赛这就要开始了吗？"), "比赛这就要了吗？");
    /// # Ok::<(), asrpost::Error>(())
    /// ```
    pub fn filter_text<'t>(&self, text: &'t str) -> Cow<'t, str> {
        self.apply_to(text)
    }
}

impl Stage for SensitiveWordFilter {
    fn name(&self) -> &'static str {
        "sensitive"
    }

    fn process(&self, doc: &mut Transcription<'_>, report: &mut Report) -> Result<()> {
        let channels: Vec<u32> = doc.transcripts.iter().map(|t| t.channel_id).collect();
        let r = report.stage(self.name());
        for key in ["hits", "sentences-changed"] {
            r.count(key, 0);
        }
        // Present once a sentence was looked at, even when no allow match ever won.
        if doc.transcripts.iter().any(|t| !t.sentences.is_empty()) {
            r.count("allowed", 0);
        }
        for_each_sentence(doc, r, self.parallel, |loc, s, r| {
            let channel = channels.get(loc.transcript).copied().unwrap_or(0);
            self.filter_sentence(loc, channel, s, r);
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests;
