//! The one place where failures become HTTP responses: a status and a JSON body
//! `{"error": {"code": ..., "message": ...}}`. Client errors say what was wrong; server
//! errors are logged in full and answered with a general sentence.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::Error;

/// A request that failed.
#[derive(Debug)]
pub enum ApiError {
    /// No bearer token, or one that is not configured.
    Unauthorized,
    /// The request itself is wrong (bad format, not UTF-8, empty SQL).
    BadRequest { code: &'static str, message: String },
    /// No such resource.
    NotFound(String),
    /// The `Accept` header asks for nothing we can send.
    NotAcceptable(String),
    /// The query core failed.
    Query(Error),
    /// Something of our own failed; the detail is logged, not sent.
    Internal(String),
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        Self::Query(error)
    }
}

impl ApiError {
    /// The status, the stable code and the message sent.
    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            Self::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "a valid bearer token is required: Authorization: Bearer TOKEN".to_owned(),
            ),
            Self::BadRequest { code, message } => (StatusCode::BAD_REQUEST, code, message.clone()),
            Self::NotFound(message) => (StatusCode::NOT_FOUND, "not_found", message.clone()),
            Self::NotAcceptable(message) => (
                StatusCode::NOT_ACCEPTABLE,
                "not_acceptable",
                message.clone(),
            ),
            Self::Query(error) => query_parts(error),
            Self::Internal(_) => internal(),
        }
    }

    /// The outcome label of a failed SQL query, for metrics.
    pub fn outcome(&self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::Internal(_) => "error",
            Self::BadRequest { .. } | Self::NotAcceptable(_) | Self::NotFound(_) => "bad_request",
            Self::Query(error) => match error {
                Error::Refused { .. } => "refused",
                Error::Timeout { .. } => "timeout",
                Error::ResourcesExhausted { .. } => "memory_limit",
                e if e.is_client_error() => "invalid",
                _ => "error",
            },
        }
    }
}

fn query_parts(error: &Error) -> (StatusCode, &'static str, String) {
    match error {
        Error::Refused { .. } => (StatusCode::BAD_REQUEST, "refused", error.to_string()),
        Error::Timeout { .. } => (
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            error.to_string(),
        ),
        Error::ResourcesExhausted { .. } => (
            StatusCode::SERVICE_UNAVAILABLE,
            "memory_limit",
            error.to_string(),
        ),
        Error::UnknownPublication { .. } => (
            StatusCode::NOT_FOUND,
            "unknown_publication",
            error.to_string(),
        ),
        e if e.is_client_error() => (StatusCode::BAD_REQUEST, "invalid_query", error.to_string()),
        _ => internal(),
    }
}

fn internal() -> (StatusCode, &'static str, String) {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the server failed to answer; the operator has the details in its log".to_owned(),
    )
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = self.parts();
        if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
            tracing::error!(error = ?self, "Request failed.");
        }
        let body = serde_json::json!({ "error": { "code": code, "message": message } });
        let mut response = (status, axum::Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"stf\""),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn query_errors_map_to_statuses() {
        let refused = ApiError::from(Error::Refused {
            statement: "COPY".into(),
        });
        assert_eq!(refused.parts().0, StatusCode::BAD_REQUEST);
        assert_eq!(refused.outcome(), "refused");
        let timeout = ApiError::from(Error::Timeout {
            timeout: Duration::from_secs(1),
        });
        assert_eq!(timeout.parts().0, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(timeout.parts().1, "timeout");
        let invalid = ApiError::from(Error::InvalidQuery {
            message: "no such table".into(),
        });
        assert_eq!(
            invalid.parts(),
            (
                StatusCode::BAD_REQUEST,
                "invalid_query",
                "invalid query: no such table".into()
            )
        );
        assert_eq!(
            ApiError::Unauthorized.into_response().status(),
            StatusCode::UNAUTHORIZED
        );
    }
}
