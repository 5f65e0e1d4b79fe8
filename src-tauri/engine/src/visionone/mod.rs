//! The Trend Vision One Cloud Posture ("Cloud Risk Management") API client
//! (docs/reference/vision-one.md): the second check source next to Conformity.
//!
//! Hosts are regional (`api.{site}.xdr.trendmicro.com`, Japan `.co.jp`), the key goes in
//! `Authorization: Bearer …`, lists are flat camelCase `items` paged by `nextLink`, and filters go
//! in the `TMV1-Filter` header. The checks list exists only under `beta`, which Trend says is for
//! testing; the prefix is configurable ([`VisionOneOptions::posture_prefix`]).
//!
//! Checks are streamed into the same [`crate::checks::Check`] view as Conformity's, so counting
//! and notes do not know which source a check came from.

mod client;
pub mod filter;
pub mod model;
pub mod region;

pub use client::{
    VisionOneClient, VisionOneOptions, FILTER_HEADER, PAGE_SIZE, RATE_WINDOW, RESULT_CAP,
};
pub use region::{base_url_for_region, resolve_base_url, REGIONS};
