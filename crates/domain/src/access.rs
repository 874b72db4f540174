//! Need-to-know: the one place that decides what an actor may do to a case.
//!
//! The caller gathers the facts (who the actor is; the case's kind, owner, shares,
//! lead officer and the LMAPS agendas it is on) and asks [`decide`]. A record the actor
//! may not know exists is [`Decision::NotFound`], exactly as for a missing id; an action
//! they may not take on a record they may see is [`Decision::Forbidden`]. The expected
//! answers are written down as data in `tests/fixtures/access-matrix.csv`.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::roles::Role;

/// Who is asking: a signed-in user of one agency with their roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Uuid,
    pub agency: String,
    pub roles: BTreeSet<Role>,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaseKind {
    Asb,
    DomesticAbuse,
    Iom,
    PreventDeter,
}

impl CaseKind {
    pub const ALL: [CaseKind; 4] = [
        CaseKind::Asb,
        CaseKind::DomesticAbuse,
        CaseKind::Iom,
        CaseKind::PreventDeter,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseKind::Asb => "asb",
            CaseKind::DomesticAbuse => "domestic-abuse",
            CaseKind::Iom => "iom",
            CaseKind::PreventDeter => "prevent-deter",
        }
    }

    pub fn parse(text: &str) -> Option<CaseKind> {
        CaseKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The kind in the partnership's words, for pages.
    pub fn name(self) -> &'static str {
        match self {
            CaseKind::Asb => "ASB",
            CaseKind::DomesticAbuse => "Domestic abuse",
            CaseKind::Iom => "IOM",
            CaseKind::PreventDeter => "Prevent & Deter",
        }
    }
}

/// What the actor wants to do to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaseAction {
    /// Open the case and read what the policy lets this actor see of it.
    View,
    /// Work the case: log incidents, notes, assessments, actions.
    Edit,
    /// Share the case with another agency.
    Share,
    /// Close (or re-open) the case.
    Close,
    /// Read who has viewed or changed the case.
    ViewAudit,
}

impl CaseAction {
    pub const ALL: [CaseAction; 5] = [
        CaseAction::View,
        CaseAction::Edit,
        CaseAction::Share,
        CaseAction::Close,
        CaseAction::ViewAudit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseAction::View => "view",
            CaseAction::Edit => "edit",
            CaseAction::Share => "share",
            CaseAction::Close => "close",
            CaseAction::ViewAudit => "view-audit",
        }
    }

    pub fn parse(text: &str) -> Option<CaseAction> {
        CaseAction::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// The facts about a case that the policy needs, and nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    pub kind: CaseKind,
    pub owner_agency: String,
    /// Agencies the case is explicitly shared with (including by an accepted referral
    /// or, for IOM, a housing need referred to a housing provider).
    pub shared_with: Vec<String>,
    pub lead_officer: Option<Uuid>,
    pub logged_by: Option<Uuid>,
    /// Agencies invited to an LMAPS meeting whose agenda holds this case and whose
    /// access window is open now (see [`lmaps_window_open`]).
    pub lmaps_agencies: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// The actor may see the case but not do this: 403.
    Forbidden,
    /// The actor may not know the case exists: 404, as for a missing id.
    NotFound,
}

/// How the actor stands to the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Standing {
    owner: bool,
    personal: bool,
    shared: bool,
    agenda: bool,
}

impl Standing {
    fn of(actor: &Actor, case: &CaseFacts) -> Self {
        let personal =
            case.lead_officer == Some(actor.user_id) || case.logged_by == Some(actor.user_id);
        Standing {
            owner: case.owner_agency == actor.agency,
            personal,
            shared: case.shared_with.contains(&actor.agency),
            agenda: case.lmaps_agencies.contains(&actor.agency),
        }
    }
}

use CaseAction::{Close, Edit, Share, View, ViewAudit};

