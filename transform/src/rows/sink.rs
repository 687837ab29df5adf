//! Where the rows of current plans go: held in memory ([`RowTables`], for small runs and
//! tests), or `plans` held while `outcomes` and `planned_support` stream to their writers
//! ([`PlanWriters`]) so that a large publication is never held whole.

use std::future::Future;

use arrow::array::RecordBatch;
use datafusion::error::DataFusionError;
use stf_store::BatchStream;
use tokio::sync::mpsc;

use super::plans::PlanBatches;
use super::RowTables;
use crate::{Error, Result};

/// Takes the rows of one batch of current plans.
pub trait PlanSink {
    fn put(&mut self, built: PlanBatches) -> impl Future<Output = Result<()>> + Send;
}

impl PlanSink for RowTables {
    async fn put(&mut self, built: PlanBatches) -> Result<()> {
        self.plans.push(built.plans);
        self.outcomes.push(built.outcomes);
        self.planned_support.push(built.planned_support);
        Ok(())
    }
}

/// Batches a writer is waiting for; a send waits while this many are queued.
const QUEUED_BATCHES: usize = 4;

type Sender = mpsc::Sender<std::result::Result<RecordBatch, DataFusionError>>;

/// `plans` in memory (the measures and the manifest's commit need them last); `outcomes` and
/// `planned_support` sent to the streams [`PlanWriters::new`] returns.
#[derive(Debug)]
pub struct PlanWriters {
    pub plans: Vec<RecordBatch>,
    outcomes: Sender,
    planned_support: Sender,
}

impl PlanWriters {
    /// The sink and the streams of `outcomes` and `planned_support` batches it feeds. Each
    /// stream ends when the sink is dropped; give it to [`stf_store::Store::overwrite_stream`].
    pub fn new() -> (Self, BatchStream, BatchStream) {
        let (outcomes, outcomes_rx) = mpsc::channel(QUEUED_BATCHES);
        let (planned_support, support_rx) = mpsc::channel(QUEUED_BATCHES);
        let sink = Self {
            plans: Vec::new(),
            outcomes,
            planned_support,
        };
        (sink, receive(outcomes_rx), receive(support_rx))
    }
}

fn receive(rx: mpsc::Receiver<std::result::Result<RecordBatch, DataFusionError>>) -> BatchStream {
    Box::pin(futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    }))
}

impl PlanSink for PlanWriters {
    async fn put(&mut self, built: PlanBatches) -> Result<()> {
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
}
