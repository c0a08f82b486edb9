//! Reading an endpoint policy document into a [`Policy`] that borrows its
//! strings from the JSON tree (no copies: the module is in the browser
//! page, where code and allocations cost).
//!
//! The text is read by core's JSON reader ([`crate::json`]: syntax errors
//! with their position; a document nested 128 levels deep or more is
//! refused before anything recurses into it), so a malformed policy is a
//! [`PolicyError`] and never a panic or a stack overflow.

use crate::json::{Document, MAX_NESTING, Val, Value};
use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// A parsed endpoint policy, its strings borrowed from the document's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Policy<'t> {
    /// The policy language version.
    pub(crate) version: Version,
    /// The statements, in document order.
    pub(crate) statements: Vec<Statement<'t>>,
}

/// The policy language version (`Version`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    /// `2008-10-17`, also what a policy without `Version` is read as:
    /// `${…}` is plain text there.
    V2008,
    /// `2012-10-17`: `${…}` in `Resource` and condition values is a policy
    /// variable.
    V2012,
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    /// `"Effect": "Allow"`.
    Allow,
    /// `"Effect": "Deny"`.
    Deny,
}

/// One statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Statement<'t> {
    /// `Sid`, when there is one.
    pub(crate) sid: Option<&'t str>,
    /// `Effect`.
    pub(crate) effect: Effect,
    /// `Principal` or `NotPrincipal`.
    pub(crate) principal: Principals<'t>,
    /// `Action` or `NotAction`.
    pub(crate) action: Patterns<'t>,
    /// `Resource` or `NotResource`.
    pub(crate) resource: Patterns<'t>,
    /// `Condition`: every entry must hold.
    pub(crate) conditions: Vec<Condition<'t>>,
}

/// `Action`/`NotAction` or `Resource`/`NotResource`: patterns with `*` and
/// `?`, one of which must match (or, negated, none of which may).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Patterns<'t> {
    /// `NotAction` / `NotResource`.
    pub(crate) negated: bool,
    /// The patterns as written.
    pub(crate) patterns: Vec<&'t str>,
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Principals<'t> {
    /// `NotPrincipal`.
    pub(crate) negated: bool,
    /// The principals listed.
    pub(crate) entries: Vec<Principal<'t>>,
}

/// One principal of a `Principal` element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Principal<'t> {
    /// `"Principal": "*"`: everyone.
    Anyone,
    /// `{"AWS": …}`: `*`, an account id, or an ARN.
    Aws(&'t str),
    /// `{"Service": …}`, `{"Federated": …}`, `{"CanonicalUser": …}`: never
    /// the runner, which calls with an IAM role's credentials.
    Other,
}

/// One test of a `Condition` block: `{operator: {key: values}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Condition<'t> {
    /// The operator as written (`StringEquals`, `ForAnyValue:StringLike`, …).
    pub(crate) operator: &'t str,
    /// The condition key as written (`aws:SourceVpc`; compared without
    /// regard to case).
    pub(crate) key: &'t str,
    /// The values (numbers and booleans as their JSON text).
    pub(crate) values: Vec<&'t str>,
}

/// Why a policy document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyError {
    /// Not JSON.
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column, in bytes.
        column: usize,
        /// What was expected and what was found.
        message: String,
    },
    /// JSON nested too deep to be read (128 levels or more).
    Refused {
        /// What is wrong.
        message: &'static str,
    },
    /// Well-formed JSON, but not an object.
    NotAnObject {
        /// What it is: "an array", "a string", …
        found: &'static str,
    },
    /// An element is missing, unknown or of the wrong shape.
    Element {
        /// Where: `Statement[1].Effect`.
        path: String,
        /// What is wrong there.
        problem: Problem,
    },
}

