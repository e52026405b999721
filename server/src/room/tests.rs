//! The room's logic, driven with time passed in: no sockets, no sleeps.
//! Requests are written as a client sends them, and events read as JSON,
//! so these tests also pin the wire's names and shapes.

use serde_json::{Value, json};

use super::*;
use crate::protocol::presence::{Gate, RoomState};

pub(super) const T0: Millis = 1_800_000_000_000;

pub(super) fn session() -> SessionInfo {
    SessionInfo {
        id: "s1".into(),
        title: "Tuesday group".into(),
        starts_at: T0,
        ends_at: T0 + 3_600_000,
        capacity: 3,
        ground_rules: vec!["What is said here stays here.".into()],
        one_on_one: false,
        e2ee: crate::protocol::e2ee::E2eePolicy::Off,
    }
}

pub(super) fn seed() -> RoomSeed {
    let library: std::sync::Arc<[crate::energizers::Energizer]> = crate::energizers::builtin().into();
    RoomSeed::fresh(session(), library)
}

pub(super) fn room() -> Room {
    Room::new(seed(), RoomConfig::default())
}

pub(super) fn key(n: u64) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..8].copy_from_slice(&n.to_le_bytes());
    k
}

pub(super) fn join(room: &mut Room, conn: u64, role: Role) -> (Result<Reply, RoomError>, Vec<Effect>) {
    let request = JoinRequest {
        conn: ConnId(conn),
        role,
        name: format!("person {conn}"),
        device_hash: key(conn),
        resume_hash: key(1000 + conn),
    };
    let outcome = room.handle(Command::Join(request), T0);
    (outcome.reply.expect("join has a reply"), outcome.effects)
}

/// A request as a client writes it.
pub(super) fn request(message: Value) -> RoomRequest {
    serde_json::from_value(message.clone()).unwrap_or_else(|e| panic!("{message}: {e}"))
}

pub(super) fn act(room: &mut Room, conn: u64, message: Value) -> Result<Reply, RoomError> {
    act_at(room, conn, message, T0).0
}

pub(super) fn act_at(
    room: &mut Room,
    conn: u64,
    message: Value,
    now: Millis,
) -> (Result<Reply, RoomError>, Vec<Effect>) {
    let command = Command::Act {
        conn: ConnId(conn),
        request: request(message),
    };
    let outcome = room.handle(command, now);
    (outcome.reply.expect("a request has a reply"), outcome.effects)
}

/// The events sent to `conn`, as the JSON that goes on the wire.
pub(super) fn events_to(effects: &[Effect], conn: u64) -> Vec<Value> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send { conn: c, event } if *c == ConnId(conn) => {
                Some(serde_json::to_value(event).expect("events serialize"))
            }
            _ => None,
        })
        .collect()
}

/// The `"type"` of each event.
pub(super) fn kinds(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap_or("?")).collect()
}

pub(super) fn you(reply: Result<Reply, RoomError>) -> ParticipantId {
    match reply {
        Ok(Reply::Entered(entered)) => entered.you,
        other => panic!("expected joined, got {other:?}"),
    }
}

pub(super) fn gate(reply: &Result<Reply, RoomError>) -> Gate {
    match reply {
        Ok(Reply::Entered(entered)) => entered.gate,
        other => panic!("expected joined, got {other:?}"),
    }
}

/// A facilitator on conn 1 and a participant on conn 2 who is in the room.
pub(super) fn room_with_two() -> (Room, ParticipantId, ParticipantId) {
    let mut room = room();
    let host = you(join(&mut room, 1, Role::Facilitator).0);
    let guest = you(join(&mut room, 2, Role::Participant).0);
    act(&mut room, 2, json!({"type": "accept_rules"})).unwrap();
    act(&mut room, 1, json!({"type": "admit", "participant": guest})).unwrap();
    (room, host, guest)
}

