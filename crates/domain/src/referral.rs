//! Referrals between agencies: one mechanism for every module. A referral goes from an
//! agency to an agency or to a panel (MARAC, the IOM panel, the Prevent & Deter panel,
//! LMAPS), about a person and optionally a case, with a reason and either the person's
//! consent or a written justification for sharing without it (Crime and Disorder Act
//! 1998 s.115 is a power to share, not a duty).
//!
//! Status: in progress → accepted / rejected (reason) / withdrawn; accepted → done
//! (successful or not, with a reason from a list). Rejected, withdrawn and done are
//! final. The receiving side decides; the referring side may withdraw.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::asb::working_days::add_working_days;

/// The longest free text kept for a reason or justification.
pub const MAX_TEXT: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    InProgress,
    Accepted,
    Rejected,
    Withdrawn,
    Done,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::InProgress,
        Status::Accepted,
        Status::Rejected,
        Status::Withdrawn,
        Status::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::InProgress => "in-progress",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
            Status::Withdrawn => "withdrawn",
            Status::Done => "done",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text.trim())
    }

    /// In the partnership's words, for messages and pages.
    pub fn name(self) -> &'static str {
        match self {
            Status::InProgress => "in progress",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
            Status::Withdrawn => "withdrawn",
            Status::Done => "done",
        }
    }

    /// Still waiting for the receiving side's answer.
    pub fn awaits_decision(self) -> bool {
        self == Status::InProgress
    }
}

/// A panel that receives referrals. Each panel's inbox is held by its coordinating
/// agency (see [`Panel::inbox_agency`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Panel {
    Marac,
    IomPanel,
    PreventDeterPanel,
    Lmaps,
}

impl Panel {
    pub const ALL: [Panel; 4] = [
        Panel::Marac,
        Panel::IomPanel,
        Panel::PreventDeterPanel,
        Panel::Lmaps,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Panel::Marac => "marac",
            Panel::IomPanel => "iom-panel",
            Panel::PreventDeterPanel => "prevent-deter-panel",
            Panel::Lmaps => "lmaps",
        }
    }

    pub fn parse(text: &str) -> Option<Panel> {
        Panel::ALL.into_iter().find(|p| p.as_str() == text.trim())
    }

    pub fn name(self) -> &'static str {
        match self {
            Panel::Marac => "MARAC",
            Panel::IomPanel => "IOM panel",
            Panel::PreventDeterPanel => "Prevent & Deter panel",
            Panel::Lmaps => "LMAPS",
        }
    }

    /// The agency that holds the panel's inbox, decides on its referrals and, on
    /// accepting, is given the case to prepare it for the panel. A panel is not an
    /// agency and has no officers of its own: its coordinator does this work. MARAC is
    /// coordinated by the police; the IOM panel by the IOM team; the Prevent & Deter
    /// panel by the Prevent & Deter team; LMAPS meetings are held per district and
    /// coordinated by that district's borough council.
    pub fn inbox_agency(self, district: &str) -> &'static str {
        match self {
            Panel::Marac => "cumbria-constabulary",
            Panel::IomPanel => "iom-team",
            Panel::PreventDeterPanel => "prevent-deter",
            Panel::Lmaps if district == "allerdale" => "allerdale-bc",
            Panel::Lmaps => "copeland-bc",
        }
    }
}

/// How a done referral ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DoneReason {
    /// Successful: the need referred for was met.
    NeedMet,
    /// Successful: the risk was reduced.
    RiskReduced,
    /// Not successful: the person declined the service.
    DeclinedByPerson,
    /// Not successful: contact with the person was lost.
    LostContact,
    /// Not successful: the person moved out of the area.
    MovedAway,
    /// Not successful: the service could not help after all.
    NotEligible,
}

impl DoneReason {
    pub const ALL: [DoneReason; 6] = [
        DoneReason::NeedMet,
        DoneReason::RiskReduced,
        DoneReason::DeclinedByPerson,
        DoneReason::LostContact,
        DoneReason::MovedAway,
        DoneReason::NotEligible,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DoneReason::NeedMet => "need-met",
            DoneReason::RiskReduced => "risk-reduced",
            DoneReason::DeclinedByPerson => "declined-by-person",
            DoneReason::LostContact => "lost-contact",
            DoneReason::MovedAway => "moved-away",
            DoneReason::NotEligible => "not-eligible",
        }
    }

    pub fn parse(text: &str) -> Option<DoneReason> {
        DoneReason::ALL
            .into_iter()
            .find(|r| r.as_str() == text.trim())
    }

    pub fn name(self) -> &'static str {
        match self {
            DoneReason::NeedMet => "The need referred for was met",
            DoneReason::RiskReduced => "The risk was reduced",
            DoneReason::DeclinedByPerson => "The person declined the service",
            DoneReason::LostContact => "Contact was lost",
            DoneReason::MovedAway => "The person moved away",
            DoneReason::NotEligible => "The service could not help",
        }
    }

    /// Whether a referral that ended this way counts as successful.
    pub fn successful(self) -> bool {
        matches!(self, DoneReason::NeedMet | DoneReason::RiskReduced)
    }
}