/// What is wrong with one element of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The element is required and absent (named).
    Missing(&'static str),
    /// Not an element of an IAM policy (element names are case-sensitive).
    Unknown,
    /// Two elements that exclude each other (`Action` and `NotAction`).
    Conflict(&'static str, &'static str),
    /// A value of the wrong type: what was expected, what was found.
    Expected(&'static str, &'static str),
    /// A `Version` other than `2008-10-17` and `2012-10-17`.
    Version(String),
    /// An `Effect` other than `Allow` and `Deny`.
    Effect(String),
    /// A `Principal` string other than `*`.
    PrincipalString(String),
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyError::Syntax {
                line,
                column,
                message,
            } => write!(
                f,
                "the policy document is not valid JSON: {message} at line {line} column {column}"
            ),
            PolicyError::Refused { message } => {
                write!(f, "the policy document is not valid JSON: {message}")
            }
            PolicyError::NotAnObject { found } => write!(
                f,
                "the policy document is {found}; expected a JSON object with a Statement element"
            ),
            PolicyError::Element { path, problem } => {
                let q = crate::vpc::input::Quoted;
                match problem {
                    Problem::Missing(what) => write!(f, "{path}: expected {what}, found none"),
                    Problem::Unknown => write!(
                        f,
                        "{path}: not an element of an IAM policy (element names are case-sensitive)"
                    ),
                    Problem::Conflict(a, b) => {
                        write!(
                            f,
                            "{path}: has both {a} and {b}; a statement has one of them"
                        )
                    }
                    Problem::Expected(what, found) => {
                        write!(f, "{path}: expected {what}, found {found}")
                    }
                    Problem::Version(v) => write!(
                        f,
                        "{path}: expected \"2012-10-17\" or \"2008-10-17\", found {}",
                        q(v)
                    ),
                    Problem::Effect(v) => {
                        write!(f, "{path}: expected \"Allow\" or \"Deny\", found {}", q(v))
                    }
                    Problem::PrincipalString(v) => write!(
                        f,
                        "{path}: expected \"*\" or an object such as {{\"AWS\": …}}, found {}",
                        q(v)
                    ),
                }
            }
        }
    }
}

impl core::error::Error for PolicyError {}

/// The default endpoint policy, attached when none is given: full access.
/// (vpc/latest/privatelink/vpc-endpoints-access.html, "Default endpoint
/// policy".)
pub const DEFAULT_POLICY: &str =
    r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;

/// Reads `text` as a JSON document and calls `f` with its tree.
pub(super) fn with_tree<T>(
    text: &str,
    f: impl for<'t> FnOnce(Value<'t>) -> Result<T, PolicyError>,
) -> Result<T, PolicyError> {
    let doc = Document::parse(text).map_err(|e| {
        let (line, column) = e.line_column(text);
        PolicyError::Syntax {
            line,
            column,
            message: e.message(text),
        }
    })?;
    let root = doc.root();
    if root.val() != Val::Obj {
        return Err(PolicyError::NotAnObject { found: root.kind() });
    }
    if root.nests_too_deep() {
        const _: () = assert!(MAX_NESTING == 128, "the message names the limit");
        return Err(PolicyError::Refused {
            message: "nested 128 levels deep or more",
        });
    }
    f(root)
}

/// A member name inside a path: as written when it is plain printable
/// ASCII, else quoted with escapes (a control character in a key must not
/// reach a terminal as is).
struct Name<'a>(&'a str);

impl fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plain = !self.0.is_empty()
            && self
                .0
                .bytes()
                .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'\\' | b'.' | b'[' | b']'));
        if plain {
            f.write_str(self.0)
        } else {
            crate::vpc::input::Quoted(self.0).fmt(f)
        }
    }
}

/// A JSON path, on the stack, printed only when an error needs it.
#[derive(Clone, Copy)]
enum P<'a> {
    /// The document itself.
    Root,
    /// A member of an object.
    Field(&'a P<'a>, &'a str),
    /// An element of an array.
    Index(&'a P<'a>, usize),
}

impl fmt::Display for P<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            P::Root => f.write_str("(policy)"),
            P::Field(P::Root, k) => Name(k).fmt(f),
            P::Field(p, k) => write!(f, "{p}.{}", Name(k)),
            P::Index(p, i) => write!(f, "{p}[{i}]"),
        }
    }
}

/// A reading error, boxed: a result stays two words wide, and `?` moves no
/// more (the whole error in every `Result` cost the page's module code).
struct Bad(Box<PolicyError>);

type R<T> = Result<T, Bad>;

#[cold]
fn element(path: &P<'_>, problem: Problem) -> Bad {
    Bad(Box::new(PolicyError::Element {
        path: format!("{path}"),
        problem,
    }))
}

