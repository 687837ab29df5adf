//! A store for the query tests, built through the real libraries: generated events written as
//! NDJSON, ingested by the file source, published by the transform.

use std::io::Write;
use std::path::PathBuf;

use stf_generator::{Generator, GeneratorConfig};
use stf_ingest::{FileSourceConfig, FlushPolicy, Metrics, Sink};
use stf_schemas::event::EventKind;
use stf_store::Store;
use stf_transform::{RunOutcome, TransformConfig, Transformer};

/// A temporary store holding at least one publication; removed on drop.
pub struct TestStore {
    dir: tempfile::TempDir,
    pub store: Store,
}

impl TestStore {
    /// A store with `plans` generated plans (2 % of messages bad, so `rejected_events` has
    /// rows), ingested and published.
    pub async fn new(plans: u64, seed: u64) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let store = Store::open(dir.path().join("store"))?;
        let t = Self { dir, store };
        t.add(plans, seed).await?;
        Ok(t)
    }

    /// Generates and ingests `plans` more plans and publishes again; the new publication's id.
    pub async fn add(&self, plans: u64, seed: u64) -> anyhow::Result<String> {
        let events = self.write_events(plans, seed)?;
        let mut sink = Sink::open(self.store.clone()).await?;
        let config = FileSourceConfig {
            inputs: vec![events.clone()],
            dead_letter_dir: events.join("dlq"),
            flush: FlushPolicy::default(),
        };
        stf_ingest::ingest_files(&mut sink, &config, &Metrics::default(), &mut |_, _, _| {})
            .await?;
        let transformer = Transformer::new(self.store.clone(), TransformConfig::default())?;
        match transformer.run_once(&|_| {}).await? {
            RunOutcome::Published(p) => Ok(p.manifest.publication_id),
            RunOutcome::UpToDate(m) => {
                anyhow::bail!("nothing new to publish after {}", m.publication_id)
            }
        }
    }

    fn write_events(&self, plans: u64, seed: u64) -> anyhow::Result<PathBuf> {
        let dir = self.dir.path().join(format!("events-{seed}"));
        std::fs::create_dir_all(&dir)?;
        let mut plan_file =
            std::io::BufWriter::new(std::fs::File::create(dir.join("plans.ndjson"))?);
        let mut service_file =
            std::io::BufWriter::new(std::fs::File::create(dir.join("services.ndjson"))?);
        let generator = Generator::new(GeneratorConfig {
            plans,
            seed,
            bad_fraction: 0.02,
            ..GeneratorConfig::default()
        })?;
        for message in generator {
            let out = match message.kind {
                EventKind::SupportPlan => &mut plan_file,
                EventKind::ProviderService => &mut service_file,
            };
            out.write_all(&message.payload)?;
            out.write_all(b"\n")?;
        }
        plan_file.flush()?;
        service_file.flush()?;
        Ok(dir)
    }
}
