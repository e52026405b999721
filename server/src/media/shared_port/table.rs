//! Which connection a datagram on the shared media port is for: the pure
//! table behind the port's reader, with no socket and no clock, so that its
//! routing and its bounds are tested on their own.
//!
//! A connectivity check names the connection (its USERNAME starts with the
//! connection's ufrag, which only that person was told) and teaches the
//! table its source address. Everything else (DTLS, SRTP, SRTCP, STUN
//! responses) is routed by source address alone. Only a check naming a
//! registered ufrag adds an address, each connection keeps a few, and they
//! go with it: a stranger spraying datagrams adds nothing.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;

use super::stun;

/// Tells the connections on one port apart.
pub type ConnectionId = u64;

/// Ufrags a connection answers to: the one it announced last, and the one
/// before it, for checks still in flight across an ICE restart.
pub const UFRAGS_PER_CONNECTION: usize = 2;
/// Addresses a connection is reached from. A browser checks from each of
/// its candidates (host, server-reflexive, relayed, both address families)
/// and ends up on one; the oldest goes first.
pub const ADDRESSES_PER_CONNECTION: usize = 8;

#[derive(Debug)]
pub struct Table<T> {
    by_ufrag: HashMap<String, ConnectionId>,
    by_addr: HashMap<SocketAddr, ConnectionId>,
    connections: HashMap<ConnectionId, Connection<T>>,
}

#[derive(Debug)]
struct Connection<T> {
    ufrags: VecDeque<String>,
    addrs: VecDeque<SocketAddr>,
    inbox: T,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            by_ufrag: HashMap::new(),
            by_addr: HashMap::new(),
            connections: HashMap::new(),
        }
    }
}

impl<T> Table<T> {
    /// A new connection, routed to `inbox` once it has claimed a ufrag.
    pub fn add(&mut self, id: ConnectionId, inbox: T) {
        self.remove(id);
        let connection = Connection {
            ufrags: VecDeque::new(),
            addrs: VecDeque::new(),
            inbox,
        };
        self.connections.insert(id, connection);
    }

    /// The connection is gone: its ufrags and addresses with it.
    pub fn remove(&mut self, id: ConnectionId) -> Option<T> {
        let connection = self.connections.remove(&id)?;
        for ufrag in &connection.ufrags {
            self.by_ufrag.remove(ufrag);
        }
        for addr in &connection.addrs {
            self.by_addr.remove(addr);
        }
        Some(connection.inbox)
    }

    pub fn inbox_mut(&mut self, id: ConnectionId) -> Option<&mut T> {
        self.connections.get_mut(&id).map(|c| &mut c.inbox)
    }

    /// The connection announced `ufrag` to its client. False if another
    /// connection holds it (random ufrags of 96 bits never meet; if they
    /// did, the first keeps it) or the connection is gone.
    pub fn claim_ufrag(&mut self, id: ConnectionId, ufrag: &str) -> bool {
        if let Some(owner) = self.by_ufrag.get(ufrag) {
            return *owner == id;
        }
        let Some(connection) = self.connections.get_mut(&id) else {
            return false;
        };
        connection.ufrags.push_back(ufrag.to_owned());
        self.by_ufrag.insert(ufrag.to_owned(), id);
        if connection.ufrags.len() > UFRAGS_PER_CONNECTION
            && let Some(old) = connection.ufrags.pop_front()
        {
            self.by_ufrag.remove(&old);
        }
        true
    }

    /// The inbox for a datagram from `from`, learning `from` when the
    /// datagram is a check naming a registered ufrag. A check naming no
    /// one falls back on its address, as the rest does.
    pub fn route(&mut self, datagram: &[u8], from: SocketAddr) -> Option<&mut T> {
        let named = stun::our_ufrag(datagram).and_then(|ufrag| self.by_ufrag.get(ufrag).copied());
        let id = match named {
            Some(id) => {
                self.learn(id, from);
                id
            }
            None => *self.by_addr.get(&from)?,
        };
        self.inbox_mut(id)
    }

    /// The inbox of the connection that announced `ufrag`: for a stream
    /// over TCP, whose address is its own and routes nothing else.
    pub fn named(&mut self, ufrag: &str) -> Option<&mut T> {
        let id = *self.by_ufrag.get(ufrag)?;
        self.inbox_mut(id)
    }

    /// `from` is now `id`'s: taken from whichever connection had it, and
    /// kept as the newest of `id`'s addresses.
    fn learn(&mut self, id: ConnectionId, from: SocketAddr) {
        if let Some(previous) = self.by_addr.insert(from, id)
            && let Some(connection) = self.connections.get_mut(&previous)
        {
            connection.addrs.retain(|addr| *addr != from);
        }
        let Some(connection) = self.connections.get_mut(&id) else {
            return;
        };
        connection.addrs.push_back(from);
        if connection.addrs.len() > ADDRESSES_PER_CONNECTION
            && let Some(old) = connection.addrs.pop_front()
        {
            self.by_addr.remove(&old);
        }
    }