fn expected(path: &P<'_>, what: &'static str, v: Value<'_>) -> Bad {
    element(path, Problem::Expected(what, v.kind()))
}

fn string<'t>(path: &P<'_>, v: Value<'t>) -> R<&'t str> {
    match v.val() {
        Val::Str(s) => Ok(s),
        _ => Err(expected(path, "a string", v)),
    }
}

/// A string or an array of strings (IAM allows both for most elements).
fn strings<'t>(path: &P<'_>, v: Value<'t>) -> R<Vec<&'t str>> {
    match v.val() {
        Val::Str(s) => Ok(alloc::vec![s]),
        Val::Arr => {
            let mut out = Vec::new();
            for (i, item) in v.children().enumerate() {
                out.push(string(&P::Index(path, i), item)?);
            }
            Ok(out)
        }
        _ => Err(expected(path, "a string or an array of strings", v)),
    }
}

/// Reads a policy from its document's tree.
pub(crate) fn read_policy(root: Value<'_>) -> Result<Policy<'_>, PolicyError> {
    policy(root).map_err(|e| *e.0)
}

fn policy(root: Value<'_>) -> R<Policy<'_>> {
    let mut version = None;
    let mut statement = None;
    for member in root.children() {
        let path = P::Field(&P::Root, member.key());
        match member.key() {
            "Version" => {
                let v = string(&path, member)?;
                version = Some(match v {
                    "2012-10-17" => Version::V2012,
                    "2008-10-17" => Version::V2008,
                    _ => return Err(element(&path, Problem::Version(v.to_owned()))),
                });
            }
            "Id" => {
                string(&path, member)?;
            }
            "Statement" => statement = Some(member),
            _ => return Err(element(&path, Problem::Unknown)),
        }
    }
    let statement = statement.ok_or_else(|| element(&P::Root, Problem::Missing("Statement")))?;
    let path = P::Field(&P::Root, "Statement");
    let statements = match statement.val() {
        Val::Obj => alloc::vec![read_statement(&path, statement)?],
        Val::Arr => {
            let mut out = Vec::new();
            for (i, s) in statement.children().enumerate() {
                out.push(read_statement(&P::Index(&path, i), s)?);
            }
            out
        }
        _ => {
            return Err(expected(
                &path,
                "an object or an array of objects",
                statement,
            ));
        }
    };
    Ok(Policy {
        version: version.unwrap_or(Version::V2008),
        statements,
    })
}

/// Keeps the one of a pair of exclusive elements that is present.
fn one_of<'t>(
    path: &P<'_>,
    (a, b): (&'static str, &'static str),
    pos: Option<Value<'t>>,
    neg: Option<Value<'t>>,
) -> R<(bool, Value<'t>)> {
    match (pos, neg) {
        (Some(v), None) => Ok((false, v)),
        (None, Some(v)) => Ok((true, v)),
        (Some(_), Some(_)) => Err(element(path, Problem::Conflict(a, b))),
        (None, None) => Err(element(path, Problem::Missing(a))),
    }
}

fn read_statement<'t>(path: &P<'_>, v: Value<'t>) -> R<Statement<'t>> {
    if v.val() != Val::Obj {
        return Err(expected(path, "an object", v));
    }
    let mut sid = None;
    let mut effect = None;
    let (mut principal, mut not_principal) = (None, None);
    let (mut action, mut not_action) = (None, None);
    let (mut resource, mut not_resource) = (None, None);
    let mut condition = None;
    for m in v.children() {
        let slot = match m.key() {
            "Sid" => {
                sid = Some(string(&P::Field(path, "Sid"), m)?);
                continue;
            }
            "Effect" => &mut effect,
            "Principal" => &mut principal,
            "NotPrincipal" => &mut not_principal,
            "Action" => &mut action,
            "NotAction" => &mut not_action,
            "Resource" => &mut resource,
            "NotResource" => &mut not_resource,
            "Condition" => &mut condition,
            other => return Err(element(&P::Field(path, other), Problem::Unknown)),
        };
        *slot = Some(m);
    }
    let effect = match effect {
        None => return Err(element(path, Problem::Missing("Effect"))),
        Some(e) => {
            let at = P::Field(path, "Effect");
            match string(&at, e)? {
                "Allow" => Effect::Allow,
                "Deny" => Effect::Deny,
                other => return Err(element(&at, Problem::Effect(other.to_owned()))),
            }
        }
    };
    // An endpoint policy "must contain a Principal element"
    // (vpc/latest/privatelink/vpc-endpoints-access.html, Considerations).
    let (negated, p) = one_of(
        path,
        ("Principal", "NotPrincipal"),
        principal,
        not_principal,
    )?;
    let principal = Principals {
        negated,
        entries: read_principals(
            &P::Field(path, if negated { "NotPrincipal" } else { "Principal" }),
            p,
        )?,
    };
    // "Statements must include either an Action or NotAction element" and
    // "either a Resource or a NotResource element"
    // (IAM/latest/UserGuide/reference_policies_elements_action.html, _resource.html).
    let action = read_patterns(path, ("Action", "NotAction"), action, not_action)?;
    let resource = read_patterns(path, ("Resource", "NotResource"), resource, not_resource)?;
    let conditions = match condition {
        None => Vec::new(),
        Some(c) => read_conditions(&P::Field(path, "Condition"), c)?,
    };
    Ok(Statement {
        sid,
        effect,
        principal,
        action,
        resource,
        conditions,
    })
}

/// `Action`/`NotAction` or `Resource`/`NotResource` (`names`), one of
/// them present.
fn read_patterns<'t>(
    path: &P<'_>,
    names: (&'static str, &'static str),
    pos: Option<Value<'t>>,
    neg: Option<Value<'t>>,
) -> R<Patterns<'t>> {
    let (negated, v) = one_of(path, names, pos, neg)?;
    let name = if negated { names.1 } else { names.0 };
    Ok(Patterns {
        negated,
        patterns: strings(&P::Field(path, name), v)?,
    })
}

