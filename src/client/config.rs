//! Client configuration: the API key, where the service is, and every time and size bound.

use std::fmt;
use std::time::Duration;

use super::error::{Error, Result};
use super::retry::{PollSchedule, RetryPolicy};

/// A DashScope API key.
///
/// It has no `Display`, and its `Debug` prints `ApiKey(<redacted>)`, so it cannot leak into
/// logs, error messages or debug output by accident. [`ApiKey::expose`] is the one way to read it
/// (the request builders use it for the `Authorization` header).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key, refusing an empty one or one that could not be sent in a header.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`](super::ErrorKind::Config) when the key is empty or has characters other than visible ASCII
    /// (the message never contains the key).
    pub fn new(key: impl Into<String>) -> Result<ApiKey> {
        let key = key.into();
        let key = key.trim().to_string();
        if key.is_empty() {
            return Err(Error::config("the API key is empty"));
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::config(
                "the API key has characters other than visible ASCII",
            ));
        }
        Ok(ApiKey(key))
    }

    /// The key itself. Keep it out of logs.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// Which DashScope deployment to talk to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Region {
    /// Beijing, `https://dashscope.aliyuncs.com/api/v1` (paraformer-v2 and paraformer-8k-v2 live
    /// only here).
    #[default]
    China,
    /// Singapore, `https://dashscope-intl.aliyuncs.com/api/v1` (Fun-ASR file models only; keys
    /// differ between regions).
    International,
}

impl Region {
    /// The HTTP API base URL of the region.
    pub fn base_url(self) -> &'static str {
        match self {
            Region::China => "https://dashscope.aliyuncs.com/api/v1",
            Region::International => "https://dashscope-intl.aliyuncs.com/api/v1",
        }
    }

    /// Parses `cn`/`china`/`beijing` or `intl`/`international`/`singapore`.
    pub fn from_name(name: &str) -> Option<Region> {
        match name.to_ascii_lowercase().as_str() {
            "cn" | "china" | "beijing" | "cn-beijing" => Some(Region::China),
            "intl" | "international" | "singapore" | "ap-southeast-1" => {
                Some(Region::International)
            }
            _ => None,
        }
    }
}

/// Everything the client needs: key, endpoint, and bounds on time, retries and sizes.
///
/// [`Config::from_env`] reads what the official SDK reads; the setters override single values.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use asrpost::client::{ApiKey, Config, Region};
///
/// let config = Config::new(ApiKey::new("sk-example")?)
///     .region(Region::International)
///     .workspace(Some("ws-1".into()))
///     .wait_timeout(Duration::from_secs(600));
/// assert_eq!(config.get_base_url(), "https://dashscope-intl.aliyuncs.com/api/v1");
/// // The key never shows in debug output.
/// assert!(!format!("{config:?}").contains("sk-example"));
/// # Ok::<(), asrpost::client::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) api_key: ApiKey,
    pub(crate) base_url: String,
    pub(crate) workspace: Option<String>,
    pub(crate) user_agent: String,
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Duration,
    pub(crate) download_timeout: Duration,
    pub(crate) upload_timeout: Duration,
    pub(crate) wait_timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) poll: PollSchedule,
    pub(crate) max_response_bytes: u64,
    pub(crate) max_result_bytes: u64,
}

impl Config {
    /// A configuration for the China (Beijing) region with the default bounds.
    pub fn new(api_key: ApiKey) -> Config {
        Config {
            api_key,
            base_url: Region::China.base_url().to_string(),
            workspace: None,
            user_agent: concat!("asrpost/", env!("CARGO_PKG_VERSION")).to_string(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            download_timeout: Duration::from_secs(600),
            upload_timeout: Duration::from_secs(3600),
            wait_timeout: Duration::from_secs(3 * 3600),
            retry: RetryPolicy::default(),
            poll: PollSchedule::sdk(),
            max_response_bytes: 16 << 20,
            max_result_bytes: 512 << 20,
        }
    }

    /// Reads the process environment like the official SDK: `DASHSCOPE_API_KEY` (required),
    /// `DASHSCOPE_HTTP_BASE_URL` (else the region's URL; `DASHSCOPE_API_VERSION` replaces its
    /// `v1`), and `DASHSCOPE_WORKSPACE` for the `X-DashScope-WorkSpace` header.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`](super::ErrorKind::Config) when the key is missing or unusable, or the base URL is not HTTP(S).
    pub fn from_env(region: Region) -> Result<Config> {
        Config::from_vars(region, |name| std::env::var(name).ok())
    }

    /// As [`Config::from_env`], reading variables through `var` (for tests and embedding).
    ///
    /// # Errors
    ///
    /// As [`Config::from_env`].
    pub fn from_vars(region: Region, var: impl Fn(&str) -> Option<String>) -> Result<Config> {
        let present = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let key = present("DASHSCOPE_API_KEY").ok_or_else(|| {
            Error::config("DASHSCOPE_API_KEY is not set (create a key in the DashScope console)")
        })?;
        let mut config = Config::new(ApiKey::new(key)?).region(region);
        if let Some(version) = present("DASHSCOPE_API_VERSION") {
            let base = config.base_url.trim_end_matches("/v1").to_string();
            config.base_url = format!("{base}/{}", version.trim());
        }
        if let Some(url) = present("DASHSCOPE_HTTP_BASE_URL") {
            config = config.base_url(url)?;
        }
        config.workspace = present("DASHSCOPE_WORKSPACE").map(|w| w.trim().to_string());
        Ok(config)
    }

    /// Uses the region's base URL. By default, [`Region::China`].
    pub fn region(mut self, region: Region) -> Config {
        self.base_url = region.base_url().to_string();
        self
    }

    /// Uses another base URL (a proxy, a workspace host, a test server), with or without a
    /// trailing `/`. By default, the region's URL.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`](super::ErrorKind::Config) when the URL is not `http://` or `https://`.
    pub fn base_url(mut self, url: impl Into<String>) -> Result<Config> {
        let url = url.into();
        let url = url.trim().trim_end_matches('/');
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        match rest {
            Some(host) if !host.is_empty() && !url.contains(char::is_whitespace) => {
                self.base_url = url.to_string();
                Ok(self)
            }
            _ => Err(Error::config(format!(
                "the base URL must start with http:// or https:// and name a host, not `{url}`"
            ))),
        }
    }

    /// The workspace id sent as `X-DashScope-WorkSpace`. By default, none.
    pub fn workspace(mut self, workspace: Option<String>) -> Config {
        self.workspace = workspace.filter(|w| !w.is_empty());
        self
    }

    /// The `User-Agent` header. By default, `asrpost/<version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Config {
        self.user_agent = user_agent.into();
        self
    }

