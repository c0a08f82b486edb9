//! The Terraform plan reader (`netready_core::vpc::input::plan`) on small
//! plans written inline, in the documented format: the model it builds
//! (the provider's semantics, AWS's defaults for a new VPC, deletes on top
//! of describe-* documents, references through module inputs and outputs)
//! and the versions it refuses. Whole realistic plans are replayed through
//! the CLI in `tests/tests/validate_plan.rs`.
#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)] // test helpers: a failed unwrap is the test failing

use netready_core::vpc::model::{Direction, PlanNoteKind, Protocol, RuleAction, VpcInput};
use netready_core::vpc::{InputError, parse};
use serde_json::{Value, json};

/// A resource change creating `address` (`type.name[index]` in `module`).
fn create(
    module: &str,
    t: &str,
    name: &str,
    index: Option<u64>,
    after: Value,
    unknown: &[&str],
) -> Value {
    let key = index.map(|i| format!("[{i}]")).unwrap_or_default();
    let prefix = if module.is_empty() {
        String::new()
    } else {
        format!("{module}.")
    };
    let mut u = serde_json::Map::new();
    for k in unknown {
        u.insert((*k).to_owned(), Value::Bool(true));
    }
    let mut rc = json!({
        "address": format!("{prefix}{t}.{name}{key}"), "mode": "managed", "type": t, "name": name,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {"actions": ["create"], "before": null, "after": after, "after_unknown": u},
    });
    if !module.is_empty() {
        rc["module_address"] = json!(module);
    }
    if let Some(i) = index {
        rc["index"] = json!(i);
    }
    rc
}

fn plan(changes: Vec<Value>, configuration: Value) -> String {
    json!({
        "format_version": "1.2", "terraform_version": "1.9.8",
        "resource_changes": changes, "configuration": configuration,
    })
    .to_string()
}

fn refs(r: &[&str]) -> Value {
    json!({ "references": r })
}

fn model(docs: &[(&str, &str)]) -> VpcInput {
    parse(docs).unwrap_or_else(|e| panic!("{e}"))
}

fn vpc(name: &str) -> Value {
    create(
        "",
        "aws_vpc",
        name,
        None,
        json!({"cidr_block": "10.9.0.0/16", "enable_dns_support": true, "enable_dns_hostnames": true,
                  "assign_generated_ipv6_cidr_block": false}),
        &[
            "id",
            "default_route_table_id",
            "default_network_acl_id",
            "default_security_group_id",
            "ipv6_cidr_block",
        ],
    )
}

#[test]
fn a_new_vpc_comes_with_awss_defaults() {
    let text = plan(vec![vpc("main")], json!({"root_module": {"resources": []}}));
    let m = model(&[("plan.json", &text)]);
    assert_eq!(m.vpcs.items.len(), 1);
    assert_eq!(m.vpcs.items[0].id, "aws_vpc.main");
    // No note: the VPC's IPv6 block was not asked for.
    assert!(m.plan_notes.is_empty(), "{:?}", m.plan_notes);
    let rt = &m.route_tables.items[0];
    assert_eq!(rt.id, "aws_vpc.main.default_route_table_id");
    assert!(rt.main);
    assert_eq!(rt.routes.len(), 1, "the local route");
    let acl = &m.network_acls.items[0];
    assert!(acl.is_default);
    assert!(acl.entries.iter().any(|e| e.rule_number == 100
        && e.action == RuleAction::Allow
        && e.direction == Direction::Egress));
    let sg = &m.security_groups.items[0];
    assert_eq!(sg.name, "default");
    assert_eq!(sg.egress.len(), 1);
    assert_eq!(sg.ingress[0].group_ids, vec![sg.id.clone()]);
    let dns = m
        .dns_attributes
        .get("aws_vpc.main")
        .expect("the plan's DNS attributes");
    assert!(dns.dns_support.is_some() && dns.dns_hostnames.is_some());
}

