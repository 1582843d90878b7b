//! [`Arbitrary`] impls for the model, for coverage-guided fuzzers (`cargo fuzz`, AFL).
//!
//! The documents are structurally valid — every known field has its type, channels hold
//! sentences, sentences hold words — while what is in them is anything: times from zero to
//! `u64::MAX`, words that end before they begin or overlap their neighbours, strings with
//! quotes, backslashes, control and non-BMP characters, sentence and transcript texts that no
//! longer match their words, sentences without words, unknown input fields and enrichment at
//! every level. Most of the time the texts follow the identities and the times run forward, so
//! stages see realistic data as well as broken data.
//!
//! The impls are for `Transcription<'static>` and its parts ([`Properties`], [`Transcript`],
//! [`Sentence`], [`Word`]), plus [`RoundtripInput`], a document with write options.
//!
//! # Example
//!
//! A downstream fuzz target (in `fuzz/fuzz_targets/my_stage.rs`, with `asrpost` and
//! `arbitrary` as dependencies and the `testing` feature on) takes a document directly:
//!
//! ```ignore
//! #![no_main]
//! use asrpost::{Pipeline, Transcription};
//!
//! libfuzzer_sys::fuzz_target!(|doc: Transcription<'static>| {
//!     let mut doc = doc;
//!     let _ = Pipeline::builder().stage(MyStage::default()).build().run(&mut doc);
//! });
//! ```
//!
//! Any other harness builds one from bytes with [`arbitrary::Unstructured`]:
//!
//! ```
//! use arbitrary::{Arbitrary, Unstructured};
//! use asrpost::Transcription;
//!
//! let bytes: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
//! let doc = Transcription::arbitrary(&mut Unstructured::new(&bytes))?;
//! // Whatever is in it, it writes and parses back.
//! let json = doc.to_json();
//! let back = Transcription::from_str(&json).unwrap();
//! assert_eq!(back.to_json(), json);
//! # Ok::<(), arbitrary::Error>(())
//! ```

use std::borrow::Cow;

use ::arbitrary::{Arbitrary, Result, Unstructured};
use serde_json::Value;

use crate::model::{Extra, keys};
use crate::{Millis, Properties, Sentence, Transcript, Transcription, Word, WriteOptions};

/// Most words per sentence, sentences per channel, and channels per document: enough to reach
/// every code path while keeping each fuzz run fast.
const MAX_WORDS: u32 = 24;
const MAX_SENTENCES: u32 = 12;
const MAX_CHANNELS: u32 = 3;

/// Word texts like the service writes them; the rest are arbitrary strings.
const TOKENS: &[&str] = &[
    "我", "们", "今", "天", "嗯", "啊", "呃", "那", "个", "赌", "博", "Hello ", "world", "um ",
    "uh", " World", "OK", "是", "的", "。", "",
];
const PUNCTUATION: &[&str] = &["", "", "", "，", "。", "？", "！", "、", ", ", ". ", "?"];
/// Extra-field keys: plausible newer-model fields and enrichment names, plus awkward ones.
const EXTRA_KEYS: &[&str] = &[
    "confidence",
    "emotion",
    "language",
    "stash",
    "turns",
    "sensitive",
    "",
    "\"quoted\"",
    "键",
];

/// A document and how to write it: the input of the `roundtrip` fuzz target.
#[derive(Clone, Debug, PartialEq)]
pub struct RoundtripInput {
    /// The document.
    pub doc: Transcription<'static>,
    /// How to write it.
    pub write: WriteOptions,
}

impl<'a> Arbitrary<'a> for RoundtripInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let write = WriteOptions::new()
            .pretty(u.arbitrary()?)
            .escape_non_ascii(u.arbitrary()?);
        Ok(RoundtripInput {
            doc: u.arbitrary()?,
            write,
        })
    }
}

impl<'a> Arbitrary<'a> for Transcription<'static> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let file_url = text(u, &["https://example.com/a.wav", "会议.mp3", ""])?;
        let n = u.int_in_range(0..=MAX_CHANNELS)?;
        let mut transcripts = Vec::with_capacity(n as usize);
        for i in 0..n {
            let mut t: Transcript<'static> = u.arbitrary()?;
            // Channels are numbered in order most of the time.
            if !u.ratio(1, 8)? {
                t.channel_id = i;
            }
            transcripts.push(t);
        }
        let mut doc = Transcription::new(file_url, transcripts);
        doc.properties = u.arbitrary()?;
        extras(u, &mut doc.extra, keys::TRANSCRIPTION)?;
        Ok(doc)
    }
}

