//! Finding a publication (the latest, or one by id): the commit of `plans` whose metadata
//! holds transform's manifest, and that commit's version, so that every table can be pinned
//! at the versions the publication wrote or read.
//!
//! Transform decides what a publication contains and writes the manifest; this module only
//! reads it back, one commit file at a time (the commit's version is in its file name, not in
//! delta-rs's history entries).

use deltalake::kernel::Action;
use deltalake::DeltaTable;
use stf_schemas::tables::Table;
use stf_store::Store;
use stf_transform::{Manifest, MANIFEST_KEY};

use crate::{Error, Result};

/// A publication found in the store: its manifest and where it sits in `plans`' history.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub manifest: Manifest,
    /// The version of `plans` whose commit holds the manifest.
    pub plans_version: u64,
    /// When that commit was made, in milliseconds since the Unix epoch, if recorded.
    pub committed_at_ms: Option<i64>,
}

/// The latest publication: the newest commit of `plans` that holds a manifest, or `None` if
/// transform never published.
pub(crate) async fn latest(store: &Store) -> Result<Option<Published>> {
    find_by(store, |_| true).await
}

/// The publication with the given id, or `None` if `plans`' log (within its retention) holds
/// no such publication.
pub(crate) async fn find(store: &Store, publication_id: &str) -> Result<Option<Published>> {
    find_by(store, |m| m.publication_id == publication_id).await
}

/// Walks `plans`' commits newest first to the first whose manifest satisfies `wanted`.
async fn find_by(store: &Store, wanted: impl Fn(&Manifest) -> bool) -> Result<Option<Published>> {
    let Some(plans) = store.load(Table::Plans).await? else {
        return Ok(None);
    };
    let Some(latest) = plans.version() else {
        return Ok(None);
    };
    for version in (0..=latest).rev() {
        let Some((manifest, committed_at_ms)) = manifest_at(&plans, version).await? else {
            continue;
        };
        if wanted(&manifest) {
            return Ok(Some(Published {
                manifest,
                plans_version: version,
                committed_at_ms,
            }));
        }
    }
    Ok(None)
}

/// The manifest in one commit of `plans` (and the commit's timestamp), if that commit holds
/// one. A commit file removed by log cleanup reads as holding none.
async fn manifest_at(plans: &DeltaTable, version: u64) -> Result<Option<(Manifest, Option<i64>)>> {
    let delta = |source| Error::OpenTable {
        table: Table::Plans.name(),
        version: version.to_string(),
        source: Box::new(source),
    };
    let Some(bytes) = plans
        .log_store()
        .read_commit_entry(version)
        .await
        .map_err(delta)?
    else {
        return Ok(None);
    };
    let actions = deltalake::logstore::get_actions(version, &bytes).map_err(delta)?;
    for action in actions {
        if let Action::CommitInfo(info) = action {
            let manifest = info
                .info
                .get(MANIFEST_KEY)
                .and_then(|value| serde_json::from_value::<Manifest>(value.clone()).ok());
            return Ok(manifest.map(|m| (m, info.timestamp)));
        }
    }
    Ok(None)
}
