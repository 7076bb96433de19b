//! The push channel: one WebSocket per device; a second connection replaces the first. The
//! relay pings; a socket that answers nothing for `ws_idle_secs` is closed (a peer that went
//! away without a word, or one that holds sockets open and never reads).

use tokio::time::Instant;

use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use tandem_proto::wire::PushEvent;

use super::extract::Authed;
use crate::Relay;

pub async fn connect(State(relay): State<Relay>, who: Authed, upgrade: WebSocketUpgrade) -> Response {
    upgrade.max_message_size(64 * 1024).on_upgrade(move |socket| run(relay, who, socket))
}

async fn run(relay: Relay, who: Authed, socket: WebSocket) {
    let mut conn = relay.push.connect(&who.account_id, who.device_id);
    let (mut sink, mut stream) = socket.split();
    let idle = relay.limits.ws_idle();
    let mut ping = tokio::time::interval(idle / 3);
    let mut heard = Instant::now();
    loop {
        tokio::select! {
            event = conn.events.recv() => {
                let Some(event) = event else { break };
                let replaced = event == PushEvent::Replaced;
                let text = serde_json::to_string(&event).unwrap_or_default();
                let sent = tokio::time::timeout(idle, sink.send(Message::Text(text.into()))).await;
                if !matches!(sent, Ok(Ok(()))) || replaced {
                    break;
                }
            }
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(Message::Pong(_))) => heard = Instant::now(),
                Some(Ok(_)) => {
                    heard = Instant::now();
                    let _ = relay.db.touch_device(&who.account_id, who.device_id, relay.now_ms());
                }
            },
            _ = ping.tick() => {
                if heard.elapsed() > idle {
                    tracing::debug!("push channel idle: closed");
                    break;
                }
                // A peer that stops reading fills its socket; it gets as long as an idle one.
                let sent = tokio::time::timeout(idle, sink.send(Message::Ping(Vec::new().into()))).await;
                if !matches!(sent, Ok(Ok(()))) {
                    break;
                }
            }
        }
    }
    let _ = tokio::time::timeout(idle, sink.close()).await;
    relay.push.disconnect(&who.account_id, who.device_id, conn.id);
}
