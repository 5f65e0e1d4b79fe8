//! Checks on the shipped mapping data: complete, consistent with the lens and with Conformity's
//! own pillar categories (exceptions explicit), and reviewed.

use super::lens::pillar_for_category;
use super::{BestPractices, Lens, Mapping, RuleCatalogue};
use std::collections::HashSet;

#[test]
fn every_conformity_rule_is_decided_exactly_once_in_catalogue_order() {
    let mapping = Mapping::builtin();
    let catalogue: Vec<&str> = RuleCatalogue::builtin()
        .rules
        .iter()
        .map(|r| r.rule_id.as_str())
        .collect();
    let mapped: Vec<&str> = mapping
        .entries()
        .iter()
        .map(|e| e.rule_id.as_str())
        .collect();
    assert_eq!(mapped, catalogue);
    let unique: HashSet<&str> = mapped.iter().copied().collect();
    assert_eq!(unique.len(), 619);
}

#[test]
fn at_least_600_rules_are_mapped_and_the_rest_say_why_not() {
    let mapping = Mapping::builtin();
    let mapped = mapping
        .entries()
        .iter()
        .filter(|e| !e.question_ids.is_empty())
        .count();
    assert!(mapped >= 600, "{mapped} rules mapped");
    for entry in mapping.entries() {
        assert!(
            !entry.reason.trim().is_empty(),
            "{} has no reason",
            entry.rule_id
        );
        assert!(
            entry.question_ids.len() <= 3,
            "{} maps to too many questions",
            entry.rule_id
        );
    }
}

#[test]
fn question_ids_are_questions_of_the_lens() {
    let lens = Lens::builtin();
    for entry in Mapping::builtin().entries() {
        for q in &entry.question_ids {
            assert!(lens.index_of(q).is_some(), "{}: {q}", entry.rule_id);
        }
    }
}

#[test]
fn questions_stay_in_the_rules_pillars_unless_the_exception_says_why() {
    let lens = Lens::builtin();
    let catalogue = RuleCatalogue::builtin();
    let mut exceptions = 0;
    for entry in Mapping::builtin().entries() {
        let rule = catalogue.get(&entry.rule_id).unwrap();
        let pillars: HashSet<&str> = rule
            .categories
            .iter()
            .filter_map(|c| pillar_for_category(c))
            .collect();
        assert!(
            !pillars.is_empty(),
            "{} has no known category",
            entry.rule_id
        );
        let outside = entry
            .question_ids
            .iter()
            .any(|q| !pillars.contains(lens.question(q).unwrap().pillar_id.as_str()));
        assert_eq!(
            outside,
            !entry.outside_categories.is_empty(),
            "{}: a question outside its categories {:?} needs a reason in outside_categories, and only then",
            entry.rule_id,
            rule.categories
        );
        exceptions += usize::from(outside);
    }
    assert!(exceptions < 62, "exceptions stay exceptions: {exceptions}");
}

#[test]
fn the_file_records_lens_version_and_review_date() {
    let mapping = Mapping::builtin();
    assert_eq!(mapping.lens_alias, "wellarchitected");
    assert_eq!(mapping.lens_version, Lens::builtin().version);
    let date = mapping.reviewed.as_bytes();
    assert!(
        date.len() == 10 && date[4] == b'-' && date[7] == b'-',
        "reviewed: {}",
        mapping.reviewed
    );
}

#[test]
fn every_best_practice_belongs_to_a_lens_question_and_has_a_unique_choice_id() {
    let lens = Lens::builtin();
    let data = BestPractices::builtin();
    assert!(data.practices.len() >= 250, "{}", data.practices.len());
    let mut choices = HashSet::new();
    for practice in &data.practices {
        assert!(
            lens.index_of(&practice.question_id).is_some(),
            "{} belongs to {}, not a question of the lens",
            practice.id,
            practice.question_id
        );
        assert!(
            choices.insert(practice.choice_id.as_str()),
            "choice {} twice",
            practice.choice_id
        );
        assert!(
            !practice.title.trim().is_empty(),
            "{} has no title",
            practice.id
        );
    }
    for question in &lens.questions {
        assert!(
            data.of_question(&question.question_id).count() > 0,
            "{} has no best practice",
            question.question_id
        );
    }
}

#[test]
fn every_mapped_rule_has_best_practices_within_its_questions() {
    let mapping = Mapping::builtin();
    let data = BestPractices::builtin();
    for entry in mapping.entries() {
        let practices: Vec<_> = data.of_rule(&entry.rule_id).collect();
        if entry.question_ids.is_empty() {
            assert!(
                practices.is_empty(),
                "{} maps to no question",
                entry.rule_id
            );
            continue;
        }
        assert!(
            !practices.is_empty(),
            "{} has no best practice",
            entry.rule_id
        );
        for practice in practices {
            assert!(
                entry.question_ids.contains(&practice.question_id),
                "{}: {} belongs to {}, not to one of {:?}",
                entry.rule_id,
                practice.id,
                practice.question_id,
                entry.question_ids
            );
        }
    }
    for rule in &data.rules {
        assert!(
            mapping.get(&rule.rule_id).is_some(),
            "{} is not in the question mapping",
            rule.rule_id
        );
        assert!(
            !rule.reason.trim().is_empty(),
            "{} has no reason",
            rule.rule_id
        );
    }
}
