//! Database work off the async workers, in arrival order.
//!
//! Every handler makes its one service call (each touches the database) through [`db`]. The
//! call first waits, without holding a thread, for one of as many permits as the pool has
//! connections, in first-come first-served order; only then does it move to the blocking
//! pool, where a connection is free for it.
//!
//! Letting r2d2 do the queueing instead parks one blocking thread per waiting request and
//! wakes the waiters in no particular order: under load a few requests then wait far longer
//! than the rest. With 32 concurrent clients on a 2-core machine the gate cut the p99 of an
//! item's detail from 34 to 9 ms at the same throughput (docs/performance.md).
//!
//! The calls that hash or verify a password (register, login, password change) go through
//! [`db_hashing`] instead: first a permit of the [`HashingGate`] (as many as the machine has
//! cores), then the database gate, both within the request's one deadline. An argon2id hash
//! takes 19 MiB and tens of milliseconds of a core; unbounded, a login flood ran dozens at
//! once and the process grew by gigabytes (docs/performance.md, "Memory under logins").

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::web;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::ApiError;
use crate::state::AppState;

/// FIFO permits for blocking work, and how long a caller may wait in all.
#[derive(Debug, Clone)]
pub struct DbGate {
    permits: Arc<Semaphore>,
    wait: Duration,
}

impl DbGate {
    /// `permits` at once (one per pooled connection). A caller gets one deadline, `wait` from
    /// its arrival, for the wait in this queue and then for its pooled connections together;
    /// past it the answer is 503.
    pub fn new(permits: u32, wait: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(permits as usize)),
            wait,
        }
    }

    /// Runs `work` on the blocking pool once a permit is free. The permit goes with the
    /// work, so it is held until the work ends even if the caller is dropped meanwhile (a
    /// client that disconnects does not let more work start than the pool can serve).
    pub async fn run<R, F>(&self, work: F) -> Result<R, ApiError>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let deadline = Instant::now() + self.wait;
        self.run_until(deadline, work).await
    }

    /// [`Self::run`] with a deadline set by the caller (which may have waited for something
    /// else first, e.g. a password-hashing permit).
    pub async fn run_until<R, F>(&self, deadline: Instant, work: F) -> Result<R, ApiError>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let acquire = self.permits.clone().acquire_owned();
        let permit = match tokio::time::timeout_at(deadline.into(), acquire).await {
            Ok(Ok(permit)) => permit,
            Ok(Err(closed)) => return Err(ApiError::unavailable(closed)),
            Err(_) => {
                return Err(ApiError::unavailable(format!(
                    "no database connection free within {} ms",
                    self.wait.as_millis()
                )))
            }
        };
        Ok(web::block(move || {
            let _permit = permit;
            persistence::with_deadline(deadline, work)
        })
        .await?)
    }

    /// How long a caller may wait in all.
    pub fn wait(&self) -> Duration {
        self.wait
    }
}

/// FIFO permits for password hashing: at most this many argon2id hashes or verifications
/// run at once, whatever the number of requests.
#[derive(Clone)]
pub struct HashingGate {
    permits: Arc<Semaphore>,
    total: usize,
    /// Called after a hashing call when no other holds or waits for a permit.
    on_idle: Option<Arc<dyn Fn() + Send + Sync>>,
}

impl std::fmt::Debug for HashingGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HashingGate")
            .field("total", &self.total)
            .field("available", &self.available())
            .finish_non_exhaustive()
    }
}

impl HashingGate {
    pub fn new(permits: usize) -> Self {
        let total = permits.max(1);
        Self {
            permits: Arc::new(Semaphore::new(total)),
            total,
            on_idle: None,
        }
    }

    /// Runs `hook` (on the blocking pool) each time a hashing call ends and leaves every
    /// permit free: nobody hashes and nobody waits. While calls queue, a released permit goes
    /// straight to the next waiter, so the hook does not run. The server frees the hasher's
    /// kept working memory there.
    pub fn when_idle(mut self, hook: impl Fn() + Send + Sync + 'static) -> Self {
        self.on_idle = Some(Arc::new(hook));
        self
    }

