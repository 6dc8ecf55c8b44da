//! What every benchmark file shares: criterion's settings, short enough for a 2-core machine.

use std::time::Duration;

use criterion::Criterion;

/// 10 samples, 0.5 s warm-up, 2 s of measurement per benchmark.
pub fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}
