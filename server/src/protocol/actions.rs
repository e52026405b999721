//! From a client's message to the room action it asks for.

use super::client::ClientMessage;
use super::wire::*;
use crate::room::agenda::{SegmentDraft, SegmentKind};
use crate::room::media::IceCandidate;
use crate::room::pulse::{PulseAnswer, PulseKind};
use crate::room::round::RoundOrder;
use crate::room::summary::{SummaryChange, SummaryKind};
use crate::room::{Action, ParticipantId, Reaction, Role};

fn role(role: WireRole) -> Role {
    match role {
        WireRole::Facilitator => Role::Facilitator,
        WireRole::CoFacilitator => Role::CoFacilitator,
        WireRole::Participant => Role::Participant,
    }
}

fn reaction(reaction: WireReaction) -> Reaction {
    match reaction {
        WireReaction::Nod => Reaction::Nod,
        WireReaction::Thanks => Reaction::Thanks,
        WireReaction::Heart => Reaction::Heart,
        WireReaction::MeToo => Reaction::MeToo,
    }
}

fn segment_kind(kind: WireSegmentKind) -> SegmentKind {
    match kind {
        WireSegmentKind::CheckIn => SegmentKind::CheckIn,
        WireSegmentKind::Sharing => SegmentKind::Sharing,
        WireSegmentKind::Discussion => SegmentKind::Discussion,
        WireSegmentKind::Energizer => SegmentKind::Energizer,
        WireSegmentKind::WrapUp => SegmentKind::WrapUp,
        WireSegmentKind::Custom => SegmentKind::Custom,
    }
}

pub(super) fn summary_kind(kind: WireSummaryKind) -> SummaryKind {
    match kind {
        WireSummaryKind::Takeaway => SummaryKind::Takeaway,
        WireSummaryKind::Consensus => SummaryKind::Consensus,
        WireSummaryKind::Outcome => SummaryKind::Outcome,
        WireSummaryKind::FollowUp => SummaryKind::FollowUp,
    }
}

fn draft(segment: WireSegmentDraft) -> SegmentDraft {
    SegmentDraft {
        title: segment.title,
        kind: segment_kind(segment.kind),
        minutes: segment.minutes,
        objective: segment.objective,
    }
}

fn position(position: u32) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

