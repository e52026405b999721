//! A live room: one session's people, gate, floor and host controls.
//!
//! `Room` is a pure state machine: `handle(command, now)` returns what the
//! caller must do, and never reads a clock, a socket or the store. The actor in
//! `actor.rs` owns one `Room` per live session and does the I/O around it.
//!
//! The logic is split by responsibility:
//! - `presence.rs`: joining, resuming, leaving, the reconnect grace;
//! - `hosting.rs`: the host controls (admit, remove, lock, roles, end);
//! - `floor.rs`: chat, the hand queue and reactions.

mod actor;
mod command;
mod floor;
mod hosting;
mod outbox;
mod presence;
mod registry;
mod types;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

pub use actor::{OUTBOX_CAPACITY, Outbound, RoomHandle};
pub use command::{Action, JoinRequest, Reply, RoomError};
pub use registry::{RoomRegistry, RoomsConfig};
pub use types::*;

use command::Permission;
use outbox::Outbox;

/// Limits and timings of one room, fixed when the room starts.
#[derive(Clone, Debug)]
pub struct RoomConfig {
    /// How long a dropped participant keeps their place.
    pub grace_ms: Millis,
    /// How many chat lines a newcomer is shown.
    pub chat_history: usize,
}

impl Default for RoomConfig {
    fn default() -> Self {
        RoomConfig {
            grace_ms: 30_000,
            chat_history: 200,
        }
    }
}

/// What the room is asked to do.
#[derive(Clone, Debug)]
pub enum Command {
    Join(JoinRequest),
    Resume {
        conn: ConnId,
        resume_hash: [u8; 32],
    },
    Act {
        conn: ConnId,
        action: Action,
    },
    /// The connection closed without saying goodbye.
    Disconnected {
        conn: ConnId,
    },
    /// Time has passed; deadlines may have expired.
    Tick,
}

/// The answer to a command: a reply for the asker (none for `Disconnected`
/// and `Tick`) and the effects to carry out, in order.
#[derive(Debug, Default)]
pub struct Outcome {
    pub reply: Option<Result<Reply, RoomError>>,
    pub effects: Vec<Effect>,
}

/// One person's place in the room. It outlives their connection for the grace.
#[derive(Clone, Debug)]
struct Person {
    id: ParticipantId,
    name: String,
    role: Role,
    device_hash: [u8; 32],
    resume_hash: [u8; 32],
    gate: Gate,
    conn: Option<ConnId>,
    /// When they asked to join: the waiting room is shown in this order.
    since: Millis,
    /// When their connection dropped, while they are within the grace.
    dropped_at: Option<Millis>,
}

impl Person {
    fn present(&self) -> bool {
        self.gate.open()
    }

    fn info(&self) -> ParticipantInfo {
        ParticipantInfo {
            id: self.id,
            name: self.name.clone(),
            role: self.role,
            connected: self.conn.is_some(),
        }
    }
}

pub struct Room {
    session: SessionInfo,
    config: RoomConfig,
    people: BTreeMap<ParticipantId, Person>,
    by_conn: HashMap<ConnId, ParticipantId>,
    next_id: u32,
    hands: VecDeque<ParticipantId>,
    chat: VecDeque<ChatLine>,
    next_chat_seq: u64,
    locked: bool,
    waiting_room: bool,
    banned_devices: HashSet<[u8; 32]>,
    ended: bool,
}

impl Room {
    pub fn new(session: SessionInfo, banned_devices: HashSet<[u8; 32]>, config: RoomConfig) -> Room {
        Room {
            session,
            config,
            people: BTreeMap::new(),
            by_conn: HashMap::new(),
            next_id: 1,
            hands: VecDeque::new(),
            chat: VecDeque::new(),
            next_chat_seq: 1,
            locked: false,
            waiting_room: true,
            banned_devices,
            ended: false,
        }
    }

    pub fn session(&self) -> &SessionInfo {
        &self.session
    }

    pub fn handle(&mut self, command: Command, now: Millis) -> Outcome {
        let mut out = Outbox::default();
        let reply = match command {
            Command::Join(request) => Some(self.join(request, now, &mut out)),
            Command::Resume { conn, resume_hash } => Some(self.resume(conn, resume_hash, &mut out)),
            Command::Act { conn, action } => Some(self.act(conn, action, now, &mut out)),
            Command::Disconnected { conn } => {
                self.disconnected(conn, now, &mut out);
                None
            }
            Command::Tick => {
                self.expire_graces(now, &mut out);
                None
            }
        };
        Outcome {
            reply,
            effects: out.into_effects(),
        }
    }

