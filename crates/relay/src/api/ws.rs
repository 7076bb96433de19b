//! The push channel: one WebSocket per device; a second connection replaces the first.

use std::time::Duration;

use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use tandem_proto::wire::PushEvent;

use super::extract::Authed;
use crate::Relay;

const PING_EVERY: Duration = Duration::from_secs(20);

pub async fn connect(State(relay): State<Relay>, who: Authed, upgrade: WebSocketUpgrade) -> Response {
    upgrade.max_message_size(64 * 1024).on_upgrade(move |socket| run(relay, who, socket))
}

async fn run(relay: Relay, who: Authed, socket: WebSocket) {
    let mut conn = relay.push.connect(&who.account_id, who.device_id);
    let (mut sink, mut stream) = socket.split();
    let mut ping = tokio::time::interval(PING_EVERY);
    loop {
        tokio::select! {
            event = conn.events.recv() => {
                let Some(event) = event else { break };
                let replaced = event == PushEvent::Replaced;
                let text = serde_json::to_string(&event).unwrap_or_default();
                if sink.send(Message::Text(text.into())).await.is_err() || replaced {
                    break;
                }
            }
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {
                    let _ = relay.db.touch_device(&who.account_id, who.device_id, relay.now_ms());
                }
            },
            _ = ping.tick() => {
                if sink.send(Message::Ping(Vec::new().into())).await.is_err() {
                    break;
                }
            }
        }
    }
    let _ = sink.close().await;
    relay.push.disconnect(&who.account_id, who.device_id, conn.id);
}
