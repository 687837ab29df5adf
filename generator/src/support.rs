//! Planned support: a core package that fits the person's needs, items that serve their
//! outcomes, a minority that nobody could be found to provide, and a budget that the costs
//! add up to.

use std::fmt::Write as _;

use stf_schemas::codes::{Category, DeliveryMechanism, ProviderKind, ServiceType};

use crate::localities::Area;
use crate::outcomes::Outcome;
use crate::packages::{self, raw};
use crate::people::{Package, Profile};
use crate::rng::{self, Rng};
use crate::support_text::{self as text, Cost, Spec};

/// One planned-support item while a plan is being built.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    /// The outcome category it was bought for, if any.
    pub serves: Option<Category>,
    pub service_type: ServiceType,
    pub provider_kind: ProviderKind,
    pub hours: Option<f64>,
    pub cost: f64,
    pub arranged: bool,
    /// Pounds an hour when costed by the hour (so that hours can change), else 0.
    pub rate: f64,
    /// A count for `{n}` in the template.
    pub count: u32,
    pub template: &'static str,
    pub detail: &'static str,
}

impl Item {
    /// Changes the weekly hours of an hourly item, and its cost with them.
    pub fn set_hours(&mut self, hours: f64) {
        if self.rate > 0.0 {
            let hours = half_hours(hours);
            self.hours = Some(hours);
            self.cost = rng::pennies(hours * 52.0 * self.rate);
        }
    }

    /// Writes the description.
    pub fn describe(&self, out: &mut String) {
        let mut rest = self.template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let token = rest.as_bytes().get(open + 1).copied();
            match token {
                Some(b'h') => number(self.hours.unwrap_or(0.0), out),
                Some(b'n') => push_int(u64::from(self.count), out),
                _ => out.push_str(self.detail),
            }
            rest = &rest[(open + 3).min(rest.len())..];
            if token == Some(b'n') && self.count == 1 {
                rest = singular(rest, out);
            }
        }
        out.push_str(rest);
    }
}

/// Writes a number of hours: whole or half hours by hand, anything else by `Display`.
fn number(x: f64, out: &mut String) {
    let halves = x * 2.0;
    if halves.fract() == 0.0 && (0.0..2e9).contains(&halves) {
        let halves = halves as u64;
        push_int(halves / 2, out);
        if halves % 2 == 1 {
            out.push_str(".5");
        }
    } else {
        let _ = write!(out, "{x}");
    }
}

fn push_int(mut n: u64, out: &mut String) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(buf[i..].iter().map(|&b| b as char));
}

/// Writes the word after a count of one in the singular ("1 days" → "1 day"); the rest.
fn singular<'a>(rest: &'a str, out: &mut String) -> &'a str {
    let word_end = rest[1..].find(' ').map_or(rest.len(), |i| i + 1);
    let word = &rest[..word_end];
    match word.strip_suffix('s') {
        Some(stem) if word.len() > 2 => {
            out.push_str(stem);
            &rest[word_end..]
        }
        _ => rest,
    }
}

/// A plan's outcomes and support at one version. Rebuilt for every event, in place, so
/// that its buffers are reused rather than allocated again.
#[derive(Debug, Clone)]
pub(crate) struct Content {
    pub outcomes: Vec<Outcome>,
    pub items: Vec<Item>,
    pub mechanism: DeliveryMechanism,
    /// The budget over the summed costs: plans are rarely costed to the penny.
    pub factor: f64,
    pub whole_pounds: bool,
    /// Text buffers of outcomes gone, for outcomes to come.
    spare: Vec<String>,
}

impl Content {
    /// Empty content, to be built into.
    pub fn new() -> Self {
        Self {
            outcomes: Vec::with_capacity(8),
            items: Vec::with_capacity(12),
            mechanism: DeliveryMechanism::CommissionedSupport,
            factor: 1.0,
            whole_pounds: false,
            spare: Vec::new(),
        }
    }

    /// Empties the content, keeping its buffers.
    pub fn clear(&mut self) {
        let texts = self.outcomes.drain(..).map(|o| o.text);
        self.spare.extend(texts);
        self.items.clear();
    }

    /// An empty text buffer.
    pub fn spare_text(&mut self) -> String {
        self.spare
            .pop()
            .unwrap_or_else(|| String::with_capacity(128))
    }

    /// Removes outcome `i`, keeping its buffer; its category.
    pub fn remove_outcome(&mut self, i: usize) -> Category {
        let gone = self.outcomes.remove(i);
        self.spare.push(gone.text);
        gone.category
    }
    /// The annual personal budget: the costs of everything bought, wanted or not yet found.
    pub fn budget(&self) -> f64 {
        let sum: f64 = self.items.iter().map(|i| i.cost).sum();
        let b = (sum * self.factor).clamp(0.0, 1_000_000.0);
        if self.whole_pounds {
            b.round()
        } else {
            rng::pennies(b)
        }
    }
}

/// Regional price levels.
pub(crate) fn uplift(area: &Area) -> f64 {
    if area.london {
        1.15
    } else if area.region == "South East" {
        1.07
    } else {
        1.0
    }
}

pub(crate) fn half_hours(h: f64) -> f64 {
    ((h * 2.0).round() / 2.0).max(0.5)
}

