//! Sending (a fan-out batch checked against the current device lists), fetching and acking.

use std::collections::BTreeSet;

use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;
use tandem_proto::ids::{AccountId, DeviceId};
use tandem_proto::message::{AckRequest, ExpiredMessages, Inbox, OutgoingEnvelope, SendBatch, plan_fanout};
use tandem_proto::wire::{CAP_GROUPS, ErrorCode, PushEvent};

use super::ApiFailure;
use super::accounts::current_list;
use super::error::ApiResult;
use super::extract::{Authed, Body};
use super::rate::{Class, Key};
use crate::Relay;
use crate::db::Quota;

fn stale(message: String) -> ApiFailure {
    ApiFailure::new(ErrorCode::StaleDeviceList, message)
}

/// Stores copies within the recipients' quotas (`mailbox_full` otherwise: nothing stored).
fn deliver(relay: &Relay, who: &Authed, envelopes: &[OutgoingEnvelope]) -> Result<(), ApiFailure> {
    let l = &relay.limits;
    let quota = Quota {
        device_envelopes: l.mailbox_max_envelopes,
        device_bytes: l.mailbox_max_bytes,
        sender_envelopes: l.sender_max_envelopes,
        sender_bytes: l.sender_max_bytes,
    };
    match relay.db.deliver((&who.account_id, who.device_id), envelopes, relay.now_ms(), quota)? {
        None => Ok(()),
        Some(full) => {
            let whose = if full.per_sender { "from you " } else { "" };
            Err(ApiFailure::new(
                ErrorCode::MailboxFull,
                format!(
                    "device {} of {} has too many messages {whose}waiting on the relay; nothing was sent: it is kept and sent again once that device has fetched its mail",
                    full.device_id, full.account_id
                ),
            ))
        }
    }
}

/// A known envelope type, and a message id (when given) in the form senders make them.
fn check_envelope(envelope: &OutgoingEnvelope) -> Result<(), ApiFailure> {
    if envelope.olm_type > tandem_proto::group::OLM_TYPE_MEGOLM {
        return Err(ApiFailure::bad_request("unknown envelope type"));
    }
    if envelope.message_id.as_deref().is_some_and(|id| !tandem_proto::message::valid_message_id(id)) {
        return Err(ApiFailure::new(
            ErrorCode::InvalidMessageId,
            "a message id is 1 to 64 ASCII letters and digits: update the app that sent this",
        ));
    }
    Ok(())
}

/// At most this many accounts in one batch (a group's members; see `tandem_proto::group`).
const MAX_BATCH_ACCOUNTS: usize = tandem_proto::group::MAX_GROUP_MEMBERS;

/// Accepts a batch only if it holds exactly one copy for every device the current lists name
/// (every recipient account's, and the sender's own other devices): the sender's view was
/// current, and it left no device out. Then every copy is stored at once and the devices woken.
pub async fn send(
    State(relay): State<Relay>,
    who: Authed,
    Body(batch): Body<SendBatch>,
) -> ApiResult<serde_json::Value> {
    relay.rates.check(Class::SendsPerAccount, Key::Account(who.account_id.clone()))?;
    let mut accounts: BTreeSet<&AccountId> = batch.envelopes.iter().map(|e| &e.account_id).collect();
    accounts.insert(&who.account_id);
    if accounts.len() > MAX_BATCH_ACCOUNTS + 1 {
        return Err(ApiFailure::new(ErrorCode::TooLarge, "a batch goes to at most 256 accounts"));
    }
    for envelope in &batch.envelopes {
        check_envelope(envelope)?;
    }
    let mut lists = Vec::with_capacity(accounts.len());
    for account in &accounts {
        lists.push(current_list(&relay, account)?.1);
    }
    for used in &batch.lists {
        let current = lists.iter().find(|l| l.account_id == used.account_id).map_or(0, |l| l.version);
        if used.version != current {
            return Err(stale(format!(
                "the device list of {} is now at version {current}: fetch it, verify it and send again",
                used.account_id
            )));
        }
    }
    let list_refs: Vec<&tandem_proto::device_list::DeviceList> = lists.iter().collect();
    // Logged-out companions still listed (until the phone publishes a list without them) get
    // nothing; nor do devices too old for group messages, when this is one.
    let group = batch.envelopes.iter().any(|e| e.olm_type == tandem_proto::group::OLM_TYPE_MEGOLM);
    let mut gone: BTreeSet<(AccountId, DeviceId)> = BTreeSet::new();
    for list in &lists {
        gone.extend(relay.db.logouts(&list.account_id)?.into_iter().map(|l| (list.account_id.clone(), l.device_id)));
        if group {
            let outdated = relay.db.devices(&list.account_id)?.into_iter().filter(|d| !d.can(CAP_GROUPS));
            gone.extend(outdated.map(|d| (list.account_id.clone(), d.device_id)));
        }
    }
    let expected: BTreeSet<(AccountId, DeviceId)> = plan_fanout(&list_refs, (&who.account_id, who.device_id))
        .into_iter()
        .filter(|target| !gone.contains(target))
        .collect();
    let given: Vec<(AccountId, DeviceId)> =
        batch.envelopes.iter().map(|e| (e.account_id.clone(), e.device_id)).collect();
    let given_set: BTreeSet<(AccountId, DeviceId)> = given.iter().cloned().collect();
    if given_set.len() != given.len() {
        return Err(ApiFailure::bad_request("two copies for the same device"));
    }
    if given_set != expected {
        return Err(stale(
            "the batch misses or adds a device: fetch the device lists, verify them and send again".into(),
        ));
    }
    // Copies for an account that blocked the sender are dropped here, unseen (the sender is not told).
    let mut blocked_by: BTreeSet<&AccountId> = BTreeSet::new();
    for account in accounts.iter().filter(|a| ***a != who.account_id) {
        if relay.db.blocks(account, &who.account_id)? {
            blocked_by.insert(account);
        }
    }
    let kept: Vec<OutgoingEnvelope> =
        batch.envelopes.iter().filter(|e| !blocked_by.contains(&e.account_id)).cloned().collect();
    deliver(&relay, &who, &kept)?;
    for (account, device) in expected.iter().filter(|(a, _)| !blocked_by.contains(a)) {
        relay.push.to_device(account, *device, PushEvent::Messages);
    }
    Ok(Json(serde_json::json!({})))
}

