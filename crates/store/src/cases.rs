//! Cases of every kind: the facts the need-to-know policy decides on, shares with
//! other agencies, and closing. The kind's own records (ASB incidents, assessments)
//! live beside it, in `asb`.

use std::collections::HashMap;

use casework_domain::FieldError;
use casework_domain::access::{CaseFacts, CaseKind};
use casework_domain::asb::CaseReference;
use casework_domain::calendar::uk_day;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement,
    sea_query::{Expr, ExprTrait, Query},
};
use serde::Serialize;
use uuid::Uuid;

use crate::entities::{
    agency, asb_incident, asb_incident_person, case, case_note, case_share, dv_case, person,
};
use crate::people::Person;
use crate::{Store, StoreError};

/// A case's status as stored.
pub const OPEN: &str = "open";
pub const CLOSED: &str = "closed";

/// The longest free text kept for a share's reason or a case's outcome or summary.
pub const MAX_TEXT: usize = 2000;

/// A case, whatever its kind, with the agencies it is shared with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Case {
    pub id: Uuid,
    pub kind: CaseKind,
    pub reference: String,
    pub owner_agency: String,
    pub lead_officer: Option<Uuid>,
    pub logged_by: Uuid,
    /// The person the case is about: for ASB, the victim or complainant.
    pub subject_person: Uuid,
    pub ward: String,
    pub status: String,
    pub outcome: Option<String>,
    pub summary: Option<String>,
    pub review_date: Option<NaiveDate>,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Oldest first.
    pub shares: Vec<Share>,
}

impl Case {
    pub fn is_open(&self) -> bool {
        self.status == OPEN
    }

    /// What the need-to-know policy needs, without the LMAPS agendas the case is on:
    /// `Store::case_facts` adds those (they depend on the day and a setting).
    pub fn facts(&self) -> CaseFacts {
        CaseFacts {
            kind: self.kind,
            owner_agency: self.owner_agency.clone(),
            shared_with: self.shares.iter().map(|s| s.agency.clone()).collect(),
            lead_officer: self.lead_officer,
            logged_by: Some(self.logged_by),
            lmaps_agencies: Vec::new(),
        }
    }
}

/// A note on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub id: Uuid,
    pub text: String,
    pub written_by: Uuid,
    pub written_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Share {
    pub agency: String,
    pub shared_by: Uuid,
    pub shared_at: DateTime<Utc>,
    pub reason: String,
}

/// A case of any kind to store, once its module has checked the fields.
pub(crate) struct NewCaseRow {
    pub kind: CaseKind,
    pub owner_agency: String,
    pub lead_officer: Option<Uuid>,
    pub logged_by: Uuid,
    pub subject_person_id: Uuid,
    pub ward_code: String,
    pub summary: Option<String>,
    pub opened_at: DateTime<Utc>,
}

/// Stores a case with the next reference of its kind and year (`ASB-2012-00042`).
/// Call it inside the write transaction that also appends the audit event: the number
/// is taken under the write lock (SQLite `BEGIN IMMEDIATE`; on PostgreSQL a transaction
/// lock on the year, shared by every kind), and the unique index catches anything else.
pub(crate) async fn insert_case(
    conn: &impl ConnectionTrait,
    new: NewCaseRow,
) -> Result<case::Model, StoreError> {
    let year = uk_day(new.opened_at).year();
    if conn.get_database_backend() == DbBackend::Postgres {
        // One opener at a time per year, until the transaction ends.
        let key = 0x4341_5345_0000_i64 + i64::from(year);
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [key.into()],
        ))
        .await?;
    }
    let last: Option<Option<i32>> = case::Entity::find()
        .select_only()
        .column_as(case::Column::RefSequence.max(), "last")
        .filter(case::Column::Kind.eq(new.kind.as_str()))
        .filter(case::Column::RefYear.eq(year))
        .into_tuple()
        .one(conn)
        .await?;
    let sequence = last.flatten().unwrap_or(0) + 1;
    let reference = u32::try_from(sequence)
        .ok()
        .and_then(|n| CaseReference::new(new.kind, year, n))
        .ok_or_else(|| StoreError::Conflict(format!("No case numbers are left for {year}.")))?;
    Ok(case::ActiveModel {
        id: Set(Uuid::new_v4()),
        kind: Set(new.kind.as_str().to_string()),
        reference: Set(reference.to_string()),
        ref_year: Set(year),
        ref_sequence: Set(sequence),
        owner_agency: Set(new.owner_agency),
        lead_officer: Set(new.lead_officer),
        logged_by: Set(new.logged_by),
        subject_person_id: Set(new.subject_person_id),
        ward_code: Set(new.ward_code),
        status: Set(OPEN.to_string()),
        outcome: Set(None),
        summary: Set(new.summary),
        review_date: Set(None),
        opened_at: Set(new.opened_at),
        closed_at: Set(None),
    }
    .insert(conn)
    .await?)
}

