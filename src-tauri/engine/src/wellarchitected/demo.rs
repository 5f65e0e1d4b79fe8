//! The demo workload: a simulated Well-Architected workload kept in a JSON file (a
//! [`WorkloadSnapshot`]), so the desktop app and `--demo` can preview, sync, back up and restore
//! offline. It has the 57 questions of the built-in lens and a little reviewer text in a few.
//! Pillar notes and milestones, once used, are kept in the same file beside the snapshot.

use super::{MilestoneRef, PillarNotes, QuestionNotes, WorkloadSnapshot};
use crate::mapping::{lens::PILLARS, Lens};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tokio::sync::Mutex;

/// The file: the snapshot's members, then what only pillar notes and milestones add (absent
/// from files written before them, and from files of a demo that never used them).
#[derive(Serialize, Deserialize)]
struct DemoFile {
    #[serde(flatten)]
    snapshot: WorkloadSnapshot,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pillar_notes: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    milestones: Vec<MilestoneRef>,
}

/// The demo workload's ARN (account 000000000000 does not exist in AWS).
pub const DEMO_WORKLOAD_ARN: &str =
    "arn:aws:wellarchitected:us-east-1:000000000000:workload/00000000000000000000000000de0000";
pub const DEMO_WORKLOAD_NAME: &str = "wa-sync demo workload";

/// Reviewer text that some questions start with, to show that it is kept.
const REVIEWER_NOTES: &[(&str, &str)] = &[
    (
        "securely-operate",
        "Reviewed with the platform team on 2026-03-02: SCPs in place, break-glass role tested.",
    ),
    (
        "protect-data-rest",
        "KMS keys per environment. TODO: check the legacy reports bucket.",
    ),
    (
        "backing-up-data",
        "Nightly snapshots; restore drill planned for Q3.\n\nOwner: Dana (ops)",
    ),
];

/// `<user data dir>/wa-sync/demo-workload.json`.
pub fn default_path() -> Result<PathBuf> {
    Ok(crate::paths::data_dir()?.join("demo-workload.json"))
}

/// The demo workload as it starts.
pub fn initial_snapshot() -> WorkloadSnapshot {
    let lens = Lens::builtin();
    WorkloadSnapshot {
        workload_arn: DEMO_WORKLOAD_ARN.to_string(),
        name: DEMO_WORKLOAD_NAME.to_string(),
        lens_alias: lens.alias.clone(),
        lens_version: lens.version.clone(),
        questions: lens
            .questions
            .iter()
            .map(|q| QuestionNotes {
                question_id: q.question_id.clone(),
                pillar_id: q.pillar_id.clone(),
                title: q.title.clone(),
                notes: REVIEWER_NOTES
                    .iter()
                    .find(|(id, _)| *id == q.question_id)
                    .map(|(_, text)| text.to_string())
                    .unwrap_or_default(),
            })
            .collect(),
    }
}

/// The demo workload file; created with [`initial_snapshot`] when first read.
#[derive(Debug)]
pub struct DemoWorkload {
    path: PathBuf,
    lock: Mutex<()>,
}

