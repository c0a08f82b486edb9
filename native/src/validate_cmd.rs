//! `netready validate`: reads describe-* JSON files and Terraform plans (or
//! standard input) and prints core's verdict as a table or as the
//! `netready.report/v1` JSON.
//!
//! Guarantees: every verdict, finding and fix comes from
//! [`netready_core::vpc`], and every file's bytes become text through
//! [`netready_core::text::decode_owned`] (UTF-8 with or without a byte-order
//! mark, UTF-16 as PowerShell's `>` writes it), as on the page; this module
//! only reads files and formats. Bad input (unreadable file, undecodable
//! bytes, larger than [`MAX_INPUT_BYTES`], not JSON, wrong shape, unknown
//! `--subnet`) is a usage error naming the file, the JSON path and what was
//! expected: exit 2. Otherwise the exit code is
//! the report's status: 0 ready, 1 degraded, 3 unknown.
//!
//! Not done here: any network access or AWS call. The validator needs no
//! credentials.

use crate::catalog_cmd::profile_from;
use crate::cli::{CliResult, UsageError};
use clap::ValueEnum;
use netready_core::catalog::Region;
use netready_core::commands::{FixFormat, collect_commands};
use netready_core::report::{AccessType, Reachability, RemedyChoice, Report, Severity, Status};
use netready_core::vpc::{self, AssignPublicIp, ValidateOptions};
use std::io::{Read, Write};

/// The largest input accepted, per file: far above any real VPC's
/// describe-* output (a VPC with 1,000 subnets and 500 security groups is a
/// few megabytes), low enough to bound memory.
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// Output formats of `netready validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    /// A table for people.
    Table,
    /// The `netready.report/v1` JSON report.
    Json,
}

/// Fix command forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FixFormatArg {
    /// `aws ec2 …` for a POSIX shell.
    AwsCli,
    /// AWS Tools for PowerShell (`Edit-EC2VpcAttribute`, `New-EC2VpcEndpoint`, …).
    Powershell,
    /// Terraform resource blocks for the AWS provider (`aws_route`,
    /// `aws_vpc_endpoint`, …; `import` blocks for routes it replaces).
    Terraform,
}

/// Arguments of `netready validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// AWS region (default: from the documents' subnet ARNs and AZ names).
    #[arg(long, value_name = "R")]
    pub region: Option<String>,
    /// Which endpoints: runner (the five the runner dials) or private (everything a VPC without egress needs).
    #[arg(long, value_name = "runner|private", default_value = "runner")]
    pub profile: String,
    /// A task subnet (repeatable). Default: every subnet in the input, saying which can host the runner.
    #[arg(long = "subnet", value_name = "ID")]
    pub subnets: Vec<String>,
    /// The task's security group (repeatable). Default: the VPC's default group, as ECS does.
    #[arg(long = "security-group", value_name = "ID")]
    pub security_groups: Vec<String>,
    /// Whether the runner's ECS service assigns public IPs (AssignPublicIp).
    #[arg(long, value_name = "true|false", default_value = "false")]
    pub assign_public_ip: String,
    /// The runner's AWS account: decides endpoint policy conditions on the
    /// caller's account (aws:PrincipalAccount) and the ECR repositories' ARNs.
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ValidateFormat::Table)]
    pub format: ValidateFormat,
    /// Form of the fix commands.
    #[arg(long, value_enum, default_value_t = FixFormatArg::AwsCli)]
    pub fix_format: FixFormatArg,
    /// The ip-ranges.json AWS publishes at ip-ranges.amazonaws.com: which
    /// public addresses are the services' (read as one more document).
    #[arg(long, value_name = "FILE")]
    pub ip_ranges: Option<String>,
    /// What-if: apply the recommended fix of every finding to the model,
    /// round after round, and report what the VPC would look like then
    /// (with the steps, in order). Changes nothing in AWS; the exit code is
    /// the status after the fixes.
    #[arg(long)]
    pub apply_fixes: bool,
    /// Print the read-only AWS CLI commands that write this VPC's describe-*
    /// files (needs --region), instead of validating.
    #[arg(long, value_name = "VPC_ID", conflicts_with_all = ["subnets", "security_groups", "ip_ranges", "files", "apply_fixes"])]
    pub collect: Option<String>,
    /// describe-* JSON files (`-` for standard input), in any order.
    #[arg(value_name = "FILE", required_unless_present = "collect")]
    pub files: Vec<String>,
}

