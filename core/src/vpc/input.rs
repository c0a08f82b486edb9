//! Reading the JSON that AWS CLI v2 prints for `aws ec2 describe-*` (and
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
//!   first: the first describe-vpc-block-public-access-options, the first
//!   ip-ranges document (later ones are still read, so a broken one is an
//!   error);
//! * a folder of collected files is read as a whole (see [`DocumentKind`]):
//!   an empty document (or only white space: what a collect command that
//!   failed leaves) and the output of another AWS command (an object
//!   with one list under a name as the AWS CLI spells its keys,
//!   `NetworkInterfaces`, perhaps beside `NextToken`) are skipped and
//!   listed in [`VpcInput::skipped`], for the report to say so; JSON that
//!   is no AWS output at all is an [`InputError::Shape`];
//! * the same resource (same kind, same id) in two documents, or twice in
//!   one: identical copies (as the model reads them) are one resource,
//!   differing ones an [`InputError::Conflict`] naming both documents, so
//!   that the verdict never depends on the order of the files (an old and
//!   a new collect in one folder); the same for two entries documents of
//!   one prefix list (the same entries, in any order, are one);
//! * subnets of two regions (by their ARN, else their availability zone)
//!   are an [`InputError::MixedRegions`] naming a document of each: the
//!   report and its fixes name one region;
//! * unknown fields are ignored; a field the validator reads with the wrong
//!   shape is an [`InputError::Shape`] naming the document, the JSON path
//!   (`RouteTables[3].Routes[0].DestinationCidrBlock`) and what was expected;
//! * a document that is not JSON is an [`InputError::Json`] at the line and
//!   column where it stops being JSON, saying what was expected there
//!   ([`crate::json`], which reads each document in one pass);
//! * never a stack overflow and never a panic, whatever the input: nothing
//!   here recurses, and a resource (or any value read) nested 128 levels
//!   deep or more is refused as such, while deep nesting under a key the
//!   validator does not read is accepted;
//! * the readers are written once, against [`json::Tree`]: [`parse`] runs
//!   them over core's own JSON tree, and the tests run the same readers
//!   over serde_json's (`core/tests/vpc_input.rs`), which must give the same
//!   model and the same errors.
//!
//! Memory: the text, one 24-byte node per JSON value of the document being
//! read, and the model. The parser instantiates no `BTreeMap`, `BTreeSet`
//! or standard sort of its own: they cost the browser page's WebAssembly
//! module several KB each (BENCHMARKS.md, "Validator").
//!
//! Not done here: deciding anything about the VPC (see [`super::evaluate`]).

use super::InputError;
use super::model::*;
use crate::catalog::Region;
use crate::json::{self, Tree, Val};
use crate::net::{Cidr, CidrError};
use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

pub mod plan;
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
const EXPECTED_DOCUMENT: &str = "the output of one of aws ec2 describe-vpcs, describe-vpc-attribute, describe-subnets, describe-route-tables, describe-vpc-endpoints, describe-security-groups, describe-network-acls, describe-nat-gateways, describe-internet-gateways, describe-dhcp-options, describe-managed-prefix-lists, get-managed-prefix-list-entries (as netready validate --collect writes it), describe-vpc-block-public-access-options, describe-vpc-block-public-access-exclusions, or AWS's ip-ranges.json (a key such as Vpcs, Subnets or prefixes)";

/// What a get-managed-prefix-list-entries document lacks when it does not
/// name its list.
const ENTRIES_NEED_THEIR_LIST: &str = "a string beside Entries: get-managed-prefix-list-entries does not print which list the entries belong to, so write the file as netready validate --collect does: aws ec2 get-managed-prefix-list-entries --region R --prefix-list-id pl-X --query \"{PrefixListId: 'pl-X', Entries: Entries}\" --output json > prefix-list-pl-X.json";

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
    /// The document's top level.
    Root,
    Field(&'a P<'a>, &'a str),
    Index(&'a P<'a>, usize),
}

impl fmt::Display for P<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            P::Root => f.write_str("(top level)"),
            P::Field(P::Root, k) => f.write_str(k),
            P::Field(p, k) => write!(f, "{p}.{k}"),
            P::Index(p, i) => write!(f, "{p}[{i}]"),
        }
    }
}

/// The path of the top-level member `key`.
fn at_top(key: &str) -> P<'_> {
    P::Field(&P::Root, key)
}

struct Doc<'a> {
    name: &'a str,
    /// Its position among the documents read ([`Reader::documents`]).
    index: u32,
}

