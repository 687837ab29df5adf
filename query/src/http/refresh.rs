//! Following the store: every `refresh_every`, move the catalog to the newest publication and
//! recompute the published aggregates for it, then swap them in whole. Requests keep being
//! served from the previous set meanwhile; a failure is logged and retried at the next tick.

use std::sync::Arc;

use tokio::sync::watch;

use super::{Metrics, ServerConfig};
use crate::published::PublishedSet;
use crate::{Catalog, Result, Snapshot};

/// Computes the published aggregates of `snapshot` and records them in the metrics.
pub(crate) async fn compute(
    snapshot: &Snapshot,
    config: &ServerConfig,
    metrics: &Metrics,
) -> Result<PublishedSet> {
    let set = PublishedSet::compute(snapshot, config.disclosure).await?;
    metrics.publication(
        set.publication_id(),
        set.data_to().unwrap_or(""),
        set.elapsed(),
    );
    Ok(set)
}

/// Runs until `stop` turns true.
pub(crate) async fn follow(
    catalog: Catalog,
    publisher: watch::Sender<Arc<PublishedSet>>,
    config: Arc<ServerConfig>,
    metrics: Arc<Metrics>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            () = tokio::time::sleep(config.refresh_every) => {}
        }
        if let Err(error) = catalog.refresh().await {
            tracing::warn!(error = %error, "Cannot look for a new publication; serving the current one.");
            continue;
        }
        // Also catches up after a failed computation: the catalog may have moved on before.
        let snapshot = catalog.current();
        if snapshot.publication_id() == publisher.borrow().publication_id() {
            continue;
        }
        match compute(&snapshot, &config, &metrics).await {
            Ok(set) => {
                tracing::info!(
                    publication_id = set.publication_id(),
                    "Serving the published aggregates of a new publication."
                );
                publisher.send_replace(Arc::new(set));
            }
            Err(error) => tracing::warn!(
                error = %error,
                publication_id = snapshot.publication_id(),
                "Cannot compute the published aggregates of the new publication; serving the previous ones."
            ),
        }
    }
}
