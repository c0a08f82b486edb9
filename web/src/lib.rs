//! netready-web: the in-browser validator (built in its own issue).
#![no_std]
