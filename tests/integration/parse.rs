//! Parsing and round trips on the real samples; malformed input gives clear errors.

use std::borrow::Cow;

use asrpost::task::{SubtaskStatus, TaskResponse, TaskStatus};
use asrpost::{ErrorKind, FindingKind, Millis, ParseOptions, Transcription, WriteOptions};
use serde_json::Value;

use super::util::{RESULT_SAMPLES, example, read_example};

fn value(json: &str) -> Value {
    serde_json::from_str(json.trim_start_matches('\u{feff}')).unwrap()
}

#[test]
fn every_real_sample_round_trips() {
    for name in RESULT_SAMPLES {
        let json = read_example(name);
        let doc = Transcription::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(value(&doc.to_json()), value(&json), "{name} compact");
        assert_eq!(value(&doc.to_json_pretty()), value(&json), "{name} pretty");
        let ascii = WriteOptions::new().escape_non_ascii(true).to_string(&doc);
        assert!(ascii.is_ascii());
        assert_eq!(value(&ascii), value(&json), "{name} ascii");
        assert!(doc.validate().is_empty(), "{name}: {:?}", doc.validate());
    }
}

#[test]
fn the_live_sample_is_written_back_byte_for_byte() {
    // The 24k sample is compact one-line JSON exactly as the service serves it.
    let json = read_example("paraformer-v2_transcription_result_24k.json");
    let doc = Transcription::from_str(&json).unwrap();
    assert_eq!(doc.to_json(), json.trim_end());
}

#[test]
fn sample_fields_are_read() {
    let json = read_example("paraformer-v2_transcription_result_24k.json");
    let doc = Transcription::from_str(&json).unwrap();
    assert_eq!(doc.properties.original_sampling_rate, Some(24000));
    assert_eq!(doc.duration(), Some(Millis(5680)));
    let t = &doc.transcripts[0];
    assert_eq!(t.content_duration_in_milliseconds, Some(Millis(5570)));
    assert_eq!(t.sentences[0].words.len(), 27);
    assert_eq!(t.sentences[0].words[6].text, "起");
    assert_eq!(t.sentences[0].words[6].punctuation, "，");
    assert_eq!(t.sentences[0].words[7].begin_time, Millis(1640));
    assert_eq!(doc.word_count(), 27);
}

#[test]
fn unescaped_strings_borrow_and_escaped_ones_own() {
    let json = r#"{"file_url":"plain.wav","transcripts":[{"text":"\u003c|Speech|\u003e你好","sentences":[
        {"begin_time":0,"end_time":1,"text":"你好","words":[{"begin_time":0,"end_time":1,"text":"say \"hi\"","punctuation":""}]}]}]}"#;
    let doc = Transcription::from_str(json).unwrap();
    assert!(matches!(doc.file_url, Cow::Borrowed("plain.wav")));
    let t = &doc.transcripts[0];
    assert!(matches!(&t.text, Cow::Owned(s) if s == "<|Speech|>你好"));
    assert!(matches!(t.sentences[0].text, Cow::Borrowed("你好")));
    assert!(matches!(&t.sentences[0].words[0].text, Cow::Owned(s) if s == "say \"hi\""));
    assert!(matches!(
        t.sentences[0].words[0].punctuation,
        Cow::Borrowed("")
    ));
    // The same from bytes, with a byte-order mark.
    let bytes = [b"\xEF\xBB\xBF".as_slice(), json.as_bytes()].concat();
    let doc = Transcription::from_slice(&bytes).unwrap();
    assert!(matches!(
        doc.transcripts[0].sentences[0].text,
        Cow::Borrowed("你好")
    ));
}

#[test]
fn unknown_fields_at_every_level_are_kept() {
    let json = r#"{"file_url":"a","model_version":"v9","properties":{"channels":[0],"lang":"zh"},
      "transcripts":[{"channel_id":0,"emotion":{"label":"happy","score":0.9},"text":"",
      "sentences":[{"begin_time":0,"end_time":10,"text":"","confidence":0.5,"words":[
      {"begin_time":0,"end_time":10,"text":"","punctuation":"","fixed":false,"speaker_id":null}]}]}]}"#;
    let doc = Transcription::from_str(json).unwrap();
    assert_eq!(value(&doc.to_json()), value(json));
    let word = &doc.transcripts[0].sentences[0].words[0];
    assert_eq!(word.extra().get_value("fixed"), Some(Value::Bool(false)));
    assert_eq!(doc.extra().len(), 1);
}

