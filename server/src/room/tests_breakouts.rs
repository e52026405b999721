//! Breakouts, driven with time passed in: who is placed where, what the
//! media layer is told, whose chat reaches whom, the warning and the end,
//! and the cases that go wrong (people leaving, arriving, bad requests).

use serde_json::{Value, json};

use super::media::MediaCommand;
use super::tests::*;
use super::*;

const MINUTE: Millis = 60_000;

/// A facilitator on conn 1 and `guests` participants on conns 2, 3, ...
/// (ids 2, 3, ...), all in the room.
fn room_of(guests: u64) -> Room {
    let mut seed = seed();
    seed.session.capacity = 20;
    let mut room = Room::new(seed, RoomConfig::default());
    you(join(&mut room, 1, Role::Facilitator).0);
    for conn in 2..2 + guests {
        let id = you(join(&mut room, conn, Role::Participant).0);
        act(&mut room, conn, json!({"type": "accept_rules"})).unwrap();
        act(&mut room, 1, json!({"type": "admit", "participant": id})).unwrap();
    }
    room
}

fn places(effects: &[Effect]) -> Option<Vec<(u32, u32)>> {
    effects.iter().rev().find_map(|e| match e {
        Effect::Media(MediaCommand::Places { places }) => {
            let mut places: Vec<(u32, u32)> = places.iter().map(|(p, g)| (p.0, *g)).collect();
            places.sort();
            Some(places)
        }
        _ => None,
    })
}

/// The last `breakouts` event sent to `conn`.
fn breakouts_seen(effects: &[Effect], conn: u64) -> Option<Value> {
    events_to(effects, conn)
        .into_iter()
        .rev()
        .find(|e| e["type"] == "breakouts")
}

/// Pairs plus a triad: 2+3 and 4+5+6, the facilitator in the main room.
fn open(room: &mut Room, minutes: u32) -> Vec<Effect> {
    let (reply, effects) = act_at(
        room,
        1,
        json!({"type": "open_breakouts", "groups": [[2, 3], [4, 5, 6]], "minutes": minutes}),
        T0,
    );
    reply.unwrap();
    effects
}

#[test]
fn opening_places_everyone_at_once_and_tells_the_media_layer() {
    let mut room = room_of(5);
    let effects = open(&mut room, 2);
    assert_eq!(places(&effects), Some(vec![(2, 1), (3, 1), (4, 2), (5, 2), (6, 2)]));
    for conn in 1..=6 {
        let seen = breakouts_seen(&effects, conn).expect("everyone is told");
        assert_eq!(seen["breakouts"]["groups"][0]["members"], json!([2, 3]));
        assert_eq!(seen["breakouts"]["groups"][1]["members"], json!([4, 5, 6]));
        assert_eq!(seen["breakouts"]["ends_at"], json!(T0 + 2 * MINUTE));
        assert_eq!(seen["breakouts"]["ending"], json!(false));
    }
    // Someone who reloads sees where they are.
    let state = state(&mut room, 4);
    assert_eq!(state.breakouts.expect("in room_state").groups[1].members.len(), 3);
}

#[test]
fn chat_and_reactions_stay_in_the_group_and_the_history_keeps_to_it() {
    let mut room = room_of(5);
    open(&mut room, 10);
    let (_, effects) = act_at(&mut room, 2, json!({"type": "chat", "text": "Just us two"}), T0 + 1);
    let heard: Vec<u64> = (1..=6).filter(|c| !events_to(&effects, *c).is_empty()).collect();
    assert_eq!(heard, [2, 3], "the pair only");
    assert_eq!(events_to(&effects, 3)[0]["breakout"], json!(1));
    let (_, effects) = act_at(&mut room, 1, json!({"type": "chat", "text": "Main room"}), T0 + 2);
    let heard: Vec<u64> = (1..=6).filter(|c| !events_to(&effects, *c).is_empty()).collect();
    assert_eq!(heard, [1], "the main room holds the facilitator alone");
    let (_, effects) = act_at(&mut room, 5, json!({"type": "react", "reaction": "heart"}), T0 + 3);
    let seen: Vec<u64> = (1..=6).filter(|c| !events_to(&effects, *c).is_empty()).collect();
    assert_eq!(seen, [4, 5, 6]);
    // A page that reloads gets back what was said where it was, nothing else.
    let chat: Vec<String> = state(&mut room, 3).chat.into_iter().map(|l| l.text).collect();
    assert_eq!(chat, ["Just us two"]);
    assert!(state(&mut room, 4).chat.is_empty());
    // Back together, the room's chat is everyone's again.
    act_at(&mut room, 1, json!({"type": "end_breakouts"}), T0 + 4)
        .0
        .unwrap();
    let (_, effects) = act_at(&mut room, 4, json!({"type": "chat", "text": "Hello all"}), T0 + 5);
    assert!((1..=6).all(|c| !events_to(&effects, c).is_empty()));
    assert!(events_to(&effects, 1)[0].get("breakout").is_none());
}