const ALL: &[CaseAction] = &[View, Edit, Share, Close, ViewAudit];
/// Work a case shared with you: everything but sharing it on or closing it.
const WORK: &[CaseAction] = &[View, Edit, ViewAudit];
const READ: &[CaseAction] = &[View, ViewAudit];
const NOTHING: &[CaseAction] = &[];

/// What one role lets the actor do to the case.
fn role_allows(role: Role, kind: CaseKind, s: Standing) -> &'static [CaseAction] {
    match (role, kind) {
        (Role::Officer, CaseKind::Asb) if s.owner || s.personal => ALL,
        (Role::Officer, CaseKind::Asb) if s.shared => WORK,
        // Restricted: in the owning agency only the officer who logged it or leads it.
        (Role::Officer, CaseKind::DomesticAbuse) if s.personal => ALL,
        (Role::Officer, CaseKind::DomesticAbuse) if s.shared => WORK,
        // Housing sees an IOM member once a housing need is referred to it; the
        // referring agency sees its Prevent & Deter referral.
        (Role::Officer, CaseKind::Iom | CaseKind::PreventDeter) if s.shared => READ,
        (Role::DvSpecialist, CaseKind::DomesticAbuse) if s.owner || s.personal => ALL,
        (Role::DvSpecialist, CaseKind::DomesticAbuse) if s.shared => WORK,
        (Role::Iom, CaseKind::Iom) => ALL,
        (Role::PreventDeter, CaseKind::PreventDeter) => ALL,
        (Role::Lmaps, _) if s.agenda => READ,
        // The data protection officer reads the audit trail of any case.
        (Role::Dpo, _) => &[ViewAudit],
        _ => NOTHING,
    }
}

/// May `actor` do `action` to `case`? The most generous of the actor's roles wins.
pub fn decide(actor: &Actor, action: CaseAction, case: &CaseFacts) -> Decision {
    let standing = Standing::of(actor, case);
    let allowed = |wanted: CaseAction| {
        actor
            .roles
            .iter()
            .any(|role| role_allows(*role, case.kind, standing).contains(&wanted))
    };
    if allowed(action) {
        Decision::Allow
    } else if allowed(View) {
        Decision::Forbidden
    } else {
        Decision::NotFound
    }
}

/// Whether the actor may see a victim's address on a case they may view: never on an
/// LMAPS agenda, and on a domestic abuse case only for those who work it.
pub fn may_see_victim_address(actor: &Actor, case: &CaseFacts) -> bool {
    let standing = Standing::of(actor, case);
    actor.roles.iter().any(|role| {
        let allows = role_allows(*role, case.kind, standing);
        allows.contains(&Edit) && *role != Role::Lmaps
    })
}

/// Whether the actor may be told that a person has records of `kind` that they may not
/// open: only that such records exist and which agency holds them, never what is in
/// them. Specialists in the kind are told, so that they know to ask the owning agency
/// to share (a domestic abuse specialist in housing learns that the police hold a
/// case, and asks for it for MARAC); nobody else is told anything, so a plain officer
/// cannot learn from a person page that someone is a victim of domestic abuse.
pub fn may_know_restricted_records_exist(actor: &Actor, kind: CaseKind) -> bool {
    actor.roles.iter().any(|role| {
        matches!(
            (role, kind),
            (Role::DvSpecialist, CaseKind::DomesticAbuse)
                | (Role::Iom, CaseKind::Iom)
                | (Role::PreventDeter, CaseKind::PreventDeter)
        )
    })
}

/// Who may find people by name and date of birth, and see who they are (name, date
/// of birth, ward), to link records to the same person: case workers, LMAPS members
/// and the data protection officer (for subject access requests).
pub fn may_find_people(actor: &Actor) -> bool {
    actor.roles.iter().any(|r| {
        matches!(
            r,
            Role::Officer
                | Role::DvSpecialist
                | Role::Iom
                | Role::PreventDeter
                | Role::Lmaps
                | Role::Dpo
        )
    })
}

