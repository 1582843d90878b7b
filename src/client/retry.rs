//! Retry and polling decisions, free of I/O: which failures to retry, how long to sleep, and the
//! SDK's task-polling schedule.

use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What a failed attempt looked like, for [`RetryPolicy::delay`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// The server answered with this HTTP status; `retry_after` is its `Retry-After` header,
    /// already parsed (see [`parse_retry_after`]).
    Status {
        /// The HTTP status.
        status: u16,
        /// The wait the server asked for.
        retry_after: Option<Duration>,
    },
    /// The request timed out.
    Timeout,
    /// The connection failed or broke off (refused, reset, a body cut short).
    Connection,
}

impl Failure {
    /// Whether trying again can help: 408, 429, 5xx, timeouts and broken connections. 400, 401,
    /// 403, 404 and other client errors are final.
    pub fn is_retryable(self) -> bool {
        match self {
            Failure::Status { status, .. } => status == 408 || status == 429 || status >= 500,
            Failure::Timeout | Failure::Connection => true,
        }
    }
}

/// Retries of a single request: capped exponential backoff with jitter, honouring
/// `Retry-After`.
///
/// Attempt `n` (1-based) that failed in a retryable way sleeps a random time between half of and
/// the full `min(max_backoff, initial_backoff × 2^(n−1))`, or the server's `Retry-After` when that
/// is longer (up to `max_retry_after`), and then tries again, up to `max_attempts` attempts in
/// all.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use asrpost::client::{Failure, RetryPolicy};
///
/// let policy = RetryPolicy::default();
/// let throttled = Failure::Status { status: 429, retry_after: Some(Duration::from_secs(3)) };
/// assert_eq!(policy.delay(1, throttled), Some(Duration::from_secs(3)));
/// let denied = Failure::Status { status: 401, retry_after: None };
/// assert_eq!(policy.delay(1, denied), None);
/// assert_eq!(policy.delay(4, Failure::Timeout), None); // out of attempts
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// No retries: every request is tried once.
    pub fn none() -> RetryPolicy {
        RetryPolicy::default().max_attempts(1)
    }

    /// Attempts per request, the first included (at least 1). By default, 4.
    pub fn max_attempts(mut self, n: u32) -> RetryPolicy {
        self.max_attempts = n.max(1);
        self
    }

    /// The backoff after the first failure. By default, 500 ms.
    pub fn initial_backoff(mut self, d: Duration) -> RetryPolicy {
        self.initial_backoff = d;
        self
    }

    /// The largest backoff. By default, 30 s.
    pub fn max_backoff(mut self, d: Duration) -> RetryPolicy {
        self.max_backoff = d;
        self
    }

    /// The longest `Retry-After` honoured; a server asking for more gets this. By default,
    /// 120 s.
    pub fn max_retry_after(mut self, d: Duration) -> RetryPolicy {
        self.max_retry_after = d;
        self
    }

    /// The attempts per request.
    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// How long to sleep before trying again after attempt `attempt` (1-based) failed, or `None`
    /// when the failure is final or the attempts are used up.
    pub fn delay(&self, attempt: u32, failure: Failure) -> Option<Duration> {
        self.delay_with(attempt, failure, jitter_unit())
    }

    /// As [`RetryPolicy::delay`] with a given jitter in `[0, 1)`, for reproducible tests.
    pub fn delay_with(&self, attempt: u32, failure: Failure, jitter: f64) -> Option<Duration> {
        if attempt >= self.max_attempts || !failure.is_retryable() {
            return None;
        }
        let exp = attempt.saturating_sub(1).min(30);
        let cap = self
            .initial_backoff
            .saturating_mul(1u32 << exp)
            .min(self.max_backoff);
        // "Equal jitter": never less than half the backoff, so retries still spread out, and
        // never in lockstep with other clients.
        let half = cap / 2;
        let backoff = half + half.mul_f64(jitter.clamp(0.0, 1.0));
        let asked = match failure {
            Failure::Status {
                retry_after: Some(d),
                ..
            } => d.min(self.max_retry_after),
            _ => Duration::ZERO,
        };
        Some(backoff.max(asked))
    }
}

/// A random number in `[0, 1)` from std's randomly keyed SipHash, so jitter needs no extra
/// dependency.
pub(crate) fn jitter_unit() -> f64 {
    (random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// A random 64-bit number (not for cryptography: jitter and multipart boundaries).
pub(crate) fn random_u64() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish()
}

/// The sleeps between task queries while waiting, as the official SDK's `wait()`: start at
/// `initial`, double on every `increment_steps`-th poll, never above `max`.
///
/// With [`PollSchedule::sdk`] (1 s, 5 s, every 3rd) the sleeps are 1, 1, 2, 2, 2, 4, 4, 4, 5, 5…
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use asrpost::client::PollSchedule;
///
/// let secs: Vec<u64> = PollSchedule::sdk().sleeps().take(11).map(|d| d.as_secs()).collect();
/// assert_eq!(secs, [1, 1, 2, 2, 2, 4, 4, 4, 5, 5, 5]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollSchedule {
    initial: Duration,
    max: Duration,
    increment_steps: u32,
}

impl Default for PollSchedule {
    fn default() -> Self {
        PollSchedule::sdk()
    }
}

