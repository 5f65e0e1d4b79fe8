//! Backup files: every question's notes before a sync (or restore) and the text it was about to
//! write, so a restore can tell its own writes from a reviewer's later edits.
//!
//! Format `wa-sync-backup/2` is JSON with a `checksum` (`sha256:` + hex) over the rest of the
//! content (the compact JSON of the backup without the checksum), so a truncated or hand-edited
//! file is refused rather than half-restored. Format `wa-sync-backup/1` (no checksum, no
//! `written`) is still read; since it does not say what wa-sync wrote, restoring from it needs
//! `--force`.
//!
//! With pillar notes a backup also holds every pillar's notes as they were and the text about
//! to be written (`pillars`), and with a milestone its number and name (`milestone`); both are
//! left out when unused, so such a backup is exactly what earlier versions wrote, and backups
//! without them still restore.

use crate::wellarchitected::{MilestoneRef, PillarNotes, WorkloadSnapshot};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The `format` of backups this version writes.
pub const BACKUP_FORMAT: &str = "wa-sync-backup/2";
/// The format of wa-sync 0.x backups before the checksum; still read.
pub const BACKUP_FORMAT_V1: &str = "wa-sync-backup/1";

/// One question in a backup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupQuestion {
    pub question_id: String,
    pub pillar_id: String,
    pub title: String,
    /// The exact notes before the sync (empty: the question had none).
    pub notes: String,
    /// The notes wa-sync was about to write to this question; `None`: it was not to be written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written: Option<String>,
}

/// One pillar of the lens review in a backup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupPillar {
    pub pillar_id: String,
    pub name: String,
    /// The exact notes before the sync (empty: the pillar had none).
    pub notes: String,
    /// The notes wa-sync was about to write to this pillar; `None`: it was not to be written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written: Option<String>,
}

/// Everything needed to put a workload's notes back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backup {
    pub format: String,
    pub workload_arn: String,
    pub workload_name: String,
    pub lens_alias: String,
    pub lens_version: String,
    /// UTC, RFC 3339.
    pub created_at: String,
    pub wa_sync_version: String,
    /// What the backup was taken for (`sync`, `restore`).
    pub reason: String,
    /// The questions that were about to be written.
    pub changed_question_ids: Vec<String>,
    /// Every question of the workload with its notes as they were.
    pub questions: Vec<BackupQuestion>,
    /// Every pillar of the lens review with its notes as they were (pillar notes only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pillars: Vec<BackupPillar>,
    /// The milestone saved before the first write: the review as it was, kept by the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub milestone: Option<MilestoneRef>,
    /// `sha256:<hex>` of the backup's compact JSON without this field (format 2 on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
}

impl Backup {
    /// A backup of `snapshot`; `written` gives the notes about to be written, by question ID.
    pub fn of(snapshot: &WorkloadSnapshot, reason: &str, written: &[(String, String)]) -> Backup {
        let mut backup = Backup {
            format: BACKUP_FORMAT.to_string(),
            workload_arn: snapshot.workload_arn.clone(),
            workload_name: snapshot.name.clone(),
            lens_alias: snapshot.lens_alias.clone(),
            lens_version: snapshot.lens_version.clone(),
            created_at: crate::time::rfc3339_secs(super::now_secs()),
            wa_sync_version: crate::VERSION.to_string(),
            reason: reason.to_string(),
            changed_question_ids: written.iter().map(|(id, _)| id.clone()).collect(),
            questions: snapshot
                .questions
                .iter()
                .map(|q| BackupQuestion {
                    question_id: q.question_id.clone(),
                    pillar_id: q.pillar_id.clone(),
                    title: q.title.clone(),
                    notes: q.notes.clone(),
                    written: written
                        .iter()
                        .find(|(id, _)| *id == q.question_id)
                        .map(|(_, text)| text.clone()),
                })
                .collect(),
            pillars: Vec::new(),
            milestone: None,
            checksum: None,
        };
        backup.checksum = Some(backup.content_checksum());
        backup
    }

    /// The backup with the lens review's pillars as they were (`before`) and the notes about to
    /// be written to some of them (`written`, by pillar ID).
    pub fn with_pillars(mut self, before: &[PillarNotes], written: &[(String, String)]) -> Backup {
        self.pillars = before
            .iter()
            .map(|p| BackupPillar {
                pillar_id: p.pillar_id.clone(),
                name: p.name.clone(),
                notes: p.notes.clone(),
                written: written
                    .iter()
                    .find(|(id, _)| *id == p.pillar_id)
                    .map(|(_, text)| text.clone()),
            })
            .collect();
        self.checksum = Some(self.content_checksum());
        self
    }

    /// The backup naming the milestone saved before the sync's first write.
    pub fn with_milestone(mut self, milestone: MilestoneRef) -> Backup {
        self.milestone = Some(milestone);
        self.checksum = Some(self.content_checksum());
        self
    }

