//! A table's rows kept apart by month (`event_month`, the partition of both event tables), so
//! that each month's rows finish as a batch of their own and the store writes each to its
//! partition as it is, instead of splitting (copying) one batch by value at commit.

use std::collections::BTreeMap;

use arrow::record_batch::RecordBatch;
use chrono::{DateTime, Utc};

use super::month_start;
use crate::Error;

/// The columns of one table being built, as [`ByMonth`] holds them.
pub trait Rows: Default {
    /// Rows appended since the last `finish`.
    fn rows(&self) -> usize;
    /// The rows so far as one batch; the builders start empty again.
    fn finish(&mut self) -> Result<RecordBatch, Error>;
}

/// One set of columns per month of `occurred_at`.
pub struct ByMonth<C> {
    months: BTreeMap<i32, C>,
}

impl<C> Default for ByMonth<C> {
    fn default() -> Self {
        Self {
            months: BTreeMap::new(),
        }
    }
}

impl<C: Rows> ByMonth<C> {
    /// The columns of the month that `at` falls in.
    pub fn month(&mut self, at: DateTime<Utc>) -> &mut C {
        self.months.entry(month_start(at)).or_default()
    }

    pub fn len(&self) -> usize {
        self.months.values().map(Rows::rows).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Each month's rows as one batch, months in order, none empty; afterwards there are no
    /// rows.
    pub fn finish(&mut self) -> Result<Vec<RecordBatch>, Error> {
        let mut batches = Vec::with_capacity(self.months.len());
        for mut columns in std::mem::take(&mut self.months).into_values() {
            let batch = columns.finish()?;
            if batch.num_rows() > 0 {
                batches.push(batch);
            }
        }
        Ok(batches)
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::{AsArray, RecordBatch};
    use arrow::datatypes::Date32Type;
    use chrono::TimeZone;

    use super::*;
    use crate::columns::plan_tests::event_costing;
    use crate::columns::PlanColumns;
    use crate::position::Origin;

    fn months(batch: &RecordBatch) -> Vec<i32> {
        let column = batch.column_by_name("event_month").expect("event_month");
        column.as_primitive::<Date32Type>().values().to_vec()
    }

    #[test]
    fn each_month_finishes_as_a_batch_of_its_own() {
        let mut rows: ByMonth<PlanColumns> = ByMonth::default();
        let now = Utc::now();
        let at = |m: u32, d: u32| Utc.with_ymd_and_hms(2025, m, d, 12, 0, 0).unwrap();
        for (i, when) in [at(3, 5), at(1, 31), at(3, 1), at(2, 14), at(3, 31)]
            .into_iter()
            .enumerate()
        {
            let mut e = event_costing(10.0);
            e.occurred_at = when;
            let origin = Origin::File {
                path: "in.ndjson".into(),
                line: i as i64,
            };
            rows.month(when).push(&e, 0, &origin, now).expect("fits");
        }
        assert_eq!(rows.len(), 5);
        let batches = rows.finish().expect("finishes");
        let sizes: Vec<usize> = batches.iter().map(RecordBatch::num_rows).collect();
        assert_eq!(sizes, [1, 1, 3], "January, February, then March's three");
        for batch in &batches {
            let m = months(batch);
            assert!(m.iter().all(|&v| v == m[0]), "one month a batch: {m:?}");
        }
        assert!(months(&batches[0])[0] < months(&batches[1])[0]);
        assert!(rows.is_empty(), "finishing leaves no rows");
        assert!(rows.finish().expect("finishes").is_empty());
    }
}
