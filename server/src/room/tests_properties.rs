//! The room driven by random sequences of joins, resumes, dropped
//! connections, requests of every kind from every role, and time passing,
//! with its invariants checked after every step:
//! - nothing panics;
//! - a request is accepted only from someone the permission table allows,
//!   and a refused one changes nothing and sends nothing;
//! - the people, the gate, the hands, the round, the waiting list and the
//!   connections agree with each other, and capacity holds;
//! - only the facilitator link makes a facilitator;
//! - a resume puts the person back in the same place.
//!
//! `PROPTEST_CASES` sets how many sequences run (the suite's default is kept
//! small enough for every run of tests/run.sh).

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;
use serde_json::{Value, json};

use super::tests::*;
use super::*;
use crate::protocol::{Permission, Request as _};

#[derive(Clone, Debug)]
enum Op {
    /// A new person, as a facilitator or a participant.
    Join { facilitator: bool },
    /// Person `who` (by arrival) comes back on a new connection.
    Resume { who: usize },
    /// Person `who`'s connection drops.
    Drop { who: usize },
    /// Person `who` sends request `kind`, about person `about`.
    Act {
        who: usize,
        kind: usize,
        about: usize,
        flag: bool,
        n: u8,
    },
    /// Time passes.
    Tick { ms: u32 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => any::<bool>().prop_map(|f| Op::Join { facilitator: f }),
        1 => (0..8usize).prop_map(|who| Op::Resume { who }),
        1 => (0..8usize).prop_map(|who| Op::Drop { who }),
        10 => (0..8usize, 0..REQUESTS, 0..8usize, any::<bool>(), any::<u8>())
            .prop_map(|(who, kind, about, flag, n)| Op::Act { who, kind, about, flag, n }),
        1 => (0..40_000u32).prop_map(|ms| Op::Tick { ms }),
    ]
}

const REQUESTS: usize = 59;

