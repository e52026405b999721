//! A live room: one session's people, gate, floor and host controls.
//!
//! `Room` is a pure state machine: `handle(command, now)` returns what the
//! caller must do, and never reads a clock, a socket or the store. The actor in
//! `actor.rs` owns one `Room` per live session and does the I/O around it.
//!
//! The logic is split by responsibility:
//! - `presence.rs`: joining, resuming, leaving, the reconnect grace;
//! - `hosting.rs`: the host controls (admit, remove, lock, roles, end);
//! - `floor.rs`: chat, the hand queue and reactions;
//! - `facilitation.rs`: the run-of-show clock, the check-in round, the rules;
//! - `energy.rs`: energizers, the break nudge and pulse checks;
//! - `capture.rs`: the summary.
//!
//! `agenda.rs`, `round.rs`, `pulse.rs` and `summary.rs` hold the state of
//! those features as small pure types with their own tests.

mod actor;
pub mod agenda;
mod capture;
mod command;
mod energy;
mod facilitation;
mod floor;
mod hosting;
pub mod media;
mod outbox;
mod person;
mod presence;
pub mod pulse;
mod registry;
pub mod round;
mod seed;
pub mod summary;
mod support;
mod types;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_facilitation;
#[cfg(test)]
mod tests_media;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Arc;

pub use actor::{OUTBOX_CAPACITY, Outbound, RoomHandle};
pub use command::{Action, JoinRequest, Reply, RoomError};
pub use registry::{RoomRegistry, RoomsConfig};
pub use seed::{RoomConfig, RoomSeed};
pub use types::*;

use crate::energizers::Energizer;
use agenda::RunOfShow;
use command::Permission;
use media::{MediaCommand, MediaEvent};
use outbox::Outbox;
use person::Person;
use pulse::Pulse;
use round::Round;
use seed::ActiveEnergizer;
use summary::{Summary, SummaryItem};

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
    /// The media layer reports something.
    Media(MediaEvent),
}

/// The answer to a command: a reply for the asker (none for `Disconnected`
/// and `Tick`) and the effects to carry out, in order.
#[derive(Debug, Default)]
pub struct Outcome {
    pub reply: Option<Result<Reply, RoomError>>,
    pub effects: Vec<Effect>,
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
    show: RunOfShow,
    round: Option<Round>,
    library: Arc<[Energizer]>,
    energizer: Option<ActiveEnergizer>,
    /// When the group last had a break (the start, or the end of an energizer).
    last_break_at: Option<Millis>,
    break_nudge_minutes: Option<u32>,
    /// The break the hosts were last nudged about, so a nudge comes once.
    nudged_for: Option<Millis>,
    pulse: Option<Pulse>,
    next_pulse_id: u32,
    summary: Summary,
    previous_outcomes: Vec<SummaryItem>,
    /// When the hosts are next due the talk-time totals, if they changed,
    /// and when they last had them.
    talk_time_due: Option<Millis>,
    talk_time_sent_at: Option<Millis>,
    /// Who signalled "I need support" and has not been seen to yet, and when.
    /// Kept in memory only, and only hosts are ever told.
    support: BTreeMap<ParticipantId, Millis>,
    /// The time of the command being handled, for the helpers deep inside it
    /// (a snapshot counts talk time up to now). Set first thing in `handle`.
    now: Millis,
}

