//! The serving every fake shares: a free port on 127.0.0.1, state behind a mutex that the test's
//! handle and the request handler both reach, and a server task that dies with the handle.
//!
//! In front of every fake sits a gate that the benchmarks and transport tests use: a latency
//! added to every request ([`set_latency`], process-wide), the traffic it saw ([`Traffic`]: the
//! most requests in flight and in any one second), and transport faults ([`TransportFaults`]:
//! 429 above a request rate, a redirect, an oversized answer).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::task::JoinHandle;

/// Milliseconds every request to every fake of this process waits before it is answered.
static LATENCY_MS: AtomicU64 = AtomicU64::new(0);

/// Adds `latency` to every request of every fake in this process (the benchmarks' 20 ms).
pub fn set_latency(latency: Duration) {
    LATENCY_MS.store(
        u64::try_from(latency.as_millis()).unwrap_or(u64::MAX),
        Ordering::Relaxed,
    );
}

/// Faults a fake's transport can show, whatever the service.
#[derive(Clone, Debug, Default)]
pub struct TransportFaults {
    /// More requests than this within any one second get 429 with `Retry-After: 1` (0: no
    /// limit). Requests answered 429 do not count.
    pub max_rps: usize,
    /// Every request is answered 307 to this origin (e.g. `http://127.0.0.1:9`), same path.
    pub redirect_to: Option<String>,
    /// Every request is answered 200 with a JSON body of this many bytes, sent in chunks
    /// without a length (0: off).
    pub huge_body_bytes: usize,
    /// Every request waits this long before it is answered (a slow or stalled service).
    pub delay: Duration,
    /// Every request is answered with this status and JSON body.
    pub answer: Option<(u16, String)>,
    /// Every request is answered 200 with a JSON body cut off in the middle.
    pub malformed_json: bool,
}

/// What a fake's gate saw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Traffic {
    /// Requests that arrived, 429s included.
    pub requests: u64,
    /// Requests answered 429 because of [`TransportFaults::max_rps`].
    pub throttled: u64,
    pub max_in_flight: u64,
    /// The most requests that arrived within any one second (a sliding window), 429s included.
    pub max_per_second: u64,
}

#[derive(Default)]
struct Gate {
    faults: TransportFaults,
    traffic: Traffic,
    in_flight: u64,
    /// Arrivals within the last second, and those of them that were let through.
    arrivals: VecDeque<Instant>,
    accepted: VecDeque<Instant>,
}

type SharedGate = Arc<Mutex<Gate>>;

/// Counts a request out of flight however its handling ends.
struct InFlight(SharedGate);

impl Drop for InFlight {
    fn drop(&mut self) {
        lock(&self.0).in_flight -= 1;
    }
}

