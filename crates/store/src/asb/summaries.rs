//! The two summaries of ASB incidents that the plan's report reads (migration
//! `m20261128_000016_asb_summaries`): counts per UK day and ward, and each victim's
//! incidents with their UK day and ward. Every write of incidents goes through here in
//! the same transaction as the incidents themselves, so the summaries never disagree
//! with them.

use std::collections::BTreeMap;

use casework_domain::asb::{DayCounts, counting_day, day_number};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::Statement;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Value};
use uuid::Uuid;

use crate::StoreError;
use crate::db::placeholders;
use crate::entities::asb_victim_incident;

/// Day rows per upsert (six parameters each).
const DAY_ROWS: usize = 1_000;
/// Victim rows per insert (four parameters each).
const VICTIM_ROWS: usize = 2_000;

/// What a batch of incidents adds to (or, negated, takes from) the days' counts,
/// gathered per day and ward first. Keys are kept in order, so concurrent writers
/// lock the rows they share in the same order on PostgreSQL.
#[derive(Debug, Default)]
pub(crate) struct DayChanges(BTreeMap<(NaiveDate, String), DayCounts>);

impl DayChanges {
    pub(crate) fn add(&mut self, occurred_at: DateTime<Utc>, ward: &str, counts: DayCounts) {
        self.0
            .entry((counting_day(occurred_at), ward.to_string()))
            .or_default()
            .add(counts);
    }

    /// Writes the changes: a missing day and ward is inserted, an existing one has
    /// the counts added to it.
    pub(crate) async fn apply(self, conn: &impl ConnectionTrait) -> Result<(), StoreError> {
        let rows: Vec<_> = self.0.into_iter().collect();
        let backend = conn.get_database_backend();
        for chunk in rows.chunks(DAY_ROWS) {
            let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 6);
            let mut tuples = Vec::with_capacity(chunk.len());
            for ((day, ward), c) in chunk {
                let n = values.len();
                tuples.push(format!(
                    "(${}, ${}, ${}, ${}, ${}, ${})",
                    n + 1,
                    n + 2,
                    n + 3,
                    n + 4,
                    n + 5,
                    n + 6
                ));
                values.extend([
                    (*day).into(),
                    ward.clone().into(),
                    c.incidents.into(),
                    c.alcohol_youth.into(),
                    c.criminal_damage.into(),
                    c.deliberate_fire.into(),
                ]);
            }
            let sql = format!(
                "INSERT INTO asb_incident_days \
                   (day, ward_code, incidents, alcohol_youth, criminal_damage, deliberate_fire) \
                 VALUES {} \
                 ON CONFLICT (day, ward_code) DO UPDATE SET \
                   incidents = asb_incident_days.incidents + excluded.incidents, \
                   alcohol_youth = asb_incident_days.alcohol_youth + excluded.alcohol_youth, \
                   criminal_damage = asb_incident_days.criminal_damage + excluded.criminal_damage, \
                   deliberate_fire = asb_incident_days.deliberate_fire + excluded.deliberate_fire",
                tuples.join(", ")
            );
            conn.execute_raw(Statement::from_sql_and_values(
                backend,
                placeholders(backend, &sql),
                values,
            ))
            .await?;
        }
        Ok(())
    }
}

/// One victim of one incident, as the repeat-victim count reads it.
#[derive(Debug, Clone)]
pub(crate) struct VictimIncident {
    pub incident_id: Uuid,
    pub person_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub ward: String,
}

