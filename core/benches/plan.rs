//! The validator on a Terraform plan: parse + evaluate a generated plan of a
//! new VPC with 1,000 subnets (500 public, 500 private, 50 NAT gateways with
//! a route table each: 2,155 resource changes, about 2.6 MB of `terraform
//! show -json`), the same plan `python3 tests/data/plan/gen.py bench 1000`
//! writes (same resources, attributes and references; not byte for byte:
//! member order and the empty members of `after_unknown` differ).
//!
//! Run: `cargo bench -p netready-core --bench plan`
//!
//! Measured in thread CPU time (see `common/mod.rs`), like the validator's
//! other benches.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use netready_core::vpc::{self, ValidateOptions};
use serde_json::{Value, json};
use std::hint::black_box;

mod common;
use common::ThreadCpu;

const REGION: &str = "eu-west-1";

/// `aws_vpc.this[0].id` → the reference and its steps, as Terraform lists them.
fn refs(traversals: &[&str]) -> Value {
    let mut out: Vec<String> = Vec::new();
    for t in traversals {
        let mut cur = (*t).to_owned();
        loop {
            if !out.contains(&cur) {
                out.push(cur.clone());
            }
            if cur.ends_with(']') {
                cur.truncate(cur.rfind('[').expect("a [ before the ]"));
            } else if cur.matches('.').count() > 1 {
                cur.truncate(cur.rfind('.').expect("a dot"));
            } else {
                break;
            }
        }
    }
    json!({ "references": out })
}

fn konst(v: Value) -> Value {
    json!({ "constant_value": v })
}

struct Plan {
    changes: Vec<Value>,
    config: Vec<Value>,
}

impl Plan {
    fn config(&mut self, t: &str, name: &str, expressions: Value, count: Option<u64>) {
        let mut r = json!({
            "address": format!("{t}.{name}"), "mode": "managed", "type": t, "name": name,
            "provider_config_key": "aws", "expressions": expressions, "schema_version": 0,
        });
        if let Some(n) = count {
            r["count_expression"] = konst(json!(n));
        }
        self.config.push(r);
    }

    fn resource(
        &mut self,
        t: &str,
        name: &str,
        index: Option<usize>,
        after: Value,
        unknown: &[&str],
    ) {
        let key = index.map(|i| format!("[{i}]")).unwrap_or_default();
        let mut after_unknown = serde_json::Map::new();
        for u in unknown {
            after_unknown.insert((*u).to_owned(), Value::Bool(true));
        }
        let mut rc = json!({
            "address": format!("{t}.{name}{key}"), "mode": "managed", "type": t, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {
                "actions": ["create"], "before": null, "after": after,
                "after_unknown": after_unknown, "before_sensitive": false, "after_sensitive": {},
            },
        });
        if let Some(i) = index {
            rc["index"] = json!(i);
        }
        self.changes.push(rc);
    }

    fn document(self) -> String {
        let planned: Vec<Value> = self
            .changes
            .iter()
            .map(|rc| {
                let mut r = json!({
                    "address": rc["address"], "mode": "managed", "type": rc["type"], "name": rc["name"],
                    "provider_name": rc["provider_name"], "schema_version": 0,
                    "values": rc["change"]["after"], "sensitive_values": {},
                });
                if let Some(i) = rc.get("index") {
                    r["index"] = i.clone();
                }
                r
            })
            .collect();
        serde_json::to_string(&json!({
            "format_version": "1.2", "terraform_version": "1.9.8",
            "variables": {"region": {"value": REGION}},
            "planned_values": {"root_module": {"resources": planned}},
            "resource_changes": self.changes,
            "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}},
                              "root_module": {"resources": self.config}},
            "relevant_attributes": [], "timestamp": "2026-12-06T10:00:00Z",
            "applyable": true, "complete": true, "errored": false,
        }))
        .expect("JSON prints")
    }
}

fn tags(name: &str) -> Value {
    json!({ "Name": name })
}

