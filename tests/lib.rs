//! Shared helpers for the integration, end-to-end and benchmark code.
