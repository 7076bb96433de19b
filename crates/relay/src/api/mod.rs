//! The HTTP + WebSocket API (see `tandem_proto::wire` for the table of endpoints).

mod accounts;
mod appstate;
mod auth;
pub(crate) mod blobs;
mod error;
mod extract;
mod keys;
mod lifecycle;
mod link;
pub(crate) mod media;
mod messages;
mod rate;
mod ws;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use tandem_proto::PROTOCOL_VERSION;
use tandem_proto::wire::{ErrorCode, PROTOCOL_HEADER};

pub use error::ApiFailure;
use rate::Class;
pub use rate::RateLimits;
use tower_http::timeout::RequestBodyTimeoutLayer;

use crate::Relay;

pub fn router(relay: Relay) -> Router {
    let limits = relay.limits.clone();
    let per_ip = |class: Class| middleware::from_fn_with_state((relay.clone(), class), rate::per_ip);
    let accounts = Router::new().route("/v1/accounts", post(accounts::create)).route_layer(per_ip(Class::Accounts));
    let challenges =
        Router::new().route("/v1/auth/challenge", get(auth::challenge)).route_layer(per_ip(Class::Challenges));
    let links = Router::new().route("/v1/link", post(link::open)).route_layer(per_ip(Class::Links));
    let link_requests = Router::new()
        .route("/v1/link/{link_ref}", get(link::poll))
        .route("/v1/link/{link_ref}/claim", post(link::claim))
        .route("/v1/link/{link_ref}/reply", post(link::reply))
        .route("/v1/link/{link_ref}/decline", post(link::decline))
        .route("/v1/link/{link_ref}/register", post(link::register))
        .route_layer(per_ip(Class::LinkRequests));
    let lookups = Router::new()
        .route("/v1/accounts/{account}/devices", get(accounts::devices))
        .route("/v1/accounts/{account}/devices/{device}/identity", get(accounts::identity))
        .route_layer(per_ip(Class::LookupsPerIp));
    let claims = Router::new().route("/v1/keys/claim", post(keys::claim)).route_layer(per_ip(Class::KeyClaimsPerIp));
    let sends = Router::new()
        .route("/v1/messages", post(messages::send))
        .route("/v1/messages/direct", post(messages::direct))
        .route_layer(per_ip(Class::SendsPerIp));
    Router::new()
        .merge(accounts)
        .merge(challenges)
        .merge(links)
        .merge(link_requests)
        .merge(lookups)
        .merge(claims)
        .merge(sends)
        .route("/v1/accounts/{account}/device-list", put(accounts::publish_list))
        .route("/v1/auth", post(auth::authenticate))
        .route("/v1/keys", post(keys::upload))
        .route("/v1/keys/count", get(keys::count))
        .route("/v1/messages", get(messages::fetch))
        .route("/v1/messages/ack", post(messages::ack))
        .route("/v1/blocks/{account}", put(messages::block).delete(messages::unblock))
        .route("/v1/devices/self/logout", post(lifecycle::log_out_self))
        .route("/v1/devices/self/status", get(lifecycle::status))
        .route("/v1/appstate/patches", get(appstate::patches))
        .route("/v1/appstate/patches/{version}", put(appstate::put_patch))
        .route("/v1/appstate/snapshot", get(appstate::snapshot).put(appstate::put_snapshot))
        .route(
            "/v1/blobs",
            post(blobs::upload).layer(DefaultBodyLimit::max(tandem_proto::history::MAX_CHUNK_SEALED_BYTES as usize)),
        )
        .route("/v1/blobs/{blob_id}", get(blobs::download).delete(blobs::ack))
        .route(
            "/v1/media",
            post(media::upload).layer(DefaultBodyLimit::max(tandem_proto::media::MAX_SEALED_MEDIA_BYTES)),
        )
        .route("/v1/media/{media_ref}", get(media::download))
        .route("/v1/ws", get(ws::connect))
        .route("/healthz", get(|| async { "ok" }))
        .layer(middleware::from_fn(protocol_version))
        .layer(DefaultBodyLimit::max(limits.max_request_bytes))
        .layer(RequestBodyTimeoutLayer::new(limits.body_timeout()))
        .layer(middleware::from_fn_with_state(limits.max_path_bytes, path_length))
        .with_state(relay)
}

/// A path longer than any the API uses is refused before routing (`414`, `bad_request`).
async fn path_length(State(max): State<usize>, request: Request, next: Next) -> Response {
    if request.uri().path().len() > max {
        let mut refused = ApiFailure::bad_request(format!("the path is longer than {max} bytes")).into_response();
        *refused.status_mut() = axum::http::StatusCode::URI_TOO_LONG;
        return refused;
    }
    next.run(request).await
}

/// Clients announce their protocol version; one this relay cannot serve gets a clear
/// `update_required` instead of confusing failures later.
async fn protocol_version(request: Request, next: Next) -> Response {
    let announced = request.headers().get(PROTOCOL_HEADER).map(|v| v.to_str().ok().and_then(|s| s.parse::<u32>().ok()));
    match announced {
        Some(Some(v)) if v != PROTOCOL_VERSION => ApiFailure::new(
            ErrorCode::UpdateRequired,
            format!(
                "this relay speaks Tandem protocol {PROTOCOL_VERSION}, the client speaks {v}: update the older side"
            ),
        )
        .into_response(),
        Some(None) => ApiFailure::bad_request("the x-tandem-protocol header must be a number").into_response(),
        _ => next.run(request).await,
    }
}