/// One request of every kind there is, filled in from the random values.
fn request(kind: usize, about: u32, flag: bool, n: u8) -> Value {
    let key = format!("key-{n:04}-{about}");
    let segment = json!({"title": format!("Part {n}"), "kind": "sharing", "minutes": 1 + u32::from(n % 30)});
    match kind {
        0 => json!({"type": "get_state"}),
        1 => json!({"type": "accept_rules"}),
        2 => json!({"type": "leave"}),
        3 => json!({"type": "chat", "text": if flag { format!("line {n}") } else { " ".into() }}),
        4 => json!({"type": "raise_hand"}),
        5 => json!({"type": "lower_hand"}),
        6 => json!({"type": "lower_hand", "participant": about}),
        7 => json!({"type": "call_next_hand"}),
        8 => json!({"type": "lower_all_hands"}),
        9 => json!({"type": "react", "reaction": "me_too"}),
        10 => json!({"type": "admit", "participant": about}),
        11 => json!({"type": "decline", "participant": about}),
        12 => json!({"type": "admit_all"}),
        13 => json!({"type": "set_waiting_room", "enabled": flag}),
        14 => json!({"type": "set_locked", "locked": flag}),
        15 => json!({"type": "remove", "participant": about}),
        16 => json!({"type": "ask_to_mute", "participant": about}),
        17 => {
            json!({"type": "set_role", "participant": about, "role": if flag { "co_facilitator" } else { "participant" }})
        }
        18 => json!({"type": "start_session"}),
        19 => json!({"type": "next_segment"}),
        20 => json!({"type": "previous_segment"}),
        21 => json!({"type": if flag { "pause_clock" } else { "resume_clock" }}),
        22 => json!({"type": "extend", "minutes": n % 130, "scope": if flag { "session" } else { "segment" }}),
        23 => json!({"type": "add_segment", "segment": segment}),
        24 => json!({"type": "remove_segment", "segment_id": n % 4}),
        25 => json!({"type": "move_segment", "segment_id": n % 4, "position": about}),
        26 => json!({"type": "start_round", "order": if flag { "shuffled" } else { "hands_first" }}),
        27 => json!({"type": "next_speaker"}),
        28 => json!({"type": "pass"}),
        29 => json!({"type": "end_round"}),
        30 => json!({"type": "show_rules"}),
        31 => json!({"type": "set_ground_rules", "rules": if flag { vec!["Be kind."] } else { vec![] }}),
        32 => json!({"type": "launch_energizer", "energizer": if flag { "box-breathing" } else { "nope" }}),
        33 => json!({"type": "im_back"}),
        34 => json!({"type": "end_energizer"}),
        35 => json!({"type": "start_pulse", "kind": if flag { "scale" } else { "word" }}),
        36 => json!({"type": "answer_pulse", "pulse": 1 + u32::from(n % 3), "scale": 1 + n % 6}),
        37 => json!({"type": if flag { "close_pulse" } else { "share_pulse" }}),
        38 => json!({"type": "add_summary_item", "key": key, "kind": "outcome", "text": format!("item {n}")}),
        39 => json!({"type": "propose_summary_item", "kind": "takeaway", "text": format!("idea {n}")}),
        40 => json!({"type": "accept_proposal", "key": key, "proposal": n % 5}),
        41 => json!({"type": "finalize_summary", "key": key}),
        42 => json!({"type": "set_media_state", "audio": flag, "video": !flag}),
        43 => json!({"type": if flag { "mute" } else { "stop_video" }, "participant": about}),
        44 => json!({"type": "need_support"}),
        45 => json!({"type": "acknowledge_support", "participant": about}),
        46 => {
            let groups = if flag {
                json!([[about, about + 1], [about + 2, about + 3]])
            } else {
                json!([[], [about]])
            };
            json!({"type": "open_breakouts", "groups": groups, "minutes": n % 62, "choose": !flag})
        }
        47 => {
            json!({"type": "move_to_breakout", "participant": about, "breakout": if flag { json!(n % 4) } else { Value::Null }})
        }
        48 => json!({"type": "visit_breakout", "breakout": if flag { json!(n % 4) } else { Value::Null }}),
        49 => json!({"type": "choose_breakout", "breakout": if flag { json!(n % 4) } else { Value::Null }}),
        50 => json!({"type": "extend_breakouts", "minutes": n % 35}),
        51 => json!({"type": "end_breakouts", "in_seconds": u32::from(n) * 3}),
        52 => json!({"type": "broadcast_to_breakouts", "text": if flag { format!("note {n}") } else { String::new() }}),
        53 => json!({"type": if flag { "start_screen_share" } else { "stop_screen_share" }}),
        54 => json!({"type": "allow_screen_share", "participant": about, "allowed": flag}),
        55 => json!({"type": "set_e2ee_key", "public_key": if flag { format!("BKey{n}") } else { "not a key".into() }}),
        56 => {
            json!({"type": "send_media_keys", "keys": [{"to": about, "key": if flag { "c2VhbGVk" } else { "bad key" }}]})
        }
        57 => json!({"type": "set_e2ee", "on": flag}),
        _ => json!({"type": "get_report"}),
    }
}

/// What the test remembers of each person who joined, by arrival.
struct Arrival {
    conn: u64,
    resume: [u8; 32],
    id: Option<ParticipantId>,
}

struct Run {
    room: Room,
    now: Millis,
    arrivals: Vec<Arrival>,
    next_conn: u64,
    facilitators: HashSet<ParticipantId>,
    /// People who came back to a place kept after they left: they get in
    /// even if their seat was taken meanwhile, so each may take the room
    /// one over its capacity (a decision: a Rejoin that works beats a
    /// strict count for half a minute).
    came_back: usize,
}

impl Run {
    fn new() -> Run {
        let config = RoomConfig {
            waiting_capacity: 4,
            arrivals_per_minute: 6,
            ..RoomConfig::default()
        };
        // Encryption offered, so that a host's switch can be turned.
        let mut seed = seed();
        seed.session.e2ee = crate::protocol::e2ee::E2eePolicy::Offered;
        Run {
            room: Room::new(seed, config),
            now: T0,
            arrivals: Vec::new(),
            next_conn: 1,
            facilitators: HashSet::new(),
            came_back: 0,
        }
    }

