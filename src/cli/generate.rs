//! `stf generate`: realistic synthetic support plans and provider services, written to NDJSON
//! files or produced to Kafka, with truth files that say which messages must be rejected (and
//! why) and which personal data was planted.
//!
//! The data come from `stf_generator`; this file only sends them somewhere and keeps count.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use rdkafka::config::ClientConfig;
use rdkafka::error::KafkaError;
use rdkafka::message::{DeliveryResult, Message as _};
use rdkafka::producer::{BaseRecord, Producer, ProducerContext, ThreadedProducer};
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::ClientContext;
use stf_generator::{Generator, GeneratorConfig, Message, NaiveDate, Stats, DEFAULT_COUNCILS};
use stf_schemas::event::EventKind;
use stf_schemas::reason::Reason;

/// Support-plan events, one JSON object a line.
pub const PLANS_FILE: &str = "support-plans.ndjson";
/// Provider-service events, one JSON object a line.
pub const SERVICES_FILE: &str = "provider-services.ndjson";
/// `file<TAB>line<TAB>reason_code` (files) or `topic<TAB>partition<TAB>offset<TAB>reason_code`
/// (Kafka) for every bad message; lines are 1-based.
pub const REJECTIONS_FILE: &str = "expected-rejections.tsv";
/// With `--brokers`: per topic and partition, the offset after the last message delivered.
pub const PRODUCED_FILE: &str = "produced.tsv";
/// `event_id<TAB>kind<TAB>value` for every piece of personal data planted in free text.
pub const PII_FILE: &str = "pii.tsv";

/// Generate realistic synthetic support-plan and provider-service events.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// How many support plans to generate; each has one or more events.
    #[arg(long, env = "STF_GENERATE_PLANS", default_value_t = 1000)]
    pub plans: u64,
    /// Seed of every random choice: the same seed gives byte-identical output.
    #[arg(long, env = "STF_GENERATE_SEED", default_value_t = 42)]
    pub seed: u64,
    /// Write support-plans.ndjson, provider-services.ndjson and the truth files into this directory.
    #[arg(
        long,
        env = "STF_GENERATE_OUT",
        required_unless_present = "brokers",
        conflicts_with = "brokers"
    )]
    pub out: Option<PathBuf>,
    /// Produce to the support-plans and provider-services topics of these Kafka brokers (HOST:PORT, comma-separated) instead of writing files.
    #[arg(long, env = "STF_BROKERS")]
    pub brokers: Option<String>,
    /// With --brokers: write expected-rejections.tsv (by topic, partition and offset), produced.tsv (end offset per partition) and pii.tsv into this directory.
    #[arg(long, env = "STF_GENERATE_TRUTH", requires = "brokers")]
    pub truth: Option<PathBuf>,
    /// Councils whose residents the plans and services are for (comma-separated GSS codes).
    #[arg(long, env = "STF_GENERATE_COUNCILS", value_delimiter = ',', default_values = DEFAULT_COUNCILS)]
    pub councils: Vec<String>,
    /// First day events may occur on.
    #[arg(long, env = "STF_GENERATE_FROM", default_value = "2023-01-01")]
    pub from: NaiveDate,
    /// Last day events may occur on.
    #[arg(long, env = "STF_GENERATE_TO", default_value = "2025-12-31")]
    pub to: NaiveDate,
    /// Share of messages that are bad, each breaking one rule of the contract (0 to 0.9).
    #[arg(long, env = "STF_GENERATE_BAD_FRACTION", default_value_t = 0.0)]
    pub bad_fraction: f64,
    /// Share of good messages delivered twice, byte for byte.
    #[arg(long, env = "STF_GENERATE_DUPLICATE_FRACTION", default_value_t = 0.02)]
    pub duplicate_fraction: f64,
    /// Share of good messages delivered late, after events that occurred after them.
    #[arg(long, env = "STF_GENERATE_LATE_FRACTION", default_value_t = 0.03)]
    pub late_fraction: f64,
    /// Share of good events with personal data planted in their free text (to be redacted).
    #[arg(long, env = "STF_GENERATE_PII_FRACTION", default_value_t = 0.02)]
    pub pii_fraction: f64,
}

