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
        .fold_chinese_variants(flags & 64 != 0)
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

/// `timeline`: any parsable document aligns into a consistent timeline (DESIGN.md invariant 4),
/// a second alignment changes nothing, speaker turns cover every sentence once in time order,
/// and the transcript exporters do not panic.
///
/// The stages' options come from a hash of the input, so the fuzzer explores them while the
/// seeds stay plain result JSON.
///
/// # Panics
///
/// When an invariant breaks.
pub fn timeline(data: &[u8]) {
    use crate::export::Format;
    use crate::stages::align::{Drift, TimestampAligner};
    use crate::stages::turns::{self, SpeakerTurns, TurnOptions};
    use crate::{Millis, MillisDelta, Report, Stage};

    let mut doc = match Transcription::from_slice(data) {
        Ok(doc) => doc,
        Err(_) => timeline_doc(data),
    };
    let h = data.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let drift = match (h >> 8) % 4 {
        1 => Drift::factor(0.5 + ((h >> 12) % 2000) as f64 / 1000.0).ok(),
        2 => Drift::points(
            Millis((h >> 16) % 5000),
            Millis((h >> 24) % 5000),
            Millis((h >> 32) % 100_000),
            Millis((h >> 40) % 100_000),
        )
        .ok(),
        _ => None,
    };
    let offset = MillisDelta((h % 20_001) as i64 - 10_000);
    let aligner = TimestampAligner::new().offset(offset).drift(drift);
    let mut report = Report::default();
    aligner
        .process(&mut doc, &mut report)
        .expect("alignment never fails");
    check_timeline(&doc);
    let mut again = doc.clone();
    TimestampAligner::new()
        .process(&mut again, &mut report)
        .expect("alignment never fails");
    assert!(again == doc, "a second alignment changed the document");

    let options = TurnOptions::new()
        .merge_gap(Millis((h >> 48) % 4000))
        .max_length(((h >> 52) % 3 != 0).then_some(Millis((h >> 20) % 20_000)))
        .backchannels(h & 1 == 0);
    let list = turns::compute(&doc, &options);
    let mut seen = std::collections::HashSet::new();
    for (i, t) in list.iter().enumerate() {
        assert!(t.begin <= t.end, "turn {i} ends before it begins");
        if i > 0 {
            assert!(list[i - 1].begin <= t.begin, "turn {i} out of order");
        }
        for &s in &t.sentences {
            assert!(seen.insert((t.transcript, s)), "sentence in two turns");
        }
    }
    assert_eq!(seen.len(), doc.sentence_count(), "a sentence has no turn");
    if SpeakerTurns::new(options)
        .process(&mut doc, &mut report)
        .is_ok()
    {
        assert_eq!(turns::from_enrichment(&doc).as_ref(), Some(&list));
    }
    for format in [Format::Txt, Format::Md] {
        let _ = format.exporter().export_to_string(&doc);
    }
}

/// A document built from raw bytes, so that input which is not JSON still exercises the
/// timeline: each 4-byte record is a word (or, by a flag bit, a wordless sentence) with a
/// begin relative to the previous one (possibly earlier), a length (possibly negative) and
/// flags that start a new sentence, switch channel or speaker, or glitch the sentence bounds.
fn timeline_doc(data: &[u8]) -> Transcription<'static> {
    use crate::{Millis, Sentence, Transcript, Word};

    let mut channels: Vec<Vec<Sentence<'static>>> = vec![Vec::new(), Vec::new()];
    let mut channel = 0usize;
    let mut t: i64 = 0;
    let mut words: Vec<Word<'static>> = Vec::new();
    let mut speaker: Option<i64> = None;
    let ms = |v: i64| Millis(v.max(0) as u64);
    let flush = |words: &mut Vec<Word<'static>>,
                 sentences: &mut Vec<Sentence<'static>>,
                 speaker: Option<i64>| {
        if !words.is_empty() {
            let mut s = Sentence::new(std::mem::take(words));
            s.speaker_id = speaker;
            sentences.push(s);
        }
    };
    for rec in data.chunks_exact(4) {
        let (step, len, flags, text) = (rec[0] as i8, rec[1] as i8, rec[2], rec[3]);
        t += i64::from(step) * 10;
        let begin = ms(t);
        let end = ms(t + i64::from(len) * 10);
        let text = [
            "嗯", "对", "好", "hello ", "a", "", " ", "？", "我们", "mhm",
        ][text as usize % 10];
        if flags & 1 != 0 {
            flush(&mut words, &mut channels[channel], speaker);
            if flags & 2 != 0 {
                channel = 1 - channel;
            }
            speaker = (flags & 4 != 0).then_some(i64::from(flags >> 6));
        }
        if flags & 8 != 0 {
            flush(&mut words, &mut channels[channel], speaker);
            let mut s = Sentence::from_text(begin, end, text);
            s.speaker_id = speaker;
            channels[channel].push(s);
            continue;
        }
        words.push(Word::new(
            begin,
            end,
            text,
            if flags & 16 != 0 { "。" } else { "" },
        ));
        if flags & 32 != 0 {
            flush(&mut words, &mut channels[channel], speaker);
            if let Some(s) = channels[channel].last_mut() {
                s.begin_time = ms(t - i64::from(len) * 30);
            }
        }
    }
    flush(&mut words, &mut channels[channel], speaker);
    let transcripts: Vec<Transcript<'static>> = channels
        .into_iter()
        .enumerate()
        .filter(|(c, s)| *c == 0 || !s.is_empty())
        .map(|(c, s)| Transcript::new(c as u32, s))
        .collect();
    let mut doc = Transcription::new("fuzz.wav", transcripts);
    if data.len() % 3 == 0 {
        doc.properties.original_duration_in_milliseconds = Some(ms(t / 2));
    }
    doc
}

