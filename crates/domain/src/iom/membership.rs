//! Cohort membership: selected by the IOM panel on a date, in a stream and a tier, with
//! a lead offender manager and police and probation leads; the tier may change (the
//! history is kept); later de-selected with a date and reason. Re-selection starts a
//! new membership, so a person's memberships never overlap.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::text;
use crate::FieldError;

/// How closely the member is managed: fixed (statutory, supervised), flex (selected
/// locally for a time) or free (voluntary engagement).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stream {
    Fixed,
    Flex,
    Free,
}

impl Stream {
    pub const ALL: [Stream; 3] = [Stream::Fixed, Stream::Flex, Stream::Free];

    pub fn as_str(self) -> &'static str {
        match self {
            Stream::Fixed => "fixed",
            Stream::Flex => "flex",
            Stream::Free => "free",
        }
    }

    pub fn parse(text: &str) -> Option<Stream> {
        Stream::ALL.into_iter().find(|s| s.as_str() == text.trim())
    }

    pub fn name(self) -> &'static str {
        match self {
            Stream::Fixed => "Fixed",
            Stream::Flex => "Flex",
            Stream::Free => "Free",
        }
    }
}

/// The panel's view of the member's risk and priority: red is the most intensive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    Red,
    Amber,
    Green,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Red, Tier::Amber, Tier::Green];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Red => "red",
            Tier::Amber => "amber",
            Tier::Green => "green",
        }
    }

    pub fn parse(text: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.as_str() == text.trim())
    }

    pub fn name(self) -> &'static str {
        match self {
            Tier::Red => "Red",
            Tier::Amber => "Amber",
            Tier::Green => "Green",
        }
    }
}

/// A change of tier on a day, with the panel's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierChange {
    pub on: NaiveDate,
    pub tier: Tier,
    pub reason: Option<String>,
}

/// A de-selection: the day and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deselection {
    pub on: NaiveDate,
    pub reason: String,
}

/// One membership as the rules need it: entry, the tier history (first entry is the
/// tier at selection) and the de-selection if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub entered_on: NaiveDate,
    pub stream: Stream,
    pub tiers: Vec<TierChange>,
    pub deselected: Option<Deselection>,
}

impl Membership {
    pub fn is_active(&self) -> bool {
        self.deselected.is_none()
    }

    /// The tier at the end of `day` (the latest change on or before it); `None` before
    /// entry or after de-selection.
    pub fn tier_on(&self, day: NaiveDate) -> Option<Tier> {
        if day < self.entered_on || self.deselected.as_ref().is_some_and(|d| day > d.on) {
            return None;
        }
        self.tiers
            .iter()
            .filter(|c| c.on <= day)
            .max_by_key(|c| c.on)
            .map(|c| c.tier)
    }

    /// The tier at selection, by which the measures group members.
    pub fn entry_tier(&self) -> Option<Tier> {
        self.tiers.first().map(|c| c.tier)
    }

    /// The tier now (the last change recorded).
    pub fn current_tier(&self) -> Option<Tier> {
        self.tiers.last().map(|c| c.tier)
    }
}

/// A selection as entered on a form or in JSON, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct MembershipInput<'a> {
    pub entered_on: Option<NaiveDate>,
    pub stream: &'a str,
    pub tier: &'a str,
    pub reason: Option<&'a str>,
}

