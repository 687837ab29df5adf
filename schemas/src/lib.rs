//! The domain of `stf`: the event contract, code lists, council list, taxonomy, validation,
//! redaction of personal data, and the Arrow schemas of every table.
//!
//! Pure: no I/O, no async runtime, no Kafka, no DataFusion. Everything else depends on it.

pub mod codes;
pub mod councils;
pub mod event;
pub mod json_schema;
pub mod postcode;
pub mod privacy;
pub mod reason;
pub mod tables;
pub mod taxonomy;
pub mod topics;
pub mod validate;

mod check;
mod json;
mod quick;
