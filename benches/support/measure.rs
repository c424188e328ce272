//! What benchmarks print: wall times in seconds and peak memory from `/proc`.
#![allow(dead_code)]

use std::fs;
use std::path::PathBuf;
use std::time::Duration;

pub fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

/// A kB figure (such as VmHWM, the peak resident memory) of a process, on Linux.
pub fn status_kb(pid: &str, field: &str) -> Option<u64> {
    let status = fs::read_to_string(PathBuf::from("/proc").join(pid).join("status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time (user and system) this process has used so far, or with `children` that of its
/// children it has waited for, from `/proc/self/stat` (Linux counts it in ticks of 1/100 s).
pub fn cpu_time(children: bool) -> Option<Duration> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in brackets and may hold spaces, counted from 0:
    // the state, …, utime and stime at 11 and 12, cutime and cstime at 13 and 14.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let first = if children { 13 } else { 11 };
    let tick = |i: usize| fields.get(i)?.parse::<u64>().ok();
    let ticks = tick(first)? + tick(first + 1)?;
    Some(Duration::from_millis(ticks * 10))
}
