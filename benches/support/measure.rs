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
