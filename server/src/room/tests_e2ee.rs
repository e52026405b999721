//! End-to-end encrypted media as the room takes part in it (`e2ee.rs`):
//! public keys shown to the room, sealed keys to their recipient alone, the
//! policy and who may change it, and no media from a page without a key.

use serde_json::{Value, json};

use super::media::MediaCommand;
use super::tests::*;
use super::*;
use crate::protocol::e2ee::E2eePolicy;

const KEY_A: &str = "BHx1y2z3_-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO";

fn room_with_policy(policy: E2eePolicy) -> Room {
    let mut seed = seed();
    seed.session.e2ee = policy;
    Room::new(seed, RoomConfig::default())
}

/// A facilitator (conn 1), a participant in the room (conn 2) and one in the
/// waiting room (conn 3), under `policy`.
fn three(policy: E2eePolicy) -> (Room, ParticipantId, ParticipantId, ParticipantId) {
    let mut room = room_with_policy(policy);
    let host = you(join(&mut room, 1, Role::Facilitator).0);
    let guest = you(join(&mut room, 2, Role::Participant).0);
    act(&mut room, 2, json!({"type": "accept_rules"})).unwrap();
    act(&mut room, 1, json!({"type": "admit", "participant": guest})).unwrap();
    let waiting = you(join(&mut room, 3, Role::Participant).0);
    (room, host, guest, waiting)
}

fn offered_to_media(effects: &[Effect]) -> bool {
    effects
        .iter()
        .any(|e| matches!(e, Effect::Media(MediaCommand::Offer { .. })))
}

#[test]
fn a_published_key_is_shown_to_the_room_and_kept_in_its_state() {
    let (mut room, _host, guest, _) = three(E2eePolicy::Required);
    let (reply, effects) = act_at(&mut room, 2, json!({"type": "set_e2ee_key", "public_key": KEY_A}), T0);
    reply.unwrap();
    let update = &events_to(&effects, 1)[0];
    assert_eq!(update["type"], "participant_updated");
    assert_eq!(update["participant"]["e2ee_key"], KEY_A);
    assert!(events_to(&effects, 3).is_empty(), "the waiting room sees no key");
    let state = state(&mut room, 1);
    let shown = state.participants.iter().find(|p| p.id == guest).unwrap();
    assert_eq!(shown.e2ee_key.as_deref(), Some(KEY_A));
    // The same key again tells no one anything.
    let (reply, effects) = act_at(&mut room, 2, json!({"type": "set_e2ee_key", "public_key": KEY_A}), T0);
    reply.unwrap();
    assert!(effects.is_empty());
}

#[test]
fn a_key_that_is_not_base64url_or_too_long_is_refused() {
    let (mut room, ..) = three(E2eePolicy::Required);
    for bad in ["", "has spaces in it", "padded==", "<script>", &"A".repeat(129)] {
        assert!(
            matches!(
                act(&mut room, 2, json!({"type": "set_e2ee_key", "public_key": bad})),
                Err(RoomError::Invalid(_))
            ),
            "{bad:?}"
        );
    }
    assert_eq!(
        act(&mut room, 3, json!({"type": "set_e2ee_key", "public_key": KEY_A})),
        Err(RoomError::NotInRoom),
        "someone waiting has no key to publish yet"
    );
}

#[test]
fn each_sealed_key_goes_to_its_recipient_alone() {
    let (mut room, host, guest, waiting) = three(E2eePolicy::Required);
    let keys = json!([{"to": guest, "key": "c2VhbGVkLWZvci1ndWVzdA"}, {"to": waiting, "key": "Zm9yLXdhaXRpbmc"}]);
    let (reply, effects) = act_at(&mut room, 1, json!({"type": "send_media_keys", "keys": keys}), T0);
    reply.unwrap();
    assert_eq!(
        events_to(&effects, 2),
        vec![json!({"type": "media_key", "from": host, "key": "c2VhbGVkLWZvci1ndWVzdA"})]
    );
    assert!(events_to(&effects, 3).is_empty(), "not to someone waiting");
    assert!(events_to(&effects, 1).is_empty(), "not back to the sender");
}

