//! One transform run: read pinned versions of the event tables, select the current plans and
//! services, build the row tables and the measures, and publish them all — or do nothing when
//! the latest publication was made from the same inputs.
//!
//! A run reads only the events committed since the last publication, beside the few events
//! that decided each plan and service last time ([`crate::state`]); the first run reads them
//! all. The new state is written first and the current plans are read back from it. Every
//! current plan is categorised and every measure recounted on each run (answers remembered
//! per distinct text), so a new taxonomy version or a changed setting recategorises and
//! recounts all of it.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::{Duration, Instant};

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::TimestampMicrosecondType;
use stf_schemas::tables::Table;
use stf_store::Store;

use crate::categorise::Categoriser;
use crate::measures::{self, MeasureConfig};
use crate::publish::{self, Manifest, SourceVersions, MANIFEST_KEY};
use crate::rows::{self, Cache, PlanWriters, RowCounts};
use crate::state::{self, Mode};
use crate::{current, session, Error, Result};

/// How a transform runs.
#[derive(Debug, Clone, Copy)]
pub struct TransformConfig {
    /// The most memory the query engine's operators may hold; sorts and aggregations spill
    /// to disk beyond it. The `plans` and `services` rows being published are held in memory
    /// besides; the larger row tables stream to their files.
    pub memory_limit_bytes: usize,
    /// Partitions (threads) the query engine uses.
    pub partitions: usize,
    pub measures: MeasureConfig,
}

impl Default for TransformConfig {
    fn default() -> Self {
        Self {
            memory_limit_bytes: 2 << 30,
            partitions: std::thread::available_parallelism().map_or(2, usize::from),
            measures: MeasureConfig::default(),
        }
    }
}

/// The steps of a run, for progress reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    CheckSources,
    State,
    CurrentPlans,
    CurrentServices,
    Measures,
    Publish,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Self::CheckSources,
        Self::State,
        Self::CurrentPlans,
        Self::CurrentServices,
        Self::Measures,
        Self::Publish,
    ];

    /// A short description of the step.
    pub fn label(self) -> &'static str {
        match self {
            Self::CheckSources => "checking the event tables",
            Self::State => "the events that decide each plan",
            Self::CurrentPlans => "current plans, outcomes and planned support",
            Self::CurrentServices => "current services",
            Self::Measures => "measures",
            Self::Publish => "publishing",
        }
    }

    /// The step's position in [`Step::ALL`].
    pub fn index(self) -> usize {
        Self::ALL.iter().position(|&s| s == self).unwrap_or(0)
    }
}

/// What a run did.
#[derive(Debug, Clone)]
pub enum RunOutcome {
    /// The latest publication was already made from these inputs: nothing was written.
    UpToDate(Manifest),
    /// A new publication was written.
    Published(Publication),
}

/// A publication this run wrote.
#[derive(Debug, Clone)]
pub struct Publication {
    pub manifest: Manifest,
    /// The version `plans` (and its manifest) was given.
    pub plans_version: u64,
    pub rows: RowCounts,
    /// Whether the run read every event or only the new ones.
    pub mode: Mode,
    pub elapsed: Duration,
}

/// Builds and publishes the derived tables of a store.
#[derive(Debug)]
pub struct Transformer {
    store: Store,
    config: TransformConfig,
    categoriser: Categoriser,
}

impl Transformer {
    /// A transformer using the taxonomy in force.
    pub fn new(store: Store, config: TransformConfig) -> Result<Self> {
        Ok(Self::with_categoriser(
            store,
            config,
            Categoriser::current()?,
        ))
    }

    /// A transformer using a given categoriser (another taxonomy version, in tests).
    pub fn with_categoriser(
        store: Store,
        config: TransformConfig,
        categoriser: Categoriser,
    ) -> Self {
        Self {
            store,
            config,
            categoriser,
        }
    }

    fn settings(&self) -> BTreeMap<String, serde_json::Value> {
        BTreeMap::from([(
            "pooling_min_people".to_owned(),
            serde_json::Value::from(self.config.measures.pooling_min_people),
        )])
    }

