//! Content negotiation: which result format an `Accept` header asks for.

use crate::Format;

/// The media types the SQL endpoint answers with, by format.
const SQL_TYPES: &[(&str, Format)] = &[
    ("application/json", Format::Json),
    ("text/csv", Format::Csv),
    ("application/vnd.apache.arrow.stream", Format::ArrowIpc),
    ("application/vnd.apache.parquet", Format::Parquet),
    ("application/x-parquet", Format::Parquet),
    ("text/plain", Format::Table),
];

/// The format for a SQL result: the acceptable media type of highest quality (earliest
/// on ties) that we serve; JSON when there is no `Accept` or it accepts anything. `None`
/// when nothing acceptable can be served.
pub fn sql_format(accept: Option<&str>) -> Option<Format> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Some(Format::Json);
    };
    let mut ranges: Vec<(f32, usize, String)> = accept
        .split(',')
        .enumerate()
        .filter_map(|(i, range)| {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next()?.to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (q > 0.0).then_some((q, i, media))
        })
        .collect();
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranges
        .into_iter()
        .find_map(|(_, _, media)| match media.as_str() {
            "*/*" | "application/*" => Some(Format::Json),
            "text/*" => Some(Format::Csv),
            _ => SQL_TYPES.iter().find(|(t, _)| *t == media).map(|(_, f)| *f),
        })
}

/// The media types [`sql_format`] serves, for a 406 message.
pub fn sql_types() -> String {
    SQL_TYPES
        .iter()
        .map(|(t, _)| *t)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_headers_pick_formats() {
        for (accept, expected) in [
            (None, Some(Format::Json)),
            (Some(""), Some(Format::Json)),
            (Some("*/*"), Some(Format::Json)),
            (Some("text/csv"), Some(Format::Csv)),
            (
                Some("application/vnd.apache.arrow.stream"),
                Some(Format::ArrowIpc),
            ),
            (
                Some("application/vnd.apache.parquet"),
                Some(Format::Parquet),
            ),
            (Some("text/csv;q=0.5, application/json"), Some(Format::Json)),
            (Some("image/png, text/csv;q=0.1"), Some(Format::Csv)),
            (Some("text/csv;q=0, application/xml"), None),
            (Some("TEXT/CSV; charset=utf-8"), Some(Format::Csv)),
        ] {
            assert_eq!(sql_format(accept), expected, "{accept:?}");
        }
    }
}
