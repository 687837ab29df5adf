//! A group of messages the client had ready together, judged off the loop's thread while the
//! loop takes the group before it.
//!
//! Judging is pure and most of a message's cost; taking (watermarks, the batch's columns,
//! dead letters) must run in order on the loop. Taken one after the other, the two kept the
//! loop busy and the machine half idle; overlapped, the loop only takes. A group remembers
//! the loop's [`Seeks`] when it was gathered, so that what was fetched before a seek is
//! dropped when it is taken after it (the seek delivers it again).

use rdkafka::message::BorrowedMessage;
use rdkafka::Message as _;
use tokio::task::JoinHandle;

use super::Partition;
use crate::decode::{judge_many, Verdict};

/// The seeks the loop has made: every partition at once (assignments and re-reads: `epoch`;
/// assignments alone: `assignments`), and one partition rewound to read again from further
/// back (`rewinds`, numbered).
#[derive(Debug, Default)]
pub(super) struct Seeks {
    /// Counts the times every partition was sought again.
    epoch: u64,
    /// Counts the assignments among those.
    assignments: u64,
    /// Counts the rewinds of one partition.
    rewinds: u64,
    /// The partitions rewound since the last group taken was gathered, with the number of
    /// each rewind.
    rewound: Vec<(Partition, u64)>,
}

/// The [`Seeks`] a group was gathered after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Seen {
    epoch: u64,
    assignments: u64,
    rewinds: u64,
}

/// What became of every partition since a group was gathered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Since {
    /// Nothing sought them all.
    Unmoved,
    /// The loop re-read them from the tables' positions: what the group holds after the
    /// taken part is delivered again. Its rest is dropped, and nothing more is needed.
    Reread,
    /// They were assigned again. The rebalance may have run while the group was gathered
    /// and sought its partitions in the middle of it: what came after that seek would not
    /// come again. The rest is dropped and the tables' positions sought once more.
    Reassigned,
}

impl Seeks {
    /// Every partition was sought again from the tables' positions: whatever was fetched
    /// before is delivered again.
    pub fn all(&mut self) {
        self.epoch += 1;
        self.rewound.clear();
    }

    /// Partitions were assigned (or revoked): every partition was sought again.
    pub fn assigned(&mut self) {
        self.assignments += 1;
        self.all();
    }

    /// `partition` was sought back: what was fetched of it before is delivered again.
    pub fn rewound(&mut self, partition: Partition) {
        self.rewinds += 1;
        self.rewound.push((partition, self.rewinds));
    }

    pub fn now(&self) -> Seen {
        Seen {
            epoch: self.epoch,
            assignments: self.assignments,
            rewinds: self.rewinds,
        }
    }

    /// What sought every partition since `seen`, if anything did.
    pub fn since(&self, seen: Seen) -> Since {
        if self.assignments != seen.assignments {
            Since::Reassigned
        } else if self.epoch != seen.epoch {
            Since::Reread
        } else {
            Since::Unmoved
        }
    }

    /// Whether `topic`/`partition` was rewound since `seen`.
    pub fn rewound_since(&self, seen: Seen, topic: &str, partition: i32) -> bool {
        self.rewound
            .iter()
            .any(|((t, p), n)| *n > seen.rewinds && *p == partition && t == topic)
    }

    /// Groups are taken in the order they were gathered: once one gathered at `seen` is
    /// taken, no rewind before it matters to any group left.
    pub fn forget_before(&mut self, seen: Seen) {
        self.rewound.retain(|(_, n)| *n > seen.rewinds);
    }
}

/// Messages fetched together, being judged in the background.
pub(super) struct Group<'c> {
    messages: Vec<BorrowedMessage<'c>>,
    /// The seeks made before it was gathered.
    seen: Seen,
    verdicts: JoinHandle<Vec<Option<Verdict>>>,
}

