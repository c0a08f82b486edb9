//! The validator: parse + evaluate a generated VPC of 1,000 subnets, 200
//! route tables, 60 VPC endpoints, 500 security groups and 100 network ACLs
//! (about 4 MB of describe-* JSON as the AWS CLI prints it), and how the
//! evaluation scales with subnets × profile endpoints.
//!
//! Run: `cargo bench -p netready-core --bench validate`
//!
//! Measured in *thread CPU time* (see `common/mod.rs`, Linux),
//! not wall time: on a shared 2-core machine where other builds run, wall
//! time mostly measures the scheduler. CPU time still includes cache and
//! memory-bandwidth contention, so figures from a busy machine are upper
//! bounds.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use netready_core::catalog::{self, Profile};
use netready_core::vpc::{self, ValidateOptions};
use std::hint::black_box;

mod common;
mod vpc_gen;
use common::ThreadCpu;
use vpc_gen::{FULL, Size, generate, indent};

fn options(profile: Profile) -> ValidateOptions {
    ValidateOptions {
        profile,
        ..ValidateOptions::default()
    }
}

fn full(c: &mut Criterion<ThreadCpu>) {
    let text = generate(&FULL);
    eprintln!("generated VPC: {} bytes of JSON", text.len());
    let mut g = c.benchmark_group("validate_full");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("parse", |b| {
        b.iter(|| vpc::parse(black_box(&[("vpc.json", text.as_str())])).expect("parses"))
    });
    // As the AWS CLI prints it (4-space indent), like the page's benchmark
    // input (web/bench/gen-vpc.mjs): more bytes, mostly blanks.
    let indented = indent(&text);
    eprintln!("indented: {} bytes", indented.len());
    g.throughput(Throughput::Bytes(indented.len() as u64));
    g.bench_function("parse_indented", |b| {
        b.iter(|| vpc::parse(black_box(&[("vpc.json", indented.as_str())])).expect("parses"))
    });
    g.throughput(Throughput::Bytes(text.len() as u64));
    let input = vpc::parse(&[("vpc.json", text.as_str())]).expect("parses");
    for profile in Profile::ALL {
        let paths = FULL.subnets * catalog::services(profile).count();
        eprintln!("{profile}: {paths} subnet x endpoint paths");
        g.bench_function(BenchmarkId::new("evaluate", profile), |b| {
            b.iter(|| vpc::evaluate(black_box(&input), &options(profile)).expect("evaluates"))
        });
        g.bench_function(BenchmarkId::new("parse_and_evaluate", profile), |b| {
            b.iter(|| {
                vpc::validate(black_box(&[("vpc.json", text.as_str())]), &options(profile))
                    .expect("validates")
            })
        });
    }
    g.finish();
}

/// Evaluation time against subnets × profile endpoints (the rest of the VPC
/// fixed): linear growth means a constant time per path.
fn scaling(c: &mut Criterion<ThreadCpu>) {
    let mut g = c.benchmark_group("validate_scaling");
    g.sample_size(10);
    for subnets in [125, 250, 500, 1000] {
        let text = generate(&Size { subnets, ..FULL });
        let input = vpc::parse(&[("vpc.json", text.as_str())]).expect("parses");
        for profile in Profile::ALL {
            let paths = subnets * catalog::services(profile).count();
            g.throughput(Throughput::Elements(paths as u64));
            g.bench_with_input(
                BenchmarkId::new(profile.as_str(), paths),
                &input,
                |b, input| {
                    b.iter(|| {
                        vpc::evaluate(black_box(input), &options(profile)).expect("evaluates")
                    })
                },
            );
        }
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadCpu);
    targets = full, scaling
}
criterion_main!(benches);
