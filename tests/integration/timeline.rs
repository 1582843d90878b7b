//! Timestamp alignment and speaker turns: glitch fixtures with their exact repairs, hand-built
//! conversations with their turns, and the timeline invariants as properties.

use asrpost::export::Format;
use asrpost::stages::align::{Drift, TimestampAligner};
use asrpost::stages::turns::{self, SpeakerTurns, Turn, TurnOptions};
use asrpost::testing::{fuzz::check_timeline, strategy};
use asrpost::{Millis, MillisDelta, Pipeline, Sentence, Transcript, Transcription, Word};
use proptest::prelude::*;

/// A channel from `"B-E: b-e b-e | B-E:"`: sentences with bounds and word times (each word
/// one character `字`).
fn channel(spec: &str) -> Vec<Sentence<'static>> {
    let range = |r: &str| -> (u64, u64) {
        let (b, e) = r.trim().split_once('-').expect("B-E");
        (b.parse().expect("begin"), e.parse().expect("end"))
    };
    spec.split('|')
        .enumerate()
        .map(|(i, s)| {
            let (bounds, words) = s.split_once(':').expect("B-E:");
            let words: Vec<Word<'static>> = words
                .split_whitespace()
                .map(|w| {
                    let (b, e) = range(w);
                    Word::new(Millis(b), Millis(e), "字", "")
                })
                .collect();
            let (b, e) = range(bounds);
            let mut s = if words.is_empty() {
                Sentence::from_text(Millis(b), Millis(e), "句")
            } else {
                Sentence::new(words)
            };
            s.begin_time = Millis(b);
            s.end_time = Millis(e);
            s.with_id(i as u64 + 1)
        })
        .collect()
}

