use axum::Json;
use axum::extract::{Path, State};
use tandem_proto::device_list::{DeviceList, SignedDeviceList};
use tandem_proto::identity::{DeviceKind, SignedDeviceIdentity};
use tandem_proto::ids::{AccountId, PRIMARY_DEVICE_ID};
use tandem_proto::wire::{
    AccountDevicesResponse, CAPABILITIES, CreateAccountRequest, CreateAccountResponse, DeviceActivity, ErrorCode,
    PublishDeviceListRequest, PushEvent,
};

use super::ApiFailure;
use super::error::ApiResult;
use super::extract::{Authed, Body};
use super::keys::verified_prekeys;
use super::rate::{Class, Key};
use crate::Relay;
use crate::db::NewDevice;

fn parse_account(text: &str) -> Result<AccountId, ApiFailure> {
    AccountId::parse(text).map_err(|_| ApiFailure::new(ErrorCode::NotFound, "no such account"))
}

pub async fn create(
    State(relay): State<Relay>,
    Body(req): Body<CreateAccountRequest>,
) -> ApiResult<CreateAccountResponse> {
    let details = req.primary.verify(&req.account_key)?;
    if details.device_id != PRIMARY_DEVICE_ID
        || details.kind != DeviceKind::Primary
        || details.keys.ed25519 != req.account_key
    {
        return Err(ApiFailure::bad_request(
            "the first device of an account must be its primary, holding the account key",
        ));
    }
    let list = req.device_list.verify(&req.account_key)?;
    if list.devices.len() != 1 || list.devices[0].key_index != details.key_index {
        return Err(ApiFailure::bad_request("a new account's device list holds only its primary device"));
    }
    let prekeys = verified_prekeys(&req.prekeys, &details.keys.ed25519, &details.account_id, PRIMARY_DEVICE_ID)?;
    let now = relay.now_ms();
    let primary = NewDevice {
        account_id: &details.account_id,
        device_id: PRIMARY_DEVICE_ID,
        key_index: details.key_index,
        ed25519: &details.keys.ed25519,
        identity: &req.primary,
    };
    if !relay.db.create_account(&req.account_key, primary, list.version, &req.device_list, now)? {
        return Err(ApiFailure::new(ErrorCode::AccountExists, "this account already exists on the relay"));
    }
    relay.db.add_prekeys(&details.account_id, PRIMARY_DEVICE_ID, &prekeys, now)?;
    tracing::info!(account = %details.account_id, "account created");
    Ok(Json(CreateAccountResponse { account_id: details.account_id }))
}

pub async fn devices(
    State(relay): State<Relay>,
    who: Authed,
    Path(account): Path<String>,
) -> ApiResult<AccountDevicesResponse> {
    relay.rates.check(Class::LookupsPerAccount, Key::Account(who.account_id.clone()))?;
    let account_id = parse_account(&account)?;
    if who.account_id == account_id && who.device_id == PRIMARY_DEVICE_ID {
        super::lifecycle::sweep_idle_companions(&relay, &account_id)?;
    }
    let row = relay.db.account(&account_id)?.ok_or_else(|| ApiFailure::new(ErrorCode::NotFound, "no such account"))?;
    let list: DeviceList = row.device_list.verify(&row.account_key)?;
    let devices = relay.db.devices(&account_id)?;
    let in_list = |d: &&crate::db::DeviceRow| list.entry(d.device_id).is_some_and(|e| e.key_index == d.key_index);
    let listed: Vec<_> = devices.iter().filter(in_list).collect();
    // Activity, logout reasons, times and the raw capabilities go to the account's own devices
    // only; another account gets what a sender needs: which listed devices get no copy, and
    // which of the capabilities this relay knows each can receive.
    let own = who.account_id == account_id;
    let logged_out: Vec<_> =
        relay.db.logouts(&account_id)?.into_iter().filter(|l| list.entry(l.device_id).is_some()).collect();
    Ok(Json(AccountDevicesResponse {
        account_key: row.account_key,
        device_list: row.device_list.clone(),
        identities: listed.iter().map(|d| d.identity.clone()).collect(),
        activity: listed
            .iter()
            .map(|d| DeviceActivity {
                device_id: d.device_id,
                last_active_ms: if own { d.last_active_ms } else { None },
                capabilities: if own { d.capabilities.clone() } else { known_capabilities(d) },
            })
            .collect(),
        left_out: if own { Vec::new() } else { logged_out.iter().map(|l| l.device_id).collect() },
        logged_out: if own { logged_out } else { Vec::new() },
        max_companions: own.then(|| u32::try_from(relay.limits.max_companions).unwrap_or(u32::MAX)),
    }))
}

