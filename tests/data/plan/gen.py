#!/usr/bin/env python3
"""Writes the Terraform plan cases of tests/data/plan/ (and the two
validator scenarios of tests/data/validate/ named after the plan finding
codes): `terraform show -json PLANFILE` output, written by hand in the
format of HashiCorp's "JSON Output Format" page (plan, values, change,
configuration and expression representations), with the attributes the
AWS provider (v5) plans for each resource type.

Terraform itself is not run here (its registry is out of reach from CI):
every document is built by this script, so the cases stay consistent.

    python3 tests/data/plan/gen.py          # the cases
    python3 tests/data/plan/gen.py bench N  # a plan of an N-subnet VPC on stdout
"""

import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VALIDATE = os.path.join(HERE, "..", "validate")
PROVIDER = "registry.terraform.io/hashicorp/aws"
REGION = "eu-west-1"


def refs(*traversals):
    """An expression of references, each unwrapped into its steps as
    Terraform writes them: `aws_vpc.this[0].id` gives the reference, then
    `aws_vpc.this[0]`, then `aws_vpc.this`."""
    out = []
    for cur in traversals:
        while True:
            if cur not in out:
                out.append(cur)
            if cur.endswith("]"):
                cur = cur[: cur.rindex("[")]
            elif cur.count(".") > 1:
                cur = cur[: cur.rindex(".")]
            else:
                break
    return {"references": out}


def const(v):
    return {"constant_value": v}


def tags(name):
    return {"Name": name}


class Plan:
    def __init__(self, fmt="1.2", tf="1.9.8"):
        self.fmt = fmt
        self.tf = tf
        self.changes = []
        self.modules = {"": {"resources": [], "module_calls": {}}}
        self.calls = {}

    def module(self, name, source, expressions, outputs):
        m = {"resources": [], "outputs": outputs}
        self.modules["module." + name] = m
        self.calls[name] = {
            "source": source,
            "expressions": expressions,
            "module": m,
            "version_constraint": "~> 5.0",
        }

    def config(self, type_, name, expressions, module="", count=None, for_each=None):
        r = {
            "address": f"{type_}.{name}",
            "mode": "managed",
            "type": type_,
            "name": name,
            "provider_config_key": f"{module[7:]}:aws" if module else "aws",
            "expressions": expressions,
            "schema_version": 1 if type_ in ("aws_vpc", "aws_security_group", "aws_subnet") else 0,
        }
        if count is not None:
            r["count_expression"] = count
        if for_each is not None:
            r["for_each_expression"] = for_each
        self.modules[module]["resources"].append(r)

    def resource(self, type_, name, after, unknown=(), module="", index=None,
                 actions=("create",), before=None):
        key = "" if index is None else (f"[{index}]" if isinstance(index, int) else f'["{index}"]')
        address = (module + "." if module else "") + f"{type_}.{name}{key}"
        after_unknown = {k: True for k in unknown}
        for k, v in (after or {}).items():
            if isinstance(v, dict) and k.startswith("tags"):
                after_unknown[k] = {}
            elif isinstance(v, list):
                after_unknown[k] = [({} if isinstance(x, dict) else False) for x in v]
        rc = {"address": address}
        if module:
            rc["module_address"] = module
        rc.update({"mode": "managed", "type": type_, "name": name})
        if index is not None:
            rc["index"] = index
        # Terraform 0.12 (format 0.1) named providers without their source.
        rc["provider_name"] = "aws" if self.fmt == "0.1" else PROVIDER
        change = {
            "actions": list(actions),
            "before": before,
            "after": None if actions == ("delete",) else after,
            "after_unknown": {} if actions == ("delete",) else after_unknown,
        }
        if self.fmt != "0.1":
            change["before_sensitive"] = False if before is None else {}
            change["after_sensitive"] = False if actions == ("delete",) else {
                k: {} for k in (after or {}) if k.startswith("tags")
            }
        rc["change"] = change
        self.changes.append(rc)
        return address

    def values(self, pick):
        """A values representation of the instances `pick` returns values for."""
        by_module = {}
        for rc in self.changes:
            v = pick(rc)
            if v is None:
                continue
            r = {
                "address": rc["address"],
                "mode": "managed",
                "type": rc["type"],
                "name": rc["name"],
            }
            if "index" in rc:
                r["index"] = rc["index"]
            r["provider_name"] = "aws" if self.fmt == "0.1" else PROVIDER
            r["schema_version"] = 1 if rc["type"] in ("aws_vpc", "aws_security_group", "aws_subnet") else 0
            r["values"] = v
            if self.fmt != "0.1":
                r["sensitive_values"] = {}
            by_module.setdefault(rc.get("module_address", ""), []).append(r)
        root = {"resources": by_module.get("", [])}
        children = [{"address": m, "resources": rs} for m, rs in sorted(by_module.items()) if m]
        if children:
            root["child_modules"] = children
        return {"root_module": root}

    def document(self):
        doc = {"format_version": self.fmt, "terraform_version": self.tf}
        doc["variables"] = {"region": {"value": REGION}}
        doc["planned_values"] = self.values(
            lambda rc: None if rc["change"]["actions"] == ["delete"] else rc["change"]["after"])
        doc["resource_changes"] = self.changes
        if any(rc["change"]["before"] is not None for rc in self.changes):
            doc["prior_state"] = {
                "format_version": self.fmt,
                "terraform_version": self.tf,
                "values": self.values(lambda rc: rc["change"]["before"]),
            }
        root = dict(self.modules[""])
        root["module_calls"] = self.calls
        doc["configuration"] = {
            "provider_config": {
                "aws": {
                    "name": "aws",
                    "full_name": PROVIDER,
                    "expressions": {"region": {"references": ["var.region"]}},
                }
            },
            "root_module": root,
        }
        if self.fmt != "0.1":
            doc["relevant_attributes"] = []
            doc["timestamp"] = "2026-12-06T10:00:00Z"
            doc["applyable"] = True
            doc["complete"] = True
            doc["errored"] = False
        return doc


