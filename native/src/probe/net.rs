//! The probe's engine and the two I/O traits it runs over.
//!
//! [`probe`] resolves every target, classifies every answer with core's
//! [`rules::plan_dials`] *before* dialling (so a sinkhole answer such as
//! 0.0.0.0 or 127.0.0.1 is never dialled), dials every planned address of
//! every target at once, optionally shakes hands with TLS, and hands the
//! outcomes to core's [`rules::assess_endpoint`], [`rules::tls_finding`]
//! (`tls-untrusted`, `tls-failed`: the status is then degraded) and
//! [`Report::finish`]. It decides no rule itself.
//!
//! All I/O goes through two small traits, so the same engine runs over real
//! sockets (`super::dns` and `super::dial`), a
//! simulated network, or fakes:
//!
//! * [`Resolver`]: look up A and AAAA for one host before a deadline;
//! * [`Dialer`]: open a TCP connection to one address before a deadline (and,
//!   optionally, a TLS handshake).
//!
//! ## What the engine guarantees
//! * Every wait is bounded with `tokio::time` (never `std::time`), so the
//!   engine runs unchanged under tokio's paused clock
//!   (`#[tokio::test(start_paused = true)]`): a simulated network advances
//!   virtual time and the deadlines fire in virtual time.
//! * The whole probe ends by `start + options.timeout`, however the trait
//!   implementations behave: each call is also wrapped in
//!   `tokio::time::timeout_at`, so an implementation that never returns turns
//!   into a DNS timeout or a TCP timeout at the deadline, never a hang.
//! * DNS gets the first half of the budget ([`ProbeOptions::dns_share`]),
//!   a resolver that has not returned by then being cut off 50 ms later;
//!   connects (and TLS) may use all of it.
//! * Everything runs concurrently on the caller's task (no `tokio::spawn`):
//!   the wall time is that of the slowest target, not the sum. Because
//!   nothing is spawned, the traits need neither `Send` nor `'static`: a
//!   simulation may use `Rc<RefCell<…>>`. (With `Send` implementations the
//!   engine's future is `Send` too.)
//! * An IP literal target (`--endpoint 10.0.0.5:443`) is not resolved: its
//!   answer is that address, and it is classified and planned like any
//!   other.
//!
//! ## What it does not do
//! Parse flags, read the environment, print, or decide any verdict: the
//! caller gathers the [`ProbeContext`]; core decides access types, failure
//! codes, hints and the status.

use futures_util::future::join_all;
use netready_core::report::{
    DnsReport, EndpointReport, ProbeContext, Report, ReportKind, TcpOutcome, TlsOutcome, TlsReport,
};
use netready_core::rules::{self, DialAction, DnsAnswer, DnsFailure, Observation, TaskContext};
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::time::{Instant, timeout_at};

/// What a [`Resolver`] found out about one host.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// The A and AAAA addresses (A first, answer order), or how the lookup
    /// failed. Build it with [`DnsAnswer::from_addresses`] so that an empty
    /// answer becomes NODATA.
    pub answer: DnsAnswer,
    /// The resolver that gave the final answer (`None` when none answered,
    /// e.g. on timeout).
    pub resolver: Option<SocketAddr>,
    /// The CNAME chain followed from the queried name, in order, without
    /// trailing dots (empty when there was none).
    pub cnames: Vec<String>,
    /// Wall time of the lookup (A and AAAA together), in milliseconds,
    /// measured with `tokio::time::Instant`.
    pub ms: f64,
    /// Queries sent for the name: A and AAAA, to every resolver asked,
    /// retransmissions and TCP retries included (`Some(0)`: none could be
    /// sent; `None`: the resolver does not count them, or was cut off).
    pub queries: Option<u32>,
    /// How many of those were UDP retransmissions (no reply in time).
    pub resent: Option<u32>,
    /// How many of `resent` went to `resolver` (the one that answered):
    /// retransmissions to servers that then failed say nothing about the
    /// path to this one. `None`: not counted (then `resent` stands in).
    pub resent_to_resolver: Option<u32>,
}

impl Resolution {
    /// A lookup that ran out of time after `ms` milliseconds.
    pub fn timed_out(ms: f64) -> Resolution {
        Resolution {
            answer: DnsAnswer::Failed(DnsFailure::Timeout),
            resolver: None,
            cnames: Vec::new(),
            ms,
            queries: None,
            resent: None,
            resent_to_resolver: None,
        }
    }
}