impl ClientMessage {
    /// The room action this message asks for; `Ok(None)` for the
    /// connection-level messages (`hello`, `join`, `resume`) that the socket
    /// layer handles, `Err` for a message whose fields contradict each other.
    pub fn into_action(self) -> Result<Option<Action>, &'static str> {
        use ClientMessage as M;
        let id = ParticipantId;
        let summary = |key: String, change: SummaryChange| Action::ChangeSummary { key, change };
        Ok(Some(match self {
            M::Hello { .. } | M::Join { .. } | M::Resume { .. } => return Ok(None),
            M::GetState {} => Action::GetState,
            M::AcceptRules {} => Action::AcceptRules,
            M::Chat { text } => Action::Chat { text },
            M::RaiseHand {} => Action::RaiseHand,
            M::LowerHand { participant } => Action::LowerHand {
                of: participant.map(id),
            },
            M::CallNextHand {} => Action::CallNextHand,
            M::React { reaction: r } => Action::React(reaction(r)),
            M::Admit { participant } => Action::Admit(id(participant)),
            M::Decline { participant } => Action::Decline(id(participant)),
            M::AdmitAll {} => Action::AdmitAll,
            M::SetWaitingRoom { enabled } => Action::SetWaitingRoom(enabled),
            M::SetLocked { locked } => Action::SetLocked(locked),
            M::Remove { participant } => Action::Remove(id(participant)),
            M::AskToMute { participant } => Action::AskToMute(id(participant)),
            M::SetRole { participant, role: r } => Action::SetRole {
                of: id(participant),
                role: role(r),
            },
            M::EndSession {} => Action::EndSession,
            M::Leave {} => Action::Leave,
            M::StartSession {} => Action::StartSession,
            M::NextSegment {} => Action::NextSegment,
            M::PreviousSegment {} => Action::PreviousSegment,
            M::PauseClock {} => Action::PauseClock,
            M::ResumeClock {} => Action::ResumeClock,
            M::Extend { minutes, scope } => Action::Extend {
                minutes,
                whole_session: scope == WireExtendScope::Session,
            },
            M::AddSegment { segment, position: at } => Action::AddSegment {
                segment: draft(segment),
                position: at.map(position),
            },
            M::UpdateSegment { segment_id, segment } => Action::UpdateSegment {
                id: segment_id,
                segment: draft(segment),
            },
            M::RemoveSegment { segment_id } => Action::RemoveSegment { id: segment_id },
            M::MoveSegment {
                segment_id,
                position: at,
            } => Action::MoveSegment {
                id: segment_id,
                position: position(at),
            },
            M::StartRound { order } => Action::StartRound {
                order: match order {
                    WireRoundOrder::HandsFirst => RoundOrder::HandsFirst,
                    WireRoundOrder::Shuffled => RoundOrder::Shuffled,
                },
                // Drawn here, at the edge, so the room itself stays pure.
                seed: rand::random(),
            },
            M::NextSpeaker {} => Action::NextSpeaker,
            M::Pass {} => Action::Pass,
            M::EndRound {} => Action::EndRound,
            M::ShowRules {} => Action::ShowRules,
            M::SetGroundRules { rules } => Action::SetGroundRules(rules),
            M::ListEnergizers {} => Action::ListEnergizers,
            M::LaunchEnergizer { energizer, seated } => Action::LaunchEnergizer { id: energizer, seated },
            M::ImBack {} => Action::ImBack,
            M::EndEnergizer {} => Action::EndEnergizer,
            M::StartPulse { kind, question } => Action::StartPulse {
                question,
                kind: match kind {
                    WirePulseKind::Scale => PulseKind::Scale,
                    WirePulseKind::Word => PulseKind::Word,
                },
            },
            M::AnswerPulse { pulse, scale, word } => Action::AnswerPulse {
                pulse,
                answer: match (scale, word) {
                    (Some(n), None) => PulseAnswer::Scale(n),
                    (None, Some(w)) => PulseAnswer::Word(w),
                    _ => return Err("answer with either scale or word"),
                },
            },
            M::ClosePulse {} => Action::ClosePulse,
            M::SharePulse {} => Action::SharePulse,
            M::AddSummaryItem { key, kind, text } => summary(
                key,
                SummaryChange::Add {
                    kind: summary_kind(kind),
                    text,
                },
            ),
            M::EditSummaryItem { key, item, kind, text } => summary(
                key,
                SummaryChange::Edit {
                    item,
                    kind: summary_kind(kind),
                    text,
                },
            ),
            M::DeleteSummaryItem { key, item } => summary(key, SummaryChange::Delete { item }),
            M::MoveSummaryItem {
                key,
                item,
                position: at,
            } => summary(
                key,
                SummaryChange::Move {
                    item,
                    position: position(at),
                },
            ),
            M::ProposeSummaryItem { kind, text } => Action::ProposeSummaryItem {
                kind: summary_kind(kind),
                text,
            },
            M::AcceptProposal { key, proposal } => summary(key, SummaryChange::Accept { proposal }),
            M::DeclineProposal { proposal } => Action::DeclineProposal(proposal),
            M::FinalizeSummary { key } => summary(key, SummaryChange::Finalize),
            M::SetMediaState { audio, video } => Action::SetMediaState { audio, video },
            M::Mute { participant } => Action::Mute(id(participant)),
            M::StopVideo { participant } => Action::StopVideo(id(participant)),
            M::MediaOffer { sdp } => Action::MediaOffer { sdp },
            M::MediaAnswer { sdp } => Action::MediaAnswer { sdp },
            M::NeedSupport {} => Action::NeedSupport,
            M::AcknowledgeSupport { participant } => Action::AcknowledgeSupport(id(participant)),
            M::IceCandidate { candidate } => Action::IceCandidate(IceCandidate {
                candidate: candidate.candidate,
                sdp_mid: candidate.sdp_mid,
                sdp_mline_index: candidate.sdp_mline_index,
            }),
        }))
    }
}
