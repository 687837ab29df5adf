//! The supply side: per council, organisations and the services they list, update and
//! withdraw over the date range. Supply is plentiful for personal care, home support and
//! day support and thin (or absent) for employment, digital skills and short breaks in some
//! councils, so that the gaps a commissioner looks for exist.
//!
//! Services are few next to plans (tens to hundreds per council), so they are built whole,
//! up front, and kept in time order.

use std::fmt::Write as _;

use stf_schemas::codes::{Category, ProviderKind, ServiceEventType};
use stf_schemas::event::{Capacity, Cost, ProviderServiceEvent, PROVIDER_SERVICE_SCHEMA};

use crate::localities::Area;
use crate::pii::{self, PiiKind};
use crate::plans::{timestamp, World};
use crate::provider_text::{Archetype, ARCHETYPES, DIRECTIONS, GENERAL, ORG_KINDS, STEMS};
use crate::rng::{self, Rng};

/// Key family of the supply side.
const SUPPLY: u64 = 2;

/// Services every council has, however small: care at home and day services are never thin.
const GUARANTEED: &[&str] = &[
    "home_care",
    "home_care",
    "home_care",
    "day_centre",
    "day_opps",
    "pa_micro",
];

/// A good provider-service event, and the personal data planted in it.
#[derive(Debug, Clone)]
pub(crate) struct ServiceDraft {
    pub at: i64,
    pub event: ProviderServiceEvent,
    pub pii: Vec<(PiiKind, String)>,
}

struct Org {
    id: String,
    name: String,
    kind: usize,
}

/// Every provider-service event of the world, in time order.
pub(crate) fn build(world: &World) -> Vec<ServiceDraft> {
    let mut out = Vec::new();
    for (ci, area) in world.areas.list.iter().enumerate() {
        let mut rng = rng::stream(rng::key(world.seed, SUPPLY, ci as u64), 0);
        let plans_here = world.plans as f64 * world.areas.share(ci);
        let count = (16.0 + plans_here / 25.0).min(600.0) as usize;
        let weights: Vec<(usize, f64)> = ARCHETYPES
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let thin = if !a.thin {
                    1.0
                } else if rng::chance(&mut rng, 0.35) {
                    0.0
                } else {
                    rng::between(&mut rng, 0.2, 1.0)
                };
                (i, a.weight * thin)
            })
            .collect();
        let mut orgs: Vec<Org> = Vec::new();
        for n in 0..count {
            let arch = match GUARANTEED.get(n) {
                Some(key) => ARCHETYPES
                    .iter()
                    .find(|a| a.key == *key)
                    .expect("a known archetype"),
                None => &ARCHETYPES[rng::weighted(&mut rng, &weights)],
            };
            let org = organisation(&mut rng, &mut orgs, arch, area, world.seed, ci);
            let service_key =
                rng::key(world.seed, SUPPLY, ((ci as u64) << 32) | n as u64 | 1 << 63);
            service(
                &mut rng,
                world,
                ci,
                area,
                &orgs[org],
                arch,
                service_key,
                &mut out,
            );
        }
    }
    out.sort_by(|a, b| {
        a.at.cmp(&b.at)
            .then_with(|| a.event.event_id.cmp(&b.event.event_id))
    });
    out
}

/// An organisation that runs `arch`: an existing one now and then, else a new one.
fn organisation(
    rng: &mut Rng,
    orgs: &mut Vec<Org>,
    arch: &Archetype,
    area: &Area,
    seed: u64,
    ci: usize,
) -> usize {
    let runs = |kind: usize| ORG_KINDS[kind].runs.contains(&arch.key);
    let existing: Vec<usize> = (0..orgs.len()).filter(|&o| runs(orgs[o].kind)).collect();
    if !existing.is_empty() && rng::chance(rng, 0.45) {
        return rng::pick(rng, &existing);
    }
    let kinds: Vec<usize> = (0..ORG_KINDS.len()).filter(|&k| runs(k)).collect();
    let kind = if kinds.is_empty() {
        2
    } else {
        rng::pick(rng, &kinds)
    };
    // The council runs its in-house services as one organisation.
    if ORG_KINDS[kind].names[0].contains("Council") {
        if let Some(o) = orgs.iter().position(|o| o.kind == kind) {
            return o;
        }
    }
    let mut name = String::with_capacity(40);
    fill(
        rng::pick(rng, ORG_KINDS[kind].names),
        rng::pick(rng, STEMS),
        &area.town,
        "",
        &mut name,
    );
    let key = rng::key(
        seed,
        SUPPLY,
        ((ci as u64) << 32) | orgs.len() as u64 | 1 << 62,
    );
    orgs.push(Org {
        id: format!("org-{key:016x}"),
        name,
        kind,
    });
    orgs.len() - 1
}

fn fill(template: &str, stem: &str, town: &str, dir: &str, out: &mut String) {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push_str(match &rest[open + 1..open + close] {
            "stem" => stem,
            "town" => town,
            "dir" => dir,
            _ => "",
        });
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
}

