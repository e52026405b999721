//! Getting one synthetic person into a room over the real WebSocket
//! protocol, the way the web client does: hello, join with the link's token,
//! accept the ground rules, and wait for the room's state.

use std::time::Duration;

use anyhow::{Context, bail};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A step of getting in that takes longer than this has failed: even 10,000
/// people arriving at once are in within it when the server keeps up.
const STEP_TIMEOUT: Duration = Duration::from_secs(60);

/// Someone in the room, with the socket they came in on.
pub struct Entered {
    pub socket: Socket,
    /// Their participant id in the room.
    pub you: u64,
    /// The `room_state` they entered with (null for someone at the gate).
    pub state: Value,
}

/// The role an invitation gives, which decides the way in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Enters at once; turns the waiting room off so that participants are
    /// admitted as they arrive.
    Facilitator,
    /// Enters at once and leaves the waiting room on: participants wait
    /// until this host lets them in.
    Host,
    /// Accepts the ground rules, and is in once the waiting room lets them.
    Participant,
    /// Accepts the ground rules and returns at once, waiting to be let in.
    Waiting,
    /// Joins and stays at the gate without accepting the rules: connected,
    /// known to the room, but not in it. Separates what a connection costs
    /// the server from what entering the room adds.
    AtGate,
}

/// A device key, as the browser keeps one in localStorage: 16 to 128 of
/// `[A-Za-z0-9_-]`, and different for every person.
pub fn device_key() -> String {
    format!("bench{:032x}", rand::random::<u128>())
}

pub async fn connect(url: &str) -> anyhow::Result<Socket> {
    // 127.0.0.0/8: the nodes of the redirect bench listen on 127.0.0.2 too.
    anyhow::ensure!(url.starts_with("ws://127."), "loopback only, not {url}");
    // Browsers turn Nagle's algorithm off on their sockets; so does the tool,
    // or its own small frames would wait for the server's delayed ACKs.
    let connecting = tokio_tungstenite::connect_async_with_config(url, None, true);
    let (socket, _) = tokio::time::timeout(STEP_TIMEOUT, connecting)
        .await
        .context("WebSocket connect timed out")??;
    Ok(socket)
}

/// Connects, joins with `token` and waits until in the room.
pub async fn enter(url: &str, token: &str, name: &str, role: Role) -> anyhow::Result<Entered> {
    let socket = connect(url).await?;
    enter_on(socket, token, name, role).await
}

/// Joins on an open socket and waits until in the room.
pub async fn enter_on(mut socket: Socket, token: &str, name: &str, role: Role) -> anyhow::Result<Entered> {
    let mut state = None;
    let welcome = request(&mut socket, json!({"type": "hello", "id": 1, "version": 1}), &mut state).await?;
    expect_type(&welcome, "welcome")?;
    let join = json!({"type": "join", "id": 2, "token": token, "name": name, "device": device_key()});
    let joined = request(&mut socket, join, &mut state).await?;
    expect_type(&joined, "joined")?;
    let you = joined["you"].as_u64().context("joined without `you`")?;
    match role {
        Role::Facilitator => {
            let off = json!({"type": "set_waiting_room", "id": 3, "enabled": false});
            expect_type(&request(&mut socket, off, &mut state).await?, "ack")?;
        }
        Role::Host => {}
        Role::Participant | Role::Waiting => {
            let accept = json!({"type": "accept_rules", "id": 3});
            expect_type(&request(&mut socket, accept, &mut state).await?, "ack")?;
            if role == Role::Waiting {
                return Ok(Entered {
                    socket,
                    you,
                    state: Value::Null,
                });
            }
        }
        Role::AtGate => {
            return Ok(Entered {
                socket,
                you,
                state: Value::Null,
            });
        }
    }
    while state.is_none() {
        let message = next_json(&mut socket).await?;
        note_state(&message, &mut state)?;
    }
    Ok(Entered {
        socket,
        you,
        state: state.expect("loop ends with a state"),
    })
}

/// Sends `message` and reads until the reply with its id. A `room_state`
/// on the way is kept in `state`; an error without an id fails.
async fn request(socket: &mut Socket, message: Value, state: &mut Option<Value>) -> anyhow::Result<Value> {
    let id = message["id"].clone();
    socket.send(Message::Text(message.to_string().into())).await?;
    loop {
        let reply = next_json(socket).await?;
        if reply["id"] == id {
            return Ok(reply);
        }
        note_state(&reply, state)?;
    }
}

fn note_state(message: &Value, state: &mut Option<Value>) -> anyhow::Result<()> {
    match message["type"].as_str() {
        Some("room_state") => *state = Some(message.clone()),
        Some("error") => bail!("the server refused: {message}"),
        _ => {}
    }
    Ok(())
}

fn expect_type(message: &Value, kind: &str) -> anyhow::Result<()> {
    if message["type"] != kind {
        bail!("expected {kind}, got {message}");
    }
    Ok(())
}

/// Reads until a message of `kind` comes; an error on the way fails.
pub async fn wait_for(socket: &mut Socket, kind: &str) -> anyhow::Result<Value> {
    let mut state = None;
    loop {
        let message = next_json(socket).await?;
        note_state(&message, &mut state)?;
        if message["type"] == kind {
            return Ok(message);
        }
    }
}

/// The next JSON text message, within the step timeout.
pub async fn next_json(socket: &mut Socket) -> anyhow::Result<Value> {
    loop {
        let frame = tokio::time::timeout(STEP_TIMEOUT, socket.next())
            .await
            .context("no message from the server in time")?;
        match frame {
            Some(Ok(Message::Text(text))) => return Ok(serde_json::from_str(text.as_str())?),
            Some(Ok(Message::Close(frame))) => bail!("the server closed the connection: {frame:?}"),
            Some(Ok(_)) => continue,
            Some(Err(error)) => return Err(error.into()),
            None => bail!("the connection ended"),
        }
    }
}