impl GenerateArgs {
    fn config(&self) -> GeneratorConfig {
        GeneratorConfig {
            plans: self.plans,
            seed: self.seed,
            councils: self.councils.clone(),
            from: self.from,
            to: self.to,
            bad_fraction: self.bad_fraction,
            duplicate_fraction: self.duplicate_fraction,
            late_fraction: self.late_fraction,
            pii_fraction: self.pii_fraction,
        }
    }
}

pub async fn run(args: GenerateArgs) -> anyhow::Result<()> {
    let generator = Generator::new(args.config()).context("cannot generate from these settings")?;
    let progress = progress_bar(args.plans)?;
    let started = Instant::now();
    let stats = match (args.out, args.brokers) {
        (Some(dir), _) => {
            let progress = progress.clone();
            tokio::task::spawn_blocking(move || to_files(generator, &dir, &progress)).await??
        }
        (None, Some(brokers)) => {
            let progress = progress.clone();
            let truth = args.truth;
            tokio::task::spawn_blocking(move || {
                to_kafka(generator, &brokers, truth.as_deref(), &progress)
            })
            .await??
        }
        (None, None) => bail!("give --out DIR or --brokers HOST:PORT"),
    };
    progress.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let messages = stats.messages();
    tracing::info!(
        plans = stats.plans,
        plan_events = stats.plan_events,
        service_events = stats.service_events,
        duplicates = stats.duplicates,
        late = stats.late,
        bad = stats.bad,
        pii = stats.pii,
        messages,
        seconds = format!("{seconds:.2}"),
        messages_per_second = (messages as f64 / seconds.max(1e-9)) as u64,
        "Generated."
    );
    Ok(())
}

/// A bar of plans begun, drawn only when standard error is a terminal.
fn progress_bar(plans: u64) -> anyhow::Result<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return Ok(ProgressBar::hidden());
    }
    let bar = ProgressBar::new(plans);
    bar.set_style(ProgressStyle::with_template(
        "{elapsed_precise} [{bar:40}] {human_pos}/{human_len} plans, {msg}",
    )?);
    Ok(bar)
}

/// How often (in messages, a power of two) the progress bar is told.
const PROGRESS_EVERY: u64 = 1 << 14;

fn show(progress: &ProgressBar, generator: &Generator) {
    let stats = generator.stats();
    progress.set_position(stats.plans);
    progress.set_message(format!("{} messages", stats.messages()));
}

fn create(dir: &Path, name: &str) -> anyhow::Result<BufWriter<File>> {
    let path = dir.join(name);
    let file = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(BufWriter::with_capacity(1 << 20, file))
}

/// One NDJSON output file and how many lines it has.
struct Ndjson {
    name: &'static str,
    out: BufWriter<File>,
    lines: u64,
}

/// Writes every message to its file, and the truth beside them. One thread: a writer thread
/// measured slower here (frees across threads and cache traffic cost more than the overlap).
/// `stf demo` generates its data through this too.
pub fn to_files(
    mut generator: Generator,
    dir: &Path,
    progress: &ProgressBar,
) -> anyhow::Result<Stats> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut files = Files::create(dir)?;
    let mut count = 0u64;
    while let Some(m) = generator.next() {
        files.write(&m).context("cannot write the output files")?;
        count += 1;
        if count & (PROGRESS_EVERY - 1) == 0 {
            show(progress, &generator);
        }
    }
    files.flush()?;
    Ok(generator.stats())
}

/// The output files of a run to files.
struct Files {
    plans: Ndjson,
    services: Ndjson,
    rejections: BufWriter<File>,
    pii: BufWriter<File>,
}

impl Files {
    fn create(dir: &Path) -> anyhow::Result<Self> {
        Ok(Self {
            plans: Ndjson {
                name: PLANS_FILE,
                out: create(dir, PLANS_FILE)?,
                lines: 0,
            },
            services: Ndjson {
                name: SERVICES_FILE,
                out: create(dir, SERVICES_FILE)?,
                lines: 0,
            },
            rejections: create(dir, REJECTIONS_FILE)?,
            pii: create(dir, PII_FILE)?,
        })
    }

