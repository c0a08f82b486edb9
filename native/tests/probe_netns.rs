//! `netready probe` (the binary) inside network namespaces, for what
//! loopback cannot show: private and public addresses, a black-holed address
//! (DROP: `tcp_timeout` at the deadline), ICMP reject and no route
//! (`tcp_unreachable`), proxy variables pointing at a live trap, and the
//! exit codes 0 and 3.
//!
//! Layout, per test (unique names, deleted on drop):
//!
//! ```text
//!  client ns                          server ns
//!  netready probe                     10.99.1.1-2:443, 52.94.76.1:443  listeners
//!  DNS server 127.0.0.1:N             10.99.1.3  no listener     -> refused
//!  10.99.0.1/24 ===== veth ===== 10.99.0.2/24
//!  routes: 10.99.1.0/24, 52.94.76.0/24 via 10.99.0.2   (nothing else)
//!                                     10.99.1.4  nft/iptables DROP   -> timeout
//!                                     10.99.1.5  REJECT host-unreach -> unreachable
//!  10.98.0.1: no route                                              -> unreachable
//! ```
//!
//! Neither namespace has a default route or any link to the machine's
//! network. Where namespaces cannot be made, each test says so and passes.
//!
//! Time bounds assert only that things end by their deadline (plus a wide
//! margin, since a loaded machine delays scheduling); speed is measured by
//! `bench/probe.sh`, never here.

use netready_core::report::{Report, Status};
use netready_test_support::dns_server::{Answer, DnsServer};
use netready_test_support::listeners::Listeners;
use netready_test_support::netns::{NetNs, skip, veth};
use std::net::{IpAddr, SocketAddr};
use std::process::Output;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_netready");

struct Net {
    client: NetNs,
    server: NetNs,
    dns: DnsServer,
    listeners: Listeners,
    /// Whether DROP and REJECT rules could be installed.
    firewall: Result<(), String>,
}

fn ip(s: &str) -> IpAddr {
    s.parse().expect("literal address")
}

fn sa(s: &str) -> SocketAddr {
    s.parse().expect("literal socket address")
}

/// Installs the DROP and REJECT rules in `ns`, with nft, else iptables.
fn firewall(ns: &NetNs) -> Result<(), String> {
    let nft = ns
        .exec("nft", &["add", "table", "inet", "nr"])
        .and_then(|_| {
            ns.exec(
                "nft",
                &["add chain inet nr input { type filter hook input priority 0 ; policy accept ; }"],
            )
        })
        .and_then(|_| ns.exec("nft", &["add rule inet nr input ip daddr 10.99.1.4 tcp dport 443 drop"]))
        .and_then(|_| {
            ns.exec(
                "nft",
                &["add rule inet nr input ip daddr 10.99.1.5 tcp dport 443 reject with icmp type host-unreachable"],
            )
        });
    if nft.is_ok() {
        return Ok(());
    }
    let ipt = ns
        .exec(
            "iptables",
            &[
                "-A",
                "INPUT",
                "-d",
                "10.99.1.4",
                "-p",
                "tcp",
                "--dport",
                "443",
                "-j",
                "DROP",
            ],
        )
        .and_then(|_| {
            ns.exec(
                "iptables",
                &[
                    "-A",
                    "INPUT",
                    "-d",
                    "10.99.1.5",
                    "-p",
                    "tcp",
                    "--dport",
                    "443",
                    "-j",
                    "REJECT",
                    "--reject-with",
                    "icmp-host-unreachable",
                ],
            )
        });
    ipt.map(|_| ()).map_err(|e| {
        format!(
            "neither nft ({}) nor iptables ({e}) worked",
            nft.err().unwrap_or_default()
        )
    })
}

