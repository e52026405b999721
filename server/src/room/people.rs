//! Who holds a place in the room, and through which connection.
//!
//! `People` keeps the two maps (by participant, by connection) in step: the
//! rest of the room adds, finds and removes people only through it.

use std::collections::{BTreeMap, HashMap};

use super::command::RoomError;
use super::types::{ConnId, Millis, ParticipantId};
use crate::protocol::Role;
use crate::protocol::hosting::Waiting;
use crate::protocol::presence::{Gate, Participant};

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
}

impl Person {
    /// In the room: the gate is open.
    pub fn present(&self) -> bool {
        self.gate.open()
    }

    pub fn is_host(&self) -> bool {
        self.role.is_host()
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
#[derive(Default)]
pub(super) struct People {
    by_id: BTreeMap<ParticipantId, Person>,
    by_conn: HashMap<ConnId, ParticipantId>,
    next_id: u32,
}

impl People {
    pub fn get(&self, id: ParticipantId) -> Option<&Person> {
        self.by_id.get(&id)
    }

    pub fn get_mut(&mut self, id: ParticipantId) -> Option<&mut Person> {
        self.by_id.get_mut(&id)
    }

    /// Who this connection belongs to.
    pub fn on(&self, conn: ConnId) -> Option<ParticipantId> {
        self.by_conn.get(&conn).copied()
    }

    pub fn all(&self) -> impl Iterator<Item = &Person> {
        self.by_id.values()
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

    /// Who is let in and who waits, hosts aside.
    pub fn headcount(&self) -> super::hosting::Headcount {
        let guests = self.all().filter(|p| !p.is_host());
        let (admitted, waiting) = guests.fold((0, 0), |(admitted, waiting), p| {
            if p.gate.admitted {
                (admitted + 1, waiting)
            } else {
                (admitted, waiting + 1)
            }
        });
        super::hosting::Headcount { admitted, waiting }
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

    /// Someone's place is theirs again through `conn`; returns the
    /// connection it replaces, if it still looked open.
    pub fn reconnect(&mut self, id: ParticipantId, conn: ConnId) -> Option<ConnId> {
        let person = self.by_id.get_mut(&id)?;
        let old = person.conn.replace(conn);
        person.dropped_at = None;
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

    pub fn by_resume_hash(&self, hash: &[u8; 32]) -> Option<ParticipantId> {
        self.all().find(|p| p.resume_hash == *hash).map(|p| p.id)
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

    /// When the next dropped place runs out of grace.
    pub fn next_grace_end(&self, grace_ms: Millis) -> Option<Millis> {
        self.all().filter_map(|p| p.dropped_at.map(|at| at + grace_ms)).min()
    }

    /// Whose grace has run out by `now`.
    pub fn graces_over(&self, grace_ms: Millis, now: Millis) -> Vec<ParticipantId> {
        self.all()
            .filter(|p| p.dropped_at.is_some_and(|at| at + grace_ms <= now))
            .map(|p| p.id)
            .collect()
    }
}