async fn gate(State(shared): State<SharedGate>, request: Request, next: Next) -> Response {
    let now = Instant::now();
    let (faults, throttled) = {
        let mut guard = lock(&shared);
        let gate = &mut *guard;
        let second = Duration::from_secs(1);
        for queue in [&mut gate.arrivals, &mut gate.accepted] {
            while queue
                .front()
                .is_some_and(|t| now.duration_since(*t) >= second)
            {
                queue.pop_front();
            }
        }
        gate.arrivals.push_back(now);
        gate.in_flight += 1;
        gate.traffic.requests += 1;
        gate.traffic.max_in_flight = gate.traffic.max_in_flight.max(gate.in_flight);
        gate.traffic.max_per_second = gate.traffic.max_per_second.max(gate.arrivals.len() as u64);
        let limit = gate.faults.max_rps;
        let throttled = limit > 0 && gate.accepted.len() >= limit;
        if throttled {
            gate.traffic.throttled += 1;
        } else {
            gate.accepted.push_back(now);
        }
        (gate.faults.clone(), throttled)
    };
    let _in_flight = InFlight(Arc::clone(&shared));
    let latency = LATENCY_MS.load(Ordering::Relaxed);
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    if throttled {
        let body = r#"{"error":{"code":"TooManyRequests","message":"Too many API requests"}}"#;
        let mut response = (StatusCode::TOO_MANY_REQUESTS, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        return response;
    }
    if let Some(origin) = faults.redirect_to {
        let target = format!(
            "{origin}{}",
            request.uri().path_and_query().map_or("/", |p| p.as_str())
        );
        let mut response = StatusCode::TEMPORARY_REDIRECT.into_response();
        if let Ok(value) = HeaderValue::from_str(&target) {
            response.headers_mut().insert(header::LOCATION, value);
        }
        return response;
    }
    if faults.huge_body_bytes > 0 {
        return huge_body(faults.huge_body_bytes);
    }
    if !faults.delay.is_zero() {
        tokio::time::sleep(faults.delay).await;
    }
    if let Some((status, body)) = faults.answer {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return json_response(status, body);
    }
    if faults.malformed_json {
        return json_response(
            StatusCode::OK,
            r#"{"data":[{"type":"accounts","id":"#.into(),
        );
    }
    next.run(request).await
}

/// `{"items":[],"pad":"xxx…"}` of about `size` bytes, in 64 KiB chunks without a length.
fn huge_body(size: usize) -> Response {
    const CHUNK: usize = 64 * 1024;
    let head = br#"{"items":[],"pad":""#.to_vec();
    let chunks = size / CHUNK + 1;
    let pieces = std::iter::once(head)
        .chain(std::iter::repeat_n(vec![b'x'; CHUNK], chunks))
        .chain(std::iter::once(br#""}"#.to_vec()))
        .map(Ok::<_, std::convert::Infallible>);
    let mut response = Body::from_stream(futures::stream::iter(pieces)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn json_response(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A fake's state as its request handler receives it.
pub(crate) type SharedState<S> = Arc<Mutex<S>>;

/// A running fake; its server task stops when this is dropped, so no test leaks a listener.
pub(crate) struct Served<S> {
    addr: SocketAddr,
    state: SharedState<S>,
    gate: SharedGate,
    task: JoinHandle<()>,
}

impl<S: Send + 'static> Served<S> {
    /// Serves `state` on a free port, every request going to `handler`: the fakes route by hand
    /// so that unknown paths, too, get the service's own errors and are recorded.
    pub(crate) async fn start<H, T>(state: S, handler: H) -> Self
    where
        H: Handler<T, SharedState<S>>,
        T: 'static,
    {
        let state = Arc::new(Mutex::new(state));
        let gate_state = SharedGate::default();
        let app = Router::new()
            .fallback(handler)
            .with_state(Arc::clone(&state))
            .layer(middleware::from_fn_with_state(
                Arc::clone(&gate_state),
                gate,
            ));
        let (addr, task) = serve(app).await;
        Served {
            addr,
            state,
            gate: gate_state,
            task,
        }
    }
}

impl<S> Served<S> {
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, S> {
        lock(&self.state)
    }

    pub(crate) fn traffic(&self) -> Traffic {
        lock(&self.gate).traffic.clone()
    }

    pub(crate) fn set_faults(&self, f: impl FnOnce(&mut TransportFaults)) {
        f(&mut lock(&self.gate).faults);
    }
}

impl<S> Drop for Served<S> {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A panicking test must not turn every later assertion into a poison error.
pub(crate) fn lock<S>(state: &Mutex<S>) -> MutexGuard<'_, S> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Serves `app` on 127.0.0.1 on a free port until the returned task is aborted (dropping it
/// instead leaves the server running).
pub async fn serve(app: Router) -> (SocketAddr, JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a fake's listener on 127.0.0.1");
    let addr = listener.local_addr().expect("a fake's local address");
    let task = tokio::spawn(async move {
        // axum retries failed accepts itself, so this only ends when the task is aborted.
        let _ = axum::serve(listener, app).await;
    });
    (addr, task)
}