/// Panics unless the document's times satisfy DESIGN.md invariant 4.
pub fn check_timeline(doc: &Transcription<'_>) {
    use crate::FindingKind;
    for f in doc.validate() {
        assert!(
            matches!(
                f.kind,
                FindingKind::SentenceTextMismatch | FindingKind::TranscriptTextMismatch
            ),
            "timeline invariant broken: {f}"
        );
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

/// `subtitles`: arbitrary documents and layout options give valid cues and subtitle files.
///
/// The bytes are read as options (preset, characters and lines per cue, frame rate, speaker
/// labels, pause, CRLF, karaoke) and an [`arbitrary`](mod@super::arbitrary) document (or, when
/// they parse, as a result JSON). The cues must pass [`check_cues`], be the same when laid out
/// in parts of a few tokens on three threads, and the SRT and WebVTT written from them must
/// read back through [`qc`](crate::export::qc) with the same times.
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
    // Laid out in parts of a few tokens on three threads, the cues are the same.
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    let pool = POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .expect("a pool of three threads")
    });
    let task = 1 + usize::from(chars % 5);
    let parts = pool.install(|| builder.clone().task_tokens(task).build(doc));
    assert_eq!(parts, cues, "laid out in parts");
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
    let back = crate::export::qc::parse_ass(&ass).expect("our ASS parses");
    assert_eq!(back.len(), cues.len(), "cue count");
    for (c, s) in cues.iter().zip(&back) {
        // ASS counts centiseconds; the writer rounds down and never writes a zero length.
        let begin = c.begin.0 / 10 * 10;
        assert_eq!(
            (s.begin.0, s.end.0),
            (begin, (c.end.0 / 10 * 10).max(begin + 10))
        );
    }
}

/// `qc`: the subtitle checker reads any text without panicking.
///
/// The bytes are read as a preset choice and a text; the text goes through each reader
/// ([`parse_srt`](crate::export::qc::parse_srt), [`parse_vtt`](crate::export::qc::parse_vtt),
/// [`parse_ass`](crate::export::qc::parse_ass)) and whatever parses is checked against the
/// preset, with and without a tolerance.
pub fn qc(data: &[u8]) {
    use crate::export::cues::Preset;
    use crate::export::qc::{self, SubtitleFormat};

    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let names = Preset::NAMES;
    let preset = Preset::from_name(names[choice as usize % names.len()]).expect("a known name");
    let text = String::from_utf8_lossy(rest);
    for format in [
        SubtitleFormat::Srt,
        SubtitleFormat::WebVtt,
        SubtitleFormat::Ass,
    ] {
        if let Ok(subs) = format.parse(&text) {
            let strict = qc::check(&subs, &preset);
            let lenient = qc::check_within(&subs, &preset, format.tolerance());
            assert!(
                lenient.len() <= strict.len(),
                "a tolerance never adds violations"
            );
        }
    }
    let _ = qc::parse(&text);
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
