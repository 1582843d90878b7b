//! What a transcription task asks for: the model, the files and every documented parameter.

use serde::Serialize;
use serde_json::{Map, Value};

use super::error::{Error, Result};

/// The most file URLs one task takes.
pub const MAX_FILE_URLS: usize = 100;

/// A transcription task to submit.
///
/// Unset parameters are left out of the request, as the official SDK does, so the service's own
/// defaults apply.
///
/// # Example
///
/// ```
/// use asrpost::client::{SpecialWordFilter, TranscriptionRequest};
///
/// let req = TranscriptionRequest::new("paraformer-v2", ["https://example.com/a.wav"])
///     .language_hints(["zh", "en"])
///     .diarization_enabled(true)
///     .speaker_count(2)
///     .special_word_filter(SpecialWordFilter::new().mask(["测试"]));
/// let body: serde_json::Value = serde_json::from_slice(&req.to_body()?)?;
/// assert_eq!(body["parameters"]["speaker_count"], 2);
/// // The filter travels as a JSON string, as the service expects.
/// assert!(body["parameters"]["special_word_filter"].is_string());
/// assert!(body["parameters"].get("channel_id").is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TranscriptionRequest {
    model: String,
    file_urls: Vec<String>,
    channel_id: Option<Vec<u32>>,
    language_hints: Option<Vec<String>>,
    vocabulary_id: Option<String>,
    phrase_id: Option<String>,
    disfluency_removal_enabled: Option<bool>,
    timestamp_alignment_enabled: Option<bool>,
    special_word_filter: Option<SpecialWordFilter>,
    diarization_enabled: Option<bool>,
    speaker_count: Option<u32>,
    audio_event_detection_enabled: Option<bool>,
    extra: Map<String, Value>,
}

