//! `stf ingest`: Kafka (or NDJSON files) into the store's event tables, exactly once.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use stf_ingest::kafka::KafkaConfig;
use stf_ingest::{FileSourceConfig, FlushPolicy, Metrics, Sink};
use stf_store::Store;

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Kafka bootstrap servers (HOST:PORT,...). Without it, `--input` files are read instead.
    #[arg(long, env = "STF_BROKERS")]
    pub brokers: Option<String>,

    /// Consumer group; instances in one group share the partitions.
    #[arg(long, env = "STF_GROUP", default_value = "stf-ingest")]
    pub group: String,

    /// NDJSON input: files, folders of them, or `-` for stdin (the embedded default, no
    /// Kafka needed). Running again on the same files adds nothing.
    #[arg(
        long,
        env = "STF_INPUT",
        value_delimiter = ',',
        conflicts_with = "brokers"
    )]
    pub input: Vec<PathBuf>,

    /// The store root: one Delta table per folder.
    #[arg(long, env = "STF_STORE", default_value = stf_store::DEFAULT_ROOT)]
    pub store: PathBuf,

    /// Where the file source writes dead-letter files (default: STORE/dead-letters).
    #[arg(long, env = "STF_DEAD_LETTER_DIR")]
    pub dead_letter_dir: Option<PathBuf>,

    /// Serve Prometheus `/metrics` and `/health` here (Kafka mode default 127.0.0.1:9464;
    /// `off` to disable).
    #[arg(long, env = "STF_METRICS_ADDR")]
    pub metrics_addr: Option<String>,

    /// Commit a batch once it holds this many messages.
    #[arg(long, env = "STF_FLUSH_MESSAGES", default_value_t = 100_000)]
    pub flush_messages: usize,

    /// Commit a batch once it holds this many MiB of messages (at most 1024: a batch's text
    /// columns are Arrow strings, which hold under 2 GiB each).
    #[arg(long, env = "STF_FLUSH_MIB", default_value_t = 96)]
    pub flush_mib: usize,

    /// Commit a batch once its oldest message is this many seconds old.
    #[arg(long, env = "STF_FLUSH_SECONDS", default_value_t = 30.0)]
    pub flush_seconds: f64,

    /// librdkafka `fetch.wait.max.ms`.
    #[arg(long, env = "STF_FETCH_WAIT_MAX_MS", default_value_t = 50)]
    pub fetch_wait_max_ms: u32,

    /// Extra librdkafka settings, `key=value` (repeatable or comma-separated).
    #[arg(
        long = "kafka-setting",
        short = 'X',
        env = "STF_KAFKA_SETTINGS",
        value_delimiter = ','
    )]
    pub kafka_settings: Vec<String>,
}

impl IngestArgs {
    fn flush(&self) -> anyhow::Result<FlushPolicy> {
        if !(self.flush_seconds.is_finite() && self.flush_seconds > 0.0) {
            bail!("--flush-seconds must be a positive number of seconds");
        }
        if self.flush_mib > MAX_FLUSH_MIB {
            bail!(
                "--flush-mib is {}; at most {MAX_FLUSH_MIB} (a batch's text columns are Arrow \
                 strings, which hold under 2 GiB each)",
                self.flush_mib
            );
        }
        Ok(FlushPolicy {
            max_messages: self.flush_messages.max(1),
            max_bytes: self.flush_mib.max(1) * 1024 * 1024,
            max_age: Duration::from_secs_f64(self.flush_seconds),
        })
    }
}

/// The largest `--flush-mib`.
const MAX_FLUSH_MIB: usize = 1024;

pub async fn run(args: IngestArgs) -> anyhow::Result<()> {
    let store = Store::open(&args.store)
        .with_context(|| format!("cannot open the store at {}", args.store.display()))?;
    let metrics = Arc::new(Metrics::default());
    match &args.brokers {
        Some(brokers) => run_kafka(&args, brokers, store, metrics).await,
        None => run_files(&args, store, metrics).await,
    }
}

