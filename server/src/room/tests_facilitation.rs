//! The facilitation toolkit in the room, driven with time passed in.

use serde_json::{Value, json};

use super::agenda::{SegmentDraft, SegmentKind};
use super::tests::*;
use super::*;
use crate::protocol::energy::EnergizerProgress;
use crate::protocol::facilitation::Round as RoundView;

const MINUTE: Millis = 60_000;

pub(super) fn draft(title: &str, minutes: u32) -> SegmentDraft {
    SegmentDraft {
        title: title.into(),
        kind: SegmentKind::Sharing,
        minutes,
        objective: None,
    }
}

fn warnings(effects: &[Effect], conn: u64) -> Vec<Value> {
    events_to(effects, conn)
        .into_iter()
        .filter(|e| e["type"] == "time_warning")
        .collect()
}

fn segment_over(segment: u32) -> Value {
    json!({"type": "time_warning", "kind": "segment_over", "segment": segment})
}

fn session_ending(minutes: u32) -> Value {
    json!({"type": "time_warning", "kind": "session_ending", "minutes": minutes})
}

fn tick(room: &mut Room, now: Millis) -> Vec<Effect> {
    room.handle(Command::Tick, now).effects
}

/// A room of two with an agenda of a 10- and a 20-minute segment, started at T0.
fn started_room() -> (Room, ParticipantId, ParticipantId) {
    let (mut room, host, guest) = room_with_two();
    act(
        &mut room,
        1,
        json!({"type": "add_segment", "segment": draft("Check-in", 10)}),
    )
    .unwrap();
    act(
        &mut room,
        1,
        json!({"type": "add_segment", "segment": draft("Sharing", 20)}),
    )
    .unwrap();
    let (reply, effects) = act_at(&mut room, 1, json!({"type": "start_session"}), T0);
    reply.unwrap();
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Persist(Persist::RunOfShow(_)))),
        "the clock is stored"
    );
    (room, host, guest)
}

#[test]
fn the_clock_sends_absolute_deadlines_that_pause_and_extend_move() {
    let (mut room, _, _) = started_room();
    let clock = room.run_of_show_state().clock.clone();
    assert_eq!(clock.started_at, Some(T0));
    assert_eq!(clock.current_segment, Some(1));
    assert_eq!(clock.segment_deadline, Some(T0 + 10 * MINUTE));
    assert_eq!(clock.planned_end, T0 + 60 * MINUTE);

    // Paused for three minutes: the segment gets those three minutes back;
    // the session's end does not move.
    act_at(&mut room, 1, json!({"type": "pause_clock"}), T0 + 2 * MINUTE)
        .0
        .unwrap();
    assert_eq!(
        room.next_deadline(),
        Some(T0 + 55 * MINUTE),
        "no segment warning while paused"
    );
    act_at(&mut room, 1, json!({"type": "resume_clock"}), T0 + 5 * MINUTE)
        .0
        .unwrap();
    let clock = room.run_of_show_state().clock.clone();
    assert_eq!(clock.segment_deadline, Some(T0 + 13 * MINUTE));
    assert_eq!(clock.planned_end, T0 + 60 * MINUTE);

    act(
        &mut room,
        1,
        json!({"type": "extend", "minutes": 2, "scope": "segment"}),
    )
    .unwrap();
    act(
        &mut room,
        1,
        json!({"type": "extend", "minutes": 10, "scope": "session"}),
    )
    .unwrap();
    let clock = room.run_of_show_state().clock.clone();
    assert_eq!(clock.segment_deadline, Some(T0 + 15 * MINUTE));
    assert_eq!(clock.planned_end, T0 + 70 * MINUTE);

    act_at(&mut room, 1, json!({"type": "next_segment"}), T0 + 16 * MINUTE)
        .0
        .unwrap();
    let clock = room.run_of_show_state().clock.clone();
    assert_eq!(
        (clock.current_segment, clock.segment_deadline),
        (Some(2), Some(T0 + 36 * MINUTE))
    );
    act_at(&mut room, 1, json!({"type": "previous_segment"}), T0 + 17 * MINUTE)
        .0
        .unwrap();
    assert_eq!(room.run_of_show_state().clock.current_segment, Some(1));
}

