//! A thin client for the DashScope recording-file recognition API (feature `client`).
//!
//! Users start from audio: submit file URLs (or upload local files), wait for the task, fetch
//! each file's result JSON as a [`Transcription`](crate::Transcription), then run the pipeline.
//!
//! * [`Protocol`]: the protocol without I/O. It builds each [`HttpRequest`] (method, URL,
//!   headers, body) and reads each [`HttpResponse`] into [`crate::task`] types or an [`Error`]
//!   with the service's code and message, so any HTTP stack can drive it.
//! * [`RetryPolicy`] and [`PollSchedule`]: which failures to retry and how long to sleep
//!   (capped exponential backoff with jitter, `Retry-After`; the official SDK's polling
//!   schedule).
//! * [`Client`]: the blocking client on ureq with rustls. Every call is bounded by timeouts,
//!   attempts and, for [`Client::wait`], an overall deadline.
//! * [`Config`]: the API key ([`ApiKey`], never printed), base URL or [`Region`], workspace, and
//!   every bound; [`Config::from_env`] reads `DASHSCOPE_API_KEY` like the SDK.
//!
//! # Example
//!
//! ```no_run
//! use asrpost::client::{Client, Config, Region, TranscriptionRequest};
//!
//! let client = Client::new(Config::from_env(Region::China)?);
//! let audio = client.upload("call.wav".as_ref(), "paraformer-v2")?; // an oss:// URL
//! let request = TranscriptionRequest::new("paraformer-v2", [audio]).diarization_enabled(true);
//! let (_task, files) = client.transcribe(&request, |_| eprint!("."))?;
//! for file in files {
//!     let doc = file.result?;
//!     println!("{}", doc.to_json());
//! }
//! # Ok::<(), asrpost::client::Error>(())
//! ```
//!
//! Results and task ids expire after 24 hours; uploads after 48 hours and only in the Beijing
//! region.

mod blocking;
mod config;
mod error;
mod protocol;
mod request;
mod retry;

pub use blocking::{Client, FileOutcome};
pub use config::{ApiKey, Config, Region};
pub use error::{Error, ErrorKind, Result};
pub use protocol::{
    HttpRequest, HttpResponse, Method, Protocol, RequestBody, RequestKind, TaskList, TaskSummary,
    UploadPolicy, api_error,
};
pub use request::{ListQuery, MAX_FILE_URLS, SpecialWordFilter, TranscriptionRequest};
pub use retry::{Failure, PollSchedule, RetryPolicy, parse_retry_after};
