//! An offence recorded against a person: the day it was committed, the day it was
//! proven (by conviction or caution) if it has been, a category and optionally a harm
//! weight. Only proven offences count in the re-offending measures.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::FieldError;

/// How the offence was proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Conviction,
    Caution,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Conviction => "conviction",
            Outcome::Caution => "caution",
        }
    }

    pub fn parse(text: &str) -> Option<Outcome> {
        match text.trim() {
            "conviction" => Some(Outcome::Conviction),
            "caution" => Some(Outcome::Caution),
            _ => None,
        }
    }
}

/// The longest category we keep; categories are short codes or names.
const CATEGORY_MAX: usize = 100;
/// A harm weight above this is a typing error (the Cambridge index tops out in the
/// tens of thousands of days).
const HARM_WEIGHT_MAX: f64 = 1_000_000.0;

/// An offence as typed on a form, posted as JSON or read from a CSV row: every value
/// as text, so that each bad one is named rather than the whole row refused.
#[derive(Debug, Clone, Default)]
pub struct OffenceInput<'a> {
    pub committed_on: &'a str,
    pub proven_on: &'a str,
    pub outcome: &'a str,
    pub category: &'a str,
    pub harm_weight: &'a str,
}

/// A checked offence.
#[derive(Debug, Clone, PartialEq)]
pub struct Offence {
    pub committed_on: NaiveDate,
    pub proven_on: Option<NaiveDate>,
    pub outcome: Outcome,
    pub category: String,
    pub harm_weight: Option<f64>,
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

impl Offence {
    /// Checks every field, reporting all that are wrong.
    pub fn parse(input: &OffenceInput<'_>, today: NaiveDate) -> Result<Offence, Vec<FieldError>> {
        let mut errors = Vec::new();
        let committed = date(input.committed_on);
        match committed {
            None => errors.push(FieldError::new(
                "committed_on",
                "Enter the date the offence was committed as YYYY-MM-DD.",
            )),
            Some(day) if day > today => errors.push(FieldError::new(
                "committed_on",
                "The date committed cannot be in the future.",
            )),
            Some(_) => {}
        }
        let proven = if input.proven_on.trim().is_empty() {
            None
        } else {
            match date(input.proven_on) {
                None => {
                    errors.push(FieldError::new(
                        "proven_on",
                        "Enter the date proven as YYYY-MM-DD, or leave it blank.",
                    ));
                    None
                }
                Some(day) if day > today || committed.is_some_and(|c| day < c) => {
                    errors.push(FieldError::new(
                        "proven_on",
                        "The date proven must fall between the date committed and today.",
                    ));
                    None
                }
                Some(day) => Some(day),
            }
        };
        let outcome = Outcome::parse(input.outcome);
        if outcome.is_none() {
            errors.push(FieldError::new("outcome", "Choose conviction or caution."));
        }
        let category = input.category.trim();
        if category.is_empty() || category.chars().count() > CATEGORY_MAX {
            errors.push(FieldError::new(
                "category",
                format!("Enter the offence category (up to {CATEGORY_MAX} characters)."),
            ));
        }
        let harm_weight = if input.harm_weight.trim().is_empty() {
            None
        } else {
            match input.harm_weight.trim().parse::<f64>() {
                Ok(w) if w.is_finite() && (0.0..=HARM_WEIGHT_MAX).contains(&w) => Some(w),
                _ => {
                    errors.push(FieldError::new(
                        "harm_weight",
                        "Enter a harm weight of 0 or more, or leave it blank.",
                    ));
                    None
                }
            }
        };
        match (committed, outcome, errors.is_empty()) {
            (Some(committed_on), Some(outcome), true) => Ok(Offence {
                committed_on,
                proven_on: proven,
                outcome,
                category: category.to_owned(),
                harm_weight,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_dates::d;
    use super::*;

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_whole_offence_parses() {
        let o = Offence::parse(
            &OffenceInput {
                committed_on: "2012-06-01",
                proven_on: "2012-08-01",
                outcome: "conviction",
                category: " burglary-dwelling ",
                harm_weight: "2.5",
            },
            d(2012, 8, 1),
        )
        .expect("valid");
        assert_eq!(o.proven_on, Some(d(2012, 8, 1)));
        assert_eq!(o.category, "burglary-dwelling");
        assert_eq!(o.harm_weight, Some(2.5));
        let unproven = Offence::parse(
            &OffenceInput {
                committed_on: "2012-06-01",
                outcome: "caution",
                category: "theft",
                ..Default::default()
            },
            d(2012, 8, 1),
        )
        .expect("valid");
        assert_eq!((unproven.proven_on, unproven.harm_weight), (None, None));
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors = Offence::parse(
            &OffenceInput {
                committed_on: "01/06/2012",
                proven_on: "soon",
                outcome: "fine",
                category: "  ",
                harm_weight: "-1",
            },
            d(2012, 8, 1),
        )
        .expect_err("invalid");
        assert_eq!(
            fields(&errors),
            [
                "committed_on",
                "proven_on",
                "outcome",
                "category",
                "harm_weight"
            ]
        );
    }

    #[test]
    fn dates_must_be_in_order_and_not_in_the_future() {
        let today = d(2012, 8, 1);
        let before = OffenceInput {
            committed_on: "2012-06-01",
            proven_on: "2012-05-31",
            outcome: "caution",
            category: "theft",
            harm_weight: "",
        };
        assert_eq!(
            fields(&Offence::parse(&before, today).expect_err("x")),
            ["proven_on"]
        );
        let future = OffenceInput {
            committed_on: "2012-08-02",
            ..before.clone()
        };
        assert_eq!(
            fields(&Offence::parse(&future, today).expect_err("x")),
            ["committed_on", "proven_on"]
        );
        let same_day = OffenceInput {
            proven_on: "2012-06-01",
            ..before
        };
        assert!(Offence::parse(&same_day, today).is_ok());
    }
}