#[test]
fn missing_and_null_optional_fields_are_accepted() {
    let json = r#"{"transcripts":[{"sentences":[{"begin_time":5,"end_time":9,"text":"x","sentence_id":null,"speaker_id":null}]}],"properties":null}"#;
    let doc = Transcription::from_str(json).unwrap();
    let s = &doc.transcripts[0].sentences[0];
    assert_eq!((s.sentence_id, s.speaker_id), (None, None));
    assert!(s.words.is_empty());
    assert_eq!(value(&doc.to_json()), value(json));
}

/// Each malformed input gives an error of the expected kind whose message names the problem.
#[test]
fn malformed_inputs_give_clear_errors() {
    let deep = format!("{{\"a\":{}1{}}}", "[".repeat(5000), "]".repeat(5000));
    let over_u64 = r#"{"transcripts":[{"sentences":[{"begin_time":18446744073709551616}]}]}"#;
    let cases: Vec<(&str, &[u8], &str)> = vec![
        ("empty", b"", "EOF while parsing a value"),
        ("whitespace", b"  \n ", "EOF while parsing a value"),
        (
            "truncated",
            br#"{"transcripts":[{"sentences":[{"begin_ti"#,
            "EOF while parsing",
        ),
        ("null root", b"null", "expected a Paraformer result object"),
        (
            "array root",
            b"[1,2]",
            "expected a Paraformer result object",
        ),
        (
            "string root",
            b"\"x\"",
            "expected a Paraformer result object",
        ),
        (
            "wrong type",
            br#"{"transcripts":{"a":1}}"#,
            "expected a sequence",
        ),
        (
            "text as number",
            br#"{"transcripts":[{"text":5}]}"#,
            "expected a string",
        ),
        (
            "negative time",
            br#"{"transcripts":[{"sentences":[{"begin_time":-1}]}]}"#,
            "expected u64",
        ),
        (
            "float time",
            br#"{"transcripts":[{"sentences":[{"end_time":1.5}]}]}"#,
            "expected u64",
        ),
        ("over u64", over_u64.as_bytes(), "expected u64"),
        (
            "channel too big",
            br#"{"transcripts":[{"channel_id":4294967296}]}"#,
            "expected u32",
        ),
        (
            "duplicate field",
            br#"{"file_url":"a","file_url":"b"}"#,
            "duplicate field `file_url`",
        ),
        ("trailing", br#"{} {}"#, "trailing characters"),
        ("bad escape", br#"{"file_url":"\x"}"#, "invalid escape"),
        (
            "lone surrogate",
            br#"{"file_url":"\ud800"}"#,
            "unexpected end of hex escape",
        ),
        (
            "invalid utf-8",
            b"{\"file_url\":\"\xff\"}",
            "invalid UTF-8 at byte 13",
        ),
        (
            "deep nesting",
            deep.as_bytes(),
            "nesting depth is over the limit of 64",
        ),
    ];
    for (name, input, expected) in cases {
        let err = Transcription::from_slice(input).expect_err(name);
        let text = err.to_string();
        assert!(
            text.contains(expected),
            "{name}: {text:?} lacks {expected:?}"
        );
        match err.kind() {
            ErrorKind::Json { position, .. } => {
                assert!(position.line >= 1, "{name}");
                assert_eq!(err.position(), Some(*position));
            }
            ErrorKind::Utf8 { offset, .. } => assert_eq!(*offset, 13, "{name}"),
            ErrorKind::LimitExceeded { .. } => {}
            other => panic!("{name}: unexpected kind {other:?}"),
        }
    }
}

#[test]
fn json_errors_carry_line_and_column() {
    let err =
        Transcription::from_str("{\n  \"transcripts\": [\n    {\"text\": 1}\n  ]\n}").unwrap_err();
    let pos = err.position().unwrap();
    assert_eq!((pos.line, pos.column), (3, 14));
    assert_eq!(
        err.message(),
        "invalid type: integer `1`, expected a string"
    );
}

#[test]
fn size_limit() {
    let json = read_example("paraformer-v2_hello_world_male2.json");
    let err = ParseOptions::new()
        .max_bytes(100)
        .parse_str(&json)
        .unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::LimitExceeded {
            what: "input size in bytes",
            limit: 100
        }
    ));
    assert!(
        ParseOptions::new()
            .max_bytes(json.len())
            .parse_str(&json)
            .is_ok()
    );
}

