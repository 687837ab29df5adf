//! The query core's one error type, and how the query engine's errors map onto it.

use std::path::PathBuf;
use std::time::Duration;

use datafusion::error::DataFusionError;

/// What went wrong while opening the catalog or running a query.
///
/// [`Error::is_client_error`] tells what the caller got wrong (a refused statement, bad SQL,
/// an unknown table or publication) from what went wrong on our side; running out of time or
/// memory are variants of their own.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("store {root} has no publication yet: run `stf transform` first")]
    NoPublication { root: PathBuf },
    #[error("unknown publication {publication_id}: plans' history (within its log retention) holds no such publication")]
    UnknownPublication { publication_id: String },
    #[error("publication {publication_id} lists no version of table {table}")]
    IncompleteManifest {
        publication_id: String,
        table: &'static str,
    },
    #[error("refused: {statement} is not allowed, this SQL interface is read-only (SELECT, WITH, EXPLAIN, DESCRIBE and SHOW only)")]
    Refused { statement: String },
    #[error("invalid query: {message}")]
    InvalidQuery { message: String },
    #[error("query failed: {message}")]
    QueryFailed { message: String },
    #[error("query timed out after {}s and was cancelled", timeout.as_secs_f64())]
    Timeout { timeout: Duration },
    #[error("query needs more than its memory limit of {limit_mib} MiB and was stopped: {detail}")]
    ResourcesExhausted { limit_mib: usize, detail: String },
    #[error("unknown output format {0:?}: expected table, csv, json, parquet or arrow")]
    UnknownFormat(String),
    #[error(transparent)]
    Store(#[from] stf_store::Error),
    #[error("cannot open table {table} at version {version}: {source}")]
    OpenTable {
        table: &'static str,
        version: String,
        #[source]
        source: Box<deltalake::DeltaTableError>,
    },
    #[error("query engine failed while {step}: {source}")]
    Engine {
        step: &'static str,
        #[source]
        source: Box<DataFusionError>,
    },
    #[error("cannot write results as {format}: {source}")]
    Write {
        format: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl Error {
    /// Whether the caller is at fault (bad or refused SQL, unknown table or publication, bad
    /// format name): worth a 4xx, not worth an operator's attention. Timeouts and memory
    /// exhaustion are not client errors, though a client can provoke them.
    pub fn is_client_error(&self) -> bool {
        matches!(
            self,
            Self::UnknownPublication { .. }
                | Self::Refused { .. }
                | Self::InvalidQuery { .. }
                | Self::QueryFailed { .. }
                | Self::UnknownFormat(_)
        )
    }

    /// An error of the engine in a step of our own (registering tables, building a session).
    pub(crate) fn engine(step: &'static str) -> impl FnOnce(DataFusionError) -> Self {
        move |source| Self::Engine {
            step,
            source: Box::new(source),
        }
    }

    /// Classifies an error the engine raised while planning or running an untrusted query.
    pub(crate) fn from_query(error: DataFusionError, limits: &crate::Limits) -> Self {
        let root = error.find_root();
        match root {
            DataFusionError::ResourcesExhausted(detail) => Self::ResourcesExhausted {
                limit_mib: limits.memory_bytes >> 20,
                detail: detail.clone(),
            },
            DataFusionError::SQL(parser, _) => Self::InvalidQuery {
                message: parser.to_string(),
            },
            DataFusionError::Plan(message) | DataFusionError::NotImplemented(message) => {
                Self::InvalidQuery {
                    message: message.clone(),
                }
            }
            DataFusionError::SchemaError(..) | DataFusionError::Configuration(_) => {
                Self::InvalidQuery {
                    message: root.to_string(),
                }
            }
            // Raised by the query's own expressions: a failed cast, a division by zero, an
            // overflow, a bad regular expression.
            DataFusionError::Execution(message) => Self::QueryFailed {
                message: message.clone(),
            },
            DataFusionError::ArrowError(arrow, _)
                if !matches!(arrow.as_ref(), arrow::error::ArrowError::IoError(..)) =>
            {
                Self::QueryFailed {
                    message: arrow.to_string(),
                }
            }
            _ => Self::Engine {
                step: "running a query",
                source: Box::new(error),
            },
        }
    }

    pub(crate) fn write(
        format: &'static str,
    ) -> impl Fn(Box<dyn std::error::Error + Send + Sync>) -> Self {
        move |source| Self::Write { format, source }
    }
}

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
