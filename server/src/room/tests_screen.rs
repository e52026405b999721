//! Screen share: who may share, one at a time, who may stop it, and what
//! the media layer and everyone are told.

use serde_json::json;

use super::media::MediaCommand;
use super::tests::*;
use super::*;

fn sharer_told(effects: &[Effect]) -> Option<Option<ParticipantId>> {
    effects.iter().rev().find_map(|e| match e {
        Effect::Media(MediaCommand::Share { sharer }) => Some(*sharer),
        _ => None,
    })
}

#[test]
fn a_host_shares_and_everyone_and_the_media_layer_are_told() {
    let (mut room, host, _) = room_with_two();
    let (reply, effects) = act_at(&mut room, 1, json!({"type": "start_screen_share"}), T0);
    reply.unwrap();
    assert_eq!(sharer_told(&effects), Some(Some(host)));
    let told = json!({"type": "screen_share", "sharer": host, "allowed": []});
    assert_eq!(events_to(&effects, 2), vec![told.clone()]);
    assert_eq!(events_to(&effects, 1), vec![told]);
    assert_eq!(state(&mut room, 2).screen_share.sharer, Some(host), "a reload sees it");
    // Again: nothing changes.
    let (reply, effects) = act_at(&mut room, 1, json!({"type": "start_screen_share"}), T0 + 1);
    reply.unwrap();
    assert!(effects.is_empty());
    let (reply, effects) = act_at(&mut room, 1, json!({"type": "stop_screen_share"}), T0 + 2);
    reply.unwrap();
    assert_eq!(sharer_told(&effects), Some(None));
}

#[test]
fn a_participant_shares_only_when_allowed_and_one_at_a_time() {
    let (mut room, host, guest) = room_with_two();
    assert_eq!(
        act(&mut room, 2, json!({"type": "start_screen_share"})),
        Err(RoomError::Forbidden)
    );
    assert_eq!(
        act(
            &mut room,
            2,
            json!({"type": "allow_screen_share", "participant": guest, "allowed": true})
        ),
        Err(RoomError::Forbidden),
        "only a host allows"
    );
    act(
        &mut room,
        1,
        json!({"type": "allow_screen_share", "participant": guest, "allowed": true}),
    )
    .unwrap();
    act(&mut room, 2, json!({"type": "start_screen_share"})).unwrap();
    assert_eq!(
        act(&mut room, 1, json!({"type": "start_screen_share"})),
        Err(RoomError::Invalid(
            "someone is sharing their screen: they stop first, or a host stops it"
        ))
    );
    // The host stops it; the guest may share again later.
    let (reply, effects) = act_at(
        &mut room,
        1,
        json!({"type": "stop_screen_share", "participant": guest}),
        T0,
    );
    reply.unwrap();
    assert_eq!(sharer_told(&effects), Some(None));
    act(&mut room, 2, json!({"type": "start_screen_share"})).unwrap();
    // Taking the permission back ends the share.
    let body = json!({"type": "allow_screen_share", "participant": guest, "allowed": false});
    let (_, effects) = act_at(&mut room, 1, body, T0 + 1);
    assert_eq!(sharer_told(&effects), Some(None));
    assert_eq!(
        act(&mut room, 2, json!({"type": "start_screen_share"})),
        Err(RoomError::Forbidden)
    );
    // A participant cannot stop a host's share.
    act(&mut room, 1, json!({"type": "start_screen_share"})).unwrap();
    assert_eq!(
        act(&mut room, 2, json!({"type": "stop_screen_share", "participant": host})),
        Err(RoomError::Forbidden)
    );
}

#[test]
fn a_sharer_who_leaves_ends_the_share() {
    let (mut room, _, guest) = room_with_two();
    act(
        &mut room,
        1,
        json!({"type": "allow_screen_share", "participant": guest, "allowed": true}),
    )
    .unwrap();
    act(&mut room, 2, json!({"type": "start_screen_share"})).unwrap();
    let (_, effects) = act_at(&mut room, 2, json!({"type": "leave"}), T0);
    assert_eq!(sharer_told(&effects), Some(None));
    assert_eq!(
        state(&mut room, 1).screen_share,
        Default::default(),
        "nor are they allowed any more"
    );
}