impl<'a> Arbitrary<'a> for Properties<'static> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut p = Properties::new();
        p.audio_format = text(u, &["pcm_s16le", "aac", "mp3", "opus"])?;
        let n = u.int_in_range(0..=3)?;
        p.channels = (0..n)
            .map(|i| Ok(if u.ratio(1, 8)? { u.arbitrary()? } else { i }))
            .collect::<Result<_>>()?;
        p.original_sampling_rate = match u.int_in_range(0..=3)? {
            0 => None,
            1 => Some(u.arbitrary()?),
            2 => Some(8000),
            _ => Some(16000),
        };
        p.original_duration_in_milliseconds = if u.arbitrary()? { Some(time(u)?) } else { None };
        extras(u, &mut p.extra, keys::PROPERTIES)?;
        Ok(p)
    }
}

impl<'a> Arbitrary<'a> for Transcript<'static> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let n = u.int_in_range(0..=MAX_SENTENCES)?;
        let mut sentences = Vec::with_capacity(n as usize);
        let mut t = small_time(u)?;
        for i in 0..n {
            let mut s = sentence_at(u, t)?;
            // Ids count from 1 most of the time.
            s.sentence_id = match u.int_in_range(0..=7)? {
                0 => None,
                1 => Some(u.arbitrary()?),
                _ => Some(u64::from(i) + 1),
            };
            t = s.end_time + Millis(u64::from(u.arbitrary::<u16>()?));
            sentences.push(s);
        }
        let mut tr = Transcript::new(u.arbitrary()?, sentences);
        if u.ratio(1, 16)? {
            tr.text = text(u, &[])?;
        }
        if u.ratio(1, 8)? {
            tr.content_duration_in_milliseconds =
                if u.arbitrary()? { Some(time(u)?) } else { None };
        }
        extras(u, &mut tr.extra, keys::TRANSCRIPT)?;
        Ok(tr)
    }
}

impl<'a> Arbitrary<'a> for Sentence<'static> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let start = time(u)?;
        sentence_at(u, start)
    }
}

impl<'a> Arbitrary<'a> for Word<'static> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let begin = time(u)?;
        word_at(u, begin, None)
    }
}

/// A sentence whose words start at `t`, with optional speaker, sometimes without words or with
/// a text that does not match them.
fn sentence_at(u: &mut Unstructured<'_>, mut t: Millis) -> Result<Sentence<'static>> {
    let mut s = if u.ratio(1, 10)? {
        // SenseVoice-style: text and times, no words.
        let end = end_time(u, t)?;
        Sentence::from_text(t, end, text(u, TOKENS)?)
    } else {
        let n = u.int_in_range(1..=MAX_WORDS)?;
        let mut words: Vec<Word<'static>> = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let w = word_at(u, t, words.last())?;
            t = w.end_time.max(w.begin_time);
            if u.ratio(1, 4)? {
                t = t + Millis(u64::from(u.arbitrary::<u8>()?));
            }
            words.push(w);
        }
        let mut s = Sentence::new(words);
        s.end_time = s
            .words
            .iter()
            .map(|w| w.end_time)
            .max()
            .unwrap_or(s.end_time);
        if u.ratio(1, 16)? {
            s.text = text(u, &[])?;
        }
        if u.ratio(1, 16)? {
            s.begin_time = time(u)?;
            s.end_time = time(u)?;
        }
        s
    };
    s.speaker_id = match u.int_in_range(0..=4)? {
        0 => None,
        1 => Some(u.arbitrary()?),
        n => Some(i64::from(n) - 2),
    };
    extras(u, &mut s.extra, keys::SENTENCE)?;
    Ok(s)
}

/// A word starting at `begin`, sometimes glitched: it ends before it begins, has zero length,
/// or starts before the previous word ends.
fn word_at(
    u: &mut Unstructured<'_>,
    mut begin: Millis,
    prev: Option<&Word<'_>>,
) -> Result<Word<'static>> {
    if let Some(prev) = prev {
        if u.ratio(1, 16)? {
            begin = prev
                .end_time
                .saturating_sub(Millis(u64::from(u.arbitrary::<u8>()?)));
        }
    }
    let end = end_time(u, begin)?;
    let mut w = Word::new(begin, end, text(u, TOKENS)?, text(u, PUNCTUATION)?);
    extras(u, &mut w.extra, keys::WORD)?;
    Ok(w)
}

/// An end time for something starting at `begin`: mostly a realistic duration after it.
fn end_time(u: &mut Unstructured<'_>, begin: Millis) -> Result<Millis> {
    Ok(match u.int_in_range(0..=15)? {
        0 => begin.saturating_sub(Millis(u64::from(u.arbitrary::<u8>()?))),
        1 => begin,
        2 => time(u)?,
        _ => begin + Millis(u.int_in_range(40..=800)?),
    })
}

