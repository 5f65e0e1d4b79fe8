//! The HTTP transport both check-source clients share: one HTTPS client with bounded timeouts, a
//! steady request rate, and retries of 429, 5xx and dropped connections with backoff that honours
//! `Retry-After`. Each client words its own errors, since the likely causes differ per service.

pub mod retry;

use crate::{Error, Result};
use reqwest::{header, RequestBuilder, StatusCode, Url};
use retry::{parse_retry_after, RateLimiter, RetryPolicy};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct TransportOptions {
    pub retry: RetryPolicy,
    /// Requests per second; 0 for no limit.
    pub requests_per_second: f64,
    pub timeout: Duration,
    /// How long a 429 without `Retry-After` waits; `None` for the usual backoff.
    pub throttle_wait: Option<Duration>,
}

/// An answer that retrying will not change (a 4xx other than 429).
#[derive(Debug)]
pub struct ErrorAnswer {
    pub status: StatusCode,
    pub body: Vec<u8>,
    /// The service's request trace ID, when it sends one (`x-trace-id`).
    pub trace_id: Option<String>,
}

pub struct Transport {
    http: reqwest::Client,
    limiter: RateLimiter,
    options: TransportOptions,
    /// The service's name in messages ("Conformity", "Vision One").
    service: &'static str,
    requests: AtomicU64,
}

impl Transport {
    pub fn new(service: &'static str, options: TransportOptions) -> Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(options.timeout)
            .user_agent(concat!("wa-sync/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Network(format!("cannot set up HTTPS: {e}")))?;
        Ok(Transport {
            limiter: RateLimiter::new(options.requests_per_second),
            http,
            options,
            service,
            requests: AtomicU64::new(0),
        })
    }

    /// Requests sent so far, retries included.
    pub fn requests_sent(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Sends the request `build` makes until it succeeds (its body), or the answer is one that
    /// retrying will not change (`Ok(Err(answer))`). After the last retry the error names
    /// `what` and ends with `advice`.
    pub async fn send(
        &self,
        url: &Url,
        what: &str,
        advice: &str,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<std::result::Result<Vec<u8>, ErrorAnswer>> {
        let mut attempt = 0;
        loop {
            self.limiter.wait().await;
            self.requests.fetch_add(1, Ordering::Relaxed);
            let (why, wait) = match build(&self.http).send().await {
                Ok(response) => {
                    let status = response.status();
                    let header = |name: header::HeaderName| {
                        response
                            .headers()
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_string)
                    };
                    let retry_after = header(header::RETRY_AFTER)
                        .as_deref()
                        .and_then(parse_retry_after);
                    let trace_id = header(header::HeaderName::from_static("x-trace-id"));
                    let body = response
                        .bytes()
                        .await
                        .map_err(|e| self.network_error(url, &e))?;
                    if status.is_success() {
                        return Ok(Ok(body.to_vec()));
                    }
                    if status == StatusCode::TOO_MANY_REQUESTS {
                        let wait = retry_after.or(self.options.throttle_wait);
                        ("HTTP 429 Too Many Requests".to_string(), wait)
                    } else if status.is_server_error() {
                        (format!("HTTP {}", status.as_u16()), retry_after)
                    } else {
                        return Ok(Err(ErrorAnswer {
                            status,
                            body: body.to_vec(),
                            trace_id,
                        }));
                    }
                }
                Err(e) if e.is_timeout() || e.is_connect() => {
                    (self.network_error(url, &e).to_string(), None)
                }
                Err(e) => return Err(self.network_error(url, &e)),
            };
            if attempt >= self.options.retry.max_retries {
                return Err(Error::Unavailable(format!(
                    "{} kept failing for {what} ({why}) after {} attempts; {advice}",
                    self.service,
                    attempt + 1
                )));
            }
            tokio::time::sleep(self.options.retry.delay(attempt, wait)).await;
            attempt += 1;
        }
    }

    pub fn network_error(&self, url: &Url, e: &reqwest::Error) -> Error {
        let host = url.host_str().unwrap_or("the server");
        let why = if e.is_timeout() {
            "timed out".to_string()
        } else if e.is_connect() {
            "could not connect (check the URL or region, and your network or proxy)".to_string()
        } else {
            // reqwest's message can include the URL but never headers, so a key cannot leak here.
            e.to_string()
        };
        Error::Network(format!("{} at {host}: {why}", self.service))
    }
}
