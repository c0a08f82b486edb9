#!/usr/bin/env python3
"""Writes the committed seed corpus fuzz/corpus/<target>/ from tests/data/ and
the catalog's own vocabulary. Deterministic: rerunning it gives the same files
(named by the SHA-1 of their content, as libFuzzer names corpus entries).

    python3 fuzz/seeds.py          # from the repository root

Structured targets (assess, vpc_eval) get a few fixed pseudo-random byte
strings: libFuzzer grows from them quickly, and the replay test still runs them.
"""
import hashlib
import json
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def put(target, content):
    if isinstance(content, str):
        content = content.encode()
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(content).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(content)


def data(name):
    path = os.path.join(ROOT, "tests", "data", name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-7", "cn-north-1", "cn-northwest-1",
           "us-gov-west-1", "us-iso-east-1", "us-isob-east-1", "us-isof-south-1",
           "eu-isoe-west-1", "eusc-de-east-1", "mx-central-1", "xx-east-1", "us-east-10",
           "US-EAST-1", " eu-west-2 ", "ap-south", "us--1"]
SERVICES = ["secretsmanager", "logs", "ecr.api", "ecr.dkr", "s3", "ec2", "ssm", "sts",
            "cloudformation", "ecs", "ecs-agent", "ecs-telemetry", "ssmmessages",
            "ec2messages", "iam", "elasticloadbalancing", "acm", "dynamodb"]
PREFIXES = ["com.amazonaws", "cn.com.amazonaws", "eu.amazonaws", "gov.ic.c2s",
            "gov.sgov.sc2s", "gov.ic.hci.csp", "uk.adc-e.cloud"]

classify = data("classify.json")
rules = data("rules.json")

# classify: "IP [CIDR]..." text cases.
for case in (classify or {}).get("cases", []):
    put("classify", " ".join([case["ip"]] + case.get("vpc_cidrs", [])))
for extra in ["::ffff:10.0.0.1", "64:ff9b::a00:1", "64:ff9b::36.1.2.3 54.0.0.0/8",
              "::ffff:127.0.0.1 0.0.0.0/0", "2600:1f18::1 2600:1f18::/32", "fec0::1"]:
    put("classify", extra)

# cidr: every CIDR of the tests' data, plus edge cases.
cidrs = set(["10.0.0.0/16", "0.0.0.0/0", "::/0", "2600:1f18:abcd::/56", "1.2.3.4/32",
             "10.0.1.5/16", "10.0.0.0/33", "10.0.0.0", "10.0.0.0/+8", "::ffff:10.0.0.0/104",
             "fe80::/10", " 172.16.0.0/12 ", "2001:db8::1/128", "10.0.0.0/008"])
for case in (classify or {}).get("cases", []) + (rules or {}).get("cases", []):
    cidrs.update(case.get("vpc_cidrs", []))
for c in sorted(cidrs):
    put("cidr", c)

# host_port: hosts the probe builds, addresses, ports, brackets.
hosts = ["secretsmanager.us-east-1.amazonaws.com", "123456789012.dkr.ecr.eu-west-1.amazonaws.com:443",
         "api.ecr.cn-north-1.amazonaws.com.cn", "app.gitpod.io:8443", "[::1]:443", "::1",
         "[2001:db8::1]", "10.0.0.1:443", "Example.COM.", "host:0", "host:65536", "a..b",
         "-bad-.example", "x" * 64 + ".example"]
for case in (classify or {}).get("cases", []):
    hosts.append(case["ip"])
for h in hosts:
    put("host_port", h)

# region
for r in REGIONS:
    put("region", r)

# service_name
for r in ["us-east-1", "cn-north-1", "us-iso-east-1", "eusc-de-east-1"]:
    for s in ["ecr.api", "s3", "logs", "sts"]:
        for p in PREFIXES[:3]:
            put("service_name", f"{p}.{r}.{s}")
for extra in ["com.amazonaws.iam", "com.amazonaws.vpce.us-east-1.vpce-svc-08de744d433e60ff2",
              "cn.com.amazonaws.vpce.cn-north-1.vpce-svc-0123abcd", "com.amazonaws.us-east-1",
              "com.amazonaws.vpce", "com.amazonaws.s3-global.accesspoint"]:
    put("service_name", extra)

