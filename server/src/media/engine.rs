//! Building one server-side peer connection: what it can send and receive,
//! and where its packets go.

use std::sync::Arc;
use std::time::Duration;

use rtc::ice::mdns::MulticastDnsMode;
use rtc::interceptor::{CongestionControlBuilder, NackResponderBuilder, Registry, Slot, TwccSenderBuilder};
use rtc::peer_connection::configuration::interceptor_registry::{
    configure_rtcp_reports, configure_simulcast_extension_headers, configure_twcc_receiver_only,
};
use rtc::peer_connection::configuration::media_engine::{MIME_TYPE_OPUS, MIME_TYPE_VP8, MediaEngine};
use rtc::rtp_transceiver::rtp_sender::{
    RTCPFeedback, RTCRtpCodec, RTCRtpCodecParameters, RTCRtpHeaderExtensionCapability, RtpCodecKind,
};
use webrtc::peer_connection::{
    PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler, RTCConfigurationBuilder, SettingEngineBuilder,
};

use super::Media;
use super::MediaCounters;
use super::downlink_queue::QueueWatch;
use super::incoming_rtx::IncomingRtx;
use super::keyframes::{KeyframeRequests, ReceptionReports};
use super::nack_asks::NackAsks;
use super::repair_twice::RepairTwice;
use super::runtime::MediaRuntime;
use super::shared_port::Announcer;

/// RFC 6464: each audio packet says how loud it is, so the server can tell
/// who is speaking without decoding anything.
pub const AUDIO_LEVEL_URI: &str = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
pub const OPUS_PAYLOAD_TYPE: u8 = 111;
/// Chromium's number for RED over Opus.
const RED_PAYLOAD_TYPE: u8 = 63;
pub const MIME_TYPE_RED: &str = "audio/red";
pub const VP8_PAYLOAD_TYPE: u8 = 96;
/// Retransmissions of VP8 on an SSRC of their own (RFC 4588), both ways
/// (from publishers: `incoming_rtx.rs`).
pub const RTX_PAYLOAD_TYPE: u8 = 97;
pub const MIME_TYPE_RTX: &str = "video/rtx";
/// After the default interceptors, so it sees what they let through.
const KEYFRAME_SLOT: usize = 14_000;
/// Just wire-ward of the NACK responder (4_000), so it sees its repairs.
const REPAIR_TWICE_SLOT: usize = 3_500;
/// Wire-ward of the NACK generator (7_000) and the transport-cc recorder
/// (8_000), so both see a publisher's repairs in their place.
const INCOMING_RTX_SLOT: usize = 6_500;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("webrtc: {0}")]
    Webrtc(#[from] webrtc::error::Error),
    #[error("no UDP port free in the configured range")]
    NoPort,
}

pub fn opus() -> RTCRtpCodec {
    RTCRtpCodec {
        mime_type: MIME_TYPE_OPUS.to_owned(),
        clock_rate: 48_000,
        channels: 2,
        sdp_fmtp_line: "minptime=10;useinbandfec=1".to_owned(),
        rtcp_feedback: vec![],
    }
}

/// Opus with each packet carrying the previous frame again (RFC 2198): a
/// lost packet's sound comes in the next one (`red.rs`).
pub fn red() -> RTCRtpCodec {
    RTCRtpCodec {
        mime_type: MIME_TYPE_RED.to_owned(),
        clock_rate: 48_000,
        channels: 2,
        sdp_fmtp_line: format!("{OPUS_PAYLOAD_TYPE}/{OPUS_PAYLOAD_TYPE}"),
        rtcp_feedback: vec![],
    }
}

pub fn vp8() -> RTCRtpCodec {
    RTCRtpCodec {
        mime_type: MIME_TYPE_VP8.to_owned(),
        clock_rate: 90_000,
        channels: 0,
        sdp_fmtp_line: String::new(),
        rtcp_feedback: vec![],
    }
}

/// Opus and VP8: every browser has both, so nothing is transcoded and every
/// subscriber can take every publisher's packets as they are; and RED over
/// Opus, which the forwarder takes apart for a subscriber without it.
/// Public so that test clients speak exactly what the server speaks.
pub fn media_engine_and_interceptors() -> Result<(MediaEngine, Registry), EngineError> {
    engine_keeping_reports_in(Arc::default(), Arc::default())
}

/// As `media_engine_and_interceptors`, keeping what the peer's reception
/// reports say of the streams sent in `reports`, and counting packets
/// never repaired in `counters`.
fn engine_keeping_reports_in(
    reports: Arc<ReceptionReports>,
    counters: Arc<MediaCounters>,
) -> Result<(MediaEngine, Registry), EngineError> {
    let mut engine = MediaEngine::default();
    engine.register_codec(
        RTCRtpCodecParameters {
            rtp_codec: opus(),
            payload_type: OPUS_PAYLOAD_TYPE,
        },
        RtpCodecKind::Audio,
    )?;
    engine.register_codec(
        RTCRtpCodecParameters {
            rtp_codec: red(),
            payload_type: RED_PAYLOAD_TYPE,
        },
        RtpCodecKind::Audio,
    )?;
    engine.register_codec(
        RTCRtpCodecParameters {
            rtp_codec: vp8(),
            payload_type: VP8_PAYLOAD_TYPE,
        },
        RtpCodecKind::Video,
    )?;
    engine.register_header_extension(
        RTCRtpHeaderExtensionCapability {
            uri: AUDIO_LEVEL_URI.to_owned(),
        },
        RtpCodecKind::Audio,
        None,
    )?;
    let queue = QueueWatch::into(Arc::clone(reports.queue()));
    let registry = interceptors(&mut engine, counters)?
        // Every packet sent is numbered for the peer's transport-wide
        // feedback, which says how long they wait on the way
        // (`downlink_queue.rs`). No pacer: what is sent is chosen by layer.
        .with(Slot::TwccSender, TwccSenderBuilder::new().build())
        .with(Slot::CongestionControl, CongestionControlBuilder::new(queue).build())
        .with(Slot::from(KEYFRAME_SLOT), KeyframeRequests::keeping_reports_in(reports));
    // After the interceptors: they give every video codec registered before
    // them NACK and PLI feedback, which retransmissions themselves do not take.
    engine.register_codec(
        RTCRtpCodecParameters {
            rtp_codec: RTCRtpCodec {
                mime_type: MIME_TYPE_RTX.to_owned(),
                clock_rate: 90_000,
                channels: 0,
                sdp_fmtp_line: format!("apt={VP8_PAYLOAD_TYPE}"),
                rtcp_feedback: vec![],
            },
            payload_type: RTX_PAYLOAD_TYPE,
        },
        RtpCodecKind::Video,
    )?;
    Ok((engine, registry))
}