/// Reads one input file (or stdin for `-`), bounded in size, and decodes
/// it with core's rule.
pub(crate) fn read_input(name: &str) -> Result<String, UsageError> {
    let mut buf = Vec::new();
    let limit = MAX_INPUT_BYTES + 1;
    let result = if name == "-" {
        std::io::stdin().lock().take(limit).read_to_end(&mut buf)
    } else {
        std::fs::File::open(name).and_then(|f| f.take(limit).read_to_end(&mut buf))
    };
    result.map_err(|e| UsageError(format!("{name}: cannot read: {e}")))?;
    if buf.len() as u64 > MAX_INPUT_BYTES {
        return Err(UsageError(format!(
            "{name}: larger than {} MiB; describe-* output of a real VPC is far smaller — is this the right file?",
            MAX_INPUT_BYTES / (1024 * 1024)
        )));
    }
    netready_core::text::decode_owned(buf)
        .map(|(text, _)| text)
        .map_err(|e| UsageError(format!("{name}: {e}")))
}

/// Parses `netready validate`'s arguments (without `netready validate`
/// itself), exactly as the command line does.
pub fn parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<ValidateArgs, String> {
    use clap::Parser;
    #[derive(Debug, Parser)]
    #[command(name = "netready validate")]
    struct Wrapper {
        #[command(flatten)]
        args: ValidateArgs,
    }
    Wrapper::try_parse_from(std::iter::once("netready validate".to_owned()).chain(args))
        .map(|w| w.args)
        .map_err(|e| e.to_string())
}

/// Turns the flags into core's options.
pub fn options_from(args: &ValidateArgs) -> Result<ValidateOptions, UsageError> {
    let region = args
        .region
        .as_deref()
        .map(|r| Region::parse(r).map_err(|e| UsageError(format!("--region {r:?}: {e}"))))
        .transpose()?;
    let assign_public_ip: AssignPublicIp = args.assign_public_ip.parse().map_err(|e| {
        UsageError(format!(
            "--assign-public-ip {:?}: {e}",
            args.assign_public_ip
        ))
    })?;
    Ok(ValidateOptions {
        region,
        profile: profile_from(&args.profile)?,
        subnets: args.subnets.clone(),
        security_groups: args.security_groups.clone(),
        assign_public_ip,
        fix_format: match args.fix_format {
            FixFormatArg::AwsCli => FixFormat::AwsCli,
            FixFormatArg::Powershell => FixFormat::PowerShell,
            FixFormatArg::Terraform => FixFormat::Terraform,
        },
        account: netready_core::vpc::account_option(args.account.as_deref()).map_err(|e| {
            UsageError(format!(
                "--account {:?}: {e}",
                args.account.as_deref().unwrap_or_default()
            ))
        })?,
    })
}

/// Runs `netready validate`.
pub fn run(args: ValidateArgs) -> CliResult {
    if let Some(vpc_id) = &args.collect {
        let script = collect_script(vpc_id, args.region.as_deref())?;
        let _ = std::io::stdout().lock().write_all(script.as_bytes());
        return Ok(0);
    }
    let (report, out) = execute(&args)?;
    // A closed pipe (`netready validate … | head`) is not an error worth a message.
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    Ok(report.status.exit_code())
}

/// The commands of `--collect`: core's [`collect_commands`], which the page's
/// collect panel shows too.
pub fn collect_script(vpc_id: &str, region: Option<&str>) -> Result<String, UsageError> {
    let region = region.ok_or_else(|| {
        UsageError("--collect needs --region: the commands ask that region's EC2 API".into())
    })?;
    let region =
        Region::parse(region).map_err(|e| UsageError(format!("--region {region:?}: {e}")))?;
    let mut script = collect_commands(vpc_id.trim(), &region)
        .map_err(|e| UsageError(format!("--collect {vpc_id:?}: {e}")))?;
    script.push('\n');
    Ok(script)
}

