//! Bodies of the fuzz targets in `fuzz/`, shared with the test that runs them over the committed
//! seed corpus (`fuzz/seeds/<target>/`), so CI exercises them without a fuzzer.
//!
//! Each body panics only when an invariant breaks; bad input must give an `Err`, never a panic.

use crate::{ParseOptions, Transcription};

/// `parse`: any bytes give a document or an error, through every parser.
pub fn parse(data: &[u8]) {
    let _ = Transcription::from_slice(data);
    let _ = ParseOptions::new()
        .max_depth(8)
        .max_bytes(4096)
        .parse_slice(data);
    let _ = crate::task::TaskResponse::from_slice(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::realtime::Event::from_str(text);
        let _ = crate::realtime::Assembler::new().push(text);
    }
}

/// `client`: DashScope responses of any status and body go through every response parser of
/// [`crate::client::Protocol`] without a panic; successes only come from 2xx answers; errors
/// never show the API key; `Retry-After` parsing and request building take any text.
///
/// The first byte picks the HTTP status; the rest is the body (and, as text, a `Retry-After`
/// value, file URLs one per line, and a task id).
#[cfg(feature = "client")]
pub fn client(data: &[u8]) {
    use crate::client::{
        ApiKey, Config, HttpResponse, Protocol, TranscriptionRequest, api_error, parse_retry_after,
    };

    const KEY: &str = "sk-fuzz-secret-key";
    const STATUSES: [u16; 16] = [
        200, 201, 204, 301, 400, 401, 403, 404, 408, 429, 500, 502, 503, 504, 599, 100,
    ];
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let status = STATUSES[usize::from(first) % STATUSES.len()];
    let Ok(key) = ApiKey::new(KEY) else {
        return;
    };
    let protocol = Protocol::new(Config::new(key));
    let resp = HttpResponse::new(status, body.to_vec());
    let no_key = |e: &crate::client::Error| {
        if !data.windows(KEY.len()).any(|w| w == KEY.as_bytes()) {
            assert!(!e.to_string().contains(KEY));
            assert!(!format!("{e:?}").contains(KEY));
        }
    };
    let check = |ok: bool| assert!(!ok || resp.is_success(), "success from {status}");
    match protocol.parse_task(&resp) {
        Ok(_) => check(true),
        Err(e) => no_key(&e),
    }
    match protocol.parse_submit(&resp) {
        Ok(t) => {
            check(true);
            assert!(t.output.is_some_and(|o| !o.task_id.is_empty()));
        }
        Err(e) => no_key(&e),
    }
    match protocol.parse_list(&resp) {
        Ok(_) => check(true),
        Err(e) => no_key(&e),
    }
    match protocol.parse_upload_policy(&resp) {
        Ok(_) => check(true),
        Err(e) => no_key(&e),
    }
    match protocol.parse_result(&resp) {
        Ok(_) => check(true),
        Err(e) => no_key(&e),
    }
    no_key(&api_error(&resp));

    let text = String::from_utf8_lossy(body);
    let _ = parse_retry_after(&text, std::time::SystemTime::now());
    let urls: Vec<&str> = text.lines().take(120).collect();
    if let Ok(bytes) = TranscriptionRequest::new("paraformer-v2", urls.iter().copied()).to_body() {
        let v: serde_json::Value = serde_json::from_slice(&bytes).expect("a built body is JSON");
        assert_eq!(
            v["input"]["file_urls"].as_array().map(Vec::len),
            Some(urls.len())
        );
    }
    if let Ok(req) = protocol.query(urls.first().copied().unwrap_or("")) {
        assert!(!req.url.contains(['?', '#', ' ']) && !req.url.ends_with("/.."));
    }
}
