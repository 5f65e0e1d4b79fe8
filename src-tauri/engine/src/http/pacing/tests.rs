//! The pacer step by step on a made-up clock, and the limiter's waiters.

use super::*;

fn at(start: Instant, millis: u64) -> Instant {
    start + Duration::from_millis(millis)
}

#[test]
fn starts_at_four_in_flight_and_grows_by_one_per_run_to_eight() {
    let t0 = Instant::now();
    let mut pacer = Pacer::new(None);
    let tickets: Vec<Ticket> = (0..4).map(|_| pacer.try_start(t0).unwrap()).collect();
    assert_eq!(pacer.try_start(t0), None, "a fifth must wait");
    for ticket in tickets {
        assert_eq!(ticket.start_at, t0, "no spacing without throttling");
        pacer.finish(ticket, Outcome::Neutral, t0);
    }
    let mut limits = Vec::new();
    for i in 0..GROWTH_RUN * 10 {
        let ticket = pacer.try_start(t0).unwrap();
        pacer.finish(ticket, Outcome::Success, at(t0, u64::from(i)));
        limits.push(pacer.limit());
    }
    assert_eq!(limits[GROWTH_RUN as usize - 2], 4);
    assert_eq!(limits[GROWTH_RUN as usize - 1], 5);
    assert_eq!(*limits.last().unwrap(), MAX_CONCURRENCY);
}

#[test]
fn a_throttle_halves_once_per_generation_and_spaces_requests_by_what_was_accepted() {
    let t0 = Instant::now();
    let mut pacer = Pacer::new(None);
    for i in 0..20 {
        let ticket = pacer.try_start(at(t0, i)).unwrap();
        pacer.finish(ticket, Outcome::Success, at(t0, i));
    }
    assert_eq!(pacer.limit(), 6, "grown twice");
    let burst: Vec<Ticket> = (0..6)
        .map(|_| pacer.try_start(at(t0, 20)).unwrap())
        .collect();
    // The whole burst throttled: one halving, not six.
    for ticket in &burst {
        pacer.finish(
            *ticket,
            Outcome::Throttled { retry_after: None },
            at(t0, 40),
        );
    }
    assert_eq!(pacer.limit(), 3);
    // Twenty accepted in the last second: spaced at half that.
    assert_eq!(pacer.adaptive_rate(), Some(10.0));
    let next = pacer.try_start(at(t0, 40)).unwrap();
    pacer.finish(next, Outcome::Throttled { retry_after: None }, at(t0, 60));
    assert_eq!((pacer.limit(), pacer.adaptive_rate()), (1, Some(5.0)));
    let next = pacer.try_start(at(t0, 60)).unwrap();
    pacer.finish(next, Outcome::Throttled { retry_after: None }, at(t0, 80));
    assert_eq!(pacer.limit(), 1, "never below one");
    assert_eq!(pacer.adaptive_rate(), Some(2.5));
    let a = pacer.try_start(at(t0, 80)).unwrap();
    assert_eq!(pacer.try_start(at(t0, 80)), None, "one in flight");
    pacer.finish(a, Outcome::Success, at(t0, 81));
    // One success far below the rate throttled at (20 per second): the rate grows quickly,
    // after this start was booked at the old one.
    let rate = pacer.adaptive_rate().unwrap();
    assert!((rate - (2.5 + MIN_STEP)).abs() < 1e-9, "{rate}");
    let b = pacer.try_start(at(t0, 81)).unwrap();
    assert_eq!(b.start_at - a.start_at, Duration::from_millis(400));
}

#[test]
fn a_first_request_throttled_halves_what_was_sent() {
    let t0 = Instant::now();
    let mut pacer = Pacer::new(None);
    let ticket = pacer.try_start(t0).unwrap();
    pacer.finish(ticket, Outcome::Throttled { retry_after: None }, at(t0, 20));
    // One start over the shortest span measured (a tenth of a second): 10 per second.
    assert_eq!((pacer.limit(), pacer.adaptive_rate()), (2, Some(5.0)));
}

