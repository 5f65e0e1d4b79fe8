//! Exporting the set-up as policy files plus an AWS CLI script, for those who run it themselves.

use crate::{Error, Result};
use serde_json::Value;
use std::path::{Path, PathBuf};

use super::policies::{policy_name, pretty};
use super::{MANAGED_TAG_KEY, MANAGED_TAG_VALUE};

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

"#
    ) + WRITE_STEPS
}

/// The half of the script after the ownership check: it needs no values filled in.
const WRITE_STEPS: &str = r#"if $policy_exists; then
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
"#;

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
