//! The describe-* parser as it was before the [`super::tree`] reader: each
//! resource read into a `serde_json::Value`. Kept, for tests only, as the
//! reference the current parser must match value for value and error for
//! error (see `tests.rs`).
#![allow(unreachable_pub, dead_code)]

use crate::net::{Cidr, CidrError};
use crate::vpc::InputError;
use crate::vpc::model::*;
use alloc::borrow::ToOwned;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

// The same keys as the current parser: the reference must not drift from it.
use super::KNOWN_KEYS;

/// A JSON path, built without allocating until an error needs it.
#[derive(Clone, Copy)]
enum P<'a> {
    Key(&'a str),
    Field(&'a P<'a>, &'a str),
    Index(&'a P<'a>, usize),
}

impl fmt::Display for P<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            P::Key(k) => f.write_str(k),
            P::Field(p, k) => write!(f, "{p}.{k}"),
            P::Index(p, i) => write!(f, "{p}[{i}]"),
        }
    }
}

struct Doc<'a> {
    name: &'a str,
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Doc<'_> {
    fn shape(&self, path: &P<'_>, expected: &str, found: &str) -> InputError {
        InputError::Shape {
            document: self.name.to_owned(),
            path: path.to_string(),
            expected: expected.to_owned(),
            found: found.to_owned(),
        }
    }

    fn obj<'v>(&self, v: &'v Value, p: &P<'_>) -> Result<&'v Map<String, Value>, InputError> {
        v.as_object()
            .ok_or_else(|| self.shape(p, "an object", kind_of(v)))
    }

    fn req_str<'v>(
        &self,
        m: &'v Map<String, Value>,
        key: &str,
        p: &P<'_>,
    ) -> Result<&'v str, InputError> {
        match m.get(key) {
            Some(Value::String(s)) => Ok(s),
            Some(v) => Err(self.shape(&P::Field(p, key), "a string", kind_of(v))),
            None => Err(self.shape(
                &P::Field(p, key),
                "a string (the field is required)",
                "nothing",
            )),
        }
    }

    fn opt_str<'v>(
        &self,
        m: &'v Map<String, Value>,
        key: &str,
        p: &P<'_>,
    ) -> Result<Option<&'v str>, InputError> {
        match m.get(key) {
            Some(Value::String(s)) => Ok(Some(s)),
            Some(Value::Null) | None => Ok(None),
            Some(v) => Err(self.shape(&P::Field(p, key), "a string", kind_of(v))),
        }
    }

    fn opt_bool(
        &self,
        m: &Map<String, Value>,
        key: &str,
        p: &P<'_>,
    ) -> Result<Option<bool>, InputError> {
        match m.get(key) {
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::Null) | None => Ok(None),
            Some(v) => Err(self.shape(&P::Field(p, key), "true or false", kind_of(v))),
        }
    }

    fn opt_int(
        &self,
        m: &Map<String, Value>,
        key: &str,
        p: &P<'_>,
    ) -> Result<Option<i64>, InputError> {
        match m.get(key) {
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| {
                self.shape(
                    &P::Field(p, key),
                    "an integer",
                    "a fractional or huge number",
                )
            }),
            Some(Value::Null) | None => Ok(None),
            Some(v) => Err(self.shape(&P::Field(p, key), "an integer", kind_of(v))),
        }
    }

    fn opt_arr<'v>(
        &self,
        m: &'v Map<String, Value>,
        key: &str,
        p: &P<'_>,
    ) -> Result<&'v [Value], InputError> {
        match m.get(key) {
            Some(Value::Array(a)) => Ok(a),
            Some(Value::Null) | None => Ok(&[]),
            Some(v) => Err(self.shape(&P::Field(p, key), "an array", kind_of(v))),
        }
    }

    fn strs(
        &self,
        m: &Map<String, Value>,
        key: &str,
        p: &P<'_>,
    ) -> Result<Vec<String>, InputError> {
        let fp = P::Field(p, key);
        let mut out = Vec::new();
        for (i, v) in self.opt_arr(m, key, p)?.iter().enumerate() {
            match v {
                Value::String(s) => out.push(s.clone()),
                other => return Err(self.shape(&P::Index(&fp, i), "a string", kind_of(other))),
            }
        }
        Ok(out)
    }

    fn cidr(&self, s: &str, p: &P<'_>) -> Result<Cidr, InputError> {
        match s.parse::<Cidr>() {
            Ok(c) => Ok(c),
            // AWS stores some rules as written; the network is what matches.
            Err(CidrError::HostBitsSet { canonical }) => Ok(canonical),
            Err(e) => Err(self.shape(
                p,
                &format!("a CIDR such as 10.0.0.0/16 ({e})"),
                "a string that is not one",
            )),
        }
    }

    fn opt_cidr(
        &self,
        m: &Map<String, Value>,
        key: &str,
        p: &P<'_>,
    ) -> Result<Option<Cidr>, InputError> {
        match self.opt_str(m, key, p)? {
            Some(s) => Ok(Some(self.cidr(s, &P::Field(p, key))?)),
            None => Ok(None),
        }
    }

    fn protocol(
        &self,
        m: &Map<String, Value>,
        key: &str,
        p: &P<'_>,
    ) -> Result<Protocol, InputError> {
        let fp = P::Field(p, key);
        let s = match m.get(key) {
            Some(Value::String(s)) => s.as_str(),
            Some(Value::Number(n)) if n.as_i64() == Some(-1) => "-1",
            Some(Value::Number(n)) if n.as_i64() == Some(6) => "6",
            Some(Value::Number(_)) => "other",
            Some(v) => {
                return Err(self.shape(
                    &fp,
                    "a protocol such as \"-1\", \"tcp\" or \"6\"",
                    kind_of(v),
                ));
            }
            None => {
                return Err(self.shape(
                    &fp,
                    "a protocol such as \"-1\", \"tcp\" or \"6\"",
                    "nothing",
                ));
            }
        };
        Ok(match s.to_ascii_lowercase().as_str() {
            "-1" | "all" => Protocol::All,
            "tcp" | "6" => Protocol::Tcp,
            _ => Protocol::Other,
        })
    }

    fn port(&self, v: Option<i64>, p: &P<'_>, key: &str) -> Result<Option<u16>, InputError> {
        match v {
            None => Ok(None),
            // ICMP rules and "all" use -1.
            Some(n) if n < 0 => Ok(None),
            Some(n) => u16::try_from(n).map(Some).map_err(|_| {
                self.shape(
                    &P::Field(p, key),
                    "a port from 0 to 65535",
                    "a larger number",
                )
            }),
        }
    }
}

