//! Every plan's events as one stream in time order, with memory bounded by the number of
//! plans open at once (a few bytes each), not by the number of events.
//!
//! A plan is a pure function of the seed and its index: its person, history and content are
//! drawn from its own random streams, so any event of it can be rebuilt on its own. The
//! stream keeps a heap of (time of next event, plan, step) and rebuilds each event when it
//! is due; plans start in index order, at times that rise with the index.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chrono::{DateTime, NaiveDate, Utc};
use stf_schemas::codes::{ClosureReason, PlanEventType};
use stf_schemas::event::EventKind;
use stf_schemas::event::{
    Budget, DesiredOutcome, Person, PlannedSupport, SupportPlanEvent, SUPPORT_PLAN_SCHEMA,
};

use crate::generator::Message;
use crate::history::{self, Timeline, DAY};
use crate::json;
use crate::localities::{Area, Areas};
use crate::outcomes::{self, Outcome};
use crate::people::{self, Profile};
use crate::pii::{self, PiiKind};
use crate::rng::{self, Rng, PLAN_EVENT, PLAN_STREAM};
use crate::support::{self, Content};

/// Key family of plans.
const PLANS: u64 = 1;
/// The share of plans loaded in the first weeks (the caseload a council already had).
const BACKLOG: f64 = 0.35;
/// Office seconds in a working day (08:30-17:30).
const OFFICE_DAY: i64 = 9 * 3600;

/// What every part of the generator shares.
#[derive(Debug)]
pub(crate) struct World {
    pub seed: u64,
    pub plans: u64,
    pub areas: Areas,
    /// Day numbers (since the epoch) of the weekdays in the date range.
    pub weekdays: Vec<i64>,
    /// First and last second of the range.
    pub start: i64,
    pub end: i64,
    pub pii_fraction: f64,
}

impl World {
    pub fn new(
        seed: u64,
        plans: u64,
        councils: &[String],
        from: NaiveDate,
        to: NaiveDate,
        pii_fraction: f64,
    ) -> Self {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");
        let first = (from - epoch).num_days();
        let last = (to - epoch).num_days();
        let mut weekdays: Vec<i64> = (first..=last)
            .filter(|d| (d + 3).rem_euclid(7) < 5)
            .collect();
        if weekdays.is_empty() {
            weekdays.push(first);
        }
        Self {
            seed,
            plans,
            areas: Areas::new(councils, seed),
            weekdays,
            start: first * DAY,
            end: last * DAY + DAY - 1,
            pii_fraction,
        }
    }

    /// A time within office hours at fraction `p` of the range's working time.
    pub fn working_time(&self, p: f64) -> i64 {
        let total = self.weekdays.len() as f64 * OFFICE_DAY as f64;
        let x = (p.clamp(0.0, 1.0) * total) as i64;
        let day = ((x / OFFICE_DAY) as usize).min(self.weekdays.len() - 1);
        self.weekdays[day] * DAY + 30_600 + x % OFFICE_DAY
    }

    /// When plan `i` is agreed: rising with `i`, a backlog in the first weeks, then steady.
    fn start_of(&self, i: u64) -> i64 {
        let jitter = (rng::key(self.seed, PLANS ^ 0xABC, i) >> 11) as f64 / (1u64 << 53) as f64;
        let p = (i as f64 + jitter) / self.plans.max(1) as f64;
        let days = self.weekdays.len() as f64;
        let burst = (30.0 / days).min(0.25); // first 30 working days
        let knee = BACKLOG + (1.0 - BACKLOG) * burst;
        let q = if p < knee {
            p / knee * burst
        } else {
            burst + (p - knee) / (1.0 - knee) * (1.0 - burst)
        };
        self.working_time(q)
    }
}

/// The person and history of plan `i`, and the plan's random stream, ready for its content.
///
/// One stream serves the person, the history, the content and every revision, in that
/// order: each is drawn the same way whenever the plan is rebuilt, so the stream is too.
fn skeleton(world: &World, key: u64, i: u64) -> (Profile, Timeline, Rng) {
    let mut rng = rng::stream(key, PLAN_STREAM);
    let area = world.areas.sample(&mut rng);
    let profile = people::profile(&mut rng, area, &world.areas.list[area]);
    let timeline = history::timeline(&mut rng, &profile, world.start_of(i), world.end);
    (profile, timeline, rng)
}

