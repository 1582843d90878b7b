//! Post-processing for Alibaba Paraformer / DashScope speech-recognition results.
//!
//! The service returns one JSON result per audio file: channels, sentences with millisecond
//! timestamps and optional speaker ids, and words with their own timestamps and punctuation.
//! asrpost parses it into borrowed Rust data without losing a field, runs a pipeline of stages
//! over it, and exports what products need.
//!
//! # Overview
//!
//! * [`Transcription`]: the result, zero-copy ([`Transcription::from_str`],
//!   [`Transcription::from_slice`]) and lossless when written back ([`Transcription::to_json`]).
//!   [`Transcript`], [`Sentence`], [`Word`] are its parts; [`Transcription::validate`] lists
//!   content problems as [`Finding`]s.
//! * [`task`]: DashScope task responses (submit, query, errors); [`realtime`]: real-time events
//!   and an assembler of final sentences.
//! * [`Pipeline`] of [`Stage`]s, run on one document or a batch in parallel, with a [`Report`]
//!   of what each stage did. The stages, in their usual order:
//!   [`stages::sensitive::SensitiveWordFilter`] (masks or removes sensitive words, compatible
//!   with the service's `special_word_filter`), [`stages::disfluency::DisfluencyRemover`]
//!   (fillers and stutters in zh/en/ja/ko/de/fr/ru), [`stages::align::TimestampAligner`]
//!   (repairs and shifts the timeline) and [`stages::turns::SpeakerTurns`] (speaker turns,
//!   two-channel calls).
//! * [`export`]: enriched JSON, readable transcripts and broadcast-style SRT, WebVTT and ASS
//!   subtitles ([`export::cues::CueBuilder`] lays them out, [`export::qc`] checks them) behind one
//!   [`export::Exporter`] trait.
//! * [`analytics`]: conversation statistics ([`analytics::Stats`]: talk time, interruptions,
//!   silences, latency per party) as JSON, flat rows, and an SVG timeline.
//! * `client` (feature `client`): submit audio to DashScope, wait, and fetch each file's result
//!   as a [`Transcription`].
//! * [`Millis`]: integer milliseconds with exact SRT/WebVTT/ASS formatting.
//!
//! # Example
//!
//! ```
//! use asrpost::{Pipeline, Transcription, export::{Exporter, TextExporter}};
//!
//! let json = std::fs::read_to_string("examples/data/paraformer-v2_hello_world_male2.json")?;
//! let mut doc = Transcription::from_str(&json)?;
//! let report = Pipeline::builder().build().run(&mut doc)?;
//! assert!(report.stages.is_empty());
//! let text = TextExporter::default().times(true).export_to_string(&doc);
//! assert!(text.starts_with("[00:00:00.000] Hello world, 这里是阿里巴巴语音实验室。"));
//! // Nothing changed, so the JSON comes back as the same value.
//! let a: serde_json::Value = serde_json::from_str(&json)?;
//! let b: serde_json::Value = serde_json::from_str(&doc.to_json())?;
//! assert_eq!(a, b);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A full pipeline: mask, remove fillers, repair the timeline, find turns, then write
//! subtitles and compute statistics (`examples/tour.rs` prints each of them):
//!
//! ```
//! use asrpost::analytics::Stats;
//! use asrpost::export::{Exporter, SrtExporter};
//! use asrpost::stages::{align::TimestampAligner, disfluency::DisfluencyRemover};
//! use asrpost::stages::sensitive::SensitiveWordFilter;
//! use asrpost::stages::turns::{SpeakerTurns, TurnOptions};
//! use asrpost::{Pipeline, Transcription};
//!
//! let json = std::fs::read_to_string("examples/data/meeting_10min_3speakers.json")?;
//! let mut doc = Transcription::from_str(&json)?;
//! let pipeline = Pipeline::builder()
//!     .stage(SensitiveWordFilter::builder().mask_words(["测试"]).build()?)
//!     .stage(DisfluencyRemover::new())
//!     .stage(TimestampAligner::new())
//!     .stage(SpeakerTurns::new(TurnOptions::new()))
//!     .build();
//! let report = pipeline.run(&mut doc)?;
//! assert!(report.counter("disfluency", "removed-words") > 0);
//! assert!(doc.validate().is_empty());
//! let srt = SrtExporter::default().export_to_string(&doc);
//! assert!(srt.starts_with("1\n00:00:00,100 --> "));
//! let stats = Stats::compute(&doc);
//! assert_eq!(stats.parties.len(), 3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Crate features
//!
//! | feature | enables | default |
//! |---|---|---|
//! | `cli` | the `asrpost` command-line tool (clap, anyhow, indicatif; enables `client` for `asrpost transcribe`) | no |
//! | `client` | `client`: the DashScope recording-file recognition client (submit, wait, fetch, upload; ureq with rustls) | no |
//! | `testing` | [`testing`]: a synthetic result generator, proptest strategies and `arbitrary::Arbitrary` impls for downstream fuzz and property tests | no |

#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod analytics;
#[cfg(feature = "client")]
pub mod client;
mod error;
pub mod export;
mod model;
mod par;
pub mod stages;
mod time;

#[cfg(feature = "testing")]
pub mod testing;

pub use error::{Error, ErrorKind, Position, Result};
pub use model::{
    Extra, ExtraValue, Finding, FindingKind, Location, ParseOptions, Properties, Sentence,
    Transcript, Transcription, Word, WriteOptions, realtime, task, text,
};
pub use stages::{
    Detail, DetailValue, Pipeline, PipelineBuilder, Report, ReportEvent, Stage, StageReport,
};
pub use time::{FrameRate, Millis, MillisDelta, TimeRange};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
