//! The transform: builds the derived tables of the store — `plans`, `outcomes`,
//! `planned_support`, `services` and the measures `demand`, `gap`, `demand_monthly`,
//! `mainstream_share`, `pooling` — from the event tables that ingest appends to, and the
//! outcome categoriser it uses.
//!
//! [`Transformer::run_once`] reads pinned versions of `plan_events` and `service_events`,
//! selects current plans and services by the rules of events.md ([`current`]), categorises
//! every distinct text once ([`categorise`]), computes the measures by SQL with DataFusion
//! ([`measures`]) and replaces every derived table with one publication ([`publish`]). It
//! leaves reading the events to ingest's tables and serving the results to the query layer.

pub mod categorise;
mod columns;
pub mod current;
mod error;
mod job;
pub mod measures;
pub mod publish;
pub mod rows;
mod session;
pub mod state;

pub use columns::PUBLICATION_ID;
pub use error::{Error, Result};
pub use job::{Publication, RunOutcome, Step, TransformConfig, Transformer};
pub use measures::MeasureConfig;
pub use publish::{Manifest, SourceVersions, MANIFEST_KEY};
pub use state::Mode;
