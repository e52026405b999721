//! Collects a command's effects in the order they must happen.

use super::types::{CloseReason, ConnId, Effect, Event, Persist};

#[derive(Default)]
pub(super) struct Outbox {
    effects: Vec<Effect>,
}

impl Outbox {
    pub fn send(&mut self, conn: ConnId, event: Event) {
        self.effects.push(Effect::Send { conn, event });
    }

    pub fn send_all(&mut self, conns: impl Iterator<Item = ConnId>, event: Event) {
        for conn in conns {
            self.send(conn, event.clone());
        }
    }

    pub fn close(&mut self, conn: ConnId, reason: CloseReason) {
        self.effects.push(Effect::Close { conn, reason });
    }

    pub fn media(&mut self, command: super::media::MediaCommand) {
        self.effects.push(Effect::Media(command));
    }

    pub fn persist(&mut self, what: Persist) {
        self.effects.push(Effect::Persist(what));
    }

    pub fn into_effects(self) -> Vec<Effect> {
        self.effects
    }
}