#[test]
fn validate_reports_content_problems_not_errors() {
    let json = r#"{"transcripts":[{"text":"ab","sentences":[{"begin_time":100,"end_time":50,"text":"a","words":[
        {"begin_time":100,"end_time":50,"text":"b","punctuation":""}]}]}]}"#;
    let doc = Transcription::from_str(json).unwrap();
    let kinds: Vec<FindingKind> = doc.validate().into_iter().map(|f| f.kind).collect();
    assert!(kinds.contains(&FindingKind::SentenceTextMismatch));
    assert!(kinds.contains(&FindingKind::TranscriptTextMismatch));
    assert!(kinds.contains(&FindingKind::EndBeforeBegin {
        begin: Millis(100),
        end: Millis(50)
    }));
}

#[test]
fn task_responses_parse() {
    let submit = TaskResponse::from_str(&read_example("task_submit_response.json")).unwrap();
    let out = submit.output.unwrap();
    assert_eq!(out.task_status, TaskStatus::Pending);
    assert!(!out.task_id.is_empty());

    let query = TaskResponse::from_str(&read_example("task_query_succeeded.json")).unwrap();
    let out = query.output.as_ref().unwrap();
    assert_eq!(out.task_status, TaskStatus::Succeeded);
    assert_eq!(out.end_time.as_deref(), Some("2025-09-25 01:37:38.450"));
    assert_eq!(out.results[0].subtask_status, SubtaskStatus::Succeeded);
    assert!(
        out.results[0]
            .transcription_url
            .as_deref()
            .unwrap()
            .starts_with("https://")
    );
    assert_eq!(out.task_metrics.unwrap().total, 1);
    assert_eq!(query.usage.unwrap().duration, Some(6));
    assert_eq!(query.error(), None);

    // The raw HTTP captures, several with a byte-order mark.
    let read = |name: &str| std::fs::read(example(&format!("http/{name}"))).unwrap();
    let running =
        TaskResponse::from_slice(&read("get-task-running-nosse.response.body.txt")).unwrap();
    let out = running.output.unwrap();
    assert_eq!(out.task_status, TaskStatus::Running);
    assert!(out.results.is_empty() && out.end_time.is_none());
    assert_eq!(out.task_metrics.unwrap().total, 4);
    let unknown =
        TaskResponse::from_slice(&read("get-task-unknown-nosse.response.body.txt")).unwrap();
    assert_eq!(unknown.output.unwrap().task_status, TaskStatus::Unknown);
    let auth = TaskResponse::from_slice(&read("auth-error-nosse.response.body.txt")).unwrap();
    assert_eq!(
        auth.error(),
        Some(("InvalidApiKey", "Invalid API-key provided."))
    );
    let param = TaskResponse::from_slice(&read("parameter-error-nosse.response.body.txt")).unwrap();
    assert_eq!(param.error().unwrap().0, "InvalidParameter");
    let cancel =
        TaskResponse::from_slice(&read("cancel-completed-task-nosse.response.body.txt")).unwrap();
    assert_eq!(cancel.error().unwrap().0, "UnsupportedOperation");
}

#[test]
fn realtime_partial_sample() {
    let mut asm = asrpost::realtime::Assembler::new();
    asm.push(&read_example("realtime_result_generated_partial.json"))
        .unwrap();
    assert_eq!(asm.partial().unwrap().text, "你好啊");
    // A partial is not final: the finished document has no sentence yet.
    assert!(asm.finish().transcripts[0].sentences.is_empty());
}

#[test]
fn into_owned_detaches() {
    let doc = {
        let json = read_example("paraformer-v2_hello_world_female2.json");
        Transcription::from_str(&json).unwrap().into_owned()
    };
    assert_eq!(doc.transcripts[0].sentences.len(), 1);
}
