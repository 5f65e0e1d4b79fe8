//! The verify step: wa-sync assumes the role and reads and rewrites the workload as a sync would;
//! each failed check says what to fix.

use crate::aws::aws_error;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::settings::{RoleChoice, Writer};
use crate::state::AppState;
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;
use wa_sync_engine::credentials::AwsAuth;
use wa_sync_engine::iam;
use wa_sync_engine::wellarchitected::WorkloadArn;

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct VerifyCheckView {
    pub check: String,
    pub ok: bool,
    pub detail: String,
    /// How to fix a failed check.
    pub fix: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct VerifyView {
    pub ok: bool,
    pub role_arn: String,
    pub workload_arn: String,
    pub checks: Vec<VerifyCheckView>,
}

fn fix_for(
    check: &str,
    ok: bool,
    role: &RoleChoice,
    external_id: Option<&str>,
    workload: &WorkloadArn,
) -> Option<String> {
    if ok {
        return None;
    }
    Some(match check {
        "trust" if external_id.is_none() => format!(
            "The trust policy of {} must let your AWS account call sts:AssumeRole. Press \u{201c}Create \
             or update the role\u{201d} to put the policy shown above in place (or run the saved script again); \
             if the role was made elsewhere, compare its trust relationships in IAM > Roles with the policy \
             shown above (an external ID condition there needs the same external ID here).",
            role.role_name
        ),
        "trust" => format!(
            "The trust policy of {} must let your AWS account call sts:AssumeRole with the condition \
             StringEquals sts:ExternalId = {}. Press \u{201c}Create or update the role\u{201d} to put the \
             policy shown above in place (or run the saved script again); if the role was made elsewhere, \
             compare its trust relationships in IAM > Roles with the policy shown above. A role created \
             seconds ago may need a moment: verify again.",
            role.role_name,
            external_id.unwrap_or("your organisation's external ID")
        ),
        "external-id-required" => format!(
            "Anyone trusted by {} can assume it without the external ID. Add the condition \
             StringEquals sts:ExternalId to its trust policy (\u{201c}Create or update the role\u{201d} does).",
            role.role_name
        ),
        c if c.starts_with("wellarchitected:") => format!(
            "Add {c} on {workload} to the role's permissions policy ({}); \u{201c}Create or update the role\u{201d} \
             writes the full policy shown above.",
            iam::policy_name(&role.role_name)
        ),
        _ => "See the detail above.".to_string(),
    })
}

/// Assumes the role (with the external ID) and reads and rewrites the workload as a sync would;
/// each failed check says which permission or trust condition is missing.
#[tauri::command]
pub async fn iam_verify(state: State<'_, AppState>) -> AppResult<VerifyView> {
    run_iam_verify(&state).await
}

pub async fn run_iam_verify(state: &AppState) -> AppResult<VerifyView> {
    let workload = state.workload_arn()?;
    let settings = state.settings();
    let role = settings
        .role
        .clone()
        .filter(|r| r.role_arn.is_some())
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::BadInput,
                "no role yet: create it here, or enter the ARN of the role the script created",
            )
        })?;
    let role_arn = role.role_arn.clone().unwrap_or_default();
    if role.writer == Writer::Hosted {
        return Ok(VerifyView {
            ok: false,
            role_arn: role_arn.clone(),
            workload_arn: workload.to_string(),
            checks: vec![VerifyCheckView {
                check: "hosted-only".into(),
                ok: false,
                detail: "Only Conformity's AWS account may assume this role, so wa-sync cannot try it from this machine.".into(),
                fix: Some("Choose \u{201c}both\u{201d} to let wa-sync verify it too, or start a hosted sync in Conformity (or `wa-sync hosted-sync`) to test it.".into()),
            }],
        });
    }
    let external_id = state.role_external_id(&role).await?;
    let auth = AwsAuth {
        profile: settings.aws.and_then(|a| a.profile),
        role_arn: Some(role_arn.clone()),
        external_id: external_id.clone(),
        assume_role_wait: None,
    };
    let report = iam::verify(&auth, &workload)
        .await
        .map_err(|e| aws_error(auth.profile.as_deref(), e))?;
    let ok = report.ok();
    let checks = report
        .checks
        .into_iter()
        .map(|c| VerifyCheckView {
            fix: fix_for(&c.check, c.ok, &role, external_id.as_deref(), &workload),
            check: c.check,
            ok: c.ok,
            detail: c.detail,
        })
        .collect();
    if ok {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        state.update_settings(|s| {
            if let Some(r) = &mut s.role {
                r.verified_at = Some(wa_sync_engine::time::rfc3339_secs(now));
            }
        })?;
    }
    Ok(VerifyView {
        ok,
        role_arn,
        workload_arn: workload.to_string(),
        checks,
    })
}
