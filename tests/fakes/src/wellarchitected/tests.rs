//! The fake's own tests, and the raw HTTP helpers other fakes' tests share.

use super::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A response read off the wire, so the fakes are tested without an HTTP client dependency.
pub(crate) struct Raw {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Raw {
    pub fn header(&self, name: &str) -> Option<&str> {
        let mut headers = self.headers.iter();
        headers
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("JSON body")
    }

    /// Status and `X-Amzn-ErrorType`.
    fn error(&self) -> (u16, &str) {
        (self.status, self.header("x-amzn-errortype").unwrap_or("-"))
    }
}

/// A SigV4-shaped `Authorization` value (the fakes read only its credential scope).
pub(crate) fn sigv4(key: &str, region: &str, service: &str) -> String {
    let scope = format!("{key}/20260101/{region}/{service}/aws4_request");
    format!("AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders=host, Signature=00")
}

/// One HTTP/1.1 exchange over a fresh connection.
pub(crate) async fn raw(
    url: &str,
    method: &str,
    target: &str,
    auth: Option<&str>,
    body: &str,
) -> Raw {
    let host = url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.expect("connect");
    let auth = auth
        .map(|a| format!("Authorization: {a}\r\n"))
        .unwrap_or_default();
    let length = body.len();
    let head = format!("{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    let request = format!("{head}Content-Length: {length}\r\n{auth}\r\n{body}");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    let (head, body) = response.split_once("\r\n\r\n").expect("HTTP head");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok());
    let headers = lines.filter_map(|l| l.split_once(": "));
    let headers = headers
        .map(|(k, v)| (k.to_lowercase(), v.to_string()))
        .collect();
    Raw {
        status: status.expect("status"),
        headers,
        body: body.to_string(),
    }
}

const WID: &str = "0123456789abcdef0123456789abcdef";
const KEY: &str = "AKIDEXAMPLE";
const ANSWERS: &str =
    "/workloads/0123456789abcdef0123456789abcdef/lensReviews/wellarchitected/answers";

async fn fake() -> FakeWellArchitected {
    let workloads = vec![
        Workload::standard(WID, "shop-prod", "123456789012", "eu-west-1"),
        Workload::standard(&"b".repeat(32), "shop-test", "123456789012", "eu-west-1"),
        Workload::standard(&"c".repeat(32), "shop-us", "123456789012", "us-east-1"),
    ];
    FakeWellArchitected::start(WaState {
        workloads,
        ..WaState::default()
    })
    .await
}

/// A request signed by `KEY` for eu-west-1.
async fn send(fake: &FakeWellArchitected, method: &str, target: &str, body: &str) -> Raw {
    let auth = sigv4(KEY, "eu-west-1", "wellarchitected");
    raw(&fake.endpoint(), method, target, Some(&auth), body).await
}

async fn get(fake: &FakeWellArchitected, target: &str) -> Raw {
    send(fake, "GET", target, "").await
}

#[test]
fn standard_lens_has_the_57_questions() {
    let answers = standard_lens_answers();
    let count = |p: &str| answers.iter().filter(|a| a.pillar_id == p).count();
    let pillars = [
        "operationalExcellence",
        "security",
        "reliability",
        "performance",
    ];
    let pillars = pillars
        .into_iter()
        .chain(["costOptimization", "sustainability"]);
    assert_eq!(
        pillars.map(count).collect::<Vec<_>>(),
        [11, 11, 13, 5, 11, 6]
    );
    assert!(answers
        .iter()
        .all(|a| a.choices.len() == 3 && a.notes.is_none()));
    assert_eq!(answers[11].question_id, "securely-operate");
    assert_eq!(answers[11].choices[0], "sec_securely_operate_bp1");
    assert_eq!(standard_lens_version(), "2024-06-27");
}

#[tokio::test]
async fn get_workload_and_lens_reviews_have_aws_shapes() {
    let fake = fake().await;
    let r = get(&fake, &format!("/workloads/{WID}")).await;
    assert_eq!(
        (r.status, r.header("content-type")),
        (200, Some("application/json"))
    );
    let w = &r.json()["Workload"];
    let arn = format!("arn:aws:wellarchitected:eu-west-1:123456789012:workload/{WID}");
    assert_eq!(w["WorkloadArn"], arn);
    assert!(w["UpdatedAt"].is_i64());
    let r = get(
        &fake,
        &format!("/workloads/{WID}/lensReviews?MaxResults=50"),
    )
    .await
    .json();
    let lens = &r["LensReviewSummaries"][0];
    assert_eq!(lens["LensAlias"], "wellarchitected");
    assert_eq!(
        (lens["LensStatus"].as_str(), lens["LensVersion"].as_str()),
        (Some("CURRENT"), Some("2024-06-27"))
    );
    assert!(r.get("NextToken").is_none());
}

#[tokio::test]
async fn errors_carry_status_error_type_and_message() {
    let fake = fake().await;
    let r = get(&fake, &format!("/workloads/{}", "d".repeat(32))).await;
    assert_eq!(r.error(), (404, "ResourceNotFoundException"));
    assert_eq!(r.json()["ResourceId"], "d".repeat(32));
    assert!(r.json()["Message"].is_string());
    assert_eq!(
        get(&fake, "/workloads/ABC").await.error(),
        (400, "ValidationException")
    );
    let r = get(&fake, &format!("{ANSWERS}/no-such-q")).await;
    assert_eq!(r.error(), (404, "ResourceNotFoundException"));
    let r = send(&fake, "DELETE", &format!("/workloads/{WID}"), "").await;
    assert_eq!(r.error(), (404, "UnknownOperationException"));
    let r = get(&fake, &format!("{ANSWERS}?MilestoneNumber=1")).await;
    assert_eq!(r.error(), (404, "ResourceNotFoundException"));
    // Workloads are regional: the one in us-east-1 is invisible to eu-west-1 requests.
    let r = get(&fake, &format!("/workloads/{}", "c".repeat(32))).await;
    assert_eq!(r.error(), (404, "ResourceNotFoundException"));
    let r = raw(
        &fake.endpoint(),
        "GET",
        &format!("/workloads/{WID}"),
        None,
        "",
    )
    .await;
    assert_eq!(r.error(), (403, "MissingAuthenticationTokenException"));
}

#[tokio::test]
async fn list_answers_pages_with_opaque_tokens() {
    let fake = fake().await;
    let (mut ids, mut token, mut pages) = (Vec::new(), None::<String>, 0);
    loop {
        let next = token.map(|t| format!("&NextToken={t}")).unwrap_or_default();
        let r = get(&fake, &format!("{ANSWERS}?MaxResults=20{next}"))
            .await
            .json();
        let summaries = r["AnswerSummaries"].as_array().expect("summaries").clone();
        assert!(summaries
            .iter()
            .all(|s| s.get("Notes").is_none() && s["Choices"][0].is_object()));
        ids.extend(
            summaries
                .iter()
                .map(|s| s["QuestionId"].as_str().expect("id").to_string()),
        );
        (pages, token) = (pages + 1, r["NextToken"].as_str().map(str::to_string));
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    let lens_order: Vec<String> = standard_lens_answers()
        .into_iter()
        .map(|a| a.question_id)
        .collect();
    assert_eq!(ids, lens_order);

    let r = get(&fake, &format!("{ANSWERS}?PillarId=security&MaxResults=50"))
        .await
        .json();
    assert_eq!(r["AnswerSummaries"].as_array().map(Vec::len), Some(11));
    assert_eq!(
        r["LensArn"],
        "arn:aws:wellarchitected:eu-west-1::lens/wellarchitected"
    );
    for bad in [
        "MaxResults=0",
        "MaxResults=51",
        "MaxResults=x",
        "NextToken=page2",
        "PillarId=x",
    ] {
        let r = get(&fake, &format!("{ANSWERS}?{bad}")).await;
        assert_eq!(r.error(), (400, "ValidationException"), "{bad}");
    }
    // A token is bound to its listing: one from the unfiltered listing fails with a filter.
    let first = get(&fake, &format!("{ANSWERS}?MaxResults=5")).await.json();
    let token = first["NextToken"].as_str().expect("token");
    let r = get(
        &fake,
        &format!("{ANSWERS}?PillarId=security&NextToken={token}"),
    )
    .await;
    assert_eq!(r.error(), (400, "ValidationException"));
}

#[tokio::test]
async fn update_answer_replaces_only_the_members_sent() {
    let fake = fake().await;
    let bp = |n: u8| format!("sec_securely_operate_bp{n}");
    fake.with_state(|s| s.workloads[0].lenses[0].answers[11].selected_choices = vec![bp(1), bp(3)]);
    let target = format!("{ANSWERS}/securely-operate");
    let notes = Some("héllo ✓");

    let r = send(&fake, "PATCH", &target, r#"{"Notes":"héllo ✓"}"#).await;
    assert_eq!(r.status, 200);
    let answer = &r.json()["Answer"];
    assert_eq!(
        (answer["Notes"].as_str(), answer["Risk"].as_str()),
        (notes, Some("MEDIUM"))
    );
    assert_eq!(answer["SelectedChoices"], json!([bp(1), bp(3)]));

    // SelectedChoices replaces the selection, so an empty list visibly wipes it.
    let r = send(&fake, "PATCH", &target, r#"{"SelectedChoices":[]}"#)
        .await
        .json();
    assert_eq!(r["Answer"]["SelectedChoices"], json!([]));
    assert_eq!(
        (r["Answer"]["Risk"].as_str(), r["Answer"]["Notes"].as_str()),
        (Some("UNANSWERED"), notes)
    );

    let body = json!({ "ChoiceUpdates": { bp(2): { "Status": "SELECTED" } } }).to_string();
    let r = send(&fake, "PATCH", &target, &body).await.json();
    assert_eq!(r["Answer"]["SelectedChoices"], json!([bp(2)]));

    let updates = fake.answer_updates();
    assert_eq!(updates.len(), 3);
    assert_eq!(
        (
            updates[0].notes.as_deref(),
            updates[0].selected_choices.as_ref()
        ),
        (notes, None)
    );
    assert_eq!(
        (
            updates[0].access_key_id.as_deref(),
            updates[0].question_id.as_str()
        ),
        (Some(KEY), "securely-operate")
    );
    assert_eq!(
        (
            updates[1].notes.as_ref(),
            updates[1].selected_choices.as_ref()
        ),
        (None, Some(&vec![]))
    );
    assert_eq!(
        updates[2]
            .choice_updates
            .as_ref()
            .map(|c| c[&bp(2)].status.as_str()),
        Some("SELECTED")
    );
    let stored = fake.state().workloads[0]
        .answer("securely-operate")
        .cloned()
        .expect("answer");
    assert_eq!(
        (stored.notes.as_deref(), stored.selected_choices),
        (notes, vec![bp(2)])
    );
    assert_eq!(
        get(&fake, &target).await.json()["Answer"]["Notes"],
        "héllo ✓"
    );
    let untouched = get(&fake, &format!("{ANSWERS}/priorities")).await.json();
    assert!(untouched["Answer"].get("Notes").is_none());
}

#[tokio::test]
async fn update_answer_validates_notes_and_choices() {
    let fake = fake().await;
    let target = format!("{ANSWERS}/priorities");
    let at_limit = json!({ "Notes": "a".repeat(NOTES_MAX_LEN) }).to_string();
    assert_eq!(send(&fake, "PATCH", &target, &at_limit).await.status, 200);
    // 1043 emoji are 1043 code points but 2086 UTF-16 code units.
    let over = json!({ "Notes": "😀".repeat(1043) }).to_string();
    let r = send(&fake, "PATCH", &target, &over).await;
    assert_eq!(r.error(), (400, "ValidationException"));
    assert_eq!(r.json()["Fields"][0]["Name"], "Notes");
    let stored = fake.state().workloads[0]
        .answer("priorities")
        .and_then(|a| a.notes.clone());
    assert_eq!(stored, Some("a".repeat(NOTES_MAX_LEN)));
    let bad_status = r#"{"ChoiceUpdates":{"ops_priorities_bp1":{"Status":"MAYBE"}}}"#;
    for bad in [
        r#"{"SelectedChoices":["x"]}"#,
        bad_status,
        r#"{"Notes":5}"#,
        "not json",
    ] {
        let r = send(&fake, "PATCH", &target, bad).await;
        assert_eq!(r.error(), (400, "ValidationException"), "{bad}");
    }
    assert_eq!(fake.answer_updates().len(), 1);
}

#[tokio::test]
async fn conflicts_throttling_and_access_control() {
    let fake = fake().await;
    let workload = format!("/workloads/{WID}");
    fake.with_state(|s| s.conflict_questions = vec!["priorities".into()]);
    let r = send(
        &fake,
        "PATCH",
        &format!("{ANSWERS}/priorities"),
        r#"{"Notes":"x"}"#,
    )
    .await;
    assert_eq!(r.error(), (409, "ConflictException"));

    fake.with_state(|s| s.throttle_percent = 50);
    let mut throttled = 0;
    for _ in 0..40 {
        let status = get(&fake, &workload).await.status;
        assert!(status == 200 || status == 429);
        throttled += usize::from(status == 429);
    }
    assert!((8..=32).contains(&throttled), "{throttled} of 40 throttled");
    fake.with_state(|s| s.throttle_percent = 100);
    assert_eq!(
        get(&fake, &workload).await.error(),
        (429, "ThrottlingException")
    );

    fake.with_state(|s| (s.throttle_percent, s.access_denied_keys) = (0, vec![KEY.into()]));
    let r = get(&fake, &workload).await;
    assert_eq!(r.error(), (403, "AccessDeniedException"));
    assert!(r.json()["Message"]
        .as_str()
        .expect("message")
        .contains("wellarchitected:GetWorkload"));
    fake.with_state(|s| {
        (s.access_denied_keys, s.allowed_keys) = (vec![], Some(vec!["ASIAX".into()]))
    });
    let r = send(&fake, "POST", "/workloadsSummaries", "{}").await;
    assert_eq!(r.error(), (403, "AccessDeniedException"));
    let other = sigv4("ASIAX", "eu-west-1", "wellarchitected");
    assert_eq!(
        raw(&fake.endpoint(), "GET", &workload, Some(&other), "")
            .await
            .status,
        200
    );
    let last = fake.requests().pop().expect("recorded");
    assert_eq!(
        (last.access_key_id.as_deref(), last.region.as_deref()),
        (Some("ASIAX"), Some("eu-west-1"))
    );
    assert_eq!(
        (last.operation.as_str(), last.status, last.method.as_str()),
        ("GetWorkload", 200, "GET")
    );
}

#[tokio::test]
async fn lens_arn_labels_are_percent_decoded() {
    let fake = fake().await;
    let alias = "arn%3Aaws%3Awellarchitected%3Aeu-west-1%3A%3Alens%2Fwellarchitected";
    let r = get(
        &fake,
        &format!("/workloads/{WID}/lensReviews/{alias}/answers/priorities"),
    )
    .await;
    assert_eq!(
        (r.status, r.json()["LensAlias"].as_str()),
        (200, Some("wellarchitected"))
    );
    assert!(fake
        .requests()
        .pop()
        .expect("recorded")
        .path
        .contains(alias));
}

#[tokio::test]
async fn list_workloads_filters_by_prefix_and_region_and_pages() {
    let fake = fake().await;
    let list = |body: Value| {
        let fake = &fake;
        async move {
            send(fake, "POST", "/workloadsSummaries", &body.to_string())
                .await
                .json()
        }
    };
    let first = list(json!({ "WorkloadNamePrefix": "shop", "MaxResults": 1 })).await;
    assert_eq!(first["WorkloadSummaries"][0]["WorkloadName"], "shop-prod");
    assert!(
        first["WorkloadSummaries"][0].get("AccountIds").is_none(),
        "summary members only"
    );
    let token = first["NextToken"].clone();
    let second =
        list(json!({ "WorkloadNamePrefix": "shop", "MaxResults": 1, "NextToken": token })).await;
    assert_eq!(second["WorkloadSummaries"][0]["WorkloadName"], "shop-test");
    assert!(
        second.get("NextToken").is_none(),
        "shop-us is in another region"
    );
    assert_eq!(
        list(json!({ "WorkloadNamePrefix": "x" })).await["WorkloadSummaries"],
        json!([])
    );
}

#[tokio::test]
async fn milestones_are_named_uniquely_and_keep_the_review_as_it_was() {
    let fake = fake().await;
    let base = format!("/workloads/{WID}");
    let create = |name: &str, token: &str| {
        json!({ "MilestoneName": name, "ClientRequestToken": token }).to_string()
    };
    let note = r#"{"Notes":"before ✓"}"#;
    let answer = format!("{base}/lensReviews/wellarchitected/answers/priorities");
    assert_eq!(send(&fake, "PATCH", &answer, note).await.status, 200);

    let first = send(
        &fake,
        "POST",
        &format!("{base}/milestones"),
        &create("m-one", "t1"),
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.json()["MilestoneNumber"], 1);
    let again = send(
        &fake,
        "POST",
        &format!("{base}/milestones"),
        &create("m-one", "t1"),
    )
    .await;
    assert_eq!(
        again.json()["MilestoneNumber"],
        1,
        "the same token: the same milestone"
    );
    let clash = send(
        &fake,
        "POST",
        &format!("{base}/milestones"),
        &create("m-one", "t2"),
    )
    .await;
    assert_eq!(clash.error(), (409, "ConflictException"));
    let short = send(
        &fake,
        "POST",
        &format!("{base}/milestones"),
        &create("ab", "t3"),
    )
    .await;
    assert_eq!(short.error(), (400, "ValidationException"));
    let long = create(&"x".repeat(101), "t4");
    let long = send(&fake, "POST", &format!("{base}/milestones"), &long).await;
    assert_eq!(long.error(), (400, "ValidationException"));

    let later = r#"{"Notes":"after"}"#;
    assert_eq!(send(&fake, "PATCH", &answer, later).await.status, 200);
    let then = get(&fake, &format!("{answer}?MilestoneNumber=1")).await;
    assert_eq!(then.json()["Answer"]["Notes"], "before ✓");
    let now = get(&fake, &answer).await;
    assert_eq!(now.json()["Answer"]["Notes"], "after");
    let got = get(&fake, &format!("{base}/milestones/1")).await;
    assert_eq!(got.json()["Milestone"]["MilestoneName"], "m-one");
    assert_eq!(
        get(&fake, &format!("{base}/milestones/2")).await.error(),
        (404, "ResourceNotFoundException")
    );
    let list = send(&fake, "POST", &format!("{base}/milestonesSummaries"), "{}").await;
    let summaries = list.json()["MilestoneSummaries"].clone();
    assert_eq!(summaries.as_array().unwrap().len(), 1);
    assert_eq!(summaries[0]["MilestoneNumber"], 1);
    let write = send(
        &fake,
        "PATCH",
        &format!("{answer}?MilestoneNumber=1"),
        later,
    )
    .await;
    assert_eq!(write.error(), (400, "ValidationException"));

    fake.with_state(|s| {
        for n in 2..=MILESTONES_MAX as i32 {
            let mut m = s.milestones[0].clone();
            (m.number, m.name) = (n, format!("m-{n}"));
            s.milestones.push(m);
        }
    });
    let full = send(
        &fake,
        "POST",
        &format!("{base}/milestones"),
        &create("m-x", "t5"),
    )
    .await;
    assert_eq!(full.error(), (402, "ServiceQuotaExceededException"));
}

#[tokio::test]
async fn lens_review_pillar_notes_change_only_the_pillars_sent() {
    let fake = fake().await;
    let review = format!("/workloads/{WID}/lensReviews/wellarchitected");
    let got = get(&fake, &review).await;
    let pillars = got.json()["LensReview"]["PillarReviewSummaries"].clone();
    assert_eq!(pillars.as_array().unwrap().len(), 6);
    assert_eq!(pillars[1]["PillarId"], "security");
    assert_eq!(pillars[1]["PillarName"], "Security");
    assert!(pillars[1].get("Notes").is_none(), "never set: omitted");

    let body = json!({ "PillarNotes": { "security": "Sécurité ✓" } }).to_string();
    assert_eq!(send(&fake, "PATCH", &review, &body).await.status, 200);
    let body = json!({ "PillarNotes": { "reliability": "r" } }).to_string();
    let out = send(&fake, "PATCH", &review, &body).await;
    let pillars = out.json()["LensReview"]["PillarReviewSummaries"].clone();
    assert_eq!(pillars[1]["Notes"], "Sécurité ✓");
    assert_eq!(pillars[2]["Notes"], "r");
    assert_eq!(fake.lens_review_updates().len(), 2);

    let unknown = json!({ "PillarNotes": { "happiness": "x" } }).to_string();
    let refused = send(&fake, "PATCH", &review, &unknown).await;
    assert_eq!(refused.error(), (400, "ValidationException"));
    let long = json!({ "PillarNotes": { "security": "é".repeat(NOTES_MAX_LEN + 1) } });
    let refused = send(&fake, "PATCH", &review, &long.to_string()).await;
    assert_eq!(refused.error(), (400, "ValidationException"));
    let fits = json!({ "PillarNotes": { "security": "🚀".repeat(NOTES_MAX_LEN / 2) } });
    assert_eq!(
        send(&fake, "PATCH", &review, &fits.to_string())
            .await
            .status,
        200
    );
    assert_eq!(
        fake.lens_review_updates().len(),
        3,
        "refused updates are not recorded"
    );
}
