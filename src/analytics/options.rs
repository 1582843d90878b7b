//! The thresholds of the analytics, each with its default and where the default comes from.

use serde::{Deserialize, Serialize};

use super::lexicon::Lexicon;
use super::{Analysis, Stats, compute};
use crate::{Millis, Report, Transcription};

/// Options of the conversation analytics: every threshold, with its default and source.
///
/// Setters take `&mut self` and return it, so one value can be tuned and reused; the
/// computation borrows the options ([`AnalyticsOptions::stats`], [`AnalyticsOptions::analyze`]).
///
/// | option | default | source |
/// |---|---|---|
/// | [`merge_gap`](Self::merge_gap) | 300 ms | compiled default |
/// | [`silence_min`](Self::silence_min) | 3000 ms | MiiTel 沈黙 (Google CCAI uses 5000, Alibaba SCA's example 2000) |
/// | [`min_overlap`](Self::min_overlap) | 200 ms | BuilderIO talk-analytics |
/// | [`backchannel_max_duration`](Self::backchannel_max_duration) | 600 ms | public heuristic code (unverified) |
/// | [`backchannel_max_units`](Self::backchannel_max_units) | 3 | public heuristic code (unverified) |
/// | [`monologue_gap`](Self::monologue_gap) | 1500 ms | BuilderIO talk-analytics |
/// | [`fillers`](Self::fillers), [`backchannels`](Self::backchannels) | built-in lists | asrpost filter reference, tiers A and B |
///
/// # Example
///
/// ```
/// use asrpost::{Millis, Transcription, analytics::AnalyticsOptions};
///
/// let doc = Transcription::from_str(r#"{"transcripts":[{"channel_id":0,"sentences":[
///   {"begin_time":0,"end_time":1000,"text":"Hi there."},
///   {"begin_time":7000,"end_time":8000,"text":"Hello?"}]}]}"#)?;
/// let mut options = AnalyticsOptions::new();
/// options.silence_min(Millis(5000));
/// let stats = options.stats(&doc);
/// assert_eq!(stats.conversation.non_talk.count, 1);
/// assert_eq!(stats.conversation.non_talk.longest_ms, 6000);
/// # Ok::<(), asrpost::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct AnalyticsOptions {
    pub(crate) thresholds: Thresholds,
    pub(crate) lexicon: Lexicon,
}

/// The threshold values used for a computation; [`Stats`] states them so a report can be
/// read on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Words of one party closer than this form one talk spurt.
    pub merge_gap_ms: u64,
    /// A stretch with nobody talking counts as non-talk time from this length on.
    pub silence_min_ms: u64,
    /// An overlap counts as an interruption from this length on.
    pub min_overlap_ms: u64,
    /// A spurt shorter than this can be a backchannel.
    pub backchannel_max_ms: u64,
    /// A spurt with fewer units (words or CJK characters) than this can be a backchannel.
    pub backchannel_max_units: u64,
    /// A pause longer than this ends a monologue.
    pub monologue_gap_ms: u64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            merge_gap_ms: 300,
            silence_min_ms: 3000,
            min_overlap_ms: 200,
            backchannel_max_ms: 600,
            backchannel_max_units: 3,
            monologue_gap_ms: 1500,
        }
    }
}

impl Default for AnalyticsOptions {
    fn default() -> Self {
        AnalyticsOptions::new()
    }
}

impl AnalyticsOptions {
    /// The defaults.
    pub fn new() -> Self {
        AnalyticsOptions {
            thresholds: Thresholds::default(),
            lexicon: Lexicon::default(),
        }
    }

    /// The thresholds as set.
    pub fn thresholds(&self) -> Thresholds {
        self.thresholds
    }

    /// Words of one party separated by at most this gap belong to one talk spurt, and the gap
    /// counts as talk time (a speaker's breath between words is not silence).
    ///
    /// By default, 300 ms (a compiled default: short enough to keep a real pause out of talk
    /// time).
    pub fn merge_gap(&mut self, gap: Millis) -> &mut Self {
        self.thresholds.merge_gap_ms = gap.0;
        self
    }

