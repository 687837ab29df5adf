//! Where a message came from, the application-transaction ids that record progress in the
//! tables, and the per-table watermarks that make replays harmless.

use std::collections::HashMap;

use stf_schemas::tables::Table;

/// The coordinates of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Kafka {
        topic: String,
        partition: i32,
        offset: i64,
    },
    File {
        path: String,
        line: i64,
    },
}

impl Origin {
    /// The position within its stream: the Kafka offset or the line number.
    pub fn position(&self) -> i64 {
        match self {
            Self::Kafka { offset, .. } => *offset,
            Self::File { line, .. } => *line,
        }
    }
}

/// One ordered stream of messages whose progress is recorded as one application transaction
/// per table: a Kafka partition of a consumer group, or one input file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StreamId(String);

impl StreamId {
    /// `<group>-<topic>-<partition>`, as kafka-delta-ingest names it.
    pub fn kafka(group: &str, topic: &str, partition: i32) -> Self {
        Self(format!("{group}-{topic}-{partition}"))
    }

    /// `file:<canonical path>`: the same file always resumes where it stopped.
    pub fn file(canonical_path: &str) -> Self {
        Self(format!("file:{canonical_path}"))
    }

    /// The stream whose application-transaction id this is.
    pub fn from_app_id(app_id: &str) -> Self {
        Self(app_id.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The last position each table holds of each stream, as read from the tables' `txn`
/// actions and advanced by this process's own commits.
#[derive(Debug, Default, Clone)]
pub struct Watermarks {
    /// By stream first, so that a lookup (one or two for every message) borrows the id.
    marks: HashMap<StreamId, HashMap<Table, i64>>,
}

impl Watermarks {
    pub fn get(&self, table: Table, stream: &StreamId) -> Option<i64> {
        self.marks.get(stream)?.get(&table).copied()
    }

    pub fn set(&mut self, table: Table, stream: StreamId, position: i64) {
        self.marks
            .entry(stream)
            .or_default()
            .insert(table, position);
    }

    /// Whether `table` already holds the message at `position` of `stream`.
    pub fn holds(&self, table: Table, stream: &StreamId, position: i64) -> bool {
        self.get(table, stream).is_some_and(|w| position <= w)
    }

    /// The first position of `stream` that some table in `tables` does not hold yet:
    /// where reading must resume. `None` when no table holds anything of it.
    pub fn resume_at(&self, tables: &[Table], stream: &StreamId) -> Option<i64> {
        let mut lowest: Option<i64> = None;
        for &t in tables {
            match self.get(t, stream) {
                None => return None,
                Some(w) => lowest = Some(lowest.map_or(w, |l: i64| l.min(w))),
            }
        }
        lowest.map(|w| w + 1)
    }
}

/// The tables a stream of this kind of event writes to.
pub fn tables_of(kind: stf_schemas::event::EventKind) -> [Table; 2] {
    match kind {
        stf_schemas::event::EventKind::SupportPlan => [Table::PlanEvents, Table::RejectedEvents],
        stf_schemas::event::EventKind::ProviderService => {
            [Table::ServiceEvents, Table::RejectedEvents]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resume_at_the_lowest_table() {
        let s = StreamId::kafka("g", "support-plans", 3);
        assert_eq!(s.as_str(), "g-support-plans-3");
        let mut w = Watermarks::default();
        let tables = [Table::PlanEvents, Table::RejectedEvents];
        assert_eq!(w.resume_at(&tables, &s), None);
        w.set(Table::PlanEvents, s.clone(), 200);
        assert_eq!(w.resume_at(&tables, &s), None);
        w.set(Table::RejectedEvents, s.clone(), 150);
        assert_eq!(w.resume_at(&tables, &s), Some(151));
        assert!(w.holds(Table::PlanEvents, &s, 180));
        assert!(!w.holds(Table::RejectedEvents, &s, 180));
    }
}
