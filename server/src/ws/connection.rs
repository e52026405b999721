//! One WebSocket connection's loop: frames in, room commands out; room events
//! in, frames out. Nothing else writes to this socket.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::SinkExt;
use tokio::sync::mpsc;
use tracing::{Instrument, debug, info_span};

use super::entry::{self, Phase};
use super::rate_limit::{RateLimiter, Verdict};
use super::refusals;
use crate::app::AppState;
use crate::live::Outbound;
use crate::protocol::connection::ConnectionEvent;
use crate::protocol::{self, ErrorCode, RequestId, RoomRequest, ServerMessage, close_code};
use crate::room::{Command, ConnId, Reply};

/// Whether the loop goes on after handling something.
pub(super) enum Flow {
    Continue,
    Close(u16, &'static str),
}

/// The places a socket holds under the server's caps.
pub struct Held {
    /// Its TCP connection's admission, for as long as the socket lives:
    /// held, never read; dropping it frees the place.
    #[allow(dead_code)]
    pub admitted: Option<Arc<crate::tally::Held>>,
    /// Its place among the sockets still joining, given back once it joins.
    pub joining: Option<crate::tally::Held>,
}

pub(super) struct Connection {
    pub state: AppState,
    pub held: Held,
    pub conn: ConnId,
    pub phase: Phase,
    /// Events from the room, once joined.
    pub outbox: Option<mpsc::Receiver<Outbound>>,
    /// Frames waiting to be written, in order, each with the id of the
    /// request it answers.
    pub pending: Vec<(Option<RequestId>, ServerMessage)>,
}

impl Connection {
    /// Queues a message; `id` if it answers a request.
    pub fn reply(&mut self, id: Option<RequestId>, message: impl Into<ServerMessage>) {
        self.pending.push((id, message.into()));
    }

