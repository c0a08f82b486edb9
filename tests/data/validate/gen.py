#!/usr/bin/env python3
"""Generates the validator scenarios under tests/data/validate/ and the
bundled example examples/vpc-nat/.

Each scenario is a base VPC (a realistic NAT setup in eu-west-1, written as
the AWS CLI v2 prints describe-* output) plus one change. Run from the
repository root:  python3 tests/data/validate/gen.py
Then regenerate expected.json files with:
  NETREADY_BLESS=1 cargo test -p netready-tests --test validate_scenarios
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


def write(dirname, docs, args=None, doc=None):
    if os.path.isdir(dirname):
        for f in os.listdir(dirname):
            if f.endswith(".json") and f != "expected.json":
                os.remove(os.path.join(dirname, f))
    os.makedirs(dirname, exist_ok=True)
    for name, body in docs.items():
        with open(os.path.join(dirname, name + ".json"), "w") as f:
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


main()
