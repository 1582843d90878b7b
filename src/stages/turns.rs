//! Speaker turns: sentences grouped into who-said-what, across channels and speakers.
//!
//! A **party** is whoever a sentence belongs to: its channel when the result has several
//! channels (call-centre stereo, one party per channel), its `speaker_id` when a mono result
//! was diarized, and the pair (channel, speaker) when both apply. A **turn** is a run of one
//! party's sentences, in time order over all channels:
//!
//! * Consecutive sentences of one party merge while the silence between them is at most
//!   [`TurnOptions::merge_gap`] (default 1500 ms: the monologue gap of the BuilderIO talk
//!   analytics in `reference/analytics.md`, and the "slow reply" band of its patience metric;
//!   shorter pauses are the breathing and thinking pauses inside one contribution), and while
//!   the turn stays within [`TurnOptions::max_length`] (default 60 s, about one readable
//!   paragraph; a longer monologue continues in a new turn of the same party).
//! * A **backchannel** of another party (`嗯`, `对对`, `mhm`, `uh-huh`, `はい`, `네`…: a
//!   sentence made only of acknowledgement tokens, at most [`TurnOptions::backchannel_max`]
//!   long, during or right after the turn) does not split the turn: it becomes a turn of its
//!   own marked `backchannel`, and the speaker's next sentence continues the interrupted
//!   turn. A token that answers a question (the turn so far ends in `?` or `？`) is a reply,
//!   not a backchannel. Switch this off with [`TurnOptions::backchannels`].
//! * Turns of different parties that overlap in time list each other in `overlaps`.
//!
//! [`compute`] gives the turns as [`Turn`]s; the [`SpeakerTurns`] stage (name `turns`) stores
//! them in the enriched JSON under the top-level key `turns`, where the `txt` and `md`
//! exporters find them ([`from_enrichment`]).
//!
//! # Example
//!
//! ```
//! use asrpost::stages::turns::{self, PartyNames, TurnOptions};
//! use asrpost::Transcription;
//!
//! let doc = Transcription::from_str(r#"{"transcripts":[
//!   {"channel_id":0,"sentences":[
//!     {"begin_time":0,"end_time":2000,"text":"您好，这里是客服。","sentence_id":1},
//!     {"begin_time":2500,"end_time":4000,"text":"请问有什么可以帮您？","sentence_id":2}]},
//!   {"channel_id":1,"sentences":[
//!     {"begin_time":2100,"end_time":2400,"text":"嗯。","sentence_id":1},
//!     {"begin_time":4300,"end_time":6000,"text":"我想查账单。","sentence_id":2}]}]}"#)?;
//! let options = TurnOptions::new().party_names("0=Agent,1=Customer".parse::<PartyNames>()?);
//! let turns = turns::compute(&doc, &options);
//! let lines: Vec<String> = turns
//!     .iter()
//!     .map(|t| format!("{}{}: {}", t.party, if t.backchannel { " (bc)" } else { "" }, t.text))
//!     .collect();
//! assert_eq!(lines, [
//!     "Agent: 您好，这里是客服。请问有什么可以帮您？",
//!     "Customer (bc): 嗯。",
//!     "Customer: 我想查账单。",
//! ]);
//! # Ok::<(), asrpost::Error>(())
//! ```

use std::collections::BTreeMap;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::Transcription;
use crate::stages::{Report, Stage};
use crate::text::Script;
use crate::{Millis, TimeRange};

/// The enrichment key the turns are stored under.
pub const KEY: &str = "turns";