/// Where a referral goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Agency(String),
    Panel(Panel),
}

/// A new referral as entered, before it is checked. Agency codes are checked against
/// the stored agencies by the caller, who passes the known codes.
#[derive(Debug, Clone, Default)]
pub struct ReferralInput<'a> {
    pub to_agency: Option<&'a str>,
    pub to_panel: Option<&'a str>,
    pub reason: &'a str,
    pub consent: Option<bool>,
    pub consent_override_reason: Option<&'a str>,
}

/// A referral that has passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedReferral {
    pub destination: Destination,
    pub reason: String,
    pub consent: bool,
    /// Present exactly when `consent` is false.
    pub consent_override_reason: Option<String>,
}

fn trimmed(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|t| !t.is_empty())
}

fn text_field(
    field: &str,
    value: Option<&str>,
    missing: &str,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    match trimmed(value) {
        None => {
            errors.push(FieldError::new(field, missing));
            None
        }
        Some(t) if t.chars().count() > MAX_TEXT => {
            errors.push(FieldError::new(
                field,
                format!("Use at most {MAX_TEXT} characters."),
            ));
            None
        }
        Some(t) => Some(t.to_string()),
    }
}

/// Checks a new referral from `from_agency`, naming every bad field at once:
/// exactly one of an agency or a panel; not to your own agency; a reason; consent, or
/// without it a written justification for sharing.
pub fn check_referral(
    input: &ReferralInput<'_>,
    from_agency: &str,
    known_agencies: &[&str],
) -> Result<CheckedReferral, Vec<FieldError>> {
    let mut errors = Vec::new();
    let destination = match (trimmed(input.to_agency), trimmed(input.to_panel)) {
        (Some(_), Some(_)) => {
            errors.push(FieldError::new(
                "to_agency",
                "Refer to an agency or to a panel, not both.",
            ));
            None
        }
        (None, None) => {
            errors.push(FieldError::new(
                "to_agency",
                "Choose the agency or panel to refer to.",
            ));
            None
        }
        (Some(agency), None) if !known_agencies.contains(&agency) => {
            errors.push(FieldError::new(
                "to_agency",
                "Choose one of the partnership's agencies.",
            ));
            None
        }
        (Some(agency), None) if agency == from_agency => {
            errors.push(FieldError::new(
                "to_agency",
                "A referral goes to another agency, not your own.",
            ));
            None
        }
        (Some(agency), None) => Some(Destination::Agency(agency.to_string())),
        (None, Some(panel)) => match Panel::parse(panel) {
            Some(p) => Some(Destination::Panel(p)),
            None => {
                errors.push(FieldError::new(
                    "to_panel",
                    "Choose marac, iom-panel, prevent-deter-panel or lmaps.",
                ));
                None
            }
        },
    };
    let reason = text_field(
        "reason",
        Some(input.reason),
        "Say why you are making the referral.",
        &mut errors,
    );
    let override_reason = match input.consent {
        None => {
            errors.push(FieldError::new(
                "consent",
                "Say whether the person consented to the referral.",
            ));
            None
        }
        Some(true) => None,
        Some(false) => text_field(
            "consent_override_reason",
            input.consent_override_reason,
            "Without the person's consent, record why sharing is justified.",
            &mut errors,
        ),
    };
    match (destination, reason, input.consent, errors.is_empty()) {
        (Some(destination), Some(reason), Some(consent), true) => Ok(CheckedReferral {
            destination,
            reason,
            consent,
            consent_override_reason: override_reason,
        }),
        _ => Err(errors),
    }
}

/// Which side of a referral an agency is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The agency that made the referral.
    Referrer,
    /// The agency whose inbox it is in (the agency referred to, or a panel's
    /// coordinator).
    Receiver,
}

