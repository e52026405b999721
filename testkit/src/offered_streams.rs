//! Whose media each of the server's sending m-lines carries, read from its
//! offers. The server reuses a transceiver (and its SSRC) for the next
//! person of the same kind, so a track's stream id as first seen goes stale;
//! a browser learns the new owner from the offer's `msid`, and so does this.

use std::collections::HashMap;

/// One m-line of an offer as far as this module cares.
#[derive(Debug, PartialEq, Eq)]
pub struct Section {
    pub mid: String,
    pub ssrcs: Vec<u32>,
    /// The `msid` stream id: whose media it is (`p3`).
    pub stream: Option<String>,
    /// Whether the server sends on it.
    pub sending: bool,
}

pub fn sections(sdp: &str) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    for line in sdp.lines().map(str::trim_end) {
        if line.starts_with("m=") {
            sections.push(Section {
                mid: String::new(),
                ssrcs: Vec::new(),
                stream: None,
                sending: true,
            });
            continue;
        }
        let Some(section) = sections.last_mut() else {
            continue;
        };
        if let Some(mid) = line.strip_prefix("a=mid:") {
            section.mid = mid.to_owned();
        } else if let Some(msid) = line.strip_prefix("a=msid:") {
            section.stream = msid.split(' ').next().map(str::to_owned);
        } else if let Some(rest) = line.strip_prefix("a=ssrc:") {
            let mut fields = rest.splitn(2, ' ');
            let ssrc = fields.next().and_then(|s| s.parse().ok());
            if let Some(ssrc) = ssrc.filter(|s| !section.ssrcs.contains(s)) {
                section.ssrcs.push(ssrc);
            }
            if let Some(msid) = fields.next().and_then(|f| f.strip_prefix("msid:")) {
                section.stream = msid.split(' ').next().map(str::to_owned);
            }
        } else if matches!(line, "a=inactive" | "a=recvonly") {
            section.sending = false;
        }
    }
    sections
}

/// The streams the server sends, by SSRC, as its latest offer says.
#[derive(Debug, Default)]
pub struct OfferedStreams {
    by_mid: HashMap<String, (Vec<u32>, String)>,
}

impl OfferedStreams {
    /// Takes an offer in; returns the streams it ended (made inactive).
    pub fn apply(&mut self, sdp: &str) -> Vec<String> {
        let mut ended = Vec::new();
        for section in sections(sdp) {
            match (section.sending, section.stream) {
                (true, Some(stream)) => {
                    self.by_mid.insert(section.mid, (section.ssrcs, stream));
                }
                _ => {
                    if let Some((_, stream)) = self.by_mid.remove(&section.mid) {
                        ended.push(stream);
                    }
                }
            }
        }
        ended
    }

    pub fn stream_of(&self, ssrc: u32) -> Option<&str> {
        self.by_mid
            .values()
            .find(|(ssrcs, _)| ssrcs.contains(&ssrc))
            .map(|(_, stream)| stream.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIRST: &str = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=recvonly\r\n\
        m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:2\r\na=msid:p3 video-1\r\na=sendonly\r\n\
        a=ssrc:1234 cname:x\r\na=ssrc:1234 msid:p3 video-1\r\n";
    const REUSED: &str = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=recvonly\r\n\
        m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:2\r\na=msid:p7 video-1\r\na=sendonly\r\n\
        a=ssrc:1234 msid:p7 video-1\r\n";
    const INACTIVE: &str = "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:2\r\na=inactive\r\n";

    #[test]
    fn an_ssrc_belongs_to_whoever_the_latest_offer_names() {
        let mut streams = OfferedStreams::default();
        assert!(streams.apply(FIRST).is_empty());
        assert_eq!(streams.stream_of(1234), Some("p3"));
        assert_eq!(streams.apply(INACTIVE), vec!["p3".to_owned()]);
        assert_eq!(streams.stream_of(1234), None);
        assert!(streams.apply(REUSED).is_empty());
        assert_eq!(streams.stream_of(1234), Some("p7"));
    }

    #[test]
    fn sections_are_read_with_their_direction() {
        let read = sections(FIRST);
        assert_eq!(read.len(), 2);
        assert!(!read[0].sending);
        assert_eq!(read[1].ssrcs, vec![1234]);
        assert_eq!(read[1].stream.as_deref(), Some("p3"));
    }
}
