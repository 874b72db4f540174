//! The need-to-know policy as SQL: `domain::access_scope::reach` says which relations
//! to a case let an actor act on it; this writes them as a condition on `cases c`, so
//! lists filter, count and paginate in one query.

use casework_domain::access::Actor;
use casework_domain::access_scope::{Reach, Relation};
use chrono::NaiveDate;
use sea_orm::{DbBackend, Statement, Value};

use crate::db::placeholders;

/// Parameters of a statement being written, numbered as they are bound.
#[derive(Debug, Default)]
pub(crate) struct Params {
    values: Vec<Value>,
}

impl Params {
    /// Binds a value and returns its placeholder (`$n`).
    pub(crate) fn bind(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        format!("${}", self.values.len())
    }

    pub(crate) fn statement(&self, backend: DbBackend, sql: &str) -> Statement {
        Statement::from_sql_and_values(backend, placeholders(backend, sql), self.values.clone())
    }
}

/// The condition on `cases` (aliased `c`) that holds for the cases within `reach` of
/// `actor`. LMAPS meetings held on or after `lmaps_since` (`Store::lmaps_open_since`)
/// open the cases on their agendas to their invited agencies.
pub(crate) fn reach_condition(
    reach: &Reach,
    actor: &Actor,
    lmaps_since: NaiveDate,
    params: &mut Params,
) -> String {
    let relations = match reach {
        Reach::Every => return "1 = 1".into(),
        Reach::AnyOf(relations) if relations.is_empty() => return "1 = 0".into(),
        Reach::AnyOf(relations) => relations,
    };
    let parts: Vec<String> = relations
        .iter()
        .map(|relation| match relation {
            Relation::OwnedByAgency => {
                format!("c.owner_agency = {}", params.bind(actor.agency.clone()))
            }
            Relation::LeadOfficer => format!("c.lead_officer = {}", params.bind(actor.user_id)),
            Relation::LoggedBy => format!("c.logged_by = {}", params.bind(actor.user_id)),
            Relation::SharedWithAgency => format!(
                "EXISTS (SELECT 1 FROM case_shares s WHERE s.case_id = c.id AND s.agency = {})",
                params.bind(actor.agency.clone())
            ),
            Relation::OnLmapsAgenda => format!(
                "EXISTS (SELECT 1 FROM lmaps_agenda_items ai \
                   JOIN lmaps_meetings m ON m.id = ai.meeting_id \
                   JOIN lmaps_invitations inv ON inv.meeting_id = m.id \
                 WHERE ai.case_id = c.id AND ai.on_agenda = {} \
                   AND m.held_on >= {} AND inv.agency = {})",
                params.bind(true),
                params.bind(lmaps_since),
                params.bind(actor.agency.clone())
            ),
        })
        .collect();
    format!("({})", parts.join(" OR "))
}
