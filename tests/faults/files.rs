//! See `main.rs`: the files part of the fault and bad-input suite.
