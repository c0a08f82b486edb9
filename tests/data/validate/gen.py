#!/usr/bin/env python3
"""Generates the validator scenarios under tests/data/validate/ and the
bundled example examples/vpc-nat/.

Each scenario is a base VPC (a realistic NAT setup in eu-west-1, written as
the AWS CLI v2 prints describe-* output) plus one change. Run from the
repository root:  python3 tests/data/validate/gen.py
Then regenerate expected.json files with:
  NETREADY_BLESS=1 cargo test -p netready-integration-tests -- validate_scenarios
and review the diff: expected.json is the contract, not a snapshot to accept blindly.
"""
import json, os, zlib

ROOT = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(ROOT)))
ACCOUNT = "123456789012"
REGION = "eu-west-1"
VPC = "vpc-0a1b2c3d4e5f60001"
SUB = {  # name: (id, az, cidr)
    "public-a": ("subnet-0aaa000000000001", "eu-west-1a", "10.0.0.0/24"),
    "public-b": ("subnet-0bbb000000000002", "eu-west-1b", "10.0.1.0/24"),
    "private-a": ("subnet-0ccc000000000003", "eu-west-1a", "10.0.10.0/24"),
    "private-b": ("subnet-0ddd000000000004", "eu-west-1b", "10.0.11.0/24"),
}
IGW = "igw-0e1e1e1e1e1e1e1e1"
NAT = "nat-0f2f2f2f2f2f2f2f2"
RTB_MAIN = "rtb-0a0a0a0a0a0a0a0a0"
RTB_PUBLIC = "rtb-0b0b0b0b0b0b0b0b1"
RTB_PRIVATE = "rtb-0c0c0c0c0c0c0c0c2"
ACL = "acl-0d0d0d0d0d0d0d0d0"
SG_DEFAULT = "sg-0aa0aa0aa0aa0aa01"
SG_RUNNER = "sg-0bb0bb0bb0bb0bb02"
SG_ENDPOINTS = "sg-0cc0cc0cc0cc0cc03"
S3_GW = "vpce-0a53a53a53a53a53a"
S3_PL = "pl-6da54004"
DOPT = "dopt-0e0e0e0e0e0e0e0e0"


def tags(name):
    return [{"Key": "Name", "Value": name}]


def subnet(name):
    sid, az, cidr = SUB[name]
    return {
        "AvailabilityZone": az,
        "AvailabilityZoneId": "euw1-az" + ("1" if az.endswith("a") else "2"),
        "AvailableIpAddressCount": 248,
        "CidrBlock": cidr,
        "DefaultForAz": False,
        "MapPublicIpOnLaunch": name.startswith("public"),
        "MapCustomerOwnedIpOnLaunch": False,
        "State": "available",
        "SubnetId": sid,
        "VpcId": VPC,
        "OwnerId": ACCOUNT,
        "AssignIpv6AddressOnCreation": False,
        "Ipv6CidrBlockAssociationSet": [],
        "Tags": tags(name),
        "SubnetArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{sid}",
        "EnableDns64": False,
        "Ipv6Native": False,
        "PrivateDnsNameOptionsOnLaunch": {
            "HostnameType": "ip-name",
            "EnableResourceNameDnsARecord": False,
            "EnableResourceNameDnsAAAARecord": False,
        },
    }


def route_local():
    return {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"}


def assoc(rtb, n, subnet_id=None, main=False):
    a = {"Main": main, "RouteTableAssociationId": f"rtbassoc-0{n:016x}", "RouteTableId": rtb,
         "AssociationState": {"State": "associated"}}
    if subnet_id:
        a["SubnetId"] = subnet_id
    return a


def acl_entry(n, egress, action="allow", proto="-1", cidr="0.0.0.0/0", ports=None):
    e = {"CidrBlock": cidr, "Egress": egress, "Protocol": proto, "RuleAction": action, "RuleNumber": n}
    if ports:
        e["PortRange"] = {"From": ports[0], "To": ports[1]}
    return e


def sg(gid, name, ingress, egress, desc="managed by terraform"):
    return {"Description": desc, "GroupName": name, "IpPermissions": ingress, "OwnerId": ACCOUNT, "GroupId": gid,
            "IpPermissionsEgress": egress, "Tags": tags(name), "VpcId": VPC}


ALL_OUT = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [],
            "UserIdGroupPairs": []}]


def https_from_group(g):
    return {"FromPort": 443, "IpProtocol": "tcp", "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [], "ToPort": 443,
            "UserIdGroupPairs": [{"Description": "runner", "GroupId": g, "UserId": ACCOUNT}]}


def endpoint(vid, service, kind="Interface", subnets=None, groups=None, rtbs=None, private_dns=True, state="available"):
    e = {
        "VpcEndpointId": vid, "VpcEndpointType": kind, "VpcId": VPC,
        "ServiceName": f"com.amazonaws.{REGION}.{service}" if not service.startswith("com.") else service,
        "State": state,
        "PolicyDocument": "{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
        "RouteTableIds": rtbs or [], "SubnetIds": subnets or [],
        "Groups": [{"GroupId": g, "GroupName": "endpoints"} for g in (groups or [])],
        "IpAddressType": "ipv4", "DnsOptions": {"DnsRecordIpType": "ipv4"},
        "PrivateDnsEnabled": private_dns if kind == "Interface" else False,
        "RequesterManaged": False, "NetworkInterfaceIds": [f"eni-0{zlib.crc32((vid + s).encode()):08x}{zlib.crc32(s.encode()):08x}" for s in (subnets or [])],
        "DnsEntries": [], "CreationTimestamp": "2025-03-01T10:00:00+00:00", "Tags": [], "OwnerId": ACCOUNT,
    }
    return e