pub(super) fn state(room: &mut Room, conn: u64) -> RoomState {
    match act(room, conn, json!({"type": "get_state"})) {
        Ok(Reply::Message(message)) => match *message {
            RoomEvent::Presence(crate::protocol::presence::PresenceEvent::RoomState(state)) => *state,
            other => panic!("expected room_state, got {other:?}"),
        },
        other => panic!("expected room_state, got {other:?}"),
    }
}

#[test]
fn a_facilitator_enters_at_once_and_a_participant_waits() {
    let mut room = room();
    let (reply, effects) = join(&mut room, 1, Role::Facilitator);
    assert_eq!(
        gate(&reply),
        Gate {
            rules_accepted: true,
            admitted: true
        }
    );
    assert_eq!(kinds(&events_to(&effects, 1)), ["room_state"]);

    let (reply, effects) = join(&mut room, 2, Role::Participant);
    assert_eq!(
        gate(&reply),
        Gate {
            rules_accepted: false,
            admitted: false
        }
    );
    // The host sees the newcomer in the waiting room; the newcomer sees no room.
    let to_host = events_to(&effects, 1);
    assert_eq!(kinds(&to_host), ["waiting_room"]);
    assert_eq!(to_host[0]["waiting"].as_array().map(Vec::len), Some(1));
    assert!(events_to(&effects, 2).is_empty());
    assert_eq!(
        act(&mut room, 2, json!({"type": "chat", "text": "hi"})),
        Err(RoomError::NotInRoom)
    );
    assert_eq!(
        act(&mut room, 2, json!({"type": "get_state"})),
        Err(RoomError::NotInRoom)
    );
}

#[test]
fn the_gate_opens_only_when_admitted_and_rules_accepted_in_either_order() {
    for rules_first in [true, false] {
        let mut room = room();
        join(&mut room, 1, Role::Facilitator).0.unwrap();
        let guest = you(join(&mut room, 2, Role::Participant).0);
        let first = if rules_first {
            json!({"type": "accept_rules"})
        } else {
            json!({"type": "admit", "participant": guest})
        };
        let (conn, second) = if rules_first {
            (1, json!({"type": "admit", "participant": guest}))
        } else {
            (2, json!({"type": "accept_rules"}))
        };
        let (_, effects) = act_at(&mut room, if rules_first { 2 } else { 1 }, first, T0);
        assert_eq!(kinds(&events_to(&effects, 2)), ["gate"], "half-way is not in");
        let (_, effects) = act_at(&mut room, conn, second, T0);
        assert_eq!(kinds(&events_to(&effects, 2)), ["room_state"]);
        assert!(
            events_to(&effects, 1)
                .iter()
                .any(|e| e["type"] == "participant_joined" && e["participant"]["id"] == json!(guest))
        );
    }
}

#[test]
fn turning_the_waiting_room_off_admits_the_waiting_and_later_joiners() {
    let mut room = room();
    join(&mut room, 1, Role::Facilitator).0.unwrap();
    let early = you(join(&mut room, 2, Role::Participant).0);
    act(&mut room, 1, json!({"type": "set_waiting_room", "enabled": false})).unwrap();
    let late = join(&mut room, 3, Role::Participant).0;
    assert!(gate(&late).admitted);
    let waiting = state(&mut room, 1).waiting.unwrap();
    assert!(waiting.iter().all(|w| w.admitted), "{waiting:?}");
    assert!(waiting.iter().any(|w| w.id == early));
}