/// A device's capabilities as another account may see them: only the ones senders act on.
fn known_capabilities(device: &crate::db::DeviceRow) -> Option<Vec<String>> {
    let caps = device.capabilities.as_ref()?;
    Some(caps.iter().filter(|c| CAPABILITIES.contains(&c.as_str())).cloned().collect())
}

/// A registered device's identity, listed or not yet (the phone checks a new companion's
/// countersignature before adding it to the list). Only to the account's own devices: others
/// read listed identities from the device list, and never an unlisted device's name.
pub async fn identity(
    State(relay): State<Relay>,
    who: Authed,
    Path((account, device)): Path<(String, u32)>,
) -> ApiResult<SignedDeviceIdentity> {
    relay.rates.check(Class::LookupsPerAccount, Key::Account(who.account_id.clone()))?;
    let account_id = parse_account(&account)?;
    if who.account_id != account_id {
        return Err(ApiFailure::new(ErrorCode::NotFound, "no such device"));
    }
    let row =
        relay.db.device(&account_id, device)?.ok_or_else(|| ApiFailure::new(ErrorCode::NotFound, "no such device"))?;
    Ok(Json(row.identity))
}

pub async fn publish_list(
    State(relay): State<Relay>,
    who: Authed,
    Path(account): Path<String>,
    Body(req): Body<PublishDeviceListRequest>,
) -> ApiResult<serde_json::Value> {
    let account_id = parse_account(&account)?;
    who.require_primary()?;
    if who.account_id != account_id {
        return Err(ApiFailure::forbidden("a device list can only be published by its own account's primary"));
    }
    let row = relay.db.account(&account_id)?.ok_or_else(|| ApiFailure::new(ErrorCode::NotFound, "no such account"))?;
    let list = req.device_list.verify(&row.account_key)?;
    check_publishable(&relay, &account_id, &list, row.list_version)?;
    let previous = row.device_list.verify(&row.account_key)?;
    if !relay.db.replace_device_list(&account_id, list.version, &req.device_list)? {
        return Err(rollback(row.list_version, list.version));
    }
    // Companions the phone dropped from the list are logged out. Their registration stays, so
    // that one coming back can prove its key and learn why.
    for gone in previous.devices.iter().filter(|d| list.entry(d.device_id).is_none()) {
        super::lifecycle::log_out(
            &relay,
            &account_id,
            gone.device_id,
            tandem_proto::wire::LogoutReason::Unlinked,
            None,
        )?;
    }
    relay.push.to_account(
        &account_id,
        &PushEvent::DeviceListChanged { account_id: account_id.clone(), version: list.version },
    );
    tracing::info!(account = %account_id, version = list.version, devices = list.devices.len(), "device list published");
    Ok(Json(serde_json::json!({})))
}

fn rollback(stored: u64, offered: u64) -> ApiFailure {
    ApiFailure::new(
        ErrorCode::DeviceListRollback,
        format!("device list version {offered} is not newer than the stored version {stored}: refused"),
    )
}

/// Every device in a new list must be registered here with the same key index.
fn check_publishable(
    relay: &Relay,
    account_id: &AccountId,
    list: &DeviceList,
    stored_version: u64,
) -> Result<(), ApiFailure> {
    if list.version <= stored_version {
        return Err(rollback(stored_version, list.version));
    }
    let devices = relay.db.devices(account_id)?;
    for entry in &list.devices {
        if !devices.iter().any(|d| d.device_id == entry.device_id && d.key_index == entry.key_index) {
            return Err(ApiFailure::bad_request(format!(
                "device {} (key index {}) is not registered with this relay",
                entry.device_id, entry.key_index
            )));
        }
    }
    Ok(())
}

/// Used by tests and by the link handlers.
pub fn current_list(relay: &Relay, account_id: &AccountId) -> Result<(SignedDeviceList, DeviceList), ApiFailure> {
    let row = relay.db.account(account_id)?.ok_or_else(|| ApiFailure::new(ErrorCode::NotFound, "no such account"))?;
    let list = row.device_list.verify(&row.account_key)?;
    Ok((row.device_list, list))
}
