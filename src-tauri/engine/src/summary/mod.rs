//! Counting checks per question, as docs/spec/check-summary.md lays down.
//!
//! Checks are added one at a time as pages arrive and are tallied per rule, so memory depends on
//! the number of rules, never on the number of checks. Questions and pillars are derived from the
//! rule tallies at the end.

use crate::checks::{https_only, Check, Evidence, RiskLevel, RuleSettings, Status};
use crate::mapping::{Lens, Mapping, RuleCatalogue, PILLARS};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Reverse;
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap};

/// How many of a rule's failing checks are kept, riskiest first: enough to act on in a review
/// (the total is given too), and a fixed bound, so memory depends on the number of rules, not of
/// checks. At 100, a large account's ~600 rules kept ~60,000 resources (78 MiB peak for a
/// 100,000-check preview, and a 16 MB `--json`); at 25 they stay within the 50 MiB budget.
pub const FAILING_RESOURCES_KEPT: usize = 25;

/// Successes and failures per risk level.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/", as = "TallyJson")
)]
pub struct Tally {
    /// Indexed by `RiskLevel::index()`: (successes, failures).
    counts: [(u64, u64); 5],
}

impl Tally {
    pub fn add(&mut self, risk: RiskLevel, status: Status) {
        let cell = &mut self.counts[risk.index()];
        match status {
            Status::Success => cell.0 += 1,
            Status::Failure => cell.1 += 1,
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        for (mine, theirs) in self.counts.iter_mut().zip(other.counts) {
            mine.0 += theirs.0;
            mine.1 += theirs.1;
        }
    }

    pub fn successes_at(&self, risk: RiskLevel) -> u64 {
        self.counts[risk.index()].0
    }

    pub fn failures_at(&self, risk: RiskLevel) -> u64 {
        self.counts[risk.index()].1
    }

    pub fn successes(&self) -> u64 {
        self.counts.iter().map(|c| c.0).sum()
    }

    pub fn failures(&self) -> u64 {
        self.counts.iter().map(|c| c.1).sum()
    }

    pub fn total(&self) -> u64 {
        self.successes() + self.failures()
    }

    /// The highest risk level with at least one failure.
    pub fn highest_failure_risk(&self) -> Option<RiskLevel> {
        RiskLevel::DESCENDING
            .into_iter()
            .find(|r| self.failures_at(*r) > 0)
    }
}

/// One risk level of a serialised `Tally`.
#[derive(Serialize, Deserialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
struct RiskCell {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    successes: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    failures: u64,
}

/// The TypeScript shape of `Tally`'s hand-written `Serialize` below (never built).
#[cfg(feature = "ts")]
#[allow(dead_code)]
#[derive(ts_rs::TS)]
struct TallyJson {
    #[ts(rename = "EXTREME")]
    extreme: RiskCell,
    #[ts(rename = "VERY_HIGH")]
    very_high: RiskCell,
    #[ts(rename = "HIGH")]
    high: RiskCell,
    #[ts(rename = "MEDIUM")]
    medium: RiskCell,
    #[ts(rename = "LOW")]
    low: RiskCell,
}

/// `{"EXTREME": {"successes": 0, "failures": 0}, …}` in the contract's order.
impl Serialize for Tally {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(5))?;
        for risk in RiskLevel::DESCENDING {
            map.serialize_entry(
                risk.api_name(),
                &RiskCell {
                    successes: self.successes_at(risk),
                    failures: self.failures_at(risk),
                },
            )?;
        }
        map.end()
    }
}

/// Reads back what `Serialize` wrote (the history keeps tallies); a risk level left out is zero.
impl<'de> Deserialize<'de> for Tally {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let cells = std::collections::BTreeMap::<RiskLevel, RiskCell>::deserialize(deserializer)?;
        let mut tally = Tally::default();
        for (risk, cell) in cells {
            tally.counts[risk.index()] = (cell.successes, cell.failures);
        }
        Ok(tally)
    }
}

