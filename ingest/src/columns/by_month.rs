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

/// Months a batch keeps apart at most. Validation bounds no date, so one batch could hold a
/// row of every month of ten thousand years; each month's empty builders cost about 200 KB.
/// Five years of history cover any real backlog (the generator spans three).
pub const MAX_MONTHS: usize = 60;

/// One set of columns per month of `occurred_at`, for up to [`MAX_MONTHS`] months; the rows
/// of any further month share one more set, which the store splits by value at commit.
pub struct ByMonth<C> {
    months: BTreeMap<i32, C>,
    others: C,
}

impl<C: Default> Default for ByMonth<C> {
    fn default() -> Self {
        Self {
            months: BTreeMap::new(),
            others: C::default(),
        }
    }
}

impl<C: Rows> ByMonth<C> {
    /// The columns for a row that happened `at`.
    pub fn month(&mut self, at: DateTime<Utc>) -> &mut C {
        let month = month_start(at);
        if self.months.len() >= MAX_MONTHS && !self.months.contains_key(&month) {
            return &mut self.others;
        }
        self.months.entry(month).or_default()
    }

    pub fn len(&self) -> usize {
        self.months.values().map(Rows::rows).sum::<usize>() + self.others.rows()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Each month's rows as one batch, months in order, then the rows of months beyond the
    /// limit as one batch; none empty. Afterwards there are no rows.
    pub fn finish(&mut self) -> Result<Vec<RecordBatch>, Error> {
        let mut batches = Vec::with_capacity(self.months.len() + 1);
        for mut columns in std::mem::take(&mut self.months).into_values() {
            batches.push(columns.finish()?);
        }
        batches.push(self.others.finish()?);
        batches.retain(|b| b.num_rows() > 0);
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

    #[test]
    fn months_beyond_the_limit_share_one_batch_and_lose_no_row() {
        let mut rows: ByMonth<PlanColumns> = ByMonth::default();
        let now = Utc::now();
        let total = MAX_MONTHS + 40;
        for i in 0..total {
            let mut e = event_costing(10.0);
            // A month apart each, and the first month again at the end.
            let month = if i == total - 1 { 0 } else { i };
            e.occurred_at = Utc
                .with_ymd_and_hms(
                    2000 + (month / 12) as i32,
                    1 + (month % 12) as u32,
                    1,
                    0,
                    0,
                    0,
                )
                .unwrap();
            let origin = Origin::File {
                path: "in.ndjson".into(),
                line: i as i64,
            };
            rows.month(e.occurred_at)
                .push(&e, 0, &origin, now)
                .expect("fits");
        }
        assert_eq!(rows.len(), total);
        let batches = rows.finish().expect("finishes");
        assert_eq!(
            batches.len(),
            MAX_MONTHS + 1,
            "the months kept apart, then the rest"
        );
        let sizes: Vec<usize> = batches.iter().map(RecordBatch::num_rows).collect();
        assert_eq!(sizes[0], 2, "a month already kept takes its later rows");
        assert_eq!(sizes[MAX_MONTHS], total - 1 - MAX_MONTHS);
        assert_eq!(sizes.iter().sum::<usize>(), total);
        assert!(rows.is_empty());
    }
}
