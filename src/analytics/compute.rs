//! The computation: words → talk spurts per party → backchannels → turns → metrics.
//!
//! The steps, each over time-sorted data (so the order of sentences in the input never
//! matters):
//!
//! 1. **Tokens**: every word (or, for a sentence without words, the sentence) becomes a token
//!    of its party with its time span clipped to the call, its word and character units, its
//!    questions and whether it is a filler.
//! 2. **Spurts**: a party's tokens closer than `merge_gap` merge into talk spurts. Talk time is
//!    the measure of a party's spurts.
//! 3. **Backchannels**: a short spurt (shorter than `backchannel_max_duration`, fewer units than
//!    `backchannel_max_units`, or only backchannel words and fillers) is a backchannel when it
//!    overlaps a longer spurt of another party, or falls into another party's pause of at most
//!    `monologue_gap` that does not follow a question (an answer is not a backchannel).
//! 4. **Turns**: the other spurts of all parties in start order; consecutive spurts of one party
//!    form a turn. Switches, response latency and monologues come from turns.
//!
//! This is an internal turn notion; the turns stage, once it has landed, can replace steps 2–4
//! for documents that carry its enrichment.

use std::collections::BTreeMap;

use super::lexicon::{Lexicon, count_questions, count_units, normalize_into};
use super::{
    Analysis, Bar, ConversationStats, DurationSource, Interruption, Latency, NonTalk, PartyMode,
    PartyStats, SCHEMA_VERSION, Span, Stats, Timeline, TimelineInterruption,
};
use crate::{Detail, Report, Transcription};

use super::options::AnalyticsOptions;

/// A party: channel and/or speaker, as the document's [`PartyMode`] decides.
type Key = (Option<u32>, Option<i64>);

/// One word (or word-less sentence) of a party. The order is the time order, then the text,
/// so that sorting gives the same sequence whatever the input order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Token<'a> {
    begin: u64,
    end: u64,
    text: &'a str,
    punctuation: &'a str,
    words: u32,
    chars: u32,
    questions: u32,
    filler: bool,
}

/// Consecutive tokens of one party with gaps up to `merge_gap`.
#[derive(Clone, Copy, Debug)]
struct Spurt {
    begin: u64,
    end: u64,
    units: u64,
    fillers: u64,
    ends_question: bool,
    short: bool,
    backchannel: bool,
}

/// Texts of a spurt worth checking against the backchannel vocabulary.
const VOCAB_TOKENS: usize = 16;
const VOCAB_BYTES: usize = 64;

/// A party: its spurts, built from its tokens in time order as they come, and its totals.
#[derive(Debug, Default)]
struct Party<'a> {
    spurts: Vec<Spurt>,
    /// Tokens of the open spurt (up to `VOCAB_TOKENS + 1`) and their bytes.
    texts: Vec<&'a str>,
    text_bytes: usize,
    /// The last token taken, to notice input out of time order.
    last: Option<Token<'a>>,
    words: u64,
    chars: u64,
    questions: u64,
    /// Tokens collected for sorting, when the input is out of order.
    tokens: Vec<Token<'a>>,
    sensitive: BTreeMap<String, u64>,
    sensitive_total: u64,
}

impl<'a> Party<'a> {
    /// Takes the next token in time order.
    #[inline]
    fn push(&mut self, t: Token<'a>, merge_gap: u64, lex: &Lexicon, buf: &mut String) {
        let units = u64::from(t.words) + u64::from(t.chars);
        self.words += u64::from(t.words);
        self.chars += u64::from(t.chars);
        self.questions += u64::from(t.questions);
        match self.spurts.last_mut() {
            Some(s) if t.begin <= s.end.saturating_add(merge_gap) => {
                s.end = s.end.max(t.end);
                s.units += units;
                s.fillers += u64::from(t.filler);
                s.ends_question = t.questions > 0;
                if self.texts.len() <= VOCAB_TOKENS {
                    self.texts.push(t.text);
                    self.text_bytes += t.text.len();
                }
            }
            _ => {
                self.close(lex, buf);
                self.spurts.push(Spurt {
                    begin: t.begin,
                    end: t.end,
                    units,
                    fillers: u64::from(t.filler),
                    ends_question: t.questions > 0,
                    short: false,
                    backchannel: false,
                });
                self.texts.clear();
                self.texts.push(t.text);
                self.text_bytes = t.text.len();
            }
        }
        self.last = Some(t);
    }

