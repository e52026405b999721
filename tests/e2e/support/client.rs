//! A scripted WebSocket client that speaks the protocol as a browser would.

use std::collections::VecDeque;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Long enough for a loaded CI machine; a wait that needs it has failed anyway.
pub const WAIT: Duration = Duration::from_secs(10);

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub struct TestClient {
    socket: Socket,
    next_id: u64,
    /// Messages received while waiting for something else, oldest first.
    unread: VecDeque<Value>,
    /// The close frame, once the server closed the connection.
    pub closed: Option<Option<CloseFrame>>,
    pub you: Option<u64>,
    pub resume_token: Option<String>,
    pub device: String,
}

/// A fresh device key, as the web client keeps in localStorage.
pub fn new_device() -> String {
    peer_room::tokens::generate()
}

impl TestClient {
    pub async fn connect(url: &str) -> TestClient {
        Self::connect_from(url, None).await.expect("websocket connects")
    }

    /// Connects with an `Origin` header, as a browser on that origin would.
    pub async fn connect_from(url: &str, origin: Option<&str>) -> Result<TestClient, tungstenite::Error> {
        let mut request = url.into_client_request()?;
        if let Some(origin) = origin {
            request
                .headers_mut()
                .insert("Origin", origin.parse().expect("origin header"));
        }
        let (socket, _) = tokio_tungstenite::connect_async(request).await?;
        Ok(TestClient {
            socket,
            next_id: 1,
            unread: VecDeque::new(),
            closed: None,
            you: None,
            resume_token: None,
            device: new_device(),
        })
    }

    /// Connected and greeted: ready to join or resume.
    pub async fn greeted(url: &str) -> TestClient {
        let mut client = Self::connect(url).await;
        let welcome = client.request(json!({"type": "hello", "version": 1})).await;
        assert_eq!(welcome["type"], "welcome", "{welcome}");
        client
    }

    /// Connected, greeted and joined with `token`; panics if refused.
    pub async fn joined(url: &str, token: &str, name: &str) -> TestClient {
        let mut client = Self::greeted(url).await;
        let reply = client.join(token, name).await;
        assert_eq!(reply["type"], "joined", "{reply}");
        client
    }

    /// Greets the server at `url` and joins with `token`, following
    /// `room_elsewhere` to the node that runs the room (as the web client
    /// does, a few hops at most). Returns the client on that node, its URL
    /// and the final reply (`joined`, or the refusal).
    pub async fn join_following(url: &str, token: &str, name: &str) -> (TestClient, String, Value) {
        Self::try_join_following(url, token, name, None)
            .await
            .unwrap_or_else(|why| panic!("{why}"))
    }

    /// As `join_following`, from the browser with `device` (a fresh one if
    /// `None`); a node that cannot be reached (one that died, say) is an
    /// error, not a panic.
    pub async fn try_join_following(
        url: &str,
        token: &str,
        name: &str,
        device: Option<&str>,
    ) -> Result<(TestClient, String, Value), String> {
        let mut url = url.to_owned();
        for _ in 0..4 {
            let mut client = Self::connect_from(&url, None)
                .await
                .map_err(|e| format!("{url}: {e}"))?;
            if let Some(device) = device {
                device.clone_into(&mut client.device);
            }
            let welcome = client.request(json!({"type": "hello", "version": 1})).await;
            assert_eq!(welcome["type"], "welcome", "{welcome}");
            let reply = client.join(token, name).await;
            match reply["ws_url"].as_str().filter(|_| reply["type"] == "room_elsewhere") {
                Some(next) => url = next.to_owned(),
                None => return Ok((client, url, reply)),
            }
        }
        Err("still sent elsewhere after four hops".to_owned())
    }

    /// Sends `join` with this client's device and returns the reply.
    pub async fn join(&mut self, token: &str, name: &str) -> Value {
        let device = self.device.clone();
        let reply = self
            .request(json!({"type": "join", "token": token, "name": name, "device": device}))
            .await;
        self.remember(&reply);
        reply
    }

    pub async fn resume(&mut self, resume_token: &str) -> Value {
        let reply = self
            .request(json!({"type": "resume", "resume_token": resume_token}))
            .await;
        self.remember(&reply);
        reply
    }

    fn remember(&mut self, reply: &Value) {
        if reply["type"] == "joined" {
            self.you = reply["you"].as_u64();
            self.resume_token = reply["resume_token"].as_str().map(str::to_owned);
        }
    }

    pub async fn send_text(&mut self, text: impl Into<String>) {
        self.try_send_text(text).await.expect("send");
    }

    pub async fn try_send_text(&mut self, text: impl Into<String>) -> Result<(), tungstenite::Error> {
        self.socket.send(Message::Text(text.into().into())).await
    }

