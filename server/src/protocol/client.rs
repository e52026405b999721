//! What a client may send.

use serde::Deserialize;

use super::wire::*;

/// Every message a client may send.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    Hello {
        version: u32,
    },
    Join {
        token: String,
        name: String,
        device: String,
    },
    Resume {
        resume_token: String,
    },
    GetState {},
    AcceptRules {},
    Chat {
        text: String,
    },
    RaiseHand {},
    LowerHand {
        #[serde(default)]
        participant: Option<u32>,
    },
    CallNextHand {},
    React {
        reaction: WireReaction,
    },
    Admit {
        participant: u32,
    },
    Decline {
        participant: u32,
    },
    AdmitAll {},
    SetWaitingRoom {
        enabled: bool,
    },
    SetLocked {
        locked: bool,
    },
    Remove {
        participant: u32,
    },
    AskToMute {
        participant: u32,
    },
    SetRole {
        participant: u32,
        role: WireRole,
    },
    EndSession {},
    Leave {},
    StartSession {},
    NextSegment {},
    PreviousSegment {},
    PauseClock {},
    ResumeClock {},
    Extend {
        minutes: u32,
        scope: WireExtendScope,
    },
    AddSegment {
        segment: WireSegmentDraft,
        #[serde(default)]
        position: Option<u32>,
    },
    UpdateSegment {
        segment_id: u32,
        segment: WireSegmentDraft,
    },
    RemoveSegment {
        segment_id: u32,
    },
    MoveSegment {
        segment_id: u32,
        position: u32,
    },
    StartRound {
        order: WireRoundOrder,
    },
    NextSpeaker {},
    Pass {},
    EndRound {},
    ShowRules {},
    SetGroundRules {
        rules: Vec<String>,
    },
    ListEnergizers {},
    LaunchEnergizer {
        energizer: String,
        #[serde(default)]
        seated: bool,
    },
    ImBack {},
    EndEnergizer {},
    StartPulse {
        kind: WirePulseKind,
        #[serde(default)]
        question: Option<String>,
    },
    AnswerPulse {
        pulse: u32,
        #[serde(default)]
        scale: Option<u8>,
        #[serde(default)]
        word: Option<String>,
    },
    ClosePulse {},
    SharePulse {},
    AddSummaryItem {
        key: String,
        kind: WireSummaryKind,
        text: String,
    },
    EditSummaryItem {
        key: String,
        item: u32,
        kind: WireSummaryKind,
        text: String,
    },
    DeleteSummaryItem {
        key: String,
        item: u32,
    },
    MoveSummaryItem {
        key: String,
        item: u32,
        position: u32,
    },
    ProposeSummaryItem {
        kind: WireSummaryKind,
        text: String,
    },
    AcceptProposal {
        key: String,
        proposal: u32,
    },
    DeclineProposal {
        proposal: u32,
    },
    FinalizeSummary {
        key: String,
    },
    SetMediaState {
        audio: bool,
        video: bool,
    },
    Mute {
        participant: u32,
    },
    StopVideo {
        participant: u32,
    },
    MediaOffer {
        sdp: String,
    },
    MediaAnswer {
        sdp: String,
    },
    IceCandidate {
        candidate: WireIceCandidate,
    },
    NeedSupport {},
    AcknowledgeSupport {
        participant: u32,
    },
}

impl ClientMessage {
    /// Every `"type"` a client may send, for the error that names them and
    /// the test that checks the docs.
    pub const TYPES: &'static [&'static str] = &[
        "hello",
        "join",
        "resume",
        "get_state",
        "accept_rules",
        "chat",
        "raise_hand",
        "lower_hand",
        "call_next_hand",
        "react",
        "admit",
        "decline",
        "admit_all",
        "set_waiting_room",
        "set_locked",
        "remove",
        "ask_to_mute",
        "set_role",
        "end_session",
        "leave",
        "start_session",
        "next_segment",
        "previous_segment",
        "pause_clock",
        "resume_clock",
        "extend",
        "add_segment",
        "update_segment",
        "remove_segment",
        "move_segment",
        "start_round",
        "next_speaker",
        "pass",
        "end_round",
        "show_rules",
        "set_ground_rules",
        "list_energizers",
        "launch_energizer",
        "im_back",
        "end_energizer",
        "start_pulse",
        "answer_pulse",
        "close_pulse",
        "share_pulse",
        "add_summary_item",
        "edit_summary_item",
        "delete_summary_item",
        "move_summary_item",
        "propose_summary_item",
        "accept_proposal",
        "decline_proposal",
        "finalize_summary",
        "set_media_state",
        "mute",
        "stop_video",
        "media_offer",
        "media_answer",
        "ice_candidate",
        "need_support",
        "acknowledge_support",
    ];
}
