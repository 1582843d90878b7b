//! Helpers for downstream fuzz and property-test harnesses (feature `testing`).
//!
//! * [`synthetic`]: a deterministic generator of realistic results of any length (mixed
//!   Chinese/English, several speakers, one or two channels, fillers, sensitive words, rare
//!   timestamp glitches), for benchmarks and end-to-end tests.
//! * [`strategy`]: proptest strategies for well-formed and glitchy documents.
//! * [`arbitrary`](mod@arbitrary): `arbitrary::Arbitrary` impls for the model, for
//!   coverage-guided fuzzers.
//! * [`fuzz`]: the bodies of the fuzz targets, for harnesses and seed-corpus tests.
//!
//! ```
//! use proptest::prelude::*;
//! use asrpost::testing::strategy;
//!
//! proptest!(|(doc in strategy::transcription())| {
//!     // Well-formed documents keep the text identities.
//!     let json = doc.to_json();
//!     let back = asrpost::Transcription::from_str(&json).unwrap();
//!     prop_assert_eq!(back.to_json(), json);
//! });
//! ```

pub mod arbitrary;
pub mod fuzz;
pub mod strategy;
pub mod synthetic;
