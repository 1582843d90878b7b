//! DashScope task responses: submit, query, cancel, and the error body.
//!
//! These are small, so they are owned; unknown fields are ignored. Status strings the service
//! may add later are kept as [`TaskStatus::Other`] rather than refused.
//!
//! # Example
//!
//! ```
//! use asrpost::task::{TaskResponse, TaskStatus, SubtaskStatus};
//!
//! let json = r#"{"request_id":"r1","output":{"task_id":"t1","task_status":"SUCCEEDED",
//!   "results":[{"file_url":"a.wav","transcription_url":"https://x/1.json","subtask_status":"SUCCEEDED"},
//!              {"file_url":"b.wav","subtask_status":"FAILED","code":"InvalidFile.DownloadFailed",
//!               "message":"The audio file cannot be downloaded."}],
//!   "task_metrics":{"TOTAL":2,"SUCCEEDED":1,"FAILED":1}},"usage":{"duration":6}}"#;
//! let r = TaskResponse::from_str(json)?;
//! let out = r.output.as_ref().unwrap();
//! assert_eq!(out.task_status, TaskStatus::Succeeded);
//! assert!(out.task_status.is_terminal());
//! assert_eq!(out.results[1].subtask_status, SubtaskStatus::Failed);
//! assert_eq!(out.task_metrics.as_ref().unwrap().failed, 1);
//! assert_eq!(r.usage.unwrap().duration, Some(6));
//! # Ok::<(), asrpost::Error>(())
//! ```

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ParseOptions;
use crate::error::Result;

/// The status of a task.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TaskStatus {
    /// Queued.
    Pending,
    /// Running.
    Running,
    /// Suspended (the SDK keeps polling).
    Suspended,
    /// Finished; at least one file succeeded (check each result).
    Succeeded,
    /// Finished; failed.
    Failed,
    /// Cancelled.
    Canceled,
    /// The service does not know the task id (or it expired after 24 h).
    Unknown,
    /// A status string this library does not know, kept as sent.
    Other(String),
}

impl TaskStatus {
    /// The status as the service writes it.
    pub fn as_str(&self) -> &str {
        match self {
            TaskStatus::Pending => "PENDING",
            TaskStatus::Running => "RUNNING",
            TaskStatus::Suspended => "SUSPENDED",
            TaskStatus::Succeeded => "SUCCEEDED",
            TaskStatus::Failed => "FAILED",
            TaskStatus::Canceled => "CANCELED",
            TaskStatus::Unknown => "UNKNOWN",
            TaskStatus::Other(s) => s,
        }
    }

    /// Parses a status string; unknown ones become [`TaskStatus::Other`].
    pub fn parse(s: &str) -> TaskStatus {
        match s {
            "PENDING" => TaskStatus::Pending,
            "RUNNING" => TaskStatus::Running,
            "SUSPENDED" => TaskStatus::Suspended,
            "SUCCEEDED" => TaskStatus::Succeeded,
            "FAILED" => TaskStatus::Failed,
            "CANCELED" => TaskStatus::Canceled,
            "UNKNOWN" => TaskStatus::Unknown,
            other => TaskStatus::Other(other.to_string()),
        }
    }

    /// Whether waiting is over: SUCCEEDED, FAILED, CANCELED or UNKNOWN (as the official SDK's
    /// `wait()` decides). Other strings are not terminal, so a waiter keeps polling until its
    /// deadline.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            TaskStatus::Succeeded | TaskStatus::Failed | TaskStatus::Canceled | TaskStatus::Unknown
        )
    }
}

/// The status of one file of a task.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SubtaskStatus {
    /// Queued.
    Pending,
    /// Running.
    Running,
    /// The file was transcribed.
    Succeeded,
    /// The file failed; see `code` and `message`.
    Failed,
    /// A status string this library does not know, kept as sent.
    Other(String),
}

impl SubtaskStatus {
    /// The status as the service writes it.
    pub fn as_str(&self) -> &str {
        match self {
            SubtaskStatus::Pending => "PENDING",
            SubtaskStatus::Running => "RUNNING",
            SubtaskStatus::Succeeded => "SUCCEEDED",
            SubtaskStatus::Failed => "FAILED",
            SubtaskStatus::Other(s) => s,
        }
    }

    /// Parses a status string; unknown ones become [`SubtaskStatus::Other`].
    pub fn parse(s: &str) -> SubtaskStatus {
        match s {
            "PENDING" => SubtaskStatus::Pending,
            "RUNNING" => SubtaskStatus::Running,
            "SUCCEEDED" => SubtaskStatus::Succeeded,
            "FAILED" => SubtaskStatus::Failed,
            other => SubtaskStatus::Other(other.to_string()),
        }
    }
}

macro_rules! string_enum_serde {
    ($ty:ident) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
                Ok($ty::parse(&s))
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl Default for $ty {
            fn default() -> Self {
                $ty::Other(String::new())
            }
        }
    };
}
string_enum_serde!(TaskStatus);
string_enum_serde!(SubtaskStatus);

/// A response of the task API: submit, query, cancel, or an error body.
///
/// Error bodies (`{"code","message","request_id"}`) parse too: `output` is then `None` and
/// [`TaskResponse::error`] gives the code and message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskResponse {
    /// The request id, for support tickets.
    #[serde(default)]
    pub request_id: Option<String>,
    /// The task, absent on errors.
    #[serde(default)]
    pub output: Option<TaskOutput>,
    /// Billing, once the task is finished.
    #[serde(default)]
    pub usage: Option<Usage>,
    /// Error code (`InvalidApiKey`, `InvalidParameter`, `UnsupportedOperation`…).
    #[serde(default)]
    pub code: Option<String>,
    /// Error message (the SDK also accepts `msg`).
    #[serde(default, alias = "msg")]
    pub message: Option<String>,
}

