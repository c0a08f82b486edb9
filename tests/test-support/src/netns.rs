//! Network namespaces for tests: unique names, always removed (Drop guard),
//! veth links between them, and commands run inside.
//!
//! Guarantees:
//! * a namespace made here has only its own loopback (brought up) and the
//!   links a test adds; no default route and no link to the machine's
//!   network, so nothing in it can reach anything but the test's own
//!   addresses;
//! * names are unique per process and call (`nr-<pid>-<n>-<tag>`), so tests
//!   run in parallel without clashing;
//! * the namespace (and with it every veth end inside) is deleted when the
//!   [`NetNs`] is dropped, also when the test fails, and with it the
//!   `/etc/netns/<name>/` files ([`NetNs::resolv_conf`]) that programs run
//!   with `ip netns exec` see in place of `/etc`'s.
//!
//! Where namespaces cannot be made (no root, no `ip`, a sandbox that forbids
//! it), [`NetNs::new`] returns an error and tests call [`skip`] to say so
//! loudly and pass.

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A network namespace that is deleted on drop.
#[derive(Debug)]
pub struct NetNs {
    name: String,
}

/// Runs a command, turning a failure into a message with its stderr.
pub fn run(program: &str, args: &[&str]) -> Result<Output, String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(format!(
            "{program} {} failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Prints a loud skip notice (tests then return early, passing), or, with
/// `NETREADY_NETNS_STRICT=1` (set by `.ci/run`), fails the test: on a
/// machine that should have namespaces, a namespace test that skips would
/// pass without testing anything.
#[allow(clippy::panic)] // failing the calling test is the point
pub fn skip(test: &str, why: &str) {
    if std::env::var_os("NETREADY_NETNS_STRICT").is_some_and(|v| v == "1") {
        panic!(
            "{test}: network namespaces are not available here: {why} (NETREADY_NETNS_STRICT=1: required)"
        );
    }
    eprintln!("SKIPPED {test}: network namespaces are not available here: {why}");
}

impl NetNs {
    /// Makes a namespace whose name ends in `tag` (at most 6 characters are
    /// kept, so names stay short) and brings its loopback up.
    pub fn new(tag: &str) -> Result<NetNs, String> {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let tag: String = tag
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(6)
            .collect();
        let name = format!("nr-{}-{n}-{tag}", std::process::id());
        run("ip", &["netns", "add", &name])?;
        let ns = NetNs { name };
        ns.ip(&["link", "set", "lo", "up"])?;
        Ok(ns)
    }

    /// The namespace's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `ip ARGS` inside the namespace.
    pub fn ip(&self, args: &[&str]) -> Result<Output, String> {
        let mut all = vec!["-n", self.name.as_str()];
        all.extend_from_slice(args);
        run("ip", &all)
    }

    /// Runs `program ARGS` inside the namespace and waits for it.
    pub fn exec(&self, program: &str, args: &[&str]) -> Result<Output, String> {
        let mut all = vec!["netns", "exec", self.name.as_str(), program];
        all.extend_from_slice(args);
        run("ip", &all)
    }

    /// A command that runs `program` inside the namespace (add arguments,
    /// environment, then spawn or wait).
    pub fn command(&self, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", self.name.as_str(), program]);
        c
    }

    /// Writes `/etc/netns/<name>/resolv.conf`: programs run in the
    /// namespace with `ip netns exec` (e.g. [`NetNs::command`]) read it as
    /// their `/etc/resolv.conf`. Removed with the namespace.
    pub fn resolv_conf(&self, text: &str) -> Result<(), String> {
        let dir = self.etc_dir();
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = dir.join("resolv.conf");
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    }

    fn etc_dir(&self) -> std::path::PathBuf {
        std::path::Path::new("/etc/netns").join(&self.name)
    }

    /// Sets a sysctl inside the namespace (e.g. `net.ipv4.icmp_ratelimit=0`).
    /// Falls back to writing `/proc/sys` when `sysctl` (procps) is missing.
    pub fn sysctl(&self, setting: &str) -> Result<(), String> {
        let via_sysctl = self.exec("sysctl", &["-q", "-w", setting]);
        if via_sysctl.is_ok() {
            return Ok(());
        }
        let (key, value) = setting
            .split_once('=')
            .ok_or_else(|| format!("expected KEY=VALUE, got {setting:?}"))?;
        // Both go into a shell command line: keep them to plain characters.
        let plain_key = key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_');
        let plain_value = value
            .trim()
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !plain_key || !plain_value {
            return Err(format!("unexpected sysctl setting {setting:?}"));
        }
        let path = format!("/proc/sys/{}", key.replace('.', "/"));
        self.exec("sh", &["-c", &format!("echo {} > {path}", value.trim())])
            .map(|_| ())
            .map_err(|e| format!("{e} (and sysctl: {})", via_sysctl.err().unwrap_or_default()))
    }
}

impl Drop for NetNs {
    fn drop(&mut self) {
        // Deleting the namespace removes its interfaces (and so both ends of
        // a veth pair) and its firewall rules.
        if let Err(e) = run("ip", &["netns", "del", &self.name]) {
            eprintln!("warning: could not delete namespace {}: {e}", self.name);
        }
        let dir = self.etc_dir();
        if dir.exists()
            && let Err(e) = std::fs::remove_dir_all(&dir)
        {
            eprintln!("warning: could not remove {}: {e}", dir.display());
        }
    }
}

/// Links `a` and `b` with a veth pair, giving `a_cidr` (e.g. `10.1.0.1/24`)
/// to `a`'s end and `b_cidr` to `b`'s end, both up. Returns the names of
/// `a`'s end and `b`'s end. An IPv6 address is added without duplicate
/// address detection (`nodad`), so it can be used at once.
pub fn veth(a: &NetNs, a_cidr: &str, b: &NetNs, b_cidr: &str) -> Result<(String, String), String> {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    // Interface names are at most 15 characters.
    let a_if = format!("nra{}x{n}", std::process::id() % 100_000);
    let b_if = format!("nrb{}x{n}", std::process::id() % 100_000);
    a.ip(&[
        "link",
        "add",
        &a_if,
        "type",
        "veth",
        "peer",
        "name",
        &b_if,
        "netns",
        b.name(),
    ])?;
    for (ns, cidr, dev) in [(a, a_cidr, &a_if), (b, b_cidr, &b_if)] {
        let mut args = vec!["addr", "add", cidr, "dev", dev.as_str()];
        if cidr.contains(':') {
            args.push("nodad");
        }
        ns.ip(&args)?;
    }
    a.ip(&["link", "set", &a_if, "up"])?;
    b.ip(&["link", "set", &b_if, "up"])?;
    Ok((a_if, b_if))
}

/// The name of the first veth-like interface of `ns` other than `lo`.
pub fn first_link(ns: &NetNs) -> Result<String, String> {
    let out = ns.ip(&["-o", "link", "show"])?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split(": ").nth(1))
        .map(|n| n.split('@').next().unwrap_or(n).to_owned())
        .find(|n| n != "lo")
        .ok_or_else(|| format!("no link in {}", ns.name()))
}

/// The index of interface `dev` inside `ns` (the scope id of its
/// link-local addresses there).
pub fn link_index(ns: &NetNs, dev: &str) -> Result<u32, String> {
    let out = ns.ip(&["-o", "link", "show", "dev", dev])?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.split(':')
        .next()
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| format!("no index for {dev} in {}: {text:?}", ns.name()))
}
