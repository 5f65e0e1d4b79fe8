//! Writing notes to a workload, question by question: compare, then write; a bounded window of
//! writes in flight that halves on throttling and grows back by one after a run of successes
//! (AIMD); cancellation that stops new writes and lets the ones in flight finish.
//!
//! The window halves at most once per window's worth of writes, as TCP reacts once per round
//! trip: the writes already in flight when it halved were sent into the same congestion, and
//! their throttles (which the SDK retries anyway) say nothing new. Halving on each of them would
//! pin the window at one whenever a service throttles a steady share of calls.
//!
//! Each write reads the question's notes (GetAnswer) immediately before sending UpdateAnswer and
//! writes only if they are still what the plan was computed from: a note someone edited in the
//! console meanwhile is reported as changed, never overwritten. The API has no conditional
//! write, so the window left is the time between that GetAnswer and the UpdateAnswer, one round
//! trip.

use super::SyncProgress;
use crate::wellarchitected::Workload;
use crate::{Error, Result};
use futures::stream::FuturesUnordered;
use futures::StreamExt;
use tokio_util::sync::CancellationToken;

/// Writes in flight at the start.
pub const INITIAL_WINDOW: usize = 4;
/// Writes in flight at most.
pub const MAX_WINDOW: usize = 8;

/// One question to write.
pub(crate) struct NoteWrite {
    /// The caller's index for the result.
    pub key: usize,
    pub question_id: String,
    /// The notes the plan was computed from: written only if the question still has them.
    pub expected: String,
    pub notes: String,
}

/// What became of one write.
#[derive(Debug)]
pub(crate) enum WriteOutcome {
    Written,
    /// The notes were no longer `expected`: not written.
    Changed,
    Failed(Error),
    /// Cancelled before it was sent.
    NotWritten,
}

/// How many writes may be in flight: additive increase, multiplicative decrease.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteWindow {
    size: usize,
    max: usize,
    successes: usize,
    /// Bumped on every halving; a write remembers the generation it started in.
    generation: u64,
}

impl WriteWindow {
    pub fn new(initial: usize, max: usize) -> Self {
        let max = max.max(1);
        WriteWindow {
            size: initial.clamp(1, max),
            max,
            successes: 0,
            generation: 0,
        }
    }

    pub fn size(&self) -> usize {
        self.size
    }

    /// The generation a write starting now belongs to.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// A write started in `generation` was throttled: halves the window (never below one),
    /// unless it already halved since that write started.
    pub fn throttled(&mut self, generation: u64) {
        self.successes = 0;
        if generation == self.generation {
            self.size = (self.size / 2).max(1);
            self.generation += 1;
        }
    }

    /// One more success; after a window's worth in a row, the window grows by one.
    pub fn succeeded(&mut self) {
        self.successes += 1;
        if self.successes >= self.size {
            self.size = (self.size + 1).min(self.max);
            self.successes = 0;
        }
    }
}

impl Default for WriteWindow {
    fn default() -> Self {
        WriteWindow::new(INITIAL_WINDOW, MAX_WINDOW)
    }
}

/// Writes every one of `writes` (unless cancelled first); one outcome per write, by key.
pub(crate) async fn write_all(
    workload: &Workload,
    writes: Vec<NoteWrite>,
    mut window: WriteWindow,
    cancel: &CancellationToken,
    progress: &dyn SyncProgress,
) -> Vec<(usize, WriteOutcome)> {
    let total = writes.len();
    let mut pending = writes.into_iter();
    let mut in_flight = FuturesUnordered::new();
    let mut outcomes = Vec::with_capacity(total);
    let mut throttles_seen = workload.throttled_responses();
    loop {
        while !cancel.is_cancelled() && in_flight.len() < window.size() {
            let Some(write) = pending.next() else { break };
            in_flight.push(write_one(workload, write, window.generation(), cancel));
        }
        let Some((key, question_id, generation, outcome)) = in_flight.next().await else {
            break;
        };
        let throttles = workload.throttled_responses();
        if throttles > throttles_seen || is_throttling(&outcome) {
            window.throttled(generation);
        } else if matches!(outcome, WriteOutcome::Written | WriteOutcome::Changed) {
            window.succeeded();
        }
        throttles_seen = throttles;
        if !matches!(outcome, WriteOutcome::NotWritten) {
            let ok = matches!(outcome, WriteOutcome::Written);
            progress.question_done(outcomes.len() + 1, total, &question_id, ok);
        }
        outcomes.push((key, outcome));
    }
    outcomes.extend(pending.map(|w| (w.key, WriteOutcome::NotWritten)));
    outcomes
}