/// Looks up the A and AAAA records of one host.
///
/// Implementations must:
/// * query A and AAAA (in parallel where they can) and return their union,
///   A records first, in answer order; duplicates are allowed (core drops
///   them);
/// * tell the failures apart as [`DnsFailure`]: NXDOMAIN (for either query)
///   → `NxDomain`; NOERROR with no address in either → `NoData` (or use
///   [`DnsAnswer::from_addresses`] with an empty list); SERVFAIL →
///   `ServFail`; REFUSED → `Refused`; a server that answers ICMP
///   unreachable → `Unreachable`; nothing before `deadline` → `Timeout`;
///   `NotAsked` when no query for the name was even sent before it (its own
///   concurrency cap, no socket) and `NoRoute` when none could leave this
///   host (no route to the resolver).
///   When one family answers addresses and the other fails, the addresses
///   win;
/// * return by `deadline` (the engine also cuts the call off there and
///   records a timeout, but then the resolver and timing are lost);
/// * use `tokio::time` for every wait, never `std::thread::sleep` or
///   `std::time::Instant`, so that the engine works under a paused clock.
///
/// `host` is a DNS name in lower case without a trailing dot; IP literals
/// never reach the resolver.
pub trait Resolver {
    /// Resolves `host` before `deadline`.
    fn resolve(&self, host: &str, deadline: Instant) -> impl Future<Output = Resolution>;
}

/// What a [`Dialer`] did with one address.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dialed {
    /// One of [`TcpOutcome::Connected`], [`TcpOutcome::Refused`] (RST),
    /// [`TcpOutcome::Timeout`] (no answer before the deadline),
    /// [`TcpOutcome::Unreachable`] (ICMP host/net unreachable) or
    /// [`TcpOutcome::NoLocalRoute`] (nothing sent). The `Skipped*` outcomes are the engine's to decide; a dialer
    /// returning one is recorded as `SkippedDeadline`.
    pub outcome: TcpOutcome,
    /// Time from starting the connect to its outcome, in milliseconds
    /// (`tokio::time::Instant`).
    pub ms: f64,
}

/// Opens direct TCP connections (never through a proxy).
///
/// Implementations must return by `deadline` ([`TcpOutcome::Timeout`] when
/// the handshake has not completed by then), close the connection again
/// (the probe proves the path, it sends no data), and use `tokio::time` for
/// every wait.
pub trait Dialer {
    /// Connects to `addr` before `deadline`.
    fn dial(&self, addr: SocketAddr, deadline: Instant) -> impl Future<Output = Dialed>;

    /// Connects to `addr` again and performs a TLS handshake presenting
    /// `server_name` (SNI), before `deadline`, reporting the certificate's
    /// issuer and whether it chains to the public web roots. Only called
    /// with `--tls`, on the first address that connected.
    ///
    /// The default says the dialer cannot do TLS ([`TlsOutcome::Failed`]),
    /// which suits simulations that only model TCP.
    fn tls_handshake(
        &self,
        addr: SocketAddr,
        server_name: &str,
        deadline: Instant,
    ) -> impl Future<Output = TlsReport> {
        let _ = (addr, server_name, deadline);
        std::future::ready(TlsReport {
            outcome: TlsOutcome::Failed,
            issuer: None,
            detail: Some("this dialer does not perform TLS handshakes".to_owned()),
            ms: None,
        })
    }
}

/// What to do for one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// Resolve and dial it.
    Dial,
    /// Do not check it: report it as unknown, with this reason as its hint
    /// (e.g. ECR Docker without an account id).
    Unverified(String),
}

/// One endpoint to probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The endpoint service suffix (`secretsmanager`, `ecr.api`, …) or
    /// `custom`.
    pub service: String,
    /// A DNS name (lower case, no trailing dot) or an IP literal.
    pub host: String,
    /// The TCP port to dial.
    pub port: u16,
    /// Whether to check it.
    pub check: Check,
}

/// How the engine runs.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeOptions {
    /// The whole probe's budget: it ends by `start + timeout`.
    pub timeout: Duration,
    /// The share of `timeout` DNS may use (0 to 1; the rest is left for
    /// connects, which may also use the whole budget).
    pub dns_share: f64,
    /// At most this many addresses are dialled per host (core reports the
    /// others as `skipped_cap`).
    pub max_dials_per_host: usize,
    /// Whether to perform a TLS handshake on the first connected address.
    pub tls: bool,
}

