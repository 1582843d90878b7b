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

/// `sensitive`: arbitrary word lists, options and transcripts never panic the sensitive-word
/// stage, and the text identities and the masking character count hold.
pub fn sensitive(data: &[u8]) {
    use crate::stages::sensitive::{
        Action, Entry, MatchMode, RemovedPunctuation, SensitiveWordFilter,
    };
    use crate::text::{char_count, concat_words};
    use crate::{Millis, Report, Sentence, Stage, Transcript, Word};

    let mut u = Unstructured::new(data);
    let flags: u8 = u.arbitrary().unwrap_or(0);
    let mask: char = if flags & 1 != 0 {
        u.arbitrary().unwrap_or('*')
    } else {
        '*'
    };
    let mut entries: Vec<Entry> = Vec::new();
    let mut allow: Vec<Entry> = Vec::new();
    let mut all_mask = true;
    for _ in 0..u.int_in_range(0..=8u8).unwrap_or(0) {
        let word: String = u.arbitrary().unwrap_or_default();
        let action = match u.int_in_range(0..=3u8).unwrap_or(0) {
            0 => Action::Mask,
            1 => Action::Remove,
            2 => Action::Replace(u.arbitrary().unwrap_or_default()),
            _ => Action::Tag,
        };
        all_mask &= action == Action::Mask;
        let mode = MatchMode::ALL[usize::from(u.int_in_range(0..=4u8).unwrap_or(0))];
        let entry = Entry::new(word, action).mode(mode);
        if u.ratio(1u8, 5).unwrap_or(false) {
            allow.push(entry);
        } else {
            entries.push(entry);
        }
    }
    let mut b = SensitiveWordFilter::builder();
    b.entries(entries.iter().cloned())
        .allow_entries(allow)
        .mask_char(mask)
        .case_insensitive(flags & 2 != 0)
        .fold_width(flags & 4 != 0)
        .skip_separators_in_cjk(flags & 8 != 0)
        .parallel(flags & 16 != 0)
        .removed_punctuation(if flags & 32 != 0 {
            RemovedPunctuation::Drop
        } else {
            RemovedPunctuation::Keep
        });
    let Ok(filter) = b.build() else {
        return;
    };

    // Sentences of words: arbitrary tokens, or the characters of an entry (one per word, as
    // paraformer-v2 writes Chinese), each with arbitrary punctuation.
    let mut sentences = Vec::new();
    let mut t = 0u64;
    for _ in 0..u.int_in_range(0..=4u8).unwrap_or(0) {
        let mut words = Vec::new();
        for _ in 0..u.int_in_range(0..=6u8).unwrap_or(0) {
            let punct: String = if u.ratio(1u8, 3).unwrap_or(false) {
                u.arbitrary().unwrap_or_default()
            } else {
                String::new()
            };
            let pick = u.choose_index(entries.len() + 1).unwrap_or(0);
            let tokens: Vec<String> = match entries.get(pick) {
                Some(e) => e.word.chars().map(String::from).collect(),
                None => vec![u.arbitrary().unwrap_or_default()],
            };
            let n = tokens.len();
            for (i, tok) in tokens.into_iter().enumerate() {
                let p = if i + 1 == n {
                    punct.clone()
                } else {
                    String::new()
                };
                words.push(Word::new(Millis(t), Millis(t + 10), tok, p));
                t += 10;
            }
        }
        if words.is_empty() {
            let text: String = u.arbitrary().unwrap_or_default();
            sentences.push(Sentence::from_text(Millis(t), Millis(t + 1), text));
        } else {
            sentences.push(Sentence::new(words));
        }
    }
    let doc = crate::Transcription::new("a.wav", vec![Transcript::new(0, sentences)]);
    let mut out = doc.clone();
    let mut report = Report::default();
    if filter.process(&mut out, &mut report).is_err() {
        return;
    }
    for (a, b) in out.transcripts.iter().zip(&doc.transcripts) {
        assert_eq!(a.text, crate::text::concat_sentences(&a.sentences));
        assert_eq!(a.sentences.len(), b.sentences.len());
        for (x, y) in a.sentences.iter().zip(&b.sentences) {
            if !x.words.is_empty() {
                assert_eq!(x.text, concat_words(&x.words), "sentence identity");
            }
            if all_mask && !mask.is_whitespace() {
                assert_eq!(
                    char_count(&x.text),
                    char_count(&y.text),
                    "mask keeps length"
                );
                assert_eq!(x.words.len(), y.words.len());
            }
        }
    }
    for e in report.events() {
        if let Some((a, b)) = e.words {
            assert!(a < b, "empty word range");
        }
    }
    for s in doc.transcripts.iter().flat_map(|t| &t.sentences) {
        let filtered = filter.filter_text(&s.text);
        if all_mask {
            assert_eq!(char_count(&filtered), char_count(&s.text));
        }
        for hit in filter.find(&s.text) {
            assert!(
                s.text.get(hit.range.clone()).is_some(),
                "hit on a char boundary"
            );
        }
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
///   parsing and writing that again gives the same bytes; pretty and ASCII-escaped output read
///   back to the same content.
/// * The bytes as an [`arbitrary`](mod@super::arbitrary) document: writing it (with arbitrary
///   [`WriteOptions`]) and parsing that gives back the same content.
pub fn roundtrip(data: &[u8]) {
    if let Ok(doc) = Transcription::from_slice(data) {
        let input = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
        // serde_json refuses some input our raw unknown fields keep (numbers out of f64 range,
        // lone surrogates); there is no value to compare for those.
        if let Ok(value) = serde_json::from_slice::<Value>(input) {
            let written: Value =
                serde_json::from_str(&doc.to_json()).expect("written output is JSON");
            assert_eq!(written, value, "the written document is the input's value");
        }
        for opts in [
            WriteOptions::new(),
            WriteOptions::new().pretty(true),
            WriteOptions::new().escape_non_ascii(true),
        ] {
            rewrite(&doc, opts);
        }
    }
    let mut u = Unstructured::new(data);
    if let Ok(RoundtripInput { doc, write }) = RoundtripInput::arbitrary(&mut u) {
        rewrite(&doc, write);
    }
}

/// Writes `doc` with `opts`, parses it back and checks nothing changed.
fn rewrite(doc: &Transcription<'_>, opts: WriteOptions) {
    let json = opts.to_string(doc);
    let back = Transcription::from_str(&json).expect("written output parses");
    same_content(doc, &back);
    let (a, b) = (doc.to_json(), back.to_json());
    // Unknown fields are written back as they came, while pretty and escaped output re-encode
    // them: the bytes match after compact output, the values always.
    if opts == WriteOptions::new() {
        assert_eq!(a, b, "write → parse → write is stable");
    }
    if let Ok(a) = serde_json::from_str::<Value>(&a) {
        let b: Value = serde_json::from_str(&b).expect("written output is JSON");
        assert_eq!(a, b, "{opts:?} output reads back the same value");
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
