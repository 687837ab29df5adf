//! About the server itself: `/health`, `/metrics` and the OpenAPI document.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::AppState;

/// The OpenAPI 3.1 document of every endpoint, written by hand.
const OPENAPI: &str = include_str!("../../assets/openapi.json");

/// `GET /health`: 200 with the publication served.
pub(crate) async fn health(State(state): State<AppState>) -> Json<serde_json::Value> {
    let published = state.published();
    Json(serde_json::json!({
        "status": "ok",
        "publication_id": published.publication_id(),
        "data_to": published.data_to(),
        "sql_publication_id": state.catalog.current().publication_id(),
    }))
}

/// `GET /metrics`: the Prometheus text format.
pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    let mut response = state.metrics.render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

/// `GET /api/v1/openapi.json`.
pub(crate) async fn openapi() -> Response {
    let mut response = OPENAPI.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::published::Dataset;

    #[test]
    fn the_openapi_document_is_json_and_names_every_endpoint() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).expect("valid JSON");
        assert_eq!(doc["openapi"], "3.1.0");
        let paths = doc["paths"].as_object().expect("paths");
        for path in [
            "/api/v1/sql",
            "/api/v1/published/{dataset}",
            "/health",
            "/metrics",
            "/api/v1/openapi.json",
        ] {
            assert!(paths.contains_key(path), "{path}");
        }
        let names: Vec<&str> = doc["paths"]["/api/v1/published/{dataset}"]["get"]["parameters"][0]
            ["schema"]["enum"]
            .as_array()
            .expect("an enum of datasets")
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        let expected: Vec<&str> = Dataset::ALL.iter().map(|d| d.name()).collect();
        assert_eq!(names, expected);
    }
}
