//! See `main.rs`: the handled part of the fault and bad-input suite.
