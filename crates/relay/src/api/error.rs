use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tandem_proto::ProtoError;
use tandem_proto::wire::{ApiError, ErrorCode};

/// A refused request: an error code the client switches on, and a message for people.
#[derive(Debug)]
pub struct ApiFailure(pub ApiError);

impl ApiFailure {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiFailure(ApiError {
            code,
            message: message.into(),
            logout_reason: None,
            device_list: None,
            retry_after_secs: None,
        })
    }
    /// Over a rate limit: try again in `secs` seconds (also sent as `Retry-After`).
    pub fn rate_limited(secs: u64) -> Self {
        let secs = secs.max(1);
        let mut failure = Self::new(
            ErrorCode::RateLimited,
            format!("too many requests of this kind from here: try again in {secs} s"),
        );
        failure.0.retry_after_secs = Some(secs);
        failure
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadRequest, message)
    }
    pub fn unauthorized() -> Self {
        Self::new(ErrorCode::Unauthorized, "authenticate first (GET /v1/auth/challenge, then POST /v1/auth)")
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }
    /// The relay's own files (blobs, photo files) could not be written or read: logged here,
    /// and the client is told to try again.
    pub fn storage(what: &'static str, e: std::io::Error) -> Self {
        tracing::error!(error = %e, "{what} storage");
        Self::new(ErrorCode::Internal, format!("the relay could not store or read the {what}; try again later"))
    }
}

fn status(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::BadRequest | ErrorCode::BadSignature | ErrorCode::InvalidMessageId => StatusCode::BAD_REQUEST,
        ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
        ErrorCode::Forbidden | ErrorCode::Blocked => StatusCode::FORBIDDEN,
        ErrorCode::NotFound | ErrorCode::LinkNotFound | ErrorCode::NoKeys => StatusCode::NOT_FOUND,
        ErrorCode::AccountExists
        | ErrorCode::DeviceListRollback
        | ErrorCode::CompanionLimit
        | ErrorCode::LinkUsed
        | ErrorCode::StaleDeviceList
        | ErrorCode::AppStateConflict
        | ErrorCode::MailboxFull => StatusCode::CONFLICT,
        ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::LinkExpired | ErrorCode::LinkDeclined | ErrorCode::BlobExpired => StatusCode::GONE,
        ErrorCode::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::UpdateRequired => StatusCode::UPGRADE_REQUIRED,
        ErrorCode::LoggedOut => StatusCode::UNAUTHORIZED,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let retry_after = self.0.retry_after_secs;
        let mut response = (status(self.0.code), Json(self.0)).into_response();
        if let Some(secs) = retry_after {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(secs));
        }
        response
    }
}

impl From<rusqlite::Error> for ApiFailure {
    fn from(error: rusqlite::Error) -> Self {
        tracing::error!(%error, "database error");
        Self::new(ErrorCode::Internal, "the relay could not complete this request; try again later")
    }
}

impl From<ProtoError> for ApiFailure {
    fn from(error: ProtoError) -> Self {
        let code = match error {
            ProtoError::BadAccountSignature(_) | ProtoError::BadDeviceSignature(_) | ProtoError::AccountMismatch => {
                ErrorCode::BadSignature
            }
            ProtoError::DeviceListRollback { .. } | ProtoError::DeviceListEquivocation(_) => {
                ErrorCode::DeviceListRollback
            }
            ProtoError::CompanionLimit { .. } => ErrorCode::CompanionLimit,
            _ => ErrorCode::BadRequest,
        };
        Self::new(code, error.to_string())
    }
}

pub type ApiResult<T> = Result<Json<T>, ApiFailure>;
