//! The DashScope protocol without I/O: build requests, read responses.
//!
//! [`Protocol`] turns each operation into an [`HttpRequest`] (method, URL, headers, body) and
//! each [`HttpResponse`] into a typed answer or an [`Error`] carrying the service's code and
//! message. Any HTTP stack can drive it; [`super::Client`] drives it with ureq.
//!
//! # Example
//!
//! ```
//! use asrpost::client::{ApiKey, Config, HttpResponse, Method, Protocol};
//!
//! let protocol = Protocol::new(Config::new(ApiKey::new("sk-example")?));
//! let req = protocol.query("68ca5d10-7c49-4abe-9550-4763105f8316")?;
//! assert_eq!(req.method, Method::Get);
//! assert_eq!(req.url, "https://dashscope.aliyuncs.com/api/v1/tasks/68ca5d10-7c49-4abe-9550-4763105f8316");
//! assert!(!format!("{req:?}").contains("sk-example"));
//!
//! let resp = HttpResponse::new(401, br#"{"code":"InvalidApiKey","message":"Invalid API-key provided.","request_id":"r"}"#.to_vec());
//! let err = protocol.parse_task(&resp).unwrap_err();
//! assert_eq!(err.code(), Some("InvalidApiKey"));
//! # Ok::<(), asrpost::client::Error>(())
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::config::Config;
use super::error::{Error, ErrorKind, Result};
use super::request::{ListQuery, TranscriptionRequest};
use crate::Transcription;
use crate::task::{TaskOutput, TaskResponse, TaskStatus};

/// An HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
}

impl Method {
    /// `GET` or `POST`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// A request body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestBody {
    /// No body (`Content-Length: 0` on POST).
    Empty,
    /// These bytes.
    Bytes(Vec<u8>),
    /// A multipart form ending in a file: `head`, then the file's bytes, then `tail`, with
    /// `Content-Length` = `head + file_len + tail`. The driver streams the file.
    Multipart {
        /// The form fields and the file part's headers.
        head: Vec<u8>,
        /// The file to send.
        file: PathBuf,
        /// Its length in bytes when the request was built.
        file_len: u64,
        /// The closing boundary.
        tail: Vec<u8>,
    },
}

impl RequestBody {
    /// The body's length in bytes.
    pub fn len(&self) -> u64 {
        match self {
            RequestBody::Empty => 0,
            RequestBody::Bytes(b) => b.len() as u64,
            RequestBody::Multipart {
                head,
                file_len,
                tail,
                ..
            } => head.len() as u64 + file_len + tail.len() as u64,
        }
    }

    /// Whether the body is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Which time budget a request gets from the [`Config`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequestKind {
    /// An API call: `request_timeout`, `max_response_bytes`.
    Api,
    /// A file upload: `upload_timeout`.
    Upload,
    /// A result download: `download_timeout`, `max_result_bytes`.
    Download,
}

/// A request to send.
///
/// Its `Debug` shows `Authorization: Bearer <redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The full URL.
    pub url: String,
    /// Headers in order, names in their canonical case.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: RequestBody,
    /// Which budget of time and size applies.
    pub kind: RequestKind,
}

impl HttpRequest {
    /// The first header named `name` (ASCII case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Headers<'a>(&'a [(String, String)]);
        impl fmt::Debug for Headers<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list()
                    .entries(self.0.iter().map(|(k, v)| {
                        if k.eq_ignore_ascii_case("authorization") {
                            (k.as_str(), "Bearer <redacted>")
                        } else {
                            (k.as_str(), v.as_str())
                        }
                    }))
                    .finish()
            }
        }
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &Headers(&self.headers))
            .field("body_len", &self.body.len())
            .field("kind", &self.kind)
            .finish()
    }
}

/// A response received.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpResponse {
    /// The HTTP status.
    pub status: u16,
    /// Headers (at least `Retry-After` and `Content-Type` when present).
    pub headers: Vec<(String, String)>,
    /// The whole body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A response with a status and a body, no headers.
    pub fn new(status: u16, body: Vec<u8>) -> HttpResponse {
        HttpResponse {
            status,
            headers: Vec::new(),
            body,
        }
    }

    /// The first header named `name` (ASCII case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// A temporary-upload policy (`GET /uploads?action=getPolicy`).
