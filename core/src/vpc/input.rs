//! Parsing the JSON that AWS CLI v2 prints for `aws ec2 describe-*` (and
//! AWS's published `ip-ranges.json`) into the [`VpcInput`] model.
//!
//! Guarantees:
//! * any number of documents, in any order, each the output of one
//!   describe-* command or one object merging several of their top-level
//!   keys; the same key in several documents (pages) is concatenated, and
//!   the first resource with a given id wins;
//! * beside the describe-* outputs: the entries of one managed prefix list
//!   as `netready validate --collect` writes them (`{"PrefixListId": "pl-…",
//!   "Entries": […]}`; get-managed-prefix-list-entries alone does not say
//!   which list it printed, and `Entries` without `PrefixListId` is an error
//!   that says how to collect it), merged into the list of that id whichever
//!   document comes first; and AWS's `ip-ranges.json`, recognised by its
//!   `prefixes` / `ipv6_prefixes` keys. Documents without ids keep the
//!   first: the first entries document of a list, the first
//!   describe-vpc-block-public-access-options, the first ip-ranges document
//!   (later ones are still read, so a broken one is an error);
//! * unknown fields are ignored; a field the validator reads with the wrong
//!   shape is an [`InputError::Shape`] naming the document, the JSON path
//!   (`RouteTables[3].Routes[0].DestinationCidrBlock`) and what was expected;
//! * JSON syntax errors at the line and column serde_json reports, with a
//!   message that says what was expected and what was found: the top-level
//!   pass checks the whole document's syntax with a fast iterative scanner
//!   (the private `scan` module) that accepts exactly what serde_json
//!   accepts (a test compares them on damaged documents); serde_json itself
//!   is not used at run time;
//! * never a stack overflow and never a panic, whatever the input: both
//!   top-level passes are iterative, and each resource is then read on its
//!   own by a small recursive reader (the private `tree` module) that stops
//!   at serde_json's recursion limit (128 levels), so 10,000-deep nesting is
//!   a clean error;
//!   only one resource is held as a tree at a time (its strings borrowed
//!   from the input), so memory stays near the size of the input plus the
//!   model;
//! * the same verdict, value for value and error for error, as reading each
//!   resource into a `serde_json::Value` would give (the reader accepts and
//!   rejects exactly what serde_json does on text that passed the top-level
//!   pass: lone surrogates, numbers beyond `f64`, nesting; a test compares it
//!   with that reference implementation on mutated documents).
//!
//! Why not `serde_json::Value` per resource, as before: it allocated a
//! `String` per key and value and a map per object, and the parser with its
//! generic instantiations was the largest part of the browser page's
//! WebAssembly module. The reader here is not generic, and the parser
//! instantiates no `BTreeMap`, `BTreeSet` or standard sort of its own
//! (BENCHMARKS.md, "Validator", has the figures and the commands).
//!
//! Not done here: deciding anything about the VPC (see [`super::evaluate`]).

use super::InputError;
use super::model::*;
use crate::net::{Cidr, CidrError};
use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use tree::{Arena, Val, read_items, read_one};

// pub(crate): crate::policy reads endpoint policy documents with the same
// syntax pass and tree reader.
pub(crate) mod scan;

#[cfg(test)]
mod reference;
#[cfg(test)]
mod tests;

/// The top-level keys the validator reads, with the command that prints them.
pub const KNOWN_KEYS: &[(&str, &str)] = &[
    ("Vpcs", "aws ec2 describe-vpcs"),
    ("Subnets", "aws ec2 describe-subnets"),
    ("RouteTables", "aws ec2 describe-route-tables"),
    ("VpcEndpoints", "aws ec2 describe-vpc-endpoints"),
    ("SecurityGroups", "aws ec2 describe-security-groups"),
    ("NetworkAcls", "aws ec2 describe-network-acls"),
    ("NatGateways", "aws ec2 describe-nat-gateways"),
    ("InternetGateways", "aws ec2 describe-internet-gateways"),
    ("DhcpOptions", "aws ec2 describe-dhcp-options"),
    (
        "EnableDnsSupport",
        "aws ec2 describe-vpc-attribute --attribute enableDnsSupport",
    ),
    (
        "EnableDnsHostnames",
        "aws ec2 describe-vpc-attribute --attribute enableDnsHostnames",
    ),
    ("PrefixLists", "aws ec2 describe-managed-prefix-lists"),
    // As `netready validate --collect` writes it: with the PrefixListId the
    // command itself does not print (see `PrefixListId` below).
    ("Entries", "aws ec2 get-managed-prefix-list-entries"),
    (
        "VpcBlockPublicAccessOptions",
        "aws ec2 describe-vpc-block-public-access-options",
    ),
    (
        "VpcBlockPublicAccessExclusions",
        "aws ec2 describe-vpc-block-public-access-exclusions",
    ),
    // AWS's published address ranges: no command of the AWS CLI prints them.
    ("prefixes", IP_RANGES_DOWNLOAD),
    ("ipv6_prefixes", IP_RANGES_DOWNLOAD),
];

/// How to get AWS's `ip-ranges.json` (the file `--ip-ranges` takes).
pub const IP_RANGES_DOWNLOAD: &str = "curl -fsSLO https://ip-ranges.amazonaws.com/ip-ranges.json";

/// What a document none of whose top-level keys is in [`KNOWN_KEYS`] was
/// expected to be.
pub(crate) const EXPECTED_DOCUMENT: &str = "the output of one of aws ec2 describe-vpcs, describe-vpc-attribute, describe-subnets, describe-route-tables, describe-vpc-endpoints, describe-security-groups, describe-network-acls, describe-nat-gateways, describe-internet-gateways, describe-dhcp-options, describe-managed-prefix-lists, get-managed-prefix-list-entries (as netready validate --collect writes it), describe-vpc-block-public-access-options, describe-vpc-block-public-access-exclusions, or AWS's ip-ranges.json (a key such as Vpcs, Subnets or prefixes)";

/// What a get-managed-prefix-list-entries document lacks when it does not
/// name its list.
pub(crate) const ENTRIES_NEED_THEIR_LIST: &str = "a string beside Entries: get-managed-prefix-list-entries does not print which list the entries belong to, so write the file as netready validate --collect does: aws ec2 get-managed-prefix-list-entries --region R --prefix-list-id pl-X --query \"{PrefixListId: 'pl-X', Entries: Entries}\" --output json > prefix-list-pl-X.json";

/// The values of `InternetGatewayBlockMode`, for error messages.
pub(crate) const BPA_MODES: &str = "\"off\", \"block-bidirectional\" or \"block-ingress\"";

