//! Leaving on purpose and coming back within the grace: everyone is told at
//! once, the place is kept out of sight, and a resume brings the person back
//! with their role, gate and hand's place, even into a locked room. Time is
//! passed in, so the grace is checked to the millisecond. And coming back
//! later (the place gone, or the server restarted): someone who has been in
//! goes straight in again.

use serde_json::json;

use super::tests::*;
use super::*;
use crate::protocol::presence::Gate;

/// A resume with the resume token of whoever joined on `conn`.
fn resume(room: &mut Room, conn: u64, new_conn: u64, now: Millis) -> Outcome {
    room.handle(
        Command::Resume {
            conn: ConnId(new_conn),
            resume_hash: key(1000 + conn),
        },
        now,
    )
}

/// A participant on `conn` who accepted the rules and was admitted.
fn admitted(room: &mut Room, conn: u64) -> ParticipantId {
    let id = you(join(room, conn, Role::Participant).0);
    act(room, conn, json!({"type": "accept_rules"})).unwrap();
    act(room, 1, json!({"type": "admit", "participant": id})).unwrap();
    id
}

#[test]
fn leaving_tells_the_room_at_once_and_takes_the_hand_and_media_away() {
    let (mut room, _, guest) = room_with_two();
    act(&mut room, 2, json!({"type": "raise_hand"})).unwrap();
    let (reply, effects) = act_at(&mut room, 2, json!({"type": "leave"}), T0);
    reply.unwrap();
    assert!(effects.contains(&Effect::Close {
        conn: ConnId(2),
        reason: CloseReason::Left
    }));
    assert!(effects.contains(&Effect::Media(media::MediaCommand::Detach { participant: guest })));
    let to_host = events_to(&effects, 1);
    assert!(to_host.contains(&json!({"type": "participant_left", "participant": guest, "reason": "left"})));
    assert!(to_host.contains(&json!({"type": "hands", "queue": []})));
    let seen = state(&mut room, 1);
    assert_eq!(seen.participants.len(), 1);
    assert!(
        seen.waiting.unwrap().is_empty(),
        "someone who left is not waiting either"
    );
    // The old connection is no one's any more.
    assert_eq!(
        act(&mut room, 2, json!({"type": "raise_hand"})),
        Err(RoomError::NotJoined)
    );
}

#[test]
fn someone_who_left_comes_back_within_the_grace_with_role_and_hand_even_into_a_locked_room() {
    let (mut room, host, guest) = room_with_two();
    let other = admitted(&mut room, 3);
    act(&mut room, 2, json!({"type": "raise_hand"})).unwrap();
    act(&mut room, 3, json!({"type": "raise_hand"})).unwrap();
    act(
        &mut room,
        1,
        json!({"type": "set_role", "participant": guest, "role": "co_facilitator"}),
    )
    .unwrap();

    act_at(&mut room, 2, json!({"type": "leave"}), T0 + 1_000).0.unwrap();
    act(&mut room, 1, json!({"type": "set_locked", "locked": true})).unwrap();
    assert_eq!(state(&mut room, 1).hands, vec![other]);
    // Out of sight: no host control reaches the place kept.
    for control in [
        json!({"type": "mute", "participant": guest}),
        json!({"type": "admit", "participant": guest}),
        json!({"type": "decline", "participant": guest}),
        json!({"type": "remove", "participant": guest}),
        json!({"type": "lower_hand", "participant": guest}),
    ] {
        assert_eq!(
            act(&mut room, 1, control.clone()),
            Err(RoomError::NotFound),
            "{control}"
        );
    }
    assert_eq!(room.next_deadline(), Some(T0 + 1_000 + 30_000));

    let back = resume(&mut room, 2, 9, T0 + 1_000 + 29_999);
    let Some(Ok(Reply::Entered(entered))) = &back.reply else {
        panic!("expected to be back, got {:?}", back.reply);
    };
    assert_eq!(entered.you, guest);
    assert_eq!(entered.role, Role::CoFacilitator);
    assert!(entered.gate.open(), "no new admission, no rules again");
    // Their own room first, with their hand where it stood.
    let mine = events_to(&back.effects, 9);
    assert_eq!(kinds(&mine)[0], "room_state");
    assert_eq!(mine[0]["hands"], json!([guest, other]));
    let to_host = events_to(&back.effects, 1);
    assert!(to_host.iter().any(|e| e["type"] == "participant_joined"
        && e["participant"]["id"] == json!(guest)
        && e["participant"]["role"] == "co_facilitator"));
    assert!(to_host.contains(&json!({"type": "hands", "queue": [guest, other]})));
    assert!(
        back.effects
            .contains(&Effect::Media(media::MediaCommand::Attach { participant: guest }))
    );
    assert_eq!(room.next_deadline(), None);
    assert_eq!(state(&mut room, 9).participants.len(), 3);
    assert!(state(&mut room, 1).participants.iter().any(|p| p.id == host));
}

#[test]
fn a_place_kept_after_leaving_frees_its_seat_and_is_gone_after_the_grace() {
    let mut room = room();
    join(&mut room, 1, Role::Facilitator).0.unwrap();
    admitted(&mut room, 2);
    admitted(&mut room, 3);
    let leaving = admitted(&mut room, 4);
    act_at(&mut room, 4, json!({"type": "leave"}), T0).0.unwrap();

    // The session takes three participants: the seat is free for a newcomer
    // at once, and the one who left still comes back within the grace.
    admitted(&mut room, 5);
    let back = resume(&mut room, 4, 8, T0 + 10_000);
    assert!(matches!(&back.reply, Some(Ok(Reply::Entered(e))) if e.you == leaving));
    act_at(&mut room, 8, json!({"type": "leave"}), T0 + 20_000).0.unwrap();

    assert!(room.handle(Command::Tick, T0 + 49_999).effects.is_empty());
    assert_eq!(room.next_deadline(), Some(T0 + 50_000));
    let expired = room.handle(Command::Tick, T0 + 50_000);
    assert!(
        expired.effects.is_empty(),
        "everyone was told when they left: {:?}",
        expired.effects
    );
    assert_eq!(room.next_deadline(), None);
    assert_eq!(
        resume(&mut room, 4, 9, T0 + 50_001).reply,
        Some(Err(RoomError::ResumeFailed))
    );
    assert!(state(&mut room, 1).participants.iter().all(|p| p.id != leaving));
}