#[test]
fn warnings_fire_once_each_at_the_right_moment() {
    let (mut room, _, _) = started_room();
    // The check-in segment's time is up at ten minutes, and not a moment before.
    assert!(warnings(&tick(&mut room, T0 + 10 * MINUTE - 1), 2).is_empty());
    let effects = tick(&mut room, T0 + 10 * MINUTE);
    assert_eq!(warnings(&effects, 2), vec![segment_over(1)]);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Persist(Persist::RunOfShow(_)))),
        "fired warnings are stored"
    );
    assert!(
        warnings(&tick(&mut room, T0 + 10 * MINUTE + 1), 2).is_empty(),
        "only once"
    );

    act_at(&mut room, 1, json!({"type": "next_segment"}), T0 + 11 * MINUTE)
        .0
        .unwrap();
    assert_eq!(room.next_deadline(), Some(T0 + 31 * MINUTE));
    // Five and one minutes before the planned end, once each.
    assert_eq!(warnings(&tick(&mut room, T0 + 31 * MINUTE), 1), vec![segment_over(2)]);
    assert_eq!(warnings(&tick(&mut room, T0 + 55 * MINUTE), 1), vec![session_ending(5)]);
    assert!(warnings(&tick(&mut room, T0 + 56 * MINUTE), 1).is_empty());
    assert_eq!(warnings(&tick(&mut room, T0 + 59 * MINUTE), 1), vec![session_ending(1)]);
    assert_eq!(room.next_deadline(), None);

    // Extending the session gives the new end its own warnings.
    act(
        &mut room,
        1,
        json!({"type": "extend", "minutes": 10, "scope": "session"}),
    )
    .unwrap();
    assert_eq!(room.next_deadline(), Some(T0 + 65 * MINUTE));
}

#[test]
fn a_warning_missed_while_the_server_was_down_is_not_sent_late() {
    let (mut room, _, _) = started_room();
    // The server comes back half an hour later: the segment ran out long ago.
    assert!(warnings(&tick(&mut room, T0 + 30 * MINUTE), 2).is_empty());
    assert!(room.run_of_show_state().fired.len() == 1);
}

#[test]
fn agenda_edits_are_checked_and_the_running_segment_is_protected() {
    let (mut room, _, _) = started_room();
    assert_eq!(
        act(&mut room, 1, json!({"type": "remove_segment", "segment_id": 1})),
        Err(RoomError::Invalid(
            "this segment is running: move on before removing it"
        ))
    );
    assert!(act(&mut room, 1, json!({"type": "add_segment", "segment": draft("", 5)})).is_err());
    assert!(
        act(
            &mut room,
            1,
            json!({"type": "add_segment", "segment": draft("Long", 241)})
        )
        .is_err()
    );
    act(
        &mut room,
        1,
        json!({"type": "add_segment", "segment": draft("Wrap-up", 5), "position": 0}),
    )
    .unwrap();
    act(
        &mut room,
        1,
        json!({"type": "move_segment", "segment_id": 3, "position": 9}),
    )
    .unwrap();
    act(
        &mut room,
        1,
        json!({"type": "update_segment", "segment_id": 1, "segment": draft("Check-in", 15)}),
    )
    .unwrap();
    let show = room.run_of_show_state();
    assert_eq!(show.segments.iter().map(|s| s.id).collect::<Vec<_>>(), vec![1, 2, 3]);
    assert_eq!(
        show.clock.segment_deadline,
        Some(T0 + 15 * MINUTE),
        "the running segment follows its new length"
    );
    assert_eq!(
        act(&mut room, 1, json!({"type": "start_session"})),
        Err(RoomError::Invalid("the session has already started"))
    );
}

fn room_of_four() -> Room {
    room_of_four_nudged_after(None)
}

fn room_of_four_nudged_after(break_nudge_minutes: Option<u32>) -> Room {
    let mut room = Room::new(
        RoomSeed {
            break_nudge_minutes,
            ..seed()
        },
        RoomConfig::default(),
    );
    join(&mut room, 1, Role::Facilitator).0.unwrap();
    act(&mut room, 1, json!({"type": "set_waiting_room", "enabled": false})).unwrap();
    for conn in 2..=4 {
        join(&mut room, conn, Role::Participant).0.unwrap();
        act(&mut room, conn, json!({"type": "accept_rules"})).unwrap();
    }
    room
}

fn round_now(room: &mut Room) -> RoundView {
    let round = state(room, 1).round;
    assert!(round.active, "a round is running");
    round
}

