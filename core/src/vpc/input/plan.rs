//! Reading a Terraform plan (`terraform show -json PLANFILE`, format
//! versions 0.1 to 1.x) into the [`VpcInput`] model: the VPC as it will be
//! after `terraform apply`, on top of whatever describe-* documents were
//! given beside it.
//!
//! Guarantees:
//! * `format_version` outside 0.x (x ≥ 1) and 1.x is refused, as HashiCorp's
//!   "JSON Output Format" page asks of readers; unknown members are
//!   ignored; a member read with the wrong shape is an
//!   [`InputError::Shape`](crate::vpc::InputError::Shape) naming the document and the JSON path
//!   (`resource_changes[3].change.after.cidr_block`);
//! * every managed `aws_*` resource instance of `resource_changes` is read
//!   (data sources and deposed objects are not: they change nothing in the
//!   VPC); instances that only `prior_state` or `planned_values` list
//!   (module trees walked without recursion) are read as unchanged;
//! * the planned actions are applied on top of the describe-* snapshot:
//!   `delete` removes the resource (by the id of `change.before`),
//!   `create` adds it, `update` replaces it, a replacement does both,
//!   `no-op` keeps the snapshot's copy when there is one (AWS's own view)
//!   and adds the plan's otherwise;
//! * a resource whose id is known only after apply gets its address as a
//!   placeholder id (`module.vpc.aws_subnet.private[0]`), and values known
//!   only after apply that are references (`subnet_id =
//!   aws_subnet.private[count.index].id`) are resolved through the
//!   `configuration`'s expressions (module inputs and outputs followed);
//!   when the instance can only be guessed (a reference to a resource with
//!   `count` or `for_each` without a literal index), the instance with the
//!   referring instance's own index is taken, and a
//!   [`PlanNoteKind::Guessed`] note says so; a value that stays unknown
//!   (a CIDR computed at apply time) leaves a
//!   [`PlanNoteKind::UnknownUntilApply`] note naming the attribute and the
//!   resource, which the report turns into unknown verdicts;
//! * the AWS provider's semantics, not AWS's defaults: an
//!   `aws_security_group` without `egress` blocks has no egress (the
//!   provider removes AWS's allow-all rule), `aws_default_security_group`,
//!   `aws_default_network_acl` and `aws_default_route_table` replace the
//!   rules and routes of the VPC's defaults with those given, a route
//!   table's inline `route` blocks and separate `aws_route` resources both
//!   count, a subnet without an association uses the main route table and
//!   the default network ACL; a VPC the plan creates comes with AWS's main
//!   route table (local routes), default network ACL (allow all) and
//!   default security group (itself in, all out), under placeholder ids
//!   (`aws_vpc.this[0].default_route_table_id`);
//! * resources the plan creates are taken as applied successfully
//!   (endpoints and NAT gateways `available`).
//!
//! Not done here: evaluating (the report's treatment of the notes is in
//! [`crate::vpc::evaluate`]), `locals` (the configuration representation
//! does not hold them: a reference through a local is resolved by the
//! resource type the attribute names, e.g. the only `aws_vpc` of the
//! module for `vpc_id`), `dynamic` blocks' expressions (not in the
//! representation), egress-only internet gateways, Elastic IPs and transit
//! gateway attachments (nothing in the model depends on them), and
//! Terraform-style fixes (fixes stay AWS CLI commands).

use super::{Doc, P, R, sorted_by_rule};
use crate::json::{self, Tree, Val, Value};
use crate::net::{Cidr, CidrError};
use crate::vpc::index::IdIndex;
use crate::vpc::model::*;
use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

/// Whether `top` is Terraform's JSON (a plan, or a state) rather than AWS
/// CLI output: `format_version` beside one of the plan's or state's members.
pub(super) fn is_plan(top: Value<'_>) -> bool {
    top.get("format_version").is_some()
        && [
            "terraform_version",
            "resource_changes",
            "planned_values",
            "prior_state",
            "values",
        ]
        .iter()
        .any(|k| top.get(k).is_some())
}

/// Reads the plan `top` (named `name` in errors) on top of `input`.
pub(super) fn apply(
    name: &str,
    top: Value<'_>,
    input: &mut VpcInput,
) -> Result<(), super::InputError> {
    // The index places a describe-* document among the others (for
    // conflicts between them): a plan applies on top of them all instead.
    let doc = Doc {
        name,
        index: u32::MAX,
    };
    read_plan(&doc, top, input).map_err(|e| *e.0)
}

/// What a resource change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    /// `no-op`, `read`, `forget`: the object stays as it is.
    Keep,
    /// `create`.
    Create,
    /// `update`: in place, same id.
    Update,
    /// `delete`.
    Delete,
    /// `delete` and `create`, in either order.
    Replace,
}

/// One resource instance of the plan.
struct Inst<'t> {
    /// The JSON path of the object holding `before` / `after`.
    path: String,
    /// `after` for a resource change, `values` for a values representation.
    after_key: &'static str,
    address: &'t str,
    /// The module instance (`module.vpc`, `module.x["a"]`), empty for the root.
    module: &'t str,
    rtype: &'t str,
    /// `address[..base_len]`: the address without the instance key.
    base_len: usize,
    /// The instance key as addresses write it (`[0]`, `["a"]`).
    key: Option<String>,
    action: Action,
    before: Option<Value<'t>>,
    after: Option<Value<'t>>,
    unknown: Option<Value<'t>>,
    /// The id after apply: known, else the address.
    id: String,
}

impl Inst<'_> {
    fn base(&self) -> &str {
        self.address.get(..self.base_len).unwrap_or(self.address)
    }
}

/// The resource types read, whole resources first (they must exist before
/// the resources that attach to them).
const WHOLE: [&str; 10] = [
    "aws_vpc",
    "aws_subnet",
    "aws_route_table",
    "aws_internet_gateway",
    "aws_nat_gateway",
    "aws_vpc_endpoint",
    "aws_security_group",
    "aws_network_acl",
    "aws_vpc_dhcp_options",
    "aws_ec2_managed_prefix_list",
];

const ATTACHED: [&str; 20] = [
    "aws_vpc_ipv4_cidr_block_association",
    "aws_default_route_table",
    "aws_route",
    "aws_route_table_association",
    "aws_main_route_table_association",
    "aws_internet_gateway_attachment",
    "aws_vpc_endpoint_route_table_association",
    "aws_vpc_endpoint_subnet_association",
    "aws_vpc_endpoint_security_group_association",
    "aws_default_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_default_network_acl",
    "aws_network_acl_rule",
    "aws_network_acl_association",
    "aws_vpc_dhcp_options_association",
    "aws_vpc_block_public_access_options",
    "aws_vpc_block_public_access_exclusion",
    "aws_ec2_transit_gateway_vpc_attachment",
];

fn handled(t: &str) -> bool {
    WHOLE.contains(&t) || ATTACHED.contains(&t)
}

/// What a reference-valued attribute of each type names.
const TYPE_OF_FIELD: [(&str, &str); 13] = [
    ("vpc_id", "aws_vpc"),
    ("subnet_id", "aws_subnet"),
    ("subnet_ids", "aws_subnet"),
    ("route_table_id", "aws_route_table"),
    ("route_table_ids", "aws_route_table"),
    ("nat_gateway_id", "aws_nat_gateway"),
    ("gateway_id", "aws_internet_gateway"),
    ("internet_gateway_id", "aws_internet_gateway"),
    ("vpc_endpoint_id", "aws_vpc_endpoint"),
    ("security_group_id", "aws_security_group"),
    ("security_group_ids", "aws_security_group"),
    ("network_acl_id", "aws_network_acl"),
    ("dhcp_options_id", "aws_vpc_dhcp_options"),
];

/// The module path of a module instance: `module.a[0].module.b` →
/// `module.a.module.b` (the configuration has one entry per module call).
fn module_path(m: &str) -> String {
    let mut out = String::with_capacity(m.len());
    let (mut depth, mut quoted, mut escaped) = (0u32, false, false);
    for c in m.chars() {
        if quoted {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                quoted = false;
            }
            continue;
        }
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '"' if depth > 0 => quoted = true,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// `a` and `b` joined by a dot, either may be empty.
fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_owned()
    } else {
        format!("{a}.{b}")
    }
}

/// The module instance holding `m` (`module.a.module.b` → `module.a`), and
/// the call's name (`b`).
fn parent_module(m: &str) -> Option<(&str, &str)> {
    let at = m.rfind("module.")?;
    let call = m.get(at + 7..)?;
    let call = call.split(['[', '.']).next().unwrap_or(call);
    let parent = m.get(..at)?.trim_end_matches('.');
    Some((parent, call))
}

/// One value of a resource (or of a nested block), from the plan's
/// `after`, its `after_unknown`, and the configuration's expressions.
#[derive(Clone, Copy)]
struct Obj<'t> {
    after: Option<Value<'t>>,
    unk: Option<Value<'t>>,
    cfg: Option<Value<'t>>,
}

impl<'t> Obj<'t> {
    fn field(self, key: &str) -> Obj<'t> {
        let unk = match self.unk {
            Some(u) if u.val() == Val::Bool(true) => Some(u),
            Some(u) => u.get(key),
            None => None,
        };
        Obj {
            after: self
                .after
                .and_then(|a| a.get(key))
                .filter(|v| v.val() != Val::Null),
            unk,
            cfg: self.cfg.and_then(|c| c.get(key)),
        }
    }

    /// Whether the plan marks this value (or a part of it) unknown, or
    /// gives no value where the configuration has a reference.
    fn unknown(self) -> bool {
        // `true`, or a list with an unknown element; an object marks
        // unknown members of a block, which the block's readers look at.
        let marked = self.unk.is_some_and(|u| match u.val() {
            Val::Bool(b) => b,
            Val::Arr => u.items().any(|i| i.val() == Val::Bool(true)),
            _ => false,
        });
        marked || (self.after.is_none() && self.cfg.is_some_and(|c| c.get("references").is_some()))
    }

    /// The known value: `after`, else the configuration's constant.
    fn known(self) -> Option<Value<'t>> {
        self.after.or_else(|| {
            self.cfg
                .and_then(|c| c.get("constant_value"))
                .filter(|v| v.val() != Val::Null)
        })
    }
}

/// The plan being read.
struct Plan<'d, 'a, 't> {
    doc: &'d Doc<'d>,
    insts: &'a [Inst<'t>],
    by_address: IdIndex<'t>,
    by_base: IdIndex<'t>,
    /// `module path \0 type` and `\0 type` → a group of `groups`.
    by_type: IdIndex<'a>,
    groups: &'a [Vec<u32>],
    /// `module path \0 type.name` → the resource's configuration (its
    /// `expressions`, `count_expression`, `for_each_expression`).
    configs: IdIndex<'a>,
    config_vals: &'a [Value<'t>],
    /// Module path → its module call (`expressions`, `module.outputs`).
    calls: IdIndex<'a>,
    call_vals: &'a [Value<'t>],
    /// Whether the plan has a `configuration`: without it, a value known
    /// only after apply cannot be told from a computed one nobody set.
    has_config: bool,
    /// Whether the model holds none of the resources this plan creates
    /// (it was not applied before): a resource it creates is then new, and
    /// adding it needs no search (2,000 resources: searching was quadratic).
    fresh: bool,
    /// The route table associations read (subnet, table, association id),
    /// applied together once every resource is read.
    associations: Vec<(String, String, String)>,
    notes: Vec<PlanNote>,
}

/// Where a reference led.
struct Link {
    id: String,
    /// The instance taken when it was guessed.
    guessed: Option<String>,
}

