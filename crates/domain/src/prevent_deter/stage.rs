//! Where a young person is: referred → screened → assessed → panel decision →
//! accepted onto the programme (or declined, with a reason) → the programme's own
//! stages ("It's Your Choice", a list an administrator keeps) → exited (completed,
//! disengaged, or escalated to the Youth Offending Team, with a reason). Each step has
//! a date and an officer; an impossible step is refused naming where they are now.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::referral::MAX_TEXT;
use crate::FieldError;

/// How a young person left the programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExitOutcome {
    Completed,
    Disengaged,
    EscalatedToYot,
}

impl ExitOutcome {
    pub const ALL: [ExitOutcome; 3] = [
        ExitOutcome::Completed,
        ExitOutcome::Disengaged,
        ExitOutcome::EscalatedToYot,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExitOutcome::Completed => "completed",
            ExitOutcome::Disengaged => "disengaged",
            ExitOutcome::EscalatedToYot => "escalated-to-yot",
        }
    }

    pub fn parse(text: &str) -> Option<ExitOutcome> {
        ExitOutcome::ALL
            .into_iter()
            .find(|o| o.as_str() == text.trim())
    }

    pub fn name(self) -> &'static str {
        match self {
            ExitOutcome::Completed => "Completed the programme",
            ExitOutcome::Disengaged => "Disengaged",
            ExitOutcome::EscalatedToYot => "Escalated to the Youth Offending Team",
        }
    }
}

/// One of the programme's own stages, as an administrator keeps them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgrammeStage {
    pub code: String,
    pub name: String,
}

/// Where a young person is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Stage {
    Referred,
    Screened,
    Assessed,
    PanelDecision,
    Accepted,
    Declined,
    /// At a programme stage (its code).
    Programme(String),
    Exited(ExitOutcome),
}

/// The fixed stages' codes; a programme stage may not take one of them.
pub const FIXED_CODES: [&str; 8] = [
    "referred",
    "screened",
    "assessed",
    "panel-decision",
    "accepted",
    "declined",
    "programme",
    "exited",
];

impl Stage {
    /// The stored code: one of [`FIXED_CODES`] (a programme stage is `programme`, its
    /// own code kept beside it).
    pub fn code(&self) -> &'static str {
        match self {
            Stage::Referred => "referred",
            Stage::Screened => "screened",
            Stage::Assessed => "assessed",
            Stage::PanelDecision => "panel-decision",
            Stage::Accepted => "accepted",
            Stage::Declined => "declined",
            Stage::Programme(_) => "programme",
            Stage::Exited(_) => "exited",
        }
    }

    /// Reads a stored stage back.
    pub fn from_stored(
        code: &str,
        programme: Option<&str>,
        outcome: Option<&str>,
    ) -> Option<Stage> {
        Some(match code {
            "referred" => Stage::Referred,
            "screened" => Stage::Screened,
            "assessed" => Stage::Assessed,
            "panel-decision" => Stage::PanelDecision,
            "accepted" => Stage::Accepted,
            "declined" => Stage::Declined,
            "programme" => Stage::Programme(programme?.to_string()),
            "exited" => Stage::Exited(ExitOutcome::parse(outcome?)?),
            _ => return None,
        })
    }

    pub fn programme_stage(&self) -> Option<&str> {
        match self {
            Stage::Programme(code) => Some(code),
            _ => None,
        }
    }

    pub fn exit_outcome(&self) -> Option<ExitOutcome> {
        match self {
            Stage::Exited(o) => Some(*o),
            _ => None,
        }
    }

    /// In words, for messages and pages.
    pub fn name(&self, programme: &[ProgrammeStage]) -> String {
        match self {
            Stage::Referred => "referred".into(),
            Stage::Screened => "screened".into(),
            Stage::Assessed => "assessed".into(),
            Stage::PanelDecision => "awaiting the panel's decision".into(),
            Stage::Accepted => "accepted onto the programme".into(),
            Stage::Declined => "declined".into(),
            Stage::Programme(code) => {
                let name = programme
                    .iter()
                    .find(|p| &p.code == code)
                    .map_or(code.as_str(), |p| p.name.as_str());
                format!("at the programme stage \"{name}\"")
            }
            Stage::Exited(_) => "exited".into(),
        }
    }

    /// Declined and exited are final.
    pub fn is_final(&self) -> bool {
        matches!(self, Stage::Declined | Stage::Exited(_))
    }

    /// Assessed and ready for the panel, or before it: what an LMAPS agenda lists as
    /// "awaiting a panel decision".
    pub fn awaits_panel_decision(&self) -> bool {
        matches!(self, Stage::Assessed | Stage::PanelDecision)
    }

    pub const AWAITING_PANEL_CODES: [&'static str; 2] = ["assessed", "panel-decision"];
}

