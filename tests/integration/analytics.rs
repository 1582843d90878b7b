//! Conversation analytics on hand-built calls whose every figure is worked out here by hand,
//! plus property tests of the invariants.

use asrpost::analytics::{
    AnalyticsOptions, DurationSource, Interruption, Latency, PartyMode, PartyRow, Span, Stats,
    SvgOptions,
};
use asrpost::{
    Detail, Location, Millis, Report, ReportEvent, Sentence, Transcript, Transcription, Word,
};

/// A word from `(text, punctuation, begin, end)`.
fn w(text: &str, punct: &str, begin: u64, end: u64) -> Word<'static> {
    Word::new(
        Millis(begin),
        Millis(end),
        text.to_string(),
        punct.to_string(),
    )
}

fn sentence(words: Vec<Word<'static>>) -> Sentence<'static> {
    Sentence::new(words)
}

/// The agent's sentences (channel 0 of the stereo call).
fn agent() -> Vec<Sentence<'static>> {
    vec![
        // 0: spurt A1 [1000, 2500], 5 words, a question.
        sentence(vec![
            w("Hello ", "", 1000, 1400),
            w("how ", "", 1500, 1800),
            w("can ", "", 1800, 2000),
            w("I ", "", 2000, 2100),
            w("help", "? ", 2100, 2500),
        ]),
        // 1: spurt A2 [6000, 7600], 4 words.
        sentence(vec![
            w("Sure ", "", 6000, 6400),
            w("let ", "", 6500, 6800),
            w("me ", "", 6800, 7000),
            w("check", ". ", 7000, 7600),
        ]),
        // 2: spurt A3 [8000, 9300] (400 ms after A2: a new spurt, same monologue); `um` is a
        // filler, so 2 words.
        sentence(vec![
            w("um ", "", 8000, 8300),
            w("one ", "", 8400, 8700),
            w("moment", ". ", 8700, 9300),
        ]),
        // 3 and 4: one spurt A4 [14000, 17000] (100 ms between the sentences), 7 words.
        sentence(vec![
            w("Thanks ", "", 14000, 14400),
            w("for ", "", 14400, 14600),
            w("waiting", ". ", 14600, 15200),
        ]),
        sentence(vec![
            w("Your ", "", 15300, 15600),
            w("card ", "", 15600, 16000),
            w("is ", "", 16000, 16200),
            w("fixed", ". ", 16200, 17000),
        ]),
        // 5: spurt A5 [20000, 20500]: short, but nobody else is talking: a turn.
        sentence(vec![w("Bye", ".", 20000, 20500)]),
    ]
}

/// The customer's sentences (channel 1).
fn customer() -> Vec<Sentence<'static>> {
    vec![
        // 0: spurt C1 [3000, 4500], 4 words.
        sentence(vec![
            w("My ", "", 3000, 3200),
            w("card ", "", 3200, 3600),
            w("is ", "", 3600, 3800),
            w("blocked", ". ", 3800, 4500),
        ]),
        // 1: C2 [8500, 8800]: 300 ms inside the agent's longer A3: a backchannel.
        sentence(vec![w("mhm ", "", 8500, 8800)]),
        // 2: C3 [16000, 17800], 5 words, starts 1000 ms before A4 ends: an interruption.
        sentence(vec![
            w("Great ", "", 16000, 16400),
            w("thank ", "", 16400, 16700),
            w("you ", "", 16700, 17000),
            w("so ", "", 17000, 17200),
            w("much", "!", 17200, 17800),
        ]),
    ]
}

fn stereo_call() -> Transcription<'static> {
    let mut doc = Transcription::new(
        "call.wav",
        vec![Transcript::new(0, agent()), Transcript::new(1, customer())],
    );
    doc.properties.original_duration_in_milliseconds = Some(Millis(30_000));
    doc
}

/// The same call as a diarized mono file: one channel, speaker ids, sentences interleaved.
fn mono_call() -> Transcription<'static> {
    let mut sentences: Vec<Sentence<'static>> = agent()
        .into_iter()
        .map(|s| s.with_speaker(0))
        .chain(customer().into_iter().map(|s| s.with_speaker(1)))
        .collect();
    sentences.sort_by_key(|s| s.begin_time);
    let mut doc = Transcription::new("call.wav", vec![Transcript::new(0, sentences)]);
    doc.properties.original_duration_in_milliseconds = Some(Millis(30_000));
    doc
}

