//! Timestamp alignment and speaker turns on a 1-hour result, next to a parse of the same
//! input: both stages together should take at most 0.2× the parse time.
//!
//! The inputs are the synthetic 1-hour results of [`synthetic::generate`] (seed 1): mono with
//! three diarized speakers, and a two-channel call; set `ASRPOST_BENCH_1H=path.json` to
//! measure another file instead.

use std::hint::black_box;

use asrpost::stages::align::TimestampAligner;
use asrpost::stages::turns::{SpeakerTurns, TurnOptions};
use asrpost::testing::synthetic::{self, SyntheticOptions};
use asrpost::{Pipeline, Transcription};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let inputs: Vec<(&str, String)> = match std::env::var("ASRPOST_BENCH_1H") {
        Ok(path) => vec![(
            "file",
            std::fs::read_to_string(&path).expect("ASRPOST_BENCH_1H names a readable file"),
        )],
        Err(_) => [("mono", 1, 3), ("call", 2, 2)]
            .into_iter()
            .map(|(name, channels, speakers)| {
                let json = synthetic::generate(&SyntheticOptions {
                    minutes: 60.0,
                    channels,
                    speakers,
                    seed: 1,
                    ..Default::default()
                });
                (name, json)
            })
            .collect(),
    };
    let align = Pipeline::builder().stage(TimestampAligner::new()).build();
    let turns = Pipeline::builder()
        .stage(SpeakerTurns::new(TurnOptions::new()))
        .build();
    let both = Pipeline::builder()
        .stage(TimestampAligner::new())
        .stage(SpeakerTurns::new(TurnOptions::new()))
        .build();
    for (name, json) in &inputs {
        let doc = Transcription::from_str(json).expect("the input parses");
        let mut g = c.benchmark_group(format!("timeline/1h-{name}"));
        g.throughput(Throughput::Bytes(json.len() as u64));
        g.bench_function("parse", |b| {
            b.iter(|| Transcription::from_str(black_box(json)).expect("parses"))
        });
        for (stage, pipeline) in [("align", &align), ("turns", &turns), ("align+turns", &both)] {
            g.bench_function(stage, |b| {
                b.iter_batched_ref(
                    || doc.clone(),
                    |d| pipeline.run(d).expect("runs"),
                    BatchSize::LargeInput,
                )
            });
        }
        // The library call the analytics and subtitle work reuse: turns without the
        // enrichment.
        let options = TurnOptions::new();
        g.bench_function("turns-compute", |b| {
            b.iter(|| asrpost::stages::turns::compute(black_box(&doc), &options))
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
