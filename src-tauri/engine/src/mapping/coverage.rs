//! How much of the lens the mapping covers: rules per pillar and per question, and the questions
//! no rule informs (those need a human answer and are never shown as green).

use super::{Lens, Mapping, PILLARS};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct Coverage {
    pub lens: String,
    pub lens_version: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub rules_total: usize,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub rules_mapped: usize,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub rules_mapping_to_nothing: usize,
    pub pillars: Vec<PillarCoverage>,
    pub questions: Vec<QuestionCoverage>,
    pub uncovered_question_ids: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct PillarCoverage {
    pub pillar_id: String,
    /// Rules mapped to at least one question of this pillar.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub rules: usize,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub questions: usize,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub questions_covered: usize,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct QuestionCoverage {
    pub number: String,
    pub pillar_id: String,
    pub question_id: String,
    pub title: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub rules: usize,
}

impl Coverage {
    pub fn of(mapping: &Mapping) -> Coverage {
        let lens = Lens::builtin();
        let mut per_question = vec![0usize; lens.questions.len()];
        for entry in mapping.entries() {
            for &i in &entry.question_indexes {
                per_question[i] += 1;
            }
        }
        let pillars = PILLARS
            .iter()
            .map(|(pillar_id, _, _)| {
                let in_pillar = |i: &usize| lens.questions[*i].pillar_id == *pillar_id;
                PillarCoverage {
                    pillar_id: pillar_id.to_string(),
                    rules: mapping
                        .entries()
                        .iter()
                        .filter(|e| e.question_indexes.iter().any(in_pillar))
                        .count(),
                    questions: (0..lens.questions.len()).filter(in_pillar).count(),
                    questions_covered: (0..lens.questions.len())
                        .filter(|i| in_pillar(i) && per_question[*i] > 0)
                        .count(),
                }
            })
            .collect();
        let questions: Vec<QuestionCoverage> = lens
            .questions
            .iter()
            .zip(&per_question)
            .map(|(q, &rules)| QuestionCoverage {
                number: q.number.clone(),
                pillar_id: q.pillar_id.clone(),
                question_id: q.question_id.clone(),
                title: q.title.clone(),
                rules,
            })
            .collect();
        let mapped = mapping
            .entries()
            .iter()
            .filter(|e| !e.question_ids.is_empty())
            .count();
        Coverage {
            lens: mapping.lens_alias.clone(),
            lens_version: mapping.lens_version.clone(),
            rules_total: mapping.entries().len(),
            rules_mapped: mapped,
            rules_mapping_to_nothing: mapping.entries().len() - mapped,
            pillars,
            uncovered_question_ids: questions
                .iter()
                .filter(|q| q.rules == 0)
                .map(|q| q.question_id.clone())
                .collect(),
            questions,
        }
    }
}