/// Checks a selection against the person's earlier memberships: one membership at a
/// time, and a re-selection starts after the last de-selection (on the day after at
/// the earliest, so no day belongs to two memberships).
pub fn check_selection(
    input: &MembershipInput<'_>,
    earlier: &[Membership],
    today: NaiveDate,
) -> Result<(Membership, Option<String>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let stream = Stream::parse(input.stream);
    if stream.is_none() {
        errors.push(FieldError::new("stream", "Choose fixed, flex or free."));
    }
    let tier = Tier::parse(input.tier);
    if tier.is_none() {
        errors.push(FieldError::new("tier", "Choose red, amber or green."));
    }
    match input.entered_on {
        None => errors.push(FieldError::new(
            "entered_on",
            "Enter the date the panel selected them.",
        )),
        Some(day) if day > today => errors.push(FieldError::new(
            "entered_on",
            "The date of selection cannot be in the future.",
        )),
        Some(day) => {
            if earlier.iter().any(Membership::is_active) {
                errors.push(FieldError::new(
                    "person_id",
                    "They are already in the cohort; de-select them before selecting them again.",
                ));
            } else if let Some(last) = earlier
                .iter()
                .filter_map(|m| m.deselected.as_ref().map(|d| d.on))
                .max()
                && day <= last
            {
                errors.push(FieldError::new(
                    "entered_on",
                    "A new membership must start after the last de-selection.",
                ));
            }
        }
    }
    match (input.entered_on, stream, tier, errors.is_empty()) {
        (Some(on), Some(stream), Some(tier), true) => Ok((
            Membership {
                entered_on: on,
                stream,
                tiers: vec![TierChange {
                    on,
                    tier,
                    reason: None,
                }],
                deselected: None,
            },
            text(input.reason),
        )),
        _ => Err(errors),
    }
}

/// Checks a change of tier: only for an active member, to a different tier, on a day
/// from the last change to today.
pub fn check_tier_change(
    membership: &Membership,
    tier: &str,
    on: NaiveDate,
    reason: Option<&str>,
    today: NaiveDate,
) -> Result<TierChange, Vec<FieldError>> {
    let mut errors = Vec::new();
    if !membership.is_active() {
        errors.push(FieldError::new(
            "tier",
            "They have been de-selected; select them again to set a tier.",
        ));
    }
    let parsed = Tier::parse(tier);
    match parsed {
        None => errors.push(FieldError::new("tier", "Choose red, amber or green.")),
        Some(t) if Some(t) == membership.current_tier() => errors.push(FieldError::new(
            "tier",
            format!("They are already in the {} tier.", t.as_str()),
        )),
        Some(_) => {}
    }
    let last = membership
        .tiers
        .last()
        .map_or(membership.entered_on, |c| c.on);
    if on < last || on > today {
        errors.push(FieldError::new(
            "on",
            "The change must fall between the last change of tier and today.",
        ));
    }
    match (parsed, errors.is_empty()) {
        (Some(tier), true) => Ok(TierChange {
            on,
            tier,
            reason: text(reason),
        }),
        _ => Err(errors),
    }
}

