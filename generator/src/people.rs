//! Who a plan is for, in England-like proportions: age band, primary support reason (PSR),
//! cohort, ethnicity, the kind of care package and how the budget is managed.
//!
//! Shaped on the long-term support caseload of NHS England's adult social care activity
//! statistics: about 60% aged 65+, physical support (mostly personal care) the largest PSR
//! overall, learning disability the largest among working-age adults, about a quarter to a
//! third on direct payments.

use stf_schemas::codes::{
    AgeBand, ClosureReason, Cohort, DeliveryMechanism, EthnicityGroup, PrimarySupportReason as Psr,
};

use crate::localities::Area;
use crate::rng::{self, Rng};

/// The broad shape of a care package; `support` fills in the items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Package {
    HomeCare,
    PaLed,
    DayAndCommunity,
    SupportedLiving,
    SharedLives,
    Residential,
    Nursing,
    CarerBreaks,
    LightTouch,
    Complex,
}

/// Groups of people whose outcomes look alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    Older,
    LearningDisability,
    Physical,
    MentalHealth,
    Sensory,
    Carer,
    Other,
}

/// Who writes the outcomes down: the person, or someone about them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Voice {
    I,
    He,
    She,
    They,
}

/// Everything about a person that stays fixed for the life of a plan.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    pub area: usize,
    pub district: Option<usize>,
    pub age: AgeBand,
    pub cohort: Cohort,
    pub psr: Psr,
    pub ethnicity: Option<EthnicityGroup>,
    pub mechanism: DeliveryMechanism,
    pub package: Package,
    pub group: Group,
    pub voice: Voice,
}

impl Profile {
    pub fn is_older(&self) -> bool {
        matches!(
            self.age,
            AgeBand::A65to74 | AgeBand::A75to84 | AgeBand::A85to94 | AgeBand::A95plus
        )
    }

    /// Mean years from a plan being agreed to it closing.
    pub fn mean_years_to_close(&self) -> f64 {
        let years = match self.age {
            AgeBand::A18to24 => 14.0,
            AgeBand::A25to44 => 13.0,
            AgeBand::A45to64 => 9.0,
            AgeBand::A65to74 => 6.0,
            AgeBand::A75to84 => 3.5,
            AgeBand::A85to94 => 2.2,
            AgeBand::A95plus => 1.3,
        };
        match self.package {
            Package::Residential | Package::Nursing => years * 0.6,
            Package::CarerBreaks | Package::LightTouch => years * 0.5,
            _ => years,
        }
    }

    /// Why the plan closed.
    pub fn closure_reason(&self, rng: &mut Rng) -> ClosureReason {
        use ClosureReason as C;
        let in_care = matches!(self.package, Package::Residential | Package::Nursing);
        if self.is_older() {
            let to_residential = if in_care { 0.0 } else { 0.15 };
            rng::weighted(
                rng,
                &[
                    (C::Died, 0.55),
                    (C::MovedToResidential, to_residential),
                    (C::NoLongerEligible, 0.06),
                    (C::SelfFunding, 0.1),
                    (C::MovedArea, 0.06),
                    (C::Other, 0.08),
                ],
            )
        } else {
            rng::weighted(
                rng,
                &[
                    (C::MovedArea, 0.3),
                    (C::NoLongerEligible, 0.3),
                    (C::SelfFunding, 0.08),
                    (C::Died, 0.07),
                    (C::MovedToResidential, if in_care { 0.0 } else { 0.05 }),
                    (C::Other, 0.2),
                ],
            )
        }
    }
}

#[rustfmt::skip]
const AGES: &[(AgeBand, f64)] = &[
    (AgeBand::A18to24, 0.044), (AgeBand::A25to44, 0.14), (AgeBand::A45to64, 0.185),
    (AgeBand::A65to74, 0.126), (AgeBand::A75to84, 0.208), (AgeBand::A85to94, 0.239),
    (AgeBand::A95plus, 0.058),
];

