//! Who holds a place in the room, and through which connection.
//!
//! `People` keeps the two maps (by participant, by connection) in step: the
//! rest of the room adds, finds and removes people only through it.

use std::collections::{BTreeMap, HashMap};

use super::command::RoomError;
use super::types::{ConnId, Millis, ParticipantId};
use crate::protocol::Role;
use crate::protocol::hosting::Waiting;
use crate::protocol::presence::{Gate, MediaLink, Participant};

/// Someone who left, as the room keeps them for the grace: when, and where
/// their hand stood in the queue, if it was up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Away {
    pub since: Millis,
    pub hand: Option<usize>,
}

/// One person's place in the room. It outlives their connection for the grace.
#[derive(Clone, Debug)]
pub(super) struct Person {
    pub id: ParticipantId,
    pub name: String,
    pub role: Role,
    pub device_hash: [u8; 32],
    pub resume_hash: [u8; 32],
    pub gate: Gate,
    pub conn: Option<ConnId>,
    /// When they asked to join: the waiting room is shown in this order.
    pub since: Millis,
    /// When their connection dropped, while they are within the grace.
    pub dropped_at: Option<Millis>,
    /// They left on purpose: no longer in the room for anyone, but their
    /// place is kept for the grace so that one tap brings them back.
    pub away: Option<Away>,
    /// What they say they send: microphone on, camera on.
    pub audio: bool,
    pub video: bool,
    /// A host muted them or stopped their video: the server forwards none of
    /// it until they turn it back on themselves.
    pub host_muted: bool,
    pub host_stopped_video: bool,
    /// Time spent speaking, for the hosts' talk-time balance.
    pub talk_ms: Millis,
    pub speaking_since: Option<Millis>,
    /// Whether their audio levels say they are talking, muted or not: someone
    /// who unmutes mid-sentence is speaking at once, with no new report.
    pub voice: bool,
    /// The last chat line said before they entered the room: they read only
    /// what was said after, as if they had walked into a room.
    pub chat_from: u64,
    /// Their media connection, as the media layer last reported it.
    pub media: MediaLink,
    /// Their page's public key for end-to-end encrypted media.
    pub e2ee_key: Option<String>,
}

impl Person {
    /// In the room: the gate is open and they have not left.
    pub fn present(&self) -> bool {
        self.gate.open() && self.away.is_none()
    }

    pub fn is_host(&self) -> bool {
        self.role.is_host()
    }

    /// Since when their place has been kept without a connection, if it is.
    fn grace_since(&self) -> Option<Millis> {
        self.away.map(|a| a.since).or(self.dropped_at)
    }

    /// As everyone in the room sees them.
    pub fn info(&self) -> Participant {
        Participant {
            id: self.id,
            name: self.name.clone(),
            role: self.role,
            connected: self.conn.is_some(),
            audio: self.audio,
            video: self.video,
            media: self.media,
            e2ee_key: self.e2ee_key.clone(),
        }
    }

    /// As the hosts see them in the waiting room.
    pub fn waiting(&self) -> Waiting {
        Waiting {
            id: self.id,
            name: self.name.clone(),
            rules_accepted: self.gate.rules_accepted,
            admitted: self.gate.admitted,
            since: self.since,
        }
    }
}

/// Everyone with a place, in participant order.
///
/// Someone who left is kept for the grace out of sight: `get`, `get_mut`
/// and `all` do not see them, so no host control, event or count reaches
/// them; only a resume (`away`, `reconnect`), the capacity and the grace do.
#[derive(Default)]
pub(super) struct People {
    by_id: BTreeMap<ParticipantId, Person>,
    by_conn: HashMap<ConnId, ParticipantId>,
    next_id: u32,
}

impl People {
    pub fn get(&self, id: ParticipantId) -> Option<&Person> {
        self.by_id.get(&id).filter(|p| p.away.is_none())
    }

    pub fn get_mut(&mut self, id: ParticipantId) -> Option<&mut Person> {
        self.by_id.get_mut(&id).filter(|p| p.away.is_none())
    }

    /// A place in sight or kept out of sight for someone who left: what a
    /// resume would bring back.
    #[cfg(test)]
    pub fn including_away(&self, id: ParticipantId) -> Option<&Person> {
        self.by_id.get(&id)
    }

    /// Whether this place is kept for someone who left, and how.
    pub fn away(&self, id: ParticipantId) -> Option<Away> {
        self.by_id.get(&id).and_then(|p| p.away)
    }

    /// Who this connection belongs to.
    pub fn on(&self, conn: ConnId) -> Option<ParticipantId> {
        self.by_conn.get(&conn).copied()
    }

    /// Everyone with a place in sight (in the room or at the gate).
    pub fn all(&self) -> impl Iterator<Item = &Person> {
        self.by_id.values().filter(|p| p.away.is_none())
    }

    /// Everyone in the room (the gate open), in participant order.
    pub fn present(&self) -> impl Iterator<Item = &Person> {
        self.all().filter(|p| p.present())
    }

    /// The ids of the people in the room who are not hosts: who speaks in a
    /// round, who is counted back from an energizer.
    pub fn present_guests(&self) -> Vec<ParticipantId> {
        self.present().filter(|p| !p.is_host()).map(|p| p.id).collect()
    }

