//! Commits batches to the event tables, each commit carrying the positions it covers.
//!
//! The protocol (ARCHITECTURE.md, "Exactly once"): a table's rows and the `txn` actions for
//! every stream that fed them are one Delta commit; positions only move forward; a table gets
//! a position-only commit when a batch had nothing for it. What a table holds is therefore
//! exactly what its positions say, whatever instant a process dies at.

use std::collections::HashMap;

use stf_schemas::tables::Table;
use stf_store::{AppTxn, DeltaTable, Maintenance, Store};

use crate::batch::Batch;
use crate::position::{StreamId, Watermarks};
use crate::Error;

/// Tables in the order a batch commits them: accepted rows first, rejections last.
const ORDER: [Table; 3] = [
    Table::PlanEvents,
    Table::ServiceEvents,
    Table::RejectedEvents,
];

/// Commits between two maintenance passes (compaction and checkpoint) while input arrives
/// at a steady pace.
const COMMITS_PER_MAINTENANCE: usize = 50;

/// Commits between two maintenance passes at the most while a backlog is read: compaction
/// waits for the backlog to drain (on 1M events from Kafka a pass took 4 s of a 19 s run and
/// 13% of the process's CPU in a profile), but a long backlog cannot drown the store in small
/// files.
const COMMITS_PER_MAINTENANCE_IN_BACKLOG: usize = 500;

/// How input is arriving when a batch is committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// Slower than a batch fills (it was cut by age), or the input has ended.
    Steady,
    /// A batch filled up (or the service is stopping): there is more to read now.
    Backlog,
}

/// What one flush committed.
#[derive(Debug, Clone, Default)]
pub struct FlushReport {
    pub rows: HashMap<&'static str, usize>,
    pub commits: usize,
}

/// The event tables, open, with the positions they hold.
pub struct Sink {
    store: Store,
    tables: HashMap<Table, DeltaTable>,
    watermarks: Watermarks,
    maintenance: Maintenance,
    commits_since_maintenance: usize,
}

impl Sink {
    /// Opens (creating when missing) the three event tables.
    pub async fn open(store: Store) -> Result<Self, Error> {
        let mut tables = HashMap::new();
        for t in ORDER {
            tables.insert(t, store.load_or_create(t).await?);
        }
        Ok(Self {
            store,
            tables,
            watermarks: Watermarks::default(),
            maintenance: Maintenance::default(),
            commits_since_maintenance: 0,
        })
    }

    pub fn watermarks(&self) -> &Watermarks {
        &self.watermarks
    }

    /// Re-reads the tables' latest versions and the positions they hold for `streams`.
    /// Called at start, on every partition assignment and after losing a commit race.
    pub async fn refresh(&mut self, streams: &[(StreamId, Vec<Table>)]) -> Result<(), Error> {
        for t in ORDER {
            let fresh = self.store.load_or_create(t).await?;
            self.tables.insert(t, fresh);
        }
        for (stream, tables) in streams {
            for &t in tables {
                let table = self.table(t);
                if let Some(v) = self.store.txn_version(table, t, stream.as_str()).await? {
                    self.watermarks.set(t, stream.clone(), v);
                }
            }
        }
        Ok(())
    }

    fn table(&self, t: Table) -> &DeltaTable {
        self.tables
            .get(&t)
            .expect("the sink opens every event table before use")
    }

    /// Commits a batch: for each table, its rows and the positions of the streams that write
    /// to it, in one Delta commit. Watermarks move only after a commit exists.
    pub async fn commit(&mut self, batch: Batch) -> Result<FlushReport, Error> {
        let mut report = FlushReport::default();
        let Batch {
            mut plans,
            mut services,
            mut rejected,
            streams,
            ..
        } = batch;
        for t in ORDER {
            // A table's columns become batches when its turn comes (one a month for the event
            // tables, each written to its partition as it is); building them moves the
            // buffers, it does not copy them.
            let batches = match t {
                Table::PlanEvents => plans.finish()?,
                Table::ServiceEvents => services.finish()?,
                Table::RejectedEvents => Some(rejected.finish()?)
                    .filter(|b| b.num_rows() > 0)
                    .into_iter()
                    .collect(),
                other => unreachable!("{} is not an event table", other.name()),
            };
            let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
            let txns: Vec<AppTxn> = streams
                .iter()
                .filter(|(_, (tables, _))| tables.contains(&t))
                .filter(|(stream, (_, pos))| rows > 0 || !self.watermarks.holds(t, stream, *pos))
                .map(|(stream, (_, pos))| AppTxn {
                    app_id: stream.as_str().to_owned(),
                    version: self.watermarks.get(t, stream).map_or(*pos, |w| w.max(*pos)),
                })
                .collect();
            if rows == 0 && txns.is_empty() {
                continue;
            }
            let table = self
                .tables
                .remove(&t)
                .expect("the sink opens every event table before use");
            let appended = self.store.append(table, t, batches, &txns).await;
            let (table, commit) = match appended {
                Ok(ok) => ok,
                Err(e) => {
                    // The handle was consumed; reopen so the sink stays usable.
                    let reopened = self.store.load_or_create(t).await?;
                    self.tables.insert(t, reopened);
                    return Err(e.into());
                }
            };
            self.tables.insert(t, table);
            for txn in &txns {
                self.watermarks
                    .set(t, StreamId::from_app_id(&txn.app_id), txn.version);
            }
            tracing::debug!(
                table = t.name(),
                version = commit.version,
                rows,
                "Committed batch."
            );
            report.rows.insert(t.name(), rows);
            report.commits += 1;
            self.commits_since_maintenance += 1;
        }
        Ok(report)
    }

    /// Compacts and checkpoints the tables if enough commits have run since the last pass,
    /// for the `pace` of input. Callers run it between commits, with no batch being written:
    /// compaction's memory then never adds to a commit's.
    pub async fn maintain_if_due(&mut self, pace: Pace) -> Result<(), Error> {
        let every = match pace {
            Pace::Steady => COMMITS_PER_MAINTENANCE,
            Pace::Backlog => COMMITS_PER_MAINTENANCE_IN_BACKLOG,
        };
        if self.commits_since_maintenance >= every {
            self.maintain().await?;
        }
        Ok(())
    }

    /// Compacts small files and checkpoints the logs of every event table.
    pub async fn maintain(&mut self) -> Result<(), Error> {
        self.commits_since_maintenance = 0;
        for t in ORDER {
            let table = self
                .tables
                .remove(&t)
                .expect("the sink opens every event table before use");
            match self.store.maintain(table, t, self.maintenance).await {
                Ok((table, _)) => {
                    self.tables.insert(t, table);
                }
                Err(e) => {
                    // Compaction is an optimisation: a failed pass loses nothing.
                    tracing::warn!(table = t.name(), error = %e, "Compaction failed; will retry later.");
                    self.tables.insert(t, self.store.load_or_create(t).await?);
                }
            }
        }
        Ok(())
    }
}