    /// Addresses known, over every connection.
    #[cfg(test)]
    pub fn addresses(&self) -> usize {
        self.by_addr.len()
    }

    /// Ufrags registered, over every connection.
    #[cfg(test)]
    pub fn ufrags(&self) -> usize {
        self.by_ufrag.len()
    }
}

#[cfg(test)]
mod tests {
    use super::super::stun::tests::binding_request;
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([192, 0, 2, 1], port))
    }

    const SRTP: [u8; 20] = [0x80; 20];

    #[test]
    fn a_check_names_its_connection_and_then_its_address_carries_the_rest() {
        let mut table = Table::default();
        table.add(1, "one");
        table.add(2, "two");
        assert!(table.claim_ufrag(1, "frag1"));
        assert!(table.claim_ufrag(2, "frag2"));
        assert!(!table.claim_ufrag(2, "frag1"), "a ufrag has one owner");

        assert_eq!(table.route(&SRTP, addr(5000)), None, "unknown address");
        assert_eq!(table.route(&binding_request("frag2:c"), addr(5000)), Some(&mut "two"));
        assert_eq!(table.route(&SRTP, addr(5000)), Some(&mut "two"));
        assert_eq!(table.route(&binding_request("frag1:c"), addr(6000)), Some(&mut "one"));
        assert_eq!(table.route(&[22; 30], addr(6000)), Some(&mut "one"), "DTLS");
        // A check naming no one from a known address goes where it did.
        assert_eq!(table.route(&binding_request("nobody:c"), addr(6000)), Some(&mut "one"));

        // The address moves with the latest check naming a connection.
        assert_eq!(table.route(&binding_request("frag2:c"), addr(6000)), Some(&mut "two"));
        assert_eq!(table.route(&SRTP, addr(6000)), Some(&mut "two"));

        // Over TCP a check names its connection and teaches no address.
        assert_eq!(table.named("frag1"), Some(&mut "one"));
        assert_eq!(table.named("nobody"), None);

        assert_eq!(table.remove(2), Some("two"));
        assert_eq!(table.route(&SRTP, addr(5000)), None, "gone with its connection");
        assert_eq!(table.route(&binding_request("frag2:c"), addr(5000)), None);
        assert_eq!((table.addresses(), table.ufrags()), (0, 1));
    }

    #[test]
    fn an_ice_restart_keeps_the_previous_ufrag_and_drops_the_one_before() {
        let mut table = Table::default();
        table.add(1, ());
        for ufrag in ["first", "second", "third"] {
            assert!(table.claim_ufrag(1, ufrag));
        }
        assert!(table.claim_ufrag(1, "third"), "announcing it again is fine");
        assert_eq!(table.ufrags(), UFRAGS_PER_CONNECTION);
        assert!(table.route(&binding_request("first:c"), addr(1)).is_none());
        assert!(table.route(&binding_request("second:c"), addr(1)).is_some());
        assert!(table.route(&binding_request("third:c"), addr(2)).is_some());
    }

    #[test]
    fn strangers_cost_nothing_and_a_connection_holds_a_few_addresses_at_most() {
        let mut table = Table::default();
        for id in 0..10 {
            table.add(id, id);
            assert!(table.claim_ufrag(id, &format!("frag{id}")));
        }
        // Random usernames from random addresses: no entry at all.
        for n in 0..20_000u32 {
            let from = SocketAddr::from(([198, 51, (n >> 8) as u8, n as u8], (n % 60_000) as u16 + 1));
            assert!(table.route(&binding_request(&format!("{n:x}:x")), from).is_none());
            assert!(table.route(&SRTP, from).is_none());
        }
        assert_eq!(table.addresses(), 0);

        // One person's valid ufrag from 20,000 addresses: a few kept.
        for port in 1..=20_000 {
            assert_eq!(table.route(&binding_request("frag3:c"), addr(port)), Some(&mut 3));
        }
        assert_eq!(table.addresses(), ADDRESSES_PER_CONNECTION);
        assert_eq!(table.route(&SRTP, addr(20_000)), Some(&mut 3), "the newest stay");
        assert_eq!(table.route(&SRTP, addr(1)), None, "the oldest went");

        for id in 0..10 {
            table.remove(id);
        }
        assert_eq!((table.addresses(), table.ufrags()), (0, 0));
        assert!(!table.claim_ufrag(3, "frag3"), "a connection gone claims nothing");
    }
}
