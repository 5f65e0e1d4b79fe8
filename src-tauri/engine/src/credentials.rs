//! AWS credentials for the Well-Architected, STS and IAM calls.
//!
//! Without a role, the default AWS chain is used (environment, shared config and credentials
//! files with profiles, SSO, credential_process, web identity, container, IMDS), optionally with
//! `--profile`. With a role ARN, wa-sync calls STS `AssumeRole` itself (with the organisation's
//! external ID and a session name that starts with `wa-sync-`) so that a refusal can be explained,
//! and retries for a few seconds because a role that was just created is not usable at once.
//!
//! `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_WELLARCHITECTED`, `AWS_ENDPOINT_URL_STS` and
//! `AWS_ENDPOINT_URL_IAM` are honoured by aws-config itself: every client here is built from an
//! `SdkConfig` that aws-config loaded, never with a hard-coded endpoint.

use crate::{Error, Field, Result};
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How to get AWS credentials.
#[derive(Clone, Debug, Default)]
pub struct AwsAuth {
    /// A named profile of the shared config files (`--profile`).
    pub profile: Option<String>,
    /// Assume this role for the calls.
    pub role_arn: Option<String>,
    /// The external ID the role's trust policy demands.
    pub external_id: Option<String>,
    /// How long to keep retrying an `AccessDenied` from `AssumeRole` (IAM eventual consistency).
    /// `None`: [`DEFAULT_ASSUME_ROLE_WAIT`].
    pub assume_role_wait: Option<Duration>,
}

/// A role that was just created usually becomes assumable within a few seconds.
pub const DEFAULT_ASSUME_ROLE_WAIT: Duration = Duration::from_secs(10);

/// Attempts per request (first try included) with the SDK's standard retry: exponential backoff
/// with jitter on throttling and transient errors. Not the adaptive mode: its client-side token
/// bucket, once drained by a burst of throttling, holds every later call back for seconds; the
/// writer's own window (see `sync::writer`) paces the writes instead.
pub const MAX_ATTEMPTS: u32 = 6;

/// The longest one AWS operation may take, retries and backoff included.
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(120);
/// The longest one attempt of it may take before it is retried.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// The retry configuration every client uses.
pub fn retry_config() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(MAX_ATTEMPTS)
        .with_initial_backoff(Duration::from_millis(100))
        .with_max_backoff(Duration::from_secs(5))
}

/// The timeouts every client uses: [`OPERATION_TIMEOUT`] and [`ATTEMPT_TIMEOUT`], or
/// `WA_SYNC_AWS_TIMEOUT_SECS` for the whole operation (an attempt then gets at most as long).
pub fn timeout_config() -> TimeoutConfig {
    let (operation, attempt) = match aws_timeout_override() {
        Some(limit) => (limit, limit.min(ATTEMPT_TIMEOUT)),
        None => (OPERATION_TIMEOUT, ATTEMPT_TIMEOUT),
    };
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(10))
        .operation_timeout(operation)
        .operation_attempt_timeout(attempt)
        .build()
}

