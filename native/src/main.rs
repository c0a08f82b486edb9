//! The `netready` command. Parsing and dispatch only; see the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    netready::cli::main()
}
