#!/usr/bin/env python3
"""Generates the explain cases under tests/data/explain/: one per cause of
netready-core's catalogue (the directory is named after the cause the case
must rank first), plus cases where prediction and observation agree.

Each case is a pair of real reports:
  * the validator half: describe-* documents in the style of
    tests/data/validate/gen.py (its base VPC, eu-west-1, plus one change),
    turned into validate.json by `netready validate --format json`;
  * the probe half: world.json, the namespace test network that
    native/tests/explain_cases.rs builds (a DNS server with per-name
    answers, addresses that accept, drop or reset TCP 443, optional TLS
    interception and fake instance or ECS task metadata), in which the real
    `netready probe --format json` runs to write probe.json.

Run from the repository root, then regenerate the reports (root, network
namespaces) and bless what explain prints:
  python3 tests/data/explain/gen.py
  NETREADY_EXPLAIN_PROBE=1 NETREADY_BLESS=1 cargo test -p netready --test explain_cases
  git diff tests/data/explain    # review: expected.json is the contract
"""
import json, os, sys

ROOT = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(ROOT), "validate"))
import gen as v  # noqa: E402  (tests/data/validate/gen.py: the base VPC)

REGION = v.REGION
PRIV_A, PRIV_B = v.SUB["private-a"][0], v.SUB["private-b"][0]
PUB_A, PUB_B = v.SUB["public-a"][0], v.SUB["public-b"][0]
VPC_RESOLVER = "10.0.0.2"  # the base VPC is 10.0.0.0/16
CUSTOM_DNS = "10.20.0.10"
RUNNER = f"--subnet {PRIV_A} --security-group {v.SG_RUNNER}"

# The runner profile's hosts in eu-west-1 (account 123456789012).
SM = f"secretsmanager.{REGION}.amazonaws.com"
LOGS = f"logs.{REGION}.amazonaws.com"
API = f"api.ecr.{REGION}.amazonaws.com"
DKR = f"123456789012.dkr.ecr.{REGION}.amazonaws.com"
S3 = f"s3.{REGION}.amazonaws.com"
LAYER = f"prod-{REGION}-starport-layer-bucket.s3.{REGION}.amazonaws.com"
INTERFACE = [SM, LOGS, API, DKR]
ALL = INTERFACE + [S3, LAYER]

# Public addresses the names answer (inside the test network only).
PUBLIC = {SM: "52.94.1.10", LOGS: "52.94.1.20", API: "52.94.1.30", DKR: "52.94.1.40",
          S3: "52.218.1.10", LAYER: "52.218.1.20"}
# Each interface endpoint's addresses: one in private-a (eu-west-1a), one in
# private-b (eu-west-1b).
PRIVATE = {h: [f"10.0.10.{20 + i}", f"10.0.11.{20 + i}"] for i, h in enumerate(INTERFACE)}

IMDS_MAC = "0a:1b:2c:3d:4e:5f"


def imds(subnet, az, public_ip=None):
    """Instance metadata of an instance in `subnet` (IMDSv2 paths -> text)."""
    base = f"/latest/meta-data/network/interfaces/macs/{IMDS_MAC}"
    m = {"/latest/meta-data/mac": IMDS_MAC,
         "/latest/meta-data/placement/availability-zone": az,
         f"{base}/vpc-ipv4-cidr-blocks": "10.0.0.0/16",
         f"{base}/subnet-id": subnet,
         f"{base}/vpc-id": v.VPC}
    if public_ip:
        m["/latest/meta-data/public-ipv4"] = public_ip
    return m


def ecs_task(az):
    """ECS task metadata v4 of a Fargate task (awsvpc) in `az`."""
    return {"TaskARN": f"arn:aws:ecs:{REGION}:123456789012:task/runner/0a1b2c3d4e5f",
            "AvailabilityZone": az, "LaunchType": "FARGATE",
            "Containers": [{"Networks": [{"NetworkMode": "awsvpc", "IPv4Addresses": ["10.0.10.77"],
                                          "IPv4SubnetCIDRBlock": "10.0.10.0/24"}]}]}