/// Builds the content of a plan at `version` into `content`, drawing from the plan's stream
/// after its skeleton.
fn content(world: &World, mut rng: Rng, profile: &Profile, version: u32, content: &mut Content) {
    let area = &world.areas.list[profile.area];
    content.clear();
    let categories = outcomes::choose_categories(&mut rng, profile);
    let ranked = rng::chance(&mut rng, 0.85);
    for (n, &category) in categories.iter().enumerate() {
        let buffer = content.spare_text();
        let text = outcomes::compose(&mut rng, category, profile, &area.town, buffer);
        let priority = ranked.then_some((n as u8 + 1).min(5));
        content.outcomes.push(Outcome {
            category,
            text,
            priority,
        });
    }
    support::build(&mut rng, profile, area, content);
    for _ in 2..=version {
        history::revise(&mut rng, content, profile, area);
    }
}

/// Reusable space that plan events are built in.
#[derive(Debug)]
pub(crate) struct Scratch {
    content: Content,
    /// Descriptions with personal data planted in them, by item.
    planted: Vec<(usize, String)>,
    /// The description being written.
    description: String,
}

impl Scratch {
    pub fn new() -> Self {
        Self {
            content: Content::new(),
            planted: Vec::new(),
            description: String::with_capacity(160),
        }
    }
}

/// One good support-plan event, built in a [`Scratch`]: everything needed to write it.
#[derive(Debug)]
pub(crate) struct Built<'a> {
    pub at: i64,
    /// When the plan's next event is due, if it has one.
    pub next_at: Option<i64>,
    pub event_id: String,
    pub plan_id: String,
    pub kind: PlanEventType,
    pub version: u32,
    pub profile: Profile,
    pub area: &'a Area,
    pub content: &'a Content,
    pub planted: &'a [(usize, String)],
    pub budget: f64,
    pub closure_reason: Option<ClosureReason>,
    /// Personal data planted in the free text.
    pub pii: Vec<(PiiKind, String)>,
    description: &'a mut String,
}

impl Built<'_> {
    /// The description of item `i` (with any planted data).
    pub fn describe(&mut self, i: usize) -> &str {
        if let Some((_, text)) = self.planted.iter().find(|(j, _)| *j == i) {
            return text;
        }
        self.description.clear();
        self.content.items[i].describe(self.description);
        self.description
    }

    /// The event as the typed contract event.
    pub fn typed(&mut self) -> SupportPlanEvent {
        let planned_support = (0..self.content.items.len())
            .map(|i| {
                let item = &self.content.items[i];
                let (service_type, provider_kind, hours, cost, arranged) = (
                    item.service_type,
                    item.provider_kind,
                    item.hours,
                    item.cost,
                    item.arranged,
                );
                PlannedSupport {
                    description: self.describe(i).to_owned(),
                    service_type,
                    provider_kind,
                    hours_per_week: hours,
                    annual_cost_gbp: cost,
                    arranged,
                }
            })
            .collect();
        SupportPlanEvent {
            schema: SUPPORT_PLAN_SCHEMA.to_owned(),
            event_id: self.event_id.clone(),
            event_type: self.kind,
            occurred_at: timestamp(self.at),
            plan_id: self.plan_id.clone(),
            plan_version: self.version,
            local_authority: self.area.code.clone(),
            locality: self.locality().map(str::to_owned),
            person: Person {
                age_band: self.profile.age,
                cohort: self.profile.cohort,
                primary_support_reason: self.profile.psr,
                ethnicity_group: self.profile.ethnicity,
            },
            budget: Budget {
                annual_gbp: self.budget,
                delivery_mechanism: self.content.mechanism,
            },
            desired_outcomes: self
                .content
                .outcomes
                .iter()
                .map(|o| DesiredOutcome {
                    text: o.text.clone(),
                    priority: o.priority,
                })
                .collect(),
            planned_support,
            closure_reason: self.closure_reason,
        }
    }

    pub fn locality(&self) -> Option<&str> {
        self.profile
            .district
            .map(|d| self.area.districts[d].as_str())
    }
}

