//! The AWS step: the profile, the region and the workload the notes go to.

use crate::aws::{aws_error, read_profiles, AwsProfile};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::settings::{AwsChoice, Settings};
use crate::state::AppState;
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;
use wa_sync_engine::usecase;
use wa_sync_engine::wellarchitected::client::LENS_ALIAS;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct WorkloadView {
    pub arn: String,
    pub name: String,
    pub account_id: String,
    pub region: String,
    /// The `wellarchitected` lens is on the workload.
    pub has_lens: bool,
    /// Its AWS account is the chosen Conformity account's (`None`: that account has no AWS ID).
    pub account_matches: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct WorkloadList {
    /// The account and ARN of the credentials in use.
    pub caller_account: String,
    pub caller_arn: String,
    pub workloads: Vec<WorkloadView>,
}

/// The profiles of the user's AWS config (names and kinds only; no credential is read).
#[tauri::command]
pub fn aws_profiles() -> Vec<AwsProfile> {
    read_profiles()
}

fn validate_profile(profile: &Option<String>) -> AppResult<()> {
    if let Some(p) = profile {
        if !read_profiles().iter().any(|x| &x.name == p) {
            return Err(AppError::new(
                ErrorCode::BadInput,
                format!("there is no AWS profile {p:?} in your AWS config; pick one from the list"),
            ));
        }
    }
    Ok(())
}

/// Who the credentials are, and the workloads they see in `region`, with whether each has the
/// `wellarchitected` lens and is in the Conformity account's AWS account.
#[tauri::command]
pub async fn aws_workloads(
    state: State<'_, AppState>,
    profile: Option<String>,
    region: String,
) -> AppResult<WorkloadList> {
    run_aws_workloads(&state, profile, region).await
}

pub async fn run_aws_workloads(
    state: &AppState,
    profile: Option<String>,
    region: String,
) -> AppResult<WorkloadList> {
    validate_profile(&profile)?;
    let seen = usecase::list_workloads(profile.as_deref(), &region)
        .await
        .map_err(|e| aws_error(profile.as_deref(), e))?;
    let expected = state.settings().account.and_then(|a| a.aws_account_id);
    let workloads = seen
        .workloads
        .into_iter()
        .map(|w| WorkloadView {
            arn: w.arn.to_string(),
            name: w.name,
            has_lens: w.has_lens,
            account_matches: expected.as_ref().map(|e| e == &w.arn.account_id),
            account_id: w.arn.account_id,
            region: w.arn.region,
        })
        .collect();
    Ok(WorkloadList {
        caller_account: seen.caller_account,
        caller_arn: seen.caller_arn,
        workloads,
    })
}

/// Keeps the profile, region and workload (the workload is looked up again).
#[tauri::command]
pub async fn choose_workload(
    state: State<'_, AppState>,
    profile: Option<String>,
    region: String,
    workload_arn: String,
) -> AppResult<Settings> {
    let list = run_aws_workloads(&state, profile.clone(), region.clone()).await?;
    let w = list
        .workloads
        .into_iter()
        .find(|w| w.arn == workload_arn)
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                format!(
                    "{workload_arn} is not among the workloads these credentials see in {region}"
                ),
            )
        })?;
    if !w.has_lens {
        return Err(AppError::new(
            ErrorCode::BadInput,
            format!(
                "the workload {:?} is not reviewed with the AWS Well-Architected Framework lens \
                 ({LENS_ALIAS}); add the lens in the Well-Architected Tool (workload > Lenses), then pick it again",
                w.name
            ),
        ));
    }
    state.update_settings(|s| {
        let changed = s.aws.as_ref().and_then(|a| a.workload_arn.as_deref()) != Some(&w.arn);
        s.aws = Some(AwsChoice {
            profile,
            region: region.trim().to_string(),
            workload_arn: Some(w.arn.clone()),
            workload_name: Some(w.name.clone()),
        });
        if changed {
            // A role is for one workload (its policy names the workload's ARN).
            if let Some(r) = &mut s.role {
                r.verified_at = None;
            }
        }
    })
}
