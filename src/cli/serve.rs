//! `stf serve`: the HTTP API and dashboard over a store, following its publications.
//!
//! The server is `stf_query::http`; this file reads flags and tokens, opens the catalog and
//! waits for a shutdown signal.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use stf_query::disclosure::DisclosureConfig;
use stf_query::http::{Server, ServerConfig, Tokens};
use stf_query::{Catalog, Limits};
use stf_store::Store;

/// Serve the SQL API, the published aggregates and the dashboard.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// The store root: one Delta table per folder.
    #[arg(long, env = "STF_STORE", default_value = stf_store::DEFAULT_ROOT)]
    pub store: PathBuf,

    /// Listen here (HOST:PORT; port 0 picks a free one).
    #[arg(long, env = "STF_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    #[command(flatten)]
    pub server: ServerArgs,
}

/// Settings of the server shared with `stf demo`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServerArgs {
    /// Bearer tokens for POST /api/v1/sql: comma-separated `name:token` pairs. Names appear
    /// in the audit log; tokens never do.
    #[arg(
        long,
        env = "STF_API_TOKENS",
        hide_env_values = true,
        value_name = "NAME:TOKEN,..."
    )]
    pub api_tokens: Option<String>,

    /// A file of `name:token` lines (blank lines and `#` comments allowed), added to
    /// --api-tokens.
    #[arg(long, env = "STF_TOKENS_FILE")]
    pub tokens_file: Option<PathBuf>,

    /// Seconds between looks for a new publication.
    #[arg(long, env = "STF_SERVE_REFRESH_SECS", default_value_t = 5.0)]
    pub refresh_secs: f64,

    /// Seconds clients may cache a published dataset (Cache-Control max-age).
    #[arg(long, env = "STF_SERVE_CACHE_MAX_AGE_SECS", default_value_t = 60)]
    pub cache_max_age_secs: u64,

    /// The smallest count of people published; smaller counts are suppressed.
    #[arg(long, env = "STF_DISCLOSURE_THRESHOLD", default_value_t = DisclosureConfig::default().threshold)]
    pub disclosure_threshold: u64,

    /// Published counts of people are rounded to a multiple of this.
    #[arg(long, env = "STF_DISCLOSURE_BASE", default_value_t = DisclosureConfig::default().base)]
    pub disclosure_base: u64,

    /// Published money is rounded to a multiple of this many pounds.
    #[arg(long, env = "STF_DISCLOSURE_MONEY_BASE", default_value_t = DisclosureConfig::default().money_base)]
    pub disclosure_money_base: u64,

    /// Memory one SQL query's operators may hold, in MiB; a query needing more fails.
    #[arg(long, env = "STF_SERVE_MEMORY_LIMIT_MIB", default_value_t = 512)]
    pub memory_limit_mib: usize,

    /// Seconds a SQL query may run before it is cancelled.
    #[arg(long, env = "STF_SERVE_TIMEOUT_SECS", default_value_t = 30.0)]
    pub timeout_secs: f64,

    /// The most rows a SQL result holds; beyond it the result is cut short.
    #[arg(long, env = "STF_SERVE_MAX_ROWS", default_value_t = Limits::default().max_rows)]
    pub max_rows: usize,

    /// The most MiB a SQL result holds; beyond it the result is cut short.
    #[arg(long, env = "STF_SERVE_MAX_RESULT_MIB", default_value_t = Limits::default().max_bytes >> 20)]
    pub max_result_mib: usize,

    /// Partitions (parallel streams of work) one SQL query may use (default: twice the
    /// machine's cores, up to 16).
    #[arg(long, env = "STF_SERVE_PARTITIONS")]
    pub partitions: Option<usize>,
}

impl ServerArgs {
    /// The limits untrusted queries run under.
    pub fn limits(&self) -> anyhow::Result<Limits> {
        if !(self.timeout_secs.is_finite() && self.timeout_secs > 0.0) {
            bail!("--timeout-secs must be a positive number of seconds");
        }
        if self.memory_limit_mib == 0 || self.max_rows == 0 || self.max_result_mib == 0 {
            bail!("--memory-limit-mib, --max-rows and --max-result-mib must be at least 1");
        }
        let defaults = Limits::default();
        Ok(Limits {
            memory_bytes: self.memory_limit_mib.saturating_mul(1 << 20),
            timeout: Duration::from_secs_f64(self.timeout_secs),
            max_rows: self.max_rows,
            max_bytes: self.max_result_mib.saturating_mul(1 << 20),
            target_partitions: self.partitions.unwrap_or(defaults.target_partitions).max(1),
        })
    }

    /// The server's configuration, with `extra` tokens (the demo's) added to the configured.
    pub fn config(&self, extra: Tokens) -> anyhow::Result<ServerConfig> {
        if !(self.refresh_secs.is_finite() && self.refresh_secs > 0.0) {
            bail!("--refresh-secs must be a positive number of seconds");
        }
        if self.disclosure_threshold == 0
            || self.disclosure_base == 0
            || self.disclosure_money_base == 0
        {
            bail!("the disclosure threshold and rounding bases must be at least 1");
        }
        let mut tokens = extra;
        if let Some(list) = &self.api_tokens {
            tokens = tokens.merge(list.parse().context("STF_API_TOKENS / --api-tokens")?)?;
        }
        if let Some(path) = &self.tokens_file {
            tokens = tokens.merge(Tokens::from_file(path)?)?;
        }
        Ok(ServerConfig {
            tokens,
            disclosure: DisclosureConfig {
                threshold: self.disclosure_threshold,
                base: self.disclosure_base,
                money_base: self.disclosure_money_base,
            },
            refresh_every: Duration::from_secs_f64(self.refresh_secs),
            cache_max_age: Duration::from_secs(self.cache_max_age_secs),
            // Partitions take turns on the threads: never more threads than cores, nor than
            // partitions asked for.
            query_threads: self.partitions.map_or(cores(), |p| p.min(cores())).max(1),
        })
    }
}

/// The machine's cores: the most threads queries run on.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let server = start(&args.store, args.addr, &args.server, Tokens::default()).await?;
    let addr = server.local_addr()?;
    // One line on stdout for scripts and tests: where to connect.
    println!("Serving http://{addr}/");
    server.run(super::shutdown_signal()).await?;
    Ok(())
}

/// Opens the store's catalog and binds a server to `addr`.
pub async fn start(
    store: &std::path::Path,
    addr: SocketAddr,
    args: &ServerArgs,
    extra_tokens: Tokens,
) -> anyhow::Result<Server> {
    let config = args.config(extra_tokens)?;
    let limits = args.limits()?;
    if !store.is_dir() {
        bail!(
            "store {} does not exist: run `stf demo`, or ingest and transform first",
            store.display()
        );
    }
    let store = Store::open(store)
        .with_context(|| format!("cannot open the store at {}", store.display()))?;
    let catalog = Catalog::open(store, limits).await?;
    if config.tokens.is_empty() {
        tracing::warn!("No API tokens configured: POST /api/v1/sql refuses every request. Set STF_API_TOKENS or --tokens-file.");
    } else {
        let names: Vec<&str> = config.tokens.names().collect();
        tracing::info!(tokens = ?names, "SQL API tokens loaded.");
    }
    let server = Server::bind(catalog, config, addr).await?;
    tracing::info!(addr = %server.local_addr()?, "Listening.");
    Ok(server)
}
