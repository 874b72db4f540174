//! The incident days the repeat-victim rule counts, and repeat victims by district,
//! counted by the database.

use std::collections::{HashMap, HashSet};

use casework_domain::access::{Actor, CaseAction, CaseKind};
use casework_domain::access_scope::{self, Reach};
use casework_domain::asb::RepeatVictimRule;
use casework_domain::calendar::{uk_day, uk_midnight};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait, Value};
use serde::Serialize;
use uuid::Uuid;

use super::VICTIM;
use crate::db::placeholders;
use crate::people::Page;
use crate::reach::{Params, reach_condition};
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
    /// of `district`, most incidents first, then by name: only those the actor may
    /// see, that is who are a victim in at least one ASB case the actor may view
    /// (`access_scope::reach`). Each count is every incident in the window, on any
    /// case and of any agency, as the rule says. One query counts, filters, pages and
    /// totals; a second finds the cases to link to for the people on the page.
    pub async fn repeat_victims_in_district(
        &self,
        actor: &Actor,
        district: &str,
        rule: RepeatVictimRule,
        as_of: NaiveDate,
        page: u64,
        per_page: u64,
    ) -> Result<Page<RepeatVictimLine>, StoreError> {
        let reach = access_scope::reach(actor, CaseKind::Asb, CaseAction::View);
        if reach.is_nothing() {
            return Ok(Page {
                items: Vec::new(),
                total: 0,
            });
        }
        let window = rule.window(as_of);
        let end = window.to.succ_opt().unwrap_or(window.to);
        let mut params = Params::default();
        let victim = params.bind(VICTIM);
        let asb = params.bind(CaseKind::Asb.as_str());
        let conn = self.connection();
        let backend = conn.get_database_backend();
        let lookup = lookup_index(backend);
        // CROSS JOIN fixes SQLite's join order (PostgreSQL plans it as an inner join)
        // and `lookup` its index, which holds each incident's case, time and ward by
        // id: the count reads every incident in id order, so its look-ups of their
        // victims (by incident id) go in order too. Left to choose, SQLite took seconds.
        let counted = format!(
            "SELECT p.person_id AS person_id, COUNT(*) AS incidents \
             FROM asb_incidents i{lookup} CROSS JOIN asb_incident_people p \
             WHERE p.incident_id = i.id AND p.role = {victim} \
               AND i.occurred_at >= {from} AND i.occurred_at < {to} \
             GROUP BY p.person_id \
             HAVING COUNT(*) >= {threshold} AND SUM(CASE WHEN i.ward_code IN \
               (SELECT w.code FROM wards w WHERE w.district_code = {district}) \
               THEN 1 ELSE 0 END) > 0",
            from = params.bind(uk_midnight(window.from)),
            to = params.bind(uk_midnight(end)),
            threshold = params.bind(i64::from(rule.incidents)),
            district = params.bind(district),
        );
        // Agendas open the cases on them as of today, whatever `as_of` is.
        let lmaps_since = self.lmaps_open_since(uk_day(Utc::now())).await?;
        let may_view = reach_condition(&reach, actor, lmaps_since, &mut params);
        // Victim of at least one ASB case the actor may view, at any time: each
        // counted victim's cases (one row per case, however many incidents), then the
        // policy on each case once. MATERIALIZED has both databases work each out
        // once: PostgreSQL without statistics (a fresh load) otherwise re-ran the
        // case walk for every counted victim and took seconds.
        let listed = format!(
            "WITH counted AS MATERIALIZED ({counted}), \
             seen AS MATERIALIZED (\
               SELECT DISTINCT vc.person_id AS person_id FROM (\
                 SELECT DISTINCT vp.person_id AS person_id, vi.case_id AS case_id \
                 FROM counted CROSS JOIN asb_incident_people vp \
                 CROSS JOIN asb_incidents vi{lookup} \
                 WHERE vp.person_id = counted.person_id AND vp.role = {victim} \
                   AND vi.id = vp.incident_id) vc \
               CROSS JOIN cases c \
               WHERE c.id = vc.case_id AND c.kind = {asb} AND {may_view}), \
             listed AS (\
               SELECT counted.person_id, counted.incidents FROM counted \
               WHERE counted.person_id IN (SELECT seen.person_id FROM seen))"
        );
        let per_page = per_page.max(1);
        let offset = page.saturating_sub(1).saturating_mul(per_page);
        let page_sql = format!(
            "{listed} SELECT l.person_id AS person_id, l.incidents AS incidents, \
               pe.forename AS forename, pe.surname AS surname, \
               pe.date_of_birth AS date_of_birth, COUNT(*) OVER () AS total \
             FROM listed l JOIN people pe ON pe.id = l.person_id \
             ORDER BY l.incidents DESC, pe.surname, pe.forename, l.person_id \
             LIMIT {per_page} OFFSET {offset}"
        );
        // One snapshot for the page, its total and its links. On PostgreSQL each call
        // is planned for its own dates: a cached generic plan, blind to how many
        // incidents the window holds, probed them one by one and took half as long
        // again (docs/performance.md).
        let txn = conn.begin().await?;
        if backend == DbBackend::Postgres {
            txn.execute_unprepared("SET LOCAL plan_cache_mode = force_custom_plan")
                .await?;
        }
        let rows = txn
            .query_all_raw(params.statement(backend, &page_sql))
            .await?;
        let mut items = Vec::with_capacity(rows.len());
        let mut total = 0_i64;
        for row in &rows {
            let incidents: i64 = row.try_get("", "incidents")?;
            total = row.try_get("", "total")?;
            items.push(RepeatVictimLine {
                person_id: row.try_get("", "person_id")?,
                forename: row.try_get("", "forename")?,
                surname: row.try_get("", "surname")?,
                date_of_birth: row.try_get("", "date_of_birth")?,
                incidents_in_window: u32::try_from(incidents).unwrap_or(u32::MAX),
                cases: Vec::new(),
            });
        }
        if items.is_empty() && offset > 0 {
            // Past the last page the rows carry no total: count on its own.
            let count_sql = format!("{listed} SELECT COUNT(*) AS total FROM listed");
            if let Some(row) = txn
                .query_one_raw(params.statement(backend, &count_sql))
                .await?
            {
                total = row.try_get("", "total")?;
            }
        }
        let people: Vec<Uuid> = items.iter().map(|line| line.person_id).collect();
        let mut links = asb_cases_as_victim(&txn, actor, &reach, lmaps_since, &people).await?;
        txn.commit().await?;
        for line in &mut items {
            line.cases = links.remove(&line.person_id).unwrap_or_default();
        }
        Ok(Page {
            items,
            total: u64::try_from(total).unwrap_or_default(),
        })
    }
}