# report_json: hand-written reports of both kinds, plus any report in tests/data.
probe = {
    "schema": "netready.report/v1", "kind": "probe", "status": "degraded", "region": "us-east-1",
    "profile": "runner",
    "endpoints": [
        {"service": "secretsmanager", "host": "secretsmanager.us-east-1.amazonaws.com", "port": 443,
         "access_type": "vpc_endpoint", "reachable": True, "failure": None,
         "addresses": [{"ip": "10.0.1.5", "class": "private", "range": "rfc1918", "outcome": "connected", "ms": 0.4},
                       {"ip": "10.0.2.5", "class": "private", "range": "vpc_cidr", "outcome": "timeout", "ms": None}],
         "hints": [], "dns": {"resolver": "10.0.0.2:53", "cnames": ["a.example"], "ms": 1.25}},
        {"service": "logs", "host": "logs.us-east-1.amazonaws.com", "port": 443,
         "access_type": None, "reachable": False, "failure": "dns_sinkhole",
         "addresses": [{"ip": "0.0.0.0", "class": "unspecified", "outcome": "skipped_sinkhole", "ms": None},
                       {"ip": "64:ff9b::3400:1", "class": "public", "via": "nat64", "outcome": "skipped_cap", "ms": None}],
         "hints": ["DNS answered only addresses that are never a real endpoint"],
         "tls": {"outcome": "not_attempted", "issuer": None, "detail": None, "ms": None}},
    ],
    "subnets": [],
    "findings": [{"code": "partial-reachability", "severity": "warning", "resource": "x",
                  "message": "1 of 2", "fix": None}],
}
validate = {
    "schema": "netready.report/v1", "kind": "validate", "status": "unknown", "region": "eu-west-1",
    "endpoints": [],
    "subnets": [{"subnet_id": "subnet-0abc", "availability_zone": "eu-west-1a", "status": "unknown",
                 "endpoints": [{"service": "s3", "host": "s3.eu-west-1.amazonaws.com",
                                "access_type": "transit", "reachable": None, "failure": None,
                                "path": ["subnet-0abc", "rtb-1", "tgw-1"],
                                "findings": [{"code": "transit-unverified", "severity": "info",
                                              "resource": "tgw-1", "message": "m", "fix": "aws ec2 x"}]}]}],
    "findings": [],
    "cost": {"interface_endpoint_azs_present": 2, "interface_endpoint_azs_needed": 6,
             "monthly_usd_needed": 43.2, "message": "about $43.20 a month"},
}
put("report_json", json.dumps(probe, indent=1))
put("report_json", json.dumps(validate))
put("report_json", json.dumps({"schema": "netready.report/v1", "kind": "probe", "status": "ready",
                               "region": None}))
# The three smallest real reports under tests/data (the corpus stays small).
reports = []
for dirpath, _, files in os.walk(os.path.join(ROOT, "tests", "data")):
    for f in sorted(files):
        if f.endswith(".json"):
            with open(os.path.join(dirpath, f), "rb") as fh:
                raw = fh.read()
            if b"netready.report/v1" in raw:
                reports.append(raw)
for raw in sorted(set(reports), key=lambda r: (len(r), r))[:3]:
    put("report_json", raw)

# quote: hostile IDs.
for q in ["subnet-0abc", "sg-1 ; rm -rf /", "it's", "$(id)", "`id`", "a\nb", "\u2019x\u2018",
          "", "--dry-run", "tab\there", "\\", "\"dq\""]:
    put("quote", q)

# vpc_parse: every distinct describe-* document of tests/data/validate/, and
# a few whole scenarios (documents separated by NUL bytes, as the target
# splits them).
vdir = os.path.join(ROOT, "tests", "data", "validate")
if os.path.isdir(vdir):
    scenarios = sorted(d for d in os.listdir(vdir) if os.path.isdir(os.path.join(vdir, d)))
    for d in scenarios:
        for f in sorted(os.listdir(os.path.join(vdir, d))):
            if f.startswith("describe-") and f.endswith(".json"):
                with open(os.path.join(vdir, d, f), "rb") as fh:
                    put("vpc_parse", fh.read())
    for d in ["nat-gateway", "ipv6-only-nat64"]:
        path = os.path.join(vdir, d)
        if os.path.isdir(path):
            docs = []
            for f in sorted(os.listdir(path)):
                if f.startswith("describe-") and f.endswith(".json"):
                    with open(os.path.join(path, f), "rb") as fh:
                        docs.append(fh.read())
            put("vpc_parse", b"\0".join(docs))