    /// One permit per core this process may use (`std::thread::available_parallelism`,
    /// which heeds CPU affinity and cgroup quotas): more hashes at once would only queue for
    /// a core while each holds its 19 MiB.
    pub fn cores() -> usize {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    }

    /// A permit, waiting without a thread in arrival order, or 503 at `deadline`. The permit
    /// is released when dropped.
    pub async fn acquire_until(&self, deadline: Instant) -> Result<OwnedSemaphorePermit, ApiError> {
        let acquire = self.permits.clone().acquire_owned();
        match tokio::time::timeout_at(deadline.into(), acquire).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(closed)) => Err(ApiError::unavailable(closed)),
            Err(_) => Err(ApiError::unavailable(
                "no password-hashing slot free before the request's deadline",
            )),
        }
    }

    /// Permits free now.
    pub fn available(&self) -> usize {
        self.permits.available_permits()
    }
}

/// `work` with the application state, through the state's [`DbGate`].
pub async fn db<R, F>(state: &web::Data<AppState>, work: F) -> Result<R, ApiError>
where
    F: FnOnce(&AppState) -> R + Send + 'static,
    R: Send + 'static,
{
    let shared = state.clone();
    state.db_gate.run(move || work(&shared)).await
}

/// [`db`] for a call that hashes or verifies a password: it first waits for a permit of the
/// state's [`HashingGate`], then for the database gate, both within one deadline (the gate's
/// wait, from now). The permit goes with the work, like the gate's.
pub async fn db_hashing<R, F>(state: &web::Data<AppState>, work: F) -> Result<R, ApiError>
where
    F: FnOnce(&AppState) -> R + Send + 'static,
    R: Send + 'static,
{
    let deadline = Instant::now() + state.db_gate.wait();
    let shared = state.clone();
    hashing_then(&state.hashing_gate, &state.db_gate, deadline, move || {
        work(&shared)
    })
    .await
}