/// One copy to one device, outside a fan-out: retry requests and the resends they ask for.
/// The device must be in its account's current list.
pub async fn direct(
    State(relay): State<Relay>,
    who: Authed,
    Body(envelope): Body<OutgoingEnvelope>,
) -> ApiResult<serde_json::Value> {
    relay.rates.check(Class::SendsPerAccount, Key::Account(who.account_id.clone()))?;
    check_envelope(&envelope)?;
    let (_, list) = current_list(&relay, &envelope.account_id)?;
    if list.entry(envelope.device_id).is_none()
        || relay.db.logout_of(&envelope.account_id, envelope.device_id)?.is_some()
        || (envelope.account_id == who.account_id && envelope.device_id == who.device_id)
    {
        return Err(stale(format!(
            "device {} is not in the current device list of {}",
            envelope.device_id, envelope.account_id
        )));
    }
    if envelope.account_id != who.account_id && relay.db.blocks(&envelope.account_id, &who.account_id)? {
        return Ok(Json(serde_json::json!({}))); // dropped unseen, as in a batch
    }
    deliver(&relay, &who, std::slice::from_ref(&envelope))?;
    relay.push.to_device(&envelope.account_id, envelope.device_id, PushEvent::Messages);
    Ok(Json(serde_json::json!({})))
}

#[derive(Deserialize)]
pub struct FetchQuery {
    #[serde(default = "default_limit")]
    limit: u32,
}

fn default_limit() -> u32 {
    100
}

pub async fn fetch(State(relay): State<Relay>, who: Authed, Query(q): Query<FetchQuery>) -> ApiResult<Inbox> {
    let envelopes = relay.db.mailbox(
        &who.account_id,
        who.device_id,
        q.limit.clamp(1, 500),
        relay.now_ms().saturating_sub(crate::db::MAILBOX_KEEP_MS),
    )?;
    let expired = relay
        .db
        .take_expired(&who.account_id, who.device_id)?
        .into_iter()
        .filter_map(|(sender, count)| {
            AccountId::parse(&sender).ok().map(|sender_account| ExpiredMessages { sender_account, count })
        })
        .collect();
    Ok(Json(Inbox { envelopes, expired }))
}

pub async fn ack(State(relay): State<Relay>, who: Authed, Body(req): Body<AckRequest>) -> ApiResult<serde_json::Value> {
    if req.ids.len() > 1000 {
        return Err(ApiFailure::new(ErrorCode::TooLarge, "ack at most 1000 envelopes at a time"));
    }
    if req.ids.iter().any(|id| id.len() != 32) {
        return Err(ApiFailure::bad_request("an envelope id is 32 hex digits, as the relay gave it"));
    }
    relay.db.ack(&who.account_id, who.device_id, &req.ids)?;
    Ok(Json(serde_json::json!({})))
}

/// `PUT /v1/blocks/{account}`: the relay keeps nothing from that account for this one.
pub async fn block(
    State(relay): State<Relay>,
    who: Authed,
    axum::extract::Path(account): axum::extract::Path<String>,
) -> ApiResult<serde_json::Value> {
    let blocked = AccountId::parse(&account).map_err(|_| ApiFailure::bad_request("not an account id"))?;
    relay.db.block(&who.account_id, &blocked, relay.now_ms())?;
    Ok(Json(serde_json::json!({})))
}

/// `DELETE /v1/blocks/{account}`.
pub async fn unblock(
    State(relay): State<Relay>,
    who: Authed,
    axum::extract::Path(account): axum::extract::Path<String>,
) -> ApiResult<serde_json::Value> {
    let blocked = AccountId::parse(&account).map_err(|_| ApiFailure::bad_request("not an account id"))?;
    relay.db.unblock(&who.account_id, &blocked)?;
    Ok(Json(serde_json::json!({})))
}