/// Two JSON values equal up to float parsing (serde_json's default float parser may be one
/// unit in the last place off).
fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x == y || (x - y).abs() <= 1e-12 * x.abs().max(y.abs()),
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// The statistics read back from their JSON equal them.
fn reads_back(stats: &Stats) -> bool {
    let json = stats.to_json();
    let back: Stats = serde_json::from_str(&json).unwrap();
    let a: serde_json::Value = serde_json::from_str(&json).unwrap();
    let b: serde_json::Value = serde_json::from_str(&back.to_json()).unwrap();
    same_json(&a, &b) && back.parties.len() == stats.parties.len()
}

fn approx(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

/// Every figure of the stereo call, worked out from the comments in `agent` and `customer`.
fn check_call(stats: &Stats, labels: [&str; 2]) {
    let c = &stats.conversation;
    assert_eq!(stats.schema_version, 1);
    assert_eq!((c.begin_ms, c.end_ms, c.duration_ms), (0, 30_000, 30_000));
    assert_eq!(c.duration_source, DurationSource::Audio);
    // Speech: [1000,2500] [3000,4500] [6000,7600] [8000,9300] [14000,17800] [20000,20500].
    assert_eq!(c.speech_ms, 1500 + 1500 + 1600 + 1300 + 3800 + 500);
    approx(c.speech_ratio, 10_200.0 / 30_000.0);
    // Overlap: the backchannel [8500,8800] and the interruption [16000,17000].
    assert_eq!(c.overlap_ms, 300 + 1000);
    assert_eq!(c.talk_ms, 7900 + 3600);
    assert_eq!(c.talk_ms, c.speech_ms + c.overlap_ms);
    assert_eq!((c.interruptions, c.interruptions_ms), (1, 1000));
    // Non-talk of 3 s or more: [9300,14000] and [20500,30000].
    assert_eq!(c.non_talk.count, 2);
    assert_eq!(c.non_talk.total_ms, 4700 + 9500);
    assert_eq!(c.non_talk.longest_ms, 9500);
    approx(c.non_talk.share_of_call, 14_200.0 / 30_000.0);
    assert_eq!(
        c.non_talk.instances,
        [Span::new(9300, 14_000), Span::new(20_500, 30_000)]
    );
    // Turns: agent [1000,2500], customer [3000,4500], agent [6000,17000] (A2 A3 A4: the
    // backchannel keeps the floor with the agent), customer [16000,17800], agent [20000,20500].
    assert_eq!((c.turns, c.switches, c.backchannels), (5, 4, 1));
    approx(c.switches_per_minute, 4.0 / 0.5);
    approx(c.switches_per_hour, 4.0 * 120.0);
    assert_eq!((c.questions, c.fillers), (1, 1));
    // Latency: 3000-2500, 6000-4500, (16000 < 17000: overlapped), 20000-17800.
    assert_eq!(
        c.response_latency,
        Latency {
            count: 3,
            mean_ms: 1400.0,
            median_ms: 1500,
            p90_ms: 2200,
            max_ms: 2200,
            overlapped: 1,
        }
    );

    let [a, b] = [&stats.parties[0], &stats.parties[1]];
    assert_eq!((a.party.as_str(), b.party.as_str()), (labels[0], labels[1]));
    // Agent: spurts 1500 + 1600 + 1300 + 3000 + 500.
    assert_eq!(a.talk_ms, 7900);
    approx(a.share_of_talk, 7900.0 / 11_500.0);
    approx(a.share_of_call, 7900.0 / 30_000.0);
    assert_eq!((a.words, a.characters), (5 + 4 + 2 + 7 + 1, 0));
    approx(a.words_per_minute, 19.0 * 60_000.0 / 7900.0);
    assert_eq!(a.characters_per_minute, 0.0);
    assert_eq!(
        (a.turns, a.backchannels, a.questions, a.fillers),
        (3, 0, 1, 1)
    );
    approx(a.fillers_per_minute, 60_000.0 / 7900.0);
    // A2 + A3 (400 ms pause, the customer's backchannel inside).
    assert_eq!(a.longest_monologue, Some(Span::new(6000, 9300)));
    assert!(a.interruptions.is_empty());
    assert_eq!(a.interrupted, 1);
    assert_eq!(
        a.response_latency,
        Latency {
            count: 2,
            mean_ms: 1850.0,
            median_ms: 1500,
            p90_ms: 2200,
            max_ms: 2200,
            overlapped: 0,
        }
    );
    // Customer: spurts 1500 + 300 + 1800.
    assert_eq!(b.talk_ms, 3600);
    approx(b.share_of_talk, 3600.0 / 11_500.0);
    approx(b.share_of_call, 3600.0 / 30_000.0);
    assert_eq!((b.words, b.characters), (4 + 1 + 5, 0));
    approx(b.words_per_minute, 10.0 * 60_000.0 / 3600.0);
    assert_eq!(
        (b.turns, b.backchannels, b.questions, b.fillers),
        (2, 1, 0, 0)
    );
    assert_eq!(b.longest_monologue, Some(Span::new(16_000, 17_800)));
    assert_eq!(
        b.interruptions,
        [Interruption {
            interrupted: labels[0].to_string(),
            begin_ms: 16_000,
            end_ms: 17_000,
            duration_ms: 1000,
        }]
    );
    assert_eq!(b.interrupted, 0);
    assert_eq!(
        b.response_latency,
        Latency {
            count: 1,
            mean_ms: 500.0,
            median_ms: 500,
            p90_ms: 500,
            max_ms: 500,
            overlapped: 1,
        }
    );
}

#[test]
fn stereo_call_by_hand() {
    let stats = Stats::compute(&stereo_call());
    assert_eq!(stats.conversation.party_mode, PartyMode::Channel);
    assert_eq!(stats.parties[1].channel, Some(1));
    assert_eq!(stats.parties[1].speaker, None);
    check_call(&stats, ["ch0", "ch1"]);
}

#[test]
fn diarized_mono_call_by_hand() {
    let stats = Stats::compute(&mono_call());
    assert_eq!(stats.conversation.party_mode, PartyMode::Speaker);
    assert_eq!(stats.parties[1].channel, None);
    assert_eq!(stats.parties[1].speaker, Some(1));
    check_call(&stats, ["spk0", "spk1"]);
}

#[test]
fn stereo_with_speakers_uses_both() {
    let mut doc = stereo_call();
    for (t, spk) in doc.transcripts.iter_mut().zip([7, 9]) {
        for s in &mut t.sentences {
            s.speaker_id = Some(spk);
        }
    }
    let stats = Stats::compute(&doc);
    assert_eq!(stats.conversation.party_mode, PartyMode::ChannelSpeaker);
    check_call(&stats, ["ch0-spk7", "ch1-spk9"]);
}

#[test]
fn thresholds_change_the_figures() {
    let doc = stereo_call();
    let mut options = AnalyticsOptions::new();
    // 5 s silences: only [20500, 30000].
    options.silence_min(Millis(5000));
    let stats = options.stats(&doc);
    assert_eq!(stats.conversation.non_talk.count, 1);
    assert_eq!(stats.thresholds.silence_min_ms, 5000);
    // A 1001 ms threshold drops the 1000 ms interruption.
    options.min_overlap(Millis(1001));
    assert_eq!(options.stats(&doc).conversation.interruptions, 0);
    // With a 300 ms monologue gap, the 400 ms pause ends the agent's monologue: the longest is
    // now A4 [14000, 17000].
    let mut options = AnalyticsOptions::new();
    options.monologue_gap(Millis(300));
    let stats = options.stats(&doc);
    assert_eq!(
        stats.parties[0].longest_monologue,
        Some(Span::new(14_000, 17_000))
    );
    // A 500 ms merge gap joins A2 and A3 into one spurt: the 400 ms pause becomes talk time.
    let mut options = AnalyticsOptions::new();
    options.merge_gap(Millis(500));
    assert_eq!(options.stats(&doc).parties[0].talk_ms, 7900 + 400);
    // Without the backchannel rules, `mhm` takes a turn and interrupts nobody (300 ms overlap,
    // but it starts inside A3: an interruption of 300 ms).
    let mut options = AnalyticsOptions::new();
    options
        .backchannel_max_duration(Millis(0))
        .backchannel_max_units(0)
        .backchannels(Vec::<String>::new());
    let stats = options.stats(&doc);
    assert_eq!(stats.conversation.backchannels, 0);
    assert_eq!(stats.conversation.turns, 7);
    assert_eq!(stats.conversation.interruptions, 2);
    // A custom filler list: `um` is no longer a filler, so it counts as a word.
    let mut options = AnalyticsOptions::new();
    options.fillers(["moment"]);
    let stats = options.stats(&doc);
    assert_eq!((stats.parties[0].fillers, stats.parties[0].words), (1, 19));
}

#[test]
fn chinese_counts_characters_without_fillers_and_punctuation() {
    // 呃，我想查一下额度。可以吗？ one character per word, as paraformer-v2 writes it.
    let chars = [
        ("呃", "，", 0, 200),
        ("我", "", 300, 500),
        ("想", "", 500, 700),
        ("查", "", 700, 900),
        ("一", "", 900, 1000),
        ("下", "", 1000, 1100),
        ("额", "", 1100, 1300),
        ("度", "。", 1300, 1500),
        ("可", "", 1600, 1800),
        ("以", "", 1800, 2000),
        ("吗", "？", 2000, 2200),
    ];
    let words = chars.iter().map(|&(t, p, b, e)| w(t, p, b, e)).collect();
    let doc = Transcription::new("zh.wav", vec![Transcript::new(0, vec![sentence(words)])]);
    let stats = Stats::compute(&doc);
    let c = &stats.conversation;
    // No stated duration: the span is the speech, first word to last.
    assert_eq!(c.duration_source, DurationSource::Speech);
    assert_eq!((c.begin_ms, c.end_ms), (0, 2200));
    assert_eq!(c.party_mode, PartyMode::Single);
    let p = &stats.parties[0];
    assert_eq!(p.party, "ch0");
    // All gaps are at most 100 ms: one spurt.
    assert_eq!(p.talk_ms, 2200);
    approx(p.share_of_talk, 1.0);
    approx(c.speech_ratio, 1.0);
    // 我想查一下额度 (7; 额 before 度 is not a filler) + 可以吗 (3); 呃 is a filler.
    assert_eq!(
        (p.words, p.characters, p.fillers, p.questions),
        (0, 10, 1, 1)
    );
    approx(p.characters_per_minute, 10.0 * 60_000.0 / 2200.0);
    assert_eq!((p.turns, c.switches, c.response_latency.count), (1, 0, 0));
    assert_eq!(p.longest_monologue, Some(Span::new(0, 2200)));
}

#[test]
fn sensitive_hits_come_from_the_report() {
    let doc = stereo_call();
    let mut report = Report::default();
    let stage = report.stage("sensitive");
    stage.event(
        ReportEvent::new("masked", Location::word(1, 2, 1))
            .detail(Detail::new().with("tags", serde_json::json!(["profanity", "insult"]))),
    );
    stage.event(
        ReportEvent::new("masked", Location::sentence(0, 4))
            .detail(Detail::new().with("tag", "pii")),
    );
    stage.event(ReportEvent::new("masked", Location::sentence(0, 5)));
    // Out of range: ignored.
    stage.event(ReportEvent::new("masked", Location::sentence(5, 0)));
    let stats = AnalyticsOptions::new().analyze(&doc, Some(&report)).stats;
    let (a, b) = (&stats.parties[0], &stats.parties[1]);
    assert_eq!(a.sensitive_hits, 2);
    assert_eq!(a.sensitive_hits_by_tag.get("pii"), Some(&1));
    assert_eq!(a.sensitive_hits_by_tag.get("untagged"), Some(&1));
    assert_eq!(b.sensitive_hits, 1);
    assert_eq!(b.sensitive_hits_by_tag.len(), 2);
    assert_eq!(stats.conversation.sensitive_hits, 3);
    assert_eq!(stats.conversation.sensitive_hits_by_tag.len(), 4);
    // Without a report: none.
    assert_eq!(Stats::compute(&doc).conversation.sensitive_hits, 0);
}

#[test]
fn json_schema_is_stable() {
    let stats = Stats::compute(&stereo_call());
    let v: serde_json::Value = serde_json::from_str(&stats.to_json()).unwrap();
    let keys =
        |v: &serde_json::Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(
        keys(&v),
        ["conversation", "parties", "schema_version", "thresholds"]
    );
    assert_eq!(
        keys(&v["thresholds"]),
        [
            "backchannel_max_ms",
            "backchannel_max_units",
            "merge_gap_ms",
            "min_overlap_ms",
            "monologue_gap_ms",
            "silence_min_ms"
        ]
    );
    assert_eq!(keys(&v["conversation"]).len(), 22);
    assert_eq!(keys(&v["parties"][0]).len(), 21);
    assert_eq!(v["conversation"]["party_mode"], "channel");
    assert_eq!(v["conversation"]["duration_source"], "audio");
    assert_eq!(v["parties"][0]["longest_monologue"]["duration_ms"], 3300);
    assert!(reads_back(&stats));
}

#[test]
fn rows_are_flat_and_csv_quotes() {
    let stats = Stats::compute(&stereo_call());
    let rows = stats.rows("dir/a,b.json");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].interruptions, 1);
    assert_eq!(rows[1].interruptions_ms, 1000);
    assert_eq!(rows[0].longest_monologue_ms, 3300);
    let mut csv = String::new();
    PartyRow::write_csv_header(&mut csv);
    for r in &rows {
        r.write_csv(&mut csv);
    }
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[1].starts_with("\"dir/a,b.json\",ch0,0,,30000,0.34,1300,1,2,14200,9500,5,8,"));
    // Every line has as many fields as the header (the quoted comma aside).
    let fields = PartyRow::COLUMNS.len();
    assert_eq!(lines[0].split(',').count(), fields);
    assert_eq!(lines[2].split(',').count(), fields + 1);
    // JSON lines carry the same columns in order.
    let json = serde_json::to_string(&rows[0]).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v.as_object().unwrap().len(), fields);
}

