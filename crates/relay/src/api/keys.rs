use axum::Json;
use axum::extract::State;
use tandem_proto::ids::{AccountId, DeviceId};
use tandem_proto::prekeys::{MAX_KEYS_PER_UPLOAD, SignedPreKey};
use tandem_proto::wire::{
    ClaimKeyRequest, ClaimKeyResponse, ErrorCode, KeyCountResponse, PushEvent, UploadKeysRequest,
};

use super::ApiFailure;
use super::error::ApiResult;
use super::extract::{Authed, Body};
use super::rate::{Class, Key};
use crate::Relay;
use crate::db::keys_limit;

/// Below this many one-time keys the relay asks the device to top up.
const LOW_WATER: u32 = 10;

/// Checks count and every signature; the relay stores only keys their device signed.
pub fn verified_prekeys(
    keys: &[SignedPreKey],
    device_key: &[u8; 32],
    account: &AccountId,
    device: DeviceId,
) -> Result<Vec<SignedPreKey>, ApiFailure> {
    if keys.len() > MAX_KEYS_PER_UPLOAD + 1 {
        return Err(ApiFailure::new(
            ErrorCode::TooLarge,
            format!("at most {MAX_KEYS_PER_UPLOAD} one-time keys per upload"),
        ));
    }
    if keys.iter().filter(|k| k.fallback).count() > 1 {
        return Err(ApiFailure::bad_request("at most one fallback key per upload"));
    }
    for key in keys {
        key.verify(device_key, account, device)?;
    }
    Ok(keys.to_vec())
}

pub async fn upload(
    State(relay): State<Relay>,
    who: Authed,
    Body(req): Body<UploadKeysRequest>,
) -> ApiResult<KeyCountResponse> {
    let device = relay.db.device(&who.account_id, who.device_id)?.ok_or_else(ApiFailure::unauthorized)?;
    let keys = verified_prekeys(&req.keys, &device.ed25519, &who.account_id, who.device_id)?;
    let count = relay.db.add_prekeys(&who.account_id, who.device_id, &keys, relay.now_ms())?;
    if count > keys_limit() {
        return Err(ApiFailure::new(
            ErrorCode::TooLarge,
            format!("a device may keep at most {} one-time keys here", keys_limit()),
        ));
    }
    let (one_time_keys, has_fallback) = relay.db.prekey_count(&who.account_id, who.device_id)?;
    Ok(Json(KeyCountResponse { one_time_keys, has_fallback }))
}

pub async fn count(State(relay): State<Relay>, who: Authed) -> ApiResult<KeyCountResponse> {
    let (one_time_keys, has_fallback) = relay.db.prekey_count(&who.account_id, who.device_id)?;
    Ok(Json(KeyCountResponse { one_time_keys, has_fallback }))
}

/// `POST /v1/keys/claim`: each claiming account may take only a few keys of one device per
/// period (`key_claims_per_pair`), so a stranger cannot drain a device's one-time keys.
pub async fn claim(
    State(relay): State<Relay>,
    who: Authed,
    Body(req): Body<ClaimKeyRequest>,
) -> ApiResult<ClaimKeyResponse> {
    let pair = Key::Pair(who.account_id.clone(), req.account_id.clone(), req.device_id);
    relay.rates.check(Class::KeyClaimsPerPair, pair)?;
    let (key, remaining) = relay.db.claim_prekey(&req.account_id, req.device_id)?.ok_or_else(|| {
        ApiFailure::new(ErrorCode::NoKeys, "that device has published no keys; it must come online once")
    })?;
    // Told at most once per `keys_low_every_secs`: a burst of claims is one wake-up.
    if remaining < LOW_WATER && relay.rates.allow(Class::KeysLow, Key::Device(req.account_id.clone(), req.device_id)) {
        relay.push.to_device(&req.account_id, req.device_id, PushEvent::KeysLow { remaining });
    }
    Ok(Json(ClaimKeyResponse { key }))
}
