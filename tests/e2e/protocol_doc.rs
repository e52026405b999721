//! docs/protocol.md and the wire types agree, both ways: every example parses
//! as the message its heading names and serializes back to the same JSON;
//! every message type, error code and close code is documented; and a
//! message documented for hosts or the facilitator only is one the server
//! refuses to anyone else.

use std::collections::BTreeSet;

use peer_room::protocol::{
    ClientMessage, Envelope, ErrorCode, Kind, ParticipantId, Permission, Request, ServerMessage, close_code,
    parse_client_message,
};
use peer_room_testkit::protocol_doc::{self, Example};
use serde_json::Value;
use strum::{VariantArray, VariantNames};

fn json(example: &Example) -> Value {
    example.json()
}

#[test]
fn every_example_parses_as_its_message_and_serializes_back_to_itself() {
    let examples = protocol_doc::examples();
    assert!(examples.len() > 100, "found only {} examples", examples.len());
    for example in &examples {
        let (heading, value) = (&example.heading, json(example));
        assert_eq!(
            value["type"],
            heading.as_str(),
            "an example under {heading} has another type"
        );
        let again = match example.section.as_str() {
            "Client messages" => {
                let (id, message) =
                    parse_client_message(example.text.trim()).unwrap_or_else(|e| panic!("{heading}: {e:?}"));
                assert_eq!(message.kind(), heading);
                serde_json::to_value(Envelope { id, message }).unwrap()
            }
            "Server messages" => {
                // `pulse` has an `id` of its own (the check's number) and is
                // never a reply: read it as it is before as an answer to `id`.
                let alone: ServerMessage =
                    serde_json::from_str(&example.text).unwrap_or_else(|e| panic!("{heading}: {e}\n{}", example.text));
                assert_eq!(alone.kind(), heading);
                let written: Value = serde_json::from_str(&alone.to_json(None)).unwrap();
                if written == value {
                    written
                } else {
                    let reply: Envelope<ServerMessage> = serde_json::from_str(&example.text)
                        .unwrap_or_else(|e| panic!("{heading}: {e}\n{}", example.text));
                    serde_json::from_str(&reply.message.to_json(reply.id)).unwrap()
                }
            }
            other => panic!("a JSON example outside the message sections, in {other}"),
        };
        assert_eq!(
            again, value,
            "{heading}: the example has fields its type does not write back"
        );
    }
}

#[test]
fn every_message_type_has_an_example() {
    let examples = protocol_doc::examples();
    let documented = |section: &str| -> BTreeSet<String> {
        examples
            .iter()
            .filter(|e| e.section == section)
            .map(|e| e.heading.clone())
            .collect()
    };
    let names = |list: &[&str]| -> BTreeSet<String> { list.iter().map(|t| t.to_string()).collect() };
    assert_eq!(
        documented("Client messages"),
        names(ClientMessage::VARIANTS),
        "client messages and their examples differ"
    );
    assert_eq!(
        documented("Server messages"),
        names(ServerMessage::VARIANTS),
        "server messages and their examples differ"
    );
}

/// What a client message's prose must open with, by who may send it.
fn opening(needs: Permission) -> Option<&'static str> {
    match needs {
        Permission::Host => Some("Host only."),
        Permission::Facilitator => Some("Facilitator only."),
        Permission::Joined | Permission::InRoom => None,
    }
}

#[test]
fn who_may_send_a_message_is_what_the_doc_says() {
    // The least each documented message needs, over its examples: a message
    // one may send about oneself and a host about anyone (`lower_hand`) is
    // not documented as host only.
    let mut least: std::collections::BTreeMap<String, (Permission, String)> = Default::default();
    for example in protocol_doc::examples()
        .iter()
        .filter(|e| e.section == "Client messages")
    {
        let Ok((_, ClientMessage::Room(request))) = parse_client_message(example.text.trim()) else {
            continue;
        };
        // Sent by participant 1 about someone else (the examples name 4, 5, 6).
        let needs = request.needs(ParticipantId(1));
        let entry = least
            .entry(example.heading.clone())
            .or_insert((needs, example.prose.trim().to_owned()));
        entry.0 = entry.0.min(needs);
    }
    assert!(least.len() > 50, "found only {} room requests", least.len());
    for (heading, (needs, prose)) in least {
        match opening(needs) {
            Some(opening) => assert!(
                prose.starts_with(opening),
                "{heading}: the server allows it to {needs:?} only; the doc should open with {opening:?}: {prose}"
            ),
            None => assert!(
                !prose.starts_with("Host only.") && !prose.starts_with("Facilitator only."),
                "{heading}: the doc restricts it, the server does not: {prose}"
            ),
        }
    }
}

#[test]
fn every_error_code_and_close_code_is_in_the_tables() {
    let doc = protocol_doc::text();
    for code in ErrorCode::VARIANTS {
        let row = format!("| `{}` |", code.as_str());
        assert!(doc.contains(&row), "error code {} is not documented", code.as_str());
    }
    for code in close_code::ALL {
        assert!(
            doc.contains(&format!("| {code} |")),
            "close code {code} is not documented"
        );
    }
}