#[test]
fn timeline_marks_everything() {
    let analysis = AnalyticsOptions::new().analyze(&stereo_call(), None);
    let t = &analysis.timeline;
    assert_eq!(t.parties, ["ch0", "ch1"]);
    assert_eq!(t.turns.len(), 5);
    assert_eq!(t.backchannels.len(), 1);
    assert_eq!(t.spurts.len(), 5 + 2);
    assert_eq!(
        t.overlaps,
        [Span::new(8500, 8800), Span::new(16_000, 17_000)]
    );
    assert_eq!(t.interruptions.len(), 1);
    assert_eq!(t.silences.len(), 2);
    let svg = t.to_svg(SvgOptions::new().title("call <1>"));
    assert!(svg.contains("call &lt;1&gt;"));
    assert!(svg.contains("ch1 interrupts ch0 at 0:16 for 1.0 s"));
    assert!(svg.contains("silence 9.5 s"));
    // Well-formed XML as far as the tags go: every opened element is closed.
    let opened = svg.matches("<g>").count() + svg.matches("<g ").count();
    assert_eq!(opened, svg.matches("</g>").count());
}

#[test]
fn empty_and_degenerate_documents() {
    for json in [
        "{}",
        r#"{"transcripts":[]}"#,
        r#"{"transcripts":[{"channel_id":0,"sentences":[]}]}"#,
        r#"{"properties":{"original_duration_in_milliseconds":0},"transcripts":[{"sentences":[{"begin_time":500,"end_time":100,"text":"x"}]}]}"#,
        r#"{"properties":{"original_duration_in_milliseconds":100},"transcripts":[{"sentences":[{"begin_time":50,"end_time":99999,"text":"past the end"}]}]}"#,
    ] {
        let doc = Transcription::from_str(json).unwrap();
        let stats = Stats::compute(&doc);
        for p in &stats.parties {
            assert!(p.talk_ms <= stats.conversation.duration_ms, "{json}");
        }
        // Finite numbers only: the JSON reads back.
        assert!(reads_back(&stats), "{json}");
        let svg = AnalyticsOptions::new()
            .analyze(&doc, None)
            .timeline
            .to_svg(&SvgOptions::new());
        assert!(svg.ends_with("</svg>\n"));
    }
}

