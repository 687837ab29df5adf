//! Publication: every derived table replaced, each in one commit, all carrying one
//! `publication_id`; and the manifest that says what a publication was made from.
//!
//! Tables are written one after another (Delta has no multi-table commit): the row tables and
//! measures first, `plans` last. The `plans` commit carries the **manifest** — the
//! publication id, the versions of `plan_events` and `service_events` it read, the taxonomy
//! version, the settings, and the version of every other table it wrote — so a reader that
//! wants one consistent publication reads the manifest from `plans`' latest commit and pins
//! the listed versions; a reader that does not care can compare `publication_id` columns.
//! Each of the other commits records the publication id and source versions too.

use std::collections::BTreeMap;

use arrow::array::RecordBatch;
use futures::TryStreamExt;
use serde::{Deserialize, Serialize};
use stf_schemas::tables::Table;
use stf_store::{BatchStream, Commit, Store};

use crate::{Error, Result};

/// The commit-metadata key holding a publication's [`Manifest`].
pub const MANIFEST_KEY: &str = "stf.publication";

/// The versions of the event tables a publication was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceVersions {
    pub plan_events: u64,
    pub service_events: u64,
}

/// What a publication was made from and what it wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub publication_id: String,
    pub sources: SourceVersions,
    pub taxonomy_version: String,
    /// Settings that change the output (`pooling_min_people`).
    pub settings: BTreeMap<String, serde_json::Value>,
    /// The version each other derived table (and the transform's state) was given by this
    /// publication.
    pub tables: BTreeMap<String, u64>,
    /// The latest `occurred_at` of any plan event read so far (microseconds since the epoch):
    /// the end of the data in time, carried from run to run.
    #[serde(default)]
    pub last_plan_event: Option<i64>,
}

impl Manifest {
    /// Whether a publication made from `sources` with this taxonomy and settings would be
    /// the same as this one.
    pub fn covers(
        &self,
        sources: SourceVersions,
        taxonomy_version: &str,
        settings: &BTreeMap<String, serde_json::Value>,
    ) -> bool {
        self.sources == sources
            && self.taxonomy_version == taxonomy_version
            && &self.settings == settings
    }
}

/// The derived tables, in the order a publication writes them (`plans` last).
pub const WRITE_ORDER: [Table; 9] = [
    Table::Outcomes,
    Table::PlannedSupport,
    Table::Services,
    Table::Demand,
    Table::Gap,
    Table::MainstreamShare,
    Table::Pooling,
    Table::DemandMonthly,
    Table::Plans,
];

/// The manifest of the latest publication, if there is one and every derived table exists.
pub async fn latest(store: &Store) -> Result<Option<Manifest>> {
    for table in WRITE_ORDER {
        if store.load(table).await?.is_none() {
            return Ok(None);
        }
    }
    let Some(plans) = store.load(Table::Plans).await? else {
        return Ok(None);
    };
    let infos: Vec<_> = plans
        .history(Some(1))
        .try_collect()
        .await
        .map_err(|source| Error::History {
            table: Table::Plans.name(),
            source: Box::new(source),
        })?;
    let manifest = infos
        .first()
        .and_then(|info| info.info.get(MANIFEST_KEY))
        .and_then(|value| serde_json::from_value(value.clone()).ok());
    Ok(manifest)
}

/// Replaces `table`'s content with the batches of a stream, written as they arrive, in one
/// commit carrying `metadata`; nothing is committed if the stream fails.
pub async fn replace_stream(
    store: &Store,
    table: Table,
    batches: BatchStream,
    metadata: Vec<(String, serde_json::Value)>,
) -> Result<Commit> {
    let delta = store.load_or_create(table).await?;
    let (_, commit) = store
        .overwrite_stream(delta, table, batches, metadata)
        .await?;
    tracing::debug!(
        table = table.name(),
        version = commit.version,
        rows = commit.rows,
        "Replaced table."
    );
    Ok(commit)
}

/// Replaces `table`'s content with `batches` in one commit carrying `metadata`.
pub async fn replace(
    store: &Store,
    table: Table,
    batches: Vec<RecordBatch>,
    metadata: Vec<(String, serde_json::Value)>,
) -> Result<Commit> {
    let batches = futures::stream::iter(batches.into_iter().map(Ok));
    replace_stream(store, table, Box::pin(batches), metadata).await
}
