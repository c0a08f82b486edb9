//! `--fix-format terraform` on every validate scenario and Terraform plan
//! case: each finding's fix,
//! each remedy's steps and each `--apply-fixes` round parse as HCL (hcl-rs),
//! use only resource types and arguments of the AWS provider (the table
//! below, from the provider's documentation), name every required argument,
//! refer only to `local`s that the same steps define, and never declare one
//! resource name twice. A policy is JSON. Terraform itself is not
//! installable here, so this stands in for `terraform validate`.

use crate::validate_scenarios::{run, scenarios, scenarios_in};
use std::collections::{BTreeMap, BTreeSet};

/// Resource type → (required arguments, optional arguments), per the AWS
/// provider's documentation of each resource.
const RESOURCES: &[(&str, &[&str], &[&str])] = &[
    (
        "aws_route",
        &["route_table_id"],
        &[
            "destination_cidr_block",
            "destination_ipv6_cidr_block",
            "nat_gateway_id",
            "gateway_id",
            "transit_gateway_id",
            "vpc_peering_connection_id",
            "network_interface_id",
            "vpc_endpoint_id",
        ],
    ),
    (
        "aws_route_table_association",
        &["subnet_id", "route_table_id"],
        &[],
    ),
    (
        "aws_vpc_security_group_ingress_rule",
        &["security_group_id", "ip_protocol"],
        &[
            "from_port",
            "to_port",
            "cidr_ipv4",
            "cidr_ipv6",
            "referenced_security_group_id",
            "prefix_list_id",
        ],
    ),
    (
        "aws_vpc_security_group_egress_rule",
        &["security_group_id", "ip_protocol"],
        &[
            "from_port",
            "to_port",
            "cidr_ipv4",
            "cidr_ipv6",
            "referenced_security_group_id",
            "prefix_list_id",
        ],
    ),
    (
        "aws_network_acl_rule",
        &["network_acl_id", "rule_number", "protocol", "rule_action"],
        &[
            "egress",
            "cidr_block",
            "ipv6_cidr_block",
            "from_port",
            "to_port",
        ],
    ),
    (
        "aws_vpc_endpoint",
        &["vpc_id", "service_name"],
        &[
            "vpc_endpoint_type",
            "subnet_ids",
            "security_group_ids",
            "private_dns_enabled",
            "route_table_ids",
            "service_region",
        ],
    ),
    (
        "aws_vpc_endpoint_route_table_association",
        &["vpc_endpoint_id", "route_table_id"],
        &[],
    ),
    (
        "aws_vpc_endpoint_security_group_association",
        &["vpc_endpoint_id", "security_group_id"],
        &[],
    ),
    (
        "aws_vpc_endpoint_subnet_association",
        &["vpc_endpoint_id", "subnet_id"],
        &[],
    ),
    ("aws_eip", &[], &["domain"]),
    (
        "aws_nat_gateway",
        &["subnet_id"],
        &["allocation_id", "connectivity_type"],
    ),
    (
        "aws_security_group",
        &[],
        &["name", "description", "vpc_id"],
    ),
    ("aws_route_table", &["vpc_id"], &[]),
    (
        "aws_internet_gateway_attachment",
        &["internet_gateway_id", "vpc_id"],
        &[],
    ),
    (
        "aws_vpc_block_public_access_exclusion",
        &["internet_gateway_exclusion_mode"],
        &["subnet_id", "vpc_id"],
    ),
    (
        "aws_vpn_gateway_route_propagation",
        &["vpn_gateway_id", "route_table_id"],
        &[],
    ),
    ("aws_vpc_endpoint_policy", &["vpc_endpoint_id"], &["policy"]),
];

/// What one configuration (a remedy's steps, a round) declares and uses.
#[derive(Default)]
struct Seen {
    names: BTreeSet<String>,
    locals: BTreeSet<String>,
    used_locals: BTreeSet<String>,
    kinds: BTreeSet<String>,
}

