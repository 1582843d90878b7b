//! The blocking client: the protocol driven by ureq (rustls), with retries and deadlines.

use std::fs::File;
use std::io::{Cursor, Read};
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use super::config::{Config, Region};
use super::error::{Error, ErrorKind, Result};
use super::protocol::{
    HttpRequest, HttpResponse, Method, Protocol, RequestBody, RequestKind, TaskList,
};
use super::request::{ListQuery, TranscriptionRequest};
use super::retry::{Failure, parse_retry_after};
use crate::Transcription;
use crate::task::{FileResult, SubtaskStatus, TaskResponse, TaskStatus};

/// The task status some clients report when no speech was found; treated as finished.
const NO_VALID_FRAGMENT: &str = "SUCCESS_WITH_NO_VALID_FRAGMENT";

/// A blocking DashScope client for recording-file recognition.
///
/// Each call builds its request with [`Protocol`], sends it with ureq over rustls, retries
/// 429/5xx/timeouts per the [`super::RetryPolicy`] and parses the answer. Every call is bounded:
/// per-request timeouts, a number of attempts, and for [`Client::wait`] an overall deadline.
///
/// # Example
///
/// ```no_run
/// use asrpost::client::{Client, TranscriptionRequest};
///
/// let client = Client::from_env()?;
/// let request = TranscriptionRequest::new("paraformer-v2", ["https://example.com/call.wav"])
///     .language_hints(["zh", "en"]);
/// let task = client.submit(&request)?;
/// let task_id = task.output.map(|o| o.task_id).unwrap_or_default();
/// let done = client.wait(&task_id, |t| eprintln!("{:?}", t.output.as_ref().map(|o| &o.task_status)))?;
/// for file in client.fetch_all(&done)? {
///     match file.result {
///         Ok(doc) => println!("{}: {} channels", file.file_url, doc.transcripts.len()),
///         Err(err) => eprintln!("{err}"),
///     }
/// }
/// # Ok::<(), asrpost::client::Error>(())
/// ```
#[derive(Debug)]
pub struct Client {
    protocol: Protocol,
    agent: ureq::Agent,
}

/// The outcome for one file of a finished task.
#[derive(Debug)]
pub struct FileOutcome {
    /// The file's URL as submitted.
    pub file_url: String,
    /// Its transcription (empty when no speech was found), or why there is none.
    pub result: Result<Transcription<'static>>,
}

