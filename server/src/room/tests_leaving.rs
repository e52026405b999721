//! Leaving on purpose and coming back within the grace: everyone is told at
//! once, the place is kept out of sight, and a resume brings the person back
//! with their role, gate and hand's place, even into a locked room. Time is
//! passed in, so the grace is checked to the millisecond.

use serde_json::json;

use super::tests::*;
use super::*;

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