    /// Closes the open spurt: checks its text against the backchannel vocabulary (only short
    /// texts can be made of backchannel words).
    fn close(&mut self, lex: &Lexicon, buf: &mut String) {
        let Some(s) = self.spurts.last_mut() else {
            return;
        };
        if self.texts.len() <= VOCAB_TOKENS && self.text_bytes <= VOCAB_BYTES {
            buf.clear();
            for t in &self.texts {
                normalize_into(t, buf);
            }
            s.short = lex.is_backchannel_text(buf);
        }
        self.texts.clear();
    }
}

/// A turn: consecutive non-backchannel spurts of one party.
#[derive(Clone, Copy, Debug)]
struct Turn {
    party: usize,
    begin: u64,
    end: u64,
}

/// How the document's tokens reach their parties.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Feed {
    /// Straight into the spurts; gives up when a party's tokens come out of order.
    Stream,
    /// Into `Party::tokens`, to be sorted.
    Collect,
}

/// Everything that turns the document into tokens.
struct Reader<'o> {
    by_channel: bool,
    by_speaker: bool,
    /// The end of the call when the audio's duration is known.
    hi: u64,
    merge_gap: u64,
    lex: &'o Lexicon,
}

impl Reader<'_> {
    fn key(&self, channel: u32, speaker: Option<i64>) -> Key {
        (
            (!self.by_speaker || self.by_channel).then_some(channel),
            if self.by_speaker { speaker } else { None },
        )
    }

    fn clip(&self, b: u64, e: u64) -> (u64, u64) {
        (b.min(self.hi), e.max(b).min(self.hi))
    }

    /// The parties known before reading: every channel, when parties are channels.
    fn parties<'a>(&self, channels: &[u32]) -> Vec<(Key, Party<'a>)> {
        if self.by_speaker {
            return Vec::new();
        }
        channels
            .iter()
            .map(|&c| (self.key(c, None), Party::default()))
            .collect()
    }

    /// Reads every token into its party. With [`Feed::Stream`], returns `false` as soon as a
    /// party's tokens are out of order.
    fn read<'a>(
        &self,
        doc: &'a Transcription<'_>,
        parties: &mut Vec<(Key, Party<'a>)>,
        feed: Feed,
        buf: &mut String,
    ) -> bool {
        let mut flags = Vec::new();
        let mut cached: Option<(Key, usize)> = None;
        for t in &doc.transcripts {
            for s in &t.sentences {
                let key = self.key(t.channel_id, s.speaker_id);
                let pi = match cached {
                    Some((k, i)) if k == key => i,
                    _ => {
                        let i = match parties.iter().position(|(k, _)| *k == key) {
                            Some(i) => i,
                            None => {
                                parties.push((key, Party::default()));
                                parties.len() - 1
                            }
                        };
                        cached = Some((key, i));
                        i
                    }
                };
                let party = &mut parties[pi].1;
                // Takes a token (a macro rather than a closure: this is the hot loop).
                macro_rules! take {
                    ($tok:expr) => {{
                        let tok = $tok;
                        match feed {
                            Feed::Collect => party.tokens.push(tok),
                            Feed::Stream => {
                                // Times first: the full comparison only on equal times.
                                if let Some(l) = &party.last {
                                    if (tok.begin, tok.end) <= (l.begin, l.end) && tok < *l {
                                        return false;
                                    }
                                }
                                party.push(tok, self.merge_gap, self.lex, buf);
                            }
                        }
                    }};
                }
                if s.words.is_empty() {
                    let (begin, end) = self.clip(s.begin_time.0, s.end_time.0);
                    let (words, chars) = count_units(&s.text);
                    let tok = Token {
                        begin,
                        end,
                        text: &s.text,
                        punctuation: "",
                        words,
                        chars,
                        questions: count_questions(&s.text),
                        filler: false,
                    };
                    take!(tok);
                    continue;
                }
                self.lex.mark_fillers(&s.words, &mut flags, buf);
                for (w, &filler) in s.words.iter().zip(&flags) {
                    let (begin, end) = self.clip(w.begin_time.0, w.end_time.0);
                    let (words, chars) = if filler { (0, 0) } else { count_units(&w.text) };
                    let tok = Token {
                        begin,
                        end,
                        text: &w.text,
                        punctuation: &w.punctuation,
                        words,
                        chars,
                        questions: word_questions(&w.text, &w.punctuation),
                        filler,
                    };
                    take!(tok);
                }
            }
        }
        true
    }
}

