//! A watch for partitions that no member of the consumer group owns.
//!
//! In a healthy group every partition of a subscribed topic belongs to some member once the
//! group is stable. A coordinator can lose track: on Tansu 0.6, a member killed (`kill -9`)
//! while it led the group leaves the survivors with an assignment that omits its partitions,
//! and no rebalance follows, so those partitions are never read again
//! (or, after the leader of a pair dies, tells the survivor it owns every partition while
//! handing it only its old ones). Kafka's coordinator does neither, and then this watch
//! never acts.
//!
//! Every [`GroupWatch::EVERY`] the source asks the coordinator who owns what (DescribeGroups)
//! and which partitions the topics have (metadata). A stable group in which some partition
//! has no owner, or in which the coordinator's record of this instance's partitions differs
//! from what it was handed, in [`GroupWatch::STRIKES`] checks in a row while this instance's
//! own assignment has not changed, makes this instance rejoin the group, which starts a fresh
//! rebalance.
//! Rejoining is safe at any time: positions come from the tables, never from the consumer.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

pub use super::Partition;

/// The decision of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing to do (or not yet time to look).
    Fine,
    /// The group has been inconsistent for long enough: rejoin it.
    Rejoin(Problem),
}

/// What is wrong with a stable group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// No member owns these partitions.
    Unowned(Vec<Partition>),
    /// The coordinator records this instance as owning `recorded`; it was handed `held`.
    Mismatch {
        recorded: Vec<Partition>,
        held: Vec<Partition>,
    },
}

/// What the coordinator said in one check.
#[derive(Debug, Clone, Default)]
pub struct Observation {
    /// Every partition of the subscribed topics.
    pub partitions: Vec<Partition>,
    /// The group's state as the coordinator names it (`Stable`, `PreparingRebalance`, …).
    pub state: String,
    /// Each member: its client id and its assignment, in the consumer protocol's encoding.
    pub members: Vec<(String, Vec<u8>)>,
    /// This instance's client id.
    pub client_id: String,
    /// What this instance holds, as it knows it.
    pub ours: Vec<Partition>,
}

/// Counts the checks in a row in which some partition had no owner.
#[derive(Debug)]
pub struct GroupWatch {
    next_check: Instant,
    strikes: u32,
}

impl GroupWatch {
    /// A watch whose first check is due one period after `now`.
    pub fn new(now: Instant) -> Self {
        Self {
            next_check: now + Self::EVERY,
            strikes: 0,
        }
    }

    /// How often to look.
    pub const EVERY: Duration = Duration::from_secs(10);
    /// Checks in a row with an unowned partition before rejoining.
    pub const STRIKES: u32 = 2;

    /// Whether a check is due now.
    pub fn due(&self, now: Instant) -> bool {
        now >= self.next_check
    }

    /// The assignment of this instance changed: whatever was seen before no longer counts.
    pub fn reset(&mut self, now: Instant) {
        self.strikes = 0;
        self.next_check = now + Self::EVERY;
    }

    /// Judges one observation (`None`: the coordinator could not be asked).
    pub fn judge(&mut self, now: Instant, seen: Option<&Observation>) -> Verdict {
        self.next_check = now + Self::EVERY;
        let Some(seen) = seen.filter(|s| s.state == "Stable") else {
            self.strikes = 0;
            return Verdict::Fine;
        };
        let Some(problem) = problem(seen) else {
            self.strikes = 0;
            return Verdict::Fine;
        };
        self.strikes += 1;
        if self.strikes < Self::STRIKES {
            return Verdict::Fine;
        }
        self.strikes = 0;
        Verdict::Rejoin(problem)
    }
}

