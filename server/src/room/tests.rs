//! The room's logic, driven with time passed in: no sockets, no sleeps.

use super::*;

pub(super) const T0: Millis = 1_800_000_000_000;

pub(super) fn session() -> SessionInfo {
    SessionInfo {
        id: "s1".into(),
        title: "Tuesday group".into(),
        starts_at: T0,
        ends_at: T0 + 3_600_000,
        capacity: 3,
        ground_rules: vec!["What is said here stays here.".into()],
    }
}

pub(super) fn room() -> Room {
    let library: std::sync::Arc<[crate::energizers::Energizer]> = crate::energizers::builtin().into();
    Room::new(RoomSeed::fresh(session(), library), RoomConfig::default())
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

pub(super) fn act(room: &mut Room, conn: u64, action: Action) -> Result<Reply, RoomError> {
    act_at(room, conn, action, T0).0
}

pub(super) fn act_at(
    room: &mut Room,
    conn: u64,
    action: Action,
    now: Millis,
) -> (Result<Reply, RoomError>, Vec<Effect>) {
    let outcome = room.handle(
        Command::Act {
            conn: ConnId(conn),
            action,
        },
        now,
    );
    (outcome.reply.expect("an action has a reply"), outcome.effects)
}

pub(super) fn events_to(effects: &[Effect], conn: u64) -> Vec<Event> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send { conn: c, event } if *c == ConnId(conn) => Some(event.clone()),
            _ => None,
        })
        .collect()
}

pub(super) fn you(reply: Result<Reply, RoomError>) -> ParticipantId {
    match reply {
        Ok(Reply::Joined { you, .. }) => you,
        other => panic!("expected joined, got {other:?}"),
    }
}

/// A facilitator on conn 1 and a participant on conn 2 who is in the room.
pub(super) fn room_with_two() -> (Room, ParticipantId, ParticipantId) {
    let mut room = room();
    let host = you(join(&mut room, 1, Role::Facilitator).0);
    let guest = you(join(&mut room, 2, Role::Participant).0);
    act(&mut room, 2, Action::AcceptRules).unwrap();
    act(&mut room, 1, Action::Admit(guest)).unwrap();
    (room, host, guest)
}

pub(super) fn state(room: &mut Room, conn: u64) -> Snapshot {
    match act(room, conn, Action::GetState) {
        Ok(Reply::State(snapshot)) => *snapshot,
        other => panic!("expected state, got {other:?}"),
    }
}

#[test]
fn a_facilitator_enters_at_once_and_a_participant_waits() {
    let mut room = room();
    let (reply, effects) = join(&mut room, 1, Role::Facilitator);
    assert!(matches!(
        reply,
        Ok(Reply::Joined {
            gate: Gate {
                rules_accepted: true,
                admitted: true
            },
            ..
        })
    ));
    assert!(matches!(events_to(&effects, 1)[..], [Event::RoomState(_)]));

    let (reply, effects) = join(&mut room, 2, Role::Participant);
    assert!(matches!(
        reply,
        Ok(Reply::Joined {
            gate: Gate {
                rules_accepted: false,
                admitted: false
            },
            ..
        })
    ));
    // The host sees the newcomer in the waiting room; the newcomer sees no room.
    match &events_to(&effects, 1)[..] {
        [Event::WaitingRoom(list)] => assert_eq!(list.len(), 1),
        other => panic!("host got {other:?}"),
    }
    assert!(events_to(&effects, 2).is_empty());
    assert_eq!(
        act(&mut room, 2, Action::Chat { text: "hi".into() }),
        Err(RoomError::NotInRoom)
    );
    assert_eq!(act(&mut room, 2, Action::GetState), Err(RoomError::NotInRoom));
}

#[test]
fn the_gate_opens_only_when_admitted_and_rules_accepted_in_either_order() {
    for rules_first in [true, false] {
        let mut room = room();
        join(&mut room, 1, Role::Facilitator).0.unwrap();
        let guest = you(join(&mut room, 2, Role::Participant).0);
        let first = if rules_first {
            Action::AcceptRules
        } else {
            Action::Admit(guest)
        };
        let (conn, second) = if rules_first {
            (1, Action::Admit(guest))
        } else {
            (2, Action::AcceptRules)
        };
        let (_, effects) = act_at(&mut room, if rules_first { 2 } else { 1 }, first, T0);
        assert!(
            matches!(events_to(&effects, 2)[..], [Event::Gate(_)]),
            "half-way is not in"
        );
        let (_, effects) = act_at(&mut room, conn, second, T0);
        assert!(matches!(events_to(&effects, 2)[..], [Event::RoomState(_)]));
        assert!(
            events_to(&effects, 1)
                .iter()
                .any(|e| matches!(e, Event::ParticipantJoined(p) if p.id == guest))
        );
    }
}

