//! The validator's fixes as Terraform for the AWS provider: the view of a
//! [`Fix`] that `--fix-format terraform` prints, beside the AWS CLI and
//! PowerShell commands of [`crate::commands`].
//!
//! Guarantees: every fix becomes resource blocks of the AWS provider with
//! the user's ids as HCL strings (escaped by [`super::hcl_string`], so an id
//! cannot end a string or start a template), or, where the provider has no
//! resource for the change alone (a VPC's DNS attribute, an endpoint's
//! private DNS), a `#` comment naming the argument to set in the
//! resource that declares it. Resources a fix creates are named after the
//! step's shell variable (`$NEW_ENDPOINT_SG` → `aws_security_group.
//! new_endpoint_sg`), and later steps refer to them by a `local` of the same
//! name, so a remedy's steps, printed in order, form one configuration. A
//! fix that replaces a route that exists comes with an `import` block
//! (Terraform 1.5 and later) so that applying it updates the route instead
//! of failing on `RouteAlreadyExists`. Other names are `netready_` and the
//! ids involved, so the same fix always gets the same name.
//!
//! Not done here: knowing whether the user's configuration already declares
//! the resource a fix changes (a route table with inline routes, say); the
//! comments say what to do then. Deciding that a fix is needed is
//! [`crate::vpc`]'s.

use super::{hcl, tf_attr};
use crate::catalog::{EndpointType, Region, Service};
use crate::commands::{
    AclDirection, BpaExclusionFix, DnsAttribute, EndpointPlacement, Fix, RouteTo, RulePeer,
    is_placeholder,
};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// A value: a reference to the resource an earlier step creates for a
/// placeholder (`$NEW_RTB` → `local.new_rtb`), to the resource of a root
/// module's address where a Terraform plan named it (`aws_subnet.private[0]`
/// → `aws_subnet.private[0].id`), else the id as a string.
fn value(id: &str) -> String {
    if let Some(var) = id.strip_prefix('$').filter(|_| is_placeholder(id)) {
        return format!("local.{}", var.to_ascii_lowercase());
    }
    if is_root_address(id) {
        return format!("{id}.id");
    }
    hcl(id)
}

/// Whether `s` is the address of a managed resource of the root module, in
/// the strict form a plan prints (`aws_TYPE.NAME`, then `[N]` or
/// `["KEY"]`), so that it can stand unquoted in HCL. A child module's
/// resources cannot be referred to from the root: theirs stay strings.
fn is_root_address(s: &str) -> bool {
    let Some((kind, rest)) = s.split_once('.') else {
        return false;
    };
    let kind_ok = kind.len() > 4
        && kind.starts_with("aws_")
        && kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    let (name, index) = match rest.split_once('[') {
        Some((name, index)) => (name, Some(index)),
        None => (rest, None),
    };
    let name_ok = name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    let index_ok = match index {
        None => true,
        Some(i) => i.strip_suffix(']').is_some_and(|inner| {
            let number = !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit());
            let key = inner
                .strip_prefix('"')
                .and_then(|k| k.strip_suffix('"'))
                .is_some_and(|k| {
                    k.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"_-./:".contains(&b))
                });
            number || key
        }),
    };
    kind_ok && name_ok && index_ok
}

fn values(ids: &[String], placeholder: &str) -> String {
    if ids.is_empty() {
        return format!("[{}]", hcl(placeholder));
    }
    let items: Vec<String> = ids.iter().map(|id| value(id)).collect();
    format!("[{}]", items.join(", "))
}

/// `netready_` and the parts, every character that Terraform does not allow
/// in a name as `_`.
fn name(parts: &[&str]) -> String {
    let mut out = String::from("netready");
    for part in parts {
        out.push('_');
        out.extend(part.chars().map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        }));
    }
    out
}

/// `resource "TYPE" "NAME" {` and the attributes, aligned as
/// `terraform fmt` aligns them.
fn resource(kind: &str, name: &str, attrs: &[(&str, String)]) -> String {
    let width = attrs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = format!("resource \"{kind}\" \"{name}\" {{\n");
    for (k, v) in attrs {
        out.push_str(&format!("  {k:<width$} = {v}\n"));
    }
    out.push('}');
    out
}

