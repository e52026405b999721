//! A live room: one session's people, gate, floor and host controls.
//!
//! `Room` is a pure state machine: `handle(command, now)` returns what the
//! caller must do, and never reads a clock, a socket or the store. It knows
//! no tokio, no database and no WebRTC type; the live plumbing around it
//! (`crate::live`) owns one `Room` per live session and does its I/O.
//!
//! It speaks the wire's vocabulary: it handles `protocol::RoomRequest`s and
//! sends `protocol::RoomEvent`s. Each feature has one file that handles its
//! requests and owns its state, mirroring `protocol/`:
//! - `presence.rs`: joining, resuming, leaving, the reconnect grace, and the
//!   whole room as one person sees it (`room_state`);
//! - `hosting.rs`: the host controls (admit, remove, lock, roles, end);
//! - `floor.rs`: chat, the hand queue and reactions;
//! - `facilitation.rs`: the run-of-show clock, the check-in round, the rules;
//! - `energy.rs`: energizers, the break nudge and pulse checks;
//! - `capture.rs`: the summary;
//! - `media.rs`: media state, host mutes, signalling passed to the media
//!   layer, who is speaking, talk time;
//! - `support.rs`: the "I need support" signal;
//! - `breakouts.rs`: small groups for a while, each hearing only itself;
//! - `report.rs`: what the facilitator's report is made of, noted as it
//!   happens;
//! - `screen.rs`: screen share, one at a time;
//! - `planning.rs`: what an organizer changes while the room is live;
//! - `e2ee.rs`: end-to-end encrypted media (keys relayed, never read).
//!
//! `agenda.rs`, `round.rs`, `pulse.rs` and `summary.rs` hold the state of
//! those features as small pure types with their own tests; `people.rs` keeps
//! who holds a place. A feature's state is a struct whose fields only its
//! own file touches; the others go through its methods.

pub mod agenda;
mod breakouts;
mod capture;
mod command;
mod e2ee;
mod energy;
mod facilitation;
mod floor;
mod hosting;
pub mod media;
mod outbox;
mod people;
mod planning;
mod presence;
pub mod pulse;
mod report;
pub mod round;
mod screen;
mod seed;
pub mod summary;
mod support;
mod types;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_breakouts;
#[cfg(test)]
mod tests_e2ee;
#[cfg(test)]
mod tests_facilitation;
#[cfg(test)]
mod tests_leaving;
#[cfg(test)]
mod tests_media;
#[cfg(test)]
mod tests_planning;
#[cfg(test)]
mod tests_properties;
#[cfg(test)]
mod tests_report;
#[cfg(test)]
mod tests_screen;

pub use command::{Command, Entered, JoinRequest, Outcome, Reply, RoomError};
pub use hosting::REMEMBERED_ENTRIES;
pub use planning::Plan;
pub use report::{ReportEntry, ReportTally, first_name, top_third_percent};
pub use seed::{DoorSettings, RoomConfig, RoomSeed};
pub use types::*;

use crate::protocol::{Permission, Request as _, Role, RoomEvent, RoomRequest};
use agenda::RunOfShow;
use breakouts::Breakouts;
use capture::Capture;
use energy::Energy;
use floor::Floor;
use hosting::Door;
use media::TalkClock;
use outbox::Outbox;
use people::People;
use round::Round;
use support::Support;

pub struct Room {
    session: SessionInfo,
    config: RoomConfig,
    people: People,
    door: Door,
    ended: bool,
    floor: Floor,
    show: RunOfShow,
    /// The organizer's agenda the room last heard of (`planning.rs`).
    planned_agenda: Vec<crate::protocol::facilitation::SegmentDraft>,
    round: Option<Round>,
    energy: Energy,
    capture: Capture,
    talk: TalkClock,
    support: Support,
    breakouts: Breakouts,
    screen: screen::Screen,
    /// Media is end-to-end encrypted now (`e2ee.rs`).
    e2ee_on: bool,
    /// Counts for the facilitator's report, not written yet.
    notes: report::Notes,
    /// The state of the room's own random numbers (the shuffled order of a
    /// round): seeded by the caller, so the room stays pure and tests can
    /// replay it.
    random: u64,
    /// The time of the command being handled, for the helpers deep inside it
    /// (a snapshot counts talk time up to now). Set first thing in `handle`.
    now: Millis,
}

impl Room {
    pub fn new(seed: RoomSeed, config: RoomConfig) -> Room {
        Room {
            people: People::default(),
            door: Door::new(seed.banned_devices, seed.entered_devices, seed.door),
            ended: false,
            floor: Floor::default(),
            round: None,
            energy: Energy::new(
                seed.energizers,
                seed.break_nudge_minutes,
                seed.run_of_show.clock.started_at,
            ),
            show: seed.run_of_show,
            planned_agenda: seed.planned_agenda,
            capture: Capture::new(seed.summary, seed.previous_outcomes),
            talk: TalkClock::default(),
            support: Support::default(),
            breakouts: Breakouts::default(),
            notes: report::Notes::default(),
            screen: screen::Screen::default(),
            random: seed.random,
            e2ee_on: seed.session.e2ee == crate::protocol::e2ee::E2eePolicy::Required,
            session: seed.session,
            config,
            now: 0,
        }
    }

