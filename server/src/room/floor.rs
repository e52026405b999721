//! Who has the floor: chat, the hand queue and reactions.

use std::collections::VecDeque;

use super::Room;
use super::command::{Reply, RoomError};
use super::outbox::Outbox;
use super::types::*;
use crate::protocol::floor::{ChatLine, FloorEvent, FloorRequest, Reaction};

/// Long enough for a paragraph, short enough that a flood stays small.
pub const MAX_CHAT_CHARS: usize = 2_000;

/// A chat line and who it was said to: everyone (None), or, while
/// breakouts run, the people in the same place as the one who said it.
struct Said {
    line: ChatLine,
    heard_by: Option<Vec<ParticipantId>>,
}

/// The hand queue and the chat, which lives in memory only.
#[derive(Default)]
pub(super) struct Floor {
    hands: VecDeque<ParticipantId>,
    chat: VecDeque<Said>,
    /// The last chat line's number; the first line is 1.
    chat_seq: u64,
}

impl Floor {
    pub fn hands(&self) -> Vec<ParticipantId> {
        self.hands.iter().copied().collect()
    }

    /// The chat `who` heard after line `seq`, as far back as the room keeps it.
    pub fn chat_since(&self, seq: u64, who: ParticipantId) -> Vec<ChatLine> {
        self.chat
            .iter()
            .filter(|said| said.line.seq > seq)
            .filter(|said| said.heard_by.as_ref().is_none_or(|ids| ids.contains(&who)))
            .map(|said| said.line.clone())
            .collect()
    }

    /// The number of the last line said; 0 before the first.
    pub fn last_seq(&self) -> u64 {
        self.chat_seq
    }

    /// Someone left: their hand goes. True if they had one up.
    pub fn forget(&mut self, id: ParticipantId) -> bool {
        let before = self.hands.len();
        self.hands.retain(|h| *h != id);
        self.hands.len() != before
    }

    /// Where someone's hand stands in the queue (0 is next), if it is up.
    pub fn place_of(&self, id: ParticipantId) -> Option<usize> {
        self.hands.iter().position(|h| *h == id)
    }

    /// Someone who left comes back: their hand goes back where it stood, or
    /// at the end if the queue has grown shorter since.
    pub fn restore(&mut self, id: ParticipantId, place: usize) {
        if !self.hands.contains(&id) {
            self.hands.insert(place.min(self.hands.len()), id);
        }
    }

    /// The session ended: the chat is forgotten with it.
    pub fn clear(&mut self) {
        self.hands.clear();
        self.chat.clear();
    }
}

impl Room {
    pub(super) fn handle_floor(
        &mut self,
        me: ParticipantId,
        request: FloorRequest,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        match request {
            FloorRequest::Chat { text } => self.chat(me, &text, now, out),
            FloorRequest::RaiseHand {} => self.raise_hand(me, out),
            FloorRequest::LowerHand { participant } => self.lower_hand(participant.unwrap_or(me), out),
            FloorRequest::CallNextHand {} => self.call_next_hand(out),
            FloorRequest::LowerAllHands {} => {
                if !self.floor.hands.is_empty() {
                    self.floor.hands.clear();
                    self.hands_changed(out);
                }
                Ok(Reply::Ack)
            }
            FloorRequest::React { reaction } => self.react(me, reaction, out),
        }
    }

    fn chat(&mut self, me: ParticipantId, text: &str, now: Millis, out: &mut Outbox) -> Result<Reply, RoomError> {
        let text = crate::text::clean(text, MAX_CHAT_CHARS, crate::text::Lines::Many).map_err(|error| match error {
            crate::text::TextError::Empty => RoomError::Invalid("a chat message cannot be empty"),
            crate::text::TextError::TooLong => RoomError::Invalid("a chat message is at most 2000 characters"),
            _ => RoomError::Invalid("a chat message cannot contain control or invisible characters"),
        })?;
        let name = self.people.get(me).map(|p| p.name.clone()).unwrap_or_default();
        self.floor.chat_seq += 1;
        let line = ChatLine {
            seq: self.floor.chat_seq,
            from: me,
            name,
            text,
            at: now,
            breakout: self.breakouts.place_of(me),
        };
        let heard_by = self.audience_of(me);
        self.floor.chat.push_back(Said {
            line: line.clone(),
            heard_by,
        });
        while self.floor.chat.len() > self.config.chat_history {
            self.floor.chat.pop_front();
        }
        // In a breakout, the group alone; in the main room, whoever is there.
        out.send_all(self.conns_with(me).into_iter(), FloorEvent::Chat(line).into());
        Ok(Reply::Ack)
    }

    fn raise_hand(&mut self, me: ParticipantId, out: &mut Outbox) -> Result<Reply, RoomError> {
        // Raising an already raised hand keeps its place: first come, first served.
        if !self.floor.hands.contains(&me) {
            self.floor.hands.push_back(me);
            self.notes.hand_raised(self.now);
            self.hands_changed(out);
        }
        Ok(Reply::Ack)
    }

    fn lower_hand(&mut self, id: ParticipantId, out: &mut Outbox) -> Result<Reply, RoomError> {
        if self.people.get(id).is_none() {
            return Err(RoomError::NotFound);
        }
        if self.floor.forget(id) {
            self.hands_changed(out);
        }
        Ok(Reply::Ack)
    }

    fn call_next_hand(&mut self, out: &mut Outbox) -> Result<Reply, RoomError> {
        if let Some(next) = self.floor.hands.pop_front() {
            self.notes.hand_answered(self.now);
            self.broadcast(FloorEvent::HandCalled { participant: next }, out);
            self.hands_changed(out);
        }
        Ok(Reply::Ack)
    }

    fn react(&mut self, me: ParticipantId, reaction: Reaction, out: &mut Outbox) -> Result<Reply, RoomError> {
        // Reactions are not kept: clients show them briefly and let them fade.
        // They are seen where the person is: their group, or the main room.
        out.send_all(
            self.conns_with(me).into_iter(),
            FloorEvent::Reaction { from: me, reaction }.into(),
        );
        Ok(Reply::Ack)
    }

    pub(super) fn hands_changed(&self, out: &mut Outbox) {
        self.broadcast(
            FloorEvent::Hands {
                queue: self.floor.hands(),
            },
            out,
        );
    }
}
