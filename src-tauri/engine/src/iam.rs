//! The IAM role wizard: the permissions policy and trust policy wa-sync (or Conformity's hosted
//! sync) needs, creating or updating them idempotently, verifying a role, and exporting the same
//! set-up as files with an AWS CLI script.

use crate::credentials::{assume_role, base_config, config_for, sdk_error, AwsAuth};
use crate::wellarchitected::{client::LENS_ALIAS, WorkloadArn};
use crate::{Error, Field, Result};
use aws_config::SdkConfig;
use serde::Serialize;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Conformity's AWS account, which its hosted sync assumes roles from.
pub const CONFORMITY_PRINCIPAL: &str = "arn:aws:iam::717210094962:root";

/// The Well-Architected actions wa-sync uses, all on the workload.
pub const WORKLOAD_ACTIONS: &[&str] = &[
    "wellarchitected:GetWorkload",
    "wellarchitected:ListLensReviews",
    "wellarchitected:ListAnswers",
    "wellarchitected:GetAnswer",
    "wellarchitected:UpdateAnswer",
];

/// IAM keeps at most five versions of a managed policy.
const MAX_POLICY_VERSIONS: usize = 5;

/// The tag wa-sync puts on the role and policy it creates. wa-sync changes an existing role or
/// policy only when it carries this tag, or when the user says to adopt it.
pub const MANAGED_TAG_KEY: &str = "wa-sync:managed";
pub const MANAGED_TAG_VALUE: &str = "true";

/// Who may assume the role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trust {
    /// Conformity's hosted sync (account 717210094962).
    Conformity,
    /// The account of the credentials in use (GetCallerIdentity).
    Caller,
    /// Another 12-digit account.
    Account(String),
}

impl Trust {
    /// `conformity`, `caller` or `account:123456789012`.
    pub fn parse(text: &str) -> Result<Trust> {
        match text {
            "conformity" => Ok(Trust::Conformity),
            "caller" => Ok(Trust::Caller),
            _ => match text.strip_prefix("account:") {
                Some(id) if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) => {
                    Ok(Trust::Account(id.to_string()))
                }
                _ => Err(Error::bad_field(
                    Field::Trust,
                    format!(
                        "bad trust {text:?}: use conformity, caller or account:<12-digit account ID>"
                    ),
                )),
            },
        }
    }
}

/// The principal ARNs for `trust`; `caller_account` is needed only for [`Trust::Caller`].
pub fn principals(
    trust: &[Trust],
    partition: &str,
    caller_account: Option<&str>,
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for t in trust {
        let arn = match t {
            Trust::Conformity => CONFORMITY_PRINCIPAL.to_string(),
            Trust::Caller => format!(
                "arn:{partition}:iam::{}:root",
                caller_account.ok_or_else(|| Error::Api(
                    "the caller's account is unknown (GetCallerIdentity was not called)".into()
                ))?
            ),
            Trust::Account(id) => format!("arn:{partition}:iam::{id}:root"),
        };
        if !out.contains(&arn) {
            out.push(arn);
        }
    }
    Ok(out)
}

/// The permissions policy: the actions wa-sync uses on exactly this workload, and
/// `ListWorkloads` on `*` (it has no resource type) only when asked.
pub fn permissions_policy(workload: &WorkloadArn, allow_list_workloads: bool) -> Value {
    let mut statements = vec![json!({
        "Sid": "WaSyncWorkloadNotes",
        "Effect": "Allow",
        "Action": WORKLOAD_ACTIONS,
        "Resource": workload.to_string(),
    })];
    if allow_list_workloads {
        statements.push(json!({
            "Sid": "WaSyncListWorkloads",
            "Effect": "Allow",
            "Action": "wellarchitected:ListWorkloads",
            "Resource": "*",
        }));
    }
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// The trust policy: these principals may call `sts:AssumeRole`, with the external ID if given.
pub fn trust_policy(principals: &[String], external_id: Option<&str>) -> Value {
    let principal: Value = if principals.len() == 1 {
        json!(principals[0])
    } else {
        json!(principals)
    };
    let mut statement = json!({
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": "sts:AssumeRole",
    });
    if let Some(id) = external_id {
        statement["Condition"] = json!({"StringEquals": {"sts:ExternalId": id}});
    }
    json!({"Version": "2012-10-17", "Statement": [statement]})
}

/// The managed policy's name for a role.
pub fn policy_name(role_name: &str) -> String {
    format!("{role_name}Policy")
}

/// Checks an IAM role name.
pub fn validate_role_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Error::bad_field(
            Field::RoleName,
            format!("bad role name {name:?}: 1-64 letters, digits or +=,.@_-"),
        ))
    }
}

