//! Needs against the seven resettlement pathways, each with a status. A need is open
//! until it is met or no longer needed; only an accommodation (housing) need may be
//! referred to the Housing Task & Finish Group or a housing provider.

use serde::{Deserialize, Serialize};

use super::text;
use crate::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pathway {
    Accommodation,
    EducationTrainingEmployment,
    Health,
    DrugsAlcohol,
    FinanceBenefitDebt,
    ChildrenFamilies,
    AttitudesThinkingBehaviour,
}

impl Pathway {
    pub const ALL: [Pathway; 7] = [
        Pathway::Accommodation,
        Pathway::EducationTrainingEmployment,
        Pathway::Health,
        Pathway::DrugsAlcohol,
        Pathway::FinanceBenefitDebt,
        Pathway::ChildrenFamilies,
        Pathway::AttitudesThinkingBehaviour,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Pathway::Accommodation => "accommodation",
            Pathway::EducationTrainingEmployment => "education-training-employment",
            Pathway::Health => "health",
            Pathway::DrugsAlcohol => "drugs-alcohol",
            Pathway::FinanceBenefitDebt => "finance-benefit-debt",
            Pathway::ChildrenFamilies => "children-families",
            Pathway::AttitudesThinkingBehaviour => "attitudes-thinking-behaviour",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Pathway::Accommodation => "Accommodation",
            Pathway::EducationTrainingEmployment => "Education, training and employment",
            Pathway::Health => "Health",
            Pathway::DrugsAlcohol => "Drugs and alcohol",
            Pathway::FinanceBenefitDebt => "Finance, benefit and debt",
            Pathway::ChildrenFamilies => "Children and families",
            Pathway::AttitudesThinkingBehaviour => "Attitudes, thinking and behaviour",
        }
    }

    pub fn parse(text: &str) -> Option<Pathway> {
        Pathway::ALL.into_iter().find(|p| p.as_str() == text.trim())
    }

    /// Housing needs go to the Housing Task & Finish Group and housing providers.
    pub fn may_be_referred_to_housing(self) -> bool {
        self == Pathway::Accommodation
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NeedStatus {
    Identified,
    InProgress,
    Met,
    NoLongerNeeded,
}

impl NeedStatus {
    pub const ALL: [NeedStatus; 4] = [
        NeedStatus::Identified,
        NeedStatus::InProgress,
        NeedStatus::Met,
        NeedStatus::NoLongerNeeded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NeedStatus::Identified => "identified",
            NeedStatus::InProgress => "in-progress",
            NeedStatus::Met => "met",
            NeedStatus::NoLongerNeeded => "no-longer-needed",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            NeedStatus::Identified => "Identified",
            NeedStatus::InProgress => "In progress",
            NeedStatus::Met => "Met",
            NeedStatus::NoLongerNeeded => "No longer needed",
        }
    }

    pub fn parse(text: &str) -> Option<NeedStatus> {
        NeedStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == text.trim())
    }

    /// Open needs are shown on the cohort board.
    pub fn is_open(self) -> bool {
        matches!(self, NeedStatus::Identified | NeedStatus::InProgress)
    }
}

/// A need as entered, checked whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedInput {
    pub pathway: Pathway,
    pub status: NeedStatus,
    pub note: Option<String>,
}

impl NeedInput {
    pub fn parse(
        pathway: &str,
        status: Option<&str>,
        note: Option<&str>,
    ) -> Result<NeedInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let p = Pathway::parse(pathway);
        if p.is_none() {
            errors.push(FieldError::new(
                "pathway",
                "Choose one of the seven resettlement pathways.",
            ));
        }
        // A need recorded without a status has just been identified.
        let s = match status.map(str::trim).filter(|s| !s.is_empty()) {
            None => Some(NeedStatus::Identified),
            Some(s) => NeedStatus::parse(s),
        };
        if s.is_none() {
            errors.push(FieldError::new(
                "status",
                "Choose identified, in progress, met or no longer needed.",
            ));
        }
        match (p, s) {
            (Some(pathway), Some(status)) => Ok(NeedInput {
                pathway,
                status,
                note: text(note),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seven_pathways_round_trip_and_only_accommodation_goes_to_housing() {
        assert_eq!(Pathway::ALL.len(), 7);
        for p in Pathway::ALL {
            assert_eq!(Pathway::parse(p.as_str()), Some(p));
            assert_eq!(p.may_be_referred_to_housing(), p == Pathway::Accommodation);
        }
        assert_eq!(Pathway::parse("housing"), None);
    }

    #[test]
    fn needs_are_open_until_met_or_no_longer_needed() {
        let open: Vec<_> = NeedStatus::ALL
            .into_iter()
            .filter(|s| s.is_open())
            .collect();
        assert_eq!(open, [NeedStatus::Identified, NeedStatus::InProgress]);
        for s in NeedStatus::ALL {
            assert_eq!(NeedStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn a_need_is_checked_whole() {
        let need = NeedInput::parse("accommodation", None, Some(" no fixed abode ")).expect("ok");
        assert_eq!(need.status, NeedStatus::Identified);
        assert_eq!(need.note.as_deref(), Some("no fixed abode"));
        let errors = NeedInput::parse("hobbies", Some("done"), None).expect_err("bad");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["pathway", "status"]);
    }
}
