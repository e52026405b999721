//! Media ports a test's server can have to itself, and its sockets counted
//! in `/proc/net/udp` and `/proc/net/tcp`, so a test can tell the server's
//! sockets apart from its clients' and see them come and go.

use std::ops::RangeInclusive;

/// Blocks of ports tests ask for; each test takes a block of its own.
pub const LAZY_CONNECTIONS: u16 = 0;
pub const CONNECTIONS_GIVEN_UP: u16 = 1;
pub const HANDSHAKES_GIVEN_UP: u16 = 2;
// Block 3 is tests/browser/media-retry.test.mjs's.
pub const TCP_STRANGERS: u16 = 4;
pub const SHARED_PORT: u16 = 5;
pub const TCP_MEDIA: u16 = 6;

/// One hundred ports no other test asks for and the kernel never hands out
/// as an ephemeral port (the test clients' sockets, Chromium's in other
/// suites), so only the test's own server binds in it: just above the
/// machine's ephemeral range, or just below it when that range reaches the
/// top.
pub fn ports_of_block(block: u16) -> RangeInclusive<u16> {
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").unwrap_or_default();
    let bounds: Vec<u16> = range.split_whitespace().filter_map(|n| n.parse().ok()).collect();
    let (low, high) = match bounds[..] {
        [low, high] => (low, high),
        _ => (32_768, 60_999), // Linux's default
    };
    let offset = 100 * block;
    let first = if high < 64_000 {
        high + 100 + offset
    } else {
        low - 1_100 - offset
    };
    first..=first + 99
}

/// UDP sockets bound on this machine to a port in `ports`, from
/// `/proc/net/udp` (the local address is the second column, `IP:PORT` in hex).
pub fn udp_sockets_in(ports: &RangeInclusive<u16>) -> usize {
    udp_ports_in(ports).len()
}

/// The ports in `ports` that UDP sockets are bound to.
pub fn udp_ports_in(ports: &RangeInclusive<u16>) -> Vec<u16> {
    local_ports("/proc/net/udp", None)
        .into_iter()
        .filter(|p| ports.contains(p))
        .collect()
}

/// The local ports of the sockets in a `/proc/net/{udp,tcp}` table whose
/// state (fourth column, hex) is `state`, or any state.
fn local_ports(table: &str, state: Option<&str>) -> Vec<u16> {
    let table = std::fs::read_to_string(table).unwrap_or_default();
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let columns: Vec<&str> = line.split_whitespace().collect();
            let wanted = state.is_none_or(|s| columns.get(3) == Some(&s));
            let port = columns.get(1)?.split_once(':')?.1;
            wanted.then(|| u16::from_str_radix(port, 16).ok()).flatten()
        })
        .collect()
}

/// Established TCP connections whose local port is in `ports`: the server's
/// ends of ICE-over-TCP connections (state 01 is ESTABLISHED).
pub fn tcp_connections_in(ports: &RangeInclusive<u16>) -> usize {
    local_ports("/proc/net/tcp", Some("01"))
        .into_iter()
        .filter(|p| ports.contains(p))
        .count()
}

/// TCP listeners whose port is in `ports` (state 0A is LISTEN).
pub fn tcp_listeners_in(ports: &RangeInclusive<u16>) -> Vec<u16> {
    local_ports("/proc/net/tcp", Some("0A"))
        .into_iter()
        .filter(|p| ports.contains(p))
        .collect()
}

/// The ports of the UDP sockets bound to `ip` on this machine, IPv4.
pub fn udp_ports_on(ip: std::net::Ipv4Addr) -> Vec<u16> {
    ports_on("/proc/net/udp", ip, None)
}

/// The ports of the TCP listeners on `ip` on this machine, IPv4.
pub fn tcp_listeners_on(ip: std::net::Ipv4Addr) -> Vec<u16> {
    ports_on("/proc/net/tcp", ip, Some("0A"))
}

/// The local ports on `ip` in a `/proc/net/{udp,tcp}` table, of sockets in
/// `state` or any (an address is hex of the bytes as the kernel stores
/// them: `0200007F` is 127.0.0.2).
fn ports_on(table: &str, ip: std::net::Ipv4Addr, state: Option<&str>) -> Vec<u16> {
    let table = std::fs::read_to_string(table).unwrap_or_default();
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let columns: Vec<&str> = line.split_whitespace().collect();
            let (addr, port) = columns.get(1)?.split_once(':')?;
            let addr = u32::from_str_radix(addr, 16).ok()?;
            let on_ip = std::net::Ipv4Addr::from(addr.to_le_bytes()) == ip;
            let wanted = state.is_none_or(|s| columns.get(3) == Some(&s));
            (on_ip && wanted).then(|| u16::from_str_radix(port, 16).ok()).flatten()
        })
        .collect()
}