#[test]
fn someone_who_left_the_waiting_room_comes_back_to_it() {
    let mut room = room();
    join(&mut room, 1, Role::Facilitator).0.unwrap();
    let waiting = you(join(&mut room, 2, Role::Participant).0);
    act(&mut room, 2, json!({"type": "accept_rules"})).unwrap();
    let (_, effects) = act_at(&mut room, 2, json!({"type": "leave"}), T0);
    assert!(events_to(&effects, 1).contains(&json!({"type": "waiting_room", "waiting": []})));

    let back = resume(&mut room, 2, 7, T0 + 5_000);
    let Some(Ok(Reply::Entered(entered))) = &back.reply else {
        panic!("expected to be back, got {:?}", back.reply);
    };
    assert!(entered.gate.rules_accepted && !entered.gate.admitted);
    let list = events_to(&back.effects, 1);
    assert_eq!(kinds(&list), ["waiting_room"]);
    assert_eq!(list[0]["waiting"][0]["id"], json!(waiting));
    act(&mut room, 1, json!({"type": "admit", "participant": waiting})).unwrap();
    assert!(state(&mut room, 7).participants.iter().any(|p| p.id == waiting));
}

#[test]
fn someone_who_has_been_in_comes_back_past_the_rules_and_the_wait_even_after_a_restart() {
    let mut room = room();
    join(&mut room, 1, Role::Facilitator).0.unwrap();
    // Entering is stored, once, before the room is shown.
    let id = you(join(&mut room, 2, Role::Participant).0);
    act(&mut room, 2, json!({"type": "accept_rules"})).unwrap();
    let (reply, effects) = act_at(&mut room, 1, json!({"type": "admit", "participant": id}), T0);
    reply.unwrap();
    let stored = Effect::Persist(Persist::EnteredRoom { device_hash: key(2) });
    assert_eq!(effects.iter().filter(|e| **e == stored).count(), 1, "{effects:?}");

    // The server restarts: the room is rebuilt with what was stored. The same
    // device joins afresh (new connection, new place) and is in at once; a
    // stranger still waits and reads the rules.
    let mut seed = seed();
    seed.entered_devices = [key(2)].into();
    let mut rebuilt = Room::new(seed, RoomConfig::default());
    join(&mut rebuilt, 1, Role::Facilitator).0.unwrap();
    let request = JoinRequest {
        conn: ConnId(7),
        role: Role::Participant,
        name: "back".into(),
        device_hash: key(2),
        resume_hash: key(77),
    };
    let outcome = rebuilt.handle(Command::Join(request), T0 + 60_000);
    let back = outcome.reply.expect("a reply");
    assert_eq!(
        gate(&back),
        Gate {
            rules_accepted: true,
            admitted: true
        }
    );
    assert!(kinds(&events_to(&outcome.effects, 7)).contains(&"room_state"));
    assert!(
        !outcome.effects.iter().any(|e| matches!(e, Effect::Persist(_))),
        "known already: nothing more stored"
    );
    let stranger = join(&mut rebuilt, 3, Role::Participant).0;
    assert_eq!(
        gate(&stranger),
        Gate {
            rules_accepted: false,
            admitted: false
        }
    );

    // The door still holds: a locked room refuses them like anyone else.
    act(&mut rebuilt, 1, json!({"type": "set_locked", "locked": true})).unwrap();
    let request = JoinRequest {
        conn: ConnId(8),
        role: Role::Participant,
        name: "again".into(),
        device_hash: key(2),
        resume_hash: key(78),
    };
    let outcome = rebuilt.handle(Command::Join(request), T0 + 61_000);
    assert!(matches!(outcome.reply, Some(Err(RoomError::Locked))));
}

#[test]
fn how_many_devices_a_room_remembers_is_bounded() {
    let mut room = room();
    join(&mut room, 1, Role::Facilitator).0.unwrap();
    act(&mut room, 1, json!({"type": "set_waiting_room", "enabled": false})).unwrap();
    let mut stored = 0;
    // One after another, each on a new device: in, then gone for good.
    for n in 0..(REMEMBERED_ENTRIES as u64 + 50) {
        let (conn, now) = (10 + n, T0 + n as i64 * 100_000);
        let request = JoinRequest {
            conn: ConnId(conn),
            role: Role::Participant,
            name: format!("person {n}"),
            device_hash: key(conn),
            resume_hash: key(100_000 + conn),
        };
        room.handle(Command::Join(request), now).reply.unwrap().unwrap();
        let (reply, effects) = act_at(&mut room, conn, json!({"type": "accept_rules"}), now);
        reply.unwrap();
        stored += effects
            .iter()
            .filter(|e| matches!(e, Effect::Persist(Persist::EnteredRoom { .. })))
            .count();
        room.handle(Command::Disconnected { conn: ConnId(conn) }, now);
        room.handle(Command::Tick, now + 60_000);
    }
    assert_eq!(stored, REMEMBERED_ENTRIES);
}
