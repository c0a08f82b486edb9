//! Ready-to-run fix commands, in AWS CLI or AWS Tools for PowerShell form
//! (and, through [`crate::iac::fix_terraform`], as Terraform).
//!
//! Guarantees: every value that comes from input (IDs, names) is quoted for
//! the target shell unless it consists only of characters that need no
//! quoting, so a hostile tag or ID pasted into the validator can never turn a
//! printed fix into a different command. Placeholders (`<vpc-id>`) are quoted
//! too, so a user who forgets to fill one gets an error from AWS, not from the
//! shell.
//!
//! Not done here: deciding that a fix is needed.

use crate::catalog::{Availability, EndpointType, Region, Service};
use alloc::borrow::Cow;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::Write as _;

/// The form fix commands are printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum FixFormat {
    /// `aws ec2 …` for a POSIX shell.
    #[default]
    AwsCli,
    /// `New-EC2VpcEndpoint …` and friends for PowerShell.
    PowerShell,
    /// Terraform resource blocks for the AWS provider (`aws_route`,
    /// `aws_vpc_endpoint`, …), with `import` blocks where a fix changes a
    /// resource that exists; see [`crate::iac::fix_terraform`].
    Terraform,
}

/// The shell a command is printed for (what [`FixFormat`] is when it is not
/// Terraform).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shell {
    AwsCli,
    PowerShell,
}

impl FixFormat {
    /// The shell of a shell format; `None` for Terraform.
    fn shell(self) -> Option<Shell> {
        match self {
            FixFormat::AwsCli => Some(Shell::AwsCli),
            FixFormat::PowerShell => Some(Shell::PowerShell),
            FixFormat::Terraform => None,
        }
    }

    /// The format's name on the command line and in the page's options.
    pub fn as_str(self) -> &'static str {
        match self {
            FixFormat::AwsCli => "aws-cli",
            FixFormat::PowerShell => "powershell",
            FixFormat::Terraform => "terraform",
        }
    }
}

impl core::str::FromStr for FixFormat {
    type Err = &'static str;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "aws-cli" => Ok(FixFormat::AwsCli),
            "powershell" => Ok(FixFormat::PowerShell),
            "terraform" => Ok(FixFormat::Terraform),
            _ => Err("expected aws-cli, powershell or terraform"),
        }
    }
}

/// Quotes `s` for a POSIX shell when it holds anything but `[A-Za-z0-9._:/=@,+-]`.
pub fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._:/=@,+-".contains(&b));
    if safe {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// Quotes `s` as a PowerShell single-quoted string (always quoted).
pub fn ps_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        // PowerShell also treats the typographic quotes as quote characters.
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// How one argument's value is written in each shell.
enum Val<'a> {
    /// Input (an id, a CIDR): quoted for the shell when needed, always in
    /// PowerShell.
    Quoted(Cow<'a, str>),
    /// Several ids (`a b` / `@('a','b')`), or the placeholder when empty.
    List(&'a [String], &'static str),
    /// A number.
    Number(u32),
    /// A word of the EC2 API (`tcp`, `Interface`): bare for the AWS CLI,
    /// quoted in PowerShell.
    Word(&'static str),
    /// Shell syntax as is, per shell (an empty AWS CLI value: a flag alone).
    Literal(&'static str, &'static str),
    /// Text built for the one shell whose flag is not empty.
    Text(String),
}

/// One argument: the AWS CLI flag, the PowerShell parameter (either empty
/// when the other shell spells the same thing differently) and the value.
struct Arg<'a>(&'static str, &'static str, Val<'a>);

fn q(s: &str) -> Val<'_> {
    Val::Quoted(Cow::Borrowed(s))
}

/// Whether `id` names a resource an earlier step of the same fix creates:
/// `$` and a shell variable name (`$NEW_ENDPOINT_SG`). Such ids are printed
/// as variable references (`"$NEW_ENDPOINT_SG"` for a POSIX shell,
/// `$NEW_ENDPOINT_SG` in PowerShell), never quoted away.
pub fn is_placeholder(id: &str) -> bool {
    id.strip_prefix('$').is_some_and(|v| {
        !v.is_empty()
            && v.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    })
}

/// An id as a shell argument: a variable reference for a placeholder,
/// else quoted.
fn id_arg(format: Shell, id: &str) -> String {
    match (format, is_placeholder(id)) {
        (Shell::AwsCli, true) => format!("\"{id}\""),
        (Shell::PowerShell, true) => id.into(),
        (Shell::AwsCli, false) => shell_quote(id),
        (Shell::PowerShell, false) => ps_quote(id),
    }
}

/// A flag alone for the AWS CLI, `$true` in PowerShell.
const ON: Val<'static> = Val::Literal("", "$true");

/// Renders one command: `aws ec2 <cli> --region …` or `<ps> -Region …`,
/// then every argument the shell has.
fn render(format: Shell, region: &Region, (cli, ps): (&str, &str), args: &[Arg<'_>]) -> String {
    let mut out = match format {
        Shell::AwsCli => format!("aws ec2 {cli} --region {}", shell_quote(region.name())),
        Shell::PowerShell => format!("{ps} -Region {}", ps_quote(region.name())),
    };
    let quote = |s: &str| id_arg(format, s);
    for Arg(cli_flag, ps_flag, value) in args {
        let flag = match format {
            Shell::AwsCli => cli_flag,
            Shell::PowerShell => ps_flag,
        };
        if flag.is_empty() {
            continue;
        }
        out.push(' ');
        out.push_str(flag);
        let value: Cow<'_, str> = match (format, value) {
            (_, Val::Quoted(s)) => quote(s).into(),
            (_, Val::List(ids, placeholder)) => {
                let quoted: Vec<String> = if ids.is_empty() {
                    alloc::vec![quote(placeholder)]
                } else {
                    ids.iter().map(|s| quote(s)).collect()
                };
                match format {
                    Shell::AwsCli => quoted.join(" ").into(),
                    Shell::PowerShell => format!("@({})", quoted.join(",")).into(),
                }
            }
            (_, Val::Number(n)) => n.to_string().into(),
            (Shell::AwsCli, Val::Word(w)) => Cow::Borrowed(*w),
            (Shell::PowerShell, Val::Word(w)) => ps_quote(w).into(),
            (Shell::AwsCli, Val::Literal(cli_text, _)) => Cow::Borrowed(*cli_text),
            (Shell::PowerShell, Val::Literal(_, ps_text)) => Cow::Borrowed(*ps_text),
            (_, Val::Text(t)) => Cow::Borrowed(t.as_str()),
        };
        if !value.is_empty() {
            out.push(' ');
            out.push_str(&value);
        }
    }
    out
}

/// The resources a new endpoint goes into. Empty lists print placeholders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointPlacement {
    /// The VPC id.
    pub vpc_id: Option<String>,
    /// Subnets for an interface endpoint (one per AZ).
    pub subnet_ids: Vec<String>,
    /// Security groups for an interface endpoint.
    pub security_group_ids: Vec<String>,
    /// Route tables for a gateway endpoint.
    pub route_table_ids: Vec<String>,
}

