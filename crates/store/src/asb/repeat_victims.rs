//! The incident days the repeat-victim rule counts, and repeat victims by district,
//! counted by the database.

use std::collections::HashSet;

use casework_domain::asb::RepeatVictimRule;
use casework_domain::calendar::{uk_day, uk_midnight};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, Statement, Value};
use uuid::Uuid;

use super::{RepeatVictimLine, VICTIM};
use crate::db::placeholders;
use crate::people::Page;
use crate::{Store, StoreError};

impl Store {
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
}

#[cfg(test)]
mod tests {
    use casework_domain::asb::{Incident, Perpetrators};

    use super::*;
    use crate::asb::NewAsbCase;

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
}
