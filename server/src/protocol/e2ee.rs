//! End-to-end encrypted media: the server relays what the pages need to
//! agree on keys, and can read none of it. Each page publishes a public key
//! (ECDH P-256); each sender seals its media key for every other person in
//! the room alone, and the server passes each sealed key to its recipient.
//! The frames themselves are encrypted in the pages (docs/security.md).
//!
//! Whether a room's media is encrypted is the organizer's policy
//! (`E2eePolicy`), and, where it is only offered, a host's choice.

use serde::{Deserialize, Serialize};
use strum::{IntoStaticStr, VariantArray, VariantNames};
use ts_rs::TS;

use super::{ParticipantId, Permission, Request};

/// A P-256 public key, uncompressed (65 bytes), is 87 characters of
/// base64url; a little room for other curves' keys, none for anything else.
pub const MAX_PUBLIC_KEY_CHARS: usize = 128;
/// A sealed media key: a nonce, the key, its id and salt, and the tag, in
/// base64url.
pub const MAX_SEALED_KEY_CHARS: usize = 256;
/// A room holds at most 50 people: one sealed key for each of the others.
pub const MAX_SEALED_KEYS: usize = 64;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
pub enum E2eeRequest {
    /// This page's public key, which the others seal their media keys to.
    /// Shown to everyone in the room (`participant.e2ee_key`); a new one
    /// replaces it (a reloaded page makes a new key pair).
    SetE2eeKey { public_key: String },
    /// This sender's media key, sealed for each recipient alone. Each
    /// recipient in the room is sent theirs (`media_key`); a recipient no
    /// longer in the room is skipped.
    SendMediaKeys { keys: Vec<SealedKey> },
    /// Turns end-to-end encryption on or off, where the session offers it.
    SetE2ee { on: bool },
}

/// A media key sealed for one person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SealedKey {
    pub to: ParticipantId,
    pub key: String,
}

impl Request for E2eeRequest {
    fn needs(&self, _me: ParticipantId) -> Permission {
        match self {
            E2eeRequest::SetE2ee { .. } => Permission::Host,
            // Keys go only to those in the room, from those in the room.
            E2eeRequest::SetE2eeKey { .. } | E2eeRequest::SendMediaKeys { .. } => Permission::InRoom,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum E2eeEvent {
    /// A sender's media key, sealed for you alone.
    MediaKey { from: ParticipantId, key: String },
    /// Encryption was turned on or off, or the organizer changed the policy.
    E2eeChanged { e2ee: E2ee },
}

/// Whether the room's media is end-to-end encrypted now, and on what terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct E2ee {
    pub policy: E2eePolicy,
    /// The pages encrypt every frame they send and decrypt every frame they
    /// receive. Always on where it is required, never where it is off.
    pub on: bool,
}

/// What an organizer asks of a session's media.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    TS,
    IntoStaticStr,
    VariantArray,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum E2eePolicy {
    /// Media is encrypted by the server's transport only (DTLS-SRTP).
    #[default]
    Off,
    /// A host may turn end-to-end encryption on in the room.
    Offered,
    /// Always end-to-end encrypted: a browser that cannot encrypt frames is
    /// told so before it joins, and the server takes no media from a page
    /// that has not published a key.
    Required,
}

/// Base64url without padding, as the pages write keys: nothing else gets
/// in, so no one can put text for others to read into a key.
pub fn is_base64url(text: &str, max_chars: usize) -> bool {
    !text.is_empty()
        && text.len() <= max_chars
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
