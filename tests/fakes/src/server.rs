//! The serving every fake shares: a free port on 127.0.0.1, state behind a mutex that the test's
//! handle and the request handler both reach, and a server task that dies with the handle.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::handler::Handler;
use axum::Router;
use tokio::task::JoinHandle;

/// A fake's state as its request handler receives it.
pub(crate) type SharedState<S> = Arc<Mutex<S>>;

/// A running fake; its server task stops when this is dropped, so no test leaks a listener.
pub(crate) struct Served<S> {
    addr: SocketAddr,
    state: SharedState<S>,
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
        let app = Router::new()
            .fallback(handler)
            .with_state(Arc::clone(&state));
        let (addr, task) = serve(app).await;
        Served { addr, state, task }
    }
}

impl<S> Served<S> {
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, S> {
        lock(&self.state)
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