/// What is wrong with the group as observed, if anything. Nothing, when the answer cannot be
/// trusted: an assignment that cannot be decoded, or no way to tell which member is this
/// instance (a client id shared by several members; a coordinator that reports no client
/// ids, unless this instance is the only member).
///
/// Kafka reports every member's assignment (a member holding nothing still has a few bytes:
/// version and an empty list); a coordinator that reports none (Tansu 0.6) leaves one
/// judgement: a group whose only member is this instance must have every partition here.
pub fn problem(seen: &Observation) -> Option<Problem> {
    let ours: BTreeSet<&Partition> = seen.ours.iter().collect();
    let mine: Vec<&(String, Vec<u8>)> = seen
        .members
        .iter()
        .filter(|(client_id, _)| *client_id == seen.client_id)
        .collect();
    let anonymous = seen
        .members
        .iter()
        .all(|(client_id, _)| client_id.is_empty());
    let me = match (mine.as_slice(), seen.members.as_slice()) {
        ([me], _) => *me,
        ([], [only]) if anonymous => only,
        _ => return None,
    };
    let reported = seen.members.iter().all(|(_, bytes)| !bytes.is_empty());
    let owned: BTreeSet<Partition> = if reported {
        let mut owned = BTreeSet::new();
        for (_, bytes) in &seen.members {
            owned.extend(decode_assignment(bytes)?);
        }
        let recorded = decode_assignment(&me.1)?;
        if recorded.iter().collect::<BTreeSet<_>>() != ours {
            return Some(Problem::Mismatch {
                recorded,
                held: seen.ours.clone(),
            });
        }
        owned
    } else if seen.members.len() == 1 {
        seen.ours.iter().cloned().collect()
    } else {
        return None;
    };
    let unowned: Vec<Partition> = seen
        .partitions
        .iter()
        .filter(|p| !owned.contains(*p))
        .cloned()
        .collect();
    (!unowned.is_empty()).then_some(Problem::Unowned(unowned))
}