fn json_error(document: &str, e: &serde_json::Error) -> InputError {
    let message = e.to_string();
    // serde_json appends " at line L column C"; the position is reported separately.
    let message = match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message,
    };
    InputError::Json {
        document: document.to_owned(),
        line: e.line(),
        column: e.column(),
        message,
    }
}

/// Parses documents given as `(name, JSON text)` pairs into one model.
pub fn parse(docs: &[(&str, &str)]) -> Result<VpcInput, InputError> {
    if docs.is_empty() {
        return Err(InputError::NoDocuments);
    }
    let mut input = VpcInput::default();
    let mut seen = Seen::default();
    for (name, text) in docs {
        parse_document(name, text, &mut input, &mut seen)?;
    }
    for acl in &mut input.network_acls.items {
        acl.entries.sort_by_key(|e| e.rule_number);
    }
    Ok(input)
}

#[derive(Default)]
struct Seen {
    ids: BTreeSet<(u8, String)>,
    /// Prefix list id → index in `VpcInput::prefix_lists`.
    lists: BTreeMap<String, usize>,
}

impl Seen {
    fn first(&mut self, kind: u8, id: &str) -> bool {
        self.ids.insert((kind, id.to_owned()))
    }

    /// The prefix list `id` in `lists`, added without name or entries if new.
    fn list<'l>(&mut self, lists: &'l mut Vec<PrefixList>, id: &str) -> &'l mut PrefixList {
        let at = *self.lists.entry(id.to_owned()).or_insert_with(|| {
            lists.push(PrefixList {
                id: id.to_owned(),
                name: None,
                entries: None,
            });
            lists.len() - 1
        });
        &mut lists[at]
    }
}

