//! Thread CPU time as a criterion measurement, shared by core's benches.
//!
//! `clock_gettime(CLOCK_THREAD_CPUTIME_ID)` counts only the time the
//! benchmarking thread ran, to the nanosecond, so a busy machine inflates
//! the figures by cache contention only, not by the scheduler. (The
//! `/proc/thread-self/schedstat` counter used before advances only at
//! scheduler ticks, 4 ms here: too coarse for short samples.) Linux only.

use criterion::Throughput;
use criterion::measurement::{Measurement, ValueFormatter};
use nix::time::{ClockId, clock_gettime};

/// CPU time of the benchmarking thread, in nanoseconds.
pub(crate) struct ThreadCpu;

fn thread_cpu_ns() -> u64 {
    let t = clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID)
        .expect("CLOCK_THREAD_CPUTIME_ID exists on Linux");
    let secs = u64::try_from(t.tv_sec()).expect("a thread's CPU time is never negative");
    let nanos = u64::try_from(t.tv_nsec()).expect("tv_nsec is below 1e9");
    secs * 1_000_000_000 + nanos
}

impl Measurement for ThreadCpu {
    type Intermediate = u64;
    type Value = u64;
    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns().saturating_sub(start)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuFormatter
    }
}

/// Prints CPU times in the unit that suits them and throughputs per second
/// of CPU time.
struct CpuFormatter;

impl ValueFormatter for CpuFormatter {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (div, unit) = if typical >= 1e6 {
            (1e6, "ms CPU")
        } else if typical >= 1e3 {
            (1e3, "µs CPU")
        } else {
            (1.0, "ns CPU")
        };
        for v in values {
            *v /= div;
        }
        unit
    }
    fn scale_throughputs(
        &self,
        _typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let (n, unit) = match *throughput {
            Throughput::Bytes(b) | Throughput::BytesDecimal(b) => {
                (b as f64 / (1024.0 * 1024.0), "MiB/s CPU")
            }
            Throughput::Elements(e) | Throughput::ElementsAndBytes { elements: e, .. } => {
                (e as f64 / 1e6, "M elem/s CPU")
            }
            Throughput::Bits(b) => (b as f64 / 1e6, "Mbit/s CPU"),
        };
        for v in values {
            *v = n * 1e9 / *v;
        }
        unit
    }
    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}