/// The ASB cases within `reach` of the actor in which each of `people` is a victim,
/// by reference (one query).
async fn asb_cases_as_victim(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    reach: &Reach,
    lmaps_since: NaiveDate,
    people: &[Uuid],
) -> Result<HashMap<Uuid, Vec<CaseLink>>, StoreError> {
    let mut found: HashMap<Uuid, Vec<CaseLink>> = HashMap::new();
    if people.is_empty() {
        return Ok(found);
    }
    let mut params = Params::default();
    let victim = params.bind(VICTIM);
    let asb = params.bind(CaseKind::Asb.as_str());
    let slots: Vec<String> = people.iter().map(|id| params.bind(*id)).collect();
    let may_view = reach_condition(reach, actor, lmaps_since, &mut params);
    let backend = conn.get_database_backend();
    let lookup = lookup_index(backend);
    let sql = format!(
        "SELECT DISTINCT vp.person_id AS person_id, c.id AS case_id, \
           c.reference AS reference, c.status AS status \
         FROM asb_incident_people vp \
         CROSS JOIN asb_incidents vi{lookup} CROSS JOIN cases c \
         WHERE vp.role = {victim} AND vp.person_id IN ({}) \
           AND vi.id = vp.incident_id AND c.id = vi.case_id \
           AND c.kind = {asb} AND {may_view} \
         ORDER BY reference",
        slots.join(", ")
    );
    let rows = conn.query_all_raw(params.statement(backend, &sql)).await?;
    for row in &rows {
        let person: Uuid = row.try_get("", "person_id")?;
        found.entry(person).or_default().push(CaseLink {
            id: row.try_get("", "case_id")?,
            reference: row.try_get("", "reference")?,
            status: row.try_get("", "status")?,
        });
    }
    Ok(found)
}

