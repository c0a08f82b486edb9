//! Instructions executed by `vpc::parse` on the validator bench's generated
//! VPC (1,000 subnets, see `vpc_gen`): a count that, unlike time, does not
//! depend on what else the machine runs. Run it under callgrind, collecting
//! inside `parse` only: `bash core/benches/parse_instructions.sh`.
//!
//! `NETREADY_PARSE_DOC=compact` (default) parses the document as
//! `serde_json` prints it; `indented` as the AWS CLI prints it (4-space
//! indent); `ip-ranges` is the synthetic `ip-ranges.json` of
//! `ip_ranges_gen` instead (about 2 MB). Each is parsed `RUNS` times.

use netready_core::vpc;
use std::hint::black_box;

mod ip_ranges_gen;
mod vpc_gen;
use vpc_gen::{FULL, generate, indent};

/// Parses per run: the script divides callgrind's total by this.
const RUNS: usize = 3;

fn main() {
    let text = match std::env::var("NETREADY_PARSE_DOC").as_deref() {
        Ok("indented") => indent(&generate(&FULL)),
        Ok("ip-ranges") => ip_ranges_gen::generate(&ip_ranges_gen::PUBLISHED),
        _ => generate(&FULL),
    };
    for _ in 0..RUNS {
        let input = vpc::parse(black_box(&[("vpc.json", text.as_str())])).expect("parses");
        black_box(input);
    }
    println!("{} bytes, parsed {RUNS} times", text.len());
}