/// Who may record a new person or correct one: those who work cases.
pub fn may_record_people(actor: &Actor) -> bool {
    actor.roles.iter().any(|r| {
        matches!(
            r,
            Role::Officer | Role::DvSpecialist | Role::Iom | Role::PreventDeter
        )
    })
}

/// Opening a person's whole record asks for a reason unless the actor's agency
/// recorded them (it is working with them).
pub fn person_needs_reason(actor: &Actor, recorded_by_agency: &str) -> bool {
    actor.agency != recorded_by_agency
}

/// Roles whose holders may see counts and measures (no personal data).
pub fn may_see_counts(actor: &Actor) -> bool {
    actor.roles.iter().any(|r| *r != Role::Admin)
}

/// Users, agencies and settings.
pub fn may_administer(actor: &Actor) -> bool {
    actor.has(Role::Admin)
}

/// The whole audit log and subject access exports.
pub fn may_search_audit_log(actor: &Actor) -> bool {
    actor.has(Role::Dpo)
}

/// Whether any case role lets the actor open the kind at all (to show menus and
/// create forms); the answer for a particular case is always [`decide`].
pub fn works_kind(actor: &Actor, kind: CaseKind) -> bool {
    actor.roles.iter().any(|role| {
        matches!(
            (role, kind),
            (Role::Officer, _)
                | (Role::DvSpecialist, CaseKind::DomesticAbuse)
                | (Role::Iom, CaseKind::Iom)
                | (Role::PreventDeter, CaseKind::PreventDeter)
        )
    })
}

