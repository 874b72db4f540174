//! A referral of a young person to Prevent & Deter: the reasons (alcohol-related ASB
//! among them, for the plan's aim), the risk-factor checklist (four or more is the
//! usual bar *(setting `prevent-deter.risk-factor-bar`)*; below it a reason is
//! needed), and the consent of the young person and of a parent or carer: the
//! programme is voluntary, so both are needed.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::age::check_age;
use crate::FieldError;
use crate::settings::Settings;

/// The longest free text kept.
pub const MAX_TEXT: usize = 2000;

/// Why the young person is referred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    Asb,
    AlcoholRelatedAsb,
    CriminalDamage,
    DeliberateFire,
    RiskFactors,
}

impl Reason {
    pub const ALL: [Reason; 5] = [
        Reason::Asb,
        Reason::AlcoholRelatedAsb,
        Reason::CriminalDamage,
        Reason::DeliberateFire,
        Reason::RiskFactors,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Asb => "asb",
            Reason::AlcoholRelatedAsb => "alcohol-related-asb",
            Reason::CriminalDamage => "criminal-damage",
            Reason::DeliberateFire => "deliberate-fire",
            Reason::RiskFactors => "risk-factors",
        }
    }

    pub fn parse(text: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == text.trim())
    }

    pub fn name(self) -> &'static str {
        match self {
            Reason::Asb => "Anti-social behaviour",
            Reason::AlcoholRelatedAsb => "Alcohol-related anti-social behaviour",
            Reason::CriminalDamage => "Criminal damage",
            Reason::DeliberateFire => "Deliberate fire setting",
            Reason::RiskFactors => "Risk factors for offending",
        }
    }
}

/// The risk-factor checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RiskFactor {
    FamilyOffending,
    PeersOffending,
    ExcludedFromSchool,
    Truanting,
    AlcoholMisuse,
    DrugMisuse,
    FamilyBreakdown,
    LookedAfter,
    PreviousAsbWarnings,
    LivesInHotspot,
    MentalHealth,
    VictimOfCrime,
}

impl RiskFactor {
    pub const ALL: [RiskFactor; 12] = [
        RiskFactor::FamilyOffending,
        RiskFactor::PeersOffending,
        RiskFactor::ExcludedFromSchool,
        RiskFactor::Truanting,
        RiskFactor::AlcoholMisuse,
        RiskFactor::DrugMisuse,
        RiskFactor::FamilyBreakdown,
        RiskFactor::LookedAfter,
        RiskFactor::PreviousAsbWarnings,
        RiskFactor::LivesInHotspot,
        RiskFactor::MentalHealth,
        RiskFactor::VictimOfCrime,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RiskFactor::FamilyOffending => "family-offending",
            RiskFactor::PeersOffending => "peers-offending",
            RiskFactor::ExcludedFromSchool => "excluded-from-school",
            RiskFactor::Truanting => "truanting",
            RiskFactor::AlcoholMisuse => "alcohol-misuse",
            RiskFactor::DrugMisuse => "drug-misuse",
            RiskFactor::FamilyBreakdown => "family-breakdown",
            RiskFactor::LookedAfter => "looked-after",
            RiskFactor::PreviousAsbWarnings => "previous-asb-warnings",
            RiskFactor::LivesInHotspot => "lives-in-hotspot",
            RiskFactor::MentalHealth => "mental-health",
            RiskFactor::VictimOfCrime => "victim-of-crime",
        }
    }

    pub fn parse(text: &str) -> Option<RiskFactor> {
        RiskFactor::ALL
            .into_iter()
            .find(|r| r.as_str() == text.trim())
    }

    pub fn name(self) -> &'static str {
        match self {
            RiskFactor::FamilyOffending => "A family member offends",
            RiskFactor::PeersOffending => "Friends who offend",
            RiskFactor::ExcludedFromSchool => "Excluded from school",
            RiskFactor::Truanting => "Truanting",
            RiskFactor::AlcoholMisuse => "Misuses alcohol",
            RiskFactor::DrugMisuse => "Misuses drugs",
            RiskFactor::FamilyBreakdown => "Family breakdown",
            RiskFactor::LookedAfter => "Looked after by the council",
            RiskFactor::PreviousAsbWarnings => "Earlier ASB warnings",
            RiskFactor::LivesInHotspot => "Lives in an ASB hotspot",
            RiskFactor::MentalHealth => "Mental health needs",
            RiskFactor::VictimOfCrime => "Victim of crime",
        }
    }
}