fn read_principals<'t>(path: &P<'_>, v: Value<'t>) -> R<Vec<Principal<'t>>> {
    match v.val() {
        Val::Str("*") => Ok(alloc::vec![Principal::Anyone]),
        Val::Str(s) => Err(element(path, Problem::PrincipalString(String::from(s)))),
        Val::Obj => {
            let mut out = Vec::new();
            for m in v.children() {
                let at = P::Field(path, m.key());
                let aws = match m.key() {
                    "AWS" => true,
                    "Service" | "Federated" | "CanonicalUser" => false,
                    _ => return Err(element(&at, Problem::Unknown)),
                };
                for p in strings(&at, m)? {
                    out.push(if aws {
                        Principal::Aws(p)
                    } else {
                        Principal::Other
                    });
                }
            }
            Ok(out)
        }
        _ => Err(expected(path, "\"*\" or an object such as {\"AWS\": …}", v)),
    }
}

/// A condition value: strings, numbers and booleans, as text.
fn condition_value<'t>(path: &P<'_>, v: Value<'t>) -> R<&'t str> {
    match v.val() {
        Val::Str(s) => Ok(s),
        Val::Num(n) => Ok(n),
        Val::Bool(b) => Ok(if b { "true" } else { "false" }),
        _ => Err(expected(path, "a string, a number or a boolean", v)),
    }
}

fn read_conditions<'t>(path: &P<'_>, v: Value<'t>) -> R<Vec<Condition<'t>>> {
    if v.val() != Val::Obj {
        return Err(expected(
            path,
            "an object such as {\"StringEquals\": {…}}",
            v,
        ));
    }
    let mut out = Vec::new();
    for op in v.children() {
        let op_path = P::Field(path, op.key());
        if op.val() != Val::Obj {
            return Err(expected(
                &op_path,
                "an object such as {\"aws:SourceVpc\": \"vpc-…\"}",
                op,
            ));
        }
        for key in op.children() {
            let key_path = P::Field(&op_path, key.key());
            let mut values = Vec::new();
            match key.val() {
                Val::Arr => {
                    for (i, item) in key.children().enumerate() {
                        values.push(condition_value(&P::Index(&key_path, i), item)?);
                    }
                }
                _ => values.push(condition_value(&key_path, key)?),
            }
            out.push(Condition {
                operator: op.key(),
                key: key.key(),
                values,
            });
        }
    }
    Ok(out)
}