/// The channel's times in the notation of [`channel`].
fn render(t: &Transcript<'_>) -> String {
    t.sentences
        .iter()
        .map(|s| {
            let mut out = format!("{}-{}:", s.begin_time.0, s.end_time.0);
            for w in &s.words {
                out.push_str(&format!(" {}-{}", w.begin_time.0, w.end_time.0));
            }
            out
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

fn one_channel(spec: &str, duration: Option<u64>) -> Transcription<'static> {
    let mut doc = Transcription::new("a.wav", vec![Transcript::new(0, channel(spec))]);
    doc.properties.original_duration_in_milliseconds = duration.map(Millis);
    doc
}

/// A glitch fixture: name, audio duration, input, repaired output, repair kinds reported.
type Fixture = (
    &'static str,
    Option<u64>,
    &'static str,
    &'static str,
    &'static [&'static str],
);

/// A turn in short: party, speaker, begin, end, text, sentence ids, backchannel, overlaps.
type TurnRow = (
    String,
    Option<i64>,
    u64,
    u64,
    String,
    Vec<u64>,
    bool,
    Vec<usize>,
);

#[test]
fn glitch_fixtures() {
    // (name, duration, input, repaired, repair kinds reported)
    let table: &[Fixture] = &[
        (
            "clean",
            Some(1000),
            "0-300: 0-100 100-300 | 400-500: 400-500",
            "0-300: 0-100 100-300 | 400-500: 400-500",
            &[],
        ),
        (
            "word end before begin",
            None,
            "0-300: 0-100 200-150 200-300",
            "0-300: 0-100 100-200 200-300",
            &["word-end-before-begin", "words-interpolated"],
        ),
        (
            "zero-length word in a gap",
            None,
            "0-400: 0-100 250-250 300-400",
            "0-400: 0-100 100-300 300-400",
            &["words-interpolated"],
        ),
        (
            "all words equal",
            None,
            "100-400: 100-100 100-100 100-100",
            "100-400: 100-200 200-300 300-400",
            &["words-degenerate", "words-interpolated"],
        ),
        (
            "absent word times",
            None,
            "1000-1600: 0-0 0-0",
            "1000-1600: 1000-1300 1300-1600",
            &["words-degenerate", "words-interpolated"],
        ),
        (
            "word starts before its predecessor",
            None,
            "0-300: 0-100 100-200 20-300",
            "0-300: 0-100 100-200 200-300",
            &["word-out-of-order", "words-interpolated"],
        ),
        (
            "word far outside its sentence",
            None,
            "0-300: 0-100 9000-9100 200-300",
            "0-300: 0-100 100-200 200-300",
            &["word-out-of-order", "words-interpolated"],
        ),
        (
            "word runs into the next",
            None,
            "0-300: 0-250 100-300",
            "0-300: 0-100 100-300",
            &["word-overlap"],
        ),
        (
            "sentence narrower than its words",
            None,
            "50-250: 0-100 100-300",
            "0-300: 0-100 100-300",
            &["sentence-fitted-to-words"],
        ),
        (
            "sentence ends before it begins",
            None,
            "500-100: 100-200 200-300",
            "100-300: 100-200 200-300",
            &["sentence-end-before-begin", "sentence-fitted-to-words"],
        ),
        (
            "words removed by an earlier stage",
            None,
            "0-900: 300-400 400-500",
            "300-500: 300-400 400-500",
            &["sentence-fitted-to-words"],
        ),
        (
            "past the audio's duration",
            Some(1000),
            "800-1500: 800-1200 1200-1500",
            "800-1000: 800-1000 1000-1000",
            &["past-duration"],
        ),
        (
            "previous sentence runs long",
            None,
            "0-900: 0-100 100-900 | 300-500: 300-400 400-500",
            "0-300: 0-100 100-300 | 300-500: 300-400 400-500",
            &["sentence-overlap"],
        ),
        (
            "next sentence starts early",
            None,
            "0-300: 0-100 100-200 200-300 | 50-500: 50-400 400-500",
            "0-300: 0-100 100-200 200-300 | 300-500: 300-400 400-500",
            &["sentence-overlap"],
        ),
        (
            "squashed word gets the room left",
            None,
            "0-300: 0-100 100-200 200-300 | 50-900: 50-80 600-900",
            "0-300: 0-100 100-200 200-300 | 300-900: 300-600 600-900",
            &["sentence-overlap", "words-interpolated"],
        ),
        (
            "wordless sentences",
            None,
            "0-500: | 400-300:",
            "0-400: | 400-400:",
            &["sentence-end-before-begin", "sentence-overlap"],
        ),
    ];
    for &(name, duration, input, want, kinds) in table {
        let mut doc = one_channel(input, duration);
        let report = Pipeline::builder()
            .stage(TimestampAligner::new())
            .build()
            .run(&mut doc)
            .unwrap();
        assert_eq!(render(&doc.transcripts[0]), want, "{name}");
        check_timeline(&doc);
        let mut got: Vec<&str> = report.events().map(|e| e.kind.as_ref()).collect();
        got.sort_unstable();
        got.dedup();
        assert_eq!(got, kinds, "{name}");
        for e in report.events() {
            assert_eq!(e.location.transcript, 0, "{name}");
            assert!(
                e.location.sentence.is_some(),
                "{name}: event without a sentence"
            );
        }
    }
}

#[test]
fn repairs_carry_locations() {
    let mut doc = one_channel("0-100: 0-100 | 200-400: 200-300 300-250", None);
    let report = Pipeline::builder()
        .stage(TimestampAligner::new())
        .build()
        .run(&mut doc)
        .unwrap();
    let e = report.events().next().unwrap();
    assert_eq!(e.kind, "word-end-before-begin");
    assert_eq!(e.location, asrpost::Location::word(0, 1, 1));
    assert_eq!((e.begin, e.end), (Some(Millis(300)), Some(Millis(250))));
    assert_eq!(report.counter("align", "word-end-before-begin"), 1);
}

#[test]
fn offset_and_drift() {
    let shift = |aligner: TimestampAligner| {
        let mut doc = one_channel("1000-2000: 1000-1500 1500-2000 | 3000-4000:", None);
        Pipeline::builder()
            .stage(aligner)
            .build()
            .run(&mut doc)
            .unwrap();
        render(&doc.transcripts[0])
    };
    assert_eq!(
        shift(TimestampAligner::new().offset(MillisDelta(-1200))),
        "0-800: 0-300 300-800 | 1800-2800:"
    );
    assert_eq!(
        shift(TimestampAligner::new().offset(MillisDelta(250))),
        "1250-2250: 1250-1750 1750-2250 | 3250-4250:"
    );
    assert_eq!(
        shift(TimestampAligner::new().drift(Some(Drift::factor(1.5).unwrap()))),
        "1500-3000: 1500-2250 2250-3000 | 4500-6000:"
    );
    // Two reference points: 1000 stays, 4000 becomes 4300 (a factor of 1.1 around 1000).
    let d = Drift::parse("1000:1000,4000:4300").unwrap();
    assert_eq!(
        shift(
            TimestampAligner::new()
                .drift(Some(d))
                .offset(MillisDelta(-1000))
        ),
        "0-1100: 0-550 550-1100 | 2200-3300:"
    );
}

/// A call: agent on channel 0, customer on channel 1, with a backchannel, an overlap and a
/// monologue pause.
fn call() -> Transcription<'static> {
    let s = |b: u64, e: u64, text: &'static str, id: u64| {
        Sentence::from_text(Millis(b), Millis(e), text).with_id(id)
    };
    let agent = vec![
        s(0, 2000, "您好，这里是客服中心。", 1),
        s(2600, 5000, "请问有什么可以帮您？", 2),
        s(9000, 11000, "好的，我帮您查一下。", 3),
        s(14000, 16000, "查到了，", 4),
        s(16500, 18000, "上个月是两百元。", 5),
    ];
    let customer = vec![
        s(2100, 2400, "嗯。", 1),
        s(5500, 8000, "我想查一下上个月的账单。", 2),
        s(8200, 9300, "是手机账单。", 3),
        s(16800, 17100, "对对。", 4),
        s(18500, 19500, "好的，谢谢。", 5),
    ];
    let mut doc = Transcription::new(
        "call.wav",
        vec![Transcript::new(0, agent), Transcript::new(1, customer)],
    );
    doc.properties.channels = vec![0, 1];
    doc.properties.original_duration_in_milliseconds = Some(Millis(20_000));
    doc
}

