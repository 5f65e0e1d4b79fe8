//! Fake AWS STS (API 2011-06-15, awsQuery protocol): `AssumeRole` and `GetCallerIdentity`.
//!
//! moto's STS accepts any `ExternalId` and does not need the role to exist, so it cannot catch the
//! mistakes that matter for cross-account access. This fake enforces them: the role must exist, its
//! `ExternalId` must match exactly, only trusted access keys may assume it, and a new role can be
//! made to refuse its first attempts, like IAM's eventual consistency right after `CreateRole`.
//!
//! Requests are form-encoded `POST /`; responses are the XML the real `aws-sdk-sts` parses,
//! errors are `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
//! Signatures are not verified, but the access key ID of the SigV4 `Credential=` is recorded so a
//! test can prove which credentials were used.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::server::{lock, Served, SharedState};
use crate::wellarchitected::{credential_scope, fnv1a, parse_urlencoded};

/// Account of callers whose access key was neither issued here nor mapped with
/// [`FakeSts::set_key_account`].
pub const DEFAULT_ACCOUNT: &str = "111122223333";
const NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
/// Far enough ahead that the SDK's credential cache never refreshes during a test.
const EXPIRATION: &str = "2030-01-01T00:00:00Z";

/// An IAM role that can be assumed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    /// `arn:aws:iam::ACCOUNT:role/NAME` (a path before NAME is allowed).
    pub arn: String,
    /// If set, `AssumeRole` must send exactly this `ExternalId` (the trust-policy condition).
    pub external_id: Option<String>,
    /// If set, only these caller access key IDs are trusted to assume the role.
    pub trusted_access_keys: Option<Vec<String>>,
    /// Access key ID of the temporary credentials handed out (a fake `ASIA…`).
    pub issued_access_key: String,
    /// The first this-many `AssumeRole` calls on the role fail `AccessDenied`, as a role that
    /// IAM has not propagated yet does.
    pub available_after_attempts: u32,
}

impl Role {
    /// A role trusting every caller, without external ID, available at once.
    pub fn new(arn: &str, issued_access_key: &str) -> Self {
        Role {
            arn: arn.into(),
            external_id: None,
            trusted_access_keys: None,
            issued_access_key: issued_access_key.into(),
            available_after_attempts: 0,
        }
    }

    fn account(&self) -> &str {
        self.arn.split(':').nth(4).unwrap_or(DEFAULT_ACCOUNT)
    }

    fn name(&self) -> &str {
        self.arn.rsplit('/').next().unwrap_or(&self.arn)
    }
}

/// One request the fake received, with the status it answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StsRequest {
    /// The `Action` parameter (`AssumeRole`, `GetCallerIdentity`, …).
    pub action: String,
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
    pub role_session_name: Option<String>,
    /// From `Authorization: AWS4-HMAC-SHA256 Credential=AKID/…`.
    pub access_key_id: Option<String>,
    pub status: u16,
}

/// A running fake; the server stops when this is dropped.
pub struct FakeSts {
    served: Served<Inner>,
}

impl FakeSts {
    /// Serves `roles` on 127.0.0.1 on a free port.
    pub async fn start(roles: Vec<Role>) -> Self {
        let sts = FakeSts {
            served: Served::start(Inner::default(), handle).await,
        };
        roles.into_iter().for_each(|r| sts.add_role(r));
        sts
    }

    /// `http://127.0.0.1:PORT`
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.served.addr())
    }

    pub fn requests(&self) -> Vec<StsRequest> {
        self.served.lock().requests.clone()
    }

    /// Adds a role, or replaces the one with the same ARN (its attempt count starts afresh), as
    /// a test's setup step creating the role would.
    pub fn add_role(&self, role: Role) {
        let mut inner = self.served.lock();
        inner.attempts.remove(&role.arn);
        inner.roles.retain(|r| r.arn != role.arn);
        inner.roles.push(role);
    }

    /// Says which account a (long-term) access key belongs to, for `GetCallerIdentity` and
    /// `AccessDenied` messages.
    pub fn set_key_account(&self, access_key_id: &str, account: &str) {
        self.served
            .lock()
            .key_accounts
            .insert(access_key_id.into(), account.into());
    }
}