/// The account of the credentials in use.
pub async fn caller_account(config: &SdkConfig) -> Result<String> {
    let sts = aws_sdk_sts::Client::new(config);
    let out = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| sdk_error("STS GetCallerIdentity", &e))?;
    out.account().map(str::to_string).ok_or_else(|| {
        Error::BadResponse("STS GetCallerIdentity answered without an account".into())
    })
}

/// What `create_or_update` did.
#[derive(Clone, Debug, Serialize)]
pub struct SetupOutcome {
    pub role_arn: String,
    pub policy_arn: String,
    pub role_created: bool,
    pub policy_created: bool,
    /// A new default version of an existing policy (`None`: created, or unchanged).
    pub policy_version: Option<String>,
    /// Old versions deleted to stay under IAM's limit of five.
    pub pruned_versions: Vec<String>,
}

/// A role or policy of the wizard's name that is already there.
#[derive(Clone, Debug, Serialize)]
pub struct Existing {
    /// Carries `wa-sync:managed=true`: wa-sync made it (or was told to adopt it).
    pub managed: bool,
    /// The role's trust policy as it is now (roles only).
    pub trust_policy: Option<Value>,
}

/// What of the wizard's role and policy exists already, and whether wa-sync owns it.
#[derive(Clone, Debug, Serialize)]
pub struct Ownership {
    pub role_name: String,
    pub policy_arn: String,
    pub role: Option<Existing>,
    pub policy: Option<Existing>,
}

impl Ownership {
    /// The existing role and policy wa-sync did not make, in words (empty: nothing to adopt).
    pub fn foreign(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.role.as_ref().is_some_and(|r| !r.managed) {
            out.push(format!("role {}", self.role_name));
        }
        if self.policy.as_ref().is_some_and(|p| !p.managed) {
            out.push(format!("policy {}", self.policy_arn));
        }
        out
    }
}

fn is_managed(tags: &[aws_sdk_iam::types::Tag]) -> bool {
    tags.iter()
        .any(|t| t.key() == MANAGED_TAG_KEY && t.value() == MANAGED_TAG_VALUE)
}

fn managed_tag() -> aws_sdk_iam::types::Tag {
    aws_sdk_iam::types::Tag::builder()
        .key(MANAGED_TAG_KEY)
        .value(MANAGED_TAG_VALUE)
        .build()
        .expect("key and value are set")
}

/// Looks up the role and policy `create_or_update` would write, without changing anything.
pub async fn ownership(
    config: &SdkConfig,
    account: &str,
    partition: &str,
    role_name: &str,
) -> Result<Ownership> {
    let iam = aws_sdk_iam::Client::new(config);
    let policy_arn = format!(
        "arn:{partition}:iam::{account}:policy/{}",
        policy_name(role_name)
    );
    let role = match iam.get_role().role_name(role_name).send().await {
        Ok(out) => out.role().map(|r| Existing {
            managed: is_managed(r.tags()),
            trust_policy: r
                .assume_role_policy_document()
                .and_then(parse_policy_document),
        }),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_no_such_entity_exception()) =>
        {
            None
        }
        Err(e) => return Err(sdk_error(&format!("IAM GetRole {role_name}"), &e)),
    };
    let policy = match iam.get_policy().policy_arn(&policy_arn).send().await {
        Ok(out) => out.policy().map(|p| Existing {
            managed: is_managed(p.tags()),
            trust_policy: None,
        }),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_no_such_entity_exception()) =>
        {
            None
        }
        Err(e) => return Err(sdk_error(&format!("IAM GetPolicy {policy_arn}"), &e)),
    };
    Ok(Ownership {
        role_name: role_name.to_string(),
        policy_arn,
        role,
        policy,
    })
}