#[test]
fn a_warning_a_minute_before_the_end_then_everyone_is_back_together() {
    let mut room = room_of(5);
    open(&mut room, 2);
    assert_eq!(room.next_deadline(), Some(T0 + MINUTE));
    assert!(room.handle(Command::Tick, T0 + MINUTE - 1).effects.is_empty());
    let warned = room.handle(Command::Tick, T0 + MINUTE).effects;
    assert_eq!(breakouts_seen(&warned, 6).unwrap()["breakouts"]["ending"], json!(true));
    assert_eq!(room.next_deadline(), Some(T0 + 2 * MINUTE));
    let back = room.handle(Command::Tick, T0 + 2 * MINUTE).effects;
    assert_eq!(places(&back), Some(vec![]), "everyone hears everyone");
    for conn in 1..=6 {
        assert_eq!(breakouts_seen(&back, conn), Some(json!({"type": "breakouts"})));
    }
    assert_eq!(room.next_deadline(), None);
}

#[test]
fn extending_and_a_countdown_move_the_end_and_the_warning() {
    let mut room = room_of(5);
    open(&mut room, 2);
    let (reply, effects) = act_at(
        &mut room,
        1,
        json!({"type": "extend_breakouts", "minutes": 3}),
        T0 + 90_000,
    );
    reply.unwrap();
    let seen = breakouts_seen(&effects, 2).unwrap();
    assert_eq!(seen["breakouts"]["ends_at"], json!(T0 + 5 * MINUTE));
    assert_eq!(seen["breakouts"]["ending"], json!(false));
    // "Bring everyone back in a minute": the warning at once, the end after.
    let (reply, effects) = act_at(
        &mut room,
        1,
        json!({"type": "end_breakouts", "in_seconds": 60}),
        T0 + 2 * MINUTE,
    );
    reply.unwrap();
    let seen = breakouts_seen(&effects, 2).unwrap();
    assert_eq!(seen["breakouts"]["ending"], json!(true));
    assert_eq!(seen["breakouts"]["ends_at"], json!(T0 + 3 * MINUTE));
    assert!(
        room.handle(Command::Tick, T0 + 3 * MINUTE)
            .effects
            .iter()
            .any(|e| matches!(
                e,
                Effect::Media(MediaCommand::Places { places }) if places.is_empty()
            ))
    );
}

#[test]
fn a_visit_is_seen_by_the_group_and_the_host_hears_it() {
    let mut room = room_of(5);
    open(&mut room, 10);
    let (reply, effects) = act_at(&mut room, 1, json!({"type": "visit_breakout", "breakout": 2}), T0 + 1);
    reply.unwrap();
    assert_eq!(places(&effects).unwrap().first(), Some(&(1, 2)));
    let seen = breakouts_seen(&effects, 4).unwrap();
    assert_eq!(seen["breakouts"]["groups"][1]["visitors"], json!([1]));
    let (_, effects) = act_at(&mut room, 4, json!({"type": "chat", "text": "Hi"}), T0 + 2);
    assert!(!events_to(&effects, 1).is_empty(), "the visitor reads the group's chat");
    // And back to the main room.
    act_at(
        &mut room,
        1,
        json!({"type": "visit_breakout", "breakout": null}),
        T0 + 3,
    )
    .0
    .unwrap();
    let groups = state(&mut room, 1).breakouts.unwrap().groups;
    assert!(groups.iter().all(|g| g.visitors.is_empty()));
}

