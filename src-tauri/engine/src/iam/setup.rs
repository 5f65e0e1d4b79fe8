//! Creating or updating the role and its managed policy, leaving alone what wa-sync did not make.

use crate::credentials::sdk_error;
use crate::error::Field;
use crate::{Error, Result};
use aws_config::SdkConfig;
use serde::Serialize;
use serde_json::Value;

use super::policies::{parse_policy_document, policy_name};
use super::{MANAGED_TAG_KEY, MANAGED_TAG_VALUE};

/// IAM keeps at most five versions of a managed policy.
const MAX_POLICY_VERSIONS: usize = 5;

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
    let policy_arn = format!(
        "arn:{partition}:iam::{account}:policy/{}",
        policy_name(role_name)
    );

    // Nothing is written before the ownership of both is known.
    let owned = ownership(config, account, partition, role_name).await?;
    refuse_foreign_unless_adopted(&owned, adopt)?;
    if adopt {
        tag_foreign(&iam, &owned).await?;
    }

    let mut outcome = SetupOutcome {
        role_arn: String::new(),
        policy_arn,
        role_created: false,
        policy_created: false,
        policy_version: None,
        pruned_versions: Vec::new(),
    };
    write_policy(&iam, role_name, permissions, &mut outcome).await?;
    write_role(&iam, role_name, trust, &mut outcome).await?;
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

fn refuse_foreign_unless_adopted(owned: &Ownership, adopt: bool) -> Result<()> {
    let foreign = owned.foreign();
    if foreign.is_empty() || adopt {
        return Ok(());
    }
    Err(Error::bad_field(
        Field::Adopt,
        format!(
        "{} already exist{} and {} not made by wa-sync (no tag {MANAGED_TAG_KEY}={MANAGED_TAG_VALUE}), \
         so wa-sync leaves {} alone: adopt {} to take over (the role's trust policy is \
         replaced and wa-sync's policy attached), or choose another role name. Nothing was changed.",
        foreign.join(" and "),
        if foreign.len() == 1 { "s" } else { "" },
        if foreign.len() == 1 { "was" } else { "were" },
        if foreign.len() == 1 { "it" } else { "them" },
        if foreign.len() == 1 { "it" } else { "them" },
        ),
    ))
}

/// Tags the existing role and policy wa-sync is told to adopt, so later runs know they are its own.
async fn tag_foreign(iam: &aws_sdk_iam::Client, owned: &Ownership) -> Result<()> {
    let policy_arn = &owned.policy_arn;
    let role_name = &owned.role_name;
    if owned.policy.as_ref().is_some_and(|p| !p.managed) {
        iam.tag_policy()
            .policy_arn(policy_arn)
            .tags(managed_tag())
            .send()
            .await
            .map_err(|e| sdk_error(&format!("IAM TagPolicy {policy_arn}"), &e))?;
    }
    if owned.role.as_ref().is_some_and(|r| !r.managed) {
        iam.tag_role()
            .role_name(role_name)
            .tags(managed_tag())
            .send()
            .await
            .map_err(|e| sdk_error(&format!("IAM TagRole {role_name}"), &e))?;
    }
    Ok(())
}

/// Creates the managed policy, or gives an existing one a new default version when its document
/// differs.
async fn write_policy(
    iam: &aws_sdk_iam::Client,
    role_name: &str,
    permissions: &Value,
    outcome: &mut SetupOutcome,
) -> Result<()> {
    let name = policy_name(role_name);
    let permissions_text = serde_json::to_string(permissions).expect("policies serialise");
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
            Ok(())
        }
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_entity_already_exists_exception()) =>
        {
            update_policy(iam, permissions, outcome).await
        }
        Err(e) => Err(sdk_error(&format!("IAM CreatePolicy {name}"), &e)),
    }
}

/// A new default version of the existing policy, unless the default one already says the same.
async fn update_policy(
    iam: &aws_sdk_iam::Client,
    permissions: &Value,
    outcome: &mut SetupOutcome,
) -> Result<()> {
    let policy_arn = outcome.policy_arn.clone();
    let versions = iam
        .list_policy_versions()
        .policy_arn(&policy_arn)
        .send()
        .await
        .map_err(|e| sdk_error(&format!("IAM ListPolicyVersions {policy_arn}"), &e))?;
    let versions: Vec<_> = versions.versions().to_vec();
    let default = versions.iter().find(|v| v.is_default_version());
    if let Some(id) = default.and_then(|v| v.version_id()) {
        if default_version_is(iam, &policy_arn, id, permissions).await? {
            return Ok(());
        }
    }
    outcome.pruned_versions = prune_versions(iam, &policy_arn, versions).await?;
    let permissions_text = serde_json::to_string(permissions).expect("policies serialise");
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
    Ok(())
}

async fn default_version_is(
    iam: &aws_sdk_iam::Client,
    policy_arn: &str,
    version_id: &str,
    permissions: &Value,
) -> Result<bool> {
    let current = iam
        .get_policy_version()
        .policy_arn(policy_arn)
        .version_id(version_id)
        .send()
        .await
        .map_err(|e| sdk_error(&format!("IAM GetPolicyVersion {policy_arn}"), &e))?;
    Ok(current
        .policy_version()
        .and_then(|v| v.document())
        .and_then(parse_policy_document)
        .is_some_and(|doc| &doc == permissions))
}

/// Deletes the oldest non-default versions until there is room for one more under IAM's limit;
/// returns the deleted version IDs.
async fn prune_versions(
    iam: &aws_sdk_iam::Client,
    policy_arn: &str,
    mut versions: Vec<aws_sdk_iam::types::PolicyVersion>,
) -> Result<Vec<String>> {
    versions.sort_by_key(|v| v.create_date().map(|d| d.secs()).unwrap_or_default());
    let mut pruned = Vec::new();
    let mut count = versions.len();
    for v in versions.iter().filter(|v| !v.is_default_version()) {
        if count < MAX_POLICY_VERSIONS {
            break;
        }
        let id = v.version_id().unwrap_or_default();
        iam.delete_policy_version()
            .policy_arn(policy_arn)
            .version_id(id)
            .send()
            .await
            .map_err(|e| sdk_error(&format!("IAM DeletePolicyVersion {policy_arn} {id}"), &e))?;
        pruned.push(id.to_string());
        count -= 1;
    }
    Ok(pruned)
}

/// Creates the role, or replaces an existing one's trust policy.
async fn write_role(
    iam: &aws_sdk_iam::Client,
    role_name: &str,
    trust: &Value,
    outcome: &mut SetupOutcome,
) -> Result<()> {
    let trust_text = serde_json::to_string(trust).expect("policies serialise");
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
    Ok(())
}
