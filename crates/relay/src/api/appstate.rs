//! An account's synced settings (`tandem_proto::appstate`): sealed patches and snapshots that
//! only the account's own devices write and read. The relay orders patches (each version once,
//! consecutively) and tells the account's other devices; it cannot read or forge them.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use tandem_proto::wire::{AppStateBlob, AppStatePatches, ErrorCode, PushEvent};

use super::ApiFailure;
use super::error::ApiResult;
use super::extract::{Authed, Body};
use crate::Relay;

pub async fn put_patch(
    State(relay): State<Relay>,
    who: Authed,
    Path(version): Path<u64>,
    Body(blob): Body<AppStateBlob>,
) -> ApiResult<serde_json::Value> {
    if blob.version != version || version == 0 {
        return Err(ApiFailure::bad_request("the patch version must match the path and start at 1"));
    }
    if !relay.db.add_appstate_patch(&who.account_id, who.device_id, version, &blob.sealed, relay.now_ms())? {
        return Err(ApiFailure::new(
            ErrorCode::AppStateConflict,
            "another device wrote this version first: fetch the newer patches and try again",
        ));
    }
    relay.push.to_account_except(&who.account_id, who.device_id, &PushEvent::AppState { version });
    Ok(Json(serde_json::json!({})))
}

#[derive(Deserialize)]
pub struct After {
    #[serde(default)]
    after: u64,
}

pub async fn patches(State(relay): State<Relay>, who: Authed, Query(q): Query<After>) -> ApiResult<AppStatePatches> {
    let patches = relay.db.appstate_patches(&who.account_id, q.after, 500)?;
    let snapshot_version = relay.db.appstate_snapshot(&who.account_id)?.map(|(v, _)| v);
    Ok(Json(AppStatePatches {
        patches: patches.into_iter().map(|(version, sealed)| AppStateBlob { version, sealed }).collect(),
        snapshot_version,
    }))
}

pub async fn put_snapshot(
    State(relay): State<Relay>,
    who: Authed,
    Body(blob): Body<AppStateBlob>,
) -> ApiResult<serde_json::Value> {
    relay.db.put_appstate_snapshot(&who.account_id, blob.version, &blob.sealed, relay.now_ms())?;
    Ok(Json(serde_json::json!({})))
}

pub async fn snapshot(State(relay): State<Relay>, who: Authed) -> ApiResult<AppStateBlob> {
    let (version, sealed) = relay
        .db
        .appstate_snapshot(&who.account_id)?
        .ok_or_else(|| ApiFailure::new(ErrorCode::NotFound, "no snapshot of the synced settings yet"))?;
    Ok(Json(AppStateBlob { version, sealed }))
}
