//! Adaptive pacing of a check source, the way congestion control works (AIMD): a few requests in
//! flight at once, halved when the service answers 429 or 503, grown back by one after a run of
//! successes. A throttled service also gets its requests spaced out: at half the rate it accepted
//! over the last second, halved again on each further throttle, grown back additively with each
//! success and lifted once it no longer holds anything back (halving concurrency alone cannot
//! slow one request in flight on a fast link). Growth back is quick up to near the rate at which
//! the service last throttled and slow past it (as CUBIC probes around its last maximum), so the
//! rate settles just under the service's limit instead of sawing between it and half of it.
//!
//! `Retry-After` is the service naming its accounting window: throttles of requests started
//! within it after a decrease are the same congestion and do not decrease again. When a burst
//! overshot by far (most of what was sent lately was refused), new requests wait it out
//! altogether: the service would refuse them anyway. A configured requests per second is a hard ceiling
//! on top that is never exceeded, across concurrent requests too.
//!
//! Neither Conformity nor Vision One documents a fixed per-second rate, so a fixed default would
//! only be a guess: too slow for most tenants (the old 2 per second made a 25,000-check Vision One
//! preview take two minutes) and still not a guarantee. Adapting to the 429s the service actually
//! sends is both faster and gentler.
//!
//! One [`Limiter`] per service and host per process ([`Limiter::shared`]), so every client built
//! for it (the CLI's, the app's live tag count and its preview) shares the same budget.

use reqwest::Url;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// Requests in flight when a limiter starts.
pub const INITIAL_CONCURRENCY: u32 = 4;
/// Never more in flight than this: the services document no limit, and more buys little.
pub const MAX_CONCURRENCY: u32 = 8;
/// Successes in a row after which one more request may be in flight.
pub const GROWTH_RUN: u32 = 8;
/// How much a spaced-out rate grows per success past [`PLATEAU`] of the last throttled rate
/// (requests per second), times the successes since the last throttle over [`GROWTH_RUN`]:
/// cautious near that rate, faster the longer the service keeps accepting.
const RATE_STEP: f64 = 0.25;
/// Below this share of the rate the service last throttled at, the rate grows by
/// [`FAST_GROWTH`] per success, or by [`MIN_STEP`] when that is more: a service that throttles
/// a share of requests whatever the rate must not pin the rate near zero.
const PLATEAU: f64 = 0.9;
const FAST_GROWTH: f64 = 1.05;
const MIN_STEP: f64 = 0.5;
/// Successes within [`RATE_WINDOW`] below which their count says little about the rate.
const MEASURABLE: usize = 4;
/// A burst overshot by far when it sent more than this many times what the service accepted.
const OVERSHOOT: f64 = 2.0;
/// The slowest a throttled service is paced (requests per second).
const MIN_RATE: f64 = 0.2;
/// The window over which the rate being sent is measured.
const RATE_WINDOW: Duration = Duration::from_secs(1);
/// The ceiling's spacing is stretched by this much, so that jitter on the way cannot make the
/// service see two requests closer than the ceiling allows.
const CEILING_MARGIN: f64 = 1.02;

/// How a request ended, as far as pacing is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// 429 or 503: the service asks for less, perhaps saying for how long.
    Throttled {
        retry_after: Option<Duration>,
    },
    /// Anything else (errors, a cancelled request): says nothing about the service's load.
    Neutral,
}

/// The permission to start one request: when, and under which throttling generation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ticket {
    pub start_at: Instant,
    generation: u64,
}

/// The pacing state, free of any clock or runtime so its behaviour can be tested step by step.
#[derive(Debug)]
pub struct Pacer {
    limit: u32,
    in_flight: u32,
    successes: u32,
    /// Bumped on every decrease: a throttle of a request started before the last decrease is
    /// the same congestion already reacted to, and does not halve again.
    generation: u64,
    /// The spaced-out rate after throttling at one request in flight.
    adaptive_rate: Option<f64>,
    /// The accepted rate when the service last throttled.
    throttled_at_rate: Option<f64>,
    /// Throttles of requests started before this are the congestion already reacted to.
    hold_until: Option<Instant>,
    /// No request starts before this (a far overshoot waits out the service's `Retry-After`).
    paused_until: Option<Instant>,
    /// The configured hard ceiling.
    ceiling: Option<f64>,
    next_slot: Option<Instant>,
    /// Start times within the last [`RATE_WINDOW`], to know the rate being sent.
    starts: VecDeque<Instant>,
    /// End times of successes within the last [`RATE_WINDOW`]: what the service accepted.
    accepted: VecDeque<Instant>,
    first_start: Option<Instant>,
}

