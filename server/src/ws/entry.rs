//! Getting a connection into a room: the version handshake, `join` with an
//! invitation link, and `resume` after a dropped connection.

use tokio::sync::mpsc;
use tracing::{debug, warn};

use super::connection::Connection;
use super::refusals;
use crate::clock;
use crate::live::{Located, OUTBOX_CAPACITY, Outbound, RoomHandle};
use crate::protocol::connection::{ConnectionEvent, ConnectionRequest};
use crate::protocol::{ClientMessage, ErrorCode, PROTOCOL_VERSION, RequestId, RoomRequest};
use crate::room::{Command, Entered, JoinRequest, Reply};
use crate::store::StoreError;
use crate::text::{self, Lines, TextError};
use crate::tokens;

/// Where a connection stands.
pub(super) enum Phase {
    /// Waiting for `hello`.
    Greeting,
    /// Greeted; waiting for `join` or `resume`.
    Ready,
    Joined {
        room: RoomHandle,
    },
    /// The room closed this connection; the loop is about to end.
    Closed,
}

pub const MAX_NAME_CHARS: usize = 40;

/// Handles the connection-level messages and returns any other message,
/// for the caller to pass on to the room.
pub(super) async fn route(me: &mut Connection, id: Option<RequestId>, message: ClientMessage) -> Option<RoomRequest> {
    use ConnectionRequest as C;
    let message = match message {
        ClientMessage::Connection(message) => message,
        ClientMessage::Room(_) if matches!(me.phase, Phase::Greeting) => {
            me.error(
                id,
                ErrorCode::HandshakeRequired,
                "send hello with the protocol version first",
            );
            return None;
        }
        ClientMessage::Room(request) => return Some(request),
    };
    match (&me.phase, message) {
        (Phase::Greeting, C::Hello { version }) => greet(me, id, version),
        (Phase::Greeting, _) => me.error(
            id,
            ErrorCode::HandshakeRequired,
            "send hello with the protocol version first",
        ),
        (_, C::Hello { .. }) => me.error(id, ErrorCode::InvalidInput, "hello was already received"),
        (Phase::Ready, C::Join { token, name, device }) => {
            // Sent to the room's node: that node counts the join.
            if join(me, id, &token, &name, &device).await == JoinEnd::Here {
                let entered = matches!(me.phase, Phase::Joined { .. });
                me.state.metrics.joined(entered);
            }
        }
        (Phase::Ready, C::Resume { resume_token }) => resume(me, id, &resume_token).await,
        (_, C::Join { .. } | C::Resume { .. }) => {
            me.error(id, ErrorCode::AlreadyJoined, "this connection has already joined");
        }
    }
    None
}

fn greet(me: &mut Connection, id: Option<RequestId>, version: u32) {
    if version != PROTOCOL_VERSION {
        me.error(
            id,
            ErrorCode::UnsupportedVersion,
            format!("this server speaks protocol version {PROTOCOL_VERSION}"),
        );
        return;
    }
    me.phase = Phase::Ready;
    let welcome = ConnectionEvent::Welcome {
        version: PROTOCOL_VERSION,
        server_time: clock::now_millis(),
        crisis_resources: me.state.crisis_resources.to_vec(),
    };
    me.reply(id, welcome);
}

/// Where a join was answered: here (let in or refused: counted here), or
/// by sending it on to the node that runs its room (counted there).
#[derive(Debug, PartialEq, Eq)]
enum JoinEnd {
    Here,
    SentOn,
}

/// Answers the join when its room is not this node's to run: sent on to
/// the node that runs it, or refused when the store cannot say where that
/// is. `None`: carry on here.
async fn answered_elsewhere(me: &mut Connection, id: Option<RequestId>, session_id: &str) -> Option<JoinEnd> {
    match me.state.rooms.locate(session_id).await {
        Ok(Located::Here) => None,
        Ok(Located::Elsewhere(ws_url)) => {
            me.reply(id, ConnectionEvent::RoomElsewhere { ws_url });
            Some(JoinEnd::SentOn)
        }
        Err(error) => {
            warn!(?error, "could not find where a room runs");
            me.error(id, ErrorCode::Internal, "the server could not open this room");
            Some(JoinEnd::Here)
        }
    }
}

