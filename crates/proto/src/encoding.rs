//! Base64 (URL-safe, unpadded) for keys, signatures and opaque bytes on the wire.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::ProtoError;

pub fn b64_encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn b64_decode(text: &str, what: &'static str) -> Result<Vec<u8>, ProtoError> {
    URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).map_err(|_| ProtoError::Malformed(what))
}

pub(crate) fn b64_array<const N: usize>(text: &str, what: &'static str) -> Result<[u8; N], ProtoError> {
    let bytes = b64_decode(text, what)?;
    bytes.try_into().map_err(|_| ProtoError::Malformed(what))
}

/// serde adapters: `#[serde(with = "tandem_proto::b64")]` on `Vec<u8>` or `[u8; N]` fields.
pub mod b64 {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer, T: AsRef<[u8]>>(value: &T, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::b64_encode(value.as_ref()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: TryFrom<Vec<u8>>>(d: D) -> Result<T, D::Error> {
        let text = String::deserialize(d)?;
        let bytes = super::b64_decode(&text, "base64 field").map_err(D::Error::custom)?;
        T::try_from(bytes).map_err(|_| D::Error::custom("base64 field has the wrong length"))
    }
}
