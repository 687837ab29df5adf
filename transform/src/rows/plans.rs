//! One batch of current plans into rows of `plans`, `outcomes` (one row per outcome and
//! category) and `planned_support` (one row per item, with its first category).
//!
//! Indices are 0-based positions in the event's arrays (`outcome_index`, `item_index`).

use std::sync::Arc;

use arrow::array::{
    ArrayRef, Int32Builder, ListBuilder, RecordBatch, StringBuilder, UInt32Builder,
};
use arrow::compute::take;
use arrow::datatypes::DataType;
use stf_schemas::tables::Table;

use super::cache::Cache;
use crate::columns::{cast_to, column, conform, constant, list, list_field, strings};
use crate::{Error, Result};

const SOURCE: &str = "plan_events";

/// The rows one batch of current plans gives.
pub struct PlanBatches {
    pub plans: RecordBatch,
    pub outcomes: RecordBatch,
    pub planned_support: RecordBatch,
}

/// Builds the three tables' rows from `batch` (one row per plan, duplicates already removed).
pub fn plan_batches(
    batch: &RecordBatch,
    cache: &mut Cache<'_>,
    publication_id: &str,
) -> Result<PlanBatches> {
    let plans = conform(batch, Table::Plans, publication_id)?;
    let outcomes = outcomes(batch, cache, publication_id)?;
    let planned_support = planned_support(batch, cache, publication_id)?;
    Ok(PlanBatches {
        plans,
        outcomes,
        planned_support,
    })
}

fn outcomes(
    batch: &RecordBatch,
    cache: &mut Cache<'_>,
    publication_id: &str,
) -> Result<RecordBatch> {
    let plan_id = column(batch, SOURCE, "plan_id")?;
    let lists = list(
        column(batch, SOURCE, "desired_outcomes")?,
        SOURCE,
        "desired_outcomes",
    )?;
    let texts = strings(&list_field(lists, SOURCE, "text")?, SOURCE, "text")?;
    let priorities = cast_to(
        &list_field(lists, SOURCE, "priority")?,
        &DataType::Int32,
        SOURCE,
        "priority",
    )?;

    let mut parents = UInt32Builder::new();
    let mut children = UInt32Builder::new();
    let mut index = Int32Builder::new();
    let mut category = StringBuilder::new();
    let mut terms = ListBuilder::new(StringBuilder::new());
    let offsets = lists.value_offsets();
    for row in 0..batch.num_rows() {
        let (start, end) = (offsets[row], offsets[row + 1]);
        for child in start..end {
            let child = usize::try_from(child).expect("list offsets are not negative");
            let answer = cache.outcome(texts.value(child));
            for (cat, matched) in &answer.rows {
                parents.append_value(u32_of(row));
                children.append_value(u32_of(child));
                index.append_value(i32_of(child - offset(start)));
                category.append_value(cat.as_str());
                for term in matched {
                    terms.values().append_value(term);
                }
                terms.append(true);
            }
        }
    }
    let parents = parents.finish();
    let children = children.finish();
    let rows = children.len();
    let table = Table::Outcomes.name();
    let texts: ArrayRef = Arc::new(texts);
    let columns: Vec<(&str, ArrayRef)> = vec![
        (
            "plan_id",
            take(plan_id, &parents, None).map_err(Error::arrow(table))?,
        ),
        ("outcome_index", Arc::new(index.finish())),
        (
            "text",
            take(&texts, &children, None).map_err(Error::arrow(table))?,
        ),
        (
            "priority",
            take(&priorities, &children, None).map_err(Error::arrow(table))?,
        ),
        ("category", Arc::new(category.finish())),
        ("matched_terms", Arc::new(terms.finish())),
        ("taxonomy_version", constant(cache.taxonomy_version(), rows)),
    ];
    let built = RecordBatch::try_from_iter(columns).map_err(Error::arrow(table))?;
    conform(&built, Table::Outcomes, publication_id)
}

fn planned_support(
    batch: &RecordBatch,
    cache: &mut Cache<'_>,
    publication_id: &str,
) -> Result<RecordBatch> {
    let plan_id = column(batch, SOURCE, "plan_id")?;
    let lists = list(
        column(batch, SOURCE, "planned_support")?,
        SOURCE,
        "planned_support",
    )?;
    let descriptions = strings(
        &list_field(lists, SOURCE, "description")?,
        SOURCE,
        "description",
    )?;
    let service_types = strings(
        &list_field(lists, SOURCE, "service_type")?,
        SOURCE,
        "service_type",
    )?;

    let mut parents = UInt32Builder::new();
    let mut children = UInt32Builder::new();
    let mut index = Int32Builder::new();
    let mut category = StringBuilder::new();
    let offsets = lists.value_offsets();
    for row in 0..batch.num_rows() {
        let (start, end) = (offsets[row], offsets[row + 1]);
        for child in start..end {
            let child = usize::try_from(child).expect("list offsets are not negative");
            let first = cache.item(descriptions.value(child), service_types.value(child));
            parents.append_value(u32_of(row));
            children.append_value(u32_of(child));
            index.append_value(i32_of(child - offset(start)));
            category.append_value(first.as_str());
        }
    }
    let parents = parents.finish();
    let children = children.finish();
    let rows = children.len();
    let table = Table::PlannedSupport.name();
    let gather = |name: &'static str| -> Result<ArrayRef> {
        let values = list_field(lists, SOURCE, name)?;
        take(&values, &children, None).map_err(Error::arrow(table))
    };
    let columns: Vec<(&str, ArrayRef)> = vec![
        (
            "plan_id",
            take(plan_id, &parents, None).map_err(Error::arrow(table))?,
        ),
        ("item_index", Arc::new(index.finish())),
        ("description", gather("description")?),
        ("service_type", gather("service_type")?),
        ("provider_kind", gather("provider_kind")?),
        ("category", Arc::new(category.finish())),
        ("hours_per_week", gather("hours_per_week")?),
        ("annual_cost_gbp", gather("annual_cost_gbp")?),
        ("arranged", gather("arranged")?),
        ("taxonomy_version", constant(cache.taxonomy_version(), rows)),
    ];
    let built = RecordBatch::try_from_iter(columns).map_err(Error::arrow(table))?;
    conform(&built, Table::PlannedSupport, publication_id)
}

fn offset(start: i32) -> usize {
    usize::try_from(start).expect("list offsets are not negative")
}

fn u32_of(i: usize) -> u32 {
    u32::try_from(i).expect("a batch holds fewer than 2^32 rows")
}

fn i32_of(i: usize) -> i32 {
    i32::try_from(i).expect("an event holds at most 50 items")
}