impl DemoWorkload {
    pub fn open(path: impl Into<PathBuf>) -> Self {
        DemoWorkload {
            path: path.into(),
            lock: Mutex::new(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Puts the demo workload back as it starts.
    pub async fn reset(&self) -> Result<()> {
        let _guard = self.lock.lock().await;
        write(&self.path, &DemoFile::initial())
    }

    pub async fn snapshot(&self) -> Result<WorkloadSnapshot> {
        let _guard = self.lock.lock().await;
        Ok(self.read()?.snapshot)
    }

    /// The six pillars with their notes.
    pub async fn pillar_notes(&self) -> Result<Vec<PillarNotes>> {
        let _guard = self.lock.lock().await;
        let file = self.read()?;
        Ok(PILLARS
            .iter()
            .map(|(id, name, _)| PillarNotes {
                pillar_id: id.to_string(),
                name: name.to_string(),
                notes: file.pillar_notes.get(*id).cloned().unwrap_or_default(),
            })
            .collect())
    }

    pub async fn update_pillar_notes(&self, pillar_id: &str, notes: &str) -> Result<()> {
        if notes.encode_utf16().count() > crate::notes::NOTES_LIMIT {
            return Err(Error::Api(format!(
                "UpdateLensReview {pillar_id}: ValidationException: notes longer than {} characters",
                crate::notes::NOTES_LIMIT
            )));
        }
        if !PILLARS.iter().any(|(id, _, _)| *id == pillar_id) {
            return Err(Error::NotFound(format!(
                "UpdateLensReview {pillar_id}: the demo workload has no such pillar"
            )));
        }
        let _guard = self.lock.lock().await;
        let mut file = self.read()?;
        file.pillar_notes
            .insert(pillar_id.to_string(), notes.to_string());
        write(&self.path, &file)
    }

    pub async fn create_milestone(&self, name: &str) -> Result<Option<i32>> {
        let _guard = self.lock.lock().await;
        let mut file = self.read()?;
        if file.milestones.iter().any(|m| m.name == name) {
            return Ok(None);
        }
        let number = file.milestones.len() as i32 + 1;
        file.milestones.push(MilestoneRef {
            number,
            name: name.to_string(),
        });
        write(&self.path, &file)?;
        Ok(Some(number))
    }

    pub async fn milestone_name(&self, number: i32) -> Result<Option<String>> {
        let _guard = self.lock.lock().await;
        let file = self.read()?;
        let found = file.milestones.into_iter().find(|m| m.number == number);
        Ok(found.map(|m| m.name))
    }

    pub async fn read_notes(&self, question_id: &str) -> Result<String> {
        let snapshot = self.snapshot().await?;
        let q = snapshot
            .questions
            .into_iter()
            .find(|q| q.question_id == question_id);
        q.map(|q| q.notes).ok_or_else(|| {
            Error::NotFound(format!(
                "GetAnswer {question_id}: the demo workload has no such question"
            ))
        })
    }

    pub async fn update_notes(&self, question_id: &str, notes: &str) -> Result<()> {
        if notes.encode_utf16().count() > crate::notes::NOTES_LIMIT {
            return Err(Error::Api(format!(
                "UpdateAnswer {question_id}: ValidationException: notes longer than {} characters",
                crate::notes::NOTES_LIMIT
            )));
        }
        let _guard = self.lock.lock().await;
        let mut file = self.read()?;
        let Some(q) = file
            .snapshot
            .questions
            .iter_mut()
            .find(|q| q.question_id == question_id)
        else {
            return Err(Error::NotFound(format!(
                "UpdateAnswer {question_id}: the demo workload has no such question"
            )));
        };
        q.notes = notes.to_string();
        write(&self.path, &file)
    }

    fn read(&self) -> Result<DemoFile> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                Error::Io(format!(
                    "the demo workload {} is not valid: {e}; delete it to start afresh",
                    self.path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let file = DemoFile::initial();
                write(&self.path, &file)?;
                Ok(file)
            }
            Err(e) => Err(Error::io(
                format!("reading the demo workload {}", self.path.display()),
                e,
            )),
        }
    }
}

impl DemoFile {
    fn initial() -> DemoFile {
        DemoFile {
            snapshot: initial_snapshot(),
            pillar_notes: BTreeMap::new(),
            milestones: Vec::new(),
        }
    }
}

/// Writes the file atomically, so a crash never leaves half a workload.
fn write(path: &Path, snapshot: &DemoFile) -> Result<()> {
    let what = || format!("writing the demo workload {}", path.display());
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(what(), e))?;
    }
    let text = serde_json::to_vec_pretty(snapshot).expect("snapshots serialise");
    crate::atomic_file::write(path, &text).map_err(|e| Error::io(what(), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn starts_with_the_lens_and_keeps_writes() {
        let dir = tempfile::tempdir().unwrap();
        let demo = DemoWorkload::open(dir.path().join("w.json"));
        let snapshot = demo.snapshot().await.unwrap();
        assert_eq!(snapshot.questions.len(), Lens::builtin().questions.len());
        assert!(
            snapshot
                .questions
                .iter()
                .filter(|q| !q.notes.is_empty())
                .count()
                >= 2
        );
        demo.update_notes("securely-operate", "héllo ✓")
            .await
            .unwrap();
        let again = DemoWorkload::open(dir.path().join("w.json"));
        let q = again.snapshot().await.unwrap();
        assert_eq!(
            q.questions
                .iter()
                .find(|q| q.question_id == "securely-operate")
                .unwrap()
                .notes,
            "héllo ✓"
        );
        super::super::WorkloadArn::parse(DEMO_WORKLOAD_ARN).unwrap();
    }
}