# The attributes the AWS provider plans for a new resource: known ones in
# `after`, computed ones in `after_unknown`.

def vpc_after(cidr, name):
    return ({
        "assign_generated_ipv6_cidr_block": False,
        "cidr_block": cidr,
        "enable_dns_hostnames": True,
        "enable_dns_support": True,
        "enable_network_address_usage_metrics": False,
        "instance_tenancy": "default",
        "ipv4_ipam_pool_id": None,
        "ipv4_netmask_length": None,
        "ipv6_ipam_pool_id": None,
        "ipv6_netmask_length": None,
        "tags": tags(name),
        "tags_all": tags(name),
    }, ["arn", "default_network_acl_id", "default_route_table_id", "default_security_group_id",
        "dhcp_options_id", "id", "ipv6_association_id", "ipv6_cidr_block",
        "ipv6_cidr_block_network_border_group", "main_route_table_id", "owner_id"])


def subnet_after(cidr, az, name, public=False):
    return ({
        "assign_ipv6_address_on_creation": False,
        "availability_zone": az,
        "cidr_block": cidr,
        "customer_owned_ipv4_pool": None,
        "enable_dns64": False,
        "enable_lni_at_device_index": None,
        "enable_resource_name_dns_a_record_on_launch": False,
        "enable_resource_name_dns_aaaa_record_on_launch": False,
        "ipv6_cidr_block": None,
        "ipv6_native": False,
        "map_customer_owned_ip_on_launch": None,
        "map_public_ip_on_launch": public,
        "outpost_arn": None,
        "tags": tags(name),
        "tags_all": tags(name),
        "timeouts": None,
    }, ["arn", "availability_zone_id", "id", "ipv6_cidr_block_association_id", "owner_id",
        "private_dns_hostname_type_on_launch", "vpc_id"])


def rt_after(name):
    return ({"propagating_vgws": None, "tags": tags(name), "tags_all": tags(name), "timeouts": None},
            ["arn", "id", "owner_id", "route", "vpc_id"])


def route_after(dest):
    return ({
        "carrier_gateway_id": None, "core_network_arn": None, "destination_cidr_block": dest,
        "destination_ipv6_cidr_block": None, "destination_prefix_list_id": None,
        "egress_only_gateway_id": None, "local_gateway_id": None, "timeouts": {"create": "5m"},
        "transit_gateway_id": None, "vpc_endpoint_id": None, "vpc_peering_connection_id": None,
    }, ["id", "instance_id", "instance_owner_id", "network_interface_id", "origin",
        "route_table_id", "state"])


def sg_rule_block(port, cidrs=(), groups=(), self_=False, protocol="tcp"):
    return {
        "cidr_blocks": list(cidrs), "description": "", "from_port": port,
        "ipv6_cidr_blocks": [], "prefix_list_ids": [], "protocol": protocol,
        "security_groups": list(groups), "self": self_, "to_port": port,
    }


def sg_after(name, vpc_id=None, ingress=None, egress=None):
    after = {
        "description": "Managed by Terraform",
        "name": name,
        "revoke_rules_on_delete": False,
        "tags": tags(name),
        "tags_all": tags(name),
        "timeouts": None,
    }
    unknown = ["arn", "id", "name_prefix", "owner_id"]
    for k, v in (("ingress", ingress), ("egress", egress)):
        if v is None:
            unknown.append(k)
        else:
            after[k] = v
    if vpc_id is None:
        unknown.append("vpc_id")
    else:
        after["vpc_id"] = vpc_id
    return after, unknown


def endpoint_after(service, kind, vpc_id=None, subnet_ids=None, sgs=None, rts=None, private_dns=None):
    after = {
        "auto_accept": None,
        "ip_address_type": "ipv4" if kind == "Interface" else None,
        "private_dns_enabled": private_dns if private_dns is not None else False,
        "service_name": f"com.amazonaws.{REGION}.{service}",
        "tags": tags(service),
        "tags_all": tags(service),
        "timeouts": None,
        "vpc_endpoint_type": kind,
    }
    unknown = ["arn", "cidr_blocks", "dns_entry", "dns_options", "id", "network_interface_ids",
               "owner_id", "policy", "prefix_list_id", "requester_managed", "state", "service_region"]
    for k, v in (("vpc_id", vpc_id), ("subnet_ids", subnet_ids), ("security_group_ids", sgs),
                 ("route_table_ids", rts)):
        if v is None:
            unknown.append(k)
        else:
            after[k] = v
    return after, unknown


