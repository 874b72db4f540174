//! The Prevent & Deter store on both databases: the measures' period edges (the first
//! and last days count, the days either side do not), accepted and exits counted by
//! the day of the step, where young people are now, and the LMAPS agenda's query by
//! district, open cases only.

use std::collections::BTreeSet;

use casework_domain::access::Actor;
use casework_domain::people::PersonDetails;
use casework_domain::prevent_deter::{ExitOutcome, PdReferral, Reason, RiskFactor, Stage, Step};
use casework_domain::roles::Role;
use chrono::{NaiveDate, Utc};
use uuid::Uuid;

use super::{NewPdReferral, awaiting_panel_decision, measures};
use crate::Store;
use crate::people::Creator;
use crate::testing::each_database;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

async fn user(store: &Store, username: &str, agency: &str, role: Role) -> Actor {
    let user = crate::testing::test_user(store, username, agency, &[role]).await;
    Actor {
        user_id: user.id,
        agency: agency.into(),
        roles: BTreeSet::from([role]),
    }
}

async fn refer(store: &Store, by: &Actor, ward: &str, on: NaiveDate, alcohol: bool) -> Uuid {
    let details = PersonDetails {
        forename: "Young".into(),
        surname: "Person".into(),
        date_of_birth: Some(d(1998, 1, 1)),
        address: None,
        ward: Some(ward.into()),
    };
    let person = store
        .create_person(
            store.connection(),
            &details,
            Creator {
                user_id: by.user_id,
                agency: &by.agency,
            },
        )
        .await
        .expect("person")
        .id;
    let txn = store.begin_write().await.expect("txn");
    let case = store
        .insert_pd_referral(
            &txn,
            NewPdReferral {
                person_id: person,
                referral: PdReferral {
                    referred_on: on,
                    age: 14,
                    reasons: if alcohol {
                        vec![Reason::AlcoholRelatedAsb]
                    } else {
                        vec![Reason::Asb]
                    },
                    risk_factors: vec![RiskFactor::Truanting],
                    below_bar_reason: Some("test".into()),
                },
                ward: ward.into(),
                owner_agency: super::TEAM_AGENCY.into(),
                lead_officer: None,
                referring_agency: by.agency.clone(),
                referred_by: by.user_id,
                now: Utc::now(),
            },
        )
        .await
        .expect("referral");
    txn.commit().await.expect("commit");
    case.case.id
}

async fn step(store: &Store, team: &Actor, id: Uuid, to: Stage, on: NaiveDate) {
    let txn = store.begin_write().await.expect("txn");
    let now = store.pd_case(&txn, id).await.expect("read").expect("case");
    let reason = matches!(to, Stage::Exited(_) | Stage::Declined).then(|| "why".to_string());
    store
        .record_pd_step(
            &txn,
            id,
            &now.stage,
            &Step {
                to,
                on,
                reason,
                note: None,
            },
            team.user_id,
            Utc::now(),
        )
        .await
        .expect("step");
    txn.commit().await.expect("commit");
}

async fn to_panel(store: &Store, team: &Actor, id: Uuid, on: NaiveDate) {
    for s in [Stage::Screened, Stage::Assessed, Stage::PanelDecision] {
        step(store, team, id, s, on).await;
    }
}