impl Pacer {
    pub fn new(ceiling: Option<f64>) -> Self {
        Pacer {
            limit: INITIAL_CONCURRENCY,
            in_flight: 0,
            successes: 0,
            generation: 0,
            adaptive_rate: None,
            throttled_at_rate: None,
            hold_until: None,
            paused_until: None,
            ceiling: ceiling.filter(|c| c.is_finite() && *c > 0.0),
            next_slot: None,
            starts: VecDeque::new(),
            accepted: VecDeque::new(),
            first_start: None,
        }
    }

    /// Requests allowed in flight now.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// The spaced-out rate a throttled service is held to, if any.
    pub fn adaptive_rate(&self) -> Option<f64> {
        self.adaptive_rate
    }

    pub fn in_flight(&self) -> u32 {
        self.in_flight
    }

    pub fn set_ceiling(&mut self, ceiling: Option<f64>) {
        self.ceiling = ceiling.filter(|c| c.is_finite() && *c > 0.0);
    }

    /// The least time between two request starts.
    fn interval(&self) -> Duration {
        let ceiling = self.ceiling.map(|c| c / CEILING_MARGIN);
        match (self.adaptive_rate, ceiling) {
            (None, None) => Duration::ZERO,
            (Some(r), None) | (None, Some(r)) => Duration::from_secs_f64(1.0 / r),
            (Some(a), Some(c)) => Duration::from_secs_f64(1.0 / a.min(c)),
        }
    }

    /// A ticket if another request may be in flight (it may have to wait until `start_at`),
    /// `None` when the limit is reached.
    pub fn try_start(&mut self, now: Instant) -> Option<Ticket> {
        if self.in_flight >= self.limit {
            return None;
        }
        self.in_flight += 1;
        let start_at = [self.next_slot, self.paused_until]
            .into_iter()
            .flatten()
            .fold(now, Instant::max);
        let interval = self.interval();
        self.next_slot = (!interval.is_zero()).then(|| start_at + interval);
        self.starts.push_back(start_at);
        self.first_start.get_or_insert(start_at);
        self.forget_old_starts(now);
        Some(Ticket {
            start_at,
            generation: self.generation,
        })
    }

    fn forget_old_starts(&mut self, now: Instant) {
        for times in [&mut self.starts, &mut self.accepted] {
            while times
                .front()
                .is_some_and(|s| now.saturating_duration_since(*s) > RATE_WINDOW)
                // Bounded whatever the rate.
                || times.len() > 4096
            {
                times.pop_front();
            }
        }
    }

    /// The rate being sent: starts within the last window, over the window (or the time since
    /// the first start when that is shorter, but at least a tenth of a second, so a single burst
    /// is not taken for a huge rate).
    fn observed_rate(&self, now: Instant) -> f64 {
        let Some(first) = self.first_start else {
            return MIN_RATE;
        };
        let span = now
            .saturating_duration_since(first)
            .clamp(Duration::from_millis(100), RATE_WINDOW);
        self.starts.len() as f64 / span.as_secs_f64()
    }