    pub fn error(&mut self, id: Option<RequestId>, code: ErrorCode, message: impl Into<String>) {
        self.pending.push((id, ServerMessage::error(code, message)));
    }
}

pub async fn run(socket: WebSocket, state: AppState, conn: ConnId, held: Held) {
    let span = info_span!("conn", conn = conn.0);
    drive(socket, state, conn, held).instrument(span).await;
}

/// What `/metrics` counts a connection's end as when the client ended it
/// (a close frame, or the socket gone) rather than the server.
const CLIENT_WENT_AWAY: &str = "the client went away";

async fn drive(mut socket: WebSocket, state: AppState, conn: ConnId, held: Held) {
    let _open = state.metrics.connection_opened();
    let shutdown = state.shutdown.clone();
    let settings = state.socket.clone();
    let mut limiter = RateLimiter::new(settings.rate, Instant::now());
    let mut last_heard = Instant::now();
    let connected_at = tokio::time::Instant::now();
    let mut ping = tokio::time::interval(settings.ping_interval);
    ping.reset();
    let mut me = Connection {
        state,
        held,
        conn,
        phase: Phase::Greeting,
        outbox: None,
        pending: Vec::new(),
    };
    debug!("connected");

    let flow = loop {
        let entry_deadline = match me.phase {
            Phase::Greeting => Some(connected_at + settings.hello_within),
            Phase::Ready => Some(connected_at + settings.join_within),
            Phase::Joined { .. } | Phase::Closed => None,
        };
        let flow = tokio::select! {
            // Shutdown first: it also stops the rooms, whose outboxes then close.
            biased;
            _ = shutdown.cancelled() => {
                me.reply(None, ConnectionEvent::ServerRestarting {});
                Flow::Close(close_code::RESTARTING, "server restarting")
            }
            frame = socket.recv() => {
                last_heard = Instant::now();
                if let Some(Ok(Message::Text(_) | Message::Binary(_))) = &frame {
                    me.state.metrics.message_received();
                }
                match frame {
                    None => break Flow::Continue,
                    Some(Err(error)) => read_failed(&mut me, error),
                    Some(Ok(Message::Text(text))) => match limiter.check(Instant::now()) {
                        Verdict::Allow => me.on_text(text.as_str()).await,
                        Verdict::Refuse { warn } => refuse(&mut me, text.as_str(), warn),
                        Verdict::Disconnect => flooded(&mut me),
                    },
                    Some(Ok(Message::Binary(_))) => match limiter.check(Instant::now()) {
                        Verdict::Disconnect => flooded(&mut me),
                        _ => {
                            me.error(None, ErrorCode::BinaryNotSupported, "this protocol uses text frames only");
                            Flow::Continue
                        }
                    },
                    // tungstenite answers pings itself; hearing anything is enough.
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => Flow::Continue,
                    Some(Ok(Message::Close(_))) => {
                        // The library has queued the answering close frame
                        // (RFC 6455, 5.5.1); flush it, or the client sees its
                        // connection end abnormally (1006).
                        let _ = socket.flush().await;
                        break Flow::Continue;
                    }
                }
            }
            outbound = next_outbound(&mut me.outbox) => match outbound {
                Some(Outbound::Event(event)) => {
                    me.reply(None, *event);
                    Flow::Continue
                }
                Some(Outbound::Close(reason)) => {
                    me.phase = Phase::Closed;
                    let (code, why) = refusals::close_for(reason);
                    Flow::Close(code, why)
                }
                None if shutdown.is_cancelled() => continue,
                None => {
                    // The room let go of us: we fell too far behind.
                    me.phase = Phase::Closed;
                    Flow::Close(close_code::POLICY, "too slow to keep up")
                }
            },
            _ = sleep_until(entry_deadline), if entry_deadline.is_some() => {
                if matches!(me.phase, Phase::Greeting) {
                    me.error(None, ErrorCode::HandshakeRequired, "no hello in time: closing");
                } else {
                    me.error(None, ErrorCode::NotJoined, "no join in time: closing");
                }
                Flow::Close(close_code::POLICY, "did not join in time")
            }
            _ = ping.tick() => {
                if last_heard.elapsed() > settings.dead_after {
                    Flow::Close(close_code::TIMED_OUT, "no answer to pings")
                } else if socket.send(Message::Ping(Default::default())).await.is_err() {
                    break Flow::Continue;
                } else {
                    Flow::Continue
                }
            }
        };
        if write_pending(&mut socket, &mut me).await.is_err() {
            break Flow::Continue;
        }
        if let Flow::Close(..) = flow {
            break flow;
        }
    };

    match flow {
        Flow::Close(code, reason) => {
            me.state.metrics.connection_closed(reason);
            close_gracefully(socket, code, reason).await;
        }
        Flow::Continue => me.state.metrics.connection_closed(CLIENT_WENT_AWAY),
    }
    // A room that did not close us itself still holds our place: tell it the
    // socket is gone so the reconnect grace starts.
    if let Phase::Joined { room, .. } = &me.phase {
        room.tell(Command::Disconnected { conn }).await;
    }
    debug!("disconnected");
}

/// How long a closing connection waits for the client's side of the close.
const CLOSE_LINGER: Duration = Duration::from_secs(1);

/// Sends the close frame, then reads until the client answers it. Dropping a
/// socket with unread data makes the kernel reset the connection, and a reset
/// can destroy the close frame before the client reads it: a flooding or
/// oversized client would never learn why it was cut off.
async fn close_gracefully(mut socket: WebSocket, code: u16, reason: &'static str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    if socket.send(Message::Close(Some(frame))).await.is_err() {
        return;
    }
    let deadline = tokio::time::Instant::now() + CLOSE_LINGER;
    loop {
        match tokio::time::timeout_at(deadline, socket.recv()).await {
            // The client answered the close, or the time is up.
            Ok(Some(Ok(Message::Close(_)))) | Err(_) => return,
            Ok(Some(Ok(_))) => continue,
            // The stream cannot be read any more (after an oversized frame):
            // hold the socket a moment so the close frame gets there first.
            Ok(Some(Err(_)) | None) => {
                tokio::time::sleep_until(deadline).await;
                return;
            }
        }
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

async fn next_outbound(outbox: &mut Option<mpsc::Receiver<Outbound>>) -> Option<Outbound> {
    match outbox {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

async fn write_pending(socket: &mut WebSocket, me: &mut Connection) -> Result<(), axum::Error> {
    for (id, message) in me.pending.drain(..) {
        socket.send(Message::Text(message.to_json(id).into())).await?;
        me.state.metrics.message_sent();
    }
    Ok(())
}

fn read_failed(me: &mut Connection, error: axum::Error) -> Flow {
    let inner = error.into_inner();
    let too_large = matches!(
        inner.downcast_ref::<tungstenite::Error>(),
        Some(tungstenite::Error::Capacity(_))
    );
    if too_large {
        me.error(None, ErrorCode::TooLarge, "messages are limited to 64 KiB");
        Flow::Close(close_code::TOO_BIG, "message too large")
    } else {
        debug!(error = %inner, "read failed");
        Flow::Close(close_code::POLICY, "protocol error")
    }
}

/// A dropped request with an id still gets its reply, so a client waiting on
/// it is not left hanging; other dropped messages get one warning a second.
/// A flood cannot grow this way for long: the strikes cut it off.
fn refuse(me: &mut Connection, text: &str, warn: bool) -> Flow {
    let id = protocol::parse_client_message(text).ok().and_then(|(id, _)| id);
    if id.is_some() || warn {
        me.error(id, ErrorCode::RateLimited, "too many messages: slow down");
    }
    Flow::Continue
}

fn flooded(me: &mut Connection) -> Flow {
    me.error(None, ErrorCode::RateLimited, "too many messages: disconnecting");
    Flow::Close(close_code::POLICY, "flooding")
}

impl Connection {
    async fn on_text(&mut self, text: &str) -> Flow {
        let (id, message) = match protocol::parse_client_message(text) {
            Ok(parsed) => parsed,
            Err(error) => {
                self.error(error.id, error.code, error.message);
                return Flow::Continue;
            }
        };
        if let Some(request) = entry::route(self, id, message).await {
            self.act(id, request).await;
        }
        Flow::Continue
    }

    /// Passes a request to the room this connection joined.
    async fn act(&mut self, id: Option<RequestId>, request: RoomRequest) {
        let Phase::Joined { room, .. } = &self.phase else {
            return self.error(id, ErrorCode::NotJoined, "join a session first");
        };
        let command = Command::Act {
            conn: self.conn,
            request,
        };
        match room.clone().ask(command, None).await {
            Some(Ok(Reply::Ack)) => {
                // Without an id, success is silent.
                if id.is_some() {
                    self.reply(id, ConnectionEvent::Ack {});
                }
            }
            Some(Ok(Reply::Message(message))) => self.reply(id, *message),
            Some(Ok(Reply::Entered(_) | Reply::Report)) => {
                self.error(id, ErrorCode::Internal, "unexpected answer from the room");
            }
            Some(Err(error)) => {
                let (code, message) = refusals::from_room(error);
                self.error(id, code, message);
            }
            None => self.error(id, ErrorCode::Unavailable, "the room is not available; join again"),
        }
    }
}