impl Doc<'_> {
    #[cold]
    fn shape(&self, path: &P<'_>, expected: &str, found: &str) -> Bad {
        Bad(Box::new(InputError::Shape {
            document: self.name.to_owned(),
            path: path.to_string(),
            expected: expected.to_owned(),
            found: found.to_owned(),
        }))
    }

    fn obj<'t, V: Tree<'t>>(&self, v: V, p: &P<'_>) -> R<V> {
        match v.val() {
            Val::Obj => Ok(v),
            other => Err(self.shape(p, "an object", other.kind())),
        }
    }

    /// `v`, unless it nests too deep to be read.
    fn shallow<'t, V: Tree<'t>>(&self, v: V, p: &P<'_>) -> R<V> {
        if v.nests_too_deep() {
            return Err(self.shape(
                p,
                "a value nested at most 128 levels deep",
                "deeper nesting",
            ));
        }
        Ok(v)
    }

    /// The top-level member `key` (checked for nesting), if present.
    fn top_value<'t, V: Tree<'t>>(&self, m: V, key: &str) -> R<Option<V>> {
        m.get(key)
            .map(|v| self.shallow(v, &at_top(key)))
            .transpose()
    }

    /// The string at `p`, or `what` was expected there.
    fn string<'t>(&self, v: Option<Val<'t>>, what: &str, p: &P<'_>) -> R<&'t str> {
        match v {
            Some(Val::Str(s)) => Ok(s),
            Some(other) => Err(self.shape(p, "a string", other.kind())),
            None => Err(self.shape(p, what, "nothing")),
        }
    }

    fn req_str<'t, V: Tree<'t>>(&self, m: V, key: &str, p: &P<'_>) -> R<&'t str> {
        let v = m.get(key).map(V::val);
        self.string(v, "a string (the field is required)", &P::Field(p, key))
    }

    fn opt_str<'t, V: Tree<'t>>(&self, m: V, key: &str, p: &P<'_>) -> R<Option<&'t str>> {
        match m.get(key).map(V::val) {
            None | Some(Val::Null) => Ok(None),
            v => self.string(v, "", &P::Field(p, key)).map(Some),
        }
    }

    fn opt_owned<'t, V: Tree<'t>>(&self, m: V, key: &str, p: &P<'_>) -> R<Option<String>> {
        Ok(self.opt_str(m, key, p)?.map(str::to_owned))
    }

    fn opt_bool<'t, V: Tree<'t>>(&self, m: V, key: &str, p: &P<'_>) -> R<Option<bool>> {
        match m.get(key).map(V::val) {
            None | Some(Val::Null) => Ok(None),
            Some(Val::Bool(b)) => Ok(Some(b)),
            Some(other) => Err(self.shape(&P::Field(p, key), "true or false", other.kind())),
        }
    }

    /// A boolean field the document must have; `what` names it for the
    /// error message.
    fn req_bool<'t, V: Tree<'t>>(&self, m: V, key: &str, what: &str, p: &P<'_>) -> R<bool> {
        self.opt_bool(m, key, p)?
            .ok_or_else(|| self.shape(&P::Field(p, key), what, "nothing"))
    }

    fn opt_int<'t, V: Tree<'t>>(&self, m: V, key: &str, p: &P<'_>) -> R<Option<i64>> {
        let fp = P::Field(p, key);
        match m.get(key).map(V::val) {
            None | Some(Val::Null) => Ok(None),
            Some(Val::Num(n)) => json::as_i64(n)
                .map(Some)
                .ok_or_else(|| self.shape(&fp, "an integer", "a fractional or huge number")),
            Some(other) => Err(self.shape(&fp, "an integer", other.kind())),
        }
    }

    /// The elements of the array under `key` (absent and `null` read as
    /// empty).
    fn opt_arr<'t, V: Tree<'t>>(
        &self,
        m: V,
        key: &str,
        p: &P<'_>,
    ) -> R<impl Iterator<Item = V> + use<'t, V>> {
        // `items` of an object or of null is empty.
        let Some(v) = m.get(key) else {
            return Ok(m.items());
        };
        match v.val() {
            Val::Arr | Val::Null => Ok(v.items()),
            other => Err(self.shape(&P::Field(p, key), "an array", other.kind())),
        }
    }

    /// Calls `f` on each element of the array under `key`, each of which
    /// must be an object (not nested too deep), with its path `p.key[i]`.
    fn each_obj<'t, V: Tree<'t>>(
        &self,
        m: V,
        key: &str,
        p: &P<'_>,
        f: &mut dyn FnMut(V, &P<'_>) -> R<()>,
    ) -> R<()> {
        let kp = P::Field(p, key);
        for (i, v) in self.opt_arr(m, key, p)?.enumerate() {
            let ip = P::Index(&kp, i);
            f(self.obj(self.shallow(v, &ip)?, &ip)?, &ip)?;
        }
        Ok(())
    }

    /// The string field `field` of each object of the array under `key`.
    fn each_str<'t, V: Tree<'t>>(&self, m: V, key: &str, field: &str, p: &P<'_>) -> R<Vec<String>> {
        let mut out = Vec::new();
        self.each_obj(m, key, p, &mut |o, ip| {
            out.push(self.req_str(o, field, ip)?.to_owned());
            Ok(())
        })?;
        Ok(out)
    }

    /// The array of strings under `key`.
    fn strs<'t, V: Tree<'t>>(&self, m: V, key: &str, p: &P<'_>) -> R<Vec<String>> {
        let fp = P::Field(p, key);
        let mut out = Vec::new();
        for (i, v) in self.opt_arr(m, key, p)?.enumerate() {
            out.push(
                self.string(Some(v.val()), "", &P::Index(&fp, i))?
                    .to_owned(),
            );
        }
        Ok(out)
    }

    fn cidr(&self, s: &str, p: &P<'_>) -> R<Cidr> {
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

    fn opt_cidr<'t, V: Tree<'t>>(&self, m: V, key: &str, p: &P<'_>) -> R<Option<Cidr>> {
        match self.opt_str(m, key, p)? {
            Some(s) => Ok(Some(self.cidr(s, &P::Field(p, key))?)),
            None => Ok(None),
        }
    }

    /// The CIDR in the string field `key`, which the document must have.
    fn req_cidr<'t, V: Tree<'t>>(&self, m: V, key: &str, p: &P<'_>) -> R<Cidr> {
        self.cidr(self.req_str(m, key, p)?, &P::Field(p, key))
    }

    /// A field that must hold one of `values` (`expected` lists them for
    /// the error message).
    fn one_of<T: Copy>(&self, s: &str, values: &[(&str, T)], expected: &str, p: &P<'_>) -> R<T> {
        lookup(s, values).ok_or_else(|| self.shape(p, expected, "another string"))
    }

    fn protocol<'t, V: Tree<'t>>(&self, m: V, key: &str, p: &P<'_>) -> R<Protocol> {
        const EXPECTED: &str = "a protocol such as \"-1\", \"tcp\" or \"6\"";
        let fp = P::Field(p, key);
        Ok(match m.get(key).map(V::val) {
            Some(Val::Str(s)) if s == "-1" || s.eq_ignore_ascii_case("all") => Protocol::All,
            Some(Val::Str(s)) if s == "6" || s.eq_ignore_ascii_case("tcp") => Protocol::Tcp,
            Some(Val::Str(_)) => Protocol::Other,
            Some(Val::Num(n)) => match json::as_i64(n) {
                Some(-1) => Protocol::All,
                Some(6) => Protocol::Tcp,
                _ => Protocol::Other,
            },
            Some(other) => return Err(self.shape(&fp, EXPECTED, other.kind())),
            None => return Err(self.shape(&fp, EXPECTED, "nothing")),
        })
    }

    /// The TCP ports of a rule whose protocol is `protocol`: `from_key` and
    /// `to_key` of `m` (an ICMP rule or "all" has -1 there).
    fn ports<'t, V: Tree<'t>>(
        &self,
        protocol: Protocol,
        m: V,
        (from_key, to_key): (&str, &str),
        p: &P<'_>,
    ) -> R<PortRange> {
        let port = |key| match self.opt_int(m, key, p)? {
            Some(n) if n < 0 => Ok(None),
            None => Ok(None),
            Some(n) => u16::try_from(n).map(Some).map_err(|_| {
                self.shape(
                    &P::Field(p, key),
                    "a port from 0 to 65535",
                    "a larger number",
                )
            }),
        };
        let (from, to) = (port(from_key)?, port(to_key)?);
        Ok(match (protocol, from, to) {
            (Protocol::Tcp, Some(from), Some(to)) => PortRange { from, to },
            _ => PortRange::ALL,
        })
    }
}

/// The value of `s` among `values` (AWS prints these in lower case).
fn lookup<T: Copy>(s: &str, values: &[(&str, T)]) -> Option<T> {
    values.iter().find(|(name, _)| s == *name).map(|&(_, v)| v)
}

/// The value of `s` among `values`, compared without regard to ASCII case
/// (AWS prints `Interface`, `available`, …), else `other`.
fn lookup_any_case<T: Copy>(s: Option<&str>, values: &[(&str, T)], other: T) -> T {
    s.and_then(|s| values.iter().find(|(name, _)| s.eq_ignore_ascii_case(name)))
        .map_or(other, |&(_, v)| v)
}

/// A reader's error: boxed, so that a result is at most two words wide and
/// `?` moves no more (a `Result` carrying the whole `InputError` made every
/// reader's error paths copy it, several KB of the browser page's module).
struct Bad(Box<InputError>);

/// A reader's result.
type R<T> = Result<T, Bad>;

/// A syntax error of the document `document`, whose text is `text`.
fn json_error(document: &str, text: &str, e: &json::SyntaxError) -> InputError {
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
    let mut reader = Reader::default();
    // Terraform plans apply on top of every describe-* document: read last.
    let mut plans = Vec::new();
    for (name, text) in docs {
        if blank(text) {
            reader.empty(name);
            continue;
        }
        let doc = json::Document::parse(text).map_err(|e| json_error(name, text, &e))?;
        if plan::is_plan(doc.root()) {
            plans.push((name, doc));
            continue;
        }
        reader.read(name, doc.root())?;
    }
    let mut input = reader.finish();
    for (name, doc) in &plans {
        plan::apply(name, doc.root(), &mut input)?;
    }
    Ok(input)
}

/// Whether a document holds no JSON value at all: nothing, or only JSON's
/// white space (RFC 8259: space, tab, line feed, carriage return; a
/// byte-order mark is gone with [`crate::text::decode`]).
pub fn blank(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// What a document is, by its top-level value: which reader takes it, or
/// why none does. (Another kind of document slots in here, with its reader
/// in [`Reader::read`].)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DocumentKind<'t> {
    /// Output of the describe-* commands the validator reads (one, or one
    /// object merging several), or AWS's `ip-ranges.json`: a key of
    /// [`KNOWN_KEYS`] at the top level.
    Describe,
    /// The output of another AWS command (`describe-network-interfaces`):
    /// an object with one member named as the AWS CLI names its output's
    /// members (an ASCII capital, then letters and digits), a list, and
    /// perhaps a `NextToken` beside it (a page of a paginated command).
    /// Skipped ([`SkipReason::OtherOutput`]).
    OtherOutput {
        /// That member's name (`NetworkInterfaces`).
        key: &'t str,
    },
}

/// The member of a paginated command's output that is no resource list.
const NEXT_TOKEN: &str = "NextToken";

/// Whether `key` is named as the AWS CLI names its output's members
/// (`NetworkInterfaces`, `Reservations`): an ASCII capital, then ASCII
/// letters and digits.
fn aws_member_name(key: &str) -> bool {
    let mut bytes = key.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_uppercase()) && bytes.all(|b| b.is_ascii_alphanumeric())
}

impl DocumentKind<'_> {
    /// What `top` (a document's top-level value) is; `None` when it is no
    /// AWS output the validator knows of (which is an error).
    pub fn of<'t, V: Tree<'t>>(top: V) -> Option<DocumentKind<'t>> {
        if top.val() != Val::Obj {
            return None;
        }
        if KNOWN_KEYS.iter().any(|(k, _)| top.get(k).is_some()) {
            return Some(DocumentKind::Describe);
        }
        // One list member besides NextToken (a repeated name counts once:
        // its last value is the one read, as everywhere).
        let mut list: Option<&'t str> = None;
        for key in top.keys() {
            if key == NEXT_TOKEN || list == Some(key) {
                continue;
            }
            if list.is_some() || !aws_member_name(key) {
                return None;
            }
            list = Some(key);
        }
        let key = list?;
        let is_list = top.get(key).is_some_and(|v| v.val() == Val::Arr);
        is_list.then_some(DocumentKind::OtherOutput { key })
    }
}

