//! The Well-Architected side: the workload a sync reads and writes.
//!
//! `Workload` is either a real workload in the AWS Well-Architected Tool or the demo workload
//! kept in a file, so the sync, backup and restore code is the same for both.

pub mod arn;
pub mod client;
pub mod demo;
pub mod list;

pub use arn::WorkloadArn;
pub use client::AwsWorkload;
pub use demo::DemoWorkload;

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One question of the workload's lens review, with its notes as they are now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionNotes {
    pub question_id: String,
    pub pillar_id: String,
    pub title: String,
    /// Empty when the question has no notes.
    pub notes: String,
}

/// The notes each question of a workload has now, as read from the Well-Architected Tool.
#[derive(Clone, Debug, Default)]
pub struct CurrentNotes {
    pub workload_arn: String,
    pub lens_version: String,
    /// Question ID → notes (empty when the question has none).
    pub notes: HashMap<String, String>,
}

/// What a sync needs to know about a workload before writing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkloadSnapshot {
    pub workload_arn: String,
    pub name: String,
    pub lens_alias: String,
    pub lens_version: String,
    pub questions: Vec<QuestionNotes>,
}

impl WorkloadSnapshot {
    /// The notes as the preview wants them.
    pub fn current_notes(&self) -> CurrentNotes {
        CurrentNotes {
            workload_arn: self.workload_arn.clone(),
            lens_version: self.lens_version.clone(),
            notes: self
                .questions
                .iter()
                .map(|q| (q.question_id.clone(), q.notes.clone()))
                .collect(),
        }
    }
}

/// One pillar of the workload's lens review, with its notes as they are now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PillarNotes {
    pub pillar_id: String,
    /// As the lens names it (`Security`).
    pub name: String,
    /// Empty when the pillar has no notes.
    pub notes: String,
}

/// A Well-Architected milestone: the review as it was when saved, kept by the service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct MilestoneRef {
    pub number: i32,
    pub name: String,
}

/// The workload a sync or restore reads and writes: a real one or the demo file.
#[derive(Debug)]
pub enum Workload {
    Aws(AwsWorkload),
    Demo(DemoWorkload),
}

impl Workload {
    /// The workload's ARN (the demo's is [`demo::DEMO_WORKLOAD_ARN`]).
    pub fn arn(&self) -> String {
        match self {
            Workload::Aws(w) => w.arn.to_string(),
            Workload::Demo(_) => demo::DEMO_WORKLOAD_ARN.to_string(),
        }
    }

    /// Name, lens version, questions and their current notes.
    pub async fn snapshot(&self) -> crate::Result<WorkloadSnapshot> {
        match self {
            Workload::Aws(w) => w.snapshot().await,
            Workload::Demo(w) => w.snapshot().await,
        }
    }

    /// One question's notes as they are now (empty when it has none).
    pub async fn read_notes(&self, question_id: &str) -> crate::Result<String> {
        match self {
            Workload::Aws(w) => w.read_notes(question_id).await,
            Workload::Demo(w) => w.read_notes(question_id).await,
        }
    }

    /// Throttling answers received so far (the demo is never throttled).
    pub fn throttled_responses(&self) -> u64 {
        match self {
            Workload::Aws(w) => w.throttled_responses(),
            Workload::Demo(_) => 0,
        }
    }

    /// Every pillar of the lens review with its notes (GetLensReview), in lens order.
    pub async fn pillar_notes(&self) -> crate::Result<Vec<PillarNotes>> {
        match self {
            Workload::Aws(w) => w.pillar_notes().await,
            Workload::Demo(w) => w.pillar_notes().await,
        }
    }

    /// Replaces one pillar's notes in the lens review (UpdateLensReview), nothing else.
    pub async fn update_pillar_notes(&self, pillar_id: &str, notes: &str) -> crate::Result<()> {
        match self {
            Workload::Aws(w) => w.update_pillar_notes(pillar_id, notes).await,
            Workload::Demo(w) => w.update_pillar_notes(pillar_id, notes).await,
        }
    }

    /// Saves a milestone named `name`: its number, or `None` when the workload already has a
    /// milestone of that name.
    pub async fn create_milestone(&self, name: &str) -> crate::Result<Option<i32>> {
        match self {
            Workload::Aws(w) => w.create_milestone(name).await,
            Workload::Demo(w) => w.create_milestone(name).await,
        }
    }

    /// The name of milestone `number`, or `None` when the workload has no such milestone.
    pub async fn milestone_name(&self, number: i32) -> crate::Result<Option<String>> {
        match self {
            Workload::Aws(w) => w.milestone_name(number).await,
            Workload::Demo(w) => w.milestone_name(number).await,
        }
    }

    /// Replaces one question's notes (and nothing else of its answer).
    pub async fn update_notes(&self, question_id: &str, notes: &str) -> crate::Result<()> {
        match self {
            Workload::Aws(w) => w.update_notes(question_id, notes).await,
            Workload::Demo(w) => w.update_notes(question_id, notes).await,
        }
    }
}
