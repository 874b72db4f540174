//! Opening and reading domestic abuse cases, and the cases that name a person.

use std::collections::{HashMap, HashSet};

use casework_domain::FieldError;
use casework_domain::access::CaseKind;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::{DvCase, NewDvCase, PersonDvCase, to_assessment, to_incident, to_referral};
use crate::cases::{Case, MAX_TEXT, NewCaseRow, insert_case, to_case};
use crate::entities::{case, dv_assessment, dv_case, dv_incident, marac_referral, person, ward};
use crate::{Store, StoreError};

const KIND: CaseKind = CaseKind::DomesticAbuse;

impl Store {
    /// Opens a domestic abuse case for a victim and gives it the next reference of its
    /// year (`DV-2012-00001`). Call it inside the write transaction that also appends
    /// its audit event: the number is taken under the write lock (SQLite `BEGIN
    /// IMMEDIATE`; on PostgreSQL the same transaction lock ASB cases take), and the
    /// unique index catches anything else.
    pub async fn open_dv_case(
        &self,
        conn: &impl ConnectionTrait,
        new: NewDvCase,
    ) -> Result<Case, StoreError> {
        let mut errors = Vec::new();
        let wanted: Vec<Uuid> = [Some(new.victim_id), new.perpetrator_id]
            .into_iter()
            .flatten()
            .collect();
        let known: HashSet<Uuid> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .filter(person::Column::Id.is_in(wanted))
            .into_tuple::<Uuid>()
            .all(conn)
            .await?
            .into_iter()
            .collect();
        if !known.contains(&new.victim_id) {
            errors.push(FieldError::new("victim_id", "There is no such person."));
        }
        match new.perpetrator_id {
            Some(p) if p == new.victim_id => errors.push(FieldError::new(
                "perpetrator_id",
                "The perpetrator cannot be the victim.",
            )),
            Some(p) if !known.contains(&p) => errors.push(FieldError::new(
                "perpetrator_id",
                "There is no such person: give a person's id, or \"unknown\".",
            )),
            _ => {}
        }
        let ward_code = new.ward.trim().to_string();
        if ward::Entity::find_by_id(ward_code.clone())
            .one(conn)
            .await?
            .is_none()
        {
            errors.push(FieldError::new(
                "ward",
                format!("'{ward_code}' is not a ward of the partnership."),
            ));
        }
        let summary = new
            .summary
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        if summary
            .as_deref()
            .is_some_and(|s| s.chars().count() > MAX_TEXT)
        {
            errors.push(FieldError::new(
                "summary",
                format!("Use at most {MAX_TEXT} characters."),
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        let row = insert_case(
            conn,
            NewCaseRow {
                kind: KIND,
                owner_agency: new.owner_agency,
                lead_officer: new.lead_officer,
                logged_by: new.logged_by,
                subject_person_id: new.victim_id,
                ward_code,
                summary,
                opened_at: new.opened_at,
            },
        )
        .await?;
        let id = row.id;
        dv_case::ActiveModel {
            case_id: Set(id),
            perpetrator_id: Set(new.perpetrator_id),
        }
        .insert(conn)
        .await?;
        to_case(row, Vec::new())
    }

    /// A domestic abuse case with its incidents, checklists and referrals and the
    /// victim's record across cases (nine queries), or `None` when there is no domestic
    /// abuse case with this id. `conn` may be a write transaction, so a change and the
    /// answer it gives read the same data.
    pub async fn dv_case(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
    ) -> Result<Option<DvCase>, StoreError> {
        let Some(case) = self.case(conn, id).await? else {
            return Ok(None);
        };
        if case.kind != KIND {
            return Ok(None);
        }
        let perpetrator = dv_case::Entity::find_by_id(id)
            .one(conn)
            .await?
            .and_then(|row| row.perpetrator_id);
        let incidents = dv_incident::Entity::find()
            .filter(dv_incident::Column::CaseId.eq(id))
            .order_by_asc(dv_incident::Column::OccurredAt)
            .order_by_asc(dv_incident::Column::Id)
            .all(conn)
            .await?
            .into_iter()
            .map(to_incident)
            .collect::<Result<Vec<_>, _>>()?;
        let assessments = dv_assessment::Entity::find()
            .filter(dv_assessment::Column::CaseId.eq(id))
            .order_by_desc(dv_assessment::Column::AssessedAt)
            .order_by_desc(dv_assessment::Column::Id)
            .all(conn)
            .await?
            .into_iter()
            .map(to_assessment)
            .collect::<Result<Vec<_>, _>>()?;
        let referrals = marac_referral::Entity::find()
            .filter(marac_referral::Column::CaseId.eq(id))
            .order_by_desc(marac_referral::Column::ReferredOn)
            .order_by_desc(marac_referral::Column::RecordedAt)
            .all(conn)
            .await?
            .into_iter()
            .map(to_referral)
            .collect::<Result<Vec<_>, _>>()?;
        let victim = case.subject_person;
        let victim_record = self
            .victim_records(conn, &[victim])
            .await?
            .remove(&victim)
            .unwrap_or_default();
        Ok(Some(DvCase {
            case,
            perpetrator,
            incidents,
            assessments,
            referrals,
            victim_record,
        }))
    }

    /// Every domestic abuse case that names `person`, as victim or as the case's
    /// perpetrator, with its shares (three queries). The caller asks `domain::access`
    /// what of them it may tell.
    pub async fn dv_cases_naming(&self, person: Uuid) -> Result<Vec<PersonDvCase>, StoreError> {
        let conn = self.connection();
        let as_perpetrator = Query::select()
            .column(dv_case::Column::CaseId)
            .from(dv_case::Entity)
            .and_where(Expr::col(dv_case::Column::PerpetratorId).eq(person))
            .to_owned();
        let rows = case::Entity::find()
            .filter(case::Column::Kind.eq(KIND.as_str()))
            .filter(
                Condition::any()
                    .add(case::Column::SubjectPersonId.eq(person))
                    .add(case::Column::Id.in_subquery(as_perpetrator)),
            )
            .order_by_desc(case::Column::OpenedAt)
            .all(conn)
            .await?;
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let perpetrators: HashMap<Uuid, Option<Uuid>> = dv_case::Entity::find()
            .filter(dv_case::Column::CaseId.is_in(ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|row| (row.case_id, row.perpetrator_id))
            .collect();
        let cases = self.with_shares(conn, rows).await?;
        Ok(cases
            .into_iter()
            .map(|case| PersonDvCase {
                as_victim: case.subject_person == person,
                as_perpetrator: perpetrators.get(&case.id).copied().flatten() == Some(person),
                case,
            })
            .collect())
    }
}
