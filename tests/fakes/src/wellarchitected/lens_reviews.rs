//! GetLensReview and UpdateLensReview: the lens review's pillar summaries and their notes.
//!
//! `UpdateLensReview` changes only the members sent: each `PillarNotes` key replaces that
//! pillar's notes and leaves the others as they are (`LensNotes` is checked, not kept: the fake
//! serves no lens notes). Notes over 2084 UTF-16 code units and pillar IDs the lens does not
//! have are refused with `400 ValidationException`.

use super::{
    lens_arn, risk_counts, Answer, Call, Inner, LensReview, WaError, NOTES_MAX_LEN,
    STANDARD_LENS_ALIAS, UPDATED_AT,
};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// An accepted `UpdateLensReview`: the members the client sent (`None` = omitted).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LensReviewUpdate {
    #[serde(skip)]
    pub workload_id: String,
    #[serde(skip)]
    pub lens_alias: String,
    pub lens_notes: Option<String>,
    pub pillar_notes: Option<BTreeMap<String, String>>,
    pub jira_configuration: Option<Value>,
}

/// The console's name of a pillar of the Framework lens.
pub fn pillar_name(pillar_id: &str) -> &str {
    match pillar_id {
        "operationalExcellence" => "Operational Excellence",
        "security" => "Security",
        "reliability" => "Reliability",
        "performance" => "Performance Efficiency",
        "costOptimization" => "Cost Optimization",
        "sustainability" => "Sustainability",
        other => other,
    }
}

/// The lens's pillar IDs, in lens order.
fn pillar_ids(answers: &[Answer]) -> Vec<&str> {
    let mut ids: Vec<&str> = Vec::new();
    for a in answers {
        if !ids.contains(&a.pillar_id.as_str()) {
            ids.push(&a.pillar_id);
        }
    }
    ids
}

fn lens_review_json(region: &str, lens: &LensReview) -> Value {
    let pillars: Vec<Value> = pillar_ids(&lens.answers)
        .into_iter()
        .map(|p| {
            let answers: Vec<Answer> = (lens.answers.iter())
                .filter(|a| a.pillar_id == p)
                .cloned()
                .collect();
            let mut summary = json!({ "PillarId": p, "PillarName": pillar_name(p),
                                      "RiskCounts": risk_counts(&answers) });
            if let Some(notes) = lens.pillar_notes.get(p) {
                summary["Notes"] = json!(notes);
            }
            summary
        })
        .collect();
    let name = if lens.alias == STANDARD_LENS_ALIAS {
        "AWS Well-Architected Framework"
    } else {
        lens.alias.as_str()
    };
    json!({ "LensAlias": lens.alias, "LensArn": lens_arn(region, &lens.alias),
            "LensVersion": lens.version, "LensName": name, "LensStatus": "CURRENT",
            "PillarReviewSummaries": pillars, "UpdatedAt": UPDATED_AT,
            "RiskCounts": risk_counts(&lens.answers) })
}

impl Inner {
    pub(super) fn get_lens_review(
        &mut self,
        id: &str,
        alias: &str,
        call: &Call,
    ) -> Result<Value, WaError> {
        let (w, lens) = self.lens(id, alias, call)?;
        let mut body = json!({ "WorkloadId": id, "LensReview": lens_review_json(&w.region, lens) });
        if let Some(n) = call
            .query("MilestoneNumber")
            .and_then(|n| n.parse::<i32>().ok())
        {
            body["MilestoneNumber"] = json!(n);
        }
        self.lens_review_gets += 1;
        let n = self.lens_review_gets;
        let edits: Vec<(String, String)> = (self.state.pillar_edits_after_get.iter())
            .filter(|e| e.nth == n)
            .map(|e| (e.question_id.clone(), e.notes.clone()))
            .collect();
        let (w, l) = self.lens_index(id, alias, call)?;
        let lens = &mut self.state.workloads[w].lenses[l];
        lens.pillar_notes.extend(edits);
        Ok(body)
    }

    pub(super) fn update_lens_review(
        &mut self,
        id: &str,
        alias: &str,
        call: &Call,
    ) -> Result<Value, WaError> {
        let (w, l) = self.lens_index(id, alias, call)?;
        let update = LensReviewUpdate {
            workload_id: id.into(),
            lens_alias: alias.into(),
            ..call.json()?
        };
        let lens = &self.state.workloads[w].lenses[l];
        let pillars = pillar_ids(&lens.answers);
        let sent = update.pillar_notes.iter().flatten();
        if let Some((pillar, _)) = sent.clone().find(|(p, _)| !pillars.contains(&p.as_str())) {
            let message = format!("Pillar {pillar} is not in lens {}", lens.alias);
            return Err(WaError::invalid(Some("PillarNotes"), message));
        }
        let notes = sent.map(|(_, n)| n).chain(update.lens_notes.iter());
        if let Some(units) = notes
            .map(|n| n.encode_utf16().count())
            .find(|&u| u > NOTES_MAX_LEN)
        {
            let message = format!("Notes must have length <= {NOTES_MAX_LEN} (was {units})");
            return Err(WaError::invalid(Some("Notes"), message));
        }
        let lens = &mut self.state.workloads[w].lenses[l];
        for (pillar, notes) in update.pillar_notes.iter().flatten() {
            lens.pillar_notes.insert(pillar.clone(), notes.clone());
        }
        self.lens_review_updates.push(update);
        let workload = &self.state.workloads[w];
        let lens = &workload.lenses[l];
        Ok(json!({ "WorkloadId": id, "LensReview": lens_review_json(&workload.region, lens) }))
    }
}
