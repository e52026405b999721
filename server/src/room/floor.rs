//! Who has the floor: chat, the hand queue and reactions.

use super::Room;
use super::command::{Reply, RoomError};
use super::outbox::Outbox;
use super::types::*;

/// Long enough for a paragraph, short enough that a flood stays small.
pub const MAX_CHAT_CHARS: usize = 2_000;

impl Room {
    pub(super) fn chat(
        &mut self,
        me: ParticipantId,
        text: &str,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(RoomError::Invalid("a chat message cannot be empty"));
        }
        if text.chars().count() > MAX_CHAT_CHARS {
            return Err(RoomError::Invalid("a chat message is at most 2000 characters"));
        }
        let name = self.people.get(&me).map(|p| p.name.clone()).unwrap_or_default();
        let line = ChatLine {
            seq: self.next_chat_seq,
            from: me,
            name,
            text: text.to_owned(),
            at: now,
        };
        self.next_chat_seq += 1;
        self.chat.push_back(line.clone());
        while self.chat.len() > self.config.chat_history {
            self.chat.pop_front();
        }
        self.broadcast(Event::Chat(line), out);
        Ok(Reply::Ack)
    }

    pub(super) fn raise_hand(&mut self, me: ParticipantId, out: &mut Outbox) -> Result<Reply, RoomError> {
        // Raising an already raised hand keeps its place: first come, first served.
        if !self.hands.contains(&me) {
            self.hands.push_back(me);
            self.hands_changed(out);
        }
        Ok(Reply::Ack)
    }

    pub(super) fn lower_hand(&mut self, id: ParticipantId, out: &mut Outbox) -> Result<Reply, RoomError> {
        if !self.people.contains_key(&id) {
            return Err(RoomError::NotFound);
        }
        if self.hands.contains(&id) {
            self.hands.retain(|h| *h != id);
            self.hands_changed(out);
        }
        Ok(Reply::Ack)
    }

    pub(super) fn call_next_hand(&mut self, out: &mut Outbox) -> Result<Reply, RoomError> {
        if let Some(next) = self.hands.pop_front() {
            self.broadcast(Event::HandCalled(next), out);
            self.hands_changed(out);
        }
        Ok(Reply::Ack)
    }

    pub(super) fn react(
        &mut self,
        me: ParticipantId,
        reaction: Reaction,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        // Reactions are not kept: clients show them briefly and let them fade.
        self.broadcast(Event::Reaction { from: me, reaction }, out);
        Ok(Reply::Ack)
    }

    fn hands_changed(&self, out: &mut Outbox) {
        self.broadcast(Event::Hands(self.hands.iter().copied().collect()), out);
    }
}
