//! The corpus sizes a benchmark runs: `NEARMISS_BENCH_SIZES=1000,10000,50000`, else 1,000 and 10,000.

/// The sizes asked for, in order.
pub fn sizes() -> Vec<usize> {
    std::env::var("NEARMISS_BENCH_SIZES")
        .unwrap_or_else(|_| "1000,10000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}