#[rustfmt::skip]
const PSR_YOUNG: &[(Psr, f64)] = &[
    (Psr::LearningDisability, 58.0), (Psr::PhysicalPersonalCare, 9.0),
    (Psr::PhysicalAccessMobility, 4.0), (Psr::MentalHealth, 12.0), (Psr::SensoryVisual, 1.5),
    (Psr::SensoryHearing, 1.5), (Psr::SensoryDual, 0.5), (Psr::SocialSubstanceMisuse, 1.0),
    (Psr::SocialAsylumSeeker, 1.0), (Psr::SocialIsolationOther, 3.0),
    (Psr::SocialSupportToCarer, 2.0), (Psr::Unknown, 1.0),
];

#[rustfmt::skip]
const PSR_WORKING: &[(Psr, f64)] = &[
    (Psr::LearningDisability, 38.0), (Psr::PhysicalPersonalCare, 19.0),
    (Psr::PhysicalAccessMobility, 6.0), (Psr::MentalHealth, 21.0), (Psr::MemoryCognition, 2.0),
    (Psr::SensoryVisual, 1.5), (Psr::SensoryHearing, 1.2), (Psr::SensoryDual, 0.3),
    (Psr::SocialSubstanceMisuse, 2.5), (Psr::SocialAsylumSeeker, 0.4),
    (Psr::SocialIsolationOther, 3.5), (Psr::SocialSupportToCarer, 2.5), (Psr::Unknown, 1.0),
];

#[rustfmt::skip]
const PSR_OLDER: &[(Psr, f64)] = &[
    (Psr::PhysicalPersonalCare, 56.0), (Psr::PhysicalAccessMobility, 12.0),
    (Psr::MemoryCognition, 16.0), (Psr::MentalHealth, 4.5), (Psr::LearningDisability, 2.0),
    (Psr::SensoryVisual, 2.0), (Psr::SensoryHearing, 1.3), (Psr::SensoryDual, 0.5),
    (Psr::SocialSubstanceMisuse, 0.3), (Psr::SocialAsylumSeeker, 0.05),
    (Psr::SocialIsolationOther, 3.0), (Psr::SocialSupportToCarer, 1.5), (Psr::Unknown, 1.0),
];

/// Draws a person living in `area` (council index `area_index`).
pub(crate) fn profile(rng: &mut Rng, area_index: usize, area: &Area) -> Profile {
    let age = rng::weighted(rng, AGES);
    let older = matches!(
        age,
        AgeBand::A65to74 | AgeBand::A75to84 | AgeBand::A85to94 | AgeBand::A95plus
    );
    let psr = rng::weighted(
        rng,
        match age {
            AgeBand::A18to24 => PSR_YOUNG,
            _ if older => PSR_OLDER,
            _ => PSR_WORKING,
        },
    );
    let group = group(psr, older);
    let cohort = cohort(rng, age, psr, older);
    let package = package(rng, psr, older);
    let mechanism = mechanism(rng, package, older);
    let district = if rng::chance(rng, 0.95) {
        Some(area.sample_district(rng))
    } else {
        None
    };
    let ethnicity = if rng::chance(rng, 0.85) {
        Some(ethnicity(rng, area))
    } else {
        None
    };
    let voice = rng::weighted(
        rng,
        &[
            (Voice::I, 0.7),
            (Voice::He, 0.13),
            (Voice::She, 0.13),
            (Voice::They, 0.04),
        ],
    );
    Profile {
        area: area_index,
        district,
        age,
        cohort,
        psr,
        ethnicity,
        mechanism,
        package,
        group,
        voice,
    }
}

fn group(psr: Psr, older: bool) -> Group {
    match psr {
        Psr::LearningDisability => Group::LearningDisability,
        Psr::MentalHealth | Psr::SocialSubstanceMisuse => Group::MentalHealth,
        Psr::SensoryVisual | Psr::SensoryHearing | Psr::SensoryDual => Group::Sensory,
        Psr::SocialSupportToCarer => Group::Carer,
        _ if older => Group::Older,
        Psr::PhysicalPersonalCare | Psr::PhysicalAccessMobility | Psr::MemoryCognition => {
            Group::Physical
        }
        _ => Group::Other,
    }
}

