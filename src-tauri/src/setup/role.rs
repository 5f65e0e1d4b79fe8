//! The IAM role step: the permissions and trust policies for the chosen writer, created or
//! updated from here, exported as files and a script, or a role made elsewhere remembered.

use crate::aws::aws_error;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::settings::{Product, RoleChoice, Settings, Writer};
use crate::state::AppState;
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;
use wa_sync_engine::credentials::{base_config, validate_role_arn};
use wa_sync_engine::iam::{self, Trust};
use wa_sync_engine::usecase;
use wa_sync_engine::usecase::iam::{CreateSummary, Plan, PlanInput};

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct IamPlan {
    pub writer: Writer,
    pub role_name: String,
    /// The ARN the role gets in the workload's account.
    pub role_arn: String,
    pub policy_name: String,
    pub permissions_policy: String,
    pub trust_policy: String,
    /// The external ID the trust policy demands (Vision One: only when the user chose one).
    pub external_id: Option<String>,
    pub principals: Vec<String>,
    pub workload_account: String,
    pub caller_account: Option<String>,
    /// What would stop a one-click create (wrong account, …), in words.
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct IamCreated {
    pub role_arn: String,
    pub policy_arn: String,
    pub summary: String,
    /// Set when nothing was changed because a role or policy of that name exists that wa-sync
    /// did not make: the UI asks before taking it over.
    pub adoption: Option<IamAdoption>,
}

/// What the confirmation before taking over a role or policy wa-sync did not make shows.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct IamAdoption {
    /// The existing role and policy without wa-sync's tag, in words.
    pub foreign: Vec<String>,
    /// The existing role's trust policy, as it is now (none when only the policy is foreign).
    pub current_trust_policy: Option<String>,
    /// The trust policy that would replace it.
    pub new_trust_policy: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct IamExported {
    pub files: Vec<String>,
}

async fn documents(state: &AppState, writer: Writer) -> AppResult<Plan> {
    let arn = state.workload_arn()?;
    let settings = state.settings();
    let external_id = match settings.product {
        Product::Conformity => Some(state.conformity_client()?.external_id().await?),
        Product::VisionOne => {
            if writer != Writer::App {
                return Err(AppError::new(
                    ErrorCode::BadInput,
                    "with Vision One, wa-sync on this computer writes the notes: there is no hosted sync to trust",
                ));
            }
            settings.role.and_then(|r| r.external_id)
        }
    };
    let trust = match writer {
        Writer::App => vec![Trust::Caller],
        Writer::Hosted => vec![Trust::Conformity],
        Writer::Both => vec![Trust::Caller, Trust::Conformity],
    };
    let profile = state.settings().aws.and_then(|a| a.profile);
    usecase::iam::plan(PlanInput {
        workload: arn,
        trust,
        external_id,
        profile: profile.as_deref(),
        allow_list_workloads: false,
    })
    .await
    .map_err(|e| aws_error(profile.as_deref(), e))
}

fn check_role_name(name: &str) -> AppResult<()> {
    iam::validate_role_name(name).map_err(|_| {
        AppError::new(
            ErrorCode::BadInput,
            format!("{name:?} cannot be an IAM role name: use 1-64 letters, digits or +=,.@_-"),
        )
    })
}

/// The exact permissions and trust policies for the chosen writer, and what would stand in
/// the way of creating them from here.
#[tauri::command]
pub async fn iam_plan(
    state: State<'_, AppState>,
    writer: Writer,
    role_name: String,
) -> AppResult<IamPlan> {
    run_iam_plan(&state, writer, role_name).await
}

pub async fn run_iam_plan(
    state: &AppState,
    writer: Writer,
    role_name: String,
) -> AppResult<IamPlan> {
    check_role_name(&role_name)?;
    let docs = documents(state, writer).await?;
    let mut warnings = Vec::new();
    let settings = state.settings();
    if let Some(caller) = &docs.caller_account {
        if caller != &docs.workload.account_id {
            warnings.push(format!(
                "Your AWS credentials are for account {caller}, but the workload is in account {}: the role \
                 must be created in the workload's account. Pick a profile of account {} to create it from \
                 here, or save the files and run the script with credentials of that account. (wa-sync will \
                 still need to assume it from account {caller}, which the trust policy allows.)",
                docs.workload.account_id, docs.workload.account_id
            ));
        }
    }
    if let Some(expected) = settings
        .account
        .as_ref()
        .filter(|_| settings.product == Product::Conformity)
        .and_then(|a| a.aws_account_id.clone())
    {
        if expected != docs.workload.account_id {
            warnings.push(format!(
                "The Conformity account's AWS account is {expected}, but the workload is in {}: Conformity's \
                 hosted sync only writes to workloads of the account's own AWS account.",
                docs.workload.account_id
            ));
        }
    }
    Ok(IamPlan {
        writer,
        role_arn: format!(
            "arn:{}:iam::{}:role/{role_name}",
            docs.workload.partition, docs.workload.account_id
        ),
        policy_name: iam::policy_name(&role_name),
        role_name,
        permissions_policy: iam::pretty(&docs.permissions),
        trust_policy: iam::pretty(&docs.trust),
        external_id: docs.external_id,
        principals: docs.principals,
        workload_account: docs.workload.account_id.clone(),
        caller_account: docs.caller_account,
        warnings,
    })
}

fn save_role(
    state: &AppState,
    writer: Writer,
    role_name: &str,
    role_arn: Option<String>,
) -> AppResult<Settings> {
    state.update_settings(|s| {
        let external_id = s.role.as_ref().and_then(|r| r.external_id.clone());
        s.role = Some(RoleChoice {
            writer,
            role_name: role_name.to_string(),
            role_arn,
            verified_at: None,
            external_id,
        })
    })
}

/// Creates or updates the policy and the role with the credentials in use (IAM through the
/// engine), then remembers the role. A role or policy of that name that wa-sync did not make is
/// changed only with `adopt`; without it nothing is written and the answer carries what the
/// confirmation shows (the role's current trust policy beside the new one).
#[tauri::command]
pub async fn iam_create(
    state: State<'_, AppState>,
    writer: Writer,
    role_name: String,
    adopt: Option<bool>,
) -> AppResult<IamCreated> {
    run_iam_create(&state, writer, role_name, adopt.unwrap_or(false)).await
}

pub async fn run_iam_create(
    state: &AppState,
    writer: Writer,
    role_name: String,
    adopt: bool,
) -> AppResult<IamCreated> {
    check_role_name(&role_name)?;
    let docs = documents(state, writer).await?;
    let profile = state.settings().aws.and_then(|a| a.profile);
    let config = base_config(profile.as_deref(), &docs.workload.region).await;
    let account = iam::caller_account(&config)
        .await
        .map_err(|e| aws_error(profile.as_deref(), e))?;
    if account != docs.workload.account_id {
        return Err(AppError::new(
            ErrorCode::BadInput,
            format!(
                "your AWS credentials are for account {account}, but the workload is in account {}; the role \
                 must be in the workload's account. Pick a profile of account {} in the AWS step, or save the \
                 files and run the script there",
                docs.workload.account_id, docs.workload.account_id
            ),
        ));
    }
    let iam_error = |e| iam_rights_error(profile.as_deref(), e);
    if !adopt {
        let owned = iam::ownership(&config, &account, &docs.workload.partition, &role_name)
            .await
            .map_err(iam_error)?;
        if let Some(refused) = not_taken_over(owned, &docs, &account, &role_name) {
            return Ok(refused);
        }
    }
    let outcome = iam::create_or_update(
        &config,
        &account,
        &docs.workload.partition,
        &role_name,
        &docs.permissions,
        &docs.trust,
        adopt,
    )
    .await
    .map_err(iam_error)?;
    save_role(state, writer, &role_name, Some(outcome.role_arn.clone()))?;
    Ok(IamCreated {
        summary: created_summary(&outcome),
        role_arn: outcome.role_arn,
        policy_arn: outcome.policy_arn,
        adoption: None,
    })
}

/// An IAM call that failed; refused for want of rights, it lists the rights creating the role needs.
fn iam_rights_error(profile: Option<&str>, e: wa_sync_engine::Error) -> AppError {
    let mut err = aws_error(profile, e);
    if err.code == ErrorCode::Auth {
        err.message = format!(
            "{} Creating the role needs IAM rights (iam:CreatePolicy, iam:GetPolicy, iam:CreatePolicyVersion, \
             iam:ListPolicyVersions, iam:GetPolicyVersion, iam:DeletePolicyVersion, iam:GetRole, \
             iam:CreateRole, iam:UpdateAssumeRolePolicy, iam:AttachRolePolicy, iam:TagRole, iam:TagPolicy). \
             Use an administrator's profile, or save the files and hand the script to someone who has them.",
            err.message
        );
    }
    err
}

/// When a role or policy of that name exists that wa-sync did not make: the answer that changes
/// nothing and carries what the confirmation before taking it over shows.
fn not_taken_over(
    owned: iam::Ownership,
    docs: &Plan,
    account: &str,
    role_name: &str,
) -> Option<IamCreated> {
    let foreign = owned.foreign();
    if foreign.is_empty() {
        return None;
    }
    Some(IamCreated {
        role_arn: format!(
            "arn:{}:iam::{account}:role/{role_name}",
            docs.workload.partition
        ),
        summary: format!(
            "Nothing was changed: {} already exist{} and {} not made by wa-sync (no tag {}={}).",
            foreign.join(" and "),
            if foreign.len() == 1 { "s" } else { "" },
            if foreign.len() == 1 { "was" } else { "were" },
            iam::MANAGED_TAG_KEY,
            iam::MANAGED_TAG_VALUE,
        ),
        policy_arn: owned.policy_arn,
        adoption: Some(IamAdoption {
            foreign,
            current_trust_policy: owned
                .role
                .as_ref()
                .filter(|r| !r.managed)
                .and_then(|r| r.trust_policy.as_ref())
                .map(iam::pretty),
            new_trust_policy: iam::pretty(&docs.trust),
        }),
    })
}

/// What a create or update did, in a sentence (the engine's wording, as the CLI's).
fn created_summary(outcome: &iam::SetupOutcome) -> String {
    let said = CreateSummary::from(outcome).to_string();
    let mut chars = said.chars();
    let first = chars.next().map(|c| c.to_ascii_uppercase());
    format!(
        "{}{}.",
        first.map(String::from).unwrap_or_default(),
        chars.as_str()
    )
}

/// Writes `permissions-policy.json`, `trust-policy.json` and `setup-iam-role.sh` into the
/// folder the user chooses in the folder dialog (opened here; those three names only, nothing
/// else is written). `None`: the user cancelled.
#[tauri::command]
pub async fn iam_export(
    state: State<'_, AppState>,
    writer: Writer,
    role_name: String,
) -> AppResult<Option<IamExported>> {
    run_iam_export(&state, writer, role_name).await
}

pub async fn run_iam_export(
    state: &AppState,
    writer: Writer,
    role_name: String,
) -> AppResult<Option<IamExported>> {
    check_role_name(&role_name)?;
    let docs = documents(state, writer).await?;
    let Some(dir) = state
        .ask(|d, start| {
            d.pick_folder(&crate::dialogs::DialogRequest {
                title: "Choose the folder for the IAM role files".into(),
                start_dir: start,
                file_name: None,
                filter: None,
            })
        })
        .await?
    else {
        return Ok(None);
    };
    if !dir.is_absolute() || !dir.is_dir() {
        return Err(AppError::new(
            ErrorCode::BadInput,
            format!("{} is not a folder; choose a folder", dir.display()),
        ));
    }
    let files = iam::export(&dir, &role_name, &docs.permissions, &docs.trust)?;
    state.remember_folder(&dir)?;
    let keep_arn = state
        .settings()
        .role
        .filter(|r| r.role_name == role_name)
        .and_then(|r| r.role_arn);
    save_role(state, writer, &role_name, keep_arn)?;
    Ok(Some(IamExported {
        files: files.iter().map(|f| f.display().to_string()).collect(),
    }))
}

/// Remembers a role created elsewhere (for example with the saved script).
#[tauri::command]
pub fn set_role_arn(
    state: State<'_, AppState>,
    writer: Writer,
    role_arn: String,
) -> AppResult<Settings> {
    let role_arn = role_arn.trim().to_string();
    validate_role_arn(&role_arn)?;
    let workload = state.workload_arn()?;
    let account = role_arn.split(':').nth(4).unwrap_or_default();
    if account != workload.account_id {
        return Err(AppError::new(
            ErrorCode::BadInput,
            format!(
                "the role is in account {account}, but the workload is in account {}: the role must be in the workload's account",
                workload.account_id
            ),
        ));
    }
    let name = role_arn.rsplit('/').next().unwrap_or_default().to_string();
    save_role(&state, writer, &name, Some(role_arn))
}