def default_nacl_rules():
    def rule(no, cidr, v6=False):
        return {"action": "allow", "cidr_block": "" if v6 else cidr, "from_port": 0, "icmp_code": 0,
                "icmp_type": 0, "ipv6_cidr_block": cidr if v6 else "", "protocol": "-1",
                "rule_no": no, "to_port": 0}
    return [rule(100, "0.0.0.0/0"), rule(101, "::/0", True)]


def write(path, doc, encoding="utf-8"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    text = json.dumps(doc, indent=2) + "\n"
    with open(path, "w", encoding=encoding, newline="\n") as f:
        if encoding == "utf-16-le":
            f.write("\ufeff")
        f.write(text)


def case(name, comment, args, plan, extra_files=(), root=HERE, encoding="utf-8"):
    d = os.path.join(root, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "args"), "w") as f:
        f.write(f"# {comment}\n")
        if args:
            f.write(args + "\n")
    write(os.path.join(d, "plan.json"), plan.document(), encoding)
    for src in extra_files:
        shutil.copy(src, d)


# ---------------------------------------------------------------------------
# terraform-aws-modules/vpc (v5), one NAT gateway per AZ.

def module_vpc(p, azs, cidr="10.0.0.0/16", nat_per_az=True):
    m = "module.vpc"
    n = len(azs)
    p.module("vpc", "terraform-aws-modules/vpc/aws", {
        "azs": const(azs),
        "cidr": const(cidr),
        "enable_nat_gateway": const(True),
        "one_nat_gateway_per_az": const(nat_per_az),
        "single_nat_gateway": const(not nat_per_az),
        "name": const("runners"),
        "private_subnets": const([f"10.0.{i + 1}.0/24" for i in range(n)]),
        "public_subnets": const([f"10.0.{i + 101}.0/24" for i in range(n)]),
    }, {
        "vpc_id": {"expression": refs("aws_vpc.this[0].id")},
        "private_subnets": {"expression": refs("aws_subnet.private")},
        "default_security_group_id": {"expression": refs("aws_vpc.this[0].default_security_group_id")},
    })
    cfg = lambda *a, **k: p.config(*a, module=m, **k)
    cfg("aws_vpc", "this", {
        "cidr_block": refs("var.use_ipam_pool", "var.cidr"),
        "enable_dns_hostnames": refs("var.enable_dns_hostnames"),
        "enable_dns_support": refs("var.enable_dns_support"),
        "tags": refs("var.name", "var.tags", "var.vpc_tags"),
    }, count=refs("local.create_vpc"))
    a, u = vpc_after(cidr, "runners")
    p.resource("aws_vpc", "this", a, u, module=m, index=0)

    cfg("aws_internet_gateway", "this", {"vpc_id": refs("local.vpc_id")},
        count=refs("local.create_public_subnets", "var.create_igw"))
    p.resource("aws_internet_gateway", "this", {"tags": tags("runners"), "tags_all": tags("runners"), "timeouts": None},
               ["arn", "id", "owner_id", "vpc_id"], module=m, index=0)

    for kind, base, public in (("public", 101, True), ("private", 1, False)):
        cfg("aws_subnet", kind, {
            "availability_zone": refs("var.azs", "count.index"),
            "cidr_block": refs(f"var.{kind}_subnets", "count.index"),
            "map_public_ip_on_launch": refs(f"var.map_public_ip_on_launch"),
            "vpc_id": refs("local.vpc_id"),
        }, count=refs(f"local.create_{kind}_subnets", f"local.len_{kind}_subnets"))
        for i, az in enumerate(azs):
            a, u = subnet_after(f"10.0.{base + i}.0/24", az, f"runners-{kind}-{az}", public=False)
            p.resource("aws_subnet", kind, a, u, module=m, index=i)

    cfg("aws_route_table", "public", {"vpc_id": refs("local.vpc_id")}, count=refs("local.create_public_subnets"))
    a, u = rt_after("runners-public")
    p.resource("aws_route_table", "public", a, u, module=m, index=0)
    cfg("aws_route", "public_internet_gateway", {
        "destination_cidr_block": const("0.0.0.0/0"),
        "gateway_id": refs("aws_internet_gateway.this[0].id"),
        "route_table_id": refs("aws_route_table.public[0].id"),
        "timeouts": [{"create": const("5m")}],
    }, count=refs("local.create_public_subnets", "var.create_igw"))
    a, u = route_after("0.0.0.0/0")
    p.resource("aws_route", "public_internet_gateway", a, u + ["gateway_id"], module=m, index=0)
    cfg("aws_route_table_association", "public", {
        "route_table_id": refs("aws_route_table.public[0].id"),
        "subnet_id": refs("aws_subnet.public", "count.index"),
    }, count=refs("local.create_public_subnets", "local.len_public_subnets"))
    for i in range(n):
        p.resource("aws_route_table_association", "public", {"gateway_id": None, "timeouts": None},
                   ["id", "route_table_id", "subnet_id"], module=m, index=i)

    nats = n if nat_per_az else 1
    cfg("aws_eip", "nat", {"domain": const("vpc")}, count=refs("local.create_vpc", "var.enable_nat_gateway", "local.nat_gateway_count"))
    cfg("aws_nat_gateway", "this", {
        "allocation_id": refs("local.nat_gateway_ips", "var.single_nat_gateway", "count.index"),
        "subnet_id": refs("aws_subnet.public", "var.single_nat_gateway", "count.index"),
    }, count=refs("local.create_vpc", "var.enable_nat_gateway", "local.nat_gateway_count"))
    for i in range(nats):
        p.resource("aws_eip", "nat", {"domain": "vpc", "tags": tags(f"runners-{azs[i]}")},
                   ["allocation_id", "id", "public_ip", "public_dns"], module=m, index=i)
        p.resource("aws_nat_gateway", "this", {
            "connectivity_type": "public", "tags": tags(f"runners-{azs[i]}"), "timeouts": None},
            ["allocation_id", "association_id", "id", "network_interface_id", "private_ip",
             "public_ip", "secondary_private_ip_addresses", "subnet_id"], module=m, index=i)

    cfg("aws_route_table", "private", {"vpc_id": refs("local.vpc_id")},
        count=refs("local.create_private_subnets", "local.nat_gateway_count"))
    cfg("aws_route", "private_nat_gateway", {
        "destination_cidr_block": refs("var.nat_gateway_destination_cidr_block"),
        "nat_gateway_id": refs("aws_nat_gateway.this", "count.index"),
        "route_table_id": refs("aws_route_table.private", "count.index"),
        "timeouts": [{"create": const("5m")}],
    }, count=refs("var.create_vpc", "var.enable_nat_gateway", "local.nat_gateway_count"))
    cfg("aws_route_table_association", "private", {
        "route_table_id": refs("aws_route_table.private", "var.single_nat_gateway", "count.index"),
        "subnet_id": refs("aws_subnet.private", "count.index"),
    }, count=refs("local.create_private_subnets", "local.len_private_subnets"))
    for i in range(nats):
        a, u = rt_after(f"runners-private-{azs[i]}")
        p.resource("aws_route_table", "private", a, u, module=m, index=i)
        a, u = route_after("0.0.0.0/0")
        p.resource("aws_route", "private_nat_gateway", a, u + ["nat_gateway_id"], module=m, index=i)
    for i in range(n):
        p.resource("aws_route_table_association", "private", {"gateway_id": None, "timeouts": None},
                   ["id", "route_table_id", "subnet_id"], module=m, index=i)

    # manage_default_* (the module's defaults): the default security group
    # loses every rule, the default network ACL allows everything, the
    # main route table has no route besides local.
    cfg("aws_default_security_group", "this", {"vpc_id": refs("aws_vpc.this[0].id")},
        count=refs("local.create_vpc", "var.manage_default_security_group"))
    p.resource("aws_default_security_group", "this", {
        "egress": [], "ingress": [], "revoke_rules_on_delete": False,
        "tags": tags("runners-default"), "tags_all": tags("runners-default")},
        ["arn", "description", "id", "name", "name_prefix", "owner_id", "vpc_id"], module=m, index=0)
    cfg("aws_default_network_acl", "this", {
        "default_network_acl_id": refs("aws_vpc.this[0].default_network_acl_id"),
        "subnet_ids": const(None),
    }, count=refs("local.create_vpc", "var.manage_default_network_acl"))
    p.resource("aws_default_network_acl", "this", {
        "egress": default_nacl_rules(), "ingress": default_nacl_rules(), "subnet_ids": None,
        "tags": tags("runners-default"), "tags_all": tags("runners-default")},
        ["arn", "default_network_acl_id", "id", "owner_id", "vpc_id"], module=m, index=0)
    cfg("aws_default_route_table", "default", {
        "default_route_table_id": refs("aws_vpc.this[0].default_route_table_id"),
        "timeouts": [{"create": const("5m"), "update": const("5m")}],
    }, count=refs("local.create_vpc", "var.manage_default_route_table"))
    p.resource("aws_default_route_table", "default", {
        "propagating_vgws": None, "route": [], "tags": tags("runners-default"),
        "tags_all": tags("runners-default"), "timeouts": {"create": "5m", "update": "5m"}},
        ["arn", "default_route_table_id", "id", "owner_id", "vpc_id"], module=m, index=0)


