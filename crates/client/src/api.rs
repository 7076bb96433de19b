//! The relay's HTTP API from the client side (reqwest). Every call carries the protocol version;
//! relay refusals come back as [`ClientError::Relay`] with the relay's error code.

use std::time::Duration;

use reqwest::{Method, RequestBuilder, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tandem_proto::PROTOCOL_VERSION;
use tandem_proto::wire::{ApiError, ErrorCode, LINK_TOKEN_HEADER, MAX_POLL_SECS, PROTOCOL_HEADER};

use crate::error::{ClientError, Result};

/// How a request proves who sends it.
#[derive(Clone, Copy)]
pub enum Auth<'a> {
    None,
    Bearer(&'a str),
    LinkToken(&'a str),
}

/// No answer from the relay is larger than this (history chunks are at most 8 MiB, photo files
/// 5 MiB; a page of messages is at most 500 envelopes).
const MAX_ANSWER_BYTES: usize = 128 * 1024 * 1024;

#[derive(Clone)]
pub struct RelayApi {
    base: String,
    http: reqwest::Client,
}

impl RelayApi {
    pub fn new(base: &str) -> Result<Self> {
        let base = base.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(ClientError::RelayUnreachable {
                url: base,
                reason: "the relay address must start with http:// or https://".into(),
            });
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            // Relays close connections idle for their header timeout (10 s by default); dropping
            // ours sooner keeps a request from racing the relay's close.
            .pool_idle_timeout(Duration::from_secs(4))
            // Long polls wait up to MAX_POLL_SECS on the relay; allow for that plus slack.
            .timeout(Duration::from_secs(MAX_POLL_SECS + 15))
            .build()
            .map_err(|e| ClientError::Internal(e.to_string()))?;
        Ok(RelayApi { base, http })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// The WebSocket URL for push events.
    pub fn ws_url(&self) -> String {
        let rest = self.base.strip_prefix("http").unwrap_or(&self.base);
        format!("ws{rest}/v1/ws")
    }

    fn request(&self, method: Method, path: &str, auth: Auth<'_>) -> RequestBuilder {
        let builder = self
            .http
            .request(method, format!("{}{}", self.base, path))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string());
        match auth {
            Auth::None => builder,
            Auth::Bearer(token) => builder.bearer_auth(token),
            Auth::LinkToken(token) => builder.header(LINK_TOKEN_HEADER, token),
        }
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str, auth: Auth<'_>) -> Result<T> {
        self.send(self.request(Method::GET, path, auth)).await
    }

    pub async fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B, auth: Auth<'_>) -> Result<T> {
        self.send(self.request(Method::POST, path, auth).json(body)).await
    }

    pub async fn put<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B, auth: Auth<'_>) -> Result<T> {
        self.send(self.request(Method::PUT, path, auth).json(body)).await
    }

    pub async fn delete<T: DeserializeOwned>(&self, path: &str, auth: Auth<'_>) -> Result<T> {
        self.send(self.request(Method::DELETE, path, auth)).await
    }

    /// POSTs raw bytes (a blob).
    pub async fn post_bytes<T: DeserializeOwned>(&self, path: &str, bytes: Vec<u8>, auth: Auth<'_>) -> Result<T> {
        let builder =
            self.request(Method::POST, path, auth).header(reqwest::header::CONTENT_TYPE, "application/octet-stream");
        self.send(builder.body(bytes)).await
    }

    /// GETs raw bytes from `offset` on (`Range: bytes=offset-` when not 0).
    pub async fn get_bytes(&self, path: &str, offset: u64, auth: Auth<'_>) -> Result<Vec<u8>> {
        let mut builder = self.request(Method::GET, path, auth);
        if offset > 0 {
            builder = builder.header(reqwest::header::RANGE, format!("bytes={offset}-"));
        }
        self.raw(builder).await
    }

    async fn send<T: DeserializeOwned>(&self, builder: RequestBuilder) -> Result<T> {
        let bytes = self.raw(builder).await?;
        serde_json::from_slice(&bytes).map_err(|e| ClientError::Relay {
            code: ErrorCode::Internal,
            message: format!("the relay sent an unreadable answer: {e}"),
        })
    }

    async fn raw(&self, builder: RequestBuilder) -> Result<Vec<u8>> {
        let unreachable =
            |e: reqwest::Error| ClientError::RelayUnreachable { url: self.base.clone(), reason: describe(&e) };
        let mut response = builder.send().await.map_err(unreachable)?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        // Read in pieces, bounded: a relay that sends without end cannot exhaust memory.
        let too_large = || ClientError::Relay {
            code: ErrorCode::TooLarge,
            message: format!("the relay's answer is larger than {} MiB: refused", MAX_ANSWER_BYTES >> 20),
        };
        if response.content_length().is_some_and(|n| n > MAX_ANSWER_BYTES as u64) {
            return Err(too_large());
        }
        let mut bytes = Vec::new();
        while let Some(piece) = response.chunk().await.map_err(unreachable)? {
            if bytes.len() + piece.len() > MAX_ANSWER_BYTES {
                return Err(too_large());
            }
            bytes.extend_from_slice(&piece);
        }
        if status.is_success() {
            return Ok(bytes.to_vec());
        }
        Err(match serde_json::from_slice::<ApiError>(&bytes) {
            Ok(api) if api.code == ErrorCode::LoggedOut => {
                ClientError::RelayLoggedOut(Box::new(crate::lockout::LogoutClaim {
                    reason: api.logout_reason.unwrap_or(tandem_proto::wire::LogoutReason::Unlinked),
                    device_list: api.device_list,
                }))
            }
            Ok(api) if api.code == ErrorCode::RateLimited => {
                ClientError::RateLimited { retry_after_secs: api.retry_after_secs.or(retry_after).unwrap_or(1).max(1) }
            }
            Ok(api) => ClientError::Relay { code: api.code, message: api.message },
            // A proxy in front of the relay may rate-limit too, with a bare 429.
            Err(_) if status == StatusCode::TOO_MANY_REQUESTS => {
                ClientError::RateLimited { retry_after_secs: retry_after.unwrap_or(1).max(1) }
            }
            Err(_) => {
                ClientError::Relay { code: fallback_code(status), message: format!("the relay answered {status}") }
            }
        })
    }
}

fn fallback_code(status: StatusCode) -> ErrorCode {
    match status {
        StatusCode::UNAUTHORIZED => ErrorCode::Unauthorized,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::TooLarge,
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::UPGRADE_REQUIRED => ErrorCode::UpdateRequired,
        s if s.is_client_error() => ErrorCode::BadRequest,
        _ => ErrorCode::Internal,
    }
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_connect() {
        "connection refused or no route".into()
    } else if error.is_timeout() {
        "it did not answer in time".into()
    } else {
        error.to_string()
    }
}
