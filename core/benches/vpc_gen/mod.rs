//! The generated VPC of the validator's benches: one merged describe-*
//! document shaped like AWS CLI v2 output, deterministic.

use serde_json::{Value, json};

/// The generated VPC's size.
pub(crate) struct Size {
    pub(crate) subnets: usize,
    pub(crate) route_tables: usize,
    pub(crate) endpoints: usize,
    pub(crate) security_groups: usize,
    pub(crate) acls: usize,
}

pub(crate) const FULL: Size = Size {
    subnets: 1000,
    route_tables: 200,
    endpoints: 60,
    security_groups: 500,
    acls: 100,
};

/// The S3 gateway endpoint's id: apart from the interface endpoints'
/// (`vpce-` and their number), which once included it (number 15), and
/// the reader refuses one id for two different endpoints.
const GATEWAY_ENDPOINT: &str = "vpce-0ffffffffffffffff";

const INTERFACE: &[&str] = &[
    "secretsmanager",
    "logs",
    "ecr.api",
    "ecr.dkr",
    "ec2",
    "ssm",
    "sts",
    "cloudformation",
    "ecs",
    "ecs-agent",
    "ecs-telemetry",
    "ssmmessages",
    "ec2messages",
    "elasticloadbalancing",
    "acm",
];

/// One merged describe-* document with realistic shapes (tags, owner ids,
/// association sets) so parsing pays what it pays on real output.
pub(crate) fn generate(n: &Size) -> String {
    let vpc = "vpc-0123456789abcdef0";
    let owner = "123456789012";
    let az = |i: usize| format!("eu-west-1{}", ["a", "b", "c"][i % 3]);
    let subnet_id = |i: usize| format!("subnet-{i:017x}");
    let subnets: Vec<Value> = (0..n.subnets)
        .map(|i| {
            json!({
                "AvailabilityZone": az(i), "AvailabilityZoneId": format!("euw1-az{}", i % 3 + 1),
                "AvailableIpAddressCount": 250, "CidrBlock": format!("10.{}.{}.0/24", i / 256, i % 256),
                "DefaultForAz": false, "MapPublicIpOnLaunch": i < 3, "State": "available",
                "SubnetId": subnet_id(i), "VpcId": vpc, "OwnerId": owner,
                "AssignIpv6AddressOnCreation": false, "Ipv6CidrBlockAssociationSet": [],
                "Tags": [{"Key": "Name", "Value": format!("subnet-{i}")}, {"Key": "team", "Value": "platform"}],
                "SubnetArn": format!("arn:aws:ec2:eu-west-1:{owner}:subnet/{}", subnet_id(i)),
                "EnableDns64": false, "Ipv6Native": false
            })
        })
        .collect();
    let sg_id = |i: usize| format!("sg-{i:017x}");
    let security_groups: Vec<Value> = (0..n.security_groups)
        .map(|i| {
            json!({
                "Description": "generated", "GroupName": if i == 0 { "default".to_owned() } else { format!("g{i}") },
                "GroupId": sg_id(i), "OwnerId": owner, "VpcId": vpc, "Tags": [],
                "IpPermissions": [
                    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
                     "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []},
                    {"IpProtocol": "-1", "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [],
                     "UserIdGroupPairs": [{"GroupId": sg_id((i + 1) % n.security_groups), "UserId": owner}]},
                    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "192.168.0.0/16"}],
                     "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}
                ],
                "IpPermissionsEgress": [
                    {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [],
                     "PrefixListIds": [], "UserIdGroupPairs": []}
                ]
            })
        })
        .collect();
    let rtb_id = |i: usize| format!("rtb-{i:017x}");
    let route_tables: Vec<Value> = (0..n.route_tables)
        .map(|i| {
            let mut assocs = vec![];
            if i == 0 {
                assocs.push(json!({"Main": true, "RouteTableId": rtb_id(0), "RouteTableAssociationId": "rtbassoc-0",
                                   "AssociationState": {"State": "associated"}}));
            }
            for s in (0..n.subnets).filter(|s| s % n.route_tables == i) {
                assocs.push(json!({"Main": false, "RouteTableId": rtb_id(i), "SubnetId": subnet_id(s),
                                   "RouteTableAssociationId": format!("rtbassoc-{s:x}"),
                                   "AssociationState": {"State": "associated"}}));
            }
            let default = if i == 0 {
                json!({"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-0123456789abcdef0", "Origin": "CreateRoute", "State": "active"})
            } else if i % 10 == 0 {
                json!({"DestinationCidrBlock": "0.0.0.0/0", "TransitGatewayId": "tgw-0123456789abcdef0", "Origin": "CreateRoute", "State": "active"})
            } else {
                json!({"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": format!("nat-{:017x}", i % 3), "Origin": "CreateRoute", "State": "active"})
            };
            json!({
                "Associations": assocs, "PropagatingVgws": [], "RouteTableId": rtb_id(i), "VpcId": vpc, "OwnerId": owner,
                "Tags": [{"Key": "Name", "Value": format!("rt-{i}")}],
                "Routes": [
                    {"DestinationCidrBlock": "10.0.0.0/8", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
                    default,
                    {"DestinationPrefixListId": "pl-6da54004", "GatewayId": GATEWAY_ENDPOINT, "Origin": "CreateRoute", "State": "active"},
                    {"DestinationCidrBlock": "172.16.0.0/12", "VpcPeeringConnectionId": "pcx-0123456789abcdef0", "Origin": "CreateRoute", "State": "active"}
                ]
            })
        })
        .collect();
    let mut endpoints: Vec<Value> = vec![json!({
        "VpcEndpointId": GATEWAY_ENDPOINT, "VpcEndpointType": "Gateway", "VpcId": vpc,
        "ServiceName": "com.amazonaws.eu-west-1.s3", "State": "available",
        "RouteTableIds": (0..n.route_tables).map(rtb_id).collect::<Vec<_>>(), "SubnetIds": [], "Groups": [],
        "PrivateDnsEnabled": false, "OwnerId": owner
    })];
    for e in 1..n.endpoints {
        let service = INTERFACE[e % INTERFACE.len()];
        endpoints.push(json!({
            "VpcEndpointId": format!("vpce-{e:017x}"), "VpcEndpointType": "Interface", "VpcId": vpc,
            "ServiceName": format!("com.amazonaws.eu-west-1.{service}"), "State": "available",
            "RouteTableIds": [], "SubnetIds": [subnet_id(e % n.subnets), subnet_id((e + 1) % n.subnets), subnet_id((e + 2) % n.subnets)],
            "Groups": [{"GroupId": sg_id(e % n.security_groups), "GroupName": "endpoints"}],
            "IpAddressType": "ipv4", "DnsOptions": {"DnsRecordIpType": "ipv4"},
            "PrivateDnsEnabled": e < INTERFACE.len() * 2, "RequesterManaged": false,
            "NetworkInterfaceIds": ["eni-0", "eni-1", "eni-2"], "DnsEntries": [], "Tags": [], "OwnerId": owner
        }));
    }
    let acls: Vec<Value> = (0..n.acls)
        .map(|i| {
            let mut entries = vec![];
            for k in 0..4u32 {
                entries.push(json!({"CidrBlock": format!("192.168.{k}.0/24"), "Egress": false, "Protocol": "6",
                                    "RuleAction": "deny", "RuleNumber": 10 + k, "PortRange": {"From": 22, "To": 22}}));
            }
            for egress in [true, false] {
                entries.push(json!({"CidrBlock": "0.0.0.0/0", "Egress": egress, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100}));
                entries.push(json!({"CidrBlock": "0.0.0.0/0", "Egress": egress, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767}));
            }
            json!({
                "Associations": (0..n.subnets).filter(|s| s % n.acls == i)
                    .map(|s| json!({"NetworkAclAssociationId": format!("aclassoc-{s:x}"), "NetworkAclId": format!("acl-{i:017x}"), "SubnetId": subnet_id(s)}))
                    .collect::<Vec<_>>(),
                "Entries": entries, "IsDefault": i == 0, "NetworkAclId": format!("acl-{i:017x}"), "VpcId": vpc, "OwnerId": owner, "Tags": []
            })
        })
        .collect();
    let nats: Vec<Value> = (0..3)
        .map(|i| {
            json!({"NatGatewayId": format!("nat-{i:017x}"), "State": "available", "SubnetId": subnet_id(i), "VpcId": vpc,
                   "ConnectivityType": "public", "NatGatewayAddresses": [{"PublicIp": "203.0.113.1", "PrivateIp": "10.0.0.5"}]})
        })
        .collect();
    json!({
        "Vpcs": [{"VpcId": vpc, "CidrBlock": "10.0.0.0/8", "DhcpOptionsId": "dopt-0", "OwnerId": owner, "State": "available"}],
        "VpcId": vpc, "EnableDnsSupport": {"Value": true}, "EnableDnsHostnames": {"Value": true},
        "Subnets": subnets, "RouteTables": route_tables, "VpcEndpoints": endpoints, "SecurityGroups": security_groups,
        "NetworkAcls": acls, "NatGateways": nats,
        "InternetGateways": [{"InternetGatewayId": "igw-0123456789abcdef0", "Attachments": [{"State": "available", "VpcId": vpc}]}],
        "DhcpOptions": [{"DhcpOptionsId": "dopt-0", "DhcpConfigurations": [{"Key": "domain-name-servers", "Values": [{"Value": "AmazonProvidedDNS"}]}]}]
    })
    .to_string()
}

/// `text` re-printed with a 4-space indent, as the AWS CLI prints JSON.
pub(crate) fn indent(text: &str) -> String {
    use serde::Serialize;
    let v: Value = serde_json::from_str(text).expect("generated JSON");
    let mut out = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    v.serialize(&mut ser).expect("prints");
    String::from_utf8(out).expect("serde_json prints UTF-8")
}