    fn flush(self) -> anyhow::Result<()> {
        for mut out in [self.plans.out, self.services.out, self.rejections, self.pii] {
            out.flush().context("cannot write the output files")?;
        }
        Ok(())
    }

    fn write(&mut self, m: &Message) -> std::io::Result<()> {
        let file = match m.kind {
            EventKind::SupportPlan => &mut self.plans,
            EventKind::ProviderService => &mut self.services,
        };
        file.out.write_all(&m.payload)?;
        file.out.write_all(b"\n")?;
        file.lines += 1;
        if let Some(reason) = m.broken {
            writeln!(
                self.rejections,
                "{}\t{}\t{}",
                file.name,
                file.lines,
                reason.code()
            )?;
        }
        write_pii(&mut self.pii, m)
    }
}

fn write_pii(out: &mut impl Write, m: &Message) -> std::io::Result<()> {
    for (kind, value) in &m.pii {
        writeln!(out, "{}\t{}\t{}", m.event_id, kind.code(), value)?;
    }
    Ok(())
}

/// What the delivery reports said.
#[derive(Default)]
struct Deliveries {
    /// (topic, partition, offset, reason) of every bad message delivered.
    rejections: Mutex<Vec<(String, i32, i64, Reason)>>,
    /// The offset after the last message delivered, per (topic, partition).
    ends: Mutex<BTreeMap<(String, i32), i64>>,
    failed: AtomicU64,
    /// Oversize drills the broker refused (its `max.message.bytes` is below ours).
    oversize_refused: AtomicU64,
    first_error: Mutex<Option<String>>,
}

/// Receives delivery reports; the opaque is 0 for a good message, 1 + the index of the
/// reason in `Reason::ALL` for a bad one.
struct Reports(Arc<Deliveries>);

impl ClientContext for Reports {}

impl ProducerContext for Reports {
    type DeliveryOpaque = usize;

