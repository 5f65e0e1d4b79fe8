//! `wa-sync hosted-sync`: asks Conformity's own service to write the notes.

use super::{conformity_client, Outcome};
use crate::args::{Global, HostedSyncArgs};
use crate::output;
use serde_json::json;
use wa_sync_engine::checks::{validate_account_id, TagFilter};
use wa_sync_engine::credentials::validate_role_arn;
use wa_sync_engine::wellarchitected::WorkloadArn;
use wa_sync_engine::{Error, Result};

pub async fn run(global: &Global, args: HostedSyncArgs) -> Result<Outcome> {
    validate_account_id(&args.account_id)?;
    let arn = WorkloadArn::parse(&args.workload_arn)?;
    validate_role_arn(&args.role_arn)?;
    let role_account = args.role_arn.split(':').nth(4).unwrap_or_default();
    if role_account != arn.account_id {
        return Err(Error::bad_input(format!(
            "the role is in account {role_account} but the workload in {}; Conformity needs a role in the workload's account",
            arn.account_id
        )));
    }
    let tags = TagFilter::parse(&args.filter_tags)?;
    let client = conformity_client(global)?;
    let answer = client
        .hosted_sync(&args.account_id, &args.role_arn, &arn.to_string(), &tags)
        .await
        .map_err(|e| match e {
            Error::Auth(text) => Error::Auth(format!(
                "{text} (Conformity answers 403 when the API key is not an ADMIN's, or the role or \
                 workload ARN is wrong: check them with `wa-sync iam verify`)"
            )),
            other => other,
        })?;
    if args.json {
        output::print_json(&json!({
            "status": answer.status,
            "request_id": answer.request_id,
            "message": answer.message,
        }));
    } else {
        output::emit(&format!(
            "Conformity accepted the sync: status {}, request ID {}{}\n\
             Conformity writes the notes asynchronously and overwrites them (no backup); the \
             review shows them after a few minutes.\n",
            answer.status.as_deref().unwrap_or("-"),
            answer.request_id.as_deref().unwrap_or("-"),
            answer
                .message
                .as_deref()
                .map(|m| format!(" ({m})"))
                .unwrap_or_default(),
        ));
    }
    Ok(Outcome::Done)
}