    /// The next moment at which `Tick` would change something.
    pub fn next_deadline(&self) -> Option<Millis> {
        self.people
            .values()
            .filter_map(|p| p.dropped_at.map(|at| at + self.config.grace_ms))
            .min()
    }

    /// No one holds a place: the actor may stop and forget the chat.
    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    pub fn is_ended(&self) -> bool {
        self.ended
    }

    /// How many people hold a place, connected or within their grace.
    pub fn headcount(&self) -> usize {
        self.people.len()
    }

    fn act(&mut self, conn: ConnId, action: Action, now: Millis, out: &mut Outbox) -> Result<Reply, RoomError> {
        let me = *self.by_conn.get(&conn).ok_or(RoomError::NotJoined)?;
        // Lowering one's own hand by naming oneself is not a host control.
        let action = match action {
            Action::LowerHand { of: Some(id) } if id == me => Action::LowerHand { of: None },
            other => other,
        };
        self.authorize(me, action.needs())?;
        match action {
            Action::GetState => Ok(Reply::State(self.snapshot_for(me))),
            Action::AcceptRules => self.accept_rules(me, out),
            Action::Chat { text } => self.chat(me, &text, now, out),
            Action::RaiseHand => self.raise_hand(me, out),
            Action::LowerHand { of } => self.lower_hand(of.unwrap_or(me), out),
            Action::CallNextHand => self.call_next_hand(out),
            Action::React(reaction) => self.react(me, reaction, out),
            Action::Admit(id) => self.admit(id, out),
            Action::Decline(id) => self.decline(id, out),
            Action::AdmitAll => self.admit_all(out),
            Action::SetWaitingRoom(enabled) => self.set_waiting_room(enabled, out),
            Action::SetLocked(locked) => self.set_locked(locked, out),
            Action::Remove(id) => self.remove(me, id, out),
            Action::AskToMute(id) => self.ask_to_mute(me, id, out),
            Action::SetRole { of, role } => self.set_role(me, of, role, out),
            Action::EndSession => self.end_session(now, out),
            Action::Leave => self.leave(me, out),
        }
    }

    /// Every permission is checked here, before any state changes.
    fn authorize(&self, me: ParticipantId, needs: Permission) -> Result<(), RoomError> {
        // `act` found `me` through `by_conn`, which only maps people who exist.
        let Some(person) = self.people.get(&me) else {
            return Err(RoomError::NotJoined);
        };
        match needs {
            Permission::Joined => Ok(()),
            Permission::InRoom if person.present() => Ok(()),
            Permission::InRoom => Err(RoomError::NotInRoom),
            Permission::Host if person.role.is_host() => Ok(()),
            Permission::Facilitator if person.role == Role::Facilitator => Ok(()),
            Permission::Host | Permission::Facilitator => Err(RoomError::Forbidden),
        }
    }

    fn snapshot_for(&self, me: ParticipantId) -> Snapshot {
        let is_host = self.people.get(&me).is_some_and(|p| p.role.is_host());
        Snapshot {
            you: me,
            participants: self.people.values().filter(|p| p.present()).map(Person::info).collect(),
            hands: self.hands.iter().copied().collect(),
            chat: self.chat.iter().cloned().collect(),
            locked: self.locked,
            waiting_room: self.waiting_room,
            waiting: is_host.then(|| self.waiting_list()),
        }
    }

    fn waiting_list(&self) -> Vec<WaitingInfo> {
        let mut waiting: Vec<WaitingInfo> = self
            .people
            .values()
            .filter(|p| !p.present())
            .map(|p| WaitingInfo {
                id: p.id,
                name: p.name.clone(),
                rules_accepted: p.gate.rules_accepted,
                admitted: p.gate.admitted,
                since: p.since,
            })
            .collect();
        waiting.sort_by_key(|w| (w.since, w.id));
        waiting
    }

    /// Connections of everyone in the room, in participant order.
    fn present_conns(&self) -> impl Iterator<Item = ConnId> + '_ {
        self.people.values().filter(|p| p.present()).filter_map(|p| p.conn)
    }

    fn host_conns(&self) -> impl Iterator<Item = ConnId> + '_ {
        self.people
            .values()
            .filter(|p| p.present() && p.role.is_host())
            .filter_map(|p| p.conn)
    }

    fn broadcast(&self, event: Event, out: &mut Outbox) {
        out.send_all(self.present_conns(), event);
    }

    fn tell_hosts_waiting(&self, out: &mut Outbox) {
        out.send_all(self.host_conns(), Event::WaitingRoom(self.waiting_list()));
    }
}