fn net(test: &str) -> Option<Net> {
    let made = (|| -> Result<Net, String> {
        let client = NetNs::new("c")?;
        let server = NetNs::new("s")?;
        veth(&client, "10.99.0.1/24", &server, "10.99.0.2/24")?;
        for a in [
            "10.99.1.1/32",
            "10.99.1.2/32",
            "10.99.1.3/32",
            "10.99.1.4/32",
            "10.99.1.5/32",
            "52.94.76.1/32",
        ] {
            server.ip(&["addr", "add", a, "dev", "lo"])?;
        }
        for r in ["10.99.1.0/24", "52.94.76.0/24"] {
            client.ip(&["route", "add", r, "via", "10.99.0.2"])?;
        }
        // Without this, concurrent rejects are rate-limited into timeouts.
        server.sysctl("net.ipv4.icmp_ratelimit=0")?;
        // The global ICMP budget (a burst of 50 by default) would still drop
        // rejects when 50 or more go out at once; per namespace on recent
        // kernels, so best effort.
        let _ = server.sysctl("net.ipv4.icmp_msgs_burst=10000");
        let _ = server.sysctl("net.ipv4.icmp_msgs_per_sec=100000");
        let dns = DnsServer::start_in(Some(client.name()), sa("127.0.0.1:0"))?;
        let listeners = Listeners::start_in(
            Some(server.name()),
            &[
                sa("10.99.1.1:443"),
                sa("10.99.1.2:443"),
                sa("52.94.76.1:443"),
            ],
        )?;
        let firewall = firewall(&server);
        Ok(Net {
            client,
            server,
            dns,
            listeners,
            firewall,
        })
    })();
    match made {
        Ok(n) => Some(n),
        Err(e) => {
            skip(test, &e);
            None
        }
    }
}

impl Net {
    /// The runner profile in eu-west-1: interface endpoints on private
    /// addresses, S3 on a public one.
    fn runner_zone(&self) {
        let d = &self.dns;
        d.set(
            "secretsmanager.eu-west-1.amazonaws.com",
            Answer::Addresses(vec![ip("10.99.1.1")]),
        );
        d.set(
            "logs.eu-west-1.amazonaws.com",
            Answer::Addresses(vec![ip("10.99.1.1"), ip("10.99.1.2")]),
        );
        d.set(
            "api.ecr.eu-west-1.amazonaws.com",
            Answer::Cname("vpce-0abc.ecr.example".into()),
        );
        d.set(
            "vpce-0abc.ecr.example",
            Answer::Addresses(vec![ip("10.99.1.2")]),
        );
        d.set(
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
            Answer::Addresses(vec![ip("10.99.1.1")]),
        );
        d.set(
            "s3.eu-west-1.amazonaws.com",
            Answer::Addresses(vec![ip("52.94.76.1")]),
        );
        d.set(
            "prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com",
            Answer::Addresses(vec![ip("52.94.76.1")]),
        );
    }

    /// Runs the probe in the client namespace with `args` (plus the DNS
    /// server, the region and metadata disabled) and `env`.
    fn probe(&self, args: &[&str], env: &[(&str, &str)]) -> (Output, Duration) {
        let dns = self.dns.addr().to_string();
        self.probe_bare(&[&["--dns-server", dns.as_str()], args].concat(), env)
    }

    /// Runs the probe in the client namespace with `args`, the region and
    /// metadata disabled, and `env`: without `--dns-server`, it asks the
    /// namespace's resolv.conf (see [`NetNs::resolv_conf`]).
    fn probe_bare(&self, args: &[&str], env: &[(&str, &str)]) -> (Output, Duration) {
        let mut cmd = self.client.command(BIN);
        cmd.args(["probe", "--region", "eu-west-1"])
            .args(args)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("ECS_CONTAINER_METADATA_URI_V4")
            .env("NO_COLOR", "1");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let began = Instant::now();
        let out = cmd.output().expect("run netready in the namespace");
        (out, began.elapsed())
    }
}