#[test]
fn turning_the_waiting_room_off_admits_the_waiting_and_later_joiners() {
    let mut room = room();
    join(&mut room, 1, Role::Facilitator).0.unwrap();
    let early = you(join(&mut room, 2, Role::Participant).0);
    act(&mut room, 1, Action::SetWaitingRoom(false)).unwrap();
    let late = join(&mut room, 3, Role::Participant).0;
    assert!(matches!(
        late,
        Ok(Reply::Joined {
            gate: Gate { admitted: true, .. },
            ..
        })
    ));
    let waiting = state(&mut room, 1).waiting.unwrap();
    assert!(waiting.iter().all(|w| w.admitted), "{waiting:?}");
    assert!(waiting.iter().any(|w| w.id == early));
}

#[test]
fn chat_reaches_everyone_in_the_room_in_order_and_is_kept_for_newcomers() {
    let (mut room, _, _) = room_with_two();
    let (_, first) = act_at(&mut room, 1, Action::Chat { text: " first ".into() }, T0 + 1);
    let (_, second) = act_at(&mut room, 2, Action::Chat { text: "second".into() }, T0 + 2);
    for conn in [1, 2] {
        let lines: Vec<(u64, String)> = events_to(&first, conn)
            .into_iter()
            .chain(events_to(&second, conn))
            .filter_map(|e| match e {
                Event::Chat(line) => Some((line.seq, line.text)),
                _ => None,
            })
            .collect();
        assert_eq!(lines, vec![(1, "first".into()), (2, "second".into())]);
    }
    assert_eq!(state(&mut room, 2).chat.len(), 2);
    assert_eq!(
        act(&mut room, 2, Action::Chat { text: "   ".into() }),
        Err(RoomError::Invalid("a chat message cannot be empty"))
    );
    assert!(act(&mut room, 2, Action::Chat { text: "x".repeat(2001) }).is_err());
}

#[test]
fn the_hand_queue_is_first_come_first_served() {
    let mut room = room();
    room.config.grace_ms = 1_000;
    join(&mut room, 1, Role::Facilitator).0.unwrap();
    act(&mut room, 1, Action::SetWaitingRoom(false)).unwrap();
    let ids: Vec<ParticipantId> = (2..=4)
        .map(|conn| {
            let id = you(join(&mut room, conn, Role::Participant).0);
            act(&mut room, conn, Action::AcceptRules).unwrap();
            id
        })
        .collect();
    for conn in [3, 2, 4, 3] {
        act(&mut room, conn, Action::RaiseHand).unwrap();
    }
    assert_eq!(
        state(&mut room, 1).hands,
        vec![ids[1], ids[0], ids[2]],
        "raising twice keeps the first place"
    );

    let (_, effects) = act_at(&mut room, 1, Action::CallNextHand, T0);
    assert!(events_to(&effects, 2).contains(&Event::HandCalled(ids[1])));
    assert_eq!(state(&mut room, 1).hands, vec![ids[0], ids[2]]);

    assert_eq!(
        act(&mut room, 2, Action::LowerHand { of: Some(ids[2]) }),
        Err(RoomError::Forbidden)
    );
    act(&mut room, 2, Action::LowerHand { of: Some(ids[0]) }).unwrap();
    act(&mut room, 1, Action::LowerHand { of: Some(ids[2]) }).unwrap();
    assert!(state(&mut room, 1).hands.is_empty());
}

