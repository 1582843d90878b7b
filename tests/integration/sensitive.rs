//! The sensitive-word stage on real samples, its invariants as properties, and its CLI flags.

use std::borrow::Cow;

use asrpost::stages::sensitive::{Action, Entry, SensitiveWordFilter, SpecialWordFilter};
use asrpost::testing::strategy;
use asrpost::text::{char_count, concat_sentences, concat_words};
use asrpost::{Pipeline, Report, Stage, Transcription};
use proptest::prelude::*;

use super::util::read_example;

#[test]
fn real_sample_masks_across_words() {
    let json = read_example("paraformer-v2_transcription_result_24k.json");
    let mut doc = Transcription::from_str(&json).unwrap();
    let f = SensitiveWordFilter::builder()
        .mask_words(["软柿子", "狠角色"])
        .build()
        .unwrap();
    let report = Pipeline::builder().stage(f).build().run(&mut doc).unwrap();
    let t = &doc.transcripts[0];
    assert_eq!(
        t.text,
        "听好了，从今儿起，别再把自己当***捏，学着用***的路子火。"
    );
    let s = &t.sentences[0];
    assert_eq!(concat_words(&s.words), s.text);
    let events: Vec<_> = report.events().collect();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].text.as_deref(), Some("软柿子"));
    let (a, b) = events[0].words.unwrap();
    assert_eq!(b - a, 3);
    assert!(s.words[a..b].iter().all(|w| w.text == "*"));
    assert_eq!(events[0].begin, Some(s.words[a].begin_time));
    assert_eq!(events[0].end, Some(s.words[b - 1].end_time));
    // Everything else round-trips unchanged.
    let back: serde_json::Value = serde_json::from_str(&doc.to_json()).unwrap();
    let orig: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(back["properties"], orig["properties"]);
    assert_eq!(
        back["transcripts"][0]["sentences"][0]["words"][0],
        orig["transcripts"][0]["sentences"][0]["words"][0]
    );
}

#[test]
fn samples_without_hits_stay_borrowed_and_identical() {
    for name in [
        "paraformer-v2_hello_world_female2.json",
        "paraformer-v2_hello_world_male2.json",
    ] {
        let json = read_example(name);
        let mut doc = Transcription::from_str(&json).unwrap();
        let f = SensitiveWordFilter::mask(["ass", "测试", "赌博"]).unwrap();
        let mut report = Report::default();
        f.process(&mut doc, &mut report).unwrap();
        assert_eq!(report.counter("sensitive", "hits"), 0, "{name}");
        for s in doc.transcripts.iter().flat_map(|t| &t.sentences) {
            assert!(matches!(s.text, Cow::Borrowed(_)), "{name}");
        }
        assert_eq!(
            doc.to_json(),
            Transcription::from_str(&json).unwrap().to_json()
        );
    }
}

#[test]
fn hello_world_sample_whole_words() {
    let json = read_example("paraformer-v2_hello_world_male2.json");
    let mut doc = Transcription::from_str(&json).unwrap();
    // `world` as a whole word hits; `orld` and `hell` do not.
    let f = SensitiveWordFilter::mask(["WORLD", "orld", "hell"]).unwrap();
    f.process(&mut doc, &mut Report::default()).unwrap();
    assert!(doc.transcripts[0].text.starts_with("Hello *****, 这里"));
}

fn entries() -> impl Strategy<Value = Vec<Entry>> {
    let word = prop::sample::select(vec![
        "测试",
        "赌博",
        "一下",
        "额度",
        "我们",
        "好",
        "class",
        "ass",
        "hello world",
        "Think",
        "嗯",
        "这个项目",
        "um",
    ]);
    let action = prop::sample::select(vec![Action::Mask, Action::Remove, Action::Tag]);
    prop::collection::vec((word, action), 0..6).prop_map(|v| {
        let mut seen = std::collections::HashSet::new();
        v.into_iter()
            .filter(|(w, _)| seen.insert(w.to_lowercase()))
            .map(|(w, a)| Entry::new(w, a))
            .collect()
    })
}

