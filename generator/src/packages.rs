//! Core care packages: what a person's main need buys (home care, personal assistants, day
//! services, supported living, Shared Lives, residential and nursing care, carers' breaks,
//! light-touch support, round-the-clock care), and what outcomes a package already serves.

use stf_schemas::codes::{Category, DeliveryMechanism, ProviderKind, ServiceType};

use crate::localities::Area;
use crate::people::{Group, Package, Profile};
use crate::rng::{self, Rng};
use crate::support::{for_category, from_spec, half_hours, uplift, Item};
use crate::support_text as text;

/// Whether the core package already serves a category.
pub(crate) fn covered(package: Package, category: Category) -> bool {
    use Category as C;
    match package {
        Package::HomeCare | Package::PaLed | Package::Complex => category == C::PersonalCare,
        Package::SupportedLiving | Package::SharedLives => category == C::Home,
        Package::Residential | Package::Nursing => {
            matches!(
                category,
                C::Home | C::PersonalCare | C::DailyLiving | C::Safety
            )
        }
        Package::CarerBreaks => category == C::ShortBreaks,
        Package::DayAndCommunity => category == C::Community,
        Package::LightTouch => false,
    }
}

pub(crate) fn raw(
    st: ServiceType,
    kind: ProviderKind,
    templates: &'static [&'static str],
    serves: Option<Category>,
) -> Item {
    Item {
        serves,
        service_type: st,
        provider_kind: kind,
        hours: None,
        cost: 0.0,
        arranged: true,
        rate: 0.0,
        count: 0,
        template: templates[0],
        detail: "",
    }
}

fn hourly(
    rng: &mut Rng,
    st: ServiceType,
    kind: ProviderKind,
    templates: &'static [&'static str],
    hours: f64,
    rate: (f64, f64),
    area: &Area,
) -> Item {
    let mut item = raw(st, kind, templates, Some(Category::PersonalCare));
    item.template = rng::pick(rng, templates);
    item.rate = rng::pennies(rng::between(rng, rate.0, rate.1) * uplift(area));
    item.set_hours(hours);
    item
}

fn annual(
    rng: &mut Rng,
    st: ServiceType,
    templates: &'static [&'static str],
    cost: f64,
    serves: Category,
    area: &Area,
) -> Item {
    let mut item = raw(st, ProviderKind::Specialist, templates, Some(serves));
    item.template = rng::pick(rng, templates);
    item.cost = rng::pennies(cost * uplift(area));
    item
}

/// The core package: what the person's main need buys.
pub(crate) fn core(rng: &mut Rng, profile: &Profile, area: &Area, items: &mut Vec<Item>) {
    use ProviderKind as K;
    use ServiceType as S;
    let older = profile.is_older();
    let dp = profile.mechanism == DeliveryMechanism::DirectPayment;
    match profile.package {
        Package::HomeCare => {
            let median = if older { 8.5 } else { 12.0 };
            let hours = rng::lognormal(rng, median, 0.55).clamp(2.0, 42.0);
            items.push(if dp && rng::chance(rng, 0.6) {
                hourly(
                    rng,
                    S::PersonalAssistant,
                    K::PersonalAssistant,
                    text::PA_CARE,
                    hours,
                    (14.0, 18.0),
                    area,
                )
            } else {
                hourly(
                    rng,
                    S::HomeSupport,
                    K::Specialist,
                    text::HOME_CARE,
                    hours,
                    (22.0, 27.5),
                    area,
                )
            });
            if older && rng::chance(rng, 0.35) {
                items.push(for_category(rng, Category::Safety, profile, area));
            }
            if rng::chance(rng, 0.15) {
                items.push(from_spec(
                    rng,
                    &text::specs(Category::Home)[3],
                    Some(Category::Home),
                    area,
                ));
            }
        }
        Package::PaLed | Package::Complex => {
            if profile.package == Package::Complex {
                let cost = rng::lognormal(rng, 160_000.0, 0.35).clamp(80_000.0, 600_000.0);
                let mut item = annual(
                    rng,
                    S::PersonalAssistant,
                    text::COMPLEX,
                    cost,
                    Category::PersonalCare,
                    area,
                );
                item.provider_kind = if dp {
                    K::PersonalAssistant
                } else {
                    K::Specialist
                };
                item.hours = Some(168.0);
                items.push(item);
            } else {
                let hours = rng::lognormal(rng, 15.0, 0.5).clamp(3.0, 60.0);
                items.push(hourly(
                    rng,
                    S::PersonalAssistant,
                    K::PersonalAssistant,
                    text::PA_CARE,
                    hours,
                    (14.0, 18.0),
                    area,
                ));
            }
        }
        Package::DayAndCommunity => {
            let mut item = raw(S::DaySupport, K::Specialist, text::DAY_CENTRE, None);
            item.template = rng::pick(rng, text::DAY_CENTRE);
            item.detail = rng::pick(rng, text::DAY_CENTRES);
            item.count = rng::weighted(rng, &[(1, 0.2), (2, 0.3), (3, 0.25), (4, 0.1), (5, 0.15)]);
            item.hours = Some(item.count as f64 * 6.0);
            item.cost = rng::pennies(
                item.count as f64 * 52.0 * rng::between(rng, 45.0, 75.0) * uplift(area),
            );
            items.push(item);
            if rng::chance(rng, 0.3) {
                items.push(from_spec(
                    rng,
                    &text::specs(Category::Travel)[0],
                    Some(Category::Travel),
                    area,
                ));
            }
        }
        Package::SupportedLiving => {
            let median = match profile.group {
                Group::LearningDisability => 72_000.0,
                Group::MentalHealth => 32_000.0,
                _ if profile.psr
                    == stf_schemas::codes::PrimarySupportReason::SocialAsylumSeeker =>
                {
                    14_000.0
                }
                _ => 38_000.0,
            };
            let cost = rng::lognormal(rng, median, 0.4).clamp(9_000.0, 450_000.0);
            let mut item = annual(
                rng,
                S::SupportedLiving,
                text::SUPPORTED_LIVING,
                cost,
                Category::Home,
                area,
            );
            item.hours = Some(half_hours(cost / (52.0 * 24.0)));
            items.push(item);
        }
        Package::SharedLives => {
            let cost = rng::between(rng, 18_000.0, 32_000.0);
            items.push(annual(
                rng,
                S::SharedLives,
                text::SHARED_LIVES,
                cost,
                Category::Home,
                area,
            ));
        }
        Package::Residential | Package::Nursing => {
            let (st, templates, weekly) = if profile.package == Package::Nursing {
                (S::NursingCare, text::NURSING, 1050.0)
            } else if older {
                (S::ResidentialCare, text::RESIDENTIAL, 850.0)
            } else {
                (S::ResidentialCare, text::RESIDENTIAL, 1600.0)
            };
            let cost = rng::lognormal(rng, weekly, 0.22) * 52.0;
            items.push(annual(rng, st, templates, cost, Category::Home, area));
        }
        Package::CarerBreaks => {
            items.push(from_spec(
                rng,
                &text::specs(Category::ShortBreaks)[0],
                Some(Category::ShortBreaks),
                area,
            ));
        }
        Package::LightTouch => {
            let c = rng::pick(
                rng,
                &[
                    Category::Health,
                    Category::Safety,
                    Category::Community,
                    Category::Home,
                    Category::Money,
                ],
            );
            items.push(for_category(rng, c, profile, area));
        }
    }
}
