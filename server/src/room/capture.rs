//! Capturing the summary while the session runs. Hosts change it directly;
//! everyone else proposes. Accepted changes are stored before they are
//! acknowledged, each under the client's idempotency key.

use super::Room;
use super::command::{Reply, RoomError};
use super::outbox::Outbox;
use super::summary::{Applied, StoredSummary, Summary, SummaryChange, SummaryItem, SummaryKind, key_ok};
use super::types::*;
use crate::protocol::summary::{self as wire, SummaryEvent, SummaryRequest};

/// This session's summary, and what the series' previous one concluded.
pub(super) struct Capture {
    summary: Summary,
    previous_outcomes: Vec<SummaryItem>,
}

impl Capture {
    pub fn new(stored: StoredSummary, previous_outcomes: Vec<SummaryItem>) -> Capture {
        Capture {
            summary: Summary::restore(stored),
            previous_outcomes,
        }
    }

    /// The summary as one person may see it: proposals are for hosts only.
    pub fn view(&self, is_host: bool) -> wire::Summary {
        wire::Summary {
            items: self.summary.items.clone(),
            proposals: is_host.then(|| self.summary.proposals.clone()),
            finalized: self.summary.finalized,
        }
    }

    pub fn previous_outcomes(&self) -> Vec<SummaryItem> {
        self.previous_outcomes.clone()
    }
}

impl Room {
    pub(super) fn handle_summary(&mut self, request: SummaryRequest, out: &mut Outbox) -> Result<Reply, RoomError> {
        let position = |at: u32| usize::try_from(at).unwrap_or(usize::MAX);
        let (key, change) = match request {
            SummaryRequest::ProposeSummaryItem { kind, text } => return self.propose(kind, &text, out),
            SummaryRequest::DeclineProposal { proposal } => return self.decline_proposal(proposal, out),
            SummaryRequest::AddSummaryItem { key, kind, text } => (key, SummaryChange::Add { kind, text }),
            SummaryRequest::EditSummaryItem { key, item, kind, text } => {
                (key, SummaryChange::Edit { item, kind, text })
            }
            SummaryRequest::DeleteSummaryItem { key, item } => (key, SummaryChange::Delete { item }),
            SummaryRequest::MoveSummaryItem {
                key,
                item,
                position: at,
            } => (
                key,
                SummaryChange::Move {
                    item,
                    position: position(at),
                },
            ),
            SummaryRequest::AcceptProposal { key, proposal } => (key, SummaryChange::Accept { proposal }),
            SummaryRequest::FinalizeSummary { key } => (key, SummaryChange::Finalize),
        };
        self.change_summary(&key, change, out)
    }

    fn change_summary(&mut self, key: &str, change: SummaryChange, out: &mut Outbox) -> Result<Reply, RoomError> {
        if !key_ok(key) {
            return Err(RoomError::Invalid("key: 8 to 64 letters, digits, '-' or '_'"));
        }
        match self.capture.summary.apply(key, change).map_err(RoomError::Invalid)? {
            // Already applied and stored: the retry is acknowledged, not redone.
            Applied::AlreadyApplied => return Ok(Reply::Ack),
            Applied::Now => {}
        }
        out.persist(Persist::Summary {
            key: key.to_owned(),
            items: self.capture.summary.items.clone(),
            finalized: self.capture.summary.finalized,
        });
        for person in self.people.present() {
            if let Some(conn) = person.conn {
                out.send(conn, SummaryEvent::Summary(self.capture.view(person.is_host())));
            }
        }
        Ok(Reply::Ack)
    }

    fn propose(&mut self, kind: SummaryKind, text: &str, out: &mut Outbox) -> Result<Reply, RoomError> {
        self.capture.summary.propose(kind, text).map_err(RoomError::Invalid)?;
        // Only hosts see proposals; the group sees nothing until one is accepted.
        self.tell_hosts(SummaryEvent::Summary(self.capture.view(true)), out);
        Ok(Reply::Ack)
    }

    fn decline_proposal(&mut self, id: u32, out: &mut Outbox) -> Result<Reply, RoomError> {
        self.capture.summary.decline(id).map_err(RoomError::Invalid)?;
        self.tell_hosts(SummaryEvent::Summary(self.capture.view(true)), out);
        Ok(Reply::Ack)
    }
}