fn masking(entries: &[Entry]) -> SensitiveWordFilter {
    SensitiveWordFilter::builder()
        .entries(
            entries
                .iter()
                .map(|e| Entry::new(e.word.clone(), Action::Mask)),
        )
        .parallel(false)
        .build()
        .expect("the strategy's entries are valid")
}

fn shape(doc: &Transcription<'_>) -> Vec<Vec<Vec<(usize, usize)>>> {
    doc.transcripts
        .iter()
        .map(|t| {
            t.sentences
                .iter()
                .map(|s| {
                    s.words
                        .iter()
                        .map(|w| (char_count(&w.text), char_count(&w.punctuation)))
                        .collect()
                })
                .collect()
        })
        .collect()
}

fn identities_hold(doc: &Transcription<'_>) -> bool {
    doc.transcripts.iter().all(|t| {
        t.text == concat_sentences(&t.sentences)
            && t.sentences
                .iter()
                .all(|s| s.words.is_empty() || s.text == concat_words(&s.words))
    })
}

proptest! {
    #[test]
    fn masking_keeps_characters_and_is_idempotent(doc in strategy::transcription(), entries in entries()) {
        let f = masking(&entries);
        let mut once = doc.clone();
        f.process(&mut once, &mut Report::default()).unwrap();
        prop_assert_eq!(shape(&once), shape(&doc));
        prop_assert!(identities_hold(&once));
        for (a, b) in once.transcripts.iter().zip(&doc.transcripts) {
            prop_assert_eq!(char_count(&a.text), char_count(&b.text));
            for (x, y) in a.sentences.iter().zip(&b.sentences) {
                for (v, w) in x.words.iter().zip(&y.words) {
                    prop_assert_eq!((v.begin_time, v.end_time), (w.begin_time, w.end_time));
                }
            }
        }
        let mut twice = once.clone();
        let mut report = Report::default();
        f.process(&mut twice, &mut report).unwrap();
        prop_assert_eq!(twice.to_json(), once.to_json());
        prop_assert_eq!(report.counter("sensitive", "hits"), 0);
    }

    #[test]
    fn any_action_keeps_identities_and_word_times(doc in strategy::transcription(), entries in entries(), skip in any::<bool>()) {
        let f = SensitiveWordFilter::builder()
            .entries(entries)
            .skip_separators_in_cjk(skip)
            .build()
            .unwrap();
        let mut out = doc.clone();
        let mut report = Report::default();
        f.process(&mut out, &mut report).unwrap();
        prop_assert!(identities_hold(&out));
        for (a, b) in out.transcripts.iter().zip(&doc.transcripts) {
            prop_assert_eq!(a.sentences.len(), b.sentences.len());
            for (x, y) in a.sentences.iter().zip(&b.sentences) {
                // Surviving words keep their times, in order.
                let mut orig = y.words.iter().map(|w| (w.begin_time, w.end_time));
                for w in &x.words {
                    let t = (w.begin_time, w.end_time);
                    prop_assert!(orig.any(|o| o == t));
                }
                if x.text == y.text {
                    prop_assert_eq!(x.words.len(), y.words.len());
                }
            }
        }
        for e in report.events() {
            let (a, b) = e.words.unwrap();
            prop_assert!(a < b);
            prop_assert!(e.begin <= e.end);
        }
    }

    #[test]
    fn glitchy_documents_never_panic(doc in strategy::glitchy_transcription(), entries in entries()) {
        let f = SensitiveWordFilter::builder().entries(entries).build().unwrap();
        let mut out = doc.clone();
        f.process(&mut out, &mut Report::default()).unwrap();
        for (a, b) in out.transcripts.iter().zip(&doc.transcripts) {
            for (x, y) in a.sentences.iter().zip(&b.sentences) {
                if !y.words.is_empty() && y.text == concat_words(&y.words) {
                    prop_assert_eq!(&x.text, &concat_words(&x.words));
                }
            }
        }
    }

    #[test]
    fn parallel_equals_sequential(docs in prop::collection::vec(strategy::transcription(), 1..3), entries in entries()) {
        // Enough words for the parallel path to split.
        let mut big = docs[0].clone();
        for d in &docs[1..] {
            if let (Some(t), Some(u)) = (big.transcripts.first_mut(), d.transcripts.first()) {
                t.sentences.extend(u.sentences.iter().cloned());
            }
        }
        if let Some(t) = big.transcripts.first_mut() {
            let copy = t.sentences.clone();
            // Tasks are split by word count (a word-less sentence counts as one).
            let words = |t: &asrpost::Transcript<'_>| -> usize {
                t.sentences.iter().map(|s| s.words.len().max(1)).sum()
            };
            while !copy.is_empty() && words(t) < 4096 {
                t.sentences.extend(copy.iter().cloned());
            }
            t.rebuild_text();
        }
        let run = |parallel: bool| {
            let f = SensitiveWordFilter::builder()
                .entries(entries.clone())
                .parallel(parallel)
                .build()
                .unwrap();
            let mut d = big.clone();
            let report = Pipeline::builder().stage(f).build().run(&mut d).unwrap();
            (d.to_json(), report)
        };
        prop_assert_eq!(run(true), run(false));
    }
}

