//! The life of a plan: agreed, reviewed (first at six to twelve weeks, then about yearly),
//! revised when needs or wishes change (now and then a quick correction), and closed; and
//! what each revision changes.

use stf_schemas::codes::{Category, ClosureReason, DeliveryMechanism, PlanEventType};

use crate::localities::Area;
use crate::outcomes::{self, Outcome};
use crate::people::{Package, Profile};
use crate::rng::{self, Rng};
use crate::support::{self, Content};

pub(crate) const DAY: i64 = 86_400;
const YEAR: f64 = 365.25 * 86_400.0;

/// The most events one plan has.
pub(crate) const MAX_STEPS: usize = 16;

/// One event of a plan's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Step {
    /// Seconds since the Unix epoch.
    pub at: i64,
    pub kind: PlanEventType,
    pub version: u32,
}

/// A plan's events, in time order.
#[derive(Debug, Clone)]
pub(crate) struct Timeline {
    steps: [Step; MAX_STEPS],
    len: usize,
    closure_reason: ClosureReason,
}

impl Timeline {
    pub fn steps(&self) -> &[Step] {
        &self.steps[..self.len]
    }

    /// Why the plan closed, if it did.
    pub fn closure_reason(&self) -> ClosureReason {
        self.closure_reason
    }

    fn push(&mut self, at: i64, kind: PlanEventType, version: u32) {
        self.steps[self.len] = Step { at, kind, version };
        self.len += 1;
    }
}

/// Moves a time forward onto a weekday within office hours (08:30-18:00 UTC), never back.
pub(crate) fn office(rng: &mut Rng, t: i64, after: i64) -> i64 {
    let mut day = t.div_euclid(DAY);
    // 1970-01-01 was a Thursday: weekday 0 = Monday.
    match (day + 3).rem_euclid(7) {
        5 => day += 2,
        6 => day += 1,
        _ => {}
    }
    let at = day * DAY + 30_600 + rng::int(rng, 0, 34_200) as i64;
    if at > after {
        at
    } else {
        after + rng::int(rng, 600, 7_200) as i64
    }
}

/// The history of a plan agreed at `start` (already within office hours), up to `end`.
pub(crate) fn timeline(rng: &mut Rng, profile: &Profile, start: i64, end: i64) -> Timeline {
    let mut tl = Timeline {
        steps: [Step {
            at: start,
            kind: PlanEventType::Agreed,
            version: 1,
        }; MAX_STEPS],
        len: 0,
        closure_reason: profile.closure_reason(rng),
    };
    tl.push(start, PlanEventType::Agreed, 1);
    let mut version = 1;
    let mut last = start;
    let close = start + (rng::exponential(rng, profile.mean_years_to_close()) * YEAR) as i64;
    let mut review = if rng::chance(rng, 0.6) {
        start + rng::int(rng, 42, 84) as i64 * DAY
    } else {
        start + rng::int(rng, 330, 400) as i64 * DAY
    };
    let rate = if profile.is_older() { 0.45 } else { 0.3 };
    let mut revise = start + next_revision(rng, rate);
    while tl.len < MAX_STEPS {
        let next = review.min(revise).min(close);
        if next > end {
            break;
        }
        let at = office(rng, next, last);
        if at > end {
            break;
        }
        last = at;
        if next == close {
            tl.push(at, PlanEventType::Closed, version);
            break;
        } else if next == review {
            if rng::chance(rng, 0.3) {
                version += 1;
                tl.push(at, PlanEventType::Revised, version);
            } else {
                tl.push(at, PlanEventType::Reviewed, version);
            }
            review = at + rng::int(rng, 330, 400) as i64 * DAY;
        } else {
            version += 1;
            tl.push(at, PlanEventType::Revised, version);
            revise = at + next_revision(rng, rate);
        }
    }
    tl
}

/// Seconds to the next revision: mostly months, sometimes a correction within days.
fn next_revision(rng: &mut Rng, per_year: f64) -> i64 {
    if rng::chance(rng, 0.12) {
        rng::int(rng, 1, 20) as i64 * DAY
    } else {
        (rng::exponential(rng, 1.0 / per_year) * YEAR) as i64 + DAY
    }
}