/// One turn: consecutive sentences of one party.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turn {
    /// The party's name ([`PartyNames`], or `Channel N`, `Speaker N`, `Channel N, Speaker M`).
    pub party: String,
    /// The channel (`channel_id`) of the sentences.
    pub channel: u32,
    /// The diarized speaker, when the sentences carry one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<i64>,
    /// Start of the first sentence.
    pub begin: Millis,
    /// End of the last sentence.
    pub end: Millis,
    /// The sentences' texts, concatenated and trimmed.
    pub text: String,
    /// The `sentence_id`s of the sentences (where the result has them).
    pub sentence_ids: Vec<u64>,
    /// Index of the transcript (channel) in the document.
    #[serde(default)]
    pub transcript: usize,
    /// Indices of the sentences in that transcript.
    #[serde(default)]
    pub sentences: Vec<usize>,
    /// A backchannel (`嗯`, `mhm`) said during another party's turn.
    #[serde(default, skip_serializing_if = "is_false")]
    pub backchannel: bool,
    /// Indices (into the turn list) of other parties' turns overlapping this one in time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overlaps: Vec<usize>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Turn {
    /// The turn as JSON, as the stage stores it; moves the strings instead of copying them.
    pub fn into_value(self) -> serde_json::Value {
        use serde_json::Value;
        let ints = |v: Vec<u64>| Value::Array(v.into_iter().map(Value::from).collect());
        let mut m = serde_json::Map::new();
        m.insert("party".into(), Value::String(self.party));
        m.insert("channel".into(), self.channel.into());
        if let Some(s) = self.speaker {
            m.insert("speaker".into(), s.into());
        }
        m.insert("begin".into(), self.begin.0.into());
        m.insert("end".into(), self.end.0.into());
        m.insert("text".into(), Value::String(self.text));
        m.insert("sentence_ids".into(), ints(self.sentence_ids));
        m.insert("transcript".into(), self.transcript.into());
        m.insert(
            "sentences".into(),
            ints(self.sentences.into_iter().map(|i| i as u64).collect()),
        );
        if self.backchannel {
            m.insert("backchannel".into(), true.into());
        }
        if !self.overlaps.is_empty() {
            m.insert(
                "overlaps".into(),
                ints(self.overlaps.into_iter().map(|i| i as u64).collect()),
            );
        }
        Value::Object(m)
    }

    /// The turn's span.
    pub fn range(&self) -> TimeRange {
        TimeRange::new(self.begin, self.end)
    }
}

/// Names of parties, from `KEY=NAME` pairs such as `0=Agent,1=Customer`.
///
/// A key is a channel id for multi-channel results, a speaker id for diarized mono results,
/// and `CHANNEL:SPEAKER` (`0:1`) for diarized multi-channel results; a `CHANNEL:SPEAKER` key
/// also works in the other cases.
///
/// ```
/// use asrpost::stages::turns::PartyNames;
///
/// let names: PartyNames = "0=Agent, 1=Customer".parse()?;
/// assert_eq!(names.get("1"), Some("Customer"));
/// assert!("0=".parse::<PartyNames>().is_err());
/// # Ok::<(), asrpost::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartyNames {
    names: BTreeMap<String, String>,
}

impl PartyNames {
    /// No names: parties get their default labels.
    pub fn new() -> Self {
        PartyNames::default()
    }

    /// Names the party with `key` (`0`, `1`, `0:1`).
    ///
    /// # Errors
    ///
    /// When the key is not `N` or `N:M`, or the name is empty.
    pub fn insert(&mut self, key: &str, name: &str) -> Result<()> {
        let key = key.trim();
        let name = name.trim();
        let number = |s: &str| !s.is_empty() && s.parse::<i64>().is_ok();
        let valid = match key.split_once(':') {
            Some((c, s)) => c.parse::<u32>().is_ok() && number(s),
            None => number(key),
        };
        if !valid {
            return Err(Error::invalid(
                "party names",
                format!("`{key}` is not a channel or speaker number (N or CHANNEL:SPEAKER)"),
            ));
        }
        if name.is_empty() {
            return Err(Error::invalid(
                "party names",
                format!("party `{key}` has an empty name"),
            ));
        }
        self.names.insert(key.to_string(), name.to_string());
        Ok(())
    }

    /// The name given to `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.names.get(key).map(String::as_str)
    }

    /// Whether no names are set.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

impl FromStr for PartyNames {
    type Err = Error;

