//! `netready probe`: the command line (DESIGN.md's flags), the targets, and
//! the output (a table for people, `--format json` for machines).
//!
//! Guarantees:
//! * targets are core's catalog for the profile plus `--endpoint`s; ECR
//!   Docker without an account is reported unknown (core's
//!   `unverified_endpoint`), never guessed;
//! * bad flags are a usage error (exit 2) naming the flag, the value and
//!   what was expected; otherwise the exit code is the status's (0 ready,
//!   1 degraded, 3 unknown);
//! * a one-shot probe ends within `--timeout` (plus scheduling), however
//!   many endpoints are black-holed and however slowly the metadata
//!   services answer: the context lookups get at most a quarter of the
//!   budget (and never more than [`CONTEXT_BUDGET`]), the endpoint checks
//!   what is left;
//! * colour only when standard output is a terminal and `NO_COLOR` is unset;
//! * the environment's proxy variables are never read.
//!
//! Not done here: any rule (core), any socket (see `dns`, `dial`, `tls`,
//! `metadata`).

use super::context::{self, ContextFlags, Environment, PublicIpSetting};
use super::dial::{self, TcpDialer};
use super::dns::{self, DEFAULT_MAX_IN_FLIGHT, DnsResolver};
use super::net::{self, Check, ProbeOptions, Target};
use crate::cli::{CliResult, UsageError};
use clap::ValueEnum;
use netready_core::catalog::{self, AccountId, Profile, Region};
use netready_core::net::{Cidr, HostPort};
use netready_core::report::{Reachability, Report, TcpOutcome, TlsOutcome};
use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Output formats of `netready probe`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProbeFormat {
    /// A table for people.
    Table,
    /// The `netready.report/v1` JSON report.
    Json,
}

/// `--metrics-format`: what watch mode writes to standard output after
/// each check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MetricsFormat {
    /// CloudWatch Embedded Metric Format: JSON lines that CloudWatch Logs
    /// (e.g. through the awslogs driver) turns into metrics (see `watch::emf`).
    Emf,
}

/// `--public-ip`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PublicIpArg {
    /// The task has a public IP: public answers go through an internet gateway.
    #[value(name = "yes")]
    Assigned,
    /// It has none: public answers go through a NAT gateway.
    #[value(name = "no")]
    NotAssigned,
    /// Ask EC2 instance metadata where there is one; otherwise unknown.
    #[value(name = "auto")]
    Detect,
}