/// The command that creates the VPC endpoint for `service` in `region`.
/// Services that cannot be created in `region` give a `#` comment saying why
/// and where.
pub fn create_endpoint(
    format: FixFormat,
    service: &Service,
    region: &Region,
    at: &EndpointPlacement,
) -> String {
    match format.shell() {
        Some(shell) => create_endpoint_in(shell, service, region, at),
        None => crate::iac::endpoint_terraform(service, region, at),
    }
}

/// Whether the endpoint for `service` can be created from `region`: its
/// service region when that is another one (a cross-region endpoint), or
/// why not and where instead (the text of the comment every fix format
/// prints in place of the endpoint).
pub(crate) fn creatable_from<'c>(
    service: &'c Service,
    region: &Region,
) -> Result<Option<&'c str>, String> {
    match service.availability(region) {
        Availability::InRegion => Ok(None),
        Availability::CrossRegion { service_region } => Ok(Some(service_region)),
        Availability::ControlPlaneRegionOnly { region: home } => Err(format!(
            "{}: {} can only be created in {home}; reach it from {} through a transit gateway or peering to a VPC in {home} that has the endpoint",
            service.name,
            service.service_name(region),
            region.name()
        )),
        Availability::NotInPartition => Err(format!(
            "{}: {} is not offered in the {} partition",
            service.name,
            service.service_name(region),
            region.partition()
        )),
    }
}

fn create_endpoint_in(
    format: Shell,
    service: &Service,
    region: &Region,
    at: &EndpointPlacement,
) -> String {
    let service_name = service.service_name(region);
    let service_region = match creatable_from(service, region) {
        Ok(service_region) => service_region,
        Err(why) => return format!("# {why}"),
    };
    let mut args = alloc::vec![
        Arg(
            "--vpc-id",
            "-VpcId",
            q(at.vpc_id.as_deref().unwrap_or("<vpc-id>"))
        ),
        Arg(
            "--vpc-endpoint-type",
            "-VpcEndpointType",
            Val::Word(service.endpoint_type.aws_name()),
        ),
        Arg(
            "--service-name",
            "-ServiceName",
            Val::Quoted(service_name.into())
        ),
    ];
    match service.endpoint_type {
        EndpointType::Interface => args.extend([
            Arg(
                "--subnet-ids",
                "-SubnetId",
                Val::List(&at.subnet_ids, "<subnet-id>"),
            ),
            Arg(
                "--security-group-ids",
                "-SecurityGroupId",
                Val::List(&at.security_group_ids, "<sg-id>"),
            ),
            Arg("--private-dns-enabled", "-PrivateDnsEnabled", ON),
        ]),
        EndpointType::Gateway => args.push(Arg(
            "--route-table-ids",
            "-RouteTableId",
            Val::List(&at.route_table_ids, "<rtb-id>"),
        )),
    }
    if let Some(sr) = service_region {
        args.push(Arg("--service-region", "-ServiceRegion", q(sr)));
    }
    render(
        format,
        region,
        ("create-vpc-endpoint", "New-EC2VpcEndpoint"),
        &args,
    )
}

// ---------------------------------------------------------------------------
// Fixes for the validator's findings (added with the validator).
// ---------------------------------------------------------------------------

/// Which DNS attribute of a VPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DnsAttribute {
    /// `enableDnsSupport`
    Support,
    /// `enableDnsHostnames`
    Hostnames,
}

/// Who a TCP 443 security group rule admits or lets out to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RulePeer {
    /// Another security group (`sg-…`).
    Group(String),
    /// A CIDR, e.g. `10.0.1.0/24` or `0.0.0.0/0`.
    Cidr(String),
}

/// Into or out of a subnet (network ACL entries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AclDirection {
    /// `--ingress`
    Ingress,
    /// `--egress`
    Egress,
}

/// The mode of a new VPC Block Public Access exclusion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BpaExclusionFix {
    /// `allow-egress`: connections made from inside (only under `block-bidirectional`).
    AllowEgress,
    /// `allow-bidirectional`: all internet traffic.
    AllowBidirectional,
}

/// The target of a new or replaced route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteTo {
    /// `--nat-gateway-id`
    NatGateway(String),
    /// `--gateway-id igw-…`
    InternetGateway(String),
    /// `--gateway-id vgw-…` (a virtual private gateway).
    VirtualPrivateGateway(String),
    /// `--transit-gateway-id tgw-…`
    TransitGateway(String),
    /// `--vpc-peering-connection-id pcx-…`
    PeeringConnection(String),
    /// `--network-interface-id eni-…`
    NetworkInterface(String),
    /// `--vpc-endpoint-id vpce-…` (a Gateway Load Balancer endpoint).
    GatewayLoadBalancerEndpoint(String),
}

impl RouteTo {
    /// The target's id.
    pub fn id(&self) -> &str {
        match self {
            RouteTo::NatGateway(id)
            | RouteTo::InternetGateway(id)
            | RouteTo::VirtualPrivateGateway(id)
            | RouteTo::TransitGateway(id)
            | RouteTo::PeeringConnection(id)
            | RouteTo::NetworkInterface(id)
            | RouteTo::GatewayLoadBalancerEndpoint(id) => id,
        }
    }
}