def runner_sg(p, vpc_ref, egress=True, vpc_id=None):
    exprs = {"name": const("runner"), "vpc_id": refs(vpc_ref)}
    if egress:
        exprs["egress"] = [{
            "cidr_blocks": const(["0.0.0.0/0"]), "from_port": const(443),
            "protocol": const("tcp"), "to_port": const(443)}]
    p.config("aws_security_group", "runner", exprs)
    a, u = sg_after("runner", vpc_id, ingress=[],
                    egress=[sg_rule_block(443, ["0.0.0.0/0"])] if egress else None)
    return p.resource("aws_security_group", "runner", a, u)


def module_nat_per_az():
    p = Plan()
    azs = [f"{REGION}a", f"{REGION}b", f"{REGION}c"]
    module_vpc(p, azs)
    runner_sg(p, "module.vpc.vpc_id")
    return p


# ---------------------------------------------------------------------------
# A private VPC with endpoints, written as root resources with for_each.

def private_vpc(p, runner_egress=True, cidr_unknown=False):
    p.config("aws_vpc", "main", {
        "cidr_block": refs("aws_vpc_ipam_preview_next_cidr.main.cidr") if cidr_unknown else const("10.1.0.0/16"),
        "enable_dns_hostnames": const(True), "enable_dns_support": const(True)})
    a, u = vpc_after("10.1.0.0/16", "private")
    p.resource("aws_vpc", "main", a, u)
    subnets = {"a": "10.1.1.0/24", "b": "10.1.2.0/24"}
    p.config("aws_subnet", "private", {
        "availability_zone": refs("each.key"),
        "cidr_block": refs("aws_vpc_ipam_preview_next_cidr.main.cidr", "each.value") if cidr_unknown else refs("each.value"),
        "vpc_id": refs("aws_vpc.main.id")}, for_each=refs("local.private_subnets"))
    for k, c in subnets.items():
        a, u = subnet_after(c, f"{REGION}{k}", f"private-{k}")
        if cidr_unknown:
            del a["cidr_block"]
            u.append("cidr_block")
        p.resource("aws_subnet", "private", a, u, index=k)
    p.config("aws_route_table", "private", {"vpc_id": refs("aws_vpc.main.id")})
    a, u = rt_after("private")
    p.resource("aws_route_table", "private", a, u)
    p.config("aws_route_table_association", "private", {
        "route_table_id": refs("aws_route_table.private.id"),
        "subnet_id": refs("each.value.id")}, for_each=refs("aws_subnet.private"))
    for k in subnets:
        p.resource("aws_route_table_association", "private", {"gateway_id": None, "timeouts": None},
                   ["id", "route_table_id", "subnet_id"], index=k)
    p.config("aws_security_group", "endpoints", {
        "name": const("endpoints"), "vpc_id": refs("aws_vpc.main.id"),
        "ingress": [{"cidr_blocks": refs("aws_vpc.main.cidr_block"), "from_port": const(443),
                     "protocol": const("tcp"), "to_port": const(443)}]})
    a, u = sg_after("endpoints", None, ingress=[sg_rule_block(443, ["10.1.0.0/16"])], egress=None)
    p.resource("aws_security_group", "endpoints", a, u)
    runner_sg(p, "aws_vpc.main.id", egress=runner_egress)
    services = ["ecr.api", "ecr.dkr", "logs", "secretsmanager"]
    p.config("aws_vpc_endpoint", "interface", {
        "private_dns_enabled": const(True),
        "security_group_ids": refs("aws_security_group.endpoints.id"),
        "service_name": refs("var.region", "each.key"),
        "subnet_ids": refs("aws_subnet.private"),
        "vpc_endpoint_type": const("Interface"),
        "vpc_id": refs("aws_vpc.main.id")}, for_each=refs("local.interface_services"))
    for s in services:
        a, u = endpoint_after(s, "Interface", private_dns=True)
        p.resource("aws_vpc_endpoint", "interface", a, u, index=s)
    p.config("aws_vpc_endpoint", "s3", {
        "route_table_ids": refs("aws_route_table.private.id"),
        "service_name": refs("var.region"),
        "vpc_endpoint_type": const("Gateway"),
        "vpc_id": refs("aws_vpc.main.id")})
    a, u = endpoint_after("s3", "Gateway")
    p.resource("aws_vpc_endpoint", "s3", a, u)
    return p