fn subnet(cidr: &str, az: &str, name: &str) -> Value {
    json!({
        "assign_ipv6_address_on_creation": false, "availability_zone": az, "cidr_block": cidr,
        "customer_owned_ipv4_pool": null, "enable_dns64": false, "enable_lni_at_device_index": null,
        "enable_resource_name_dns_a_record_on_launch": false,
        "enable_resource_name_dns_aaaa_record_on_launch": false, "ipv6_cidr_block": null,
        "ipv6_native": false, "map_customer_owned_ip_on_launch": null, "map_public_ip_on_launch": false,
        "outpost_arn": null, "tags": tags(name), "tags_all": tags(name), "timeouts": null,
    })
}

const SUBNET_UNKNOWN: &[&str] = &[
    "arn",
    "availability_zone_id",
    "id",
    "ipv6_cidr_block_association_id",
    "owner_id",
    "private_dns_hostname_type_on_launch",
    "vpc_id",
];
const RT_UNKNOWN: &[&str] = &["arn", "id", "owner_id", "route", "vpc_id"];
const ROUTE_UNKNOWN: &[&str] = &[
    "id",
    "instance_id",
    "instance_owner_id",
    "network_interface_id",
    "origin",
    "route_table_id",
    "state",
];

fn route() -> Value {
    json!({
        "carrier_gateway_id": null, "core_network_arn": null, "destination_cidr_block": "0.0.0.0/0",
        "destination_ipv6_cidr_block": null, "destination_prefix_list_id": null,
        "egress_only_gateway_id": null, "local_gateway_id": null, "timeouts": {"create": "5m"},
        "transit_gateway_id": null, "vpc_endpoint_id": null, "vpc_peering_connection_id": null,
    })
}