#[test]
fn a_round_takes_hands_first_and_lets_anyone_pass() {
    let mut room = room_of_four();
    act(&mut room, 4, json!({"type": "raise_hand"})).unwrap();
    act(&mut room, 1, json!({"type": "start_round", "order": "hands_first"})).unwrap();
    let (p2, p3, p4) = (ParticipantId(2), ParticipantId(3), ParticipantId(4));
    let round = round_now(&mut room);
    assert_eq!(
        round.order,
        vec![p4, p2, p3],
        "hosts are not in the round; hands go first"
    );
    assert_eq!(round.speaker, Some(p4));

    act(&mut room, 3, json!({"type": "pass"})).unwrap(); // in advance
    act(&mut room, 4, json!({"type": "pass"})).unwrap(); // on their turn
    assert_eq!(round_now(&mut room).speaker, Some(p2));
    act(&mut room, 1, json!({"type": "next_speaker"})).unwrap();
    assert_eq!(round_now(&mut room).speaker, None, "3 passed: the round is over");
    assert_eq!(
        act(&mut room, 2, json!({"type": "next_speaker"})),
        Err(RoomError::Forbidden)
    );
    act(&mut room, 1, json!({"type": "end_round"})).unwrap();
    assert!(!state(&mut room, 1).round.active);
    assert!(act(&mut room, 2, json!({"type": "pass"})).is_err());
}

#[test]
fn a_pulse_check_never_shows_one_persons_answer() {
    let mut room = room_of_four();
    act(&mut room, 1, json!({"type": "start_pulse", "kind": "scale"})).unwrap();
    let mut all_events = Vec::new();
    for (conn, value) in [(2, 1), (3, 5)] {
        let (reply, effects) = act_at(
            &mut room,
            conn,
            json!({"type": "answer_pulse", "pulse": 1, "scale": value}),
            T0,
        );
        reply.unwrap();
        all_events.extend(effects);
    }
    // While open, hosts see only how many answered, never a distribution.
    for conn in 1..=4 {
        for view in events_to(&all_events, conn) {
            assert!(view.get("scale").is_none(), "{view}");
        }
    }
    act(&mut room, 1, json!({"type": "close_pulse"})).unwrap();
    let host_view = state(&mut room, 1).pulse.unwrap();
    assert_eq!(host_view.answered, 2);
    assert_eq!(
        host_view.scale, None,
        "two answers could be told apart: nothing is shown"
    );

    // With three answers, the hosts see the distribution; the group once shared.
    act(&mut room, 1, json!({"type": "start_pulse", "kind": "scale"})).unwrap();
    for (conn, value) in [(2, 1), (3, 5), (4, 5)] {
        act(
            &mut room,
            conn,
            json!({"type": "answer_pulse", "pulse": 2, "scale": value}),
        )
        .unwrap();
    }
    assert_eq!(
        act(&mut room, 2, json!({"type": "answer_pulse", "pulse": 2, "scale": 3})),
        Err(RoomError::Invalid("you have already answered"))
    );
    act(&mut room, 1, json!({"type": "close_pulse"})).unwrap();
    assert_eq!(state(&mut room, 1).pulse.unwrap().scale, Some([1, 0, 0, 0, 2]));
    assert_eq!(state(&mut room, 2).pulse.unwrap().scale, None, "not shared yet");
    let (_, effects) = act_at(&mut room, 1, json!({"type": "share_pulse"}), T0);
    match &events_to(&effects, 3)[..] {
        [view] => assert_eq!(view["scale"], json!([1, 0, 0, 0, 2])),
        other => panic!("{other:?}"),
    }
    // A host who comes back later is told it was shared, not offered to share again.
    assert!(state(&mut room, 1).pulse.unwrap().shared);
}

