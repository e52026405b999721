//! End-to-end encrypted media, as far as the room takes part: it keeps each
//! person's public key (shown to everyone in the room), passes each sealed
//! media key to its one recipient, and holds whether encryption is on. It
//! reads no key: the sealing and the frames' encryption are the pages'
//! (docs/security.md).
//!
//! Where encryption is on, the room takes no media offer from someone whose
//! page has not published a key: the server cannot tell an encrypted frame
//! from a plain one, but a page that cannot encrypt is kept from sending.

use super::Room;
use super::command::{Reply, RoomError};
use super::outbox::Outbox;
use super::types::*;
use crate::protocol::e2ee::{
    E2ee, E2eeEvent, E2eePolicy, E2eeRequest, MAX_PUBLIC_KEY_CHARS, MAX_SEALED_KEY_CHARS, MAX_SEALED_KEYS, SealedKey,
    is_base64url,
};
use crate::protocol::presence::PresenceEvent;

impl Room {
    pub(super) fn handle_e2ee(
        &mut self,
        me: ParticipantId,
        request: E2eeRequest,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        match request {
            E2eeRequest::SetE2eeKey { public_key } => self.set_e2ee_key(me, public_key, out),
            E2eeRequest::SendMediaKeys { keys } => self.send_media_keys(me, keys, out),
            E2eeRequest::SetE2ee { on } => self.set_e2ee(on, out),
        }
    }

    /// Whether the room's media is end-to-end encrypted now.
    pub(super) fn e2ee(&self) -> E2ee {
        E2ee {
            policy: self.session.e2ee,
            on: self.e2ee_on,
        }
    }

    fn set_e2ee_key(&mut self, me: ParticipantId, public_key: String, out: &mut Outbox) -> Result<Reply, RoomError> {
        if !is_base64url(&public_key, MAX_PUBLIC_KEY_CHARS) {
            return Err(RoomError::Invalid(
                "public_key: base64url without padding, at most 128 characters",
            ));
        }
        let person = self.people.get_mut(me).ok_or(RoomError::NotJoined)?;
        if person.e2ee_key.as_deref() == Some(public_key.as_str()) {
            return Ok(Reply::Ack);
        }
        person.e2ee_key = Some(public_key);
        let participant = person.info();
        self.broadcast(PresenceEvent::ParticipantUpdated { participant }, out);
        Ok(Reply::Ack)
    }

    /// Each key to its recipient, if they are in the room; the whole list is
    /// checked first, so a bad entry sends nothing.
    fn send_media_keys(
        &mut self,
        me: ParticipantId,
        keys: Vec<SealedKey>,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        if keys.len() > MAX_SEALED_KEYS {
            return Err(RoomError::Invalid("keys: at most 64, one for each other person"));
        }
        if keys.iter().any(|k| !is_base64url(&k.key, MAX_SEALED_KEY_CHARS)) {
            return Err(RoomError::Invalid(
                "keys: each key is base64url without padding, at most 256 characters",
            ));
        }
        if keys.iter().any(|k| k.to == me) {
            return Err(RoomError::Invalid("keys: not to yourself"));
        }
        for SealedKey { to, key } in keys {
            // Someone who left meanwhile is no longer sent anything; the
            // sender learns it from `participant_left` as everyone does.
            if self.people.get(to).is_some_and(|p| p.present()) {
                self.tell(to, E2eeEvent::MediaKey { from: me, key }, out);
            }
        }
        Ok(Reply::Ack)
    }

    fn set_e2ee(&mut self, on: bool, out: &mut Outbox) -> Result<Reply, RoomError> {
        if self.session.e2ee != E2eePolicy::Offered {
            return Err(RoomError::Invalid(
                "this session's end-to-end encryption is set by its organizer (required or off)",
            ));
        }
        if on && self.people.present().any(|p| p.e2ee_key.is_none()) {
            return Err(RoomError::Invalid(
                "someone in the room has a browser that cannot encrypt: they would neither hear nor see the others",
            ));
        }
        if self.e2ee_on != on {
            self.e2ee_on = on;
            self.broadcast(E2eeEvent::E2eeChanged { e2ee: self.e2ee() }, out);
        }
        Ok(Reply::Ack)
    }

    /// Media may be offered: encryption is off, or the page has a key.
    pub(super) fn may_send_media(&self, me: ParticipantId) -> Result<(), RoomError> {
        match self.people.get(me) {
            Some(person) if self.e2ee_on && person.e2ee_key.is_none() => Err(RoomError::E2eeKeyRequired),
            _ => Ok(()),
        }
    }

    /// The organizer changed the policy while the room is live: required
    /// turns encryption on, off turns it off, offered keeps it as it was.
    pub(super) fn e2ee_replanned(&mut self, before: E2eePolicy, out: &mut Outbox) {
        if self.session.e2ee == before {
            return;
        }
        self.e2ee_on = match self.session.e2ee {
            E2eePolicy::Required => true,
            E2eePolicy::Off => false,
            E2eePolicy::Offered => self.e2ee_on,
        };
        self.broadcast(E2eeEvent::E2eeChanged { e2ee: self.e2ee() }, out);
    }
}