/// The plan of `python3 tests/data/plan/gen.py bench N`.
fn bench_plan(n: usize) -> String {
    let (half, nats) = (n / 2, n / 20);
    let mut p = Plan {
        changes: vec![],
        config: vec![],
    };
    p.config(
        "aws_vpc",
        "this",
        json!({"cidr_block": konst(json!("10.0.0.0/8"))}),
        None,
    );
    p.resource(
        "aws_vpc",
        "this",
        None,
        json!({
            "assign_generated_ipv6_cidr_block": false, "cidr_block": "10.0.0.0/8",
            "enable_dns_hostnames": true, "enable_dns_support": true,
            "enable_network_address_usage_metrics": false, "instance_tenancy": "default",
            "ipv4_ipam_pool_id": null, "ipv4_netmask_length": null, "ipv6_ipam_pool_id": null,
            "ipv6_netmask_length": null, "tags": tags("bench"), "tags_all": tags("bench"),
        }),
        &[
            "arn",
            "default_network_acl_id",
            "default_route_table_id",
            "default_security_group_id",
            "dhcp_options_id",
            "id",
            "ipv6_association_id",
            "ipv6_cidr_block",
            "ipv6_cidr_block_network_border_group",
            "main_route_table_id",
            "owner_id",
        ],
    );
    p.config(
        "aws_internet_gateway",
        "this",
        json!({"vpc_id": refs(&["aws_vpc.this.id"])}),
        None,
    );
    p.resource(
        "aws_internet_gateway",
        "this",
        None,
        json!({"tags": null}),
        &["id", "vpc_id"],
    );
    p.config(
        "aws_route_table",
        "public",
        json!({"vpc_id": refs(&["aws_vpc.this.id"])}),
        None,
    );
    p.resource("aws_route_table", "public", None,
               json!({"propagating_vgws": null, "tags": tags("public"), "tags_all": tags("public"), "timeouts": null}),
               RT_UNKNOWN);
    p.config(
        "aws_route",
        "igw",
        json!({
        "route_table_id": refs(&["aws_route_table.public.id"]),
        "gateway_id": refs(&["aws_internet_gateway.this.id"]),
        "destination_cidr_block": konst(json!("0.0.0.0/0"))}),
        None,
    );
    let mut u = ROUTE_UNKNOWN.to_vec();
    u.push("gateway_id");
    p.resource("aws_route", "igw", None, route(), &u);
    for (kind, table) in [
        ("public", refs(&["aws_route_table.public.id"])),
        ("private", refs(&["aws_route_table.private", "count.index"])),
    ] {
        p.config(
            "aws_subnet",
            kind,
            json!({"vpc_id": refs(&["aws_vpc.this.id"]), "cidr_block": refs(&["count.index"])}),
            Some(half as u64),
        );
        p.config(
            "aws_route_table_association",
            kind,
            json!({
            "route_table_id": table,
            "subnet_id": refs(&[&format!("aws_subnet.{kind}"), "count.index"])}),
            Some(half as u64),
        );
        for i in 0..half {
            let k = i + if kind == "private" { half } else { 0 };
            let az = format!("{REGION}{}", ["a", "b", "c"][i % 3]);
            p.resource(
                "aws_subnet",
                kind,
                Some(i),
                subnet(
                    &format!("10.{}.{}.0/24", k / 256, k % 256),
                    &az,
                    &format!("{kind}-{i}"),
                ),
                SUBNET_UNKNOWN,
            );
            p.resource(
                "aws_route_table_association",
                kind,
                Some(i),
                json!({"gateway_id": null}),
                &["id", "route_table_id", "subnet_id"],
            );
        }
    }
    p.config(
        "aws_nat_gateway",
        "this",
        json!({"subnet_id": refs(&["aws_subnet.public", "count.index"])}),
        Some(nats as u64),
    );
    p.config(
        "aws_route_table",
        "private",
        json!({"vpc_id": refs(&["aws_vpc.this.id"])}),
        Some(nats as u64),
    );
    p.config(
        "aws_route",
        "nat",
        json!({
        "route_table_id": refs(&["aws_route_table.private", "count.index"]),
        "nat_gateway_id": refs(&["aws_nat_gateway.this", "count.index"]),
        "destination_cidr_block": konst(json!("0.0.0.0/0"))}),
        Some(nats as u64),
    );
    let mut u = ROUTE_UNKNOWN.to_vec();
    u.push("nat_gateway_id");
    for j in 0..nats {
        p.resource(
            "aws_nat_gateway",
            "this",
            Some(j),
            json!({"connectivity_type": "public"}),
            &["id", "subnet_id"],
        );
        let name = format!("private-{j}");
        p.resource("aws_route_table", "private", Some(j),
                   json!({"propagating_vgws": null, "tags": tags(&name), "tags_all": tags(&name), "timeouts": null}),
                   RT_UNKNOWN);
        p.resource("aws_route", "nat", Some(j), route(), &u);
    }
    p.config(
        "aws_security_group",
        "runner",
        json!({
        "name": konst(json!("runner")), "vpc_id": refs(&["aws_vpc.this.id"]),
        "egress": [{"cidr_blocks": konst(json!(["0.0.0.0/0"])), "from_port": konst(json!(443)),
                    "protocol": konst(json!("tcp")), "to_port": konst(json!(443))}]}),
        None,
    );
    p.resource(
        "aws_security_group",
        "runner",
        None,
        json!({
        "description": "Managed by Terraform", "name": "runner", "revoke_rules_on_delete": false,
        "tags": tags("runner"), "tags_all": tags("runner"), "timeouts": null, "ingress": [],
        "egress": [{"cidr_blocks": ["0.0.0.0/0"], "description": "", "from_port": 443,
                    "ipv6_cidr_blocks": [], "prefix_list_ids": [], "protocol": "tcp",
                    "security_groups": [], "self": false, "to_port": 443}]}),
        &["arn", "id", "name_prefix", "owner_id", "vpc_id"],
    );
    p.document()
}

fn plan(c: &mut Criterion<ThreadCpu>) {
    let text = bench_plan(1000);
    let docs = [("plan.json", text.as_str())];
    let input = vpc::parse(&docs).expect("the plan parses");
    assert_eq!(input.subnets.items.len(), 1000);
    eprintln!("plan: {} bytes of JSON", text.len());
    let options = ValidateOptions {
        security_groups: vec!["aws_security_group.runner".to_owned()],
        ..ValidateOptions::default()
    };
    let report = vpc::evaluate(&input, &options).expect("evaluates");
    assert_eq!(report.status, netready_core::report::Status::Ready);
    let mut g = c.benchmark_group("plan_1000_subnets");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("parse", |b| {
        b.iter(|| vpc::parse(black_box(&docs)).expect("parses"))
    });
    g.bench_function("evaluate", |b| {
        b.iter(|| vpc::evaluate(black_box(&input), &options).expect("evaluates"))
    });
    g.bench_function("parse_and_evaluate", |b| {
        b.iter(|| vpc::validate(black_box(&docs), &options).expect("validates"))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadCpu);
    targets = plan
}
criterion_main!(benches);