#[test]
fn chat_reaches_everyone_in_the_room_in_order_and_is_kept_for_newcomers() {
    let (mut room, _, _) = room_with_two();
    let (_, first) = act_at(&mut room, 1, json!({"type": "chat", "text": " first "}), T0 + 1);
    let (_, second) = act_at(&mut room, 2, json!({"type": "chat", "text": "second"}), T0 + 2);
    for conn in [1, 2] {
        let lines: Vec<(u64, String)> = events_to(&first, conn)
            .into_iter()
            .chain(events_to(&second, conn))
            .filter(|e| e["type"] == "chat")
            .map(|e| {
                (
                    e["seq"].as_u64().unwrap_or(0),
                    e["text"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        assert_eq!(lines, vec![(1, "first".into()), (2, "second".into())]);
    }
    assert_eq!(state(&mut room, 2).chat.len(), 2);
    assert_eq!(
        act(&mut room, 2, json!({"type": "chat", "text": "   "})),
        Err(RoomError::Invalid("a chat message cannot be empty"))
    );
    assert!(act(&mut room, 2, json!({"type": "chat", "text": "x".repeat(2001)})).is_err());
}

#[test]
fn the_hand_queue_is_first_come_first_served() {
    let mut room = room();
    room.config.grace_ms = 1_000;
    join(&mut room, 1, Role::Facilitator).0.unwrap();
    act(&mut room, 1, json!({"type": "set_waiting_room", "enabled": false})).unwrap();
    let ids: Vec<ParticipantId> = (2..=4)
        .map(|conn| {
            let id = you(join(&mut room, conn, Role::Participant).0);
            act(&mut room, conn, json!({"type": "accept_rules"})).unwrap();
            id
        })
        .collect();
    for conn in [3, 2, 4, 3] {
        act(&mut room, conn, json!({"type": "raise_hand"})).unwrap();
    }
    assert_eq!(
        state(&mut room, 1).hands,
        vec![ids[1], ids[0], ids[2]],
        "raising twice keeps the first place"
    );

    let (_, effects) = act_at(&mut room, 1, json!({"type": "call_next_hand"}), T0);
    assert!(events_to(&effects, 2).contains(&json!({"type": "hand_called", "participant": ids[1]})));
    assert_eq!(state(&mut room, 1).hands, vec![ids[0], ids[2]]);

    assert_eq!(
        act(&mut room, 2, json!({"type": "lower_hand", "participant": ids[2]})),
        Err(RoomError::Forbidden)
    );
    act(&mut room, 2, json!({"type": "lower_hand", "participant": ids[0]})).unwrap();
    act(&mut room, 1, json!({"type": "lower_hand", "participant": ids[2]})).unwrap();
    assert!(state(&mut room, 1).hands.is_empty());
}

#[test]
fn a_host_lowers_every_hand_at_once_and_everyone_sees_the_empty_queue() {
    let (mut room, _, _) = room_with_two();
    act(&mut room, 1, json!({"type": "raise_hand"})).unwrap();
    act(&mut room, 2, json!({"type": "raise_hand"})).unwrap();
    let (reply, effects) = act_at(&mut room, 1, json!({"type": "lower_all_hands"}), T0);
    reply.unwrap();
    for conn in [1, 2] {
        assert_eq!(events_to(&effects, conn), vec![json!({"type": "hands", "queue": []})]);
    }
    assert!(state(&mut room, 2).hands.is_empty());
    // With no hand up there is nothing to tell anyone.
    let (_, effects) = act_at(&mut room, 1, json!({"type": "lower_all_hands"}), T0);
    assert!(effects.is_empty());
}

#[test]
fn every_host_control_is_refused_to_a_participant_and_changes_nothing() {
    let (mut room, host, _) = room_with_two();
    let waiting = you(join(&mut room, 3, Role::Participant).0);
    act(&mut room, 1, json!({"type": "raise_hand"})).unwrap();
    // Every request the permission table keeps for hosts, as the protocol
    // doc writes it, aimed at real people where it names someone.
    let host_only = peer_room_testkit::protocol_doc::restricted_requests(|id| match id {
        4 => json!(host),
        _ => json!(waiting),
    });
    assert!(host_only.len() > 40, "{host_only:?}");
    for message in host_only {
        let before = state(&mut room, 1);
        let (reply, effects) = act_at(&mut room, 2, message.clone(), T0);
        assert_eq!(reply, Err(RoomError::Forbidden), "{message}");
        assert!(effects.is_empty(), "{message} had effects {effects:?}");
        assert_eq!(state(&mut room, 1), before, "{message} changed the room");
    }
}

#[test]
fn a_co_facilitator_hosts_but_cannot_end_the_session_or_touch_the_facilitator() {
    let (mut room, host, guest) = room_with_two();
    act(
        &mut room,
        1,
        json!({"type": "set_role", "participant": guest, "role": "co_facilitator"}),
    )
    .unwrap();
    act(&mut room, 2, json!({"type": "set_locked", "locked": true})).unwrap();
    assert!(state(&mut room, 1).locked);
    assert_eq!(
        act(&mut room, 2, json!({"type": "end_session"})),
        Err(RoomError::Forbidden)
    );
    assert_eq!(
        act(&mut room, 2, json!({"type": "remove", "participant": host})),
        Err(RoomError::Forbidden)
    );
    assert_eq!(
        act(&mut room, 2, json!({"type": "ask_to_mute", "participant": host})),
        Err(RoomError::Forbidden)
    );
    assert_eq!(
        act(
            &mut room,
            1,
            json!({"type": "set_role", "participant": guest, "role": "facilitator"})
        ),
        Err(RoomError::Invalid(
            "the facilitator role comes only with the facilitator link"
        ))
    );
}

#[test]
fn a_locked_room_refuses_participants_but_not_facilitators() {
    let (mut room, _, _) = room_with_two();
    act(&mut room, 1, json!({"type": "set_locked", "locked": true})).unwrap();
    assert_eq!(join(&mut room, 3, Role::Participant).0, Err(RoomError::Locked));
    assert!(join(&mut room, 4, Role::Facilitator).0.is_ok());
}

#[test]
fn capacity_counts_those_let_in_and_the_waiting_room_has_limits_of_its_own() {
    // Capacity 3: three may be let in; waiting does not take a seat.
    let mut room = room();
    join(&mut room, 1, Role::Facilitator).0.unwrap();
    let waiting: Vec<ParticipantId> = (2..=5)
        .map(|conn| you(join(&mut room, conn, Role::Participant).0))
        .collect();
    for id in &waiting[..3] {
        act(&mut room, 1, json!({"type": "admit", "participant": id})).unwrap();
    }
    assert_eq!(
        act(&mut room, 1, json!({"type": "admit", "participant": waiting[3]})),
        Err(RoomError::Full),
        "a fourth may not be let in"
    );
    assert_eq!(
        join(&mut room, 9, Role::Participant).0,
        Err(RoomError::Full),
        "nor come to wait"
    );
    assert!(
        join(&mut room, 10, Role::Facilitator).0.is_ok(),
        "hosts are not counted"
    );

    // The waiting room holds at most `waiting_capacity`, and arrivals are
    // paced: one holder of the shared link cannot crowd it.
    let config = RoomConfig {
        waiting_capacity: 2,
        arrivals_per_minute: 3,
        ..RoomConfig::default()
    };
    let mut room = Room::new(seed(), config);
    join(&mut room, 1, Role::Facilitator).0.unwrap();
    let first = you(join(&mut room, 2, Role::Participant).0);
    join(&mut room, 3, Role::Participant).0.unwrap();
    assert_eq!(join(&mut room, 4, Role::Participant).0, Err(RoomError::WaitingRoomFull));
    act(&mut room, 1, json!({"type": "decline", "participant": first})).unwrap();
    join(&mut room, 5, Role::Participant).0.unwrap();
    // A place is free again, but three arrived within the minute: not yet.
    act(
        &mut room,
        1,
        json!({"type": "decline", "participant": ParticipantId(3)}),
    )
    .unwrap();
    assert_eq!(join(&mut room, 6, Role::Participant).0, Err(RoomError::WaitingRoomFull));
    let later = JoinRequest {
        conn: ConnId(7),
        role: Role::Participant,
        name: "later".into(),
        device_hash: key(7),
        resume_hash: key(1007),
    };
    let outcome = room.handle(Command::Join(later), T0 + 61_000);
    assert!(
        matches!(outcome.reply, Some(Ok(Reply::Entered(_)))),
        "a minute later, the pace allows one more"
    );
}

#[test]
fn a_declined_device_cannot_come_back_to_wait() {
    let mut room = room();
    join(&mut room, 1, Role::Facilitator).0.unwrap();
    let guest = you(join(&mut room, 2, Role::Participant).0);
    act(&mut room, 1, json!({"type": "decline", "participant": guest})).unwrap();
    // Same device (key 2), new connection.
    let again = JoinRequest {
        conn: ConnId(3),
        role: Role::Participant,
        name: "again".into(),
        device_hash: key(2),
        resume_hash: key(1003),
    };
    assert_eq!(
        room.handle(Command::Join(again), T0).reply,
        Some(Err(RoomError::Declined))
    );
}

#[test]
fn someone_who_comes_in_late_reads_only_what_was_said_after_they_entered() {
    let (mut room, _, guest) = room_with_two();
    act(&mut room, 2, json!({"type": "chat", "text": "said before Alex came"})).unwrap();
    let alex = you(join(&mut room, 3, Role::Participant).0);
    act(&mut room, 3, json!({"type": "accept_rules"})).unwrap();
    let (_, effects) = act_at(&mut room, 1, json!({"type": "admit", "participant": alex}), T0);
    let entered = events_to(&effects, 3);
    assert_eq!(entered[0]["type"], "room_state");
    assert_eq!(
        entered[0]["chat"],
        json!([]),
        "Alex reads nothing said before they came"
    );
    act(&mut room, 2, json!({"type": "chat", "text": "welcome, Alex"})).unwrap();
    let chat = state(&mut room, 3).chat;
    assert_eq!(
        chat.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(),
        ["welcome, Alex"]
    );
    assert_eq!(state(&mut room, 2).chat.len(), 2, "the others keep what they saw");
    let _ = guest;
}

#[test]
fn a_removed_device_cannot_come_back_and_the_ban_is_persisted_first() {
    let (mut room, _, guest) = room_with_two();
    let (reply, effects) = act_at(&mut room, 1, json!({"type": "remove", "participant": guest}), T0);
    reply.unwrap();
    assert_eq!(effects[0], Effect::Persist(Persist::BanDevice { device_hash: key(2) }));
    assert!(effects.contains(&Effect::Close {
        conn: ConnId(2),
        reason: CloseReason::Removed
    }));
    assert!(
        events_to(&effects, 1)
            .contains(&json!({"type": "participant_left", "participant": guest, "reason": "removed"}))
    );
    // Same device, new connection: refused.
    let again = JoinRequest {
        conn: ConnId(9),
        role: Role::Participant,
        name: "back".into(),
        device_hash: key(2),
        resume_hash: key(99),
    };
    assert_eq!(
        room.handle(Command::Join(again), T0).reply,
        Some(Err(RoomError::Removed))
    );
}

#[test]
fn a_dropped_participant_keeps_their_place_for_the_grace_only() {
    let (mut room, _, guest) = room_with_two();
    act(&mut room, 2, json!({"type": "raise_hand"})).unwrap();
    let dropped = room.handle(Command::Disconnected { conn: ConnId(2) }, T0 + 10);
    assert!(
        events_to(&dropped.effects, 1)
            .iter()
            .any(|e| e["type"] == "participant_updated"
                && e["participant"]["id"] == json!(guest)
                && e["participant"]["connected"] == false)
    );
    assert_eq!(room.next_deadline(), Some(T0 + 10 + 30_000));

    // Back within the grace, on a new connection: same place, no new admission.
    let back = room.handle(
        Command::Resume {
            conn: ConnId(7),
            resume_hash: key(1002),
        },
        T0 + 29_000,
    );
    assert!(matches!(&back.reply, Some(Ok(Reply::Entered(e))) if e.you == guest && e.gate.open()));
    assert_eq!(state(&mut room, 7).hands, vec![guest]);
    // No grace runs any more; what is left is the report's count of the hand.
    assert_eq!(room.next_deadline(), Some(T0 + 60_000));
    room.handle(Command::Tick, T0 + 60_000);

    // Dropped again and gone past the grace: they have left, hand and all.
    room.handle(Command::Disconnected { conn: ConnId(7) }, T0 + 40_000);
    let early = room.handle(Command::Tick, T0 + 69_999);
    assert!(early.effects.is_empty());
    let expired = room.handle(Command::Tick, T0 + 70_000);
    assert!(
        events_to(&expired.effects, 1)
            .contains(&json!({"type": "participant_left", "participant": guest, "reason": "timed_out"}))
    );
    assert!(state(&mut room, 1).hands.is_empty());
    let late = room.handle(
        Command::Resume {
            conn: ConnId(8),
            resume_hash: key(1002),
        },
        T0 + 70_001,
    );
    assert_eq!(late.reply, Some(Err(RoomError::ResumeFailed)));
}

#[test]
fn resuming_while_the_old_connection_is_open_replaces_it() {
    let (mut room, _, _) = room_with_two();
    let outcome = room.handle(
        Command::Resume {
            conn: ConnId(5),
            resume_hash: key(1002),
        },
        T0,
    );
    assert!(outcome.effects.contains(&Effect::Close {
        conn: ConnId(2),
        reason: CloseReason::Replaced
    }));
    assert_eq!(
        act(&mut room, 2, json!({"type": "raise_hand"})),
        Err(RoomError::NotJoined)
    );
    act(&mut room, 5, json!({"type": "raise_hand"})).unwrap();
}

#[test]
fn ending_the_session_tells_everyone_forgets_the_chat_and_refuses_joins() {
    let (mut room, _, _) = room_with_two();
    act(&mut room, 2, json!({"type": "chat", "text": "private"})).unwrap();
    let (reply, effects) = act_at(&mut room, 1, json!({"type": "end_session"}), T0 + 5);
    reply.unwrap();
    assert_eq!(effects[0], Effect::Persist(Persist::SessionEnded { at: T0 + 5 }));
    for conn in [1, 2] {
        assert!(events_to(&effects, conn).contains(&json!({"type": "session_ended"})));
        assert!(effects.contains(&Effect::Close {
            conn: ConnId(conn),
            reason: CloseReason::SessionEnded
        }));
    }
    assert!(room.is_ended() && room.is_empty());
    assert!(room.floor.chat_since(0, ParticipantId(1)).is_empty());
    assert_eq!(join(&mut room, 3, Role::Facilitator).0, Err(RoomError::Ended));
}

#[test]
fn declining_sends_the_person_away_but_not_someone_in_the_room() {
    let (mut room, _, guest) = room_with_two();
    let waiting = you(join(&mut room, 3, Role::Participant).0);
    let (reply, effects) = act_at(&mut room, 1, json!({"type": "decline", "participant": waiting}), T0);
    reply.unwrap();
    assert_eq!(events_to(&effects, 3), vec![json!({"type": "declined"})]);
    assert!(state(&mut room, 1).waiting.unwrap().is_empty());
    assert!(act(&mut room, 1, json!({"type": "decline", "participant": guest})).is_err());
    assert_eq!(
        act(&mut room, 1, json!({"type": "admit", "participant": ParticipantId(99)})),
        Err(RoomError::NotFound)
    );
}

#[test]
fn reactions_reach_the_room_and_mute_requests_only_their_target() {
    let (mut room, _, guest) = room_with_two();
    let (_, effects) = act_at(&mut room, 2, json!({"type": "react", "reaction": "me_too"}), T0);
    assert!(events_to(&effects, 1).contains(&json!({"type": "reaction", "from": guest, "reaction": "me_too"})));
    let (_, effects) = act_at(&mut room, 1, json!({"type": "ask_to_mute", "participant": guest}), T0);
    assert_eq!(events_to(&effects, 2), vec![json!({"type": "mute_requested"})]);
    assert!(events_to(&effects, 1).is_empty());
}