async fn join(me: &mut Connection, id: Option<RequestId>, token: &str, name: &str, device: &str) -> JoinEnd {
    let name = match clean_name(name) {
        Ok(name) => name,
        Err(why) => {
            me.error(id, ErrorCode::InvalidInput, format!("name: {why}"));
            return JoinEnd::Here;
        }
    };
    if !device_key_ok(device) {
        me.error(
            id,
            ErrorCode::InvalidInput,
            "device: must be 16 to 128 letters, digits, '-' or '_'",
        );
        return JoinEnd::Here;
    }
    let invitation = match me.state.store.redeem(token, clock::now_millis()).await {
        Ok(invitation) => invitation,
        Err(error) => {
            let (code, message) = refusals::from_invite(&error);
            if code == ErrorCode::Internal {
                warn!(?error, "could not check an invitation");
            }
            me.error(id, code, message);
            return JoinEnd::Here;
        }
    };
    if let Some(end) = answered_elsewhere(me, id, &invitation.session_id).await {
        return end;
    }
    // The session id travels inside the resume token so a resume can find
    // the room without another lookup; the random part is the secret.
    let resume_token = format!("{}.{}", invitation.session_id, tokens::generate());
    let request = JoinRequest {
        conn: me.conn,
        role: invitation.role.room_role(),
        name,
        device_hash: tokens::hash(device),
        resume_hash: tokens::hash(&resume_token),
    };
    // A room that went idle between lookup and join answers nothing; the
    // second attempt starts a fresh actor.
    for _ in 0..2 {
        let room = match me.state.rooms.get_or_start(&invitation.session_id).await {
            Ok(room) => room,
            Err(error) => {
                warn!(?error, "could not open a room");
                me.error(id, ErrorCode::Internal, "the server could not open this room");
                return JoinEnd::Here;
            }
        };
        if let Some(answer) = enter(me, id, room, Command::Join(request.clone()), &resume_token).await {
            if answer {
                debug!(room = %invitation.session_id, invitation = %invitation.id, "joined");
            }
            return JoinEnd::Here;
        }
    }
    me.error(id, ErrorCode::Unavailable, "the room is restarting; try again");
    JoinEnd::Here
}

async fn resume(me: &mut Connection, id: Option<RequestId>, resume_token: &str) {
    let session = resume_token
        .split_once('.')
        .filter(|(_, secret)| tokens::well_formed(secret))
        .map(|(session, _)| session);
    // A room that runs on another node is resumed there. Any text can be
    // sent here: only a session id is looked up, and one the store does not
    // know is nothing to resume.
    if let Some(session) = session.filter(|s| uuid::Uuid::parse_str(s).is_ok())
        && me.state.rooms.placement().is_some()
        && me.state.rooms.get(session).is_none()
    {
        match me.state.rooms.locate(session).await {
            Ok(Located::Elsewhere(ws_url)) => return me.reply(id, ConnectionEvent::RoomElsewhere { ws_url }),
            Ok(Located::Here) | Err(StoreError::NotFound) => {}
            Err(error) => warn!(?error, "could not find where a room runs"),
        }
    }
    let room = session.and_then(|session| me.state.rooms.get(session));
    let Some(room) = room else {
        return me.error(
            id,
            ErrorCode::ResumeFailed,
            "nothing to resume: join again with your link",
        );
    };
    let command = Command::Resume {
        conn: me.conn,
        resume_hash: tokens::hash(resume_token),
    };
    if enter(me, id, room, command, resume_token).await.is_none() {
        me.error(
            id,
            ErrorCode::ResumeFailed,
            "nothing to resume: join again with your link",
        );
    }
}

/// Asks the room to take this connection in. `None` if the room stopped
/// before answering; otherwise whether it let the connection in.
async fn enter(
    me: &mut Connection,
    id: Option<RequestId>,
    room: RoomHandle,
    command: Command,
    resume_token: &str,
) -> Option<bool> {
    let (tx, rx) = mpsc::channel::<Outbound>(OUTBOX_CAPACITY);
    match room.ask(command, Some((me.conn, tx))).await? {
        Ok(Reply::Entered(Entered {
            you,
            role,
            gate,
            session,
        })) => {
            let joined = ConnectionEvent::Joined {
                you,
                role,
                resume_token: resume_token.to_owned(),
                session,
                gate,
                ice_servers: me.state.media.config().ice_servers_for(crate::clock::now_millis()),
            };
            me.reply(id, joined);
            me.outbox = Some(rx);
            me.phase = Phase::Joined { room };
            // In a room now: no longer one of this address's joining sockets.
            me.held.joining = None;
            Some(true)
        }
        Ok(_) => {
            me.error(id, ErrorCode::Internal, "unexpected answer from the room");
            Some(false)
        }
        Err(error) => {
            let (code, message) = refusals::from_room(error);
            me.error(id, code, message);
            Some(false)
        }
    }
}

/// A display name: 1 to 40 characters, nothing hidden (see `text`).
fn clean_name(name: &str) -> Result<String, &'static str> {
    text::clean(name, MAX_NAME_CHARS, Lines::One).map_err(|error| match error {
        TextError::Empty => "cannot be empty",
        TextError::TooLong => "at most 40 characters",
        TextError::Control => "cannot contain control characters",
        TextError::Hidden => "cannot contain invisible or direction-changing characters",
    })
}

fn device_key_ok(device: &str) -> bool {
    (16..=128).contains(&device.len())
        && device
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
