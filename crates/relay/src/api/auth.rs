use axum::Json;
use axum::extract::State;
use tandem_proto::auth::verify_challenge;
use tandem_proto::b64_encode;
use tandem_proto::wire::{AuthRequest, AuthResponse, ChallengeResponse};

use super::ApiFailure;
use super::error::ApiResult;
use super::extract::{Body, random_bytes, token_hash};
use super::rate::{Class, Key};
use crate::Relay;

const CHALLENGE_MS: u64 = 60_000;
const TOKEN_MS: u64 = 7 * 24 * 3600 * 1000;

pub async fn challenge(State(relay): State<Relay>) -> ApiResult<ChallengeResponse> {
    let nonce = random_bytes()?;
    let now = relay.now_ms();
    relay.db.add_challenge(&nonce, now + CHALLENGE_MS)?;
    Ok(Json(ChallengeResponse { nonce: nonce.to_vec() }))
}

pub async fn authenticate(State(relay): State<Relay>, Body(req): Body<AuthRequest>) -> ApiResult<AuthResponse> {
    let now = relay.now_ms();
    if !relay.db.take_challenge(&req.nonce, now)? {
        return Err(ApiFailure::unauthorized());
    }
    let device = relay.db.device(&req.account_id, req.device_id)?.ok_or_else(ApiFailure::unauthorized)?;
    if !verify_challenge(&device.ed25519, &req.account_id, req.device_id, &req.nonce, &req.signature) {
        return Err(ApiFailure::unauthorized());
    }
    // Counted once the key is proven, so nobody can use up another device's sign-ins; failed
    // tries each cost a challenge, and challenges are counted per address.
    relay.rates.check(Class::Auths, Key::Device(req.account_id.clone(), req.device_id))?;
    // Only a device that proved its key learns that (and why) it was logged out.
    super::lifecycle::admit(&relay, &req.account_id, req.device_id)?;
    if let Some(caps) = &req.capabilities {
        let caps: Vec<String> = caps
            .iter()
            .filter(|c| !c.is_empty() && c.len() <= 32)
            .take(tandem_proto::wire::MAX_CAPABILITIES)
            .cloned()
            .collect();
        relay.db.set_capabilities(&req.account_id, req.device_id, &caps)?;
    }
    let token = b64_encode(&random_bytes()?);
    let expires_ms = now + TOKEN_MS;
    relay.db.add_token(&token_hash(&token), &req.account_id, req.device_id, expires_ms)?;
    relay.db.touch_device(&req.account_id, req.device_id, now)?;
    Ok(Json(AuthResponse { token, expires_ms }))
}
