//! The code lists of the event contract (events.md), one enum each.
//!
//! Every code has one spelling, `as_str`, shared by serde, validation, the JSON Schema files
//! and the tables. `ALL` lists the codes in contract order.

use std::fmt;
use std::str::FromStr;

/// An unknown code was given for a code list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a {list} code")]
pub struct UnknownCode {
    pub list: &'static str,
    pub value: String,
}

/// A closed list of string codes.
pub trait CodeList: Sized + Copy + 'static {
    /// The list's name, as used in messages and the JSON Schema `$defs`.
    const NAME: &'static str;
    /// Every code, in contract order.
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;
}

macro_rules! code_list {
    ($(#[$meta:meta])* $name:ident, $list:literal { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $code)] $variant),+
        }

        impl CodeList for $name {
            const NAME: &'static str = $list;
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $code),+ }
            }
        }

        impl $name {
            /// The code's spelling in the contract.
            pub fn as_str(self) -> &'static str {
                <Self as CodeList>::as_str(self)
            }
        }

        impl FromStr for $name {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($code => Ok(Self::$variant),)+
                    _ => Err(UnknownCode { list: $list, value: s.to_owned() }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

code_list!(
    /// What happened to a support plan.
    PlanEventType, "plan_event_type" {
        Agreed => "plan_agreed",
        Revised => "plan_revised",
        Reviewed => "plan_reviewed",
        Closed => "plan_closed",
    }
);

code_list!(
    /// Client Level Data age bands.
    AgeBand, "age_band" {
        A18to24 => "18-24",
        A25to44 => "25-44",
        A45to64 => "45-64",
        A65to74 => "65-74",
        A75to84 => "75-84",
        A85to94 => "85-94",
        A95plus => "95+",
    }
);

code_list!(
    /// Where the person is on their journey into social care.
    Cohort, "cohort" {
        Transition => "transition",
        NewEntrant => "new_entrant",
        ExistingUser => "existing_user",
        LaterLife => "later_life",
    }
);

code_list!(
    /// Client Level Data primary support reason.
    PrimarySupportReason, "primary_support_reason" {
        PhysicalAccessMobility => "physical_access_mobility",
        PhysicalPersonalCare => "physical_personal_care",
        SensoryVisual => "sensory_visual",
        SensoryHearing => "sensory_hearing",
        SensoryDual => "sensory_dual",
        MemoryCognition => "memory_cognition",
        LearningDisability => "learning_disability",
        MentalHealth => "mental_health",
        SocialSubstanceMisuse => "social_substance_misuse",
        SocialAsylumSeeker => "social_asylum_seeker",
        SocialIsolationOther => "social_isolation_other",
        SocialSupportToCarer => "social_support_to_carer",
        Unknown => "unknown",
    }
);

code_list!(
    /// Broad ethnic group.
    EthnicityGroup, "ethnicity_group" {
        White => "white",
        Mixed => "mixed",
        Asian => "asian",
        Black => "black",
        Other => "other",
        NotStated => "not_stated",
    }
);

code_list!(
    /// How the personal budget is managed.
    DeliveryMechanism, "delivery_mechanism" {
        DirectPayment => "direct_payment",
        ManagedPersonalBudget => "managed_personal_budget",
        IndividualServiceFund => "individual_service_fund",
        CommissionedSupport => "commissioned_support",
        Mixed => "mixed",
    }
);

code_list!(
    /// The kind of support bought or arranged.
    ServiceType, "service_type" {
        PersonalAssistant => "personal_assistant",
        HomeSupport => "home_support",
        DaySupport => "day_support",
        SupportedLiving => "supported_living",
        SharedLives => "shared_lives",
        ShortBreak => "short_break",
        Equipment => "equipment",
        Transport => "transport",
        Meals => "meals",
        EmploymentSupport => "employment_support",
        LearningSupport => "learning_support",
        CommunityActivity => "community_activity",
        Telecare => "telecare",
        ResidentialCare => "residential_care",
        NursingCare => "nursing_care",
        ProfessionalSupport => "professional_support",
        Other => "other",
    }
);

code_list!(
    /// Who provides the support.
    ProviderKind, "provider_kind" {
        Specialist => "specialist",
        Mainstream => "mainstream",
        PersonalAssistant => "personal_assistant",
        Community => "community",
        Informal => "informal",
    }
);

code_list!(
    /// Why a plan was closed.
    ClosureReason, "closure_reason" {
        MovedArea => "moved_area",
        Died => "died",
        NoLongerEligible => "no_longer_eligible",
        MovedToResidential => "moved_to_residential",
        SelfFunding => "self_funding",
        Other => "other",
    }
);

code_list!(
    /// What happened to a provider's service listing.
    ServiceEventType, "service_event_type" {
        Listed => "service_listed",
        Updated => "service_updated",
        Withdrawn => "service_withdrawn",
    }
);

code_list!(
    /// The unit of a service's capacity.
    CapacityUnit, "capacity_unit" {
        Places => "places",
        Hours => "hours",
    }
);

code_list!(
    /// What a service's price is per.
    CostPer, "cost_per" {
        Hour => "hour",
        Session => "session",
        Week => "week",
        Year => "year",
    }
);

code_list!(
    /// The outcome categories of the taxonomy (taxonomy.md), `unclassified` last.
    Category, "category" {
        Employment => "employment",
        Volunteering => "volunteering",
        Learning => "learning",
        SportFitness => "sport_fitness",
        ArtsHobbies => "arts_hobbies",
        Relationships => "relationships",
        Community => "community",
        Travel => "travel",
        Home => "home",
        DailyLiving => "daily_living",
        PersonalCare => "personal_care",
        Health => "health",
        Safety => "safety",
        ShortBreaks => "short_breaks",
        CaringRole => "caring_role",
        Money => "money",
        ChoiceControl => "choice_control",
        Digital => "digital",
        Unclassified => "unclassified",
    }
);

impl ServiceType {
    /// The category a planned-support item takes when its description gives nothing
    /// (taxonomy.md, rules of assignment).
    pub fn default_category(self) -> Category {
        match self {
            Self::EmploymentSupport => Category::Employment,
            Self::LearningSupport => Category::Learning,
            Self::ShortBreak => Category::ShortBreaks,
            Self::Transport => Category::Travel,
            Self::Meals => Category::DailyLiving,
            Self::Telecare => Category::Safety,
            Self::Equipment | Self::SupportedLiving | Self::SharedLives => Category::Home,
            Self::PersonalAssistant | Self::HomeSupport => Category::PersonalCare,
            Self::CommunityActivity => Category::Community,
            Self::DaySupport
            | Self::ResidentialCare
            | Self::NursingCare
            | Self::ProfessionalSupport
            | Self::Other => Category::Unclassified,
        }
    }
}

impl ProviderKind {
    /// Counts towards `mainstream_share` (measures.md): ordinary, community or PA support.
    pub fn is_mainstream_side(self) -> bool {
        matches!(
            self,
            Self::Mainstream | Self::Community | Self::PersonalAssistant
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T: CodeList + FromStr + PartialEq + fmt::Debug>() {
        for &code in T::ALL {
            let parsed: T = code
                .as_str()
                .parse()
                .ok()
                .expect("every listed code parses");
            assert_eq!(parsed, code);
        }
    }

    #[test]
    fn every_code_round_trips_through_its_spelling() {
        round_trips::<PlanEventType>();
        round_trips::<AgeBand>();
        round_trips::<Cohort>();
        round_trips::<PrimarySupportReason>();
        round_trips::<EthnicityGroup>();
        round_trips::<DeliveryMechanism>();
        round_trips::<ServiceType>();
        round_trips::<ProviderKind>();
        round_trips::<ClosureReason>();
        round_trips::<ServiceEventType>();
        round_trips::<CapacityUnit>();
        round_trips::<CostPer>();
        round_trips::<Category>();
    }

    #[test]
    fn unknown_code_names_the_list() {
        let err = "swimming".parse::<ServiceType>().unwrap_err();
        assert_eq!(err.to_string(), "`swimming` is not a service_type code");
    }

    #[test]
    fn serde_uses_the_contract_spelling() {
        let json = serde_json::to_string(&AgeBand::A95plus).unwrap();
        assert_eq!(json, "\"95+\"");
        assert_eq!(ServiceType::ALL.len(), 17);
        assert_eq!(PrimarySupportReason::ALL.len(), 13);
    }
}