/// Checks that were fetched but not counted, by the first reason that applies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct LeftOut {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub disabled_rule: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub suppressed: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub excluded: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub not_scored: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub unmapped_rule: u64,
}

impl LeftOut {
    pub fn total(&self) -> u64 {
        self.disabled_rule + self.suppressed + self.excluded + self.not_scored + self.unmapped_rule
    }

    pub fn merge(&mut self, other: &LeftOut) {
        self.disabled_rule += other.disabled_rule;
        self.suppressed += other.suppressed;
        self.excluded += other.excluded;
        self.not_scored += other.not_scored;
        self.unmapped_rule += other.unmapped_rule;
    }
}

/// Counts checks as they stream in.
pub struct Aggregator<'m> {
    mapping: &'m Mapping,
    settings: RuleSettings,
    rules: HashMap<Box<str>, RuleState>,
    unmapped: HashMap<Box<str>, u64>,
    left_out: LeftOut,
    fetched: u64,
    counted: u64,
}

impl<'m> Aggregator<'m> {
    pub fn new(mapping: &'m Mapping, settings: RuleSettings) -> Self {
        Aggregator {
            mapping,
            settings,
            rules: HashMap::new(),
            unmapped: HashMap::new(),
            left_out: LeftOut::default(),
            fetched: 0,
            counted: 0,
        }
    }

    pub fn add(&mut self, check: &Check<'_>) {
        self.fetched += 1;
        let maps_to_questions = self
            .mapping
            .question_indexes(check.rule_id)
            .is_some_and(|q| !q.is_empty());
        let setting = self.settings.get(check.rule_id);
        let reason = if !maps_to_questions {
            *bump(&mut self.unmapped, check.rule_id) += 1;
            Some(&mut self.left_out.unmapped_rule)
        } else if setting.is_some_and(|s| !s.enabled) {
            Some(&mut self.left_out.disabled_rule)
        } else if check.suppressed {
            Some(&mut self.left_out.suppressed)
        } else if check.excluded {
            Some(&mut self.left_out.excluded)
        } else if check.not_scored {
            Some(&mut self.left_out.not_scored)
        } else {
            None
        };
        if let Some(count) = reason {
            *count += 1;
            return;
        }
        let Some(status) = check.status else { return };
        let risk = setting
            .and_then(|s| s.risk_level)
            .unwrap_or(check.risk_level);
        bump(&mut self.rules, check.rule_id).add(risk, status, &check.evidence);
        self.counted += 1;
    }

    pub fn finish(self) -> Summary {
        let rules = finished_rules(self.rules);
        let (questions, pillars) = fold_into_questions(self.mapping, &rules);
        let unmapped_rules = unmapped_rules(self.mapping, self.unmapped);
        tracing::info!(
            fetched = self.fetched,
            counted = self.counted,
            left_out = self.left_out.total(),
            rules = rules.len(),
            unmapped_rules = unmapped_rules.len(),
            "checks counted"
        );
        Summary {
            fetched: self.fetched,
            counted: self.counted,
            left_out: self.left_out,
            questions,
            pillars,
            rules,
            unmapped_rules,
        }
    }
}

/// Each rule's tally with its title (the checks', else the catalogue's) and its riskiest
/// failures, in review order.
fn finished_rules(states: HashMap<Box<str>, RuleState>) -> Vec<RuleTally> {
    let catalogue = RuleCatalogue::builtin();
    let mut rules: Vec<RuleTally> = states
        .into_iter()
        .map(|(rule_id, state)| {
            let title = state
                .title
                .map(String::from)
                .or_else(|| catalogue.get(&rule_id).map(|r| r.title.clone()));
            RuleTally {
                rule_id: rule_id.into(),
                tally: state.tally,
                title,
                knowledge_base_url: state.knowledge_base_url.map(String::from),
                failing_resources: state
                    .riskiest
                    .into_sorted_vec()
                    .into_iter()
                    .map(|kept| kept.0)
                    .collect(),
            }
        })
        .collect();
    rules.sort_by(|a, b| a.review_order(b));
    rules
}

