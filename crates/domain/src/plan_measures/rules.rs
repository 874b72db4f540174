//! Which cases serve which aims, by rule. Worked out from a case's facts whenever it
//! is asked, never stored, so a link stays right as the case changes. Links made by
//! hand (with a reason) are stored beside these by the store.

use serde::{Deserialize, Serialize};

use super::CaseRuleDoc;
use crate::access::CaseKind;

/// A rule by which a case of one kind serves an aim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaseRule {
    /// An ASB case one of whose victims is a repeat victim now.
    AsbRepeatVictim,
    /// An ASB case with an alcohol-related incident involving young people.
    AsbAlcoholYouth,
    /// An IOM case whose member is in the cohort (not deselected).
    IomCohortMember,
    /// A domestic abuse case with a repeat incident (one within the repeat
    /// victimisation months of the one before).
    DvRepeatIncident,
    /// A Prevent & Deter referral for alcohol-related ASB.
    PreventDeterAlcohol,
}

impl CaseRule {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseRule::AsbRepeatVictim => "asb-repeat-victim",
            CaseRule::AsbAlcoholYouth => "asb-alcohol-youth",
            CaseRule::IomCohortMember => "iom-cohort-member",
            CaseRule::DvRepeatIncident => "dv-repeat-incident",
            CaseRule::PreventDeterAlcohol => "prevent-deter-alcohol",
        }
    }

    /// The kind of case the rule looks at.
    pub fn kind(self) -> CaseKind {
        match self {
            CaseRule::AsbRepeatVictim | CaseRule::AsbAlcoholYouth => CaseKind::Asb,
            CaseRule::IomCohortMember => CaseKind::Iom,
            CaseRule::DvRepeatIncident => CaseKind::DomesticAbuse,
            CaseRule::PreventDeterAlcohol => CaseKind::PreventDeter,
        }
    }

    /// Why the case serves the aim, in words for the aim's list of cases.
    pub fn reason(self) -> &'static str {
        match self {
            CaseRule::AsbRepeatVictim => "a victim in the case is a repeat victim",
            CaseRule::AsbAlcoholYouth => "an incident was alcohol-related youth ASB",
            CaseRule::IomCohortMember => "the member is in the IOM cohort",
            CaseRule::DvRepeatIncident => "the case has a repeat incident",
            CaseRule::PreventDeterAlcohol => "referred for alcohol-related ASB",
        }
    }

    /// Whether a case with these facts serves the aim.
    pub fn applies(self, facts: &CaseFacts) -> bool {
        if facts.kind != self.kind() {
            return false;
        }
        match self {
            CaseRule::AsbRepeatVictim => facts.has_repeat_victim,
            CaseRule::AsbAlcoholYouth => facts.alcohol_youth_incident,
            CaseRule::IomCohortMember => facts.in_cohort,
            CaseRule::DvRepeatIncident => facts.repeat_incident,
            CaseRule::PreventDeterAlcohol => facts.alcohol_referral,
        }
    }
}

/// What the rules need to know of a case, gathered by the caller as of today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseFacts {
    pub kind: CaseKind,
    pub has_repeat_victim: bool,
    pub alcohol_youth_incident: bool,
    pub in_cohort: bool,
    pub repeat_incident: bool,
    pub alcohol_referral: bool,
}

impl CaseFacts {
    pub fn of_kind(kind: CaseKind) -> Self {
        CaseFacts {
            kind,
            has_repeat_victim: false,
            alcohol_youth_incident: false,
            in_cohort: false,
            repeat_incident: false,
            alcohol_referral: false,
        }
    }
}

/// The aims (by key) a case serves under a plan year's rules, in the rules' order.
pub fn aims_served<'a>(rules: &'a [CaseRuleDoc], facts: &CaseFacts) -> Vec<&'a str> {
    let mut aims: Vec<&str> = Vec::new();
    for r in rules.iter().filter(|r| r.rule.applies(facts)) {
        if !aims.contains(&r.aim.as_str()) {
            aims.push(&r.aim);
        }
    }
    aims
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Vec<CaseRuleDoc> {
        [
            ("asb-repeat-victimisation", CaseRule::AsbRepeatVictim),
            ("asb-alcohol-youth", CaseRule::AsbAlcoholYouth),
            ("asb-alcohol-youth", CaseRule::PreventDeterAlcohol),
            ("reoffending-iom-cohort", CaseRule::IomCohortMember),
            ("dv-repeat-victimisation", CaseRule::DvRepeatIncident),
        ]
        .into_iter()
        .map(|(aim, rule)| CaseRuleDoc {
            aim: aim.into(),
            rule,
        })
        .collect()
    }

    #[test]
    fn an_asb_case_with_a_repeat_victim_serves_repeat_victimisation() {
        let mut facts = CaseFacts::of_kind(CaseKind::Asb);
        assert!(aims_served(&rules(), &facts).is_empty());
        facts.has_repeat_victim = true;
        assert_eq!(
            aims_served(&rules(), &facts),
            vec!["asb-repeat-victimisation"]
        );
        facts.alcohol_youth_incident = true;
        assert_eq!(
            aims_served(&rules(), &facts),
            vec!["asb-repeat-victimisation", "asb-alcohol-youth"]
        );
    }

    #[test]
    fn a_fact_of_another_kind_serves_nothing() {
        // An IOM case is never an ASB repeat-victim case, whatever its facts say.
        let mut facts = CaseFacts::of_kind(CaseKind::Iom);
        facts.has_repeat_victim = true;
        assert!(aims_served(&rules(), &facts).is_empty());
        facts.in_cohort = true;
        assert_eq!(
            aims_served(&rules(), &facts),
            vec!["reoffending-iom-cohort"]
        );
    }

    #[test]
    fn deselection_or_no_repeat_leaves_the_aim() {
        let facts = CaseFacts::of_kind(CaseKind::Iom);
        assert!(!CaseRule::IomCohortMember.applies(&facts));
        let mut dv = CaseFacts::of_kind(CaseKind::DomesticAbuse);
        assert!(!CaseRule::DvRepeatIncident.applies(&dv));
        dv.repeat_incident = true;
        assert_eq!(aims_served(&rules(), &dv), vec!["dv-repeat-victimisation"]);
    }

    #[test]
    fn a_prevent_deter_alcohol_referral_serves_alcohol_youth_once() {
        let mut pd = CaseFacts::of_kind(CaseKind::PreventDeter);
        pd.alcohol_referral = true;
        assert_eq!(aims_served(&rules(), &pd), vec!["asb-alcohol-youth"]);
    }
}