#[derive(Default)]
struct Inner {
    roles: Vec<Role>,
    /// `AssumeRole` calls seen per role ARN.
    attempts: HashMap<String, u32>,
    key_accounts: HashMap<String, String>,
    /// Issued access key ID → (role, session name).
    sessions: HashMap<String, (Role, String)>,
    requests: Vec<StsRequest>,
}

/// A modelled STS error: status, `Type` (`Sender`/`Receiver`), `Code` and message.
struct StsError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl StsError {
    fn access_denied(message: String) -> Self {
        StsError {
            status: StatusCode::FORBIDDEN,
            code: "AccessDenied",
            message,
        }
    }

    fn validation(message: String) -> Self {
        StsError {
            status: StatusCode::BAD_REQUEST,
            code: "ValidationError",
            message,
        }
    }
}

/// The caller of a request: account, ARN and user ID.
struct Identity {
    account: String,
    arn: String,
    user_id: String,
}

/// Escapes text for an XML element.
fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// A stable fake unique ID (`AROA…`, `AIDA…`) derived from a string.
fn unique_id(prefix: &str, seed: &str) -> String {
    format!("{prefix}{:016X}", fnv1a(seed))
}

fn xml_response(status: StatusCode, xml: String, request_id: &str) -> Response {
    let mut response = (status, xml).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"));
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", v);
    }
    response
}

async fn handle(
    State(inner): State<SharedState<Inner>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // awsQuery parameters come in the form body; a query string is accepted too, as AWS does.
    let mut params = uri.query().map(parse_urlencoded).unwrap_or_default();
    params.extend(parse_urlencoded(&String::from_utf8_lossy(&body)));
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let key = credential_scope(&headers).map(|(k, _)| k);
    let mut inner = lock(&inner);
    let request_id = format!("00000000-0000-4000-8000-{:012x}", inner.requests.len() + 1);
    let action = param("Action").unwrap_or_default();
    let result = if (method != Method::POST && method != Method::GET) || uri.path() != "/" {
        Err(StsError {
            status: StatusCode::NOT_FOUND,
            code: "InvalidAction",
            message: format!("No route for {method} {}", uri.path()),
        })
    } else {
        inner.dispatch(&action, &param, key.as_deref())
    };
    let (status, xml) = match result {
        Ok(result) => (
            StatusCode::OK,
            format!(
                "<{action}Response xmlns=\"{NAMESPACE}\"><{action}Result>{result}</{action}Result>\
                 <ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{action}Response>"
            ),
        ),
        Err(e) => {
            let kind = if e.status.is_server_error() { "Receiver" } else { "Sender" };
            let xml = format!(
                "<ErrorResponse xmlns=\"{NAMESPACE}\"><Error><Type>{kind}</Type><Code>{}</Code><Message>{}</Message></Error>\
                 <RequestId>{request_id}</RequestId></ErrorResponse>",
                e.code,
                xml_escape(&e.message)
            );
            (e.status, xml)
        }
    };
    inner.requests.push(StsRequest {
        action,
        role_arn: param("RoleArn"),
        external_id: param("ExternalId"),
        role_session_name: param("RoleSessionName"),
        access_key_id: key,
        status: status.as_u16(),
    });
    xml_response(status, xml, &request_id)
}

