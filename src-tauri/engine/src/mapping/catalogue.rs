//! Conformity's AWS rules as shipped with the engine (ID, title, pillar categories), for titles
//! in reports, the demo data and the mapping's consistency checks. A live `GET /services` answer
//! replaces titles when one is at hand.

use std::collections::HashMap;
use std::sync::OnceLock;

const RULES_TSV: &str = include_str!("../../data/conformity-aws-rules.tsv");

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    pub rule_id: String,
    pub title: String,
    /// Conformity's categories, e.g. `security`, `cost-optimisation`.
    pub categories: Vec<String>,
}

#[derive(Debug)]
pub struct RuleCatalogue {
    pub rules: Vec<RuleInfo>,
    index: HashMap<String, usize>,
}

impl RuleCatalogue {
    pub fn builtin() -> &'static RuleCatalogue {
        static CATALOGUE: OnceLock<RuleCatalogue> = OnceLock::new();
        CATALOGUE.get_or_init(|| {
            let rules: Vec<RuleInfo> = RULES_TSV
                .lines()
                .skip(1)
                .filter(|line| !line.is_empty())
                .map(|line| {
                    let mut fields = line.split('\t');
                    let mut next = || fields.next().unwrap_or_default().to_string();
                    let (rule_id, title, categories) = (next(), next(), next());
                    RuleInfo {
                        rule_id,
                        title,
                        categories: categories.split(',').map(str::to_string).collect(),
                    }
                })
                .collect();
            RuleCatalogue::new(rules)
        })
    }

    pub fn new(rules: Vec<RuleInfo>) -> RuleCatalogue {
        let index = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.rule_id.clone(), i))
            .collect();
        RuleCatalogue { rules, index }
    }

    pub fn get(&self, rule_id: &str) -> Option<&RuleInfo> {
        self.index.get(rule_id).map(|&i| &self.rules[i])
    }

    pub fn title(&self, rule_id: &str) -> Option<&str> {
        self.get(rule_id).map(|r| r.title.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_catalogue_has_the_619_aws_rules() {
        let catalogue = RuleCatalogue::builtin();
        assert_eq!(catalogue.rules.len(), 619);
        let acm = catalogue.get("ACM-001").unwrap();
        assert_eq!(acm.title, "ACM Certificate Expired");
        assert_eq!(acm.categories, ["security", "operational-excellence"]);
    }
}
