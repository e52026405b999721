//! Latency samples and their quantiles, and the figures of several runs
//! reported as a median with the spread (min to max) around it.

use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Microseconds since the tool started: one clock for every sender and
/// receiver in this process, small enough to put in a chat line or an RTP
/// payload.
pub fn micros_since(epoch: Instant) -> u64 {
    u64::try_from(epoch.elapsed().as_micros()).unwrap_or(u64::MAX)
}

/// Waits out a measuring window of `duration`, calling `sample` every
/// `every` (never, if zero) with the time elapsed and the step just waited,
/// for a soak's progress lines. Returns the seconds actually measured.
pub async fn window(duration: Duration, every: Duration, mut sample: impl FnMut(Duration, Duration)) -> f64 {
    let start = Instant::now();
    while start.elapsed() < duration {
        let left = duration.saturating_sub(start.elapsed());
        let step = if every.is_zero() { left } else { every.min(left) };
        tokio::time::sleep(step).await;
        if !every.is_zero() {
            sample(start.elapsed(), step);
        }
    }
    start.elapsed().as_secs_f64()
}

/// Latency samples in microseconds, shared by every task that records one.
#[derive(Default)]
pub struct Samples(Mutex<Vec<u32>>);

impl Samples {
    pub fn record(&self, micros: u64) {
        let micros = u32::try_from(micros).unwrap_or(u32::MAX);
        self.0.lock().expect("samples lock").push(micros);
    }

    pub fn len(&self) -> usize {
        self.0.lock().expect("samples lock").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn quantiles(&self) -> Quantiles {
        let mut all = self.0.lock().expect("samples lock").clone();
        Quantiles::of(&mut all)
    }
}

/// p50, p99 and max of a set of samples, in milliseconds.
#[derive(Clone, Copy, Debug, Default)]
pub struct Quantiles {
    pub count: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Quantiles {
    pub fn of(micros: &mut [u32]) -> Quantiles {
        if micros.is_empty() {
            return Quantiles::default();
        }
        micros.sort_unstable();
        // Nearest rank: the smallest sample with at least p of them at or below it.
        let rank = |p: f64| {
            let at = (p * micros.len() as f64).ceil() as usize;
            f64::from(micros[at.clamp(1, micros.len()) - 1]) / 1000.0
        };
        Quantiles {
            count: micros.len(),
            p50_ms: rank(0.50),
            p99_ms: rank(0.99),
            max_ms: f64::from(micros[micros.len() - 1]) / 1000.0,
        }
    }

    /// Adds `name p50`, `name p99` and `name max` to a run's figures.
    pub fn add_to(&self, figures: &mut RunFigures, name: &str) {
        figures.add(&format!("{name} p50 (ms)"), self.p50_ms);
        figures.add(&format!("{name} p99 (ms)"), self.p99_ms);
        figures.add(&format!("{name} max (ms)"), self.max_ms);
    }
}

/// The named figures of one run, in the order they were added.
#[derive(Clone, Debug, Default)]
pub struct RunFigures(pub Vec<(String, f64)>);

impl RunFigures {
    pub fn add(&mut self, name: &str, value: f64) {
        self.0.push((name.to_owned(), value));
    }

    pub fn get(&self, name: &str) -> Option<f64> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| *v)
    }

    pub fn print(&self, heading: &str) {
        println!("{heading}");
        for (name, value) in &self.0 {
            println!("  {name:<48} {}", format_value(*value));
        }
    }
}

/// Every run's figures, summarised as a median with its spread.
#[derive(Default)]
pub struct Summary {
    runs: Vec<RunFigures>,
}

impl Summary {
    pub fn push(&mut self, run: RunFigures) {
        self.runs.push(run);
    }

    pub fn runs(&self) -> usize {
        self.runs.len()
    }

    /// A Markdown table: one row a figure, its median, min and max over the
    /// runs, and each run's value.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let Some(first) = self.runs.first() else {
            return "no run completed\n".to_owned();
        };
        let _ = writeln!(out, "| figure | median | min | max | runs |");
        let _ = writeln!(out, "| --- | ---: | ---: | ---: | --- |");
        for (name, _) in &first.0 {
            let mut values: Vec<f64> = self.runs.iter().filter_map(|run| run.get(name)).collect();
            let each = values.iter().map(|v| format_value(*v)).collect::<Vec<_>>().join(", ");
            values.sort_by(f64::total_cmp);
            let _ = writeln!(
                out,
                "| {name} | {} | {} | {} | {each} |",
                format_value(median(&values)),
                format_value(values[0]),
                format_value(values[values.len() - 1]),
            );
        }
        out
    }
}

/// The median of sorted values (the mean of the middle two for an even count).
pub fn median(sorted: &[f64]) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// Enough digits to read, not so many that noise looks like precision.
pub fn format_value(value: f64) -> String {
    let magnitude = value.abs();
    if value.is_nan() {
        "n/a".to_owned()
    } else if magnitude >= 1000.0 || value == value.trunc() {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else if magnitude >= 0.1 {
        format!("{value:.2}")
    } else {
        format!("{value:.4}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_use_nearest_rank() {
        let mut samples: Vec<u32> = (1..=100).map(|ms| ms * 1000).collect();
        let q = Quantiles::of(&mut samples);
        assert_eq!((q.p50_ms, q.p99_ms, q.max_ms), (50.0, 99.0, 100.0));
        assert_eq!(Quantiles::of(&mut []).count, 0);
    }

    #[test]
    fn the_summary_shows_median_and_spread() {
        let mut summary = Summary::default();
        for value in [3.0, 1.0, 2.0] {
            let mut run = RunFigures::default();
            run.add("x", value);
            summary.push(run);
        }
        assert!(
            summary.table().contains("| x | 2 | 1 | 3 | 3, 1, 2 |"),
            "{}",
            summary.table()
        );
    }
}