impl Room {
    pub fn new(seed: RoomSeed, config: RoomConfig) -> Room {
        let last_break_at = seed.run_of_show.clock.started_at;
        Room {
            session: seed.session,
            config,
            people: BTreeMap::new(),
            by_conn: HashMap::new(),
            next_id: 1,
            hands: VecDeque::new(),
            chat: VecDeque::new(),
            next_chat_seq: 1,
            locked: false,
            waiting_room: true,
            banned_devices: seed.banned_devices,
            ended: false,
            show: seed.run_of_show,
            round: None,
            library: seed.energizers,
            energizer: None,
            last_break_at,
            break_nudge_minutes: seed.break_nudge_minutes,
            nudged_for: None,
            pulse: None,
            next_pulse_id: 1,
            summary: Summary::restore(seed.summary),
            previous_outcomes: seed.previous_outcomes,
            talk_time_due: None,
            talk_time_sent_at: None,
            support: BTreeMap::new(),
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
            Command::Act { conn, action } => Some(self.act(conn, action, now, &mut out)),
            Command::Disconnected { conn } => {
                self.disconnected(conn, now, &mut out);
                None
            }
            Command::Media(event) => {
                self.media_event(event, now, &mut out);
                None
            }
            Command::Tick => {
                self.send_talk_time(now, &mut out);
                self.expire_graces(now, &mut out);
                self.fire_warnings(now, &mut out);
                self.nudge_for_break(now, &mut out);
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
        let graces = self
            .people
            .values()
            .filter_map(|p| p.dropped_at.map(|at| at + self.config.grace_ms));
        graces
            .chain(self.show.next_deadline())
            .chain(self.break_due())
            .chain(self.talk_time_due)
            .min()
    }

    /// No one holds a place: the actor may stop and forget the chat.
    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    pub fn is_ended(&self) -> bool {
        self.ended
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
            Action::GetState => Ok(Reply::State(Box::new(self.snapshot_for(me)))),
            Action::AcceptRules => self.accept_rules(me, out),
            Action::Chat { text } => self.chat(me, &text, now, out),
            Action::RaiseHand => self.raise_hand(me, out),
            Action::LowerHand { of } => self.lower_hand(of.unwrap_or(me), out),
            Action::CallNextHand => self.call_next_hand(out),
            Action::React(reaction) => self.react(me, reaction, out),
            Action::Admit(id) => self.admit(id, out),
            Action::Decline(id) => self.decline(id, now, out),
            Action::AdmitAll => self.admit_all(out),
            Action::SetWaitingRoom(enabled) => self.set_waiting_room(enabled, out),
            Action::SetLocked(locked) => self.set_locked(locked, out),
            Action::Remove(id) => self.remove(me, id, now, out),
            Action::AskToMute(id) => self.ask_to_mute(me, id, out),
            Action::SetRole { of, role } => self.set_role(me, of, role, out),
            Action::EndSession => self.end_session(now, out),
            Action::Leave => self.leave(me, now, out),
            Action::StartSession
            | Action::NextSegment
            | Action::PreviousSegment
            | Action::PauseClock
            | Action::ResumeClock
            | Action::Extend { .. }
            | Action::AddSegment { .. }
            | Action::UpdateSegment { .. }
            | Action::RemoveSegment { .. }
            | Action::MoveSegment { .. } => self.run_of_show(action, now, out),
            Action::StartRound { order, seed } => self.start_round(order, seed, out),
            Action::NextSpeaker => self.next_speaker(out),
            Action::Pass => self.pass(me, out),
            Action::EndRound => self.end_round(out),
            Action::ShowRules => self.show_rules(out),
            Action::SetGroundRules(rules) => self.set_ground_rules(rules, out),
            Action::ListEnergizers => Ok(Reply::Energizers(self.library.to_vec())),
            Action::LaunchEnergizer { id, seated } => self.launch_energizer(&id, seated, now, out),
            Action::ImBack => self.im_back(me, out),
            Action::EndEnergizer => self.end_energizer(now, out),
            Action::StartPulse { question, kind } => self.start_pulse(question, kind, out),
            Action::AnswerPulse { pulse, answer } => self.answer_pulse(me, pulse, answer, out),
            Action::ClosePulse => self.close_pulse(out),
            Action::SharePulse => self.share_pulse(out),
            Action::ChangeSummary { key, change } => self.change_summary(&key, change, out),
            Action::ProposeSummaryItem { kind, text } => self.propose(kind, &text, out),
            Action::DeclineProposal(id) => self.decline_proposal(id, out),
            Action::SetMediaState { audio, video } => self.set_media_state(me, audio, video, now, out),
            Action::NeedSupport => self.need_support(me, now, out),
            Action::AcknowledgeSupport(id) => self.acknowledge_support(id, out),
            Action::Mute(id) => self.host_mute(me, id, false, now, out),
            Action::StopVideo(id) => self.host_mute(me, id, true, now, out),
            Action::MediaOffer { sdp } => self.signal(MediaCommand::Offer { participant: me, sdp }, out),
            Action::MediaAnswer { sdp } => self.signal(MediaCommand::Answer { participant: me, sdp }, out),
            Action::IceCandidate(candidate) => self.signal(
                MediaCommand::Candidate {
                    participant: me,
                    candidate,
                },
                out,
            ),
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
            ground_rules: self.session.ground_rules.clone(),
            run_of_show: self.show.clone(),
            round: self.round_view(),
            energizer: self.energizer_view(),
            energizer_progress: if is_host { self.energizer_progress() } else { None },
            pulse: self.pulse_view_for(me),
            summary: self.summary_view(is_host),
            previous_outcomes: self.previous_outcomes.clone(),
            talk_time: is_host.then(|| self.talk_time(self.now)),
            support_requests: is_host.then(|| self.support_requests()),
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
