//! The generator: good plan and service events merged in time order, with late, duplicate
//! and bad messages mixed in, as one iterator of ready-to-send messages.

use stf_schemas::event::{EventKind, ProviderServiceEvent, SupportPlanEvent};
use stf_schemas::reason::Reason;

use crate::bad::{self, Template};
use crate::config::GeneratorConfig;
use crate::delivery::{self, Delayed};
use crate::error::Error;
use crate::pii::PiiKind;
use crate::plans::{self, PlanStream, World};
use crate::providers::{self, ServiceDraft};
use crate::rng::{self, Rng};

/// Key families of the generator's own streams.
const DELIVERY: u64 = 3;
const BAD: u64 = 4;
/// Phantom plans (templates of bad messages) are numbered from here, past any real plan.
const PHANTOM: u64 = 1 << 62;

/// One Kafka message or NDJSON line, with the truth about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Which topic (and file) it belongs to.
    pub kind: EventKind,
    /// The Kafka key: the plan's or the service's id.
    pub key: String,
    /// The event's id (empty where a bad message has none to read).
    pub event_id: String,
    /// The bytes to send or write (never containing a newline byte).
    pub payload: Vec<u8>,
    /// The contract rule this message was made to break; `None` for a good message.
    pub broken: Option<Reason>,
    /// Personal data planted in the free text: (kind, exact text). Empty on redeliveries.
    pub pii: Vec<(PiiKind, String)>,
    /// A second delivery of a message already delivered, byte for byte.
    pub redelivery: bool,
    /// Delivered after events that occurred after it.
    pub late: bool,
}

/// Counts of what has been generated so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Plans begun (their first event has been produced or is due).
    pub plans: u64,
    pub plan_events: u64,
    pub service_events: u64,
    pub duplicates: u64,
    pub late: u64,
    pub bad: u64,
    /// Pieces of personal data planted.
    pub pii: u64,
}

impl Stats {
    /// Every message yielded.
    pub fn messages(&self) -> u64 {
        self.plan_events + self.service_events + self.duplicates + self.bad
    }
}

/// A seeded, streaming generator of support-plan and provider-service messages.
#[derive(Debug)]
pub struct Generator {
    config: GeneratorConfig,
    world: World,
    plans: PlanStream,
    services: Vec<ServiceDraft>,
    next_service: usize,
    delayed: Delayed,
    delivery: Rng,
    bad: Rng,
    /// The order reasons are broken in: each cycle a shuffle of `Reason::ALL`.
    reasons: Vec<Reason>,
    /// The time of the latest good event taken from the sources.
    now: i64,
    /// The time of the latest good event delivered on time.
    delivered: i64,
    last_len: usize,
    stats: Stats,
}

impl Generator {
    /// A generator for `config`, which must be valid.
    pub fn new(config: GeneratorConfig) -> Result<Self, Error> {
        config.validate()?;
        let world = World::new(
            config.seed,
            config.plans,
            &config.councils,
            config.from,
            config.to,
            config.pii_fraction,
        );
        let plans = PlanStream::new(&world);
        let services = providers::build(&world);
        let delivery = rng::stream(rng::key(config.seed, DELIVERY, 0), 0);
        let bad = rng::stream(rng::key(config.seed, BAD, 0), 0);
        let now = world.start;
        Ok(Self {
            config,
            world,
            plans,
            services,
            next_service: 0,
            delayed: Delayed::default(),
            delivery,
            bad,
            reasons: Vec::new(),
            now,
            delivered: now,
            last_len: 1024,
            stats: Stats::default(),
        })
    }

    /// The configuration it generates from.
    pub fn config(&self) -> &GeneratorConfig {
        &self.config
    }

    /// What has been generated so far.
    pub fn stats(&self) -> Stats {
        Stats {
            plans: self.plans.started(),
            ..self.stats.clone()
        }
    }