/// Everything `run` does except printing: reads the files, validates, and
/// renders. Returns the report and the text for standard output (the exit
/// code is `report.status.exit_code()`). Tests replay scenarios through this.
pub fn execute(args: &ValidateArgs) -> Result<(Report, String), UsageError> {
    let options = options_from(args)?;
    // --ip-ranges is one more document, named by its file: core recognises
    // ip-ranges.json by its keys, as the page does when it is dropped there.
    let files: Vec<&String> = args.files.iter().chain(&args.ip_ranges).collect();
    if files.iter().filter(|f| **f == "-").count() > 1 {
        return Err(UsageError(
            "standard input (-) can be given only once".into(),
        ));
    }
    let texts: Vec<(String, String)> = files
        .into_iter()
        .map(|f| read_input(f).map(|t| (f.clone(), t)))
        .collect::<Result<_, _>>()?;
    let docs: Vec<(&str, &str)> = texts
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let input = vpc::parse(&docs).map_err(|e| UsageError(e.to_string()))?;
    if let Some(file) = &args.ip_ranges
        && input.ip_ranges.is_none()
    {
        return Err(UsageError(format!(
            "--ip-ranges {file}: not AWS's ip-ranges.json (it has neither prefixes nor ipv6_prefixes); get it with: {}",
            vpc::input::IP_RANGES_DOWNLOAD
        )));
    }
    let report = if args.apply_fixes {
        vpc::what_if(&input, &options, vpc::WHAT_IF_ROUNDS)
    } else {
        vpc::evaluate(&input, &options)
    }
    .map_err(|e| UsageError(e.to_string()))?;
    let out = match args.format {
        ValidateFormat::Json => {
            let mut s = serde_json::to_string_pretty(&report)
                .expect("report JSON: plain structs always serialise");
            s.push('\n');
            s
        }
        ValidateFormat::Table => render_table(&report, options.subnets.is_empty()),
    };
    Ok((report, out))
}

fn short(access: Option<AccessType>) -> &'static str {
    match access {
        Some(AccessType::VpcEndpoint) => "vpce",
        Some(AccessType::GatewayEndpoint) => "gateway",
        Some(AccessType::NatGateway) => "nat",
        Some(AccessType::InternetGateway) => "igw",
        Some(AccessType::Transit) => "transit",
        Some(AccessType::Public) => "public",
        None => "none",
    }
}

fn mark(r: Reachability) -> &'static str {
    match r {
        Reachability::Reachable => "ok",
        Reachability::Unreachable => "NO",
        Reachability::Unknown => "??",
    }
}

/// The headline: which subnets can host the runner.
pub fn headline(report: &Report, all_subnets: bool) -> String {
    let with = |s: Status| -> Vec<String> {
        report
            .subnets
            .iter()
            .filter(|x| x.status == s)
            .map(|x| match &x.availability_zone {
                Some(az) => format!("{} ({az})", x.subnet_id),
                None => x.subnet_id.clone(),
            })
            .collect()
    };
    let (ready, unknown, degraded) = (
        with(Status::Ready),
        with(Status::Unknown),
        with(Status::Degraded),
    );
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_owned()
        } else {
            v.join(", ")
        }
    };
    let mut line = format!(
        "{}: subnets that can host the runner ({} profile, {}): {}",
        report.status.as_str().to_uppercase(),
        report.profile.as_deref().unwrap_or("runner"),
        report.region.as_deref().unwrap_or("?"),
        list(&ready)
    );
    if !degraded.is_empty() {
        line.push_str(&format!("; cannot: {}", list(&degraded)));
    }
    if !unknown.is_empty() {
        line.push_str(&format!("; unknown: {}", list(&unknown)));
    }
    if all_subnets && report.subnets.len() > 1 {
        line.push_str(" (no --subnet given: ready when at least one subnet can host it)");
    }
    line
}