/// Arguments of `netready probe`.
#[derive(Debug, clap::Args)]
pub struct ProbeArgs {
    /// AWS region, e.g. eu-west-1 (default: from ECS task metadata, then EC2 instance metadata).
    #[arg(long, value_name = "R")]
    pub region: Option<String>,
    /// Which endpoints: runner (the ones the runner dials) or private (everything a VPC without egress needs).
    #[arg(long, value_name = "runner|private", default_value = "runner")]
    pub profile: String,
    /// Account of the ECR registry (default: from ECS task metadata, then EC2 instance metadata).
    #[arg(long, value_name = "ID")]
    pub ecr_account: Option<String>,
    /// An extra endpoint to check (repeatable).
    #[arg(long = "endpoint", value_name = "HOST[:PORT]")]
    pub endpoints: Vec<String>,
    /// Whether the task has a public IP.
    #[arg(long, value_enum, value_name = "yes|no|auto", default_value_t = PublicIpArg::Detect)]
    pub public_ip: PublicIpArg,
    /// A CIDR of the VPC: addresses inside count as private (repeatable; default: from EC2 instance metadata).
    #[arg(long = "vpc-cidr", value_name = "CIDR")]
    pub vpc_cidrs: Vec<String>,
    /// A DNS server to query instead of /etc/resolv.conf's (repeatable, asked in order).
    #[arg(long = "dns-server", value_name = "IP[:PORT]")]
    pub dns_servers: Vec<String>,
    /// The TCP port to dial for catalog endpoints and --endpoint without a port.
    #[arg(long, value_name = "N", default_value_t = 443, value_parser = clap::value_parser!(u16).range(1..))]
    pub port: u16,
    /// The whole probe's budget, e.g. 5s, 1500ms, 1m.
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "5s",
        allow_hyphen_values = true
    )]
    pub timeout: String,
    /// Also perform a TLS handshake and report the certificate issuer.
    #[arg(long)]
    pub tls: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ProbeFormat::Table)]
    pub format: ProbeFormat,
    /// Keep checking every --interval; serve the result with --listen.
    #[arg(long)]
    pub watch: bool,
    /// Time between checks in watch mode, e.g. 5m, 30s (at least 5s, and not below --timeout).
    #[arg(
        long,
        value_name = "DURATION",
        requires = "watch",
        allow_hyphen_values = true
    )]
    pub interval: Option<String>,
    /// Lowers the --interval floor, for tests and soak benchmarks against
    /// your own resolver only.
    #[arg(
        long,
        value_name = "DURATION",
        hide = true,
        env = "NETREADY_MIN_INTERVAL"
    )]
    pub min_interval: Option<String>,
    /// Serve /metrics, /healthz, /readyz and /status on this address in watch mode, e.g. 0.0.0.0:9100.
    #[arg(long, value_name = "ADDR", requires = "watch")]
    pub listen: Option<String>,
    /// In watch mode, also write each check's metrics to standard output: emf (CloudWatch Embedded Metric Format).
    #[arg(long, value_enum, value_name = "emf", requires = "watch")]
    pub metrics_format: Option<MetricsFormat>,
    /// Compare every check with this prediction (the JSON of `netready
    /// validate --format json`): the report's `prediction`, `/status`, and
    /// the `netready_endpoint_prediction_agrees` gauge.
    #[arg(long, value_name = "REPORT")]
    pub expect: Option<String>,
}

/// Why a duration did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DurationError {
    /// Not a number followed by `ms`, `s`, `m` or `h`.
    Malformed,
    /// Below a millisecond (it would round to nothing) or more than a day.
    OutOfRange,
}

impl std::fmt::Display for DurationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DurationError::Malformed => "expected a number with a unit: 500ms, 5s, 1.5s, 5m or 1h",
            DurationError::OutOfRange => "expected a duration of at least 1ms and at most 24h",
        })
    }
}

/// The shortest `--interval` (unless lowered for tests with the hidden
/// `--min-interval` / `NETREADY_MIN_INTERVAL`): each check sends two DNS
/// queries per endpoint, and the VPC resolver answers at most 1,024 packets
/// per second per network interface. The interval is not below `--timeout`
/// either.
pub const MIN_INTERVAL: Duration = Duration::from_secs(5);

impl std::error::Error for DurationError {}

/// Parses `500ms`, `5s`, `1.5s`, `5m`, `1h` (a bare number is seconds).
pub fn parse_duration(s: &str) -> Result<Duration, DurationError> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    if number.is_empty() || number.starts_with('.') || number.ends_with('.') {
        return Err(DurationError::Malformed);
    }
    let value: f64 = number.parse().map_err(|_| DurationError::Malformed)?;
    let scale = match unit.trim() {
        "ms" => 0.001,
        "" | "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return Err(DurationError::Malformed),
    };
    let secs = value * scale;
    if !(secs > 0.0 && secs <= 86_400.0) {
        return Err(DurationError::OutOfRange);
    }
    // Checked after conversion: 0.0000000001s is above zero as a float and
    // nothing as a Duration.
    let duration = Duration::from_secs_f64(secs);
    if duration < Duration::from_millis(1) {
        return Err(DurationError::OutOfRange);
    }
    Ok(duration)
}

/// Everything the flags say, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Context flags.
    pub context: ContextFlags,
    /// The profile.
    pub profile: Profile,
    /// `--endpoint`s.
    pub endpoints: Vec<HostPort>,
    /// `--port`.
    pub port: u16,
    /// The engine's options.
    pub options: ProbeOptions,
    /// `--format`.
    pub format: ProbeFormat,
    /// `--watch`: the interval and listen address.
    pub watch: Option<(Duration, Option<SocketAddr>)>,
    /// `--metrics-format` (watch mode only).
    pub metrics_format: Option<MetricsFormat>,
    /// `--expect`: the file's name and the validate report in it.
    pub expect: Option<(String, Report)>,
}

