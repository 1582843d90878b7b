//! The one error type of the library.

use std::fmt;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where in the input an error was found.
///
/// JSON errors carry a 1-based line and column; content errors found after parsing carry indices
/// into the model instead (see [`crate::Finding`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Position {
    /// 1-based line of the input.
    pub line: usize,
    /// 1-based column (in bytes) of the input.
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// An error of this library: bad input, a limit exceeded, a stage or I/O failure.
///
/// It is a boxed [`ErrorKind`], so a `Result<T, Error>` stays one pointer wide. Match on
/// [`Error::kind`] to tell the cases apart; the `Display` text is meant for people.
///
/// # Example
///
/// ```
/// use asrpost::{ErrorKind, Transcription};
///
/// let err = Transcription::from_str("{\"transcripts\": 5}").unwrap_err();
/// assert!(matches!(err.kind(), ErrorKind::Json { .. }));
/// assert_eq!(err.position().map(|p| p.line), Some(1));
/// ```
pub struct Error(Box<ErrorKind>);

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input is not JSON, or not JSON of the expected shape.
    ///
    /// The message of `source` already ends in "at line L column C".
    #[error("invalid JSON: {source}")]
    Json {
        /// Where the error was found.
        position: Position,
        /// The underlying parser error.
        source: serde_json::Error,
    },
    /// The input is not valid UTF-8.
    #[error("invalid UTF-8 at byte {offset} (line {line})")]
    Utf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
        /// 1-based line of that byte.
        line: usize,
    },
    /// Untrusted input went past a configured limit (see [`crate::ParseOptions`]).
    #[error("limit exceeded: {what} is over the limit of {limit}")]
    LimitExceeded {
        /// Which limit.
        what: &'static str,
        /// The limit in force.
        limit: usize,
    },
    /// An option or argument given to the library is invalid.
    #[error("invalid {what}: {message}")]
    InvalidInput {
        /// What was invalid (an option's name, a list entry…).
        what: String,
        /// Why.
        message: String,
    },
    /// A pipeline stage failed.
    #[error("stage `{stage}` failed: {message}")]
    Stage {
        /// The stage's [`crate::Stage::name`].
        stage: &'static str,
        /// Why.
        message: String,
    },
    /// Reading or writing failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The DashScope service or the HTTP transport failed.
    #[error("{0}")]
    Service(String),
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

    /// Line and column in the input, for JSON and UTF-8 errors.
    pub fn position(&self) -> Option<Position> {
        match &*self.0 {
            ErrorKind::Json { position, .. } => Some(*position),
            ErrorKind::Utf8 { line, .. } => Some(Position {
                line: *line,
                column: 0,
            }),
            _ => None,
        }
    }

    /// A short message without the position, for `path:line:column: message` reports.
    pub fn message(&self) -> String {
        match &*self.0 {
            ErrorKind::Json { source, .. } => {
                let text = source.to_string();
                match text.rfind(" at line ") {
                    Some(i) => text[..i].to_string(),
                    None => text,
                }
            }
            kind => kind.to_string(),
        }
    }

    #[cold]
    pub(crate) fn invalid(what: impl Into<String>, message: impl Into<String>) -> Error {
        ErrorKind::InvalidInput {
            what: what.into(),
            message: message.into(),
        }
        .into()
    }

    #[cold]
    pub(crate) fn limit(what: &'static str, limit: usize) -> Error {
        ErrorKind::LimitExceeded { what, limit }.into()
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error(Box::new(kind))
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Error {
        ErrorKind::Io(err).into()
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&*self.0)
    }
}

impl From<Error> for std::io::Error {
    fn from(err: Error) -> std::io::Error {
        match err.into_kind() {
            ErrorKind::Io(io) => io,
            kind => std::io::Error::new(std::io::ErrorKind::InvalidData, Error::from(kind)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_send_sync_and_small() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn message_drops_position() {
        let err = crate::Transcription::from_str("{\"file_url\": 1}").unwrap_err();
        assert_eq!(
            err.message(),
            "invalid type: integer `1`, expected a string"
        );
        assert_eq!(
            err.position(),
            Some(Position {
                line: 1,
                column: 14
            })
        );
    }
}