#[test]
fn a_bad_list_of_keys_sends_nothing() {
    let (mut room, host, guest, _) = three(E2eePolicy::Required);
    let good = json!({"to": guest, "key": "Z29vZA"});
    let lists: [Value; 4] = [
        json!([good, {"to": host, "key": "c2VsZg"}]),
        json!([good, {"to": guest, "key": "not base64!"}]),
        json!([good, {"to": guest, "key": "A".repeat(257)}]),
        Value::Array(vec![good.clone(); 65]),
    ];
    for keys in lists {
        let (reply, effects) = act_at(&mut room, 1, json!({"type": "send_media_keys", "keys": keys}), T0);
        assert!(matches!(reply, Err(RoomError::Invalid(_))));
        assert!(effects.is_empty());
    }
}

#[test]
fn where_encryption_is_required_no_media_is_taken_before_a_key() {
    let (mut room, ..) = three(E2eePolicy::Required);
    assert!(state(&mut room, 2).e2ee.on);
    let offer = json!({"type": "media_offer", "sdp": "v=0"});
    let (reply, effects) = act_at(&mut room, 2, offer.clone(), T0);
    assert_eq!(reply, Err(RoomError::E2eeKeyRequired));
    assert!(!offered_to_media(&effects));
    act(&mut room, 2, json!({"type": "set_e2ee_key", "public_key": KEY_A})).unwrap();
    let (reply, effects) = act_at(&mut room, 2, offer, T0);
    reply.unwrap();
    assert!(offered_to_media(&effects));
}

#[test]
fn where_encryption_is_off_media_needs_no_key_and_no_one_may_turn_it_on() {
    let (mut room, ..) = three(E2eePolicy::Off);
    let (reply, effects) = act_at(&mut room, 2, json!({"type": "media_offer", "sdp": "v=0"}), T0);
    reply.unwrap();
    assert!(offered_to_media(&effects));
    assert!(matches!(
        act(&mut room, 1, json!({"type": "set_e2ee", "on": true})),
        Err(RoomError::Invalid(_))
    ));
    assert!(!state(&mut room, 2).e2ee.on);
}

#[test]
fn where_it_is_offered_a_host_turns_it_on_once_everyone_can_encrypt() {
    let (mut room, ..) = three(E2eePolicy::Offered);
    assert!(!state(&mut room, 1).e2ee.on, "offered starts off");
    assert_eq!(
        act(&mut room, 2, json!({"type": "set_e2ee", "on": true})),
        Err(RoomError::Forbidden),
        "a host's choice"
    );
    act(&mut room, 1, json!({"type": "set_e2ee_key", "public_key": KEY_A})).unwrap();
    assert!(
        matches!(
            act(&mut room, 1, json!({"type": "set_e2ee", "on": true})),
            Err(RoomError::Invalid(_))
        ),
        "the participant's browser has published no key"
    );
    act(&mut room, 2, json!({"type": "set_e2ee_key", "public_key": KEY_A})).unwrap();
    let (reply, effects) = act_at(&mut room, 1, json!({"type": "set_e2ee", "on": true}), T0);
    reply.unwrap();
    let told = json!({"type": "e2ee_changed", "e2ee": {"policy": "offered", "on": true}});
    assert_eq!(events_to(&effects, 2), vec![told.clone()]);
    assert_eq!(events_to(&effects, 1), vec![told]);
    assert!(events_to(&effects, 3).is_empty());
    // Someone let in later, whose page has no key, may not send media.
    act(&mut room, 3, json!({"type": "accept_rules"})).unwrap();
    act(&mut room, 1, json!({"type": "admit", "participant": 3})).unwrap();
    assert_eq!(
        act(&mut room, 3, json!({"type": "media_offer", "sdp": "v=0"})),
        Err(RoomError::E2eeKeyRequired)
    );
}

#[test]
fn an_organizers_new_policy_reaches_the_live_room() {
    let (mut room, ..) = three(E2eePolicy::Off);
    let mut session = session();
    session.e2ee = E2eePolicy::Required;
    let plan = Plan {
        session,
        agenda: Vec::new(),
        cancelled: false,
    };
    let effects = room.handle(Command::Replanned(Box::new(plan.clone())), T0).effects;
    let told = json!({"type": "e2ee_changed", "e2ee": {"policy": "required", "on": true}});
    assert!(events_to(&effects, 2).contains(&told));
    assert!(state(&mut room, 2).e2ee.on);
    let again = room.handle(Command::Replanned(Box::new(plan)), T0).effects;
    assert!(events_to(&again, 2).is_empty(), "told once");
}
