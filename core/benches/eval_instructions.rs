//! Instructions executed by `vpc::evaluate` on the validator bench's
//! generated VPC (1,000 subnets, see `vpc_gen`), a count that does not
//! depend on what else the machine runs. Run it under callgrind, collecting
//! inside `evaluate` only: `bash core/benches/eval_instructions.sh`.
//!
//! `NETREADY_PROFILE=private` evaluates the private profile (default:
//! runner); `NETREADY_IP_RANGES=1` adds a generated `ip-ranges.json` subset.

use netready_core::catalog::Profile;
use netready_core::vpc::{self, ValidateOptions};
use std::hint::black_box;

// Shared with the other benches; `indent` is theirs.
#[allow(dead_code)]
mod vpc_gen;
use vpc_gen::{FULL, generate};

fn main() {
    let text = generate(&FULL);
    let input = vpc::parse(&[("vpc.json", text.as_str())]).expect("parses");
    let profile = match std::env::var("NETREADY_PROFILE").as_deref() {
        Ok("private") => Profile::Private,
        _ => Profile::Runner,
    };
    let options = ValidateOptions {
        profile,
        ..ValidateOptions::default()
    };
    let report = vpc::evaluate(black_box(&input), &options).expect("evaluates");
    println!(
        "{} subnets, {} paths, status {}",
        report.subnets.len(),
        report
            .subnets
            .iter()
            .map(|s| s.endpoints.len())
            .sum::<usize>(),
        report.status.as_str()
    );
}