/// Builds step `step` of plan `i` in `scratch`; `None` past the end of its history.
pub(crate) fn build<'a>(
    world: &'a World,
    i: u64,
    step: usize,
    allow_pii: bool,
    scratch: &'a mut Scratch,
) -> Option<Built<'a>> {
    let key = rng::key(world.seed, PLANS, i);
    let (profile, timeline, stream) = skeleton(world, key, i);
    let s = *timeline.steps().get(step)?;
    content(world, stream, &profile, s.version, &mut scratch.content);
    let area = &world.areas.list[profile.area];
    // What belongs to this event alone comes from a hash of (plan, step), not the stream.
    let event_key = rng::scramble(key ^ rng::scramble(step as u64 + 1));
    scratch.planted.clear();
    let mut pii = Vec::new();
    if allow_pii && rng::unit_from(event_key) < world.pii_fraction {
        let mut rng = rng::stream(key, PLAN_EVENT + step as u64);
        let district = &area.districts[profile.district.unwrap_or(0)];
        let birth_year = birth_year(&mut rng, &profile, s.at);
        plant(&mut rng, scratch, district, birth_year, &mut pii);
    }
    Some(Built {
        at: s.at,
        next_at: timeline.steps().get(step + 1).map(|n| n.at),
        event_id: rng::uuid_from(event_key, rng::scramble(event_key ^ key)),
        plan_id: hex_id('p', key),
        kind: s.kind,
        version: s.version,
        area,
        budget: scratch.content.budget(),
        content: &scratch.content,
        planted: &scratch.planted,
        closure_reason: (s.kind == PlanEventType::Closed).then_some(timeline.closure_reason()),
        pii,
        profile,
        description: &mut scratch.description,
    })
}

/// Step `step` of plan `i` as a typed event (for templates of bad messages, and tests).
pub(crate) fn event(
    world: &World,
    i: u64,
    step: usize,
    allow_pii: bool,
) -> Option<SupportPlanEvent> {
    let mut scratch = Scratch::new();
    build(world, i, step, allow_pii, &mut scratch).map(|mut b| b.typed())
}

fn birth_year(rng: &mut Rng, profile: &Profile, at: i64) -> u32 {
    use stf_schemas::codes::AgeBand as A;
    let (lo, hi) = match profile.age {
        A::A18to24 => (18, 24),
        A::A25to44 => (25, 44),
        A::A45to64 => (45, 64),
        A::A65to74 => (65, 74),
        A::A75to84 => (75, 84),
        A::A85to94 => (85, 94),
        A::A95plus => (95, 101),
    };
    let year_now = 1970 + (at / (DAY * 36_525 / 100)) as u32;
    year_now - rng::int(rng, lo, hi)
}

/// Plants one or two pieces of personal data in the free text of an event.
fn plant(
    rng: &mut Rng,
    scratch: &mut Scratch,
    district: &str,
    birth_year: u32,
    out: &mut Vec<(PiiKind, String)>,
) {
    let n = if rng::chance(rng, 0.15) { 2 } else { 1 };
    for _ in 0..n {
        let kind = rng::pick(rng, &PiiKind::ALL);
        let (value, frame) = pii::phrase(rng, kind, district, birth_year);
        let (outcomes, items) = (scratch.content.outcomes.len(), scratch.content.items.len());
        let target: &mut String = if items == 0 || (outcomes > 0 && rng::chance(rng, 0.75)) {
            if outcomes == 0 {
                continue;
            }
            &mut scratch.content.outcomes[rng::int(rng, 0, outcomes as u32 - 1) as usize].text
        } else {
            let i = rng::int(rng, 0, items as u32 - 1) as usize;
            let at = match scratch.planted.iter().position(|(j, _)| *j == i) {
                Some(at) => at,
                None => {
                    let mut text = String::with_capacity(160);
                    scratch.content.items[i].describe(&mut text);
                    scratch.planted.push((i, text));
                    scratch.planted.len() - 1
                }
            };
            &mut scratch.planted[at].1
        };
        if rng::chance(rng, 0.7) {
            target.push_str(if rng::chance(rng, 0.5) { " - " } else { ", " });
            pii::put(frame, &value, target);
        } else {
            let mut s = String::with_capacity(target.len() + 40);
            pii::put(frame, &value, &mut s);
            s.push_str(". ");
            s.push_str(target);
            *target = s;
        }
        out.push((kind, value));
    }
}

