//! The day-to-day work on a case of any kind: notes, the date it is next reviewed, the
//! reason given when a record on it is corrected, and why it is linked to a plan aim
//! by hand (and why a case may have no such link to take back).

use chrono::NaiveDate;

use crate::FieldError;

/// The longest note kept: a page of text.
pub const MAX_NOTE: usize = 4000;

/// A note as the officer wrote it, trimmed; refused when empty or too long.
pub fn parse_note(text: &str) -> Result<String, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldError::new("text", "Write the note."));
    }
    let length = text.chars().count();
    if length > MAX_NOTE {
        return Err(FieldError::new(
            "text",
            format!("Use at most {MAX_NOTE} characters (this note has {length})."),
        ));
    }
    Ok(text.to_string())
}

/// The longest reason kept for a correction.
pub const MAX_REASON: usize = 2000;

/// Why a record is being corrected (an incident moved or removed): required, because
/// the audit log keeps it in place of the record.
pub fn parse_correction_reason(text: &str) -> Result<String, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldError::new("reason", "Say why it is being corrected."));
    }
    if text.chars().count() > MAX_REASON {
        return Err(FieldError::new(
            "reason",
            format!("Use at most {MAX_REASON} characters."),
        ));
    }
    Ok(text.to_string())
}

/// Why a case serves a plan aim that its rules do not see, when an officer links it by
/// hand: required, because the link counts the case in the partnership's figures.
pub fn parse_aim_link_reason(text: &str) -> Result<String, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldError::new(
            "reason",
            "Say why the case serves this aim.",
        ));
    }
    if text.chars().count() > MAX_REASON {
        return Err(FieldError::new(
            "reason",
            format!("Use at most {MAX_REASON} characters."),
        ));
    }
    Ok(text.to_string())
}

/// Why there is no link to take back when an officer asks to remove a case's hand link
/// to an aim. Only a link made by hand can be removed (its reason is a correction's,
/// `parse_correction_reason`): a case the plan's rules count serves the aim for as
/// long as the rule holds, worked out when asked and never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoHandLink {
    /// The plan's rules count the case: a conflict, not a missing link.
    ServesByRule,
    /// The case does not serve the aim at all.
    NotLinked,
}

impl NoHandLink {
    /// For a case with no hand link to the aim: whether the plan's rules count it.
    pub fn of(serves_by_rule: bool) -> Self {
        if serves_by_rule {
            NoHandLink::ServesByRule
        } else {
            NoHandLink::NotLinked
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            NoHandLink::ServesByRule => {
                "The case serves this aim by the plan's rules, not by a link made by hand, \
                 so there is no link to remove: it stops counting when the rule no longer \
                 holds."
            }
            NoHandLink::NotLinked => "The case is not linked to this aim by hand.",
        }
    }
}

/// A review date is set for today or later: a date already past would put the case
/// straight onto every overdue list. Clearing it (`None`) is always allowed.
pub fn check_review_date(date: Option<NaiveDate>, today: NaiveDate) -> Result<(), FieldError> {
    match date {
        Some(date) if date < today => Err(FieldError::new(
            "review_date",
            "Choose today or a later date.",
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn notes_are_trimmed_and_must_say_something() {
        assert_eq!(parse_note("  Visited.  ").as_deref(), Ok("Visited."));
        assert_eq!(
            parse_note("   ").map_err(|e| e.field),
            Err("text".to_string())
        );
    }

    #[test]
    fn a_note_may_be_a_page_long_and_no_longer() {
        assert!(parse_note(&"é".repeat(MAX_NOTE)).is_ok());
        let err = parse_note(&"a".repeat(MAX_NOTE + 1)).expect_err("too long");
        assert!(err.message.contains("4001"), "{}", err.message);
    }

    #[test]
    fn a_correction_needs_its_reason() {
        assert_eq!(
            parse_correction_reason(" Logged on the wrong case ").as_deref(),
            Ok("Logged on the wrong case")
        );
        assert_eq!(
            parse_correction_reason("").map_err(|e| e.field),
            Err("reason".into())
        );
        assert!(parse_correction_reason(&"a".repeat(MAX_REASON)).is_ok());
        assert!(parse_correction_reason(&"a".repeat(MAX_REASON + 1)).is_err());
    }

    #[test]
    fn a_link_to_an_aim_by_hand_needs_its_reason() {
        assert_eq!(
            parse_aim_link_reason(" Street drinking by the young people named ").as_deref(),
            Ok("Street drinking by the young people named")
        );
        assert_eq!(
            parse_aim_link_reason("  ").map_err(|e| e.field),
            Err("reason".into())
        );
        assert!(parse_aim_link_reason(&"a".repeat(MAX_REASON)).is_ok());
        assert!(parse_aim_link_reason(&"a".repeat(MAX_REASON + 1)).is_err());
    }

    #[test]
    fn only_a_hand_link_is_taken_back() {
        assert_eq!(NoHandLink::of(true), NoHandLink::ServesByRule);
        assert_eq!(NoHandLink::of(false), NoHandLink::NotLinked);
        assert!(NoHandLink::ServesByRule.message().contains("plan's rules"));
    }

    #[test]
    fn review_dates_are_today_or_later() {
        let today = d(2012, 6, 1);
        assert!(check_review_date(Some(today), today).is_ok());
        assert!(check_review_date(Some(d(2012, 9, 1)), today).is_ok());
        assert!(check_review_date(None, today).is_ok());
        let err = check_review_date(Some(d(2012, 5, 31)), today).expect_err("past");
        assert_eq!(err.field, "review_date");
    }
}
