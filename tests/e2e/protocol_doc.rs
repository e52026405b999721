//! docs/protocol.md and the server agree: every example parses as the
//! message it documents, and every message, error code and close code is
//! documented.

use std::collections::BTreeSet;

use peer_room::protocol::{ClientMessage, ErrorCode, ServerMessage, close_code, parse_client_message};
use serde_json::Value;

/// `(section, heading type, example text)` for every ```json block.
fn examples(doc: &str) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let (mut section, mut heading) = (String::new(), String::new());
    let mut block: Option<String> = None;
    for line in doc.lines() {
        if let Some(text) = block.as_mut() {
            if line.trim() == "```" {
                found.push((section.clone(), heading.clone(), std::mem::take(text)));
                block = None;
            } else {
                text.push_str(line);
                text.push('\n');
            }
        } else if line.trim() == "```json" {
            block = Some(String::new());
        } else if let Some(title) = line.strip_prefix("## ") {
            section = title.trim().to_owned();
        } else if let Some(title) = line.strip_prefix("### ") {
            heading = title.trim().trim_matches('`').to_owned();
        }
    }
    found
}

fn doc() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.md");
    std::fs::read_to_string(path).expect("docs/protocol.md exists")
}

#[test]
fn every_example_parses_as_the_message_its_heading_names() {
    let doc = doc();
    let examples = examples(&doc);
    assert!(examples.len() > 40, "found only {} examples", examples.len());
    for (section, heading, text) in examples {
        let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{heading}: not JSON: {e}\n{text}"));
        assert_eq!(
            value["type"],
            heading.as_str(),
            "an example under {heading} has another type"
        );
        match section.as_str() {
            "Client messages" => {
                parse_client_message(text.trim()).unwrap_or_else(|e| panic!("{heading}: {e:?}"));
            }
            "Server messages" => {
                let message: ServerMessage =
                    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{heading}: {e}\n{text}"));
                assert_eq!(message.kind(), heading);
                // What the server would send for it is the example itself.
                let again: Value = serde_json::from_str(&message.to_json()).unwrap();
                assert_eq!(
                    again, value,
                    "{heading}: the example has fields the server would not send"
                );
            }
            other => panic!("a JSON example outside the message sections, in {other}"),
        }
    }
}

#[test]
fn every_message_type_has_an_example() {
    let doc = doc();
    let examples = examples(&doc);
    let documented = |section: &str| -> BTreeSet<String> {
        examples
            .iter()
            .filter(|(s, ..)| s == section)
            .map(|(_, h, _)| h.clone())
            .collect()
    };
    let client: BTreeSet<String> = ClientMessage::TYPES.iter().map(|t| t.to_string()).collect();
    let server: BTreeSet<String> = ServerMessage::TYPES.iter().map(|t| t.to_string()).collect();
    assert_eq!(
        documented("Client messages"),
        client,
        "client messages and their examples differ"
    );
    assert_eq!(
        documented("Server messages"),
        server,
        "server messages and their examples differ"
    );
}

#[test]
fn every_error_code_and_close_code_is_in_the_tables() {
    let doc = doc();
    for code in ErrorCode::ALL {
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
