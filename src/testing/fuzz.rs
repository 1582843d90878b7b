//! Bodies of the fuzz targets in `fuzz/`, shared with the test that runs them over the committed
//! seed corpus (`fuzz/seeds/<target>/`), so CI exercises them without a fuzzer.
//!
//! Each body panics only when an invariant breaks; bad input must give an `Err`, never a panic.

use ::arbitrary::{Arbitrary, Unstructured};
use serde_json::Value;

use super::arbitrary::RoundtripInput;
use crate::{Extra, ParseOptions, Transcription, WriteOptions};

/// `parse`: any bytes give a document or an error, through every parser.
pub fn parse(data: &[u8]) {
    let _ = Transcription::from_slice(data);
    let _ = ParseOptions::new()
        .max_depth(8)
        .max_bytes(4096)
        .parse_slice(data);
    let _ = crate::task::TaskResponse::from_slice(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::realtime::Event::from_str(text);
        let _ = crate::realtime::Assembler::new().push(text);
    }
}

/// `analytics`: any document gives statistics and a picture without panicking, with talk
/// times inside the call, shares summing to one and only finite numbers. Input starting with
/// `{` is a document analysed with the default options; otherwise the first six bytes set the
/// thresholds and the rest is the document.
pub fn analytics(data: &[u8]) {
    use crate::Millis;
    use crate::analytics::{AnalyticsOptions, SvgOptions};

    let mut options = AnalyticsOptions::new();
    let json = match data {
        [b'{', ..] => data,
        [a, b, c, d, e, f, rest @ ..] => {
            options
                .merge_gap(Millis(u64::from(*a) * 10))
                .silence_min(Millis(u64::from(*b) * 50))
                .min_overlap(Millis(u64::from(*c) * 10))
                .backchannel_max_duration(Millis(u64::from(*d) * 10))
                .backchannel_max_units(u64::from(*e % 8))
                .monologue_gap(Millis(u64::from(*f) * 20));
            rest
        }
        _ => return,
    };
    let Ok(doc) = Transcription::from_slice(json) else {
        return;
    };
    let analysis = options.analyze(&doc, None);
    let stats = &analysis.stats;
    let c = &stats.conversation;
    assert!(c.speech_ms <= c.duration_ms && c.overlap_ms <= c.speech_ms);
    let mut share = 0.0;
    for p in &stats.parties {
        assert!(p.talk_ms <= c.duration_ms, "talk past the call");
        share += p.share_of_talk;
        for v in [
            p.share_of_call,
            p.words_per_minute,
            p.characters_per_minute,
            p.fillers_per_minute,
            p.response_latency.mean_ms,
        ] {
            assert!(v.is_finite() && v >= 0.0);
        }
    }
    assert!(
        c.talk_ms == 0 || (share - 1.0).abs() < 1e-9,
        "shares sum to {share}"
    );
    let json = stats.to_json();
    assert!(serde_json::from_str::<crate::analytics::Stats>(&json).is_ok());
    let mut csv = String::new();
    for row in stats.rows("f") {
        row.write_csv(&mut csv);
    }
    let svg = analysis.timeline.to_svg(&SvgOptions::new());
    assert!(svg.ends_with("</svg>\n"));
}