/// The default budget of `netready probe`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The default per-host dial cap: an interface endpoint has one address per
/// AZ (at most six in any region today), and a few IPv6 ones beside them.
pub const DEFAULT_MAX_DIALS_PER_HOST: usize = 16;

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions {
            timeout: DEFAULT_TIMEOUT,
            dns_share: 0.5,
            max_dials_per_host: DEFAULT_MAX_DIALS_PER_HOST,
            tls: false,
        }
    }
}

/// How long after the DNS deadline the engine cuts off a resolver that has
/// not returned (see `probe_one`).
const DNS_CUT_OFF_GRACE: Duration = Duration::from_millis(50);

fn ms_since(start: Instant) -> f64 {
    Instant::now().duration_since(start).as_secs_f64() * 1000.0
}

/// Probes every target concurrently and returns the finished report.
///
/// `ctx` is copied into the report; its public-IP setting and VPC CIDRs
/// drive core's classification. See the module docs for the guarantees.
pub async fn probe<R: Resolver, D: Dialer>(
    targets: &[Target],
    ctx: &ProbeContext,
    resolver: &R,
    dialer: &D,
    options: &ProbeOptions,
) -> Report {
    let start = Instant::now();
    let deadline = start + options.timeout;
    let dns_deadline = start + options.timeout.mul_f64(options.dns_share.clamp(0.05, 1.0));
    let task = TaskContext {
        public_ip: ctx.public_ip.value,
        vpc_cidrs: &ctx.vpc_cidrs.value,
    };
    let limits = Limits {
        deadline,
        dns_deadline,
        options,
    };

    let results = join_all(
        targets
            .iter()
            .map(|t| probe_one(t, &task, resolver, dialer, &limits)),
    )
    .await;

    let mut report = Report::new(ReportKind::Probe, ctx.region.value.clone());
    report.context = Some(ctx.clone());
    for (endpoint, findings) in results {
        report.endpoints.push(endpoint);
        report.findings.extend(findings);
    }
    report.finish();
    report
}

struct Limits<'a> {
    deadline: Instant,
    dns_deadline: Instant,
    options: &'a ProbeOptions,
}

