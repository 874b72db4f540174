use casework_domain::calendar::FinancialYear;
use casework_store::testing::each_database;
use casework_store::{Store, plan::BUILT_IN_PLAN};
use chrono::NaiveDate;

async fn seeded(store: &Store) {
    store.load_reference_data().await.expect("reference data");
    store.load_built_in_plan().await.expect("plan");
}

#[tokio::test]
async fn migrations_go_down_and_up_again() {
    each_database(|store| async move {
        let status = store.migration_status().await.expect("status");
        assert!(status.iter().all(|(_, applied)| *applied), "{status:?}");
        store.migrate_down(None).await.expect("down");
        let status = store.migration_status().await.expect("status");
        assert!(status.iter().all(|(_, applied)| !*applied), "{status:?}");
        store.migrate_up().await.expect("up again");
        seeded(&store).await;
        assert_eq!(store.plan_years().await.expect("years"), vec!["2012-13"]);
    })
    .await;
}

#[tokio::test]
async fn the_seed_plan_loads_whole() {
    each_database(|store| async move {
        seeded(&store).await;
        let plan = store
            .plan(FinancialYear::starting(2012))
            .await
            .expect("read")
            .expect("plan loaded");
        let titles: Vec<&str> = plan.priorities.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Anti-Social Behaviour",
                "Reduce Re-Offending",
                "Domestic Violence",
                "KSI",
                "Crime"
            ]
        );
        let aims: Vec<_> = plan.priorities.iter().flat_map(|p| &p.aims).collect();
        let actions: Vec<_> = aims.iter().flat_map(|a| &a.actions).collect();
        assert_eq!(aims.len(), 12);
        assert_eq!(actions.len(), 23);

        let asb = &plan.priorities[0];
        assert_eq!(asb.aims.len(), 5);
        assert_eq!(asb.aims[2].title, "Target ASB Hotspots");
        assert_eq!(
            asb.aims[2].baseline_source.as_deref(),
            Some("Cumbria Observatory Data")
        );
        let gold = &asb.aims[0].actions[0];
        assert!(
            gold.text
                .starts_with("Monitor Gold Anti Social Behaviour Risk Assessment")
        );
        assert_eq!(gold.agencies, ["cumbria-constabulary"]);

        let pilot = actions
            .iter()
            .find(|a| {
                a.text
                    .starts_with("Undertake a Pilot to provide accommodation")
            })
            .expect("pilot action");
        assert_eq!(pilot.agencies, ["derwent-solway-ha", "impact-ha"]);
        assert_eq!(pilot.review_date, NaiveDate::from_ymd_opt(2012, 1, 31));

        let outreach = actions
            .iter()
            .find(|a| a.text == "Secure continuation of IOM outreach worker post")
            .expect("outreach action");
        assert_eq!(outreach.agencies, ["west-cumbria-csp"]);
        assert_eq!(outreach.review_date, NaiveDate::from_ymd_opt(2011, 12, 31));

        let champions = actions
            .iter()
            .find(|a| a.text.contains("Domestic Violence Champions Network"))
            .expect("champions action");
        assert_eq!(
            champions.agencies.len(),
            14,
            "All Agencies means every agency"
        );

        let economic = &plan.priorities[4].aims[1];
        assert_eq!(economic.title, "Minimise impact of Economic Crime");
        assert_eq!(economic.actions.len(), 3);
        assert!(
            economic
                .actions
                .iter()
                .all(|a| a.agencies == ["derwent-solway-ha"])
        );
    })
    .await;
}

#[tokio::test]
async fn importing_the_same_plan_again_changes_nothing() {
    each_database(|store| async move {
        seeded(&store).await;
        let before = store
            .plan(FinancialYear::starting(2012))
            .await
            .expect("read");
        assert!(
            store
                .load_built_in_plan()
                .await
                .expect("second load")
                .is_none()
        );
        let doc = store.parse_plan(BUILT_IN_PLAN).await.expect("parse");
        let report = store.import_plan(&doc).await.expect("re-import");
        assert!(report.changed_nothing(), "{report:?}");
        let after = store
            .plan(FinancialYear::starting(2012))
            .await
            .expect("read");
        assert_eq!(format!("{before:?}"), format!("{after:?}"));
        assert_eq!(
            store.load_reference_data().await.expect("reference again"),
            0
        );
    })
    .await;
}

#[tokio::test]
async fn a_changed_plan_keeps_ids_and_applies_the_difference() {
    each_database(|store| async move {
        seeded(&store).await;
        let before = store.latest_plan().await.expect("read").expect("plan");
        let edited = BUILT_IN_PLAN
            .replace(
                "title = \"Target ASB Hotspots\"",
                "title = \"Target ASB hotspot wards\"",
            )
            .replace(
                "agencies = [\"iom-team\"]",
                "agencies = [\"iom-team\", \"cumbria-probation\"]",
            );
        let doc = store.parse_plan(&edited).await.expect("parse");
        let report = store.import_plan(&doc).await.expect("import");
        assert_eq!((report.added, report.updated, report.removed), (1, 1, 0));
        let after = store.latest_plan().await.expect("read").expect("plan");
        assert_eq!(
            after.priorities[0].aims[2].title,
            "Target ASB hotspot wards"
        );
        assert_eq!(
            after.priorities[0].aims[2].id,
            before.priorities[0].aims[2].id
        );
    })
    .await;
}

#[tokio::test]
async fn a_plan_naming_an_unknown_agency_is_refused() {
    each_database(|store| async move {
        seeded(&store).await;
        let bad = BUILT_IN_PLAN.replace("[\"crash-group\"]", "[\"no-such-agency\"]");
        let err = store.parse_plan(&bad).await.expect_err("refused");
        assert!(err.to_string().contains("no-such-agency"), "{err}");
    })
    .await;
}

#[tokio::test]
async fn sqlite_connections_have_wal_foreign_keys_and_a_busy_timeout() {
    use casework_store::ConnectionTrait;
    let db = casework_store::testing::TestDatabase::sqlite();
    let store = db.store().await;
    // Ask several times so several pooled connections answer.
    for _ in 0..4 {
        let conn = store.connection();
        for (pragma, expected) in [
            ("journal_mode", "wal"),
            ("foreign_keys", "1"),
            ("busy_timeout", "10000"),
        ] {
            let row = conn
                .query_one_raw(sea_orm::Statement::from_string(
                    conn.get_database_backend(),
                    format!("PRAGMA {pragma}"),
                ))
                .await
                .expect("pragma")
                .expect("a row");
            let value: String = row
                .try_get_by_index::<String>(0)
                .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
                .expect("value");
            assert_eq!(value, expected, "{pragma}");
        }
    }
    store.close().await;
}
