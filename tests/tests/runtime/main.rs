//! The runtime on the wire, against local servers: authenticators, external configuration,
//! retries, robustness, secrets, TLS and transport. One test binary; each concern is a module.
//! Logging has its own binary (`runtime_logs`): see there why.

#[path = "../support/mod.rs"]
mod support;

mod auth;
mod config;
mod retry;
mod robustness;
mod secrets;
mod tls;
mod transport;