/// Builds one service's events: listed, maybe updated, maybe withdrawn.
#[allow(clippy::too_many_arguments)]
fn service(
    rng: &mut Rng,
    world: &World,
    ci: usize,
    area: &Area,
    org: &Org,
    arch: &Archetype,
    key: u64,
    out: &mut Vec<ServiceDraft>,
) {
    let mut name = String::with_capacity(40);
    fill(
        rng::pick(rng, arch.names),
        rng::pick(rng, STEMS),
        &area.town,
        rng::pick(rng, DIRECTIONS),
        &mut name,
    );
    let mut description = String::with_capacity(256);
    description.push_str(rng::pick(rng, arch.offers));
    for _ in 0..rng::int(rng, 0, 2) {
        description.push(' ');
        fill(
            rng::pick(rng, GENERAL),
            "",
            &area.town,
            "",
            &mut description,
        );
    }
    let mut pii = Vec::new();
    if rng::chance(rng, world.pii_fraction) {
        let kind = if rng::chance(rng, 0.6) {
            PiiKind::Phone
        } else {
            PiiKind::Email
        };
        let (value, _) = pii::phrase(rng, kind, &area.districts[0], 1970);
        let frame = if kind == PiiKind::Phone {
            " Call {value} to find out more."
        } else {
            " Email {value} to find out more."
        };
        let _ = write!(description, "{}", frame.replace("{value}", &value));
        pii.push((kind, value));
    }
    let mut local_authorities = vec![area.code.clone()];
    if rng::chance(rng, 0.08) {
        let neighbours: Vec<&Area> = world
            .areas
            .list
            .iter()
            .enumerate()
            .filter(|(j, a)| *j != ci && a.region == area.region)
            .map(|(_, a)| a)
            .collect();
        if !neighbours.is_empty() {
            local_authorities.push(rng::pick(rng, &neighbours).code.clone());
        }
    }
    let localities = rng::chance(rng, 0.6).then(|| {
        let n = rng::int(rng, 1, area.districts.len().min(6) as u32) as usize;
        let first = rng::int(rng, 0, (area.districts.len() - n) as u32) as usize;
        area.districts[first..first + n].to_vec()
    });
    let capacity = arch
        .capacity
        .filter(|_| rng::chance(rng, 0.85))
        .map(|(unit, lo, hi)| Capacity {
            unit: Some(unit),
            available_per_week: Some(rng::between(rng, lo, hi).round()),
        });
    let cost = arch
        .cost
        .filter(|_| rng::chance(rng, 0.8))
        .map(|(per, lo, hi)| Cost {
            amount_gbp: Some(if hi == 0.0 {
                0.0
            } else {
                rng::pennies(rng::between(rng, lo, hi))
            }),
            per: Some(per),
        });
    let kind = if ORG_KINDS[org.kind].names[0].contains("Council") {
        ProviderKind::Specialist
    } else {
        arch.kind
    };
    let mut event = ProviderServiceEvent {
        schema: PROVIDER_SERVICE_SCHEMA.to_owned(),
        event_id: String::new(),
        event_type: ServiceEventType::Listed,
        occurred_at: timestamp(world.start),
        service_id: format!("svc-{key:016x}"),
        organization_id: org.id.clone(),
        organization_name: org.name.clone(),
        provider_kind: kind,
        service_name: name,
        description,
        categories: rng::chance(rng, 0.4).then(|| arch.categories.to_vec()),
        service_types: arch.service_types.to_vec(),
        local_authorities,
        localities,
        capacity,
        cost,
        accepting_new: rng::chance(rng, 0.85),
    };
    // When: most listed as the directory is loaded, the rest over the range.
    let listed = if rng::chance(rng, 0.65) {
        rng::between(rng, 0.0, 0.04)
    } else {
        rng::unit(rng)
    };
    let withdrawn = rng::chance(rng, 0.06).then(|| rng::between(rng, listed, 1.0));
    let updates = rng::weighted(rng, &[(0u32, 0.45), (1, 0.3), (2, 0.15), (3, 0.1)]);
    let mut times: Vec<f64> = (0..updates)
        .map(|_| rng::between(rng, listed, withdrawn.unwrap_or(1.0)))
        .collect();
    times.sort_by(f64::total_cmp);
    let mut push = |rng: &mut Rng,
                    event: &mut ProviderServiceEvent,
                    kind: ServiceEventType,
                    p: f64,
                    last: &mut i64| {
        let at = world.working_time(p).max(*last + 60);
        *last = at;
        event.event_type = kind;
        event.occurred_at = timestamp(at);
        event.event_id = rng::uuid(rng);
        out.push(ServiceDraft {
            at,
            event: event.clone(),
            pii: pii.clone(),
        });
    };
    let mut last = i64::MIN / 2;
    push(rng, &mut event, ServiceEventType::Listed, listed, &mut last);
    for p in times {
        update(rng, &mut event);
        push(rng, &mut event, ServiceEventType::Updated, p, &mut last);
    }
    if let Some(p) = withdrawn {
        event.accepting_new = false;
        if let Some(c) = event.capacity.as_mut() {
            c.available_per_week = Some(0.0);
        }
        push(rng, &mut event, ServiceEventType::Withdrawn, p, &mut last);
    }
}

/// A listing's routine change: capacity comes and goes, it opens or closes to new people,
/// prices rise.
fn update(rng: &mut Rng, event: &mut ProviderServiceEvent) {
    if let Some(c) = event.capacity.as_mut() {
        if let Some(a) = c.available_per_week.as_mut() {
            *a = (*a * rng::between(rng, 0.4, 1.6)).round();
        }
    }
    if rng::chance(rng, 0.25) {
        event.accepting_new = !event.accepting_new;
    }
    if rng::chance(rng, 0.3) {
        if let Some(amount) = event.cost.as_mut().and_then(|c| c.amount_gbp.as_mut()) {
            *amount = rng::pennies(*amount * rng::between(rng, 1.03, 1.06));
        }
    }
    if rng::chance(rng, 0.1) {
        if let Some(cats) = event.categories.as_mut() {
            if !cats.contains(&Category::Community) {
                cats.push(Category::Community);
            }
        }
    }
}