fn aws_timeout_override() -> Option<Duration> {
    std::env::var("WA_SYNC_AWS_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(Duration::from_secs_f64)
}

/// Counts the throttling answers (HTTP 429 or a `Throttling…` error type) a client receives on a
/// retry: the SDK retries them out of sight, and the writer shrinks its window on them. A throttle
/// the first retry absorbs is noise any busy service makes; one that comes back on the retry means
/// the service is at its limit. (Shrinking on every throttle pins the window at one or two
/// whenever a service throttles a steady share of calls, whatever the load.)
#[derive(Clone, Debug, Default)]
pub struct ThrottleCounter(Arc<AtomicU64>);

impl ThrottleCounter {
    pub fn count(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

impl aws_sdk_wellarchitected::config::Intercept for ThrottleCounter {
    fn name(&self) -> &'static str {
        "wa-sync throttle counter"
    }

    fn read_before_deserialization(
        &self,
        context: &aws_sdk_wellarchitected::config::interceptors::BeforeDeserializationInterceptorContextRef<'_>,
        _components: &aws_sdk_wellarchitected::config::RuntimeComponents,
        cfg: &mut aws_sdk_wellarchitected::config::ConfigBag,
    ) -> std::result::Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let attempt = cfg.load::<RequestAttempts>().map_or(1, |a| a.attempts());
        if attempt < 2 {
            return Ok(());
        }
        let response = context.response();
        let throttling = response.status().as_u16() == 429
            || response
                .headers()
                .get("x-amzn-errortype")
                .is_some_and(|t| t.starts_with("Throttling"));
        if throttling {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}

/// Checks an IAM role ARN (`arn:aws:iam::123456789012:role/NAME`) without sending anything.
pub fn validate_role_arn(text: &str) -> Result<()> {
    let bad = |why: &str| {
        Err(Error::bad_field(
            Field::RoleArn,
            format!(
                "bad role ARN {text:?}: {why}. It looks like arn:aws:iam::123456789012:role/WaSyncWellArchitectedNotes \
                 (IAM > Roles > your role > ARN)"
            ),
        ))
    };
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts[..] else {
        return bad("it does not have the six ':'-separated parts of an ARN");
    };
    if arn != "arn" || !matches!(partition, "aws" | "aws-cn" | "aws-us-gov") {
        return bad("it must start with arn:aws: (or arn:aws-cn:, arn:aws-us-gov:)");
    }
    if service != "iam" {
        return bad(&format!("it is an ARN of {service:?}, not of iam"));
    }
    if !region.is_empty() {
        return bad("IAM ARNs have no region (arn:aws:iam::ACCOUNT:role/NAME)");
    }
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return bad("the account must be 12 digits");
    }
    let Some(name) = resource.strip_prefix("role/") else {
        return bad("the resource must be role/<name>");
    };
    let name = name.rsplit('/').next().unwrap_or_default();
    let name_ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b));
    if !name_ok {
        return bad("the role name must be 1-64 letters, digits or +=,.@_-");
    }
    Ok(())
}

/// Checks an external ID the way STS does (2-1224 characters of `[\w+=,.@:/-]`).
pub fn validate_external_id(id: &str) -> Result<()> {
    let ok = (2..=1224).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@:/-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Error::bad_field(
            Field::ExternalId,
            "bad external ID: it must be 2-1224 letters, digits or _+=,.@:/- (Conformity's \
             organisation external ID, or the one the role's trust policy names)",
        ))
    }
}

/// The shared config from the default chain (or the profile) for `region`, with wa-sync's retry.
pub async fn base_config(profile: Option<&str>, region: &str) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .retry_config(retry_config())
        .timeout_config(timeout_config());
    if let Some(profile) = profile {
        loader = loader.profile_name(profile);
    }
    loader.load().await
}

/// The config for calls in `region`: the caller's own credentials, or the role's.
pub async fn config_for(auth: &AwsAuth, region: &str) -> Result<SdkConfig> {
    let base = base_config(auth.profile.as_deref(), region).await;
    let Some(role_arn) = &auth.role_arn else {
        return Ok(base);
    };
    let credentials = assume_role(&base, role_arn, auth.external_id.as_deref(), auth).await?;
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .retry_config(retry_config())
        .timeout_config(timeout_config())
        .credentials_provider(credentials);
    if let Some(profile) = &auth.profile {
        loader = loader.profile_name(profile);
    }
    Ok(loader.load().await)
}

/// `wa-sync-<unix seconds>`: CloudTrail shows which tool acted.
pub fn session_name() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    format!("wa-sync-{secs}")
}

/// Calls `AssumeRole`, retrying `AccessDenied` for a few seconds (a just-created role).
pub async fn assume_role(
    base: &SdkConfig,
    role_arn: &str,
    external_id: Option<&str>,
    auth: &AwsAuth,
) -> Result<aws_sdk_wellarchitected::config::Credentials> {
    let sts = aws_sdk_sts::Client::new(base);
    let wait = auth.assume_role_wait.unwrap_or(DEFAULT_ASSUME_ROLE_WAIT);
    let started = Instant::now();
    let mut delay = Duration::from_millis(500);
    loop {
        let mut request = sts
            .assume_role()
            .role_arn(role_arn)
            .role_session_name(session_name());
        if let Some(id) = external_id {
            request = request.external_id(id);
        }
        match request.send().await {
            Ok(out) => {
                let Some(c) = out.credentials() else {
                    return Err(Error::BadResponse(format!(
                        "STS AssumeRole on {role_arn} answered without credentials"
                    )));
                };
                let expiry = SystemTime::try_from(*c.expiration()).ok();
                return Ok(aws_sdk_wellarchitected::config::Credentials::new(
                    c.access_key_id(),
                    c.secret_access_key(),
                    Some(c.session_token().to_string()),
                    expiry,
                    "wa-sync-assume-role",
                ));
            }
            Err(err) => {
                let code = err.code().unwrap_or_default().to_string();
                let refused = code.starts_with("AccessDenied");
                if refused && started.elapsed() + delay <= wait {
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(3));
                    continue;
                }
                if refused {
                    return Err(Error::Auth(format!(
                        "AWS refused to let your credentials assume the role {role_arn} ({}). The \
                         likely cause is the role's trust policy or the external ID: the trust policy \
                         must allow your account (or Conformity's, 717210094962) to call \
                         sts:AssumeRole with the condition StringEquals sts:ExternalId = {}. Check it \
                         with `aws iam get-role --role-name {} --query Role.AssumeRolePolicyDocument`, \
                         compare the external ID with `wa-sync external-id`, or recreate the role with \
                         `wa-sync iam create`",
                        err.message().unwrap_or("AccessDenied"),
                        if external_id.is_some() {
                            "the external ID wa-sync sent"
                        } else {
                            "your organisation's external ID (none was sent)"
                        },
                        role_arn.rsplit('/').next().unwrap_or(role_arn),
                    )));
                }
                return Err(sdk_error(&format!("STS AssumeRole on {role_arn}"), &err));
            }
        }
    }
}

