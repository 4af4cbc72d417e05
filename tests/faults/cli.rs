//! See `main.rs`: the cli part of the fault and bad-input suite.