/// An LMAPS meeting lets its invited agencies see its agenda's cases while it is
/// planned or held, and for `window_days` after the meeting day *(setting)*.
pub fn lmaps_window_open(
    meeting_day: chrono::NaiveDate,
    today: chrono::NaiveDate,
    window_days: i64,
) -> bool {
    today <= meeting_day + chrono::Duration::days(window_days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    const MATRIX: &str = include_str!("../../../tests/fixtures/access-matrix.csv");

    /// Builds the actor and case for a matrix row's relation.
    pub(crate) fn scenario(role: Role, relation: &str, kind: CaseKind) -> (Actor, CaseFacts) {
        let actor = Actor {
            user_id: Uuid::from_u128(1),
            agency: "derwent-solway-ha".into(),
            roles: BTreeSet::from([role]),
        };
        let mut case = CaseFacts {
            kind,
            owner_agency: "cumbria-constabulary".into(),
            shared_with: vec!["copeland-bc".into()],
            lead_officer: Some(Uuid::from_u128(2)),
            logged_by: Some(Uuid::from_u128(3)),
            lmaps_agencies: vec![],
        };
        match relation {
            "owner" => case.owner_agency = actor.agency.clone(),
            "owner-lead" => {
                case.owner_agency = actor.agency.clone();
                case.lead_officer = Some(actor.user_id);
            }
            "shared" => case.shared_with.push(actor.agency.clone()),
            "agenda" => case.lmaps_agencies.push(actor.agency.clone()),
            "none" => {}
            other => panic!("unknown relation {other}"),
        }
        (actor, case)
    }

    #[test]
    fn the_access_matrix_holds_row_by_row() {
        let mut rows = 0;
        let mut failures = Vec::new();
        for (n, line) in MATRIX.lines().enumerate().skip(1) {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split(',').collect();
            assert_eq!(cols.len(), 5, "line {}: {line}", n + 1);
            let role = Role::parse(cols[0]).expect("role");
            let kind = CaseKind::parse(cols[2]).expect("kind");
            let action = CaseAction::parse(cols[3]).expect("action");
            let expected = match cols[4] {
                "allow" => Decision::Allow,
                "403" => Decision::Forbidden,
                "404" => Decision::NotFound,
                other => panic!("line {}: unknown expectation {other}", n + 1),
            };
            let (actor, case) = scenario(role, cols[1], kind);
            let got = decide(&actor, action, &case);
            if got != expected {
                failures.push(format!("line {}: {line} -> got {got:?}", n + 1));
            }
            rows += 1;
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        // Every role x relation x kind x action is written down.
        assert_eq!(
            rows,
            Role::ALL.len() * 5 * CaseKind::ALL.len() * CaseAction::ALL.len()
        );
    }

    #[test]
    fn a_case_role_added_to_admin_brings_its_access() {
        let (mut actor, case) = scenario(Role::Admin, "owner", CaseKind::Asb);
        assert_eq!(decide(&actor, View, &case), Decision::NotFound);
        actor.roles.insert(Role::Officer);
        assert_eq!(decide(&actor, View, &case), Decision::Allow);
    }

    #[test]
    fn the_dv_victim_address_is_for_those_who_work_the_case() {
        let (specialist, case) = scenario(Role::DvSpecialist, "owner", CaseKind::DomesticAbuse);
        assert!(may_see_victim_address(&specialist, &case));
        let (lmaps, case) = scenario(Role::Lmaps, "agenda", CaseKind::DomesticAbuse);
        assert_eq!(decide(&lmaps, View, &case), Decision::Allow);
        assert!(!may_see_victim_address(&lmaps, &case));
        let (housing, case) = scenario(Role::Officer, "shared", CaseKind::Iom);
        assert!(!may_see_victim_address(&housing, &case));
    }

    #[test]
    fn only_specialists_learn_that_restricted_records_exist() {
        for (role, told) in [
            (Role::DvSpecialist, true),
            (Role::Officer, false),
            (Role::Lmaps, false),
            (Role::Iom, false),
            (Role::Analyst, false),
            (Role::Dpo, false),
            (Role::Admin, false),
        ] {
            let (actor, _) = scenario(role, "none", CaseKind::DomesticAbuse);
            assert_eq!(
                may_know_restricted_records_exist(&actor, CaseKind::DomesticAbuse),
                told,
                "{role}"
            );
        }
        let (specialist, _) = scenario(Role::DvSpecialist, "none", CaseKind::Asb);
        assert!(!may_know_restricted_records_exist(
            &specialist,
            CaseKind::Iom
        ));
    }

    #[test]
    fn lmaps_window_edges() {
        let day = NaiveDate::from_ymd_opt(2012, 6, 1).expect("date");
        assert!(lmaps_window_open(day, day, 14));
        assert!(lmaps_window_open(
            day,
            NaiveDate::from_ymd_opt(2012, 6, 15).expect("date"),
            14
        ));
        assert!(!lmaps_window_open(
            day,
            NaiveDate::from_ymd_opt(2012, 6, 16).expect("date"),
            14
        ));
    }

    #[test]
    fn people_are_found_by_case_workers_and_the_dpo_only() {
        for (role, find, record) in [
            (Role::Officer, true, true),
            (Role::DvSpecialist, true, true),
            (Role::Iom, true, true),
            (Role::PreventDeter, true, true),
            (Role::Lmaps, true, false),
            (Role::Dpo, true, false),
            (Role::Analyst, false, false),
            (Role::Admin, false, false),
        ] {
            let (actor, _) = scenario(role, "none", CaseKind::Asb);
            assert_eq!(may_find_people(&actor), find, "{role} find");
            assert_eq!(may_record_people(&actor), record, "{role} record");
        }
        let (actor, _) = scenario(Role::Officer, "none", CaseKind::Asb);
        assert!(!person_needs_reason(&actor, &actor.agency));
        assert!(person_needs_reason(&actor, "cumbria-constabulary"));
    }

    #[test]
    fn only_admins_administer_and_only_dpos_search_the_log() {
        let (admin, _) = scenario(Role::Admin, "none", CaseKind::Asb);
        let (dpo, _) = scenario(Role::Dpo, "none", CaseKind::Asb);
        assert!(may_administer(&admin) && !may_administer(&dpo));
        assert!(may_search_audit_log(&dpo) && !may_search_audit_log(&admin));
        assert!(!may_see_counts(&admin));
    }
}
