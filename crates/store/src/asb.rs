//! Anti-social behaviour: opening cases, logging incidents with their victims and
//! perpetrators, recording risk assessments, and the incident dates the repeat-victim
//! rule counts. The rules themselves are `casework_domain::asb`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::LazyLock;

use casework_domain::FieldError;
use casework_domain::access::CaseKind;
use casework_domain::asb::{
    AsbInstrument, Assessment, CaseReference, Incident, Perpetrators, RepeatVictimRule, RiskTier,
};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Statement, Value,
};
use serde::Serialize;
use uuid::Uuid;

use crate::cases::{Case, MAX_TEXT, OPEN, to_case};
use crate::entities::{
    agency, asb_assessment, asb_incident, asb_incident_person, asb_incident_type, case, person,
    ward,
};
use crate::people::{Page, Person};
use crate::{Store, StoreError};

/// Version 1 of the victim risk assessment, compiled into the binary.
pub const ASB_INSTRUMENT_V1: &str = include_str!("../../../reference/instruments/asb-risk-v1.toml");

static INSTRUMENT: LazyLock<AsbInstrument> = LazyLock::new(|| {
    // The domain's tests check the shipped file, so this cannot fail in a release.
    AsbInstrument::parse(ASB_INSTRUMENT_V1).expect("the shipped ASB instrument is valid")
});

/// The instrument new assessments are made with.
pub fn asb_instrument() -> &'static AsbInstrument {
    &INSTRUMENT
}

pub const VICTIM: &str = "victim";
pub const PERPETRATOR: &str = "perpetrator";

/// An ASB case as read: the case, its incidents (oldest first) and its assessments
/// (newest first: the first is the tier the case is worked at, the rest its history).
#[derive(Debug, Clone, Serialize)]
pub struct AsbCase {
    pub case: Case,
    pub incidents: Vec<IncidentRecord>,
    pub assessments: Vec<AssessmentRecord>,
}

impl AsbCase {
    /// The tier the case is worked at, once assessed.
    pub fn tier(&self) -> Option<RiskTier> {
        self.assessments.first().map(|a| a.final_tier)
    }