#[test]
fn a_security_group_without_egress_blocks_has_no_egress_until_a_rule_adds_one() {
    let group = create(
        "",
        "aws_security_group",
        "runner",
        None,
        json!({"name": "runner", "ingress": []}),
        &["id", "egress", "vpc_id"],
    );
    let config = json!({"root_module": {"resources": [
        {"address": "aws_security_group.runner", "mode": "managed", "type": "aws_security_group", "name": "runner",
         "expressions": {"vpc_id": refs(&["aws_vpc.main.id", "aws_vpc.main"])}},
        {"address": "aws_vpc_security_group_egress_rule.https", "mode": "managed",
         "type": "aws_vpc_security_group_egress_rule", "name": "https",
         "expressions": {"security_group_id": refs(&["aws_security_group.runner.id", "aws_security_group.runner"])}},
    ]}});
    let text = plan(vec![vpc("main"), group.clone()], config.clone());
    let m = model(&[("plan.json", &text)]);
    let sg = m
        .security_groups
        .items
        .iter()
        .find(|g| g.id == "aws_security_group.runner")
        .unwrap();
    assert!(sg.egress.is_empty());
    assert_eq!(sg.vpc_id.as_deref(), Some("aws_vpc.main"));
    assert_eq!(
        m.plan_addresses,
        vec![(
            "aws_security_group.runner".to_owned(),
            "aws_security_group.runner".to_owned()
        )]
    );
    let rule = create(
        "",
        "aws_vpc_security_group_egress_rule",
        "https",
        None,
        json!({"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "0.0.0.0/0"}),
        &["id", "security_group_id"],
    );
    let text = plan(vec![vpc("main"), group, rule], config);
    let m = model(&[("plan.json", &text)]);
    let sg = m
        .security_groups
        .items
        .iter()
        .find(|g| g.id == "aws_security_group.runner")
        .unwrap();
    assert_eq!(sg.egress.len(), 1);
    assert_eq!(sg.egress[0].protocol, Protocol::Tcp);
    assert_eq!((sg.egress[0].ports.from, sg.egress[0].ports.to), (443, 443));
}

#[test]
fn references_follow_module_inputs_and_outputs() {
    // module.net builds the VPC; module.endpoints gets its id as an input.
    // Another VPC elsewhere: a guess by type would have to pick (and say so).
    let changes = vec![
        create(
            "",
            "aws_vpc",
            "other",
            None,
            json!({"cidr_block": "10.7.0.0/16"}),
            &["id"],
        ),
        create(
            "module.net",
            "aws_vpc",
            "this",
            Some(0),
            json!({"cidr_block": "10.8.0.0/16"}),
            &["id"],
        ),
        create(
            "module.endpoints",
            "aws_vpc_endpoint",
            "s3",
            None,
            json!({"service_name": "com.amazonaws.eu-west-1.s3", "vpc_endpoint_type": "Gateway"}),
            &["id", "vpc_id"],
        ),
    ];
    let config = json!({"root_module": {"module_calls": {
        "net": {"source": "./net", "module": {
            "resources": [{"address": "aws_vpc.this", "mode": "managed", "type": "aws_vpc", "name": "this",
                           "expressions": {}, "count_expression": {"constant_value": 1}}],
            "outputs": {"vpc_id": {"expression": refs(&["aws_vpc.this[0].id", "aws_vpc.this[0]", "aws_vpc.this"])}}}},
        "endpoints": {"source": "./endpoints",
            "expressions": {"vpc_id": refs(&["module.net.vpc_id", "module.net"])},
            "module": {"resources": [{"address": "aws_vpc_endpoint.s3", "mode": "managed",
                "type": "aws_vpc_endpoint", "name": "s3",
                "expressions": {"vpc_id": refs(&["var.vpc_id"])}}]}},
    }}});
    let m = model(&[("plan.json", &plan(changes, config))]);
    assert_eq!(m.endpoints.items[0].vpc_id, "module.net.aws_vpc.this[0]");
    assert!(m.plan_notes.is_empty(), "{:?}", m.plan_notes);
}

#[test]
fn a_cidr_known_only_after_apply_is_a_note_naming_it() {
    let subnet = create(
        "",
        "aws_subnet",
        "a",
        None,
        json!({"availability_zone": "eu-west-1a"}),
        &["id", "cidr_block", "vpc_id"],
    );
    let config = json!({"root_module": {"resources": [
        {"address": "aws_subnet.a", "mode": "managed", "type": "aws_subnet", "name": "a",
         "expressions": {"vpc_id": refs(&["aws_vpc.main.id", "aws_vpc.main"]),
                         "cidr_block": refs(&["aws_vpc_ipam_preview_next_cidr.a.cidr", "aws_vpc_ipam_preview_next_cidr.a"])}},
    ]}});
    let m = model(&[("plan.json", &plan(vec![vpc("main"), subnet], config))]);
    let n = &m.plan_notes[0];
    assert_eq!(
        (
            n.address.as_str(),
            n.attribute.as_str(),
            n.resource.as_str()
        ),
        ("aws_subnet.a", "cidr_block", "aws_subnet.a")
    );
    assert_eq!(n.kind, PlanNoteKind::UnknownUntilApply);
    // A stand-in inside the VPC, so the rest of the evaluation runs.
    assert_eq!(
        m.subnets.items[0].cidr,
        Some("10.9.0.0/16".parse().unwrap())
    );
}

#[test]
fn a_planned_delete_removes_the_described_resource() {
    let described = r#"{"NatGateways": [{"NatGatewayId": "nat-1", "SubnetId": "subnet-1", "VpcId": "vpc-1", "State": "available"}]}"#;
    let delete = json!({
        "address": "aws_nat_gateway.this", "mode": "managed", "type": "aws_nat_gateway", "name": "this",
        "change": {"actions": ["delete"], "before": {"id": "nat-1", "subnet_id": "subnet-1"}, "after": null, "after_unknown": {}},
    });
    let text = plan(vec![delete], json!({}));
    // The plan applies on top whichever order the files come in.
    for docs in [
        [("nat.json", described), ("plan.json", &text)],
        [("plan.json", &text), ("nat.json", described)],
    ] {
        let m = model(&docs);
        assert!(m.nat_gateways.given);
        assert!(m.nat_gateways.items.is_empty());
    }
}

#[test]
fn format_versions_from_0_1_to_1_x() {
    for (v, ok) in [
        ("0.1", true),
        ("0.2", true),
        ("1.0", true),
        ("1.2", true),
        ("1.10", true),
        ("2.0", false),
        ("0.0", false),
        ("1", false),
        ("1.2.3", false),
        ("one", false),
    ] {
        let text = json!({"format_version": v, "resource_changes": []}).to_string();
        match parse(&[("plan.json", &text)]) {
            Ok(_) => assert!(ok, "{v} accepted"),
            Err(InputError::Shape { document, path, .. }) => {
                assert!(!ok, "{v} refused");
                assert_eq!(
                    (document.as_str(), path.as_str()),
                    ("plan.json", "format_version")
                );
            }
            Err(e) => panic!("{v}: {e}"),
        }
    }
}
