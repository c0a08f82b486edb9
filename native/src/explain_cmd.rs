//! `netready explain --validate REPORT --probe REPORT [--subnet ID]`: the
//! validator's prediction beside the probe's observation, per endpoint,
//! with the likeliest causes of every difference.
//!
//! Guarantees: every verdict, difference, cause, piece of evidence and
//! command comes from [`netready_core::explain`]; this module reads the two
//! files and prints. Bad input is a usage error (exit 2) that names the
//! file and says why: not readable, not JSON (line and column), not a
//! `netready.report/v1` report, the wrong `kind` for its flag, a field of
//! the wrong shape (with serde's line and column), reports of different
//! regions, a probe report from another subnet than `--subnet`, no endpoint
//! in common. Otherwise the exit code is 0 when nothing differs and 1 when
//! something does (`not-comparable` endpoints count for neither).
//!
//! Not done here: any network access; any rule.

use crate::cli::{CliResult, UsageError};
use crate::validate_cmd::read_input;
use clap::ValueEnum;
use netready_core::explain::{self, EndpointComparison, Explanation, Side, Verdict};
use netready_core::report::{self, AccessType, Reachability, Report};
use std::io::Write;

/// Output formats of `netready explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// A table for people, then each difference with its causes.
    Table,
    /// The `netready.explain/v1` JSON document.
    Json,
}

/// Arguments of `netready explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The prediction: the JSON of `netready validate --format json`.
    #[arg(long = "validate", value_name = "REPORT")]
    pub validate: String,
    /// The observation: the JSON of `netready probe --format json`, run in the subnet.
    #[arg(long = "probe", value_name = "REPORT")]
    pub probe: String,
    /// The subnet the probe ran in (default: the probe report's own, from
    /// instance metadata; else the validate report's only subnet; else the
    /// only one in the probe's availability zone).
    #[arg(long, value_name = "ID")]
    pub subnet: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Table)]
    pub format: ExplainFormat,
}

/// Reads one report: a `netready.report/v1` JSON document of the kind
/// `side` wants. The errors name the file.
pub fn read_report(name: &str, side: Side) -> Result<Report, UsageError> {
    let text = read_input(name)?;
    parse_report(name, &text, side)
}

/// Parses one report's text (see [`read_report`]).
pub fn parse_report(name: &str, text: &str, side: Side) -> Result<Report, UsageError> {
    let (want, command) = match side {
        Side::Validate => ("validate", "netready validate --format json"),
        Side::Probe => ("probe", "netready probe --format json"),
    };
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        UsageError(format!(
            "{name}: not JSON (line {}, column {}): {e}; expected the output of {command}",
            e.line(),
            e.column()
        ))
    })?;
    match value.get("schema").and_then(|s| s.as_str()) {
        Some(report::SCHEMA) => {}
        Some(other) => {
            return Err(UsageError(format!(
                "{name}: schema is {other:?}, not {}: expected the output of {command}",
                report::SCHEMA
            )));
        }
        None => {
            return Err(UsageError(format!(
                "{name}: not a {} report (no \"schema\" field): expected the output of {command}",
                report::SCHEMA
            )));
        }
    }
    match value.get("kind").and_then(|k| k.as_str()) {
        Some(k) if k == want => {}
        Some(other) => {
            return Err(UsageError(format!(
                "{name}: kind is {other:?}, expected {want:?}: give the output of {command}"
            )));
        }
        None => {
            return Err(UsageError(format!(
                "{name}: no \"kind\" field: expected the output of {command}"
            )));
        }
    }
    // Read from the text again (not the Value): serde_json then says where.
    serde_json::from_str::<Report>(text).map_err(|e| {
        UsageError(format!(
            "{name}: line {}, column {}: {e}",
            e.line(),
            e.column()
        ))
    })
}

/// Everything `run` does except printing: reads, explains, renders.
pub fn execute(args: &ExplainArgs) -> Result<(Explanation, String), UsageError> {
    let validate = read_report(&args.validate, Side::Validate)?;
    let probe = read_report(&args.probe, Side::Probe)?;
    let explanation = explain::explain(&validate, &probe, args.subnet.as_deref())
        .map_err(|e| UsageError(format!("{} and {}: {e}", args.validate, args.probe)))?;
    let out = match args.format {
        ExplainFormat::Json => {
            let mut s = serde_json::to_string_pretty(&explanation)
                .expect("explanation JSON: plain structs always serialise");
            s.push('\n');
            s
        }
        ExplainFormat::Table => render_table(&explanation),
    };
    Ok((explanation, out))
}

/// The exit code of an explanation: 1 when something differs, else 0.
pub fn exit_code(e: &Explanation) -> u8 {
    u8::from(e.verdict == Verdict::Differs)
}

/// Runs `netready explain`.
pub fn run(args: ExplainArgs) -> CliResult {
    let (explanation, out) = execute(&args)?;
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    Ok(exit_code(&explanation))
}

