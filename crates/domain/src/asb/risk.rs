//! Scoring a victim's answers into a risk tier: Gold (high), Silver (medium) or
//! Bronze (standard). Professional judgement may raise the tier, with the reason
//! written down, and may never lower it: the answers set a floor so that a victim's
//! risk is never talked down.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::instrument::AsbInstrument;
use crate::FieldError;

/// Ordered from lowest to highest, so `Gold > Silver > Bronze`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RiskTier {
    Bronze,
    Silver,
    Gold,
}

impl RiskTier {
    pub const ALL: [RiskTier; 3] = [RiskTier::Gold, RiskTier::Silver, RiskTier::Bronze];

    pub fn as_str(self) -> &'static str {
        match self {
            RiskTier::Gold => "gold",
            RiskTier::Silver => "silver",
            RiskTier::Bronze => "bronze",
        }
    }

    pub fn parse(text: &str) -> Option<RiskTier> {
        RiskTier::ALL.into_iter().find(|t| t.as_str() == text)
    }

    /// As officers say it: "Gold (high risk)".
    pub fn label(self) -> &'static str {
        match self {
            RiskTier::Gold => "Gold (high risk)",
            RiskTier::Silver => "Silver (medium risk)",
            RiskTier::Bronze => "Bronze (standard risk)",
        }
    }
}

impl std::fmt::Display for RiskTier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A yes or no to every question of one instrument version. A question left
/// unanswered is refused rather than taken as "no", so a gap never lowers the tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    version: u32,
    yes: BTreeMap<String, bool>,
}

impl Answers {
    /// Refuses keys the instrument does not ask and questions left unanswered, each
    /// named `answers.<key>`.
    pub fn parse(
        answers: &BTreeMap<String, bool>,
        instrument: &AsbInstrument,
    ) -> Result<Answers, Vec<FieldError>> {
        let mut errors: Vec<FieldError> = answers
            .keys()
            .filter(|key| instrument.question(key).is_none())
            .map(|key| {
                FieldError::new(
                    format!("answers.{key}"),
                    format!(
                        "Version {} of the risk assessment has no such question.",
                        instrument.version()
                    ),
                )
            })
            .collect();
        errors.extend(
            instrument
                .questions()
                .iter()
                .filter(|q| !answers.contains_key(&q.key))
                .map(|q| FieldError::new(format!("answers.{}", q.key), "Answer yes or no.")),
        );
        if errors.is_empty() {
            Ok(Answers {
                version: instrument.version(),
                yes: answers.clone(),
            })
        } else {
            Err(errors)
        }
    }

    /// The instrument version these answers were given to.
    pub fn version(&self) -> u32 {
        self.version
    }

    pub fn answer(&self, key: &str) -> Option<bool> {
        self.yes.get(key).copied()
    }
}

/// The result of an assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub instrument_version: u32,
    pub score: u32,
    /// What the answers alone give.
    pub computed_tier: RiskTier,
    /// The tier the case is worked at: the computed one, or higher by judgement.
    pub final_tier: RiskTier,
    /// Questions answered yes that made Gold on their own.
    pub gold_because: Vec<String>,
    /// Why the officer raised the tier; `None` when the tier was not raised.
    pub raised_because: Option<String>,
}

/// The longest reason kept for a raised tier.
const MAX_REASON: usize = 2000;

/// Scores `answers` and applies any professional judgement `(tier, reason)`.
///
/// A judgement above the computed tier raises it and needs a reason. A judgement
/// equal to the computed tier is accepted and changes nothing (a form may send the
/// officer's choice pre-filled with the computed tier); it is not recorded as a
/// raise. A judgement below is refused.
pub fn assess(
    instrument: &AsbInstrument,
    answers: &Answers,
    professional_judgement: Option<(RiskTier, &str)>,
) -> Result<Assessment, Vec<FieldError>> {
    if answers.version != instrument.version() {
        return Err(vec![FieldError::new(
            "answers",
            format!(
                "These answers were given to version {} of the risk assessment, not version {}.",
                answers.version,
                instrument.version()
            ),
        )]);
    }
    let said_yes = |key: &str| answers.answer(key) == Some(true);
    let score = instrument
        .questions()
        .iter()
        .filter(|q| said_yes(&q.key))
        .map(|q| q.weight)
        .sum();
    let gold_because: Vec<String> = instrument
        .gold_on_its_own()
        .iter()
        .filter(|key| said_yes(key))
        .cloned()
        .collect();
    let computed_tier = if !gold_because.is_empty() || score >= instrument.gold_from() {
        RiskTier::Gold
    } else if score >= instrument.silver_from() {
        RiskTier::Silver
    } else {
        RiskTier::Bronze
    };
    let (final_tier, raised_because) = judge(computed_tier, professional_judgement)?;
    Ok(Assessment {
        instrument_version: instrument.version(),
        score,
        computed_tier,
        final_tier,
        gold_because,
        raised_because,
    })
}