fn cohort(rng: &mut Rng, age: AgeBand, psr: Psr, older: bool) -> Cohort {
    if age == AgeBand::A18to24 {
        rng::weighted(
            rng,
            &[
                (Cohort::Transition, 0.62),
                (Cohort::NewEntrant, 0.23),
                (Cohort::ExistingUser, 0.15),
            ],
        )
    } else if older {
        let lifelong = matches!(psr, Psr::LearningDisability | Psr::MentalHealth);
        let existing = if lifelong { 0.85 } else { 0.38 };
        rng::weighted(
            rng,
            &[
                (Cohort::ExistingUser, existing),
                (Cohort::LaterLife, 1.0 - existing),
            ],
        )
    } else {
        rng::weighted(
            rng,
            &[(Cohort::NewEntrant, 0.35), (Cohort::ExistingUser, 0.65)],
        )
    }
}

#[rustfmt::skip]
fn package(rng: &mut Rng, psr: Psr, older: bool) -> Package {
    use Package as P;
    let table: &[(Package, f64)] = match (psr, older) {
        (Psr::PhysicalPersonalCare | Psr::PhysicalAccessMobility, true) => &[
            (P::HomeCare, 0.62), (P::PaLed, 0.08), (P::DayAndCommunity, 0.07),
            (P::Residential, 0.12), (P::Nursing, 0.07), (P::LightTouch, 0.04),
        ],
        (Psr::MemoryCognition, true) => &[
            (P::HomeCare, 0.45), (P::DayAndCommunity, 0.12), (P::Residential, 0.22),
            (P::Nursing, 0.13), (P::CarerBreaks, 0.05), (P::LightTouch, 0.03),
        ],
        (Psr::LearningDisability, true) => &[
            (P::SupportedLiving, 0.4), (P::Residential, 0.2), (P::DayAndCommunity, 0.25),
            (P::SharedLives, 0.05), (P::HomeCare, 0.1),
        ],
        (Psr::LearningDisability, false) => &[
            (P::SupportedLiving, 0.26), (P::DayAndCommunity, 0.3), (P::PaLed, 0.2),
            (P::SharedLives, 0.05), (P::Residential, 0.06), (P::CarerBreaks, 0.08),
            (P::Complex, 0.02), (P::LightTouch, 0.03),
        ],
        (Psr::PhysicalPersonalCare | Psr::PhysicalAccessMobility, false) => &[
            (P::PaLed, 0.38), (P::HomeCare, 0.35), (P::DayAndCommunity, 0.07), (P::Complex, 0.04),
            (P::Residential, 0.04), (P::LightTouch, 0.12),
        ],
        (Psr::MemoryCognition, false) => &[
            (P::HomeCare, 0.5), (P::DayAndCommunity, 0.3), (P::Residential, 0.2),
        ],
        (Psr::MentalHealth, true) => &[
            (P::HomeCare, 0.35), (P::LightTouch, 0.25), (P::DayAndCommunity, 0.15),
            (P::Residential, 0.15), (P::SupportedLiving, 0.1),
        ],
        (Psr::MentalHealth, false) => &[
            (P::LightTouch, 0.3), (P::SupportedLiving, 0.18), (P::PaLed, 0.15),
            (P::DayAndCommunity, 0.2), (P::HomeCare, 0.1), (P::Residential, 0.07),
        ],
        (Psr::SensoryVisual | Psr::SensoryHearing | Psr::SensoryDual, true) => &[
            (P::HomeCare, 0.35), (P::LightTouch, 0.5), (P::DayAndCommunity, 0.15),
        ],
        (Psr::SensoryVisual | Psr::SensoryHearing | Psr::SensoryDual, false) => &[
            (P::LightTouch, 0.5), (P::PaLed, 0.3), (P::DayAndCommunity, 0.2),
        ],
        (Psr::SocialSupportToCarer, _) => &[(P::CarerBreaks, 0.82), (P::LightTouch, 0.18)],
        (Psr::SocialSubstanceMisuse, _) => &[
            (P::LightTouch, 0.5), (P::SupportedLiving, 0.3), (P::Residential, 0.2),
        ],
        (Psr::SocialAsylumSeeker, _) => &[(P::SupportedLiving, 0.5), (P::LightTouch, 0.5)],
        (Psr::SocialIsolationOther, _) => &[
            (P::DayAndCommunity, 0.45), (P::LightTouch, 0.35), (P::PaLed, 0.2),
        ],
        (Psr::Unknown, _) => &[(P::HomeCare, 0.45), (P::LightTouch, 0.4), (P::PaLed, 0.15)],
    };
    rng::weighted(rng, table)
}

