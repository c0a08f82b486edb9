//! `netready probe`: not built yet (issue: the probe).

pub mod cli;
pub mod watch;
