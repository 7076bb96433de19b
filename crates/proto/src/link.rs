//! Linking a companion to the account, as the QR code carries it.
//!
//! 1. The companion opens a link session at the relay (a short-lived `link_ref`) and shows a
//!    [`LinkOffer`] as a `tandem://link?…` URI in a QR code: relay, ref, an ephemeral X25519 key,
//!    its device keys, a 32-byte linking secret and its name, self-signed with its device key.
//! 2. The phone parses it ([`LinkOffer::parse`] checks the self-signature), shows the name and the
//!    [`LinkOffer::verification_code`], and on approval seals a [`LinkReply`] ([`seal_reply`]):
//!    encrypted to the ephemeral key, authenticated by HMAC-SHA256 under the linking secret, which
//!    never passes through the relay.
//! 3. The companion opens it ([`open_reply`]): HMAC, then decryption, then the account signature,
//!    then that the identity names its own keys; it countersigns and registers.

use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use url::Url;
use vodozemac::olm::Account;
use vodozemac::{Curve25519PublicKey, Curve25519SecretKey};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::device_list::{DeviceList, SignedDeviceList};
use crate::encoding::b64_array;
use crate::identity::{DeviceIdentityDetails, DeviceKeys, DeviceKind, SignedDeviceIdentity, validate_name, verify_sig};
use crate::{ProtoError, b64, b64_encode, signing_input};

pub const LINK_VERSION: u32 = 1;
pub const LINK_SCHEME_PREFIX: &str = "tandem://link?";
const DOMAIN_OFFER: &str = "TANDEM-LINK-OFFER-v1";
const DOMAIN_CODE: &str = "TANDEM-LINK-CODE-v1";
const DOMAIN_MAC: &str = "TANDEM-LINK-MAC-v1";
const DOMAIN_KDF: &str = "TANDEM-LINK-REPLY-v1";
/// Link text longer than this is refused before parsing.
pub const MAX_LINK_TEXT: usize = 2048;
/// The longest history range a companion may ask for, in days (0 asks for everything).
pub const MAX_HISTORY_DAYS: u32 = 36_500;

/// The companion's secrets for one QR code; they never leave the companion except inside the QR.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct LinkSecrets {
    ephemeral_secret: [u8; 32],
    linking_secret: [u8; 32],
}

impl LinkSecrets {
    /// `random` must come from a CSPRNG: 32 bytes for the ephemeral key, 32 for the linking secret.
    pub fn from_random(random: [u8; 64]) -> Self {
        let mut ephemeral_secret = [0u8; 32];
        let mut linking_secret = [0u8; 32];
        ephemeral_secret.copy_from_slice(&random[..32]);
        linking_secret.copy_from_slice(&random[32..]);
        LinkSecrets { ephemeral_secret, linking_secret }
    }

    fn ephemeral_public(&self) -> [u8; 32] {
        Curve25519PublicKey::from(&Curve25519SecretKey::from_slice(&self.ephemeral_secret)).to_bytes()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkOffer {
    pub relay: String,
    pub link_ref: String,
    pub ephemeral: [u8; 32],
    pub keys: DeviceKeys,
    linking_secret: [u8; 32],
    pub name: String,
    pub kind: DeviceKind,
    /// How much history the companion asks for, in days (0: everything); the phone may send less.
    pub history_days: u32,
    /// A companion that was logged out for inactivity and kept its messages says whose they are
    /// and up to when, so that the same account's phone sends only what it missed.
    pub resume: Option<ResumeHint>,
    signature: [u8; 64],
}

/// What a companion re-linking with kept history already holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResumeHint {
    pub account_id: crate::ids::AccountId,
    /// When the newest message it holds was sent.
    pub newest_ms: u64,
}

impl LinkOffer {
    fn signed_parts(&self) -> Vec<u8> {
        signing_input(
            DOMAIN_OFFER,
            &[
                &LINK_VERSION.to_be_bytes(),
                self.relay.as_bytes(),
                self.link_ref.as_bytes(),
                &self.ephemeral,
                &self.keys.ed25519,
                &self.keys.curve25519,
                &self.linking_secret,
                self.name.as_bytes(),
                self.kind.as_str().as_bytes(),
                &self.history_days.to_be_bytes(),
                self.resume.as_ref().map_or(&b""[..], |r| r.account_id.as_str().as_bytes()),
                &self.resume.as_ref().map_or(0, |r| r.newest_ms).to_be_bytes(),
            ],
        )
    }

    /// The companion builds and self-signs its offer.
    pub fn create(
        device: &Account,
        relay: &str,
        link_ref: &str,
        name: &str,
        kind: DeviceKind,
        history: (u32, Option<ResumeHint>),
        secrets: &LinkSecrets,
    ) -> Result<Self, ProtoError> {
        let (history_days, resume) = history;
        validate_name(name)?;
        if history_days > MAX_HISTORY_DAYS {
            return Err(ProtoError::Malformed("history range (at most 100 years)"));
        }
        let mut offer = LinkOffer {
            relay: relay.to_owned(),
            link_ref: link_ref.to_owned(),
            ephemeral: secrets.ephemeral_public(),
            keys: DeviceKeys::of(device),
            linking_secret: secrets.linking_secret,
            name: name.to_owned(),
            kind,
            history_days,
            resume,
            signature: [0u8; 64],
        };
        offer.signature = device.sign(offer.signed_parts()).to_bytes();
        Ok(offer)
    }

