//! End-to-end suites: the real server on 127.0.0.1:0, real WebSocket clients.

mod architecture_doc;
mod authorization;
mod bad_input;
mod cli;
mod connection_life;
mod durability;
mod facilitation;
mod http;
mod join_flow;
mod link_info;
mod mail;
mod mail_durable;
mod mail_series;
mod media;
mod media_lazy;
mod media_leaks;
mod media_lossy;
mod media_start;
mod media_tcp;
mod open_internet;
mod organizers;
mod privacy;
mod protocol_doc;
mod restart;
mod series;
mod support;
