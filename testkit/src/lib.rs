//! What PeerRoom's end-to-end tests (`tests/e2e`) and its benchmarks
//! (`bench/`) share, so that neither keeps a copy of the other's client.
//!
//! - `media_peer.rs`: a media participant as a browser is: one real `webrtc`
//!   peer connection with the server, offered once with a microphone and a
//!   camera, then answering the server's offers. The callers bring the
//!   signalling socket and decide what to do with what arrives.
//! - `impaired_path.rs`: a client's network made worse in user space: a
//!   round trip added, datagrams lost at random, the first DTLS flights lost.
//! - `offered_streams.rs`: whose media each of the server's m-lines carries,
//!   from its offers (the server reuses them as people come and go).
//! - `synthetic.rs`: what a microphone and a camera send, as RTP.
//! - `simulcast.rs`: a camera sent in three simulcast layers, as a browser
//!   with simulcast on sends it, and how a receiver tells the layers apart.
//! - `mail_server.rs`: a throwaway exim on a loopback port, for the tests
//!   of mail the server sends: what it delivered, read back decoded.
//! - `postgres.rs`: a throwaway PostgreSQL on a loopback port, and a fresh
//!   database in it for each store test.
//! - `protocol_doc.rs`: the examples of docs/protocol.md, by section and
//!   heading, for the tests that check the doc and the ones that derive
//!   their cases from it.

pub mod impaired_path;
pub mod mail_server;
pub mod media_peer;
pub mod offered_streams;
pub mod postgres;
pub mod protocol_doc;
pub mod simulcast;
pub mod stalled_tcp;
pub mod synthetic;