/// The rules' tallies added up per question of the lens and per pillar; a rule counts once in a
/// pillar even when several of its questions are in it.
fn fold_into_questions(
    mapping: &Mapping,
    rules: &[RuleTally],
) -> (Vec<QuestionSummary>, Vec<PillarSummary>) {
    let lens = Lens::builtin();
    let mut questions: Vec<QuestionSummary> = lens
        .questions
        .iter()
        .zip(mapping.covered())
        .map(|(q, covered)| QuestionSummary {
            question_id: q.question_id.clone(),
            pillar_id: q.pillar_id.clone(),
            covered,
            tally: Tally::default(),
            rules: Vec::new(),
        })
        .collect();
    let mut pillars: Vec<PillarSummary> = PILLARS
        .iter()
        .map(|(id, _, _)| PillarSummary {
            pillar_id: id.to_string(),
            tally: Tally::default(),
        })
        .collect();
    for rule in rules {
        let indexes = mapping.question_indexes(&rule.rule_id).unwrap_or(&[]);
        let mut pillars_touched = [false; PILLARS.len()];
        for &i in indexes {
            let question = &mut questions[i];
            question.tally.merge(&rule.tally);
            question.rules.push(rule.clone());
            let p = PILLARS
                .iter()
                .position(|(id, _, _)| *id == question.pillar_id)
                .expect("lens pillars are the six pillars");
            pillars_touched[p] = true;
        }
        for (pillar, touched) in pillars.iter_mut().zip(pillars_touched) {
            if touched {
                pillar.tally.merge(&rule.tally);
            }
        }
    }
    (questions, pillars)
}

/// The rules seen in checks that no question takes, with why.
fn unmapped_rules(mapping: &Mapping, unmapped: HashMap<Box<str>, u64>) -> Vec<UnmappedRule> {
    let mut rules: Vec<UnmappedRule> = unmapped
        .into_iter()
        .map(|(rule_id, checks)| {
            let entry = mapping.get(&rule_id);
            UnmappedRule {
                reason: entry.map_or_else(
                    || "not in the mapping: add it to a mapping override file".to_string(),
                    |e| format!("mapped to no question: {}", e.reason),
                ),
                known: entry.is_some(),
                rule_id: rule_id.into(),
                checks,
            }
        })
        .collect();
    rules.sort_by(|a, b| a.rule_id.cmp(&b.rule_id));
    rules
}

/// The counter for `key`, allocating the key only the first time it is seen.
fn bump<'a, V: Default>(map: &'a mut HashMap<Box<str>, V>, key: &str) -> &'a mut V {
    if !map.contains_key(key) {
        map.insert(key.into(), V::default());
    }
    map.get_mut(key).expect("inserted above")
}

/// What is kept of one rule while checks are counted.
#[derive(Default)]
struct RuleState {
    tally: Tally,
    title: Option<Box<str>>,
    knowledge_base_url: Option<Box<str>>,
    /// A max-heap whose top is the least risky failure kept, the one a riskier failure replaces.
    riskiest: BinaryHeap<Kept>,
}

impl RuleState {
    fn add(&mut self, risk: RiskLevel, status: Status, evidence: &Evidence<'_>) {
        self.tally.add(risk, status);
        if self.title.is_none() {
            self.title = evidence.rule_title.map(Box::from);
        }
        if self.knowledge_base_url.is_none() {
            self.knowledge_base_url = evidence
                .knowledge_base_url
                .and_then(https_only)
                .map(Box::from);
        }
        if status != Status::Failure {
            return;
        }
        let key = rank(
            risk,
            evidence.resource.or(evidence.resource_name),
            evidence.region,
            evidence.message,
        );
        if self.riskiest.len() < FAILING_RESOURCES_KEPT {
            self.riskiest
                .push(Kept(FailingResource::new(risk, evidence)));
        } else if let Some(mut least) = self.riskiest.peek_mut() {
            // Compared before anything is copied: most failures of a large rule are not kept.
            if key < least.0.rank() {
                *least = Kept(FailingResource::new(risk, evidence));
            }
        }
    }
}

