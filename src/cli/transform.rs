//! `stf transform`: builds the derived tables (`plans`, `outcomes`, `planned_support`,
//! `services`) and the measures from the event tables, once or every few seconds beside the
//! ingest.
//!
//! The work is done by `stf_transform::Transformer`; this file parses flags, shows progress and
//! waits for a shutdown signal.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use stf_store::Store;
use stf_transform::{MeasureConfig, RunOutcome, Step, TransformConfig, Transformer};

/// Build the derived tables and measures from the event tables.
#[derive(Debug, clap::Args)]
pub struct TransformArgs {
    /// The store root: one Delta table per folder.
    #[arg(long, env = "STF_STORE", default_value = stf_store::DEFAULT_ROOT)]
    pub store: PathBuf,

    /// Keep running, looking for new events every this many seconds (until SIGINT/SIGTERM).
    /// A run with nothing new commits nothing.
    #[arg(long, env = "STF_TRANSFORM_WATCH")]
    pub watch: Option<f64>,

    /// Memory the query engine's operators may hold, in MiB; sorts and aggregations spill to
    /// disk beyond it.
    #[arg(long, env = "STF_TRANSFORM_MEMORY_LIMIT_MIB", default_value_t = 2048)]
    pub memory_limit_mib: usize,

    /// Threads (partitions) of the query engine (default: the machine's cores).
    #[arg(long, env = "STF_TRANSFORM_PARTITIONS")]
    pub partitions: Option<usize>,

    /// The fewest active plans of one locality asking for one category for `pooling`.
    #[arg(long, env = "STF_POOLING_MIN_PEOPLE", default_value_t = 8)]
    pub pooling_min_people: u64,
}

pub async fn run(args: TransformArgs) -> anyhow::Result<()> {
    if args.memory_limit_mib == 0 {
        bail!("--memory-limit-mib must be at least 1");
    }
    let store = Store::open(&args.store)
        .with_context(|| format!("cannot open the store at {}", args.store.display()))?;
    let defaults = TransformConfig::default();
    let config = TransformConfig {
        memory_limit_bytes: args.memory_limit_mib.saturating_mul(1024 * 1024),
        partitions: args.partitions.unwrap_or(defaults.partitions).max(1),
        measures: MeasureConfig {
            pooling_min_people: args.pooling_min_people,
        },
    };
    let transformer = Transformer::new(store, config).context("cannot start the transform")?;
    let bar = progress_bar();
    let on_step = |step: Step| {
        bar.set_position(step.index() as u64);
        bar.set_message(step.label());
    };
    match args.watch {
        None => {
            let outcome = transformer.run_once(&on_step).await;
            bar.finish_and_clear();
            if let RunOutcome::UpToDate(manifest) = outcome? {
                tracing::info!(
                    publication_id = %manifest.publication_id,
                    "Nothing new to transform."
                );
            }
        }
        Some(seconds) => {
            if !(seconds.is_finite() && seconds > 0.0) {
                bail!("--watch must be a positive number of seconds");
            }
            transformer
                .watch(
                    Duration::from_secs_f64(seconds),
                    super::shutdown_signal(),
                    &on_step,
                )
                .await;
            bar.finish_and_clear();
            tracing::info!("Stopped cleanly.");
        }
    }
    Ok(())
}

fn progress_bar() -> ProgressBar {
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(Step::ALL.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("transform {bar:20} {pos}/{len} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
