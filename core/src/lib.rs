//! # netready-core
//!
//! Every rule netready applies, in one place, so that the browser page, the
//! `validate` command and the `probe` can never disagree:
//!
//! * [`catalog`]: partitions, regions, the AWS services a runner needs, their
//!   host names, VPC endpoint service names and profiles;
//! * [`net`] and [`classify`](mod@classify): CIDRs and what an address is (private, public,
//!   NAT64, or something that is never a real endpoint);
//! * [`rules`]: from one endpoint's DNS answer and per-address TCP outcomes to
//!   its access type, reachability, failure code and hints, and from all
//!   endpoints to the overall status;
//! * [`report`]: the `netready.report/v1` JSON schema shared by probe and
//!   validator;
//! * [`commands`]: ready-to-run `aws ec2 …` fix commands.
//! * [`iac`]: the catalog's endpoints as Terraform and CloudFormation.
//! * [`json`]: the JSON reader the validator's and the policy's parsers
//!   share (one pass, syntax errors with their position).
//! * [`explain`]: the validator's prediction beside the probe's
//!   observation, per endpoint, with the likeliest causes of each
//!   difference.
//! * [`metadata`]: what the ECS and EC2 metadata services answer, parsed
//!   (the probe's HTTP client hands over the bytes it read).
//! * [`vpc`]: the validator: describe-* JSON → a verdict per subnet and
//!   endpoint with fixes (`vpc::validate`, the entry point the browser page
//!   and `netready validate` share).
//! * [`policy`]: VPC endpoint policies: whether an endpoint's policy lets
//!   the runner's calls through (what TCP cannot see), and the fix.
//! * [`text`]: a document's bytes → its text (UTF-8 with or without a
//!   byte-order mark, UTF-16 as PowerShell writes it), for the CLI and the
//!   page alike.
//!
//! ## What this crate guarantees
//! It is `#![no_std]` (with `alloc`) and pure: it reads no clock, opens no
//! socket, looks at no environment variable and draws no random number. Time
//! and context are arguments. It never panics on any input (fuzzed).
//!
//! ## What it does not do
//! It performs no I/O: resolving names and dialling addresses belong to the
//! `netready` binary, which feeds the outcomes back in.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
// The `arbitrary` derive (fuzzing only) keeps its recursion guard in a
// `std::thread_local!`, and `arbitrary` itself needs std: the feature brings
// std in; normal builds stay no_std.
#[cfg(feature = "arbitrary")]
extern crate std;

pub mod catalog;
pub mod classify;
pub mod commands;
pub mod explain;
pub mod iac;
pub mod json;
pub mod metadata;
pub mod net;
pub mod policy;
pub mod report;
pub mod rules;
pub mod text;
pub mod vpc;

pub use catalog::{Partition, Profile, Region};
pub use classify::{AddressClass, Classified, Classifier, classify};
pub use net::Cidr;
pub use report::{Report, Status};
