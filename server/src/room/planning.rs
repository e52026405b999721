//! What an organizer changes about a session while its room is live.
//!
//! The organizers' API writes the change to the store, then the room is told
//! the session as it now stands (`Command::Replanned`): on this node directly,
//! on the room's node through the store's change feed (`live::changes`). The
//! room works out what differs from what it holds, so telling it twice, or
//! telling it of a change it already has, changes nothing.
//!
//! What follows from a change:
//! - the title, the time or the rules: everyone, waiting or in, is sent the
//!   session again (`session_changed`); new rules also go out as
//!   `ground_rules`, as when a facilitator edits them in the room;
//! - the end moved: the clock's planned end moves by as much, so time a
//!   facilitator added in the room is kept;
//! - the agenda, before the session starts: it replaces the room's (the
//!   organizer planned it, and edited it last). Once the clock runs the
//!   agenda is the facilitator's, and the organizer's edit waits for the
//!   session's next meeting;
//! - the capacity: who may come in from now on; no one already in is moved;
//! - cancelled: the room closes for everyone, as when a facilitator ends it,
//!   each told that the organizer cancelled it; the session stays
//!   cancelled, not ended, in the organizers' list.

use super::outbox::Outbox;
use super::types::*;
use super::{Persist, Room};
use crate::protocol::facilitation::{FacilitationEvent, SegmentDraft};
use crate::protocol::presence::PresenceEvent;

/// The session as the store now holds it, for its live room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub session: SessionInfo,
    /// The agenda as the organizer last wrote it.
    pub agenda: Vec<SegmentDraft>,
    pub cancelled: bool,
}

impl Room {
    pub(super) fn replanned(&mut self, plan: Plan, now: Millis, out: &mut Outbox) {
        if self.ended || plan.session.id != self.session.id {
            return;
        }
        if plan.cancelled {
            self.end_session(now, CloseReason::SessionCancelled, out);
            return;
        }
        let before = std::mem::replace(&mut self.session, plan.session);
        self.e2ee_replanned(before.e2ee, out);
        let mut show = self.show.clone();
        show.clock.planned_end += self.session.ends_at - before.ends_at;
        if !show.started() && plan.agenda != self.planned_agenda {
            show.replan(&plan.agenda);
        }
        self.planned_agenda = plan.agenda;
        if show != self.show {
            self.show = show;
            out.persist(Persist::RunOfShow(Box::new(self.show.clone())));
            self.broadcast(FacilitationEvent::RunOfShow(self.show.to_wire(now)), out);
        }
        let everyone: Vec<ConnId> = self.people.all_conns().collect();
        if self.session.ground_rules != before.ground_rules {
            let rules = self.session.ground_rules.clone();
            out.send_all(
                everyone.iter().copied(),
                FacilitationEvent::GroundRules { rules }.into(),
            );
        }
        let session = self.session.to_wire();
        if session != before.to_wire() {
            out.send_all(everyone.into_iter(), PresenceEvent::SessionChanged { session }.into());
        }
    }
}
