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
//!   of what each stage did.
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
pub mod stages;
mod time;

#[cfg(feature = "testing")]
pub mod testing;

pub use error::{Error, ErrorKind, Position, Result};
pub use model::{
    Extra, ExtraValue, Finding, FindingKind, Location, ParseOptions, Properties, Sentence,
    Transcript, Transcription, Word, WriteOptions, realtime, task, text,
};
pub use stages::{Pipeline, PipelineBuilder, Report, ReportEvent, Stage, StageReport};
pub use time::{FrameRate, Millis, MillisDelta, TimeRange};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
