//! What the kernel says about a process: resident memory, CPU time, and the
//! machine's load. Linux only, read from /proc, so the figures mean the same
//! thing as `ps` and `top` show an operator.

use std::fs;

/// Resident memory (VmRSS) of `pid` in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
}

/// User plus system CPU seconds `pid` has used since it started (fields 14
/// and 15 of /proc/<pid>/stat, in clock ticks).
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count
    // fields from after its closing parenthesis, where field 3 starts.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / clock_ticks_per_second())
}

/// The CPU time a process uses from the moment this is made.
pub struct CpuMeter {
    pid: u32,
    start: Option<f64>,
}

impl CpuMeter {
    pub fn start(pid: u32) -> CpuMeter {
        CpuMeter {
            pid,
            start: cpu_seconds(pid),
        }
    }

    /// CPU seconds used since `start`; `None` if /proc could not be read.
    pub fn used(&self) -> Option<f64> {
        Some(cpu_seconds(self.pid)? - self.start?)
    }
}

fn clock_ticks_per_second() -> f64 {
    // SAFETY: sysconf only reads a constant of the running kernel.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks > 0 { ticks as f64 } else { 100.0 }
}

/// The 1, 5 and 15 minute load averages, as /proc/loadavg spells them.
pub fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// The 1-minute load average alone, to decide whether to measure now.
pub fn load_1min() -> f64 {
    load_average()
        .split_whitespace()
        .next()
        .and_then(|first| first.parse().ok())
        .unwrap_or(0.0)
}

/// What the machine is: CPU model, cores and memory, for the record.
pub fn machine() -> String {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let online = fs::read_to_string("/sys/devices/system/cpu/online").unwrap_or_default();
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_gib = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!(
        "{model}; CPUs online {} (this process may use {cores}); {mem_gib:.1} GiB; Linux {}",
        online.trim(),
        kernel.trim()
    )
}

/// Pins the calling process (and the threads it starts afterwards) to the
/// CPUs in `list` ("1" or "0,1" or "2-3"). Called before the async runtime
/// starts, so its worker count follows the pinning.
pub fn pin_self(list: &str) -> anyhow::Result<()> {
    let cpus = parse_cpu_list(list)?;
    // SAFETY: a zeroed cpu_set_t is the empty set; CPU_SET and
    // sched_setaffinity only touch the set we own.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        for cpu in cpus {
            libc::CPU_SET(cpu, &mut set);
        }
        if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
            anyhow::bail!("sched_setaffinity({list}): {}", std::io::Error::last_os_error());
        }
    }
    Ok(())
}

fn parse_cpu_list(list: &str) -> anyhow::Result<Vec<usize>> {
    let mut cpus = Vec::new();
    for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((low, high)) => cpus.extend(low.parse::<usize>()?..=high.parse::<usize>()?),
            None => cpus.push(part.parse()?),
        }
    }
    anyhow::ensure!(!cpus.is_empty(), "no CPU in {list:?}");
    Ok(cpus)
}

/// Raises this process's open-files limit as far as it may go: thousands
/// of sockets need it, and the server started from here inherits it. The
/// server needs two descriptors a person (the WebSocket and the UDP socket
/// of the peer connection it makes on entry), so 10,000 people pass a
/// common hard limit of 20,000; root may raise the hard limit itself.
pub fn raise_open_files_limit() -> u64 {
    const WANTED: libc::rlim_t = 1 << 16;
    // SAFETY: getrlimit/setrlimit read and write the struct we own.
    unsafe {
        let mut limit: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 0;
        }
        if limit.rlim_max < WANTED {
            let raised = libc::rlimit {
                rlim_cur: WANTED,
                rlim_max: WANTED,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                return WANTED;
            }
        }
        limit.rlim_cur = limit.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        limit.rlim_cur
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_lists_parse() {
        assert_eq!(parse_cpu_list("1").unwrap(), vec![1]);
        assert_eq!(parse_cpu_list("0,2-3").unwrap(), vec![0, 2, 3]);
        assert!(parse_cpu_list("").is_err());
    }

    #[test]
    fn this_process_is_readable() {
        let me = std::process::id();
        assert!(rss_kib(me).unwrap() > 0);
        assert!(cpu_seconds(me).is_some());
    }
}