/// Creates or updates the managed policy and the role (both tagged `wa-sync:managed=true`), and
/// attaches the policy. An existing role or policy without that tag is left alone, with an
/// error, unless `adopt` says to take it over (it is then tagged). Running it again with the
/// same documents changes nothing.
pub async fn create_or_update(
    config: &SdkConfig,
    account: &str,
    partition: &str,
    role_name: &str,
    permissions: &Value,
    trust: &Value,
    adopt: bool,
) -> Result<SetupOutcome> {
    let iam = aws_sdk_iam::Client::new(config);
    let name = policy_name(role_name);
    let permissions_text = serde_json::to_string(permissions).expect("policies serialise");
    let trust_text = serde_json::to_string(trust).expect("policies serialise");
    let policy_arn = format!("arn:{partition}:iam::{account}:policy/{name}");

    // Nothing is written before the ownership of both is known.
    let owned = ownership(config, account, partition, role_name).await?;
    let foreign = owned.foreign();
    if !foreign.is_empty() && !adopt {
        return Err(Error::bad_input(format!(
            "{} already exist{} and {} not made by wa-sync (no tag {MANAGED_TAG_KEY}={MANAGED_TAG_VALUE}), \
             so wa-sync leaves {} alone: pass --adopt to take {} over (the role's trust policy is \
             replaced and wa-sync's policy attached), or choose another --role-name. Nothing was changed.",
            foreign.join(" and "),
            if foreign.len() == 1 { "s" } else { "" },
            if foreign.len() == 1 { "was" } else { "were" },
            if foreign.len() == 1 { "it" } else { "them" },
            if foreign.len() == 1 { "it" } else { "them" },
        )));
    }
    if adopt && owned.policy.as_ref().is_some_and(|p| !p.managed) {
        iam.tag_policy()
            .policy_arn(&policy_arn)
            .tags(managed_tag())
            .send()
            .await
            .map_err(|e| sdk_error(&format!("IAM TagPolicy {policy_arn}"), &e))?;
    }
    if adopt && owned.role.as_ref().is_some_and(|r| !r.managed) {
        iam.tag_role()
            .role_name(role_name)
            .tags(managed_tag())
            .send()
            .await
            .map_err(|e| sdk_error(&format!("IAM TagRole {role_name}"), &e))?;
    }

    let mut outcome = SetupOutcome {
        role_arn: String::new(),
        policy_arn: policy_arn.clone(),
        role_created: false,
        policy_created: false,
        policy_version: None,
        pruned_versions: Vec::new(),
    };

    // The policy.
    let created = iam
        .create_policy()
        .policy_name(&name)
        .policy_document(&permissions_text)
        .description(
            "wa-sync: write Check Summary Reports into one Well-Architected workload's notes",
        )
        .tags(managed_tag())
        .send()
        .await;
    match created {
        Ok(out) => {
            outcome.policy_created = true;
            if let Some(arn) = out.policy().and_then(|p| p.arn()) {
                outcome.policy_arn = arn.to_string();
            }
        }
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_entity_already_exists_exception()) =>
        {
            let versions = iam
                .list_policy_versions()
                .policy_arn(&policy_arn)
                .send()
                .await
                .map_err(|e| sdk_error(&format!("IAM ListPolicyVersions {policy_arn}"), &e))?;
            let mut versions: Vec<_> = versions.versions().to_vec();
            let default = versions.iter().find(|v| v.is_default_version()).cloned();
            let same = match default.as_ref().and_then(|v| v.version_id()) {
                Some(id) => {
                    let current = iam
                        .get_policy_version()
                        .policy_arn(&policy_arn)
                        .version_id(id)
                        .send()
                        .await
                        .map_err(|e| {
                            sdk_error(&format!("IAM GetPolicyVersion {policy_arn}"), &e)
                        })?;
                    current
                        .policy_version()
                        .and_then(|v| v.document())
                        .and_then(parse_policy_document)
                        .is_some_and(|doc| &doc == permissions)
                }
                None => false,
            };
            if !same {
                // Oldest first; keep room for the new version.
                versions.sort_by_key(|v| v.create_date().map(|d| d.secs()).unwrap_or_default());
                let mut count = versions.len();
                for v in versions.iter().filter(|v| !v.is_default_version()) {
                    if count < MAX_POLICY_VERSIONS {
                        break;
                    }
                    let id = v.version_id().unwrap_or_default();
                    iam.delete_policy_version()
                        .policy_arn(&policy_arn)
                        .version_id(id)
                        .send()
                        .await
                        .map_err(|e| {
                            sdk_error(&format!("IAM DeletePolicyVersion {policy_arn} {id}"), &e)
                        })?;
                    outcome.pruned_versions.push(id.to_string());
                    count -= 1;
                }
                let out = iam
                    .create_policy_version()
                    .policy_arn(&policy_arn)
                    .policy_document(&permissions_text)
                    .set_as_default(true)
                    .send()
                    .await
                    .map_err(|e| sdk_error(&format!("IAM CreatePolicyVersion {policy_arn}"), &e))?;
                outcome.policy_version = out
                    .policy_version()
                    .and_then(|v| v.version_id())
                    .map(str::to_string);
            }
        }
        Err(e) => return Err(sdk_error(&format!("IAM CreatePolicy {name}"), &e)),
    }

    // The role.
    match iam.get_role().role_name(role_name).send().await {
        Ok(out) => {
            outcome.role_arn = out.role().map(|r| r.arn().to_string()).unwrap_or_default();
            iam.update_assume_role_policy()
                .role_name(role_name)
                .policy_document(&trust_text)
                .send()
                .await
                .map_err(|e| sdk_error(&format!("IAM UpdateAssumeRolePolicy {role_name}"), &e))?;
        }
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_no_such_entity_exception()) =>
        {
            let out = iam
                .create_role()
                .role_name(role_name)
                .assume_role_policy_document(&trust_text)
                .description("wa-sync: writes Check Summary Reports into Well-Architected notes")
                .tags(managed_tag())
                .send()
                .await
                .map_err(|e| sdk_error(&format!("IAM CreateRole {role_name}"), &e))?;
            outcome.role_created = true;
            outcome.role_arn = out.role().map(|r| r.arn().to_string()).unwrap_or_default();
        }
        Err(e) => return Err(sdk_error(&format!("IAM GetRole {role_name}"), &e)),
    }
    if outcome.role_arn.is_empty() {
        outcome.role_arn = format!("arn:{partition}:iam::{account}:role/{role_name}");
    }

    iam.attach_role_policy()
        .role_name(role_name)
        .policy_arn(&outcome.policy_arn)
        .send()
        .await
        .map_err(|e| sdk_error(&format!("IAM AttachRolePolicy {role_name}"), &e))?;
    Ok(outcome)
}

