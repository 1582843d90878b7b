//! Conversation analytics: who talked how much, who interrupted whom, where the silences were.
//!
//! [`Stats`] is plain data with a stable JSON schema (see [below](#json-schema)), computed from
//! a [`Transcription`] with [`AnalyticsOptions`] (every threshold a setter with its default and
//! source). [`AnalyticsOptions::analyze`] also gives a [`Timeline`] of turns, overlaps,
//! interruptions and silences, which [`Timeline::to_svg`] draws. [`Stats::rows`] flattens the
//! statistics into one [`PartyRow`] per party for CSV or JSON lines.
//!
//! # Parties
//!
//! A party is a channel in a stereo call (one speaker per channel), a speaker in a diarized
//! mono file (`speaker_id`), or a (channel, speaker) pair when both apply; see [`PartyMode`].
//! Parties are ordered by channel, then speaker.
//!
//! # Definitions
//!
//! * **Call span**: the audio (`0` to `original_duration_in_milliseconds`) when its duration is
//!   known, else the first word's start to the last word's end. Speech past a known duration is
//!   clipped to it.
//! * **Talk spurt**: a party's words with gaps up to [`AnalyticsOptions::merge_gap`]. A party's
//!   **talk time** is the measure of its spurts (the union of its speech, gaps within spurts
//!   included). **Share of talk** divides by the parties' summed talk time (Gong, Dynamics);
//!   **share of call** by the call's duration (Amazon Connect Contact Lens). Both are given
//!   because the sum of talk times exceeds the speech time by the **overlap** time, which is
//!   reported separately (as AWS does, overlap counts for both parties).
//! * **Backchannel**: a short spurt (below [`AnalyticsOptions::backchannel_max_duration`] or
//!   [`AnalyticsOptions::backchannel_max_units`], or made only of backchannel words and
//!   fillers such as `mhm`, `对对对`) that overlaps a longer spurt of another party or falls into
//!   another party's short pause (at most [`AnalyticsOptions::monologue_gap`]) that does not
//!   follow a question. Backchannels count as talk time but take no turn, interrupt nobody and
//!   end no monologue.
//! * **Turn**: consecutive non-backchannel spurts of one party, in start order across parties.
//!   A **switch** is a change of party between turns. **Response latency** is the gap from the
//!   end of a turn to the start of the next (another party's); transitions that overlap
//!   (negative gaps) are counted apart as `overlapped`. Per party it is the latency of that
//!   party's turns (the Dynamics "pause before speaking").
//! * **Monologue**: a run of one party's spurts with pauses up to
//!   [`AnalyticsOptions::monologue_gap`], ended by a longer pause or another party's turn
//!   (not by a backchannel, which fixes the "a cough ends the monologue" complaint).
//! * **Interruption**: a non-backchannel spurt that starts while another party's
//!   non-backchannel spurt is on and overlaps it by at least
//!   [`AnalyticsOptions::min_overlap`]; listed per interrupter with begin, end and duration
//!   (the overlapping part), as AWS Call Analytics does.
//! * **Non-talk**: a stretch of the call span with nobody talking, at least
//!   [`AnalyticsOptions::silence_min`] long; instances, total and longest.
//! * **Units**: Han and kana text counts **characters**, other scripts count **words** (runs of
//!   letters or digits: English, Russian, Korean eojeol; a word masked with `*` by the
//!   sensitive-word stage counts as one word); punctuation and fillers count nothing. Speeds
//!   and filler rates are per minute of the party's own talk time.
//! * **Questions**: runs of `?` or `？` in the ASR's punctuation.
//! * **Fillers**: hesitation words (`um`, `呃`, `えーと`…) outside backchannels.
//! * **Sensitive-word hits**: events of the `sensitive` stage in the [`Report`] passed to
//!   [`AnalyticsOptions::analyze`] (one event per hit, as
//!   [`SensitiveWordFilter`](crate::stages::sensitive::SensitiveWordFilter) writes them),
//!   attributed by their location's sentence; tags come from the event's `detail.tag`, or a
//!   `detail.tags` list, else `untagged`.
//!
//! Word lists, backchannels and turns are this module's own (see the `lexicon` and `compute`
//! sources); they are small and documented so the disfluency and turns stages can take over.
//!
//! # Example
//!
//! ```
//! use asrpost::{Transcription, analytics::Stats};
//!
//! // Stereo call: the agent on channel 0, the customer on channel 1.
//! let doc = Transcription::from_str(r#"{"properties":{"original_duration_in_milliseconds":10000},
//!   "transcripts":[
//!   {"channel_id":0,"sentences":[{"begin_time":0,"end_time":4000,"text":"Hello, how can I help you today?"}]},
//!   {"channel_id":1,"sentences":[{"begin_time":4500,"end_time":9000,"text":"My card does not work."}]}]}"#)?;
//! let stats = Stats::compute(&doc);
//! assert_eq!(stats.parties[0].party, "ch0");
//! assert_eq!(stats.parties[0].talk_ms, 4000);
//! assert_eq!(stats.parties[1].words, 5);
//! assert_eq!(stats.parties[0].questions, 1);
//! assert_eq!(stats.conversation.switches, 1);
//! assert_eq!(stats.conversation.response_latency.median_ms, 500);
//! assert_eq!(stats.conversation.speech_ratio, 0.85);
//! let json = stats.to_json();
//! assert!(json.starts_with(r#"{"schema_version":1,"#));
//! # Ok::<(), asrpost::Error>(())
//! ```
//!
//! # JSON schema
//!
//! Version [`SCHEMA_VERSION`]. Times are integer milliseconds (`_ms`), shares and ratios are
//! fractions in `0..=1`, rates are per minute (or per hour where named). Fields are only
//! added within a version; renaming or removing one bumps it.
//!
//! ```text
//! {
//!   "schema_version": 1,
//!   "thresholds": { "merge_gap_ms", "silence_min_ms", "min_overlap_ms",
//!                   "backchannel_max_ms", "backchannel_max_units", "monologue_gap_ms" },
//!   "conversation": {
//!     "party_mode": "single" | "channel" | "speaker" | "channel_speaker",
//!     "begin_ms", "end_ms", "duration_ms", "duration_source": "audio" | "speech",
//!     "speech_ms", "speech_ratio", "talk_ms", "overlap_ms",
//!     "interruptions", "interruptions_ms",
//!     "non_talk": { "count", "total_ms", "longest_ms", "share_of_call",
//!                   "instances": [ { "begin_ms", "end_ms", "duration_ms" } ] },
//!     "turns", "backchannels", "switches", "switches_per_minute", "switches_per_hour",
//!     "questions", "fillers", "sensitive_hits", "sensitive_hits_by_tag": { tag: count },
//!     "response_latency": { "count", "mean_ms", "median_ms", "p90_ms", "max_ms", "overlapped" }
//!   },
//!   "parties": [ {
//!     "party": "ch0" | "spk1" | "ch0-spk1", "channel": int | null, "speaker": int | null,
//!     "talk_ms", "share_of_talk", "share_of_call",
//!     "words", "characters", "words_per_minute", "characters_per_minute",
//!     "turns", "backchannels",
//!     "longest_monologue": { "begin_ms", "end_ms", "duration_ms" } | null,
//!     "questions", "fillers", "fillers_per_minute",
//!     "sensitive_hits", "sensitive_hits_by_tag": { tag: count },
//!     "interruptions": [ { "interrupted", "begin_ms", "end_ms", "duration_ms" } ],
//!     "interrupted",
//!     "response_latency": { … as above }
//!   } ]
//! }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Report, Transcription};

