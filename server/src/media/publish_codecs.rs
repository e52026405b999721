//! Retransmissions come to the server on the media SSRC, and leave it on
//! an SSRC of their own (RTX, RFC 4588). The server sends RTX to every
//! subscriber (each slot has an RTX SSRC; the crate's NACK responder
//! answers from its cache on it), but it does not take RTX from a
//! publisher: the `webrtc` crate 0.21 cannot tie a simulcast layer's RTX
//! stream to its layer (no repaired-rid), and it unwraps RTX only after
//! its NACK generator has looked, which would then ask again for every
//! packet repaired. So the sections a client publishes on are described
//! without RTX in what the server sends it: the browser then repairs on
//! the media SSRC, as before, and probes with padding there (which the
//! forwarder drops).
//!
//! The crate writes one codec list for both directions; this takes RTX
//! out of the sections the server only receives on (`a=recvonly`), in its
//! answers and its offers alike, before they go to the client.
//!
//! And the client's answers to the server's later offers are read without
//! the track ids of the sections the client sends on. The crate, given a
//! description again, sets each announced track anew; a simulcast camera's
//! layers are then known by rid only, and their SSRCs forgotten. A browser
//! names the rid in its packets only until the first reception report, so
//! after the server's next offer the camera's packets would be dropped for
//! good. What the client publishes never changes after its own offer, so
//! nothing is lost by the crate not reading it again.

/// `sdp` with RTX taken out of every receive-only section: from the
/// `m=` line's payload types and its `rtpmap`, `fmtp` and `rtcp-fb` lines.
pub fn without_rtx_where_receiving(sdp: &str) -> String {
    by_section(sdp, flush)
}

/// `sdp` rewritten a section at a time (the session's lines first, then
/// each `m=` line with the lines under it, line endings kept), by `write`.
fn by_section(sdp: &str, write: impl Fn(&mut String, &[&str])) -> String {
    let mut out = String::with_capacity(sdp.len());
    let mut section: Vec<&str> = Vec::new();
    for line in sdp.split_inclusive('\n') {
        if line.starts_with("m=") {
            write(&mut out, &section);
            section.clear();
        }
        section.push(line);
    }
    write(&mut out, &section);
    out
}

/// A client's answer with the `a=msid` line of each simulcast section it
/// sends on (`a=sendonly` with `a=rid` lines) taken out: the crate then
/// leaves that camera as set up by the client's offer. A section sent
/// once names its SSRC (`a=ssrc`) and keeps its line: without the track id
/// the crate would take it for another track, and end the one being read.
pub fn answer_keeping_published_tracks(sdp: &str) -> String {
    by_section(sdp, |out, section| {
        let sends = section.iter().any(|line| line.trim_end() == "a=sendonly");
        let simulcast = section.iter().any(|line| line.starts_with("a=rid:"));
        let is_media = section.first().is_some_and(|line| line.starts_with("m="));
        for line in section {
            if !(sends && simulcast && is_media && line.starts_with("a=msid:")) {
                out.push_str(line);
            }
        }
    })
}

fn flush(out: &mut String, section: &[&str]) {
    let receive_only = section.iter().any(|line| line.trim_end() == "a=recvonly");
    let is_media = section.first().is_some_and(|line| line.starts_with("m="));
    if !receive_only || !is_media {
        section.iter().for_each(|line| out.push_str(line));
        return;
    }
    let rtx: Vec<&str> = section
        .iter()
        .filter_map(|line| {
            let (payload_type, codec) = line.strip_prefix("a=rtpmap:")?.split_once(' ')?;
            codec.to_ascii_lowercase().starts_with("rtx/").then_some(payload_type)
        })
        .collect();
    if rtx.is_empty() {
        section.iter().for_each(|line| out.push_str(line));
        return;
    }
    for (i, line) in section.iter().enumerate() {
        if i == 0 {
            out.push_str(&without_payload_types(line, &rtx));
            continue;
        }
        let about_rtx = ["a=rtpmap:", "a=fmtp:", "a=rtcp-fb:"].iter().any(|prefix| {
            line.strip_prefix(prefix)
                .and_then(|rest| rest.split([' ', '\r', '\n']).next())
                .is_some_and(|payload_type| rtx.contains(&payload_type))
        });
        if !about_rtx {
            out.push_str(line);
        }
    }
}