    pub fn to_uri(&self) -> String {
        let mut url = Url::parse("tandem://link").unwrap_or_else(|_| unreachable!("constant URL parses"));
        url.query_pairs_mut()
            .append_pair("v", &LINK_VERSION.to_string())
            .append_pair("relay", &self.relay)
            .append_pair("ref", &self.link_ref)
            .append_pair("ek", &b64_encode(&self.ephemeral))
            .append_pair("sk", &b64_encode(&self.keys.ed25519))
            .append_pair("ik", &b64_encode(&self.keys.curve25519))
            .append_pair("s", &b64_encode(&self.linking_secret))
            .append_pair("name", &self.name)
            .append_pair("kind", self.kind.as_str())
            .append_pair("h", &self.history_days.to_string())
            .append_pair("sig", &b64_encode(&self.signature));
        if let Some(r) = &self.resume {
            url.query_pairs_mut().append_pair("ra", r.account_id.as_str()).append_pair("rn", &r.newest_ms.to_string());
        }
        url.to_string()
    }

    /// Parses link text (from a QR code or pasted) and checks its self-signature.
    pub fn parse(text: &str) -> Result<Self, ProtoError> {
        let text = text.trim();
        if !text.starts_with(LINK_SCHEME_PREFIX) {
            return Err(ProtoError::NotALink);
        }
        if text.len() > MAX_LINK_TEXT {
            return Err(ProtoError::TamperedLink);
        }
        let url = Url::parse(text).map_err(|_| ProtoError::TamperedLink)?;
        let get = |key: &str| {
            url.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned()).ok_or(ProtoError::TamperedLink)
        };
        let version: u32 = get("v")?.parse().map_err(|_| ProtoError::TamperedLink)?;
        if version != LINK_VERSION {
            return Err(ProtoError::UnsupportedLinkVersion(version));
        }
        let damaged = |_| ProtoError::TamperedLink;
        let kind = match get("kind")?.as_str() {
            "desktop" => DeviceKind::Desktop,
            "headless" => DeviceKind::Headless,
            _ => return Err(ProtoError::TamperedLink),
        };
        let offer = LinkOffer {
            relay: get("relay")?,
            link_ref: get("ref")?,
            ephemeral: b64_array(&get("ek")?, "ek").map_err(damaged)?,
            keys: DeviceKeys {
                ed25519: b64_array(&get("sk")?, "sk").map_err(damaged)?,
                curve25519: b64_array(&get("ik")?, "ik").map_err(damaged)?,
            },
            linking_secret: b64_array(&get("s")?, "s").map_err(damaged)?,
            name: get("name")?,
            kind,
            history_days: get("h")?.parse().map_err(|_| ProtoError::TamperedLink)?,
            resume: match (get("ra"), get("rn")) {
                (Ok(account), Ok(newest)) => Some(ResumeHint {
                    account_id: crate::ids::AccountId::parse(&account).map_err(|_| ProtoError::TamperedLink)?,
                    newest_ms: newest.parse().map_err(|_| ProtoError::TamperedLink)?,
                }),
                (Err(_), Err(_)) => None,
                _ => return Err(ProtoError::TamperedLink),
            },
            signature: b64_array(&get("sig")?, "sig").map_err(damaged)?,
        };
        validate_name(&offer.name).map_err(|_| ProtoError::TamperedLink)?;
        if offer.history_days > MAX_HISTORY_DAYS {
            return Err(ProtoError::TamperedLink);
        }
        if !verify_sig(&offer.keys.ed25519, &offer.signed_parts(), &offer.signature) {
            return Err(ProtoError::TamperedLink);
        }
        Ok(offer)
    }

    /// A 6-digit code ("123 456") both screens show, so the user can see that the phone scanned
    /// this very desktop's code.
    pub fn verification_code(&self) -> String {
        let mut mac = hmac_with(&self.linking_secret);
        mac.update(&signing_input(DOMAIN_CODE, &[&self.ephemeral, &self.keys.ed25519, &self.keys.curve25519]));
        let digest = mac.finalize().into_bytes();
        let n = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) % 1_000_000;
        format!("{:03} {:03}", n / 1000, n % 1000)
    }
}

fn hmac_with(key: &[u8; 32]) -> Hmac<Sha256> {
    <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key length"))
}

/// What the phone sends the companion once the user approves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkReply {
    pub identity: SignedDeviceIdentity,
    #[serde(with = "b64")]
    pub account_key: [u8; 32],
    /// The account's device list before this device joins.
    pub device_list: SignedDeviceList,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedLinkReply {
    #[serde(with = "b64")]
    pub phone_ephemeral: [u8; 32],
    #[serde(with = "b64")]
    pub ciphertext: Vec<u8>,
    #[serde(with = "b64")]
    pub mac: [u8; 32],
}

