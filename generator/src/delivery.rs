//! Delivery as it really happens: a few messages held back and delivered late (after
//! events that occurred after them), and a few delivered twice, byte for byte. Held messages
//! wait in a small heap keyed by when they are released, in stream time.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::generator::Message;
use crate::rng::{self, Rng};

/// Past this many held messages the earliest is released whether due or not.
const MAX_HELD: usize = 100_000;

struct Held {
    release: i64,
    /// Held until a message that occurred after this time has been delivered.
    overtaken_after: i64,
    seq: u64,
    message: Message,
}

impl PartialEq for Held {
    fn eq(&self, other: &Self) -> bool {
        (self.release, self.seq) == (other.release, other.seq)
    }
}

impl Eq for Held {}

impl PartialOrd for Held {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Held {
    /// Reversed, so that the heap's top is the earliest release.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.release, other.seq).cmp(&(self.release, self.seq))
    }
}

/// Messages waiting to be delivered late or again.
#[derive(Default)]
pub(crate) struct Delayed {
    heap: BinaryHeap<Held>,
    seq: u64,
}

impl std::fmt::Debug for Delayed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Delayed")
            .field("held", &self.heap.len())
            .finish()
    }
}

impl Delayed {
    /// Holds `message` until stream time `release` and until something that occurred after
    /// `overtaken_after` has been delivered (`i64::MIN`: no such condition).
    pub fn hold(&mut self, release: i64, overtaken_after: i64, message: Message) {
        self.seq += 1;
        self.heap.push(Held {
            release,
            overtaken_after,
            seq: self.seq,
            message,
        });
    }

    /// The earliest held message if it is due: `next` is the time of the next message to be
    /// delivered (`None`: the stream has ended, so everything is due), `delivered` the
    /// latest time delivered so far.
    pub fn due(&mut self, next: Option<i64>, delivered: i64) -> Option<Message> {
        let top = self.heap.peek()?;
        let due = match next {
            Some(next) => {
                (top.release <= next && delivered > top.overtaken_after)
                    || self.heap.len() > MAX_HELD
            }
            None => true,
        };
        if due {
            self.heap.pop().map(|h| h.message)
        } else {
            None
        }
    }
}

/// How late a late message is: an hour to three weeks, most of them short.
pub(crate) fn late_by(rng: &mut Rng) -> i64 {
    let lo = 3_600f64.ln();
    let hi = (21.0 * 86_400f64).ln();
    rng::between(rng, lo, hi).exp() as i64
}

/// How long until a duplicate follows its original: up to two hours.
pub(crate) fn again_after(rng: &mut Rng) -> i64 {
    rng::int(rng, 0, 7_200) as i64
}
