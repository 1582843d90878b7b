//! proptest strategies for [`Transcription`]s.
//!
//! Documents are built the way Paraformer writes them: Chinese one character per word, English
//! words with a trailing space, punctuation after words, sentences in time order, text
//! identities holding. [`glitchy_transcription`] adds the timestamp glitches real results carry.

use proptest::prelude::*;

use crate::{Millis, Sentence, Transcript, Transcription, Word};

/// Token texts the strategies draw from: Chinese characters, English words, fillers, and a few
/// words sensitive-word tests can target.
const ZH: &[&str] = &[
    "我", "们", "今", "天", "测", "试", "一", "下", "这", "个", "项", "目", "嗯", "啊", "呃", "额",
    "度", "看", "谢", "好", "赌", "博",
];
const EN: &[&str] = &[
    "hello", "world", "um", "uh", "I", "think", "class", "ass", "okay", "the", "data",
];
const PUNCT_ZH: &[&str] = &["", "", "", "", "，", "。", "？"];
const PUNCT_EN: &[&str] = &["", "", "", "", ", ", ". ", "? "];

/// A token: `(text, punctuation, duration in ms)`.
type Token = (String, &'static str, u64);

/// A sentence to lay out: its tokens, the gap before it, its speaker.
type SentencePlan = (Vec<Token>, u64, Option<i64>);

/// One token: `(text, punctuation, duration)`, Chinese one character per word, English with
/// its trailing space when no punctuation follows.
fn token() -> impl Strategy<Value = Token> {
    let zh = (
        proptest::sample::select(ZH),
        proptest::sample::select(PUNCT_ZH),
        40u64..600,
    )
        .prop_map(|(t, p, d)| (t.to_string(), p, d));
    let en = (
        proptest::sample::select(EN),
        proptest::sample::select(PUNCT_EN),
        40u64..600,
    )
        .prop_map(|(t, p, d)| {
            let text = if p.is_empty() {
                format!("{t} ")
            } else {
                t.to_string()
            };
            (text, p, d)
        });
    prop_oneof![3 => zh, 1 => en]
}

/// One sentence's tokens.
fn tokens() -> impl Strategy<Value = Vec<Token>> {
    proptest::collection::vec(token(), 1..12)
}

/// Lays out sentences from token lists, with gaps, on one channel.
fn layout(channel: u32, sentences: Vec<SentencePlan>, start: u64) -> Transcript<'static> {
    let mut t = start;
    let mut out = Vec::with_capacity(sentences.len());
    for (i, (toks, gap, speaker)) in sentences.into_iter().enumerate() {
        t += gap;
        let words: Vec<Word<'static>> = toks
            .into_iter()
            .map(|(text, p, d)| {
                let w = Word::new(Millis(t), Millis(t + d), text, p);
                t += d;
                w
            })
            .collect();
        let mut s = Sentence::new(words).with_id(i as u64 + 1);
        s.speaker_id = speaker;
        out.push(s);
    }
    Transcript::new(channel, out)
}

/// A well-formed document: one or two channels, 0–20 sentences each, optional speaker ids,
/// times ordered and inside the stated duration, text identities holding.
pub fn transcription() -> impl Strategy<Value = Transcription<'static>> {
    let sentence = (tokens(), 0u64..3000, proptest::option::of(0i64..3));
    let channel = proptest::collection::vec(sentence, 0..20);
    (proptest::collection::vec(channel, 1..=2), 0u64..2000).prop_map(|(channels, start)| {
        let transcripts: Vec<Transcript<'static>> = channels
            .into_iter()
            .enumerate()
            .map(|(ch, sentences)| layout(ch as u32, sentences, start))
            .collect();
        let end = transcripts
            .iter()
            .flat_map(|t| t.sentences.last())
            .map(|s| s.end_time)
            .max()
            .unwrap_or(Millis::ZERO);
        let mut doc = Transcription::new("https://example.com/audio.wav", transcripts);
        doc.properties.audio_format = "pcm_s16le".into();
        doc.properties.channels = (0..doc.transcripts.len() as u32).collect();
        doc.properties.original_sampling_rate = Some(16000);
        doc.properties.original_duration_in_milliseconds = Some(end + Millis(500));
        doc
    })
}

/// A document with the glitches real results carry: words that end before they begin, overlap
/// their neighbour, have zero length or lie outside their sentence; sentences out of order or
/// past the audio's duration; text that no longer matches its words.
pub fn glitchy_transcription() -> impl Strategy<Value = Transcription<'static>> {
    (
        transcription(),
        proptest::collection::vec((any::<u8>(), any::<u16>(), any::<u16>(), 0u64..5000), 0..8),
    )
        .prop_map(|(mut doc, glitches)| {
            for (kind, a, b, ms) in glitches {
                let Some(t) = doc.transcripts.get_mut(a as usize % 2) else {
                    continue;
                };
                if t.sentences.is_empty() {
                    continue;
                }
                let n = t.sentences.len();
                let s = &mut t.sentences[b as usize % n];
                let m = s.words.len().max(1);
                let w = s.words.get_mut(a as usize % m);
                match (kind % 7, w) {
                    (0, Some(w)) => w.end_time = w.begin_time.saturating_sub(Millis(ms % 50 + 1)),
                    (1, Some(w)) => w.begin_time = w.begin_time.saturating_sub(Millis(ms)),
                    (2, Some(w)) => w.end_time = w.begin_time,
                    (3, Some(w)) => w.end_time = w.end_time + Millis(ms),
                    (4, _) => s.begin_time = s.begin_time + Millis(ms),
                    (5, _) => s.end_time = s.end_time.saturating_sub(Millis(ms)),
                    (6, _) => s.text = format!("{}x", s.text).into(),
                    _ => {}
                }
            }
            doc
        })
}
