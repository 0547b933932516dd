//! upload-doctor: browser uploads to S3 through presigned URLs, with typed errors that
//! name the missing bucket CORS rule and the page's origin.
//!
//! The modules below are plain Rust (tested natively with `cargo test`); `web` is the
//! thin browser layer that gathers observations and calls them.

pub mod codes;
pub mod cors;
pub mod diagnosis;
pub mod explain;
pub mod parts;
pub mod presigned;
pub mod provider;
pub mod s3_error;

#[cfg(target_arch = "wasm32")]
pub mod web;
