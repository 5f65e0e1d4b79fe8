//! `wa-sync history`: what past syncs of a plan target (or a workload) counted, oldest first,
//! from the records each sync leaves next to its backups.

use super::Outcome;
use crate::args::HistoryArgs;
use crate::output;
use wa_sync_engine::history::{self, Record};
use wa_sync_engine::mapping::PILLARS;
use wa_sync_engine::wellarchitected::arn::WorkloadArn;
use wa_sync_engine::Result;

pub fn run(args: HistoryArgs) -> Result<Outcome> {
    if let Some(arn) = &args.workload_arn {
        WorkloadArn::parse(arn)?;
    }
    let backup_dir = match &args.backup_dir {
        Some(dir) => dir.clone(),
        None => wa_sync_engine::paths::default_backup_dir()?,
    };
    let dir = history::dir_for(&backup_dir);
    let records = history::list(&dir, args.target.as_deref(), args.workload_arn.as_deref())?;
    if args.json {
        output::print_json(&records);
    } else if records.is_empty() {
        let subject = match &args.target {
            Some(name) => format!("target {name:?}"),
            None => format!("workload {}", args.workload_arn.as_deref().unwrap_or("")),
        };
        output::emit(&format!(
            "No syncs of {subject} are recorded in {} (each sync records one; --backup-dir must \
             be the folder the syncs used).\n",
            dir.display()
        ));
    } else {
        output::emit(&table(&records));
    }
    Ok(Outcome::Done)
}

/// One row per sync: when, how it ended, each pillar's score and the failures in all.
fn table(records: &[Record]) -> String {
    let mut headers = vec!["TIME", "OUTCOME"];
    // The pillar's first word keeps the table within a terminal's width.
    headers.extend(
        PILLARS
            .iter()
            .map(|(_, name, _)| name.split(' ').next().unwrap_or(name)),
    );
    headers.push("FAILURES");
    let upper: Vec<String> = headers.iter().map(|h| h.to_uppercase()).collect();
    let headers: Vec<&str> = upper.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|record| {
            let mut row = vec![record.synced_at.clone(), record.outcome.clone()];
            for (id, _, _) in PILLARS {
                row.push(
                    record
                        .pillars
                        .iter()
                        .find(|p| p.pillar_id == id)
                        .map_or("-".to_string(), |p| {
                            output::percent(p.successes, p.successes + p.failures)
                        }),
                );
            }
            let failures: u64 = record.pillars.iter().map(|p| p.failures).sum();
            row.push(output::thousands(failures));
            row
        })
        .collect();
    output::table(&headers, &rows)
}
