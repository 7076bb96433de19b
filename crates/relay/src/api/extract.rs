//! Request extractors: JSON bodies with coded errors, and the authenticated device.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use tandem_proto::ids::{AccountId, DeviceId, PRIMARY_DEVICE_ID};
use tandem_proto::wire::ErrorCode;

use super::ApiFailure;
use crate::Relay;

/// A JSON body; malformed or oversized bodies become coded errors.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned> FromRequest<Relay> for Body<T> {
    type Rejection = ApiFailure;

    async fn from_request(req: Request, state: &Relay) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(JsonRejection::BytesRejection(r)) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiFailure::new(ErrorCode::TooLarge, "the request body is too large"))
            }
            Err(rejection) => {
                Err(ApiFailure::bad_request(format!("malformed request body: {}", rejection.body_text())))
            }
        }
    }
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A device that presented a valid bearer token.
pub struct Authed {
    pub account_id: AccountId,
    pub device_id: DeviceId,
}

impl Authed {
    pub fn require_primary(&self) -> Result<(), ApiFailure> {
        if self.device_id == PRIMARY_DEVICE_ID {
            Ok(())
        } else {
            Err(ApiFailure::forbidden("only the account's primary device (the phone) may do this"))
        }
    }
}

pub fn bearer(parts: &Parts) -> Option<&str> {
    parts.headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ")
}

impl FromRequestParts<Relay> for Authed {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, relay: &Relay) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or_else(ApiFailure::unauthorized)?;
        let now = relay.now_ms();
        let (account, device_id) =
            relay.db.token_device(&token_hash(token), now)?.ok_or_else(ApiFailure::unauthorized)?;
        let account_id = AccountId::parse(&account).map_err(|_| ApiFailure::unauthorized())?;
        super::lifecycle::admit(relay, &account_id, device_id)?;
        relay.db.touch_device(&account_id, device_id, now)?;
        Ok(Authed { account_id, device_id })
    }
}

/// 32 random bytes from the OS.
pub fn random_bytes() -> Result<[u8; 32], ApiFailure> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| ApiFailure::new(ErrorCode::Internal, "the relay has no randomness"))?;
    Ok(bytes)
}
