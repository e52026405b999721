//! What a connection tells its client of where to reach it: on the shared
//! port, that port; behind 1:1 NAT, the public address.
//!
//! The `webrtc` crate binds each connection a socket of its own and makes
//! its host candidates from that socket's address (`RTCStunGatherer`,
//! `gather_host_candidates`), before our runtime has a say. On the shared
//! port that socket is a placeholder on an ephemeral port, closed at once:
//! the candidates the client is sent must name the shared port instead,
//! and so must the passive TCP candidate when ICE over TCP listens there.
//! The crate itself keeps the placeholder's address as the connection's
//! local address throughout, which is what the virtual socket reports to
//! it with every datagram, so inside the crate everything agrees.
//!
//! The crate also takes a public address for its host candidates
//! (`with_nat_1to1_ips`) but never reads it (0.21.1), so a server behind
//! 1:1 NAT (most cloud machines) would tell browsers its private address.
//! The public one is written in here instead, on host candidates of the
//! same family; the browser's packets reach the private address through
//! the NAT, where the crate expects them.

use std::net::IpAddr;

/// Where to say a connection is reached, where it differs from what the
/// crate says: the shared port (UDP host candidates, and passive TCP ones
/// when ICE over TCP is on it), the public address (every host candidate
/// of its family).
#[derive(Clone, Copy, Debug, Default)]
pub struct Reach {
    pub port: Option<u16>,
    pub tcp_port: Option<u16>,
    pub public_ip: Option<IpAddr>,
}

/// `candidate` (an SDP `a=candidate:` line, or a trickled candidate's
/// `candidate:` string) as `reach` says: a UDP host candidate on the
/// shared port, a passive TCP host candidate on the shared TCP port, a host
/// candidate of the public address's family at that address; unchanged
/// otherwise. An active TCP candidate's port is a placeholder (9), kept.
pub fn candidate_reached(candidate: &str, reach: Reach) -> String {
    // RFC 8839 section 5.1: foundation, component, transport, priority,
    // address, port, "typ", type, then extensions.
    let mut fields: Vec<String> = candidate.split(' ').map(str::to_owned).collect();
    let is_host = fields.len() >= 8 && fields[0].contains("candidate:") && fields[6] == "typ" && fields[7] == "host";
    if !is_host || fields[5].parse::<u16>().is_err() {
        return candidate.to_owned();
    }
    let udp = fields[2].eq_ignore_ascii_case("udp");
    // RFC 6544: "tcptype passive" among the extensions.
    let passive_tcp = fields[2].eq_ignore_ascii_case("tcp")
        && fields[8..]
            .windows(2)
            .any(|pair| pair[0] == "tcptype" && pair[1] == "passive");
    let port = if udp {
        reach.port
    } else if passive_tcp {
        reach.tcp_port
    } else {
        None
    };
    if let Some(port) = port {
        fields[5] = port.to_string();
    }
    if let (Some(public), Ok(address)) = (reach.public_ip, fields[4].parse::<IpAddr>())
        && public.is_ipv4() == address.is_ipv4()
    {
        fields[4] = public.to_string();
    }
    fields.join(" ")
}

/// `sdp` with every candidate as `reach` says, line endings kept.
pub fn sdp_reached(sdp: &str, reach: Reach) -> String {
    sdp.split_inclusive('\n')
        .map(|line| {
            if !line.starts_with("a=candidate:") {
                return line.to_owned();
            }
            let body = line.trim_end_matches(['\r', '\n']);
            let ending = &line[body.len()..];
            candidate_reached(body, reach) + ending
        })
        .collect()
}

/// Every `a=ice-ufrag:` value in `sdp`: bundled, there is one, repeated
/// per m-line.
pub fn ufrags(sdp: &str) -> impl Iterator<Item = &str> {
    sdp.lines()
        .filter_map(|line| line.trim_end().strip_prefix("a=ice-ufrag:"))
        .filter(|ufrag| !ufrag.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ON_50000: Reach = Reach {
        port: Some(50000),
        tcp_port: None,
        public_ip: None,
    };

    #[test]
    fn udp_host_candidates_take_the_shared_port_and_nothing_else_changes() {
        let host = "candidate:1 1 udp 2130706431 127.0.0.1 41234 typ host";
        assert_eq!(
            candidate_reached(host, ON_50000),
            "candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host"
        );
        let upper = "candidate:1 1 UDP 2130706431 10.0.0.5 41234 typ host generation 0";
        assert_eq!(
            candidate_reached(upper, ON_50000),
            "candidate:1 1 UDP 2130706431 10.0.0.5 50000 typ host generation 0"
        );
        for kept in [
            "candidate:2 1 tcp 1671430143 127.0.0.1 41235 typ host tcptype passive",
            "candidate:3 1 udp 1694498815 203.0.113.7 41234 typ srflx raddr 0.0.0.0 rport 0",
            "candidate:1 1 udp 2130706431",
            "",
        ] {
            assert_eq!(candidate_reached(kept, ON_50000), kept);
        }
    }

    #[test]
    fn with_ice_over_tcp_on_the_shared_port_the_passive_candidate_names_it() {
        let reach = Reach {
            tcp_port: Some(50000),
            ..ON_50000
        };
        assert_eq!(
            candidate_reached(
                "candidate:2 1 tcp 1671430143 127.0.0.1 41235 typ host tcptype passive",
                reach
            ),
            "candidate:2 1 tcp 1671430143 127.0.0.1 50000 typ host tcptype passive"
        );
        let active = "candidate:3 1 tcp 1671430143 127.0.0.1 9 typ host tcptype active";
        assert_eq!(
            candidate_reached(active, reach),
            active,
            "an active one's port says nothing"
        );
    }

    #[test]
    fn behind_nat_host_candidates_of_the_same_family_name_the_public_address() {
        let reach = Reach {
            port: None,
            tcp_port: None,
            public_ip: Some("203.0.113.7".parse().unwrap()),
        };
        assert_eq!(
            candidate_reached("candidate:1 1 udp 2130706431 10.0.0.5 50012 typ host", reach),
            "candidate:1 1 udp 2130706431 203.0.113.7 50012 typ host"
        );
        assert_eq!(
            candidate_reached(
                "candidate:2 1 tcp 1671430143 10.0.0.5 50012 typ host tcptype passive",
                reach
            ),
            "candidate:2 1 tcp 1671430143 203.0.113.7 50012 typ host tcptype passive"
        );
        let v6 = "candidate:3 1 udp 2130706431 fd00::5 50012 typ host";
        assert_eq!(candidate_reached(v6, reach), v6, "another family is left as it is");
        let both = Reach {
            port: Some(443),
            ..reach
        };
        assert_eq!(
            candidate_reached("candidate:1 1 udp 2130706431 10.0.0.5 50012 typ host", both),
            "candidate:1 1 udp 2130706431 203.0.113.7 443 typ host"
        );
    }

    #[test]
    fn an_sdp_has_its_candidates_moved_and_its_ufrag_read() {
        let sdp = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=ice-ufrag:AbCd\r\n\
                   a=candidate:1 1 udp 2130706431 127.0.0.1 41234 typ host\r\n\
                   a=end-of-candidates\r\n";
        let moved = sdp_reached(
            sdp,
            Reach {
                port: Some(50000),
                tcp_port: None,
                public_ip: None,
            },
        );
        assert_eq!(moved, sdp.replace("41234", "50000"));
        assert_eq!(ufrags(sdp).collect::<Vec<_>>(), ["AbCd"]);
    }
}