#[test]
fn only_hosts_run_breakouts_and_bad_plans_change_nothing() {
    let mut room = room_of(5);
    let open_as = |room: &mut Room, conn: u64, body: Value| act_at(room, conn, body, T0).0;
    let plan = |groups: Value| json!({"type": "open_breakouts", "groups": groups, "minutes": 5});
    assert_eq!(open_as(&mut room, 2, plan(json!([[2, 3]]))), Err(RoomError::Forbidden));
    assert_eq!(
        open_as(&mut room, 1, plan(json!([[2, 3], [3, 4]]))),
        Err(RoomError::Invalid("someone is in two groups"))
    );
    assert_eq!(
        open_as(&mut room, 1, plan(json!([[2, 3], [4]]))),
        Err(RoomError::Invalid("a breakout needs two people at least"))
    );
    assert_eq!(open_as(&mut room, 1, plan(json!([[2, 99]]))), Err(RoomError::NotFound));
    assert_eq!(
        open_as(&mut room, 1, plan(json!([]))),
        Err(RoomError::Invalid("breakouts are 1 to 50 groups"))
    );
    let too_long = json!({"type": "open_breakouts", "groups": [[2, 3]], "minutes": 61});
    assert_eq!(
        open_as(&mut room, 1, too_long),
        Err(RoomError::Invalid("breakouts last 1 to 60 minutes"))
    );
    assert!(state(&mut room, 1).breakouts.is_none(), "nothing opened");
    for body in [
        json!({"type": "extend_breakouts", "minutes": 5}),
        json!({"type": "end_breakouts"}),
        json!({"type": "visit_breakout", "breakout": 1}),
        json!({"type": "broadcast_to_breakouts", "text": "hi"}),
    ] {
        assert_eq!(
            open_as(&mut room, 1, body),
            Err(RoomError::Invalid("breakouts are not open"))
        );
    }
    open(&mut room, 5);
    assert_eq!(
        open_as(
            &mut room,
            3,
            json!({"type": "move_to_breakout", "participant": 3, "breakout": 2})
        ),
        Err(RoomError::Forbidden)
    );
    assert_eq!(
        open_as(&mut room, 3, json!({"type": "choose_breakout", "breakout": 2})),
        Err(RoomError::Invalid("the facilitator chose the groups"))
    );
    assert_eq!(
        open_as(&mut room, 1, json!({"type": "visit_breakout", "breakout": 9})),
        Err(RoomError::Invalid("there is no breakout with that number"))
    );
    assert_eq!(
        room.breakouts.place_of(ParticipantId(1)),
        None,
        "a wrong number moves no one"
    );
}

#[test]
fn someone_who_leaves_a_pair_does_not_leave_the_other_alone() {
    let mut room = room_of(5);
    open(&mut room, 10);
    let (_, effects) = act_at(&mut room, 3, json!({"type": "leave"}), T0 + 1);
    let seen = breakouts_seen(&effects, 2).unwrap();
    assert_eq!(
        seen["breakouts"]["groups"],
        json!([{"id": 2, "members": [4, 5, 6], "visitors": []}])
    );
    assert_eq!(
        places(&effects),
        Some(vec![(4, 2), (5, 2), (6, 2)]),
        "the one left is in the main room"
    );
    // The triad goes on with two.
    let (_, effects) = act_at(&mut room, 6, json!({"type": "leave"}), T0 + 2);
    assert_eq!(places(&effects), Some(vec![(4, 2), (5, 2)]));
    // The last pair broken: no group is left, breakouts end.
    let (_, effects) = act_at(&mut room, 5, json!({"type": "leave"}), T0 + 3);
    assert_eq!(breakouts_seen(&effects, 4), Some(json!({"type": "breakouts"})));
}

#[test]
fn a_dropped_connection_keeps_its_group_and_a_rejoin_returns_to_it() {
    let mut room = room_of(5);
    open(&mut room, 10);
    // A dropped socket is kept for the grace: nothing moves.
    let effects = room.handle(Command::Disconnected { conn: ConnId(5) }, T0 + 1).effects;
    assert_eq!(places(&effects), None);
    let outcome = room.handle(
        Command::Resume {
            conn: ConnId(50),
            resume_hash: key(1005),
        },
        T0 + 2,
    );
    assert!(outcome.reply.unwrap().is_ok());
    assert_eq!(room.breakouts.place_of(ParticipantId(5)), Some(2));
    // The grace runs out: the place goes; the same link later comes back
    // into the same group, under a new number.
    room.handle(Command::Disconnected { conn: ConnId(50) }, T0 + 3);
    room.handle(Command::Tick, T0 + 3 + 60_000);
    assert_eq!(room.breakouts.place_of(ParticipantId(5)), None);
    let again = you(join_at(&mut room, 5, T0 + 70_000));
    assert_eq!(room.breakouts.place_of(again), Some(2));
}