fn turn(
    party: &str,
    channel: u32,
    (begin, end): (u64, u64),
    text: &str,
    ids: &[u64],
    backchannel: bool,
    overlaps: &[usize],
) -> Turn {
    Turn {
        party: party.to_string(),
        channel,
        speaker: None,
        begin: Millis(begin),
        end: Millis(end),
        text: text.to_string(),
        sentence_ids: ids.to_vec(),
        transcript: channel as usize,
        sentences: ids.iter().map(|i| *i as usize - 1).collect(),
        backchannel,
        overlaps: overlaps.to_vec(),
    }
}

#[test]
fn two_channel_call() {
    let mut doc = call();
    let stage =
        SpeakerTurns::new(TurnOptions::new().party_names("0=Agent,1=Customer".parse().unwrap()));
    let report = Pipeline::builder()
        .stage(TimestampAligner::new())
        .stage(stage)
        .build()
        .run(&mut doc)
        .unwrap();
    let want = vec![
        turn(
            "Agent",
            0,
            (0, 5000),
            "您好，这里是客服中心。请问有什么可以帮您？",
            &[1, 2],
            false,
            &[1],
        ),
        turn("Customer", 1, (2100, 2400), "嗯。", &[1], true, &[0]),
        turn(
            "Customer",
            1,
            (5500, 9300),
            "我想查一下上个月的账单。是手机账单。",
            &[2, 3],
            false,
            &[3],
        ),
        turn(
            "Agent",
            0,
            (9000, 11000),
            "好的，我帮您查一下。",
            &[3],
            false,
            &[2],
        ),
        turn(
            "Agent",
            0,
            (14000, 18000),
            "查到了，上个月是两百元。",
            &[4, 5],
            false,
            &[5],
        ),
        turn("Customer", 1, (16800, 17100), "对对。", &[4], true, &[4]),
        turn(
            "Customer",
            1,
            (18500, 19500),
            "好的，谢谢。",
            &[5],
            false,
            &[],
        ),
    ];
    assert_eq!(turns::from_enrichment(&doc).unwrap(), want);
    assert_eq!(
        turns::compute(&call(), &TurnOptions::new()).len(),
        want.len()
    );
    assert_eq!(report.counter("turns", "turns"), 7);
    assert_eq!(report.counter("turns", "backchannels"), 2);
    // The enriched JSON keeps the input and adds `turns` at the top level.
    let json: serde_json::Value = serde_json::from_str(&doc.to_json()).unwrap();
    assert_eq!(json["turns"][2]["party"], "Customer");
    assert_eq!(json["turns"][2]["sentence_ids"], serde_json::json!([2, 3]));
    assert_eq!(json["turns"][1]["backchannel"], true);
    assert!(json["turns"][0].get("backchannel").is_none());

    let txt = Format::Txt.exporter().export_to_string(&doc);
    assert_eq!(
        txt,
        "Agent: 您好，这里是客服中心。请问有什么可以帮您？\n\nCustomer: 嗯。\n\n\
         Customer: 我想查一下上个月的账单。是手机账单。\n\nAgent: 好的，我帮您查一下。\n\n\
         Agent: 查到了，上个月是两百元。\n\nCustomer: 对对。\n\nCustomer: 好的，谢谢。\n"
    );
    let md = Format::Md.exporter().export_to_string(&doc);
    assert_eq!(
        md,
        "**Agent:** 您好，这里是客服中心。请问有什么可以帮您？\n\n\
         **Customer:** *(backchannel)* 嗯。\n\n\
         **Customer:** *(overlapping)* 我想查一下上个月的账单。是手机账单。\n\n\
         **Agent:** *(overlapping)* 好的，我帮您查一下。\n\n\
         **Agent:** 查到了，上个月是两百元。\n\n\
         **Customer:** *(backchannel)* 对对。\n\n\
         **Customer:** 好的，谢谢。\n"
    );

    // Without backchannels, every acknowledgement splits the agent's turn.
    let plain = turns::compute(&call(), &TurnOptions::new().backchannels(false));
    let parties: Vec<(u32, u64)> = plain.iter().map(|t| (t.channel, t.begin.0)).collect();
    assert_eq!(
        parties,
        [
            (0, 0),
            (1, 2100),
            (0, 2600),
            (1, 5500),
            (0, 9000),
            (0, 14000),
            (1, 16800)
        ]
    );
    assert_eq!(plain[6].text, "对对。好的，谢谢。");
    assert!(plain.iter().all(|t| !t.backchannel));
}

