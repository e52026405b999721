//! Media ports a test's server can have to itself, and its sockets counted
//! in `/proc/net/udp`, so a test can tell the server's sockets apart from
//! its clients' and see them come and go.

use std::ops::RangeInclusive;

/// Blocks of ports tests ask for; each test takes a block of its own.
pub const LAZY_CONNECTIONS: u16 = 0;
pub const CONNECTIONS_GIVEN_UP: u16 = 1;
pub const HANDSHAKES_GIVEN_UP: u16 = 2;
// Block 3 is tests/browser/media-retry.test.mjs's.

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
    let table = std::fs::read_to_string("/proc/net/udp").expect("/proc/net/udp");
    table
        .lines()
        .skip(1)
        .filter_map(|line| line.split_whitespace().nth(1)?.split_once(':'))
        .filter_map(|(_, port)| u16::from_str_radix(port, 16).ok())
        .filter(|port| ports.contains(port))
        .count()
}