/// Someone joins on `conn` with that conn's device, at `now`.
fn join_at(room: &mut Room, conn: u64, now: Millis) -> Result<Reply, RoomError> {
    let request = JoinRequest {
        conn: ConnId(conn + 100),
        role: Role::Participant,
        name: format!("person {conn}"),
        device_hash: key(conn),
        resume_hash: key(2000 + conn),
    };
    room.handle(Command::Join(request), now)
        .reply
        .expect("join has a reply")
}

#[test]
fn someone_arriving_during_breakouts_waits_in_the_main_room_until_placed() {
    let mut room = room_of(4);
    act_at(
        &mut room,
        1,
        json!({"type": "open_breakouts", "groups": [[2, 3], [4, 5]], "minutes": 10}),
        T0,
    )
    .0
    .unwrap();
    let late = you(join(&mut room, 9, Role::Participant).0);
    act(&mut room, 9, json!({"type": "accept_rules"})).unwrap();
    act(&mut room, 1, json!({"type": "admit", "participant": late})).unwrap();
    assert_eq!(
        room.breakouts.place_of(late),
        None,
        "in the main room, with the facilitator"
    );
    let (reply, effects) = act_at(
        &mut room,
        1,
        json!({"type": "move_to_breakout", "participant": late, "breakout": 1}),
        T0 + 5,
    );
    reply.unwrap();
    assert!(places(&effects).unwrap().contains(&(late.0, 1)));
}

#[test]
fn when_people_choose_they_pick_a_group_and_may_go_back() {
    let mut room = room_of(3);
    let body = json!({"type": "open_breakouts", "groups": [[], []], "minutes": 10, "choose": true});
    act_at(&mut room, 1, body, T0).0.unwrap();
    act_at(&mut room, 2, json!({"type": "choose_breakout", "breakout": 2}), T0 + 1)
        .0
        .unwrap();
    assert_eq!(room.breakouts.place_of(ParticipantId(2)), Some(2));
    act_at(
        &mut room,
        2,
        json!({"type": "choose_breakout", "breakout": null}),
        T0 + 2,
    )
    .0
    .unwrap();
    assert_eq!(room.breakouts.place_of(ParticipantId(2)), None);
    // An empty group stays open for whoever chooses it.
    assert_eq!(state(&mut room, 1).breakouts.unwrap().groups.len(), 2);
}

#[test]
fn a_message_to_all_groups_reaches_everyone_and_support_still_reaches_the_hosts() {
    let mut room = room_of(5);
    open(&mut room, 10);
    let (reply, effects) = act_at(
        &mut room,
        1,
        json!({"type": "broadcast_to_breakouts", "text": "Two minutes left"}),
        T0 + 1,
    );
    reply.unwrap();
    for conn in 1..=6 {
        assert_eq!(events_to(&effects, conn)[0]["type"], "breakout_message");
    }
    let (_, effects) = act_at(&mut room, 4, json!({"type": "need_support"}), T0 + 2);
    assert_eq!(events_to(&effects, 1)[0]["type"], "support_requests");
}

#[test]
fn a_facilitator_who_drops_leaves_a_co_facilitator_in_charge_and_the_time_still_ends_it() {
    let mut room = room_of(5);
    act(
        &mut room,
        1,
        json!({"type": "set_role", "participant": 2, "role": "co_facilitator"}),
    )
    .unwrap();
    open(&mut room, 2);
    let dropped = room
        .handle(Command::Disconnected { conn: ConnId(1) }, T0 + 1_000)
        .effects;
    assert_eq!(places(&dropped), None, "nothing moves when the facilitator drops");
    // The co-facilitator, in a group, runs them: a minute more, a message.
    let (reply, _) = act_at(
        &mut room,
        2,
        json!({"type": "extend_breakouts", "minutes": 1}),
        T0 + 2_000,
    );
    reply.unwrap();
    let (reply, effects) = act_at(
        &mut room,
        2,
        json!({"type": "broadcast_to_breakouts", "text": "Wrap up"}),
        T0 + 3_000,
    );
    reply.unwrap();
    assert!((2..=6).all(|c| events_to(&effects, c).iter().any(|e| e["type"] == "breakout_message")));
    // The facilitator's place goes; the groups go on, and end on time.
    room.handle(Command::Tick, T0 + 1_000 + 30_000);
    assert!(room.breakouts.is_open());
    let back = room.handle(Command::Tick, T0 + 3 * MINUTE).effects;
    assert_eq!(places(&back), Some(vec![]), "everyone back when the time ends");
}