impl TaskResponse {
    /// Parses a response body (a byte-order mark is accepted).
    ///
    /// # Errors
    ///
    /// A JSON error with line and column.
    #[allow(clippy::should_implement_trait)] // mirrors `Transcription::from_str`
    pub fn from_str(json: &str) -> Result<TaskResponse> {
        ParseOptions::new().parse(json)
    }

    /// Parses a response body from bytes.
    ///
    /// # Errors
    ///
    /// A UTF-8 or JSON error.
    pub fn from_slice(json: &[u8]) -> Result<TaskResponse> {
        Self::from_str(super::parse::str_from_utf8(json)?)
    }

    /// The service's error code and message, when the body carries a non-empty code.
    /// (Successful answers carry `""` or `null`.)
    pub fn error(&self) -> Option<(&str, &str)> {
        let code = self
            .code
            .as_deref()
            .or_else(|| self.output.as_ref()?.code.as_deref())
            .filter(|c| !c.is_empty())?;
        let message = self
            .message
            .as_deref()
            .or_else(|| self.output.as_ref()?.message.as_deref())
            .unwrap_or("");
        Some((code, message))
    }
}

/// The `output` object of a task response.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskOutput {
    /// The task id.
    #[serde(default)]
    pub task_id: String,
    /// The status.
    #[serde(default)]
    pub task_status: TaskStatus,
    /// Submission time, `YYYY-MM-DD HH:MM:SS.mmm` in Beijing time (UTC+8) without a zone.
    #[serde(default)]
    pub submit_time: Option<String>,
    /// When the task was scheduled (same form).
    #[serde(default)]
    pub scheduled_time: Option<String>,
    /// When the task finished (same form); only on finished tasks.
    #[serde(default)]
    pub end_time: Option<String>,
    /// Per-file results, once finished.
    #[serde(default, deserialize_with = "null_as_default")]
    pub results: Vec<FileResult>,
    /// Counts of files by status.
    #[serde(default)]
    pub task_metrics: Option<TaskMetrics>,
    /// Error code of a failed task.
    #[serde(default)]
    pub code: Option<String>,
    /// Error message of a failed task.
    #[serde(default)]
    pub message: Option<String>,
}

/// The result for one file of a task.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileResult {
    /// The audio URL.
    #[serde(default)]
    pub file_url: String,
    /// Where to download the result JSON (valid for 24 h), when the file succeeded.
    #[serde(default)]
    pub transcription_url: Option<String>,
    /// The file's status.
    #[serde(default)]
    pub subtask_status: SubtaskStatus,
    /// Error code when the file failed (`InvalidFile.DownloadFailed`…).
    #[serde(default)]
    pub code: Option<String>,
    /// Error message when the file failed.
    #[serde(default)]
    pub message: Option<String>,
}

impl FileResult {
    /// Whether the service found no speech (`SUCCESS_WITH_NO_VALID_FRAGMENT`): an empty
    /// transcript, not a failure.
    pub fn is_no_speech(&self) -> bool {
        self.code.as_deref() == Some("SUCCESS_WITH_NO_VALID_FRAGMENT")
    }
}

/// Counts of a task's files by status (uppercase keys in the JSON).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskMetrics {
    /// All files.
    #[serde(rename = "TOTAL", default)]
    pub total: u64,
    /// Files that succeeded.
    #[serde(rename = "SUCCEEDED", default)]
    pub succeeded: u64,
    /// Files that failed.
    #[serde(rename = "FAILED", default)]
    pub failed: u64,
}

/// Billing information.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Billed audio duration in seconds.
    #[serde(default)]
    pub duration: Option<u64>,
}

fn null_as_default<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(
    d: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_and_an_unknown_one() {
        for s in [
            "PENDING",
            "RUNNING",
            "SUSPENDED",
            "SUCCEEDED",
            "FAILED",
            "CANCELED",
            "UNKNOWN",
            "PAUSED_FOR_LUNCH",
        ] {
            let json = format!(r#"{{"output":{{"task_id":"t","task_status":"{s}"}}}}"#);
            let r = TaskResponse::from_str(&json).unwrap();
            let status = r.output.unwrap().task_status;
            assert_eq!(status.as_str(), s);
            assert_eq!(serde_json::to_string(&status).unwrap(), format!("\"{s}\""));
        }
        assert_eq!(
            TaskStatus::parse("PAUSED_FOR_LUNCH"),
            TaskStatus::Other("PAUSED_FOR_LUNCH".into())
        );
        assert!(!TaskStatus::parse("PAUSED_FOR_LUNCH").is_terminal());
    }

    #[test]
    fn error_body() {
        let r = TaskResponse::from_str(
            r#"{"code":"InvalidApiKey","message":"Invalid API-key provided.","request_id":"x"}"#,
        )
        .unwrap();
        assert_eq!(
            r.error(),
            Some(("InvalidApiKey", "Invalid API-key provided."))
        );
        let ok = TaskResponse::from_str(r#"{"code":"","message":"","output":null}"#).unwrap();
        assert_eq!(ok.error(), None);
        let msg = TaskResponse::from_str(r#"{"code":"X","msg":"m"}"#).unwrap();
        assert_eq!(msg.error(), Some(("X", "m")));
    }
}