    /// Replaces the backup at `path` (written by [`Backup::write_to`]) with this one, atomically.
    pub fn rewrite(&self, path: &Path) -> Result<()> {
        crate::atomic_file::write(path, &self.to_bytes())
            .map_err(|e| Error::io(format!("updating the backup {}", path.display()), e))
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut text = serde_json::to_vec_pretty(self).expect("backups serialise");
        text.push(b'\n');
        text
    }

    fn content_checksum(&self) -> String {
        let content = Backup {
            checksum: None,
            ..self.clone()
        };
        let bytes = serde_json::to_vec(&content).expect("backups serialise");
        let digest = Sha256::digest(&bytes);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    }

    /// Whether the backup records what wa-sync wrote (format 2): restore can then tell its own
    /// text from a later edit.
    pub fn records_writes(&self) -> bool {
        self.format != BACKUP_FORMAT_V1
    }

    /// Writes the backup as a new file in `dir` (0600, fsynced, directory fsynced). A backup
    /// that cannot be written whole (a full disk) leaves no file behind.
    pub fn write_to(&self, dir: &Path) -> Result<PathBuf> {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::io(
                format!(
                    "creating the backup directory {} (choose another backup directory)",
                    dir.display()
                ),
                e,
            )
        })?;
        let workload_id = self.workload_arn.rsplit('/').next().unwrap_or("workload");
        let stamp: String = self
            .created_at
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        let text = self.to_bytes();
        for n in 0..1000 {
            let suffix = if n == 0 {
                String::new()
            } else {
                format!("-{n}")
            };
            let path = dir.join(format!("wa-sync-backup-{workload_id}-{stamp}{suffix}.json"));
            match crate::atomic_file::write_new(&path, &text) {
                Ok(()) => return Ok(path),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(Error::io(
                        format!(
                            "writing the backup {} (nothing was written to the workload; free some \
                             space or choose another backup directory)",
                            path.display()
                        ),
                        e,
                    ))
                }
            }
        }
        Err(Error::Io(format!(
            "could not find a free backup file name in {}",
            dir.display()
        )))
    }

    /// Reads a backup, refusing one that is truncated, edited or of an unknown format.
    pub fn read(path: &Path) -> Result<Backup> {
        let bytes = std::fs::read(path)
            .map_err(|e| Error::io(format!("reading the backup {}", path.display()), e))?;
        let backup: Backup = serde_json::from_slice(&bytes).map_err(|e| {
            Error::bad_input(format!(
                "{} is not a whole wa-sync backup ({e}): it is truncated or not a backup; \
                 nothing was restored, choose another backup",
                path.display()
            ))
        })?;
        match backup.format.as_str() {
            BACKUP_FORMAT_V1 => Ok(backup),
            BACKUP_FORMAT => {
                if backup.checksum.as_deref() != Some(backup.content_checksum().as_str()) {
                    return Err(Error::bad_input(format!(
                        "{} was changed after wa-sync wrote it (its checksum does not match its \
                         content): it is truncated or was edited, so wa-sync will not restore from \
                         it; choose another backup",
                        path.display()
                    )));
                }
                Ok(backup)
            }
            other => Err(Error::bad_input(format!(
                "{} has backup format {other:?}; this wa-sync reads {BACKUP_FORMAT:?} and \
                 {BACKUP_FORMAT_V1:?}",
                path.display(),
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wellarchitected::demo;

    #[test]
    fn an_edited_or_truncated_backup_is_refused_and_an_old_one_read() {
        let dir = tempfile::tempdir().unwrap();
        let snapshot = demo::initial_snapshot();
        let first = snapshot.questions[0].question_id.clone();
        let backup = Backup::of(&snapshot, "sync", &[(first, "new".into())]);
        let path = backup.write_to(dir.path()).unwrap();
        assert_eq!(Backup::read(&path).unwrap(), backup);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }

        let text = std::fs::read_to_string(&path).unwrap();
        let edited = dir.path().join("edited.json");
        std::fs::write(&edited, text.replacen("\"new\"", "\"mine\"", 1)).unwrap();
        let err = Backup::read(&edited).unwrap_err();
        assert!(
            err.is_bad_input() && err.to_string().contains("checksum"),
            "{err}"
        );

        let truncated = dir.path().join("truncated.json");
        std::fs::write(&truncated, &text[..text.len() / 2]).unwrap();
        let err = Backup::read(&truncated).unwrap_err();
        assert!(
            err.is_bad_input() && err.to_string().contains("truncated"),
            "{err}"
        );

        let mut old: serde_json::Value = serde_json::from_str(&text).unwrap();
        old["format"] = BACKUP_FORMAT_V1.into();
        old.as_object_mut().unwrap().remove("checksum");
        let v1 = dir.path().join("v1.json");
        std::fs::write(&v1, old.to_string()).unwrap();
        assert!(!Backup::read(&v1).unwrap().records_writes());
    }
}
