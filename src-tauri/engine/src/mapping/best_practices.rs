//! The best practices of the lens's questions and which of them each rule gives evidence for,
//! shipped as data (`data/best-practices-wellarchitected.tsv`, `data/mapping-best-practices.tsv`).
//!
//! They only describe the evidence: a best practice is a choice of its question in the
//! Well-Architected Tool, and wa-sync never ticks or unticks a choice; that stays the reviewer's.

use std::collections::HashMap;
use std::sync::OnceLock;

const PRACTICES_TSV: &str = include_str!("../../data/best-practices-wellarchitected.tsv");
const MAPPING_TSV: &str = include_str!("../../data/mapping-best-practices.tsv");
const PRACTICES_HEADER: &str = "question_id\tbest_practice_id\tchoice_id\ttitle";
const MAPPING_HEADER: &str = "rule_id\tbest_practice_ids\treason";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BestPractice {
    /// `SEC08-BP02`: the ID the framework documentation gives it.
    pub id: String,
    /// The Well-Architected Tool's choice ID, e.g. `sec_protect_data_rest_encrypt`.
    pub choice_id: String,
    pub title: String,
    pub question_id: String,
}

/// One line of the rule → best-practice mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleBestPractices {
    pub rule_id: String,
    pub best_practice_ids: Vec<String>,
    pub reason: String,
}

#[derive(Debug)]
pub struct BestPractices {
    /// In lens order.
    pub practices: Vec<BestPractice>,
    pub rules: Vec<RuleBestPractices>,
    by_id: HashMap<String, usize>,
    /// Rule ID → positions in `practices`.
    by_rule: HashMap<String, Vec<usize>>,
}

impl BestPractices {
    /// The data wa-sync ships. Tests check it, so parsing cannot fail at run time.
    pub fn builtin() -> &'static BestPractices {
        static DATA: OnceLock<BestPractices> = OnceLock::new();
        DATA.get_or_init(|| {
            BestPractices::parse(PRACTICES_TSV, MAPPING_TSV)
                .expect("the shipped best-practice data is valid")
        })
    }

    /// Parses both files; a best practice the rule mapping names but the first file lacks is an
    /// error that names it.
    pub fn parse(practices_tsv: &str, mapping_tsv: &str) -> Result<BestPractices, String> {
        let mut practices = Vec::new();
        for fields in rows(practices_tsv, PRACTICES_HEADER, "best-practice")? {
            let [question_id, id, choice_id, title] = fields[..] else {
                return Err(format!(
                    "best-practice line {:?} does not have 4 fields ({PRACTICES_HEADER})",
                    fields.join("\t")
                ));
            };
            practices.push(BestPractice {
                id: id.to_string(),
                choice_id: choice_id.to_string(),
                title: title.to_string(),
                question_id: question_id.to_string(),
            });
        }
        let mut by_id = HashMap::new();
        for (i, practice) in practices.iter().enumerate() {
            if by_id.insert(practice.id.clone(), i).is_some() {
                return Err(format!("best practice {} is listed twice", practice.id));
            }
        }
        let mut rules = Vec::new();
        let mut by_rule: HashMap<String, Vec<usize>> = HashMap::new();
        for fields in rows(mapping_tsv, MAPPING_HEADER, "rule-to-best-practice")? {
            let [rule_id, ids, reason] = fields[..] else {
                return Err(format!(
                    "rule-to-best-practice line {:?} does not have 3 fields ({MAPPING_HEADER})",
                    fields.join("\t")
                ));
            };
            let best_practice_ids: Vec<String> = ids
                .split(',')
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_string)
                .collect();
            let mut positions = Vec::with_capacity(best_practice_ids.len());
            for id in &best_practice_ids {
                let &i = by_id.get(id).ok_or_else(|| {
                    format!("rule {rule_id} names best practice {id}, which the lens does not have")
                })?;
                positions.push(i);
            }
            if by_rule.insert(rule_id.to_string(), positions).is_some() {
                return Err(format!("rule {rule_id} is listed twice"));
            }
            rules.push(RuleBestPractices {
                rule_id: rule_id.to_string(),
                best_practice_ids,
                reason: reason.to_string(),
            });
        }
        Ok(BestPractices {
            practices,
            rules,
            by_id,
            by_rule,
        })
    }

    pub fn get(&self, id: &str) -> Option<&BestPractice> {
        self.by_id.get(id).map(|&i| &self.practices[i])
    }

    /// The best practices `rule_id` gives evidence for (none for a rule the data lacks).
    pub fn of_rule(&self, rule_id: &str) -> impl Iterator<Item = &BestPractice> {
        self.by_rule
            .get(rule_id)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|&i| &self.practices[i])
    }

    /// The question's best practices, in lens order.
    pub fn of_question<'a>(
        &'a self,
        question_id: &'a str,
    ) -> impl Iterator<Item = &'a BestPractice> + 'a {
        self.practices
            .iter()
            .filter(move |p| p.question_id == question_id)
    }
}