/// The order failures are kept and listed in: riskiest first, then by resource, region and
/// message, so the same checks give the same list in whatever order they arrive.
type Rank<'a> = (
    Reverse<RiskLevel>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
);

fn rank<'a>(
    risk: RiskLevel,
    resource: Option<&'a str>,
    region: Option<&'a str>,
    message: Option<&'a str>,
) -> Rank<'a> {
    (Reverse(risk), resource, region, message)
}

/// A failing resource ordered by [`Rank`], for the heap.
struct Kept(FailingResource);

impl PartialEq for Kept {
    fn eq(&self, other: &Self) -> bool {
        self.0.rank() == other.0.rank()
    }
}

impl Eq for Kept {}

impl PartialOrd for Kept {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Kept {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.rank().cmp(&other.0.rank())
    }
}

/// One failing check of a rule, as a reviewer needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct FailingResource {
    /// The resource's ID, else its name; `None` for a check about no resource.
    pub resource: Option<String>,
    /// The readable name, when the source gives one beside the ID.
    pub resource_name: Option<String>,
    pub region: Option<String>,
    pub service: Option<String>,
    pub risk_level: RiskLevel,
    pub message: Option<String>,
    /// An `https://` link about this resource, else `None`.
    pub link: Option<String>,
}

impl FailingResource {
    fn new(risk_level: RiskLevel, evidence: &Evidence<'_>) -> FailingResource {
        let own = |field: Option<&str>| field.map(str::to_string);
        let resource = evidence.resource.or(evidence.resource_name);
        FailingResource {
            resource: own(resource),
            resource_name: own(evidence
                .resource_name
                .filter(|name| Some(*name) != resource)),
            region: own(evidence.region),
            service: own(evidence.service),
            risk_level,
            message: own(evidence.message),
            link: own(evidence.link.and_then(https_only)),
        }
    }

