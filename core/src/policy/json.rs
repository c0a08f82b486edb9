//! Printing a policy back: compact JSON (for `--policy-document`) and
//! Terraform's HCL (for `policy = jsonencode(…)`), from the tree the
//! policy was read into, so every element is kept as written (numbers as
//! their text, members in their order).
//!
//! Recursion is bounded: the policy reader refuses a document nested 128
//! levels deep or more before anything is printed.

use crate::iac::hcl_string;
use crate::json::{Val, Value};
use alloc::string::String;
use core::fmt::Write as _;

/// Appends `s` as a JSON string.
pub(super) fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends `v` as compact JSON.
pub(super) fn write_json(v: Value<'_>, out: &mut String) {
    match v.val() {
        Val::Null => out.push_str("null"),
        Val::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Val::Num(n) => out.push_str(n),
        Val::Str(s) => json_string(s, out),
        Val::Arr => {
            out.push('[');
            for (i, item) in v.children().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Val::Obj => {
            out.push('{');
            for (i, m) in v.children().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(m.key(), out);
                out.push(':');
                write_json(m, out);
            }
            out.push('}');
        }
    }
}

/// An object key: bare when it is an identifier HCL reads as a name.
fn hcl_key(k: &str, out: &mut String) {
    let mut bytes = k.bytes();
    let ident = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !matches!(k, "null" | "true" | "false");
    if ident {
        out.push_str(k);
    } else {
        hcl_string(k, out);
    }
}

fn newline(out: &mut String, indent: usize) {
    out.push('\n');
    for _ in 0..indent {
        out.push_str("  ");
    }
}

/// Appends `v` as an HCL expression, nested `indent` levels deep.
pub(super) fn write_hcl(v: Value<'_>, indent: usize, out: &mut String) {
    match v.val() {
        Val::Null => out.push_str("null"),
        Val::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Val::Num(n) => out.push_str(n),
        Val::Str(s) => hcl_string(s, out),
        Val::Arr => {
            if v.children().next().is_none() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for item in v.children() {
                newline(out, indent + 1);
                write_hcl(item, indent + 1, out);
                out.push(',');
            }
            newline(out, indent);
            out.push(']');
        }
        Val::Obj => {
            if v.children().next().is_none() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for m in v.children() {
                newline(out, indent + 1);
                hcl_key(m.key(), out);
                out.push_str(" = ");
                write_hcl(m, indent + 1, out);
            }
            newline(out, indent);
            out.push('}');
        }
    }
}