impl PollSchedule {
    /// The SDK's schedule: 1 s, doubling every 3rd poll, at most 5 s.
    pub fn sdk() -> PollSchedule {
        PollSchedule {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(5),
            increment_steps: 3,
        }
    }

    /// A schedule with the SDK's shape scaled to `initial` and `max` (tests use milliseconds).
    pub fn new(initial: Duration, max: Duration) -> PollSchedule {
        PollSchedule {
            initial,
            max: max.max(initial),
            increment_steps: 3,
        }
    }

    /// The sleep after each non-final answer, in order (an endless iterator).
    pub fn sleeps(self) -> impl Iterator<Item = Duration> {
        let mut wait = self.initial;
        let mut step = 0u32;
        std::iter::from_fn(move || {
            step = step.saturating_add(1);
            if wait < self.max && step % self.increment_steps.max(1) == 0 {
                wait = wait.saturating_mul(2).min(self.max);
            }
            Some(wait)
        })
    }
}

/// Parses a `Retry-After` value: delay-seconds or an HTTP date (IMF-fixdate, as RFC 9110 asks
/// senders to use), relative to `now`. A date in the past gives zero; anything else `None`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = parse_imf_fixdate(value)?;
    let now = now.duration_since(UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(at.saturating_sub(now)))
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` → seconds since the Unix epoch.
fn parse_imf_fixdate(s: &str) -> Option<u64> {
    let rest = s.split_once(", ")?.1;
    let mut parts = rest.split(' ');
    let day: u64 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':');
    let h: u64 = hms.next()?.parse().ok()?;
    let m: u64 = hms.next()?.parse().ok()?;
    let sec: u64 = hms.next()?.parse().ok()?;
    if parts.next()? != "GMT" || parts.next().is_some() {
        return None;
    }
    if !(1..=31).contains(&day) || h > 23 || m > 59 || sec > 60 || !(1970..=9999).contains(&year) {
        return None;
    }
    let days = days_from_civil(year, month, day as i64);
    u64::try_from(days)
        .ok()
        .map(|d| d * 86_400 + h * 3600 + m * 60 + sec)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16) -> Failure {
        Failure::Status {
            status,
            retry_after: None,
        }
    }

    #[test]
    fn what_is_retried() {
        for (f, want) in [
            (status(400), false),
            (status(401), false),
            (status(403), false),
            (status(404), false),
            (status(408), true),
            (status(429), true),
            (status(500), true),
            (status(502), true),
            (status(503), true),
            (status(504), true),
            (Failure::Timeout, true),
            (Failure::Connection, true),
        ] {
            assert_eq!(f.is_retryable(), want, "{f:?}");
        }
    }

    #[test]
    fn backoff_is_capped_exponential_with_equal_jitter() {
        let p = RetryPolicy::default()
            .max_attempts(10)
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(700));
        let ms = |attempt, j| {
            p.delay_with(attempt, Failure::Timeout, j)
                .unwrap()
                .as_millis()
        };
        assert_eq!(
            [ms(1, 0.0), ms(2, 0.0), ms(3, 0.0), ms(4, 0.0)],
            [50, 100, 200, 350]
        );
        assert_eq!(
            [ms(1, 1.0), ms(2, 1.0), ms(3, 1.0), ms(9, 1.0)],
            [100, 200, 400, 700]
        );
        for _ in 0..100 {
            let d = p.delay(3, Failure::Connection).unwrap();
            assert!(d >= Duration::from_millis(200) && d <= Duration::from_millis(400));
        }
        assert_eq!(p.delay(10, Failure::Timeout), None);
        assert_eq!(RetryPolicy::none().delay(1, Failure::Timeout), None);
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let p = RetryPolicy::default().max_retry_after(Duration::from_secs(10));
        let f = |secs| Failure::Status {
            status: 503,
            retry_after: Some(Duration::from_secs(secs)),
        };
        assert_eq!(p.delay_with(1, f(7), 0.0), Some(Duration::from_secs(7)));
        assert_eq!(p.delay_with(1, f(99), 0.0), Some(Duration::from_secs(10)));
        // A Retry-After shorter than the backoff does not shorten it.
        assert_eq!(p.delay_with(1, f(0), 1.0), Some(Duration::from_millis(500)));
    }

    #[test]
    fn retry_after_values() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        for (v, want) in [
            ("120", Some(120)),
            (" 3 ", Some(3)),
            ("Sun, 06 Nov 1994 08:49:37 GMT", Some(0)),
            ("Sun, 06 Nov 1994 08:50:07 GMT", Some(30)),
            ("Sat, 05 Nov 1994 08:49:37 GMT", Some(0)),
            ("Mon, 07 Nov 1994 08:49:37 GMT", Some(86_400)),
            ("Sun, 06 Nov 1994 08:49:37 PST", None),
            ("Sunday, 06-Nov-94 08:49:37 GMT", None),
            ("-5", None),
            ("soon", None),
            ("", None),
        ] {
            assert_eq!(
                parse_retry_after(v, now).map(|d| d.as_secs()),
                want,
                "{v:?}"
            );
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn poll_schedule_matches_the_sdk() {
        let ms: Vec<u128> = PollSchedule::new(Duration::from_millis(10), Duration::from_millis(50))
            .sleeps()
            .take(12)
            .map(|d| d.as_millis())
            .collect();
        assert_eq!(ms, [10, 10, 20, 20, 20, 40, 40, 40, 50, 50, 50, 50]);
    }
}