/// Cases owned by or shared with an agency: an agency's work queues. Lists built on
/// it still ask the access policy about each case before showing it.
pub(crate) fn owned_by_or_shared_with(agency: &str) -> Condition {
    let shared = Query::select()
        .column(case_share::Column::CaseId)
        .from(case_share::Entity)
        .and_where(case_share::Column::Agency.eq(agency))
        .to_owned();
    Condition::any()
        .add(case::Column::OwnerAgency.eq(agency))
        .add(case::Column::Id.in_subquery(shared))
}

impl Store {
    /// A case with its shares (two queries), or `None`.
    pub async fn case(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
    ) -> Result<Option<Case>, StoreError> {
        let Some(row) = case::Entity::find_by_id(id).one(conn).await? else {
            return Ok(None);
        };
        let shares = case_share::Entity::find()
            .filter(case_share::Column::CaseId.eq(id))
            .order_by_asc(case_share::Column::SharedAt)
            .order_by_asc(case_share::Column::Agency)
            .all(conn)
            .await?
            .into_iter()
            .map(|s| Share {
                agency: s.agency,
                shared_by: s.shared_by,
                shared_at: s.shared_at,
                reason: s.reason,
            })
            .collect();
        to_case(row, shares).map(Some)
    }

    /// Cases with their shares, in one query for all of them.
    pub(crate) async fn with_shares(
        &self,
        conn: &impl ConnectionTrait,
        rows: Vec<case::Model>,
    ) -> Result<Vec<Case>, StoreError> {
        let mut shares: HashMap<Uuid, Vec<Share>> = HashMap::new();
        if !rows.is_empty() {
            let found = case_share::Entity::find()
                .filter(case_share::Column::CaseId.is_in(rows.iter().map(|r| r.id)))
                .order_by_asc(case_share::Column::SharedAt)
                .order_by_asc(case_share::Column::Agency)
                .all(conn)
                .await?;
            for s in found {
                shares.entry(s.case_id).or_default().push(Share {
                    agency: s.agency,
                    shared_by: s.shared_by,
                    shared_at: s.shared_at,
                    reason: s.reason,
                });
            }
        }
        rows.into_iter()
            .map(|row| {
                let shared = shares.remove(&row.id).unwrap_or_default();
                to_case(row, shared)
            })
            .collect()
    }