def world(cause=None, verdict="differs", dns=None, serve=(), drop=(), refuse=(), resolver=VPC_RESOLVER,
          probe_args=("--public-ip", "no", "--vpc-cidr", "10.0.0.0/16"), explain_args=(), tls=None,
          instance=None, task=None):
    return {"cause": cause, "verdict": verdict, "resolver": resolver, "dns": dns or {},
            "serve": sorted(set(serve)), "drop": sorted(set(drop)), "refuse": sorted(set(refuse)),
            "tls": tls, "imds": instance, "ecs_task": task, "probe_args": list(probe_args),
            "explain_args": list(explain_args)}


def public_dns(hosts=ALL):
    return {h: [PUBLIC[h]] for h in hosts}


def private_dns(hosts=INTERFACE):
    return {h: PRIVATE[h] for h in hosts}


def endpoints_and_nat(d):
    """The base VPC (NAT gateway, S3 gateway endpoint) plus interface
    endpoints with private DNS for the four interface services."""
    v.interface_endpoints(d, v.RUNNER_IFACES)


CASES = {}


def case(name, args):
    def deco(f):
        CASES[name] = (args, f)
        return f
    return deco


@case("custom-dns-not-forwarding", RUNNER)
def _(d):
    """Interface endpoints and a NAT gateway; the DHCP options name 10.20.0.10,
    which answers the public addresses: the traffic leaves through the NAT."""
    endpoints_and_nat(d)
    d["describe-dhcp-options"]["DhcpOptions"][0]["DhcpConfigurations"][1]["Values"] = [{"Value": CUSTOM_DNS}]
    return world("custom-dns-not-forwarding", resolver=CUSTOM_DNS, dns=public_dns(),
                 serve=PUBLIC.values())


@case("endpoint-changed", RUNNER)
def _(d):
    """The documents show the logs endpoint with private DNS; the VPC resolver
    answers logs publicly while the other endpoints' names stay private."""
    endpoints_and_nat(d)
    dns = {**private_dns(), **public_dns([LOGS, S3, LAYER])}
    return world("endpoint-changed", dns=dns,
                 serve=[a for h in INTERFACE for a in PRIVATE[h]] + list(PUBLIC.values()))


@case("private-dns-bypassed", RUNNER)
def _(d):
    """The same documents; the VPC resolver answers every endpoint's name
    publicly (a forwarding rule for amazonaws.com, or DNS hostnames off)."""
    endpoints_and_nat(d)
    return world("private-dns-bypassed", dns=public_dns(), serve=PUBLIC.values())


@case("endpoint-added", RUNNER)
def _(d):
    """No interface endpoint in the documents (NAT path); the VPC resolver
    answers logs with 10.0.10.21, inside the VPC: an endpoint created since."""
    dns = {**public_dns(), LOGS: PRIVATE[LOGS]}
    return world("endpoint-added", dns=dns, serve=list(PUBLIC.values()) + PRIVATE[LOGS])


@case("private-hosted-zone", RUNNER)
def _(d):
    """No interface endpoint in the documents; Secrets Manager resolves to
    10.50.1.10, outside the VPC: a hub VPC's endpoint through a private
    hosted zone."""
    dns = {**public_dns(), SM: ["10.50.1.10"]}
    return world("private-hosted-zone", dns=dns, serve=list(PUBLIC.values()) + ["10.50.1.10"])


@case("dns-firewall", RUNNER)
def _(d):
    """NAT path; the VPC resolver answers NXDOMAIN for logs and 0.0.0.0 for
    Secrets Manager: DNS Firewall block rules."""
    dns = {**public_dns(), LOGS: "nxdomain", SM: ["0.0.0.0"]}
    return world("dns-firewall", dns=dns, serve=PUBLIC.values())