fn is_throttling(outcome: &WriteOutcome) -> bool {
    matches!(outcome, WriteOutcome::Failed(Error::Unavailable(text)) if text.contains("Throttling"))
}

/// GetAnswer, compare, UpdateAnswer.
async fn write_one(
    workload: &Workload,
    write: NoteWrite,
    generation: u64,
    cancel: &CancellationToken,
) -> (usize, String, u64, WriteOutcome) {
    let outcome = match compare_and_write(workload, &write, cancel).await {
        Ok(outcome) => outcome,
        Err(e) => WriteOutcome::Failed(e),
    };
    (write.key, write.question_id, generation, outcome)
}

async fn compare_and_write(
    workload: &Workload,
    write: &NoteWrite,
    cancel: &CancellationToken,
) -> Result<WriteOutcome> {
    let now = workload.read_notes(&write.question_id).await?;
    if now != write.expected {
        return Ok(WriteOutcome::Changed);
    }
    if cancel.is_cancelled() {
        return Ok(WriteOutcome::NotWritten);
    }
    workload
        .update_notes(&write.question_id, &write.notes)
        .await?;
    Ok(WriteOutcome::Written)
}

#[cfg(test)]
mod tests {
    use super::WriteWindow;
    use crate::credentials::{retry_config, MAX_ATTEMPTS};
    use crate::wellarchitected::{AwsWorkload, WorkloadArn};
    use aws_sdk_wellarchitected::config::Credentials;
    use wa_sync_fakes::wellarchitected::{FakeWellArchitected, WaState, Workload};

    const ID: &str = "0123456789abcdef0123456789abcdef";

    async fn workload_at(wa: &FakeWellArchitected) -> AwsWorkload {
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("eu-west-1"))
            .endpoint_url(wa.endpoint())
            .credentials_provider(Credentials::new("AKIDWRITER", "writer", None, None, "test"))
            .retry_config(retry_config())
            .load()
            .await;
        let arn = format!("arn:aws:wellarchitected:eu-west-1:111122223333:workload/{ID}");
        AwsWorkload::with_config(WorkloadArn::parse(&arn).unwrap(), &config)
    }

    /// The writer's signal: a throttle its first retry absorbs is noise, one that comes back on a
    /// retry means the service is at its limit.
    #[tokio::test]
    async fn only_throttles_answered_to_a_retry_are_counted() {
        let state = WaState {
            workloads: vec![Workload::standard(ID, "Shop", "111122223333", "eu-west-1")],
            ..WaState::default()
        };
        let wa = FakeWellArchitected::start(state).await;
        let workload = workload_at(&wa).await;
        workload.read_notes("securely-operate").await.unwrap();
        assert_eq!(workload.throttled_responses(), 0);

        wa.with_state(|s| s.throttle_percent = 100);
        workload.read_notes("securely-operate").await.unwrap_err();
        let throttled = wa.requests().iter().filter(|r| r.status == 429).count();
        assert_eq!(
            throttled, MAX_ATTEMPTS as usize,
            "every attempt was throttled"
        );
        assert_eq!(
            workload.throttled_responses(),
            u64::from(MAX_ATTEMPTS - 1),
            "all but the first attempt's"
        );
    }

    #[test]
    fn the_window_halves_on_throttling_and_grows_back_by_one() {
        let mut window = WriteWindow::new(4, 8);
        window.throttled(window.generation());
        assert_eq!(window.size(), 2);
        window.throttled(window.generation());
        window.throttled(window.generation());
        assert_eq!(window.size(), 1, "never below one");
        window.succeeded();
        assert_eq!(window.size(), 2);
        window.succeeded();
        assert_eq!(window.size(), 2, "two successes in a row are needed at 2");
        window.succeeded();
        assert_eq!(window.size(), 3);
        for _ in 0..100 {
            window.succeeded();
        }
        assert_eq!(window.size(), 8, "never above the maximum");
    }

    #[test]
    fn writes_in_flight_when_the_window_halved_do_not_halve_it_again() {
        let mut window = WriteWindow::new(8, 8);
        let before = window.generation();
        window.throttled(before);
        assert_eq!(window.size(), 4);
        for _ in 0..7 {
            window.throttled(before);
        }
        assert_eq!(window.size(), 4, "the same congestion, already reacted to");
        window.throttled(window.generation());
        assert_eq!(
            window.size(),
            2,
            "a write sent after the halving was throttled too"
        );
    }
}