#[test]
fn diarized_mono_and_two_channels_with_speakers() {
    let s = |b: u64, e: u64, text: &'static str, sp: i64| {
        Sentence::from_text(Millis(b), Millis(e), text).with_speaker(sp)
    };
    // One channel, two diarized speakers; speaker 2 says one thing.
    let mono = Transcription::new(
        "m.wav",
        vec![Transcript::new(
            0,
            vec![
                s(0, 1000, "Hi there. ", 0).with_id(1),
                s(1200, 2000, "How are you? ", 0).with_id(2),
                s(2100, 2400, "Mhm. ", 1).with_id(3),
                s(2500, 4000, "Fine, thanks. ", 1).with_id(4),
                s(3900, 5000, "Hello! ", 2).with_id(5),
            ],
        )],
    );
    let got = turns::compute(
        &mono,
        &TurnOptions::new().party_names("0=Ann,1=Bob".parse().unwrap()),
    );
    let summary: Vec<TurnRow> = got
        .into_iter()
        .map(|t| {
            (
                t.party,
                t.speaker,
                t.begin.0,
                t.end.0,
                t.text,
                t.sentence_ids,
                t.backchannel,
                t.overlaps,
            )
        })
        .collect();
    let row = |p: &str, sp, b, e, t: &str, ids: &[u64], ov: &[usize]| {
        (
            p.to_string(),
            Some(sp),
            b,
            e,
            t.to_string(),
            ids.to_vec(),
            false,
            ov.to_vec(),
        )
    };
    // "Mhm." answers a question, so it is a reply, and it starts Bob's turn.
    assert_eq!(
        summary,
        [
            row("Ann", 0, 0, 2000, "Hi there. How are you?", &[1, 2], &[]),
            row("Bob", 1, 2100, 4000, "Mhm. Fine, thanks.", &[3, 4], &[2]),
            row("Speaker 2", 2, 3900, 5000, "Hello!", &[5], &[1]),
        ]
    );

    // Two channels, each diarized: a party is (channel, speaker).
    let doc = Transcription::new(
        "s.wav",
        vec![
            Transcript::new(0, vec![s(0, 1000, "a。", 0), s(1100, 2000, "b。", 1)]),
            Transcript::new(1, vec![s(2100, 3000, "c。", 0)]),
        ],
    );
    let got = turns::compute(
        &doc,
        &TurnOptions::new().party_names("1:0=Carol".parse().unwrap()),
    );
    let parties: Vec<(&str, u32, Option<i64>, &str)> = got
        .iter()
        .map(|t| (t.party.as_str(), t.channel, t.speaker, t.text.as_str()))
        .collect();
    assert_eq!(
        parties,
        [
            ("Channel 0, Speaker 0", 0, Some(0), "a。"),
            ("Channel 0, Speaker 1", 0, Some(1), "b。"),
            ("Carol", 1, Some(0), "c。"),
        ]
    );
    assert!(got.iter().all(|t| t.sentence_ids.is_empty()));
}

