//! `POST /api/v1/sql`: one untrusted SQL statement (the body) from a commissioner holding a
//! bearer token, answered in the format `Accept` asks for. Every attempt past
//! authentication is logged for audit with the token's name (never its value).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};

use super::negotiate::{sql_format, sql_types};
use super::{ApiError, AppState, Tokens};
use crate::{write, Error, Format, QueryOutput, Snapshot};

/// The longest statement logged whole; longer ones are cut in the audit log.
const LOGGED_SQL_CHARS: usize = 2000;

pub(crate) async fn query(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = authenticate(&state.config.tokens, &headers)?.to_owned();
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let format = sql_format(accept)
        .ok_or_else(|| ApiError::NotAcceptable(format!("results are served as {}", sql_types())))?;
    let sql = std::str::from_utf8(&body)
        .map_err(|_| ApiError::BadRequest {
            code: "not_utf8",
            message: "the body must be SQL text in UTF-8".to_owned(),
        })?
        .trim();
    if sql.is_empty() {
        return Err(ApiError::BadRequest {
            code: "empty",
            message: "the body must hold one SQL statement".to_owned(),
        });
    }
    let snapshot = state.catalog.current();
    let started = Instant::now();
    let result = run(&state, &snapshot, sql).await?;
    let logged: String = sql.chars().take(LOGGED_SQL_CHARS).collect();
    let output = match result {
        Ok(output) => output,
        Err(error) => {
            let error = ApiError::from(error);
            state
                .metrics
                .query(error.outcome(), Some(started.elapsed()));
            tracing::info!(
                token = %caller,
                publication_id = snapshot.publication_id(),
                outcome = error.outcome(),
                elapsed_ms = started.elapsed().as_millis() as u64,
                sql = %logged,
                "SQL query refused or failed."
            );
            return Err(error);
        }
    };
    state.metrics.query("ok", Some(output.elapsed));
    tracing::info!(
        token = %caller,
        publication_id = snapshot.publication_id(),
        outcome = "ok",
        rows = output.rows,
        truncated = output.truncated,
        format = format.name(),
        elapsed_ms = output.elapsed.as_millis() as u64,
        sql = %logged,
        "SQL query."
    );
    let (rows, truncated) = (output.rows, output.truncated);
    let body = tokio::task::spawn_blocking(move || encode(&output, format))
        .await
        .map_err(|e| {
            ApiError::Query(Error::Write {
                format: format.name(),
                source: Box::new(e),
            })
        })??;
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.media_type()),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(id) = HeaderValue::from_str(snapshot.publication_id()) {
        h.insert("x-stf-publication", id);
    }
    h.insert("x-stf-rows", HeaderValue::from(rows));
    h.insert(
        "x-stf-truncated",
        HeaderValue::from_static(if truncated { "true" } else { "false" }),
    );
    Ok(response)
}

/// Runs the query on the query runtime; dropping the request (a client gone) cancels it.
async fn run(
    state: &AppState,
    snapshot: &Arc<Snapshot>,
    sql: &str,
) -> Result<crate::Result<QueryOutput>, ApiError> {
    let task = {
        let (snapshot, sql) = (snapshot.clone(), sql.to_owned());
        state
            .queries
            .spawn(async move { snapshot.query(&sql).await })
    };
    let _cancel = CancelOnDrop(task.abort_handle());
    task.await
        .map_err(|e| ApiError::Internal(format!("the query task failed: {e}")))
}

/// Aborts a task when dropped (a no-op once it has finished).
struct CancelOnDrop(tokio::task::AbortHandle);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The name of the bearer token presented, if it is one of ours.
fn authenticate<'t>(tokens: &'t Tokens, headers: &HeaderMap) -> Result<&'t str, ApiError> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| Tokens::bearer(v.as_bytes()))
        .and_then(|t| tokens.authenticate(t))
        .ok_or(ApiError::Unauthorized)
}

fn encode(output: &QueryOutput, format: Format) -> Result<Vec<u8>, ApiError> {
    let mut buffer = Vec::new();
    write(output, format, &mut buffer)?;
    Ok(buffer)
}