/// Renders the report for people: the headline, the matrix, the findings.
pub fn render_table(report: &Report, all_subnets: bool) -> String {
    let mut out = String::new();
    if !report.applied_fixes.is_empty() {
        out.push_str(&render_rounds(report));
        out.push_str("After the fixes:\n");
    }
    out.push_str(&headline(report, all_subnets));
    out.push_str("\n\n");
    // Rows: the profile's endpoints; columns: the subnets.
    let mut rows: Vec<(String, String)> = Vec::new();
    if let Some(first) = report.subnets.first() {
        for e in &first.endpoints {
            rows.push((e.service.clone(), e.host.clone()));
        }
    }
    let host_w = rows.iter().map(|r| r.1.len()).max().unwrap_or(4).max(4);
    let cols: Vec<&str> = report
        .subnets
        .iter()
        .map(|s| s.subnet_id.as_str())
        .collect();
    let col_w: Vec<usize> = report
        .subnets
        .iter()
        .map(|s| {
            s.endpoints
                .iter()
                .map(|e| short(e.access_type).len() + 3)
                .max()
                .unwrap_or(0)
                .max(s.subnet_id.len())
        })
        .collect();
    out.push_str(&format!("{:<host_w$}", "HOST"));
    for (c, w) in cols.iter().zip(&col_w) {
        out.push_str(&format!("  {c:<w$}"));
    }
    out.push('\n');
    for (i, (_, host)) in rows.iter().enumerate() {
        out.push_str(&format!("{host:<host_w$}"));
        for (s, w) in report.subnets.iter().zip(&col_w) {
            let cell = s
                .endpoints
                .get(i)
                .map(|e| format!("{} {}", short(e.access_type), mark(e.reachable)))
                .unwrap_or_default();
            out.push_str(&format!("  {cell:<w$}"));
        }
        out.push('\n');
    }
    out.push_str(&format!("{:<host_w$}", "STATUS"));
    for (s, w) in report.subnets.iter().zip(&col_w) {
        out.push_str(&format!("  {:<w$}", s.status.as_str()));
    }
    out.push_str("\n\n(vpce: interface endpoint, gateway: gateway endpoint, nat: NAT gateway, igw: internet gateway, transit: TGW/peering/VPN; ok reachable, NO unreachable, ?? unknown)\n");
    if !report.findings.is_empty() {
        out.push_str(&format!("\nFindings ({}):\n", report.findings.len()));
        for f in &report.findings {
            let sev = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            out.push_str(&format!(
                "\n[{sev}] {} {}\n  {}\n",
                f.code, f.resource, f.message
            ));
            match f.remedies.as_slice() {
                [] | [_] => {
                    if let Some(fix) = &f.fix {
                        out.push_str(&format!("  fix: {}\n", indent_continuation(fix)));
                    }
                }
                several => {
                    for (i, r) in several.iter().enumerate() {
                        let label = match r.choice {
                            RemedyChoice::Recommended => "recommended",
                            _ => "or",
                        };
                        out.push_str(&format!(
                            "  {}. {label}: {} (about ${:.2} a month)\n       {}\n",
                            i + 1,
                            r.summary,
                            r.monthly_usd,
                            r.steps.join("\n       ")
                        ));
                    }
                }
            }
        }
    }
    if let Some(cost) = &report.cost {
        out.push_str(&format!("\nCost: {}\n", cost.message));
    }
    out
}

/// A multi-line fix, its later lines under the first.
fn indent_continuation(fix: &str) -> String {
    fix.replace('\n', "\n       ")
}

/// The what-if's rounds: what was applied to the model, in order, and what
/// only a human can do.
fn render_rounds(report: &Report) -> String {
    let mut out = String::from(
        "What-if: the recommended fixes applied to the model, not to AWS. Run these steps, in order, then validate again:\n",
    );
    for (i, round) in report.applied_fixes.iter().enumerate() {
        out.push_str(&format!(
            "\nRound {} (status before: {}):\n",
            i + 1,
            round.status_before.as_str()
        ));
        for step in &round.steps {
            out.push_str(&format!("  {}\n", step.replace('\n', "\n  ")));
        }
        for m in &round.manual {
            out.push_str(&format!("  (by hand) {m}\n"));
        }
    }
    out.push('\n');
    out
}
