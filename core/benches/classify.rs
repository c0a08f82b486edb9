//! Address classification throughput: ns per address over a large
//! pseudo-random mix of IPv4 and IPv6 addresses, with and without VPC CIDRs.
//!
//! Run: `cargo bench -p netready-core --bench classify`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use netready_core::classify::classify;
use netready_core::net::Cidr;
use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

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

fn bench(c: &mut Criterion) {
    let vpc: Vec<Cidr> = [
        "10.0.0.0/16",
        "100.64.0.0/16",
        "52.94.0.0/22",
        "2600:1f18:1234:5600::/56",
    ]
    .iter()
    .map(|s| s.parse().expect("bench CIDRs are valid"))
    .collect();
    let mut group = c.benchmark_group("classify");
    group.throughput(Throughput::Elements(N as u64));
    for (name, share) in [("ipv4", 0), ("mixed_30pct_ipv6", 30), ("ipv6", 100)] {
        let addrs = addresses(share);
        group.bench_function(format!("{name}/no_vpc_cidrs"), |b| {
            b.iter(|| {
                for a in &addrs {
                    black_box(classify(black_box(*a), &[]));
                }
            })
        });
        group.bench_function(format!("{name}/4_vpc_cidrs"), |b| {
            b.iter(|| {
                for a in &addrs {
                    black_box(classify(black_box(*a), &vpc));
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