mod compute;
mod lexicon;
mod options;
mod rows;
mod svg;

pub use options::{AnalyticsOptions, Thresholds};
pub use rows::PartyRow;
pub use svg::SvgOptions;

/// The version of the [`Stats`] JSON schema.
pub const SCHEMA_VERSION: u32 = 1;

/// Statistics of one conversation. See the [module docs](self) for definitions and the JSON
/// schema.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The thresholds used.
    pub thresholds: Thresholds,
    /// Whole-conversation figures.
    pub conversation: ConversationStats,
    /// One entry per party, ordered by channel, then speaker.
    pub parties: Vec<PartyStats>,
}

/// What a party is in a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PartyMode {
    /// One channel, no speaker ids: one party per channel (usually one).
    Single,
    /// Several channels, no speaker ids: a party per channel (stereo calls).
    Channel,
    /// One channel with speaker ids: a party per speaker (diarized mono).
    Speaker,
    /// Several channels with speaker ids: a party per (channel, speaker).
    ChannelSpeaker,
}

/// Where the conversation's duration comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DurationSource {
    /// The audio's stated duration.
    Audio,
    /// First word start to last word end (the duration was not stated).
    Speech,
}

/// A time span.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// Start.
    pub begin_ms: u64,
    /// End.
    pub end_ms: u64,
    /// `end_ms - begin_ms`.
    pub duration_ms: u64,
}