    fn from_str(s: &str) -> Result<PartyNames> {
        let mut names = PartyNames::new();
        for pair in s.split(',').filter(|p| !p.trim().is_empty()) {
            let (k, v) = pair.split_once('=').ok_or_else(|| {
                Error::invalid("party names", format!("`{pair}` is not KEY=NAME"))
            })?;
            names.insert(k, v)?;
        }
        Ok(names)
    }
}

/// How sentences become turns. See the [module docs](self).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TurnOptions {
    merge_gap: Millis,
    max_length: Option<Millis>,
    backchannels: bool,
    backchannel_max: Millis,
    party_names: PartyNames,
}

impl Default for TurnOptions {
    fn default() -> Self {
        TurnOptions {
            merge_gap: Millis(1500),
            max_length: Some(Millis(60_000)),
            backchannels: true,
            backchannel_max: Millis(1500),
            party_names: PartyNames::new(),
        }
    }
}

impl TurnOptions {
    /// The default options.
    pub fn new() -> Self {
        TurnOptions::default()
    }

    /// The longest silence between two sentences of one party that still continues a turn.
    /// By default, 1500 ms.
    pub fn merge_gap(mut self, gap: Millis) -> Self {
        self.merge_gap = gap;
        self
    }

    /// The longest a turn may grow by merging (`None`: no limit); a sentence that would make
    /// it longer starts a new turn of the same party. By default, 60 s.
    pub fn max_length(mut self, max: Option<Millis>) -> Self {
        self.max_length = max;
        self
    }

    /// Whether another party's backchannels keep a turn going instead of splitting it.
    /// By default, yes.
    pub fn backchannels(mut self, yes: bool) -> Self {
        self.backchannels = yes;
        self
    }

    /// The longest sentence that counts as a backchannel. By default, 1500 ms.
    pub fn backchannel_max(mut self, max: Millis) -> Self {
        self.backchannel_max = max;
        self
    }

    /// Names of the parties. By default, none: `Channel N`, `Speaker N`, `Channel N,
    /// Speaker M`.
    pub fn party_names(mut self, names: PartyNames) -> Self {
        self.party_names = names;
        self
    }
}

/// The speaker-turns stage (name `turns`): stores [`compute`]'s turns in the enriched JSON
/// under the top-level key `turns`.
///
/// # Errors
///
/// Processing fails when the input already has a top-level `turns` field (enrichment never
/// replaces what came with the input).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpeakerTurns {
    options: TurnOptions,
}

impl SpeakerTurns {
    /// A stage with the given options.
    pub fn new(options: TurnOptions) -> Self {
        SpeakerTurns { options }
    }

    /// The options.
    pub fn options(&self) -> &TurnOptions {
        &self.options
    }
}

impl Stage for SpeakerTurns {
    fn name(&self) -> &'static str {
        "turns"
    }

    fn process(&self, doc: &mut Transcription<'_>, report: &mut Report) -> Result<()> {
        let turns = compute(doc, &self.options);
        let st = report.stage(self.name());
        st.count("turns", turns.len() as u64);
        st.count(
            "backchannels",
            turns.iter().filter(|t| t.backchannel).count() as u64,
        );
        st.count(
            "overlapping",
            turns.iter().filter(|t| !t.overlaps.is_empty()).count() as u64,
        );
        let value = serde_json::Value::Array(turns.into_iter().map(Turn::into_value).collect());
        doc.enrich(KEY, value)
    }
}

/// The turns stored in a document's enrichment (by [`SpeakerTurns`], or in an enriched JSON
/// read back), or `None` when there are none or they do not have the shape of [`Turn`]s.
pub fn from_enrichment(doc: &Transcription<'_>) -> Option<Vec<Turn>> {
    let value = doc.extra().get_value(KEY)?;
    serde_json::from_value(value).ok()
}

/// One sentence as the sweep sees it.
struct Item {
    transcript: usize,
    sentence: usize,
    party: usize,
    begin: Millis,
    end: Millis,
}