    /// Runs once: publishes unless the latest publication was made from the same event-table
    /// versions, taxonomy and settings. `on_step` hears of each step as it starts.
    pub async fn run_once(&self, on_step: &(dyn Fn(Step) + Sync)) -> Result<RunOutcome> {
        let started = Instant::now();
        let on_step = |step: Step| {
            tracing::debug!(
                step = step.label(),
                seconds = started.elapsed().as_secs_f64(),
                "Transform step."
            );
            on_step(step);
        };
        on_step(Step::CheckSources);
        let plan_events = self.store.load_or_create(Table::PlanEvents).await?;
        let service_events = self.store.load_or_create(Table::ServiceEvents).await?;
        let sources = SourceVersions {
            plan_events: plan_events.version().unwrap_or(0),
            service_events: service_events.version().unwrap_or(0),
        };
        let settings = self.settings();
        let latest = publish::latest(&self.store).await?;
        if let Some(latest) = &latest {
            if latest.covers(sources, self.categoriser.version(), &settings) {
                tracing::info!(
                    publication_id = %latest.publication_id,
                    plan_events = sources.plan_events,
                    service_events = sources.service_events,
                    "Derived tables are up to date."
                );
                return Ok(RunOutcome::UpToDate(latest.clone()));
            }
        }
        let publication_id = publication_id(sources);
        let partitions = self.config.partitions.max(1);
        let ctx = session::context(self.config.memory_limit_bytes, partitions)?;
        let mode = state::register_sources(
            &ctx,
            &self.store,
            latest.as_ref(),
            &plan_events,
            &service_events,
        )
        .await?;
        tracing::info!(?mode, "Reading events.");
        let common = vec![
            (
                "stf.publication_id".to_owned(),
                serde_json::Value::from(publication_id.as_str()),
            ),
            (
                "stf.sources".to_owned(),
                serde_json::to_value(sources).unwrap_or_default(),
            ),
        ];
        // The state keeps only deciding events, so the latest event time is carried over.
        let carried = match mode {
            Mode::Full => None,
            Mode::Incremental { .. } => latest.as_ref().and_then(|m| m.last_plan_event),
        };
        let last_event = current::last_plan_event(&ctx).await?.max(carried);

        // The state is written first; the current plans are read back from it, a fraction of
        // the events.
        on_step(Step::State);
        let plan_state = state::write_plan_state(&ctx, &self.store, common.clone()).await?;
        let service_state = state::service_state(&ctx).await?;
        let state_table = self
            .store
            .load_version(Table::PlanState, plan_state.version)
            .await?;
        session::register_delta(&ctx, STATE, &state_table).await?;

        on_step(Step::CurrentPlans);
        let mut cache = Cache::new(&self.categoriser);
        let (mut sink, outcomes, planned_support) = PlanWriters::new();
        let produce = async {
            let current = current::plans_from(&ctx, STATE).await?;
            rows::add_plans(&mut sink, current, &mut cache, &publication_id).await?;
            Ok::<_, Error>(sink.finish())
        };
        // Should a step fail, the sink is dropped unfinished: its streams end in an error and
        // their writers commit nothing. All three run to their end, so that the error
        // reported is the first cause, not its echo in the others.
        let (plans, outcomes, planned_support) = match tokio::join!(
            produce,
            publish::replace_stream(&self.store, Table::Outcomes, outcomes, common.clone()),
            publish::replace_stream(
                &self.store,
                Table::PlannedSupport,
                planned_support,
                common.clone()
            ),
        ) {
            (Ok(plans), Ok(outcomes), Ok(planned_support)) => (plans, outcomes, planned_support),
            (produced, outcomes, planned_support) => {
                return Err(first_cause(
                    produced.err(),
                    outcomes.err(),
                    planned_support.err(),
                ))
            }
        };

        on_step(Step::CurrentServices);
        let services =
            rows::services(current::services(&ctx).await?, &mut cache, &publication_id).await?;
        let (reused, categorised) = cache.stats();
        tracing::info!(reused, categorised, "Categorised texts.");
        drop(cache);

        on_step(Step::Measures);
        session::register_batches(&ctx, "plans", Table::Plans.schema(), &plans, partitions)?;
        session::register_batches(
            &ctx,
            "services",
            Table::Services.schema(),
            &services,
            partitions,
        )?;
        for (name, table, commit) in [
            ("outcomes", Table::Outcomes, &outcomes),
            ("planned_support", Table::PlannedSupport, &planned_support),
        ] {
            let written = self.store.load_version(table, commit.version).await?;
            session::register_delta(&ctx, name, &written).await?;
        }
        let months = first_agreed(&plans)?
            .and_then(measures::month_number)
            .zip(last_event.and_then(measures::month_number))
            .filter(|(first, last)| first <= last);
        let measure_tables = measures::compute(
            &ctx,
            self.config.measures,
            months,
            partitions,
            &publication_id,
        )
        .await?;
        drop(ctx);

        on_step(Step::Publish);
        let count = |b: &[RecordBatch]| b.iter().map(RecordBatch::num_rows).sum();
        let rows = RowCounts {
            plans: count(&plans),
            outcomes: outcomes.rows,
            planned_support: planned_support.rows,
            services: count(&services),
        };
        let mut manifest = Manifest {
            publication_id: publication_id.clone(),
            sources,
            taxonomy_version: self.categoriser.version().to_owned(),
            settings,
            tables: BTreeMap::new(),
            last_plan_event: last_event,
        };
        for (table, commit) in [
            (Table::PlanState, &plan_state),
            (Table::Outcomes, &outcomes),
            (Table::PlannedSupport, &planned_support),
        ] {
            manifest
                .tables
                .insert(table.name().to_owned(), commit.version);
        }
        let mut outputs: Vec<(Table, Vec<RecordBatch>)> = vec![(Table::Services, services)];
        outputs.extend(measure_tables.tables);
        outputs.push((Table::ServiceState, service_state));
        for (table, batches) in outputs {
            let commit = publish::replace(&self.store, table, batches, common.clone()).await?;
            manifest
                .tables
                .insert(table.name().to_owned(), commit.version);
        }
        let manifest_value =
            serde_json::to_value(&manifest).map_err(|e| Error::Config(e.to_string()))?;
        let mut plans_metadata = common;
        plans_metadata.push((MANIFEST_KEY.to_owned(), manifest_value));
        let plans = publish::replace(&self.store, Table::Plans, plans, plans_metadata).await?;
        let elapsed = started.elapsed();
        tracing::info!(
            publication_id = %publication_id,
            plan_events = sources.plan_events,
            service_events = sources.service_events,
            plans = rows.plans,
            outcomes = rows.outcomes,
            planned_support = rows.planned_support,
            services = rows.services,
            ?mode,
            seconds = elapsed.as_secs_f64(),
            "Published derived tables."
        );
        Ok(RunOutcome::Published(Publication {
            manifest,
            plans_version: plans.version,
            rows,
            mode,
            elapsed,
        }))
    }