/// Questions of a word: its punctuation's, plus one when the text itself ends in a question
/// mark (punctuation written as a word of its own, or glued to the word).
#[inline]
fn word_questions(text: &str, punctuation: &str) -> u32 {
    // Fast path: no punctuation and a text not ending in `?` or `？` (EF BC 9F).
    if punctuation.is_empty() && !matches!(text.as_bytes().last(), Some(b'?' | 0x9F | b' ')) {
        return 0;
    }
    let q = ['?', '？'];
    let mut n = count_questions(punctuation);
    if text.trim_ascii_end().ends_with(q) && !punctuation.starts_with(q) {
        n += 1;
    }
    n
}

pub(crate) fn analyze(
    doc: &Transcription<'_>,
    report: Option<&Report>,
    options: &AnalyticsOptions,
) -> Analysis {
    let th = options.thresholds;
    let lex = &options.lexicon;

    // Parties.
    let mut channels: Vec<u32> = doc.transcripts.iter().map(|t| t.channel_id).collect();
    channels.sort_unstable();
    channels.dedup();
    let by_channel = channels.len() > 1;
    let by_speaker = doc
        .transcripts
        .iter()
        .any(|t| t.sentences.iter().any(|s| s.speaker_id.is_some()));
    let mode = match (by_channel, by_speaker) {
        (false, false) => PartyMode::Single,
        (true, false) => PartyMode::Channel,
        (false, true) => PartyMode::Speaker,
        (true, true) => PartyMode::ChannelSpeaker,
    };
    // The call's span: the audio when its duration is known, else the speech.
    let known = doc.duration().filter(|d| d.0 > 0);
    let reader = Reader {
        by_channel,
        by_speaker,
        hi: known.map_or(u64::MAX, |d| d.0),
        merge_gap: th.merge_gap_ms,
        lex,
    };
    let key_of = |channel: u32, speaker: Option<i64>| reader.key(channel, speaker);

    // 1–2. Tokens into spurts: streamed when each party's words come in time order (real
    // results), else collected and sorted first.
    let mut buf = String::new();
    let mut parties = reader.parties(&channels);
    if !reader.read(doc, &mut parties, Feed::Stream, &mut buf) {
        parties = reader.parties(&channels);
        reader.read(doc, &mut parties, Feed::Collect, &mut buf);
        for (_, p) in &mut parties {
            let mut tokens = std::mem::take(&mut p.tokens);
            tokens.sort_unstable();
            for t in tokens {
                p.push(t, th.merge_gap_ms, lex, &mut buf);
            }
        }
    }
    for (_, p) in &mut parties {
        p.close(lex, &mut buf);
        for s in &mut p.spurts {
            s.short = (th.backchannel_max_ms > 0 && s.end - s.begin < th.backchannel_max_ms)
                || (th.backchannel_max_units > 0 && s.units < th.backchannel_max_units)
                || s.short;
        }
    }
    parties.sort_by_key(|(k, _)| *k);

    let (span_begin, span_end, source) = match known {
        Some(d) => (0, d.0, DurationSource::Audio),
        None => {
            let first = parties
                .iter()
                .filter_map(|(_, p)| p.spurts.first().map(|s| s.begin))
                .min();
            let last = parties
                .iter()
                .filter_map(|(_, p)| p.spurts.last().map(|s| s.end))
                .max();
            match (first, last) {
                (Some(a), Some(b)) => (a, b.max(a), DurationSource::Speech),
                _ => (0, 0, DurationSource::Speech),
            }
        }
    };
    let duration = span_end - span_begin;

    // 3. Backchannels.
    let mut bc: Vec<Vec<bool>> = Vec::with_capacity(parties.len());
    for (pi, (_, p)) in parties.iter().enumerate() {
        let flags = p
            .spurts
            .iter()
            .map(|s| {
                s.short
                    && parties.iter().enumerate().any(|(qi, (_, q))| {
                        qi != pi && is_backchannel_to(s, &q.spurts, th.monologue_gap_ms)
                    })
            })
            .collect();
        bc.push(flags);
    }
    for ((_, p), flags) in parties.iter_mut().zip(bc) {
        for (s, f) in p.spurts.iter_mut().zip(flags) {
            s.backchannel = f;
        }
    }

    // 4. Turns: the non-backchannel spurts of every party, in start order.
    let floor: Vec<Vec<(u64, u64)>> = parties
        .iter()
        .map(|(_, p)| {
            p.spurts
                .iter()
                .filter(|s| !s.backchannel)
                .map(|s| (s.begin, s.end))
                .collect()
        })
        .collect();
    let mut order: Vec<(u64, usize, u64)> = floor
        .iter()
        .enumerate()
        .flat_map(|(pi, f)| f.iter().map(move |&(b, e)| (b, pi, e)))
        .collect();
    order.sort_unstable();

    let n = parties.len();
    let mut turns: Vec<Turn> = Vec::new();
    let mut monologue: Vec<Option<Span>> = vec![None; n];
    let mut run: Option<(usize, u64, u64)> = None; // party, begin, end of the current monologue
    let close = |run: Option<(usize, u64, u64)>, monologue: &mut [Option<Span>]| {
        if let Some((p, b, e)) = run {
            let longer = monologue[p].is_none_or(|m| e - b > m.duration_ms);
            if longer {
                monologue[p] = Some(Span::new(b, e));
            }
        }
    };
    let mut interruptions: Vec<(usize, Interruption, usize)> = Vec::new();
    for &(begin, pi, end) in &order {
        match turns.last_mut() {
            Some(t) if t.party == pi => t.end = t.end.max(end),
            _ => turns.push(Turn {
                party: pi,
                begin,
                end,
            }),
        }
        run = match run {
            Some((p, b, e)) if p == pi && begin <= e.saturating_add(th.monologue_gap_ms) => {
                Some((p, b, e.max(end)))
            }
            other => {
                close(other, &mut monologue);
                Some((pi, begin, end))
            }
        };
        // Interruption: this spurt starts while another party's spurt is on.
        let mut best: Option<(usize, u64)> = None;
        for (qi, f) in floor.iter().enumerate() {
            if qi == pi {
                continue;
            }
            let k = f.partition_point(|&(b, _)| b < begin);
            if let Some(&(_, e)) = k.checked_sub(1).and_then(|k| f.get(k)) {
                if e > begin {
                    let overlap = e.min(end) - begin;
                    if best.is_none_or(|(_, o)| overlap > o) {
                        best = Some((qi, overlap));
                    }
                }
            }
        }
        if let Some((qi, overlap)) = best {
            if overlap >= th.min_overlap_ms && overlap > 0 {
                let label = label(parties[qi].0);
                interruptions.push((
                    pi,
                    Interruption {
                        interrupted: label,
                        begin_ms: begin,
                        end_ms: begin + overlap,
                        duration_ms: overlap,
                    },
                    qi,
                ));
            }
        }
    }
    close(run, &mut monologue);

    // Response latency between consecutive turns.
    let mut all_gaps: Vec<u64> = Vec::new();
    let mut all_overlapped = 0u64;
    let mut gaps: Vec<(Vec<u64>, u64)> = vec![(Vec::new(), 0); n];
    let mut turn_count = vec![0u64; n];
    for (i, t) in turns.iter().enumerate() {
        turn_count[t.party] += 1;
        if i == 0 {
            continue;
        }
        let prev = turns[i - 1];
        if t.begin >= prev.end {
            all_gaps.push(t.begin - prev.end);
            gaps[t.party].0.push(t.begin - prev.end);
        } else {
            all_overlapped += 1;
            gaps[t.party].1 += 1;
        }
    }

    // Sweeps over all spurts: speech (anyone talking) and overlap (two or more).
    let mut events: Vec<(u64, i32)> = Vec::new();
    for (_, p) in &parties {
        for s in &p.spurts {
            if s.end > s.begin {
                events.push((s.begin, 1));
                events.push((s.end, -1));
            }
        }
    }
    events.sort_unstable();
    let mut speech: Vec<(u64, u64)> = Vec::new();
    let mut overlaps: Vec<(u64, u64)> = Vec::new();
    let mut level = 0i32;
    let mut since = 0u64;
    let mut overlap_since = 0u64;
    for (t, d) in events {
        let before = level;
        level += d;
        if before == 0 && level > 0 {
            since = t;
        } else if before > 0 && level == 0 && t > since {
            match speech.last_mut() {
                Some(last) if last.1 >= since => last.1 = t,
                _ => speech.push((since, t)),
            }
        }
        if before < 2 && level >= 2 {
            overlap_since = t;
        } else if before >= 2 && level < 2 && t > overlap_since {
            overlaps.push((overlap_since, t));
        }
    }
    let speech_ms: u64 = speech.iter().map(|(b, e)| e - b).sum();
    let overlap_ms: u64 = overlaps.iter().map(|(b, e)| e - b).sum();

    // Non-talk: gaps in the speech inside the call's span.
    let mut silences: Vec<Span> = Vec::new();
    let mut at = span_begin;
    for &(b, e) in speech.iter().chain(std::iter::once(&(span_end, span_end))) {
        let b = b.max(span_begin).min(span_end);
        if b > at && b - at >= th.silence_min_ms {
            silences.push(Span::new(at, b));
        }
        at = at.max(e.min(span_end));
    }

    // Sensitive-word hits from the report.
    if let Some(report) = report.and_then(|r| r.get("sensitive")) {
        for ev in &report.events {
            let Some(t) = doc.transcripts.get(ev.location.transcript) else {
                continue;
            };
            let speaker = ev
                .location
                .sentence
                .and_then(|s| t.sentences.get(s))
                .and_then(|s| s.speaker_id);
            let key = key_of(t.channel_id, speaker);
            let Ok(pi) = parties.binary_search_by_key(&key, |(k, _)| *k) else {
                continue;
            };
            let p = &mut parties[pi].1;
            p.sensitive_total += 1;
            for tag in tags(ev.detail.as_ref()) {
                *p.sensitive.entry(tag).or_insert(0) += 1;
            }
        }
    }

    // Per-party figures.
    let talk: Vec<u64> = parties
        .iter()
        .map(|(_, p)| p.spurts.iter().map(|s| s.end - s.begin).sum())
        .collect();
    let talk_total: u64 = talk.iter().sum();
    let mut interrupted = vec![0u64; n];
    let mut made: Vec<Vec<Interruption>> = vec![Vec::new(); n];
    for (pi, i, qi) in &interruptions {
        interrupted[*qi] += 1;
        made[*pi].push(i.clone());
    }
    let mut party_stats = Vec::with_capacity(n);
    for (pi, ((key, p), (made, (mut gaps, overlapped)))) in
        parties.iter().zip(made.into_iter().zip(gaps)).enumerate()
    {
        let minutes = talk[pi] as f64 / 60_000.0;
        let (words, characters) = (p.words, p.chars);
        let fillers: u64 = p
            .spurts
            .iter()
            .filter(|s| !s.backchannel)
            .map(|s| s.fillers)
            .sum();
        party_stats.push(PartyStats {
            party: label(*key),
            channel: key.0,
            speaker: key.1,
            talk_ms: talk[pi],
            share_of_talk: ratio(talk[pi] as f64, talk_total as f64),
            share_of_call: ratio(talk[pi] as f64, duration as f64),
            words,
            characters,
            words_per_minute: ratio(words as f64, minutes),
            characters_per_minute: ratio(characters as f64, minutes),
            turns: turn_count[pi],
            backchannels: p.spurts.iter().filter(|s| s.backchannel).count() as u64,
            longest_monologue: monologue[pi],
            questions: p.questions,
            fillers,
            fillers_per_minute: ratio(fillers as f64, minutes),
            sensitive_hits: p.sensitive_total,
            sensitive_hits_by_tag: p.sensitive.clone(),
            interruptions: made,
            interrupted: interrupted[pi],
            response_latency: Latency::of(&mut gaps, overlapped),
        });
    }

    let minutes = duration as f64 / 60_000.0;
    let switches = turns.len().saturating_sub(1) as u64;
    let mut sensitive_by_tag: BTreeMap<String, u64> = BTreeMap::new();
    for p in &party_stats {
        for (k, v) in &p.sensitive_hits_by_tag {
            *sensitive_by_tag.entry(k.clone()).or_insert(0) += v;
        }
    }
    let non_talk_total: u64 = silences.iter().map(|s| s.duration_ms).sum();
    let conversation = ConversationStats {
        party_mode: mode,
        begin_ms: span_begin,
        end_ms: span_end,
        duration_ms: duration,
        duration_source: source,
        speech_ms,
        speech_ratio: ratio(speech_ms as f64, duration as f64),
        talk_ms: talk_total,
        overlap_ms,
        interruptions: interruptions.len() as u64,
        interruptions_ms: interruptions.iter().map(|(_, i, _)| i.duration_ms).sum(),
        non_talk: NonTalk {
            count: silences.len() as u64,
            total_ms: non_talk_total,
            longest_ms: silences.iter().map(|s| s.duration_ms).max().unwrap_or(0),
            share_of_call: ratio(non_talk_total as f64, duration as f64),
            instances: silences.clone(),
        },
        turns: turns.len() as u64,
        backchannels: party_stats.iter().map(|p| p.backchannels).sum(),
        switches,
        switches_per_minute: ratio(switches as f64, minutes),
        switches_per_hour: ratio(switches as f64, minutes / 60.0),
        questions: party_stats.iter().map(|p| p.questions).sum(),
        fillers: party_stats.iter().map(|p| p.fillers).sum(),
        sensitive_hits: party_stats.iter().map(|p| p.sensitive_hits).sum(),
        sensitive_hits_by_tag: sensitive_by_tag,
        response_latency: Latency::of(&mut all_gaps, all_overlapped),
    };

    let timeline = Timeline {
        begin_ms: span_begin,
        end_ms: span_end,
        parties: party_stats.iter().map(|p| p.party.clone()).collect(),
        spurts: bars(&parties, false),
        backchannels: bars(&parties, true),
        turns: turns
            .iter()
            .map(|t| Bar {
                party: t.party,
                begin_ms: t.begin,
                end_ms: t.end,
            })
            .collect(),
        overlaps: overlaps.iter().map(|&(b, e)| Span::new(b, e)).collect(),
        interruptions: interruptions
            .iter()
            .map(|(pi, i, qi)| TimelineInterruption {
                interrupter: *pi,
                interrupted: *qi,
                begin_ms: i.begin_ms,
                end_ms: i.end_ms,
            })
            .collect(),
        silences,
    };
    Analysis {
        stats: Stats {
            schema_version: SCHEMA_VERSION,
            thresholds: th,
            conversation,
            parties: party_stats,
        },
        timeline,
    }
}

