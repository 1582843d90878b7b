//! Parse and write throughput on synthetic 1-minute, 1-hour and 12-hour results.
//!
//! Beside the lossless parse (`Transcription::from_str`) it measures `serde_json::Value` and the
//! floor: a minimal borrowed `derive(Deserialize)` struct of the same fields that drops unknown
//! fields and keeps no presence information. Targets: lossless parse at ≥ 0.85× the floor's
//! throughput and ≥ 3× `Value`'s.
//!
//! ```text
//! cargo bench --all-features --bench parse -- --warm-up-time 1 --measurement-time 3
//! ```

use std::borrow::Cow;
use std::hint::black_box;

use asrpost::Transcription;
use asrpost::testing::synthetic::{self, SyntheticOptions};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde::Deserialize;

/// The floor: the result's fields, borrowed, nothing else.
#[allow(dead_code)] // read only by the deserializer
mod floor {
    use super::*;

    #[derive(Deserialize)]
    pub(crate) struct Result<'a> {
        #[serde(borrow)]
        file_url: Cow<'a, str>,
        #[serde(borrow)]
        properties: Properties<'a>,
        #[serde(borrow)]
        transcripts: Vec<Transcript<'a>>,
    }

    #[derive(Deserialize)]
    struct Properties<'a> {
        #[serde(borrow)]
        audio_format: Cow<'a, str>,
        channels: Vec<u32>,
        original_sampling_rate: Option<u32>,
        original_duration_in_milliseconds: Option<u64>,
    }

    #[derive(Deserialize)]
    struct Transcript<'a> {
        channel_id: u32,
        content_duration_in_milliseconds: Option<u64>,
        #[serde(borrow)]
        text: Cow<'a, str>,
        #[serde(borrow)]
        sentences: Vec<Sentence<'a>>,
    }

    #[derive(Deserialize)]
    struct Sentence<'a> {
        begin_time: u64,
        end_time: u64,
        #[serde(borrow)]
        text: Cow<'a, str>,
        sentence_id: Option<u64>,
        speaker_id: Option<i64>,
        #[serde(borrow)]
        words: Vec<Word<'a>>,
    }

    #[derive(Deserialize)]
    struct Word<'a> {
        begin_time: u64,
        end_time: u64,
        #[serde(borrow)]
        text: Cow<'a, str>,
        #[serde(borrow)]
        punctuation: Cow<'a, str>,
    }
}

fn parse(c: &mut Criterion) {
    for (name, minutes, seed, samples) in [
        ("1min", 1.0, 7, 100),
        ("1h", 60.0, 1, 20),
        ("12h", 720.0, 12, 10),
    ] {
        let json = synthetic::generate(&SyntheticOptions {
            minutes,
            seed,
            ..Default::default()
        });
        let doc = Transcription::from_str(&json).expect("synthetic results parse");
        let mut group = c.benchmark_group(format!("parse/{name}"));
        group.sample_size(samples);
        group.throughput(Throughput::Bytes(json.len() as u64));
        group.bench_function("lossless", |b| {
            b.iter(|| Transcription::from_str(black_box(&json)).expect("parses"))
        });
        group.bench_function("floor", |b| {
            b.iter(|| serde_json::from_str::<floor::Result<'_>>(black_box(&json)).expect("parses"))
        });
        group.bench_function("value", |b| {
            b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&json)).expect("parses"))
        });
        group.bench_function("write", |b| b.iter(|| black_box(&doc).to_json()));
        group.finish();
    }
}

criterion_group!(benches, parse);
criterion_main!(benches);