/// On SQLite, the index (migration `m20261128_000010`) each incident is read from by
/// id: covering, it holds the case, time and ward. SQLite would otherwise take the
/// primary key's index and then the table. PostgreSQL chooses for itself.
fn lookup_index(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Sqlite => " INDEXED BY idx_asb_incidents_victim_lookup",
        _ => "",
    }
}

/// A repeat victim on a district's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RepeatVictimLine {
    pub person_id: Uuid,
    pub forename: String,
    pub surname: String,
    pub date_of_birth: Option<NaiveDate>,
    /// Incidents in the rule's window in which they were a victim, on every case.
    pub incidents_in_window: u32,
    /// The ASB cases in which they are a victim that the viewer may open.
    pub cases: Vec<CaseLink>,
}

/// A case to link to from a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseLink {
    pub id: Uuid,
    pub reference: String,
    pub status: String,
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use casework_domain::access::{Decision, decide};
    use casework_domain::asb::{Category, Incident, Perpetrators};
    use casework_domain::people::PersonDetails;
    use casework_domain::roles::Role;
    use chrono::Duration;

    use super::*;
    use crate::asb::NewAsbCase;
    use crate::people::{Creator, Person};
    use crate::users::User;

    fn contact() -> casework_domain::asb::ContactStandard {
        casework_domain::asb::ContactStandard::from_settings(
            &casework_domain::settings::Settings::default(),
        )
    }

    const RULE: RepeatVictimRule = RepeatVictimRule {
        incidents: 3,
        months: 12,
    };

    async fn user(store: &Store, username: &str, agency: &str, role: Role) -> User {
        crate::testing::test_user(store, username, agency, &[role]).await
    }

    async fn person(store: &Store, by: &User, forename: &str, surname: &str) -> Person {
        let details = PersonDetails {
            forename: forename.into(),
            surname: surname.into(),
            date_of_birth: None,
            address: None,
            ward: None,
        };
        let creator = Creator {
            user_id: by.id,
            agency: &by.agency,
        };
        store
            .create_person(store.connection(), &details, creator)
            .await
            .expect("person")
    }

    async fn case(
        store: &Store,
        subject: Uuid,
        owner: &str,
        logged_by: &User,
        lead: Option<&User>,
    ) -> Uuid {
        let new = NewAsbCase {
            person_id: subject,
            ward: "harbour".into(),
            summary: None,
            owner_agency: owner.into(),
            logged_by: logged_by.id,
            lead_officer: lead.map(|u| u.id),
            opened_at: Utc::now(),
        };
        store
            .open_asb_case(store.connection(), new)
            .await
            .expect("case")
            .id
    }

    async fn incidents(
        store: &Store,
        case: Uuid,
        ward: &str,
        victims: &[Uuid],
        days_ago: &[i64],
        by: &User,
    ) {
        let now = Utc::now();
        for days in days_ago {
            let incident = Incident {
                occurred_at: now - Duration::days(*days),
                reported_at: now - Duration::days(*days),
                reporting_agency: by.agency.clone(),
                category: Category::Personal,
                incident_type: "noise".into(),
                ward: ward.into(),
                alcohol_related: false,
                youth_related: false,
                victim_ids: victims.to_vec(),
                perpetrators: Perpetrators::Unknown,
            };
            store
                .log_incident(store.connection(), case, &incident, contact(), by.id, now)
                .await
                .expect("incident");
        }
    }

    /// The counting queries on both databases: per victim across cases, inside the
    /// window only, kept by district, and one query for many people.
    #[tokio::test]
    async fn repeat_victims_are_counted_by_the_database() {
        crate::testing::each_database(|store| async move {
            store.load_reference_data().await.expect("reference");
            let officer = user(&store, "officer", "copeland-bc", Role::Officer).await;
            let often = person(&store, &officer, "Often", "Victim").await;
            let once = person(&store, &officer, "Once", "Victim").await;
            let first = case(&store, often.id, "copeland-bc", &officer, None).await;
            let second = case(&store, often.id, "copeland-bc", &officer, None).await;
            // Three in the window over two cases; one far too old.
            incidents(&store, first, "harbour", &[often.id], &[400], &officer).await;
            let both = [often.id, once.id];
            incidents(&store, first, "harbour", &both, &[30], &officer).await;
            incidents(&store, second, "harbour", &[often.id], &[20, 2], &officer).await;
            let today = uk_day(Utc::now());
            let found = store
                .repeat_victims_among(&[often.id, once.id], RULE, today)
                .await
                .expect("flags");
            assert_eq!(found, HashSet::from([often.id]));
            let actor = officer.actor();
            let copeland = store
                .repeat_victims_in_district(&actor, "copeland", RULE, today, 1, 10)
                .await
                .expect("district");
            assert_eq!(copeland.total, 1);
            let line = &copeland.items[0];
            assert_eq!(
                (
                    line.person_id,
                    line.surname.as_str(),
                    line.incidents_in_window
                ),
                (often.id, "Victim", 3)
            );
            let mut linked: Vec<Uuid> = line.cases.iter().map(|c| c.id).collect();
            linked.sort_unstable();
            let mut expected = vec![first, second];
            expected.sort_unstable();
            assert_eq!(linked, expected);
            let allerdale = store
                .repeat_victims_in_district(&actor, "allerdale", RULE, today, 1, 10)
                .await
                .expect("district");
            assert_eq!(allerdale.total, 0);
            assert!(allerdale.items.is_empty());
            let beyond = store
                .repeat_victims_in_district(&actor, "copeland", RULE, today, 2, 10)
                .await
                .expect("page 2");
            assert_eq!((beyond.total, beyond.items.len()), (1, 0));
        })
        .await;
    }

    /// The list's filter in SQL and `access::decide` agree: each actor sees exactly the
    /// victims of cases `decide` lets them view, linked to exactly those cases, while
    /// the counts include incidents on cases they may not see.
    #[tokio::test]
    async fn the_list_shows_what_decide_allows_and_counts_everything() {
        crate::testing::each_database(|store| async move {
            store.load_reference_data().await.expect("reference");
            let council = user(&store, "council", "copeland-bc", Role::Officer).await;
            let housing = user(&store, "housing", "derwent-solway-ha", Role::Officer).await;
            let police = user(&store, "police", "cumbria-constabulary", Role::Officer).await;
            let lmaps = user(&store, "lmaps", "allerdale-bc", Role::Lmaps).await;
            let analyst = user(&store, "analyst", "west-cumbria-csp", Role::Analyst).await;
            let mut cases_of: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
            // Each victim's one case stands to the three officers differently.
            let shapes: [(&str, &User, Option<&User>, Option<&str>); 6] = [
                ("copeland-bc", &council, Some(&council), None),
                ("derwent-solway-ha", &housing, None, None),
                ("derwent-solway-ha", &housing, None, Some("copeland-bc")),
                ("cumbria-constabulary", &police, Some(&council), None),
                ("cumbria-constabulary", &council, Some(&police), None),
                (
                    "cumbria-constabulary",
                    &police,
                    None,
                    Some("derwent-solway-ha"),
                ),
            ];
            for (n, (owner, logged_by, lead, share)) in shapes.into_iter().enumerate() {
                let victim = person(&store, logged_by, "Victim", &format!("Number{n}")).await;
                let id = case(&store, victim.id, owner, logged_by, lead).await;
                if let Some(agency) = share {
                    store
                        .share_case(
                            store.connection(),
                            id,
                            agency,
                            "LMAPS",
                            logged_by.id,
                            Utc::now(),
                        )
                        .await
                        .expect("share");
                }
                // More incidents for later victims, so the order is known.
                let days: Vec<i64> = (0..3 + n as i64).map(|d| 10 + d).collect();
                incidents(&store, id, "harbour", &[victim.id], &days, logged_by).await;
                cases_of.insert(victim.id, vec![id]);
            }
            // Two incidents on the council's case and two on the police's: four count,
            // for whoever may see either case.
            let split = person(&store, &council, "Split", "Across").await;
            let council_case = case(&store, split.id, "copeland-bc", &council, None).await;
            let police_case = case(&store, split.id, "cumbria-constabulary", &police, None).await;
            incidents(
                &store,
                council_case,
                "harbour",
                &[split.id],
                &[5, 6],
                &council,
            )
            .await;
            incidents(
                &store,
                police_case,
                "mirehouse",
                &[split.id],
                &[7, 8],
                &police,
            )
            .await;
            cases_of.insert(split.id, vec![council_case, police_case]);

            let today = uk_day(Utc::now());
            // Council: its own case, the one shared with it, the one it leads, the one
            // it logged, and the split victim's. Housing: its two and the one shared
            // with it. Police: its four. LMAPS (no agendas yet) and the analyst: none.
            for (viewer, sees) in [
                (&council, 5),
                (&housing, 3),
                (&police, 4),
                (&lmaps, 0),
                (&analyst, 0),
            ] {
                let actor = viewer.actor();
                let mut expected: BTreeMap<Uuid, BTreeSet<Uuid>> = BTreeMap::new();
                for (victim, cases) in &cases_of {
                    for case in cases {
                        let facts = store.case_facts(*case).await.expect("facts").expect("case");
                        if decide(&actor, CaseAction::View, &facts) == Decision::Allow {
                            expected.entry(*victim).or_default().insert(*case);
                        }
                    }
                }
                let listed = store
                    .repeat_victims_in_district(&actor, "copeland", RULE, today, 1, 50)
                    .await
                    .expect("list");
                let got: BTreeMap<Uuid, BTreeSet<Uuid>> = listed
                    .items
                    .iter()
                    .map(|l| (l.person_id, l.cases.iter().map(|c| c.id).collect()))
                    .collect();
                assert_eq!(expected.len(), sees, "{}", viewer.username);
                assert_eq!(got, expected, "{}", viewer.username);
                assert_eq!(listed.total, expected.len() as u64, "{}", viewer.username);
                if let Some(line) = listed.items.iter().find(|l| l.person_id == split.id) {
                    assert_eq!(line.incidents_in_window, 4, "{}", viewer.username);
                }
                // Pages of two add up to the whole list, each with the same total.
                let mut paged = Vec::new();
                for page in 1..=4 {
                    let part = store
                        .repeat_victims_in_district(&actor, "copeland", RULE, today, page, 2)
                        .await
                        .expect("page");
                    assert_eq!(part.total, listed.total);
                    paged.extend(part.items.into_iter().map(|l| l.person_id));
                }
                let whole: Vec<Uuid> = listed.items.iter().map(|l| l.person_id).collect();
                assert_eq!(paged, whole, "{}", viewer.username);
            }
            // What the council sees, in order: most incidents first, then by name.
            let council_view = store
                .repeat_victims_in_district(&council.actor(), "copeland", RULE, today, 1, 50)
                .await
                .expect("list");
            let order: Vec<(String, u32)> = council_view
                .items
                .iter()
                .map(|l| (l.surname.clone(), l.incidents_in_window))
                .collect();
            let expected: Vec<(String, u32)> = [
                ("Number4", 7),
                ("Number3", 6),
                ("Number2", 5),
                ("Across", 4),
                ("Number0", 3),
            ]
            .into_iter()
            .map(|(name, n)| (name.to_string(), n))
            .collect();
            assert_eq!(order, expected);
        })
        .await;
    }
}
