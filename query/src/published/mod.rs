//! The published aggregates: the datasets anyone may read (`demand`, `gap`, `trends`,
//! `pooling`, `mainstream_share`), computed once per publication from a snapshot's tables,
//! passed through disclosure control, and kept in memory as the exact bytes served.
//!
//! Each dataset names its publication, the versions of the tables behind it and the date
//! its data run to, so a published figure can be traced back (and reproduced with
//! `stf sql --as-of PUBLICATION`). Nothing here knows HTTP; the server sends [`Rendered`]
//! bodies as they are.

mod datasets;
mod load;
mod render;
mod table;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use arrow::array::{Array, AsArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use datafusion::error::DataFusionError;
use serde::Serialize;
use stf_transform::SourceVersions;

pub use datasets::Dataset;
pub use render::{rule_text, PublishedFormat, Rendered};
pub use table::{Column, Kind, Raw, RawTable, Row, Table, Totals};

use crate::disclosure::DisclosureConfig;
use crate::{Error, Result, Snapshot};

/// Where a dataset comes from: enough to trace any figure back to its publication.
#[derive(Debug, Clone, Serialize)]
pub struct PublicationInfo {
    /// The transform publication.
    pub id: String,
    /// When transform committed it (RFC 3339), if recorded.
    pub published_at: Option<String>,
    /// The day of the latest plan event the publication includes.
    pub data_to: Option<String>,
    pub taxonomy_version: String,
    /// The versions of the event tables the publication was built from.
    pub sources: SourceVersions,
    /// The Delta versions of the tables this dataset was computed from.
    pub tables: BTreeMap<&'static str, Option<u64>>,
}

/// Every dataset of one publication, rendered.
#[derive(Debug, Clone)]
pub struct PublishedSet {
    publication_id: String,
    data_to: Option<String>,
    config: DisclosureConfig,
    datasets: BTreeMap<(Dataset, PublishedFormat), Rendered>,
    rows: BTreeMap<Dataset, usize>,
    elapsed: Duration,
}

impl PublishedSet {
    /// Computes, controls and renders every dataset from `snapshot`.
    pub async fn compute(snapshot: &Snapshot, config: DisclosureConfig) -> Result<Self> {
        let started = Instant::now();
        let ctx = snapshot.context();
        let data_to = data_to(snapshot).await?;
        let mut raws = BTreeMap::new();
        for dataset in Dataset::ALL {
            if let Some(sql) = dataset.sql() {
                let batches = load::collect(ctx, sql).await?;
                raws.insert(dataset, load::raw_table(dataset, &batches)?);
            }
        }
        // `demand` is `gap`'s rows, so both suppress alike.
        let demand = load::project(&raws[&Dataset::Gap], Dataset::Demand);
        raws.insert(Dataset::Demand, demand);

        let mut datasets = BTreeMap::new();
        let mut rows = BTreeMap::new();
        for (dataset, raw) in &raws {
            let table = raw.publish(&config);
            let info = info(snapshot, *dataset, data_to.clone());
            for (format, rendered) in render::render(*dataset, &table, &info, &config) {
                datasets.insert((*dataset, format), rendered);
            }
            rows.insert(*dataset, table.rows.len());
        }
        let elapsed = started.elapsed();
        tracing::info!(
            publication_id = snapshot.publication_id(),
            data_to = data_to.as_deref().unwrap_or("none"),
            elapsed_ms = elapsed.as_millis() as u64,
            "Computed the published aggregates."
        );
        Ok(Self {
            publication_id: snapshot.publication_id().to_owned(),
            data_to,
            config,
            datasets,
            rows,
            elapsed,
        })
    }

    /// The publication the datasets were computed from.
    pub fn publication_id(&self) -> &str {
        &self.publication_id
    }

    /// The day of the latest plan event included.
    pub fn data_to(&self) -> Option<&str> {
        self.data_to.as_deref()
    }

    /// The rules applied.
    pub fn config(&self) -> &DisclosureConfig {
        &self.config
    }

    /// A dataset in a format.
    pub fn get(&self, dataset: Dataset, format: PublishedFormat) -> &Rendered {
        &self.datasets[&(dataset, format)]
    }

    /// The number of published rows of a dataset.
    pub fn rows(&self, dataset: Dataset) -> usize {
        self.rows.get(&dataset).copied().unwrap_or(0)
    }

    /// How long computing every dataset took.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}

fn info(snapshot: &Snapshot, dataset: Dataset, data_to: Option<String>) -> PublicationInfo {
    let published = snapshot.published();
    let tables = dataset
        .sources()
        .iter()
        .map(|source| {
            let version = snapshot
                .table_versions()
                .iter()
                .find(|(t, _)| t == source)
                .and_then(|(_, v)| *v);
            (source.name(), version)
        })
        .collect();
    PublicationInfo {
        id: published.manifest.publication_id.clone(),
        published_at: published
            .committed_at_ms
            .and_then(chrono::DateTime::from_timestamp_millis)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        data_to,
        taxonomy_version: published.manifest.taxonomy_version.clone(),
        sources: published.manifest.sources,
        tables,
    }
}

/// The day of the latest update to any plan in the publication.
async fn data_to(snapshot: &Snapshot) -> Result<Option<String>> {
    let batches = load::collect(
        snapshot.context(),
        "SELECT CAST(CAST(max(updated_at) AS DATE) AS VARCHAR) AS day FROM plans",
    )
    .await?;
    let Some(batch) = batches.first().filter(|b| b.num_rows() > 0) else {
        return Ok(None);
    };
    let day = cast(batch.column(0), &DataType::Utf8)
        .map_err(|e| Error::engine("computing published aggregates")(DataFusionError::from(e)))?;
    let day = day.as_string::<i32>();
    Ok((!day.is_null(0)).then(|| day.value(0).to_owned()))
}
