//! `wa-sync iam policy|create|verify`: the role wa-sync or Conformity's hosted sync assumes.

use super::{api_config, Outcome};
use crate::args::{Global, IamCommand, IamCreateArgs, IamPolicyArgs, IamVerifyArgs};
use crate::output;
use serde_json::json;
use wa_sync_engine::credentials::{validate_external_id, validate_role_arn, AwsAuth};
use wa_sync_engine::iam::{self, Trust};
use wa_sync_engine::usecase::iam::{Plan, PlanInput};
use wa_sync_engine::usecase::{self, SystemKeys};
use wa_sync_engine::wellarchitected::WorkloadArn;
use wa_sync_engine::{Error, Result};

pub async fn run(global: &Global, command: IamCommand) -> Result<Outcome> {
    match command {
        IamCommand::Policy(args) => policy(global, args).await,
        IamCommand::Create(args) => create(global, args).await,
        IamCommand::Verify(args) => verify(global, args).await,
    }
}

/// The external ID for the trust policy: the flag, else Conformity's when trusting Conformity
/// or when a Conformity API is configured.
async fn external_id(
    global: &Global,
    flag: Option<&String>,
    trust: &[Trust],
) -> Result<Option<String>> {
    if let Some(id) = flag {
        return Ok(Some(id.clone()));
    }
    let configured = global.conformity_url.is_some() || global.conformity_region.is_some();
    if trust.contains(&Trust::Conformity) || configured {
        let id = usecase::source::external_id(&api_config(global), &SystemKeys)
            .await
            .map_err(|e| match e {
                Error::BadInput { .. } | Error::MissingKey(_) => Error::bad_input(format!(
                    "{} (the trust policy needs the organisation's external ID: pass \
                     --external-id, or configure Conformity so wa-sync can look it up)",
                    crate::output::error_text(&e)
                )),
                other => other,
            })?;
        return Ok(Some(id));
    }
    Ok(None)
}

async fn documents(
    global: &Global,
    workload_arn: &str,
    trust_flags: &[String],
    external_id_flag: Option<&String>,
    allow_list_workloads: bool,
) -> Result<Plan> {
    let workload = WorkloadArn::parse(workload_arn)?;
    let trust = trust_flags
        .iter()
        .map(|v| Trust::parse(v))
        .collect::<Result<Vec<_>>>()?;
    if let Some(id) = external_id_flag {
        validate_external_id(id)?;
    }
    let external_id = external_id(global, external_id_flag, &trust).await?;
    usecase::iam::plan(PlanInput {
        workload,
        trust,
        external_id,
        profile: global.profile.as_deref(),
        allow_list_workloads,
    })
    .await
}

async fn policy(global: &Global, args: IamPolicyArgs) -> Result<Outcome> {
    let docs = documents(
        global,
        &args.workload_arn,
        &args.trust,
        args.external_id.as_ref(),
        args.allow_list_workloads,
    )
    .await?;
    match &args.out_dir {
        Some(dir) => {
            let files = iam::export(
                dir,
                "WaSyncWellArchitectedNotes",
                &docs.permissions,
                &docs.trust,
            )?;
            for f in files {
                output::emit(&format!("{}\n", f.display()));
            }
        }
        None => output::print_json(&json!({
            "permissions_policy": docs.permissions,
            "trust_policy": docs.trust,
        })),
    }
    if docs.external_id.is_none() {
        eprintln!("wa-sync: note: the trust policy has no external ID condition; pass --external-id to require one");
    }
    Ok(Outcome::Done)
}

async fn create(global: &Global, args: IamCreateArgs) -> Result<Outcome> {
    iam::validate_role_name(&args.role_name)?;
    let plan = documents(
        global,
        &args.workload_arn,
        &args.trust,
        args.external_id.as_ref(),
        args.allow_list_workloads,
    )
    .await?;
    let (outcome, summary) = usecase::iam::create(
        &plan,
        &args.role_name,
        global.profile.as_deref(),
        args.adopt,
    )
    .await?;
    eprintln!("wa-sync: {summary}");
    output::emit(&format!("{}\n", outcome.role_arn));
    Ok(Outcome::Done)
}

async fn verify(global: &Global, args: IamVerifyArgs) -> Result<Outcome> {
    let arn = WorkloadArn::parse(&args.workload_arn)?;
    validate_role_arn(&args.role_arn)?;
    if let Some(id) = &args.external_id {
        validate_external_id(id)?;
    }
    let external_id = match &args.external_id {
        Some(id) => Some(id.clone()),
        None if global.conformity_url.is_some() || global.conformity_region.is_some() => {
            Some(usecase::source::external_id(&api_config(global), &SystemKeys).await?)
        }
        None => None,
    };
    let auth = AwsAuth {
        profile: global.profile.clone(),
        role_arn: Some(args.role_arn.clone()),
        external_id,
        assume_role_wait: None,
    };
    let report = usecase::iam::verify(&auth, &arn).await?;
    let rows: Vec<Vec<String>> = report
        .checks
        .iter()
        .map(|c| {
            vec![
                c.check.clone(),
                if c.ok { "ok".into() } else { "MISSING".into() },
                c.detail.clone(),
            ]
        })
        .collect();
    output::print_table(&["CHECK", "RESULT", "DETAIL"], &rows);
    match usecase::iam::verify_failure(&report) {
        None => Ok(Outcome::Done),
        Some(Error::Auth(text)) => Err(Error::Auth(format!("{text} (details above)"))),
        Some(other) => Err(other),
    }
}