impl TranscriptionRequest {
    /// A request for `model` (`paraformer-v2`, `paraformer-8k-v2`, `fun-asr`…) over audio URLs
    /// (`https://…`, or `oss://…` from [`super::Client::upload`]).
    pub fn new<I, S>(model: impl Into<String>, file_urls: I) -> TranscriptionRequest
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        TranscriptionRequest {
            model: model.into(),
            file_urls: file_urls.into_iter().map(Into::into).collect(),
            ..TranscriptionRequest::default()
        }
    }

    /// The model.
    pub fn get_model(&self) -> &str {
        &self.model
    }

    /// The file URLs.
    pub fn get_file_urls(&self) -> &[String] {
        &self.file_urls
    }

    /// Replaces the file URLs (after uploading local files, for instance).
    pub fn file_urls<I, S>(mut self, urls: I) -> TranscriptionRequest
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.file_urls = urls.into_iter().map(Into::into).collect();
        self
    }

    /// Audio tracks to transcribe, 0-based; each one is billed. By default, unset (the service
    /// transcribes track 0).
    pub fn channel_id(mut self, channels: impl IntoIterator<Item = u32>) -> TranscriptionRequest {
        self.channel_id = Some(channels.into_iter().collect());
        self
    }

    /// Language hints (paraformer-v2: zh, en, ja, yue, ko, de, fr, ru). By default, unset.
    pub fn language_hints<I, S>(mut self, hints: I) -> TranscriptionRequest
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.language_hints = Some(hints.into_iter().map(Into::into).collect());
        self
    }

    /// A hot-word vocabulary id (v2 models). By default, unset.
    pub fn vocabulary_id(mut self, id: impl Into<String>) -> TranscriptionRequest {
        self.vocabulary_id = Some(id.into());
        self
    }

    /// A v1 hot-word phrase id, sent as an `asr_phrase` resource. By default, unset.
    pub fn phrase_id(mut self, id: impl Into<String>) -> TranscriptionRequest {
        self.phrase_id = Some(id.into());
        self
    }

    /// Whether the service filters filler words. By default, unset (the service's default is
    /// off).
    pub fn disfluency_removal_enabled(mut self, yes: bool) -> TranscriptionRequest {
        self.disfluency_removal_enabled = Some(yes);
        self
    }

    /// Whether the service calibrates timestamps. By default, unset (off).
    pub fn timestamp_alignment_enabled(mut self, yes: bool) -> TranscriptionRequest {
        self.timestamp_alignment_enabled = Some(yes);
        self
    }

    /// The service's sensitive-word filter. By default, unset (the service still applies its
    /// built-in list to paraformer file models).
    pub fn special_word_filter(mut self, filter: SpecialWordFilter) -> TranscriptionRequest {
        self.special_word_filter = Some(filter);
        self
    }

    /// Whether to label speakers (mono audio only; adds `speaker_id`). By default, unset (off).
    pub fn diarization_enabled(mut self, yes: bool) -> TranscriptionRequest {
        self.diarization_enabled = Some(yes);
        self
    }

    /// A hint of how many speakers there are, 2–100 (with diarization). By default, unset.
    pub fn speaker_count(mut self, n: u32) -> TranscriptionRequest {
        self.speaker_count = Some(n);
        self
    }

    /// Whether to detect audio events (listed in the SDK only). By default, unset.
    pub fn audio_event_detection_enabled(mut self, yes: bool) -> TranscriptionRequest {
        self.audio_event_detection_enabled = Some(yes);
        self
    }

    /// Any other parameter, for models newer than this library. A documented parameter set
    /// through its own setter wins. By default, none.
    pub fn parameter(mut self, name: impl Into<String>, value: Value) -> TranscriptionRequest {
        self.extra.insert(name.into(), value);
        self
    }

    /// Whether any file URL is a temporary `oss://` upload (which needs the
    /// `X-DashScope-OssResourceResolve: enable` header).
    pub fn has_oss_urls(&self) -> bool {
        self.file_urls.iter().any(|u| u.starts_with("oss://"))
    }

    /// Checks the request against the documented limits.
    ///
    /// # Errors
    ///
    /// [`super::ErrorKind::InvalidRequest`] naming the parameter: an empty model, no or more than
    /// 100 file URLs, a URL that is not `http(s)://` or `oss://`, an empty language hint, a
    /// speaker count outside 2–100, an empty filter word.
    pub fn validate(&self) -> Result<()> {
        if self.model.trim().is_empty() {
            return Err(Error::invalid("model", "the model is empty"));
        }
        let n = self.file_urls.len();
        if n == 0 || n > MAX_FILE_URLS {
            return Err(Error::invalid(
                "file_urls",
                format!("a task takes 1 to {MAX_FILE_URLS} file URLs, not {n}"),
            ));
        }
        for (i, url) in self.file_urls.iter().enumerate() {
            let ok = ["https://", "http://", "oss://"].iter().any(|scheme| {
                url.strip_prefix(scheme)
                    .is_some_and(|rest| !rest.is_empty())
            }) && !url.chars().any(char::is_whitespace);
            if !ok {
                return Err(Error::invalid(
                    "file_urls",
                    format!("URL {} is not an http(s):// or oss:// URL: `{url}`", i + 1),
                ));
            }
        }
        if let Some(hints) = &self.language_hints {
            if hints.iter().any(|h| h.trim().is_empty()) {
                return Err(Error::invalid("language_hints", "a hint is empty"));
            }
        }
        if let Some(n) = self.speaker_count {
            if !(2..=100).contains(&n) {
                return Err(Error::invalid(
                    "speaker_count",
                    format!("must be 2 to 100, not {n}"),
                ));
            }
        }
        if let Some(f) = &self.special_word_filter {
            f.validate()?;
        }
        Ok(())
    }

    /// The JSON body of the submit request.
    ///
    /// # Errors
    ///
    /// As [`TranscriptionRequest::validate`].
    pub fn to_body(&self) -> Result<Vec<u8>> {
        self.validate()?;
        let mut params = self.extra.clone();
        let mut put = |k: &str, v: Value| {
            params.insert(k.to_string(), v);
        };
        if let Some(v) = &self.channel_id {
            put("channel_id", Value::from(v.clone()));
        }
        if let Some(v) = &self.language_hints {
            put("language_hints", Value::from(v.clone()));
        }
        if let Some(v) = &self.vocabulary_id {
            put("vocabulary_id", Value::from(v.clone()));
        }
        if let Some(v) = self.disfluency_removal_enabled {
            put("disfluency_removal_enabled", Value::from(v));
        }
        if let Some(v) = self.timestamp_alignment_enabled {
            put("timestamp_alignment_enabled", Value::from(v));
        }
        if let Some(f) = &self.special_word_filter {
            put("special_word_filter", Value::from(f.to_json_string()));
        }
        if let Some(v) = self.diarization_enabled {
            put("diarization_enabled", Value::from(v));
        }
        if let Some(v) = self.speaker_count {
            put("speaker_count", Value::from(v));
        }
        if let Some(v) = self.audio_event_detection_enabled {
            put("audio_event_detection_enabled", Value::from(v));
        }
        let mut body = serde_json::json!({
            "model": self.model,
            "input": {"file_urls": self.file_urls},
            "parameters": params,
        });
        if let Some(id) = &self.phrase_id {
            body["resources"] =
                serde_json::json!([{"resource_id": id, "resource_type": "asr_phrase"}]);
        }
        serde_json::to_vec(&body).map_err(|e| Error::invalid("request", e.to_string()))
    }
}

