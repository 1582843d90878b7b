//! Conversation analytics on the synthetic 1-hour result, next to a parse of the same input.
//!
//! The figure that matters is `stats / parse` (issue 7: at most 0.2), on a mono diarized
//! result and a stereo one. `analyze+svg` adds the timeline and its picture.
//!
//! ```text
//! cargo bench --all-features --bench analytics -- --warm-up-time 1 --measurement-time 3
//! ```

use std::hint::black_box;

use asrpost::Transcription;
use asrpost::analytics::{AnalyticsOptions, SvgOptions};
use asrpost::testing::synthetic::{self, SyntheticOptions};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    for (name, channels, seed) in [("1h", 1, 1), ("1h-stereo", 2, 2)] {
        let json = synthetic::generate(&SyntheticOptions {
            minutes: 60.0,
            channels,
            seed,
            ..Default::default()
        });
        let doc = Transcription::from_str(&json).expect("synthetic results parse");
        let options = AnalyticsOptions::new();
        let mut group = c.benchmark_group(format!("analytics/{name}"));
        group.sample_size(20);
        group.throughput(Throughput::Bytes(json.len() as u64));
        group.bench_function("parse", |b| {
            b.iter(|| Transcription::from_str(black_box(&json)).expect("parses"))
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
}

criterion_group!(benches, bench);
criterion_main!(benches);