/// A resource a step creates for `$VAR`, and the `local` later steps use.
fn created(kind: &str, var: &str, attrs: &[(&str, String)]) -> String {
    let local = var.to_ascii_lowercase();
    format!(
        "{}\n\nlocals {{\n  {local} = {kind}.{local}.id\n}}",
        resource(kind, &local, attrs)
    )
}

/// One line of comment per line of `text` (a comment must not end early).
fn comment(text: &str) -> String {
    let mut out = String::from("# ");
    out.extend(text.chars().map(|c| if c.is_control() { ' ' } else { c }));
    out
}

fn cidr_attr(cidr: &str) -> (&'static str, &'static str) {
    if cidr.contains(':') {
        ("cidr_ipv6", "ipv6_cidr_block")
    } else {
        ("cidr_ipv4", "cidr_block")
    }
}

/// The `aws_vpc_security_group_*_rule` for TCP 443 between `group` and `peer`.
fn rule_443(kind: &str, direction: &str, group: &str, peer: &RulePeer) -> String {
    let (peer_attr, peer_id) = match peer {
        RulePeer::Group(g) => ("referenced_security_group_id", g.as_str()),
        RulePeer::Cidr(c) => (cidr_attr(c).0, c.as_str()),
    };
    resource(
        kind,
        &name(&[group, direction, "443", peer_id]),
        &[
            ("security_group_id", value(group)),
            ("ip_protocol", hcl("tcp")),
            ("from_port", "443".into()),
            ("to_port", "443".into()),
            (peer_attr, value(peer_id)),
        ],
    )
}

/// The argument of `aws_route` that names `to`.
fn route_target(to: &RouteTo) -> &'static str {
    match to {
        RouteTo::NatGateway(_) => "nat_gateway_id",
        RouteTo::InternetGateway(_) | RouteTo::VirtualPrivateGateway(_) => "gateway_id",
        RouteTo::TransitGateway(_) => "transit_gateway_id",
        RouteTo::PeeringConnection(_) => "vpc_peering_connection_id",
        RouteTo::NetworkInterface(_) => "network_interface_id",
        RouteTo::GatewayLoadBalancerEndpoint(_) => "vpc_endpoint_id",
    }
}

