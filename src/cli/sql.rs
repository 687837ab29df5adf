//! `stf sql`: SQL over the store's tables, pinned to one publication — one query from the
//! command line or stdin, or an interactive prompt on a terminal ([`repl`]).
//!
//! The catalog, the read-only guard, the limits and the output formats are `stf_query`'s;
//! this file parses flags, picks the source of the SQL and where results go.

mod repl;

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use stf_query::{Catalog, Format, Limits, QueryOutput, Snapshot};
use stf_store::Store;

/// Run SQL over the store's tables (read-only), pinned to one publication.
#[derive(Debug, Clone, clap::Args)]
pub struct SqlArgs {
    /// The store root: one Delta table per folder.
    #[arg(long, env = "STF_STORE", default_value = stf_store::DEFAULT_ROOT)]
    pub store: PathBuf,

    /// The query. Without it: an interactive prompt on a terminal, else the SQL on stdin.
    pub query: Option<String>,

    /// Output format: table (aligned text), csv, json (an array of objects), parquet or arrow
    /// (IPC stream). Binary formats go to --output or a redirected stdout.
    #[arg(long, env = "STF_SQL_FORMAT", default_value = "table")]
    pub format: Format,

    /// Write results to this file instead of stdout.
    #[arg(long, short, env = "STF_SQL_OUTPUT")]
    pub output: Option<PathBuf>,

    /// Query the publication with this id (Delta time travel) instead of the latest: the data
    /// exactly as that publication saw it, to reproduce a published figure.
    #[arg(long, env = "STF_SQL_AS_OF")]
    pub as_of: Option<String>,

    /// Memory one query's operators may hold, in MiB; a query needing more fails.
    #[arg(long, env = "STF_SQL_MEMORY_LIMIT_MIB", default_value_t = Limits::default().memory_bytes >> 20)]
    pub memory_limit_mib: usize,

    /// Seconds a query may run before it is cancelled.
    #[arg(long, env = "STF_SQL_TIMEOUT_SECS", default_value_t = Limits::default().timeout.as_secs_f64())]
    pub timeout_secs: f64,

    /// The most rows a result holds; beyond it the result is cut short with a warning.
    #[arg(long, env = "STF_SQL_MAX_ROWS", default_value_t = Limits::default().max_rows)]
    pub max_rows: usize,

    /// The most MiB a result holds in memory; beyond it the result is cut short likewise.
    #[arg(long, env = "STF_SQL_MAX_RESULT_MIB", default_value_t = 1024)]
    pub max_result_mib: usize,

    /// Partitions (parallel streams of work) one query may use (default: twice the machine's
    /// cores, up to 16).
    #[arg(long, env = "STF_SQL_PARTITIONS")]
    pub partitions: Option<usize>,

    /// Always print the row count and the query's time (planning, running and collecting,
    /// not writing) on stderr; by default only on a terminal.
    #[arg(long, env = "STF_SQL_TIMING")]
    pub timing: bool,

    /// Run the query this many times and print the last result (with --timing, every run's
    /// time): to time a query on warm caches.
    #[arg(long, env = "STF_SQL_REPEAT", default_value_t = 1)]
    pub repeat: u32,
}

/// Runs `stf sql`; every failure is one line on stderr and a non-zero exit code.
pub fn run(args: SqlArgs) -> anyhow::Result<ExitCode> {
    match try_run(args) {
        Ok(code) => Ok(code),
        Err(err) => {
            eprintln!("error: {err:#}");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn try_run(args: SqlArgs) -> anyhow::Result<ExitCode> {
    let limits = limits(&args)?;
    if !args.store.is_dir() {
        bail!("store {} does not exist", args.store.display());
    }
    let store = Store::open(&args.store)
        .with_context(|| format!("cannot open the store at {}", args.store.display()))?;
    let runtime = super::runtime()?;
    let catalog = runtime.block_on(Catalog::open(store, limits))?;
    let pinned = match &args.as_of {
        Some(id) => Some(Arc::new(runtime.block_on(catalog.as_of(id))?)),
        None => None,
    };
    let sql = match (&args.query, std::io::stdin().is_terminal()) {
        (Some(sql), _) => sql.clone(),
        (None, true) => {
            return repl::run(&runtime, &catalog, pinned.as_ref(), &args);
        }
        (None, false) => {
            let mut sql = String::new();
            std::io::stdin()
                .read_to_string(&mut sql)
                .context("cannot read SQL from stdin")?;
            sql
        }
    };
    if sql.trim().is_empty() {
        bail!("no SQL given: pass a query as an argument or on stdin");
    }
    let snapshot = snapshot(&catalog, pinned.as_ref());
    let mut output = runtime.block_on(snapshot.query(&sql))?;
    for _ in 1..args.repeat {
        report(&output, &args);
        output = runtime.block_on(snapshot.query(&sql))?;
    }
    emit(&output, &args)?;
    Ok(ExitCode::SUCCESS)
}

fn limits(args: &SqlArgs) -> anyhow::Result<Limits> {
    if args.memory_limit_mib == 0 {
        bail!("--memory-limit-mib must be at least 1");
    }
    if !(args.timeout_secs.is_finite() && args.timeout_secs > 0.0) {
        bail!("--timeout-secs must be a positive number of seconds");
    }
    let defaults = Limits::default();
    Ok(Limits {
        memory_bytes: args.memory_limit_mib.saturating_mul(1 << 20),
        timeout: Duration::from_secs_f64(args.timeout_secs),
        max_rows: args.max_rows,
        max_bytes: args.max_result_mib.saturating_mul(1 << 20),
        target_partitions: args.partitions.unwrap_or(defaults.target_partitions).max(1),
    })
}

/// Writes a result where the flags say, and warns on stderr when it was cut short.
fn emit(output: &QueryOutput, args: &SqlArgs) -> anyhow::Result<()> {
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            stf_query::write(output, args.format, std::io::BufWriter::new(file))?;
        }
        None => {
            let stdout = std::io::stdout();
            if args.format.is_binary() && stdout.is_terminal() {
                bail!(
                    "{} output is binary: give --output FILE or redirect stdout",
                    args.format
                );
            }
            let mut out = std::io::BufWriter::new(stdout.lock());
            stf_query::write(output, args.format, &mut out)?;
            out.flush().context("cannot write to stdout")?;
        }
    }
    report(output, args);
    Ok(())
}

/// A line on stderr: rows and time with --timing or on a terminal, and always a warning for a
/// cut result.
fn report(output: &QueryOutput, args: &SqlArgs) {
    if output.truncated {
        eprintln!(
            "warning: result cut short at {} rows (limits: --max-rows {}, --max-result-mib {})",
            output.rows, args.max_rows, args.max_result_mib
        );
    }
    if args.timing || std::io::stderr().is_terminal() {
        eprintln!(
            "({} row{}, {:.4} s)",
            output.rows,
            if output.rows == 1 { "" } else { "s" },
            output.elapsed.as_secs_f64()
        );
    }
}

/// The snapshot queries go to: the pinned publication, or the catalog's current one.
fn snapshot(catalog: &Catalog, pinned: Option<&Arc<Snapshot>>) -> Arc<Snapshot> {
    pinned.cloned().unwrap_or_else(|| catalog.current())
}
