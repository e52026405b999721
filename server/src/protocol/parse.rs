//! Turning a text frame into a `ClientMessage`, or into the precise error the
//! client is owed.
//!
//! Parsing goes through a map that refuses duplicate keys: serde_json would
//! otherwise keep the last of two `"type"` keys, and a message could mean one
//! thing to a proxy that reads the first and another to us.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use serde_json::{Map, Value};
use strum::VariantNames;

use super::{ClientMessage, ErrorCode, RequestId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The request's id, if it could be read, so the error can echo it.
    pub id: Option<RequestId>,
    pub code: ErrorCode,
    pub message: String,
}

pub fn parse_client_message(text: &str) -> Result<(Option<RequestId>, ClientMessage), ParseError> {
    let fail = |id, code, message: String| Err(ParseError { id, code, message });
    let UniqueKeys(entries) = match serde_json::from_str::<UniqueKeys>(text) {
        Ok(entries) => entries,
        Err(e) if e.is_data() && e.to_string().starts_with(DUPLICATE) => {
            return fail(None, ErrorCode::InvalidMessage, strip_position(&e));
        }
        Err(e) => {
            return fail(
                None,
                ErrorCode::BadJson,
                format!("not a JSON object: {}", strip_position(&e)),
            );
        }
    };

    let mut object = Map::new();
    let mut id = None;
    for (key, value) in entries {
        if key == "id" {
            match value.as_u64() {
                Some(n) => id = Some(n),
                None => {
                    return fail(
                        None,
                        ErrorCode::InvalidMessage,
                        "id must be a non-negative integer".into(),
                    );
                }
            }
        } else {
            object.insert(key, value);
        }
    }

    let kind = match object.get("type") {
        Some(Value::String(kind)) => kind.clone(),
        Some(_) => return fail(id, ErrorCode::UnknownType, "type must be a string".into()),
        None => return fail(id, ErrorCode::UnknownType, "the message has no type".into()),
    };
    if !ClientMessage::VARIANTS.contains(&kind.as_str()) {
        return fail(
            id,
            ErrorCode::UnknownType,
            format!("unknown message type `{}`", truncated(&kind)),
        );
    }

    match ClientMessage::deserialize(Value::Object(object)) {
        Ok(message) => Ok((id, message)),
        Err(e) => {
            let text = e.to_string();
            let code = if text.starts_with("unknown field") {
                ErrorCode::UnknownField
            } else {
                ErrorCode::InvalidMessage
            };
            fail(id, code, format!("{kind}: {text}"))
        }
    }
}

const DUPLICATE: &str = "duplicate key";

/// A JSON object's entries in order, refusing a key seen twice.
struct UniqueKeys(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(UniqueKeysVisitor)
    }
}

struct UniqueKeysVisitor;

impl<'de> Visitor<'de> for UniqueKeysVisitor {
    type Value = UniqueKeys;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UniqueKeys, A::Error> {
        let mut entries: Vec<(String, Value)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if entries.iter().any(|(k, _)| *k == key) {
                return Err(de::Error::custom(format!("{DUPLICATE} `{}`", truncated(&key))));
            }
            let value = map.next_value::<Value>()?;
            entries.push((key, value));
        }
        Ok(UniqueKeys(entries))
    }
}