/// A party: (transcript index, speaker).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct PartyKey(usize, Option<i64>);

/// The turns of a document, in time order. Works on any document (times need not be
/// aligned: sentences are taken in order of begin time).
pub fn compute(doc: &Transcription<'_>, options: &TurnOptions) -> Vec<Turn> {
    let multi = doc.transcripts.len() > 1;
    let mut parties: Vec<PartyKey> = Vec::new();
    let mut index: BTreeMap<PartyKey, usize> = BTreeMap::new();
    let mut items: Vec<Item> = Vec::with_capacity(doc.sentence_count());
    for (ti, t) in doc.transcripts.iter().enumerate() {
        for (si, s) in t.sentences.iter().enumerate() {
            let key = PartyKey(ti, s.speaker_id);
            let party = *index.entry(key).or_insert_with(|| {
                parties.push(key);
                parties.len() - 1
            });
            items.push(Item {
                transcript: ti,
                sentence: si,
                party,
                begin: s.begin_time,
                end: s.end_time.max(s.begin_time),
            });
        }
    }
    items.sort_by_key(|i| (i.begin, i.end, i.transcript, i.sentence));

    let mut turns: Vec<Builder> = Vec::new();
    let mut floor: Option<usize> = None;
    // Backchannel turns since the floor turn last grew: one of them may turn out to start
    // its party's reply.
    let mut pending: Vec<usize> = Vec::new();
    for item in &items {
        let sentence = &doc.transcripts[item.transcript].sentences[item.sentence];
        let fits = |t: &Builder| {
            item.begin.saturating_sub(t.end) <= options.merge_gap
                && options
                    .max_length
                    .is_none_or(|m| item.end.max(t.end).saturating_sub(t.begin) <= m)
        };
        if let Some(f) = floor {
            if turns[f].party == item.party {
                if fits(&turns[f]) {
                    turns[f].push(item);
                    turns[f].ends_with_question = ends_with_question(&sentence.text);
                    pending.clear();
                    continue;
                }
            } else if options.backchannels
                && item.end.saturating_sub(item.begin) <= options.backchannel_max
                && item.begin <= turns[f].end + options.merge_gap
                && !turns[f].ends_with_question
                && is_backchannel(&sentence.text)
            {
                match pending.last() {
                    Some(&b) if turns[b].party == item.party && fits(&turns[b]) => {
                        turns[b].push(item)
                    }
                    _ => {
                        pending.push(turns.len());
                        turns.push(Builder::new(item, true));
                    }
                }
                continue;
            }
        }
        // A new turn, unless it continues a backchannel of the same party that, as it turns
        // out, started this party's reply.
        // Only one said after the floor turn had ended: one said while the other party was
        // still talking acknowledged it.
        let floor_end = floor.map_or(Millis::ZERO, |f| turns[f].end);
        let start = pending
            .iter()
            .rev()
            .copied()
            .find(|&b| turns[b].party == item.party)
            .filter(|&b| turns[b].begin >= floor_end && fits(&turns[b]));
        let current = match start {
            Some(b) => {
                turns[b].backchannel = false;
                turns[b].push(item);
                b
            }
            None => {
                turns.push(Builder::new(item, false));
                turns.len() - 1
            }
        };
        turns[current].ends_with_question = ends_with_question(&sentence.text);
        floor = Some(current);
        pending.clear();
    }
    let names: Vec<String> = parties
        .iter()
        .map(|&PartyKey(ti, speaker)| {
            party_name(
                &options.party_names,
                multi,
                doc.transcripts[ti].channel_id,
                speaker,
            )
        })
        .collect();
    let mut out: Vec<Turn> = turns
        .into_iter()
        .map(|b| b.finish(doc, &parties, &names))
        .collect();
    mark_overlaps(&mut out);
    out
}

/// A turn being built.
struct Builder {
    party: usize,
    begin: Millis,
    end: Millis,
    members: Vec<(usize, usize)>,
    backchannel: bool,
    ends_with_question: bool,
}

