//! One publication, queryable: every table registered in a DataFusion session at the version
//! the publication pins, and untrusted SQL run against it under the catalog's limits.

use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use datafusion::datasource::MemTable;
use datafusion::execution::runtime_env::RuntimeEnv;
use datafusion::prelude::SessionContext;
use deltalake::DeltaTable;
use stf_schemas::tables::Table;
use stf_store::Store;
use stf_transform::Manifest;

use crate::pin::{self, Pinned};
use crate::{execute, session, Error, Limits, Published, QueryOutput, Result};

/// Every table at the versions of one publication, in a session of its own. Immutable: a
/// newer publication is a new snapshot, so a query started on this one finishes on it.
pub struct Snapshot {
    published: Published,
    versions: Vec<(Table, Option<u64>)>,
    ctx: SessionContext,
    limits: Limits,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("publication_id", &self.publication_id())
            .field("versions", &self.versions)
            .finish_non_exhaustive()
    }
}

impl Snapshot {
    /// Opens every table at the versions `published` pins and registers them.
    pub(crate) async fn open(
        store: &Store,
        published: Published,
        limits: Limits,
        runtime: Arc<RuntimeEnv>,
    ) -> Result<Self> {
        let pinned = pin::open_all(store, &published).await?;
        let ctx = session::context(&limits, runtime);
        let sizes: Vec<(Table, i64)> = pinned
            .iter()
            .filter_map(|p| p.delta.as_ref().map(|d| (p.table, file_bytes(d))))
            .collect();
        let held = in_memory_tables(&sizes, IN_MEMORY_BYTES);
        let mut versions = Vec::with_capacity(pinned.len());
        for p in pinned {
            versions.push((p.table, p.version()));
            let hold = held.contains(&p.table);
            register(&ctx, p, hold).await?;
        }
        tracing::debug!(
            publication_id = %published.manifest.publication_id,
            plans_version = published.plans_version,
            "Opened publication."
        );
        Ok(Self {
            published,
            versions,
            ctx,
            limits,
        })
    }

    /// The manifest of this snapshot's publication.
    pub fn manifest(&self) -> &Manifest {
        &self.published.manifest
    }

    /// The publication, with the version of `plans` holding its manifest and its commit time.
    pub fn published(&self) -> &Published {
        &self.published
    }

    /// The id of this snapshot's publication.
    pub fn publication_id(&self) -> &str {
        &self.published.manifest.publication_id
    }

    /// The version each table is pinned at (`None`: the table did not exist yet and reads as
    /// empty), in [`Table::ALL`] order. Together they identify what every query here reads.
    pub fn table_versions(&self) -> &[(Table, Option<u64>)] {
        &self.versions
    }

    /// The names of the queryable tables and their schemas, in [`Table::ALL`] order.
    pub fn tables(&self) -> Vec<(&'static str, SchemaRef)> {
        Table::ALL.iter().map(|t| (t.name(), t.schema())).collect()
    }

    /// The limits untrusted queries run under.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Runs one untrusted SQL statement: refused unless it only reads (see the `guard`
    /// module), stopped when it needs more memory or time than the limits allow, and its
    /// result cut at the row and byte caps (`truncated` says so).
    pub async fn query(&self, sql: &str) -> Result<QueryOutput> {
        execute::run(&self.ctx, sql, &self.limits).await
    }

    /// The session holding this snapshot's tables, for trusted queries of our own (the
    /// published aggregates). No guard, no timeout, no caps: never hand it user SQL.
    pub fn context(&self) -> &SessionContext {
        &self.ctx
    }
}

/// Tables are read into memory when the snapshot opens, the smallest first, while their files
/// at the pinned versions come to at most this many bytes in all: the measure tables
/// dashboards and providers ask for all the time, and `plans` (34 MB of files and some
/// 200 MB decoded at 1M plans), which most commissioner queries group or join. A snapshot
/// never changes, so neither does what it holds. The budget is for all tables together, so
/// what a snapshot holds stays bounded however the tables grow. It bounds file bytes, not
/// memory: decoded, the files measured at 1M plans grew 6–15 times (`plans` 34 MB to
/// 203 MB, `planned_support` 40 MB to 601 MB), and a table that compresses better would grow
/// more. The rest (`outcomes`, `planned_support`, the event tables at 1M plans) are read from
/// their files.
const IN_MEMORY_BYTES: i64 = 64 << 20;

