//! `GET /api/v1/published/{dataset}`: a disclosure-controlled dataset, public, sent from
//! memory as rendered when its publication arrived. The entity tag is the publication's, so
//! `If-None-Match` answers 304 until transform publishes again.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{ApiError, AppState};
use crate::published::{Dataset, PublishedFormat};

#[derive(Debug, Deserialize)]
pub(crate) struct Params {
    format: Option<String>,
}

pub(crate) async fn dataset(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let dataset: Dataset = name.parse().map_err(|_| {
        let names: Vec<&str> = Dataset::ALL.iter().map(|d| d.name()).collect();
        ApiError::NotFound(format!(
            "no published dataset {name:?}; there are {}",
            names.join(", ")
        ))
    })?;
    let format = format(params.format.as_deref(), &headers)?;
    let set = state.published();
    let rendered = set.get(dataset, format);
    let cache = HeaderValue::from_str(&format!(
        "public, max-age={}",
        state.config.cache_max_age.as_secs()
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("no-cache"));

    let mut response = if matches(headers.get(header::IF_NONE_MATCH), &rendered.etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = rendered.body.clone().into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.media_type()),
        );
        r
    };
    let h = response.headers_mut();
    if let Ok(etag) = HeaderValue::from_str(&rendered.etag) {
        h.insert(header::ETAG, etag);
    }
    h.insert(header::CACHE_CONTROL, cache);
    h.insert(header::VARY, HeaderValue::from_static("accept"));
    if let Ok(id) = HeaderValue::from_str(set.publication_id()) {
        h.insert("x-stf-publication", id);
    }
    if let Some(day) = set.data_to().and_then(|d| HeaderValue::from_str(d).ok()) {
        h.insert("x-stf-data-to", day);
    }
    Ok(response)
}

/// `?format=` wins; otherwise CSV when `Accept` prefers `text/csv`, else JSON.
fn format(param: Option<&str>, headers: &HeaderMap) -> Result<PublishedFormat, ApiError> {
    match param {
        Some("json") => Ok(PublishedFormat::Json),
        Some("csv") => Ok(PublishedFormat::Csv),
        Some(other) => Err(ApiError::BadRequest {
            code: "bad_format",
            message: format!("format {other:?} is not served: use json or csv"),
        }),
        None => {
            let accept = headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let csv_first = accept
                .split(',')
                .next()
                .is_some_and(|m| m.trim().starts_with("text/csv"));
            Ok(if csv_first {
                PublishedFormat::Csv
            } else {
                PublishedFormat::Json
            })
        }
    }
}

/// Whether an `If-None-Match` header names `etag` (or is `*`); weak tags compare weakly.
fn matches(header: Option<&HeaderValue>, etag: &str) -> bool {
    let Some(value) = header.and_then(|h| h.to_str().ok()) else {
        return false;
    };
    value
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_lists_are_read() {
        let tag = "\"p1-00ff\"";
        let header = |s: &'static str| HeaderValue::from_static(s);
        assert!(matches(Some(&header("\"p1-00ff\"")), tag));
        assert!(matches(Some(&header("\"x\", W/\"p1-00ff\"")), tag));
        assert!(matches(Some(&header("*")), tag));
        assert!(!matches(Some(&header("\"p0-00ff\"")), tag));
        assert!(!matches(None, tag));
    }
}