@case("custom-dns-fails", f"--subnet {PRIV_A}")
def _(d):
    """NAT path, DHCP options naming 10.20.0.10, which answers SERVFAIL for
    logs."""
    d["describe-dhcp-options"]["DhcpOptions"][0]["DhcpConfigurations"][1]["Values"] = [{"Value": CUSTOM_DNS}]
    dns = {**public_dns(), LOGS: "servfail"}
    return world("custom-dns-fails", resolver=CUSTOM_DNS, dns=dns, serve=PUBLIC.values())


@case("vpc-resolver-fails", f"--subnet {PRIV_A}")
def _(d):
    """NAT path; the VPC resolver answers SERVFAIL for the ECR API (a
    forwarding rule whose targets do not answer)."""
    dns = {**public_dns(), API: "servfail"}
    return world("vpc-resolver-fails", dns=dns, serve=PUBLIC.values())


@case("endpoint-access-changed", RUNNER)
def _(d):
    """Interface endpoints, no NAT; both of the logs endpoint's addresses drop
    TCP 443 (its security group changed)."""
    v.no_nat(d)
    v.interface_endpoints(d, v.RUNNER_IFACES)
    serve = [a for h in INTERFACE if h != LOGS for a in PRIVATE[h]] + [PUBLIC[S3], PUBLIC[LAYER]]
    return world("endpoint-access-changed", dns={**private_dns(), **public_dns([S3, LAYER])},
                 serve=serve, drop=PRIVATE[LOGS])


@case("egress-changed", f"--subnet {PRIV_A} --subnet {PUB_B}")
def _(d):
    """NAT path; Secrets Manager's public address drops TCP 443. The probe is
    a Fargate task that knows only its zone (eu-west-1a, ECS task metadata):
    of the two subnets validated, private-a is the one in that zone."""
    return world("egress-changed", dns=public_dns(),
                 serve=[a for h, a in PUBLIC.items() if h != SM], drop=[PUBLIC[SM]],
                 probe_args=("--vpc-cidr", "10.0.0.0/16"), task=ecs_task("eu-west-1a"))


@case("middlebox-rejects", f"--subnet {PRIV_A}")
def _(d):
    """NAT path; the ECR API's public address answers TCP 443 with a reset."""
    return world("middlebox-rejects", dns=public_dns(),
                 serve=[a for h, a in PUBLIC.items() if h != API], refuse=[PUBLIC[API]])


@case("gateway-endpoint-route-changed", f"--subnet {PRIV_A}")
def _(d):
    """NAT path and the S3 gateway endpoint; both S3 names' addresses drop
    TCP 443 (the gateway endpoint's route is gone)."""
    return world("gateway-endpoint-route-changed", dns=public_dns(),
                 serve=[PUBLIC[h] for h in INTERFACE], drop=[PUBLIC[S3], PUBLIC[LAYER]])


@case("fixed-since-snapshot", f"--subnet {PRIV_A}")
def _(d):
    """The documents have no NAT route and no endpoint (no-default-route);
    the probe reaches everything through public addresses."""
    v.no_nat(d)
    return world("fixed-since-snapshot", dns=public_dns(), serve=PUBLIC.values())


@case("public-ip-mismatch", f"--subnet {PUB_A}")
def _(d):
    """A public subnet validated without --assign-public-ip (no connectivity
    at all); the instance's metadata shows a public IP and the probe reaches
    everything through the internet gateway. Its subnet comes from instance
    metadata."""
    return world("public-ip-mismatch", dns=public_dns(), serve=PUBLIC.values(),
                 probe_args=(), instance=imds(PUB_A, "eu-west-1a", public_ip="54.170.1.10"))