/// A referral as entered, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct PdReferralInput<'a> {
    pub date_of_birth: Option<NaiveDate>,
    pub referred_on: Option<NaiveDate>,
    pub reasons: &'a [String],
    pub risk_factors: &'a [String],
    /// Why the referral is made below the usual risk-factor bar.
    pub below_bar_reason: Option<&'a str>,
    pub consent_young_person: Option<bool>,
    pub consent_parent: Option<bool>,
}

/// A referral that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdReferral {
    pub referred_on: NaiveDate,
    pub age: u32,
    pub reasons: Vec<Reason>,
    pub risk_factors: Vec<RiskFactor>,
    pub below_bar_reason: Option<String>,
}

impl PdReferral {
    pub fn alcohol_related(&self) -> bool {
        self.reasons.contains(&Reason::AlcoholRelatedAsb)
    }

    pub fn risk_factor_count(&self) -> usize {
        self.risk_factors.len()
    }
}

/// Checks a referral, naming every bad field at once: a referral date not in the
/// future; the young person's age on it within the settings; at least one listed
/// reason; listed risk factors (each once); below the bar, a reason; both consents.
pub fn check_pd_referral(
    input: &PdReferralInput<'_>,
    settings: &Settings,
    today: NaiveDate,
) -> Result<PdReferral, Vec<FieldError>> {
    let mut errors = Vec::new();
    let referred_on = match input.referred_on {
        None => {
            errors.push(FieldError::new("referred_on", "Enter the referral date."));
            None
        }
        Some(day) if day > today => {
            errors.push(FieldError::new(
                "referred_on",
                "The referral date cannot be in the future.",
            ));
            None
        }
        Some(day) => Some(day),
    };
    let age = referred_on.and_then(|day| {
        check_age(
            input.date_of_birth,
            day,
            settings.pd_min_age,
            settings.pd_max_age,
        )
        .map_err(|e| errors.push(e))
        .ok()
    });
    let mut reasons = Vec::new();
    for text in input.reasons {
        match Reason::parse(text) {
            Some(r) if !reasons.contains(&r) => reasons.push(r),
            Some(_) => {}
            None => errors.push(FieldError::new(
                "reasons",
                format!(
                    "'{}' is not a reason: choose from {}.",
                    text.trim(),
                    Reason::ALL.map(Reason::as_str).join(", ")
                ),
            )),
        }
    }
    if input.reasons.is_empty() {
        errors.push(FieldError::new(
            "reasons",
            "Choose at least one reason for the referral.",
        ));
    }
    let mut factors = Vec::new();
    for text in input.risk_factors {
        match RiskFactor::parse(text) {
            Some(f) if !factors.contains(&f) => factors.push(f),
            Some(_) => {}
            None => errors.push(FieldError::new(
                "risk_factors",
                format!("'{}' is not on the risk-factor checklist.", text.trim()),
            )),
        }
    }
    let below_bar_reason = input
        .below_bar_reason
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let bar = usize::try_from(settings.pd_risk_factor_bar.max(0)).unwrap_or(usize::MAX);
    let below_bar_reason = if factors.len() < bar {
        match below_bar_reason {
            None => {
                errors.push(FieldError::new(
                    "below_bar_reason",
                    format!(
                        "{} risk factor(s) ticked, below the usual {bar}: say why the \
                         referral should still be considered.",
                        factors.len()
                    ),
                ));
                None
            }
            Some(t) if t.chars().count() > MAX_TEXT => {
                errors.push(FieldError::new(
                    "below_bar_reason",
                    format!("Use at most {MAX_TEXT} characters."),
                ));
                None
            }
            Some(t) => Some(t.to_string()),
        }
    } else {
        None
    };
    if input.consent_young_person != Some(true) {
        errors.push(FieldError::new(
            "consent_young_person",
            "The young person must agree to the referral: the programme is voluntary.",
        ));
    }
    if input.consent_parent != Some(true) {
        errors.push(FieldError::new(
            "consent_parent",
            "A parent or carer must agree to the referral.",
        ));
    }
    match (referred_on, age, errors.is_empty()) {
        (Some(referred_on), Some(age), true) => Ok(PdReferral {
            referred_on,
            age,
            reasons,
            risk_factors: factors,
            below_bar_reason,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_string()).collect()
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    const TODAY: (i32, u32, u32) = (2012, 9, 1);

    fn today() -> NaiveDate {
        d(TODAY.0, TODAY.1, TODAY.2)
    }

    fn check(
        reasons: &[&str],
        factors: &[&str],
        below: Option<&str>,
        consents: (Option<bool>, Option<bool>),
    ) -> Result<PdReferral, Vec<FieldError>> {
        let reasons = strings(reasons);
        let factors = strings(factors);
        check_pd_referral(
            &PdReferralInput {
                date_of_birth: Some(d(1997, 3, 10)),
                referred_on: Some(d(2012, 8, 20)),
                reasons: &reasons,
                risk_factors: &factors,
                below_bar_reason: below,
                consent_young_person: consents.0,
                consent_parent: consents.1,
            },
            &Settings::default(),
            today(),
        )
    }

    const FOUR: &[&str] = &[
        "family-offending",
        "truanting",
        "alcohol-misuse",
        "lives-in-hotspot",
    ];
    const BOTH: (Option<bool>, Option<bool>) = (Some(true), Some(true));

    #[test]
    fn a_fifteen_year_old_with_four_risk_factors_is_referred() {
        let r = check(&["alcohol-related-asb", "asb"], FOUR, None, BOTH).expect("valid");
        assert_eq!(r.age, 15);
        assert_eq!(r.risk_factor_count(), 4);
        assert!(r.alcohol_related());
        assert_eq!(r.below_bar_reason, None);
    }

    #[test]
    fn below_the_bar_a_reason_is_needed() {
        let three = &FOUR[..3];
        let refused = check(&["asb"], three, None, BOTH).expect_err("below bar");
        assert_eq!(fields(&refused), ["below_bar_reason"]);
        assert!(refused[0].message.starts_with("3 risk factor(s)"));
        let r = check(
            &["asb"],
            three,
            Some("Older brother recently convicted"),
            BOTH,
        )
        .expect("with reason");
        assert_eq!(
            r.below_bar_reason.as_deref(),
            Some("Older brother recently convicted")
        );
        assert!(!r.alcohol_related());
        // A reason given at or above the bar is not kept: it is not needed.
        let r = check(&["asb"], FOUR, Some("not needed"), BOTH).expect("valid");
        assert_eq!(r.below_bar_reason, None);
    }

    #[test]
    fn a_ticked_factor_counts_once() {
        let r = check(
            &["asb"],
            &["truanting", "truanting", "truanting", "truanting"],
            Some("one factor, strong concern"),
            BOTH,
        )
        .expect("valid");
        assert_eq!(r.risk_factor_count(), 1);
    }

    #[test]
    fn both_consents_are_needed() {
        for (consents, missing) in [
            ((Some(false), Some(true)), vec!["consent_young_person"]),
            ((Some(true), None), vec!["consent_parent"]),
            (
                (None, Some(false)),
                vec!["consent_young_person", "consent_parent"],
            ),
        ] {
            let refused = check(&["asb"], FOUR, None, consents).expect_err("consent");
            assert_eq!(fields(&refused), missing);
        }
    }

    #[test]
    fn reasons_and_factors_come_from_the_lists() {
        let refused = check(&[], &["truanting", "bad-hair"], None, BOTH).expect_err("bad");
        assert_eq!(
            fields(&refused),
            ["reasons", "risk_factors", "below_bar_reason"]
        );
        let refused = check(&["joyriding"], FOUR, None, BOTH).expect_err("bad reason");
        assert_eq!(fields(&refused), ["reasons"]);
    }

    #[test]
    fn the_referral_date_is_needed_and_not_in_the_future() {
        let reasons = strings(&["asb"]);
        let factors = strings(FOUR);
        let mut input = PdReferralInput {
            date_of_birth: Some(d(1997, 3, 10)),
            referred_on: None,
            reasons: &reasons,
            risk_factors: &factors,
            below_bar_reason: None,
            consent_young_person: Some(true),
            consent_parent: Some(true),
        };
        let s = Settings::default();
        assert_eq!(
            fields(&check_pd_referral(&input, &s, today()).expect_err("none")),
            ["referred_on"]
        );
        input.referred_on = Some(d(2012, 9, 2));
        assert_eq!(
            fields(&check_pd_referral(&input, &s, today()).expect_err("future")),
            ["referred_on"]
        );
        input.referred_on = Some(today());
        assert!(check_pd_referral(&input, &s, today()).is_ok());
    }

    #[test]
    fn an_eighteen_year_old_is_refused_clearly() {
        let reasons = strings(&["asb"]);
        let factors = strings(FOUR);
        let input = PdReferralInput {
            date_of_birth: Some(d(1994, 8, 20)),
            referred_on: Some(d(2012, 8, 20)),
            reasons: &reasons,
            risk_factors: &factors,
            below_bar_reason: None,
            consent_young_person: Some(true),
            consent_parent: Some(true),
        };
        let refused = check_pd_referral(&input, &Settings::default(), today()).expect_err("18");
        assert_eq!(fields(&refused), ["person_id"]);
        assert!(refused[0].message.contains("aged 8 to 17"));
    }
}