impl Inner {
    /// Runs one action; `Ok` holds the inner XML of its `…Result` element.
    fn dispatch(
        &mut self,
        action: &str,
        param: &dyn Fn(&str) -> Option<String>,
        key: Option<&str>,
    ) -> Result<String, StsError> {
        let version = param("Version");
        if version.as_deref() != Some("2011-06-15")
            || !matches!(action, "AssumeRole" | "GetCallerIdentity")
        {
            return Err(StsError {
                status: StatusCode::BAD_REQUEST,
                code: "InvalidAction",
                message: format!(
                    "Could not find operation {action} for version {}",
                    version.unwrap_or_default()
                ),
            });
        }
        let Some(key) = key else {
            return Err(StsError {
                status: StatusCode::FORBIDDEN,
                code: "MissingAuthenticationToken",
                message: "Request is missing Authentication Token".into(),
            });
        };
        let caller = self.identity(key);
        if action == "GetCallerIdentity" {
            return Ok(format!(
                "<Arn>{}</Arn><UserId>{}</UserId><Account>{}</Account>",
                xml_escape(&caller.arn),
                xml_escape(&caller.user_id),
                caller.account
            ));
        }
        self.assume_role(param, key, &caller)
    }

    fn identity(&self, key: &str) -> Identity {
        if let Some((role, session)) = self.sessions.get(key) {
            let role_id = unique_id("AROA", &role.arn);
            return Identity {
                account: role.account().into(),
                arn: format!(
                    "arn:aws:sts::{}:assumed-role/{}/{session}",
                    role.account(),
                    role.name()
                ),
                user_id: format!("{role_id}:{session}"),
            };
        }
        let account = self
            .key_accounts
            .get(key)
            .map_or(DEFAULT_ACCOUNT, String::as_str);
        Identity {
            account: account.into(),
            arn: format!("arn:aws:iam::{account}:user/fake-user-{key}"),
            user_id: unique_id("AIDA", key),
        }
    }

