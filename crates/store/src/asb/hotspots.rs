//! Incidents per ward for a period, counted by the database for the hotspot ranking
//! (`casework_domain::asb::rank_hotspots`). Counts only: no person is read.

use casework_domain::asb::{CRIMINAL_DAMAGE, DELIBERATE_FIRE, WardCounts};
use casework_domain::calendar::{Period, uk_midnight};
use sea_orm::ConnectionTrait;

use crate::reach::Params;
use crate::{Store, StoreError};

impl Store {
    /// Incidents that happened in `period` (UK days, both ends included) per ward,
    /// with the alcohol-related, youth-related, alcohol-related youth, criminal damage
    /// and deliberate fire counts; only the wards of `district` when given. One grouped
    /// query over the `occurred_at` range; wards with none are left out.
    pub async fn asb_ward_counts(
        &self,
        period: Period,
        district: Option<&str>,
    ) -> Result<Vec<WardCounts>, StoreError> {
        let end = period.to.succ_opt().unwrap_or(period.to);
        let mut params = Params::default();
        let from = params.bind(uk_midnight(period.from));
        let to = params.bind(uk_midnight(end));
        let damage = params.bind(CRIMINAL_DAMAGE);
        let fire = params.bind(DELIBERATE_FIRE);
        // CROSS JOIN keeps SQLite reading the period's range of the covering
        // `idx_asb_incidents_window` first; left to choose, it read every incident the
        // district's wards ever had, from the table.
        let (wards, in_district) = match district {
            Some(code) => (
                " CROSS JOIN wards w",
                format!(
                    " AND w.code = i.ward_code AND w.district_code = {}",
                    params.bind(code)
                ),
            ),
            None => ("", String::new()),
        };
        let sql = format!(
            "SELECT i.ward_code AS ward, COUNT(*) AS incidents, \
               SUM(CASE WHEN i.alcohol_related THEN 1 ELSE 0 END) AS alcohol_related, \
               SUM(CASE WHEN i.youth_related THEN 1 ELSE 0 END) AS youth_related, \
               SUM(CASE WHEN i.alcohol_related AND i.youth_related THEN 1 ELSE 0 END) \
                 AS alcohol_related_youth, \
               SUM(CASE WHEN i.incident_type = {damage} THEN 1 ELSE 0 END) AS criminal_damage, \
               SUM(CASE WHEN i.incident_type = {fire} THEN 1 ELSE 0 END) AS deliberate_fire \
             FROM asb_incidents i{wards} \
             WHERE i.occurred_at >= {from} AND i.occurred_at < {to}{in_district} \
             GROUP BY i.ward_code"
        );
        let conn = self.connection();
        let rows = conn
            .query_all_raw(params.statement(conn.get_database_backend(), &sql))
            .await?;
        let count = |row: &sea_orm::QueryResult, column: &str| -> Result<u64, StoreError> {
            let n: i64 = row.try_get("", column)?;
            Ok(u64::try_from(n).unwrap_or_default())
        };
        rows.iter()
            .map(|row| {
                Ok(WardCounts {
                    ward: row.try_get("", "ward")?,
                    incidents: count(row, "incidents")?,
                    alcohol_related: count(row, "alcohol_related")?,
                    youth_related: count(row, "youth_related")?,
                    alcohol_related_youth: count(row, "alcohol_related_youth")?,
                    criminal_damage: count(row, "criminal_damage")?,
                    deliberate_fire: count(row, "deliberate_fire")?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use casework_domain::asb::{Category, Incident, Perpetrators};
    use casework_domain::people::PersonDetails;
    use casework_domain::roles::Role;
    use chrono::{DateTime, NaiveDate, Utc};

    use super::*;
    use crate::asb::NewAsbCase;
    use crate::people::Creator;
    use crate::users::NewUser;

    fn contact() -> casework_domain::asb::ContactStandard {
        casework_domain::asb::ContactStandard::from_settings(
            &casework_domain::settings::Settings::default(),
        )
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("time")
            .with_timezone(&Utc)
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn counts(ward: &str, n: [u64; 6]) -> WardCounts {
        WardCounts {
            ward: ward.into(),
            incidents: n[0],
            alcohol_related: n[1],
            youth_related: n[2],
            alcohol_related_youth: n[3],
            criminal_damage: n[4],
            deliberate_fire: n[5],
        }
    }

    async fn sorted(store: &Store, period: Period, district: Option<&str>) -> Vec<WardCounts> {
        let mut found = store
            .asb_ward_counts(period, district)
            .await
            .expect("counts");
        found.sort_by(|a, b| a.ward.cmp(&b.ward));
        found
    }

    /// Counted per UK day (BST at both ends of Q1 2012-13), per ward, with each flag and
    /// type, on both databases.
    #[tokio::test]
    async fn wards_are_counted_per_uk_day_with_their_flags() {
        crate::testing::each_database(|store| async move {
            store.load_reference_data().await.expect("reference");
            let conn = store.connection();
            let officer = store
                .create_user(
                    conn,
                    NewUser {
                        username: "officer".into(),
                        display_name: "Officer".into(),
                        agency: "copeland-bc".into(),
                        roles: [Role::Officer].into(),
                        password_hash: "x".into(),
                        must_change_password: false,
                    },
                )
                .await
                .expect("user");
            let details = PersonDetails {
                forename: "Some".into(),
                surname: "Victim".into(),
                date_of_birth: None,
                address: None,
                ward: None,
            };
            let creator = Creator {
                user_id: officer.id,
                agency: "copeland-bc",
            };
            let victim = store
                .create_person(conn, &details, creator)
                .await
                .expect("person");
            let case = store
                .open_asb_case(
                    conn,
                    NewAsbCase {
                        person_id: victim.id,
                        ward: "harbour".into(),
                        summary: None,
                        owner_agency: "copeland-bc".into(),
                        logged_by: officer.id,
                        lead_officer: None,
                        opened_at: at("2012-01-10T09:00:00Z"),
                    },
                )
                .await
                .expect("case");
            for (when, ward, kind, alcohol, youth) in [
                // 23:59 on 31 March (BST): the quarter before.
                ("2012-03-31T22:59:00Z", "harbour", "noise", false, false),
                // 00:30 on 1 April (BST): the first of Q1.
                (
                    "2012-03-31T23:30:00Z",
                    "harbour",
                    "criminal-damage",
                    true,
                    false,
                ),
                (
                    "2012-05-10T12:00:00Z",
                    "harbour",
                    "deliberate-fire",
                    false,
                    true,
                ),
                ("2012-05-11T12:00:00Z", "harbour", "noise", true, true),
                // 23:59 on 30 June (BST), in; a minute later it is July, out.
                (
                    "2012-06-30T22:59:00Z",
                    "mirehouse",
                    "criminal-damage",
                    false,
                    false,
                ),
                ("2012-06-30T23:00:00Z", "mirehouse", "noise", true, true),
                (
                    "2012-04-15T12:00:00Z",
                    "moss-bay",
                    "rowdy-behaviour",
                    false,
                    true,
                ),
                (
                    "2012-02-01T12:00:00Z",
                    "sandwith",
                    "deliberate-fire",
                    true,
                    false,
                ),
            ] {
                let incident = Incident {
                    occurred_at: at(when),
                    reported_at: at(when),
                    reporting_agency: "copeland-bc".into(),
                    category: Category::Nuisance,
                    incident_type: kind.into(),
                    ward: ward.into(),
                    alcohol_related: alcohol,
                    youth_related: youth,
                    victim_ids: vec![victim.id],
                    perpetrators: Perpetrators::Unknown,
                };
                store
                    .log_incident(conn, case.id, &incident, contact(), officer.id, at(when))
                    .await
                    .expect("incident");
            }
            let q1 = Period {
                from: day(2012, 4, 1),
                to: day(2012, 6, 30),
            };
            assert_eq!(
                sorted(&store, q1, None).await,
                [
                    counts("harbour", [3, 2, 2, 1, 1, 1]),
                    counts("mirehouse", [1, 0, 0, 0, 1, 0]),
                    counts("moss-bay", [1, 0, 1, 0, 0, 0]),
                ]
            );
            assert_eq!(
                sorted(&store, q1, Some("copeland")).await,
                [
                    counts("harbour", [3, 2, 2, 1, 1, 1]),
                    counts("mirehouse", [1, 0, 0, 0, 1, 0]),
                ]
            );
            assert_eq!(
                sorted(&store, q1, Some("allerdale")).await,
                [counts("moss-bay", [1, 0, 1, 0, 0, 0])]
            );
            assert_eq!(
                sorted(&store, q1.previous_of_same_length(), None).await,
                [
                    counts("harbour", [1, 0, 0, 0, 0, 0]),
                    counts("sandwith", [1, 1, 0, 0, 0, 1]),
                ]
            );
            let july = Period {
                from: day(2012, 7, 1),
                to: day(2012, 7, 1),
            };
            assert_eq!(
                sorted(&store, july, None).await,
                [counts("mirehouse", [1, 1, 1, 1, 0, 0])]
            );
            assert!(sorted(&store, q1, Some("nowhere")).await.is_empty());
        })
        .await;
    }
}
