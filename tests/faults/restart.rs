//! See `main.rs`: the restart part of the fault and bad-input suite.
