//! Where the rows of current plans go: `plans` held in memory (the measures and the manifest's
//! commit need them last) while `outcomes` and `planned_support` stream to their writers, so
//! that a large publication is never held whole.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use arrow::array::RecordBatch;
use datafusion::error::DataFusionError;
use stf_store::BatchStream;
use tokio::sync::mpsc;

use super::plans::PlanBatches;
use crate::{Error, Result};

/// Batches a writer is waiting for; a send waits while this many are queued.
const QUEUED_BATCHES: usize = 4;

type Item = std::result::Result<RecordBatch, DataFusionError>;

/// The sink of the rows of current plans; see [`PlanWriters::new`].
#[derive(Debug)]
pub struct PlanWriters {
    plans: Vec<RecordBatch>,
    outcomes: mpsc::Sender<Item>,
    planned_support: mpsc::Sender<Item>,
    finished: Arc<AtomicBool>,
}

impl PlanWriters {
    /// The sink and the streams of `outcomes` and `planned_support` batches it feeds, for
    /// [`stf_store::Store::overwrite_stream`]. The streams end when the sink is
    /// [finished](Self::finish); dropped unfinished (its producer failed), they end with an
    /// error instead, so that their writers commit nothing.
    pub fn new() -> (Self, BatchStream, BatchStream) {
        let (outcomes, outcomes_rx) = mpsc::channel(QUEUED_BATCHES);
        let (planned_support, support_rx) = mpsc::channel(QUEUED_BATCHES);
        let finished = Arc::new(AtomicBool::new(false));
        let sink = Self {
            plans: Vec::new(),
            outcomes,
            planned_support,
            finished: finished.clone(),
        };
        let outcomes = receive(outcomes_rx, finished.clone());
        (sink, outcomes, receive(support_rx, finished))
    }

    /// Takes the rows of one batch of current plans; waits while a writer is behind.
    pub async fn put(&mut self, built: PlanBatches) -> Result<()> {
        self.plans.push(built.plans);
        self.outcomes
            .send(Ok(built.outcomes))
            .await
            .map_err(|_| Error::WriterStopped { table: "outcomes" })?;
        self.planned_support
            .send(Ok(built.planned_support))
            .await
            .map_err(|_| Error::WriterStopped {
                table: "planned_support",
            })
    }

    /// Ends both streams well and returns the `plans` rows.
    pub fn finish(self) -> Vec<RecordBatch> {
        self.finished.store(true, Ordering::Release);
        self.plans
    }
}

/// The batches sent to `rx`, then an error unless the sink was finished.
fn receive(rx: mpsc::Receiver<Item>, finished: Arc<AtomicBool>) -> BatchStream {
    Box::pin(futures::stream::unfold(Some(rx), move |rx| {
        let finished = finished.clone();
        async move {
            let mut rx = rx?;
            match rx.recv().await {
                Some(item) => Some((item, Some(rx))),
                None if finished.load(Ordering::Acquire) => None,
                None => {
                    let stopped = "the rows' producer stopped before finishing";
                    Some((Err(DataFusionError::Execution(stopped.into())), None))
                }
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;

    use super::*;

    async fn ends(stream: BatchStream) -> Vec<bool> {
        stream.map(|item| item.is_ok()).collect().await
    }

    #[tokio::test]
    async fn streams_end_well_only_when_the_sink_is_finished() {
        let (sink, outcomes, planned_support) = PlanWriters::new();
        assert!(sink.finish().is_empty());
        assert_eq!(ends(outcomes).await, Vec::<bool>::new());
        assert_eq!(ends(planned_support).await, Vec::<bool>::new());

        let (sink, outcomes, planned_support) = PlanWriters::new();
        drop(sink);
        assert_eq!(
            ends(outcomes).await,
            [false],
            "an unfinished sink fails its streams"
        );
        assert_eq!(ends(planned_support).await, [false]);
    }
}
