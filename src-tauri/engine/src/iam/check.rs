//! Verifying a role: can it be assumed, only with the external ID, and does it allow what wa-sync does.

use crate::credentials::{assume_role, base_config, config_for, sdk_error, AwsAuth};
use crate::wellarchitected::{client::LENS_ALIAS, WorkloadArn};
use crate::{Error, Field, Result};
use serde::Serialize;

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

    fn record(&mut self, check: &str, ok: bool, detail: String) {
        self.checks.push(VerifyCheck {
            check: check.to_string(),
            ok,
            detail,
        })
    }

    /// Records a Well-Architected call's result, naming the missing permission when it was denied.
    fn record_call<T>(
        &mut self,
        action: &str,
        result: &Result<T>,
        ok_detail: impl FnOnce() -> String,
    ) {
        let detail = match result {
            Ok(_) => ok_detail(),
            Err(e @ Error::Auth(_)) => format!(
                "missing permission wellarchitected:{action} on {} in the role's policy: {e}",
                self.workload_arn
            ),
            Err(other) => other.to_string(),
        };
        self.record(&format!("wellarchitected:{action}"), result.is_ok(), detail);
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
    let config = match config_for(auth, &workload.region).await {
        Ok(config) => {
            let with = if auth.external_id.is_some() {
                "with the"
            } else {
                "without an"
            };
            report.record(
                "trust",
                true,
                format!("sts:AssumeRole on {role_arn} {with} external ID succeeded"),
            );
            config
        }
        Err(e) => {
            report.record("trust", false, e.to_string());
            return Ok(report);
        }
    };
    if auth.external_id.is_some() {
        check_external_id_required(auth, workload, &role_arn, &mut report).await;
    }
    let wa = aws_sdk_wellarchitected::Client::new(&config);
    check_workload_calls(&wa, &workload.workload_id, &mut report).await;
    Ok(report)
}

/// Does the role also open without the external ID (confused-deputy risk)?
async fn check_external_id_required(
    auth: &AwsAuth,
    workload: &WorkloadArn,
    role_arn: &str,
    report: &mut VerifyReport,
) {
    let base = base_config(auth.profile.as_deref(), &workload.region).await;
    let quick = AwsAuth {
        assume_role_wait: Some(std::time::Duration::ZERO),
        ..auth.clone()
    };
    let open = assume_role(&base, role_arn, None, &quick).await.is_ok();
    report.record(
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

/// Every Well-Architected call wa-sync makes, on the workload, in the order a sync makes them.
async fn check_workload_calls(
    wa: &aws_sdk_wellarchitected::Client,
    id: &str,
    report: &mut VerifyReport,
) {
    let ok = || "ok".to_string();
    let r = wa.get_workload().workload_id(id).send().await;
    report.record_call(
        "GetWorkload",
        &r.map_err(|e| sdk_error("GetWorkload", &e)),
        ok,
    );
    let r = wa.list_lens_reviews().workload_id(id).send().await;
    report.record_call(
        "ListLensReviews",
        &r.map_err(|e| sdk_error("ListLensReviews", &e)),
        ok,
    );
    let r = wa
        .list_answers()
        .workload_id(id)
        .lens_alias(LENS_ALIAS)
        .max_results(1)
        .send()
        .await
        .map_err(|e| sdk_error("ListAnswers", &e));
    report.record_call("ListAnswers", &r, ok);
    let first = r.ok().and_then(|out| {
        out.answer_summaries()
            .first()
            .and_then(|a| a.question_id().map(str::to_string))
    });
    if let Some(question) = first {
        check_answer_calls(wa, id, &question, report).await;
    }
    check_opt_in_calls(wa, id, report).await;
}

/// The calls of `--pillar-notes` and `--milestone`. GetLensReview, then one pillar's notes
/// written back unchanged (UpdateLensReview); GetMilestone of milestone 1, where "no such
/// milestone" proves the permission as well as an answer. CreateMilestone is not tried, as it
/// would save a milestone in the review: a sync with `--milestone` stops before writing
/// anything when it is missing.
async fn check_opt_in_calls(
    wa: &aws_sdk_wellarchitected::Client,
    id: &str,
    report: &mut VerifyReport,
) {
    let r = wa
        .get_lens_review()
        .workload_id(id)
        .lens_alias(LENS_ALIAS)
        .send()
        .await
        .map_err(|e| sdk_error("GetLensReview", &e));
    report.record_call("GetLensReview", &r, || "ok".into());
    let first = r.ok().and_then(|out| {
        let pillars = out.lens_review()?.pillar_review_summaries();
        let p = pillars.first()?;
        Some((
            p.pillar_id()?.to_string(),
            p.notes().unwrap_or_default().to_string(),
        ))
    });
    if let Some((pillar, notes)) = first {
        let r = wa
            .update_lens_review()
            .workload_id(id)
            .lens_alias(LENS_ALIAS)
            .pillar_notes(&pillar, notes)
            .send()
            .await
            .map_err(|e| sdk_error("UpdateLensReview", &e));
        report.record_call("UpdateLensReview", &r, || {
            format!("ok (rewrote pillar {pillar}'s notes unchanged)")
        });
    }
    let r = wa
        .get_milestone()
        .workload_id(id)
        .milestone_number(1)
        .send()
        .await;
    let r = match r {
        Err(e) if crate::credentials::error_code(&e) == "ResourceNotFoundException" => Ok(None),
        other => other.map(Some).map_err(|e| sdk_error("GetMilestone", &e)),
    };
    report.record_call("GetMilestone", &r, || "ok".into());
}

/// Reads one question's answer and writes its notes back unchanged, proving `UpdateAnswer`
/// without altering the review.
async fn check_answer_calls(
    wa: &aws_sdk_wellarchitected::Client,
    id: &str,
    question: &str,
    report: &mut VerifyReport,
) {
    let r = wa
        .get_answer()
        .workload_id(id)
        .lens_alias(LENS_ALIAS)
        .question_id(question)
        .send()
        .await
        .map_err(|e| sdk_error("GetAnswer", &e));
    report.record_call("GetAnswer", &r, || "ok".into());
    let Ok(out) = r else { return };
    let notes = out
        .answer()
        .and_then(|a| a.notes())
        .unwrap_or_default()
        .to_string();
    let r = wa
        .update_answer()
        .workload_id(id)
        .lens_alias(LENS_ALIAS)
        .question_id(question)
        .notes(notes)
        .send()
        .await
        .map_err(|e| sdk_error("UpdateAnswer", &e));
    report.record_call("UpdateAnswer", &r, || {
        format!("ok (rewrote {question}'s notes unchanged)")
    });
}
