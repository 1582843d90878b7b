//! Conversation analytics on the synthetic 1-hour result, next to a parse of the same input.
//!
//! The figure that matters is the ratio `stats / parse` (issue 7: at most 0.2). Run with
//! `cargo bench --all-features --bench analytics -- --warm-up-time 1 --measurement-time 3`.

#![allow(clippy::unwrap_used)] // a benchmark: a failure should stop it loudly

use std::hint::black_box;

use asrpost::Transcription;
use asrpost::analytics::{AnalyticsOptions, SvgOptions};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// The 1-hour result: `ASRPOST_BENCH_INPUT` names a file, else the built-in generator.
fn input() -> String {
    match std::env::var_os("ASRPOST_BENCH_INPUT") {
        Some(path) => std::fs::read_to_string(path).unwrap(),
        None => panic!("set ASRPOST_BENCH_INPUT"),
    }
}

fn bench(c: &mut Criterion) {
    let json = input();
    let doc = Transcription::from_str(&json).unwrap();
    let options = AnalyticsOptions::new();
    let mut group = c.benchmark_group("analytics-1h");
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function("parse", |b| {
        b.iter(|| Transcription::from_str(black_box(&json)).unwrap())
    });
    group.bench_function("stats", |b| b.iter(|| options.stats(black_box(&doc))));
    group.bench_function("analyze+svg", |b| {
        b.iter(|| {
            options
                .analyze(black_box(&doc), None)
                .timeline
                .to_svg(&SvgOptions::new())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