/// The service-side sensitive-word filter (`special_word_filter`).
///
/// Words in [`SpecialWordFilter::mask`] are replaced by one `*` per character; words in
/// [`SpecialWordFilter::remove`] are deleted; [`SpecialWordFilter::system_reserved`] turns the
/// service's built-in list on or off. It is sent as a string holding JSON, as the service asks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SpecialWordFilter {
    #[serde(rename = "filter_with_signed", skip_serializing_if = "Option::is_none")]
    signed: Option<WordList>,
    #[serde(rename = "filter_with_empty", skip_serializing_if = "Option::is_none")]
    empty: Option<WordList>,
    #[serde(
        rename = "system_reserved_filter",
        skip_serializing_if = "Option::is_none"
    )]
    system_reserved: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
struct WordList {
    word_list: Vec<String>,
}

impl SpecialWordFilter {
    /// An empty filter (only the service's defaults).
    pub fn new() -> SpecialWordFilter {
        SpecialWordFilter::default()
    }

    /// Words masked with `*` (`filter_with_signed`). By default, none.
    pub fn mask<I, S>(mut self, words: I) -> SpecialWordFilter
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.signed = Some(WordList {
            word_list: words.into_iter().map(Into::into).collect(),
        });
        self
    }

    /// Words deleted (`filter_with_empty`). By default, none.
    pub fn remove<I, S>(mut self, words: I) -> SpecialWordFilter
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.empty = Some(WordList {
            word_list: words.into_iter().map(Into::into).collect(),
        });
        self
    }

    /// Whether the service's built-in list applies (`system_reserved_filter`). By default,
    /// unset (on for paraformer file models).
    pub fn system_reserved(mut self, yes: bool) -> SpecialWordFilter {
        self.system_reserved = Some(yes);
        self
    }

    /// The JSON text sent as the parameter's value.
    pub fn to_json_string(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_string())
    }

    fn validate(&self) -> Result<()> {
        for list in [&self.signed, &self.empty].into_iter().flatten() {
            if list.word_list.iter().any(|w| w.trim().is_empty()) {
                return Err(Error::invalid("special_word_filter", "a word is empty"));
            }
        }
        Ok(())
    }
}

/// Filters of [`super::Client::list`] (`GET /tasks`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListQuery {
    pub(crate) page_no: u32,
    pub(crate) page_size: u32,
    pub(crate) start_time: Option<String>,
    pub(crate) end_time: Option<String>,
    pub(crate) model_name: Option<String>,
    pub(crate) status: Option<String>,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            page_no: 1,
            page_size: 10,
            start_time: None,
            end_time: None,
            model_name: None,
            status: None,
        }
    }
}

impl ListQuery {
    /// The first page of 10, unfiltered.
    pub fn new() -> ListQuery {
        ListQuery::default()
    }

    /// The page, 1-based. By default, 1.
    pub fn page_no(mut self, n: u32) -> ListQuery {
        self.page_no = n.max(1);
        self
    }

    /// Tasks per page. By default, 10.
    pub fn page_size(mut self, n: u32) -> ListQuery {
        self.page_size = n.max(1);
        self
    }

    /// Tasks submitted at or after `YYYYMMDDhhmmss`. By default, unset.
    pub fn start_time(mut self, t: impl Into<String>) -> ListQuery {
        self.start_time = Some(t.into());
        self
    }