/// Reads documents, already parsed as JSON, one at a time into one model:
/// what [`parse`] does with core's JSON reader, for any [`json::Tree`].
#[derive(Default)]
pub struct Reader {
    input: VpcInput,
    seen: Seen,
    /// The names of the documents read, in order (for [`InputError::Conflict`]).
    documents: Vec<String>,
    /// The region of the first subnet that names one, and the index of its
    /// document.
    region: Option<(String, u32)>,
}

/// The top-level keys read as lists of resources or values, in byte order
/// (the order the documents' keys are read in).
const LISTS: [&str; 15] = [
    "DhcpOptions",
    "Entries",
    "InternetGateways",
    "NatGateways",
    "NetworkAcls",
    "PrefixLists",
    "RouteTables",
    "SecurityGroups",
    "Subnets",
    "VpcBlockPublicAccessExclusions",
    "VpcBlockPublicAccessOptions",
    "VpcEndpoints",
    "Vpcs",
    "ipv6_prefixes",
    "prefixes",
];

/// One resource of a list, with its id: `seen` is the parser's ids read so
/// far.
type ReadItem<'f, V> = dyn FnMut(&mut Seen, &str, V, &P<'_>) -> R<()> + 'f;

impl Reader {
    /// Reads one document (its top-level value `top`; `name` names it in
    /// errors) into the model, or lists it as skipped (see
    /// [`DocumentKind`]).
    pub fn read<'t, V: Tree<'t>>(&mut self, name: &str, top: V) -> Result<(), InputError> {
        let doc = self.named(name);
        match DocumentKind::of(top) {
            Some(DocumentKind::Describe) => self.document(&doc, top).map_err(|e| *e.0),
            Some(DocumentKind::OtherOutput { key }) => {
                self.skip(
                    name,
                    SkipReason::OtherOutput {
                        key: key.to_owned(),
                    },
                );
                Ok(())
            }
            None if top.val() != Val::Obj => Err(*doc
                .shape(
                    &P::Root,
                    "an object, as aws ec2 describe-* prints",
                    top.val().kind(),
                )
                .0),
            None => Err(*doc
                .shape(&P::Root, EXPECTED_DOCUMENT, "none of their keys")
                .0),
        }
    }