def private_endpoints():
    return private_vpc(Plan())


def sg_without_egress():
    return private_vpc(Plan(), runner_egress=False)


def format_01():
    return private_vpc(Plan(fmt="0.1", tf="0.12.31"))


def unknown_cidr():
    return private_vpc(Plan(), cidr_unknown=True)


# ---------------------------------------------------------------------------
# aws_route with count, written by hand (not the module): the NAT gateway
# of each route is guessed by index.

def route_count():
    p = Plan()
    p.config("aws_vpc", "this", {"cidr_block": const("10.2.0.0/16"),
                                 "enable_dns_hostnames": const(True)})
    a, u = vpc_after("10.2.0.0/16", "counted")
    p.resource("aws_vpc", "this", a, u)
    p.config("aws_internet_gateway", "this", {"vpc_id": refs("aws_vpc.this.id")})
    p.resource("aws_internet_gateway", "this", {"tags": None, "timeouts": None},
               ["arn", "id", "owner_id", "vpc_id"])
    for kind, base in (("public", 0), ("private", 10)):
        p.config("aws_subnet", kind, {
            "availability_zone": refs("local.azs", "count.index"),
            "cidr_block": refs("aws_vpc.this.cidr_block", "count.index"),
            "vpc_id": refs("aws_vpc.this.id")}, count=const(2))
        for i, az in enumerate("ab"):
            a, u = subnet_after(f"10.2.{base + i}.0/24", f"{REGION}{az}", f"{kind}-{az}")
            p.resource("aws_subnet", kind, a, u, index=i)
    p.config("aws_route_table", "public", {
        "vpc_id": refs("aws_vpc.this.id"),
        "route": [{"cidr_block": const("0.0.0.0/0"), "gateway_id": refs("aws_internet_gateway.this.id")}]})
    a, u = rt_after("public")
    u.remove("route")
    a["route"] = [{
        "carrier_gateway_id": "", "cidr_block": "0.0.0.0/0", "core_network_arn": "",
        "destination_prefix_list_id": "", "egress_only_gateway_id": "", "ipv6_cidr_block": "",
        "local_gateway_id": "", "nat_gateway_id": "", "network_interface_id": "",
        "transit_gateway_id": "", "vpc_endpoint_id": "", "vpc_peering_connection_id": ""}]
    rc_addr = p.resource("aws_route_table", "public", a, u)
    # The inline route's gateway is known only after apply.
    p.changes[-1]["change"]["after_unknown"]["route"] = [{"gateway_id": True}]
    p.config("aws_route_table_association", "public", {
        "route_table_id": refs("aws_route_table.public.id"),
        "subnet_id": refs("aws_subnet.public", "count.index")}, count=const(2))
    p.config("aws_nat_gateway", "this", {
        "allocation_id": refs("aws_eip.nat", "count.index"),
        "subnet_id": refs("aws_subnet.public", "count.index")}, count=const(2))
    p.config("aws_route_table", "private", {"vpc_id": refs("aws_vpc.this.id")}, count=const(2))
    p.config("aws_route", "private_nat", {
        "destination_cidr_block": const("0.0.0.0/0"),
        "nat_gateway_id": refs("aws_nat_gateway.this", "count.index"),
        "route_table_id": refs("aws_route_table.private", "count.index")}, count=const(2))
    p.config("aws_route_table_association", "private", {
        "route_table_id": refs("aws_route_table.private", "count.index"),
        "subnet_id": refs("aws_subnet.private", "count.index")}, count=const(2))
    for i in range(2):
        p.resource("aws_route_table_association", "public", {"gateway_id": None, "timeouts": None},
                   ["id", "route_table_id", "subnet_id"], index=i)
        p.resource("aws_nat_gateway", "this", {"connectivity_type": "public", "tags": None, "timeouts": None},
                   ["allocation_id", "id", "network_interface_id", "private_ip", "public_ip", "subnet_id"], index=i)
        a, u = rt_after(f"private-{i}")
        p.resource("aws_route_table", "private", a, u, index=i)
        a, u = route_after("0.0.0.0/0")
        p.resource("aws_route", "private_nat", a, u + ["nat_gateway_id"], index=i)
        p.resource("aws_route_table_association", "private", {"gateway_id": None, "timeouts": None},
                   ["id", "route_table_id", "subnet_id"], index=i)
    runner_sg(p, "aws_vpc.this.id")
    return p


