//! The DashScope client against a scripted HTTP server on 127.0.0.1 that speaks the documented
//! protocol. Nothing here leaves the machine; timeouts and poll intervals are milliseconds.
#![cfg(feature = "client")]

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use asrpost::client::{
    ApiKey, Client, Config, ErrorKind, ListQuery, PollSchedule, RetryPolicy, TranscriptionRequest,
};
use asrpost::task::{SubtaskStatus, TaskStatus};
use serde_json::{Value, json};

use super::util::{example, read_example};

const KEY: &str = "sk-integration-test-secret-0123";

/// One request as the server received it.
#[derive(Clone, Debug)]
pub(crate) struct Recorded {
    pub(crate) method: String,
    pub(crate) target: String,
    headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Recorded {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

/// What the server does with the next request.
pub(crate) enum Action {
    /// Answer with a status, extra headers and a body.
    Respond(u16, Vec<(&'static str, String)>, Vec<u8>),
    /// Read the request, then say nothing for this long and hang up.
    Stall(Duration),
    /// Declare `Content-Length: declared` but send only `body`, then hang up.
    Truncate(u16, Vec<u8>, usize),
}

pub(crate) fn ok(body: impl Into<Vec<u8>>) -> Action {
    Action::Respond(200, vec![], body.into())
}

pub(crate) fn status(code: u16, body: impl Into<Vec<u8>>) -> Action {
    Action::Respond(code, vec![], body.into())
}

/// A tiny HTTP/1.1 server: one request per connection, answers from a script in order.
pub(crate) struct Server {
    port: u16,
    log: Arc<Mutex<Vec<Recorded>>>,
    script: Arc<Mutex<VecDeque<Action>>>,
}

impl Server {
    pub(crate) fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(VecDeque::new()));
        let (l, s) = (log.clone(), script.clone());
        thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (l, s) = (l.clone(), s.clone());
                thread::spawn(move || serve(conn, &l, &s));
            }
        });
        Server { port, log, script }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub(crate) fn base(&self) -> String {
        self.url("/api/v1")
    }

    pub(crate) fn push(&self, action: Action) -> &Server {
        self.script.lock().unwrap().push_back(action);
        self
    }

    pub(crate) fn requests(&self) -> Vec<Recorded> {
        self.log.lock().unwrap().clone()
    }
}

fn serve(mut conn: TcpStream, log: &Mutex<Vec<Recorded>>, script: &Mutex<VecDeque<Action>>) {
    conn.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let Some(req) = read_request(&mut conn) else {
        return;
    };
    log.lock().unwrap().push(req);
    let action = script.lock().unwrap().pop_front().unwrap_or_else(|| {
        status(
            599,
            br#"{"code":"ScriptExhausted","message":"no scripted answer"}"#.to_vec(),
        )
    });
    match action {
        Action::Respond(code, headers, body) => {
            let _ = conn.write_all(&head(code, &headers, body.len()));
            let _ = conn.write_all(&body);
        }
        Action::Stall(d) => thread::sleep(d),
        Action::Truncate(code, body, declared) => {
            let _ = conn.write_all(&head(code, &[], declared));
            let _ = conn.write_all(&body);
        }
    }
    let _ = conn.flush();
}

fn head(code: u16, headers: &[(&str, String)], len: usize) -> Vec<u8> {
    let mut h =
        format!("HTTP/1.1 {code} Scripted\r\nContent-Length: {len}\r\nConnection: close\r\n");
    for (k, v) in headers {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    h.push_str("\r\n");
    h.into_bytes()
}

fn read_request(conn: &mut TcpStream) -> Option<Recorded> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = conn.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let target = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[end + 4..].to_vec();
    while body.len() < len {
        let n = conn.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Recorded {
        method,
        target,
        headers,
        body,
    })
}

/// A configuration for the test server: short timeouts, millisecond backoff and polling.
pub(crate) fn config(server: &Server) -> Config {
    Config::new(ApiKey::new(KEY).unwrap())
        .base_url(server.base())
        .unwrap()
        .connect_timeout(Duration::from_millis(500))
        .request_timeout(Duration::from_millis(400))
        .download_timeout(Duration::from_millis(400))
        .wait_timeout(Duration::from_secs(3))
        .retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(2))
                .max_backoff(Duration::from_millis(10))
                .max_retry_after(Duration::from_millis(150)),
        )
        .poll(PollSchedule::new(
            Duration::from_millis(2),
            Duration::from_millis(10),
        ))
}

fn task(id: &str, status: &str) -> Vec<u8> {
    json!({"request_id":"r","output":{"task_id":id,"task_status":status,
        "task_metrics":{"TOTAL":1,"SUCCEEDED":0,"FAILED":0}}})
    .to_string()
    .into_bytes()
}

