//! See `main.rs`: the notifications part of the fault and bad-input suite.
