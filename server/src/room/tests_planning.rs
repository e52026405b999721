//! An organizer's changes reaching a live room (`planning.rs`).

use serde_json::json;

use super::tests::*;
use super::*;
use crate::protocol::facilitation::{SegmentDraft, SegmentKind};

fn plan(change: impl FnOnce(&mut Plan)) -> Plan {
    let mut plan = Plan {
        session: session(),
        agenda: Vec::new(),
        cancelled: false,
    };
    change(&mut plan);
    plan
}

fn replan(room: &mut Room, plan: Plan, now: Millis) -> Vec<Effect> {
    let outcome = room.handle(Command::Replanned(Box::new(plan)), now);
    assert!(outcome.reply.is_none());
    outcome.effects
}

fn segment(title: &str, minutes: u32) -> SegmentDraft {
    SegmentDraft {
        title: title.into(),
        kind: SegmentKind::Sharing,
        minutes,
        objective: None,
    }
}

fn planned_end(effects: &[Effect]) -> Option<Millis> {
    effects.iter().find_map(|e| match e {
        Effect::Persist(Persist::RunOfShow(show)) => Some(show.clock.planned_end),
        _ => None,
    })
}

#[test]
fn a_new_title_and_end_reach_everyone_waiting_or_in_and_keep_the_time_a_facilitator_added() {
    let (mut room, _, _) = room_with_two();
    you(join(&mut room, 3, Role::Participant).0);
    act(&mut room, 1, json!({"type": "start_session"})).unwrap();
    act(
        &mut room,
        1,
        json!({"type": "extend", "minutes": 10, "scope": "session"}),
    )
    .unwrap();
    let effects = replan(
        &mut room,
        plan(|p| {
            p.session.title = "Tuesday group (longer)".into();
            p.session.ends_at += 15 * 60_000;
        }),
        T0 + 60_000,
    );
    // The planned end moved by the organizer's 15 minutes on top of the
    // facilitator's 10.
    assert_eq!(planned_end(&effects), Some(T0 + 3_600_000 + 25 * 60_000));
    for conn in [1, 2, 3] {
        let events = events_to(&effects, conn);
        let changed = events.iter().find(|e| e["type"] == "session_changed");
        let changed = changed.unwrap_or_else(|| panic!("conn {conn} got {:?}", kinds(&events)));
        assert_eq!(changed["session"]["title"], "Tuesday group (longer)");
        assert_eq!(changed["session"]["ends_at"], json!(T0 + 3_600_000 + 15 * 60_000));
    }
    // The clock goes to those in the room, not to the waiting.
    assert!(kinds(&events_to(&effects, 2)).contains(&"run_of_show"));
    assert!(!kinds(&events_to(&effects, 3)).contains(&"run_of_show"));
    assert_eq!(room.session().title, "Tuesday group (longer)");
}

#[test]
fn hearing_of_the_same_session_again_changes_nothing() {
    let (mut room, _, _) = room_with_two();
    let changed = plan(|p| p.session.ground_rules.push("Speak from your own experience.".into()));
    let first = replan(&mut room, changed.clone(), T0);
    assert_eq!(kinds(&events_to(&first, 2)), ["ground_rules", "session_changed"]);
    assert!(replan(&mut room, changed, T0 + 1).is_empty());
    assert!(
        replan(
            &mut room,
            plan(|p| p.session.ground_rules.push("Speak from your own experience.".into())),
            T0 + 2
        )
        .is_empty()
    );
}

#[test]
fn a_new_agenda_replaces_the_rooms_before_the_start_and_waits_once_the_clock_runs() {
    let (mut room, _, _) = room_with_two();
    let agenda = vec![segment("Check-in", 10), segment("Sharing", 30)];
    let effects = replan(&mut room, plan(|p| p.agenda = agenda.clone()), T0);
    let titles: Vec<&str> = room.show.segments.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["Check-in", "Sharing"]);
    assert!(kinds(&events_to(&effects, 2)).contains(&"run_of_show"));
    // No session_changed: the session itself is as it was.
    assert!(!kinds(&events_to(&effects, 2)).contains(&"session_changed"));

    act(&mut room, 1, json!({"type": "start_session"})).unwrap();
    let later = vec![segment("Something else", 20)];
    let effects = replan(&mut room, plan(|p| p.agenda = later), T0 + 1_000);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(room.show.segments.len(), 2);
}

#[test]
fn a_larger_capacity_lets_the_next_person_in_and_a_smaller_one_moves_no_one_out() {
    let (mut room, _, _) = room_with_two();
    act(&mut room, 1, json!({"type": "set_waiting_room", "enabled": false})).unwrap();
    // Capacity 3 counts participants: the guest and two more fill it.
    for conn in [3, 4] {
        you(join(&mut room, conn, Role::Participant).0);
    }
    assert_eq!(join(&mut room, 5, Role::Participant).0, Err(RoomError::Full));
    replan(&mut room, plan(|p| p.session.capacity = 4), T0);
    you(join(&mut room, 5, Role::Participant).0);
    replan(&mut room, plan(|p| p.session.capacity = 2), T0);
    assert_eq!(room.door_state().admitted, 4);
}

#[test]
fn a_cancelled_session_closes_the_room_for_everyone_and_says_why() {
    let (mut room, _, _) = room_with_two();
    you(join(&mut room, 3, Role::Participant).0);
    let effects = replan(&mut room, plan(|p| p.cancelled = true), T0 + 7);
    // Cancelled is not ended: nothing says it ended.
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::Persist(Persist::SessionEnded { .. })))
    );
    for conn in [1, 2, 3] {
        assert!(events_to(&effects, conn).contains(&json!({"type": "session_cancelled"})));
        assert!(effects.contains(&Effect::Close {
            conn: ConnId(conn),
            reason: CloseReason::SessionCancelled
        }));
    }
    assert!(room.is_ended() && room.is_empty());
    assert!(replan(&mut room, plan(|p| p.cancelled = true), T0 + 8).is_empty());
}

#[test]
fn another_sessions_plan_is_ignored() {
    let (mut room, _, _) = room_with_two();
    let effects = replan(
        &mut room,
        plan(|p| {
            p.session.id = "s2".into();
            p.cancelled = true;
        }),
        T0,
    );
    assert!(effects.is_empty());
    assert!(!room.is_ended());
}