fn parse_document(
    name: &str,
    text: &str,
    input: &mut VpcInput,
    seen: &mut Seen,
) -> Result<(), InputError> {
    let doc = Doc { name };
    let top: BTreeMap<String, &RawValue> = match serde_json::from_str(text) {
        Ok(t) => t,
        Err(e) if e.classify() == serde_json::error::Category::Data => {
            return Err(InputError::Shape {
                document: name.to_owned(),
                path: "(top level)".to_owned(),
                expected: "an object, as aws ec2 describe-* prints".to_owned(),
                found: "another JSON value".to_owned(),
            });
        }
        Err(e) => return Err(json_error(name, &e)),
    };
    if !KNOWN_KEYS.iter().any(|(k, _)| top.contains_key(*k)) {
        return Err(InputError::Shape {
            document: name.to_owned(),
            path: "(top level)".to_owned(),
            expected: super::EXPECTED_DOCUMENT.to_owned(),
            found: "none of their keys".to_owned(),
        });
    }
    let keep_ip_ranges = input.ip_ranges.is_none();
    for (key, raw) in &top {
        let key = key.as_str();
        match key {
            "PrefixLists" => each(&doc, key, raw, |m, p| {
                let id = doc.req_str(m, "PrefixListId", p)?;
                if !seen.first(9, id) {
                    return Ok(());
                }
                let name = doc.opt_str(m, "PrefixListName", p)?.map(str::to_owned);
                seen.list(&mut input.prefix_lists.items, id).name = name;
                Ok(())
            })
            .map(|()| input.prefix_lists.given = true)?,
            "Entries" => {
                let p = P::Key("PrefixListId");
                let list = match top.get("PrefixListId") {
                    Some(raw) => match item_value(&doc, raw, &p)? {
                        Value::String(s) => s,
                        other => return Err(doc.shape(&p, "a string", kind_of(&other))),
                    },
                    None => {
                        return Err(doc.shape(&p, super::ENTRIES_NEED_THEIR_LIST, "nothing"));
                    }
                };
                if seen.first(10, &list) {
                    let mut cidrs = Vec::new();
                    each(&doc, key, raw, |e, ip| {
                        let s = doc.req_str(e, "Cidr", ip)?;
                        cidrs.push(doc.cidr(s, &P::Field(ip, "Cidr"))?);
                        Ok(())
                    })?;
                    seen.list(&mut input.prefix_lists.items, &list).entries = Some(cidrs);
                }
                input.prefix_lists.given = true;
            }
            "VpcBlockPublicAccessOptions" => {
                let p = P::Key(key);
                let v = item_value(&doc, raw, &p)?;
                let fp = P::Field(&p, "InternetGatewayBlockMode");
                let mode = match doc.opt_str(doc.obj(&v, &p)?, "InternetGatewayBlockMode", &p)? {
                    Some(s) => super::bpa_mode(s)
                        .ok_or_else(|| doc.shape(&fp, super::BPA_MODES, "another string"))?,
                    None => {
                        return Err(doc.shape(
                            &fp,
                            &format!("{} (the field is required)", super::BPA_MODES),
                            "nothing",
                        ));
                    }
                };
                input.bpa_options.get_or_insert(mode);
            }
            "VpcBlockPublicAccessExclusions" => each(&doc, key, raw, |m, p| {
                let id = doc.req_str(m, "ExclusionId", p)?;
                if !seen.first(11, id) {
                    return Ok(());
                }
                let mode =
                    super::bpa_exclusion_mode(doc.req_str(m, "InternetGatewayExclusionMode", p)?)
                        .ok_or_else(|| {
                        doc.shape(
                            &P::Field(p, "InternetGatewayExclusionMode"),
                            super::BPA_EXCLUSION_MODES,
                            "another string",
                        )
                    })?;
                let scope = super::bpa_exclusion_scope(doc.req_str(m, "ResourceArn", p)?)
                    .ok_or_else(|| {
                        doc.shape(
                            &P::Field(p, "ResourceArn"),
                            super::BPA_EXCLUSION_ARN,
                            "another string",
                        )
                    })?;
                let state = super::exclusion_state(doc.req_str(m, "State", p)?);
                input.bpa_exclusions.items.push(BpaExclusion {
                    id: id.to_owned(),
                    mode,
                    scope,
                    state,
                });
                Ok(())
            })
            .map(|()| input.bpa_exclusions.given = true)?,
            "ipv6_prefixes" | "prefixes" => {
                let v6 = key == "ipv6_prefixes";
                let field = if v6 { "ipv6_prefix" } else { "ip_prefix" };
                let mut ranges = Vec::new();
                each(&doc, key, raw, |m, p| {
                    let fp = P::Field(p, field);
                    let cidr = doc.cidr(doc.req_str(m, field, p)?, &fp)?;
                    if matches!(cidr, Cidr::V6(_)) != v6 {
                        return Err(doc.shape(
                            &fp,
                            super::ip_range_family(v6).0,
                            super::ip_range_family(!v6).1,
                        ));
                    }
                    ranges.push(IpRange {
                        cidr,
                        region: doc.req_str(m, "region", p)?.to_owned(),
                        service: doc.req_str(m, "service", p)?.to_owned(),
                    });
                    Ok(())
                })?;
                if keep_ip_ranges {
                    input.ip_ranges.get_or_insert_with(Vec::new).extend(ranges);
                }
            }
            "Vpcs" => each(&doc, key, raw, |m, p| {
                let id = doc.req_str(m, "VpcId", p)?;
                if !seen.first(0, id) {
                    return Ok(());
                }
                let mut cidrs = Vec::new();
                if let Some(c) = doc.opt_cidr(m, "CidrBlock", p)? {
                    cidrs.push(c);
                }
                let cp = P::Field(p, "CidrBlockAssociationSet");
                for (i, a) in doc
                    .opt_arr(m, "CidrBlockAssociationSet", p)?
                    .iter()
                    .enumerate()
                {
                    let ip = P::Index(&cp, i);
                    if let Some(c) = doc.opt_cidr(doc.obj(a, &ip)?, "CidrBlock", &ip)?
                        && !cidrs.contains(&c)
                    {
                        cidrs.push(c);
                    }
                }
                let cp = P::Field(p, "Ipv6CidrBlockAssociationSet");
                for (i, a) in doc
                    .opt_arr(m, "Ipv6CidrBlockAssociationSet", p)?
                    .iter()
                    .enumerate()
                {
                    let ip = P::Index(&cp, i);
                    if let Some(c) = doc.opt_cidr(doc.obj(a, &ip)?, "Ipv6CidrBlock", &ip)? {
                        cidrs.push(c);
                    }
                }
                input.vpcs.items.push(Vpc {
                    id: id.to_owned(),
                    cidrs,
                    dhcp_options_id: doc.opt_str(m, "DhcpOptionsId", p)?.map(str::to_owned),
                    owner_id: doc.opt_str(m, "OwnerId", p)?.map(str::to_owned),
                    block_public_access: bpa_states(&doc, m, p)?,
                });
                Ok(())
            })
            .map(|()| input.vpcs.given = true)?,
            "Subnets" => each(&doc, key, raw, |m, p| {
                let id = doc.req_str(m, "SubnetId", p)?;
                if !seen.first(1, id) {
                    return Ok(());
                }
                let mut ipv6_cidrs = Vec::new();
                let cp = P::Field(p, "Ipv6CidrBlockAssociationSet");
                for (i, a) in doc
                    .opt_arr(m, "Ipv6CidrBlockAssociationSet", p)?
                    .iter()
                    .enumerate()
                {
                    let ip = P::Index(&cp, i);
                    if let Some(c) = doc.opt_cidr(doc.obj(a, &ip)?, "Ipv6CidrBlock", &ip)? {
                        ipv6_cidrs.push(c);
                    }
                }
                input.subnets.items.push(Subnet {
                    id: id.to_owned(),
                    vpc_id: doc.req_str(m, "VpcId", p)?.to_owned(),
                    availability_zone: doc.opt_str(m, "AvailabilityZone", p)?.map(str::to_owned),
                    cidr: doc.opt_cidr(m, "CidrBlock", p)?,
                    ipv6_cidrs,
                    dns64: Dns64::from_flag(doc.opt_bool(m, "EnableDns64", p)?.unwrap_or(false)),
                    arn: doc.opt_str(m, "SubnetArn", p)?.map(str::to_owned),
                    owner_id: doc.opt_str(m, "OwnerId", p)?.map(str::to_owned),
                    block_public_access: bpa_states(&doc, m, p)?,
                });
                Ok(())
            })
            .map(|()| input.subnets.given = true)?,
            "RouteTables" => each(&doc, key, raw, |m, p| {
                let id = doc.req_str(m, "RouteTableId", p)?;
                if !seen.first(2, id) {
                    return Ok(());
                }
                let mut main = false;
                let mut subnet_ids = Vec::new();
                let mut association_ids = Vec::new();
                let ap = P::Field(p, "Associations");
                for (i, a) in doc.opt_arr(m, "Associations", p)?.iter().enumerate() {
                    let ip = P::Index(&ap, i);
                    let a = doc.obj(a, &ip)?;
                    // A disassociated (or failed) association no longer applies.
                    let state = match a.get("AssociationState") {
                        Some(s @ Value::Object(_)) => {
                            let sp = P::Field(&ip, "AssociationState");
                            doc.opt_str(doc.obj(s, &sp)?, "State", &sp)?
                                .unwrap_or("associated")
                        }
                        _ => "associated",
                    };
                    if state != "associated" {
                        continue;
                    }
                    if doc.opt_bool(a, "Main", &ip)?.unwrap_or(false) {
                        main = true;
                    }
                    if let Some(s) = doc.opt_str(a, "SubnetId", &ip)? {
                        subnet_ids.push(s.to_owned());
                        association_ids.push(
                            doc.opt_str(a, "RouteTableAssociationId", &ip)?
                                .unwrap_or_default()
                                .to_owned(),
                        );
                    }
                }
                let mut routes = Vec::new();
                let rp = P::Field(p, "Routes");
                for (i, r) in doc.opt_arr(m, "Routes", p)?.iter().enumerate() {
                    let ip = P::Index(&rp, i);
                    if let Some(route) = parse_route(&doc, doc.obj(r, &ip)?, &ip)? {
                        routes.push(route);
                    }
                }
                input.route_tables.items.push(RouteTable {
                    id: id.to_owned(),
                    vpc_id: doc.req_str(m, "VpcId", p)?.to_owned(),
                    main,
                    subnet_ids,
                    association_ids,
                    routes,
                });
                Ok(())
            })
            .map(|()| input.route_tables.given = true)?,
            "VpcEndpoints" => each(&doc, key, raw, |m, p| {
                let id = doc.req_str(m, "VpcEndpointId", p)?;
                if !seen.first(3, id) {
                    return Ok(());
                }
                let kind = match doc
                    .req_str(m, "VpcEndpointType", p)?
                    .to_ascii_lowercase()
                    .as_str()
                {
                    "interface" => VpcEndpointKind::Interface,
                    "gateway" => VpcEndpointKind::Gateway,
                    _ => VpcEndpointKind::Other,
                };
                let state = match doc
                    .opt_str(m, "State", p)?
                    .map(str::to_ascii_lowercase)
                    .as_deref()
                {
                    Some("available") => EndpointState::Available,
                    _ => EndpointState::NotAvailable,
                };
                let mut security_group_ids = Vec::new();
                let gp = P::Field(p, "Groups");
                for (i, g) in doc.opt_arr(m, "Groups", p)?.iter().enumerate() {
                    let ip = P::Index(&gp, i);
                    security_group_ids
                        .push(doc.req_str(doc.obj(g, &ip)?, "GroupId", &ip)?.to_owned());
                }
                let ip_type = match doc
                    .opt_str(m, "IpAddressType", p)?
                    .map(str::to_ascii_lowercase)
                    .as_deref()
                {
                    Some("dualstack") => EndpointIpType::Dualstack,
                    Some("ipv6") => EndpointIpType::Ipv6,
                    _ => EndpointIpType::Ipv4,
                };
                input.endpoints.items.push(VpcEndpoint {
                    id: id.to_owned(),
                    vpc_id: doc.req_str(m, "VpcId", p)?.to_owned(),
                    service_name: doc.req_str(m, "ServiceName", p)?.to_owned(),
                    kind,
                    state,
                    private_dns: PrivateDns::from_flag(
                        doc.opt_bool(m, "PrivateDnsEnabled", p)?.unwrap_or(false),
                    ),
                    subnet_ids: doc.strs(m, "SubnetIds", p)?,
                    security_group_ids,
                    route_table_ids: doc.strs(m, "RouteTableIds", p)?,
                    ip_type,
                    service_region: doc.opt_str(m, "ServiceRegion", p)?.map(str::to_owned),
                    dns_record_ip_type: dns_options(&doc, m, p)?.0,
                    private_dns_scope: dns_options(&doc, m, p)?.1,
                    policy_document: doc.opt_str(m, "PolicyDocument", p)?.map(str::to_owned),
                });
                Ok(())
            })
            .map(|()| input.endpoints.given = true)?,
            "SecurityGroups" => each(&doc, key, raw, |m, p| {
                let id = doc.req_str(m, "GroupId", p)?;
                if !seen.first(4, id) {
                    return Ok(());
                }
                let ingress = sg_rules(&doc, m, "IpPermissions", p)?;
                let egress = sg_rules(&doc, m, "IpPermissionsEgress", p)?;
                input.security_groups.items.push(SecurityGroup {
                    id: id.to_owned(),
                    name: doc
                        .opt_str(m, "GroupName", p)?
                        .unwrap_or_default()
                        .to_owned(),
                    vpc_id: doc.opt_str(m, "VpcId", p)?.map(str::to_owned),
                    ingress,
                    egress,
                });
                Ok(())
            })
            .map(|()| input.security_groups.given = true)?,
            "NetworkAcls" => each(&doc, key, raw, |m, p| {
                let id = doc.req_str(m, "NetworkAclId", p)?;
                if !seen.first(5, id) {
                    return Ok(());
                }
                let mut subnet_ids = Vec::new();
                let ap = P::Field(p, "Associations");
                for (i, a) in doc.opt_arr(m, "Associations", p)?.iter().enumerate() {
                    let ip = P::Index(&ap, i);
                    subnet_ids.push(doc.req_str(doc.obj(a, &ip)?, "SubnetId", &ip)?.to_owned());
                }
                let mut entries = Vec::new();
                let ep = P::Field(p, "Entries");
                for (i, e) in doc.opt_arr(m, "Entries", p)?.iter().enumerate() {
                    let ip = P::Index(&ep, i);
                    entries.push(acl_entry(&doc, doc.obj(e, &ip)?, &ip)?);
                }
                input.network_acls.items.push(NetworkAcl {
                    id: id.to_owned(),
                    vpc_id: doc.req_str(m, "VpcId", p)?.to_owned(),
                    is_default: doc.opt_bool(m, "IsDefault", p)?.unwrap_or(false),
                    subnet_ids,
                    entries,
                });
                Ok(())
            })
            .map(|()| input.network_acls.given = true)?,
            "NatGateways" => each(&doc, key, raw, |m, p| {
                let id = doc.req_str(m, "NatGatewayId", p)?;
                if !seen.first(6, id) {
                    return Ok(());
                }
                let state = match doc
                    .opt_str(m, "State", p)?
                    .map(str::to_ascii_lowercase)
                    .as_deref()
                {
                    Some("available") => NatState::Available,
                    _ => NatState::NotAvailable,
                };
                let connectivity = match doc
                    .opt_str(m, "ConnectivityType", p)?
                    .map(str::to_ascii_lowercase)
                    .as_deref()
                {
                    Some("private") => NatConnectivity::Private,
                    _ => NatConnectivity::Public,
                };
                input.nat_gateways.items.push(NatGateway {
                    id: id.to_owned(),
                    vpc_id: doc.opt_str(m, "VpcId", p)?.map(str::to_owned),
                    subnet_id: doc.req_str(m, "SubnetId", p)?.to_owned(),
                    state,
                    connectivity,
                });
                Ok(())
            })
            .map(|()| input.nat_gateways.given = true)?,
            "InternetGateways" => each(&doc, key, raw, |m, p| {
                let id = doc.req_str(m, "InternetGatewayId", p)?;
                if !seen.first(7, id) {
                    return Ok(());
                }
                let mut attached_vpc_ids = Vec::new();
                let ap = P::Field(p, "Attachments");
                for (i, a) in doc.opt_arr(m, "Attachments", p)?.iter().enumerate() {
                    let ip = P::Index(&ap, i);
                    let a = doc.obj(a, &ip)?;
                    let state = doc.opt_str(a, "State", &ip)?.unwrap_or("available");
                    if matches!(state, "available" | "attached") {
                        attached_vpc_ids.push(doc.req_str(a, "VpcId", &ip)?.to_owned());
                    }
                }
                input.internet_gateways.items.push(InternetGateway {
                    id: id.to_owned(),
                    attached_vpc_ids,
                });
                Ok(())
            })
            .map(|()| input.internet_gateways.given = true)?,
            "DhcpOptions" => each(&doc, key, raw, |m, p| {
                let id = doc.req_str(m, "DhcpOptionsId", p)?;
                if !seen.first(8, id) {
                    return Ok(());
                }
                let mut domain_name_servers = Vec::new();
                let cp = P::Field(p, "DhcpConfigurations");
                for (i, c) in doc.opt_arr(m, "DhcpConfigurations", p)?.iter().enumerate() {
                    let ip = P::Index(&cp, i);
                    let c = doc.obj(c, &ip)?;
                    if doc.req_str(c, "Key", &ip)? != "domain-name-servers" {
                        continue;
                    }
                    let vp = P::Field(&ip, "Values");
                    for (j, v) in doc.opt_arr(c, "Values", &ip)?.iter().enumerate() {
                        let jp = P::Index(&vp, j);
                        domain_name_servers
                            .push(doc.req_str(doc.obj(v, &jp)?, "Value", &jp)?.to_owned());
                    }
                }
                input.dhcp_options.items.push(DhcpOptions {
                    id: id.to_owned(),
                    domain_name_servers,
                });
                Ok(())
            })
            .map(|()| input.dhcp_options.given = true)?,
            _ => {}
        }
    }
    // describe-vpc-attribute: {"VpcId": …, "EnableDnsSupport": {"Value": true}}
    let support = top.get("EnableDnsSupport");
    let hostnames = top.get("EnableDnsHostnames");
    if support.is_some() || hostnames.is_some() {
        let vpc_id = match top.get("VpcId") {
            Some(raw) => match item_value(&doc, raw, &P::Key("VpcId"))? {
                Value::String(s) => s,
                other => return Err(doc.shape(&P::Key("VpcId"), "a string", kind_of(&other))),
            },
            None => {
                return Err(doc.shape(
                    &P::Key("VpcId"),
                    "a string beside EnableDnsSupport/EnableDnsHostnames (the output of describe-vpc-attribute)",
                    "nothing",
                ));
            }
        };
        let attrs = input.dns_attributes.entry_or_default(vpc_id);
        let (mut support_flag, mut hostnames_flag) = (None, None);
        for (key, raw, slot) in [
            ("EnableDnsSupport", support, &mut support_flag),
            ("EnableDnsHostnames", hostnames, &mut hostnames_flag),
        ] {
            let Some(raw) = raw else { continue };
            let p = P::Key(key);
            let v = item_value(&doc, raw, &p)?;
            let m = doc.obj(&v, &p)?;
            match doc.opt_bool(m, "Value", &p)? {
                Some(b) => *slot = Some(b),
                None => return Err(doc.shape(&P::Field(&p, "Value"), "true or false", "nothing")),
            }
        }
        if let Some(b) = support_flag {
            attrs.dns_support = Some(VpcResolver::from_flag(b));
        }
        if let Some(b) = hostnames_flag {
            attrs.dns_hostnames = Some(DnsHostnames::from_flag(b));
        }
    }
    Ok(())
}