/// `a / b`, or zero when `b` is zero (JSON has no NaN or infinity).
fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

/// The label of a party: `ch0`, `spk1`, `ch0-spk1`; `spk?` for sentences without a speaker in
/// a diarized document.
pub(crate) fn label(key: Key) -> String {
    let speaker = |s: Option<i64>| s.map_or_else(|| "spk?".to_string(), |s| format!("spk{s}"));
    match key {
        (Some(c), None) => format!("ch{c}"),
        (None, s) => speaker(s),
        (Some(c), s) => format!("ch{c}-{}", speaker(s)),
    }
}

/// Tags of a sensitive-word event: `detail.tags` (strings), `detail.tag`, or `untagged`.
fn tags(detail: Option<&Detail>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(d) = detail {
        if let Some(list) = d.get("tags").and_then(|t| t.as_array()) {
            out.extend(list.iter().filter_map(|t| t.as_str()).map(str::to_string));
        }
        if let Some(t) = d.get("tag").and_then(|t| t.as_str()) {
            out.push(t.to_string());
        }
    }
    if out.is_empty() {
        out.push("untagged".to_string());
    }
    out.sort();
    out.dedup();
    out
}

/// Whether a short spurt `s` is a backchannel to another party's spurts `other`: it overlaps
/// a longer one, or sits in a pause of at most `gap` that does not follow a question.
fn is_backchannel_to(s: &Spurt, other: &[Spurt], gap: u64) -> bool {
    let k = other.partition_point(|o| o.begin < s.end);
    let len = s.end - s.begin;
    let mut j = k;
    while j > 0 && other[j - 1].end > s.begin {
        let o = &other[j - 1];
        if o.end - o.begin > len {
            return true;
        }
        j -= 1;
    }
    if j < k {
        // Overlaps only spurts no longer than itself.
        return false;
    }
    match (k.checked_sub(1).map(|i| &other[i]), other.get(k)) {
        (Some(prev), Some(next)) => {
            !prev.ends_question && next.begin.saturating_sub(prev.end) <= gap
        }
        _ => false,
    }
}

fn bars(parties: &[(Key, Party<'_>)], backchannel: bool) -> Vec<Bar> {
    let mut out: Vec<Bar> = parties
        .iter()
        .enumerate()
        .flat_map(|(pi, (_, p))| {
            p.spurts
                .iter()
                .filter(move |s| s.backchannel == backchannel)
                .map(move |s| Bar {
                    party: pi,
                    begin_ms: s.begin,
                    end_ms: s.end,
                })
        })
        .collect();
    out.sort_by_key(|b| (b.begin_ms, b.party));
    out
}

impl Latency {
    /// Count, mean, nearest-rank median and 90th percentile, and maximum of `gaps`.
    fn of(gaps: &mut [u64], overlapped: u64) -> Latency {
        gaps.sort_unstable();
        let n = gaps.len();
        let rank = |p: usize| gaps[(p * n).div_ceil(100).max(1) - 1];
        if n == 0 {
            return Latency {
                overlapped,
                ..Latency::default()
            };
        }
        Latency {
            count: n as u64,
            mean_ms: gaps.iter().map(|&g| g as f64).sum::<f64>() / n as f64,
            median_ms: rank(50),
            p90_ms: rank(90),
            max_ms: gaps[n - 1],
            overlapped,
        }
    }
}
