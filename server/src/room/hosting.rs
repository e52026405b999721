//! The host controls. `Room::act` has already checked that the asker may use
//! them; the checks here are about the target.

use std::collections::{HashSet, VecDeque};

use super::Room;
use super::command::{Reply, RoomError};
use super::outbox::Outbox;
use super::seed::{DoorSettings, RoomConfig};
use super::types::*;
use crate::protocol::Role;
use crate::protocol::hosting::{HostingEvent, HostingRequest};
use crate::protocol::presence::{LeaveReason, PresenceEvent};

/// Who may come in: the waiting room and its limits, the lock, and the
/// devices removed or declined.
pub(super) struct Door {
    locked: bool,
    waiting_room: bool,
    banned_devices: HashSet<[u8; 32]>,
    /// Turned away from the waiting room: not let wait again this session.
    /// In memory only (a removal is stored); a restart forgets them.
    declined_devices: HashSet<[u8; 32]>,
    /// When people last arrived in the waiting room, within the last minute.
    arrivals: VecDeque<Millis>,
    /// Devices that have been in the room this session (stored, at most
    /// `REMEMBERED_ENTRIES`): coming back after a restart or a lost place,
    /// they go straight in, as they were, without the rules or the wait.
    entered_devices: HashSet<[u8; 32]>,
}

/// How many devices a session remembers as having been in: far more than a
/// room holds, and a bound on what a link passed around can make us store.
pub const REMEMBERED_ENTRIES: usize = 200;

/// How many people are where, for the door's decision.
#[derive(Default)]
pub(super) struct Headcount {
    /// People in the room or let in, hosts aside: what the capacity counts.
    pub admitted: usize,
    /// People waiting to be let in.
    pub waiting: usize,
    /// Hosts, who are never counted against the capacity.
    pub hosts: usize,
}

const ARRIVALS_WINDOW_MS: Millis = 60_000;

impl Door {
    pub fn new(banned_devices: HashSet<[u8; 32]>, entered_devices: HashSet<[u8; 32]>, settings: DoorSettings) -> Door {
        Door {
            locked: settings.locked,
            waiting_room: settings.waiting_room,
            banned_devices,
            declined_devices: HashSet::new(),
            arrivals: VecDeque::new(),
            entered_devices,
        }
    }

    /// Whether this device has been in the room this session.
    pub fn entered_before(&self, device_hash: &[u8; 32]) -> bool {
        self.entered_devices.contains(device_hash)
    }

    /// Remembers a device that came into the room; true if it is new and
    /// remembered (to be stored), false if known or past the bound.
    pub fn remember_entry(&mut self, device_hash: [u8; 32]) -> bool {
        self.entered_devices.len() < REMEMBERED_ENTRIES && self.entered_devices.insert(device_hash)
    }

    pub fn locked(&self) -> bool {
        self.locked
    }

    pub fn waiting_room(&self) -> bool {
        self.waiting_room
    }

    /// Whether someone may take a place: removed or declined devices never;
    /// hosts always; everyone else while the room is unlocked and has a seat,
    /// and, when they would wait, while the waiting room has room and people
    /// are not arriving faster than hosts can look at them. One holder of the
    /// shared link cannot fill the room with people who never come in.
    pub fn check(
        &mut self,
        device_hash: &[u8; 32],
        is_host: bool,
        count: Headcount,
        capacity: u32,
        config: &RoomConfig,
        now: Millis,
    ) -> Result<(), RoomError> {
        if self.banned_devices.contains(device_hash) {
            return Err(RoomError::Removed);
        }
        if self.declined_devices.contains(device_hash) {
            return Err(RoomError::Declined);
        }
        if is_host {
            return Ok(());
        }
        if self.locked {
            return Err(RoomError::Locked);
        }
        if count.admitted >= capacity as usize {
            return Err(RoomError::Full);
        }
        if self.waiting_room && !self.entered_before(device_hash) {
            while self.arrivals.front().is_some_and(|at| now - at >= ARRIVALS_WINDOW_MS) {
                self.arrivals.pop_front();
            }
            if count.waiting >= config.waiting_capacity || self.arrivals.len() >= config.arrivals_per_minute {
                return Err(RoomError::WaitingRoomFull);
            }
            self.arrivals.push_back(now);
        }
        Ok(())
    }
}

