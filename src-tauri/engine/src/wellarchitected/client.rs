//! A workload in the AWS Well-Architected Tool, through aws-sdk-wellarchitected.
//!
//! Reads: GetWorkload, ListLensReviews (the `wellarchitected` lens must be on the workload),
//! ListAnswers per pillar (paged, 50 a page) for the workload's own question IDs and titles, and
//! one GetAnswer per question for its notes (summaries carry no notes). Writes: UpdateAnswer with
//! `Notes` only, never `SelectedChoices`, `ChoiceUpdates`, `IsApplicable` or `Reason`, so the
//! reviewer's answers stay as they are. The region is the workload ARN's.

use super::{QuestionNotes, WorkloadArn, WorkloadSnapshot};
use crate::credentials::{config_for, sdk_error, AwsAuth};
use crate::mapping::Lens;
use crate::{Error, Result};
use aws_sdk_wellarchitected as wa;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// The lens wa-sync writes into.
pub const LENS_ALIAS: &str = "wellarchitected";
/// Largest page of the list operations.
const PAGE_SIZE: i32 = 50;
/// Concurrent GetAnswer calls while reading the notes.
const READ_CONCURRENCY: usize = 4;

/// A real workload and a client for its region.
#[derive(Clone, Debug)]
pub struct AwsWorkload {
    pub arn: WorkloadArn,
    client: wa::Client,
}

impl AwsWorkload {
    /// Loads credentials (assuming the role if asked) for the ARN's region. Sends nothing to
    /// Well-Architected yet; with a role, calls STS.
    pub async fn connect(arn: WorkloadArn, auth: &AwsAuth) -> Result<Self> {
        let config = config_for(auth, &arn.region).await?;
        Ok(AwsWorkload {
            client: wa::Client::new(&config),
            arn,
        })
    }

    /// A workload with a client built by the caller (tests, the app).
    pub fn with_client(arn: WorkloadArn, client: wa::Client) -> Self {
        AwsWorkload { arn, client }
    }

    fn what(&self, op: &str) -> String {
        format!("Well-Architected {op} on workload {}", self.arn)
    }

    /// The workload's name, lens version, questions and their current notes.
    pub async fn snapshot(&self) -> Result<WorkloadSnapshot> {
        let id = &self.arn.workload_id;
        let workload = self
            .client
            .get_workload()
            .workload_id(id)
            .send()
            .await
            .map_err(|e| self.map_read_error("GetWorkload", &e))?;
        let name = workload
            .workload()
            .and_then(|w| w.workload_name())
            .unwrap_or_default()
            .to_string();

        let mut lens_version = None;
        let mut pages = self
            .client
            .list_lens_reviews()
            .workload_id(id)
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
        let Some(lens_version) = lens_version else {
            return Err(Error::NotFound(format!(
                "workload {} ({name}) is not reviewed with the AWS Well-Architected Framework lens \
                 ({LENS_ALIAS}); add the lens in the Well-Architected Tool (workload > Lenses) and try again",
                self.arn
            )));
        };

        let mut pillars: Vec<&str> = Vec::new();
        for q in &Lens::builtin().questions {
            if !pillars.contains(&q.pillar_id.as_str()) {
                pillars.push(&q.pillar_id);
            }
        }
        let mut questions = Vec::new();
        for pillar in pillars {
            let mut pages = self
                .client
                .list_answers()
                .workload_id(id)
                .lens_alias(LENS_ALIAS)
                .pillar_id(pillar)
                .into_paginator()
                .page_size(PAGE_SIZE)
                .send();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| self.map_read_error("ListAnswers", &e))?;
                for answer in page.answer_summaries() {
                    questions.push(QuestionNotes {
                        question_id: answer.question_id().unwrap_or_default().to_string(),
                        pillar_id: answer.pillar_id().unwrap_or(pillar).to_string(),
                        title: answer.question_title().unwrap_or_default().to_string(),
                        notes: String::new(),
                    });
                }
            }
        }

        // One GetAnswer per question for its notes, a few at a time.
        let limit = Arc::new(Semaphore::new(READ_CONCURRENCY));
        let mut tasks = tokio::task::JoinSet::new();
        for (index, q) in questions.iter().enumerate() {
            let client = self.client.clone();
            let limit = limit.clone();
            let (id, question_id) = (id.clone(), q.question_id.clone());
            tasks.spawn(async move {
                let _permit = limit.acquire_owned().await;
                let result = client
                    .get_answer()
                    .workload_id(id)
                    .lens_alias(LENS_ALIAS)
                    .question_id(&question_id)
                    .send()
                    .await;
                (index, question_id, result)
            });
        }
        while let Some(joined) = tasks.join_next().await {
            let (index, question_id, result) =
                joined.map_err(|e| Error::Api(format!("reading the notes stopped: {e}")))?;
            let out = result.map_err(|e| {
                self.map_read_error(&format!("GetAnswer for question {question_id}"), &e)
            })?;
            questions[index].notes = out
                .answer()
                .and_then(|a| a.notes())
                .unwrap_or_default()
                .to_string();
        }

        Ok(WorkloadSnapshot {
            workload_arn: self.arn.to_string(),
            name,
            lens_alias: LENS_ALIAS.to_string(),
            lens_version,
            questions,
        })
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
