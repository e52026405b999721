//! Conversions between the room's types and the wire's. The room never sees
//! JSON and the wire never sees the room's internals.

use super::*;
use crate::room::{
    Action, ChatLine, Event, Gate, LeaveReason, ParticipantId, ParticipantInfo, Reaction, Role, RoomError, SessionInfo,
    Snapshot, WaitingInfo,
};
use crate::store::InviteError;

pub fn role_to_wire(role: Role) -> WireRole {
    match role {
        Role::Facilitator => WireRole::Facilitator,
        Role::CoFacilitator => WireRole::CoFacilitator,
        Role::Participant => WireRole::Participant,
    }
}

fn role_from_wire(role: WireRole) -> Role {
    match role {
        WireRole::Facilitator => Role::Facilitator,
        WireRole::CoFacilitator => Role::CoFacilitator,
        WireRole::Participant => Role::Participant,
    }
}

fn reaction_to_wire(reaction: Reaction) -> WireReaction {
    match reaction {
        Reaction::Nod => WireReaction::Nod,
        Reaction::Thanks => WireReaction::Thanks,
        Reaction::Heart => WireReaction::Heart,
        Reaction::MeToo => WireReaction::MeToo,
    }
}

fn reaction_from_wire(reaction: WireReaction) -> Reaction {
    match reaction {
        WireReaction::Nod => Reaction::Nod,
        WireReaction::Thanks => Reaction::Thanks,
        WireReaction::Heart => Reaction::Heart,
        WireReaction::MeToo => Reaction::MeToo,
    }
}

impl ClientMessage {
    /// The room action this message asks for; `None` for the connection-level
    /// messages (`hello`, `join`, `resume`) that the socket layer handles.
    pub fn into_action(self) -> Option<Action> {
        let id = ParticipantId;
        Some(match self {
            ClientMessage::Hello { .. } | ClientMessage::Join { .. } | ClientMessage::Resume { .. } => return None,
            ClientMessage::GetState {} => Action::GetState,
            ClientMessage::AcceptRules {} => Action::AcceptRules,
            ClientMessage::Chat { text } => Action::Chat { text },
            ClientMessage::RaiseHand {} => Action::RaiseHand,
            ClientMessage::LowerHand { participant } => Action::LowerHand {
                of: participant.map(id),
            },
            ClientMessage::CallNextHand {} => Action::CallNextHand,
            ClientMessage::React { reaction } => Action::React(reaction_from_wire(reaction)),
            ClientMessage::Admit { participant } => Action::Admit(id(participant)),
            ClientMessage::Decline { participant } => Action::Decline(id(participant)),
            ClientMessage::AdmitAll {} => Action::AdmitAll,
            ClientMessage::SetWaitingRoom { enabled } => Action::SetWaitingRoom(enabled),
            ClientMessage::SetLocked { locked } => Action::SetLocked(locked),
            ClientMessage::Remove { participant } => Action::Remove(id(participant)),
            ClientMessage::AskToMute { participant } => Action::AskToMute(id(participant)),
            ClientMessage::SetRole { participant, role } => Action::SetRole {
                of: id(participant),
                role: role_from_wire(role),
            },
            ClientMessage::EndSession {} => Action::EndSession,
            ClientMessage::Leave {} => Action::Leave,
        })
    }
}

fn participant(info: ParticipantInfo) -> WireParticipant {
    WireParticipant {
        id: info.id.0,
        name: info.name,
        role: role_to_wire(info.role),
        connected: info.connected,
    }
}

fn waiting(list: Vec<WaitingInfo>) -> Vec<WireWaiting> {
    list.into_iter()
        .map(|w| WireWaiting {
            id: w.id.0,
            name: w.name,
            rules_accepted: w.rules_accepted,
            admitted: w.admitted,
            since: w.since,
        })
        .collect()
}

fn chat(line: ChatLine) -> WireChat {
    WireChat {
        seq: line.seq,
        from: line.from.0,
        name: line.name,
        text: line.text,
        at: line.at,
    }
}

fn ids(list: Vec<ParticipantId>) -> Vec<u32> {
    list.into_iter().map(|p| p.0).collect()
}

fn gate(gate: Gate) -> WireGate {
    WireGate {
        rules_accepted: gate.rules_accepted,
        admitted: gate.admitted,
    }
}

