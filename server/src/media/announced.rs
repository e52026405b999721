//! What a publisher's offer says it will send, read from the SDP itself:
//! its tracks are planned (and offered to everyone else) from this, before
//! the first packet arrives.

use super::session::Kind;

/// The kinds of media the offer sends: each `m=audio` or `m=video` section
/// that is not rejected (port 0) and whose direction includes sending
/// (`sendrecv`, the default, or `sendonly`).
pub fn kinds_sent(sdp: &str) -> Vec<Kind> {
    let mut kinds = Vec::new();
    let mut section: Option<(Kind, bool)> = None;
    let close = |section: Option<(Kind, bool)>, kinds: &mut Vec<Kind>| {
        if let Some((kind, true)) = section
            && !kinds.contains(&kind)
        {
            kinds.push(kind);
        }
    };
    for line in sdp.lines().map(str::trim_end) {
        if let Some(media) = line.strip_prefix("m=") {
            close(section.take(), &mut kinds);
            let mut fields = media.split(' ');
            let kind = match fields.next() {
                Some("audio") => Some(Kind::Audio),
                Some("video") => Some(Kind::Video),
                _ => None,
            };
            let rejected = fields.next() == Some("0");
            section = kind.map(|kind| (kind, !rejected));
        } else if let Some((_, sends)) = section.as_mut() {
            match line {
                "a=recvonly" | "a=inactive" => *sends = false,
                _ => {}
            }
        }
    }
    close(section, &mut kinds);
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_offer_to_publish_sends_audio_and_video() {
        let sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n\
                   m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=sendonly\r\n\
                   m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=sendonly\r\n";
        assert_eq!(kinds_sent(sdp), vec![Kind::Audio, Kind::Video]);
    }

    #[test]
    fn receive_only_inactive_rejected_and_other_sections_send_nothing() {
        let sdp = "v=0\nm=audio 9 UDP/TLS/RTP/SAVPF 111\na=recvonly\n\
                   m=video 0 UDP/TLS/RTP/SAVPF 96\na=sendrecv\n\
                   m=application 9 UDP/DTLS/SCTP webrtc-datachannel\n\
                   m=video 9 UDP/TLS/RTP/SAVPF 96\na=inactive\n";
        assert!(kinds_sent(sdp).is_empty());
        // No direction at all is sendrecv.
        assert_eq!(kinds_sent("m=video 9 RTP/AVP 96\r\na=mid:0\r\n"), vec![Kind::Video]);
        assert!(kinds_sent("").is_empty());
        assert!(kinds_sent("m=").is_empty());
    }
}