fn json(out: &Output) -> Report {
    let parsed = serde_json::from_slice::<Report>(&out.stdout);
    assert!(
        parsed.is_ok(),
        "not a netready.report/v1 report ({:?}):\nstdout: {}\nstderr: {}",
        parsed.as_ref().err(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    parsed.expect("checked just above")
}

fn access(r: &Report, host: &str) -> Option<&'static str> {
    r.endpoints
        .iter()
        .find(|e| e.host == host)
        .and_then(|e| e.access_type)
        .map(|a| a.as_str())
}

#[test]
fn access_types_by_address_and_public_ip() {
    let Some(n) = net("access_types_by_address_and_public_ip") else {
        return;
    };
    n.runner_zone();
    let base = [
        "--ecr-account",
        "123456789012",
        "--format",
        "json",
        "--timeout",
        "2s",
    ];

    let (out, _) = n.probe(&[&base[..], &["--public-ip", "no"]].concat(), &[]);
    let r = json(&out);
    assert_eq!(out.status.code(), Some(0), "{r:#?}");
    assert_eq!(r.status, Status::Ready);
    assert_eq!(
        access(&r, "secretsmanager.eu-west-1.amazonaws.com"),
        Some("vpc_endpoint")
    );
    assert_eq!(
        access(&r, "s3.eu-west-1.amazonaws.com"),
        Some("nat_gateway")
    );
    let ecr = r
        .endpoints
        .iter()
        .find(|e| e.service == "ecr.api")
        .expect("runner profile has ecr.api");
    assert_eq!(
        ecr.dns.as_ref().map(|d| d.cnames.clone()),
        Some(vec!["vpce-0abc.ecr.example".to_owned()])
    );
    assert!(r.findings.is_empty(), "{:?}", r.findings);

    let (out, _) = n.probe(&[&base[..], &["--public-ip", "yes"]].concat(), &[]);
    let r = json(&out);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        access(&r, "s3.eu-west-1.amazonaws.com"),
        Some("internet_gateway")
    );

    // auto without instance metadata: unknown, so public answers say `public`.
    let (out, _) = n.probe(&base, &[]);
    let r = json(&out);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(access(&r, "s3.eu-west-1.amazonaws.com"), Some("public"));
    assert_eq!(
        r.context.as_ref().map(|c| c.public_ip.value.as_str()),
        Some("unknown")
    );

    // Every address of every endpoint was dialled.
    assert!(n.listeners.wait_accepted(0, 3, Duration::from_secs(2)) >= 3);
    assert!(n.listeners.wait_accepted(1, 3, Duration::from_secs(2)) >= 3);
    assert!(n.listeners.wait_accepted(2, 3, Duration::from_secs(2)) >= 3);
}

#[test]
fn ecr_without_account_is_unknown_exit_3() {
    let Some(n) = net("ecr_without_account_is_unknown_exit_3") else {
        return;
    };
    n.runner_zone();
    let (out, _) = n.probe(&["--public-ip", "no", "--format", "json"], &[]);
    let r = json(&out);
    assert_eq!(out.status.code(), Some(3), "{r:#?}");
    assert_eq!(r.status, Status::Unknown);
    let ecr = r
        .endpoints
        .iter()
        .find(|e| e.service == "ecr.dkr")
        .expect("runner profile has ecr.dkr");
    assert_eq!(ecr.host, "<account>.dkr.ecr.eu-west-1.amazonaws.com");
    let raw: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let raw_ecr = raw["endpoints"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["service"] == "ecr.dkr"))
        .cloned();
    assert_eq!(
        raw_ecr.map(|e| e["reachable"].clone()),
        Some(serde_json::Value::Null)
    );

    // The table says it too.
    let (out, _) = n.probe(&["--public-ip", "no"], &[]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3));
    assert!(table.contains("unknown"), "{table}");
    assert!(table.contains("status: unknown"), "{table}");
    assert!(!table.contains('\x1b'), "no colour when not on a terminal");
}

