//! Endpoint policies: `policy::check` on a realistic policy for each of the
//! 60 VPC endpoints of the validator bench's generated VPC (see `vpc_gen`
//! and `endpoint_policies`), against the same 60 endpoints without a
//! policy (the default full-access one). The evaluation calls `check` once
//! per endpoint (a policy's verdict does not depend on the subnet), so this
//! is what policies add to validating that VPC.
//!
//! Run: `cargo bench -p netready-core --bench policy`
//!
//! Measured in thread CPU time (`common/mod.rs`), like `validate`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use netready_core::catalog::{AccountId, EndpointType, Region, ServiceName};
use netready_core::policy::{self, Call, Caller, Facts, Verdict};
use serde_json::Value;
use std::hint::black_box;

mod common;
mod endpoint_policies;
mod vpc_gen;
use common::ThreadCpu;
use endpoint_policies::endpoint_policy;
use vpc_gen::{FULL, generate, indent};

struct Endpoint {
    id: String,
    service: String,
    kind: EndpointType,
    policy: String,
}

/// The generated VPC's endpoints (read from its JSON, as the AWS CLI
/// prints it), each with its policy.
fn endpoints(region: &Region, account: &str) -> (String, Vec<Endpoint>) {
    let doc: Value = serde_json::from_str(&indent(&generate(&FULL))).expect("generated JSON");
    let vpc = doc["VpcId"].as_str().expect("the VPC id").to_owned();
    let out = doc["VpcEndpoints"]
        .as_array()
        .expect("VpcEndpoints")
        .iter()
        .map(|e| {
            let id = e["VpcEndpointId"].as_str().expect("an id").to_owned();
            let name: ServiceName = e["ServiceName"]
                .as_str()
                .expect("a service name")
                .parse()
                .expect("an AWS service name");
            let service = name.service_id().to_owned();
            let kind = match e["VpcEndpointType"].as_str() {
                Some("Gateway") => EndpointType::Gateway,
                _ => EndpointType::Interface,
            };
            let policy = endpoint_policy(&service, &vpc, &id, account, region.name());
            Endpoint {
                id,
                service,
                kind,
                policy,
            }
        })
        .collect();
    (vpc, out)
}

fn bench(c: &mut Criterion<ThreadCpu>) {
    let region = Region::parse("eu-west-1").expect("a region");
    let account: AccountId = "123456789012".parse().expect("twelve digits");
    let (vpc, eps) = endpoints(&region, account.as_str());
    assert_eq!(eps.len(), FULL.endpoints);
    let bytes: usize = eps.iter().map(|e| e.policy.len()).sum();
    let check_all = |with_policy: bool| -> Vec<Verdict> {
        eps.iter()
            .map(|e| {
                let facts = Facts {
                    vpc_id: &vpc,
                    endpoint_id: &e.id,
                    account: Some(&account),
                    ecr_account: None,
                };
                let document = with_policy.then_some(e.policy.as_str());
                policy::check(document, &e.service, e.kind, &region, &facts)
                    .expect("the policy parses")
                    .verdict
            })
            .collect()
    };
    let verdicts = check_all(true);
    eprintln!(
        "{} endpoints, {bytes} bytes of policy; verdicts: {} allows, {} denies, {} unknown",
        eps.len(),
        verdicts.iter().filter(|v| **v == Verdict::Allows).count(),
        verdicts
            .iter()
            .filter(|v| matches!(v, Verdict::Denies { .. }))
            .count(),
        verdicts
            .iter()
            .filter(|v| matches!(v, Verdict::Unknown { .. }))
            .count(),
    );
    assert!(
        verdicts.iter().all(|v| *v == Verdict::Allows),
        "every bench policy allows the runner: {verdicts:?}"
    );

    let mut g = c.benchmark_group("policy_60_endpoints");
    g.throughput(Throughput::Elements(eps.len() as u64));
    g.bench_function("check_with_policies", |b| {
        b.iter(|| black_box(check_all(black_box(true))))
    });
    g.bench_function("check_without_policies", |b| {
        b.iter(|| black_box(check_all(black_box(false))))
    });
    // Reading each policy and deciding one call (`ecr:GetAuthorizationToken`
    // on `*`): mostly the reading.
    let facts = Facts {
        vpc_id: &vpc,
        endpoint_id: "vpce-00000000000000001",
        account: Some(&account),
        ecr_account: None,
    };
    let call = Call {
        action: "ecr:GetAuthorizationToken",
        resource: "*",
        caller: Caller::Runner,
    };
    g.bench_function("read_and_one_call", |b| {
        b.iter(|| {
            for e in &eps {
                black_box(
                    policy::evaluate(Some(black_box(&e.policy)), &call, e.kind, &region, &facts)
                        .expect("parses"),
                );
            }
        })
    });
    g.finish();

    // The fix of the commonest denial: an S3 policy for the company's
    // buckets only.
    let customer_only = r#"{"Version":"2012-10-17","Statement":[{"Sid":"CorpBuckets","Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::example-corp-data","arn:aws:s3:::example-corp-data/*"]}]}"#;
    let facts = Facts {
        vpc_id: &vpc,
        endpoint_id: "vpce-0000000000000000f",
        account: Some(&account),
        ecr_account: None,
    };
    let check = policy::check(
        Some(customer_only),
        "s3",
        EndpointType::Gateway,
        &region,
        &facts,
    )
    .expect("parses");
    let mut g = c.benchmark_group("policy_fix");
    g.bench_function("s3_customer_bucket_only", |b| {
        b.iter(|| policy::fix(black_box(Some(customer_only)), black_box(&check)).expect("a fix"))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadCpu);
    targets = bench
}
criterion_main!(benches);