# ---------------------------------------------------------------------------
# A plan deleting the NAT gateway of an existing VPC (prior state only: no
# describe-* files).

def delete_nat():
    p = Plan()
    vpc = "vpc-0d1e1e7e0000000a1"
    state = []

    def keep(type_, name, values, index=None, actions=("no-op",)):
        after = None if actions == ("delete",) else values
        p.resource(type_, name, after, [], index=index, actions=actions, before=values)

    keep("aws_vpc", "this", {
        "arn": f"arn:aws:ec2:{REGION}:111122223333:vpc/{vpc}", "assign_generated_ipv6_cidr_block": False,
        "cidr_block": "10.3.0.0/16", "default_network_acl_id": "acl-0d1e1e7e0000000a1",
        "default_route_table_id": "rtb-0d1e1e7e0000000a0", "default_security_group_id": "sg-0d1e1e7e0000000a0",
        "dhcp_options_id": "dopt-0d1e1e7e0000000a1", "enable_dns_hostnames": True, "enable_dns_support": True,
        "id": vpc, "instance_tenancy": "default", "ipv6_cidr_block": "", "main_route_table_id": "rtb-0d1e1e7e0000000a0",
        "owner_id": "111122223333", "tags": tags("existing"), "tags_all": tags("existing")})
    keep("aws_internet_gateway", "this", {"arn": "", "id": "igw-0d1e1e7e0000000a1", "owner_id": "111122223333",
                                          "tags": {}, "tags_all": {}, "vpc_id": vpc})
    subnets = [("public", "subnet-0d1e1e7e0000000b1", "10.3.0.0/24"),
               ("private", "subnet-0d1e1e7e0000000c1", "10.3.10.0/24")]
    for name, sid, cidr in subnets:
        a, _ = subnet_after(cidr, f"{REGION}a", name)
        a.update({"id": sid, "vpc_id": vpc, "arn": f"arn:aws:ec2:{REGION}:111122223333:subnet/{sid}",
                  "owner_id": "111122223333", "ipv6_cidr_block": ""})
        keep("aws_subnet", name, a)
    route_fields = {
        "carrier_gateway_id": "", "core_network_arn": "", "destination_prefix_list_id": "",
        "egress_only_gateway_id": "", "ipv6_cidr_block": "", "local_gateway_id": "",
        "network_interface_id": "", "transit_gateway_id": "", "vpc_endpoint_id": "",
        "vpc_peering_connection_id": ""}
    keep("aws_route_table", "public", {"arn": "", "id": "rtb-0d1e1e7e0000000b1", "owner_id": "111122223333",
                                       "propagating_vgws": [], "tags": {}, "tags_all": {}, "vpc_id": vpc,
                                       "route": [dict(route_fields, cidr_block="0.0.0.0/0", gateway_id="igw-0d1e1e7e0000000a1", nat_gateway_id="")]})
    keep("aws_route_table", "private", {"arn": "", "id": "rtb-0d1e1e7e0000000c1", "owner_id": "111122223333",
                                        "propagating_vgws": [], "tags": {}, "tags_all": {}, "vpc_id": vpc,
                                        "route": [dict(route_fields, cidr_block="0.0.0.0/0", gateway_id="", nat_gateway_id="nat-0d1e1e7e0000000b1")]})
    for name, sid, _ in subnets:
        keep("aws_route_table_association", name, {
            "gateway_id": "", "id": f"rtbassoc-0d1e1e7e00000{sid[-4:]}",
            "route_table_id": f"rtb-0d1e1e7e0000000{sid[-2:]}", "subnet_id": sid, "timeouts": None})
    keep("aws_eip", "nat", {"allocation_id": "eipalloc-0d1e1e7e0000000b1", "domain": "vpc",
                            "id": "eipalloc-0d1e1e7e0000000b1", "public_ip": "198.51.100.7"}, actions=("delete",))
    keep("aws_nat_gateway", "this", {"allocation_id": "eipalloc-0d1e1e7e0000000b1", "connectivity_type": "public",
                                     "id": "nat-0d1e1e7e0000000b1", "subnet_id": "subnet-0d1e1e7e0000000b1",
                                     "tags": {}, "tags_all": {}}, actions=("delete",))
    # The private table's inline route goes with it: the table is updated.
    before = {"arn": "", "id": "rtb-0d1e1e7e0000000c1", "owner_id": "111122223333", "propagating_vgws": [],
              "tags": {}, "tags_all": {}, "vpc_id": vpc,
              "route": [dict(route_fields, cidr_block="0.0.0.0/0", gateway_id="", nat_gateway_id="nat-0d1e1e7e0000000b1")]}
    p.changes = [c for c in p.changes if c["address"] != "aws_route_table.private"]
    p.resource("aws_route_table", "private", dict(before, route=[]), [], actions=("update",), before=before)
    sg = {"arn": "", "description": "runner", "egress": [sg_rule_block(443, ["0.0.0.0/0"])], "id": "sg-0d1e1e7e0000000c1",
          "ingress": [], "name": "runner", "name_prefix": "", "owner_id": "111122223333",
          "revoke_rules_on_delete": False, "tags": {}, "tags_all": {}, "timeouts": None, "vpc_id": vpc}
    keep("aws_security_group", "runner", sg)
    # The default network ACL as AWS left it.
    keep("aws_default_network_acl", "default", {
        "default_network_acl_id": "acl-0d1e1e7e0000000a1", "id": "acl-0d1e1e7e0000000a1",
        "egress": default_nacl_rules()[:1], "ingress": default_nacl_rules()[:1],
        "subnet_ids": ["subnet-0d1e1e7e0000000b1", "subnet-0d1e1e7e0000000c1"], "vpc_id": vpc,
        "tags": {}, "tags_all": {}})
    for name, cfg in (("aws_vpc", {"cidr_block": const("10.3.0.0/16")}),):
        p.config(name, "this", cfg)
    return p