    /// Everyone the case concerns: its subject, and the victims and perpetrators of its
    /// incidents, each once.
    pub fn people(&self) -> BTreeSet<Uuid> {
        let mut people = BTreeSet::from([self.case.subject_person]);
        for incident in &self.incidents {
            people.extend(incident.victim_ids.iter().copied());
            people.extend(incident.perpetrator_ids.iter().copied());
        }
        people
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncidentRecord {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub reported_at: DateTime<Utc>,
    pub reporting_agency: String,
    pub category: String,
    pub incident_type: String,
    pub ward: String,
    pub alcohol_related: bool,
    pub youth_related: bool,
    pub perpetrator_unknown: bool,
    pub victim_ids: Vec<Uuid>,
    pub perpetrator_ids: Vec<Uuid>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessmentRecord {
    pub id: Uuid,
    pub instrument_version: u32,
    pub answers: BTreeMap<String, bool>,
    pub score: u32,
    pub computed_tier: RiskTier,
    pub final_tier: RiskTier,
    pub judgement_reason: Option<String>,
    pub assessed_by: Uuid,
    pub assessed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncidentType {
    pub code: String,
    pub name: String,
}

/// A case to open.
#[derive(Debug, Clone)]
pub struct NewAsbCase {
    pub person_id: Uuid,
    pub ward: String,
    pub summary: Option<String>,
    pub owner_agency: String,
    pub logged_by: Uuid,
    pub lead_officer: Option<Uuid>,
    pub opened_at: DateTime<Utc>,
}

/// One line of a list of cases.
#[derive(Debug, Clone, Serialize)]
pub struct CaseLine {
    pub id: Uuid,
    pub reference: String,
    pub subject: Option<Person>,
    pub ward: String,
    pub opened_at: DateTime<Utc>,
    pub tier: Option<RiskTier>,
}

/// A repeat victim found for a district, with the incidents that count.
#[derive(Debug, Clone, Serialize)]
pub struct RepeatVictimLine {
    pub person: Option<Person>,
    pub person_id: Uuid,
    pub incidents_in_window: u32,
}

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
        let kind = CaseKind::Asb;
        let year = uk_day(new.opened_at).year();
        if conn.get_database_backend() == DbBackend::Postgres {
            // One opener at a time per kind and year, until the transaction ends.
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
            .filter(case::Column::Kind.eq(kind.as_str()))
            .filter(case::Column::RefYear.eq(year))
            .into_tuple()
            .one(conn)
            .await?;
        let sequence = last.flatten().unwrap_or(0) + 1;
        let reference = u32::try_from(sequence)
            .ok()
            .and_then(|n| CaseReference::new(kind, year, n))
            .ok_or_else(|| StoreError::Conflict(format!("No case numbers are left for {year}.")))?;
        let row = case::ActiveModel {
            id: Set(Uuid::new_v4()),
            kind: Set(kind.as_str().to_string()),
            reference: Set(reference.to_string()),
            ref_year: Set(year),
            ref_sequence: Set(sequence),
            owner_agency: Set(new.owner_agency),
            lead_officer: Set(new.lead_officer),
            logged_by: Set(new.logged_by),
            subject_person_id: Set(new.person_id),
            ward_code: Set(ward_code),
            status: Set(OPEN.to_string()),
            outcome: Set(None),
            summary: Set(summary),
            review_date: Set(None),
            opened_at: Set(new.opened_at),
            closed_at: Set(None),
        }
        .insert(conn)
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

    /// Logs a checked incident on a case. The ward and type were checked by the
    /// domain against [`Store::wards`] and [`Store::asb_incident_types`]; here every
    /// victim and perpetrator must be a person on record and the reporting agency one
    /// of the partnership's. Returns the new incident's id.
    pub async fn log_incident(
        &self,
        conn: &impl ConnectionTrait,
        case_id: Uuid,
        incident: &Incident,
        created_by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        let perpetrators: &[Uuid] = match &incident.perpetrators {
            Perpetrators::Unknown => &[],
            Perpetrators::Known(ids) => ids,
        };
        let wanted: Vec<Uuid> = incident
            .victim_ids
            .iter()
            .chain(perpetrators)
            .copied()
            .collect();
        let known: HashSet<Uuid> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .filter(person::Column::Id.is_in(wanted.iter().copied()))
            .into_tuple::<Uuid>()
            .all(conn)
            .await?
            .into_iter()
            .collect();
        let mut errors = Vec::new();
        for (field, ids) in [
            ("victim_ids", incident.victim_ids.as_slice()),
            ("perpetrator_ids", perpetrators),
        ] {
            for id in ids.iter().filter(|id| !known.contains(id)) {
                errors.push(FieldError::new(
                    field,
                    format!("There is no person with the id {id}."),
                ));
            }
        }
        if agency::Entity::find_by_id(incident.reporting_agency.clone())
            .one(conn)
            .await?
            .is_none()
        {
            errors.push(FieldError::new(
                "reporting_agency",
                "Choose one of the partnership's agencies.",
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        let id = Uuid::new_v4();
        asb_incident::ActiveModel {
            id: Set(id),
            case_id: Set(case_id),
            occurred_at: Set(incident.occurred_at),
            reported_at: Set(incident.reported_at),
            reporting_agency: Set(incident.reporting_agency.clone()),
            category: Set(incident.category.as_str().to_string()),
            incident_type: Set(incident.incident_type.clone()),
            ward_code: Set(incident.ward.clone()),
            alcohol_related: Set(incident.alcohol_related),
            youth_related: Set(incident.youth_related),
            perpetrator_unknown: Set(perpetrators.is_empty()),
            created_by: Set(created_by),
            created_at: Set(now),
        }
        .insert(conn)
        .await?;
        let links: Vec<asb_incident_person::ActiveModel> = incident
            .victim_ids
            .iter()
            .map(|p| (p, VICTIM))
            .chain(perpetrators.iter().map(|p| (p, PERPETRATOR)))
            .map(|(person_id, role)| asb_incident_person::ActiveModel {
                incident_id: Set(id),
                person_id: Set(*person_id),
                role: Set(role.to_string()),
            })
            .collect();
        asb_incident_person::Entity::insert_many(links)
            .exec_without_returning(conn)
            .await?;
        Ok(id)
    }

    /// Records an assessment made with `answers`. Returns its id.
    pub async fn record_assessment(
        &self,
        conn: &impl ConnectionTrait,
        case_id: Uuid,
        answers: &BTreeMap<String, bool>,
        assessment: &Assessment,
        assessed_by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        let id = Uuid::new_v4();
        let answers = serde_json::to_string(answers)
            .map_err(|e| StoreError::Invalid(format!("answers: {e}")))?;
        let number = |n: u32| {
            i32::try_from(n).map_err(|_| StoreError::Invalid(format!("{n} is out of range")))
        };
        asb_assessment::ActiveModel {
            id: Set(id),
            case_id: Set(case_id),
            instrument_version: Set(number(assessment.instrument_version)?),
            answers: Set(answers),
            score: Set(number(assessment.score)?),
            computed_tier: Set(assessment.computed_tier.as_str().to_string()),
            final_tier: Set(assessment.final_tier.as_str().to_string()),
            judgement_reason: Set(assessment.raised_because.clone()),
            assessed_by: Set(assessed_by),
            assessed_at: Set(now),
        }
        .insert(conn)
        .await?;
        Ok(id)
    }

    /// The days (in the UK) of every incident in which each of `people` was a victim,
    /// from `since` on: one query for any number of people, as `(person, day)` pairs
    /// for [`RepeatVictimRule::repeat_victims`].
    pub async fn victim_incident_days(
        &self,
        people: &[Uuid],
        since: NaiveDate,
    ) -> Result<Vec<(Uuid, NaiveDate)>, StoreError> {
        if people.is_empty() {
            return Ok(Vec::new());
        }
        let backend = self.connection().get_database_backend();
        let mut values: Vec<Value> = vec![VICTIM.into(), uk_midnight(since).into()];
        let slots: Vec<String> = people
            .iter()
            .enumerate()
            .map(|(n, id)| {
                values.push((*id).into());
                format!("${}", n + 3)
            })
            .collect();
        let sql = format!(
            "SELECT p.person_id AS person_id, i.occurred_at AS occurred_at \
             FROM asb_incident_people p JOIN asb_incidents i ON i.id = p.incident_id \
             WHERE p.role = $1 AND i.occurred_at >= $2 AND p.person_id IN ({})",
            slots.join(", ")
        );
        let rows = self
            .connection()
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                placeholders(backend, &sql),
                values,
            ))
            .await?;
        rows.iter()
            .map(|row| {
                let person: Uuid = row.try_get("", "person_id")?;
                let at: DateTime<Utc> = row.try_get("", "occurred_at")?;
                Ok((person, uk_day(at)))
            })
            .collect()
    }

    /// Which of `people` are repeat victims as of `as_of` under `rule`.
    pub async fn repeat_victims_among(
        &self,
        people: &[Uuid],
        rule: RepeatVictimRule,
        as_of: NaiveDate,
    ) -> Result<HashSet<Uuid>, StoreError> {
        let window = rule.window(as_of);
        let pairs = self.victim_incident_days(people, window.from).await?;
        Ok(rule
            .repeat_victims(pairs, as_of)
            .into_iter()
            .map(|v| v.person)
            .collect())
    }

    /// Repeat victims as of `as_of` with at least one incident in the window in a ward
    /// of `district`, most incidents first. Every incident counts, wherever it
    /// happened and on whichever case: the database counts per victim within the
    /// rule's window and keeps those at the rule's threshold.
    pub async fn repeat_victims_in_district(
        &self,
        district: &str,
        rule: RepeatVictimRule,
        as_of: NaiveDate,
        page: u64,
        per_page: u64,
    ) -> Result<Page<RepeatVictimLine>, StoreError> {
        let window = rule.window(as_of);
        let backend = self.connection().get_database_backend();
        let grouped = "SELECT p.person_id AS person_id, COUNT(*) AS incidents \
             FROM asb_incident_people p JOIN asb_incidents i ON i.id = p.incident_id \
             WHERE p.role = $1 AND i.occurred_at >= $2 AND i.occurred_at < $3 \
             GROUP BY p.person_id \
             HAVING COUNT(*) >= $4 AND SUM(CASE WHEN i.ward_code IN \
               (SELECT w.code FROM wards w WHERE w.district_code = $5) THEN 1 ELSE 0 END) > 0";
        let values = || -> Vec<Value> {
            vec![
                VICTIM.into(),
                uk_midnight(window.from).into(),
                uk_midnight(window.to + Duration::days(1)).into(),
                i64::from(rule.incidents).into(),
                district.to_string().into(),
            ]
        };
        let conn = self.connection();
        let total_sql = format!("SELECT COUNT(*) AS total FROM ({grouped}) t");
        let total: i64 = match conn
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                placeholders(backend, &total_sql),
                values(),
            ))
            .await?
        {
            Some(row) => row.try_get("", "total")?,
            None => 0,
        };
        let per_page = per_page.max(1);
        let offset = page.saturating_sub(1).saturating_mul(per_page);
        let page_sql = format!(
            "{grouped} ORDER BY incidents DESC, person_id LIMIT {per_page} OFFSET {offset}"
        );
        let rows = conn
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                placeholders(backend, &page_sql),
                values(),
            ))
            .await?;
        let mut found = Vec::new();
        for row in &rows {
            let person_id: Uuid = row.try_get("", "person_id")?;
            let incidents: i64 = row.try_get("", "incidents")?;
            found.push((person_id, u32::try_from(incidents).unwrap_or(u32::MAX)));
        }
        let ids: Vec<Uuid> = found.iter().map(|(id, _)| *id).collect();
        let mut people = self.people_by_id(conn, &ids).await?;
        Ok(Page {
            items: found
                .into_iter()
                .map(|(person_id, incidents_in_window)| RepeatVictimLine {
                    person: people.remove(&person_id),
                    person_id,
                    incidents_in_window,
                })
                .collect(),
            total: u64::try_from(total).unwrap_or_default(),
        })
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

/// `$1, $2 ...` as each database writes its parameters (`?1, ?2 ...` on SQLite).
fn placeholders(backend: DbBackend, sql: &str) -> String {
    match backend {
        DbBackend::Sqlite => sql.replace('$', "?"),
        _ => sql.to_string(),
    }
}

/// Whether the UK keeps British Summer Time on this day (from the last Sunday of
/// March to the day before the last Sunday of October, at midnight).
fn summer_time_at_midnight(day: NaiveDate) -> bool {
    let last_sunday = |month: u32| {
        let mut d = NaiveDate::from_ymd_opt(day.year(), month, 31).unwrap_or(day);
        while d.weekday() != Weekday::Sun {
            d = d.pred_opt().unwrap_or(d);
        }
        d
    };
    day > last_sunday(3) && day <= last_sunday(10)
}

/// Whether the UK keeps British Summer Time at this moment: from 01:00 UTC on the
/// last Sunday of March to 01:00 UTC on the last Sunday of October.
fn summer_time(at: DateTime<Utc>) -> bool {
    let year = at.year();
    let change = |month: u32| {
        let mut d = NaiveDate::from_ymd_opt(year, month, 31).unwrap_or_default();
        while d.weekday() != Weekday::Sun {
            d = d.pred_opt().unwrap_or(d);
        }
        Utc.from_utc_datetime(&d.and_hms_opt(1, 0, 0).unwrap_or_default())
    };
    at >= change(3) && at < change(10)
}

/// The UK day of a moment: the partnership's calendar (GMT, or BST in summer).
pub fn uk_day(at: DateTime<Utc>) -> NaiveDate {
    if summer_time(at) {
        (at + Duration::hours(1)).date_naive()
    } else {
        at.date_naive()
    }
}

/// A UK wall-clock time (as a form's `datetime-local` gives it) as a moment. In the
/// hour the clocks go back the earlier (summer) reading is taken.
pub fn uk_local_to_utc(local: chrono::NaiveDateTime) -> DateTime<Utc> {
    let as_summer = Utc.from_utc_datetime(&(local - Duration::hours(1)));
    if summer_time(as_summer) {
        as_summer
    } else {
        Utc.from_utc_datetime(&local)
    }
}

/// The moment a UK day starts, in UTC.
pub fn uk_midnight(day: NaiveDate) -> DateTime<Utc> {
    let midnight = Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default());
    if summer_time_at_midnight(day) {
        midnight - Duration::hours(1)
    } else {
        midnight
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("time")
            .with_timezone(&Utc)
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn uk_days_follow_summer_time() {
        // Summer 2012: 25 March to 28 October.
        assert_eq!(uk_day(at("2012-06-01T23:30:00Z")), d(2012, 6, 2));
        assert_eq!(uk_day(at("2012-06-01T22:59:59Z")), d(2012, 6, 1));
        assert_eq!(uk_day(at("2012-01-01T23:30:00Z")), d(2012, 1, 1));
        assert_eq!(uk_day(at("2012-03-25T00:59:59Z")), d(2012, 3, 25));
        assert_eq!(uk_day(at("2012-10-27T23:30:00Z")), d(2012, 10, 28));
        assert_eq!(uk_day(at("2012-10-28T23:30:00Z")), d(2012, 10, 28));
        assert_eq!(uk_midnight(d(2012, 6, 2)), at("2012-06-01T23:00:00Z"));
        assert_eq!(uk_midnight(d(2012, 3, 25)), at("2012-03-25T00:00:00Z"));
        assert_eq!(uk_midnight(d(2012, 3, 26)), at("2012-03-25T23:00:00Z"));
        assert_eq!(uk_midnight(d(2012, 10, 28)), at("2012-10-27T23:00:00Z"));
        assert_eq!(uk_midnight(d(2012, 10, 29)), at("2012-10-29T00:00:00Z"));
        let local = |text: &str| {
            chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").expect("local")
        };
        assert_eq!(
            uk_local_to_utc(local("2012-06-01T21:30")),
            at("2012-06-01T20:30:00Z")
        );
        assert_eq!(
            uk_local_to_utc(local("2012-01-01T21:30")),
            at("2012-01-01T21:30:00Z")
        );
    }

    /// The counting queries on both databases: per victim across cases, inside the
    /// window only, kept by district, and one query for many people.
    #[tokio::test]
    async fn repeat_victims_are_counted_by_the_database() {
        crate::testing::each_database(|store| async move {
            store.load_reference_data().await.expect("reference");
            let conn = store.connection();
            let officer = store
                .create_user(
                    conn,
                    crate::users::NewUser {
                        username: "officer".into(),
                        display_name: "Officer".into(),
                        agency: "copeland-bc".into(),
                        roles: [casework_domain::roles::Role::Officer].into(),
                        password_hash: "x".into(),
                        must_change_password: false,
                    },
                )
                .await
                .expect("user");
            let creator = crate::people::Creator {
                user_id: officer.id,
                agency: "copeland-bc",
            };
            let details = |name: &str| casework_domain::people::PersonDetails {
                forename: name.into(),
                surname: "Victim".into(),
                date_of_birth: None,
                address: None,
                ward: None,
            };
            let often = store
                .create_person(conn, &details("Often"), creator)
                .await
                .expect("person");
            let once = store
                .create_person(conn, &details("Once"), creator)
                .await
                .expect("person");
            let now = Utc::now();
            let mut cases = Vec::new();
            for _ in 0..2 {
                let case = store
                    .open_asb_case(
                        conn,
                        NewAsbCase {
                            person_id: often.id,
                            ward: "harbour".into(),
                            summary: None,
                            owner_agency: "copeland-bc".into(),
                            logged_by: officer.id,
                            lead_officer: None,
                            opened_at: now,
                        },
                    )
                    .await
                    .expect("case");
                cases.push(case.id);
            }
            // Three in the window over two cases; one far too old.
            for (case, days, victims) in [
                (cases[0], 400, vec![often.id]),
                (cases[0], 30, vec![often.id, once.id]),
                (cases[1], 20, vec![often.id]),
                (cases[1], 2, vec![often.id]),
            ] {
                let incident = Incident {
                    occurred_at: now - Duration::days(days),
                    reported_at: now - Duration::days(days),
                    reporting_agency: "copeland-bc".into(),
                    category: casework_domain::asb::Category::Personal,
                    incident_type: "noise".into(),
                    ward: "harbour".into(),
                    alcohol_related: false,
                    youth_related: false,
                    victim_ids: victims,
                    perpetrators: Perpetrators::Unknown,
                };
                store
                    .log_incident(conn, case, &incident, officer.id, now)
                    .await
                    .expect("incident");
            }
            let rule = RepeatVictimRule {
                incidents: 3,
                months: 12,
            };
            let today = uk_day(now);
            let found = store
                .repeat_victims_among(&[often.id, once.id], rule, today)
                .await
                .expect("flags");
            assert_eq!(found, HashSet::from([often.id]));
            let copeland = store
                .repeat_victims_in_district("copeland", rule, today, 1, 10)
                .await
                .expect("district");
            assert_eq!(copeland.total, 1);
            assert_eq!(copeland.items[0].person_id, often.id);
            assert_eq!(copeland.items[0].incidents_in_window, 3);
            let allerdale = store
                .repeat_victims_in_district("allerdale", rule, today, 1, 10)
                .await
                .expect("district");
            assert_eq!(allerdale.total, 0);
            assert!(allerdale.items.is_empty());
            let beyond = store
                .repeat_victims_in_district("copeland", rule, today, 2, 10)
                .await
                .expect("page 2");
            assert_eq!((beyond.total, beyond.items.len()), (1, 0));
        })
        .await;
    }

    #[test]
    fn parameters_suit_each_database() {
        assert_eq!(placeholders(DbBackend::Sqlite, "a = $1"), "a = ?1");
        assert_eq!(placeholders(DbBackend::Postgres, "a = $1"), "a = $1");
    }
}
