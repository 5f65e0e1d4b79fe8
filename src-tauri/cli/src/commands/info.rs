//! Commands that only read: the external ID, the accounts and the mapping.

use super::{api_config, mapping as load_mapping, product, source_kind, Outcome};
use crate::args::Global;
use crate::output;
use wa_sync_engine::mapping::coverage::Coverage;
use wa_sync_engine::mapping::{Lens, Origin};
use wa_sync_engine::usecase::{self, SystemKeys};
use wa_sync_engine::Result;

pub async fn external_id(global: &Global) -> Result<Outcome> {
    let id = usecase::source::external_id(&api_config(global), &SystemKeys).await?;
    output::emit(&format!("{id}\n"));
    Ok(Outcome::Done)
}

pub async fn accounts(global: &Global, json: bool) -> Result<Outcome> {
    let product = product(source_kind(global));
    let accounts = usecase::source::accounts(product, &api_config(global), &SystemKeys).await?;
    if json {
        output::print_json(&accounts);
    } else {
        let rows: Vec<Vec<String>> = accounts
            .iter()
            .map(|a| {
                vec![
                    a.id.clone(),
                    a.name.clone(),
                    a.aws_account_id.clone().unwrap_or_else(|| "-".into()),
                    a.cloud_type.clone().unwrap_or_else(|| "-".into()),
                ]
            })
            .collect();
        output::print_table(&["ID", "NAME", "AWS ACCOUNT", "CLOUD"], &rows);
    }
    Ok(Outcome::Done)
}

pub fn mapping(global: &Global, json: bool, coverage: bool) -> Result<Outcome> {
    let mapping = load_mapping(global)?;
    if coverage {
        let coverage = Coverage::of(&mapping);
        if json {
            output::print_json(&coverage);
        } else {
            output::emit(&output::coverage_text(&coverage));
        }
        return Ok(Outcome::Done);
    }
    if json {
        let rules: Vec<serde_json::Value> = mapping
            .entries()
            .iter()
            .map(|e| {
                serde_json::json!({
                    "rule_id": e.rule_id,
                    "question_ids": e.question_ids,
                    "reason": e.reason,
                    "origin": match &e.origin { Origin::Builtin => "builtin".to_string(), Origin::Override(p) => p.display().to_string() },
                })
            })
            .collect();
        output::print_json(&serde_json::json!({
            "lens": mapping.lens_alias,
            "lens_version": mapping.lens_version,
            "reviewed": mapping.reviewed,
            "rules": rules,
        }));
        return Ok(Outcome::Done);
    }
    let lens = Lens::builtin();
    output::emit(&format!(
        "lens {} version {} (mapping reviewed {})\n",
        mapping.lens_alias, mapping.lens_version, mapping.reviewed
    ));
    let rows: Vec<Vec<String>> = mapping
        .entries()
        .iter()
        .map(|e| {
            let questions = if e.question_ids.is_empty() {
                "(none)".to_string()
            } else {
                e.question_ids
                    .iter()
                    .map(|q| {
                        lens.question(q)
                            .map_or(q.clone(), |info| format!("{} {}", info.number, q))
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let origin = match &e.origin {
                Origin::Builtin => "built-in".to_string(),
                Origin::Override(path) => path.display().to_string(),
            };
            vec![e.rule_id.clone(), questions, origin, e.reason.clone()]
        })
        .collect();
    output::print_table(&["RULE", "QUESTIONS", "FROM", "REASON"], &rows);
    Ok(Outcome::Done)
}