# ---------------------------------------------------------------------------
# Endpoints added to an existing VPC given as describe-* JSON (the base VPC
# of tests/data/validate: its NAT gateway stays, the endpoints take over).

def endpoints_on_existing():
    p = Plan()
    vpc = "vpc-0a1b2c3d4e5f60001"
    private = ["subnet-0ccc000000000003", "subnet-0ddd000000000004"]
    p.config("aws_security_group", "endpoints", {
        "name": const("vpce-443"), "vpc_id": const(vpc),
        "ingress": [{"cidr_blocks": const(["10.0.0.0/16"]), "from_port": const(443),
                     "protocol": const("tcp"), "to_port": const(443)}]})
    a, u = sg_after("vpce-443", vpc, ingress=[sg_rule_block(443, ["10.0.0.0/16"])], egress=None)
    p.resource("aws_security_group", "endpoints", a, u)
    p.config("aws_vpc_endpoint", "this", {
        "private_dns_enabled": const(True),
        "security_group_ids": refs("aws_security_group.endpoints.id"),
        "service_name": refs("each.value"),
        "subnet_ids": const(private),
        "vpc_endpoint_type": const("Interface"),
        "vpc_id": const(vpc)}, for_each=const(["ecr.api", "ecr.dkr", "logs", "secretsmanager"]))
    for s in ["ecr.api", "ecr.dkr", "logs", "secretsmanager"]:
        a, u = endpoint_after(s, "Interface", vpc_id=vpc, subnet_ids=private, private_dns=True)
        p.resource("aws_vpc_endpoint", "this", a, u, index=s)
    return p