#[test]
fn drop_reject_no_route_and_refused() {
    let Some(n) = net("drop_reject_no_route_and_refused") else {
        return;
    };
    if let Err(e) = &n.firewall {
        skip(
            "drop_reject_no_route_and_refused",
            &format!("no packet filter: {e}"),
        );
        return;
    }
    n.runner_zone();
    n.dns
        .set("drop.example", Answer::Addresses(vec![ip("10.99.1.4")]));
    n.dns
        .set("reject.example", Answer::Addresses(vec![ip("10.99.1.5")]));
    n.dns
        .set("noroute.example", Answer::Addresses(vec![ip("10.98.0.1")]));
    n.dns
        .set("refused.example", Answer::Addresses(vec![ip("10.99.1.3")]));
    n.dns.set(
        "half.example",
        Answer::Addresses(vec![ip("10.99.1.1"), ip("10.99.1.4")]),
    );
    // An A and an AAAA answer in a namespace without any IPv6 route: the
    // IPv6 address cannot be dialled from here at all (no packet leaves).
    n.dns.set(
        "dual.example",
        Answer::Addresses(vec![ip("10.99.1.2"), ip("2600:1f18::5")]),
    );
    let (out, took) = n.probe(
        &[
            "--ecr-account",
            "123456789012",
            "--public-ip",
            "no",
            "--format",
            "json",
            "--timeout",
            "1500ms",
            "--endpoint",
            "drop.example",
            "--endpoint",
            "reject.example",
            "--endpoint",
            "noroute.example",
            "--endpoint",
            "refused.example",
            "--endpoint",
            "half.example",
            "--endpoint",
            "dual.example",
        ],
        &[],
    );
    let r = json(&out);
    assert_eq!(out.status.code(), Some(1), "{r:#?}");
    assert_eq!(r.status, Status::Degraded);
    let failure = |h: &str| {
        r.endpoints
            .iter()
            .find(|e| e.host == h)
            .and_then(|e| e.failure)
            .map(|f| f.to_string())
    };
    assert_eq!(failure("drop.example").as_deref(), Some("tcp_timeout"));
    assert_eq!(
        failure("reject.example").as_deref(),
        Some("tcp_unreachable")
    );
    assert_eq!(
        failure("noroute.example").as_deref(),
        Some("tcp_unreachable")
    );
    assert_eq!(failure("refused.example").as_deref(), Some("tcp_refused"));
    assert_eq!(failure("half.example"), None);
    assert!(
        r.findings
            .iter()
            .any(|f| f.code.as_str() == "partial-reachability" && f.resource == "half.example")
    );
    let outcomes = |h: &str| -> Vec<&'static str> {
        r.endpoints
            .iter()
            .find(|e| e.host == h)
            .map(|e| e.addresses.iter().map(|a| a.outcome.as_str()).collect())
            .unwrap_or_default()
    };
    // No route here (nothing sent) and an ICMP reject from the far side are
    // told apart; both make an endpoint with no other address unreachable.
    assert_eq!(outcomes("noroute.example"), ["no_local_route"]);
    assert_eq!(outcomes("reject.example"), ["unreachable"]);
    // The IPv6 answer without a route is a hint, not a partial failure.
    assert_eq!(failure("dual.example"), None);
    assert_eq!(outcomes("dual.example"), ["connected", "no_local_route"]);
    assert!(
        !r.findings.iter().any(|f| f.resource == "dual.example"),
        "{:?}",
        r.findings
    );
    // The black-holed address times out at the deadline, not before, and
    // the whole probe ends right after it.
    let drop_ms = r
        .endpoints
        .iter()
        .find(|e| e.host == "drop.example")
        .and_then(|e| e.addresses[0].ms);
    assert!(
        drop_ms.is_some_and(|ms| (1400.0..2500.0).contains(&ms)),
        "{drop_ms:?}"
    );
    assert!(took < Duration::from_millis(3500), "{took:?}");
    // Unreachable is told at once, not at the deadline.
    let reject_ms = r
        .endpoints
        .iter()
        .find(|e| e.host == "reject.example")
        .and_then(|e| e.addresses[0].ms);
    assert!(reject_ms.is_some_and(|ms| ms < 1000.0), "{reject_ms:?}");
}

