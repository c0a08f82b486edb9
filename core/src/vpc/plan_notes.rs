//! What a Terraform plan leaves open, in the report: the
//! [`PlanNote`]s the plan reader ([`super::input::plan`]) left in the
//! model become findings, and the verdicts that depend on a value known
//! only after apply become unknown.
//!
//! Guarantees:
//! * a value known only after apply (`unknown-until-apply`, warning) makes
//!   unknown every reachable verdict of a path that depends on its
//!   resource: the path crosses it, or it is the subnet, the subnet's VPC,
//!   route table or network ACL; an unreachable verdict becomes unknown
//!   only when the failure could come from the unknown value (a finding
//!   names the resource, or the resource is the subnet or its VPC), so
//!   that unknown never hides a failure the rest decides;
//! * a guessed instance (`plan-reference-guessed`, info) is a report-level
//!   finding naming the instance taken;
//! * the `subnets` and `security_groups` options accept a plan's resource
//!   addresses (`module.vpc.aws_subnet.private[0]`) as well as ids.
//!
//! Not done here: reading the plan, or deciding any verdict (the
//! evaluation does, on the model with placeholders).

use super::ValidateOptions;
use super::model::{PlanNote, PlanNoteKind, VpcInput};
use crate::report::{Finding, FindingCode, Reachability, Report, Severity};
use crate::rules::overall_status;
use alloc::borrow::Cow;
use alloc::format;
use alloc::vec::Vec;

/// `options` with every subnet and security group given as a plan's
/// resource address replaced by its id in the model.
pub(super) fn with_ids<'o>(
    input: &VpcInput,
    options: &'o ValidateOptions,
) -> Cow<'o, ValidateOptions> {
    if input.plan_addresses.is_empty() {
        return Cow::Borrowed(options);
    }
    let id_of = |s: &alloc::string::String| {
        input
            .plan_addresses
            .iter()
            .find(|(a, _)| a == s)
            .map_or_else(|| s.clone(), |(_, id)| id.clone())
    };
    let mut o = options.clone();
    o.subnets = o.subnets.iter().map(id_of).collect();
    o.security_groups = o.security_groups.iter().map(id_of).collect();
    Cow::Owned(o)
}

fn finding(note: &PlanNote) -> Finding {
    let (code, severity, message) = match &note.kind {
        PlanNoteKind::Guessed { target } => (
            FindingCode::PlanReferenceGuessed,
            Severity::Info,
            format!(
                "{}: {} refers to a resource with count or for_each without saying which instance; {target} was taken (the instance with the same index, else the first): check the plan means it",
                note.address, note.attribute
            ),
        ),
        _ => (
            FindingCode::UnknownUntilApply,
            Severity::Warning,
            format!(
                "{}: {} is known only after terraform apply, and the verdicts that depend on it are unknown; validate again after apply (describe-* of the VPC), or give the value in the configuration",
                note.address, note.attribute
            ),
        ),
    };
    Finding {
        code,
        severity,
        resource: note.address.clone(),
        message,
        fix: None,
        remedies: Vec::new(),
    }
}

/// The report with the plan's notes applied (see the module's guarantees).
pub(super) fn settle(input: &VpcInput, options: &ValidateOptions, report: &mut Report) {
    if input.plan_notes.is_empty() {
        return;
    }
    for note in &input.plan_notes {
        let f = finding(note);
        if note.kind == PlanNoteKind::UnknownUntilApply {
            let r = note.resource.as_str();
            for s in &mut report.subnets {
                let subnet = input.subnets.items.iter().find(|x| x.id == s.subnet_id);
                let own = s.subnet_id == r || subnet.is_some_and(|x| x.vpc_id == r);
                let around = own
                    || input
                        .route_tables
                        .items
                        .iter()
                        .any(|t| t.id == r && t.subnet_ids.contains(&s.subnet_id))
                    || input
                        .network_acls
                        .items
                        .iter()
                        .any(|a| a.id == r && a.subnet_ids.contains(&s.subnet_id));
                let mut changed = false;
                for e in &mut s.endpoints {
                    let explained = e.findings.iter().any(|x| x.resource == r);
                    if !(around || explained || e.path.iter().any(|x| x == r)) {
                        continue;
                    }
                    match e.reachable {
                        Reachability::Reachable => e.reachable = Reachability::Unknown,
                        Reachability::Unreachable if explained || own => {
                            e.reachable = Reachability::Unknown;
                            e.failure = None;
                        }
                        _ => {}
                    }
                    if !e.findings.contains(&f) {
                        e.findings.push(f.clone());
                    }
                    changed = true;
                }
                if changed {
                    s.status = overall_status(s.endpoints.iter().map(|e| e.reachable));
                }
            }
        }
        if !report.findings.contains(&f) {
            report.findings.push(f);
        }
    }
    report.status = crate::rules::vpc_status(
        &report.subnets.iter().map(|s| s.status).collect::<Vec<_>>(),
        options.subnet_choice(),
    );
}
