//! The store's one error type.

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot use store root {path}: {source}")]
    Root {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("store root {path} is not a valid location")]
    RootUrl { path: std::path::PathBuf },
    #[error("delta table {table}: {source}")]
    Delta {
        table: &'static str,
        #[source]
        source: Box<deltalake::DeltaTableError>,
    },
    #[error("table {table} has a schema this version of stf cannot convert: {detail}")]
    Schema { table: &'static str, detail: String },
    #[error("concurrent writer committed application transaction {app_id} to {table} first")]
    ConcurrentTransaction { table: &'static str, app_id: String },
}

impl Error {
    pub(crate) fn delta(table: &'static str, source: deltalake::DeltaTableError) -> Self {
        Self::Delta {
            table,
            source: Box::new(source),
        }
    }

    /// Whether another writer won a race for the same application transaction: the caller
    /// should re-read its positions from the table and carry on from there.
    pub fn is_concurrent_transaction(&self) -> bool {
        match self {
            Self::ConcurrentTransaction { .. } => true,
            Self::Delta { source, .. } => matches!(
                source.as_ref(),
                deltalake::DeltaTableError::Transaction {
                    source: deltalake::kernel::transaction::TransactionError::CommitConflict(
                        deltalake::kernel::transaction::CommitConflictError::ConcurrentTransaction
                    )
                }
            ),
            _ => false,
        }
    }
}