fn check_text(text: &str, seen: &mut Seen) -> Result<(), String> {
    let body = hcl::parse(text).map_err(|e| format!("not HCL: {e}\n{text}"))?;
    let table: BTreeMap<&str, (&[&str], &[&str])> =
        RESOURCES.iter().map(|(k, r, o)| (*k, (*r, *o))).collect();
    for block in body.blocks() {
        let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
        match block.identifier() {
            "resource" => {
                let [kind, name] = labels[..] else {
                    return Err(format!("a resource needs two labels: {labels:?}\n{text}"));
                };
                let Some((required, optional)) = table.get(kind) else {
                    return Err(format!("{kind} is no resource this test knows\n{text}"));
                };
                if !seen.names.insert(format!("{kind}.{name}")) {
                    return Err(format!("{kind}.{name} declared twice\n{text}"));
                }
                seen.kinds.insert(kind.to_owned());
                let args: BTreeSet<&str> =
                    block.body().attributes().map(|a| a.key.as_str()).collect();
                for r in *required {
                    if !args.contains(r) {
                        return Err(format!("{kind}.{name} lacks {r}\n{text}"));
                    }
                }
                for a in &args {
                    if !required.contains(a) && !optional.contains(a) {
                        return Err(format!("{kind} has no argument {a}\n{text}"));
                    }
                }
                if kind == "aws_vpc_endpoint_policy" {
                    let policy = block
                        .body()
                        .attributes()
                        .find(|a| a.key.as_str() == "policy")
                        .map(|a| a.expr.to_string())
                        .ok_or_else(|| format!("{name}: no policy\n{text}"))?;
                    let unquoted: String = serde_json::from_str(&policy)
                        .map_err(|e| format!("{name}: policy is no string: {e}\n{text}"))?;
                    serde_json::from_str::<serde_json::Value>(&unquoted)
                        .map_err(|e| format!("{name}: policy is not JSON: {e}\n{text}"))?;
                }
            }
            "import" => {
                let keys: BTreeSet<&str> =
                    block.body().attributes().map(|a| a.key.as_str()).collect();
                if keys != BTreeSet::from(["to", "id"]) {
                    return Err(format!("an import block needs to and id: {keys:?}\n{text}"));
                }
            }
            "locals" => {
                for a in block.body().attributes() {
                    seen.locals.insert(a.key.as_str().to_owned());
                }
            }
            other => return Err(format!("unexpected block {other}\n{text}")),
        }
    }
    if body.attributes().next().is_some() {
        return Err(format!("an attribute outside any block\n{text}"));
    }
    let mut rest = text;
    while let Some(i) = rest.find("local.") {
        let name: String = rest[i + "local.".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        seen.used_locals.insert(name);
        rest = &rest[i + 1..];
    }
    Ok(())
}

fn undefined_locals(seen: &Seen) -> Vec<&String> {
    seen.used_locals.difference(&seen.locals).collect()
}

#[test]
fn terraform_fixes_are_valid_hcl_of_the_aws_provider() {
    let mut failures = Vec::new();
    let mut kinds = BTreeSet::new();
    let mut texts = 0;
    // The validator's scenarios and the Terraform plan cases (whose ids are
    // resource addresses until apply).
    let mut all = scenarios();
    all.extend(scenarios_in(&crate::data().join("plan")));
    for s in all {
        let (report, _) = run(&s, &["--format", "json", "--fix-format", "terraform"]);
        // missing-input's fix is the collect command for the missing
        // document: a shell command in every fix format.
        for f in report
            .findings
            .iter()
            .filter(|f| f.code.as_str() != "missing-input")
        {
            let mut seen = Seen::default();
            if let Some(fix) = &f.fix {
                texts += 1;
                if let Err(e) = check_text(fix, &mut seen) {
                    failures.push(format!("{}: {} fix: {e}", s.name, f.code.as_str()));
                }
            }
            for r in &f.remedies {
                let mut seen = Seen::default();
                for step in &r.steps {
                    texts += 1;
                    if let Err(e) = check_text(step, &mut seen) {
                        failures.push(format!(
                            "{}: {} remedy {:?}: {e}",
                            s.name,
                            f.code.as_str(),
                            r.summary
                        ));
                    }
                }
                let missing = undefined_locals(&seen);
                if !missing.is_empty() {
                    failures.push(format!(
                        "{}: {} remedy {:?} refers to locals no step defines: {missing:?}",
                        s.name,
                        f.code.as_str(),
                        r.summary
                    ));
                }
                kinds.extend(seen.kinds);
            }
        }
        // The what-if's rounds, in order, are one configuration (its
        // report's findings may name what the rounds created: not checked
        // apart).
        let (report, _) = run(
            &s,
            &[
                "--format",
                "json",
                "--fix-format",
                "terraform",
                "--apply-fixes",
            ],
        );
        let mut seen = Seen::default();
        for round in &report.applied_fixes {
            for step in &round.steps {
                texts += 1;
                if let Err(e) = check_text(step, &mut seen) {
                    failures.push(format!("{}: applied fixes: {e}", s.name));
                }
            }
        }
        let missing = undefined_locals(&seen);
        if !missing.is_empty() {
            failures.push(format!(
                "{}: the applied fixes refer to locals no step defines: {missing:?}",
                s.name
            ));
        }
        kinds.extend(seen.kinds);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(
        texts > 100,
        "only {texts} fix texts: the scenarios lost their fixes?"
    );
    // The scenarios reach most of the table; a type that no scenario
    // reaches is still checked by core's unit tests.
    assert!(kinds.len() >= 12, "resource types reached: {kinds:?}");
}
