//! `stf serve`: the HTTP face of the query core.
//!
//! - `POST /api/v1/sql`: untrusted SQL for commissioners holding a bearer token ([`auth`]),
//!   run by [`crate::Snapshot::query`] (read-only, limited) and answered as JSON, CSV, Arrow
//!   IPC or Parquet by `Accept`; every query is logged for audit by token name.
//! - `GET /api/v1/published/{dataset}`: the disclosure-controlled aggregates, public, from
//!   memory, with an entity tag per publication.
//! - `GET /api/v1/openapi.json`, `/health`, `/metrics`, and the dashboard at `/`.
//!
//! A background task follows the store: when transform commits a new publication, the
//! catalog moves to it and the published aggregates are recomputed and swapped in whole.
//! Handlers are a few lines each, one file per endpoint family; failures become responses
//! in one place ([`error`]).

pub mod auth;
mod dashboard;
mod error;
mod meta;
mod metrics;
mod negotiate;
mod published;
mod refresh;
mod sql;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use auth::{Tokens, TokensError};
pub use error::ApiError;
pub use metrics::Metrics;

use crate::disclosure::DisclosureConfig;
use crate::published::PublishedSet;
use crate::Catalog;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The bearer tokens accepted by the SQL endpoint.
    pub tokens: Tokens,
    /// The small-number rules of the published aggregates.
    pub disclosure: DisclosureConfig,
    /// How often to look for a new publication.
    pub refresh_every: Duration,
    /// How long clients and caches may keep a published dataset without asking again.
    pub cache_max_age: Duration,
    /// Threads of the runtime SQL queries run on, apart from the one answering requests, so
    /// that a query keeping its threads busy cannot stop `/health` or the published data.
    pub query_threads: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            tokens: Tokens::default(),
            disclosure: DisclosureConfig::default(),
            refresh_every: Duration::from_secs(5),
            cache_max_age: Duration::from_secs(60),
            query_threads: std::thread::available_parallelism().map_or(2, usize::from),
        }
    }
}

/// The server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot compute the published aggregates: {0}")]
    Published(#[from] crate::Error),
    #[error("the server failed: {0}")]
    Io(#[from] std::io::Error),
}

/// What every handler shares.
#[derive(Clone)]
pub(crate) struct AppState {
    catalog: Catalog,
    published: watch::Receiver<Arc<PublishedSet>>,
    config: Arc<ServerConfig>,
    metrics: Arc<Metrics>,
    /// Where SQL queries run.
    queries: tokio::runtime::Handle,
}

impl AppState {
    /// The published aggregates in force (a cheap clone of an `Arc`).
    fn published(&self) -> Arc<PublishedSet> {
        self.published.borrow().clone()
    }
}

/// A server bound to its address, with its first published aggregates computed.
pub struct Server {
    listener: TcpListener,
    state: AppState,
    publisher: watch::Sender<Arc<PublishedSet>>,
    queries: QueryRuntime,
}

/// The runtime SQL queries run on. Dropping it cancels the queries still running, without
/// waiting for them (a runtime cannot be dropped by blocking inside async code).
struct QueryRuntime(Option<tokio::runtime::Runtime>);

impl Drop for QueryRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

impl Server {
    /// Binds `addr` (port 0 picks a free port) and computes the current publication's
    /// published aggregates.
    pub async fn bind(
        catalog: Catalog,
        config: ServerConfig,
        addr: SocketAddr,
    ) -> Result<Self, ServeError> {
        let metrics = Arc::new(Metrics::default());
        let first = refresh::compute(&catalog.current(), &config, &metrics).await?;
        let (publisher, published) = watch::channel(Arc::new(first));
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Bind { addr, source })?;
        let queries = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(config.query_threads.max(1))
            .thread_name("stf-query")
            .enable_all()
            .build()?;
        Ok(Self {
            listener,
            state: AppState {
                catalog,
                published,
                config: Arc::new(config),
                metrics,
                queries: queries.handle().clone(),
            },
            publisher,
            queries: QueryRuntime(Some(queries)),
        })
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> Result<SocketAddr, ServeError> {
        Ok(self.listener.local_addr()?)
    }

    /// Serves until `shutdown` resolves, then finishes the requests in flight.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        let (stop, stopped) = watch::channel(false);
        let refresher = tokio::spawn(refresh::follow(
            self.state.catalog.clone(),
            self.publisher,
            self.state.config.clone(),
            self.state.metrics.clone(),
            stopped,
        ));
        let app = router(self.state);
        let served = axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
        let _ = stop.send(true);
        let _ = refresher.await;
        drop(self.queries);
        tracing::info!("Stopped serving.");
        Ok(served?)
    }
}

fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(dashboard::index))
        .route("/assets/{file}", get(dashboard::asset))
        .route("/api/v1/sql", post(sql::query))
        .route("/api/v1/published/{dataset}", get(published::dataset))
        .route("/api/v1/openapi.json", get(meta::openapi))
        .route("/health", get(meta::health))
        .route("/metrics", get(meta::metrics))
        .layer(axum::middleware::from_fn_with_state(state.clone(), track))
        .with_state(state)
}

/// Counts every answered request by route pattern and status.
async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    state.metrics.request(&route, response.status().as_u16());
    response
}