fn usage(flag: &str, value: &str, why: impl std::fmt::Display) -> UsageError {
    UsageError(format!("{flag} {value:?}: {why}"))
}

/// Validates the flags.
pub fn settings(args: &ProbeArgs) -> Result<Settings, UsageError> {
    let region = match &args.region {
        Some(r) => {
            let region = Region::parse(r).map_err(|e| usage("--region", r, e))?;
            if !region.is_known() {
                eprintln!(
                    "netready: warning: region {region} is not known to this release; names follow the {} partition's usual pattern",
                    region.partition()
                );
            }
            Some(region)
        }
        None => None,
    };
    let profile: Profile = args
        .profile
        .parse()
        .map_err(|e| usage("--profile", &args.profile, e))?;
    let ecr_account = match &args.ecr_account {
        Some(a) => Some(
            a.parse::<AccountId>()
                .map_err(|e| usage("--ecr-account", a, e))?,
        ),
        None => None,
    };
    let endpoints = args
        .endpoints
        .iter()
        .map(|e| {
            e.parse::<HostPort>()
                .map_err(|err| usage("--endpoint", e, err))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let vpc_cidrs = args
        .vpc_cidrs
        .iter()
        .map(|c| c.parse::<Cidr>().map_err(|e| usage("--vpc-cidr", c, e)))
        .collect::<Result<Vec<_>, _>>()?;
    let dns_servers = args
        .dns_servers
        .iter()
        .map(|d| dns::parse_dns_server(d).map_err(|e| usage("--dns-server", d, e)))
        .collect::<Result<Vec<_>, _>>()?;
    let timeout =
        parse_duration(&args.timeout).map_err(|e| usage("--timeout", &args.timeout, e))?;
    let expect = match &args.expect {
        Some(name) => Some((
            name.clone(),
            crate::explain_cmd::read_report(name, netready_core::explain::Side::Validate)
                .map_err(|e| UsageError(format!("--expect {}", e.0)))?,
        )),
        None => None,
    };
    let watch = if args.watch {
        let interval = match &args.interval {
            Some(i) => parse_duration(i).map_err(|e| usage("--interval", i, e))?,
            None => super::watch::DEFAULT_INTERVAL,
        };
        let floor = match &args.min_interval {
            Some(m) => parse_duration(m).map_err(|e| usage("--min-interval", m, e))?,
            None => MIN_INTERVAL.max(timeout),
        };
        if interval < floor {
            return Err(usage(
                "--interval",
                args.interval.as_deref().unwrap_or_default(),
                format!(
                    "expected at least {MIN_INTERVAL:?} and not below --timeout ({timeout:?}): each check sends two DNS queries per endpoint, and the VPC resolver answers at most 1,024 packets per second per network interface"
                ),
            ));
        }
        let listen = match &args.listen {
            Some(l) => Some(l.parse::<SocketAddr>().map_err(|_| {
                usage(
                    "--listen",
                    l,
                    "expected IP:PORT, e.g. 0.0.0.0:9100 or [::1]:9100",
                )
            })?),
            None => None,
        };
        Some((interval, listen))
    } else {
        None
    };
    Ok(Settings {
        context: ContextFlags {
            region,
            ecr_account,
            public_ip: match args.public_ip {
                PublicIpArg::Assigned => PublicIpSetting::Assigned,
                PublicIpArg::NotAssigned => PublicIpSetting::NotAssigned,
                PublicIpArg::Detect => PublicIpSetting::Detect,
            },
            vpc_cidrs,
            dns_servers,
            placement: expect.is_some(),
        },
        profile,
        endpoints,
        port: args.port,
        options: ProbeOptions {
            timeout,
            tls: args.tls,
            ..ProbeOptions::default()
        },
        format: args.format,
        watch,
        metrics_format: args.metrics_format,
        expect,
    })
}

/// The targets: the profile's catalog entries, then the `--endpoint`s.
pub fn targets(
    profile: Profile,
    region: &Region,
    account: Option<&AccountId>,
    endpoints: &[HostPort],
    port: u16,
) -> Vec<Target> {
    let mut out: Vec<Target> = catalog::services(profile)
        .map(|s| match s.host(region, account) {
            Ok(host) => Target { service: s.id.to_owned(), host, port, check: Check::Dial },
            Err(e) => Target {
                service: s.id.to_owned(),
                host: s.host_template(region),
                port,
                check: Check::Unverified(format!(
                    "Not checked: {e} (or run the probe in the ECS task, whose metadata names the account)."
                )),
            },
        })
        .collect();
    for e in endpoints {
        out.push(Target {
            service: "custom".to_owned(),
            host: e.host.clone(),
            port: e.port.unwrap_or(port),
            check: Check::Dial,
        });
    }
    out
}

/// Runs `netready probe`.
pub fn run(args: ProbeArgs) -> CliResult {
    let settings = settings(&args)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| UsageError(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(run_async(settings, Environment::from_process()))
}

/// The most the context lookups (ECS task metadata, instance metadata) may
/// take of the probe's budget; on AWS they take a few milliseconds.
pub const CONTEXT_BUDGET: Duration = Duration::from_secs(1);

async fn run_async(mut settings: Settings, env: Environment) -> CliResult {
    let started = tokio::time::Instant::now();
    let budget = settings.options.timeout;
    let context_deadline = started + (budget / 4).min(CONTEXT_BUDGET);
    let gathered = context::gather(&settings.context, &env, context_deadline).await;
    // Watch mode checks every interval with the whole budget; a one-shot
    // probe spends what the context lookups left.
    if settings.watch.is_none() {
        settings.options.timeout = budget.saturating_sub(started.elapsed());
    }
    for note in &gathered.notes {
        tracing::debug!("{note}");
    }
    for warning in &gathered.warnings {
        eprintln!("netready: warning: {warning}");
    }
    let Some(region) = gathered.region.clone() else {
        let mut msg = "no region: give --region (e.g. --region eu-west-1); neither ECS task metadata nor EC2 instance metadata named one".to_owned();
        for note in &gathered.notes {
            msg.push_str(&format!("\n  {note}"));
        }
        return Err(UsageError(msg));
    };
    if gathered.resolvers.is_empty() {
        return Err(UsageError(format!(
            "no DNS resolver: {} names none; give --dns-server IP[:PORT]",
            env.resolv_conf.display()
        )));
    }
    // --expect: whether this probe can be compared with the prediction is
    // decided once, from the context, before the first check.
    let expect = match settings.expect.take() {
        Some((name, validate)) => {
            let mut skeleton = Report::new(
                netready_core::report::ReportKind::Probe,
                Some(region.name().to_owned()),
            );
            skeleton.context = Some(gathered.context.clone());
            let expectation = netready_core::explain::expect(&validate, &skeleton, None)
                .map_err(|e| UsageError(format!("--expect {name}: {e}")))?;
            Some(Arc::new((validate, expectation)))
        }
        None => None,
    };
    let targets = targets(
        settings.profile,
        &region,
        gathered.ecr_account.as_ref(),
        &settings.endpoints,
        settings.port,
    );
    let resolver = DnsResolver::new(gathered.resolvers.clone(), DEFAULT_MAX_IN_FLIGHT);
    // Raise the open-files limit first: each connection in flight is a
    // file descriptor.
    // In watch mode with --listen, the HTTP connections are descriptors too.
    let http = match settings.watch {
        Some((_, Some(_))) => super::watch::HttpLimits::default().max_connections,
        _ => 0,
    };
    let dialer = TcpDialer::with_slots(dial::connection_slots_beside(true, http));
    let profile = settings.profile;

    if let Some((interval, listen)) = settings.watch {
        return run_watch(
            interval,
            listen,
            targets,
            gathered.context,
            resolver,
            dialer,
            settings.options,
            profile,
            settings.metrics_format,
            expect,
        )
        .await;
    }

    let mut report = net::probe(
        &targets,
        &gathered.context,
        &resolver,
        &dialer,
        &settings.options,
    )
    .await;
    report.profile = Some(profile.as_str().to_owned());
    if let Some(e) = &expect {
        report.prediction = Some(e.1.compare(&e.0, &report));
    }
    // Buffered: stdout is line-buffered, and a 500-endpoint JSON report has
    // some 15,000 lines (as many write system calls as the DNS queries).
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = match settings.format {
        ProbeFormat::Json => match super::json::to_vec_pretty(&report) {
            Ok(json) => out.write_all(&json).and_then(|()| writeln!(out)),
            Err(e) => return Err(UsageError(format!("cannot serialise the report: {e}"))),
        },
        ProbeFormat::Table => out.write_all(render_table(&report, use_colour()).as_bytes()),
    };
    // A closed pipe (`| head`) is not the probe's failure.
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(UsageError(format!("cannot write the report: {e}")));
    }
    if let Err(e) = out.flush()
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(UsageError(format!("cannot write the report: {e}")));
    }
    Ok(report.status.exit_code())
}

#[allow(clippy::too_many_arguments)]
async fn run_watch(
    interval: Duration,
    listen: Option<SocketAddr>,
    targets: Vec<Target>,
    ctx: netready_core::report::ProbeContext,
    resolver: DnsResolver,
    dialer: TcpDialer,
    options: ProbeOptions,
    profile: Profile,
    metrics_format: Option<MetricsFormat>,
    expect: Option<Arc<(Report, netready_core::explain::Expectation)>>,
) -> CliResult {
    use super::watch::{Watch, WatchOptions};
    super::watch::init_tracing();
    let shared = Arc::new((targets, ctx, resolver, dialer, options));
    let watch_options = WatchOptions {
        interval,
        listen,
        // The probe ends by its timeout; the margin covers scheduling.
        check_deadline: shared.4.timeout + Duration::from_secs(5),
        ..WatchOptions::default()
    };
    let check = move || {
        let shared = shared.clone();
        let expect = expect.clone();
        async move {
            let (targets, ctx, resolver, dialer, options) = &*shared;
            let mut report = net::probe(targets, ctx, resolver, dialer, options).await;
            report.profile = Some(profile.as_str().to_owned());
            if let Some(e) = &expect {
                report.prediction = Some(e.1.compare(&e.0, &report));
            }
            report
        }
    };
    let mut watch = Watch::bind(watch_options)
        .await
        .map_err(|e| UsageError(e.to_string()))?;
    if let Some(MetricsFormat::Emf) = metrics_format {
        watch = watch.on_check(super::watch::emf::stdout_hook());
    }
    watch.run(check).await;
    Ok(0)
}

/// Whether to colour the table: standard output is a terminal and
/// `NO_COLOR` is unset or empty.
pub fn use_colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

struct Paint(bool);

impl Paint {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}

fn fmt_ms(ms: f64) -> String {
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

/// The table for people: a context line, one row per endpoint (service,
/// host:port, access type, reachable, per-address outcomes), the hints under
/// each failure, the findings, and the status.
pub fn render_table(report: &Report, colour: bool) -> String {
    let p = Paint(colour);
    let mut s = String::new();
    if let Some(ctx) = &report.context {
        let src = |x: netready_core::report::Source| {
            serde_json::to_value(x)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        };
        s.push_str(&format!(
            "region {} ({}), public IP {} ({}), VPC CIDRs {} ({}), resolvers {} ({})\n\n",
            ctx.region.value.as_deref().unwrap_or("unknown"),
            src(ctx.region.source),
            ctx.public_ip.value,
            src(ctx.public_ip.source),
            if ctx.vpc_cidrs.value.is_empty() {
                "none".to_owned()
            } else {
                ctx.vpc_cidrs
                    .value
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
            },
            src(ctx.vpc_cidrs.source),
            ctx.resolvers.value.join(" "),
            src(ctx.resolvers.source),
        ));
    }
    let rows: Vec<[String; 4]> = report
        .endpoints
        .iter()
        .map(|e| {
            [
                e.service.clone(),
                format!("{}:{}", e.host, e.port),
                e.access_type
                    .map_or("-".to_owned(), |a| a.as_str().to_owned()),
                match e.reachable {
                    Reachability::Reachable => "yes".to_owned(),
                    Reachability::Unreachable => "no".to_owned(),
                    Reachability::Unknown => "unknown".to_owned(),
                },
            ]
        })
        .collect();
    let header = ["SERVICE", "HOST", "ACCESS", "REACHABLE"];
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].len())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    s.push_str(&format!(
        "{:<w0$}  {:<w1$}  {:<w2$}  {:<w3$}  ADDRESSES\n",
        header[0],
        header[1],
        header[2],
        header[3],
        w0 = widths[0],
        w1 = widths[1],
        w2 = widths[2],
        w3 = widths[3]
    ));
    let indent = " ".repeat(widths[0] + 2);
    for (e, row) in report.endpoints.iter().zip(&rows) {
        let reach = format!("{:<w$}", row[3], w = widths[3]);
        let reach = match e.reachable {
            Reachability::Reachable => p.paint("32", &reach),
            Reachability::Unreachable => p.paint("31;1", &reach),
            Reachability::Unknown => p.paint("33", &reach),
        };
        let addresses: Vec<String> = e
            .addresses
            .iter()
            .map(|a| {
                let outcome = match (a.outcome, a.ms) {
                    (TcpOutcome::Connected, Some(ms)) => format!("connected {}", fmt_ms(ms)),
                    (o, _) => o.as_str().to_owned(),
                };
                format!("{} {}", a.ip, outcome)
            })
            .collect();
        s.push_str(&format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {reach}  {}\n",
            row[0],
            row[1],
            row[2],
            if addresses.is_empty() {
                "-".to_owned()
            } else {
                addresses.join(", ")
            },
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
        ));
        if let Some(dns) = &e.dns {
            let mut line = format!("dns {}", fmt_ms(dns.ms));
            if let Some(r) = &dns.resolver {
                line.push_str(&format!(" via {r}"));
            }
            if !dns.cnames.is_empty() {
                line.push_str(&format!(", cname {}", dns.cnames.join(" -> ")));
            }
            s.push_str(&format!("{indent}{}\n", p.paint("2", &line)));
        }
        if let Some(tls) = &e.tls {
            let outcome = match tls.outcome {
                TlsOutcome::Trusted => p.paint("32", "tls trusted"),
                TlsOutcome::Untrusted => p.paint("31;1", "tls UNTRUSTED"),
                TlsOutcome::Failed => p.paint("31;1", "tls FAILED"),
                TlsOutcome::NotAttempted => "tls not attempted".to_owned(),
            };
            let mut line = outcome;
            if let Some(i) = &tls.issuer {
                line.push_str(&format!(", issuer {i}"));
            }
            if let Some(d) = &tls.detail {
                line.push_str(&format!(": {d}"));
            }
            s.push_str(&format!("{indent}{line}\n"));
        }
        if let Some(f) = e.failure {
            s.push_str(&format!(
                "{indent}{} {}\n",
                p.paint("31;1", &format!("{f}:")),
                e.hints.first().map_or("", String::as_str)
            ));
            for h in e.hints.iter().skip(1) {
                s.push_str(&format!("{indent}{h}\n"));
            }
        } else {
            for h in &e.hints {
                s.push_str(&format!(
                    "{indent}{}\n",
                    p.paint("2", &format!("note: {h}"))
                ));
            }
        }
    }
    if !report.findings.is_empty() {
        s.push('\n');
        for f in &report.findings {
            s.push_str(&format!(
                "{} {}: {}\n",
                p.paint("33", &format!("{}:", f.severity_name())),
                f.code,
                f.message
            ));
        }
    }
    if let Some(p) = &report.prediction {
        use netready_core::explain::Verdict;
        s.push_str(&format!(
            "\nprediction (--expect, {}): {}: {} agree, {} differ, {} not comparable (netready explain tells why)\n",
            p.subnet_id,
            p.verdict,
            p.count(Verdict::Agree),
            p.count(Verdict::Differs),
            p.count(Verdict::NotComparable)
        ));
        for e in p.endpoints.iter().filter(|e| e.verdict == Verdict::Differs) {
            let diffs: Vec<&str> = e.differences.iter().map(|d| d.as_str()).collect();
            s.push_str(&format!("  {} differs ({})", e.host, diffs.join(", ")));
            if let Some(c) = e.causes.first() {
                s.push_str(&format!("; likeliest: {}: {}", c.code.as_str(), c.title));
            }
            s.push('\n');
        }
    }
    let unreachable = report
        .endpoints
        .iter()
        .filter(|e| e.reachable == Reachability::Unreachable)
        .count();
    let unknown = report
        .endpoints
        .iter()
        .filter(|e| e.reachable == Reachability::Unknown)
        .count();
    let status = report.status.as_str();
    let status = match report.status {
        netready_core::Status::Ready => p.paint("32;1", status),
        netready_core::Status::Degraded => p.paint("31;1", status),
        netready_core::Status::Unknown => p.paint("33;1", status),
    };
    s.push_str(&format!(
        "\nstatus: {status} ({} endpoints: {} reachable, {unreachable} unreachable, {unknown} unknown)\n",
        report.endpoints.len(),
        report.endpoints.len() - unreachable - unknown
    ));
    s
}