pub(crate) async fn add_victim_incidents(
    conn: &impl ConnectionTrait,
    rows: &[VictimIncident],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(VICTIM_ROWS) {
        asb_victim_incident::Entity::insert_many(chunk.iter().map(|v| {
            asb_victim_incident::ActiveModel {
                incident_id: Set(v.incident_id),
                person_id: Set(v.person_id),
                day: Set(day_number(counting_day(v.occurred_at))),
                ward_code: Set(v.ward.clone()),
            }
        }))
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

pub(crate) async fn remove_victim_incidents(
    conn: &impl ConnectionTrait,
    incident_id: Uuid,
) -> Result<(), StoreError> {
    asb_victim_incident::Entity::delete_many()
        .filter(asb_victim_incident::Column::IncidentId.eq(incident_id))
        .exec(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use casework_domain::roles::Role;
    use chrono::{Duration, TimeZone};

    use crate::Store;
    use crate::plan_report::{BulkAsbCase, BulkAsbIncident};
    use crate::testing::each_database;

    use super::*;

    type Days = BTreeMap<(String, String), [i64; 4]>;

    async fn summaries(store: &Store) -> (Days, BTreeSet<(String, String, i32, String)>) {
        let conn = store.connection();
        let backend = conn.get_database_backend();
        let mut days = Days::new();
        for row in conn
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT day, ward_code, incidents, alcohol_youth, criminal_damage, \
                 deliberate_fire FROM asb_incident_days",
            ))
            .await
            .expect("days")
        {
            let day: NaiveDate = row.try_get("", "day").expect("day");
            let key = (day.to_string(), row.try_get("", "ward_code").expect("ward"));
            let counts = [
                "incidents",
                "alcohol_youth",
                "criminal_damage",
                "deliberate_fire",
            ]
            .map(|c| row.try_get::<i64>("", c).expect("count"));
            days.insert(key, counts);
        }
        let mut victims = BTreeSet::new();
        for row in conn
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT incident_id, person_id, day, ward_code FROM asb_victim_incidents",
            ))
            .await
            .expect("victims")
        {
            let incident: Uuid = row.try_get("", "incident_id").expect("incident");
            let person: Uuid = row.try_get("", "person_id").expect("person");
            victims.insert((
                incident.to_string(),
                person.to_string(),
                row.try_get("", "day").expect("day"),
                row.try_get("", "ward_code").expect("ward"),
            ));
        }
        (days, victims)
    }

    /// The migration that creates the summaries fills them from incidents already
    /// stored exactly as the write path keeps them: checked with more incidents than
    /// the migration reads in one page.
    #[tokio::test]
    async fn the_migration_fills_the_summaries_as_the_write_path_keeps_them() {
        each_database(|store| async move {
            store.load_reference_data().await.expect("reference");
            let user = crate::testing::test_user(
                &store,
                "loader",
                "cumbria-constabulary",
                &[Role::Officer],
            )
            .await;
            let start = Utc
                .with_ymd_and_hms(2012, 3, 20, 22, 30, 0)
                .single()
                .expect("a time");
            let cases: Vec<BulkAsbCase> = (0..50)
                .map(|n| BulkAsbCase {
                    case_id: Uuid::new_v4(),
                    person_id: Uuid::new_v4(),
                    sequence: n + 1,
                    ward: if n % 2 == 0 { "harbour" } else { "moss-bay" }.into(),
                    opened_at: start,
                })
                .collect();
            store
                .bulk_insert_asb_cases(&cases, user.id, "cumbria-constabulary")
                .await
                .expect("cases");
            // 10,050 incidents over 21 days either side of the clocks going forward,
            // every 17th at 23:30 UTC (the next UK day in summer); a third with the
            // case's person as victim.
            let types = ["noise", "criminal-damage", "deliberate-fire"];
            let incidents: Vec<BulkAsbIncident> = (0..10_050usize)
                .map(|n| {
                    let case = &cases[n % cases.len()];
                    let at = start
                        + Duration::minutes((n * 3) as i64)
                        + Duration::hours(if n % 17 == 0 { 1 } else { 0 });
                    BulkAsbIncident {
                        case_id: case.case_id,
                        occurred_at: at,
                        incident_type: types[n % 3],
                        ward: case.ward.clone(),
                        alcohol_related: n % 4 == 0,
                        youth_related: n % 5 == 0,
                        victim: (n % 3 == 0).then_some(case.person_id),
                    }
                })
                .collect();
            store
                .bulk_insert_asb_incidents(&incidents, user.id, "cumbria-constabulary")
                .await
                .expect("incidents");

            let kept = summaries(&store).await;
            let total: i64 = kept.0.values().map(|c| c[0]).sum();
            assert_eq!(total, 10_050);
            assert_eq!(kept.1.len(), 3_350);
            // Worked from the same rule here: every incident's UK day and counts.
            let mut expected = Days::new();
            for i in &incidents {
                let c = DayCounts::of_incident(i.incident_type, i.alcohol_related, i.youth_related);
                let e = expected
                    .entry((counting_day(i.occurred_at).to_string(), i.ward.clone()))
                    .or_default();
                for (slot, v) in [
                    c.incidents,
                    c.alcohol_youth,
                    c.criminal_damage,
                    c.deliberate_fire,
                ]
                .into_iter()
                .enumerate()
                {
                    e[slot] += v;
                }
            }
            assert_eq!(kept.0, expected);

            store
                .migrate_back_through("m20261128_000016_asb_summaries")
                .await
                .expect("down");
            store.migrate_up().await.expect("up again");
            assert_eq!(summaries(&store).await, kept);
        })
        .await;
    }
}
