//! Where the tables live, and opening or creating them with the right schema and layout.

use std::path::{Path, PathBuf};

use deltalake::kernel::engine::arrow_conversion::TryIntoKernel;
use deltalake::kernel::StructType;
use deltalake::parquet::basic::{Compression, ZstdLevel};
use deltalake::parquet::file::properties::{EnabledStatistics, WriterProperties};
use deltalake::parquet::schema::types::ColumnPath;
use deltalake::{DeltaTable, DeltaTableBuilder, DeltaTableError, TableProperty};
use stf_schemas::tables::Table;
use url::Url;

use crate::{Error, Result};

/// The store root used when none is given: `./stf-data`.
pub const DEFAULT_ROOT: &str = "stf-data";

/// Commits between two log checkpoints, so that opening a long-lived table reads one
/// checkpoint and a few JSON commits instead of thousands.
const CHECKPOINT_INTERVAL: &str = "20";

/// The store: one Delta table per [`Table`], each in the folder of its name under `root`.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// Opens the store at `root`, creating the folder if it does not exist.
    pub fn open(root: impl AsRef<Path>) -> Result<Self> {
        let root = root.as_ref();
        std::fs::create_dir_all(root).map_err(|source| Error::Root {
            path: root.to_owned(),
            source,
        })?;
        let root = root.canonicalize().map_err(|source| Error::Root {
            path: root.to_owned(),
            source,
        })?;
        Ok(Self { root })
    }

    /// The store's root folder (absolute).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder of one table.
    pub fn table_path(&self, table: Table) -> PathBuf {
        self.root.join(table.name())
    }

    /// The `file://` URL of one table.
    pub fn table_url(&self, table: Table) -> Result<Url> {
        let path = self.table_path(table);
        Url::from_directory_path(&path).map_err(|()| Error::RootUrl { path })
    }

    /// Opens a table at its latest version, or `None` if it has never been created.
    pub async fn load(&self, table: Table) -> Result<Option<DeltaTable>> {
        let url = self.table_url(table)?;
        if !self.table_path(table).join("_delta_log").is_dir() {
            return Ok(None);
        }
        match deltalake::open_table(url).await {
            Ok(t) => Ok(Some(t)),
            Err(DeltaTableError::NotATable(_)) => Ok(None),
            Err(e) => Err(Error::delta(table.name(), e)),
        }
    }

    /// Opens a table at a given version (time travel).
    pub async fn load_version(&self, table: Table, version: u64) -> Result<DeltaTable> {
        let url = self.table_url(table)?;
        deltalake::open_table_with_version(url, version)
            .await
            .map_err(|e| Error::delta(table.name(), e))
    }

    /// Opens a table, creating it empty (with its schema, partitioning and properties) when it
    /// does not exist yet. Safe against another process creating it at the same moment.
    pub async fn load_or_create(&self, table: Table) -> Result<DeltaTable> {
        if let Some(t) = self.load(table).await? {
            return Ok(t);
        }
        let path = self.table_path(table);
        std::fs::create_dir_all(&path).map_err(|source| Error::Root {
            path: path.clone(),
            source,
        })?;
        let schema: StructType =
            table
                .schema()
                .as_ref()
                .try_into_kernel()
                .map_err(|e| Error::Schema {
                    table: table.name(),
                    detail: e.to_string(),
                })?;
        let url = self.table_url(table)?;
        let empty = DeltaTableBuilder::from_url(url)
            .and_then(|b| b.build())
            .map_err(|e| Error::delta(table.name(), e))?;
        let created = empty
            .create()
            .with_table_name(table.name())
            .with_columns(schema.fields().cloned())
            .with_partition_columns(table.partition_columns().iter().copied())
            .with_configuration_property(
                TableProperty::CheckpointInterval,
                Some(CHECKPOINT_INTERVAL),
            )
            .await;
        match created {
            Ok(t) => {
                tracing::info!(table = table.name(), "Created table.");
                Ok(t)
            }
            // Another process created it between our look and our create.
            Err(_) if self.table_path(table).join("_delta_log").is_dir() => self
                .load(table)
                .await?
                .ok_or_else(|| Error::RootUrl { path: path.clone() }),
            Err(e) => Err(Error::delta(table.name(), e)),
        }
    }
}

