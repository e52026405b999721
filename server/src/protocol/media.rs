//! Audio and video: the signalling of each person's one peer connection
//! with the server, the microphone and camera switches, the hosts' mute,
//! who is speaking and the talk-time balance.

use serde::{Deserialize, Serialize};
use strum::{IntoStaticStr, VariantNames};
use ts_rs::TS;

use super::{Millis, ParticipantId, Permission, Request};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
pub enum MediaRequest {
    /// Microphone on, camera on: what everyone is shown.
    SetMediaState {
        audio: bool,
        video: bool,
    },
    /// A host stops forwarding someone's microphone until they turn it back on.
    Mute {
        participant: ParticipantId,
    },
    /// A host stops forwarding someone's camera until they turn it back on.
    StopVideo {
        participant: ParticipantId,
    },
    /// The client's offer: its first, or a new connection's.
    MediaOffer {
        sdp: String,
    },
    /// The client's answer to a server offer.
    MediaAnswer {
        sdp: String,
    },
    IceCandidate {
        candidate: IceCandidate,
    },
    /// Whose camera the page shows now and how tall, in device pixels:
    /// the server sends each a picture no larger than needed (a simulcast
    /// layer) and none at all for someone not shown. Until a page first
    /// says, everyone's is shown at full size.
    VideoSizes {
        shown: Vec<ShownVideo>,
    },
}

/// One camera a page shows, and how many device pixels tall.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ShownVideo {
    pub participant: ParticipantId,
    pub height: u16,
}

/// A page shows at most this many cameras at once (far more than a room
/// holds): a longer list is refused, so a stranger's list costs little.
pub const MAX_SHOWN_VIDEOS: usize = 64;
/// Taller than an 8K screen is not a size a tile is shown at.
pub const MAX_SHOWN_HEIGHT: u16 = 4320;

impl Request for MediaRequest {
    fn needs(&self, _me: ParticipantId) -> Permission {
        match self {
            MediaRequest::Mute { .. } | MediaRequest::StopVideo { .. } => Permission::Host,
            _ => Permission::InRoom,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MediaEvent {
    /// The server's answer to the client's offer.
    MediaAnswer {
        sdp: String,
    },
    /// The server's offer: tracks came or went, or ICE restarts.
    MediaOffer {
        sdp: String,
    },
    IceCandidate {
        candidate: IceCandidate,
    },
    /// A signalling step failed; the client may start over with a new offer.
    MediaFailed {
        reason: String,
    },
    /// Make a new peer connection and offer again.
    MediaRestart {},
    /// Your downlink cannot carry everyone's video now: the server holds the
    /// video sent to you back (`paused: true`) so that the sound gets
    /// through, and tries again later (`paused: false` when it does).
    IncomingVideoPaused {
        paused: bool,
    },
    Speaking {
        participant: ParticipantId,
        speaking: bool,
    },
    /// Hosts only: milliseconds each person in the room has spoken.
    TalkTime {
        totals: Vec<TalkTime>,
    },
    /// A host muted you.
    MutedByHost {},
    /// A host stopped your video.
    VideoStoppedByHost {},
}

/// An ICE candidate exactly as a browser's `RTCIceCandidate.toJSON()` gives it
/// (whose fields may be null).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields = nullable)]
pub struct IceCandidate {
    pub candidate: String,
    #[serde(rename = "sdpMid", default, skip_serializing_if = "Option::is_none")]
    pub sdp_mid: Option<String>,
    #[serde(rename = "sdpMLineIndex", default, skip_serializing_if = "Option::is_none")]
    pub sdp_mline_index: Option<u16>,
    /// Accepted and ignored: the server matches candidates by m-line.
    #[serde(rename = "usernameFragment", default, skip_serializing_if = "Option::is_none")]
    pub username_fragment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TalkTime {
    pub participant: ParticipantId,
    pub ms: Millis,
}
