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

/// `subtitles`: arbitrary documents and layout options give valid cues and subtitle files.
///
/// The bytes are read as options (preset, characters and lines per cue, frame rate, speaker
/// labels, pause, CRLF, karaoke) and an [`arbitrary`](mod@super::arbitrary) document (or, when
/// they parse, as a result JSON). The cues must pass [`check_cues`], and the SRT and WebVTT
/// written from them must read back through [`qc`](crate::export::qc) with the same times.
pub fn subtitles(data: &[u8]) {
    use crate::export::cues::{CueBuilder, Preset, SpeakerLabels};
    use crate::export::{AssExporter, Exporter, SrtExporter, WebVttExporter};

    let mut u = Unstructured::new(data);
    let Ok((preset, chars, lines, fps, labels, pause, crlf, karaoke)) =
        <(u8, u8, u8, u8, u8, u16, bool, bool)>::arbitrary(&mut u)
    else {
        return;
    };
    let names = Preset::NAMES;
    let mut builder = match preset as usize % (names.len() + 1) {
        0 => CueBuilder::auto(),
        i => CueBuilder::new(Preset::from_name(names[i - 1]).expect("a known preset name")),
    };
    if chars % 4 != 0 {
        builder = builder.max_chars(u32::from(chars));
    }
    if lines % 3 != 0 {
        builder = builder.max_lines(u32::from(lines));
    }
    let rates = ["23.976", "24", "25", "29.97", "30", "1", "1000"];
    if let Some(rate) = crate::FrameRate::parse(rates[fps as usize % rates.len()]) {
        builder = builder.frame_rate(rate);
    }
    let labels = [
        SpeakerLabels::None,
        SpeakerLabels::Names,
        SpeakerLabels::Dashes,
    ][labels as usize % 3];
    builder = builder
        .speaker_labels(labels)
        .split_pause(crate::Millis(u64::from(pause)));
    let rest = u.take_rest();
    let parsed = Transcription::from_slice(rest).ok();
    let generated = if parsed.is_none() {
        Transcription::arbitrary(&mut Unstructured::new(rest)).ok()
    } else {
        None
    };
    let Some(doc) = parsed.as_ref().or(generated.as_ref()) else {
        return;
    };
    let cues = builder.build(doc);
    check_cues(&cues);
    let srt = SrtExporter::new(builder.clone()).crlf(crlf);
    let mut text = String::new();
    srt.write_cues(&cues, &mut text);
    let back = crate::export::qc::parse_srt(&text).expect("our SRT parses");
    same_times(&cues, &back);
    text.clear();
    WebVttExporter::new(builder.clone())
        .karaoke(karaoke)
        .write_cues(&cues, labels, &mut text);
    let back = crate::export::qc::parse_vtt(&text).expect("our WebVTT parses");
    same_times(&cues, &back);
    assert!(
        !text
            .lines()
            .skip(1)
            .any(|l| l.contains("-->") && l.matches("-->").count() > 1),
        "`-->` only in timing lines"
    );
    let ass = AssExporter::new(builder).export_to_string(doc);
    assert_eq!(
        ass.lines().filter(|l| l.starts_with("Dialogue:")).count(),
        cues.len()
    );
}

/// The invariants of a cue list: ordered, not overlapping, each with a positive duration and
/// non-empty, trimmed lines without line breaks.
///
/// # Panics
///
/// When one does not hold.
pub fn check_cues(cues: &[crate::export::cues::Cue]) {
    for (i, c) in cues.iter().enumerate() {
        assert!(c.end > c.begin, "cue {i} has no duration: {c:?}");
        assert!(!c.lines.is_empty(), "cue {i} has no lines");
        for l in &c.lines {
            assert!(!l.text.is_empty(), "cue {i} has an empty line");
            assert_eq!(l.text.trim(), l.text, "cue {i} line is not trimmed");
            assert!(
                !l.text.contains(['\n', '\r']),
                "cue {i} line has a line break"
            );
        }
        if i > 0 {
            assert!(
                cues[i - 1].end <= c.begin,
                "cue {i} overlaps the previous one: {:?} {c:?}",
                cues[i - 1]
            );
        }
    }
}

fn same_times(cues: &[crate::export::cues::Cue], subs: &[crate::export::qc::Subtitle]) {
    assert_eq!(cues.len(), subs.len(), "cue count");
    for (c, s) in cues.iter().zip(subs) {
        assert_eq!((c.begin, c.end), (s.begin, s.end));
    }
}