/// A fix the validator proposes, with the user's real IDs. Rendered by
/// [`fix_command`] in AWS CLI or PowerShell form.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fix {
    /// `modify-vpc-attribute --enable-dns-support|--enable-dns-hostnames`.
    EnableDnsAttribute {
        /// The VPC.
        vpc_id: String,
        /// Which attribute.
        attribute: DnsAttribute,
    },
    /// Allow inbound TCP 443 on a security group.
    AuthorizeIngress443 {
        /// The group to change.
        group_id: String,
        /// Whom to admit.
        from: RulePeer,
    },
    /// Allow outbound TCP 443 on a security group.
    AuthorizeEgress443 {
        /// The group to change.
        group_id: String,
        /// Where to.
        to: RulePeer,
    },
    /// Add an allow entry to a network ACL.
    AllowAclEntry {
        /// The ACL.
        acl_id: String,
        /// Inbound or outbound.
        direction: AclDirection,
        /// A free rule number below the blocking rule.
        rule_number: u32,
        /// First port.
        from_port: u16,
        /// Last port.
        to_port: u16,
        /// The peer CIDR.
        cidr: String,
    },
    /// Add (or, with `replace`, replace) a route.
    Route {
        /// The route table.
        route_table_id: String,
        /// The destination CIDR (IPv4 or IPv6).
        destination: String,
        /// The target.
        to: RouteTo,
        /// Whether a route for the destination already exists (replace-route).
        replace: bool,
    },
    /// Associate a subnet with a route table.
    AssociateRouteTable {
        /// The route table.
        route_table_id: String,
        /// The subnet.
        subnet_id: String,
    },
    /// Turn on an interface endpoint's private DNS.
    EnableEndpointPrivateDns {
        /// The endpoint.
        endpoint_id: String,
    },
    /// Associate a gateway endpoint with a route table.
    AddEndpointRouteTable {
        /// The endpoint.
        endpoint_id: String,
        /// The route table.
        route_table_id: String,
    },
    /// Add a security group to an interface endpoint.
    AddEndpointSecurityGroup {
        /// The endpoint.
        endpoint_id: String,
        /// The group (an id, or the placeholder of an earlier step).
        group_id: String,
    },
    /// Add a subnet (AZ) to an interface endpoint.
    AddEndpointSubnet {
        /// The endpoint.
        endpoint_id: String,
        /// The subnet.
        subnet_id: String,
    },
    /// Give an interface endpoint IPv6 addresses.
    EndpointDualstack {
        /// The endpoint.
        endpoint_id: String,
    },
    /// Create a public NAT gateway (placeholders for what the validator
    /// cannot know). Prefer [`Fix::CreateNatGatewayIn`] when a public subnet
    /// is known.
    CreatePublicNatGateway,
    /// Create a public NAT gateway in a known public subnet: allocate an
    /// Elastic IP, create the gateway, wait until it is available. The new
    /// gateway's id is `$var`.
    CreateNatGatewayIn {
        /// The shell variable that receives the new gateway's id.
        var: String,
        /// A public subnet (its route table sends 0.0.0.0/0 to an attached
        /// internet gateway).
        subnet_id: String,
    },
    /// Create a security group; its id is `$var`.
    CreateSecurityGroup {
        /// The shell variable that receives the new group's id.
        var: String,
        /// The VPC.
        vpc_id: String,
        /// `--group-name`.
        name: String,
        /// `--description`.
        description: String,
    },
    /// Create a route table; its id is `$var`.
    CreateRouteTable {
        /// The shell variable that receives the new table's id.
        var: String,
        /// The VPC.
        vpc_id: String,
    },
    /// Move a subnet's explicit association to another route table.
    ReplaceRouteTableAssociation {
        /// The association (`rtbassoc-…`).
        association_id: String,
        /// The subnet it associates (for the model, and the message).
        subnet_id: String,
        /// The table it should point at.
        route_table_id: String,
    },
    /// Create a VPC endpoint for a catalog service.
    CreateEndpoint {
        /// The service.
        service: &'static crate::catalog::Service,
        /// Where it goes (ids, or placeholders of earlier steps).
        placement: EndpointPlacement,
    },
    /// Attach an internet gateway to a VPC.
    AttachInternetGateway {
        /// The gateway.
        igw_id: String,
        /// The VPC.
        vpc_id: String,
    },
    /// Exempt a subnet from VPC Block Public Access.
    CreateBpaExclusion {
        /// The subnet.
        subnet_id: String,
        /// What the exclusion lets through.
        mode: BpaExclusionFix,
    },
    /// Let a virtual private gateway propagate its routes into a table.
    EnableRoutePropagation {
        /// The route table.
        route_table_id: String,
        /// `vgw-…`
        gateway_id: String,
    },
    /// Replace an endpoint's policy (`--policy-document`).
    EndpointPolicy {
        /// The endpoint.
        endpoint_id: String,
        /// The whole new policy, as JSON.
        document: String,
    },
    /// Give an interface endpoint's private DNS the record types a task
    /// needs (`--dns-options DnsRecordIpType=…`).
    EndpointDnsRecordType {
        /// The endpoint.
        endpoint_id: String,
        /// `dualstack`.
        record_type: &'static str,
    },
    /// Nothing to run: a comment telling what to do.
    Comment(String),
}

impl Fix {
    /// What the fix does, in a few words (a remedy's summary).
    pub fn summary(&self) -> String {
        match self {
            Fix::EnableDnsAttribute { vpc_id, attribute } => format!(
                "turn on {} in {vpc_id}",
                match attribute {
                    DnsAttribute::Support => "DNS resolution",
                    DnsAttribute::Hostnames => "DNS hostnames",
                }
            ),
            Fix::AuthorizeIngress443 { group_id, from } => {
                format!("let TCP 443 into {group_id} from {}", peer_text(from))
            }
            Fix::AuthorizeEgress443 { group_id, to } => {
                format!("let TCP 443 out of {group_id} to {}", peer_text(to))
            }
            Fix::AllowAclEntry {
                acl_id,
                direction,
                rule_number,
                from_port,
                to_port,
                cidr,
            } => format!(
                "allow TCP {from_port}-{to_port} {} {cidr} in {acl_id} (rule {rule_number})",
                match direction {
                    AclDirection::Ingress => "in from",
                    AclDirection::Egress => "out to",
                }
            ),
            Fix::Route {
                route_table_id,
                destination,
                to,
                replace,
            } => format!(
                "{} {destination} in {route_table_id} to {}",
                if *replace { "route" } else { "add a route for" },
                to.id()
            ),
            Fix::AssociateRouteTable {
                route_table_id,
                subnet_id,
            } => format!("give {subnet_id} route table {route_table_id}"),
            Fix::EnableEndpointPrivateDns { endpoint_id } => {
                format!("turn on private DNS of {endpoint_id}")
            }
            Fix::AddEndpointRouteTable {
                endpoint_id,
                route_table_id,
            } => format!("associate {endpoint_id} with {route_table_id}"),
            Fix::AddEndpointSubnet {
                endpoint_id,
                subnet_id,
            } => format!("add {subnet_id} to {endpoint_id}"),
            Fix::AddEndpointSecurityGroup {
                endpoint_id,
                group_id,
            } => format!("give {endpoint_id} security group {group_id}"),
            Fix::EndpointDualstack { endpoint_id } => {
                format!("give {endpoint_id} IPv6 addresses")
            }
            Fix::CreatePublicNatGateway => "create a public NAT gateway".into(),
            Fix::CreateNatGatewayIn { subnet_id, .. } => {
                format!("create a public NAT gateway in {subnet_id}")
            }
            Fix::AttachInternetGateway { igw_id, vpc_id } => {
                format!("attach {igw_id} to {vpc_id}")
            }
            Fix::CreateBpaExclusion { subnet_id, .. } => {
                format!("exclude {subnet_id} from VPC Block Public Access")
            }
            Fix::EnableRoutePropagation {
                route_table_id,
                gateway_id,
            } => format!("propagate {gateway_id}'s routes into {route_table_id}"),
            Fix::EndpointPolicy { endpoint_id, .. } => {
                format!("allow the runner's calls in {endpoint_id}'s policy")
            }
            Fix::EndpointDnsRecordType {
                endpoint_id,
                record_type,
            } => format!("give {endpoint_id}'s private DNS {record_type} records"),
            Fix::CreateSecurityGroup { name, .. } => format!("create security group {name}"),
            Fix::CreateRouteTable { vpc_id, .. } => format!("create a route table in {vpc_id}"),
            Fix::ReplaceRouteTableAssociation {
                subnet_id,
                route_table_id,
                ..
            } => format!("move {subnet_id} to route table {route_table_id}"),
            Fix::CreateEndpoint { service, .. } => format!(
                "create the {} endpoint {}",
                service.endpoint_type.aws_name().to_ascii_lowercase(),
                service.id
            ),
            Fix::Comment(text) => text.clone(),
        }
    }
}