/// The fix as Terraform (see the module's guarantees).
pub fn fix_terraform(region: &Region, fix: &Fix) -> String {
    match fix {
        Fix::CreateEndpoint { service, placement } => {
            endpoint_terraform(service, region, placement)
        }
        Fix::EnableDnsAttribute { vpc_id, attribute } => {
            let arg = match attribute {
                DnsAttribute::Support => "enable_dns_support",
                DnsAttribute::Hostnames => "enable_dns_hostnames",
            };
            comment(&format!(
                "set {arg} = true in the aws_vpc resource of {vpc_id} (no resource of the AWS provider sets it alone)"
            ))
        }
        Fix::AuthorizeIngress443 { group_id, from } => {
            rule_443("aws_vpc_security_group_ingress_rule", "in", group_id, from)
        }
        Fix::AuthorizeEgress443 { group_id, to } => {
            rule_443("aws_vpc_security_group_egress_rule", "out", group_id, to)
        }
        Fix::AllowAclEntry {
            acl_id,
            direction,
            rule_number,
            from_port,
            to_port,
            cidr,
        } => {
            let egress = matches!(direction, AclDirection::Egress);
            let number = format!("{rule_number}");
            resource(
                "aws_network_acl_rule",
                &name(&[acl_id, if egress { "out" } else { "in" }, &number]),
                &[
                    ("network_acl_id", value(acl_id)),
                    ("rule_number", number.clone()),
                    ("egress", if egress { "true" } else { "false" }.into()),
                    ("protocol", hcl("tcp")),
                    ("rule_action", hcl("allow")),
                    (cidr_attr(cidr).1, hcl(cidr)),
                    ("from_port", format!("{from_port}")),
                    ("to_port", format!("{to_port}")),
                ],
            )
        }
        Fix::Route {
            route_table_id,
            destination,
            to,
            replace,
        } => {
            let destination_attr = if destination.contains(':') {
                "destination_ipv6_cidr_block"
            } else {
                "destination_cidr_block"
            };
            let route_name = name(&[route_table_id, destination]);
            let block = resource(
                "aws_route",
                &route_name,
                &[
                    ("route_table_id", value(route_table_id)),
                    (destination_attr, hcl(destination)),
                    (route_target(to), value(to.id())),
                ],
            );
            if *replace {
                format!(
                    "{}\nimport {{\n  to = aws_route.{route_name}\n  id = {}\n}}\n\n{block}",
                    comment(&format!(
                        "replaces the route for {destination} in {route_table_id}; if your configuration declares that route (an aws_route, or a route block of its aws_route_table), change its target there instead"
                    )),
                    hcl(&format!("{route_table_id}_{destination}"))
                )
            } else {
                block
            }
        }
        Fix::AssociateRouteTable {
            route_table_id,
            subnet_id,
        } => resource(
            "aws_route_table_association",
            &name(&[subnet_id]),
            &[
                ("subnet_id", value(subnet_id)),
                ("route_table_id", value(route_table_id)),
            ],
        ),
        Fix::ReplaceRouteTableAssociation {
            subnet_id,
            route_table_id,
            ..
        } => comment(&format!(
            "set route_table_id = {} in the aws_route_table_association of {subnet_id} (a second association of the subnet would fail)",
            value(route_table_id)
        )),
        Fix::EnableEndpointPrivateDns { endpoint_id } => comment(&format!(
            "set private_dns_enabled = true in the aws_vpc_endpoint resource of {endpoint_id}"
        )),
        Fix::EndpointDualstack { endpoint_id } => comment(&format!(
            "set ip_address_type = \"dualstack\" in the aws_vpc_endpoint resource of {endpoint_id} (its subnets need IPv6 ranges)"
        )),
        Fix::EndpointDnsRecordType {
            endpoint_id,
            record_type,
        } => comment(&format!(
            "set dns_options {{ dns_record_ip_type = \"{record_type}\" }} in the aws_vpc_endpoint resource of {endpoint_id}"
        )),
        Fix::AddEndpointRouteTable {
            endpoint_id,
            route_table_id,
        } => resource(
            "aws_vpc_endpoint_route_table_association",
            &name(&[endpoint_id, route_table_id]),
            &[
                ("vpc_endpoint_id", value(endpoint_id)),
                ("route_table_id", value(route_table_id)),
            ],
        ),
        Fix::AddEndpointSecurityGroup {
            endpoint_id,
            group_id,
        } => resource(
            "aws_vpc_endpoint_security_group_association",
            &name(&[endpoint_id, group_id]),
            &[
                ("vpc_endpoint_id", value(endpoint_id)),
                ("security_group_id", value(group_id)),
            ],
        ),
        Fix::AddEndpointSubnet {
            endpoint_id,
            subnet_id,
        } => resource(
            "aws_vpc_endpoint_subnet_association",
            &name(&[endpoint_id, subnet_id]),
            &[
                ("vpc_endpoint_id", value(endpoint_id)),
                ("subnet_id", value(subnet_id)),
            ],
        ),
        Fix::CreatePublicNatGateway => nat_gateway("NEW_NAT", "<public-subnet-id>"),
        Fix::CreateNatGatewayIn { var, subnet_id } => nat_gateway(var, subnet_id),
        Fix::CreateSecurityGroup {
            var,
            vpc_id,
            name,
            description,
        } => format!(
            "{}\n{}",
            comment(
                "no egress block: the provider removes AWS's allow-all egress rule, which an endpoint's group does not need"
            ),
            created(
                "aws_security_group",
                var,
                &[
                    ("name", hcl(name)),
                    ("description", hcl(description)),
                    ("vpc_id", value(vpc_id)),
                ],
            )
        ),
        Fix::CreateRouteTable { var, vpc_id } => {
            created("aws_route_table", var, &[("vpc_id", value(vpc_id))])
        }
        Fix::AttachInternetGateway { igw_id, vpc_id } => resource(
            "aws_internet_gateway_attachment",
            &name(&[igw_id, vpc_id]),
            &[
                ("internet_gateway_id", value(igw_id)),
                ("vpc_id", value(vpc_id)),
            ],
        ),
        Fix::CreateBpaExclusion { subnet_id, mode } => resource(
            "aws_vpc_block_public_access_exclusion",
            &name(&[subnet_id]),
            &[
                ("subnet_id", value(subnet_id)),
                (
                    "internet_gateway_exclusion_mode",
                    hcl(match mode {
                        BpaExclusionFix::AllowEgress => "allow-egress",
                        BpaExclusionFix::AllowBidirectional => "allow-bidirectional",
                    }),
                ),
            ],
        ),
        Fix::EnableRoutePropagation {
            route_table_id,
            gateway_id,
        } => resource(
            "aws_vpn_gateway_route_propagation",
            &name(&[gateway_id, route_table_id]),
            &[
                ("vpn_gateway_id", value(gateway_id)),
                ("route_table_id", value(route_table_id)),
            ],
        ),
        Fix::EndpointPolicy {
            endpoint_id,
            document,
        } => resource(
            "aws_vpc_endpoint_policy",
            &name(&[endpoint_id]),
            &[
                ("vpc_endpoint_id", value(endpoint_id)),
                ("policy", hcl(document)),
            ],
        ),
        Fix::Comment(text) => comment(text),
    }
}

