//! `netready-testnet`: the test servers as a program, for benchmarks and
//! manual checks (run it inside a namespace with `ip netns exec`).
//!
//! ```text
//! netready-testnet dns --listen 127.0.0.1:5353 [--zone FILE] [--delay-ms N]
//! netready-testnet listen ADDR...
//! ```
//!
//! A zone file has one name per line: `NAME ANSWER`, where ANSWER is a
//! comma-separated list of addresses, or `nxdomain`, `nodata`, `servfail`,
//! `refused`, `formerr`, `silence`, `cname:TARGET`. Unknown names get NXDOMAIN. The
//! program prints `ready ADDR` once listening and runs until killed.

use netready_test_support::dns_server::{Answer, DnsServer};
use netready_test_support::listeners::Listeners;
use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

fn parse_answer(s: &str) -> Result<Answer, String> {
    Ok(match s {
        "nxdomain" => Answer::NxDomain,
        "nodata" => Answer::NoData,
        "servfail" => Answer::ServFail,
        "refused" => Answer::Refused,
        "formerr" => Answer::FormErr,
        "silence" => Answer::Silence,
        _ if s.starts_with("cname:") => Answer::Cname(s["cname:".len()..].to_owned()),
        _ => Answer::Addresses(
            s.split(',')
                .map(|a| {
                    a.trim()
                        .parse::<IpAddr>()
                        .map_err(|_| format!("{a:?} is not an address"))
                })
                .collect::<Result<_, _>>()?,
        ),
    })
}

fn run(args: &[String]) -> Result<(), String> {
    let usage =
        "usage: netready-testnet dns --listen ADDR [--zone FILE] [--delay-ms N] | listen ADDR...";
    match args.first().map(String::as_str) {
        Some("dns") => {
            let mut listen: Option<SocketAddr> = None;
            let mut zone = None;
            let mut delay = Duration::ZERO;
            let mut it = args[1..].iter();
            while let Some(flag) = it.next() {
                let value = it.next().ok_or(usage)?;
                match flag.as_str() {
                    "--listen" => {
                        listen = Some(value.parse().map_err(|_| format!("--listen {value:?}"))?)
                    }
                    "--zone" => zone = Some(value.clone()),
                    "--delay-ms" => {
                        delay = Duration::from_millis(
                            value.parse().map_err(|_| format!("--delay-ms {value:?}"))?,
                        )
                    }
                    _ => return Err(usage.into()),
                }
            }
            let server = DnsServer::start(listen.ok_or(usage)?)?;
            if let Some(path) = zone {
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
                for (n, line) in text.lines().enumerate() {
                    let line = line.trim();
                    if line.is_empty() || line.starts_with('#') {
                        continue;
                    }
                    let (name, answer) = line
                        .split_once(char::is_whitespace)
                        .ok_or(format!("{path}:{}: expected NAME ANSWER", n + 1))?;
                    let answer = parse_answer(answer.trim())
                        .map_err(|e| format!("{path}:{}: {e}", n + 1))?;
                    server.set_delayed(name, answer, delay);
                }
            }
            server.set_default(Answer::NxDomain, delay);
            println!("ready {}", server.addr());
            wait();
            Ok(())
        }
        Some("listen") => {
            let addrs = args[1..]
                .iter()
                .map(|a| {
                    a.parse::<SocketAddr>()
                        .map_err(|_| format!("{a:?} is not IP:PORT"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let listeners = Listeners::start(&addrs)?;
            println!(
                "ready {}",
                listeners
                    .addrs()
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            wait();
            Ok(())
        }
        _ => Err(usage.into()),
    }
}

/// Blocks until the process is killed.
fn wait() {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    loop {
        std::thread::park();
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("netready-testnet: {e}");
            ExitCode::from(2)
        }
    }
}