    /// Every case of any kind that names the person: as its subject (victim,
    /// complainant, offender, young person), on one of its ASB incidents, or as the
    /// perpetrator of a domestic abuse case. Newest first, with shares, so the caller
    /// can ask the access policy about each before showing it.
    pub async fn cases_naming(&self, person: Uuid) -> Result<Vec<Case>, StoreError> {
        let conn = self.connection();
        let on_incidents = Query::select()
            .column((asb_incident::Entity, asb_incident::Column::CaseId))
            .from(asb_incident::Entity)
            .inner_join(
                asb_incident_person::Entity,
                Expr::col((
                    asb_incident_person::Entity,
                    asb_incident_person::Column::IncidentId,
                ))
                .equals((asb_incident::Entity, asb_incident::Column::Id)),
            )
            .and_where(
                Expr::col((
                    asb_incident_person::Entity,
                    asb_incident_person::Column::PersonId,
                ))
                .eq(person),
            )
            .to_owned();
        let as_perpetrator = Query::select()
            .column(dv_case::Column::CaseId)
            .from(dv_case::Entity)
            .and_where(Expr::col(dv_case::Column::PerpetratorId).eq(person))
            .to_owned();
        let rows = case::Entity::find()
            .filter(
                Condition::any()
                    .add(case::Column::SubjectPersonId.eq(person))
                    .add(case::Column::Id.in_subquery(on_incidents))
                    .add(case::Column::Id.in_subquery(as_perpetrator)),
            )
            .order_by_desc(case::Column::OpenedAt)
            .all(conn)
            .await?;
        self.with_shares(conn, rows).await
    }

    /// The facts `domain::access::decide` needs about a case, including the agencies
    /// whose open LMAPS meetings have it on their agenda today, or `None` when there is
    /// no such case.
    pub async fn case_facts(&self, id: Uuid) -> Result<Option<CaseFacts>, StoreError> {
        self.case_facts_now(id).await
    }

    /// The id of the case of `kind` with this reference (`ASB-2012-00042`), if any.
    pub async fn case_id_by_reference(
        &self,
        kind: CaseKind,
        reference: &str,
    ) -> Result<Option<Uuid>, StoreError> {
        Ok(case::Entity::find()
            .select_only()
            .column(case::Column::Id)
            .filter(case::Column::Kind.eq(kind.as_str()))
            .filter(case::Column::Reference.eq(reference.trim().to_uppercase()))
            .into_tuple::<Uuid>()
            .one(self.connection())
            .await?)
    }

