//! The milestone saved before a sync's first write: the review's own record of its state before
//! wa-sync touched it, which a reviewer can open and compare in the console.
//!
//! Its name says what it is for: `wa-sync <UTC time> <target or workload name>`, at most
//! [`NAME_MAX`] characters (the API's limit; names are unique within a workload). A name already
//! taken (a sync in the same second, or a reviewer's milestone) is answered with ` (2)`,
//! ` (3)`, … rather than a failure.

use crate::wellarchitected::{MilestoneRef, Workload, WorkloadSnapshot};
use crate::{Error, Result};

/// `MilestoneName` is 3 to 100 characters (the Well-Architected API model).
pub const NAME_MAX: usize = 100;
/// Names tried before giving up on a clash.
const ATTEMPTS: usize = 20;

/// The milestone's name for a sync at `secs` (Unix) of `target` (or the workload's name),
/// with `suffix` (` (2)`) when the plain name was taken; shortened to fit [`NAME_MAX`].
pub fn name(secs: u64, target: &str, suffix: &str) -> String {
    let stamp = crate::time::rfc3339_secs(secs).replace('T', " ");
    let prefix = format!("wa-sync {stamp}");
    let room = NAME_MAX - prefix.chars().count() - 1 - suffix.chars().count();
    let target: String = target.trim().chars().take(room).collect();
    if target.is_empty() {
        format!("{prefix}{suffix}")
    } else {
        format!("{prefix} {target}{suffix}")
    }
}

/// Saves the milestone. `Err` (nothing written yet) when it cannot be saved: the message says
/// what to fix (the permission, the quota).
pub async fn save(
    workload: &Workload,
    snapshot: &WorkloadSnapshot,
    target: Option<&str>,
) -> Result<MilestoneRef> {
    save_at(
        workload,
        super::now_secs(),
        target.unwrap_or(&snapshot.name),
    )
    .await
}

/// [`save`] for a sync at `secs` (Unix) of `label`.
pub async fn save_at(workload: &Workload, secs: u64, label: &str) -> Result<MilestoneRef> {
    for attempt in 1..=ATTEMPTS {
        let suffix = if attempt == 1 {
            String::new()
        } else {
            format!(" ({attempt})")
        };
        let name = name(secs, label, &suffix);
        let saved = workload.create_milestone(&name).await.map_err(|e| {
            with_context(
                e,
                "nothing was written; fix this or sync without --milestone",
            )
        })?;
        if let Some(number) = saved {
            tracing::info!(number, name, "milestone saved before writing");
            return Ok(MilestoneRef { number, name });
        }
        tracing::debug!(name, "milestone name taken; trying another");
    }
    Err(Error::Api(format!(
        "could not save a milestone: {ATTEMPTS} names starting {:?} are taken in workload {}; \
         nothing was written (sync without --milestone, or rename those milestones)",
        name(secs, label, ""),
        workload.arn()
    )))
}

fn with_context(error: Error, context: &str) -> Error {
    match error {
        Error::Auth(text) => Error::Auth(format!("saving the milestone: {text}; {context}")),
        Error::Api(text) => Error::Api(format!("saving the milestone: {text}; {context}")),
        Error::NotFound(text) => {
            Error::NotFound(format!("saving the milestone: {text}; {context}"))
        }
        Error::Unavailable(text) => {
            Error::Unavailable(format!("saving the milestone: {text}; {context}"))
        }
        Error::Network(text) => Error::Network(format!("saving the milestone: {text}; {context}")),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_when_and_what_and_fit_the_limit() {
        let secs = 1_796_625_012; // 2026-12-07T06:30:12Z
        assert_eq!(
            name(secs, "payments-prod", ""),
            "wa-sync 2026-12-07 06:30:12Z payments-prod"
        );
        assert_eq!(
            name(secs, "payments-prod", " (2)"),
            "wa-sync 2026-12-07 06:30:12Z payments-prod (2)"
        );
        let long = name(secs, &"é".repeat(300), " (12)");
        assert_eq!(long.chars().count(), NAME_MAX);
        assert!(long.ends_with("é (12)"));
        assert!(name(secs, "  ", "").len() >= 3);
    }
}
