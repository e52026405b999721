//! The discreet "I need support" signal: the person who sends it is told it
//! reached the facilitators; the facilitators, and no one else, see who and
//! since when, until one of them acknowledges it. Nothing is stored or logged.

use std::collections::BTreeMap;

use super::Room;
use super::command::{Reply, RoomError};
use super::outbox::Outbox;
use super::types::*;
use crate::protocol::support::{SupportEvent, SupportRequest, SupportSignal};

/// Who signalled and has not been seen to yet, and since when. In memory only.
#[derive(Default)]
pub(super) struct Support {
    waiting: BTreeMap<ParticipantId, Millis>,
}

impl Room {
    pub(super) fn handle_support(
        &mut self,
        me: ParticipantId,
        request: SupportRequest,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        match request {
            SupportRequest::NeedSupport {} => {
                // A second press keeps the first time: how long they have waited matters.
                self.support.waiting.entry(me).or_insert(now);
                self.tell_hosts_support(out);
            }
            SupportRequest::AcknowledgeSupport { participant } => {
                if self.support.waiting.remove(&participant).is_none() {
                    return Err(RoomError::NotFound);
                }
                self.tell(participant, SupportEvent::SupportAcknowledged {}, out);
                self.tell_hosts_support(out);
            }
        }
        Ok(Reply::Ack)
    }

    /// The signals waiting, longest first, as the hosts see them.
    pub(super) fn support_signals(&self) -> Vec<SupportSignal> {
        let mut signals: Vec<SupportSignal> = self
            .support
            .waiting
            .iter()
            .filter_map(|(id, since)| {
                let person = self.people.get(*id)?;
                Some(SupportSignal {
                    participant: *id,
                    name: person.name.clone(),
                    since: *since,
                })
            })
            .collect();
        signals.sort_by_key(|s| s.since);
        signals
    }

    /// Someone who left no longer waits for support here.
    pub(super) fn forget_support(&mut self, id: ParticipantId, out: &mut Outbox) {
        if self.support.waiting.remove(&id).is_some() {
            self.tell_hosts_support(out);
        }
    }

    fn tell_hosts_support(&self, out: &mut Outbox) {
        self.tell_hosts(
            SupportEvent::SupportRequests {
                requests: self.support_signals(),
            },
            out,
        );
    }
}
