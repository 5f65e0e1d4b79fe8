//! A workload in the AWS Well-Architected Tool, through aws-sdk-wellarchitected.
//!
//! Reads: GetWorkload, ListLensReviews (the `wellarchitected` lens must be on the workload),
//! ListAnswers per pillar (paged, 50 a page) for the workload's own question IDs and titles, and
//! one GetAnswer per question for its notes (summaries carry no notes). Writes: UpdateAnswer with
//! `Notes` only, never `SelectedChoices`, `ChoiceUpdates`, `IsApplicable` or `Reason`, so the
//! reviewer's answers stay as they are. The region is the workload ARN's.
//!
//! Only when asked: GetLensReview and UpdateLensReview with one pillar's `PillarNotes` (the
//! pillar summaries), CreateMilestone and GetMilestone (a milestone before writing, and
//! restore's check that it is still there). A role set up before these existed lacks them, so
//! a plain sync never calls them.

use super::{PillarNotes, QuestionNotes, WorkloadArn, WorkloadSnapshot};
use crate::credentials::ThrottleCounter;
use crate::credentials::{config_for, sdk_error, AwsAuth};
use crate::{Error, Result};
use aws_sdk_wellarchitected as wa;
use futures::stream::FuturesUnordered;
use futures::StreamExt;

/// The lens wa-sync writes into.
pub const LENS_ALIAS: &str = "wellarchitected";
/// Largest page of the list operations.
const PAGE_SIZE: i32 = 50;
/// Concurrent GetAnswer calls while reading the notes.
pub const READ_CONCURRENCY: usize = 8;

/// A real workload and a client for its region.
#[derive(Clone, Debug)]
pub struct AwsWorkload {
    pub arn: WorkloadArn,
    client: wa::Client,
    throttled: ThrottleCounter,
}

impl AwsWorkload {
    /// Loads credentials (assuming the role if asked) for the ARN's region. Sends nothing to
    /// Well-Architected yet; with a role, calls STS.
    pub async fn connect(arn: WorkloadArn, auth: &AwsAuth) -> Result<Self> {
        let config = config_for(auth, &arn.region).await?;
        Ok(AwsWorkload::with_config(arn, &config))
    }

    /// A workload whose client is built from `config` (the app builds its own).
    pub fn with_config(arn: WorkloadArn, config: &aws_config::SdkConfig) -> Self {
        let throttled = ThrottleCounter::default();
        let client = wa::Client::from_conf(
            wa::config::Builder::from(config)
                .interceptor(throttled.clone())
                .build(),
        );
        AwsWorkload {
            arn,
            client,
            throttled,
        }
    }

    fn what(&self, op: &str) -> String {
        format!("Well-Architected {op} on workload {}", self.arn)
    }

    /// The workload's name, lens version, questions and their current notes. GetWorkload,
    /// ListLensReviews and ListAnswers (all pillars at once: 57 questions are two pages of 50)
    /// go out together; then one GetAnswer per question, [`READ_CONCURRENCY`] at a time.
    pub async fn snapshot(&self) -> Result<WorkloadSnapshot> {
        let (workload, lens_version, answers) = futures::join!(
            self.client
                .get_workload()
                .workload_id(&self.arn.workload_id)
                .send(),
            self.lens_version(),
            self.list_questions(),
        );
        let workload = workload.map_err(|e| self.map_read_error("GetWorkload", &e))?;
        let name = workload
            .workload()
            .and_then(|w| w.workload_name())
            .unwrap_or_default()
            .to_string();
        let Some(lens_version) = lens_version? else {
            return Err(Error::NotFound(format!(
                "workload {} ({name}) is not reviewed with the AWS Well-Architected Framework lens \
                 ({LENS_ALIAS}); add the lens in the Well-Architected Tool (workload > Lenses) and try again",
                self.arn
            )));
        };
        let mut questions = answers?;
        // Async blocks pushed one by one rather than a stream of closures: the app's commands
        // need this future to be `Send`, which closures returning borrowing futures defeat.
        let mut in_flight = FuturesUnordered::new();
        let mut next = 0;
        loop {
            while in_flight.len() < READ_CONCURRENCY && next < questions.len() {
                let (index, question_id) = (next, questions[next].question_id.clone());
                in_flight.push(async move { (index, self.read_notes(&question_id).await) });
                next += 1;
            }
            let Some((index, notes)) = in_flight.next().await else {
                break;
            };
            questions[index].notes = notes?;
        }
        Ok(WorkloadSnapshot {
            workload_arn: self.arn.to_string(),
            name,
            lens_alias: LENS_ALIAS.to_string(),
            lens_version,
            questions,
        })
    }