fn reply_cipher(
    shared: &[u8; 32],
    offer: &LinkOffer,
    phone_ephemeral: &[u8; 32],
) -> Result<(LessSafeKey, Nonce), ProtoError> {
    let hk = Hkdf::<Sha256>::new(Some(&offer.linking_secret), shared);
    let mut okm = [0u8; 44];
    hk.expand(&signing_input(DOMAIN_KDF, &[offer.link_ref.as_bytes(), &offer.ephemeral, phone_ephemeral]), &mut okm)
        .map_err(|_| ProtoError::UndecryptableReply)?;
    let key = UnboundKey::new(&AES_256_GCM, &okm[..32]).map_err(|_| ProtoError::UndecryptableReply)?;
    let nonce = Nonce::try_assume_unique_for_key(&okm[32..]).map_err(|_| ProtoError::UndecryptableReply)?;
    okm.zeroize();
    Ok((LessSafeKey::new(key), nonce))
}

fn reply_mac(offer: &LinkOffer, phone_ephemeral: &[u8; 32], ciphertext: &[u8]) -> Hmac<Sha256> {
    let mut mac = hmac_with(&offer.linking_secret);
    mac.update(&signing_input(DOMAIN_MAC, &[offer.link_ref.as_bytes(), phone_ephemeral, ciphertext]));
    mac
}

/// The phone seals its reply. `ephemeral_random` must come from a CSPRNG.
pub fn seal_reply(
    offer: &LinkOffer,
    reply: &LinkReply,
    mut ephemeral_random: [u8; 32],
) -> Result<SealedLinkReply, ProtoError> {
    let secret = Curve25519SecretKey::from_slice(&ephemeral_random);
    ephemeral_random.zeroize();
    let phone_ephemeral = Curve25519PublicKey::from(&secret).to_bytes();
    let shared =
        secret.diffie_hellman(&Curve25519PublicKey::from_bytes(offer.ephemeral)).ok_or(ProtoError::TamperedLink)?;
    let (key, nonce) = reply_cipher(shared.as_bytes(), offer, &phone_ephemeral)?;
    let mut ciphertext = serde_json::to_vec(reply).map_err(|_| ProtoError::Malformed("link reply"))?;
    key.seal_in_place_append_tag(nonce, Aad::from(offer.link_ref.as_bytes()), &mut ciphertext)
        .map_err(|_| ProtoError::UndecryptableReply)?;
    let mac = reply_mac(offer, &phone_ephemeral, &ciphertext).finalize().into_bytes().into();
    Ok(SealedLinkReply { phone_ephemeral, ciphertext, mac })
}

/// A reply the companion has authenticated, decrypted, verified and countersigned.
#[derive(Debug)]
pub struct AcceptedLink {
    pub identity: SignedDeviceIdentity,
    pub details: DeviceIdentityDetails,
    pub account_key: [u8; 32],
    pub device_list: DeviceList,
    pub signed_device_list: SignedDeviceList,
}

/// The companion opens the phone's reply: HMAC first, then decryption, then signatures.
pub fn open_reply(
    offer: &LinkOffer,
    secrets: &LinkSecrets,
    sealed: &SealedLinkReply,
    device: &Account,
) -> Result<AcceptedLink, ProtoError> {
    reply_mac(offer, &sealed.phone_ephemeral, &sealed.ciphertext)
        .verify_slice(&sealed.mac)
        .map_err(|_| ProtoError::WrongHmac)?;
    let secret = Curve25519SecretKey::from_slice(&secrets.ephemeral_secret);
    let shared = secret
        .diffie_hellman(&Curve25519PublicKey::from_bytes(sealed.phone_ephemeral))
        .ok_or(ProtoError::UndecryptableReply)?;
    let (key, nonce) = reply_cipher(shared.as_bytes(), offer, &sealed.phone_ephemeral)?;
    let mut buffer = sealed.ciphertext.clone();
    let plaintext = key
        .open_in_place(nonce, Aad::from(offer.link_ref.as_bytes()), &mut buffer)
        .map_err(|_| ProtoError::UndecryptableReply)?;
    let reply: LinkReply = serde_json::from_slice(plaintext).map_err(|_| ProtoError::Malformed("link reply"))?;
    let details = reply.identity.verify_account_signature(&reply.account_key)?;
    if details.keys != offer.keys || details.device_id == crate::ids::PRIMARY_DEVICE_ID || details.kind != offer.kind {
        return Err(ProtoError::KeysMismatch);
    }
    let device_list = reply.device_list.verify(&reply.account_key)?;
    let identity = reply.identity.countersign(device, &reply.account_key)?;
    Ok(AcceptedLink {
        identity,
        details,
        account_key: reply.account_key,
        device_list,
        signed_device_list: reply.device_list,
    })
}

#[cfg(test)]
#[path = "link_tests.rs"]
mod tests;