    /// Runs every `interval` until `shutdown` resolves. A failed run is logged and retried at
    /// the next tick; the service keeps going beside the ingest.
    pub async fn watch(
        &self,
        interval: Duration,
        shutdown: impl Future<Output = ()>,
        on_step: &(dyn Fn(Step) + Sync),
    ) {
        tokio::pin!(shutdown);
        loop {
            if let Err(error) = self.run_once(on_step).await {
                tracing::error!(error = %error, "Transform run failed; retrying at the next tick.");
            }
            tokio::select! {
                () = &mut shutdown => break,
                () = tokio::time::sleep(interval) => {}
            }
        }
    }
}

/// The name this run's plan state is registered under.
const STATE: &str = "stf_plan_state";

/// A publication id: the time it was made and the event-table versions it read
/// (`20250101T120000.123456Z-p12-s3`).
fn publication_id(sources: SourceVersions) -> String {
    format!(
        "{}-p{}-s{}",
        chrono::Utc::now().format("%Y%m%dT%H%M%S%.6fZ"),
        sources.plan_events,
        sources.service_events
    )
}

/// The earliest `agreed_at` of any plan, in microseconds.
fn first_agreed(plans: &[RecordBatch]) -> Result<Option<i64>> {
    let mut first: Option<i64> = None;
    for batch in plans {
        let column = crate::columns::column(batch, "plans", "agreed_at")?;
        let values = column
            .as_primitive_opt::<TimestampMicrosecondType>()
            .ok_or_else(|| Error::Column {
                table: "plans",
                column: "agreed_at".into(),
                detail: format!(
                    "expected microsecond timestamps, found {}",
                    column.data_type()
                ),
            })?;
        if let Some(min) = arrow::compute::min(values) {
            first = Some(first.map_or(min, |f| f.min(min)));
        }
    }
    Ok(first)
}

/// Of the errors of the plan-row producer and its two writers (at least one), the cause: the
/// producer's, unless it only found a writer stopped, in which case that writer's.
fn first_cause(produced: Option<Error>, outcomes: Option<Error>, support: Option<Error>) -> Error {
    match (produced, outcomes.or(support)) {
        (Some(e @ Error::WriterStopped { .. }), Some(writer)) => {
            tracing::debug!(echo = %e, "A writer stopped the producer.");
            writer
        }
        (Some(e), _) | (None, Some(e)) => e,
        (None, None) => Error::WriterStopped { table: "outcomes" },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn broken(column: &str) -> Error {
        Error::Column {
            table: "outcomes",
            column: column.into(),
            detail: "broken".into(),
        }
    }

    #[test]
    fn the_cause_is_reported_not_its_echo() {
        let stopped = || Error::WriterStopped { table: "outcomes" };
        let cause = first_cause(Some(stopped()), None, Some(broken("writer")));
        assert!(matches!(cause, Error::Column { column, .. } if column == "writer"));
        let cause = first_cause(Some(broken("producer")), Some(broken("echo")), None);
        assert!(matches!(cause, Error::Column { column, .. } if column == "producer"));
        let cause = first_cause(None, Some(broken("writer")), None);
        assert!(matches!(cause, Error::Column { column, .. } if column == "writer"));
    }
}
