//! End-to-end tests, one binary: the generated crate against local servers
//! (wiremock and raw TCP on 127.0.0.1), the examples, the docs, the
//! packaging and the freshness of `generated/`. Each module was a test
//! binary of its own; `tests/isolated/` holds the two that change process-
//! wide state (the allocator, the environment) and `tests/contract/` the
//! Prism contract tests.

#[path = "../common/mod.rs"]
mod common;

mod blocking;
mod client;
mod decoding;
mod deploy_example;
mod docs;
mod env_vectors;
mod errors;
mod examples;
mod freshness;
mod generic_request;
mod hints;
mod limits;
mod mirror;
mod msrv;
mod older_spec;
mod packaging;
mod paging;
mod paging_unions;
mod parity;
mod precondition;
mod python_operations;
mod python_table;
mod redirects;
mod request_models;
mod requests;
mod retries;
mod typed_responses;
mod versions;
mod watch;
mod webhooks;