impl Builder {
    fn new(item: &Item, backchannel: bool) -> Builder {
        Builder {
            party: item.party,
            begin: item.begin,
            end: item.end,
            members: vec![(item.transcript, item.sentence)],
            backchannel,
            ends_with_question: false,
        }
    }

    fn push(&mut self, item: &Item) {
        self.end = self.end.max(item.end);
        self.members.push((item.transcript, item.sentence));
    }

    fn finish(self, doc: &Transcription<'_>, parties: &[PartyKey], names: &[String]) -> Turn {
        let PartyKey(ti, speaker) = parties[self.party];
        let t = &doc.transcripts[ti];
        let channel = t.channel_id;
        let len = self
            .members
            .iter()
            .map(|&(_, si)| t.sentences[si].text.len())
            .sum();
        let mut text = String::with_capacity(len);
        let mut sentence_ids = Vec::new();
        let mut sentences = Vec::with_capacity(self.members.len());
        for &(_, si) in &self.members {
            let s = &t.sentences[si];
            text.push_str(&s.text);
            sentence_ids.extend(s.sentence_id);
            sentences.push(si);
        }
        let trimmed = text.trim();
        if trimmed.len() != text.len() {
            text = trimmed.to_string();
        }
        Turn {
            party: names[self.party].clone(),
            channel,
            speaker,
            begin: self.begin,
            end: self.end,
            text,
            sentence_ids,
            transcript: ti,
            sentences,
            backchannel: self.backchannel,
            overlaps: Vec::new(),
        }
    }
}

/// The name of a party: the user's name for it, or its default label.
fn party_name(names: &PartyNames, multi: bool, channel: u32, speaker: Option<i64>) -> String {
    if let Some(s) = speaker {
        if let Some(n) = names.get(&format!("{channel}:{s}")) {
            return n.to_string();
        }
    }
    let key = match (multi, speaker) {
        (false, Some(s)) => s.to_string(),
        (true, Some(_)) => String::new(),
        (_, None) => channel.to_string(),
    };
    if let Some(n) = names.get(&key) {
        return n.to_string();
    }
    match (multi, speaker) {
        (true, Some(s)) => format!("Channel {channel}, Speaker {s}"),
        (false, Some(s)) => format!("Speaker {s}"),
        (_, None) => format!("Channel {channel}"),
    }
}

/// Marks turns of different parties whose spans overlap (by a positive amount).
fn mark_overlaps(turns: &mut [Turn]) {
    for i in 0..turns.len() {
        let mut j = i + 1;
        while j < turns.len() && turns[j].begin < turns[i].end {
            let other_party =
                (turns[i].transcript, turns[i].speaker) != (turns[j].transcript, turns[j].speaker);
            if other_party && turns[i].range().overlap(turns[j].range()) > Millis::ZERO {
                turns[i].overlaps.push(j);
                turns[j].overlaps.push(i);
            }
            j += 1;
        }
    }
    for t in turns.iter_mut() {
        t.overlaps.sort_unstable();
    }
}

/// Whether a sentence ends in a question mark (trailing spaces aside).
fn ends_with_question(text: &str) -> bool {
    matches!(text.trim_end().chars().last(), Some('?' | '？'))
}

/// Acknowledgement tokens (Tier B of `reference/filters.md` §2.2 plus common English,
/// Japanese and Korean ones), lowercase, without spaces or hyphens.
const BACKCHANNELS: &[&str] = &[
    // Chinese
    "嗯哼",
    "嗯",
    "哦",
    "噢",
    "喔",
    "啊",
    "呃",
    "唔",
    "对的",
    "对",
    "是的",
    "是",
    "好的",
    "好",
    "行",
    "没错",
    "明白",
    "了解",
    "知道了",
    "哈",
    // English
    "uhhuh",
    "mhm",
    "mmhmm",
    "mm",
    "hmm",
    "yeah",
    "yep",
    "yes",
    "okay",
    "ok",
    "right",
    "sure",
    "isee",
    "gotit",
    "uh",
    "um",
    // Japanese
    "はい",
    "うん",
    "ええ",
    "そうですね",
    "そうですか",
    "そう",
    "なるほど",
    // Korean
    "네",
    "예",
    "응",
    "음",
    "아",
];

