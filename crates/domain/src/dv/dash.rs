//! Scoring a DASH checklist: the number of "yes" answers gives the level (standard,
//! medium or high) by the cut-offs in the settings. Professional judgement raises the
//! level to high, with the reason written down; there is nothing for it to lower,
//! because judgement always means high.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::count_setting;
use super::instrument::DashInstrument;
use crate::FieldError;
use crate::settings::Settings;

/// One answer. "Not known" is kept apart from "no": it is not a yes, so it does not
/// score, but the record shows what the victim could not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DashAnswer {
    Yes,
    No,
    NotKnown,
}

impl DashAnswer {
    pub const ALL: [DashAnswer; 3] = [DashAnswer::Yes, DashAnswer::No, DashAnswer::NotKnown];

    pub fn as_str(self) -> &'static str {
        match self {
            DashAnswer::Yes => "yes",
            DashAnswer::No => "no",
            DashAnswer::NotKnown => "not-known",
        }
    }

    pub fn parse(text: &str) -> Option<DashAnswer> {
        DashAnswer::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// An answer to every question of one instrument version. A question left unanswered
/// is refused rather than taken as "no" or "not known", so a gap is never silent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashAnswers {
    version: u32,
    answers: BTreeMap<String, DashAnswer>,
}

impl DashAnswers {
    /// Refuses keys the instrument does not ask, answers other than `yes`, `no` and
    /// `not-known`, and questions left unanswered, each named `answers.<key>`.
    pub fn parse(
        answers: &BTreeMap<String, String>,
        instrument: &DashInstrument,
    ) -> Result<DashAnswers, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut parsed = BTreeMap::new();
        for (key, text) in answers {
            if instrument.question(key).is_none() {
                errors.push(FieldError::new(
                    format!("answers.{key}"),
                    format!(
                        "Version {} of the DASH checklist has no such question.",
                        instrument.version()
                    ),
                ));
            } else if let Some(answer) = DashAnswer::parse(text.trim()) {
                parsed.insert(key.clone(), answer);
            } else {
                errors.push(FieldError::new(
                    format!("answers.{key}"),
                    "Answer yes, no or not-known.",
                ));
            }
        }
        errors.extend(
            instrument
                .questions()
                .iter()
                .filter(|q| !answers.contains_key(&q.key))
                .map(|q| {
                    FieldError::new(format!("answers.{}", q.key), "Answer yes, no or not-known.")
                }),
        );
        if errors.is_empty() {
            Ok(DashAnswers {
                version: instrument.version(),
                answers: parsed,
            })
        } else {
            Err(errors)
        }
    }

    /// The instrument version these answers were given to.
    pub fn version(&self) -> u32 {
        self.version
    }

    pub fn answer(&self, key: &str) -> Option<DashAnswer> {
        self.answers.get(key).copied()
    }

    /// The score: how many questions were answered yes.
    pub fn yes_count(&self) -> u32 {
        let yes = self.answers.values().filter(|a| **a == DashAnswer::Yes);
        u32::try_from(yes.count()).unwrap_or(u32::MAX)
    }
}

/// Ordered from lowest to highest, so `High > Medium > Standard`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DashLevel {
    Standard,
    Medium,
    High,
}

impl DashLevel {
    pub const ALL: [DashLevel; 3] = [DashLevel::High, DashLevel::Medium, DashLevel::Standard];

    pub fn as_str(self) -> &'static str {
        match self {
            DashLevel::High => "high",
            DashLevel::Medium => "medium",
            DashLevel::Standard => "standard",
        }
    }

    pub fn parse(text: &str) -> Option<DashLevel> {
        DashLevel::ALL.into_iter().find(|l| l.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            DashLevel::High => "High risk",
            DashLevel::Medium => "Medium risk",
            DashLevel::Standard => "Standard risk",
        }
    }
}

/// The scores from which each level starts. The settings are bounded separately, so a
/// partnership could set medium at or above high: medium then never applies, and a
/// score is high or standard. That is allowed rather than refused so that changing the
/// two settings one at a time never fails half way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DashCutOffs {
    pub medium_from: u32,
    pub high_from: u32,
}

impl DashCutOffs {
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            medium_from: count_setting(settings.dv_dash_medium_from),
            high_from: count_setting(settings.dv_dash_high_from),
        }
    }

    /// The level a score gives on its own.
    pub fn level(&self, yes_count: u32) -> DashLevel {
        if yes_count >= self.high_from {
            DashLevel::High
        } else if yes_count >= self.medium_from {
            DashLevel::Medium
        } else {
            DashLevel::Standard
        }
    }
}