/// An Elastic IP and a public NAT gateway in `subnet_id`, named for `var`.
fn nat_gateway(var: &str, subnet_id: &str) -> String {
    let local = var.to_ascii_lowercase();
    format!(
        "{}\n\n{}",
        resource("aws_eip", &local, &[("domain", hcl("vpc"))]),
        created(
            "aws_nat_gateway",
            var,
            &[
                ("allocation_id", format!("aws_eip.{local}.id")),
                ("subnet_id", value(subnet_id)),
                ("connectivity_type", hcl("public")),
            ],
        )
    )
}

/// The `aws_vpc_endpoint` for `service` at `at`; services that cannot be
/// created from `region` give a comment saying why and where.
pub fn endpoint_terraform(service: &Service, region: &Region, at: &EndpointPlacement) -> String {
    let service_name = service.service_name(region);
    let service_region = match crate::commands::creatable_from(service, region) {
        Ok(service_region) => service_region,
        Err(why) => return comment(&why),
    };
    let mut out = format!(
        "resource \"aws_vpc_endpoint\" \"{}\" {{\n",
        name(&[service.id])
    );
    out.push_str(&tf_attr(
        "vpc_id",
        &value(at.vpc_id.as_deref().unwrap_or("<vpc-id>")),
    ));
    out.push_str(&tf_attr("service_name", &hcl(&service_name)));
    out.push_str(&tf_attr(
        "vpc_endpoint_type",
        &hcl(service.endpoint_type.aws_name()),
    ));
    match service.endpoint_type {
        EndpointType::Interface => {
            out.push_str(&tf_attr(
                "subnet_ids",
                &values(&at.subnet_ids, "<subnet-id>"),
            ));
            out.push_str(&tf_attr(
                "security_group_ids",
                &values(&at.security_group_ids, "<sg-id>"),
            ));
            out.push_str(&tf_attr("private_dns_enabled", "true"));
        }
        EndpointType::Gateway => out.push_str(&tf_attr(
            "route_table_ids",
            &values(&at.route_table_ids, "<rtb-id>"),
        )),
    }
    if let Some(sr) = service_region {
        out.push_str(&tf_attr("service_region", &hcl(sr)));
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;

    fn r() -> Region {
        Region::parse("eu-west-1").expect("a known region")
    }

    #[test]
    fn a_replaced_route_is_imported_first() {
        let f = Fix::Route {
            route_table_id: "rtb-0a".into(),
            destination: "0.0.0.0/0".into(),
            to: RouteTo::NatGateway("$NEW_NAT".into()),
            replace: true,
        };
        let tf = fix_terraform(&r(), &f);
        assert!(tf.contains("import {\n  to = aws_route.netready_rtb_0a_0_0_0_0_0\n  id = \"rtb-0a_0.0.0.0/0\"\n}"), "{tf}");
        assert!(
            tf.contains("nat_gateway_id         = local.new_nat"),
            "{tf}"
        );
        let added = fix_terraform(
            &r(),
            &Fix::Route {
                route_table_id: "rtb-0a".into(),
                destination: "0.0.0.0/0".into(),
                to: RouteTo::NatGateway("$NEW_NAT".into()),
                replace: false,
            },
        );
        assert!(!added.contains("import"), "{added}");
    }

    #[test]
    fn created_resources_are_referred_to_by_their_local() {
        let sg = Fix::CreateSecurityGroup {
            var: "NEW_ENDPOINT_SG".into(),
            vpc_id: "vpc-1".into(),
            name: "netready-endpoints".into(),
            description: "443 from the tasks".into(),
        };
        let tf = fix_terraform(&r(), &sg);
        assert!(
            tf.contains("resource \"aws_security_group\" \"new_endpoint_sg\" {"),
            "{tf}"
        );
        assert!(
            tf.contains("new_endpoint_sg = aws_security_group.new_endpoint_sg.id"),
            "{tf}"
        );
        let rule = Fix::AuthorizeIngress443 {
            group_id: "$NEW_ENDPOINT_SG".into(),
            from: RulePeer::Group("sg-task".into()),
        };
        let tf = fix_terraform(&r(), &rule);
        assert!(
            tf.contains("security_group_id            = local.new_endpoint_sg"),
            "{tf}"
        );
        assert!(
            tf.contains("referenced_security_group_id = \"sg-task\""),
            "{tf}"
        );
    }

    #[test]
    fn hostile_ids_stay_inside_their_strings_and_comments_on_one_line() {
        let f = Fix::AssociateRouteTable {
            route_table_id: "rtb-1\"\n}\nresource \"x\" \"y\" {".into(),
            subnet_id: "subnet-${file(\"/etc/passwd\")}".into(),
        };
        let tf = fix_terraform(&r(), &f);
        assert_eq!(
            tf.lines().filter(|l| l.starts_with("resource ")).count(),
            1,
            "{tf}"
        );
        assert_eq!(tf.lines().count(), 4, "{tf}");
        assert!(tf.contains("$${file"), "{tf}");
        let c = fix_terraform(&r(), &Fix::Comment("a\nresource".into()));
        assert_eq!(c.lines().count(), 1);
    }

    #[test]
    fn plan_addresses_of_the_root_module_are_references() {
        for (id, want) in [
            ("aws_subnet.private[0]", "aws_subnet.private[0].id"),
            ("aws_subnet.private[\"a\"]", "aws_subnet.private[\"a\"].id"),
            ("aws_security_group.runner", "aws_security_group.runner.id"),
            // A child module's resource cannot be named from the root.
            (
                "module.vpc.aws_subnet.private[0]",
                "\"module.vpc.aws_subnet.private[0]\"",
            ),
            ("sg-0123", "\"sg-0123\""),
            (
                "aws_subnet.x[\"a\"].id) + file(\"/etc/passwd\"",
                "\"aws_subnet.x[\\\"a\\\"].id) + file(\\\"/etc/passwd\\\"\"",
            ),
            ("aws_subnet.x[0] ", "\"aws_subnet.x[0] \""),
        ] {
            assert_eq!(value(id), want, "{id}");
        }
    }

    #[test]
    fn endpoints_name_their_service_and_leave_out_what_cannot_be_created() {
        let logs = catalog::service_by_id("logs").expect("in the catalog");
        let at = EndpointPlacement {
            vpc_id: Some("vpc-1".into()),
            subnet_ids: alloc::vec!["subnet-a".into()],
            security_group_ids: alloc::vec!["$NEW_ENDPOINT_SG".into()],
            route_table_ids: alloc::vec![],
        };
        let tf = endpoint_terraform(logs, &r(), &at);
        assert!(
            tf.starts_with("resource \"aws_vpc_endpoint\" \"netready_logs\" {"),
            "{tf}"
        );
        assert!(
            tf.contains("security_group_ids  = [local.new_endpoint_sg]"),
            "{tf}"
        );
        let iam = catalog::service_by_id("iam").expect("in the catalog");
        assert!(endpoint_terraform(iam, &r(), &at).starts_with("# IAM"));
    }
}