    pub async fn send_binary(&mut self, bytes: Vec<u8>) {
        self.socket.send(Message::Binary(bytes.into())).await.expect("send");
    }

    /// Sends a message with a fresh `id` and returns the reply that echoes it.
    pub async fn request(&mut self, mut message: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        message["id"] = json!(id);
        self.send_text(message.to_string()).await;
        self.expect_where(|m| m["id"] == json!(id), &format!("reply to request {id}"))
            .await
    }

    /// As `request`, but `None` if the connection is closed, or closes
    /// before the answer (its server stopped, say).
    pub async fn try_request(&mut self, mut message: Value) -> Option<Value> {
        if self.closed.is_some() {
            return None;
        }
        let id = self.next_id;
        self.next_id += 1;
        message["id"] = json!(id);
        self.try_send_text(message.to_string()).await.ok()?;
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let message = tokio::time::timeout_at(deadline, self.read()).await.ok()??;
            if message["id"] == json!(id) {
                return Some(message);
            }
            self.unread.push_back(message);
        }
    }

    /// The next message of type `kind`, leaving other messages unread.
    pub async fn expect(&mut self, kind: &str) -> Value {
        self.expect_where(|m| m["type"] == kind, kind).await
    }

    /// The next message matching `wanted`, leaving other messages unread.
    pub async fn expect_where(&mut self, wanted: impl Fn(&Value) -> bool, what: &str) -> Value {
        if let Some(at) = self.unread.iter().position(&wanted) {
            return self.unread.remove(at).expect("position is in range");
        }
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let message = match tokio::time::timeout_at(deadline, self.read()).await {
                Ok(Some(message)) => message,
                Ok(None) => panic!(
                    "connection closed ({:?}) while waiting for {what}; unread: {:?}",
                    self.closed, self.unread
                ),
                Err(_) => panic!("no {what} within {WAIT:?}; unread: {:?}", self.unread),
            };
            if wanted(&message) {
                return message;
            }
            self.unread.push_back(message);
        }
    }

    /// Waits until the server closes the connection; returns its close code.
    pub async fn expect_close(&mut self) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + WAIT;
        while self.closed.is_none() {
            match tokio::time::timeout_at(deadline, self.read()).await {
                Ok(Some(message)) => self.unread.push_back(message),
                Ok(None) => break,
                Err(_) => panic!("the server did not close the connection; unread: {:?}", self.unread),
            }
        }
        self.closed.clone().flatten().map(|frame| u16::from(frame.code))
    }

    /// All messages read so far and not yet expected, of type `kind`.
    pub fn unread_of(&self, kind: &str) -> Vec<Value> {
        self.unread.iter().filter(|m| m["type"] == kind).cloned().collect()
    }

    /// The room as the server sees it now.
    pub async fn state(&mut self) -> Value {
        let mut state = self.request(json!({"type": "get_state"})).await;
        assert_eq!(state["type"], "room_state", "{state}");
        // The clock moves between two snapshots; the room does not.
        state["server_time"] = json!(0);
        state["run_of_show"]["server_time"] = json!(0);
        if state["energizer"].is_object() {
            state["energizer"]["server_time"] = json!(0);
        }
        state["id"] = json!(0);
        state
    }

    /// The next message, unread ones first; `None` once the connection is
    /// closed. Cancel-safe: a message is never half read.
    pub async fn next(&mut self) -> Option<Value> {
        if let Some(message) = self.unread.pop_front() {
            return Some(message);
        }
        self.read().await
    }

    /// The next JSON message, or `None` once the connection is closed.
    async fn read(&mut self) -> Option<Value> {
        loop {
            match self.socket.next().await {
                Some(Ok(Message::Text(text))) => {
                    return Some(serde_json::from_str(text.as_str()).expect("the server sends JSON"));
                }
                Some(Ok(Message::Close(frame))) => {
                    self.closed = Some(frame);
                    return None;
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => {
                    self.closed.get_or_insert(None);
                    return None;
                }
            }
        }
    }

    /// Closes the connection with a close frame, as a browser's `close()`
    /// does, and returns the close frame the server answers with, if any.
    pub async fn close_with(mut self, code: u16) -> Option<CloseFrame> {
        let frame = CloseFrame {
            code: code.into(),
            reason: "bye".into(),
        };
        self.socket.close(Some(frame)).await.ok()?;
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Ok(Some(Ok(Message::Close(answer)))) => return answer,
                Ok(Some(Ok(_))) => continue,
                Ok(Some(Err(_)) | None) | Err(_) => return None,
            }
        }
    }

    /// Drops the TCP connection without a close frame, as a lost network does.
    pub fn drop_connection(self) {
        drop(self.socket);
    }
}
