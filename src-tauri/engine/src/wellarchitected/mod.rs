//! The Well-Architected side: the workload a sync reads and writes.
//!
//! `Workload` is either a real workload in the AWS Well-Architected Tool or the demo workload
//! kept in a file, so the sync, backup and restore code is the same for both.

pub mod arn;

pub use arn::WorkloadArn;

use serde::{Deserialize, Serialize};

/// One question of the workload's lens review, with its notes as they are now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionNotes {
    pub question_id: String,
    pub pillar_id: String,
    pub title: String,
    /// Empty when the question has no notes.
    pub notes: String,
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
