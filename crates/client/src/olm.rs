//! Pairwise Olm sessions (vodozemac): one per pair of devices, opened with a claimed one-time key
//! whose signature is checked against the device's verified identity.

use tandem_proto::ids::{AccountId, DeviceId};
use tandem_proto::message::OlmType;
use tandem_proto::vodozemac::Curve25519PublicKey;
use tandem_proto::vodozemac::olm::{OlmMessage, PreKeyMessage, Session, SessionConfig, SessionPickle};
use tandem_proto::wire::{ClaimKeyRequest, ClaimKeyResponse};
use tandem_store::StoredIdentity;

use crate::device::Device;
use crate::error::{ClientError, Result};

pub(crate) fn session_pickle(session: &Session) -> Result<String> {
    serde_json::to_string(&session.pickle()).map_err(|e| ClientError::Internal(e.to_string()))
}

fn unpickle_session(text: &str) -> Result<Session> {
    let pickle: SessionPickle =
        serde_json::from_str(text).map_err(|_| ClientError::Internal("a stored session is unreadable".into()))?;
    Ok(Session::from_pickle(pickle))
}

/// The verified keys of a peer device.
#[derive(Clone)]
pub(crate) struct PeerKeys {
    pub ed25519: [u8; 32],
    pub curve25519: Curve25519PublicKey,
}

fn verify_peer(identity: &StoredIdentity, account_key: &[u8; 32]) -> Result<PeerKeys> {
    let details = identity.signed.verify(account_key)?;
    Ok(PeerKeys { ed25519: details.keys.ed25519, curve25519: Curve25519PublicKey::from_bytes(details.keys.curve25519) })
}

/// Identities whose two signatures this process already checked, by their exact bytes: a backlog
/// of messages from one device verifies its identity once, not once per message.
#[derive(Default)]
pub(crate) struct VerifiedPeers(std::sync::Mutex<std::collections::HashMap<Vec<u8>, PeerKeys>>);

const MAX_VERIFIED_PEERS: usize = 4096;

impl Device {
    /// The keys of a peer device, from its identity verified against its account key.
    pub(crate) fn peer_keys(&self, identity: &StoredIdentity, account_key: &[u8; 32]) -> Result<PeerKeys> {
        let signed = &identity.signed;
        let id =
            [account_key.as_slice(), &signed.details, &signed.account_signature, &signed.device_signature].concat();
        let cache = &self.inner.verified;
        if let Some(keys) = cache.0.lock().ok().and_then(|c| c.get(&id).cloned()) {
            return Ok(keys);
        }
        let keys = verify_peer(identity, account_key)?;
        if let Ok(mut c) = cache.0.lock() {
            if c.len() >= MAX_VERIFIED_PEERS {
                c.clear();
            }
            c.insert(id, keys.clone());
        }
        Ok(keys)
    }
}

impl Device {
    /// The newest session with a peer device, or a new one from a claimed, verified one-time key.
    pub(crate) async fn outbound_session(
        &self,
        account: &AccountId,
        device: DeviceId,
        keys: &PeerKeys,
    ) -> Result<Session> {
        if let Some((_, pickle)) = self.state().store.olm_sessions(account, device)?.into_iter().next() {
            return unpickle_session(&pickle);
        }
        self.new_outbound_session(account, device, keys).await
    }

    /// Always a new session (for retries: the old one may be what went wrong).
    pub(crate) async fn new_outbound_session(
        &self,
        account: &AccountId,
        device: DeviceId,
        keys: &PeerKeys,
    ) -> Result<Session> {
        let request = ClaimKeyRequest { account_id: account.clone(), device_id: device };
        let claimed: ClaimKeyResponse = self.post_authed("/v1/keys/claim", &request).await?;
        claimed.key.verify(&keys.ed25519, account, device)?;
        let one_time_key = Curve25519PublicKey::from_bytes(claimed.key.key);
        let session = self
            .state()
            .account
            .create_outbound_session(SessionConfig::version_1(), keys.curve25519, one_time_key)
            .map_err(|e| ClientError::Internal(format!("cannot open a session: {e}")))?;
        Ok(session)
    }

    /// Decrypts an envelope from a peer device with one of its sessions, or, for a pre-key
    /// message, a new inbound session (which uses up one of this device's one-time keys).
    /// Returns the plaintext, the session to store, and whether the account changed.
    pub(crate) fn decrypt(
        &self,
        account: &AccountId,
        device: DeviceId,
        keys: &PeerKeys,
        olm_type: OlmType,
        ciphertext: &[u8],
    ) -> Result<(Vec<u8>, Session, bool)> {
        let message = OlmMessage::from_parts(usize::from(olm_type), ciphertext)
            .map_err(|_| ClientError::Internal("an undecodable message".into()))?;
        let stored = self.state().store.olm_sessions(account, device)?;
        for (_, pickle) in &stored {
            let mut session = unpickle_session(pickle)?;
            if let OlmMessage::PreKey(pre) = &message
                && session.session_keys() != pre.session_keys()
            {
                continue;
            }
            if let Ok(plaintext) = session.decrypt(&message) {
                return Ok((plaintext, session, false));
            }
        }
        let OlmMessage::PreKey(pre) = message else {
            return Err(ClientError::Internal("a message for a session this device does not have".into()));
        };
        self.inbound(keys, &pre)
    }

    fn inbound(&self, keys: &PeerKeys, pre: &PreKeyMessage) -> Result<(Vec<u8>, Session, bool)> {
        let mut st = self.state();
        let created = st
            .account
            .create_inbound_session(SessionConfig::version_1(), keys.curve25519, pre)
            .map_err(|e| ClientError::Internal(format!("cannot open the sender's session: {e}")))?;
        Ok((created.plaintext, created.session, true))
    }
}

pub(crate) fn olm_parts(message: &OlmMessage) -> (OlmType, Vec<u8>) {
    let (kind, bytes) = message.to_parts();
    (u8::try_from(kind).unwrap_or(1), bytes)
}
