//! What the server reads of a client's descriptions, where the `webrtc`
//! crate would read too much.
//!
//! The client's answers to the server's later offers are read without
//! the track ids of the sections the client sends on. The crate, given a
//! description again, sets each announced track anew; a simulcast camera's
//! layers are then known by rid only, and their SSRCs forgotten. A browser
//! names the rid in its packets only until the first reception report, so
//! after the server's next offer the camera's packets would be dropped for
//! good. What the client publishes never changes after its own offer, so
//! nothing is lost by the crate not reading it again.

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
