//! The wire protocol: the only module that knows about JSON.
//!
//! Every frame is a JSON object with a `"type"`. The client's first message is
//! `hello` with the protocol version. A client message may carry a numeric
//! `"id"`; the reply to it (`ack`, `error`, or a typed answer) echoes that id.
//! `docs/protocol.md` shows every message with an example, and a test keeps
//! the two in step.
//!
//! - `client.rs`: what clients send; `actions.rs` turns it into room actions.
//! - `server.rs`: what the server sends; `convert.rs` builds it from room types.
//! - `wire.rs`: the shapes both share.
//! - `parse.rs`: text frame to message, or the precise error.
//! - `errors.rs`: stable error codes and close codes.

mod actions;
mod client;
mod convert;
mod errors;
mod parse;
mod server;
mod wire;

pub use client::ClientMessage;
pub use convert::{
    energizers_message, error_from_invite, error_from_room, event_message, joined_message, role_to_wire, state_message,
    summary_kind,
};
pub use errors::{ErrorCode, close_code, close_for};
pub use parse::{ParseError, parse_client_message};
pub use server::ServerMessage;
pub use wire::*;

/// The protocol version this server speaks. A client that says another is
/// refused with `unsupported_version`.
pub const PROTOCOL_VERSION: u32 = 1;

/// No message or frame may be larger than this.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// The `"id"` a client puts on a request, echoed in the reply.
pub type RequestId = u64;