fn http_sample(name: &str) -> Vec<u8> {
    std::fs::read(example(&format!("http/{name}"))).unwrap()
}

/// The key must not show anywhere a user or a log could see it.
/// The real upload-policy answer, with its upload host pointed at the test server.
fn upload_policy(server: &Server) -> Value {
    let body = String::from_utf8(http_sample("get-upload-policy-nosse.response.body.txt")).unwrap();
    let mut policy: Value = serde_json::from_str(body.trim_start_matches('\u{feff}')).unwrap();
    policy["data"]["upload_host"] = json!(server.url("/oss"));
    policy
}

fn assert_no_key(err: &asrpost::client::Error) {
    let shown = format!("{err} {err:?} {:?}", err.kind());
    assert!(!shown.contains(KEY), "{shown}");
}

#[test]
fn pending_running_succeeded_then_fetch() {
    let server = Server::start();
    let result = read_example("paraformer-v2_hello_world_male2.json");
    let done = json!({"request_id":"r4","output":{"task_id":"t1","task_status":"SUCCEEDED",
        "submit_time":"2025-09-25 01:37:36.380","end_time":"2025-09-25 01:37:38.450",
        "results":[{"file_url":"https://example.com/a.wav",
            "transcription_url":server.url("/results/a.json?Expires=1&Signature=s"),
            "subtask_status":"SUCCEEDED"}],
        "task_metrics":{"TOTAL":1,"SUCCEEDED":1,"FAILED":0}},"usage":{"duration":6}});
    server
        .push(ok(
            std::fs::read(example("task_submit_response.json")).unwrap()
        ))
        .push(ok(task("t1", "PENDING")))
        .push(ok(http_sample("get-task-running-nosse.response.body.txt")))
        .push(ok(done.to_string()))
        .push(ok(result.clone()));
    let client = Client::new(config(&server).workspace(Some("ws-7".into())));
    let request = TranscriptionRequest::new("paraformer-v2", ["https://example.com/a.wav"])
        .language_hints(["zh", "en"])
        .diarization_enabled(true)
        .speaker_count(2);
    let submitted = client.submit(&request).unwrap();
    let task_id = submitted.output.unwrap().task_id;
    assert_eq!(task_id, "68ca5d10-7c49-4abe-9550-4763105f8316");
    let mut seen = Vec::new();
    let finished = client
        .wait(&task_id, |t| {
            seen.push(t.output.as_ref().unwrap().task_status.clone())
        })
        .unwrap();
    assert_eq!(seen, [TaskStatus::Pending, TaskStatus::Running]);
    assert_eq!(
        finished.output.as_ref().unwrap().task_status,
        TaskStatus::Succeeded
    );
    let files = client.fetch_all(&finished).unwrap();
    assert_eq!(files.len(), 1);
    let doc = files[0].result.as_ref().unwrap();
    assert_eq!(
        doc.to_json(),
        asrpost::Transcription::from_str(&result).unwrap().to_json()
    );

    let reqs = server.requests();
    assert_eq!(reqs.len(), 5);
    let submit = &reqs[0];
    assert_eq!(
        (submit.method.as_str(), submit.target.as_str()),
        ("POST", "/api/v1/services/audio/asr/transcription")
    );
    let auth = format!("Bearer {KEY}");
    for (k, v) in [
        ("authorization", auth.as_str()),
        ("x-dashscope-async", "enable"),
        ("content-type", "application/json; charset=utf-8"),
        ("accept", "application/json; charset=utf-8"),
        ("x-dashscope-workspace", "ws-7"),
    ] {
        assert_eq!(submit.header(k), Some(v), "{k}");
    }
    assert!(submit.header("user-agent").unwrap().starts_with("asrpost/"));
    assert_eq!(submit.header("x-dashscope-ossresourceresolve"), None);
    assert_eq!(
        submit.json(),
        json!({"model":"paraformer-v2","input":{"file_urls":["https://example.com/a.wav"]},
            "parameters":{"language_hints":["zh","en"],"diarization_enabled":true,"speaker_count":2}})
    );
    for q in &reqs[1..4] {
        assert_eq!(
            (q.method.as_str(), q.target.as_str()),
            ("GET", "/api/v1/tasks/68ca5d10-7c49-4abe-9550-4763105f8316")
        );
        assert_eq!(q.header("authorization"), Some(auth.as_str()));
        assert_eq!(q.header("x-dashscope-async"), None);
        assert!(q.body.is_empty());
    }
    let download = &reqs[4];
    assert_eq!(download.target, "/results/a.json?Expires=1&Signature=s");
    // The signed result URL is another host in production: the key must not go there.
    assert_eq!(download.header("authorization"), None);
}