/// The data lines of a TSV file after its `#` comments and its header, which must be `header`.
fn rows<'a>(text: &'a str, header: &str, what: &str) -> Result<Vec<Vec<&'a str>>, String> {
    let mut lines = text
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty());
    match lines.next() {
        Some(first) if first == header => {}
        first => {
            return Err(format!(
                "the {what} data starts with {first:?}; expected the header {header:?}"
            ))
        }
    }
    Ok(lines.map(|line| line.split('\t').collect()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRACTICES: &str = "# a lens\nquestion_id\tbest_practice_id\tchoice_id\ttitle\n\
        identities\tSEC02-BP01\tsec_identities_enforce_mechanisms\tUse strong sign-in mechanisms\n\
        identities\tSEC02-BP02\tsec_identities_unique\tUse temporary credentials\n\
        backing-up-data\tREL09-BP01\trel_backing_up_data_identified_backups_data\tIdentify and back up all data\n";

    #[test]
    fn parses_practices_and_rules_and_answers_by_rule_and_question() {
        let data = BestPractices::parse(
            PRACTICES,
            "rule_id\tbest_practice_ids\treason\nIAM-001\tSEC02-BP01,SEC02-BP02\twhy\nRDS-001\tREL09-BP01\twhy\n",
        )
        .unwrap();
        assert_eq!(data.practices.len(), 3);
        let ids: Vec<&str> = data.of_rule("IAM-001").map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["SEC02-BP01", "SEC02-BP02"]);
        assert_eq!(data.of_rule("S3-001").count(), 0);
        let ids: Vec<&str> = data
            .of_question("identities")
            .map(|p| p.id.as_str())
            .collect();
        assert_eq!(ids, ["SEC02-BP01", "SEC02-BP02"]);
        assert_eq!(
            data.get("REL09-BP01").unwrap().choice_id,
            "rel_backing_up_data_identified_backups_data"
        );
    }

    #[test]
    fn an_unknown_best_practice_a_duplicate_or_a_wrong_header_is_named() {
        let unknown = BestPractices::parse(
            PRACTICES,
            "rule_id\tbest_practice_ids\treason\nIAM-001\tSEC99-BP01\twhy\n",
        )
        .unwrap_err();
        assert!(
            unknown.contains("IAM-001") && unknown.contains("SEC99-BP01"),
            "{unknown}"
        );
        let twice = BestPractices::parse(
            PRACTICES,
            "rule_id\tbest_practice_ids\treason\nIAM-001\tSEC02-BP01\ta\nIAM-001\tSEC02-BP02\tb\n",
        )
        .unwrap_err();
        assert!(twice.contains("IAM-001"), "{twice}");
        let header = BestPractices::parse("id\ttitle\n", "").unwrap_err();
        assert!(
            header.contains("question_id\\tbest_practice_id"),
            "{header}"
        );
    }
}