#[tokio::test]
async fn the_measures_count_the_period_from_its_first_to_its_last_day() {
    each_database(|store| async move {
        store.load_reference_data().await.expect("reference");
        let housing = user(&store, "housing", "derwent-solway-ha", Role::Officer).await;
        let police = user(&store, "police", "cumbria-constabulary", Role::Officer).await;
        let team = user(&store, "pd.team", "prevent-deter", Role::PreventDeter).await;
        let before = refer(&store, &housing, "harbour", d(2012, 3, 31), true).await;
        let first = refer(&store, &housing, "harbour", d(2012, 4, 1), true).await;
        let last = refer(&store, &police, "moss-bay", d(2012, 6, 30), false).await;
        let _after = refer(&store, &police, "moss-bay", d(2012, 7, 1), true).await;
        // Accepted on the last day counts; accepted the day after does not.
        to_panel(&store, &team, before, d(2012, 4, 2)).await;
        step(&store, &team, before, Stage::Accepted, d(2012, 6, 30)).await;
        to_panel(&store, &team, first, d(2012, 4, 2)).await;
        step(&store, &team, first, Stage::Accepted, d(2012, 7, 1)).await;
        step(
            &store,
            &team,
            before,
            Stage::Programme("engagement".into()),
            d(2012, 6, 30),
        )
        .await;
        step(
            &store,
            &team,
            before,
            Stage::Exited(ExitOutcome::Disengaged),
            d(2012, 6, 30),
        )
        .await;
        step(&store, &team, last, Stage::Declined, d(2012, 6, 30)).await;

        let m = measures(store.connection(), d(2012, 4, 1), d(2012, 6, 30))
            .await
            .expect("measures");
        assert_eq!(m.referred, 2, "1 April and 30 June");
        assert_eq!(m.alcohol_related, 1);
        assert_eq!(
            m.alcohol_related_accepted, 1,
            "accepted on 1 July, after the period"
        );
        assert_eq!(m.accepted, 1, "accepted on 30 June");
        assert_eq!(m.exited.get("disengaged"), Some(&1));
        assert_eq!(m.exited.get("completed"), Some(&0));
        assert_eq!(
            m.by_agency.into_iter().collect::<Vec<_>>(),
            [
                ("cumbria-constabulary".to_string(), 1),
                ("derwent-solway-ha".to_string(), 1)
            ]
        );
        // Now: `first` accepted, `_after` referred; exited and declined are off it.
        assert_eq!(
            m.by_stage.into_iter().collect::<Vec<_>>(),
            [("accepted".to_string(), 1), ("referred".to_string(), 1)]
        );
    })
    .await;
}

#[tokio::test]
async fn the_agenda_query_finds_open_cases_awaiting_the_panel_in_the_district() {
    each_database(|store| async move {
        store.load_reference_data().await.expect("reference");
        let housing = user(&store, "housing", "derwent-solway-ha", Role::Officer).await;
        let team = user(&store, "pd.team", "prevent-deter", Role::PreventDeter).await;
        let copeland = refer(&store, &housing, "harbour", d(2012, 5, 1), false).await;
        let allerdale = refer(&store, &housing, "moss-bay", d(2012, 5, 1), false).await;
        let screened_only = refer(&store, &housing, "mirehouse", d(2012, 5, 1), false).await;
        let assessed = refer(&store, &housing, "sandwith", d(2012, 4, 1), false).await;
        let declined = refer(&store, &housing, "hensingham", d(2012, 5, 1), false).await;
        to_panel(&store, &team, copeland, d(2012, 5, 2)).await;
        to_panel(&store, &team, allerdale, d(2012, 5, 2)).await;
        step(&store, &team, screened_only, Stage::Screened, d(2012, 5, 2)).await;
        step(&store, &team, assessed, Stage::Screened, d(2012, 5, 2)).await;
        step(&store, &team, assessed, Stage::Assessed, d(2012, 5, 2)).await;
        to_panel(&store, &team, declined, d(2012, 5, 2)).await;
        step(&store, &team, declined, Stage::Declined, d(2012, 5, 3)).await;
        let found = awaiting_panel_decision(store.connection(), "copeland")
            .await
            .expect("query");
        assert_eq!(found, [assessed, copeland], "oldest referral first");
        let found = awaiting_panel_decision(store.connection(), "allerdale")
            .await
            .expect("query");
        assert_eq!(found, [allerdale]);
        assert!(
            awaiting_panel_decision(store.connection(), "nowhere")
                .await
                .expect("query")
                .is_empty()
        );
    })
    .await;
}
