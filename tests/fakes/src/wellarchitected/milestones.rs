//! CreateMilestone, ListMilestones and GetMilestone: a milestone is a read-only copy of the
//! workload (its lens reviews, answers and notes) as it was when saved.
//!
//! As the model says: `MilestoneName` is 3–100 characters and unique within the workload (a
//! duplicate answers `409 ConflictException`); a workload holds at most 100 milestones (the 101st
//! answers `402 ServiceQuotaExceededException`); `ClientRequestToken` makes a create idempotent,
//! so a retry of the same request answers the milestone it already saved.

use super::{page, with_next, workload_json, workload_summary, Call, Inner, WaError, Workload};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

/// Milestones per workload (the documented, non-adjustable quota).
pub const MILESTONES_MAX: usize = 100;
/// `MilestoneName` length, in characters.
pub const MILESTONE_NAME_LEN: std::ops::RangeInclusive<usize> = 3..=100;

/// A saved milestone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Milestone {
    pub workload_id: String,
    /// 1-based, per workload, in the order saved.
    pub number: i32,
    pub name: String,
    /// Epoch seconds.
    pub recorded_at: i64,
    pub client_request_token: Option<String>,
    /// The workload as it was when the milestone was saved.
    pub workload: Workload,
}

impl Inner {
    pub(super) fn create_milestone(&mut self, id: &str, call: &Call) -> Result<Value, WaError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct Input {
            milestone_name: Option<String>,
            client_request_token: Option<String>,
        }
        let w = self.workload_index(id, call)?;
        let input: Input = call.json()?;
        let name = input.milestone_name.unwrap_or_default();
        let length = name.chars().count();
        if !MILESTONE_NAME_LEN.contains(&length) {
            let message = format!(
                "MilestoneName must have length between {} and {} (was {length})",
                MILESTONE_NAME_LEN.start(),
                MILESTONE_NAME_LEN.end()
            );
            return Err(WaError::invalid(Some("MilestoneName"), message));
        }
        let Some(token) = input.client_request_token else {
            let message = "ClientRequestToken is required";
            return Err(WaError::invalid(Some("ClientRequestToken"), message));
        };
        let of_workload = || self.state.milestones.iter().filter(|m| m.workload_id == id);
        if let Some(same) = of_workload().find(|m| m.name == name) {
            if same.client_request_token.as_deref() == Some(token.as_str()) {
                return Ok(json!({ "WorkloadId": id, "MilestoneNumber": same.number }));
            }
            let message = format!("A milestone named {name:?} already exists in workload {id}");
            return Err(
                WaError::new(StatusCode::CONFLICT, "ConflictException", message)
                    .with("ResourceId", name)
                    .with("ResourceType", "MILESTONE"),
            );
        }
        let count = of_workload().count();
        if count >= MILESTONES_MAX {
            let message = format!("Workload {id} already has {count} milestones");
            return Err(WaError::new(
                StatusCode::PAYMENT_REQUIRED,
                "ServiceQuotaExceededException",
                message,
            )
            .with("ResourceId", id)
            .with("ResourceType", "MILESTONE")
            .with("QuotaCode", "L-MILESTONES")
            .with("ServiceCode", "wellarchitected"));
        }
        let number = count as i32 + 1;
        let recorded_at = super::UPDATED_AT + i64::from(number) * 60;
        self.state.milestones.push(Milestone {
            workload_id: id.to_string(),
            number,
            name,
            recorded_at,
            client_request_token: Some(token),
            workload: self.state.workloads[w].clone(),
        });
        Ok(json!({ "WorkloadId": id, "MilestoneNumber": number }))
    }

    pub(super) fn list_milestones(&self, id: &str, call: &Call) -> Result<Value, WaError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct Input {
            max_results: Option<i64>,
            next_token: Option<String>,
        }
        self.workload_index(id, call)?;
        let input: Input = call.json()?;
        let milestones: Vec<&Milestone> = (self.state.milestones.iter())
            .filter(|m| m.workload_id == id)
            .collect();
        let listing = format!("milestones|{id}");
        let token = input.next_token.as_deref();
        let (milestones, next) = page(&milestones, input.max_results, token, &listing)?;
        let summaries: Vec<Value> = milestones
            .into_iter()
            .map(|m| {
                json!({ "MilestoneNumber": m.number, "MilestoneName": m.name,
                        "RecordedAt": m.recorded_at, "WorkloadSummary": workload_summary(&m.workload) })
            })
            .collect();
        let body = json!({ "WorkloadId": id, "MilestoneSummaries": summaries });
        Ok(with_next(body, next))
    }

    pub(super) fn get_milestone(&self, id: &str, n: &str, call: &Call) -> Result<Value, WaError> {
        self.workload_index(id, call)?;
        let m = self.milestone(id, n)?;
        Ok(json!({ "WorkloadId": id, "Milestone": {
            "MilestoneNumber": m.number, "MilestoneName": m.name, "RecordedAt": m.recorded_at,
            "Workload": workload_json(&m.workload) } }))
    }

    fn milestone(&self, id: &str, n: &str) -> Result<&Milestone, WaError> {
        let number: i32 = n
            .parse()
            .ok()
            .filter(|n| (1..=MILESTONES_MAX as i32).contains(n))
            .ok_or_else(|| {
                WaError::invalid(
                    Some("MilestoneNumber"),
                    format!("Invalid MilestoneNumber {n}"),
                )
            })?;
        let found =
            (self.state.milestones.iter()).find(|m| m.workload_id == id && m.number == number);
        found.ok_or_else(|| WaError::not_found("MILESTONE", n, format!("Milestone {n} not found")))
    }

    /// A read (`MilestoneNumber` in the query) answered from the milestone's copy of the
    /// workload; writes cannot name a milestone.
    pub(super) fn at_milestone(
        &mut self,
        op: &str,
        labels: &[String],
        n: &str,
        call: &Call,
    ) -> Result<Value, WaError> {
        let reads = [
            "ListLensReviews",
            "GetLensReview",
            "ListAnswers",
            "GetAnswer",
        ];
        if !reads.contains(&op) {
            let message = format!("{op} does not take MilestoneNumber");
            return Err(WaError::invalid(Some("MilestoneNumber"), message));
        }
        let id = labels.first().map(String::as_str).unwrap_or_default();
        let w = self.workload_index(id, call)?;
        let saved = self.milestone(id, n)?.workload.clone();
        let now = std::mem::replace(&mut self.state.workloads[w], saved);
        let (gets, lens_review_gets) = (self.gets.clone(), self.lens_review_gets);
        let result = self.operation(op, labels, call);
        // Reading history changes nothing: the workload and the edit-after-get counters stay.
        self.state.workloads[w] = now;
        (self.gets, self.lens_review_gets) = (gets, lens_review_gets);
        result
    }
}
