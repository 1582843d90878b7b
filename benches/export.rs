//! Subtitle export: cue layout plus writing of a one-hour result, next to parsing the same
//! JSON. The figure that matters is the ratio to `parse` (the goal is at most 0.5).
//!
//! ```text
//! cargo bench --all-features --bench export -- --warm-up-time 1 --measurement-time 3
//! ```

use std::hint::black_box;

use asrpost::Transcription;
use asrpost::export::cues::CueBuilder;
use asrpost::export::{AssExporter, Exporter, SrtExporter, WebVttExporter};
use asrpost::testing::synthetic::{self, SyntheticOptions};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    // The synthetic one-hour meeting: mostly Chinese, some English, three speakers.
    let json = synthetic::generate(&SyntheticOptions {
        minutes: 60.0,
        seed: 1,
        ..Default::default()
    });
    let doc = Transcription::from_str(&json).expect("the generated JSON parses");
    let mut group = c.benchmark_group("export_1h");
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.sample_size(20);
    group.bench_function("parse", |b| {
        b.iter(|| Transcription::from_str(black_box(&json)).map(|d| d.word_count()))
    });
    let builder = CueBuilder::auto();
    group.bench_function("cues", |b| b.iter(|| builder.build(black_box(&doc)).len()));
    // The layout alone, without re-balancing the cues that read too fast.
    let speech_timed = CueBuilder::auto().rebalance(false);
    group.bench_function("cues_without_rebalance", |b| {
        b.iter(|| speech_timed.build(black_box(&doc)).len())
    });
    let exporters: [(&str, Box<dyn Exporter>); 3] = [
        ("srt", Box::new(SrtExporter::default())),
        ("vtt", Box::new(WebVttExporter::default())),
        ("ass", Box::new(AssExporter::default())),
    ];
    let mut out = String::new();
    for (name, exporter) in &exporters {
        group.bench_function(*name, |b| {
            b.iter(|| {
                out.clear();
                exporter.export(black_box(&doc), &mut out);
                out.len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