    /// Shares a case with another agency, naming every bad field at once. Sharing
    /// again with an agency that already has it is a conflict.
    pub async fn share_case(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        agency_code: &str,
        reason: &str,
        shared_by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Share, StoreError> {
        let case = self.case(conn, id).await?.ok_or(StoreError::NotFound)?;
        let agency_code = agency_code.trim();
        let reason = reason.trim();
        let mut errors = Vec::new();
        if agency::Entity::find_by_id(agency_code.to_string())
            .one(conn)
            .await?
            .is_none()
        {
            errors.push(FieldError::new(
                "agency",
                "Choose one of the partnership's agencies.",
            ));
        } else if agency_code == case.owner_agency {
            errors.push(FieldError::new(
                "agency",
                "That agency owns the case already.",
            ));
        }
        if reason.is_empty() {
            errors.push(FieldError::new(
                "reason",
                "Say why the case is being shared with this agency.",
            ));
        } else if reason.chars().count() > MAX_TEXT {
            errors.push(FieldError::new(
                "reason",
                format!("Use at most {MAX_TEXT} characters."),
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        if case.shares.iter().any(|s| s.agency == agency_code) {
            return Err(StoreError::Conflict(format!(
                "The case is already shared with {agency_code}."
            )));
        }
        case_share::ActiveModel {
            case_id: Set(id),
            agency: Set(agency_code.to_string()),
            shared_by: Set(shared_by),
            shared_at: Set(now),
            reason: Set(reason.to_string()),
        }
        .insert(conn)
        .await?;
        Ok(Share {
            agency: agency_code.to_string(),
            shared_by,
            shared_at: now,
            reason: reason.to_string(),
        })
    }

    /// Closes an open case with its outcome. Returns the case as it was.
    pub async fn close_case(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        outcome: &str,
        now: DateTime<Utc>,
    ) -> Result<Case, StoreError> {
        let before = self.case(conn, id).await?.ok_or(StoreError::NotFound)?;
        let outcome = outcome.trim();
        if outcome.is_empty() {
            return Err(StoreError::Fields(vec![FieldError::new(
                "outcome",
                "Say how the case ended.",
            )]));
        }
        if outcome.chars().count() > MAX_TEXT {
            return Err(StoreError::Fields(vec![FieldError::new(
                "outcome",
                format!("Use at most {MAX_TEXT} characters."),
            )]));
        }
        if !before.is_open() {
            return Err(StoreError::Conflict("The case is already closed.".into()));
        }
        case::ActiveModel {
            id: Set(id),
            status: Set(CLOSED.to_string()),
            outcome: Set(Some(outcome.to_string())),
            closed_at: Set(Some(now)),
            ..Default::default()
        }
        .update(conn)
        .await?;
        Ok(before)
    }

    /// Adds a note (checked by `casework_domain::case_work::parse_note`) to a case.
    pub async fn add_note(
        &self,
        conn: &impl ConnectionTrait,
        case_id: Uuid,
        text: &str,
        written_by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Note, StoreError> {
        let id = Uuid::new_v4();
        case_note::ActiveModel {
            id: Set(id),
            case_id: Set(case_id),
            text: Set(text.to_string()),
            written_by: Set(written_by),
            written_at: Set(now),
        }
        .insert(conn)
        .await?;
        Ok(Note {
            id,
            text: text.to_string(),
            written_by,
            written_at: now,
        })
    }

    /// A case's notes, newest first, at most `limit`.
    pub async fn notes_of(
        &self,
        conn: &impl ConnectionTrait,
        case_id: Uuid,
        limit: u64,
    ) -> Result<Vec<Note>, StoreError> {
        Ok(case_note::Entity::find()
            .filter(case_note::Column::CaseId.eq(case_id))
            .order_by_desc(case_note::Column::WrittenAt)
            .order_by_desc(case_note::Column::Id)
            .limit(limit)
            .all(conn)
            .await?
            .into_iter()
            .map(|row| Note {
                id: row.id,
                text: row.text,
                written_by: row.written_by,
                written_at: row.written_at,
            })
            .collect())
    }

    /// Sets (or clears) the date a case is next reviewed. Returns the date it had.
    pub async fn set_review_date(
        &self,
        conn: &impl ConnectionTrait,
        case_id: Uuid,
        date: Option<NaiveDate>,
    ) -> Result<Option<NaiveDate>, StoreError> {
        let before = case::Entity::find_by_id(case_id)
            .one(conn)
            .await?
            .ok_or(StoreError::NotFound)?;
        case::ActiveModel {
            id: Set(case_id),
            review_date: Set(date),
            ..Default::default()
        }
        .update(conn)
        .await?;
        Ok(before.review_date)
    }

    /// The people with these ids, by id (one query).
    pub async fn people_by_id(
        &self,
        conn: &impl ConnectionTrait,
        ids: &[Uuid],
    ) -> Result<HashMap<Uuid, Person>, StoreError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = person::Entity::find()
            .filter(person::Column::Id.is_in(ids.iter().copied()))
            .all(conn)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                (
                    row.id,
                    Person {
                        id: row.id,
                        forename: row.forename,
                        surname: row.surname,
                        date_of_birth: row.date_of_birth,
                        address: row.address,
                        ward: row.ward_code,
                        created_by: row.created_by,
                        created_by_agency: row.created_by_agency,
                    },
                )
            })
            .collect())
    }
}

pub(crate) fn to_case(row: case::Model, shares: Vec<Share>) -> Result<Case, StoreError> {
    let kind = CaseKind::parse(&row.kind)
        .ok_or_else(|| StoreError::Invalid(format!("unknown case kind '{}'", row.kind)))?;
    Ok(Case {
        id: row.id,
        kind,
        reference: row.reference,
        owner_agency: row.owner_agency,
        lead_officer: row.lead_officer,
        logged_by: row.logged_by,
        subject_person: row.subject_person_id,
        ward: row.ward_code,
        status: row.status,
        outcome: row.outcome,
        summary: row.summary,
        review_date: row.review_date,
        opened_at: row.opened_at,
        closed_at: row.closed_at,
        shares,
    })
}