#[test]
fn every_host_control_is_refused_to_a_participant_and_changes_nothing() {
    let (mut room, host, guest) = room_with_two();
    let waiting = you(join(&mut room, 3, Role::Participant).0);
    act(&mut room, 1, Action::RaiseHand).unwrap();
    let host_only = [
        Action::LowerHand { of: Some(host) },
        Action::CallNextHand,
        Action::Admit(waiting),
        Action::Decline(waiting),
        Action::AdmitAll,
        Action::SetWaitingRoom(false),
        Action::SetLocked(true),
        Action::Remove(host),
        Action::AskToMute(host),
        Action::SetRole {
            of: guest,
            role: Role::CoFacilitator,
        },
        Action::EndSession,
        Action::StartSession,
        Action::NextSegment,
        Action::PreviousSegment,
        Action::PauseClock,
        Action::ResumeClock,
        Action::Extend {
            minutes: 5,
            whole_session: true,
        },
        Action::AddSegment {
            segment: super::tests_facilitation::draft("Sharing", 10),
            position: None,
        },
        Action::UpdateSegment {
            id: 1,
            segment: super::tests_facilitation::draft("Sharing", 10),
        },
        Action::RemoveSegment { id: 1 },
        Action::MoveSegment { id: 1, position: 0 },
        Action::StartRound {
            order: super::round::RoundOrder::HandsFirst,
            seed: 1,
        },
        Action::NextSpeaker,
        Action::EndRound,
        Action::ShowRules,
        Action::SetGroundRules(vec!["Be kind.".into()]),
        Action::ListEnergizers,
        Action::LaunchEnergizer {
            id: "box-breathing".into(),
            seated: false,
        },
        Action::EndEnergizer,
        Action::StartPulse {
            question: None,
            kind: super::pulse::PulseKind::Scale,
        },
        Action::ClosePulse,
        Action::SharePulse,
        Action::ChangeSummary {
            key: "key-forbidden".into(),
            change: super::summary::SummaryChange::Add {
                kind: super::summary::SummaryKind::Takeaway,
                text: "x".into(),
            },
        },
        Action::DeclineProposal(1),
    ];
    for action in host_only {
        let before = state(&mut room, 1);
        let (reply, effects) = act_at(&mut room, 2, action.clone(), T0);
        assert_eq!(reply, Err(RoomError::Forbidden), "{action:?}");
        assert!(effects.is_empty(), "{action:?} had effects {effects:?}");
        assert_eq!(state(&mut room, 1), before, "{action:?} changed the room");
    }
}

#[test]
fn a_co_facilitator_hosts_but_cannot_end_the_session_or_touch_the_facilitator() {
    let (mut room, host, guest) = room_with_two();
    act(
        &mut room,
        1,
        Action::SetRole {
            of: guest,
            role: Role::CoFacilitator,
        },
    )
    .unwrap();
    act(&mut room, 2, Action::SetLocked(true)).unwrap();
    assert!(state(&mut room, 1).locked);
    assert_eq!(act(&mut room, 2, Action::EndSession), Err(RoomError::Forbidden));
    assert_eq!(act(&mut room, 2, Action::Remove(host)), Err(RoomError::Forbidden));
    assert_eq!(act(&mut room, 2, Action::AskToMute(host)), Err(RoomError::Forbidden));
    assert_eq!(
        act(
            &mut room,
            1,
            Action::SetRole {
                of: guest,
                role: Role::Facilitator
            }
        ),
        Err(RoomError::Invalid(
            "the facilitator role comes only with the facilitator link"
        ))
    );
}

#[test]
fn a_locked_room_refuses_participants_but_not_facilitators() {
    let (mut room, _, _) = room_with_two();
    act(&mut room, 1, Action::SetLocked(true)).unwrap();
    assert_eq!(join(&mut room, 3, Role::Participant).0, Err(RoomError::Locked));
    assert!(join(&mut room, 4, Role::Facilitator).0.is_ok());
}

#[test]
fn capacity_counts_participants_only() {
    let mut room = room();
    for conn in 1..=3 {
        join(&mut room, conn, Role::Participant).0.unwrap();
    }
    assert_eq!(join(&mut room, 4, Role::Participant).0, Err(RoomError::Full));
    assert!(join(&mut room, 5, Role::Facilitator).0.is_ok());
}