    pub fn session(&self) -> &SessionInfo {
        &self.session
    }

    pub fn handle(&mut self, command: Command, now: Millis) -> Outcome {
        self.now = now;
        let mut out = Outbox::default();
        let reply = match command {
            Command::Join(request) => Some(self.join(request, now, &mut out)),
            Command::Resume { conn, resume_hash } => Some(self.resume(conn, resume_hash, &mut out)),
            Command::Act { conn, request } => Some(self.act(conn, request, now, &mut out)),
            Command::Disconnected { conn } => {
                self.disconnected(conn, now, &mut out);
                None
            }
            Command::Media(event) => {
                self.media_event(event, now, &mut out);
                None
            }
            Command::Replanned(plan) => {
                self.replanned(*plan, now, &mut out);
                None
            }
            Command::Tick => {
                self.send_talk_time(now, &mut out);
                self.expire_graces(now, &mut out);
                self.fire_warnings(now, &mut out);
                self.nudge_for_break(now, &mut out);
                self.breakouts_timer(now, &mut out);
                self.tally_if_due(now, &mut out);
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
        [
            self.people.next_grace_end(self.config.grace_ms),
            self.show.next_deadline(),
            self.energy.break_due(),
            self.talk.due(),
            self.breakouts.deadline(),
            self.notes.due(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// No one holds a place: the actor may stop and forget the chat.
    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    pub fn is_ended(&self) -> bool {
        self.ended
    }

    /// Who may come in now: what `Door::check` decides for a participant
    /// (hosts always get in), and how many are in and waiting, for the
    /// plumbing to publish.
    pub fn door_state(&self) -> DoorState {
        let count = self.people.headcount();
        DoorState {
            locked: self.door.locked(),
            admitted: count.admitted,
            capacity: self.session.capacity,
            hosts: count.hosts,
            waiting: count.waiting,
        }
    }

    /// Every request goes through here: the asker is found, their permission
    /// checked before anything changes, then the feature handles it.
    fn act(&mut self, conn: ConnId, request: RoomRequest, now: Millis, out: &mut Outbox) -> Result<Reply, RoomError> {
        let me = self.people.on(conn).ok_or(RoomError::NotJoined)?;
        self.authorize(me, request.needs(me))?;
        match request {
            RoomRequest::Presence(request) => self.handle_presence(me, request, now, out),
            RoomRequest::Hosting(request) => self.handle_hosting(me, request, now, out),
            RoomRequest::Floor(request) => self.handle_floor(me, request, now, out),
            RoomRequest::Facilitation(request) => self.handle_facilitation(me, request, now, out),
            RoomRequest::Energy(request) => self.handle_energy(me, request, now, out),
            RoomRequest::Summary(request) => self.handle_summary(request, out),
            RoomRequest::Media(request) => self.handle_media(me, request, now, out),
            RoomRequest::Support(request) => self.handle_support(me, request, now, out),
            RoomRequest::Breakouts(request) => self.handle_breakouts(me, request, now, out),
            RoomRequest::Report(request) => self.handle_report(request, now, out),
            RoomRequest::Screen(request) => self.handle_screen(me, request, out),
            RoomRequest::E2ee(request) => self.handle_e2ee(me, request, out),
        }
    }

    /// Every permission is checked here, before any state changes.
    fn authorize(&self, me: ParticipantId, needs: Permission) -> Result<(), RoomError> {
        // `act` found `me` through the connection, which maps only people who exist.
        let person = self.people.get(me).ok_or(RoomError::NotJoined)?;
        match needs {
            Permission::Joined => Ok(()),
            Permission::InRoom if person.present() => Ok(()),
            Permission::InRoom => Err(RoomError::NotInRoom),
            Permission::Host if person.is_host() => Ok(()),
            Permission::Facilitator if person.role == Role::Facilitator => Ok(()),
            Permission::Host | Permission::Facilitator => Err(RoomError::Forbidden),
        }
    }

    fn is_host(&self, id: ParticipantId) -> bool {
        self.people.get(id).is_some_and(|p| p.is_host())
    }

    /// Tells everyone in the room.
    fn broadcast(&self, event: impl Into<RoomEvent>, out: &mut Outbox) {
        out.send_all(self.people.present_conns(), event.into());
    }

    /// Tells the hosts in the room, and no one else.
    fn tell_hosts(&self, event: impl Into<RoomEvent>, out: &mut Outbox) {
        out.send_all(self.people.host_conns(), event.into());
    }

    /// Tells one person, if they are connected.
    fn tell(&self, id: ParticipantId, event: impl Into<RoomEvent>, out: &mut Outbox) {
        if let Some(conn) = self.people.get(id).and_then(|p| p.conn) {
            out.send(conn, event.into());
        }
    }
}
