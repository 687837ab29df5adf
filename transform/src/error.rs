//! The transform's one error type.

use crate::categorise::CategoriseError;

/// What went wrong while building the derived tables.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] stf_store::Error),
    #[error("cannot read table {table} for the query engine: {source}")]
    Register {
        table: &'static str,
        #[source]
        source: Box<deltalake::DeltaTableError>,
    },
    #[error("cannot read the commit history of {table}: {source}")]
    History {
        table: &'static str,
        #[source]
        source: Box<deltalake::DeltaTableError>,
    },
    #[error("query engine failed while {step}: {source}")]
    Query {
        step: &'static str,
        #[source]
        source: Box<datafusion::error::DataFusionError>,
    },
    #[error("cannot build rows of {table}: {source}")]
    Arrow {
        table: &'static str,
        #[source]
        source: arrow::error::ArrowError,
    },
    #[error("column {column} of {table} is missing or has an unexpected type ({detail})")]
    Column {
        table: &'static str,
        column: String,
        detail: String,
    },
    #[error("cannot build the outcome categoriser: {0}")]
    Categoriser(#[from] CategoriseError),
    #[error("the writer of {table} stopped before every row was written")]
    WriterStopped { table: &'static str },
    #[error("invalid transform configuration: {0}")]
    Config(String),
}

impl Error {
    pub(crate) fn query(
        step: &'static str,
    ) -> impl FnOnce(datafusion::error::DataFusionError) -> Self {
        move |source| Self::Query {
            step,
            source: Box::new(source),
        }
    }

    pub(crate) fn arrow(table: &'static str) -> impl FnOnce(arrow::error::ArrowError) -> Self {
        move |source| Self::Arrow { table, source }
    }
}

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