#[test]
fn the_spacing_is_lifted_when_it_no_longer_holds_anything_back() {
    let t0 = Instant::now();
    let mut pacer = Pacer::new(None);
    pacer.limit = 1;
    pacer.adaptive_rate = Some(40.0);
    // Each request takes 20 ms, so one in flight sends at most 50 per second: once the rate
    // is well above that, the spacing holds nothing back.
    let mut now = t0;
    let mut rates = Vec::new();
    for _ in 0..200 {
        let ticket = pacer.try_start(now).unwrap();
        now = ticket.start_at + Duration::from_millis(20);
        pacer.finish(ticket, Outcome::Success, now);
        rates.push(pacer.adaptive_rate());
    }
    assert!(rates[10].is_some_and(|r| r > 40.0), "{:?}", rates[10]);
    assert_eq!(pacer.adaptive_rate(), None);
    assert!(pacer.limit() > 1, "concurrency then grows as usual");
}

#[test]
fn the_ceiling_spaces_every_start_even_with_several_in_flight() {
    let t0 = Instant::now();
    let mut pacer = Pacer::new(Some(2.0));
    let starts: Vec<Instant> = (0..4)
        .map(|_| pacer.try_start(t0).unwrap().start_at)
        .collect();
    for pair in starts.windows(2) {
        assert!(pair[1] - pair[0] >= Duration::from_millis(500), "{pair:?}");
    }
    // Successes grow concurrency, never the rate past the ceiling.
    let mut pacer = Pacer::new(Some(2.0));
    let mut last: Option<Instant> = None;
    for _ in 0..100 {
        let ticket = pacer.try_start(t0).unwrap();
        if let Some(last) = last {
            assert!(ticket.start_at - last >= Duration::from_millis(500));
        }
        last = Some(ticket.start_at);
        pacer.finish(ticket, Outcome::Success, t0);
    }
    assert_eq!(pacer.limit(), MAX_CONCURRENCY);
}

/// A pacer that sent 25 per second for a second, all accepted.
fn accepted_25_per_second(t0: Instant) -> Pacer {
    let mut pacer = Pacer::new(None);
    for i in 0..25 {
        let ticket = pacer.try_start(at(t0, i * 40)).unwrap();
        pacer.finish(ticket, Outcome::Success, at(t0, i * 40 + 20));
    }
    pacer
}

#[test]
fn throttles_within_retry_after_of_a_decrease_do_not_decrease_again() {
    let t0 = Instant::now();
    let mut pacer = accepted_25_per_second(t0);
    let one_second = Some(Duration::from_secs(1));
    let first = pacer.try_start(at(t0, 1000)).unwrap();
    pacer.finish(
        first,
        Outcome::Throttled {
            retry_after: one_second,
        },
        at(t0, 1020),
    );
    assert_eq!(
        pacer.adaptive_rate(),
        Some(12.5),
        "half of what was accepted"
    );
    // Started after the decrease, within the second the service named: the same congestion.
    let inside = pacer.try_start(at(t0, 1100)).unwrap();
    pacer.finish(
        inside,
        Outcome::Throttled {
            retry_after: one_second,
        },
        at(t0, 1120),
    );
    assert_eq!(pacer.adaptive_rate(), Some(12.5));
    let after = pacer.try_start(at(t0, 2100)).unwrap();
    pacer.finish(
        after,
        Outcome::Throttled {
            retry_after: one_second,
        },
        at(t0, 2120),
    );
    assert!(pacer.adaptive_rate().unwrap() < 12.5, "a new congestion");
}

