//! `stf demo`: from a fresh checkout to a running dashboard with no Kafka — generate a
//! realistic data set, ingest it through the file source, transform it, and serve the
//! dashboard and the API on localhost with a one-off demo token.
//!
//! Every step is the real one (`stf generate`, `stf ingest --input`, `stf transform`,
//! `stf serve`), called through the functions those subcommands use. Run again with the same
//! settings, the demo reuses what it built.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use rand::Rng;
use serde_json::json;
use stf_generator::{Generator, GeneratorConfig, NaiveDate, DEFAULT_COUNCILS};
use stf_ingest::{FileSourceConfig, FlushPolicy, Metrics};
use stf_query::http::Tokens;
use stf_store::Store;
use stf_transform::{RunOutcome, Step, TransformConfig, Transformer};

use super::serve::{self, ServerArgs};

/// The settings a demo directory was built with.
const SETTINGS_FILE: &str = "demo-settings.json";

/// Generate, ingest, transform and serve a realistic demo data set.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Where the demo keeps its events and store (default: stf-demo in the temp directory).
    /// Run again with the same settings, it reuses them.
    #[arg(long, env = "STF_DEMO_DIR")]
    pub dir: Option<PathBuf>,

    /// How many support plans to generate.
    #[arg(long, env = "STF_DEMO_PLANS", default_value_t = 50_000)]
    pub plans: u64,

    /// Seed of the generator: the same seed gives the same data.
    #[arg(long, env = "STF_DEMO_SEED", default_value_t = 42)]
    pub seed: u64,

    /// Councils (comma-separated GSS codes).
    #[arg(long, env = "STF_DEMO_COUNCILS", value_delimiter = ',', default_values = DEFAULT_COUNCILS)]
    pub councils: Vec<String>,

    /// First day events may occur on.
    #[arg(long, env = "STF_DEMO_FROM", default_value = "2023-01-01")]
    pub from: NaiveDate,

    /// Last day events may occur on.
    #[arg(long, env = "STF_DEMO_TO", default_value = "2025-12-31")]
    pub to: NaiveDate,

    /// Serve here (HOST:PORT; port 0 picks a free one).
    #[arg(long, env = "STF_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// Build the data and exit without serving.
    #[arg(long, env = "STF_DEMO_NO_SERVE")]
    pub no_serve: bool,

    #[command(flatten)]
    pub server: ServerArgs,
}

impl DemoArgs {
    fn generator_config(&self) -> GeneratorConfig {
        GeneratorConfig {
            plans: self.plans,
            seed: self.seed,
            councils: self.councils.clone(),
            from: self.from,
            to: self.to,
            ..GeneratorConfig::default()
        }
    }

    fn settings(&self) -> serde_json::Value {
        json!({
            "plans": self.plans,
            "seed": self.seed,
            "councils": self.councils,
            "from": self.from.to_string(),
            "to": self.to.to_string(),
        })
    }
}

pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("stf-demo"));
    let (events, store_dir) = (dir.join("events"), dir.join("store"));
    let reuse = prepare(&dir, &args.settings())?;
    std::fs::create_dir_all(&store_dir)
        .with_context(|| format!("cannot create {}", store_dir.display()))?;

    if reuse {
        step_done(
            1,
            "Reusing the events and store",
            &dir.display().to_string(),
            Duration::ZERO,
        );
    } else {
        generate(&args, &events).await?;
        ingest(&events, &store_dir).await?;
    }
    transform(&store_dir).await?;

    let token = demo_token();
    let tokens: Tokens = format!("demo:{token}").parse()?;
    let at = Instant::now();
    let server = serve::start(&store_dir, args.addr, &args.server, tokens).await?;
    step_done(4, "Computed the published aggregates", "", at.elapsed());
    let addr = server.local_addr()?;
    eprintln!("Ready in {:.0} s.", started.elapsed().as_secs_f64());
    print_welcome(addr, &token, &store_dir);
    if args.no_serve {
        return Ok(());
    }
    server.run(super::shutdown_signal()).await?;
    Ok(())
}

/// Makes `dir` hold a demo of `settings`: true when it already holds a finished one.
fn prepare(dir: &Path, settings: &serde_json::Value) -> anyhow::Result<bool> {
    let marker = dir.join(SETTINGS_FILE);
    match std::fs::read(&marker) {
        Ok(bytes) => {
            let found: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            if &found != settings {
                bail!(
                    "{} holds a demo of {} plans (seed {}) built with other settings than these; \
                     remove it or pass another --dir",
                    dir.display(),
                    found["plans"],
                    found["seed"]
                );
            }
            Ok(dir.join("store").join("plans").is_dir())
        }
        Err(_) if dir.read_dir().is_ok_and(|mut d| d.next().is_some()) => bail!(
            "{} is not empty and holds no demo; remove it or pass another --dir",
            dir.display()
        ),
        Err(_) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            std::fs::write(&marker, serde_json::to_vec_pretty(settings)?)
                .with_context(|| format!("cannot write {}", marker.display()))?;
            Ok(false)
        }
    }
}