    /// Connections of everyone in the room, in participant order.
    pub fn present_conns(&self) -> impl Iterator<Item = ConnId> + '_ {
        self.present().filter_map(|p| p.conn)
    }

    pub fn host_conns(&self) -> impl Iterator<Item = ConnId> + '_ {
        self.present().filter(|p| p.is_host()).filter_map(|p| p.conn)
    }

    /// Connections of everyone with a place, in the room or at the gate.
    pub fn all_conns(&self) -> impl Iterator<Item = ConnId> + '_ {
        self.all().filter_map(|p| p.conn)
    }

    /// The waiting room, in order of arrival.
    pub fn waiting(&self) -> Vec<Waiting> {
        let mut waiting: Vec<Waiting> = self.all().filter(|p| !p.present()).map(Person::waiting).collect();
        waiting.sort_by_key(|w| (w.since, w.id));
        waiting
    }

    /// Who is let in and who waits, hosts apart. A place kept for someone
    /// who left does not count: newcomers are not held back for the grace,
    /// and whoever comes back within it gets in even if the room filled
    /// meanwhile (as they do when it was locked).
    pub fn headcount(&self) -> super::hosting::Headcount {
        let mut count = super::hosting::Headcount::default();
        for person in self.all() {
            if person.is_host() {
                count.hosts += 1;
            } else if person.gate.admitted {
                count.admitted += 1;
            } else {
                count.waiting += 1;
            }
        }
        count
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// The next participant id. Ids are never reused in a room; a room that
    /// has used them all (four billion joins) takes no one new rather than
    /// wrap around.
    pub fn next_id(&mut self) -> Result<ParticipantId, RoomError> {
        let id = self.next_id.checked_add(1).ok_or(RoomError::Full)?;
        self.next_id = id;
        Ok(ParticipantId(id))
    }

    /// A new place, reached through the person's connection.
    pub fn add(&mut self, person: Person) {
        if let Some(conn) = person.conn {
            self.by_conn.insert(conn, person.id);
        }
        self.by_id.insert(person.id, person);
    }

    /// Someone's place is theirs again through `conn` (after a drop or after
    /// leaving); returns the connection it replaces, if it still looked open.
    pub fn reconnect(&mut self, id: ParticipantId, conn: ConnId) -> Option<ConnId> {
        let person = self.by_id.get_mut(&id)?;
        let old = person.conn.replace(conn);
        person.dropped_at = None;
        person.away = None;
        if let Some(old) = old {
            self.by_conn.remove(&old);
        }
        self.by_conn.insert(conn, id);
        old
    }

    /// A connection dropped: its person keeps the place for the grace.
    pub fn disconnect(&mut self, conn: ConnId, now: Millis) -> Option<&Person> {
        let id = self.by_conn.remove(&conn)?;
        let person = self.by_id.get_mut(&id)?;
        person.conn = None;
        person.dropped_at = Some(now);
        Some(person)
    }

    /// Someone left on purpose: their connection is let go and their place
    /// kept out of sight for the grace. Returns whether they were in the room.
    pub fn step_away(&mut self, id: ParticipantId, now: Millis, hand: Option<usize>) -> Option<bool> {
        let person = self.by_id.get_mut(&id)?;
        let was_present = person.present();
        if let Some(conn) = person.conn.take() {
            self.by_conn.remove(&conn);
        }
        person.dropped_at = None;
        person.away = Some(Away { since: now, hand });
        Some(was_present)
    }

    pub fn by_resume_hash(&self, hash: &[u8; 32]) -> Option<ParticipantId> {
        self.by_id.values().find(|p| p.resume_hash == *hash).map(|p| p.id)
    }

    /// Takes someone's place away for good.
    pub fn remove(&mut self, id: ParticipantId) -> Option<Person> {
        let person = self.by_id.remove(&id)?;
        if let Some(conn) = person.conn {
            self.by_conn.remove(&conn);
        }
        Some(person)
    }

    /// Everyone, when the session ends.
    pub fn clear(&mut self) {
        self.by_id.clear();
        self.by_conn.clear();
    }

    /// The target of a host control, who must rank below the host.
    pub fn outranked_by(&self, me: ParticipantId, id: ParticipantId) -> Result<&Person, RoomError> {
        let my_role = self.get(me).ok_or(RoomError::NotJoined)?.role;
        let target = self.get(id).ok_or(RoomError::NotFound)?;
        if !my_role.outranks(target.role) {
            return Err(RoomError::Forbidden);
        }
        Ok(target)
    }

    /// When the next kept place (dropped or left) runs out of grace.
    pub fn next_grace_end(&self, grace_ms: Millis) -> Option<Millis> {
        self.by_id
            .values()
            .filter_map(|p| p.grace_since().map(|at| at + grace_ms))
            .min()
    }

    /// Whose grace has run out by `now`, and whether each had left (rather
    /// than dropped).
    pub fn graces_over(&self, grace_ms: Millis, now: Millis) -> Vec<(ParticipantId, bool)> {
        self.by_id
            .values()
            .filter(|p| p.grace_since().is_some_and(|at| at + grace_ms <= now))
            .map(|p| (p.id, p.away.is_some()))
            .collect()
    }
}