/// Parses one raw value as a `Value`, under serde_json's recursion limit.
fn item_value(doc: &Doc<'_>, raw: &RawValue, p: &P<'_>) -> Result<Value, InputError> {
    serde_json::from_str(raw.get()).map_err(|e| {
        let why = json_error("", &e);
        let InputError::Json { message, .. } = why else {
            return why;
        };
        doc.shape(
            p,
            "a value nested at most 128 levels deep",
            &format!("deeper nesting ({message})"),
        )
    })
}

/// Calls `f` on each object of the array under `key`, one at a time.
fn each(
    doc: &Doc<'_>,
    key: &str,
    raw: &RawValue,
    mut f: impl FnMut(&Map<String, Value>, &P<'_>) -> Result<(), InputError>,
) -> Result<(), InputError> {
    let p = P::Key(key);
    let items: Vec<&RawValue> = match serde_json::from_str::<Option<Vec<&RawValue>>>(raw.get()) {
        Ok(items) => items.unwrap_or_default(),
        Err(_) => {
            let found = match raw.get().trim_start().as_bytes().first() {
                Some(b'{') => "an object",
                Some(b'"') => "a string",
                Some(b't' | b'f') => "a boolean",
                _ => "a number",
            };
            return Err(doc.shape(&p, "an array", found));
        }
    };
    for (i, raw) in items.into_iter().enumerate() {
        let ip = P::Index(&p, i);
        let v = item_value(doc, raw, &ip)?;
        f(doc.obj(&v, &ip)?, &ip)?;
    }
    Ok(())
}

fn parse_route(
    doc: &Doc<'_>,
    m: &Map<String, Value>,
    p: &P<'_>,
) -> Result<Option<Route>, InputError> {
    let destination = if let Some(c) = doc.opt_cidr(m, "DestinationCidrBlock", p)? {
        RouteDestination::Cidr(c)
    } else if let Some(c) = doc.opt_cidr(m, "DestinationIpv6CidrBlock", p)? {
        RouteDestination::Cidr(c)
    } else if let Some(pl) = doc.opt_str(m, "DestinationPrefixListId", p)? {
        RouteDestination::PrefixList(pl.to_owned())
    } else {
        // A route without a destination matches nothing.
        return Ok(None);
    };
    let s = |k: &str| doc.opt_str(m, k, p);
    let target = if let Some(g) = s("GatewayId")? {
        if g == "local" {
            RouteTarget::Local
        } else if g.starts_with("igw-") {
            RouteTarget::InternetGateway(g.to_owned())
        } else if g.starts_with("vpce-") {
            RouteTarget::VpcEndpoint(g.to_owned())
        } else {
            RouteTarget::Transit(g.to_owned())
        }
    } else if let Some(n) = s("NatGatewayId")? {
        RouteTarget::NatGateway(n.to_owned())
    } else if let Some(e) = s("EgressOnlyInternetGatewayId")? {
        RouteTarget::EgressOnlyInternetGateway(e.to_owned())
    } else if let Some(t) = s("TransitGatewayId")? {
        RouteTarget::Transit(t.to_owned())
    } else if let Some(t) = s("VpcPeeringConnectionId")? {
        RouteTarget::Transit(t.to_owned())
    } else if let Some(t) = s("NetworkInterfaceId")? {
        RouteTarget::Transit(t.to_owned())
    } else if let Some(t) = s("InstanceId")? {
        RouteTarget::Transit(t.to_owned())
    } else if let Some(t) = s("LocalGatewayId")? {
        RouteTarget::Transit(t.to_owned())
    } else if let Some(t) = s("CarrierGatewayId")? {
        RouteTarget::Transit(t.to_owned())
    } else if let Some(t) = s("CoreNetworkArn")? {
        RouteTarget::Transit(t.to_owned())
    } else {
        RouteTarget::Unknown
    };
    let state = match s("State")? {
        Some("blackhole") => RouteState::Blackhole,
        _ => RouteState::Active,
    };
    Ok(Some(Route {
        destination,
        target,
        state,
        origin: super::route_origin(s("Origin")?),
    }))
}

fn bpa_states(
    doc: &Doc<'_>,
    m: &Map<String, Value>,
    p: &P<'_>,
) -> Result<Option<BpaMode>, InputError> {
    let sp = P::Field(p, "BlockPublicAccessStates");
    match m.get("BlockPublicAccessStates") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match doc.opt_str(doc.obj(v, &sp)?, "InternetGatewayBlockMode", &sp)? {
            None => Ok(None),
            Some(s) => super::bpa_mode(s).map(Some).ok_or_else(|| {
                doc.shape(
                    &P::Field(&sp, "InternetGatewayBlockMode"),
                    "\"off\", \"block-bidirectional\" or \"block-ingress\"",
                    "another string",
                )
            }),
        },
    }
}

