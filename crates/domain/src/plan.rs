//! The Partnership Plan as data: priorities, their aims, and the actions agencies own.
//! A plan file (TOML) is parsed into a [`PlanDocument`] and checked as a whole, so a
//! malformed file is refused before anything is stored.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{FinancialYear, last_day_of_month};

/// Written in a plan file's action instead of a list of agencies: every agency.
pub const ALL_AGENCIES: &str = "all";

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlanDocument {
    pub year: FinancialYear,
    pub title: String,
    pub priorities: Vec<PriorityDoc>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PriorityDoc {
    pub key: String,
    pub title: String,
    #[serde(default)]
    pub statement: Option<String>,
    #[serde(default)]
    pub aims: Vec<AimDoc>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AimDoc {
    pub key: String,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub baseline_source: Option<String>,
    /// Agencies the plan names against the aim without an action of their own.
    #[serde(default)]
    pub partners: Vec<String>,
    #[serde(default)]
    pub actions: Vec<ActionDoc>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ActionDoc {
    pub key: String,
    pub text: String,
    pub agencies: Vec<String>,
    /// `YYYY-MM-DD`, or `YYYY-MM` for "by the end of that month" as the plan writes it.
    #[serde(default)]
    pub review_date: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PlanError {
    #[error("the plan file is not valid TOML: {0}")]
    Syntax(String),
    #[error("the plan file has problems: {}", .0.join("; "))]
    Invalid(Vec<String>),
}

impl PlanDocument {
    /// Parses and checks a plan file. `known_agencies` are the agency codes the
    /// partnership has; every agency an action or aim names must be one of them.
    pub fn parse(text: &str, known_agencies: &HashSet<String>) -> Result<Self, PlanError> {
        let doc: PlanDocument =
            toml::from_str(text).map_err(|e| PlanError::Syntax(e.message().to_string()))?;
        let problems = doc.problems(known_agencies);
        if problems.is_empty() {
            Ok(doc)
        } else {
            Err(PlanError::Invalid(problems))
        }
    }

    fn problems(&self, known_agencies: &HashSet<String>) -> Vec<String> {
        let mut problems = Vec::new();
        let mut keys = HashSet::new();
        let mut key_ok = |kind: &str, key: &str, problems: &mut Vec<String>| {
            if !is_key(key) {
                problems.push(format!(
                    "{kind} key '{key}' must be lower-case letters, digits and hyphens"
                ));
            } else if !keys.insert(key.to_string()) {
                problems.push(format!("{kind} key '{key}' is used twice"));
            }
        };
        if self.title.trim().is_empty() {
            problems.push("the plan has no title".into());
        }
        if self.priorities.is_empty() {
            problems.push("the plan has no priorities".into());
        }
        for priority in &self.priorities {
            key_ok("priority", &priority.key, &mut problems);
            if priority.title.trim().is_empty() {
                problems.push(format!("priority '{}' has no title", priority.key));
            }
            for aim in &priority.aims {
                key_ok("aim", &aim.key, &mut problems);
                if aim.title.trim().is_empty() {
                    problems.push(format!("aim '{}' has no title", aim.key));
                }
                for agency in &aim.partners {
                    if !known_agencies.contains(agency) {
                        problems.push(format!("aim '{}' names unknown agency '{agency}'", aim.key));
                    }
                }
                for action in &aim.actions {
                    key_ok("action", &action.key, &mut problems);
                    if action.text.trim().is_empty() {
                        problems.push(format!("action '{}' has no text", action.key));
                    }
                    if action.agencies.is_empty() {
                        problems.push(format!("action '{}' names no agency", action.key));
                    }
                    for agency in &action.agencies {
                        if agency != ALL_AGENCIES && !known_agencies.contains(agency) {
                            problems.push(format!(
                                "action '{}' names unknown agency '{agency}'",
                                action.key
                            ));
                        }
                    }
                    if let Some(raw) = &action.review_date
                        && parse_review_date(raw).is_none()
                    {
                        problems.push(format!(
                            "action '{}' has review date '{raw}': write YYYY-MM-DD or YYYY-MM",
                            action.key
                        ));
                    }
                }
            }
        }
        problems
    }
}

impl ActionDoc {
    /// The agencies that own the action, with "all" spelled out.
    pub fn owning_agencies<'a>(&'a self, every_agency: &'a [String]) -> Vec<&'a str> {
        if self.agencies.iter().any(|a| a == ALL_AGENCIES) {
            every_agency.iter().map(String::as_str).collect()
        } else {
            self.agencies.iter().map(String::as_str).collect()
        }
    }

    pub fn review_on(&self) -> Option<NaiveDate> {
        self.review_date.as_deref().and_then(parse_review_date)
    }
}

/// A review date: a day, or a month meaning its last day.
pub fn parse_review_date(text: &str) -> Option<NaiveDate> {
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(day);
    }
    let (year, month) = text.split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    last_day_of_month(year.parse().ok()?, month.parse().ok()?)
}

fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agencies() -> HashSet<String> {
        ["cumbria-constabulary", "derwent-solway-ha"]
            .into_iter()
            .map(String::from)
            .collect()
    }

    const SMALL: &str = r#"
year = "2012-13"
title = "A plan"
[[priorities]]
key = "asb"
title = "Anti-Social Behaviour"
[[priorities.aims]]
key = "asb-rv"
title = "Reduce Repeat Victimisation"
[[priorities.aims.actions]]
key = "a1"
text = "Monitor Gold victims"
agencies = ["cumbria-constabulary"]
review_date = "2012-01"
"#;

    #[test]
    fn a_good_file_parses() {
        let plan = PlanDocument::parse(SMALL, &agencies()).expect("valid plan");
        assert_eq!(plan.year.to_string(), "2012-13");
        let action = &plan.priorities[0].aims[0].actions[0];
        assert_eq!(action.review_on(), NaiveDate::from_ymd_opt(2012, 1, 31));
    }

    #[test]
    fn unknown_agency_and_bad_date_are_both_named() {
        let text = SMALL
            .replace("cumbria-constabulary", "nobody")
            .replace("2012-01", "January");
        let Err(PlanError::Invalid(problems)) = PlanDocument::parse(&text, &agencies()) else {
            panic!("should be refused");
        };
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("unknown agency 'nobody'"));
        assert!(problems[1].contains("review date 'January'"));
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let text = SMALL.replace("key = \"a1\"", "key = \"asb-rv\"");
        let err = PlanDocument::parse(&text, &agencies()).expect_err("duplicate");
        assert!(err.to_string().contains("used twice"), "{err}");
    }

    #[test]
    fn syntax_errors_are_reported() {
        let err = PlanDocument::parse("year = ", &agencies()).expect_err("bad toml");
        assert!(matches!(err, PlanError::Syntax(_)));
        let err = PlanDocument::parse("year = \"2012\"\ntitle=\"x\"\npriorities=[]", &agencies())
            .expect_err("bad year");
        assert!(matches!(err, PlanError::Syntax(m) if m.contains("2012-13")));
    }

    #[test]
    fn review_dates() {
        assert_eq!(
            parse_review_date("2011-12"),
            NaiveDate::from_ymd_opt(2011, 12, 31)
        );
        assert_eq!(
            parse_review_date("2012-06-04"),
            NaiveDate::from_ymd_opt(2012, 6, 4)
        );
        assert_eq!(parse_review_date("2012-13"), None);
        assert_eq!(parse_review_date("12-01"), None);
    }

    #[test]
    fn all_agencies_is_spelled_out() {
        let action = ActionDoc {
            key: "k".into(),
            text: "t".into(),
            agencies: vec![ALL_AGENCIES.into()],
            review_date: None,
        };
        let every = vec!["a".to_string(), "b".to_string()];
        assert_eq!(action.owning_agencies(&every), vec!["a", "b"]);
    }
}