def bench(n):
    """An n-subnet VPC (n/2 public, n/2 private, n/20 NAT gateways with a
    route table each), written as one plan: about 2,150 resource changes
    for n = 1,000. `core/benches/plan.rs` builds the same plan in Rust."""
    p = Plan()
    half, nats = n // 2, n // 20
    p.config("aws_vpc", "this", {"cidr_block": const("10.0.0.0/8")})
    a, u = vpc_after("10.0.0.0/8", "bench")
    p.resource("aws_vpc", "this", a, u)
    p.config("aws_internet_gateway", "this", {"vpc_id": refs("aws_vpc.this.id")})
    p.resource("aws_internet_gateway", "this", {"tags": None}, ["id", "vpc_id"])
    p.config("aws_route_table", "public", {"vpc_id": refs("aws_vpc.this.id")})
    a, u = rt_after("public")
    p.resource("aws_route_table", "public", a, u)
    p.config("aws_route", "igw", {"route_table_id": refs("aws_route_table.public.id"),
                                  "gateway_id": refs("aws_internet_gateway.this.id"),
                                  "destination_cidr_block": const("0.0.0.0/0")})
    a, u = route_after("0.0.0.0/0")
    p.resource("aws_route", "igw", a, u + ["gateway_id"])
    for kind, table in (("public", refs("aws_route_table.public.id")),
                        ("private", refs("aws_route_table.private", "count.index"))):
        p.config("aws_subnet", kind, {"vpc_id": refs("aws_vpc.this.id"), "cidr_block": refs("count.index")},
                 count=const(half))
        p.config("aws_route_table_association", kind, {
            "route_table_id": table, "subnet_id": refs(f"aws_subnet.{kind}", "count.index")}, count=const(half))
        for i in range(half):
            k = i + (half if kind == "private" else 0)
            a, u = subnet_after(f"10.{k // 256}.{k % 256}.0/24", f"{REGION}{'abc'[i % 3]}", f"{kind}-{i}")
            p.resource("aws_subnet", kind, a, u, index=i)
            p.resource("aws_route_table_association", kind, {"gateway_id": None},
                       ["id", "route_table_id", "subnet_id"], index=i)
    p.config("aws_nat_gateway", "this", {"subnet_id": refs("aws_subnet.public", "count.index")}, count=const(nats))
    p.config("aws_route_table", "private", {"vpc_id": refs("aws_vpc.this.id")}, count=const(nats))
    p.config("aws_route", "nat", {"route_table_id": refs("aws_route_table.private", "count.index"),
                                  "nat_gateway_id": refs("aws_nat_gateway.this", "count.index"),
                                  "destination_cidr_block": const("0.0.0.0/0")}, count=const(nats))
    for j in range(nats):
        p.resource("aws_nat_gateway", "this", {"connectivity_type": "public"}, ["id", "subnet_id"], index=j)
        a, u = rt_after(f"private-{j}")
        p.resource("aws_route_table", "private", a, u, index=j)
        a, u = route_after("0.0.0.0/0")
        p.resource("aws_route", "nat", a, u + ["nat_gateway_id"], index=j)
    runner_sg(p, "aws_vpc.this.id")
    return p


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "bench":
        json.dump(bench(int(sys.argv[2])).document(), sys.stdout)
        return
    case("module-nat-per-az", "A new VPC from terraform-aws-modules/vpc (v5) with one NAT gateway per AZ; the task's security group named by its address.",
         "--security-group aws_security_group.runner", module_nat_per_az())
    case("private-endpoints", "A new private VPC (no internet path): interface endpoints for_each, an S3 gateway endpoint, subnets for_each.",
         "--security-group aws_security_group.runner", private_endpoints())
    case("sg-without-egress", "The runner's aws_security_group has no egress block: the provider removes AWS's allow-all rule, so nothing leaves.",
         "--security-group aws_security_group.runner", sg_without_egress())
    case("utf16", "sg-without-egress's plan as PowerShell's > writes it: UTF-16LE with a byte order mark.",
         "--security-group aws_security_group.runner", sg_without_egress(), encoding="utf-16-le")
    case("format-0.1", "private-endpoints as Terraform 0.12 prints it (format_version 0.1, no sensitivity members).",
         "--security-group aws_security_group.runner", format_01())
    case("route-count", "aws_route with count: each private route's NAT gateway is referenced as aws_nat_gateway.this[count.index] (guessed by index).",
         "--security-group aws_security_group.runner", route_count())
    case("delete-nat", "A plan deleting the NAT gateway of an existing VPC known only from the prior state: the private subnet loses its way out.",
         "--subnet aws_subnet.private --security-group sg-0d1e1e7e0000000c1", delete_nat())
    base = os.path.join(VALIDATE, "nat-gateway")
    describe = sorted(os.path.join(base, f) for f in os.listdir(base) if f.startswith("describe-"))
    case("endpoints-on-existing", "Interface endpoints planned for an existing VPC given as describe-* JSON (the validator's base VPC, NAT gateway kept).",
         "--subnet subnet-0ccc000000000003 --security-group sg-0bb0bb0bb0bb0bb02", endpoints_on_existing(), extra_files=describe)
    # The validator's scenarios for the plan finding codes.
    case("unknown-until-apply", "A plan whose subnet CIDRs come from an IPAM preview: known only after apply, so the verdicts are unknown.",
         "--security-group aws_security_group.runner", unknown_cidr(), root=VALIDATE)
    case("plan-reference-guessed", "A plan whose private routes name aws_nat_gateway.this[count.index]: the instance is guessed by index (info).",
         "--security-group aws_security_group.runner", route_count(), root=VALIDATE)


if __name__ == "__main__":
    main()
