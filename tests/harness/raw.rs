//! A scripted primary that speaks the relay protocol directly (with tandem-proto) instead of
//! through tandem-client, so tests can send what no honest device would: forged replies, stale
//! device lists, oversized bodies. Used as `mallory` in attack tests.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use tandem_proto::device_list::{DeviceList, DeviceListEntry, SignedDeviceList};
use tandem_proto::identity::{DeviceIdentityDetails, DeviceKeys, DeviceKind, sign_identity};
use tandem_proto::ids::AccountId;
use tandem_proto::vodozemac::olm::Account;
use tandem_proto::wire::{ApiError, AuthResponse, ChallengeResponse, CreateAccountRequest};

pub struct RawPrimary {
    pub http: reqwest::Client,
    pub url: String,
    pub account: Account,
    pub account_id: AccountId,
    pub token: String,
}

/// An answer: the HTTP status and either the body or the relay's coded error.
pub type Answer<T> = (u16, Result<T, ApiError>);

impl RawPrimary {
    pub fn account_key(&self) -> [u8; 32] {
        *self.account.identity_keys().ed25519.as_bytes()
    }

    /// A device list of this account with the given version and companions (device id = key index).
    pub fn list(&self, version: u64, companions: &[u32]) -> SignedDeviceList {
        let mut devices = vec![DeviceListEntry { device_id: 0, key_index: 0 }];
        devices.extend(companions.iter().map(|&d| DeviceListEntry { device_id: d, key_index: d }));
        DeviceList { account_id: self.account_id.clone(), version, timestamp_ms: version, devices }
            .sign(&self.account)
            .expect("sign list")
    }

    /// Creates an account on the relay at `url` and authenticates as its primary.
    pub async fn join(url: &str, name: &str) -> RawPrimary {
        let (mut raw, created) = Self::create(url, name).await;
        assert!(created.1.is_ok(), "create account: {created:?}");
        raw.sign_in(None).await.expect("auth");
        raw
    }

    /// Asks the relay to create a new account (not signed in yet); returns it and the answer.
    pub async fn create(url: &str, name: &str) -> (RawPrimary, Answer<serde_json::Value>) {
        let http = reqwest::Client::new();
        let account = Account::new();
        let key = *account.identity_keys().ed25519.as_bytes();
        let account_id = AccountId::from_account_key(&key);
        let details = DeviceIdentityDetails {
            account_id: account_id.clone(),
            device_id: 0,
            key_index: 0,
            created_ms: 1,
            kind: DeviceKind::Primary,
            name: name.into(),
            keys: DeviceKeys::of(&account),
        };
        let primary = sign_identity(&account, &details).and_then(|s| s.countersign(&account, &key)).expect("identity");
        let raw = RawPrimary { http, url: url.to_owned(), account, account_id, token: String::new() };
        let request =
            CreateAccountRequest { account_key: key, primary, device_list: raw.list(1, &[]), prekeys: vec![] };
        let created = raw.send::<_, serde_json::Value>(reqwest::Method::POST, "/v1/accounts", Some(&request)).await;
        (raw, created)
    }

    /// Signs in as the primary (announcing `capabilities` when given) and keeps the token.
    pub async fn sign_in(&mut self, capabilities: Option<&[&str]>) -> Result<(), ApiError> {
        self.token.clear();
        let (_, challenge) = self.send::<(), ChallengeResponse>(reqwest::Method::GET, "/v1/auth/challenge", None).await;
        let nonce = challenge?.nonce;
        let signature = tandem_proto::auth::sign_challenge(&self.account, &self.account_id, 0, &nonce);
        let body = json!({"account_id": self.account_id, "device_id": 0, "nonce": tandem_proto::b64_encode(&nonce),
            "signature": tandem_proto::b64_encode(&signature), "capabilities": capabilities});
        let (_, auth) = self.send::<_, AuthResponse>(reqwest::Method::POST, "/v1/auth", Some(&body)).await;
        self.token = auth?.token;
        Ok(())
    }

    /// Sends a request (authenticated once joined) and returns the status and decoded answer.
    pub async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
    ) -> Answer<T> {
        let mut request = self.http.request(method, format!("{}{path}", self.url)).header("x-tandem-protocol", "1");
        if !self.token.is_empty() {
            request = request.bearer_auth(&self.token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("relay reachable");
        let status = response.status().as_u16();
        let bytes = response.bytes().await.expect("body");
        if (200..300).contains(&status) {
            (status, Ok(serde_json::from_slice(&bytes).expect("answer JSON")))
        } else {
            (
                status,
                Err(serde_json::from_slice(&bytes).unwrap_or(ApiError {
                    code: tandem_proto::wire::ErrorCode::Internal,
                    message: String::from_utf8_lossy(&bytes).into_owned(),
                    logout_reason: None,
                    device_list: None,
                    retry_after_secs: None,
                })),
            )
        }
    }

    /// Sends raw bytes (or none) and returns the status and the raw answer.
    pub async fn send_bytes(&self, method: reqwest::Method, path: &str, body: Option<Vec<u8>>) -> (u16, Vec<u8>) {
        let mut request = self.http.request(method, format!("{}{path}", self.url)).header("x-tandem-protocol", "1");
        if !self.token.is_empty() {
            request = request.bearer_auth(&self.token);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await.expect("relay reachable");
        let status = response.status().as_u16();
        (status, response.bytes().await.expect("body").to_vec())
    }

    pub async fn post<B: Serialize>(&self, path: &str, body: &B) -> Answer<serde_json::Value> {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }
}
