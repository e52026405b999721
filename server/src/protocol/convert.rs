//! Conversions between the room's types and the wire's. The room never sees
//! JSON and the wire never sees the room's internals.

use super::*;
use crate::energizers::Energizer;
use crate::media::IceServer;
use crate::room::agenda::{RunOfShow, SegmentKind, Warning};
use crate::room::pulse::PulseKind;
use crate::room::summary::{Proposal, SummaryItem, SummaryKind};
use crate::room::{
    ChatLine, EnergizerView, Event, Gate, LeaveReason, ParticipantId, ParticipantInfo, PulseView, Reaction, Role,
    RoomError, RoundView, SessionInfo, Snapshot, SummaryView, SupportRequest, WaitingInfo,
};
use crate::store::InviteError;

pub fn role_to_wire(role: Role) -> WireRole {
    match role {
        Role::Facilitator => WireRole::Facilitator,
        Role::CoFacilitator => WireRole::CoFacilitator,
        Role::Participant => WireRole::Participant,
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

fn participant(info: ParticipantInfo) -> WireParticipant {
    WireParticipant {
        id: info.id.0,
        name: info.name,
        role: role_to_wire(info.role),
        connected: info.connected,
        audio: info.audio,
        video: info.video,
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
        ground_rules: snapshot.ground_rules,
        run_of_show: run_of_show(&snapshot.run_of_show, server_time),
        round: round(snapshot.round),
        energizer: snapshot.energizer.map(|e| active_energizer(e, server_time)),
        energizer_progress: snapshot
            .energizer_progress
            .map(|(back, total)| WireEnergizerProgress { back, total }),
        pulse: snapshot.pulse.map(pulse),
        summary: summary(snapshot.summary),
        previous_outcomes: snapshot.previous_outcomes.into_iter().map(summary_item).collect(),
        talk_time: snapshot.talk_time.map(talk_time),
        support_requests: snapshot.support_requests.map(support_requests),
    }
}

fn support_requests(requests: Vec<SupportRequest>) -> Vec<WireSupportRequest> {
    requests
        .into_iter()
        .map(|r| WireSupportRequest {
            participant: r.id.0,
            name: r.name,
            since: r.since,
        })
        .collect()
}

fn talk_time(totals: Vec<(ParticipantId, i64)>) -> Vec<WireTalkTime> {
    totals
        .into_iter()
        .map(|(participant, ms)| WireTalkTime {
            participant: participant.0,
            ms,
        })
        .collect()
}

fn segment_kind(kind: SegmentKind) -> WireSegmentKind {
    match kind {
        SegmentKind::CheckIn => WireSegmentKind::CheckIn,
        SegmentKind::Sharing => WireSegmentKind::Sharing,
        SegmentKind::Discussion => WireSegmentKind::Discussion,
        SegmentKind::Energizer => WireSegmentKind::Energizer,
        SegmentKind::WrapUp => WireSegmentKind::WrapUp,
        SegmentKind::Custom => WireSegmentKind::Custom,
    }
}

fn run_of_show(show: &RunOfShow, server_time: i64) -> WireRunOfShow {
    WireRunOfShow {
        segments: show
            .segments
            .iter()
            .map(|s| WireSegment {
                id: s.id,
                title: s.title.clone(),
                kind: segment_kind(s.kind),
                minutes: s.minutes,
                objective: s.objective.clone(),
            })
            .collect(),
        clock: WireClock {
            started_at: show.clock.started_at,
            planned_end: show.clock.planned_end,
            current_segment: show.clock.current,
            segment_started_at: show.clock.segment_started_at,
            segment_deadline: show.clock.segment_deadline,
            paused_at: show.clock.paused_at,
        },
        server_time,
    }
}

fn round(view: Option<RoundView>) -> WireRound {
    match view {
        Some(view) => WireRound {
            active: true,
            order: ids(view.order),
            speaker: view.speaker.map(|p| p.0),
            passed: ids(view.passed),
        },
        None => WireRound {
            active: false,
            order: Vec::new(),
            speaker: None,
            passed: Vec::new(),
        },
    }
}

pub fn energizer(energizer: Energizer) -> WireEnergizer {
    WireEnergizer {
        id: energizer.id,
        title: energizer.title,
        seconds: energizer.seconds,
        steps: energizer.steps,
        seated: energizer.seated,
    }
}

fn active_energizer(view: EnergizerView, server_time: i64) -> WireActiveEnergizer {
    WireActiveEnergizer {
        energizer: energizer(view.energizer),
        seated: view.seated,
        ends_at: view.ends_at,
        server_time,
    }
}

fn pulse(view: PulseView) -> WirePulse {
    let results = view.results;
    WirePulse {
        id: results.id,
        question: results.question,
        kind: match results.kind {
            PulseKind::Scale => WirePulseKind::Scale,
            PulseKind::Word => WirePulseKind::Word,
        },
        open: results.open,
        answered: results.answered,
        you_answered: view.you_answered,
        shared: results.shared,
        scale: results.scale,
        words: results.words.map(|words| {
            words
                .into_iter()
                .map(|(word, count)| WireWordCount { word, count })
                .collect()
        }),
    }
}

pub fn summary_kind(kind: SummaryKind) -> WireSummaryKind {
    match kind {
        SummaryKind::Takeaway => WireSummaryKind::Takeaway,
        SummaryKind::Consensus => WireSummaryKind::Consensus,
        SummaryKind::Outcome => WireSummaryKind::Outcome,
        SummaryKind::FollowUp => WireSummaryKind::FollowUp,
    }
}

fn summary_item(item: SummaryItem) -> WireSummaryItem {
    WireSummaryItem {
        id: item.id,
        kind: summary_kind(item.kind),
        text: item.text,
    }
}

fn proposal(proposal: Proposal) -> WireSummaryItem {
    WireSummaryItem {
        id: proposal.id,
        kind: summary_kind(proposal.kind),
        text: proposal.text,
    }
}

fn summary(view: SummaryView) -> WireSummary {
    WireSummary {
        items: view.items.into_iter().map(summary_item).collect(),
        proposals: view.proposals.map(|list| list.into_iter().map(proposal).collect()),
        finalized: view.finalized,
    }
}

/// The answer to `list_energizers`.
pub fn energizers_message(id: Option<RequestId>, list: Vec<Energizer>) -> ServerMessage {
    ServerMessage::Energizers {
        id,
        energizers: list.into_iter().map(energizer).collect(),
    }
}

pub fn joined_message(
    id: Option<RequestId>,
    you: ParticipantId,
    role: Role,
    gate_now: Gate,
    resume_token: String,
    session: &SessionInfo,
    ice_servers: &[IceServer],
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
        ice_servers: ice_servers
            .iter()
            .map(|server| WireIceServer {
                urls: server.urls.clone(),
                username: server.username.clone(),
                credential: server.credential.clone(),
            })
            .collect(),
    }
}

pub fn event_message(event: Event, server_time: i64) -> ServerMessage {
    match event {
        Event::Gate(g) => ServerMessage::Gate {
            rules_accepted: g.rules_accepted,
            admitted: g.admitted,
        },
        Event::RoomState(snapshot) => state_message(None, *snapshot, server_time),
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
        Event::RunOfShow(show) => ServerMessage::RunOfShow(run_of_show(&show, server_time)),
        Event::TimeWarning(Warning::SessionEnding { minutes }) => ServerMessage::TimeWarning {
            kind: WireWarningKind::SessionEnding,
            minutes: Some(minutes),
            segment: None,
        },
        Event::TimeWarning(Warning::SegmentOver { segment }) => ServerMessage::TimeWarning {
            kind: WireWarningKind::SegmentOver,
            minutes: None,
            segment: Some(segment),
        },
        Event::Round(view) => ServerMessage::Round(round(view)),
        Event::RulesShown(rules) => ServerMessage::RulesShown { rules },
        Event::GroundRules(rules) => ServerMessage::GroundRules { rules },
        Event::Energizer(Some(view)) => ServerMessage::EnergizerStarted(active_energizer(view, server_time)),
        Event::Energizer(None) => ServerMessage::EnergizerEnded {},
        Event::EnergizerProgress { back, total } => ServerMessage::EnergizerProgress { back, total },
        Event::BreakNudge { minutes } => ServerMessage::BreakNudge { minutes },
        Event::Pulse(view) => ServerMessage::Pulse(pulse(view)),
        Event::Summary(view) => ServerMessage::Summary(summary(view)),
        Event::MediaAnswer { sdp } => ServerMessage::MediaAnswer { sdp },
        Event::MediaOffer { sdp } => ServerMessage::MediaOffer { sdp },
        Event::IceCandidate(candidate) => ServerMessage::IceCandidate {
            candidate: WireIceCandidate {
                candidate: candidate.candidate,
                sdp_mid: candidate.sdp_mid,
                sdp_mline_index: candidate.sdp_mline_index,
                username_fragment: None,
            },
        },
        Event::MediaFailed { reason } => ServerMessage::MediaFailed { reason },
        Event::MediaRestart => ServerMessage::MediaRestart {},
        Event::Speaking { id, speaking } => ServerMessage::Speaking {
            participant: id.0,
            speaking,
        },
        Event::TalkTime(totals) => ServerMessage::TalkTime {
            totals: talk_time(totals),
        },
        Event::MutedByHost => ServerMessage::MutedByHost {},
        Event::VideoStoppedByHost => ServerMessage::VideoStoppedByHost {},
        Event::SupportRequests(requests) => ServerMessage::SupportRequests {
            requests: support_requests(requests),
        },
        Event::SupportAcknowledged => ServerMessage::SupportAcknowledged {},
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
        RoomError::Unavailable => ErrorCode::Unavailable,
    };
    (code, error.to_string())
}

pub fn error_from_invite(error: &InviteError) -> (ErrorCode, String) {
    let code = match error {
        InviteError::Unknown => ErrorCode::InvalidToken,
        InviteError::Expired => ErrorCode::TokenExpired,
        InviteError::Revoked => ErrorCode::TokenRevoked,
        InviteError::SessionEnded => ErrorCode::SessionEnded,
        InviteError::Cancelled => ErrorCode::SessionCancelled,
        InviteError::NotOpenYet { opens_at, starts_at } => {
            let when =
                |ms: &i64| chrono::DateTime::from_timestamp_millis(*ms).map_or_else(String::new, |t| t.to_rfc3339());
            let message = format!(
                "the waiting room opens at {} (UTC); the session starts at {}",
                when(opens_at),
                when(starts_at)
            );
            return (ErrorCode::NotOpenYet, message);
        }
        InviteError::Store(_) => return (ErrorCode::Internal, "the server could not check this link".into()),
    };
    (code, error.to_string())
}
