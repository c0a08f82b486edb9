//! Parsing AWS's `ip-ranges.json` (`netready validate --ip-ranges`, or the
//! file dropped on the page): a synthetic file the size of the published
//! one (`ip_ranges_gen/mod.rs`), alone and beside the 1,000-subnet VPC of
//! the validator's benches.
//!
//! Run: `cargo bench -p netready-core --bench ip_ranges`
//! Write the generated file (for the browser's figure,
//! `web/bench/ip-ranges.mjs`):
//! `cargo bench -p netready-core --bench ip_ranges -- --write FILE`
//!
//! Measured in thread CPU time, as the other benches (`common/mod.rs`).

use criterion::{Criterion, Throughput};
use netready_core::vpc::{self, ValidateOptions};
use std::hint::black_box;

mod common;
mod ip_ranges_gen;
#[allow(dead_code)] // `indent` is for validate.rs
mod vpc_gen;
use common::ThreadCpu;

fn ip_ranges(c: &mut Criterion<ThreadCpu>) {
    let text = ip_ranges_gen::generate(&ip_ranges_gen::PUBLISHED);
    let input = vpc::parse(&[("ip-ranges.json", text.as_str())]).expect("parses");
    let prefixes = input.ip_ranges.as_ref().map_or(0, Vec::len);
    eprintln!("ip-ranges.json: {} bytes, {prefixes} prefixes", text.len());
    let vpc = vpc_gen::generate(&vpc_gen::FULL);
    let mut g = c.benchmark_group("ip_ranges");
    g.sample_size(30);
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("parse", |b| {
        b.iter(|| vpc::parse(black_box(&[("ip-ranges.json", text.as_str())])).expect("parses"))
    });
    g.throughput(Throughput::Bytes((text.len() + vpc.len()) as u64));
    let options = ValidateOptions::default();
    g.bench_function("validate_vpc_alone", |b| {
        b.iter(|| {
            vpc::validate(black_box(&[("vpc.json", vpc.as_str())]), &options).expect("validates")
        })
    });
    g.bench_function("validate_vpc_with_ip_ranges", |b| {
        b.iter(|| {
            vpc::validate(
                black_box(&[
                    ("vpc.json", vpc.as_str()),
                    ("ip-ranges.json", text.as_str()),
                ]),
                &options,
            )
            .expect("validates")
        })
    });
    g.finish();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--write") {
        let path = args.get(at + 1).expect("--write needs a file name");
        let text = ip_ranges_gen::generate(&ip_ranges_gen::PUBLISHED);
        std::fs::write(path, &text).expect("the file can be written");
        eprintln!("wrote {path}: {} bytes", text.len());
        return;
    }
    let mut c = Criterion::default()
        .with_measurement(ThreadCpu)
        .configure_from_args();
    ip_ranges(&mut c);
    c.final_summary();
}
