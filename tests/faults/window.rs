//! See `main.rs`: the window part of the fault and bad-input suite.