async fn hashing_then<R, F>(
    hashing: &HashingGate,
    gate: &DbGate,
    deadline: Instant,
    work: F,
) -> Result<R, ApiError>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let permit = hashing.acquire_until(deadline).await?;
    let hashing = hashing.clone();
    gate.run_until(deadline, move || {
        let result = work();
        drop(permit);
        if let Some(hook) = &hashing.on_idle {
            if hashing.available() == hashing.total {
                hook();
            }
        }
        result
    })
    .await
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::sync::Mutex;

    use super::*;

    fn gate(permits: u32, wait_ms: u64) -> DbGate {
        DbGate::new(permits, Duration::from_millis(wait_ms))
    }

    /// Work that runs until `release` gets a message (or is dropped).
    fn held(gate: &DbGate) -> (mpsc::Sender<()>, actix_web::rt::task::JoinHandle<()>) {
        let (release, wait) = mpsc::channel::<()>();
        let gate = gate.clone();
        let handle = actix_web::rt::spawn(async move {
            gate.run(move || {
                let _ = wait.recv();
            })
            .await
            .expect("the held work runs");
        });
        (release, handle)
    }

    async fn until(condition: impl Fn() -> bool) {
        for _ in 0..500 {
            if condition() {
                return;
            }
            actix_web::rt::time::sleep(Duration::from_millis(2)).await;
        }
        panic!("condition not reached in 1 s");
    }

    #[actix_web::test]
    async fn waiters_run_in_arrival_order() {
        let gate = gate(1, 5_000);
        let (release, first) = held(&gate);
        until(|| gate.permits.available_permits() == 0).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut waiters = Vec::new();
        for n in 0..6 {
            let (gate, order) = (gate.clone(), order.clone());
            waiters.push(actix_web::rt::spawn(async move {
                gate.run(move || order.lock().expect("order").push(n)).await
            }));
            // Each waiter is queued before the next one arrives.
            actix_web::rt::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(
            order.lock().expect("order").is_empty(),
            "all wait for the permit"
        );
        release.send(()).expect("release");
        first.await.expect("first");
        for waiter in waiters {
            waiter.await.expect("join").expect("runs");
        }
        assert_eq!(*order.lock().expect("order"), vec![0, 1, 2, 3, 4, 5]);
    }

    #[actix_web::test]
    async fn a_caller_that_waits_too_long_gets_503_and_its_work_never_runs() {
        let gate = gate(1, 50);
        let (release, first) = held(&gate);
        until(|| gate.permits.available_permits() == 0).await;
        let ran = Arc::new(Mutex::new(false));
        let flag = ran.clone();
        let error = gate
            .run(move || *flag.lock().expect("flag") = true)
            .await
            .expect_err("no permit within 50 ms");
        assert_eq!(
            actix_web::ResponseError::status_code(&error),
            actix_web::http::StatusCode::SERVICE_UNAVAILABLE
        );
        release.send(()).expect("release");
        first.await.expect("first");
        assert!(!*ran.lock().expect("flag"));
        assert_eq!(gate.permits.available_permits(), 1);
    }

    #[actix_web::test]
    async fn a_dropped_caller_keeps_its_permit_until_its_work_ends() {
        let gate = gate(1, 5_000);
        let (release, first) = held(&gate);
        until(|| gate.permits.available_permits() == 0).await;
        // The caller goes away (a client disconnect drops the request's future) ...
        first.abort();
        let _ = first.await;
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        // ... but its work still runs on the blocking pool, so the permit stays taken.
        assert_eq!(gate.permits.available_permits(), 0);
        release.send(()).expect("release");
        until(|| gate.permits.available_permits() == 1).await;
    }

    /// A hashing call that holds its permit until `release` gets a message.
    fn held_hashing(
        hashing: &HashingGate,
        gate: &DbGate,
    ) -> (mpsc::Sender<()>, actix_web::rt::task::JoinHandle<()>) {
        let (release, wait) = mpsc::channel::<()>();
        let (hashing, gate) = (hashing.clone(), gate.clone());
        let handle = actix_web::rt::spawn(async move {
            let deadline = Instant::now() + gate.wait();
            hashing_then(&hashing, &gate, deadline, move || {
                let _ = wait.recv();
            })
            .await
            .expect("the held work runs");
        });
        (release, handle)
    }

    #[actix_web::test]
    async fn hashing_calls_beyond_the_cap_wait_in_arrival_order() {
        let (hashing, gate) = (HashingGate::new(1), gate(10, 5_000));
        let (release, first) = held_hashing(&hashing, &gate);
        until(|| hashing.available() == 0).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut waiters = Vec::new();
        for n in 0..4 {
            let (hashing, gate, order) = (hashing.clone(), gate.clone(), order.clone());
            waiters.push(actix_web::rt::spawn(async move {
                let deadline = Instant::now() + gate.wait();
                hashing_then(&hashing, &gate, deadline, move || {
                    order.lock().expect("order").push(n)
                })
                .await
            }));
            actix_web::rt::time::sleep(Duration::from_millis(5)).await;
        }
        // The database gate has permits to spare: the hashing cap alone holds them back.
        assert_eq!(gate.permits.available_permits(), 9);
        assert!(order.lock().expect("order").is_empty());
        release.send(()).expect("release");
        first.await.expect("first");
        for waiter in waiters {
            waiter.await.expect("join").expect("runs");
        }
        assert_eq!(*order.lock().expect("order"), vec![0, 1, 2, 3]);
        assert_eq!(hashing.available(), 1);
    }

    #[actix_web::test]
    async fn a_hashing_call_past_its_deadline_gets_503_and_its_work_never_runs() {
        let (hashing, gate) = (HashingGate::new(1), gate(10, 100));
        let (release, first) = held_hashing(&hashing, &gate);
        until(|| hashing.available() == 0).await;
        let ran = Arc::new(Mutex::new(false));
        let flag = ran.clone();
        let started = Instant::now();
        let error = hashing_then(&hashing, &gate, started + gate.wait(), move || {
            *flag.lock().expect("flag") = true
        })
        .await
        .expect_err("no hashing permit within 100 ms");
        assert!(started.elapsed() < Duration::from_millis(1_000));
        assert_eq!(
            actix_web::ResponseError::status_code(&error),
            actix_web::http::StatusCode::SERVICE_UNAVAILABLE
        );
        release.send(()).expect("release");
        first.await.expect("first");
        assert!(!*ran.lock().expect("flag"));
        assert_eq!(hashing.available(), 1);
    }

    #[actix_web::test]
    async fn the_hashing_wait_and_the_database_gate_wait_share_one_deadline() {
        // The hashing permit comes after 150 ms; the database gate is full for longer. The
        // call must give up 300 ms after it arrived, not 300 ms after it got its permit.
        let (hashing, gate) = (HashingGate::new(1), gate(1, 300));
        let (release_hashing, hashing_holder) =
            held_hashing(&hashing, &DbGate::new(1, gate.wait()));
        let (release_gate, gate_holder) = held(&gate);
        until(|| hashing.available() == 0 && gate.permits.available_permits() == 0).await;
        let started = Instant::now();
        let call = {
            let (hashing, gate) = (hashing.clone(), gate.clone());
            actix_web::rt::spawn(async move {
                hashing_then(&hashing, &gate, started + gate.wait(), || ()).await
            })
        };
        actix_web::rt::time::sleep(Duration::from_millis(150)).await;
        release_hashing.send(()).expect("release");
        hashing_holder.await.expect("hashing holder");
        let outcome = call.await.expect("join");
        let took = started.elapsed();
        assert!(outcome.is_err(), "the gate stayed full");
        assert!(
            took >= Duration::from_millis(290) && took < Duration::from_millis(450),
            "{took:?}"
        );
        // Its hashing permit went back when it gave up.
        assert_eq!(hashing.available(), 1);
        release_gate.send(()).expect("release");
        gate_holder.await.expect("gate holder");
    }

    #[actix_web::test]
    async fn the_idle_hook_runs_only_when_no_hashing_call_holds_or_waits_for_a_permit() {
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = calls.clone();
        let hashing = HashingGate::new(1).when_idle(move || {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        });
        let gate = gate(10, 5_000);
        let (release, first) = held_hashing(&hashing, &gate);
        until(|| hashing.available() == 0).await;
        let waiter = {
            let (hashing, gate) = (hashing.clone(), gate.clone());
            actix_web::rt::spawn(async move {
                hashing_then(&hashing, &gate, Instant::now() + gate.wait(), || ()).await
            })
        };
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        release.send(()).expect("release");
        first.await.expect("first");
        waiter.await.expect("join").expect("runs");
        // The first call ended with a waiter queued: no hook. The waiter ended alone: hook.
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn the_hashing_cap_is_at_least_one() {
        assert!(HashingGate::cores() >= 1);
        assert_eq!(HashingGate::new(0).available(), 1);
    }

    #[actix_web::test]
    async fn the_queue_wait_and_the_connection_wait_share_one_deadline() {
        let gate = gate(1, 2_000);
        let (release, first) = held(&gate);
        until(|| gate.permits.available_permits() == 0).await;
        let waiter = {
            let gate = gate.clone();
            actix_web::rt::spawn(async move {
                gate.run(|| {
                    let dir = tempfile::tempdir().expect("tempdir");
                    let target = persistence::DatabaseTarget::Sqlite(dir.path().join("t.db"));
                    let pool = persistence::build_pool(&target, 1).expect("pool");
                    persistence::db::checkout_wait(&pool)
                })
                .await
            })
        };
        actix_web::rt::time::sleep(Duration::from_millis(600)).await;
        release.send(()).expect("release");
        first.await.expect("first");
        let left = waiter.await.expect("join").expect("runs");
        // It waited about 600 ms in the queue, so its pooled connection may wait only for
        // what is left of the 2 s, not for a fresh pool time-out of its own.
        assert!(left <= Duration::from_millis(1_450), "{left:?}");
    }
}
