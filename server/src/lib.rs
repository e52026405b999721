//! PeerRoom's server: the signalling, the live rooms, the store and the
//! embedded web client, in one binary.
//!
//! # Layout
//!
//! - `app`: starting and stopping the server; the state handlers share.
//! - `http`: the HTTP routes and the embedded web client (`http/assets.rs`).
//! - `api`: the organizers' JSON API: login, scheduling, links, calendars.
//! - `ws`: the WebSocket endpoint. One loop per connection translates frames
//!   into room commands and room events into frames (`ws/connection.rs`);
//!   `ws/entry.rs` gets a connection into a room; `ws/rate_limit.rs` keeps
//!   floods out.
//! - `protocol`: the wire vocabulary, one file per feature, and the only
//!   module that knows JSON; the browser's types are generated from it.
//! - `room`: a live room as a pure state machine (`Room::handle(command,
//!   now) -> Outcome`) that speaks the wire's requests and events; no tokio,
//!   store or media types.
//! - `live`: the plumbing around rooms: one actor task per live session does
//!   its I/O (store, media, outboxes); the registry finds or starts them.
//! - `media`: the selective forwarding unit (the `webrtc` crate): one peer
//!   connection per participant, forwarding, host mutes, who is speaking.
//! - `store`: SQLite through sqlx; sessions, invitations, the run-of-show,
//!   summaries, removals, people invited by email and the mail outbox.
//! - `mail`: invitations, reminders and notices by email (SMTP), sent from
//!   the store's outbox; `ics`: calendar files.
//! - `matching`: which peer supporters suit a physician's request;
//!   `retention`: the job that forgets who asked, once a request is closed.
//! - `tokens`: invitation and resume tokens, and their hashes.
//! - `tally`: what strangers hold open, counted under caps.
//! - `text`: what people type for others to read, normalized and checked.
//! - `logging`: the log, with caps on what libraries may write at any level.
//! - `metrics`: every figure `/metrics` exposes, named in one place; counts,
//!   never who (`http/ops.rs` serves them, `http/metrics_access.rs` says to
//!   whom).
//! - `config`, `cli`: settings and the command line; `demo`: the first-start
//!   demo session; `clock`: the one place that reads the wall clock.

pub mod api;
pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crisis;
pub mod demo;
pub mod energizers;
pub mod ground_rules;
pub mod http;
pub mod ics;
pub mod live;
pub mod logging;
pub mod mail;
pub mod matching;
pub mod media;
pub mod metrics;
pub mod protocol;
pub mod retention;
pub mod room;
pub mod store;
pub mod tally;
pub mod text;
pub mod tokens;
pub mod ws;

pub use app::Server;
pub use config::Config;

/// Links stay valid this long after a session's planned end, for overruns
/// and late joiners.
pub const LINKS_OUTLIVE_SESSION_MS: i64 = 2 * 60 * 60 * 1000;