    fn assume_role(
        &mut self,
        param: &dyn Fn(&str) -> Option<String>,
        key: &str,
        caller: &Identity,
    ) -> Result<String, StsError> {
        let role_arn = param("RoleArn").ok_or_else(|| {
            StsError::validation("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null".into())
        })?;
        let session = param("RoleSessionName").unwrap_or_default();
        let session_ok = (2..=64).contains(&session.len())
            && session
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
        if !session_ok {
            return Err(StsError::validation(format!(
                "1 validation error detected: Value '{session}' at 'roleSessionName' failed to satisfy constraint: \
                 Member must have length between 2 and 64 and match [\\w+=,.@-]*"
            )));
        }
        let external_id = param("ExternalId");
        if let Some(id) = external_id
            .as_deref()
            .filter(|id| !(2..=1224).contains(&id.len()))
        {
            return Err(StsError::validation(format!(
                "1 validation error detected: Value '{id}' at 'externalId' failed to satisfy constraint: Member must have length between 2 and 1224"
            )));
        }
        if let Some(d) = param("DurationSeconds")
            .filter(|d| !d.parse::<u32>().is_ok_and(|d| (900..=43200).contains(&d)))
        {
            return Err(StsError::validation(format!(
                "Value '{d}' at 'durationSeconds' must be between 900 and 43200"
            )));
        }
        let denied = || {
            StsError::access_denied(format!(
                "User: {} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
                caller.arn
            ))
        };
        // A role IAM does not know (yet) and a refused trust policy look the same to the caller.
        let role = self
            .roles
            .iter()
            .find(|r| r.arn == role_arn)
            .cloned()
            .ok_or_else(denied)?;
        let attempts = self.attempts.entry(role.arn.clone()).or_default();
        *attempts += 1;
        let trusted = role
            .trusted_access_keys
            .as_ref()
            .is_none_or(|keys| keys.iter().any(|k| k == key));
        let external_id_ok = role.external_id.is_none() || role.external_id == external_id;
        if *attempts <= role.available_after_attempts || !trusted || !external_id_ok {
            return Err(denied());
        }
        let role_id = unique_id("AROA", &role.arn);
        let result = format!(
            "<Credentials><AccessKeyId>{}</AccessKeyId><SecretAccessKey>fake-secret-{}</SecretAccessKey>\
             <SessionToken>fake-session-token-{}</SessionToken><Expiration>{EXPIRATION}</Expiration></Credentials>\
             <AssumedRoleUser><AssumedRoleId>{role_id}:{session}</AssumedRoleId>\
             <Arn>arn:aws:sts::{}:assumed-role/{}/{session}</Arn></AssumedRoleUser>",
            xml_escape(&role.issued_access_key),
            xml_escape(&role.issued_access_key),
            xml_escape(&role.issued_access_key),
            role.account(),
            xml_escape(role.name()),
        );
        self.sessions
            .insert(role.issued_access_key.clone(), (role, session));
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wellarchitected::tests::{raw, sigv4, Raw};

    const ROLE: &str = "arn:aws:iam::222233334444:role/WaNotesWriter";
    const ROLE_FORM: &str = "arn%3Aaws%3Aiam%3A%3A222233334444%3Arole%2FWaNotesWriter";
    const BASE_KEY: &str = "AKIDBASE";

    fn role() -> Role {
        Role {
            external_id: Some("ext-123".into()),
            ..Role::new(ROLE, "ASIAFAKEWA")
        }
    }

    async fn post(sts: &FakeSts, key: Option<&str>, form: &str) -> Raw {
        let auth = key.map(|k| sigv4(k, "us-east-1", "sts"));
        raw(&sts.endpoint(), "POST", "/", auth.as_deref(), form).await
    }

    async fn assume(sts: &FakeSts, key: &str, extra: &str) -> Raw {
        let form = format!("Action=AssumeRole&Version=2011-06-15&RoleArn={ROLE_FORM}&RoleSessionName=wa-sync{extra}");
        post(sts, Some(key), &form).await
    }

    /// The `<Code>` of an `ErrorResponse`, after checking the envelope.
    fn error_code(r: &Raw) -> &str {
        assert!(r.body.starts_with("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"));
        assert!(r.body.contains("<RequestId>"));
        r.body
            .split("<Code>")
            .nth(1)
            .and_then(|s| s.split("</Code>").next())
            .unwrap_or_default()
    }

    #[tokio::test]
    async fn assume_role_returns_credentials_in_aws_query_xml() {
        let sts = FakeSts::start(vec![role()]).await;
        let r = assume(&sts, BASE_KEY, "&ExternalId=ext-123&DurationSeconds=3600").await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.header("content-type"), Some("text/xml"));
        let expected = [
            "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials>",
            "<AccessKeyId>ASIAFAKEWA</AccessKeyId><SecretAccessKey>",
            "<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA",
            ":wa-sync</AssumedRoleId><Arn>arn:aws:sts::222233334444:assumed-role/WaNotesWriter/wa-sync</Arn>",
            "</AssumeRoleResult><ResponseMetadata><RequestId>",
        ];
        for part in expected {
            assert!(r.body.contains(part), "missing {part} in {}", r.body);
        }
        let recorded = sts.requests().pop().expect("recorded");
        assert_eq!(
            recorded,
            StsRequest {
                action: "AssumeRole".into(),
                role_arn: Some(ROLE.into()),
                external_id: Some("ext-123".into()),
                role_session_name: Some("wa-sync".into()),
                access_key_id: Some(BASE_KEY.into()),
                status: 200,
            }
        );
    }

    #[tokio::test]
    async fn external_id_and_trusted_keys_are_enforced() {
        let trusted = Role {
            trusted_access_keys: Some(vec![BASE_KEY.into()]),
            ..role()
        };
        let sts = FakeSts::start(vec![trusted]).await;
        for extra in ["", "&ExternalId=ext-1234", "&ExternalId=EXT-123"] {
            let r = assume(&sts, BASE_KEY, extra).await;
            assert_eq!((r.status, error_code(&r)), (403, "AccessDenied"), "{extra}");
            assert!(r.body.contains("is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222233334444:role/WaNotesWriter"));
        }
        let r = assume(&sts, "AKIDSTRANGER", "&ExternalId=ext-123").await;
        assert_eq!((r.status, error_code(&r)), (403, "AccessDenied"));
        assert_eq!(
            assume(&sts, BASE_KEY, "&ExternalId=ext-123").await.status,
            200
        );
    }