fn dns_options(
    doc: &Doc<'_>,
    m: &Map<String, Value>,
    p: &P<'_>,
) -> Result<(Option<DnsRecordIpType>, PrivateDnsScope), InputError> {
    let op = P::Field(p, "DnsOptions");
    let o = match m.get("DnsOptions") {
        None | Some(Value::Null) => return Ok((None, PrivateDnsScope::WholeVpc)),
        Some(v) => doc.obj(v, &op)?,
    };
    let record = match doc.opt_str(o, "DnsRecordIpType", &op)? {
        None => None,
        Some(s) => Some(super::dns_record_ip_type(s).ok_or_else(|| {
            doc.shape(
                &P::Field(&op, "DnsRecordIpType"),
                "\"ipv4\", \"dualstack\", \"ipv6\" or \"service-defined\"",
                "another string",
            )
        })?),
    };
    let inbound = doc
        .opt_bool(o, "PrivateDnsOnlyForInboundResolverEndpoint", &op)?
        .unwrap_or(false);
    Ok((record, PrivateDnsScope::from_flag(inbound)))
}

fn sg_rules(
    doc: &Doc<'_>,
    m: &Map<String, Value>,
    key: &str,
    p: &P<'_>,
) -> Result<Vec<SgRule>, InputError> {
    let mut out = Vec::new();
    let kp = P::Field(p, key);
    for (i, r) in doc.opt_arr(m, key, p)?.iter().enumerate() {
        let ip = P::Index(&kp, i);
        let r = doc.obj(r, &ip)?;
        let protocol = doc.protocol(r, "IpProtocol", &ip)?;
        let from = doc.port(doc.opt_int(r, "FromPort", &ip)?, &ip, "FromPort")?;
        let to = doc.port(doc.opt_int(r, "ToPort", &ip)?, &ip, "ToPort")?;
        let ports = match (protocol, from, to) {
            (Protocol::Tcp, Some(from), Some(to)) => PortRange { from, to },
            _ => PortRange::ALL,
        };
        let mut cidrs = Vec::new();
        for (list, field) in [("IpRanges", "CidrIp"), ("Ipv6Ranges", "CidrIpv6")] {
            let lp = P::Field(&ip, list);
            for (j, c) in doc.opt_arr(r, list, &ip)?.iter().enumerate() {
                let jp = P::Index(&lp, j);
                let c = doc.obj(c, &jp)?;
                let s = doc.req_str(c, field, &jp)?;
                cidrs.push(doc.cidr(s, &P::Field(&jp, field))?);
            }
        }
        let mut group_ids = Vec::new();
        let gp = P::Field(&ip, "UserIdGroupPairs");
        for (j, g) in doc.opt_arr(r, "UserIdGroupPairs", &ip)?.iter().enumerate() {
            let jp = P::Index(&gp, j);
            group_ids.push(doc.req_str(doc.obj(g, &jp)?, "GroupId", &jp)?.to_owned());
        }
        let mut prefix_list_ids = Vec::new();
        let lp = P::Field(&ip, "PrefixListIds");
        for (j, g) in doc.opt_arr(r, "PrefixListIds", &ip)?.iter().enumerate() {
            let jp = P::Index(&lp, j);
            prefix_list_ids.push(
                doc.req_str(doc.obj(g, &jp)?, "PrefixListId", &jp)?
                    .to_owned(),
            );
        }
        out.push(SgRule {
            protocol,
            ports,
            cidrs,
            group_ids,
            prefix_list_ids,
        });
    }
    Ok(out)
}