    /// A stretch where nobody talks is a non-talk instance from this length on.
    ///
    /// By default, 3000 ms (MiiTel's 沈黙; Google CCAI Insights uses 5000 ms, Alibaba SCA's
    /// example 2000 ms; AWS does not publish its value).
    pub fn silence_min(&mut self, min: Millis) -> &mut Self {
        self.thresholds.silence_min_ms = min.0;
        self
    }

    /// A party starting to talk while another is talking interrupts from this much overlap
    /// on (shorter overlaps are diarization noise or a shared breath).
    ///
    /// By default, 200 ms (BuilderIO talk-analytics; MiiTel counts 被り from 1000 ms).
    pub fn min_overlap(&mut self, min: Millis) -> &mut Self {
        self.thresholds.min_overlap_ms = min.0;
        self
    }

    /// A spurt shorter than this, said while another party holds the floor, is a backchannel:
    /// it does not take a turn, interrupt, or end the other's monologue. Zero disables the
    /// duration rule.
    ///
    /// By default, 600 ms (`MAX_BACKCHANNEL_DURATION_SEC = 0.6` in public heuristic code,
    /// unverified).
    pub fn backchannel_max_duration(&mut self, max: Millis) -> &mut Self {
        self.thresholds.backchannel_max_ms = max.0;
        self
    }

    /// A spurt with fewer units than this (words, or characters in CJK text; fillers not
    /// counted), said while another party holds the floor, is a backchannel. Zero disables the
    /// unit rule.
    ///
    /// By default, 3 (`MIN_WORDS_INTERRUPTER = 3` in public heuristic code, unverified).
    pub fn backchannel_max_units(&mut self, max: u64) -> &mut Self {
        self.thresholds.backchannel_max_units = max;
        self
    }

    /// A party's monologue goes on across its own pauses up to this length and across the
    /// other parties' backchannels; a longer pause or another party's turn ends it.
    ///
    /// By default, 1500 ms (BuilderIO talk-analytics).
    pub fn monologue_gap(&mut self, max: Millis) -> &mut Self {
        self.thresholds.monologue_gap_ms = max.0;
        self
    }

    /// Replaces the hesitation fillers (tier A: `um`, `uh`, `呃`, `えーと`…). Fillers are
    /// counted per party and left out of word and character counts. Entries are matched against
    /// whole words, case-insensitively, ignoring punctuation; a CJK entry also matches across
    /// one-character words (paraformer-v2 writes `呃呃` as two words).
    ///
    /// By default, tier A of the asrpost filter reference for zh, en, ja, ko, de, fr and ru
    /// (German `um` and `er` are counted too: set a list for German calls).
    pub fn fillers<I, S>(&mut self, words: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.lexicon.set_fillers(words);
        self
    }

    /// Replaces the backchannel vocabulary (tier B: `mhm`, `uh-huh`, `嗯`, `对对`, `はい`, `네`…).
    /// A spurt made only of these words and fillers, said while another party holds the
    /// floor, is a backchannel whatever its length.
    ///
    /// By default, tier B of the asrpost filter reference for zh, en, ja, ko, de, fr and ru.
    pub fn backchannels<I, S>(&mut self, words: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.lexicon.set_backchannels(words);
        self
    }

    /// The statistics of one document.
    pub fn stats(&self, doc: &Transcription<'_>) -> Stats {
        compute::analyze(doc, None, self).stats
    }

    /// The statistics of one document plus its [`Timeline`](super::Timeline) (for pictures),
    /// with sensitive-word hits read from `report` when given (see [`super::PartyStats`]).
    pub fn analyze(&self, doc: &Transcription<'_>, report: Option<&Report>) -> Analysis {
        compute::analyze(doc, report, self)
    }
}