/// Property tests (the strategies come with feature `testing`).
#[cfg(feature = "testing")]
mod prop {
    use super::*;
    use proptest::prelude::*;

    /// The document with each channel's sentences in a shuffled order (a rotation and a reversal
    /// picked by `seed`).
    fn shuffled(doc: &Transcription<'static>, seed: usize) -> Transcription<'static> {
        let mut doc = doc.clone();
        for t in &mut doc.transcripts {
            let n = t.sentences.len();
            if n > 1 {
                t.sentences.rotate_left(seed % n);
                if seed % 2 == 1 {
                    t.sentences.reverse();
                }
            }
        }
        doc
    }

    proptest! {
        #[test]
        fn talk_times_fit_the_call(doc in asrpost::testing::strategy::transcription()) {
            let stats = Stats::compute(&doc);
            let c = &stats.conversation;
            for p in &stats.parties {
                prop_assert!(p.talk_ms <= c.duration_ms);
                prop_assert!(p.share_of_call <= 1.0 + 1e-9);
                if let Some(m) = p.longest_monologue {
                    prop_assert!(m.duration_ms <= c.duration_ms);
                }
            }
            prop_assert!(c.speech_ms <= c.duration_ms);
            prop_assert!(c.overlap_ms <= c.speech_ms);
            prop_assert!(c.non_talk.total_ms + c.speech_ms <= c.duration_ms);
            prop_assert_eq!(c.talk_ms, stats.parties.iter().map(|p| p.talk_ms).sum::<u64>());
        }

        #[test]
        fn shares_sum_to_one(doc in asrpost::testing::strategy::transcription()) {
            let stats = Stats::compute(&doc);
            let sum: f64 = stats.parties.iter().map(|p| p.share_of_talk).sum();
            if stats.conversation.talk_ms > 0 {
                prop_assert!((sum - 1.0).abs() < 1e-9, "sum {}", sum);
            } else {
                prop_assert_eq!(sum, 0.0);
            }
        }

        #[test]
        fn sentence_order_does_not_matter(
            doc in asrpost::testing::strategy::transcription(),
            seed in 0usize..1000,
        ) {
            let options = AnalyticsOptions::new();
            let a = options.analyze(&doc, None);
            let b = options.analyze(&shuffled(&doc, seed), None);
            prop_assert_eq!(a, b);
        }

        #[test]
        fn glitchy_documents_keep_the_invariants(
            doc in asrpost::testing::strategy::glitchy_transcription(),
        ) {
            let stats = Stats::compute(&doc);
            for p in &stats.parties {
                prop_assert!(p.talk_ms <= stats.conversation.duration_ms);
            }
            prop_assert!(reads_back(&stats));
        }
    }
}

/// `asrpost stats` end to end.
#[cfg(feature = "cli")]
mod cli {
    use std::process::{Command, Output, Stdio};

