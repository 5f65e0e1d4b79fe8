//! The questions of the `wellarchitected` lens, shipped as data: their IDs key everything, their
//! numbers (OPS 1 … SUS 6) and titles are for people.

use serde::Serialize;
use std::sync::OnceLock;

const LENS_TSV: &str = include_str!("../../data/lens-wellarchitected.tsv");

/// The six pillars in the framework's order: (WA Tool pillar ID, display name, Conformity category).
pub const PILLARS: [(&str, &str, &str); 6] = [
    (
        "operationalExcellence",
        "Operational Excellence",
        "operational-excellence",
    ),
    ("security", "Security", "security"),
    ("reliability", "Reliability", "reliability"),
    (
        "performance",
        "Performance Efficiency",
        "performance-efficiency",
    ),
    ("costOptimization", "Cost Optimization", "cost-optimisation"),
    ("sustainability", "Sustainability", "sustainability"),
];

/// The WA Tool pillar ID for a Conformity category, e.g. `cost-optimisation` → `costOptimization`.
pub fn pillar_for_category(category: &str) -> Option<&'static str> {
    PILLARS
        .iter()
        .find(|(_, _, c)| *c == category)
        .map(|(id, _, _)| *id)
}

pub fn pillar_name(pillar_id: &str) -> &str {
    PILLARS
        .iter()
        .find(|(id, _, _)| *id == pillar_id)
        .map_or(pillar_id, |(_, name, _)| name)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Question {
    /// `OPS 1`, `SEC 11`: the number reviewers know the question by.
    pub number: String,
    pub pillar_id: String,
    pub question_id: String,
    pub title: String,
}

#[derive(Debug)]
pub struct Lens {
    pub alias: String,
    pub version: String,
    /// Lens versions known to have exactly these question IDs (`# same_question_ids:`).
    pub same_question_ids: Vec<String>,
    pub questions: Vec<Question>,
}

impl Lens {
    /// The lens wa-sync ships. Its data is checked by tests, so parsing cannot fail at run time.
    pub fn builtin() -> &'static Lens {
        static LENS: OnceLock<Lens> = OnceLock::new();
        LENS.get_or_init(|| Lens::parse(LENS_TSV).expect("the shipped lens data is valid"))
    }

    fn parse(text: &str) -> Result<Lens, String> {
        let mut alias = None;
        let mut version = None;
        let mut same_question_ids = Vec::new();
        let mut questions = Vec::new();
        for line in text.lines() {
            if let Some(comment) = line.strip_prefix('#') {
                let comment = comment.trim();
                if let Some(v) = comment.strip_prefix("lens:") {
                    alias = Some(v.trim().to_string());
                } else if let Some(v) = comment.strip_prefix("lens_version:") {
                    version = Some(v.trim().to_string());
                } else if let Some(v) = comment.strip_prefix("same_question_ids:") {
                    same_question_ids = v
                        .split(',')
                        .map(|v| v.trim().to_string())
                        .filter(|v| !v.is_empty())
                        .collect();
                }
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            let [number, pillar_id, question_id, title] = fields[..] else {
                return Err(format!("lens line {line:?} does not have 4 fields"));
            };
            questions.push(Question {
                number: number.to_string(),
                pillar_id: pillar_id.to_string(),
                question_id: question_id.to_string(),
                title: title.to_string(),
            });
        }
        Ok(Lens {
            alias: alias.ok_or("lens data has no `# lens:` line")?,
            version: version.ok_or("lens data has no `# lens_version:` line")?,
            same_question_ids,
            questions,
        })
    }

    /// Whether `version` is recorded as having this lens's question IDs.
    pub fn has_same_questions(&self, version: &str) -> bool {
        version == self.version || self.same_question_ids.iter().any(|v| v == version)
    }

    pub fn index_of(&self, question_id: &str) -> Option<usize> {
        self.questions
            .iter()
            .position(|q| q.question_id == question_id)
    }

    pub fn question(&self, question_id: &str) -> Option<&Question> {
        self.index_of(question_id).map(|i| &self.questions[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_lens_has_57_questions_in_six_pillars() {
        let lens = Lens::builtin();
        assert_eq!(lens.alias, "wellarchitected");
        assert_eq!(lens.questions.len(), 57);
        let per_pillar: Vec<usize> = PILLARS
            .iter()
            .map(|(id, _, _)| lens.questions.iter().filter(|q| q.pillar_id == *id).count())
            .collect();
        assert_eq!(per_pillar, [11, 11, 13, 5, 11, 6]);
        assert_eq!(lens.questions[0].number, "OPS 1");
        assert_eq!(lens.questions[56].question_id, "sus_dev");
        let mut ids: Vec<&str> = lens
            .questions
            .iter()
            .map(|q| q.question_id.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 57, "question IDs are unique");
        assert!(lens.has_same_questions("2024-06-27"));
        assert!(lens.same_question_ids.contains(&lens.version));
        assert!(
            !lens.has_same_questions("2023-04-10"),
            "PERF differed before 2023-10-03"
        );
    }
}