/// The result of a checklist, as stored with it and read by the MARAC decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DashOutcome {
    pub yes_count: u32,
    /// What the answers alone give.
    pub computed_level: DashLevel,
    /// The level the case is worked at: the computed one, or high by judgement.
    pub level: DashLevel,
    /// Whether the officer used professional judgement (the level is then high).
    pub professional_judgement: bool,
}

/// A scored checklist: the outcome, the version it was asked in, and the officer's
/// written reason when they used professional judgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashAssessment {
    pub instrument_version: u32,
    pub outcome: DashOutcome,
    pub judgement_reason: Option<String>,
}

/// The longest reason kept for professional judgement.
pub const MAX_REASON: usize = 2000;

/// Scores `answers` and applies professional judgement: `Some(reason)` when the
/// officer judges the victim to be at high risk whatever the score.
///
/// Judgement on a score that is already high is accepted and kept: the officer said so
/// and wrote why, and MARAC then sees both reasons. A judgement without a reason is
/// refused (`professional_judgement.reason`), however high the score.
pub fn assess(
    instrument: &DashInstrument,
    answers: &DashAnswers,
    cut_offs: DashCutOffs,
    professional_judgement: Option<&str>,
) -> Result<DashAssessment, Vec<FieldError>> {
    let mut errors = Vec::new();
    if answers.version != instrument.version() {
        errors.push(FieldError::new(
            "answers",
            format!(
                "These answers were given to version {} of the DASH checklist, not version {}.",
                answers.version,
                instrument.version()
            ),
        ));
    }
    let reason = professional_judgement.map(str::trim);
    match reason {
        Some("") => errors.push(FieldError::new(
            "professional_judgement.reason",
            "Write down why you judge the victim to be at high risk.",
        )),
        Some(r) if r.chars().count() > MAX_REASON => errors.push(FieldError::new(
            "professional_judgement.reason",
            format!("Use at most {MAX_REASON} characters."),
        )),
        _ => {}
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let yes_count = answers.yes_count();
    let computed_level = cut_offs.level(yes_count);
    let level = if reason.is_some() {
        DashLevel::High
    } else {
        computed_level
    };
    Ok(DashAssessment {
        instrument_version: instrument.version(),
        outcome: DashOutcome {
            yes_count,
            computed_level,
            level,
            professional_judgement: reason.is_some(),
        },
        judgement_reason: reason.map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dv::instrument::tests::v1;

    fn cut_offs() -> DashCutOffs {
        DashCutOffs::from_settings(&Settings::default())
    }

    /// Answers to v1: "yes" to the first `yes` questions, "not-known" to the next
    /// `not_known`, "no" to the rest.
    fn answers(yes: usize, not_known: usize) -> DashAnswers {
        let instrument = v1();
        let map = instrument
            .questions()
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let answer = if i < yes {
                    "yes"
                } else if i < yes + not_known {
                    "not-known"
                } else {
                    "no"
                };
                (q.key.clone(), answer.to_string())
            })
            .collect();
        DashAnswers::parse(&map, &instrument).expect("valid answers")
    }

    fn outcome(yes: usize) -> DashOutcome {
        assess(&v1(), &answers(yes, 0), cut_offs(), None)
            .expect("assessed")
            .outcome
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn answers_and_levels_round_trip() {
        for a in DashAnswer::ALL {
            assert_eq!(DashAnswer::parse(a.as_str()), Some(a));
        }
        assert_eq!(DashAnswer::parse("Yes"), None);
        assert_eq!(DashAnswer::parse("unknown"), None);
        for l in DashLevel::ALL {
            assert_eq!(DashLevel::parse(l.as_str()), Some(l));
        }
        assert!(DashLevel::High > DashLevel::Medium && DashLevel::Medium > DashLevel::Standard);
        assert_eq!(DashLevel::High.label(), "High risk");
    }

    #[test]
    fn the_defaults_are_ten_and_fourteen() {
        assert_eq!(
            cut_offs(),
            DashCutOffs {
                medium_from: 10,
                high_from: 14
            }
        );
    }

    #[test]
    fn nine_is_standard_ten_is_medium() {
        assert_eq!(outcome(9).computed_level, DashLevel::Standard);
        assert_eq!(outcome(10).computed_level, DashLevel::Medium);
        assert_eq!(outcome(10).yes_count, 10);
    }

    #[test]
    fn thirteen_is_medium_fourteen_is_high() {
        assert_eq!(outcome(13).computed_level, DashLevel::Medium);
        let high = outcome(14);
        assert_eq!(
            (high.computed_level, high.level),
            (DashLevel::High, DashLevel::High)
        );
        assert!(!high.professional_judgement);
        assert_eq!(outcome(24).level, DashLevel::High);
        assert_eq!(outcome(0).level, DashLevel::Standard);
    }

    #[test]
    fn not_known_does_not_score() {
        let a = assess(&v1(), &answers(9, 15), cut_offs(), None).expect("assessed");
        assert_eq!(a.outcome.yes_count, 9);
        assert_eq!(a.outcome.level, DashLevel::Standard);
    }

    #[test]
    fn the_cut_offs_are_settings() {
        let mut settings = Settings::default();
        settings.set("dv.dash-high-from", "12").expect("in range");
        let cut = DashCutOffs::from_settings(&settings);
        assert_eq!(cut.level(11), DashLevel::Medium);
        assert_eq!(cut.level(12), DashLevel::High);
    }

    #[test]
    fn medium_at_or_above_high_never_applies() {
        let cut = DashCutOffs {
            medium_from: 14,
            high_from: 14,
        };
        assert_eq!(cut.level(13), DashLevel::Standard);
        assert_eq!(cut.level(14), DashLevel::High);
    }

    #[test]
    fn judgement_raises_to_high_and_keeps_the_reason() {
        let a = assess(
            &v1(),
            &answers(3, 0),
            cut_offs(),
            Some("  Victim says he has bought a knife.  "),
        )
        .expect("assessed");
        assert_eq!(
            a.outcome,
            DashOutcome {
                yes_count: 3,
                computed_level: DashLevel::Standard,
                level: DashLevel::High,
                professional_judgement: true
            }
        );
        assert_eq!(
            a.judgement_reason.as_deref(),
            Some("Victim says he has bought a knife.")
        );
        assert_eq!(a.instrument_version, 1);
    }

    #[test]
    fn judgement_on_a_high_score_is_kept() {
        let a = assess(&v1(), &answers(15, 0), cut_offs(), Some("Threats since.")).expect("ok");
        assert_eq!(a.outcome.computed_level, DashLevel::High);
        assert!(a.outcome.professional_judgement);
    }

    #[test]
    fn judgement_needs_a_reason_of_bounded_length() {
        let errors = assess(&v1(), &answers(3, 0), cut_offs(), Some("  ")).expect_err("empty");
        assert_eq!(fields(errors), ["professional_judgement.reason"]);
        let errors = assess(&v1(), &answers(20, 0), cut_offs(), Some("")).expect_err("empty");
        assert_eq!(fields(errors), ["professional_judgement.reason"]);
        let long = "x".repeat(MAX_REASON + 1);
        let errors = assess(&v1(), &answers(3, 0), cut_offs(), Some(&long)).expect_err("long");
        assert_eq!(fields(errors), ["professional_judgement.reason"]);
        let most = "x".repeat(MAX_REASON);
        assert!(assess(&v1(), &answers(3, 0), cut_offs(), Some(&most)).is_ok());
    }

    #[test]
    fn unknown_bad_and_missing_answers_are_named() {
        let instrument = v1();
        let mut map: BTreeMap<String, String> = instrument
            .questions()
            .iter()
            .map(|q| (q.key.clone(), "no".to_string()))
            .collect();
        map.remove("threats-to-kill");
        map.insert("injured".into(), "maybe".into());
        map.insert("owns-a-dog".into(), "yes".into());
        let errors = DashAnswers::parse(&map, &instrument).expect_err("invalid");
        assert_eq!(
            fields(errors),
            [
                "answers.injured",
                "answers.owns-a-dog",
                "answers.threats-to-kill"
            ]
        );
    }

    #[test]
    fn answers_are_trimmed_but_not_case_folded() {
        let instrument = v1();
        let mut map: BTreeMap<String, String> = instrument
            .questions()
            .iter()
            .map(|q| (q.key.clone(), " not-known ".to_string()))
            .collect();
        let parsed = DashAnswers::parse(&map, &instrument).expect("valid");
        assert_eq!(parsed.answer("injured"), Some(DashAnswer::NotKnown));
        assert_eq!(parsed.yes_count(), 0);
        map.insert("injured".into(), "YES".into());
        assert!(DashAnswers::parse(&map, &instrument).is_err());
    }

    #[test]
    fn answers_to_another_version_are_refused() {
        let other = crate::dv::instrument::tests::V1.replace("version = 1", "version = 2");
        let v2 = DashInstrument::parse(&other).expect("valid");
        let errors = assess(&v2, &answers(0, 0), cut_offs(), None).expect_err("wrong version");
        assert_eq!(fields(errors), ["answers"]);
    }
}