# The documents no scenario uses yet (prefix lists and their entries, Block
# Public Access, ip-ranges.json): each alone, all together in both orders
# (entries before and after their list), and beside a scenario's route table.
ddir = os.path.join(ROOT, "tests", "data", "documents")
if os.path.isdir(ddir):
    docs = []
    for f in sorted(os.listdir(ddir)):
        if f.endswith(".json"):
            with open(os.path.join(ddir, f), "rb") as fh:
                docs.append(fh.read())
                put("vpc_parse", docs[-1])
    put("vpc_parse", b"\0".join(docs))
    put("vpc_parse", b"\0".join(reversed(docs)))
    # With the route table that names pl-6da54004 (the target reads 8 documents).
    rt = os.path.join(vdir, "nat-gateway", "describe-route-tables.json")
    if os.path.exists(rt):
        with open(rt, "rb") as fh:
            put("vpc_parse", b"\0".join([fh.read()] + docs[:7]))
for bad in ['{"Entries": [{"Cidr": "10.0.0.0/8"}]}',
            '{"PrefixListId": "pl-1", "Entries": [{"Cidr": "10.0.0.0/8"}], "PrefixLists": [{"PrefixListId": "pl-1"}]}',
            '{"VpcBlockPublicAccessOptions": {"InternetGatewayBlockMode": "block-ingress"}}',
            '{"VpcBlockPublicAccessExclusions": [{"ExclusionId": "e", "InternetGatewayExclusionMode": "allow-egress", '
            '"ResourceArn": "arn:aws-cn:ec2:cn-north-1:1:subnet/subnet-1", "State": "update-failed"}]}',
            '{"prefixes": [{"ip_prefix": "::/0", "region": "GLOBAL", "service": "AMAZON"}]}']:
    put("vpc_parse", bad)
for bad in ["", "{", "[]", '{"Subnets": 5}', '{"RouteTables": [{"Routes": [{"DestinationCidrBlock": "10.0.0.1/8"}]}]}',
            "[" * 200, '{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}\0{"Vpcs": []}']:
    put("vpc_parse", bad)
# A folder as collected (issue 12): an empty document and white space beside
# one read, another command's output (with NextToken), the same resource
# twice alike and not, subnets of two regions.
SUBNET = '{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "%s", "AvailabilityZone": "%s"}'
for folder in [
        ["", " \r\n\t", '{"Vpcs": [{"VpcId": "vpc-1"}]}'],
        ['{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1"}], "NextToken": "t"}', '{"Vpcs": []}'],
        ['{"Subnets": [%s]}' % (SUBNET % ("10.0.0.0/24", "eu-west-1a")),
         '{"Subnets": [%s]}' % (SUBNET % ("10.0.0.0/24", "eu-west-1a"))],
        ['{"Subnets": [%s]}' % (SUBNET % ("10.0.0.0/24", "eu-west-1a")),
         '{"Subnets": [%s]}' % (SUBNET % ("10.0.1.0/24", "eu-west-1a"))],
        ['{"Subnets": [%s]}' % (SUBNET % ("10.0.0.0/24", "eu-west-1a")),
         '{"Subnets": [%s]}' % (SUBNET % ("10.0.0.0/24", "us-east-1a")).replace("subnet-1", "subnet-2")],
        ['{"PrefixListId": "pl-1", "Entries": [{"Cidr": "10.0.0.0/8"}, {"Cidr": "10.1.0.0/16"}]}',
         '{"PrefixListId": "pl-1", "Entries": [{"Cidr": "10.1.0.0/16"}, {"Cidr": "10.0.0.0/8"}]}']]:
    put("vpc_parse", "\0".join(folder))