#[derive(Clone, PartialEq, Eq, Deserialize)]
pub struct UploadPolicy {
    /// The signed policy document (base64).
    pub policy: String,
    /// Its signature.
    pub signature: String,
    /// The directory to upload into.
    pub upload_dir: String,
    /// Where to POST the form.
    pub upload_host: String,
    /// How long the policy is valid.
    #[serde(default)]
    pub expire_in_seconds: Option<u64>,
    /// The largest file accepted, in MB.
    #[serde(default)]
    pub max_file_size_mb: Option<u64>,
    /// The OSS access key id for the form.
    pub oss_access_key_id: String,
    /// The object ACL for the form.
    #[serde(default)]
    pub x_oss_object_acl: Option<String>,
    /// Whether overwriting is forbidden, for the form.
    #[serde(default)]
    pub x_oss_forbid_overwrite: Option<String>,
}

impl fmt::Debug for UploadPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The policy and signature are credentials for the upload; keep them out of logs.
        f.debug_struct("UploadPolicy")
            .field("upload_dir", &self.upload_dir)
            .field("upload_host", &self.upload_host)
            .field("expire_in_seconds", &self.expire_in_seconds)
            .field("max_file_size_mb", &self.max_file_size_mb)
            .finish_non_exhaustive()
    }
}

/// A page of [`super::Client::list`].
///
/// The list endpoint's body is not in the captured samples; this reads the fields the SDK's
/// users report (`data`, `total`, `total_page`, `page_no`, `page_size`) and tolerates others.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct TaskList {
    /// The request id.
    #[serde(default)]
    pub request_id: Option<String>,
    /// The tasks of this page.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub data: Vec<TaskSummary>,
    /// Tasks in all pages.
    #[serde(default)]
    pub total: Option<u64>,
    /// Number of pages.
    #[serde(default)]
    pub total_page: Option<u64>,
    /// This page, 1-based.
    #[serde(default)]
    pub page_no: Option<u64>,
    /// Tasks per page.
    #[serde(default)]
    pub page_size: Option<u64>,
}