fn read_plan(doc: &Doc<'_>, top: Value<'_>, input: &mut VpcInput) -> R<()> {
    check_version(doc, top)?;
    let insts = instances(doc, top)?;
    // Indexes over the instances and the configuration.
    let mut by_address = IdIndex::with_capacity(insts.len());
    let mut by_base = IdIndex::with_capacity(insts.len());
    let mut type_keys: Vec<String> = Vec::new();
    for (i, inst) in insts.iter().enumerate() {
        by_address.insert_first(inst.address, i as u32);
        by_base.insert_first(
            inst.address.get(..inst.base_len).unwrap_or(inst.address),
            i as u32,
        );
        type_keys.push(format!("{}\0{}", module_path(inst.module), inst.rtype));
        type_keys.push(format!("\0{}", inst.rtype));
    }
    let mut group_of = IdIndex::with_capacity(type_keys.len());
    let mut groups: Vec<Vec<u32>> = Vec::new();
    let mut group_keys: Vec<&str> = Vec::new();
    for (k, key) in type_keys.iter().enumerate() {
        let inst = (k / 2) as u32;
        match group_of.get(key) {
            Some(g) => groups[g as usize].push(inst),
            None => {
                group_of.insert_first(key, groups.len() as u32);
                group_keys.push(key);
                groups.push(vec![inst]);
            }
        }
    }
    let (config_keys, config_vals, call_keys, call_vals) = configuration(doc, top)?;
    let mut configs = IdIndex::with_capacity(config_keys.len());
    for (i, k) in config_keys.iter().enumerate() {
        configs.insert_first(k, i as u32);
    }
    let mut calls = IdIndex::with_capacity(call_keys.len());
    for (i, k) in call_keys.iter().enumerate() {
        calls.insert_first(k, i as u32);
    }
    let mut plan = Plan {
        doc,
        insts: &insts,
        by_address,
        by_base,
        by_type: group_of,
        groups: &groups,
        configs,
        config_vals: &config_vals,
        calls,
        call_vals: &call_vals,
        has_config: top.get("configuration").is_some(),
        fresh: false,
        associations: Vec::new(),
        notes: Vec::new(),
    };
    plan.build(input)?;
    for n in plan.notes {
        if !input.plan_notes.contains(&n) {
            input.plan_notes.push(n);
        }
    }
    Ok(())
}

/// Refuses a `format_version` this reader does not know.
fn check_version(doc: &Doc<'_>, top: Value<'_>) -> R<()> {
    const EXPECTED: &str = "a format_version from \"0.1\" to \"1.x\" (terraform show -json of Terraform 0.12 or later)";
    let p = P::Field(&P::Root, "format_version");
    let v = doc.string(top.get("format_version").map(Value::val), EXPECTED, &p)?;
    let mut parts = v.split('.');
    let major = parts.next().and_then(|m| m.parse::<u32>().ok());
    let minor = parts.next().and_then(|m| m.parse::<u32>().ok());
    match (major, minor, parts.next()) {
        (Some(0), Some(m), None) if m >= 1 => Ok(()),
        (Some(1), Some(_), None) => Ok(()),
        _ => Err(doc.shape(&p, EXPECTED, &format!("\"{}\"", v.escape_default()))),
    }
}

/// The instance key as an address writes it.
fn key_text(doc: &Doc<'_>, v: Option<Value<'_>>, p: &P<'_>) -> R<Option<String>> {
    match v.map(Value::val) {
        None | Some(Val::Null) => Ok(None),
        Some(Val::Num(n)) => match json::as_i64(n) {
            Some(i) if i >= 0 => Ok(Some(format!("[{i}]"))),
            _ => Err(doc.shape(
                p,
                "a count index (a whole number) or a for_each key (a string)",
                "another number",
            )),
        },
        Some(Val::Str(s)) => Ok(Some(format!("[\"{}\"]", s.escape_default()))),
        Some(other) => Err(doc.shape(
            p,
            "a count index (a whole number) or a for_each key (a string)",
            other.kind(),
        )),
    }
}

fn id_in<'t>(doc: &Doc<'_>, v: Option<Value<'t>>, p: &P<'_>) -> R<Option<&'t str>> {
    match v {
        Some(v) if v.val() == Val::Obj => doc.opt_str(v, "id", p),
        _ => Ok(None),
    }
}

