//! Collects a command's effects in the order they must happen.

use super::media::MediaCommand;
use super::types::{CloseReason, ConnId, Effect, Persist};
use crate::protocol::RoomEvent;

#[derive(Default)]
pub(super) struct Outbox {
    effects: Vec<Effect>,
}

impl Outbox {
    pub fn send(&mut self, conn: ConnId, event: impl Into<RoomEvent>) {
        self.effects.push(Effect::Send {
            conn,
            event: event.into(),
        });
    }

    pub fn send_all(&mut self, conns: impl Iterator<Item = ConnId>, event: RoomEvent) {
        for conn in conns {
            self.send(conn, event.clone());
        }
    }

    pub fn close(&mut self, conn: ConnId, reason: CloseReason) {
        self.effects.push(Effect::Close { conn, reason });
    }

    pub fn media(&mut self, command: MediaCommand) {
        self.effects.push(Effect::Media(command));
    }

    pub fn persist(&mut self, what: Persist) {
        self.effects.push(Effect::Persist(what));
    }

    pub fn into_effects(self) -> Vec<Effect> {
        self.effects
    }
}
