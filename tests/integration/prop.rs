//! Property tests of the model and the pipeline.

use asrpost::testing::strategy::{glitchy_transcription, transcription};
use asrpost::{Millis, Pipeline, Report, ReportEvent, Transcription, WriteOptions, stages};
use proptest::prelude::*;
use serde_json::Value;

/// A JSON value of the kind newer models add as unknown fields.
fn json_leaf() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        "[a-z\\u{4e00}-\\u{4e20}\"\\\\\\n<>]{0,6}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Inserts `value` under `key` into the `pick`-th object of `doc` (pre-order), unless the key is
/// already there.
fn insert_unknown(doc: &mut Value, pick: usize, key: &str, value: Value) {
    // Collect the JSON pointers of all objects, then insert through one of them.
    fn pointers(v: &Value, here: String, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                out.push(here.clone());
                for (k, c) in map {
                    pointers(
                        c,
                        format!("{here}/{}", k.replace('~', "~0").replace('/', "~1")),
                        out,
                    );
                }
            }
            Value::Array(items) => {
                for (i, c) in items.iter().enumerate() {
                    pointers(c, format!("{here}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    let target = &all[pick % all.len()];
    if let Some(Value::Object(map)) = doc.pointer_mut(target) {
        map.entry(key.to_string()).or_insert(value);
    }
}

proptest! {
    #[test]
    fn generated_documents_round_trip(doc in transcription()) {
        let json = doc.to_json();
        let back = Transcription::from_str(&json).unwrap();
        prop_assert_eq!(back.to_json(), json.clone());
        prop_assert!(doc.validate().is_empty(), "{:?}", doc.validate());
        let v: Value = serde_json::from_str(&json).unwrap();
        let pretty: Value = serde_json::from_str(&back.to_json_pretty()).unwrap();
        let ascii: Value = serde_json::from_str(&WriteOptions::new().escape_non_ascii(true).to_string(&back)).unwrap();
        prop_assert_eq!(&pretty, &v);
        prop_assert_eq!(&ascii, &v);
    }

    #[test]
    fn unknown_fields_anywhere_survive(
        doc in transcription(),
        extras in proptest::collection::vec((any::<usize>(), "[a-z_]{1,8}", json_leaf()), 1..6),
        drop_key in proptest::option::of(0usize..40),
    ) {
        let mut value: Value = serde_json::from_str(&doc.to_json()).unwrap();
        for (pick, key, leaf) in extras {
            insert_unknown(&mut value, pick, &key, leaf);
        }
        // Also drop a known field somewhere: absence must round-trip too.
        if let Some(n) = drop_key {
            let mut n = n;
            fn drop_nth(v: &mut Value, n: &mut usize) -> bool {
                match v {
                    Value::Object(map) => {
                        let keys: Vec<String> = map.keys().cloned().collect();
                        for k in keys {
                            if *n == 0 { map.remove(&k); return true; }
                            *n -= 1;
                            if drop_nth(map.get_mut(&k).unwrap(), n) { return true; }
                        }
                        false
                    }
                    Value::Array(items) => items.iter_mut().any(|i| drop_nth(i, n)),
                    _ => false,
                }
            }
            drop_nth(&mut value, &mut n);
        }
        let text = serde_json::to_string(&value).unwrap();
        let parsed = Transcription::from_str(&text).unwrap();
        // Compare with the text as serde_json reads it (its float parsing is not exact).
        let input: Value = serde_json::from_str(&text).unwrap();
        let back: Value = serde_json::from_str(&parsed.to_json()).unwrap();
        prop_assert_eq!(back, input);
    }

    #[test]
    fn glitchy_documents_round_trip(doc in glitchy_transcription()) {
        let json = doc.to_json();
        prop_assert_eq!(Transcription::from_str(&json).unwrap().to_json(), json);
    }

    #[test]
    fn batch_equals_sequential(docs in proptest::collection::vec(transcription(), 0..6)) {
        let pipeline = Pipeline::builder()
            .stage(stages::from_fn("mark-long", |doc, report| {
                let stage = report.stage("mark-long");
                stages::for_each_sentence(doc, stage, true, |loc, s, r| {
                    if s.words.len() > 5 {
                        s.words.truncate(5);
                        s.rebuild_text();
                        s.fit_bounds_to_words();
                        r.count("truncated", 1);
                        r.event(ReportEvent::new("truncated", loc).time(s.begin_time, s.end_time));
                    }
                });
                Ok(())
            }))
            .build();
        let jsons: Vec<String> = docs.iter().map(|d| d.to_json()).collect();
        let mut batch: Vec<Transcription<'_>> = jsons.iter().map(|j| Transcription::from_str(j).unwrap()).collect();
        let batch_reports: Vec<Report> = pipeline.run_batch(&mut batch).into_iter().map(|r| r.unwrap()).collect();
        for (i, json) in jsons.iter().enumerate() {
            let mut one = Transcription::from_str(json).unwrap();
            let report = pipeline.run(&mut one).unwrap();
            prop_assert_eq!(&report, &batch_reports[i]);
            prop_assert_eq!(one.to_json(), batch[i].to_json());
            prop_assert!(one.validate().is_empty(), "{:?}", one.validate());
        }
    }

    #[test]
    fn time_formats_are_fixed_width(ms in 0u64..360_000_000) {
        let t = Millis(ms);
        prop_assert_eq!(t.to_srt().len(), 12);
        prop_assert_eq!(t.to_vtt().len(), 12);
        // ASS hours have one digit below 10 hours and widen past it.
        prop_assert_eq!(t.to_ass().len(), if ms < 36_000_000 { 10 } else { 11 });
        let srt = t.to_srt();
        let secs: u64 = srt[6..8].parse().unwrap();
        let mins: u64 = srt[3..5].parse().unwrap();
        prop_assert!(secs < 60 && mins < 60);
        let back = srt[0..2].parse::<u64>().unwrap() * 3_600_000 + mins * 60_000 + secs * 1000 + srt[9..12].parse::<u64>().unwrap();
        prop_assert_eq!(back, ms);
    }
}
