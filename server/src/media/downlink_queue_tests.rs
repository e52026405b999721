use rtc::rtcp::transport_feedbacks::cc_feedback_report::Ecn;

use super::*;

const PACKET: usize = 1_200;

/// A watch and where it writes, and the instant it starts at.
fn watch() -> (QueueWatch, Arc<DownlinkQueue>, Instant) {
    let queue = Arc::new(DownlinkQueue::default());
    (QueueWatch::into(Arc::clone(&queue)), queue, Instant::now())
}

/// A packet that left at `left` and arrived `arrived` later on the
/// receiver's clock, which runs 5 s ahead of ours.
fn report(t0: Instant, left: Duration, arrived: Option<Duration>) -> PacketReport {
    PacketReport {
        ssrc: 1,
        id: 0,
        rtp_sequence_number: 0,
        is_twcc: true,
        twcc_sequence_number: 0,
        size: PACKET,
        arrived: arrived.is_some(),
        departure: t0 + left,
        arrival: arrived.map(|after| Duration::from_secs(5) + left + after),
        ecn: Ecn::NotEct,
    }
}

/// Sends `per_second` packets a second for `seconds` from `from`, through
/// a link whose one-way delay is 30 ms plus `jitter(i)` and which carries
/// `link_bps`: a packet waits behind those before it. Feedback comes each
/// 100 ms. Returns the reading of each second.
fn run(
    watch: &mut QueueWatch,
    queue: &DownlinkQueue,
    t0: Instant,
    from: Duration,
    seconds: u32,
    (per_second, link_bps): (u32, f64),
    jitter: impl Fn(u32) -> Duration,
) -> Vec<QueueReading> {
    let gap = Duration::from_secs(1) / per_second;
    let on_link = Duration::from_secs_f64(PACKET as f64 * 8.0 / link_bps);
    let mut free_at = from;
    let mut readings = Vec::new();
    let mut batch = Vec::new();
    for i in 0..seconds * per_second {
        let left = from + gap * i;
        free_at = free_at.max(left) + on_link;
        let arrived = free_at - left + Duration::from_millis(30) + jitter(i);
        batch.push(report(t0, left, Some(arrived)));
        if (i + 1) % (per_second / 10) == 0 {
            watch.on_reports(t0 + left + Duration::from_millis(60), &batch);
            batch.clear();
        }
        if (i + 1) % per_second == 0 {
            readings.push(queue.take());
        }
    }
    readings
}

#[test]
fn a_link_that_carries_what_is_sent_shows_no_queue_whatever_its_jitter() {
    let (mut watch, queue, t0) = watch();
    // 1 Mbit/s sent (100 packets of 1,200 bytes) on a 20 Mbit/s link, with
    // up to 20 ms of jitter.
    let jitter = |i: u32| Duration::from_millis(u64::from(i * 7 % 21));
    let readings = run(&mut watch, &queue, t0, Duration::ZERO, 5, (100, 20e6), jitter);
    for reading in &readings[1..] {
        assert_eq!(reading.packets, 100);
        assert!(reading.queued < Duration::from_millis(15), "{reading:?}");
        // What arrived came at about the rate it was sent.
        assert!((reading.arrived_bps - 960_000.0).abs() < 100_000.0, "{reading:?}");
    }
}

#[test]
fn a_link_too_small_shows_its_queue_growing_and_what_it_carries() {
    let (mut watch, queue, t0) = watch();
    // Two quiet seconds at a trickle, then 1 Mbit/s into 500 kbit/s.
    run(&mut watch, &queue, t0, Duration::ZERO, 2, (10, 500e3), |_| {
        Duration::ZERO
    });
    let readings = run(&mut watch, &queue, t0, Duration::from_secs(2), 3, (100, 500e3), |_| {
        Duration::ZERO
    });
    assert!(readings[0].queued > Duration::from_millis(200), "{readings:?}");
    assert!(readings[2].queued > readings[0].queued, "the queue grows: {readings:?}");
    for reading in &readings {
        assert!(
            (reading.arrived_bps - 500_000.0).abs() < 50_000.0,
            "the link's rate: {reading:?}"
        );
    }
}

#[test]
fn lost_packets_are_not_counted_and_an_empty_second_reads_as_nothing() {
    let (mut watch, queue, t0) = watch();
    let lost = report(t0, Duration::ZERO, None);
    watch.on_reports(t0, &[lost]);
    assert_eq!(queue.take(), QueueReading::default());
    assert_eq!(queue.take(), QueueReading::default());
}

#[test]
fn a_longer_path_becomes_the_base_and_a_clock_that_jumps_is_no_queue() {
    let (mut watch, queue, t0) = watch();
    run(&mut watch, &queue, t0, Duration::ZERO, 3, (50, 20e6), |_| {
        Duration::ZERO
    });
    // The path grows 80 ms longer for good (a new route): a queue at
    // first, then, once the old base has aged out, none.
    let longer = |_| Duration::from_millis(80);
    let readings = run(&mut watch, &queue, t0, Duration::from_secs(3), 12, (50, 20e6), longer);
    assert!(readings[0].queued >= Duration::from_millis(75), "{readings:?}");
    assert!(readings[11].queued < Duration::from_millis(5), "{readings:?}");
    // The receiver's clock jumps 10 s: not a 10 s queue.
    let jumped = |_| Duration::from_secs(10);
    let readings = run(&mut watch, &queue, t0, Duration::from_secs(15), 2, (50, 20e6), jumped);
    assert!(
        readings.iter().all(|r| r.queued < Duration::from_millis(100)),
        "{readings:?}"
    );
}

#[test]
fn the_base_keeps_one_minimum_a_second() {
    let (mut watch, queue, t0) = watch();
    run(&mut watch, &queue, t0, Duration::ZERO, 40, (20, 20e6), |_| {
        Duration::ZERO
    });
    assert!(watch.lowest.len() <= BASE_WINDOW);
}