/// Any time, mostly small.
fn time(u: &mut Unstructured<'_>) -> Result<Millis> {
    Ok(Millis(match u.int_in_range(0..=7)? {
        0 => u.arbitrary()?,
        1 => u64::MAX - u64::from(u.arbitrary::<u16>()?),
        2 => u64::from(u.arbitrary::<u32>()?),
        _ => u64::from(u.arbitrary::<u16>()?) * 10,
    }))
}

/// A start time near the beginning of the audio, or anywhere now and then.
fn small_time(u: &mut Unstructured<'_>) -> Result<Millis> {
    if u.ratio(1, 16)? {
        time(u)
    } else {
        Ok(Millis(u64::from(u.arbitrary::<u16>()?)))
    }
}

/// A string: one of `common` most of the time, otherwise anything.
fn text(u: &mut Unstructured<'_>, common: &[&'static str]) -> Result<Cow<'static, str>> {
    if !common.is_empty() && !u.ratio(1, 8)? {
        return Ok(Cow::Borrowed(u.choose(common)?));
    }
    Ok(Cow::Owned(u.arbitrary::<String>()?))
}

/// Sometimes adds unknown input fields and enrichment with names that are not `known`.
fn extras(u: &mut Unstructured<'_>, extra: &mut Extra<'static>, known: &[&str]) -> Result<()> {
    if !u.ratio(1, 6)? {
        return Ok(());
    }
    for _ in 0..u.int_in_range(1..=3)? {
        let key: Cow<'static, str> = if u.ratio(1, 4)? {
            Cow::Owned(u.arbitrary::<String>()?)
        } else {
            Cow::Borrowed(u.choose(EXTRA_KEYS)?)
        };
        if known.contains(&key.as_ref()) || extra.get(&key).is_some() {
            continue;
        }
        let value = json_value(u, 3)?;
        if u.arbitrary()? {
            // As if it came with the input: kept as raw JSON.
            let raw = serde_json::value::to_raw_value(&value)
                .expect("OK because a Value without floats always serializes");
            extra.push_input(key, Cow::Owned(raw));
        } else {
            extra
                .insert(&key, value)
                .expect("OK because the key is neither known nor present");
        }
    }
    Ok(())
}

/// A JSON value without floats (their text does not always survive a round trip through
/// `serde_json::Value`), nested at most `depth` levels.
fn json_value(u: &mut Unstructured<'_>, depth: u32) -> Result<Value> {
    let kinds = if depth == 0 { 4 } else { 6 };
    Ok(match u.int_in_range(0..=kinds - 1)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => {
            if u.arbitrary()? {
                Value::from(u.arbitrary::<i64>()?)
            } else {
                Value::from(u.arbitrary::<u64>()?)
            }
        }
        3 => Value::String(u.arbitrary()?),
        4 => Value::Array(
            (0..u.int_in_range(0..=3)?)
                .map(|_| json_value(u, depth - 1))
                .collect::<Result<_>>()?,
        ),
        _ => Value::Object(
            (0..u.int_in_range(0..=3)?)
                .map(|_| Ok((u.arbitrary::<String>()?, json_value(u, depth - 1)?)))
                .collect::<Result<_>>()?,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic pseudo-random bytes.
    fn bytes(seed: u64, n: usize) -> Vec<u8> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 32) as u8
            })
            .collect()
    }

    #[test]
    fn documents_are_varied_and_round_trip() {
        let (mut words, mut glitches, mut extras, mut wordless) = (0, 0, 0, 0);
        for seed in 0..200 {
            let data = bytes(seed, 8192);
            let input = RoundtripInput::arbitrary(&mut Unstructured::new(&data)).unwrap();
            // Writes, parses back and compares content and values.
            crate::testing::fuzz::roundtrip(&data);
            for s in input.doc.transcripts.iter().flat_map(|t| &t.sentences) {
                words += s.words.len();
                glitches += s.words.iter().filter(|w| w.end_time < w.begin_time).count();
                extras += s.extra().len();
                wordless += usize::from(s.words.is_empty());
            }
        }
        assert!(words > 1000, "{words}");
        assert!(glitches > 10, "{glitches}");
        assert!(extras > 10, "{extras}");
        assert!(wordless > 10, "{wordless}");
    }

    #[test]
    fn empty_input_gives_a_document() {
        let doc = Transcription::arbitrary(&mut Unstructured::new(&[])).unwrap();
        assert!(Transcription::from_str(&doc.to_json()).is_ok());
    }
}
