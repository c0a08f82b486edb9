//! The fix for an endpoint policy that denies the runner implicitly: the
//! existing policy with one statement added, which allows exactly the
//! calls no statement allows.

use super::document::{DEFAULT_POLICY, PolicyError, with_tree};
use super::eval::{Decision, DeniedBy, StatementRef};
use super::json::{json_string, write_hcl, write_json};
use super::{Check, Verdict};
use crate::json::{Val, Value};
use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// A policy that lets the runner's calls through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFix {
    /// The statement added, as compact JSON.
    pub statement: String,
    /// The whole policy, as compact JSON: the value of `aws ec2
    /// modify-vpc-endpoint --policy-document` (to be quoted for the shell).
    pub document: String,
}

impl PolicyFix {
    /// The same policy as Terraform: `policy = jsonencode({…})` for the
    /// `aws_vpc_endpoint` resource (written on demand: a build that never
    /// asks, such as the browser page, holds no HCL writer).
    pub fn terraform(&self) -> String {
        let mut out = "policy = jsonencode(".to_owned();
        // `document` is JSON this module wrote; reading it back cannot
        // fail, and if it did the snippet would say so rather than panic.
        if with_tree(&self.document, |root| {
            write_hcl(root, 0, &mut out);
            Ok(())
        })
        .is_err()
        {
            return String::from("# the fixed policy could not be read back");
        }
        out.push(')');
        out
    }
}

/// Why [`fix`] has no policy to offer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoFix {
    /// No call is denied.
    NotDenied,
    /// A `Deny` statement applies: an added `Allow` cannot override it; the
    /// statement itself must change.
    ExplicitDeny(StatementRef),
    /// The policy does not parse.
    Malformed(PolicyError),
}

impl fmt::Display for NoFix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoFix::NotDenied => f.write_str("no call is denied"),
            NoFix::ExplicitDeny(s) => write!(
                f,
                "{s} denies explicitly: an added Allow cannot override a Deny; change that statement"
            ),
            NoFix::Malformed(e) => e.fmt(f),
        }
    }
}

/// Adds `item` to `list` unless it is there.
fn once<'a>(list: &mut Vec<&'a str>, item: &'a str) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// A string, or an array of them when there are several (IAM takes both).
fn strings(items: &[&str], out: &mut String) {
    if let [one] = items {
        json_string(one, out);
        return;
    }
    out.push('[');
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json_string(s, out);
    }
    out.push(']');
}

/// Whether a statement of the statement element (one object or an array
/// of them) has `Sid` `sid`.
fn has_sid(statement: Value<'_>, sid: &str) -> bool {
    let one = |s: Value<'_>| matches!(s.get("Sid").map(|v| v.val()), Some(Val::Str(x)) if x == sid);
    match statement.val() {
        Val::Arr => statement.children().any(one),
        _ => one(statement),
    }
}

/// The endpoint's policy (`document`, as given to [`super::check`]) with one
/// `Allow` statement added for every call `check` found denied for want of
/// an `Allow`, with `Principal` `"*"` and the calls' actions and resources
/// (their unknown parts as `*`).
pub fn fix(document: Option<&str>, check: &Check) -> Result<PolicyFix, NoFix> {
    let (mut actions, mut resources) = (Vec::new(), Vec::new());
    for c in &check.calls {
        match &c.decision {
            Decision::Denied(DeniedBy::Statement(s)) => return Err(NoFix::ExplicitDeny(s.clone())),
            Decision::Denied(DeniedBy::NoAllow) => {
                once(&mut actions, &c.fix_action);
                once(&mut resources, &c.fix_resource);
            }
            _ => {}
        }
    }
    if actions.is_empty() || !matches!(check.verdict, Verdict::Denies { .. }) {
        return Err(NoFix::NotDenied);
    }
    let text = document.unwrap_or(DEFAULT_POLICY);
    let document = with_tree(text, |root| {
        let existing = root.get("Statement");
        let mut sid = String::from("NetreadyRunner");
        let mut n = 1;
        while existing.is_some_and(|s| has_sid(s, &sid)) {
            n += 1;
            sid = format!("NetreadyRunner{n}");
        }
        let mut statement = String::from("{\"Sid\":");
        json_string(&sid, &mut statement);
        statement.push_str(",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":");
        strings(&actions, &mut statement);
        statement.push_str(",\"Resource\":");
        strings(&resources, &mut statement);
        statement.push('}');

        let mut out = String::with_capacity(text.len() + statement.len() + 16);
        out.push('{');
        let mut first = true;
        let mut comma = |out: &mut String| {
            if !first {
                out.push(',');
            }
            first = false;
        };
        for m in root.children() {
            // A repeated Statement counts once, as read: the last.
            if m.key() == "Statement" {
                continue;
            }
            comma(&mut out);
            json_string(m.key(), &mut out);
            out.push(':');
            write_json(m, &mut out);
        }
        comma(&mut out);
        out.push_str("\"Statement\":[");
        match existing {
            Some(s) if s.val() == Val::Arr => {
                for item in s.children() {
                    write_json(item, &mut out);
                    out.push(',');
                }
            }
            Some(s) => {
                write_json(s, &mut out);
                out.push(',');
            }
            None => {}
        }
        out.push_str(&statement);
        out.push_str("]}");
        Ok((statement, out))
    })
    .map_err(NoFix::Malformed)?;
    let (statement, document) = document;
    Ok(PolicyFix {
        statement,
        document,
    })
}