impl Client {
    /// A client for `config`.
    pub fn new(config: Config) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(config.connect_timeout))
            .user_agent(config.user_agent.as_str())
            .build()
            .into();
        Client {
            protocol: Protocol::new(config),
            agent,
        }
    }

    /// A client configured from the environment ([`Config::from_env`]) for the China region.
    ///
    /// # Errors
    ///
    /// As [`Config::from_env`].
    pub fn from_env() -> Result<Client> {
        Ok(Client::new(Config::from_env(Region::China)?))
    }

    /// The protocol (request builders and parsers) in use.
    pub fn protocol(&self) -> &Protocol {
        &self.protocol
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        self.protocol.config()
    }

    /// Submits a task (`X-DashScope-Async: enable`); the answer has the task id and PENDING.
    ///
    /// Like the SDK, a submit that timed out or met a 5xx is sent again, which can create a
    /// second task if the first one did reach the service; use [`super::RetryPolicy::none`] to
    /// avoid that.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`] before sending; [`ErrorKind::Api`] with the service's code
    /// (`InvalidApiKey`, `InvalidParameter`…); transport errors after the retries.
    pub fn submit(&self, request: &TranscriptionRequest) -> Result<TaskResponse> {
        let req = self.protocol.submit(request)?;
        self.protocol.parse_submit(&self.execute(&req, None)?)
    }

    /// Queries a task once.
    ///
    /// # Errors
    ///
    /// As [`Client::submit`]. An unknown or expired id is not an error: it answers UNKNOWN.
    pub fn query(&self, task_id: &str) -> Result<TaskResponse> {
        let req = self.protocol.query(task_id)?;
        self.protocol.parse_task(&self.execute(&req, None)?)
    }

    /// Cancels a PENDING task.
    ///
    /// # Errors
    ///
    /// As [`Client::submit`]; a task that is not PENDING gives `UnsupportedOperation`.
    pub fn cancel(&self, task_id: &str) -> Result<TaskResponse> {
        let req = self.protocol.cancel(task_id)?;
        self.protocol.parse_task(&self.execute(&req, None)?)
    }

    /// Lists tasks.
    ///
    /// # Errors
    ///
    /// As [`Client::submit`].
    pub fn list(&self, query: &ListQuery) -> Result<TaskList> {
        let req = self.protocol.list(query);
        self.protocol.parse_list(&self.execute(&req, None)?)
    }

    /// Polls a task until it is SUCCEEDED, FAILED, CANCELED or UNKNOWN, as the SDK's `wait()`:
    /// the first query at once, then the [`super::PollSchedule`]'s sleeps; answers 503/504 and
    /// transient failures keep polling. `progress` sees every unfinished answer.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::WaitTimeout`] at the configured deadline ([`Config::wait_timeout`]); any
    /// other error of a query.
    pub fn wait(
        &self,
        task_id: &str,
        mut progress: impl FnMut(&TaskResponse),
    ) -> Result<TaskResponse> {
        let req = self.protocol.query(task_id)?;
        let limit = self.config().wait_timeout;
        let deadline = Instant::now() + limit;
        let mut sleeps = self.config().poll.sleeps();
        let mut last_status = None;
        loop {
            let answer = self
                .execute(&req, Some(deadline))
                .and_then(|resp| self.protocol.parse_task(&resp));
            match answer {
                Ok(task) => {
                    let Some(out) = &task.output else {
                        return Ok(task);
                    };
                    if is_finished(&out.task_status) {
                        return Ok(task);
                    }
                    last_status = Some(out.task_status.clone());
                    progress(&task);
                }
                Err(err) if is_transient(&err) => {}
                Err(err) => return Err(err),
            }
            let sleep = sleeps.next().unwrap_or(Duration::from_secs(5));
            let now = Instant::now();
            if now + sleep >= deadline {
                thread::sleep(deadline.saturating_duration_since(now));
                return Err(ErrorKind::WaitTimeout {
                    task_id: task_id.to_string(),
                    after: limit,
                    last_status,
                }
                .into());
            }
            thread::sleep(sleep);
        }
    }

    /// Uploads a local file for `model` through the temporary-upload flow and gives its
    /// `oss://` URL (valid 48 h, Beijing region only; the task must use the same model).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`] when the file cannot be read; [`ErrorKind::InvalidRequest`] when it is
    /// larger than the policy allows; service and transport errors.
    pub fn upload(&self, path: &Path, model: &str) -> Result<String> {
        let io = |source| -> Error {
            ErrorKind::Io {
                path: path.display().to_string(),
                source,
            }
            .into()
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        if !meta.is_file() {
            return Err(io(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a regular file",
            )));
        }
        let req = self.protocol.upload_policy(model)?;
        let policy = self
            .protocol
            .parse_upload_policy(&self.execute(&req, None)?)?;
        let (req, url) = self.protocol.upload(&policy, path, meta.len())?;
        self.protocol.parse_upload(&self.execute(&req, None)?)?;
        Ok(url)
    }

    /// Downloads and parses the result of one file, checking its own status first.
    ///
    /// `SUCCESS_WITH_NO_VALID_FRAGMENT` (no speech) gives an empty transcription, not an error.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::File`] with the service's code when the file failed or is not finished;
    /// [`ErrorKind::BodyTooLarge`] past [`Config::max_result_bytes`]; [`ErrorKind::Result`]
    /// when the JSON is not a result; service and transport errors of the download.
    pub fn fetch(&self, result: &FileResult) -> Result<Transcription<'static>> {
        if result.is_no_speech() {
            return Ok(Transcription::new(result.file_url.clone(), Vec::new()));
        }
        let file_error = |code: &str, message: &str| -> Error {
            ErrorKind::File {
                file_url: result.file_url.clone(),
                code: result.code.clone().unwrap_or_else(|| code.to_string()),
                message: result
                    .message
                    .clone()
                    .unwrap_or_else(|| message.to_string()),
            }
            .into()
        };
        match (&result.subtask_status, &result.transcription_url) {
            (SubtaskStatus::Succeeded, Some(url)) => {
                let req = self.protocol.download(url)?;
                self.protocol.parse_result(&self.execute(&req, None)?)
            }
            (SubtaskStatus::Succeeded, None) => Err(file_error(
                "NoTranscriptionUrl",
                "the file succeeded but has no transcription_url",
            )),
            (SubtaskStatus::Failed, _) => Err(file_error("FAILED", "")),
            (other, _) => Err(file_error(other.as_str(), "the file is not finished")),
        }
    }

    /// Fetches every file of a finished task: a task is SUCCEEDED when *any* file succeeded,
    /// so each file has its own outcome.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Task`] when the task has no per-file results (FAILED, CANCELED, UNKNOWN, or
    /// not finished); [`ErrorKind::InvalidResponse`] when it has no output.
    pub fn fetch_all(&self, task: &TaskResponse) -> Result<Vec<FileOutcome>> {
        let Some(out) = &task.output else {
            return Err(Error::invalid_response(
                200,
                "the task answer has no output",
            ));
        };
        if out.results.is_empty() {
            if out.task_status.as_str() == NO_VALID_FRAGMENT {
                return Ok(Vec::new());
            }
            return Err(ErrorKind::Task {
                task_id: out.task_id.clone(),
                status: out.task_status.clone(),
                code: out.code.clone().or_else(|| task.code.clone()),
                message: out.message.clone().or_else(|| task.message.clone()),
            }
            .into());
        }
        Ok(out
            .results
            .iter()
            .map(|r| FileOutcome {
                file_url: r.file_url.clone(),
                result: self.fetch(r),
            })
            .collect())
    }

    /// Submits, waits and fetches: the whole job for audio URLs.
    ///
    /// # Errors
    ///
    /// As [`Client::submit`], [`Client::wait`] and [`Client::fetch_all`].
    pub fn transcribe(
        &self,
        request: &TranscriptionRequest,
        progress: impl FnMut(&TaskResponse),
    ) -> Result<(TaskResponse, Vec<FileOutcome>)> {
        let submitted = self.submit(request)?;
        let task_id = submitted
            .output
            .as_ref()
            .map(|o| o.task_id.clone())
            .unwrap_or_default();
        let done = self.wait(&task_id, progress)?;
        let files = self.fetch_all(&done)?;
        Ok((done, files))
    }

    /// Sends `req` with the retry policy, within `deadline` when given. An error status that
    /// is final, or still failing when the retries run out, comes back as the response so the
    /// caller's parser turns it into the service's error.
    ///
    /// # Errors
    ///
    /// Transport errors, timeouts and size limits, after the retries.
    pub fn execute(&self, req: &HttpRequest, deadline: Option<Instant>) -> Result<HttpResponse> {
        let config = self.config();
        let (timeout, limit) = match req.kind {
            RequestKind::Api => (config.request_timeout, config.max_response_bytes),
            RequestKind::Upload => (config.upload_timeout, config.max_response_bytes),
            RequestKind::Download => (config.download_timeout, config.max_result_bytes),
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let timeout = match deadline {
                Some(d) => timeout.min(d.saturating_duration_since(Instant::now())),
                None => timeout,
            };
            if timeout.is_zero() {
                return Err(ErrorKind::Timeout { after: timeout }.into());
            }
            let (failure, last) = match self.send_once(req, timeout, limit) {
                Ok(resp) => {
                    let failure = Failure::Status {
                        status: resp.status,
                        retry_after: resp
                            .header("retry-after")
                            .and_then(|v| parse_retry_after(v, SystemTime::now())),
                    };
                    if resp.is_success() || !failure.is_retryable() {
                        return Ok(resp);
                    }
                    (failure, Ok(resp))
                }
                Err((err, Some(failure))) => (failure, Err(err)),
                Err((err, None)) => return Err(err),
            };
            let Some(delay) = config.retry.delay(attempt, failure) else {
                return last;
            };
            if deadline.is_some_and(|d| Instant::now() + delay >= d) {
                return last;
            }
            thread::sleep(delay);
        }
    }

    /// One attempt. A failure carries how to classify it for retries (`None`: final).
    fn send_once(
        &self,
        req: &HttpRequest,
        timeout: Duration,
        limit: u64,
    ) -> std::result::Result<HttpResponse, (Error, Option<Failure>)> {
        let classify = |err: ureq::Error| classify(err, timeout, limit);
        let response = match (req.method, &req.body) {
            (Method::Get, _) => {
                let mut b = self.agent.get(&req.url);
                for (k, v) in &req.headers {
                    b = b.header(k.as_str(), v.as_str());
                }
                b.config()
                    .timeout_global(Some(timeout))
                    .build()
                    .call()
                    .map_err(classify)?
            }
            (Method::Post, body) => {
                let mut b = self.agent.post(&req.url);
                for (k, v) in &req.headers {
                    b = b.header(k.as_str(), v.as_str());
                }
                let b = b.config().timeout_global(Some(timeout)).build();
                match body {
                    RequestBody::Empty => b.send_empty(),
                    RequestBody::Bytes(bytes) => b.send(&bytes[..]),
                    RequestBody::Multipart {
                        head,
                        file,
                        file_len,
                        tail,
                    } => {
                        let reader = File::open(file).map_err(|source| {
                            let err: Error = ErrorKind::Io {
                                path: file.display().to_string(),
                                source,
                            }
                            .into();
                            (err, None)
                        })?;
                        let reader = Cursor::new(head.clone())
                            .chain(reader.take(*file_len))
                            .chain(Cursor::new(tail.clone()));
                        b.header("Content-Length", req.body.len().to_string())
                            .send(ureq::SendBody::from_owned_reader(reader))
                    }
                }
                .map_err(classify)?
            }
        };
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect();
        let body = response
            .into_body()
            .into_with_config()
            .limit(limit)
            .read_to_vec()
            .map_err(classify)?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

/// Maps a ureq error to ours and says whether it is worth retrying.
fn classify(err: ureq::Error, timeout: Duration, limit: u64) -> (Error, Option<Failure>) {
    use std::io::ErrorKind as Io;
    match err {
        ureq::Error::Timeout(_) => (
            ErrorKind::Timeout { after: timeout }.into(),
            Some(Failure::Timeout),
        ),
        ureq::Error::BodyExceedsLimit(_) => (ErrorKind::BodyTooLarge { limit }.into(), None),
        ureq::Error::Io(e) if matches!(e.kind(), Io::TimedOut | Io::WouldBlock) => (
            ErrorKind::Timeout { after: timeout }.into(),
            Some(Failure::Timeout),
        ),
        ureq::Error::Io(e) => (Error::transport(e.to_string()), Some(Failure::Connection)),
        e @ (ureq::Error::ConnectionFailed
        | ureq::Error::HostNotFound
        | ureq::Error::Protocol(_)) => (Error::transport(e.to_string()), Some(Failure::Connection)),
        other => (Error::transport(other.to_string()), None),
    }
}

/// Whether waiting is over. Besides the SDK's terminal statuses, the no-speech status some
/// clients report as a task status ends the wait (it is not in the SDK's enum).
fn is_finished(status: &TaskStatus) -> bool {
    status.is_terminal() || status.as_str() == NO_VALID_FRAGMENT
}

/// Failures a waiter rides out until its deadline: 503/504 (as the SDK) and transport trouble
/// that outlasted the per-request retries.
fn is_transient(err: &Error) -> bool {
    matches!(
        err.kind(),
        ErrorKind::Api {
            status: 503 | 504,
            ..
        } | ErrorKind::Timeout { .. }
            | ErrorKind::Transport { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finished_statuses() {
        for (s, want) in [
            ("PENDING", false),
            ("RUNNING", false),
            ("SUSPENDED", false),
            ("SUCCEEDED", true),
            ("FAILED", true),
            ("CANCELED", true),
            ("UNKNOWN", true),
            ("SUCCESS_WITH_NO_VALID_FRAGMENT", true),
            ("SOMETHING_NEW", false),
        ] {
            assert_eq!(is_finished(&TaskStatus::parse(s)), want, "{s}");
        }
    }

    #[test]
    fn transient_errors() {
        let api = |status| -> Error {
            ErrorKind::Api {
                status,
                code: "X".into(),
                message: String::new(),
                request_id: None,
            }
            .into()
        };
        assert!(is_transient(&api(503)));
        assert!(is_transient(&api(504)));
        assert!(!is_transient(&api(500)));
        assert!(!is_transient(&api(401)));
        assert!(is_transient(&Error::transport("reset")));
    }
}
