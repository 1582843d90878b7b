//! Sensitive-word stage throughput on the synthetic 1-hour result, with 1k, 10k and 100k
//! entries, next to a parse of the same file; and the time to build a 100k-entry filter.
//!
//! Targets: the stage's time ≤ 0.3× the parse time (`sensitive/1h/parse`), single-threaded;
//! building 100k entries < 200 ms.
//!
//! ```text
//! cargo bench --all-features --bench sensitive -- --warm-up-time 1 --measurement-time 3
//! ```

use std::hint::black_box;

use asrpost::stages::sensitive::SensitiveWordFilter;
use asrpost::testing::synthetic::{self, SyntheticOptions};
use asrpost::{Report, Stage, Transcription};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

fn filter(words: &[String]) -> SensitiveWordFilter {
    // Sequential, so the ratio to the (single-threaded) parse is fair.
    SensitiveWordFilter::builder()
        .mask_words(words.iter().cloned())
        .parallel(false)
        .build()
        .expect("synthetic words are valid entries")
}

fn sensitive(c: &mut Criterion) {
    let json = synthetic::generate(&SyntheticOptions {
        minutes: 60.0,
        seed: 1,
        ..Default::default()
    });
    let doc = Transcription::from_str(&json).expect("synthetic results parse");
    let words = synthetic::sensitive_words(100_000);

    let mut group = c.benchmark_group("sensitive/1h");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function("parse", |b| {
        b.iter(|| Transcription::from_str(black_box(&json)).expect("parses"))
    });
    for n in [1_000, 10_000, 100_000] {
        let f = filter(&words[..n]);
        group.bench_function(format!("filter/{}k", n / 1000), |b| {
            b.iter_batched_ref(
                || doc.clone(),
                |d| {
                    let mut report = Report::default();
                    f.process(d, &mut report).expect("filters");
                    report
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();

    let mut group = c.benchmark_group("sensitive/build");
    group.sample_size(10);
    group.bench_function("100k", |b| {
        b.iter_with_large_drop(|| filter(black_box(&words)))
    });
    group.finish();
}

criterion_group!(benches, sensitive);
criterion_main!(benches);
