//! Checks that a partition resumes where it was told to.
//!
//! After a seek to offset `x` (an assignment, or a re-read after a lost commit), the first
//! message of the partition must have an offset at most `x`: a Kafka broker answers a fetch
//! with the record batch that contains `x`, and the client drops what comes before it. Tansu
//! 0.6 instead answers with the first batch that *starts* at or after `x`, so a resume inside
//! a batch would silently skip the rest of that batch.
//!
//! When the first message comes after `x`, the source re-reads from further back (1,000
//! messages, then doubling): what it has already committed is dropped as a replay by the
//! tables' watermarks, so nothing is duplicated, and the skipped messages are read. Only when
//! even a re-read from the start of the partition (or [`MAX_REWIND`] back) jumps past `x`
//! is the gap real (a compacted topic or transaction markers), and it is reported as such.

use std::collections::HashMap;

/// The first step back.
pub const FIRST_REWIND: i64 = 1_000;
/// The furthest step back before a gap is accepted as real.
pub const MAX_REWIND: i64 = 1 << 20;

pub use super::Partition;

/// What to do with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// Handle it.
    Take,
    /// Drop it and seek the partition to this offset.
    Rewind(i64),
    /// Handle it, and report that the offsets `from..to` do not exist on the broker.
    Gap { from: i64, to: i64 },
}

#[derive(Debug, Clone, Copy)]
struct Expect {
    at: i64,
    rewind: i64,
}

/// The partitions whose first message after a seek has not come yet.
#[derive(Debug, Default)]
pub struct ResumeCheck {
    pending: HashMap<Partition, Expect>,
}

impl ResumeCheck {
    /// The partition was sought to `at` (`None`: its beginning, which needs no check).
    pub fn sought(&mut self, partition: Partition, at: Option<i64>) {
        match at {
            Some(at) if at > 0 => {
                self.pending.insert(partition, Expect { at, rewind: 0 });
            }
            _ => {
                self.pending.remove(&partition);
            }
        }
    }

    /// Forgets every partition (all were revoked).
    pub fn clear(&mut self) {
        self.pending.clear();
    }

    /// Judges a message at `offset` of `partition`.
    pub fn check(&mut self, partition: &Partition, offset: i64) -> Check {
        let Some(expect) = self.pending.get_mut(partition) else {
            return Check::Take;
        };
        if offset <= expect.at {
            self.pending.remove(partition);
            return Check::Take;
        }
        let from = expect.at - expect.rewind;
        if from <= 0 || expect.rewind >= MAX_REWIND {
            let at = expect.at;
            self.pending.remove(partition);
            return Check::Gap {
                from: at,
                to: offset,
            };
        }
        expect.rewind = (expect.rewind * 2).max(FIRST_REWIND);
        Check::Rewind((expect.at - expect.rewind).max(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> Partition {
        ("t".to_owned(), 0)
    }

    #[test]
    fn a_resume_at_or_before_the_position_is_fine() {
        let mut c = ResumeCheck::default();
        c.sought(p(), Some(4000));
        assert_eq!(c.check(&p(), 3950), Check::Take);
        assert_eq!(c.check(&p(), 9000), Check::Take, "checked once only");
        assert_eq!(c.check(&("t".to_owned(), 1), 5), Check::Take);
    }

    #[test]
    fn a_skip_rewinds_further_each_time_until_the_position_is_reached() {
        let mut c = ResumeCheck::default();
        c.sought(p(), Some(4000));
        assert_eq!(c.check(&p(), 4089), Check::Rewind(3000));
        assert_eq!(c.check(&p(), 4089), Check::Rewind(2000));
        assert_eq!(c.check(&p(), 4089), Check::Rewind(0));
        assert_eq!(c.check(&p(), 2), Check::Take);
    }

    #[test]
    fn a_skip_that_persists_from_the_start_is_a_real_gap() {
        let mut c = ResumeCheck::default();
        c.sought(p(), Some(500));
        assert_eq!(c.check(&p(), 700), Check::Rewind(0));
        assert_eq!(c.check(&p(), 700), Check::Gap { from: 500, to: 700 });
        assert_eq!(c.check(&p(), 701), Check::Take);
    }

    #[test]
    fn the_beginning_and_revocations_need_no_check() {
        let mut c = ResumeCheck::default();
        c.sought(p(), None);
        assert_eq!(c.check(&p(), 10), Check::Take);
        c.sought(p(), Some(5));
        c.clear();
        assert_eq!(c.check(&p(), 10), Check::Take);
    }
}