/// Which side `agency` is on, or `None` when it is neither (the referral is then
/// answered as if it did not exist).
pub fn side_of(agency: &str, from_agency: &str, inbox_agency: &str) -> Option<Side> {
    if agency == inbox_agency {
        Some(Side::Receiver)
    } else if agency == from_agency {
        Some(Side::Referrer)
    } else {
        None
    }
}

/// A step asked for: the status to move to, with its reason (and for `done`, a
/// reason from [`DoneReason`]).
#[derive(Debug, Clone, Default)]
pub struct TransitionInput<'a> {
    pub to: &'a str,
    pub reason: Option<&'a str>,
}

/// A step that may be taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub from: Status,
    pub to: Status,
    /// The reason for a rejection or withdrawal (free text), or the code of a
    /// [`DoneReason`].
    pub reason: Option<String>,
    pub done_reason: Option<DoneReason>,
}

/// Why a step was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Bad input (422), naming each field.
    Fields(Vec<FieldError>),
    /// The side asking may not take this step (403).
    NotYourSide(String),
}

/// Checks a step from `current`, taken by `side`: the receiving side accepts,
/// rejects (with a reason) and records the referral done (with a reason from the
/// list); the referring side withdraws. An impossible step names the current status.
pub fn check_transition(
    current: Status,
    side: Side,
    input: &TransitionInput<'_>,
) -> Result<Transition, Refusal> {
    let Some(to) = Status::parse(input.to) else {
        return Err(Refusal::Fields(vec![FieldError::new(
            "to",
            "Choose accepted, rejected, withdrawn or done.",
        )]));
    };
    let allowed = matches!(
        (current, to),
        (
            Status::InProgress,
            Status::Accepted | Status::Rejected | Status::Withdrawn
        ) | (Status::Accepted, Status::Done)
    );
    if !allowed {
        return Err(Refusal::Fields(vec![FieldError::new(
            "to",
            format!(
                "The referral is {}: it cannot be made {} now.",
                current.name(),
                to.name()
            ),
        )]));
    }
    let wanted_side = if to == Status::Withdrawn {
        Side::Referrer
    } else {
        Side::Receiver
    };
    if side != wanted_side {
        return Err(Refusal::NotYourSide(match wanted_side {
            Side::Referrer => "Only the agency that made a referral may withdraw it.".into(),
            Side::Receiver => format!(
                "Only the agency the referral was made to may make it {}.",
                to.name()
            ),
        }));
    }
    let mut errors = Vec::new();
    let (reason, done_reason) = match to {
        Status::Rejected => (
            text_field(
                "reason",
                input.reason,
                "Say why the referral is rejected.",
                &mut errors,
            ),
            None,
        ),
        Status::Done => match trimmed(input.reason).map(DoneReason::parse) {
            Some(Some(r)) => (Some(r.as_str().to_string()), Some(r)),
            _ => {
                errors.push(FieldError::new(
                    "reason",
                    format!(
                        "Choose how it ended: {}.",
                        DoneReason::ALL.map(DoneReason::as_str).join(", ")
                    ),
                ));
                (None, None)
            }
        },
        _ => match trimmed(input.reason) {
            Some(t) if t.chars().count() > MAX_TEXT => {
                errors.push(FieldError::new(
                    "reason",
                    format!("Use at most {MAX_TEXT} characters."),
                ));
                (None, None)
            }
            other => (other.map(str::to_string), None),
        },
    };
    if errors.is_empty() {
        Ok(Transition {
            from: current,
            to,
            reason,
            done_reason,
        })
    } else {
        Err(Refusal::Fields(errors))
    }
}

/// The day by which the receiving side should answer: `working_days` working days
/// (bank holidays excluded) after the referral was made *(setting
/// `referrals.decision-working-days`)*.
pub fn decision_due(referred_on: NaiveDate, working_days: i64) -> NaiveDate {
    add_working_days(
        referred_on,
        u32::try_from(working_days.max(0)).unwrap_or(u32::MAX),
    )
}

