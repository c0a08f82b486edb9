//! Shared helpers for netready's tests and benchmarks: real servers on
//! loopback or inside network namespaces the tests create. This crate
//! depends on core, never on the `netready` crate, so the binary's own tests
//! can use it without a dependency cycle (the simulated network, which
//! implements the probe's traits, lives in `tests/integration-tests`).
//!
//! * [`dns_server`]: an in-process DNS server (UDP and TCP) whose answer is
//!   configurable per name: addresses, CNAME, NXDOMAIN, NODATA, SERVFAIL,
//!   REFUSED, silence, truncation, and a delay;
//! * [`listeners`]: TCP listeners that count the connections they accept
//!   (to prove something was, or was never, dialled);
//! * [`http`]: a fake HTTP/1.1 server (ECS task metadata, IMDSv2);
//! * [`netns`]: network namespaces with a Drop guard, veth links, and a way
//!   to run commands inside;
//! * [`tls`]: TLS servers with certificates made on the spot (self-signed,
//!   or from a test interception CA);
//! * [`thread`]: the plumbing: each server runs on its own thread with its
//!   own tokio runtime, optionally inside a namespace, and stops on drop.
//!
//! Every server here binds only the address it is given (loopback, or an
//! address inside a namespace the test made) and stops when dropped. Nothing
//! here sends traffic anywhere else.

pub mod dns_server;
pub mod http;
pub mod listeners;
pub mod netns;
pub mod thread;
pub mod tls;