impl Room {
    pub(super) fn handle_hosting(
        &mut self,
        me: ParticipantId,
        request: HostingRequest,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        match request {
            HostingRequest::Admit { participant } => self.admit(participant, out),
            HostingRequest::Decline { participant } => self.decline(participant, now, out),
            HostingRequest::AdmitAll {} => self.admit_all(out),
            HostingRequest::SetWaitingRoom { enabled } => self.set_waiting_room(enabled, out),
            HostingRequest::SetLocked { locked } => self.set_locked(locked, out),
            HostingRequest::Remove { participant } => self.remove(me, participant, now, out),
            HostingRequest::AskToMute { participant } => self.ask_to_mute(me, participant, out),
            HostingRequest::SetRole { participant, role } => self.set_role(me, participant, role, out),
            HostingRequest::EndSession {} => {
                self.end_session(now, CloseReason::SessionEnded, out);
                Ok(Reply::Ack)
            }
        }
    }

    pub(super) fn accept_rules(&mut self, me: ParticipantId, out: &mut Outbox) -> Result<Reply, RoomError> {
        let person = self.people.get_mut(me).ok_or(RoomError::NotJoined)?;
        if !person.gate.rules_accepted {
            person.gate.rules_accepted = true;
            self.gate_changed(me, out);
        }
        Ok(Reply::Ack)
    }

    fn admit(&mut self, id: ParticipantId, out: &mut Outbox) -> Result<Reply, RoomError> {
        let full = self.people.headcount().admitted >= self.session.capacity as usize;
        let person = self.people.get_mut(id).ok_or(RoomError::NotFound)?;
        if !person.gate.admitted {
            if full && !person.is_host() {
                return Err(RoomError::Full);
            }
            person.gate.admitted = true;
            self.gate_changed(id, out);
        }
        Ok(Reply::Ack)
    }

    /// Admits everyone waiting, in order of arrival, while there are seats;
    /// whoever does not fit keeps waiting (the hosts see them still there).
    fn admit_all(&mut self, out: &mut Outbox) -> Result<Reply, RoomError> {
        for waiting in self.people.waiting() {
            if !waiting.admitted && self.admit(waiting.id, out).is_err() {
                break;
            }
        }
        Ok(Reply::Ack)
    }

    fn decline(&mut self, id: ParticipantId, now: Millis, out: &mut Outbox) -> Result<Reply, RoomError> {
        let person = self.people.get(id).ok_or(RoomError::NotFound)?;
        if person.present() {
            return Err(RoomError::Invalid("they are already in the room: remove them instead"));
        }
        let (device_hash, conn) = (person.device_hash, person.conn);
        // Kept out for the rest of the session: a declined person who
        // reloads does not land back in the waiting room.
        self.door.declined_devices.insert(device_hash);
        if let Some(conn) = conn {
            out.send(conn, HostingEvent::Declined {});
            out.close(conn, CloseReason::Declined);
        }
        self.depart(id, LeaveReason::Declined, now, out);
        Ok(Reply::Ack)
    }

    fn set_waiting_room(&mut self, enabled: bool, out: &mut Outbox) -> Result<Reply, RoomError> {
        if self.door.waiting_room != enabled {
            self.door.waiting_room = enabled;
            self.door_changed(out);
            // Turning the waiting room off lets in whoever is already waiting.
            if !enabled {
                self.admit_all(out)?;
            }
        }
        Ok(Reply::Ack)
    }

    fn set_locked(&mut self, locked: bool, out: &mut Outbox) -> Result<Reply, RoomError> {
        if self.door.locked != locked {
            self.door.locked = locked;
            self.door_changed(out);
        }
        Ok(Reply::Ack)
    }