    fn delivery(&self, result: &DeliveryResult<'_>, opaque: usize) {
        let reason = opaque
            .checked_sub(1)
            .and_then(|i| Reason::ALL.get(i))
            .copied();
        match result {
            Ok(m) => {
                let key = (m.topic().to_owned(), m.partition());
                let end = m.offset() + 1;
                lock(&self.0.ends)
                    .entry(key)
                    .and_modify(|e| *e = (*e).max(end))
                    .or_insert(end);
                if let Some(reason) = reason {
                    let row = (m.topic().to_owned(), m.partition(), m.offset(), reason);
                    lock(&self.0.rejections).push(row);
                }
            }
            Err((err, _)) if reason == Some(Reason::Oversize) => {
                tracing::debug!(error = %err, "Oversize drill refused.");
                self.0.oversize_refused.fetch_add(1, Ordering::Relaxed);
            }
            Err((err, _)) => {
                self.0.failed.fetch_add(1, Ordering::Relaxed);
                lock(&self.0.first_error).get_or_insert_with(|| err.to_string());
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn to_kafka(
    mut generator: Generator,
    brokers: &str,
    truth: Option<&Path>,
    progress: &ProgressBar,
) -> anyhow::Result<Stats> {
    let deliveries = Arc::new(Deliveries::default());
    let producer: ThreadedProducer<Reports> = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        // Let oversize drills through to the broker, which decides.
        .set("message.max.bytes", "4194304")
        .set("linger.ms", "20")
        .set("queue.buffering.max.messages", "500000")
        .set("queue.buffering.max.kbytes", "1048576")
        .create_with_context(Reports(Arc::clone(&deliveries)))
        .with_context(|| format!("cannot create a Kafka producer for {brokers}"))?;
    let mut pii = match truth {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            Some(create(dir, PII_FILE)?)
        }
        None => None,
    };
    let mut count = 0u64;
    while let Some(m) = generator.next() {
        let opaque = m.broken.map_or(0, |r| {
            1 + Reason::ALL.iter().position(|x| *x == r).unwrap_or(0)
        });
        let mut record = BaseRecord::with_opaque_to(m.kind.topic(), opaque)
            .key(m.key.as_bytes())
            .payload(&m.payload[..]);
        loop {
            match producer.send(record) {
                Ok(()) => break,
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                    record = back;
                    producer.poll(Duration::from_millis(5));
                }
                Err((err, _)) if m.broken == Some(Reason::Oversize) => {
                    tracing::debug!(error = %err, "Oversize drill refused by the producer.");
                    deliveries.oversize_refused.fetch_add(1, Ordering::Relaxed);
                    break;
                }
                Err((err, _)) => return Err(err).context("cannot produce to Kafka"),
            }
        }
        if let Some(out) = pii.as_mut() {
            write_pii(out, &m)?;
        }
        count += 1;
        if count & (PROGRESS_EVERY - 1) == 0 {
            show(progress, &generator);
        }
    }
    producer
        .flush(Duration::from_secs(120))
        .context("not every message was delivered within two minutes")?;
    if let (Some(dir), Some(mut out)) = (truth, pii) {
        out.flush()?;
        let mut rows = std::mem::take(&mut *lock(&deliveries.rejections));
        rows.sort();
        let mut out = create(dir, REJECTIONS_FILE)?;
        for (topic, partition, offset, reason) in rows {
            writeln!(out, "{topic}\t{partition}\t{offset}\t{}", reason.code())?;
        }
        out.flush()?;
        let mut out = create(dir, PRODUCED_FILE)?;
        for ((topic, partition), end) in lock(&deliveries.ends).iter() {
            writeln!(out, "{topic}\t{partition}\t{end}")?;
        }
        out.flush()?;
    }
    let refused = deliveries.oversize_refused.load(Ordering::Relaxed);
    if refused > 0 {
        tracing::warn!(refused, "Kafka refused some oversize drill messages: raise max.message.bytes on the topics to send them.");
    }
    let failed = deliveries.failed.load(Ordering::Relaxed);
    if failed > 0 {
        let first = lock(&deliveries.first_error).clone().unwrap_or_default();
        bail!("{failed} messages were not delivered; the first error: {first}");
    }
    Ok(generator.stats())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: GenerateArgs,
    }

    #[test]
    fn defaults_match_the_library() {
        let cli = Cli::try_parse_from(["stf", "--out", "x"]).expect("parses");
        assert_eq!(
            cli.args.config(),
            GeneratorConfig {
                plans: 1000,
                seed: 42,
                ..GeneratorConfig::default()
            }
        );
        assert!(
            Cli::try_parse_from(["stf"]).is_err(),
            "--out or --brokers is required"
        );
        assert!(Cli::try_parse_from(["stf", "--out", "x", "--brokers", "b:9092"]).is_err());
        let cli = Cli::try_parse_from([
            "stf",
            "--brokers",
            "b:9092",
            "--councils",
            "E08000004,E06000001",
        ])
        .expect("parses");
        assert_eq!(cli.args.councils, ["E08000004", "E06000001"]);
    }

    #[test]
    fn files_and_truth_agree() {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = GeneratorConfig {
            plans: 60,
            bad_fraction: 0.2,
            pii_fraction: 0.3,
            ..GeneratorConfig::default()
        };
        let stats = to_files(
            Generator::new(config).expect("valid"),
            dir.path(),
            &ProgressBar::hidden(),
        )
        .expect("writes");
        let read = |name: &str| std::fs::read(dir.path().join(name)).expect("file exists");
        let lines = |bytes: &[u8]| {
            bytes
                .split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .map(<[u8]>::to_vec)
                .collect::<Vec<_>>()
        };
        let plans = lines(&read(PLANS_FILE));
        let services = lines(&read(SERVICES_FILE));
        assert_eq!((plans.len() + services.len()) as u64, stats.messages());
        let rejections = String::from_utf8(read(REJECTIONS_FILE)).expect("UTF-8");
        assert_eq!(rejections.lines().count() as u64, stats.bad);
        for row in rejections.lines() {
            let f: Vec<&str> = row.split('\t').collect();
            let file = if f[0] == PLANS_FILE {
                &plans
            } else {
                &services
            };
            let line: usize = f[1].parse().expect("a line number");
            let reason = stf_schemas::validate::decode(&file[line - 1])
                .expect_err("a bad line is rejected")
                .reason;
            assert_eq!(reason.code(), f[2]);
        }
        let pii = String::from_utf8(read(PII_FILE)).expect("UTF-8");
        assert_eq!(pii.lines().count() as u64, stats.pii);
    }
}
