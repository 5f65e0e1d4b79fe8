//! The documents: who may assume the role, what it may do, and the names wa-sync gives them.

use crate::wellarchitected::WorkloadArn;
use crate::{Error, Field, Result};
use serde_json::{json, Value};

use super::{CONFORMITY_PRINCIPAL, WORKLOAD_ACTIONS};

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

/// Policy documents come back URL-encoded from IAM (moto sends them as they were).
pub(super) fn parse_policy_document(text: &str) -> Option<Value> {
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

/// Policies as written to files: indented, with a final newline.
pub fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("policies serialise");
    text.push('\n');
    text
}