/// The tables to hold in memory: the smallest first, while their sizes add up to at most
/// `budget`.
fn in_memory_tables(sizes: &[(Table, i64)], budget: i64) -> Vec<Table> {
    let mut by_size = sizes.to_vec();
    by_size.sort_by_key(|&(_, bytes)| bytes);
    let mut total = 0i64;
    by_size
        .into_iter()
        .take_while(|&(_, bytes)| {
            total = total.saturating_add(bytes);
            total <= budget
        })
        .map(|(table, _)| table)
        .collect()
}

/// Registers a pinned table under its name: in memory when `hold` (see [`IN_MEMORY_BYTES`]),
/// otherwise through delta-rs's provider (file skipping on statistics and partition values);
/// as an empty table when it did not exist.
async fn register(ctx: &SessionContext, pinned: Pinned, hold: bool) -> Result<()> {
    let name = pinned.table.name();
    let provider: Arc<dyn datafusion::catalog::TableProvider> = match pinned.delta {
        Some(delta) if hold => {
            let provider = delta_provider(ctx, name, &delta).await?;
            // Memory is an optimisation: a table that does not fit the session's memory pool
            // is still served, from its files.
            match in_memory(ctx, provider.clone()).await {
                Ok(table) => table,
                Err(e) => {
                    tracing::warn!(table = name, error = %e, "Serving a small table from its files: it did not fit in memory.");
                    provider
                }
            }
        }
        Some(delta) => delta_provider(ctx, name, &delta).await?,
        None => Arc::new(
            MemTable::try_new(pinned.table.schema(), vec![Vec::new()])
                .map_err(Error::engine("registering an empty table"))?,
        ),
    };
    ctx.register_table(name, provider)
        .map_err(Error::engine("registering a table"))?;
    Ok(())
}

/// The bytes of the files of `delta`'s version (unknown: more than any limit).
fn file_bytes(delta: &DeltaTable) -> i64 {
    delta.snapshot().map_or(i64::MAX, |s| {
        s.log_data().into_iter().map(|f| f.size()).sum::<i64>()
    })
}

/// `provider`'s rows, read now, as a table in memory split into the session's partitions.
async fn in_memory(
    ctx: &SessionContext,
    provider: Arc<dyn datafusion::catalog::TableProvider>,
) -> Result<Arc<dyn datafusion::catalog::TableProvider>> {
    const STEP: &str = "reading a small table into memory";
    let schema = provider.schema();
    let partitions = ctx
        .read_table(provider)
        .map_err(Error::engine(STEP))?
        .collect_partitioned()
        .await
        .map_err(Error::engine(STEP))?;
    let table = MemTable::try_new(schema, partitions).map_err(Error::engine(STEP))?;
    Ok(Arc::new(table))
}

pub(crate) async fn delta_provider(
    ctx: &SessionContext,
    name: &'static str,
    delta: &DeltaTable,
) -> Result<Arc<dyn datafusion::catalog::TableProvider>> {
    delta
        .update_datafusion_session(&ctx.state())
        .map_err(|source| Error::OpenTable {
            table: name,
            version: delta.version().map_or("none".into(), |v| v.to_string()),
            source: Box::new(source),
        })?;
    // Given the session, the scan follows its settings (plain strings, not string views).
    delta
        .table_provider()
        .with_session(Arc::new(ctx.state()))
        .await
        .map_err(Error::engine("opening a Delta table"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smallest_tables_are_held_within_one_budget_for_all() {
        let sizes = [
            (Table::Outcomes, 72),
            (Table::Demand, 1),
            (Table::Plans, 34),
            (Table::Gap, 1),
            (Table::PlannedSupport, 40),
        ];
        let held = in_memory_tables(&sizes, 64);
        assert_eq!(held, [Table::Demand, Table::Gap, Table::Plans]);
        assert!(in_memory_tables(&sizes, 1).len() == 1);
        assert!(in_memory_tables(&[(Table::PlanEvents, i64::MAX)], 64).is_empty());
    }
}