#[test]
fn an_energizer_counts_who_is_back_and_resets_the_break_nudge() {
    let mut room = room_of_four_nudged_after(Some(30));
    act_at(&mut room, 1, json!({"type": "start_session"}), T0).0.unwrap();
    assert_eq!(room.energy.break_due(), Some(T0 + 30 * MINUTE));
    let effects = tick(&mut room, T0 + 30 * MINUTE);
    assert_eq!(
        events_to(&effects, 1),
        vec![json!({"type": "break_nudge", "minutes": 30})]
    );
    assert!(events_to(&effects, 2).is_empty(), "only hosts are nudged");
    assert!(tick(&mut room, T0 + 31 * MINUTE).is_empty(), "once");

    let (_, effects) = act_at(
        &mut room,
        1,
        json!({"type": "launch_energizer", "energizer": "box-breathing", "seated": true}),
        T0 + 32 * MINUTE,
    );
    match &events_to(&effects, 2)[..] {
        [view] => {
            assert_eq!(view["type"], "energizer_started");
            assert_eq!(view["seated"], true);
            assert_eq!(view["ends_at"], json!(T0 + 32 * MINUTE + 90_000));
        }
        other => panic!("{other:?}"),
    }
    let (_, effects) = act_at(&mut room, 2, json!({"type": "im_back"}), T0 + 34 * MINUTE);
    assert_eq!(
        events_to(&effects, 1),
        vec![json!({"type": "energizer_progress", "back": 1, "total": 3})]
    );
    // A host whose page reloads gets the count with the room, no one else does.
    assert_eq!(
        state(&mut room, 1).energizer_progress,
        Some(EnergizerProgress { back: 1, total: 3 })
    );
    assert_eq!(state(&mut room, 2).energizer_progress, None);
    act_at(&mut room, 1, json!({"type": "end_energizer"}), T0 + 35 * MINUTE)
        .0
        .unwrap();
    assert_eq!(
        room.energy.break_due(),
        Some(T0 + 65 * MINUTE),
        "the nudge counts from the break"
    );
    assert!(
        act(
            &mut room,
            1,
            json!({"type": "launch_energizer", "energizer": "no-such", "seated": false})
        )
        .is_err()
    );
}

#[test]
fn summary_changes_are_stored_before_they_are_acknowledged_and_applied_once() {
    let (mut room, _, _) = room_with_two();
    let add = |text: &str| json!({"type": "add_summary_item", "key": "key-000001", "kind": "outcome", "text": text});
    let (reply, effects) = act_at(&mut room, 1, add("rotate the night shifts"), T0);
    reply.unwrap();
    assert!(
        matches!(&effects[0], Effect::Persist(Persist::Summary { key, items, .. }) if key == "key-000001" && items.len() == 1)
    );
    // The same key again: acknowledged, nothing written, nothing changed.
    let (reply, effects) = act_at(&mut room, 1, add("rotate the night shifts"), T0);
    reply.unwrap();
    assert!(effects.is_empty());
    assert_eq!(state(&mut room, 2).summary.items.len(), 1);
}

#[test]
fn proposals_reach_only_the_hosts_until_accepted_and_carry_no_author() {
    let (mut room, _, _) = room_with_two();
    let (_, effects) = act_at(
        &mut room,
        2,
        json!({"type": "propose_summary_item", "kind": "follow_up", "text": "check in next week"}),
        T0,
    );
    assert!(events_to(&effects, 2).is_empty());
    let proposals = match &events_to(&effects, 1)[..] {
        [view] => view["proposals"].as_array().cloned().unwrap(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        state(&mut room, 2).summary.proposals,
        None,
        "participants do not see proposals"
    );
    let accept = json!({"type": "accept_proposal", "key": "accept-0001", "proposal": proposals[0]["id"]});
    let (_, effects) = act_at(&mut room, 1, accept, T0);
    match &events_to(&effects, 2)[..] {
        [view] => assert_eq!(view["items"][0]["text"], "check in next week"),
        other => panic!("{other:?}"),
    }
    let finalize = json!({"type": "finalize_summary", "key": "final-00001"});
    act(&mut room, 1, finalize).unwrap();
    assert!(state(&mut room, 2).summary.finalized);
    assert!(
        act(
            &mut room,
            2,
            json!({"type": "propose_summary_item", "kind": "takeaway", "text": "late"})
        )
        .is_err()
    );
}

#[test]
fn ground_rules_can_be_shown_to_everyone_and_changed_by_the_facilitator() {
    let (mut room, _, _) = room_with_two();
    let (_, effects) = act_at(&mut room, 1, json!({"type": "show_rules"}), T0);
    let shown = events_to(&effects, 2);
    assert_eq!(kinds(&shown), ["rules_shown"]);
    assert_eq!(shown[0]["rules"].as_array().map(Vec::len), Some(1));
    assert!(act(&mut room, 1, json!({"type": "set_ground_rules", "rules": []})).is_err());
    let (_, effects) = act_at(
        &mut room,
        1,
        json!({"type": "set_ground_rules", "rules": [" Be kind. "]}),
        T0,
    );
    assert_eq!(
        effects[0],
        Effect::Persist(Persist::GroundRules(vec!["Be kind.".into()]))
    );
    assert_eq!(state(&mut room, 2).ground_rules, vec!["Be kind.".to_owned()]);
}