#[test]
fn many_black_holed_endpoints_end_within_the_timeout() {
    let Some(n) = net("many_black_holed_endpoints_end_within_the_timeout") else {
        return;
    };
    if let Err(e) = &n.firewall {
        skip(
            "many_black_holed_endpoints_end_within_the_timeout",
            &format!("no packet filter: {e}"),
        );
        return;
    }
    n.runner_zone();
    let mut args: Vec<String> = [
        "--ecr-account",
        "123456789012",
        "--public-ip",
        "no",
        "--format",
        "json",
        "--timeout",
        "1s",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for i in 0..100 {
        let host = format!("h{i}.example");
        let answer = match i % 4 {
            0 => Answer::Addresses(vec![ip("10.99.1.4")]),
            1 => Answer::Addresses(vec![ip("10.99.1.5")]),
            2 => Answer::Silence,
            _ => Answer::Addresses(vec![ip("10.99.1.4"), ip("10.99.1.5"), ip("10.98.0.1")]),
        };
        n.dns.set(&host, answer);
        args.push("--endpoint".into());
        args.push(host);
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (out, took) = n.probe(&refs, &[]);
    let r = json(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(took < Duration::from_millis(3000), "{took:?}");
    let count = |code: &str| {
        r.endpoints
            .iter()
            .filter(|e| e.failure.map(|f| f.to_string()).as_deref() == Some(code))
            .count()
    };
    assert_eq!(count("tcp_timeout"), 25);
    // With the ICMP rate limit off, every concurrent reject comes back: 25
    // rejected endpoints plus 25 whose three dead addresses are mostly
    // unreachable (core names the outcome most addresses share).
    assert_eq!(count("tcp_unreachable"), 50);
    assert_eq!(count("dns_timeout"), 25);
    let mixed = r
        .endpoints
        .iter()
        .find(|e| e.host == "h3.example")
        .expect("reported");
    assert_eq!(mixed.addresses.len(), 3);
}

#[test]
fn a_low_open_files_limit_is_not_reported_as_unreachable() {
    let Some(n) = net("a_low_open_files_limit_is_not_reported_as_unreachable") else {
        return;
    };
    let test = "a_low_open_files_limit_is_not_reported_as_unreachable";
    if let Err(e) = &n.firewall {
        skip(test, &format!("no packet filter: {e}"));
        return;
    }
    if std::process::Command::new("prlimit")
        .arg("--version")
        .output()
        .is_err()
    {
        skip(test, "prlimit (util-linux) is missing");
        return;
    }
    // 450 endpoints, each a live address and a black-holed one, under an
    // open-files limit of 384: the black-holed connects hold a descriptor
    // each until the deadline. Dialled all at once, the later ones fail with
    // EMFILE, which is no fact about the endpoint; the dialler must queue
    // them in its slots, and what cannot get a slot in time is reported as
    // not dialled (skipped_deadline), never as unreachable.
    let mut args: Vec<String> = Vec::new();
    for i in 0..450 {
        let host = format!("e{i}.example");
        n.dns.set(
            &host,
            Answer::Addresses(vec![ip("10.99.1.1"), ip("10.99.1.4")]),
        );
        args.push("--endpoint".into());
        args.push(host);
    }
    n.runner_zone();
    let dns = n.dns.addr().to_string();
    let out = n
        .client
        .command("prlimit")
        .args(["--nofile=384:384", BIN, "probe", "--region", "eu-west-1"])
        .args(["--dns-server", &dns, "--ecr-account", "123456789012"])
        .args(["--public-ip", "no", "--format", "json", "--timeout", "3s"])
        .args(&args)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("ECS_CONTAINER_METADATA_URI_V4")
        .output()
        .expect("run netready under prlimit in the namespace");
    let r = json(&out);
    let mut seen = std::collections::BTreeMap::<(String, &str), usize>::new();
    for a in r.endpoints.iter().flat_map(|e| &e.addresses) {
        *seen
            .entry((a.ip.to_string(), a.outcome.as_str()))
            .or_default() += 1;
    }
    let allowed = [
        ("10.99.1.1", "connected"),
        ("10.99.1.1", "skipped_deadline"),
        ("10.99.1.4", "timeout"),
        ("10.99.1.4", "skipped_deadline"),
        ("10.99.1.2", "connected"),
        ("52.94.76.1", "connected"),
    ];
    assert!(
        seen.keys()
            .all(|(ip, o)| allowed.contains(&(ip.as_str(), *o))),
        "{seen:?}"
    );
    assert!(
        seen.contains_key(&("10.99.1.1".to_owned(), "connected")),
        "{seen:?}"
    );
}

#[test]
fn proxy_variables_are_ignored() {
    let Some(n) = net("proxy_variables_are_ignored") else {
        return;
    };
    n.runner_zone();
    // A live trap in the client namespace: a proxy client would connect here.
    let trap =
        Listeners::start_in(Some(n.client.name()), &[sa("127.0.0.1:0")]).expect("trap listener");
    let proxy = format!("http://{}", trap.addrs()[0]);
    let env: Vec<(&str, &str)> = [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ]
    .iter()
    .map(|k| (*k, proxy.as_str()))
    .chain([("NO_PROXY", ""), ("no_proxy", "")])
    .collect();
    let (out, _) = n.probe(
        &[
            "--ecr-account",
            "123456789012",
            "--public-ip",
            "no",
            "--format",
            "json",
            "--tls",
        ],
        &env,
    );
    let r = json(&out);
    // Reachable directly. The listeners are not TLS servers, so the TLS step
    // fails (tls-failed: degraded), but it too went direct.
    assert_eq!(out.status.code(), Some(1), "{r:#?}");
    assert!(
        r.endpoints.iter().all(|e| e.service == "ecr.dkr"
            || e.reachable == netready_core::report::Reachability::Reachable)
    );
    assert!(
        r.findings.iter().all(|f| f.code.as_str() == "tls-failed"),
        "{:?}",
        r.findings
    );
    assert!(n.listeners.wait_accepted(0, 1, Duration::from_secs(2)) >= 1);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        trap.accepted_total(),
        0,
        "something went to the proxy: {:?}",
        String::from_utf8_lossy(&trap.received())
    );
}

#[test]
fn namespaces_are_removed() {
    let name;
    {
        let Some(n) = net("namespaces_are_removed") else {
            return;
        };
        name = n.client.name().to_owned();
        let listed =
            netready_test_support::netns::run("ip", &["netns", "list"]).expect("ip netns list");
        assert!(String::from_utf8_lossy(&listed.stdout).contains(&name));
        drop(n.server);
    }
    let listed =
        netready_test_support::netns::run("ip", &["netns", "list"]).expect("ip netns list");
    assert!(!String::from_utf8_lossy(&listed.stdout).contains(&name));
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn endpoint<'a>(r: &'a Report, host: &str) -> &'a netready_core::report::EndpointReport {
    r.endpoints
        .iter()
        .find(|e| e.host == host)
        .expect("every target is reported")
}

const BASE: [&str; 6] = [
    "--ecr-account",
    "123456789012",
    "--public-ip",
    "no",
    "--format",
    "json",
];

/// Issue 13, case 4: resolv.conf names four servers; the first three fail
/// (SERVFAIL, dead, SERVFAIL) and only the fourth would answer. glibc and
/// musl use the first three, so the task's programs cannot resolve: the
/// probe must say degraded, never ask the fourth, and warn that it ignored
/// it.
#[test]
fn only_the_first_three_nameservers_are_used() {
    let test = "only_the_first_three_nameservers_are_used";
    let Some(n) = net(test) else { return };
    let made = (|| -> Result<_, String> {
        let failing = |bind: &str| -> Result<DnsServer, String> {
            let s = DnsServer::start_in(Some(n.client.name()), sa(bind))?;
            s.set_default(Answer::ServFail, Duration::ZERO);
            Ok(s)
        };
        let first = failing("127.0.0.1:53")?;
        let third = failing("127.0.0.3:53")?;
        let fourth = DnsServer::start_in(Some(n.client.name()), sa("127.0.0.4:53"))?;
        n.client.resolv_conf(
            "search example\nnameserver 127.0.0.1\nnameserver 127.0.0.2\nnameserver 127.0.0.3\nnameserver 127.0.0.4\noptions ndots:2\n",
        )?;
        Ok((first, third, fourth))
    })();
    let (first, third, fourth) = match made {
        Ok(m) => m,
        Err(e) => return skip(test, &e),
    };
    fourth.set("svc.example", Answer::Addresses(vec![ip("10.99.1.1")]));
    let (out, _) = n.probe_bare(&[&BASE[..], &["--endpoint", "svc.example"]].concat(), &[]);
    let r = json(&out);
    assert_eq!(out.status.code(), Some(1), "{r:#?}");
    let e = endpoint(&r, "svc.example");
    assert_eq!(
        e.failure.map(|f| f.as_str()),
        Some("dns_servfail"),
        "{e:#?}"
    );
    assert_eq!(fourth.queries(), 0, "the fourth nameserver was asked");
    assert!(first.queries() >= 2 && third.queries() >= 2);
    let ctx = r.context.as_ref().expect("a probe report has a context");
    assert_eq!(
        ctx.resolvers.value,
        ["127.0.0.1:53", "127.0.0.2:53", "127.0.0.3:53"]
    );
    let err = stderr(&out);
    assert!(
        err.contains("warning") && err.contains("ignores 127.0.0.4"),
        "{err}"
    );
}

/// Issue 13, case 8: a link-local nameserver with its zone
/// (`fe80::53%eth0`), as DHCPv6 or a hand-written resolv.conf gives it, is
/// reached through that interface: the zone is the scope id, as in glibc.
#[test]
fn a_link_local_nameserver_with_a_zone() {
    let test = "a_link_local_nameserver_with_a_zone";
    let Some(n) = net(test) else { return };
    let made = (|| -> Result<_, String> {
        let (client_if, server_if) = veth(&n.client, "fe80::1/64", &n.server, "fe80::53/64")?;
        let index = netready_test_support::netns::link_index(&n.server, &server_if)?;
        let bind = SocketAddr::V6(std::net::SocketAddrV6::new(
            "fe80::53".parse().expect("literal"),
            53,
            0,
            index,
        ));
        let dns = DnsServer::start_in(Some(n.server.name()), bind)?;
        n.client
            .resolv_conf(&format!("nameserver fe80::53%{client_if}\n"))?;
        Ok((dns, client_if))
    })();
    let (dns, client_if) = match made {
        Ok(m) => m,
        Err(e) => return skip(test, &format!("no link-local IPv6 here: {e}")),
    };
    dns.set("svc.example", Answer::Addresses(vec![ip("10.99.1.1")]));
    let (out, _) = n.probe_bare(&[&BASE[..], &["--endpoint", "svc.example"]].concat(), &[]);
    let r = json(&out);
    let e = endpoint(&r, "svc.example");
    assert_eq!(e.failure, None, "{e:#?}\nstderr: {}", stderr(&out));
    let resolver = e.dns.as_ref().and_then(|d| d.resolver.clone());
    assert!(
        resolver
            .as_deref()
            .is_some_and(|r| r.starts_with("[fe80::53%")),
        "{resolver:?}"
    );
    assert!(dns.queries() >= 2);
    // The same, named on the command line.
    let flag = format!("[fe80::53%{client_if}]:53");
    let (out, _) = n.probe_bare(
        &[
            &BASE[..],
            &["--dns-server", &flag, "--endpoint", "svc.example"],
        ]
        .concat(),
        &[],
    );
    assert_eq!(endpoint(&json(&out), "svc.example").failure, None);
}

/// Issue 13, case 5: IPv6 disabled by sysctl (a common hardening): a
/// connect to an IPv6 answer fails with EADDRNOTAVAIL. Nothing was sent, so
/// it is `no_local_route` (a hint), not `unreachable` with
/// partial-reachability and mixed-answers warnings.
#[test]
fn ipv6_disabled_by_sysctl_is_no_local_route() {
    let test = "ipv6_disabled_by_sysctl_is_no_local_route";
    let Some(n) = net(test) else { return };
    if let Err(e) = n.client.sysctl("net.ipv6.conf.all.disable_ipv6=1") {
        return skip(test, &e);
    }
    n.dns.set(
        "dual.example",
        Answer::Addresses(vec![ip("52.94.76.1"), ip("fd00:99::1")]),
    );
    let (out, _) = n.probe(&[&BASE[..], &["--endpoint", "dual.example"]].concat(), &[]);
    let r = json(&out);
    let e = endpoint(&r, "dual.example");
    let outcomes: Vec<&str> = e.addresses.iter().map(|a| a.outcome.as_str()).collect();
    assert_eq!(outcomes, ["connected", "no_local_route"], "{e:#?}");
    assert_eq!(e.failure, None);
    assert!(
        !r.findings.iter().any(|f| f.resource == "dual.example"),
        "{:?}",
        r.findings
    );
    assert!(
        e.hints
            .iter()
            .any(|h| h.contains("no route from this host"))
    );
    // Only IPv6: unreachable, with the no-local-route outcome.
    n.dns
        .set("v6only.example", Answer::Addresses(vec![ip("fd00:99::1")]));
    let (out, _) = n.probe(
        &[&BASE[..], &["--endpoint", "v6only.example"]].concat(),
        &[],
    );
    let e = endpoint(&json(&out), "v6only.example").clone();
    assert_eq!(e.failure.map(|f| f.as_str()), Some("tcp_unreachable"));
    assert_eq!(e.addresses[0].outcome.as_str(), "no_local_route");
}

/// Issue 13, case 10: no route to the resolver. No query left this host,
/// so no resolver was asked: `dns_unreachable` with a hint that says so,
/// at once, not "No resolver answered in time" at the deadline.
#[test]
fn no_route_to_the_resolver_is_never_asked() {
    let Some(n) = net("no_route_to_the_resolver_is_never_asked") else {
        return;
    };
    let (out, took) = n.probe_bare(
        &[
            &BASE[..],
            &["--dns-server", "10.98.0.53", "--endpoint", "svc.example"],
        ]
        .concat(),
        &[],
    );
    let r = json(&out);
    assert_eq!(out.status.code(), Some(1));
    for e in r.endpoints.iter().filter(|e| e.service != "ecr.dkr") {
        assert_eq!(
            e.failure.map(|f| f.as_str()),
            Some("dns_unreachable"),
            "{e:#?}"
        );
        assert!(e.hints[0].contains("never asked"), "{:?}", e.hints);
        assert_eq!(e.dns.as_ref().and_then(|d| d.queries), Some(0));
    }
    // Told at once: the default budget is 5 s.
    assert!(took < Duration::from_secs(4), "{took:?}");
}

/// Issue 13, case 2, across a link: the first resolver's host answers ICMP
/// port unreachable (nothing on port 53). Every name moves to the second
/// at once (the first name to learn it tells the others), so 100 names
/// resolve well inside the dead server's share, with no "retransmitted"
/// hint.
#[test]
fn a_dead_first_resolver_across_a_link() {
    let Some(n) = net("a_dead_first_resolver_across_a_link") else {
        return;
    };
    let mut args: Vec<String> = BASE.iter().map(|s| (*s).to_owned()).collect();
    args.extend(["--timeout", "20s"].map(str::to_owned));
    for i in 0..100 {
        let host = format!("d{i}.example");
        n.dns.set(&host, Answer::Addresses(vec![ip("10.99.1.1")]));
        args.extend(["--endpoint".to_owned(), host]);
    }
    n.runner_zone();
    let good = n.dns.addr().to_string();
    args.extend(["--dns-server", "10.99.1.3", "--dns-server", &good].map(str::to_owned));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (out, took) = n.probe_bare(&refs, &[]);
    let r = json(&out);
    assert_eq!(out.status.code(), Some(0), "{r:#?}");
    // The dead server's share alone is 5 s (half of the DNS half).
    assert!(took < Duration::from_secs(4), "{took:?}");
    for e in &r.endpoints {
        assert!(
            !e.hints.iter().any(|h| h.contains("retransmitted")),
            "{}: {:?}",
            e.host,
            e.hints
        );
    }
}

/// Issue 13, case 6, the binary: a TLS server with a self-signed
/// certificate (what a TLS-inspecting proxy that clients do not trust looks
/// like from the task). With `--tls` the verdict is degraded (exit 1) with
/// `tls-untrusted`, and the table says why in words; without `--tls` the
/// TCP path is ready.
#[test]
fn tls_untrusted_makes_the_probe_degraded() {
    let test = "tls_untrusted_makes_the_probe_degraded";
    let Some(n) = net(test) else { return };
    let cert = netready_test_support::tls::TestCert::self_signed(&["tls.example"])
        .expect("make a certificate");
    let server = match netready_test_support::tls::TlsServer::start_in(
        Some(n.server.name()),
        sa("10.99.1.3:443"),
        &cert,
    ) {
        Ok(s) => s,
        Err(e) => return skip(test, &e),
    };
    n.dns
        .set("tls.example", Answer::Addresses(vec![ip("10.99.1.3")]));
    // Only the one endpoint: ECR Docker without an account is not checked
    // (unknown), and the other runner endpoints are plain TCP listeners.
    let only = [
        "--public-ip",
        "no",
        "--endpoint",
        "tls.example",
        "--timeout",
        "3s",
    ];
    let (out, _) = n.probe(&[&only[..], &["--format", "json"]].concat(), &[]);
    let plain = json(&out);
    assert_eq!(
        endpoint(&plain, "tls.example").reachable,
        netready_core::report::Reachability::Reachable
    );
    let (out, _) = n.probe(&[&only[..], &["--format", "json", "--tls"]].concat(), &[]);
    let r = json(&out);
    assert_eq!(out.status.code(), Some(1), "{r:#?}");
    assert_eq!(r.status, Status::Degraded);
    let e = endpoint(&r, "tls.example");
    let tls = e.tls.as_ref().expect("--tls reports a TLS step");
    assert_eq!(tls.outcome, netready_core::report::TlsOutcome::Untrusted);
    assert_eq!(tls.issuer.as_deref(), Some("CN=tls.example"));
    let f = r
        .findings
        .iter()
        .find(|f| f.resource == "tls.example")
        .expect("a finding for the TLS endpoint");
    assert_eq!(f.code.as_str(), "tls-untrusted");
    assert!(f.message.contains("self-signed"), "{}", f.message);
    assert!(server.handshakes() >= 1, "the handshake completed");
    // The table for people says it in words.
    let (out, _) = n.probe(&[&only[..], &["--tls"]].concat(), &[("NO_COLOR", "1")]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{table}");
    assert!(
        table.contains("tls UNTRUSTED, issuer CN=tls.example"),
        "{table}"
    );
    assert!(
        table.contains("error: tls-untrusted: tls.example: the TLS certificate is not trusted"),
        "{table}"
    );
    assert!(
        !table.contains("UnknownIssuer") && !table.contains("InvalidCertificate"),
        "{table}"
    );
}