    /// A document that holds no JSON value (see [`blank`]): listed as
    /// skipped, so that the report says so, rather than refused.
    pub fn empty(&mut self, name: &str) {
        self.named(name);
        self.skip(name, SkipReason::Empty);
    }

    /// The next document, `name`, recorded.
    fn named<'n>(&mut self, name: &'n str) -> Doc<'n> {
        // At most u32::MAX documents: far beyond any input.
        let index = u32::try_from(self.documents.len()).unwrap_or(u32::MAX);
        self.documents.push(name.to_owned());
        Doc { name, index }
    }

    fn skip(&mut self, name: &str, reason: SkipReason) {
        self.input.skipped.push(SkippedDocument {
            name: name.to_owned(),
            reason,
        });
    }

    fn document<'t, V: Tree<'t>>(&mut self, doc: &Doc<'_>, top: V) -> R<()> {
        let Reader {
            input,
            seen,
            documents,
            region,
        } = self;
        let documents = &documents[..];
        // Only the first ip-ranges document counts (AWS publishes one
        // file); later ones are still read, so that a broken one is an
        // error.
        let keep_ip_ranges = input.ip_ranges.is_none();
        for key in &LISTS {
            let Some(list) = top.get(key) else { continue };
            let subnets_before = input.subnets.items.len();
            // The lists of resources with ids: the top-level key, the
            // model's collection, the id field and its kind, the reader.
            macro_rules! resources {
                ([$($name:literal => $list:ident, $id:literal, $kind:ident, $what:literal, $read:ident;)*] $($other:tt)*) => {
                    match *key {
                        $($name => (
                            &mut input.$list.given,
                            $id,
                            &mut |seen, id, m, p| {
                                let item = doc.$read(id, m, p)?;
                                let first = seen.entry(Kind::$kind, id, doc.index);
                                keep(&mut input.$list.items, item, first, documents, doc, $what)
                            },
                        ),)*
                        $($other)*
                    }
                };
            }
            let (given, id, f): (&mut bool, &str, &mut ReadItem<'_, V>) = resources! {
                ["Vpcs" => vpcs, "VpcId", Vpc, "VPC", vpc;
                "Subnets" => subnets, "SubnetId", Subnet, "subnet", subnet;
                "RouteTables" => route_tables, "RouteTableId", RouteTable, "route table", route_table;
                "VpcEndpoints" => endpoints, "VpcEndpointId", Endpoint, "VPC endpoint", endpoint;
                "SecurityGroups" => security_groups, "GroupId", SecurityGroup, "security group", security_group;
                "NetworkAcls" => network_acls, "NetworkAclId", NetworkAcl, "network ACL", network_acl;
                "NatGateways" => nat_gateways, "NatGatewayId", NatGateway, "NAT gateway", nat_gateway;
                "InternetGateways" => internet_gateways, "InternetGatewayId", InternetGateway, "internet gateway", internet_gateway;
                "DhcpOptions" => dhcp_options, "DhcpOptionsId", DhcpOptions, "DHCP option set", dhcp_options;
                "VpcBlockPublicAccessExclusions" => bpa_exclusions, "ExclusionId", BpaExclusion, "Block Public Access exclusion", bpa_exclusion;]
                "PrefixLists" => (
                    &mut input.prefix_lists.given,
                    "PrefixListId",
                    &mut |seen, id, m, p| {
                        // The name of the list (entries may come first),
                        // from the first document that describes it.
                        let name = doc.opt_owned(m, "PrefixListName", p)?;
                        if seen.first(Kind::PrefixListDescribed, id) {
                            prefix_list(seen, &mut input.prefix_lists.items, id).name = name;
                        }
                        Ok(())
                    },
                ),
                "Entries" => {
                    let p = at_top("PrefixListId");
                    let v = doc.top_value(top, "PrefixListId")?.map(V::val);
                    let id = doc.string(v, ENTRIES_NEED_THEIR_LIST, &p)?;
                    input.prefix_lists.given = true;
                    let mut cidrs = Vec::new();
                    doc.each_obj(top, "Entries", &P::Root, &mut |e, ip| {
                        cidrs.push(doc.req_cidr(e, "Cidr", ip)?);
                        Ok(())
                    })?;
                    let first = seen.entry(Kind::PrefixListEntries, id, doc.index);
                    let list = prefix_list(seen, &mut input.prefix_lists.items, id);
                    match (first, &list.entries) {
                        (None, _) => list.entries = Some(cidrs),
                        (Some(_), Some(had)) if same_set(had, &cidrs) => {}
                        (Some(first), _) => {
                            return Err(conflict("prefix list's entries", id, documents, first, doc));
                        }
                    }
                    continue;
                }
                "VpcBlockPublicAccessOptions" => {
                    let p = at_top(key);
                    let m = doc.obj(doc.shallow(list, &p)?, &p)?;
                    let field = "InternetGatewayBlockMode";
                    let mode = match doc.opt_str(m, field, &p)? {
                        Some(s) => {
                            doc.one_of(s, BPA_MODES, BPA_MODES_EXPECTED, &P::Field(&p, field))?
                        }
                        None => {
                            return Err(doc.shape(
                                &P::Field(&p, field),
                                &format!("{BPA_MODES_EXPECTED} (the field is required)"),
                                "nothing",
                            ));
                        }
                    };
                    input.bpa_options.get_or_insert(mode);
                    continue;
                }
                _ => {
                    // "ipv6_prefixes" and "prefixes"
                    let v6 = *key == "ipv6_prefixes";
                    let mut ranges = Vec::new();
                    doc.each_obj(top, key, &P::Root, &mut |m, p| {
                        ranges.push(doc.ip_range(v6, m, p)?);
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
            };
            doc.each_obj(top, key, &P::Root, &mut |m, p| {
                let item_id = doc.req_str(m, id, p)?;
                f(seen, item_id, m, p)
            })?;
            *given = true;
            for s in input
                .subnets
                .items
                .get(subnets_before..)
                .unwrap_or_default()
            {
                one_region(region, s, documents, doc)?;
            }
        }
        vpc_attributes(doc, top, input)
    }

    /// The model of every document read.
    pub fn finish(mut self) -> VpcInput {
        for acl in &mut self.input.network_acls.items {
            acl.entries = sorted_by_rule(core::mem::take(&mut acl.entries));
        }
        self.input
    }
}

/// A resource's id, for [`keep`].
trait Identified {
    fn id(&self) -> &str;
}

macro_rules! identified {
    ($($t:ty),*) => {$(
        impl Identified for $t {
            fn id(&self) -> &str {
                &self.id
            }
        }
    )*};
}

identified!(
    Vpc,
    Subnet,
    RouteTable,
    VpcEndpoint,
    SecurityGroup,
    NetworkAcl,
    NatGateway,
    InternetGateway,
    DhcpOptions,
    BpaExclusion
);

/// Adds `item`, just read from `doc`, to `items`, unless a resource of its
/// kind and id was read before (`first`: from that document): then the
/// same again is dropped, and a different one is a conflict, whichever
/// order the documents come in.
fn keep<T: Identified + PartialEq>(
    items: &mut Vec<T>,
    item: T,
    first: Option<u32>,
    documents: &[String],
    doc: &Doc<'_>,
    what: &'static str,
) -> R<()> {
    let Some(first) = first else {
        items.push(item);
        return Ok(());
    };
    // Only for a resource read twice: a scan, not an index kept for all.
    if items
        .iter()
        .any(|had| had.id() == item.id() && *had == item)
    {
        return Ok(());
    }
    Err(conflict(what, item.id(), documents, first, doc))
}

#[cold]
fn conflict(what: &'static str, id: &str, documents: &[String], first: u32, doc: &Doc<'_>) -> Bad {
    Bad(Box::new(InputError::Conflict {
        kind: what,
        id: id.to_owned(),
        first: documents
            .get(first as usize)
            .map_or_else(|| doc.name.to_owned(), Clone::clone),
        second: doc.name.to_owned(),
    }))
}

/// Whether `a` and `b` hold the same CIDRs, in any order (AWS does not
/// promise the order of a list's entries).
fn same_set(a: &[Cidr], b: &[Cidr]) -> bool {
    a.len() == b.len() && a.iter().all(|c| b.contains(c)) && b.iter().all(|c| a.contains(c))
}

/// The region of a subnet: its ARN's, else its availability zone's name
/// without the zone letter; `None` when neither names a region.
pub fn subnet_region(s: &Subnet) -> Option<String> {
    let from_arn = s
        .arn
        .as_deref()
        .and_then(|a| a.split(':').nth(3))
        .filter(|r| Region::parse(r).is_ok());
    let from_az = || {
        s.availability_zone
            .as_deref()
            .map(|az| az.trim_end_matches(|c: char| c.is_ascii_lowercase()))
            .filter(|r| Region::parse(r).is_ok())
    };
    from_arn.or_else(from_az).map(str::to_owned)
}

/// Checks that `s`, read from `doc`, is in the region of the subnets read
/// before (`region`, set by the first that names one).
fn one_region(
    region: &mut Option<(String, u32)>,
    s: &Subnet,
    documents: &[String],
    doc: &Doc<'_>,
) -> R<()> {
    let Some(here) = subnet_region(s) else {
        return Ok(());
    };
    match region {
        None => *region = Some((here, doc.index)),
        Some((r, _)) if *r == here => {}
        Some((r, first)) => {
            let first_doc = documents
                .get(*first as usize)
                .map_or_else(|| doc.name.to_owned(), Clone::clone);
            return Err(Bad(Box::new(InputError::MixedRegions {
                first: (r.clone(), first_doc),
                second: (here, doc.name.to_owned()),
            })));
        }
    }
    Ok(())
}

/// describe-vpc-attribute: `{"VpcId": …, "EnableDnsSupport": {"Value": true}}`
/// (or `EnableDnsHostnames`).
fn vpc_attributes<'t, V: Tree<'t>>(doc: &Doc<'_>, m: V, input: &mut VpcInput) -> R<()> {
    let support = m.get("EnableDnsSupport");
    let hostnames = m.get("EnableDnsHostnames");
    if support.is_none() && hostnames.is_none() {
        return Ok(());
    }
    let vpc_id = doc.string(
        doc.top_value(m, "VpcId")?.map(V::val),
        "a string beside EnableDnsSupport/EnableDnsHostnames (the output of describe-vpc-attribute)",
        &at_top("VpcId"),
    )?;
    let attrs = input.dns_attributes.entry_or_default(vpc_id.to_owned());
    let flag = |v: Option<V>, key| -> R<Option<bool>> {
        let Some(v) = v else { return Ok(None) };
        let p = at_top(key);
        doc.req_bool(
            doc.obj(doc.shallow(v, &p)?, &p)?,
            "Value",
            "true or false",
            &p,
        )
        .map(Some)
    };
    if let Some(b) = flag(support, "EnableDnsSupport")? {
        attrs.dns_support = Some(VpcResolver::from_flag(b));
    }
    if let Some(b) = flag(hostnames, "EnableDnsHostnames")? {
        attrs.dns_hostnames = Some(DnsHostnames::from_flag(b));
    }
    Ok(())
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

/// The prefix list `id` of `lists`, added without a name or entries when
/// no document has named it yet.
fn prefix_list<'l>(
    seen: &mut Seen,
    lists: &'l mut Vec<PrefixList>,
    id: &str,
) -> &'l mut PrefixList {
    let next = u32::try_from(lists.len()).unwrap_or(u32::MAX);
    let at = match seen.entry(Kind::PrefixList, id, next) {
        Some(i) => i as usize,
        None => {
            lists.push(PrefixList {
                id: id.to_owned(),
                name: None,
                entries: None,
            });
            lists.len() - 1
        }
    };
    lists
        .get_mut(at)
        .expect("Seen holds the index of a list pushed before")
}

/// The fields naming a route's target, in the order they are looked at:
/// the first present decides.
const ROUTE_TARGETS: [&str; 10] = [
    "GatewayId",
    "NatGatewayId",
    "EgressOnlyInternetGatewayId",
    "TransitGatewayId",
    "VpcPeeringConnectionId",
    "NetworkInterfaceId",
    "InstanceId",
    "LocalGatewayId",
    "CarrierGatewayId",
    "CoreNetworkArn",
];

const ROUTE_ORIGINS: &[(&str, RouteOrigin)] = &[
    ("CreateRouteTable", RouteOrigin::CreateRouteTable),
    (
        "EnableVgwRoutePropagation",
        RouteOrigin::EnableVgwRoutePropagation,
    ),
];

/// The values of `InternetGatewayBlockMode`.
const BPA_MODES: &[(&str, BpaMode)] = &[
    ("off", BpaMode::Off),
    ("block-bidirectional", BpaMode::BlockBidirectional),
    ("block-ingress", BpaMode::BlockIngress),
];
const BPA_MODES_EXPECTED: &str = "\"off\", \"block-bidirectional\" or \"block-ingress\"";

/// The values of `InternetGatewayExclusionMode`.
const BPA_EXCLUSION_MODES: &[(&str, BpaExclusionMode)] = &[
    ("allow-bidirectional", BpaExclusionMode::AllowBidirectional),
    ("allow-egress", BpaExclusionMode::AllowEgress),
];
const BPA_EXCLUSION_MODES_EXPECTED: &str = "\"allow-bidirectional\" or \"allow-egress\"";

/// `DnsRecordIpType` values.
const DNS_RECORD_IP_TYPES: &[(&str, DnsRecordIpType)] = &[
    ("ipv4", DnsRecordIpType::Ipv4),
    ("dualstack", DnsRecordIpType::Dualstack),
    ("ipv6", DnsRecordIpType::Ipv6),
    ("service-defined", DnsRecordIpType::ServiceDefined),
];
/// A `DnsRecordIpType` value (also what a fix sets).
pub(crate) fn dns_record_ip_type(s: &str) -> Option<DnsRecordIpType> {
    lookup(s, DNS_RECORD_IP_TYPES)
}

const DNS_RECORD_IP_TYPES_EXPECTED: &str =
    "\"ipv4\", \"dualstack\", \"ipv6\" or \"service-defined\"";

/// What an exclusion's `ResourceArn` must be, for error messages.
const BPA_EXCLUSION_ARN: &str = "the ARN of a VPC or a subnet, such as arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0123456789abcdef0 or …:subnet/subnet-0123456789abcdef0";

/// What an exclusion applies to, from its `ResourceArn`:
/// `arn:PARTITION:ec2:REGION:ACCOUNT:vpc/vpc-…` or `…:subnet/subnet-…`, in
/// any partition.
fn bpa_exclusion_scope(arn: &str) -> Option<BpaExclusionScope> {
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
fn exclusion_state(s: &str) -> ExclusionState {
    match s {
        "create-complete" | "update-in-progress" | "update-complete" | "update-failed" => {
            ExclusionState::Active
        }
        _ => ExclusionState::Inactive,
    }
}

/// The readers of each resource: `id` is its id (new), `m` its object, `p` its path.
impl Doc<'_> {
    /// `BlockPublicAccessStates.InternetGatewayBlockMode` of a VPC or subnet.
    fn bpa_states<'t, V: Tree<'t>>(&self, m: V, p: &P<'_>) -> R<Option<BpaMode>> {
        let key = "BlockPublicAccessStates";
        let sp = P::Field(p, key);
        let states = match m.get(key) {
            None => return Ok(None),
            Some(s) if s.val() == Val::Null => return Ok(None),
            Some(s) => self.obj(s, &sp)?,
        };
        let field = "InternetGatewayBlockMode";
        self.opt_str(states, field, &sp)?
            .map(|s| self.one_of(s, BPA_MODES, BPA_MODES_EXPECTED, &P::Field(&sp, field)))
            .transpose()
    }

    fn vpc<'t, V: Tree<'t>>(&self, id: &str, m: V, p: &P<'_>) -> R<Vpc> {
        let mut cidrs = Vec::new();
        if let Some(c) = self.opt_cidr(m, "CidrBlock", p)? {
            cidrs.push(c);
        }
        self.each_obj(m, "CidrBlockAssociationSet", p, &mut |a, ip| {
            if let Some(c) = self.opt_cidr(a, "CidrBlock", ip)?
                && !cidrs.contains(&c)
            {
                cidrs.push(c);
            }
            Ok(())
        })?;
        cidrs.extend(self.ipv6_cidrs(m, p)?);
        Ok(Vpc {
            id: id.to_owned(),
            cidrs,
            dhcp_options_id: self.opt_owned(m, "DhcpOptionsId", p)?,
            owner_id: self.opt_owned(m, "OwnerId", p)?,
            block_public_access: self.bpa_states(m, p)?,
        })
    }

    /// `Ipv6CidrBlockAssociationSet[].Ipv6CidrBlock` of a VPC or subnet.
    fn ipv6_cidrs<'t, V: Tree<'t>>(&self, m: V, p: &P<'_>) -> R<Vec<Cidr>> {
        let mut cidrs = Vec::new();
        self.each_obj(m, "Ipv6CidrBlockAssociationSet", p, &mut |a, ip| {
            cidrs.extend(self.opt_cidr(a, "Ipv6CidrBlock", ip)?);
            Ok(())
        })?;
        Ok(cidrs)
    }

    fn subnet<'t, V: Tree<'t>>(&self, id: &str, m: V, p: &P<'_>) -> R<Subnet> {
        let ipv6_cidrs = self.ipv6_cidrs(m, p)?;
        Ok(Subnet {
            id: id.to_owned(),
            vpc_id: self.req_str(m, "VpcId", p)?.to_owned(),
            availability_zone: self.opt_owned(m, "AvailabilityZone", p)?,
            cidr: self.opt_cidr(m, "CidrBlock", p)?,
            ipv6_cidrs,
            dns64: Dns64::from_flag(self.opt_bool(m, "EnableDns64", p)?.unwrap_or(false)),
            arn: self.opt_owned(m, "SubnetArn", p)?,
            owner_id: self.opt_owned(m, "OwnerId", p)?,
            block_public_access: self.bpa_states(m, p)?,
        })
    }

    fn route_table<'t, V: Tree<'t>>(&self, id: &str, m: V, p: &P<'_>) -> R<RouteTable> {
        let mut main = false;
        let mut subnet_ids = Vec::new();
        let mut association_ids = Vec::new();
        self.each_obj(m, "Associations", p, &mut |a, ip| {
            // A disassociated (or failed) association no longer applies.
            let state = match a.get("AssociationState") {
                Some(s) if s.val() == Val::Obj => {
                    let sp = P::Field(ip, "AssociationState");
                    self.opt_str(s, "State", &sp)?.unwrap_or("associated")
                }
                _ => "associated",
            };
            if state != "associated" {
                return Ok(());
            }
            if self.opt_bool(a, "Main", ip)?.unwrap_or(false) {
                main = true;
            }
            if let Some(s) = self.opt_str(a, "SubnetId", ip)? {
                subnet_ids.push(s.to_owned());
                association_ids.push(
                    self.opt_str(a, "RouteTableAssociationId", ip)?
                        .unwrap_or_default()
                        .to_owned(),
                );
            }
            Ok(())
        })?;
        let mut routes = Vec::new();
        self.each_obj(m, "Routes", p, &mut |r, ip| {
            routes.extend(self.route(r, ip)?);
            Ok(())
        })?;
        Ok(RouteTable {
            id: id.to_owned(),
            vpc_id: self.req_str(m, "VpcId", p)?.to_owned(),
            main,
            subnet_ids,
            association_ids,
            routes,
        })
    }

    fn route<'t, V: Tree<'t>>(&self, m: V, p: &P<'_>) -> R<Option<Route>> {
        let destination = if let Some(c) = self.opt_cidr(m, "DestinationCidrBlock", p)? {
            RouteDestination::Cidr(c)
        } else if let Some(c) = self.opt_cidr(m, "DestinationIpv6CidrBlock", p)? {
            RouteDestination::Cidr(c)
        } else if let Some(pl) = self.opt_str(m, "DestinationPrefixListId", p)? {
            RouteDestination::PrefixList(pl.to_owned())
        } else {
            // A route without a destination matches nothing.
            return Ok(None);
        };
        let mut target = RouteTarget::Unknown;
        for field in ROUTE_TARGETS {
            let Some(t) = self.opt_str(m, field, p)? else {
                continue;
            };
            let t = t.to_owned();
            target = match field {
                "GatewayId" if t == "local" => RouteTarget::Local,
                "GatewayId" if t.starts_with("igw-") => RouteTarget::InternetGateway(t),
                "GatewayId" if t.starts_with("vpce-") => RouteTarget::VpcEndpoint(t),
                "NatGatewayId" => RouteTarget::NatGateway(t),
                "EgressOnlyInternetGatewayId" => RouteTarget::EgressOnlyInternetGateway(t),
                // Every other target is a path the validator cannot see past.
                _ => RouteTarget::Transit(t),
            };
            break;
        }
        let state = match self.opt_str(m, "State", p)? {
            Some("blackhole") => RouteState::Blackhole,
            _ => RouteState::Active,
        };
        // `Origin`: absent or unknown values are static routes (`CreateRoute`),
        // the kind that wins ties, as AWS prints every route it did not
        // propagate.
        let origin = self
            .opt_str(m, "Origin", p)?
            .map_or(RouteOrigin::CreateRoute, |o| {
                lookup(o, ROUTE_ORIGINS).unwrap_or(RouteOrigin::CreateRoute)
            });
        Ok(Some(Route {
            destination,
            target,
            state,
            origin,
        }))
    }

    fn endpoint<'t, V: Tree<'t>>(&self, id: &str, m: V, p: &P<'_>) -> R<VpcEndpoint> {
        use VpcEndpointKind as K;
        let kind = lookup_any_case(
            Some(self.req_str(m, "VpcEndpointType", p)?),
            &[("interface", K::Interface), ("gateway", K::Gateway)],
            K::Other,
        );
        let state = lookup_any_case(
            self.opt_str(m, "State", p)?,
            &[("available", EndpointState::Available)],
            EndpointState::NotAvailable,
        );
        let security_group_ids = self.each_str(m, "Groups", "GroupId", p)?;
        let ip_type = lookup_any_case(
            self.opt_str(m, "IpAddressType", p)?,
            &[
                ("dualstack", EndpointIpType::Dualstack),
                ("ipv6", EndpointIpType::Ipv6),
            ],
            EndpointIpType::Ipv4,
        );
        // Fields in the order they were always read, so that the first bad one
        // is the one reported.
        let vpc_id = self.req_str(m, "VpcId", p)?.to_owned();
        let service_name = self.req_str(m, "ServiceName", p)?.to_owned();
        let private_dns =
            PrivateDns::from_flag(self.opt_bool(m, "PrivateDnsEnabled", p)?.unwrap_or(false));
        let subnet_ids = self.strs(m, "SubnetIds", p)?;
        let route_table_ids = self.strs(m, "RouteTableIds", p)?;
        let service_region = self.opt_owned(m, "ServiceRegion", p)?;
        // `DnsOptions`: the record types of its private DNS and whether that
        // DNS answers only through inbound Resolver endpoints.
        let (mut dns_record_ip_type, mut inbound_only) = (None, false);
        if let Some(o) = m.get("DnsOptions").filter(|o| o.val() != Val::Null) {
            let op = P::Field(p, "DnsOptions");
            let o = self.obj(o, &op)?;
            let field = "DnsRecordIpType";
            dns_record_ip_type = self
                .opt_str(o, field, &op)?
                .map(|s| {
                    self.one_of(
                        s,
                        DNS_RECORD_IP_TYPES,
                        DNS_RECORD_IP_TYPES_EXPECTED,
                        &P::Field(&op, field),
                    )
                })
                .transpose()?;
            inbound_only = self
                .opt_bool(o, "PrivateDnsOnlyForInboundResolverEndpoint", &op)?
                .unwrap_or(false);
        }
        Ok(VpcEndpoint {
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
            private_dns_scope: PrivateDnsScope::from_flag(inbound_only),
            policy_document: self.opt_owned(m, "PolicyDocument", p)?,
        })
    }

    fn security_group<'t, V: Tree<'t>>(&self, id: &str, m: V, p: &P<'_>) -> R<SecurityGroup> {
        let ingress = self.sg_rules(m, "IpPermissions", p)?;
        let egress = self.sg_rules(m, "IpPermissionsEgress", p)?;
        Ok(SecurityGroup {
            id: id.to_owned(),
            name: self
                .opt_str(m, "GroupName", p)?
                .unwrap_or_default()
                .to_owned(),
            vpc_id: self.opt_owned(m, "VpcId", p)?,
            ingress,
            egress,
        })
    }

    fn sg_rules<'t, V: Tree<'t>>(&self, m: V, key: &str, p: &P<'_>) -> R<Vec<SgRule>> {
        let mut out = Vec::new();
        self.each_obj(m, key, p, &mut |r, ip| {
            let protocol = self.protocol(r, "IpProtocol", ip)?;
            let ports = self.ports(protocol, r, ("FromPort", "ToPort"), ip)?;
            let mut cidrs = Vec::new();
            for (list, field) in [("IpRanges", "CidrIp"), ("Ipv6Ranges", "CidrIpv6")] {
                self.each_obj(r, list, ip, &mut |c, jp| {
                    cidrs.push(self.req_cidr(c, field, jp)?);
                    Ok(())
                })?;
            }
            out.push(SgRule {
                protocol,
                ports,
                cidrs,
                group_ids: self.each_str(r, "UserIdGroupPairs", "GroupId", ip)?,
                prefix_list_ids: self.each_str(r, "PrefixListIds", "PrefixListId", ip)?,
            });
            Ok(())
        })?;
        Ok(out)
    }

    fn network_acl<'t, V: Tree<'t>>(&self, id: &str, m: V, p: &P<'_>) -> R<NetworkAcl> {
        let subnet_ids = self.each_str(m, "Associations", "SubnetId", p)?;
        let mut entries = Vec::new();
        self.each_obj(m, "Entries", p, &mut |e, ip| {
            entries.push(self.acl_entry(e, ip)?);
            Ok(())
        })?;
        Ok(NetworkAcl {
            id: id.to_owned(),
            vpc_id: self.req_str(m, "VpcId", p)?.to_owned(),
            is_default: self.opt_bool(m, "IsDefault", p)?.unwrap_or(false),
            subnet_ids,
            entries,
        })
    }

    fn acl_entry<'t, V: Tree<'t>>(&self, m: V, p: &P<'_>) -> R<AclEntry> {
        let rule_number = match self.opt_int(m, "RuleNumber", p)? {
            // 1..=32768: fits.
            Some(n) if (1..=32768).contains(&n) => n as u32,
            Some(_) => {
                return Err(self.shape(
                    &P::Field(p, "RuleNumber"),
                    "a rule number from 1 to 32768 (32768: the IPv6 default rule)",
                    "a number outside it",
                ));
            }
            None => {
                return Err(self.shape(
                    &P::Field(p, "RuleNumber"),
                    "an integer (the field is required)",
                    "nothing",
                ));
            }
        };
        let direction = if self.req_bool(m, "Egress", "true or false (the field is required)", p)? {
            Direction::Egress
        } else {
            Direction::Ingress
        };
        let protocol = self.protocol(m, "Protocol", p)?;
        let action = self.req_str(m, "RuleAction", p)?;
        let actions = [("allow", RuleAction::Allow), ("deny", RuleAction::Deny)];
        let action = actions
            .iter()
            .find(|(name, _)| action.eq_ignore_ascii_case(name))
            .map(|&(_, a)| a)
            .ok_or_else(|| {
                self.shape(
                    &P::Field(p, "RuleAction"),
                    "\"allow\" or \"deny\"",
                    "another string",
                )
            })?;
        let cidr = match (
            self.opt_cidr(m, "CidrBlock", p)?,
            self.opt_cidr(m, "Ipv6CidrBlock", p)?,
        ) {
            (Some(c), _) | (None, Some(c)) => c,
            (None, None) => {
                return Err(self.shape(
                    &P::Field(p, "CidrBlock"),
                    "a CIDR in CidrBlock or Ipv6CidrBlock",
                    "neither",
                ));
            }
        };
        let ports = match m.get("PortRange") {
            Some(r) if protocol == Protocol::Tcp && r.val() == Val::Obj => {
                self.ports(protocol, r, ("From", "To"), &P::Field(p, "PortRange"))?
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

    fn nat_gateway<'t, V: Tree<'t>>(&self, id: &str, m: V, p: &P<'_>) -> R<NatGateway> {
        let state = lookup_any_case(
            self.opt_str(m, "State", p)?,
            &[("available", NatState::Available)],
            NatState::NotAvailable,
        );
        let connectivity = lookup_any_case(
            self.opt_str(m, "ConnectivityType", p)?,
            &[("private", NatConnectivity::Private)],
            NatConnectivity::Public,
        );
        Ok(NatGateway {
            id: id.to_owned(),
            vpc_id: self.opt_owned(m, "VpcId", p)?,
            subnet_id: self.req_str(m, "SubnetId", p)?.to_owned(),
            state,
            connectivity,
        })
    }

    fn internet_gateway<'t, V: Tree<'t>>(&self, id: &str, m: V, p: &P<'_>) -> R<InternetGateway> {
        let mut attached_vpc_ids = Vec::new();
        self.each_obj(m, "Attachments", p, &mut |a, ip| {
            let state = self.opt_str(a, "State", ip)?.unwrap_or("available");
            if matches!(state, "available" | "attached") {
                attached_vpc_ids.push(self.req_str(a, "VpcId", ip)?.to_owned());
            }
            Ok(())
        })?;
        Ok(InternetGateway {
            id: id.to_owned(),
            attached_vpc_ids,
        })
    }

    fn dhcp_options<'t, V: Tree<'t>>(&self, id: &str, m: V, p: &P<'_>) -> R<DhcpOptions> {
        let mut domain_name_servers = Vec::new();
        self.each_obj(m, "DhcpConfigurations", p, &mut |c, ip| {
            if self.req_str(c, "Key", ip)? == "domain-name-servers" {
                domain_name_servers.extend(self.each_str(c, "Values", "Value", ip)?);
            }
            Ok(())
        })?;
        Ok(DhcpOptions {
            id: id.to_owned(),
            domain_name_servers,
        })
    }

    fn bpa_exclusion<'t, V: Tree<'t>>(&self, id: &str, m: V, p: &P<'_>) -> R<BpaExclusion> {
        let field = "InternetGatewayExclusionMode";
        let mode = self.one_of(
            self.req_str(m, field, p)?,
            BPA_EXCLUSION_MODES,
            BPA_EXCLUSION_MODES_EXPECTED,
            &P::Field(p, field),
        )?;
        let scope = bpa_exclusion_scope(self.req_str(m, "ResourceArn", p)?).ok_or_else(|| {
            self.shape(
                &P::Field(p, "ResourceArn"),
                BPA_EXCLUSION_ARN,
                "another string",
            )
        })?;
        let state = exclusion_state(self.req_str(m, "State", p)?);
        Ok(BpaExclusion {
            id: id.to_owned(),
            mode,
            scope,
            state,
        })
    }

    /// One prefix of ip-ranges.json: `prefixes[]` (`v6` false: `ip_prefix`, an
    /// IPv4 CIDR) or `ipv6_prefixes[]` (`ipv6_prefix`, an IPv6 CIDR).
    fn ip_range<'t, V: Tree<'t>>(&self, v6: bool, m: V, p: &P<'_>) -> R<IpRange> {
        let field = if v6 { "ipv6_prefix" } else { "ip_prefix" };
        let cidr = self.req_cidr(m, field, p)?;
        if matches!(cidr, Cidr::V6(_)) != v6 {
            let (expected, found) = if v6 {
                ("an IPv6 CIDR such as 2600:1f14::/35", "an IPv4 CIDR")
            } else {
                ("an IPv4 CIDR such as 3.5.140.0/22", "an IPv6 CIDR")
            };
            return Err(self.shape(&P::Field(p, field), expected, found));
        }
        Ok(IpRange {
            cidr,
            region: self.req_str(m, "region", p)?.to_owned(),
            service: self.req_str(m, "service", p)?.to_owned(),
        })
    }
}