def base():
    d = {}
    d["describe-vpcs"] = {"Vpcs": [{
        "OwnerId": ACCOUNT, "InstanceTenancy": "default",
        "CidrBlockAssociationSet": [{"AssociationId": "vpc-cidr-assoc-0123456789abcdef0", "CidrBlock": "10.0.0.0/16",
                                     "CidrBlockState": {"State": "associated"}}],
        "IsDefault": False, "BlockPublicAccessStates": {"InternetGatewayBlockMode": "off"},
        "Tags": tags("runner-vpc"), "VpcId": VPC, "State": "available", "CidrBlock": "10.0.0.0/16",
        "DhcpOptionsId": DOPT}]}
    d["describe-vpc-attribute-dns-support"] = {"VpcId": VPC, "EnableDnsSupport": {"Value": True}}
    d["describe-vpc-attribute-dns-hostnames"] = {"VpcId": VPC, "EnableDnsHostnames": {"Value": True}}
    d["describe-subnets"] = {"Subnets": [subnet(n) for n in SUB]}
    d["describe-route-tables"] = {"RouteTables": [
        {"Associations": [assoc(RTB_MAIN, 1, main=True)], "PropagatingVgws": [], "RouteTableId": RTB_MAIN,
         "Routes": [route_local()], "Tags": tags("main"), "VpcId": VPC, "OwnerId": ACCOUNT},
        {"Associations": [assoc(RTB_PUBLIC, 2, SUB["public-a"][0]), assoc(RTB_PUBLIC, 3, SUB["public-b"][0])],
         "PropagatingVgws": [], "RouteTableId": RTB_PUBLIC,
         "Routes": [route_local(), {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": IGW, "Origin": "CreateRoute",
                                    "State": "active"}],
         "Tags": tags("public"), "VpcId": VPC, "OwnerId": ACCOUNT},
        {"Associations": [assoc(RTB_PRIVATE, 4, SUB["private-a"][0]), assoc(RTB_PRIVATE, 5, SUB["private-b"][0])],
         "PropagatingVgws": [], "RouteTableId": RTB_PRIVATE,
         "Routes": [route_local(),
                    {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": NAT, "Origin": "CreateRoute", "State": "active"},
                    {"DestinationPrefixListId": S3_PL, "GatewayId": S3_GW, "Origin": "CreateRoute", "State": "active"}],
         "Tags": tags("private"), "VpcId": VPC, "OwnerId": ACCOUNT},
    ]}
    d["describe-vpc-endpoints"] = {"VpcEndpoints": [endpoint(S3_GW, "s3", kind="Gateway", rtbs=[RTB_PRIVATE])]}
    d["describe-security-groups"] = {"SecurityGroups": [
        sg(SG_DEFAULT, "default", [{"IpProtocol": "-1", "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [],
                                    "UserIdGroupPairs": [{"GroupId": SG_DEFAULT, "UserId": ACCOUNT}]}], ALL_OUT,
           desc="default VPC security group"),
        sg(SG_RUNNER, "runner", [], ALL_OUT),
        sg(SG_ENDPOINTS, "endpoints", [https_from_group(SG_RUNNER)], ALL_OUT),
    ]}
    d["describe-network-acls"] = {"NetworkAcls": [{
        "Associations": [{"NetworkAclAssociationId": f"aclassoc-0{i:016x}", "NetworkAclId": ACL, "SubnetId": s[0]}
                         for i, s in enumerate(SUB.values())],
        "Entries": [acl_entry(100, True), acl_entry(32767, True, "deny"), acl_entry(100, False),
                    acl_entry(32767, False, "deny")],
        "IsDefault": True, "NetworkAclId": ACL, "Tags": [], "VpcId": VPC, "OwnerId": ACCOUNT}]}
    d["describe-nat-gateways"] = {"NatGateways": [{
        "CreateTime": "2025-03-01T10:00:00+00:00",
        "NatGatewayAddresses": [{"AllocationId": "eipalloc-0123456789abcdef0", "NetworkInterfaceId": "eni-0123456789abcdef0",
                                 "PrivateIp": "10.0.0.87", "PublicIp": "203.0.113.10", "AssociationId": "eipassoc-0123456789abcdef0",
                                 "IsPrimary": True, "Status": "succeeded"}],
        "NatGatewayId": NAT, "State": "available", "SubnetId": SUB["public-a"][0], "VpcId": VPC,
        "Tags": tags("nat-a"), "ConnectivityType": "public"}]}
    d["describe-internet-gateways"] = {"InternetGateways": [{
        "Attachments": [{"State": "available", "VpcId": VPC}], "InternetGatewayId": IGW, "OwnerId": ACCOUNT,
        "Tags": tags("igw")}]}
    d["describe-dhcp-options"] = {"DhcpOptions": [{
        "DhcpConfigurations": [{"Key": "domain-name", "Values": [{"Value": "eu-west-1.compute.internal"}]},
                               {"Key": "domain-name-servers", "Values": [{"Value": "AmazonProvidedDNS"}]}],
        "DhcpOptionsId": DOPT, "OwnerId": ACCOUNT, "Tags": []}]}
    return d


def rt(d, rid):
    return next(r for r in d["describe-route-tables"]["RouteTables"] if r["RouteTableId"] == rid)


def interface_endpoints(d, services, subnets=("private-a", "private-b"), groups=(SG_ENDPOINTS,), **kw):
    for i, s in enumerate(services):
        d["describe-vpc-endpoints"]["VpcEndpoints"].append(
            endpoint(f"vpce-0{zlib.crc32(s.encode()):08x}{i:08x}", s, subnets=[SUB[n][0] for n in subnets],
                     groups=list(groups), **kw))


RUNNER_IFACES = ["secretsmanager", "logs", "ecr.api", "ecr.dkr"]
PRIV_A = SUB["private-a"][0]
PUB_A = SUB["public-a"][0]


def no_nat(d):
    """Private route table without the NAT route: a VPC without egress."""
    r = rt(d, RTB_PRIVATE)
    r["Routes"] = [x for x in r["Routes"] if "NatGatewayId" not in x]


SCENARIOS = {}


def scenario(name, args, doc):
    def deco(f):
        SCENARIOS[name] = (args, doc, f)
        return f
    return deco


@scenario("nat-gateway", f"--subnet {PRIV_A}", "Access type nat_gateway: a private subnet routing 0.0.0.0/0 to an available public NAT gateway; S3 through the gateway endpoint.")
def _(d): pass


@scenario("internet-gateway", f"--subnet {PUB_A} --assign-public-ip true", "Access type internet_gateway: a public subnet and AssignPublicIp=true.")
def _(d): pass


@scenario("igw-without-public-ip", f"--subnet {PUB_A}", "igw-without-public-ip: a public subnet without a public IP has no connectivity at all.")
def _(d): pass


@scenario("vpc-endpoints", f"--subnet {PRIV_A} --security-group {SG_RUNNER}", "Access type vpc_endpoint: interface endpoints with private DNS, no NAT route; gateway_endpoint for S3.")
def _(d):
    no_nat(d)
    interface_endpoints(d, RUNNER_IFACES)


@scenario("endpoint-missing", f"--subnet {PRIV_A} --security-group {SG_RUNNER}", "endpoint-missing and no-default-route: no NAT route and only some interface endpoints.")
def _(d):
    no_nat(d)
    interface_endpoints(d, ["secretsmanager", "logs"])


@scenario("private-profile", f"--subnet {PRIV_A} --security-group {SG_RUNNER} --profile private", "The private profile: every endpoint of the stack, incl. the management plane cross-region and IAM (us-east-1 only).")
def _(d):
    no_nat(d)
    interface_endpoints(d, RUNNER_IFACES + ["ec2", "ssm", "sts", "ecs"])
    d["describe-vpc-endpoints"]["VpcEndpoints"].append(
        endpoint("vpce-0e9e9e9e9e9e9e9e9", "com.amazonaws.vpce.us-east-1.vpce-svc-08de744d433e60ff2",
                 subnets=[PRIV_A], groups=[SG_ENDPOINTS]))
    d["describe-vpc-endpoints"]["VpcEndpoints"][-1]["ServiceRegion"] = "us-east-1"


@scenario("dns-support-disabled", f"--subnet {PRIV_A}", "dns-support-disabled: nothing resolves.")
def _(d):
    d["describe-vpc-attribute-dns-support"]["EnableDnsSupport"]["Value"] = False


@scenario("dns-hostnames-disabled", f"--subnet {PRIV_A} --security-group {SG_RUNNER}", "dns-hostnames-disabled: private DNS of the interface endpoints does not work, and there is no NAT to fall back on.")
def _(d):
    no_nat(d)
    interface_endpoints(d, RUNNER_IFACES)
    d["describe-vpc-attribute-dns-hostnames"]["EnableDnsHostnames"]["Value"] = False


@scenario("endpoint-private-dns-disabled", f"--subnet {PRIV_A} --security-group {SG_RUNNER}", "endpoint-private-dns-disabled: the logs endpoint has private DNS off and there is no NAT.")
def _(d):
    no_nat(d)
    interface_endpoints(d, RUNNER_IFACES)
    next(e for e in d["describe-vpc-endpoints"]["VpcEndpoints"] if e["ServiceName"].endswith(".logs"))["PrivateDnsEnabled"] = False


@scenario("endpoint-not-available", f"--subnet {PRIV_A} --security-group {SG_RUNNER}", "endpoint-not-available: the ecr.api endpoint is still pending.")
def _(d):
    no_nat(d)
    interface_endpoints(d, RUNNER_IFACES)
    next(e for e in d["describe-vpc-endpoints"]["VpcEndpoints"] if e["ServiceName"].endswith(".ecr.api"))["State"] = "pending"


@scenario("endpoint-sg-ingress-443", f"--subnet {PRIV_A}", "endpoint-sg-ingress-443: the endpoints admit the runner group, but the task runs with the default group.")
def _(d):
    no_nat(d)
    interface_endpoints(d, RUNNER_IFACES)


@scenario("task-sg-egress-443", f"--subnet {PRIV_A} --security-group {SG_RUNNER}", "task-sg-egress-443: the runner group allows outbound 80 only.")
def _(d):
    g = next(g for g in d["describe-security-groups"]["SecurityGroups"] if g["GroupId"] == SG_RUNNER)
    g["IpPermissionsEgress"] = [{"FromPort": 80, "IpProtocol": "tcp", "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                                 "Ipv6Ranges": [], "PrefixListIds": [], "ToPort": 80, "UserIdGroupPairs": []}]


@scenario("nacl-blocks-443", f"--subnet {PRIV_A}", "nacl-blocks-443: a deny rule for TCP 443 out, numbered before the allow-all rule.")
def _(d):
    a = d["describe-network-acls"]["NetworkAcls"][0]
    a["Entries"].insert(0, acl_entry(90, True, "deny", "6", ports=(443, 443)))


@scenario("nacl-blocks-return", f"--subnet {PRIV_A}", "nacl-blocks-return: a separate ACL on the private subnets admits only 443 and 22 inbound, not the ephemeral return ports.")
def _(d):
    a = d["describe-network-acls"]["NetworkAcls"][0]
    a["Associations"] = [x for x in a["Associations"] if x["SubnetId"] not in (PRIV_A, SUB["private-b"][0])]
    d["describe-network-acls"]["NetworkAcls"].append({
        "Associations": [{"NetworkAclAssociationId": "aclassoc-0feedfeedfeedfeed", "NetworkAclId": "acl-0strict0strict001",
                          "SubnetId": PRIV_A}],
        "Entries": [acl_entry(100, True), acl_entry(32767, True, "deny"),
                    acl_entry(100, False, proto="6", cidr="10.0.0.0/16", ports=(443, 443)),
                    acl_entry(110, False, proto="6", cidr="10.0.0.0/16", ports=(22, 22)),
                    acl_entry(32767, False, "deny")],
        "IsDefault": False, "NetworkAclId": "acl-0strict0strict001", "Tags": [], "VpcId": VPC, "OwnerId": ACCOUNT})


@scenario("no-default-route", f"--subnet {PRIV_A}", "no-default-route: no NAT route, no endpoints (S3 still works through its gateway endpoint).")
def _(d):
    no_nat(d)


@scenario("blackhole-route", f"--subnet {PRIV_A}", "blackhole-route: the NAT gateway was deleted, its route is a blackhole.")
def _(d):
    r = rt(d, RTB_PRIVATE)
    for x in r["Routes"]:
        if "NatGatewayId" in x:
            x["State"] = "blackhole"
    d["describe-nat-gateways"]["NatGateways"][0]["State"] = "deleted"


@scenario("nat-gateway-not-public", f"--subnet {PRIV_A}", "nat-gateway-not-public: the NAT gateway is private.")
def _(d):
    n = d["describe-nat-gateways"]["NatGateways"][0]
    n["ConnectivityType"] = "private"
    n["NatGatewayAddresses"][0].pop("PublicIp")
    n["NatGatewayAddresses"][0].pop("AllocationId")


@scenario("nat-gateway-not-available", f"--subnet {PRIV_A}", "nat-gateway-not-available: the NAT gateway is still pending.")
def _(d):
    d["describe-nat-gateways"]["NatGateways"][0]["State"] = "pending"


@scenario("nat-gateway-no-igw", f"--subnet {PRIV_A}", "nat-gateway-no-igw: the NAT gateway sits in a subnet whose route table has no IGW route.")
def _(d):
    d["describe-nat-gateways"]["NatGateways"][0]["SubnetId"] = SUB["private-b"][0]


@scenario("gateway-endpoint-not-associated", f"--subnet {PRIV_A}", "gateway-endpoint-not-associated: the S3 gateway endpoint exists but not on the private route table (S3 goes through the NAT).")
def _(d):
    r = rt(d, RTB_PRIVATE)
    r["Routes"] = [x for x in r["Routes"] if "DestinationPrefixListId" not in x]
    d["describe-vpc-endpoints"]["VpcEndpoints"][0]["RouteTableIds"] = []


@scenario("transit-unverified", f"--subnet {PRIV_A}", "Access type transit: the default route goes to a transit gateway; reachability unknown.")
def _(d):
    r = rt(d, RTB_PRIVATE)
    for x in r["Routes"]:
        if "NatGatewayId" in x:
            del x["NatGatewayId"]
            x["TransitGatewayId"] = "tgw-0123456789abcdef0"


@scenario("endpoint-not-in-az", f"--subnet {SUB['private-b'][0]} --security-group {SG_RUNNER}", "endpoint-not-in-az: the interface endpoints live in eu-west-1a only; the task is in eu-west-1b.")
def _(d):
    no_nat(d)
    interface_endpoints(d, RUNNER_IFACES, subnets=("private-a",))


@scenario("partial-reachability", f"--subnet {SUB['private-b'][0]} --security-group {SG_RUNNER}", "partial-reachability: the endpoints are in both AZs, but the ACL of private-a blocks HTTPS from private-b.")
def _(d):
    no_nat(d)
    interface_endpoints(d, RUNNER_IFACES)
    a = d["describe-network-acls"]["NetworkAcls"][0]
    a["Associations"] = [x for x in a["Associations"] if x["SubnetId"] != PRIV_A]
    d["describe-network-acls"]["NetworkAcls"].append({
        "Associations": [{"NetworkAclAssociationId": "aclassoc-0beefbeefbeefbeef", "NetworkAclId": "acl-0aaaonly0aaaonly1",
                          "SubnetId": PRIV_A}],
        "Entries": [acl_entry(100, True), acl_entry(32767, True, "deny"),
                    acl_entry(100, False, cidr="10.0.10.0/24"), acl_entry(32767, False, "deny")],
        "IsDefault": False, "NetworkAclId": "acl-0aaaonly0aaaonly1", "Tags": [], "VpcId": VPC, "OwnerId": ACCOUNT})


@scenario("custom-dns-servers", f"--subnet {PRIV_A} --security-group {SG_RUNNER}", "custom-dns-servers: DHCP options name other DNS servers; the endpoints' private DNS may not be seen.")
def _(d):
    no_nat(d)
    interface_endpoints(d, RUNNER_IFACES)
    d["describe-dhcp-options"]["DhcpOptions"][0]["DhcpConfigurations"][1]["Values"] = [{"Value": "10.20.0.10"}, {"Value": "10.20.0.11"}]


@scenario("missing-input", f"--subnet {PRIV_A}", "missing-input: describe-network-acls and describe-vpc-attribute were not given: verdicts unknown.")
def _(d):
    del d["describe-network-acls"]
    del d["describe-vpc-attribute-dns-hostnames"]


@scenario("dangling-reference", f"--subnet {PRIV_A}", "An ID referenced but not described: the NAT gateway of the route is not in describe-nat-gateways.")
def _(d):
    d["describe-nat-gateways"]["NatGateways"] = []


@scenario("endpoint-breaks-nat", f"--subnet {PRIV_A}", "Adding an endpoint breaks a working NAT path: the new logs endpoint's private DNS takes the traffic, and its security group admits only the runner group while the task uses the default group.")
def _(d):
    interface_endpoints(d, ["logs"])


@scenario("s3-interface-only", f"--subnet {PRIV_A} --security-group {SG_RUNNER}", "ECR needs the S3 gateway endpoint: with only an S3 interface endpoint, the layer bucket is unreachable.")
def _(d):
    no_nat(d)
    r = rt(d, RTB_PRIVATE)
    r["Routes"] = [x for x in r["Routes"] if "DestinationPrefixListId" not in x]
    d["describe-vpc-endpoints"]["VpcEndpoints"] = []
    interface_endpoints(d, RUNNER_IFACES + ["s3"])


@scenario("all-subnets", "", "No --subnet: every subnet is evaluated and the headline says which can host the runner.")
def _(d): pass


@scenario("ipv6-only-nat64", f"--subnet subnet-0eee000000000005", "An IPv6-only subnet reaching IPv4 services through DNS64 and NAT64.")
def _(d):
    d["describe-vpcs"]["Vpcs"][0]["Ipv6CidrBlockAssociationSet"] = [{
        "AssociationId": "vpc-cidr-assoc-0fedcba9876543210", "Ipv6CidrBlock": "2a05:d018:1234:5600::/56",
        "Ipv6CidrBlockState": {"State": "associated"}, "NetworkBorderGroup": REGION, "Ipv6Pool": "Amazon"}]
    s = subnet("private-a")
    s.update({"SubnetId": "subnet-0eee000000000005", "Ipv6Native": True, "EnableDns64": True,
              "SubnetArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/subnet-0eee000000000005",
              "Ipv6CidrBlockAssociationSet": [{"AssociationId": "subnet-cidr-assoc-0a", "Ipv6CidrBlock": "2a05:d018:1234:5601::/64",
                                               "Ipv6CidrBlockState": {"State": "associated"}}]})
    del s["CidrBlock"]
    d["describe-subnets"]["Subnets"].append(s)
    d["describe-route-tables"]["RouteTables"].append({
        "Associations": [assoc("rtb-0d0d0d0d0d0d0d0d6", 9, "subnet-0eee000000000005")], "PropagatingVgws": [],
        "RouteTableId": "rtb-0d0d0d0d0d0d0d0d6",
        "Routes": [route_local(),
                   {"DestinationIpv6CidrBlock": "2a05:d018:1234:5600::/56", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
                   {"DestinationIpv6CidrBlock": "64:ff9b::/96", "NatGatewayId": NAT, "Origin": "CreateRoute", "State": "active"},
                   {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-0123456789abcdef0", "Origin": "CreateRoute", "State": "active"}],
        "Tags": [], "VpcId": VPC, "OwnerId": ACCOUNT})
    a = d["describe-network-acls"]["NetworkAcls"][0]
    a["Associations"].append({"NetworkAclAssociationId": "aclassoc-0ipv6", "NetworkAclId": ACL, "SubnetId": "subnet-0eee000000000005"})
    a["Entries"] += [{"Egress": True, "Ipv6CidrBlock": "::/0", "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 101},
                     {"Egress": False, "Ipv6CidrBlock": "::/0", "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 101}]
    for g in d["describe-security-groups"]["SecurityGroups"]:
        g["IpPermissionsEgress"][0]["Ipv6Ranges"] = [{"CidrIpv6": "::/0"}]



# --- How AWS really routes (issue 11): one scenario per rule ---------------

ACL_V6 = [{"Egress": True, "Ipv6CidrBlock": "::/0", "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 101},
          {"Egress": False, "Ipv6CidrBlock": "::/0", "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 101},
          # describe-network-acls prints the IPv6 default rule as 32768.
          {"Egress": True, "Ipv6CidrBlock": "::/0", "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32768},
          {"Egress": False, "Ipv6CidrBlock": "::/0", "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32768}]
VPC_V6 = "2a05:d018:1234:5600::/56"


def dual_stack(d):
    """The VPC and every subnet get IPv6 CIDRs; the ACL the IPv6 rules AWS adds."""
    d["describe-vpcs"]["Vpcs"][0]["Ipv6CidrBlockAssociationSet"] = [{
        "AssociationId": "vpc-cidr-assoc-0fedcba9876543210", "Ipv6CidrBlock": VPC_V6,
        "Ipv6CidrBlockState": {"State": "associated"}, "NetworkBorderGroup": REGION, "Ipv6Pool": "Amazon"}]
    for i, s in enumerate(d["describe-subnets"]["Subnets"]):
        s["Ipv6CidrBlockAssociationSet"] = [{"AssociationId": f"subnet-cidr-assoc-0{i:016x}",
                                             "Ipv6CidrBlock": f"2a05:d018:1234:56{i:02x}::/64",
                                             "Ipv6CidrBlockState": {"State": "associated"}}]
    for r in d["describe-route-tables"]["RouteTables"]:
        r["Routes"].insert(1, {"DestinationIpv6CidrBlock": VPC_V6, "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"})
    d["describe-network-acls"]["NetworkAcls"][0]["Entries"] += ACL_V6


def private_routes(d, routes):
    """Replaces the private route table's routes (after local) with `routes`."""
    r = rt(d, RTB_PRIVATE)
    r["Routes"] = [route_local()] + routes + [x for x in r["Routes"] if "DestinationPrefixListId" in x]


def nat_route(dest, origin="CreateRoute"):
    return {"DestinationCidrBlock": dest, "NatGatewayId": NAT, "Origin": origin, "State": "active"}


def vgw_route(dest):
    return {"DestinationCidrBlock": dest, "GatewayId": "vgw-0a1a1a1a1a1a1a1a1", "Origin": "EnableVgwRoutePropagation", "State": "active"}


def tgw_route(dest):
    return {"DestinationCidrBlock": dest, "TransitGatewayId": "tgw-0123456789abcdef0", "Origin": "CreateRoute", "State": "active"}


TGW = "tgw-0123456789abcdef0"
CUSTOMER_PL = "pl-0c0ffee0c0ffee001"


def ip_ranges(d, prefixes):
    """AWS's ip-ranges.json, as published (a small, hand-written subset)."""
    d["ip-ranges"] = {"syncToken": "1764979200", "createDate": "2025-12-06-00-00-00",
                      "prefixes": [{"ip_prefix": p, "region": r, "service": svc, "network_border_group": r}
                                   for p, r, svc in prefixes],
                      "ipv6_prefixes": [{"ipv6_prefix": "2a05:d018::/36", "region": REGION, "service": "AMAZON",
                                         "network_border_group": REGION}]}


EU_RANGES = [("52.94.24.0/23", REGION, "AMAZON"), ("52.95.112.0/20", REGION, "AMAZON"),
             ("3.5.64.0/21", REGION, "AMAZON"), ("3.5.64.0/21", REGION, "S3"),
             ("52.218.0.0/17", REGION, "AMAZON"), ("52.218.0.0/17", REGION, "S3"),
             ("54.72.0.0/15", REGION, "AMAZON"), ("54.72.0.0/15", REGION, "EC2"),
             ("52.119.240.0/21", "us-east-1", "AMAZON")]


@scenario("ipv6-nacl-default-rule", f"--subnet {PRIV_A}", "A dual-stack VPC: describe-network-acls prints the IPv6 default deny as rule 32768; it is read, and the IPv4 path through the NAT gateway is ready.")
def _(d):
    dual_stack(d)


@scenario("split-default-route", f"--subnet {PRIV_A}", "0.0.0.0/1 and 128.0.0.0/1 to the NAT gateway (no 0.0.0.0/0): together a default route, so the path is nat_gateway and ready.")
def _(d):
    private_routes(d, [nat_route("0.0.0.0/1"), nat_route("128.0.0.0/1")])


@scenario("vpn-overrides-nat-default", f"--subnet {PRIV_A}", "A VPN propagates 0.0.0.0/1 and 128.0.0.0/1 over the NAT gateway's 0.0.0.0/0: the longer prefixes win for every address, so the traffic goes to the virtual private gateway (transit, unknown), not the NAT gateway.")
def _(d):
    private_routes(d, [nat_route("0.0.0.0/0"), vgw_route("0.0.0.0/1"), vgw_route("128.0.0.0/1")])
    rt(d, RTB_PRIVATE)["PropagatingVgws"] = [{"GatewayId": "vgw-0a1a1a1a1a1a1a1a1"}]


@scenario("static-beats-propagated", f"--subnet {PRIV_A}", "A propagated 0.0.0.0/0 to a virtual private gateway, printed before the static 0.0.0.0/0 to the NAT gateway: on equal prefixes the static route wins, whatever the order.")
def _(d):
    private_routes(d, [vgw_route("0.0.0.0/0"), nat_route("0.0.0.0/0")])
    rt(d, RTB_PRIVATE)["PropagatingVgws"] = [{"GatewayId": "vgw-0a1a1a1a1a1a1a1a1"}]


@scenario("firewall-route-to-endpoint-subnet", f"--subnet {PRIV_A} --security-group {SG_RUNNER}", "No NAT; interface endpoints in private-b only; the task's route table sends private-b's range (more specific than local) to a Gateway Load Balancer endpoint (a firewall): the endpoint paths are unknown, naming the route.")
def _(d):
    no_nat(d)
    interface_endpoints(d, RUNNER_IFACES, subnets=("private-b",))
    d["describe-route-tables"]["RouteTables"].append({
        "Associations": [assoc("rtb-0f1f1f1f1f1f1f1f7", 10, PRIV_A)], "PropagatingVgws": [], "RouteTableId": "rtb-0f1f1f1f1f1f1f1f7",
        "Routes": [route_local(),
                   {"DestinationCidrBlock": SUB["private-b"][2], "GatewayId": "vpce-0f1e1d1c1b1a19181", "Origin": "CreateRoute", "State": "active"},
                   {"DestinationPrefixListId": S3_PL, "GatewayId": S3_GW, "Origin": "CreateRoute", "State": "active"}],
        "Tags": tags("inspected"), "VpcId": VPC, "OwnerId": ACCOUNT})
    r = rt(d, RTB_PRIVATE)
    r["Associations"] = [a for a in r["Associations"] if a.get("SubnetId") != PRIV_A]
    d["describe-vpc-endpoints"]["VpcEndpoints"][0]["RouteTableIds"].append("rtb-0f1f1f1f1f1f1f1f7")


@scenario("route-captures-service", f"--subnet {PRIV_A}", "A route to 52.94.0.0/16 (public space) through a transit gateway beside the NAT default: without --ip-ranges it may take some of the services' addresses, so their verdict is unknown and the finding names the route.")
def _(d):
    private_routes(d, [nat_route("0.0.0.0/0"), tgw_route("52.94.0.0/16")])


@scenario("ip-ranges-no-capture", f"--subnet {PRIV_A}", "Routes to 198.51.0.0/16 and to us-east-1's 52.119.240.0/21 through a transit gateway beside the NAT default, with AWS's ip-ranges.json: none of eu-west-1's service ranges lies in them, so they take nothing and the NAT path is ready.")
def _(d):
    private_routes(d, [nat_route("0.0.0.0/0"), tgw_route("198.51.0.0/16"), tgw_route("52.119.240.0/21")])
    ip_ranges(d, EU_RANGES)


@scenario("ip-ranges-capture", f"--subnet {PRIV_A}", "With ip-ranges.json, 52.94.0.0/16 through the transit gateway holds eu-west-1's 52.94.24.0/23: part of the services' addresses leave by the transit gateway (unknown), the finding names the route; S3's ranges are untouched (gateway endpoint, ready).")
def _(d):
    private_routes(d, [nat_route("0.0.0.0/0"), tgw_route("52.94.0.0/16")])
    ip_ranges(d, EU_RANGES)


@scenario("prefix-list-route-unknown", f"--subnet {PRIV_A}", "A customer prefix list routed to a transit gateway, its entries not given: it may take the services' addresses; unknown, naming the list and the command that lists its entries.")
def _(d):
    private_routes(d, [nat_route("0.0.0.0/0"),
                       {"DestinationPrefixListId": CUSTOMER_PL, "TransitGatewayId": TGW, "Origin": "CreateRoute", "State": "active"}])


@scenario("prefix-list-route-known", f"--subnet {PRIV_A}", "The same prefix list with its entries (on-premises 10.200.0.0/16 and 192.168.0.0/16): private space only, so the NAT path is ready.")
def _(d):
    private_routes(d, [nat_route("0.0.0.0/0"),
                       {"DestinationPrefixListId": CUSTOMER_PL, "TransitGatewayId": TGW, "Origin": "CreateRoute", "State": "active"}])
    d["describe-managed-prefix-lists"] = {"PrefixLists": [
        {"PrefixListId": CUSTOMER_PL, "AddressFamily": "IPv4", "State": "create-complete",
         "PrefixListArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:prefix-list/{CUSTOMER_PL}", "PrefixListName": "on-premises",
         "MaxEntries": 10, "Version": 3, "Tags": [], "OwnerId": ACCOUNT},
        {"PrefixListId": S3_PL, "AddressFamily": "IPv4", "State": "create-complete",
         "PrefixListArn": f"arn:aws:ec2:{REGION}:aws:prefix-list/{S3_PL}", "PrefixListName": f"com.amazonaws.{REGION}.s3",
         "Tags": [], "OwnerId": "AWS"}]}
    d[f"prefix-list-{CUSTOMER_PL}"] = {"PrefixListId": CUSTOMER_PL, "Entries": [
        {"Cidr": "10.200.0.0/16", "Description": "datacenter"}, {"Cidr": "192.168.0.0/16", "Description": "offices"}]}


@scenario("sg-egress-prefix-list", f"--subnet {PRIV_A} --security-group {SG_RUNNER}", "The runner's security group lets 443 out only to a customer prefix list whose entries were not given: unknown, with a finding naming the list and the command (never an unexplained unknown).")
def _(d):
    g = next(g for g in d["describe-security-groups"]["SecurityGroups"] if g["GroupId"] == SG_RUNNER)
    g["IpPermissionsEgress"] = [{"FromPort": 443, "IpProtocol": "tcp", "IpRanges": [], "Ipv6Ranges": [],
                                 "PrefixListIds": [{"PrefixListId": CUSTOMER_PL}], "ToPort": 443, "UserIdGroupPairs": []}]


def bpa(d, mode):
    d["describe-vpcs"]["Vpcs"][0]["BlockPublicAccessStates"] = {"InternetGatewayBlockMode": mode}
    for s in d["describe-subnets"]["Subnets"]:
        s["BlockPublicAccessStates"] = {"InternetGatewayBlockMode": mode}
    d["describe-vpc-block-public-access-options"] = {"VpcBlockPublicAccessOptions": {
        "AwsAccountId": ACCOUNT, "AwsRegion": REGION, "State": "update-complete", "InternetGatewayBlockMode": mode,
        "LastUpdateTimestamp": "2025-11-20T09:00:00+00:00", "ManagedBy": "account", "ExclusionsAllowed": "allowed"}}
    d["describe-vpc-block-public-access-exclusions"] = {"VpcBlockPublicAccessExclusions": []}


def bpa_exclusion(d, subnet_id, mode):
    d["describe-vpc-block-public-access-exclusions"]["VpcBlockPublicAccessExclusions"].append({
        "ExclusionId": "vpcbpa-exclude-0123456789abcdef0", "InternetGatewayExclusionMode": mode,
        "ResourceArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{subnet_id}", "State": "create-complete",
        "CreationTimestamp": "2025-11-20T09:05:00+00:00", "LastUpdateTimestamp": "2025-11-20T09:05:00+00:00", "Tags": []})


@scenario("vpc-block-public-access", f"--subnet {PRIV_A}", "Block Public Access is block-bidirectional and the NAT gateway's subnet is not excluded: the NAT gateway's traffic through the internet gateway is dropped; the fix is an allow-egress exclusion for its subnet.")
def _(d):
    bpa(d, "block-bidirectional")


@scenario("bpa-nat-subnet-excluded", f"--subnet {PRIV_A}", "The same with an allow-egress exclusion on the NAT gateway's subnet: ready.")
def _(d):
    bpa(d, "block-bidirectional")
    bpa_exclusion(d, PUB_A, "allow-egress")


@scenario("bpa-ingress-nat", f"--subnet {PRIV_A}", "Block Public Access in block-ingress mode lets NAT gateways through: ready.")
def _(d):
    bpa(d, "block-ingress")


@scenario("bpa-ingress-public-ip", f"--subnet {PUB_A} --assign-public-ip true", "block-ingress with a public IP behind the internet gateway: only NAT and egress-only gateways pass, so the task's own public IP is blocked.")
def _(d):
    bpa(d, "block-ingress")


@scenario("bpa-exclusions-missing", f"--subnet {PRIV_A}", "block-bidirectional from describe-vpcs, without the exclusions document: whether the NAT subnet is excluded is unknown, and the finding names the command.")
def _(d):
    d["describe-vpcs"]["Vpcs"][0]["BlockPublicAccessStates"] = {"InternetGatewayBlockMode": "block-bidirectional"}


@scenario("endpoint-other-region", f"--subnet {PRIV_A} --security-group {SG_RUNNER}", "No NAT; the ECR API endpoint is a cross-region endpoint to us-west-2's ecr.api: it does not answer eu-west-1's name, so ecr.api has no path (and it is not counted as present in the cost).")
def _(d):
    no_nat(d)
    interface_endpoints(d, ["secretsmanager", "logs", "ecr.dkr"])
    e = endpoint("vpce-0e0e0e0e0e0e0e0e1", "com.amazonaws.us-west-2.ecr.api", subnets=[PRIV_A, SUB["private-b"][0]], groups=[SG_ENDPOINTS])
    e["ServiceRegion"] = "us-west-2"
    d["describe-vpc-endpoints"]["VpcEndpoints"].append(e)


@scenario("private-nat-transit", f"--subnet {PRIV_A}", "A private NAT gateway whose subnet routes 0.0.0.0/0 to a transit gateway (a central egress VPC): the path is transit, unknown.")
def _(d):
    n = d["describe-nat-gateways"]["NatGateways"][0]
    n["ConnectivityType"] = "private"
    n["NatGatewayAddresses"][0].pop("PublicIp")
    n["NatGatewayAddresses"][0].pop("AllocationId")
    n["SubnetId"] = SUB["private-b"][0]
    d["describe-route-tables"]["RouteTables"].append({
        "Associations": [assoc("rtb-0e2e2e2e2e2e2e2e8", 11, SUB["private-b"][0])], "PropagatingVgws": [],
        "RouteTableId": "rtb-0e2e2e2e2e2e2e2e8", "Routes": [route_local(), tgw_route("0.0.0.0/0")],
        "Tags": tags("nat-subnet"), "VpcId": VPC, "OwnerId": ACCOUNT})
    r = rt(d, RTB_PRIVATE)
    r["Associations"] = [a for a in r["Associations"] if a.get("SubnetId") != SUB["private-b"][0]]


@scenario("s3-inbound-resolver-only", f"--subnet {PRIV_A} --security-group {SG_RUNNER}", "An S3 interface endpoint with private DNS only for inbound Resolver endpoints beside the gateway endpoint: clients in the VPC keep S3 on the gateway endpoint.")
def _(d):
    no_nat(d)
    interface_endpoints(d, RUNNER_IFACES + ["s3"])
    e = next(e for e in d["describe-vpc-endpoints"]["VpcEndpoints"] if e["ServiceName"].endswith(".s3") and e["VpcEndpointType"] == "Interface")
    e["DnsOptions"] = {"DnsRecordIpType": "ipv4", "PrivateDnsOnlyForInboundResolverEndpoint": True}


@scenario("endpoint-dns-record-type", f"--subnet {PRIV_A} --security-group {SG_RUNNER}", "The logs endpoint's private DNS holds AAAA records only (DnsRecordIpType ipv6) and the task subnet is IPv4-only: the name gives it no address (dns_no_records).")
def _(d):
    no_nat(d)
    interface_endpoints(d, RUNNER_IFACES)
    e = next(e for e in d["describe-vpc-endpoints"]["VpcEndpoints"] if e["ServiceName"].endswith(".logs"))
    e["IpAddressType"] = "dualstack"
    e["DnsOptions"] = {"DnsRecordIpType": "ipv6"}


@scenario("igw-detached", f"--subnet {PUB_A} --assign-public-ip true", "The public route table's internet gateway is detached: the route drops everything; the fix attaches it (or replaces the route).")
def _(d):
    d["describe-internet-gateways"]["InternetGateways"][0]["Attachments"] = []


@scenario("unknown-does-not-hide-failure", f"--subnet {PRIV_A}", "describe-vpc-attribute not given, and the NAT route is a blackhole: unknown DNS attributes do not hide the failure the route table decides (degraded, not unknown).")
def _(d):
    del d["describe-vpc-attribute-dns-support"]
    del d["describe-vpc-attribute-dns-hostnames"]
    r = rt(d, RTB_PRIVATE)
    for x in r["Routes"]:
        if "NatGatewayId" in x:
            x["State"] = "blackhole"
    d["describe-nat-gateways"]["NatGateways"][0]["State"] = "deleted"


@scenario("route-to-instance", f"--subnet {PRIV_A}", "0.0.0.0/0 to a NAT instance's network interface: a path the validator cannot see past (transit, unknown, explained).")
def _(d):
    private_routes(d, [{"DestinationCidrBlock": "0.0.0.0/0", "NetworkInterfaceId": "eni-0a9a9a9a9a9a9a9a9", "InstanceId": "i-0a9a9a9a9a9a9a9a9",
                        "InstanceOwnerId": ACCOUNT, "Origin": "CreateRoute", "State": "active"}])


@scenario("s3-route-more-specific-than-list", f"--subnet {PRIV_A}", "The S3 prefix list's entries are given, and a static route for 52.218.0.0/17 (one of them) to a transit gateway wins over the list's route on equal prefix: that part of S3 leaves through the transit gateway.")
def _(d):
    rt(d, RTB_PRIVATE)["Routes"].append(tgw_route("52.218.0.0/17"))
    d["describe-managed-prefix-lists"] = {"PrefixLists": [
        {"PrefixListId": S3_PL, "AddressFamily": "IPv4", "State": "create-complete",
         "PrefixListArn": f"arn:aws:ec2:{REGION}:aws:prefix-list/{S3_PL}", "PrefixListName": f"com.amazonaws.{REGION}.s3",
         "Tags": [], "OwnerId": "AWS"}]}
    d[f"prefix-list-{S3_PL}"] = {"PrefixListId": S3_PL, "Entries": [
        {"Cidr": "3.5.64.0/21"}, {"Cidr": "52.218.0.0/17"}, {"Cidr": "52.92.16.0/20"}]}



# --- Endpoint policies (issue 14) ---------------------------------------

def policy(statements):
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, separators=(",", ":"))


@scenario("endpoint-policy-denies", f"--subnet {PRIV_A}", "The S3 gateway endpoint's policy allows only the company's own bucket: ECR's layer bucket (and S3 itself, for the runner) is denied although TCP works; the fix adds exactly the missing statement.")
def _(d):
    d["describe-vpc-endpoints"]["VpcEndpoints"][0]["PolicyDocument"] = policy([
        {"Sid": "CompanyBucketsOnly", "Effect": "Allow", "Principal": "*", "Action": "s3:*",
         "Resource": ["arn:aws:s3:::example-company-artifacts", "arn:aws:s3:::example-company-artifacts/*"]}])


@scenario("endpoint-policy-unverified", f"--subnet {PRIV_A} --security-group {SG_RUNNER}", "The ECR endpoints' policies allow calls only from principals of one account (aws:PrincipalAccount), and --account is not given: whether the runner's calls are allowed is unknown, and the finding says --account would decide.")
def _(d):
    no_nat(d)
    interface_endpoints(d, RUNNER_IFACES)
    for e in d["describe-vpc-endpoints"]["VpcEndpoints"]:
        if ".ecr." in e["ServiceName"]:
            e["PolicyDocument"] = policy([
                {"Sid": "OnlyOurAccount", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
                 "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}}])


@scenario("endpoint-policy-account-given", f"--subnet {PRIV_A} --security-group {SG_RUNNER} --account {ACCOUNT}", "The same policies with --account given: the condition is decided and the runner's calls are allowed (ready).")
def _(d):
    no_nat(d)
    interface_endpoints(d, RUNNER_IFACES)
    for e in d["describe-vpc-endpoints"]["VpcEndpoints"]:
        if ".ecr." in e["ServiceName"]:
            e["PolicyDocument"] = policy([
                {"Sid": "OnlyOurAccount", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
                 "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}}])


@scenario("document-ignored", f"--subnet {PRIV_A}", "document-ignored: a folder of collected files with the output of a command the validator does not read (skipped, an info note), an empty file (a collect command that failed: a missing-input note), and the subnets twice, identical (merged): the NAT verdict holds.")
def _(d):
    d["describe-network-interfaces"] = {"NetworkInterfaces": [{
        "AvailabilityZone": "eu-west-1a", "Description": "Interface for NAT Gateway " + NAT,
        "InterfaceType": "nat_gateway", "NetworkInterfaceId": "eni-0123456789abcdef0",
        "PrivateIpAddress": "10.0.0.87", "SubnetId": SUB["public-a"][0], "VpcId": VPC, "Status": "in-use"}]}
    d["describe-managed-prefix-lists"] = None
    d["describe-subnets-copy"] = json.loads(json.dumps(d["describe-subnets"]))


def write(dirname, docs, args=None, doc=None):
    if os.path.isdir(dirname):
        for f in os.listdir(dirname):
            if f.endswith(".json") and f != "expected.json":
                os.remove(os.path.join(dirname, f))
    os.makedirs(dirname, exist_ok=True)
    for name, body in docs.items():
        with open(os.path.join(dirname, name + ".json"), "w") as f:
            if body is None:
                continue  # an empty file: what a failed collect command leaves
            json.dump(body, f, indent=4)
            f.write("\n")
    if args is not None:
        with open(os.path.join(dirname, "args"), "w") as f:
            f.write(f"# {doc}\n{args}\n")


def main():
    for name, (args, doc, mutate) in SCENARIOS.items():
        d = base()
        mutate(d)
        write(os.path.join(ROOT, name), d, args, doc)
    # The bundled example: one merged object, as `jq -s add` makes it.
    d = base()
    merged = {}
    for body in d.values():
        merged.update(body)
    os.makedirs(os.path.join(REPO, "examples", "vpc-nat"), exist_ok=True)
    with open(os.path.join(REPO, "examples", "vpc-nat", "vpc.json"), "w") as f:
        json.dump(merged, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