async fn serve_metrics(
    addr: Option<&str>,
    default: Option<&str>,
    metrics: &Arc<Metrics>,
) -> anyhow::Result<()> {
    let Some(addr) = addr.or(default).filter(|a| *a != "off") else {
        return Ok(());
    };
    let addr: SocketAddr = addr
        .parse()
        .with_context(|| format!("--metrics-addr {addr:?} is not HOST:PORT"))?;
    let (bound, _task) = stf_ingest::http::serve(addr, metrics.clone()).await?;
    tracing::info!(addr = %bound, "Serving /metrics and /health.");
    Ok(())
}

async fn run_kafka(
    args: &IngestArgs,
    brokers: &str,
    store: Store,
    metrics: Arc<Metrics>,
) -> anyhow::Result<()> {
    serve_metrics(
        args.metrics_addr.as_deref(),
        Some("127.0.0.1:9464"),
        &metrics,
    )
    .await?;
    let mut config = KafkaConfig::new(brokers, &args.group);
    config.flush = args.flush()?;
    config.fetch_wait_max_ms = args.fetch_wait_max_ms;
    for setting in &args.kafka_settings {
        let Some((k, v)) = setting.split_once('=') else {
            bail!("--kafka-setting {setting:?} is not key=value");
        };
        config
            .client_settings
            .push((k.trim().to_owned(), v.trim().to_owned()));
    }
    stf_ingest::kafka::run(store, config, metrics, super::shutdown_signal()).await?;
    tracing::info!("Stopped cleanly.");
    Ok(())
}

async fn run_files(args: &IngestArgs, store: Store, metrics: Arc<Metrics>) -> anyhow::Result<()> {
    if args.input.is_empty() {
        bail!(
            "nothing to read: give --brokers HOST:PORT for Kafka or --input FILE|DIR|- for files"
        );
    }
    serve_metrics(args.metrics_addr.as_deref(), None, &metrics).await?;
    let config = FileSourceConfig {
        inputs: args.input.clone(),
        dead_letter_dir: args
            .dead_letter_dir
            .clone()
            .unwrap_or_else(|| store.root().join("dead-letters")),
        flush: args.flush()?,
    };
    let bar = progress_bar();
    let summary = ingest_files(store, &config, &metrics, &bar).await?;
    bar.finish_and_clear();
    tracing::info!(
        files = summary.files,
        lines = summary.lines,
        accepted = summary.accepted,
        rejected = summary.rejected,
        already_held = summary.replayed,
        "Ingested files."
    );
    if summary.rejected > 0 {
        tracing::warn!(
            rejected = summary.rejected,
            dead_letters = %config.dead_letter_dir.display(),
            "Some events were rejected; see rejected_events and the dead-letter files."
        );
    }
    Ok(())
}

/// Ingests the NDJSON files of `config` into `store`, showing the bytes read on `bar` (whose
/// length is set to the inputs' size). `stf demo` runs its ingest step through this too.
pub async fn ingest_files(
    store: Store,
    config: &FileSourceConfig,
    metrics: &Metrics,
    bar: &ProgressBar,
) -> anyhow::Result<stf_ingest::file_source::FileSummary> {
    let files = stf_ingest::file_source::expand_inputs(&config.inputs)?;
    let total: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    bar.set_length(total);
    let mut done_before = 0u64;
    let mut current: Option<PathBuf> = None;
    let mut last_read = 0u64;
    let mut progress = |path: &std::path::Path, read: u64, _size: u64| {
        if current.as_deref() != Some(path) {
            done_before += last_read;
            current = Some(path.to_owned());
        }
        last_read = read;
        bar.set_position(done_before + read);
    };
    let mut sink = Sink::open(store).await?;
    Ok(stf_ingest::ingest_files(&mut sink, config, metrics, &mut progress).await?)
}

fn progress_bar() -> ProgressBar {
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "ingest {bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: IngestArgs,
    }

    fn flush_mib(mib: usize) -> anyhow::Result<FlushPolicy> {
        let mib = mib.to_string();
        let cli =
            Cli::try_parse_from(["stf", "--store", "s", "--flush-mib", &mib]).expect("parses");
        cli.args.flush()
    }

    #[test]
    fn a_batch_is_at_most_a_gibibyte() {
        assert_eq!(
            flush_mib(MAX_FLUSH_MIB).expect("allowed").max_bytes,
            1 << 30
        );
        let refused = flush_mib(MAX_FLUSH_MIB + 1).expect_err("refused");
        assert!(
            refused.to_string().contains("--flush-mib is 1025"),
            "{refused}"
        );
    }
}