/// A new item from a spec.
pub(crate) fn from_spec(rng: &mut Rng, spec: &Spec, serves: Option<Category>, area: &Area) -> Item {
    let up = uplift(area);
    let mut item = Item {
        serves,
        service_type: spec.service_type,
        provider_kind: spec.kind,
        hours: None,
        cost: 0.0,
        arranged: true,
        rate: 0.0,
        count: 0,
        template: rng::pick(rng, spec.templates),
        detail: if spec.details.is_empty() {
            ""
        } else {
            rng::pick(rng, spec.details)
        },
    };
    match spec.cost {
        Cost::Hourly { hours, rate } => {
            item.rate = rng::pennies(rng::between(rng, rate.0, rate.1) * up);
            item.set_hours(rng::between(rng, hours.0, hours.1));
        }
        Cost::Sessions { n, price, hours } => {
            item.count = rng::int(rng, n.0, n.1);
            let price = rng::between(rng, price.0, price.1) * up;
            item.cost = rng::pennies(item.count as f64 * 52.0 * price);
            if hours > 0.0 {
                item.hours = Some(item.count as f64 * hours);
            }
        }
        Cost::Nights { n, price } => {
            item.count = rng::int(rng, n.0, n.1);
            item.cost = rng::pennies(item.count as f64 * rng::between(rng, price.0, price.1) * up);
        }
        Cost::Annual(lo, hi) => item.cost = rng::pennies(rng::between(rng, lo, hi) * up),
        Cost::Free { hours } => {
            if hours.1 > 0.0 {
                item.hours = Some(half_hours(rng::between(rng, hours.0, hours.1)));
            }
        }
    }
    item
}

/// An item for an outcome category, leaning to ordinary and personal support when the
/// person holds a direct payment.
pub(crate) fn for_category(
    rng: &mut Rng,
    category: Category,
    profile: &Profile,
    area: &Area,
) -> Item {
    let specs = text::specs(category);
    let dp = profile.mechanism == DeliveryMechanism::DirectPayment;
    let weight = |s: &Spec| {
        let w = if s.kind == ProviderKind::Specialist {
            1.0
        } else if dp {
            2.2
        } else {
            0.8
        };
        if s.service_type == ServiceType::SupportedLiving {
            w * 0.15
        } else {
            w
        }
    };
    let total: f64 = specs.iter().map(weight).sum();
    let mut x = rng::unit(rng) * total;
    let mut spec = &specs[specs.len() - 1];
    for s in specs {
        let w = weight(s);
        if x < w {
            spec = s;
            break;
        }
        x -= w;
    }
    from_spec(rng, spec, Some(category), area)
}

/// Builds the support of a plan's first version for the outcomes already in `content`.
pub(crate) fn build(rng: &mut Rng, profile: &Profile, area: &Area, content: &mut Content) {
    content.items.clear();
    packages::core(rng, profile, area, &mut content.items);
    for i in 0..content.outcomes.len() {
        let c = content.outcomes[i].category;
        if c == Category::Unclassified
            || packages::covered(profile.package, c)
            || !rng::chance(rng, 0.7)
        {
            continue;
        }
        let item = for_category(rng, c, profile, area);
        content.items.push(item);
    }
    if !matches!(profile.package, Package::Residential | Package::Nursing) && rng::chance(rng, 0.3)
    {
        let mut item = raw(
            ServiceType::Other,
            ProviderKind::Informal,
            text::INFORMAL,
            None,
        );
        item.template = rng::pick(rng, text::INFORMAL);
        item.detail = rng::pick(rng, text::INFORMAL_WHO);
        item.hours = Some(half_hours(rng::between(rng, 1.0, 10.0)));
        content.items.push(item);
    }
    for item in &mut content.items {
        item.arranged = !rng::chance(rng, unmet_chance(item, area));
    }
    content.mechanism = profile.mechanism;
    content.factor = rng::between(rng, 0.97, 1.06);
    content.whole_pounds = rng::chance(rng, 0.6);
}

/// The chance that nobody could be found to provide an item.
pub(crate) fn unmet_chance(item: &Item, area: &Area) -> f64 {
    use ServiceType as S;
    if item.provider_kind == ProviderKind::Informal || item.cost == 0.0 {
        return 0.0;
    }
    let base = match item.service_type {
        S::EmploymentSupport => 0.3,
        S::ShortBreak => 0.22,
        S::SharedLives => 0.15,
        S::PersonalAssistant => 0.13,
        S::LearningSupport => 0.12,
        S::HomeSupport | S::SupportedLiving | S::ProfessionalSupport => 0.1,
        S::Transport | S::Other => 0.08,
        S::DaySupport | S::NursingCare => 0.06,
        S::CommunityActivity | S::Equipment | S::Meals => 0.05,
        S::ResidentialCare => 0.04,
        S::Telecare => 0.03,
    };
    if area.rural {
        base * 1.4
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(template: &'static str, count: u32, hours: Option<f64>) -> Item {
        Item {
            serves: None,
            service_type: ServiceType::DaySupport,
            provider_kind: ProviderKind::Specialist,
            hours,
            cost: 0.0,
            arranged: true,
            rate: 0.0,
            count,
            template,
            detail: "the day centre",
        }
    }

    #[test]
    fn descriptions_fill_their_slots() {
        let mut s = String::new();
        item("Day centre {n} days a week at {x}", 1, None).describe(&mut s);
        assert_eq!(s, "Day centre 1 day a week at the day centre");
        s.clear();
        item("Day centre {n} days a week", 3, None).describe(&mut s);
        assert_eq!(s, "Day centre 3 days a week");
        for (h, text) in [
            (7.5, "7.5"),
            (12.0, "12"),
            (0.5, "0.5"),
            (168.0, "168"),
            (2.25, "2.25"),
        ] {
            s.clear();
            item("PA {h} hrs/week", 0, Some(h)).describe(&mut s);
            assert_eq!(s, format!("PA {text} hrs/week"));
        }
    }
}