    /// The version of the Framework lens on the workload; `None` when the lens is not on it.
    async fn lens_version(&self) -> Result<Option<String>> {
        let mut lens_version = None;
        let mut pages = self
            .client
            .list_lens_reviews()
            .workload_id(&self.arn.workload_id)
            .into_paginator()
            .page_size(PAGE_SIZE)
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| self.map_read_error("ListLensReviews", &e))?;
            for review in page.lens_review_summaries() {
                if review.lens_alias() == Some(LENS_ALIAS) {
                    lens_version = Some(review.lens_version().unwrap_or_default().to_string());
                }
            }
        }
        Ok(lens_version)
    }

    /// Every question of the lens review (IDs, pillars, titles), without notes: summaries carry
    /// none. Without `PillarId` the API lists all pillars, so this is two pages, not six.
    async fn list_questions(&self) -> Result<Vec<QuestionNotes>> {
        let mut questions = Vec::new();
        let mut pages = self
            .client
            .list_answers()
            .workload_id(&self.arn.workload_id)
            .lens_alias(LENS_ALIAS)
            .into_paginator()
            .page_size(PAGE_SIZE)
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| self.map_read_error("ListAnswers", &e))?;
            for answer in page.answer_summaries() {
                questions.push(QuestionNotes {
                    question_id: answer.question_id().unwrap_or_default().to_string(),
                    pillar_id: answer.pillar_id().unwrap_or_default().to_string(),
                    title: answer.question_title().unwrap_or_default().to_string(),
                    notes: String::new(),
                });
            }
        }
        Ok(questions)
    }

    /// One question's notes as they are now (GetAnswer); empty when it has none.
    pub async fn read_notes(&self, question_id: &str) -> Result<String> {
        let out = self
            .client
            .get_answer()
            .workload_id(&self.arn.workload_id)
            .lens_alias(LENS_ALIAS)
            .question_id(question_id)
            .send()
            .await
            .map_err(|e| {
                self.map_read_error(&format!("GetAnswer for question {question_id}"), &e)
            })?;
        Ok(out
            .answer()
            .and_then(|a| a.notes())
            .unwrap_or_default()
            .to_string())
    }

    /// How many answers of this client's calls were throttling, so far: what the writer's
    /// window shrinks on, while the SDK's own retry backs off and tries again.
    pub fn throttled_responses(&self) -> u64 {
        self.throttled.count()
    }

    /// Writes one question's notes: the body carries `Notes` and nothing else.
    pub async fn update_notes(&self, question_id: &str, notes: &str) -> Result<()> {
        self.client
            .update_answer()
            .workload_id(&self.arn.workload_id)
            .lens_alias(LENS_ALIAS)
            .question_id(question_id)
            .notes(notes)
            .send()
            .await
            .map_err(|e| {
                let code = crate::credentials::error_code(&e);
                let base = sdk_error(&format!("UpdateAnswer {question_id}"), &e);
                match code.as_str() {
                    "ConflictException" => Error::Api(format!(
                        "{base} (someone else changed the answer at the same time, or the notes are too \
                         large; run the sync again)"
                    )),
                    "ValidationException" => Error::Api(format!(
                        "{base} (the Well-Architected Tool refused the notes; at most 2,084 characters)"
                    )),
                    _ => base,
                }
            })?;
        Ok(())
    }

    /// Every pillar of the lens review with its notes, in lens order (GetLensReview).
    pub async fn pillar_notes(&self) -> Result<Vec<PillarNotes>> {
        let out = self
            .client
            .get_lens_review()
            .workload_id(&self.arn.workload_id)
            .lens_alias(LENS_ALIAS)
            .send()
            .await
            .map_err(|e| self.map_write_error("GetLensReview", &e))?;
        let pillars = out.lens_review().map(|l| l.pillar_review_summaries());
        Ok(pillars
            .unwrap_or_default()
            .iter()
            .map(|p| PillarNotes {
                pillar_id: p.pillar_id().unwrap_or_default().to_string(),
                name: p.pillar_name().unwrap_or_default().to_string(),
                notes: p.notes().unwrap_or_default().to_string(),
            })
            .collect())
    }

    /// Writes one pillar's notes: the body carries `PillarNotes` with that pillar alone, so the
    /// other pillars' notes and the lens notes stay as they are.
    pub async fn update_pillar_notes(&self, pillar_id: &str, notes: &str) -> Result<()> {
        self.client
            .update_lens_review()
            .workload_id(&self.arn.workload_id)
            .lens_alias(LENS_ALIAS)
            .pillar_notes(pillar_id, notes)
            .send()
            .await
            .map_err(|e| {
                let base = self.map_write_error(&format!("UpdateLensReview {pillar_id}"), &e);
                match crate::credentials::error_code(&e).as_str() {
                    "ValidationException" => Error::Api(format!(
                        "{base} (the Well-Architected Tool refused the pillar notes; at most 2,084 characters)"
                    )),
                    _ => base,
                }
            })?;
        Ok(())
    }

    /// Saves a milestone (CreateMilestone); `None` when the name is taken (ConflictException).
    pub async fn create_milestone(&self, name: &str) -> Result<Option<i32>> {
        let out = self
            .client
            .create_milestone()
            .workload_id(&self.arn.workload_id)
            .milestone_name(name)
            .send()
            .await;
        match out {
            Ok(out) => Ok(Some(out.milestone_number().unwrap_or_default())),
            Err(e) if crate::credentials::error_code(&e) == "ConflictException" => Ok(None),
            Err(e) if crate::credentials::error_code(&e) == "ServiceQuotaExceededException" => {
                Err(Error::Api(format!(
                    "{} (a workload keeps at most 100 milestones; sync without --milestone, or \
                     save the review elsewhere)",
                    sdk_error(&self.what("CreateMilestone"), &e)
                )))
            }
            Err(e) => Err(self.map_write_error("CreateMilestone", &e)),
        }
    }

    /// The name of milestone `number` (GetMilestone); `None` when the workload has none.
    pub async fn milestone_name(&self, number: i32) -> Result<Option<String>> {
        let out = self
            .client
            .get_milestone()
            .workload_id(&self.arn.workload_id)
            .milestone_number(number)
            .send()
            .await;
        match out {
            Ok(out) => Ok(Some(
                out.milestone()
                    .and_then(|m| m.milestone_name())
                    .unwrap_or_default()
                    .to_string(),
            )),
            Err(e) if crate::credentials::error_code(&e) == "ResourceNotFoundException" => Ok(None),
            Err(e) => Err(self.map_write_error("GetMilestone", &e)),
        }
    }

    /// Errors of the calls a plain sync does not make: a refusal names the permission the role
    /// lacks, as that is the likely cause for a role set up before wa-sync used it.
    fn map_write_error<E>(
        &self,
        op: &str,
        err: &wa::error::SdkError<E, wa::config::http::HttpResponse>,
    ) -> Error
    where
        E: wa::error::ProvideErrorMetadata + std::error::Error + 'static,
    {
        let action = op.split(' ').next().unwrap_or(op);
        match crate::credentials::error_code(err).as_str() {
            "AccessDeniedException" => Error::Auth(format!(
                "{}: add wellarchitected:{action} on the workload to the role's policy \
                 (`wa-sync iam policy` prints the whole policy; `wa-sync iam create` updates it)",
                sdk_error(&self.what(op), err)
            )),
            _ => self.map_read_error(op, err),
        }
    }

    /// Workloads visible to the credentials in this region, for pickers: (ARN, name).
    pub async fn list_workloads(auth: &AwsAuth, region: &str) -> Result<Vec<(String, String)>> {
        let config = config_for(auth, region).await?;
        let client = wa::Client::new(&config);
        let mut out = Vec::new();
        let mut pages = client
            .list_workloads()
            .into_paginator()
            .page_size(PAGE_SIZE)
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error("Well-Architected ListWorkloads", &e))?;
            for w in page.workload_summaries() {
                out.push((
                    w.workload_arn().unwrap_or_default().to_string(),
                    w.workload_name().unwrap_or_default().to_string(),
                ));
            }
        }
        Ok(out)
    }

    fn map_read_error<E>(
        &self,
        op: &str,
        err: &wa::error::SdkError<E, wa::config::http::HttpResponse>,
    ) -> Error
    where
        E: wa::error::ProvideErrorMetadata + std::error::Error + 'static,
    {
        let error = sdk_error(&self.what(op), err);
        match error {
            Error::NotFound(text) => Error::NotFound(format!(
                "{text}. Check the workload ARN (Well-Architected Tool > Workloads > Properties) and that \
                 it is in region {} of account {}",
                self.arn.region, self.arn.account_id
            )),
            other => other,
        }
    }
}