#[rustfmt::skip]
fn mechanism(rng: &mut Rng, package: Package, older: bool) -> DeliveryMechanism {
    use DeliveryMechanism as D;
    let table: &[(DeliveryMechanism, f64)] = match package {
        Package::Residential | Package::Nursing => &[
            (D::CommissionedSupport, 0.92), (D::ManagedPersonalBudget, 0.05), (D::Mixed, 0.03),
        ],
        Package::PaLed => &[
            (D::DirectPayment, 0.85), (D::IndividualServiceFund, 0.08), (D::Mixed, 0.07),
        ],
        Package::HomeCare if older => &[
            (D::DirectPayment, 0.14), (D::CommissionedSupport, 0.56),
            (D::ManagedPersonalBudget, 0.2), (D::IndividualServiceFund, 0.03), (D::Mixed, 0.07),
        ],
        Package::HomeCare => &[
            (D::DirectPayment, 0.35), (D::CommissionedSupport, 0.35),
            (D::ManagedPersonalBudget, 0.18), (D::IndividualServiceFund, 0.05), (D::Mixed, 0.07),
        ],
        Package::SupportedLiving => &[
            (D::CommissionedSupport, 0.65), (D::IndividualServiceFund, 0.15),
            (D::ManagedPersonalBudget, 0.1), (D::DirectPayment, 0.05), (D::Mixed, 0.05),
        ],
        Package::SharedLives => &[
            (D::CommissionedSupport, 0.8), (D::ManagedPersonalBudget, 0.1), (D::DirectPayment, 0.1),
        ],
        Package::DayAndCommunity => &[
            (D::DirectPayment, 0.3), (D::CommissionedSupport, 0.35),
            (D::ManagedPersonalBudget, 0.2), (D::IndividualServiceFund, 0.07), (D::Mixed, 0.08),
        ],
        Package::CarerBreaks => &[
            (D::DirectPayment, 0.6), (D::CommissionedSupport, 0.2),
            (D::ManagedPersonalBudget, 0.15), (D::Mixed, 0.05),
        ],
        Package::LightTouch => &[
            (D::DirectPayment, 0.3), (D::ManagedPersonalBudget, 0.3), (D::CommissionedSupport, 0.3),
            (D::Mixed, 0.1),
        ],
        Package::Complex => &[
            (D::DirectPayment, 0.35), (D::CommissionedSupport, 0.4),
            (D::IndividualServiceFund, 0.1), (D::Mixed, 0.15),
        ],
    };
    rng::weighted(rng, table)
}

#[rustfmt::skip]
fn ethnicity(rng: &mut Rng, area: &Area) -> EthnicityGroup {
    use EthnicityGroup as E;
    let diverse = [
        "Birmingham", "Manchester", "Leeds", "Bradford", "Leicester", "Oldham", "Bristol",
    ];
    let table: &[(EthnicityGroup, f64)] = if area.london {
        &[
            (E::White, 0.52), (E::Asian, 0.17), (E::Black, 0.15), (E::Mixed, 0.06),
            (E::Other, 0.05), (E::NotStated, 0.05),
        ]
    } else if diverse.contains(&area.town.as_str()) {
        &[
            (E::White, 0.72), (E::Asian, 0.13), (E::Black, 0.05), (E::Mixed, 0.03),
            (E::Other, 0.02), (E::NotStated, 0.05),
        ]
    } else {
        &[
            (E::White, 0.9), (E::Asian, 0.02), (E::Black, 0.01), (E::Mixed, 0.015),
            (E::Other, 0.01), (E::NotStated, 0.045),
        ]
    };
    rng::weighted(rng, table)
}