    /// How long to wait for a TCP/TLS connection. By default, 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Config {
        self.connect_timeout = timeout;
        self
    }

    /// How long one API call (submit, query, cancel, list, upload policy) may take, body
    /// included. By default, 60 s.
    pub fn request_timeout(mut self, timeout: Duration) -> Config {
        self.request_timeout = timeout;
        self
    }

    /// How long downloading one result JSON may take. By default, 10 minutes.
    pub fn download_timeout(mut self, timeout: Duration) -> Config {
        self.download_timeout = timeout;
        self
    }

    /// How long uploading one local file may take. By default, 1 hour (as the SDK).
    pub fn upload_timeout(mut self, timeout: Duration) -> Config {
        self.upload_timeout = timeout;
        self
    }

    /// The overall deadline of [`super::Client::wait`]. By default, 3 hours.
    pub fn wait_timeout(mut self, timeout: Duration) -> Config {
        self.wait_timeout = timeout;
        self
    }

    /// Retries of single requests. By default, [`RetryPolicy::default`].
    pub fn retry(mut self, retry: RetryPolicy) -> Config {
        self.retry = retry;
        self
    }

    /// The sleeps between task queries while waiting. By default, [`PollSchedule::sdk`].
    pub fn poll(mut self, poll: PollSchedule) -> Config {
        self.poll = poll;
        self
    }

    /// The largest API response body accepted. By default, 16 MiB.
    pub fn max_response_bytes(mut self, limit: u64) -> Config {
        self.max_response_bytes = limit;
        self
    }

    /// The largest result JSON downloaded (a 12-hour result is about 100 MB). By default,
    /// 512 MiB.
    pub fn max_result_bytes(mut self, limit: u64) -> Config {
        self.max_result_bytes = limit;
        self
    }

    /// The API base URL in use, without a trailing `/`.
    pub fn get_base_url(&self) -> &str {
        &self.base_url
    }

    /// The API key in use.
    pub fn get_api_key(&self) -> &ApiKey {
        &self.api_key
    }

    /// The overall deadline of waits.
    pub fn get_wait_timeout(&self) -> Duration {
        self.wait_timeout
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ErrorKind;

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn from_vars_like_the_sdk() {
        let c = Config::from_vars(Region::China, vars(&[("DASHSCOPE_API_KEY", "sk-1")])).unwrap();
        assert_eq!(c.get_base_url(), "https://dashscope.aliyuncs.com/api/v1");
        assert_eq!(c.workspace, None);
        let c = Config::from_vars(
            Region::International,
            vars(&[
                ("DASHSCOPE_API_KEY", "sk-1"),
                ("DASHSCOPE_WORKSPACE", "ws"),
                ("DASHSCOPE_API_VERSION", "v2"),
            ]),
        )
        .unwrap();
        assert_eq!(
            c.get_base_url(),
            "https://dashscope-intl.aliyuncs.com/api/v2"
        );
        assert_eq!(c.workspace.as_deref(), Some("ws"));
        let c = Config::from_vars(
            Region::China,
            vars(&[
                ("DASHSCOPE_API_KEY", "sk-1"),
                ("DASHSCOPE_HTTP_BASE_URL", "http://127.0.0.1:9/api/v1/"),
            ]),
        )
        .unwrap();
        assert_eq!(c.get_base_url(), "http://127.0.0.1:9/api/v1");
    }

    #[test]
    fn bad_configs() {
        let err = Config::from_vars(Region::China, vars(&[])).unwrap_err();
        assert!(err.to_string().contains("DASHSCOPE_API_KEY is not set"));
        let err = Config::from_vars(
            Region::China,
            vars(&[
                ("DASHSCOPE_API_KEY", "sk-1"),
                ("DASHSCOPE_HTTP_BASE_URL", "ftp://x"),
            ]),
        )
        .unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Config { .. }));
        let err = ApiKey::new("sk-secret\r\nX-Evil: 1").unwrap_err();
        assert!(!err.to_string().contains("sk-secret"));
        assert!(ApiKey::new("  ").is_err());
    }

    #[test]
    fn key_is_redacted() {
        let key = ApiKey::new("sk-very-secret").unwrap();
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        let c = Config::new(key);
        assert!(!format!("{c:?}").contains("very-secret"));
        assert!(!format!("{c:#?}").contains("very-secret"));
        assert_eq!(Region::from_name("intl"), Some(Region::International));
        assert_eq!(Region::from_name("mars"), None);
    }
}