fn peer_text(p: &RulePeer) -> &str {
    match p {
        RulePeer::Group(g) | RulePeer::Cidr(g) => g,
    }
}

/// Whether `s` is safe to embed in AWS CLI shorthand (`Key=Value,…`) and
/// PowerShell hashtables: an AWS id or CIDR. Anything else is replaced by a
/// placeholder so a hostile id cannot change the meaning of the shorthand.
fn shorthand_safe(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-./:".contains(&b))
}

fn shorthand(s: &str, placeholder: &str) -> String {
    if shorthand_safe(s) {
        s.into()
    } else {
        placeholder.into()
    }
}

/// Renders a fix as one ready-to-run command for `region`. Every value is
/// quoted for the target shell.
pub fn fix_command(format: FixFormat, region: &Region, fix: &Fix) -> String {
    let Some(format) = format.shell() else {
        return crate::iac::fix_terraform(region, fix);
    };
    let (verbs, args): ((&str, &str), Vec<Arg<'_>>) = match fix {
        Fix::CreateEndpoint { service, placement } => {
            return create_endpoint_in(format, service, region, placement);
        }
        Fix::CreateSecurityGroup {
            var,
            vpc_id,
            name,
            description,
        } => {
            let cmd = render(
                format,
                region,
                ("create-security-group", "New-EC2SecurityGroup"),
                &[
                    Arg("--vpc-id", "-VpcId", q(vpc_id)),
                    Arg("--group-name", "-GroupName", q(name)),
                    Arg("--description", "-Description", q(description)),
                ],
            );
            return capture(format, var, &cmd, "GroupId", "");
        }
        Fix::CreateRouteTable { var, vpc_id } => {
            let cmd = render(
                format,
                region,
                ("create-route-table", "New-EC2RouteTable"),
                &[Arg("--vpc-id", "-VpcId", q(vpc_id))],
            );
            return capture(
                format,
                var,
                &cmd,
                "RouteTable.RouteTableId",
                ".RouteTableId",
            );
        }
        Fix::CreateNatGatewayIn { var, subnet_id } => {
            let eip = render(
                format,
                region,
                ("allocate-address", "New-EC2Address"),
                &[Arg("--domain", "-Domain", Val::Word("vpc"))],
            );
            let eip_var = "NEW_NAT_EIP";
            let nat = render(
                format,
                region,
                ("create-nat-gateway", "New-EC2NatGateway"),
                &[
                    Arg(
                        "--connectivity-type",
                        "-ConnectivityType",
                        Val::Word("public"),
                    ),
                    Arg("--subnet-id", "-SubnetId", q(subnet_id)),
                    Arg(
                        "--allocation-id",
                        "-AllocationId",
                        Val::Text(id_arg(format, &format!("${eip_var}"))),
                    ),
                ],
            );
            let id = format!("${var}");
            let wait = match format {
                Shell::AwsCli => format!(
                    "aws ec2 wait nat-gateway-available --region {} --nat-gateway-ids {}",
                    shell_quote(region.name()),
                    id_arg(format, &id)
                ),
                Shell::PowerShell => format!(
                    "while ((Get-EC2NatGateway -Region {} -NatGatewayId {}).State -ne 'available') {{ Start-Sleep -Seconds 15 }}",
                    ps_quote(region.name()),
                    id_arg(format, &id)
                ),
            };
            return format!(
                "{}\n{}\n{wait}",
                capture(format, eip_var, &eip, "AllocationId", ".AllocationId"),
                capture(
                    format,
                    var,
                    &nat,
                    "NatGateway.NatGatewayId",
                    ".NatGatewayId"
                )
            );
        }
        Fix::ReplaceRouteTableAssociation {
            association_id,
            route_table_id,
            ..
        } => (
            (
                "replace-route-table-association",
                "Set-EC2RouteTableAssociation",
            ),
            alloc::vec![
                Arg("--association-id", "-AssociationId", q(association_id)),
                Arg("--route-table-id", "-RouteTableId", q(route_table_id)),
            ],
        ),
        Fix::Comment(text) => {
            let mut out = String::from("# ");
            // A comment must stay one line: a newline would start a command.
            out.extend(text.chars().map(|c| if c.is_control() { ' ' } else { c }));
            return out;
        }
        Fix::EnableDnsAttribute { vpc_id, attribute } => (
            ("modify-vpc-attribute", "Edit-EC2VpcAttribute"),
            alloc::vec![
                Arg("--vpc-id", "-VpcId", q(vpc_id)),
                match attribute {
                    DnsAttribute::Support => {
                        Arg("--enable-dns-support", "-EnableDnsSupport", TRUE_ATTRIBUTE)
                    }
                    DnsAttribute::Hostnames => {
                        Arg(
                            "--enable-dns-hostnames",
                            "-EnableDnsHostnames",
                            TRUE_ATTRIBUTE,
                        )
                    }
                },
            ],
        ),
        Fix::AuthorizeIngress443 { group_id, from } => (
            (
                "authorize-security-group-ingress",
                "Grant-EC2SecurityGroupIngress",
            ),
            alloc::vec![
                Arg("--group-id", "-GroupId", q(group_id)),
                Arg("--protocol", "", Val::Word("tcp")),
                Arg("--port", "", Val::Number(443)),
                match from {
                    RulePeer::Group(g) => Arg("--source-group", "", q(g)),
                    RulePeer::Cidr(c) => Arg("--cidr", "", q(c)),
                },
                Arg("", "-IpPermission", Val::Text(ps_permission_443(from))),
            ],
        ),
        Fix::AuthorizeEgress443 { group_id, to } => {
            let peer = match to {
                RulePeer::Group(g) => {
                    format!("UserIdGroupPairs=[{{GroupId={}}}]", shorthand(g, "<sg-id>"))
                }
                RulePeer::Cidr(c) if c.contains(':') => {
                    format!("Ipv6Ranges=[{{CidrIpv6={}}}]", shorthand(c, "<cidr>"))
                }
                RulePeer::Cidr(c) => format!("IpRanges=[{{CidrIp={}}}]", shorthand(c, "<cidr>")),
            };
            (
                (
                    "authorize-security-group-egress",
                    "Grant-EC2SecurityGroupEgress",
                ),
                alloc::vec![
                    Arg("--group-id", "-GroupId", q(group_id)),
                    Arg(
                        "--ip-permissions",
                        "",
                        Val::Quoted(
                            format!("IpProtocol=tcp,FromPort=443,ToPort=443,{peer}").into()
                        ),
                    ),
                    Arg("", "-IpPermission", Val::Text(ps_permission_443(to))),
                ],
            )
        }
        Fix::AllowAclEntry {
            acl_id,
            direction,
            rule_number,
            from_port,
            to_port,
            cidr,
        } => (
            ("create-network-acl-entry", "New-EC2NetworkAclEntry"),
            alloc::vec![
                Arg("--network-acl-id", "-NetworkAclId", q(acl_id)),
                match direction {
                    AclDirection::Ingress =>
                        Arg("--ingress", "-Egress", Val::Literal("", "$false")),
                    AclDirection::Egress => Arg("--egress", "-Egress", Val::Literal("", "$true")),
                },
                Arg("--rule-number", "-RuleNumber", Val::Number(*rule_number)),
                Arg("--protocol", "-Protocol", Val::Literal("tcp", "'6'")),
                Arg(
                    "--port-range",
                    "",
                    Val::Text(format!("From={from_port},To={to_port}"))
                ),
                Arg("", "-PortRange_From", Val::Number(u32::from(*from_port))),
                Arg("", "-PortRange_To", Val::Number(u32::from(*to_port))),
                if cidr.contains(':') {
                    Arg("--ipv6-cidr-block", "-Ipv6CidrBlock", q(cidr))
                } else {
                    Arg("--cidr-block", "-CidrBlock", q(cidr))
                },
                Arg("--rule-action", "-RuleAction", Val::Word("allow")),
            ],
        ),
        Fix::Route {
            route_table_id,
            destination,
            to,
            replace,
        } => (
            if *replace {
                ("replace-route", "Set-EC2Route")
            } else {
                ("create-route", "New-EC2Route")
            },
            alloc::vec![
                Arg("--route-table-id", "-RouteTableId", q(route_table_id)),
                if destination.starts_with("pl-") {
                    Arg(
                        "--destination-prefix-list-id",
                        "-DestinationPrefixListId",
                        q(destination),
                    )
                } else if destination.contains(':') {
                    Arg(
                        "--destination-ipv6-cidr-block",
                        "-DestinationIpv6CidrBlock",
                        q(destination),
                    )
                } else {
                    Arg(
                        "--destination-cidr-block",
                        "-DestinationCidrBlock",
                        q(destination),
                    )
                },
                match to {
                    RouteTo::NatGateway(id) => Arg("--nat-gateway-id", "-NatGatewayId", q(id)),
                    RouteTo::InternetGateway(id) | RouteTo::VirtualPrivateGateway(id) => {
                        Arg("--gateway-id", "-GatewayId", q(id))
                    }
                    RouteTo::TransitGateway(id) => {
                        Arg("--transit-gateway-id", "-TransitGatewayId", q(id))
                    }
                    RouteTo::PeeringConnection(id) => Arg(
                        "--vpc-peering-connection-id",
                        "-VpcPeeringConnectionId",
                        q(id),
                    ),
                    RouteTo::NetworkInterface(id) => {
                        Arg("--network-interface-id", "-NetworkInterfaceId", q(id))
                    }
                    RouteTo::GatewayLoadBalancerEndpoint(id) => {
                        Arg("--vpc-endpoint-id", "-VpcEndpointId", q(id))
                    }
                },
            ],
        ),
        Fix::AssociateRouteTable {
            route_table_id,
            subnet_id,
        } => (
            ("associate-route-table", "Register-EC2RouteTable"),
            alloc::vec![
                Arg("--route-table-id", "-RouteTableId", q(route_table_id)),
                Arg("--subnet-id", "-SubnetId", q(subnet_id)),
            ],
        ),
        Fix::EnableEndpointPrivateDns { endpoint_id } => (
            MODIFY_ENDPOINT,
            alloc::vec![
                Arg("--vpc-endpoint-id", "-VpcEndpointId", q(endpoint_id)),
                Arg("--private-dns-enabled", "-PrivateDnsEnabled", ON),
            ],
        ),
        Fix::AddEndpointRouteTable {
            endpoint_id,
            route_table_id,
        } => (
            MODIFY_ENDPOINT,
            alloc::vec![
                Arg("--vpc-endpoint-id", "-VpcEndpointId", q(endpoint_id)),
                Arg(
                    "--add-route-table-ids",
                    "-AddRouteTableId",
                    Val::List(core::slice::from_ref(route_table_id), ""),
                ),
            ],
        ),
        Fix::AddEndpointSecurityGroup {
            endpoint_id,
            group_id,
        } => (
            MODIFY_ENDPOINT,
            alloc::vec![
                Arg("--vpc-endpoint-id", "-VpcEndpointId", q(endpoint_id)),
                Arg(
                    "--add-security-group-ids",
                    "-AddSecurityGroupId",
                    Val::List(core::slice::from_ref(group_id), ""),
                ),
            ],
        ),
        Fix::AddEndpointSubnet {
            endpoint_id,
            subnet_id,
        } => (
            MODIFY_ENDPOINT,
            alloc::vec![
                Arg("--vpc-endpoint-id", "-VpcEndpointId", q(endpoint_id)),
                Arg(
                    "--add-subnet-ids",
                    "-AddSubnetId",
                    Val::List(core::slice::from_ref(subnet_id), ""),
                ),
            ],
        ),
        Fix::EndpointDualstack { endpoint_id } => (
            MODIFY_ENDPOINT,
            alloc::vec![
                Arg("--vpc-endpoint-id", "-VpcEndpointId", q(endpoint_id)),
                Arg(
                    "--ip-address-type",
                    "-IpAddressType",
                    Val::Word("dualstack")
                ),
            ],
        ),
        Fix::AttachInternetGateway { igw_id, vpc_id } => (
            ("attach-internet-gateway", "Add-EC2InternetGateway"),
            alloc::vec![
                Arg("--internet-gateway-id", "-InternetGatewayId", q(igw_id)),
                Arg("--vpc-id", "-VpcId", q(vpc_id)),
            ],
        ),
        Fix::CreateBpaExclusion { subnet_id, mode } => (
            (
                "create-vpc-block-public-access-exclusion",
                "New-EC2VpcBlockPublicAccessExclusion",
            ),
            alloc::vec![
                Arg("--subnet-id", "-SubnetId", q(subnet_id)),
                Arg(
                    "--internet-gateway-exclusion-mode",
                    "-InternetGatewayExclusionMode",
                    Val::Word(match mode {
                        BpaExclusionFix::AllowEgress => "allow-egress",
                        BpaExclusionFix::AllowBidirectional => "allow-bidirectional",
                    }),
                ),
            ],
        ),
        Fix::EnableRoutePropagation {
            route_table_id,
            gateway_id,
        } => (
            (
                "enable-vgw-route-propagation",
                "Enable-EC2VgwRoutePropagation",
            ),
            alloc::vec![
                Arg("--route-table-id", "-RouteTableId", q(route_table_id)),
                Arg("--gateway-id", "-GatewayId", q(gateway_id)),
            ],
        ),
        Fix::EndpointPolicy {
            endpoint_id,
            document,
        } => (
            MODIFY_ENDPOINT,
            alloc::vec![
                Arg("--vpc-endpoint-id", "-VpcEndpointId", q(endpoint_id)),
                Arg("--policy-document", "-PolicyDocument", q(document)),
            ],
        ),
        Fix::EndpointDnsRecordType {
            endpoint_id,
            record_type,
        } => (
            MODIFY_ENDPOINT,
            alloc::vec![
                Arg("--vpc-endpoint-id", "-VpcEndpointId", q(endpoint_id)),
                Arg(
                    "--dns-options",
                    "",
                    Val::Text(format!("DnsRecordIpType={record_type}"))
                ),
                Arg("", "-DnsOptions_DnsRecordIpType", Val::Word(record_type)),
            ],
        ),
        Fix::CreatePublicNatGateway => (
            ("create-nat-gateway", "New-EC2NatGateway"),
            alloc::vec![
                Arg(
                    "--connectivity-type",
                    "-ConnectivityType",
                    Val::Word("public")
                ),
                Arg("--subnet-id", "-SubnetId", q("<public-subnet-id>")),
                Arg("--allocation-id", "-AllocationId", q("<eipalloc-id>")),
            ],
        ),
    };
    render(format, region, verbs, &args)
}

