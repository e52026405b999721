//! The room's side of the media, with time passed in: what it asks of the
//! media layer, host mutes, and talk time.

use serde_json::json;

use super::media::{MediaCommand, MediaReport};
use super::tests::*;
use super::*;
use crate::protocol::media::IceCandidate;
use crate::protocol::presence::MediaLink;

fn media(effects: &[Effect]) -> Vec<MediaCommand> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Media(command) => Some(command.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn media_follows_presence_attach_on_entering_restart_on_resume_detach_on_leaving() {
    let mut room = room();
    let (_, effects) = join(&mut room, 1, Role::Facilitator);
    assert_eq!(
        media(&effects),
        vec![MediaCommand::Attach {
            participant: ParticipantId(1)
        }]
    );
    let (_, effects) = join(&mut room, 2, Role::Participant);
    assert!(media(&effects).is_empty(), "no media for someone still waiting");

    room.handle(Command::Disconnected { conn: ConnId(1) }, T0);
    let back = room.handle(
        Command::Resume {
            conn: ConnId(9),
            resume_hash: key(1001),
        },
        T0 + 1,
    );
    assert_eq!(
        media(&back.effects),
        vec![MediaCommand::Restart {
            participant: ParticipantId(1)
        }]
    );

    let (_, effects) = act_at(&mut room, 9, json!({"type": "leave"}), T0 + 2);
    assert_eq!(
        media(&effects),
        vec![MediaCommand::Detach {
            participant: ParticipantId(1)
        }]
    );
}

#[test]
fn a_host_mute_stops_forwarding_until_the_person_turns_it_back_on() {
    let (mut room, _, guest) = room_with_two();
    act(
        &mut room,
        2,
        json!({"type": "set_media_state", "audio": true, "video": true}),
    )
    .unwrap();
    let (reply, effects) = act_at(&mut room, 1, json!({"type": "mute", "participant": guest}), T0);
    reply.unwrap();
    assert_eq!(
        media(&effects),
        vec![MediaCommand::Forward {
            participant: guest,
            audio: false,
            video: true
        }]
    );
    assert!(events_to(&effects, 2).contains(&json!({"type": "muted_by_host"})));
    let seen = state(&mut room, 1)
        .participants
        .into_iter()
        .find(|p| p.id == guest)
        .unwrap();
    assert!(!seen.audio && seen.video);

    // A host cannot unmute: turning the camera back on is not the microphone.
    let (_, effects) = act_at(
        &mut room,
        2,
        json!({"type": "set_media_state", "audio": false, "video": true}),
        T0,
    );
    assert_eq!(
        media(&effects),
        vec![MediaCommand::Forward {
            participant: guest,
            audio: false,
            video: true
        }]
    );
    let (_, effects) = act_at(
        &mut room,
        2,
        json!({"type": "set_media_state", "audio": true, "video": true}),
        T0,
    );
    assert_eq!(
        media(&effects),
        vec![MediaCommand::Forward {
            participant: guest,
            audio: true,
            video: true
        }]
    );

    let (_, effects) = act_at(&mut room, 1, json!({"type": "stop_video", "participant": guest}), T0);
    assert_eq!(
        media(&effects),
        vec![MediaCommand::Forward {
            participant: guest,
            audio: true,
            video: false
        }]
    );
    assert_eq!(
        act(&mut room, 2, json!({"type": "mute", "participant": ParticipantId(1)})),
        Err(RoomError::Forbidden)
    );
}

#[test]
fn signalling_is_passed_on_and_answered_to_the_right_person_only() {
    let (mut room, _, guest) = room_with_two();
    let (_, effects) = act_at(&mut room, 2, json!({"type": "media_offer", "sdp": "v=0"}), T0);
    assert_eq!(
        media(&effects),
        vec![MediaCommand::Offer {
            participant: guest,
            sdp: "v=0".into()
        }]
    );
    assert!(act(&mut room, 2, json!({"type": "media_offer", "sdp": String::new()})).is_err());
    assert!(
        act(
            &mut room,
            2,
            json!({"type": "media_answer", "sdp": "x".repeat(49 * 1024)})
        )
        .is_err()
    );
    let candidate = IceCandidate {
        candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host".into(),
        sdp_mid: None,
        sdp_mline_index: Some(0),
        username_fragment: None,
    };
    let message = json!({"type": "ice_candidate", "candidate": candidate});
    let (_, effects) = act_at(&mut room, 2, message, T0);
    assert_eq!(
        media(&effects),
        vec![MediaCommand::Candidate {
            participant: guest,
            candidate: candidate.clone()
        }]
    );

    let answer = room.handle(
        Command::Media(MediaReport::Answer {
            participant: guest,
            sdp: "v=0 answer".into(),
        }),
        T0,
    );
    assert_eq!(
        events_to(&answer.effects, 2),
        vec![json!({"type": "media_answer", "sdp": "v=0 answer"})]
    );
    assert!(events_to(&answer.effects, 1).is_empty());
}

#[test]
fn speaking_is_shared_and_talk_time_goes_to_hosts_only() {
    let (mut room, host, guest) = room_with_two();
    act(
        &mut room,
        2,
        json!({"type": "set_media_state", "audio": true, "video": true}),
    )
    .unwrap();
    let speak = |speaking| {
        Command::Media(MediaReport::Speaking {
            participant: guest,
            speaking,
        })
    };
    let start = room.handle(speak(true), T0);
    assert_eq!(
        events_to(&start.effects, 1),
        vec![json!({"type": "speaking", "participant": guest, "speaking": true})]
    );
    room.handle(speak(false), T0 + 4_000);
    assert_eq!(
        room.next_deadline(),
        Some(T0 + 4_000),
        "the first totals go out at once"
    );
    let tick = room.handle(Command::Tick, T0 + 4_000);
    match &events_to(&tick.effects, 1)[..] {
        [talk] => {
            let totals = talk["totals"].as_array().cloned().unwrap_or_default();
            assert!(totals.contains(&json!({"participant": guest, "ms": 4_000})), "{talk}");
            assert!(totals.contains(&json!({"participant": host, "ms": 0})), "{talk}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        events_to(&tick.effects, 2).is_empty(),
        "participants never get talk time"
    );
    // Another stretch soon after: the totals wait a few seconds.
    room.handle(speak(true), T0 + 5_000);
    room.handle(speak(false), T0 + 6_000);
    assert_eq!(room.next_deadline(), Some(T0 + 9_000));

    // Muted mid-sentence: the room is told they stopped, and their levels
    // no longer count.
    room.handle(speak(true), T0 + 7_000);
    let (_, effects) = act_at(&mut room, 1, json!({"type": "mute", "participant": guest}), T0 + 8_000);
    assert!(events_to(&effects, 1).contains(&json!({"type": "speaking", "participant": guest, "speaking": false})));
    assert!(room.handle(speak(true), T0 + 9_000).effects.is_empty());
}

#[test]
fn a_support_signal_reaches_the_hosts_only_until_acknowledged() {
    let (mut room, _, guest) = room_with_two();
    let waiting = you(join(&mut room, 3, Role::Participant).0);
    let (reply, effects) = act_at(&mut room, 2, json!({"type": "need_support"}), T0 + 5);
    reply.unwrap();
    match &events_to(&effects, 1)[..] {
        [signals] => {
            assert_eq!(signals["type"], "support_requests");
            assert_eq!(signals["requests"][0]["participant"], json!(guest));
            assert_eq!(signals["requests"][0]["since"], json!(T0 + 5));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        events_to(&effects, 2).is_empty() && events_to(&effects, 3).is_empty(),
        "no one else is told"
    );
    // From the waiting room too; a second press keeps the first time.
    act_at(&mut room, 3, json!({"type": "need_support"}), T0 + 6).0.unwrap();
    act_at(&mut room, 2, json!({"type": "need_support"}), T0 + 9).0.unwrap();
    let requests = state(&mut room, 1).support_requests.unwrap();
    assert_eq!(
        requests.iter().map(|r| (r.participant, r.since)).collect::<Vec<_>>(),
        vec![(guest, T0 + 5), (waiting, T0 + 6)]
    );
    assert!(state(&mut room, 2).support_requests.is_none());

    assert_eq!(
        act(
            &mut room,
            2,
            json!({"type": "acknowledge_support", "participant": waiting})
        ),
        Err(RoomError::Forbidden)
    );
    let (_, effects) = act_at(
        &mut room,
        1,
        json!({"type": "acknowledge_support", "participant": guest}),
        T0 + 20,
    );
    assert_eq!(events_to(&effects, 2), vec![json!({"type": "support_acknowledged"})]);
    assert_eq!(
        act(
            &mut room,
            1,
            json!({"type": "acknowledge_support", "participant": guest})
        ),
        Err(RoomError::NotFound)
    );
    // Leaving takes the request away.
    act(&mut room, 3, json!({"type": "leave"})).unwrap();
    assert!(state(&mut room, 1).support_requests.unwrap().is_empty());
}

#[test]
fn someone_who_unmutes_mid_sentence_is_heard_speaking_at_once_and_counted_from_then() {
    let (mut room, _, guest) = room_with_two();
    // Talking with the microphone off: no one hears it, nothing is counted.
    act(
        &mut room,
        2,
        json!({"type": "set_media_state", "audio": false, "video": true}),
    )
    .unwrap();
    let talking = room.handle(
        Command::Media(MediaReport::Speaking {
            participant: guest,
            speaking: true,
        }),
        T0,
    );
    assert!(events_to(&talking.effects, 1).is_empty());
    // They unmute while still talking: the levels say nothing new, yet the
    // room hears them from this moment.
    let (_, effects) = act_at(
        &mut room,
        2,
        json!({"type": "set_media_state", "audio": true, "video": true}),
        T0 + 2_000,
    );
    assert!(events_to(&effects, 1).contains(&json!({"type": "speaking", "participant": guest, "speaking": true})));
    room.handle(
        Command::Media(MediaReport::Speaking {
            participant: guest,
            speaking: false,
        }),
        T0 + 5_000,
    );
    let talk = state(&mut room, 1).talk_time.unwrap();
    assert!(talk.iter().any(|t| t.participant == guest && t.ms == 3_000), "{talk:?}");
}

#[test]
fn the_end_of_candidates_is_accepted_and_needs_nothing_more() {
    let (mut room, _, _) = room_with_two();
    let end = json!({"type": "ice_candidate", "candidate": {"candidate": "", "sdpMLineIndex": 0}});
    let (reply, effects) = act_at(&mut room, 2, end, T0);
    assert_eq!(reply, Ok(Reply::Ack));
    assert!(media(&effects).is_empty(), "nothing for the media layer to do");
    let huge = json!({"type": "ice_candidate", "candidate": {"candidate": "x".repeat(1025)}});
    assert!(act(&mut room, 2, huge).is_err());
}

#[test]
fn how_a_connection_stands_reaches_every_tile_once_per_change() {
    let (mut room, _, guest) = room_with_two();
    let link = |link| {
        Command::Media(MediaReport::Link {
            participant: guest,
            link,
        })
    };
    let up = room.handle(link(MediaLink::Connected), T0);
    for conn in [1, 2] {
        match &events_to(&up.effects, conn)[..] {
            [update] => {
                assert_eq!(update["type"], "participant_updated");
                assert_eq!(update["participant"]["media"], "connected");
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(
        room.handle(link(MediaLink::Connected), T0 + 1).effects.is_empty(),
        "no news is not told again"
    );
    let lost = room.handle(link(MediaLink::Trouble), T0 + 2);
    assert_eq!(events_to(&lost.effects, 1)[0]["participant"]["media"], "trouble");
}

#[test]
fn a_connection_that_never_came_up_is_handed_back_to_the_media_layer_to_let_go() {
    let (mut room, _, guest) = room_with_two();
    let given_up = room.handle(
        Command::Media(MediaReport::NeverConnected {
            participant: guest,
            connection: 7,
        }),
        T0,
    );
    // The media layer knows whether connection 7 is still theirs; the page
    // is asked to start afresh (`StartAfresh`) only if it is.
    assert_eq!(
        media(&given_up.effects),
        vec![MediaCommand::Abandon {
            participant: guest,
            connection: 7
        }]
    );
    let restart = room.handle(Command::Media(MediaReport::StartAfresh { participant: guest }), T0 + 1);
    assert_eq!(events_to(&restart.effects, 2), vec![json!({"type": "media_restart"})]);

    // A report that crossed their leaving changes nothing.
    act(&mut room, 2, json!({"type": "leave"})).unwrap();
    let late = room.handle(
        Command::Media(MediaReport::NeverConnected {
            participant: guest,
            connection: 7,
        }),
        T0 + 2,
    );
    assert!(media(&late.effects).is_empty());
    assert!(events_to(&late.effects, 1).is_empty());
}
