//! Opening and reading ASB cases, and the list of an agency's open cases.

use std::collections::{BTreeMap, HashMap};

use casework_domain::FieldError;
use casework_domain::access::CaseKind;
use casework_domain::asb::RiskTier;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::{
    AsbCase, AssessmentRecord, CaseLine, IncidentRecord, IncidentType, NewAsbCase, VICTIM,
};
use crate::cases::{Case, MAX_TEXT, NewCaseRow, OPEN, insert_case, to_case};
use crate::entities::{
    asb_assessment, asb_incident, asb_incident_person, asb_incident_type, case, person, ward,
};
use crate::people::Page;
use crate::{Store, StoreError};

impl Store {
    /// The ASB types incidents may be logged as, by name.
    pub async fn asb_incident_types(&self) -> Result<Vec<IncidentType>, StoreError> {
        Ok(asb_incident_type::Entity::find()
            .order_by_asc(asb_incident_type::Column::Name)
            .all(self.connection())
            .await?
            .into_iter()
            .map(|t| IncidentType {
                code: t.code,
                name: t.name,
            })
            .collect())
    }

    /// Opens an ASB case and gives it the next reference of its year. Call it inside
    /// the write transaction that also appends its audit event: the number is taken
    /// under the write lock (SQLite `BEGIN IMMEDIATE`; on PostgreSQL a transaction
    /// lock on the kind and year), and the unique index catches anything else.
    pub async fn open_asb_case(
        &self,
        conn: &impl ConnectionTrait,
        new: NewAsbCase,
    ) -> Result<Case, StoreError> {
        let mut errors = Vec::new();
        if person::Entity::find_by_id(new.person_id)
            .one(conn)
            .await?
            .is_none()
        {
            errors.push(FieldError::new("person_id", "There is no such person."));
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
                kind: CaseKind::Asb,
                owner_agency: new.owner_agency,
                lead_officer: new.lead_officer,
                logged_by: new.logged_by,
                subject_person_id: new.person_id,
                ward_code,
                summary,
                opened_at: new.opened_at,
            },
        )
        .await?;
        to_case(row, Vec::new())
    }

    /// An ASB case with its incidents and assessments (five queries), or `None` when
    /// there is no ASB case with this id.
    pub async fn asb_case(&self, id: Uuid) -> Result<Option<AsbCase>, StoreError> {
        let conn = self.connection();
        let Some(case) = self.case(conn, id).await? else {
            return Ok(None);
        };
        if case.kind != CaseKind::Asb {
            return Ok(None);
        }
        let rows = asb_incident::Entity::find()
            .filter(asb_incident::Column::CaseId.eq(id))
            .order_by_asc(asb_incident::Column::OccurredAt)
            .order_by_asc(asb_incident::Column::Id)
            .all(conn)
            .await?;
        let mut people: HashMap<Uuid, (Vec<Uuid>, Vec<Uuid>)> = HashMap::new();
        if !rows.is_empty() {
            let links = asb_incident_person::Entity::find()
                .filter(asb_incident_person::Column::IncidentId.is_in(rows.iter().map(|r| r.id)))
                .all(conn)
                .await?;
            for link in links {
                let entry = people.entry(link.incident_id).or_default();
                if link.role == VICTIM {
                    entry.0.push(link.person_id);
                } else {
                    entry.1.push(link.person_id);
                }
            }
        }
        let incidents = rows
            .into_iter()
            .map(|row| {
                let (mut victim_ids, mut perpetrator_ids) =
                    people.remove(&row.id).unwrap_or_default();
                victim_ids.sort_unstable();
                perpetrator_ids.sort_unstable();
                IncidentRecord {
                    id: row.id,
                    occurred_at: row.occurred_at,
                    reported_at: row.reported_at,
                    reporting_agency: row.reporting_agency,
                    category: row.category,
                    incident_type: row.incident_type,
                    ward: row.ward_code,
                    alcohol_related: row.alcohol_related,
                    youth_related: row.youth_related,
                    perpetrator_unknown: row.perpetrator_unknown,
                    victim_ids,
                    perpetrator_ids,
                    created_by: row.created_by,
                    created_at: row.created_at,
                    contact_due_at: row.contact_due_at,
                    victim_contacted_at: row.victim_contacted_at,
                }
            })
            .collect();
        let assessments = asb_assessment::Entity::find()
            .filter(asb_assessment::Column::CaseId.eq(id))
            .order_by_desc(asb_assessment::Column::AssessedAt)
            .order_by_desc(asb_assessment::Column::Id)
            .all(conn)
            .await?
            .into_iter()
            .map(to_assessment)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(AsbCase {
            case,
            incidents,
            assessments,
        }))
    }

    /// The open ASB cases an agency owns, newest first, with their subjects and tiers
    /// (three queries a page).
    pub async fn open_asb_cases_of(
        &self,
        agency_code: &str,
        page: u64,
        per_page: u64,
    ) -> Result<Page<CaseLine>, StoreError> {
        let conn = self.connection();
        let paginator = case::Entity::find()
            .filter(case::Column::Kind.eq(CaseKind::Asb.as_str()))
            .filter(case::Column::OwnerAgency.eq(agency_code))
            .filter(case::Column::Status.eq(OPEN))
            .order_by_desc(case::Column::OpenedAt)
            .order_by_desc(case::Column::Id)
            .paginate(conn, per_page.max(1));
        let total = paginator.num_items().await?;
        let rows = paginator.fetch_page(page.saturating_sub(1)).await?;
        let subjects: Vec<Uuid> = rows.iter().map(|r| r.subject_person_id).collect();
        let people = self.people_by_id(conn, &subjects).await?;
        let mut tiers: HashMap<Uuid, RiskTier> = HashMap::new();
        if !rows.is_empty() {
            let assessments = asb_assessment::Entity::find()
                .select_only()
                .column(asb_assessment::Column::CaseId)
                .column(asb_assessment::Column::FinalTier)
                .filter(asb_assessment::Column::CaseId.is_in(rows.iter().map(|r| r.id)))
                .order_by_desc(asb_assessment::Column::AssessedAt)
                .order_by_desc(asb_assessment::Column::Id)
                .into_tuple::<(Uuid, String)>()
                .all(conn)
                .await?;
            for (case_id, tier) in assessments {
                if let Some(tier) = RiskTier::parse(&tier) {
                    tiers.entry(case_id).or_insert(tier);
                }
            }
        }
        Ok(Page {
            items: rows
                .into_iter()
                .map(|row| CaseLine {
                    subject: people.get(&row.subject_person_id).cloned(),
                    tier: tiers.get(&row.id).copied(),
                    id: row.id,
                    reference: row.reference,
                    ward: row.ward_code,
                    opened_at: row.opened_at,
                })
                .collect(),
            total,
        })
    }
}

fn to_assessment(row: asb_assessment::Model) -> Result<AssessmentRecord, StoreError> {
    let tier = |text: &str| {
        RiskTier::parse(text).ok_or_else(|| StoreError::Invalid(format!("unknown tier '{text}'")))
    };
    let answers: BTreeMap<String, bool> = serde_json::from_str(&row.answers)
        .map_err(|e| StoreError::Invalid(format!("stored answers: {e}")))?;
    Ok(AssessmentRecord {
        id: row.id,
        instrument_version: u32::try_from(row.instrument_version).unwrap_or_default(),
        answers,
        score: u32::try_from(row.score).unwrap_or_default(),
        computed_tier: tier(&row.computed_tier)?,
        final_tier: tier(&row.final_tier)?,
        judgement_reason: row.judgement_reason,
        assessed_by: row.assessed_by,
        assessed_at: row.assessed_at,
    })
}