    /// The time of the next good event, if any remain.
    fn next_good_time(&self) -> Option<i64> {
        let plan = self.plans.peek(&self.world);
        let service = self.services.get(self.next_service).map(|s| s.at);
        match (plan, service) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The next good event as a message, in time order (services first on a tie).
    fn next_good(&mut self) -> Option<(i64, Message)> {
        let plan = self.plans.peek(&self.world);
        let service = self.services.get(self.next_service).map(|s| s.at);
        let take_service = match (plan, service) {
            (Some(p), Some(s)) => s <= p,
            (None, Some(_)) => true,
            _ => false,
        };
        if take_service {
            let draft = &self.services[self.next_service];
            self.next_service += 1;
            self.stats.service_events += 1;
            let payload = serialise(&mut self.last_len, &draft.event);
            let message = Message {
                kind: EventKind::ProviderService,
                key: draft.event.service_id.clone(),
                event_id: draft.event.event_id.clone(),
                payload,
                broken: None,
                pii: draft.pii.clone(),
                redelivery: false,
                late: false,
            };
            return Some((draft.at, message));
        }
        let mut payload = Vec::with_capacity(self.last_len + 256);
        let (at, mut message) = self.plans.next(&self.world, &mut payload)?;
        self.stats.plan_events += 1;
        self.last_len = payload.len();
        message.payload = payload;
        Some((at, message))
    }

    /// A bad message, breaking the next reason of the cycle.
    fn next_bad(&mut self) -> Message {
        if self.reasons.is_empty() {
            let mut cycle = Reason::ALL.to_vec();
            for i in (1..cycle.len()).rev() {
                cycle.swap(i, rng::int(&mut self.bad, 0, i as u32) as usize);
            }
            cycle.reverse();
            self.reasons = cycle;
        }
        let reason = self.reasons.pop().expect("the cycle was just refilled");
        let service_ok =
            !self.services.is_empty() && bad::applies(reason, EventKind::ProviderService);
        let as_service = service_ok
            && (!bad::applies(reason, EventKind::SupportPlan) || rng::chance(&mut self.bad, 0.2));
        self.stats.bad += 1;
        let event_id = rng::uuid(&mut self.bad);
        let at = plans::timestamp(self.now);
        let (kind, key, template) = if as_service {
            let i = rng::int(&mut self.bad, 0, self.services.len() as u32 - 1) as usize;
            let mut e: ProviderServiceEvent = self.services[i].event.clone();
            e.event_id = event_id.clone();
            e.occurred_at = at;
            e.event_type = stf_schemas::codes::ServiceEventType::Updated;
            (
                EventKind::ProviderService,
                e.service_id.clone(),
                Template::Service(Box::new(e)),
            )
        } else {
            let phantom = PHANTOM + self.stats.bad;
            let mut e: SupportPlanEvent =
                plans::event(&self.world, phantom, 0, false).expect("every plan has a first event");
            e.event_id = event_id.clone();
            e.occurred_at = at;
            (
                EventKind::SupportPlan,
                e.plan_id.clone(),
                Template::Plan(Box::new(e)),
            )
        };
        let payload = bad::make(&mut self.bad, reason, template);
        // Where validation can read the id back: parsed, an object, and the id still there.
        let unparsed = matches!(
            reason,
            Reason::Oversize
                | Reason::InvalidUtf8
                | Reason::TooDeep
                | Reason::MalformedJson
                | Reason::NotAnObject
                | Reason::InvalidEventId
        );
        let readable = !unparsed && contains(&payload, event_id.as_bytes());
        Message {
            kind,
            key,
            event_id: if readable { event_id } else { String::new() },
            payload,
            broken: Some(reason),
            pii: Vec::new(),
            redelivery: false,
            late: false,
        }
    }
}

impl Iterator for Generator {
    type Item = Message;

    fn next(&mut self) -> Option<Message> {
        loop {
            let next = self.next_good_time();
            if let Some(held) = self.delayed.due(next, self.delivered) {
                return Some(held);
            }
            next?;
            if self.config.bad_fraction > 0.0
                && rng::chance(&mut self.delivery, self.config.bad_fraction)
            {
                return Some(self.next_bad());
            }
            let (at, message) = self.next_good()?;
            self.now = at;
            self.stats.pii += message.pii.len() as u64;
            if rng::chance(&mut self.delivery, self.config.late_fraction) {
                self.stats.late += 1;
                let release = at + delivery::late_by(&mut self.delivery);
                self.delayed.hold(
                    release,
                    at,
                    Message {
                        late: true,
                        ..message
                    },
                );
                continue;
            }
            if rng::chance(&mut self.delivery, self.config.duplicate_fraction) {
                self.stats.duplicates += 1;
                let again = Message {
                    redelivery: true,
                    pii: Vec::new(),
                    ..message.clone()
                };
                self.delayed.hold(
                    at + delivery::again_after(&mut self.delivery),
                    i64::MIN,
                    again,
                );
            }
            self.delivered = at;
            return Some(message);
        }
    }
}

/// Serialises an event into a buffer sized like the last one, so that it rarely regrows.
fn serialise<T: serde::Serialize>(last_len: &mut usize, event: &T) -> Vec<u8> {
    let mut payload = Vec::with_capacity(*last_len + 256);
    serde_json::to_writer(&mut payload, event)
        .expect("events hold only strings, numbers and codes");
    *last_len = payload.len();
    payload
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
