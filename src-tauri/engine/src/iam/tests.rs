use super::policies::parse_policy_document;
use super::*;
use crate::wellarchitected::WorkloadArn;
use serde_json::json;

fn arn() -> WorkloadArn {
    WorkloadArn::parse(
        "arn:aws:wellarchitected:eu-west-1:123456789012:workload/0123456789abcdef0123456789abcdef",
    )
    .unwrap()
}

#[test]
fn permissions_are_scoped_to_the_workload() {
    let p = permissions_policy(&arn(), false);
    assert_eq!(p["Statement"].as_array().unwrap().len(), 1);
    assert_eq!(p["Statement"][0]["Resource"], arn().to_string());
    let text = p.to_string();
    assert!(!text.contains("\"*\"") && !text.contains("ListWorkloads"));
    let p = permissions_policy(&arn(), true);
    assert_eq!(p["Statement"][1]["Resource"], "*");
}

#[test]
fn trust_demands_the_external_id() {
    let principals = principals(
        &[
            Trust::Conformity,
            Trust::Caller,
            Trust::parse("account:210987654321").unwrap(),
        ],
        "aws",
        Some("123456789012"),
    )
    .unwrap();
    assert_eq!(principals.len(), 3);
    let t = trust_policy(&principals, Some("abc-123"));
    assert_eq!(
        t["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"],
        "abc-123"
    );
    assert_eq!(
        t["Statement"][0]["Principal"]["AWS"][0],
        CONFORMITY_PRINCIPAL
    );
    assert!(Trust::parse("account:12").is_err());
    assert!(Trust::parse("everyone").is_err());
}

#[test]
fn decodes_iam_documents() {
    let doc = json!({"Version": "2012-10-17", "Statement": []});
    assert_eq!(
        parse_policy_document("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"),
        Some(doc.clone())
    );
    assert_eq!(parse_policy_document(&doc.to_string()), Some(doc));
}

#[test]
fn the_policy_allows_exactly_the_calls_wa_sync_makes() {
    let p = permissions_policy(&arn(), false);
    let actions: Vec<&str> = p["Statement"][0]["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "wellarchitected:GetWorkload",
            "wellarchitected:ListLensReviews",
            "wellarchitected:ListAnswers",
            "wellarchitected:GetAnswer",
            "wellarchitected:UpdateAnswer",
            "wellarchitected:GetLensReview",
            "wellarchitected:UpdateLensReview",
            "wellarchitected:CreateMilestone",
            "wellarchitected:GetMilestone",
        ]
    );
}