#[test]
fn multi_file_task_checks_each_file() {
    let server = Server::start();
    let done = json!({"output":{"task_id":"t2","task_status":"SUCCEEDED",
        "results":[
            {"file_url":"https://x/ok.wav","transcription_url":server.url("/r/ok.json"),"subtask_status":"SUCCEEDED"},
            {"file_url":"https://x/gone.wav","subtask_status":"FAILED","code":"InvalidFile.DownloadFailed",
             "message":"The audio file cannot be downloaded."},
            {"file_url":"https://x/quiet.wav","subtask_status":"SUCCEEDED","code":"SUCCESS_WITH_NO_VALID_FRAGMENT"}],
        "task_metrics":{"TOTAL":3,"SUCCEEDED":2,"FAILED":1}}});
    server
        .push(ok(done.to_string()))
        .push(ok(read_example("paraformer-v2_hello_world_female2.json")));
    let client = Client::new(config(&server));
    let finished = client.wait("t2", |_| {}).unwrap();
    let out = finished.output.as_ref().unwrap();
    assert_eq!(out.results[1].subtask_status, SubtaskStatus::Failed);
    let files = client.fetch_all(&finished).unwrap();
    assert_eq!(files.len(), 3);
    assert!(files[0].result.as_ref().unwrap().transcripts.len() == 1);
    let err = files[1].result.as_ref().unwrap_err();
    assert_eq!(err.code(), Some("InvalidFile.DownloadFailed"));
    assert_eq!(
        err.to_string(),
        "https://x/gone.wav: InvalidFile.DownloadFailed: The audio file cannot be downloaded."
    );
    let quiet = files[2].result.as_ref().unwrap();
    assert!(quiet.transcripts.is_empty());
    assert_eq!(quiet.file_url, "https://x/quiet.wav");
    // One query and one download: the failed and the silent file need no request.
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn unknown_task_id_ends_the_wait() {
    let server = Server::start();
    server.push(ok(http_sample("get-task-unknown-nosse.response.body.txt")));
    let client = Client::new(config(&server));
    let t = client
        .wait("1111", |_| panic!("no progress expected"))
        .unwrap();
    assert_eq!(t.output.as_ref().unwrap().task_status, TaskStatus::Unknown);
    let err = client.fetch_all(&t).unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::Task {
            status: TaskStatus::Unknown,
            ..
        }
    ));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn real_401_is_final_and_keeps_the_key_secret() {
    let server = Server::start();
    server.push(status(
        401,
        http_sample("auth-error-nosse.response.body.txt"),
    ));
    let client = Client::new(config(&server));
    let err = client
        .submit(&TranscriptionRequest::new(
            "paraformer-v2",
            ["https://x/a.wav"],
        ))
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.code(), Some("InvalidApiKey"));
    assert_eq!(
        err.to_string(),
        "service error 401 InvalidApiKey: Invalid API-key provided. (request id a1c0561c-1dfe-98a6-a62f-983577b8bc5e)"
    );
    assert_no_key(&err);
    assert!(!format!("{client:?}").contains(KEY));
    assert_eq!(server.requests().len(), 1, "401 is not retried");
}

