//! Who may read `/metrics`: the addresses and networks of `--metrics-allow`
//! (loopback by default), checked against the address a request came from
//! (`listen::ClientAddr`). The figures name no one, but they tell how busy
//! the service is and when: not for strangers. A refusal looks like any
//! unknown path, a 404.

use std::net::IpAddr;
use std::str::FromStr;

use axum::http::HeaderMap;

use super::listen::ClientAddr;

/// An address, or a network in CIDR notation: `192.0.2.7`, `10.0.0.0/8`,
/// `::1`, `fd00::/8`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Network {
    base: IpAddr,
    prefix: u8,
}

impl Network {
    /// What reads `/metrics` unless told otherwise: this machine only.
    pub fn loopback() -> Vec<Network> {
        vec![
            Network {
                base: IpAddr::from([127, 0, 0, 0]),
                prefix: 8,
            },
            Network {
                base: IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
                prefix: 128,
            },
        ]
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d.
        match (self.base, ip.to_canonical()) {
            (IpAddr::V4(base), IpAddr::V4(ip)) => masked(base.to_bits().into(), ip.to_bits().into(), self.prefix, 32),
            (IpAddr::V6(base), IpAddr::V6(ip)) => masked(base.to_bits(), ip.to_bits(), self.prefix, 128),
            _ => false,
        }
    }
}

/// Whether `a` and `b` agree on their first `prefix` of `width` bits.
fn masked(a: u128, b: u128, prefix: u8, width: u8) -> bool {
    let host_bits = u32::from(width - prefix);
    let shift = |x: u128| x.checked_shr(host_bits).unwrap_or(0);
    shift(a) == shift(b)
}

impl FromStr for Network {
    type Err = String;

    fn from_str(text: &str) -> Result<Network, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let base: IpAddr = address
            .parse()
            .map_err(|_| format!("{address:?} is not an IP address (write 192.0.2.7, 10.0.0.0/8 or fd00::/8)"))?;
        let width = if base.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => width,
            Some(prefix) => prefix
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= width)
                .ok_or_else(|| format!("{text:?}: the prefix after / must be 0 to {width}"))?,
        };
        let network = Network { base, prefix };
        let canonical = match base {
            IpAddr::V4(v4) => IpAddr::from(std::net::Ipv4Addr::from_bits(
                v4.to_bits() & u32::MAX.checked_shl(u32::from(32 - prefix)).unwrap_or(0),
            )),
            IpAddr::V6(v6) => IpAddr::from(std::net::Ipv6Addr::from_bits(
                v6.to_bits() & u128::MAX.checked_shl(u32::from(128 - prefix)).unwrap_or(0),
            )),
        };
        if canonical != base {
            // A typo in the prefix would open more (or less) than meant.
            return Err(format!(
                "{text:?} has bits set past its /{prefix}: did you mean {canonical}/{prefix}?"
            ));
        }
        Ok(network)
    }
}

/// The rule `/metrics` is read under.
#[derive(Clone, Debug)]
pub struct MetricsAccess {
    pub allow: Vec<Network>,
    /// Whether the server takes a request's address from a proxy on this
    /// host (`--trust-forwarded-for`).
    pub trust_forwarded_for: bool,
}

/// Headers a reverse proxy adds to say who its client was.
const PROXY_HEADERS: [&str; 3] = ["forwarded", "x-forwarded-for", "x-real-ip"];

impl MetricsAccess {
    /// Whether a request from `client` with `headers` may read the metrics.
    /// A request that came through a proxy whose word the server does not
    /// take is refused whatever its address: a proxy on this host makes
    /// every stranger look like loopback.
    pub fn permits(&self, client: Option<ClientAddr>, headers: &HeaderMap) -> bool {
        let Some(ClientAddr(ip)) = client else {
            return false;
        };
        let proxied = PROXY_HEADERS.iter().any(|name| headers.contains_key(*name));
        let named_by_trusted_proxy = self.trust_forwarded_for && headers.contains_key("x-forwarded-for");
        if proxied && !named_by_trusted_proxy {
            return false;
        }
        self.allow.iter().any(|network| network.contains(ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(text: &str) -> Network {
        text.parse().unwrap()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn addresses_and_networks_contain_what_they_should() {
        assert!(net("10.0.0.0/8").contains(ip("10.200.3.4")));
        assert!(!net("10.0.0.0/8").contains(ip("11.0.0.1")));
        assert!(net("192.0.2.7").contains(ip("192.0.2.7")));
        assert!(!net("192.0.2.7").contains(ip("192.0.2.8")));
        assert!(net("0.0.0.0/0").contains(ip("203.0.113.9")));
        assert!(net("fd00::/8").contains(ip("fd12::1")));
        assert!(!net("fd00::/8").contains(ip("fe80::1")));
        assert!(net("::/0").contains(ip("2001:db8::1")));
        assert!(
            !net("::/0").contains(ip("192.0.2.1")),
            "IPv6 networks hold no IPv4 client"
        );
        let loopback = Network::loopback();
        assert!(loopback.iter().any(|n| n.contains(ip("127.0.0.1"))));
        assert!(loopback.iter().any(|n| n.contains(ip("::1"))));
        assert!(
            loopback.iter().any(|n| n.contains(ip("::ffff:127.0.0.1"))),
            "an IPv4 client of a dual-stack listener"
        );
        assert!(!loopback.iter().any(|n| n.contains(ip("192.0.2.1"))));
    }

    #[test]
    fn bad_input_is_refused_with_a_reason() {
        for (text, says) in [
            ("10.0.0.0/33", "0 to 32"),
            ("fd00::/129", "0 to 128"),
            ("10.0.0.0/", "0 to 32"),
            ("10.0.0.0/x", "0 to 32"),
            ("rooms.example.org", "not an IP address"),
            ("", "not an IP address"),
            ("10.1.2.3/8", "did you mean 10.0.0.0/8?"),
        ] {
            let error = text.parse::<Network>().unwrap_err();
            assert!(error.contains(says), "{text}: {error}");
        }
        assert_eq!(
            net(" 10.0.0.0/8 "),
            net("10.0.0.0/8"),
            "spaces around an entry are fine"
        );
    }

    #[test]
    fn a_request_through_a_proxy_counts_only_when_the_proxy_is_trusted() {
        let loopback = Some(ClientAddr(ip("127.0.0.1")));
        let mut forwarded = HeaderMap::new();
        forwarded.insert("x-forwarded-for", "203.0.113.9".parse().unwrap());
        let untrusting = MetricsAccess {
            allow: Network::loopback(),
            trust_forwarded_for: false,
        };
        assert!(untrusting.permits(loopback, &HeaderMap::new()));
        assert!(
            !untrusting.permits(loopback, &forwarded),
            "a stranger through the proxy"
        );
        assert!(!untrusting.permits(None, &HeaderMap::new()));
        // Trusted, the address is the one the proxy names (listen.rs).
        let trusting = MetricsAccess {
            trust_forwarded_for: true,
            ..untrusting
        };
        assert!(!trusting.permits(Some(ClientAddr(ip("203.0.113.9"))), &forwarded));
        let mut real_ip_only = HeaderMap::new();
        real_ip_only.insert("x-real-ip", "203.0.113.9".parse().unwrap());
        assert!(
            !trusting.permits(loopback, &real_ip_only),
            "a proxy that names its client some other way"
        );
    }
}
