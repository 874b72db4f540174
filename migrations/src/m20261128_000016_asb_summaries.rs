//! Two summaries of the ASB incidents, kept by the store on every incident logged or
//! removed, so that the plan's quarterly report reads thousands of rows rather than a
//! year's million incidents:
//! - `asb_incident_days`: per UK day and ward, the incidents and the counts the plan
//!   measures (alcohol-related youth ASB, criminal damage, deliberate fires);
//! - `asb_victim_incidents`: each victim's incidents with the incident's UK day (as a
//!   number, `casework_domain::asb::day_number`) and ward, so repeat victims are
//!   counted from one covering index in person order: no look-up of incidents, no sort.
//!
//! Both are filled here from the incidents already stored; each incident's day and
//! counts come from the domain's rules, as the store's do.

use std::collections::HashMap;

use ::uuid::Uuid;
use casework_domain::asb::{DayCounts, counting_day, day_number};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

#[derive(DeriveMigrationName)]
pub struct Migration;

const VICTIM_DAYS: &str = "idx_asb_victim_incidents_person_day";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AsbIncidentDays::Table)
                    .col(date(AsbIncidentDays::Day))
                    .col(string(AsbIncidentDays::WardCode))
                    .col(big_integer(AsbIncidentDays::Incidents))
                    .col(big_integer(AsbIncidentDays::AlcoholYouth))
                    .col(big_integer(AsbIncidentDays::CriminalDamage))
                    .col(big_integer(AsbIncidentDays::DeliberateFire))
                    .primary_key(
                        Index::create()
                            .col(AsbIncidentDays::Day)
                            .col(AsbIncidentDays::WardCode),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AsbVictimIncidents::Table)
                    .col(uuid(AsbVictimIncidents::IncidentId))
                    .col(uuid(AsbVictimIncidents::PersonId))
                    .col(integer(AsbVictimIncidents::Day))
                    .col(string(AsbVictimIncidents::WardCode))
                    .primary_key(
                        Index::create()
                            .col(AsbVictimIncidents::IncidentId)
                            .col(AsbVictimIncidents::PersonId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AsbVictimIncidents::Table, AsbVictimIncidents::IncidentId)
                            .to(AsbIncidents::Table, AsbIncidents::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // Covering, in person order: each victim's days in a window are counted as the
        // index is read, with the ward for the district split (measured against a
        // day-first index, which needs a sort by person: docs/performance.md).
        manager
            .create_index(
                Index::create()
                    .name(VICTIM_DAYS)
                    .table(AsbVictimIncidents::Table)
                    .col(AsbVictimIncidents::PersonId)
                    .col(AsbVictimIncidents::Day)
                    .col(AsbVictimIncidents::WardCode)
                    .to_owned(),
            )
            .await?;
        fill(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AsbVictimIncidents::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AsbIncidentDays::Table).to_owned())
            .await
    }
}

/// Incidents read per query while filling the summaries.
const PAGE: u64 = 10_000;
/// Rows per insert statement.
const ROWS: usize = 1_000;

/// Fills both summaries from the stored incidents, read a page at a time in id order
/// with their victims, so memory holds a page and the days.
async fn fill(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = db.get_database_backend();
    let sql = |text: &str| match backend {
        DbBackend::Sqlite => text.replace('$', "?"),
        _ => text.to_string(),
    };
    let mut days: HashMap<(NaiveDate, String), DayCounts> = HashMap::new();
    let mut after: Option<Uuid> = None;
    loop {
        let columns = "SELECT id, occurred_at, ward_code, incident_type, alcohol_related, \
                       youth_related FROM asb_incidents";
        let statement = match after {
            None => Statement::from_string(backend, format!("{columns} ORDER BY id LIMIT {PAGE}")),
            Some(id) => Statement::from_sql_and_values(
                backend,
                sql(&format!("{columns} WHERE id > $1 ORDER BY id LIMIT {PAGE}")),
                [Value::from(id)],
            ),
        };
        let rows = db.query_all_raw(statement).await?;
        let Some(last) = rows.last() else {
            break;
        };
        let last: Uuid = last.try_get("", "id")?;
        let mut page: HashMap<Uuid, (NaiveDate, String)> = HashMap::with_capacity(rows.len());
        for row in &rows {
            let occurred_at: DateTime<Utc> = row.try_get("", "occurred_at")?;
            let ward: String = row.try_get("", "ward_code")?;
            let incident_type: String = row.try_get("", "incident_type")?;
            let counts = DayCounts::of_incident(
                &incident_type,
                row.try_get("", "alcohol_related")?,
                row.try_get("", "youth_related")?,
            );
            let day = counting_day(occurred_at);
            days.entry((day, ward.clone())).or_default().add(counts);
            page.insert(row.try_get("", "id")?, (day, ward));
        }
        // The page's victims: links whose incident id falls in the page's id range.
        let mut values = vec![Value::from("victim"), Value::from(last)];
        let mut range = "p.incident_id <= $2".to_string();
        if let Some(id) = after {
            values.push(Value::from(id));
            range.push_str(" AND p.incident_id > $3");
        }
        let links = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                sql(&format!(
                    "SELECT p.incident_id, p.person_id FROM asb_incident_people p \
                     WHERE p.role = $1 AND {range}"
                )),
                values,
            ))
            .await?;
        let mut victims = Vec::with_capacity(links.len());
        for link in &links {
            let incident: Uuid = link.try_get("", "incident_id")?;
            let person: Uuid = link.try_get("", "person_id")?;
            if let Some((day, ward)) = page.get(&incident) {
                victims.push((incident, person, day_number(*day), ward.clone()));
            }
        }
        for chunk in victims.chunks(ROWS) {
            let mut insert = Query::insert();
            insert.into_table(AsbVictimIncidents::Table).columns([
                AsbVictimIncidents::IncidentId,
                AsbVictimIncidents::PersonId,
                AsbVictimIncidents::Day,
                AsbVictimIncidents::WardCode,
            ]);
            for (incident, person, day, ward) in chunk {
                insert.values_panic([
                    (*incident).into(),
                    (*person).into(),
                    (*day).into(),
                    ward.clone().into(),
                ]);
            }
            manager.exec_stmt(insert).await?;
        }
        if (rows.len() as u64) < PAGE {
            break;
        }
        after = Some(last);
    }
    let days: Vec<_> = days.into_iter().collect();
    for chunk in days.chunks(ROWS) {
        let mut insert = Query::insert();
        insert.into_table(AsbIncidentDays::Table).columns([
            AsbIncidentDays::Day,
            AsbIncidentDays::WardCode,
            AsbIncidentDays::Incidents,
            AsbIncidentDays::AlcoholYouth,
            AsbIncidentDays::CriminalDamage,
            AsbIncidentDays::DeliberateFire,
        ]);
        for ((day, ward), c) in chunk {
            insert.values_panic([
                (*day).into(),
                ward.clone().into(),
                c.incidents.into(),
                c.alcohol_youth.into(),
                c.criminal_damage.into(),
                c.deliberate_fire.into(),
            ]);
        }
        manager.exec_stmt(insert).await?;
    }
    Ok(())
}

#[derive(DeriveIden)]
enum AsbIncidentDays {
    Table,
    Day,
    WardCode,
    Incidents,
    AlcoholYouth,
    CriminalDamage,
    DeliberateFire,
}

#[derive(DeriveIden)]
enum AsbVictimIncidents {
    Table,
    IncidentId,
    PersonId,
    Day,
    WardCode,
}

#[derive(DeriveIden)]
enum AsbIncidents {
    Table,
    Id,
}
