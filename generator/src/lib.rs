//! Realistic synthetic support plans and provider services for `stf`: the data every demo,
//! test and benchmark runs on.
//!
//! [`Generator`] is a seeded, streaming iterator of [`Message`]s: the payload bytes of one
//! Kafka message or NDJSON line each, in delivery order, with the truth a test needs beside
//! it (which rule a bad message breaks, which personal data was planted in a good one).
//! The same [`GeneratorConfig`] always gives the same bytes.
//!
//! This crate knows nothing of files, Kafka or the command line (the CLI writes and sends
//! what it yields), and it does not validate: `stf_schemas::validate` is the judge, and the
//! tests check that the two agree.
//!
//! How the stream is made, from the inside out:
//! - `people`: who the plan is for (age band, primary support reason, cohort, ethnicity,
//!   how the budget is managed, what kind of care package), in England-like proportions;
//! - `outcomes` (with `phrases` and `noise`): desired outcomes in people's own words;
//! - `support` (with `packages` and `support_text`): planned support that serves the
//!   outcomes and adds up to the budget;
//! - `history`: each plan's life (agreed, revised, reviewed, closed) and its revisions;
//! - `plans`: every plan's events merged into one time-ordered stream with bounded memory,
//!   each event rebuilt from the plan's seed when due and written by `json`;
//! - `providers` (with `provider_text`): the supply side, organisations and their services;
//! - `delivery`: late and duplicate deliveries; `bad` (with `bad_plan`, `bad_service`):
//!   contract breaks; `pii`: planted personal data; `localities`: postcode districts.
//!
//! Invariants: every random choice comes from a ChaCha stream keyed by the seed (never the
//! clock or the operating system), and nothing iterates a hash map, so output is a pure
//! function of the config. Memory is bounded by the plans open at once, a few bytes each,
//! plus the supply side (at most 600 services a council) and late messages in flight.

mod bad;
mod bad_plan;
mod bad_service;
mod config;
mod delivery;
mod error;
mod generator;
mod history;
mod json;
mod localities;
mod noise;
mod outcomes;
mod packages;
mod people;
// Data tables, laid out by hand to stay readable.
#[rustfmt::skip]
mod phrases;
mod pii;
mod plans;
// Data tables, laid out by hand to stay readable.
#[rustfmt::skip]
mod provider_text;
mod providers;
mod rng;
mod support;
// Data tables, laid out by hand to stay readable.
#[rustfmt::skip]
mod support_text;

pub use chrono::NaiveDate;
pub use config::{GeneratorConfig, DEFAULT_COUNCILS};
pub use error::Error;
pub use generator::{Generator, Message, Stats};
pub use localities::districts;
pub use pii::PiiKind;
