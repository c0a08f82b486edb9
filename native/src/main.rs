//! netready: placeholder while core is built.
fn main() {}