/// The crate's default interceptors (`register_default_interceptors` in
/// 0.21.1: NACK, simulcast header extensions, transport-cc feedback to
/// publishers, RTCP reports), with our own NACK generator in place of its
/// own (`nack_asks.rs`). Listed here rather than replaced after the fact,
/// which the crate would log as a warning for every connection.
fn interceptors(engine: &mut MediaEngine, counters: Arc<MediaCounters>) -> Result<Registry, EngineError> {
    for parameter in ["", "pli"] {
        engine.register_feedback(
            RTCPFeedback {
                typ: "nack".to_owned(),
                parameter: parameter.to_owned(),
            },
            RtpCodecKind::Video,
        );
    }
    let registry = Registry::new()
        .with(Slot::NackResponder, NackResponderBuilder::new().build())
        .with(Slot::from(REPAIR_TWICE_SLOT), RepairTwice::default())
        .with(
            Slot::from(INCOMING_RTX_SLOT),
            IncomingRtx::counting_in(Arc::clone(&counters)),
        )
        .with(Slot::NackGenerator, NackAsks::counting_in(counters));
    configure_simulcast_extension_headers(engine)?;
    let registry = configure_twcc_receiver_only(registry, engine)?;
    Ok(configure_rtcp_reports(registry))
}

/// How often ICE checks a candidate pair until it answers. The library's
/// 200 ms makes every step of setting up a connection wait for the next
/// tick (it nominates on a tick too); browsers check about every 50 ms
/// while nothing works yet. Public for the test clients, which check as a
/// browser does.
pub const ICE_CHECK_EVERY: Duration = Duration::from_millis(50);
/// Checks of a pair before it is given up: 4 s of silence, where the
/// library's 7 at 200 ms gave up after 1.4 s, too soon on a lossy link.
pub const ICE_CHECKS_PER_PAIR: u16 = 80;

/// A new peer connection for one participant, where its reception reports
/// are kept, and what puts right what it tells its client. Its UDP goes
/// through the shared media port when there is one; otherwise it is bound to
/// a UDP port of its own. Unless ICE over TCP is off it also listens on a
/// TCP port: of the same number when a port range is set, so an operator
/// opens one range for both; an ephemeral one beside the shared port.
pub async fn peer_connection(
    media: &Media,
    handler: Arc<dyn PeerConnectionEventHandler>,
) -> Result<(Arc<dyn PeerConnection>, Arc<ReceptionReports>, Announcer), EngineError> {
    let config = media.config();
    // On the shared port the crate still binds a socket per connection (an
    // ephemeral placeholder, `udp_addrs_to_try` gives port 0), and this
    // connection's runtime swaps it for its place on the port.
    let lease = media.lease_on_shared_port();
    let runtime = match &lease {
        Some(lease) => lease.runtime(),
        None => MediaRuntime::own_ports(Arc::clone(media.counters())),
    };
    let mut last_error = None;
    for addr in media.udp_addrs_to_try() {
        let reports = Arc::new(ReceptionReports::counting_losses_in(Arc::clone(media.counters())));
        let (engine, registry) = engine_keeping_reports_in(Arc::clone(&reports), Arc::clone(media.counters()))?;
        let settings = SettingEngineBuilder::new()
            // mDNS would bind a multicast socket per connection and hide
            // addresses behind names: a server has nothing to hide.
            .with_multicast_dns_mode(MulticastDnsMode::Disabled)
            // On loopback (tests, and `cargo run` on a laptop) the loopback
            // candidate is the only one there is.
            .with_include_loopback_candidate(config.udp_ip.is_loopback())
            .with_ice_connection_attempts(Some(ICE_CHECK_EVERY), Some(ICE_CHECKS_PER_PAIR));
        // A public address (1:1 NAT) is written into our candidates by the
        // `Announcer`: the crate takes `with_nat_1to1_ips` but never reads it.
        let built = PeerConnectionBuilder::new()
            .with_configuration(RTCConfigurationBuilder::new().build())
            .with_media_engine(engine)
            .with_setting_engine(settings.build())
            .with_interceptor_registry(registry)
            .with_handler(Arc::clone(&handler))
            .with_runtime(Arc::clone(&runtime))
            .with_tcp_addrs(if config.ice_tcp { vec![addr.clone()] } else { Vec::new() })
            .with_udp_addrs(vec![addr])
            .build()
            .await;
        match built {
            Ok(pc) => return Ok((Arc::new(pc), reports, Announcer::new(lease, config.public_ip))),
            // Another connection holds this port: try the next one.
            Err(error) if config.ports.is_some() => last_error = Some(error),
            Err(error) => return Err(error.into()),
        }
    }
    Err(last_error.map_or(EngineError::NoPort, |_| EngineError::NoPort))
}