#[test]
fn real_400_with_bom_is_final() {
    let server = Server::start();
    server.push(Action::Respond(
        400,
        vec![("Content-Type", "application/json".into())],
        http_sample("parameter-error-nosse.response.body.txt"),
    ));
    let client = Client::new(config(&server));
    let err = client.query("t").unwrap_err();
    match err.kind() {
        ErrorKind::Api {
            status,
            code,
            message,
            request_id,
        } => {
            assert_eq!((*status, code.as_str()), (400, "InvalidParameter"));
            assert!(message.starts_with("Role must be user or assistant"));
            assert_eq!(
                request_id.as_deref(),
                Some("a5898c04-d210-901b-965f-e4bd90478805")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 1, "400 is not retried");
}

#[test]
fn throttled_then_success_honours_retry_after() {
    let server = Server::start();
    server
        .push(Action::Respond(
            429,
            vec![("Retry-After", "1".into())],
            br#"{"code":"Throttling.RateQuota","message":"Requests rate limit exceeded"}"#.to_vec(),
        ))
        .push(ok(task("t", "RUNNING")));
    let client = Client::new(config(&server));
    let start = Instant::now();
    let t = client.query("t").unwrap();
    // Retry-After 1 s, capped at the configured 150 ms; the plain backoff is at most 10 ms.
    assert!(start.elapsed() >= Duration::from_millis(150));
    assert_eq!(t.output.unwrap().task_status, TaskStatus::Running);
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn a_run_of_500s() {
    let server = Server::start();
    for _ in 0..4 {
        server.push(status(
            500,
            br#"{"code":"InternalError","message":"boom"}"#.to_vec(),
        ));
    }
    let client = Client::new(config(&server));
    let err = client.query("t").unwrap_err();
    assert_eq!(
        (err.status(), err.code()),
        (Some(500), Some("InternalError"))
    );
    assert_eq!(server.requests().len(), 4, "max_attempts requests");

    // Fewer 500s than attempts: the call succeeds.
    let server = Server::start();
    server
        .push(status(500, "x"))
        .push(status(503, "y"))
        .push(ok(task("t", "SUCCEEDED")));
    let client = Client::new(config(&server));
    assert!(client.query("t").is_ok());
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn waiting_rides_out_503_like_the_sdk() {
    let server = Server::start();
    for _ in 0..5 {
        server.push(status(503, "unavailable"));
    }
    server.push(ok(task("t", "SUCCEEDED")));
    let client = Client::new(config(&server).retry(RetryPolicy::none()));
    let t = client.wait("t", |_| {}).unwrap();
    assert_eq!(t.output.unwrap().task_status, TaskStatus::Succeeded);
    assert_eq!(server.requests().len(), 6);
}

#[test]
fn stalled_server_times_out() {
    let server = Server::start();
    for _ in 0..2 {
        server.push(Action::Stall(Duration::from_secs(2)));
    }
    let client = Client::new(
        config(&server)
            .request_timeout(Duration::from_millis(150))
            .retry(
                RetryPolicy::default()
                    .max_attempts(2)
                    .initial_backoff(Duration::from_millis(1)),
            ),
    );
    let start = Instant::now();
    let err = client.query("t").unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Timeout { .. }), "{err:?}");
    assert!(start.elapsed() < Duration::from_millis(1500));
    assert_eq!(server.requests().len(), 2, "a timeout is retried");
}

#[test]
fn wait_is_bounded_by_its_deadline() {
    let server = Server::start();
    server.push(ok(task("t", "RUNNING")));
    for _ in 0..20 {
        server.push(Action::Stall(Duration::from_secs(2)));
    }
    let client = Client::new(
        config(&server)
            .request_timeout(Duration::from_millis(100))
            .wait_timeout(Duration::from_millis(500)),
    );
    let start = Instant::now();
    let err = client.wait("t", |_| {}).unwrap_err();
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(450) && took < Duration::from_millis(1500),
        "{took:?}"
    );
    match err.kind() {
        ErrorKind::WaitTimeout {
            task_id,
            last_status,
            ..
        } => {
            assert_eq!(task_id, "t");
            assert_eq!(last_status, &Some(TaskStatus::Running));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.code(), Some("WaitTaskTimeout"));
}

#[test]
fn truncated_body_is_retried_then_reported() {
    let server = Server::start();
    let full = read_example("paraformer-v2_hello_world_male2.json").into_bytes();
    server
        .push(Action::Truncate(200, full[..100].to_vec(), full.len()))
        .push(ok(full.clone()));
    let client = Client::new(config(&server));
    let result = asrpost::task::FileResult {
        file_url: "https://x/a.wav".into(),
        transcription_url: Some(server.url("/r/a.json")),
        subtask_status: SubtaskStatus::Succeeded,
        ..Default::default()
    };
    let doc = client.fetch(&result).unwrap();
    assert_eq!(doc.transcripts.len(), 1);
    assert_eq!(server.requests().len(), 2);

    // Always cut short: a transport error after the attempts.
    let server = Server::start();
    for _ in 0..4 {
        server.push(Action::Truncate(200, full[..100].to_vec(), full.len()));
    }
    let client = Client::new(config(&server));
    let result = asrpost::task::FileResult {
        transcription_url: Some(server.url("/r/a.json")),
        ..result
    };
    let err = client.fetch(&result).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Transport { .. }), "{err:?}");
    assert_eq!(server.requests().len(), 4);

    // A complete response whose JSON is cut: a result error with the position, not retried.
    let server = Server::start();
    server.push(ok(full[..100].to_vec()));
    let client = Client::new(config(&server));
    let result = asrpost::task::FileResult {
        transcription_url: Some(server.url("/r/a.json")),
        ..result
    };
    let err = client.fetch(&result).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Result { .. }), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn html_error_page() {
    let server = Server::start();
    let page = b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center></body></html>".to_vec();
    for _ in 0..4 {
        server.push(Action::Respond(
            502,
            vec![("Content-Type", "text/html".into())],
            page.clone(),
        ));
    }
    let client = Client::new(config(&server));
    let err = client.cancel("t").unwrap_err();
    assert_eq!(
        err.to_string(),
        "service error 502 Unknown: 502 Bad Gateway"
    );
    assert_eq!(server.requests().len(), 4);

    // An HTML page with status 200 where JSON was promised.
    let server = Server::start();
    server.push(ok(page));
    let client = Client::new(config(&server));
    let err = client.query("t").unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::InvalidResponse { status: 200, .. }),
        "{err:?}"
    );
}