impl Span {
    /// A span from `begin` to `end` (empty when `end` is before `begin`).
    pub fn new(begin_ms: u64, end_ms: u64) -> Span {
        Span {
            begin_ms,
            end_ms: end_ms.max(begin_ms),
            duration_ms: end_ms.saturating_sub(begin_ms),
        }
    }
}

/// Whole-conversation figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConversationStats {
    /// What the parties are.
    pub party_mode: PartyMode,
    /// Start of the call span.
    pub begin_ms: u64,
    /// End of the call span.
    pub end_ms: u64,
    /// Length of the call span: the audio's duration when known.
    pub duration_ms: u64,
    /// Where the duration comes from.
    pub duration_source: DurationSource,
    /// Time with at least one party talking.
    pub speech_ms: u64,
    /// `speech_ms / duration_ms`.
    pub speech_ratio: f64,
    /// The parties' talk times summed: `speech_ms + overlap_ms` for two parties.
    pub talk_ms: u64,
    /// Time with two or more parties talking.
    pub overlap_ms: u64,
    /// Number of interruptions.
    pub interruptions: u64,
    /// Summed overlap of the interruptions.
    pub interruptions_ms: u64,
    /// Stretches with nobody talking.
    pub non_talk: NonTalk,
    /// Number of turns.
    pub turns: u64,
    /// Number of backchannels.
    pub backchannels: u64,
    /// Changes of party between turns.
    pub switches: u64,
    /// Switches per minute of the call.
    pub switches_per_minute: f64,
    /// Switches per hour of the call.
    pub switches_per_hour: f64,
    /// Questions over all parties.
    pub questions: u64,
    /// Fillers over all parties.
    pub fillers: u64,
    /// Sensitive-word hits over all parties.
    pub sensitive_hits: u64,
    /// Sensitive-word hits per tag over all parties.
    pub sensitive_hits_by_tag: BTreeMap<String, u64>,
    /// Gaps between consecutive turns.
    pub response_latency: Latency,
}

/// Non-talk time: stretches of at least the silence threshold with nobody talking.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NonTalk {
    /// Number of instances.
    pub count: u64,
    /// Their summed duration.
    pub total_ms: u64,
    /// The longest one.
    pub longest_ms: u64,
    /// `total_ms / duration_ms`.
    pub share_of_call: f64,
    /// The instances in time order.
    pub instances: Vec<Span>,
}

/// Response latency: gaps from the end of a turn to the start of the next.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    /// Number of non-overlapping transitions measured.
    pub count: u64,
    /// Mean gap.
    pub mean_ms: f64,
    /// Median gap (nearest rank: the lower middle value of an even count).
    pub median_ms: u64,
    /// 90th percentile (nearest rank).
    pub p90_ms: u64,
    /// Longest gap (the longest reaction time).
    pub max_ms: u64,
    /// Transitions where the next turn started before the previous one ended.
    pub overlapped: u64,
}

/// One interruption, as listed under its interrupter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interruption {
    /// The party that was talking.
    pub interrupted: String,
    /// When the interrupter started.
    pub begin_ms: u64,
    /// When the overlap ended.
    pub end_ms: u64,
    /// The overlap.
    pub duration_ms: u64,
}

