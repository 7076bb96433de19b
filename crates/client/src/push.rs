//! The push channel (WebSocket) from the relay.

use futures_util::StreamExt;
use tandem_proto::PROTOCOL_VERSION;
use tandem_proto::wire::{PROTOCOL_HEADER, PushEvent};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

use crate::device::Device;
use crate::error::{ClientError, Result};

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub(crate) struct PushStream {
    socket: Socket,
}

impl Device {
    /// Opens the push channel, authenticated with this device's token.
    pub(crate) async fn connect_push(&self) -> Result<PushStream> {
        let token = self.token().await?;
        let url = self.api().ws_url();
        let unreachable = |reason: String| ClientError::RelayUnreachable { url: url.clone(), reason };
        let mut request = url.as_str().into_client_request().map_err(|e| unreachable(e.to_string()))?;
        let headers = request.headers_mut();
        headers.insert(PROTOCOL_HEADER, HeaderValue::from(PROTOCOL_VERSION));
        let bearer =
            HeaderValue::from_str(&format!("Bearer {token}")).map_err(|e| ClientError::Internal(e.to_string()))?;
        headers.insert("authorization", bearer);
        match tokio_tungstenite::connect_async(request).await {
            Ok((socket, _)) => Ok(PushStream { socket }),
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) if response.status() == 401 => {
                self.forget_token().await;
                Err(ClientError::Relay {
                    code: tandem_proto::wire::ErrorCode::Unauthorized,
                    message: "the relay no longer accepts this device's session".into(),
                })
            }
            Err(e) => Err(unreachable(e.to_string())),
        }
    }
}

impl PushStream {
    /// The next event; `None` when the relay closed the connection.
    pub async fn next(&mut self) -> Option<PushEvent> {
        while let Some(message) = self.socket.next().await {
            match message {
                Ok(Message::Text(text)) => match serde_json::from_str(&text) {
                    Ok(event) => return Some(event),
                    Err(_) => tracing::warn!("ignoring an unknown push event"),
                },
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => {}
            }
        }
        None
    }
}