/// A step as asked for on a form or in JSON.
#[derive(Debug, Clone, Default)]
pub struct StepInput<'a> {
    /// A fixed stage's code, or a programme stage's code.
    pub to: &'a str,
    pub on: Option<NaiveDate>,
    /// For `exited`: `completed`, `disengaged` or `escalated-to-yot`.
    pub outcome: Option<&'a str>,
    /// Needed to decline and to exit.
    pub reason: Option<&'a str>,
    pub note: Option<&'a str>,
}

/// A step that may be taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub to: Stage,
    pub on: NaiveDate,
    pub reason: Option<String>,
    pub note: Option<String>,
}

fn text(field: &str, value: Option<&str>, errors: &mut Vec<FieldError>) -> Option<String> {
    let value = value.map(str::trim).filter(|t| !t.is_empty())?;
    if value.chars().count() > MAX_TEXT {
        errors.push(FieldError::new(
            field,
            format!("Use at most {MAX_TEXT} characters."),
        ));
        return None;
    }
    Some(value.to_string())
}

/// Checks a step from `current` (reached on `since`), naming every bad field at once.
/// `programme` is the programme's stages in order: a young person moves forward
/// through them, never back or to where they are.
pub fn check_step(
    current: &Stage,
    since: NaiveDate,
    input: &StepInput<'_>,
    programme: &[ProgrammeStage],
    today: NaiveDate,
) -> Result<Step, Vec<FieldError>> {
    let wanted = input.to.trim();
    let target = match wanted {
        "screened" => Some(Stage::Screened),
        "assessed" => Some(Stage::Assessed),
        "panel-decision" => Some(Stage::PanelDecision),
        "accepted" => Some(Stage::Accepted),
        "declined" => Some(Stage::Declined),
        "exited" => Some(Stage::Exited(ExitOutcome::Completed)),
        "referred" => Some(Stage::Referred),
        code => programme
            .iter()
            .find(|p| p.code == code)
            .map(|p| Stage::Programme(p.code.clone())),
    };
    let Some(target) = target else {
        return Err(vec![FieldError::new(
            "to",
            format!(
                "'{wanted}' is not a stage: choose screened, assessed, panel-decision, \
                 accepted, declined, exited or a programme stage ({}).",
                programme
                    .iter()
                    .map(|p| p.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )]);
    };
    let position = |code: &str| programme.iter().position(|p| p.code == code);
    let allowed = match (current, &target) {
        (Stage::Referred, Stage::Screened)
        | (Stage::Screened, Stage::Assessed)
        | (Stage::Assessed, Stage::PanelDecision)
        | (Stage::PanelDecision, Stage::Accepted)
        | (
            Stage::Referred | Stage::Screened | Stage::Assessed | Stage::PanelDecision,
            Stage::Declined,
        )
        | (Stage::Accepted, Stage::Programme(_))
        | (Stage::Accepted | Stage::Programme(_), Stage::Exited(_)) => true,
        (Stage::Programme(from), Stage::Programme(to)) => {
            matches!((position(from), position(to)), (Some(a), Some(b)) if b > a)
                || (position(from).is_none() && position(to).is_some())
        }
        _ => false,
    };
    if !allowed {
        let to_name = match &target {
            Stage::Exited(_) => "exited".to_string(),
            other => other.name(programme),
        };
        return Err(vec![FieldError::new(
            "to",
            format!(
                "The young person is {}: they cannot move to {to_name}.",
                current.name(programme)
            ),
        )]);
    }
    let mut errors = Vec::new();
    let on = input.on.unwrap_or(today);
    if on > today {
        errors.push(FieldError::new("on", "The date cannot be in the future."));
    } else if on < since {
        errors.push(FieldError::new(
            "on",
            format!("The date cannot be before the last step ({since})."),
        ));
    }
    let mut target = target;
    if let Stage::Exited(_) = target {
        match input.outcome.and_then(ExitOutcome::parse) {
            Some(o) => target = Stage::Exited(o),
            None => errors.push(FieldError::new(
                "outcome",
                "Choose completed, disengaged or escalated-to-yot.",
            )),
        }
    }
    let reason = text("reason", input.reason, &mut errors);
    if matches!(target, Stage::Declined | Stage::Exited(_))
        && reason.is_none()
        && !errors.iter().any(|e| e.field == "reason")
    {
        errors.push(FieldError::new(
            "reason",
            if target == Stage::Declined {
                "Say why the referral is declined."
            } else {
                "Say why the young person is leaving the programme."
            },
        ));
    }
    let note = text("note", input.note, &mut errors);
    if errors.is_empty() {
        Ok(Step {
            to: target,
            on,
            reason,
            note,
        })
    } else {
        Err(errors)
    }
}

/// Checks a new programme stage against the list: a lower-case code of letters,
/// digits and hyphens that is neither a fixed stage nor already listed, and a name.
pub fn check_programme_stage(
    code: &str,
    name: &str,
    existing: &[ProgrammeStage],
) -> Result<ProgrammeStage, Vec<FieldError>> {
    let code = code.trim();
    let name = name.trim();
    let mut errors = Vec::new();
    if code.is_empty()
        || code.len() > 50
        || !code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        errors.push(FieldError::new(
            "code",
            "Use up to 50 lower-case letters, digits and hyphens.",
        ));
    } else if FIXED_CODES.contains(&code) || existing.iter().any(|p| p.code == code) {
        errors.push(FieldError::new("code", "That code is taken."));
    }
    if name.is_empty() || name.chars().count() > 200 {
        errors.push(FieldError::new(
            "name",
            "Give the stage a name of up to 200 characters.",
        ));
    }
    if errors.is_empty() {
        Ok(ProgrammeStage {
            code: code.into(),
            name: name.into(),
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn programme() -> Vec<ProgrammeStage> {
        [
            ("engagement", "Engagement"),
            ("one-to-one", "One-to-one work"),
            ("group-work", "Group work"),
        ]
        .into_iter()
        .map(|(code, name)| ProgrammeStage {
            code: code.into(),
            name: name.into(),
        })
        .collect()
    }

    fn step(current: &Stage, to: &str) -> Result<Step, Vec<FieldError>> {
        check_step(
            current,
            d(2012, 6, 1),
            &StepInput {
                to,
                on: Some(d(2012, 6, 10)),
                outcome: Some("completed"),
                reason: Some("recorded reason"),
                note: None,
            },
            &programme(),
            d(2012, 6, 30),
        )
    }

    fn every_stage() -> Vec<Stage> {
        vec![
            Stage::Referred,
            Stage::Screened,
            Stage::Assessed,
            Stage::PanelDecision,
            Stage::Accepted,
            Stage::Declined,
            Stage::Programme("engagement".into()),
            Stage::Programme("one-to-one".into()),
            Stage::Programme("group-work".into()),
            Stage::Exited(ExitOutcome::Completed),
        ]
    }

    const TARGETS: [&str; 10] = [
        "referred",
        "screened",
        "assessed",
        "panel-decision",
        "accepted",
        "declined",
        "engagement",
        "one-to-one",
        "group-work",
        "exited",
    ];

    /// Every stage to every stage: exactly these steps are allowed, everything else is
    /// refused naming where the young person is.
    #[test]
    fn every_step_allowed_and_refused() {
        let allowed: &[(&str, &str)] = &[
            ("referred", "screened"),
            ("screened", "assessed"),
            ("assessed", "panel-decision"),
            ("panel-decision", "accepted"),
            ("referred", "declined"),
            ("screened", "declined"),
            ("assessed", "declined"),
            ("panel-decision", "declined"),
            ("accepted", "engagement"),
            ("accepted", "one-to-one"),
            ("accepted", "group-work"),
            ("accepted", "exited"),
            ("engagement", "one-to-one"),
            ("engagement", "group-work"),
            ("one-to-one", "group-work"),
            ("engagement", "exited"),
            ("one-to-one", "exited"),
            ("group-work", "exited"),
        ];
        let label = |s: &Stage| match s {
            Stage::Programme(code) => code.clone(),
            other => other.code().to_string(),
        };
        let mut allowed_seen = 0;
        for from in every_stage() {
            for to in TARGETS {
                let ok = allowed.contains(&(label(&from).as_str(), to));
                match step(&from, to) {
                    Ok(s) => {
                        assert!(ok, "{} -> {to} should be refused", label(&from));
                        assert_eq!(s.on, d(2012, 6, 10));
                        allowed_seen += 1;
                    }
                    Err(e) => {
                        assert!(!ok, "{} -> {to} refused: {e:?}", label(&from));
                        assert_eq!(e[0].field, "to");
                        assert!(
                            e[0].message.starts_with(&format!(
                                "The young person is {}",
                                from.name(&programme())
                            )),
                            "{}",
                            e[0].message
                        );
                    }
                }
            }
        }
        assert_eq!(allowed_seen, allowed.len());
    }

    #[test]
    fn the_refusal_names_the_current_stage_in_words() {
        let e = step(&Stage::Programme("group-work".into()), "engagement").expect_err("back");
        assert_eq!(
            e[0].message,
            "The young person is at the programme stage \"Group work\": they cannot move to \
             at the programme stage \"Engagement\"."
        );
        let e = step(&Stage::Referred, "accepted").expect_err("skip");
        assert_eq!(
            e[0].message,
            "The young person is referred: they cannot move to accepted onto the programme."
        );
    }

    #[test]
    fn declining_and_exiting_need_a_reason_and_exiting_an_outcome() {
        let input = |to, outcome, reason| StepInput {
            to,
            on: None,
            outcome,
            reason,
            note: None,
        };
        let today = d(2012, 6, 30);
        let since = d(2012, 6, 1);
        let p = programme();
        let e = check_step(
            &Stage::PanelDecision,
            since,
            &input("declined", None, Some(" ")),
            &p,
            today,
        )
        .expect_err("no reason");
        assert_eq!(e[0].field, "reason");
        let e = check_step(
            &Stage::Accepted,
            since,
            &input("exited", None, None),
            &p,
            today,
        )
        .expect_err("no outcome or reason");
        assert_eq!(
            e.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            ["outcome", "reason"]
        );
        let e = check_step(
            &Stage::Accepted,
            since,
            &input("exited", Some("graduated"), Some("x")),
            &p,
            today,
        )
        .expect_err("bad outcome");
        assert_eq!(e[0].field, "outcome");
        let s = check_step(
            &Stage::Programme("one-to-one".into()),
            since,
            &input(
                "exited",
                Some("escalated-to-yot"),
                Some("Arrested for burglary"),
            ),
            &p,
            today,
        )
        .expect("exit");
        assert_eq!(s.to, Stage::Exited(ExitOutcome::EscalatedToYot));
        assert_eq!(s.on, today, "the date defaults to today");
        assert_eq!(s.reason.as_deref(), Some("Arrested for burglary"));
        // Other steps need no reason.
        assert!(
            check_step(
                &Stage::Referred,
                since,
                &input("screened", None, None),
                &p,
                today
            )
            .is_ok()
        );
    }

    #[test]
    fn a_step_is_dated_from_the_last_step_to_today() {
        let p = programme();
        let at = |on| {
            check_step(
                &Stage::Referred,
                d(2012, 6, 1),
                &StepInput {
                    to: "screened",
                    on: Some(on),
                    ..StepInput::default()
                },
                &p,
                d(2012, 6, 30),
            )
        };
        assert!(at(d(2012, 6, 1)).is_ok());
        assert!(at(d(2012, 6, 30)).is_ok());
        assert_eq!(at(d(2012, 5, 31)).expect_err("before")[0].field, "on");
        assert_eq!(at(d(2012, 7, 1)).expect_err("future")[0].field, "on");
    }

    #[test]
    fn an_unknown_stage_names_the_field() {
        let e = step(&Stage::Accepted, "graduation").expect_err("unknown");
        assert_eq!(e[0].field, "to");
        assert!(e[0].message.contains("engagement, one-to-one, group-work"));
    }

    #[test]
    fn a_young_person_at_a_removed_programme_stage_may_move_on() {
        let s = step(&Stage::Programme("old-stage".into()), "engagement").expect("onwards");
        assert_eq!(s.to, Stage::Programme("engagement".into()));
    }

    #[test]
    fn stages_are_stored_and_read_back() {
        for stage in every_stage() {
            let read = Stage::from_stored(
                stage.code(),
                stage.programme_stage(),
                stage.exit_outcome().map(ExitOutcome::as_str),
            );
            assert_eq!(read, Some(stage));
        }
        assert_eq!(Stage::from_stored("programme", None, None), None);
        assert!(
            Stage::Assessed.awaits_panel_decision() && Stage::PanelDecision.awaits_panel_decision()
        );
        assert!(
            !Stage::Screened.awaits_panel_decision() && !Stage::Accepted.awaits_panel_decision()
        );
        assert!(Stage::Declined.is_final() && !Stage::Accepted.is_final());
    }

    #[test]
    fn programme_stage_codes_are_new_and_well_formed() {
        let p = programme();
        assert!(check_programme_stage("review", "Review", &p).is_ok());
        for bad in ["", "Review", "accepted", "engagement", "a b"] {
            assert_eq!(
                check_programme_stage(bad, "Name", &p).expect_err(bad)[0].field,
                "code"
            );
        }
        assert_eq!(
            check_programme_stage("review", " ", &p).expect_err("name")[0].field,
            "name"
        );
    }
}
