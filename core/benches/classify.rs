//! Address classification throughput: ns per address over a large
//! pseudo-random mix of IPv4 and IPv6 addresses, with and without VPC CIDRs.
//!
//! Run: `cargo bench -p netready-core --bench classify`
//! (`-- ipv4/` and the like select rows).
//!
//! Measured in thread CPU time (see `common/mod.rs`). Rows per address mix:
//! the loop without a classifier (`baseline_read_only`), `classify(ip, &cidrs)`
//! with no and with 4 VPC CIDRs, `Classifier::new(&cidrs).classify(ip)`
//! likewise. `classifier_new/*` times `Classifier::new` itself. (The
//! classifier before the table-driven rewrite, 214f763, had `before_*` rows
//! here until c9ddc1f; check that commit out to time it again.)

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use netready_core::classify::{AddressClass, Classified, Classifier, Translation, classify};
use netready_core::net::Cidr;
use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

mod common;
use common::ThreadCpu;

const N: usize = 100_000;

/// xorshift64*: deterministic, so every run classifies the same addresses.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn addresses(v6_share: u64) -> Vec<IpAddr> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..N)
        .map(|_| {
            let r = rng.next();
            if r % 100 < v6_share {
                // Mostly global unicast, some ULA, mapped and NAT64.
                let hi = rng.next();
                let lo = rng.next();
                let a = (u128::from(hi) << 64) | u128::from(lo);
                let a = match r % 7 {
                    0 => 0xfd00u128 << 112 | (a >> 16),
                    1 => 0xffff_u128 << 32 | (a & 0xffff_ffff),
                    2 => 0x0064_ff9b_u128 << 96 | (a & 0xffff_ffff),
                    _ => 0x2000u128 << 112 | (a >> 3),
                };
                IpAddr::V6(Ipv6Addr::from_bits(a))
            } else {
                IpAddr::V4(Ipv4Addr::from_bits(rng.next() as u32))
            }
        })
        .collect()
}

/// Classifies every address and counts the special, private and
/// translated results. The counts are branch-free adds, so the loop measures
/// the classifier rather than the bookkeeping (a per-class histogram, or
/// `black_box` on every input and result, cost more than the classification
/// itself: measured 2-4 ns per address). Every address must still be
/// classified for the counts to come out right. Not inlined, so that each
/// row's loop is one function whose machine code can be read
/// (`objdump -d` of the bench binary, symbol `classify::tally`); the call
/// happens once per 100,000 addresses.
#[inline(never)]
fn tally(addrs: &[IpAddr], mut classify: impl FnMut(IpAddr) -> Classified) -> [u64; 3] {
    let mut counts = [0u64; 3];
    for &a in addrs {
        let got = classify(a);
        counts[0] += u64::from(got.class.is_special());
        counts[1] += u64::from(matches!(got.class, AddressClass::Private(_)));
        counts[2] += u64::from(got.translation != Translation::Native);
    }
    counts
}

/// The loop without the classifier: reads each address and adds its bits,
/// branching on the family. Subtract it from a row to see the classifier
/// alone, except in the mixed rows: there this branch mispredicts (compare
/// with the other two mixes), which the classifier, reading an address
/// without a branch on its family, does not pay.
#[inline(never)]
fn read_only(addrs: &[IpAddr]) -> [u64; 3] {
    let mut sums = [0u64; 3];
    for &a in addrs {
        match a {
            IpAddr::V4(v4) => sums[0] += u64::from(v4.to_bits()),
            IpAddr::V6(v6) => sums[1] += v6.to_bits() as u64,
        }
    }
    sums
}

fn bench(c: &mut Criterion<ThreadCpu>) {
    let vpc: Vec<Cidr> = [
        "10.0.0.0/16",
        "100.64.0.0/16",
        "52.94.0.0/22",
        "2600:1f18:1234:5600::/56",
    ]
    .iter()
    .map(|s| s.parse().expect("bench CIDRs are valid"))
    .collect();
    let prepared = Classifier::new(&vpc);
    let none = Classifier::new(&[]);
    let mut group = c.benchmark_group("classify");
    group.throughput(Throughput::Elements(N as u64));
    for (name, share) in [("ipv4", 0), ("mixed_30pct_ipv6", 30), ("ipv6", 100)] {
        let addrs = addresses(share);
        // The two entry points must agree before their speed means anything.
        assert!(
            addrs
                .iter()
                .all(|&a| classify(a, &vpc) == prepared.classify(a)),
            "Classifier and classify agree"
        );
        group.bench_function(format!("{name}/baseline_read_only"), |b| {
            b.iter(|| black_box(read_only(black_box(&addrs))))
        });
        group.bench_function(format!("{name}/no_vpc_cidrs"), |b| {
            b.iter(|| black_box(tally(black_box(&addrs), |a| classify(a, &[]))))
        });
        group.bench_function(format!("{name}/4_vpc_cidrs"), |b| {
            b.iter(|| black_box(tally(black_box(&addrs), |a| classify(a, &vpc))))
        });
        group.bench_function(format!("{name}/classifier_no_vpc_cidrs"), |b| {
            b.iter(|| black_box(tally(black_box(&addrs), |a| none.classify(a))))
        });
        group.bench_function(format!("{name}/classifier_4_vpc_cidrs"), |b| {
            b.iter(|| black_box(tally(black_box(&addrs), |a| prepared.classify(a))))
        });
    }
    group.finish();

    // What preparing costs, to weigh against `classify` for few addresses.
    let mut group = c.benchmark_group("classifier_new");
    group.bench_function("4_vpc_cidrs", |b| {
        b.iter(|| black_box(Classifier::new(black_box(&vpc))))
    });
    group.bench_function("no_vpc_cidrs", |b| {
        b.iter(|| black_box(Classifier::new(black_box(&[]))))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadCpu);
    targets = bench
}
criterion_main!(benches);
