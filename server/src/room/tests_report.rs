//! What the room notes for the facilitator's report over a scripted session
//! with time passed in: known talk times, hands, a round, a pulse check, the
//! agenda and breakouts come out as entries and counts with exactly those
//! figures, and nothing anyone said.

use serde_json::json;

use super::media::MediaReport;
use super::tests::*;
use super::*;

const MINUTE: Millis = 60_000;

/// A facilitator ("Dr. Maya Lee", conn 1) and three participants (conns 2
/// to 4, ids 2 to 4), all in the room, microphones on.
fn scripted_room() -> Room {
    let mut seed = seed();
    seed.session.capacity = 10;
    let mut room = Room::new(seed, RoomConfig::default());
    let names = ["Dr. Maya Lee", "Sam Ortiz", "Alex", "Dre River Tremblay"];
    for (conn, name) in (1..=4).zip(names) {
        let role = if conn == 1 {
            Role::Facilitator
        } else {
            Role::Participant
        };
        let request = JoinRequest {
            conn: ConnId(conn),
            role,
            name: name.into(),
            device_hash: key(conn),
            resume_hash: key(1000 + conn),
        };
        let id = you(room.handle(Command::Join(request), T0).reply.unwrap());
        if conn > 1 {
            act(&mut room, conn, json!({"type": "accept_rules"})).unwrap();
            act(&mut room, 1, json!({"type": "admit", "participant": id})).unwrap();
        }
        act(
            &mut room,
            conn,
            json!({"type": "set_media_state", "audio": true, "video": true}),
        )
        .unwrap();
    }
    room
}

fn speak(room: &mut Room, who: u32, from: Millis, to: Millis, effects: &mut Vec<Effect>) {
    let participant = ParticipantId(who);
    for (speaking, at) in [(true, from), (false, to)] {
        effects.extend(
            room.handle(Command::Media(MediaReport::Speaking { participant, speaking }), at)
                .effects,
        );
    }
}