fn short(access: Option<AccessType>, reachable: Reachability) -> String {
    let a = access.map_or("none", AccessType::as_str);
    let r = match reachable {
        Reachability::Reachable => "ok",
        Reachability::Unreachable => "NO",
        Reachability::Unknown => "??",
    };
    format!("{a} {r}")
}

fn cell_predicted(e: &EndpointComparison) -> String {
    e.predicted
        .as_ref()
        .map_or("-".into(), |p| short(p.access_type, p.reachable))
}

fn cell_observed(e: &EndpointComparison) -> String {
    e.observed
        .as_ref()
        .map_or("-".into(), |o| short(o.access_type, o.reachable))
}

/// The table for people: the headline, one row per endpoint (predicted,
/// observed, verdict), then each difference with its ranked causes, their
/// evidence and the commands that confirm them.
pub fn render_table(e: &Explanation) -> String {
    let mut s = String::new();
    let choice = match e.subnet_choice {
        explain::SubnetChoice::Flag => "--subnet",
        explain::SubnetChoice::ProbeContext => "the probe's instance metadata",
        explain::SubnetChoice::OnlySubnet => "the validate report's only subnet",
        explain::SubnetChoice::AvailabilityZone => {
            "the only subnet in the probe's availability zone"
        }
    };
    s.push_str(&format!(
        "{}: predicted vs observed for {}{} ({}; subnet from {choice})\n",
        e.verdict.as_str().to_uppercase(),
        e.subnet_id,
        e.availability_zone
            .as_deref()
            .map_or(String::new(), |z| format!(" in {z}")),
        e.region.as_deref().unwrap_or("region unknown"),
    ));
    s.push_str(&format!(
        "validate: {}, probe: {}; {} agree, {} differ, {} not comparable\n\n",
        e.predicted_status,
        e.observed_status,
        e.count(Verdict::Agree),
        e.count(Verdict::Differs),
        e.count(Verdict::NotComparable)
    ));
    let rows: Vec<[String; 5]> = e
        .endpoints
        .iter()
        .map(|x| {
            [
                x.service.clone(),
                x.host.clone(),
                cell_predicted(x),
                cell_observed(x),
                x.verdict.as_str().to_uppercase(),
            ]
        })
        .collect();
    let header = ["SERVICE", "HOST", "PREDICTED", "OBSERVED", "VERDICT"];
    let widths: Vec<usize> = (0..5)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].len())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: [&str; 5]| {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i == 4 {
                l.push_str(c);
            } else {
                l.push_str(&format!("{c:<w$}  ", w = widths[i]));
            }
        }
        l.push('\n');
        l
    };
    s.push_str(&line(header));
    for r in &rows {
        s.push_str(&line([&r[0], &r[1], &r[2], &r[3], &r[4]]));
    }
    for x in &e.endpoints {
        match x.verdict {
            Verdict::Differs => {
                let diffs: Vec<&str> = x.differences.iter().map(|d| d.as_str()).collect();
                s.push_str(&format!("\n{} differs ({}):\n", x.host, diffs.join(", ")));
                for c in &x.causes {
                    s.push_str(&format!("  {}. {}: {}\n", c.rank, c.code.as_str(), c.title));
                    for ev in &c.evidence {
                        s.push_str(&format!("     {}: {}\n", ev.side.as_str(), ev.text));
                    }
                    for (i, cmd) in c.confirm.iter().enumerate() {
                        let label = if i == 0 { "confirm:" } else { "        " };
                        s.push_str(&format!("     {label} {cmd}\n"));
                    }
                }
            }
            Verdict::Agree | Verdict::NotComparable => {
                if let Some(note) = &x.note {
                    s.push_str(&format!("\n{}: {note}\n", x.host));
                }
            }
        }
    }
    s.push_str(
        "\n(access type and ok reachable, NO unreachable, ?? unknown; the probe cannot tell a gateway endpoint or a transit path from a NAT gateway: those agree with any public observation)\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_reports_name_the_file_and_say_why() {
        let cases = [
            ("not json", "v.json: not JSON (line 1, column 2)"),
            (
                "{}",
                "v.json: not a netready.report/v1 report (no \"schema\" field)",
            ),
            (
                r#"{"schema": "x"}"#,
                "v.json: schema is \"x\", not netready.report/v1",
            ),
            (
                r#"{"schema": "netready.report/v1", "kind": "probe"}"#,
                "v.json: kind is \"probe\", expected \"validate\"",
            ),
            (
                r#"{"schema": "netready.report/v1", "kind": "validate", "status": "fine"}"#,
                "v.json: line 1, column",
            ),
        ];
        for (text, want) in cases {
            let e = parse_report("v.json", text, Side::Validate).expect_err(text);
            assert!(e.0.starts_with(want), "{text}: {}", e.0);
        }
    }
}
