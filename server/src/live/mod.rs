//! The live plumbing around the pure rooms: one actor task per live session
//! that owns its `Room`, carries out its effects (the store, the media layer,
//! the connections' outboxes), and the registry that finds or starts them.
//!
//! - `actor.rs`: the task that runs one room; `RoomHandle` reaches it.
//! - `registry.rs`: finds a session's actor, starting it from the store,
//!   and counts the live rooms' people from their published door states.
//! - `placement.rs`: with many nodes on one PostgreSQL database, which node
//!   runs each room (a lease), and each node's heartbeat.
//! - `changes.rs`: an organizer's change to a session, brought to its live
//!   room, on this node or (through PostgreSQL's notifications) another.
//!
//! The arrows point one way: `live` uses `room`, `store` and `media`; none
//! of them knows `live`. The media layer reports to its room's actor through
//! a channel of `MediaReport`s that the actor reads beside its commands.

mod actor;
mod changes;
mod placement;
mod registry;

pub use actor::{OUTBOX_CAPACITY, Outbound, RoomHandle};
pub use changes::follow_session_changes;
pub use placement::{ClusterConfig, Located, Placement, keep_beating, socket_url};
pub use registry::{Census, RoomRegistry, RoomsConfig};