/// Maps an AWS SDK error to the engine's error, by its error code. Never includes credentials.
pub fn sdk_error<E, R>(what: &str, err: &aws_sdk_sts::error::SdkError<E, R>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    use aws_sdk_sts::error::SdkError;
    match err {
        SdkError::DispatchFailure(_) => Error::Network(format!(
            "{what}: could not reach AWS: {}",
            describe_source(err)
        )),
        SdkError::TimeoutError(_) => {
            let limit = timeout_config()
                .operation_timeout()
                .unwrap_or(OPERATION_TIMEOUT);
            Error::Network(format!(
                "{what}: AWS did not answer within {} s (retries included); check the network or \
                 proxy, or try again later",
                limit.as_secs_f64()
            ))
        }
        SdkError::ConstructionFailure(_) => {
            let text = describe_source(err);
            if text.contains("credentials") || text.contains("Credentials") {
                Error::Auth(format!(
                    "{what}: no usable AWS credentials ({text}). Set AWS_PROFILE or choose a profile, \
                     run `aws sso login`, or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
                ))
            } else {
                Error::Api(format!("{what}: the request could not be built: {text}"))
            }
        }
        _ => {
            let code = err.code().unwrap_or("unknown error");
            let message = err.message().unwrap_or("");
            let text = if message.is_empty() {
                format!("{what}: {code}")
            } else {
                format!("{what}: {code}: {message}")
            };
            match code {
                c if c.starts_with("AccessDenied") || c == "UnrecognizedClientException"
                    || c == "InvalidClientTokenId" || c == "ExpiredToken"
                    || c == "SignatureDoesNotMatch" =>
                {
                    Error::Auth(format!(
                        "{text}. The credentials in use lack this permission; check the role's policy \
                         (`wa-sync iam verify`) or your profile"
                    ))
                }
                c if c.starts_with("ResourceNotFound") || c == "NoSuchEntity" => {
                    Error::NotFound(text)
                }
                c if c.starts_with("Throttling") || c == "TooManyRequestsException" => {
                    Error::Unavailable(format!("{text} (still throttled after every retry)"))
                }
                c if c.starts_with("InternalServer") || c == "ServiceUnavailable" => {
                    Error::Unavailable(text)
                }
                _ => Error::Api(text),
            }
        }
    }
}

/// The short error code of an SDK error (`ConflictException`, `ThrottlingException`, …).
pub fn error_code<E, R>(err: &aws_sdk_sts::error::SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata,
{
    err.code().unwrap_or("Error").to_string()
}

fn describe_source(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns_are_checked() {
        validate_role_arn("arn:aws:iam::123456789012:role/WaSync").unwrap();
        validate_role_arn("arn:aws:iam::123456789012:role/path/WaSync").unwrap();
        for bad in [
            "arn:aws:iam::1234:role/x",
            "arn:aws:s3:::bucket",
            "role/x",
            "arn:aws:iam:us-east-1:123456789012:role/x",
            "arn:aws:iam::123456789012:user/x",
        ] {
            assert!(validate_role_arn(bad).unwrap_err().is_bad_input(), "{bad}");
        }
    }

    #[test]
    fn session_names_say_wa_sync() {
        let name = session_name();
        assert!(name.starts_with("wa-sync-") && name.len() <= 64);
    }
}
