//! Kafka topic names of the contract, and the dead-letter topic beside each.

/// Support-plan events.
pub const SUPPORT_PLANS: &str = "support-plans";
/// Provider-service events.
pub const PROVIDER_SERVICES: &str = "provider-services";
/// Both input topics.
pub const INPUT: [&str; 2] = [SUPPORT_PLANS, PROVIDER_SERVICES];

/// The dead-letter topic for a source topic: `<topic>.dlq`.
pub fn dead_letter(topic: &str) -> String {
    format!("{topic}.dlq")
}