/// serde_json appends "at line 1 column 9"; clients send one-line frames.
fn strip_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// Echoing a client's string back is fine; echoing 64 KiB of it is not.
fn truncated(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(text: &str) -> ErrorCode {
        parse_client_message(text).expect_err(text).code
    }

    #[test]
    fn parses_a_request_and_its_id() {
        let (id, message) = parse_client_message(r#"{"type":"chat","id":7,"text":"hello"}"#).unwrap();
        assert_eq!(id, Some(7));
        let chat = crate::protocol::floor::FloorRequest::Chat { text: "hello".into() };
        assert_eq!(message, ClientMessage::Room(chat.into()));
    }

    #[test]
    fn every_kind_of_bad_frame_gets_its_own_code() {
        assert_eq!(code_of("{not json"), ErrorCode::BadJson);
        assert_eq!(code_of("[1,2]"), ErrorCode::BadJson);
        assert_eq!(code_of("\"chat\""), ErrorCode::BadJson);
        assert_eq!(code_of(r#"{"text":"hi"}"#), ErrorCode::UnknownType);
        assert_eq!(code_of(r#"{"type":"teleport"}"#), ErrorCode::UnknownType);
        assert_eq!(code_of(r#"{"type":5}"#), ErrorCode::UnknownType);
        assert_eq!(
            code_of(r#"{"type":"chat","text":"hi","color":"red"}"#),
            ErrorCode::UnknownField
        );
        assert_eq!(code_of(r#"{"type":"raise_hand","now":true}"#), ErrorCode::UnknownField);
        assert_eq!(code_of(r#"{"type":"chat"}"#), ErrorCode::InvalidMessage);
        assert_eq!(code_of(r#"{"type":"chat","text":5}"#), ErrorCode::InvalidMessage);
        assert_eq!(
            code_of(r#"{"type":"chat","id":-1,"text":"hi"}"#),
            ErrorCode::InvalidMessage
        );
        assert_eq!(
            code_of(r#"{"type":"react","reaction":"wave"}"#),
            ErrorCode::InvalidMessage
        );
    }

    #[test]
    fn a_duplicated_key_is_refused_not_resolved() {
        let error = parse_client_message(r#"{"type":"chat","type":"end_session","text":"x"}"#).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidMessage);
        assert!(error.message.contains("duplicate key `type`"), "{}", error.message);
    }

    #[test]
    fn errors_echo_the_request_id_when_it_was_readable() {
        let error = parse_client_message(r#"{"type":"chat","id":3,"text":"hi","x":1}"#).unwrap_err();
        assert_eq!(error.id, Some(3));
    }

    #[test]
    fn every_listed_type_is_known_to_the_parser() {
        assert!(ClientMessage::VARIANTS.len() > 50, "{:?}", ClientMessage::VARIANTS);
        for kind in ClientMessage::VARIANTS {
            let error = parse_client_message(&format!(r#"{{"type":"{kind}","zzz":1}}"#)).unwrap_err();
            assert_eq!(error.code, ErrorCode::UnknownField, "{kind}: {}", error.message);
        }
    }
}

/// The parser driven by random frames: it never panics, and whatever it
/// accepts it writes back and reads again as the same message.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;
    use serde_json::{Map, Value, json};
    use strum::VariantNames;

    use super::*;
    use crate::protocol::{ClientMessage, Envelope};

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u32>().prop_map(Value::from),
            any::<f64>().prop_map(|f| json!(f)),
            ".{0,12}".prop_map(Value::from),
            prop::sample::select(vec![
                "scale",
                "word",
                "me_too",
                "session",
                "shuffled",
                "outcome",
                "co_facilitator"
            ])
            .prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// A message of a type the server knows, with fields it may or may not
    /// have, of any type.
    fn frame() -> impl Strategy<Value = String> {
        let names = [
            "id",
            "text",
            "participant",
            "reaction",
            "enabled",
            "locked",
            "role",
            "minutes",
            "scope",
            "segment",
            "position",
            "segment_id",
            "order",
            "rules",
            "energizer",
            "seated",
            "kind",
            "question",
            "pulse",
            "scale",
            "word",
            "key",
            "item",
            "proposal",
            "audio",
            "video",
            "sdp",
            "candidate",
            "version",
            "token",
            "name",
            "device",
            "resume_token",
            "nonsense",
        ];
        (
            prop::sample::select(ClientMessage::VARIANTS.to_vec()),
            prop::collection::vec((prop::sample::select(names.to_vec()), value()), 0..5),
        )
            .prop_map(|(kind, fields)| {
                let mut object = Map::new();
                object.insert("type".into(), Value::from(kind));
                for (name, value) in fields {
                    object.insert(name.into(), value);
                }
                Value::Object(object).to_string()
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(2000),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn any_text_is_a_message_or_a_precise_error(text in "\\PC{0,200}") {
            if let Err(error) = parse_client_message(&text) {
                prop_assert!(!error.message.is_empty());
            }
        }

        #[test]
        fn what_is_accepted_reads_back_as_itself(frame in frame()) {
            if let Ok((id, message)) = parse_client_message(&frame) {
                let again = Envelope { id, message: message.clone() }.to_json();
                let (id_again, message_again) = parse_client_message(&again)
                    .map_err(|e| TestCaseError::fail(format!("{frame} -> {again}: {e:?}")))?;
                prop_assert_eq!(id_again, id);
                prop_assert_eq!(message_again, message);
            }
        }
    }
}
