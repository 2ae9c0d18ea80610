//! Builds the application from its configuration: storage, cache, routes, listener. Tests
//! start it on port 0 and read the port back.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use poem::{
    listener::{Acceptor, Listener, TcpAcceptor, TcpListener},
    Endpoint, EndpointExt, Route, Server,
};

use crate::{
    cache::Cache,
    clock::Clock,
    compression,
    config::Config,
    contract, db, limits, openapi, ops,
    passwords::Passwords,
    public_reads::{self, PublicReads},
    recent::Recent,
    state::AppState,
    telemetry,
    telemetry::Metrics,
    web, worker,
};
use tokio::task::JoinHandle;

/// How many open days an instance keeps for signups, and how long: the statement that takes
/// a place verifies what it was checked on, so the bounds are on memory, not on correctness.
const OPEN_DAYS_KEPT: usize = 64;
const OPEN_DAYS_FRESH_FOR: Duration = Duration::from_secs(10);

/// Connects to the database (running pending migrations) and the cache.
pub async fn connect(config: Config, clock: Clock) -> anyhow::Result<AppState> {
    let db = db::connect(&config.database_url, config.database_connections).await?;
    Migrator::up(&db, None)
        .await
        .context("cannot migrate the database")?;
    let cache = match &config.redis_url {
        Some(url) => Cache::redis(url, &config.redis_prefix)
            .await
            .with_context(|| format!("cannot reach Redis at {url}"))?,
        None => Cache::memory(),
    };
    let public_reads = PublicReads::new(cache.clone(), clock.clone());
    Ok(AppState {
        db,
        cache,
        clock,
        passwords: Arc::new(Passwords::new(config.password_slots)),
        config: Arc::new(config),
        metrics: Arc::new(Metrics::default()),
        public_reads,
        open_days: Arc::new(Recent::new(OPEN_DAYS_KEPT, OPEN_DAYS_FRESH_FOR)),
    })
}

/// Every route of the service.
pub fn routes(state: AppState) -> impl Endpoint {
    // Published before serving: request bodies are checked against it.
    openapi::document();
    let api = openapi::service();
    let metrics = state.metrics.clone();
    let reads = state.public_reads.clone();
    Route::new()
        .nest(
            contract::BASE_PATH,
            Route::new()
                .at("/openapi.yaml", openapi::spec_endpoint())
                .nest("/", api.around(contract::problem_json))
                .around(move |next, req| public_reads::serve(next, req, reads.clone()))
                .around(contract::api_headers),
        )
        .nest("/docs", openapi::docs_endpoint())
        .at("/healthz", ops::healthz)
        .at("/readyz", ops::readyz)
        .at("/metrics", ops::metrics)
        .nest("/", web::endpoint())
        .around(limits::limit_body)
        .around(compression::compress)
        .around(move |next, req| {
            let metrics = metrics.clone();
            async move { telemetry::observe(next, req, &metrics).await }
        })
        .data(state)
}

/// A service bound to its address, ready to run.
pub struct Application {
    acceptor: TcpAcceptor,
    state: AppState,
}

impl Application {
    pub async fn bind(state: AppState, addr: SocketAddr) -> anyhow::Result<Self> {
        let acceptor = TcpListener::bind(addr)
            .into_acceptor()
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        Ok(Self { acceptor, state })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.acceptor
            .local_addr()
            .first()
            .and_then(|addr| addr.as_socket_addr().copied())
            .expect("a TCP listener has a socket address")
    }

    /// Serves until `shutdown` resolves, then drains requests for up to 10 s.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let jobs = worker::spawn(&self.state);
        let served = Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(routes(self.state), shutdown, Some(Duration::from_secs(10)))
            .await;
        jobs.iter().for_each(JoinHandle::abort);
        served
    }
}