/// Policy documents come back URL-encoded from IAM (moto sends them as they were).
fn parse_policy_document(text: &str) -> Option<Value> {
    serde_json::from_str(text)
        .ok()
        .or_else(|| serde_json::from_str(&percent_decode(text)).ok())
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One check of `verify`.
#[derive(Clone, Debug, Serialize)]
pub struct VerifyCheck {
    pub check: String,
    pub ok: bool,
    pub detail: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct VerifyReport {
    pub role_arn: String,
    pub workload_arn: String,
    pub checks: Vec<VerifyCheck>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }
}

/// Assumes the role and tries every read wa-sync does, then rewrites one question's notes with
/// exactly the notes it has (a no-op for the content) to prove `UpdateAnswer`.
pub async fn verify(auth: &AwsAuth, workload: &WorkloadArn) -> Result<VerifyReport> {
    let role_arn = auth
        .role_arn
        .clone()
        .ok_or_else(|| Error::bad_field(Field::RoleArn, "a role ARN is required"))?;
    let mut report = VerifyReport {
        role_arn: role_arn.clone(),
        workload_arn: workload.to_string(),
        checks: Vec::new(),
    };
    let mut check = |name: &str, ok: bool, detail: String| {
        report.checks.push(VerifyCheck {
            check: name.to_string(),
            ok,
            detail,
        })
    };
    let config = match config_for(auth, &workload.region).await {
        Ok(config) => {
            check(
                "trust",
                true,
                format!(
                    "sts:AssumeRole on {role_arn} {} external ID succeeded",
                    if auth.external_id.is_some() {
                        "with the"
                    } else {
                        "without an"
                    }
                ),
            );
            config
        }
        Err(e) => {
            check("trust", false, e.to_string());
            return Ok(report);
        }
    };
    // Does the role also open without the external ID (confused-deputy risk)?
    if auth.external_id.is_some() {
        let base = base_config(auth.profile.as_deref(), &workload.region).await;
        let quick = AwsAuth {
            assume_role_wait: Some(std::time::Duration::ZERO),
            ..auth.clone()
        };
        let open = assume_role(&base, &role_arn, None, &quick).await.is_ok();
        check(
            "external-id-required",
            !open,
            if open {
                "the role can be assumed WITHOUT the external ID: add the condition \
                 StringEquals sts:ExternalId to its trust policy (`wa-sync iam create`)"
                    .into()
            } else {
                "the trust policy demands the external ID".into()
            },
        );
    }
    let wa = aws_sdk_wellarchitected::Client::new(&config);
    let id = &workload.workload_id;
    let missing = |action: &str, e: &Error| match e {
        Error::Auth(_) => format!(
            "missing permission wellarchitected:{action} on {workload} in the role's policy: {e}"
        ),
        other => other.to_string(),
    };
    let r = wa.get_workload().workload_id(id).send().await;
    let r = r.map_err(|e| sdk_error("GetWorkload", &e));
    check(
        "wellarchitected:GetWorkload",
        r.is_ok(),
        r.as_ref()
            .map_or_else(|e| missing("GetWorkload", e), |_| "ok".into()),
    );
    let r = wa.list_lens_reviews().workload_id(id).send().await;
    let r = r.map_err(|e| sdk_error("ListLensReviews", &e));
    check(
        "wellarchitected:ListLensReviews",
        r.is_ok(),
        r.as_ref()
            .map_or_else(|e| missing("ListLensReviews", e), |_| "ok".into()),
    );
    let r = wa
        .list_answers()
        .workload_id(id)
        .lens_alias(LENS_ALIAS)
        .max_results(1)
        .send()
        .await
        .map_err(|e| sdk_error("ListAnswers", &e));
    check(
        "wellarchitected:ListAnswers",
        r.is_ok(),
        r.as_ref()
            .map_or_else(|e| missing("ListAnswers", e), |_| "ok".into()),
    );
    let first = r.ok().and_then(|out| {
        out.answer_summaries()
            .first()
            .and_then(|a| a.question_id().map(str::to_string))
    });
    if let Some(question) = first {
        let r = wa
            .get_answer()
            .workload_id(id)
            .lens_alias(LENS_ALIAS)
            .question_id(&question)
            .send()
            .await
            .map_err(|e| sdk_error("GetAnswer", &e));
        check(
            "wellarchitected:GetAnswer",
            r.is_ok(),
            r.as_ref()
                .map_or_else(|e| missing("GetAnswer", e), |_| "ok".into()),
        );
        if let Ok(out) = r {
            let notes = out
                .answer()
                .and_then(|a| a.notes())
                .unwrap_or_default()
                .to_string();
            let r = wa
                .update_answer()
                .workload_id(id)
                .lens_alias(LENS_ALIAS)
                .question_id(&question)
                .notes(notes)
                .send()
                .await
                .map_err(|e| sdk_error("UpdateAnswer", &e));
            check(
                "wellarchitected:UpdateAnswer",
                r.is_ok(),
                r.as_ref().map_or_else(
                    |e| missing("UpdateAnswer", e),
                    |_| format!("ok (rewrote {question}'s notes unchanged)"),
                ),
            );
        }
    }
    Ok(report)
}

/// A bash script doing what [`create_or_update`] does with the AWS CLI, idempotently, with the
/// same ownership check: an existing role or policy without the `wa-sync:managed=true` tag is
/// left alone unless the script is run with `--adopt`.
pub fn setup_script(role_name: &str) -> String {
    let policy = policy_name(role_name);
    format!(
        r#"#!/usr/bin/env bash
# Creates or updates the IAM role and policy that let wa-sync (or Conformity's hosted sync)
# write notes into one Well-Architected workload. Safe to run again: an existing policy gets a
# new default version (old versions are pruned at IAM's limit of 5), an existing role gets the
# trust policy of this directory. Needs the AWS CLI and permission to manage IAM.
#
# It changes only a role and policy that wa-sync made (tagged {MANAGED_TAG_KEY}={MANAGED_TAG_VALUE}).
# If a role or policy of the same name exists without that tag, it stops before changing
# anything; run it again with --adopt to take them over (they are then tagged).
set -euo pipefail
cd "$(dirname "$0")"

ADOPT=false
for arg in "$@"; do
  case "$arg" in
    --adopt) ADOPT=true ;;
    *) echo "usage: $0 [--adopt]" >&2; exit 2 ;;
  esac
done

ROLE_NAME="${{ROLE_NAME:-{role_name}}}"
POLICY_NAME="${{POLICY_NAME:-{policy}}}"
PERMISSIONS=file://./permissions-policy.json
TRUST=file://./trust-policy.json
TAG="Key={MANAGED_TAG_KEY},Value={MANAGED_TAG_VALUE}"
TAG_QUERY="Tags[?Key=='{MANAGED_TAG_KEY}'].Value | [0]"

account="$(aws sts get-caller-identity --query Account --output text)"
partition="$(aws sts get-caller-identity --query Arn --output text | cut -d: -f2)"
policy_arn="arn:${{partition}}:iam::${{account}}:policy/${{POLICY_NAME}}"

policy_exists=false
role_exists=false
aws iam get-policy --policy-arn "$policy_arn" >/dev/null 2>&1 && policy_exists=true
aws iam get-role --role-name "$ROLE_NAME" >/dev/null 2>&1 && role_exists=true

# Ownership first, before anything is changed.
foreign=""
if $policy_exists && [ "$(aws iam list-policy-tags --policy-arn "$policy_arn" --query "$TAG_QUERY" --output text)" != "{MANAGED_TAG_VALUE}" ]; then
  foreign="policy $policy_arn"
fi
if $role_exists && [ "$(aws iam list-role-tags --role-name "$ROLE_NAME" --query "$TAG_QUERY" --output text)" != "{MANAGED_TAG_VALUE}" ]; then
  foreign="${{foreign:+$foreign and }}role $ROLE_NAME"
  if ! $ADOPT; then
    echo "Its current trust policy:" >&2
    aws iam get-role --role-name "$ROLE_NAME" --query Role.AssumeRolePolicyDocument --output json >&2
  fi
fi
if [ -n "$foreign" ]; then
  if ! $ADOPT; then
    echo "$foreign already exists and was not made by wa-sync (no tag {MANAGED_TAG_KEY}={MANAGED_TAG_VALUE})." >&2
    echo "Nothing was changed. Run again with --adopt to take it over (the role's trust policy is" >&2
    echo "replaced by trust-policy.json), or set ROLE_NAME to another name." >&2
    exit 3
  fi
  echo "Adopting $foreign"
  if $policy_exists; then aws iam tag-policy --policy-arn "$policy_arn" --tags "$TAG"; fi
  if $role_exists; then aws iam tag-role --role-name "$ROLE_NAME" --tags "$TAG"; fi
fi

if $policy_exists; then
  # At most 5 versions: delete the oldest non-default ones first.
  while [ "$(aws iam list-policy-versions --policy-arn "$policy_arn" --query 'length(Versions)' --output text)" -ge 5 ]; do
    oldest="$(aws iam list-policy-versions --policy-arn "$policy_arn" \
      --query 'sort_by(Versions[?IsDefaultVersion==`false`], &CreateDate)[0].VersionId' --output text)"
    aws iam delete-policy-version --policy-arn "$policy_arn" --version-id "$oldest"
  done
  aws iam create-policy-version --policy-arn "$policy_arn" --policy-document "$PERMISSIONS" --set-as-default >/dev/null
  echo "Updated policy $policy_arn"
else
  aws iam create-policy --policy-name "$POLICY_NAME" --policy-document "$PERMISSIONS" --tags "$TAG" >/dev/null
  echo "Created policy $policy_arn"
fi

if $role_exists; then
  aws iam update-assume-role-policy --role-name "$ROLE_NAME" --policy-document "$TRUST"
  echo "Updated the trust policy of role $ROLE_NAME"
else
  aws iam create-role --role-name "$ROLE_NAME" --assume-role-policy-document "$TRUST" --tags "$TAG" >/dev/null
  echo "Created role $ROLE_NAME"
fi

aws iam attach-role-policy --role-name "$ROLE_NAME" --policy-arn "$policy_arn"
role_arn="$(aws iam get-role --role-name "$ROLE_NAME" --query Role.Arn --output text)"
echo "Role ARN is: $role_arn"
echo "(a new role can take a few seconds before it can be assumed)"
"#
    )
}