    /// Tasks submitted before `YYYYMMDDhhmmss`. By default, unset.
    pub fn end_time(mut self, t: impl Into<String>) -> ListQuery {
        self.end_time = Some(t.into());
        self
    }

    /// Tasks of one model. By default, unset.
    pub fn model_name(mut self, model: impl Into<String>) -> ListQuery {
        self.model_name = Some(model.into());
        self
    }

    /// Tasks in one status (`PENDING`, `RUNNING`, `SUCCEEDED`, `FAILED`, `CANCELED`). By default,
    /// unset.
    pub fn status(mut self, status: impl Into<String>) -> ListQuery {
        self.status = Some(status.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(req: &TranscriptionRequest) -> Value {
        serde_json::from_slice(&req.to_body().unwrap()).unwrap()
    }

    #[test]
    fn minimal_body_omits_unset_parameters() {
        let req = TranscriptionRequest::new("paraformer-v2", ["https://x/a.wav"]);
        assert_eq!(
            body(&req),
            json!({"model":"paraformer-v2","input":{"file_urls":["https://x/a.wav"]},"parameters":{}})
        );
    }

    #[test]
    fn every_parameter() {
        let req = TranscriptionRequest::new("paraformer-v2", ["https://x/a.wav", "oss://d/b.wav"])
            .channel_id([0, 1])
            .language_hints(["zh", "en"])
            .vocabulary_id("vocab-1")
            .phrase_id("phrase-1")
            .disfluency_removal_enabled(true)
            .timestamp_alignment_enabled(false)
            .special_word_filter(
                SpecialWordFilter::new()
                    .mask(["测试"])
                    .remove(["开始"])
                    .system_reserved(true),
            )
            .diarization_enabled(true)
            .speaker_count(3)
            .audio_event_detection_enabled(false)
            .parameter("future_flag", json!(7));
        assert!(req.has_oss_urls());
        let b = body(&req);
        assert_eq!(
            b["parameters"],
            json!({
                "channel_id":[0,1],"language_hints":["zh","en"],"vocabulary_id":"vocab-1",
                "disfluency_removal_enabled":true,"timestamp_alignment_enabled":false,
                "special_word_filter":"{\"filter_with_signed\":{\"word_list\":[\"测试\"]},\"filter_with_empty\":{\"word_list\":[\"开始\"]},\"system_reserved_filter\":true}",
                "diarization_enabled":true,"speaker_count":3,
                "audio_event_detection_enabled":false,"future_flag":7
            })
        );
        assert_eq!(
            b["resources"],
            json!([{"resource_id":"phrase-1","resource_type":"asr_phrase"}])
        );
    }

    #[test]
    fn validation() {
        let ok = TranscriptionRequest::new("paraformer-v2", ["https://x/a.wav"]);
        let many: Vec<String> = (0..101).map(|i| format!("https://x/{i}.wav")).collect();
        let cases: Vec<(TranscriptionRequest, &str)> = vec![
            (ok.clone().file_urls(Vec::<String>::new()), "file_urls"),
            (ok.clone().file_urls(many.clone()), "not 101"),
            (ok.clone().file_urls(["ftp://x/a.wav"]), "URL 1"),
            (ok.clone().file_urls(["https://"]), "URL 1"),
            (ok.clone().file_urls(["https://x/a b.wav"]), "URL 1"),
            (ok.clone().speaker_count(1), "not 1"),
            (ok.clone().speaker_count(101), "not 101"),
            (ok.clone().language_hints([""]), "language_hints"),
            (
                ok.clone()
                    .special_word_filter(SpecialWordFilter::new().mask([" "])),
                "special_word_filter",
            ),
            (TranscriptionRequest::new(" ", ["https://x/a.wav"]), "model"),
        ];
        for (req, want) in cases {
            let err = req.to_body().unwrap_err().to_string();
            assert!(err.contains(want), "{err} should contain {want}");
        }
        assert!(
            ok.clone()
                .file_urls(many[..100].to_vec())
                .validate()
                .is_ok()
        );
        assert!(ok.clone().speaker_count(2).validate().is_ok());
        assert!(ok.speaker_count(100).validate().is_ok());
    }
}