/// A referral still in progress after its decision day is overdue.
pub fn decision_overdue(
    status: Status,
    referred_on: NaiveDate,
    working_days: i64,
    today: NaiveDate,
) -> bool {
    status.awaits_decision() && today > decision_due(referred_on, working_days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    const AGENCIES: &[&str] = &["cumbria-constabulary", "derwent-solway-ha", "copeland-bc"];

    fn input<'a>() -> ReferralInput<'a> {
        ReferralInput {
            to_agency: Some("derwent-solway-ha"),
            to_panel: None,
            reason: "Tenancy at risk after repeated ASB",
            consent: Some(true),
            consent_override_reason: None,
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_referral_with_consent_goes_to_another_agency() {
        let r = check_referral(&input(), "cumbria-constabulary", AGENCIES).expect("valid");
        assert_eq!(
            r.destination,
            Destination::Agency("derwent-solway-ha".into())
        );
        assert!(r.consent);
        assert_eq!(r.consent_override_reason, None);
    }

    #[test]
    fn without_consent_a_justification_is_needed() {
        let mut i = input();
        i.consent = Some(false);
        let errors = check_referral(&i, "cumbria-constabulary", AGENCIES).expect_err("refused");
        assert_eq!(fields(&errors), ["consent_override_reason"]);
        i.consent_override_reason = Some("   ");
        assert!(check_referral(&i, "cumbria-constabulary", AGENCIES).is_err());
        i.consent_override_reason = Some("Risk of serious harm to a child (s.115 CDA 1998)");
        let r = check_referral(&i, "cumbria-constabulary", AGENCIES).expect("justified");
        assert!(!r.consent);
        assert_eq!(
            r.consent_override_reason.as_deref(),
            Some("Risk of serious harm to a child (s.115 CDA 1998)")
        );
        let long = "x".repeat(MAX_TEXT + 1);
        i.consent_override_reason = Some(&long);
        assert!(check_referral(&i, "cumbria-constabulary", AGENCIES).is_err());
    }

    #[test]
    fn consent_must_be_answered() {
        let mut i = input();
        i.consent = None;
        let errors = check_referral(&i, "cumbria-constabulary", AGENCIES).expect_err("refused");
        assert_eq!(fields(&errors), ["consent"]);
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let i = ReferralInput {
            to_agency: Some("nowhere"),
            to_panel: None,
            reason: " ",
            consent: Some(false),
            consent_override_reason: None,
        };
        let errors = check_referral(&i, "cumbria-constabulary", AGENCIES).expect_err("refused");
        assert_eq!(
            fields(&errors),
            ["to_agency", "reason", "consent_override_reason"]
        );
    }

    #[test]
    fn the_destination_is_one_agency_or_one_panel() {
        let mut i = input();
        i.to_panel = Some("marac");
        assert_eq!(
            fields(&check_referral(&i, "cumbria-constabulary", AGENCIES).expect_err("both")),
            ["to_agency"]
        );
        i.to_agency = None;
        let r = check_referral(&i, "cumbria-constabulary", AGENCIES).expect("panel");
        assert_eq!(r.destination, Destination::Panel(Panel::Marac));
        i.to_panel = Some("the-pub");
        assert_eq!(
            fields(&check_referral(&i, "cumbria-constabulary", AGENCIES).expect_err("panel")),
            ["to_panel"]
        );
        i.to_panel = None;
        assert_eq!(
            fields(&check_referral(&i, "cumbria-constabulary", AGENCIES).expect_err("none")),
            ["to_agency"]
        );
        let own = check_referral(&input(), "derwent-solway-ha", AGENCIES).expect_err("own");
        assert_eq!(fields(&own), ["to_agency"]);
    }

    #[test]
    fn each_panel_has_a_coordinating_agency() {
        assert_eq!(
            Panel::Marac.inbox_agency("copeland"),
            "cumbria-constabulary"
        );
        assert_eq!(Panel::IomPanel.inbox_agency("copeland"), "iom-team");
        assert_eq!(
            Panel::PreventDeterPanel.inbox_agency("allerdale"),
            "prevent-deter"
        );
        assert_eq!(Panel::Lmaps.inbox_agency("allerdale"), "allerdale-bc");
        assert_eq!(Panel::Lmaps.inbox_agency("copeland"), "copeland-bc");
        for p in Panel::ALL {
            assert_eq!(Panel::parse(p.as_str()), Some(p));
        }
    }

    #[test]
    fn the_sides_of_a_referral() {
        assert_eq!(
            side_of("copeland-bc", "cumbria-constabulary", "copeland-bc"),
            Some(Side::Receiver)
        );
        assert_eq!(
            side_of(
                "cumbria-constabulary",
                "cumbria-constabulary",
                "copeland-bc"
            ),
            Some(Side::Referrer)
        );
        assert_eq!(
            side_of("impact-ha", "cumbria-constabulary", "copeland-bc"),
            None
        );
    }

    fn step(
        current: Status,
        side: Side,
        to: &str,
        reason: Option<&str>,
    ) -> Result<Transition, Refusal> {
        check_transition(current, side, &TransitionInput { to, reason })
    }

    /// Every status to every status: the allowed steps, each by its side and with the
    /// reason it needs, and every other step refused naming the current status.
    #[test]
    fn every_transition_allowed_and_refused() {
        let allowed = [
            (Status::InProgress, Status::Accepted, Side::Receiver, None),
            (
                Status::InProgress,
                Status::Rejected,
                Side::Receiver,
                Some("Not a housing matter"),
            ),
            (Status::InProgress, Status::Withdrawn, Side::Referrer, None),
            (
                Status::Accepted,
                Status::Done,
                Side::Receiver,
                Some("need-met"),
            ),
        ];
        for from in Status::ALL {
            for to in Status::ALL {
                let expected = allowed.iter().find(|a| a.0 == from && a.1 == to);
                match expected {
                    Some((_, _, side, reason)) => {
                        let t = step(from, *side, to.as_str(), *reason)
                            .unwrap_or_else(|e| panic!("{from:?} -> {to:?}: {e:?}"));
                        assert_eq!((t.from, t.to), (from, to));
                    }
                    None => {
                        for side in [Side::Receiver, Side::Referrer] {
                            match step(from, side, to.as_str(), Some("need-met")) {
                                Err(Refusal::Fields(e)) => {
                                    assert_eq!(e[0].field, "to");
                                    assert!(
                                        e[0].message
                                            .contains(&format!("The referral is {}", from.name())),
                                        "{}",
                                        e[0].message
                                    );
                                }
                                other => panic!("{from:?} -> {to:?} allowed: {other:?}"),
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn each_step_belongs_to_one_side() {
        assert!(matches!(
            step(Status::InProgress, Side::Referrer, "accepted", None),
            Err(Refusal::NotYourSide(_))
        ));
        assert!(matches!(
            step(Status::InProgress, Side::Referrer, "rejected", Some("no")),
            Err(Refusal::NotYourSide(_))
        ));
        assert!(matches!(
            step(Status::InProgress, Side::Receiver, "withdrawn", None),
            Err(Refusal::NotYourSide(_))
        ));
        assert!(matches!(
            step(Status::Accepted, Side::Referrer, "done", Some("need-met")),
            Err(Refusal::NotYourSide(_))
        ));
    }

    #[test]
    fn rejection_needs_a_reason_and_done_a_reason_from_the_list() {
        let Err(Refusal::Fields(e)) = step(Status::InProgress, Side::Receiver, "rejected", None)
        else {
            panic!("rejection without a reason")
        };
        assert_eq!(e[0].field, "reason");
        for bad in [None, Some("it went well"), Some("")] {
            let Err(Refusal::Fields(e)) = step(Status::Accepted, Side::Receiver, "done", bad)
            else {
                panic!("done without a listed reason")
            };
            assert_eq!(e[0].field, "reason");
        }
        let t = step(Status::Accepted, Side::Receiver, "done", Some("moved-away")).expect("ok");
        assert_eq!(t.done_reason, Some(DoneReason::MovedAway));
        assert!(!DoneReason::MovedAway.successful());
        assert!(DoneReason::NeedMet.successful() && DoneReason::RiskReduced.successful());
        let w = step(Status::InProgress, Side::Referrer, "withdrawn", None).expect("ok");
        assert_eq!(w.reason, None);
    }

    #[test]
    fn an_unknown_status_names_the_field() {
        let Err(Refusal::Fields(e)) = step(Status::InProgress, Side::Receiver, "maybe", None)
        else {
            panic!("unknown status")
        };
        assert_eq!(e[0].field, "to");
    }

    #[test]
    fn a_decision_is_overdue_after_five_working_days() {
        // Fri 1 Jun 2012; Mon 4 and Tue 5 Jun are the Jubilee bank holidays.
        let made = d(2012, 6, 1);
        assert_eq!(decision_due(made, 5), d(2012, 6, 12));
        assert!(!decision_overdue(
            Status::InProgress,
            made,
            5,
            d(2012, 6, 12)
        ));
        assert!(decision_overdue(
            Status::InProgress,
            made,
            5,
            d(2012, 6, 13)
        ));
        assert!(!decision_overdue(Status::Accepted, made, 5, d(2012, 6, 13)));
        assert!(!decision_overdue(
            Status::Withdrawn,
            made,
            5,
            d(2012, 7, 13)
        ));
    }
}