/// One task of a [`TaskList`].
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct TaskSummary {
    /// The task id.
    #[serde(default)]
    pub task_id: String,
    /// Its status.
    #[serde(default, alias = "task_status")]
    pub status: TaskStatus,
    /// Other fields as sent (times, model, region…).
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> std::result::Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// The protocol: request builders and response parsers for one [`Config`].
#[derive(Clone, Debug)]
pub struct Protocol {
    config: Config,
}

impl Protocol {
    /// A protocol for `config`.
    pub fn new(config: Config) -> Protocol {
        Protocol { config }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    fn api_request(&self, method: Method, path: &str, body: RequestBody) -> HttpRequest {
        let mut headers = vec![
            (
                "Authorization".to_string(),
                format!("Bearer {}", self.config.api_key.expose()),
            ),
            (
                "Accept".to_string(),
                "application/json; charset=utf-8".to_string(),
            ),
            ("User-Agent".to_string(), self.config.user_agent.clone()),
        ];
        if matches!(body, RequestBody::Bytes(_)) {
            headers.push((
                "Content-Type".to_string(),
                "application/json; charset=utf-8".to_string(),
            ));
        }
        if let Some(ws) = &self.config.workspace {
            headers.push(("X-DashScope-WorkSpace".to_string(), ws.clone()));
        }
        HttpRequest {
            method,
            url: format!("{}{path}", self.config.base_url),
            headers,
            body,
            kind: RequestKind::Api,
        }
    }

    /// `POST /services/audio/asr/transcription` with `X-DashScope-Async: enable` (and
    /// `X-DashScope-OssResourceResolve: enable` when a URL is `oss://`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`] from [`TranscriptionRequest::validate`].
    pub fn submit(&self, request: &TranscriptionRequest) -> Result<HttpRequest> {
        let body = request.to_body()?;
        let mut req = self.api_request(
            Method::Post,
            "/services/audio/asr/transcription",
            RequestBody::Bytes(body),
        );
        req.headers
            .push(("X-DashScope-Async".to_string(), "enable".to_string()));
        if request.has_oss_urls() {
            req.headers.push((
                "X-DashScope-OssResourceResolve".to_string(),
                "enable".to_string(),
            ));
        }
        Ok(req)
    }

    /// `GET /tasks/{task_id}`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`] for an id that is empty or has characters other than ASCII
    /// letters, digits, `-`, `_` and `.` (ids are UUIDs; anything else could change the path).
    pub fn query(&self, task_id: &str) -> Result<HttpRequest> {
        check_task_id(task_id)?;
        Ok(self.api_request(
            Method::Get,
            &format!("/tasks/{task_id}"),
            RequestBody::Empty,
        ))
    }

    /// `POST /tasks/{task_id}/cancel` with an empty body (only PENDING tasks can be cancelled).
    ///
    /// # Errors
    ///
    /// As [`Protocol::query`].
    pub fn cancel(&self, task_id: &str) -> Result<HttpRequest> {
        check_task_id(task_id)?;
        Ok(self.api_request(
            Method::Post,
            &format!("/tasks/{task_id}/cancel"),
            RequestBody::Empty,
        ))
    }

    /// `GET /tasks?page_no=…&page_size=…[&start_time…&end_time…&model_name…&status…]`.
    pub fn list(&self, query: &ListQuery) -> HttpRequest {
        let mut q = format!("page_no={}&page_size={}", query.page_no, query.page_size);
        for (k, v) in [
            ("start_time", &query.start_time),
            ("end_time", &query.end_time),
            ("model_name", &query.model_name),
            ("status", &query.status),
        ] {
            if let Some(v) = v {
                q.push_str(&format!("&{k}={}", percent_encode(v)));
            }
        }
        self.api_request(Method::Get, &format!("/tasks?{q}"), RequestBody::Empty)
    }

    /// `GET /uploads?action=getPolicy&model={model}`. The model must be the one the task will
    /// use.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`] for an empty model.
    pub fn upload_policy(&self, model: &str) -> Result<HttpRequest> {
        if model.trim().is_empty() {
            return Err(Error::invalid("model", "the model is empty"));
        }
        Ok(self.api_request(
            Method::Get,
            &format!("/uploads?action=getPolicy&model={}", percent_encode(model)),
            RequestBody::Empty,
        ))
    }

    /// The multipart form POST of `file` to the policy's upload host, and the `oss://` URL the
    /// file will have. The API key is not sent (the policy signs the upload).
    ///
    /// The object name is the file's name with characters other than ASCII letters, digits,
    /// `.`, `-` and `_` replaced by `_`, so it is safe in the form and in the URL.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`] when the file is larger than the policy allows or the
    /// upload host is not HTTP(S).
    pub fn upload(
        &self,
        policy: &UploadPolicy,
        file: &Path,
        file_len: u64,
    ) -> Result<(HttpRequest, String)> {
        if let Some(mb) = policy.max_file_size_mb {
            if file_len > mb.saturating_mul(1 << 20) {
                return Err(Error::invalid(
                    "file",
                    format!(
                        "{} is {file_len} bytes, over the upload limit of {mb} MB",
                        file.display()
                    ),
                ));
            }
        }
        let host = policy.upload_host.trim_end_matches('/');
        if !(host.starts_with("https://") || host.starts_with("http://")) {
            return Err(Error::invalid(
                "upload_host",
                format!("not an HTTP(S) URL: `{host}`"),
            ));
        }
        let name = object_name(file);
        let key = format!("{}/{name}", policy.upload_dir.trim_end_matches('/'));
        let (a, b) = (super::retry::random_u64(), super::retry::random_u64());
        let boundary = format!("asrpost-{a:016x}{b:016x}");
        let mime = guess_mime(file);
        let mut head = Vec::new();
        let fields = [
            ("OSSAccessKeyId", policy.oss_access_key_id.as_str()),
            ("Signature", policy.signature.as_str()),
            ("policy", policy.policy.as_str()),
            ("key", key.as_str()),
            (
                "x-oss-object-acl",
                policy.x_oss_object_acl.as_deref().unwrap_or("private"),
            ),
            (
                "x-oss-forbid-overwrite",
                policy.x_oss_forbid_overwrite.as_deref().unwrap_or("true"),
            ),
            ("success_action_status", "200"),
            ("x-oss-content-type", mime),
        ];
        for (k, v) in fields {
            head.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        head.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {mime}\r\n\r\n"
            )
            .as_bytes(),
        );
        let tail = format!("\r\n--{boundary}--\r\n").into_bytes();
        let req = HttpRequest {
            method: Method::Post,
            url: host.to_string(),
            headers: vec![
                ("User-Agent".to_string(), self.config.user_agent.clone()),
                ("Accept".to_string(), "application/json".to_string()),
                (
                    "Content-Type".to_string(),
                    format!("multipart/form-data; boundary={boundary}"),
                ),
            ],
            body: RequestBody::Multipart {
                head,
                file: file.to_path_buf(),
                file_len,
                tail,
            },
            kind: RequestKind::Upload,
        };
        Ok((req, format!("oss://{key}")))
    }

    /// `GET` of a result's `transcription_url` (a signed URL on another host: the API key is not
    /// sent).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`] when the URL is not HTTP(S).
    pub fn download(&self, url: &str) -> Result<HttpRequest> {
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || url.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Error::invalid(
                "transcription_url",
                format!("not an HTTP(S) URL: `{}`", excerpt(url.as_bytes(), 120)),
            ));
        }
        Ok(HttpRequest {
            method: Method::Get,
            url: url.to_string(),
            headers: vec![
                ("User-Agent".to_string(), self.config.user_agent.clone()),
                ("Accept".to_string(), "application/json".to_string()),
            ],
            body: RequestBody::Empty,
            kind: RequestKind::Download,
        })
    }

    /// Reads a submit, query or cancel answer.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Api`] for an HTTP error status or a body with a non-empty `code` (the
    /// cancel of a running task answers `UnsupportedOperation`); [`ErrorKind::InvalidResponse`]
    /// for a 2xx body that is not a task response.
    pub fn parse_task(&self, resp: &HttpResponse) -> Result<TaskResponse> {
        if !resp.is_success() {
            return Err(api_error(resp));
        }
        let task = TaskResponse::from_slice(&resp.body)
            .map_err(|e| Error::invalid_response(resp.status, e.to_string()))?;
        // A finished FAILED task carries its code inside `output`: that is an answer about the
        // task, not an error of the request. Only a body without a task is an error.
        let has_task = task.output.as_ref().is_some_and(|o| !o.task_id.is_empty());
        if let Some((code, message)) = task.error().filter(|_| !has_task) {
            return Err(ErrorKind::Api {
                status: resp.status,
                code: code.to_string(),
                message: message.to_string(),
                request_id: task.request_id.clone(),
            }
            .into());
        }
        Ok(task)
    }

    /// Reads a submit answer: a task response with a task id.
    ///
    /// # Errors
    ///
    /// As [`Protocol::parse_task`], and [`ErrorKind::InvalidResponse`] when there is no task id.
    pub fn parse_submit(&self, resp: &HttpResponse) -> Result<TaskResponse> {
        let task = self.parse_task(resp)?;
        match &task.output {
            Some(TaskOutput { task_id, .. }) if !task_id.is_empty() => Ok(task),
            _ => Err(Error::invalid_response(
                resp.status,
                "the submit answer has no output.task_id",
            )),
        }
    }

    /// Reads a list answer.
    ///
    /// # Errors
    ///
    /// As [`Protocol::parse_task`].
    pub fn parse_list(&self, resp: &HttpResponse) -> Result<TaskList> {
        if !resp.is_success() {
            return Err(api_error(resp));
        }
        let text = body_str(resp)?;
        serde_json::from_str(text).map_err(|e| Error::invalid_response(resp.status, e.to_string()))
    }

    /// Reads an upload-policy answer (`{"data":{…},"request_id"}`).
    ///
    /// # Errors
    ///
    /// As [`Protocol::parse_task`].
    pub fn parse_upload_policy(&self, resp: &HttpResponse) -> Result<UploadPolicy> {
        #[derive(Deserialize)]
        struct Envelope {
            data: Option<UploadPolicy>,
        }
        if !resp.is_success() {
            return Err(api_error(resp));
        }
        let env: Envelope = serde_json::from_str(body_str(resp)?)
            .map_err(|e| Error::invalid_response(resp.status, e.to_string()))?;
        env.data.ok_or_else(|| {
            Error::invalid_response(resp.status, "the upload policy answer has no data")
        })
    }

    /// Reads the upload host's answer: success is any 2xx (the form asks for 200).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Api`] with the OSS error `Code` and `Message` when present.
    pub fn parse_upload(&self, resp: &HttpResponse) -> Result<()> {
        if resp.is_success() {
            Ok(())
        } else {
            Err(api_error(resp))
        }
    }

    /// Reads a downloaded result JSON into an owned [`Transcription`].
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Api`] for an error status (an expired URL answers 403 from OSS);
    /// [`ErrorKind::Result`] for a body that is not a result.
    pub fn parse_result(&self, resp: &HttpResponse) -> Result<Transcription<'static>> {
        if !resp.is_success() {
            return Err(api_error(resp));
        }
        Transcription::from_slice(&resp.body)
            .map(Transcription::into_owned)
            .map_err(|source| ErrorKind::Result { source }.into())
    }
}

fn body_str(resp: &HttpResponse) -> Result<&str> {
    let text = std::str::from_utf8(&resp.body)
        .map_err(|e| Error::invalid_response(resp.status, format!("body is not UTF-8: {e}")))?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// The error an error response stands for: the DashScope body's code and message, an OSS XML
/// error's `Code` and `Message`, or code `Unknown` with an excerpt of anything else (an HTML
/// page's title, say).
pub fn api_error(resp: &HttpResponse) -> Error {
    let (code, message, request_id) = error_fields(&resp.body);
    ErrorKind::Api {
        status: resp.status,
        code,
        message,
        request_id,
    }
    .into()
}

fn error_fields(body: &[u8]) -> (String, String, Option<String>) {
    if let Ok(r) = TaskResponse::from_slice(body) {
        if let Some((code, message)) = r.error() {
            return (code.to_string(), message.to_string(), r.request_id.clone());
        }
        if let Some(m) = r.message.as_deref().filter(|m| !m.is_empty()) {
            return ("Unknown".to_string(), m.to_string(), r.request_id.clone());
        }
    }
    let text = String::from_utf8_lossy(body);
    if let (Some(code), message) = (xml_tag(&text, "Code"), xml_tag(&text, "Message")) {
        let id = xml_tag(&text, "RequestId");
        return (code, message.unwrap_or_default(), id);
    }
    let message = match xml_tag(&text, "title") {
        Some(title) => title,
        None => excerpt(body, 200),
    };
    ("Unknown".to_string(), message, None)
}

/// The text of the first `<tag>…</tag>`, trimmed and shortened.
fn xml_tag(text: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = text.find(&open)? + open.len();
    let end = text[start..].find(&close)? + start;
    Some(excerpt(text[start..end].trim().as_bytes(), 200))
}

/// At most `max` characters of `bytes` as one line of printable text.
pub(crate) fn excerpt(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if let Some((i, _)) = out.char_indices().nth(max) {
        out.truncate(i);
        out.push('…');
    }
    out
}

fn check_task_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && id != "."
        && id != "..";
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "task id",
            format!(
                "expected ASCII letters, digits, `-`, `_` or `.`, got `{}`",
                excerpt(id.as_bytes(), 60)
            ),
        ))
    }
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn object_name(file: &Path) -> String {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.trim_matches('.').is_empty() {
        "audio".to_string()
    } else {
        safe
    }
}

/// The MIME type of an audio or video file by its extension.
fn guess_mime(file: &Path) -> &'static str {
    let ext = file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "wav" => "audio/wav",
        "mp3" => "audio/mpeg",
        "m4a" | "mp4a" => "audio/mp4",
        "aac" => "audio/aac",
        "flac" => "audio/flac",
        "ogg" | "oga" | "opus" => "audio/ogg",
        "amr" => "audio/amr",
        "wma" => "audio/x-ms-wma",
        "pcm" => "audio/L16",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mov" => "video/quicktime",
        "mkv" => "video/x-matroska",
        "avi" => "video/x-msvideo",
        "flv" => "video/x-flv",
        "wmv" => "video/x-ms-wmv",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ApiKey;

    fn protocol() -> Protocol {
        Protocol::new(
            Config::new(ApiKey::new("sk-test-secret").unwrap())
                .base_url("http://h/api/v1/")
                .unwrap()
                .workspace(Some("ws-9".into())),
        )
    }

    #[test]
    fn request_lines_and_headers() {
        let p = protocol();
        let submit = p
            .submit(&TranscriptionRequest::new(
                "paraformer-v2",
                ["oss://d/a.wav"],
            ))
            .unwrap();
        assert_eq!(submit.method, Method::Post);
        assert_eq!(
            submit.url,
            "http://h/api/v1/services/audio/asr/transcription"
        );
        for (k, v) in [
            ("authorization", "Bearer sk-test-secret"),
            ("content-type", "application/json; charset=utf-8"),
            ("accept", "application/json; charset=utf-8"),
            ("x-dashscope-async", "enable"),
            ("x-dashscope-ossresourceresolve", "enable"),
            ("x-dashscope-workspace", "ws-9"),
        ] {
            assert_eq!(submit.header(k), Some(v), "{k}");
        }
        let q = p.query("abc-1").unwrap();
        assert_eq!(
            (q.method, q.url.as_str()),
            (Method::Get, "http://h/api/v1/tasks/abc-1")
        );
        assert_eq!(q.header("x-dashscope-async"), None);
        assert_eq!(q.header("content-type"), None);
        let c = p.cancel("abc-1").unwrap();
        assert_eq!(
            (c.method, c.url.as_str(), c.body.len()),
            (Method::Post, "http://h/api/v1/tasks/abc-1/cancel", 0)
        );
        let l = p.list(&ListQuery::new().page_size(5).model_name("paraformer v2"));
        assert_eq!(
            l.url,
            "http://h/api/v1/tasks?page_no=1&page_size=5&model_name=paraformer%20v2"
        );
        let u = p.upload_policy("paraformer-v2").unwrap();
        assert_eq!(
            u.url,
            "http://h/api/v1/uploads?action=getPolicy&model=paraformer-v2"
        );
        let d = p.download("https://oss/x.json?Signature=s").unwrap();
        assert_eq!(d.header("authorization"), None);
        assert!(p.download("file:///etc/passwd").is_err());
    }

    #[test]
    fn task_ids_cannot_change_the_path() {
        let p = protocol();
        for bad in ["", "../x", "a/b", "a?b", "a b", ".", "..", "ü"] {
            assert!(p.query(bad).is_err(), "{bad:?}");
            assert!(p.cancel(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn debug_redacts_the_key() {
        let p = protocol();
        let req = p.query("t").unwrap();
        let dbg = format!("{req:?} {p:?} {:?}", p.config());
        assert!(!dbg.contains("sk-test-secret"), "{dbg}");
        assert!(dbg.contains("Bearer <redacted>"));
    }

    #[test]
    fn error_bodies() {
        let p = protocol();
        let cases: &[(u16, &str, &str, &str)] = &[
            (
                401,
                r#"{"code":"InvalidApiKey","message":"Invalid API-key provided.","request_id":"r"}"#,
                "InvalidApiKey",
                "Invalid API-key provided.",
            ),
            (
                400,
                "\u{feff}{\"code\":\"InvalidParameter\",\"message\":\"m\",\"request_id\":\"r\"}",
                "InvalidParameter",
                "m",
            ),
            (
                502,
                "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
                "Unknown",
                "502 Bad Gateway",
            ),
            (
                403,
                "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>Request has expired.</Message><RequestId>x1</RequestId></Error>",
                "AccessDenied",
                "Request has expired.",
            ),
            (500, "oops\n\tbroken", "Unknown", "oops broken"),
            (
                200,
                r#"{"request_id":"r","code":"UnsupportedOperation","message":"Failed to cancel"}"#,
                "UnsupportedOperation",
                "Failed to cancel",
            ),
        ];
        for &(status, body, code, message) in cases {
            let err = p
                .parse_task(&HttpResponse::new(status, body.as_bytes().to_vec()))
                .unwrap_err();
            match err.kind() {
                ErrorKind::Api {
                    status: s,
                    code: c,
                    message: m,
                    ..
                } => {
                    assert_eq!((*s, c.as_str(), m.as_str()), (status, code, message));
                }
                other => panic!("{other:?}"),
            }
        }
        let truncated = HttpResponse::new(200, br#"{"output":{"task_id":"t","task_st"#.to_vec());
        assert!(matches!(
            p.parse_task(&truncated).unwrap_err().kind(),
            ErrorKind::InvalidResponse { status: 200, .. }
        ));
        let failed = HttpResponse::new(
            200,
            br#"{"output":{"task_id":"t","task_status":"FAILED","code":"InvalidFile.DecodeFailed","message":"m"}}"#.to_vec(),
        );
        let task = p.parse_task(&failed).unwrap();
        assert_eq!(task.output.unwrap().task_status, TaskStatus::Failed);
        let no_id = HttpResponse::new(200, br#"{"output":{"task_status":"PENDING"}}"#.to_vec());
        assert!(p.parse_submit(&no_id).is_err());
    }

    #[test]
    fn upload_form() {
        let p = protocol();
        let policy = UploadPolicy {
            policy: "cG9s".into(),
            signature: "sig=".into(),
            upload_dir: "dashscope-instant/abc/2025".into(),
            upload_host: "https://oss.example".into(),
            expire_in_seconds: Some(300),
            max_file_size_mb: Some(1),
            oss_access_key_id: "kid".into(),
            x_oss_object_acl: Some("private".into()),
            x_oss_forbid_overwrite: Some("true".into()),
        };
        let (req, url) = p
            .upload(&policy, Path::new("/tmp/my call\".wav"), 10)
            .unwrap();
        assert_eq!(url, "oss://dashscope-instant/abc/2025/my_call_.wav");
        assert_eq!(req.header("authorization"), None);
        let ct = req.header("content-type").unwrap();
        let boundary = ct.strip_prefix("multipart/form-data; boundary=").unwrap();
        let RequestBody::Multipart { head, tail, .. } = &req.body else {
            panic!("not multipart")
        };
        let head = String::from_utf8(head.clone()).unwrap();
        assert!(head.starts_with(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"OSSAccessKeyId\"\r\n\r\nkid\r\n"
        )));
        assert!(head.contains("name=\"key\"\r\n\r\ndashscope-instant/abc/2025/my_call_.wav\r\n"));
        assert!(head.contains("name=\"success_action_status\"\r\n\r\n200\r\n"));
        assert!(head.contains("name=\"x-oss-content-type\"\r\n\r\naudio/wav\r\n"));
        assert!(head.ends_with(
            "name=\"file\"; filename=\"my_call_.wav\"\r\nContent-Type: audio/wav\r\n\r\n"
        ));
        assert_eq!(tail, format!("\r\n--{boundary}--\r\n").as_bytes());
        assert_eq!(req.body.len(), head.len() as u64 + 10 + tail.len() as u64);
        let too_big = p.upload(&policy, Path::new("a.wav"), (1 << 20) + 1);
        assert!(
            too_big
                .unwrap_err()
                .to_string()
                .contains("over the upload limit")
        );
        assert!(!format!("{policy:?}").contains("sig="));
    }

    #[test]
    fn upload_policy_and_list_bodies() {
        let p = protocol();
        let body = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/data/http/get-upload-policy-nosse.response.body.txt"
        ))
        .unwrap();
        let policy = p
            .parse_upload_policy(&HttpResponse::new(200, body))
            .unwrap();
        assert_eq!(
            policy.upload_host,
            "https://dashscope-file-mgr.oss-cn-beijing.aliyuncs.com"
        );
        assert_eq!(policy.max_file_size_mb, Some(1024));
        let list = p
            .parse_list(&HttpResponse::new(
                200,
                br#"{"request_id":"r","data":[{"task_id":"t1","status":"SUCCEEDED","model_name":"paraformer-v2"}],"total":1,"total_page":1,"page_no":1,"page_size":10}"#.to_vec(),
            ))
            .unwrap();
        assert_eq!(list.data[0].status, TaskStatus::Succeeded);
        assert_eq!(list.data[0].other["model_name"], "paraformer-v2");
        assert_eq!(list.total, Some(1));
    }

    #[test]
    fn excerpts_are_short_single_lines() {
        assert_eq!(excerpt(b"a\r\nb\x00c", 10), "a b c");
        assert_eq!(excerpt("日本語テキスト".as_bytes(), 3), "日本語…");
        assert_eq!(excerpt(&[0xff, b'a'], 10), "\u{fffd}a");
    }
}