/// A value given by the user, in double quotes, for an error message
/// (`"subnet-1"`): `"` and `\` escaped, control characters and every
/// non-ASCII character written as `\u{…}` escapes (an invisible character
/// in an id is then seen), the usual `\n`, `\r`, `\t`, `\0` for those. For
/// printable ASCII, the same text as `{:?}`; unlike `{:?}`, it needs no
/// Unicode tables (a `Debug` of a `str` put about 4 KB gzipped of them into
/// the browser page's module). Ids, region names, addresses and CIDRs are
/// ASCII.
#[derive(Clone, Copy)]
pub struct Quoted<'a>(pub &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        f.write_char('"')?;
        let mut plain = 0;
        for (i, c) in self.0.char_indices() {
            let escape = match c {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\0' => "\\0",
                ' '..='~' => continue,
                _ => "",
            };
            f.write_str(self.0.get(plain..i).unwrap_or_default())?;
            plain = i + c.len_utf8();
            if escape.is_empty() {
                write!(f, "\\u{{{:x}}}", c as u32)?;
            } else {
                f.write_str(escape)?;
            }
        }
        f.write_str(self.0.get(plain..).unwrap_or_default())?;
        f.write_char('"')
    }
}

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

/// A value of the resource being read (see [`tree`]).
type V<'t> = tree::Value<'t>;

/// The callback of [`Doc::each_obj`]: one object and its path.
type Each<'f, 't> = dyn FnMut(V<'t>, &P<'_>) -> Result<(), InputError> + 'f;

/// The callback of [`each`]: one resource (read into the arena) and its path.
type EachItem<'f> = dyn for<'t> FnMut(V<'t>, &P<'_>) -> Result<(), InputError> + 'f;

