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

/// Validates and redacts one message. Never panics on input. An event the tables cannot
/// hold (an amount beyond the money columns; validation's bounds keep this from happening)
/// is rejected here too, so that it is set aside like any other.
pub fn judge(bytes: &[u8]) -> Verdict {
    match decode(bytes) {
        Ok(mut event) => {
            if let Err(rejection) = crate::columns::fits(&event) {
                return Verdict::Rejected(rejection);
            }
            let redactions = redact_event(&mut event);
            Verdict::Accepted {
                event: Box::new(event),
                redactions,
            }
        }
        Err(rejection) => Verdict::Rejected(rejection),
    }
}

/// Judges many messages, in order, split across the machine's cores (judging is pure; the
/// verdicts are applied in order by the caller). `None` items are not judged.
pub fn judge_many(messages: &[Option<&[u8]>]) -> Vec<Option<Verdict>> {
    let judge_one = |m: &Option<&[u8]>| m.map(judge);
    if messages.len() < 64 {
        return messages.iter().map(judge_one).collect();
    }
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    if workers < 2 {
        return messages.iter().map(judge_one).collect();
    }
    let size = messages.len().div_ceil(workers);
    std::thread::scope(|s| {
        let mut parts = messages.chunks(size);
        let here = parts.next().unwrap_or_default();
        let spawned: Vec<_> = parts
            .map(|part| s.spawn(move || part.iter().map(judge_one).collect::<Vec<_>>()))
            .collect();
        let mut verdicts: Vec<Option<Verdict>> = here.iter().map(judge_one).collect();
        for part in spawned {
            verdicts.extend(part.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        verdicts
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_verdicts_come_back_in_order_with_skipped_items_left_out() {
        let unknown = br#"{"not": "an event"}"#.as_slice();
        let bad = b"\xff".as_slice();
        let messages: Vec<Option<&[u8]>> = (0..500)
            .map(|i| match i % 3 {
                0 => Some(unknown),
                1 => Some(bad),
                _ => None,
            })
            .collect();
        let verdicts = judge_many(&messages);
        assert_eq!(verdicts.len(), messages.len());
        for (i, v) in verdicts.iter().enumerate() {
            let reason = match v {
                Some(Verdict::Rejected(r)) => Some(r.reason),
                Some(Verdict::Accepted { .. }) => panic!("item {i} accepted"),
                None => None,
            };
            let expected = match i % 3 {
                0 => Some(stf_schemas::reason::Reason::UnknownSchema),
                1 => Some(stf_schemas::reason::Reason::InvalidUtf8),
                _ => None,
            };
            assert_eq!(reason, expected, "item {i}");
        }
    }
}
