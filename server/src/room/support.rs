//! The discreet "I need support" signal: the person who sends it is told it
//! reached the facilitators; the facilitators, and no one else, see who and
//! since when, until one of them acknowledges it. Nothing is stored or logged.

use super::Room;
use super::command::{Reply, RoomError};
use super::outbox::Outbox;
use super::types::*;

impl Room {
    pub(super) fn need_support(
        &mut self,
        me: ParticipantId,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        // A second press keeps the first time: how long they have waited matters.
        self.support.entry(me).or_insert(now);
        self.tell_hosts_support(out);
        Ok(Reply::Ack)
    }

    pub(super) fn acknowledge_support(&mut self, id: ParticipantId, out: &mut Outbox) -> Result<Reply, RoomError> {
        if self.support.remove(&id).is_none() {
            return Err(RoomError::NotFound);
        }
        if let Some(conn) = self.people.get(&id).and_then(|p| p.conn) {
            out.send(conn, Event::SupportAcknowledged);
        }
        self.tell_hosts_support(out);
        Ok(Reply::Ack)
    }

    pub(super) fn support_requests(&self) -> Vec<SupportRequest> {
        let mut requests: Vec<SupportRequest> = self
            .support
            .iter()
            .filter_map(|(id, since)| {
                let person = self.people.get(id)?;
                Some(SupportRequest {
                    id: *id,
                    name: person.name.clone(),
                    since: *since,
                })
            })
            .collect();
        requests.sort_by_key(|r| r.since);
        requests
    }

    /// Someone who left no longer waits for support here.
    pub(super) fn forget_support(&mut self, id: ParticipantId, out: &mut Outbox) {
        if self.support.remove(&id).is_some() {
            self.tell_hosts_support(out);
        }
    }

    fn tell_hosts_support(&self, out: &mut Outbox) {
        out.send_all(self.host_conns(), Event::SupportRequests(self.support_requests()));
    }
}