#[test]
fn turns_refuse_to_replace_input_turns() {
    let mut doc = Transcription::from_str(r#"{"turns":[],"transcripts":[]}"#).unwrap();
    let err = Pipeline::builder()
        .stage(SpeakerTurns::default())
        .build()
        .run(&mut doc)
        .unwrap_err();
    assert!(err.to_string().contains("turns"), "{err}");
}

#[test]
fn real_samples_are_clean() {
    for name in super::util::RESULT_SAMPLES {
        let json = super::util::read_example(name);
        let mut doc = Transcription::from_str(&json).unwrap();
        let report = Pipeline::builder()
            .stage(TimestampAligner::new())
            .build()
            .run(&mut doc)
            .unwrap();
        assert_eq!(
            doc.to_json(),
            Transcription::from_str(&json).unwrap().to_json(),
            "{name}"
        );
        assert!(report.events().next().is_none(), "{name}");
    }
}

#[cfg(feature = "cli")]
#[test]
fn cli_flags() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("call.json");
    std::fs::write(&input, call().to_json()).unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_asrpost"))
            .arg("process")
            .arg(&input)
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (code, out, _) = run(&[
        "--to",
        "txt",
        "--times",
        "--party-names",
        "0=Agent,1=Customer",
    ]);
    assert_eq!(code, Some(0));
    assert!(out.starts_with("[00:00:00.000] Agent: 您好，这里是客服中心。请问有什么可以帮您？\n\n[00:00:02.100] Customer: 嗯。\n"), "{out}");
    let (code, out, _) = run(&[
        "--to",
        "md",
        "--turns",
        "--max-turn",
        "0",
        "--merge-gap",
        "5000",
    ]);
    assert_eq!(code, Some(0));
    assert!(
        out.contains(
            "\n\n**Channel 0:** *(overlapping)* 好的，我帮您查一下。查到了，上个月是两百元。\n\n"
        ),
        "{out}"
    );
    let (code, out, _) = run(&["--offset", "-1000", "--drift", "0:0,10000:10000"]);
    assert_eq!(code, Some(0));
    let doc = Transcription::from_str(&out).unwrap();
    assert_eq!(doc.transcripts[1].sentences[0].begin_time, Millis(1100));
    let (code, _, err) = run(&["--drift", "0"]);
    assert_ne!(code, Some(0));
    assert!(err.contains("--drift"), "{err}");
    let (code, _, err) = run(&["--party-names", "Agent"]);
    assert_ne!(code, Some(0));
    assert!(err.contains("--party-names"), "{err}");
}

proptest! {
    /// DESIGN.md invariant 4 holds after alignment, whatever the glitches and shifts, and a
    /// second alignment changes nothing.
    #[test]
    fn alignment_gives_a_consistent_timeline(
        doc in strategy::glitchy_transcription(),
        offset in -5000i64..5000,
        factor in proptest::option::of(0.5f64..2.0),
    ) {
        let mut doc = doc;
        let aligner = TimestampAligner::new()
            .offset(MillisDelta(offset))
            .drift(factor.map(|f| Drift::factor(f).unwrap()));
        Pipeline::builder().stage(aligner).build().run(&mut doc).unwrap();
        check_timeline(&doc);
        let once = doc.to_json();
        Pipeline::builder().stage(TimestampAligner::new()).build().run(&mut doc).unwrap();
        prop_assert_eq!(doc.to_json(), once);
    }

    /// Aligning a clean document changes nothing, byte for byte, and reports nothing.
    #[test]
    fn clean_documents_are_unchanged(doc in strategy::transcription()) {
        let before = doc.to_json();
        let mut doc = doc;
        let report = Pipeline::builder().stage(TimestampAligner::new()).build().run(&mut doc).unwrap();
        prop_assert_eq!(doc.to_json(), before);
        prop_assert!(report.events().next().is_none());
    }

    /// Turns cover every sentence once, in time order, with consistent spans and overlaps.
    #[test]
    fn turns_cover_every_sentence(doc in strategy::glitchy_transcription(), gap in 0u64..4000, bc: bool) {
        let options = TurnOptions::new().merge_gap(Millis(gap)).backchannels(bc);
        let list = turns::compute(&doc, &options);
        let mut seen = std::collections::BTreeSet::new();
        for (i, t) in list.iter().enumerate() {
            prop_assert!(t.begin <= t.end);
            prop_assert!(i == 0 || list[i - 1].begin <= t.begin);
            for &s in &t.sentences {
                prop_assert!(seen.insert((t.transcript, s)));
            }
            for &o in &t.overlaps {
                prop_assert!(list[o].overlaps.contains(&i));
                prop_assert!(t.range().overlap(list[o].range()) > Millis::ZERO);
            }
        }
        prop_assert_eq!(seen.len(), doc.sentence_count());
    }
}
