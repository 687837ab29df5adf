//! One batch of current services into rows of `services`: one row per (service, local
//! authority, category). Categories are the provider's own `categories` when given (and not
//! empty), else the categoriser's reading of the `description` (taxonomy.md). Repeated
//! authorities or categories in one event count once.

use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, ListArray, RecordBatch, StringArray, StringBuilder, UInt32Builder,
};
use arrow::compute::take;
use stf_schemas::tables::Table;

use super::cache::Cache;
use crate::columns::{column, conform, constant, list, strings};
use crate::{Error, Result};

const SOURCE: &str = "service_events";

/// Builds the `services` rows of `batch` (one row per current service).
pub fn service_batch(
    batch: &RecordBatch,
    cache: &mut Cache<'_>,
    publication_id: &str,
) -> Result<RecordBatch> {
    let descriptions = strings(column(batch, SOURCE, "description")?, SOURCE, "description")?;
    let given = list(column(batch, SOURCE, "categories")?, SOURCE, "categories")?;
    let given_values = strings(given.values(), SOURCE, "categories")?;
    let areas = list(
        column(batch, SOURCE, "local_authorities")?,
        SOURCE,
        "local_authorities",
    )?;
    let area_values = strings(areas.values(), SOURCE, "local_authorities")?;

    let mut parents = UInt32Builder::new();
    let mut authority = StringBuilder::new();
    let mut category = StringBuilder::new();
    for row in 0..batch.num_rows() {
        let categories = categories_of(row, given, &given_values, &descriptions, cache);
        let authorities = distinct(row, areas, &area_values);
        for la in &authorities {
            for cat in &categories {
                parents
                    .append_value(u32::try_from(row).expect("a batch holds fewer than 2^32 rows"));
                authority.append_value(la);
                category.append_value(cat);
            }
        }
    }
    let parents = parents.finish();
    let rows = parents.len();
    let table = Table::Services.name();
    let mut columns: Vec<(&str, ArrayRef)> = Vec::new();
    for name in [
        "service_id",
        "organization_id",
        "organization_name",
        "provider_kind",
        "service_name",
        "capacity_unit",
        "available_per_week",
        "cost_amount_gbp",
        "cost_per",
        "accepting_new",
        "active",
    ] {
        let values = column(batch, SOURCE, name)?;
        columns.push((
            name,
            take(values, &parents, None).map_err(Error::arrow(table))?,
        ));
    }
    columns.push(("local_authority", Arc::new(authority.finish())));
    columns.push(("category", Arc::new(category.finish())));
    columns.push(("taxonomy_version", constant(cache.taxonomy_version(), rows)));
    let built = RecordBatch::try_from_iter(columns).map_err(Error::arrow(table))?;
    conform(&built, Table::Services, publication_id)
}

/// The service's categories: its own tagging when it has any, else its description's.
fn categories_of(
    row: usize,
    given: &ListArray,
    given_values: &StringArray,
    descriptions: &StringArray,
    cache: &mut Cache<'_>,
) -> Vec<String> {
    let own = distinct(row, given, given_values);
    if !own.is_empty() {
        return own;
    }
    cache
        .service(descriptions.value(row))
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect()
}

/// The distinct non-null strings of one list, sorted.
fn distinct(row: usize, lists: &ListArray, values: &StringArray) -> Vec<String> {
    if lists.is_null(row) {
        return Vec::new();
    }
    let offsets = lists.value_offsets();
    let (start, end) = (offsets[row], offsets[row + 1]);
    let mut out: Vec<String> = (start..end)
        .map(|i| usize::try_from(i).expect("list offsets are not negative"))
        .filter(|&i| values.is_valid(i))
        .map(|i| values.value(i).to_owned())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}