/// An `m=` line without the given payload types (after the first three
/// fields: media, port, protocol).
fn without_payload_types(line: &str, drop: &[&str]) -> String {
    let body = line.trim_end_matches(['\r', '\n']);
    let ending = &line[body.len()..];
    let kept: Vec<&str> = body
        .split(' ')
        .enumerate()
        .filter(|(i, field)| *i < 3 || !drop.contains(field))
        .map(|(_, field)| field)
        .collect();
    format!("{}{ending}", kept.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSWER: &str = "v=0\r\n\
        m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=recvonly\r\na=rtpmap:111 opus/48000/2\r\n\
        m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\na=mid:1\r\na=rtpmap:96 VP8/90000\r\n\
        a=rtcp-fb:96 nack\r\na=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\na=rtcp-fb:97 nack\r\na=recvonly\r\n\
        m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\na=mid:2\r\na=sendonly\r\na=rtpmap:96 VP8/90000\r\n\
        a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\na=ssrc-group:FID 1 2\r\n";

    #[test]
    fn rtx_goes_from_the_sections_the_server_receives_on_and_stays_where_it_sends() {
        let munged = without_rtx_where_receiving(ANSWER);
        let sections: Vec<&str> = munged.split("m=").collect();
        // The receiving video section: VP8 alone, its feedback kept.
        assert!(
            sections[2].starts_with("video 9 UDP/TLS/RTP/SAVPF 96\r\n"),
            "{}",
            sections[2]
        );
        assert!(sections[2].contains("a=rtcp-fb:96 nack\r\n"));
        assert!(!sections[2].contains("97"), "{}", sections[2]);
        // The sending one: untouched.
        assert_eq!(sections[3], ANSWER.split("m=").nth(3).unwrap());
        // Audio, and the session lines: untouched.
        assert_eq!(sections[0], "v=0\r\n");
        assert_eq!(sections[1], ANSWER.split("m=").nth(1).unwrap());
    }

    #[test]
    fn an_answer_loses_only_its_simulcast_sections_track_ids() {
        let answer = "v=0\r\na=msid-semantic: WMS\r\n\
            m=audio 9 X 111\r\na=mid:0\r\na=sendonly\r\na=msid:s1 mic\r\na=ssrc:7 cname:x\r\n\
            m=video 9 X 96\r\na=mid:1\r\na=sendonly\r\na=msid:s1 cam\r\na=rid:h send\r\n\
            m=video 9 X 96\r\na=mid:4\r\na=recvonly\r\na=msid:p2 video-2\r\n";
        let kept = answer_keeping_published_tracks(answer);
        assert!(!kept.contains("a=msid:s1 cam"), "{kept}");
        assert!(kept.contains("a=rid:h send\r\n"));
        assert!(kept.contains("a=msid:p2 video-2\r\n"));
        assert!(
            kept.contains("a=msid:s1 mic\r\n"),
            "a section sent once keeps its track id"
        );
        assert!(kept.contains("a=msid-semantic: WMS\r\n"));
        assert_eq!(kept.len(), answer.len() - "a=msid:s1 cam\r\n".len());
    }

    #[test]
    fn an_sdp_without_rtx_or_with_bare_newlines_comes_back_as_it_was() {
        let plain = "v=0\nm=video 9 X 96\na=recvonly\na=rtpmap:96 VP8/90000\n";
        assert_eq!(without_rtx_where_receiving(plain), plain);
        let bare = "m=video 9 X 96 97\na=recvonly\na=rtpmap:97 rtx/90000\na=fmtp:97 apt=96\n";
        assert_eq!(without_rtx_where_receiving(bare), "m=video 9 X 96\na=recvonly\n");
        assert_eq!(without_rtx_where_receiving(""), "");
    }
}