#[derive(Debug, Clone, Copy)]
enum Change {
    NeedsUp,
    NeedsDown,
    NewOutcome,
    Achieved,
    ProviderFound,
    ProviderLost,
    Mechanism,
}

/// Applies one revision to a plan's content.
pub(crate) fn revise(rng: &mut Rng, content: &mut Content, profile: &Profile, area: &Area) {
    let change = rng::weighted(
        rng,
        &[
            (Change::NeedsUp, 0.3),
            (Change::NeedsDown, 0.08),
            (Change::NewOutcome, 0.25),
            (Change::Achieved, 0.14),
            (Change::ProviderFound, 0.12),
            (Change::ProviderLost, 0.05),
            (Change::Mechanism, 0.06),
        ],
    );
    let done = match change {
        Change::NeedsUp => scale_hours(rng, content, 1.15, 1.6),
        Change::NeedsDown => scale_hours(rng, content, 0.6, 0.88),
        Change::NewOutcome => false,
        Change::Achieved => achieved(rng, content),
        Change::ProviderFound => match content.items.iter_mut().find(|i| !i.arranged) {
            Some(item) => {
                item.arranged = true;
                true
            }
            None => false,
        },
        Change::ProviderLost => {
            let paid: Vec<usize> = (0..content.items.len())
                .filter(|&i| content.items[i].arranged && content.items[i].cost > 0.0)
                .collect();
            if paid.is_empty() {
                false
            } else {
                content.items[rng::pick(rng, &paid)].arranged = false;
                true
            }
        }
        Change::Mechanism => {
            let in_care = matches!(profile.package, Package::Residential | Package::Nursing);
            content.mechanism = if content.mechanism == DeliveryMechanism::DirectPayment {
                DeliveryMechanism::ManagedPersonalBudget
            } else if !in_care {
                DeliveryMechanism::DirectPayment
            } else {
                content.mechanism
            };
            !in_care
        }
    };
    if !done {
        new_outcome(rng, content, profile, area);
    }
}

fn scale_hours(rng: &mut Rng, content: &mut Content, lo: f64, hi: f64) -> bool {
    let Some(item) = content.items.iter_mut().find(|i| i.rate > 0.0) else {
        return false;
    };
    let hours = item.hours.unwrap_or(1.0) * rng::between(rng, lo, hi);
    item.set_hours(hours);
    true
}

fn achieved(rng: &mut Rng, content: &mut Content) -> bool {
    if content.outcomes.len() < 2 {
        return false;
    }
    let i = rng::int(rng, 0, content.outcomes.len() as u32 - 1) as usize;
    let gone = content.remove_outcome(i);
    // The core item (first) stays; items bought for the outcome go.
    let mut index = 0;
    content.items.retain(|item| {
        index += 1;
        index == 1 || item.serves != Some(gone) || gone == Category::PersonalCare
    });
    true
}

fn new_outcome(rng: &mut Rng, content: &mut Content, profile: &Profile, area: &Area) {
    if content.outcomes.len() >= 6 {
        return;
    }
    let wanted = outcomes::choose_categories(rng, profile);
    let Some(&category) = wanted
        .iter()
        .find(|c| !content.outcomes.iter().any(|o| o.category == **c))
    else {
        return;
    };
    let buffer = content.spare_text();
    let text = outcomes::compose(rng, category, profile, &area.town, buffer);
    let priority = content
        .outcomes
        .last()
        .and_then(|o| o.priority)
        .map(|p| (p + 1).min(5));
    content.outcomes.push(Outcome {
        category,
        text,
        priority,
    });
    if category != Category::Unclassified && rng::chance(rng, 0.7) {
        let mut item = support::for_category(rng, category, profile, area);
        item.arranged = !rng::chance(rng, support::unmet_chance(&item, area));
        content.items.push(item);
    }
}
