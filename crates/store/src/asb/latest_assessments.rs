//! Each ASB case's latest assessment (migration `m20261128_000018_asb_latest_assessments`),
//! rewritten in the same transaction as every assessment recorded, by the one rule the
//! migration filled it with (`casework_migrations::LATEST_ASSESSMENTS`).

use casework_migrations::LATEST_ASSESSMENTS;
use sea_orm::{ConnectionTrait, Statement};
use uuid::Uuid;

use crate::StoreError;
use crate::db::placeholders;

/// Rewrites the latest assessment of `case`, after an assessment of it is recorded.
pub(crate) async fn keep_latest_assessment(
    conn: &impl ConnectionTrait,
    case: Uuid,
) -> Result<(), StoreError> {
    let backend = conn.get_database_backend();
    for sql in [
        "DELETE FROM asb_latest_assessments WHERE case_id = $1".to_string(),
        LATEST_ASSESSMENTS.replace("{cases}", "a.case_id = $1"),
    ] {
        conn.execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, &sql),
            [case.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Rewrites every case's latest assessment: for bulk loads, after their assessments.
pub(crate) async fn keep_all_latest_assessments(
    conn: &impl ConnectionTrait,
) -> Result<(), StoreError> {
    let backend = conn.get_database_backend();
    for sql in [
        "DELETE FROM asb_latest_assessments".to_string(),
        LATEST_ASSESSMENTS.replace("{cases}", "1 = 1"),
    ] {
        conn.execute_raw(Statement::from_string(backend, sql))
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use casework_domain::asb::{Assessment, RiskTier};
    use casework_domain::roles::Role;
    use chrono::{Duration, TimeZone, Utc};
    use sea_orm::{ConnectionTrait, Statement};
    use uuid::Uuid;

    use crate::Store;
    use crate::plan_report::BulkAsbCase;
    use crate::testing::each_database;

    fn assessment(tier: RiskTier) -> Assessment {
        Assessment {
            instrument_version: 1,
            score: 0,
            computed_tier: tier,
            final_tier: tier,
            gold_because: Vec::new(),
            raised_because: None,
        }
    }

    /// Each case's kept latest assessment: id and tier.
    async fn kept(store: &Store) -> BTreeMap<Uuid, (Uuid, String)> {
        let conn = store.connection();
        conn.query_all_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT case_id, assessment_id, final_tier FROM asb_latest_assessments",
        ))
        .await
        .expect("latest")
        .iter()
        .map(|row| {
            (
                row.try_get("", "case_id").expect("case"),
                (
                    row.try_get("", "assessment_id").expect("assessment"),
                    row.try_get("", "final_tier").expect("tier"),
                ),
            )
        })
        .collect()
    }

    /// The store keeps each case's latest assessment as assessments are recorded (a
    /// later one replaces it, whatever its tier; of two at the same moment, the greater
    /// id), and the migration fills the same from assessments already stored.
    #[tokio::test]
    async fn the_latest_assessment_is_kept_on_write_and_filled_by_the_migration() {
        each_database(|store| async move {
            store.load_reference_data().await.expect("reference");
            let user = crate::testing::test_user(
                &store,
                "assessor",
                "cumbria-constabulary",
                &[Role::Officer],
            )
            .await;
            let start = Utc
                .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
                .single()
                .expect("a time");
            let cases: Vec<BulkAsbCase> = (0..4)
                .map(|n| BulkAsbCase {
                    case_id: Uuid::new_v4(),
                    person_id: Uuid::new_v4(),
                    sequence: n + 1,
                    ward: "harbour".into(),
                    opened_at: start,
                })
                .collect();
            store
                .bulk_insert_asb_cases(&cases, user.id, "cumbria-constabulary")
                .await
                .expect("cases");
            let record = |case: Uuid, tier: RiskTier, minutes: i64| {
                let store = store.clone();
                async move {
                    store
                        .record_assessment(
                            store.connection(),
                            case,
                            &BTreeMap::new(),
                            &assessment(tier),
                            user.id,
                            start + Duration::minutes(minutes),
                        )
                        .await
                        .expect("assessment")
                }
            };
            // Gold, then Silver: Silver now.
            record(cases[0].case_id, RiskTier::Gold, 0).await;
            let silver = record(cases[0].case_id, RiskTier::Silver, 60).await;
            // Silver, then Gold.
            record(cases[1].case_id, RiskTier::Silver, 0).await;
            let gold = record(cases[1].case_id, RiskTier::Gold, 1).await;
            // Two at the same moment: the greater id.
            let a = record(cases[2].case_id, RiskTier::Bronze, 5).await;
            let b = record(cases[2].case_id, RiskTier::Gold, 5).await;
            let same_moment = if a > b {
                (a, "bronze".to_string())
            } else {
                (b, "gold".to_string())
            };
            // cases[3] is never assessed.
            let after_writes = kept(&store).await;
            let expected: BTreeMap<Uuid, (Uuid, String)> = [
                (cases[0].case_id, (silver, "silver".to_string())),
                (cases[1].case_id, (gold, "gold".to_string())),
                (cases[2].case_id, same_moment),
            ]
            .into_iter()
            .collect();
            assert_eq!(after_writes, expected);

            store
                .migrate_back_through("m20261128_000018_asb_latest_assessments")
                .await
                .expect("down");
            store.migrate_up().await.expect("up again");
            assert_eq!(kept(&store).await, expected);
        })
        .await;
    }
}