@case("one-az-blocked", f"--subnet {PRIV_B} --security-group {v.SG_RUNNER}")
def _(d):
    """Interface endpoints in both zones, no NAT; Secrets Manager's address in
    private-a (eu-west-1a) drops TCP 443, the one in private-b connects.
    --subnet given to explain as well."""
    v.no_nat(d)
    v.interface_endpoints(d, v.RUNNER_IFACES)
    serve = [a for h in INTERFACE for a in PRIVATE[h] if a != PRIVATE[SM][0]] + [PUBLIC[S3], PUBLIC[LAYER]]
    return world("one-az-blocked", dns={**private_dns(), **public_dns([S3, LAYER])},
                 serve=serve, drop=[PRIVATE[SM][0]], explain_args=("--subnet", PRIV_B))


@case("tls-interception", f"--subnet {PRIV_A}")
def _(d):
    """NAT path; every public address completes TLS with a certificate from
    an interception CA (a TLS-inspecting proxy); the probe runs with --tls."""
    return world("tls-interception", dns=public_dns(), serve=PUBLIC.values(), tls="interception",
                 probe_args=("--public-ip", "no", "--vpc-cidr", "10.0.0.0/16", "--tls"))


@case("endpoint-policy", f"--subnet {PRIV_A}")
def _(d):
    """NAT path; the S3 gateway endpoint's policy allows only the company's
    own bucket, so the validator predicts both S3 names unreachable
    (policy_denies); TCP to them works."""
    d["describe-vpc-endpoints"]["VpcEndpoints"][0]["PolicyDocument"] = v.policy([
        {"Sid": "CompanyBucketsOnly", "Effect": "Allow", "Principal": "*", "Action": "s3:*",
         "Resource": ["arn:aws:s3:::example-company-artifacts", "arn:aws:s3:::example-company-artifacts/*"]}])
    return world("endpoint-policy", dns=public_dns(), serve=PUBLIC.values())


@case("agree-nat-gateway", f"--subnet {PRIV_A}")
def _(d):
    """NAT path and S3 gateway endpoint, as predicted; the probe's subnet and
    zone come from instance metadata."""
    return world(None, verdict="agree", dns=public_dns(), serve=PUBLIC.values(), probe_args=(),
                 instance=imds(PRIV_A, "eu-west-1a"))


@case("agree-vpc-endpoints", RUNNER)
def _(d):
    """Interface endpoints with private DNS and the S3 gateway endpoint, no
    NAT: every name as predicted."""
    v.no_nat(d)
    v.interface_endpoints(d, v.RUNNER_IFACES)
    serve = [a for h in INTERFACE for a in PRIVATE[h]] + [PUBLIC[S3], PUBLIC[LAYER]]
    return world(None, verdict="agree", dns={**private_dns(), **public_dns([S3, LAYER])},
                 serve=serve)


@case("agree-transit", f"--subnet {PRIV_A}")
def _(d):
    """The default route goes to a transit gateway (unknown to the validator);
    the probe reaches everything: it agrees, and settles the unknown."""
    v.rt(d, v.RTB_PRIVATE)["Routes"][1] = {"DestinationCidrBlock": "0.0.0.0/0",
                                           "TransitGatewayId": "tgw-0123456789abcdef0",
                                           "Origin": "CreateRoute", "State": "active"}
    return world(None, verdict="agree", dns=public_dns(), serve=PUBLIC.values())


def main():
    for name, (args, mutate) in CASES.items():
        d = v.base()
        w = mutate(d)
        doc = " ".join(mutate.__doc__.split())
        w = {"doc": doc, **w}
        dirname = os.path.join(ROOT, name)
        os.makedirs(dirname, exist_ok=True)
        # Only the documents are regenerated here: validate.json, probe.json
        # and expected.json come from the test (see the module docstring).
        for f in os.listdir(dirname):
            if f.startswith("describe-"):
                os.remove(os.path.join(dirname, f))
        for key, body in d.items():
            with open(os.path.join(dirname, key + ".json"), "w") as f:
                json.dump(body, f, indent=4)
                f.write("\n")
        with open(os.path.join(dirname, "args"), "w") as f:
            f.write(f"# {doc}\n{args}\n")
        with open(os.path.join(dirname, "world.json"), "w") as f:
            json.dump(w, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
