//! Timestamp alignment and speaker turns on a 1-hour result, next to a parse of the same
//! input: both stages together should take at most 0.2× the parse time.
//!
//! The input is a synthetic 1-hour diarized result shaped like `gen_corpus.py one --minutes
//! 60` (about 0.7 MB, 370 sentences, 8,000 words, rare timestamp glitches); set
//! `ASRPOST_BENCH_1H=path.json` to measure another file.

use std::hint::black_box;

use asrpost::stages::align::TimestampAligner;
use asrpost::stages::turns::{SpeakerTurns, TurnOptions};
use asrpost::{Millis, Pipeline, Sentence, Transcript, Transcription, Word};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

/// A deterministic 1-hour diarized result: two speakers taking turns with backchannels, one
/// or two Chinese characters per word, and one word in a thousand with a glitch.
fn synthetic_hour() -> String {
    const WORDS: &[&str] = &[
        "我们", "今天", "项目", "客户", "数据", "系统", "问题", "需要", "可以", "这个", "了", "是",
        "的", "好", "说", "看", "嗯", "啊", "额", "订单", "成本", "部分", "比较", "hello ",
        "data ", "call ",
    ];
    let mut seed: u64 = 1;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let mut t = 300u64;
    let mut sentences = Vec::new();
    let mut speaker = 0;
    while t < 3_600_000 - 20_000 {
        let backchannel = next(6) == 0;
        let n = if backchannel { 1 } else { 10 + next(25) };
        let mut words = Vec::new();
        for i in 0..n {
            let text = if backchannel {
                "嗯"
            } else {
                WORDS[next(WORDS.len() as u64) as usize]
            };
            let d = 180 + next(420);
            let punct = match (i + 1 == n, next(8)) {
                (true, _) => "。",
                (false, 0) => "，",
                _ => "",
            };
            let mut w = Word::new(Millis(t), Millis(t + d), text, punct);
            if next(1000) == 0 {
                w.end_time = Millis(t.saturating_sub(20));
            }
            words.push(w);
            t += d + if next(5) == 0 { 100 + next(200) } else { 0 };
        }
        let id = sentences.len() as u64 + 1;
        sentences.push(Sentence::new(words).with_id(id).with_speaker(speaker));
        if backchannel || next(3) != 0 {
            speaker = 1 - speaker;
        }
        t += 200 + next(2500);
    }
    let mut doc = Transcription::new(
        "https://example.com/1h.wav",
        vec![Transcript::new(0, sentences)],
    );
    doc.properties.audio_format = "pcm_s16le".into();
    doc.properties.channels = vec![0];
    doc.properties.original_sampling_rate = Some(16000);
    doc.properties.original_duration_in_milliseconds = Some(Millis(3_600_000));
    doc.to_json()
}

fn bench(c: &mut Criterion) {
    let json = match std::env::var("ASRPOST_BENCH_1H") {
        Ok(path) => std::fs::read_to_string(&path).expect("ASRPOST_BENCH_1H names a readable file"),
        Err(_) => synthetic_hour(),
    };
    let doc = Transcription::from_str(&json).expect("the input parses");
    let both = Pipeline::builder()
        .stage(TimestampAligner::new())
        .stage(SpeakerTurns::new(TurnOptions::new()))
        .build();
    let align = Pipeline::builder().stage(TimestampAligner::new()).build();
    let turns = Pipeline::builder()
        .stage(SpeakerTurns::new(TurnOptions::new()))
        .build();

    let mut g = c.benchmark_group("timeline-1h");
    g.throughput(Throughput::Bytes(json.len() as u64));
    g.bench_function("parse", |b| {
        b.iter(|| Transcription::from_str(black_box(&json)).expect("parses"))
    });
    for (name, pipeline) in [("align", &align), ("turns", &turns), ("align+turns", &both)] {
        g.bench_function(name, |b| {
            b.iter_batched_ref(
                || doc.clone(),
                |d| pipeline.run(d).expect("runs"),
                BatchSize::LargeInput,
            )
        });
    }
    // The library call the analytics and subtitle work reuse: turns without the enrichment.
    let options = TurnOptions::new();
    g.bench_function("turns-compute", |b| {
        b.iter(|| asrpost::stages::turns::compute(black_box(&doc), &options))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