/// Figures of one party.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartyStats {
    /// The party's label: `ch0`, `spk1`, `ch0-spk1` (`spk?` for sentences without a speaker in
    /// a diarized document).
    pub party: String,
    /// The channel, when parties are channels.
    pub channel: Option<u32>,
    /// The speaker, when parties are speakers.
    pub speaker: Option<i64>,
    /// Talk time: the measure of the party's talk spurts.
    pub talk_ms: u64,
    /// `talk_ms` over all parties' summed talk time.
    pub share_of_talk: f64,
    /// `talk_ms` over the call's duration.
    pub share_of_call: f64,
    /// Words (runs of letters or digits outside Han and kana), fillers excluded.
    pub words: u64,
    /// Han and kana characters, punctuation and fillers excluded.
    pub characters: u64,
    /// Words per minute of own talk time.
    pub words_per_minute: f64,
    /// Characters per minute of own talk time.
    pub characters_per_minute: f64,
    /// Turns taken.
    pub turns: u64,
    /// Backchannels given.
    pub backchannels: u64,
    /// The longest monologue, if the party took a turn.
    pub longest_monologue: Option<Span>,
    /// Questions asked.
    pub questions: u64,
    /// Fillers outside backchannels.
    pub fillers: u64,
    /// Fillers per minute of own talk time.
    pub fillers_per_minute: f64,
    /// Sensitive-word hits (zero when no report was given).
    pub sensitive_hits: u64,
    /// Sensitive-word hits per tag.
    pub sensitive_hits_by_tag: BTreeMap<String, u64>,
    /// Interruptions this party made, in time order.
    pub interruptions: Vec<Interruption>,
    /// Times this party was interrupted.
    pub interrupted: u64,
    /// Latency of this party's turns after another party's.
    pub response_latency: Latency,
}

/// Statistics plus the timeline they were computed from.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// The statistics.
    pub stats: Stats,
    /// What a picture of the conversation needs.
    pub timeline: Timeline,
}

/// The conversation on a time line: what [`Timeline::to_svg`] draws.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    /// Start of the call span.
    pub begin_ms: u64,
    /// End of the call span.
    pub end_ms: u64,
    /// Party labels; [`Bar::party`] indexes them.
    pub parties: Vec<String>,
    /// Talk spurts that are not backchannels, in start order.
    pub spurts: Vec<Bar>,
    /// Backchannels, in start order.
    pub backchannels: Vec<Bar>,
    /// Turns, in start order.
    pub turns: Vec<Bar>,
    /// Stretches with two or more parties talking.
    pub overlaps: Vec<Span>,
    /// Interruptions, in time order.
    pub interruptions: Vec<TimelineInterruption>,
    /// Non-talk instances.
    pub silences: Vec<Span>,
}

/// A party's stretch on the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bar {
    /// Index into [`Timeline::parties`].
    pub party: usize,
    /// Start.
    pub begin_ms: u64,
    /// End.
    pub end_ms: u64,
}

/// An interruption on the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineInterruption {
    /// Index of the interrupting party.
    pub interrupter: usize,
    /// Index of the interrupted party.
    pub interrupted: usize,
    /// Start of the overlap.
    pub begin_ms: u64,
    /// End of the overlap.
    pub end_ms: u64,
}

impl Stats {
    /// The statistics of a document with the default options.
    pub fn compute(doc: &Transcription<'_>) -> Stats {
        AnalyticsOptions::new().stats(doc)
    }

    /// The statistics of a document with the default options, with sensitive-word hits from
    /// the pipeline's report.
    pub fn compute_with_report(doc: &Transcription<'_>, report: &Report) -> Stats {
        AnalyticsOptions::new().analyze(doc, Some(report)).stats
    }

    /// The JSON form (compact).
    pub fn to_json(&self) -> String {
        // Plain data with finite floats: serialization cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The JSON form, indented.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The party with this label.
    pub fn party(&self, label: &str) -> Option<&PartyStats> {
        self.parties.iter().find(|p| p.party == label)
    }
}
