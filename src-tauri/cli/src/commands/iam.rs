//! `wa-sync iam policy|create|verify`: the role wa-sync or Conformity's hosted sync assumes.

use super::{conformity_client, Outcome};
use crate::args::{Global, IamCommand, IamCreateArgs, IamPolicyArgs, IamVerifyArgs};
use crate::output;
use serde_json::json;
use wa_sync_engine::credentials::{base_config, validate_external_id, validate_role_arn, AwsAuth};
use wa_sync_engine::iam::{self, Trust};
use wa_sync_engine::wellarchitected::WorkloadArn;
use wa_sync_engine::{Error, Result};

pub async fn run(global: &Global, command: IamCommand) -> Result<Outcome> {
    match command {
        IamCommand::Policy(args) => policy(global, args).await,
        IamCommand::Create(args) => create(global, args).await,
        IamCommand::Verify(args) => verify(global, args).await,
    }
}

/// Validated `--trust` values (default: the caller's account).
fn trusts(values: &[String]) -> Result<Vec<Trust>> {
    if values.is_empty() {
        return Ok(vec![Trust::Caller]);
    }
    values.iter().map(|v| Trust::parse(v)).collect()
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
        let client = conformity_client(global).map_err(|e| {
            Error::bad_input(format!(
                "{e} (the trust policy needs the organisation's external ID: pass --external-id, \
                 or configure Conformity so wa-sync can look it up)"
            ))
        })?;
        return Ok(Some(client.external_id().await?));
    }
    Ok(None)
}

struct Docs {
    arn: WorkloadArn,
    permissions: serde_json::Value,
    trust: serde_json::Value,
    external_id: Option<String>,
}

async fn documents(
    global: &Global,
    workload_arn: &str,
    trust_flags: &[String],
    external_id_flag: Option<&String>,
    allow_list_workloads: bool,
) -> Result<Docs> {
    let arn = WorkloadArn::parse(workload_arn)?;
    let trust = trusts(trust_flags)?;
    if let Some(id) = external_id_flag {
        validate_external_id(id)?;
    }
    let external_id = external_id(global, external_id_flag, &trust).await?;
    let caller = if trust.contains(&Trust::Caller) {
        let config = base_config(global.profile.as_deref(), &arn.region).await;
        Some(iam::caller_account(&config).await?)
    } else {
        None
    };
    let principals = iam::principals(&trust, &arn.partition, caller.as_deref())?;
    Ok(Docs {
        permissions: iam::permissions_policy(&arn, allow_list_workloads),
        trust: iam::trust_policy(&principals, external_id.as_deref()),
        arn,
        external_id,
    })
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
    WorkloadArn::parse(&args.workload_arn)?;
    let docs = documents(
        global,
        &args.workload_arn,
        &args.trust,
        args.external_id.as_ref(),
        args.allow_list_workloads,
    )
    .await?;
    let config = base_config(global.profile.as_deref(), &docs.arn.region).await;
    let account = iam::caller_account(&config).await?;
    if account != docs.arn.account_id {
        return Err(Error::bad_input(format!(
            "your AWS credentials are for account {account}, but the workload is in account {}; \
             the role must be in the workload's account: use credentials (--profile) of that account",
            docs.arn.account_id
        )));
    }
    let outcome = iam::create_or_update(
        &config,
        &account,
        &docs.arn.partition,
        &args.role_name,
        &docs.permissions,
        &docs.trust,
        args.adopt,
    )
    .await?;
    eprintln!(
        "wa-sync: policy {} {}; role {} {}",
        outcome.policy_arn,
        if outcome.policy_created {
            "created".to_string()
        } else if let Some(v) = &outcome.policy_version {
            format!("updated (default version {v})")
        } else {
            "unchanged".to_string()
        },
        args.role_name,
        if outcome.role_created {
            "created"
        } else {
            "trust policy updated"
        },
    );
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
            Some(conformity_client(global)?.external_id().await?)
        }
        None => None,
    };
    let auth = AwsAuth {
        profile: global.profile.clone(),
        role_arn: Some(args.role_arn.clone()),
        external_id,
        assume_role_wait: None,
    };
    let report = iam::verify(&auth, &arn).await?;
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
    if report.ok() {
        Ok(Outcome::Done)
    } else {
        let failed: Vec<&str> = report
            .checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| c.check.as_str())
            .collect();
        Err(Error::Auth(format!(
            "role {} is not usable for workload {}: {} failed (details above)",
            report.role_arn,
            report.workload_arn,
            failed.join(", ")
        )))
    }
}