    /// Everyone sees the new door, and it is stored for after a restart.
    fn door_changed(&mut self, out: &mut Outbox) {
        self.settings_changed(out);
        out.persist(Persist::Door(DoorSettings {
            locked: self.door.locked,
            waiting_room: self.door.waiting_room,
        }));
    }

    fn remove(
        &mut self,
        me: ParticipantId,
        id: ParticipantId,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        let target = self.people.outranked_by(me, id)?;
        let (device_hash, conn) = (target.device_hash, target.conn);
        // Written first: the ban must hold even if the server restarts now.
        out.persist(Persist::BanDevice { device_hash });
        self.door.banned_devices.insert(device_hash);
        if let Some(conn) = conn {
            out.send(conn, HostingEvent::Removed {});
            out.close(conn, CloseReason::Removed);
        }
        self.depart(id, LeaveReason::Removed, now, out);
        Ok(Reply::Ack)
    }

    fn ask_to_mute(&mut self, me: ParticipantId, id: ParticipantId, out: &mut Outbox) -> Result<Reply, RoomError> {
        let target = self.people.outranked_by(me, id)?;
        if !target.present() {
            return Err(RoomError::NotFound);
        }
        self.tell(id, HostingEvent::MuteRequested {}, out);
        Ok(Reply::Ack)
    }

    fn set_role(
        &mut self,
        me: ParticipantId,
        id: ParticipantId,
        role: Role,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        if role == Role::Facilitator {
            return Err(RoomError::Invalid(
                "the facilitator role comes only with the facilitator link",
            ));
        }
        let target = self.people.outranked_by(me, id)?;
        if !target.present() {
            return Err(RoomError::NotFound);
        }
        if target.role == role {
            return Ok(Reply::Ack);
        }
        let person = self.people.get_mut(id).ok_or(RoomError::NotFound)?;
        person.role = role;
        let participant = person.info();
        self.broadcast(PresenceEvent::ParticipantUpdated { participant }, out);
        self.screen_after_role_change(id, out);
        // A new host needs the waiting list they can now act on.
        if role.is_host() {
            self.tell(
                id,
                HostingEvent::WaitingRoom {
                    waiting: self.people.waiting(),
                },
                out,
            );
        }
        Ok(Reply::Ack)
    }

    /// Ends the session for everyone: a facilitator ended it, or the
    /// organizer cancelled it (`why` says which, to each person).
    pub(super) fn end_session(&mut self, now: Millis, why: CloseReason, out: &mut Outbox) {
        self.write_tally(now, out);
        self.close_breakouts(now, out);
        if self.show.clock.current_segment.is_some() {
            self.note(super::report::ReportEntry::AgendaDone, now, out);
        }
        let event = match why {
            // A cancelled session stays cancelled, not ended: the
            // organizers' list shows it so, and its links say so.
            CloseReason::SessionCancelled => HostingEvent::SessionCancelled {},
            _ => {
                out.persist(Persist::SessionEnded { at: now });
                HostingEvent::SessionEnded {}
            }
        };
        self.ended = true;
        let everyone: Vec<ConnId> = self.people.all_conns().collect();
        for conn in everyone {
            out.send(conn, event.clone());
            out.close(conn, why);
        }
        // The chat lives only as long as the session.
        self.people.clear();
        self.floor.clear();
        self.breakouts = Default::default();
        self.screen = Default::default();
    }

    /// Tells a person where they stand, and lets them in once both conditions hold.
    fn gate_changed(&mut self, id: ParticipantId, out: &mut Outbox) {
        let Some(person) = self.people.get(id) else {
            return;
        };
        if person.present() {
            self.enter(id, out);
        } else {
            self.tell(id, PresenceEvent::Gate(person.gate), out);
            self.tell_hosts_waiting(out);
        }
    }

    fn settings_changed(&self, out: &mut Outbox) {
        let event = HostingEvent::Settings {
            locked: self.door.locked,
            waiting_room: self.door.waiting_room,
        };
        self.broadcast(event, out);
    }
}