#[test]
fn oversized_result_is_refused() {
    let server = Server::start();
    let big = format!(r#"{{"file_url":"{}","transcripts":[]}}"#, "x".repeat(4096));
    server.push(ok(big));
    let client = Client::new(config(&server).max_result_bytes(1024));
    let result = asrpost::task::FileResult {
        file_url: "https://x/a.wav".into(),
        transcription_url: Some(server.url("/r/big.json")),
        subtask_status: SubtaskStatus::Succeeded,
        ..Default::default()
    };
    let err = client.fetch(&result).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::BodyTooLarge { limit: 1024 }),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1, "not retried");
}

#[test]
fn cancel_and_list() {
    let server = Server::start();
    server
        .push(ok(http_sample("cancel-completed-task-nosse.response.body.txt")))
        .push(ok(br#"{"request_id":"r"}"#.to_vec()))
        .push(ok(
            br#"{"request_id":"r","data":[{"task_id":"a","status":"RUNNING"}],"total":1,"total_page":1,"page_no":2,"page_size":5}"#.to_vec(),
        ));
    let client = Client::new(config(&server));
    let err = client
        .cancel("6075262c-b56d-4968-9abf-2a9784a90f3e")
        .unwrap_err();
    assert_eq!(err.code(), Some("UnsupportedOperation"));
    assert!(client.cancel("t").is_ok());
    let page = client
        .list(&ListQuery::new().page_no(2).page_size(5).status("RUNNING"))
        .unwrap();
    assert_eq!(page.data[0].status, TaskStatus::Running);
    let reqs = server.requests();
    assert_eq!(
        (
            reqs[0].method.as_str(),
            reqs[0].target.as_str(),
            reqs[0].body.len()
        ),
        (
            "POST",
            "/api/v1/tasks/6075262c-b56d-4968-9abf-2a9784a90f3e/cancel",
            0
        )
    );
    assert_eq!(reqs[0].header("content-length"), Some("0"));
    assert_eq!(
        reqs[2].target,
        "/api/v1/tasks?page_no=2&page_size=5&status=RUNNING"
    );
}

#[test]
fn upload_flow_then_submit_with_oss_url() {
    let server = Server::start();
    let policy = upload_policy(&server);
    server
        .push(ok(policy.to_string()))
        .push(ok(Vec::new()))
        .push(ok(task("t9", "PENDING")));
    let dir = tempfile::tempdir().unwrap();
    let audio = dir.path().join("call 1.wav");
    let bytes: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&audio, &bytes).unwrap();

    let client = Client::new(config(&server));
    let url = client.upload(&audio, "paraformer-v2").unwrap();
    let dir_name = policy["data"]["upload_dir"].as_str().unwrap();
    assert_eq!(url, format!("oss://{dir_name}/call_1.wav"));
    client
        .submit(&TranscriptionRequest::new("paraformer-v2", [url.clone()]))
        .unwrap();

    let reqs = server.requests();
    assert_eq!(
        (reqs[0].method.as_str(), reqs[0].target.as_str()),
        (
            "GET",
            "/api/v1/uploads?action=getPolicy&model=paraformer-v2"
        )
    );
    assert!(reqs[0].header("authorization").is_some());
    let form = &reqs[1];
    assert_eq!(
        (form.method.as_str(), form.target.as_str()),
        ("POST", "/oss")
    );
    assert_eq!(
        form.header("authorization"),
        None,
        "the policy signs the upload"
    );
    let ct = form.header("content-type").unwrap();
    let boundary = ct.strip_prefix("multipart/form-data; boundary=").unwrap();
    assert_eq!(
        form.header("content-length")
            .unwrap()
            .parse::<usize>()
            .unwrap(),
        form.body.len()
    );
    let parts = multipart_fields(&form.body, boundary);
    let field = |n: &str| {
        parts
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_eq!(field("OSSAccessKeyId"), b"accessKeyId");
    assert_eq!(field("Signature"), b"n3dNX/aD3+WAly0QgzsURfiIk00=");
    assert_eq!(field("key"), format!("{dir_name}/call_1.wav").as_bytes());
    assert_eq!(field("x-oss-object-acl"), b"private");
    assert_eq!(field("x-oss-forbid-overwrite"), b"true");
    assert_eq!(field("success_action_status"), b"200");
    assert_eq!(field("x-oss-content-type"), b"audio/wav");
    assert_eq!(field("file"), bytes);
    assert_eq!(parts.last().unwrap().0, "file", "the file comes last");

    let submit = &reqs[2];
    assert_eq!(
        submit.header("x-dashscope-ossresourceresolve"),
        Some("enable")
    );
    assert_eq!(submit.json()["input"]["file_urls"], json!([url]));
}

/// (name, value) of each part of a multipart body.
fn multipart_fields(body: &[u8], boundary: &str) -> Vec<(String, Vec<u8>)> {
    let delim = format!("--{boundary}");
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(i) = find(rest, delim.as_bytes()) {
        rest = &rest[i + delim.len()..];
        if rest.starts_with(b"--") {
            break;
        }
        let head_end = find(rest, b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&rest[..head_end]).into_owned();
        let name = head
            .split("name=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let value_start = head_end + 4;
        let next = find(&rest[value_start..], delim.as_bytes()).unwrap() + value_start;
        out.push((name.to_string(), rest[value_start..next - 2].to_vec()));
        rest = &rest[next..];
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn connection_refused_is_a_transport_error() {
    // Bind then drop, so the port is (very likely) closed.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = Config::new(ApiKey::new(KEY).unwrap())
        .base_url(format!("http://127.0.0.1:{port}/api/v1"))
        .unwrap()
        .retry(
            RetryPolicy::default()
                .max_attempts(2)
                .initial_backoff(Duration::from_millis(1)),
        );
    let err = Client::new(config).query("t").unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Transport { .. }), "{err:?}");
    assert_no_key(&err);
}

/// `asrpost transcribe` and `asrpost task` end to end against the scripted server.
#[cfg(feature = "cli")]
mod cli {
    use std::process::{Command, Output, Stdio};

    use super::*;

    fn asrpost(server: &Server, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_asrpost"))
            .args(args)
            .env("DASHSCOPE_API_KEY", KEY)
            .env("DASHSCOPE_HTTP_BASE_URL", server.base())
            .env_remove("DASHSCOPE_WORKSPACE")
            .env_remove("DASHSCOPE_API_VERSION")
            .stdin(Stdio::null())
            .output()
            .expect("run asrpost")
    }

    fn stderr(o: &Output) -> String {
        String::from_utf8_lossy(&o.stderr).into_owned()
    }

    #[test]
    fn transcribe_a_url_and_a_local_file() {
        let server = Server::start();
        let policy = upload_policy(&server);
        let dir_name = policy["data"]["upload_dir"].as_str().unwrap().to_string();
        let oss = format!("oss://{dir_name}/meeting.wav");
        let done = json!({"output":{"task_id":"t-cli","task_status":"SUCCEEDED",
            "results":[
                {"file_url":oss,"transcription_url":server.url("/r/2.json"),"subtask_status":"SUCCEEDED"},
                {"file_url":"https://example.com/talk.wav?sig=1","transcription_url":server.url("/r/1.json"),"subtask_status":"SUCCEEDED"}],
            "task_metrics":{"TOTAL":2,"SUCCEEDED":2,"FAILED":0}}});
        server
            .push(ok(policy.to_string()))
            .push(ok(Vec::new()))
            .push(ok(task("t-cli", "PENDING")))
            .push(ok(done.to_string()))
            .push(ok(read_example("paraformer-v2_hello_world_male2.json")))
            .push(ok(read_example(
                "paraformer-v2_transcription_result_24k.json",
            )));
        let work = tempfile::tempdir().unwrap();
        let audio = work.path().join("meeting.wav");
        std::fs::write(&audio, b"RIFF fake audio").unwrap();
        let out = work.path().join("out");
        let o = asrpost(
            &server,
            &[
                "transcribe",
                "https://example.com/talk.wav?sig=1",
                audio.to_str().unwrap(),
                "--language",
                "zh,en",
                "--diarization",
                "--speaker-count",
                "2",
                "--service-mask",
                "测试",
                "--to",
                "txt",
                "--out-dir",
                out.to_str().unwrap(),
            ],
        );
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(0), "{err}");
        assert!(!err.contains(KEY));
        assert!(err.contains("task t-cli submitted"), "{err}");
        assert!(err.contains("asrpost transcribe --task t-cli"), "{err}");
        let meeting = std::fs::read_to_string(out.join("meeting.txt")).unwrap();
        assert!(meeting.contains("Hello world"), "{meeting}");
        let talk = std::fs::read_to_string(out.join("talk.txt")).unwrap();
        assert!(!talk.is_empty() && talk != meeting);

        let reqs = server.requests();
        let targets: Vec<&str> = reqs.iter().map(|r| r.target.as_str()).collect();
        assert_eq!(
            targets,
            [
                "/api/v1/uploads?action=getPolicy&model=paraformer-v2",
                "/oss",
                "/api/v1/services/audio/asr/transcription",
                "/api/v1/tasks/t-cli",
                "/r/2.json",
                "/r/1.json"
            ]
        );
        let submit = &reqs[2];
        assert_eq!(
            submit.header("x-dashscope-ossresourceresolve"),
            Some("enable")
        );
        assert_eq!(
            submit.json(),
            json!({"model":"paraformer-v2",
                "input":{"file_urls":["https://example.com/talk.wav?sig=1", oss]},
                "parameters":{"language_hints":["zh","en"],"diarization_enabled":true,"speaker_count":2,
                    "special_word_filter":"{\"filter_with_signed\":{\"word_list\":[\"测试\"]}}"}})
        );
    }

    #[test]
    fn transcribe_reports_a_failed_file_and_writes_the_rest() {
        let server = Server::start();
        let done = json!({"output":{"task_id":"t","task_status":"SUCCEEDED",
            "results":[
                {"file_url":"https://x/a.wav","transcription_url":server.url("/r/a.json"),"subtask_status":"SUCCEEDED"},
                {"file_url":"https://x/b.wav","subtask_status":"FAILED","code":"InvalidFile.DecodeFailed",
                 "message":"The audio file cannot be decoded."}]}});
        server
            .push(ok(task("t", "PENDING")))
            .push(ok(done.to_string()))
            .push(ok(read_example("paraformer-v2_hello_world_female2.json")));
        let out = tempfile::tempdir().unwrap();
        let o = asrpost(
            &server,
            &[
                "transcribe",
                "https://x/a.wav",
                "https://x/b.wav",
                "--out-dir",
                out.path().to_str().unwrap(),
            ],
        );
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(
            err.contains(
                "https://x/b.wav: InvalidFile.DecodeFailed: The audio file cannot be decoded."
            ),
            "{err}"
        );
        let a: Value =
            serde_json::from_str(&std::fs::read_to_string(out.path().join("a.json")).unwrap())
                .unwrap();
        assert_eq!(
            a["file_url"],
            read_json("paraformer-v2_hello_world_female2.json")["file_url"]
        );
        assert!(!out.path().join("b.json").exists());
    }

    #[test]
    fn transcribe_resumes_an_earlier_task() {
        let server = Server::start();
        let done = json!({"output":{"task_id":"t-r","task_status":"SUCCEEDED",
            "results":[{"file_url":"https://x/dir/rec.wav?Expires=9","transcription_url":server.url("/r/rec.json"),
                "subtask_status":"SUCCEEDED"}]}});
        server
            .push(ok(done.to_string()))
            .push(ok(read_example("paraformer-v2_hello_world_male2.json")));
        let out = tempfile::tempdir().unwrap();
        let o = asrpost(
            &server,
            &[
                "transcribe",
                "--task",
                "t-r",
                "--to",
                "txt",
                "--out-dir",
                out.path().to_str().unwrap(),
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(
            std::fs::read_to_string(out.path().join("rec.txt"))
                .unwrap()
                .contains("Hello world")
        );
        let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
        assert_eq!(targets, ["/api/v1/tasks/t-r", "/r/rec.json"]);
        // Neither inputs nor --task is a usage error.
        let o = asrpost(
            &server,
            &["transcribe", "--out-dir", out.path().to_str().unwrap()],
        );
        assert_eq!(o.status.code(), Some(2));
    }

    fn read_json(name: &str) -> Value {
        serde_json::from_str(&read_example(name)).unwrap()
    }

    #[test]
    fn task_status_wait_and_cancel() {
        let server = Server::start();
        server
            .push(ok(http_sample("get-task-running-nosse.response.body.txt")))
            .push(ok(http_sample("get-task-unknown-nosse.response.body.txt")))
            .push(ok(http_sample(
                "cancel-completed-task-nosse.response.body.txt",
            )));
        let o = asrpost(&server, &["task", "status", "9e2b6ef6"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["output"]["task_status"], "RUNNING");
        let o = asrpost(&server, &["task", "wait", "1111", "--wait-timeout", "5"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["output"]["task_status"], "UNKNOWN");
        let o = asrpost(&server, &["task", "cancel", "6075262c"]);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("UnsupportedOperation"),
            "{}",
            stderr(&o)
        );
        let reqs = server.requests();
        assert_eq!(reqs[2].method, "POST");
        assert_eq!(reqs[2].target, "/api/v1/tasks/6075262c/cancel");
    }

    #[test]
    fn missing_key_is_a_clear_error() {
        let o = Command::new(env!("CARGO_BIN_EXE_asrpost"))
            .args(["task", "status", "t"])
            .env_remove("DASHSCOPE_API_KEY")
            .env("DASHSCOPE_HTTP_BASE_URL", "http://127.0.0.1:9/api/v1")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("DASHSCOPE_API_KEY is not set"));
    }
}

/// Invariants of the retry and polling decisions and of request building.
mod prop {
    use asrpost::client::{Failure, Protocol, SpecialWordFilter};
    use proptest::collection::vec;
    use proptest::prelude::*;

    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    proptest! {
        #[test]
        fn retry_delays_are_bounded(
            attempt in 1u32..20,
            status in 100u16..600,
            retry_after in proptest::option::of(0u64..10_000),
            jitter in 0.0f64..1.0,
            initial in 0u64..5_000,
            max in 0u64..60_000,
            max_retry_after in 0u64..200_000,
        ) {
            let p = RetryPolicy::default()
                .max_attempts(10)
                .initial_backoff(ms(initial))
                .max_backoff(ms(max))
                .max_retry_after(ms(max_retry_after));
            let f = Failure::Status { status, retry_after: retry_after.map(ms) };
            match p.delay_with(attempt, f, jitter) {
                Some(d) => {
                    prop_assert!(f.is_retryable() && attempt < 10);
                    prop_assert!(d <= ms(max).max(ms(max_retry_after)));
                    if let Some(r) = retry_after {
                        prop_assert!(d >= ms(r).min(ms(max_retry_after)));
                    }
                }
                None => prop_assert!(!f.is_retryable() || attempt >= 10),
            }
            // 400, 401 and 403 are never retried.
            for s in [400, 401, 403] {
                prop_assert_eq!(p.delay_with(attempt, Failure::Status { status: s, retry_after: None }, jitter), None);
            }
        }

        #[test]
        fn poll_schedule_is_monotone_and_bounded(initial in 1u64..1_000, max in 1u64..10_000) {
            let sleeps: Vec<Duration> =
                PollSchedule::new(ms(initial), ms(max)).sleeps().take(60).collect();
            let top = ms(initial.max(max));
            prop_assert_eq!(sleeps[0], ms(initial));
            prop_assert!(sleeps.windows(2).all(|w| w[0] <= w[1]));
            prop_assert!(sleeps.iter().all(|&d| d <= top));
            prop_assert_eq!(*sleeps.last().unwrap(), top);
        }

        #[test]
        fn submit_bodies_carry_the_request(
            urls in vec("(https|oss)://[a-z]{1,8}/[a-z0-9]{1,8}\\.wav", 1..6),
            speakers in 0u32..200,
            words in vec("\\PC{1,4}", 0..3),
        ) {
            let protocol = Protocol::new(Config::new(ApiKey::new(KEY).unwrap()));
            let req = TranscriptionRequest::new("paraformer-v2", urls.clone())
                .speaker_count(speakers)
                .special_word_filter(SpecialWordFilter::new().mask(words.clone()));
            let valid = (2..=100).contains(&speakers) && words.iter().all(|w| !w.trim().is_empty());
            match protocol.submit(&req) {
                Ok(http) => {
                    prop_assert!(valid);
                    let asrpost::client::RequestBody::Bytes(body) = &http.body else {
                        panic!("submit sends JSON");
                    };
                    let v: Value = serde_json::from_slice(body).unwrap();
                    prop_assert_eq!(&v["input"]["file_urls"], &json!(urls));
                    prop_assert_eq!(&v["parameters"]["speaker_count"], &json!(speakers));
                    let filter: Value = serde_json::from_str(
                        v["parameters"]["special_word_filter"].as_str().unwrap()).unwrap();
                    prop_assert_eq!(&filter["filter_with_signed"]["word_list"], &json!(words));
                    let oss = urls.iter().any(|u| u.starts_with("oss://"));
                    prop_assert_eq!(http.header("X-DashScope-OssResourceResolve").is_some(), oss);
                    let shown = format!("{http:?}");
                    prop_assert!(!shown.contains(KEY));
                }
                Err(e) => {
                    prop_assert!(!valid);
                    prop_assert!(!e.to_string().contains(KEY));
                }
            }
        }

        #[test]
        fn task_ids_stay_in_their_path_segment(id in "\\PC{0,12}") {
            let protocol = Protocol::new(Config::new(ApiKey::new(KEY).unwrap()));
            if let Ok(req) = protocol.query(&id) {
                let path = req.url.strip_prefix("https://dashscope.aliyuncs.com/api/v1/tasks/").unwrap();
                prop_assert_eq!(path, id.as_str());
                prop_assert!(!path.contains(['/', '?', '#', '%']) && path != "." && path != "..");
            }
        }
    }
}

#[test]
fn failed_task_is_an_answer_then_a_task_error() {
    let server = Server::start();
    server.push(ok(
        json!({"request_id":"r","output":{"task_id":"t","task_status":"FAILED",
        "code":"InvalidFile.DecodeFailed","message":"The audio file cannot be decoded."}})
        .to_string(),
    ));
    let client = Client::new(config(&server));
    let t = client.wait("t", |_| {}).unwrap();
    let err = client.fetch_all(&t).unwrap_err();
    assert_eq!(
        err.to_string(),
        "task t ended FAILED: InvalidFile.DecodeFailed: The audio file cannot be decoded."
    );
    assert_eq!(err.code(), Some("InvalidFile.DecodeFailed"));
}