    #[tokio::test]
    async fn new_roles_become_assumable_after_some_attempts() {
        let sts = FakeSts::start(Vec::new()).await;
        assert_eq!(
            assume(&sts, BASE_KEY, "&ExternalId=ext-123").await.status,
            403,
            "unknown role"
        );
        sts.add_role(Role {
            available_after_attempts: 2,
            ..role()
        });
        let statuses = [
            assume(&sts, BASE_KEY, "&ExternalId=ext-123").await.status,
            assume(&sts, BASE_KEY, "&ExternalId=ext-123").await.status,
            assume(&sts, BASE_KEY, "&ExternalId=ext-123").await.status,
        ];
        assert_eq!(statuses, [403, 403, 200]);
        let recorded: Vec<u16> = sts.requests().iter().map(|r| r.status).collect();
        assert_eq!(recorded, [403, 403, 403, 200]);
    }

    #[tokio::test]
    async fn get_caller_identity_names_the_calling_key() {
        let sts = FakeSts::start(vec![role()]).await;
        let identity = |r: Raw| {
            assert_eq!(r.status, 200, "{}", r.body);
            assert!(r.body.starts_with("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>"));
            r.body
        };
        let form = "Action=GetCallerIdentity&Version=2011-06-15";
        assert!(identity(post(&sts, Some(BASE_KEY), form).await)
            .contains("<Account>111122223333</Account>"));
        sts.set_key_account(BASE_KEY, "999988887777");
        let body = identity(post(&sts, Some(BASE_KEY), form).await);
        assert!(body
            .contains("<Arn>arn:aws:iam::999988887777:user/fake-user-AKIDBASE</Arn><UserId>AIDA"));
        assert_eq!(
            assume(&sts, BASE_KEY, "&ExternalId=ext-123").await.status,
            200
        );
        let body = identity(post(&sts, Some("ASIAFAKEWA"), form).await);
        assert!(body
            .contains("<Arn>arn:aws:sts::222233334444:assumed-role/WaNotesWriter/wa-sync</Arn>"));
        assert!(body.contains("<Account>222233334444</Account>"));
        let last = sts.requests().pop().expect("recorded");
        assert_eq!(
            (
                last.action.as_str(),
                last.access_key_id.as_deref(),
                last.role_arn
            ),
            ("GetCallerIdentity", Some("ASIAFAKEWA"), None)
        );
    }

    #[tokio::test]
    async fn malformed_and_unsigned_requests_are_refused() {
        let sts = FakeSts::start(vec![role()]).await;
        let no_session =
            format!("Action=AssumeRole&Version=2011-06-15&RoleArn={ROLE_FORM}&ExternalId=ext-123");
        let r = post(&sts, Some(BASE_KEY), &no_session).await;
        assert_eq!((r.status, error_code(&r)), (400, "ValidationError"));
        let r = assume(&sts, BASE_KEY, "&ExternalId=ext-123&DurationSeconds=60").await;
        assert_eq!((r.status, error_code(&r)), (400, "ValidationError"));
        let r = post(&sts, None, &format!("{no_session}&RoleSessionName=s1")).await;
        assert_eq!(
            (r.status, error_code(&r)),
            (403, "MissingAuthenticationToken")
        );
        let r = post(&sts, Some(BASE_KEY), "Action=AssumeRoot&Version=2011-06-15").await;
        assert_eq!((r.status, error_code(&r)), (400, "InvalidAction"));
        let r = post(&sts, Some(BASE_KEY), "Action=GetCallerIdentity").await;
        assert_eq!((r.status, error_code(&r)), (400, "InvalidAction"));
    }
}
