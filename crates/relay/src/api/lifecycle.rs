//! Logging companions out, and telling them why: the phone publishes a list without them, they
//! log themselves out, or the inactivity rules apply (the phone offline for `primary_idle_ms`,
//! the companion unused for `companion_idle_ms`). A logged-out device loses its tokens, prekeys
//! and mail at once; its identity stays listed until the phone publishes a list without it, and
//! senders leave it out meanwhile (`AccountDevicesResponse::logged_out`).

use axum::Json;
use axum::extract::State;
use tandem_proto::ids::{AccountId, DeviceId, PRIMARY_DEVICE_ID};
use tandem_proto::logout::SignedLogout;
use tandem_proto::wire::{ApiError, DeviceStatusResponse, ErrorCode, LogoutReason, PushEvent, SelfLogoutRequest};

use super::ApiFailure;
use super::error::ApiResult;
use super::extract::{Authed, Body};
use crate::{LOGOUT_WARNING_MS, Relay};

/// The `logged_out` answer, with the account's current signed device list: the companion
/// deletes its data only if that list proves it was removed; otherwise it locks itself.
pub fn logged_out(relay: &Relay, account: &AccountId, reason: LogoutReason) -> ApiFailure {
    let device_list = super::accounts::current_list(relay, account).ok().map(|(signed, _)| signed);
    ApiFailure(ApiError {
        code: ErrorCode::LoggedOut,
        message: reason.explain().into(),
        logout_reason: Some(reason),
        device_list,
        retry_after_secs: None,
    })
}

/// Logs a companion out (once) and tells it and its primary.
pub(crate) fn log_out(
    relay: &Relay,
    account: &AccountId,
    device: DeviceId,
    reason: LogoutReason,
    statement: Option<&SignedLogout>,
) -> Result<(), ApiFailure> {
    if device == PRIMARY_DEVICE_ID {
        return Ok(());
    }
    if relay.db.log_out(account, device, reason, statement, relay.now_ms())? {
        tracing::info!(%account, device, reason = reason.as_str(), "companion logged out");
        let device_list = super::accounts::current_list(relay, account).ok().map(|(signed, _)| signed);
        relay.push.to_device(account, device, PushEvent::LoggedOut { reason, device_list });
        relay.push.to_device(account, PRIMARY_DEVICE_ID, PushEvent::DeviceLoggedOut { device_id: device });
    }
    Ok(())
}

/// Before a companion is served (and before its last-active time is updated): refuses one that
/// was logged out, and logs out one that the inactivity rules now catch.
pub(crate) fn admit(relay: &Relay, account: &AccountId, device: DeviceId) -> Result<(), ApiFailure> {
    if let Some(gone) = relay.db.logout_of(account, device)? {
        return Err(logged_out(relay, account, gone.reason));
    }
    if device == PRIMARY_DEVICE_ID {
        return Ok(());
    }
    let now = relay.now_ms();
    let devices = relay.db.devices(account)?;
    let active = |id: DeviceId| devices.iter().find(|d| d.device_id == id).and_then(|d| d.last_active_ms);
    let (primary_active, last_active_ms) = (active(PRIMARY_DEVICE_ID), active(device));
    let reason = if primary_active.is_some_and(|at| now.saturating_sub(at) > relay.idle.primary_ms) {
        Some(LogoutReason::PhoneInactive)
    } else if last_active_ms.is_some_and(|at| now.saturating_sub(at) > relay.idle.companion_ms) {
        Some(LogoutReason::CompanionInactive)
    } else {
        None
    };
    match reason {
        Some(reason) => {
            log_out(relay, account, device, reason, None)?;
            Err(logged_out(relay, account, reason))
        }
        None => Ok(()),
    }
}

/// Companions of an account not used for `companion_idle_ms` are logged out (checked when the
/// primary looks at its devices, so it can drop them from the list).
pub(crate) fn sweep_idle_companions(relay: &Relay, account: &AccountId) -> Result<(), ApiFailure> {
    let now = relay.now_ms();
    for device in relay.db.devices(account)? {
        if device.device_id != PRIMARY_DEVICE_ID
            && device.last_active_ms.is_some_and(|at| now.saturating_sub(at) > relay.idle.companion_ms)
        {
            log_out(relay, account, device.device_id, LogoutReason::CompanionInactive, None)?;
        }
    }
    Ok(())
}

/// `POST /v1/devices/self/logout`: a companion logs itself out, with a statement signed by its
/// own device key (checked here, and again by the phone before it drops the device).
pub async fn log_out_self(
    State(relay): State<Relay>,
    who: Authed,
    Body(req): Body<SelfLogoutRequest>,
) -> ApiResult<serde_json::Value> {
    if who.device_id == PRIMARY_DEVICE_ID {
        return Err(ApiFailure::forbidden(
            "the phone holds the account and cannot log itself out; log companions out from it instead",
        ));
    }
    let device = relay
        .db
        .device(&who.account_id, who.device_id)?
        .ok_or_else(|| ApiFailure::forbidden("this device is not registered"))?;
    if !req.statement.verify(&device.ed25519, &who.account_id, who.device_id) {
        return Err(ApiFailure::new(
            ErrorCode::BadSignature,
            "the logout statement is not signed by this device's key for this account and device",
        ));
    }
    log_out(&relay, &who.account_id, who.device_id, LogoutReason::SelfLogout, Some(&req.statement))?;
    Ok(Json(serde_json::json!({})))
}

/// `GET /v1/devices/self/status`: the inactivity deadline this device is under.
pub async fn status(State(relay): State<Relay>, who: Authed) -> ApiResult<DeviceStatusResponse> {
    let now = relay.now_ms();
    let primary = relay.db.device(&who.account_id, PRIMARY_DEVICE_ID)?.and_then(|p| p.last_active_ms);
    let logout_at_ms =
        (who.device_id != PRIMARY_DEVICE_ID).then_some(primary.map(|at| at + relay.idle.primary_ms)).flatten();
    Ok(Json(DeviceStatusResponse {
        now_ms: now,
        primary_last_active_ms: primary,
        logout_at_ms,
        warn_from_ms: logout_at_ms.map(|at| at.saturating_sub(LOGOUT_WARNING_MS)),
    }))
}