    fn asrpost(args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_asrpost"))
            .arg("stats")
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run asrpost")
    }

    fn seed(name: &str) -> String {
        super::super::util::root()
            .join("fuzz/seeds/analytics")
            .join(name)
            .to_str()
            .unwrap()
            .to_string()
    }

    fn out(o: &Output) -> String {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout.clone()).unwrap()
    }

    #[test]
    fn table() {
        let text = out(&asrpost(&[&seed("stereo_call.json")]));
        assert!(
            text.contains(
                "duration 0:30.0 (audio), speech 34.0 %, overlap 1.3 s, 1 interruptions (1.0 s)"
            ),
            "{text}"
        );
        assert!(
            text.contains("response latency: mean 1400 ms, median 1500 ms, p90 2200 ms"),
            "{text}"
        );
        let ch1 = text
            .lines()
            .find(|l| l.trim_start().starts_with("ch1"))
            .unwrap();
        let cells: Vec<&str> = ch1.split_whitespace().collect();
        // party talk %talk %call words chars wpm cpm turns bc ...
        assert_eq!(
            &cells[..10],
            [
                "ch1", "0:03.6", "31.3", "12.0", "10", "0", "167", "0", "2", "1"
            ]
        );
    }

    #[test]
    fn json_and_thresholds() {
        let o = asrpost(&[&seed("stereo_call.json"), "--json", "--silence-min", "5000"]);
        let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["thresholds"]["silence_min_ms"], 5000);
        assert_eq!(v["conversation"]["non_talk"]["count"], 1);
        assert_eq!(v["parties"][1]["interruptions"][0]["begin_ms"], 16000);
        let o = asrpost(&[
            &seed("stereo_call.json"),
            "--json",
            "--spurt-gap",
            "500",
            "--stats-fillers",
            "moment",
        ]);
        let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
        assert_eq!(v["parties"][0]["talk_ms"], 7900 + 400);
        assert_eq!(v["parties"][0]["fillers"], 1);
    }

    #[test]
    fn batch_csv_jsonl_and_pictures() {
        let dir = tempfile::tempdir().unwrap();
        let inputs = dir.path().join("in");
        std::fs::create_dir(&inputs).unwrap();
        for name in ["stereo_call.json", "mono_diarized.json"] {
            std::fs::copy(seed(name), inputs.join(name)).unwrap();
        }
        std::fs::write(inputs.join("broken.json"), "{\"transcripts\":[1]}").unwrap();
        let pictures = dir.path().join("svg");
        let o = asrpost(&[
            inputs.to_str().unwrap(),
            "--csv",
            "--svg",
            pictures.to_str().unwrap(),
        ]);
        // The broken file is reported and skipped; the rest are written.
        assert_eq!(o.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&o.stderr).contains("broken.json"));
        let csv = String::from_utf8(o.stdout).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 1 + 2 + 2, "{csv}");
        assert!(lines[0].starts_with("file,party,channel,speaker,"));
        assert!(
            lines[1].contains("mono_diarized.json,spk0,,0,30000,"),
            "{csv}"
        );
        assert!(lines[3].contains("stereo_call.json,ch0,0,,30000,"), "{csv}");
        for name in ["stereo_call.svg", "mono_diarized.svg"] {
            let svg = std::fs::read_to_string(pictures.join(name)).unwrap();
            assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>\n"));
        }

        let o = asrpost(&[
            &seed("stereo_call.json"),
            &seed("mono_diarized.json"),
            "--jsonl",
        ]);
        let text = out(&o);
        let rows: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[2]["party"], "spk0");
        assert_eq!(rows[1]["interruptions"], 1);

        let picture = dir.path().join("one.svg");
        out(&asrpost(&[
            &seed("stereo_call.json"),
            "--svg",
            picture.to_str().unwrap(),
        ]));
        assert!(
            std::fs::read_to_string(picture)
                .unwrap()
                .contains("ch1 interrupts ch0")
        );
    }

    #[test]
    fn formats_exclude_each_other() {
        let o = asrpost(&[&seed("stereo_call.json"), "--csv", "--json"]);
        assert_eq!(o.status.code(), Some(2));
    }
}

#[test]
fn sensitive_hits_from_the_sensitive_stage() {
    use asrpost::Pipeline;
    use asrpost::stages::sensitive::{Action, Entry, SensitiveWordFilter};

    let mut doc = stereo_call();
    let filter = SensitiveWordFilter::builder()
        .entry(Entry::new("card", Action::Mask).tag("finance"))
        .build()
        .unwrap();
    let report = Pipeline::builder()
        .stage(filter)
        .build()
        .run(&mut doc)
        .unwrap();
    let stats = AnalyticsOptions::new().analyze(&doc, Some(&report)).stats;
    // "Your card is fixed." (agent) and "My card is blocked." (customer).
    for p in &stats.parties {
        assert_eq!(p.sensitive_hits, 1, "{}", p.party);
        assert_eq!(p.sensitive_hits_by_tag.get("finance"), Some(&1));
    }
    // Masking keeps the words, so the other figures do not move.
    assert_eq!(stats.parties[0].words, 19);
}