    fn conn(&mut self) -> u64 {
        self.next_conn += 1;
        self.next_conn
    }

    fn step(&mut self, op: Op) -> Result<(), TestCaseError> {
        match op {
            Op::Join { facilitator } => {
                let conn = self.conn();
                let n = self.arrivals.len() as u64;
                let resume = key(5000 + n);
                let role = if facilitator {
                    Role::Facilitator
                } else {
                    Role::Participant
                };
                let request = JoinRequest {
                    conn: ConnId(conn),
                    role,
                    name: format!("person {n}"),
                    device_hash: key(9000 + n),
                    resume_hash: resume,
                };
                let outcome = self.room.handle(Command::Join(request), self.now);
                let id = match outcome.reply {
                    Some(Ok(Reply::Entered(entered))) => {
                        prop_assert_eq!(entered.role, role);
                        Some(entered.you)
                    }
                    Some(Err(_)) => {
                        prop_assert!(outcome.effects.is_empty(), "a refused join had effects");
                        None
                    }
                    other => return Err(TestCaseError::fail(format!("join answered {other:?}"))),
                };
                if facilitator && let Some(id) = id {
                    self.facilitators.insert(id);
                }
                self.arrivals.push(Arrival { conn, resume, id });
            }
            Op::Resume { who } => {
                let Some(arrival) = self.arrivals.get(who) else {
                    return Ok(());
                };
                let (resume, id) = (arrival.resume, arrival.id);
                let role_before = id.and_then(|id| self.room.people.including_away(id)).map(|p| p.role);
                let was_away = id.is_some_and(|id| self.room.people.away(id).is_some());
                let conn = self.conn();
                let outcome = self.room.handle(
                    Command::Resume {
                        conn: ConnId(conn),
                        resume_hash: resume,
                    },
                    self.now,
                );
                if let Some(Ok(Reply::Entered(entered))) = &outcome.reply {
                    prop_assert_eq!(
                        Some(entered.you),
                        id,
                        "a resume puts the person back in their own place"
                    );
                    prop_assert_eq!(Some(entered.role), role_before);
                    self.arrivals[who].conn = conn;
                    self.came_back += usize::from(was_away);
                } else {
                    prop_assert!(outcome.effects.is_empty(), "a refused resume had effects");
                }
            }
            Op::Drop { who } => {
                if let Some(arrival) = self.arrivals.get(who) {
                    let conn = ConnId(arrival.conn);
                    self.room.handle(Command::Disconnected { conn }, self.now);
                }
            }
            Op::Act {
                who,
                kind,
                about,
                flag,
                n,
            } => {
                let Some(arrival) = self.arrivals.get(who) else {
                    return Ok(());
                };
                let conn = ConnId(arrival.conn);
                let about = self.arrivals.get(about).and_then(|a| a.id).map_or(99, |id| id.0);
                let message = request(kind, about, flag, n);
                let request = super::tests::request(message.clone());
                let asker = self.room.people.on(conn).and_then(|id| self.room.people.get(id));
                let allowed = asker.map(|p| {
                    let needs = request.needs(p.id);
                    match needs {
                        Permission::Joined => true,
                        Permission::InRoom => p.present(),
                        Permission::Host => p.is_host(),
                        Permission::Facilitator => p.role == Role::Facilitator,
                    }
                });
                let watcher = self.room.people.present().next().map(|p| p.id);
                let before = watcher.map(|id| self.room.state_for(id));
                let outcome = self.room.handle(Command::Act { conn, request }, self.now);
                match outcome.reply {
                    Some(Ok(_)) => {
                        prop_assert_eq!(allowed, Some(true), "accepted from someone not allowed: {}", message)
                    }
                    Some(Err(error)) => {
                        prop_assert!(
                            outcome.effects.is_empty(),
                            "{} was refused ({:?}) yet had effects",
                            message,
                            error
                        );
                        if let (Some(id), Some(before)) = (watcher, before) {
                            prop_assert_eq!(
                                self.room.state_for(id),
                                before,
                                "{} was refused yet changed the room",
                                message
                            );
                        }
                    }
                    None => return Err(TestCaseError::fail("a request without a reply")),
                }
            }
            Op::Tick { ms } => {
                self.now += Millis::from(ms);
                self.room.handle(Command::Tick, self.now);
            }
        }
        self.check()
    }