async fn generate(args: &DemoArgs, events: &Path) -> anyhow::Result<()> {
    let at = Instant::now();
    let generator =
        Generator::new(args.generator_config()).context("cannot generate from these settings")?;
    let bar = bar(
        args.plans,
        "[1/4] generate {bar:30} {human_pos}/{human_len} plans {msg}",
    );
    let dir = events.to_owned();
    let worker = bar.clone();
    let stats =
        tokio::task::spawn_blocking(move || super::generate::to_files(generator, &dir, &worker))
            .await??;
    bar.finish_and_clear();
    step_done(
        1,
        "Generated",
        &format!(
            "{} plans, {} messages, {} councils",
            stats.plans,
            stats.messages(),
            args.councils.len()
        ),
        at.elapsed(),
    );
    Ok(())
}

async fn ingest(events: &Path, store_dir: &Path) -> anyhow::Result<()> {
    let at = Instant::now();
    let store = Store::open(store_dir)
        .with_context(|| format!("cannot open the store at {}", store_dir.display()))?;
    let config = FileSourceConfig {
        inputs: vec![
            events.join(super::generate::PLANS_FILE),
            events.join(super::generate::SERVICES_FILE),
        ],
        dead_letter_dir: store_dir.join("dead-letters"),
        flush: FlushPolicy::default(),
    };
    let bar = bar(
        0,
        "[2/4] ingest   {bar:30} {bytes}/{total_bytes} {bytes_per_sec}",
    );
    let summary = super::ingest::ingest_files(store, &config, &Metrics::default(), &bar).await?;
    bar.finish_and_clear();
    step_done(
        2,
        "Ingested",
        &format!(
            "{} events accepted, {} rejected, {} already held",
            summary.accepted, summary.rejected, summary.replayed
        ),
        at.elapsed(),
    );
    Ok(())
}

async fn transform(store_dir: &Path) -> anyhow::Result<()> {
    let at = Instant::now();
    let store = Store::open(store_dir)
        .with_context(|| format!("cannot open the store at {}", store_dir.display()))?;
    let transformer = Transformer::new(store, TransformConfig::default())
        .context("cannot start the transform")?;
    let bar = bar(
        Step::ALL.len() as u64,
        "[3/4] transform {bar:30} {pos}/{len} {msg}",
    );
    let on_step = |step: Step| {
        bar.set_position(step.index() as u64);
        bar.set_message(step.label());
    };
    let outcome = transformer.run_once(&on_step).await?;
    bar.finish_and_clear();
    let detail = match outcome {
        RunOutcome::Published(p) => format!("publication {}", p.manifest.publication_id),
        RunOutcome::UpToDate(m) => format!("publication {} (up to date)", m.publication_id),
    };
    step_done(3, "Transformed", &detail, at.elapsed());
    Ok(())
}

/// A progress bar on a terminal; hidden otherwise (each step still prints one line).
fn bar(len: u64, template: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

fn step_done(step: u8, what: &str, detail: &str, elapsed: Duration) {
    let detail = if detail.is_empty() {
        String::new()
    } else {
        format!(": {detail}")
    };
    eprintln!("[{step}/4] {what}{detail} ({:.1} s)", elapsed.as_secs_f64());
}

/// 24 random bytes in hex: the demo's token, shown once.
fn demo_token() -> String {
    let bytes: [u8; 24] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Three queries a commissioner might start with.
const EXAMPLES: [(&str, &str); 3] = [
    (
        "Demand by category across the councils",
        "SELECT category, sum(people) AS people, sum(budget_gbp) AS budget_gbp FROM demand GROUP BY category ORDER BY people DESC",
    ),
    (
        "Categories in demand with no local service",
        "SELECT local_authority, category, people, unmet_people FROM gap WHERE services = 0 ORDER BY people DESC LIMIT 10",
    ),
    (
        "The monthly trend of demand for employment",
        "SELECT month, sum(people) AS people FROM demand_monthly WHERE category = 'employment' GROUP BY month ORDER BY month",
    ),
];

fn print_welcome(addr: SocketAddr, token: &str, store_dir: &Path) {
    let store = store_dir.display();
    println!();
    println!("Dashboard:  http://{addr}/");
    println!("API:        http://{addr}/api/v1/openapi.json");
    println!("Demo token: {token}   (name: demo; shown once, valid while this demo runs)");
    println!();
    for (what, sql) in EXAMPLES {
        println!("# {what}");
        println!("stf sql --store {store} \"{sql}\"");
        println!();
    }
    println!("# The same over HTTP");
    println!(
        "curl -s -H 'Authorization: Bearer {token}' -H 'Accept: text/csv' --data-binary \"{}\" http://{addr}/api/v1/sql",
        EXAMPLES[0].1
    );
    println!();
    println!("Press Ctrl-C to stop.");
}