trait SeverityName {
    fn severity_name(&self) -> &'static str;
}

impl SeverityName for netready_core::report::Finding {
    fn severity_name(&self) -> &'static str {
        match self.severity {
            netready_core::report::Severity::Error => "error",
            netready_core::report::Severity::Warning => "warning",
            netready_core::report::Severity::Info => "info",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("5"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("0s"), Err(DurationError::OutOfRange));
        assert_eq!(parse_duration("2d"), Err(DurationError::Malformed));
        assert_eq!(parse_duration("s"), Err(DurationError::Malformed));
        assert_eq!(parse_duration("-1s"), Err(DurationError::Malformed));
        assert_eq!(parse_duration("1.s"), Err(DurationError::Malformed));
        assert_eq!(parse_duration("25h"), Err(DurationError::OutOfRange));
        // Above zero as a number, nothing once a Duration: refused too.
        assert_eq!(
            parse_duration("0.0000000001s"),
            Err(DurationError::OutOfRange)
        );
        assert_eq!(parse_duration("0.5ms"), Err(DurationError::OutOfRange));
        assert_eq!(parse_duration("1ms"), Ok(Duration::from_millis(1)));
    }

    #[test]
    fn ecr_without_account_is_unverified() {
        let region = Region::parse("eu-west-1").expect("valid region");
        let t = targets(Profile::Runner, &region, None, &[], 443);
        let ecr = t
            .iter()
            .find(|t| t.service == "ecr.dkr")
            .expect("runner profile has ECR Docker");
        assert!(matches!(ecr.check, Check::Unverified(_)));
        assert_eq!(ecr.host, "<account>.dkr.ecr.eu-west-1.amazonaws.com");
        let account: AccountId = "123456789012".parse().expect("valid account");
        let extra: HostPort = "example.internal:8443".parse().expect("valid endpoint");
        let t = targets(Profile::Runner, &region, Some(&account), &[extra], 444);
        assert!(t.iter().all(|t| t.check == Check::Dial));
        assert!(
            t.iter()
                .any(|t| t.host == "123456789012.dkr.ecr.eu-west-1.amazonaws.com" && t.port == 444)
        );
        assert_eq!(
            t.last().map(|t| (t.service.as_str(), t.port)),
            Some(("custom", 8443))
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let mut report = Report::new(
            netready_core::report::ReportKind::Probe,
            Some("eu-west-1".into()),
        );
        report
            .endpoints
            .push(netready_core::rules::unverified_endpoint(
                "ecr.dkr",
                "<account>.dkr.ecr.eu-west-1.amazonaws.com".into(),
                443,
                "why",
            ));
        report.finish();
        let plain = render_table(&report, false);
        assert!(!plain.contains('\x1b'), "{plain}");
        assert!(plain.contains("status: unknown"), "{plain}");
        let coloured = render_table(&report, true);
        assert!(coloured.contains("\x1b[33"), "{coloured}");
    }
}