fn judge(
    computed: RiskTier,
    judgement: Option<(RiskTier, &str)>,
) -> Result<(RiskTier, Option<String>), Vec<FieldError>> {
    let Some((tier, reason)) = judgement else {
        return Ok((computed, None));
    };
    if tier < computed {
        return Err(vec![FieldError::new(
            "professional_judgement.tier",
            format!(
                "Professional judgement can raise the tier but never lower it: the answers give {}, so the tier cannot be {}.",
                computed.label(),
                tier.label()
            ),
        )]);
    }
    if tier == computed {
        return Ok((computed, None));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(vec![FieldError::new(
            "professional_judgement.reason",
            format!(
                "Write down why you are raising the tier to {}.",
                tier.label()
            ),
        )]);
    }
    if reason.chars().count() > MAX_REASON {
        return Err(vec![FieldError::new(
            "professional_judgement.reason",
            format!("Use at most {MAX_REASON} characters."),
        )]);
    }
    Ok((tier, Some(reason.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asb::instrument::tests::v1;

    /// Answers to v1 with "yes" to exactly these keys.
    fn yes_to(keys: &[&str]) -> Answers {
        let instrument = v1();
        let map = instrument
            .questions()
            .iter()
            .map(|q| (q.key.clone(), keys.contains(&q.key.as_str())))
            .collect();
        Answers::parse(&map, &instrument).expect("valid answers")
    }

    fn tier_of(keys: &[&str]) -> (u32, RiskTier) {
        let a = assess(&v1(), &yes_to(keys), None).expect("assessed");
        (a.score, a.final_tier)
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn tiers_round_trip_and_order() {
        for tier in RiskTier::ALL {
            assert_eq!(RiskTier::parse(tier.as_str()), Some(tier));
        }
        assert_eq!(RiskTier::parse("Gold"), None);
        assert!(RiskTier::Gold > RiskTier::Silver && RiskTier::Silver > RiskTier::Bronze);
        assert_eq!(RiskTier::Silver.to_string(), "silver");
    }

    #[test]
    fn no_is_bronze_with_nothing() {
        assert_eq!(tier_of(&[]), (0, RiskTier::Bronze));
    }

    #[test]
    fn silver_starts_at_six() {
        // 3 + 2 = 5: one short.
        assert_eq!(
            tier_of(&["targeted-for-who-they-are", "alone-or-isolated"]),
            (5, RiskTier::Bronze)
        );
        assert_eq!(
            tier_of(&["targeted-for-who-they-are", "afraid-at-home"]),
            (6, RiskTier::Silver)
        );
    }

    #[test]
    fn gold_starts_at_fourteen() {
        let thirteen = [
            "targeted-for-who-they-are",
            "afraid-at-home",
            "alone-or-isolated",
            "health-affected",
            "getting-worse",
            "sleep-affected",
        ];
        assert_eq!(tier_of(&thirteen), (13, RiskTier::Silver));
        let fourteen = [&thirteen[..], &["earlier-asb"]].concat();
        assert_eq!(tier_of(&fourteen), (14, RiskTier::Gold));
    }

    #[test]
    fn each_gold_on_its_own_answer_alone_makes_gold() {
        for key in v1().gold_on_its_own() {
            let a = assess(&v1(), &yes_to(&[key]), None).expect("assessed");
            assert_eq!(a.score, 3, "{key}");
            assert_eq!(a.computed_tier, RiskTier::Gold, "{key}");
            assert_eq!(a.gold_because, std::slice::from_ref(key));
        }
    }

    #[test]
    fn judgement_may_raise_with_a_reason() {
        let a = assess(
            &v1(),
            &yes_to(&["earlier-asb"]),
            Some((
                RiskTier::Gold,
                "  Perpetrator released from prison next week. ",
            )),
        )
        .expect("raised");
        assert_eq!(
            (a.computed_tier, a.final_tier),
            (RiskTier::Bronze, RiskTier::Gold)
        );
        assert_eq!(
            a.raised_because.as_deref(),
            Some("Perpetrator released from prison next week.")
        );
    }

    #[test]
    fn raising_without_a_reason_is_refused() {
        let errors =
            assess(&v1(), &yes_to(&[]), Some((RiskTier::Silver, "  "))).expect_err("no reason");
        assert_eq!(fields(errors), ["professional_judgement.reason"]);
        let long = "x".repeat(MAX_REASON + 1);
        let errors =
            assess(&v1(), &yes_to(&[]), Some((RiskTier::Silver, &long))).expect_err("too long");
        assert_eq!(fields(errors), ["professional_judgement.reason"]);
    }

    #[test]
    fn judgement_may_never_lower() {
        let errors = assess(
            &v1(),
            &yes_to(&["self-harm"]),
            Some((RiskTier::Silver, "Seems fine")),
        )
        .expect_err("lowered");
        assert_eq!(errors[0].field, "professional_judgement.tier");
        assert!(errors[0].message.contains("never lower it"));
        assert!(errors[0].message.contains("Gold (high risk)"));
    }

    #[test]
    fn judgement_equal_to_the_computed_tier_changes_nothing() {
        let a = assess(
            &v1(),
            &yes_to(&["targeted-for-who-they-are", "afraid-at-home"]),
            Some((RiskTier::Silver, "")),
        )
        .expect("accepted");
        assert_eq!(
            (a.computed_tier, a.final_tier),
            (RiskTier::Silver, RiskTier::Silver)
        );
        assert_eq!(a.raised_because, None);
    }

    #[test]
    fn unknown_and_missing_answers_are_named() {
        let instrument = v1();
        let mut map: BTreeMap<String, bool> = instrument
            .questions()
            .iter()
            .map(|q| (q.key.clone(), false))
            .collect();
        map.remove("self-harm");
        map.insert("owns-a-dog".into(), true);
        let errors = Answers::parse(&map, &instrument).expect_err("invalid");
        assert_eq!(fields(errors), ["answers.owns-a-dog", "answers.self-harm"]);
    }

    #[test]
    fn answers_to_another_version_are_refused() {
        let other = crate::asb::instrument::tests::V1.replace("version = 1", "version = 2");
        let v2 = AsbInstrument::parse(&other).expect("valid");
        let errors = assess(&v2, &yes_to(&[]), None).expect_err("wrong version");
        assert_eq!(fields(errors), ["answers"]);
    }
}
