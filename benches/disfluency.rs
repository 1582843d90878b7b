//! The disfluency stage next to a parse of the same input (the figure that matters is the
//! ratio), on the synthetic 1-hour result.

use std::hint::black_box;

use asrpost::stages::disfluency::{DisfluencyRemover, Level, Mode};
use asrpost::testing::synthetic::{self, SyntheticOptions};
use asrpost::{Report, Stage, Transcription};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn input() -> String {
    synthetic::generate(&SyntheticOptions {
        minutes: 60.0,
        seed: 1,
        ..Default::default()
    })
}

fn bench(c: &mut Criterion) {
    let json = input();
    let parsed = Transcription::from_str(&json).expect("the corpus parses");
    let mut g = c.benchmark_group("disfluency-1h");
    g.throughput(Throughput::Bytes(json.len() as u64));
    g.bench_function("parse", |b| {
        b.iter(|| Transcription::from_str(black_box(&json)).expect("parses"))
    });
    let stages = [
        (
            "off",
            DisfluencyRemover::builder()
                .mode(Mode::Off)
                .build()
                .expect("builds"),
        ),
        ("light", DisfluencyRemover::new()),
        (
            "full",
            DisfluencyRemover::builder()
                .level(Level::Full)
                .backchannels(true)
                .build()
                .expect("builds"),
        ),
        (
            "tag",
            DisfluencyRemover::builder()
                .mode(Mode::Tag)
                .level(Level::Full)
                .build()
                .expect("builds"),
        ),
    ];
    for (name, stage) in &stages {
        g.bench_function(*name, |b| {
            b.iter_batched_ref(
                || parsed.clone(),
                |doc| {
                    let mut r = Report::default();
                    stage.process(doc, &mut r).expect("runs");
                    r
                },
                criterion::BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
