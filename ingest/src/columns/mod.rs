//! Accepted and rejected messages as Arrow columns of the event tables, appended as each
//! message is judged and finished into one `RecordBatch` of the table's exact schema
//! (`stf_schemas::tables`) at commit.
//!
//! A pending commit is held as column buffers, not as row structs: a string costs its bytes
//! and one offset, and nothing is converted twice.

mod by_month;
mod common;
mod plan;
mod rejected;
mod service;
mod source;

use std::sync::Arc;

use arrow::array::{ArrayRef, Decimal128Builder, StringBuilder, TimestampMicrosecondBuilder};
use arrow::compute::kernels::cast_utils::parse_decimal;
use arrow::datatypes::{DataType, Decimal128Type, FieldRef, SchemaRef};
use arrow::error::ArrowError;
use arrow::record_batch::RecordBatch;
use chrono::{DateTime, Datelike, NaiveTime, Utc};
use stf_schemas::event::Event;
use stf_schemas::tables::{Table, MONEY};
use stf_schemas::validate::Rejection;

pub use by_month::{ByMonth, Rows};
#[cfg(test)]
pub(crate) use plan::tests as plan_tests;
pub use plan::PlanColumns;
pub use rejected::RejectedColumns;
pub use service::ServiceColumns;

use crate::Error;

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

/// Days since the Unix epoch.
fn days(t: DateTime<Utc>) -> i32 {
    const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;
    t.date_naive().num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE
}

/// The first day of `t`'s month, in days since the Unix epoch.
fn month_start(t: DateTime<Utc>) -> i32 {
    let first = t
        .date_naive()
        .with_day(1)
        .expect("every month has a first day");
    days(first.and_time(NaiveTime::MIN).and_utc())
}

/// A money column (`MONEY`, pence) being built.
#[derive(Default)]
struct Money {
    values: Decimal128Builder,
}

/// `gbp` in pence, or an error when the money columns cannot hold it (validation bounds every
/// amount to `MAX_AMOUNT_GBP`, well within them). An amount becomes pence as arrow-json made
/// it (the path before this module): Rust's shortest decimal form of the `f64`, digits past
/// the pennies dropped (0.285 becomes 0.28).
fn pence(gbp: f64) -> Result<i128, ArrowError> {
    // Nearly every amount has at most two decimals. Below 1e12 an f64's spacing is far finer
    // than a penny, so such an amount is the f64 nearest to a whole number of pence, and that
    // number is `round(gbp × 100)`: the check below holds exactly when the shortest decimal
    // form has at most two decimals, and then this is what parsing it gives.
    let whole = (gbp * 100.0).round();
    if (0.0..1e12).contains(&gbp) && whole / 100.0 == gbp {
        return Ok(whole as i128);
    }
    let (precision, scale) = money_precision();
    parse_decimal::<Decimal128Type>(&gbp.to_string(), precision, scale)
}

impl Money {
    fn append_pence(&mut self, pence: Option<i128>) {
        self.values.append_option(pence);
    }

    fn finish(&mut self) -> Result<ArrayRef, ArrowError> {
        let (precision, scale) = money_precision();
        Ok(Arc::new(
            self.values
                .finish()
                .with_precision_and_scale(precision, scale)?,
        ))
    }
}

/// Whether every amount of `event` fits the money columns; the rejection if not.
pub fn fits(event: &Event) -> Result<(), Rejection> {
    let check = |gbp: f64| {
        pence(gbp).map(drop).map_err(|e| {
            Rejection::unstorable(
                event.event_id(),
                format!("an amount does not fit the money columns: {e}"),
            )
        })
    };
    match event {
        Event::SupportPlan(e) => {
            check(e.budget.annual_gbp)?;
            e.planned_support
                .iter()
                .try_for_each(|s| check(s.annual_cost_gbp))
        }
        Event::ProviderService(e) => match e.cost.as_ref().and_then(|c| c.amount_gbp) {
            Some(gbp) => check(gbp),
            None => Ok(()),
        },
    }
}

