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

/// `client`: DashScope responses of any status and body go through every response parser of
/// [`crate::client::Protocol`] without a panic; successes only come from 2xx answers; errors
/// never show the API key; `Retry-After` parsing and request building take any text.
///
/// The first byte picks the HTTP status; the rest is the body (and, as text, a `Retry-After`
/// value, file URLs one per line, and a task id).
#[cfg(feature = "client")]
pub fn client(data: &[u8]) {
    use crate::client::{
        ApiKey, Config, HttpResponse, Protocol, TranscriptionRequest, api_error, parse_retry_after,
    };

    const KEY: &str = "sk-fuzz-secret-key";
    const STATUSES: [u16; 16] = [
        200, 201, 204, 301, 400, 401, 403, 404, 408, 429, 500, 502, 503, 504, 599, 100,
    ];
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let status = STATUSES[usize::from(first) % STATUSES.len()];
    let Ok(key) = ApiKey::new(KEY) else {
        return;
    };
    let protocol = Protocol::new(Config::new(key));
    let resp = HttpResponse::new(status, body.to_vec());
    let no_key = |e: &crate::client::Error| {
        if !data.windows(KEY.len()).any(|w| w == KEY.as_bytes()) {
            assert!(!e.to_string().contains(KEY));
            assert!(!format!("{e:?}").contains(KEY));
        }
    };
    let check = |ok: bool| assert!(!ok || resp.is_success(), "success from {status}");
    match protocol.parse_task(&resp) {
        Ok(_) => check(true),
        Err(e) => no_key(&e),
    }
    match protocol.parse_submit(&resp) {
        Ok(t) => {
            check(true);
            assert!(t.output.is_some_and(|o| !o.task_id.is_empty()));
        }
        Err(e) => no_key(&e),
    }
    match protocol.parse_list(&resp) {
        Ok(_) => check(true),
        Err(e) => no_key(&e),
    }
    match protocol.parse_upload_policy(&resp) {
        Ok(_) => check(true),
        Err(e) => no_key(&e),
    }
    match protocol.parse_result(&resp) {
        Ok(_) => check(true),
        Err(e) => no_key(&e),
    }
    no_key(&api_error(&resp));

    let text = String::from_utf8_lossy(body);
    let _ = parse_retry_after(&text, std::time::SystemTime::now());
    let urls: Vec<&str> = text.lines().take(120).collect();
    if let Ok(bytes) = TranscriptionRequest::new("paraformer-v2", urls.iter().copied()).to_body() {
        let v: serde_json::Value = serde_json::from_slice(&bytes).expect("a built body is JSON");
        assert_eq!(
            v["input"]["file_urls"].as_array().map(Vec::len),
            Some(urls.len())
        );
    }
    if let Ok(req) = protocol.query(urls.first().copied().unwrap_or("")) {
        assert!(!req.url.contains(['?', '#', ' ']) && !req.url.ends_with("/.."));
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

/// `disfluency`: the first byte picks the options (mode, level, backchannels, languages), the
/// rest is a result JSON; when it parses, the stage never panics, `off` leaves it
/// byte-identical, and the output keeps the text identities where the input had them. The rest
/// is also run as the text of a sentence without words.
pub fn disfluency(data: &[u8]) {
    use crate::stages::disfluency::{DisfluencyRemover, Language, Level, Mode};
    use crate::text::{sentence_matches_words, transcript_matches_sentences};
    use crate::{Millis, Report, Sentence, Stage, Transcript};

    let Some((&opts, rest)) = data.split_first() else {
        return;
    };
    let mode = [Mode::Off, Mode::Tag, Mode::Remove, Mode::Remove][usize::from(opts & 3)];
    let level = if opts & 4 == 0 {
        Level::Light
    } else {
        Level::Full
    };
    let languages: Vec<Language> = match opts >> 4 {
        0 => Language::ALL.to_vec(),
        n => Language::ALL
            .into_iter()
            .enumerate()
            .filter(|(i, _)| usize::from(n) & (1 << (i % 4)) != 0)
            .map(|(_, l)| l)
            .collect(),
    };
    let stage = DisfluencyRemover::builder()
        .mode(mode)
        .level(level)
        .backchannels(opts & 8 != 0)
        .languages(languages)
        .build()
        .expect("the fuzz options always name a language");
    if let Ok(mut doc) = Transcription::from_slice(rest) {
        let before = doc.to_json();
        let held: Vec<bool> = doc
            .transcripts
            .iter()
            .map(|t| {
                transcript_matches_sentences(t)
                    && t.sentences
                        .iter()
                        .all(|s| s.words.is_empty() || sentence_matches_words(s))
            })
            .collect();
        let mut report = Report::default();
        stage
            .process(&mut doc, &mut report)
            .expect("the stage does not fail");
        if mode == Mode::Off {
            assert_eq!(doc.to_json(), before, "off changed the document");
        }
        for (t, held) in doc.transcripts.iter().zip(held) {
            if held {
                assert!(transcript_matches_sentences(t), "transcript text identity");
                for s in &t.sentences {
                    assert!(
                        s.words.is_empty() || sentence_matches_words(s),
                        "sentence text identity"
                    );
                }
            }
        }
        let _ = report.to_json();
    }
    if let Ok(text) = std::str::from_utf8(rest) {
        let s = Sentence::from_text(Millis(0), Millis(1000), text);
        let mut doc = Transcription::new("", vec![Transcript::new(0, vec![s])]);
        let mut report = Report::default();
        stage
            .process(&mut doc, &mut report)
            .expect("the stage does not fail");
    }
}