    fn rank(&self) -> Rank<'_> {
        rank(
            self.risk_level,
            self.resource.as_deref(),
            self.region.as_deref(),
            self.message.as_deref(),
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleTally {
    pub rule_id: String,
    #[serde(rename = "by_risk")]
    pub tally: Tally,
    /// The checks' rule title, else the built-in catalogue's.
    pub title: Option<String>,
    /// The rule's knowledge-base page (`https://` only).
    pub knowledge_base_url: Option<String>,
    /// The riskiest counted failures, riskiest first, at most [`FAILING_RESOURCES_KEPT`];
    /// `tally.failures()` is how many there were in all.
    pub failing_resources: Vec<FailingResource>,
}

impl RuleTally {
    /// Adds another account's tally of the same rule (its failing resources unsorted and
    /// unbounded until [`Summary::merge`] orders them).
    fn absorb(&mut self, other: RuleTally) {
        self.tally.merge(&other.tally);
        if self.title.is_none() {
            self.title = other.title;
        }
        if self.knowledge_base_url.is_none() {
            self.knowledge_base_url = other.knowledge_base_url;
        }
        self.failing_resources.extend(other.failing_resources);
    }

    /// The highest risk among the rule's counted failures, else among its successes.
    pub fn risk_level(&self) -> Option<RiskLevel> {
        self.tally.highest_failure_risk().or_else(|| {
            RiskLevel::DESCENDING
                .into_iter()
                .find(|r| self.tally.successes_at(*r) > 0)
        })
    }

    /// The spec's order for `Rule Ids to Review`: highest failing risk first, then most
    /// failures, then rule ID. Rules without failures come last.
    fn review_order(&self, other: &RuleTally) -> std::cmp::Ordering {
        let key = |r: &RuleTally| {
            (
                Reverse(r.tally.highest_failure_risk()),
                Reverse(r.tally.failures()),
            )
        };
        key(self)
            .cmp(&key(other))
            .then_with(|| self.rule_id.cmp(&other.rule_id))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuestionSummary {
    pub question_id: String,
    pub pillar_id: String,
    /// At least one rule of the mapping informs this question.
    pub covered: bool,
    pub tally: Tally,
    /// Rules with counted checks for this question, in review order.
    pub rules: Vec<RuleTally>,
}

impl QuestionSummary {
    /// Rules with at least one counted failure, in the spec's order.
    pub fn rule_ids_to_review(&self) -> impl Iterator<Item = &str> {
        self.rules
            .iter()
            .filter(|r| r.tally.failures() > 0)
            .map(|r| r.rule_id.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PillarSummary {
    pub pillar_id: String,
    /// Each check counted once per pillar, even when its rule informs several of its questions.
    pub tally: Tally,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/bindings/")
)]
pub struct UnmappedRule {
    pub rule_id: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub checks: u64,
    /// False when the mapping does not know the rule at all (e.g. a rule Conformity added later).
    pub known: bool,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub fetched: u64,
    pub counted: u64,
    pub left_out: LeftOut,
    /// Every question of the lens, in lens order.
    pub questions: Vec<QuestionSummary>,
    pub pillars: Vec<PillarSummary>,
    /// Every rule with counted checks, in review order.
    pub rules: Vec<RuleTally>,
    pub unmapped_rules: Vec<UnmappedRule>,
}

impl Summary {
    /// Several accounts' summaries as one, each account's checks having been counted under its
    /// own rule settings: the same summary as counting all their checks together. Each account
    /// is counted (and fetched) once, so a plan shares it between the targets that need it.
    pub fn merge(mapping: &Mapping, parts: impl IntoIterator<Item = Summary>) -> Summary {
        let mut fetched = 0;
        let mut counted = 0;
        let mut left_out = LeftOut::default();
        let mut rules: HashMap<String, RuleTally> = HashMap::new();
        let mut unmapped: HashMap<Box<str>, u64> = HashMap::new();
        for part in parts {
            fetched += part.fetched;
            counted += part.counted;
            left_out.merge(&part.left_out);
            for rule in part.rules {
                match rules.entry(rule.rule_id.clone()) {
                    Entry::Vacant(slot) => {
                        slot.insert(rule);
                    }
                    Entry::Occupied(mut slot) => slot.get_mut().absorb(rule),
                }
            }
            for rule in part.unmapped_rules {
                *bump(&mut unmapped, &rule.rule_id) += rule.checks;
            }
        }
        let mut rules: Vec<RuleTally> = rules.into_values().collect();
        for rule in &mut rules {
            // Each part kept its riskiest; the riskiest of all are among them.
            rule.failing_resources
                .sort_by(|a, b| a.rank().cmp(&b.rank()));
            rule.failing_resources.truncate(FAILING_RESOURCES_KEPT);
        }
        rules.sort_by(|a, b| a.review_order(b));
        let (questions, pillars) = fold_into_questions(mapping, &rules);
        Summary {
            fetched,
            counted,
            left_out,
            questions,
            pillars,
            rules,
            unmapped_rules: unmapped_rules(mapping, unmapped),
        }
    }

    pub fn question(&self, question_id: &str) -> Option<&QuestionSummary> {
        self.questions.iter().find(|q| q.question_id == question_id)
    }
}

#[cfg(test)]
mod tests;

/// `Tally`'s TypeScript binding is written by hand (`TallyJson`): it has the keys its JSON has.
#[cfg(all(test, feature = "ts"))]
#[test]
fn tally_binding_matches_its_json() {
    use ts_rs::TS;
    let json = serde_json::to_value(Tally::default()).unwrap();
    let mut from_json: Vec<String> = json
        .as_object()
        .unwrap()
        .iter()
        .map(|(risk, cell)| {
            assert_eq!(cell, &serde_json::json!({"successes": 0, "failures": 0}));
            format!("{risk}: RiskCell")
        })
        .collect();
    let inline = Tally::inline();
    let mut from_ts: Vec<String> = inline
        .trim_start_matches("{ ")
        .trim_end_matches(", }")
        .split(", ")
        .map(str::to_owned)
        .collect();
    from_json.sort();
    from_ts.sort();
    assert_eq!(from_ts, from_json, "{inline}");
    assert_eq!(
        RiskCell::inline(),
        "{ successes: number, failures: number, }"
    );
}
