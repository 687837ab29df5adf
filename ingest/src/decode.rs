//! One message in, one verdict out: accepted (validated, redacted) or rejected with a reason.

use stf_schemas::event::Event;
use stf_schemas::privacy::{redact_event, Redactions};
use stf_schemas::validate::{decode, Rejection};

/// The verdict on one message.
#[derive(Debug)]
pub enum Verdict {
    /// Keeps the contract; personal data already redacted from its free text.
    Accepted {
        event: Box<Event>,
        redactions: Redactions,
    },
    /// Breaks the contract; nothing of it but its coordinates, event id and reason is kept.
    Rejected(Rejection),
}

/// Validates and redacts one message. Never panics on input.
pub fn judge(bytes: &[u8]) -> Verdict {
    match decode(bytes) {
        Ok(mut event) => {
            let redactions = redact_event(&mut event);
            Verdict::Accepted {
                event: Box::new(event),
                redactions,
            }
        }
        Err(rejection) => Verdict::Rejected(rejection),
    }
}