const MODIFY_ENDPOINT: (&str, &str) = ("modify-vpc-endpoint", "Edit-EC2VpcEndpoint");

/// A creating command whose new id later steps use: `VAR=$(… --query Q
/// --output text)` in a POSIX shell, `$VAR = (…)SUFFIX` in PowerShell.
fn capture(format: Shell, var: &str, command: &str, query: &str, ps_suffix: &str) -> String {
    match format {
        Shell::AwsCli => format!("{var}=$({command} --query {query} --output text)"),
        Shell::PowerShell => format!("${var} = ({command}){ps_suffix}"),
    }
}

/// `'{"Value":true}'` for the AWS CLI, `$true` in PowerShell.
const TRUE_ATTRIBUTE: Val<'static> = Val::Literal("'{\"Value\":true}'", "$true");

/// PowerShell's `-IpPermission` hashtable for TCP 443 to or from `peer`.
fn ps_permission_443(peer: &RulePeer) -> String {
    let peer = match peer {
        RulePeer::Group(g) => format!(
            "UserIdGroupPairs=(New-Object Amazon.EC2.Model.UserIdGroupPair -Property @{{GroupId={}}})",
            ps_quote(g)
        ),
        RulePeer::Cidr(c) if c.contains(':') => format!(
            "Ipv6Ranges=(New-Object Amazon.EC2.Model.Ipv6Range -Property @{{CidrIpv6={}}})",
            ps_quote(c)
        ),
        RulePeer::Cidr(c) => format!(
            "Ipv4Ranges=(New-Object Amazon.EC2.Model.IpRange -Property @{{CidrIp={}}})",
            ps_quote(c)
        ),
    };
    format!("@{{IpProtocol='tcp'; FromPort=443; ToPort=443; {peer}}}")
}