async fn probe_one<R: Resolver, D: Dialer>(
    target: &Target,
    task: &TaskContext<'_>,
    resolver: &R,
    dialer: &D,
    limits: &Limits<'_>,
) -> (EndpointReport, Vec<netready_core::report::Finding>) {
    if let Check::Unverified(why) = &target.check {
        let e = rules::unverified_endpoint(&target.service, target.host.clone(), target.port, why);
        return (e, Vec::new());
    }
    let literal = target.host.parse::<IpAddr>().ok();
    let resolution = match literal {
        Some(ip) => Resolution {
            answer: DnsAnswer::Addresses(vec![ip]),
            resolver: None,
            cnames: Vec::new(),
            ms: 0.0,
            queries: Some(0),
            resent: Some(0),
            resent_to_resolver: Some(0),
        },
        None => {
            let began = Instant::now();
            // The cut-off comes a moment after the resolver's own deadline:
            // hundreds of lookups on one task exhaust tokio's cooperative
            // budget, so a resolver's timer can be polled a little late, and
            // it should still report what it sent rather than be cut off.
            let cut_off = (limits.dns_deadline + DNS_CUT_OFF_GRACE).min(limits.deadline);
            match timeout_at(cut_off, resolver.resolve(&target.host, limits.dns_deadline)).await {
                Ok(r) => r,
                Err(_) => Resolution::timed_out(ms_since(began)),
            }
        }
    };

    let cap = limits.options.max_dials_per_host;
    let tls_wanted = limits.options.tls;
    // The TLS handshake starts as soon as the first address connects, not
    // after the slowest (possibly black-holed) address gives up.
    let tls_claimed = AtomicBool::new(false);
    let tls_report: Mutex<Option<TlsReport>> = Mutex::new(None);

    let dials = match &resolution.answer {
        DnsAnswer::Failed(_) => Vec::new(),
        DnsAnswer::Addresses(addresses) => {
            let plan = rules::plan_dials(addresses, task, cap);
            let to_dial = plan
                .iter()
                .filter(|p| p.action == DialAction::Dial)
                .map(|p| p.ip);
            join_all(to_dial.map(|ip| {
                let tls_claimed = &tls_claimed;
                let tls_report = &tls_report;
                async move {
                    let addr = SocketAddr::new(ip, target.port);
                    let began = Instant::now();
                    let dialed =
                        match timeout_at(limits.deadline, dialer.dial(addr, limits.deadline)).await
                        {
                            Ok(d) => d,
                            Err(_) => Dialed {
                                outcome: TcpOutcome::Timeout,
                                ms: ms_since(began),
                            },
                        };
                    if dialed.outcome == TcpOutcome::Connected
                        && tls_wanted
                        && !tls_claimed.swap(true, Ordering::AcqRel)
                    {
                        let began = Instant::now();
                        let tls = match timeout_at(
                            limits.deadline,
                            dialer.tls_handshake(addr, &target.host, limits.deadline),
                        )
                        .await
                        {
                            Ok(t) => t,
                            Err(_) => TlsReport {
                                outcome: TlsOutcome::Failed,
                                issuer: None,
                                detail: Some(
                                    "the TLS handshake did not finish before the deadline"
                                        .to_owned(),
                                ),
                                ms: Some(ms_since(began)),
                            },
                        };
                        *tls_report
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(tls);
                    }
                    (ip, dialed.outcome, Some(dialed.ms))
                }
            }))
            .await
        }
    };

    let obs = Observation {
        service: target.service.clone(),
        host: target.host.clone(),
        port: target.port,
        dns: resolution.answer.clone(),
        dials,
    };
    let assessment = rules::assess_endpoint(&obs, task, cap);
    let mut endpoint = assessment.endpoint;
    let mut findings = assessment.findings;
    if literal.is_none() {
        let resent = resolution.resent_to_resolver.or(resolution.resent);
        if let Some(hint) = rules::dns_resent_hint(resent.unwrap_or(0), &obs.dns) {
            endpoint.hints.push(hint);
        }
        endpoint.dns = Some(DnsReport {
            resolver: resolution.resolver.map(|r| r.to_string()),
            cnames: resolution.cnames,
            ms: resolution.ms,
            queries: resolution.queries,
            resent: resolution.resent,
        });
    }
    if tls_wanted {
        let tls = tls_report
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let tls = tls.unwrap_or(TlsReport {
            outcome: TlsOutcome::NotAttempted,
            issuer: None,
            detail: Some("no address connected".to_owned()),
            ms: None,
        });
        findings.extend(rules::tls_finding(&target.host, &tls));
        endpoint.tls = Some(tls);
    }
    (endpoint, findings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use netready_core::report::{FailureCode, Reachability, Source, Sourced, Status};
    use netready_core::rules::PublicIp;
    use std::collections::HashMap;
    use std::sync::atomic::AtomicUsize;

    /// A resolver answering from a table after a virtual delay; unknown
    /// names never answer.
    struct FakeResolver {
        answers: HashMap<&'static str, DnsAnswer>,
        delay: Duration,
    }

    impl Resolver for FakeResolver {
        async fn resolve(&self, host: &str, deadline: Instant) -> Resolution {
            let began = Instant::now();
            match self.answers.get(host) {
                Some(a) => {
                    tokio::time::sleep(self.delay).await;
                    Resolution {
                        answer: a.clone(),
                        resolver: Some("192.0.2.53:53".parse().expect("literal socket address")),
                        cnames: Vec::new(),
                        ms: ms_since(began),
                        queries: None,
                        resent: None,
                        resent_to_resolver: None,
                    }
                }
                None => {
                    tokio::time::sleep_until(deadline + Duration::from_secs(100)).await;
                    Resolution::timed_out(ms_since(began))
                }
            }
        }
    }

    /// A dialer whose outcome depends on the last octet: .1 connects after
    /// 1 ms, .2 is refused, .3 hangs forever (ignoring the deadline, to prove
    /// the engine cuts it off).
    struct FakeDialer {
        dials: AtomicUsize,
    }

    impl Dialer for FakeDialer {
        async fn dial(&self, addr: SocketAddr, _deadline: Instant) -> Dialed {
            self.dials.fetch_add(1, Ordering::SeqCst);
            let began = Instant::now();
            let last = match addr.ip() {
                IpAddr::V4(v4) => v4.octets()[3],
                IpAddr::V6(_) => 1,
            };
            let outcome = match last {
                1 => {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    TcpOutcome::Connected
                }
                2 => TcpOutcome::Refused,
                _ => std::future::pending().await,
            };
            Dialed {
                outcome,
                ms: ms_since(began),
            }
        }
    }

    fn ctx() -> ProbeContext {
        ProbeContext {
            region: Sourced {
                value: Some("eu-west-1".into()),
                source: Source::Flag,
            },
            ecr_account: Sourced {
                value: None,
                source: Source::Unknown,
            },
            public_ip: Sourced {
                value: PublicIp::NotAssigned,
                source: Source::Flag,
            },
            vpc_cidrs: Sourced {
                value: Vec::new(),
                source: Source::Unknown,
            },
            resolvers: Sourced {
                value: Vec::new(),
                source: Source::Flag,
            },
            subnet_id: Sourced::unknown(),
            vpc_id: Sourced::unknown(),
            availability_zone: Sourced::unknown(),
        }
    }

    fn target(host: &str) -> Target {
        Target {
            service: "custom".into(),
            host: host.into(),
            port: 443,
            check: Check::Dial,
        }
    }

    fn addrs(list: &[&str]) -> DnsAnswer {
        DnsAnswer::Addresses(
            list.iter()
                .map(|a| a.parse().expect("literal address"))
                .collect(),
        )
    }

    #[tokio::test(start_paused = true)]
    async fn engine_under_paused_clock() {
        let resolver = FakeResolver {
            answers: HashMap::from([
                ("ok", addrs(&["10.0.0.1", "10.0.1.2"])),
                ("sink", addrs(&["127.0.0.1", "0.0.0.0"])),
                ("hole", addrs(&["52.0.0.3"])),
                ("nx", DnsAnswer::Failed(DnsFailure::NxDomain)),
            ]),
            delay: Duration::from_millis(200),
        };
        let dialer = FakeDialer {
            dials: AtomicUsize::new(0),
        };
        let targets: Vec<Target> = ["ok", "sink", "hole", "nx", "silent", "10.9.9.1"]
            .iter()
            .map(|h| target(h))
            .collect();
        let started = Instant::now();
        let report = probe(
            &targets,
            &ctx(),
            &resolver,
            &dialer,
            &ProbeOptions::default(),
        )
        .await;
        // Ends exactly at the deadline, because "hole" hangs until then.
        assert_eq!(Instant::now() - started, DEFAULT_TIMEOUT);
        assert_eq!(report.status, Status::Degraded);
        let by_host = |h: &str| {
            report
                .endpoints
                .iter()
                .find(|e| e.host == h)
                .expect("every target reported")
        };
        assert_eq!(by_host("ok").reachable, Reachability::Reachable);
        assert_eq!(by_host("ok").addresses[1].outcome, TcpOutcome::Refused);
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.code.as_str() == "partial-reachability")
        );
        assert_eq!(by_host("sink").failure, Some(FailureCode::DnsSinkhole));
        assert_eq!(by_host("hole").failure, Some(FailureCode::TcpTimeout));
        assert_eq!(by_host("nx").failure, Some(FailureCode::DnsNxdomain));
        assert_eq!(by_host("silent").failure, Some(FailureCode::DnsTimeout));
        assert_eq!(by_host("10.9.9.1").reachable, Reachability::Reachable);
        assert!(by_host("10.9.9.1").dns.is_none());
        let dns_ms = by_host("ok")
            .dns
            .as_ref()
            .expect("resolved targets carry DNS details")
            .ms;
        assert!((dns_ms - 200.0).abs() < 1.0, "{dns_ms}");
        // ok: 2, hole: 1, literal: 1; the sinkhole answers were never dialled.
        assert_eq!(dialer.dials.load(Ordering::SeqCst), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn unverified_and_tls_not_attempted() {
        let resolver = FakeResolver {
            answers: HashMap::new(),
            delay: Duration::ZERO,
        };
        let dialer = FakeDialer {
            dials: AtomicUsize::new(0),
        };
        let mut t = target("x.dkr.ecr");
        t.check = Check::Unverified("no account".into());
        let options = ProbeOptions {
            tls: true,
            timeout: Duration::from_secs(1),
            ..ProbeOptions::default()
        };
        let report = probe(
            &[t, target("10.0.0.1"), target("10.0.0.2")],
            &ctx(),
            &resolver,
            &dialer,
            &options,
        )
        .await;
        assert_eq!(report.endpoints[0].reachable, Reachability::Unknown);
        let tls = report.endpoints[1].tls.as_ref().expect("tls requested");
        assert_eq!(tls.outcome, TlsOutcome::Failed);
        let tls = report.endpoints[2].tls.as_ref().expect("tls requested");
        assert_eq!(tls.outcome, TlsOutcome::NotAttempted);
        assert_eq!(report.status, Status::Degraded);
    }
}
