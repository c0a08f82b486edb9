//! Findings shared by every path: what is missing from the input, what is
//! referenced but not described, and the report-level list without repeats.
//!
//! Guarantees: a finding about missing input names the command that would
//! settle it, with the region (and the VPC or list) filled in; the
//! report-level list keeps each (code, resource, fix) once, at its most
//! severe, errors first.
//!
//! Not done here: deciding anything.

use super::index::IdIndex;
use super::{Ctx, input};
use crate::commands::{Fix, shell_quote};
use crate::report::{Finding, FindingCode, Severity};
use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

pub(super) fn missing_doc_finding(key: &str, command: &str) -> Finding {
    Finding {
        code: FindingCode::MissingInput,
        severity: Severity::Warning,
        resource: key.to_owned(),
        message: format!(
            "The {command} output was not given: the verdicts that depend on it are unknown. Add the output of: {command}"
        ),
        fix: Some(format!("{command} > {}.json", key.to_ascii_lowercase())),
        remedies: Vec::new(),
    }
}

pub(crate) fn dangling_finding(id: &str, referenced_by: &str, command: &str) -> Finding {
    Finding {
        code: FindingCode::MissingInput,
        severity: Severity::Warning,
        resource: id.to_owned(),
        message: format!(
            "{id} is referenced by {referenced_by} but is not in the input: the verdicts that depend on it are unknown. Describe it with: {command}"
        ),
        fix: Some(command.to_owned()),
        remedies: Vec::new(),
    }
}

impl<'a> Ctx<'a> {
    /// Whether network ACL `acl_id` has an entry numbered `n` in that
    /// direction.
    pub(super) fn acl_entry_exists(&self, acl_id: &str, egress: bool, n: u32) -> bool {
        self.input.network_acls.items.iter().any(|a| {
            a.id == acl_id
                && a.entries.iter().any(|e| {
                    e.rule_number == n && (e.direction == super::Direction::Egress) == egress
                })
        })
    }

    fn command_of(key: &str) -> &'static str {
        input::KNOWN_KEYS
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("aws ec2 describe-…", |(_, c)| c)
    }

    /// A whole describe-* document that was not given.
    pub(super) fn missing(&self, key: &str) -> Finding {
        missing_doc_finding(
            key,
            &format!("{} --region {}", Self::command_of(key), self.region),
        )
    }

    /// A missing describe-vpc-attribute document of one VPC.
    pub(super) fn missing_attribute(&self, key: &str, vpc_id: &str) -> Finding {
        missing_doc_finding(
            key,
            &format!(
                "{} --region {} --vpc-id {}",
                Self::command_of(key),
                self.region,
                shell_quote(vpc_id)
            ),
        )
    }

    /// A prefix list whose entries were not given, named by what uses it.
    pub(super) fn prefix_list_unknown(&self, pl: &str, used_by: &str) -> Finding {
        let command = crate::commands::prefix_list_entries_command(pl, &self.region);
        Finding {
            code: FindingCode::MissingInput,
            severity: Severity::Warning,
            resource: pl.to_owned(),
            message: format!(
                "{used_by} uses prefix list {}, whose entries were not given: what it matches is unknown. Add its entries: {command}",
                super::input::Quoted(pl)
            ),
            fix: Some(command),
            remedies: Vec::new(),
        }
    }

    /// A comment-only fix.
    pub(super) fn comment(&self, text: String) -> Option<String> {
        self.fix(&Fix::Comment(text))
    }
}

/// Findings without repeats (same code, resource and fix: the most severe
/// kept, at the place of the first), errors first, then warnings, then
/// infos, each in order of first appearance.
pub(super) fn dedup_by_severity(all: Vec<Finding>) -> Vec<Finding> {
    // Findings with the same resource are chained; thousands of paths stay
    // linear.
    let mut by_resource = IdIndex::with_capacity(all.len());
    for (i, f) in all.iter().enumerate() {
        by_resource.insert_first(&f.resource, i as u32);
    }
    let mut next_same_resource: Vec<u32> = vec![u32::MAX; all.len()];
    let mut last_of_chain: Vec<u32> = vec![u32::MAX; all.len()];
    let mut keep: Vec<Option<Severity>> = vec![None; all.len()];
    for (i, f) in all.iter().enumerate() {
        let head = by_resource
            .get(&f.resource)
            .expect("every resource was indexed above") as usize;
        // Walk the chain of earlier findings of this resource.
        let mut k = head;
        let mut dup = None;
        while k < i {
            if all[k].code == f.code && all[k].fix == f.fix && keep[k].is_some() {
                dup = Some(k);
                break;
            }
            k = next_same_resource[k] as usize;
        }
        match dup {
            Some(k) => keep[k] = keep[k].map(|s| s.min(f.severity)),
            None => {
                keep[i] = Some(f.severity);
                if i != head {
                    let tail = last_of_chain[head] as usize;
                    next_same_resource[tail] = i as u32;
                }
                last_of_chain[head] = i as u32;
            }
        }
    }
    let rank = |s: Severity| match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    };
    let mut kept: Vec<Finding> = Vec::new();
    for r in 0..3 {
        for (f, severity) in all.iter().zip(&keep) {
            if let Some(sev) = severity
                && rank(*sev) == r
            {
                kept.push(Finding {
                    severity: *sev,
                    ..f.clone()
                });
            }
        }
    }
    kept
}

/// What the report says of a document it did not read.
pub(super) fn skipped_finding(d: &crate::vpc::model::SkippedDocument) -> Finding {
    let (code, message) = match &d.reason {
        crate::vpc::model::SkipReason::Empty => (
            FindingCode::MissingInput,
            format!(
                "{} is empty: the command that wrote it failed, or wrote nothing; whatever it should hold counts as not given (run it again, see netready validate --collect)",
                d.name
            ),
        ),
        crate::vpc::model::SkipReason::OtherOutput { key } => (
            FindingCode::DocumentIgnored,
            format!(
                "{} holds {key}: output of an AWS command the validator does not read; skipped",
                d.name
            ),
        ),
    };
    Finding {
        code,
        severity: Severity::Info,
        resource: d.name.clone(),
        message,
        fix: None,
        remedies: Vec::new(),
    }
}
