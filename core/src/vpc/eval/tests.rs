//! Unit tests of the evaluation on small hand-built models; the table-driven
//! scenarios live in `tests/data/validate` and run through the CLI.