# plan_parse: every plan of tests/data/plan/ and of the validator's plan
# scenarios (UTF-8 ones: the target reads bytes as UTF-8), the plan beside
# the describe-* documents it changes, and a few broken plans.
pdir = os.path.join(ROOT, "tests", "data", "plan")
plans = []
for base in [pdir, vdir]:
    if os.path.isdir(base):
        for d in sorted(os.listdir(base)):
            f = os.path.join(base, d, "plan.json")
            if os.path.exists(f):
                with open(f, "rb") as fh:
                    raw = fh.read()
                if not raw.startswith(b"\xff\xfe"):
                    plans.append(raw)
                    put("plan_parse", raw)
existing = os.path.join(pdir, "endpoints-on-existing")
if os.path.isdir(existing):
    docs = []
    for f in ["plan.json", "describe-subnets.json", "describe-route-tables.json",
              "describe-security-groups.json", "describe-vpc-endpoints.json"]:
        with open(os.path.join(existing, f), "rb") as fh:
            docs.append(fh.read())
    put("plan_parse", b"\0".join(docs))
for bad in ['{"format_version": "2.0", "resource_changes": []}',
            '{"format_version": "1.2", "resource_changes": [{"address": "aws_vpc.a", "type": "aws_vpc", "name": "a", '
            '"change": {"actions": ["create"], "after": {"cidr_block": 5}}}]}',
            '{"format_version": "0.1", "planned_values": {"root_module": {"child_modules": [' * 40 + ']}}' * 40 + '}',
            '{"format_version": "1.0", "resource_changes": [{"address": "aws_subnet.s[0]", "type": "aws_subnet", '
            '"name": "s", "index": 0, "change": {"actions": ["create"], "after": {"availability_zone": "eu-west-1a"}, '
            '"after_unknown": {"cidr_block": true, "vpc_id": true}}}]}']:
    put("plan_parse", bad)

# policy: the documents of tests/data/policy/cases.json, as the check reads
# them, and a few hostile ones.
pcases = data(os.path.join("policy", "cases.json"))
for case in (pcases or {}).get("cases", []):
    p = case.get("policy")
    if isinstance(p, str):
        put("policy", p)
    elif p is not None:
        put("policy", json.dumps(p))
for bad in ["", "{}", '{"Statement": []}', '{"Statement": {}}', "[" * 200, '{"Statement": [' * 100,
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*",'
            '"Resource":"arn:aws:s3:::${aws:SourceVpc}/${*}${?}${$}${aws:x, \'d\'}*"}]}',
            '{"Statement":[{"Effect":"Allow","Principal":{"AWS":["*","123456789012"]},"Action":"*",'
            '"Resource":"*","Condition":{"ForAnyValue:StringLikeIfExists":{"aws:SourceVpce":["vpce-*",1,true]}}}]}']:
    put("policy", bad)

# text_decode: the start of each file of tests/data/encodings (every
# encoding netready reads and the ones it refuses), and the byte-order marks
# and magic numbers alone or cut short.
enc_dir = os.path.join(ROOT, "tests", "data", "encodings")
for name in sorted(os.listdir(enc_dir)) if os.path.isdir(enc_dir) else []:
    if name.endswith(".json") and name != "cases.json" or name.endswith(".gz"):
        with open(os.path.join(enc_dir, name), "rb") as f:
            put("text_decode", f.read(256))
for raw in [b"", b"\xef\xbb\xbf", b"\xef\xbb", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00",
            b"\x00\x00\xfe\xff", b"\x1f\x8b", b"PK\x03\x04", b"\x00", b"{", b"{\x00", b"\x00{",
            b"{\x00\x00\x00", b"\x00\x00\x00{", b"{\x00\x00\xd8}\x00", b"\xff\xfe{", b"{\"a\": \"\xc3"]:
    put("text_decode", raw)

# Structured targets: fixed pseudo-random bytes.
rng = random.Random(6)
for target in ["assess", "vpc_eval"] + sys.argv[1:]:
    for n in [16, 32, 64, 128, 256, 512]:
        put(target, bytes(rng.randrange(256) for _ in range(n)))