/// Rows per Parquet row group. Readers (DataFusion, DuckDB, Spark) split a scan across cores
/// by row group, so a table of a million rows is read by every core rather than one; and a
/// writer holds at most one row group per open file in memory.
pub(crate) const ROW_GROUP_ROWS: usize = 128 * 1024;

/// Compression of files written by appends: the ingest's hot path. LZ4 (raw) rather than
/// zstd: on 1M events from Tansu, zstd level 1 (and the two zstd contexts the Parquet writer
/// makes for every column chunk) took about 10% of the Kafka ingest's CPU; with LZ4 it read
/// 109-116k events/s against 102-107k, but its files are about 1.5x the size (plan_events of
/// 270k plans: 173 MB against 111 MB). Compaction rewrites a partition's small files at
/// [`LASTING`]; a partition's lone file stays as written.
pub(crate) const APPEND: Compression = Compression::LZ4_RAW;

/// Compression of files meant to last: compaction's and replaced tables'.
pub(crate) fn lasting() -> Compression {
    Compression::ZSTD(ZstdLevel::try_new(ZSTD_LEVEL).expect("a valid zstd level"))
}

/// zstd level of [`lasting`] files.
const ZSTD_LEVEL: i32 = 3;

/// Columns (Parquet paths, in any table that has them) whose values are nearly all distinct:
/// written plain, not dictionary-encoded. Their dictionaries cost time and grow files: in a
/// profile of the Kafka ingest, building and writing dictionaries took about 11% of the CPU,
/// and on 367k support plans `plan_events` was 44 MB plain instead of 47 MB (ingest time
/// changed within run-to-run noise: 4.1-4.7 s against 4.6 s, single runs).
const DISTINCT_COLUMNS: [&str; 6] = [
    "event_id",
    "plan_id",
    "occurred_at",
    "source_offset",
    "source_line",
    "desired_outcomes.list.element.text",
];

/// Free-text columns (Parquet paths, in any table that has them): written without min/max
/// statistics. No query filters on a range of prose, and the statistics cost a string
/// comparison a value: in a profile of the Kafka ingest, the writer's min/max of string
/// columns took about 2% of the CPU, most of it on `desired_outcomes`' text.
const FREE_TEXT_COLUMNS: [&str; 5] = [
    "desired_outcomes.list.element.text",
    "planned_support.list.element.description",
    "text",
    "description",
    "detail",
];

/// Parquet writer settings for every table: `compression`, row groups of
/// [`ROW_GROUP_ROWS`], no dictionaries for [`DISTINCT_COLUMNS`], no statistics for
/// [`FREE_TEXT_COLUMNS`].
pub(crate) fn writer_properties(compression: Compression) -> WriterProperties {
    let path = |column: &str| ColumnPath::new(column.split('.').map(str::to_owned).collect());
    let mut b = WriterProperties::builder();
    for column in DISTINCT_COLUMNS {
        b = b.set_column_dictionary_enabled(path(column), false);
    }
    for column in FREE_TEXT_COLUMNS {
        b = b.set_column_statistics_enabled(path(column), EnabledStatistics::None);
    }
    b.set_compression(compression)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(column: &str) -> ColumnPath {
        ColumnPath::new(column.split('.').map(str::to_owned).collect())
    }

    #[test]
    fn free_text_has_no_statistics_and_distinct_columns_no_dictionary() {
        let props = writer_properties(APPEND);
        let text = path("desired_outcomes.list.element.text");
        assert_eq!(props.statistics_enabled(&text), EnabledStatistics::None);
        assert!(!props.dictionary_enabled(&text));
        // Columns a query filters on keep their statistics (Delta's data skipping reads
        // them), and coded columns their dictionaries.
        assert_ne!(
            props.statistics_enabled(&path("event_id")),
            EnabledStatistics::None
        );
        assert_ne!(
            props.statistics_enabled(&path("local_authority")),
            EnabledStatistics::None
        );
        assert!(props.dictionary_enabled(&path("local_authority")));
        assert!(!props.dictionary_enabled(&path("event_id")));
    }
}
