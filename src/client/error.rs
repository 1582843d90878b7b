//! The client's error: what the service said, what the network did, or which bound was hit.

use std::fmt;
use std::time::Duration;

use crate::task::TaskStatus;

/// A `Result` whose error is the client's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error of the DashScope client.
///
/// A boxed [`ErrorKind`]; match on [`Error::kind`]. No message ever contains the API key.
pub struct Error(Box<ErrorKind>);

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The configuration is unusable (no API key, a bad base URL).
    Config {
        /// Why.
        message: String,
    },
    /// A request would be invalid (no file URLs, a speaker count out of range, a bad task id).
    InvalidRequest {
        /// Which parameter.
        what: String,
        /// Why.
        message: String,
    },
    /// The service answered with an error: an HTTP error status, or a body with a `code`.
    ///
    /// A body that is not a DashScope error (an HTML page from a gateway, an OSS XML error)
    /// gets code `Unknown` (as in the official SDK) or the OSS `Code`, and a short excerpt as
    /// the message.
    Api {
        /// The HTTP status.
        status: u16,
        /// The service's code (`InvalidApiKey`, `InvalidParameter`, `Throttling`…).
        code: String,
        /// The service's message.
        message: String,
        /// The request id, for support tickets.
        request_id: Option<String>,
    },
    /// The connection failed, broke off, or the body was cut short.
    Transport {
        /// What happened.
        message: String,
    },
    /// One request took longer than its timeout.
    Timeout {
        /// The timeout in force.
        after: Duration,
    },
    /// [`super::Client::wait`] reached its deadline before the task finished (the SDK's
    /// `WaitTaskTimeout`).
    WaitTimeout {
        /// The task.
        task_id: String,
        /// The deadline.
        after: Duration,
        /// The last status seen, if any query succeeded.
        last_status: Option<TaskStatus>,
    },
    /// A response body was larger than the configured cap.
    BodyTooLarge {
        /// The cap in bytes.
        limit: u64,
    },
    /// A successful response whose body is not what the protocol promises (truncated JSON,
    /// missing fields).
    InvalidResponse {
        /// The HTTP status.
        status: u16,
        /// What is wrong.
        message: String,
    },
    /// The task ended without usable results (FAILED, CANCELED, UNKNOWN).
    Task {
        /// The task.
        task_id: String,
        /// Its final status.
        status: TaskStatus,
        /// The service's code, when given.
        code: Option<String>,
        /// The service's message, when given.
        message: Option<String>,
    },
    /// One file of a task failed (`InvalidFile.DownloadFailed`…) or has no result yet.
    File {
        /// The file's URL as submitted.
        file_url: String,
        /// The service's code, or the subtask status when there is none.
        code: String,
        /// The service's message.
        message: String,
    },
    /// A downloaded result is not a valid result JSON.
    Result {
        /// The parser's error (with line and column).
        source: crate::Error,
    },
    /// Reading a local file for upload failed.
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl Error {
    /// The kind of error.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// Consumes the error, giving its kind.
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }

    /// The HTTP status, for errors that came with a response.
    pub fn status(&self) -> Option<u16> {
        match &*self.0 {
            ErrorKind::Api { status, .. } | ErrorKind::InvalidResponse { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// The service's error code (`InvalidApiKey`, `InvalidFile.DownloadFailed`…), when there is
    /// one.
    pub fn code(&self) -> Option<&str> {
        match &*self.0 {
            ErrorKind::Api { code, .. } | ErrorKind::File { code, .. } => Some(code),
            ErrorKind::Task { code, .. } => code.as_deref(),
            ErrorKind::WaitTimeout { .. } => Some("WaitTaskTimeout"),
            _ => None,
        }
    }

    #[cold]
    pub(crate) fn config(message: impl Into<String>) -> Error {
        ErrorKind::Config {
            message: message.into(),
        }
        .into()
    }

    #[cold]
    pub(crate) fn invalid(what: impl Into<String>, message: impl Into<String>) -> Error {
        ErrorKind::InvalidRequest {
            what: what.into(),
            message: message.into(),
        }
        .into()
    }

    #[cold]
    pub(crate) fn transport(message: impl Into<String>) -> Error {
        ErrorKind::Transport {
            message: message.into(),
        }
        .into()
    }

    #[cold]
    pub(crate) fn invalid_response(status: u16, message: impl Into<String>) -> Error {
        ErrorKind::InvalidResponse {
            status,
            message: message.into(),
        }
        .into()
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error(Box::new(kind))
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            ErrorKind::Config { message } => write!(f, "configuration: {message}"),
            ErrorKind::InvalidRequest { what, message } => write!(f, "invalid {what}: {message}"),
            ErrorKind::Api {
                status,
                code,
                message,
                request_id,
            } => {
                write!(f, "service error {status} {code}")?;
                if !message.is_empty() {
                    write!(f, ": {message}")?;
                }
                if let Some(id) = request_id {
                    write!(f, " (request id {id})")?;
                }
                Ok(())
            }
            ErrorKind::Transport { message } => write!(f, "connection failed: {message}"),
            ErrorKind::Timeout { after } => {
                write!(f, "request timed out after {} ms", after.as_millis())
            }
            ErrorKind::WaitTimeout {
                task_id,
                after,
                last_status,
            } => {
                write!(
                    f,
                    "task {task_id} did not finish within {} s",
                    after.as_secs_f64()
                )?;
                if let Some(s) = last_status {
                    write!(f, " (last status {s})")?;
                }
                Ok(())
            }
            ErrorKind::BodyTooLarge { limit } => {
                write!(f, "response body is over the limit of {limit} bytes")
            }
            ErrorKind::InvalidResponse { status, message } => {
                write!(f, "invalid response (HTTP {status}): {message}")
            }
            ErrorKind::Task {
                task_id,
                status,
                code,
                message,
            } => {
                write!(f, "task {task_id} ended {status}")?;
                match (code, message) {
                    (Some(c), Some(m)) => write!(f, ": {c}: {m}"),
                    (Some(c), None) => write!(f, ": {c}"),
                    (None, Some(m)) => write!(f, ": {m}"),
                    (None, None) => Ok(()),
                }
            }
            ErrorKind::File {
                file_url,
                code,
                message,
            } => {
                write!(f, "{file_url}: {code}")?;
                if !message.is_empty() {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
            ErrorKind::Result { source } => write!(f, "invalid result JSON: {source}"),
            ErrorKind::Io { path, source } => write!(f, "{path}: {source}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.0 {
            ErrorKind::Result { source } => Some(source),
            ErrorKind::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<Error> for crate::Error {
    fn from(err: Error) -> crate::Error {
        match err.into_kind() {
            ErrorKind::Result { source } => source,
            ErrorKind::Io { source, .. } => source.into(),
            kind => crate::ErrorKind::Service(Error::from(kind).to_string()).into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_sync_small() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn displays() {
        let cases: Vec<(Error, &str)> = vec![
            (
                ErrorKind::Api {
                    status: 401,
                    code: "InvalidApiKey".into(),
                    message: "Invalid API-key provided.".into(),
                    request_id: Some("r1".into()),
                }
                .into(),
                "service error 401 InvalidApiKey: Invalid API-key provided. (request id r1)",
            ),
            (
                ErrorKind::Timeout {
                    after: Duration::from_millis(250),
                }
                .into(),
                "request timed out after 250 ms",
            ),
            (
                ErrorKind::WaitTimeout {
                    task_id: "t".into(),
                    after: Duration::from_secs(2),
                    last_status: Some(TaskStatus::Running),
                }
                .into(),
                "task t did not finish within 2 s (last status RUNNING)",
            ),
            (
                ErrorKind::File {
                    file_url: "a.wav".into(),
                    code: "InvalidFile.DownloadFailed".into(),
                    message: "The audio file cannot be downloaded.".into(),
                }
                .into(),
                "a.wav: InvalidFile.DownloadFailed: The audio file cannot be downloaded.",
            ),
        ];
        for (err, want) in cases {
            assert_eq!(err.to_string(), want);
        }
        let e: Error = ErrorKind::WaitTimeout {
            task_id: "t".into(),
            after: Duration::from_secs(1),
            last_status: None,
        }
        .into();
        assert_eq!(e.code(), Some("WaitTaskTimeout"));
        let lib: crate::Error = e.into();
        assert!(matches!(lib.kind(), crate::ErrorKind::Service(_)));
    }
}