#[test]
fn a_removed_device_cannot_come_back_and_the_ban_is_persisted_first() {
    let (mut room, _, guest) = room_with_two();
    let (reply, effects) = act_at(&mut room, 1, Action::Remove(guest), T0);
    reply.unwrap();
    assert_eq!(effects[0], Effect::Persist(Persist::BanDevice { device_hash: key(2) }));
    assert!(effects.contains(&Effect::Close {
        conn: ConnId(2),
        reason: CloseReason::Removed
    }));
    assert!(events_to(&effects, 1).contains(&Event::ParticipantLeft {
        id: guest,
        reason: LeaveReason::Removed
    }));
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
    act(&mut room, 2, Action::RaiseHand).unwrap();
    let dropped = room.handle(Command::Disconnected { conn: ConnId(2) }, T0 + 10);
    assert!(
        events_to(&dropped.effects, 1)
            .iter()
            .any(|e| matches!(e, Event::ParticipantUpdated(p) if p.id == guest && !p.connected))
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
    assert!(
        matches!(back.reply, Some(Ok(Reply::Joined { you, gate: Gate { admitted: true, rules_accepted: true }, .. })) if you == guest)
    );
    assert_eq!(state(&mut room, 7).hands, vec![guest]);
    assert_eq!(room.next_deadline(), None);

    // Dropped again and gone past the grace: they have left, hand and all.
    room.handle(Command::Disconnected { conn: ConnId(7) }, T0 + 40_000);
    let early = room.handle(Command::Tick, T0 + 69_999);
    assert!(early.effects.is_empty());
    let expired = room.handle(Command::Tick, T0 + 70_000);
    assert!(events_to(&expired.effects, 1).contains(&Event::ParticipantLeft {
        id: guest,
        reason: LeaveReason::TimedOut
    }));
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
    assert_eq!(act(&mut room, 2, Action::RaiseHand), Err(RoomError::NotJoined));
    act(&mut room, 5, Action::RaiseHand).unwrap();
}

#[test]
fn ending_the_session_tells_everyone_forgets_the_chat_and_refuses_joins() {
    let (mut room, _, _) = room_with_two();
    act(&mut room, 2, Action::Chat { text: "private".into() }).unwrap();
    let (reply, effects) = act_at(&mut room, 1, Action::EndSession, T0 + 5);
    reply.unwrap();
    assert_eq!(effects[0], Effect::Persist(Persist::SessionEnded { at: T0 + 5 }));
    for conn in [1, 2] {
        assert!(events_to(&effects, conn).contains(&Event::SessionEnded));
        assert!(effects.contains(&Effect::Close {
            conn: ConnId(conn),
            reason: CloseReason::SessionEnded
        }));
    }
    assert!(room.is_ended() && room.is_empty());
    assert!(room.chat.is_empty());
    assert_eq!(join(&mut room, 3, Role::Facilitator).0, Err(RoomError::Ended));
}

#[test]
fn declining_sends_the_person_away_but_not_someone_in_the_room() {
    let (mut room, _, guest) = room_with_two();
    let waiting = you(join(&mut room, 3, Role::Participant).0);
    let (reply, effects) = act_at(&mut room, 1, Action::Decline(waiting), T0);
    reply.unwrap();
    assert_eq!(events_to(&effects, 3), vec![Event::Declined]);
    assert!(state(&mut room, 1).waiting.unwrap().is_empty());
    assert!(act(&mut room, 1, Action::Decline(guest)).is_err());
    assert_eq!(
        act(&mut room, 1, Action::Admit(ParticipantId(99))),
        Err(RoomError::NotFound)
    );
}

#[test]
fn leaving_frees_the_place_and_tells_the_room() {
    let (mut room, _, guest) = room_with_two();
    let (reply, effects) = act_at(&mut room, 2, Action::Leave, T0);
    reply.unwrap();
    assert!(effects.contains(&Effect::Close {
        conn: ConnId(2),
        reason: CloseReason::Left
    }));
    assert!(events_to(&effects, 1).contains(&Event::ParticipantLeft {
        id: guest,
        reason: LeaveReason::Left
    }));
    assert_eq!(state(&mut room, 1).participants.len(), 1);
}

#[test]
fn reactions_reach_the_room_and_mute_requests_only_their_target() {
    let (mut room, _, guest) = room_with_two();
    let (_, effects) = act_at(&mut room, 2, Action::React(Reaction::MeToo), T0);
    assert!(events_to(&effects, 1).contains(&Event::Reaction {
        from: guest,
        reaction: Reaction::MeToo
    }));
    let (_, effects) = act_at(&mut room, 1, Action::AskToMute(guest), T0);
    assert_eq!(events_to(&effects, 2), vec![Event::MuteRequested]);
    assert!(events_to(&effects, 1).is_empty());
}