/// Checks a de-selection: an active member, a day from entry to today, and a reason.
pub fn check_deselection(
    membership: &Membership,
    on: Option<NaiveDate>,
    reason: Option<&str>,
    today: NaiveDate,
) -> Result<Deselection, Vec<FieldError>> {
    let mut errors = Vec::new();
    if !membership.is_active() {
        errors.push(FieldError::new("on", "They have already been de-selected."));
    }
    match on {
        None => errors.push(FieldError::new("on", "Enter the date of de-selection.")),
        Some(day) if day < membership.entered_on || day > today => errors.push(FieldError::new(
            "on",
            "The date must fall between selection and today.",
        )),
        Some(_) => {}
    }
    let reason = text(reason);
    if reason.is_none() {
        errors.push(FieldError::new(
            "reason",
            "Enter the reason for de-selection.",
        ));
    }
    match (on, reason, errors.is_empty()) {
        (Some(on), Some(reason), true) => Ok(Deselection { on, reason }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_dates::d;
    use super::*;

    fn input(on: NaiveDate) -> MembershipInput<'static> {
        MembershipInput {
            entered_on: Some(on),
            stream: "fixed",
            tier: "red",
            reason: Some(" prolific acquisitive "),
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_selection_starts_the_tier_history() {
        let (m, reason) =
            check_selection(&input(d(2012, 6, 1)), &[], d(2012, 6, 1)).expect("valid");
        assert_eq!(m.entry_tier(), Some(Tier::Red));
        assert_eq!(m.tier_on(d(2012, 5, 31)), None);
        assert_eq!(m.tier_on(d(2012, 6, 1)), Some(Tier::Red));
        assert_eq!(reason.as_deref(), Some("prolific acquisitive"));
    }

    #[test]
    fn bad_selection_names_each_field() {
        let bad = MembershipInput {
            entered_on: Some(d(2012, 6, 2)),
            stream: "loose",
            tier: "blue",
            reason: None,
        };
        let errors = check_selection(&bad, &[], d(2012, 6, 1)).expect_err("invalid");
        assert_eq!(fields(&errors), ["stream", "tier", "entered_on"]);
        let none = MembershipInput::default();
        assert!(
            fields(&check_selection(&none, &[], d(2012, 6, 1)).expect_err("x"))
                .contains(&"entered_on")
        );
    }

    #[test]
    fn one_membership_at_a_time_and_reselection_starts_after_deselection() {
        let today = d(2013, 1, 1);
        let (mut first, _) = check_selection(&input(d(2012, 1, 10)), &[], today).expect("ok");
        let again = check_selection(&input(d(2012, 3, 1)), std::slice::from_ref(&first), today)
            .expect_err("already a member");
        assert_eq!(fields(&again), ["person_id"]);

        first.deselected = Some(
            check_deselection(&first, Some(d(2012, 3, 1)), Some("custody"), today).expect("ok"),
        );
        // The de-selection day still belongs to the first membership.
        let same_day = check_selection(&input(d(2012, 3, 1)), std::slice::from_ref(&first), today)
            .expect_err("overlap");
        assert_eq!(fields(&same_day), ["entered_on"]);
        let (second, _) =
            check_selection(&input(d(2012, 3, 2)), std::slice::from_ref(&first), today)
                .expect("a new membership");
        assert_eq!(second.entered_on, d(2012, 3, 2));
        assert!(second.is_active());
        assert_eq!(first.tier_on(d(2012, 3, 2)), None);
    }

    #[test]
    fn tier_changes_keep_history_and_refuse_the_impossible() {
        let today = d(2012, 12, 31);
        let (mut m, _) = check_selection(&input(d(2012, 6, 1)), &[], today).expect("ok");
        let change =
            check_tier_change(&m, "amber", d(2012, 8, 1), Some("engaging"), today).expect("valid");
        m.tiers.push(change);
        assert_eq!(m.tier_on(d(2012, 7, 31)), Some(Tier::Red));
        assert_eq!(m.tier_on(d(2012, 8, 1)), Some(Tier::Amber));
        assert_eq!(m.entry_tier(), Some(Tier::Red));
        assert_eq!(m.current_tier(), Some(Tier::Amber));

        let same = check_tier_change(&m, "amber", d(2012, 9, 1), None, today).expect_err("same");
        assert_eq!(fields(&same), ["tier"]);
        let backdated =
            check_tier_change(&m, "green", d(2012, 7, 31), None, today).expect_err("before");
        assert_eq!(fields(&backdated), ["on"]);
        let future = check_tier_change(&m, "green", d(2013, 1, 1), None, today).expect_err("after");
        assert_eq!(fields(&future), ["on"]);
        assert!(check_tier_change(&m, "green", d(2012, 8, 1), None, today).is_ok());
    }

    #[test]
    fn deselection_needs_a_day_in_the_membership_and_a_reason() {
        let today = d(2012, 12, 31);
        let (mut m, _) = check_selection(&input(d(2012, 6, 1)), &[], today).expect("ok");
        let errors =
            check_deselection(&m, Some(d(2012, 5, 31)), Some(" "), today).expect_err("invalid");
        assert_eq!(fields(&errors), ["on", "reason"]);
        assert!(check_deselection(&m, Some(d(2013, 1, 1)), Some("moved"), today).is_err());
        let out = check_deselection(&m, Some(d(2012, 6, 1)), Some("moved away"), today)
            .expect("entry day is allowed");
        m.deselected = Some(out);
        assert_eq!(m.tier_on(d(2012, 6, 1)), Some(Tier::Red));
        assert_eq!(m.tier_on(d(2012, 6, 2)), None);
        assert!(check_deselection(&m, Some(d(2012, 7, 1)), Some("again"), today).is_err());
        assert!(check_tier_change(&m, "green", d(2012, 7, 1), None, today).is_err());
    }
}
