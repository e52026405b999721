//! The examples of docs/protocol.md: every ```json block with the section and
//! the heading it stands under, and the prose between the heading and it.

use std::path::PathBuf;

use peer_room::protocol::{ClientMessage, ParticipantId, Permission, Request, parse_client_message};
use serde_json::Value;

/// One ```json block of the doc.
#[derive(Clone, Debug)]
pub struct Example {
    /// `Client messages` or `Server messages`.
    pub section: String,
    /// The message type its heading names.
    pub heading: String,
    /// What the doc says of the message, before its first example.
    pub prose: String,
    pub text: String,
}

impl Example {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("{}: not JSON: {e}\n{}", self.heading, self.text))
    }
}

/// Where the doc is, from this crate.
pub fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/protocol.md")
}

pub fn text() -> String {
    std::fs::read_to_string(path()).expect("docs/protocol.md exists")
}

pub fn examples() -> Vec<Example> {
    parse(&text())
}

/// Every example of a request the server's permission table keeps for hosts
/// (or the facilitator alone) when participant 1 sends it, without its
/// request id, and with each participant it names (the doc's 4, 5 and 6)
/// replaced by `aim(id)`, so a test can point it at real people.
pub fn restricted_requests(aim: impl Fn(u64) -> Value) -> Vec<Value> {
    examples()
        .into_iter()
        .filter(|e| e.section == "Client messages")
        .filter(|e| {
            matches!(
                parse_client_message(e.text.trim()),
                Ok((_, ClientMessage::Room(request))) if request.needs(ParticipantId(1)) >= Permission::Host
            )
        })
        .map(|e| {
            let mut message = e.json();
            if let Some(object) = message.as_object_mut() {
                object.remove("id");
            }
            if let Some(id) = message.get("participant").and_then(Value::as_u64) {
                message["participant"] = aim(id);
            }
            message
        })
        .collect()
}

pub fn parse(doc: &str) -> Vec<Example> {
    let mut found = Vec::new();
    let (mut section, mut heading, mut prose) = (String::new(), String::new(), String::new());
    let mut block: Option<String> = None;
    for line in doc.lines() {
        if let Some(text) = block.as_mut() {
            if line.trim() == "```" {
                found.push(Example {
                    section: section.clone(),
                    heading: heading.clone(),
                    prose: prose.trim().to_owned(),
                    text: std::mem::take(text),
                });
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
            prose.clear();
        } else {
            prose.push_str(line);
            prose.push(' ');
        }
    }
    found
}