impl<'c> Group<'c> {
    /// Starts judging `messages` on a blocking thread (which spreads them over every core).
    /// Their payloads are copied, once, into one buffer the judging owns.
    pub fn judge(messages: Vec<BorrowedMessage<'c>>, seen: Seen) -> Self {
        let total = messages.iter().map(|m| m.payload_len()).sum();
        let mut bytes = Vec::with_capacity(total);
        let mut ends = Vec::with_capacity(messages.len());
        for m in &messages {
            bytes.extend_from_slice(m.payload().unwrap_or_default());
            ends.push(bytes.len());
        }
        let verdicts = tokio::task::spawn_blocking(move || {
            let mut start = 0;
            let payloads: Vec<Option<&[u8]>> = ends
                .iter()
                .map(|&end| {
                    let payload = &bytes[start..end];
                    start = end;
                    Some(payload)
                })
                .collect();
            judge_many(&payloads)
        });
        Self {
            messages,
            seen,
            verdicts,
        }
    }

    /// Waits for the verdicts: one for each message, in order (`None` for none).
    pub async fn verdicts(self) -> (Vec<BorrowedMessage<'c>>, Seen, Vec<Option<Verdict>>) {
        let verdicts = match self.verdicts.await {
            Ok(verdicts) => verdicts,
            Err(e) => match e.try_into_panic() {
                // Judging panicked (a bug, not input: judging never panics on input).
                Ok(panic) => std::panic::resume_unwind(panic),
                // Cancelled: the runtime is shutting down. Nothing of the group is taken, so
                // nothing of it is committed, and the next start reads it from the tables.
                Err(_) => Vec::new(),
            },
        };
        (self.messages, self.seen, verdicts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(topic: &str, partition: i32) -> Partition {
        (topic.to_owned(), partition)
    }

    #[test]
    fn a_group_sees_the_rewinds_made_after_it_was_gathered() {
        let mut seeks = Seeks::default();
        seeks.rewound(p("a", 0));
        let first = seeks.now();
        seeks.rewound(p("a", 1));
        let second = seeks.now();
        seeks.rewound(p("b", 1));

        assert!(!seeks.rewound_since(first, "a", 0), "rewound before");
        assert!(seeks.rewound_since(first, "a", 1));
        assert!(seeks.rewound_since(first, "b", 1));
        assert!(!seeks.rewound_since(first, "b", 0));
        assert!(!seeks.rewound_since(second, "a", 1), "rewound before");
        assert!(seeks.rewound_since(second, "b", 1));

        // Once the first is taken, the second still sees its rewinds.
        seeks.forget_before(first);
        assert!(seeks.rewound_since(second, "b", 1));
        assert!(!seeks.rewound_since(second, "a", 1));
        assert_eq!(seeks.since(second), Since::Unmoved);

        // Seeking every partition makes every earlier group stale, rewinds and all.
        seeks.all();
        assert_eq!(seeks.since(first), Since::Reread);
        assert_eq!(seeks.since(second), Since::Reread);
        let third = seeks.now();
        assert_eq!(seeks.since(third), Since::Unmoved);
        assert!(!seeks.rewound_since(third, "b", 1));
    }

    /// A group gathered before a re-read is only dropped: were it to ask for another re-read,
    /// the group gathered before that one would ask again, and a backlog (where the next
    /// group is always gathered before the one held is taken) would re-read for ever.
    #[test]
    fn only_an_assignment_asks_for_another_reread() {
        let mut seeks = Seeks::default();
        let before = seeks.now();
        seeks.assigned();
        assert_eq!(seeks.since(before), Since::Reassigned);
        let between = seeks.now();
        seeks.all();
        assert_eq!(
            seeks.since(before),
            Since::Reassigned,
            "an assignment since"
        );
        assert_eq!(seeks.since(between), Since::Reread);
        let after = seeks.now();
        assert_eq!(seeks.since(after), Since::Unmoved);
    }
}