struct Doc<'a> {
    name: &'a str,
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

    fn obj<'t>(&self, v: V<'t>, p: &P<'_>) -> Result<V<'t>, InputError> {
        match v.val() {
            Val::Obj => Ok(v),
            _ => Err(self.shape(p, "an object", v.kind())),
        }
    }

    fn req_str<'t>(&self, m: V<'t>, key: &str, p: &P<'_>) -> Result<&'t str, InputError> {
        match m.get(key) {
            Some(v) => match v.val() {
                Val::Str(s) => Ok(s),
                _ => Err(self.shape(&P::Field(p, key), "a string", v.kind())),
            },
            None => Err(self.shape(
                &P::Field(p, key),
                "a string (the field is required)",
                "nothing",
            )),
        }
    }

    fn opt_str<'t>(&self, m: V<'t>, key: &str, p: &P<'_>) -> Result<Option<&'t str>, InputError> {
        let Some(v) = m.get(key) else { return Ok(None) };
        match v.val() {
            Val::Str(s) => Ok(Some(s)),
            Val::Null => Ok(None),
            _ => Err(self.shape(&P::Field(p, key), "a string", v.kind())),
        }
    }

    fn opt_owned(&self, m: V<'_>, key: &str, p: &P<'_>) -> Result<Option<String>, InputError> {
        Ok(self.opt_str(m, key, p)?.map(str::to_owned))
    }

    fn opt_bool(&self, m: V<'_>, key: &str, p: &P<'_>) -> Result<Option<bool>, InputError> {
        let Some(v) = m.get(key) else { return Ok(None) };
        match v.val() {
            Val::Bool(b) => Ok(Some(*b)),
            Val::Null => Ok(None),
            _ => Err(self.shape(&P::Field(p, key), "true or false", v.kind())),
        }
    }

    fn opt_int(&self, m: V<'_>, key: &str, p: &P<'_>) -> Result<Option<i64>, InputError> {
        let Some(v) = m.get(key) else { return Ok(None) };
        match v.val() {
            Val::Num(n) => tree::as_i64(n).map(Some).ok_or_else(|| {
                self.shape(
                    &P::Field(p, key),
                    "an integer",
                    "a fractional or huge number",
                )
            }),
            Val::Null => Ok(None),
            _ => Err(self.shape(&P::Field(p, key), "an integer", v.kind())),
        }
    }

    /// The array under `key` (absent and `null` read as empty).
    fn opt_arr<'t>(
        &self,
        m: V<'t>,
        key: &str,
        p: &P<'_>,
    ) -> Result<impl Iterator<Item = V<'t>> + use<'t>, InputError> {
        let v = m.get(key);
        match v.map(|v| (v, v.val())) {
            Some((v, Val::Arr)) => Ok(v.children()),
            Some((_, Val::Null)) | None => Ok(m.no_children()),
            Some((v, _)) => Err(self.shape(&P::Field(p, key), "an array", v.kind())),
        }
    }

    /// Calls `f` on each element of the array under `key`, each of which
    /// must be an object, with its path `p.key[i]`.
    fn each_obj<'t>(
        &self,
        m: V<'t>,
        key: &str,
        p: &P<'_>,
        f: &mut Each<'_, 't>,
    ) -> Result<(), InputError> {
        let kp = P::Field(p, key);
        for (i, v) in self.opt_arr(m, key, p)?.enumerate() {
            let ip = P::Index(&kp, i);
            f(self.obj(v, &ip)?, &ip)?;
        }
        Ok(())
    }

    /// The string field `field` of each object of the array under `key`.
    fn each_str(
        &self,
        m: V<'_>,
        key: &str,
        field: &str,
        p: &P<'_>,
    ) -> Result<Vec<String>, InputError> {
        let mut out = Vec::new();
        self.each_obj(m, key, p, &mut |o, ip| {
            out.push(self.req_str(o, field, ip)?.to_owned());
            Ok(())
        })?;
        Ok(out)
    }

    fn strs(&self, m: V<'_>, key: &str, p: &P<'_>) -> Result<Vec<String>, InputError> {
        let fp = P::Field(p, key);
        let mut out = Vec::new();
        for (i, v) in self.opt_arr(m, key, p)?.enumerate() {
            match v.val() {
                Val::Str(s) => out.push(String::from(&**s)),
                _ => return Err(self.shape(&P::Index(&fp, i), "a string", v.kind())),
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

    fn opt_cidr(&self, m: V<'_>, key: &str, p: &P<'_>) -> Result<Option<Cidr>, InputError> {
        match self.opt_str(m, key, p)? {
            Some(s) => Ok(Some(self.cidr(s, &P::Field(p, key))?)),
            None => Ok(None),
        }
    }

    fn protocol(&self, m: V<'_>, key: &str, p: &P<'_>) -> Result<Protocol, InputError> {
        const EXPECTED: &str = "a protocol such as \"-1\", \"tcp\" or \"6\"";
        let fp = P::Field(p, key);
        let Some(v) = m.get(key) else {
            return Err(self.shape(&fp, EXPECTED, "nothing"));
        };
        Ok(match v.val() {
            Val::Str(s) if &**s == "-1" || s.eq_ignore_ascii_case("all") => Protocol::All,
            Val::Str(s) if &**s == "6" || s.eq_ignore_ascii_case("tcp") => Protocol::Tcp,
            Val::Str(_) => Protocol::Other,
            Val::Num(n) => match tree::as_i64(n) {
                Some(-1) => Protocol::All,
                Some(6) => Protocol::Tcp,
                _ => Protocol::Other,
            },
            _ => return Err(self.shape(&fp, EXPECTED, v.kind())),
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

    /// A resource's bad nesting (or a value serde_json refuses inside it).
    fn nesting(&self, p: &P<'_>, why: tree::Refused) -> InputError {
        self.shape(
            p,
            "a value nested at most 128 levels deep",
            &format!("deeper nesting ({})", why.message()),
        )
    }
}

/// A syntax error of the document `document`, whose text is `text`.
fn json_error(document: &str, text: &str, e: &scan::SyntaxError) -> InputError {
    let (line, column) = e.line_column(text);
    InputError::Json {
        document: document.to_owned(),
        line,
        column,
        message: e.message(text),
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
        acl.entries = sorted_by_rule(core::mem::take(&mut acl.entries));
    }
    Ok(input)
}

/// The entries by rule number, stably (same rule number: input order). A
/// merge sort written for this one type: `sort_by_key` instantiated the
/// standard library's stable sort, several KB of WebAssembly, for lists
/// that hold a few dozen entries.
pub(crate) fn sorted_by_rule(v: Vec<AclEntry>) -> Vec<AclEntry> {
    if v.windows(2)
        .all(|w| matches!(w, [a, b] if a.rule_number <= b.rule_number))
    {
        return v;
    }
    let mut left = v;
    let right = left.split_off(left.len() / 2);
    let (left, right) = (sorted_by_rule(left), sorted_by_rule(right));
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut l, mut r) = (left.into_iter().peekable(), right.into_iter().peekable());
    while let (Some(a), Some(b)) = (l.peek(), r.peek()) {
        // Ties take the left side first: that keeps the sort stable.
        let next = if a.rule_number <= b.rule_number {
            l.next()
        } else {
            r.next()
        };
        out.extend(next);
    }
    out.extend(l);
    out.extend(r);
    out
}

/// Resource kinds, for [`Seen`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Vpc,
    Subnet,
    RouteTable,
    Endpoint,
    SecurityGroup,
    NetworkAcl,
    NatGateway,
    InternetGateway,
    DhcpOptions,
    /// A prefix list in the model, whichever document named it first; the
    /// value kept with it is its index in `VpcInput::prefix_lists`.
    PrefixList,
    /// A prefix list whose describe-managed-prefix-lists entry was read.
    PrefixListDescribed,
    /// A prefix list whose entries document was read.
    PrefixListEntries,
    BpaExclusion,
}

/// The ids read so far: a small open-addressing hash set of (kind, id).
/// (A `BTreeSet<String>` did the same with more code in the WebAssembly
/// module and an allocation per lookup key.)
#[derive(Default)]
struct Seen {
    /// Each (kind, id) with the value stored with it (see [`Seen::entry`]).
    ids: Vec<(Kind, String, u32)>,
    /// Power-of-two table of 1 + an index into `ids`; 0 is empty.
    slots: Vec<u32>,
}

impl Seen {
    fn hash(kind: Kind, id: &str) -> u64 {
        // FNV-1a: ids are short and not chosen to collide on purpose by
        // whoever pastes their own VPC; a collision only costs a probe.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ kind as u64;
        for b in id.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        h
    }

    /// Whether this is the first resource of `kind` with this id.
    fn first(&mut self, kind: Kind, id: &str) -> bool {
        self.entry(kind, id, 0).is_none()
    }

    /// The value stored with (`kind`, `id`), or `None` when the pair is
    /// new, after storing `value` with it.
    fn entry(&mut self, kind: Kind, id: &str, value: u32) -> Option<u32> {
        if self.ids.len() * 2 >= self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut at = Self::hash(kind, id) as usize & mask;
        loop {
            let Some(slot) = self.slots.get_mut(at) else {
                return None; // unreachable: `at` is masked to the table
            };
            if *slot == 0 {
                // At most u32::MAX resources: far beyond any input size.
                *slot = u32::try_from(self.ids.len() + 1).unwrap_or(u32::MAX);
                self.ids.push((kind, id.to_owned(), value));
                return None;
            }
            if let Some((k, s, v)) = self.ids.get(*slot as usize - 1)
                && *k == kind
                && s == id
            {
                return Some(*v);
            }
            at = (at + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(64);
        self.slots = alloc::vec![0; size];
        for (i, (kind, id, _)) in self.ids.iter().enumerate() {
            let mut at = Self::hash(*kind, id) as usize & (size - 1);
            while let Some(slot) = self.slots.get_mut(at) {
                if *slot == 0 {
                    *slot = u32::try_from(i + 1).unwrap_or(u32::MAX);
                    break;
                }
                at = (at + 1) & (size - 1);
            }
        }
    }
}

fn parse_document(
    name: &str,
    text: &str,
    input: &mut VpcInput,
    seen: &mut Seen,
) -> Result<(), InputError> {
    let doc = Doc { name };
    let mut arena = Arena::default();
    let arena = &mut arena;
    // The whole document's syntax is checked (iteratively) and split at its
    // top-level keys; the values stay unparsed text.
    let top: Top<'_> = match scan::top_level(text, &TOP_KEYS) {
        Ok(scan::TopLevel::Object(raws)) => Top(raws),
        Ok(scan::TopLevel::NotObject(found)) => {
            return Err(doc.shape(
                &P::Key("(top level)"),
                "an object, as aws ec2 describe-* prints",
                found,
            ));
        }
        Err(e) => return Err(json_error(name, text, &e)),
    };
    if !KNOWN_KEYS.iter().any(|(k, _)| top.get(k).is_some()) {
        return Err(InputError::Shape {
            document: name.to_owned(),
            path: "(top level)".to_owned(),
            expected: EXPECTED_DOCUMENT.to_owned(),
            found: "none of their keys".to_owned(),
        });
    }
    // Only the first ip-ranges document counts (AWS publishes one file);
    // later ones are still read, so that a broken one is an error.
    let keep_ip_ranges = input.ip_ranges.is_none();
    // In the keys' byte order, as the documents' keys were always taken.
    for (&key, raw) in TOP_KEYS.iter().zip(top.0) {
        let Some(raw) = raw else { continue };
        let (given, f): (&mut bool, &mut EachItem<'_>) = match key {
            "Vpcs" => (&mut input.vpcs.given, &mut |m, p| {
                vpc(&doc, seen, &mut input.vpcs.items, m, p)
            }),
            "Subnets" => (&mut input.subnets.given, &mut |m, p| {
                subnet(&doc, seen, &mut input.subnets.items, m, p)
            }),
            "RouteTables" => (&mut input.route_tables.given, &mut |m, p| {
                route_table(&doc, seen, &mut input.route_tables.items, m, p)
            }),
            "VpcEndpoints" => (&mut input.endpoints.given, &mut |m, p| {
                endpoint(&doc, seen, &mut input.endpoints.items, m, p)
            }),
            "SecurityGroups" => (&mut input.security_groups.given, &mut |m, p| {
                security_group(&doc, seen, &mut input.security_groups.items, m, p)
            }),
            "NetworkAcls" => (&mut input.network_acls.given, &mut |m, p| {
                network_acl(&doc, seen, &mut input.network_acls.items, m, p)
            }),
            "NatGateways" => (&mut input.nat_gateways.given, &mut |m, p| {
                nat_gateway(&doc, seen, &mut input.nat_gateways.items, m, p)
            }),
            "InternetGateways" => (&mut input.internet_gateways.given, &mut |m, p| {
                internet_gateway(&doc, seen, &mut input.internet_gateways.items, m, p)
            }),
            "DhcpOptions" => (&mut input.dhcp_options.given, &mut |m, p| {
                dhcp_options(&doc, seen, &mut input.dhcp_options.items, m, p)
            }),
            "PrefixLists" => (&mut input.prefix_lists.given, &mut |m, p| {
                prefix_list(&doc, seen, &mut input.prefix_lists.items, m, p)
            }),
            "VpcBlockPublicAccessExclusions" => (&mut input.bpa_exclusions.given, &mut |m, p| {
                bpa_exclusion(&doc, seen, &mut input.bpa_exclusions.items, m, p)
            }),
            "Entries" => {
                let list = entries_list_id(&doc, top.get("PrefixListId"), arena)?;
                prefix_list_entries(&doc, seen, &mut input.prefix_lists.items, &list, raw, arena)?;
                input.prefix_lists.given = true;
                continue;
            }
            "VpcBlockPublicAccessOptions" => {
                let mode = bpa_options(&doc, raw, arena)?;
                input.bpa_options.get_or_insert(mode);
                continue;
            }
            "ipv6_prefixes" | "prefixes" => {
                let v6 = key == "ipv6_prefixes";
                let mut ranges = Vec::new();
                each(&doc, key, raw, arena, &mut |m, p| {
                    ranges.push(ip_range(&doc, v6, m, p)?);
                    Ok(())
                })?;
                if keep_ip_ranges {
                    input
                        .ip_ranges
                        .get_or_insert_with(Vec::new)
                        .append(&mut ranges);
                }
                continue;
            }
            _ => continue, // read below, or not a resource list
        };
        each(&doc, key, raw, arena, f)?;
        *given = true;
    }
    // describe-vpc-attribute: {"VpcId": …, "EnableDnsSupport": {"Value": true}}
    let support = top.get("EnableDnsSupport");
    let hostnames = top.get("EnableDnsHostnames");
    if support.is_some() || hostnames.is_some() {
        let p = P::Key("VpcId");
        let vpc_id = match top.get("VpcId") {
            Some(raw) => {
                let v = read_one(raw, arena).map_err(|why| doc.nesting(&p, why))?;
                match v.val() {
                    Val::Str(s) => String::from(&**s),
                    _ => return Err(doc.shape(&p, "a string", v.kind())),
                }
            }
            None => {
                return Err(doc.shape(
                    &p,
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
            let v = read_one(raw, arena).map_err(|why| doc.nesting(&p, why))?;
            let m = doc.obj(v, &p)?;
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

/// The top-level keys read, in byte order: [`KNOWN_KEYS`], `VpcId`
/// (describe-vpc-attribute) and `PrefixListId` (beside `Entries`).
const TOP_KEYS: [&str; 19] = [
    "DhcpOptions",
    "EnableDnsHostnames",
    "EnableDnsSupport",
    "Entries",
    "InternetGateways",
    "NatGateways",
    "NetworkAcls",
    "PrefixListId",
    "PrefixLists",
    "RouteTables",
    "SecurityGroups",
    "Subnets",
    "VpcBlockPublicAccessExclusions",
    "VpcBlockPublicAccessOptions",
    "VpcEndpoints",
    "VpcId",
    "Vpcs",
    "ipv6_prefixes",
    "prefixes",
];

/// A document's top level: the unparsed value of each of [`TOP_KEYS`] (the
/// last one when a key is repeated, as a map keeps it); other keys are
/// checked for syntax and dropped. A fixed array instead of a
/// `BTreeMap<String, &RawValue>`: no allocation per key, and no map code in
/// the WebAssembly module.
struct Top<'a>([Option<&'a str>; TOP_KEYS.len()]);

impl<'a> Top<'a> {
    fn get(&self, key: &str) -> Option<&'a str> {
        let i = TOP_KEYS.iter().position(|k| *k == key)?;
        self.0.get(i).copied().flatten()
    }
}

/// Calls `f` on each object of the array `raw` (the value of top-level
/// `key`), one at a time; `null` is an empty array.
fn each<'a>(
    doc: &Doc<'_>,
    key: &str,
    raw: &'a str,
    arena: &mut Arena<'a>,
    f: &mut EachItem<'_>,
) -> Result<(), InputError> {
    let p = P::Key(key);
    let found = match raw.as_bytes().first() {
        Some(b'[') => None,
        Some(b'n') => return Ok(()),
        Some(b'{') => Some("an object"),
        Some(b'"') => Some("a string"),
        Some(b't' | b'f') => Some("a boolean"),
        _ => Some("a number"),
    };
    if let Some(found) = found {
        return Err(doc.shape(&p, "an array", found));
    }
    read_items(
        raw,
        arena,
        &|i, why| doc.nesting(&P::Index(&p, i), why),
        &mut |i, v| {
            let ip = P::Index(&p, i);
            f(doc.obj(v, &ip)?, &ip)
        },
    )
}

/// `s` compared case-insensitively with each of `names`: the index matched.
fn one_of(s: Option<&str>, names: &[&str]) -> Option<usize> {
    let s = s?;
    names.iter().position(|n| s.eq_ignore_ascii_case(n))
}

fn vpc(
    doc: &Doc<'_>,
    seen: &mut Seen,
    out: &mut Vec<Vpc>,
    m: V<'_>,
    p: &P<'_>,
) -> Result<(), InputError> {
    let id = doc.req_str(m, "VpcId", p)?;
    if !seen.first(Kind::Vpc, id) {
        return Ok(());
    }
    let mut cidrs = Vec::new();
    if let Some(c) = doc.opt_cidr(m, "CidrBlock", p)? {
        cidrs.push(c);
    }
    doc.each_obj(m, "CidrBlockAssociationSet", p, &mut |a, ip| {
        if let Some(c) = doc.opt_cidr(a, "CidrBlock", ip)?
            && !cidrs.contains(&c)
        {
            cidrs.push(c);
        }
        Ok(())
    })?;
    doc.each_obj(m, "Ipv6CidrBlockAssociationSet", p, &mut |a, ip| {
        cidrs.extend(doc.opt_cidr(a, "Ipv6CidrBlock", ip)?);
        Ok(())
    })?;
    out.push(Vpc {
        id: id.to_owned(),
        cidrs,
        dhcp_options_id: doc.opt_owned(m, "DhcpOptionsId", p)?,
        owner_id: doc.opt_owned(m, "OwnerId", p)?,
        block_public_access: bpa_states(doc, m, p)?,
    });
    Ok(())
}

fn subnet(
    doc: &Doc<'_>,
    seen: &mut Seen,
    out: &mut Vec<Subnet>,
    m: V<'_>,
    p: &P<'_>,
) -> Result<(), InputError> {
    let id = doc.req_str(m, "SubnetId", p)?;
    if !seen.first(Kind::Subnet, id) {
        return Ok(());
    }
    let mut ipv6_cidrs = Vec::new();
    doc.each_obj(m, "Ipv6CidrBlockAssociationSet", p, &mut |a, ip| {
        ipv6_cidrs.extend(doc.opt_cidr(a, "Ipv6CidrBlock", ip)?);
        Ok(())
    })?;
    out.push(Subnet {
        id: id.to_owned(),
        vpc_id: doc.req_str(m, "VpcId", p)?.to_owned(),
        availability_zone: doc.opt_owned(m, "AvailabilityZone", p)?,
        cidr: doc.opt_cidr(m, "CidrBlock", p)?,
        ipv6_cidrs,
        dns64: Dns64::from_flag(doc.opt_bool(m, "EnableDns64", p)?.unwrap_or(false)),
        arn: doc.opt_owned(m, "SubnetArn", p)?,
        owner_id: doc.opt_owned(m, "OwnerId", p)?,
        block_public_access: bpa_states(doc, m, p)?,
    });
    Ok(())
}

fn route_table(
    doc: &Doc<'_>,
    seen: &mut Seen,
    out: &mut Vec<RouteTable>,
    m: V<'_>,
    p: &P<'_>,
) -> Result<(), InputError> {
    let id = doc.req_str(m, "RouteTableId", p)?;
    if !seen.first(Kind::RouteTable, id) {
        return Ok(());
    }
    let mut main = false;
    let mut subnet_ids = Vec::new();
    let mut association_ids = Vec::new();
    doc.each_obj(m, "Associations", p, &mut |a, ip| {
        // A disassociated (or failed) association no longer applies.
        let state = match a.get("AssociationState") {
            Some(s) if matches!(s.val(), Val::Obj) => {
                let sp = P::Field(ip, "AssociationState");
                doc.opt_str(s, "State", &sp)?.unwrap_or("associated")
            }
            _ => "associated",
        };
        if state != "associated" {
            return Ok(());
        }
        if doc.opt_bool(a, "Main", ip)?.unwrap_or(false) {
            main = true;
        }
        if let Some(s) = doc.opt_str(a, "SubnetId", ip)? {
            subnet_ids.push(s.to_owned());
            association_ids.push(
                doc.opt_str(a, "RouteTableAssociationId", ip)?
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
        Ok(())
    })?;
    let mut routes = Vec::new();
    doc.each_obj(m, "Routes", p, &mut |r, ip| {
        routes.extend(parse_route(doc, r, ip)?);
        Ok(())
    })?;
    out.push(RouteTable {
        id: id.to_owned(),
        vpc_id: doc.req_str(m, "VpcId", p)?.to_owned(),
        main,
        subnet_ids,
        association_ids,
        routes,
    });
    Ok(())
}

fn endpoint(
    doc: &Doc<'_>,
    seen: &mut Seen,
    out: &mut Vec<VpcEndpoint>,
    m: V<'_>,
    p: &P<'_>,
) -> Result<(), InputError> {
    let id = doc.req_str(m, "VpcEndpointId", p)?;
    if !seen.first(Kind::Endpoint, id) {
        return Ok(());
    }
    let kind = match one_of(
        Some(doc.req_str(m, "VpcEndpointType", p)?),
        &["interface", "gateway"],
    ) {
        Some(0) => VpcEndpointKind::Interface,
        Some(_) => VpcEndpointKind::Gateway,
        None => VpcEndpointKind::Other,
    };
    let state = match one_of(doc.opt_str(m, "State", p)?, &["available"]) {
        Some(_) => EndpointState::Available,
        None => EndpointState::NotAvailable,
    };
    let security_group_ids = doc.each_str(m, "Groups", "GroupId", p)?;
    let ip_type = match one_of(doc.opt_str(m, "IpAddressType", p)?, &["dualstack", "ipv6"]) {
        Some(0) => EndpointIpType::Dualstack,
        Some(_) => EndpointIpType::Ipv6,
        None => EndpointIpType::Ipv4,
    };
    // Fields in the reference's order, so that the first bad one is the
    // one reported.
    let vpc_id = doc.req_str(m, "VpcId", p)?.to_owned();
    let service_name = doc.req_str(m, "ServiceName", p)?.to_owned();
    let private_dns =
        PrivateDns::from_flag(doc.opt_bool(m, "PrivateDnsEnabled", p)?.unwrap_or(false));
    let subnet_ids = doc.strs(m, "SubnetIds", p)?;
    let route_table_ids = doc.strs(m, "RouteTableIds", p)?;
    let service_region = doc.opt_owned(m, "ServiceRegion", p)?;
    let (dns_record_ip_type, private_dns_scope) = dns_options(doc, m, p)?;
    out.push(VpcEndpoint {
        id: id.to_owned(),
        vpc_id,
        service_name,
        kind,
        state,
        private_dns,
        subnet_ids,
        security_group_ids,
        route_table_ids,
        ip_type,
        service_region,
        dns_record_ip_type,
        private_dns_scope,
        policy_document: doc.opt_owned(m, "PolicyDocument", p)?,
    });
    Ok(())
}

fn security_group(
    doc: &Doc<'_>,
    seen: &mut Seen,
    out: &mut Vec<SecurityGroup>,
    m: V<'_>,
    p: &P<'_>,
) -> Result<(), InputError> {
    let id = doc.req_str(m, "GroupId", p)?;
    if !seen.first(Kind::SecurityGroup, id) {
        return Ok(());
    }
    let ingress = sg_rules(doc, m, "IpPermissions", p)?;
    let egress = sg_rules(doc, m, "IpPermissionsEgress", p)?;
    out.push(SecurityGroup {
        id: id.to_owned(),
        name: doc
            .opt_str(m, "GroupName", p)?
            .unwrap_or_default()
            .to_owned(),
        vpc_id: doc.opt_owned(m, "VpcId", p)?,
        ingress,
        egress,
    });
    Ok(())
}

fn network_acl(
    doc: &Doc<'_>,
    seen: &mut Seen,
    out: &mut Vec<NetworkAcl>,
    m: V<'_>,
    p: &P<'_>,
) -> Result<(), InputError> {
    let id = doc.req_str(m, "NetworkAclId", p)?;
    if !seen.first(Kind::NetworkAcl, id) {
        return Ok(());
    }
    let subnet_ids = doc.each_str(m, "Associations", "SubnetId", p)?;
    let mut entries = Vec::new();
    doc.each_obj(m, "Entries", p, &mut |e, ip| {
        entries.push(acl_entry(doc, e, ip)?);
        Ok(())
    })?;
    out.push(NetworkAcl {
        id: id.to_owned(),
        vpc_id: doc.req_str(m, "VpcId", p)?.to_owned(),
        is_default: doc.opt_bool(m, "IsDefault", p)?.unwrap_or(false),
        subnet_ids,
        entries,
    });
    Ok(())
}

fn nat_gateway(
    doc: &Doc<'_>,
    seen: &mut Seen,
    out: &mut Vec<NatGateway>,
    m: V<'_>,
    p: &P<'_>,
) -> Result<(), InputError> {
    let id = doc.req_str(m, "NatGatewayId", p)?;
    if !seen.first(Kind::NatGateway, id) {
        return Ok(());
    }
    let state = match one_of(doc.opt_str(m, "State", p)?, &["available"]) {
        Some(_) => NatState::Available,
        None => NatState::NotAvailable,
    };
    let connectivity = match one_of(doc.opt_str(m, "ConnectivityType", p)?, &["private"]) {
        Some(_) => NatConnectivity::Private,
        None => NatConnectivity::Public,
    };
    out.push(NatGateway {
        id: id.to_owned(),
        vpc_id: doc.opt_owned(m, "VpcId", p)?,
        subnet_id: doc.req_str(m, "SubnetId", p)?.to_owned(),
        state,
        connectivity,
    });
    Ok(())
}

fn internet_gateway(
    doc: &Doc<'_>,
    seen: &mut Seen,
    out: &mut Vec<InternetGateway>,
    m: V<'_>,
    p: &P<'_>,
) -> Result<(), InputError> {
    let id = doc.req_str(m, "InternetGatewayId", p)?;
    if !seen.first(Kind::InternetGateway, id) {
        return Ok(());
    }
    let mut attached_vpc_ids = Vec::new();
    doc.each_obj(m, "Attachments", p, &mut |a, ip| {
        let state = doc.opt_str(a, "State", ip)?.unwrap_or("available");
        if matches!(state, "available" | "attached") {
            attached_vpc_ids.push(doc.req_str(a, "VpcId", ip)?.to_owned());
        }
        Ok(())
    })?;
    out.push(InternetGateway {
        id: id.to_owned(),
        attached_vpc_ids,
    });
    Ok(())
}

fn dhcp_options(
    doc: &Doc<'_>,
    seen: &mut Seen,
    out: &mut Vec<DhcpOptions>,
    m: V<'_>,
    p: &P<'_>,
) -> Result<(), InputError> {
    let id = doc.req_str(m, "DhcpOptionsId", p)?;
    if !seen.first(Kind::DhcpOptions, id) {
        return Ok(());
    }
    let mut domain_name_servers = Vec::new();
    doc.each_obj(m, "DhcpConfigurations", p, &mut |c, ip| {
        if doc.req_str(c, "Key", ip)? == "domain-name-servers" {
            domain_name_servers.extend(doc.each_str(c, "Values", "Value", ip)?);
        }
        Ok(())
    })?;
    out.push(DhcpOptions {
        id: id.to_owned(),
        domain_name_servers,
    });
    Ok(())
}

/// The index in `lists` of the prefix list `id`, added without a name or
/// entries when no document has named it yet.
fn prefix_list_at(seen: &mut Seen, lists: &mut Vec<PrefixList>, id: &str) -> usize {
    let next = u32::try_from(lists.len()).unwrap_or(u32::MAX);
    match seen.entry(Kind::PrefixList, id, next) {
        Some(i) => i as usize,
        None => {
            lists.push(PrefixList {
                id: id.to_owned(),
                name: None,
                entries: None,
            });
            lists.len() - 1
        }
    }
}

/// One list of describe-managed-prefix-lists: its name (the first entry
/// with an id gives it).
fn prefix_list(
    doc: &Doc<'_>,
    seen: &mut Seen,
    out: &mut Vec<PrefixList>,
    m: V<'_>,
    p: &P<'_>,
) -> Result<(), InputError> {
    let id = doc.req_str(m, "PrefixListId", p)?;
    if !seen.first(Kind::PrefixListDescribed, id) {
        return Ok(());
    }
    let name = doc.opt_owned(m, "PrefixListName", p)?;
    let at = prefix_list_at(seen, out, id);
    if let Some(list) = out.get_mut(at) {
        list.name = name;
    }
    Ok(())
}

/// The `PrefixListId` beside `Entries` (the value at `raw`): the list a
/// get-managed-prefix-list-entries document belongs to.
fn entries_list_id<'a>(
    doc: &Doc<'_>,
    raw: Option<&'a str>,
    arena: &mut Arena<'a>,
) -> Result<String, InputError> {
    let p = P::Key("PrefixListId");
    let Some(raw) = raw else {
        return Err(doc.shape(&p, ENTRIES_NEED_THEIR_LIST, "nothing"));
    };
    let v = read_one(raw, arena).map_err(|why| doc.nesting(&p, why))?;
    match v.val() {
        Val::Str(s) => Ok(String::from(&**s)),
        _ => Err(doc.shape(&p, "a string", v.kind())),
    }
}

/// The entries (`raw`, the array under `Entries`) of the prefix list
/// `list`: the first document that gives a list's entries counts.
fn prefix_list_entries<'a>(
    doc: &Doc<'_>,
    seen: &mut Seen,
    lists: &mut Vec<PrefixList>,
    list: &str,
    raw: &'a str,
    arena: &mut Arena<'a>,
) -> Result<(), InputError> {
    if !seen.first(Kind::PrefixListEntries, list) {
        return Ok(());
    }
    let mut cidrs = Vec::new();
    each(doc, "Entries", raw, arena, &mut |e, ip| {
        let s = doc.req_str(e, "Cidr", ip)?;
        cidrs.push(doc.cidr(s, &P::Field(ip, "Cidr"))?);
        Ok(())
    })?;
    let at = prefix_list_at(seen, lists, list);
    if let Some(l) = lists.get_mut(at) {
        l.entries = Some(cidrs);
    }
    Ok(())
}

/// describe-vpc-block-public-access-options: the account's mode in the
/// region.
fn bpa_options<'a>(
    doc: &Doc<'_>,
    raw: &'a str,
    arena: &mut Arena<'a>,
) -> Result<BpaMode, InputError> {
    let p = P::Key("VpcBlockPublicAccessOptions");
    let v = read_one(raw, arena).map_err(|why| doc.nesting(&p, why))?;
    let m = doc.obj(v, &p)?;
    let fp = P::Field(&p, "InternetGatewayBlockMode");
    match doc.opt_str(m, "InternetGatewayBlockMode", &p)? {
        Some(s) => bpa_mode(s).ok_or_else(|| doc.shape(&fp, BPA_MODES, "another string")),
        None => Err(doc.shape(
            &fp,
            &format!("{BPA_MODES} (the field is required)"),
            "nothing",
        )),
    }
}

fn bpa_exclusion(
    doc: &Doc<'_>,
    seen: &mut Seen,
    out: &mut Vec<BpaExclusion>,
    m: V<'_>,
    p: &P<'_>,
) -> Result<(), InputError> {
    let id = doc.req_str(m, "ExclusionId", p)?;
    if !seen.first(Kind::BpaExclusion, id) {
        return Ok(());
    }
    let mode = bpa_exclusion_mode(doc.req_str(m, "InternetGatewayExclusionMode", p)?).ok_or_else(
        || {
            doc.shape(
                &P::Field(p, "InternetGatewayExclusionMode"),
                BPA_EXCLUSION_MODES,
                "another string",
            )
        },
    )?;
    let scope = bpa_exclusion_scope(doc.req_str(m, "ResourceArn", p)?).ok_or_else(|| {
        doc.shape(
            &P::Field(p, "ResourceArn"),
            BPA_EXCLUSION_ARN,
            "another string",
        )
    })?;
    let state = exclusion_state(doc.req_str(m, "State", p)?);
    out.push(BpaExclusion {
        id: id.to_owned(),
        mode,
        scope,
        state,
    });
    Ok(())
}

/// The values of `InternetGatewayExclusionMode`, for error messages.
pub(crate) const BPA_EXCLUSION_MODES: &str = "\"allow-bidirectional\" or \"allow-egress\"";

/// What an exclusion's `ResourceArn` must be, for error messages.
pub(crate) const BPA_EXCLUSION_ARN: &str = "the ARN of a VPC or a subnet, such as arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0123456789abcdef0 or …:subnet/subnet-0123456789abcdef0";

/// An `InternetGatewayExclusionMode` value.
pub(crate) fn bpa_exclusion_mode(s: &str) -> Option<BpaExclusionMode> {
    match s {
        "allow-bidirectional" => Some(BpaExclusionMode::AllowBidirectional),
        "allow-egress" => Some(BpaExclusionMode::AllowEgress),
        _ => None,
    }
}

/// What an exclusion applies to, from its `ResourceArn`:
/// `arn:PARTITION:ec2:REGION:ACCOUNT:vpc/vpc-…` or `…:subnet/subnet-…`, in
/// any partition.
pub(crate) fn bpa_exclusion_scope(arn: &str) -> Option<BpaExclusionScope> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("ec2"), Some(_region), Some(_account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    if partition.is_empty() {
        return None;
    }
    let (kind, id) = resource.split_once('/')?;
    let plain = |prefix: &str| {
        id.strip_prefix(prefix)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains(['/', ':']))
    };
    match kind {
        "vpc" if plain("vpc-") => Some(BpaExclusionScope::Vpc(id.to_owned())),
        "subnet" if plain("subnet-") => Some(BpaExclusionScope::Subnet(id.to_owned())),
        _ => None,
    }
}

/// Whether an exclusion in `State` `s` is in effect: `create-complete`,
/// `update-in-progress`, `update-complete` and `update-failed` (an update
/// that failed leaves the exclusion as it was) are; the other states AWS
/// lists (`create-in-progress`, `create-failed`, `delete-in-progress`,
/// `delete-complete`, `disable-in-progress`, `disable-complete`) and any
/// other value are not.
pub(crate) fn exclusion_state(s: &str) -> ExclusionState {
    match s {
        "create-complete" | "update-in-progress" | "update-complete" | "update-failed" => {
            ExclusionState::Active
        }
        _ => ExclusionState::Inactive,
    }
}

/// One prefix of ip-ranges.json: `prefixes[]` (`v6` false: `ip_prefix`, an
/// IPv4 CIDR) or `ipv6_prefixes[]` (`ipv6_prefix`, an IPv6 CIDR).
fn ip_range(doc: &Doc<'_>, v6: bool, m: V<'_>, p: &P<'_>) -> Result<IpRange, InputError> {
    let field = if v6 { "ipv6_prefix" } else { "ip_prefix" };
    let fp = P::Field(p, field);
    let cidr = doc.cidr(doc.req_str(m, field, p)?, &fp)?;
    if matches!(cidr, Cidr::V6(_)) != v6 {
        return Err(doc.shape(&fp, ip_range_family(v6).0, ip_range_family(!v6).1));
    }
    Ok(IpRange {
        cidr,
        region: doc.req_str(m, "region", p)?.to_owned(),
        service: doc.req_str(m, "service", p)?.to_owned(),
    })
}

/// The address family an ip-ranges.json prefix field holds, for error
/// messages: what was expected, and what the other family was found as.
pub(crate) fn ip_range_family(v6: bool) -> (&'static str, &'static str) {
    if v6 {
        ("an IPv6 CIDR such as 2600:1f14::/35", "an IPv6 CIDR")
    } else {
        ("an IPv4 CIDR such as 3.5.140.0/22", "an IPv4 CIDR")
    }
}

fn parse_route(doc: &Doc<'_>, m: V<'_>, p: &P<'_>) -> Result<Option<Route>, InputError> {
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
    let target = if let Some(g) = doc.opt_str(m, "GatewayId", p)? {
        if g == "local" {
            RouteTarget::Local
        } else if g.starts_with("igw-") {
            RouteTarget::InternetGateway(g.to_owned())
        } else if g.starts_with("vpce-") {
            RouteTarget::VpcEndpoint(g.to_owned())
        } else {
            RouteTarget::Transit(g.to_owned())
        }
    } else if let Some(n) = doc.opt_str(m, "NatGatewayId", p)? {
        RouteTarget::NatGateway(n.to_owned())
    } else if let Some(e) = doc.opt_str(m, "EgressOnlyInternetGatewayId", p)? {
        RouteTarget::EgressOnlyInternetGateway(e.to_owned())
    } else {
        // Every other target is a path the validator cannot see past; the
        // first field present names it, in this order.
        let mut target = RouteTarget::Unknown;
        for k in [
            "TransitGatewayId",
            "VpcPeeringConnectionId",
            "NetworkInterfaceId",
            "InstanceId",
            "LocalGatewayId",
            "CarrierGatewayId",
            "CoreNetworkArn",
        ] {
            if let Some(t) = doc.opt_str(m, k, p)? {
                target = RouteTarget::Transit(t.to_owned());
                break;
            }
        }
        target
    };
    let state = match doc.opt_str(m, "State", p)? {
        Some("blackhole") => RouteState::Blackhole,
        _ => RouteState::Active,
    };
    Ok(Some(Route {
        destination,
        target,
        state,
        origin: route_origin(doc.opt_str(m, "Origin", p)?),
    }))
}

/// `Origin`: absent or unknown values are static routes (`CreateRoute`),
/// the kind that wins ties, as AWS prints every route it did not propagate.
pub(crate) fn route_origin(origin: Option<&str>) -> RouteOrigin {
    match origin {
        Some("CreateRouteTable") => RouteOrigin::CreateRouteTable,
        Some("EnableVgwRoutePropagation") => RouteOrigin::EnableVgwRoutePropagation,
        _ => RouteOrigin::CreateRoute,
    }
}

/// A `BlockPublicAccessStates` / `InternetGatewayBlockMode` value.
pub(crate) fn bpa_mode(s: &str) -> Option<BpaMode> {
    match s {
        "off" => Some(BpaMode::Off),
        "block-bidirectional" => Some(BpaMode::BlockBidirectional),
        "block-ingress" => Some(BpaMode::BlockIngress),
        _ => None,
    }
}

/// `BlockPublicAccessStates.InternetGatewayBlockMode` of a VPC or subnet.
fn bpa_states(doc: &Doc<'_>, m: V<'_>, p: &P<'_>) -> Result<Option<BpaMode>, InputError> {
    let Some(states) = m.get("BlockPublicAccessStates") else {
        return Ok(None);
    };
    let sp = P::Field(p, "BlockPublicAccessStates");
    let states = match states.val() {
        Val::Null => return Ok(None),
        _ => doc.obj(states, &sp)?,
    };
    match doc.opt_str(states, "InternetGatewayBlockMode", &sp)? {
        None => Ok(None),
        Some(s) => bpa_mode(s).map(Some).ok_or_else(|| {
            doc.shape(
                &P::Field(&sp, "InternetGatewayBlockMode"),
                BPA_MODES,
                "another string",
            )
        }),
    }
}

/// `DnsRecordIpType` values.
pub(crate) fn dns_record_ip_type(s: &str) -> Option<DnsRecordIpType> {
    match s {
        "ipv4" => Some(DnsRecordIpType::Ipv4),
        "dualstack" => Some(DnsRecordIpType::Dualstack),
        "ipv6" => Some(DnsRecordIpType::Ipv6),
        "service-defined" => Some(DnsRecordIpType::ServiceDefined),
        _ => None,
    }
}

/// An endpoint's `DnsOptions`: the record types of its private DNS and
/// whether that DNS answers only through inbound Resolver endpoints.
fn dns_options(
    doc: &Doc<'_>,
    m: V<'_>,
    p: &P<'_>,
) -> Result<(Option<DnsRecordIpType>, PrivateDnsScope), InputError> {
    let Some(o) = m.get("DnsOptions") else {
        return Ok((None, PrivateDnsScope::WholeVpc));
    };
    let op = P::Field(p, "DnsOptions");
    let o = match o.val() {
        Val::Null => return Ok((None, PrivateDnsScope::WholeVpc)),
        _ => doc.obj(o, &op)?,
    };
    let record = match doc.opt_str(o, "DnsRecordIpType", &op)? {
        None => None,
        Some(s) => Some(dns_record_ip_type(s).ok_or_else(|| {
            doc.shape(
                &P::Field(&op, "DnsRecordIpType"),
                "\"ipv4\", \"dualstack\", \"ipv6\" or \"service-defined\"",
                "another string",
            )
        })?),
    };
    let inbound_only = doc
        .opt_bool(o, "PrivateDnsOnlyForInboundResolverEndpoint", &op)?
        .unwrap_or(false);
    Ok((record, PrivateDnsScope::from_flag(inbound_only)))
}

fn sg_rules(doc: &Doc<'_>, m: V<'_>, key: &str, p: &P<'_>) -> Result<Vec<SgRule>, InputError> {
    let mut out = Vec::new();
    doc.each_obj(m, key, p, &mut |r, ip| {
        let protocol = doc.protocol(r, "IpProtocol", ip)?;
        let from = doc.port(doc.opt_int(r, "FromPort", ip)?, ip, "FromPort")?;
        let to = doc.port(doc.opt_int(r, "ToPort", ip)?, ip, "ToPort")?;
        let ports = match (protocol, from, to) {
            (Protocol::Tcp, Some(from), Some(to)) => PortRange { from, to },
            _ => PortRange::ALL,
        };
        let mut cidrs = Vec::new();
        for (list, field) in [("IpRanges", "CidrIp"), ("Ipv6Ranges", "CidrIpv6")] {
            doc.each_obj(r, list, ip, &mut |c, jp| {
                let s = doc.req_str(c, field, jp)?;
                cidrs.push(doc.cidr(s, &P::Field(jp, field))?);
                Ok(())
            })?;
        }
        out.push(SgRule {
            protocol,
            ports,
            cidrs,
            group_ids: doc.each_str(r, "UserIdGroupPairs", "GroupId", ip)?,
            prefix_list_ids: doc.each_str(r, "PrefixListIds", "PrefixListId", ip)?,
        });
        Ok(())
    })?;
    Ok(out)
}

fn acl_entry(doc: &Doc<'_>, m: V<'_>, p: &P<'_>) -> Result<AclEntry, InputError> {
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
    let action = match one_of(Some(doc.req_str(m, "RuleAction", p)?), &["allow", "deny"]) {
        Some(0) => RuleAction::Allow,
        Some(_) => RuleAction::Deny,
        None => {
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
        (Protocol::Tcp, Some(r)) if matches!(r.val(), Val::Obj) => {
            let rp = P::Field(p, "PortRange");
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

pub(crate) mod tree;