// ---------------------------------------------------------------------------
// Collecting the validator's input.
// ---------------------------------------------------------------------------

/// The VPC id the collect commands show when none is given.
pub const EXAMPLE_VPC_ID: &str = "vpc-0123456789abcdef0";

/// Whether `s` is a VPC id: `vpc-` then 8 or 17 lowercase hexadecimal
/// digits (so it can go into a shell command unquoted).
pub fn is_vpc_id(s: &str) -> bool {
    s.strip_prefix("vpc-").is_some_and(|hex| {
        matches!(hex.len(), 8 | 17) && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

/// A VPC id that [`is_vpc_id`] rejects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAVpcId;

impl core::fmt::Display for NotAVpcId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "A VPC ID is vpc- followed by 8 or 17 hexadecimal digits, e.g. {EXAMPLE_VPC_ID}."
        )
    }
}

impl core::error::Error for NotAVpcId {}

/// Whether `s` is a managed prefix list id: `pl-` then 8 (AWS-managed
/// lists) or 17 lowercase hexadecimal digits (so it can go into a shell
/// command, and into a JMESPath literal, unquoted).
pub fn is_prefix_list_id(s: &str) -> bool {
    s.strip_prefix("pl-").is_some_and(|hex| {
        matches!(hex.len(), 8 | 17) && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

/// The `get-managed-prefix-list-entries` command for the list whose id is
/// the shell word `id` (an id, or `"$PL"` in the collect loop), with a
/// JMESPath query that writes `in_query` (the same id, as it may appear in
/// a double-quoted word) into the file: the command alone prints only
/// `{"Entries": […]}`, which does not say which list it is.
fn entries_command(region: &Region, id: &str, in_query: &str, file: &str) -> String {
    format!(
        "aws ec2 get-managed-prefix-list-entries --region {} --prefix-list-id {id} --query \"{{PrefixListId: '{in_query}', Entries: Entries}}\" --output json > {file}",
        shell_quote(region.name())
    )
}

/// The command that writes the entries of the managed prefix list `id` in
/// `region` into `prefix-list-<id>.json`, as the validator reads them (the
/// fix of a finding that lacks a list's entries). An `id` that
/// [`is_prefix_list_id`] rejects (it came from pasted JSON) is printed as
/// the placeholder `pl-<id>`, never as given.
pub fn prefix_list_entries_command(id: &str, region: &Region) -> String {
    if is_prefix_list_id(id) {
        entries_command(region, id, id, &format!("prefix-list-{id}.json"))
    } else {
        entries_command(region, "'pl-<id>'", "pl-<id>", "'prefix-list-pl-<id>.json'")
    }
}

/// The lines of the collect script that write the document(s) of one of
/// [`vpc::input::KNOWN_KEYS`](crate::vpc::input::KNOWN_KEYS) (`$VPC` is
/// the VPC id): empty for a key another key's lines already write, `None`
/// for a key this function does not know.
fn collect_lines(key: &str, region: &Region) -> Option<String> {
    const BY_VPC: &str = r#"--filters "Name=vpc-id,Values=$VPC""#;
    let r = shell_quote(region.name());
    let (command, args, file) = match key {
        "Vpcs" => ("describe-vpcs", r#"--vpc-ids "$VPC""#, "vpcs"),
        "EnableDnsSupport" => (
            "describe-vpc-attribute --attribute enableDnsSupport",
            r#"--vpc-id "$VPC""#,
            "dns-support",
        ),
        "EnableDnsHostnames" => (
            "describe-vpc-attribute --attribute enableDnsHostnames",
            r#"--vpc-id "$VPC""#,
            "dns-hostnames",
        ),
        "Subnets" => ("describe-subnets", BY_VPC, "subnets"),
        "RouteTables" => ("describe-route-tables", BY_VPC, "route-tables"),
        "VpcEndpoints" => ("describe-vpc-endpoints", BY_VPC, "vpc-endpoints"),
        "SecurityGroups" => ("describe-security-groups", BY_VPC, "security-groups"),
        "NetworkAcls" => ("describe-network-acls", BY_VPC, "network-acls"),
        // describe-nat-gateways spells it --filter.
        "NatGateways" => (
            "describe-nat-gateways",
            r#"--filter "Name=vpc-id,Values=$VPC""#,
            "nat-gateways",
        ),
        "InternetGateways" => (
            "describe-internet-gateways",
            r#"--filters "Name=attachment.vpc-id,Values=$VPC""#,
            "internet-gateways",
        ),
        // A VPC without an option set says `default` (AmazonProvidedDNS):
        // there is no document, and describe-dhcp-options would fail on it.
        "DhcpOptions" => {
            return Some(format!(
                r#"DOPT=$(aws ec2 describe-vpcs --region {r} --vpc-ids "$VPC" --query 'Vpcs[0].DhcpOptionsId' --output text)
if [ "$DOPT" != default ]; then aws ec2 describe-dhcp-options --region {r} --dhcp-options-ids "$DOPT" --output json > dhcp-options.json; fi"#
            ));
        }
        // Every list the account sees, AWS-managed ones included: routes
        // and security groups may name any of them.
        "PrefixLists" => ("describe-managed-prefix-lists", "", "managed-prefix-lists"),
        "Entries" => {
            return Some(format!(
                "# get-managed-prefix-list-entries does not say which list it printed: the query writes the list's id into each file.\nfor PL in $(aws ec2 describe-managed-prefix-lists --region {r} --query 'PrefixLists[].PrefixListId' --output text); do\n  {}\ndone",
                entries_command(region, "\"$PL\"", "$PL", "\"prefix-list-$PL.json\"")
            ));
        }
        // No filter exists by VPC: the exclusions of the whole region.
        "VpcBlockPublicAccessOptions" => (
            "describe-vpc-block-public-access-options",
            "",
            "vpc-block-public-access-options",
        ),
        "VpcBlockPublicAccessExclusions" => (
            "describe-vpc-block-public-access-exclusions",
            "",
            "vpc-block-public-access-exclusions",
        ),
        // A comment: fetching it needs internet access, not credentials,
        // and it is the same file for every VPC.
        "prefixes" => {
            return Some(format!(
                "# Optional, to decide which routes capture AWS's public addresses: {}",
                crate::vpc::input::IP_RANGES_DOWNLOAD
            ));
        }
        "ipv6_prefixes" => return Some(String::new()),
        _ => return None,
    };
    let args = if args.is_empty() {
        String::new()
    } else {
        format!(" {args}")
    };
    Some(format!(
        "aws ec2 {command} --region {r}{args} --output json > {file}.json"
    ))
}

/// The AWS CLI commands, as one POSIX shell script, that write every
/// document the validator reads (each of
/// [`vpc::input::KNOWN_KEYS`](crate::vpc::input::KNOWN_KEYS)) for one VPC
/// in `region`, one JSON file each, every command with `--region` (AWS CLI
/// v1 ignores `AWS_REGION`). The VPC id must pass [`is_vpc_id`].
pub fn collect_commands(vpc_id: &str, region: &Region) -> Result<String, NotAVpcId> {
    if !is_vpc_id(vpc_id) {
        return Err(NotAVpcId);
    }
    let mut out = format!(
        "# Run in a shell with AWS credentials for the account (read-only: ec2:Describe* and ec2:GetManagedPrefixListEntries).\nVPC={vpc_id}\n"
    );
    for (key, command) in crate::vpc::input::KNOWN_KEYS {
        match collect_lines(key, region) {
            Some(lines) if lines.is_empty() => {}
            Some(lines) => {
                let _ = writeln!(out, "{lines}");
            }
            // A document this function does not know how to filter yet.
            None => {
                let _ = writeln!(
                    out,
                    "# and: {command} --region {} --output json (for {key})",
                    shell_quote(region.name())
                );
            }
        }
    }
    out.push_str("# Then drop the *.json files on the page, or run: netready validate *.json");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::service_by_id;

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("vpc-0abc"), "vpc-0abc");
        assert_eq!(shell_quote("<vpc-id>"), "'<vpc-id>'");
        assert_eq!(shell_quote("a'b; rm -rf /"), "'a'\\''b; rm -rf /'");
        assert_eq!(ps_quote("a'b"), "'a''b'");
    }

    #[test]
    fn endpoint_commands() {
        let r = Region::parse("eu-west-1").unwrap();
        let at = EndpointPlacement {
            vpc_id: Some("vpc-1".into()),
            subnet_ids: alloc::vec!["subnet-a".into(), "subnet-b".into()],
            security_group_ids: alloc::vec!["sg-1".into()],
            route_table_ids: alloc::vec!["rtb-1".into()],
        };
        let logs = service_by_id("logs").unwrap();
        assert_eq!(
            create_endpoint(FixFormat::AwsCli, logs, &r, &at),
            "aws ec2 create-vpc-endpoint --region eu-west-1 --vpc-id vpc-1 --vpc-endpoint-type Interface --service-name com.amazonaws.eu-west-1.logs --subnet-ids subnet-a subnet-b --security-group-ids sg-1 --private-dns-enabled"
        );
        let s3 = service_by_id("s3").unwrap();
        assert_eq!(
            create_endpoint(FixFormat::PowerShell, s3, &r, &at),
            "New-EC2VpcEndpoint -Region 'eu-west-1' -VpcId 'vpc-1' -VpcEndpointType 'Gateway' -ServiceName 'com.amazonaws.eu-west-1.s3' -RouteTableId @('rtb-1')"
        );
        let mp = service_by_id("management-plane").unwrap();
        assert!(
            create_endpoint(FixFormat::AwsCli, mp, &r, &at).ends_with("--service-region us-east-1")
        );
        let use1 = Region::parse("us-east-1").unwrap();
        assert!(!create_endpoint(FixFormat::AwsCli, mp, &use1, &at).contains("--service-region"));
        let iam = service_by_id("iam").unwrap();
        assert!(create_endpoint(FixFormat::AwsCli, iam, &r, &at).starts_with("# IAM"));
    }
}

#[cfg(test)]
mod fix_tests {
    use super::*;
    use alloc::string::ToString;

    fn r() -> Region {
        Region::parse("eu-west-1").unwrap()
    }

    #[test]
    fn fixes_quote_hostile_ids() {
        let evil = "sg-1'; rm -rf / #".to_string();
        let f = Fix::AuthorizeIngress443 {
            group_id: evil.clone(),
            from: RulePeer::Group("sg-2".into()),
        };
        let cli = fix_command(FixFormat::AwsCli, &r(), &f);
        assert!(cli.contains("'sg-1'\\''; rm -rf / #'"), "{cli}");
        let ps = fix_command(FixFormat::PowerShell, &r(), &f);
        assert!(ps.contains("'sg-1''; rm -rf / #'"), "{ps}");
        let f = Fix::AuthorizeEgress443 {
            group_id: "sg-1".into(),
            to: RulePeer::Group(evil),
        };
        let cli = fix_command(FixFormat::AwsCli, &r(), &f);
        assert!(cli.contains("GroupId=<sg-id>"), "{cli}");
        let c = fix_command(FixFormat::AwsCli, &r(), &Fix::Comment("a\nrm -rf /".into()));
        assert!(!c.contains('\n'));
    }

    #[test]
    fn fix_forms() {
        let f = Fix::EnableDnsAttribute {
            vpc_id: "vpc-1".into(),
            attribute: DnsAttribute::Hostnames,
        };
        assert_eq!(
            fix_command(FixFormat::AwsCli, &r(), &f),
            "aws ec2 modify-vpc-attribute --region eu-west-1 --vpc-id vpc-1 --enable-dns-hostnames '{\"Value\":true}'"
        );
        assert_eq!(
            fix_command(FixFormat::PowerShell, &r(), &f),
            "Edit-EC2VpcAttribute -Region 'eu-west-1' -VpcId 'vpc-1' -EnableDnsHostnames $true"
        );
        let f = Fix::AllowAclEntry {
            acl_id: "acl-1".into(),
            direction: AclDirection::Ingress,
            rule_number: 99,
            from_port: 1024,
            to_port: 65535,
            cidr: "0.0.0.0/0".into(),
        };
        assert_eq!(
            fix_command(FixFormat::AwsCli, &r(), &f),
            "aws ec2 create-network-acl-entry --region eu-west-1 --network-acl-id acl-1 --ingress --rule-number 99 --protocol tcp --port-range From=1024,To=65535 --cidr-block 0.0.0.0/0 --rule-action allow"
        );
        let f = Fix::Route {
            route_table_id: "rtb-1".into(),
            destination: "0.0.0.0/0".into(),
            to: RouteTo::NatGateway("nat-1".into()),
            replace: true,
        };
        assert_eq!(
            fix_command(FixFormat::AwsCli, &r(), &f),
            "aws ec2 replace-route --region eu-west-1 --route-table-id rtb-1 --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-1"
        );
        assert_eq!(
            fix_command(FixFormat::PowerShell, &r(), &f),
            "Set-EC2Route -Region 'eu-west-1' -RouteTableId 'rtb-1' -DestinationCidrBlock '0.0.0.0/0' -NatGatewayId 'nat-1'"
        );
        let f = Fix::AuthorizeEgress443 {
            group_id: "sg-1".into(),
            to: RulePeer::Cidr("0.0.0.0/0".into()),
        };
        assert_eq!(
            fix_command(FixFormat::AwsCli, &r(), &f),
            "aws ec2 authorize-security-group-egress --region eu-west-1 --group-id sg-1 --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=0.0.0.0/0}]'"
        );
    }

    #[test]
    fn collect_commands_cover_every_known_document() {
        let r = Region::parse("eu-west-1").unwrap();
        let script = collect_commands("vpc-0123456789abcdef0", &r).unwrap();
        assert!(script.contains("VPC=vpc-0123456789abcdef0\n"));
        assert!(!script.contains("AWS_REGION"), "{script}");
        for (key, command) in crate::vpc::input::KNOWN_KEYS {
            assert!(collect_lines(key, &r).is_some(), "{key} has collect lines");
            assert!(script.contains(command), "{command}");
        }
        // Every command names the region (AWS CLI v1 ignores AWS_REGION),
        // the nested ones too.
        for line in script.lines().filter(|l| !l.starts_with('#')) {
            for command in line.split("aws ec2 ").skip(1) {
                assert!(command.contains(" --region eu-west-1 "), "{command}");
            }
        }
        assert_eq!(script.matches("aws ec2 ").count(), 17, "{script}");
        assert!(script.contains(
            "aws ec2 describe-nat-gateways --region eu-west-1 --filter \"Name=vpc-id,Values=$VPC\" --output json > nat-gateways.json"
        ));
        assert!(script.contains(
            "aws ec2 describe-vpc-attribute --attribute enableDnsSupport --region eu-west-1 --vpc-id \"$VPC\""
        ));
        assert!(script.contains(
            "aws ec2 describe-managed-prefix-lists --region eu-west-1 --output json > managed-prefix-lists.json\n"
        ));
        assert!(script.contains(
            "for PL in $(aws ec2 describe-managed-prefix-lists --region eu-west-1 --query 'PrefixLists[].PrefixListId' --output text); do\n  aws ec2 get-managed-prefix-list-entries --region eu-west-1 --prefix-list-id \"$PL\" --query \"{PrefixListId: '$PL', Entries: Entries}\" --output json > \"prefix-list-$PL.json\"\ndone\n"
        ), "{script}");
        assert!(script.contains(
            "aws ec2 describe-vpc-block-public-access-options --region eu-west-1 --output json > vpc-block-public-access-options.json\n"
        ));
        assert!(script.contains(
            "aws ec2 describe-vpc-block-public-access-exclusions --region eu-west-1 --output json > vpc-block-public-access-exclusions.json\n"
        ));
        // ip-ranges.json: named once, as a comment (no credentials, no VPC).
        assert_eq!(script.matches("ip-ranges.json").count(), 1, "{script}");
        assert!(script.contains(
            "# Optional, to decide which routes capture AWS's public addresses: curl -fsSLO https://ip-ranges.amazonaws.com/ip-ranges.json\n"
        ));
        for bad in [
            "",
            "vpc-1; rm -rf ~",
            "vpc-0123456",
            "vpc-0123456789ABCDEF0",
            "subnet-01234567",
            "vpc-01234567 ",
        ] {
            assert_eq!(collect_commands(bad, &r), Err(NotAVpcId), "{bad:?}");
        }
        assert!(is_vpc_id("vpc-01234567"));
    }

    #[test]
    fn prefix_list_entries_command_names_its_list() {
        let r = Region::parse("eu-west-1").unwrap();
        assert_eq!(
            prefix_list_entries_command("pl-6da54004", &r),
            "aws ec2 get-managed-prefix-list-entries --region eu-west-1 --prefix-list-id pl-6da54004 --query \"{PrefixListId: 'pl-6da54004', Entries: Entries}\" --output json > prefix-list-pl-6da54004.json"
        );
        assert!(
            prefix_list_entries_command("pl-0123456789abcdef0", &r)
                .contains("'pl-0123456789abcdef0'")
        );
        for hostile in [
            "pl-1'; rm -rf ~",
            "pl-$(id)",
            "pl-6DA54004",
            "pl-6da5400",
            "sg-6da54004",
        ] {
            let c = prefix_list_entries_command(hostile, &r);
            assert_eq!(
                c,
                "aws ec2 get-managed-prefix-list-entries --region eu-west-1 --prefix-list-id 'pl-<id>' --query \"{PrefixListId: 'pl-<id>', Entries: Entries}\" --output json > 'prefix-list-pl-<id>.json'",
                "{hostile}"
            );
        }
    }
}