    /// What must hold after every step.
    fn check(&self) -> Result<(), TestCaseError> {
        let room = &self.room;
        let everyone: HashMap<ParticipantId, &super::people::Person> = room.people.all().map(|p| (p.id, p)).collect();
        let present: HashSet<ParticipantId> = room.people.present().map(|p| p.id).collect();
        for person in everyone.values() {
            if let Some(conn) = person.conn {
                prop_assert_eq!(
                    room.people.on(conn),
                    Some(person.id),
                    "a connection maps back to its person"
                );
            }
            if person.role == Role::Facilitator {
                prop_assert!(
                    self.facilitators.contains(&person.id),
                    "a facilitator not made by the facilitator link"
                );
            }
            if person.is_host() {
                prop_assert!(person.present(), "a host is always past the gate");
            }
        }
        let hands = room.floor.hands();
        prop_assert_eq!(
            hands.iter().collect::<HashSet<_>>().len(),
            hands.len(),
            "a hand twice in the queue"
        );
        prop_assert!(
            hands.iter().all(|id| present.contains(id)),
            "a hand of someone not in the room"
        );
        let waiting = room.people.waiting();
        prop_assert!(
            waiting.iter().all(|w| !present.contains(&w.id)),
            "someone both waiting and in"
        );
        let count = room.people.headcount();
        prop_assert!(
            count.admitted <= room.session.capacity as usize + self.came_back,
            "more let in than the room holds"
        );
        if let Some(round) = &room.round {
            prop_assert!(
                round.order.iter().all(|id| present.contains(id)),
                "someone gone is still in the round"
            );
        }
        for signal in room.support_signals() {
            prop_assert!(
                everyone.contains_key(&signal.participant),
                "a support signal of someone gone"
            );
        }
        // Everyone in a breakout group holds a place, in one group only.
        let placed: Vec<ParticipantId> = everyone
            .keys()
            .copied()
            .filter(|id| room.breakouts.place_of(*id).is_some())
            .collect();
        let view = room.breakouts.view(self.now);
        let listed: Vec<ParticipantId> = view
            .iter()
            .flat_map(|b| b.groups.iter().flat_map(|g| g.members.iter().chain(&g.visitors)))
            .copied()
            .collect();
        prop_assert_eq!(
            listed.len(),
            placed.len(),
            "someone in a group who holds no place, or in two groups"
        );
        // A screen is shared by someone here who may share.
        let share = room.screen.view();
        if let Some(sharer) = share.sharer {
            let person = everyone.get(&sharer);
            prop_assert!(person.is_some(), "a share by someone gone");
            prop_assert!(
                person.is_some_and(|p| p.is_host()) || share.allowed.contains(&sharer),
                "a share by someone not allowed"
            );
        }
        if room.is_ended() {
            prop_assert!(room.is_empty(), "an ended session keeps people");
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(200),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_sessions_keep_every_invariant(ops in proptest::collection::vec(op(), 1..80)) {
        let mut run = Run::new();
        // Most sessions have a facilitator and people in the room: start
        // there, so that what only people in the room can do is tried often.
        let (accept, admit) = (1, 10);
        for op in [
            Op::Join { facilitator: true },
            Op::Join { facilitator: false },
            Op::Join { facilitator: false },
            Op::Act { who: 1, kind: accept, about: 0, flag: false, n: 0 },
            Op::Act { who: 2, kind: accept, about: 0, flag: false, n: 0 },
            Op::Act { who: 0, kind: admit, about: 1, flag: false, n: 0 },
            Op::Act { who: 0, kind: admit, about: 2, flag: false, n: 0 },
        ] {
            run.step(op)?;
        }
        for op in ops {
            run.step(op)?;
        }
    }
}