    /// Records how the request of `ticket` ended.
    pub fn finish(&mut self, ticket: Ticket, outcome: Outcome, now: Instant) {
        self.in_flight = self.in_flight.saturating_sub(1);
        self.forget_old_starts(now);
        match outcome {
            Outcome::Neutral => {}
            Outcome::Success => {
                self.successes += 1;
                self.accepted.push_back(now);
                if let Some(rate) = self.adaptive_rate {
                    let plateau = self.throttled_at_rate.unwrap_or(0.0) * PLATEAU;
                    let rate = if rate < plateau {
                        (rate * FAST_GROWTH).max(rate + MIN_STEP).min(plateau)
                    } else {
                        let run = f64::from(self.successes) / f64::from(GROWTH_RUN);
                        rate + RATE_STEP * run.max(1.0)
                    };
                    // Once the spacing no longer holds anything back (measured over a whole
                    // window), concurrency takes over.
                    let measured = self
                        .first_start
                        .is_some_and(|f| now.saturating_duration_since(f) >= RATE_WINDOW);
                    let unused = measured && rate > 2.0 * self.observed_rate(now);
                    self.adaptive_rate = (!unused).then_some(rate);
                    if unused {
                        self.successes = 0;
                    }
                } else if self.successes >= GROWTH_RUN {
                    self.limit = (self.limit + 1).min(MAX_CONCURRENCY);
                    self.successes = 0;
                }
            }
            Outcome::Throttled { retry_after } => {
                self.successes = 0;
                let held = self.hold_until.is_some_and(|h| ticket.start_at < h);
                if ticket.generation != self.generation || held {
                    return;
                }
                self.generation += 1;
                self.limit = (self.limit / 2).max(1);
                // What the service accepted over the last window is what it takes; halved, so
                // the window it counts in can drain. With nothing accepted yet, half of what
                // was sent. A handful accepted is too few to measure a rate by (at one request
                // a second the count is 0 or 1): the rate already paced at is the better guess.
                let sent = self.observed_rate(now);
                let accepted = self.accepted.len() as f64 / RATE_WINDOW.as_secs_f64();
                let basis = match self.adaptive_rate {
                    _ if self.accepted.is_empty() => sent,
                    Some(paced) if self.accepted.len() < MEASURABLE => paced,
                    _ => accepted,
                };
                self.throttled_at_rate = Some(basis);
                let current = self.adaptive_rate.map_or(basis, |r| r.min(basis));
                self.adaptive_rate = Some((current / 2.0).max(MIN_RATE));
                if let Some(wait) = retry_after {
                    self.hold_until = Some(now + wait);
                    if !self.accepted.is_empty() && sent > OVERSHOOT * basis {
                        self.paused_until = Some(now + wait);
                    }
                }
            }
        }
    }
}

/// A [`Pacer`] shared by concurrent requests.
#[derive(Debug)]
pub struct Limiter {
    pacer: Mutex<Pacer>,
    freed: Notify,
}

/// A request's place in flight; give it back with [`Permit::finish`] (dropping it counts as
/// [`Outcome::Neutral`]).
pub struct Permit {
    limiter: Arc<Limiter>,
    ticket: Ticket,
    finished: bool,
}

impl Limiter {
    pub fn new(ceiling: Option<f64>) -> Arc<Self> {
        Arc::new(Limiter {
            pacer: Mutex::new(Pacer::new(ceiling)),
            freed: Notify::new(),
        })
    }

    /// The process-wide limiter of `service` at `base`'s host, created on first use. `ceiling`
    /// (requests per second) replaces the one set before: the latest configuration wins.
    pub fn shared(service: &str, base: &Url, ceiling: Option<f64>) -> Arc<Self> {
        static LIMITERS: OnceLock<Mutex<HashMap<String, Arc<Limiter>>>> = OnceLock::new();
        let key = format!(
            "{service} {}://{}:{}",
            base.scheme(),
            base.host_str().unwrap_or_default(),
            base.port_or_known_default().unwrap_or_default()
        );
        let mut limiters = LIMITERS
            .get_or_init(Mutex::default)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let limiter = limiters.entry(key).or_insert_with(|| Limiter::new(ceiling));
        limiter.pacer().set_ceiling(ceiling);
        Arc::clone(limiter)
    }

    fn pacer(&self) -> std::sync::MutexGuard<'_, Pacer> {
        self.pacer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Requests allowed in flight now.
    pub fn limit(&self) -> u32 {
        self.pacer().limit()
    }

    /// Waits until a request may start.
    pub async fn acquire(self: &Arc<Self>) -> Permit {
        loop {
            let freed = self.freed.notified();
            tokio::pin!(freed);
            // Registered before looking, so a permit given back in between is not missed.
            freed.as_mut().enable();
            let ticket = self.pacer().try_start(Instant::now());
            if let Some(ticket) = ticket {
                let permit = Permit {
                    limiter: Arc::clone(self),
                    ticket,
                    finished: false,
                };
                tokio::time::sleep_until(ticket.start_at).await;
                return permit;
            }
            freed.await;
        }
    }
}

impl Permit {
    pub fn finish(mut self, outcome: Outcome) {
        self.give_back(outcome);
    }

    fn give_back(&mut self, outcome: Outcome) {
        if !self.finished {
            self.finished = true;
            self.limiter
                .pacer()
                .finish(self.ticket, outcome, Instant::now());
            self.limiter.freed.notify_waiters();
        }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.give_back(Outcome::Neutral);
    }
}

#[cfg(test)]
mod tests;