fn acl_entry(doc: &Doc<'_>, m: &Map<String, Value>, p: &P<'_>) -> Result<AclEntry, InputError> {
    let rule_number = match doc.opt_int(m, "RuleNumber", p)? {
        Some(n) if (1..=32768).contains(&n) => n as u32,
        Some(_) => {
            return Err(doc.shape(
                &P::Field(p, "RuleNumber"),
                "a rule number from 1 to 32768 (32768: the IPv6 default rule)",
                "a number outside it",
            ));
        }
        None => {
            return Err(doc.shape(
                &P::Field(p, "RuleNumber"),
                "an integer (the field is required)",
                "nothing",
            ));
        }
    };
    let direction = match doc.opt_bool(m, "Egress", p)? {
        Some(true) => Direction::Egress,
        Some(false) => Direction::Ingress,
        None => {
            return Err(doc.shape(
                &P::Field(p, "Egress"),
                "true or false (the field is required)",
                "nothing",
            ));
        }
    };
    let protocol = doc.protocol(m, "Protocol", p)?;
    let action = match doc
        .req_str(m, "RuleAction", p)?
        .to_ascii_lowercase()
        .as_str()
    {
        "allow" => RuleAction::Allow,
        "deny" => RuleAction::Deny,
        _ => {
            return Err(doc.shape(
                &P::Field(p, "RuleAction"),
                "\"allow\" or \"deny\"",
                "another string",
            ));
        }
    };
    let cidr = match (
        doc.opt_cidr(m, "CidrBlock", p)?,
        doc.opt_cidr(m, "Ipv6CidrBlock", p)?,
    ) {
        (Some(c), _) | (None, Some(c)) => c,
        (None, None) => {
            return Err(doc.shape(
                &P::Field(p, "CidrBlock"),
                "a CIDR in CidrBlock or Ipv6CidrBlock",
                "neither",
            ));
        }
    };
    let ports = match (protocol, m.get("PortRange")) {
        (Protocol::Tcp, Some(r @ Value::Object(_))) => {
            let rp = P::Field(p, "PortRange");
            let r = doc.obj(r, &rp)?;
            let from = doc.port(doc.opt_int(r, "From", &rp)?, &rp, "From")?;
            let to = doc.port(doc.opt_int(r, "To", &rp)?, &rp, "To")?;
            match (from, to) {
                (Some(from), Some(to)) => PortRange { from, to },
                _ => PortRange::ALL,
            }
        }
        _ => PortRange::ALL,
    };
    Ok(AclEntry {
        rule_number,
        direction,
        protocol,
        action,
        cidr,
        ports,
    })
}