/// Writes `permissions-policy.json`, `trust-policy.json` and `setup-iam-role.sh` into `dir`.
pub fn export(
    dir: &Path,
    role_name: &str,
    permissions: &Value,
    trust: &Value,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    let files = [
        ("permissions-policy.json", pretty(permissions)),
        ("trust-policy.json", pretty(trust)),
        ("setup-iam-role.sh", setup_script(role_name)),
    ];
    let mut out = Vec::new();
    for (name, text) in files {
        let path = dir.join(name);
        crate::atomic_file::write(&path, text.as_bytes())
            .map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
        // Executable for its owner only, like every file wa-sync writes is readable by its owner only.
        #[cfg(unix)]
        if name.ends_with(".sh") {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| Error::io(format!("making {} executable", path.display()), e))?;
        }
        out.push(path);
    }
    Ok(out)
}

pub fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("policies serialise");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arn() -> WorkloadArn {
        WorkloadArn::parse("arn:aws:wellarchitected:eu-west-1:123456789012:workload/0123456789abcdef0123456789abcdef")
            .unwrap()
    }

    #[test]
    fn permissions_are_scoped_to_the_workload() {
        let p = permissions_policy(&arn(), false);
        assert_eq!(p["Statement"].as_array().unwrap().len(), 1);
        assert_eq!(p["Statement"][0]["Resource"], arn().to_string());
        let text = p.to_string();
        assert!(!text.contains("\"*\"") && !text.contains("ListWorkloads"));
        let p = permissions_policy(&arn(), true);
        assert_eq!(p["Statement"][1]["Resource"], "*");
    }

    #[test]
    fn trust_demands_the_external_id() {
        let principals = principals(
            &[
                Trust::Conformity,
                Trust::Caller,
                Trust::parse("account:210987654321").unwrap(),
            ],
            "aws",
            Some("123456789012"),
        )
        .unwrap();
        assert_eq!(principals.len(), 3);
        let t = trust_policy(&principals, Some("abc-123"));
        assert_eq!(
            t["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"],
            "abc-123"
        );
        assert_eq!(
            t["Statement"][0]["Principal"]["AWS"][0],
            CONFORMITY_PRINCIPAL
        );
        assert!(Trust::parse("account:12").is_err());
        assert!(Trust::parse("everyone").is_err());
    }

    #[test]
    fn decodes_iam_documents() {
        let doc = json!({"Version": "2012-10-17", "Statement": []});
        assert_eq!(
            parse_policy_document(
                "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"
            ),
            Some(doc.clone())
        );
        assert_eq!(parse_policy_document(&doc.to_string()), Some(doc));
    }
}
