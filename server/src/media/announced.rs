//! What a publisher's offer says it will send, read from the SDP itself:
//! its tracks are planned (and offered to everyone else) from this, before
//! the first packet arrives.
//!
//! A browser offers its microphone, then its camera, then (the web client
//! always offers one, with no track until someone shares) a second video
//! section for a shared screen: the second video section is the screen.

use super::session::Kind;

/// One section the offer sends on, and its mid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Announced {
    pub kind: Kind,
    pub mid: Option<String>,
}

/// The media the offer sends: each `m=audio` or `m=video` section that is
/// not rejected (port 0) and whose direction includes sending (`sendrecv`,
/// the default, or `sendonly`). One of each kind at most.
pub fn kinds_sent(sdp: &str) -> Vec<Announced> {
    struct Section {
        media: Option<&'static str>,
        sends: bool,
        mid: Option<String>,
    }
    let mut sections: Vec<Section> = Vec::new();
    for line in sdp.lines().map(str::trim_end) {
        if let Some(media) = line.strip_prefix("m=") {
            let mut fields = media.split(' ');
            let media = match fields.next() {
                Some("audio") => Some("audio"),
                Some("video") => Some("video"),
                _ => None,
            };
            let rejected = fields.next() == Some("0");
            sections.push(Section {
                media,
                sends: !rejected,
                mid: None,
            });
        } else if let Some(section) = sections.last_mut() {
            match line {
                "a=recvonly" | "a=inactive" => section.sends = false,
                _ => {
                    if let Some(mid) = line.strip_prefix("a=mid:") {
                        section.mid = Some(mid.to_owned());
                    }
                }
            }
        }
    }
    let mut videos = 0;
    let mut announced: Vec<Announced> = Vec::new();
    for section in sections {
        let kind = match section.media {
            Some("audio") => Kind::Audio,
            Some(_) => {
                videos += 1;
                if videos == 1 { Kind::Video } else { Kind::Screen }
            }
            None => continue,
        };
        if section.sends && !announced.iter().any(|a| a.kind == kind) {
            announced.push(Announced { kind, mid: section.mid });
        }
    }
    announced
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_offer_to_publish_sends_audio_and_video() {
        let sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n\
                   m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=sendonly\r\n\
                   m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=sendonly\r\n";
        let kinds: Vec<Kind> = kinds_sent(sdp).into_iter().map(|a| a.kind).collect();
        assert_eq!(kinds, vec![Kind::Audio, Kind::Video]);
    }

    #[test]
    fn the_second_video_section_is_the_screen_with_its_mid() {
        let sdp = "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=sendonly\r\n\
                   m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=sendonly\r\n\
                   m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:2\r\na=sendonly\r\n\
                   m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:3\r\na=sendonly\r\n";
        let announced = kinds_sent(sdp);
        assert_eq!(announced.len(), 3, "a third video section is not taken: {announced:?}");
        assert_eq!(
            announced[2],
            Announced {
                kind: Kind::Screen,
                mid: Some("2".into())
            }
        );
        // A camera section that sends nothing still counts as the camera's.
        let no_camera = "m=audio 9 X 111\na=mid:0\nm=video 9 X 96\na=mid:1\na=inactive\nm=video 9 X 96\na=mid:2\n";
        let kinds: Vec<Kind> = kinds_sent(no_camera).into_iter().map(|a| a.kind).collect();
        assert_eq!(kinds, vec![Kind::Audio, Kind::Screen]);
    }

    #[test]
    fn receive_only_inactive_rejected_and_other_sections_send_nothing() {
        let sdp = "v=0\nm=audio 9 UDP/TLS/RTP/SAVPF 111\na=recvonly\n\
                   m=video 0 UDP/TLS/RTP/SAVPF 96\na=sendrecv\n\
                   m=application 9 UDP/DTLS/SCTP webrtc-datachannel\n\
                   m=video 9 UDP/TLS/RTP/SAVPF 96\na=inactive\n";
        assert!(kinds_sent(sdp).is_empty());
        // No direction at all is sendrecv.
        assert_eq!(kinds_sent("m=video 9 RTP/AVP 96\r\na=mid:0\r\n")[0].kind, Kind::Video);
        assert!(kinds_sent("").is_empty());
        assert!(kinds_sent("m=").is_empty());
    }
}