/// `prefix` and 16 lowercase hex digits.
pub(crate) fn hex_id(prefix: char, key: u64) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(17);
    s.push(prefix);
    for shift in (0..16).rev() {
        s.push(HEX[((key >> (shift * 4)) & 0xf) as usize] as char);
    }
    s
}

/// A time in the contract's form.
pub(crate) fn timestamp(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).expect("generated times are within chrono's range")
}

/// The good plan events of a world, in time order.
#[derive(Debug)]
pub(crate) struct PlanStream {
    heap: BinaryHeap<Reverse<(i64, u64, u8)>>,
    next_plan: u64,
    next_start: i64,
    scratch: Scratch,
}

impl PlanStream {
    pub fn new(world: &World) -> Self {
        let next_start = if world.plans > 0 {
            world.start_of(0)
        } else {
            i64::MAX
        };
        Self {
            heap: BinaryHeap::new(),
            next_plan: 0,
            next_start,
            scratch: Scratch::new(),
        }
    }

    /// Plans begun so far.
    pub fn started(&self) -> u64 {
        self.next_plan
    }

    /// The time of the next event, if any.
    pub fn peek(&self, world: &World) -> Option<i64> {
        let heap = self.heap.peek().map(|Reverse((t, _, _))| *t);
        let start = (self.next_plan < world.plans).then_some(self.next_start);
        match (heap, start) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The next event in time order, written as JSON into `payload`; its time, and the
    /// message without its payload.
    pub fn next(&mut self, world: &World, payload: &mut Vec<u8>) -> Option<(i64, Message)> {
        // Begin every plan agreed no later than the earliest pending event: plans' first
        // events never come before their start, and starts rise with the index.
        while self.next_plan < world.plans
            && self
                .heap
                .peek()
                .is_none_or(|Reverse((t, _, _))| self.next_start <= *t)
        {
            // A plan's history begins at its start.
            self.heap
                .push(Reverse((self.next_start, self.next_plan, 0)));
            self.next_plan += 1;
            if self.next_plan < world.plans {
                self.next_start = world.start_of(self.next_plan);
            }
        }
        let Reverse((_, i, step)) = self.heap.pop()?;
        let mut built = build(world, i, step as usize, true, &mut self.scratch)?;
        if let Some(at) = built.next_at {
            self.heap.push(Reverse((at, i, step + 1)));
        }
        json::write_built(&mut built, payload);
        let message = Message {
            kind: EventKind::SupportPlan,
            key: built.plan_id,
            event_id: built.event_id,
            payload: Vec::new(),
            broken: None,
            pii: built.pii,
            redelivery: false,
            late: false,
        };
        Some((built.at, message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_writer_matches_serde_and_scratch_leaves_no_trace() {
        let councils: Vec<String> = crate::DEFAULT_COUNCILS
            .iter()
            .map(|c| (*c).to_owned())
            .collect();
        let from = NaiveDate::from_ymd_opt(2023, 1, 1).expect("date");
        let to = NaiveDate::from_ymd_opt(2025, 12, 31).expect("date");
        let world = World::new(5, 300, &councils, from, to, 0.5);
        let mut scratch = Scratch::new();
        let mut events = 0;
        for i in 0..300 {
            for step in 0.. {
                let Some(mut built) = build(&world, i, step, true, &mut scratch) else {
                    break;
                };
                let mut ours = Vec::new();
                json::write_built(&mut built, &mut ours);
                let theirs = serde_json::to_vec(&built.typed()).expect("serialises");
                assert_eq!(
                    String::from_utf8_lossy(&ours),
                    String::from_utf8_lossy(&theirs)
                );
                // Built from fresh space, the same event has the same bytes.
                let fresh = event(&world, i, step, true).expect("the step exists");
                assert_eq!(serde_json::to_vec(&fresh).expect("serialises"), ours);
                events += 1;
            }
        }
        assert!(events > 600, "{events} events");
    }
}