/// Every instance of a type this reader reads: `resource_changes`, then
/// whatever only `prior_state` / `planned_values` / `values` list.
fn instances<'t>(doc: &Doc<'_>, top: Value<'t>) -> R<Vec<Inst<'t>>> {
    let mut out: Vec<Inst<'t>> = Vec::new();
    let mut seen = IdIndex::with_capacity(64);
    let rc = P::Field(&P::Root, "resource_changes");
    for (i, m) in doc.opt_arr(top, "resource_changes", &P::Root)?.enumerate() {
        let p = P::Index(&rc, i);
        let m = doc.obj(doc.shallow(m, &p)?, &p)?;
        if doc.opt_str(m, "mode", &p)? == Some("data") || m.get("deposed").is_some() {
            continue;
        }
        let rtype = doc.req_str(m, "type", &p)?;
        if !handled(rtype) {
            continue;
        }
        let address = doc.req_str(m, "address", &p)?;
        // Terraform lists each instance once; a second change of the same
        // address would make the result depend on which one is read last.
        if seen.get(address).is_some() {
            return Err(doc.shape(
                &P::Field(&p, "address"),
                "an address no earlier resource change has",
                "an address given twice",
            ));
        }
        let module = doc.opt_str(m, "module_address", &p)?.unwrap_or("");
        let key = key_text(doc, m.get("index"), &P::Field(&p, "index"))?;
        let cp = P::Field(&p, "change");
        let change = doc.obj(
            m.get("change")
                .ok_or_else(|| doc.shape(&cp, "an object (the field is required)", "nothing"))?,
            &cp,
        )?;
        let ap = P::Field(&cp, "actions");
        let mut actions = (false, false, false, false);
        for (k, a) in doc.opt_arr(change, "actions", &cp)?.enumerate() {
            const ACTIONS: &str =
                "one of \"no-op\", \"create\", \"read\", \"update\", \"delete\", \"forget\"";
            let s = doc.string(Some(a.val()), ACTIONS, &P::Index(&ap, k))?;
            match s {
                "create" => actions.0 = true,
                "delete" => actions.1 = true,
                "update" => actions.2 = true,
                "no-op" | "read" | "forget" => actions.3 = true,
                _ => return Err(doc.shape(&P::Index(&ap, k), ACTIONS, "another string")),
            }
        }
        let action = match actions {
            (true, true, _, _) => Action::Replace,
            (true, false, _, _) => Action::Create,
            (false, true, _, _) => Action::Delete,
            (false, false, true, _) => Action::Update,
            (false, false, false, true) => Action::Keep,
            _ => {
                return Err(doc.shape(
                    &ap,
                    "a list of actions such as [\"create\"]",
                    "an empty list",
                ));
            }
        };
        let pick = |k: &str| change.get(k).filter(|v| v.val() != Val::Null);
        let (before, after, unknown) = (pick("before"), pick("after"), pick("after_unknown"));
        for (v, k) in [
            (before, "before"),
            (after, "after"),
            (unknown, "after_unknown"),
        ] {
            if let Some(v) = v {
                let vp = P::Field(&cp, k);
                doc.obj(doc.shallow(v, &vp)?, &vp)?;
            }
        }
        let after_id = id_in(doc, after, &P::Field(&cp, "after"))?;
        let before_id = id_in(doc, before, &P::Field(&cp, "before"))?;
        let id = match (action, after_id, before_id) {
            (Action::Delete, _, Some(b)) => b.to_owned(),
            (_, Some(a), _) if !a.is_empty() => a.to_owned(),
            (Action::Keep | Action::Update, _, Some(b)) => b.to_owned(),
            _ => address.to_owned(),
        };
        let base_len = if key.is_some() {
            address.rfind('[').unwrap_or(address.len())
        } else {
            address.len()
        };
        seen.insert_first(address, out.len() as u32);
        out.push(Inst {
            path: format!("{cp}"),
            after_key: "after",
            address,
            module,
            rtype,
            base_len,
            key,
            action,
            before,
            after: if action == Action::Delete {
                None
            } else {
                after
            },
            unknown,
            id,
        });
    }
    // Then the values representations: what resource_changes did not list.
    for (outer, inner) in [
        ("prior_state", "values"),
        ("planned_values", ""),
        ("values", ""),
    ] {
        let Some(mut v) = top.get(outer) else {
            continue;
        };
        let mut path = String::from(outer);
        if !inner.is_empty() {
            let Some(w) = v.get(inner) else { continue };
            v = w;
            path = format!("{outer}.{inner}");
        }
        let Some(root) = v.get("root_module") else {
            continue;
        };
        let mut stack: Vec<(Value<'t>, String)> = vec![(root, format!("{path}.root_module"))];
        while let Some((m, mp)) = stack.pop() {
            let here = P::Field(&P::Root, &mp);
            let m = doc.obj(doc.shallow(m, &here)?, &here)?;
            let rp = P::Field(&here, "resources");
            for (i, r) in doc.opt_arr(m, "resources", &here)?.enumerate() {
                let p = P::Index(&rp, i);
                let r = doc.obj(r, &p)?;
                if doc.opt_str(r, "mode", &p)? == Some("data") {
                    continue;
                }
                let rtype = doc.req_str(r, "type", &p)?;
                let address = doc.req_str(r, "address", &p)?;
                if !handled(rtype) || seen.get(address).is_some() {
                    continue;
                }
                let key = key_text(doc, r.get("index"), &P::Field(&p, "index"))?;
                let values = r.get("values").filter(|v| v.val() != Val::Null);
                if let Some(v) = values {
                    let vp = P::Field(&p, "values");
                    doc.obj(doc.shallow(v, &vp)?, &vp)?;
                }
                let id = id_in(doc, values, &P::Field(&p, "values"))?
                    .filter(|s| !s.is_empty())
                    .unwrap_or(address)
                    .to_owned();
                // The module instance: the address up to the resource.
                let module = address
                    .rfind(&format!("{rtype}."))
                    .and_then(|at| address.get(..at))
                    .map_or("", |m| m.trim_end_matches('.'));
                let base_len = if key.is_some() {
                    address.rfind('[').unwrap_or(address.len())
                } else {
                    address.len()
                };
                seen.insert_first(address, out.len() as u32);
                out.push(Inst {
                    path: format!("{p}"),
                    after_key: "values",
                    address,
                    module,
                    rtype,
                    base_len,
                    key,
                    action: Action::Keep,
                    before: None,
                    after: values,
                    unknown: None,
                    id,
                });
            }
            let cp = P::Field(&here, "child_modules");
            for (i, c) in doc.opt_arr(m, "child_modules", &here)?.enumerate() {
                stack.push((c, format!("{}", P::Index(&cp, i))));
            }
        }
    }
    Ok(out)
}

type Config<'t> = (Vec<String>, Vec<Value<'t>>, Vec<String>, Vec<Value<'t>>);

/// The configuration's resources (`module path \0 type.name`) and module
/// calls (by the called module's path), walked without recursion.
fn configuration<'t>(doc: &Doc<'_>, top: Value<'t>) -> R<Config<'t>> {
    let (mut keys, mut vals, mut call_keys, mut call_vals) = (vec![], vec![], vec![], vec![]);
    let Some(root) = top.get("configuration").and_then(|c| c.get("root_module")) else {
        return Ok((keys, vals, call_keys, call_vals));
    };
    let mut stack: Vec<(Value<'t>, String, String)> =
        vec![(root, String::new(), "configuration.root_module".to_owned())];
    while let Some((m, module, mp)) = stack.pop() {
        let here = P::Field(&P::Root, &mp);
        let m = doc.obj(doc.shallow(m, &here)?, &here)?;
        for r in doc.opt_arr(m, "resources", &here)? {
            let (Some(Val::Str(t)), Some(Val::Str(n))) =
                (r.get("type").map(Value::val), r.get("name").map(Value::val))
            else {
                continue;
            };
            if r.get("mode").map(Value::val) == Some(Val::Str("data")) || !handled(t) {
                continue;
            }
            keys.push(format!("{module}\0{t}.{n}"));
            vals.push(r);
        }
        if let Some(calls) = m.get("module_calls").filter(|c| c.val() == Val::Obj) {
            for call in calls.children() {
                let child = join(&module, &format!("module.{}", call.key()));
                call_keys.push(child.clone());
                call_vals.push(call);
                if let Some(cm) = call.get("module") {
                    let cp = format!("{mp}.module_calls.{}.module", call.key());
                    stack.push((cm, child, cp));
                }
            }
        }
    }
    Ok((keys, vals, call_keys, call_vals))
}

/// A reference split: `aws_subnet.private[0].id` → (`aws_subnet.private`,
/// `[0]`, `id`).
fn split_reference(r: &str) -> Option<(&str, Option<&str>, Option<&str>)> {
    let dot = r.find('.')?;
    let rest = r.get(dot + 1..)?;
    let name_end = rest.find(['.', '[']).unwrap_or(rest.len());
    let base = r.get(..dot + 1 + name_end)?;
    let mut tail = rest.get(name_end..)?;
    let mut key = None;
    if tail.starts_with('[') {
        let close = tail.find(']')?;
        key = tail.get(..=close);
        tail = tail.get(close + 1..)?;
    }
    let attr = tail
        .strip_prefix('.')
        .map(|a| a.split(['.', '[']).next().unwrap_or(a));
    Some((base, key, attr))
}

impl<'t> Plan<'_, '_, 't> {
    /// The configuration of the resource block `inst` is an instance of.
    fn resource_config(&self, inst: &Inst<'t>) -> Option<Value<'t>> {
        let type_name = if inst.module.is_empty() {
            inst.base()
        } else {
            inst.base().get(inst.module.len() + 1..).unwrap_or_default()
        };
        self.configs
            .get(&format!("{}\0{type_name}", module_path(inst.module)))
            .and_then(|i| self.config_vals.get(i as usize).copied())
    }

    /// `each.value` of `inst` when its `for_each` is a resource's instances
    /// (`for_each = aws_subnet.private`): the instance with the same key.
    fn each_value(&self, inst: &Inst<'t>) -> Option<&Inst<'t>> {
        let key = inst.key.as_deref()?;
        let fe = self.resource_config(inst)?.get("for_each_expression")?;
        for r in fe.get("references")?.items() {
            let Val::Str(r) = r.val() else { continue };
            let Some((base, None, None)) = split_reference(r) else {
                continue;
            };
            if base.starts_with("aws_") {
                let full = join(inst.module, base);
                return self
                    .by_address
                    .get(&format!("{full}{key}"))
                    .and_then(|i| self.inst(i));
            }
        }
        None
    }

    fn inst(&self, i: u32) -> Option<&Inst<'t>> {
        self.insts.get(i as usize)
    }

    /// The id `attr` of instance `t` names (`id`, or another attribute
    /// holding an id, such as a VPC's `default_route_table_id`).
    fn id_attr(&self, t: &Inst<'t>, attr: Option<&str>) -> String {
        let attr = match attr {
            None | Some("id") => return t.id.clone(),
            Some("main_route_table_id") => "default_route_table_id",
            Some(a) => a,
        };
        match t.after.and_then(|a| a.get(attr)).map(Value::val) {
            Some(Val::Str(s)) if !s.is_empty() => s.to_owned(),
            _ => format!("{}.{attr}", t.address),
        }
    }

    /// Resolves the references of `expr` (in module instance `module`,
    /// from an instance with key `key`) to the first resource they name.
    fn resolve(&self, module: &str, key: Option<&str>, expr: Value<'t>, hops: u8) -> Option<Link> {
        if hops > 8 {
            return None;
        }
        let refs = expr.get("references")?;
        let mut tried: Vec<&str> = Vec::new();
        for r in refs.items() {
            let Val::Str(r) = r.val() else { continue };
            let Some((base, rkey, attr)) = split_reference(r) else {
                continue;
            };
            let head = base.split('.').next().unwrap_or(base);
            match head {
                "var" => {
                    let name = base.get(4..).unwrap_or_default();
                    let (parent, _) = parent_module(module)?;
                    let call = self.calls.get(&module_path(module))?;
                    let e = self
                        .call_vals
                        .get(call as usize)?
                        .get("expressions")?
                        .get(name)?;
                    if let Some(l) = self.resolve(parent, None, e, hops + 1) {
                        return Some(l);
                    }
                }
                "module" => {
                    let name = base.get(7..).unwrap_or_default();
                    let child = join(module, &format!("module.{name}"));
                    let Some(output) = attr else { continue };
                    let call = self.calls.get(&module_path(&child))?;
                    let e = self
                        .call_vals
                        .get(call as usize)?
                        .get("module")?
                        .get("outputs")?
                        .get(output)?
                        .get("expression")?;
                    if let Some(l) = self.resolve(&child, None, e, hops + 1) {
                        return Some(l);
                    }
                }
                _ if head.starts_with("aws_") => {
                    if tried.contains(&base) {
                        continue;
                    }
                    tried.push(base);
                    let full = join(module, base);
                    if let Some(k) = rkey {
                        if let Some(t) = self
                            .by_address
                            .get(&format!("{full}{k}"))
                            .and_then(|i| self.inst(i))
                        {
                            return Some(Link {
                                id: self.id_attr(t, attr),
                                guessed: None,
                            });
                        }
                        continue;
                    }
                    if let Some(t) = self.by_address.get(&full).and_then(|i| self.inst(i)) {
                        return Some(Link {
                            id: self.id_attr(t, attr),
                            guessed: None,
                        });
                    }
                    let same = key.and_then(|k| self.by_address.get(&format!("{full}{k}")));
                    if let Some(t) = same
                        .or_else(|| self.by_base.get(&full))
                        .and_then(|i| self.inst(i))
                    {
                        return Some(Link {
                            id: self.id_attr(t, attr),
                            guessed: Some(t.address.to_owned()),
                        });
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// The instance of the type `field` names (`vpc_id` → `aws_vpc`) in the
    /// module instance of `inst`, else in the whole plan: the only one, or
    /// the one with `inst`'s key (guessed).
    fn by_field_type(&self, inst: &Inst<'t>, field: &str) -> Option<Link> {
        let (_, t) = TYPE_OF_FIELD.iter().find(|(f, _)| *f == field)?;
        for scope in [module_path(inst.module), String::new()] {
            let Some(g) = self.by_type.get(&format!("{scope}\0{t}")) else {
                continue;
            };
            let members = self.groups.get(g as usize)?;
            let alive: Vec<&Inst<'t>> = members
                .iter()
                .filter_map(|&i| self.inst(i))
                .filter(|m| {
                    m.action != Action::Delete && (scope.is_empty() || m.module == inst.module)
                })
                .collect();
            match alive.as_slice() {
                [] => continue,
                [only] => {
                    return Some(Link {
                        id: only.id.clone(),
                        guessed: None,
                    });
                }
                many => {
                    let same = inst
                        .key
                        .as_deref()
                        .and_then(|k| many.iter().find(|m| m.key.as_deref() == Some(k)));
                    let t = same.copied().or(many.first().copied())?;
                    return Some(Link {
                        id: t.id.clone(),
                        guessed: Some(t.address.to_owned()),
                    });
                }
            }
        }
        None
    }

    fn note(&mut self, inst: &Inst<'t>, resource: &str, attribute: &str, kind: PlanNoteKind) {
        // One note per resource block and attribute for guesses (every
        // instance of a `count` guesses the same way).
        if let PlanNoteKind::Guessed { .. } = kind
            && self.notes.iter().any(|n| {
                matches!(n.kind, PlanNoteKind::Guessed { .. })
                    && n.attribute == attribute
                    && n.address.get(..inst.base_len) == Some(inst.base())
            })
        {
            return;
        }
        self.notes.push(PlanNote {
            resource: resource.to_owned(),
            address: inst.address.to_owned(),
            attribute: attribute.to_owned(),
            kind,
        });
    }

    /// The id a reference-valued field known only after apply names.
    fn link(&mut self, inst: &Inst<'t>, o: Obj<'t>, field: &str, noted: &str) -> String {
        let each = o.cfg.filter(|e| {
            e.get("references").is_some_and(|r| {
                r.items()
                    .any(|x| matches!(x.val(), Val::Str(s) if s.starts_with("each.value")))
            })
        });
        let each_value = each.and_then(|_| self.each_value(inst)).map(|t| Link {
            id: t.id.clone(),
            guessed: None,
        });
        let found = each_value
            .or_else(|| {
                o.cfg
                    .and_then(|e| self.resolve(inst.module, inst.key.as_deref(), e, 0))
            })
            .or_else(|| self.by_field_type(inst, field));
        match found {
            Some(l) => {
                if let Some(target) = l.guessed {
                    self.note(inst, noted, field, PlanNoteKind::Guessed { target });
                }
                l.id
            }
            None => {
                self.note(inst, noted, field, PlanNoteKind::UnknownUntilApply);
                format!("{}.{field}", inst.address)
            }
        }
    }

    /// Whether an unknown value is one the configuration sets (or, without
    /// a configuration, any): an attribute the provider computes and nobody
    /// set (a VPC's `ipv6_cidr_block` without IPv6, a route table's
    /// `route` managed by `aws_route` resources) is not an open question.
    fn noteworthy(&self, f: Obj<'t>) -> bool {
        f.unknown() && (f.cfg.is_some() || !self.has_config)
    }

    /// A string field: its known value (empty strings, which the provider
    /// writes for unset arguments, read as absent).
    fn text(&self, o: Obj<'t>, key: &str, p: &P<'_>) -> R<Option<&'t str>> {
        match o.field(key).known().map(Value::val) {
            None | Some(Val::Null) => Ok(None),
            Some(Val::Str("")) => Ok(None),
            Some(Val::Str(s)) => Ok(Some(s)),
            Some(other) => Err(self.doc.shape(&P::Field(p, key), "a string", other.kind())),
        }
    }

    fn flag(&self, o: Obj<'t>, key: &str, p: &P<'_>) -> R<Option<bool>> {
        match o.field(key).known().map(Value::val) {
            None | Some(Val::Null) => Ok(None),
            Some(Val::Bool(b)) => Ok(Some(b)),
            Some(other) => Err(self
                .doc
                .shape(&P::Field(p, key), "true or false", other.kind())),
        }
    }

    fn int(&self, o: Obj<'t>, key: &str, p: &P<'_>) -> R<Option<i64>> {
        match o.field(key).known().map(Value::val) {
            None | Some(Val::Null) => Ok(None),
            Some(Val::Num(n)) => json::as_i64(n).map(Some).ok_or_else(|| {
                self.doc.shape(
                    &P::Field(p, key),
                    "an integer",
                    "a fractional or huge number",
                )
            }),
            Some(other) => Err(self
                .doc
                .shape(&P::Field(p, key), "an integer", other.kind())),
        }
    }

    /// A field holding one id: known, resolved through its references, or
    /// a placeholder with a note on `noted`.
    fn id(
        &mut self,
        inst: &Inst<'t>,
        o: Obj<'t>,
        key: &str,
        p: &P<'_>,
        noted: &str,
    ) -> R<Option<String>> {
        if let Some(s) = self.text(o, key, p)? {
            return Ok(Some(s.to_owned()));
        }
        let f = o.field(key);
        if !f.unknown() {
            return Ok(None);
        }
        Ok(Some(self.link(inst, f, key, noted)))
    }

    /// A field holding a list of ids: the known ones, and those its
    /// references name when some are known only after apply.
    fn ids(
        &mut self,
        inst: &Inst<'t>,
        o: Obj<'t>,
        key: &str,
        p: &P<'_>,
        noted: &str,
    ) -> R<Vec<String>> {
        let f = o.field(key);
        let fp = P::Field(p, key);
        let mut out: Vec<String> = Vec::new();
        if let Some(v) = f.known() {
            match v.val() {
                Val::Arr => {
                    for (i, s) in v.items().enumerate() {
                        match s.val() {
                            Val::Str(s) if !s.is_empty() => out.push(s.to_owned()),
                            Val::Str(_) | Val::Null => {}
                            other => {
                                return Err(self.doc.shape(
                                    &P::Index(&fp, i),
                                    "a string",
                                    other.kind(),
                                ));
                            }
                        }
                    }
                }
                other => return Err(self.doc.shape(&fp, "an array", other.kind())),
            }
        }
        if f.unknown() {
            // Every resource the expression names.
            let mut linked = false;
            if let Some(refs) = f.cfg.and_then(|c| c.get("references")) {
                for r in refs.items() {
                    let Val::Str(r) = r.val() else { continue };
                    let Some((base, _, _)) = split_reference(r) else {
                        continue;
                    };
                    if !base.starts_with("aws_")
                        && !base.starts_with("module.")
                        && !base.starts_with("var.")
                    {
                        continue;
                    }
                    let every = if base.starts_with("aws_") && !r.contains('[') {
                        self.every_instance(inst, base)
                    } else {
                        Vec::new()
                    };
                    if !every.is_empty() {
                        for id in every {
                            if !out.contains(&id) {
                                out.push(id);
                            }
                        }
                        linked = true;
                        continue;
                    }
                    let found = if base.starts_with("aws_") {
                        self.resolve_one(inst, r)
                    } else {
                        f.cfg
                            .and_then(|e| self.resolve(inst.module, inst.key.as_deref(), e, 0))
                    };
                    if let Some(l) = found {
                        if let Some(target) = l.guessed {
                            self.note(inst, noted, key, PlanNoteKind::Guessed { target });
                        }
                        if !out.contains(&l.id) {
                            out.push(l.id);
                        }
                        linked = true;
                    }
                }
            }
            if !linked && self.noteworthy(f) {
                match self.by_field_type(inst, key) {
                    Some(l) if out.is_empty() => {
                        if let Some(target) = l.guessed {
                            self.note(inst, noted, key, PlanNoteKind::Guessed { target });
                        }
                        if !out.contains(&l.id) {
                            out.push(l.id);
                        }
                    }
                    _ => self.note(inst, noted, key, PlanNoteKind::UnknownUntilApply),
                }
            }
        }
        Ok(out)
    }

    /// The ids of every instance of the resource `base` (`aws_subnet.private`)
    /// in the module instance of `inst`, when it has `count` or `for_each`:
    /// what a list built from it (`[for s in aws_subnet.private : s.id]`,
    /// `aws_subnet.private[*].id`, `values(aws_subnet.private)[*].id`) holds.
    fn every_instance(&self, inst: &Inst<'t>, base: &str) -> Vec<String> {
        let full = join(inst.module, base);
        if self.by_address.get(&full).is_some() {
            return Vec::new();
        }
        self.insts
            .iter()
            .filter(|t| t.key.is_some() && t.base() == full && t.action != Action::Delete)
            .map(|t| t.id.clone())
            .collect()
    }

    /// One reference string resolved on its own.
    fn resolve_one(&self, inst: &Inst<'t>, r: &str) -> Option<Link> {
        // The expression `{"references": [r]}`: resolve() reads only that.
        let (base, key, attr) = split_reference(r)?;
        if base.starts_with("aws_") {
            let full = join(inst.module, base);
            if let Some(k) = key {
                let t = self.inst(self.by_address.get(&format!("{full}{k}"))?)?;
                return Some(Link {
                    id: self.id_attr(t, attr),
                    guessed: None,
                });
            }
            if let Some(t) = self.by_address.get(&full).and_then(|i| self.inst(i)) {
                return Some(Link {
                    id: self.id_attr(t, attr),
                    guessed: None,
                });
            }
            let same = inst
                .key
                .as_deref()
                .and_then(|k| self.by_address.get(&format!("{full}{k}")));
            let t = self.inst(same.or_else(|| self.by_base.get(&full))?)?;
            return Some(Link {
                id: self.id_attr(t, attr),
                guessed: Some(t.address.to_owned()),
            });
        }
        None
    }
}

/// A CIDR field's value.
enum CidrVal {
    Absent,
    Known(Cidr),
    Unknown,
}

/// How a route table's routes are named by Terraform: inline `route`
/// blocks use `cidr_block`, `aws_route` uses `destination_cidr_block`.
const ROUTE_DESTINATIONS: [(&str, &str); 2] = [
    ("cidr_block", "ipv6_cidr_block"),
    ("destination_cidr_block", "destination_ipv6_cidr_block"),
];

/// The target arguments of a route, in the order they are looked at.
const ROUTE_TARGET_FIELDS: [&str; 12] = [
    "gateway_id",
    "nat_gateway_id",
    "egress_only_gateway_id",
    "vpc_endpoint_id",
    "transit_gateway_id",
    "vpc_peering_connection_id",
    "network_interface_id",
    "local_gateway_id",
    "carrier_gateway_id",
    "core_network_arn",
    "instance_id",
    "vpn_gateway_id",
];

/// Records that `address` is `id` in the model (once; `new`: the plan
/// creates it, and was not applied before, so it is not recorded yet).
fn address_of(input: &mut VpcInput, address: &str, id: &str, new: bool) {
    if new || !input.plan_addresses.iter().any(|(a, _)| a == address) {
        input
            .plan_addresses
            .push((address.to_owned(), id.to_owned()));
    }
}

fn upsert<T>(items: &mut Vec<T>, item: T, id: impl Fn(&T) -> &str) {
    match items.iter().position(|x| id(x) == id(&item)) {
        Some(i) => {
            if let Some(slot) = items.get_mut(i) {
                *slot = item;
            }
        }
        None => items.push(item),
    }
}

fn allow_all(rule_number: u32, direction: Direction, cidr: Cidr, action: RuleAction) -> AclEntry {
    AclEntry {
        rule_number,
        direction,
        protocol: Protocol::All,
        action,
        cidr,
        ports: PortRange::ALL,
    }
}

fn any_v4() -> Cidr {
    "0.0.0.0/0".parse().expect("0.0.0.0/0 is a CIDR")
}

fn any_v6() -> Cidr {
    "::/0".parse().expect("::/0 is a CIDR")
}

fn default_group_of<'m>(input: &'m mut VpcInput, vpc_id: &str) -> Option<&'m mut SecurityGroup> {
    input
        .security_groups
        .items
        .iter_mut()
        .find(|g| g.name == "default" && g.vpc_id.as_deref() == Some(vpc_id))
}

impl<'t> Plan<'_, '_, 't> {
    /// Whether `inst` is created by this plan under its address.
    fn created(&self, inst: &Inst<'t>) -> bool {
        matches!(inst.action, Action::Create | Action::Replace) && inst.id == inst.address
    }

    /// Whether `id` names a resource this plan creates, and the model
    /// cannot hold it yet (see `fresh`).
    fn new_here(&self, id: &str) -> bool {
        self.fresh
            && self
                .by_address
                .get(id)
                .and_then(|i| self.inst(i))
                .is_some_and(|t| self.created(t))
    }

    /// Adds `item` (its id `id`), replacing the item with that id if any.
    fn put<T>(&self, items: &mut Vec<T>, item: T, id: impl Fn(&T) -> &str) {
        if self.new_here(id(&item)) {
            items.push(item);
        } else {
            upsert(items, item, id);
        }
    }

    /// The values of `inst` (`after`, or `before` when `before`) with its
    /// configuration, and the JSON path of those values.
    fn obj(&self, inst: &Inst<'t>, before: bool) -> (Obj<'t>, String) {
        if before {
            return (
                Obj {
                    after: inst.before,
                    unk: None,
                    cfg: None,
                },
                format!("{}.before", inst.path),
            );
        }
        let type_name = if inst.module.is_empty() {
            inst.base()
        } else {
            inst.base().get(inst.module.len() + 1..).unwrap_or_default()
        };
        let cfg = self
            .resource_config(inst)
            .and_then(|c| c.get("expressions"));
        let _ = type_name;
        (
            Obj {
                after: inst.after,
                unk: inst.unknown,
                cfg,
            },
            format!("{}.{}", inst.path, inst.after_key),
        )
    }

    /// The nested blocks `key` of `o`, each with its own `Obj` and index.
    /// When the plan does not know them yet, the configuration's blocks.
    fn blocks(&self, o: Obj<'t>, key: &str, p: &P<'_>) -> R<Vec<Obj<'t>>> {
        let f = o.field(key);
        let cfgs: Vec<Value<'t>> = f
            .cfg
            .filter(|c| c.val() == Val::Arr)
            .map(|c| c.items().collect())
            .unwrap_or_default();
        let mut out = Vec::new();
        match f.after.map(Value::val) {
            Some(Val::Arr) => {
                let after: Vec<Value<'t>> =
                    f.after.map(|a| a.items().collect()).unwrap_or_default();
                let unks: Vec<Value<'t>> = f
                    .unk
                    .filter(|u| u.val() == Val::Arr)
                    .map(|u| u.items().collect())
                    .unwrap_or_default();
                let kp = P::Field(p, key);
                for (i, a) in after.iter().enumerate() {
                    let a = self.doc.obj(*a, &P::Index(&kp, i))?;
                    out.push(Obj {
                        after: Some(a),
                        unk: unks.get(i).copied(),
                        // Sets have no order: the configuration's blocks line
                        // up only when there are as many.
                        cfg: if cfgs.len() == after.len() {
                            cfgs.get(i).copied()
                        } else {
                            None
                        },
                    });
                }
            }
            Some(other) => {
                return Err(self
                    .doc
                    .shape(&P::Field(p, key), "an array of blocks", other.kind()));
            }
            None if f.unknown() || f.after.is_none() && o.after.is_none() => {
                out.extend(cfgs.iter().map(|c| Obj {
                    after: None,
                    unk: None,
                    cfg: Some(*c),
                }));
            }
            None => {}
        }
        Ok(out)
    }

    fn cidr(&self, o: Obj<'t>, key: &str, p: &P<'_>) -> R<CidrVal> {
        match self.text(o, key, p)? {
            Some(s) => match s.parse::<Cidr>() {
                Ok(c) => Ok(CidrVal::Known(c)),
                Err(CidrError::HostBitsSet { canonical }) => Ok(CidrVal::Known(canonical)),
                Err(e) => Err(self.doc.shape(
                    &P::Field(p, key),
                    &format!("a CIDR such as 10.0.0.0/16 ({e})"),
                    "a string that is not one",
                )),
            },
            None if self.noteworthy(o.field(key)) => Ok(CidrVal::Unknown),
            None => Ok(CidrVal::Absent),
        }
    }

    /// A list of CIDRs; unknown ones are left out with a note on `noted`.
    fn cidrs(
        &mut self,
        inst: &Inst<'t>,
        o: Obj<'t>,
        key: &str,
        p: &P<'_>,
        noted: &str,
    ) -> R<Vec<Cidr>> {
        let f = o.field(key);
        let fp = P::Field(p, key);
        let mut out = Vec::new();
        if let Some(v) = f.known() {
            if v.val() != Val::Arr {
                return Err(self.doc.shape(&fp, "an array of CIDRs", v.kind()));
            }
            for (i, c) in v.items().enumerate() {
                let ip = P::Index(&fp, i);
                match c.val() {
                    Val::Str(s) => out.push(self.doc.cidr(s, &ip)?),
                    Val::Null => {}
                    other => return Err(self.doc.shape(&ip, "a CIDR string", other.kind())),
                }
            }
        }
        if self.noteworthy(f) {
            self.note(inst, noted, key, PlanNoteKind::UnknownUntilApply);
        }
        Ok(out)
    }

    fn protocol(&self, o: Obj<'t>, key: &str, p: &P<'_>) -> R<Option<Protocol>> {
        Ok(match o.field(key).known().map(Value::val) {
            None | Some(Val::Null) => None,
            Some(Val::Str(s)) if s == "-1" || s.eq_ignore_ascii_case("all") => Some(Protocol::All),
            Some(Val::Str(s)) if s == "6" || s.eq_ignore_ascii_case("tcp") => Some(Protocol::Tcp),
            Some(Val::Str(_)) => Some(Protocol::Other),
            Some(Val::Num(n)) => Some(match json::as_i64(n) {
                Some(-1) => Protocol::All,
                Some(6) => Protocol::Tcp,
                _ => Protocol::Other,
            }),
            Some(other) => {
                return Err(self.doc.shape(
                    &P::Field(p, key),
                    "a protocol such as \"-1\", \"tcp\" or \"6\"",
                    other.kind(),
                ));
            }
        })
    }

    fn ports(&self, protocol: Protocol, o: Obj<'t>, p: &P<'_>) -> R<PortRange> {
        let port = |key| -> R<Option<u16>> {
            match self.int(o, key, p)? {
                Some(n) if n < 0 => Ok(None),
                None => Ok(None),
                Some(n) => u16::try_from(n).map(Some).map_err(|_| {
                    self.doc.shape(
                        &P::Field(p, key),
                        "a port from 0 to 65535",
                        "a larger number",
                    )
                }),
            }
        };
        let (from, to) = (port("from_port")?, port("to_port")?);
        Ok(match (protocol, from, to) {
            (Protocol::Tcp, Some(from), Some(to)) => PortRange { from, to },
            _ => PortRange::ALL,
        })
    }

    /// What kind of resource an id (or placeholder) names.
    fn type_of(&self, input: &VpcInput, id: &str) -> Option<&'t str> {
        if let Some(t) = self.by_address.get(id).and_then(|i| self.inst(i)) {
            return Some(t.rtype);
        }
        if input.internet_gateways.items.iter().any(|g| g.id == id) {
            return Some("aws_internet_gateway");
        }
        None
    }

    /// A route of an inline `route` block or an `aws_route`; `None` without
    /// a destination, or when the destination is known only after apply
    /// (with a note on `table`).
    fn route(
        &mut self,
        input: &VpcInput,
        inst: &Inst<'t>,
        o: Obj<'t>,
        p: &P<'_>,
        table: &str,
    ) -> R<Option<Route>> {
        let mut destination = None;
        for (v4, v6) in ROUTE_DESTINATIONS {
            for key in [v4, v6] {
                match self.cidr(o, key, p)? {
                    CidrVal::Known(c) => {
                        destination = destination.or(Some(RouteDestination::Cidr(c)))
                    }
                    CidrVal::Unknown => {
                        self.note(inst, table, key, PlanNoteKind::UnknownUntilApply);
                        return Ok(None);
                    }
                    CidrVal::Absent => {}
                }
            }
        }
        if destination.is_none() {
            destination = self
                .id(inst, o, "destination_prefix_list_id", p, table)?
                .map(RouteDestination::PrefixList);
        }
        let Some(destination) = destination else {
            return Ok(None);
        };
        let mut target = RouteTarget::Unknown;
        for field in ROUTE_TARGET_FIELDS {
            let Some(t) = self.id(inst, o, field, p, table)? else {
                continue;
            };
            let kind = self.type_of(input, &t);
            target = match field {
                "gateway_id" if t == "local" => RouteTarget::Local,
                "gateway_id" if t.starts_with("igw-") || kind == Some("aws_internet_gateway") => {
                    RouteTarget::InternetGateway(t)
                }
                "gateway_id" | "vpc_endpoint_id"
                    if t.starts_with("vpce-") || kind == Some("aws_vpc_endpoint") =>
                {
                    RouteTarget::VpcEndpoint(t)
                }
                "nat_gateway_id" => RouteTarget::NatGateway(t),
                "egress_only_gateway_id" => RouteTarget::EgressOnlyInternetGateway(t),
                _ => RouteTarget::Transit(t),
            };
            break;
        }
        Ok(Some(Route {
            destination,
            target,
            state: RouteState::Active,
            origin: RouteOrigin::CreateRoute,
        }))
    }

    /// The rules of `aws_security_group` / `aws_default_security_group`
    /// blocks (`ingress`, `egress`).
    fn sg_blocks(
        &mut self,
        inst: &Inst<'t>,
        o: Obj<'t>,
        key: &str,
        p: &P<'_>,
        group: &str,
    ) -> R<Vec<SgRule>> {
        let mut out = Vec::new();
        let kp = P::Field(p, key);
        for (i, b) in self.blocks(o, key, p)?.into_iter().enumerate() {
            let bp = P::Index(&kp, i);
            out.push(self.sg_rule(inst, b, &bp, group, "protocol")?);
        }
        Ok(out)
    }

    /// One security group rule: a block, or an `aws_security_group_rule`.
    fn sg_rule(
        &mut self,
        inst: &Inst<'t>,
        b: Obj<'t>,
        p: &P<'_>,
        group: &str,
        proto_key: &str,
    ) -> R<SgRule> {
        let protocol = self.protocol(b, proto_key, p)?.unwrap_or(Protocol::All);
        let ports = self.ports(protocol, b, p)?;
        let mut cidrs = self.cidrs(inst, b, "cidr_blocks", p, group)?;
        cidrs.extend(self.cidrs(inst, b, "ipv6_cidr_blocks", p, group)?);
        for key in ["cidr_ipv4", "cidr_ipv6"] {
            match self.cidr(b, key, p)? {
                CidrVal::Known(c) => cidrs.push(c),
                CidrVal::Unknown => self.note(inst, group, key, PlanNoteKind::UnknownUntilApply),
                CidrVal::Absent => {}
            }
        }
        let mut group_ids = self.ids(inst, b, "security_groups", p, group)?;
        for key in ["source_security_group_id", "referenced_security_group_id"] {
            group_ids.extend(self.id(inst, b, key, p, group)?);
        }
        if self.flag(b, "self", p)? == Some(true) {
            group_ids.push(group.to_owned());
        }
        let mut prefix_list_ids = self.ids(inst, b, "prefix_list_ids", p, group)?;
        prefix_list_ids.extend(self.id(inst, b, "prefix_list_id", p, group)?);
        Ok(SgRule {
            protocol,
            ports,
            cidrs,
            group_ids,
            prefix_list_ids,
        })
    }

    /// The entries of `aws_network_acl` / `aws_default_network_acl` blocks.
    fn acl_blocks(
        &mut self,
        inst: &Inst<'t>,
        o: Obj<'t>,
        p: &P<'_>,
        acl: &str,
    ) -> R<Vec<AclEntry>> {
        let mut out = Vec::new();
        for (key, direction) in [
            ("ingress", Direction::Ingress),
            ("egress", Direction::Egress),
        ] {
            let kp = P::Field(p, key);
            for (i, b) in self.blocks(o, key, p)?.into_iter().enumerate() {
                let bp = P::Index(&kp, i);
                out.extend(self.acl_entry(
                    inst,
                    b,
                    &bp,
                    acl,
                    Some(direction),
                    ("rule_no", "action"),
                )?);
            }
        }
        Ok(out)
    }

    /// One network ACL entry: a block (`rule_no`, `action`), or an
    /// `aws_network_acl_rule` (`rule_number`, `rule_action`, `egress`).
    fn acl_entry(
        &mut self,
        inst: &Inst<'t>,
        b: Obj<'t>,
        p: &P<'_>,
        acl: &str,
        direction: Option<Direction>,
        (number_key, action_key): (&str, &str),
    ) -> R<Option<AclEntry>> {
        let rule_number = match self.int(b, number_key, p)? {
            Some(n) if (1..=32766).contains(&n) => n as u32,
            Some(_) => {
                return Err(self.doc.shape(
                    &P::Field(p, number_key),
                    "a rule number from 1 to 32766",
                    "a number outside it",
                ));
            }
            None if b.field(number_key).unknown() => {
                self.note(inst, acl, number_key, PlanNoteKind::UnknownUntilApply);
                return Ok(None);
            }
            None => {
                return Err(self.doc.shape(
                    &P::Field(p, number_key),
                    "an integer (the argument is required)",
                    "nothing",
                ));
            }
        };
        let direction = match direction {
            Some(d) => d,
            None if self.flag(b, "egress", p)? == Some(true) => Direction::Egress,
            None => Direction::Ingress,
        };
        let action = match self.text(b, action_key, p)? {
            Some(a) if a.eq_ignore_ascii_case("allow") => RuleAction::Allow,
            Some(a) if a.eq_ignore_ascii_case("deny") => RuleAction::Deny,
            Some(_) => {
                return Err(self.doc.shape(
                    &P::Field(p, action_key),
                    "\"allow\" or \"deny\"",
                    "another string",
                ));
            }
            None => {
                return Err(self.doc.shape(
                    &P::Field(p, action_key),
                    "\"allow\" or \"deny\" (the argument is required)",
                    "nothing",
                ));
            }
        };
        let protocol = self.protocol(b, "protocol", p)?.unwrap_or(Protocol::All);
        let mut cidr = None;
        for key in ["cidr_block", "ipv6_cidr_block"] {
            match self.cidr(b, key, p)? {
                CidrVal::Known(c) => cidr = cidr.or(Some(c)),
                CidrVal::Unknown => {
                    self.note(inst, acl, key, PlanNoteKind::UnknownUntilApply);
                    return Ok(None);
                }
                CidrVal::Absent => {}
            }
        }
        let Some(cidr) = cidr else {
            return Err(self.doc.shape(
                &P::Field(p, "cidr_block"),
                "a CIDR in cidr_block or ipv6_cidr_block",
                "neither",
            ));
        };
        let ports = self.ports(protocol, b, p)?;
        Ok(Some(AclEntry {
            rule_number,
            direction,
            protocol,
            action,
            cidr,
            ports,
        }))
    }

    fn build(&mut self, input: &mut VpcInput) -> R<()> {
        let insts = self.insts;
        for inst in insts {
            if matches!(inst.action, Action::Delete | Action::Replace) {
                self.remove(input, inst)?;
            }
        }
        self.fresh = {
            let mut creates = IdIndex::with_capacity(insts.len());
            for (i, inst) in insts.iter().enumerate() {
                if self.created(inst) {
                    creates.insert_first(inst.address, i as u32);
                }
            }
            let ids = input
                .vpcs
                .items
                .iter()
                .map(|x| &x.id)
                .chain(input.subnets.items.iter().map(|x| &x.id))
                .chain(input.route_tables.items.iter().map(|x| &x.id))
                .chain(input.endpoints.items.iter().map(|x| &x.id))
                .chain(input.security_groups.items.iter().map(|x| &x.id))
                .chain(input.network_acls.items.iter().map(|x| &x.id))
                .chain(input.nat_gateways.items.iter().map(|x| &x.id))
                .chain(input.internet_gateways.items.iter().map(|x| &x.id))
                .chain(input.dhcp_options.items.iter().map(|x| &x.id))
                .chain(input.prefix_lists.items.iter().map(|x| &x.id));
            !ids.into_iter().any(|id| creates.get(id).is_some())
        };
        for t in WHOLE.iter().chain(ATTACHED.iter()) {
            for inst in insts
                .iter()
                .filter(|i| i.rtype == *t && i.action != Action::Delete)
            {
                self.add(input, inst)?;
            }
        }
        self.associate(input);
        self.finish(input);
        Ok(())
    }

    /// Takes out what a `delete` (or the first half of a replacement)
    /// removes, read from `change.before`.
    fn remove(&mut self, input: &mut VpcInput, inst: &Inst<'t>) -> R<()> {
        let Some(_) = inst.before else { return Ok(()) };
        let (o, path) = self.obj(inst, true);
        let p = P::Field(&P::Root, &path);
        let old = self.text(o, "id", &p)?.unwrap_or_default().to_owned();
        let old = old.as_str();
        match inst.rtype {
            "aws_vpc" => input.vpcs.items.retain(|x| x.id != old),
            "aws_subnet" => input.subnets.items.retain(|x| x.id != old),
            "aws_route_table" => input.route_tables.items.retain(|x| x.id != old),
            "aws_internet_gateway" => input.internet_gateways.items.retain(|x| x.id != old),
            "aws_nat_gateway" => input.nat_gateways.items.retain(|x| x.id != old),
            "aws_vpc_endpoint" => input.endpoints.items.retain(|x| x.id != old),
            "aws_security_group" => input.security_groups.items.retain(|x| x.id != old),
            "aws_network_acl" => input.network_acls.items.retain(|x| x.id != old),
            "aws_vpc_dhcp_options" => input.dhcp_options.items.retain(|x| x.id != old),
            "aws_ec2_managed_prefix_list" => input.prefix_lists.items.retain(|x| x.id != old),
            "aws_route" => {
                let table = self
                    .id(inst, o, "route_table_id", &p, old)?
                    .unwrap_or_default();
                if let Some(r) = self.route(input, inst, o, &p, &table)?
                    && let Some(t) = input.route_tables.items.iter_mut().find(|t| t.id == table)
                {
                    t.routes.retain(|x| x.destination != r.destination);
                }
            }
            "aws_route_table_association" => {
                let table = self
                    .id(inst, o, "route_table_id", &p, old)?
                    .unwrap_or_default();
                let subnet = self.id(inst, o, "subnet_id", &p, old)?.unwrap_or_default();
                if let Some(t) = input.route_tables.items.iter_mut().find(|t| t.id == table)
                    && let Some(at) = t.subnet_ids.iter().position(|s| *s == subnet)
                {
                    t.subnet_ids.remove(at);
                    if at < t.association_ids.len() {
                        t.association_ids.remove(at);
                    }
                }
            }
            "aws_security_group_rule"
            | "aws_vpc_security_group_ingress_rule"
            | "aws_vpc_security_group_egress_rule" => {
                let (group, egress, rule) = self.rule_resource(inst, o, &p)?;
                if let Some(g) = input
                    .security_groups
                    .items
                    .iter_mut()
                    .find(|g| g.id == group)
                {
                    let rules = if egress {
                        &mut g.egress
                    } else {
                        &mut g.ingress
                    };
                    if let Some(at) = rules.iter().position(|r| *r == rule) {
                        rules.remove(at);
                    }
                }
            }
            "aws_network_acl_rule" => {
                let acl = self
                    .id(inst, o, "network_acl_id", &p, old)?
                    .unwrap_or_default();
                if let Some(e) =
                    self.acl_entry(inst, o, &p, &acl, None, ("rule_number", "rule_action"))?
                    && let Some(a) = input.network_acls.items.iter_mut().find(|a| a.id == acl)
                {
                    a.entries.retain(|x| {
                        !(x.rule_number == e.rule_number && x.direction == e.direction)
                    });
                }
            }
            "aws_network_acl_association" => {
                let acl = self
                    .id(inst, o, "network_acl_id", &p, old)?
                    .unwrap_or_default();
                let subnet = self.id(inst, o, "subnet_id", &p, old)?.unwrap_or_default();
                if let Some(a) = input.network_acls.items.iter_mut().find(|a| a.id == acl) {
                    a.subnet_ids.retain(|s| *s != subnet);
                }
            }
            "aws_vpc_endpoint_route_table_association"
            | "aws_vpc_endpoint_subnet_association"
            | "aws_vpc_endpoint_security_group_association" => {
                let ep = self
                    .id(inst, o, "vpc_endpoint_id", &p, old)?
                    .unwrap_or_default();
                let (key, list): (&str, fn(&mut VpcEndpoint) -> &mut Vec<String>) = match inst.rtype
                {
                    "aws_vpc_endpoint_route_table_association" => {
                        ("route_table_id", |e| &mut e.route_table_ids)
                    }
                    "aws_vpc_endpoint_subnet_association" => ("subnet_id", |e| &mut e.subnet_ids),
                    _ => ("security_group_id", |e| &mut e.security_group_ids),
                };
                let member = self.id(inst, o, key, &p, old)?.unwrap_or_default();
                if let Some(e) = input.endpoints.items.iter_mut().find(|e| e.id == ep) {
                    list(e).retain(|x| *x != member);
                }
            }
            "aws_internet_gateway_attachment" => {
                let igw = self
                    .id(inst, o, "internet_gateway_id", &p, old)?
                    .unwrap_or_default();
                let vpc = self.id(inst, o, "vpc_id", &p, old)?.unwrap_or_default();
                if let Some(g) = input
                    .internet_gateways
                    .items
                    .iter_mut()
                    .find(|g| g.id == igw)
                {
                    g.attached_vpc_ids.retain(|v| *v != vpc);
                }
            }
            "aws_vpc_block_public_access_exclusion" => {
                input.bpa_exclusions.items.retain(|x| x.id != old)
            }
            _ => {}
        }
        Ok(())
    }

    /// A security group rule resource: its group, whether it is egress,
    /// and the rule.
    fn rule_resource(
        &mut self,
        inst: &Inst<'t>,
        o: Obj<'t>,
        p: &P<'_>,
    ) -> R<(String, bool, SgRule)> {
        let group = self
            .id(inst, o, "security_group_id", p, inst.address)?
            .unwrap_or_default();
        let (egress, proto) = match inst.rtype {
            "aws_vpc_security_group_ingress_rule" => (false, "ip_protocol"),
            "aws_vpc_security_group_egress_rule" => (true, "ip_protocol"),
            _ => match self.text(o, "type", p)? {
                Some("egress") => (true, "protocol"),
                Some("ingress") => (false, "protocol"),
                _ => {
                    return Err(self.doc.shape(
                        &P::Field(p, "type"),
                        "\"ingress\" or \"egress\"",
                        "another value",
                    ));
                }
            },
        };
        let rule = self.sg_rule(inst, o, p, &group, proto)?;
        Ok((group, egress, rule))
    }

    /// Adds (or, for an update or a resource the snapshot lacks, writes)
    /// what `inst` holds after apply.
    fn add(&mut self, input: &mut VpcInput, inst: &Inst<'t>) -> R<()> {
        let (o, path) = self.obj(inst, false);
        let p = P::Field(&P::Root, &path);
        let id = inst.id.as_str();
        let keep = inst.action == Action::Keep;
        macro_rules! exists {
            ($list:ident) => {
                input.$list.items.iter().any(|x| x.id == id)
            };
        }
        match inst.rtype {
            "aws_vpc" => {
                if keep && exists!(vpcs) {
                    return Ok(());
                }
                let mut cidrs = Vec::new();
                // An IPv6 block is asked for by a flag or a pool, not by
                // setting `ipv6_cidr_block`; the IPv4 block may come from
                // an IPAM pool: either is then known only after apply.
                let v6_asked = self.flag(o, "assign_generated_ipv6_cidr_block", &p)? == Some(true)
                    || self.text(o, "ipv6_ipam_pool_id", &p)?.is_some()
                    || o.field("ipv6_ipam_pool_id").unknown();
                for (key, asked) in [("cidr_block", true), ("ipv6_cidr_block", v6_asked)] {
                    match self.cidr(o, key, &p)? {
                        CidrVal::Known(c) => cidrs.push(c),
                        CidrVal::Unknown => {
                            self.note(inst, id, key, PlanNoteKind::UnknownUntilApply)
                        }
                        CidrVal::Absent if asked && o.field(key).unknown() => {
                            self.note(inst, id, key, PlanNoteKind::UnknownUntilApply);
                        }
                        CidrVal::Absent => {}
                    }
                }
                let has_v6 = cidrs.iter().any(|c| matches!(c, Cidr::V6(_)));
                let vpc = Vpc {
                    id: id.to_owned(),
                    cidrs,
                    dhcp_options_id: self.text(o, "dhcp_options_id", &p)?.map(str::to_owned),
                    owner_id: self.text(o, "owner_id", &p)?.map(str::to_owned),
                    block_public_access: None,
                };
                // The provider's defaults: DNS support on, hostnames off.
                input.dns_attributes.insert(
                    id.to_owned(),
                    VpcDnsAttributes {
                        dns_support: Some(VpcResolver::from_flag(
                            self.flag(o, "enable_dns_support", &p)?.unwrap_or(true),
                        )),
                        dns_hostnames: Some(DnsHostnames::from_flag(
                            self.flag(o, "enable_dns_hostnames", &p)?.unwrap_or(false),
                        )),
                    },
                );
                upsert(&mut input.vpcs.items, vpc, |x| &x.id);
                if matches!(inst.action, Action::Create | Action::Replace) {
                    self.vpc_defaults(input, inst, has_v6);
                }
            }
            "aws_subnet" => {
                if keep && exists!(subnets) {
                    return Ok(());
                }
                let vpc_id = self.id(inst, o, "vpc_id", &p, id)?.unwrap_or_default();
                let cidr = match self.cidr(o, "cidr_block", &p)? {
                    CidrVal::Known(c) => Some(c),
                    CidrVal::Absent => None,
                    CidrVal::Unknown => {
                        self.note(inst, id, "cidr_block", PlanNoteKind::UnknownUntilApply);
                        // A stand-in inside the VPC: the verdicts that
                        // depend on it are made unknown by the note.
                        input
                            .vpcs
                            .items
                            .iter()
                            .find(|v| v.id == vpc_id)
                            .and_then(|v| {
                                v.cidrs.iter().find(|c| matches!(c, Cidr::V4(_))).copied()
                            })
                    }
                };
                let ipv6_cidrs = match self.cidr(o, "ipv6_cidr_block", &p)? {
                    CidrVal::Known(c) => vec![c],
                    CidrVal::Unknown => {
                        self.note(inst, id, "ipv6_cidr_block", PlanNoteKind::UnknownUntilApply);
                        vec![]
                    }
                    CidrVal::Absent => vec![],
                };
                let subnet = Subnet {
                    id: id.to_owned(),
                    vpc_id,
                    availability_zone: self.text(o, "availability_zone", &p)?.map(str::to_owned),
                    cidr,
                    ipv6_cidrs,
                    dns64: Dns64::from_flag(self.flag(o, "enable_dns64", &p)?.unwrap_or(false)),
                    arn: self.text(o, "arn", &p)?.map(str::to_owned),
                    owner_id: self.text(o, "owner_id", &p)?.map(str::to_owned),
                    block_public_access: None,
                };
                self.put(&mut input.subnets.items, subnet, |x| &x.id);
                address_of(input, inst.address, id, self.new_here(id));
            }
            "aws_route_table" => {
                if keep && exists!(route_tables) {
                    return Ok(());
                }
                let vpc_id = self.id(inst, o, "vpc_id", &p, id)?.unwrap_or_default();
                let mut routes = input.local_routes(&vpc_id);
                let rp = P::Field(&p, "route");
                for (i, b) in self.blocks(o, "route", &p)?.into_iter().enumerate() {
                    if let Some(r) = self.route(input, inst, b, &P::Index(&rp, i), id)?
                        && !routes.iter().any(|x| x.destination == r.destination)
                    {
                        routes.push(r);
                    }
                }
                // Associations are resources of their own: an update keeps them.
                let old = if self.new_here(id) {
                    None
                } else {
                    input.route_tables.items.iter().find(|t| t.id == id)
                };
                let table = RouteTable {
                    id: id.to_owned(),
                    vpc_id,
                    main: old.is_some_and(|t| t.main),
                    subnet_ids: old.map(|t| t.subnet_ids.clone()).unwrap_or_default(),
                    association_ids: old.map(|t| t.association_ids.clone()).unwrap_or_default(),
                    routes,
                };
                self.put(&mut input.route_tables.items, table, |x| &x.id);
            }
            "aws_internet_gateway" => {
                if keep && exists!(internet_gateways) {
                    return Ok(());
                }
                let vpc = self.id(inst, o, "vpc_id", &p, id)?;
                upsert(
                    &mut input.internet_gateways.items,
                    InternetGateway {
                        id: id.to_owned(),
                        attached_vpc_ids: vpc.into_iter().collect(),
                    },
                    |x| &x.id,
                );
            }
            "aws_nat_gateway" => {
                if keep && exists!(nat_gateways) {
                    return Ok(());
                }
                let subnet_id = self.id(inst, o, "subnet_id", &p, id)?.unwrap_or_default();
                let connectivity = match self.text(o, "connectivity_type", &p)? {
                    Some("private") => NatConnectivity::Private,
                    _ => NatConnectivity::Public,
                };
                upsert(
                    &mut input.nat_gateways.items,
                    NatGateway {
                        id: id.to_owned(),
                        vpc_id: None,
                        subnet_id,
                        state: NatState::Available,
                        connectivity,
                    },
                    |x| &x.id,
                );
            }
            "aws_vpc_endpoint" => {
                if keep && exists!(endpoints) {
                    return Ok(());
                }
                let vpc_id = self.id(inst, o, "vpc_id", &p, id)?.unwrap_or_default();
                let Some(service_name) = self.text(o, "service_name", &p)? else {
                    if o.field("service_name").unknown() {
                        self.note(
                            inst,
                            &vpc_id,
                            "service_name",
                            PlanNoteKind::UnknownUntilApply,
                        );
                        return Ok(());
                    }
                    return Err(self.doc.shape(
                        &P::Field(&p, "service_name"),
                        "a string (the argument is required)",
                        "nothing",
                    ));
                };
                use VpcEndpointKind as K;
                let kind = match self.text(o, "vpc_endpoint_type", &p)? {
                    Some(t) if t.eq_ignore_ascii_case("interface") => K::Interface,
                    // The provider's default.
                    None => K::Gateway,
                    Some(t) if t.eq_ignore_ascii_case("gateway") => K::Gateway,
                    Some(_) => K::Other,
                };
                let state = match self.text(o, "state", &p)? {
                    Some(s) if !s.eq_ignore_ascii_case("available") => EndpointState::NotAvailable,
                    _ => EndpointState::Available,
                };
                let ip_type = match self.text(o, "ip_address_type", &p)? {
                    Some("dualstack") => EndpointIpType::Dualstack,
                    Some("ipv6") => EndpointIpType::Ipv6,
                    _ => EndpointIpType::Ipv4,
                };
                let (mut dns_record_ip_type, mut inbound_only) = (None, false);
                let dp = P::Field(&p, "dns_options");
                if let Some(d) = self.blocks(o, "dns_options", &p)?.first() {
                    let dp = P::Index(&dp, 0);
                    dns_record_ip_type = match self.text(*d, "dns_record_ip_type", &dp)? {
                        Some("ipv4") => Some(DnsRecordIpType::Ipv4),
                        Some("dualstack") => Some(DnsRecordIpType::Dualstack),
                        Some("ipv6") => Some(DnsRecordIpType::Ipv6),
                        Some("service-defined") => Some(DnsRecordIpType::ServiceDefined),
                        Some(_) => {
                            return Err(self.doc.shape(
                                &P::Field(&dp, "dns_record_ip_type"),
                                "one of \"ipv4\", \"dualstack\", \"ipv6\", \"service-defined\"",
                                "another string",
                            ));
                        }
                        None => None,
                    };
                    inbound_only = self
                        .flag(*d, "private_dns_only_for_inbound_resolver_endpoint", &dp)?
                        .unwrap_or(false);
                }
                let endpoint = VpcEndpoint {
                    id: id.to_owned(),
                    vpc_id,
                    service_name: service_name.to_owned(),
                    kind,
                    state,
                    private_dns: PrivateDns::from_flag(
                        self.flag(o, "private_dns_enabled", &p)?.unwrap_or(false),
                    ),
                    subnet_ids: self.ids(inst, o, "subnet_ids", &p, id)?,
                    security_group_ids: self.ids(inst, o, "security_group_ids", &p, id)?,
                    route_table_ids: self.ids(inst, o, "route_table_ids", &p, id)?,
                    ip_type,
                    service_region: self.text(o, "service_region", &p)?.map(str::to_owned),
                    dns_record_ip_type,
                    private_dns_scope: PrivateDnsScope::from_flag(inbound_only),
                    policy_document: self.text(o, "policy", &p)?.map(str::to_owned),
                };
                upsert(&mut input.endpoints.items, endpoint, |x| &x.id);
            }
            "aws_security_group" => {
                if keep && exists!(security_groups) {
                    return Ok(());
                }
                // No `egress` block: no egress (the provider removes AWS's
                // allow-all rule).
                let ingress = self.sg_blocks(inst, o, "ingress", &p, id)?;
                let egress = self.sg_blocks(inst, o, "egress", &p, id)?;
                let group = SecurityGroup {
                    id: id.to_owned(),
                    name: self.text(o, "name", &p)?.unwrap_or_default().to_owned(),
                    vpc_id: self.id(inst, o, "vpc_id", &p, id)?,
                    ingress,
                    egress,
                };
                self.put(&mut input.security_groups.items, group, |x| &x.id);
                address_of(input, inst.address, id, self.new_here(id));
            }
            "aws_network_acl" => {
                if keep && exists!(network_acls) {
                    return Ok(());
                }
                let entries = self.acl_blocks(inst, o, &p, id)?;
                let subnet_ids = self.ids(inst, o, "subnet_ids", &p, id)?;
                let acl = NetworkAcl {
                    id: id.to_owned(),
                    vpc_id: self.id(inst, o, "vpc_id", &p, id)?.unwrap_or_default(),
                    is_default: false,
                    subnet_ids: subnet_ids.clone(),
                    entries,
                };
                self.move_subnets_to_acl(input, &subnet_ids, id);
                upsert(&mut input.network_acls.items, acl, |x| &x.id);
            }
            "aws_vpc_dhcp_options" => {
                if keep && exists!(dhcp_options) {
                    return Ok(());
                }
                let f = o.field("domain_name_servers");
                let mut servers = Vec::new();
                if let Some(v) = f.known() {
                    for (i, s) in v.items().enumerate() {
                        let sp = P::Field(&p, "domain_name_servers");
                        servers.push(
                            self.doc
                                .string(Some(s.val()), "a string", &P::Index(&sp, i))?
                                .to_owned(),
                        );
                    }
                }
                upsert(
                    &mut input.dhcp_options.items,
                    DhcpOptions {
                        id: id.to_owned(),
                        domain_name_servers: servers,
                    },
                    |x| &x.id,
                );
            }
            "aws_ec2_managed_prefix_list" => {
                if keep && exists!(prefix_lists) {
                    return Ok(());
                }
                let mut entries = Vec::new();
                let ep = P::Field(&p, "entry");
                for (i, b) in self.blocks(o, "entry", &p)?.into_iter().enumerate() {
                    match self.cidr(b, "cidr", &P::Index(&ep, i))? {
                        CidrVal::Known(c) => entries.push(c),
                        CidrVal::Unknown => {
                            self.note(inst, id, "entry.cidr", PlanNoteKind::UnknownUntilApply)
                        }
                        CidrVal::Absent => {}
                    }
                }
                let list = PrefixList {
                    id: id.to_owned(),
                    name: self.text(o, "name", &p)?.map(str::to_owned),
                    entries: Some(entries),
                };
                upsert(&mut input.prefix_lists.items, list, |x| &x.id);
            }
            _ => self.attach(input, inst, o, &p)?,
        }
        Ok(())
    }

    /// The main route table, default network ACL and default security group
    /// AWS creates with a VPC.
    fn vpc_defaults(&mut self, input: &mut VpcInput, vpc: &Inst<'t>, has_v6: bool) {
        let vpc_id = vpc.id.clone();
        let rt = self.id_attr(vpc, Some("default_route_table_id"));
        if !input.route_tables.items.iter().any(|t| t.id == rt) {
            let routes = input.local_routes(&vpc_id);
            input.route_tables.items.push(RouteTable {
                id: rt,
                vpc_id: vpc_id.clone(),
                main: true,
                subnet_ids: vec![],
                association_ids: vec![],
                routes,
            });
        }
        let acl = self.id_attr(vpc, Some("default_network_acl_id"));
        if !input.network_acls.items.iter().any(|a| a.id == acl) {
            // AWS's default network ACL: everything allowed, both ways
            // (IPv6 too when the VPC has an IPv6 block), then the `*` deny
            // rules (VPC user guide, "Default network ACL").
            let mut entries = Vec::new();
            for d in [Direction::Ingress, Direction::Egress] {
                entries.push(allow_all(100, d, any_v4(), RuleAction::Allow));
                if has_v6 {
                    entries.push(allow_all(101, d, any_v6(), RuleAction::Allow));
                }
                entries.push(allow_all(32767, d, any_v4(), RuleAction::Deny));
                if has_v6 {
                    entries.push(allow_all(32768, d, any_v6(), RuleAction::Deny));
                }
            }
            input.network_acls.items.push(NetworkAcl {
                id: acl,
                vpc_id: vpc_id.clone(),
                is_default: true,
                subnet_ids: vec![],
                entries,
            });
        }
        let sg = self.id_attr(vpc, Some("default_security_group_id"));
        if !input.security_groups.items.iter().any(|g| g.id == sg) {
            // AWS's default security group: in from itself, out to anywhere
            // (`::/0` only with an IPv6 block; VPC user guide, "Default
            // security groups for your VPCs").
            let mut out = vec![any_v4()];
            if has_v6 {
                out.push(any_v6());
            }
            input.security_groups.items.push(SecurityGroup {
                id: sg.clone(),
                name: "default".to_owned(),
                vpc_id: Some(vpc_id),
                ingress: vec![SgRule {
                    protocol: Protocol::All,
                    ports: PortRange::ALL,
                    cidrs: vec![],
                    group_ids: vec![sg],
                    prefix_list_ids: vec![],
                }],
                egress: vec![SgRule {
                    protocol: Protocol::All,
                    ports: PortRange::ALL,
                    cidrs: out,
                    group_ids: vec![],
                    prefix_list_ids: vec![],
                }],
            });
        }
    }

    fn move_subnets_to_acl(&self, input: &mut VpcInput, subnets: &[String], acl: &str) {
        for a in &mut input.network_acls.items {
            if a.id != acl {
                a.subnet_ids.retain(|s| !subnets.contains(s));
            }
        }
    }

    /// The resources that attach to others.
    fn attach(&mut self, input: &mut VpcInput, inst: &Inst<'t>, o: Obj<'t>, p: &P<'_>) -> R<()> {
        let id = inst.id.as_str();
        match inst.rtype {
            "aws_vpc_ipv4_cidr_block_association" => {
                let vpc = self.id(inst, o, "vpc_id", p, id)?.unwrap_or_default();
                match self.cidr(o, "cidr_block", p)? {
                    CidrVal::Known(c) => {
                        if let Some(v) = input.vpcs.items.iter_mut().find(|v| v.id == vpc)
                            && !v.cidrs.contains(&c)
                        {
                            v.cidrs.push(c);
                            for t in input
                                .route_tables
                                .items
                                .iter_mut()
                                .filter(|t| t.vpc_id == vpc)
                            {
                                t.routes.push(Route {
                                    destination: RouteDestination::Cidr(c),
                                    target: RouteTarget::Local,
                                    state: RouteState::Active,
                                    origin: RouteOrigin::CreateRouteTable,
                                });
                            }
                        }
                    }
                    CidrVal::Unknown => {
                        self.note(inst, &vpc, "cidr_block", PlanNoteKind::UnknownUntilApply)
                    }
                    CidrVal::Absent => {}
                }
            }
            "aws_default_route_table" => {
                let table = self
                    .id(inst, o, "default_route_table_id", p, id)?
                    .unwrap_or_default();
                let vpc = match input.route_tables.items.iter().find(|t| t.id == table) {
                    Some(t) => t.vpc_id.clone(),
                    None => self.id(inst, o, "vpc_id", p, &table)?.unwrap_or_default(),
                };
                let mut routes = input.local_routes(&vpc);
                let rp = P::Field(p, "route");
                for (i, b) in self.blocks(o, "route", p)?.into_iter().enumerate() {
                    if let Some(r) = self.route(input, inst, b, &P::Index(&rp, i), &table)?
                        && !routes.iter().any(|x| x.destination == r.destination)
                    {
                        routes.push(r);
                    }
                }
                match input.route_tables.items.iter_mut().find(|t| t.id == table) {
                    Some(t) => t.routes = routes,
                    None => input.route_tables.items.push(RouteTable {
                        id: table,
                        vpc_id: vpc,
                        main: true,
                        subnet_ids: vec![],
                        association_ids: vec![],
                        routes,
                    }),
                }
            }
            "aws_route" => {
                let table = self
                    .id(inst, o, "route_table_id", p, id)?
                    .unwrap_or_default();
                if let Some(r) = self.route(input, inst, o, p, &table)?
                    && let Some(t) = input.route_tables.items.iter_mut().find(|t| t.id == table)
                {
                    // In place: applying a plan twice changes nothing.
                    match t.routes.iter_mut().find(|x| x.destination == r.destination) {
                        Some(x) => *x = r,
                        None => t.routes.push(r),
                    }
                }
            }
            "aws_route_table_association" => {
                // A gateway (edge) association routes inbound traffic only.
                let Some(subnet) = self.id(inst, o, "subnet_id", p, id)? else {
                    return Ok(());
                };
                let table = self
                    .id(inst, o, "route_table_id", p, &subnet)?
                    .unwrap_or_default();
                self.associations.push((subnet, table, id.to_owned()));
            }
            "aws_main_route_table_association" => {
                let vpc = self.id(inst, o, "vpc_id", p, id)?.unwrap_or_default();
                let table = self
                    .id(inst, o, "route_table_id", p, &vpc)?
                    .unwrap_or_default();
                for t in input
                    .route_tables
                    .items
                    .iter_mut()
                    .filter(|t| t.vpc_id == vpc)
                {
                    t.main = t.id == table;
                }
            }
            "aws_internet_gateway_attachment" => {
                let igw = self
                    .id(inst, o, "internet_gateway_id", p, id)?
                    .unwrap_or_default();
                let vpc = self.id(inst, o, "vpc_id", p, id)?.unwrap_or_default();
                if let Some(g) = input
                    .internet_gateways
                    .items
                    .iter_mut()
                    .find(|g| g.id == igw)
                    && !g.attached_vpc_ids.contains(&vpc)
                {
                    g.attached_vpc_ids.push(vpc);
                }
            }
            "aws_vpc_endpoint_route_table_association"
            | "aws_vpc_endpoint_subnet_association"
            | "aws_vpc_endpoint_security_group_association" => {
                let ep = self
                    .id(inst, o, "vpc_endpoint_id", p, id)?
                    .unwrap_or_default();
                let key = match inst.rtype {
                    "aws_vpc_endpoint_route_table_association" => "route_table_id",
                    "aws_vpc_endpoint_subnet_association" => "subnet_id",
                    _ => "security_group_id",
                };
                let member = self.id(inst, o, key, p, &ep)?.unwrap_or_default();
                let replace_default = self.flag(o, "replace_default_association", p)? == Some(true);
                let vpc_default = input
                    .endpoints
                    .items
                    .iter()
                    .find(|e| e.id == ep)
                    .map(|e| e.vpc_id.clone())
                    .and_then(|v| default_group_of(input, &v).map(|g| g.id.clone()));
                if let Some(e) = input.endpoints.items.iter_mut().find(|e| e.id == ep) {
                    let list = match key {
                        "route_table_id" => &mut e.route_table_ids,
                        "subnet_id" => &mut e.subnet_ids,
                        _ => &mut e.security_group_ids,
                    };
                    if replace_default && let Some(d) = vpc_default {
                        list.retain(|x| *x != d);
                    }
                    if !list.contains(&member) {
                        list.push(member);
                    }
                }
            }
            "aws_default_security_group" => {
                let vpc = self.id(inst, o, "vpc_id", p, id)?.unwrap_or_default();
                let known = input.security_groups.items.iter().any(|g| g.id == id);
                let group = if known {
                    id.to_owned()
                } else {
                    match default_group_of(input, &vpc) {
                        Some(g) => g.id.clone(),
                        None => id.to_owned(),
                    }
                };
                // The provider removes every rule, then adds those given.
                let ingress = self.sg_blocks(inst, o, "ingress", p, &group)?;
                let egress = self.sg_blocks(inst, o, "egress", p, &group)?;
                match input
                    .security_groups
                    .items
                    .iter_mut()
                    .find(|g| g.id == group)
                {
                    Some(g) => {
                        g.ingress = ingress;
                        g.egress = egress;
                    }
                    None => input.security_groups.items.push(SecurityGroup {
                        id: group.clone(),
                        name: "default".to_owned(),
                        vpc_id: Some(vpc),
                        ingress,
                        egress,
                    }),
                }
                address_of(input, inst.address, &group, false);
            }
            "aws_security_group_rule"
            | "aws_vpc_security_group_ingress_rule"
            | "aws_vpc_security_group_egress_rule" => {
                let (group, egress, rule) = self.rule_resource(inst, o, p)?;
                if let Some(g) = input
                    .security_groups
                    .items
                    .iter_mut()
                    .find(|g| g.id == group)
                {
                    let rules = if egress {
                        &mut g.egress
                    } else {
                        &mut g.ingress
                    };
                    if !rules.contains(&rule) {
                        rules.push(rule);
                    }
                }
            }
            "aws_default_network_acl" => {
                let acl = self
                    .id(inst, o, "default_network_acl_id", p, id)?
                    .unwrap_or_default();
                // The provider removes every entry, then adds those given.
                let entries = self.acl_blocks(inst, o, p, &acl)?;
                let subnets = self.ids(inst, o, "subnet_ids", p, &acl)?;
                self.move_subnets_to_acl(input, &subnets, &acl);
                if let Some(a) = input.network_acls.items.iter_mut().find(|a| a.id == acl) {
                    a.entries = entries;
                    for s in subnets {
                        if !a.subnet_ids.contains(&s) {
                            a.subnet_ids.push(s);
                        }
                    }
                }
            }
            "aws_network_acl_rule" => {
                let acl = self
                    .id(inst, o, "network_acl_id", p, id)?
                    .unwrap_or_default();
                if let Some(e) =
                    self.acl_entry(inst, o, p, &acl, None, ("rule_number", "rule_action"))?
                    && let Some(a) = input.network_acls.items.iter_mut().find(|a| a.id == acl)
                {
                    match a
                        .entries
                        .iter_mut()
                        .find(|x| x.rule_number == e.rule_number && x.direction == e.direction)
                    {
                        Some(x) => *x = e,
                        None => a.entries.push(e),
                    }
                }
            }
            "aws_network_acl_association" => {
                let acl = self
                    .id(inst, o, "network_acl_id", p, id)?
                    .unwrap_or_default();
                let subnet = self.id(inst, o, "subnet_id", p, &acl)?.unwrap_or_default();
                self.move_subnets_to_acl(input, core::slice::from_ref(&subnet), &acl);
                if let Some(a) = input.network_acls.items.iter_mut().find(|a| a.id == acl)
                    && !a.subnet_ids.contains(&subnet)
                {
                    a.subnet_ids.push(subnet);
                }
            }
            "aws_vpc_dhcp_options_association" => {
                let vpc = self.id(inst, o, "vpc_id", p, id)?.unwrap_or_default();
                let dopt = self.id(inst, o, "dhcp_options_id", p, &vpc)?;
                if let Some(v) = input.vpcs.items.iter_mut().find(|v| v.id == vpc) {
                    v.dhcp_options_id = dopt.filter(|d| d != "default");
                }
            }
            "aws_vpc_block_public_access_options" => {
                let mode = match self.text(o, "internet_gateway_block_mode", p)? {
                    Some("off") => BpaMode::Off,
                    Some("block-bidirectional") => BpaMode::BlockBidirectional,
                    Some("block-ingress") => BpaMode::BlockIngress,
                    _ => {
                        return Err(self.doc.shape(
                            &P::Field(p, "internet_gateway_block_mode"),
                            "one of \"off\", \"block-bidirectional\", \"block-ingress\"",
                            "another value",
                        ));
                    }
                };
                input.bpa_options = Some(mode);
            }
            "aws_vpc_block_public_access_exclusion" => {
                let mode = match self.text(o, "internet_gateway_exclusion_mode", p)? {
                    Some("allow-bidirectional") => BpaExclusionMode::AllowBidirectional,
                    Some("allow-egress") => BpaExclusionMode::AllowEgress,
                    _ => {
                        return Err(self.doc.shape(
                            &P::Field(p, "internet_gateway_exclusion_mode"),
                            "\"allow-bidirectional\" or \"allow-egress\"",
                            "another value",
                        ));
                    }
                };
                let scope = match self.id(inst, o, "subnet_id", p, id)? {
                    Some(s) => BpaExclusionScope::Subnet(s),
                    None => BpaExclusionScope::Vpc(
                        self.id(inst, o, "vpc_id", p, id)?.unwrap_or_default(),
                    ),
                };
                upsert(
                    &mut input.bpa_exclusions.items,
                    BpaExclusion {
                        id: id.to_owned(),
                        mode,
                        scope,
                        state: ExclusionState::Active,
                    },
                    |x| &x.id,
                );
                input.bpa_exclusions.given = true;
            }
            // A transit gateway attachment changes no route by itself: the
            // routes to the transit gateway are read as routes.
            _ => {}
        }
        Ok(())
    }

    /// The route table associations read: a subnet is in one table (the
    /// last association of it wins), moved there from any other; applying
    /// them again changes nothing.
    fn associate(&mut self, input: &mut VpcInput) {
        let pending = core::mem::take(&mut self.associations);
        let mut last = IdIndex::with_capacity(pending.len());
        let mut keep = Vec::with_capacity(pending.len());
        for (i, (subnet, _, _)) in pending.iter().enumerate().rev() {
            if last.get(subnet).is_none() {
                last.insert_first(subnet, i as u32);
                keep.push(i);
            }
        }
        keep.reverse();
        for (subnet, table, id) in keep.into_iter().filter_map(|i| pending.get(i)) {
            // A subnet this plan creates is in no table yet.
            let new = self.new_here(subnet);
            for t in input
                .route_tables
                .items
                .iter_mut()
                .filter(|t| !new && t.id != *table)
            {
                if let Some(at) = t.subnet_ids.iter().position(|s| s == subnet) {
                    t.subnet_ids.remove(at);
                    if at < t.association_ids.len() {
                        t.association_ids.remove(at);
                    }
                }
            }
            if let Some(t) = input
                .route_tables
                .items
                .iter_mut()
                .find(|t| t.id == *table && (new || !t.subnet_ids.contains(subnet)))
            {
                // Association ids line up with subnets only when every one
                // is known.
                if t.association_ids.len() == t.subnet_ids.len() && id.starts_with("rtbassoc-") {
                    t.association_ids.push(id.clone());
                } else {
                    t.association_ids.clear();
                }
                t.subnet_ids.push(subnet.clone());
            }
        }
    }

    /// What AWS does on its own: a subnet without a network ACL is in its
    /// VPC's default one; an interface endpoint without security groups
    /// gets the VPC's default group; a NAT gateway is in its subnet's VPC.
    fn finish(&self, input: &mut VpcInput) {
        let has_vpc = self
            .insts
            .iter()
            .any(|i| i.rtype == "aws_vpc" && i.action != Action::Delete);
        let has = |t: &str| has_vpc || self.insts.iter().any(|i| i.rtype == t);
        input.vpcs.given |= has("aws_vpc");
        input.subnets.given |= has("aws_subnet");
        input.route_tables.given |= has("aws_route_table") || has("aws_default_route_table");
        input.endpoints.given |= has("aws_vpc_endpoint");
        input.security_groups.given |=
            has("aws_security_group") || has("aws_default_security_group");
        input.network_acls.given |= has("aws_network_acl") || has("aws_default_network_acl");
        input.nat_gateways.given |= has("aws_nat_gateway");
        input.internet_gateways.given |= has("aws_internet_gateway");
        input.dhcp_options.given |= has("aws_vpc_dhcp_options");
        input.prefix_lists.given |= self
            .insts
            .iter()
            .any(|i| i.rtype == "aws_ec2_managed_prefix_list");
        let subnets: Vec<(String, String)> = input
            .subnets
            .items
            .iter()
            .map(|s| (s.id.clone(), s.vpc_id.clone()))
            .collect();
        let unassociated: Vec<&(String, String)> = {
            let acls = &input.network_acls.items;
            let mut associated =
                IdIndex::with_capacity(acls.iter().map(|a| a.subnet_ids.len()).sum());
            for s in acls.iter().flat_map(|a| a.subnet_ids.iter()) {
                associated.insert_first(s, 0);
            }
            subnets
                .iter()
                .filter(|(s, _)| associated.get(s).is_none())
                .collect()
        };
        for (subnet, vpc) in unassociated {
            if let Some(a) = input
                .network_acls
                .items
                .iter_mut()
                .find(|a| a.is_default && a.vpc_id == *vpc)
            {
                a.subnet_ids.push(subnet.clone());
            }
        }
        for n in &mut input.nat_gateways.items {
            if n.vpc_id.is_none() {
                n.vpc_id = subnets
                    .iter()
                    .find(|(s, _)| *s == n.subnet_id)
                    .map(|(_, v)| v.clone());
            }
        }
        let defaults: Vec<(String, String)> = input
            .security_groups
            .items
            .iter()
            .filter(|g| g.name == "default")
            .filter_map(|g| Some((g.vpc_id.clone()?, g.id.clone())))
            .collect();
        for e in &mut input.endpoints.items {
            if e.kind == VpcEndpointKind::Interface && e.security_group_ids.is_empty() {
                e.security_group_ids.extend(
                    defaults
                        .iter()
                        .find(|(v, _)| *v == e.vpc_id)
                        .map(|(_, g)| g.clone()),
                );
            }
        }
        for acl in &mut input.network_acls.items {
            acl.entries = sorted_by_rule(core::mem::take(&mut acl.entries));
        }
    }
}
