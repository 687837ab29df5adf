//! A published dataset written out once, as the JSON document and the CSV file the server
//! sends as they are, each with its entity tag.

use serde::Serialize;
use serde_json::{Map, Value};

use super::datasets::Dataset;
use super::table::{Kind, Table};
use super::PublicationInfo;
use crate::disclosure::DisclosureConfig;

/// Bumped whenever the rendered bytes change for the same publication, so that caches
/// holding the old bytes under an old tag do not match.
const RENDER_VERSION: u32 = 1;

/// A published representation of a dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PublishedFormat {
    Json,
    Csv,
}

impl PublishedFormat {
    /// The media type the server sends.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::Csv => "text/csv; charset=utf-8",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Csv => "csv",
        }
    }
}

/// One representation, ready to send.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub body: bytes::Bytes,
    /// A strong entity tag, quotes included: a function of the publication (its id and the
    /// versions of the tables behind the dataset), the rules and the format.
    pub etag: String,
}

/// How the small-number rules were applied, in the document itself.
#[derive(Debug, Serialize)]
struct Disclosure<'a> {
    #[serde(flatten)]
    config: &'a DisclosureConfig,
    rule: String,
}

/// The sentence stating the rules, for documents and the dashboard.
pub fn rule_text(config: &DisclosureConfig) -> String {
    format!(
        "Counts of 1 to {} people are suppressed; other counts of people are rounded to the \
         nearest {}; money is shown only where {} or more people are behind it, rounded to the \
         nearest £{}; shares are computed from the rounded figures; counts of services and \
         organisations are exact. Where a table has a total, a second cell is suppressed beside \
         a lone suppressed one, so that it cannot be worked out by subtraction.",
        config.threshold.saturating_sub(1),
        config.base,
        config.threshold,
        config.money_base
    )
}

/// Renders `table` as JSON and CSV.
pub fn render(
    dataset: Dataset,
    table: &Table,
    publication: &PublicationInfo,
    config: &DisclosureConfig,
) -> [(PublishedFormat, Rendered); 2] {
    [PublishedFormat::Json, PublishedFormat::Csv].map(|format| {
        let body = match format {
            PublishedFormat::Json => json(dataset, table, publication, config),
            PublishedFormat::Csv => csv(table, &publication.id),
        };
        let etag = etag(dataset, format, publication, config);
        (
            format,
            Rendered {
                body: body.into(),
                etag,
            },
        )
    })
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "text",
        Kind::Date => "date",
        Kind::Flag => "flag",
        Kind::People => "people",
        Kind::Money { .. } => "money",
        Kind::Count => "count",
        Kind::Quantity => "quantity",
        Kind::Share { .. } => "share",
    }
}

fn json(
    dataset: Dataset,
    table: &Table,
    publication: &PublicationInfo,
    config: &DisclosureConfig,
) -> Vec<u8> {
    let columns: Vec<Value> = table
        .columns
        .iter()
        .map(|c| {
            let mut column = serde_json::json!({
                "name": c.name,
                "kind": kind_name(c.kind),
                "description": c.description,
            });
            match c.kind {
                Kind::Money { people } => column["people_column"] = Value::from(people),
                Kind::Share {
                    numerator,
                    denominator,
                } => {
                    column["numerator"] = Value::from(numerator);
                    column["denominator"] = Value::from(denominator);
                }
                _ => {}
            }
            column
        })
        .collect();
    let rows: Vec<Value> = table
        .rows
        .iter()
        .map(|row| {
            let mut object = Map::with_capacity(row.values.len() + 1);
            for (column, value) in table.columns.iter().zip(&row.values) {
                object.insert(column.name.to_owned(), value.clone());
            }
            object.insert("suppressed".to_owned(), Value::from(row.suppressed.clone()));
            Value::Object(object)
        })
        .collect();
    let disclosure = Disclosure {
        config,
        rule: rule_text(config),
    };
    let document = serde_json::json!({
        "dataset": dataset.name(),
        "description": dataset.description(),
        "publication": publication,
        "disclosure": disclosure,
        "columns": columns,
        "rows": rows,
    });
    serde_json::to_vec(&document).expect("a JSON value always serialises")
}

/// CSV with a header line: the columns, then `publication_id` and `suppressed` (the withheld
/// columns of the row, `;`-separated). Nulls are empty fields.
fn csv(table: &Table, publication_id: &str) -> Vec<u8> {
    let mut out = String::new();
    let header: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
    out.push_str(&header.join(","));
    out.push_str(",publication_id,suppressed\n");
    for row in &table.rows {
        for value in &row.values {
            out.push_str(&field(value));
            out.push(',');
        }
        out.push_str(&quote(publication_id));
        out.push(',');
        out.push_str(&quote(&row.suppressed.join(";")));
        out.push('\n');
    }
    out.into_bytes()
}

fn field(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => quote(s),
        other => other.to_string(),
    }
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn etag(
    dataset: Dataset,
    format: PublishedFormat,
    publication: &PublicationInfo,
    config: &DisclosureConfig,
) -> String {
    let mut hash = Fnv::default();
    hash.write(dataset.name());
    hash.write(format.name());
    hash.write(&publication.id);
    for (table, version) in &publication.tables {
        hash.write(table);
        hash.write(&format!("{version:?}"));
    }
    hash.write(&format!("{config:?}/{RENDER_VERSION}"));
    format!("\"{}-{:016x}\"", publication.id, hash.0)
}

/// FNV-1a, 64 bits: stable across builds and platforms, unlike `std`'s hasher.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, s: &str) {
        for b in s.bytes().chain([0xff]) {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting_and_leaves_nulls_empty() {
        assert_eq!(field(&Value::Null), "");
        assert_eq!(
            field(&Value::from("Bristol, City of")),
            "\"Bristol, City of\""
        );
        assert_eq!(field(&Value::from("say \"hi\"")), "\"say \"\"hi\"\"\"");
        assert_eq!(field(&Value::from(12)), "12");
        assert_eq!(field(&Value::from(true)), "true");
    }

    #[test]
    fn the_rule_text_follows_the_configuration() {
        let text = rule_text(&DisclosureConfig::default());
        assert!(text.contains("1 to 7 people"), "{text}");
        assert!(text.contains("nearest 5"), "{text}");
        assert!(text.contains("£1000"), "{text}");
    }
}
