//! The HTTP transport both check-source clients share: one HTTPS client with bounded timeouts,
//! adaptive pacing shared by every client of the same service and host ([`pacing`]), retries of
//! 429, 5xx and dropped connections with backoff that honours `Retry-After`, no redirect to
//! another host, and a cap on the size of an answer. Each client words its own errors, since the
//! likely causes differ per service.

pub mod pacing;
pub mod retry;

use crate::{Error, Result};
use pacing::{Limiter, Outcome};
use reqwest::{header, RequestBuilder, StatusCode, Url};
use retry::{parse_retry_after, RetryPolicy};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The largest answer read for one request (a page of 1,000 Conformity checks is about 1 MiB).
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

#[derive(Clone, Debug)]
pub struct TransportOptions {
    pub retry: RetryPolicy,
    /// A hard ceiling in requests per second; 0 for none (the pacing adapts to the service).
    pub requests_per_second: f64,
    pub timeout: Duration,
    /// How long a 429 without `Retry-After` waits; `None` for the usual backoff.
    pub throttle_wait: Option<Duration>,
    /// Answers larger than this are refused.
    pub max_body_bytes: usize,
}

/// A redirect to another host than the one asked, refused.
#[derive(Debug)]
struct CrossHostRedirect {
    from: String,
    to: String,
}

impl std::fmt::Display for CrossHostRedirect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "redirected from {} to {}", self.from, self.to)
    }
}

impl std::error::Error for CrossHostRedirect {}

fn origin(url: &Url) -> String {
    match url.port() {
        Some(port) => format!("{}://{}:{port}", url.scheme(), url.host_str().unwrap_or("")),
        None => format!("{}://{}", url.scheme(), url.host_str().unwrap_or("")),
    }
}

/// Redirects are followed only within the host asked (a few hops at most): the key would be
/// stripped elsewhere, but the answer of a host nobody configured must not be used either.
fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let first = attempt.previous().first().map(origin).unwrap_or_default();
        let next = origin(attempt.url());
        if next != first {
            attempt.error(CrossHostRedirect {
                from: first,
                to: next,
            })
        } else if attempt.previous().len() > 5 {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    })
}

/// 127.0.0.1, ::1 or localhost: a local fake or proxy, never worth sending through
/// `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY` (which would carry the key off the machine in clear).
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
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
    limiter: Arc<Limiter>,
    options: TransportOptions,
    /// The service's name in messages ("Conformity", "Vision One").
    service: &'static str,
    requests: AtomicU64,
}

impl Transport {
    /// A transport for `service` at `base`: its pacing is shared with every other transport of
    /// the same service and host in this process.
    pub fn new(service: &'static str, base: &Url, options: TransportOptions) -> Result<Self> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(options.timeout)
            .redirect(redirect_policy())
            .user_agent(concat!("wa-sync/", env!("CARGO_PKG_VERSION")));
        if is_loopback(base) {
            tracing::debug!(
                "{service} at {}: loopback, not sent through a proxy",
                origin(base)
            );
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|e| Error::Network(format!("cannot set up HTTPS: {e}")))?;
        let ceiling = (options.requests_per_second > 0.0).then_some(options.requests_per_second);
        Ok(Transport {
            limiter: Limiter::shared(service, base, ceiling),
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
            let permit = self.limiter.acquire().await;
            self.requests.fetch_add(1, Ordering::Relaxed);
            let (why, wait) = match build(&self.http).send().await {
                Ok(mut response) => {
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
                    let body = self.read_body(&mut response, url, what).await?;
                    if status.is_success() {
                        permit.finish(Outcome::Success);
                        return Ok(Ok(body));
                    }
                    if status == StatusCode::TOO_MANY_REQUESTS {
                        permit.finish(Outcome::Throttled { retry_after });
                        let wait = retry_after.or(self.options.throttle_wait);
                        ("HTTP 429 Too Many Requests".to_string(), wait)
                    } else if status.is_server_error() {
                        let overloaded = status == StatusCode::SERVICE_UNAVAILABLE;
                        permit.finish(if overloaded {
                            Outcome::Throttled { retry_after }
                        } else {
                            Outcome::Neutral
                        });
                        (format!("HTTP {}", status.as_u16()), retry_after)
                    } else {
                        return Ok(Err(ErrorAnswer {
                            status,
                            body,
                            trace_id,
                        }));
                    }
                }
                Err(e) if e.is_redirect() => return Err(self.redirect_error(url, &e)),
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

    /// The answer's body, read piece by piece and refused once it passes the cap (so a runaway
    /// answer never sits in memory whole).
    async fn read_body(
        &self,
        response: &mut reqwest::Response,
        url: &Url,
        what: &str,
    ) -> Result<Vec<u8>> {
        let cap = self.options.max_body_bytes;
        let too_large = || {
            Error::BadResponse(format!(
                "{} at {} answered more than {} MiB for {what}; wa-sync reads at most that per page. Check the URL; if it is right, report this to the service",
                self.service,
                url.host_str().unwrap_or("the server"),
                cap / (1024 * 1024)
            ))
        };
        if response.content_length().is_some_and(|n| n > cap as u64) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.network_error(url, &e))?
        {
            if body.len() + chunk.len() > cap {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn redirect_error(&self, url: &Url, e: &reqwest::Error) -> Error {
        let mut source = std::error::Error::source(e);
        while let Some(cause) = source {
            if let Some(redirect) = cause.downcast_ref::<CrossHostRedirect>() {
                return Error::BadResponse(format!(
                    "{} at {} redirected to another host ({}); wa-sync does not follow redirects to another host, so the API key and the answers stay with {}. Check the URL or region",
                    self.service, redirect.from, redirect.to, redirect.from
                ));
            }
            source = cause.source();
        }
        self.network_error(url, e)
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