/// Whether a sentence consists only of acknowledgement tokens (`嗯嗯。`, `对对对`, `Mhm.`,
/// `Uh-huh, yeah.`): punctuation, spaces and hyphens aside, the text splits into tokens.
pub fn is_backchannel(text: &str) -> bool {
    // Backchannels are short; skip the normalization for anything longer.
    if text.len() > 128 {
        return false;
    }
    let norm: String = text
        .chars()
        .filter(|&c| !matches!(Script::of(c), Script::Punctuation | Script::Space))
        .flat_map(char::to_lowercase)
        .collect();
    if norm.is_empty() || norm.len() > 64 {
        return false;
    }
    // reachable[i]: the first i bytes split into tokens.
    let mut reachable = vec![false; norm.len() + 1];
    reachable[0] = true;
    for i in 0..norm.len() {
        if !reachable[i] || !norm.is_char_boundary(i) {
            continue;
        }
        for tok in BACKCHANNELS {
            if norm[i..].starts_with(tok) {
                reachable[i + tok.len()] = true;
            }
        }
    }
    reachable[norm.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Sentence, Transcript};

    fn s(b: u64, e: u64, text: &str) -> Sentence<'static> {
        Sentence::from_text(Millis(b), Millis(e), text.to_string())
    }

    fn doc(channels: Vec<Vec<Sentence<'static>>>) -> Transcription<'static> {
        let transcripts = channels
            .into_iter()
            .enumerate()
            .map(|(c, ss)| {
                let ss = ss
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| s.with_id(i as u64 + 1))
                    .collect();
                Transcript::new(c as u32, ss)
            })
            .collect();
        Transcription::new("a.wav", transcripts)
    }

    fn summary(turns: &[Turn]) -> Vec<String> {
        turns
            .iter()
            .map(|t| {
                format!(
                    "{} {}-{}{}{} {}",
                    t.party,
                    t.begin.0,
                    t.end.0,
                    if t.backchannel { " bc" } else { "" },
                    if t.overlaps.is_empty() {
                        String::new()
                    } else {
                        format!(" ov{:?}", t.overlaps)
                    },
                    t.text
                )
            })
            .collect()
    }

    #[test]
    fn backchannel_tokens() {
        for (text, yes) in [
            ("嗯。", true),
            ("对对对。", true),
            ("嗯嗯，好的。", true),
            ("Mhm. ", true),
            ("Uh-huh, yeah.", true),
            ("はい。", true),
            ("네.", true),
            ("嗯，我想问一下。", false),
            ("好吃。", false),
            ("", false),
            ("。", false),
            ("okay then", false),
        ] {
            assert_eq!(is_backchannel(text), yes, "{text}");
        }
    }

    #[test]
    fn merge_gap_and_max_length() {
        let d = doc(vec![vec![
            s(0, 1000, "a"),
            s(2000, 3000, "b"),
            s(5000, 6000, "c"),
            s(6100, 9000, "d"),
        ]]);
        let o = TurnOptions::new();
        assert_eq!(
            summary(&compute(&d, &o)),
            ["Channel 0 0-3000 ab", "Channel 0 5000-9000 cd"]
        );
        let o = TurnOptions::new()
            .merge_gap(Millis(999))
            .max_length(Some(Millis(3500)));
        assert_eq!(
            summary(&compute(&d, &o)),
            [
                "Channel 0 0-1000 a",
                "Channel 0 2000-3000 b",
                "Channel 0 5000-6000 c",
                "Channel 0 6100-9000 d"
            ]
        );
        let o = TurnOptions::new().merge_gap(Millis(5000)).max_length(None);
        assert_eq!(summary(&compute(&d, &o)), ["Channel 0 0-9000 abcd"]);
    }

    #[test]
    fn backchannel_keeps_turn() {
        let d = doc(vec![
            vec![
                s(0, 2000, "我们先看第一项，"),
                s(2600, 4000, "然后第二项。"),
            ],
            vec![s(2100, 2400, "嗯。"), s(4500, 5000, "好的，明白了吗？")],
        ]);
        let names: PartyNames = "0=Agent,1=Customer".parse().unwrap();
        let o = TurnOptions::new().party_names(names);
        assert_eq!(
            summary(&compute(&d, &o)),
            [
                "Agent 0-4000 ov[1] 我们先看第一项，然后第二项。",
                "Customer 2100-2400 bc ov[0] 嗯。",
                "Customer 4500-5000 好的，明白了吗？"
            ]
        );
        let o = o.backchannels(false);
        assert_eq!(
            summary(&compute(&d, &o)),
            [
                "Agent 0-2000 我们先看第一项，",
                "Customer 2100-2400 嗯。",
                "Agent 2600-4000 然后第二项。",
                "Customer 4500-5000 好的，明白了吗？"
            ]
        );
    }

    #[test]
    fn backchannel_starting_a_reply_joins_it() {
        let d = doc(vec![
            vec![s(0, 2000, "您是本人吗。")],
            vec![s(2200, 2500, "嗯。"), s(2700, 4000, "是我本人。")],
        ]);
        assert_eq!(
            summary(&compute(&d, &TurnOptions::new())),
            [
                "Channel 0 0-2000 您是本人吗。",
                "Channel 1 2200-4000 嗯。是我本人。"
            ]
        );
    }

    #[test]
    fn answer_to_question_is_not_a_backchannel() {
        let d = doc(vec![
            vec![s(0, 2000, "您是本人吗？"), s(3000, 4000, "请稍等。")],
            vec![s(2200, 2500, "嗯。")],
        ]);
        assert_eq!(
            summary(&compute(&d, &TurnOptions::new())),
            [
                "Channel 0 0-2000 您是本人吗？",
                "Channel 1 2200-2500 嗯。",
                "Channel 0 3000-4000 请稍等。"
            ]
        );
    }

    #[test]
    fn diarized_mono_and_names() {
        let d = doc(vec![vec![
            s(0, 1000, "x").with_speaker(0),
            s(1200, 2000, "y").with_speaker(1),
            s(2100, 3000, "z").with_speaker(1),
            s(2900, 3500, "w").with_speaker(0),
        ]]);
        let o = TurnOptions::new().party_names("1=Bob".parse().unwrap());
        assert_eq!(
            summary(&compute(&d, &o)),
            [
                "Speaker 0 0-1000 x",
                "Bob 1200-3000 ov[2] yz",
                "Speaker 0 2900-3500 ov[1] w"
            ]
        );
    }

    #[test]
    fn into_value_matches_serde() {
        let d = doc(vec![
            vec![s(0, 2000, "a。").with_speaker(3), s(2100, 3000, "b。")],
            vec![s(1000, 1200, "嗯。")],
        ]);
        for t in compute(&d, &TurnOptions::new()) {
            assert_eq!(serde_json::to_value(&t).unwrap(), t.clone().into_value());
        }
    }

    #[test]
    fn party_name_keys() {
        let names: PartyNames = "0:1=Alice,1=Bob".parse().unwrap();
        assert_eq!(party_name(&names, true, 0, Some(1)), "Alice");
        assert_eq!(party_name(&names, true, 1, None), "Bob");
        assert_eq!(party_name(&names, true, 1, Some(2)), "Channel 1, Speaker 2");
        assert_eq!(party_name(&names, false, 0, Some(1)), "Alice");
        assert_eq!(party_name(&names, false, 2, Some(1)), "Bob");
        assert_eq!(party_name(&names, false, 0, Some(3)), "Speaker 3");
        for bad in ["x=A", "0", "0=", "0:x=A", "=A"] {
            assert!(bad.parse::<PartyNames>().is_err(), "{bad}");
        }
    }
}
