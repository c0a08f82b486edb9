//! Shared helpers for netready's end-to-end tests.