/// Decodes a consumer-protocol assignment: `version: i16`, then `[topic: string,
/// [partition: i32]]`, then user data (ignored). An empty buffer is an empty assignment.
pub fn decode_assignment(bytes: &[u8]) -> Option<Vec<Partition>> {
    if bytes.is_empty() {
        return Some(Vec::new());
    }
    let mut r = Reader(bytes);
    let _version = r.i16()?;
    let topics = r.i32()?;
    let mut out = Vec::new();
    for _ in 0..topics.max(0) {
        let len = usize::try_from(r.i16()?).ok()?;
        let topic = std::str::from_utf8(r.take(len)?).ok()?.to_owned();
        let n = r.i32()?;
        for _ in 0..n.max(0) {
            out.push((topic.clone(), r.i32()?));
        }
    }
    Some(out)
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Some(head)
    }

    fn i16(&mut self) -> Option<i16> {
        Some(i16::from_be_bytes(self.take(2)?.try_into().ok()?))
    }

    fn i32(&mut self) -> Option<i32> {
        Some(i32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(held: &[(&str, &[i32])]) -> Vec<u8> {
        let mut b = vec![0, 3];
        b.extend((held.len() as i32).to_be_bytes());
        for (topic, parts) in held {
            b.extend((topic.len() as i16).to_be_bytes());
            b.extend(topic.as_bytes());
            b.extend((parts.len() as i32).to_be_bytes());
            for p in *parts {
                b.extend(p.to_be_bytes());
            }
        }
        b.extend((-1i32).to_be_bytes()); // no user data
        b
    }

    fn parts(topic: &str, n: i32) -> Vec<Partition> {
        (0..n).map(|p| (topic.to_owned(), p)).collect()
    }

    #[test]
    fn decodes_what_librdkafka_encodes() {
        let b = encode(&[("support-plans", &[0, 2]), ("provider-services", &[1])]);
        assert_eq!(
            decode_assignment(&b).unwrap(),
            vec![
                ("support-plans".to_owned(), 0),
                ("support-plans".to_owned(), 2),
                ("provider-services".to_owned(), 1)
            ]
        );
        assert_eq!(decode_assignment(&[]).unwrap(), vec![]);
        assert_eq!(decode_assignment(&b[..b.len() - 9]), None, "truncated");
    }

    fn seen(members: &[(&str, Vec<u8>)], ours: &[i32]) -> Observation {
        Observation {
            partitions: parts("t", 4),
            state: "Stable".into(),
            members: members
                .iter()
                .map(|(c, b)| (c.to_string(), b.clone()))
                .collect(),
            client_id: "me".into(),
            ours: ours.iter().map(|p| ("t".to_owned(), *p)).collect(),
        }
    }

    #[test]
    fn finds_partitions_no_member_holds() {
        let a = encode(&[("t", &[0, 1])]);
        let b = encode(&[("t", &[3])]);
        assert_eq!(
            problem(&seen(&[("other", a.clone()), ("me", b.clone())], &[3])),
            Some(Problem::Unowned(vec![("t".to_owned(), 2)]))
        );
        assert_eq!(
            problem(&seen(&[("me", encode(&[]))], &[])),
            Some(Problem::Unowned(parts("t", 4))),
            "one member holding nothing"
        );
        assert_eq!(
            problem(&seen(&[("other", a), ("me", vec![0, 0, 0, 9])], &[])),
            None,
            "undecodable: never act"
        );
        let all = encode(&[("t", &[0, 1, 2, 3])]);
        assert_eq!(problem(&seen(&[("me", all.clone())], &[3, 2, 1, 0])), None);
    }

    #[test]
    fn finds_a_record_that_differs_from_what_we_hold() {
        let all = encode(&[("t", &[0, 1, 2, 3])]);
        assert_eq!(
            problem(&seen(&[("me", all.clone())], &[2, 3])),
            Some(Problem::Mismatch {
                recorded: parts("t", 4),
                held: vec![("t".to_owned(), 2), ("t".to_owned(), 3)],
            })
        );
        assert_eq!(
            problem(&seen(&[("me", all.clone()), ("me", encode(&[]))], &[2, 3])),
            None,
            "two members with our client id: cannot tell which is us"
        );
    }

    #[test]
    fn without_reported_assignments_only_a_lone_member_is_judged() {
        assert_eq!(
            problem(&seen(&[("me", vec![])], &[2, 3])),
            Some(Problem::Unowned(vec![
                ("t".to_owned(), 0),
                ("t".to_owned(), 1)
            ]))
        );
        assert_eq!(problem(&seen(&[("me", vec![])], &[0, 1, 2, 3])), None);
        assert_eq!(
            problem(&seen(&[("me", vec![]), ("other", vec![])], &[2, 3])),
            None,
            "another member may hold the rest"
        );
        assert_eq!(
            problem(&seen(&[("", vec![])], &[2])),
            Some(Problem::Unowned(vec![
                ("t".to_owned(), 0),
                ("t".to_owned(), 1),
                ("t".to_owned(), 3)
            ])),
            "no client ids reported: the only member is this one"
        );
        assert_eq!(problem(&seen(&[("", vec![]), ("", vec![])], &[2])), None);
    }

    #[test]
    fn rejoins_only_after_strikes_in_a_stable_group() {
        let t0 = Instant::now();
        let mut w = GroupWatch::new(t0);
        assert!(!w.due(t0));
        assert!(w.due(t0 + GroupWatch::EVERY));
        let orphaned = Observation {
            partitions: parts("t", 2),
            state: "Stable".into(),
            members: vec![("me".into(), encode(&[("t", &[0])]))],
            client_id: "me".into(),
            ours: vec![("t".to_owned(), 0)],
        };
        let rebalancing = Observation {
            state: "PreparingRebalance".into(),
            ..orphaned.clone()
        };
        assert_eq!(w.judge(t0, Some(&orphaned)), Verdict::Fine);
        assert_eq!(
            w.judge(t0, Some(&rebalancing)),
            Verdict::Fine,
            "a rebalance resets"
        );
        assert_eq!(w.judge(t0, Some(&orphaned)), Verdict::Fine);
        assert_eq!(
            w.judge(t0, Some(&orphaned)),
            Verdict::Rejoin(Problem::Unowned(vec![("t".to_owned(), 1)]))
        );
        assert_eq!(w.judge(t0, Some(&orphaned)), Verdict::Fine, "strikes reset");
        w.reset(t0);
        assert_eq!(w.judge(t0, None), Verdict::Fine);
        let whole = Observation {
            members: vec![("me".into(), encode(&[("t", &[0, 1])]))],
            ours: parts("t", 2),
            ..orphaned
        };
        assert_eq!(w.judge(t0, Some(&whole)), Verdict::Fine);
        assert_eq!(w.judge(t0, Some(&whole)), Verdict::Fine);
    }
}
