//! A size probe, not a product: one exported function that pulls core's
//! catalog, classification, probe rules and report serialisation into a
//! wasm32 module, so `bench/core-size.sh` can measure what they cost.
//! (No wasm-bindgen: the figure is core alone.)
#![cfg_attr(target_arch = "wasm32", no_std)]
// `no_mangle` is how a cdylib exports a symbol without wasm-bindgen; nothing
// here dereferences a pointer.
#![allow(unsafe_code)]

extern crate alloc;

use alloc::vec::Vec;
use netready_core::catalog::{self, Profile, Region};
use netready_core::report::{Report, ReportKind, TcpOutcome};
use netready_core::rules::{DnsAnswer, Observation, PublicIp, TaskContext, assess_endpoint};

/// Builds the runner profile's report for region number `region` of the
/// known regions, with every endpoint answering `addr` and connecting, and
/// returns the length of its JSON (0 on any error).
#[unsafe(no_mangle)]
pub extern "C" fn report_len(region: u32, addr: u32) -> u32 {
    let Some(region) = Region::all_known().nth(region as usize) else {
        return 0;
    };
    let ctx = TaskContext {
        public_ip: PublicIp::NotAssigned,
        vpc_cidrs: &[],
    };
    let ip = core::net::IpAddr::V4(core::net::Ipv4Addr::from_bits(addr));
    let mut report = Report::new(ReportKind::Probe, Some(region.name().into()));
    for s in catalog::services(Profile::Runner) {
        let host = s.host_template(&region);
        let obs = Observation {
            service: s.id.into(),
            host,
            port: 443,
            dns: DnsAnswer::from_addresses(alloc::vec![ip]),
            dials: alloc::vec![(ip, TcpOutcome::Connected, Some(1.0))],
        };
        report
            .endpoints
            .push(assess_endpoint(&obs, &ctx, 16).endpoint);
    }
    report.finish();
    let json: Vec<u8> = serde_json::to_vec(&report).unwrap_or_default();
    json.len() as u32
}

/// Checks policy number `policy` of two (one that allows, one that denies)
/// for catalog service number `service` and returns its verdict, the
/// length of its fix and of its error message: pulls in the whole of
/// `netready_core::policy` (feature `policy`).
#[cfg(feature = "policy")]
#[unsafe(no_mangle)]
pub extern "C" fn policy_check(policy: u32, service: u32) -> u32 {
    use core::fmt::Write as _;
    use netready_core::catalog::{AccountId, EndpointType};
    use netready_core::policy::{self, Facts, Verdict};
    const POLICIES: [&str; 2] = [
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["ecr:*","s3:Get*"],"Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-0123456789abcdef0"}}}]}"#,
        r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-corp-data/*"}}"#,
    ];
    let Some(region) = Region::all_known().next() else {
        return 0;
    };
    let Some((id, _)) = policy::NEEDS.get(service as usize) else {
        return 0;
    };
    let account: Option<AccountId> = "123456789012".parse().ok();
    let facts = Facts {
        vpc_id: "vpc-0123456789abcdef0",
        endpoint_id: "vpce-0123456789abcdef0",
        account: account.as_ref(),
        ecr_account: None,
    };
    let text = POLICIES[policy as usize % POLICIES.len()];
    match policy::check(Some(text), id, EndpointType::Interface, &region, &facts) {
        Err(e) => {
            let mut msg = alloc::string::String::new();
            let _ = write!(msg, "{e}");
            msg.len() as u32
        }
        Ok(check) => {
            let fix = policy::fix(Some(text), &check)
                .map(|f| f.document.len() + f.terraform().len())
                .unwrap_or_default();
            let verdict = match check.verdict {
                Verdict::Allows => 1,
                Verdict::Denies { .. } => 2,
                _ => 3,
            };
            verdict + fix as u32
        }
    }
}

/// Parses describe-* document number `doc` of two and returns its subnet
/// count, or the length of its error message: pulls in the JSON reader the
/// page has (feature `vpc`).
#[cfg(feature = "vpc")]
#[unsafe(no_mangle)]
pub extern "C" fn vpc_parse(doc: u32) -> u32 {
    use core::fmt::Write as _;
    const DOCS: [&str; 2] = [
        r#"{"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1","CidrBlock":"10.0.0.0/24","AvailabilityZone":"eu-west-1a"}]}"#,
        r#"{"Subnets": [ {"SubnetId": 5} ]}"#,
    ];
    let text = DOCS[doc as usize % DOCS.len()];
    match netready_core::vpc::parse(&[("doc.json", text)]) {
        Ok(input) => input.subnets.items.len() as u32,
        Err(e) => {
            let mut msg = alloc::string::String::new();
            let _ = write!(msg, "{e}");
            msg.len() as u32
        }
    }
}

#[cfg(target_arch = "wasm32")]
mod wasm_runtime {
    // The module needs an allocator and a panic handler of its own; the
    // smallest ones that work are enough for a size figure.
    use core::alloc::{GlobalAlloc, Layout};
    use core::cell::UnsafeCell;

    struct Bump(UnsafeCell<usize>);
    // SAFETY: wasm32-unknown-unknown is single-threaded.
    unsafe impl Sync for Bump {}
    unsafe impl GlobalAlloc for Bump {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let next = unsafe { &mut *self.0.get() };
            if *next == 0 {
                *next = core::arch::wasm32::memory_size(0) * 65536;
            }
            let start = (*next + layout.align() - 1) & !(layout.align() - 1);
            let end = start + layout.size();
            let have = core::arch::wasm32::memory_size(0) * 65536;
            if end > have
                && core::arch::wasm32::memory_grow(0, (end - have).div_ceil(65536)) == usize::MAX
            {
                return core::ptr::null_mut();
            }
            *next = end;
            start as *mut u8
        }
        unsafe fn dealloc(&self, _: *mut u8, _: Layout) {}
    }
    #[global_allocator]
    static ALLOC: Bump = Bump(UnsafeCell::new(0));

    #[panic_handler]
    fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
        core::arch::wasm32::unreachable()
    }
}