#[test]
fn special_word_filter_doc_examples() {
    let swf = SpecialWordFilter::from_json(
        r#"{"filter_with_signed":{"word_list":["测试"]},
            "filter_with_empty":{"word_list":["开始","发生"]}}"#,
    )
    .unwrap();
    let f = SensitiveWordFilter::builder()
        .special_word_filter(&swf)
        .build()
        .unwrap();
    assert_eq!(f.filter_text("帮我测试一下这段代码"), "帮我**一下这段代码");
    assert_eq!(f.filter_text("比赛这就要开始了吗？"), "比赛这就要了吗？");
}

#[cfg(feature = "cli")]
mod cli {
    use std::process::Command;

    use super::super::util::example;

    #[test]
    fn flags_filter_and_report() {
        let dir = tempfile::tempdir().unwrap();
        let mask = dir.path().join("mask.txt");
        std::fs::write(&mask, "# comment\n软柿子\n").unwrap();
        let remove = dir.path().join("remove.json");
        std::fs::write(
            &remove,
            r#"{"entries":[{"word":"狠角色","tag":"demo"}],"allow":["好了"]}"#,
        )
        .unwrap();
        let report = dir.path().join("report.json");
        let out = Command::new(env!("CARGO_BIN_EXE_asrpost"))
            .arg("process")
            .arg(example("paraformer-v2_transcription_result_24k.json"))
            .args(["--to", "txt", "--mask-char", "#"])
            .arg("--mask-words")
            .arg(&mask)
            .arg("--remove-words")
            .arg(&remove)
            .args([
                "--special-word-filter",
                r#"{"filter_with_signed":{"word_list":["好"]}}"#,
            ])
            .arg("--report")
            .arg(&report)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8(out.stdout).unwrap().trim(),
            "听好了，从今儿起，别再把自己当###捏，学着用的路子火。"
        );
        let r: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
        let stage = &r["files"][0]["report"]["stages"][0];
        assert_eq!(stage["stage"], "sensitive");
        assert_eq!(stage["counters"]["hits"], 2);
        assert_eq!(stage["counters"]["allowed"], 1);
        let events = stage["events"].as_array().unwrap();
        assert_eq!(events[1]["kind"], "removed");
        assert_eq!(events[1]["text"], "狠角色");
        assert_eq!(events[1]["detail"]["tag"], "demo");
        assert!(events[1]["begin"].as_u64().unwrap() < events[1]["end"].as_u64().unwrap());
    }

    #[test]
    fn bad_lists_are_usage_errors() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, r#"[{"word":"x","action":"blur"}]"#).unwrap();
        for args in [
            vec!["--mask-words".to_string(), bad.display().to_string()],
            vec![
                "--special-word-filter".into(),
                "{\"filter_with_sign\":{}}".into(),
            ],
            vec!["--mask-char".into(), "#".into()],
            vec![
                "--special-word-filter".into(),
                format!("@{}", dir.path().join("missing.json").display()),
            ],
        ] {
            let out = Command::new(env!("CARGO_BIN_EXE_asrpost"))
                .arg("process")
                .arg(example("paraformer-v2_hello_world_male2.json"))
                .args(&args)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            assert!(!out.stderr.is_empty());
        }
    }
}
