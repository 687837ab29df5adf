//! The catalog: the current snapshot of a store (its latest publication), swapped atomically
//! for a newer one when transform publishes, and older publications on request.

use std::future::Future;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use datafusion::execution::runtime_env::RuntimeEnv;
use stf_store::Store;

use crate::{publication, session, Error, Limits, Result, Snapshot};

/// The tables of a store, pinned to one publication at a time. Cheap to clone (one `Arc`);
/// every clone sees the same current snapshot.
#[derive(Clone)]
pub struct Catalog {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    limits: Limits,
    runtime: Arc<RuntimeEnv>,
    current: RwLock<Arc<Snapshot>>,
    /// Serialises refreshes, so that two never build the same snapshot or swap out of order.
    refreshing: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("store", &self.inner.store.root())
            .field("current", &self.current().publication_id())
            .finish_non_exhaustive()
    }
}

impl Catalog {
    /// Opens the catalog at the store's latest publication.
    pub async fn open(store: Store, limits: Limits) -> Result<Catalog> {
        let runtime = session::runtime(&limits)?;
        let published = publication::latest(&store)
            .await?
            .ok_or_else(|| Error::NoPublication {
                root: store.root().to_owned(),
            })?;
        let snapshot = Snapshot::open(&store, published, limits, runtime.clone()).await?;
        tracing::debug!(
            publication_id = snapshot.publication_id(),
            store = %store.root().display(),
            "Opened catalog."
        );
        Ok(Catalog {
            inner: Arc::new(Inner {
                store,
                limits,
                runtime,
                current: RwLock::new(Arc::new(snapshot)),
                refreshing: tokio::sync::Mutex::new(()),
            }),
        })
    }

    /// The current snapshot. Never waits on I/O: a refresh builds its snapshot first and
    /// only then swaps it in.
    pub fn current(&self) -> Arc<Snapshot> {
        self.inner
            .current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Moves to the store's latest publication if it is newer than the current one:
    /// `Some(snapshot)` when it moved. Queries already running finish on the old snapshot.
    pub async fn refresh(&self) -> Result<Option<Arc<Snapshot>>> {
        let _one_at_a_time = self.inner.refreshing.lock().await;
        let Some(published) = publication::latest(&self.inner.store).await? else {
            return Ok(None);
        };
        let current = self.current();
        if published.manifest.publication_id == current.publication_id()
            || published.plans_version <= current.published().plans_version
        {
            return Ok(None);
        }
        let snapshot = Arc::new(
            Snapshot::open(
                &self.inner.store,
                published,
                self.inner.limits,
                self.inner.runtime.clone(),
            )
            .await?,
        );
        *self
            .inner
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = snapshot.clone();
        tracing::info!(
            publication_id = snapshot.publication_id(),
            previous = current.publication_id(),
            "Moved to a new publication."
        );
        Ok(Some(snapshot))
    }

    /// Refreshes every `interval` until `shutdown` resolves. A failed refresh is logged and
    /// retried at the next tick; the current snapshot keeps serving meanwhile.
    pub async fn watch(&self, interval: Duration, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => break,
                () = tokio::time::sleep(interval) => {}
            }
            if let Err(error) = self.refresh().await {
                tracing::warn!(error = %error, "Cannot refresh the catalog; keeping the current publication.");
            }
        }
    }

    /// A snapshot of an older (or the current) publication by its id: every table at the
    /// versions that publication pinned (Delta time travel), not swapped in.
    pub async fn as_of(&self, publication_id: &str) -> Result<Snapshot> {
        let published = publication::find(&self.inner.store, publication_id)
            .await?
            .ok_or_else(|| Error::UnknownPublication {
                publication_id: publication_id.to_owned(),
            })?;
        Snapshot::open(
            &self.inner.store,
            published,
            self.inner.limits,
            self.inner.runtime.clone(),
        )
        .await
    }

    /// The store this catalog reads.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The limits untrusted queries run under.
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }
}