/// `roundtrip`: writing is lossless and stable.
///
/// * When the bytes parse as a result, writing gives the same JSON value as the input, and
///   parsing and writing that again gives the same bytes, compact, pretty or ASCII-escaped.
/// * The bytes as an [`arbitrary`](mod@super::arbitrary) document: writing it (with arbitrary
///   [`WriteOptions`]) and parsing that gives back the same content.
pub fn roundtrip(data: &[u8]) {
    if let Ok(doc) = Transcription::from_slice(data) {
        let json = doc.to_json();
        let again = Transcription::from_str(&json).expect("written output parses");
        assert_eq!(again.to_json(), json, "write → parse → write is stable");
        same_content(&doc, &again);
        let input = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
        // serde_json refuses some input our raw unknown fields keep (numbers out of f64 range,
        // lone surrogates); there is no value to compare for those.
        if let Ok(value) = serde_json::from_slice::<Value>(input) {
            let written: Value = serde_json::from_str(&json).expect("written output is JSON");
            assert_eq!(written, value, "the written document is the input's value");
        }
        for opts in [
            WriteOptions::new().pretty(true),
            WriteOptions::new().escape_non_ascii(true),
        ] {
            let other = opts.to_string(&doc);
            let back = Transcription::from_str(&other).expect("written output parses");
            assert_eq!(back.to_json(), json, "{opts:?} output reads back the same");
        }
    }
    let mut u = Unstructured::new(data);
    if let Ok(RoundtripInput { doc, write }) = RoundtripInput::arbitrary(&mut u) {
        let json = write.to_string(&doc);
        let back = Transcription::from_str(&json).expect("a written document parses");
        same_content(&doc, &back);
        // Unknown fields are written back as they came, so escaped text in them stays escaped:
        // the bytes match for compact raw output, the values always.
        let (a, b) = (doc.to_json(), back.to_json());
        if write == WriteOptions::new() {
            assert_eq!(a, b, "write → parse → write is stable");
        }
        let a: Value = serde_json::from_str(&a).expect("written output is JSON");
        let b: Value = serde_json::from_str(&b).expect("written output is JSON");
        assert_eq!(a, b, "{write:?} output reads back the same value");
    }
}

/// Asserts that two documents hold the same values, ignoring whether fields were absent, `null`
/// or written at their defaults, and whether extra fields came with the input or were added.
fn same_content(a: &Transcription<'_>, b: &Transcription<'_>) {
    assert_eq!(a.file_url, b.file_url);
    same_extra(a.extra(), b.extra());
    let (p, q) = (&a.properties, &b.properties);
    assert_eq!(
        (&p.audio_format, &p.channels, p.original_sampling_rate),
        (&q.audio_format, &q.channels, q.original_sampling_rate)
    );
    assert_eq!(
        p.original_duration_in_milliseconds,
        q.original_duration_in_milliseconds
    );
    same_extra(p.extra(), q.extra());
    assert_eq!(a.transcripts.len(), b.transcripts.len());
    for (t, u) in a.transcripts.iter().zip(&b.transcripts) {
        assert_eq!(
            (t.channel_id, t.content_duration_in_milliseconds, &t.text),
            (u.channel_id, u.content_duration_in_milliseconds, &u.text)
        );
        same_extra(t.extra(), u.extra());
        assert_eq!(t.sentences.len(), u.sentences.len());
        for (s, r) in t.sentences.iter().zip(&u.sentences) {
            assert_eq!(
                (
                    s.begin_time,
                    s.end_time,
                    &s.text,
                    s.sentence_id,
                    s.speaker_id
                ),
                (
                    r.begin_time,
                    r.end_time,
                    &r.text,
                    r.sentence_id,
                    r.speaker_id
                )
            );
            same_extra(s.extra(), r.extra());
            assert_eq!(s.words.len(), r.words.len());
            for (w, v) in s.words.iter().zip(&r.words) {
                assert_eq!(
                    (w.begin_time, w.end_time, &w.text, &w.punctuation),
                    (v.begin_time, v.end_time, &v.text, &v.punctuation)
                );
                same_extra(w.extra(), v.extra());
            }
        }
    }
}

fn same_extra(a: &Extra<'_>, b: &Extra<'_>) {
    let keys = |e: &Extra<'_>| e.iter().map(|(k, _)| k.to_string()).collect::<Vec<_>>();
    assert_eq!(keys(a), keys(b));
    for (k, _) in a.iter() {
        assert_eq!(a.get_value(k), b.get_value(k), "extra field {k:?}");
    }
}
