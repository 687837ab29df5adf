//! Which version of each table a publication means, and opening them all at those versions.
//!
//! - `plans`: the version whose commit holds the manifest;
//! - the other derived tables: the versions the manifest lists;
//! - `plan_events`, `service_events`: the versions the publication was built from;
//! - `rejected_events`, which no publication reads: its last version committed no later than
//!   the publication (or none, if it did not exist yet).

use chrono::{DateTime, Utc};
use deltalake::{DeltaTable, DeltaTableBuilder};
use futures::future::try_join_all;
use stf_schemas::tables::Table;
use stf_store::Store;

use crate::{Error, Published, Result};

/// A table opened at the version a publication pins, or `None` for a table that did not
/// exist at the time (queries see it empty).
pub(crate) struct Pinned {
    pub table: Table,
    pub delta: Option<DeltaTable>,
}

impl Pinned {
    /// The pinned version, if the table existed.
    pub fn version(&self) -> Option<u64> {
        self.delta.as_ref().and_then(DeltaTable::version)
    }
}

/// Opens every table of the store at the versions `published` pins, concurrently.
pub(crate) async fn open_all(store: &Store, published: &Published) -> Result<Vec<Pinned>> {
    try_join_all(
        Table::ALL
            .into_iter()
            .map(|table| open(store, published, table)),
    )
    .await
}

async fn open(store: &Store, published: &Published, table: Table) -> Result<Pinned> {
    let manifest = &published.manifest;
    let version = match table {
        Table::Plans => published.plans_version,
        Table::PlanEvents => manifest.sources.plan_events,
        Table::ServiceEvents => manifest.sources.service_events,
        Table::RejectedEvents => {
            let delta = open_as_of(store, table, published.committed_at_ms).await?;
            return Ok(Pinned { table, delta });
        }
        derived => manifest
            .tables
            .get(derived.name())
            .copied()
            .ok_or_else(|| Error::IncompleteManifest {
                publication_id: manifest.publication_id.clone(),
                table: derived.name(),
            })?,
    };
    let delta = store.load_version(table, version).await?;
    Ok(Pinned {
        table,
        delta: Some(delta),
    })
}

/// Opens `table` at its last version committed no later than `at_ms` (its latest when the
/// time is unknown), or `None` when it had no version by then.
async fn open_as_of(store: &Store, table: Table, at_ms: Option<i64>) -> Result<Option<DeltaTable>> {
    let Some(latest) = store.load(table).await? else {
        return Ok(None);
    };
    let Some(at) = at_ms.and_then(DateTime::<Utc>::from_timestamp_millis) else {
        return Ok(Some(latest));
    };
    let failed = |source| Error::OpenTable {
        table: table.name(),
        version: format!("as of {at}"),
        source: Box::new(source),
    };
    let mut delta = DeltaTableBuilder::from_url(store.table_url(table)?)
        .and_then(|b| b.build())
        .map_err(failed)?;
    delta.load_with_datetime(at).await.map_err(failed)?;
    // Time travel to before the first commit lands on the first commit: that is "none yet".
    // (Delta dates a version by its commit file, as time travel does.)
    let first_commit_ms = delta
        .snapshot()
        .ok()
        .and_then(|state| state.version_timestamp(0));
    if delta.version() == Some(0) && first_commit_ms.is_some_and(|ms| ms > at.timestamp_millis()) {
        return Ok(None);
    }
    Ok(Some(delta))
}
