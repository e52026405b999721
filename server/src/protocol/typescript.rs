//! The browser's types, generated from the wire types above: every type the
//! client and server messages are made of, in one `.d.ts` that the web
//! client's JSDoc imports and `tsc --noEmit` checks every use against.
//!
//! The test fails when the file on disk is not what the Rust types generate.
//! To write it anew after changing a message:
//!
//! ```sh
//! PEER_ROOM_UPDATE_GENERATED=1 cargo test -p peer-room --lib protocol::typescript
//! ```

use std::any::TypeId;
use std::collections::HashSet;

use ts_rs::{Config, TS, TypeVisitor};

use super::{ClientMessage, ServerMessage};

/// Where the generated file lives, from the workspace's root.
const GENERATED: &str = "web-client/src/shared/wire.d.ts";

const HEADER: &str = "\
// The PeerRoom wire protocol's types, generated from the Rust types in
// server/src/protocol/ by server/src/protocol/typescript.rs. Do not edit:
// a test fails when this file and the Rust types differ. To regenerate:
//   PEER_ROOM_UPDATE_GENERATED=1 cargo test -p peer-room --lib protocol::typescript
// Times are milliseconds since the Unix epoch (UTC).

/** A message as it travels: a reply echoes the `id` of the request it answers. */
export type WithId<M> = M & { id?: number };
";

/// Collects each declared type once, with its name to sort by.
struct Declarations {
    config: Config,
    seen: HashSet<TypeId>,
    out: Vec<(String, String)>,
}

impl TypeVisitor for Declarations {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Only types with a declaration of their own (not numbers, strings,
        // lists or options) are written out.
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let mut text = T::docs().unwrap_or_default();
        text.push_str("export ");
        text.push_str(&one_member_a_line(&T::decl(&self.config)));
        self.out.push((T::ident(&self.config), text));
        T::visit_dependencies(self);
    }
}

fn generate() -> String {
    let mut declarations = Declarations {
        config: Config::new().with_large_int("number"),
        seen: HashSet::new(),
        out: Vec::new(),
    };
    declarations.visit::<ClientMessage>();
    declarations.visit::<ServerMessage>();
    declarations.visit::<super::ErrorCode>();
    // By name, so that a reader finds a type where they expect it.
    declarations.out.sort();
    let mut text = HEADER.to_owned();
    for (_, declaration) in declarations.out {
        text.push('\n');
        text.push_str(&declaration);
        text.push('\n');
    }
    text
}

/// `type A = { .. } | { .. };` with each member of the union on a line of
/// its own: ts-rs writes a union on one line, which no one can read.
fn one_member_a_line(declaration: &str) -> String {
    let Some(equals) = declaration.find(" = ") else {
        return declaration.to_owned();
    };
    let (head, body) = declaration.split_at(equals + 3);
    let mut members = Vec::new();
    let (mut depth, mut in_string, mut start) = (0i32, false, 0);
    let bytes = body.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' if i == 0 || bytes[i - 1] != b'\\' => in_string = !in_string,
            _ if in_string => {}
            b'{' | b'[' | b'(' | b'<' => depth += 1,
            b'}' | b']' | b')' | b'>' => depth -= 1,
            b'|' if depth == 0 => {
                members.push(body[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    members.push(body[start..].trim());
    if members.len() < 2 || !members.iter().any(|m| m.starts_with('{')) {
        return declaration.to_owned();
    }
    let mut text = head.trim_end().to_owned();
    for member in members {
        text.push_str("\n  | ");
        text.push_str(member);
    }
    text
}

#[test]
fn the_browsers_wire_types_are_generated_from_these() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(GENERATED);
    let expected = generate();
    if std::env::var_os("PEER_ROOM_UPDATE_GENERATED").is_some() {
        std::fs::write(&path, &expected).expect("write the generated types");
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == expected,
        "{GENERATED} is out of date with the Rust wire types: run\n  \
         PEER_ROOM_UPDATE_GENERATED=1 cargo test -p peer-room --lib protocol::typescript"
    );
}

#[test]
fn every_message_type_is_in_the_generated_types() {
    use strum::VariantNames;
    let text = generate();
    for kind in ClientMessage::VARIANTS.iter().chain(ServerMessage::VARIANTS) {
        assert!(text.contains(&format!("\"type\": \"{kind}\"")), "{kind} is missing");
    }
}