pub fn state_message(id: Option<RequestId>, snapshot: Snapshot, server_time: i64) -> ServerMessage {
    ServerMessage::RoomState {
        id,
        you: snapshot.you.0,
        server_time,
        participants: snapshot.participants.into_iter().map(participant).collect(),
        hands: ids(snapshot.hands),
        chat: snapshot.chat.into_iter().map(chat).collect(),
        locked: snapshot.locked,
        waiting_room: snapshot.waiting_room,
        waiting: snapshot.waiting.map(waiting),
    }
}

pub fn joined_message(
    id: Option<RequestId>,
    you: ParticipantId,
    role: Role,
    gate_now: Gate,
    resume_token: String,
    session: &SessionInfo,
) -> ServerMessage {
    ServerMessage::Joined {
        id,
        you: you.0,
        role: role_to_wire(role),
        resume_token,
        session: WireSession {
            id: session.id.clone(),
            title: session.title.clone(),
            starts_at: session.starts_at,
            ends_at: session.ends_at,
            ground_rules: session.ground_rules.clone(),
        },
        gate: gate(gate_now),
    }
}

pub fn event_message(event: Event, server_time: i64) -> ServerMessage {
    match event {
        Event::Gate(g) => ServerMessage::Gate {
            rules_accepted: g.rules_accepted,
            admitted: g.admitted,
        },
        Event::RoomState(snapshot) => state_message(None, snapshot, server_time),
        Event::ParticipantJoined(info) => ServerMessage::ParticipantJoined {
            participant: participant(info),
        },
        Event::ParticipantUpdated(info) => ServerMessage::ParticipantUpdated {
            participant: participant(info),
        },
        Event::ParticipantLeft { id, reason } => ServerMessage::ParticipantLeft {
            participant: id.0,
            reason: match reason {
                LeaveReason::Left => WireLeaveReason::Left,
                LeaveReason::TimedOut => WireLeaveReason::TimedOut,
                LeaveReason::Removed => WireLeaveReason::Removed,
                LeaveReason::Declined => WireLeaveReason::Declined,
            },
        },
        Event::WaitingRoom(list) => ServerMessage::WaitingRoom { waiting: waiting(list) },
        Event::Settings { locked, waiting_room } => ServerMessage::Settings { locked, waiting_room },
        Event::Chat(line) => ServerMessage::Chat(chat(line)),
        Event::Hands(queue) => ServerMessage::Hands { queue: ids(queue) },
        Event::HandCalled(id) => ServerMessage::HandCalled { participant: id.0 },
        Event::Reaction { from, reaction } => ServerMessage::Reaction {
            from: from.0,
            reaction: reaction_to_wire(reaction),
        },
        Event::MuteRequested => ServerMessage::MuteRequested {},
        Event::Declined => ServerMessage::Declined {},
        Event::Removed => ServerMessage::Removed {},
        Event::SessionEnded => ServerMessage::SessionEnded {},
    }
}

pub fn error_from_room(error: RoomError) -> (ErrorCode, String) {
    let code = match error {
        RoomError::Forbidden => ErrorCode::Forbidden,
        RoomError::NotFound => ErrorCode::NotFound,
        RoomError::NotInRoom => ErrorCode::NotInRoom,
        RoomError::NotJoined => ErrorCode::NotJoined,
        RoomError::AlreadyJoined => ErrorCode::AlreadyJoined,
        RoomError::Locked => ErrorCode::RoomLocked,
        RoomError::Full => ErrorCode::RoomFull,
        RoomError::Removed => ErrorCode::Removed,
        RoomError::Ended => ErrorCode::SessionEnded,
        RoomError::ResumeFailed => ErrorCode::ResumeFailed,
        RoomError::Invalid(_) => ErrorCode::InvalidInput,
    };
    (code, error.to_string())
}

pub fn error_from_invite(error: &InviteError) -> (ErrorCode, String) {
    let code = match error {
        InviteError::Unknown => ErrorCode::InvalidToken,
        InviteError::Expired => ErrorCode::TokenExpired,
        InviteError::Revoked => ErrorCode::TokenRevoked,
        InviteError::SessionEnded => ErrorCode::SessionEnded,
        InviteError::Store(_) => return (ErrorCode::Internal, "the server could not check this link".into()),
    };
    (code, error.to_string())
}