#[test]
fn a_scripted_session_gives_the_report_exactly_its_figures() {
    let mut room = scripted_room();
    let mut effects = Vec::new();
    let run = |room: &mut Room, conn: u64, body: serde_json::Value, at: Millis, effects: &mut Vec<Effect>| {
        let (reply, more) = act_at(room, conn, body.clone(), at);
        reply.unwrap_or_else(|e| panic!("{body}: {e:?}"));
        effects.extend(more);
    };
    for (title, kind, minutes) in [("Check-in", "check_in", 10), ("Pairs", "breakouts", 15)] {
        let segment = json!({"title": title, "kind": kind, "minutes": minutes});
        run(
            &mut room,
            1,
            json!({"type": "add_segment", "segment": segment}),
            T0,
            &mut effects,
        );
    }
    run(&mut room, 1, json!({"type": "start_session"}), T0, &mut effects);
    // Talk: Maya 60 s, Sam 30 s, Alex 10 s, River silent.
    speak(&mut room, 1, T0 + 1_000, T0 + 61_000, &mut effects);
    speak(&mut room, 2, T0 + 70_000, T0 + 100_000, &mut effects);
    speak(&mut room, 3, T0 + 110_000, T0 + 120_000, &mut effects);
    // Hands: two raised, one answered; a round; an energy check of 2, 4, 5.
    run(&mut room, 2, json!({"type": "raise_hand"}), T0 + 130_000, &mut effects);
    run(&mut room, 3, json!({"type": "raise_hand"}), T0 + 131_000, &mut effects);
    run(&mut room, 3, json!({"type": "raise_hand"}), T0 + 131_500, &mut effects);
    run(
        &mut room,
        1,
        json!({"type": "call_next_hand"}),
        T0 + 132_000,
        &mut effects,
    );
    run(
        &mut room,
        1,
        json!({"type": "start_round", "order": "hands_first"}),
        T0 + 140_000,
        &mut effects,
    );
    run(&mut room, 1, json!({"type": "end_round"}), T0 + 200_000, &mut effects);
    run(
        &mut room,
        1,
        json!({"type": "start_pulse", "kind": "scale"}),
        T0 + 5 * MINUTE,
        &mut effects,
    );
    for (conn, scale) in [(2, 2), (3, 4), (4, 5)] {
        run(
            &mut room,
            conn,
            json!({"type": "answer_pulse", "pulse": 1, "scale": scale}),
            T0 + 5 * MINUTE + 1,
            &mut effects,
        );
    }
    run(
        &mut room,
        1,
        json!({"type": "close_pulse"}),
        T0 + 6 * MINUTE,
        &mut effects,
    );
    // The second part, twelve minutes in: pairs for 15 minutes.
    run(
        &mut room,
        1,
        json!({"type": "next_segment"}),
        T0 + 12 * MINUTE,
        &mut effects,
    );
    let pairs = json!({"type": "open_breakouts", "groups": [[2, 3], [4, 1]], "minutes": 15});
    run(&mut room, 1, pairs, T0 + 12 * MINUTE, &mut effects);
    run(
        &mut room,
        1,
        json!({"type": "end_breakouts"}),
        T0 + 25 * MINUTE,
        &mut effects,
    );
    // The facilitator asks for the report: the counts are written first.
    let (reply, more) = act_at(&mut room, 1, json!({"type": "get_report"}), T0 + 26 * MINUTE);
    assert_eq!(reply, Ok(Reply::Report));
    effects.extend(more);

    let entries: Vec<(Millis, ReportEntry)> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Persist(Persist::ReportEntry { at, entry }) => Some((*at, entry.clone())),
            _ => None,
        })
        .collect();
    let expected = vec![
        (
            T0,
            ReportEntry::SegmentStarted {
                segment: 1,
                title: "Check-in".into(),
                kind: agenda::SegmentKind::CheckIn,
                minutes: 10,
            },
        ),
        (T0 + 200_000, ReportEntry::RoundEnded),
        (
            T0 + 6 * MINUTE,
            ReportEntry::PulseClosed {
                question: "How is your energy?".into(),
                kind: crate::protocol::energy::PulseKind::Scale,
                answered: 3,
                scale: Some([0, 1, 0, 1, 1]),
            },
        ),
        (
            T0 + 12 * MINUTE,
            ReportEntry::SegmentStarted {
                segment: 2,
                title: "Pairs".into(),
                kind: agenda::SegmentKind::Breakouts,
                minutes: 15,
            },
        ),
        (
            T0 + 12 * MINUTE,
            ReportEntry::BreakoutsOpened {
                groups: 2,
                people: 4,
                minutes: 15,
            },
        ),
        (T0 + 25 * MINUTE, ReportEntry::BreakoutsClosed),
    ];
    assert_eq!(entries, expected);

    let mut tally = ReportTally::default();
    for effect in &effects {
        if let Effect::Persist(Persist::ReportTally(t)) = effect {
            tally.hands_raised += t.hands_raised;
            tally.hands_answered += t.hands_answered;
            tally.talk.extend(t.talk.iter().cloned());
        }
    }
    assert_eq!(
        (tally.hands_raised, tally.hands_answered),
        (2, 1),
        "a hand raised twice counts once"
    );
    let mut talk: Vec<(String, Millis)> = tally.talk.into_iter().map(|(_, name, ms)| (name, ms)).collect();
    talk.sort();
    assert_eq!(
        talk,
        [("Alex".into(), 10_000), ("Maya".into(), 60_000), ("Sam".into(), 30_000)],
        "first names only, and exactly the time spoken"
    );
    // Nothing anyone typed or said is in what the report keeps.
    let written = format!("{entries:?}");
    assert!(!written.contains("Ortiz") && !written.contains("Lee"));
}

#[test]
fn talk_still_going_on_counts_up_to_the_report_and_the_rest_comes_later() {
    let mut room = scripted_room();
    room.handle(
        Command::Media(MediaReport::Speaking {
            participant: ParticipantId(2),
            speaking: true,
        }),
        T0,
    );
    let (_, effects) = act_at(&mut room, 1, json!({"type": "get_report"}), T0 + 20_000);
    let talk_in = |effects: &[Effect]| -> Millis {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Persist(Persist::ReportTally(t)) => Some(t.talk.iter().map(|(_, _, ms)| *ms).sum::<Millis>()),
                _ => None,
            })
            .sum()
    };
    assert_eq!(talk_in(&effects), 20_000);
    let stop = Command::Media(MediaReport::Speaking {
        participant: ParticipantId(2),
        speaking: false,
    });
    room.handle(stop, T0 + 25_000);
    // Written within a minute, without anyone asking.
    assert!(room.next_deadline().is_some_and(|due| due <= T0 + 25_000 + MINUTE));
    let effects = room.handle(Command::Tick, T0 + 25_000 + MINUTE).effects;
    assert_eq!(talk_in(&effects), 5_000, "never counted twice");
}