fn money_precision() -> (u8, i8) {
    match MONEY {
        DataType::Decimal128(p, s) => (p, s),
        _ => unreachable!("MONEY is a Decimal128"),
    }
}

/// A finished timestamp column, in UTC as the tables have it.
fn utc(b: &mut TimestampMicrosecondBuilder) -> ArrayRef {
    Arc::new(b.finish().with_timezone("UTC"))
}

/// Appends a string that may be absent.
fn append_opt_str(b: &mut StringBuilder, s: Option<&str>) {
    match s {
        Some(s) => b.append_value(s),
        None => b.append_null(),
    }
}

/// The item field of list column `name` of `schema`.
fn list_item(schema: &SchemaRef, name: &str) -> FieldRef {
    match schema.field_with_name(name).map(|f| f.data_type()) {
        Ok(DataType::List(item)) => item.clone(),
        other => unreachable!("{name} is a list column, found {other:?}"),
    }
}

/// Assembles `columns` (in schema order) into a batch of `table`.
fn assemble(table: Table, columns: Vec<ArrayRef>) -> Result<RecordBatch, Error> {
    RecordBatch::try_new(table.schema(), columns).map_err(|source| arrow_error(table, source))
}

fn arrow_error(table: Table, source: ArrowError) -> Error {
    Error::Arrow {
        table: table.name(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().expect("a timestamp")
    }

    #[test]
    fn month_start_is_the_first_of_the_month() {
        let first = days(t("2025-03-01T00:00:00Z"));
        assert_eq!(month_start(t("2025-03-31T23:59:59Z")), first);
        assert_eq!(month_start(t("2025-03-01T00:00:00Z")), first);
        assert_eq!(
            month_start(t("2025-02-28T12:00:00Z")),
            days(t("2025-02-01T00:00:00Z"))
        );
        assert_eq!(days(t("1970-01-02T00:00:00Z")), 1);
    }

    #[test]
    fn money_is_exact_pence_and_drops_digits_past_them() {
        let mut m = Money::default();
        for v in [0.0, 0.1, 0.29, 1234.5, 0.285, 999_999_999.99, 1e9] {
            let p = pence(v).expect("fits");
            m.append_pence(Some(p));
        }
        m.append_pence(None);
        let a = m.finish().expect("finishes");
        let a = a
            .as_any()
            .downcast_ref::<arrow::array::Decimal128Array>()
            .expect("decimal");
        let got: Vec<Option<i128>> = a.iter().collect();
        assert_eq!(
            got,
            vec![
                Some(0),
                Some(10),
                Some(29),
                Some(123_450),
                Some(28),
                Some(99_999_999_999),
                Some(100_000_000_000),
                None
            ]
        );
        assert!(pence(1e13).is_err(), "beyond the column is an error");
    }

    #[test]
    fn pence_are_what_the_shortest_decimal_form_gives() {
        let (precision, scale) = money_precision();
        let by_text =
            |gbp: f64| parse_decimal::<Decimal128Type>(&gbp.to_string(), precision, scale).ok();
        // Whole pence, amounts with more decimals, and arbitrary doubles, up to the column's end.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for i in 0..300_000u64 {
            let gbp = match i % 4 {
                0 => (next() % 100_000_000_000_000) as f64 / 100.0,
                1 => (next() % 10_000_000) as f64 / 100.0,
                2 => (next() % 1_000_000_000) as f64 / 1000.0,
                _ => f64::from_bits(next() % 0x4270_0000_0000_0000), // 0 up to ~1.1e12
            };
            assert_eq!(pence(gbp).ok(), by_text(gbp), "{gbp}");
        }
        for gbp in [-0.0, -1.25, 0.285, 1e12 - 0.01, 1e12, 5e-324] {
            assert_eq!(pence(gbp).ok(), by_text(gbp), "{gbp}");
        }
    }
}
