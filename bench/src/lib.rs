//! The PeerRoom load tool: drives the real server over loopback with
//! synthetic people and reports latency, throughput, memory and CPU.
//! docs/benchmarks.md has the figures and the commands behind them.
//!
//! # Layout
//!
//! - `target`: the server under test, started fresh for every run, with one
//!   seeded session per room.
//! - `ws`: getting a synthetic person into a room over the WebSocket.
//! - `signalling`: rooms of people sending chat, hands and reactions.
//! - `join_time`: WebSocket open to first remote media packet.
//! - `admit`: a group let in at once, to everyone's media from everyone.
//! - `logins`: waves of concurrent logins from many addresses: memory.
//! - `media`: synthetic `webrtc` publishers and subscribers through the SFU.
//! - `relay`: the trivial UDP relay the SFU is compared with.
//! - `procfs`: memory and CPU time from /proc; pinning to a CPU.
//! - `redirect`: what a join through a node other than the room's costs.
//! - `stats`: latency quantiles; figures over several runs.
//! - `store_writes`: the store's hot writes on SQLite and PostgreSQL.
//! - `smoke`: a few seconds at a tiny load, to prove the tool works.

pub mod admit;
pub mod join_time;
pub mod logins;
pub mod media;
pub mod procfs;
pub mod redirect;
pub mod relay;
pub mod signalling;
pub mod smoke;
pub mod stats;
pub mod store_writes;
pub mod target;
pub mod ws;