#[test]
fn a_far_overshoot_waits_out_retry_after_and_a_slight_one_does_not() {
    let t0 = Instant::now();
    // A burst: 40 sent within a tenth of a second, of which the service took 5.
    let mut pacer = Pacer::new(None);
    pacer.limit = 40;
    let burst: Vec<Ticket> = (0..40).map(|_| pacer.try_start(t0).unwrap()).collect();
    for ticket in &burst[..5] {
        pacer.finish(*ticket, Outcome::Success, at(t0, 20));
    }
    let wait = Duration::from_secs(1);
    for ticket in &burst[5..] {
        let outcome = Outcome::Throttled {
            retry_after: Some(wait),
        };
        pacer.finish(*ticket, outcome, at(t0, 20));
    }
    let next = pacer.try_start(at(t0, 30)).unwrap();
    assert_eq!(
        next.start_at,
        at(t0, 1020),
        "waits until the service takes requests again"
    );

    let mut pacer = accepted_25_per_second(t0);
    let slight = pacer.try_start(at(t0, 1000)).unwrap();
    pacer.finish(
        slight,
        Outcome::Throttled {
            retry_after: Some(wait),
        },
        at(t0, 1020),
    );
    let next = pacer.try_start(at(t0, 1020)).unwrap();
    assert_eq!(next.start_at, at(t0, 1020), "only spaced, not paused");
}

#[test]
fn after_a_throttle_the_rate_returns_quickly_near_the_limit_and_probes_past_it_slowly() {
    let t0 = Instant::now();
    let mut pacer = accepted_25_per_second(t0);
    let ticket = pacer.try_start(at(t0, 1000)).unwrap();
    pacer.finish(
        ticket,
        Outcome::Throttled { retry_after: None },
        at(t0, 1020),
    );
    let mut now = at(t0, 1020);
    let mut rates = Vec::new();
    for _ in 0..40 {
        let ticket = pacer.try_start(now).unwrap();
        now = ticket.start_at + Duration::from_millis(20);
        pacer.finish(ticket, Outcome::Success, now);
        rates.push(pacer.adaptive_rate().unwrap());
    }
    let to_plateau = rates.iter().position(|r| *r >= 25.0 * PLATEAU).unwrap();
    assert!(
        to_plateau < 15,
        "back near the limit in {to_plateau} successes: {rates:?}"
    );
    let past = rates.iter().position(|r| *r > 25.0).unwrap();
    assert!(
        past - to_plateau >= 5,
        "past the limit only after probing: {rates:?}"
    );
}

#[test]
fn a_service_that_throttles_a_share_of_requests_whatever_the_rate_does_not_pin_it_near_zero() {
    let t0 = Instant::now();
    let mut pacer = Pacer::new(None);
    let mut now = t0;
    let mut rates = Vec::new();
    for i in 1..=400 {
        let ticket = pacer.try_start(now).unwrap();
        now = ticket.start_at + Duration::from_millis(5);
        let outcome = if i % 4 == 0 {
            Outcome::Throttled { retry_after: None }
        } else {
            Outcome::Success
        };
        pacer.finish(ticket, outcome, now);
        rates.extend(pacer.adaptive_rate());
    }
    let settled = &rates[rates.len() / 2..];
    let lowest = settled.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(lowest >= 1.0, "the rate sank to {lowest} per second");
}

#[test]
fn a_neutral_end_changes_nothing_but_frees_the_place() {
    let t0 = Instant::now();
    let mut pacer = Pacer::new(None);
    let ticket = pacer.try_start(t0).unwrap();
    pacer.finish(ticket, Outcome::Neutral, t0);
    assert_eq!((pacer.limit(), pacer.in_flight()), (4, 0));
}

#[tokio::test]
async fn waiters_get_a_place_when_one_is_given_back() {
    let limiter = Limiter::new(None);
    let held: Vec<Permit> = futures::future::join_all((0..4).map(|_| limiter.acquire())).await;
    let waiting = tokio::spawn({
        let limiter = Arc::clone(&limiter);
        async move { limiter.acquire().await.finish(Outcome::Success) }
    });
    tokio::task::yield_now().await;
    assert!(!waiting.is_finished());
    drop(held);
    waiting.await.unwrap();
}
